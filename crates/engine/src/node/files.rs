//! The node's side of file transfer: commands, `file_offer`/`file_answer` frames and the
//! runtime's reports go into the [`TransferBook`]; its effects come out as frames, events and
//! [`Output::Files`] work for the runtime. The rules themselves live in `crate::files`.

use super::io::Output;
use super::node::Node;
use crate::api::{NetCommand, NetEvent};
use crate::files::{
    transfer_id, Answer, FileInput, FileOutput, FilesEffect, FilesError, TransferBook,
};
use crate::limits::{FILE_OFFERS_PER_MIN, MAX_OFFER_BUDGETS};
use crate::wire::{Frame, PeerId, SignedPayload};
use std::collections::HashMap;
use std::time::{Duration, Instant};

/// The window FILE_OFFERS_PER_MIN counts in.
const OFFER_WINDOW: Duration = Duration::from_secs(60);

/// The node's file-transfer state.
#[derive(Debug)]
pub(crate) struct FilesState {
    pub book: TransferBook,
    /// Our transfer listener's port, once the runtime told it (offers carry it).
    pub port: u16,
    /// FILE_OFFERS_PER_MIN per peer: when its window started, offers in it.
    offer_budgets: HashMap<PeerId, (Instant, u32)>,
}

impl FilesState {
    pub fn new(saved: Vec<crate::files::Transfer>) -> FilesState {
        FilesState {
            book: TransferBook::restored(saved),
            port: 0,
            offer_budgets: HashMap::new(),
        }
    }
}

impl Node {
    pub(super) fn on_file_command(&mut self, cmd: NetCommand) {
        let result = match cmd {
            NetCommand::OfferFile { to, path } => self.offer_file(to.as_deref(), path),
            NetCommand::AcceptFile { transfer, dir } => self
                .files
                .book
                .find(&transfer)
                .and_then(|id| self.files.book.accept(&id, dir)),
            NetCommand::DeclineFile { transfer } => self
                .files
                .book
                .find(&transfer)
                .and_then(|id| self.files.book.decline(&id)),
            NetCommand::CancelFile { transfer } => self
                .files
                .book
                .find(&transfer)
                .and_then(|id| self.files.book.cancel(&id)),
            NetCommand::ListTransfers => {
                let transfers = self.files.book.list(&|p| self.display_name(p));
                self.emit(NetEvent::Transfers { transfers });
                Ok(vec![])
            }
            other => {
                tracing::debug!(?other, "not a file command");
                Ok(vec![])
            }
        };
        match result {
            Ok(effects) => self.apply_files(effects),
            Err(e) => self.error(e.to_string()),
        }
    }

    fn offer_file(
        &mut self,
        to: Option<&str>,
        path: String,
    ) -> Result<Vec<FilesEffect>, FilesError> {
        let recipients: Vec<PeerId> = match to {
            Some(who) => match self.resolve_peer(who) {
                Ok(id) => vec![id],
                Err(e) => {
                    self.error(format!("file not offered: {e}"));
                    return Ok(vec![]);
                }
            },
            None => {
                let mut all: Vec<PeerId> = self.peers.keys().copied().collect();
                all.sort();
                all
            }
        };
        if recipients.is_empty() {
            self.error("file not offered: no peer is connected".into());
            return Ok(vec![]);
        }
        let seq = self.take_seq();
        let id = transfer_id(&self.id(), seq);
        self.files
            .book
            .start_offer(id, path, recipients, self.now.unix_ms)
    }

    pub(super) fn on_file_offer(&mut self, from: PeerId, sp: SignedPayload, port: u16) {
        let now = self.now.mono;
        if self.files.offer_budgets.len() >= MAX_OFFER_BUDGETS
            && !self.files.offer_budgets.contains_key(&from)
        {
            self.files.offer_budgets.clear();
        }
        let budget = self.files.offer_budgets.entry(from).or_insert((now, 0));
        if now.saturating_duration_since(budget.0) >= OFFER_WINDOW {
            *budget = (now, 0);
        }
        budget.1 += 1;
        if budget.1 > FILE_OFFERS_PER_MIN {
            let answer = self.files.book.refuse_over_rate(&sp, &from);
            self.apply_files(answer);
            return self.emit(NetEvent::Rejected {
                from: from.to_hex(),
                reason: FilesError::RateLimited.to_string(),
            });
        }
        let name = self.display_name(&from);
        let me = self.id();
        let max = self.cfg.limits.max_file_size;
        let unix_ms = self.now.unix_ms;
        match self
            .files
            .book
            .on_offer(&sp, port, &from, &me, max, &name, unix_ms)
        {
            Ok(effects) => self.apply_files(effects),
            Err(e) => self.emit(NetEvent::Rejected {
                from: from.to_hex(),
                reason: e.to_string(),
            }),
        }
    }

