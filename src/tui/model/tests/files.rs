//! File transfers in the model: an offer line and row, Ctrl-Y/Ctrl-N answering the newest
//! waiting offer (but voting in the proposals pane), progress and outcome, typing never
//! answering an offer.

use super::*;
use crate::tui::model::apply_files::{
    pending_offer, target_offer, visible, RowState, SHOW_FINISHED_MS,
};
use crate::tui::model::log::LineKind;

fn offer(s: &mut AppState, id: &str, name: &str) {
    apply(
        s,
        NetEvent::FileOffer {
            transfer_id: id.into(),
            from: "b0b".into(),
            from_name: "Bob".into(),
            name: name.into(),
            size: 4096,
            hash: "00".repeat(32),
            recipients: 2,
        },
    );
}

fn sent(effects: &[Effect]) -> Vec<NetCommand> {
    effects
        .iter()
        .filter_map(|e| match e {
            Effect::Send { command, .. } => Some(command.clone()),
            Effect::Quit => None,
        })
        .collect()
}

#[test]
fn ctrl_y_accepts_the_newest_waiting_offer_and_ctrl_n_declines_the_next() {
    let mut s = new_state();
    peer(&mut s, "b0b", "Bob");
    offer(&mut s, "a1a1a1a1", "one.txt");
    offer(&mut s, "b2b2b2b2", "two.txt");
    assert_eq!(pending_offer(&s).unwrap().id, "b2b2b2b2");
    // Typing a sentence with y and n in it answers nothing.
    type_str(&mut s, "yes no yn");
    assert_eq!(pending_offer(&s).unwrap().state, RowState::Offered);
    let cmds = sent(&press(&mut s, Key::ctrl(Code::Char('y'))));
    assert_eq!(
        cmds,
        vec![NetCommand::AcceptFile {
            transfer: "b2b2b2b2".into(),
            dir: None
        }]
    );
    apply(
        &mut s,
        NetEvent::FileProgress {
            transfer_id: "b2b2b2b2".into(),
            bytes: 1024,
            size: 4096,
            rate: 512,
        },
    );
    assert_eq!(pending_offer(&s).unwrap().id, "a1a1a1a1");
    let cmds = sent(&press(&mut s, Key::ctrl(Code::Char('n'))));
    assert_eq!(
        cmds,
        vec![NetCommand::DeclineFile {
            transfer: "a1a1a1a1".into()
        }]
    );
    // The input line still holds what was typed.
    assert_eq!(s.input.text(), "yes no yn");
}

#[test]
fn in_the_proposals_pane_ctrl_y_still_votes() {
    let mut s = new_state();
    proposal(&mut s, "p1");
    offer(&mut s, "a1a1a1a1", "one.txt");
    s.focus = Focus::Proposals;
    s.selected_proposal = Some("p1".into());
    let cmds = sent(&press(&mut s, Key::ctrl(Code::Char('y'))));
    assert!(
        matches!(cmds.as_slice(), [NetCommand::Vote { .. }]),
        "{cmds:?}"
    );
}

#[test]
fn outcomes_end_rows_which_leave_the_box_after_a_while() {
    let mut s = new_state();
    offer(&mut s, "a1a1a1a1", "one.txt");
    apply(
        &mut s,
        NetEvent::FileDone {
            transfer_id: "a1a1a1a1".into(),
            path: "/d/one.txt".into(),
            hash: String::new(),
        },
    );
    assert_eq!(s.transfers[0].state, RowState::Done);
    assert_eq!(visible(&s).len(), 1);
    s.now = Now::utc(T0 + SHOW_FINISHED_MS + 1);
    assert!(visible(&s).is_empty());
    assert!(press(&mut s, Key::ctrl(Code::Char('y'))).is_empty());
    // The outcome is in the log.
    let text = format!("{:?}", s.log);
    assert!(text.contains("verified"), "{text}");
}

