//! The quotas and retention of `store::quota` on real (in-memory and file) databases.

use super::*;
use crate::store::{EntryKind, HistoryEntry};

fn line(author: &str, seq: u64, body: &str, ts: i64) -> HistoryEntry {
    HistoryEntry {
        row: 0,
        kind: EntryKind::Message,
        msg_id: Some(format!("{author}:{seq}")),
        author: author.into(),
        author_name: "N".into(),
        peer: None,
        body: body.into(),
        ts,
        signed: true,
        backfilled: false,
        status: None,
        peer_name: None,
        room: None,
        reactions: Vec::new(),
    }
}

fn quota(total: u64, per_author: u64) -> Quota {
    Quota {
        total,
        per_author,
        ..Quota::default()
    }
}

/// What the `size` columns say, per author, to compare with the counts kept in memory.
fn counted_on_disk(h: &History) -> u64 {
    TABLES
        .iter()
        .map(|(table, _)| {
            h.conn()
                .query_row(
                    &format!("SELECT COALESCE(SUM(size), 0) FROM {table}"),
                    [],
                    |r| r.get::<_, i64>(0),
                )
                .unwrap() as u64
        })
        .sum()
}

fn seqs_of(h: &History, author: &str) -> Vec<u64> {
    let (rows, _) = h.page(None, 10_000, None).unwrap();
    rows.iter()
        .filter(|e| e.author == author)
        .map(|e| {
            e.msg_id
                .as_ref()
                .unwrap()
                .rsplit(':')
                .next()
                .unwrap()
                .parse()
                .unwrap()
        })
        .collect()
}

#[test]
fn an_author_over_their_share_loses_their_own_oldest_rows_only() {
    let mut h = History::in_memory();
    h.set_quota(quota(10_000_000, 100_000)).unwrap();
    let body = "x".repeat(1000);
    for seq in 0..10 {
        h.insert(&line("bob", seq, "hello", 1)).unwrap();
    }
    for seq in 0..1000 {
        h.insert(&line("eve", seq, &body, 1)).unwrap();
        h.keep_relayable(&format!("eve:{seq}"), "eve", 1, "#general", &body, "sig")
            .unwrap();
    }
    let usage = h.usage();
    let eve = usage.by_author["eve"];
    assert!(eve <= 100_000, "eve holds {eve} bytes");
    assert!(eve > 80_000, "pruned down to 15/16, not emptied: {eve}");
    let kept = seqs_of(&h, "eve");
    assert_eq!(*kept.last().unwrap(), 999, "the newest stays");
    assert!(
        kept.windows(2).all(|w| w[1] == w[0] + 1),
        "oldest went first"
    );
    assert!(!kept.contains(&0));
    assert_eq!(
        seqs_of(&h, "bob").len(),
        10,
        "a quiet peer keeps everything"
    );
    assert_eq!(
        usage.total,
        counted_on_disk(&h),
        "the count matches the rows"
    );
}

#[test]
fn over_the_total_the_largest_author_goes_first() {
    let mut h = History::in_memory();
    let body = "y".repeat(2000);
    for seq in 0..20 {
        h.insert(&line("ann", seq, "small talk", 1)).unwrap();
    }
    for author in ["m1", "m2", "m3"] {
        for seq in 0..100 {
            h.insert(&line(author, seq, &body, 1)).unwrap();
        }
    }
    let before = h.usage().total;
    let pruned = h.set_quota(quota(before / 2, u64::MAX)).unwrap();
    let usage = h.usage();
    assert!(pruned.rows > 0 && usage.total <= before / 2, "{usage:?}");
    assert_eq!(
        seqs_of(&h, "ann").len(),
        20,
        "the small author is untouched"
    );
    assert_eq!(usage.total, counted_on_disk(&h));
    // New rows keep it under the bound while it runs.
    for seq in 100..400 {
        h.insert(&line("m1", seq, &body, 1)).unwrap();
        assert!(h.usage().total <= before / 2);
    }
    assert_eq!(h.usage().total, counted_on_disk(&h));
}

