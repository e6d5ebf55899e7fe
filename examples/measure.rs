//! Measures p2pchat-tui on a private LAN of network namespaces and prints a table:
//! discovery time, message latency, and how long a quit, a `kill -9` and a cut link take to be
//! noticed by the other peers.
//!
//!     cargo build && cargo run --example measure -- [--hosts N] [--rounds R] [--messages M]
//!                                                    [--pace-ms MS]
//!
//! Needs root and iproute2. It makes its own namespaces (`p2pm{pid}x{n}-*`, see
//! crates/testkit/src/netlab.rs) and removes them when done, also on failure; peers run with the default
//! discovery flags, which inside the namespaces reach only the private bridge. The binary is
//! `target/<profile>/p2pchat-tui` next to this example (or `$P2PCHAT_BIN`), so build it first.
//! Times are taken on one machine with one monotonic clock: each event is stamped when its line
//! arrives on the peer's stdout, and compared with the instant just before the cause (spawning
//! a process, writing a command, killing, cutting).

use p2pchat_testkit::support::*;
use p2pchat_testkit::{Peer, PeerOpts};

use p2pchat_testkit::netlab;

use netlab::Lab;
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

const T: Duration = Duration::from_secs(15);

fn main() {
    let mut hosts = 4usize;
    let mut rounds = 5usize;
    let mut messages = 30usize;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        let mut num = |what: &str| -> usize {
            args.next()
                .and_then(|v| v.parse().ok())
                .unwrap_or_else(|| die(&format!("{what} needs a number")))
        };
        match a.as_str() {
            "--hosts" => hosts = num("--hosts").max(3),
            "--rounds" => rounds = num("--rounds").max(1),
            "--messages" => messages = num("--messages").max(1),
            "--pace-ms" => PACE_MS.store(num("--pace-ms") as u64, Ordering::Relaxed),
            _ => die("usage: measure [--hosts N] [--rounds R] [--messages M] [--pace-ms MS]"),
        }
    }
    if let Some(why) = netlab::unavailable() {
        die(&format!("cannot measure: {why}"));
    }
    let bin = binary();
    println!(
        "p2pchat-tui measurements: {} ({}), {hosts} hosts on a private bridge, {rounds} rounds, \
         {messages} messages",
        bin.display(),
        if bin.components().any(|c| c.as_os_str() == "release") {
            "release build"
        } else {
            "debug build"
        }
    );
    let mut table = Table::default();
    discovery(hosts, rounds, &mut table);
    latency(hosts, messages, &mut table);
    for (label, flags) in [
        ("defaults 1000/5000 ms", &[][..]),
        (
            "heartbeat 500 / timeout 2000 ms",
            &["--heartbeat-ms", "500", "--peer-timeout-ms", "2000"][..],
        ),
    ] {
        departures(rounds, label, flags, &mut table);
    }
    table.print();
}

/// One headless peer on `host` of the lab, started and ready (the testkit's harness: every
/// event is stamped on arrival).
fn spawn(lab: &Lab, host: usize, name: &str, dir: &Path, flags: &[&str]) -> Peer {
    Peer::spawn(&PeerOpts {
        name: name.into(),
        data_dir: dir.to_path_buf(),
        args: flags.iter().map(|f| f.to_string()).collect(),
        wrapper: lab.wrapper(host),
    })
}

#[derive(Default)]
struct Table {
    rows: Vec<(String, Vec<Duration>, String)>,
}

impl Table {
    fn add(&mut self, metric: &str, samples: Vec<Duration>, note: String) {
        self.rows.push((metric.to_string(), samples, note));
    }

    fn print(&self) {
        println!();
        println!(
            "{:<66} {:>4} {:>8} {:>8} {:>8} {:>8}  note",
            "metric (ms)", "n", "min", "median", "p95", "max"
        );
        for (metric, s, note) in &self.rows {
            let mut v: Vec<f64> = s.iter().map(|d| d.as_secs_f64() * 1000.0).collect();
            v.sort_by(|a, b| a.partial_cmp(b).unwrap());
            let (min, med, p95, max) = if v.is_empty() {
                (f64::NAN, f64::NAN, f64::NAN, f64::NAN)
            } else {
                let p95 = v[((v.len() - 1) as f64 * 0.95).round() as usize];
                (v[0], v[v.len() / 2], p95, v[v.len() - 1])
            };
            println!(
                "{metric:<66} {:>4} {min:>8.1} {med:>8.1} {p95:>8.1} {max:>8.1}  {note}",
                v.len()
            );
        }
    }
}

