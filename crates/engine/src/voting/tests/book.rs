//! Unit tests of proposing, voting, pending votes, expiry and closing.

use super::*;
use crate::voting::VoteError;

#[test]
fn threshold_out_of_range_is_rejected_with_a_clear_error() {
    let mut ps = peers(3);
    let others = ids(&ps[1..]);
    let p = &mut ps[0];
    for bad in [0, 4] {
        let err = p
            .book
            .propose(&p.key, &others, Some(bad), true, "x", T0, DEFAULT_TTL_MS)
            .unwrap_err();
        assert_eq!(
            err,
            VoteError::ThresholdOutOfRange {
                threshold: bad,
                n: 3
            }
        );
    }
    let err = p
        .book
        .propose(&p.key, &others, Some(4), true, "x", T0, DEFAULT_TTL_MS)
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "threshold 4 is out of range: must be between 1 and 3 (the electorate size)"
    );
    assert!(p.book.proposals().is_empty());
}

#[test]
fn default_threshold_is_majority_for_n_1_to_6() {
    for n in 1..=6u8 {
        let mut ps = peers(n);
        let others = ids(&ps[1..]);
        let (_, id, _) = ps[0].propose(&others, None, true, T0);
        let view = ps[0].view(&id).unwrap();
        assert_eq!(view.content.electorate.len(), n as usize);
        assert_eq!(
            view.content.threshold,
            [1, 2, 2, 3, 3, 4][n as usize - 1],
            "n = {n}"
        );
    }
}

#[test]
fn proposer_counts_as_approval_and_alone_approves_immediately() {
    let mut p = peer(1);
    let (_, id, events) = p.propose(&[], None, true, T0);
    assert_eq!(closings(&events), vec![Outcome::Approved]);
    assert_eq!(mode_changes(&events), vec![true]);
    assert!(p.book.secure_only());
    let cert = p.book.certificate().unwrap();
    assert!(cert.approvals.is_empty());
    let verified = VotingBook::verify_certificate(cert).unwrap();
    assert_eq!(verified.proposal_id, id);
    assert_eq!(verified.approvers, vec![p.id]);
    let view = p.view(&id).unwrap();
    assert_eq!(
        (view.approvals, view.rejections, view.my_vote),
        (1, 0, Some(true))
    );
}

#[test]
fn electorate_is_sorted_deduplicated_and_includes_the_proposer() {
    let mut ps = peers(3);
    let mut others = ids(&ps[1..]);
    others.push(others[0]);
    others.push(ps[0].id);
    others.reverse();
    let (_, id, _) = ps[0].propose(&others, None, true, T0);
    let mut expected = ids(&ps);
    expected.sort();
    assert_eq!(ps[0].view(&id).unwrap().content.electorate, expected);
}

#[test]
fn a_second_vote_by_the_same_key_is_rejected_and_counts_once() {
    let mut ps = peers(4);
    let others = ids(&ps[1..]);
    let (sp, id, _) = ps[0].propose(&others, Some(4), true, T0);
    ps[1].book.receive_proposal(&sp, T0).unwrap();
    let (v1, _) = ps[1].vote(&id.0[..6], true, T0 + 1).unwrap();
    let again = ps[1].vote(&id.0, false, T0 + 2).unwrap_err();
    assert_eq!(
        again,
        VoteError::AlreadyVoted {
            id: id.clone(),
            voter: ps[1].id
        }
    );
    assert!(again.to_string().contains("has already voted"));

    let events = ps[0].book.receive_vote(&v1, T0 + 3).unwrap();
    assert_eq!(events.len(), 1);
    // The very same signed vote again: silently a no-op (re-delivery, sync).
    assert_eq!(ps[0].book.receive_vote(&v1, T0 + 4).unwrap(), vec![]);
    // A different vote by the same key: refused, whatever it says.
    for approve in [true, false] {
        let other = signed_vote(&ps[1].key, &id, approve, T0 + 5);
        let err = ps[0].book.receive_vote(&other, T0 + 5).unwrap_err();
        assert_eq!(
            err,
            VoteError::AlreadyVoted {
                id: id.clone(),
                voter: ps[1].id
            }
        );
    }
    // The proposer already approved by proposing.
    let own = ps[0].vote(&id.0, true, T0 + 6).unwrap_err();
    assert!(matches!(own, VoteError::AlreadyVoted { .. }));
    let view = ps[0].view(&id).unwrap();
    assert_eq!((view.approvals, view.rejections), (2, 0));
}

