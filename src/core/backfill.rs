//! Backfill: after each handshake a peer asks the other for the signed broadcast messages of
//! the last [`BACKFILL_WINDOW_MS`] (at most [`BACKFILL_MAX`]) so it gets what it missed while
//! away. Answers carry the authors' original signed payloads; the receiver verifies each with
//! its author's key. Dedup is by message id against the store, at the actor's edge (the replay
//! window covers only messages received directly). Unsigned messages and private messages are
//! never archived, so never relayed.

use super::io::{ConnId, Output};
use super::node::Node;
use super::sanitize::clean_text;
use crate::net::api::NetEvent;
use crate::proto::{ChatContent, Domain, Frame, MessageId, PeerId, SignedPayload};
use std::collections::{HashMap, HashSet};

/// How far back a backfill reaches: 24 hours.
pub const BACKFILL_WINDOW_MS: i64 = 24 * 60 * 60 * 1000;
/// Most messages asked for, answered, or accepted per connection.
pub const BACKFILL_MAX: usize = 200;

/// Per-connection backfill bookkeeping (connection ids are never reused).
#[derive(Debug, Default)]
pub struct BackfillState {
    /// Connections we asked, with how many messages we still accept from each.
    asked: HashMap<ConnId, usize>,
    /// Connections whose request we answered (one answer per connection).
    answered: HashSet<ConnId>,
}

impl Node {
    pub(super) fn request_backfill(&mut self, conn: ConnId) {
        self.forget_closed_backfills();
        self.backfill.asked.insert(conn, BACKFILL_MAX);
        let since = self.now.unix_ms - BACKFILL_WINDOW_MS;
        self.send_frame(
            conn,
            &Frame::BackfillRequest {
                since,
                limit: BACKFILL_MAX as u32,
            },
        );
    }

    pub(super) fn on_backfill_request(&mut self, conn: ConnId, since: i64, limit: u32) {
        if !self.backfill.answered.insert(conn) {
            return; // one answer per connection
        }
        let since = since.max(self.now.unix_ms - BACKFILL_WINDOW_MS);
        let limit = (limit as usize).min(BACKFILL_MAX);
        if limit > 0 {
            self.outputs
                .push(Output::BackfillLookup { conn, since, limit });
        }
    }

    /// The store's answer: send it in as many frames as the frame limit needs.
    pub(super) fn on_backfill_found(&mut self, conn: ConnId, messages: Vec<SignedPayload>) {
        if !self.conns.get(&conn).is_some_and(|c| c.is_established()) {
            return;
        }
        // `{"type":"backfill","messages":[...]}`: the frame's fixed part, then each message's
        // JSON and a comma.
        let room = self.cfg.limits.max_frame_len.saturating_sub(64);
        let mut batch: Vec<SignedPayload> = Vec::new();
        let mut used = 0;
        for sp in messages.into_iter().take(BACKFILL_MAX) {
            let len = serde_json::to_vec(&sp).map_or(usize::MAX, |v| v.len() + 1);
            if len > room {
                continue;
            }
            if used + len > room {
                let full = std::mem::take(&mut batch);
                self.send_frame(conn, &Frame::Backfill { messages: full });
                used = 0;
            }
            used += len;
            batch.push(sp);
        }
        if !batch.is_empty() {
            self.send_frame(conn, &Frame::Backfill { messages: batch });
        }
    }

    /// Messages relayed by the established peer `via` on `conn`.
    pub(super) fn on_backfill(&mut self, conn: ConnId, via: PeerId, messages: Vec<SignedPayload>) {
        let Some(left) = self.backfill.asked.get_mut(&conn) else {
            return self.reject_chat(via, "backfill that was not asked for".into());
        };
        let take = messages.len().min(*left);
        *left -= take;
        let oldest = self.now.unix_ms - BACKFILL_WINDOW_MS;
        let mut accepted = Vec::new();
        for sp in messages.into_iter().take(take) {
            match self.check_relayed(&sp, oldest) {
                Ok(content) if content.author == self.id() => {} // we have our own
                Ok(content) => accepted.push((content, sp)),
                Err(reason) => self.reject_chat(via, format!("backfill: {reason}")),
            }
        }
        // Filed in the authors' time order.
        accepted.sort_by_key(|(c, _)| (c.ts, c.author, c.seq));
        for (content, sp) in accepted {
            let msg_id = MessageId {
                author: content.author,
                seq: content.seq,
            }
            .to_string();
            self.outputs.push(Output::Archive {
                msg_id: msg_id.clone(),
                author: content.author,
                ts: content.ts,
                payload: sp,
            });
            let from_name = self
                .peers
                .get(&content.author)
                .map(|p| p.name.clone())
                .unwrap_or_else(|| content.author.fingerprint());
            self.emit(NetEvent::Backfilled {
                msg_id,
                from: content.author.to_hex(),
                from_name,
                body: clean_text(&content.body, true),
                ts: content.ts,
                via: via.to_hex(),
            });
        }
    }

    /// A relayed message is taken only signed by its author, parsed from the signed bytes,
    /// and within the size limit and the window.
    fn check_relayed(&mut self, sp: &SignedPayload, oldest: i64) -> Result<ChatContent, String> {
        if sp.sig.is_none() {
            return Err("unsigned message not accepted".into());
        }
        let content: ChatContent = sp.parse().map_err(|_| "malformed message".to_string())?;
        self.verified
            .verify(sp, &content.author, Domain::Chat)
            .map_err(|e| format!("{e} (claimed author {})", content.author.fingerprint()))?;
        if content.body.len() > self.cfg.limits.max_body_len {
            return Err("message body over the size limit".into());
        }
        if content.ts < oldest {
            return Err("message older than the backfill window".into());
        }
        Ok(content)
    }

    fn forget_closed_backfills(&mut self) {
        let conns = &self.conns;
        self.backfill.asked.retain(|c, _| conns.contains_key(c));
        self.backfill.answered.retain(|c| conns.contains_key(c));
    }
}
