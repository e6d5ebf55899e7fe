//! The actor's store edge: every event passes through here on its way to the front end, so it
//! is written to the history database *before* it is shown; blocked peers' messages stop here;
//! key sightings become trust events. Store queries (`/history`, `/search`) and trust commands
//! (`/verify`, `/trust`, `/block`) are answered here, keeping SQLite out of the sans-IO core.

mod book;
mod commands;
mod files_shown;
mod presence;
mod relay;
mod shown;
mod trust;

pub use trust::key_warning;

use crate::store::history::DISK_FULL;
use crate::store::quota::{Quota, PRUNE_BATCH, PRUNE_INTERVAL_MS};
use crate::store::{EntryKind, History, HistoryEntry};
use p2pchat_engine::api::{Delivery, NetEvent};
use p2pchat_engine::wire::PeerId;
use std::collections::{HashMap, HashSet};

/// The `rejected` reason for a blocked peer's message (interfaces show nothing for it).
pub const BLOCKED: &str = "blocked: message not shown";

/// Most lines one history page returns, and most search results.
pub const MAX_PAGE: usize = 500;
pub const MAX_RESULTS: usize = 200;

/// The store edge. Without a database (tests, `state_file: None`) it passes events through.
pub struct Archive {
    db: Option<History>,
    me: PeerId,
    /// Lines stored by earlier runs have rows up to this; a first `History` page starts here.
    session_start: i64,
    online: HashMap<String, String>,
    blocked: HashSet<String>,
    /// A store failure is reported once, not per line.
    failed: bool,
    /// Which joins and leaves are shown (and stored) and which are folded.
    presence: presence::Presence,
    /// When expired and future-dated rows are next looked for (Unix ms; 0: at the first tick).
    next_prune: i64,
    /// Thresholds of proposals seen, for the stored vote lines.
    thresholds: HashMap<String, usize>,
    /// File names of transfers seen, for the stored lines (files_shown.rs).
    transfer_names: HashMap<String, String>,
    /// Transfers whose offer named one peer (transfer id → that peer's id and name): their
    /// lines are stored in the conversation with it (at most MAX_TRANSFERS).
    private_transfers: HashMap<String, (String, String)>,
}

impl Archive {
    pub fn new(db: Option<History>, me: PeerId) -> Archive {
        let session_start = db.as_ref().map_or(0, |d| d.last_row());
        let blocked = db
            .as_ref()
            .and_then(|d| d.all_keys().ok())
            .unwrap_or_default()
            .into_iter()
            .filter(|k| k.blocked)
            .map(|k| k.id)
            .collect();
        Archive {
            db,
            me,
            session_start,
            online: HashMap::new(),
            blocked,
            failed: false,
            presence: Default::default(),
            next_prune: 0,
            thresholds: HashMap::new(),
            transfer_names: HashMap::new(),
            private_transfers: HashMap::new(),
        }
    }

    /// The store edge for `db` kept to the quotas and retention of `limits` (pruned at once).
    pub fn with_quota(
        mut db: Option<History>,
        me: PeerId,
        limits: &p2pchat_engine::limits::Limits,
    ) -> Result<Archive, String> {
        if let Some(h) = &mut db {
            h.set_quota(Quota::from_limits(limits))?;
        }
        Ok(Archive::new(db, me))
    }

    /// Periodic upkeep, called on the actor's timer ticks: every PRUNE_INTERVAL, the quotas
    /// are enforced and rows past the retention or dated too far ahead are deleted, a batch
    /// per tick until none are left.
    pub fn maintain(&mut self, now_ms: i64) {
        let Some(db) = &self.db else { return };
        if now_ms < self.next_prune {
            return;
        }
        // A store over its quota with no new lines (the bound was lowered) gets there too.
        let quota = db.prune_to_quota();
        let expired = db.prune_expired(now_ms);
        let mut more = false;
        for (what, result) in [("over the quota", quota), ("expired", expired)] {
            match result {
                Ok(p) => {
                    more |= p.rows >= PRUNE_BATCH;
                    if p.rows > 0 {
                        tracing::info!(rows = p.rows, bytes = p.bytes, "pruned history {what}");
                    }
                }
                Err(e) => tracing::error!("cannot prune history {what}: {e}"),
            }
        }
        if !more {
            self.next_prune = now_ms + PRUNE_INTERVAL_MS;
        }
    }

