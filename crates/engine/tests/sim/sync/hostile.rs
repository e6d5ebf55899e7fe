//! Retention, dates, and hostile peers: what is past retention is not asked for and the hole
//! is told; future-dated junk is refused while the real messages arrive; a false summary,
//! unasked messages or an oversized want are refused and bounded.

use super::*;
use bytes::Bytes;
use p2pchat_engine::identity::Identity;
use p2pchat_engine::node::sync::{
    MAX_HAVE_AUTHORS, MAX_HAVE_RANGES, SYNC_BURST, SYNC_PAGE, SYNC_RATE,
};
use p2pchat_engine::sim::Sim;
use p2pchat_engine::wire::{AuthorRanges, ChatContent, Domain, LinkedChat, PeerId, SignedPayload};

fn frame(f: &Frame) -> Bytes {
    encode_frame(f, MAX).unwrap()
}

fn bodies(sim: &Sim, i: usize, prefix: &str) -> Vec<String> {
    sim.events(i)
        .filter_map(|e| match e {
            NetEvent::Message { body, .. } | NetEvent::Backfilled { body, .. }
                if body.starts_with(prefix) =>
            {
                Some(body.clone())
            }
            _ => None,
        })
        .collect()
}

/// Sends `n` messages from node `i`, `gap` apart.
fn say_spaced(sim: &mut Sim, i: usize, prefix: &str, n: usize, gap: Duration) {
    for k in 0..n {
        say(sim, i, &format!("{prefix} {k}"));
        sim.run_for(gap);
    }
}

#[test]
fn what_is_past_retention_is_not_asked_for_and_the_hole_is_told() {
    let mut sim = Sim::new();
    sim.limits.retention = Duration::from_secs(60);
    for k in 0..3 {
        sim.add(&format!("n{k}"), k + 1, vec![]);
    }
    sim.run_until(Duration::from_secs(10), |s| s.fully_meshed())
        .expect("meshed");
    say(&mut sim, 0, "before");
    sim.run_for(Duration::from_millis(50));
    let before_ts = sim.unix_ms();
    sim.group = vec![0, 0, 1];
    sim.run_until(Duration::from_secs(20), |s| {
        s.nodes[2].node.peer_count() == 0
    })
    .expect("c away");
    say_spaced(&mut sim, 0, "old", 3, Duration::from_millis(200));
    sim.run_for(Duration::from_secs(90));
    let new_ts = sim.unix_ms();
    say_spaced(&mut sim, 0, "new", 3, Duration::from_millis(200));
    sim.group = vec![0; 3];
    sim.run_until(Duration::from_secs(30), |s| bodies(s, 2, "new").len() == 3)
        .expect("the recent ones arrive");
    sim.run_for(Duration::from_secs(2));
    assert!(
        bodies(&sim, 2, "old").is_empty(),
        "past retention, not shown"
    );
    assert!(
        rejected(&sim, 2, "retention").is_empty(),
        "and not even asked for: {:?}",
        rejected(&sim, 2, "retention")
    );
    let told = gaps(&sim, 2);
    assert_eq!(told.len(), 1, "{told:?}");
    let (author, from, to) = told[0].clone();
    assert_eq!(author, sim.id(0));
    assert!(
        (from - before_ts).abs() < 100 && (to - new_ts).abs() < 100,
        "{told:?}"
    );
}

