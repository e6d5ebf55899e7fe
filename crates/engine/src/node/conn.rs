//! Connections: the handshake that proves each side holds its key, the one-connection-per-pair
//! rule, frame dispatch, and what happens when a connection ends.
//!
//! The handshake itself (`hello`/`auth` bound to the Noise channel) is in
//! [`super::handshake`]; this file opens connections and establishes them once it succeeds.

use super::io::ConnId;
use super::node::{Node, Peer};
use crate::api::{NetEvent, OfflineReason};
use crate::wire::{decode_frame, Frame, Hello, PeerId, RejectReason, SignedPayload};
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
    /// When the handshake completed.
    pub established_at: Option<Instant>,
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
        if self.stopping || (!outbound && !self.admits_handshake_from(addr)) {
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
                established_at: None,
            },
        );
    }

    /// An inbound connection from `addr` may start its handshake: fewer than
    /// MAX_PENDING_HANDSHAKES are pending, and fewer than MAX_PENDING_PER_ADDR of the inbound
    /// ones come from its IP (our own dials to that address do not count; loopback is exempt,
    /// see [`super::admission`]).
    fn admits_handshake_from(&self, addr: SocketAddr) -> bool {
        let pending = self.conns.values().filter(|c| !c.is_established());
        let (mut total, mut same) = (0, 0);
        for c in pending {
            total += 1;
            same += usize::from(!c.outbound && c.addr.ip() == addr.ip());
        }
        let limits = &self.cfg.limits;
        let crowded = same >= limits.max_pending_per_addr && !addr.ip().is_loopback();
        if total >= limits.max_pending_handshakes || crowded {
            tracing::debug!(%addr, total, same, "handshake refused: too many pending");
            return false;
        }
        true
    }

    pub(super) fn on_dial_failed(&mut self, addr: SocketAddr, error: String) {
        self.dialing.remove(&addr);
        self.reach_dial_failed(addr, &error);
        tracing::debug!(%addr, %error, "dial failed");
        if self.static_peers.iter().any(|s| s.addr == addr) {
            self.notice(format!("cannot reach {addr}: {error}; retrying"));
        } else if self.asked_dials.remove(&addr) {
            self.error(format!("cannot connect to {addr}: {error}"));
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

    /// The other side proved its key. Apply the one-connection-per-pair rule and the peer limit.
    pub(super) fn establish(&mut self, conn: ConnId, hello: Hello) {
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
            // A second connection while the first is young is a simultaneous-dial race: the
            // lower id's dial wins. Once the first has lasted two heartbeats, a newly proven
            // connection means the peer came back on purpose (it restarted, or judged the old
            // one dead): the newest wins. Both sides see about the same age, so both agree.
            let age = self
                .conns
                .get(&existing)
                .and_then(|c| c.established_at)
                .map(|t| self.now.mono.saturating_duration_since(t));
            let reconnect = age.is_some_and(|a| a > 2 * self.cfg.timing.heartbeat);
            if !preferred && !reconnect {
                return self.reject(conn, RejectReason::Duplicate, "already connected");
            }
            // Take over silently: the peer stays online, on the preferred connection.
            if let Some(old) = self.conns.get_mut(&existing) {
                old.state = ConnState::Handshaking { their_hello: None };
            }
            self.reject(existing, RejectReason::Duplicate, "already connected");
        } else if self.peers.len() >= self.peer_slots_for(&them) {
            return self.reject(conn, RejectReason::Full, "too many peers");
        }
        let mut dial_addr = addr;
        dial_addr.set_port(hello.port);
        let replaced = self.peers.contains_key(&them) || self.moving.remove(&them).is_some();
        let now = self.now.mono;
        if let Some(c) = self.conns.get_mut(&conn) {
            c.state = ConnState::Established { peer: them };
            c.established_at = Some(now);
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
        self.send_rooms(conn);
        self.start_sync(conn, them);
        self.flush_outbox(conn, them);
        self.reach_established(conn, them, addr, outbound, dial_addr);
        self.reoffer_files(them);
        if !replaced {
            self.emit(NetEvent::PeerOnline {
                id: them.to_hex(),
                name: hello.name,
                fingerprint: them.fingerprint(),
                addr: dial_addr.to_string(),
                quiet: false,
            });
        }
    }

    /// How many peers may be connected for `id` to join: all MAX_PEERS for a known key, all
    /// but RESERVED_PEER_SLOTS for a stranger.
    fn peer_slots_for(&self, id: &PeerId) -> usize {
        let max = self.cfg.limits.max_peers;
        if self.admission.is_known(id) {
            max
        } else {
            max.saturating_sub(self.cfg.limits.reserved_peer_slots)
        }
    }

    fn on_peer_frame(&mut self, conn: ConnId, peer: PeerId, frame: Frame) {
        match frame {
            Frame::Ping => {}
            Frame::Chat(sp) => self.on_chat(peer, &sp),
            Frame::Dm(sp) => self.on_dm(peer, &sp),
            Frame::DmAck { msg_id } => self.on_dm_ack(peer, msg_id),
            Frame::Have { authors, more } => self.on_have(conn, peer, authors, more),
            Frame::Want { authors } => self.on_want(conn, peer, authors),
            Frame::Give { messages, last } => self.on_give(conn, peer, messages, last),
            Frame::Bye { .. } => {
                if let Some(c) = self.conns.get_mut(&conn) {
                    c.said_bye = true;
                }
            }
            Frame::Reject {
                reason: RejectReason::Duplicate,
                ..
            } => self.superseded(conn, peer),
            Frame::Reject { .. } => self.close(conn),
            Frame::Proposal(sp) => self.on_proposal_frame(peer, &sp),
            Frame::Vote(sp) => self.on_vote_frame(peer, &sp),
            Frame::Sync {
                certificate,
                proposals,
                votes,
            } => self.on_sync_frame(conn, peer, certificate.as_ref(), &proposals, &votes),
            Frame::Peers { records } => self.on_peers_frame(conn, peer, records),
            Frame::Relay { kind, item, hops } => self.on_relay(peer, kind, &item, hops),
            Frame::RelayWant { authors } => self.on_relay_want(peer, authors),
            Frame::RelayOk { authors } => self.on_relay_ok(peer, authors),
            Frame::FileOffer { payload, sig, port } => {
                self.on_file_offer(peer, SignedPayload { payload, sig }, port)
            }
            Frame::FileAnswer {
                transfer_id,
                answer,
                reason,
            } => self.on_file_answer(peer, &transfer_id, answer, reason),
            Frame::Rooms { rooms } => self.on_rooms_frame(peer, &rooms),
            Frame::Act(sp) => self.on_act_frame(peer, &sp),
            Frame::Hello(_) | Frame::Auth { .. } => {
                self.emit(NetEvent::Rejected {
                    from: peer.to_hex(),
                    reason: "handshake frame after the handshake".into(),
                });
            }
        }
    }

    pub(super) fn on_conn_closed(&mut self, conn: ConnId, error: Option<String>) {
        // A lost connection (reset, timeout, too slow) is the peer going away, not a security
        // or protocol refusal: logged, and reported as `peer_offline` below. Anything else
        // (an oversized frame, a record that does not decrypt) is a refusal.
        match (&error, self.conns.get(&conn)) {
            (Some(error), _) if error.starts_with(super::io::CONNECTION_LOST) => {
                tracing::info!(conn = conn.0, peer = %self.describe(conn), %error, "connection lost");
            }
            (Some(error), Some(c)) => {
                let from = c
                    .peer()
                    .map(|p| p.to_hex())
                    .unwrap_or_else(|| c.addr.to_string());
                self.emit(NetEvent::Rejected {
                    from,
                    reason: error.clone(),
                });
            }
            _ => {}
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

    /// The peer replaced this connection by a newer one (it proved that one first): closed,
    /// and the peer is told offline only if the newer one does not arrive here within the
    /// handshake timeout ([`Node::expire_moving`]).
    fn superseded(&mut self, conn: ConnId, peer: PeerId) {
        if let Some(p) = self.peers.get(&peer).filter(|p| p.conn == conn) {
            let until = self.now.mono + self.cfg.timing.handshake_timeout;
            self.moving.insert(peer, (until, p.name.clone()));
        }
        self.close(conn);
    }

    /// Peers that were moving to a new connection and did not arrive: offline now.
    pub(super) fn expire_moving(&mut self, now: Instant) {
        let due: Vec<PeerId> = self
            .moving
            .iter()
            .filter(|(_, (until, _))| now >= *until)
            .map(|(id, _)| *id)
            .collect();
        for id in due {
            if let Some((_, name)) = self.moving.remove(&id) {
                if !self.peers.contains_key(&id) && !self.stopping {
                    self.emit(NetEvent::PeerOffline {
                        id: id.to_hex(),
                        name,
                        reason: OfflineReason::Closed,
                        quiet: false,
                    });
                }
            }
        }
    }

    pub(super) fn drop_conn(&mut self, conn: ConnId, reason: OfflineReason) {
        let Some(c) = self.conns.remove(&conn) else {
            return;
        };
        self.sync_conn_closed(conn);
        let Some(peer) = c.peer() else {
            return self.reach_conn_dropped(c.addr, c.outbound, None);
        };
        if self.peers.get(&peer).is_some_and(|p| p.conn == conn) {
            let p = self.peers.remove(&peer).expect("checked above");
            let lost = (reason != OfflineReason::Quit).then_some((peer, p.dial_addr));
            self.reach_conn_dropped(c.addr, c.outbound, lost);
            self.rooms.peer_gone(&peer);
            if !self.stopping && !self.moving.contains_key(&peer) {
                self.emit(NetEvent::PeerOffline {
                    id: peer.to_hex(),
                    name: p.name,
                    reason,
                    quiet: false,
                });
                self.show_rooms_if_changed();
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
            .or_else(|| {
                let k = self.pex.table.get(id)?;
                Some(super::sanitize::clean_name(
                    &k.record.name,
                    self.cfg.limits.max_name_len,
                ))
            })
            .unwrap_or_else(|| id.fingerprint())
    }
}
