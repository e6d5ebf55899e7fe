//! State sync between peers: what a node sends a newcomer, and how it merges what it receives.

use super::apply::Entry;
use super::book::VotingBook;
use super::certificate::verify_certificate;
use super::error::VoteError;
use super::event::VotingEvent;
use super::tally::Outcome;
use crate::wire::frame::Certificate;
use crate::wire::SignedPayload;

impl VotingBook {
    /// What to send in a `sync` frame: the current certificate, the open proposals, and the
    /// votes counted on them (each list in proposal-id, then voter order).
    pub fn sync_state(&self) -> (Option<Certificate>, Vec<SignedPayload>, Vec<SignedPayload>) {
        let open: Vec<_> = self
            .entries
            .values()
            .filter(|e| e.outcome.is_none())
            .collect();
        let proposals = open.iter().map(|e| e.signed.clone()).collect();
        let votes = open
            .iter()
            .flat_map(|e| e.ballots.values().map(|(_, s)| s.clone()))
            .collect();
        (self.certificate().cloned(), proposals, votes)
    }

    /// Adopts `cert` if it verifies and its proposal is newer than the current certificate's
    /// (`created_ts`, then proposal id). An older or identical certificate is `Ok(vec![])`.
    /// A verified certificate also closes its proposal here as approved if it was not (a
    /// proposal not known yet is recorded as closed and approved, without an event).
    pub fn receive_certificate(
        &mut self,
        cert: &Certificate,
    ) -> Result<Vec<VotingEvent>, VoteError> {
        let verified = verify_certificate(cert)?;
        let id = verified.proposal_id.clone();
        let mut events = Vec::new();
        let approvals = verified.approvers[1..].iter().zip(&cert.approvals);
        match self.entries.get_mut(&id) {
            Some(entry) if entry.outcome != Some(Outcome::Approved) => {
                // Count the certificate's approvals from members not heard from yet.
                for (voter, sp) in approvals {
                    entry
                        .ballots
                        .entry(*voter)
                        .or_insert_with(|| (true, sp.clone()));
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
                };
                self.entries.insert(id, entry);
                self.evict_closed();
            }
        }
        self.adopt_if_newer(cert.clone(), verified, &mut events);
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
        let mut events = Vec::new();
        let mut errors = Vec::new();
        let mut take = |r: Result<Vec<VotingEvent>, VoteError>| match r {
            Ok(more) => events.extend(more),
            Err(e) => errors.push(e),
        };
        if let Some(cert) = certificate {
            take(self.receive_certificate(cert));
        }
        for sp in proposals {
            take(self.receive_proposal(sp, now_ms));
        }
        for sp in votes {
            take(self.receive_vote(sp, now_ms));
        }
        (events, errors)
    }
}
