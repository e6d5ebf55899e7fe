//! What this node holds: per author, the signed broadcast messages it has as runs of sequence
//! numbers linked by each message's `prev` member, with the timestamps at each run's ends.
//! It is the summary sent in `have`, the set a `want` is computed against, and the duplicate
//! check of the live and sync paths.

use super::ranges::before;
use crate::wire::{AuthorRanges, PeerId};
use std::collections::{BTreeMap, HashMap};

/// Most authors the index keeps (the one with the oldest newest message goes first).
pub const MAX_INDEX_AUTHORS: usize = 1024;
/// Most runs kept per author (the oldest goes first).
pub const MAX_INDEX_RUNS: usize = 256;
/// Time marks `(seq, ts)` are kept about this many times per retention window, so the seq
/// below which an author's messages are past retention is known within 1/512 of it.
pub const MARKS_PER_RETENTION: i64 = 512;
/// Most time marks kept per author (the index keeps two retention windows).
pub const MAX_MARKS: usize = 2 * MARKS_PER_RETENTION as usize;

/// A run `[lo, hi]`: every signed broadcast of the author with a seq in it is held (seqs in
/// between that belong to private or unsigned messages are covered by the `prev` links).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Run {
    pub hi: u64,
    /// The `prev` of the run's first message: a held run ending there would join this one.
    pub lo_prev: Option<u64>,
    pub lo_ts: i64,
    pub hi_ts: i64,
}

/// One held message, as the store reports it at start.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct HeldRow {
    pub author: PeerId,
    pub seq: u64,
    pub prev: Option<u64>,
    pub ts: i64,
}

/// A hole between two held runs of one author that nobody could fill.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Gap {
    pub author: PeerId,
    /// The first seq of the run after the hole (identifies the gap).
    pub next_seq: u64,
    pub from_ts: i64,
    pub to_ts: i64,
}

#[derive(Debug, Default)]
pub struct HeldIndex {
    runs: HashMap<PeerId, BTreeMap<u64, Run>>,
    /// Per author, some `seq → ts` samples, at least `mark_every` ms apart.
    marks: HashMap<PeerId, BTreeMap<u64, i64>>,
    mark_every: i64,
}

impl HeldIndex {
    /// An empty index for a retention window of `retention_ms`.
    pub fn new(retention_ms: i64) -> HeldIndex {
        HeldIndex {
            mark_every: (retention_ms / MARKS_PER_RETENTION).max(1),
            ..Default::default()
        }
    }

    /// The first seq of `author` that may be within retention: an author's clock only moves
    /// forward, so everything at or below a mark older than `cutoff` is older too.
    pub fn horizon(&self, author: &PeerId, cutoff: i64) -> u64 {
        self.marks
            .get(author)
            .and_then(|m| m.iter().rev().find(|(_, ts)| **ts < cutoff))
            .map_or(1, |(seq, _)| seq.saturating_add(1))
    }

    fn mark(&mut self, author: PeerId, seq: u64, ts: i64) {
        let marks = self.marks.entry(author).or_default();
        let near = marks
            .range(..=seq)
            .next_back()
            .is_some_and(|(_, t)| ts < t.saturating_add(self.mark_every));
        if !near {
            marks.insert(seq, ts);
            while marks.len() > MAX_MARKS {
                marks.pop_first();
            }
        }
    }

    pub fn contains(&self, author: &PeerId, seq: u64) -> bool {
        self.runs
            .get(author)
            .and_then(|r| r.range(..=seq).next_back())
            .is_some_and(|(_, run)| run.hi >= seq)
    }

    /// Records a message; false if it was already held.
    pub fn insert(&mut self, row: HeldRow) -> bool {
        if row.seq == 0 || self.contains(&row.author, row.seq) {
            return false;
        }
        if !self.runs.contains_key(&row.author) && self.runs.len() >= MAX_INDEX_AUTHORS {
            self.evict_author();
        }
        self.mark(row.author, row.seq, row.ts);
        let runs = self.runs.entry(row.author).or_default();
        let HeldRow { seq, prev, ts, .. } = row;
        let mut new = Run {
            hi: seq,
            lo_prev: prev,
            lo_ts: ts,
            hi_ts: ts,
        };
        let mut lo = seq;
        let pred = runs.range(..seq).next_back().map(|(l, r)| (*l, *r));
        if let Some((plo, p)) = pred {
            if p.hi + 1 == seq || prev == Some(p.hi) {
                runs.remove(&plo);
                lo = plo;
                new.lo_prev = p.lo_prev;
                new.lo_ts = p.lo_ts;
            }
        }
        let succ = runs.range(seq + 1..).next().map(|(l, r)| (*l, *r));
        if let Some((slo, s)) = succ {
            if slo == seq + 1 || s.lo_prev == Some(seq) {
                runs.remove(&slo);
                new.hi = s.hi;
                new.hi_ts = s.hi_ts;
            }
        }
        runs.insert(lo, new);
        while runs.len() > MAX_INDEX_RUNS {
            runs.pop_first();
        }
        true
    }

    fn evict_author(&mut self) {
        let oldest = self
            .runs
            .iter()
            .min_by_key(|(id, r)| (r.values().map(|x| x.hi_ts).max(), **id))
            .map(|(id, _)| *id);
        if let Some(id) = oldest {
            self.runs.remove(&id);
            self.marks.remove(&id);
        }
    }