    /// Stores `event` (if it is a shown line) and returns what to show, in order: nothing for
    /// a blocked peer's message, the event plus a trust event for a peer coming online.
    pub fn on_event(&mut self, mut event: NetEvent, now_ms: i64) -> Vec<NetEvent> {
        let me = self.me.to_hex();
        // An author the node has no name for (a synced message from someone not connected)
        // gets the name its key was last seen with.
        if let NetEvent::Message {
            from, from_name, ..
        }
        | NetEvent::Backfilled {
            from, from_name, ..
        } = &mut event
        {
            if *from_name == fingerprint(from) {
                *from_name = self.name_of(from, from_name);
            }
        }
        // The certificate line names its approvers, connected or not.
        if let NetEvent::SecureMode {
            approvers,
            approver_names,
            ..
        } = &mut event
        {
            *approver_names = approvers
                .iter()
                .map(|a| self.name_of(a, &fingerprint(a)))
                .collect();
        }
        let mut out = Vec::new();
        if let NetEvent::Message { from, .. } | NetEvent::DirectMessage { from, .. } = &event {
            self.presence.spoke(from, now_ms);
        }
        let stored = match &event {
            NetEvent::Backfilled { msg_id, .. }
            | NetEvent::Message { msg_id, .. }
            | NetEvent::DirectMessage { msg_id, .. }
                if self.db.as_ref().is_some_and(|d| d.contains(msg_id)) =>
            {
                // Already shown once, by whichever path came first (live, sync, a relay, an
                // outbox resend). This also catches a replay that the node's bounded replay
                // windows no longer know (MAX_REPLAY_AUTHORS): it is dropped without a word,
                // since a late honest copy and a replay look the same here.
                return out;
            }
            NetEvent::Message { from, .. }
            | NetEvent::DirectMessage { from, .. }
            | NetEvent::Backfilled { from, .. }
            | NetEvent::FileOffer { from, .. }
                if self.blocked.contains(from) =>
            {
                // Not stored, not shown; headless clients see that something was dropped.
                return vec![NetEvent::Rejected {
                    from: from.clone(),
                    reason: BLOCKED.into(),
                }];
            }
            NetEvent::Message {
                msg_id,
                from,
                from_name,
                body,
                signed,
                ts,
                room,
                ..
            } => Some(HistoryEntry {
                room: Some(room.clone()),
                ..line(
                    EntryKind::Message,
                    Some(msg_id),
                    from,
                    from_name,
                    None,
                    body,
                    *ts,
                    *signed,
                )
            }),
            NetEvent::Backfilled {
                msg_id,
                from,
                from_name,
                body,
                ts,
                room,
                ..
            } => Some(HistoryEntry {
                backfilled: true,
                room: Some(room.clone()),
                ..line(
                    EntryKind::Message,
                    Some(msg_id),
                    from,
                    from_name,
                    None,
                    body,
                    *ts,
                    true,
                )
            }),
            NetEvent::Sent {
                msg_id,
                body,
                signed,
                ts,
                room,
                ..
            } => Some(HistoryEntry {
                room: Some(room.clone()),
                ..line(
                    EntryKind::Sent,
                    Some(msg_id),
                    &me,
                    "",
                    None,
                    body,
                    *ts,
                    *signed,
                )
            }),
            NetEvent::DirectMessage {
                msg_id,
                from,
                from_name,
                body,
                ts,
            } => Some(line(
                EntryKind::DmIn,
                Some(msg_id),
                from,
                from_name,
                Some(from),
                body,
                *ts,
                true,
            )),
            NetEvent::DmSent {
                msg_id,
                to,
                body,
                ts,
                status,
                to_name,
            } => Some(HistoryEntry {
                status: Some(delivery_name(*status).into()),
                peer_name: Some(self.name_of(to, to_name)),
                ..line(
                    EntryKind::DmOut,
                    Some(msg_id),
                    &me,
                    "",
                    Some(to),
                    body,
                    *ts,
                    true,
                )
            }),
            NetEvent::Delivered { msg_id, to } => {
                let Some(db) = &self.db else {
                    return vec![event];
                };
                match db.delivered(msg_id, to) {
                    Ok(true) => {}
                    Ok(false) => return out, // already delivered
                    Err(e) => tracing::error!("cannot mark delivered: {e}"),
                }
                None
            }
            NetEvent::Ready { id, name, .. } => {
                // Our own name belongs to our key: a look-alike of it is warned about.
                if let Some(Err(e)) = self.db().map(|d| d.claim_own_key(id, name, now_ms)) {
                    tracing::error!("cannot record our own key: {e}");
                }
                self.shown_line(&event, now_ms)
            }
            NetEvent::PeerOnline { .. } | NetEvent::PeerOffline { .. } => {
                return self.on_presence(event, now_ms);
            }
            NetEvent::Notice { message } => Some(system(message.clone(), now_ms)),
            // The stored line changes in place: an edit's new body, a delete's nothing left
            // (nor its signed original, so no peer is given it again).
            NetEvent::Edited { msg_id, body, .. } => {
                if let Some(Err(e)) = self.db().map(|d| d.edit_body(msg_id, body)) {
                    tracing::error!("cannot store an edit: {e}");
                }
                None
            }
            NetEvent::Deleted { msg_id, .. } => {
                if let Some(Err(e)) = self.db().map(|d| d.delete_message(msg_id)) {
                    tracing::error!("cannot store a delete: {e}");
                }
                None
            }
            // Reactions are kept per key, so counts survive a restart.
            NetEvent::Reaction {
                msg_id,
                from,
                emoji,
                on,
                ..
            } => {
                if let Some(Err(e)) = self.db().map(|d| d.set_reaction(msg_id, emoji, from, *on)) {
                    tracing::error!("cannot store a reaction: {e}");
                }
                None
            }
            _ => self.shown_line(&event, now_ms),
        };
        if let Some(entry) = stored {
            self.store(&entry, &mut out);
        }
        out.insert(0, event);
        out
    }

