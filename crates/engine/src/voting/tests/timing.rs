//! Time in the book: votes waiting for their proposal, the pending buffer, expiry.

use super::*;
use crate::voting::{VoteError, MAX_PENDING_VOTES, PENDING_VOTE_TTL_MS};

fn ids(ps: &[Peer]) -> Vec<PeerId> {
    ps.iter().map(|p| p.id).collect()
}

#[test]
fn a_vote_before_its_proposal_waits_then_counts() {
    let mut ps = peers(3);
    let others = ids(&ps[1..]);
    let (sp, id, _) = ps[0].propose(&others, Some(3), true, T0);
    let v1 = signed_vote(&ps[1].key, &id, true, T0);
    let v2 = signed_vote(&ps[2].key, &id, true, T0);
    let observer = &mut ps[2].book;
    assert_eq!(observer.receive_vote(&v1, T0).unwrap(), vec![]);
    assert_eq!(observer.pending_votes(), 1);
    let events = observer.receive_proposal(&sp, T0 + 5_000).unwrap();
    assert!(matches!(events[1], VotingEvent::Vote { approvals: 2, .. }));
    assert_eq!(observer.pending_votes(), 0);
    let events = observer.receive_vote(&v2, T0 + 6_000).unwrap();
    assert_eq!(closings(&events), vec![Outcome::Approved]);
}

#[test]
fn a_waiting_vote_is_dropped_after_ten_seconds_as_unknown_proposal() {
    let mut ps = peers(2);
    let others = ids(&ps[1..]);
    let (sp, id, _) = ps[0].propose(&others, Some(2), true, T0);
    let mut observer = peer(9);
    observer
        .book
        .receive_vote(&signed_vote(&ps[1].key, &id, true, T0), T0)
        .unwrap();
    assert_eq!(
        observer.book.next_deadline(),
        Some(T0 + PENDING_VOTE_TTL_MS)
    );
    assert_eq!(observer.book.tick(T0 + PENDING_VOTE_TTL_MS - 1), vec![]);
    let events = observer.book.tick(T0 + PENDING_VOTE_TTL_MS);
    let reason = format!("vote for unknown proposal {id}");
    assert_eq!(
        events,
        vec![VotingEvent::Rejected {
            from: ps[1].id,
            reason
        }]
    );
    observer
        .book
        .receive_proposal(&sp, T0 + PENDING_VOTE_TTL_MS)
        .unwrap();
    assert_eq!(observer.view(&id).unwrap().approvals, 1);
}

#[test]
fn the_pending_buffer_is_bounded() {
    let voter = key(2);
    let mut observer = peer(9);
    for i in 0..MAX_PENDING_VOTES {
        let id = ProposalId(format!("{i:032x}"));
        observer
            .book
            .receive_vote(&signed_vote(&voter, &id, true, T0), T0)
            .unwrap();
    }
    let id = ProposalId("f".repeat(32));
    let err = observer
        .book
        .receive_vote(&signed_vote(&voter, &id, true, T0), T0)
        .unwrap_err();
    assert_eq!(err, VoteError::PendingFull { id });
    assert_eq!(observer.book.pending_votes(), MAX_PENDING_VOTES);
}

#[test]
fn an_open_proposal_expires_and_then_refuses_votes() {
    let mut ps = peers(3);
    let others = ids(&ps[1..]);
    let (sp, id, _) = ps[0].propose(&others, None, true, T0);
    let end = T0 + DEFAULT_TTL_MS;
    assert_eq!(ps[0].book.next_deadline(), Some(end));
    assert_eq!(ps[0].book.tick(end - 1), vec![]);
    // Between the deadline and the next tick, votes are already refused.
    let late = signed_vote(&ps[1].key, &id, true, end);
    let closed = VoteError::Closed {
        id: id.clone(),
        outcome: Outcome::Expired,
    };
    assert_eq!(ps[0].book.receive_vote(&late, end).unwrap_err(), closed);
    assert_eq!(
        ps[0].book.tick(end),
        vec![VotingEvent::ProposalClosed {
            proposal_id: id.clone(),
            outcome: Outcome::Expired
        }]
    );
    assert_eq!(ps[0].book.tick(end + 1), vec![]);
    assert_eq!(ps[0].book.receive_vote(&late, end + 1).unwrap_err(), closed);
    assert_eq!(ps[0].book.next_deadline(), None);
    assert!(!ps[0].book.secure_only());
    assert_eq!(
        ps[1].book.receive_proposal(&sp, end).unwrap_err(),
        VoteError::ProposalExpired { id }
    );
}