    pub(super) fn on_file_answer(
        &mut self,
        from: PeerId,
        transfer: &str,
        answer: Answer,
        reason: Option<String>,
    ) {
        let name = self.display_name(&from);
        let effects = self
            .files
            .book
            .on_answer(&from, transfer, answer, reason, &name);
        self.apply_files(effects);
    }

    pub(super) fn on_file_input(&mut self, input: FileInput) {
        let effects = match input {
            FileInput::Listening { port } => {
                self.files.port = port;
                vec![]
            }
            FileInput::Hashed {
                transfer_id,
                result,
            } => {
                let first = self
                    .files
                    .book
                    .get(&transfer_id)
                    .is_some_and(|t| t.offer.is_none());
                let peers: Vec<PeerId> = self.peers.keys().copied().collect();
                let mut effects = self.files.book.hashed(
                    &transfer_id,
                    result,
                    self.identity.signing_key(),
                    &|p| peers.contains(p),
                    self.now.unix_ms,
                );
                if let Some(t) = self.files.book.get(&transfer_id).filter(|_| first) {
                    if t.offer.is_some() {
                        effects.push(FilesEffect::Event(NetEvent::FileOffered {
                            transfer_id: t.id.clone(),
                            to: t.recipients.keys().map(|p| p.to_hex()).collect(),
                            name: t.name.clone(),
                            size: t.size,
                            hash: t.hash.clone(),
                        }));
                    }
                }
                effects
            }
            FileInput::Target { transfer_id, path } => self.files.book.target(&transfer_id, path),
            FileInput::Progress {
                transfer_id,
                bytes,
                rate,
            } => self.files.book.progress(&transfer_id, bytes, rate),
            FileInput::Fetched {
                transfer_id,
                result,
            } => self.files.book.fetched(&transfer_id, result),
        };
        self.apply_files(effects);
    }

    /// A peer connected: offer again what it has not finished receiving from us.
    pub(super) fn reoffer_files(&mut self, peer: PeerId) {
        let effects = self.files.book.peer_connected(&peer);
        self.apply_files(effects);
    }

    /// At start: hash again the files we were offering.
    pub(super) fn resume_transfers(&mut self) {
        let effects = self.files.book.resume_all();
        self.apply_files(effects);
    }

    fn apply_files(&mut self, effects: Vec<FilesEffect>) {
        for effect in effects {
            match effect {
                FilesEffect::Event(e) => self.emit(e),
                FilesEffect::Answer {
                    to,
                    transfer_id,
                    answer,
                    reason,
                } => {
                    if let Some(conn) = self.peers.get(&to).map(|p| p.conn) {
                        let frame = Frame::FileAnswer {
                            transfer_id,
                            answer,
                            reason,
                        };
                        self.send_frame(conn, &frame);
                    }
                }
                FilesEffect::Offer { to, offer } => {
                    let conn = self.peers.get(&to).map(|p| p.conn);
                    if let (Some(conn), true) = (conn, self.files.port != 0) {
                        let frame = Frame::FileOffer {
                            payload: offer.payload,
                            sig: offer.sig,
                            port: self.files.port,
                        };
                        self.send_frame(conn, &frame);
                    }
                }
                FilesEffect::Fetch(order) => {
                    // The sender must be connected (its address) and have told its port; if
                    // not, its next offer (sent on every connection) starts the fetch.
                    // The whole address with the port changed: an IPv6 link-local address
                    // keeps its scope (interface), without which it cannot be dialled.
                    let dial = self.peers.get(&order.from).map(|p| p.dial_addr);
                    if let (Some(mut addr), true) = (dial, order.port != 0) {
                        addr.set_port(order.port);
                        self.outputs
                            .push(Output::Files(FileOutput::Fetch { order, addr }));
                    }
                }
                FilesEffect::Io(work) => self.outputs.push(Output::Files(work)),
                FilesEffect::Save => self.outputs.push(Output::SaveState),
            }
        }
    }
}
