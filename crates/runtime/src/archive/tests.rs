//! The store edge on its own: lines are stored before they are handed on, copies of a stored
//! message (synced or live) vanish, blocks persist, `/dm` to an absent known peer is resolved to its id.

use super::*;
use p2pchat_engine::api::{NetCommand, OfflineReason, Trust};
use p2pchat_engine::wire::SignedPayload;

fn id(n: u8) -> PeerId {
    PeerId([n; 32])
}

fn online(a: &mut Archive, who: PeerId, name: &str) -> Vec<NetEvent> {
    a.on_event(
        NetEvent::PeerOnline {
            id: who.to_hex(),
            name: name.into(),
            fingerprint: who.fingerprint(),
            addr: "127.0.0.1:1".into(),
            quiet: false,
        },
        1,
    )
}

fn message(from: PeerId, seq: u64, body: &str) -> NetEvent {
    NetEvent::Message {
        mentions_me: false,
        action: false,
        msg_id: format!("{}:{seq}", from.to_hex()),
        from: from.to_hex(),
        from_name: "Bob".into(),
        body: body.into(),
        signed: true,
        verified: true,
        ts: 5,
        room: "#general".into(),
        reply_to: None,
    }
}

#[test]
fn a_message_is_stored_when_it_is_handed_on_and_a_backfilled_copy_vanishes() {
    let mut a = Archive::new(Some(History::in_memory()), id(1));
    let shown = a.on_event(message(id(2), 7, "hello"), 9);
    assert_eq!(shown.len(), 1);
    assert!(a.db().unwrap().contains(&format!("{}:7", id(2).to_hex())));
    let copy = NetEvent::Backfilled {
        mentions_me: false,
        action: false,
        msg_id: format!("{}:7", id(2).to_hex()),
        from: id(2).to_hex(),
        from_name: "Bob".into(),
        body: "hello".into(),
        ts: 5,
        via: id(3).to_hex(),
        room: "#general".into(),
        reply_to: None,
    };
    assert!(a.on_event(copy, 10).is_empty());
    let (page, _) = a.db().unwrap().page(None, 10, None).unwrap();
    assert_eq!(page.len(), 1);
}

#[test]
fn a_live_copy_of_a_message_already_stored_vanishes_silently() {
    let mut a = Archive::new(Some(History::in_memory()), id(1));
    let synced = NetEvent::Backfilled {
        mentions_me: false,
        action: false,
        msg_id: format!("{}:8", id(2).to_hex()),
        from: id(2).to_hex(),
        from_name: "Bob".into(),
        body: "twice?".into(),
        ts: 5,
        via: id(3).to_hex(),
        room: "#general".into(),
        reply_to: None,
    };
    assert_eq!(a.on_event(synced, 9).len(), 1);
    // The author's own delayed copy: not shown, not reported as a replay.
    assert!(a.on_event(message(id(2), 8, "twice?"), 10).is_empty());
    let (page, _) = a.db().unwrap().page(None, 10, None).unwrap();
    assert_eq!(page.len(), 1);
}

#[test]
fn blocks_persist_and_hide_messages() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("history.db");
    {
        let mut a = Archive::new(Some(History::open(&path).unwrap()), id(1));
        online(&mut a, id(2), "Eve");
        let reply = a.on_command(&NetCommand::Block {
            who: "eve".into(),
            blocked: true,
        });
        assert!(matches!(
            reply.as_deref(),
            Some([NetEvent::PeerTrust { blocked: true, .. }])
        ));
    }
    let mut a = Archive::new(Some(History::open(&path).unwrap()), id(1));
    let shown = a.on_event(message(id(2), 1, "spam"), 2);
    assert!(matches!(&shown[..], [NetEvent::Rejected { reason, .. }] if reason == BLOCKED));
    assert!(!a.db().unwrap().contains(&format!("{}:1", id(2).to_hex())));
}

