//! Long partitions, several relays, and a message that comes both ways: after a heal every
//! node has every message, each shown once, and each missing message crosses the wire once.

use super::*;
use bytes::Bytes;
use p2pchat_engine::sim::Sim;
use std::time::Instant;

/// Shown-line events at node `i` (each shown message counts once per showing).
fn shown_count(sim: &Sim, i: usize) -> usize {
    sim.events(i)
        .filter(|e| {
            matches!(
                e,
                NetEvent::Message { .. } | NetEvent::Backfilled { .. } | NetEvent::Sent { .. }
            )
        })
        .count()
}

/// Runs until every live node has shown `n` lines; the virtual time it took (20 ms steps).
fn run_until_shown(sim: &mut Sim, n: usize, limit: Duration) -> Option<Duration> {
    let start = sim.now;
    while sim.now - start < limit {
        if (0..sim.nodes.len()).all(|i| shown_count(sim, i) >= n) {
            return Some(sim.now - start);
        }
        sim.run_for(Duration::from_millis(20));
    }
    None
}

/// What one partition-and-heal run measured.
pub struct HealReport {
    pub messages: usize,
    pub missing: usize,
    pub missing_bytes: usize,
    pub sync_bytes: usize,
    pub meshed_after: Duration,
    pub converged_after: Duration,
    pub wall: Duration,
}

/// Six nodes split 3|3 for `d`, every node sending 2 signed messages a second, then healed.
pub fn partition_3_3(d: Duration) -> HealReport {
    let mut sim = mesh(6);
    sim.group = vec![0, 0, 0, 1, 1, 1];
    chat_for(&mut sim, &[0, 1, 2, 3, 4, 5], d, 2);
    sim.run_for(Duration::from_millis(100));
    let all = all_sent(&sim);
    let (missing, missing_bytes) = missing_bytes(&sim, &all);
    for n in sim.nodes.iter_mut() {
        n.sent.clear();
    }
    sim.group = vec![0; 6];
    let wall = Instant::now();
    let start = sim.now;
    let meshed_after = sim
        .run_until(Duration::from_secs(60), |s| s.fully_meshed())
        .expect("meshed again");
    run_until_shown(&mut sim, all.len(), Duration::from_secs(600)).expect("converged");
    let converged_after = sim.now - start;
    let wall = wall.elapsed();
    sim.run_for(Duration::from_secs(2));
    assert_each_once(&sim, &all);
    for i in 0..6 {
        assert!(gaps(&sim, i).is_empty(), "node {i}: {:?}", gaps(&sim, i));
    }
    HealReport {
        messages: all.len(),
        missing,
        missing_bytes,
        sync_bytes: sync_bytes(&sim),
        meshed_after,
        converged_after,
        wall,
    }
}

#[test]
fn a_five_minute_3_3_partition_heals_with_every_message_shown_once() {
    let r = partition_3_3(Duration::from_secs(300));
    // 6 peers x 2 msg/s x 300 s, of which each node missed the other side's half.
    assert!(r.messages >= 3500, "{}", r.messages);
    assert!(r.missing >= 6 * 1700, "{}", r.missing);
    assert!(
        r.sync_bytes * 2 <= r.missing_bytes * 3,
        "sync {} bytes for {} bytes of missing messages",
        r.sync_bytes,
        r.missing_bytes
    );
}

#[test]
fn three_relays_answering_at_once_send_each_missing_message_once() {
    let mut sim = mesh(4);
    // Node 3 is away for a minute while the three others chat.
    sim.group = vec![0, 0, 0, 1];
    chat_for(&mut sim, &[0, 1, 2], Duration::from_secs(60), 2);
    sim.run_for(Duration::from_millis(100));
    let all = all_sent(&sim);
    let (missing, missing_bytes) = missing_bytes(&sim, &all);
    assert!(missing >= 300, "{missing}");
    for n in sim.nodes.iter_mut() {
        n.sent.clear();
    }
    sim.group = vec![0; 4];
    run_until_shown(&mut sim, all.len(), Duration::from_secs(60)).expect("caught up");
    sim.run_for(Duration::from_secs(2));
    assert_each_once(&sim, &all);
    // Each relay gave some of it, and together exactly what was missing.
    let per_relay: Vec<usize> = (0..3).map(|j| given(&sim, j)).collect();
    assert_eq!(per_relay.iter().sum::<usize>(), missing, "{per_relay:?}");
    assert!(
        per_relay.iter().filter(|n| **n > 0).count() >= 2,
        "{per_relay:?}"
    );
    let bytes = sync_bytes(&sim);
    assert!(
        bytes * 2 <= missing_bytes * 3,
        "sync {bytes} bytes for {missing_bytes} bytes of missing messages"
    );
}

#[test]
fn a_message_arriving_live_after_its_synced_copy_is_shown_once() {
    let mut sim = mesh(3);
    // C is unplugged long enough for both to drop it; A writes; only B hears it.
    sim.cut[2] = true;
    sim.run_until(Duration::from_secs(20), |s| {
        s.nodes[2].node.peer_count() == 0 && s.nodes[0].node.peer_count() == 1
    })
    .expect("c dropped");
    let before = sim.nodes[0].sent.len();
    say(&mut sim, 0, "late twin");
    let live: Bytes = sim.nodes[0].sent[before..]
        .iter()
        .map(|(_, f)| f.clone())
        .find(|f| frame_type(f) == "chat")
        .expect("a sent it");
    sim.run_for(Duration::from_millis(50));
    sim.cut[2] = false;
    sim.run_until(Duration::from_secs(30), |s| {
        s.events(2)
            .any(|e| matches!(e, NetEvent::Backfilled { body, .. } if body == "late twin"))
    })
    .expect("synced");
    // The author's own delayed copy now arrives on the new connection.
    let conn = sim.conn_between(2, 0).expect("c and a connected again");
    sim.input(2, Input::Frame { conn, bytes: live });
    sim.run_for(Duration::from_millis(100));
    let copies = sim
        .events(2)
        .filter(|e| match e {
            NetEvent::Message { body, .. } | NetEvent::Backfilled { body, .. } => {
                body == "late twin"
            }
            _ => false,
        })
        .count();
    assert_eq!(copies, 1);
    assert!(
        rejected(&sim, 2, "replay").is_empty(),
        "a duplicate is no attack"
    );
}

