//! Measures file transfer and prints a table: one file (1 GiB by default) between two peers on
//! loopback and between two network namespaces (veth and a bridge), side by side with plain
//! TCP (`socat`) moving the same file on the same path in the same run; chat latency while the
//! transfer runs; the receiver's peak RSS; how much is sent again after `kill -9` of the
//! receiver (loopback) and after a pulled cable (namespaces) at half way; and where the time
//! goes (BLAKE3, ChaCha20-Poly1305 and disk, each alone on one core).
//!
//!     cargo build --release && cargo run --release --example transfer -- \
//!         [--size-mib N] [--only loopback|netns] [--dir DIR] [--ports BASE]
//!
//! Needs socat (plain TCP baseline); the namespace part needs root and iproute2 and is skipped
//! with a line otherwise. Loopback peers announce only to 127.255.255.255 on a private
//! discovery port (BASE..BASE+99, default 47300); namespace peers use the default discovery, which there only
//! reaches the private bridge. Files go to `--dir` (default: a temporary directory), which
//! needs three times the size free.

mod baseline;

use baseline::{breakdown, plain_tcp, write_payload};
use p2pchat_testkit::netlab::{self, Lab};
use p2pchat_testkit::support::*;
use p2pchat_testkit::{Peer, PeerOpts};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

const T: Duration = Duration::from_secs(30);
const MIB: u64 = 1024 * 1024;

struct Run {
    label: String,
    plain_s: f64,
    /// Plain TCP until the received file was on disk (socat, then fsync).
    plain_durable_s: f64,
    p2p_s: f64,
    hash_s: f64,
    chat_p50_ms: f64,
    chat_p99_ms: f64,
    chat_n: usize,
    /// The same measure with no transfer running, just before (the machine's own noise).
    idle_p50_ms: f64,
    idle_p99_ms: f64,
    rss_peak_mib: f64,
}

fn main() {
    let mut size_mib = 1024u64;
    let mut only: Option<String> = None;
    let mut dir: Option<PathBuf> = None;
    let mut ports = 47300u16;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--size-mib" => {
                size_mib = args
                    .next()
                    .and_then(|v| v.parse().ok())
                    .unwrap_or_else(|| die("--size-mib needs a number"))
            }
            "--only" => only = args.next(),
            "--dir" => dir = args.next().map(PathBuf::from),
            "--ports" => {
                ports = args
                    .next()
                    .and_then(|v| v.parse().ok())
                    .filter(|p: &u16| *p <= 65435)
                    .unwrap_or_else(|| die("--ports needs a base port (it uses BASE..BASE+99)"))
            }
            _ => die(
                "usage: transfer [--size-mib N] [--only loopback|netns] [--dir DIR] [--ports BASE]",
            ),
        }
    }
    if Command::new("socat").arg("-V").output().is_err() {
        die("socat is needed for the plain TCP baseline (apt-get install socat)");
    }
    let tmp = match &dir {
        Some(d) => tempfile::tempdir_in(d),
        None => tempfile::tempdir(),
    }
    .unwrap_or_else(|e| die(&format!("no temporary directory: {e}")));
    let size = size_mib * MIB;
    let bin = binary();
    println!(
        "p2pchat-tui file transfer: {} ({}), {size_mib} MiB, {} cores",
        bin.display(),
        if bin.components().any(|c| c.as_os_str() == "release") {
            "release build"
        } else {
            "debug build"
        },
        std::thread::available_parallelism().map_or(1, |n| n.get())
    );
    let src = tmp.path().join("payload.bin");
    write_payload(&src, size);
    breakdown(&src);

    let mut runs = Vec::new();
    let mut resumes = Vec::new();
    if only.as_deref() != Some("netns") {
        let (run, again) = loopback(tmp.path(), &src, size, ports);
        runs.push(run);
        resumes.push((
            "loopback, kill -9 of the receiver at 50 %".to_string(),
            again,
            size,
        ));
    }
    if only.as_deref() != Some("loopback") {
        match netlab::unavailable() {
            Some(why) => println!("\nnamespaces skipped: {why}"),
            None => {
                let (run, again) = namespaces(tmp.path(), &src, size, ports);
                runs.push(run);
                resumes.push((
                    "namespaces, link cut at 50 % for 3 s".to_string(),
                    again,
                    size,
                ));
            }
        }
    }
    println!(
        "\n| path | plain TCP (socat) | plain TCP, then fsync | p2pchat-tui (to verified, on disk) | ratio to each | hashing before the offer | chat p50 / p99 during it (n) | chat p50 / p99, no transfer | receiver peak RSS |"
    );
    println!("|---|---|---|---|---|---|---|---|---|");
    for r in &runs {
        let mb = size as f64 / MIB as f64;
        println!(
            "| {} | {:.2} s, {:.0} MiB/s | {:.2} s, {:.0} MiB/s | {:.2} s, {:.0} MiB/s | {:.2}× / {:.2}× | {:.2} s | {:.1} / {:.1} ms ({}) | {:.1} / {:.1} ms | {:.1} MiB |",
            r.label,
            r.plain_s,
            mb / r.plain_s,
            r.plain_durable_s,
            mb / r.plain_durable_s,
            r.p2p_s,
            mb / r.p2p_s,
            r.plain_s / r.p2p_s,
            r.plain_durable_s / r.p2p_s,
            r.hash_s,
            r.chat_p50_ms,
            r.chat_p99_ms,
            r.chat_n,
            r.idle_p50_ms,
            r.idle_p99_ms,
            r.rss_peak_mib
        );
    }
    println!("\n| interruption | bytes sent again | of the file |");
    println!("|---|---|---|");
    for (label, again, size) in resumes {
        println!(
            "| {label} | {:.1} MiB | {:.2} % |",
            again as f64 / MIB as f64,
            again as f64 * 100.0 / size as f64
        );
    }
}