#[test]
fn a_dm_to_an_absent_known_peer_is_addressed_by_id() {
    let mut a = Archive::new(Some(History::in_memory()), id(1));
    online(&mut a, id(2), "Bob");
    a.on_event(
        NetEvent::PeerOffline {
            id: id(2).to_hex(),
            name: "Bob".into(),
            reason: OfflineReason::Quit,
            quiet: false,
        },
        3,
    );
    let mut cmd = NetCommand::SendDm {
        to: "BOB".into(),
        body: "hi".into(),
    };
    a.rewrite(&mut cmd);
    assert_eq!(
        cmd,
        NetCommand::SendDm {
            to: id(2).to_hex(),
            body: "hi".into()
        }
    );
    let mut unknown = NetCommand::SendDm {
        to: "nobody".into(),
        body: "hi".into(),
    };
    a.rewrite(&mut unknown);
    assert!(matches!(unknown, NetCommand::SendDm { to, .. } if to == "nobody"));
}

#[test]
fn safety_codes_match_from_both_sides() {
    let mut a = Archive::new(Some(History::in_memory()), id(1));
    let mut b = Archive::new(Some(History::in_memory()), id(2));
    online(&mut a, id(2), "Bob");
    online(&mut b, id(1), "Alice");
    let code =
        |x: &mut Archive, who: &str| match x.on_command(&NetCommand::Verify { who: who.into() }) {
            Some(v) => match &v[..] {
                [NetEvent::SafetyCode { code, .. }] => code.clone(),
                other => panic!("{other:?}"),
            },
            None => panic!("not answered"),
        };
    assert_eq!(code(&mut a, "bob"), code(&mut b, "alice"));
}

fn offline(a: &mut Archive, who: PeerId, name: &str, now: i64) -> Vec<NetEvent> {
    a.on_event(
        NetEvent::PeerOffline {
            id: who.to_hex(),
            name: name.into(),
            reason: OfflineReason::Closed,
            quiet: false,
        },
        now,
    )
}

/// Every stored line, oldest first.
fn stored_bodies(a: &Archive) -> Vec<String> {
    let (page, _) = a.db().unwrap().page(None, MAX_PAGE, None).unwrap();
    page.into_iter().map(|e| e.body).collect()
}

fn is_quiet(e: &NetEvent) -> bool {
    matches!(
        e,
        NetEvent::PeerOnline { quiet: true, .. } | NetEvent::PeerOffline { quiet: true, .. }
    )
}

#[test]
#[allow(clippy::print_stderr)] // its time is the measurement quoted in BENCHMARKS.md
fn ten_thousand_silent_identities_joining_and_leaving_store_no_lines_and_few_keys() {
    let mut a = Archive::new(Some(History::in_memory()), id(1));
    let started = std::time::Instant::now();
    for i in 0..10_000u32 {
        let mut raw = [0u8; 32];
        raw[..4].copy_from_slice(&i.to_be_bytes());
        raw[4] = 0xa5;
        let who = PeerId(raw);
        let shown = online(&mut a, who, &format!("bot{i}"));
        assert!(is_quiet(&shown[0]), "{:?}", shown[0]);
        let shown = offline(&mut a, who, &format!("bot{i}"), 2);
        assert!(is_quiet(&shown[0]), "{:?}", shown[0]);
    }
    eprintln!(
        "10,000 identities joined and left in {:?}",
        started.elapsed()
    );
    assert_eq!(stored_bodies(&a), Vec::<String>::new());
    let keys = a.db().unwrap().key_count().unwrap();
    assert!(keys <= crate::store::keys::MAX_KNOWN_KEYS, "{keys} keys");
}

#[test]
fn a_peer_that_spoke_gets_join_and_leave_lines_and_a_quick_rejoin_folds() {
    let mut a = Archive::new(Some(History::in_memory()), id(1));
    let online_at = |a: &mut Archive, now: i64| {
        let event = NetEvent::PeerOnline {
            id: id(2).to_hex(),
            name: "Bob".into(),
            fingerprint: id(2).fingerprint(),
            addr: "127.0.0.1:1".into(),
            quiet: false,
        };
        is_quiet(&a.on_event(event, now)[0])
    };
    // A newcomer joins silently; once it has spoken, its leave is shown.
    assert!(online_at(&mut a, 1));
    a.on_event(message(id(2), 1, "hello"), 5);
    assert!(!is_quiet(&offline(&mut a, id(2), "Bob", 6)[0]));
    // Back within a second: folded, and so is the leave that follows.
    assert!(online_at(&mut a, 10));
    assert!(is_quiet(&offline(&mut a, id(2), "Bob", 11)[0]));
    // Back later: shown (it spoke lately), and its leave too.
    assert!(!online_at(&mut a, 12 + presence::REJOIN_FOLD_MS));
    assert!(!is_quiet(
        &offline(&mut a, id(2), "Bob", 13 + presence::REJOIN_FOLD_MS)[0]
    ));
    let bodies = stored_bodies(&a);
    let presence: Vec<&String> = bodies.iter().filter(|b| b.starts_with("Bob ")).collect();
    assert_eq!(presence.len(), 3, "{bodies:?}");
    assert_eq!(presence[0], "Bob disconnected");
    assert!(presence[1].starts_with("Bob joined"));
    assert_eq!(presence[2], "Bob disconnected");
}

