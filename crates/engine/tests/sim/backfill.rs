//! History sync in the simulator: a peer cut off by a partition gets, on healing, the signed
//! messages it missed, relayed by peers other than their author and checked against the
//! author's key; unsigned and private messages are never relayed; forged relays are refused.
//! The cases of issue #11 (long partitions, several relays, duplicates, retention, hostile
//! peers, the budget) are in `sync/`.

use p2pchat_engine::api::{NetCommand, NetEvent};
use p2pchat_engine::node::Input;
use p2pchat_engine::sim;
use sim::Sim;
use std::time::Duration;

fn send(sim: &mut Sim, i: usize, body: &str, signed: bool) {
    let cmd = NetCommand::Send {
        body: body.into(),
        signed,
    };
    sim.input(i, Input::Command(cmd));
}

/// (body, author id, relayed by) of each backfilled event at node `i`.
fn backfilled(sim: &Sim, i: usize) -> Vec<(String, String, String)> {
    sim.events(i)
        .filter_map(|e| match e {
            NetEvent::Backfilled {
                body, from, via, ..
            } => Some((body.clone(), from.clone(), via.clone())),
            _ => None,
        })
        .collect()
}

#[test]
fn a_peer_back_from_a_partition_gets_what_it_missed_and_nothing_private_or_unsigned() {
    let mut sim = Sim::new();
    for (k, seed) in [11u8, 22, 33].into_iter().enumerate() {
        sim.add(&format!("n{k}"), seed, vec![]);
    }
    sim.run_until(Duration::from_secs(5), |s| s.fully_meshed())
        .expect("meshed");
    // Node 2 is cut off; 0 and 1 keep talking.
    sim.group = vec![0, 0, 1];
    sim.run_until(Duration::from_secs(20), |s| {
        s.nodes[0].node.peer_count() == 1 && s.nodes[2].node.peer_count() == 0
    })
    .expect("partitioned");
    send(&mut sim, 0, "signed while you were away", true);
    send(&mut sim, 0, "unsigned while you were away", false);
    let to = sim.id(1);
    sim.input(
        0,
        Input::Command(NetCommand::SendDm {
            to,
            body: "private to n1".into(),
        }),
    );
    sim.run_for(Duration::from_millis(50));
    // Node 0 then crashes: only node 1 can relay its message.
    sim.crash(0);
    sim.group = vec![0; 3];
    sim.run_until(Duration::from_secs(30), |s| !backfilled(s, 2).is_empty())
        .expect("backfilled");
    sim.run_for(Duration::from_secs(1));
    let got = backfilled(&sim, 2);
    assert_eq!(
        got,
        vec![(
            "signed while you were away".to_string(),
            sim.id(0),
            sim.id(1)
        )]
    );
    let seen = format!("{:?}", sim.events(2).collect::<Vec<_>>());
    assert!(!seen.contains("unsigned while"), "unsigned relayed");
    assert!(!seen.contains("private to n1"), "private relayed");
}

#[test]
fn forged_or_unsigned_relays_are_refused() {
    let mut sim = Sim::new();
    sim.add("a", 1, vec![]);
    sim.add("b", 2, vec![]);
    sim.add("c", 3, vec![]);
    sim.run_until(Duration::from_secs(5), |s| s.fully_meshed())
        .expect("meshed");
    // C is away while A writes twice; then A is gone and B's store is tampered with: one
    // copy forged, one stripped of its signature.
    sim.group = vec![0, 0, 1];
    sim.run_until(Duration::from_secs(20), |s| {
        s.nodes[2].node.peer_count() == 0
    })
    .expect("partitioned");
    send(&mut sim, 0, "original one", true);
    send(&mut sim, 0, "original two", true);
    sim.run_for(Duration::from_millis(50));
    sim.crash(0);
    let kept = &mut sim.nodes[1].kept;
    let n = kept.len();
    assert!(n >= 2, "b kept a's messages");
    kept[n - 2].2.payload = kept[n - 2].2.payload.replace("original", "forged!!");
    kept[n - 1].2.sig = None;
    sim.group = vec![0; 3];
    sim.run_until(Duration::from_secs(30), |s| {
        rejected(s, 2, "sync:").len() >= 2
    })
    .expect("both refused");
    let reasons = rejected(&sim, 2, "sync:");
    assert!(
        reasons.iter().any(|r| r.contains("bad signature")),
        "{reasons:?}"
    );
    assert!(
        reasons.iter().any(|r| r.contains("unsigned")),
        "{reasons:?}"
    );
    assert!(backfilled(&sim, 2).is_empty(), "nothing forged shown");
}

/// Reasons of `rejected` events at node `i` starting with `prefix`.
fn rejected(sim: &Sim, i: usize, prefix: &str) -> Vec<String> {
    sim.events(i)
        .filter_map(|e| match e {
            NetEvent::Rejected { reason, .. } if reason.starts_with(prefix) => Some(reason.clone()),
            _ => None,
        })
        .collect()
}

fn dm(sim: &mut Sim, from: usize, to: &str, body: &str) {
    let cmd = NetCommand::SendDm {
        to: to.into(),
        body: body.into(),
    };
    sim.input(from, Input::Command(cmd));
}

fn delivered(sim: &Sim, i: usize) -> usize {
    sim.events(i)
        .filter(|e| matches!(e, NetEvent::Delivered { .. }))
        .count()
}

#[test]
fn a_private_message_to_an_absent_peer_waits_in_the_outbox_and_is_acknowledged() {
    let mut sim = Sim::new();
    sim.add("a", 1, vec![]);
    sim.add("b", 2, vec![]);
    sim.run_until(Duration::from_secs(5), |s| s.fully_meshed())
        .expect("meshed");
    // Connected: sent, then acknowledged, and the outbox is empty again.
    let b = sim.id(1);
    dm(&mut sim, 0, &b, "hello b");
    sim.run_until(Duration::from_secs(1), |s| delivered(s, 0) == 1)
        .expect("delivered");
    assert!(sim.nodes[0].outbox.is_empty());
    // B crashes; a message for it is queued, and delivered once B is back.
    sim.crash(1);
    sim.run_until(Duration::from_secs(10), |s| {
        s.nodes[0].node.peer_count() == 0
    })
    .expect("b gone");
    dm(&mut sim, 0, &b, "while you were down");
    assert!(sim.events(0).any(|e| matches!(
        e,
        NetEvent::DmSent {
            status: p2pchat_engine::api::Delivery::Queued,
            ..
        }
    )));
    assert_eq!(sim.nodes[0].outbox.len(), 1);
    sim.restart(1, p2pchat_engine::identity::Identity::from_secret([2; 32]));
    sim.run_until(Duration::from_secs(10), |s| delivered(s, 0) == 2)
        .expect("delivered after the restart");
    let got: Vec<String> = sim
        .events(1)
        .filter_map(|e| match e {
            NetEvent::DirectMessage { body, .. } => Some(body.clone()),
            _ => None,
        })
        .collect();
    assert_eq!(got, vec!["while you were down"]);
    assert!(sim.nodes[0].outbox.is_empty());
}