#[test]
fn at_start_the_transfers_a_restart_kept_fill_the_box_without_a_line() {
    let mut s = new_state();
    s.quiet_transfers = true;
    let info = |id: &str, direction: &str, state: &str| p2pchat_engine::api::TransferInfo {
        transfer_id: id.into(),
        direction: direction.into(),
        peers: vec!["b0b".into()],
        peer_names: vec!["Bob".into()],
        name: format!("{id}.bin"),
        size: 10,
        bytes: 4,
        rate: 0,
        state: state.into(),
        reason: None,
        path: None,
    };
    let lines_before = format!("{:?}", s.log).len();
    apply(
        &mut s,
        NetEvent::Transfers {
            transfers: vec![
                info("aaaa", "in", "offered"),
                info("bbbb", "in", "transferring"),
                info("cccc", "in", "done"),
            ],
        },
    );
    assert_eq!(format!("{:?}", s.log).len(), lines_before, "no line");
    assert_eq!(visible(&s).len(), 2);
    assert_eq!(pending_offer(&s).unwrap().id, "aaaa");
    // Asked for by the user, the list is a line.
    apply(&mut s, NetEvent::Transfers { transfers: vec![] });
    assert!(format!("{:?}", s.log).contains("no transfers"));
}

#[test]
fn ctrl_y_and_ctrl_n_answer_the_offer_selected_in_the_messages_pane() {
    let mut s = new_state();
    peer(&mut s, "b0b", "Bob");
    offer(&mut s, "a1a1a1a1", "one.txt");
    offer(&mut s, "b2b2b2b2", "two.txt");
    // Select the older offer's line: Messages pane, Up twice.
    s.focus = Focus::Messages;
    press(&mut s, plain(Code::Up));
    press(&mut s, plain(Code::Up));
    assert_eq!(
        target_offer(&s).map(|t| t.id.as_str()),
        Some("a1a1a1a1"),
        "the box marks the selected offer"
    );
    let cmds = sent(&press(&mut s, Key::ctrl(Code::Char('y'))));
    assert_eq!(
        cmds,
        vec![NetCommand::AcceptFile {
            transfer: "a1a1a1a1".into(),
            dir: None
        }]
    );
    // Answered, the selection is gone: Ctrl-N falls back to the newest waiting offer.
    assert_eq!(s.selected_message, None);
    let cmds = sent(&press(&mut s, Key::ctrl(Code::Char('n'))));
    assert_eq!(
        cmds,
        vec![NetCommand::DeclineFile {
            transfer: "b2b2b2b2".into()
        }]
    );
    // A selected offer that is no longer waiting is not swapped for another one.
    offer(&mut s, "c3c3c3c3", "three.txt");
    s.focus = Focus::Messages;
    press(&mut s, plain(Code::Up));
    assert_eq!(target_offer(&s).map(|t| t.id.as_str()), Some("c3c3c3c3"));
    apply(
        &mut s,
        NetEvent::FileCancelled {
            transfer_id: "c3c3c3c3".into(),
            by: "Bob".into(),
        },
    );
    offer(&mut s, "d4d4d4d4", "four.txt");
    assert!(sent(&press(&mut s, Key::ctrl(Code::Char('y')))).is_empty());
}

#[test]
fn file_lines_are_worded_as_the_store_keeps_them() {
    use p2pchat_engine::lines;
    let mut s = new_state();
    peer(&mut s, "b0b", "Bob");
    offer(&mut s, "a1a1a1a1ffff", "one.txt");
    apply(
        &mut s,
        NetEvent::FileDeclined {
            transfer_id: "a1a1a1a1ffff".into(),
            by: "b0b".into(),
            by_name: "Bob".into(),
            reason: Some("busy".into()),
        },
    );
    let texts: Vec<String> = s
        .log
        .lines()
        .iter()
        .filter_map(|l| match &l.kind {
            LineKind::System { text, .. } => Some(text.clone()),
            LineKind::Chat { .. } => None,
        })
        .collect();
    assert!(texts.contains(&lines::file_offer("Bob", "one.txt", 4096, "a1a1a1a1ffff")));
    assert!(texts.contains(&lines::file_declined("Bob", "one.txt", Some("busy"))));
}
