//! Connections: the handshake that proves each side holds its key, the one-connection-per-pair
//! rule, frame dispatch, and what happens when a connection ends.
//!
//! Handshake (protocol v2): the connection task first runs the plaintext preamble and the
//! Noise XX handshake ([`crate::proto::secure`]) and reports the Noise handshake hash
//! (`Input::Secured`). Then, inside the encrypted channel, both sides send `hello`; on the
//! other's hello each side sends `auth`, a signature over [`handshake_content`]: the other's
//! nonce as the challenge and the handshake hash as channel binding. A connection is
//! established when the other's `auth` verifies.

use super::io::{ConnId, Refusal};
use super::node::{Node, Peer};
use crate::config::PROTOCOL_VERSION;
use crate::net::api::{NetEvent, OfflineReason};
use crate::proto::signing::{sign_hex, verify_hex};
use crate::proto::{decode_frame, Domain, Frame, Hello, PeerId, RejectReason};
use std::net::SocketAddr;
use std::time::Instant;

/// Where a connection is in its life.
#[derive(Clone, Debug)]
pub(super) enum ConnState {
    Handshaking { their_hello: Option<Hello> },
    Established { peer: PeerId },
}

/// One TCP connection as the core sees it.
#[derive(Clone, Debug)]
pub(super) struct Conn {
    pub addr: SocketAddr,
    pub outbound: bool,
    pub nonce: [u8; 32],
    /// The Noise handshake hash, once the channel is encrypted.
    pub binding: Option<[u8; 32]>,
    pub state: ConnState,
    pub opened: Instant,
    pub last_rx: Instant,
    pub last_tx: Instant,
    /// The peer said goodbye: its close is a "quit", not a crash.
    pub said_bye: bool,
}

impl Conn {
    pub fn is_established(&self) -> bool {
        matches!(self.state, ConnState::Established { .. })
    }

