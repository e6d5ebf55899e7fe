//! What the store keeps for other peers: signed broadcast originals for history sync, and the
//! outbox of private messages waiting for their recipients' acknowledgement.

use super::history::{one_line, History, StoreResult};
use super::quota::{row_size, OUTBOX};
use rusqlite::{params, OptionalExtension};

impl History {
    /// Keeps a signed broadcast message's original payload for history sync.
    pub fn keep_relayable(
        &self,
        msg_id: &str,
        author: &str,
        ts: i64,
        room: &str,
        payload: &str,
        sig: &str,
    ) -> StoreResult<()> {
        let size = row_size(&[payload, sig, msg_id, author]);
        let n = self
            .conn()
            .execute(
                "INSERT OR IGNORE INTO relayable (msg_id, author, ts, payload, sig, size, room)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                params![msg_id, author, ts, payload, sig, size as i64, room],
            )
            .map_err(|e| one_line(&e))?;
        if n == 1 {
            self.stored(author, size);
        }
        Ok(())
    }

    /// The kept originals with these ids, skipping `except`'s authors: `(payload, sig)`
    /// pairs, in the order asked.
    pub fn relayable_by_ids(
        &self,
        msg_ids: &[String],
        except: &[String],
    ) -> StoreResult<Vec<(String, String)>> {
        let mut stmt = self
            .conn()
            .prepare_cached("SELECT author, payload, sig FROM relayable WHERE msg_id = ?1")
            .map_err(|e| one_line(&e))?;
        let mut out = Vec::new();
        for id in msg_ids {
            let row = stmt
                .query_row([id], |r| {
                    Ok((
                        r.get::<_, String>(0)?,
                        r.get::<_, String>(1)?,
                        r.get::<_, String>(2)?,
                    ))
                })
                .optional()
                .map_err(|e| one_line(&e))?;
            if let Some((author, payload, sig)) = row {
                if !except.contains(&author) {
                    out.push((payload, sig));
                }
            }
        }
        Ok(out)
    }

    /// What is kept with `ts >= since`, the newest `limit`: `(msg_id, ts, prev)` with `prev`
    /// the payload's optional link (history sync's index at start).
    pub fn relayable_index(
        &self,
        since: i64,
        limit: usize,
    ) -> StoreResult<Vec<(String, i64, Option<i64>)>> {
        let mut stmt = self
            .conn()
            .prepare_cached(
                "SELECT msg_id, ts, json_extract(payload, '$.prev') FROM relayable
                 WHERE ts >= ?1 ORDER BY ts DESC LIMIT ?2",
            )
            .map_err(|e| one_line(&e))?;
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        stmt.query_map(params![since, limit], |r| {
            Ok((
                r.get(0)?,
                r.get(1)?,
                r.get::<_, Option<i64>>(2).unwrap_or(None),
            ))
        })
        .and_then(|it| it.collect())
        .map_err(|e| one_line(&e))
    }

