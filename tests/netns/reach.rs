//! Reach beyond one broadcast domain, in network namespaces this test makes and removes: two
//! subnets joined by a router (broadcast does not cross it), one `--peer` seed; a firewall
//! rule in the router that drops A<->C TCP, so A and C talk through B; an IPv6-only LAN; a
//! restart that rejoins from the address book; `--interface` on a host with a leg in each
//! subnet.
//!
//! Needs root, iproute2 and (for the firewall test) nft and tcpdump; without them each test
//! prints why it is skipped and passes. IPv6 multicast discovery (on by default without
//! `--broadcast`) runs only inside these namespaces.

use p2pchat_testkit as common;
use p2pchat_testkit::netlab::skip;
use p2pchat_testkit::routed::{Lan6, RoutedLab};

use common::*;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const T: Duration = Duration::from_secs(15);
const DISCOVERY_PORT: &str = "47400";

fn opts(wrapper: Vec<String>, name: &str, dir: &std::path::Path, extra: &[String]) -> PeerOpts {
    let mut args = vec!["--discovery-port".to_string(), DISCOVERY_PORT.to_string()];
    args.extend(extra.iter().cloned());
    PeerOpts {
        name: name.into(),
        data_dir: dir.to_path_buf(),
        args,
        wrapper,
    }
}

