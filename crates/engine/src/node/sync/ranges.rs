//! Arithmetic on sorted, disjoint, inclusive ranges of sequence numbers `[lo, hi]`: the shape
//! of `have` and `want` (PROTOCOL.md §7.6).

/// `ranges` without the seqs below `first`.
pub fn before(ranges: &[(u64, u64)], first: u64) -> Vec<(u64, u64)> {
    if first <= 1 {
        return ranges.to_vec();
    }
    subtract(ranges, &[(1, first - 1)])
}

/// Number of seqs in sorted disjoint ranges (saturating).
pub fn span(ranges: &[(u64, u64)]) -> u64 {
    ranges.iter().fold(0u64, |n, (lo, hi)| {
        n.saturating_add(hi - lo).saturating_add(1)
    })
}

/// True if ranges are well formed: `1 <= lo <= hi`, sorted, disjoint.
pub fn well_formed(ranges: &[(u64, u64)]) -> bool {
    ranges.iter().all(|(lo, hi)| *lo >= 1 && lo <= hi) && ranges.windows(2).all(|w| w[0].1 < w[1].0)
}

/// `a` minus `b`, both sorted and disjoint.
pub fn subtract(a: &[(u64, u64)], b: &[(u64, u64)]) -> Vec<(u64, u64)> {
    let mut out = Vec::new();
    let mut j = 0;
    for &(lo, hi) in a {
        let mut cur = lo;
        while j < b.len() && b[j].1 < cur {
            j += 1;
        }
        let mut k = j;
        let mut done = false;
        while k < b.len() && b[k].0 <= hi {
            if b[k].0 > cur {
                out.push((cur, b[k].0 - 1));
            }
            if b[k].1 >= hi {
                done = true;
                break;
            }
            cur = b[k].1 + 1;
            k += 1;
        }
        if !done {
            out.push((cur, hi));
        }
    }
    out
}

/// The first `max` seqs of `ranges` (cutting the last range taken).
pub fn take_span(ranges: &[(u64, u64)], max: u64) -> Vec<(u64, u64)> {
    let mut left = max;
    let mut out = Vec::new();
    for &(lo, hi) in ranges {
        if left == 0 {
            break;
        }
        let hi = hi.min(lo.saturating_add(left - 1));
        out.push((lo, hi));
        left -= hi - lo + 1;
    }
    out
}

/// Union of two sorted disjoint range lists.
pub fn union(a: &[(u64, u64)], b: &[(u64, u64)]) -> Vec<(u64, u64)> {
    let mut all: Vec<(u64, u64)> = a.iter().chain(b).copied().collect();
    all.sort_unstable();
    let mut out: Vec<(u64, u64)> = Vec::with_capacity(all.len());
    for (lo, hi) in all {
        match out.last_mut() {
            Some(last) if lo <= last.1.saturating_add(1) => last.1 = last.1.max(hi),
            _ => out.push((lo, hi)),
        }
    }
    out
}

/// True if `seq` falls in one of the sorted ranges.
pub fn covers(ranges: &[(u64, u64)], seq: u64) -> bool {
    let i = ranges.partition_point(|r| r.1 < seq);
    ranges.get(i).is_some_and(|r| r.0 <= seq)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn range_arithmetic() {
        assert_eq!(
            subtract(&[(1, 10)], &[(3, 4), (8, 20)]),
            vec![(1, 2), (5, 7)]
        );
        assert_eq!(subtract(&[(1, 3), (5, 9)], &[]), vec![(1, 3), (5, 9)]);
        assert_eq!(subtract(&[(1, 3)], &[(1, 3)]), vec![]);
        assert_eq!(take_span(&[(1, 3), (10, 20)], 5), vec![(1, 3), (10, 11)]);
        assert_eq!(span(&[(1, 3), (10, 11)]), 5);
        assert_eq!(span(&[(1, u64::MAX)]), u64::MAX);
        assert_eq!(union(&[(1, 3)], &[(4, 6), (9, 9)]), vec![(1, 6), (9, 9)]);
        assert!(covers(&[(1, 3), (9, 9)], 9) && !covers(&[(1, 3), (9, 9)], 5));
        assert!(!well_formed(&[(3, 2)]) && !well_formed(&[(1, 5), (5, 6)]));
        assert!(!well_formed(&[(0, 1)]) && well_formed(&[(1, 4), (6, 6)]));
    }

    proptest! {
        #[test]
        fn subtract_matches_sets(a in proptest::collection::btree_set(1u64..80, 0..60),
                                 b in proptest::collection::btree_set(1u64..80, 0..60)) {
            let to_ranges = |s: &std::collections::BTreeSet<u64>| {
                union(&s.iter().map(|x| (*x, *x)).collect::<Vec<_>>(), &[])
            };
            let d = subtract(&to_ranges(&a), &to_ranges(&b));
            for x in 1..80 {
                prop_assert_eq!(covers(&d, x), a.contains(&x) && !b.contains(&x));
            }
        }
    }
}
