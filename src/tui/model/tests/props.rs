//! Property test: no sequence of editing actions and arriving lines panics, splits a
//! character or loses the read marker's line (tests/pure/notify_render.rs draws such states).

use super::*;

fn action() -> impl Strategy<Value = Action> {
    prop_oneof![
        any::<char>().prop_map(Action::InsertChar),
        ".{0,40}".prop_map(Action::Paste),
        Just(Action::DeleteBackward),
        Just(Action::DeleteForward),
        Just(Action::DeleteWordBackward),
        Just(Action::DeleteToStart),
        Just(Action::CursorLeft),
        Just(Action::CursorRight),
        Just(Action::CursorWordLeft),
        Just(Action::CursorWordRight),
        Just(Action::CursorHome),
        Just(Action::CursorEnd),
        Just(Action::HistoryPrevious),
        Just(Action::HistoryNext),
        Just(Action::CompleteOrFocusNext),
        Just(Action::SubmitInput),
        Just(Action::ScrollPageUp),
        Just(Action::ScrollDown(2)),
        Just(Action::InsertNewline),
        any::<bool>().prop_map(Action::TerminalFocus),
        (0u16..120, 0u16..40).prop_map(|(width, height)| Action::Resize { width, height }),
    ]
}

/// A key or terminal action, or a line from Bob (which may name Alice or be an action).
#[derive(Clone, Debug)]
enum Step {
    Act(Action),
    Said(String),
}

fn step() -> impl Strategy<Value = Step> {
    prop_oneof![
        4 => action().prop_map(Step::Act),
        1 => "(@?[Aa]lice|/me |\\n|x|é|👍🏽| ){0,12}".prop_map(Step::Said),
    ]
}

proptest! {
    #[test]
    fn no_action_sequence_panics_or_splits_a_character(steps in proptest::collection::vec(step(), 0..60)) {
        let mut s = new_state();
        s.me.name = "Alice".into();
        peer(&mut s, "p", "Pé");
        for step in steps {
            let a = match step {
                Step::Act(a) => a,
                Step::Said(body) => {
                    let msg_id = format!("p:{}", s.log.len());
                    apply(&mut s, NetEvent::Message {
                        msg_id,
                        from: "p".into(),
                        from_name: "Pé".into(),
                        body,
                        signed: true,
                        verified: true,
                        ts: T0,
                        mentions_me: false,
                        action: false,
                        room: "#general".into(),
                        reply_to: None,
                    });
                    continue;
                }
            };
            for e in update(&mut s, a) {
                if let Effect::Send { from_input, .. } = e {
                    command_result(&mut s, from_input, Ok(()));
                }
            }
            prop_assert!(s.input.text().is_char_boundary(s.input.cursor()));
            prop_assert!(s.input.cursor() <= s.input.text().len());
            prop_assert!(s.log.marker.is_none_or(|m| m < s.log.len()));
            prop_assert!(s.attention.mentions <= s.attention.unread);
        }
    }
}
