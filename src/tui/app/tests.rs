//! Unit tests of the model: key table, input editing, history, completion, paste, quitting,
//! voting and scrolling. No terminal; a fixed clock.

use super::keymap::{lookup, Code, Key, Mode};
use super::log::View;
use super::state::{Focus, Now};
use super::{apply, command_result, update, Action, AppState, Effect};
use crate::net::{HandleError, NetCommand, NetEvent, Outcome};
use crate::tui::TuiOptions;

const T0: i64 = 1_795_356_300_000;

fn new_state() -> AppState {
    let opts = TuiOptions {
        color: false,
        mouse: false,
        ..TuiOptions::default()
    };
    let mut s = AppState::new(&opts, Now::utc(T0));
    update(
        &mut s,
        Action::Resize {
            width: 80,
            height: 24,
        },
    );
    s
}

/// Presses a key through the real keymap; returns the effects.
fn press(s: &mut AppState, key: Key) -> Vec<Effect> {
    let mode = Mode {
        focus: s.focus,
        help_open: s.help.is_some(),
    };
    match lookup(mode, key) {
        Some(a) => update(s, a),
        None => Vec::new(),
    }
}

fn plain(c: Code) -> Key {
    Key::plain(c)
}

fn type_str(s: &mut AppState, text: &str) {
    for c in text.chars() {
        press(s, plain(Code::Char(c)));
    }
}

/// Submits the input and acknowledges any send as queued.
fn submit(s: &mut AppState) -> Vec<Effect> {
    let effects = press(s, plain(Code::Enter));
    for e in &effects {
        if let Effect::Send { from_input, .. } = e {
            command_result(s, *from_input, Ok(()));
        }
    }
    effects
}

fn peer(s: &mut AppState, id: &str, name: &str) {
    apply(
        s,
        NetEvent::PeerOnline {
            id: id.into(),
            name: name.into(),
            fingerprint: "ff".into(),
            addr: "a".into(),
        },
    );
}

