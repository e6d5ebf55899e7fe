//! Issue #10, row 2, with real processes: an attacker resends `sync` frames packed with 170
//! signed votes (as many as a frame holds) and sends freshly signed `vote` frames, as fast as
//! the victim reads, while an honest peer chats with the victim. Measures the honest peer's
//! latency (p50/p99/max) and the victim's RSS and CPU.

use super::{honest_pair, Pair, T};
use p2pchat_engine::identity::Identity;
use p2pchat_engine::limits::PROTOCOL_VERSION;
use p2pchat_engine::voting::VoteContent;
use p2pchat_engine::wire::{Domain, Frame, ProposalId, SignedPayload};
use p2pchat_testkit::raw::*;
use std::io::Write;
use std::net::Shutdown;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Votes packed into one `sync` (as many as fit in a 64 KiB frame).
const SYBILS: usize = 170;
/// How many times the packed `sync` is resent before each round of fresh votes.
const REPEATS: usize = 200;

/// The victim's resident memory, MiB.
fn rss_mib(pid: u32) -> f64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .unwrap_or_default()
        .lines()
        .find(|l| l.starts_with("VmRSS:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|v| v.parse::<f64>().ok())
        .unwrap_or(0.0)
        / 1024.0
}

/// utime + stime of `pid`, in clock ticks (1/100 s on Linux).
fn cpu_ticks(pid: u32) -> u64 {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    let rest = stat.rsplit_once(')').map(|(_, r)| r).unwrap_or("");
    let f: Vec<&str> = rest.split_whitespace().collect();
    let num = |i: usize| f.get(i).and_then(|v| v.parse::<u64>().ok()).unwrap_or(0);
    num(11) + num(12)
}

fn vote(voter: &Identity, on: &ProposalId, ts: i64) -> SignedPayload {
    let content = VoteContent {
        proposal_id: on.clone(),
        voter: voter.id(),
        approve: true,
        ts,
    };
    SignedPayload::sign(voter.signing_key(), Domain::Vote, &content)
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

#[test]
fn resent_vote_packed_syncs_do_not_starve_an_honest_peer() {
    let mut p: Pair = honest_pair();
    let victim_pid = p.a.pid();
    let attacker = Identity::from_secret([77; 32]);
    let (mut s, _) = handshake(p.a.port, &attacker, PROTOCOL_VERSION);
    p.a.wait_for("attacker online", T, |e| {
        e["event"] == "peer_online" && e["name"] == "Mallory"
    });
    // Sybil voters on a proposal nobody has seen (as many as fit in one 64 KiB frame).
    let voters: Vec<Identity> = (0..SYBILS as u32)
        .map(|i| {
            let mut seed = [0x5a; 32];
            seed[..4].copy_from_slice(&i.to_be_bytes());
            Identity::from_secret(seed)
        })
        .collect();
    let unknown = ProposalId("cd".repeat(16));
    let packed = serde_json::to_vec(&Frame::Sync {
        certificate: None,
        proposals: vec![],
        votes: voters.iter().map(|v| vote(v, &unknown, 1)).collect(),
    })
    .unwrap();
    assert!(packed.len() < 65_536, "{} bytes", packed.len());
    // Round after round until told to stop: the packed sync REPEATS times over, then the same
    // voters freshly signed (new `ts`), one `vote` frame each. Sealed as written (Noise
    // nonces run in writing order).
    let ctl = s.s.try_clone().unwrap();
    let stop = Arc::new(AtomicBool::new(false));
    let stop_writer = stop.clone();
    let writer = std::thread::spawn(move || {
        let begun = Instant::now();
        let mut wire = Vec::new();
        for round in 0i64.. {
            for k in 0..REPEATS + SYBILS {
                let body = match k.checked_sub(REPEATS) {
                    None => packed.clone(),
                    Some(v) => {
                        let fresh = vote(&voters[v], &unknown, 2 + round);
                        serde_json::to_vec(&Frame::Vote(fresh)).unwrap()
                    }
                };
                wire.clear();
                wire.extend_from_slice(&s.seal(&body));
                if stop_writer.load(Ordering::Relaxed) {
                    return begun.elapsed();
                }
                if let Err(e) = s.s.write_all(&wire) {
                    if !stop_writer.load(Ordering::Relaxed) {
                        eprintln!("attacker's write failed: {e}");
                    }
                    return begun.elapsed();
                }
            }
        }
        begun.elapsed()
    });

    let rss_before = rss_mib(victim_pid);
    let (cpu_before, started) = (cpu_ticks(victim_pid), Instant::now());
    let mut latencies_ms = Vec::new();
    let mut rss_peak = rss_before;
    for k in 0..100 {
        let tag = format!("ok under attack {k}");
        let sent = Instant::now();
        p.b.send(&tag);
        p.a.wait_message(&tag, T);
        latencies_ms.push(sent.elapsed().as_secs_f64() * 1000.0);
        rss_peak = rss_peak.max(rss_mib(victim_pid));
        std::thread::sleep(Duration::from_millis(50));
    }
    let elapsed = started.elapsed().as_secs_f64();
    let cpu = (cpu_ticks(victim_pid) - cpu_before) as f64 / 100.0 / elapsed * 100.0;
    stop.store(true, Ordering::Relaxed);
    let _ = ctl.shutdown(Shutdown::Both);
    let written_for = writer.join().unwrap().as_secs_f64();

    latencies_ms.sort_by(|a, b| a.partial_cmp(b).unwrap());
    let (p50, p99) = (
        percentile(&latencies_ms, 0.5),
        percentile(&latencies_ms, 0.99),
    );
    let max = latencies_ms[latencies_ms.len() - 1];
    eprintln!(
        "under attack: honest latency p50 {p50:.1} ms, p99 {p99:.1} ms, max {max:.1} ms; \
         victim RSS {rss_before:.1} -> peak {rss_peak:.1} MiB; victim CPU {cpu:.0} % of a core \
         over {elapsed:.1} s; the attacker was writing for {written_for:.1} s"
    );
    // Generous bounds for a debug build on a busy machine (the target is p99 < 100 ms;
    // BENCHMARKS.md "Under attack" has release numbers). Before the fix, messages stopped
    // arriving at all (over 10 s); this asserts that, not speed: a 2 s bound failed at 2.8 s
    // with the machine's two cores shared by three builds (load 5).
    assert!(p99 < 5000.0, "honest p99 {p99:.0} ms");
    assert!(rss_peak < 64.0, "victim RSS {rss_peak:.1} MiB");
    // The refusals say why, and the honest peer was never dropped.
    let why: Vec<String> =
        p.a.events()
            .iter()
            .filter(|e| e["event"] == "rejected")
            .filter_map(|e| e["reason"].as_str().map(str::to_string))
            .collect();
    assert!(
        why.iter().any(|r| r.contains("at most 128")),
        "oversized sync refused: {:?}",
        why.iter().take(3).collect::<Vec<_>>()
    );
    super::still_fine(&mut p.a, &mut p.b, "ok after the vote flood");
}
