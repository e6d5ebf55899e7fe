//! New summary rounds after a room join (PROTOCOL.md §7.8): when a connected peer joins a
//! room we are in, we send it our summary again, so it pulls the room's recent messages it
//! could not have before; the peer accepts one new round per `rooms` frame it sent us.

use super::ConnSync;
use crate::node::io::ConnId;
use crate::node::node::Node;
use crate::rooms::RoomName;
use crate::wire::PeerId;
use std::collections::BTreeSet;
use std::time::{Duration, Instant};

/// RESUMMARY_INTERVAL: least time between two summaries sent on one connection (joins closer
/// together share one).
pub const RESUMMARY_INTERVAL: Duration = Duration::from_secs(1);
/// MAX_ROUNDS_OWED: most new summary rounds a peer may start that we have not seen yet.
pub const MAX_ROUNDS_OWED: u8 = 4;

/// The peer's summary after a finished one: a new round replaces what it offered.
pub(super) fn new_round(cs: &mut ConnSync) {
    cs.rounds_owed -= 1;
    cs.have_done = false;
    cs.authors_seen = 0;
    cs.offer.clear();
}

impl Node {
    /// We sent every peer a new `rooms` frame: each may answer with a new summary.
    pub(in crate::node) fn rooms_sent(&mut self) {
        for cs in self.sync.conns.values_mut() {
            cs.rounds_owed = (cs.rounds_owed + 1).min(MAX_ROUNDS_OWED);
        }
    }

    /// The rooms we share with `peer` (what its new `rooms` frame is compared against).
    pub(in crate::node) fn shared_rooms(&self, peer: &PeerId) -> BTreeSet<RoomName> {
        self.rooms
            .mine()
            .filter(|r| self.rooms.is_member(peer, r))
            .cloned()
            .collect()
    }

    /// The peer's `rooms` frame was applied; `before` is what we shared with it until then.
    /// A room it joined that we are in: our summary again (its first frame needs none: the
    /// handshake's summary is answered after it).
    pub(in crate::node) fn peer_rooms_changed(
        &mut self,
        peer: PeerId,
        before: &BTreeSet<RoomName>,
    ) {
        let joined = self.shared_rooms(&peer).difference(before).next().is_some();
        for cs in self.sync.conns.values_mut().filter(|c| c.peer == peer) {
            if std::mem::replace(&mut cs.rooms_seen, true) && joined {
                cs.summary_due = true;
            }
        }
        self.send_due_summaries();
    }

    /// Sends the summaries that are due and whose connection's interval has passed.
    pub(super) fn send_due_summaries(&mut self) {
        let now = self.now.mono;
        let due: Vec<ConnId> = self
            .sync
            .conns
            .iter()
            .filter(|(_, c)| c.summary_due && now >= c.summary_at + RESUMMARY_INTERVAL)
            .map(|(id, _)| *id)
            .collect();
        for conn in due {
            if let Some(cs) = self.sync.conns.get_mut(&conn) {
                cs.summary_due = false;
                cs.summary_at = now;
            }
            self.send_summary(conn);
        }
    }

    /// When a due summary may go.
    pub(super) fn resummary_deadline(&self) -> Option<Instant> {
        self.sync
            .conns
            .values()
            .filter(|c| c.summary_due)
            .map(|c| c.summary_at + RESUMMARY_INTERVAL)
            .min()
    }
}
