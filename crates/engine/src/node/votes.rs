//! Glue between the node and its [`VotingBook`]: commands, frames, sync after the handshake,
//! and turning the book's events into `NetEvent`s with names.

use super::io::ConnId;
use super::node::Node;
use crate::api::{NetEvent, ProposalInfo};
use crate::voting::{GroupView, VoteError, VotingEvent};
use crate::wire::frame::Certificate;
use crate::wire::{Frame, PeerId, SignedPayload};

/// Refusals that are normal while merging a peer's sync (it knew less or more than we do).
fn routine_in_sync(e: &VoteError) -> bool {
    matches!(
        e,
        VoteError::Closed { .. }
            | VoteError::ProposalExpired { .. }
            | VoteError::AlreadyVoted { .. }
            | VoteError::UnknownProposal { .. }
            | VoteError::PendingFull { .. }
            | VoteError::TooManyOpenProposals { .. }
    )
}

impl Node {
    pub(super) fn propose(&mut self, enable: bool, threshold: Option<usize>, description: String) {
        // Peers reached only through a relay are online members too: their votes come
        // relayed like everyone's (votes are passed on by whoever accepts them).
        let mut online: Vec<PeerId> = self.peers.keys().copied().collect();
        online.extend(self.relayed_peers());
        let ttl = self.cfg.timing.proposal_ttl.as_millis() as i64;
        let key = self.identity.signing_key().clone();
        match self.voting.propose(
            &key,
            &online,
            threshold,
            enable,
            &description,
            self.now.unix_ms,
            ttl,
        ) {
            Ok((sp, events)) => {
                self.broadcast_voting(Frame::Proposal(sp));
                self.voting_events(events);
            }
            Err(e) => self.error(format!("proposal not made: {e}")),
        }
    }

    pub(super) fn vote(&mut self, proposal: &str, approve: bool) {
        let key = self.identity.signing_key().clone();
        match self.voting.vote(&key, proposal, approve, self.now.unix_ms) {
            Ok((sp, events)) => {
                self.broadcast_voting(Frame::Vote(sp));
                self.voting_events(events);
            }
            Err(e) => self.error(format!("vote not cast: {e}")),
        }
    }

    pub(super) fn list_proposals(&mut self) {
        let proposals = self
            .voting
            .proposals()
            .into_iter()
            .map(|v| self.proposal_info(v))
            .collect();
        self.emit(NetEvent::Proposals { proposals });
    }

    pub(super) fn open_proposals(&self) -> usize {
        self.voting
            .proposals()
            .iter()
            .filter(|p| p.outcome.is_none())
            .count()
    }

    fn proposal_info(&self, v: crate::voting::ProposalView) -> ProposalInfo {
        ProposalInfo {
            proposal_id: v.proposal_id.0.clone(),
            proposer: v.content.proposer.to_hex(),
            proposer_name: self.display_name(&v.content.proposer),
            description: v.content.description.clone(),
            enable: v.content.enable,
            threshold: v.content.threshold,
            electorate: v.content.electorate.iter().map(|p| p.to_hex()).collect(),
            approvals: v.approvals,
            rejections: v.rejections,
            expires_ts: v.content.expires_ts,
            my_vote: v.my_vote,
            outcome: v.outcome,
        }
    }

    /// The group as this node sees it now, for judging proposals and certificates.
    fn group_view(&self) -> GroupView {
        let peers = self
            .peers
            .iter()
            .filter_map(|(id, p)| {
                let at = self.conns.get(&p.conn)?.established_at?;
                let age = self.now.mono.saturating_duration_since(at).as_millis();
                Some((*id, self.now.unix_ms.saturating_sub(age as i64)))
            })
            .collect();
        GroupView {
            now_ms: self.now.unix_ms,
            peers,
            max_skew_ms: self.cfg.limits.max_clock_skew.as_millis() as i64,
        }
    }

    pub(super) fn on_proposal_frame(&mut self, from: PeerId, sp: &SignedPayload) {
        let view = self.group_view();
        match self
            .voting
            .receive_proposal_in(sp, &view, &mut self.verified)
        {
            Ok(events) => {
                self.relay_voting(from, &events, Frame::Proposal(sp.clone()));
                self.voting_events(events)
            }
            Err(e) => self.emit(NetEvent::Rejected {
                from: from.to_hex(),
                reason: format!("proposal refused: {e}"),
            }),
        }
    }

    pub(super) fn on_vote_frame(&mut self, from: PeerId, sp: &SignedPayload) {
        match self
            .voting
            .receive_vote_in(sp, self.now.unix_ms, &mut self.verified)
        {
            Ok(events) => {
                self.relay_voting(from, &events, Frame::Vote(sp.clone()));
                self.voting_events(events)
            }
            Err(e) => self.emit(NetEvent::Rejected {
                from: from.to_hex(),
                reason: format!("vote refused: {e}"),
            }),
        }
    }

