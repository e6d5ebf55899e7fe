//! The message history in SQLite (`history.db` in the profile, WAL mode): every line shown is
//! written here before it is shown, read back a page at a time, and searched.

use super::checkpoint::{Checkpointer, WalWatch, WAL_BACKSTOP_PAGES};
use super::quota::{row_size, Quota, Usage};
pub use p2pchat_engine::api::{EntryKind, HistoryEntry};
use rusqlite::{params, Connection, OpenFlags, OptionalExtension};

use std::cell::RefCell;
use std::path::Path;

/// Schema version kept in `PRAGMA user_version` (3: the `size` columns of `store::quota`;
/// 4: the `room` columns of `store::rooms`; 5: the `reactions` table of `store::reactions`).
const SCHEMA_VERSION: i64 = 5;
/// WAL_SIZE_LIMIT: the write-ahead log is truncated back to this after a checkpoint.
pub const WAL_SIZE_LIMIT: i64 = 4 * 1024 * 1024;

/// The stored name of a line's kind (the `kind` column).
fn kind_name(kind: EntryKind) -> &'static str {
    match kind {
        EntryKind::Message => "message",
        EntryKind::Sent => "sent",
        EntryKind::DmIn => "dm_in",
        EntryKind::DmOut => "dm_out",
        EntryKind::System => "system",
    }
}

/// A `kind` column back into the api type; anything unknown is a system line.
fn parse_kind(s: &str) -> EntryKind {
    match s {
        "message" => EntryKind::Message,
        "sent" => EntryKind::Sent,
        "dm_in" => EntryKind::DmIn,
        "dm_out" => EntryKind::DmOut,
        _ => EntryKind::System,
    }
}

/// After each commit of the writer: tell the checkpointer the log's size; at
/// WAL_BACKSTOP_PAGES (the checkpointer fell behind) checkpoint here, as SQLite's
/// wal_autocheckpoint would, so the log stays within its bound.
fn after_commit(watch: &WalWatch, wal: &mut rusqlite::hooks::Wal, pages: i64) {
    watch.committed(pages);
    if pages >= WAL_BACKSTOP_PAGES {
        watch
            .backstops
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        if let Err(e) = wal.checkpoint() {
            tracing::debug!("backstop checkpoint: {e}");
        }
    }
}

/// The open database.
pub struct History {
    db: Connection,
    pub(super) quota: Quota,
    /// Bytes stored per author, kept in step with the `size` columns.
    pub(super) usage: RefCell<Usage>,
    /// Checkpoints the log on its own thread (none for an in-memory database).
    _checkpointer: Option<Checkpointer>,
    /// What this connection tells the checkpointer after each commit.
    watch: Option<std::sync::Arc<WalWatch>>,
}

/// A failure, as one line naming the file.
pub type StoreResult<T> = Result<T, String>;

impl History {
    /// Opens (creating if needed) the database at `path`, in WAL mode. A file that is not a
    /// database, or a directory that cannot be written, is a one-line error naming the file.
    pub fn open(path: &Path) -> StoreResult<History> {
        let shown = path.display().to_string();
        let fail = |e: rusqlite::Error| format!("history database {shown}: {}", explain(&e));
        let db = Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_WRITE
                | OpenFlags::SQLITE_OPEN_CREATE
                | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
        .map_err(fail)?;
        // The checkpoint thread's RESTART (a flood only) holds off this writer while it copies
        // the rest of the log; a disk slower than this fails the write ("history is not being
        // saved").
        db.busy_timeout(std::time::Duration::from_secs(10))
            .map_err(fail)?;
        // journal_mode returns a row; the others do not.
        let mode: String = db
            .query_row("PRAGMA journal_mode=WAL", [], |r| r.get(0))
            .map_err(fail)?;
        if !mode.eq_ignore_ascii_case("wal") {
            return Err(format!(
                "history database {shown}: cannot use write-ahead logging (mode {mode})"
            ));
        }
        db.execute_batch(&format!(
            "PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;
             PRAGMA journal_size_limit={WAL_SIZE_LIMIT};"
        ))
        .map_err(fail)?;
        let version: i64 = db
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .map_err(fail)?;
        if version > SCHEMA_VERSION {
            return Err(format!(
                "history database {shown} was written by a newer version (schema {version})"
            ));
        }
        if version == 1 {
            db.execute_batch(
                "ALTER TABLE messages ADD COLUMN status TEXT;
                 ALTER TABLE messages ADD COLUMN peer_name TEXT;",
            )
            .map_err(fail)?;
        }
        let failed = |e: String| format!("history database {shown}: {e}");
        let mut h = History::with(db);
        h.db.execute_batch(SCHEMA).map_err(fail)?;
        super::keys::migrate(&h.db).map_err(fail)?;
        super::addresses::migrate(&h.db).map_err(fail)?;
        h.add_size_columns().map_err(failed)?;
        h.add_room_columns().map_err(failed)?;
        h.db.execute_batch(super::reactions::REACTIONS_SCHEMA)
            .map_err(fail)?;
        h.db.execute_batch(&format!("PRAGMA user_version={SCHEMA_VERSION}"))
            .map_err(fail)?;
        h.load_usage().map_err(failed)?;
        // With synchronous=NORMAL the only fsyncs are the checkpoint's: they run on the
        // checkpointer's thread, not on the caller's, which only reports its commits (this
        // hook takes the place of SQLite's wal_autocheckpoint).
        let (checkpointer, watch) = Checkpointer::start(path).map_err(failed)?;
        h.watch = Some(watch.clone());
        h.db.wal_hook(Some(
            move |wal: &mut rusqlite::hooks::Wal, pages: std::ffi::c_int| {
                after_commit(&watch, wal, i64::from(pages));
                Ok(())
            },
        ))
        .map_err(fail)?;
        Ok(History {
            _checkpointer: Some(checkpointer),
            ..h
        })
    }

