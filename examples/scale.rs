//! Scale on one machine (loopback only): many headless peers, and a table of
//! - discovery: a newcomer's spawn -> every running peer lists it (p50/p95 over many joins),
//! - N peers started at once -> full mesh (every peer lists every other),
//! - one broadcast's delivery time to all N-1 others,
//! - memory per peer (VmRSS from /proc/PID/status) and idle CPU per peer (utime+stime from
//!   /proc/PID/stat over an idle window).
//!
//! ```text
//! cargo build --release && cargo run --release --example scale -- [--sizes 30,50] [--joins 20] [--idle-secs 10]
//! ```
//!
//! Every peer runs with `--broadcast 127.255.255.255 --discovery-port <free port> --port 0
//! --data-dir <tmp>`: nothing leaves the machine. The binary is target/<profile>/p2pchat-tui
//! next to this example (or `$P2PCHAT_BIN`). Loops are bounded; every wait has a timeout.

use p2pchat_testkit::support::*;
use p2pchat_testkit::{free_udp_port, Peer, PeerOpts};

use std::path::Path;
use std::time::{Duration, Instant};

const T: Duration = Duration::from_secs(30);

fn main() {
    let mut sizes = vec![30usize, 50];
    let mut joins = 20usize;
    let mut idle_secs = 10u64;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        let v = args.next().unwrap_or_else(|| die("flag needs a value"));
        match a.as_str() {
            "--sizes" => sizes = v.split(',').filter_map(|s| s.parse().ok()).collect(),
            "--joins" => joins = v.parse().unwrap_or_else(|_| die("--joins N")),
            "--idle-secs" => idle_secs = v.parse().unwrap_or_else(|_| die("--idle-secs S")),
            _ => die("usage: scale [--sizes 30,50] [--joins 20] [--idle-secs 10]"),
        }
    }
    let bin = binary();
    println!(
        "p2pchat-tui scale on loopback: {} ({}), {} cores",
        bin.display(),
        if bin.components().any(|c| c.as_os_str() == "release") {
            "release build"
        } else {
            "debug build"
        },
        std::thread::available_parallelism().map_or(0, |n| n.get())
    );
    let mut rows: Vec<Row> = Vec::new();
    if joins > 0 {
        discovery(joins, &mut rows);
    }
    for n in sizes {
        at_once(n, idle_secs, &mut rows);
    }
    print_rows(&rows);
}

/// One headless peer on loopback, started but not yet ready (the testkit's harness: every
/// event is stamped on arrival).
fn start(name: &str, dir: &Path, discovery: u16) -> Peer {
    Peer::start(
        &PeerOpts::loopback(name, dir, discovery)
            .arg("--log-level")
            .arg("warn"),
    )
}

enum Row {
    Times(String, Vec<Duration>, String),
    Value(String, String, String),
}

fn print_rows(rows: &[Row]) {
    println!();
    println!(
        "{:<58} {:>4} {:>8} {:>8} {:>8} {:>8}  note",
        "metric (ms unless said)", "n", "p50", "p95", "p99", "max"
    );
    for row in rows {
        match row {
            Row::Times(metric, s, note) => {
                let v = sorted_ms(s);
                println!(
                    "{metric:<58} {:>4} {:>8.1} {:>8.1} {:>8.1} {:>8.1}  {note}",
                    v.len(),
                    pct(&v, 0.5),
                    pct(&v, 0.95),
                    pct(&v, 0.99),
                    pct(&v, 1.0)
                );
            }
            Row::Value(metric, value, note) => {
                println!("{metric:<58} {value:>40}  {note}");
            }
        }
    }
}

/// Five peers, then `joins` newcomers one at a time, each started 1.2 s after the mesh last
/// settled: spawn -> every running peer lists it.
fn discovery(joins: usize, rows: &mut Vec<Row>) {
    let root = tempfile::tempdir().unwrap();
    let disc = free_udp_port();
    let mut peers: Vec<Peer> = Vec::new();
    let (mut listed, mut after_ready) = (Vec::new(), Vec::new());
    for i in 0..5 + joins {
        let dir = root.path().join(format!("p{i}"));
        let t0 = Instant::now();
        let mut p = start(&format!("P{i}"), &dir, disc);
        let ready = p.ready();
        let id = p.id.clone();
        let last = peers
            .iter_mut()
            .map(|q| q.online_since(q.started, &id, T))
            .max()
            .unwrap_or(ready);
        for q in peers.iter_mut() {
            let qid = q.id.clone();
            p.online_since(p.started, &qid, T);
        }
        if i >= 5 {
            listed.push(last - t0);
            after_ready.push(last.saturating_duration_since(ready));
        }
        peers.push(p);
        std::thread::sleep(Duration::from_millis(1200));
    }
    rows.push(Row::Times(
        "discovery: newcomer spawned -> every running peer lists it".into(),
        listed,
        format!("{joins} joins into 5..{} running peers", 4 + joins),
    ));
    rows.push(Row::Times(
        "discovery: newcomer ready -> every running peer lists it".into(),
        after_ready,
        "excludes process start and key load".into(),
    ));
}

