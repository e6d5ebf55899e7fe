//! The receiver's legitimacy rule: whether a proposal or certificate from the network is a
//! credible decision of the group as this node sees it (docs/VOTING.md section 5.1).

use super::error::VoteError;
use super::tally::default_threshold;
use super::ProposalContent;
use crate::wire::PeerId;

/// ELECTORATE_GRACE_MS: a peer must have been connected to the receiver this long before a
/// proposal's `created_ts` to be required in its electorate (the proposer may not have seen a
/// connection younger than that, and the two clocks may differ a little).
pub const ELECTORATE_GRACE_MS: i64 = 30_000;

/// How the receiving node sees the group when a proposal or certificate arrives.
#[derive(Clone, Debug)]
pub struct GroupView {
    /// The receiver's clock, Unix milliseconds.
    pub now_ms: i64,
    /// Connected, handshake-proven peers and since when (receiver's clock, Unix ms) each has
    /// been connected.
    pub peers: Vec<(PeerId, i64)>,
    /// MAX_CLOCK_SKEW: how far ahead of `now_ms` a `created_ts` may be.
    pub max_skew_ms: i64,
}

impl GroupView {
    /// A node with no peers: only the clock-skew and majority rules can refuse anything.
    pub fn alone(now_ms: i64) -> GroupView {
        GroupView {
            now_ms,
            peers: Vec::new(),
            max_skew_ms: i64::MAX,
        }
    }

    /// Checks `content` (already signature-checked and valid) against the receiver's rule:
    ///
    /// 1. `created_ts` at most `max_skew_ms` ahead of the receiver's clock;
    /// 2. the threshold is a strict majority of the electorate;
    /// 3. an electorate of one is refused when the receiver is connected to anyone besides
    ///    the proposer;
    /// 4. every peer connected to the receiver since at least [`ELECTORATE_GRACE_MS`] before
    ///    `created_ts` (or before now, if that is earlier) is in the electorate, and so is the receiver itself when there is any
    ///    such peer (it was part of that group then).
    pub fn check(&self, me: &PeerId, content: &ProposalContent) -> Result<(), VoteError> {
        let ahead = content.created_ts.saturating_sub(self.now_ms);
        if ahead > self.max_skew_ms {
            return Err(VoteError::FromTheFuture {
                ahead_s: ahead / 1000,
                max_s: self.max_skew_ms / 1000,
            });
        }
        check_majority(content.threshold, content.n())?;
        let others = self.peers.iter().any(|(p, _)| *p != content.proposer);
        if content.n() == 1 && others {
            return Err(VoteError::LoneProposer);
        }
        // A proposal dated ahead was still made before it arrived.
        let made = content.created_ts.min(self.now_ms);
        let cutoff = made.saturating_sub(ELECTORATE_GRACE_MS);
        let mut required = self
            .peers
            .iter()
            .filter(|(_, since)| *since <= cutoff)
            .map(|(p, _)| p)
            .peekable();
        if required.peek().is_some() && !content.is_member(me) {
            return Err(VoteError::Omits {
                member: *me,
                who: "us",
            });
        }
        match required.find(|p| !content.is_member(p)) {
            Some(p) => Err(VoteError::Omits {
                member: *p,
                who: "a connected peer",
            }),
            None => Ok(()),
        }
    }
}

/// Refuses a threshold below a strict majority of `n` (the group has no way to choose a
/// lower one, so a lower one is never legitimate).
pub(crate) fn check_majority(threshold: usize, n: usize) -> Result<(), VoteError> {
    let need = default_threshold(n);
    if threshold < need {
        return Err(VoteError::NotMajority { threshold, n, need });
    }
    Ok(())
}
