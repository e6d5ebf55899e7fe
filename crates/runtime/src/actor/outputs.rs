//! Carrying out the node's outputs: frames to writer queues, dials, announcements, store
//! work and events to the front end; closing connections.

use super::{now, NetActor};
use crate::connection::WriterMsg;
use crate::reach;
use p2pchat_engine::api::NetEvent;
use p2pchat_engine::node::{ConnId, Input, Output};
use std::net::{IpAddr, SocketAddr};
use tokio::net::TcpStream;

impl NetActor {
    /// Feeds one input to the node and carries out its outputs. True when it is time to stop.
    pub(super) async fn step(&mut self, input: Input) -> bool {
        self.node.handle(now(), input);
        let mut stop = false;
        // Outputs may cause more input (a connection found too slow), so loop until quiet.
        loop {
            let outputs = self.node.drain_outputs();
            if outputs.is_empty() {
                return stop;
            }
            let mut too_slow = Vec::new();
            let mut lookups = Vec::new();
            for out in outputs {
                match out {
                    Output::Send { conn, frame } => {
                        if too_slow.contains(&conn) {
                            continue;
                        }
                        if self.conns.get(&conn).is_some_and(|h| !h.queue(frame)) {
                            too_slow.push(conn);
                        }
                    }
                    Output::Close { conn } => self.close(conn),
                    Output::Charge { conn, tokens } => {
                        if let Some(h) = self.conns.get(&conn) {
                            h.charge(tokens);
                        }
                    }
                    Output::Dial { addr } => self.dial(addr),
                    Output::Announce { datagram } => self.announce(&datagram),
                    Output::Event(event) => {
                        // The mode's certificate is saved at once: a crash keeps the mode.
                        // So are the rooms we are in.
                        if matches!(
                            event,
                            NetEvent::SecureMode { .. }
                                | NetEvent::Joined { .. }
                                | NetEvent::Parted { .. }
                        ) {
                            self.persist(true);
                        }
                        // Stored first, then shown: a line on screen is on disk.
                        for event in self.archive.on_event(event, now().unix_ms) {
                            let _ = self.event_tx.send(event).await;
                        }
                    }
                    // The reserved block is on disk before a number from it goes out, so a
                    // crash never reuses one (once per SEQ_BLOCK lines, so the wait is rare).
                    Output::ReserveSeq { .. } => self.persist_durably(),
                    Output::Archive {
                        msg_id,
                        author,
                        ts,
                        room,
                        payload,
                    } => self
                        .archive
                        .keep(&msg_id, &author, ts, room.as_str(), &payload),
                    Output::Outbox {
                        msg_id,
                        to,
                        ts,
                        payload,
                    } => self.archive.keep_outbox(&msg_id, &to, ts, &payload),
                    Output::OutboxLookup { conn, peer } => {
                        let messages = self.archive.outbox_for(&peer);
                        if !messages.is_empty() {
                            lookups.push(Input::OutboxFound { conn, messages });
                        }
                    }
                    Output::SyncLookup { conn, msg_ids } => {
                        let messages = self.archive.relayable(&msg_ids);
                        lookups.push(Input::SyncFound { conn, messages });
                    }
                    Output::SyncIndexLookup { since } => {
                        let rows = self.archive.held_index(since);
                        lookups.push(Input::SyncIndexFound { rows });
                        let (messages, reactions) = self.archive.acts_seed();
                        lookups.push(Input::ActsSeed {
                            messages,
                            reactions,
                        });
                    }
                    Output::AddressWorked { id, addr } => {
                        self.archive.remember_address(&id, addr, now().unix_ms)
                    }
                    Output::Files(work) => self.files.handle(work),
                    Output::SaveState => self.persist(true),
                    Output::Shutdown => stop = true,
                }
            }
            for input in lookups {
                self.node.handle(now(), input);
            }
            for conn in too_slow {
                self.close(conn);
                let lost = p2pchat_engine::node::CONNECTION_LOST;
                let error = Some(format!("{lost}: peer is not reading; dropped as too slow"));
                self.node.handle(now(), Input::ConnClosed { conn, error });
            }
        }
    }

    pub(super) fn close(&mut self, conn: ConnId) {
        if let Some(h) = self.conns.remove(&conn) {
            h.reader.abort();
            if h.writer.try_send(WriterMsg::Close).is_err() {
                h.writer_task.abort();
            }
            self.closing.retain(|t| !t.is_finished());
            self.closing.push(h.writer_task);
        }
    }

    pub(super) fn dial(&self, addr: SocketAddr) {
        let tx = self.dial_tx.clone();
        let limit = self.cfg.timing.connect_timeout;
        tokio::spawn(async move {
            let result = match tokio::time::timeout(limit, TcpStream::connect(addr)).await {
                Ok(Ok(s)) => Ok(s),
                Ok(Err(e)) => Err(e.to_string()),
                Err(_) => Err("connect timed out".to_string()),
            };
            let _ = tx.send((addr, result)).await;
        });
    }

    pub(super) fn announce(&self, datagram: &[u8]) {
        if let Some(d) = &self.udp6 {
            d.announce(datagram, self.cfg.discovery_port);
        }
        for ip in reach::broadcast_targets(&self.cfg.broadcast, &self.cfg.reach) {
            let to = SocketAddr::new(IpAddr::V4(ip), self.cfg.discovery_port);
            if let Err(e) = self.udp.try_send_to(datagram, to) {
                tracing::debug!(%to, "announce not sent: {e}");
            }
        }
    }
}
