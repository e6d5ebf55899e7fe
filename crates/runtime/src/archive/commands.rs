//! The store edge's answers to commands: history pages, search, safety codes, `/trust`,
//! `/block`, and `/dm` to a name that could mean more than one key. Lines these show are
//! stored first.

use super::{error, shown, system, Archive, MAX_PAGE, MAX_RESULTS};
use p2pchat_engine::api::{NetCommand, NetEvent};

impl Archive {
    /// Answers a command that concerns the store; `None` for commands for the node.
    pub fn on_command(&mut self, cmd: &NetCommand) -> Option<Vec<NetEvent>> {
        let reply = match cmd {
            NetCommand::History {
                before,
                limit,
                earlier_runs,
                room,
            } => {
                let before = match (before, earlier_runs) {
                    (Some(b), true) => Some((*b).min(self.session_start + 1)),
                    (Some(b), false) => Some(*b),
                    (None, true) => Some(self.session_start + 1),
                    (None, false) => None,
                };
                match self
                    .db()?
                    .page(before, (*limit).clamp(1, MAX_PAGE), room.as_deref())
                {
                    Ok((entries, more)) => NetEvent::History { entries, more },
                    Err(e) => error(format!("cannot read history: {e}")),
                }
            }
            NetCommand::Search { text, room } => {
                match self.db()?.search(text, MAX_RESULTS, room.as_deref()) {
                    Ok(entries) => NetEvent::SearchResults {
                        query: text.clone(),
                        entries,
                    },
                    Err(e) => error(format!("cannot search history: {e}")),
                }
            }
            NetCommand::Verify { who } => match self.resolve(who) {
                Ok(k) => self.safety(k),
                Err(e) => error(e),
            },
            NetCommand::Trust {
                who,
                trusted: true,
                code,
            } => self.trust(who, code.as_deref()),
            NetCommand::Trust {
                who,
                trusted: false,
                ..
            } => self.set(who, |db, k| {
                db.set_trusted(&k.id, false)?;
                k.trusted = false;
                Ok(())
            }),
            // A name under more than one key (a look-alike of ours included) is never sent
            // to the node, which would pick whichever such peer is connected.
            NetCommand::SendDm { to, .. } => match self.ambiguity(to) {
                Some(e) => error(e),
                None => return None,
            },
            NetCommand::Block { who, blocked } => {
                let reply = self.set(who, |db, k| {
                    db.set_blocked(&k.id, *blocked)?;
                    k.blocked = *blocked;
                    Ok(())
                });
                if let NetEvent::PeerTrust { id, blocked, .. } = &reply {
                    if *blocked {
                        self.blocked.insert(id.clone());
                    } else {
                        self.blocked.remove(id);
                    }
                }
                reply
            }
            _ => return None,
        };
        // Safety codes, search results and trust changes are shown as lines: stored first.
        let mut out = Vec::new();
        let line = match (cmd, &reply) {
            (NetCommand::Trust { .. } | NetCommand::Block { .. }, NetEvent::PeerTrust { .. }) => {
                shown::trust_change(cmd, &reply).map(|text| system(text, now_ms()))
            }
            _ => self.shown_line(&reply, now_ms()),
        };
        if let Some(entry) = line {
            self.store(&entry, &mut out);
        }
        out.insert(0, reply);
        Some(out)
    }
}

/// The wall clock for lines stored by commands (events carry the actor's time).
fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as i64)
}
