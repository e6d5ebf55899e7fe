//! Discovery: hearing announcements, deciding whom to dial, answering newcomers.
//!
//! The lower id dials. The higher id answers a newcomer's announcement with one of its own at
//! once (rate-limited), so the lower id hears it and dials without waiting for the next
//! periodic announcement. If the lower id still has not dialed after a while (one-way
//! broadcast), the higher id dials too; the one-connection rule sorts out any race.

use super::io::Output;
use super::node::Node;
use crate::limits::PROTOCOL_VERSION;
use crate::wire::Announce;
use std::net::SocketAddr;

impl Node {
    pub(super) fn announce(&mut self) {
        let datagram = self.announce_datagram();
        self.outputs.push(Output::Announce { datagram });
        self.next_announce = Some(self.now.mono + self.cfg.timing.announce_interval);
    }

    pub(super) fn on_datagram(&mut self, from: SocketAddr, bytes: &[u8]) {
        if self.stopping {
            return;
        }
        let Some(a) = Announce::decode(bytes, self.cfg.limits.max_datagram_len) else {
            tracing::trace!(%from, "ignored a datagram that is not an announcement");
            return;
        };
        if a.id == self.id() {
            return;
        }
        self.note_heard(&a, from);
        if a.version != PROTOCOL_VERSION {
            // Tell the user once per peer why it never appears, rather than ignore it silently.
            if self.incompatible_seen.len() < self.cfg.limits.max_peers
                && self.incompatible_seen.insert(a.id)
            {
                let name = crate::node::sanitize::clean_name(&a.name, self.cfg.limits.max_name_len);
                self.notice(format!(
                    "{name} ({}) at {} speaks protocol version {}, this program speaks {PROTOCOL_VERSION}: incompatible version, not connecting",
                    a.id.fingerprint(),
                    from.ip(),
                    a.version
                ));
            }
            return;
        }
        let now = self.now.mono;
        // The datagram's source with the announced port; an IPv6 link-local source keeps
        // its scope (the interface it came in on), which a dial back needs.
        let mut addr = from;
        addr.set_port(a.port);
        if let Some(p) = self.peers.get(&a.id) {
            // Connected already: only a new port (a restart) or a quiet connection is news.
            // Another address with the same port is the same peer heard on another interface
            // or address family (IPv4 broadcast and IPv6 multicast both reach us): dialing it
            // would only replace a working connection.
            if p.dial_addr.port() == addr.port() && !self.is_quiet(p.conn) {
                return;
            }
        }
        // Another id at the address of a peer that is connected and alive: a dial could only
        // reach that same peer again (the announcement is spoofed) and would replace its
        // working connection, losing the frames in flight on it. A peer that really restarted
        // there with a new key has closed its old connection, or it soon goes quiet.
        if self
            .peers
            .iter()
            .any(|(id, p)| *id != a.id && p.dial_addr == addr && !self.is_quiet(p.conn))
        {
            return;
        }
        if self.first_heard.len() > 4 * self.cfg.limits.max_peers
            && !self.first_heard.contains_key(&a.id)
        {
            // Someone is announcing a flood of ids: forget them rather than grow.
            self.first_heard.clear();
        }
        let first = *self.first_heard.entry(a.id).or_insert(now);
        let waited_long = now.duration_since(first) > 2 * self.cfg.timing.announce_interval;
        if self.id() < a.id || waited_long {
            // One dial at a time per peer (it may be heard on IPv4 and IPv6 at once), through
            // the dialer; announcements cost nothing to forge, so the dials they cause are
            // budgeted, in total and per announced address (`pex_dials`).
            self.pex.dialer.heard(a.id, addr, now);
            self.pex_dials();
        } else {
            self.reply_announce();
        }
    }

    /// Nothing was received on `conn` for more than two heartbeats (or it is gone).
    pub(super) fn is_quiet(&self, conn: super::io::ConnId) -> bool {
        self.conns.get(&conn).is_none_or(|c| {
            self.now.mono.saturating_duration_since(c.last_rx) > 2 * self.cfg.timing.heartbeat
        })
    }

    /// Answers a newcomer with an announcement now, or, if one went out less than the reply
    /// gap ago, as soon as the gap has passed (never dropped: the newcomer is waiting for it).
    pub(super) fn reply_announce(&mut self) {
        let now = self.now.mono;
        let gap = self.cfg.timing.announce_reply_gap;
        match self.last_reply_announce {
            Some(t) if now.duration_since(t) < gap => {
                self.deferred_reply.get_or_insert(t + gap);
            }
            _ => {
                self.last_reply_announce = Some(now);
                self.deferred_reply = None;
                let datagram = self.announce_datagram();
                self.outputs.push(Output::Announce { datagram });
            }
        }
    }

    /// Dials `addr` unless a dial is under way. One made less than the redial gap ago defers
    /// this one to the end of the gap (the peer may have restarted since). True if dialed now.
    pub(super) fn dial(&mut self, addr: SocketAddr) -> bool {
        let now = self.now.mono;
        if self.dialing.contains_key(&addr) {
            return false;
        }
        if let Some(last) = self.last_dial.get(&addr).copied() {
            let gap = self.cfg.timing.redial_gap;
            if now.duration_since(last) < gap {
                if self.deferred_dials.len() < self.cfg.limits.max_pending_handshakes {
                    self.deferred_dials.entry(addr).or_insert(last + gap);
                }
                return false;
            }
        }
        self.deferred_dials.remove(&addr);
        if self.dialing.len() >= self.cfg.limits.max_pending_handshakes {
            return false;
        }
        if self.last_dial.len() > 4 * self.cfg.limits.max_peers {
            let gap = self.cfg.timing.redial_gap;
            self.last_dial.retain(|_, t| now.duration_since(*t) < gap);
        }
        self.dialing.insert(addr, now);
        self.last_dial.insert(addr, now);
        self.outputs.push(Output::Dial { addr });
        true
    }
}
