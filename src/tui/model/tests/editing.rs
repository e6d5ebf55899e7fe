//! Input editing, history, completion, paste and quitting through the real keymap.

use super::*;

#[test]
fn editing_keys_work_on_graphemes() {
    let mut s = new_state();
    type_str(&mut s, "héllo wörld 🎉");
    assert_eq!(s.input.text(), "héllo wörld 🎉");
    press(&mut s, plain(Code::Left));
    press(&mut s, plain(Code::Backspace));
    assert_eq!(s.input.text(), "héllo wörld🎉");
    press(&mut s, Key::ctrl(Code::Char('w')));
    assert_eq!(s.input.text(), "héllo 🎉");
    press(&mut s, plain(Code::Home));
    press(&mut s, plain(Code::Delete));
    assert_eq!(s.input.text(), "éllo 🎉");
    press(&mut s, plain(Code::End));
    press(&mut s, Key::alt(Code::Backspace));
    assert_eq!(s.input.text(), "éllo ");
    press(&mut s, plain(Code::Left));
    press(&mut s, Key::ctrl(Code::Char('u')));
    assert_eq!(s.input.text(), " ");
    assert_eq!(s.input.cursor(), 0);
}

#[test]
fn history_walks_back_and_restores_the_draft() {
    let mut s = new_state();
    for line in ["one", "two"] {
        type_str(&mut s, line);
        let fx = submit(&mut s);
        assert_eq!(
            fx,
            vec![Effect::Send {
                command: NetCommand::Send {
                    body: line.into(),
                    signed: true
                },
                from_input: true
            }]
        );
        assert!(s.input.is_empty());
    }
    type_str(&mut s, "dra");
    let up = plain(Code::Up);
    press(&mut s, up);
    assert_eq!(s.input.text(), "two");
    press(&mut s, up);
    press(&mut s, up);
    assert_eq!(s.input.text(), "one");
    press(&mut s, plain(Code::Down));
    assert_eq!(s.input.text(), "two");
    press(&mut s, plain(Code::Down));
    assert_eq!(s.input.text(), "dra");
}

#[test]
fn tab_completes_commands_and_peer_names() {
    let mut s = new_state();
    peer(&mut s, "c1", "Carol");
    peer(&mut s, "c2", "Casper");
    type_str(&mut s, "/qu");
    press(&mut s, plain(Code::Tab));
    assert_eq!(s.input.text(), "/quit ");
    s.input.clear();
    type_str(&mut s, "/pro");
    press(&mut s, plain(Code::Tab));
    assert_eq!(s.input.text(), "/proposals");
    press(&mut s, plain(Code::Tab));
    assert_eq!(s.input.text(), "/propose");
    s.input.clear();
    type_str(&mut s, "hi car");
    press(&mut s, plain(Code::Tab));
    assert_eq!(s.input.text(), "hi Carol ");
    // Nothing to complete: Tab moves focus on.
    s.input.clear();
    press(&mut s, plain(Code::Tab));
    assert_eq!(s.focus, Focus::Peers);
}

#[test]
fn a_huge_paste_is_refused_whole_and_a_multiline_paste_is_one_send() {
    let mut s = new_state();
    type_str(&mut s, "keep me ");
    let huge: String = (0..30_000).map(|i| format!("line {i}\r\n")).collect();
    assert!(update(&mut s, Action::Paste(huge)).is_empty());
    assert_eq!(s.input.text(), "keep me ", "input unchanged");
    assert!(s
        .status
        .as_ref()
        .is_some_and(|st| st.text.contains("paste refused: 30000 lines")));
    let paste: String = (0..300).map(|i| format!("line {i}\r\n")).collect();
    assert!(update(&mut s, Action::Paste(paste)).is_empty());
    assert!(s.input.text().starts_with("keep me line 0\nline 1\n"));
    assert!(s.input.text().len() <= MAX_INPUT_BYTES);
    let fx = submit(&mut s);
    assert_eq!(fx.len(), 1);
    match &fx[0] {
        Effect::Send {
            command: NetCommand::Send { body, .. },
            ..
        } => assert!(body.lines().count() > 100),
        other => panic!("unexpected {other:?}"),
    }
}

#[test]
fn ctrl_c_clears_then_asks_then_quits_and_ctrl_q_quits() {
    let mut s = new_state();
    type_str(&mut s, "draft");
    assert!(press(&mut s, Key::ctrl(Code::Char('c'))).is_empty());
    assert!(s.input.is_empty() && !s.quitting);
    // On the empty line the first Ctrl-C asks, the second quits.
    assert!(press(&mut s, Key::ctrl(Code::Char('c'))).is_empty());
    assert_eq!(
        press(&mut s, Key::ctrl(Code::Char('c'))),
        vec![Effect::Quit]
    );
    assert!(s.quitting);
    let mut s = new_state();
    type_str(&mut s, "keep");
    assert_eq!(
        press(&mut s, Key::ctrl(Code::Char('q'))),
        vec![Effect::Quit]
    );
    let mut s = new_state();
    type_str(&mut s, "/quit");
    assert_eq!(submit(&mut s), vec![Effect::Quit]);
}

#[test]
fn up_and_down_move_between_the_lines_of_a_multiline_input() {
    let mut s = new_state();
    type_str(&mut s, "earlier");
    submit(&mut s);
    let (up, down) = (plain(Code::Up), plain(Code::Down));
    // Three lines; the middle one is shorter than the column the cursor is in.
    type_str(&mut s, "first line");
    press(&mut s, Key::alt(Code::Enter));
    type_str(&mut s, "mid");
    press(&mut s, Key::alt(Code::Enter));
    type_str(&mut s, "thé last");
    let text = "first line\nmid\nthé last";
    assert_eq!(s.input.text(), text);
    // From column 8 of the last line: the middle line's end, then column 3 of the first.
    press(&mut s, up);
    assert_eq!(
        (s.input.text(), s.input.cursor()),
        (text, "first line\nmid".len())
    );
    press(&mut s, up);
    assert_eq!((s.input.text(), s.input.cursor()), (text, 3));
    // Down goes back the same way; the column counts graphemes, not bytes.
    press(&mut s, down);
    press(&mut s, down);
    assert_eq!(
        (s.input.text(), s.input.cursor()),
        (text, "first line\nmid\nthé".len())
    );
    // Down on the last line: no newer history, so the text stays.
    press(&mut s, down);
    assert_eq!(s.input.text(), text);
    // Up on the first line recalls history; Down there (one line) brings the draft back.
    press(&mut s, up);
    press(&mut s, up);
    assert_eq!(s.input.text(), text, "Up moved lines, history not yet");
    press(&mut s, up);
    assert_eq!(s.input.text(), "earlier");
    press(&mut s, down);
    assert_eq!(s.input.text(), text);
}
