//! The holder's side of history sync: a peer's `want` checked, charged to its budget, looked
//! up in the store and answered with `give` frames of the authors' signed originals.

use super::ranges::{span, well_formed};
use super::{Serving, SYNC_PAGE};
use crate::node::io::{ConnId, Output};
use crate::node::node::Node;
use crate::wire::{AuthorRanges, Frame, MessageId, PeerId, SignedPayload};

impl Node {
    pub(in crate::node) fn on_want(
        &mut self,
        conn: ConnId,
        peer: PeerId,
        authors: Vec<AuthorRanges>,
    ) {
        let now = self.now.mono;
        let ready = self.budget_ready(peer, now);
        let Some(cs) = self.sync.conns.get_mut(&conn) else {
            return;
        };
        let n = authors
            .iter()
            .fold(0u64, |n, a| n.saturating_add(span(&a.ranges)));
        let refused = if !matches!(cs.serving, Serving::Idle) {
            Some("sync: a second want while one is unanswered".to_string())
        } else if !authors.iter().all(|a| well_formed(&a.ranges)) {
            Some("sync: malformed want".to_string())
        } else if n > SYNC_PAGE {
            Some(format!(
                "sync: want of {n} messages is larger than the page ({SYNC_PAGE})"
            ))
        } else {
            None
        };
        if let Some(reason) = refused {
            return self.reject_chat(peer, reason);
        }
        if ready {
            self.serve_want(conn, authors);
        } else {
            cs.serving = Serving::Deferred(authors);
        }
    }

    /// Asks the store for the held messages in the wanted ranges.
    pub(super) fn serve_want(&mut self, conn: ConnId, authors: Vec<AuthorRanges>) {
        let held = &self.sync.held;
        let msg_ids: Vec<String> = authors
            .iter()
            .flat_map(|a| {
                a.ranges
                    .iter()
                    .flat_map(|&(lo, hi)| lo..=hi)
                    .filter(|seq| held.contains(&a.author, *seq))
                    .map(|seq| {
                        MessageId {
                            author: a.author,
                            seq,
                        }
                        .to_string()
                    })
            })
            .collect();
        let Some(cs) = self.sync.conns.get_mut(&conn) else {
            return;
        };
        cs.serving = Serving::Looking;
        if msg_ids.is_empty() {
            self.on_sync_found(conn, Vec::new());
        } else {
            self.outputs.push(Output::SyncLookup { conn, msg_ids });
        }
    }

    /// The store's answer: sent in as many `give` frames as the frame limit needs, the last
    /// one marked.
    pub(in crate::node) fn on_sync_found(&mut self, conn: ConnId, messages: Vec<SignedPayload>) {
        let Some(cs) = self.sync.conns.get_mut(&conn) else {
            return;
        };
        if !matches!(cs.serving, Serving::Looking) {
            return;
        }
        cs.serving = Serving::Idle;
        let peer = cs.peer;
        // Only messages of rooms the asker is in (PROTOCOL.md §7.8).
        let messages: Vec<SignedPayload> = messages
            .into_iter()
            .filter(|sp| {
                sp.parse::<crate::rooms::RoomOf>()
                    .is_ok_and(|c| self.rooms.is_member(&peer, &c.room))
            })
            .collect();
        // `{"type":"give","messages":[...],"last":false}`: the fixed part, then each message.
        let room = self.cfg.limits.max_frame_len.saturating_sub(64);
        // MAX_ANSWER_BYTES: one answer never fills more than half the asker's writer queue
        // (OUTBOUND_QUEUE_BYTES); what is left out, the asker asks for again.
        let mut answer_room = self.cfg.limits.outbound_queue_bytes / 2;
        let mut batch: Vec<SignedPayload> = Vec::new();
        let mut used = 0;
        let mut given = 0u64;
        for sp in messages.into_iter().take(SYNC_PAGE as usize) {
            let len = serde_json::to_vec(&sp).map_or(usize::MAX, |v| v.len() + 1);
            if len > room {
                continue;
            }
            if len > answer_room {
                break;
            }
            answer_room -= len;
            given += 1;
            if used + len > room {
                let full = std::mem::take(&mut batch);
                self.send_frame(
                    conn,
                    &Frame::Give {
                        messages: full,
                        last: false,
                    },
                );
                used = 0;
            }
            used += len;
            batch.push(sp);
        }
        self.charge(peer, given);
        self.send_frame(
            conn,
            &Frame::Give {
                messages: batch,
                last: true,
            },
        );
    }
}
