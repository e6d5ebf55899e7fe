//! Chat messages: sending (sequence numbers, signing) and receiving (author check, signature,
//! secure-only mode, replay window).

use super::io::Output;
use super::node::{Node, SEQ_BLOCK};
use super::replay::ReplayVerdict;
use super::sanitize::clean_text;
use super::sync::held::HeldRow;
use crate::api::NetEvent;
use crate::rooms::RoomName;
use crate::wire::{
    ChatContent, ChatLink, Domain, Frame, LinkedChat, MessageId, PeerId, SignedPayload,
};

impl Node {
    /// The next sequence number, reserving a new block on disk first when one runs out.
    pub(super) fn take_seq(&mut self) -> u64 {
        let seq = self.next_seq;
        self.next_seq += 1;
        if self.next_seq > self.seq_reserved {
            self.seq_reserved = self.next_seq + SEQ_BLOCK;
            self.outputs.push(Output::ReserveSeq {
                reserved: self.seq_reserved,
            });
        }
        seq
    }

    /// A body cleaned for sending, or `None` after telling the user why it cannot be sent
    /// (empty, or over the size limit).
    pub(super) fn checked_body(&mut self, body: &str) -> Option<String> {
        let body = clean_text(body, true);
        if body.trim().is_empty() {
            self.error("empty message not sent".into());
            return None;
        }
        if body.len() > self.cfg.limits.max_body_len {
            self.error(format!(
                "message not sent: {} bytes is over the {}-byte limit",
                body.len(),
                self.cfg.limits.max_body_len
            ));
            return None;
        }
        Some(body)
    }

    /// Sends a chat message to the members of `room` (which we must be in).
    pub(super) fn send_chat(&mut self, room: RoomName, body: String, signed: bool) {
        self.send_chat_reply(room, body, signed, None);
    }

    /// Sends a chat message, answering `reply_to` when it is a reply.
    pub(super) fn send_chat_reply(
        &mut self,
        room: RoomName,
        body: String,
        signed: bool,
        reply_to: Option<String>,
    ) {
        if !self.rooms.is_mine(&room) {
            return self.error(format!(
                "message not sent: not in {room}; /join {room} first"
            ));
        }
        let Some(body) = self.checked_body(&body) else {
            return;
        };
        if !signed && self.secure_only() {
            return self.error(
                "secure-only mode is on: unsigned messages are refused; send it signed".into(),
            );
        }
        let content = ChatContent {
            author: self.id(),
            seq: self.take_seq(),
            ts: self.now.unix_ms,
            body,
            room: room.clone(),
            reply_to,
        };
        let sp = if signed {
            // `prev` links our signed broadcasts of this run, so a gap can be seen (§7.6).
            let linked = LinkedChat {
                content: &content,
                prev: self.sync.last_sent.get(&room).copied(),
            };
            SignedPayload::sign(self.identity.signing_key(), Domain::Chat, &linked)
        } else {
            SignedPayload::unsigned(&content)
        };
        let archived = sp.clone();
        match self.room_frame(&Frame::Chat(sp), &room) {
            Ok(recipients) => {
                if signed {
                    self.sync.last_sent.insert(room.clone(), content.seq);
                    self.archive(&content, archived);
                }
                self.emit(NetEvent::Sent {
                    msg_id: MessageId {
                        author: content.author,
                        seq: content.seq,
                    }
                    .to_string(),
                    body: content.body,
                    signed,
                    ts: content.ts,
                    recipients,
                    room: room.to_string(),
                    reply_to: content.reply_to.clone(),
                });
                let id = MessageId {
                    author: content.author,
                    seq: content.seq,
                };
                self.message_shown(&id, &room);
            }
            Err(e) => self.error(format!("message not sent: {e}")),
        }
    }

