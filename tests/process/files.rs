//! File transfer between real processes on loopback: an offer accepted into a directory and
//! verified, a decline that writes nothing, an offer over the receiver's size limit refused,
//! an existing target never overwritten, a cancel by the sender. (Forged chunks and hostile
//! names from a raw sender: `files_hostile.rs`.)

use common::*;
use p2pchat_testkit as common;
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::time::Duration;

const T: Duration = Duration::from_secs(20);

/// Deterministic bytes that are not all alike.
pub fn content(len: usize, seed: u8) -> Vec<u8> {
    let mut x: u32 = 0x9e37_79b9 ^ u32::from(seed);
    (0..len)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            x as u8
        })
        .collect()
}

fn pair_with(b_args: &[&str]) -> (tempfile::TempDir, Peer, Peer) {
    let dir = tempfile::tempdir().unwrap();
    let discovery = free_udp_port();
    let mut a = Peer::spawn(&PeerOpts::loopback("Alice", dir.path(), discovery));
    let mut opts = PeerOpts::loopback("Bob", dir.path(), discovery);
    for arg in b_args {
        opts = opts.arg(arg);
    }
    let mut b = Peer::spawn(&opts);
    b.wait_online(&a, T);
    a.wait_online(&b, T);
    (dir, a, b)
}

fn write_file(dir: &Path, name: &str, data: &[u8]) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, data).unwrap();
    p
}

/// Alice offers `path` to Bob; Bob's `file_offer` event.
fn offer(a: &mut Peer, b: &mut Peer, path: &Path) -> Value {
    a.send(&format!("/send Bob {}", path.display()));
    a.wait_for("file_offered", T, |e| e["event"] == "file_offered");
    b.wait_for("file_offer", T, |e| e["event"] == "file_offer")
}

