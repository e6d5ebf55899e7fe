//! Why a peer record was refused: one clear line each.

use crate::wire::PeerId;

/// A refused peer record or `peers` frame. `Display` is one line meant for people.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PexError {
    #[error("peer record: malformed: {0}")]
    Malformed(String),
    #[error("peer record for {} has a bad signature", .0.fingerprint())]
    BadSignature(PeerId),
    #[error("peer record for {} is stale ({age_s} s old)", .id.fingerprint())]
    Stale { id: PeerId, age_s: i64 },
    #[error("peer record for {} is dated in the future", .0.fingerprint())]
    Future(PeerId),
    #[error("peer record for {} lists {n} addresses; at most {max} are allowed", .id.fingerprint())]
    TooManyAddrs { id: PeerId, n: usize, max: usize },
    #[error("peer record for {} speaks protocol version {version}", .id.fingerprint())]
    Version { id: PeerId, version: u32 },
    #[error("peers frame carries {n} records; at most {max} are allowed")]
    TooManyRecords { n: usize, max: usize },
    #[error("peers frame: {dropped} records over the rate limit dropped")]
    RateLimited { dropped: usize },
}