    /// A chat frame from the established peer `from`.
    pub(super) fn on_chat(&mut self, from: PeerId, sp: &SignedPayload) {
        let verified = match self.verified.verify(sp, &from, Domain::Chat) {
            Ok(v) => v,
            Err(e) => return self.reject_chat(from, format!("{e}: message dropped")),
        };
        let content: ChatContent = match sp.parse() {
            Ok(c) => c,
            Err(_) => return self.reject_chat(from, "malformed chat payload".into()),
        };
        if content.author != from {
            return self.reject_chat(
                from,
                format!(
                    "message claims another author ({})",
                    content.author.fingerprint()
                ),
            );
        }
        if !verified && self.secure_only() {
            return self.reject_chat(from, "unsigned message refused in secure-only mode".into());
        }
        if content
            .reply_to
            .as_deref()
            .is_some_and(|r| MessageId::parse(r).is_none())
        {
            return self.reject_chat(from, "malformed reply_to".into());
        }
        if !self.rooms.is_mine(&content.room) {
            // Sent before the sender saw us part (or by a peer ignoring membership): not ours
            // to keep or show, and not recorded, so a later join can still sync it.
            return tracing::debug!(room = %content.room, "message for a room we are not in");
        }
        if content.body.len() > self.cfg.limits.max_body_len {
            return self.reject_chat(from, "message body over the size limit".into());
        }
        if self.dated_ahead(content.ts) {
            return self.reject_chat(from, "message dated in the future".into());
        }
        // Held but new to the author's window: it came by sync first; this live copy is
        // dropped silently. The author sending the same frame twice is still a replay.
        let held = verified && self.sync.held.contains(&from, content.seq);
        let window = self.replay.entry(from).or_default();
        match window.check_and_record(content.seq) {
            ReplayVerdict::Fresh | ReplayVerdict::TooOld if held => {
                return tracing::debug!(seq = content.seq, "live copy of a synced message");
            }
            ReplayVerdict::Fresh => {}
            ReplayVerdict::Duplicate => {
                return self.reject_chat(from, format!("replayed message (seq {})", content.seq))
            }
            ReplayVerdict::TooOld => {
                return self.reject_chat(from, format!("stale message (seq {})", content.seq))
            }
        }
        if verified {
            self.archive(&content, sp.clone());
            self.relay.seen.insert(
                &MessageId {
                    author: from,
                    seq: content.seq,
                }
                .to_string(),
            );
            self.relay_forward_chat(from, sp, 1);
        }
        let body = clean_text(&content.body, true);
        self.emit(NetEvent::Message {
            msg_id: MessageId {
                author: from,
                seq: content.seq,
            }
            .to_string(),
            from: from.to_hex(),
            from_name: self.peer_name(&from),
            mentions_me: crate::mention::mentions(&body, &self.cfg.name),
            action: crate::mention::action_text(&body).is_some(),
            body,
            signed: verified,
            verified,
            ts: content.ts,
            room: content.room.to_string(),
            reply_to: content.reply_to.clone(),
        });
        let id = MessageId {
            author: from,
            seq: content.seq,
        };
        self.message_shown(&id, &content.room);
    }

    /// Keeps a signed broadcast message for sync (before the event that shows it).
    pub(super) fn archive(&mut self, content: &ChatContent, payload: SignedPayload) {
        let row = HeldRow {
            author: content.author,
            seq: content.seq,
            prev: payload.parse::<ChatLink>().ok().and_then(|l| l.prev),
            ts: content.ts,
        };
        self.keep_original(row, &content.room, payload);
    }

    /// Marks a signed original (a chat message or an act) as held and asks the store to keep
    /// it for history sync.
    pub(super) fn keep_original(&mut self, row: HeldRow, room: &RoomName, payload: SignedPayload) {
        self.sync.held.insert(row);
        self.outputs.push(Output::Archive {
            msg_id: MessageId {
                author: row.author,
                seq: row.seq,
            }
            .to_string(),
            author: row.author,
            ts: row.ts,
            room: room.clone(),
            payload,
        });
    }

    pub(super) fn reject_chat(&mut self, from: PeerId, reason: String) {
        tracing::info!(peer = %from.fingerprint(), %reason, "chat rejected");
        self.emit(NetEvent::Rejected {
            from: from.to_hex(),
            reason,
        });
    }
}
