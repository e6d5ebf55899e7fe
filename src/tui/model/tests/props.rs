//! Property test: no sequence of editing actions panics or splits a character.

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
        (0u16..120, 0u16..40).prop_map(|(width, height)| Action::Resize { width, height }),
    ]
}

proptest! {
    #[test]
    fn no_action_sequence_panics_or_splits_a_character(actions in proptest::collection::vec(action(), 0..60)) {
        let mut s = new_state();
        peer(&mut s, "p", "Pé");
        for a in actions {
            for e in update(&mut s, a) {
                if let Effect::Send { from_input, .. } = e {
                    command_result(&mut s, from_input, Ok(()));
                }
            }
            prop_assert!(s.input.text().is_char_boundary(s.input.cursor()));
            prop_assert!(s.input.cursor() <= s.input.text().len());
        }
    }
}
