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

impl MessageId {
    /// Parses `"<author hex>:<seq>"`.
    pub fn parse(s: &str) -> Option<MessageId> {
        let (author, seq) = s.split_once(':')?;
        Some(MessageId {
            author: PeerId::from_hex(author)?,
            seq: seq.parse().ok()?,
        })
    }
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

/// A short code derived from two peers' public keys, the same whichever side computes it:
/// SHA-256 of `p2pchat-tui/v1/safety`, a zero byte, then the two keys in ascending order;
/// the first 20 bytes read as four big-endian 40-bit numbers, each taken mod 100000 and
/// written as five digits, separated by spaces (`12345 67890 13579 24680`).
pub fn safety_code(a: &PeerId, b: &PeerId) -> String {
    use sha2::{Digest, Sha256};
    let (lo, hi) = if a.0 <= b.0 { (a, b) } else { (b, a) };
    let mut h = Sha256::new();
    h.update(b"p2pchat-tui/v1/safety\0");
    h.update(lo.0);
    h.update(hi.0);
    let digest = h.finalize();
    digest[..20]
        .chunks(5)
        .map(|c| {
            let n = c.iter().fold(0u64, |acc, &b| (acc << 8) | u64::from(b));
            format!("{:05}", n % 100_000)
        })
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod safety_tests {
    use super::*;

    #[test]
    fn safety_code_is_symmetric_and_depends_on_both_keys() {
        let (a, b, c) = (PeerId([1; 32]), PeerId([2; 32]), PeerId([3; 32]));
        let code = safety_code(&a, &b);
        assert_eq!(code, safety_code(&b, &a));
        assert_ne!(code, safety_code(&a, &c));
        assert_eq!(code.len(), 23);
        assert!(code
            .split(' ')
            .all(|g| g.len() == 5 && g.chars().all(|c| c.is_ascii_digit())));
    }
}