#[test]
fn outsider_votes_are_rejected() {
    let mut ps = peers(3);
    let others = ids(&ps[1..2]);
    let (sp, id, _) = ps[0].propose(&others, Some(2), true, T0);
    let err = {
        let v = signed_vote(&ps[2].key, &id, true, T0);
        ps[0].book.receive_vote(&v, T0)
    }
    .unwrap_err();
    assert_eq!(
        err,
        VoteError::NotInElectorate {
            id: id.clone(),
            voter: ps[2].id
        }
    );
    ps[2].book.receive_proposal(&sp, T0).unwrap();
    let err = ps[2].vote(&id.0, true, T0).unwrap_err();
    assert!(err.to_string().contains("is not in the electorate"));
    assert_eq!(ps[0].outcome(&id), None);
}

#[test]
fn bad_and_missing_signatures_are_rejected() {
    let mut ps = peers(2);
    let others = ids(&ps[1..]);
    let (sp, id, _) = ps[0].propose(&others, Some(2), true, T0);
    let mut forged = signed_vote(&ps[1].key, &id, true, T0);
    forged.payload = forged.payload.replace("true", "false");
    let err = ps[0].book.receive_vote(&forged, T0).unwrap_err();
    assert_eq!(
        err,
        VoteError::BadSignature {
            kind: "vote",
            signer: ps[1].id
        }
    );
    let mut unsigned = signed_vote(&ps[1].key, &id, true, T0);
    unsigned.sig = None;
    assert_eq!(
        ps[0].book.receive_vote(&unsigned, T0).unwrap_err(),
        VoteError::Unsigned("vote")
    );
    // A vote signed by someone else than the voter it names.
    let content = VoteContent {
        proposal_id: id.clone(),
        voter: ps[1].id,
        approve: true,
        ts: T0,
    };
    let impostor = SignedPayload::sign(&ps[0].key, Domain::Vote, &content);
    assert!(matches!(
        ps[0].book.receive_vote(&impostor, T0),
        Err(VoteError::BadSignature { .. })
    ));
    let mut bad_proposal = sp.clone();
    bad_proposal.payload = bad_proposal.payload.replace("switch", "swatch");
    assert!(matches!(
        ps[1].book.receive_proposal(&bad_proposal, T0),
        Err(VoteError::BadSignature { .. })
    ));
    let garbage = SignedPayload {
        payload: "{not json".into(),
        sig: Some("00".into()),
    };
    assert!(matches!(
        ps[1].book.receive_vote(&garbage, T0),
        Err(VoteError::MalformedVote(_))
    ));
    assert!(matches!(
        ps[1].book.receive_proposal(&garbage, T0),
        Err(VoteError::MalformedProposal(_))
    ));
    assert_eq!(ps[0].outcome(&id), None);
}

#[test]
fn rejected_once_approvals_can_no_longer_reach_the_threshold() {
    let mut ps = peers(4);
    let others = ids(&ps[1..]);
    let (_, id, _) = ps[0].propose(&others, Some(3), true, T0);
    let e1 = {
        let v = signed_vote(&ps[1].key, &id, false, T0);
        ps[0].book.receive_vote(&v, T0)
    }
    .unwrap();
    assert_eq!(closings(&e1), vec![]);
    let e2 = {
        let v = signed_vote(&ps[2].key, &id, false, T0);
        ps[0].book.receive_vote(&v, T0)
    }
    .unwrap();
    assert_eq!(closings(&e2), vec![Outcome::Rejected]);
    let err = {
        let v = signed_vote(&ps[3].key, &id, true, T0);
        ps[0].book.receive_vote(&v, T0)
    }
    .unwrap_err();
    assert_eq!(
        err,
        VoteError::Closed {
            id: id.clone(),
            outcome: Outcome::Rejected
        }
    );
    assert_eq!(
        err.to_string(),
        format!("proposal {id} is already closed (rejected)")
    );
    assert!(!ps[0].book.secure_only());
    assert_eq!(ps[0].book.certificate(), None);
}

