//! A raw client with its own valid key edits and deletes someone else's message (issue #15):
//! live `act` frames and an act given by history sync are refused at the receiver (headless
//! `rejected`), and the receiver's database is unchanged.

use common::raw::*;
use common::*;
use p2pchat_engine::identity::Identity;
use p2pchat_engine::rooms::{Act, ActContent, RoomName};
use p2pchat_engine::wire::{AuthorRanges, Domain, Frame, SignedPayload};
use p2pchat_testkit as common;
use std::path::Path;

/// Alice's stored line for `msg_id` at `who` and whether its signed original is still kept.
fn stored_at(data: &Path, who: &str, msg_id: &str) -> (String, bool) {
    let path = data.join("profiles").join(who).join("history.db");
    let db = rusqlite::Connection::open(path).unwrap();
    let body: String = db
        .query_row(
            "SELECT body FROM messages WHERE msg_id = ?1",
            [msg_id],
            |r| r.get(0),
        )
        .unwrap();
    let kept: i64 = db
        .query_row(
            "SELECT COUNT(*) FROM relayable WHERE msg_id = ?1",
            [msg_id],
            |r| r.get(0),
        )
        .unwrap();
    (body, kept == 1)
}

#[test]
fn a_forged_edit_and_delete_of_someone_elses_message_are_refused_live_and_by_sync() {
    let Pair {
        dir, mut a, mut b, ..
    } = honest_pair();
    a.send("ok the plan");
    let m = b.wait_message("ok the plan", T);
    let id = m["msg_id"].as_str().unwrap().to_string();
    assert_eq!(
        stored_at(dir.path(), "bob", &id),
        ("ok the plan".to_string(), true)
    );

    let mallory = Identity::from_secret([5; 32]);
    let (mut s, _) = handshake(b.port, &mallory, 2);
    b.wait_for("mallory online", T, |e| {
        e["event"] == "peer_online" && e["name"] == "Mallory"
    });
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as i64;
    let act = |seq: u64, act: Act| {
        let content = ActContent {
            author: mallory.id(),
            seq,
            ts: now,
            room: RoomName::general(),
            target: id.clone(),
            act,
            prev: None,
            edits: Vec::new(),
        };
        SignedPayload::sign(mallory.signing_key(), Domain::Act, &content)
    };
    let not_the_author = "act refused: only its author may edit or delete a message";
    // Live: an edit, then a delete, each signed with Mallory's own valid key.
    s.write(&Frame::Act(act(
        1,
        Act::Edit {
            body: "forged".into(),
        },
    )));
    rejected(&mut b, "forged edit", not_the_author);
    b.drain();
    s.write(&Frame::Act(act(2, Act::Delete)));
    rejected(&mut b, "forged delete", not_the_author);

    // By history sync: Mallory offers a forged edit in its summary and gives it when asked.
    s.write(&Frame::Have {
        authors: vec![AuthorRanges {
            author: mallory.id(),
            ranges: vec![(5, 5)],
        }],
        more: false,
    });
    loop {
        match s.read() {
            Some(Frame::Want { authors }) => {
                assert_eq!(authors[0].ranges, vec![(5, 5)]);
                break;
            }
            Some(_) => continue,
            None => panic!("Bob never asked for what Mallory offered"),
        }
    }
    s.write(&Frame::Give {
        messages: vec![act(
            5,
            Act::Edit {
                body: "forged by sync".into(),
            },
        )],
        last: true,
    });
    rejected(
        &mut b,
        "forged edit by sync",
        "sync: act refused: only its author may edit or delete a message",
    );

    still_fine(&mut b, &mut a, "ok still fine");
    let applied = b
        .events()
        .iter()
        .any(|e| e["event"] == "edited" || e["event"] == "deleted");
    assert!(!applied, "{:?}", b.events());
    assert_eq!(
        stored_at(dir.path(), "bob", &id),
        ("ok the plan".to_string(), true),
        "Bob's database is unchanged"
    );
}
