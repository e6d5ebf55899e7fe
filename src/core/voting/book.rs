//! `VotingBook`: the voting state machine of one node (proposals, ballots, pending votes,
//! the current certificate). Pure: time comes in as Unix milliseconds.

use super::certificate::{verify_certificate, VerifiedCertificate};
use super::content::{check_description, check_proposal, check_vote, CheckedProposal, CheckedVote};
use super::error::VoteError;
use super::event::{ProposalView, VotingEvent};
use super::pending::PendingVotes;
use super::tally::{default_threshold, Outcome, Tally};
use super::{ProposalContent, VoteContent, MAX_CLOSED_KEPT, MAX_OPEN_PROPOSALS, MAX_TTL_MS};
use crate::proto::frame::Certificate;
use crate::proto::{Domain, PeerId, ProposalId, SignedPayload};
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
}

impl Entry {
    pub fn tally(&self) -> Tally {
        let ballots = self.ballots.iter().map(|(k, (a, _))| (*k, *a));
        Tally::count(&self.content.electorate, self.content.proposer, ballots)
    }

    /// The outcome, or `Closed` as an error if the proposal no longer takes votes at `now_ms`.
    fn ensure_open(&self, id: &ProposalId, now_ms: i64) -> Result<(), VoteError> {
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

/// The voting state of one node: see the module docs and docs/VOTING.md.
#[derive(Debug)]
pub struct VotingBook {
    pub(crate) me: PeerId,
    pub(crate) entries: BTreeMap<ProposalId, Entry>,
    pub(crate) pending: PendingVotes,
    pub(crate) certificate: Option<(Certificate, VerifiedCertificate)>,
}

impl VotingBook {
    /// An empty book for the node whose id is `me` (open mode, no proposals).
    pub fn new(me: PeerId) -> VotingBook {
        VotingBook {
            me,
            entries: BTreeMap::new(),
            pending: PendingVotes::default(),
            certificate: None,
        }
    }

    /// Whether the group is in secure-only mode (per the current certificate).
    pub fn secure_only(&self) -> bool {
        self.certificate
            .as_ref()
            .is_some_and(|(_, v)| v.secure_only())
    }

    /// The certificate that set the current mode, if any.
    pub fn certificate(&self) -> Option<&Certificate> {
        self.certificate.as_ref().map(|(c, _)| c)
    }

    /// Number of votes waiting for their proposal.
    pub fn pending_votes(&self) -> usize {
        self.pending.len()
    }

    /// Checks a certificate without touching the book (same as [`verify_certificate`]).
    pub fn verify_certificate(cert: &Certificate) -> Result<VerifiedCertificate, VoteError> {
        verify_certificate(cert)
    }

    /// Makes and records a proposal by this node. The electorate is `online_peers` plus this
    /// node; `threshold` defaults to floor(N/2)+1. Returns the signed proposal to broadcast.
    #[allow(clippy::too_many_arguments)]
    pub fn propose(
        &mut self,
        key: &SigningKey,
        online_peers: &[PeerId],
        threshold: Option<usize>,
        enable: bool,
        description: &str,
        now_ms: i64,
        ttl_ms: i64,
    ) -> Result<(SignedPayload, Vec<VotingEvent>), VoteError> {
        self.check_key(key)?;
        if ttl_ms <= 0 || ttl_ms > MAX_TTL_MS {
            return Err(VoteError::BadLifetime {
                ttl_ms,
                max_ms: MAX_TTL_MS,
            });
        }
        check_description(description)?;
        let mut electorate: Vec<PeerId> = online_peers.to_vec();
        electorate.push(self.me);
        electorate.sort();
        electorate.dedup();
        let n = electorate.len();
        let content = ProposalContent {
            proposer: self.me,
            enable,
            threshold: threshold.unwrap_or_else(|| default_threshold(n)),
            electorate,
            description: description.to_owned(),
            created_ts: now_ms,
            expires_ts: now_ms.saturating_add(ttl_ms),
        };
        content.validate()?;
        self.check_room()?;
        let signed = SignedPayload::sign(key, Domain::Proposal, &content);
        let checked = check_proposal(&signed)?;
        let events = self.insert(checked, now_ms);
        Ok((signed, events))
    }

    /// Records a proposal received from a peer. A proposal already known is `Ok(vec![])`.
    pub fn receive_proposal(
        &mut self,
        sp: &SignedPayload,
        now_ms: i64,
    ) -> Result<Vec<VotingEvent>, VoteError> {
        let checked = check_proposal(sp)?;
        if self.entries.contains_key(&checked.id) {
            return Ok(Vec::new());
        }
        if now_ms >= checked.content.expires_ts {
            return Err(VoteError::ProposalExpired { id: checked.id });
        }
        self.check_room()?;
        Ok(self.insert(checked, now_ms))
    }

    /// Casts this node's vote on the proposal whose id starts with `id_prefix` (unique among
    /// known proposals, or among the open ones). Returns the signed vote to broadcast.
    pub fn vote(
        &mut self,
        key: &SigningKey,
        id_prefix: &str,
        approve: bool,
        now_ms: i64,
    ) -> Result<(SignedPayload, Vec<VotingEvent>), VoteError> {
        self.check_key(key)?;
        let id = self.resolve(id_prefix)?;
        let Some(entry) = self.entries.get(&id) else {
            return Err(VoteError::NoMatch {
                prefix: id_prefix.to_owned(),
            });
        };
        entry.ensure_open(&id, now_ms)?;
        if !entry.content.is_member(&self.me) {
            return Err(VoteError::NotInElectorate { id, voter: self.me });
        }
        if entry.content.proposer == self.me || entry.ballots.contains_key(&self.me) {
            return Err(VoteError::AlreadyVoted { id, voter: self.me });
        }
        let content = VoteContent {
            proposal_id: id,
            voter: self.me,
            approve,
            ts: now_ms,
        };
        let signed = SignedPayload::sign(key, Domain::Vote, &content);
        let events = self.apply_vote(
            CheckedVote {
                content,
                signed: signed.clone(),
            },
            now_ms,
        )?;
        Ok((signed, events))
    }

    /// Counts a vote received from a peer. A vote for a proposal not yet known waits (see
    /// [`super::PENDING_VOTE_TTL_MS`]); a vote already counted is `Ok(vec![])`.
    pub fn receive_vote(
        &mut self,
        sp: &SignedPayload,
        now_ms: i64,
    ) -> Result<Vec<VotingEvent>, VoteError> {
        let vote = check_vote(sp)?;
        if !self.entries.contains_key(&vote.content.proposal_id) {
            let id = vote.content.proposal_id.clone();
            return if self.pending.push(vote, now_ms) {
                Ok(Vec::new())
            } else {
                Err(VoteError::PendingFull { id })
            };
        }
        self.apply_vote(vote, now_ms)
    }

    /// Advances time: expires open proposals and drops votes that waited too long.
    pub fn tick(&mut self, now_ms: i64) -> Vec<VotingEvent> {
        let mut events = Vec::new();
        for (id, entry) in self.entries.iter_mut() {
            if entry.outcome.is_none() && now_ms >= entry.content.expires_ts {
                entry.outcome = Some(Outcome::Expired);
                events.push(VotingEvent::ProposalClosed {
                    proposal_id: id.clone(),
                    outcome: Outcome::Expired,
                });
            }
        }
        for vote in self.pending.expire(now_ms) {
            let reason = VoteError::UnknownProposal {
                id: vote.content.proposal_id,
            }
            .to_string();
            events.push(VotingEvent::Rejected {
                from: vote.content.voter,
                reason,
            });
        }
        self.evict_closed();
        events
    }

    /// The earliest time at which [`VotingBook::tick`] has something to do, if any.
    pub fn next_deadline(&self) -> Option<i64> {
        let expiries = self
            .entries
            .values()
            .filter(|e| e.outcome.is_none())
            .map(|e| e.content.expires_ts);
        expiries.chain(self.pending.next_deadline()).min()
    }

    /// Every known proposal, oldest first, with its tally and this node's vote.
    pub fn proposals(&self) -> Vec<ProposalView> {
        let mut out: Vec<ProposalView> = self
            .entries
            .iter()
            .map(|(id, e)| {
                let t = e.tally();
                let my_vote = if e.content.proposer == self.me {
                    Some(true)
                } else {
                    e.ballots.get(&self.me).map(|(a, _)| *a)
                };
                ProposalView {
                    proposal_id: id.clone(),
                    content: e.content.clone(),
                    approvals: t.approvals,
                    rejections: t.rejections,
                    my_vote,
                    outcome: e.outcome,
                }
            })
            .collect();
        out.sort_by(|a, b| {
            (a.content.created_ts, &a.proposal_id).cmp(&(b.content.created_ts, &b.proposal_id))
        });
        out
    }

    fn check_key(&self, key: &SigningKey) -> Result<(), VoteError> {
        if key.verifying_key().to_bytes() == self.me.0 {
            Ok(())
        } else {
            Err(VoteError::WrongKey)
        }
    }

    fn check_room(&self) -> Result<(), VoteError> {
        let open = self
            .entries
            .values()
            .filter(|e| e.outcome.is_none())
            .count();
        if open >= MAX_OPEN_PROPOSALS {
            return Err(VoteError::TooManyOpenProposals {
                max: MAX_OPEN_PROPOSALS,
            });
        }
        Ok(())
    }

    /// Finds the proposal `prefix` names: the only known id starting with it, or else the
    /// only open one.
    fn resolve(&self, prefix: &str) -> Result<ProposalId, VoteError> {
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
    fn insert(&mut self, p: CheckedProposal, now_ms: i64) -> Vec<VotingEvent> {
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
    fn apply_vote(
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
    fn close_if_decided(&mut self, id: &ProposalId, events: &mut Vec<VotingEvent>) {
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
            let cert = Certificate {
                proposal: entry.signed.clone(),
                approvals,
            };
            if let Ok(verified) = verify_certificate(&cert) {
                self.adopt_if_newer(cert, verified, events);
            }
        }
    }

    /// Makes `cert` the current certificate if it is newer than the one held.
    pub(crate) fn adopt_if_newer(
        &mut self,
        cert: Certificate,
        verified: VerifiedCertificate,
        events: &mut Vec<VotingEvent>,
    ) -> bool {
        if let Some((_, current)) = &self.certificate {
            if verified.rank() <= current.rank() {
                return false;
            }
        }
        events.push(VotingEvent::SecureMode {
            enabled: verified.secure_only(),
            proposal_id: verified.proposal_id.clone(),
            approvers: verified.approvers.clone(),
            certificate: cert.clone(),
        });
        self.certificate = Some((cert, verified));
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
