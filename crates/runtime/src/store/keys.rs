//! Known keys (trust on first use): which key was first seen under which name, which keys the
//! user verified (`/trust`) and which are blocked. Kept in the history database.

use super::history::{one_line, History, StoreResult};
use rusqlite::{params, OptionalExtension};

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
    /// Records that key `id` appeared under `name` at `now_ms` and says what that means.
    pub fn sight_key(&self, id: &str, name: &str, now_ms: i64) -> StoreResult<Sighting> {
        let known = self.key(id)?;
        let others: Vec<KnownKey> = self
            .keys_named(name)?
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
                if k.name != name {
                    self.conn()
                        .execute("UPDATE keys SET name = ?2 WHERE id = ?1", params![id, name])
                        .map_err(|e| one_line(&e))?;
                }
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
                        "INSERT INTO keys (id, name, first_seen) VALUES (?1, ?2, ?3)",
                        params![id, name, now_ms],
                    )
                    .map_err(|e| one_line(&e))?;
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

    /// Keys seen under `name` (case-insensitive), oldest first.
    pub fn keys_named(&self, name: &str) -> StoreResult<Vec<KnownKey>> {
        let mut stmt = self
            .conn()
            .prepare_cached(
                "SELECT id, name, first_seen, trusted, blocked FROM keys
                 WHERE lower(name) = lower(?1) ORDER BY first_seen, id",
            )
            .map_err(|e| one_line(&e))?;
        stmt.query_map([name], known_key)
            .and_then(|it| it.collect())
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
}
