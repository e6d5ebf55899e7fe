//! Tests of the terminal loop: keys become commands on the handle, a full queue, a stopped
//! network, the wheel, resizing and quitting.

use super::*;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers, MouseEvent};
use tokio::sync::mpsc;

fn state() -> AppState {
    let opts = TuiOptions {
        color: false,
        mouse: false,
        ..TuiOptions::default()
    };
    let mut s = AppState::new(&opts, Now::utc(0));
    update(
        &mut s,
        Action::Resize {
            width: 80,
            height: 24,
        },
    );
    s
}

fn key(code: KeyCode) -> Event {
    Event::Key(KeyEvent::new(code, KeyModifiers::NONE))
}

#[test]
fn keys_become_commands_on_the_handle() {
    let (tx, mut rx) = mpsc::channel(4);
    let handle = NetHandle::new(tx);
    let mut s = state();
    for c in "hi".chars() {
        assert!(on_terminal_event(&mut s, &handle, key(KeyCode::Char(c))));
    }
    on_terminal_event(&mut s, &handle, key(KeyCode::Enter));
    assert_eq!(
        rx.try_recv(),
        Ok(NetCommand::Send {
            body: "hi".into(),
            signed: true
        })
    );
    assert!(s.input.is_empty());
    assert_eq!(s.input.history(), ["hi".to_string()]);
}

#[test]
fn a_full_queue_keeps_the_input_and_says_busy() {
    let (tx, _rx) = mpsc::channel(1);
    let handle = NetHandle::new(tx);
    handle.try_send(NetCommand::Status).unwrap();
    let mut s = state();
    on_terminal_event(&mut s, &handle, Event::Paste("two\nlines".into()));
    on_terminal_event(&mut s, &handle, key(KeyCode::Enter));
    assert_eq!(s.input.text(), "two\nlines");
    assert!(s.status.as_ref().is_some_and(|st| st.text.contains("busy")));
}

#[test]
fn a_stopped_network_is_reported() {
    let (tx, rx) = mpsc::channel(1);
    drop(rx);
    let handle = NetHandle::new(tx);
    let mut s = state();
    on_terminal_event(&mut s, &handle, key(KeyCode::Char('x')));
    on_terminal_event(&mut s, &handle, key(KeyCode::Enter));
    assert_eq!(s.input.text(), "x");
    assert!(s
        .status
        .as_ref()
        .is_some_and(|st| st.text.contains("stopped")));
}

#[test]
fn wheel_resize_and_quit() {
    let (tx, _rx) = mpsc::channel(1);
    let handle = NetHandle::new(tx);
    let mut s = state();
    let wheel = MouseEvent {
        kind: MouseEventKind::ScrollUp,
        column: 0,
        row: 0,
        modifiers: KeyModifiers::NONE,
    };
    assert!(on_terminal_event(&mut s, &handle, Event::Mouse(wheel)));
    assert!(on_terminal_event(&mut s, &handle, Event::Resize(30, 9)));
    assert_eq!((s.width, s.height), (30, 9));
    assert!(on_terminal_event(&mut s, &handle, Event::FocusLost));
    assert!(!s.attention.focused);
    let ctrl_q = Event::Key(KeyEvent::new(KeyCode::Char('q'), KeyModifiers::CONTROL));
    on_terminal_event(&mut s, &handle, ctrl_q);
    assert!(s.quitting);
}
