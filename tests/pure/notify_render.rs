//! Render snapshots of what calls for attention (issue #13): a line naming the user is
//! highlighted, a `/me` action reads `* Bob waves`, the read marker sits above the first line
//! that came while the terminal was away, and the status bar counts unread lines and mentions.

use super::fixtures::*;
use ratatui::style::Modifier;

/// The chat, then the terminal loses focus and three lines come: an action, a mention, a line.
fn away_and_back(color: bool) -> AppState {
    let mut s = chat(72, 16, color);
    update(&mut s, Action::TerminalFocus(false));
    msg(&mut s, "b0b0b0b0", "Bob", "/me waves", true, T0 + 1_000);
    msg(
        &mut s,
        "d8d8d8d8",
        "Dave 🎸",
        "@alice can you look at this?",
        true,
        T0 + 2_000,
    );
    msg(
        &mut s,
        "b0b0b0b0",
        "Bob",
        "nothing for you here",
        true,
        T0 + 3_000,
    );
    s
}

#[test]
fn mention_action_read_marker_and_counts() {
    let s = away_and_back(true);
    let screen = text(&render(&s));
    insta::assert_snapshot!(screen);
    assert!(screen.contains("new since you last looked"), "{screen}");
    assert!(screen.contains("* Bob waves"), "{screen}");
    assert!(screen.contains("3 unread, 1 @"), "{screen}");
}

#[test]
fn the_mention_is_highlighted_without_colour_too() {
    for color in [true, false] {
        let s = away_and_back(color);
        let t = render(&s);
        let buf = t.backend().buffer();
        let screen = text(&t);
        let row = screen
            .lines()
            .position(|l| l.contains("can you look"))
            .expect("the mention is on screen") as u16;
        let line = screen.lines().nth(row as usize).unwrap();
        let col = line.find("can you").unwrap();
        let x = line[..col].chars().count() as u16;
        let style = buf[(x, row)].style();
        assert!(style.add_modifier.contains(Modifier::BOLD), "{style:?}");
        let plain = screen
            .lines()
            .position(|l| l.contains("nothing for you"))
            .unwrap() as u16;
        let line = screen.lines().nth(plain as usize).unwrap();
        let x = line[..line.find("nothing").unwrap()].chars().count() as u16;
        assert!(!buf[(x, plain)]
            .style()
            .add_modifier
            .contains(Modifier::BOLD));
    }
    // Coming back clears the counts; the marker stays where the unread lines began.
    let mut s = away_and_back(false);
    update(&mut s, Action::TerminalFocus(true));
    let screen = text(&render(&s));
    assert!(screen.contains("new since you last looked"), "{screen}");
    assert!(!screen.contains("unread"), "{screen}");
}

#[test]
fn a_message_of_several_lines_grows_the_input_up_to_its_bound() {
    let mut s = chat(40, 12, true);
    for (i, word) in ["one", "two", "three", "four", "five"].iter().enumerate() {
        if i > 0 {
            key(&mut s, Key::alt(Code::Enter));
        }
        for c in word.chars() {
            key(&mut s, Key::plain(Code::Char(c)));
        }
    }
    assert_eq!(s.input.text(), "one\ntwo\nthree\nfour\nfive");
    let mut t = render(&s);
    let screen = text(&t);
    let rows: Vec<&str> = screen.lines().collect();
    // 12 rows: a quarter is 3 input rows, above the status bar; lines above are marked.
    assert_eq!(&rows[8..11], ["⋮ three", "  four", "  five"], "{screen}");
    assert_eq!(t.get_cursor_position().unwrap().y, 10);
    key(&mut s, Key::plain(Code::Home));
    t.draw(|f| view::draw(f, &s)).unwrap();
    let screen = text(&t);
    let rows: Vec<&str> = screen.lines().collect();
    assert_eq!(&rows[8..11], ["› one", "  two", "  three"], "{screen}");
    assert_eq!(t.get_cursor_position().unwrap().y, 8);
}

/// Lines that name Alice or are actions, focus changes, Alt-Enter and scrolling, at any size:
/// every state draws, with the marker (when set) on a real line.
#[test]
fn any_mix_of_arrivals_focus_and_line_breaks_draws() {
    use proptest::prelude::*;
    let step = prop_oneof![
        "(@?[Aa]lice|/me |x|é|👍🏽| ){0,12}".prop_map(Some),
        Just(None),
    ];
    let size = (20u16..100, 6u16..30);
    proptest!(|(steps in proptest::collection::vec((step, any::<u8>()), 0..40), (w, h) in size)| {
        let mut s = chat(w, h, true);
        for (i, (said, choice)) in steps.into_iter().enumerate() {
            match said {
                Some(body) => msg(&mut s, "b0b0b0b0", "Bob", &body, true, T0 + i as i64),
                None => {
                    let action = match choice % 5 {
                        0 => Action::TerminalFocus(false),
                        1 => Action::TerminalFocus(true),
                        2 => Action::InsertNewline,
                        3 => Action::ScrollPageUp,
                        _ => Action::InsertChar('y'),
                    };
                    update(&mut s, action);
                }
            }
            prop_assert!(s.log.marker.is_none_or(|m| m < s.log.len()));
        }
        let screen = text(&render(&s));
        prop_assert_eq!(screen.lines().count(), h as usize);
    });
}
