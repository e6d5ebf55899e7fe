//! Network-facing behaviour: votes, tallies, scrolling under incoming messages, busy
//! network, command parsing.

use super::*;

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
    let approve = Key::ctrl(Code::Char('y'));
    assert_eq!(press(&mut s, approve), vote("p1", true));
    // A vote hands the focus back to the input.
    assert_eq!(s.focus, Focus::Input);
    s.focus = Focus::Proposals;
    press(&mut s, plain(Code::Down));
    assert_eq!(press(&mut s, Key::ctrl(Code::Char('n'))), vote("p2", false));
    s.focus = Focus::Proposals;
    apply(
        &mut s,
        NetEvent::ProposalClosed {
            proposal_id: "p2".into(),
            outcome: Outcome::Expired,
        },
    );
    assert!(press(&mut s, approve).is_empty());
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
            message("b", "Bob", &body, &i.to_string(), T0, "#general"),
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
    // End in the messages pane follows again after selecting older messages with the keys
    // there (the view follows the selection up).
    s.focus = Focus::Messages;
    for _ in 0..40 {
        press(&mut s, plain(Code::Up));
    }
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

#[test]
fn a_message_nobody_received_says_why_and_whether_they_get_it_later() {
    let sent = |s: &mut AppState, room: &str, signed: bool| {
        apply(
            s,
            NetEvent::Sent {
                msg_id: format!("aa:{}", s.log.len() + 1),
                body: "hello".into(),
                signed,
                ts: 0,
                recipients: 0,
                room: room.into(),
                reply_to: None,
            },
        );
        s.status
            .as_ref()
            .map(|st| st.text.clone())
            .unwrap_or_default()
    };
    let mut s = new_state();
    assert_eq!(
        sent(&mut s, "#general", true),
        "sent, but no peer is online; peers get it from history when they connect"
    );
    peer(&mut s, "bb", "Bob");
    assert_eq!(
        sent(&mut s, "#dev", true),
        "sent, but nobody else is in #dev yet; peers get it from history when they join"
    );
    assert_eq!(
        sent(&mut s, "#dev", false),
        "sent, but nobody else is in #dev yet; unsigned, so it is not kept for them"
    );
}
