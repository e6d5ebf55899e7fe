//! How checked proposals, votes and certificates change a `VotingBook`: the transitions
//! behind its public methods (insert, count, close, adopt, evict).

use super::book::Held;
use super::book::VotingBook;
use super::certificate::VerifiedCertificate;
use super::content::{CheckedProposal, CheckedVote};
use super::error::VoteError;
use super::event::VotingEvent;
use super::tally::{Outcome, Tally};
use super::{ProposalContent, MAX_CLOSED_KEPT, MAX_OPEN_PER_PROPOSER, MAX_OPEN_PROPOSALS};
use crate::wire::frame::Certificate;
use crate::wire::{PeerId, ProposalId, SignedPayload};
use ed25519_dalek::SigningKey;
use std::collections::BTreeMap;

/// One known proposal and the ballots counted on it.
#[derive(Debug)]
pub(crate) struct Entry {
    pub content: ProposalContent,
    pub signed: SignedPayload,
    /// Counted ballots by voter (never the proposer): approve, and the signed vote.
    pub ballots: BTreeMap<PeerId, (bool, SignedPayload)>,
    pub outcome: Option<Outcome>,
    /// When this node first saw the proposal (its own clock): bounds its rank.
    pub seen_ms: i64,
}

impl Entry {
    pub fn tally(&self) -> Tally {
        let ballots = self.ballots.iter().map(|(k, (a, _))| (*k, *a));
        Tally::count(&self.content.electorate, self.content.proposer, ballots)
    }

    /// `Ok` while the proposal takes votes at `now_ms`; otherwise a `Closed` error naming the
    /// outcome (expired if its time is up but no tick has closed it yet).
    pub(crate) fn ensure_open(&self, id: &ProposalId, now_ms: i64) -> Result<(), VoteError> {
        match self.outcome {
            Some(outcome) => Err(VoteError::Closed {
                id: id.clone(),
                outcome,
            }),
            None if now_ms >= self.content.expires_ts => Err(VoteError::Closed {
                id: id.clone(),
                outcome: Outcome::Expired,
            }),
            None => Ok(()),
        }
    }
}

impl VotingBook {
    /// Refuses a signing key that is not this node's.
    pub(crate) fn check_key(&self, key: &SigningKey) -> Result<(), VoteError> {
        if key.verifying_key().to_bytes() == self.me.0 {
            Ok(())
        } else {
            Err(VoteError::WrongKey)
        }
    }

    /// Refuses a new proposal by `proposer` while [`MAX_OPEN_PROPOSALS`] are open in all, or
    /// [`MAX_OPEN_PER_PROPOSER`] by that proposer.
    pub(crate) fn check_room(&self, proposer: &PeerId) -> Result<(), VoteError> {
        let open = || self.entries.values().filter(|e| e.outcome.is_none());
        if open().filter(|e| e.content.proposer == *proposer).count() >= MAX_OPEN_PER_PROPOSER {
            return Err(VoteError::TooManyFromProposer {
                proposer: *proposer,
                max: MAX_OPEN_PER_PROPOSER,
            });
        }
        if open().count() >= MAX_OPEN_PROPOSALS {
            return Err(VoteError::TooManyOpenProposals {
                max: MAX_OPEN_PROPOSALS,
            });
        }
        Ok(())
    }

    /// Finds the proposal `prefix` names: the only known id starting with it, or else the
    /// only open one.
    pub(crate) fn resolve(&self, prefix: &str) -> Result<ProposalId, VoteError> {
        let p = prefix.trim().to_ascii_lowercase();
        let hits: Vec<(&ProposalId, &Entry)> = if p.is_empty() {
            Vec::new()
        } else {
            self.entries
                .iter()
                .filter(|(id, _)| id.0.starts_with(&p))
                .collect()
        };
        match hits.as_slice() {
            [] => Err(VoteError::NoMatch {
                prefix: prefix.to_owned(),
            }),
            [(id, _)] => Ok((*id).clone()),
            many => {
                let open: Vec<&ProposalId> = many
                    .iter()
                    .filter(|(_, e)| e.outcome.is_none())
                    .map(|(id, _)| *id)
                    .collect();
                match open.as_slice() {
                    [id] => Ok((*id).clone()),
                    _ => Err(VoteError::AmbiguousPrefix {
                        prefix: prefix.to_owned(),
                        count: many.len(),
                    }),
                }
            }
        }
    }

    /// Adds a checked, not yet known proposal, then applies any votes that waited for it.
    pub(crate) fn insert(&mut self, p: CheckedProposal, now_ms: i64) -> Vec<VotingEvent> {
        let id = p.id.clone();
        let mut events = vec![VotingEvent::Proposal {
            proposal_id: id.clone(),
            content: p.content.clone(),
        }];
        let entry = Entry {
            content: p.content,
            signed: p.signed,
            ballots: BTreeMap::new(),
            outcome: None,
            seen_ms: now_ms,
        };
        self.entries.insert(id.clone(), entry);
        self.close_if_decided(&id, &mut events);
        for vote in self.pending.take(&id) {
            let from = vote.content.voter;
            match self.apply_vote(vote, now_ms) {
                Ok(more) => events.extend(more),
                Err(e) => events.push(VotingEvent::Rejected {
                    from,
                    reason: e.to_string(),
                }),
            }
        }
        self.evict_closed();
        events
    }

