//! The `room` columns (schema 4): which room each stored room message and each kept signed
//! original belongs to, so history, search and the sync index can be read per room.
//!
//! Rows from before rooms existed are `#general` (the room of a payload without a `room`
//! member); private and system lines have no room (NULL).

use super::history::{one_line, History, StoreResult};

impl History {
    /// Adds the `room` columns and their indexes to a database that lacks them; rows already
    /// stored are `#general` (room messages) or NULL (everything else).
    pub(super) fn add_room_columns(&self) -> StoreResult<()> {
        let has = |table: &str| -> StoreResult<bool> {
            self.conn()
                .query_row(
                    &format!(
                        "SELECT COUNT(*) FROM pragma_table_info('{table}') WHERE name = 'room'"
                    ),
                    [],
                    |r| r.get::<_, i64>(0),
                )
                .map(|n| n > 0)
                .map_err(|e| one_line(&e))
        };
        if !has("messages")? {
            self.conn()
                .execute_batch(
                    "ALTER TABLE messages ADD COLUMN room TEXT;
                     UPDATE messages SET room = '#general' WHERE kind IN ('message', 'sent');",
                )
                .map_err(|e| one_line(&e))?;
        }
        if !has("relayable")? {
            self.conn()
                .execute_batch(
                    "ALTER TABLE relayable ADD COLUMN room TEXT NOT NULL DEFAULT '#general';",
                )
                .map_err(|e| one_line(&e))?;
        }
        self.conn()
            .execute_batch(
                "CREATE INDEX IF NOT EXISTS messages_room ON messages(room, row);
                 CREATE INDEX IF NOT EXISTS relayable_room ON relayable(room, ts);",
            )
            .map_err(|e| one_line(&e))
    }

    /// Replaces a stored room message's body after its author's edit (`(edited)` appended).
    pub fn edit_body(&self, msg_id: &str, body: &str) -> StoreResult<()> {
        self.conn()
            .execute(
                "UPDATE messages SET body = ?2 || ' (edited)' WHERE msg_id = ?1 AND room IS NOT NULL",
                rusqlite::params![msg_id, body],
            )
            .map(|_| ())
            .map_err(|e| one_line(&e))
    }

    /// Forgets a deleted room message: its line says so, its signed original, its reactions
    /// and the signed originals of its edits are gone.
    pub fn delete_message(&self, msg_id: &str) -> StoreResult<()> {
        self.conn()
            .execute_batch("SAVEPOINT del")
            .map_err(|e| one_line(&e))?;
        let gone = |sql: &str| -> rusqlite::Result<Vec<(String, i64)>> {
            let mut stmt = self.conn().prepare_cached(sql)?;
            let rows = stmt.query_map([msg_id], |r| Ok((r.get(0)?, r.get(1)?)))?;
            rows.collect()
        };
        let done = self
            .conn()
            .execute(
                "UPDATE messages SET body = 'message deleted' WHERE msg_id = ?1 AND room IS NOT NULL",
                [msg_id],
            )
            .and_then(|_| {
                self.conn()
                    .execute("DELETE FROM reactions WHERE msg_id = ?1", [msg_id])
            })
            .and_then(|_| gone("DELETE FROM relayable WHERE msg_id = ?1 RETURNING author, size"))
            .and_then(|mut rows| {
                // An edit's signed original holds the edited text: it goes too.
                rows.extend(gone(
                    "DELETE FROM relayable WHERE json_valid(payload)
                     AND json_extract(payload, '$.act') = 'edit'
                     AND json_extract(payload, '$.target') = ?1 RETURNING author, size",
                )?);
                Ok(rows)
            });
        let end = if done.is_ok() {
            "RELEASE del"
        } else {
            "ROLLBACK TO del; RELEASE del"
        };
        self.conn().execute_batch(end).map_err(|e| one_line(&e))?;
        for (author, size) in done.map_err(|e| one_line(&e))? {
            self.forgot(&author, size.max(0) as u64);
        }
        Ok(())
    }

    /// The rooms of the stored room messages, with how many each has, by name.
    pub fn room_counts(&self) -> StoreResult<Vec<(String, u64)>> {
        let mut stmt = self
            .conn()
            .prepare_cached(
                "SELECT room, COUNT(*) FROM messages WHERE room IS NOT NULL
                 GROUP BY room ORDER BY room",
            )
            .map_err(|e| one_line(&e))?;
        let rows = stmt
            .query_map([], |r| {
                Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)? as u64))
            })
            .and_then(|it| it.collect())
            .map_err(|e| one_line(&e));
        rows
    }
}

#[cfg(test)]
mod tests {
    use crate::store::history::History;
    use rusqlite::Connection;

    #[test]
    fn a_schema_3_database_gains_room_columns_and_its_messages_are_general() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("history.db");
        {
            let db = Connection::open(&path).unwrap();
            db.execute_batch(
                "CREATE TABLE messages (row INTEGER PRIMARY KEY AUTOINCREMENT, msg_id TEXT UNIQUE,
                   kind TEXT NOT NULL, author TEXT NOT NULL, author_name TEXT NOT NULL, peer TEXT,
                   body TEXT NOT NULL, ts INTEGER NOT NULL, signed INTEGER NOT NULL,
                   backfilled INTEGER NOT NULL DEFAULT 0, status TEXT, peer_name TEXT,
                   size INTEGER NOT NULL DEFAULT 0);
                 CREATE TABLE relayable (msg_id TEXT PRIMARY KEY, author TEXT NOT NULL,
                   ts INTEGER NOT NULL, payload TEXT NOT NULL, sig TEXT NOT NULL,
                   size INTEGER NOT NULL DEFAULT 0);
                 INSERT INTO messages (msg_id, kind, author, author_name, body, ts, signed)
                   VALUES ('a:1', 'message', 'a', 'Ann', 'old hello', 1, 1);
                 INSERT INTO messages (msg_id, kind, author, author_name, peer, body, ts, signed)
                   VALUES ('a:2', 'dm_in', 'a', 'Ann', 'a', 'old secret', 2, 1);
                 INSERT INTO relayable (msg_id, author, ts, payload, sig)
                   VALUES ('a:1', 'a', 1, '{}', '00');
                 PRAGMA user_version=3;",
            )
            .unwrap();
        }
        let h = History::open(&path).unwrap();
        let (general, _) = h.page(None, 10, Some("#general")).unwrap();
        assert_eq!(
            general.iter().map(|e| e.body.as_str()).collect::<Vec<_>>(),
            vec!["old hello"]
        );
        assert_eq!(general[0].room.as_deref(), Some("#general"));
        let (all, _) = h.page(None, 10, None).unwrap();
        assert_eq!(all.len(), 2);
        assert_eq!(all[1].room, None, "a private line has no room");
        assert_eq!(h.room_counts().unwrap(), vec![("#general".to_string(), 1)]);
        let relay_room: String = h
            .conn()
            .query_row("SELECT room FROM relayable", [], |r| r.get(0))
            .unwrap();
        assert_eq!(relay_room, "#general");
        // Schema 5: the reactions table is there too.
        h.set_reaction("a:1", "👍", "b", true).unwrap();
        assert_eq!(h.reaction_counts("a:1").unwrap(), vec![("👍".into(), 1)]);
        drop(h);
        History::open(&path).expect("opens again at schema 5");
    }
}
