//! The simulated edge: what a runtime would do with each output of a node (frames after the
//! link's latency, dials, announcements, the store's answers, events kept for the test).

use super::{Sim, DISCOVERY_PORT};
use crate::api::NetEvent;
use crate::node::{ConnId, HeldRow, Input, Output};
use crate::wire::{ChatLink, MessageId, SignedPayload};
use std::net::SocketAddr;
use std::time::Duration;

impl Sim {
    pub(super) fn route(&mut self, i: usize, out: Output) {
        let lat = self.latency;
        match out {
            Output::Event(e) => {
                if let NetEvent::Delivered { msg_id, .. } = &e {
                    self.nodes[i].outbox.retain(|(_, id, _)| id != msg_id);
                }
                // As the runtime's store does: a deleted message's original, and its edits'
                // originals, are given no more.
                if let NetEvent::Deleted { msg_id, .. } = &e {
                    let n = &mut self.nodes[i];
                    n.kept_at.remove(msg_id);
                    let edits: Vec<String> = n
                        .kept
                        .iter()
                        .filter(|(_, _, p)| {
                            p.parse::<crate::rooms::ActContent>().is_ok_and(|a| {
                                a.target == *msg_id
                                    && matches!(a.act, crate::rooms::Act::Edit { .. })
                            })
                        })
                        .map(|(_, id, _)| id.clone())
                        .collect();
                    for id in edits {
                        n.kept_at.remove(&id);
                    }
                }
                self.nodes[i].events.push((self.now, e))
            }
            Output::Announce { datagram } => {
                let from = SocketAddr::new(self.nodes[i].addr, DISCOVERY_PORT);
                for j in 0..self.nodes.len() {
                    if j != i && self.reachable(i, j) && self.domain[i] == self.domain[j] {
                        self.schedule(
                            lat,
                            j,
                            Input::Datagram {
                                from,
                                bytes: datagram.clone(),
                            },
                        );
                    }
                }
            }
            Output::Dial { addr } => {
                let target = self
                    .nodes
                    .iter()
                    .position(|n| n.addr == addr.ip() && n.port == addr.port());
                match target {
                    Some(j) if self.reachable(i, j) => {
                        let (ci, cj) = (ConnId(self.next_conn), ConnId(self.next_conn + 1));
                        self.next_conn += 2;
                        self.links.insert((i, ci), (j, cj));
                        self.links.insert((j, cj), (i, ci));
                        let from_i = SocketAddr::new(self.nodes[i].addr, 40000 + ci.0 as u16);
                        let nonce_i = [ci.0 as u8; 32];
                        let nonce_j = [cj.0 as u8 ^ 0x5a; 32];
                        self.schedule(
                            lat,
                            i,
                            Input::ConnOpened {
                                conn: ci,
                                addr,
                                outbound: true,
                                nonce: nonce_i,
                            },
                        );
                        self.schedule(
                            lat,
                            j,
                            Input::ConnOpened {
                                conn: cj,
                                addr: from_i,
                                outbound: false,
                                nonce: nonce_j,
                            },
                        );
                        // Both ends of a simulated connection share one channel binding, as the
                        // two ends of a Noise handshake share its hash.
                        let binding = [(ci.0 as u8).wrapping_mul(31) ^ 0xc3; 32];
                        self.schedule(lat, i, Input::Secured { conn: ci, binding });
                        let binding_j = if self.relayed {
                            [!binding[0]; 32]
                        } else {
                            binding
                        };
                        self.schedule(
                            lat,
                            j,
                            Input::Secured {
                                conn: cj,
                                binding: binding_j,
                            },
                        );
                    }
                    _ => {
                        let error = "connection refused".to_string();
                        self.schedule(
                            Duration::from_millis(100),
                            i,
                            Input::DialFailed { addr, error },
                        );
                    }
                }
            }
            Output::Send { conn, frame } => {
                self.nodes[i].sent.push((conn, frame.clone()));
                let lost = self.lose.is_some_and(|f| f(i, &frame));
                if let Some(&(j, cj)) = self.links.get(&(i, conn)) {
                    if self.reachable(i, j) && !lost {
                        self.schedule(
                            lat,
                            j,
                            Input::Frame {
                                conn: cj,
                                bytes: frame,
                            },
                        );
                    }
                }
            }
            Output::Close { conn } => {
                if let Some((j, cj)) = self.links.remove(&(i, conn)) {
                    self.links.remove(&(j, cj));
                    if self.reachable(i, j) {
                        self.schedule(
                            lat,
                            j,
                            Input::ConnClosed {
                                conn: cj,
                                error: None,
                            },
                        );
                    }
                }
            }
            Output::ReserveSeq { .. } => {}
            Output::Charge { conn, tokens } => self.nodes[i].charged.push((conn, tokens)),
            Output::Archive {
                msg_id,
                ts,
                payload,
                ..
            } => self.keep(i, ts, msg_id, payload),
            Output::Outbox {
                msg_id,
                to,
                payload,
                ..
            } => self.nodes[i].outbox.push((to, msg_id, payload)),
            Output::OutboxLookup { conn, peer } => {
                let messages: Vec<_> = self.nodes[i]
                    .outbox
                    .iter()
                    .filter(|(to, _, _)| *to == peer)
                    .map(|(_, _, p)| p.clone())
                    .collect();
                if !messages.is_empty() {
                    self.schedule(Duration::ZERO, i, Input::OutboxFound { conn, messages });
                }
            }
            Output::SyncLookup { conn, msg_ids } => {
                let n = &self.nodes[i];
                let messages = msg_ids
                    .iter()
                    .filter_map(|id| n.kept_at.get(id))
                    .map(|&k| n.kept[k].2.clone())
                    .collect();
                self.schedule(Duration::ZERO, i, Input::SyncFound { conn, messages });
            }
            Output::SyncIndexLookup { since } => {
                let rows = self.nodes[i]
                    .kept
                    .iter()
                    .filter(|(ts, id, _)| *ts >= since && self.nodes[i].kept_at.contains_key(id))
                    .filter_map(|(ts, id, p)| held_row(*ts, id, p))
                    .collect();
                self.schedule(Duration::ZERO, i, Input::SyncIndexFound { rows });
            }
            Output::AddressWorked { id, addr } => {
                let book = &mut self.nodes[i].book;
                book.retain(|(b, a)| !(*b == id && *a == addr));
                book.push((id, addr));
            }
            Output::Files(work) => self.nodes[i].file_work.push(work),
            Output::SaveState => {}
            Output::Shutdown => self.nodes[i].stopped = true,
        }
    }

    /// Puts a message in node `i`'s store (once per id).
    pub fn keep(&mut self, i: usize, ts: i64, msg_id: String, payload: SignedPayload) {
        let n = &mut self.nodes[i];
        if !n.kept_at.contains_key(&msg_id) {
            n.kept_at.insert(msg_id.clone(), n.kept.len());
            n.kept.push((ts, msg_id, payload));
        }
    }
}

/// What the store's index query gives for one kept message.
fn held_row(ts: i64, id: &str, p: &SignedPayload) -> Option<HeldRow> {
    let id = MessageId::parse(id)?;
    let link: ChatLink = p.parse().ok()?;
    Some(HeldRow {
        author: id.author,
        seq: id.seq,
        prev: link.prev,
        ts,
    })
}
