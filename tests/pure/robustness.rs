//! Robustness of the screen: hostile text from the network, every terminal size, and
//! timestamps under a UTC offset.

use super::fixtures::*;

#[test]
fn hostile_bodies_never_reach_the_terminal_raw() {
    let evil = "\x1b]0;pwned\x07 \u{202e}txet\u{9b}31m e\u{301}\u{301}\u{301} 🏳️‍🌈 \0\r\n\t";
    for (w, h) in [(80, 24), (120, 30), (44, 14)] {
        let mut s = chat(w, h, true);
        online(&mut s, "e\x1bvil", evil, evil);
        msg(&mut s, "b0b0b0b0", "Bob\x1b[2J", evil, true, T0);
        msg(&mut s, "e\x1bvil", evil, evil, false, T0);
        apply(
            &mut s,
            NetEvent::Rejected {
                from: "10.0.0.9:4000\x1b[H".into(),
                reason: evil.into(),
            },
        );
        apply(
            &mut s,
            NetEvent::Error {
                message: evil.into(),
            },
        );
        apply(
            &mut s,
            NetEvent::Proposal {
                proposal_id: format!("\x1b{evil}"),
                proposer: "e\x1bvil".into(),
                proposer_name: evil.into(),
                description: evil.into(),
                enable: false,
                threshold: 1,
                electorate: vec![evil.into()],
                expires_ts: T0,
            },
        );
        key(&mut s, Key::plain(Code::Tab));
        key(&mut s, Key::plain(Code::Down));
        let t = render(&s);
        for cell in t.backend().buffer().content() {
            assert!(
                !cell.symbol().chars().any(|c| c.is_control()),
                "control char in {:?}",
                cell.symbol()
            );
        }
        let out = text(&t);
        assert!(out.contains("Bob␛[2J") || w < 60, "{out}");
    }
}

#[test]
fn never_panics_at_any_size() {
    let states = [chat(80, 24, true), chat(80, 24, false)];
    for base in &states {
        for w in 0..=45u16 {
            for h in 0..=14u16 {
                let mut s = base.clone();
                update(
                    &mut s,
                    Action::Resize {
                        width: w,
                        height: h,
                    },
                );
                key(&mut s, Key::plain(Code::PageUp));
                let mut t = Terminal::new(TestBackend::new(w, h)).unwrap();
                t.draw(|f| view::draw(f, &s)).unwrap();
                update(&mut s, Action::ToggleHelp);
                t.draw(|f| view::draw(f, &s)).unwrap();
            }
        }
    }
}

#[test]
fn timestamps_and_day_separators_follow_the_utc_offset() {
    let mut s = state(60, 10, false);
    msg(
        &mut s,
        "b0b0b0b0",
        "Bob",
        "before midnight UTC",
        true,
        T0 + 9 * 60 * MIN + 50 * MIN,
    );
    msg(
        &mut s,
        "b0b0b0b0",
        "Bob",
        "after midnight UTC",
        true,
        T0 + 10 * 60 * MIN + 5 * MIN,
    );
    let utc = text(&render(&s));
    assert!(
        utc.contains("23:55 ✓ Bob: before") && utc.contains("00:10 ✓ Bob: after"),
        "{utc}"
    );
    assert!(utc.contains("Mon 23 Nov 2026"), "{utc}");
    // UTC-05:00: both messages fall on the same local day, five hours earlier.
    s.now = Now {
        unix_ms: s.now.unix_ms,
        utc_offset_secs: -5 * 3600,
    };
    let behind = text(&render(&s));
    assert!(
        behind.contains("18:55 ✓ Bob: before") && behind.contains("19:10 ✓ Bob: after"),
        "{behind}"
    );
    assert!(!behind.contains("Mon 23 Nov"), "{behind}");
}
