//! Known keys (trust on first use): which key was first seen under which name, which keys the
//! user verified (`/trust`) and which are blocked. Kept in the history database, looked up by
//! the folded name (indexed), bounded by [`MAX_KNOWN_KEYS`].

use super::history::{one_line, History, StoreResult};
use p2pchat_engine::node::sanitize::fold_name;
use rusqlite::{params, Connection, OptionalExtension};

pub use p2pchat_engine::limits::MAX_KNOWN_KEYS;

/// Brings the keys table of any earlier schema up to date: the folded-name and last-seen
/// columns (filled for existing rows) and their indexes. Safe to run on every open.
pub(super) fn migrate(db: &Connection) -> rusqlite::Result<()> {
    let columns: Vec<String> = db
        .prepare("PRAGMA table_info(keys)")?
        .query_map([], |r| r.get::<_, String>(1))?
        .collect::<rusqlite::Result<_>>()?;
    if !columns.iter().any(|c| c == "folded") {
        db.execute_batch(
            "ALTER TABLE keys ADD COLUMN folded TEXT NOT NULL DEFAULT '';
             ALTER TABLE keys ADD COLUMN last_seen INTEGER NOT NULL DEFAULT 0;
             UPDATE keys SET last_seen = first_seen;",
        )?;
        let rows: Vec<(String, String)> = db
            .prepare("SELECT id, name FROM keys")?
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<rusqlite::Result<_>>()?;
        let mut update = db.prepare("UPDATE keys SET folded = ?2 WHERE id = ?1")?;
        for (id, name) in rows {
            update.execute(params![id, fold_name(&name)])?;
        }
    }
    db.execute_batch(
        "CREATE INDEX IF NOT EXISTS keys_folded ON keys(folded);
         CREATE INDEX IF NOT EXISTS keys_last_seen ON keys(last_seen);",
    )
}

/// What is remembered about one key.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KnownKey {
    pub id: String,
    pub name: String,
    pub first_seen: i64,
    pub trusted: bool,
    pub blocked: bool,
}

/// What seeing a key under a name means.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Sighting {
    /// Never seen before, and the name was free: remembered now.
    New,
    /// Seen before.
    Known(KnownKey),
    /// The name was first seen with other keys (these): possible impersonation, unless the
    /// user trusts this key.
    NameClash { others: Vec<KnownKey> },
}

impl History {
    /// Records that key `id` appeared under `name` at `now_ms` and says what that means. Names
    /// are compared folded ([`fold_name`]): a look-alike of a known name is a clash too.
    pub fn sight_key(&self, id: &str, name: &str, now_ms: i64) -> StoreResult<Sighting> {
        let known = self.key(id)?;
        let folded = fold_name(name);
        let others: Vec<KnownKey> = self
            .keys_folded(&folded)?
            .into_iter()
            .filter(|k| k.id != id)
            .filter(|k| {
                known
                    .as_ref()
                    .is_none_or(|me| k.first_seen <= me.first_seen)
            })
            .collect();
        match known {
            Some(k) => {
                self.conn()
                    .execute(
                        "UPDATE keys SET name = ?2, folded = ?3, last_seen = ?4 WHERE id = ?1",
                        params![id, name, folded, now_ms],
                    )
                    .map_err(|e| one_line(&e))?;
                if others.is_empty() || k.trusted {
                    Ok(Sighting::Known(KnownKey {
                        name: name.into(),
                        ..k
                    }))
                } else {
                    Ok(Sighting::NameClash { others })
                }
            }
            None => {
                self.conn()
                    .execute(
                        "INSERT INTO keys (id, name, folded, first_seen, last_seen)
                         VALUES (?1, ?2, ?3, ?4, ?4)",
                        params![id, name, folded, now_ms],
                    )
                    .map_err(|e| one_line(&e))?;
                self.forget_stale_keys(MAX_KNOWN_KEYS)?;
                if others.is_empty() {
                    Ok(Sighting::New)
                } else {
                    Ok(Sighting::NameClash { others })
                }
            }
        }
    }

    pub fn key(&self, id: &str) -> StoreResult<Option<KnownKey>> {
        self.conn()
            .query_row(
                "SELECT id, name, first_seen, trusted, blocked FROM keys WHERE id = ?1",
                [id],
                known_key,
            )
            .optional()
            .map_err(|e| one_line(&e))
    }

