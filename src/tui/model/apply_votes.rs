//! `apply` for the voting events: proposals, votes, outcomes and the group's mode.

use super::apply::system;
use super::state::{short_id, AppState, Level};
use crate::tui::model::text::sanitize;
use p2pchat_engine::api::{NetEvent, Outcome, ProposalInfo};

/// Applies a proposal, vote, outcome, mode or proposal-list event; other events are ignored.
pub fn apply(state: &mut AppState, event: NetEvent) {
    match event {
        NetEvent::Proposal {
            proposal_id,
            proposer,
            proposer_name,
            description,
            enable,
            threshold,
            electorate,
            expires_ts,
        } => {
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
            let what = if info.enable {
                "secure-only mode"
            } else {
                "open mode"
            };
            let text = format!(
                "{} proposes {what}: {} ({}, needs {} of {}); Shift-Tab to Proposals, then y/n to vote",
                info.proposer_name,
                info.description,
                short_id(&info.proposal_id),
                info.threshold,
                info.electorate.len()
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
                format!("new proposal ({what}): vote with y/n in Proposals"),
                Level::Info,
            );
            system(state, text, Level::Info);
        }
        NetEvent::Vote {
            proposal_id,
            voter,
            voter_name,
            approve,
            approvals,
            rejections,
        } => {
            let mine = !state.me.id.is_empty() && voter == state.me.id;
            let mut tally = String::new();
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
                tally = format!(" ({}/{} approvals)", approvals, p.threshold);
            }
            let verb = if approve { "approved" } else { "rejected" };
            let who = if mine {
                "you".to_string()
            } else {
                sanitize(&voter_name, false)
            };
            system(
                state,
                format!("{who} {verb} {}{tally}", short_id(&proposal_id)),
                Level::Info,
            );
        }
        NetEvent::ProposalClosed {
            proposal_id,
            outcome,
        } => {
            if let Some(p) = state
                .proposals
                .iter_mut()
                .find(|p| p.proposal_id == proposal_id)
            {
                p.outcome = Some(outcome);
            }
            let word = outcome_word(outcome);
            state.set_status(
                format!("proposal {} {word}", short_id(&proposal_id)),
                Level::Info,
            );
            system(
                state,
                format!("proposal {} {word}", short_id(&proposal_id)),
                Level::Info,
            );
        }
        NetEvent::SecureMode {
            enabled, approvers, ..
        } => {
            state.secure_only = Some(enabled);
            let names: Vec<String> = approvers.iter().map(|a| state.name_of(a)).collect();
            let text = if enabled {
                format!(
                    "secure-only mode is ON: unsigned messages are refused (approved by {})",
                    names.join(", ")
                )
            } else {
                format!(
                    "open mode: unsigned messages are accepted again (approved by {})",
                    names.join(", ")
                )
            };
            state.set_status(text.clone(), Level::Warning);
            system(state, text, Level::Warning);
        }
        NetEvent::Proposals { proposals } => {
            let open = proposals.iter().filter(|p| p.outcome.is_none()).count();
            let mut text = format!("{} proposals, {open} open", proposals.len());
            for p in proposals {
                let state_word = p.outcome.map_or("open", outcome_word);
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
            system(state, text, Level::Info);
        }
        _ => {}
    }
}

fn outcome_word(o: Outcome) -> &'static str {
    match o {
        Outcome::Approved => "approved",
        Outcome::Rejected => "rejected",
        Outcome::Expired => "expired",
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
