//! Dialing peers known from records or the address book: one address at a time per peer, the
//! next when one fails, a new round PEX_RETRY after a whole round failed; and why each peer
//! is not connected, for `/net` and for choosing a relay.

use crate::limits::{MAX_ADDRESS_BOOK, MAX_PEX_RECORDS, MAX_RECORD_ADDRS, PEX_RETRY};
use crate::wire::PeerId;
use std::collections::HashMap;
use std::net::SocketAddr;
use std::time::{Duration, Instant};

/// A dial that has not been answered within this long counts as failed ("no answer").
const PENDING_GIVE_UP: Duration = Duration::from_secs(10);

/// Trying to reach one peer.
#[derive(Clone, Debug)]
pub struct Attempt {
    /// Addresses to try, in order (bounded by 2 × MAX_RECORD_ADDRS).
    pub addrs: Vec<SocketAddr>,
    next: usize,
    pending: Option<(SocketAddr, Instant)>,
    next_try: Option<Instant>,
    /// Why the last try failed (the dial error, "closed during the handshake", ...).
    pub last_error: Option<String>,
    /// A whole round of addresses failed: not reachable directly (a relay may help).
    pub unreachable: bool,
    /// How many whole rounds failed.
    pub rounds: u32,
    /// Known only from announcements: forgotten when its round fails (the next
    /// announcement offers it again), never retried on its own.
    heard_only: bool,
}

/// Every peer being tried.
#[derive(Debug, Default)]
pub struct Dialer {
    by_id: HashMap<PeerId, Attempt>,
    by_addr: HashMap<SocketAddr, PeerId>,
}

impl Dialer {
    /// Adds addresses to try for `id` (new ones after the known ones). A peer whose round
    /// failed is tried again at once if an address is new.
    pub fn offer(&mut self, id: PeerId, addrs: &[SocketAddr], now: Instant) {
        if !self.by_id.contains_key(&id) && self.by_id.len() >= MAX_PEX_RECORDS + MAX_ADDRESS_BOOK {
            return;
        }
        let a = self.by_id.entry(id).or_insert_with(|| Attempt {
            addrs: Vec::new(),
            next: 0,
            pending: None,
            next_try: Some(now),
            last_error: None,
            unreachable: false,
            rounds: 0,
            heard_only: false,
        });
        a.heard_only = false;
        let mut first_fresh = None;
        for addr in addrs {
            if !a.addrs.contains(addr) && a.addrs.len() < 2 * MAX_RECORD_ADDRS {
                first_fresh.get_or_insert(a.addrs.len());
                a.addrs.push(*addr);
            }
        }
        if let (Some(i), true) = (first_fresh, a.unreachable) {
            // Until the new addresses fail too, the peer is not known to be unreachable (so
            // no relay is asked for, and no "via" shown, while a peer back on a new port is
            // being dialled). With no dial under way a new round starts from them; a dial
            // under way (a retry of the old addresses) reaches them when it fails, since
            // they come after it.
            a.unreachable = false;
            if a.pending.is_none() {
                a.next = i;
                a.next_try = Some(now);
            }
        }
    }

    /// An announcement of `id` from `addr` says to dial it now: first that address, unless a
    /// dial to the peer is under way (one at a time per peer, so two dials to two of its
    /// addresses never race each other).
    pub fn heard(&mut self, id: PeerId, addr: SocketAddr, now: Instant) {
        if !self.by_id.contains_key(&id) && self.by_id.len() >= MAX_PEX_RECORDS + MAX_ADDRESS_BOOK {
            return;
        }
        let a = self.by_id.entry(id).or_insert_with(|| Attempt {
            addrs: Vec::new(),
            next: 0,
            pending: None,
            next_try: None,
            last_error: None,
            unreachable: false,
            rounds: 0,
            heard_only: true,
        });
        if a.pending.is_some() {
            return;
        }
        // Heard on an address it did not have (back on a new port): not known to be
        // unreachable until that fails too. An address it had keeps the verdict, so a peer
        // that announces but cannot be dialled does not flap between relayed and offline.
        if !a.addrs.contains(&addr) {
            a.unreachable = false;
        }
        a.addrs.retain(|x| *x != addr);
        a.addrs.insert(0, addr);
        a.addrs.truncate(2 * MAX_RECORD_ADDRS);
        a.next = 0;
        a.next_try = Some(now);
    }

