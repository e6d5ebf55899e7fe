//! Simulator tests of voting in the engine: approval reaches everyone, a late joiner adopts the
//! mode from the certificate, a partition during a vote heals to one mode, unsigned messages
//! are refused once secure-only mode is on.

mod attacks;
use p2pchat_engine::api::{NetCommand, NetEvent, Outcome};
use p2pchat_engine::identity::Identity;
use p2pchat_engine::node::Input;
use p2pchat_engine::sim;
use p2pchat_engine::wire::{encode_frame, ChatContent, Frame, SignedPayload};
use sim::Sim;
use std::time::Duration;

fn meshed(seeds: &[u8]) -> Sim {
    let mut sim = Sim::new();
    for (k, &seed) in seeds.iter().enumerate() {
        sim.add(&format!("n{k}"), seed, vec![]);
    }
    sim.run_until(Duration::from_secs(5), |s| s.fully_meshed())
        .expect("meshed");
    sim
}

fn cmd(sim: &mut Sim, i: usize, c: NetCommand) {
    sim.input(i, Input::Command(c));
    sim.run_for(Duration::from_millis(20));
}

fn propose(sim: &mut Sim, i: usize, threshold: Option<usize>) -> String {
    cmd(
        sim,
        i,
        NetCommand::Propose {
            enable: true,
            threshold,
            description: "lock it".into(),
        },
    );
    sim.proposal_ids(i).last().cloned().expect("proposal made")
}

fn vote(sim: &mut Sim, i: usize, id: &str, approve: bool) {
    cmd(
        sim,
        i,
        NetCommand::Vote {
            proposal: id[..8].to_string(),
            approve,
        },
    );
}

/// Delivers an unsigned chat from node `from` to node `to`, as if `from` ignored the mode.
fn inject_unsigned(sim: &mut Sim, from: usize, to: usize, seed: u8, body: &str) {
    let author = Identity::from_secret([seed; 32]).id();
    let content = ChatContent {
        author,
        seq: u64::MAX / 2,
        ts: 0,
        body: body.into(),
        room: p2pchat_engine::rooms::RoomName::general(),
        reply_to: None,
    };
    let frame = encode_frame(&Frame::Chat(SignedPayload::unsigned(&content)), 65536).unwrap();
    let conn = sim.conn_between(to, from).expect("connected");
    sim.input(to, Input::Frame { conn, bytes: frame });
}

#[test]
fn two_of_three_approve_and_every_peer_enforces_secure_only_mode() {
    let mut sim = meshed(&[1, 2, 3]);
    let id = propose(&mut sim, 0, None);
    for i in 0..3 {
        assert!(
            sim.proposal_ids(i).contains(&id),
            "node {i} heard the proposal"
        );
        assert!(!sim.secure_mode(i));
    }
    vote(&mut sim, 1, &id, true);
    for i in 0..3 {
        assert!(sim.secure_mode(i), "node {i} switched");
        assert!(sim.events(i).any(|e| matches!(
            e,
            NetEvent::ProposalClosed {
                outcome: Outcome::Approved,
                ..
            }
        )));
        let approvers = sim.events(i).find_map(|e| match e {
            NetEvent::SecureMode {
                enabled: true,
                approvers,
                ..
            } => Some(approvers.clone()),
            _ => None,
        });
        assert_eq!(
            approvers.map(|a| a.len()),
            Some(2),
            "node {i} shows who approved"
        );
    }
    // Refused locally...
    cmd(
        &mut sim,
        2,
        NetCommand::Send {
            body: "psst".into(),
            signed: false,
        },
    );
    assert!(sim
        .events(2)
        .any(|e| matches!(e, NetEvent::Error { message } if message.contains("secure-only"))));
    // ...and on receipt.
    inject_unsigned(&mut sim, 2, 0, 3, "sneaky");
    assert!(sim.messages(0).is_empty());
    assert!(sim
        .events(0)
        .any(|e| matches!(e, NetEvent::Rejected { reason, .. } if reason.contains("secure-only"))));
    // Signed messages still flow.
    cmd(
        &mut sim,
        2,
        NetCommand::Send {
            body: "signed ok".into(),
            signed: true,
        },
    );
    assert_eq!(sim.messages(0).len(), 1);
}

#[test]
fn a_late_joiner_adopts_the_mode_from_the_certificate() {
    let mut sim = meshed(&[1, 2, 3]);
    let id = propose(&mut sim, 0, Some(2));
    vote(&mut sim, 2, &id, true);
    assert!(sim.secure_mode(0));
    let late = sim.add("late", 9, vec![]);
    sim.run_until(Duration::from_secs(5), |s| s.fully_meshed())
        .expect("meshed");
    sim.run_for(Duration::from_millis(50));
    assert!(sim.secure_mode(late), "late joiner enforces the mode");
    assert!(sim
        .events(late)
        .any(|e| matches!(e, NetEvent::SecureMode { enabled: true, .. })));
}

