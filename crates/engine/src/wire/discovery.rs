//! Discovery datagrams: a small JSON announcement broadcast over UDP.

use super::ids::PeerId;
use serde::{Deserialize, Serialize};

/// The value of the `app` field; datagrams without it are ignored.
pub const APP_TAG: &str = "p2pchat-tui";

/// "I am here": who, under what name, and on which TCP port to reach me.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Announce {
    pub app: String,
    pub version: u32,
    pub id: PeerId,
    pub name: String,
    pub port: u16,
}

impl Announce {
    pub fn new(id: PeerId, name: &str, port: u16, version: u32) -> Announce {
        Announce {
            app: APP_TAG.to_string(),
            version,
            id,
            name: name.to_string(),
            port,
        }
    }

    pub fn encode(&self) -> Vec<u8> {
        serde_json::to_vec(self).expect("plain data serialises")
    }

    /// Parses a datagram; `None` for anything that is not a well-formed announcement of ours.
    pub fn decode(bytes: &[u8], max_len: usize) -> Option<Announce> {
        if bytes.len() > max_len {
            return None;
        }
        let a: Announce = serde_json::from_slice(bytes).ok()?;
        (a.app == APP_TAG && a.port != 0).then_some(a)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_rejects() {
        let a = Announce::new(PeerId([9; 32]), "Ann", 8080, 1);
        assert_eq!(Announce::decode(&a.encode(), 1024), Some(a.clone()));
        assert_eq!(Announce::decode(b"garbage", 1024), None);
        assert_eq!(Announce::decode(&a.encode(), 10), None);
        let mut other = a.clone();
        other.app = "other".into();
        assert_eq!(Announce::decode(&other.encode(), 1024), None);
    }
}
