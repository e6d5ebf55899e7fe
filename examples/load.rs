//! Message latency and throughput under load, in one process on loopback: real network
//! actors (`p2pchat_runtime::start`, the same code the binary runs) talking over TCP on
//! 127.0.0.1, driven through their `NetHandle`s, timed with one monotonic clock.
//!
//! ```text
//! cargo run --release --example load -- [--slow 20] [--fast-secs 5] [--throughput 20000]
//! ```
//!
//! Latency is from the instant a `Send` command is queued at the sender to the instant the
//! receiver's `Message` event (signature verified) is taken off its event queue. It includes
//! signing, framing, TCP, the reader's rate limiter and verification; it excludes the headless
//! front end's JSON printing. Discovery uses a private port and 127.255.255.255 only.

use p2pchat_testkit::support::*;

use p2pchat_engine::limits::{Limits, Timing};

use p2pchat_engine::api::{NetCommand, NetEvent};
use p2pchat_runtime::{self as net, NetConfig, NetHandle};
use std::collections::HashMap;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::time::{Duration, Instant};
use tokio::sync::mpsc;

struct Node {
    handle: NetHandle,
    port: u16,
    id: String,
}

/// Starts an actor; its events go to `sink` (stamped) or are discarded.
async fn node(
    name: &str,
    discovery: u16,
    limits: Limits,
    peers: Vec<SocketAddr>,
    sink: Option<mpsc::UnboundedSender<(Instant, NetEvent)>>,
) -> Node {
    let cfg = NetConfig {
        name: name.into(),
        bind: IpAddr::V4(Ipv4Addr::LOCALHOST),
        port: 0,
        discovery_port: discovery,
        broadcast: vec![Ipv4Addr::new(127, 255, 255, 255)],
        peers,
        limits,
        timing: Timing::default(),
        state_file: None,
        key_file: String::new(),
        history: None,
        reach: Default::default(),
        download_dir: None,
    };
    let (handle, mut events, _task) = net::start(p2pchat_tui::key_file::generate(), cfg)
        .await
        .expect("actor starts");
    let (id, port) = loop {
        match events.recv().await.expect("ready") {
            NetEvent::Ready { id, port, .. } => break (id, port),
            _ => continue,
        }
    };
    tokio::spawn(async move {
        while let Some(e) = events.recv().await {
            if let Some(s) = &sink {
                let _ = s.send((Instant::now(), e));
            }
        }
    });
    Node { handle, port, id }
}

fn raised() -> Limits {
    Limits {
        max_frames_per_sec: 1_000_000,
        frame_burst: 1_000_000,
        ..Limits::default()
    }
}

