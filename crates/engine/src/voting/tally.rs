//! Pure tallies over distinct keys: approvals, rejections and the outcome they imply.

pub use crate::api::Outcome;
use crate::wire::PeerId;
use std::collections::BTreeMap;
use std::fmt;

impl fmt::Display for Outcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Outcome::Approved => "approved",
            Outcome::Rejected => "rejected",
            Outcome::Expired => "expired",
        })
    }
}

/// The threshold used when the proposer names none: a strict majority, floor(N/2)+1.
pub fn default_threshold(n: usize) -> usize {
    n / 2 + 1
}

/// Counts of distinct electorate keys for and against a proposal. The proposer always counts
/// as one approval.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Tally {
    pub approvals: usize,
    pub rejections: usize,
}

impl Tally {
    /// Tallies `ballots` (voter, approve) for a proposal by `proposer` with the given sorted
    /// `electorate`. Each key counts at most once; keys outside the electorate and ballots by
    /// the proposer (who already approved by proposing) are ignored; a key that cast both an
    /// approval and a rejection counts as neither. The result does not depend on the order or
    /// repetition of `ballots`.
    pub fn count<I>(electorate: &[PeerId], proposer: PeerId, ballots: I) -> Tally
    where
        I: IntoIterator<Item = (PeerId, bool)>,
    {
        // Per key: (seen approve, seen reject).
        let mut seen: BTreeMap<PeerId, (bool, bool)> = BTreeMap::new();
        for (voter, approve) in ballots {
            if voter == proposer || electorate.binary_search(&voter).is_err() {
                continue;
            }
            let e = seen.entry(voter).or_default();
            if approve {
                e.0 = true;
            } else {
                e.1 = true;
            }
        }
        let proposer_counts = usize::from(electorate.binary_search(&proposer).is_ok());
        let mut t = Tally {
            approvals: proposer_counts,
            rejections: 0,
        };
        for (a, r) in seen.values() {
            match (a, r) {
                (true, false) => t.approvals += 1,
                (false, true) => t.rejections += 1,
                _ => {}
            }
        }
        t
    }

    /// The outcome these counts force for an electorate of `n` and threshold `m`: approved
    /// once approvals reach `m`, rejected once the votes still missing can no longer lift the
    /// approvals to `m`, otherwise `None` (still open). Expiry is decided by time, not here.
    pub fn outcome(&self, n: usize, m: usize) -> Option<Outcome> {
        let missing = n.saturating_sub(self.approvals + self.rejections);
        if self.approvals >= m {
            Some(Outcome::Approved)
        } else if self.approvals + missing < m {
            Some(Outcome::Rejected)
        } else {
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(n: u8) -> PeerId {
        PeerId([n; 32])
    }

    #[test]
    fn default_threshold_is_a_strict_majority() {
        let got: Vec<usize> = (1..=6).map(default_threshold).collect();
        assert_eq!(got, vec![1, 2, 2, 3, 3, 4]);
    }

    #[test]
    fn counts_distinct_members_and_the_proposer() {
        let e = vec![p(1), p(2), p(3), p(4)];
        let ballots = vec![
            (p(2), true),
            (p(2), true),
            (p(9), true),
            (p(1), false),
            (p(3), false),
        ];
        let t = Tally::count(&e, p(1), ballots);
        assert_eq!(
            t,
            Tally {
                approvals: 2,
                rejections: 1
            }
        );
        assert_eq!(t.outcome(4, 3), None);
        assert_eq!(t.outcome(4, 2), Some(Outcome::Approved));
    }

    #[test]
    fn equivocating_key_counts_as_neither() {
        let e = vec![p(1), p(2)];
        let t = Tally::count(&e, p(1), vec![(p(2), true), (p(2), false)]);
        assert_eq!(
            t,
            Tally {
                approvals: 1,
                rejections: 0
            }
        );
    }

    #[test]
    fn rejected_when_threshold_unreachable() {
        let t = Tally {
            approvals: 1,
            rejections: 2,
        };
        assert_eq!(t.outcome(4, 3), Some(Outcome::Rejected));
        assert_eq!(t.outcome(5, 3), None);
    }
}
