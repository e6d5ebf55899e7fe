//! What the store keeps for other peers: signed broadcast originals for backfill, and the
//! outbox of private messages waiting for their recipients' acknowledgement.

use super::history::{one_line, History, StoreResult};
use super::quota::{row_size, OUTBOX};
use rusqlite::{params, OptionalExtension};

impl History {
    /// Keeps a signed broadcast message's original payload for backfill.
    pub fn keep_relayable(
        &self,
        msg_id: &str,
        author: &str,
        ts: i64,
        payload: &str,
        sig: &str,
    ) -> StoreResult<()> {
        let size = row_size(&[payload, sig, msg_id, author]);
        let n = self
            .conn()
            .execute(
                "INSERT OR IGNORE INTO relayable (msg_id, author, ts, payload, sig, size)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                params![msg_id, author, ts, payload, sig, size as i64],
            )
            .map_err(|e| one_line(&e))?;
        if n == 1 {
            self.stored(author, size);
        }
        Ok(())
    }

    /// Up to `limit` kept payloads with `ts >= since`, oldest first, skipping `except`'s
    /// authors: `(payload, sig)` pairs.
    pub fn relayable_since(
        &self,
        since: i64,
        limit: usize,
        except: &[String],
    ) -> StoreResult<Vec<(String, String)>> {
        let mut stmt = self
            .conn()
            .prepare_cached(
                "SELECT author, payload, sig FROM relayable WHERE ts >= ?1 ORDER BY ts DESC, msg_id",
            )
            .map_err(|e| one_line(&e))?;
        let rows = stmt
            .query_map([since], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                ))
            })
            .map_err(|e| one_line(&e))?;
        let mut out = Vec::new();
        for row in rows {
            let (author, payload, sig) = row.map_err(|e| one_line(&e))?;
            if except.contains(&author) {
                continue;
            }
            out.push((payload, sig));
            if out.len() == limit {
                break;
            }
        }
        out.reverse();
        Ok(out)
    }

    /// Forgets kept originals older than `before` (they are past the backfill window).
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
    fn relayable_gives_the_newest_since_oldest_first_skipping_some_authors() {
        let h = History::in_memory();
        for (i, author) in ["a", "b", "a", "a"].iter().enumerate() {
            let id = format!("{author}:{i}");
            h.keep_relayable(&id, author, i as i64 * 10, &format!("p{i}"), "s")
                .unwrap();
        }
        let got = h.relayable_since(10, 2, &["b".into()]).unwrap();
        assert_eq!(
            got,
            vec![("p2".into(), "s".into()), ("p3".into(), "s".into())]
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
