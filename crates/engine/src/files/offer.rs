//! The signed file offer: what is offered (name, size, whole-file hash, chunk layout, manifest
//! root), by whom, to whom; its transfer id; and the receiver's checks before showing it.

use super::error::FilesError;
use super::manifest::{chunk_count, Hash};
use super::name::sanitize_file_name;
use crate::limits::{MAX_CHUNK_SIZE, MAX_TRANSFER_CHUNKS, MIN_CHUNK_SIZE};
use crate::wire::{Domain, PeerId, SignedPayload};
use serde::{Deserialize, Serialize};

/// The signed content of a `file_offer` frame (PROTOCOL.md §16.1).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OfferContent {
    /// 32 lowercase hex digits, unique per sender ([`transfer_id`]).
    pub transfer_id: String,
    pub from: PeerId,
    /// The recipients: the only ids the sender serves this transfer to.
    pub to: Vec<PeerId>,
    /// The file name as the sender has it (receivers sanitise it before use).
    pub name: String,
    pub size: u64,
    /// BLAKE3 of the whole file, 64 hex digits.
    pub hash: String,
    pub chunk_size: u32,
    /// BLAKE3 over the chunk hashes in order (the manifest root), 64 hex digits.
    pub manifest: String,
    /// Sender's clock, Unix milliseconds.
    pub ts: i64,
}

/// A transfer id: the first 16 bytes of BLAKE3 over a domain, the sender's id and a sequence
/// number it never reuses, as 32 hex digits.
pub fn transfer_id(sender: &PeerId, seq: u64) -> String {
    let mut h = blake3::Hasher::new();
    h.update(b"p2pchat-tui/v1/transfer\0");
    h.update(&sender.0);
    h.update(&seq.to_be_bytes());
    hex::encode(&h.finalize().as_bytes()[..16])
}

/// The transfer id an offer's payload names, when it is 32 lowercase hex digits; nothing
/// else is checked (no signature): for answering an offer refused before its checks.
pub fn offered_transfer_id(sp: &SignedPayload) -> Option<String> {
    #[derive(Deserialize)]
    struct IdOnly {
        transfer_id: String,
    }
    let id = sp.parse::<IdOnly>().ok()?.transfer_id;
    well_formed_id(&id).then_some(id)
}

/// 32 lowercase hex digits.
fn well_formed_id(id: &str) -> bool {
    id.len() == 32
        && id
            .chars()
            .all(|c| c.is_ascii_hexdigit() && !c.is_ascii_uppercase())
}

pub fn parse_hash(hex_str: &str) -> Option<Hash> {
    let mut h = [0u8; 32];
    (hex_str.len() == 64 && hex::decode_to_slice(hex_str, &mut h).is_ok()).then_some(h)
}

/// An offer that passed every check, with its name made safe.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CheckedOffer {
    pub content: OfferContent,
    pub safe_name: String,
    pub hash: Hash,
    pub manifest: Hash,
}

impl CheckedOffer {
    pub fn chunks(&self) -> u64 {
        chunk_count(self.content.size, self.content.chunk_size)
    }
}

/// The receiver's checks, in order: signature by the connection's peer, payload shape,
/// `from` is that peer, we are a recipient, well-formed id, hashes and chunk layout, size
/// within `max_size`. (PROTOCOL.md §16.1.)
pub fn check_offer(
    sp: &SignedPayload,
    sender: &PeerId,
    me: &PeerId,
    max_size: u64,
) -> Result<CheckedOffer, FilesError> {
    if sp.sig.is_none() {
        return Err(FilesError::BadSignature);
    }
    sp.verify(sender, Domain::FileOffer)
        .map_err(|_| FilesError::BadSignature)?;
    let content: OfferContent = sp
        .parse()
        .map_err(|e| FilesError::Malformed(short(&e.to_string())))?;
    if &content.from != sender {
        return Err(FilesError::WrongSender);
    }
    if !content.to.contains(me) {
        return Err(FilesError::NotForUs);
    }
    if !well_formed_id(&content.transfer_id) {
        return Err(FilesError::Malformed(
            "transfer_id must be 32 hex digits".into(),
        ));
    }
    let (Some(hash), Some(manifest)) = (parse_hash(&content.hash), parse_hash(&content.manifest))
    else {
        return Err(FilesError::Malformed(
            "hash and manifest must be 64 hex digits".into(),
        ));
    };
    let cs = content.chunk_size;
    if !cs.is_power_of_two() || !(MIN_CHUNK_SIZE..=MAX_CHUNK_SIZE).contains(&cs) {
        return Err(FilesError::Malformed(format!(
            "chunk_size {cs} not allowed"
        )));
    }
    if content.size > max_size {
        return Err(FilesError::TooLarge {
            size: content.size,
            limit: max_size,
        });
    }
    if chunk_count(content.size, cs) > MAX_TRANSFER_CHUNKS {
        return Err(FilesError::Malformed("too many chunks".into()));
    }
    let safe_name = sanitize_file_name(&content.name);
    Ok(CheckedOffer {
        content,
        safe_name,
        hash,
        manifest,
    })
}

fn short(s: &str) -> String {
    s.chars().take(120).collect()
}
