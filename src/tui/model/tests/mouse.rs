//! Issue #13, "a click that focuses a pane or selects a peer or proposal": clicks and the
//! wheel act on what is under the pointer (hit-testing is `geometry::hit`, tested there).

use super::*;

fn wide(s: &mut AppState) {
    update(
        s,
        Action::Resize {
            width: 100,
            height: 30,
        },
    );
}

fn click(s: &mut AppState, column: u16, row: u16) -> Vec<Effect> {
    update(s, Action::Click { column, row })
}

fn wheel(s: &mut AppState, column: u16, row: u16, up: bool) -> Vec<Effect> {
    update(s, Action::Wheel { column, row, up })
}

#[test]
fn a_click_on_a_peer_focuses_the_list_and_selects_it() {
    let mut s = new_state();
    wide(&mut s);
    for (id, name) in [("a", "Ann"), ("b", "Bob"), ("c", "Cyd")] {
        peer(&mut s, id, name);
    }
    // Rows 1, 2, 3 inside the peers pane's border: Ann, Bob, Cyd.
    click(&mut s, 4, 3);
    assert_eq!(s.focus, Focus::Peers);
    assert_eq!(s.selected_peer, 2);
    assert!(s.status.as_ref().unwrap().text.starts_with("Cyd"));
    // Enter then starts a private message to the clicked peer.
    press(&mut s, plain(Code::Enter));
    assert!(s.input.text().starts_with("/dm Cyd "), "{}", s.input.text());
}

#[test]
fn a_click_on_a_proposal_selects_it_for_the_vote_keys() {
    let mut s = new_state();
    wide(&mut s);
    proposal(&mut s, "p1");
    apply(
        &mut s,
        NetEvent::Proposal {
            proposal_id: "p2".into(),
            proposer: "b".into(),
            proposer_name: "Bob".into(),
            description: "later".into(),
            enable: true,
            threshold: 2,
            electorate: vec!["a".into(), "b".into(), "c".into()],
            expires_ts: T0 + 120_000,
        },
    );
    // 100x30: the side column's lower 55 % is Proposals (rows 13..28); each takes 3 rows.
    let top = (0..30)
        .find(|&y| {
            matches!(
                crate::tui::geometry::hit::target_at(&s, 5, y),
                crate::tui::geometry::hit::Target::Proposal(0)
            )
        })
        .expect("a proposal row");
    click(&mut s, 5, top + 3);
    assert_eq!(s.focus, Focus::Proposals);
    assert_eq!(s.selected_proposal.as_deref(), Some("p2"));
    let fx = press(&mut s, Key::ctrl(Code::Char('y')));
    assert_eq!(
        fx,
        [Effect::Send {
            command: NetCommand::Vote {
                proposal: "p2".into(),
                approve: true
            },
            from_input: false
        }]
    );
}

#[test]
fn clicks_focus_the_pane_under_them() {
    let mut s = new_state();
    wide(&mut s);
    click(&mut s, 50, 10);
    assert_eq!(s.focus, Focus::Messages);
    click(&mut s, 50, 28);
    assert_eq!(s.focus, Focus::Input);
    click(&mut s, 50, 29);
    assert_eq!(s.focus, Focus::Input, "the status bar takes no focus");
    // With help open a click closes it and does nothing else.
    press(&mut s, plain(Code::F(1)));
    click(&mut s, 50, 10);
    assert_eq!((s.help, s.focus), (None, Focus::Input));
}

#[test]
fn the_wheel_scrolls_the_pane_under_the_pointer() {
    let mut s = new_state();
    wide(&mut s);
    bob_lines(&mut s, 100, T0);
    for (id, name) in [("a", "Ann"), ("b", "Bob"), ("c", "Cyd")] {
        peer(&mut s, id, name);
    }
    // Over the peers: the selection moves, the messages stay.
    wheel(&mut s, 4, 2, false);
    wheel(&mut s, 4, 2, false);
    assert_eq!(s.selected_peer, 2);
    assert_eq!(s.log.view, View::Follow);
    wheel(&mut s, 4, 2, true);
    assert_eq!(s.selected_peer, 1);
    // Over the messages: they scroll back, and forward again to following.
    wheel(&mut s, 50, 10, true);
    assert!(matches!(s.log.view, View::Pinned(_)));
    wheel(&mut s, 50, 10, false);
    assert_eq!(s.log.view, View::Follow);
    // With help open the wheel scrolls help.
    press(&mut s, plain(Code::F(1)));
    wheel(&mut s, 50, 10, false);
    assert_eq!(s.help, Some(3));
}
