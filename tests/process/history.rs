//! History, private messages and key trust, with real headless processes on loopback:
//! restarts (kill -9 included), a third peer that never sees a private message, the key-change
//! warning, safety codes, blocking, and a broken database as a one-line error.

use p2pchat_testkit as common;

use common::{free_udp_port, Peer, PeerOpts};
use serde_json::Value;
use std::path::Path;
use std::time::Duration;

const T: Duration = Duration::from_secs(10);

fn profile_file(data: &Path, name: &str, file: &str) -> std::path::PathBuf {
    data.join("profiles").join(name.to_lowercase()).join(file)
}

fn history(p: &mut Peer) -> Value {
    p.send("/history 100");
    p.wait_for_new_event("history")
}

trait Wait {
    fn wait_for_new_event(&mut self, kind: &str) -> Value;
}

impl Wait for Peer {
    fn wait_for_new_event(&mut self, kind: &str) -> Value {
        let k = kind.to_string();
        self.try_wait_for_new(T, move |e| e["event"] == k.as_str())
            .unwrap_or_else(|| panic!("{}: no {kind} event", self.name))
    }
}

fn bodies(entries: &Value) -> Vec<String> {
    entries
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["body"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn history_identity_and_sequence_survive_kill_9() {
    let dir = tempfile::tempdir().unwrap();
    let port = free_udp_port();
    let opts_a = PeerOpts::loopback("Alice", dir.path(), port);
    let opts_b = PeerOpts::loopback("Bob", dir.path(), port);
    let mut a = Peer::spawn(&opts_a);
    let mut b = Peer::spawn(&opts_b);
    a.wait_online(&b, T);
    b.wait_online(&a, T);
    a.send("before the crash");
    let before = b.wait_message("before the crash", T);
    // Displayed, then killed at once: it must be on disk.
    b.kill9();
    a.kill9();
    let (a_id, b_id) = (a.id.clone(), b.id.clone());
    let mut b = Peer::spawn(&opts_b);
    assert_eq!(b.id, b_id, "identity survives");
    let h = history(&mut b);
    assert!(
        bodies(&h["entries"]).contains(&"before the crash".to_string()),
        "{h}"
    );
    let entry = h["entries"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["body"] == "before the crash")
        .unwrap()
        .clone();
    assert_eq!(entry["kind"], "message");
    assert_eq!(entry["author"], a_id.as_str());
    assert_eq!(entry["signed"], true);
    b.send("/search CRASH");
    let found = b.wait_for_new_event("search_results");
    assert_eq!(bodies(&found["entries"]), vec!["before the crash"]);

    // Alice, restarted after kill -9, still signs with fresh sequence numbers: Bob's replay
    // window (restored from disk) accepts her new message.
    let mut a = Peer::spawn(&opts_a);
    assert_eq!(a.id, a_id);
    a.wait_online(&b, T);
    b.wait_online(&a, T);
    a.send("after the crash");
    let after = b.wait_message("after the crash", T);
    let seq = |m: &Value| -> u64 {
        let id = m["msg_id"].as_str().unwrap();
        id.rsplit_once(':').unwrap().1.parse().unwrap()
    };
    assert!(
        seq(&after) > seq(&before),
        "sequence numbers never go backwards across kill -9"
    );
    assert!(
        !b.events().iter().any(|e| e["event"] == "rejected"),
        "nothing rejected as a replay"
    );
    // Alice's own history has her sent message from before the crash.
    let h = history(&mut a);
    assert!(bodies(&h["entries"]).contains(&"before the crash".to_string()));
    a.quit();
    b.quit();
}

#[test]
fn private_message_reaches_only_its_recipient() {
    let dir = tempfile::tempdir().unwrap();
    let port = free_udp_port();
    let mut a = Peer::spawn(&PeerOpts::loopback("Alice", dir.path(), port));
    let mut b = Peer::spawn(&PeerOpts::loopback("Bob", dir.path(), port));
    let mut c = Peer::spawn(&PeerOpts::loopback("Carol", dir.path(), port));
    a.wait_online(&b, T);
    a.wait_online(&c, T);
    c.wait_online(&a, T);
    a.send("/dm bob the secret is 4711");
    let got = b.wait_for("direct_message", T, |e| e["event"] == "direct_message");
    assert_eq!(got["body"], "the secret is 4711");
    assert_eq!(got["from"], a.id.as_str());
    let sent = a.wait_for("dm_sent", T, |e| e["event"] == "dm_sent");
    assert_eq!(sent["to"], b.id.as_str());
    // A later broadcast reaches Carol over the same connection: had the private message been
    // sent to her, she would have it by now.
    a.send("public after the secret");
    c.wait_message("public after the secret", T);
    c.quit();
    let seen: Vec<String> = c
        .events()
        .iter()
        .map(|e| e.to_string())
        .filter(|e| e.contains("secret is 4711"))
        .collect();
    assert!(seen.is_empty(), "Carol saw the private message: {seen:?}");
    for file in ["history.db", "history.db-wal"] {
        let path = profile_file(dir.path(), "Carol", file);
        if let Ok(bytes) = std::fs::read(&path) {
            assert!(
                !bytes.windows(14).any(|w| w == b"secret is 4711"),
                "{} holds the private message",
                path.display()
            );
        }
    }
    // Bob's history has it, marked private.
    let h = history(&mut b);
    let e = h["entries"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["body"] == "the secret is 4711")
        .cloned()
        .expect("stored for Bob");
    assert_eq!(e["kind"], "dm_in");
    assert_eq!(e["peer"], a.id.as_str());
    a.send("/dm nobody hi");
    a.wait_for("not sent", T, |e| {
        e["event"] == "error" && e["message"].as_str().unwrap().contains("no connected peer")
    });
}

#[test]
fn a_known_name_with_a_new_key_is_a_loud_warning_and_trust_is_kept() {
    let dir = tempfile::tempdir().unwrap();
    let port = free_udp_port();
    let mut a = Peer::spawn(&PeerOpts::loopback("Alice", dir.path(), port));
    let mut bob = Peer::spawn(&PeerOpts::loopback("Bob", dir.path(), port));
    let first = a.wait_for("trust", T, |e| e["event"] == "peer_trust");
    assert_eq!(first["trust"], "new");
    bob.wait_online(&a, T);

    // Safety codes agree on both screens.
    a.send("/verify Bob");
    let code_a = a.wait_for("code", T, |e| e["event"] == "safety_code");
    bob.send("/verify alice");
    let code_b = bob.wait_for("code", T, |e| e["event"] == "safety_code");
    assert_eq!(code_a["code"], code_b["code"]);
    assert_eq!(code_a["code"].as_str().unwrap().len(), 23);
    let prefix = code_a["code"].as_str().unwrap()[..5].to_string();
    a.send(&format!("/trust Bob {prefix}"));
    a.wait_for("verified", T, |e| {
        e["event"] == "peer_trust" && e["trust"] == "verified"
    });
    let bob_fp = bob_fingerprint(&first);
    bob.quit();
    a.wait_offline(&bob, T);

    // Another key calls itself Bob: a warning naming the original fingerprint.
    let other = tempfile::tempdir().unwrap();
    let fake = Peer::spawn(&PeerOpts::loopback("Bob", other.path(), port));
    assert_ne!(fake.id, bob.id);
    let warn = a.wait_for("key_changed", T, |e| {
        e["event"] == "peer_trust" && e["trust"] == "key_changed"
    });
    assert_eq!(warn["id"], fake.id.as_str());
    assert_eq!(warn["previous"][0], bob_fp.as_str());
    // Two Bobs now: a name alone is ambiguous, the fingerprint is not.
    a.send("/verify Bob");
    a.wait_for("ambiguous", T, |e| {
        e["event"] == "error" && e["message"].as_str().unwrap().contains("ambiguous")
    });
    // The warning is in the stored history too.
    let h = history(&mut a);
    assert!(
        bodies(&h["entries"])
            .iter()
            .any(|b| b.contains("possible impersonation")),
        "{h}"
    );
    // Blocking the impostor hides its messages; unblocking shows them again.
    let fake_fp = warn["fingerprint"].as_str().unwrap().to_string();
    let mut fake = fake;
    fake.wait_online(&a, T);
    a.send(&format!("/block {fake_fp}"));
    a.wait_for("blocked", T, |e| {
        e["event"] == "peer_trust" && e["blocked"] == true
    });
    fake.send("buy my coins");
    let fake_id = fake.id.clone();
    a.wait_for("dropped", T, move |e| {
        e["event"] == "rejected" && e["from"] == fake_id.as_str()
    });
    a.send(&format!("/unblock {fake_fp}"));
    let fake_id = fake.id.clone();
    a.try_wait_for_new(T, move |e| {
        e["event"] == "peer_trust" && e["blocked"] == false && e["id"] == fake_id.as_str()
    })
    .expect("unblocked");
    fake.send("second try");
    a.wait_message("second try", T);
    assert!(
        !a.events().iter().any(|e| e["body"] == "buy my coins"),
        "blocked message shown"
    );
}

fn bob_fingerprint(trust_event: &Value) -> String {
    trust_event["fingerprint"].as_str().unwrap().to_string()
}

#[test]
fn a_broken_database_is_a_one_line_error() {
    let dir = tempfile::tempdir().unwrap();
    let port = free_udp_port();
    let opts = PeerOpts::loopback("Alice", dir.path(), port);
    let mut a = Peer::spawn(&opts);
    a.quit();
    let db = profile_file(dir.path(), "Alice", "history.db");
    for f in ["history.db-wal", "history.db-shm"] {
        let _ = std::fs::remove_file(profile_file(dir.path(), "Alice", f));
    }
    std::fs::write(&db, vec![0x42u8; 16384]).unwrap();
    let err = Peer::try_spawn(&opts).err().expect("refuses to start");
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(
        err.contains("history database") && err.contains("history.db"),
        "{err}"
    );
    assert!(!err.contains("panicked"), "{err}");
    // A database that cannot be opened at all (here a directory in its place) likewise.
    std::fs::remove_file(&db).unwrap();
    std::fs::create_dir(&db).unwrap();
    let err = Peer::try_spawn(&opts).err().expect("refuses to start");
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.contains("history database"), "{err}");
}

#[test]
fn a_private_message_for_an_absent_peer_survives_the_senders_restart() {
    let dir = tempfile::tempdir().unwrap();
    let port = free_udp_port();
    let opts_a = PeerOpts::loopback("Alice", dir.path(), port);
    let opts_b = PeerOpts::loopback("Bob", dir.path(), port);
    let mut a = Peer::spawn(&opts_a);
    let mut b = Peer::spawn(&opts_b);
    a.wait_online(&b, T);
    b.quit();
    a.wait_offline(&b, T);
    // Bob is known but away: by name, the message is queued.
    a.send("/dm bob read this when you are back");
    let sent = a.wait_for("queued", T, |e| e["event"] == "dm_sent");
    assert_eq!(sent["status"], "queued");
    assert_eq!(sent["to"], b.id.as_str());
    let msg_id = sent["msg_id"].as_str().unwrap().to_string();
    a.kill9();
    let mut a = Peer::spawn(&opts_a);
    let mut b = Peer::spawn(&opts_b);
    let got = b.wait_for("dm", T, |e| e["event"] == "direct_message");
    assert_eq!(got["body"], "read this when you are back");
    assert_eq!(got["msg_id"], msg_id.as_str());
    let id = msg_id.clone();
    a.wait_for("delivered", T, move |e| {
        e["event"] == "delivered" && e["msg_id"] == id.as_str()
    });
    let h = history(&mut a);
    let e = h["entries"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["msg_id"] == msg_id.as_str())
        .cloned()
        .unwrap();
    assert_eq!(
        (e["kind"].clone(), e["status"].clone()),
        ("dm_out".into(), "delivered".into())
    );
    // Bob shows it once even if Alice resends (she will not: her outbox is empty now).
    a.quit();
    b.quit();
    let shown = b
        .events()
        .iter()
        .filter(|e| e["event"] == "direct_message")
        .count();
    assert_eq!(shown, 1);
}

/// Makes a directory immutable (`chattr +i`: not even root may add files) until dropped.
struct Immutable(std::path::PathBuf);

impl Immutable {
    fn set(dir: &Path) -> Option<Immutable> {
        let ok = std::process::Command::new("chattr")
            .arg("+i")
            .arg(dir)
            .status()
            .is_ok_and(|s| s.success());
        ok.then(|| Immutable(dir.to_path_buf()))
    }
}

impl Drop for Immutable {
    fn drop(&mut self) {
        let _ = std::process::Command::new("chattr")
            .arg("-i")
            .arg(&self.0)
            .status();
    }
}

#[test]
fn a_read_only_profile_is_a_one_line_error() {
    let dir = tempfile::tempdir().unwrap();
    let port = free_udp_port();
    let opts = PeerOpts::loopback("Alice", dir.path(), port);
    let mut a = Peer::spawn(&opts);
    a.quit();
    let profile = dir.path().join("profiles").join("alice");
    for f in ["history.db", "history.db-wal", "history.db-shm"] {
        let _ = std::fs::remove_file(profile.join(f));
    }
    // Root ignores permission bits, so use the immutable attribute where it is available.
    let Some(_guard) = Immutable::set(&profile) else {
        common::prereq::missing(
            "a_read_only_profile_is_a_one_line_error",
            "chattr +i not available",
        );
        return;
    };
    let err = Peer::try_spawn(&opts).err().expect("refuses to start");
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(
        err.contains("history database") && err.contains("writable"),
        "{err}"
    );
    assert!(!err.contains("panicked"), "{err}");
}

/// How often each body ending in `tag` was shown on `p` (live or synced).
fn shown_with(p: &mut Peer, tag: &str) -> std::collections::HashMap<String, usize> {
    let mut out = std::collections::HashMap::new();
    for e in p.events() {
        let kind = e["event"].as_str().unwrap_or_default();
        if let (true, Some(body)) = (
            kind == "message" || kind == "backfilled",
            e["body"].as_str(),
        ) {
            if body.ends_with(tag) {
                *out.entry(body.to_string()).or_insert(0) += 1;
            }
        }
    }
    out
}

/// The duplicate race of issue #11: a peer comes back from `kill -9` while the others keep
/// writing, so the same message can reach it by sync from a third peer and live from its
/// author at about the same time. Each is shown once.
#[test]
fn a_peer_back_from_kill_9_while_others_write_shows_each_message_once() {
    let dir = tempfile::tempdir().unwrap();
    let port = free_udp_port();
    let opts_c = PeerOpts::loopback("Carol", dir.path(), port);
    let mut a = Peer::spawn(&PeerOpts::loopback("Alice", dir.path(), port));
    let mut b = Peer::spawn(&PeerOpts::loopback("Bob", dir.path(), port));
    let mut c = Peer::spawn(&opts_c);
    a.wait_online(&b, T);
    a.wait_online(&c, T);
    b.wait_online(&a, T);
    b.wait_online(&c, T);
    c.wait_online(&a, T);
    c.wait_online(&b, T);
    c.kill9();
    a.wait_offline(&c, T);
    b.wait_offline(&c, T);
    for n in 0..30 {
        a.send(&format!("a{n} while away #race"));
        b.send(&format!("b{n} while away #race"));
    }
    b.wait_message("a29 while away #race", T);
    a.wait_message("b29 while away #race", T);
    // Carol restarts; Alice and Bob write on while she reconnects to each in turn.
    let mut c = Peer::spawn(&opts_c);
    for n in 0..60 {
        a.send(&format!("a{n} meanwhile #race"));
        b.send(&format!("b{n} meanwhile #race"));
        if n % 10 == 9 {
            std::thread::sleep(Duration::from_millis(50));
        }
    }
    let total = 2 * (30 + 60);
    let deadline = std::time::Instant::now() + Duration::from_secs(30);
    while shown_with(&mut c, "#race").len() < total && std::time::Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(100));
    }
    std::thread::sleep(Duration::from_secs(1)); // late copies would show now
    let shown = shown_with(&mut c, "#race");
    let twice: Vec<_> = shown.iter().filter(|(_, n)| **n > 1).collect();
    assert_eq!(shown.len(), total, "Carol has {} of {total}", shown.len());
    assert!(twice.is_empty(), "shown twice: {twice:?}");
    let rejected: Vec<_> = c
        .events()
        .iter()
        .filter(|e| e["event"] == "rejected")
        .cloned()
        .collect();
    assert!(rejected.is_empty(), "{rejected:?}");
    for p in [&mut a, &mut b, &mut c] {
        p.quit();
    }
}
