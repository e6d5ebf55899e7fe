//! The system lines the interfaces show for events that are not messages (who we are, the
//! votes and the mode, safety codes, search results), as stored in the history: the store
//! edge writes them before they are shown, so a restart shows what the last run showed.

use super::{fingerprint, system, Archive};
use crate::store::HistoryEntry;
use p2pchat_engine::api::{EntryKind, NetCommand, NetEvent, Outcome};

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
            } => format!("you are {name} ({fingerprint}), listening on port {port}"),
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
                format!(
                    "{} proposes {}: {description} ({}, needs {threshold} of {})",
                    self.name_of(proposer, proposer_name),
                    if *enable {
                        "secure-only mode"
                    } else {
                        "open mode"
                    },
                    short(proposal_id),
                    electorate.len()
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
                let verb = if *approve { "approved" } else { "rejected" };
                let tally = self
                    .thresholds
                    .get(proposal_id)
                    .map(|t| format!(" ({approvals}/{t} approvals)"))
                    .unwrap_or_default();
                format!("{who} {verb} {}{tally}", short(proposal_id))
            }
            NetEvent::ProposalClosed {
                proposal_id,
                outcome,
            } => {
                let word = match outcome {
                    Outcome::Approved => "approved",
                    Outcome::Rejected => "rejected",
                    Outcome::Expired => "expired",
                };
                format!("proposal {} {word}", short(proposal_id))
            }
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
                if *enabled {
                    format!(
                        "secure-only mode is ON: unsigned messages are refused (approved by {})",
                        names.join(", ")
                    )
                } else {
                    format!(
                        "open mode: unsigned messages are accepted again (approved by {})",
                        names.join(", ")
                    )
                }
            }
            NetEvent::SafetyCode {
                name,
                fingerprint,
                code,
                ..
            } => format!("safety code with {name} ({fingerprint}): {code}"),
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
            // File transfers: the offer and the outcome are kept, progress is not.
            NetEvent::FileOffer {
                from,
                from_name,
                name,
                size,
                transfer_id,
                ..
            } => format!(
                "{} offered {name} ({size} bytes, transfer {})",
                self.name_of(from, from_name),
                short(transfer_id)
            ),
            NetEvent::FileOffered { name, size, .. } => {
                format!("offered {name} ({size} bytes)")
            }
            NetEvent::FileDone { path, .. } => format!("received {path}, verified"),
            NetEvent::FileDelivered { to, to_name, .. } => {
                format!("{} received our file, verified", self.name_of(to, to_name))
            }
            NetEvent::FileFailed {
                transfer_id,
                reason,
            } => format!("transfer {} failed: {reason}", short(transfer_id)),
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

fn short(id: &str) -> String {
    id.chars().take(8).collect()
}