#[test]
fn vote_prefix_must_name_exactly_one_proposal() {
    // 17 proposers (each may have only a few proposals open), one voter.
    let mut ps = peers(18);
    let voter = [ps[0].id];
    let mut ids_made = Vec::new();
    for i in 0..17 {
        let (sp, id, _) = ps[i + 1].propose(&voter, Some(2), true, T0 + i as i64);
        ps[0].book.receive_proposal(&sp, T0 + i as i64).unwrap();
        ids_made.push(id);
    }
    let b = &mut ps[0];
    let err = b.book.vote(&b.key, "xyz", true, T0).unwrap_err();
    assert_eq!(err.to_string(), "no proposal matches 'xyz'");
    assert!(matches!(
        b.book.vote(&b.key, "", true, T0),
        Err(VoteError::NoMatch { .. })
    ));
    // 17 ids over 16 hex digits: two share a first digit.
    let shared = (0..16u32)
        .map(|d| char::from_digit(d, 16).unwrap().to_string())
        .find(|c| {
            ids_made
                .iter()
                .filter(|id| id.0.starts_with(c.as_str()))
                .count()
                > 1
        })
        .unwrap();
    let err = b.book.vote(&b.key, &shared, true, T0).unwrap_err();
    assert!(matches!(err, VoteError::AmbiguousPrefix { .. }), "{err}");
    assert!(err.to_string().contains("type more of the id"));
    let full = ids_made[0].0.to_uppercase();
    let (_, events) = b.book.vote(&b.key, &full, true, T0).unwrap();
    assert_eq!(closings(&events), vec![Outcome::Approved]);
    let err = b.book.vote(&b.key, &ids_made[0].0, true, T0).unwrap_err();
    assert_eq!(
        err,
        VoteError::Closed {
            id: ids_made[0].clone(),
            outcome: Outcome::Approved
        }
    );
}

#[test]
fn wrong_key_and_bad_descriptions_are_refused() {
    let mut p = peer(1);
    let other = key(2);
    assert_eq!(
        p.book
            .propose(&other, &[], None, true, "x", T0, DEFAULT_TTL_MS)
            .unwrap_err(),
        VoteError::WrongKey
    );
    let long = "é".repeat(201);
    let err = p
        .book
        .propose(&p.key, &[], None, true, &long, T0, DEFAULT_TTL_MS)
        .unwrap_err();
    assert_eq!(err, VoteError::DescriptionTooLong { len: 201, max: 200 });
    let ok = "é".repeat(200);
    assert!(p
        .book
        .propose(&p.key, &[], None, true, &ok, T0, DEFAULT_TTL_MS)
        .is_ok());
    let err = p
        .book
        .propose(&p.key, &[], None, true, "a\u{1b}[2J", T0, DEFAULT_TTL_MS)
        .unwrap_err();
    assert_eq!(err, VoteError::DescriptionControlChars);
    assert!(matches!(
        p.book.propose(&p.key, &[], None, true, "x", T0, 0),
        Err(VoteError::BadLifetime { .. })
    ));
}

#[test]
fn disable_proposal_returns_to_open_mode() {
    let mut ps = peers(2);
    let others = ids(&ps[1..]);
    let (sp, id, _) = ps[0].propose(&others, Some(2), true, T0);
    ps[1].book.receive_proposal(&sp, T0).unwrap();
    let (v, _) = ps[1].vote(&id.0, true, T0).unwrap();
    assert!(ps[1].book.secure_only());
    let events = ps[0].book.receive_vote(&v, T0).unwrap();
    assert_eq!(mode_changes(&events), vec![true]);
    assert!(ps[0].book.secure_only());

    let (sp2, id2, _) = {
        let o = [ps[0].id];
        ps[1].propose(&o, Some(2), false, T0 + 10)
    };
    ps[0].book.receive_proposal(&sp2, T0 + 10).unwrap();
    let (v2, events) = ps[0].vote(&id2.0, true, T0 + 11).unwrap();
    assert_eq!(mode_changes(&events), vec![false]);
    assert!(!ps[0].book.secure_only());
    ps[1].book.receive_vote(&v2, T0 + 11).unwrap();
    assert!(!ps[1].book.secure_only());
    let cert = ps[1].book.certificate().unwrap();
    assert_eq!(
        VotingBook::verify_certificate(cert).unwrap().proposal_id,
        id2
    );
}
