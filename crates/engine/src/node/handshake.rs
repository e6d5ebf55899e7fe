//! The identity handshake, inside the secure channel: `hello` and `auth` with the Noise
//! handshake hash as channel binding, and what the preamble's version refusals tell the user.
//!
//! The connection task runs the plaintext preamble and the Noise XX handshake
//! ([`crate::wire::secure`]) and reports the Noise handshake hash (`Input::Secured`). Then,
//! inside the encrypted channel, both sides send `hello`; on the other's hello each side sends
//! `auth`, a signature over [`handshake_content`]: the other's nonce as the challenge and the
//! handshake hash as channel binding. A connection is established when the other's `auth`
//! verifies.

use super::conn::ConnState;
use super::io::{ConnId, Refusal};
use super::node::Node;
use crate::api::{NetEvent, OfflineReason};
use crate::limits::PROTOCOL_VERSION;
use crate::wire::signing::{sign_hex, verify_hex};
use crate::wire::{Domain, Frame, Hello, PeerId, RejectReason};

/// The bytes a handshake `auth` signs: the challenge (the verifier's nonce), the signer's own
/// nonce, the signer's id, the verifier's id, and the Noise handshake hash of this connection
/// (channel binding: it commits to both sides' Noise keys, so a signature made on one
/// connection is worthless on any other). 160 bytes, under [`Domain::Handshake`].
pub fn handshake_content(
    challenge: &[u8; 32],
    signer_nonce: &[u8; 32],
    signer: &PeerId,
    verifier: &PeerId,
    binding: &[u8; 32],
) -> Vec<u8> {
    [
        &challenge[..],
        &signer_nonce[..],
        &signer.0[..],
        &verifier.0[..],
        &binding[..],
    ]
    .concat()
}

fn parse_nonce(hex_str: &str) -> Option<[u8; 32]> {
    let mut n = [0u8; 32];
    (hex_str.len() == 64 && hex::decode_to_slice(hex_str, &mut n).is_ok()).then_some(n)
}

impl Node {
    /// The Noise channel is up: say hello inside it.
    pub(super) fn on_secured(&mut self, conn: ConnId, binding: [u8; 32]) {
        let Some(c) = self.conns.get_mut(&conn) else {
            return;
        };
        if c.binding.is_some() {
            return;
        }
        c.binding = Some(binding);
        let nonce = c.nonce;
        let hello = Frame::Hello(Hello {
            version: PROTOCOL_VERSION,
            id: self.id(),
            name: self.cfg.name.clone(),
            port: self.cfg.listen_port,
            nonce: hex::encode(nonce),
        });
        self.send_frame(conn, &hello);
    }

    /// The preamble showed a version mismatch; the connection task has closed it.
    pub(super) fn on_refused(&mut self, conn: ConnId, refusal: Refusal) {
        let Some(addr) = self.conns.get(&conn).map(|c| c.addr) else {
            return;
        };
        let message = match refusal {
            Refusal::TheirVersion(v) => format!(
                "{addr} speaks protocol version {v}, this program speaks {PROTOCOL_VERSION}: incompatible version"
            ),
            Refusal::TheyRefused(m) => format!(
                "{addr} refused the connection: {}",
                crate::node::sanitize::clean_name(&m, 200)
            ),
        };
        self.notice(message);
        self.drop_conn(conn, OfflineReason::Closed);
    }

    pub(super) fn on_handshake_frame(&mut self, conn: ConnId, frame: Frame) {
        match frame {
            Frame::Hello(hello) => self.on_hello(conn, hello),
            Frame::Auth { sig } => self.on_auth(conn, &sig),
            Frame::Reject { reason, message } => {
                let addr = self.conns.get(&conn).map(|c| c.addr);
                if reason != RejectReason::Duplicate {
                    if let Some(addr) = addr {
                        self.notice(format!(
                            "{addr} refused the connection: {}",
                            crate::node::sanitize::clean_name(&message, 200)
                        ));
                    }
                }
                self.close(conn);
            }
            _ => self.reject(conn, RejectReason::Protocol, "expected hello or auth"),
        }
    }

