//! Who relays for whom: the authors this node asked each of its peers to carry (`asked`), and
//! the authors each peer asked this node to carry for it (`serving`), bounded by
//! MAX_RELAY_ROUTES pairs each way.

use crate::limits::MAX_RELAY_ROUTES;
use crate::wire::PeerId;
use std::collections::HashMap;

#[derive(Debug, Default)]
pub struct Routes {
    /// relay → the authors we asked it to carry (sorted).
    asked: HashMap<PeerId, Vec<PeerId>>,
    /// asker → the authors it asked us to carry (sorted).
    serving: HashMap<PeerId, Vec<PeerId>>,
    /// relay → the authors it confirmed it carries (of those asked; sorted).
    confirmed: HashMap<PeerId, Vec<PeerId>>,
}

impl Routes {
    /// What we asked `relay` for.
    pub fn asked(&self, relay: &PeerId) -> &[PeerId] {
        self.asked.get(relay).map(Vec::as_slice).unwrap_or(&[])
    }

    /// Sets what we ask `relay` for; true if it changed (a `relay_want` must be sent).
    pub fn set_asked(&mut self, relay: PeerId, mut authors: Vec<PeerId>) -> bool {
        authors.sort();
        authors.dedup();
        if self.asked(&relay) == authors.as_slice() {
            return false;
        }
        if let Some(c) = self.confirmed.get_mut(&relay) {
            c.retain(|a| authors.binary_search(a).is_ok());
        }
        if authors.is_empty() {
            self.asked.remove(&relay);
        } else {
            self.asked.insert(relay, authors);
        }
        true
    }

    /// `relay` says which of the authors we asked it carries now.
    pub fn set_confirmed(&mut self, relay: PeerId, mut authors: Vec<PeerId>) {
        let asked = self.asked(&relay).to_vec();
        authors.retain(|a| asked.binary_search(a).is_ok());
        authors.sort();
        authors.dedup();
        if authors.is_empty() {
            self.confirmed.remove(&relay);
        } else {
            self.confirmed.insert(relay, authors);
        }
    }

    /// What `asker` asked us for.
    pub fn serving(&self, asker: &PeerId) -> &[PeerId] {
        self.serving.get(asker).map(Vec::as_slice).unwrap_or(&[])
    }

    /// The relay that carries `author` to us (asked, and confirmed by it).
    pub fn via(&self, author: &PeerId) -> Option<PeerId> {
        let mut relays: Vec<&PeerId> = self
            .confirmed
            .iter()
            .filter(|(_, a)| a.binary_search(author).is_ok())
            .map(|(r, _)| r)
            .collect();
        relays.sort();
        relays.first().map(|r| **r)
    }

    /// Every author reached through a relay (confirmed).
    pub fn relayed(&self) -> Vec<PeerId> {
        let mut out: Vec<PeerId> = self.confirmed.values().flatten().copied().collect();
        out.sort();
        out.dedup();
        out
    }

    /// `asker` asks us to carry `authors` (replacing what it asked before); the list is cut
    /// so that the total stays within MAX_RELAY_ROUTES.
    pub fn set_serving(&mut self, asker: PeerId, mut authors: Vec<PeerId>) {
        authors.sort();
        authors.dedup();
        authors.retain(|a| *a != asker);
        self.serving.remove(&asker);
        let used: usize = self.serving.values().map(Vec::len).sum();
        authors.truncate(MAX_RELAY_ROUTES.saturating_sub(used));
        if !authors.is_empty() {
            self.serving.insert(asker, authors);
        }
    }

    /// The peers that asked us to carry `author`'s messages.
    pub fn askers_of(&self, author: &PeerId) -> Vec<PeerId> {
        let mut out: Vec<PeerId> = self
            .serving
            .iter()
            .filter(|(_, a)| a.binary_search(author).is_ok())
            .map(|(p, _)| *p)
            .collect();
        out.sort();
        out
    }

    /// `peer` is gone: it relays nothing for us and we relay nothing for it.
    pub fn forget(&mut self, peer: &PeerId) -> bool {
        self.serving.remove(peer);
        self.confirmed.remove(peer);
        self.asked.remove(peer).is_some()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn routes_are_set_replaced_and_bounded() {
        let (a, b, c) = (PeerId([1; 32]), PeerId([2; 32]), PeerId([3; 32]));
        let mut r = Routes::default();
        assert!(r.set_asked(b, vec![a]));
        assert!(!r.set_asked(b, vec![a]));
        assert_eq!(r.via(&a), None, "not before b confirms");
        r.set_confirmed(b, vec![a, c]);
        assert_eq!(r.via(&a), Some(b));
        assert_eq!(r.via(&c), None, "only what was asked");
        r.set_serving(c, vec![a, c]);
        assert_eq!(r.askers_of(&a), vec![c]);
        assert!(r.askers_of(&c).is_empty(), "never relay a peer to itself");
        let many: Vec<PeerId> = (0..=255u8)
            .flat_map(|x| {
                (0..8u8).map(move |y| {
                    PeerId([
                        x, y, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
                        0, 0, 0, 0, 0, 0, 9,
                    ])
                })
            })
            .collect();
        r.set_serving(b, many);
        let total: usize = r.serving.values().map(Vec::len).sum();
        assert_eq!(total, MAX_RELAY_ROUTES);
        assert!(r.forget(&b));
        assert_eq!(r.via(&a), None);
    }
}
