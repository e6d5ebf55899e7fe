//! The address book: (peer, address) pairs that worked, kept in the history database so that
//! a network once joined is rejoined at start without broadcast or `--peer`. Bounded by
//! MAX_ADDRESS_BOOK (the pair that worked longest ago is forgotten).

use super::history::{History, StoreResult};
use p2pchat_engine::limits::MAX_ADDRESS_BOOK;
use p2pchat_engine::wire::PeerId;
use rusqlite::{params, Connection};
use std::net::SocketAddr;

/// Creates the table if it is not there. Safe to run on every open.
pub(super) fn migrate(db: &Connection) -> rusqlite::Result<()> {
    db.execute_batch(
        "CREATE TABLE IF NOT EXISTS addresses (
             id TEXT NOT NULL,
             addr TEXT NOT NULL,
             last_ok INTEGER NOT NULL,
             PRIMARY KEY (id, addr)
         );
         CREATE INDEX IF NOT EXISTS addresses_last_ok ON addresses(last_ok);",
    )
}

impl History {
    /// Remembers that `addr` reached `id` at `now_ms`, then trims the book to its bound.
    pub fn remember_address(&self, id: &PeerId, addr: SocketAddr, now_ms: i64) -> StoreResult<()> {
        let db = self.conn();
        db.execute(
            "INSERT INTO addresses (id, addr, last_ok) VALUES (?1, ?2, ?3)
             ON CONFLICT(id, addr) DO UPDATE SET last_ok = excluded.last_ok",
            params![id.to_hex(), addr.to_string(), now_ms],
        )
        .map_err(|e| e.to_string())?;
        db.execute(
            "DELETE FROM addresses WHERE rowid NOT IN
                 (SELECT rowid FROM addresses ORDER BY last_ok DESC LIMIT ?1)",
            params![MAX_ADDRESS_BOOK as i64],
        )
        .map_err(|e| e.to_string())?;
        Ok(())
    }

    /// The book, newest first. Rows that do not parse are skipped.
    pub fn address_book(&self) -> StoreResult<Vec<(PeerId, SocketAddr)>> {
        let mut stmt = self
            .conn()
            .prepare("SELECT id, addr FROM addresses ORDER BY last_ok DESC LIMIT ?1")
            .map_err(|e| e.to_string())?;
        let rows = stmt
            .query_map(params![MAX_ADDRESS_BOOK as i64], |r| {
                Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?))
            })
            .map_err(|e| e.to_string())?;
        Ok(rows
            .filter_map(Result::ok)
            .filter_map(|(id, addr)| Some((PeerId::from_hex(&id)?, addr.parse().ok()?)))
            .collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_book_keeps_the_newest_pairs_up_to_its_bound() {
        let h = History::in_memory();
        let id = PeerId([1; 32]);
        for k in 0..(MAX_ADDRESS_BOOK as u16 + 10) {
            let addr: SocketAddr = format!("10.0.0.1:{}", 1000 + k).parse().unwrap();
            h.remember_address(&id, addr, i64::from(k)).unwrap();
        }
        let book = h.address_book().unwrap();
        assert_eq!(book.len(), MAX_ADDRESS_BOOK);
        assert_eq!(
            book[0].1.port(),
            1000 + MAX_ADDRESS_BOOK as u16 + 9,
            "newest first"
        );
        // Working again moves a pair to the front instead of adding a row.
        let old: SocketAddr = "10.0.0.1:1100".parse().unwrap();
        h.remember_address(&id, old, 1_000_000).unwrap();
        let book = h.address_book().unwrap();
        assert_eq!(book.len(), MAX_ADDRESS_BOOK);
        assert_eq!(book[0].1, old);
    }
}
