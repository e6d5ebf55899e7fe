//! Simulator tests of spoofed announcements: one that names a fresh id at the address of a
//! peer already connected must not make the node dial that peer again (each such dial used to
//! replace the working connection, losing the frames in flight on it).

use p2pchat_engine::api::{NetCommand, NetEvent};
use p2pchat_engine::node::Input;
use p2pchat_engine::sim;
use p2pchat_engine::wire::{Announce, PeerId};
use sim::{Sim, DISCOVERY_PORT};
use std::net::SocketAddr;
use std::time::Duration;

#[test]
fn a_spoofed_announcement_at_a_connected_peers_address_does_not_replace_its_connection() {
    let mut sim = Sim::new();
    sim.add("a", 1, vec![]);
    sim.add("b", 2, vec![]);
    sim.run_until(Duration::from_secs(5), |s| s.fully_meshed())
        .expect("meshed");
    let (low, high) = if sim.id(0) < sim.id(1) {
        (0, 1)
    } else {
        (1, 0)
    };
    let conn = sim.conn_between(low, high).expect("connected");
    let high_addr = sim.addr_of(high);
    // A higher id than anyone's, "listening" at the higher peer's port: the lower peer would
    // be the one to dial it.
    let spoof = Announce::new(PeerId([0xff; 32]), "Ghost", high_addr.port(), 1).encode();
    for k in 0..40 {
        sim.input(
            low,
            Input::Datagram {
                from: SocketAddr::new(high_addr.ip(), DISCOVERY_PORT),
                bytes: spoof.clone().into(),
            },
        );
        sim.input(
            high,
            Input::Command(NetCommand::Send {
                body: format!("m{k}"),
                signed: true,
            }),
        );
        sim.run_for(Duration::from_millis(50));
    }
    sim.run_for(Duration::from_secs(1));
    assert_eq!(
        sim.conn_between(low, high),
        Some(conn),
        "the working connection was replaced"
    );
    let got: Vec<String> = sim
        .events(low)
        .filter_map(|e| match e {
            NetEvent::Message { body, .. } => Some(body.clone()),
            _ => None,
        })
        .collect();
    let want: Vec<String> = (0..40).map(|k| format!("m{k}")).collect();
    assert_eq!(got, want, "every message, once, in order");
}
