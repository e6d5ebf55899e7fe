//! Issue #13 items 1, 8 and 9 in the model: typing in a pane types, votes take Ctrl, Ctrl-C
//! asks before quitting, errors give the typed command back, big pastes go in parts.

use super::*;
use crate::tui::model::bindings::{Scope, BINDINGS};
use crate::tui::model::pending::QUIT_CONFIRM_MS;

fn sends(fx: &[Effect]) -> Vec<&NetCommand> {
    fx.iter()
        .map(|e| match e {
            Effect::Send { command, .. } => command,
            Effect::Quit => panic!("unexpected quit"),
        })
        .collect()
}

fn type_all(s: &mut AppState, text: &str) -> Vec<Effect> {
    text.chars()
        .flat_map(|c| press(s, plain(Code::Char(c))))
        .collect()
}

fn to_proposals(s: &mut AppState) {
    while s.focus != Focus::Proposals {
        press(s, plain(Code::Tab));
    }
}

#[test]
fn no_pane_binds_a_printable_character_but_question_mark() {
    for b in BINDINGS {
        let pane = matches!(
            b.scope,
            Scope::Peers | Scope::Messages | Scope::Proposals | Scope::Panes
        );
        if let (true, Code::Char(c), false, false) = (pane, b.key.code, b.key.ctrl, b.key.alt) {
            assert_eq!(c, '?', "{:?} binds {c:?}", b.scope);
        }
    }
}

#[test]
fn after_a_vote_a_sentence_starting_with_n_is_a_message() {
    let mut s = new_state();
    proposal(&mut s, "p1");
    to_proposals(&mut s);
    let fx = press(&mut s, Key::ctrl(Code::Char('y')));
    assert_eq!(sends(&fx).len(), 1, "Ctrl-Y votes");
    assert_eq!(s.focus, Focus::Input);
    assert!(type_all(&mut s, "no clue what this is").is_empty());
    assert_eq!(s.input.text(), "no clue what this is");
    let fx = submit(&mut s);
    assert_eq!(
        sends(&fx),
        [&NetCommand::Send {
            body: "no clue what this is".into(),
            signed: true
        }]
    );
}

#[test]
fn letters_typed_in_the_proposals_pane_go_to_the_input_whole() {
    let mut s = new_state();
    proposal(&mut s, "p1");
    to_proposals(&mut s);
    assert!(type_all(&mut s, "yes and no").is_empty(), "no vote cast");
    assert_eq!(s.input.text(), "yes and no");
    assert_eq!(s.focus, Focus::Input);
}

#[test]
fn letters_typed_in_the_messages_pane_neither_scroll_nor_drop() {
    let mut s = new_state();
    bob_lines(&mut s, 100, T0);
    s.focus = Focus::Messages;
    assert!(type_all(&mut s, "good job").is_empty());
    assert_eq!(s.input.text(), "good job");
    assert_eq!(
        s.log.view,
        View::Follow,
        "g did not jump to the oldest line"
    );
    assert_eq!(s.focus, Focus::Input);
    // In the peers pane too, and Enter then sends what was typed, whole.
    s.input.clear();
    peer(&mut s, "c", "Carol");
    s.focus = Focus::Peers;
    type_all(&mut s, "gg");
    assert_eq!(s.input.text(), "gg");
}

#[test]
fn end_on_the_input_line_follows_once_the_cursor_is_at_the_end() {
    let mut s = new_state();
    for i in 0..100 {
        apply(
            &mut s,
            NetEvent::Notice {
                message: format!("n{i}"),
            },
        );
    }
    press(&mut s, plain(Code::PageUp));
    assert!(matches!(s.log.view, View::Pinned(_)));
    type_str(&mut s, "abc");
    press(&mut s, plain(Code::Home));
    press(&mut s, plain(Code::End));
    assert_eq!(s.input.cursor(), 3, "first End moves the cursor");
    assert!(matches!(s.log.view, View::Pinned(_)));
    press(&mut s, plain(Code::End));
    assert_eq!(s.log.view, View::Follow, "End at the end follows");
    press(&mut s, plain(Code::PageUp));
    press(&mut s, Key::ctrl(Code::End));
    assert_eq!(s.log.view, View::Follow, "Ctrl-End follows from anywhere");
}

