//! Why a proposal, vote or certificate was refused: one clear line each.

use super::tally::Outcome;
use crate::wire::{PeerId, ProposalId};

/// A refused proposal, vote or command. `Display` is one line meant for people.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum VoteError {
    #[error("malformed proposal: {0}")]
    MalformedProposal(String),
    #[error("malformed vote: {0}")]
    MalformedVote(String),
    #[error("{0} is not signed")]
    Unsigned(&'static str),
    #[error("bad signature on {kind} from {}", .signer.fingerprint())]
    BadSignature { kind: &'static str, signer: PeerId },
    #[error(
        "threshold {threshold} is out of range: must be between 1 and {n} (the electorate size)"
    )]
    ThresholdOutOfRange { threshold: usize, n: usize },
    #[error("the electorate is empty")]
    EmptyElectorate,
    #[error("the electorate has {n} members; at most {max} are allowed")]
    ElectorateTooLarge { n: usize, max: usize },
    #[error("the electorate must be sorted and free of duplicates")]
    ElectorateNotCanonical,
    #[error("the proposer is not in the electorate")]
    ProposerNotInElectorate,
    #[error("description is {len} characters; at most {max} are allowed")]
    DescriptionTooLong { len: usize, max: usize },
    #[error("description must not contain control characters")]
    DescriptionControlChars,
    #[error("lifetime of {ttl_ms} ms is out of range: must be between 1 ms and {max_ms} ms")]
    BadLifetime { ttl_ms: i64, max_ms: i64 },
    #[error("proposal {id} has already expired")]
    ProposalExpired { id: ProposalId },
    #[error("too many open proposals (at most {max}); wait for one to close")]
    TooManyOpenProposals { max: usize },
    #[error("vote for unknown proposal {id}")]
    UnknownProposal { id: ProposalId },
    #[error("vote for unknown proposal {id} dropped: too many votes already waiting")]
    PendingFull { id: ProposalId },
    #[error("no proposal matches '{prefix}'")]
    NoMatch { prefix: String },
    #[error("'{prefix}' matches {count} proposals; type more of the id")]
    AmbiguousPrefix { prefix: String, count: usize },
    #[error("proposal {id} is already closed ({outcome})")]
    Closed { id: ProposalId, outcome: Outcome },
    #[error("{} has already voted on proposal {id}", .voter.fingerprint())]
    AlreadyVoted { id: ProposalId, voter: PeerId },
    #[error("{} is not in the electorate of proposal {id}", .voter.fingerprint())]
    NotInElectorate { id: ProposalId, voter: PeerId },
    #[error("the signing key does not belong to this node")]
    WrongKey,
    #[error("invalid certificate: {0}")]
    BadCertificate(#[from] CertError),
    #[error("dated {ahead_s} s ahead of our clock (at most {max_s} s is allowed)")]
    FromTheFuture { ahead_s: i64, max_s: i64 },
    #[error("threshold {threshold} of {n} is not a majority (at least {need} needed)")]
    NotMajority {
        threshold: usize,
        n: usize,
        need: usize,
    },
    #[error("an electorate of the proposer alone does not speak for the group we see")]
    LoneProposer,
    #[error(
        "the electorate leaves out {} ({who}), connected to us since before the proposal was made",
        .member.fingerprint()
    )]
    Omits { member: PeerId, who: &'static str },
    #[error("{} already has {max} open proposals; wait for one to close", .proposer.fingerprint())]
    TooManyFromProposer { proposer: PeerId, max: usize },
    #[error("sync carries {count} {what}; at most {max} are allowed")]
    SyncTooLarge {
        what: &'static str,
        count: usize,
        max: usize,
    },
    #[error("a second sync with proposals or votes on the same connection")]
    SecondSync,
}

/// Why a certificate does not prove that its proposal was approved.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CertError {
    #[error("its proposal is invalid: {0}")]
    Proposal(Box<VoteError>),
    #[error("approval {index} is invalid: {reason}")]
    Approval {
        index: usize,
        reason: Box<VoteError>,
    },
    #[error("approval {index} is for proposal {found}, not {expected}")]
    WrongProposal {
        index: usize,
        expected: ProposalId,
        found: ProposalId,
    },
    #[error("approval {index} is a rejection")]
    NotAnApproval { index: usize },
    #[error("approval {index} is from {}, who is not in the electorate", .voter.fingerprint())]
    Outsider { index: usize, voter: PeerId },
    #[error("approval {index} repeats approver {}", .voter.fingerprint())]
    DuplicateApprover { index: usize, voter: PeerId },
    #[error("{have} distinct approvals (counting the proposer), threshold is {need}")]
    TooFewApprovals { have: usize, need: usize },
    #[error("{count} approvals is more than the electorate allows")]
    TooManyApprovals { count: usize },
}