/// `n` peers started at once: full mesh, a broadcast's delivery, RSS and idle CPU.
fn at_once(n: usize, idle_secs: u64, rows: &mut Vec<Row>) {
    let root = tempfile::tempdir().unwrap();
    let disc = free_udp_port();
    let t0 = Instant::now();
    let mut peers: Vec<Peer> = (0..n)
        .map(|i| start(&format!("P{i}"), &root.path().join(format!("p{i}")), disc))
        .collect();
    let spawned = t0.elapsed();
    let last_ready = peers.iter_mut().map(|p| p.ready()).max().unwrap();
    let ids: Vec<String> = peers.iter().map(|p| p.id.clone()).collect();
    let mut meshed = t0;
    for (i, p) in peers.iter_mut().enumerate() {
        for (j, id) in ids.iter().enumerate() {
            if i != j {
                meshed = meshed.max(p.online_since(p.started, id, T));
            }
        }
    }
    rows.push(Row::Times(
        format!("{n} started at once: first spawn -> full mesh"),
        vec![meshed - t0],
        format!("spawning all took {} ms", spawned.as_millis()),
    ));
    rows.push(Row::Times(
        format!("{n} started at once: last ready -> full mesh"),
        vec![meshed.saturating_duration_since(last_ready)],
        String::new(),
    ));
    std::thread::sleep(Duration::from_secs(2));
    // One broadcast, three times, from different senders.
    let mut delivery = Vec::new();
    for (k, s) in [0, n / 2, n - 1].into_iter().enumerate() {
        let body = format!("scale broadcast {k}");
        let t = Instant::now();
        peers[s].send(&body);
        let mut last = t;
        for (r, p) in peers.iter_mut().enumerate() {
            if r != s {
                let b = body.clone();
                last = last.max(
                    p.wait_since(p.started, "broadcast", T, move |e| {
                        e["event"] == "message" && e["body"] == b.as_str()
                    })
                    .0,
                );
            }
        }
        delivery.push(last - t);
    }
    rows.push(Row::Times(
        format!("{n} peers: one broadcast -> all {} others have it", n - 1),
        delivery,
        "signed; 3 broadcasts from 3 senders".into(),
    ));
    // Idle: let heartbeats settle, then measure.
    std::thread::sleep(Duration::from_secs(2));
    for p in peers.iter_mut() {
        p.drain();
    }
    let ticks0: Vec<u64> = peers.iter().map(|p| p.cpu_ticks()).collect();
    let w0 = Instant::now();
    std::thread::sleep(Duration::from_secs(idle_secs));
    let window = w0.elapsed().as_secs_f64();
    let ticks1: Vec<u64> = peers.iter().map(|p| p.cpu_ticks()).collect();
    let hz = 100.0; // USER_HZ on Linux
    let mut cpu: Vec<f64> = ticks0
        .iter()
        .zip(&ticks1)
        .map(|(a, b)| (b - a) as f64 / hz / window * 100.0)
        .collect();
    cpu.sort_by(|a, b| a.partial_cmp(b).unwrap());
    let mut rss: Vec<f64> = peers.iter().map(|p| p.rss_kib() as f64 / 1024.0).collect();
    rss.sort_by(|a, b| a.partial_cmp(b).unwrap());
    let still: usize = peers
        .iter_mut()
        .map(|p| {
            p.events()
                .iter()
                .filter(|e| e["event"] == "peer_offline")
                .count()
        })
        .sum();
    rows.push(Row::Value(
        format!("{n} idle peers: RSS per peer (MiB) p50 / max"),
        format!("{:.1} / {:.1}", pct(&rss, 0.5), pct(&rss, 1.0)),
        format!("VmRSS from /proc/PID/status, {n}-peer mesh"),
    ));
    rows.push(Row::Value(
        format!("{n} idle peers: CPU per peer (% of one core) p50 / max"),
        format!("{:.2} / {:.2}", pct(&cpu, 0.5), pct(&cpu, 1.0)),
        format!(
            "utime+stime over {window:.1} s, heartbeats to {} peers each; {still} offline events",
            n - 1
        ),
    ));
    for p in peers.iter_mut() {
        p.send("/quit");
    }
    let deadline = Instant::now() + Duration::from_secs(10);
    for p in peers.iter_mut() {
        p.reap_by(deadline);
    }
}
