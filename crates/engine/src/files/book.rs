//! The transfer book: every transfer this node offered or was offered, its stage, the bound
//! on how many are kept, and the helpers its transitions share. The transitions themselves
//! (pure; their effects come out as [`FilesEffect`] values) are in `sending.rs`,
//! `receiving.rs` and `answers.rs`.

use super::error::FilesError;
use super::offer::{CheckedOffer, OfferContent};
use super::{Answer, FetchOrder, FileOutput, FilesEffect};
use crate::api::{NetEvent, TransferInfo};
use crate::limits::{FILE_CHUNK_SIZE, MAX_TRANSFERS};
use crate::wire::{PeerId, SignedPayload};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Which way a transfer goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    Incoming,
    Outgoing,
}

/// Where a transfer is.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "stage", content = "reason")]
pub enum Stage {
    /// Outgoing: the file is being read and hashed.
    Hashing,
    /// Incoming: waiting for the user. Outgoing: offered, waiting for (more) answers.
    Offered,
    /// Incoming: accepted, fetching (or waiting to resume).
    Accepted,
    /// Incoming: verified and renamed into place. Outgoing: every recipient answered.
    Done,
    Failed(String),
    Declined,
    Cancelled,
}

impl Stage {
    pub fn is_open(&self) -> bool {
        matches!(self, Stage::Hashing | Stage::Offered | Stage::Accepted)
    }

    pub fn label(&self) -> &'static str {
        match self {
            Stage::Hashing => "hashing",
            Stage::Offered => "offered",
            Stage::Accepted => "transferring",
            Stage::Done => "done",
            Stage::Failed(_) => "failed",
            Stage::Declined => "declined",
            Stage::Cancelled => "cancelled",
        }
    }
}

/// One transfer. Saved in the state file, so it survives a restart.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Transfer {
    pub id: String,
    pub direction: Direction,
    /// Incoming: the sender.
    pub peer: Option<PeerId>,
    /// Outgoing: each recipient's last answer.
    #[serde(default)]
    pub recipients: BTreeMap<PeerId, Answer>,
    /// The signed offer (none while hashing).
    pub offer: Option<SignedPayload>,
    /// Incoming: the sanitised name; outgoing: the file's own name.
    pub name: String,
    pub size: u64,
    /// Whole-file BLAKE3, hex (empty while hashing).
    pub hash: String,
    pub stage: Stage,
    /// Bytes verified (incoming) or served (outgoing) so far. Not saved: progress alone must
    /// not make the state file dirty (a restarted receiver counts its verified bytes again).
    #[serde(skip)]
    pub bytes: u64,
    /// Outgoing: the source file. Incoming: the target, once chosen.
    pub path: Option<String>,
    /// Incoming: the directory asked for with `/accept ID DIR`.
    pub dir: Option<String>,
    /// Incoming: the sender's transfer port, from its latest offer (not saved: a restarted
    /// sender offers again with its new port).
    #[serde(skip)]
    pub port: u16,
    /// Bytes per second, as last reported.
    #[serde(skip)]
    pub rate: u64,
    pub created_ms: i64,
}

impl Transfer {
    fn info(&self, name_of: &dyn Fn(&PeerId) -> String) -> TransferInfo {
        let peers: Vec<PeerId> = match self.direction {
            Direction::Incoming => self.peer.into_iter().collect(),
            Direction::Outgoing => self.recipients.keys().copied().collect(),
        };
        TransferInfo {
            transfer_id: self.id.clone(),
            direction: match self.direction {
                Direction::Incoming => "in".into(),
                Direction::Outgoing => "out".into(),
            },
            peers: peers.iter().map(|p| p.to_hex()).collect(),
            peer_names: peers.iter().map(name_of).collect(),
            name: self.name.clone(),
            size: self.size,
            bytes: if self.stage == Stage::Done {
                self.size
            } else {
                self.bytes
            },
            rate: self.rate,
            state: self.stage.label().into(),
            reason: match &self.stage {
                Stage::Failed(r) => Some(r.clone()),
                _ => None,
            },
            path: self.path.clone(),
        }
    }
}

/// Every transfer, at most [`MAX_TRANSFERS`].
#[derive(Debug, Default)]
pub struct TransferBook {
    pub(super) transfers: BTreeMap<String, Transfer>,
}

impl TransferBook {
    /// The book as saved by an earlier run.
    pub fn restored(saved: Vec<Transfer>) -> TransferBook {
        TransferBook {
            transfers: saved.into_iter().map(|t| (t.id.clone(), t)).collect(),
        }
    }