/// A node answers newcomers' announcements at most once per announce_reply_gap (200 ms) and
/// dials one address at most once per redial_gap (1 s); what either suppresses waits for the
/// next periodic announcement (2 s). So each start, restart or cut waits this long after the
/// mesh last settled (`--pace-ms`), to measure an isolated event; the simultaneous start is
/// measured separately.
static PACE_MS: AtomicU64 = AtomicU64::new(1200);

fn pace() -> Duration {
    Duration::from_millis(PACE_MS.load(Ordering::Relaxed))
}

/// Sleeps until `pace()` after `settled`.
fn wait_pace(settled: Instant) {
    let due = settled + pace();
    let now = Instant::now();
    if now < due {
        std::thread::sleep(due - now);
    }
}

/// Peers started one after another; how long until every earlier peer lists the newcomer.
/// Then all peers started at once; how long until the mesh is complete.
fn discovery(hosts: usize, rounds: usize, table: &mut Table) {
    let (mut ready, mut listed, mut after_ready) = (Vec::new(), Vec::new(), Vec::new());
    let mut together = Vec::new();
    for _ in 0..rounds {
        let lab = Lab::new('m', hosts).expect("namespaces");
        let dirs: Vec<_> = (0..hosts).map(|_| tempfile::tempdir().unwrap()).collect();
        let mut peers: Vec<Peer> = Vec::new();
        let mut settled = Instant::now() - pace();
        for h in 1..=hosts {
            wait_pace(settled);
            let t0 = Instant::now();
            let p = spawn(&lab, h, &format!("P{h}"), dirs[h - 1].path(), &[]);
            let t_ready = p.ready_at.expect("ready");
            let id = p.id.clone();
            let all_listed = peers
                .iter_mut()
                .map(|q| q.online_since(t0, &id, T))
                .max()
                .unwrap_or(t_ready);
            peers.push(p);
            if h > 1 {
                ready.push(t_ready - t0);
                listed.push(all_listed - t0);
                after_ready.push(all_listed.saturating_duration_since(t_ready));
            }
            settled = Instant::now();
        }
        drop(peers);
        drop(lab);

        let lab = Lab::new('m', hosts).expect("namespaces");
        let dirs: Vec<_> = (0..hosts).map(|_| tempfile::tempdir().unwrap()).collect();
        let t0 = Instant::now();
        let mut peers: Vec<Peer> = (1..=hosts)
            .map(|h| spawn(&lab, h, &format!("P{h}"), dirs[h - 1].path(), &[]))
            .collect();
        together.push(mesh(&mut peers, t0) - t0);
    }
    table.add(
        "discovery: spawn -> ready (process start, identity load)",
        ready,
        String::new(),
    );
    table.add(
        "discovery: spawn -> every running peer lists it",
        listed,
        format!("start {} ms after the last settled", pace().as_millis()),
    );
    table.add(
        "discovery: ready -> every running peer lists it",
        after_ready,
        String::new(),
    );
    table.add(
        &format!("discovery: {hosts} started at once -> full mesh"),
        together,
        "one sample per round".into(),
    );
}

/// Waits until every peer lists every other (events since `since`); returns when.
fn mesh(peers: &mut [Peer], since: Instant) -> Instant {
    let ids: Vec<String> = peers.iter().map(|p| p.id.clone()).collect();
    let mut last = since;
    for (i, p) in peers.iter_mut().enumerate() {
        for (j, id) in ids.iter().enumerate() {
            if i != j {
                last = last.max(p.online_since(since, id, T));
            }
        }
    }
    last
}

