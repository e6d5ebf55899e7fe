//! Property tests: tallies ignore order, duplicates and outsiders; outcomes never flip;
//! certificates the book builds verify, and any flipped byte breaks them.

use super::*;
use crate::voting::{Tally, VoteError};
use proptest::prelude::*;

fn member(i: u8) -> PeerId {
    PeerId([i; 32])
}

/// Ballots as (member index, approve) → (PeerId, approve).
fn as_ballots(raw: &[(u8, bool)]) -> Vec<(PeerId, bool)> {
    raw.iter().map(|&(i, a)| (member(i), a)).collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn tally_ignores_order_duplicates_and_outsiders(
        n in 1u8..8,
        proposer in 0u8..8,
        raw in prop::collection::vec((0u8..12, any::<bool>()), 0..24),
        seed in any::<u64>(),
    ) {
        let electorate: Vec<PeerId> = (0..n).map(member).collect();
        let proposer = member(proposer % n);
        let ballots = as_ballots(&raw);
        let base = Tally::count(&electorate, proposer, ballots.clone());
        prop_assert!(base.approvals >= 1);
        prop_assert!(base.approvals + base.rejections <= n as usize);

        let mut shuffled = ballots.clone();
        shuffle(&mut shuffled, seed);
        prop_assert_eq!(Tally::count(&electorate, proposer, shuffled.clone()), base);

        // Every ballot again, outsiders for and against, the proposer against: no change.
        let mut noisy = shuffled;
        noisy.extend(ballots.iter().copied());
        noisy.extend((100u8..110).map(|i| (member(i), i % 2 == 0)));
        noisy.push((proposer, false));
        shuffle(&mut noisy, seed.rotate_left(7));
        prop_assert_eq!(Tally::count(&electorate, proposer, noisy), base);

        // Each member's first ballot alone gives the same tally when nobody equivocated.
        let equivocated = (0..n).any(|i| {
            let mine: Vec<bool> = raw.iter().filter(|(v, _)| *v == i).map(|(_, a)| *a).collect();
            mine.contains(&true) && mine.contains(&false)
        });
        if !equivocated {
            let members = raw.iter().filter(|(v, _)| *v < n && member(*v) != proposer);
            let distinct: std::collections::BTreeMap<u8, bool> = members.map(|&(v, a)| (v, a)).collect();
            let approvals = 1 + distinct.values().filter(|a| **a).count();
            let rejections = distinct.values().filter(|a| !**a).count();
            prop_assert_eq!(base, Tally { approvals, rejections });
        }
    }
}

