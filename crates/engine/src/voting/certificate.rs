//! Certificates: a signed proposal plus signed approvals, checkable by anyone with no state.

use super::content::{check_proposal, check_vote};
use super::error::{CertError, VoteError};
use super::{ProposalContent, MAX_ELECTORATE};
use crate::node::verified::VerifyCache;
use crate::wire::frame::Certificate;
use crate::wire::{PeerId, ProposalId};
use std::collections::BTreeSet;

/// What a certificate proves, once [`verify_certificate`] accepted it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VerifiedCertificate {
    pub proposal_id: ProposalId,
    pub content: ProposalContent,
    /// Distinct approvers: the proposer first, then the voters in certificate order.
    pub approvers: Vec<PeerId>,
}

impl VerifiedCertificate {
    /// The mode the certificate establishes: true = secure-only.
    pub fn secure_only(&self) -> bool {
        self.content.enable
    }
}

/// Checks that `cert` proves an approval: the proposal is validly signed and well formed;
/// every approval is a validly signed vote by a distinct electorate member other than the
/// proposer, approving this very proposal id; and those approvers plus the proposer reach
/// the threshold.
pub fn verify_certificate(cert: &Certificate) -> Result<VerifiedCertificate, VoteError> {
    verify_certificate_with(cert, &mut VerifyCache::default())
}

/// [`verify_certificate`], skipping signatures whose verdict `cache` remembers.
pub(crate) fn verify_certificate_with(
    cert: &Certificate,
    cache: &mut VerifyCache,
) -> Result<VerifiedCertificate, VoteError> {
    let proposal =
        check_proposal(&cert.proposal, cache).map_err(|e| CertError::Proposal(Box::new(e)))?;
    let content = proposal.content;
    if cert.approvals.len() > MAX_ELECTORATE {
        return Err(CertError::TooManyApprovals {
            count: cert.approvals.len(),
        }
        .into());
    }
    let mut seen = BTreeSet::new();
    let mut approvers = vec![content.proposer];
    for (index, sp) in cert.approvals.iter().enumerate() {
        let vote = check_vote(sp, cache).map_err(|e| CertError::Approval {
            index,
            reason: Box::new(e),
        })?;
        let v = vote.content;
        if v.proposal_id != proposal.id {
            let expected = proposal.id.clone();
            return Err(CertError::WrongProposal {
                index,
                expected,
                found: v.proposal_id,
            }
            .into());
        }
        if !v.approve {
            return Err(CertError::NotAnApproval { index }.into());
        }
        if !content.is_member(&v.voter) {
            return Err(CertError::Outsider {
                index,
                voter: v.voter,
            }
            .into());
        }
        if v.voter == content.proposer || !seen.insert(v.voter) {
            return Err(CertError::DuplicateApprover {
                index,
                voter: v.voter,
            }
            .into());
        }
        approvers.push(v.voter);
    }
    if approvers.len() < content.threshold {
        let need = content.threshold;
        return Err(CertError::TooFewApprovals {
            have: approvers.len(),
            need,
        }
        .into());
    }
    Ok(VerifiedCertificate {
        proposal_id: proposal.id,
        content,
        approvers,
    })
}
