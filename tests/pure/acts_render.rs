//! Render snapshot of acts on messages (issue #15): reaction counts under a message, an edited
//! body marked "(edited)", a deleted message's line, a reply with its quoted original above it,
//! and the selected message highlighted.

use super::fixtures::*;
use ratatui::style::Modifier;

fn act(s: &mut AppState, event: NetEvent) {
    apply(s, event);
}

/// Bob says three things; Carol and Dave react, Bob edits one and deletes one, Dave replies.
fn acted_on() -> AppState {
    acted_on_in(false)
}

fn acted_on_in(color: bool) -> AppState {
    let mut s = state(72, 16, color);
    ready(&mut s);
    online(&mut s, &"b0".repeat(32), "Bob", "b0b0:b0b0");
    msg(&mut s, &"b0".repeat(32), "Bob", "lunch at noon?", true, T0);
    msg(
        &mut s,
        &"b0".repeat(32),
        "Bob",
        "the build is red",
        true,
        T0 + MIN,
    );
    msg(
        &mut s,
        &"b0".repeat(32),
        "Bob",
        "oops, wrong room",
        true,
        T0 + 2 * MIN,
    );
    for (who, emoji, count) in [("c", "👍", 1), ("d", "👍", 2), ("d", "🎉", 1)] {
        act(
            &mut s,
            NetEvent::Reaction {
                msg_id: format!("m{T0}"),
                from: who.repeat(64),
                from_name: who.into(),
                emoji: emoji.into(),
                on: true,
                count,
                room: "#general".into(),
            },
        );
    }
    act(
        &mut s,
        NetEvent::Edited {
            msg_id: format!("m{}", T0 + MIN),
            from: "b0".repeat(32),
            from_name: "Bob".into(),
            body: "the build is green again".into(),
            room: "#general".into(),
        },
    );
    act(
        &mut s,
        NetEvent::Deleted {
            msg_id: format!("m{}", T0 + 2 * MIN),
            from: "b0".repeat(32),
            from_name: "Bob".into(),
            room: "#general".into(),
        },
    );
    act(
        &mut s,
        NetEvent::Message {
            mentions_me: false,
            action: false,
            msg_id: "d:1".into(),
            from: "d".repeat(64),
            from_name: "Dave".into(),
            body: "yes, the usual place".into(),
            signed: true,
            verified: true,
            ts: T0 + 3 * MIN,
            room: "#general".into(),
            reply_to: Some(format!("m{T0}")),
        },
    );
    s
}

#[test]
fn reactions_edit_delete_and_reply_quote() {
    let s = acted_on();
    let screen = text(&render(&s));
    insta::assert_snapshot!(screen);
    assert!(screen.contains("👍 2  🎉 1"), "{screen}");
    assert!(screen.contains("the build is green again"), "{screen}");
    assert!(screen.contains("(edited)"), "{screen}");
    assert!(!screen.contains("is red"), "{screen}");
    assert!(screen.contains("message deleted"), "{screen}");
    assert!(!screen.contains("wrong room"), "{screen}");
    assert!(screen.contains("↪ Bob: lunch at noon?"), "{screen}");
}

#[test]
fn the_selected_message_is_reversed() {
    let mut s = acted_on();
    update(&mut s, Action::FocusNext);
    while s.focus != p2pchat_tui::tui::model::Focus::Messages {
        update(&mut s, Action::FocusNext);
    }
    key(&mut s, Key::plain(Code::Up));
    let t = render(&s);
    let screen = text(&t);
    let row = screen
        .lines()
        .position(|l| l.contains("yes, the usual place"))
        .expect("the reply is on screen");
    let line = screen.lines().nth(row).unwrap();
    let x = line[..line.find("yes,").unwrap()].chars().count() as u16;
    let style = t.backend().buffer()[(x, row as u16)].style();
    assert!(style.add_modifier.contains(Modifier::REVERSED), "{style:?}");
}

#[test]
fn quote_and_counts_are_dimmed_like_timestamps() {
    let s = acted_on_in(true);
    let t = render(&s);
    let screen = text(&t);
    let buf = t.backend().buffer();
    let style_at = |needle: &str| {
        let row = screen.lines().position(|l| l.contains(needle)).unwrap();
        let line = screen.lines().nth(row).unwrap();
        let x = line[..line.find(needle).unwrap()].chars().count() as u16;
        buf[(x, row as u16)].style()
    };
    let quote = style_at("↪ Bob");
    let counts = style_at("👍 2");
    let reply = style_at("yes, the usual");
    assert_eq!(quote.fg, counts.fg);
    assert_ne!(quote.fg, reply.fg, "{quote:?} {reply:?}");
}
