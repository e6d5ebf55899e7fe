//! The signed JSON contents of proposals and votes, their validation, and proposal ids.

use super::error::VoteError;
use super::{MAX_DESCRIPTION_CHARS, MAX_ELECTORATE, MAX_TTL_MS};
use crate::node::verified::VerifyCache;
use crate::wire::{Domain, PeerId, ProposalId, SignedPayload};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// What a proposal says: the `payload` of a `proposal` frame, signed under
/// [`Domain::Proposal`] by `proposer`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProposalContent {
    pub proposer: PeerId,
    /// true: switch to secure-only mode; false: return to open mode.
    pub enable: bool,
    /// Approvals needed (M), counting the proposer; 1..=N.
    pub threshold: usize,
    /// The peers whose votes count (N = its length): sorted ascending, no duplicates,
    /// proposer included.
    pub electorate: Vec<PeerId>,
    pub description: String,
    /// Proposer's clock at creation, Unix milliseconds.
    pub created_ts: i64,
    /// Unix milliseconds after which the proposal is expired if still open.
    pub expires_ts: i64,
}

impl ProposalContent {
    /// N: the size of the electorate.
    pub fn n(&self) -> usize {
        self.electorate.len()
    }

    /// Whether `peer` may vote on this proposal.
    pub fn is_member(&self, peer: &PeerId) -> bool {
        self.electorate.binary_search(peer).is_ok()
    }

    /// Checks every rule a proposal must satisfy regardless of who receives it.
    pub fn validate(&self) -> Result<(), VoteError> {
        let n = self.electorate.len();
        if n == 0 {
            return Err(VoteError::EmptyElectorate);
        }
        if n > MAX_ELECTORATE {
            return Err(VoteError::ElectorateTooLarge {
                n,
                max: MAX_ELECTORATE,
            });
        }
        if self.electorate.windows(2).any(|w| w[0] >= w[1]) {
            return Err(VoteError::ElectorateNotCanonical);
        }
        if !self.is_member(&self.proposer) {
            return Err(VoteError::ProposerNotInElectorate);
        }
        if self.threshold == 0 || self.threshold > n {
            return Err(VoteError::ThresholdOutOfRange {
                threshold: self.threshold,
                n,
            });
        }
        check_description(&self.description)?;
        let ttl_ms = self.expires_ts.saturating_sub(self.created_ts);
        if ttl_ms <= 0 || ttl_ms > MAX_TTL_MS {
            return Err(VoteError::BadLifetime {
                ttl_ms,
                max_ms: MAX_TTL_MS,
            });
        }
        Ok(())
    }
}

/// Checks a description's length (in characters) and that it has no control characters.
pub(crate) fn check_description(description: &str) -> Result<(), VoteError> {
    let len = description.chars().count();
    if len > MAX_DESCRIPTION_CHARS {
        return Err(VoteError::DescriptionTooLong {
            len,
            max: MAX_DESCRIPTION_CHARS,
        });
    }
    if description.chars().any(char::is_control) {
        return Err(VoteError::DescriptionControlChars);
    }
    Ok(())
}

/// What a vote says: the `payload` of a `vote` frame, signed under [`Domain::Vote`] by
/// `voter`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VoteContent {
    pub proposal_id: ProposalId,
    pub voter: PeerId,
    pub approve: bool,
    /// Voter's clock when voting, Unix milliseconds (informative only).
    pub ts: i64,
}

/// A proposal's id: lowercase hex of the first 16 bytes of SHA-256 over its payload bytes.
pub fn proposal_id(payload: &str) -> ProposalId {
    let digest = Sha256::digest(payload.as_bytes());
    ProposalId(hex::encode(&digest[..16]))
}

/// Whether `id` has the shape of a proposal id: 32 lowercase hex digits.
pub(crate) fn is_well_formed_id(id: &ProposalId) -> bool {
    id.0.len() == 32 && id.0.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

/// A proposal whose signature verified and whose content is valid.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct CheckedProposal {
    pub id: ProposalId,
    pub content: ProposalContent,
    pub signed: SignedPayload,
}

/// Parses a signed proposal, verifies the proposer's signature over the exact payload bytes,
/// and validates the content.
pub(crate) fn check_proposal(
    sp: &SignedPayload,
    cache: &mut VerifyCache,
) -> Result<CheckedProposal, VoteError> {
    let content: ProposalContent = sp
        .parse()
        .map_err(|e| VoteError::MalformedProposal(short(&e)))?;
    match cache.verify(sp, &content.proposer, Domain::Proposal) {
        Ok(true) => {}
        Ok(false) => return Err(VoteError::Unsigned("proposal")),
        Err(_) => {
            return Err(VoteError::BadSignature {
                kind: "proposal",
                signer: content.proposer,
            })
        }
    }
    content.validate()?;
    Ok(CheckedProposal {
        id: proposal_id(&sp.payload),
        content,
        signed: sp.clone(),
    })
}