/// The look-alikes of issue #10: each, with its own key, is a `key_changed` with the real
/// key's fingerprint, and the warning (with both fingerprints) is stored.
#[test]
fn look_alike_names_are_warned_with_both_fingerprints() {
    let mut a = Archive::new(Some(History::in_memory()), id(1));
    online(&mut a, id(2), "Alice");
    let alike = [
        "alice",
        "ALICE",
        "Аlice",
        "Alicе",
        "Аliсе",
        "Ａｌｉｃｅ",
        "Ali\u{200B}ce",
        "Al\u{200D}ice",
        "Ali\u{00AD}ce",
        "Alic\u{0301}e",
        "A\u{0308}lice",
        "\u{200E}Alice\u{FEFF}",
        "Αlice",
    ];
    for (n, name) in alike.iter().enumerate() {
        let who = id(10 + n as u8);
        let shown = online(&mut a, who, name);
        match &shown[1] {
            NetEvent::PeerTrust {
                trust: Trust::KeyChanged,
                previous,
                ..
            } => assert_eq!(previous[0], id(2).fingerprint(), "{name:?}"),
            other => panic!("{name:?} ({}) not warned: {other:?}", name.escape_unicode()),
        }
        let bodies = stored_bodies(&a);
        let warning = bodies.last().unwrap();
        assert!(
            warning.starts_with("WARNING")
                && warning.contains(&who.fingerprint())
                && warning.contains(&id(2).fingerprint()),
            "{warning}"
        );
    }
}

#[test]
fn a_name_like_our_own_warns_the_owner() {
    let mut a = Archive::new(Some(History::in_memory()), id(1));
    a.on_event(
        NetEvent::Ready {
            id: id(1).to_hex(),
            name: "Alice".into(),
            port: 1,
            fingerprint: id(1).fingerprint(),
        },
        1,
    );
    let shown = online(&mut a, id(9), "Аlice");
    assert!(matches!(
        &shown[1],
        NetEvent::PeerTrust { trust: Trust::KeyChanged, previous, .. } if previous == &vec![id(1).fingerprint()]
    ));
    let bodies = stored_bodies(&a);
    let warning = bodies.last().unwrap();
    assert!(
        warning.contains("using your name") && warning.contains(&id(9).fingerprint()),
        "{warning}"
    );
    // `/trust Alice` does not silently pick the impostor.
    let reply = a.on_command(&NetCommand::Trust {
        who: "Alice".into(),
        trusted: true,
        code: Some("12345".into()),
    });
    assert!(
        matches!(reply.as_deref(), Some([NetEvent::Error { message }]) if message.contains("ambiguous")),
        "{reply:?}"
    );
    // Nor does `/dm Alice` reach the node, which would send it to the one connected Alice.
    let reply = a.on_command(&NetCommand::SendDm {
        to: "Alice".into(),
        body: "hi".into(),
    });
    assert!(
        matches!(reply.as_deref(), Some([NetEvent::Error { message }]) if message.contains("ambiguous")),
        "{reply:?}"
    );
}

