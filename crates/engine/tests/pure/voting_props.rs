//! Property tests of the voting payloads and discovery announcements as they come off the
//! wire: round trips, arbitrary payload strings never panic the voting book and never count,
//! any changed byte of a signed vote or proposal is refused, announcements decode only when
//! well formed.

use p2pchat_engine::identity::Identity;
use p2pchat_engine::voting::{ProposalContent, VoteContent, VotingBook};
use p2pchat_engine::wire::{
    decode_frame, encode_frame, Announce, Domain, Frame, PeerId, ProposalId, SignedPayload,
};
use proptest::prelude::*;

const MAX: usize = 64 * 1024;
const NOW: i64 = 1_800_000_000_000;

fn ident(seed: u8) -> Identity {
    Identity::from_secret([seed; 32])
}

/// A valid proposal by `ident(1)` over an electorate of the given seeds (1 added).
fn proposal(seeds: &[u8], description: &str) -> (SignedPayload, ProposalContent) {
    let mut electorate: Vec<PeerId> = seeds.iter().map(|s| ident(*s).id()).collect();
    electorate.push(ident(1).id());
    electorate.sort();
    electorate.dedup();
    let content = ProposalContent {
        proposer: ident(1).id(),
        enable: true,
        threshold: electorate.len(),
        electorate,
        description: description.into(),
        created_ts: NOW,
        expires_ts: NOW + 60_000,
    };
    (
        SignedPayload::sign(ident(1).signing_key(), Domain::Proposal, &content),
        content,
    )
}

fn vote(seed: u8, pid: &ProposalId, approve: bool) -> SignedPayload {
    let content = VoteContent {
        proposal_id: pid.clone(),
        voter: ident(seed).id(),
        approve,
        ts: NOW,
    };
    SignedPayload::sign(ident(seed).signing_key(), Domain::Vote, &content)
}

