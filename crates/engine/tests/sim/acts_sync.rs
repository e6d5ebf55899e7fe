//! Acts through history sync (issue #15): a peer away while a message's author deletes or
//! edits it and another peer reacts to it gets all three by sync when it comes back; a peer
//! that never had a deleted (and edited) message gets the delete, is given neither the message
//! nor its edit, and sees no history gap where they were.

use super::sync::{mesh, say};
use p2pchat_engine::api::{NetCommand, NetEvent};
use p2pchat_engine::node::Input;
use p2pchat_engine::sim::Sim;
use std::time::Duration;

fn command(sim: &mut Sim, i: usize, cmd: NetCommand) {
    sim.input(i, Input::Command(cmd));
}

fn sent_id(sim: &Sim, i: usize, body: &str) -> String {
    sim.events(i)
        .find_map(|e| match e {
            NetEvent::Sent {
                msg_id, body: b, ..
            } if b == body => Some(msg_id.clone()),
            _ => None,
        })
        .expect("sent")
}

/// Node `away` is cut off from the others (until `heal`).
fn part(sim: &mut Sim, away: usize) {
    sim.group = (0..sim.nodes.len()).map(|i| u8::from(i == away)).collect();
    sim.run_until(Duration::from_secs(60), |s| {
        s.nodes[away].node.peer_count() == 0
    })
    .expect("partitioned");
}

fn heal(sim: &mut Sim, away: usize) {
    sim.group = vec![0; sim.nodes.len()];
    let n = sim.nodes.len() - 1;
    sim.run_until(Duration::from_secs(60), |s| {
        s.nodes[away].node.peer_count() == n
    })
    .expect("reconnected");
}

fn gaps(sim: &Sim, i: usize) -> usize {
    sim.events(i)
        .filter(|e| matches!(e, NetEvent::HistoryGap { .. }))
        .count()
}

#[test]
fn a_peer_away_during_a_delete_an_edit_and_a_reaction_gets_them_by_sync() {
    let mut sim = mesh(3);
    for body in ["one", "teh two", "three"] {
        say(&mut sim, 0, body);
        sim.run_for(Duration::from_millis(50));
    }
    let (one, two, three) = (
        sent_id(&sim, 0, "one"),
        sent_id(&sim, 0, "teh two"),
        sent_id(&sim, 0, "three"),
    );
    sim.run_for(Duration::from_millis(200));
    part(&mut sim, 2);
    command(
        &mut sim,
        0,
        NetCommand::Delete {
            msg_id: one.clone(),
        },
    );
    let body = "the two".to_string();
    let edit = NetCommand::Edit {
        msg_id: two.clone(),
        body,
    };
    command(&mut sim, 0, edit);
    let like = NetCommand::React {
        msg_id: three.clone(),
        emoji: "👍".into(),
    };
    command(&mut sim, 1, like);
    sim.run_for(Duration::from_millis(200));
    assert!(
        !sim.events(2).any(|e| matches!(
            e,
            NetEvent::Deleted { .. } | NetEvent::Edited { .. } | NetEvent::Reaction { .. }
        )),
        "C was away"
    );
    heal(&mut sim, 2);
    sim.run_for(Duration::from_secs(3));
    let ev: Vec<&NetEvent> = sim.events(2).collect();
    assert!(
        ev.iter()
            .any(|e| matches!(e, NetEvent::Deleted { msg_id, .. } if *msg_id == one)),
        "{ev:?}"
    );
    assert!(ev.iter().any(
        |e| matches!(e, NetEvent::Edited { msg_id, body, .. } if *msg_id == two && body == "the two")
    ));
    assert!(ev.iter().any(|e| matches!(
        e,
        NetEvent::Reaction { msg_id, emoji, on: true, count: 1, .. } if *msg_id == three && emoji == "👍"
    )));
    assert_eq!(gaps(&sim, 2), 0, "{ev:?}");
    let rejected: Vec<_> = ev
        .iter()
        .filter(|e| matches!(e, NetEvent::Rejected { .. }))
        .collect();
    assert!(rejected.is_empty(), "{rejected:?}");
}

#[test]
fn a_peer_that_never_had_a_deleted_message_gets_the_delete_and_no_gap() {
    let mut sim = mesh(3);
    part(&mut sim, 2);
    for body in ["before", "secret", "after"] {
        say(&mut sim, 0, body);
        sim.run_for(Duration::from_millis(50));
    }
    let secret = sent_id(&sim, 0, "secret");
    // An edit first: its original holds the edited text, and goes with the delete.
    let edit = NetCommand::Edit {
        msg_id: secret.clone(),
        body: "secret, edited".into(),
    };
    command(&mut sim, 0, edit);
    sim.run_for(Duration::from_millis(50));
    command(
        &mut sim,
        0,
        NetCommand::Delete {
            msg_id: secret.clone(),
        },
    );
    sim.run_for(Duration::from_millis(200));
    assert!(sim
        .events(1)
        .any(|e| matches!(e, NetEvent::Deleted { msg_id, .. } if *msg_id == secret)));
    heal(&mut sim, 2);
    sim.run_for(Duration::from_secs(3));
    let bodies: Vec<&str> = sim
        .events(2)
        .filter_map(|e| match e {
            NetEvent::Backfilled { body, .. } => Some(body.as_str()),
            _ => None,
        })
        .collect();
    assert_eq!(bodies, vec!["before", "after"]);
    assert!(!sim.events(2).any(|e| matches!(e, NetEvent::Edited { .. })));
    assert_eq!(gaps(&sim, 2), 0, "no gap where the deleted message was");
    // Asked no more once settled: the exchange is quiet.
    let sent_before = sim.nodes[2].sent.len();
    sim.run_for(Duration::from_secs(2));
    let wants = sim.nodes[2].sent[sent_before..]
        .iter()
        .filter(|(_, f)| f.windows(14).any(|w| w == b"\"type\":\"want\""))
        .count();
    assert_eq!(wants, 0, "the deleted message is not asked for again");
}
