//! Replay and duplicate protection: a per-author sliding window over sequence numbers, kept
//! for at most MAX_REPLAY_AUTHORS authors (the longest-idle is forgotten).

use crate::wire::PeerId;
use std::collections::HashMap;

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

/// The replay windows of many authors, at most `max` of them. Forgetting an author's window
/// means its old sequence numbers are no longer recognised here; a replayed message that is
/// stored is still caught by its message id (see docs/PROTOCOL.md §11, MAX_REPLAY_AUTHORS).
#[derive(Clone, Debug)]
pub struct ReplayBook {
    windows: HashMap<PeerId, (ReplayWindow, u64)>,
    /// A counter that orders uses: the window with the smallest mark is the longest idle.
    clock: u64,
    max: usize,
}

/// One author's place in a [`ReplayBook`], in the shape of a map's entry, so that callers
/// read `replay.entry(author).or_default()` as they would with a `HashMap`.
pub struct ReplayEntry<'a> {
    book: &'a mut ReplayBook,
    author: PeerId,
}

impl<'a> ReplayEntry<'a> {
    /// The author's window: see [`ReplayBook::window`].
    pub fn or_default(self) -> &'a mut ReplayWindow {
        self.book.window(self.author)
    }
}

impl ReplayBook {
    /// A book for at most `max` authors (at least one) holding `restored` windows.
    pub fn new(max: usize, restored: impl IntoIterator<Item = (PeerId, ReplayWindow)>) -> Self {
        let mut book = ReplayBook {
            windows: HashMap::new(),
            clock: 0,
            max: max.max(1),
        };
        for (id, w) in restored {
            *book.window(id) = w;
        }
        book
    }

    pub fn entry(&mut self, author: PeerId) -> ReplayEntry<'_> {
        ReplayEntry { book: self, author }
    }

    /// The author's window, made empty if it has none (forgetting the longest-idle author's
    /// if the book is full). Each use marks the author as the most recently active.
    pub fn window(&mut self, author: PeerId) -> &mut ReplayWindow {
        self.clock += 1;
        if !self.windows.contains_key(&author) && self.windows.len() >= self.max {
            // Forget the longest-idle eighth at once (at least one): one scan per many
            // newcomers. Uses are numbered uniquely, so exactly that many go.
            let mut used: Vec<u64> = self.windows.values().map(|(_, u)| *u).collect();
            let (_, cutoff, _) = used.select_nth_unstable(self.max / 8);
            let cutoff = *cutoff;
            self.windows.retain(|_, (_, u)| *u > cutoff);
        }
        let (w, used) = self.windows.entry(author).or_default();
        *used = self.clock;
        w
    }

    pub fn len(&self) -> usize {
        self.windows.len()
    }

    pub fn is_empty(&self) -> bool {
        self.windows.is_empty()
    }

    /// Each author's highest accepted sequence number.
    pub fn highest(&self) -> impl Iterator<Item = (&PeerId, u64)> {
        self.windows.iter().map(|(id, (w, _))| (id, w.highest()))
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

    #[test]
    fn the_book_keeps_at_most_max_authors_forgetting_the_longest_idle() {
        let mut book = ReplayBook::new(3, []);
        let a = PeerId([1; 32]);
        for n in 1..=10u8 {
            book.entry(PeerId([n; 32])).or_default().check_and_record(5);
            // `a` stays active, so it is never the one forgotten.
            book.entry(a)
                .or_default()
                .check_and_record(u64::from(n) + 1);
            assert!(book.len() <= 3);
        }
        assert_eq!(
            book.entry(a).or_default().check_and_record(11),
            ReplayVerdict::Duplicate
        );
        assert_eq!(
            book.entry(PeerId([10; 32]))
                .or_default()
                .check_and_record(5),
            ReplayVerdict::Duplicate
        );
        // A forgotten author's window starts afresh.
        assert_eq!(
            book.entry(PeerId([2; 32])).or_default().check_and_record(5),
            ReplayVerdict::Fresh
        );
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
