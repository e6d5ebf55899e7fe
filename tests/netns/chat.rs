//! Several hosts in network namespaces on one private bridge: real broadcast discovery with the
//! default flags, chat, a crash, a pulled cable, a restart.
//!
//! Needs root and iproute2; without them (or with P2PCHAT_NETNS_TESTS=0) each test prints why
//! it is skipped and passes. Inside the namespaces the default
//! discovery (broadcast to every interface's broadcast address) only reaches the private bridge.

use p2pchat_testkit as common;
use p2pchat_testkit::netlab;

use common::*;
use netlab::{skip, Lab};
use std::time::{Duration, Instant};

const T: Duration = Duration::from_secs(10);

/// A peer on host `i` with the default discovery flags, its own data dir, plus `extra`.
fn opts(lab: &Lab, i: usize, name: &str, dir: &std::path::Path, extra: &[&str]) -> PeerOpts {
    PeerOpts {
        name: name.into(),
        data_dir: dir.to_path_buf(),
        args: extra.iter().map(|s| s.to_string()).collect(),
        wrapper: lab.wrapper(i),
    }
}

fn wait_all_online(peers: &mut [Peer]) {
    for i in 0..peers.len() {
        for j in 0..peers.len() {
            if i != j {
                let other = who(&peers[j]);
                online(&mut peers[i], &other);
            }
        }
    }
}

/// A peer's (name, id), so that waits on one peer can name another without borrowing it.
fn who(p: &Peer) -> (String, String) {
    (p.name.clone(), p.id.clone())
}

fn online(p: &mut Peer, other: &(String, String)) -> serde_json::Value {
    let id = other.1.clone();
    p.wait_for(&format!("peer_online {}", other.0), T, move |e| {
        e["event"] == "peer_online" && e["id"] == id.as_str()
    })
}

fn offline(p: &mut Peer, other: &(String, String)) -> serde_json::Value {
    let id = other.1.clone();
    p.wait_for(&format!("peer_offline {}", other.0), T, move |e| {
        e["event"] == "peer_offline" && e["id"] == id.as_str()
    })
}

/// Waits for a peer_online of `other` that was not seen before (a reconnection).
fn online_again(p: &mut Peer, other: &(String, String)) {
    let id = other.1.clone();
    if p.try_wait_for_new(T, move |e| {
        e["event"] == "peer_online" && e["id"] == id.as_str()
    })
    .is_none()
    {
        let name = p.name.clone();
        let seen: Vec<String> = p.events().iter().map(|v| v.to_string()).collect();
        panic!(
            "{name}: {} not online again within {T:?}; events:\n{}",
            other.0,
            seen.join("\n")
        );
    }
}

fn ms(d: Duration) -> String {
    format!("{} ms", d.as_millis())
}

#[test]
fn three_hosts_default_discovery_chat_crash_and_restart() {
    if skip("three_hosts_default_discovery_chat_crash_and_restart") {
        return;
    }
    let lab = Lab::new('t', 3).expect("network namespaces");
    let dirs: Vec<_> = (0..3).map(|_| tempfile::tempdir().unwrap()).collect();
    let names = ["Alice", "Bob", "Carol"];
    let started = Instant::now();
    let mut p: Vec<Peer> = (0..3)
        .map(|i| Peer::spawn(&opts(&lab, i + 1, names[i], dirs[i].path(), &[])))
        .collect();
    for peer in &p {
        assert_eq!(peer.port, 8080, "default TCP port inside a fresh namespace");
    }
    wait_all_online(&mut p);
    eprintln!("netns: full mesh of 3 after {}", ms(started.elapsed()));
    // Each saw the others at their hosts' addresses on the bridge.
    let carol = who(&p[2]);
    let on = online(&mut p[0], &carol);
    assert!(
        on["addr"].as_str().unwrap().starts_with("10.77.0.3:"),
        "{on}"
    );

    chat_signed_and_unsigned(&mut p, "across the bridge", T);

    // kill -9 on h3: its kernel closes the sockets, the others see "closed".
    let kill_at = Instant::now();
    p[2].kill9();
    for i in [0, 1] {
        let off = offline(&mut p[i], &carol);
        eprintln!(
            "netns: {} saw kill -9 of Carol after {} ({})",
            p[i].name,
            ms(kill_at.elapsed()),
            off["reason"]
        );
        assert_eq!(off["reason"], "closed");
    }

    // Restarted with the same data dir and name: same identity, seen online again.
    let restart_at = Instant::now();
    let new_carol = Peer::spawn(&opts(&lab, 3, "Carol", dirs[2].path(), &[]));
    assert_eq!(new_carol.id, carol.1, "identity survives a restart");
    p[2] = new_carol;
    for i in [0, 1] {
        online_again(&mut p[i], &carol);
    }
    for i in [0, 1] {
        let other = who(&p[i]);
        online(&mut p[2], &other);
    }
    eprintln!(
        "netns: restarted Carol back in the mesh after {}",
        ms(restart_at.elapsed())
    );
    p[2].send("back again");
    for i in [0, 1] {
        let m = p[i].wait_message("back again", T);
        assert_eq!(m["verified"], true);
    }

    // Each message was delivered exactly once (the restarted Carol got none: she sent the
    // only one since).
    for (i, want) in [(0, 2), (1, 2), (2, 0)] {
        let got = p[i]
            .events()
            .iter()
            .filter(|e| e["event"] == "message")
            .count();
        assert_eq!(got, want, "{} message events", p[i].name);
    }
    for peer in &mut p {
        peer.quit();
    }
}

