//! The voting events (proposals, votes, outcomes, the group's mode), one function each, called
//! from the one match in [`super::apply`].

use super::apply::system;
use super::state::{short_id, AppState, Level};
use crate::tui::model::text::sanitize;
use p2pchat_engine::api::{Outcome, ProposalInfo};
use p2pchat_engine::lines;

/// Applies a [`Proposal`](p2pchat_engine::api::NetEvent::Proposal) event (one parameter per
/// field of the event, so the one match in `apply` stays exhaustive).
#[allow(clippy::too_many_arguments)]
pub(super) fn proposal(
    state: &mut AppState,
    proposal_id: String,
    proposer: String,
    proposer_name: String,
    description: String,
    enable: bool,
    threshold: usize,
    electorate: Vec<String>,
    expires_ts: i64,
) {
    let mut info = ProposalInfo {
        proposal_id,
        proposer: proposer.clone(),
        proposer_name: sanitize(&proposer_name, false),
        description: sanitize(&description, false),
        enable,
        threshold,
        // The proposal itself is the proposer's approval.
        approvals: 1,
        rejections: 0,
        expires_ts,
        my_vote: (proposer == state.me.id).then_some(true),
        outcome: None,
        electorate,
    };
    let what = lines::mode_name(info.enable);
    let text = format!(
        "{}; Shift-Tab to Proposals, then Ctrl-Y/Ctrl-N to vote",
        lines::proposal(
            &info.proposer_name,
            info.enable,
            &info.description,
            &short_id(&info.proposal_id),
            info.threshold,
            info.electorate.len()
        )
    );
    if state
        .selected_proposal_info()
        .is_none_or(|p| p.outcome.is_some())
    {
        state.selected_proposal = Some(info.proposal_id.clone());
    }
    if let Some(known) = state
        .proposals
        .iter()
        .find(|p| p.proposal_id == info.proposal_id)
    {
        // A repeat announcement: keep the tally and outcome we already have.
        let (approvals, rejections, my_vote, outcome) = (
            known.approvals,
            known.rejections,
            known.my_vote,
            known.outcome,
        );
        info = ProposalInfo {
            approvals,
            rejections,
            my_vote,
            outcome,
            ..info
        };
    }
    upsert_proposal(state, info);
    state.set_status(
        format!("new proposal ({what}): vote with Ctrl-Y/Ctrl-N in Proposals"),
        Level::Info,
    );
    system(state, text, Level::Info);
}

/// Applies a [`Vote`](p2pchat_engine::api::NetEvent::Vote) event.
pub(super) fn vote(
    state: &mut AppState,
    proposal_id: String,
    voter: String,
    voter_name: String,
    approve: bool,
    approvals: usize,
    rejections: usize,
) {
    let mine = !state.me.id.is_empty() && voter == state.me.id;
    let mut tally = None;
    if let Some(p) = state
        .proposals
        .iter_mut()
        .find(|p| p.proposal_id == proposal_id)
    {
        p.approvals = approvals;
        p.rejections = rejections;
        if mine {
            p.my_vote = Some(approve);
        }
        tally = Some((approvals, p.threshold));
    }
    let who = if mine {
        "you".to_string()
    } else {
        sanitize(&voter_name, false)
    };
    let text = lines::vote(&who, approve, &short_id(&proposal_id), tally);
    system(state, text, Level::Info);
}

/// Applies a [`ProposalClosed`](p2pchat_engine::api::NetEvent::ProposalClosed) event.
pub(super) fn proposal_closed(state: &mut AppState, proposal_id: String, outcome: Outcome) {
    if let Some(p) = state
        .proposals
        .iter_mut()
        .find(|p| p.proposal_id == proposal_id)
    {
        p.outcome = Some(outcome);
        // An approval is a certificate: at least `threshold` approvals, even when a vote it
        // counted was never reported here.
        if outcome == Outcome::Approved {
            p.approvals = p.approvals.max(p.threshold);
        }
    }
    let text = lines::proposal_closed(&short_id(&proposal_id), outcome);
    state.set_status(text.clone(), Level::Info);
    system(state, text, Level::Info);
}

/// Applies a [`SecureMode`](p2pchat_engine::api::NetEvent::SecureMode) event.
/// `names`: the approvers' names, as [`super::apply_store::approver_names`] gives them.
pub(super) fn secure_mode(state: &mut AppState, enabled: bool, names: Vec<String>) {
    state.secure_only = Some(enabled);
    let text = lines::secure_mode(enabled, &names);
    state.set_status(text.clone(), Level::Warning);
    system(state, text, Level::Warning);
}

/// Applies a [`Proposals`](p2pchat_engine::api::NetEvent::Proposals) event; `quiet`: the
/// reply to the start-up request, which fills the pane without a line.
pub(super) fn proposals(state: &mut AppState, proposals: Vec<ProposalInfo>, quiet: bool) {
    let open = proposals.iter().filter(|p| p.outcome.is_none()).count();
    let mut text = format!("{} proposals, {open} open", proposals.len());
    for p in proposals {
        let state_word = p.outcome.map_or("open", lines::outcome_word);
        text.push_str(&format!(
            "\n  {} {state_word}: {} by {} ({}/{} of {})",
            short_id(&p.proposal_id),
            sanitize(&p.description, false),
            sanitize(&p.proposer_name, false),
            p.approvals,
            p.threshold,
            p.electorate.len()
        ));
        let mut p = p;
        p.description = sanitize(&p.description, false);
        p.proposer_name = sanitize(&p.proposer_name, false);
        upsert_proposal(state, p);
    }
    if !quiet {
        system(state, text, Level::Info);
    }
}

fn upsert_proposal(state: &mut AppState, info: ProposalInfo) {
    match state
        .proposals
        .iter_mut()
        .find(|p| p.proposal_id == info.proposal_id)
    {
        Some(p) => *p = info,
        None => state.proposals.push(info),
    }
}