    /// Forgets runs whose newest message is older than `cutoff` (Unix ms).
    pub fn prune(&mut self, cutoff: i64) {
        for runs in self.runs.values_mut() {
            runs.retain(|_, r| r.hi_ts >= cutoff);
        }
        self.runs.retain(|_, r| !r.is_empty());
        let runs = &self.runs;
        self.marks.retain(|id, _| runs.contains_key(id));
    }

    /// An author's runs as ranges, oldest first.
    pub fn ranges(&self, author: &PeerId) -> Vec<(u64, u64)> {
        self.runs
            .get(author)
            .map(|r| r.iter().map(|(lo, run)| (*lo, run.hi)).collect())
            .unwrap_or_default()
    }

    /// The summary: every author's runs, without what is known to be older than `cutoff`
    /// (the newest `max_ranges` of each), authors sorted.
    pub fn summary(&self, max_ranges: usize, cutoff: i64) -> Vec<AuthorRanges> {
        let mut out: Vec<AuthorRanges> = self
            .runs
            .iter()
            .map(|(author, runs)| {
                let recent: Vec<(u64, u64)> = runs
                    .iter()
                    .filter(|(_, r)| r.hi_ts >= cutoff)
                    .map(|(lo, r)| (*lo, r.hi))
                    .collect();
                let mut ranges = before(&recent, self.horizon(author, cutoff));
                let skip = ranges.len().saturating_sub(max_ranges);
                ranges.drain(..skip);
                AuthorRanges {
                    author: *author,
                    ranges,
                }
            })
            .filter(|a| !a.ranges.is_empty())
            .collect();
        out.sort_by_key(|a| a.author);
        out
    }

    /// Holes between two held runs: a run whose first message names a `prev` that is not
    /// held, after an earlier run of the same author.
    pub fn gaps(&self) -> Vec<Gap> {
        let mut out = Vec::new();
        for (author, runs) in &self.runs {
            let mut before: Option<&Run> = None;
            for (lo, run) in runs {
                if let (Some(b), Some(p)) = (before, run.lo_prev) {
                    if p > b.hi && p < *lo {
                        out.push(Gap {
                            author: *author,
                            next_seq: *lo,
                            from_ts: b.hi_ts,
                            to_ts: run.lo_ts,
                        });
                    }
                }
                before = Some(run);
            }
        }
        out.sort_by_key(|g| (g.from_ts, g.author, g.next_seq));
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const A: PeerId = PeerId([1; 32]);

    fn row(seq: u64, prev: Option<u64>) -> HeldRow {
        HeldRow {
            author: A,
            seq,
            prev,
            ts: seq as i64 * 10,
        }
    }

    #[test]
    fn runs_join_through_prev_links_across_private_seqs() {
        let mut h = HeldIndex::new(1 << 40);
        assert!(h.insert(row(10, None)));
        assert!(h.insert(row(13, Some(11)))); // 11 is held by nobody: a hole
        assert_eq!(h.ranges(&A), vec![(10, 10), (13, 13)]);
        assert!(h.insert(row(11, Some(10)))); // 12 was a private message
        assert_eq!(h.ranges(&A), vec![(10, 13)]);
        assert!(!h.insert(row(12, None)), "covered by the links");
        assert!(h.contains(&A, 12) && !h.contains(&A, 14));
        assert!(h.gaps().is_empty());
    }

    #[test]
    fn a_hole_between_runs_is_a_gap_with_the_times_around_it() {
        let mut h = HeldIndex::new(1 << 40);
        h.insert(row(1, None));
        h.insert(row(2, Some(1)));
        h.insert(row(5, Some(4)));
        let gaps = h.gaps();
        assert_eq!(
            gaps,
            vec![Gap {
                author: A,
                next_seq: 5,
                from_ts: 20,
                to_ts: 50
            }]
        );
        // The first run of a restarted author (no prev) is no gap.
        h.insert(row(100, None));
        assert_eq!(h.gaps().len(), 1);
        h.prune(60);
        assert_eq!(h.ranges(&A), vec![(100, 100)]);
    }

    #[test]
    fn the_summary_leaves_out_what_is_known_to_be_past_retention() {
        let mut h = HeldIndex::new(1024); // a mark every millisecond or more
        for seq in 1..=10 {
            h.insert(row(seq, seq.checked_sub(1).filter(|p| *p > 0)));
        }
        assert_eq!(h.ranges(&A), vec![(1, 10)]);
        // ts = seq * 10: a cutoff of 45 puts seqs 1..=4 past retention.
        assert_eq!(h.horizon(&A, 45), 5);
        assert_eq!(h.summary(8, 45)[0].ranges, vec![(5, 10)]);
        assert_eq!(h.summary(8, 0)[0].ranges, vec![(1, 10)]);
        assert!(h.summary(8, 1000).is_empty());
    }

    proptest! {
        /// Whatever order messages arrive in, the index holds exactly them (no private seqs in
        /// this model, so runs are plain consecutive seqs).
        #[test]
        fn index_holds_what_was_inserted(seqs in proptest::collection::vec(1u64..300, 0..200)) {
            let mut h = HeldIndex::new(1 << 40);
            let mut set = std::collections::BTreeSet::new();
            for s in seqs {
                prop_assert_eq!(h.insert(row(s, s.checked_sub(1).filter(|p| *p > 0))), set.insert(s));
            }
            for s in 1..300 {
                prop_assert_eq!(h.contains(&A, s), set.contains(&s));
            }
        }
    }
}