    fn with(db: Connection) -> History {
        History {
            db,
            quota: Quota::default(),
            usage: RefCell::default(),
            _checkpointer: None,
            watch: None,
        }
    }

    /// An in-memory database, for tests.
    pub fn in_memory() -> History {
        let db = Connection::open_in_memory().expect("sqlite in memory");
        db.execute_batch(SCHEMA).expect("schema");
        super::keys::migrate(&db).expect("keys schema");
        super::addresses::migrate(&db).expect("addresses schema");
        let h = History::with(db);
        h.add_room_columns().expect("room columns");
        h.db.execute_batch(super::reactions::REACTIONS_SCHEMA)
            .expect("reactions schema");
        h
    }

    /// Times the writer checkpointed the log itself because the checkpoint thread fell
    /// behind (WAL_BACKSTOP_PAGES).
    pub fn backstop_checkpoints(&self) -> u64 {
        self.watch.as_ref().map_or(0, |w| {
            w.backstops.load(std::sync::atomic::Ordering::Relaxed)
        })
    }

    pub(crate) fn conn(&self) -> &Connection {
        &self.db
    }

    /// Stores one entry (its `row` is ignored). A message whose id is already stored is not
    /// stored twice; returns false then. The entry counts against its author's quota; an
    /// error says "disk full" when the disk (or database) is full.
    pub fn insert(&self, e: &HistoryEntry) -> StoreResult<bool> {
        let size = row_size(&[
            &e.body,
            &e.author_name,
            &e.author,
            e.msg_id.as_deref().unwrap_or(""),
            e.peer.as_deref().unwrap_or(""),
        ]);
        let n = self
            .db
            .execute(
                "INSERT OR IGNORE INTO messages
                 (msg_id, kind, author, author_name, peer, body, ts, signed, backfilled, status,
                  peer_name, size, room)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
                params![
                    e.msg_id,
                    kind_name(e.kind),
                    e.author,
                    e.author_name,
                    e.peer,
                    e.body,
                    e.ts,
                    e.signed,
                    e.backfilled,
                    e.status,
                    e.peer_name,
                    size as i64,
                    e.room
                ],
            )
            .map_err(|e| one_line(&e))?;
        if n == 1 {
            self.stored(&e.author, size);
        }
        Ok(n == 1)
    }

    /// Gives `author`'s lines stored under `placeholder` (its fingerprint, from before its
    /// name was known) the name `name`; returns how many.
    pub fn rename_author(&self, author: &str, placeholder: &str, name: &str) -> StoreResult<usize> {
        self.db
            .execute(
                "UPDATE messages SET author_name = ?3 WHERE author = ?1 AND author_name = ?2",
                params![author, placeholder, name],
            )
            .map_err(|e| one_line(&e))
    }

    /// The newest row stored so far (0 when empty).
    pub fn last_row(&self) -> i64 {
        self.db
            .query_row("SELECT COALESCE(MAX(row), 0) FROM messages", [], |r| {
                r.get(0)
            })
            .unwrap_or(0)
    }

    /// Whether a message id is stored.
    pub fn contains(&self, msg_id: &str) -> bool {
        self.db
            .query_row("SELECT 1 FROM messages WHERE msg_id = ?1", [msg_id], |_| {
                Ok(())
            })
            .optional()
            .ok()
            .flatten()
            .is_some()
    }

    /// Up to `limit` entries older than row `before` (or the newest), oldest first, and
    /// whether older ones remain.
    pub fn page(
        &self,
        before: Option<i64>,
        limit: usize,
        room: Option<&str>,
    ) -> StoreResult<(Vec<HistoryEntry>, bool)> {
        let before = before.unwrap_or(i64::MAX);
        let mut stmt = self
            .db
            .prepare_cached(&format!(
                "SELECT {COLUMNS} FROM messages WHERE row < ?1 AND (?3 IS NULL OR room = ?3)
                 ORDER BY row DESC LIMIT ?2"
            ))
            .map_err(|e| one_line(&e))?;
        let mut rows: Vec<HistoryEntry> = stmt
            .query_map(params![before, limit as i64 + 1, room], entry)
            .and_then(|it| it.collect())
            .map_err(|e| one_line(&e))?;
        let more = rows.len() > limit;
        rows.truncate(limit);
        rows.reverse();
        self.with_reactions(&mut rows)?;
        Ok((rows, more))
    }