fn proposal(s: &mut AppState, id: &str) {
    apply(
        s,
        NetEvent::Proposal {
            proposal_id: id.into(),
            proposer: "b".into(),
            proposer_name: "Bob".into(),
            description: "lock".into(),
            enable: true,
            threshold: 2,
            electorate: vec!["a".into(), "b".into(), "c".into()],
            expires_ts: T0 + 60_000,
        },
    );
}

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
fn a_huge_multiline_paste_is_one_capped_input_and_one_send() {
    let mut s = new_state();
    let paste: String = (0..10_000).map(|i| format!("line {i}\r\n")).collect();
    assert!(update(&mut s, Action::Paste(paste)).is_empty());
    assert!(s.input.text().len() <= super::input::MAX_INPUT_BYTES);
    assert!(s.input.text().starts_with("line 0\nline 1\n"));
    assert!(s
        .status
        .as_ref()
        .is_some_and(|st| st.text.contains("8 KiB")));
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
fn ctrl_c_clears_then_quits_and_ctrl_q_quits() {
    let mut s = new_state();
    type_str(&mut s, "draft");
    assert!(press(&mut s, Key::ctrl(Code::Char('c'))).is_empty());
    assert!(s.input.is_empty() && !s.quitting);
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
fn voting_keys_send_votes_for_the_selected_open_proposal() {
    let mut s = new_state();
    proposal(&mut s, "p1");
    proposal(&mut s, "p2");
    // Focus: input -> peers -> messages -> proposals.
    for _ in 0..3 {
        press(&mut s, plain(Code::Tab));
    }
    assert_eq!(s.focus, Focus::Proposals);
    let vote = |id: &str, approve| {
        vec![Effect::Send {
            command: NetCommand::Vote {
                proposal: id.into(),
                approve,
            },
            from_input: false,
        }]
    };
    assert_eq!(press(&mut s, plain(Code::Char('y'))), vote("p1", true));
    press(&mut s, plain(Code::Char('j')));
    assert_eq!(press(&mut s, plain(Code::Char('n'))), vote("p2", false));
    apply(
        &mut s,
        NetEvent::ProposalClosed {
            proposal_id: "p2".into(),
            outcome: Outcome::Expired,
        },
    );
    assert!(press(&mut s, plain(Code::Char('y'))).is_empty());
    assert!(s
        .status
        .as_ref()
        .is_some_and(|st| st.text.contains("closed")));
    // Esc goes back to the input, where y types.
    press(&mut s, plain(Code::Esc));
    assert!(press(&mut s, plain(Code::Char('y'))).is_empty());
    assert_eq!(s.input.text(), "y");
}

#[test]
fn own_vote_and_tally_follow_vote_events() {
    let mut s = new_state();
    apply(
        &mut s,
        NetEvent::Ready {
            id: "me".into(),
            name: "Me".into(),
            port: 1,
            fingerprint: "f".into(),
        },
    );
    proposal(&mut s, "p1");
    apply(
        &mut s,
        NetEvent::Vote {
            proposal_id: "p1".into(),
            voter: "me".into(),
            voter_name: "Me".into(),
            approve: false,
            approvals: 0,
            rejections: 1,
        },
    );
    let p = &s.proposals[0];
    assert_eq!((p.my_vote, p.rejections), (Some(false), 1));
}

#[test]
fn scrolled_view_is_not_yanked_by_new_messages() {
    let mut s = new_state();
    for i in 0..200 {
        let body = format!("message {i}");
        apply(
            &mut s,
            NetEvent::Message {
                msg_id: i.to_string(),
                from: "b".into(),
                from_name: "Bob".into(),
                body,
                signed: true,
                verified: true,
                ts: T0,
            },
        );
    }
    press(&mut s, plain(Code::PageUp));
    let pinned = s.log.view;
    assert!(matches!(pinned, View::Pinned(_)));
    for i in 0..5 {
        apply(
            &mut s,
            NetEvent::Notice {
                message: format!("notice {i}"),
            },
        );
    }
    assert_eq!(s.log.view, pinned);
    assert_eq!(s.log.unseen, 5);
    press(&mut s, plain(Code::PageDown));
    press(&mut s, plain(Code::PageDown));
    assert_eq!(s.log.view, View::Follow);
    assert_eq!(s.log.unseen, 0);
    // End in the messages pane follows again after scrolling up with the keys there.
    s.focus = Focus::Messages;
    press(&mut s, plain(Code::Char('k')));
    assert!(matches!(s.log.view, View::Pinned(_)));
    press(&mut s, plain(Code::End));
    assert_eq!(s.log.view, View::Follow);
}

#[test]
fn busy_network_keeps_the_input() {
    let mut s = new_state();
    type_str(&mut s, "hello");
    let fx = press(&mut s, plain(Code::Enter));
    assert_eq!(fx.len(), 1);
    command_result(&mut s, true, Err(HandleError::Busy));
    assert_eq!(s.input.text(), "hello");
    assert!(s.status.as_ref().is_some_and(|st| st.text.contains("busy")));
}

#[test]
fn parse_errors_keep_the_input_and_help_opens() {
    let mut s = new_state();
    type_str(&mut s, "/bogus");
    assert!(press(&mut s, plain(Code::Enter)).is_empty());
    assert_eq!(s.input.text(), "/bogus");
    assert!(s
        .status
        .as_ref()
        .is_some_and(|st| st.text.contains("unknown command")));
    type_str(&mut s, "?");
    assert_eq!(s.input.text(), "/bogus?");
    assert!(s.help.is_none());
    s.input.clear();
    type_str(&mut s, "?");
    assert!(s.help.is_some());
    press(&mut s, plain(Code::Esc));
    assert!(s.help.is_none());
    press(&mut s, plain(Code::F(1)));
    assert!(s.help.is_some());
}

#[test]
fn commands_map_to_network_commands() {
    let cases = [
        ("/list", NetCommand::ListPeers),
        ("/status", NetCommand::Status),
        ("/crypto", NetCommand::Identity),
        ("/proposals", NetCommand::ListProposals),
        (
            "/unsigned hi",
            NetCommand::Send {
                body: "hi".into(),
                signed: false,
            },
        ),
        (
            "/vote ab approve",
            NetCommand::Vote {
                proposal: "ab".into(),
                approve: true,
            },
        ),
    ];
    for (line, cmd) in cases {
        let mut s = new_state();
        type_str(&mut s, line);
        assert_eq!(
            submit(&mut s),
            vec![Effect::Send {
                command: cmd,
                from_input: true
            }],
            "{line}"
        );
    }
}

mod props {
    use super::*;
    use proptest::prelude::*;

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
}
