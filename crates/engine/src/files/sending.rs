//! The sender's transitions of the transfer book: an offer starts by hashing the file, is
//! signed and sent once hashed, is sent again to each recipient that connects, and is hashed
//! again after a restart.

use super::book::*;
use super::error::FilesError;
use super::offer::OfferContent;
use super::{Answer, FileOutput, FilesEffect, HashedFile};
use crate::wire::{Domain, PeerId, SignedPayload};
use ed25519_dalek::SigningKey;

impl TransferBook {
    /// Outgoing: the user offered `path` to `recipients`; the runtime hashes it first.
    pub fn start_offer(
        &mut self,
        id: String,
        path: String,
        recipients: Vec<PeerId>,
        now_ms: i64,
    ) -> Result<Vec<FilesEffect>, FilesError> {
        self.make_room()?;
        let name = path.rsplit(['/', '\\']).next().unwrap_or(&path).to_string();
        self.transfers.insert(
            id.clone(),
            Transfer {
                id: id.clone(),
                direction: Direction::Outgoing,
                peer: None,
                recipients: recipients
                    .into_iter()
                    .map(|p| (p, Answer::Pending))
                    .collect(),
                offer: None,
                name,
                size: 0,
                hash: String::new(),
                stage: Stage::Hashing,
                bytes: 0,
                path: Some(path.clone()),
                dir: None,
                port: 0,
                rate: 0,
                created_ms: now_ms,
            },
        );
        Ok(vec![FilesEffect::Io(FileOutput::Hash {
            transfer_id: id,
            path,
        })])
    }

    /// Outgoing: the runtime read the file. Signs the offer and sends it to every recipient
    /// connected now (`connected`); the others get it when they connect. After a restart,
    /// the file is hashed again and must not have changed.
    pub fn hashed(
        &mut self,
        id: &str,
        result: Result<HashedFile, String>,
        key: &SigningKey,
        connected: &dyn Fn(&PeerId) -> bool,
        now_ms: i64,
    ) -> Vec<FilesEffect> {
        let Some(t) = self.transfers.get_mut(id) else {
            return vec![];
        };
        let file = match result {
            Ok(f) if t.offer.is_some() && hex::encode(f.hash) != t.hash => {
                return fail(t, "the file changed since it was offered".into());
            }
            Ok(f) => f,
            Err(e) => return fail(t, e),
        };
        if t.offer.is_none() {
            let content = OfferContent {
                transfer_id: id.to_string(),
                from: PeerId(key.verifying_key().to_bytes()),
                to: t.recipients.keys().copied().collect(),
                name: t.name.clone(),
                size: file.size,
                hash: hex::encode(file.hash),
                chunk_size: file.chunk_size,
                manifest: hex::encode(file.manifest),
                ts: now_ms,
            };
            t.size = file.size;
            t.hash = content.hash.clone();
            t.offer = Some(SignedPayload::sign(key, Domain::FileOffer, &content));
        }
        t.stage = Stage::Offered;
        let mut out = vec![
            FilesEffect::Io(FileOutput::Serve {
                transfer_id: id.to_string(),
                allowed: t.recipients.keys().copied().collect(),
            }),
            FilesEffect::Save,
        ];
        out.extend(offers_to(t, connected));
        out
    }

    /// Outgoing: a recipient connected; offer again what it has not finished (a restarted
    /// receiver resumes, and every offer carries our current transfer port).
    pub fn peer_connected(&self, peer: &PeerId) -> Vec<FilesEffect> {
        self.transfers
            .values()
            .filter(|t| t.direction == Direction::Outgoing && t.stage == Stage::Offered)
            .flat_map(|t| offers_to(t, &|p| p == peer))
            .collect()
    }

    /// At start: what must be set going again. Outgoing offers are hashed again (the
    /// manifest is not saved, and the file must not have changed); incoming accepted ones
    /// wait for their sender's next offer, which carries its new port.
    pub fn resume_all(&self) -> Vec<FilesEffect> {
        self.transfers
            .values()
            .filter(|t| t.direction == Direction::Outgoing && t.stage.is_open())
            .filter_map(|t| {
                Some(FilesEffect::Io(FileOutput::Hash {
                    transfer_id: t.id.clone(),
                    path: t.path.clone()?,
                }))
            })
            .collect()
    }
}
