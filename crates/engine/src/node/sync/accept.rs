//! The receiver's side of history sync: `give` frames checked against what was asked (cheap
//! checks and the duplicate check before the signature), filed in the authors' time order
//! clamped to now, the answer settled; and holes nobody could fill told once. A given item is
//! a chat message or an act (reaction, edit, delete); an act is checked as a live one is.

use super::held::HeldRow;
use super::ranges::covers;
use super::{Asked, MAX_GAPS_TOLD};
use crate::api::NetEvent;
use crate::node::io::{ConnId, Output};
use crate::node::node::Node;
use crate::node::sanitize::clean_text;
use crate::rooms::{ActContent, RoomName};
use crate::wire::{ChatContent, ChatLink, Domain, MessageId, PeerId, SignedPayload};

/// What a synced item is: an act has `target` and `act`, which no chat message has.
enum Synced {
    Chat(ChatContent),
    Act(ActContent),
}

impl Synced {
    fn parse(sp: &SignedPayload) -> Option<Synced> {
        match sp.parse::<ActContent>() {
            Ok(a) => Some(Synced::Act(a)),
            Err(_) => sp.parse::<ChatContent>().ok().map(Synced::Chat),
        }
    }

    fn author(&self) -> PeerId {
        match self {
            Synced::Chat(c) => c.author,
            Synced::Act(a) => a.author,
        }
    }

    fn seq(&self) -> u64 {
        match self {
            Synced::Chat(c) => c.seq,
            Synced::Act(a) => a.seq,
        }
    }

    fn ts(&self) -> i64 {
        match self {
            Synced::Chat(c) => c.ts,
            Synced::Act(a) => a.ts,
        }
    }

    fn room(&self) -> &RoomName {
        match self {
            Synced::Chat(c) => &c.room,
            Synced::Act(a) => &a.room,
        }
    }
}

/// A synced message that passed every check.
struct Accepted {
    content: Synced,
    prev: Option<u64>,
    payload: SignedPayload,
}

impl Node {
    /// Part of the answer to our `want`, from the established peer `via` on `conn`.
    pub(in crate::node) fn on_give(
        &mut self,
        conn: ConnId,
        via: PeerId,
        messages: Vec<SignedPayload>,
        last: bool,
    ) {
        let Some(mut asked) = self.sync.conns.get_mut(&conn).and_then(|c| c.asked.take()) else {
            return self.reject_chat(via, "sync: messages that were not asked for".into());
        };
        let mut accepted = Vec::new();
        for sp in messages {
            asked.received += 1;
            if asked.received > asked.span {
                self.reject_chat(via, "sync: more messages than were asked for".into());
                break;
            }
            match self.check_synced(&sp, &mut asked) {
                Ok(Some(a)) => accepted.push(a),
                Ok(None) => {} // ours, or already held
                Err(reason) => self.reject_chat(via, format!("sync: {reason}")),
            }
        }
        self.file_synced(accepted, via);
        let Some(cs) = self.sync.conns.get_mut(&conn) else {
            return;
        };
        if !last {
            cs.asked = Some(asked);
            return;
        }
        // Settled: what came is no longer offered by this peer, and what did not is asked
        // again (the answer is bounded in bytes); an author it offered but gave nothing of is
        // not asked of it again (pruned meanwhile, or a false summary).
        for a in &asked.authors {
            let Some(offer) = cs.offer.get_mut(&a.author) else {
                continue;
            };
            match asked.got.get(&a.author) {
                Some(got) => *offer = super::ranges::subtract(offer, got),
                None => offer.clear(),
            }
            if offer.is_empty() {
                cs.offer.remove(&a.author);
            }
        }
        self.pump_sync();
    }