#[test]
fn trust_shows_the_code_and_marks_only_with_its_first_digits() {
    let mut a = Archive::new(Some(History::in_memory()), id(1));
    online(&mut a, id(2), "Bob");
    let trust = |a: &mut Archive, code: Option<&str>| {
        a.on_command(&NetCommand::Trust {
            who: "Bob".into(),
            trusted: true,
            code: code.map(String::from),
        })
        .unwrap()
    };
    let code = p2pchat_engine::wire::safety_code(&id(1), &id(2));
    let reply = trust(&mut a, None);
    assert!(
        matches!(&reply[0], NetEvent::SafetyCode { code: c, trusted: false, .. } if *c == code),
        "{reply:?}"
    );
    assert!(
        !a.db()
            .unwrap()
            .key(&id(2).to_hex())
            .unwrap()
            .unwrap()
            .trusted
    );
    // The code line is stored, as shown.
    assert!(stored_bodies(&a).last().unwrap().contains(&code));
    let wrong = if code.starts_with('9') {
        "00000"
    } else {
        "99999"
    };
    let reply = trust(&mut a, Some(wrong));
    assert!(matches!(&reply[0], NetEvent::Error { .. }), "{reply:?}");
    assert!(
        !a.db()
            .unwrap()
            .key(&id(2).to_hex())
            .unwrap()
            .unwrap()
            .trusted
    );
    let reply = trust(&mut a, Some(&code[..5]));
    assert!(
        matches!(
            &reply[0],
            NetEvent::PeerTrust {
                trust: Trust::Verified,
                ..
            }
        ),
        "{reply:?}"
    );
    assert_eq!(stored_bodies(&a).last().unwrap(), "Bob is now verified");
}

/// A replay that the node's bounded replay windows no longer recognise is caught by the
/// stored message id: not shown twice (silently: a late honest copy looks the same).
#[test]
fn a_live_message_already_stored_is_not_shown_again() {
    let mut a = Archive::new(Some(History::in_memory()), id(1));
    assert_eq!(a.on_event(message(id(2), 7, "once"), 9).len(), 1);
    let again = a.on_event(message(id(2), 7, "once"), 10);
    assert!(again.is_empty(), "{again:?}");
    let (page, _) = a.db().unwrap().page(None, 10, None).unwrap();
    assert_eq!(page.len(), 1);
}

#[test]
fn a_full_disk_is_one_notice_and_every_message_is_still_shown() {
    let dir = tempfile::tempdir().unwrap();
    let mut a = Archive::new(
        Some(History::open(&dir.path().join("history.db")).unwrap()),
        id(1),
    );
    let db = a.db().unwrap().conn();
    let pages: i64 = db.query_row("PRAGMA page_count", [], |r| r.get(0)).unwrap();
    db.query_row(&format!("PRAGMA max_page_count={}", pages + 4), [], |_| {
        Ok(())
    })
    .unwrap();
    let body = "w".repeat(4000);
    let mut shown = 0;
    let mut notices = Vec::new();
    for seq in 0..40 {
        for event in a.on_event(message(id(2), seq, &body), 9) {
            match event {
                NetEvent::Message { .. } => shown += 1,
                NetEvent::Error { message } => notices.push(message),
                other => panic!("unexpected {other:?}"),
            }
        }
    }
    assert_eq!(shown, 40, "the chat goes on");
    assert_eq!(notices.len(), 1, "{notices:?}");
    assert!(notices[0].starts_with("disk full") && !notices[0].contains('\n'));
}

#[test]
fn upkeep_prunes_future_dated_rows_then_waits_for_the_interval() {
    let mut a = Archive::new(Some(History::in_memory()), id(1));
    let now = 1_000_000_000_000;
    let ahead = |seq: u64| NetEvent::Backfilled {
        mentions_me: false,
        action: false,
        msg_id: format!("{}:{seq}", id(2).to_hex()),
        from: id(2).to_hex(),
        from_name: "Mallory".into(),
        body: "from the future".into(),
        ts: now + 10 * 365 * 24 * 3_600_000,
        via: id(3).to_hex(),
        room: "#general".into(),
        reply_to: None,
    };
    a.on_event(ahead(1), now);
    a.maintain(now);
    assert!(a.db().unwrap().page(None, 10, None).unwrap().0.is_empty());
    a.on_event(ahead(2), now + 1);
    a.maintain(now + 1);
    assert_eq!(
        a.db().unwrap().page(None, 10, None).unwrap().0.len(),
        1,
        "not yet"
    );
    a.maintain(now + PRUNE_INTERVAL_MS);
    assert!(a.db().unwrap().page(None, 10, None).unwrap().0.is_empty());
}

