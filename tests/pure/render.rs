//! Whole-screen render snapshots of the interactive interface (ratatui TestBackend + insta),
//! driven by network events and key presses, with a fixed clock in UTC.

use super::fixtures::*;

#[test]
fn main_screen_80x24() {
    let s = chat(80, 24, true);
    insta::assert_snapshot!(text(&render(&s)));
}

#[test]
fn wide_screen_140x30_has_three_columns() {
    let s = chat(140, 30, true);
    insta::assert_snapshot!(text(&render(&s)));
}

#[test]
fn narrow_screen_40x12_folds_side_panes() {
    let s = chat(40, 12, true);
    insta::assert_snapshot!(text(&render(&s)));
}

#[test]
fn medium_screen_60x18_puts_proposals_above_messages() {
    let mut s = chat(60, 18, true);
    // Focus the proposals strip and select the open proposal.
    key(&mut s, Key::plain(Code::Tab));
    key(&mut s, Key::plain(Code::Tab));
    assert_eq!(s.focus, p2pchat_tui::tui::model::Focus::Proposals);
    insta::assert_snapshot!(text(&render(&s)));
}

#[test]
fn help_overlay_lists_keys_and_commands() {
    let mut s = chat(80, 24, true);
    key(&mut s, Key::plain(Code::F(1)));
    insta::assert_snapshot!("help_top", text(&render(&s)));
    for _ in 0..100 {
        key(&mut s, Key::plain(Code::PageDown));
    }
    insta::assert_snapshot!("help_bottom", text(&render(&s)));
}

#[test]
fn too_small_terminal_says_so() {
    let s = chat(19, 8, true);
    insta::assert_snapshot!(text(&render(&s)));
    let s = chat(30, 5, true);
    assert!(text(&render(&s)).contains("terminal too small"));
}

#[test]
fn scrolled_back_view_shows_new_message_marker() {
    let mut s = chat(80, 24, true);
    for i in 0..40 {
        msg(
            &mut s,
            "b0b0b0b0",
            "Bob",
            &format!("backlog {i}"),
            true,
            T0 + i * 1000,
        );
    }
    for _ in 0..2 {
        key(&mut s, Key::plain(Code::PageUp));
    }
    msg(
        &mut s,
        "d8d8d8d8",
        "Dave 🎸",
        "new while you were away",
        true,
        T0 + MIN,
    );
    msg(&mut s, "d8d8d8d8", "Dave 🎸", "and another", true, T0 + MIN);
    insta::assert_snapshot!(text(&render(&s)));
}

#[test]
fn input_line_shows_pasted_newlines_and_keeps_the_cursor_visible() {
    let mut s = chat(40, 12, true);
    update(
        &mut s,
        Action::Paste("first line\nsecond line\nthird line that is long enough to scroll".into()),
    );
    let mut t = render(&s);
    let out = text(&t);
    assert!(out.lines().nth(10).unwrap().ends_with("enough to scroll"));
    insta::assert_snapshot!(out);
    let pos = t.get_cursor_position().unwrap();
    assert_eq!(pos.y, 10);
    assert!(pos.x < 40);
    key(&mut s, Key::plain(Code::Home));
    t.draw(|f| view::draw(f, &s)).unwrap();
    assert_eq!(t.get_cursor_position().unwrap().x, 2);
    // Three lines, three rows: the first starts at the prompt, the cursor is on it.
    assert_eq!(t.get_cursor_position().unwrap().y, 8);
    let screen = text(&t);
    let rows: Vec<&str> = screen.lines().skip(8).take(3).collect();
    assert!(rows[0].starts_with("› first line"), "{screen}");
    assert!(rows[1].starts_with("  second line"), "{screen}");
    assert!(rows[2].starts_with("  third line"), "{screen}");
}

#[test]
fn styles_with_colour() {
    // Peers pane focused with a selection; chat lines with peer colours and signature marks.
    let mut s = chat(72, 16, true);
    key(&mut s, Key::plain(Code::Tab));
    key(&mut s, Key::plain(Code::Down));
    insta::assert_debug_snapshot!(render(&s).backend().buffer());
}

#[test]
fn styles_without_colour_keep_selection_visible() {
    let mut s = chat(48, 14, false);
    key(&mut s, Key::plain(Code::Tab));
    key(&mut s, Key::plain(Code::Down));
    let t = render(&s);
    let buf = t.backend().buffer();
    for cell in buf.content() {
        assert_eq!(
            cell.fg,
            ratatui::style::Color::Reset,
            "no colour with NO_COLOR"
        );
        assert_eq!(
            cell.bg,
            ratatui::style::Color::Reset,
            "no colour with NO_COLOR"
        );
    }
    insta::assert_debug_snapshot!(buf);
}

#[test]
fn the_mode_stays_on_a_40_column_status_bar() {
    for (width, secure) in [(40, true), (40, false), (30, true), (100, true)] {
        let mut s = chat(width, 12, true);
        s.secure_only = Some(secure);
        let screen = text(&render(&s));
        let bar = screen.lines().last().unwrap();
        let mode = if secure { "SECURE-ONLY" } else { "open mode" };
        assert!(bar.contains(mode), "{width} columns: {bar:?}");
    }
}

#[test]
fn a_paste_over_8_kib_asks_with_the_whole_reason_wrapped() {
    let mut s = chat(60, 20, true);
    let paste: String = (0..2000).map(|i| format!("line {i:06}\n")).collect();
    update(&mut s, Action::Paste(paste));
    let screen = text(&render(&s));
    assert!(
        screen.contains("› paste waiting: Enter sends it as 3 messages"),
        "{screen}"
    );
    // The reason is longer than the row: it wraps in the message pane, all of it.
    let flat: String = screen
        .lines()
        .flat_map(|l| l.trim_matches(|c| c == '│' || c == ' ').split_whitespace())
        .collect::<Vec<_>>()
        .join(" ");
    assert!(
        flat.contains("Esc drops the paste and keeps editing."),
        "{screen}"
    );
}

#[test]
fn transfers_box_shows_the_offer_to_answer_and_progress() {
    use p2pchat_engine::api::NetEvent;
    let mut s = chat(80, 24, true);
    for (id, name) in [("a1a1a1a1", "holiday.jpg"), ("b2b2b2b2", "notes.txt")] {
        p2pchat_tui::tui::model::apply(
            &mut s,
            NetEvent::FileOffer {
                transfer_id: id.into(),
                from: "b0b0b0b0".into(),
                from_name: "Bob".into(),
                name: name.into(),
                size: 3 * 1024 * 1024,
                hash: "00".repeat(32),
                recipients: 2,
            },
        );
    }
    p2pchat_tui::tui::model::apply(
        &mut s,
        NetEvent::FileProgress {
            transfer_id: "a1a1a1a1".into(),
            bytes: 1024 * 1024,
            size: 3 * 1024 * 1024,
            rate: 512 * 1024,
        },
    );
    insta::assert_snapshot!(text(&render(&s)));
}