    /// `Ok(None)`: skip silently (our own, or already held). Checked in order: signed,
    /// parsed, asked for, ours, held, room, body size or act rules, date, signature.
    fn check_synced(
        &mut self,
        sp: &SignedPayload,
        asked: &mut Asked,
    ) -> Result<Option<Accepted>, String> {
        if sp.sig.is_none() {
            return Err("unsigned message not accepted".into());
        }
        let content = Synced::parse(sp).ok_or_else(|| "malformed message".to_string())?;
        let (author, seq, ts) = (content.author(), content.seq(), content.ts());
        let wanted = asked
            .authors
            .iter()
            .find(|a| a.author == author)
            .is_some_and(|a| covers(&a.ranges, seq));
        if !wanted {
            return Err("message that was not asked for".into());
        }
        let got = asked.got.entry(author).or_default();
        *got = super::ranges::union(got, &[(seq, seq)]);
        if author == self.id() || self.sync.held.contains(&author, seq) {
            return Ok(None);
        }
        if !self.rooms.is_mine(content.room()) {
            return Ok(None); // a room we are not in (the holder did not know we left it)
        }
        let domain = match &content {
            Synced::Chat(c) if c.body.len() > self.cfg.limits.max_body_len => {
                return Err("message body over the size limit".into());
            }
            Synced::Chat(_) => Domain::Chat,
            // The same rules as a live act: only a message's author edits or deletes it.
            Synced::Act(a) => {
                a.check().map_err(|e| format!("act refused: {e}"))?;
                Domain::Act
            }
        };
        if self.dated_ahead(ts) {
            return Err("message dated in the future".into());
        }
        if ts < self.now.unix_ms - self.retention_ms() {
            return Err("message older than retention".into());
        }
        self.verified
            .verify(sp, &author, domain)
            .map_err(|e| format!("{e} (claimed author {})", author.fingerprint()))?;
        let prev = match &content {
            Synced::Chat(_) => sp.parse::<ChatLink>().ok().and_then(|l| l.prev),
            Synced::Act(a) => a.prev,
        };
        Ok(Some(Accepted {
            content,
            prev,
            payload: sp.clone(),
        }))
    }

    /// Keeps and shows synced messages in the authors' time order, none after now.
    fn file_synced(&mut self, mut accepted: Vec<Accepted>, via: PeerId) {
        let now = self.now.unix_ms;
        accepted.sort_by_key(|a| (a.content.ts().min(now), a.content.author(), a.content.seq()));
        for Accepted {
            content,
            prev,
            payload,
        } in accepted
        {
            let content = match content {
                Synced::Chat(c) => c,
                Synced::Act(a) => {
                    if !self.sync.held.contains(&a.author, a.seq) {
                        self.archive_act(&a, payload);
                        self.take_act(a);
                    }
                    continue;
                }
            };
            let fresh = self.sync.held.insert(HeldRow {
                author: content.author,
                seq: content.seq,
                prev,
                ts: content.ts,
            });
            if !fresh {
                continue; // twice in one answer
            }
            let msg_id = MessageId {
                author: content.author,
                seq: content.seq,
            }
            .to_string();
            self.outputs.push(Output::Archive {
                msg_id: msg_id.clone(),
                author: content.author,
                ts: content.ts,
                room: content.room.clone(),
                payload,
            });
            let body = clean_text(&content.body, true);
            self.emit(NetEvent::Backfilled {
                msg_id,
                from: content.author.to_hex(),
                from_name: self.peer_name(&content.author),
                mentions_me: crate::mention::mentions(&body, &self.cfg.name),
                action: crate::mention::action_text(&body).is_some(),
                body,
                ts: content.ts.min(now),
                via: via.to_hex(),
                room: content.room.to_string(),
                reply_to: content.reply_to.clone(),
            });
            let id = MessageId {
                author: content.author,
                seq: content.seq,
            };
            self.message_shown(&id, &content.room);
        }
    }

    /// Every exchange is finished: holes between held runs that nobody connected could fill
    /// are told once.
    pub(super) fn tell_gaps(&mut self) {
        let cutoff = self.now.unix_ms - self.retention_ms();
        for gap in self.sync.held.gaps() {
            if gap.to_ts < cutoff || self.sync.gaps_told.len() >= MAX_GAPS_TOLD {
                continue;
            }
            if !self.sync.gaps_told.insert((gap.author, gap.next_seq)) {
                continue;
            }
            tracing::info!(author = %gap.author.fingerprint(), "history gap");
            self.emit(NetEvent::HistoryGap {
                author: gap.author.to_hex(),
                from_name: self.peer_name(&gap.author),
                from_ts: gap.from_ts,
                to_ts: gap.to_ts,
            });
        }
    }
}
