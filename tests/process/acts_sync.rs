//! Acts and history sync with real processes (issue #15): Carol is stopped while Alice
//! deletes one message and edits another and Bob reacts to a third; when Carol starts again
//! she gets all three by sync, and her database keeps no undeleted body and no signed original
//! of the deleted message. Reaction counts survive a restart.

use p2pchat_testkit::raw::T;
use p2pchat_testkit::*;
use serde_json::Value;
use std::path::Path;

fn db(data: &Path, name: &str) -> rusqlite::Connection {
    rusqlite::Connection::open(data.join("profiles").join(name).join("history.db")).unwrap()
}

fn strings(db: &rusqlite::Connection, sql: &str) -> Vec<String> {
    let mut stmt = db.prepare(sql).unwrap();
    let rows = stmt.query_map([], |r| r.get(0)).unwrap();
    rows.collect::<Result<Vec<String>, _>>().unwrap()
}

fn msg_id(v: &Value) -> String {
    v["msg_id"].as_str().unwrap().to_string()
}

#[test]
fn a_stopped_peer_gets_deletes_edits_and_reactions_by_sync_and_keeps_counts_over_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let port = free_udp_port();
    let opts = |name: &str| PeerOpts::loopback(name, dir.path(), port);
    let mut a = Peer::spawn(&opts("Alice"));
    let mut b = Peer::spawn(&opts("Bob"));
    let mut c = Peer::spawn(&opts("Carol"));
    a.wait_online(&b, T);
    a.wait_online(&c, T);
    b.wait_online(&a, T);
    b.wait_online(&c, T);
    c.wait_online(&a, T);
    c.wait_online(&b, T);
    a.send("the secret plan");
    a.send("teh second");
    a.send("third, react to me");
    let secret = msg_id(&c.wait_message("the secret plan", T));
    let second = msg_id(&c.wait_message("teh second", T));
    let third = msg_id(&c.wait_message("third, react to me", T));
    b.wait_message("third, react to me", T);

    c.quit();
    a.wait_offline(&c, T);
    b.wait_offline(&c, T);
    a.send(&format!("/delete {secret}"));
    a.send(&format!("/edit {second} the second"));
    b.send(&format!("/react {third} 👍"));
    b.wait_for("edit", T, |e| e["event"] == "edited");
    b.wait_for("delete", T, |e| e["event"] == "deleted");
    a.wait_for("reaction", T, |e| {
        e["event"] == "reaction" && e["count"] == 1
    });

    let mut c = Peer::spawn(&opts("Carol"));
    let deleted = c.wait_for("deleted by sync", T, |e| e["event"] == "deleted");
    assert_eq!(deleted["msg_id"], secret.as_str());
    let edited = c.wait_for("edited by sync", T, |e| e["event"] == "edited");
    assert_eq!(
        (edited["msg_id"].as_str(), edited["body"].as_str()),
        (Some(second.as_str()), Some("the second"))
    );
    let like = c.wait_for("reaction by sync", T, |e| e["event"] == "reaction");
    assert_eq!(
        (
            like["msg_id"].as_str(),
            like["emoji"].as_str(),
            like["count"].as_u64()
        ),
        (Some(third.as_str()), Some("👍"), Some(1))
    );
    assert!(!c.events().iter().any(|e| e["event"] == "history_gap"));
    c.quit();

    let carol = db(dir.path(), "carol");
    let bodies = strings(&carol, "SELECT body FROM messages WHERE room IS NOT NULL");
    assert!(!bodies.iter().any(|b| b.contains("secret")), "{bodies:?}");
    assert!(
        bodies.contains(&"message deleted".to_string()),
        "{bodies:?}"
    );
    assert!(
        bodies.contains(&"the second (edited)".to_string()),
        "{bodies:?}"
    );
    let kept = strings(&carol, "SELECT payload FROM relayable");
    assert!(!kept.iter().any(|p| p.contains("secret")), "{kept:?}");
    let reactions = strings(&carol, "SELECT msg_id || ' ' || emoji FROM reactions");
    assert_eq!(reactions, vec![format!("{third} 👍")]);
    drop(carol);

    // After another restart the stored lines carry the count, and Bob taking his reaction back
    // counts down from it (the node knows who reacted from the store).
    let mut c = Peer::spawn(&opts("Carol"));
    c.send("/history 20");
    let history = c.wait_for("history", T, |e| e["event"] == "history");
    let line = history["entries"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["msg_id"] == third.as_str())
        .cloned()
        .expect("the reacted message is stored");
    assert_eq!(line["reactions"], serde_json::json!([["👍", 1]]), "{line}");
    c.wait_online(&b, T);
    b.wait_online(&c, T);
    b.send(&format!("/react {third} 👍"));
    let off = c.wait_for("reaction off", T, |e| e["event"] == "reaction");
    assert_eq!(
        (off["on"].as_bool(), off["count"].as_u64()),
        (Some(false), Some(0))
    );
    c.quit();
    let reactions = strings(&db(dir.path(), "carol"), "SELECT emoji FROM reactions");
    assert!(reactions.is_empty(), "{reactions:?}");
    a.quit();
    b.quit();
}
