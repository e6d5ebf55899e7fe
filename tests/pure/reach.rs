//! The interface's side of reach: a peer reached through a relay is listed "via NAME", and
//! the `/net` report reads as lines that say why someone is not connected.

use super::fixtures::*;
use p2pchat_engine::api::{NetEvent, NetPeer};
use p2pchat_tui::tui::model::apply::apply;

#[test]
fn a_relayed_peer_is_listed_via_its_relay() {
    let mut s = chat(100, 50, true);
    apply(
        &mut s,
        NetEvent::PeerVia {
            id: "c3".repeat(32),
            name: "Carol".into(),
            fingerprint: "c3c3:c3c3".into(),
            via: "b0".repeat(32),
            via_name: "Bob".into(),
        },
    );
    let screen = text(&render(&s));
    let row = screen
        .lines()
        .find(|l| l.contains("Carol") && l.contains('●'))
        .unwrap_or_else(|| panic!("Carol in the peer list:\n{screen}"));
    assert!(row.contains("via Bob"), "{row}");
    assert!(
        screen.contains("reachable via Bob"),
        "a line says how Carol is reached:\n{screen}"
    );
    // Connected directly later: the usual entry replaces the "via".
    online(&mut s, &"c3".repeat(32), "Carol", "c3c3:c3c3");
    let screen = text(&render(&s));
    let row = screen
        .lines()
        .find(|l| l.contains("Carol") && l.contains('●'))
        .unwrap();
    assert!(!row.contains("via"), "{row}");
}

#[test]
fn the_net_report_says_why_each_peer_is_not_connected() {
    let mut s = chat(100, 40, true);
    let peer = |name: &str, status: &str, heard: Option<&str>| NetPeer {
        id: format!("{name:0<64}"),
        fingerprint: "dddd:dddd".into(),
        name: name.into(),
        status: status.into(),
        addrs: vec!["10.0.2.5:8080".into()],
        heard_from: heard.map(str::to_string),
        heard_at_ms: heard.map(|_| s.now.unix_ms - 3000),
        record_from: Some("Bob".into()),
    };
    let peers = vec![
        peer(
            "Dave",
            "refused: Connection refused (os error 111)",
            Some("10.0.2.5"),
        ),
        peer("Erin", "not heard", None),
    ];
    apply(
        &mut s,
        NetEvent::Net {
            interfaces: vec!["eth0 10.0.1.5/24 broadcast 10.0.1.255".into()],
            discovery_port: 9999,
            announce_to: vec!["10.0.1.255:9999".into()],
            listen_port: 8080,
            advertised: vec!["10.0.1.5".into()],
            peers,
        },
    );
    let screen = text(&render(&s));
    for want in [
        "discovery on UDP port 9999",
        "eth0 10.0.1.5/24 broadcast 10.0.1.255",
        "Dave (dddd:dddd): refused",
        "heard from 10.0.2.5 3 s ago",
        "Erin (dddd:dddd): not heard",
    ] {
        assert!(screen.contains(want), "{want:?} missing:\n{screen}");
    }
}