#[test]
fn future_dated_junk_is_refused_and_the_twenty_real_messages_arrive() {
    // a = 0 honest, h = 1 hostile, r = 2 returning.
    let mut sim = mesh(3);
    sim.group = vec![0, 0, 1];
    sim.run_until(Duration::from_secs(20), |s| {
        s.nodes[2].node.peer_count() == 0
    })
    .expect("r away");
    say_spaced(&mut sim, 0, "real", 20, Duration::from_millis(100));
    // H restarts with 200 messages of its own dated ten years ahead in its store.
    let h = Identity::from_secret([2; 32]);
    sim.crash(1);
    let ahead = sim.unix_ms() + 10 * 365 * 24 * 3600 * 1000;
    for k in 0..200u64 {
        let content = ChatContent {
            author: h.id(),
            seq: 1_000 + k,
            ts: ahead + k as i64,
            body: format!("junk {k}"),
            room: p2pchat_engine::rooms::RoomName::general(),
            reply_to: None,
        };
        let linked = LinkedChat {
            content: &content,
            prev: k.checked_sub(1).map(|p| 1_000 + p),
        };
        let sp = SignedPayload::sign(h.signing_key(), Domain::Chat, &linked);
        sim.keep(1, content.ts, format!("{}:{}", h.id(), content.seq), sp);
    }
    // And one dated two minutes ahead: within the allowed skew, taken, but not shown later
    // than the receiver's now.
    let soon = ChatContent {
        author: h.id(),
        seq: 900,
        ts: sim.unix_ms() + 120_000,
        body: "slightly ahead".into(),
        room: p2pchat_engine::rooms::RoomName::general(),
        reply_to: None,
    };
    let sp = SignedPayload::sign(h.signing_key(), Domain::Chat, &soon);
    sim.keep(1, soon.ts, format!("{}:900", h.id()), sp);
    sim.restart(1, Identity::from_secret([2; 32]));
    sim.run_until(Duration::from_secs(10), |s| {
        s.nodes[1].node.peer_count() == 1
    })
    .expect("h back with a");
    sim.group = vec![0; 3];
    sim.run_until(Duration::from_secs(30), |s| {
        bodies(s, 2, "real").len() == 20
    })
    .expect("the real ones arrive");
    sim.run_for(Duration::from_secs(2));
    sim.run_until(Duration::from_secs(10), |s| {
        !bodies(s, 2, "slightly ahead").is_empty()
    })
    .expect("a small skew is taken");
    assert!(bodies(&sim, 2, "junk").is_empty());
    assert!(!rejected(&sim, 2, "sync: message dated in the future").is_empty());
    let (at, ts) = sim.nodes[2]
        .events
        .iter()
        .find_map(|(at, e)| match e {
            NetEvent::Backfilled { body, ts, .. } if body == "slightly ahead" => Some((*at, *ts)),
            _ => None,
        })
        .unwrap();
    assert!(
        ts < soon.ts && ts <= 1_800_000_000_000 + at.as_millis() as i64,
        "clamped to now"
    );
    // Live, too: a chat message dated ahead is refused.
    let content = ChatContent {
        author: h.id(),
        seq: 5_000,
        ts: ahead,
        body: "junk live".into(),
        room: p2pchat_engine::rooms::RoomName::general(),
        reply_to: None,
    };
    let sp = SignedPayload::sign(h.signing_key(), Domain::Chat, &content);
    let conn = sim.conn_between(2, 1).expect("r and h connected");
    sim.input(
        2,
        Input::Frame {
            conn,
            bytes: frame(&Frame::Chat(sp)),
        },
    );
    // And a private message dated ahead.
    let dm = p2pchat_engine::wire::DmContent {
        author: h.id(),
        to: sim.nodes[2].node.id(),
        seq: 5_001,
        ts: ahead,
        body: "junk private".into(),
    };
    let sp = SignedPayload::sign(h.signing_key(), Domain::Dm, &dm);
    sim.input(
        2,
        Input::Frame {
            conn,
            bytes: frame(&Frame::Dm(sp)),
        },
    );
    assert!(!sim
        .events(2)
        .any(|e| matches!(e, NetEvent::DirectMessage { .. })));
    assert!(bodies(&sim, 2, "junk").is_empty());
    assert_eq!(
        rejected(&sim, 2, "dated in the future").len() - rejected(&sim, 2, "sync:").len(),
        2,
        "the live chat and the private message"
    );
}

fn is_have_from_1(i: usize, f: &[u8]) -> bool {
    i == 1 && frame_type(f) == "have"
}

fn wants_sent(sim: &Sim, i: usize) -> usize {
    sim.nodes[i]
        .sent
        .iter()
        .filter(|(_, f)| frame_type(f) == "want")
        .count()
}

