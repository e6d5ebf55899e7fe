//! The store edge's part in relaying: signed originals kept for history sync, and the outbox of
//! private messages (with `/dm` to an absent peer resolved through the known keys).

use super::Archive;
use p2pchat_engine::api::NetCommand;
use p2pchat_engine::limits::{MAX_EDITS_NAMED, MAX_RECENT_MESSAGES};
use p2pchat_engine::node::HeldRow;
use p2pchat_engine::rooms::{RoomName, SeedMessage, SeedReaction};
use p2pchat_engine::wire::{MessageId, PeerId, SignedPayload};

/// SYNC_INDEX_LOAD: most stored messages read into history sync's index at start.
pub const SYNC_INDEX_LOAD: usize = 200_000;

impl Archive {
    /// Keeps a signed broadcast message for history sync (not a blocked author's).
    pub fn keep(
        &mut self,
        msg_id: &str,
        author: &PeerId,
        ts: i64,
        room: &str,
        payload: &SignedPayload,
    ) {
        let (Some(db), Some(sig)) = (&self.db, &payload.sig) else {
            return;
        };
        let author = author.to_hex();
        if self.blocked.contains(&author) {
            return;
        }
        if let Err(e) = db.keep_relayable(msg_id, &author, ts, room, &payload.payload, sig) {
            tracing::error!("cannot keep a message for history sync: {e}");
        }
    }

    /// Keeps a private message in the outbox until it is acknowledged.
    pub fn keep_outbox(&mut self, msg_id: &str, to: &PeerId, ts: i64, payload: &SignedPayload) {
        let (Some(db), Some(sig)) = (&self.db, &payload.sig) else {
            return;
        };
        if let Err(e) = db.keep_outbox(msg_id, &to.to_hex(), ts, &payload.payload, sig) {
            tracing::error!("cannot keep a private message in the outbox: {e}");
        }
    }

    /// Private messages waiting for `peer`, oldest first.
    pub fn outbox_for(&self, peer: &PeerId) -> Vec<SignedPayload> {
        let Some(db) = &self.db else {
            return Vec::new();
        };
        signed_rows(db.outbox_for(&peer.to_hex()), "the outbox")
    }

    /// Turns a `/dm` to a name of a known but unconnected peer into its full id, so the node
    /// can queue it. Names it cannot resolve to one key are left for the node.
    pub fn rewrite(&self, cmd: &mut NetCommand) {
        if let NetCommand::SendDm { to, .. } = cmd {
            if PeerId::from_hex(to.trim()).is_none() {
                if let Ok(k) = self.resolve(to) {
                    *to = k.id;
                }
            }
        }
    }

    /// Kept messages for a sync answer, by id (a blocked author's are left out).
    pub fn relayable(&self, msg_ids: &[String]) -> Vec<SignedPayload> {
        let Some(db) = &self.db else {
            return Vec::new();
        };
        let blocked: Vec<String> = self.blocked.iter().cloned().collect();
        signed_rows(
            db.relayable_by_ids(msg_ids, &blocked),
            "messages for history sync",
        )
    }

    /// What is kept since `since`, for history sync's index at start (at most
    /// [`SYNC_INDEX_LOAD`] rows, the newest).
    pub fn held_index(&self, since: i64) -> Vec<HeldRow> {
        let Some(db) = &self.db else {
            return Vec::new();
        };
        let mut rows: Vec<HeldRow> = match db.relayable_index(since, SYNC_INDEX_LOAD) {
            Ok(rows) => rows
                .into_iter()
                .filter_map(|(msg_id, ts, prev)| {
                    let id = MessageId::parse(&msg_id)?;
                    Some(HeldRow {
                        author: id.author,
                        seq: id.seq,
                        prev: prev.and_then(|p| u64::try_from(p).ok()),
                        ts,
                    })
                })
                .collect(),
            Err(e) => {
                tracing::error!("cannot read the history sync index: {e}");
                Vec::new()
            }
        };
        // A message its author deleted counts as held, as when the delete came (§7.9): it is
        // not asked for again, and the hole it leaves is no gap.
        match db.deleted_targets(since, SYNC_INDEX_LOAD) {
            Ok(found) => {
                for (act_id, target, ts, edits) in found {
                    let (Some(act), Some(target)) =
                        (MessageId::parse(&act_id), MessageId::parse(&target))
                    else {
                        continue;
                    };
                    if act.author != target.author {
                        continue;
                    }
                    let edits: Vec<u64> = edits
                        .and_then(|e| serde_json::from_str(&e).ok())
                        .unwrap_or_default();
                    let seqs =
                        std::iter::once(target.seq).chain(edits.into_iter().take(MAX_EDITS_NAMED));
                    rows.extend(seqs.filter(|s| *s < act.seq).map(|seq| HeldRow {
                        author: target.author,
                        seq,
                        prev: None,
                        ts,
                    }));
                }
            }
            Err(e) => tracing::error!("cannot read the deletes for the history sync index: {e}"),
        }
        rows
    }

    /// The stored room messages and their reactions, for the node at start (so reactions,
    /// edits and deletes about messages from before the restart apply).
    pub fn acts_seed(&self) -> (Vec<SeedMessage>, Vec<SeedReaction>) {
        let Some(db) = &self.db else {
            return (Vec::new(), Vec::new());
        };
        match db.recent_room_messages(MAX_RECENT_MESSAGES) {
            Ok((messages, reactions)) => (
                messages
                    .into_iter()
                    .filter_map(|(msg_id, room)| {
                        let room = RoomName::parse(&room).ok()?;
                        Some(SeedMessage { msg_id, room })
                    })
                    .collect(),
                reactions
                    .into_iter()
                    .filter_map(|(msg_id, emoji, reactor)| {
                        let reactor = PeerId::from_hex(&reactor)?;
                        Some(SeedReaction {
                            msg_id,
                            emoji,
                            reactor,
                        })
                    })
                    .collect(),
            ),
            Err(e) => {
                tracing::error!("cannot read the recent room messages: {e}");
                (Vec::new(), Vec::new())
            }
        }
    }
}

/// Stored `(payload, sig)` rows as signed payloads; a read error is logged and yields none
/// (a failed lookup must not stop the network).
fn signed_rows<E: std::fmt::Display>(
    rows: Result<Vec<(String, String)>, E>,
    what: &str,
) -> Vec<SignedPayload> {
    match rows {
        Ok(rows) => rows
            .into_iter()
            .map(|(payload, sig)| SignedPayload {
                payload,
                sig: Some(sig),
            })
            .collect(),
        Err(e) => {
            tracing::error!("cannot read {what}: {e}");
            Vec::new()
        }
    }
}