    /// A peer's name: as connected, else as last seen in the known keys, else `fallback`.
    fn name_of(&self, id: &str, fallback: &str) -> String {
        if let Some(name) = self.online.get(id) {
            return name.clone();
        }
        self.db()
            .and_then(|d| d.key(id).ok().flatten())
            .map_or_else(|| fallback.to_string(), |k| k.name)
    }

    pub(super) fn db(&self) -> Option<&History> {
        self.db.as_ref()
    }

    /// Stores a line. A failure is told once (the line is still shown, and later lines are
    /// still tried: a full disk may get room again, e.g. from the periodic prune).
    fn store(&mut self, entry: &HistoryEntry, out: &mut Vec<NetEvent>) {
        let Some(db) = &self.db else { return };
        let Err(e) = db.insert(entry) else { return };
        tracing::error!("cannot store history: {e}");
        if !std::mem::replace(&mut self.failed, true) {
            out.push(error(if e.starts_with(DISK_FULL) {
                "disk full: history is not being saved; the chat goes on".into()
            } else {
                format!("cannot store history: {e}")
            }));
        }
    }
}

fn delivery_name(d: Delivery) -> &'static str {
    match d {
        Delivery::Queued => "queued",
        Delivery::Sent => "sent",
        Delivery::Delivered => "delivered",
    }
}

pub(super) fn fingerprint(id_hex: &str) -> String {
    PeerId::from_hex(id_hex)
        .map(|id| id.fingerprint())
        .unwrap_or_default()
}

pub(super) fn error(message: String) -> NetEvent {
    NetEvent::Error { message }
}

fn system(text: String, ts: i64) -> HistoryEntry {
    line(EntryKind::System, None, "", "", None, &text, ts, false)
}

#[allow(clippy::too_many_arguments)]
fn line(
    kind: EntryKind,
    msg_id: Option<&String>,
    author: &str,
    author_name: &str,
    peer: Option<&String>,
    body: &str,
    ts: i64,
    signed: bool,
) -> HistoryEntry {
    HistoryEntry {
        row: 0,
        kind,
        msg_id: msg_id.cloned(),
        author: author.into(),
        author_name: author_name.into(),
        peer: peer.cloned(),
        body: body.into(),
        ts,
        signed,
        backfilled: false,
        status: None,
        peer_name: None,
        room: None,
        reactions: Vec::new(),
    }
}

#[cfg(test)]
mod tests;
