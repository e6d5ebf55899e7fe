//! Issue #10's attacks on voting, in the simulator: the one-frame takeover (both modes), a
//! certificate dated ahead that a legitimate vote back still supersedes, one proposer filling
//! the proposal slots, and signatures charged to the connection that sent them.

use super::{cmd, meshed, propose, vote};
use p2pchat_engine::api::{NetCommand, NetEvent};
use p2pchat_engine::identity::Identity;
use p2pchat_engine::node::{ConnId, Input};
use p2pchat_engine::sim::Sim;
use p2pchat_engine::voting::{ProposalContent, VoteContent};
use p2pchat_engine::wire::frame::Certificate;
use p2pchat_engine::wire::{encode_frame, Domain, Frame, PeerId, ProposalId, SignedPayload};
use std::time::Duration;

const CENTURY_MS: i64 = 100 * 365 * 24 * 60 * 60 * 1000;
const TTL_MS: i64 = 5 * 60 * 1000;

fn identity(seed: u8) -> Identity {
    Identity::from_secret([seed; 32])
}

/// A proposal signed by `seed` with the given electorate (sorted here) and threshold.
fn proposal(seed: u8, electorate: &[u8], threshold: usize, enable: bool, at: i64) -> SignedPayload {
    let mut electorate: Vec<PeerId> = electorate.iter().map(|s| identity(*s).id()).collect();
    electorate.sort();
    let content = ProposalContent {
        proposer: identity(seed).id(),
        enable,
        threshold,
        electorate,
        description: "mine now".into(),
        created_ts: at,
        expires_ts: at + TTL_MS,
    };
    SignedPayload::sign(identity(seed).signing_key(), Domain::Proposal, &content)
}

fn approval(seed: u8, proposal: &SignedPayload, at: i64) -> SignedPayload {
    let content = VoteContent {
        proposal_id: p2pchat_engine::voting::proposal_id(&proposal.payload),
        voter: identity(seed).id(),
        approve: true,
        ts: at,
    };
    SignedPayload::sign(identity(seed).signing_key(), Domain::Vote, &content)
}

/// Delivers `frame` to node `to` on its connection with node `from`.
fn inject(sim: &mut Sim, from: usize, to: usize, frame: &Frame) {
    let bytes = encode_frame(frame, 1 << 20).unwrap();
    let conn = sim.conn_between(to, from).expect("connected");
    sim.input(to, Input::Frame { conn, bytes });
    sim.run_for(Duration::from_millis(20));
}

fn cert_sync(cert: Certificate) -> Frame {
    Frame::Sync {
        certificate: Some(cert),
        proposals: vec![],
        votes: vec![],
    }
}

fn rejections(sim: &Sim, i: usize) -> Vec<(String, String)> {
    sim.events(i)
        .filter_map(|e| match e {
            NetEvent::Rejected { from, reason } => Some((from.clone(), reason.clone())),
            _ => None,
        })
        .collect()
}

/// Victim 0 (seed 1) and honest peer 1 (seed 2) are connected; attacker 2 (seed 3) is
/// connected to the victim only: the honest peer never talks to it.
fn victim_honest_attacker() -> Sim {
    let mut sim = Sim::new();
    sim.blocked.push((1, 2));
    for (k, seed) in [1u8, 2, 3].into_iter().enumerate() {
        sim.add(&format!("n{k}"), seed, vec![]);
    }
    sim.run_until(Duration::from_secs(5), |s| {
        s.online(0).len() == 2 && s.online(1).len() == 1 && s.online(2).len() == 1
    })
    .expect("victim connected to both");
    sim
}

#[test]
fn the_one_frame_takeover_changes_nothing_on_the_victim_nor_beyond() {
    let mut sim = victim_honest_attacker();
    let attacker = sim.id(2);
    for enable in [true, false] {
        // Electorate = the attacker alone, threshold 1, a century ahead.
        let future = sim.unix_ms() + CENTURY_MS;
        let sp = proposal(3, &[3], 1, enable, future);
        inject(&mut sim, 2, 0, &Frame::Proposal(sp.clone()));
        assert!(!sim.secure_mode(0) && !sim.secure_mode(1));
        assert!(sim.proposal_ids(0).is_empty(), "not even listed");
        let why = rejections(&sim, 0);
        assert!(
            why.iter()
                .any(|(from, r)| from == &attacker && r.contains("ahead of our clock")),
            "the victim says why and names the sender: {why:?}"
        );
        // Its certificate, pushed to the victim and (as if relayed) to the honest peer.
        let cert = Certificate {
            proposal: sp,
            approvals: vec![],
        };
        inject(&mut sim, 2, 0, &cert_sync(cert.clone()));
        inject(&mut sim, 0, 1, &cert_sync(cert));
        // Dated now, it is still the proposer alone.
        let now_sp = proposal(3, &[3], 1, enable, sim.unix_ms());
        inject(&mut sim, 2, 0, &Frame::Proposal(now_sp));
        for i in 0..2 {
            assert!(!sim.secure_mode(i), "node {i} unchanged");
        }
        let honest_why = rejections(&sim, 1);
        assert!(
            honest_why
                .iter()
                .any(|(_, r)| r.contains("ahead of our clock")),
            "{honest_why:?}"
        );
        assert!(rejections(&sim, 0)
            .iter()
            .any(|(from, r)| from == &attacker && r.contains("proposer alone")));
    }
    // After all that, the honest pair still decides: secure-only mode needs them both.
    let id = propose(&mut sim, 0, None);
    vote(&mut sim, 1, &id, true);
    assert!(sim.secure_mode(0) && sim.secure_mode(1));
    // And the `enable: false` takeover cannot undo it.
    let off = proposal(3, &[3], 1, false, sim.unix_ms() + CENTURY_MS);
    inject(&mut sim, 2, 0, &Frame::Proposal(off));
    assert!(sim.secure_mode(0) && sim.secure_mode(1));
}