#[test]
fn ctrl_c_on_an_empty_line_asks_first() {
    let mut s = new_state();
    let ctrl_c = Key::ctrl(Code::Char('c'));
    assert!(press(&mut s, ctrl_c).is_empty());
    assert!(!s.quitting);
    assert!(s
        .status
        .as_ref()
        .is_some_and(|st| st.text.contains("Ctrl-C again")));
    // Too late: asks again.
    update(&mut s, Action::Tick(Now::utc(T0 + QUIT_CONFIRM_MS + 1)));
    assert!(press(&mut s, ctrl_c).is_empty());
    update(&mut s, Action::Tick(Now::utc(T0 + QUIT_CONFIRM_MS + 1_000)));
    assert_eq!(press(&mut s, ctrl_c), vec![Effect::Quit]);
}

#[test]
fn errors_give_the_typed_command_back() {
    for line in ["/dm Zed hello?", "/dm Al hi", "/unsigned psst"] {
        let mut s = new_state();
        type_str(&mut s, line);
        assert_eq!(sends(&submit(&mut s)).len(), 1);
        assert!(s.input.is_empty(), "queued: the line is committed");
        apply(
            &mut s,
            NetEvent::Error {
                message: "no such peer".into(),
            },
        );
        assert_eq!(s.input.text(), line);
    }
    // A message is not a command: an unrelated error leaves the input alone.
    let mut s = new_state();
    type_str(&mut s, "hello");
    submit(&mut s);
    apply(
        &mut s,
        NetEvent::Error {
            message: "x".into(),
        },
    );
    assert!(s.input.is_empty());
}

#[test]
fn history_with_nothing_older_says_so() {
    let mut s = new_state();
    type_str(&mut s, "/history");
    assert_eq!(sends(&submit(&mut s)).len(), 1);
    apply(
        &mut s,
        NetEvent::History {
            entries: vec![],
            more: false,
        },
    );
    let said = |s: &AppState| {
        s.status
            .as_ref()
            .is_some_and(|st| st.text.contains("no older messages"))
    };
    assert!(said(&s));
    s.status = None;
    type_str(&mut s, "/history 5");
    assert!(submit(&mut s).is_empty(), "known exhausted: nothing to ask");
    assert!(said(&s));
}

#[test]
fn a_paste_over_8_kib_is_offered_in_parts() {
    let mut s = new_state();
    type_str(&mut s, "draft ");
    let paste: String = (0..2000).map(|i| format!("line {i:06}\n")).collect();
    assert!(paste.len() > 2 * MAX_INPUT_BYTES);
    assert!(update(&mut s, Action::Paste(paste.clone())).is_empty());
    assert_eq!(s.input.text(), "draft ");
    let st = s.status.clone().unwrap();
    assert!(
        st.text.contains("Enter sends it as 3 messages"),
        "{}",
        st.text
    );
    // Esc keeps editing: nothing sent, the draft intact.
    assert!(press(&mut s, plain(Code::Esc)).is_empty());
    assert_eq!(s.input.text(), "draft ");
    assert_eq!(s.focus, Focus::Input);
    // Again, and Enter sends the parts in order.
    update(&mut s, Action::Paste(paste.clone()));
    let fx = press(&mut s, plain(Code::Enter));
    let bodies: Vec<String> = sends(&fx)
        .into_iter()
        .map(|c| match c {
            NetCommand::Send { body, signed: true } => body.clone(),
            other => panic!("{other:?}"),
        })
        .collect();
    assert_eq!(bodies.len(), 3);
    assert!(bodies.iter().all(|b| b.len() <= MAX_INPUT_BYTES));
    assert!(bodies.join("\n") == paste.trim_end(), "lines lost or added");
    assert_eq!(s.input.text(), "draft ", "the draft stays");
}

#[test]
fn a_huge_paste_is_refused_with_the_whole_reason_in_the_pane() {
    let mut s = new_state();
    let huge: String = (0..30_000).map(|i| format!("line {i}\r\n")).collect();
    assert!(update(&mut s, Action::Paste(huge)).is_empty());
    assert!(s.input.is_empty());
    assert!(s.pending.paste.is_none());
    let last = format!("{:?}", s.log.lines().last().unwrap());
    assert!(
        last.contains("paste refused: 30000 lines") && last.contains("the input is unchanged"),
        "{last}"
    );
}
