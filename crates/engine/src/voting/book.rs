//! `VotingBook`: the voting state machine of one node (proposals, ballots, pending votes,
//! the current certificate). Pure: time comes in as Unix milliseconds.

use super::apply::Entry;
use super::certificate::{verify_certificate, VerifiedCertificate};
use super::content::{
    check_description, check_proposal, check_vote, parse_vote, proposal_id, CheckedVote,
};
use super::error::VoteError;
use super::event::{ProposalView, VotingEvent};
use super::legit::{check_majority, GroupView};
use super::pending::PendingVotes;
use super::tally::{default_threshold, Outcome};
use super::{ProposalContent, VoteContent, MAX_TTL_MS};
use crate::node::verified::VerifyCache;
use crate::wire::frame::Certificate;
use crate::wire::{Domain, PeerId, ProposalId, SignedPayload};
use ed25519_dalek::SigningKey;
use std::collections::BTreeMap;

/// The voting state of one node: see the module docs and docs/VOTING.md.
#[derive(Debug)]
pub struct VotingBook {
    pub(crate) me: PeerId,
    pub(crate) entries: BTreeMap<ProposalId, Entry>,
    pub(crate) pending: PendingVotes,
    pub(crate) certificate: Option<Held>,
}

/// The current certificate, what it proves, and its rank (see `adopt_if_newer`).
#[derive(Debug)]
pub(crate) struct Held {
    pub cert: Certificate,
    pub verified: VerifiedCertificate,
    pub rank_ts: i64,
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
            .is_some_and(|h| h.verified.secure_only())
    }

    /// The certificate that set the current mode, if any.
    pub fn certificate(&self) -> Option<&Certificate> {
        self.certificate.as_ref().map(|h| &h.cert)
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
    /// node; `threshold` defaults to floor(N/2)+1 and may not be lower. Returns the signed
    /// proposal to broadcast.
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
        check_majority(content.threshold, n)?;
        self.check_room(&self.me)?;
        let signed = SignedPayload::sign(key, Domain::Proposal, &content);
        let checked = check_proposal(&signed, &mut VerifyCache::default())?;
        let events = self.insert(checked, now_ms);
        Ok((signed, events))
    }

    /// [`VotingBook::receive_proposal_in`] as a node with no peers ([`GroupView::alone`]).
    pub fn receive_proposal(
        &mut self,
        sp: &SignedPayload,
        now_ms: i64,
    ) -> Result<Vec<VotingEvent>, VoteError> {
        let view = GroupView::alone(now_ms);
        self.receive_proposal_in(sp, &view, &mut VerifyCache::default())
    }

    /// Records a proposal received from a peer, if it passes the receiver's rule for the group
    /// as `view` describes it. A proposal already known is `Ok(vec![])`, found before its
    /// signature is checked again.
    pub fn receive_proposal_in(
        &mut self,
        sp: &SignedPayload,
        view: &GroupView,
        cache: &mut VerifyCache,
    ) -> Result<Vec<VotingEvent>, VoteError> {
        if self.entries.contains_key(&proposal_id(&sp.payload)) {
            return Ok(Vec::new());
        }
        let checked = check_proposal(sp, cache)?;
        if view.now_ms >= checked.content.expires_ts {
            return Err(VoteError::ProposalExpired { id: checked.id });
        }
        view.check(&self.me, &checked.content)?;
        self.check_room(&checked.content.proposer)?;
        Ok(self.insert(checked, view.now_ms))
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

    /// [`VotingBook::receive_vote_in`] with a cache of its own.
    pub fn receive_vote(
        &mut self,
        sp: &SignedPayload,
        now_ms: i64,
    ) -> Result<Vec<VotingEvent>, VoteError> {
        self.receive_vote_in(sp, now_ms, &mut VerifyCache::default())
    }

    /// Counts a vote received from a peer. A vote for a proposal not yet known waits (see
    /// [`super::PENDING_VOTE_TTL_MS`]); a vote already counted or waiting is `Ok(vec![])`.
    /// What can be refused from the payload alone (closed proposal, outsider, second vote)
    /// is refused before the signature is checked.
    pub fn receive_vote_in(
        &mut self,
        sp: &SignedPayload,
        now_ms: i64,
        cache: &mut VerifyCache,
    ) -> Result<Vec<VotingEvent>, VoteError> {
        let claimed = parse_vote(sp)?;
        let id = &claimed.proposal_id;
        match self.entries.get(id) {
            Some(entry)
                if entry
                    .ballots
                    .get(&claimed.voter)
                    .is_some_and(|(_, s)| s == sp) =>
            {
                return Ok(Vec::new())
            }
            Some(entry) => {
                entry.ensure_open(id, now_ms)?;
                let voter = claimed.voter;
                if !entry.content.is_member(&voter) {
                    let id = id.clone();
                    return Err(VoteError::NotInElectorate { id, voter });
                }
                if voter == entry.content.proposer || entry.ballots.contains_key(&voter) {
                    let id = id.clone();
                    return Err(VoteError::AlreadyVoted { id, voter });
                }
            }
            None if self.pending.holds(sp) => return Ok(Vec::new()),
            None if self.pending.is_full() => {
                return Err(VoteError::PendingFull { id: id.clone() });
            }
            None => {}
        }
        let vote = check_vote(sp, cache)?;
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
}
