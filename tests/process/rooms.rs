//! Rooms (issue #15) with real headless processes on loopback: three peers in two rooms, each
//! peer's events and database hold only its rooms' messages, and a room's messages come back
//! by history sync to a member that was away (its rooms restored from its profile).

use p2pchat_testkit as common;

use common::{free_udp_port, Peer, PeerOpts};
use serde_json::Value;
use std::path::Path;
use std::time::Duration;

const T: Duration = Duration::from_secs(10);

/// Waits until `p`'s room list shows `room` with `members` online members.
fn wait_members(p: &mut Peer, room: &str, members: u64) -> Value {
    let room = room.to_string();
    p.wait_for(&format!("{room} with {members} members"), T, move |e| {
        e["event"] == "rooms"
            && e["rooms"].as_array().is_some_and(|r| {
                r.iter()
                    .any(|r| r["room"] == room.as_str() && r["members"] == members)
            })
    })
}

fn room_message(p: &mut Peer, body: &str) -> Value {
    let body = body.to_string();
    p.wait_for(&format!("message '{body}'"), T, move |e| {
        (e["event"] == "message" || e["event"] == "backfilled") && e["body"] == body.as_str()
    })
}

/// Every (room, body) in a profile's database: shown lines, and the signed originals kept for
/// sync (their room column).
fn stored(data: &Path, name: &str) -> (Vec<(Option<String>, String)>, Vec<String>) {
    let path = data.join("profiles").join(name).join("history.db");
    let db = rusqlite::Connection::open(path).unwrap();
    let mut lines = db
        .prepare("SELECT room, body FROM messages WHERE kind IN ('message', 'sent')")
        .unwrap();
    let lines = lines
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .collect::<Result<Vec<_>, _>>()
        .unwrap();
    let mut kept = db
        .prepare("SELECT room || ' ' || payload FROM relayable")
        .unwrap();
    let kept = kept
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<Vec<_>, _>>()
        .unwrap();
    (lines, kept)
}

#[test]
fn three_peers_in_two_rooms_see_and_store_only_their_rooms() {
    let dir = tempfile::tempdir().unwrap();
    let port = free_udp_port();
    let opts_b = PeerOpts::loopback("Bob", dir.path(), port);
    let mut a = Peer::spawn(&PeerOpts::loopback("Alice", dir.path(), port));
    let mut b = Peer::spawn(&opts_b);
    let mut c = Peer::spawn(&PeerOpts::loopback("Carol", dir.path(), port));
    for (x, y) in [(0, 1), (0, 2), (1, 2)] {
        let (p, q) = match (x, y) {
            (0, 1) => (&mut a, &b),
            (0, 2) => (&mut a, &c),
            _ => (&mut b, &c),
        };
        p.wait_online(q, T);
    }
    a.send("/join #dev");
    a.wait_for("joined", T, |e| {
        e["event"] == "joined" && e["room"] == "#dev"
    });
    b.send("/join #dev");
    wait_members(&mut a, "#dev", 2);
    wait_members(&mut c, "#dev", 2);

    a.send("/msg #dev the dev secret");
    a.send("general after");
    let got = room_message(&mut b, "the dev secret");
    assert_eq!(got["room"], "#dev");
    let general = c.wait_message("general after", T);
    assert_eq!(general["room"], "#general");
    c.send("carol to everyone");
    for p in [&mut a, &mut b] {
        assert_eq!(p.wait_message("carol to everyone", T)["room"], "#general");
    }
    // Carol got Alice's later #general message on the same connection: the #dev one, sent
    // before it, would have come first.
    assert!(
        !c.events().iter().any(|e| e["body"] == "the dev secret"),
        "Carol is not in #dev"
    );
    c.send("/who #dev");
    let who = c.wait_for("room_members", T, |e| e["event"] == "room_members");
    assert_eq!(who["members"].as_array().unwrap().len(), 2);
    assert_eq!(who["me"], false);

    // Bob goes away; Alice says something in #dev; Bob comes back still in #dev (saved) and
    // gets it by history sync. Carol, back in the same way, does not.
    b.quit();
    a.wait_offline(&b, T);
    a.send("/msg #dev while bob was away");
    a.wait_for("sent", T, |e| {
        e["event"] == "sent" && e["body"] == "while bob was away"
    });
    let mut b = Peer::spawn(&opts_b);
    let back = room_message(&mut b, "while bob was away");
    assert_eq!(back["room"], "#dev");
    b.send("/rooms");
    let rooms = b.wait_for("rooms", T, |e| e["event"] == "rooms");
    assert!(
        rooms["rooms"]
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r["room"] == "#dev" && r["joined"] == true),
        "{rooms}"
    );
    a.quit();
    b.quit();
    c.quit();

    let (carol_lines, carol_kept) = stored(dir.path(), "carol");
    assert!(carol_lines.contains(&(Some("#general".into()), "general after".into())));
    assert!(
        !carol_lines
            .iter()
            .any(|(_, b)| b.contains("dev secret") || b.contains("away")),
        "{carol_lines:?}"
    );
    assert!(
        !carol_kept.iter().any(|p| p.contains("#dev")),
        "{carol_kept:?}"
    );
    let (bob_lines, bob_kept) = stored(dir.path(), "bob");
    for body in ["the dev secret", "while bob was away"] {
        assert!(
            bob_lines.contains(&(Some("#dev".into()), body.into())),
            "{body}: {bob_lines:?}"
        );
    }
    assert!(
        bob_kept.iter().any(|p| p.starts_with("#dev ")),
        "{bob_kept:?}"
    );
}

