//! The records a node holds: the newest verified record per peer, who gave it, bounded by
//! MAX_PEX_RECORDS (the record with the oldest timestamp is forgotten first).

use super::record::PeerRecord;
use crate::limits::{MAX_PEX_RECORDS, PEX_RECORD_MAX_AGE};
use crate::wire::{PeerId, SignedPayload};
use std::collections::HashMap;
use std::net::IpAddr;

/// GIVERS_KEPT: how many peers that passed on a record are remembered (relay candidates).
const GIVERS_KEPT: usize = 4;

/// One peer as known from its record.
#[derive(Clone, Debug)]
pub struct Known {
    pub record: PeerRecord,
    /// The record as signed, to pass on byte for byte.
    pub signed: SignedPayload,
    /// The connected peers that gave it (newest last), and the address of the connection it
    /// came over (which addresses are usable depends on it).
    pub givers: Vec<PeerId>,
    pub via_ip: IpAddr,
}

/// The newest record per peer id.
#[derive(Debug, Default)]
pub struct PexTable {
    known: HashMap<PeerId, Known>,
}

impl PexTable {
    /// True if a record for `id` at least as new as `ts` is held (so a copy need not even be
    /// verified).
    pub fn has_as_new(&self, id: &PeerId, ts: i64) -> bool {
        self.known.get(id).is_some_and(|k| k.record.ts >= ts)
    }

    /// Notes that `giver` passed on the record of `id` we already hold.
    pub fn add_giver(&mut self, id: &PeerId, giver: PeerId) {
        if let Some(k) = self.known.get_mut(id) {
            add_giver(&mut k.givers, giver);
        }
    }

    /// Keeps a verified record (newer than any held for its id). True if it is news.
    pub fn insert(
        &mut self,
        record: PeerRecord,
        signed: SignedPayload,
        giver: PeerId,
        via_ip: IpAddr,
    ) -> bool {
        let id = record.id;
        if self.has_as_new(&id, record.ts) {
            self.add_giver(&id, giver);
            return false;
        }
        if !self.known.contains_key(&id) && self.known.len() >= MAX_PEX_RECORDS {
            if let Some(oldest) = self
                .known
                .iter()
                .min_by_key(|(_, k)| k.record.ts)
                .map(|(id, _)| *id)
            {
                self.known.remove(&oldest);
            }
        }
        let mut givers = self.known.remove(&id).map(|k| k.givers).unwrap_or_default();
        add_giver(&mut givers, giver);
        self.known.insert(
            id,
            Known {
                record,
                signed,
                givers,
                via_ip,
            },
        );
        true
    }

    pub fn get(&self, id: &PeerId) -> Option<&Known> {
        self.known.get(id)
    }

    pub fn iter(&self) -> impl Iterator<Item = (&PeerId, &Known)> {
        self.known.iter()
    }

    pub fn len(&self) -> usize {
        self.known.len()
    }

    pub fn is_empty(&self) -> bool {
        self.known.is_empty()
    }

    /// Forgets records that went stale; returns their ids.
    pub fn expire(&mut self, now_ms: i64) -> Vec<PeerId> {
        let cutoff = now_ms.saturating_sub(PEX_RECORD_MAX_AGE.as_millis() as i64);
        let stale: Vec<PeerId> = self
            .known
            .iter()
            .filter(|(_, k)| k.record.ts < cutoff)
            .map(|(id, _)| *id)
            .collect();
        for id in &stale {
            self.known.remove(id);
        }
        stale
    }

    /// A peer that gave records is gone: it is no longer a giver of anything.
    pub fn forget_giver(&mut self, giver: &PeerId) {
        for k in self.known.values_mut() {
            k.givers.retain(|g| g != giver);
        }
    }
}

fn add_giver(givers: &mut Vec<PeerId>, giver: PeerId) {
    givers.retain(|g| *g != giver);
    givers.push(giver);
    if givers.len() > GIVERS_KEPT {
        givers.remove(0);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::limits::PROTOCOL_VERSION;

    fn rec(n: u32, ts: i64) -> (PeerRecord, SignedPayload) {
        let mut id = [0u8; 32];
        id[..4].copy_from_slice(&n.to_be_bytes());
        let r = PeerRecord {
            id: PeerId(id),
            name: format!("p{n}"),
            version: PROTOCOL_VERSION,
            addrs: vec![],
            port: 1,
            ts,
        };
        let sp = SignedPayload::unsigned(&r);
        (r, sp)
    }

    #[test]
    fn the_table_is_bounded_and_keeps_the_newest_records() {
        let mut t = PexTable::default();
        let ip: IpAddr = "10.0.0.1".parse().unwrap();
        let g = PeerId([9; 32]);
        for n in 0..(MAX_PEX_RECORDS as u32 + 100) {
            let (r, sp) = rec(n, i64::from(n));
            assert!(t.insert(r, sp, g, ip));
        }
        assert_eq!(t.len(), MAX_PEX_RECORDS);
        // The oldest went first.
        assert!(t.get(&rec(0, 0).0.id).is_none());
        assert!(t.get(&rec(MAX_PEX_RECORDS as u32 + 99, 0).0.id).is_some());
        // An older copy is not news and does not replace the newer.
        let (r, sp) = rec(500, 1);
        assert!(!t.insert(r, sp, g, ip));
        assert_eq!(t.get(&rec(500, 0).0.id).unwrap().record.ts, 500);
    }
}