    /// The dials due now: one address per peer not already being dialed.
    pub fn due(&mut self, now: Instant) -> Vec<(PeerId, SocketAddr)> {
        let mut out = Vec::new();
        let mut gave_up = Vec::new();
        for (id, a) in self.by_id.iter_mut() {
            if let Some((addr, since)) = a.pending {
                if now.saturating_duration_since(since) > PENDING_GIVE_UP {
                    gave_up.push(addr);
                }
                continue;
            }
            if a.addrs.is_empty() || a.next_try.is_none_or(|t| now < t) {
                continue;
            }
            let addr = a.addrs[a.next % a.addrs.len()];
            a.pending = Some((addr, now));
            a.next_try = None;
            out.push((*id, addr));
        }
        for addr in gave_up {
            self.failed(addr, "no answer", now);
        }
        for (id, addr) in &out {
            self.by_addr.insert(*addr, *id);
        }
        out
    }

    /// The earliest instant a dial is due.
    pub fn deadline(&self) -> Option<Instant> {
        self.by_id
            .values()
            .filter_map(|a| match a.pending {
                Some((_, since)) => Some(since + PENDING_GIVE_UP),
                None => a.next_try,
            })
            .min()
    }

    /// A dial to `addr` failed (or its connection closed before the handshake finished).
    /// Returns the peer it was for, if any.
    pub fn failed(&mut self, addr: SocketAddr, error: &str, now: Instant) -> Option<PeerId> {
        let id = self.by_addr.remove(&addr)?;
        let a = self.by_id.get_mut(&id)?;
        if a.pending.is_some_and(|(p, _)| p != addr) {
            return Some(id);
        }
        a.pending = None;
        a.last_error = Some(error.to_string());
        a.next += 1;
        if a.next >= a.addrs.len() && a.heard_only {
            self.by_id.remove(&id);
        } else if a.next >= a.addrs.len() {
            a.next = 0;
            a.unreachable = true;
            a.rounds += 1;
            a.next_try = Some(now + PEX_RETRY);
        } else {
            a.next_try = Some(now);
        }
        Some(id)
    }

    /// `id` is connected: nothing more to try.
    pub fn connected(&mut self, id: &PeerId) {
        if let Some(a) = self.by_id.remove(id) {
            for addr in a.addrs {
                if self.by_addr.get(&addr) == Some(id) {
                    self.by_addr.remove(&addr);
                }
            }
        }
    }

    /// A connection to `addr` that we dialed reached `id` (maybe not the peer expected).
    pub fn reached(&mut self, addr: SocketAddr, id: &PeerId, now: Instant) {
        if let Some(expected) = self.by_addr.get(&addr).copied() {
            if expected != *id {
                self.failed(addr, "another peer answered at this address", now);
            }
        }
    }

    /// `id` was connected and went away: try it again soon at the addresses known.
    pub fn lost(&mut self, id: PeerId, addr: SocketAddr, now: Instant) {
        self.offer(id, &[addr], now);
        if let Some(a) = self.by_id.get_mut(&id) {
            if a.pending.is_none() {
                a.next_try = Some(now + Duration::from_secs(1));
            }
        }
    }

    /// True while a dial to `id` is under way.
    pub fn is_dialing(&self, id: &PeerId) -> bool {
        self.by_id.get(id).is_some_and(|a| a.pending.is_some())
    }

    pub fn get(&self, id: &PeerId) -> Option<&Attempt> {
        self.by_id.get(id)
    }

    pub fn iter(&self) -> impl Iterator<Item = (&PeerId, &Attempt)> {
        self.by_id.iter()
    }

    pub fn remove(&mut self, id: &PeerId) {
        self.connected(id);
    }

