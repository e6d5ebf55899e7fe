//! The node's side of peer exchange and the address book: its own signed record, `peers`
//! frames in and out, dialing peers learnt from records or the book (`/net` is in
//! [`super::net_report`]).
//! The pure parts (records, table, dialer) are in [`crate::pex`].

use super::io::{ConnId, Output};
use super::node::Node;
use super::rate::TokenBucket;
use crate::api::NetEvent;
use crate::limits::{
    MAX_PEX_PER_FRAME, PEX_RECORDS_PER_SEC, PEX_RECORD_BURST, PEX_REFRESH, PROTOCOL_VERSION,
};
use crate::pex::{check_record, dial_addrs, PeerRecord, PexError};
use crate::wire::{Domain, Frame, PeerId, SignedPayload};
use std::net::SocketAddr;
use std::time::Instant;

/// BOOK_ROUNDS: how many rounds of failed dials an address-book entry gets without a fresh
/// record of its peer (PEX_RETRY apart).
const BOOK_ROUNDS: u32 = 4;

impl Node {
    /// At start: sign our record and start dialing the address book.
    pub(super) fn reach_start(&mut self) {
        self.refresh_record();
        let now = self.now.mono;
        let book = self.cfg.reach.address_book.clone();
        for (id, addr) in book {
            if id != self.id() {
                let at = self.dial_at(&id, now);
                self.pex.dialer.offer(id, &[addr], at);
            }
        }
        self.pex_dials();
    }

    /// When to first dial a peer learned from a record or the address book: the lower id at
    /// once, the higher after HIGHER_ID_DIAL_DELAY. As with discovery (the lower id dials),
    /// two peers that learn of each other together then open one connection, not two that
    /// the tie-break must settle (which dropped the frames sent on the losing one and showed
    /// a spurious offline/online).
    fn dial_at(&self, id: &PeerId, now: Instant) -> Instant {
        if self.id() < *id {
            now
        } else {
            now + crate::limits::HIGHER_ID_DIAL_DELAY
        }
    }

    /// Signs a fresh record of ourselves.
    fn refresh_record(&mut self) {
        let record = PeerRecord {
            id: self.id(),
            name: self.cfg.name.clone(),
            version: PROTOCOL_VERSION,
            addrs: self
                .cfg
                .reach
                .advertise
                .iter()
                .copied()
                .take(crate::limits::MAX_RECORD_ADDRS)
                .collect(),
            port: self.cfg.listen_port,
            ts: self.now.unix_ms,
        };
        self.own_record = Some(SignedPayload::sign(
            self.identity.signing_key(),
            Domain::Peer,
            &record,
        ));
        self.next_record = Some(self.now.mono + PEX_REFRESH);
    }

    pub(super) fn reach_deadline(&self) -> Option<Instant> {
        [self.next_record, self.pex.dialer.deadline()]
            .into_iter()
            .flatten()
            .min()
    }

    /// Time-driven work: refresh and give out our record, forget stale records, dial.
    pub(super) fn reach_tick(&mut self) {
        let now = self.now.mono;
        if self.next_record.is_some_and(|t| now >= t) {
            self.refresh_record();
            if let Some(own) = self.own_record.clone() {
                let _ = self.broadcast_frame(&Frame::Peers { records: vec![own] });
            }
        }
        for id in self.pex.table.expire(self.now.unix_ms) {
            if !self.in_address_book(&id) {
                self.pex.dialer.remove(&id);
            }
        }
        // An address-book peer with no fresh record is tried for BOOK_ROUNDS rounds, not
        // forever (it comes back by discovery, a record, or dialing us).
        for id in self.pex.dialer.given_up(BOOK_ROUNDS) {
            if self.pex.table.get(&id).is_none() {
                self.pex.dialer.remove(&id);
            }
        }
        self.pex_dials();
    }

    fn in_address_book(&self, id: &PeerId) -> bool {
        self.cfg.reach.address_book.iter().any(|(b, _)| b == id)
    }

