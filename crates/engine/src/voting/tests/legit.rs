//! The receiver's rule (docs/VOTING.md 5.1), ranks capped by first sight, per-proposer slots,
//! sync bounds, and signatures verified once.

use super::*;
use crate::node::verified::VerifyCache;
use crate::voting::{GroupView, VoteError, ELECTORATE_GRACE_MS, MAX_SYNC_VOTES};
use crate::wire::frame::Certificate;

const SKEW: i64 = 5 * 60 * 1000;
const CENTURY: i64 = 100 * 365 * 24 * 60 * 60 * 1000;

fn view(now_ms: i64, peers: &[(PeerId, i64)]) -> GroupView {
    GroupView {
        now_ms,
        peers: peers.to_vec(),
        max_skew_ms: SKEW,
    }
}

/// A proposal by `p` with `others` in its electorate at `created`, approved by `approver`:
/// its certificate.
fn certificate(p: &mut Peer, approver: &mut Peer, enable: bool, created: i64) -> Certificate {
    let (sp, id, _) = p.propose(&[approver.id], Some(2), enable, created);
    approver.book.receive_proposal(&sp, created).unwrap();
    let (vote, _) = approver.vote(&id.0, true, created).unwrap();
    Certificate {
        proposal: sp,
        approvals: vec![vote],
    }
}

#[test]
fn the_one_frame_takeover_is_refused_for_every_reason_it_has() {
    let (mut attacker, mut victim, honest) = (peer(1), peer(2), peer(3));
    // The attack: electorate = the attacker alone, threshold 1, 100 years ahead.
    for enable in [true, false] {
        let (sp, _) = attacker
            .book
            .propose(
                &attacker.key,
                &[],
                None,
                enable,
                "mine",
                T0 + CENTURY,
                DEFAULT_TTL_MS,
            )
            .unwrap();
        let peers = [(attacker.id, T0 - 3_600_000), (honest.id, T0 - 3_600_000)];
        let err = victim
            .book
            .receive_proposal_in(&sp, &view(T0, &peers), &mut VerifyCache::default())
            .unwrap_err();
        assert!(matches!(err, VoteError::FromTheFuture { .. }), "{err}");
        assert!(err.to_string().contains("ahead of our clock"), "{err}");
        // Dated now, it is still a lone proposer.
        attacker = peer(1);
        let (now_sp, _) = attacker
            .book
            .propose(&attacker.key, &[], None, enable, "mine", T0, DEFAULT_TTL_MS)
            .unwrap();
        let err = victim
            .book
            .receive_proposal_in(&now_sp, &view(T0, &peers), &mut VerifyCache::default())
            .unwrap_err();
        assert_eq!(err, VoteError::LoneProposer);
        // Its certificate (it approves itself) is refused the same way, by anyone.
        let cert = attacker.book.certificate().cloned().unwrap();
        let err = victim
            .book
            .receive_certificate_in(&cert, &view(T0, &peers), &mut VerifyCache::default())
            .unwrap_err();
        assert_eq!(err, VoteError::LoneProposer);
        assert!(!victim.book.secure_only());
        assert!(victim.book.certificate().is_none());
        attacker = peer(1);
    }
}

#[test]
fn a_threshold_below_a_majority_is_refused_on_both_ends() {
    let mut ps = peers(4);
    let others = ids(&ps[1..]);
    let key0 = ps[0].key.clone();
    let err = ps[0]
        .book
        .propose(&key0, &others, Some(2), true, "x", T0, DEFAULT_TTL_MS)
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "threshold 2 of 4 is not a majority (at least 3 needed)"
    );
    // Forged by hand and signed: refused on receipt too.
    let content = crate::voting::ProposalContent {
        proposer: ps[0].id,
        enable: true,
        threshold: 1,
        electorate: {
            let mut e = ids(&ps);
            e.sort();
            e
        },
        description: String::new(),
        created_ts: T0,
        expires_ts: T0 + DEFAULT_TTL_MS,
    };
    let sp = SignedPayload::sign(&ps[0].key, Domain::Proposal, &content);
    let err = ps[1].book.receive_proposal(&sp, T0).unwrap_err();
    assert!(
        matches!(err, VoteError::NotMajority { need: 3, .. }),
        "{err}"
    );
}

#[test]
fn the_electorate_must_hold_the_peers_connected_since_before_the_proposal() {
    let (mut a, me, h, late) = (peer(1), peer(2), peer(3), peer(4));
    let long_ago = T0 - 10 * ELECTORATE_GRACE_MS;
    let just_now = T0 - ELECTORATE_GRACE_MS / 2;
    // A proposal by `a` naming only `a` and `me` (threshold 2 of 2).
    let (sp, _, _) = a.propose(&[me.id], Some(2), true, T0);
    let judge = |peers: &[(PeerId, i64)]| {
        let mut me = peer(2);
        me.book
            .receive_proposal_in(&sp, &view(T0, peers), &mut VerifyCache::default())
    };
    // `h` has been connected to us long before: it must have been in the electorate.
    let err = judge(&[(a.id, long_ago), (h.id, long_ago)]).unwrap_err();
    assert_eq!(
        err,
        VoteError::Omits {
            member: h.id,
            who: "a connected peer"
        }
    );
    assert!(err.to_string().contains("leaves out"), "{err}");
    // A peer connected within the grace period may not have been seen by the proposer.
    assert!(judge(&[(a.id, long_ago), (late.id, just_now)]).is_ok());
    // A newcomer (connected after the proposal) accepts it.
    assert!(judge(&[(a.id, T0 + 1_000), (h.id, T0 + 1_000)]).is_ok());

    // A proposal that leaves out the receiver itself, who was part of the group then.
    let (sp2, _, _) = a.propose(&[h.id], Some(2), true, T0 + 1);
    let mut me2 = me;
    let err = me2
        .book
        .receive_proposal_in(
            &sp2,
            &view(T0, &[(a.id, long_ago), (h.id, long_ago)]),
            &mut VerifyCache::default(),
        )
        .unwrap_err();
    assert_eq!(
        err,
        VoteError::Omits {
            member: me2.id,
            who: "us"
        }
    );
}

