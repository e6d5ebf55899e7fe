//! A bounded buffer of verified votes whose proposal has not arrived yet.

use super::content::CheckedVote;
use super::{MAX_PENDING_VOTES, PENDING_VOTE_TTL_MS};
use crate::wire::ProposalId;

/// Votes waiting for their proposal, oldest first. At most [`MAX_PENDING_VOTES`]; each waits
/// at most [`PENDING_VOTE_TTL_MS`] of the caller's time.
#[derive(Debug, Default)]
pub(crate) struct PendingVotes {
    votes: Vec<(i64, CheckedVote)>,
}

impl PendingVotes {
    /// Holds `vote`, received at `now_ms`. Returns false (and holds nothing) when the buffer
    /// is full. An identical vote already held is not held twice.
    pub fn push(&mut self, vote: CheckedVote, now_ms: i64) -> bool {
        if self.holds(&vote.signed) {
            return true;
        }
        if self.is_full() {
            return false;
        }
        self.votes.push((now_ms, vote));
        true
    }

    /// Whether exactly this signed vote is held.
    pub fn holds(&self, signed: &crate::wire::SignedPayload) -> bool {
        self.votes.iter().any(|(_, v)| v.signed == *signed)
    }

    /// Removes and returns the votes for `id`, in arrival order.
    pub fn take(&mut self, id: &ProposalId) -> Vec<CheckedVote> {
        let (hit, keep): (Vec<_>, Vec<_>) = std::mem::take(&mut self.votes)
            .into_iter()
            .partition(|(_, v)| &v.content.proposal_id == id);
        self.votes = keep;
        hit.into_iter().map(|(_, v)| v).collect()
    }

    /// Removes and returns the votes that have waited [`PENDING_VOTE_TTL_MS`] or longer.
    pub fn expire(&mut self, now_ms: i64) -> Vec<CheckedVote> {
        let (old, keep): (Vec<_>, Vec<_>) = std::mem::take(&mut self.votes)
            .into_iter()
            .partition(|(at, _)| now_ms.saturating_sub(*at) >= PENDING_VOTE_TTL_MS);
        self.votes = keep;
        old.into_iter().map(|(_, v)| v).collect()
    }

    /// When the oldest held vote will be dropped, if any is held.
    pub fn next_deadline(&self) -> Option<i64> {
        self.votes
            .iter()
            .map(|(at, _)| at.saturating_add(PENDING_VOTE_TTL_MS))
            .min()
    }

    pub fn is_full(&self) -> bool {
        self.votes.len() >= MAX_PENDING_VOTES
    }

    pub fn len(&self) -> usize {
        self.votes.len()
    }
}