    /// Peers whose last `rounds` or more rounds all failed.
    pub fn given_up(&self, rounds: u32) -> Vec<PeerId> {
        self.by_id
            .iter()
            .filter(|(_, a)| a.rounds >= rounds && a.pending.is_none())
            .map(|(id, _)| *id)
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tries_each_address_in_turn_then_waits_for_the_retry() {
        let t0 = Instant::now();
        let mut d = Dialer::default();
        let id = PeerId([1; 32]);
        let a1: SocketAddr = "10.0.0.1:1".parse().unwrap();
        let a2: SocketAddr = "10.0.1.1:1".parse().unwrap();
        d.offer(id, &[a1, a2], t0);
        assert_eq!(d.due(t0), vec![(id, a1)]);
        assert!(d.due(t0).is_empty(), "one dial at a time");
        assert_eq!(d.failed(a1, "refused", t0), Some(id));
        assert_eq!(d.due(t0), vec![(id, a2)]);
        d.failed(a2, "timed out", t0);
        assert!(d.get(&id).unwrap().unreachable);
        assert!(d.due(t0 + Duration::from_secs(1)).is_empty());
        assert_eq!(d.due(t0 + PEX_RETRY), vec![(id, a1)]);
        d.connected(&id);
        assert!(d.get(&id).is_none());
    }

    /// A dialer whose one round for peer `[n; 32]` at its old address (10.0.0.1:1) failed;
    /// the peer's new address (10.0.0.1:2) and the start.
    fn unreachable_on_its_old_address(n: u8) -> (Dialer, PeerId, SocketAddr, SocketAddr, Instant) {
        let t0 = Instant::now();
        let mut d = Dialer::default();
        let id = PeerId([n; 32]);
        let old: SocketAddr = "10.0.0.1:1".parse().unwrap();
        let new: SocketAddr = "10.0.0.1:2".parse().unwrap();
        d.offer(id, &[old], t0);
        assert_eq!(d.due(t0), vec![(id, old)]);
        d.failed(old, "refused", t0);
        (d, id, old, new, t0)
    }

    #[test]
    fn a_new_address_for_an_unreachable_peer_starts_a_round_from_it() {
        let (mut d, id, _old, new, t0) = unreachable_on_its_old_address(3);
        assert!(d.get(&id).unwrap().unreachable);
        // Back on a new port (a restart): reachable until that address fails too.
        let later = t0 + Duration::from_millis(500);
        d.offer(id, &[new], later);
        assert!(!d.get(&id).unwrap().unreachable);
        assert_eq!(d.due(later), vec![(id, new)]);
        d.failed(new, "refused", later);
        assert!(d.get(&id).unwrap().unreachable);
    }

    /// Seen in a trial: a peer restarted on a new port while a retry of its old address was
    /// under way was reported "reachable via" a relay for a moment, then connected directly.
    #[test]
    fn a_new_address_during_a_retry_of_the_old_one_is_not_unreachable() {
        let (mut d, id, old, new, t0) = unreachable_on_its_old_address(4);
        assert!(d.get(&id).unwrap().unreachable);
        // The retry of the old address is under way when the new one is learnt.
        let retry = t0 + PEX_RETRY;
        assert_eq!(d.due(retry), vec![(id, old)]);
        d.offer(id, &[new], retry);
        assert!(!d.get(&id).unwrap().unreachable);
        d.failed(old, "refused", retry);
        assert!(
            !d.get(&id).unwrap().unreachable,
            "the new address is not tried yet"
        );
        assert_eq!(d.due(retry), vec![(id, new)]);
        d.failed(new, "refused", retry);
        assert!(d.get(&id).unwrap().unreachable);
    }

    #[test]
    fn heard_on_a_new_address_it_is_not_unreachable_and_on_the_old_one_it_stays_so() {
        let (mut d, id, old, new, t0) = unreachable_on_its_old_address(5);
        d.heard(id, old, t0);
        assert!(
            d.get(&id).unwrap().unreachable,
            "the same address: no change"
        );
        d.heard(id, new, t0);
        assert!(!d.get(&id).unwrap().unreachable);
        assert_eq!(d.due(t0), vec![(id, new)]);
    }

    #[test]
    fn a_peer_heard_on_two_addresses_is_dialed_once_at_a_time_and_forgotten_on_failure() {
        let t0 = Instant::now();
        let mut d = Dialer::default();
        let id = PeerId([2; 32]);
        let v4: SocketAddr = "10.0.0.2:8080".parse().unwrap();
        let v6: SocketAddr = "[fe80::2%2]:8080".parse().unwrap();
        d.heard(id, v4, t0);
        assert_eq!(d.due(t0), vec![(id, v4)]);
        // Heard over IPv6 while the IPv4 dial is under way: no second, racing dial.
        d.heard(id, v6, t0);
        assert!(d.due(t0).is_empty());
        assert!(d.is_dialing(&id));
        d.failed(v4, "refused", t0);
        // Known only from announcements: forgotten; the next one offers it again.
        assert!(d.get(&id).is_none());
        d.heard(id, v6, t0);
        assert_eq!(d.due(t0), vec![(id, v6)]);
    }
}