#[test]
fn a_certificate_dated_ahead_ranks_by_when_it_was_first_seen() {
    let (mut a, mut b, mut r) = (peer(1), peer(2), peer(3));
    // Dated 4 minutes ahead (within the skew), seen at T0.
    let ahead = certificate(&mut a, &mut b, true, T0 + 4 * 60_000);
    let mut cache = VerifyCache::default();
    let events = r
        .book
        .receive_certificate_in(&ahead, &view(T0, &[]), &mut cache)
        .unwrap();
    assert_eq!(mode_changes(&events), vec![true]);
    // A legitimate vote back one minute later wins, although its created_ts is smaller.
    let back = certificate(&mut b, &mut a, false, T0 + 60_000);
    let events = r
        .book
        .receive_certificate_in(&back, &view(T0 + 60_000, &[]), &mut cache)
        .unwrap();
    assert_eq!(mode_changes(&events), vec![false]);
    assert!(!r.book.secure_only());
    // Replaying the older certificate changes nothing.
    let events = r
        .book
        .receive_certificate_in(&ahead, &view(T0 + 120_000, &[]), &mut cache)
        .unwrap();
    assert!(mode_changes(&events).is_empty());
    assert!(!r.book.secure_only());
}

#[test]
fn one_proposer_cannot_take_every_open_slot() {
    let mut ps = peers(3);
    let others = ids(&ps[1..]);
    let id0 = ps[0].id;
    for i in 0..MAX_OPEN_PER_PROPOSER as i64 {
        let (sp, _, _) = ps[1].propose(&[id0], None, true, T0 + i);
        ps[0].book.receive_proposal(&sp, T0 + i).unwrap();
    }
    let key = ps[1].key.clone();
    let err = ps[1]
        .book
        .propose(&key, &others, None, true, "x", T0 + 9, DEFAULT_TTL_MS)
        .unwrap_err();
    assert!(
        matches!(err, VoteError::TooManyFromProposer { .. }),
        "{err}"
    );
    // A third one from the same proposer, received, is refused; someone else may propose.
    let mut extra = peer(2);
    let (sp, _, _) = extra.propose(&[id0], None, true, T0 + 10);
    let err = ps[0].book.receive_proposal(&sp, T0 + 10).unwrap_err();
    assert!(
        err.to_string().contains("already has 2 open proposals"),
        "{err}"
    );
    let (sp, _, _) = ps[2].propose(&[id0], None, true, T0 + 11);
    assert!(ps[0].book.receive_proposal(&sp, T0 + 11).is_ok());
    let me = ps[0].id;
    let key0 = ps[0].key.clone();
    assert!(ps[0]
        .book
        .propose(&key0, &[me], None, true, "mine", T0 + 12, DEFAULT_TTL_MS)
        .is_ok());
}

#[test]
fn an_oversized_sync_is_refused_before_any_signature_is_checked() {
    let mut ps = peers(2);
    let others = ids(&ps[1..]);
    let (_, id, _) = ps[0].propose(&others, None, true, T0);
    let votes: Vec<SignedPayload> = (0..=MAX_SYNC_VOTES as i64)
        .map(|i| signed_vote(&ps[1].key, &id, true, T0 + i))
        .collect();
    let mut cache = VerifyCache::default();
    let (events, errors) = ps[1]
        .book
        .merge_sync_in(None, &[], &votes, &view(T0, &[]), &mut cache);
    assert!(events.is_empty());
    assert_eq!(
        errors,
        vec![VoteError::SyncTooLarge {
            what: "votes",
            count: MAX_SYNC_VOTES + 1,
            max: MAX_SYNC_VOTES
        }]
    );
    assert_eq!(cache.verifications(), 0);
}

#[test]
fn known_proposals_and_votes_are_not_verified_again() {
    let mut ps = peers(3);
    let others = ids(&ps[1..]);
    let (sp, id, _) = ps[0].propose(&others, None, true, T0);
    let vote = signed_vote(&ps[1].key, &id, false, T0 + 1);
    let outsider = signed_vote(&key(9), &id, true, T0 + 1);
    let second = signed_vote(&ps[1].key, &id, true, T0 + 5);
    let mut cache = VerifyCache::default();
    let r = &mut ps[2].book;
    for _ in 0..10 {
        r.receive_proposal_in(&sp, &view(T0, &[]), &mut cache)
            .unwrap();
        r.receive_vote_in(&vote, T0 + 2, &mut cache).unwrap();
        // Refused from the payload alone: never verified.
        let err = r
            .receive_vote_in(&outsider, T0 + 2, &mut cache)
            .unwrap_err();
        assert!(matches!(err, VoteError::NotInElectorate { .. }));
        let err = r.receive_vote_in(&second, T0 + 2, &mut cache).unwrap_err();
        assert!(matches!(err, VoteError::AlreadyVoted { .. }));
    }
    assert_eq!(cache.verifications(), 2);
}