fn files_in(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .map(|d| {
            d.filter_map(|e| e.ok())
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    names
}

#[test]
fn an_accepted_file_arrives_verified_and_the_sender_hears_it() {
    let (dir, mut a, mut b) = pair_with(&[]);
    let data = content(3 * 1024 * 1024 + 12345, 1);
    let src = write_file(dir.path(), "photo album.bin", &data);
    let down = dir.path().join("down");
    std::fs::create_dir(&down).unwrap();
    let offer = offer(&mut a, &mut b, &src);
    assert_eq!(offer["name"], "photo album.bin");
    assert_eq!(offer["size"], data.len() as u64);
    assert_eq!(offer["hash"], blake3_hex(&data));
    assert_eq!(offer["from"], a.id.as_str());
    let id = offer["transfer_id"].as_str().unwrap().to_string();
    b.send(&format!("/accept {} {}", &id[..6], down.display()));
    let done = b.wait_for("file_done", T, |e| e["event"] == "file_done");
    assert_eq!(done["transfer_id"], id.as_str());
    let path = PathBuf::from(done["path"].as_str().unwrap());
    assert_eq!(path, down.join("photo album.bin"));
    assert_eq!(std::fs::read(&path).unwrap(), data);
    assert_eq!(files_in(&down), vec!["photo album.bin".to_string()]);
    let delivered = a.wait_for("file_delivered", T, |e| e["event"] == "file_delivered");
    assert_eq!(delivered["to"], b.id.as_str());
    a.wait_for("file_accepted", T, |e| e["event"] == "file_accepted");
    // Progress was reported, and never past the size.
    let progress: Vec<u64> = b
        .events()
        .iter()
        .filter(|e| e["event"] == "file_progress")
        .map(|e| e["bytes"].as_u64().unwrap())
        .collect();
    assert!(!progress.is_empty());
    assert!(progress.iter().all(|&n| n <= data.len() as u64));
    // `/transfers` lists it as done on both sides.
    b.send("/transfers");
    let list = b.wait_for("transfers", T, |e| e["event"] == "transfers");
    assert_eq!(list["transfers"][0]["state"], "done");
    assert_eq!(list["transfers"][0]["direction"], "in");
    a.send("/transfers");
    let list = a.wait_for("transfers", T, |e| e["event"] == "transfers");
    assert_eq!(list["transfers"][0]["state"], "done");
    still_fine(&mut a, &mut b, "ok after a transfer");
}

fn blake3_hex(data: &[u8]) -> String {
    let mut b = p2pchat_engine::files::ManifestBuilder::new(1 << 20);
    for c in data.chunks(1 << 20) {
        b.push(c);
    }
    hex::encode(b.finish().1)
}

#[test]
fn a_declined_offer_writes_nothing_and_tells_the_sender() {
    let (dir, mut a, mut b) = pair_with(&[]);
    let src = write_file(dir.path(), "secret.txt", b"not for you");
    let down = dir.path().join("down");
    std::fs::create_dir(&down).unwrap();
    let offer = offer(&mut a, &mut b, &src);
    let id = offer["transfer_id"].as_str().unwrap().to_string();
    b.send(&format!("/decline {id}"));
    b.wait_for("file_cancelled", T, |e| {
        e["event"] == "file_cancelled" && e["by"] == "declined"
    });
    let declined = a.wait_for("file_declined", T, |e| e["event"] == "file_declined");
    assert_eq!(declined["by"], b.id.as_str());
    // Accepting now is refused; nothing was written anywhere.
    b.send(&format!("/accept {id} {}", down.display()));
    let e = b.wait_for("error", T, |e| e["event"] == "error");
    assert!(e["message"].as_str().unwrap().contains("declined"), "{e}");
    assert!(files_in(&down).is_empty());
}

#[test]
fn an_offer_over_the_size_limit_is_refused_with_a_line() {
    let (dir, mut a, mut b) = pair_with(&["--max-file-size-mb", "1"]);
    let src = write_file(dir.path(), "big.bin", &content(2 * 1024 * 1024, 2));
    a.send(&format!("/send Bob {}", src.display()));
    let failed = b.wait_for("file_failed", T, |e| e["event"] == "file_failed");
    let reason = failed["reason"].as_str().unwrap();
    assert!(reason.contains("size limit"), "{reason}");
    let declined = a.wait_for("file_declined", T, |e| e["event"] == "file_declined");
    assert!(declined["reason"].as_str().unwrap().contains("size limit"));
    assert!(!b.events().iter().any(|e| e["event"] == "file_offer"));
}

#[test]
fn an_existing_file_is_never_overwritten() {
    let (dir, mut a, mut b) = pair_with(&[]);
    let down = dir.path().join("down");
    std::fs::create_dir(&down).unwrap();
    std::fs::write(down.join("notes.txt"), "mine").unwrap();
    let src = write_file(dir.path(), "notes.txt", b"theirs");
    let offer = offer(&mut a, &mut b, &src);
    let id = offer["transfer_id"].as_str().unwrap().to_string();
    b.send(&format!("/accept {id} {}", down.display()));
    let done = b.wait_for("file_done", T, |e| e["event"] == "file_done");
    assert_eq!(
        PathBuf::from(done["path"].as_str().unwrap()),
        down.join("notes (1).txt")
    );
    assert_eq!(
        std::fs::read_to_string(down.join("notes.txt")).unwrap(),
        "mine"
    );
    assert_eq!(
        std::fs::read_to_string(down.join("notes (1).txt")).unwrap(),
        "theirs"
    );
}

#[test]
fn the_sender_cancels_and_the_receiver_keeps_nothing() {
    let (dir, mut a, mut b) = pair_with(&[]);
    let src = write_file(dir.path(), "later.bin", b"maybe");
    let offer = offer(&mut a, &mut b, &src);
    let id = offer["transfer_id"].as_str().unwrap().to_string();
    a.send(&format!("/cancel {}", &id[..8]));
    a.wait_for("cancelled", T, |e| {
        e["event"] == "file_cancelled" && e["by"] == "you"
    });
    let c = b.wait_for("cancelled", T, |e| e["event"] == "file_cancelled");
    assert_eq!(c["by"], "Alice");
    b.send(&format!("/accept {id}"));
    let e = b.wait_for("error", T, |e| e["event"] == "error");
    assert!(e["message"].as_str().unwrap().contains("cancelled"), "{e}");
}

/// The last `file_progress` of `id` on `p` (the sender's counts every chunk sent, again or
/// not).
fn last_progress(p: &mut Peer, id: &str) -> u64 {
    p.events()
        .iter()
        .filter(|e| e["event"] == "file_progress" && e["transfer_id"] == id)
        .filter_map(|e| e["bytes"].as_u64())
        .next_back()
        .unwrap_or(0)
}

#[test]
fn a_receiver_killed_mid_transfer_resumes_from_its_verified_bytes() {
    let dir = tempfile::tempdir().unwrap();
    let discovery = free_udp_port();
    // 4 MiB/s, so the kill lands in the middle.
    let a_opts = PeerOpts::loopback("Alice", dir.path(), discovery)
        .arg("--max-transfer-rate-kib")
        .arg("4096");
    let b_opts = PeerOpts::loopback("Bob", dir.path(), discovery);
    let mut a = Peer::spawn(&a_opts);
    let mut b = Peer::spawn(&b_opts);
    b.wait_online(&a, T);
    a.wait_online(&b, T);
    const SIZE: usize = 20 * 1024 * 1024;
    let data = content(SIZE, 3);
    let src = write_file(dir.path(), "big.bin", &data);
    let down = dir.path().join("down");
    std::fs::create_dir(&down).unwrap();
    let offer = offer(&mut a, &mut b, &src);
    let id = offer["transfer_id"].as_str().unwrap().to_string();
    b.send(&format!("/accept {id} {}", down.display()));
    let at = b.wait_for("a third received", T, |e| {
        e["event"] == "file_progress" && e["bytes"].as_u64().unwrap() >= (SIZE / 3) as u64
    })["bytes"]
        .as_u64()
        .unwrap();
    b.kill9();
    // Only the partial file is there, and it holds only verified bytes.
    assert_eq!(files_in(&down), vec!["big.bin.p2pchat-part".to_string()]);
    let part = std::fs::read(down.join("big.bin.p2pchat-part")).unwrap();
    assert!(part.len() as u64 >= at, "{} < {at}", part.len());
    assert_eq!(&part[..], &data[..part.len()]);
    a.wait_offline(&b, T);
    let mut b = Peer::spawn(&b_opts);
    let done = b.wait_for(
        "file_done after the restart",
        Duration::from_secs(40),
        |e| e["event"] == "file_done",
    );
    assert_eq!(done["transfer_id"], id.as_str());
    assert_eq!(std::fs::read(down.join("big.bin")).unwrap(), data);
    assert_eq!(files_in(&down), vec!["big.bin".to_string()]);
    // It resumed: at most what was in flight at the kill was sent twice.
    a.wait_for("file_delivered", T, |e| e["event"] == "file_delivered");
    let sent = last_progress(&mut a, &id);
    let again = sent.saturating_sub(SIZE as u64);
    assert!(again <= 3 * 1024 * 1024, "{again} bytes sent again");
    // No second offer line after the restart.
    assert!(!b.events().iter().any(|e| e["event"] == "file_offer"));
}