    /// Dials what the dialer says is due, unless the peer is connected by now or the address
    /// is a connected peer's (a record may name anyone's address; a dial there would only
    /// reach that peer again and replace its working connection).
    pub(super) fn pex_dials(&mut self) {
        let now = self.now.mono;
        for (id, addr) in self.pex.dialer.due(now) {
            // Connected on a live connection at that port: nothing to dial. (A quiet one, or
            // a new port after a restart, is worth a dial that may replace it.)
            if self
                .peers
                .get(&id)
                .is_some_and(|p| p.dial_addr.port() == addr.port() && !self.is_quiet(p.conn))
            {
                self.pex.dialer.connected(&id);
                continue;
            }
            if self
                .peers
                .iter()
                .any(|(pid, p)| *pid != id && p.dial_addr == addr && !self.is_quiet(p.conn))
            {
                self.pex
                    .dialer
                    .failed(addr, "address of another connected peer", now);
                continue;
            }
            let limits = &self.cfg.limits;
            if !self.admission.allow_discovery_dial(addr.ip(), limits, now) {
                self.pex.dialer.failed(addr, "dial budget spent", now);
                continue;
            }
            self.dial(addr);
        }
    }

    /// A dial failed: try the peer's next address (or later).
    pub(super) fn reach_dial_failed(&mut self, addr: SocketAddr, error: &str) {
        let now = self.now.mono;
        if self.pex.dialer.failed(addr, error, now).is_some() {
            self.pex_dials();
            self.update_relay_wants();
        }
    }

    /// A connection ended: a dial that closed in its handshake counts as failed, and a peer
    /// that went away without a goodbye is tried again where it was.
    pub(super) fn reach_conn_dropped(
        &mut self,
        addr: SocketAddr,
        outbound: bool,
        lost: Option<(PeerId, SocketAddr)>,
    ) {
        let now = self.now.mono;
        self.pex_rate.retain(|c, _| self.conns.contains_key(c));
        if outbound && lost.is_none() {
            self.pex
                .dialer
                .failed(addr, "closed during the handshake", now);
        }
        if let Some((peer, dial_addr)) = lost {
            self.pex.table.forget_giver(&peer);
            if !self.stopping
                && (self.pex.table.get(&peer).is_some() || self.in_address_book(&peer))
            {
                self.pex.dialer.lost(peer, dial_addr, now);
            }
            self.relay_peer_gone(&peer);
        }
    }

    /// `them` is established on `conn`: remember the address, give it the records of our
    /// peers, and give our other peers its record.
    pub(super) fn reach_established(
        &mut self,
        conn: ConnId,
        them: PeerId,
        addr: SocketAddr,
        outbound: bool,
        dial_addr: SocketAddr,
    ) {
        let now = self.now.mono;
        if outbound {
            self.pex.dialer.reached(addr, &them, now);
        }
        self.pex.dialer.connected(&them);
        self.outputs.push(Output::AddressWorked {
            id: them,
            addr: if outbound { addr } else { dial_addr },
        });
        let mut records: Vec<SignedPayload> = self.own_record.iter().cloned().collect();
        for id in self.peers.keys() {
            if *id != them {
                if let Some(k) = self.pex.table.get(id) {
                    records.push(k.signed.clone());
                }
            }
        }
        for chunk in records.chunks(MAX_PEX_PER_FRAME) {
            self.send_frame(
                conn,
                &Frame::Peers {
                    records: chunk.to_vec(),
                },
            );
        }
        if let Some(k) = self.pex.table.get(&them) {
            let signed = k.signed.clone();
            self.give_to_others(them, signed);
        }
        self.relay_peer_connected(&them);
    }

    /// Passes a record of our peer `subject` on to every other established peer.
    fn give_to_others(&mut self, subject: PeerId, signed: SignedPayload) {
        let frame = Frame::Peers {
            records: vec![signed],
        };
        let conns: Vec<ConnId> = self
            .peers
            .iter()
            .filter(|(id, _)| **id != subject)
            .map(|(_, p)| p.conn)
            .collect();
        for c in conns {
            self.send_frame(c, &frame);
        }
    }

