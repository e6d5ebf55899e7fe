//! Disk quotas and retention for `history.db`: every stored row (shown lines, relayable
//! originals, the outbox) is counted in bytes as stored, per author and in total, and pruned
//! while the program runs, oldest first, so that no neighbour can fill the disk.
//!
//! - A row counts the UTF-8 bytes of its text columns as stored (a body after cleaning, a
//!   payload as signed) plus [`ROW_OVERHEAD`]. The count lives in each row's `size` column and
//!   in memory per author, so a check costs nothing and a prune is a few indexed deletes.
//! - An author past `MAX_AUTHOR_BYTES` loses their own oldest rows; past `MAX_STORE_BYTES` in
//!   total, the largest author loses theirs first (a flooder, never a quiet peer). Either
//!   prune goes down to [`PRUNE_TO`] of the bound, so it does not run on every insert.
//! - Rows older than `RETENTION`, or dated more than `MAX_CLOCK_SKEW` ahead, go every
//!   [`PRUNE_INTERVAL_MS`], at most [`PRUNE_BATCH`] rows per table per step.

#[cfg(test)]
use super::history::DISK_FULL;
use super::history::{one_line, History, StoreResult};
use p2pchat_engine::limits::Limits;
use rusqlite::params;
use std::collections::HashMap;

/// Bytes counted for a row beyond its text: ids, timestamps, flags, index entries.
pub const ROW_OVERHEAD: u64 = 64;
/// PRUNE_BATCH: most rows deleted from one table in one prune step, so the actor is never
/// blocked for long; a prune that needs more continues on the next insert or tick.
pub const PRUNE_BATCH: usize = 256;
/// A quota prune goes down to this share of the bound (15/16).
pub const PRUNE_TO: (u64, u64) = (15, 16);
/// PRUNE_INTERVAL: how often expired and future-dated rows are looked for.
pub const PRUNE_INTERVAL_MS: i64 = 60_000;
/// The author key the outbox (our own private messages waiting for delivery) counts under.
pub const OUTBOX: &str = "outbox";

/// The bounds the store keeps to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Quota {
    /// MAX_STORE_BYTES.
    pub total: u64,
    /// MAX_AUTHOR_BYTES.
    pub per_author: u64,
    /// RETENTION, in milliseconds.
    pub retention_ms: i64,
    /// MAX_CLOCK_SKEW, in milliseconds.
    pub max_skew_ms: i64,
}

impl Quota {
    pub fn from_limits(l: &Limits) -> Quota {
        Quota {
            total: l.max_store_bytes,
            per_author: l.max_author_bytes,
            retention_ms: l.retention.as_millis() as i64,
            max_skew_ms: l.max_clock_skew.as_millis() as i64,
        }
    }
}

impl Default for Quota {
    fn default() -> Quota {
        Quota::from_limits(&Limits::default())
    }
}

/// Bytes stored, in total and per author (as counted in the `size` columns).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Usage {
    pub total: u64,
    pub by_author: HashMap<String, u64>,
}

impl Usage {
    fn add(&mut self, author: &str, size: u64) {
        self.total += size;
        *self.by_author.entry(author.to_string()).or_default() += size;
    }

    fn sub(&mut self, author: &str, size: u64) {
        self.total = self.total.saturating_sub(size);
        if let Some(n) = self.by_author.get_mut(author) {
            *n = n.saturating_sub(size);
            if *n == 0 {
                self.by_author.remove(author);
            }
        }
    }

    fn largest(&self) -> Option<(&str, u64)> {
        self.by_author
            .iter()
            .max_by_key(|(_, n)| **n)
            .map(|(a, n)| (a.as_str(), *n))
    }
}

/// What a prune removed.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Pruned {
    pub rows: usize,
    pub bytes: u64,
}

fn below(bound: u64) -> u64 {
    bound / PRUNE_TO.1 * PRUNE_TO.0
}

/// The bytes a row counts: its texts plus [`ROW_OVERHEAD`].
pub fn row_size(texts: &[&str]) -> u64 {
    texts.iter().map(|t| t.len() as u64).sum::<u64>() + ROW_OVERHEAD
}

