//! What discovery heard, from whom and when, for `/net` (bounded by MAX_HEARD).

use crate::limits::MAX_HEARD;
use crate::wire::PeerId;
use std::collections::HashMap;
use std::net::IpAddr;

/// The last announcement heard from one id.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Heard {
    pub name: String,
    pub from: IpAddr,
    pub port: u16,
    pub version: u32,
    /// Unix milliseconds.
    pub at_ms: i64,
}

/// The newest announcement per id; the oldest is forgotten past MAX_HEARD.
#[derive(Debug, Default)]
pub struct HeardTable {
    heard: HashMap<PeerId, Heard>,
}

impl HeardTable {
    pub fn note(&mut self, id: PeerId, heard: Heard) {
        if !self.heard.contains_key(&id) && self.heard.len() >= MAX_HEARD {
            if let Some(oldest) = self
                .heard
                .iter()
                .min_by_key(|(_, h)| h.at_ms)
                .map(|(id, _)| *id)
            {
                self.heard.remove(&oldest);
            }
        }
        self.heard.insert(id, heard);
    }

    pub fn get(&self, id: &PeerId) -> Option<&Heard> {
        self.heard.get(id)
    }

    pub fn iter(&self) -> impl Iterator<Item = (&PeerId, &Heard)> {
        self.heard.iter()
    }
}
