//! State sync between peers: what a node sends a newcomer, and how it merges what it receives.

use super::apply::Entry;
use super::book::VotingBook;
use super::certificate::verify_certificate_with;
use super::content::check_proposal;
use super::error::{CertError, VoteError};
use super::event::VotingEvent;
use super::legit::GroupView;
use super::tally::Outcome;
use super::{MAX_SYNC_PROPOSALS, MAX_SYNC_VOTES};
use crate::node::verified::VerifyCache;
use crate::wire::frame::Certificate;
use crate::wire::SignedPayload;

impl VotingBook {
    /// What to send in a `sync` frame: the current certificate, the open proposals, and the
    /// votes counted on them (each list in proposal-id, then voter order), at most
    /// [`MAX_SYNC_PROPOSALS`] and [`MAX_SYNC_VOTES`].
    pub fn sync_state(&self) -> (Option<Certificate>, Vec<SignedPayload>, Vec<SignedPayload>) {
        let open: Vec<_> = self
            .entries
            .values()
            .filter(|e| e.outcome.is_none())
            .take(MAX_SYNC_PROPOSALS)
            .collect();
        let proposals = open.iter().map(|e| e.signed.clone()).collect();
        let votes = open
            .iter()
            .flat_map(|e| e.ballots.values().map(|(_, s)| s.clone()))
            .take(MAX_SYNC_VOTES)
            .collect();
        (self.certificate().cloned(), proposals, votes)
    }

    /// [`VotingBook::receive_certificate_in`] as a node with no peers whose clock reads the
    /// certificate's own `created_ts` (so it ranks by `created_ts`).
    pub fn receive_certificate(
        &mut self,
        cert: &Certificate,
    ) -> Result<Vec<VotingEvent>, VoteError> {
        let now_ms = match cert.proposal.parse::<super::ProposalContent>() {
            Ok(c) => c.created_ts,
            Err(_) => i64::MAX,
        };
        let view = GroupView::alone(now_ms);
        self.receive_certificate_in(cert, &view, &mut VerifyCache::default())
    }

    /// Adopts `cert` if it verifies, passes the receiver's rule for the group as `view`
    /// describes it, and ranks above the current certificate: its proposal's `created_ts`,
    /// capped at when this node first saw that proposal, then the proposal id. An older or
    /// identical certificate is `Ok(vec![])`. A verified certificate also closes its proposal
    /// here as approved if it was not, reporting first as `Vote` events the approvals it counts
    /// that were not heard yet (a proposal not known yet is recorded as closed and approved,
    /// without an event).
    pub fn receive_certificate_in(
        &mut self,
        cert: &Certificate,
        view: &GroupView,
        cache: &mut VerifyCache,
    ) -> Result<Vec<VotingEvent>, VoteError> {
        if self.certificate() == Some(cert) {
            return Ok(Vec::new());
        }
        // The proposal alone decides the receiver's rule: judge it before the approvals
        // are verified.
        let proposal = check_proposal(&cert.proposal, cache)
            .map_err(|e| VoteError::from(CertError::Proposal(Box::new(e))))?;
        view.check(&self.me, &proposal.content)?;
        let verified = verify_certificate_with(cert, cache)?;
        let id = verified.proposal_id.clone();
        let seen_ms = self
            .entries
            .get(&id)
            .map_or(view.now_ms, |e| e.seen_ms.min(view.now_ms));
        let rank_ts = verified.content.created_ts.min(seen_ms);
        let mut events = Vec::new();
        let approvals = verified.approvers[1..].iter().zip(&cert.approvals);
        match self.entries.get_mut(&id) {
            Some(entry) if entry.outcome != Some(Outcome::Approved) => {
                // Count the certificate's approvals from members not heard from yet, each
                // reported as a vote so that the tally front ends show matches the book's
                // (the closing vote itself often arrives after the certificate, and is then a
                // duplicate that reports nothing).
                for (voter, sp) in approvals {
                    if entry.ballots.contains_key(voter) {
                        continue;
                    }
                    entry.ballots.insert(*voter, (true, sp.clone()));
                    let t = entry.tally();
                    events.push(VotingEvent::Vote {
                        proposal_id: id.clone(),
                        voter: *voter,
                        approve: true,
                        approvals: t.approvals,
                        rejections: t.rejections,
                    });
                }
                entry.outcome = Some(Outcome::Approved);
                events.push(VotingEvent::ProposalClosed {
                    proposal_id: id,
                    outcome: Outcome::Approved,
                });
            }
            Some(_) => {}
            None => {
                // Remember it (closed) so that it is listed and its votes are "closed".
                let ballots = approvals.map(|(v, sp)| (*v, (true, sp.clone()))).collect();
                let entry = Entry {
                    content: verified.content.clone(),
                    signed: cert.proposal.clone(),
                    ballots,
                    outcome: Some(Outcome::Approved),
                    seen_ms,
                };
                self.entries.insert(id, entry);
                self.evict_closed();
            }
        }
        self.adopt_if_newer(cert.clone(), verified, rank_ts, &mut events);
        Ok(events)
    }

    /// Merges a peer's sync: the certificate, then proposals, then votes. Items already known
    /// are skipped silently, so merging is idempotent; the resulting outcomes and mode do not
    /// depend on the order of syncs or of items in them. Returns the events, and the reasons
    /// items were refused.
    pub fn merge_sync(
        &mut self,
        certificate: Option<&Certificate>,
        proposals: &[SignedPayload],
        votes: &[SignedPayload],
        now_ms: i64,
    ) -> (Vec<VotingEvent>, Vec<VoteError>) {
        let view = GroupView::alone(now_ms);
        let cache = &mut VerifyCache::default();
        self.merge_sync_in(certificate, proposals, votes, &view, cache)
    }

    /// [`VotingBook::merge_sync`] judged against `view`, with signature verdicts remembered in
    /// `cache`. A sync over [`MAX_SYNC_PROPOSALS`] or [`MAX_SYNC_VOTES`] is refused whole,
    /// before anything in it is checked.
    pub fn merge_sync_in(
        &mut self,
        certificate: Option<&Certificate>,
        proposals: &[SignedPayload],
        votes: &[SignedPayload],
        view: &GroupView,
        cache: &mut VerifyCache,
    ) -> (Vec<VotingEvent>, Vec<VoteError>) {
        if let Err(e) = check_sync_size(proposals.len(), votes.len()) {
            return (Vec::new(), vec![e]);
        }
        let now_ms = view.now_ms;
        let mut events = Vec::new();
        let mut errors = Vec::new();
        let mut take = |r: Result<Vec<VotingEvent>, VoteError>| match r {
            Ok(more) => events.extend(more),
            Err(e) => errors.push(e),
        };
        if let Some(cert) = certificate {
            take(self.receive_certificate_in(cert, view, cache));
        }
        for sp in proposals {
            take(self.receive_proposal_in(sp, view, cache));
        }
        for sp in votes {
            take(self.receive_vote_in(sp, now_ms, cache));
        }
        (events, errors)
    }
}

/// Refuses a sync carrying more than [`MAX_SYNC_PROPOSALS`] proposals or [`MAX_SYNC_VOTES`]
/// votes.
fn check_sync_size(proposals: usize, votes: usize) -> Result<(), VoteError> {
    let over =
        |what, count, max| (count > max).then_some(VoteError::SyncTooLarge { what, count, max });
    match over("proposals", proposals, MAX_SYNC_PROPOSALS).or(over("votes", votes, MAX_SYNC_VOTES))
    {
        Some(e) => Err(e),
        None => Ok(()),
    }
}