/// One chat line from Alice to Bob: how long until Bob shows it.
fn chat_once(a: &mut Peer, b: &mut Peer, body: &str) -> Duration {
    let sent = Instant::now();
    a.send(body);
    let (at, _) = b.wait_since(sent, body, T, |e| {
        e["event"] == "message" && e["body"] == body
    });
    at - sent
}

/// Alice sends `src` to Bob; returns the run's numbers (and removes the received file).
fn transfer(label: &str, a: &mut Peer, b: &mut Peer, src: &Path, down: &Path, size: u64) -> Run {
    let mut idle = Vec::new();
    for k in 0..150 {
        idle.push(chat_once(a, b, &format!("idle {label} {k}")));
        std::thread::sleep(Duration::from_millis(20));
    }
    let idle = sorted_ms(&idle);
    let t0 = Instant::now();
    a.send(&format!("/send Bob {}", src.display()));
    let (offered_at, _) = a.wait_since(t0, "file_offered", Duration::from_secs(600), |e| {
        e["event"] == "file_offered"
    });
    let (_, offer) = b.wait_since(t0, "file_offer", T, |e| e["event"] == "file_offer");
    let id = offer["transfer_id"].as_str().unwrap().to_string();
    let accept_at = Instant::now();
    b.send(&format!("/accept {id} {}", down.display()));
    let mut lat = Vec::new();
    let mut rss_peak = 0u64;
    let mut k = 0;
    let done_at = loop {
        rss_peak = rss_peak.max(b.rss_kib());
        if b.events()
            .iter()
            .any(|e| e["event"] == "file_done" && e["transfer_id"] == id.as_str())
        {
            break b
                .wait_since(accept_at, "file_done", T, |e| e["event"] == "file_done")
                .0;
        }
        if let Some(f) = b.events().iter().find(|e| e["event"] == "file_failed") {
            die(&format!("transfer failed: {f}"));
        }
        k += 1;
        lat.push(chat_once(a, b, &format!("ping {label} {k}")));
        std::thread::sleep(Duration::from_millis(20));
    };
    let received = down.join(src.file_name().unwrap());
    if std::fs::metadata(&received).map(|m| m.len()).unwrap_or(0) != size {
        die("received file has the wrong size");
    }
    let _ = std::fs::remove_file(&received);
    let slow: Vec<String> = lat
        .iter()
        .enumerate()
        .filter(|(_, d)| d.as_millis() >= 10)
        .map(|(i, d)| format!("#{i}: {} ms", d.as_millis()))
        .collect();
    if !slow.is_empty() {
        println!(
            "  {label}: chat lines over 10 ms (of {}): {}",
            lat.len(),
            slow.join(", ")
        );
    }
    let ms = sorted_ms(&lat);
    Run {
        label: label.to_string(),
        plain_s: 0.0,
        plain_durable_s: 0.0,
        p2p_s: (done_at - accept_at).as_secs_f64(),
        hash_s: (offered_at - t0).as_secs_f64(),
        chat_p50_ms: pct(&ms, 0.5),
        chat_p99_ms: pct(&ms, 0.99),
        chat_n: ms.len(),
        idle_p50_ms: pct(&idle, 0.5),
        idle_p99_ms: pct(&idle, 0.99),
        rss_peak_mib: rss_peak as f64 / 1024.0,
    }
}

/// The sender's count of bytes sent for transfer `id`, minus the size.
fn sent_again(a: &mut Peer, id: &str, size: u64) -> u64 {
    let sent = a
        .events()
        .iter()
        .filter(|e| e["event"] == "file_progress" && e["transfer_id"] == id)
        .filter_map(|e| e["bytes"].as_u64())
        .max()
        .unwrap_or(0);
    sent.saturating_sub(size)
}

