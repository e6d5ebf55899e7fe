//! State sync: what is sent, and merging that is idempotent and order-independent.

use super::*;
use crate::wire::frame::Certificate;

type Sync = (Option<Certificate>, Vec<SignedPayload>, Vec<SignedPayload>);

fn snapshot(book: &VotingBook) -> (Vec<ProposalView>, bool, Option<ProposalId>, usize) {
    let cert = book
        .certificate()
        .map(|c| VotingBook::verify_certificate(c).unwrap().proposal_id);
    (
        book.proposals(),
        book.secure_only(),
        cert,
        book.pending_votes(),
    )
}

/// Three syncs from different peers with overlapping content; none closes a proposal alone.
fn sources() -> Vec<Sync> {
    let mut ps = peers(4);
    let all: Vec<PeerId> = ps.iter().map(|p| p.id).collect();
    let (p1, id1, _) = ps[0].propose(&all, Some(4), true, T0);
    let (p2, id2, _) = ps[1].propose(&all, Some(3), true, T0 + 1);
    let b_on_1 = signed_vote(&ps[1].key, &id1, true, T0 + 2);
    let c_on_1 = signed_vote(&ps[2].key, &id1, true, T0 + 3);
    let d_on_2 = signed_vote(&ps[3].key, &id2, false, T0 + 4);
    let a = &mut ps[0].book;
    a.receive_vote(&b_on_1, T0).unwrap();
    let c = &mut ps[2].book;
    c.receive_proposal(&p1, T0).unwrap();
    c.receive_proposal(&p2, T0).unwrap();
    c.receive_vote(&c_on_1, T0).unwrap();
    c.receive_vote(&d_on_2, T0).unwrap();
    let mut e = peer(9);
    e.propose(&[], None, true, T0 - 50);
    vec![
        ps[0].book.sync_state(),
        ps[2].book.sync_state(),
        e.book.sync_state(),
    ]
}

fn merge(book: &mut VotingBook, s: &Sync) -> (usize, usize) {
    let (events, errors) = book.merge_sync(s.0.as_ref(), &s.1, &s.2, T0 + 10);
    (events.len(), errors.len())
}

#[test]
fn sync_state_lists_open_proposals_and_their_votes() {
    let s = sources();
    assert_eq!(
        (s[0].0.is_some(), s[0].1.len(), s[0].2.len()),
        (false, 1, 1)
    );
    assert_eq!(
        (s[1].0.is_some(), s[1].1.len(), s[1].2.len()),
        (false, 2, 2)
    );
    // The solo proposal closed at once: only its certificate travels.
    assert_eq!((s[2].0.is_some(), s[2].1.len(), s[2].2.len()), (true, 0, 0));
}

#[test]
fn merging_is_idempotent() {
    let s = sources();
    let mut z = peer(20);
    for src in &s {
        merge(&mut z.book, src);
    }
    let first = snapshot(&z.book);
    for src in &s {
        assert_eq!(merge(&mut z.book, src), (0, 0));
    }
    let own = z.book.sync_state();
    assert_eq!(merge(&mut z.book, &own), (0, 0));
    assert_eq!(snapshot(&z.book), first);
    let views = &first.0;
    // Oldest first: the certificate's proposal (closed, approved), then the two open ones.
    assert_eq!(views.len(), 3);
    assert_eq!(views[0].outcome, Some(Outcome::Approved));
    assert_eq!([views[1].approvals, views[1].rejections], [3, 0]);
    assert_eq!([views[2].approvals, views[2].rejections], [1, 1]);
    assert_eq!((views[1].outcome, views[2].outcome), (None, None));
    assert!(first.1);
}

#[test]
fn merging_does_not_depend_on_order() {
    let s = sources();
    let reversed = |x: &Sync| -> Sync {
        let mut r = x.clone();
        r.1.reverse();
        r.2.reverse();
        r
    };
    let orders: Vec<Vec<Sync>> = vec![
        vec![s[0].clone(), s[1].clone(), s[2].clone()],
        vec![s[2].clone(), s[1].clone(), s[0].clone()],
        vec![reversed(&s[1]), s[0].clone(), s[2].clone(), s[1].clone()],
        // Votes first (they wait), proposals later.
        vec![
            (None, vec![], s[1].2.clone()),
            (None, vec![], s[0].2.clone()),
            s[2].clone(),
            (None, s[0].1.clone(), vec![]),
            (None, s[1].1.clone(), vec![]),
        ],
    ];
    let mut results = Vec::new();
    for order in &orders {
        let mut z = peer(20);
        for src in order {
            merge(&mut z.book, src);
        }
        results.push(snapshot(&z.book));
    }
    for r in &results[1..] {
        assert_eq!(r, &results[0]);
    }
    assert_eq!(results[0].3, 0, "no vote left waiting");
}