#[test]
fn a_legitimate_vote_back_supersedes_a_certificate_dated_ahead() {
    let mut sim = meshed(&[1, 2, 3]);
    sim.run_for(Duration::from_secs(40)); // everyone now counts as long connected
                                          // Node 0 (seed 1) proposes with its clock four minutes ahead; node 1 approves.
    let ahead = proposal(1, &[1, 2, 3], 2, true, sim.unix_ms() + 4 * 60_000);
    let cert = Certificate {
        approvals: vec![approval(2, &ahead, sim.unix_ms())],
        proposal: ahead,
    };
    inject(&mut sim, 0, 2, &cert_sync(cert.clone()));
    sim.run_for(Duration::from_millis(50));
    for i in 0..3 {
        assert!(
            sim.secure_mode(i),
            "node {i} took the legitimate certificate"
        );
    }
    // A minute later the group votes unanimously to go back: the mode changes everywhere.
    sim.run_for(Duration::from_secs(60));
    cmd(
        &mut sim,
        2,
        NetCommand::Propose {
            enable: false,
            threshold: Some(3),
            description: "open again".into(),
        },
    );
    let back = sim.proposal_ids(2).last().cloned().unwrap();
    vote(&mut sim, 0, &back, true);
    vote(&mut sim, 1, &back, true);
    for i in 0..3 {
        assert!(!sim.secure_mode(i), "node {i} back in open mode");
    }
    // The superseded certificate, replayed, changes nothing.
    inject(&mut sim, 0, 2, &cert_sync(cert));
    assert!(!sim.secure_mode(2));
}

#[test]
fn one_proposer_cannot_fill_the_proposal_slots() {
    let mut sim = meshed(&[1, 2, 3]);
    // Node 2 (seed 3) sends 32 well-formed proposals naming everyone, to node 0.
    for k in 0..32 {
        let sp = proposal(3, &[1, 2, 3], 2, true, sim.unix_ms() + k);
        inject(&mut sim, 2, 0, &Frame::Proposal(sp));
    }
    assert_eq!(sim.proposal_ids(0).len(), 2, "two open slots per proposer");
    assert!(rejections(&sim, 0)
        .iter()
        .any(|(_, r)| r.contains("already has 2 open proposals")));
    // Everyone else can still propose, and node 0 hears it.
    let id = propose(&mut sim, 1, None);
    assert!(sim.proposal_ids(0).contains(&id));
    let mine = propose(&mut sim, 0, None);
    assert!(sim.proposal_ids(1).contains(&mine));
}

#[test]
fn signatures_are_charged_once_each_to_the_connection_that_sent_them() {
    let mut sim = meshed(&[1, 2]);
    let unknown = ProposalId("ab".repeat(16));
    let votes: Vec<SignedPayload> = (100..150u8)
        .map(|seed| {
            let content = VoteContent {
                proposal_id: unknown.clone(),
                voter: identity(seed).id(),
                approve: true,
                ts: 1,
            };
            SignedPayload::sign(identity(seed).signing_key(), Domain::Vote, &content)
        })
        .collect();
    let conn: ConnId = sim.conn_between(0, 1).unwrap();
    let before = sim.nodes[0].charged.len();
    inject(
        &mut sim,
        1,
        0,
        &Frame::Sync {
            certificate: None,
            proposals: vec![],
            votes: votes.clone(),
        },
    );
    let charged: Vec<(ConnId, u64)> = sim.nodes[0].charged[before..].to_vec();
    assert_eq!(
        charged,
        vec![(conn, 49)],
        "50 signatures: the frame's token + 49"
    );
    // The same votes again, one frame each: nothing new to verify, nothing more charged.
    for v in &votes {
        inject(&mut sim, 1, 0, &Frame::Vote(v.clone()));
    }
    // A second sync with votes on the same connection is refused unread.
    inject(
        &mut sim,
        1,
        0,
        &Frame::Sync {
            certificate: None,
            proposals: vec![],
            votes,
        },
    );
    assert_eq!(sim.nodes[0].charged.len(), before + 1);
    assert!(rejections(&sim, 0)
        .iter()
        .any(|(_, r)| r.contains("second sync")));
}