fn loopback(dir: &Path, src: &Path, size: u64, ports: u16) -> (Run, u64) {
    println!("\nloopback: plain TCP, then p2pchat-tui, then a kill -9 at half way");
    let plain = plain_tcp(
        src,
        &dir.join("plain.out"),
        "127.0.0.1",
        ports + 99,
        &[],
        &[],
    );
    let discovery = ports + (std::process::id() % 90) as u16;
    let data = dir.join("lo");
    let down = dir.join("lo-down");
    std::fs::create_dir_all(&down).unwrap();
    let mut a = Peer::spawn(&PeerOpts::loopback("Alice", &data, discovery));
    let b_opts = PeerOpts::loopback("Bob", &data, discovery);
    let mut b = Peer::spawn(&b_opts);
    b.wait_online(&a, T);
    a.wait_online(&b, T);
    let mut run = transfer("loopback", &mut a, &mut b, src, &down, size);
    run.plain_s = plain.cached_s;
    run.plain_durable_s = plain.durable_s;
    a.wait_for("delivered", T, |e| e["event"] == "file_delivered");

    // Resume: kill -9 of the receiver at half way, restart, finish.
    let t0 = Instant::now();
    a.send(&format!("/send Bob {}", src.display()));
    let (_, offer) = b.wait_since(t0, "file_offer", Duration::from_secs(600), |e| {
        e["event"] == "file_offer"
    });
    let id = offer["transfer_id"].as_str().unwrap().to_string();
    b.send(&format!("/accept {id} {}", down.display()));
    b.wait_since(t0, "half", Duration::from_secs(600), |e| {
        e["event"] == "file_progress" && e["bytes"].as_u64().unwrap_or(0) >= size / 2
    });
    b.kill9();
    let mut b = Peer::spawn(&b_opts);
    b.wait_for("file_done", Duration::from_secs(600), |e| {
        e["event"] == "file_done"
    });
    a.wait_since(t0, "delivered", T, |e| {
        e["event"] == "file_delivered" && e["transfer_id"] == id.as_str()
    });
    let again = sent_again(&mut a, &id, size);
    a.quit();
    b.quit();
    (run, again)
}

fn namespaces(dir: &Path, src: &Path, size: u64, ports: u16) -> (Run, u64) {
    println!(
        "\nnamespaces (veth + bridge): plain TCP, then p2pchat-tui, then a link cut at half way"
    );
    let lab = Lab::new('m', 2).unwrap_or_else(|e| die(&format!("lab: {e}")));
    let plain = plain_tcp(
        src,
        &dir.join("plain.out"),
        &lab.addr(2),
        ports + 98,
        &lab.wrapper(2),
        &lab.wrapper(1),
    );
    let data = dir.join("ns");
    let down = dir.join("ns-down");
    std::fs::create_dir_all(&down).unwrap();
    let opts = |i: usize, name: &str| PeerOpts {
        name: name.into(),
        data_dir: data.clone(),
        args: vec![],
        wrapper: lab.wrapper(i),
    };
    let mut a = Peer::spawn(&opts(1, "Alice"));
    let mut b = Peer::spawn(&opts(2, "Bob"));
    b.wait_online(&a, T);
    a.wait_online(&b, T);
    let mut run = transfer("namespaces (veth)", &mut a, &mut b, src, &down, size);
    run.plain_s = plain.cached_s;
    run.plain_durable_s = plain.durable_s;
    a.wait_for("delivered", T, |e| e["event"] == "file_delivered");

    let t0 = Instant::now();
    a.send(&format!("/send Bob {}", src.display()));
    let (_, offer) = b.wait_since(t0, "file_offer", Duration::from_secs(600), |e| {
        e["event"] == "file_offer"
    });
    let id = offer["transfer_id"].as_str().unwrap().to_string();
    b.send(&format!("/accept {id} {}", down.display()));
    b.wait_since(t0, "half", Duration::from_secs(600), |e| {
        e["event"] == "file_progress" && e["bytes"].as_u64().unwrap_or(0) >= size / 2
    });
    lab.cut(2);
    std::thread::sleep(Duration::from_secs(3));
    lab.heal(2);
    b.wait_since(t0, "file_done", Duration::from_secs(600), |e| {
        e["event"] == "file_done"
    });
    a.wait_since(t0, "delivered", T, |e| {
        e["event"] == "file_delivered" && e["transfer_id"] == id.as_str()
    });
    let again = sent_again(&mut a, &id, size);
    a.quit();
    b.quit();
    (run, again)
}