#[test]
fn replies_reactions_toggle_edits_and_deletes_are_the_authors_and_the_store_keeps_no_copy() {
    let dir = tempfile::tempdir().unwrap();
    let port = free_udp_port();
    let mut a = Peer::spawn(&PeerOpts::loopback("Alice", dir.path(), port));
    let mut b = Peer::spawn(&PeerOpts::loopback("Bob", dir.path(), port));
    a.wait_online(&b, T);
    b.wait_online(&a, T);
    a.send("teh plan");
    let id = b.wait_message("teh plan", T)["msg_id"]
        .as_str()
        .unwrap()
        .to_string();
    b.send(&format!("/reply {id} sounds good"));
    let reply = a.wait_message("sounds good", T);
    assert_eq!(reply["reply_to"], id.as_str());
    assert_eq!(reply["room"], "#general");
    let reaction = |p: &mut Peer, on: bool, count: u64| {
        p.wait_for(&format!("reaction on={on} count={count}"), T, move |e| {
            e["event"] == "reaction" && e["on"] == on && e["count"] == count && e["emoji"] == "👍"
        })
    };
    b.send(&format!("/react {id} 👍"));
    reaction(&mut a, true, 1);
    b.send(&format!("/react {id} 👍"));
    reaction(&mut a, false, 0);
    // Bob cannot edit Alice's message: refused before anything is sent.
    b.send(&format!("/edit {id} forged"));
    b.wait_for("the refusal", T, |e| {
        e["event"] == "error" && e["message"].as_str().unwrap().contains("only its author")
    });
    a.send(&format!("/edit {id} the plan"));
    let edited = b.wait_for("edited", T, |e| e["event"] == "edited");
    assert_eq!(
        (edited["msg_id"].as_str(), edited["body"].as_str()),
        (Some(id.as_str()), Some("the plan"))
    );
    a.send(&format!("/delete {id}"));
    b.wait_for("deleted", T, |e| {
        e["event"] == "deleted" && e["msg_id"] == id.as_str()
    });
    assert!(!a
        .events()
        .iter()
        .any(|e| e["event"] == "edited" && e["body"] == "forged"));
    a.quit();
    b.quit();
    let (lines, kept) = stored(dir.path(), "bob");
    assert!(
        lines.contains(&(Some("#general".into()), "message deleted".into())),
        "{lines:?}"
    );
    assert!(!lines.iter().any(|(_, b)| b.contains("plan")), "{lines:?}");
    assert!(!kept.iter().any(|p| p.contains("plan")), "{kept:?}");
}
