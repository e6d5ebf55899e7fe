//! Tests of the voting book: unit cases, forged certificates, properties, a small simulator.

mod book;
mod certs;
mod legit;
mod props;
mod sim;
mod sync;
mod timing;
mod vector;

use super::{
    Outcome, ProposalView, VoteContent, VotingBook, VotingEvent, DEFAULT_TTL_MS,
    MAX_OPEN_PER_PROPOSER,
};
use crate::wire::{Domain, PeerId, ProposalId, SignedPayload};
use ed25519_dalek::SigningKey;

/// A fixed "now": 2023-11-14, in Unix milliseconds.
pub(super) const T0: i64 = 1_700_000_000_000;

/// One node under test: its key, id and book.
pub(super) struct Peer {
    pub key: SigningKey,
    pub id: PeerId,
    pub book: VotingBook,
}

pub(super) fn key(n: u8) -> SigningKey {
    SigningKey::from_bytes(&[n; 32])
}

pub(super) fn id_of(k: &SigningKey) -> PeerId {
    PeerId(k.verifying_key().to_bytes())
}

pub(super) fn peer(n: u8) -> Peer {
    let key = key(n);
    let id = id_of(&key);
    Peer {
        key,
        id,
        book: VotingBook::new(id),
    }
}

/// `count` peers with keys 1..=count.
pub(super) fn peers(count: u8) -> Vec<Peer> {
    (1..=count).map(peer).collect()
}

/// The ids of `ps`.
pub(super) fn ids(ps: &[Peer]) -> Vec<PeerId> {
    ps.iter().map(|p| p.id).collect()
}

impl Peer {
    /// Proposes with every id in `others` online; panics on error (test helper).
    pub fn propose(
        &mut self,
        others: &[PeerId],
        threshold: Option<usize>,
        enable: bool,
        now: i64,
    ) -> (SignedPayload, ProposalId, Vec<VotingEvent>) {
        let (sp, events) = self
            .book
            .propose(
                &self.key,
                others,
                threshold,
                enable,
                "switch mode",
                now,
                DEFAULT_TTL_MS,
            )
            .expect("valid proposal");
        let id = super::proposal_id(&sp.payload);
        (sp, id, events)
    }

    pub fn view(&self, id: &ProposalId) -> Option<ProposalView> {
        self.book
            .proposals()
            .into_iter()
            .find(|v| &v.proposal_id == id)
    }

    pub fn outcome(&self, id: &ProposalId) -> Option<Outcome> {
        self.view(id).and_then(|v| v.outcome)
    }
}

/// A vote signed by `key`, made outside any book (for forging and reordering).
pub(super) fn signed_vote(
    key: &SigningKey,
    id: &ProposalId,
    approve: bool,
    ts: i64,
) -> SignedPayload {
    let content = VoteContent {
        proposal_id: id.clone(),
        voter: id_of(key),
        approve,
        ts,
    };
    SignedPayload::sign(key, Domain::Vote, &content)
}

/// The outcomes announced in `events`, in order.
pub(super) fn closings(events: &[VotingEvent]) -> Vec<Outcome> {
    events
        .iter()
        .filter_map(|e| match e {
            VotingEvent::ProposalClosed { outcome, .. } => Some(*outcome),
            _ => None,
        })
        .collect()
}

/// The `enabled` flags of the `SecureMode` events in `events`.
pub(super) fn mode_changes(events: &[VotingEvent]) -> Vec<bool> {
    events
        .iter()
        .filter_map(|e| match e {
            VotingEvent::SecureMode { enabled, .. } => Some(*enabled),
            _ => None,
        })
        .collect()
}

impl Peer {
    /// Votes with this peer's own key.
    pub fn vote(
        &mut self,
        prefix: &str,
        approve: bool,
        now: i64,
    ) -> Result<(SignedPayload, Vec<VotingEvent>), super::VoteError> {
        self.book.vote(&self.key, prefix, approve, now)
    }
}

/// Shuffles `items` deterministically from `seed` (xorshift64* Fisher-Yates; tests only).
pub(super) fn shuffle<T>(items: &mut [T], seed: u64) {
    let mut state = seed | 1;
    for i in (1..items.len()).rev() {
        state ^= state >> 12;
        state ^= state << 25;
        state ^= state >> 27;
        let r = state.wrapping_mul(0x2545_f491_4f6c_dd1d);
        items.swap(i, (r % (i as u64 + 1)) as usize);
    }
}
