//! Issue #13, "Copying": F2 shows the messages bare for the terminal's selection; any key
//! returns, and a letter typed to return is not lost.

use super::*;

#[test]
fn f2_toggles_the_copy_view_and_esc_leaves_it() {
    let mut s = new_state();
    press(&mut s, plain(Code::F(2)));
    assert!(s.copy_view);
    press(&mut s, plain(Code::F(2)));
    assert!(!s.copy_view);
    press(&mut s, plain(Code::F(2)));
    press(&mut s, plain(Code::Esc));
    assert!(!s.copy_view);
}

#[test]
fn a_letter_leaves_the_copy_view_and_is_typed() {
    let mut s = new_state();
    press(&mut s, plain(Code::F(2)));
    type_str(&mut s, "hi");
    assert!(!s.copy_view);
    assert_eq!(s.input.text(), "hi");
    assert_eq!(s.focus, Focus::Input);
}

#[test]
fn other_keys_leave_without_acting() {
    let mut s = new_state();
    type_str(&mut s, "draft");
    press(&mut s, plain(Code::F(2)));
    assert!(
        press(&mut s, plain(Code::Enter)).is_empty(),
        "Enter sends nothing"
    );
    assert!(!s.copy_view);
    assert_eq!(s.input.text(), "draft");
    press(&mut s, plain(Code::F(2)));
    assert!(press(&mut s, Key::ctrl(Code::Char('c'))).is_empty());
    assert!(
        !s.copy_view && !s.quitting,
        "Ctrl-C (copy, in some habits) never quits here"
    );
    assert_eq!(s.input.text(), "draft");
}

#[test]
fn scroll_keys_scroll_the_copy_view_and_stay_in_it() {
    let mut s = new_state();
    bob_lines(&mut s, 100, T0);
    press(&mut s, plain(Code::F(2)));
    press(&mut s, plain(Code::PageUp));
    assert!(s.copy_view);
    assert!(matches!(s.log.view, View::Pinned(_)));
    press(&mut s, plain(Code::End));
    assert!(s.copy_view);
    assert_eq!(s.log.view, View::Follow);
    // The mouse is the terminal's there: clicks and the wheel do nothing.
    update(&mut s, Action::Click { column: 5, row: 5 });
    update(
        &mut s,
        Action::Wheel {
            column: 5,
            row: 5,
            up: true,
        },
    );
    assert!(s.copy_view);
    assert_eq!(s.log.view, View::Follow);
}
