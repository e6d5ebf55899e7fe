//! The address book at the store edge: remembering addresses that worked, reading the book
//! at start.

use super::Archive;
use p2pchat_engine::wire::PeerId;
use std::net::SocketAddr;

impl Archive {
    /// Remembers that `addr` reached `id` (a failure is logged: the book is a convenience).
    pub fn remember_address(&self, id: &PeerId, addr: SocketAddr, now_ms: i64) {
        if let Some(db) = self.db() {
            if let Err(e) = db.remember_address(id, addr, now_ms) {
                tracing::warn!("address book: {e}");
            }
        }
    }

    /// The address book, newest first (empty without a store).
    pub fn address_book(&self) -> Vec<(PeerId, SocketAddr)> {
        self.db()
            .and_then(|db| db.address_book().ok())
            .unwrap_or_default()
    }
}
