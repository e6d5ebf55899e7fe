//! The `reactions` table (schema 5): who reacted to which stored room message with what, so
//! reaction counts survive a restart and the node can be told them at start. A message's
//! reactions go with it (pruned, or deleted by its author); at most
//! MAX_REACTIONS_PER_MESSAGE are kept per message.

use super::history::{one_line, History, StoreResult};
use p2pchat_engine::limits::MAX_REACTIONS_PER_MESSAGE;
use rusqlite::params;

/// The table and the trigger that forgets a message's reactions when its row goes.
pub(super) const REACTIONS_SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS reactions (
    msg_id      TEXT NOT NULL,
    emoji       TEXT NOT NULL,
    reactor     TEXT NOT NULL,
    seen        INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (msg_id, emoji, reactor)
);
CREATE TRIGGER IF NOT EXISTS reactions_follow_messages AFTER DELETE ON messages
BEGIN
    DELETE FROM reactions WHERE msg_id = OLD.msg_id;
END;
";

/// The body a deleted room message is stored with (see `History::delete_message`).
pub const DELETED_BODY: &str = "message deleted";

impl History {
    /// Records `reactor`'s reaction `emoji` on a stored, not deleted room message (`on`), or
    /// forgets it. A reaction to a message not stored, or past the bound, is not kept.
    pub fn set_reaction(
        &self,
        msg_id: &str,
        emoji: &str,
        reactor: &str,
        on: bool,
    ) -> StoreResult<()> {
        let done = if on {
            self.conn().execute(
                "INSERT OR IGNORE INTO reactions (msg_id, emoji, reactor, seen)
                 SELECT ?1, ?2, ?3, COALESCE((SELECT MAX(seen) FROM reactions), 0) + 1
                 WHERE EXISTS (SELECT 1 FROM messages WHERE msg_id = ?1 AND room IS NOT NULL
                               AND body != ?4)
                   AND (SELECT COUNT(*) FROM reactions WHERE msg_id = ?1) < ?5",
                params![
                    msg_id,
                    emoji,
                    reactor,
                    DELETED_BODY,
                    MAX_REACTIONS_PER_MESSAGE as i64
                ],
            )
        } else {
            self.conn().execute(
                "DELETE FROM reactions WHERE msg_id = ?1 AND emoji = ?2 AND reactor = ?3",
                params![msg_id, emoji, reactor],
            )
        };
        done.map(|_| ()).map_err(|e| one_line(&e))
    }

    /// A message's reactions as counts per emoji, in the order first stored.
    pub fn reaction_counts(&self, msg_id: &str) -> StoreResult<Vec<(String, u64)>> {
        let mut stmt = self
            .conn()
            .prepare_cached(
                "SELECT emoji, COUNT(*) FROM reactions WHERE msg_id = ?1
                 GROUP BY emoji ORDER BY MIN(seen)",
            )
            .map_err(|e| one_line(&e))?;
        stmt.query_map([msg_id], |r| {
            Ok((r.get(0)?, r.get::<_, i64>(1)?.max(0) as u64))
        })
        .and_then(|it| it.collect())
        .map_err(|e| one_line(&e))
    }

    /// Fills in the reaction counts of the room messages among `entries`.
    pub(super) fn with_reactions(&self, entries: &mut [super::HistoryEntry]) -> StoreResult<()> {
        for e in entries.iter_mut().filter(|e| e.room.is_some()) {
            if let Some(id) = &e.msg_id {
                e.reactions = self.reaction_counts(id)?;
            }
        }
        Ok(())
    }