    /// Keys seen under `name` or a name that looks the same (see [`fold_name`]), oldest first.
    pub fn keys_named(&self, name: &str) -> StoreResult<Vec<KnownKey>> {
        self.keys_folded(&fold_name(name))
    }

    /// Keys whose folded name is `folded` (an index lookup), oldest first.
    fn keys_folded(&self, folded: &str) -> StoreResult<Vec<KnownKey>> {
        let mut stmt = self
            .conn()
            .prepare_cached(
                "SELECT id, name, first_seen, trusted, blocked FROM keys
                 WHERE folded = ?1 ORDER BY first_seen, id",
            )
            .map_err(|e| one_line(&e))?;
        stmt.query_map([folded], known_key)
            .and_then(|it| it.collect())
            .map_err(|e| one_line(&e))
    }

    /// Records this profile's own key under its own name, as the oldest and a verified key:
    /// any other key under a name that looks like it is then a clash, warned about.
    pub fn claim_own_key(&self, id: &str, name: &str, now_ms: i64) -> StoreResult<()> {
        self.conn()
            .execute(
                "INSERT INTO keys (id, name, folded, first_seen, last_seen, trusted)
                 VALUES (?1, ?2, ?3, 0, ?4, 1)
                 ON CONFLICT(id) DO UPDATE SET name = ?2, folded = ?3, first_seen = 0,
                     last_seen = ?4, trusted = 1",
                params![id, name, fold_name(name), now_ms],
            )
            .map(|_| ())
            .map_err(|e| one_line(&e))
    }

    /// How many keys are remembered.
    pub fn key_count(&self) -> StoreResult<usize> {
        self.conn()
            .query_row("SELECT count(*) FROM keys", [], |r| r.get::<_, i64>(0))
            .map(|n| n as usize)
            .map_err(|e| one_line(&e))
    }

    /// Keeps at most `max` keys: forgets the unverified, unblocked keys seen longest ago.
    /// Forgets a tenth more than needed at once, so a stream of new keys costs one delete per
    /// many inserts.
    pub fn forget_stale_keys(&self, max: usize) -> StoreResult<usize> {
        let count = self.key_count()?;
        if count <= max {
            return Ok(0);
        }
        let excess = count - max + max / 10;
        self.conn()
            .execute(
                "DELETE FROM keys WHERE id IN (SELECT id FROM keys
                 WHERE trusted = 0 AND blocked = 0 ORDER BY last_seen, id LIMIT ?1)",
                [excess as i64],
            )
            .map_err(|e| one_line(&e))
    }

    /// Every known key, oldest first.
    pub fn all_keys(&self) -> StoreResult<Vec<KnownKey>> {
        let mut stmt = self
            .conn()
            .prepare_cached(
                "SELECT id, name, first_seen, trusted, blocked FROM keys ORDER BY first_seen, id",
            )
            .map_err(|e| one_line(&e))?;
        stmt.query_map([], known_key)
            .and_then(|it| it.collect())
            .map_err(|e| one_line(&e))
    }

    pub fn set_trusted(&self, id: &str, trusted: bool) -> StoreResult<()> {
        self.set_flag(id, "trusted", trusted)
    }

    pub fn set_blocked(&self, id: &str, blocked: bool) -> StoreResult<()> {
        self.set_flag(id, "blocked", blocked)
    }

    fn set_flag(&self, id: &str, column: &str, on: bool) -> StoreResult<()> {
        self.conn()
            .execute(
                &format!("UPDATE keys SET {column} = ?2 WHERE id = ?1"),
                params![id, on],
            )
            .map(|_| ())
            .map_err(|e| one_line(&e))
    }
}

