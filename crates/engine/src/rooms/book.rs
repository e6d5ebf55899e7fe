//! The membership table: the rooms we are in, and the rooms each connected peer announced.
//!
//! A peer that never sent a `rooms` frame (an older version) counts as in `#general` only.
//! A peer's entry is replaced whole by each `rooms` frame and dropped when it goes offline, so
//! after a partition heals the frames sent on connect make every table agree again.

use super::error::RoomError;
use super::name::RoomName;
use crate::limits::{MAX_ROOMS_KNOWN, MAX_ROOMS_PER_PEER};
use crate::wire::PeerId;
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// One room as listed by `/rooms`: its members (us included when we are in it).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RoomCount {
    pub room: RoomName,
    pub members: usize,
    pub joined: bool,
}

#[derive(Clone, Debug)]
pub struct RoomBook {
    mine: BTreeSet<RoomName>,
    peers: HashMap<PeerId, BTreeSet<RoomName>>,
}

impl RoomBook {
    /// Our rooms from the last run (invalid names skipped); `#general` when there are none.
    pub fn new(saved: &[String]) -> RoomBook {
        let mut mine: BTreeSet<RoomName> = saved
            .iter()
            .filter_map(|r| RoomName::parse(r).ok())
            .take(MAX_ROOMS_PER_PEER)
            .collect();
        if mine.is_empty() {
            mine.insert(RoomName::general());
        }
        RoomBook {
            mine,
            peers: HashMap::new(),
        }
    }

    pub fn mine(&self) -> impl Iterator<Item = &RoomName> {
        self.mine.iter()
    }

    pub fn is_mine(&self, room: &RoomName) -> bool {
        self.mine.contains(room)
    }

    /// Joins `room`; an error if already in it or at the limit.
    pub fn join(&mut self, room: RoomName) -> Result<(), RoomError> {
        if self.mine.contains(&room) {
            return Err(RoomError::AlreadyIn(room));
        }
        if self.mine.len() >= MAX_ROOMS_PER_PEER {
            return Err(RoomError::TooManyRooms);
        }
        self.mine.insert(room);
        Ok(())
    }

    pub fn part(&mut self, room: &RoomName) -> Result<(), RoomError> {
        if !self.mine.remove(room) {
            return Err(RoomError::NotIn(room.clone()));
        }
        Ok(())
    }

    /// Replaces `peer`'s rooms with its announced list. A list over MAX_ROOMS_PER_PEER or
    /// with an invalid name is refused whole (the old entry stays). Rooms new to the table
    /// are taken while fewer than MAX_ROOMS_KNOWN are known; the rest are left out.
    pub fn set_peer(&mut self, peer: PeerId, names: &[String]) -> Result<(), RoomError> {
        if names.len() > MAX_ROOMS_PER_PEER {
            return Err(RoomError::ListTooLong(names.len()));
        }
        let rooms = names
            .iter()
            .map(|n| RoomName::parse(n))
            .collect::<Result<BTreeSet<_>, _>>()?;
        self.peers.remove(&peer);
        let mut known = self.known_set();
        let mut kept = BTreeSet::new();
        for room in rooms {
            if known.contains(&room) || known.len() < MAX_ROOMS_KNOWN {
                known.insert(room.clone());
                kept.insert(room);
            }
        }
        self.peers.insert(peer, kept);
        Ok(())
    }

    pub fn peer_gone(&mut self, peer: &PeerId) {
        self.peers.remove(peer);
    }

    /// Whether `peer` is in `room` (a peer that announced nothing is in `#general` only).
    pub fn is_member(&self, peer: &PeerId, room: &RoomName) -> bool {
        match self.peers.get(peer) {
            Some(rooms) => rooms.contains(room),
            None => room.is_general(),
        }
    }

    fn known_set(&self) -> BTreeSet<RoomName> {
        let mut known: BTreeSet<RoomName> = self.mine.clone();
        for rooms in self.peers.values() {
            known.extend(rooms.iter().cloned());
        }
        known
    }

    /// Every room known (ours and the connected peers'), by name, with member counts;
    /// `connected` are the peers online now (those without an entry count for `#general`).
    pub fn counts<'a>(&self, connected: impl Iterator<Item = &'a PeerId>) -> Vec<RoomCount> {
        let mut members: BTreeMap<RoomName, usize> = BTreeMap::new();
        for room in &self.mine {
            *members.entry(room.clone()).or_default() += 1;
        }
        for peer in connected {
            match self.peers.get(peer) {
                Some(rooms) => {
                    for room in rooms {
                        *members.entry(room.clone()).or_default() += 1;
                    }
                }
                None => *members.entry(RoomName::general()).or_default() += 1,
            }
        }
        members
            .into_iter()
            .map(|(room, members)| RoomCount {
                joined: self.mine.contains(&room),
                room,
                members,
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn peer(n: u8) -> PeerId {
        PeerId([n; 32])
    }

    fn room(n: &str) -> RoomName {
        RoomName::parse(n).unwrap()
    }

    #[test]
    fn silent_peers_are_in_general_and_lists_replace_whole() {
        let mut book = RoomBook::new(&[]);
        assert!(book.is_mine(&RoomName::general()));
        assert!(book.is_member(&peer(1), &RoomName::general()));
        book.set_peer(peer(1), &["#dev".into()]).unwrap();
        assert!(!book.is_member(&peer(1), &RoomName::general()));
        assert!(book.is_member(&peer(1), &room("#dev")));
        assert!(book.set_peer(peer(1), &["#Bad".into()]).is_err());
        assert!(
            book.is_member(&peer(1), &room("#dev")),
            "refused list keeps the old"
        );
        let counts = book.counts([peer(1), peer(2)].iter());
        assert_eq!(
            counts
                .iter()
                .map(|c| (c.room.as_str(), c.members, c.joined))
                .collect::<Vec<_>>(),
            vec![("#dev", 1, false), ("#general", 2, true)]
        );
    }

    #[test]
    fn the_tables_are_bounded() {
        let mut book = RoomBook::new(&[]);
        let too_many: Vec<String> = (0..=MAX_ROOMS_PER_PEER).map(|i| format!("#r{i}")).collect();
        assert_eq!(
            book.set_peer(peer(1), &too_many),
            Err(RoomError::ListTooLong(MAX_ROOMS_PER_PEER + 1))
        );
        for p in 0..=(MAX_ROOMS_KNOWN / MAX_ROOMS_PER_PEER) as u8 {
            let list: Vec<String> = (0..MAX_ROOMS_PER_PEER)
                .map(|i| format!("#p{p}-{i}"))
                .collect();
            book.set_peer(peer(p), &list).unwrap();
        }
        let known = book.counts(std::iter::empty()).len();
        assert!(book.known_set().len() <= MAX_ROOMS_KNOWN, "{known}");
        for i in 0..MAX_ROOMS_PER_PEER - 1 {
            book.join(room(&format!("#m{i}"))).unwrap();
        }
        assert_eq!(book.join(room("#one-more")), Err(RoomError::TooManyRooms));
    }
}
