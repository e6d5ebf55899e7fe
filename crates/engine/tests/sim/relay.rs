//! Simulator tests of relaying: A and C cannot connect but both reach B; A's messages reach C
//! through B, signed by A, once each; nothing loops; a forged relayed message is refused;
//! relayed peers are members of a vote.

use p2pchat_engine::api::{NetCommand, NetEvent, PeerInfo};
use p2pchat_engine::identity::Identity;
use p2pchat_engine::node::Input;
use p2pchat_engine::sim::Sim;
use p2pchat_engine::wire::{encode_frame, ChatContent, Domain, Frame, RelayKind, SignedPayload};
use std::time::Duration;

fn send(sim: &mut Sim, i: usize, body: &str) {
    sim.input(
        i,
        Input::Command(NetCommand::Send {
            body: body.into(),
            signed: true,
        }),
    );
}

fn bodies_from(sim: &Sim, i: usize, author: &str) -> Vec<String> {
    sim.messages(i)
        .into_iter()
        .filter(|(from, _, verified)| from == author && *verified)
        .map(|(_, body, _)| body)
        .collect()
}

fn peers(sim: &mut Sim, i: usize) -> Vec<PeerInfo> {
    sim.input(i, Input::Command(NetCommand::ListPeers));
    sim.events(i)
        .filter_map(|e| match e {
            NetEvent::Peers { peers } => Some(peers.clone()),
            _ => None,
        })
        .last()
        .unwrap()
}

/// a (0), b (1), c (2); a and c cannot connect.
fn triangle_without_a_side() -> Sim {
    let mut sim = Sim::new();
    sim.blocked.push((0, 2));
    sim.add("a", 1, vec![]);
    sim.add("b", 2, vec![]);
    sim.add("c", 3, vec![]);
    sim.run_until(Duration::from_secs(10), |s| {
        s.events(2).any(|e| matches!(e, NetEvent::PeerVia { .. }))
            && s.events(0).any(|e| matches!(e, NetEvent::PeerVia { .. }))
    })
    .expect("a and c reach each other via b");
    sim
}

#[test]
fn messages_between_peers_that_cannot_connect_go_through_a_common_peer() {
    let mut sim = triangle_without_a_side();
    let (a, c) = (sim.id(0), sim.id(2));
    let start = sim.now;
    for k in 0..20 {
        send(&mut sim, 0, &format!("a{k}"));
        send(&mut sim, 2, &format!("c{k}"));
        sim.run_for(Duration::from_millis(20));
    }
    sim.run_for(Duration::from_secs(1));
    let want_a: Vec<String> = (0..20).map(|k| format!("a{k}")).collect();
    let want_c: Vec<String> = (0..20).map(|k| format!("c{k}")).collect();
    assert_eq!(
        bodies_from(&sim, 2, &a),
        want_a,
        "a's messages at c, once, in order"
    );
    assert_eq!(
        bodies_from(&sim, 0, &c),
        want_c,
        "c's messages at a, once, in order"
    );
    assert!(sim.now - start < Duration::from_secs(3));
    let at_c = peers(&mut sim, 2);
    let a_at_c = at_c.iter().find(|p| p.id == a).expect("a listed at c");
    assert_eq!(a_at_c.via.as_deref(), Some("b"));
    assert_eq!(sim.conn_between(0, 2), None, "never connected directly");
}

