//! Private messages: signed, addressed to one peer, sent only on that peer's connection, never
//! relayed. Receivers check the signature, that it is addressed to them, and the replay window
//! (shared with chat: both draw from the author's one sequence).

use super::io::{ConnId, Output};
use super::node::Node;
use super::replay::ReplayVerdict;
use super::sanitize::clean_text;
use crate::api::{Delivery, NetEvent};
use crate::wire::{DmContent, Domain, Frame, MessageId, PeerId, SignedPayload};

impl Node {
    /// Finds a connected peer by full id, id prefix (4+ hex digits), fingerprint or name
    /// (case-insensitive). `Err` is a one-line message.
    pub(super) fn resolve_peer(&self, who: &str) -> Result<PeerId, String> {
        let who = who.trim();
        if let Some(id) = PeerId::from_hex(who) {
            return if self.peers.contains_key(&id) || self.relay_via(&id).is_some() {
                Ok(id)
            } else {
                Err(format!("{} is not connected", id.fingerprint()))
            };
        }
        let lower = who.to_lowercase();
        let hexish = lower.replace(':', "");
        let relayed: Vec<(PeerId, String)> = self
            .relayed_peers()
            .into_iter()
            .map(|id| (id, self.display_name(&id)))
            .collect();
        let mut found: Vec<PeerId> = self
            .peers
            .iter()
            .map(|(id, p)| (id, &p.name))
            .chain(relayed.iter().map(|(id, n)| (id, n)))
            .filter(|(id, name)| {
                name.to_lowercase() == lower
                    || id.fingerprint() == lower
                    || (hexish.len() >= 4
                        && hexish.chars().all(|c| c.is_ascii_hexdigit())
                        && id.to_hex().starts_with(&hexish))
            })
            .map(|(id, _)| *id)
            .collect();
        found.sort();
        match found.as_slice() {
            [one] => Ok(*one),
            [] => Err(format!("no connected peer called {who}")),
            many => Err(format!(
                "{who} is ambiguous ({}); give the fingerprint",
                many.iter()
                    .map(|id| id.fingerprint())
                    .collect::<Vec<_>>()
                    .join(", ")
            )),
        }
    }

    /// Sends (or, to a known id that is not connected, queues) a private message. Either way
    /// it goes to the outbox until the recipient acknowledges it.
    pub(super) fn send_dm(&mut self, to: &str, body: String) {
        let to = match self.resolve_peer(to) {
            Ok(id) => id,
            // A full id that is not connected: queue for it.
            Err(_) if PeerId::from_hex(to.trim()).is_some_and(|id| id != self.id()) => {
                PeerId::from_hex(to.trim()).expect("checked")
            }
            Err(e) => return self.error(format!("private message not sent: {e}")),
        };
        let Some(body) = self.checked_body(&body) else {
            return;
        };
        let content = DmContent {
            author: self.id(),
            to,
            seq: self.take_seq(),
            ts: self.now.unix_ms,
            body,
        };
        let sp = SignedPayload::sign(self.identity.signing_key(), Domain::Dm, &content);
        let msg_id = MessageId {
            author: content.author,
            seq: content.seq,
        }
        .to_string();
        self.outputs.push(Output::Outbox {
            msg_id: msg_id.clone(),
            to,
            ts: content.ts,
            payload: sp.clone(),
        });
        let direct = self.peers.get(&to).map(|p| (p.conn, p.name.clone()));
        let (status, to_name) = match direct {
            Some((conn, name)) => {
                self.send_frame(conn, &Frame::Dm(sp));
                (Delivery::Sent, name)
            }
            // Reached only through a relay: sealed to the recipient, so the relay cannot
            // read it.
            None if self.send_sealed(to, &msg_id, &sp) => (Delivery::Sent, self.display_name(&to)),
            None => (Delivery::Queued, to.fingerprint()),
        };
        self.emit(NetEvent::DmSent {
            msg_id,
            to: to.to_hex(),
            to_name,
            body: content.body,
            ts: content.ts,
            status,
        });
    }

