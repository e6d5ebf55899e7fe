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

use serde_json::Value;
use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc;
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
        discovery(&bin, joins, &mut rows);
    }
    for n in sizes {
        at_once(&bin, n, idle_secs, &mut rows);
    }
    print_rows(&rows);
}

fn free_udp_port() -> u16 {
    std::net::UdpSocket::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// One headless peer on loopback; every event stamped when its line arrives.
struct Proc {
    name: String,
    id: String,
    child: Child,
    stdin: Option<ChildStdin>,
    rx: mpsc::Receiver<(Instant, Value)>,
    seen: Vec<(Instant, Value)>,
}

impl Proc {
    /// Starts a peer; does not wait for `ready` (see [`Proc::ready`]).
    fn start(bin: &Path, name: &str, dir: &Path, discovery: u16) -> Proc {
        let mut child = Command::new(bin)
            .args(["--headless", "--name", name, "--data-dir"])
            .arg(dir)
            .args(["--broadcast", "127.255.255.255", "--discovery-port"])
            .arg(discovery.to_string())
            .args(["--port", "0", "--log-level", "warn"])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("spawn peer");
        let stdout = child.stdout.take().unwrap();
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                let at = Instant::now();
                if let Ok(v) = serde_json::from_str::<Value>(&line) {
                    if tx.send((at, v)).is_err() {
                        break;
                    }
                }
            }
        });
        Proc {
            name: name.into(),
            id: String::new(),
            stdin: child.stdin.take(),
            child,
            rx,
            seen: Vec::new(),
        }
    }

    fn ready(&mut self) -> Instant {
        let (at, v) = self.wait(|e| e["event"] == "ready", "ready");
        self.id = v["id"].as_str().unwrap().to_string();
        at
    }

    fn send(&mut self, line: &str) {
        let stdin = self.stdin.as_mut().expect("stdin open");
        writeln!(stdin, "{line}").expect("peer reads stdin");
        stdin.flush().unwrap();
    }

    fn wait(&mut self, pred: impl Fn(&Value) -> bool, what: &str) -> (Instant, Value) {
        if let Some(hit) = self.seen.iter().find(|(_, v)| pred(v)) {
            return hit.clone();
        }
        let deadline = Instant::now() + T;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.rx.recv_timeout(left) {
                Ok(hit) => {
                    self.seen.push(hit.clone());
                    if pred(&hit.1) {
                        return hit;
                    }
                }
                Err(_) => panic!("{}: no {what} within {T:?}", self.name),
            }
        }
    }

    fn online(&mut self, id: &str) -> Instant {
        self.wait(
            |e| e["event"] == "peer_online" && e["id"] == id,
            "peer_online",
        )
        .0
    }

    /// Drops buffered events (they are stamped; this only bounds memory).
    fn drain(&mut self) {
        while let Ok(hit) = self.rx.try_recv() {
            self.seen.push(hit);
        }
    }

    fn rss_kib(&self) -> u64 {
        std::fs::read_to_string(format!("/proc/{}/status", self.child.id()))
            .unwrap_or_default()
            .lines()
            .find(|l| l.starts_with("VmRSS:"))
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|v| v.parse().ok())
            .unwrap_or(0)
    }

    /// utime + stime in clock ticks.
    fn cpu_ticks(&self) -> u64 {
        let stat =
            std::fs::read_to_string(format!("/proc/{}/stat", self.child.id())).unwrap_or_default();
        // Fields after the parenthesised command name; utime and stime are fields 14 and 15.
        let rest = stat.rsplit_once(')').map(|(_, r)| r).unwrap_or("");
        let f: Vec<&str> = rest.split_whitespace().collect();
        let num = |i: usize| f.get(i).and_then(|v| v.parse::<u64>().ok()).unwrap_or(0);
        num(11) + num(12)
    }
}

impl Drop for Proc {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
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
fn discovery(bin: &Path, joins: usize, rows: &mut Vec<Row>) {
    let root = tempfile::tempdir().unwrap();
    let disc = free_udp_port();
    let mut peers: Vec<Proc> = Vec::new();
    let (mut listed, mut after_ready) = (Vec::new(), Vec::new());
    for i in 0..5 + joins {
        let dir = root.path().join(format!("p{i}"));
        let t0 = Instant::now();
        let mut p = Proc::start(bin, &format!("P{i}"), &dir, disc);
        let ready = p.ready();
        let id = p.id.clone();
        let last = peers
            .iter_mut()
            .map(|q| q.online(&id))
            .max()
            .unwrap_or(ready);
        for q in peers.iter_mut() {
            let qid = q.id.clone();
            p.online(&qid);
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
fn at_once(bin: &Path, n: usize, idle_secs: u64, rows: &mut Vec<Row>) {
    let root = tempfile::tempdir().unwrap();
    let disc = free_udp_port();
    let t0 = Instant::now();
    let mut peers: Vec<Proc> = (0..n)
        .map(|i| {
            Proc::start(
                bin,
                &format!("P{i}"),
                &root.path().join(format!("p{i}")),
                disc,
            )
        })
        .collect();
    let spawned = t0.elapsed();
    let last_ready = peers.iter_mut().map(|p| p.ready()).max().unwrap();
    let ids: Vec<String> = peers.iter().map(|p| p.id.clone()).collect();
    let mut meshed = t0;
    for (i, p) in peers.iter_mut().enumerate() {
        for (j, id) in ids.iter().enumerate() {
            if i != j {
                meshed = meshed.max(p.online(id));
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
                    p.wait(
                        move |e| e["event"] == "message" && e["body"] == b.as_str(),
                        "broadcast",
                    )
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
            p.drain();
            p.seen
                .iter()
                .filter(|(_, e)| e["event"] == "peer_offline")
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
        p.stdin = None;
        while Instant::now() < deadline {
            if let Ok(Some(_)) = p.child.try_wait() {
                break;
            }
            std::thread::sleep(Duration::from_millis(10));
        }
    }
}