fn known_key(r: &rusqlite::Row<'_>) -> rusqlite::Result<KnownKey> {
    Ok(KnownKey {
        id: r.get(0)?,
        name: r.get(1)?,
        first_seen: r.get(2)?,
        trusted: r.get(3)?,
        blocked: r.get(4)?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn first_key_under_a_name_wins_and_a_second_is_a_clash_until_trusted() {
        let h = History::in_memory();
        assert_eq!(h.sight_key("k1", "Bob", 1).unwrap(), Sighting::New);
        assert!(matches!(
            h.sight_key("k1", "Bob", 2).unwrap(),
            Sighting::Known(_)
        ));
        let Sighting::NameClash { others } = h.sight_key("k2", "bob", 3).unwrap() else {
            panic!("expected a clash")
        };
        assert_eq!(others[0].id, "k1");
        // The original key stays the one the name belongs to.
        assert!(matches!(
            h.sight_key("k1", "Bob", 4).unwrap(),
            Sighting::Known(_)
        ));
        assert!(matches!(
            h.sight_key("k2", "Bob", 5).unwrap(),
            Sighting::NameClash { .. }
        ));
        h.set_trusted("k2", true).unwrap();
        assert!(matches!(
            h.sight_key("k2", "Bob", 6).unwrap(),
            Sighting::Known(KnownKey { trusted: true, .. })
        ));
        h.set_blocked("k1", true).unwrap();
        assert!(h.key("k1").unwrap().unwrap().blocked);
        assert_eq!(h.all_keys().unwrap().len(), 2);
    }

    #[test]
    fn a_look_alike_name_is_a_clash_and_so_is_a_name_like_our_own() {
        let h = History::in_memory();
        h.claim_own_key("me", "Alice", 1).unwrap();
        assert_eq!(h.sight_key("k1", "Bob", 1).unwrap(), Sighting::New);
        for (n, look_alike) in ["Вob", "B\u{200B}ob", "ＢＯＢ"].iter().enumerate() {
            let id = format!("x{n}");
            let Sighting::NameClash { others } = h.sight_key(&id, look_alike, 2).unwrap() else {
                panic!("{look_alike:?} not a clash")
            };
            assert_eq!(others[0].id, "k1");
        }
        let Sighting::NameClash { others } = h.sight_key("evil", "Аlice", 3).unwrap() else {
            panic!("a look-alike of our own name is a clash")
        };
        assert_eq!(others[0].id, "me");
    }

    #[test]
    fn the_keys_table_is_bounded_and_keeps_verified_and_blocked_keys() {
        let h = History::in_memory();
        h.sight_key("trusted", "T", 0).unwrap();
        h.set_trusted("trusted", true).unwrap();
        h.sight_key("blocked", "B", 0).unwrap();
        h.set_blocked("blocked", true).unwrap();
        for i in 0..(MAX_KNOWN_KEYS + 500) {
            h.sight_key(&format!("s{i}"), &format!("n{i}"), 1 + i as i64)
                .unwrap();
        }
        assert!(h.key_count().unwrap() <= MAX_KNOWN_KEYS);
        assert!(h.key("trusted").unwrap().is_some());
        assert!(h.key("blocked").unwrap().is_some());
        // The newest stay, the longest unseen went.
        assert!(h
            .key(&format!("s{}", MAX_KNOWN_KEYS + 499))
            .unwrap()
            .is_some());
        assert!(h.key("s0").unwrap().is_none());
    }

    #[test]
    fn an_old_keys_table_is_migrated_and_its_name_lookup_uses_the_index() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("history.db");
        {
            let db = Connection::open(&path).unwrap();
            db.execute_batch(
                "CREATE TABLE keys (id TEXT PRIMARY KEY, name TEXT NOT NULL,
                   first_seen INTEGER NOT NULL, trusted INTEGER NOT NULL DEFAULT 0,
                   blocked INTEGER NOT NULL DEFAULT 0);
                 INSERT INTO keys (id, name, first_seen) VALUES ('k1', 'Alice', 5);
                 PRAGMA user_version=2;",
            )
            .unwrap();
        }
        let h = History::open(&path).unwrap();
        // The old row got its folded name: a look-alike of it clashes.
        let Sighting::NameClash { others } = h.sight_key("k2", "ALİCE\u{00AD}", 9).unwrap() else {
            panic!("the migrated key's name is not found folded")
        };
        assert_eq!(others[0].id, "k1");
        let plan: String = h
            .conn()
            .query_row(
                "EXPLAIN QUERY PLAN SELECT id FROM keys WHERE folded = 'alice'",
                [],
                |r| r.get(3),
            )
            .unwrap();
        assert!(plan.contains("keys_folded"), "{plan}");
    }
}