    pub fn peer(&self) -> Option<PeerId> {
        match self.state {
            ConnState::Established { peer } => Some(peer),
            _ => None,
        }
    }
}

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
    pub(super) fn on_conn_opened(
        &mut self,
        conn: ConnId,
        addr: SocketAddr,
        outbound: bool,
        nonce: [u8; 32],
    ) {
        if outbound {
            self.dialing.remove(&addr);
        }
        if self.stopping {
            self.outputs.push(super::Output::Close { conn });
            return;
        }
        let now = self.now.mono;
        self.conns.insert(
            conn,
            Conn {
                addr,
                outbound,
                nonce,
                binding: None,
                state: ConnState::Handshaking { their_hello: None },
                opened: now,
                last_rx: now,
                last_tx: now,
                said_bye: false,
            },
        );
    }

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
                crate::core::sanitize::clean_name(&m, 200)
            ),
        };
        self.notice(message);
        self.drop_conn(conn, OfflineReason::Closed);
    }

    pub(super) fn on_dial_failed(&mut self, addr: SocketAddr, error: String) {
        self.dialing.remove(&addr);
        tracing::debug!(%addr, %error, "dial failed");
        if self.static_peers.iter().any(|s| s.addr == addr) {
            self.notice(format!("cannot reach {addr}: {error}; retrying"));
        }
    }

    pub(super) fn on_frame(&mut self, conn: ConnId, bytes: &[u8]) {
        let Some(c) = self.conns.get_mut(&conn) else {
            return;
        };
        c.last_rx = self.now.mono;
        let established = c.peer();
        let frame = match decode_frame(bytes, self.cfg.limits.max_frame_len) {
            Ok(f) => f,
            Err(e) => {
                let from = self.describe(conn);
                self.emit(NetEvent::Rejected {
                    from,
                    reason: e.to_string(),
                });
                if established.is_none() {
                    self.reject(conn, RejectReason::Protocol, "malformed handshake frame");
                }
                return;
            }
        };
        match established {
            Some(peer) => self.on_peer_frame(conn, peer, frame),
            None => self.on_handshake_frame(conn, frame),
        }
    }

    fn on_handshake_frame(&mut self, conn: ConnId, frame: Frame) {
        match frame {
            Frame::Hello(hello) => self.on_hello(conn, hello),
            Frame::Auth { sig } => self.on_auth(conn, &sig),
            Frame::Reject { reason, message } => {
                let addr = self.conns.get(&conn).map(|c| c.addr);
                if reason != RejectReason::Duplicate {
                    if let Some(addr) = addr {
                        self.notice(format!(
                            "{addr} refused the connection: {}",
                            crate::core::sanitize::clean_name(&message, 200)
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
            return self.reject(conn, RejectReason::SelfConnection, "connected to itself");
        }
        let Some(their_nonce) = parse_nonce(&hello.nonce) else {
            return self.reject(conn, RejectReason::Protocol, "nonce must be 64 hex digits");
        };
        let name = crate::core::sanitize::clean_name(&hello.name, self.cfg.limits.max_name_len);
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

    /// The other side proved its key. Apply the one-connection-per-pair rule and the peer limit.
    fn establish(&mut self, conn: ConnId, hello: Hello) {
        let Some(c) = self.conns.get(&conn) else {
            return;
        };
        let (addr, outbound) = (c.addr, c.outbound);
        let me = self.id();
        let them = hello.id;
        // Of two connections between the same pair, both sides keep the one dialed by the
        // lower id.
        let preferred = outbound == (me < them);
        if let Some(existing) = self.peers.get(&them).map(|p| p.conn) {
            // An old connection that has gone quiet (the peer restarted behind a cut link, say)
            // yields to a freshly proven one whichever side dialed it.
            let quiet_since = self
                .conns
                .get(&existing)
                .map(|c| self.now.mono.saturating_duration_since(c.last_rx));
            let stale = quiet_since.is_some_and(|q| q > 2 * self.cfg.timing.heartbeat);
            if !preferred && !stale {
                return self.reject(conn, RejectReason::Duplicate, "already connected");
            }
            // Take over silently: the peer stays online, on the preferred connection.
            if let Some(old) = self.conns.get_mut(&existing) {
                old.state = ConnState::Handshaking { their_hello: None };
            }
            self.reject(existing, RejectReason::Duplicate, "already connected");
        } else if self.peers.len() >= self.cfg.limits.max_peers {
            return self.reject(conn, RejectReason::Full, "too many peers");
        }
        let dial_addr = SocketAddr::new(addr.ip(), hello.port);
        let replaced = self.peers.contains_key(&them);
        if let Some(c) = self.conns.get_mut(&conn) {
            c.state = ConnState::Established { peer: them };
        }
        self.peers.insert(
            them,
            Peer {
                conn,
                name: hello.name.clone(),
                dial_addr,
            },
        );
        self.first_heard.remove(&them);
        for s in self.static_peers.iter_mut() {
            if s.addr == dial_addr || (outbound && s.addr == addr) {
                s.backoff = std::time::Duration::from_secs(1);
            }
        }
        self.send_sync(conn);
        if !replaced {
            self.emit(NetEvent::PeerOnline {
                id: them.to_hex(),
                name: hello.name,
                fingerprint: them.fingerprint(),
                addr: dial_addr.to_string(),
            });
        }
    }

    fn on_peer_frame(&mut self, conn: ConnId, peer: PeerId, frame: Frame) {
        match frame {
            Frame::Ping => {}
            Frame::Chat(sp) => self.on_chat(peer, &sp),
            Frame::Bye { .. } => {
                if let Some(c) = self.conns.get_mut(&conn) {
                    c.said_bye = true;
                }
            }
            Frame::Reject { .. } => self.close(conn),
            Frame::Proposal(sp) => self.on_proposal_frame(peer, &sp),
            Frame::Vote(sp) => self.on_vote_frame(peer, &sp),
            Frame::Sync {
                certificate,
                proposals,
                votes,
            } => self.on_sync_frame(peer, certificate.as_ref(), &proposals, &votes),
            Frame::Hello(_) | Frame::Auth { .. } => {
                self.emit(NetEvent::Rejected {
                    from: peer.to_hex(),
                    reason: "handshake frame after the handshake".into(),
                });
            }
        }
    }

    pub(super) fn on_conn_closed(&mut self, conn: ConnId, error: Option<String>) {
        if let (Some(error), Some(c)) = (&error, self.conns.get(&conn)) {
            let from = c
                .peer()
                .map(|p| p.to_hex())
                .unwrap_or_else(|| c.addr.to_string());
            self.emit(NetEvent::Rejected {
                from,
                reason: error.clone(),
            });
        }
        let reason = match self.conns.get(&conn) {
            Some(c) if c.said_bye => OfflineReason::Quit,
            _ => OfflineReason::Closed,
        };
        self.drop_conn(conn, reason);
    }

    /// Sends a `reject` and closes.
    pub(super) fn reject(&mut self, conn: ConnId, reason: RejectReason, message: &str) {
        self.send_frame(
            conn,
            &Frame::Reject {
                reason,
                message: message.to_string(),
            },
        );
        self.close(conn);
    }

    /// Closes a connection (after its queued frames), reporting the peer offline if this was
    /// its connection.
    pub(super) fn close(&mut self, conn: ConnId) {
        if self.conns.contains_key(&conn) {
            self.outputs.push(super::Output::Close { conn });
        }
        self.drop_conn(conn, OfflineReason::Closed);
    }

    pub(super) fn close_with(&mut self, conn: ConnId, reason: OfflineReason) {
        if self.conns.contains_key(&conn) {
            self.outputs.push(super::Output::Close { conn });
        }
        self.drop_conn(conn, reason);
    }

    fn drop_conn(&mut self, conn: ConnId, reason: OfflineReason) {
        let Some(c) = self.conns.remove(&conn) else {
            return;
        };
        let Some(peer) = c.peer() else { return };
        if self.peers.get(&peer).is_some_and(|p| p.conn == conn) {
            let p = self.peers.remove(&peer).expect("checked above");
            if !self.stopping {
                self.emit(NetEvent::PeerOffline {
                    id: peer.to_hex(),
                    name: p.name,
                    reason,
                });
            }
        }
    }

    /// A peer id if the connection is established, else its address, for reports.
    pub(super) fn describe(&self, conn: ConnId) -> String {
        match self.conns.get(&conn) {
            Some(c) => c
                .peer()
                .map(|p| p.to_hex())
                .unwrap_or_else(|| c.addr.to_string()),
            None => format!("connection {}", conn.0),
        }
    }

    pub(super) fn peer_name(&self, id: &PeerId) -> String {
        self.peers
            .get(id)
            .map(|p| p.name.clone())
            .unwrap_or_else(|| id.fingerprint())
    }
}