    /// The kept delete acts with `ts >= since`, the newest `limit`: `(act msg_id, target, ts,
    /// edits)` with `edits` the JSON array of the edit seqs it names, if any.
    #[allow(clippy::type_complexity)]
    pub fn deleted_targets(
        &self,
        since: i64,
        limit: usize,
    ) -> StoreResult<Vec<(String, String, i64, Option<String>)>> {
        let mut stmt = self
            .conn()
            .prepare_cached(
                "SELECT msg_id, json_extract(payload, '$.target'), ts,
                        json_extract(payload, '$.edits') FROM relayable
                 WHERE ts >= ?1 AND json_valid(payload)
                   AND json_extract(payload, '$.act') = 'delete'
                   AND json_type(payload, '$.target') = 'text'
                 ORDER BY ts DESC LIMIT ?2",
            )
            .map_err(|e| one_line(&e))?;
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        stmt.query_map(params![since, limit], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3).unwrap_or(None)))
        })
        .and_then(|it| it.collect())
        .map_err(|e| one_line(&e))
    }

    /// Forgets kept originals older than `before` (they are past the retention window).
    pub fn prune_relayable(&self, before: i64) -> StoreResult<usize> {
        let mut stmt = self
            .conn()
            .prepare("DELETE FROM relayable WHERE ts < ?1 RETURNING author, size")
            .map_err(|e| one_line(&e))?;
        let gone: Vec<(String, i64)> = stmt
            .query_map([before], |r| Ok((r.get(0)?, r.get(1)?)))
            .and_then(|it| it.collect())
            .map_err(|e| one_line(&e))?;
        for (author, size) in &gone {
            self.forgot(author, (*size).max(0) as u64);
        }
        Ok(gone.len())
    }

    /// Keeps a private message until its recipient acknowledges it.
    pub fn keep_outbox(
        &self,
        msg_id: &str,
        recipient: &str,
        ts: i64,
        payload: &str,
        sig: &str,
    ) -> StoreResult<()> {
        let size = row_size(&[payload, sig, msg_id, recipient]);
        let n = self
            .conn()
            .execute(
                "INSERT OR IGNORE INTO outbox (msg_id, recipient, ts, payload, sig, size)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                params![msg_id, recipient, ts, payload, sig, size as i64],
            )
            .map_err(|e| one_line(&e))?;
        if n == 1 {
            self.stored(OUTBOX, size);
        }
        Ok(())
    }

    /// What waits for `recipient`, oldest first: `(payload, sig)` pairs.
    pub fn outbox_for(&self, recipient: &str) -> StoreResult<Vec<(String, String)>> {
        let mut stmt = self
            .conn()
            .prepare_cached(
                "SELECT payload, sig FROM outbox WHERE recipient = ?1 ORDER BY ts, msg_id",
            )
            .map_err(|e| one_line(&e))?;
        stmt.query_map([recipient], |r| Ok((r.get(0)?, r.get(1)?)))
            .and_then(|it| it.collect())
            .map_err(|e| one_line(&e))
    }

    /// `recipient` acknowledged `msg_id`: out of the outbox, marked delivered. False if it
    /// was not waiting (a repeated acknowledgement).
    pub fn delivered(&self, msg_id: &str, recipient: &str) -> StoreResult<bool> {
        let size: Option<i64> = self
            .conn()
            .query_row(
                "DELETE FROM outbox WHERE msg_id = ?1 AND recipient = ?2 RETURNING size",
                params![msg_id, recipient],
                |r| r.get(0),
            )
            .optional()
            .map_err(|e| one_line(&e))?;
        if let Some(size) = size {
            self.forgot(OUTBOX, size.max(0) as u64);
            self.set_status(msg_id, "delivered")?;
        }
        Ok(size.is_some())
    }

    pub fn set_status(&self, msg_id: &str, status: &str) -> StoreResult<()> {
        self.conn()
            .execute(
                "UPDATE messages SET status = ?2 WHERE msg_id = ?1",
                params![msg_id, status],
            )
            .map(|_| ())
            .map_err(|e| one_line(&e))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relayable_by_id_and_the_index_with_prev_links() {
        let h = History::in_memory();
        h.keep_relayable("a:1", "a", 10, "#general", r#"{"seq":1}"#, "s")
            .unwrap();
        h.keep_relayable("a:2", "a", 20, "#general", r#"{"seq":2,"prev":1}"#, "s")
            .unwrap();
        h.keep_relayable("b:7", "b", 30, "#general", r#"{"seq":7}"#, "s")
            .unwrap();
        let ids = ["a:2".to_string(), "x:1".into(), "b:7".into()];
        let got = h.relayable_by_ids(&ids, &["b".into()]).unwrap();
        assert_eq!(got, vec![(r#"{"seq":2,"prev":1}"#.into(), "s".into())]);
        let index = h.relayable_index(15, 10).unwrap();
        assert_eq!(
            index,
            vec![("b:7".into(), 30, None), ("a:2".into(), 20, Some(1))]
        );
    }

    #[test]
    fn a_delete_drops_its_edits_originals_and_is_listed_with_the_edits_it_names() {
        let h = History::in_memory();
        h.insert(&crate::store::HistoryEntry {
            room: Some("#general".into()),
            ..crate::store::history::tests::msg("a:1", "secret", 10)
        })
        .unwrap();
        h.keep_relayable(
            "a:1",
            "a",
            10,
            "#general",
            r#"{"seq":1,"body":"secret"}"#,
            "s",
        )
        .unwrap();
        let edit = r#"{"seq":2,"target":"a:1","act":"edit","body":"secret 2","prev":1}"#;
        h.keep_relayable("a:2", "a", 20, "#general", edit, "s")
            .unwrap();
        let delete = r#"{"seq":3,"target":"a:1","act":"delete","prev":2,"edits":[2]}"#;
        h.keep_relayable("a:3", "a", 30, "#general", delete, "s")
            .unwrap();
        let before = h.usage().total;
        h.delete_message("a:1").unwrap();
        let ids = ["a:1".to_string(), "a:2".into(), "a:3".into()];
        let left = h.relayable_by_ids(&ids, &[]).unwrap();
        assert_eq!(left, vec![(delete.to_string(), "s".to_string())]);
        assert!(
            h.usage().total < before,
            "what was dropped is no longer counted"
        );
        assert_eq!(
            h.deleted_targets(0, 10).unwrap(),
            vec![("a:3".into(), "a:1".into(), 30, Some("[2]".into()))]
        );
    }

    #[test]
    fn the_outbox_empties_on_the_recipients_acknowledgement_only() {
        let h = History::in_memory();
        h.keep_outbox("me:1", "bob", 1, "p1", "s").unwrap();
        h.keep_outbox("me:2", "bob", 2, "p2", "s").unwrap();
        assert_eq!(h.outbox_for("bob").unwrap().len(), 2);
        assert!(
            !h.delivered("me:1", "eve").unwrap(),
            "not Eve's to acknowledge"
        );
        assert!(h.delivered("me:1", "bob").unwrap());
        assert!(!h.delivered("me:1", "bob").unwrap(), "only once");
        assert_eq!(
            h.outbox_for("bob").unwrap(),
            vec![("p2".into(), "s".into())]
        );
    }
}