    /// A `sync` frame on `conn`. Only the first on a connection may carry proposals and votes;
    /// later ones carry just a certificate (what a peer sends when it adopts one).
    pub(super) fn on_sync_frame(
        &mut self,
        conn: ConnId,
        from: PeerId,
        certificate: Option<&Certificate>,
        proposals: &[SignedPayload],
        votes: &[SignedPayload],
    ) {
        let first = self.synced.insert(conn);
        if first {
            let conns = &self.conns;
            self.synced.retain(|c| conns.contains_key(c));
        }
        let certificate_only = proposals.is_empty() && votes.is_empty();
        let (events, errors) = if first || certificate_only {
            let view = self.group_view();
            self.voting
                .merge_sync_in(certificate, proposals, votes, &view, &mut self.verified)
        } else {
            (Vec::new(), vec![VoteError::SecondSync])
        };
        self.voting_events(events);
        for e in errors {
            if routine_in_sync(&e) {
                tracing::debug!(peer = %from.fingerprint(), "sync: {e}");
            } else {
                self.emit(NetEvent::Rejected {
                    from: from.to_hex(),
                    reason: format!("sync refused: {e}"),
                });
            }
        }
    }

    /// What a newly connected peer needs to know about voting.
    pub(super) fn send_sync(&mut self, conn: ConnId) {
        let (certificate, proposals, votes) = self.voting.sync_state();
        self.send_frame(
            conn,
            &Frame::Sync {
                certificate,
                proposals,
                votes,
            },
        );
    }

    pub(super) fn voting_tick(&mut self) {
        let events = self.voting.tick(self.now.unix_ms);
        self.voting_events(events);
    }

    /// The monotonic instant of the voting book's next deadline.
    pub(super) fn voting_deadline(&self) -> Option<std::time::Instant> {
        let at = self.voting.next_deadline()?;
        let wait = at.saturating_sub(self.now.unix_ms).max(0) as u64;
        Some(self.now.mono + std::time::Duration::from_millis(wait))
    }

    /// Adopts the certificate the previous run saved (checked again as if just received), so
    /// the mode survives a restart. Quiet: the interface learns the mode from `status` and
    /// the proposal from `proposals`; a saved certificate that no longer verifies is logged.
    pub(super) fn restore_certificate(&mut self) {
        let Some(json) = self.cfg.saved.certificate.take() else {
            return;
        };
        let restored = serde_json::from_str::<Certificate>(&json)
            .map_err(|e| e.to_string())
            .and_then(|c| {
                self.voting
                    .receive_certificate(&c)
                    .map_err(|e| e.to_string())
            });
        if let Err(e) = restored {
            tracing::warn!("the saved mode certificate is not used: {e}");
        }
    }

    fn broadcast_voting(&mut self, frame: Frame) {
        if let Err(e) = self.broadcast_frame(&frame) {
            self.error(format!("not sent: {e}"));
        }
    }

    fn voting_events(&mut self, events: Vec<VotingEvent>) {
        for e in events {
            let event = match e {
                VotingEvent::Proposal {
                    proposal_id,
                    content,
                } => NetEvent::Proposal {
                    proposal_id: proposal_id.0,
                    proposer: content.proposer.to_hex(),
                    proposer_name: self.display_name(&content.proposer),
                    description: content.description,
                    enable: content.enable,
                    threshold: content.threshold,
                    electorate: content.electorate.iter().map(|p| p.to_hex()).collect(),
                    expires_ts: content.expires_ts,
                },
                VotingEvent::Vote {
                    proposal_id,
                    voter,
                    approve,
                    approvals,
                    rejections,
                } => NetEvent::Vote {
                    proposal_id: proposal_id.0,
                    voter: voter.to_hex(),
                    voter_name: self.display_name(&voter),
                    approve,
                    approvals,
                    rejections,
                },
                VotingEvent::ProposalClosed {
                    proposal_id,
                    outcome: o,
                } => NetEvent::ProposalClosed {
                    proposal_id: proposal_id.0,
                    outcome: o,
                },
                VotingEvent::SecureMode {
                    enabled,
                    proposal_id,
                    approvers,
                    certificate,
                } => {
                    // Everyone ends up in the same mode even if some missed a vote.
                    let sync = Frame::Sync {
                        certificate: Some(certificate),
                        proposals: Vec::new(),
                        votes: Vec::new(),
                    };
                    self.broadcast_voting(sync);
                    NetEvent::SecureMode {
                        enabled,
                        proposal_id: proposal_id.0,
                        approvers: approvers.iter().map(|p| p.to_hex()).collect(),
                        approver_names: Vec::new(),
                    }
                }
                VotingEvent::Rejected { from, reason } => NetEvent::Rejected {
                    from: from.to_hex(),
                    reason,
                },
            };
            self.emit(event);
        }
    }

    /// A name for any id: ours, a connected peer's, or the fingerprint.
    pub(super) fn display_name(&self, id: &PeerId) -> String {
        if *id == self.id() {
            self.cfg.name.clone()
        } else {
            self.peer_name(id)
        }
    }
}
