//! Threshold voting on secure-only mode: signed proposals, signed votes, tallies over distinct
//! keys, certificates, and state sync, as a pure state machine ([`VotingBook`]).
//!
//! Nothing here does I/O, reads a clock or draws randomness: time comes in as Unix
//! milliseconds and every effect goes out as a [`VotingEvent`]. docs/VOTING.md describes the
//! rules and the wire formats this module implements.

mod apply;
mod book;
mod certificate;
mod content;
mod error;
mod event;
mod legit;
mod pending;
mod sync;
mod tally;

#[cfg(test)]
mod tests;

pub use book::VotingBook;
pub use certificate::{verify_certificate, VerifiedCertificate};
pub use content::{proposal_id, ProposalContent, VoteContent};
pub use error::{CertError, VoteError};
pub use event::{ProposalView, VotingEvent};
pub use legit::{GroupView, ELECTORATE_GRACE_MS};
pub use tally::{default_threshold, Outcome, Tally};

/// Longest proposal description, in characters.
pub const MAX_DESCRIPTION_CHARS: usize = 200;
/// Largest electorate a proposal may name.
pub const MAX_ELECTORATE: usize = 256;
/// How long a proposal stays open unless the proposer chose otherwise (5 minutes).
pub const DEFAULT_TTL_MS: i64 = 5 * 60 * 1000;
/// Longest lifetime a proposal may ask for (24 hours).
pub const MAX_TTL_MS: i64 = 24 * 60 * 60 * 1000;
/// Most proposals open at once; further ones are refused until some close.
pub const MAX_OPEN_PROPOSALS: usize = 32;
/// Most proposals one proposer may have open at once, so that one identity cannot take every
/// slot of [`MAX_OPEN_PROPOSALS`].
pub const MAX_OPEN_PER_PROPOSER: usize = 2;
/// Most open proposals one `sync` frame may carry (a larger sync is refused unread).
pub const MAX_SYNC_PROPOSALS: usize = MAX_OPEN_PROPOSALS;
/// Most votes one `sync` frame may carry (a larger sync is refused unread).
pub const MAX_SYNC_VOTES: usize = 128;
/// Most closed proposals remembered (to answer "already closed" and list outcomes).
pub const MAX_CLOSED_KEPT: usize = 128;
/// Most votes held while their proposal has not arrived yet.
pub const MAX_PENDING_VOTES: usize = 256;
/// How long a vote waits for its proposal before it is dropped as "unknown proposal".
pub const PENDING_VOTE_TTL_MS: i64 = 10_000;