    /// Up to `limit` entries whose body contains `text` (case-insensitive for ASCII),
    /// newest last.
    pub fn search(
        &self,
        text: &str,
        limit: usize,
        room: Option<&str>,
    ) -> StoreResult<Vec<HistoryEntry>> {
        let escaped = text
            .replace('\\', "\\\\")
            .replace('%', "\\%")
            .replace('_', "\\_");
        let mut stmt = self
            .db
            .prepare_cached(&format!(
                "SELECT {COLUMNS} FROM messages WHERE kind != 'system' AND body LIKE ?1 ESCAPE '\\'
                 AND (?3 IS NULL OR room = ?3) ORDER BY row DESC LIMIT ?2"
            ))
            .map_err(|e| one_line(&e))?;
        let mut rows: Vec<HistoryEntry> = stmt
            .query_map(params![format!("%{escaped}%"), limit as i64, room], entry)
            .and_then(|it| it.collect())
            .map_err(|e| one_line(&e))?;
        rows.reverse();
        self.with_reactions(&mut rows)?;
        Ok(rows)
    }
}

const COLUMNS: &str =
    "row, kind, msg_id, author, author_name, peer, body, ts, signed, backfilled, status, peer_name,
     room";

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS messages (
    row         INTEGER PRIMARY KEY AUTOINCREMENT,
    msg_id      TEXT UNIQUE,
    kind        TEXT NOT NULL,
    author      TEXT NOT NULL,
    author_name TEXT NOT NULL,
    peer        TEXT,
    body        TEXT NOT NULL,
    ts          INTEGER NOT NULL,
    signed      INTEGER NOT NULL,
    backfilled  INTEGER NOT NULL DEFAULT 0,
    status      TEXT,
    peer_name   TEXT,
    size        INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS outbox (
    msg_id      TEXT PRIMARY KEY,
    recipient   TEXT NOT NULL,
    ts          INTEGER NOT NULL,
    payload     TEXT NOT NULL,
    sig         TEXT NOT NULL,
    size        INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS messages_ts ON messages(ts);
CREATE INDEX IF NOT EXISTS messages_author ON messages(author);
CREATE INDEX IF NOT EXISTS outbox_ts ON outbox(ts);
CREATE TABLE IF NOT EXISTS relayable (
    msg_id      TEXT PRIMARY KEY,
    author      TEXT NOT NULL,
    ts          INTEGER NOT NULL,
    payload     TEXT NOT NULL,
    sig         TEXT NOT NULL,
    size        INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS relayable_ts ON relayable(ts);
CREATE INDEX IF NOT EXISTS relayable_author ON relayable(author);
CREATE TABLE IF NOT EXISTS keys (
    id          TEXT PRIMARY KEY,
    name        TEXT NOT NULL,
    first_seen  INTEGER NOT NULL,
    trusted     INTEGER NOT NULL DEFAULT 0,
    blocked     INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS keys_name ON keys(name);
";

fn entry(r: &rusqlite::Row<'_>) -> rusqlite::Result<HistoryEntry> {
    Ok(HistoryEntry {
        row: r.get(0)?,
        kind: parse_kind(&r.get::<_, String>(1)?),
        msg_id: r.get(2)?,
        author: r.get(3)?,
        author_name: r.get(4)?,
        peer: r.get(5)?,
        body: r.get(6)?,
        ts: r.get(7)?,
        signed: r.get(8)?,
        backfilled: r.get(9)?,
        status: r.get(10)?,
        peer_name: r.get(11)?,
        room: r.get(12)?,
        reactions: Vec::new(),
    })
}

/// An open failure in words a user can act on.
fn explain(e: &rusqlite::Error) -> String {
    use rusqlite::ErrorCode;
    match e.sqlite_error_code() {
        Some(ErrorCode::NotADatabase) => {
            "is damaged (not a SQLite database); move it away to start a fresh history".into()
        }
        Some(ErrorCode::CannotOpen | ErrorCode::ReadOnly | ErrorCode::PermissionDenied) => {
            "cannot be opened for writing; check that the profile directory is writable".into()
        }
        Some(ErrorCode::DatabaseCorrupt) => {
            "is corrupt; move it away to start a fresh history".into()
        }
        _ => one_line(e),
    }
}

/// A failure as one line; a full disk says so first.
pub(crate) fn one_line(e: &rusqlite::Error) -> String {
    let text = e.to_string().replace('\n', " ");
    if is_full(e) {
        format!("{DISK_FULL} ({text})")
    } else {
        text
    }
}

/// How a full disk (or a database at its page limit) starts its error.
pub const DISK_FULL: &str = "disk full";

fn is_full(e: &rusqlite::Error) -> bool {
    e.sqlite_error_code() == Some(rusqlite::ErrorCode::DiskFull)
}

#[cfg(test)]
#[path = "history_tests.rs"]
pub(crate) mod tests;