#[test]
fn a_cut_link_times_out_and_reconnects_when_healed() {
    if skip("a_cut_link_times_out_and_reconnects_when_healed") {
        return;
    }
    let lab = Lab::new('t', 3).expect("network namespaces");
    let dirs: Vec<_> = (0..3).map(|_| tempfile::tempdir().unwrap()).collect();
    let names = ["Alice", "Bob", "Carol"];
    let fast = ["--heartbeat-ms", "500", "--peer-timeout-ms", "2000"];
    let mut p: Vec<Peer> = (0..3)
        .map(|i| Peer::spawn(&opts(&lab, i + 1, names[i], dirs[i].path(), &fast)))
        .collect();
    wait_all_online(&mut p);
    let alice = who(&p[0]);
    let bob = who(&p[1]);
    let carol = who(&p[2]);

    // Pull h2's cable: no FIN, so only the heartbeat timeout can tell.
    let cut_at = Instant::now();
    lab.cut(2);
    let off = offline(&mut p[0], &bob);
    let seen_after = cut_at.elapsed();
    eprintln!(
        "netns: Alice saw Bob's cut link after {} ({})",
        ms(seen_after),
        off["reason"]
    );
    assert_eq!(off["reason"], "timeout");
    let off = offline(&mut p[2], &bob);
    assert_eq!(off["reason"], "timeout");
    let off = offline(&mut p[1], &alice);
    eprintln!(
        "netns: Bob (cut off) dropped Alice after {} ({})",
        ms(cut_at.elapsed()),
        off["reason"]
    );

    // Heal: Alice and Bob find each other again through discovery.
    let heal_at = Instant::now();
    lab.heal(2);
    online_again(&mut p[0], &bob);
    online_again(&mut p[1], &alice);
    eprintln!(
        "netns: Alice and Bob reconnected {} after the heal",
        ms(heal_at.elapsed())
    );
    p[1].send("through the mended cable");
    p[0].wait_message("through the mended cable", T);

    // Alice and Carol were never affected.
    let carol_id = carol.1.clone();
    assert!(
        !p[0]
            .events()
            .iter()
            .any(|e| e["event"] == "peer_offline" && e["id"] == carol_id.as_str()),
        "Alice must not drop Carol while Bob's link is cut"
    );
    for peer in &mut p {
        peer.quit();
    }
}

/// Set when this test binary runs again inside a namespace as the hostile host of the test
/// below: the victim's `IP:port`.
const HOSTILE_TARGET: &str = "P2PCHAT_HOSTILE_TARGET";

