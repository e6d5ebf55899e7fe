//! Who may take a peer slot, a handshake slot or a dial: the keys known from earlier runs or
//! trusted (for the reserved peer slots), new identities per source address, and the budget
//! of dials that discovery announcements may cause. Owns its state; time comes in.
//!
//! Loopback addresses are exempt from the per-address limits (the total ones still apply):
//! every process on this host shares them, so a per-address limit there would only stop a
//! group of peers on one machine, and could not tell an honest local peer from a hostile one.

use super::rate::TokenBucket;
use crate::limits::Limits;
use crate::wire::PeerId;
use std::collections::{HashMap, HashSet};
use std::net::IpAddr;
use std::time::{Duration, Instant};

/// The window over which NEW_IDS_PER_ADDR is counted.
pub const NEW_ID_WINDOW: Duration = Duration::from_secs(60);
/// MAX_TRACKED_ADDRS: most source or announced addresses with a counter or dial budget; past
/// it the oldest counters are dropped (a dropped one starts afresh).
pub const MAX_TRACKED_ADDRS: usize = 1024;

/// New identities seen from one address in the current window.
#[derive(Clone, Debug)]
struct NewIds {
    since: Instant,
    ids: Vec<PeerId>,
}

/// Admission state. See the module docs.
#[derive(Debug)]
pub struct Admission {
    /// Keys the runtime says are known (seen in earlier runs, or trusted): they may use the
    /// reserved peer slots and are never counted as new identities.
    known: HashSet<PeerId>,
    new_ids: HashMap<IpAddr, NewIds>,
    dials: TokenBucket,
    dials_to: HashMap<IpAddr, TokenBucket>,
}

impl Admission {
    pub fn new(known: impl IntoIterator<Item = PeerId>, limits: &Limits, now: Instant) -> Self {
        let rate = limits.discovery_dials_per_sec;
        let mut known: HashSet<PeerId> = known.into_iter().collect();
        if known.len() > crate::limits::MAX_KNOWN_KEYS {
            known = known
                .into_iter()
                .take(crate::limits::MAX_KNOWN_KEYS)
                .collect();
        }
        Admission {
            known,
            new_ids: HashMap::new(),
            dials: TokenBucket::new(rate, 2 * rate, now),
            dials_to: HashMap::new(),
        }
    }

    pub fn is_known(&self, id: &PeerId) -> bool {
        self.known.contains(id)
    }

    /// The runtime says `id` is known now (the user trusted it). Bounded like the known-keys
    /// table: past MAX_KNOWN_KEYS nothing more is added.
    pub fn learn(&mut self, id: PeerId) {
        if self.known.len() < crate::limits::MAX_KNOWN_KEYS {
            self.known.insert(id);
        }
    }

    /// A handshake from `ip` claims `id`. True if it may go on: the key is known, or was
    /// already counted in this window, or `ip` has had fewer than `limit` new keys this window.
    pub fn allow_new_id(&mut self, ip: IpAddr, id: PeerId, limit: u32, now: Instant) -> bool {
        if self.known.contains(&id) || ip.is_loopback() {
            return true;
        }
        if !self.new_ids.contains_key(&ip) && self.new_ids.len() >= MAX_TRACKED_ADDRS {
            self.new_ids
                .retain(|_, n| now.saturating_duration_since(n.since) < NEW_ID_WINDOW);
            if self.new_ids.len() >= MAX_TRACKED_ADDRS {
                self.new_ids.clear();
            }
        }
        let entry = self.new_ids.entry(ip).or_insert(NewIds {
            since: now,
            ids: Vec::new(),
        });
        if now.saturating_duration_since(entry.since) >= NEW_ID_WINDOW {
            entry.since = now;
            entry.ids.clear();
        }
        if entry.ids.contains(&id) {
            return true;
        }
        if entry.ids.len() >= limit as usize {
            return false;
        }
        entry.ids.push(id);
        true
    }

    /// An announcement asks for a dial to `ip`. True if both the total and that address's
    /// budgets have a token (then one of each is spent). Loopback has only the total budget.
    pub fn allow_discovery_dial(&mut self, ip: IpAddr, limits: &Limits, now: Instant) -> bool {
        if ip.is_loopback() {
            return self.dials.try_take(now);
        }
        if !self.dials_to.contains_key(&ip) && self.dials_to.len() >= MAX_TRACKED_ADDRS {
            self.dials_to.clear();
        }
        let rate = limits.discovery_dials_per_addr;
        let to = self
            .dials_to
            .entry(ip)
            .or_insert_with(|| TokenBucket::new(rate, 2 * rate, now));
        to.try_take(now) && self.dials.try_take(now)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn new_identities_per_address_are_limited_per_minute_and_known_keys_are_not_counted() {
        let t0 = Instant::now();
        let limits = Limits::default();
        let mut a = Admission::new([PeerId([1; 32])], &limits, t0);
        let ip: IpAddr = "10.0.0.9".parse().unwrap();
        let other: IpAddr = "10.0.0.10".parse().unwrap();
        for n in 0..3u8 {
            assert!(a.allow_new_id(ip, PeerId([100 + n; 32]), 3, t0));
        }
        assert!(!a.allow_new_id(ip, PeerId([200; 32]), 3, t0));
        // The same new key again, a known key, and another address are fine.
        assert!(a.allow_new_id(ip, PeerId([100; 32]), 3, t0));
        assert!(a.allow_new_id(ip, PeerId([1; 32]), 3, t0));
        assert!(a.allow_new_id(other, PeerId([200; 32]), 3, t0));
        // A minute later the address may bring new keys again.
        assert!(a.allow_new_id(ip, PeerId([201; 32]), 3, t0 + NEW_ID_WINDOW));
        // Loopback is not limited per address.
        let lo: IpAddr = "127.0.0.1".parse().unwrap();
        assert!((0..10u8).all(|n| a.allow_new_id(lo, PeerId([50 + n; 32]), 3, t0)));
    }

    #[test]
    fn discovery_dials_are_budgeted_in_total_and_per_address() {
        let t0 = Instant::now();
        let limits = Limits::default();
        let mut a = Admission::new([], &limits, t0);
        let one: IpAddr = "10.0.0.9".parse().unwrap();
        let per_addr = (2 * limits.discovery_dials_per_addr) as usize;
        let burst = (0..100)
            .filter(|_| a.allow_discovery_dial(one, &limits, t0))
            .count();
        assert_eq!(burst, per_addr);
        let total = (0..1000u32)
            .filter(|i| {
                let ip = IpAddr::from([10, 1, (i >> 8) as u8, *i as u8]);
                a.allow_discovery_dial(ip, &limits, t0)
            })
            .count();
        assert_eq!(
            per_addr + total,
            2 * limits.discovery_dials_per_sec as usize
        );
    }
}