fn book_with(sp: &SignedPayload) -> (VotingBook, ProposalId) {
    let mut book = VotingBook::new(ident(200).id());
    book.receive_proposal(sp, NOW).expect("valid proposal");
    let id = book.proposals()[0].proposal_id.clone();
    (book, id)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn voting_frames_round_trip_and_still_verify(
        seeds in proptest::collection::vec(2u8..50, 0..6),
        description in "[a-zA-Z0-9 .,!?é]{0,100}",
        approve in any::<bool>(),
    ) {
        let (sp, _) = proposal(&seeds, &description);
        let f = Frame::Proposal(sp.clone());
        let back = decode_frame(&encode_frame(&f, MAX).unwrap(), MAX).unwrap();
        prop_assert_eq!(&back, &f);
        let Frame::Proposal(sp2) = back else { unreachable!() };
        let (mut book, id) = book_with(&sp2);
        // The first other member votes, or the proposer itself if it is alone.
        let voter = seeds.first().copied().unwrap_or(1);
        let v = Frame::Vote(vote(voter, &id, approve));
        let back = decode_frame(&encode_frame(&v, MAX).unwrap(), MAX).unwrap();
        prop_assert_eq!(&back, &v);
        let sync = Frame::Sync { certificate: None, proposals: vec![sp.clone()], votes: vec![] };
        prop_assert_eq!(decode_frame(&encode_frame(&sync, MAX).unwrap(), MAX).unwrap(), sync);
        let Frame::Vote(vsp) = back else { unreachable!() };
        // The proposer's own vote is refused as already cast; a member's is counted.
        let r = book.receive_vote(&vsp, NOW);
        if voter == 1 { prop_assert!(r.is_err()); } else { prop_assert!(r.is_ok(), "{:?}", r); }
    }

    #[test]
    fn arbitrary_payload_strings_never_panic_and_never_count(
        payload in r#"\{("(proposal_id|voter|approve|ts|proposer|enable|threshold|electorate|description|created_ts|expires_ts)":("[0-9a-f]{0,64}"|-?[0-9]{1,20}|true|null|\[\]|\{\}),?){0,8}\}"#,
        sig in proptest::option::of("[0-9a-f]{128}"),
        raw in proptest::collection::vec(any::<u8>(), 0..300),
    ) {
        let (psp, _) = proposal(&[2, 3], "p");
        let (mut book, _) = book_with(&psp);
        for payload in [payload, String::from_utf8_lossy(&raw).into_owned()] {
            let sp = SignedPayload { payload, sig: sig.clone() };
            prop_assert!(book.receive_vote(&sp, NOW).is_err() || book.pending_votes() > 0);
            prop_assert!(book.receive_proposal(&sp, NOW).is_err());
            prop_assert_eq!(book.proposals().len(), 1);
            prop_assert_eq!(book.proposals()[0].approvals, 1, "nothing was counted");
            prop_assert!(!book.secure_only());
        }
    }

    #[test]
    fn any_changed_byte_of_a_signed_vote_or_proposal_is_refused(
        pos in any::<prop::sample::Index>(),
        xor in 1u8..=255,
    ) {
        let (psp, _) = proposal(&[2, 3], "lock");
        let (mut book, id) = book_with(&psp);
        let v = vote(2, &id, true);
        let mut bytes = v.payload.clone().into_bytes();
        let i = pos.index(bytes.len());
        bytes[i] ^= xor;
        if let Ok(payload) = String::from_utf8(bytes) {
            let forged = SignedPayload { payload, sig: v.sig.clone() };
            prop_assert!(book.receive_vote(&forged, NOW).is_err());
        }
        let mut bytes = psp.payload.clone().into_bytes();
        let i = pos.index(bytes.len());
        bytes[i] ^= xor;
        if let Ok(payload) = String::from_utf8(bytes) {
            let forged = SignedPayload { payload, sig: psp.sig.clone() };
            let mut fresh = VotingBook::new(ident(200).id());
            prop_assert!(fresh.receive_proposal(&forged, NOW).is_err());
        }
        // The untouched vote still counts, once.
        prop_assert!(book.receive_vote(&v, NOW).is_ok());
        prop_assert_eq!(book.proposals()[0].approvals, 2);
    }

    #[test]
    fn announcements_round_trip(seed in any::<[u8; 32]>(), name in ".{0,40}", port in 1u16..) {
        let a = Announce::new(PeerId(seed), &name, port, 1);
        let bytes = a.encode();
        if bytes.len() <= 1024 {
            prop_assert_eq!(Announce::decode(&bytes, 1024), Some(a));
        }
        prop_assert_eq!(Announce::decode(&bytes, bytes.len() - 1), None);
    }

    #[test]
    fn announcement_shaped_garbage_never_panics(
        s in r#"\{"app":"(p2pchat-tui|x)"(,"(version|id|name|port)":("[0-9a-fA-Fz]{0,70}"|-?[0-9]{1,12}|null|\[\]|"\\u[0-9a-f]{4}")){0,6}\}"#,
    ) {
        if let Some(a) = Announce::decode(s.as_bytes(), 1024) {
            prop_assert_eq!(a.app.as_str(), "p2pchat-tui");
            prop_assert!(a.port != 0);
        }
    }
}

#[test]
fn an_unsigned_vote_and_a_non_member_vote_are_refused() {
    let (psp, _) = proposal(&[2, 3], "lock");
    let (mut book, id) = book_with(&psp);
    let content = VoteContent {
        proposal_id: id.clone(),
        voter: ident(2).id(),
        approve: true,
        ts: NOW,
    };
    let unsigned = SignedPayload::unsigned(&content);
    let e = book.receive_vote(&unsigned, NOW).unwrap_err();
    assert!(e.to_string().contains("not signed"), "{e}");
    let e = book.receive_vote(&vote(9, &id, true), NOW).unwrap_err();
    assert!(e.to_string().contains("not in the electorate"), "{e}");
    assert_eq!(book.proposals()[0].approvals, 1);
}