    /// Counts a signature-checked vote on a known proposal.
    pub(crate) fn apply_vote(
        &mut self,
        vote: CheckedVote,
        now_ms: i64,
    ) -> Result<Vec<VotingEvent>, VoteError> {
        let v = vote.content;
        let id = v.proposal_id.clone();
        let Some(entry) = self.entries.get_mut(&id) else {
            return Err(VoteError::UnknownProposal { id });
        };
        if entry
            .ballots
            .get(&v.voter)
            .is_some_and(|(_, s)| *s == vote.signed)
        {
            return Ok(Vec::new());
        }
        entry.ensure_open(&id, now_ms)?;
        if !entry.content.is_member(&v.voter) {
            return Err(VoteError::NotInElectorate { id, voter: v.voter });
        }
        if v.voter == entry.content.proposer || entry.ballots.contains_key(&v.voter) {
            return Err(VoteError::AlreadyVoted { id, voter: v.voter });
        }
        entry.ballots.insert(v.voter, (v.approve, vote.signed));
        let t = entry.tally();
        let mut events = vec![VotingEvent::Vote {
            proposal_id: id.clone(),
            voter: v.voter,
            approve: v.approve,
            approvals: t.approvals,
            rejections: t.rejections,
        }];
        self.close_if_decided(&id, &mut events);
        Ok(events)
    }

    /// Closes an open proposal whose tally decides it; an approval yields a certificate.
    pub(crate) fn close_if_decided(&mut self, id: &ProposalId, events: &mut Vec<VotingEvent>) {
        let Some(entry) = self.entries.get_mut(id) else {
            return;
        };
        if entry.outcome.is_some() {
            return;
        }
        let Some(outcome) = entry
            .tally()
            .outcome(entry.content.n(), entry.content.threshold)
        else {
            return;
        };
        entry.outcome = Some(outcome);
        events.push(VotingEvent::ProposalClosed {
            proposal_id: id.clone(),
            outcome,
        });
        if outcome == Outcome::Approved {
            let need = entry.content.threshold.saturating_sub(1);
            let approvals: Vec<SignedPayload> = entry
                .ballots
                .values()
                .filter(|(a, _)| *a)
                .map(|(_, s)| s.clone())
                .take(need)
                .collect();
            let approvers = std::iter::once(entry.content.proposer)
                .chain(
                    entry
                        .ballots
                        .iter()
                        .filter(|(_, (a, _))| *a)
                        .map(|(k, _)| *k)
                        .take(need),
                )
                .collect();
            let cert = Certificate {
                proposal: entry.signed.clone(),
                approvals,
            };
            // Every payload in it was verified on the way in: no need to verify again.
            let verified = VerifiedCertificate {
                proposal_id: id.clone(),
                content: entry.content.clone(),
                approvers,
            };
            let rank_ts = entry.content.created_ts.min(entry.seen_ms);
            self.adopt_if_newer(cert, verified, rank_ts, events);
        }
    }

    /// Makes `cert` the current certificate if it ranks above the one held. `rank_ts` is its
    /// proposal's `created_ts`, but never later than when this node first saw the proposal,
    /// so a proposer cannot make its decision outrank later ones by dating it ahead.
    pub(crate) fn adopt_if_newer(
        &mut self,
        cert: Certificate,
        verified: VerifiedCertificate,
        rank_ts: i64,
        events: &mut Vec<VotingEvent>,
    ) -> bool {
        if let Some(current) = &self.certificate {
            if (rank_ts, &verified.proposal_id) <= (current.rank_ts, &current.verified.proposal_id)
            {
                return false;
            }
        }
        events.push(VotingEvent::SecureMode {
            enabled: verified.secure_only(),
            proposal_id: verified.proposal_id.clone(),
            approvers: verified.approvers.clone(),
            certificate: cert.clone(),
        });
        self.certificate = Some(Held {
            cert,
            verified,
            rank_ts,
        });
        true
    }

    /// Forgets the oldest closed proposals beyond [`MAX_CLOSED_KEPT`].
    pub(crate) fn evict_closed(&mut self) {
        let mut closed: Vec<(i64, ProposalId)> = self
            .entries
            .iter()
            .filter(|(_, e)| e.outcome.is_some())
            .map(|(id, e)| (e.content.created_ts, id.clone()))
            .collect();
        if closed.len() <= MAX_CLOSED_KEPT {
            return;
        }
        closed.sort();
        let excess = closed.len() - MAX_CLOSED_KEPT;
        for (_, id) in closed.into_iter().take(excess) {
            self.entries.remove(&id);
        }
    }
}
