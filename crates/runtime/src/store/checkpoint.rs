//! The WAL checkpointer: copies `history.db-wal` back into the database (and so does the
//! fsyncs) on its own thread with its own connection, so the actor's writes never wait for
//! the disk. The actor's connection checkpoints itself only as a backstop, when the log has
//! grown to WAL_BACKSTOP_PAGES because this thread fell behind.

use super::history::WAL_SIZE_LIMIT;
use rusqlite::{Connection, OpenFlags};
use std::path::Path;
use std::sync::mpsc;
use std::thread::JoinHandle;
use std::time::Duration;

/// How often the checkpointer copies the log back into the database.
pub const CHECKPOINT_EVERY: Duration = Duration::from_secs(1);
/// WAL_BACKSTOP_PAGES: the bound on the write-ahead log. Past this many pages (about
/// WAL_SIZE_LIMIT, 4 MiB, at SQLite's 4 KiB pages; SQLite's own default) the writer's
/// connection checkpoints itself, so the log is never larger than before this thread
/// existed. Chat writes far less than this in CHECKPOINT_EVERY; only a flood gets there.
pub const WAL_BACKSTOP_PAGES: i64 = 1000;

/// The running checkpointer; dropping it stops the thread (after the checkpoint in hand).
pub struct Checkpointer {
    stop: Option<mpsc::Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

impl Checkpointer {
    /// Opens a second connection to the database at `path` and starts checkpointing it.
    pub fn start(path: &Path) -> Result<Checkpointer, String> {
        let db = Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
        .map_err(|e| format!("checkpoint connection: {e}"))?;
        db.busy_timeout(Duration::from_secs(2))
            .map_err(|e| e.to_string())?;
        // After a checkpoint the log is cut back to this size when it is reused.
        db.execute_batch(&format!("PRAGMA journal_size_limit={WAL_SIZE_LIMIT};"))
            .map_err(|e| e.to_string())?;
        let (stop, stopped) = mpsc::channel::<()>();
        let thread = std::thread::Builder::new()
            .name("wal-checkpoint".into())
            .spawn(move || {
                while let Err(mpsc::RecvTimeoutError::Timeout) =
                    stopped.recv_timeout(CHECKPOINT_EVERY)
                {
                    if let Err(e) = checkpoint(&db) {
                        tracing::warn!("history checkpoint failed: {e}");
                    }
                }
            })
            .map_err(|e| format!("cannot start the checkpoint thread: {e}"))?;
        Ok(Checkpointer {
            stop: Some(stop),
            thread: Some(thread),
        })
    }
}

/// One passive checkpoint: copies what it can without waiting for the writer. Returns the
/// log's size in pages and how many of them are now in the database.
pub fn checkpoint(db: &Connection) -> rusqlite::Result<(i64, i64)> {
    db.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |r| {
        Ok((r.get(1)?, r.get(2)?))
    })
}

impl Drop for Checkpointer {
    fn drop(&mut self) {
        self.stop = None;
        if let Some(thread) = self.thread.take() {
            if thread.join().is_err() {
                tracing::error!("history checkpoint thread panicked");
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::History;
    use std::time::Instant;

    #[test]
    fn the_log_reaches_the_database_without_the_writer_checkpointing() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("history.db");
        let h = History::open(&path).unwrap();
        let backstop: i64 = h
            .conn()
            .query_row("PRAGMA wal_autocheckpoint", [], |r| r.get(0))
            .unwrap();
        assert_eq!(backstop, WAL_BACKSTOP_PAGES);
        for i in 0..100 {
            let body = format!("line {i} {}", "x".repeat(200));
            h.insert(&crate::store::history::tests::msg(
                &format!("ab:{i}"),
                &body,
                i,
            ))
            .unwrap();
        }
        let pages: i64 = h
            .conn()
            .query_row("PRAGMA page_count", [], |r| r.get(0))
            .unwrap();
        let page_size: i64 = h
            .conn()
            .query_row("PRAGMA page_size", [], |r| r.get(0))
            .unwrap();
        // 100 small commits stay under the backstop, so the writer does not checkpoint:
        // only the thread can grow the database file to hold every page.
        let deadline = Instant::now() + CHECKPOINT_EVERY * 10;
        loop {
            let len = std::fs::metadata(&path).unwrap().len();
            if len >= (pages * page_size) as u64 {
                break;
            }
            assert!(
                Instant::now() < deadline,
                "database file still {len} bytes, want {}",
                pages * page_size
            );
            std::thread::sleep(Duration::from_millis(50));
        }
        drop(h);
        let h = History::open(&path).unwrap();
        assert_eq!(h.last_row(), 100);
    }
}