    fn on_hello(&mut self, conn: ConnId, hello: Hello) {
        let Some(c) = self.conns.get(&conn) else {
            return;
        };
        if !matches!(c.state, ConnState::Handshaking { their_hello: None }) {
            return self.reject(conn, RejectReason::Protocol, "second hello");
        }
        let addr = c.addr;
        let my_nonce = c.nonce;
        let Some(binding) = c.binding else {
            return self.reject(
                conn,
                RejectReason::Protocol,
                "hello before the secure channel",
            );
        };
        if hello.version != PROTOCOL_VERSION {
            self.notice(format!(
                "{addr} speaks protocol version {}, this program speaks {PROTOCOL_VERSION}: incompatible version",
                hello.version
            ));
            let msg = format!("incompatible version: this peer speaks protocol {PROTOCOL_VERSION}");
            return self.reject(conn, RejectReason::Version, &msg);
        }
        if hello.id == self.id() {
            if c.outbound {
                self.notice(format!(
                    "{addr} is this program itself: connection refused (connected to itself)"
                ));
            }
            return self.reject(conn, RejectReason::SelfConnection, "connected to itself");
        }
        // Our dial reached a peer that is already connected on a live connection (a dial
        // that was under way when it connected, another of its addresses): refused before
        // our `auth`, so it never becomes established on either side and cannot replace the
        // working connection.
        if c.outbound {
            if let Some(existing) = self.peers.get(&hello.id).map(|p| p.conn) {
                if existing != conn && !self.is_quiet(existing) {
                    return self.reject(conn, RejectReason::Duplicate, "already connected");
                }
            }
        }
        let limit = self.cfg.limits.new_ids_per_addr;
        if !self
            .admission
            .allow_new_id(addr.ip(), hello.id, limit, self.now.mono)
        {
            tracing::debug!(%addr, "handshake refused: too many new identities from this address");
            return self.reject(
                conn,
                RejectReason::Full,
                "too many new identities from this address; try again in a minute",
            );
        }
        let Some(their_nonce) = parse_nonce(&hello.nonce) else {
            return self.reject(conn, RejectReason::Protocol, "nonce must be 64 hex digits");
        };
        let name = crate::node::sanitize::clean_name(&hello.name, self.cfg.limits.max_name_len);
        if name.is_empty() || hello.port == 0 {
            return self.reject(
                conn,
                RejectReason::Protocol,
                "hello needs a name and a port",
            );
        }
        let content = handshake_content(&their_nonce, &my_nonce, &self.id(), &hello.id, &binding);
        let sig = sign_hex(self.identity.signing_key(), Domain::Handshake, &content);
        if let Some(c) = self.conns.get_mut(&conn) {
            c.state = ConnState::Handshaking {
                their_hello: Some(Hello { name, ..hello }),
            };
        }
        self.send_frame(conn, &Frame::Auth { sig });
    }

    fn on_auth(&mut self, conn: ConnId, sig: &str) {
        let Some(c) = self.conns.get(&conn) else {
            return;
        };
        let ConnState::Handshaking {
            their_hello: Some(hello),
        } = &c.state
        else {
            return self.reject(conn, RejectReason::Protocol, "auth before hello");
        };
        let hello = hello.clone();
        let their_nonce = parse_nonce(&hello.nonce).unwrap_or_default();
        let binding = c.binding.unwrap_or_default();
        let content = handshake_content(&c.nonce, &their_nonce, &hello.id, &self.id(), &binding);
        if verify_hex(&hello.id, Domain::Handshake, &content, sig).is_err() {
            let from = c.addr.to_string();
            self.emit(NetEvent::Rejected {
                from,
                reason: "handshake signature does not match the claimed id".into(),
            });
            return self.reject(conn, RejectReason::Protocol, "bad handshake signature");
        }
        self.establish(conn, hello);
    }
}