/// Convergence after a heal for 60 s, 5 min and 30 min partitions (BENCHMARKS.md):
/// `cargo test --release --test sim_backfill bench_ -- --ignored --nocapture`
#[test]
#[ignore]
fn bench_convergence_after_heal() {
    println!(
        "| partition | messages | missing (node, message) pairs | meshed again after | converged after (virtual) | wall time | sync bytes / missing bytes |"
    );
    println!("|---|---|---|---|---|---|---|");
    for secs in [60u64, 300, 1800] {
        let r = partition_3_3(Duration::from_secs(secs));
        println!(
            "| {} s | {} | {} | {:.2} s | {:.2} s | {:.2} s | {} / {} = {:.2} |",
            secs,
            r.messages,
            r.missing,
            r.meshed_after.as_secs_f64(),
            r.converged_after.as_secs_f64(),
            r.wall.as_secs_f64(),
            r.sync_bytes,
            r.missing_bytes,
            r.sync_bytes as f64 / r.missing_bytes.max(1) as f64
        );
    }
}

#[test]
fn a_connection_reset_is_the_peer_going_offline_not_a_rejection() {
    let mut sim = mesh(2);
    let conn = sim.conn_between(0, 1).expect("connected");
    let error = Some(format!(
        "{}: Connection reset by peer (os error 104)",
        p2pchat_engine::node::CONNECTION_LOST
    ));
    sim.input(0, Input::ConnClosed { conn, error });
    assert!(
        rejected(&sim, 0, "").is_empty(),
        "{:?}",
        rejected(&sim, 0, "")
    );
    let offline: Vec<_> = sim
        .events(0)
        .filter_map(|e| match e {
            NetEvent::PeerOffline { reason, .. } => Some(*reason),
            _ => None,
        })
        .collect();
    assert_eq!(offline, vec![p2pchat_engine::api::OfflineReason::Closed]);
    // An oversized frame is still a refusal.
    let mut sim = mesh(2);
    let conn = sim.conn_between(0, 1).expect("connected");
    let error = Some("frame over the size limit; connection closed".to_string());
    sim.input(0, Input::ConnClosed { conn, error });
    assert_eq!(rejected(&sim, 0, "size limit").len(), 1);
}

#[test]
fn what_a_relay_was_asked_goes_to_another_when_it_drops_mid_answer() {
    let mut sim = mesh(4);
    sim.group = vec![0, 0, 0, 1];
    chat_for(&mut sim, &[0, 1, 2], Duration::from_secs(60), 2);
    sim.run_for(Duration::from_millis(100));
    let all = all_sent(&sim);
    sim.group = vec![0; 4];
    // As soon as node 3 has asked node 0 for something, node 0 crashes.
    let asked_0 = |s: &Sim| {
        s.conn_between(3, 0).is_some_and(|c| {
            s.nodes[3]
                .sent
                .iter()
                .any(|(conn, f)| *conn == c && frame_type(f) == "want")
        })
    };
    sim.run_until(Duration::from_secs(10), asked_0)
        .expect("node 3 asked node 0");
    sim.crash(0);
    sim.run_until(Duration::from_secs(30), |s| shown(s, 3).len() >= all.len())
        .expect("node 3 got all from the other two");
    sim.run_for(Duration::from_secs(1));
    assert_each_once(&sim, &all);
}

/// Heavy messages: a page of 256 would be ~2 MiB, so each answer is cut at MAX_ANSWER_BYTES
/// (half of OUTBOUND_QUEUE_BYTES) and what was left out is asked for again, until nothing is
/// missing; no answer passes the bound and each message still crosses once.
#[test]
fn answers_cut_by_the_byte_bound_are_completed_by_asking_again() {
    let mut sim = mesh(2);
    sim.group = vec![0, 1];
    let body = "x".repeat(8000);
    for k in 0..300 {
        say(&mut sim, 0, &format!("{k} {body}"));
        sim.run_for(Duration::from_millis(5));
    }
    sim.run_until(Duration::from_secs(20), |s| {
        s.nodes[1].node.peer_count() == 0
    })
    .expect("they dropped each other");
    let all = all_sent(&sim);
    assert_eq!(all.len(), 300);
    for n in sim.nodes.iter_mut() {
        n.sent.clear();
    }
    sim.group = vec![0; 2];
    run_until_shown(&mut sim, all.len(), Duration::from_secs(60)).expect("caught up");
    sim.run_for(Duration::from_secs(1));
    assert_each_once(&sim, &all);
    let bound = p2pchat_engine::limits::Limits::default().outbound_queue_bytes / 2;
    let mut answer = 0;
    let mut answers = 0;
    for (_, f) in &sim.nodes[0].sent {
        if frame_type(f) == "give" {
            answer += f.len();
            let v: serde_json::Value = serde_json::from_slice(f).unwrap();
            if v["last"] == true {
                assert!(answer <= bound + 64 * 8, "an answer of {answer} bytes");
                answer = 0;
                answers += 1;
            }
        }
    }
    assert!(answers >= 4, "{answers} answers for ~2.4 MB");
    assert_eq!(given(&sim, 0), 300);
}