    /// The newest `limit` stored room messages that are not deleted, oldest first:
    /// `(msg_id, room)`; and the reactions stored on them: `(msg_id, emoji, reactor)`.
    #[allow(clippy::type_complexity)]
    pub fn recent_room_messages(
        &self,
        limit: usize,
    ) -> StoreResult<(Vec<(String, String)>, Vec<(String, String, String)>)> {
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        let recent = "SELECT msg_id, room, row FROM messages
             WHERE room IS NOT NULL AND msg_id IS NOT NULL AND body != ?1
             ORDER BY row DESC LIMIT ?2";
        let mut stmt = self
            .conn()
            .prepare_cached(&format!("SELECT msg_id, room FROM ({recent}) ORDER BY row"))
            .map_err(|e| one_line(&e))?;
        let messages = stmt
            .query_map(params![DELETED_BODY, limit], |r| Ok((r.get(0)?, r.get(1)?)))
            .and_then(|it| it.collect::<Result<Vec<_>, _>>())
            .map_err(|e| one_line(&e))?;
        let mut stmt = self
            .conn()
            .prepare_cached(&format!(
                "SELECT msg_id, emoji, reactor FROM reactions
                 WHERE msg_id IN (SELECT msg_id FROM ({recent})) ORDER BY seen"
            ))
            .map_err(|e| one_line(&e))?;
        let reactions = stmt
            .query_map(params![DELETED_BODY, limit], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?))
            })
            .and_then(|it| it.collect::<Result<Vec<_>, _>>())
            .map_err(|e| one_line(&e))?;
        Ok((messages, reactions))
    }
}

#[cfg(test)]
mod tests {
    use crate::store::history::tests::msg;
    use crate::store::History;
    use p2pchat_engine::limits::MAX_REACTIONS_PER_MESSAGE;

    fn room_msg(id: &str, body: &str, ts: i64) -> crate::store::HistoryEntry {
        crate::store::HistoryEntry {
            room: Some("#general".into()),
            ..msg(id, body, ts)
        }
    }

    #[test]
    fn reactions_count_per_emoji_are_bounded_and_go_with_their_message() {
        let h = History::in_memory();
        h.insert(&room_msg("a:1", "hi", 1)).unwrap();
        h.insert(&room_msg("a:2", "bye", 2)).unwrap();
        h.set_reaction("a:1", "👍", "b", true).unwrap();
        h.set_reaction("a:1", "👍", "c", true).unwrap();
        h.set_reaction("a:1", "👍", "c", true).unwrap();
        h.set_reaction("a:1", "🎉", "b", true).unwrap();
        h.set_reaction("x:9", "👍", "b", true).unwrap(); // not stored: not kept
        assert_eq!(
            h.reaction_counts("a:1").unwrap(),
            vec![("👍".to_string(), 2), ("🎉".to_string(), 1)]
        );
        h.set_reaction("a:1", "🎉", "b", false).unwrap();
        let (page, _) = h.page(None, 10, None).unwrap();
        assert_eq!(page[0].reactions, vec![("👍".to_string(), 2)]);
        let (recent, reactions) = h.recent_room_messages(10).unwrap();
        assert_eq!(recent.len(), 2);
        assert_eq!(recent[0].0, "a:1", "oldest first");
        assert_eq!(reactions.len(), 2);
        for k in 0..MAX_REACTIONS_PER_MESSAGE + 5 {
            h.set_reaction("a:2", "👍", &format!("k{k}"), true).unwrap();
        }
        assert_eq!(
            h.reaction_counts("a:2").unwrap()[0].1,
            MAX_REACTIONS_PER_MESSAGE as u64
        );
        // A delete takes the message's reactions; pruning its row does too.
        h.delete_message("a:1").unwrap();
        assert!(h.reaction_counts("a:1").unwrap().is_empty());
        h.set_reaction("a:1", "👍", "b", true).unwrap();
        assert!(h.reaction_counts("a:1").unwrap().is_empty(), "deleted");
        let (recent, _) = h.recent_room_messages(10).unwrap();
        assert_eq!(recent, vec![("a:2".to_string(), "#general".to_string())]);
        h.conn()
            .execute("DELETE FROM messages WHERE msg_id = 'a:2'", [])
            .unwrap();
        assert!(h.reaction_counts("a:2").unwrap().is_empty());
    }
}