fn free_udp_port() -> u16 {
    std::net::UdpSocket::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// A receiver and `senders` peers dialing it; returns them once the receiver lists them all.
async fn setup(
    senders: usize,
    limits: Limits,
) -> (
    Node,
    Vec<Node>,
    mpsc::UnboundedReceiver<(Instant, NetEvent)>,
) {
    // Each node its own private discovery port: senders reach the receiver by dialing it
    // (`--peer`), and do not mesh with each other (which would multiply the work per message).
    let (tx, mut rx) = mpsc::unbounded_channel();
    let recv = node("Receiver", free_udp_port(), limits, vec![], Some(tx)).await;
    let addr = SocketAddr::from(([127, 0, 0, 1], recv.port));
    let mut out = Vec::new();
    for i in 0..senders {
        out.push(
            node(
                &format!("S{i}"),
                free_udp_port(),
                Limits::default(),
                vec![addr],
                None,
            )
            .await,
        );
    }
    let mut online = 0;
    let deadline = Instant::now() + Duration::from_secs(15);
    while online < senders {
        let left = deadline.saturating_duration_since(Instant::now());
        match tokio::time::timeout(left, rx.recv()).await {
            Ok(Some((_, NetEvent::PeerOnline { id, .. }))) if out.iter().any(|s| s.id == id) => {
                online += 1
            }
            Ok(Some(_)) => {}
            _ => panic!("senders not online"),
        }
    }
    tokio::time::sleep(Duration::from_millis(500)).await;
    while rx.try_recv().is_ok() {}
    (recv, out, rx)
}

/// Each sender sends `count` signed messages at `rate` per second; latencies of all.
async fn latency(
    senders: usize,
    rate: f64,
    count: usize,
    limits: Limits,
) -> (Vec<Duration>, usize) {
    let (_recv, out, mut rx) = setup(senders, limits).await;
    let t0 = tokio::time::Instant::now() + Duration::from_millis(100);
    let mut tasks = Vec::new();
    for (s, node) in out.iter().enumerate() {
        let handle = node.handle.clone();
        tasks.push(tokio::spawn(async move {
            let mut sent = Vec::with_capacity(count);
            for i in 0..count {
                let due = t0
                    + Duration::from_secs_f64(i as f64 / rate)
                    + Duration::from_secs_f64(s as f64 / rate / senders as f64);
                tokio::time::sleep_until(due).await;
                let permit = handle.reserve().await.expect("actor runs");
                let body = format!("lat {s} {i}");
                sent.push((body.clone(), Instant::now()));
                permit.send(NetCommand::Send { body, signed: true });
            }
            sent
        }));
    }
    let mut sent: HashMap<String, Instant> = HashMap::new();
    for t in tasks {
        sent.extend(t.await.unwrap());
    }
    let total = senders * count;
    let mut lat = Vec::with_capacity(total);
    let deadline = Instant::now() + Duration::from_secs(30);
    while lat.len() < total {
        let left = deadline.saturating_duration_since(Instant::now());
        match tokio::time::timeout(left, rx.recv()).await {
            Ok(Some((at, NetEvent::Message { body, verified, .. }))) => {
                assert!(verified);
                if let Some(t) = sent.get(&body) {
                    lat.push(at - *t);
                }
            }
            Ok(Some(_)) => {}
            _ => break,
        }
    }
    let missing = total - lat.len();
    for n in out {
        let _ = n.handle.try_send(NetCommand::Quit);
    }
    (lat, missing)
}

/// One sender sends `count` signed messages as fast as the receiver keeps up (at most 1,000
/// unverified in flight, well under the 4,096-frame outbound queue). Messages per second.
async fn throughput(count: usize) -> (f64, Duration) {
    let (_recv, out, mut rx) = setup(1, raised()).await;
    let handle = out[0].handle.clone();
    let started = Instant::now();
    let (mut sent, mut got) = (0usize, 0usize);
    while got < count {
        while sent < count && sent - got < 1000 {
            let permit = handle.reserve().await.expect("actor runs");
            permit.send(NetCommand::Send {
                body: format!("tp {sent}"),
                signed: true,
            });
            sent += 1;
        }
        match tokio::time::timeout(Duration::from_secs(10), rx.recv()).await {
            Ok(Some((_, NetEvent::Message { verified, .. }))) => {
                assert!(verified);
                got += 1;
            }
            Ok(Some(_)) => {}
            _ => panic!("throughput stalled at {got}/{count}"),
        }
    }
    let took = started.elapsed();
    let _ = handle.try_send(NetCommand::Quit);
    (count as f64 / took.as_secs_f64(), took)
}

fn row(metric: &str, lat: &[Duration], missing: usize, note: &str) {
    let v = sorted_ms(lat);
    println!(
        "{metric:<52} {:>6} {:>8.3} {:>8.3} {:>8.3} {:>8.3}  {note}{}",
        v.len(),
        pct(&v, 0.5),
        pct(&v, 0.95),
        pct(&v, 0.99),
        pct(&v, 1.0),
        if missing > 0 {
            format!(" ({missing} not received)")
        } else {
            String::new()
        }
    );
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let (mut slow, mut fast_secs, mut tp) = (20usize, 5usize, 20_000usize);
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        let v: usize = args
            .next()
            .and_then(|v| v.parse().ok())
            .unwrap_or_else(|| panic!("{a} needs a number"));
        match a.as_str() {
            "--slow" => slow = v.max(1),
            "--fast-secs" => fast_secs = v.max(1),
            "--throughput" => tp = v.max(100),
            _ => panic!("usage: load [--slow N] [--fast-secs S] [--throughput N]"),
        }
    }
    println!(
        "p2pchat-tui load, in-process actors on loopback ({} build), 2 tokio workers",
        if cfg!(debug_assertions) {
            "debug"
        } else {
            "release"
        }
    );
    println!(
        "\n{:<52} {:>6} {:>8} {:>8} {:>8} {:>8}  note",
        "signed message latency (ms)", "n", "p50", "p95", "p99", "max"
    );
    let (l, m) = latency(1, 1.0, slow, Limits::default()).await;
    row("1 msg/s, 1 sender -> 1 receiver", &l, m, "default limits");
    let (l, m) = latency(1, 1000.0, 1000 * fast_secs, raised()).await;
    row(
        "1,000 msg/s, 1 sender -> 1 receiver",
        &l,
        m,
        "receiver's per-peer limit raised (default 200/s)",
    );
    let (l, m) = latency(5, 200.0, 200 * fast_secs, Limits::default()).await;
    row(
        "1,000 msg/s total, 5 senders x 200/s -> 1 receiver",
        &l,
        m,
        "default limits",
    );
    let (l, m) = latency(1, 1000.0, 1000 * 2, Limits::default()).await;
    row(
        "1,000 msg/s, 1 sender, default 200/s limit (2 s)",
        &l,
        m,
        "paced by the limit: latency grows",
    );
    let (rate, took) = throughput(tp).await;
    println!(
        "\nthroughput: {tp} signed messages sent by one peer and verified by another in {:.2} s: \
         {rate:.0} msg/s (receiver's per-peer limit raised; both actors share 2 cores)",
        took.as_secs_f64()
    );
}
