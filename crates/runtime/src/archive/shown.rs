//! The system lines the interfaces show for events that are not messages (who we are, the
//! votes and the mode, safety codes, search results, peers reached via a relay, file
//! transfers), as stored in the history: the store
//! edge writes them before they are shown, so a restart shows what the last run showed.

use super::{fingerprint, system, Archive};
use crate::store::HistoryEntry;
use p2pchat_engine::api::{EntryKind, NetCommand, NetEvent};
use p2pchat_engine::lines;

/// MAX_THRESHOLDS: most proposals whose threshold is remembered for the vote lines.
const MAX_THRESHOLDS: usize = 256;

impl Archive {
    /// The stored line for a shown event that is not a message or a presence change, if any.
    pub(super) fn shown_line(&mut self, event: &NetEvent, now_ms: i64) -> Option<HistoryEntry> {
        let text = match event {
            NetEvent::Ready {
                name,
                port,
                fingerprint,
                ..
            } => lines::ready(name, fingerprint, *port),
            NetEvent::Proposal {
                proposal_id,
                proposer,
                proposer_name,
                description,
                enable,
                threshold,
                electorate,
                ..
            } => {
                if self.thresholds.len() >= MAX_THRESHOLDS {
                    self.thresholds.clear();
                }
                self.thresholds.insert(proposal_id.clone(), *threshold);
                lines::proposal(
                    &self.name_of(proposer, proposer_name),
                    *enable,
                    description,
                    proposal_id,
                    *threshold,
                    electorate.len(),
                )
            }
            NetEvent::Vote {
                proposal_id,
                voter,
                voter_name,
                approve,
                approvals,
                ..
            } => {
                let who = if *voter == self.me.to_hex() {
                    "you".to_string()
                } else {
                    self.name_of(voter, voter_name)
                };
                let threshold = self.thresholds.get(proposal_id);
                lines::vote(
                    &who,
                    *approve,
                    proposal_id,
                    threshold.map(|t| (*approvals, *t)),
                )
            }
            NetEvent::ProposalClosed {
                proposal_id,
                outcome,
            } => lines::proposal_closed(proposal_id, *outcome),
            NetEvent::SecureMode {
                enabled, approvers, ..
            } => {
                let names: Vec<String> = approvers
                    .iter()
                    .map(|a| {
                        if *a == self.me.to_hex() {
                            "you".to_string()
                        } else {
                            self.name_of(a, &fingerprint(a))
                        }
                    })
                    .collect();
                lines::secure_mode(*enabled, &names)
            }
            NetEvent::SafetyCode {
                name,
                fingerprint,
                code,
                ..
            } => format!("safety code with {name} ({fingerprint}): {code}"),
            // The interface's line for it (tui/model/apply_net.rs), stored like the others.
            NetEvent::PeerVia { name, via_name, .. } => format!(
                "{name} cannot be reached directly; reachable via {via_name} (messages relayed)"
            ),
            NetEvent::SearchResults { query, entries } => {
                let mut text = format!("search for \"{query}\": {} found", entries.len());
                for e in entries {
                    let who = match e.kind {
                        EntryKind::Sent | EntryKind::DmOut => "me",
                        _ => e.author_name.as_str(),
                    };
                    text.push_str(&format!("\n  {who}: {}", e.body));
                }
                text
            }
            // File transfers: the offer, the answers and the outcome are kept, progress is not
            // (files_shown.rs).
            NetEvent::FileOffer { .. }
            | NetEvent::FileOffered { .. }
            | NetEvent::FileAccepted { .. }
            | NetEvent::FileDeclined { .. }
            | NetEvent::FileDone { .. }
            | NetEvent::FileDelivered { .. }
            | NetEvent::FileFailed { .. }
            | NetEvent::FileCancelled { .. }
            | NetEvent::Transfers { .. } => self.file_line(event)?,
            _ => return None,
        };
        Some(system(text, now_ms))
    }
}

/// The line a `/trust`, `/untrust`, `/block` or `/unblock` that was carried out shows.
pub(super) fn trust_change(cmd: &NetCommand, reply: &NetEvent) -> Option<String> {
    let NetEvent::PeerTrust { name, .. } = reply else {
        return None;
    };
    Some(match cmd {
        NetCommand::Trust { trusted: true, .. } => format!("{name} is now verified"),
        NetCommand::Trust { .. } => format!("{name} is no longer marked verified"),
        NetCommand::Block { blocked: true, .. } => {
            format!("{name} is blocked: their messages are hidden")
        }
        NetCommand::Block { .. } => format!("{name} is unblocked"),
        _ => return None,
    })
}