#[test]
fn a_lowered_quota_is_reached_on_ticks_even_with_no_new_lines() {
    let db = History::in_memory();
    for seq in 0..3000 {
        db.insert(&HistoryEntry {
            msg_id: Some(format!("{}:{seq}", id(2).to_hex())),
            author: id(2).to_hex(),
            ..system("x".repeat(200), 5)
        })
        .unwrap();
    }
    let limits = p2pchat_engine::limits::Limits {
        max_store_bytes: 64 * 1024,
        ..p2pchat_engine::limits::Limits::default()
    };
    let mut a = Archive::with_quota(Some(db), id(1), &limits).unwrap();
    assert!(
        a.db().unwrap().usage().total > 64 * 1024,
        "one bounded step at start"
    );
    for tick in 0..10 {
        a.maintain(10 + tick);
    }
    assert!(a.db().unwrap().usage().total <= 64 * 1024);
}

#[test]
fn vote_mode_and_crash_lines_are_stored_as_shown() {
    let mut a = Archive::new(Some(History::in_memory()), id(1));
    online(&mut a, id(2), "Bob");
    a.on_event(message(id(2), 1, "hi"), 2);
    let pid = "ab".repeat(32);
    let events = [
        NetEvent::Proposal {
            proposal_id: pid.clone(),
            proposer: id(1).to_hex(),
            proposer_name: "Alice".into(),
            description: "lock it down".into(),
            enable: true,
            threshold: 2,
            electorate: vec![id(1).to_hex(), id(2).to_hex(), id(3).to_hex()],
            expires_ts: 99,
        },
        NetEvent::Vote {
            proposal_id: pid.clone(),
            voter: id(2).to_hex(),
            voter_name: id(2).fingerprint(),
            approve: true,
            approvals: 2,
            rejections: 0,
        },
        NetEvent::ProposalClosed {
            proposal_id: pid.clone(),
            outcome: p2pchat_engine::api::Outcome::Approved,
        },
        NetEvent::SecureMode {
            enabled: true,
            proposal_id: pid,
            approvers: vec![id(1).to_hex(), id(2).to_hex()],
            approver_names: vec![],
        },
        NetEvent::PeerOffline {
            id: id(2).to_hex(),
            name: "Bob".into(),
            reason: OfflineReason::Closed,
            quiet: false,
        },
    ];
    for e in events {
        a.on_event(e, 5);
    }
    let (page, _) = a.db().unwrap().page(None, 20, None).unwrap();
    let bodies: Vec<&str> = page.iter().map(|e| e.body.as_str()).collect();
    assert_eq!(
        bodies,
        [
            "hi",
            "Alice proposes secure-only mode: lock it down (abababab, needs 2 of 3)",
            "Bob approved abababab (2/2 approvals)",
            "proposal abababab approved",
            "secure-only mode is ON: unsigned messages are refused (approved by you, Bob)",
            "Bob disconnected",
        ],
        "{bodies:#?}"
    );
}

#[test]
fn a_synced_line_gets_its_authors_name_known_or_learned_later() {
    let mut a = Archive::new(Some(History::in_memory()), id(1));
    let synced = |n: u64| NetEvent::Backfilled {
        mentions_me: false,
        action: false,
        msg_id: format!("{}:{n}", id(4).to_hex()),
        from: id(4).to_hex(),
        from_name: id(4).fingerprint(),
        body: format!("line {n}"),
        ts: 5,
        via: id(2).to_hex(),
        room: "#general".into(),
        reply_to: None,
    };
    a.on_event(synced(1), 6);
    // Dana joins: the stored line is renamed.
    online(&mut a, id(4), "Dana");
    a.on_event(
        NetEvent::PeerOffline {
            id: id(4).to_hex(),
            name: "Dana".into(),
            reason: OfflineReason::Quit,
            quiet: false,
        },
        7,
    );
    // Later, while Dana is away, another synced line: named from the known key at once.
    let shown = a.on_event(synced(2), 8);
    assert!(
        matches!(&shown[0], NetEvent::Backfilled { from_name, .. } if from_name == "Dana"),
        "{shown:?}"
    );
    let (page, _) = a.db().unwrap().page(None, 10, None).unwrap();
    let names: Vec<&str> = page
        .iter()
        .filter(|e| e.body.starts_with("line"))
        .map(|e| e.author_name.as_str())
        .collect();
    assert_eq!(names, ["Dana", "Dana"]);
}