fn dir(root: &tempfile::TempDir, name: &str) -> std::path::PathBuf {
    let d = root.path().join(name);
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn missing_tool(test: &str, tool: &str) -> bool {
    let ok = Command::new(tool)
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok();
    !ok && prereq::missing(test, &format!("needs {tool}"))
}

/// Waits until every peer lists every other; returns when the last one did.
fn wait_mesh(peers: &mut [Peer]) -> Instant {
    let ids: Vec<(String, String)> = peers
        .iter()
        .map(|p| (p.name.clone(), p.id.clone()))
        .collect();
    let mut last = Instant::now() - Duration::from_secs(3600);
    for (i, p) in peers.iter_mut().enumerate() {
        for (j, (name, id)) in ids.iter().enumerate() {
            if i != j {
                let started = p.started;
                let at = p.online_since(started, id, T);
                let _ = name;
                last = last.max(at);
            }
        }
    }
    last
}

#[test]
fn two_subnets_and_one_seed_all_six_list_each_other() {
    let test = "two_subnets_and_one_seed_all_six_list_each_other";
    if skip(test) {
        return;
    }
    let lab = RoutedLab::new('t', [3, 3]).expect("lab");
    let root = tempfile::tempdir().unwrap();
    let mut peers = Vec::new();
    for (s, i, name) in [
        (0, 1, "a1"),
        (0, 2, "a2"),
        (0, 3, "a3"),
        (1, 1, "b1"),
        (1, 2, "b2"),
    ] {
        peers.push(Peer::spawn(&opts(
            lab.wrapper(s, i),
            name,
            &dir(&root, name),
            &[],
        )));
    }
    let seed = format!("{}:{}", lab.addr(0, 1), peers[0].port);
    let b3 = Peer::spawn(&opts(
        lab.wrapper(1, 3),
        "b3",
        &dir(&root, "b3"),
        &["--peer".into(), seed],
    ));
    let start = b3.ready_at.expect("ready");
    peers.push(b3);
    let last = wait_mesh(&mut peers);
    let took = last.saturating_duration_since(start);
    println!(
        "reach: all six list each other {} ms after the seeded peer's start",
        took.as_millis()
    );
    // a2 never heard b3's broadcast (another subnet): peer exchange brought them together.
    peers[1].send("/net");
    let net = peers[1].wait_for("net", T, |e| e["event"] == "net");
    let b3_id = peers[5].id.clone();
    let entry = net["peers"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["id"] == b3_id.as_str())
        .cloned()
        .unwrap_or_else(|| panic!("b3 in a2's report: {net}"));
    assert!(entry["heard_from"].is_null(), "{entry}");
    assert_eq!(entry["status"], "connected");
}

#[test]
fn a_firewall_between_a_and_c_is_bridged_by_b_and_the_private_message_stays_sealed() {
    let test = "a_firewall_between_a_and_c_is_bridged_by_b_and_the_private_message_stays_sealed";
    if skip(test) || missing_tool(test, "nft") || missing_tool(test, "tcpdump") {
        return;
    }
    let lab = RoutedLab::new('t', [2, 1]).expect("lab");
    // A is a1, B is a2 (same subnet), C is b1 (behind the router, which drops A<->C TCP).
    lab.drop_tcp_between(&lab.addr(0, 1), &lab.addr(1, 1))
        .expect("nft rule");
    let root = tempfile::tempdir().unwrap();
    let b_dir = dir(&root, "b");
    let mut a = Peer::spawn(&opts(lab.wrapper(0, 1), "Alice", &dir(&root, "a"), &[]));
    let mut b = Peer::spawn(&opts(lab.wrapper(0, 2), "Bob", &b_dir, &[]));
    a.wait_online(&b, T);
    let seed = format!("{}:{}", lab.addr(0, 2), b.port);
    let mut c = Peer::spawn(&opts(
        lab.wrapper(1, 1),
        "Carol",
        &dir(&root, "c"),
        &["--peer".into(), seed],
    ));
    c.wait_online(&b, T);
    let (a_id, c_id) = (a.id.clone(), c.id.clone());
    // Direct dials are dropped (they time out); then each asks Bob to relay.
    let via = c.wait_for("peer_via Alice", Duration::from_secs(30), move |e| {
        e["event"] == "peer_via" && e["id"] == a_id.as_str()
    });
    assert_eq!(via["via_name"], "Bob");
    a.wait_for("peer_via Carol", Duration::from_secs(30), move |e| {
        e["event"] == "peer_via" && e["id"] == c_id.as_str()
    });
    // Relay latency: Alice's message to Carol's screen, through Bob.
    let mut lat = Vec::new();
    let mut direct = Vec::new();
    for k in 0..20 {
        let body = format!("through bob {k}");
        let sent = Instant::now();
        a.send(&body);
        let b2 = body.clone();
        let (at, _) = c.wait_since(sent, "relayed message", T, move |e| {
            e["event"] == "message" && e["body"] == b2.as_str()
        });
        lat.push(at.saturating_duration_since(sent));
        // The same message reached Bob directly: the baseline one hop less.
        let b3 = body.clone();
        let (at_b, _) = b.wait_since(sent, "direct message", T, move |e| {
            e["event"] == "message" && e["body"] == b3.as_str()
        });
        direct.push(at_b.saturating_duration_since(sent));
    }
    direct.sort();
    println!(
        "reach: direct (A to B) latency over 20: median {} us, max {} us",
        direct[10].as_micros(),
        direct[19].as_micros()
    );
    let in_order: Vec<u128> = lat.iter().map(|d| d.as_micros()).collect();
    lat.sort();
    println!(
        "reach: relayed message latency over 20: median {} us, max {} us (in order: {in_order:?})",
        lat[10].as_micros(),
        lat[19].as_micros()
    );
    // The private message, with a capture of Bob's link running.
    let pcap = root.path().join("b.pcap");
    let mut dump = Command::new("ip")
        .args([
            "netns",
            "exec",
            &lab.ns(0, 2),
            "tcpdump",
            "-i",
            "eth0",
            "--immediate-mode",
            "-U",
            "-n",
            "-w",
        ])
        .arg(&pcap)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("tcpdump");
    // tcpdump says "listening on" once it captures.
    let mut err = std::io::BufReader::new(dump.stderr.take().unwrap());
    let mut line = String::new();
    std::io::BufRead::read_line(&mut err, &mut line).unwrap();
    assert!(line.contains("listening"), "tcpdump: {line}");
    let secret = "the vault code is 8 1 5 4";
    a.send(&format!("/dm {} {secret}", c.id));
    c.wait_for("the private message", T, move |e| {
        e["event"] == "direct_message" && e["body"] == secret
    });
    a.wait_for("delivered", T, |e| e["event"] == "delivered");
    b.send("/status");
    b.wait_for("status", T, |e| e["event"] == "status");
    // SIGINT: tcpdump writes out what it has and exits.
    let _ = Command::new("kill")
        .args(["-INT", &dump.id().to_string()])
        .status();
    let _ = dump.wait();
    let mut rest = String::new();
    let _ = std::io::Read::read_to_string(&mut err, &mut rest);
    let captured = std::fs::read(&pcap).unwrap();
    assert!(captured.len() > 24, "the capture has packets: {rest}");
    let has = |bytes: &[u8]| bytes.windows(secret.len()).any(|w| w == secret.as_bytes());
    assert!(!has(&captured), "the text is in the capture of Bob's link");
    for f in ["history.db", "history.db-wal", "p2pchat.log"] {
        if let Ok(bytes) = std::fs::read(b_dir.join(f)) {
            assert!(!has(&bytes), "the text is in Bob's {f}");
        }
    }
    assert!(!b.events().iter().any(|e| e["event"] == "direct_message"));
}

#[test]
fn an_ipv6_only_lan_finds_peers_and_chats_with_no_flags() {
    let test = "an_ipv6_only_lan_finds_peers_and_chats_with_no_flags";
    if skip(test) {
        return;
    }
    let lab = Lan6::new('t', 3).expect("lab");
    let deadline = Instant::now() + Duration::from_secs(10);
    while !lab.addresses_ready() {
        assert!(Instant::now() < deadline, "no link-local addresses");
        std::thread::sleep(Duration::from_millis(50));
    }
    let root = tempfile::tempdir().unwrap();
    let mut peers: Vec<Peer> = (1..=3)
        .map(|i| {
            let name = format!("v6peer{i}");
            Peer::spawn(&opts(lab.wrapper(i), &name, &dir(&root, &name), &[]))
        })
        .collect();
    let start = peers.iter().filter_map(|p| p.ready_at).max().unwrap();
    let last = wait_mesh(&mut peers);
    println!(
        "reach: IPv6-only, 3 peers meshed {} ms after the last start",
        last.saturating_duration_since(start).as_millis()
    );
    let online = peers[0].wait_for("online", T, |e| e["event"] == "peer_online");
    assert!(
        online["addr"].as_str().unwrap().contains("fe80::"),
        "{online}"
    );
    peers[0].send("hello over ipv6");
    peers[2].wait_message("hello over ipv6", T);
    peers[1].wait_message("hello over ipv6", T);
}

#[test]
fn a_restart_in_the_routed_lab_rejoins_from_the_address_book() {
    let test = "a_restart_in_the_routed_lab_rejoins_from_the_address_book";
    if skip(test) {
        return;
    }
    let lab = RoutedLab::new('t', [1, 1]).expect("lab");
    let root = tempfile::tempdir().unwrap();
    let b_dir = dir(&root, "b");
    let mut a = Peer::spawn(&opts(lab.wrapper(0, 1), "Alice", &dir(&root, "a"), &[]));
    let seed = format!("{}:{}", lab.addr(0, 1), a.port);
    let mut b = Peer::spawn(&opts(
        lab.wrapper(1, 1),
        "Bob",
        &b_dir,
        &["--peer".into(), seed],
    ));
    b.wait_online(&a, T);
    b.quit();
    a.wait_offline(&b, T);
    let mut b = Peer::spawn(&opts(lab.wrapper(1, 1), "Bob", &b_dir, &[]));
    let start = b.ready_at.unwrap();
    b.wait_online(&a, T);
    let at = b.online_since(start, &a.id, T);
    println!(
        "reach: restarted without --peer, back with Alice {} ms after start",
        at.saturating_duration_since(start).as_millis()
    );
    b.send("back via the book");
    a.wait_message("back via the book", T);
}

#[test]
fn an_interface_flag_keeps_a_host_with_two_legs_to_one_subnet() {
    let test = "an_interface_flag_keeps_a_host_with_two_legs_to_one_subnet";
    if skip(test) {
        return;
    }
    let lab = RoutedLab::new('t', [1, 2]).expect("lab");
    let root = tempfile::tempdir().unwrap();
    // The router has a leg in each subnet; with `--interface` on subnet a's leg it must
    // neither announce to nor hear announcements from subnet b.
    let router = vec!["ip".into(), "netns".into(), "exec".into(), lab.router()];
    let leg_a = lab.bridge(0);
    let mut r = Peer::spawn(&opts(
        router,
        "Router",
        &dir(&root, "r"),
        &["--interface".into(), leg_a.clone()],
    ));
    let mut a1 = Peer::spawn(&opts(lab.wrapper(0, 1), "a1", &dir(&root, "a1"), &[]));
    let mut b1 = Peer::spawn(&opts(lab.wrapper(1, 1), "b1", &dir(&root, "b1"), &[]));
    let mut b2 = Peer::spawn(&opts(lab.wrapper(1, 2), "b2", &dir(&root, "b2"), &[]));
    a1.wait_online(&r, T);
    // b1 and b2 found each other by the broadcasts the router's leg in b also received:
    // had the router heard them, it would have dialled them by now (the higher id of a pair
    // waits 500 ms), so a short margin after that settles it.
    b1.wait_online(&b2, T);
    let margin = Instant::now() + Duration::from_millis(1500);
    while Instant::now() < margin {
        r.send("/net");
        let net = r.wait_for("net", T, |e| e["event"] == "net");
        let known: Vec<String> = net["peers"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["id"].as_str().unwrap_or_default().to_string())
            .collect();
        assert!(
            !known.contains(&b1.id) && !known.contains(&b2.id),
            "the router learnt a peer of subnet b: {net}"
        );
        let lines = net.to_string();
        assert!(lines.contains(&leg_a), "{net}");
        // The leg was added without `brd`: announcements still go to the subnet's broadcast.
        assert!(lines.contains("10.78.1.255:"), "{net}");
        assert!(
            !lines.contains(&lab.bridge(1)),
            "subnet b's leg listed: {net}"
        );
        std::thread::sleep(Duration::from_millis(300));
    }
    for b in [&mut b1, &mut b2] {
        assert!(
            !b.events()
                .iter()
                .any(|e| e["event"] == "peer_online" && e["id"] == r.id.as_str()),
            "a peer of subnet b saw the router"
        );
    }
}
