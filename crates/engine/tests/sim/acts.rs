//! Reactions, edits and deletes (issue #15): an edit by the author and a reaction by another
//! peer that reach a node before the message they are about are kept and applied when it
//! arrives (here by history sync); an edit signed by someone else is refused.

use super::sync::mesh;
use bytes::Bytes;
use p2pchat_engine::api::{NetCommand, NetEvent};
use p2pchat_engine::node::Input;
use p2pchat_engine::sim::Sim;
use p2pchat_engine::wire::{decode_frame, Frame};
use std::time::Duration;

const MAX: usize = 64 * 1024;

fn command(sim: &mut Sim, i: usize, cmd: NetCommand) {
    sim.input(i, Input::Command(cmd));
}

/// The `act` frames node `i` sent, newest last (raw bytes).
fn acts_sent(sim: &Sim, i: usize) -> Vec<Bytes> {
    sim.nodes[i]
        .sent
        .iter()
        .filter(|(_, f)| matches!(decode_frame(f, MAX), Ok(Frame::Act(_))))
        .map(|(_, f)| f.clone())
        .collect()
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

#[test]
fn an_edit_and_a_reaction_before_their_message_wait_for_it() {
    let mut sim = mesh(3);
    // B (1) is away while A (0) says something, C (2) reacts and A edits it.
    sim.group = vec![0, 1, 0];
    sim.run_until(Duration::from_secs(60), |s| {
        s.nodes[1].node.peer_count() == 0
    })
    .expect("B away");
    command(
        &mut sim,
        0,
        NetCommand::Send {
            body: "teh plan".into(),
            signed: true,
        },
    );
    sim.run_for(Duration::from_millis(100));
    let id = sent_id(&sim, 0, "teh plan");
    command(
        &mut sim,
        2,
        NetCommand::React {
            msg_id: id.clone(),
            emoji: "👍".into(),
        },
    );
    command(
        &mut sim,
        0,
        NetCommand::Edit {
            msg_id: id.clone(),
            body: "the plan".into(),
        },
    );
    sim.run_for(Duration::from_millis(100));
    let edit = acts_sent(&sim, 0).pop().expect("A sent its edit");
    let like = acts_sent(&sim, 2).pop().expect("C sent its reaction");
    // A and C applied them themselves.
    assert!(sim
        .events(0)
        .any(|e| matches!(e, NetEvent::Edited { body, .. } if body == "the plan")));
    assert!(sim.events(2).any(|e| matches!(
        e,
        NetEvent::Reaction {
            count: 1,
            on: true,
            ..
        }
    )));

    // B comes back: the acts are handed to it on the new connections before the message
    // comes by sync.
    sim.group = vec![0; 3];
    sim.run_until(Duration::from_secs(60), |s| {
        s.nodes[1].node.peer_count() == 2
    })
    .expect("reconnected");
    let (from_a, from_c) = (
        sim.conn_between(1, 0).unwrap(),
        sim.conn_between(1, 2).unwrap(),
    );
    sim.input(
        1,
        Input::Frame {
            conn: from_a,
            bytes: edit.clone(),
        },
    );
    sim.input(
        1,
        Input::Frame {
            conn: from_c,
            bytes: like,
        },
    );
    assert!(
        !sim.events(1)
            .any(|e| matches!(e, NetEvent::Edited { .. } | NetEvent::Reaction { .. })),
        "nothing applied before the message"
    );
    let rejected: Vec<&NetEvent> = sim
        .events(1)
        .filter(|e| matches!(e, NetEvent::Rejected { .. }))
        .collect();
    assert!(rejected.is_empty(), "{rejected:?}");
    sim.run_for(Duration::from_secs(3));
    let order: Vec<&str> = sim
        .events(1)
        .filter_map(|e| match e {
            NetEvent::Backfilled { msg_id, .. } if *msg_id == id => Some("message"),
            NetEvent::Edited { msg_id, body, .. } if *msg_id == id && body == "the plan" => {
                Some("edited")
            }
            NetEvent::Reaction {
                msg_id, count: 1, ..
            } if *msg_id == id => Some("reaction"),
            _ => None,
        })
        .collect();
    assert_eq!(order.first(), Some(&"message"), "{order:?}");
    assert!(
        order.contains(&"edited") && order.contains(&"reaction"),
        "{order:?}"
    );

    // C forging an edit of A's message: refused at B, never applied.
    command(
        &mut sim,
        2,
        NetCommand::Edit {
            msg_id: id.clone(),
            body: "forged".into(),
        },
    );
    sim.run_for(Duration::from_millis(100));
    assert!(matches!(
        sim.events(2).last(),
        Some(NetEvent::Error { message }) if message.contains("only its author")
    ));
    // Delete by the author: applied everywhere; a reaction after it changes nothing.
    command(&mut sim, 0, NetCommand::Delete { msg_id: id.clone() });
    sim.run_for(Duration::from_millis(200));
    for i in 0..3 {
        assert!(
            sim.events(i)
                .any(|e| matches!(e, NetEvent::Deleted { msg_id, .. } if *msg_id == id)),
            "node {i}"
        );
    }
}
