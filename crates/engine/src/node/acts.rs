//! The node's side of reactions, edits and deletes: sending them to the room's members,
//! checking them on receipt (signature by the sending connection's key, author, replay
//! window, room, only the author edits or deletes), and applying them, now or when the
//! message they are about arrives.

use super::node::Node;
use super::replay::ReplayVerdict;
use super::sync::held::HeldRow;
use crate::api::NetEvent;
use crate::rooms::{check_emoji, Act, ActContent, ActError, RoomName, SeedMessage, SeedReaction};
use crate::wire::{Domain, Frame, MessageId, PeerId, SignedPayload};

impl Node {
    /// A signed message in the room of `msg_id`, answering it.
    pub(super) fn reply(&mut self, msg_id: String, body: String) {
        match self.acts.room_of(&msg_id).cloned() {
            Some(room) => self.send_chat_reply(room, body, true, Some(msg_id)),
            None => self.error(ActError::Unknown(msg_id).to_string()),
        }
    }

    pub(super) fn react(&mut self, msg_id: String, emoji: String) {
        if let Err(e) = check_emoji(emoji.trim()) {
            return self.error(e.to_string());
        }
        let emoji = emoji.trim().to_string();
        let on = !self.acts.has_reacted(&msg_id, &self.id(), &emoji);
        self.send_act(msg_id, Act::React { emoji, on });
    }

    pub(super) fn edit_message(&mut self, msg_id: String, body: String) {
        if let Some(body) = self.checked_body(&body) {
            self.send_act(msg_id, Act::Edit { body });
        }
    }

    /// Signs and sends an act about a recent message of a room we are in, then applies it.
    pub(super) fn send_act(&mut self, target: String, act: Act) {
        let Some(room) = self.acts.room_of(&target).cloned() else {
            return self.error(ActError::Unknown(target).to_string());
        };
        if !self.rooms.is_mine(&room) {
            return self.error(format!("not in {room}; /join {room} first"));
        }
        let edits = match act {
            Act::Delete => self.acts.edits_of(&target),
            Act::React { .. } | Act::Edit { .. } => Vec::new(),
        };
        let content = ActContent {
            author: self.id(),
            seq: self.take_seq(),
            ts: self.now.unix_ms,
            room: room.clone(),
            target,
            act,
            // Acts are part of the room's `prev` chain, like chat messages (§7.6).
            prev: self.sync.last_sent.get(&room).copied(),
            edits,
        };
        if let Err(e) = content.check() {
            return self.error(e.to_string());
        }
        let sp = SignedPayload::sign(self.identity.signing_key(), Domain::Act, &content);
        if let Err(e) = self.room_frame(&Frame::Act(sp.clone()), &room) {
            return self.error(format!("not sent: {e}"));
        }
        self.sync.last_sent.insert(room, content.seq);
        self.archive_act(&content, sp);
        self.apply_act(&content);
    }

    /// Keeps a signed act for history sync (before the event that shows it), like a chat
    /// message. A delete also marks its target as held: a deleted message is never asked
    /// for, and the hole it leaves is no history gap.
    pub(super) fn archive_act(&mut self, content: &ActContent, payload: SignedPayload) {
        if let (Act::Delete, Some(target)) = (&content.act, MessageId::parse(&content.target)) {
            // The message and the edits of it the delete names (their originals are dropped
            // with it) are before the delete in its author's sequence.
            let seqs = std::iter::once(target.seq).chain(content.edits.iter().copied());
            if target.author == content.author {
                for seq in seqs.filter(|s| *s < content.seq) {
                    self.sync.held.insert(HeldRow {
                        author: target.author,
                        seq,
                        prev: None,
                        ts: content.ts,
                    });
                }
            }
        }
        let row = HeldRow {
            author: content.author,
            seq: content.seq,
            prev: content.prev,
            ts: content.ts,
        };
        self.keep_original(row, &content.room, payload);
    }

    /// A checked act from a peer (live or synced): applied now, or held until its message.
    pub(super) fn take_act(&mut self, content: ActContent) {
        if self.acts.room_of(&content.target).is_some() {
            self.apply_act(&content);
        } else {
            self.acts.hold(content);
        }
    }

    /// Stored room messages and reactions, at start: acts about them apply after a restart.
    pub(super) fn on_acts_seed(
        &mut self,
        messages: Vec<SeedMessage>,
        reactions: Vec<SeedReaction>,
    ) {
        self.acts.seed(messages, reactions);
    }

    /// An `act` frame from the established peer `from`.
    pub(super) fn on_act_frame(&mut self, from: PeerId, sp: &SignedPayload) {
        match self.verified.verify(sp, &from, Domain::Act) {
            Ok(true) => {}
            Ok(false) => return self.reject_chat(from, "unsigned act refused".into()),
            Err(e) => return self.reject_chat(from, format!("{e}: act dropped")),
        }
        let content: ActContent = match sp.parse() {
            Ok(c) => c,
            Err(_) => return self.reject_chat(from, "malformed act payload".into()),
        };
        if content.author != from {
            return self.reject_chat(from, "act claims another author".into());
        }
        if let Err(e) = content.check() {
            return self.reject_chat(from, format!("act refused: {e}"));
        }
        if self.dated_ahead(content.ts) {
            return self.reject_chat(from, "act dated in the future".into());
        }
        if !self.rooms.is_mine(&content.room) {
            return tracing::debug!(room = %content.room, "act for a room we are not in");
        }
        // Held but new to the author's window: it came by sync first (as chat messages do).
        let held = self.sync.held.contains(&from, content.seq);
        match self
            .replay
            .entry(from)
            .or_default()
            .check_and_record(content.seq)
        {
            ReplayVerdict::Fresh | ReplayVerdict::TooOld if held => {
                return tracing::debug!(seq = content.seq, "live copy of a synced act");
            }
            ReplayVerdict::Fresh => {}
            ReplayVerdict::Duplicate | ReplayVerdict::TooOld => {
                return self.reject_chat(from, format!("replayed act (seq {})", content.seq))
            }
        }
        self.archive_act(&content, sp.clone());
        self.take_act(content);
    }

    /// A room message was shown or sent: remember it, and apply what waited for it.
    pub(super) fn message_shown(&mut self, msg_id: &MessageId, room: &RoomName) {
        for act in self.acts.shown(&msg_id.to_string(), room) {
            // An act in another room than its message's is not about it.
            if &act.room == room {
                self.apply_act(&act);
            }
        }
    }

    fn apply_act(&mut self, act: &ActContent) {
        let Some(count) = self.acts.apply(act) else {
            return;
        };
        let (from, from_name) = (act.author.to_hex(), self.peer_name(&act.author));
        let (msg_id, room) = (act.target.clone(), act.room.to_string());
        let event = match &act.act {
            Act::React { emoji, on } => NetEvent::Reaction {
                msg_id,
                from,
                from_name,
                emoji: emoji.clone(),
                on: *on,
                count,
                room,
            },
            Act::Edit { body } => NetEvent::Edited {
                msg_id,
                from,
                from_name,
                body: super::sanitize::clean_text(body, true),
                room,
            },
            Act::Delete => NetEvent::Deleted {
                msg_id,
                from,
                from_name,
                room,
            },
        };
        self.emit(event);
    }
}