#[test]
fn relayed_messages_do_not_loop_and_come_once_with_two_possible_relays() {
    let mut sim = Sim::new();
    // a cannot reach c nor d; b and d, c and d connect. Two relays are possible for c.
    sim.blocked.push((0, 2));
    sim.blocked.push((0, 3));
    sim.add("a", 1, vec![]);
    sim.add("b", 2, vec![]);
    sim.add("c", 3, vec![]);
    sim.add("d", 4, vec![]);
    sim.run_for(Duration::from_secs(5));
    let a = sim.id(0);
    for k in 0..10 {
        send(&mut sim, 0, &format!("m{k}"));
    }
    sim.run_for(Duration::from_secs(2));
    let want: Vec<String> = (0..10).map(|k| format!("m{k}")).collect();
    assert_eq!(bodies_from(&sim, 2, &a), want);
    assert_eq!(bodies_from(&sim, 3, &a), want);
    // Each relayed message crossed a link at most once per asker: b sent at most 20 relays.
    let relays_sent: usize = (0..4)
        .map(|i| {
            sim.nodes[i]
                .sent
                .iter()
                .filter(|(_, f)| f.starts_with(br#"{"type":"relay""#))
                .count()
        })
        .sum();
    assert!(
        relays_sent <= 20,
        "{relays_sent} relay frames for 10 messages to 2 peers"
    );
}

#[test]
fn a_relayed_message_with_a_forged_signature_is_refused() {
    let mut sim = triangle_without_a_side();
    let a = Identity::from_secret([1; 32]);
    let b = Identity::from_secret([2; 32]);
    let content = ChatContent {
        author: a.id(),
        seq: 4_000_000_000_000,
        ts: sim.unix_ms(),
        body: "I owe b money".into(),
        room: p2pchat_engine::rooms::RoomName::general(),
        reply_to: None,
    };
    // Signed by the relay, claiming a as author.
    let forged = SignedPayload::sign(b.signing_key(), Domain::Chat, &content);
    let conn = sim.conn_between(2, 1).expect("c-b");
    let frame = Frame::Relay {
        kind: RelayKind::Chat,
        item: forged,
        hops: 1,
    };
    sim.input(
        2,
        Input::Frame {
            conn,
            bytes: encode_frame(&frame, 64 * 1024).unwrap(),
        },
    );
    assert!(bodies_from(&sim, 2, &a.id().to_hex()).is_empty());
    assert!(sim.events(2).any(
        |e| matches!(e, NetEvent::Rejected { reason, .. } if reason.contains("bad signature"))
    ));
}

#[test]
fn a_relayed_peer_is_a_member_of_a_proposal_and_its_vote_counts() {
    let mut sim = triangle_without_a_side();
    sim.run_for(Duration::from_secs(1));
    sim.input(
        0,
        Input::Command(NetCommand::Propose {
            enable: true,
            threshold: Some(3),
            description: "lock it".into(),
        }),
    );
    sim.run_for(Duration::from_secs(1));
    let pid = sim
        .proposal_ids(2)
        .first()
        .cloned()
        .expect("c saw the proposal");
    for i in 0..3 {
        sim.input(
            i,
            Input::Command(NetCommand::Vote {
                proposal: pid.clone(),
                approve: true,
            }),
        );
    }
    sim.run_for(Duration::from_secs(2));
    for i in 0..3 {
        assert!(sim.secure_mode(i), "node {i} is in secure-only mode");
    }
}

#[test]
fn a_relayed_private_message_is_sealed_so_the_relay_cannot_read_it() {
    let mut sim = triangle_without_a_side();
    let a = sim.id(0);
    sim.input(
        2,
        Input::Command(NetCommand::SendDm {
            to: "a".into(),
            body: "the secret plan".into(),
        }),
    );
    sim.run_for(Duration::from_secs(1));
    let got: Vec<String> = sim
        .events(0)
        .filter_map(|e| match e {
            NetEvent::DirectMessage { body, from, .. } if *from == sim.id(2) => Some(body.clone()),
            _ => None,
        })
        .collect();
    assert_eq!(got, vec!["the secret plan".to_string()]);
    assert!(
        sim.events(2)
            .any(|e| matches!(e, NetEvent::Delivered { to, .. } if *to == a)),
        "c learns it was delivered (the acknowledgement came back through b)"
    );
    // Everything c sent to b, and everything b sent anywhere: never the text.
    let to_b = sim.conn_between(2, 1).unwrap();
    let leaked = sim.nodes[2]
        .sent
        .iter()
        .filter(|(c, _)| *c == to_b)
        .chain(sim.nodes[1].sent.iter())
        .any(|(_, f)| String::from_utf8_lossy(f).contains("secret"));
    assert!(!leaked, "the relay saw the text");
    assert!(!sim
        .events(1)
        .any(|e| matches!(e, NetEvent::DirectMessage { .. })));
}

#[test]
fn a_partition_offers_no_false_relay() {
    let mut sim = Sim::new();
    for (k, name) in ["a", "b", "c", "d"].iter().enumerate() {
        sim.add(name, k as u8 + 1, vec![]);
    }
    sim.run_until(Duration::from_secs(5), |s| s.fully_meshed())
        .expect("meshed");
    // {a, b} | {c, d}: nobody on one side reaches anyone on the other, so nobody can relay.
    sim.group[2] = 1;
    sim.group[3] = 1;
    sim.run_for(Duration::from_secs(30));
    for i in 0..4 {
        assert!(
            !sim.events(i).any(|e| matches!(e, NetEvent::PeerVia { .. })),
            "node {i} claims a relay across the partition"
        );
    }
    sim.group[2] = 0;
    sim.group[3] = 0;
    sim.run_until(Duration::from_secs(40), |s| s.fully_meshed())
        .expect("healed");
}

#[test]
fn a_relay_route_outlives_the_record_age_because_refreshes_reach_the_asker() {
    let mut sim = triangle_without_a_side();
    let a = sim.id(0);
    // Records are refused after 10 minutes: the route must be kept up by refreshes.
    sim.run_for(Duration::from_secs(25 * 60));
    assert!(
        !sim.events(2)
            .any(|e| matches!(e, NetEvent::PeerOffline { id, .. } if *id == a)),
        "a dropped out of c's list"
    );
    send(&mut sim, 0, "still here after 25 minutes");
    sim.run_for(Duration::from_secs(1));
    assert_eq!(
        bodies_from(&sim, 2, &a),
        vec!["still here after 25 minutes".to_string()]
    );
}
