//! A small simulator: several books exchange signed payloads in different orders and all
//! reach the same outcomes, the same mode and the same certificate.

use super::*;
use crate::voting::Tally;
use proptest::prelude::*;

/// Members 1..=5 and observer 6 receive every payload in their own shuffled order; peer 7
/// joins late and only merges the sync of one of them. Peer 1 proposes secure-only mode
/// (threshold `m1`), peer 3 a little later proposes open mode (threshold `m2`).
fn run(m1: usize, m2: usize, choices1: &[Option<bool>], choices2: &[Option<bool>], seed: u64) {
    let mut nodes = peers(7);
    let members: Vec<PeerId> = nodes[..5].iter().map(|p| p.id).collect();
    let (p1, id1, _) = nodes[0].propose(&members, Some(m1), true, T0);
    let (p2, id2, _) = nodes[2].propose(&members, Some(m2), false, T0 + 1_000);

    // Each member learns both proposals directly, then votes as it chose.
    let mut wire = vec![p1.clone(), p2.clone()];
    let mut votes = Vec::new();
    for (i, node) in nodes[..5].iter_mut().enumerate() {
        let _ = node.book.receive_proposal(&p1, T0 + 2_000);
        let _ = node.book.receive_proposal(&p2, T0 + 2_000);
        for (id, choice) in [(&id1, choices1[i]), (&id2, choices2[i])] {
            if let Some(approve) = choice {
                if let Ok((sp, _)) = node.vote(&id.0, approve, T0 + 3_000) {
                    votes.push(sp.parse::<VoteContent>().unwrap());
                    wire.push(sp);
                }
            }
        }
    }

    // Every node receives every payload, each in its own order; votes may precede proposals.
    for (i, node) in nodes[..6].iter_mut().enumerate() {
        let mut order = wire.clone();
        shuffle(&mut order, seed.wrapping_add(i as u64 * 0x9e37_79b9));
        for (k, sp) in order.iter().enumerate() {
            let now = T0 + 4_000 + k as i64;
            if sp.parse::<VoteContent>().is_ok() {
                let _ = node.book.receive_vote(sp, now);
            } else {
                let _ = node.book.receive_proposal(sp, now);
            }
        }
        node.book.tick(T0 + 5_000);
        assert_eq!(node.book.pending_votes(), 0);
    }

    let expected = |id: &ProposalId, proposer: PeerId, m: usize| {
        let ballots = votes
            .iter()
            .filter(|v| &v.proposal_id == id)
            .map(|v| (v.voter, v.approve));
        let mut electorate = members.clone();
        electorate.sort();
        Tally::count(&electorate, proposer, ballots).outcome(5, m)
    };
    let (e1, e2) = (
        expected(&id1, nodes[0].id, m1),
        expected(&id2, nodes[2].id, m2),
    );
    let winner = match (e1, e2) {
        (_, Some(Outcome::Approved)) => Some(id2.clone()),
        (Some(Outcome::Approved), _) => Some(id1.clone()),
        _ => None,
    };

    // The late joiner merges one node's sync, picked by the seed.
    let source = (seed % 6) as usize;
    let (cert, proposals, sync_votes) = nodes[source].book.sync_state();
    let (_, errors) = nodes[6]
        .book
        .merge_sync(cert.as_ref(), &proposals, &sync_votes, T0 + 6_000);
    assert!(errors.is_empty(), "{errors:?}");

    for node in &nodes[..6] {
        assert_eq!(node.outcome(&id1), e1, "proposal 1 at {:?}", node.id);
        assert_eq!(node.outcome(&id2), e2, "proposal 2 at {:?}", node.id);
    }
    for node in &nodes {
        let held = node
            .book
            .certificate()
            .map(|c| VotingBook::verify_certificate(c).unwrap().proposal_id);
        assert_eq!(held, winner, "certificate at {:?}", node.id);
        assert_eq!(
            node.book.secure_only(),
            winner.as_ref() == Some(&id1),
            "mode at {:?}",
            node.id
        );
    }
}

#[test]
fn everyone_agrees_when_both_proposals_pass() {
    let yes = [Some(true); 5];
    run(3, 3, &yes, &yes, 1);
    run(3, 3, &yes, &yes, 2);
}

#[test]
fn everyone_agrees_on_a_rejection_and_an_open_proposal() {
    let no = [None, Some(false), Some(false), Some(false), None];
    let some = [Some(true), None, None, Some(false), None];
    run(4, 3, &no, &some, 3);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn everyone_agrees_whatever_the_votes_and_orders(
        m1 in 3usize..=5,
        m2 in 3usize..=5,
        choices1 in prop::collection::vec(prop::option::of(any::<bool>()), 5),
        choices2 in prop::collection::vec(prop::option::of(any::<bool>()), 5),
        seed in any::<u64>(),
    ) {
        run(m1, m2, &choices1, &choices2, seed);
    }
}
