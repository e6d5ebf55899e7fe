//! Rooms (issue #15): a room message reaches its members only, and the membership tables of
//! every node agree again after a partition heals.

use super::sync::mesh;
use p2pchat_engine::api::{NetCommand, NetEvent, RoomInfo};
use p2pchat_engine::node::Input;
use p2pchat_engine::sim::Sim;
use std::time::Duration;

fn command(sim: &mut Sim, i: usize, cmd: NetCommand) {
    sim.input(i, Input::Command(cmd));
}

fn join(sim: &mut Sim, i: usize, room: &str) {
    command(sim, i, NetCommand::Join { room: room.into() });
}

/// (room, body) of every message node `i` was shown from the network.
fn received(sim: &Sim, i: usize) -> Vec<(String, String)> {
    sim.events(i)
        .filter_map(|e| match e {
            NetEvent::Message { room, body, .. } | NetEvent::Backfilled { room, body, .. } => {
                Some((room.clone(), body.clone()))
            }
            _ => None,
        })
        .collect()
}

/// Node `i`'s newest room list.
fn rooms(sim: &Sim, i: usize) -> Vec<RoomInfo> {
    sim.events(i)
        .filter_map(|e| match e {
            NetEvent::Rooms { rooms } => Some(rooms.clone()),
            _ => None,
        })
        .last()
        .unwrap_or_default()
}

/// (room, members) as every node sees them, ignoring which ones each joined.
fn counts(sim: &Sim, i: usize) -> Vec<(String, usize)> {
    rooms(sim, i)
        .into_iter()
        .map(|r| (r.room, r.members))
        .collect()
}

#[test]
fn a_room_message_reaches_its_members_only() {
    let mut sim = mesh(3);
    join(&mut sim, 0, "#dev");
    join(&mut sim, 1, "#dev");
    sim.run_for(Duration::from_millis(200));
    let send = NetCommand::SendRoom {
        room: "#dev".into(),
        body: "dev only".into(),
        signed: true,
    };
    command(&mut sim, 0, send);
    command(
        &mut sim,
        2,
        NetCommand::Send {
            body: "to everyone".into(),
            signed: true,
        },
    );
    sim.run_for(Duration::from_millis(500));
    let sent = sim.events(0).find_map(|e| match e {
        NetEvent::Sent {
            room, recipients, ..
        } => Some((room.clone(), *recipients)),
        _ => None,
    });
    assert_eq!(sent, Some(("#dev".to_string(), 1)), "sent to n1 only");
    assert!(received(&sim, 1).contains(&("#dev".into(), "dev only".into())));
    assert!(
        !received(&sim, 2).iter().any(|(_, b)| b == "dev only"),
        "n2 is not in #dev: {:?}",
        received(&sim, 2)
    );
    for i in [0, 1] {
        assert!(received(&sim, i).contains(&("#general".into(), "to everyone".into())));
    }
    // Not in the room: refused with one line, nothing sent.
    let before = sim.events(2).count();
    let send = NetCommand::SendRoom {
        room: "#dev".into(),
        body: "sneak".into(),
        signed: true,
    };
    command(&mut sim, 2, send);
    let after: Vec<&NetEvent> = sim.events(2).skip(before).collect();
    assert!(
        matches!(after.as_slice(), [NetEvent::Error { message }] if message.contains("not in #dev")),
        "{after:?}"
    );
    // A bad name is one line too.
    join(&mut sim, 2, "#Bad Name");
    assert!(matches!(sim.events(2).last(), Some(NetEvent::Error { .. })));
}

#[test]
fn membership_converges_after_a_partition_heals() {
    let mut sim = mesh(4);
    sim.group = vec![0, 0, 1, 1];
    sim.run_until(Duration::from_secs(60), |s| {
        s.nodes[0].node.peer_count() == 1
    })
    .expect("partitioned");
    join(&mut sim, 0, "#a");
    join(&mut sim, 3, "#b");
    command(
        &mut sim,
        1,
        NetCommand::Part {
            room: "#general".into(),
        },
    );
    join(&mut sim, 1, "#a");
    sim.run_for(Duration::from_secs(1));
    sim.group = vec![0; 4];
    sim.run_until(Duration::from_secs(60), |s| s.fully_meshed())
        .expect("meshed again");
    sim.run_for(Duration::from_secs(1));
    let want = vec![
        ("#a".to_string(), 2),
        ("#b".to_string(), 1),
        ("#general".to_string(), 3),
    ];
    for i in 0..4 {
        command(&mut sim, i, NetCommand::ListRooms);
        assert_eq!(counts(&sim, i), want, "node {i}");
    }
    let joined: Vec<String> = rooms(&sim, 1)
        .into_iter()
        .filter(|r| r.joined)
        .map(|r| r.room)
        .collect();
    assert_eq!(joined, vec!["#a".to_string()]);
    // A room message after the heal goes to the members that were across the partition.
    let send = NetCommand::SendRoom {
        room: "#a".into(),
        body: "after heal".into(),
        signed: true,
    };
    command(&mut sim, 1, send);
    sim.run_for(Duration::from_millis(500));
    assert!(received(&sim, 0).contains(&("#a".into(), "after heal".into())));
    for i in [2, 3] {
        assert!(!received(&sim, i).iter().any(|(_, b)| b == "after heal"));
    }
    // n1 left #general: a #general message no longer reaches it.
    command(
        &mut sim,
        2,
        NetCommand::Send {
            body: "general news".into(),
            signed: true,
        },
    );
    sim.run_for(Duration::from_millis(500));
    assert!(received(&sim, 3).contains(&("#general".into(), "general news".into())));
    assert!(!received(&sim, 1).iter().any(|(_, b)| b == "general news"));
}