/// One hostile host on the LAN: 60 fresh identities connecting once each get at most
/// NEW_IDS_PER_ADDR (30) in; of 70 silent sockets at most MAX_PENDING_PER_ADDR (8) are held,
/// the rest closed at once; and an honest host still joins meanwhile.
#[test]
fn one_hostile_host_is_held_to_its_share_of_identities_and_handshakes() {
    if let Ok(target) = std::env::var(HOSTILE_TARGET) {
        return hostile_host(target.parse().expect("IP:port"));
    }
    let test = "one_hostile_host_is_held_to_its_share_of_identities_and_handshakes";
    if skip(test) {
        return;
    }
    use std::io::BufRead;
    use std::process::{Command, Stdio};
    let lab = Lab::new('x', 3).expect("network namespaces");
    let dirs: Vec<_> = (0..2).map(|_| tempfile::tempdir().unwrap()).collect();
    let mut alice = Peer::spawn(&opts(&lab, 1, "Alice", dirs[0].path(), &[]));
    let wrapper = lab.wrapper(2);
    let mut hostile = Command::new(&wrapper[0])
        .args(&wrapper[1..])
        .arg(std::env::current_exe().unwrap())
        .args([
            "--exact",
            &full_test_name(test),
            "--nocapture",
            "--test-threads=1",
        ])
        .env(HOSTILE_TARGET, format!("{}:{}", lab.addr(1), alice.port))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("hostile host");
    let (tx, rx) = std::sync::mpsc::channel();
    let out = hostile.stdout.take().unwrap();
    std::thread::spawn(move || {
        for line in std::io::BufReader::new(out).lines().map_while(Result::ok) {
            let _ = tx.send(line);
        }
    });
    let mut seen = Vec::new();
    let mut value = |key: &str| -> usize {
        let deadline = Instant::now() + 4 * T;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            let line = rx
                .recv_timeout(left)
                .unwrap_or_else(|_| panic!("no '{key}' line from the hostile host: {seen:?}"));
            seen.push(line.clone());
            // libtest may have begun the line ("test NAME ... ").
            if let Some(at) = line.find(key) {
                return line[at + key.len()..].trim().parse().unwrap();
            }
        }
    };
    let admitted = value("admitted");
    let held = value("held");
    eprintln!(
        "netns: one hostile host: {admitted} of 60 identities in, {held} of 70 silent sockets held"
    );
    assert!(admitted <= 30, "{admitted} new identities from one address");
    assert!(held <= 8, "{held} silent sockets held");
    // While the silent sockets are held, an honest host joins.
    let mut carol = Peer::spawn(&opts(
        &lab,
        3,
        "Carol",
        dirs[1].path(),
        &["--peer", &format!("{}:{}", lab.addr(1), alice.port)],
    ));
    carol.wait_online(&alice, T);
    alice.wait_online(&carol, T);
    drop(hostile.stdin.take());
    let _ = hostile.kill();
    let _ = hostile.wait();
}

/// The name libtest knows this module's test `test` by in the one integration binary
/// (`netns::chat::NAME`), for running just it again as the hostile host.
fn full_test_name(test: &str) -> String {
    let module = module_path!();
    let path = module.split_once("::").map_or(module, |(_, rest)| rest);
    format!("{path}::{test}")
}

/// The hostile host: prints `admitted N` (fresh identities that got in) and `held N` (silent
/// sockets the victim kept open for more than a second), then waits for stdin to close.
fn hostile_host(target: std::net::SocketAddr) {
    use common::raw::handshake_at;
    use p2pchat_engine::wire::Frame;
    use std::io::Read;
    let mut admitted = 0;
    for n in 0..60u32 {
        let mut secret = [0x3cu8; 32];
        secret[..4].copy_from_slice(&n.to_be_bytes());
        let who = p2pchat_engine::identity::Identity::from_secret(secret);
        let (mut s, _) = handshake_at(target, &who, p2pchat_engine::limits::PROTOCOL_VERSION);
        if !matches!(s.read(), Some(Frame::Reject { .. }) | None) {
            admitted += 1;
        }
        let _ = s.s.shutdown(std::net::Shutdown::Both);
    }
    println!("admitted {admitted}");
    let mut socks: Vec<std::net::TcpStream> = (0..70)
        .filter_map(|_| std::net::TcpStream::connect(target).ok())
        .collect();
    // The victim closes what it refuses at accept: wait (up to 3 s, under the 5 s handshake
    // timeout that would close them all) until no more than its per-address share is open.
    let share = p2pchat_engine::limits::Limits::default().max_pending_per_addr;
    for s in socks.iter_mut() {
        s.set_nonblocking(true).unwrap();
    }
    let mut open = vec![true; socks.len()];
    let deadline = std::time::Instant::now() + Duration::from_secs(3);
    loop {
        for (s, open) in socks.iter_mut().zip(open.iter_mut()).filter(|(_, o)| **o) {
            let mut buf = [0u8; 256];
            *open = loop {
                match s.read(&mut buf) {
                    Ok(0) => break false,
                    Ok(_) => continue,
                    Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => break true,
                    Err(_) => break false,
                }
            };
        }
        let held = open.iter().filter(|o| **o).count();
        if held <= share || std::time::Instant::now() >= deadline {
            break;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let held = open.iter().filter(|o| **o).count();
    println!("held {held}");
    let _ = std::io::stdin().read_to_end(&mut Vec::new());
}
