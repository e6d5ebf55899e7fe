//! Helpers for the history sync cases of issue #11, and the cases themselves (one file per
//! theme).

mod budget;
mod hostile;
mod partition;

use p2pchat_engine::api::{NetCommand, NetEvent};
use p2pchat_engine::node::Input;
use p2pchat_engine::sim::Sim;
use p2pchat_engine::wire::{decode_frame, encode_frame, Frame};
use std::collections::{HashMap, HashSet};
use std::time::Duration;

const MAX: usize = 64 * 1024;

/// A LAN of `n` meshed nodes (seeds 1..=n).
pub fn mesh(n: usize) -> Sim {
    let mut sim = Sim::new();
    for k in 0..n {
        sim.add(&format!("n{k}"), k as u8 + 1, vec![]);
    }
    sim.run_until(Duration::from_secs(10), |s| s.fully_meshed())
        .expect("meshed");
    sim
}

pub fn say(sim: &mut Sim, i: usize, body: &str) {
    let cmd = NetCommand::Send {
        body: body.into(),
        signed: true,
    };
    sim.input(i, Input::Command(cmd));
}

/// Every node in `who` sends `per_sec` signed messages a second for `d`.
pub fn chat_for(sim: &mut Sim, who: &[usize], d: Duration, per_sec: u32) {
    let step = Duration::from_millis(1000 / u64::from(per_sec));
    let mut k = 0u64;
    let end = sim.now + d;
    while sim.now < end {
        for &i in who {
            say(sim, i, &format!("m{k} from n{i}"));
        }
        k += 1;
        sim.run_for(step);
    }
}

/// How many times each message id was shown at node `i` (received live, by sync, or sent).
pub fn shown(sim: &Sim, i: usize) -> HashMap<String, usize> {
    let mut out: HashMap<String, usize> = HashMap::new();
    for e in sim.events(i) {
        match e {
            NetEvent::Message { msg_id, .. }
            | NetEvent::Backfilled { msg_id, .. }
            | NetEvent::Sent { msg_id, .. } => *out.entry(msg_id.clone()).or_default() += 1,
            _ => {}
        }
    }
    out
}

/// Every message id any node sent.
pub fn all_sent(sim: &Sim) -> HashSet<String> {
    (0..sim.nodes.len())
        .flat_map(|i| {
            sim.events(i).filter_map(|e| match e {
                NetEvent::Sent { msg_id, .. } => Some(msg_id.clone()),
                _ => None,
            })
        })
        .collect()
}

/// Asserts every live node has shown every message of `all` exactly once.
pub fn assert_each_once(sim: &Sim, all: &HashSet<String>) {
    for i in (0..sim.nodes.len()).filter(|&i| !sim.nodes[i].stopped) {
        let s = shown(sim, i);
        let missing = all.iter().filter(|id| !s.contains_key(*id)).count();
        let twice: Vec<_> = s.iter().filter(|(_, n)| **n > 1).collect();
        assert_eq!(missing, 0, "node {i} misses {missing} of {}", all.len());
        assert!(
            twice.is_empty(),
            "node {i} showed twice: {:?}",
            &twice[..twice.len().min(5)]
        );
    }
}

/// The `type` of a frame's JSON.
pub fn frame_type(bytes: &[u8]) -> String {
    serde_json::from_slice::<serde_json::Value>(bytes)
        .ok()
        .and_then(|v| v["type"].as_str().map(str::to_string))
        .unwrap_or_default()
}

/// Bytes of every `have`, `want` and `give` frame the nodes sent (since `sent` was cleared).
pub fn sync_bytes(sim: &Sim) -> usize {
    sim.nodes
        .iter()
        .flat_map(|n| n.sent.iter())
        .filter(|(_, f)| matches!(frame_type(f).as_str(), "have" | "want" | "give"))
        .map(|(_, f)| f.len())
        .sum()
}

/// Messages carried by the `give` frames node `from` sent on `conn` (None: on any).
pub fn given(sim: &Sim, from: usize) -> usize {
    sim.nodes[from]
        .sent
        .iter()
        .filter_map(|(_, f)| match decode_frame(f, MAX) {
            Ok(Frame::Give { messages, .. }) => Some(messages.len()),
            _ => None,
        })
        .sum()
}

/// For each live node, the ids of `all` it has not shown yet; with the bytes of a `chat`
/// frame carrying each (what the missing messages weigh on the wire).
pub fn missing_bytes(sim: &Sim, all: &HashSet<String>) -> (usize, usize) {
    let mut sizes: HashMap<&String, usize> = HashMap::new();
    for n in &sim.nodes {
        for (_, id, p) in &n.kept {
            if let Some(id) = all.get(id) {
                let len = encode_frame(&Frame::Chat(p.clone()), MAX).unwrap().len();
                sizes.insert(id, len);
            }
        }
    }
    let (mut count, mut bytes) = (0, 0);
    for i in (0..sim.nodes.len()).filter(|&i| !sim.nodes[i].stopped) {
        let s = shown(sim, i);
        for id in all.iter().filter(|id| !s.contains_key(*id)) {
            count += 1;
            bytes += sizes.get(id).copied().unwrap_or(0);
        }
    }
    (count, bytes)
}

/// Reasons of `rejected` events at node `i` that contain `text`.
pub fn rejected(sim: &Sim, i: usize, text: &str) -> Vec<String> {
    sim.events(i)
        .filter_map(|e| match e {
            NetEvent::Rejected { reason, .. } if reason.contains(text) => Some(reason.clone()),
            _ => None,
        })
        .collect()
}

/// `history_gap` events at node `i`: (author, from_ts, to_ts).
pub fn gaps(sim: &Sim, i: usize) -> Vec<(String, i64, i64)> {
    sim.events(i)
        .filter_map(|e| match e {
            NetEvent::HistoryGap {
                author,
                from_ts,
                to_ts,
                ..
            } => Some((author.clone(), *from_ts, *to_ts)),
            _ => None,
        })
        .collect()
}
