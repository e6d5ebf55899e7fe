//! Hostile file senders against a real process: chunks that do not match the signed
//! manifest are refused and never written (and the receiver resumes after the good ones);
//! a hostile file name stays one plain name inside the download directory.

use common::raw_sender::{RawSender, RAW_CHUNK};
use common::*;
use p2pchat_engine::identity::Identity;
use p2pchat_engine::wire::PeerId;
use p2pchat_testkit as common;
use std::path::Path;
use std::time::Duration;

const T: Duration = Duration::from_secs(20);

fn data(len: usize) -> Vec<u8> {
    (0..len).map(|i| (i * 7 % 253) as u8).collect()
}

fn listing(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

/// Mallory offers `name` to `a`, which accepts into a fresh `down` directory.
fn offered(a: &mut Peer, dir: &Path, name: &str, len: usize) -> (RawSender, std::path::PathBuf) {
    let mallory = Identity::from_secret([77; 32]);
    let a_id = PeerId::from_hex(&a.id).unwrap();
    let sender = RawSender::offer(a.port, mallory, a_id, name, data(len));
    let offer = a.wait_for("file_offer", T, |e| e["event"] == "file_offer");
    assert_eq!(offer["transfer_id"], sender.transfer_id.as_str());
    let down = dir.join("down");
    std::fs::create_dir(&down).unwrap();
    a.send(&format!(
        "/accept {} {}",
        sender.transfer_id,
        down.display()
    ));
    (sender, down)
}

#[test]
fn forged_chunks_are_refused_never_written_and_the_transfer_fails_after_three() {
    let Pair {
        dir, mut a, mut b, ..
    } = honest_pair();
    let len = 7 * RAW_CHUNK as usize + 100;
    let (sender, down) = offered(&mut a, dir.path(), "report.pdf", len);
    let forge = |index: u64, chunk: &mut Vec<u8>| {
        if index == 3 {
            chunk[10] ^= 0x40;
        }
    };
    let mut asked = Vec::new();
    for _ in 0..3 {
        asked.extend(sender.serve_one(&forge));
    }
    // The first connection asked from the start; each retry from the forged chunk, after the
    // three good ones already verified and written.
    assert_eq!(asked, vec![0, 3, 3]);
    let failed = a.wait_for("file_failed", T, |e| e["event"] == "file_failed");
    let reason = failed["reason"].as_str().unwrap();
    assert!(reason.contains("did not match"), "{reason}");
    // Nothing at all stays: no target, and the partial file is deleted.
    assert!(listing(&down).is_empty(), "{:?}", listing(&down));
    still_fine(&mut a, &mut b, "ok after forged chunks");
}

#[test]
fn a_forged_chunk_is_asked_again_and_the_file_completes_verified() {
    let Pair {
        dir, mut a, mut b, ..
    } = honest_pair();
    let len = 5 * RAW_CHUNK as usize;
    let (sender, down) = offered(&mut a, dir.path(), "data.bin", len);
    let first = sender.serve_one(&|index, chunk| {
        if index == 2 {
            chunk.truncate(5);
        }
    });
    let second = sender.serve_one(&|_, _| {});
    assert_eq!((first, second), (vec![0], vec![2]));
    let done = a.wait_for("file_done", T, |e| e["event"] == "file_done");
    assert_eq!(done["path"], down.join("data.bin").display().to_string());
    assert_eq!(std::fs::read(down.join("data.bin")).unwrap(), sender.data);
    still_fine(&mut a, &mut b, "ok after a refused chunk");
}

#[test]
fn a_hostile_name_stays_one_plain_file_in_the_download_directory() {
    let Pair {
        dir, mut a, mut b, ..
    } = honest_pair();
    let name = "../../evil\u{1b}[2J\u{202e}.sh";
    let (sender, down) = offered(&mut a, dir.path(), name, 1000);
    let offer = a
        .events()
        .iter()
        .find(|e| e["event"] == "file_offer")
        .cloned()
        .unwrap();
    let shown = offer["name"].as_str().unwrap();
    assert!(!shown.contains('/') && !shown.contains('\u{1b}') && !shown.contains('\u{202e}'));
    sender.serve_one(&|_, _| {});
    let done = a.wait_for("file_done", T, |e| e["event"] == "file_done");
    let path = std::path::PathBuf::from(done["path"].as_str().unwrap());
    assert_eq!(path.parent().unwrap(), down);
    assert_eq!(listing(&down), vec![shown.to_string()]);
    // Nothing was written beside or above the download directory.
    assert!(!listing(dir.path()).iter().any(|n| n.contains("evil")));
    assert!(!listing(dir.path().parent().unwrap())
        .iter()
        .any(|n| n.contains("evil")));
    still_fine(&mut a, &mut b, "ok after a hostile name");
}
