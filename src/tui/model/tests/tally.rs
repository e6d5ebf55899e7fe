//! Tallies as a non-proposer sees them: the closing vote and the closing itself, in the orders
//! the engine reports them.

use super::*;
use crate::tui::model::log::LineKind;

/// Carol's view of Alice's proposal (3 of 5) after Bob's approval: 2/3.
fn carol_after_bobs_vote() -> AppState {
    let mut s = new_state();
    apply(
        &mut s,
        NetEvent::Ready {
            id: "c".into(),
            name: "Carol".into(),
            port: 1,
            fingerprint: "f".into(),
        },
    );
    apply(
        &mut s,
        NetEvent::Proposal {
            proposal_id: "p1".into(),
            proposer: "a".into(),
            proposer_name: "Alice".into(),
            description: "lock".into(),
            enable: true,
            threshold: 3,
            electorate: ["a", "b", "c", "d", "e"].map(String::from).to_vec(),
            expires_ts: T0 + 60_000,
        },
    );
    apply(&mut s, vote("b", "Bob", 2));
    s
}

fn vote(voter: &str, name: &str, approvals: usize) -> NetEvent {
    NetEvent::Vote {
        proposal_id: "p1".into(),
        voter: voter.into(),
        voter_name: name.into(),
        approve: true,
        approvals,
        rejections: 0,
    }
}

fn closed() -> NetEvent {
    NetEvent::ProposalClosed {
        proposal_id: "p1".into(),
        outcome: Outcome::Approved,
    }
}

fn system_texts(s: &AppState) -> Vec<String> {
    s.log
        .lines()
        .iter()
        .filter_map(|l| match &l.kind {
            LineKind::System { text, .. } => Some(text.clone()),
            _ => None,
        })
        .collect()
}

#[test]
fn the_closing_vote_reported_before_the_closing_is_logged_and_counted() {
    let mut s = carol_after_bobs_vote();
    apply(&mut s, vote("d", "Dave", 3));
    apply(&mut s, closed());
    let p = &s.proposals[0];
    assert_eq!((p.approvals, p.outcome), (3, Some(Outcome::Approved)));
    let texts = system_texts(&s);
    assert!(
        texts
            .iter()
            .any(|t| t.contains("Dave approved") && t.contains("(3/3")),
        "{texts:?}"
    );
}

#[test]
fn an_approval_never_shows_fewer_approvals_than_its_threshold() {
    // The engine before the fix: the certificate overtook Dave's vote, which was then never
    // reported; the pane said "approved (2/3 of 5)".
    let mut s = carol_after_bobs_vote();
    apply(&mut s, closed());
    let p = &s.proposals[0];
    assert_eq!((p.approvals, p.outcome), (3, Some(Outcome::Approved)));
    // A late vote event with the book's tally keeps it.
    apply(&mut s, vote("d", "Dave", 3));
    assert_eq!(s.proposals[0].approvals, 3);
}

#[test]
fn a_proposal_restored_before_its_proposer_connected_gets_the_name_when_they_do() {
    let mut s = new_state();
    let restored = p2pchat_engine::api::ProposalInfo {
        proposal_id: "p1".into(),
        proposer: "a".into(),
        proposer_name: "04c3:90cb".into(),
        description: "lock".into(),
        enable: true,
        threshold: 2,
        electorate: ["a", "b", "c"].map(String::from).to_vec(),
        approvals: 2,
        rejections: 0,
        expires_ts: T0 + 60_000,
        my_vote: None,
        outcome: Some(Outcome::Approved),
    };
    apply(
        &mut s,
        NetEvent::Proposals {
            proposals: vec![restored],
        },
    );
    assert_eq!(s.proposals[0].proposer_name, "04c3:90cb");
    peer(&mut s, "a", "Alice");
    assert_eq!(s.proposals[0].proposer_name, "Alice");
}
