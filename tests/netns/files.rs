//! A file transfer between two hosts in network namespaces that survives a pulled cable and
//! a `kill -9` of the receiver: both times it resumes from the verified bytes on disk, and the
//! file arrives whole and verified with little sent twice.
//!
//! Needs root and iproute2 (skips with a printed reason otherwise, fails under CI=true).

use p2pchat_testkit as common;
use p2pchat_testkit::netlab;

use common::*;
use netlab::{skip, Lab};
use std::time::Duration;

const T: Duration = Duration::from_secs(30);
const SIZE: usize = 24 * 1024 * 1024;

fn opts(lab: &Lab, i: usize, name: &str, dir: &std::path::Path, extra: &[&str]) -> PeerOpts {
    PeerOpts {
        name: name.into(),
        data_dir: dir.to_path_buf(),
        args: extra.iter().map(|s| s.to_string()).collect(),
        wrapper: lab.wrapper(i),
    }
}

fn progress_at_least(p: &mut Peer, id: &str, bytes: u64) -> u64 {
    let id = id.to_string();
    p.wait_for(&format!("{bytes} bytes of {id}"), T, move |e| {
        e["event"] == "file_progress"
            && e["transfer_id"] == id.as_str()
            && e["bytes"].as_u64().unwrap() >= bytes
    })["bytes"]
        .as_u64()
        .unwrap()
}

#[test]
fn a_transfer_resumes_after_a_cut_link_and_after_kill_9_of_the_receiver() {
    if skip("a_transfer_resumes_after_a_cut_link_and_after_kill_9_of_the_receiver") {
        return;
    }
    let lab = Lab::new('t', 2).expect("lab");
    let dir = tempfile::tempdir().unwrap();
    let mut a = Peer::spawn(&opts(
        &lab,
        1,
        "Alice",
        dir.path(),
        &["--max-transfer-rate-kib", "4096"],
    ));
    let b_opts = opts(&lab, 2, "Bob", dir.path(), &[]);
    let mut b = Peer::spawn(&b_opts);
    a.wait_online(&b, T);
    b.wait_online(&a, T);
    let data: Vec<u8> = (0..SIZE).map(|i| (i * 131 % 251) as u8).collect();
    let src = dir.path().join("dataset.bin");
    std::fs::write(&src, &data).unwrap();
    let down = dir.path().join("down");
    std::fs::create_dir(&down).unwrap();
    a.send(&format!("/send Bob {}", src.display()));
    let offer = b.wait_for("file_offer", T, |e| e["event"] == "file_offer");
    let id = offer["transfer_id"].as_str().unwrap().to_string();
    b.send(&format!("/accept {id} {}", down.display()));

    // A pulled cable at a quarter: nothing arrives, both sides give up the connections, and
    // when it is back the transfer goes on from where it was.
    let before_cut = progress_at_least(&mut b, &id, (SIZE / 4) as u64);
    lab.cut(2);
    b.wait_offline(&a, T);
    lab.heal(2);
    b.wait_for("Alice back", T, |e| {
        e["event"] == "peer_online" && e["name"] == "Alice"
    });
    let after = progress_at_least(&mut b, &id, before_cut + 1);
    assert!(after > before_cut);

    // kill -9 of the receiver past half: restarted, it resumes into the same partial file.
    progress_at_least(&mut b, &id, (SIZE / 2) as u64);
    b.kill9();
    let part = down.join("dataset.bin.p2pchat-part");
    let kept = std::fs::metadata(&part).unwrap().len() as usize;
    assert_eq!(std::fs::read(&part).unwrap(), data[..kept]);
    let mut b = Peer::spawn(&b_opts);
    let done = b.wait_for("file_done", Duration::from_secs(60), |e| {
        e["event"] == "file_done"
    });
    assert_eq!(done["transfer_id"], id.as_str());
    assert_eq!(std::fs::read(down.join("dataset.bin")).unwrap(), data);
    a.wait_for("delivered", T, |e| e["event"] == "file_delivered");
    // What went out twice: only what was in flight at the cut and at the kill.
    let sent = a
        .events()
        .iter()
        .filter(|e| e["event"] == "file_progress" && e["transfer_id"] == id.as_str())
        .filter_map(|e| e["bytes"].as_u64())
        .max()
        .unwrap();
    let again = sent.saturating_sub(SIZE as u64);
    assert!(again <= 8 * 1024 * 1024, "{again} bytes sent again");
}