#[test]
fn a_member_back_from_a_partition_gets_its_room_only_by_sync() {
    let mut sim = mesh(3);
    join(&mut sim, 0, "#ops");
    join(&mut sim, 2, "#ops");
    sim.run_for(Duration::from_millis(300));
    sim.group = vec![0, 0, 1];
    sim.run_until(Duration::from_secs(60), |s| {
        s.nodes[0].node.peer_count() == 1
    })
    .expect("n2 dropped");
    for (room, body) in [
        ("#ops", "ops while away"),
        ("#general", "general while away"),
    ] {
        let send = NetCommand::SendRoom {
            room: room.into(),
            body: body.into(),
            signed: true,
        };
        command(&mut sim, 0, send);
    }
    sim.run_for(Duration::from_millis(300));
    sim.group = vec![0; 3];
    sim.run_until(Duration::from_secs(60), |s| s.fully_meshed())
        .expect("meshed again");
    sim.run_for(Duration::from_secs(3));
    let at2 = received(&sim, 2);
    assert!(
        at2.contains(&("#ops".into(), "ops while away".into())),
        "{at2:?}"
    );
    assert!(at2.contains(&("#general".into(), "general while away".into())));
    let at1 = received(&sim, 1);
    assert!(!at1.iter().any(|(_, b)| b == "ops while away"), "{at1:?}");
}

#[test]
fn a_peer_that_joins_a_room_gets_its_recent_messages() {
    let mut sim = mesh(3);
    join(&mut sim, 0, "#dev");
    sim.run_for(Duration::from_millis(300));
    let send = NetCommand::SendRoom {
        room: "#dev".into(),
        body: "said before anyone joined".into(),
        signed: true,
    };
    command(&mut sim, 0, send);
    sim.run_for(Duration::from_millis(300));
    assert!(received(&sim, 1).is_empty());
    join(&mut sim, 1, "#dev");
    sim.run_until(Duration::from_secs(10), |s| {
        received(s, 1)
            .iter()
            .any(|(r, b)| r == "#dev" && b == "said before anyone joined")
    })
    .expect("the joiner is given the room's message");
    // Node 2 stays out of #dev and is given nothing of it.
    sim.run_for(Duration::from_secs(3));
    assert!(received(&sim, 2).is_empty(), "{:?}", received(&sim, 2));
    // A rooms frame from a peer that joined nothing new asks for no new round: no refusal.
    let refused = |s: &Sim, i: usize| {
        s.events(i)
            .filter(|e| matches!(e, NetEvent::Rejected { .. }))
            .count()
    };
    assert_eq!(
        (refused(&sim, 0), refused(&sim, 1), refused(&sim, 2)),
        (0, 0, 0)
    );
}

#[test]
fn joins_close_together_share_one_new_summary() {
    let mut sim = mesh(2);
    for room in ["#a", "#b"] {
        join(&mut sim, 0, room);
    }
    sim.run_for(Duration::from_millis(300));
    for room in ["#a", "#b"] {
        let send = NetCommand::SendRoom {
            room: room.into(),
            body: format!("in {room}"),
            signed: true,
        };
        command(&mut sim, 0, send);
    }
    sim.run_for(Duration::from_millis(300));
    join(&mut sim, 1, "#a");
    join(&mut sim, 1, "#b");
    sim.run_until(Duration::from_secs(10), |s| received(s, 1).len() == 2)
        .expect("both rooms' messages");
    sim.run_for(Duration::from_secs(3));
    let rejected: Vec<String> = sim
        .events(0)
        .chain(sim.events(1))
        .filter_map(|e| match e {
            NetEvent::Rejected { reason, .. } => Some(reason.clone()),
            _ => None,
        })
        .collect();
    assert!(rejected.is_empty(), "{rejected:?}");
}
