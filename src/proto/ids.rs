//! Identifier newtypes: `PeerId` (an Ed25519 public key), `MessageId`, `ProposalId`.

use serde::{Deserialize, Serialize};
use std::fmt;

/// A peer's identity: its Ed25519 public key. Written as 64 lowercase hex characters.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct PeerId(pub [u8; 32]);

impl PeerId {
    /// Parses 64 hex characters (either case; always written lowercase).
    pub fn from_hex(s: &str) -> Option<PeerId> {
        if s.len() != 64 {
            return None;
        }
        let mut out = [0u8; 32];
        hex::decode_to_slice(s, &mut out).ok()?;
        Some(PeerId(out))
    }

    pub fn to_hex(&self) -> String {
        hex::encode(self.0)
    }

    /// The short form shown to people: the first 8 hex digits as `abcd:ef01`.
    pub fn fingerprint(&self) -> String {
        let h = hex::encode(&self.0[..4]);
        format!("{}:{}", &h[..4], &h[4..])
    }
}

impl fmt::Display for PeerId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_hex())
    }
}

impl fmt::Debug for PeerId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PeerId({})", self.fingerprint())
    }
}

impl Serialize for PeerId {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.to_hex())
    }
}

impl<'de> Deserialize<'de> for PeerId {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        PeerId::from_hex(&s)
            .ok_or_else(|| serde::de::Error::custom("peer id must be 64 hex digits"))
    }
}

/// A message's id: its author and the author's sequence number, written `"<author hex>:<seq>"`.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub struct MessageId {
    pub author: PeerId,
    pub seq: u64,
}

impl fmt::Display for MessageId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.author, self.seq)
    }
}

/// A proposal's id: lowercase hex of the first 16 bytes of SHA-256 over its signed bytes.
#[derive(Clone, PartialEq, Eq, Hash, Debug, PartialOrd, Ord, Serialize, Deserialize)]
pub struct ProposalId(pub String);

impl fmt::Display for ProposalId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn peer_id_hex_round_trip() {
        let id = PeerId([0xab; 32]);
        assert_eq!(PeerId::from_hex(&id.to_hex()), Some(id));
        assert_eq!(id.fingerprint(), "abab:abab");
        assert_eq!(PeerId::from_hex("abc"), None);
        assert_eq!(PeerId::from_hex(&"zz".repeat(32)), None);
    }

    #[test]
    fn peer_id_serde_is_a_hex_string() {
        let id = PeerId([1; 32]);
        let json = serde_json::to_string(&id).unwrap();
        assert_eq!(json, format!("\"{}\"", "01".repeat(32)));
        assert_eq!(serde_json::from_str::<PeerId>(&json).unwrap(), id);
        assert!(serde_json::from_str::<PeerId>("\"00\"").is_err());
    }
}