#[test]
fn a_false_summary_unasked_messages_and_oversized_wants_are_refused_and_bounded() {
    let mut sim = Sim::new();
    sim.lose = Some(is_have_from_1); // H's real summary never arrives: it sends its own.
    sim.add("v", 1, vec![]);
    sim.add("h", 2, vec![]);
    sim.run_until(Duration::from_secs(5), |s| s.fully_meshed())
        .expect("meshed");
    let conn = sim.conn_between(0, 1).expect("connected");
    let inject = |sim: &mut Sim, f: Frame| {
        sim.input(
            0,
            Input::Frame {
                conn,
                bytes: frame(&f),
            },
        )
    };
    // Messages nobody asked for.
    let sp = SignedPayload {
        payload: "{}".into(),
        sig: None,
    };
    inject(
        &mut sim,
        Frame::Give {
            messages: vec![sp],
            last: true,
        },
    );
    assert_eq!(rejected(&sim, 0, "not asked for").len(), 1);
    // A summary with too many ranges for one author, then more authors than allowed, each
    // claiming a huge range.
    let author = |k: usize| {
        PeerId([
            (k % 251) as u8 + 3,
            (k / 251) as u8 + 3,
            7,
            7,
            7,
            7,
            7,
            7,
            7,
            7,
            7,
            7,
            7,
            7,
            7,
            7,
            7,
            7,
            7,
            7,
            7,
            7,
            7,
            7,
            7,
            7,
            7,
            7,
            7,
            7,
            7,
            7,
        ])
    };
    let many = (0..MAX_HAVE_RANGES as u64 + 1)
        .map(|k| (k * 2 + 1, k * 2 + 1))
        .collect();
    inject(
        &mut sim,
        Frame::Have {
            authors: vec![AuthorRanges {
                author: author(0),
                ranges: many,
            }],
            more: true,
        },
    );
    assert_eq!(
        rejected(&sim, 0, &format!("over {MAX_HAVE_RANGES} ranges")).len(),
        1
    );
    for page in 0..3 {
        let authors = (page * 400..page * 400 + 400)
            .map(|k| AuthorRanges {
                author: author(k + 1),
                ranges: vec![(1, 1 << 62)],
            })
            .collect();
        inject(
            &mut sim,
            Frame::Have {
                authors,
                more: true,
            },
        );
    }
    assert_eq!(
        rejected(&sim, 0, &format!("more than {MAX_HAVE_AUTHORS} authors")).len(),
        1
    );
    // V pulls from the false summary; H has none of it and answers empty pages, so each
    // author is dropped after one empty answer, and the budget paces the rest.
    sim.run_for(Duration::from_secs(10));
    let wants = wants_sent(&sim, 0);
    let bound = (SYNC_BURST as u64 + 10 * SYNC_RATE as u64) / SYNC_PAGE + 2;
    assert!(wants as u64 <= bound, "{wants} wants > {bound}");
    assert!(wants >= 10, "it did try: {wants}");
    assert!(bodies(&sim, 0, "").is_empty());
    // A want over the page, and a second want while one is unanswered.
    let ranges = |lo: u64, n: u64| {
        vec![AuthorRanges {
            author: author(1),
            ranges: vec![(lo, lo + n - 1)],
        }]
    };
    let gives = given(&sim, 0);
    inject(
        &mut sim,
        Frame::Want {
            authors: ranges(1, SYNC_PAGE + 1),
        },
    );
    assert_eq!(rejected(&sim, 0, "larger than the page").len(), 1);
    inject(
        &mut sim,
        Frame::Want {
            authors: ranges(1, 10),
        },
    );
    inject(
        &mut sim,
        Frame::Want {
            authors: ranges(20, 10),
        },
    );
    assert_eq!(
        rejected(&sim, 0, "a second want while one is unanswered").len(),
        1
    );
    sim.run_for(Duration::from_millis(50));
    assert_eq!(given(&sim, 0), gives, "nothing held there, nothing given");
}