/// A vote whose signature by its voter verified (membership is checked against a proposal).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct CheckedVote {
    pub content: VoteContent,
    pub signed: SignedPayload,
}

/// Parses a signed vote and verifies the voter's signature over the exact payload bytes.
pub(crate) fn check_vote(
    sp: &SignedPayload,
    cache: &mut VerifyCache,
) -> Result<CheckedVote, VoteError> {
    let content = parse_vote(sp)?;
    match cache.verify(sp, &content.voter, Domain::Vote) {
        Ok(true) => Ok(CheckedVote {
            content,
            signed: sp.clone(),
        }),
        Ok(false) => Err(VoteError::Unsigned("vote")),
        Err(_) => Err(VoteError::BadSignature {
            kind: "vote",
            signer: content.voter,
        }),
    }
}

/// Parses a vote payload and checks its proposal id's shape, without verifying the signature
/// (used to skip votes already counted before paying for a verification).
pub(crate) fn parse_vote(sp: &SignedPayload) -> Result<VoteContent, VoteError> {
    let content: VoteContent = sp
        .parse()
        .map_err(|e| VoteError::MalformedVote(short(&e)))?;
    if !is_well_formed_id(&content.proposal_id) {
        return Err(VoteError::MalformedVote(
            "proposal_id is not 32 lowercase hex digits".into(),
        ));
    }
    Ok(content)
}

fn short(e: &serde_json::Error) -> String {
    let mut s = e.to_string();
    if s.len() > 120 {
        let mut cut = 120;
        while !s.is_char_boundary(cut) {
            cut -= 1;
        }
        s.truncate(cut);
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use ed25519_dalek::SigningKey;

    fn key(n: u8) -> SigningKey {
        SigningKey::from_bytes(&[n; 32])
    }

    fn content(k: &SigningKey) -> ProposalContent {
        let me = PeerId(k.verifying_key().to_bytes());
        ProposalContent {
            proposer: me,
            enable: true,
            threshold: 1,
            electorate: vec![me],
            description: "go secure".into(),
            created_ts: 1_000,
            expires_ts: 2_000,
        }
    }

    #[test]
    fn proposal_json_has_the_documented_fields_and_id() {
        let k = key(1);
        let sp = SignedPayload::sign(&k, Domain::Proposal, &content(&k));
        let v: serde_json::Value = serde_json::from_str(&sp.payload).unwrap();
        let keys: Vec<&str> = v.as_object().unwrap().keys().map(|s| s.as_str()).collect();
        assert_eq!(keys.len(), 7);
        assert_eq!(v["threshold"], 1);
        let checked = check_proposal(&sp, &mut VerifyCache::default()).unwrap();
        assert_eq!(checked.id.0.len(), 32);
        assert!(is_well_formed_id(&checked.id));
        assert_eq!(checked.id, proposal_id(&sp.payload));
    }

    #[test]
    fn unknown_fields_and_bad_lifetimes_are_refused() {
        let k = key(1);
        let mut c = content(&k);
        c.expires_ts = c.created_ts;
        let sp = SignedPayload::sign(&k, Domain::Proposal, &c);
        assert!(matches!(
            check_proposal(&sp, &mut VerifyCache::default()),
            Err(VoteError::BadLifetime { .. })
        ));
        let mut v = serde_json::to_value(content(&k)).unwrap();
        v["extra"] = serde_json::json!(1);
        let sp = SignedPayload::sign(&k, Domain::Proposal, &v);
        assert!(matches!(
            check_proposal(&sp, &mut VerifyCache::default()),
            Err(VoteError::MalformedProposal(_))
        ));
    }

    #[test]
    fn proposal_signed_under_the_vote_domain_is_refused() {
        let k = key(1);
        let sp = SignedPayload::sign(&k, Domain::Vote, &content(&k));
        assert!(matches!(
            check_proposal(&sp, &mut VerifyCache::default()),
            Err(VoteError::BadSignature { .. })
        ));
        let unsigned = SignedPayload::unsigned(&content(&k));
        assert_eq!(
            check_proposal(&unsigned, &mut VerifyCache::default()),
            Err(VoteError::Unsigned("proposal"))
        );
    }
}
