//! Replay and duplicate protection: a per-author sliding window over sequence numbers.

/// Sequence numbers at most this far below the highest one seen are still accepted once.
pub const REPLAY_WINDOW: u64 = 64;

/// Accepts each sequence number of one author at most once. Numbers more than
/// [`REPLAY_WINDOW`] below the highest seen are refused as too old.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ReplayWindow {
    /// Highest accepted sequence number (0 = none yet; valid numbers start at 1).
    highest: u64,
    /// Bit i set: `highest - i` was accepted.
    seen: u64,
}

/// Why a sequence number was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ReplayVerdict {
    Fresh,
    Duplicate,
    TooOld,
}

impl ReplayWindow {
    /// A window that refuses everything at or below `highest` (restored from disk).
    pub fn restored(highest: u64) -> ReplayWindow {
        ReplayWindow {
            highest,
            seen: u64::MAX,
        }
    }

    pub fn highest(&self) -> u64 {
        self.highest
    }

    /// Checks `seq` and, if fresh, records it.
    pub fn check_and_record(&mut self, seq: u64) -> ReplayVerdict {
        if seq == 0 {
            return ReplayVerdict::TooOld;
        }
        if seq > self.highest {
            let shift = seq - self.highest;
            self.seen = if shift >= 64 { 0 } else { self.seen << shift };
            self.seen |= 1;
            self.highest = seq;
            return ReplayVerdict::Fresh;
        }
        let back = self.highest - seq;
        if back >= REPLAY_WINDOW {
            return ReplayVerdict::TooOld;
        }
        let bit = 1u64 << back;
        if self.seen & bit != 0 {
            ReplayVerdict::Duplicate
        } else {
            self.seen |= bit;
            ReplayVerdict::Fresh
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn in_order_out_of_order_duplicates_and_old() {
        let mut w = ReplayWindow::default();
        assert_eq!(w.check_and_record(5), ReplayVerdict::Fresh);
        assert_eq!(w.check_and_record(3), ReplayVerdict::Fresh);
        assert_eq!(w.check_and_record(3), ReplayVerdict::Duplicate);
        assert_eq!(w.check_and_record(5), ReplayVerdict::Duplicate);
        assert_eq!(w.check_and_record(1000), ReplayVerdict::Fresh);
        assert_eq!(w.check_and_record(6), ReplayVerdict::TooOld);
        assert_eq!(w.check_and_record(0), ReplayVerdict::TooOld);
    }

    #[test]
    fn restored_window_refuses_everything_up_to_the_mark() {
        let mut w = ReplayWindow::restored(100);
        assert_eq!(w.check_and_record(100), ReplayVerdict::Duplicate);
        assert_eq!(w.check_and_record(40), ReplayVerdict::Duplicate);
        assert_eq!(w.check_and_record(30), ReplayVerdict::TooOld);
        assert_eq!(w.check_and_record(101), ReplayVerdict::Fresh);
    }

    proptest! {
        /// Whatever the order, every number is accepted at most once.
        #[test]
        fn never_accepts_twice(seqs in proptest::collection::vec(1u64..200, 0..300)) {
            let mut w = ReplayWindow::default();
            let mut accepted = std::collections::HashSet::new();
            for s in seqs {
                if w.check_and_record(s) == ReplayVerdict::Fresh {
                    prop_assert!(accepted.insert(s), "seq {} accepted twice", s);
                }
            }
        }
    }
}