    /// Passes a refreshed record of our peer `subject` to the peers that asked us to relay it.
    fn give_to_askers(&mut self, subject: PeerId, signed: SignedPayload) {
        let frame = Frame::Peers {
            records: vec![signed],
        };
        for asker in self.relay.routes.askers_of(&subject) {
            if let Some(conn) = self.peers.get(&asker).map(|p| p.conn) {
                self.send_frame(conn, &frame);
            }
        }
    }

    /// A `peers` frame from the established peer `from`.
    pub(super) fn on_peers_frame(
        &mut self,
        conn: ConnId,
        from: PeerId,
        records: Vec<SignedPayload>,
    ) {
        if records.len() > MAX_PEX_PER_FRAME {
            return self.pex_refused(
                from,
                PexError::TooManyRecords {
                    n: records.len(),
                    max: MAX_PEX_PER_FRAME,
                },
            );
        }
        let now = self.now.mono;
        let Some(via_ip) = self.conns.get(&conn).map(|c| c.addr.ip()) else {
            return;
        };
        let bucket = self
            .pex_rate
            .entry(conn)
            .or_insert_with(|| TokenBucket::new(PEX_RECORDS_PER_SEC, PEX_RECORD_BURST, now));
        let allowed = records.iter().take_while(|_| bucket.try_take(now)).count();
        if allowed < records.len() {
            self.pex_refused(
                from,
                PexError::RateLimited {
                    dropped: records.len() - allowed,
                },
            );
        }
        let skew = self.cfg.limits.max_clock_skew.as_millis() as i64;
        for sp in records.into_iter().take(allowed) {
            let record = match check_record(&sp, self.now.unix_ms, skew) {
                Ok(r) => r,
                Err(e) => {
                    self.pex_refused(from, e);
                    continue;
                }
            };
            if record.id == self.id() {
                continue;
            }
            if self.pex.table.has_as_new(&record.id, record.ts) {
                self.pex.table.add_giver(&record.id, from);
                continue;
            }
            if !matches!(
                self.verified.verify(&sp, &record.id, Domain::Peer),
                Ok(true)
            ) {
                self.pex_refused(from, PexError::BadSignature(record.id));
                continue;
            }
            let subject = record.id;
            let addrs = dial_addrs(&record, via_ip);
            let what = |r: &PeerRecord| (r.addrs.clone(), r.port, r.name.clone());
            let changed = self
                .pex
                .table
                .get(&subject)
                .is_none_or(|k| what(&k.record) != what(&record));
            self.pex.table.insert(record, sp.clone(), from, via_ip);
            if self.peers.contains_key(&subject) && changed {
                // Our own peer's new record: pass it on (connected peers pass on the records
                // of the peers they are connected to). Never dialed: it is connected.
                self.give_to_others(subject, sp);
            } else if self.peers.contains_key(&subject) {
                // Only its timestamp is new (the periodic refresh): the peers connected to it
                // have it from it; those that reach it through us need it to stay fresh.
                self.give_to_askers(subject, sp);
            } else {
                let at = self.dial_at(&subject, now);
                self.pex.dialer.offer(subject, &addrs, at);
            }
        }
        self.pex_dials();
        self.update_relay_wants();
    }

    fn pex_refused(&mut self, from: PeerId, e: PexError) {
        self.emit(NetEvent::Rejected {
            from: from.to_hex(),
            reason: e.to_string(),
        });
    }

    /// An announcement was heard: remember it for `/net`.
    pub(super) fn note_heard(&mut self, a: &crate::wire::Announce, from: SocketAddr) {
        let name = super::sanitize::clean_name(&a.name, self.cfg.limits.max_name_len);
        self.pex.heard.note(
            a.id,
            crate::pex::Heard {
                name,
                from: from.ip(),
                port: a.port,
                version: a.version,
                at_ms: self.now.unix_ms,
            },
        );
    }
}