/// SQL for each table's `size`, used to fill the column in databases from before it existed.
pub(super) const SIZE_SQL: [(&str, &str); 3] = [
    (
        "messages",
        "length(CAST(body AS BLOB)) + length(CAST(author_name AS BLOB)) + length(author)
         + COALESCE(length(msg_id), 0) + COALESCE(length(peer), 0)",
    ),
    (
        "relayable",
        "length(CAST(payload AS BLOB)) + length(sig) + length(msg_id) + length(author)",
    ),
    (
        "outbox",
        "length(CAST(payload AS BLOB)) + length(sig) + length(msg_id) + length(recipient)",
    ),
];

/// Each table's owner column (the outbox is all ours).
const TABLES: [(&str, &str); 3] = [
    ("messages", "author"),
    ("relayable", "author"),
    ("outbox", "'outbox'"),
];

impl History {
    /// Sets the bounds (the defaults until called) and prunes to them at once.
    pub fn set_quota(&mut self, quota: Quota) -> StoreResult<Pruned> {
        self.quota = quota;
        self.enforce_quota(None)
    }

    /// Prunes towards the bounds (a bounded step: call again while it prunes).
    pub fn prune_to_quota(&self) -> StoreResult<Pruned> {
        self.enforce_quota(None)
    }

    pub fn quota(&self) -> Quota {
        self.quota
    }

    /// The bytes stored now, as counted.
    pub fn usage(&self) -> Usage {
        self.usage.borrow().clone()
    }

