//! Render tests for issue #13's copy view and colours: the copy view's output has whole
//! lines and no borders; an 8-colour terminal gets only the 8 basic colours.

use super::fixtures::*;
use p2pchat_tui::tui::colors::fit::is_basic8;
use p2pchat_tui::tui::colors::{Background, ColorDepth};

const URL: &str = "https://example.org/a/very/long/path/that/is/much/wider/than/the/terminal/so/it/wraps/index.html?query=1";

#[test]
fn eight_colour_terminal_gets_only_the_basic_colours() {
    let mut s = chat(72, 16, true);
    s.color_depth = ColorDepth::Basic8;
    key(&mut s, Key::plain(Code::Tab));
    key(&mut s, Key::plain(Code::Down));
    let t = render(&s);
    let buf = t.backend().buffer();
    for cell in buf.content() {
        assert!(is_basic8(cell.fg), "{:?} in {cell:?}", cell.fg);
        assert!(is_basic8(cell.bg), "{:?} in {cell:?}", cell.bg);
    }
    insta::assert_debug_snapshot!(buf);
}

#[test]
fn a_light_background_changes_the_peer_colours_and_keeps_yours_default() {
    let mut dark = chat(72, 16, true);
    dark.color_depth = ColorDepth::Indexed256;
    let mut light = dark.clone();
    light.background = Background::Light;
    let (d, l) = (render(&dark), render(&light));
    let (d, l) = (d.backend().buffer(), l.backend().buffer());
    let screen = text(&render(&dark));
    // Bob's name on the first message row; Alice's own name.
    let find = |needle: &str| {
        screen
            .lines()
            .enumerate()
            .find_map(|(y, row)| {
                row.find(needle)
                    .map(|x| (row[..x].chars().count() as u16, y as u16))
            })
            .unwrap()
    };
    let bob = find("Dave");
    assert_ne!(d[bob].fg, l[bob].fg, "peer colours differ by background");
    let own = find("Alice ▸");
    assert_eq!(d[own].fg, ratatui::style::Color::Reset);
    assert_eq!(l[own].fg, ratatui::style::Color::Reset);
}

#[test]
fn the_copy_view_writes_whole_lines_without_borders() {
    let mut s = chat(40, 12, true);
    msg(&mut s, "b0b0b0b0", "Bob", &format!("see {URL}"), true, T0);
    update(&mut s, Action::ToggleCopyView);
    assert!(s.copy_view);
    let out = view::copy::frame(&s);
    assert!(out.starts_with("\x1b[0m\x1b[H\x1b[2J"), "clears first");
    let rows: Vec<&str> = out.split("\r\n").collect();
    assert!(rows[0].contains("copy view"), "{:?}", rows[0]);
    assert!(
        rows.last().unwrap().ends_with(URL),
        "the URL on one line, unbroken"
    );
    assert!(
        !out.ends_with('\n'),
        "the last row never scrolls the screen"
    );
    for border in ['│', '┌', '└', '─'] {
        assert!(
            !rows[1..]
                .iter()
                .any(|r| r.contains(border) && !r.starts_with("──")),
            "{border} in {rows:?}"
        );
    }
    assert!(!out.contains("Peers 2/3") && !out.contains("Proposals: 1 open"));
    // What fits: rows after the title, counted as the terminal wraps them, fill at most 11.
    let used: usize = rows[1..]
        .iter()
        .map(|r| p2pchat_tui::tui::geometry::copy::soft_rows(r, 40))
        .sum();
    assert!(used <= 11, "{used} rows");
    insta::assert_snapshot!(rows[1..].join("\n"));
}