    /// `peer` is connected on `conn`: ask the store for what waits for it.
    pub(super) fn flush_outbox(&mut self, conn: ConnId, peer: PeerId) {
        self.outputs.push(Output::OutboxLookup { conn, peer });
    }

    pub(super) fn on_outbox_found(&mut self, conn: ConnId, messages: Vec<SignedPayload>) {
        if !self.conns.get(&conn).is_some_and(|c| c.is_established()) {
            return;
        }
        let peer = self.conns.get(&conn).and_then(|c| c.peer());
        for sp in messages {
            // The store answers a lookup for a relayed recipient on its relay's connection.
            match sp.parse::<DmContent>() {
                Ok(c) if Some(c.to) != peer => {
                    let msg_id = MessageId {
                        author: c.author,
                        seq: c.seq,
                    }
                    .to_string();
                    self.send_sealed(c.to, &msg_id, &sp);
                }
                _ => self.send_frame(conn, &Frame::Dm(sp)),
            }
        }
    }

    /// `from` acknowledged a private message; only ours to `from` count (the store checks
    /// the recipient).
    pub(super) fn on_dm_ack(&mut self, from: PeerId, msg_id: String) {
        let ours = msg_id
            .split_once(':')
            .and_then(|(a, _)| PeerId::from_hex(a))
            .is_some_and(|a| a == self.id());
        if ours && msg_id.len() <= 100 {
            self.emit(NetEvent::Delivered {
                msg_id,
                to: from.to_hex(),
            });
        }
    }

    /// A `dm` frame from the established peer `from`.
    pub(super) fn on_dm(&mut self, from: PeerId, sp: &SignedPayload) {
        let Some(msg_id) = self.accept_dm(from, sp) else {
            return;
        };
        // Acknowledge even a copy we already had (a resend from the sender's outbox), so the
        // sender stops resending.
        if let Some(conn) = self.peers.get(&from).map(|p| p.conn) {
            self.send_frame(conn, &Frame::DmAck { msg_id });
        }
    }

    /// Checks a signed private message by `from` (direct, or opened from a relay), shows it if
    /// it is fresh, and returns its id to acknowledge (also for a copy already had); `None`
    /// if it was refused.
    pub(super) fn accept_dm(&mut self, from: PeerId, sp: &SignedPayload) -> Option<String> {
        match self.verified.verify(sp, &from, Domain::Dm) {
            Ok(true) => {}
            Ok(false) => {
                self.reject_chat(from, "unsigned private message".into());
                return None;
            }
            Err(e) => {
                self.reject_chat(from, format!("{e}: private message dropped"));
                return None;
            }
        }
        let refused = match sp.parse::<DmContent>() {
            Err(_) => Err("malformed private message"),
            Ok(c) if c.author != from || c.to != self.id() => {
                Err("private message not from its sender to us")
            }
            Ok(c) if c.body.len() > self.cfg.limits.max_body_len => {
                Err("private message body over the size limit")
            }
            Ok(c) if self.dated_ahead(c.ts) => Err("private message dated in the future"),
            Ok(c) => Ok(c),
        };
        let content = match refused {
            Ok(c) => c,
            Err(why) => {
                self.reject_chat(from, why.into());
                return None;
            }
        };
        let verdict = self
            .replay
            .entry(from)
            .or_default()
            .check_and_record(content.seq);
        let msg_id = MessageId {
            author: from,
            seq: content.seq,
        }
        .to_string();
        if verdict != ReplayVerdict::Fresh {
            tracing::debug!(%msg_id, "private message already had");
            return Some(msg_id);
        }
        let from_name = self.display_name(&from);
        self.emit(NetEvent::DirectMessage {
            msg_id: msg_id.clone(),
            from: from.to_hex(),
            from_name,
            body: clean_text(&content.body, true),
            ts: content.ts,
        });
        Some(msg_id)
    }
}