    /// Reads the counts from the `size` columns (at open).
    pub(super) fn load_usage(&self) -> StoreResult<()> {
        let mut usage = Usage::default();
        for (table, owner) in TABLES {
            let mut stmt = self
                .conn()
                .prepare(&format!(
                    "SELECT {owner}, SUM(size) FROM {table} GROUP BY 1"
                ))
                .map_err(|e| one_line(&e))?;
            let rows = stmt
                .query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?)))
                .map_err(|e| one_line(&e))?;
            for row in rows {
                let (author, size) = row.map_err(|e| one_line(&e))?;
                usage.add(&author, size.max(0) as u64);
            }
        }
        *self.usage.borrow_mut() = usage;
        Ok(())
    }

    /// Counts a stored row and, if that puts its author or the total over the quota, prunes.
    /// A failed prune is logged: the row is stored and the chat goes on.
    pub(super) fn stored(&self, author: &str, size: u64) {
        self.usage.borrow_mut().add(author, size);
        if let Err(e) = self.enforce_quota(Some(author)) {
            tracing::error!("cannot prune history: {e}");
        }
    }

    /// Counts rows deleted elsewhere (delivered private messages).
    pub(super) fn forgot(&self, author: &str, size: u64) {
        self.usage.borrow_mut().sub(author, size);
    }

    /// Brings `author` (or every author, if `None`) under the per-author bound, then the total
    /// under its bound, largest author first.
    fn enforce_quota(&self, author: Option<&str>) -> StoreResult<Pruned> {
        let q = self.quota;
        let mut pruned = Pruned::default();
        let over: Vec<String> = {
            let usage = self.usage.borrow();
            match author {
                Some(a) => usage
                    .by_author
                    .get(a)
                    .filter(|n| **n > q.per_author)
                    .map(|_| vec![a.to_string()])
                    .unwrap_or_default(),
                None => usage
                    .by_author
                    .iter()
                    .filter(|(_, n)| **n > q.per_author)
                    .map(|(a, _)| a.clone())
                    .collect(),
            }
        };
        for a in over {
            self.prune_author_to(&a, below(q.per_author), &mut pruned)?;
        }
        if self.usage.borrow().total > q.total {
            let target = below(q.total);
            while self.usage.borrow().total > target {
                let Some((largest, _)) = self
                    .usage
                    .borrow()
                    .largest()
                    .map(|(a, n)| (a.to_string(), n))
                else {
                    break;
                };
                let before = pruned.rows;
                self.prune_oldest_of(&largest, &mut pruned)?;
                if pruned.rows == before || pruned.rows >= PRUNE_BATCH * 4 {
                    break;
                }
            }
        }
        Ok(pruned)
    }

    fn prune_author_to(&self, author: &str, target: u64, pruned: &mut Pruned) -> StoreResult<()> {
        let start = pruned.rows;
        while self
            .usage
            .borrow()
            .by_author
            .get(author)
            .copied()
            .unwrap_or(0)
            > target
        {
            let before = pruned.rows;
            self.prune_oldest_of(author, pruned)?;
            if pruned.rows == before || pruned.rows - start >= PRUNE_BATCH * 4 {
                break;
            }
        }
        Ok(())
    }

    /// Deletes a small batch of `author`'s oldest rows from each of its tables (in the order
    /// they were stored).
    fn prune_oldest_of(&self, author: &str, pruned: &mut Pruned) -> StoreResult<()> {
        const BATCH: i64 = 16;
        let batches = if author == OUTBOX {
            vec![self.delete_returning(
                "DELETE FROM outbox WHERE rowid IN
                 (SELECT rowid FROM outbox ORDER BY rowid LIMIT ?1) RETURNING size",
                params![BATCH],
            )?]
        } else {
            let mut got = Vec::new();
            for table in ["messages", "relayable"] {
                got.push(self.delete_returning(
                    &format!(
                        "DELETE FROM {table} WHERE rowid IN
                         (SELECT rowid FROM {table} WHERE author = ?1 ORDER BY rowid LIMIT ?2)
                         RETURNING size"
                    ),
                    params![author, BATCH],
                )?);
            }
            got
        };
        for size in batches.into_iter().flatten() {
            self.usage.borrow_mut().sub(author, size);
            pruned.rows += 1;
            pruned.bytes += size;
        }
        Ok(())
    }

    /// Adds the `size` column to tables from before it existed, filled from their texts.
    pub(super) fn add_size_columns(&self) -> StoreResult<()> {
        for (table, expr) in SIZE_SQL {
            let has: bool = self
                .conn()
                .query_row(
                    &format!(
                        "SELECT COUNT(*) FROM pragma_table_info('{table}') WHERE name = 'size'"
                    ),
                    [],
                    |r| r.get::<_, i64>(0),
                )
                .map_err(|e| one_line(&e))?
                > 0;
            if !has {
                self.conn()
                    .execute_batch(&format!(
                        "ALTER TABLE {table} ADD COLUMN size INTEGER NOT NULL DEFAULT 0;
                         UPDATE {table} SET size = {expr} + {ROW_OVERHEAD};"
                    ))
                    .map_err(|e| one_line(&e))?;
            }
        }
        Ok(())
    }

    /// Deletes rows past the retention or dated too far ahead of `now_ms`: at most
    /// [`PRUNE_BATCH`] per table; call again while it returns that many.
    pub fn prune_expired(&self, now_ms: i64) -> StoreResult<Pruned> {
        let q = self.quota;
        let (oldest, latest) = (now_ms - q.retention_ms, now_ms + q.max_skew_ms);
        let mut pruned = Pruned::default();
        for (table, owner) in TABLES {
            let mut stmt = self
                .conn()
                .prepare_cached(&format!(
                    "DELETE FROM {table} WHERE rowid IN
                     (SELECT rowid FROM {table} WHERE ts < ?1 OR ts > ?2 LIMIT ?3)
                     RETURNING {owner}, size"
                ))
                .map_err(|e| one_line(&e))?;
            let rows = stmt
                .query_map(params![oldest, latest, PRUNE_BATCH as i64], |r| {
                    Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?))
                })
                .and_then(|it| it.collect::<Result<Vec<_>, _>>())
                .map_err(|e| one_line(&e))?;
            for (author, size) in rows {
                let size = size.max(0) as u64;
                self.usage.borrow_mut().sub(&author, size);
                pruned.rows += 1;
                pruned.bytes += size;
            }
        }
        Ok(pruned)
    }

    fn delete_returning(&self, sql: &str, args: impl rusqlite::Params) -> StoreResult<Vec<u64>> {
        let mut stmt = self.conn().prepare_cached(sql).map_err(|e| one_line(&e))?;
        stmt.query_map(args, |r| r.get::<_, i64>(0))
            .and_then(|it| it.map(|s| s.map(|s| s.max(0) as u64)).collect())
            .map_err(|e| one_line(&e))
    }
}

#[cfg(test)]
#[path = "quota_tests.rs"]
mod tests;
