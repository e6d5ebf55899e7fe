//! Simulator tests of peer exchange and the address book: peers in two broadcast domains
//! joined by a router find each other from one `--peer` seed; forged, stale and flooding
//! records are refused and the tables stay bounded; a restarted peer rejoins from its book.

use p2pchat_engine::api::{NetCommand, NetEvent, NetPeer};
use p2pchat_engine::identity::Identity;
use p2pchat_engine::limits::{MAX_PEX_PER_FRAME, MAX_PEX_RECORDS, PROTOCOL_VERSION};
use p2pchat_engine::node::Input;
use p2pchat_engine::pex::PeerRecord;
use p2pchat_engine::sim::Sim;
use p2pchat_engine::wire::{encode_frame, Domain, Frame, SignedPayload};
use std::net::IpAddr;
use std::time::Duration;

/// Two subnets of three; node 5 (second subnet) is started with `--peer` at node 0.
pub fn two_subnets(sim: &mut Sim) {
    for (i, name) in ["a1", "a2", "a3"].iter().enumerate() {
        sim.add(name, 10 + i as u8, vec![]);
    }
    sim.next_domain = 1;
    sim.add("b1", 20, vec![]);
    sim.add("b2", 21, vec![]);
    sim.run_for(Duration::from_secs(3));
    assert_eq!(sim.nodes[0].node.peer_count(), 2, "subnet a meshed alone");
    assert_eq!(sim.nodes[3].node.peer_count(), 1, "subnet b meshed alone");
    let seed = sim.addr_of(0);
    sim.add("b3", 22, vec![seed]);
}

fn net(sim: &mut Sim, i: usize) -> Vec<NetPeer> {
    sim.input(i, Input::Command(NetCommand::Net));
    sim.events(i)
        .filter_map(|e| match e {
            NetEvent::Net { peers, .. } => Some(peers.clone()),
            _ => None,
        })
        .last()
        .expect("a net report")
}

fn rejections(sim: &Sim, i: usize, what: &str) -> usize {
    sim.events(i)
        .filter(|e| matches!(e, NetEvent::Rejected { reason, .. } if reason.contains(what)))
        .count()
}

fn record_by(key: &Identity, addrs: Vec<IpAddr>, port: u16, ts: i64) -> SignedPayload {
    let r = PeerRecord {
        id: key.id(),
        name: "stranger".into(),
        version: PROTOCOL_VERSION,
        addrs,
        port,
        ts,
    };
    SignedPayload::sign(key.signing_key(), Domain::Peer, &r)
}

fn peers_frame(records: Vec<SignedPayload>) -> bytes::Bytes {
    encode_frame(&Frame::Peers { records }, 64 * 1024).unwrap()
}

#[test]
fn one_seed_across_a_router_meshes_both_subnets_within_two_seconds() {
    let mut sim = Sim::new();
    two_subnets(&mut sim);
    let took = sim
        .run_until(Duration::from_secs(10), |s| s.fully_meshed())
        .expect("all six list each other");
    assert!(took < Duration::from_secs(2), "took {took:?}");
    // Nobody heard the other subnet's broadcasts: the routes came from peer exchange.
    let report = net(&mut sim, 1);
    let b3 = report
        .iter()
        .find(|p| p.name == "b3")
        .expect("b3 in a2's report");
    assert_eq!(b3.status, "connected");
    assert!(b3.heard_from.is_none(), "a2 never heard b3's broadcast");
}

#[test]
fn a_restarted_peer_rejoins_from_its_address_book_without_a_seed() {
    let mut sim = Sim::new();
    two_subnets(&mut sim);
    sim.run_until(Duration::from_secs(10), |s| s.fully_meshed())
        .expect("meshed");
    assert!(
        !sim.nodes[5].book.is_empty(),
        "addresses that worked are kept"
    );
    sim.crash(5);
    sim.run_for(Duration::from_secs(1));
    // Restart without --peer: only the book (and its own subnet's broadcast) to go on.
    sim.restart(5, Identity::from_secret([22; 32]));
    let took = sim
        .run_until(Duration::from_secs(10), |s| {
            s.nodes[5].node.peer_count() == 5
        })
        .expect("rejoined every peer");
    assert!(took < Duration::from_secs(3), "took {took:?}");
}

#[test]
fn forged_stale_and_future_records_are_refused_and_never_dialed() {
    let mut sim = Sim::new();
    sim.add("a", 1, vec![]);
    sim.add("b", 2, vec![]);
    sim.run_until(Duration::from_secs(5), |s| s.fully_meshed())
        .expect("meshed");
    let conn = sim.conn_between(0, 1).expect("connected");
    let now = sim.unix_ms();
    let victim = Identity::from_secret([3; 32]);
    let liar = Identity::from_secret([4; 32]);
    let there: IpAddr = "10.9.9.9".parse().unwrap();
    // A record about the victim, signed by someone else.
    let mut forged = record_by(&victim, vec![there], 8080, now);
    forged.sig = record_by(&liar, vec![there], 8080, now).sig;
    let stale = record_by(&victim, vec![there], 8080, now - 11 * 60 * 1000);
    let ahead = record_by(&victim, vec![there], 8080, now + 6 * 60 * 1000);
    let bytes = peers_frame(vec![forged, stale, ahead]);
    // Node 1's connection to node 0, seen from node 0: the frame comes from b.
    sim.input(0, Input::Frame { conn, bytes });
    sim.run_for(Duration::from_secs(1));
    assert_eq!(rejections(&sim, 0, "bad signature"), 1);
    assert_eq!(rejections(&sim, 0, "stale"), 1);
    assert_eq!(rejections(&sim, 0, "in the future"), 1);
    let report = net(&mut sim, 0);
    assert!(
        report.iter().all(|p| p.id != victim.id().to_hex()),
        "no refused record is kept: {report:?}"
    );
}