/// A proposal by peer 1 among `n` peers with threshold `m`, and one signed vote per member
/// (other than the proposer) that has a choice.
fn scenario(
    n: u8,
    m: usize,
    choices: &[Option<bool>],
) -> (Vec<Peer>, SignedPayload, ProposalId, Vec<SignedPayload>) {
    let mut ps = peers(n);
    let others: Vec<PeerId> = ps[1..].iter().map(|p| p.id).collect();
    let (sp, id, _) = ps[0].propose(&others, Some(m), true, T0);
    let votes = ps[1..]
        .iter()
        .zip(choices)
        .filter_map(|(p, c)| c.map(|a| signed_vote(&p.key, &id, a, T0 + 1)))
        .collect();
    (ps, sp, id, votes)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    #[test]
    fn book_outcome_does_not_depend_on_arrival_order(
        n in 1u8..7,
        m_raw in 0usize..7,
        choices in prop::collection::vec(prop::option::of(any::<bool>()), 6),
        seed in any::<u64>(),
        proposal_at in 0usize..7,
    ) {
        let m = majority_or_more(n, m_raw);
        let (ps, sp, id, votes) = scenario(n, m, &choices);
        let ballots: Vec<(PeerId, bool)> =
            votes.iter().map(|v| v.parse::<VoteContent>().unwrap()).map(|v| (v.voter, v.approve)).collect();
        let electorate = ps[0].view(&id).unwrap().content.electorate;
        let expected = Tally::count(&electorate, ps[0].id, ballots).outcome(n as usize, m);

        let mut in_order = peer(50);
        in_order.book.receive_proposal(&sp, T0).unwrap();
        for v in &votes {
            let _ = in_order.book.receive_vote(v, T0 + 2);
        }
        let mut shuffled_votes = votes.clone();
        shuffle(&mut shuffled_votes, seed);
        let mut other = peer(51);
        let at = proposal_at.min(shuffled_votes.len());
        for (i, v) in shuffled_votes.iter().enumerate() {
            if i == at {
                other.book.receive_proposal(&sp, T0).unwrap();
            }
            let _ = other.book.receive_vote(v, T0 + 2);
        }
        if at == shuffled_votes.len() {
            other.book.receive_proposal(&sp, T0).unwrap();
        }
        prop_assert_eq!(in_order.outcome(&id), expected);
        prop_assert_eq!(other.outcome(&id), expected);
        prop_assert_eq!(in_order.book.secure_only(), expected == Some(Outcome::Approved));
        prop_assert_eq!(other.book.secure_only(), expected == Some(Outcome::Approved));
    }

    #[test]
    fn an_outcome_never_flips_once_closed(
        n in 2u8..6,
        m_raw in 0usize..6,
        ops in prop::collection::vec((0u8..8, any::<bool>(), 0i64..400_000, any::<bool>()), 1..14),
    ) {
        let m = majority_or_more(n, m_raw);
        let mut ps = peers(8);
        let others: Vec<PeerId> = ps[1..n as usize].iter().map(|p| p.id).collect();
        let (_, id, events) = ps[0].propose(&others, Some(m), true, T0);
        let mut closed = closings(&events);
        let mut first = ps[0].outcome(&id);
        for (who, approve, dt, is_tick) in ops {
            let now = T0 + dt;
            let events = if is_tick {
                ps[0].book.tick(now)
            } else {
                let v = signed_vote(&ps[who as usize].key, &id, approve, now);
                ps[0].book.receive_vote(&v, now).unwrap_or_default()
            };
            closed.extend(closings(&events));
            let now_outcome = ps[0].outcome(&id);
            if first.is_some() {
                prop_assert_eq!(now_outcome, first);
            }
            first = now_outcome;
        }
        prop_assert!(closed.len() <= 1, "closed twice: {:?}", closed);
        prop_assert_eq!(closed.first().copied(), first);
    }

    #[test]
    fn built_certificates_verify_and_any_flipped_bit_breaks_them(
        n in 1u8..6,
        m_raw in 0usize..6,
        target in 0usize..6,
        in_sig in any::<bool>(),
        byte in any::<usize>(),
        bit in 0u8..8,
    ) {
        let m = majority_or_more(n, m_raw);
        let (mut ps, _, id, votes) = scenario(n, m, &[Some(true); 6]);
        for v in &votes {
            let _ = ps[0].book.receive_vote(v, T0 + 2);
        }
        let cert = ps[0].book.certificate().cloned().expect("approved");
        prop_assert_eq!(cert.approvals.len(), m - 1);
        prop_assert_eq!(VotingBook::verify_certificate(&cert).unwrap().proposal_id, id);

        let mut bad = cert.clone();
        let slot = target % (1 + bad.approvals.len());
        let sp = if slot == 0 { &mut bad.proposal } else { &mut bad.approvals[slot - 1] };
        flip(sp, in_sig, byte, bit);
        prop_assert!(matches!(VotingBook::verify_certificate(&bad), Err(VoteError::BadCertificate(_))));
        let mut late = peer(60);
        prop_assert!(late.book.receive_certificate(&bad).is_err());
        prop_assert!(!late.book.secure_only());
    }
}

/// Flips one bit of the signature bytes (re-encoded as hex) or of the payload bytes.
fn flip(sp: &mut SignedPayload, in_sig: bool, byte: usize, bit: u8) {
    if in_sig {
        let mut raw = hex::decode(sp.sig.as_deref().unwrap_or_default()).unwrap_or_default();
        if raw.is_empty() {
            raw.push(0);
        }
        let i = byte % raw.len();
        raw[i] ^= 1 << bit;
        sp.sig = Some(hex::encode(raw));
    } else {
        let mut raw = sp.payload.clone().into_bytes();
        let i = byte % raw.len();
        raw[i] ^= 1 << bit;
        sp.payload = String::from_utf8_lossy(&raw).into_owned();
    }
}

#[test]
fn flip_changes_what_it_touches() {
    let k = key(1);
    let sp = signed_vote(&k, &ProposalId("a".repeat(32)), true, T0);
    for in_sig in [true, false] {
        let mut f = sp.clone();
        flip(&mut f, in_sig, 3, 0);
        assert_ne!(f, sp);
    }
}

/// A threshold from a strict majority of `n` up to `n`, picked by `raw` (lower ones are never
/// legitimate, see `legit`).
fn majority_or_more(n: u8, raw: usize) -> usize {
    let need = crate::voting::default_threshold(n as usize);
    need + raw % (n as usize + 1 - need)
}