    pub fn saved(&self) -> Vec<Transfer> {
        self.transfers.values().cloned().collect()
    }

    pub fn get(&self, id: &str) -> Option<&Transfer> {
        self.transfers.get(id)
    }

    pub fn len(&self) -> usize {
        self.transfers.len()
    }

    pub fn is_empty(&self) -> bool {
        self.transfers.is_empty()
    }

    /// Finds a transfer by any unique prefix of its id.
    pub fn find(&self, prefix: &str) -> Result<String, FilesError> {
        let prefix = prefix.trim().to_ascii_lowercase();
        if prefix.is_empty() {
            return Err(FilesError::Unknown(prefix));
        }
        let mut hits = self.transfers.keys().filter(|id| id.starts_with(&prefix));
        match (hits.next(), hits.next()) {
            (Some(one), None) => Ok(one.clone()),
            (None, _) => Err(FilesError::Unknown(prefix)),
            (Some(_), Some(_)) => Err(FilesError::Ambiguous(prefix)),
        }
    }

    /// Makes room for one more: forgets the oldest finished transfer when full.
    pub(super) fn make_room(&mut self) -> Result<(), FilesError> {
        if self.transfers.len() < MAX_TRANSFERS {
            return Ok(());
        }
        let oldest = self
            .transfers
            .values()
            .filter(|t| !t.stage.is_open())
            .min_by_key(|t| t.created_ms)
            .map(|t| t.id.clone());
        match oldest {
            Some(id) => {
                self.transfers.remove(&id);
                Ok(())
            }
            None => Err(FilesError::TooManyTransfers),
        }
    }

    pub fn list(&self, name_of: &dyn Fn(&PeerId) -> String) -> Vec<TransferInfo> {
        let mut all: Vec<&Transfer> = self.transfers.values().collect();
        all.sort_by_key(|t| t.created_ms);
        all.into_iter().map(|t| t.info(name_of)).collect()
    }
}

impl Transfer {
    /// The saved offer, parsed again (it was checked when it arrived).
    pub(super) fn checked(&self) -> Option<CheckedOffer> {
        let sp = self.offer.as_ref()?;
        let content: OfferContent = sp.parse().ok()?;
        Some(CheckedOffer {
            hash: super::offer::parse_hash(&content.hash)?,
            manifest: super::offer::parse_hash(&content.manifest)?,
            safe_name: self.name.clone(),
            content,
        })
    }
}

pub(super) fn direction_word(d: Direction) -> &'static str {
    match d {
        Direction::Incoming => "incoming",
        Direction::Outgoing => "outgoing",
    }
}

pub(super) fn clean(s: &str) -> String {
    crate::node::sanitize::clean_name(s, 200)
}

pub(super) fn fail(t: &mut Transfer, reason: String) -> Vec<FilesEffect> {
    t.stage = Stage::Failed(reason.clone());
    let mut out = vec![FilesEffect::Event(NetEvent::FileFailed {
        transfer_id: t.id.clone(),
        reason,
    })];
    if t.direction == Direction::Outgoing {
        out.push(FilesEffect::Io(FileOutput::StopServe {
            transfer_id: t.id.clone(),
        }));
    }
    out.push(FilesEffect::Save);
    out
}

pub(super) fn answer(t: &Transfer, answer: Answer, reason: Option<String>) -> FilesEffect {
    FilesEffect::Answer {
        to: t.peer.expect("incoming transfers have a sender"),
        transfer_id: t.id.clone(),
        answer,
        reason,
    }
}

pub(super) fn fetch(t: &Transfer, checked: &CheckedOffer) -> FilesEffect {
    FilesEffect::Fetch(FetchOrder {
        transfer_id: t.id.clone(),
        from: t.peer.expect("incoming transfers have a sender"),
        port: t.port,
        name: t.name.clone(),
        size: checked.content.size,
        hash: checked.hash,
        chunk_size: checked.content.chunk_size,
        manifest: checked.manifest,
        dir: t.dir.clone(),
        target: t.path.clone(),
    })
}

pub(super) fn offers_to(t: &Transfer, connected: &dyn Fn(&PeerId) -> bool) -> Vec<FilesEffect> {
    let Some(offer) = &t.offer else {
        return vec![];
    };
    t.recipients
        .iter()
        .filter(|(p, a)| !a.is_final() && connected(p))
        .map(|(p, _)| FilesEffect::Offer {
            to: *p,
            offer: offer.clone(),
        })
        .collect()
}

/// The chunk size this node offers in.
pub const fn offered_chunk_size() -> u32 {
    FILE_CHUNK_SIZE
}