#[test]
fn a_record_naming_a_connected_peers_address_does_not_replace_its_connection() {
    let mut sim = Sim::new();
    sim.add("a", 1, vec![]);
    sim.add("b", 2, vec![]);
    sim.add("c", 3, vec![]);
    sim.run_until(Duration::from_secs(5), |s| s.fully_meshed())
        .expect("meshed");
    let to_c = sim.conn_between(0, 2).expect("a-c");
    let from_b = sim.conn_between(0, 1).expect("a-b");
    // A genuine, signed record of a newcomer that claims to listen where c listens.
    let ghost = Identity::from_secret([99; 32]);
    let c_addr = sim.addr_of(2);
    let rec = record_by(&ghost, vec![c_addr.ip()], c_addr.port(), sim.unix_ms());
    for _ in 0..5 {
        sim.input(
            0,
            Input::Frame {
                conn: from_b,
                bytes: peers_frame(vec![rec.clone()]),
            },
        );
        sim.run_for(Duration::from_millis(500));
    }
    sim.run_for(Duration::from_secs(2));
    assert_eq!(
        sim.conn_between(0, 2),
        Some(to_c),
        "c's connection was replaced"
    );
}

#[test]
fn a_record_flood_is_rate_limited_and_the_table_stays_bounded() {
    let mut sim = Sim::new();
    sim.add("a", 1, vec![]);
    sim.add("b", 2, vec![]);
    sim.run_until(Duration::from_secs(5), |s| s.fully_meshed())
        .expect("meshed");
    let conn = sim.conn_between(0, 1).expect("connected");
    let there: IpAddr = "10.9.9.9".parse().unwrap();
    let oversized: Vec<SignedPayload> = (0..=MAX_PEX_PER_FRAME)
        .map(|k| {
            record_by(
                &Identity::from_secret([k as u8; 32]),
                vec![there],
                1,
                sim.unix_ms(),
            )
        })
        .collect();
    sim.input(
        0,
        Input::Frame {
            conn,
            bytes: peers_frame(oversized),
        },
    );
    assert_eq!(rejections(&sim, 0, "at most 64 are allowed"), 1);
    // 40 frames of 64 fresh, validly signed records each, as fast as possible.
    let mut n = 0u32;
    for _ in 0..40 {
        let records: Vec<SignedPayload> = (0..MAX_PEX_PER_FRAME)
            .map(|_| {
                n += 1;
                let mut secret = [7u8; 32];
                secret[..4].copy_from_slice(&n.to_be_bytes());
                record_by(
                    &Identity::from_secret(secret),
                    vec![there],
                    1,
                    sim.unix_ms(),
                )
            })
            .collect();
        sim.input(
            0,
            Input::Frame {
                conn,
                bytes: peers_frame(records),
            },
        );
        sim.run_for(Duration::from_millis(10));
    }
    assert!(rejections(&sim, 0, "over the rate limit") > 0);
    let report = net(&mut sim, 0);
    assert!(
        report.len() <= MAX_PEX_RECORDS + 2,
        "{} peers",
        report.len()
    );
    assert!(report.len() < 2560, "the rate limit let most through");
    // The real peer is still fine.
    assert_eq!(sim.nodes[0].node.peer_count(), 1);
}

#[test]
fn two_peers_restarting_together_from_their_books_open_one_connection() {
    let mut sim = Sim::new();
    sim.add("a", 10, vec![]);
    sim.next_domain = 1;
    sim.add("b", 20, vec![]);
    let seed = sim.addr_of(0);
    sim.input(1, Input::Command(NetCommand::Connect { addr: seed }));
    sim.run_until(Duration::from_secs(5), |s| s.fully_meshed())
        .expect("connected by the seed");
    assert!(!sim.nodes[0].book.is_empty() && !sim.nodes[1].book.is_empty());
    sim.crash(0);
    sim.crash(1);
    sim.run_for(Duration::from_secs(1));
    // Both start at once, each with the other in its book: without a rule for who dials,
    // both dial, both connections come up, and the tie-break drops one (an offline/online
    // flap, and frames sent on the loser are lost until sync).
    // A link slow enough for both handshakes to be in flight at once.
    sim.latency = Duration::from_millis(20);
    sim.restart(0, Identity::from_secret([10; 32]));
    sim.restart(1, Identity::from_secret([20; 32]));
    sim.run_until(Duration::from_secs(10), |s| s.fully_meshed())
        .expect("back together from the books");
    sim.run_for(Duration::from_secs(3));
    for i in 0..2 {
        let flaps = sim
            .events(i)
            .filter(|e| matches!(e, NetEvent::PeerOffline { .. }))
            .count();
        assert_eq!(
            flaps, 0,
            "node {i} saw its peer go offline after the restart"
        );
    }
}