/// A full mesh; messages sent round-robin, each waited for at every receiver before the next.
fn latency(hosts: usize, messages: usize, table: &mut Table) {
    let lab = Lab::new('m', hosts).expect("namespaces");
    let dirs: Vec<_> = (0..hosts).map(|_| tempfile::tempdir().unwrap()).collect();
    let t0 = Instant::now();
    let mut peers: Vec<Peer> = (1..=hosts)
        .map(|h| spawn(&lab, h, &format!("P{h}"), dirs[h - 1].path(), &[]))
        .collect();
    mesh(&mut peers, t0);
    let (mut signed, mut unsigned, mut sent) = (Vec::new(), Vec::new(), Vec::new());
    for k in 0..messages {
        let s = k % hosts;
        let is_signed = k % 2 == 0;
        let body = format!("latency probe {k}");
        let t0 = Instant::now();
        if is_signed {
            peers[s].send(&body);
        } else {
            peers[s].send(&format!("/unsigned {body}"));
        }
        let (t_sent, _) = peers[s].wait_since(t0, "sent", T, |e| e["event"] == "sent");
        sent.push(t_sent - t0);
        for (r, p) in peers.iter_mut().enumerate() {
            if r == s {
                continue;
            }
            let (t, m) = p.wait_since(t0, &format!("message {k}"), T, |e| {
                e["event"] == "message" && e["body"] == body.as_str()
            });
            assert_eq!(m["signed"], is_signed);
            assert_eq!(m["verified"], is_signed);
            if is_signed {
                signed.push(t - t0);
            } else {
                unsigned.push(t - t0);
            }
        }
    }
    table.add(
        "message: command written -> sender's 'sent' event",
        sent,
        String::new(),
    );
    table.add(
        "message latency, signed: send -> receiver's event",
        signed,
        "verified at every receiver".into(),
    );
    table.add(
        "message latency, /unsigned: send -> receiver's event",
        unsigned,
        String::new(),
    );
}

/// Three hosts; h3's peer leaves (quit, kill -9, cut link) and comes back, `rounds` times each.
fn departures(rounds: usize, label: &str, flags: &[&str], table: &mut Table) {
    let lab = Lab::new('m', 3).expect("namespaces");
    let dirs: Vec<_> = (0..3).map(|_| tempfile::tempdir().unwrap()).collect();
    let t0 = Instant::now();
    let mut peers: Vec<Peer> = (1..=3)
        .map(|h| spawn(&lab, h, &format!("P{h}"), dirs[h - 1].path(), flags))
        .collect();
    let mut settled = mesh(&mut peers, t0);
    let ids: Vec<String> = peers.iter().map(|p| p.id.clone()).collect();
    let victim = ids[2].clone();
    for how in ["quit", "kill -9", "cut link"] {
        let mut noticed = Vec::new();
        let mut back = Vec::new();
        let mut reasons: Vec<String> = Vec::new();
        for _ in 0..rounds {
            wait_pace(settled);
            let t0 = Instant::now();
            match how {
                "quit" => peers[2].send("/quit"),
                "kill -9" => peers[2].kill9(),
                _ => lab.cut(3),
            }
            for p in &mut peers[..2] {
                let (t, off) = p.offline_since(t0, &victim, T);
                noticed.push(t - t0);
                let r = off["reason"].as_str().unwrap_or("?").to_string();
                if !reasons.contains(&r) {
                    reasons.push(r);
                }
            }
            // Bring h3 back and wait for the mesh.
            if how != "cut link" {
                peers[2].reap(); // the old process is gone before the new one starts
            }
            let t1 = Instant::now();
            match how {
                "quit" | "kill -9" => {
                    peers[2] = spawn(&lab, 3, "P3", dirs[2].path(), flags);
                    assert_eq!(peers[2].id, victim, "same identity after restart");
                }
                _ => lab.heal(3),
            }
            let last = peers[..2]
                .iter_mut()
                .map(|p| p.online_since(t1, &victim, T))
                .max()
                .unwrap();
            for id in &ids[..2] {
                peers[2].online_since(t1, id, T);
            }
            back.push(last - t1);
            settled = Instant::now();
        }
        table.add(
            &format!("drop detected after {how} [{label}]"),
            noticed,
            format!("reason: {}", reasons.join(", ")),
        );
        let what = if how == "cut link" {
            "heal -> both others list it again"
        } else {
            "restart -> both others list it again"
        };
        table.add(
            &format!("  {what}"),
            back,
            if how == "cut link" {
                "waits for a periodic announcement (2 s)".into()
            } else {
                format!("{} ms after the last settled", pace().as_millis())
            },
        );
    }
}
