//! File transfer as a sans-IO sub-machine: signed offers, consent, the transfer book and its
//! stages, content addressing (manifest of chunk hashes, verified before writing), safe file
//! names, and the transfer connection's frames. The runtime moves the bytes (its `files/`);
//! docs/PROTOCOL.md §16 is the wire format.

mod answers;
mod book;
mod error;
pub mod manifest;
pub mod name;
pub mod offer;
mod receiving;
mod sending;
pub mod wire;

#[cfg(test)]
mod tests;

pub use book::{offered_chunk_size, Direction, Stage, Transfer, TransferBook};
pub use error::FilesError;
pub use manifest::{Hash, Manifest, ManifestBuilder, WholeFileCheck};
pub use offer::{check_offer, transfer_id, CheckedOffer, OfferContent};

use crate::api::NetEvent;
use crate::wire::{PeerId, SignedPayload};
use serde::{Deserialize, Serialize};
use std::net::SocketAddr;

/// A receiver's answer to an offer, carried by `file_answer` frames (`cancelled` also from
/// the sender).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Answer {
    /// Not answered yet (never sent).
    Pending,
    Accepted,
    Declined,
    /// Received and verified.
    Done,
    /// Could not be received (the reason says why).
    Failed,
    Cancelled,
}

impl Answer {
    /// Nothing more will happen for this recipient.
    pub fn is_final(&self) -> bool {
        matches!(
            self,
            Answer::Declined | Answer::Done | Answer::Failed | Answer::Cancelled
        )
    }
}

/// What the runtime learnt by reading a file to offer it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HashedFile {
    pub size: u64,
    pub hash: Hash,
    pub chunk_size: u32,
    /// The manifest root (the runtime keeps the chunk hashes to serve them).
    pub manifest: Hash,
}

/// Everything a receiver's runtime needs to fetch (or resume) a transfer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FetchOrder {
    pub transfer_id: String,
    pub from: PeerId,
    /// The sender's transfer port (from its latest offer); the node adds its address.
    pub port: u16,
    /// The sanitised name.
    pub name: String,
    pub size: u64,
    pub hash: Hash,
    pub chunk_size: u32,
    pub manifest: Hash,
    /// `/accept ID DIR`, else the download directory.
    pub dir: Option<String>,
    /// The target chosen earlier (resuming after a restart), else none yet.
    pub target: Option<String>,
}

/// What the runtime must do for transfers.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FileOutput {
    /// Read and hash the file; answer with [`FileInput::Hashed`].
    Hash {
        transfer_id: String,
        path: String,
    },
    /// Serve the hashed file to these peers on the transfer listener.
    Serve {
        transfer_id: String,
        allowed: Vec<PeerId>,
    },
    StopServe {
        transfer_id: String,
    },
    /// Fetch (or resume) from `addr`; a running fetch of the same transfer is replaced.
    Fetch {
        order: FetchOrder,
        addr: SocketAddr,
    },
    /// Stop fetching; with `discard`, delete the partial file (that of `target` when no
    /// fetch is running, e.g. after a restart before the sender offered again).
    StopFetch {
        transfer_id: String,
        discard: bool,
        target: Option<String>,
    },
}

/// What the runtime reports about transfers.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FileInput {
    /// The transfer listener is up on this port (offers carry it).
    Listening { port: u16 },
    Hashed {
        transfer_id: String,
        result: Result<HashedFile, String>,
    },
    /// A fetch chose its target path.
    Target { transfer_id: String, path: String },
    Progress {
        transfer_id: String,
        bytes: u64,
        rate: u64,
    },
    /// A fetch ended: verified at the path, or failed for good with the reason.
    Fetched {
        transfer_id: String,
        result: Result<String, String>,
    },
}

/// What a transition of the book asks the node to do.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FilesEffect {
    Event(NetEvent),
    /// Send a `file_answer` frame to `to` (if connected).
    Answer {
        to: PeerId,
        transfer_id: String,
        answer: Answer,
        reason: Option<String>,
    },
    /// Send a `file_offer` frame (with our transfer port) to `to`.
    Offer {
        to: PeerId,
        offer: SignedPayload,
    },
    /// Fetch from the sender (the node knows its address).
    Fetch(FetchOrder),
    Io(FileOutput),
    /// The book changed in a way that must survive a restart.
    Save,
}