#[test]
fn a_rejection_closes_the_proposal_and_changes_nothing() {
    let mut sim = meshed(&[1, 2, 3]);
    let id = propose(&mut sim, 0, Some(3));
    vote(&mut sim, 1, &id, false);
    for i in 0..3 {
        assert!(!sim.secure_mode(i));
        assert!(
            sim.events(i).any(|e| matches!(
                e,
                NetEvent::ProposalClosed {
                    outcome: Outcome::Rejected,
                    ..
                }
            )),
            "node {i}"
        );
    }
}

#[test]
fn a_proposal_expires_when_nobody_votes() {
    let mut sim = meshed(&[1, 2, 3]);
    propose(&mut sim, 0, None);
    sim.run_for(sim::timing().proposal_ttl + Duration::from_secs(2));
    for i in 0..3 {
        assert!(
            sim.events(i).any(|e| matches!(
                e,
                NetEvent::ProposalClosed {
                    outcome: Outcome::Expired,
                    ..
                }
            )),
            "node {i}"
        );
        assert!(!sim.secure_mode(i));
    }
}

#[test]
fn a_partition_during_the_vote_heals_to_one_mode() {
    let mut sim = meshed(&[10, 20, 30, 40, 50]);
    let id = propose(&mut sim, 0, None); // 3 of 5
    sim.group = vec![0, 0, 0, 1, 1];
    vote(&mut sim, 1, &id, true);
    vote(&mut sim, 2, &id, true);
    assert!(sim.secure_mode(0) && sim.secure_mode(1) && sim.secure_mode(2));
    assert!(
        !sim.secure_mode(3) && !sim.secure_mode(4),
        "the other side has not heard"
    );
    sim.run_for(Duration::from_secs(10));
    sim.group = vec![0; 5];
    sim.run_until(Duration::from_secs(30), |s| s.fully_meshed())
        .expect("healed");
    sim.run_for(Duration::from_millis(100));
    for i in 0..5 {
        assert!(
            sim.secure_mode(i),
            "node {i} in secure-only mode after healing"
        );
    }
}

#[test]
fn secure_mode_can_be_voted_off_again() {
    let mut sim = meshed(&[1, 2, 3]);
    let on = propose(&mut sim, 0, Some(2));
    vote(&mut sim, 1, &on, true);
    assert!(sim.secure_mode(2));
    sim.run_for(Duration::from_millis(5)); // a later timestamp for the second proposal
    cmd(
        &mut sim,
        2,
        NetCommand::Propose {
            enable: false,
            threshold: Some(2),
            description: "open again".into(),
        },
    );
    let off = sim.proposal_ids(2).last().cloned().unwrap();
    assert_ne!(off, on);
    vote(&mut sim, 0, &off, true);
    for i in 0..3 {
        assert!(!sim.secure_mode(i), "node {i} back in open mode");
    }
}

#[test]
fn a_peer_joining_during_a_vote_sees_it_cannot_vote_and_follows_the_outcome() {
    let mut sim = meshed(&[1, 2, 3]);
    let id = propose(&mut sim, 0, Some(3));
    vote(&mut sim, 1, &id, true);
    let late = sim.add("late", 9, vec![]);
    sim.run_until(Duration::from_secs(5), |s| s.fully_meshed())
        .expect("meshed");
    sim.run_for(Duration::from_millis(50));
    assert!(
        sim.proposal_ids(late).contains(&id),
        "the open proposal reached the newcomer"
    );
    let tally = sim.events(late).filter_map(|e| match e {
        NetEvent::Vote { approvals, .. } => Some(*approvals),
        _ => None,
    });
    assert_eq!(
        tally.max(),
        Some(2),
        "and so did the vote cast before it joined"
    );
    // Not in the electorate: its vote is refused with a reason.
    cmd(
        &mut sim,
        late,
        NetCommand::Vote {
            proposal: id[..8].to_string(),
            approve: true,
        },
    );
    assert!(sim.events(late).any(
        |e| matches!(e, NetEvent::Error { message } if message.contains("not in the electorate"))
    ));
    assert!(!sim.secure_mode(0));
    // The last electorate member approves: everyone, newcomer included, switches.
    vote(&mut sim, 2, &id, true);
    for i in 0..4 {
        assert!(sim.secure_mode(i), "node {i}");
    }
}