#[test]
fn a_restart_seeds_the_node_with_messages_reactions_and_deleted_seqs() {
    let mut a = Archive::new(Some(History::in_memory()), id(1));
    let (alice, bob) = (id(2), id(3));
    a.on_event(message(alice, 1, "lunch?"), 0);
    a.on_event(message(alice, 2, "gone soon"), 0);
    let msg_id = |seq: u64| format!("{}:{seq}", alice.to_hex());
    a.on_event(
        NetEvent::Reaction {
            msg_id: msg_id(1),
            from: bob.to_hex(),
            from_name: "Bob".into(),
            emoji: "👍".into(),
            on: true,
            count: 1,
            room: "#general".into(),
        },
        0,
    );
    let deleted = NetEvent::Deleted {
        msg_id: msg_id(2),
        from: alice.to_hex(),
        from_name: "Alice".into(),
        room: "#general".into(),
    };
    a.on_event(deleted, 0);
    let (messages, reactions) = a.acts_seed();
    let ids: Vec<&str> = messages.iter().map(|m| m.msg_id.as_str()).collect();
    assert_eq!(ids, vec![msg_id(1).as_str()], "not the deleted one");
    assert_eq!(reactions.len(), 1);
    assert_eq!(
        (reactions[0].reactor, reactions[0].emoji.as_str()),
        (bob, "👍")
    );
    // A kept delete (naming an edit) makes its message and the edit held at start.
    let payload = format!(
        r#"{{"author":"{}","seq":5,"ts":50,"target":"{}","act":"delete","edits":[4]}}"#,
        alice.to_hex(),
        msg_id(2)
    );
    let sp = SignedPayload {
        payload,
        sig: Some("00".into()),
    };
    a.keep(&msg_id(5), &alice, 50, "#general", &sp);
    let mut seqs: Vec<u64> = a.held_index(0).iter().map(|r| r.seq).collect();
    seqs.sort_unstable();
    assert_eq!(seqs, vec![2, 4, 5]);
}

#[test]
fn file_lines_are_stored_in_the_words_the_interface_shows() {
    use p2pchat_engine::lines;
    let mut a = Archive::new(Some(History::in_memory()), id(1));
    online(&mut a, id(2), "Bob");
    let tid = "a1a1a1a1ffffffffffffffffffffffff".to_string();
    a.on_event(
        NetEvent::FileOffered {
            transfer_id: tid.clone(),
            to: vec![id(2).to_hex()],
            name: "one.txt".into(),
            size: 3 << 20,
            hash: "00".repeat(32),
        },
        2,
    );
    a.on_event(
        NetEvent::FileDeclined {
            transfer_id: tid.clone(),
            by: id(2).to_hex(),
            by_name: "Bob".into(),
            reason: Some("too many file offers".into()),
        },
        3,
    );
    a.on_event(
        NetEvent::FileOffer {
            transfer_id: "c3c3c3c3ffffffffffffffffffffffff".into(),
            from: id(2).to_hex(),
            from_name: "Bob".into(),
            name: "two.txt".into(),
            size: 1 << 20,
            hash: "00".repeat(32),
            recipients: 1,
        },
        3,
    );
    // An outcome for a transfer it never saw names it by its id.
    a.on_event(
        NetEvent::FileCancelled {
            transfer_id: "b2b2b2b2ffffffffffffffffffffffff".into(),
            by: "Bob".into(),
        },
        4,
    );
    let bodies = stored_bodies(&a);
    // Offers are kept without the hint to answer them: after a restart it would be stale.
    assert!(
        bodies
            .iter()
            .all(|b| !b.contains("/accept") && !b.contains("/cancel")),
        "{bodies:?}"
    );
    for want in [
        lines::file_offered_stored("one.txt", 3 << 20, "Bob", &tid),
        "Bob offered two.txt (1.0 MiB), transfer c3c3c3c3".to_string(),
        lines::file_declined("Bob", "one.txt", Some("too many file offers")),
        lines::file_cancelled("Bob", "transfer b2b2b2b2"),
    ] {
        assert!(bodies.contains(&want), "{want:?} not in {bodies:?}");
    }
}
