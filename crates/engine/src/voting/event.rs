//! What the voting book reports: events for front ends and a read-only view of proposals.

use super::tally::Outcome;
use super::ProposalContent;
use crate::wire::frame::Certificate;
use crate::wire::{PeerId, ProposalId};

/// Something that happened in the voting book. Mirrors the voting `NetEvent`s; ids stay typed
/// here and become strings (and names) at the edge.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum VotingEvent {
    /// A proposal became known (ours or a peer's).
    Proposal {
        proposal_id: ProposalId,
        content: ProposalContent,
    },
    /// A vote was counted; the tally after it.
    Vote {
        proposal_id: ProposalId,
        voter: PeerId,
        approve: bool,
        approvals: usize,
        rejections: usize,
    },
    /// A proposal closed.
    ProposalClosed {
        proposal_id: ProposalId,
        outcome: Outcome,
    },
    /// The mode was set by a (new) certificate, reached here or received from a peer. The
    /// certificate is included so the engine can pass it on.
    SecureMode {
        enabled: bool,
        proposal_id: ProposalId,
        approvers: Vec<PeerId>,
        certificate: Certificate,
    },
    /// A vote that waited for its proposal was dropped.
    Rejected { from: PeerId, reason: String },
}

/// A proposal as the book sees it, with its tally (see `net::api::ProposalInfo`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProposalView {
    pub proposal_id: ProposalId,
    pub content: ProposalContent,
    pub approvals: usize,
    pub rejections: usize,
    /// This node's vote (true for a proposal it made), if any.
    pub my_vote: Option<bool>,
    /// `None` while open.
    pub outcome: Option<Outcome>,
}
