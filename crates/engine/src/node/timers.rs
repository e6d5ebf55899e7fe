//! Time-driven work: periodic announcements, heartbeats, peer and handshake timeouts, and
//! redialing `--peer` addresses.

use super::io::ConnId;
use super::node::Node;
use crate::api::OfflineReason;
use crate::wire::{Frame, RejectReason};
use std::time::{Duration, Instant};

impl Node {
    /// The earliest instant at which [`Node::handle`] wants an `Input::Timer`.
    pub fn poll_timeout(&self) -> Option<Instant> {
        if self.stopping {
            return None;
        }
        let t = &self.cfg.timing;
        let conn_deadlines = self.conns.values().map(|c| {
            if c.is_established() {
                (c.last_tx + t.heartbeat).min(c.last_rx + t.peer_timeout)
            } else {
                c.opened + t.handshake_timeout
            }
        });
        let static_deadlines = self.static_peers.iter().filter_map(|s| s.next_try);
        conn_deadlines
            .chain(static_deadlines)
            .chain(self.next_announce)
            .chain(self.voting_deadline())
            .chain(self.deferred_reply)
            .chain(self.deferred_dials.values().copied())
            .chain(self.moving.values().map(|(until, _)| *until))
            .chain(self.sync_deadline())
            .chain(self.reach_deadline())
            .min()
    }

    pub(super) fn on_timer(&mut self) {
        if self.stopping {
            return;
        }
        let now = self.now.mono;
        if self.next_announce.is_some_and(|t| now >= t) {
            self.announce();
        }
        if self.deferred_reply.is_some_and(|t| now >= t) {
            self.reply_announce();
        }
        self.run_deferred_dials(now);
        self.expire_moving(now);
        self.check_connections(now);
        self.redial_static_peers(now);
        self.voting_tick();
        self.sync_tick();
        self.reach_tick();
    }

    fn run_deferred_dials(&mut self, now: Instant) {
        let due: Vec<_> = self
            .deferred_dials
            .iter()
            .filter(|(_, t)| now >= **t)
            .map(|(a, _)| *a)
            .collect();
        for addr in due {
            self.deferred_dials.remove(&addr);
            if !self.peers.values().any(|p| p.dial_addr == addr) {
                self.dial(addr);
            }
        }
    }

    fn check_connections(&mut self, now: Instant) {
        let t = self.cfg.timing.clone();
        let mut timed_out: Vec<ConnId> = Vec::new();
        let mut handshake_expired: Vec<ConnId> = Vec::new();
        let mut need_ping: Vec<ConnId> = Vec::new();
        for (&id, c) in &self.conns {
            if c.is_established() {
                if now >= c.last_rx + t.peer_timeout {
                    timed_out.push(id);
                } else if now >= c.last_tx + t.heartbeat {
                    need_ping.push(id);
                }
            } else if now >= c.opened + t.handshake_timeout {
                handshake_expired.push(id);
            }
        }
        for conn in timed_out {
            tracing::info!(conn = conn.0, "peer timed out");
            self.close_with(conn, OfflineReason::Timeout);
        }
        for conn in handshake_expired {
            tracing::info!(conn = conn.0, "handshake timed out");
            self.reject(conn, RejectReason::Timeout, "handshake took too long");
        }
        for conn in need_ping {
            self.send_frame(conn, &Frame::Ping);
        }
    }

    fn redial_static_peers(&mut self, now: Instant) {
        let connected: Vec<_> = self.peers.values().map(|p| p.dial_addr).collect();
        let mut due = Vec::new();
        for s in self.static_peers.iter_mut() {
            if connected.contains(&s.addr) {
                s.next_try = None;
                continue;
            }
            match s.next_try {
                Some(t) if now >= t => {
                    due.push(s.addr);
                    s.next_try = Some(now + s.backoff);
                    s.backoff = (s.backoff * 2).min(Duration::from_secs(30));
                }
                None => s.next_try = Some(now + Duration::from_secs(1)),
                _ => {}
            }
        }
        for addr in due {
            self.dial(addr);
        }
    }
}