#[test]
fn bodies_count_as_stored_in_utf8_bytes() {
    let h = History::in_memory();
    let cleaned = "\u{FFFD}".repeat(1000); // 1,000 control characters after cleaning
    h.insert(&line("eve", 1, &cleaned, 1)).unwrap();
    let counted = h.usage().by_author["eve"];
    assert!(counted >= 3000 + ROW_OVERHEAD, "{counted}");
}

#[test]
fn expired_and_future_dated_rows_are_pruned_in_batches() {
    let h = History::in_memory();
    let day = 24 * 60 * 60 * 1000;
    let now = 100 * day;
    let q = h.quota();
    h.insert(&line("a", 1, "old", now - q.retention_ms - 1))
        .unwrap();
    h.insert(&line("a", 2, "recent", now - day)).unwrap();
    h.insert(&line("a", 3, "a little ahead", now + q.max_skew_ms))
        .unwrap();
    h.insert(&line("a", 4, "ten years ahead", now + 3650 * day))
        .unwrap();
    h.keep_relayable("a:4", "a", now + 3650 * day, "#general", "p", "s")
        .unwrap();
    h.keep_outbox("me:1", "bob", now - q.retention_ms - 1, "p", "s")
        .unwrap();
    for seq in 10..10 + PRUNE_BATCH as u64 + 5 {
        h.insert(&line("z", seq, "junk from the future", now + day))
            .unwrap();
    }
    let first = h.prune_expired(now).unwrap();
    assert_eq!(first.rows, PRUNE_BATCH + 1 + 1, "one batch from messages");
    let second = h.prune_expired(now).unwrap();
    assert!(second.rows > 0 && second.rows < PRUNE_BATCH);
    assert_eq!(h.prune_expired(now).unwrap().rows, 0);
    assert_eq!(seqs_of(&h, "a"), vec![2, 3]);
    assert!(seqs_of(&h, "z").is_empty());
    assert!(h.outbox_for("bob").unwrap().is_empty());
    assert_eq!(h.usage().total, counted_on_disk(&h));
}

#[test]
fn a_database_from_before_the_quota_is_counted_at_open() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("history.db");
    {
        let db = rusqlite::Connection::open(&path).unwrap();
        db.execute_batch(
            "CREATE TABLE messages (row INTEGER PRIMARY KEY AUTOINCREMENT, msg_id TEXT UNIQUE,
             kind TEXT NOT NULL, author TEXT NOT NULL, author_name TEXT NOT NULL, peer TEXT,
             body TEXT NOT NULL, ts INTEGER NOT NULL, signed INTEGER NOT NULL,
             backfilled INTEGER NOT NULL DEFAULT 0, status TEXT, peer_name TEXT);
             INSERT INTO messages (msg_id, kind, author, author_name, body, ts, signed)
             VALUES ('eve:1', 'message', 'eve', 'Eve', 'héllo', 1, 1);
             PRAGMA user_version=2;",
        )
        .unwrap();
    }
    let h = History::open(&path).unwrap();
    let expected = row_size(&["héllo", "Eve", "eve", "eve:1"]);
    assert_eq!(h.usage().by_author["eve"], expected);
    assert_eq!(h.usage().total, counted_on_disk(&h));
}

#[test]
fn a_full_disk_is_an_error_that_says_so_and_nothing_panics() {
    let dir = tempfile::tempdir().unwrap();
    let h = History::open(&dir.path().join("history.db")).unwrap();
    // The database may not grow past its current size plus a few pages: a full disk.
    let pages: i64 = h
        .conn()
        .query_row("PRAGMA page_count", [], |r| r.get(0))
        .unwrap();
    h.conn()
        .query_row(&format!("PRAGMA max_page_count={}", pages + 4), [], |_| {
            Ok(())
        })
        .unwrap();
    let body = "z".repeat(4000);
    let mut errors = Vec::new();
    for seq in 0..50 {
        if let Err(e) = h.insert(&line("eve", seq, &body, 1)) {
            errors.push(e);
        }
    }
    assert!(!errors.is_empty(), "the database filled up");
    assert!(
        errors
            .iter()
            .all(|e| e.starts_with(DISK_FULL) && !e.contains('\n')),
        "{errors:?}"
    );
    assert_eq!(
        h.usage().total,
        counted_on_disk(&h),
        "failed inserts count nothing"
    );
}
