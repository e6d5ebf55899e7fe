//! Private messages: signed, addressed to one peer, sent only on that peer's connection, never
//! relayed. Receivers check the signature, that it is addressed to them, and the replay window
//! (shared with chat: both draw from the author's one sequence).

use super::node::Node;
use super::replay::ReplayVerdict;
use super::sanitize::clean_text;
use crate::net::api::NetEvent;
use crate::proto::{DmContent, Domain, Frame, MessageId, PeerId, SignedPayload};

impl Node {
    /// Finds a connected peer by full id, id prefix (4+ hex digits), fingerprint or name
    /// (case-insensitive). `Err` is a one-line message.
    pub(super) fn resolve_peer(&self, who: &str) -> Result<PeerId, String> {
        let who = who.trim();
        if let Some(id) = PeerId::from_hex(who) {
            return if self.peers.contains_key(&id) {
                Ok(id)
            } else {
                Err(format!("{} is not connected", id.fingerprint()))
            };
        }
        let lower = who.to_lowercase();
        let hexish = lower.replace(':', "");
        let mut found: Vec<PeerId> = self
            .peers
            .iter()
            .filter(|(id, p)| {
                p.name.to_lowercase() == lower
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

    pub(super) fn send_dm(&mut self, to: &str, body: String) {
        let to = match self.resolve_peer(to) {
            Ok(id) => id,
            Err(e) => return self.error(format!("private message not sent: {e}")),
        };
        let body = clean_text(&body, true);
        if body.trim().is_empty() {
            return self.error("empty message not sent".into());
        }
        if body.len() > self.cfg.limits.max_body_len {
            return self.error(format!(
                "message not sent: {} bytes is over the {}-byte limit",
                body.len(),
                self.cfg.limits.max_body_len
            ));
        }
        let content = DmContent {
            author: self.id(),
            to,
            seq: self.take_seq(),
            ts: self.now.unix_ms,
            body,
        };
        let sp = SignedPayload::sign(self.identity.signing_key(), Domain::Dm, &content);
        let Some(peer) = self.peers.get(&to) else {
            return;
        };
        let (conn, to_name) = (peer.conn, peer.name.clone());
        self.send_frame(conn, &Frame::Dm(sp));
        self.emit(NetEvent::DmSent {
            msg_id: MessageId {
                author: content.author,
                seq: content.seq,
            }
            .to_string(),
            to: to.to_hex(),
            to_name,
            body: content.body,
            ts: content.ts,
        });
    }

    /// A `dm` frame from the established peer `from`.
    pub(super) fn on_dm(&mut self, from: PeerId, sp: &SignedPayload) {
        match sp.verify(&from, Domain::Dm) {
            Ok(true) => {}
            Ok(false) => return self.reject_chat(from, "unsigned private message".into()),
            Err(e) => return self.reject_chat(from, format!("{e}: private message dropped")),
        }
        let content: DmContent = match sp.parse() {
            Ok(c) => c,
            Err(_) => return self.reject_chat(from, "malformed private message".into()),
        };
        if content.author != from || content.to != self.id() {
            return self.reject_chat(from, "private message not from its sender to us".into());
        }
        if content.body.len() > self.cfg.limits.max_body_len {
            return self.reject_chat(from, "message body over the size limit".into());
        }
        match self
            .replay
            .entry(from)
            .or_default()
            .check_and_record(content.seq)
        {
            ReplayVerdict::Fresh => {}
            _ => return self.reject_chat(from, format!("replayed message (seq {})", content.seq)),
        }
        self.emit(NetEvent::DirectMessage {
            msg_id: MessageId {
                author: from,
                seq: content.seq,
            }
            .to_string(),
            from: from.to_hex(),
            from_name: self.peer_name(&from),
            body: clean_text(&content.body, true),
            ts: content.ts,
        });
    }
}
