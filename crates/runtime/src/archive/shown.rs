//! The system lines the interfaces show for events that are not messages (who we are, the
//! votes and the mode, safety codes, search results, peers reached via a relay, file
//! transfers), as stored in the history: the store
//! edge writes them before they are shown, so a restart shows what the last run showed.
//! A file offer naming one peer and its outcome are stored with that peer (`peer`,
//! `peer_name`), so they come back in that private conversation as they were shown.

use super::{fingerprint, system, Archive};
use crate::store::HistoryEntry;
use p2pchat_engine::api::{EntryKind, NetCommand, NetEvent};
use p2pchat_engine::limits::MAX_TRANSFERS;
use p2pchat_engine::lines;

/// MAX_THRESHOLDS: most proposals whose threshold is remembered for the vote lines.
const MAX_THRESHOLDS: usize = 256;

impl Archive {
    /// The stored line for a shown event that is not a message or a presence change, if any.
    pub(super) fn shown_line(&mut self, event: &NetEvent, now_ms: i64) -> Option<HistoryEntry> {
        let conversation = self.conversation_of(event);
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
        let mut entry = system(text, now_ms);
        if let Some((peer, name)) = conversation {
            entry.peer = Some(peer);
            entry.peer_name = Some(name);
        }
        Some(entry)
    }

    /// The private conversation (peer id and name) a file line belongs to: an offer that
    /// names one peer (ours, or one made to us alone) and that transfer's outcome. Offers and
    /// the open transfers listed at start are remembered for their outcomes.
    fn conversation_of(&mut self, event: &NetEvent) -> Option<(String, String)> {
        let (id, peer) = match event {
            NetEvent::FileOffer {
                transfer_id,
                from,
                from_name,
                recipients: 1,
                ..
            } => (transfer_id, (from.clone(), self.name_of(from, from_name))),
            NetEvent::FileOffered {
                transfer_id, to, ..
            } if to.len() == 1 => {
                let name = self.name_of(&to[0], &fingerprint(&to[0]));
                (transfer_id, (to[0].clone(), name))
            }
            NetEvent::Transfers { transfers } => {
                for t in transfers.iter().filter(|t| t.peers.len() == 1) {
                    let name = t.peer_names.first().cloned().unwrap_or_default();
                    self.remember_private(&t.transfer_id, (t.peers[0].clone(), name));
                }
                return None;
            }
            NetEvent::FileDone { transfer_id, .. }
            | NetEvent::FileDelivered { transfer_id, .. }
            | NetEvent::FileFailed { transfer_id, .. }
            | NetEvent::FileAccepted { transfer_id, .. }
            | NetEvent::FileDeclined { transfer_id, .. }
            | NetEvent::FileCancelled { transfer_id, .. } => {
                return self.private_transfers.get(transfer_id).cloned()
            }
            _ => return None,
        };
        self.remember_private(id, peer.clone());
        Some(peer)
    }

    fn remember_private(&mut self, transfer_id: &str, peer: (String, String)) {
        if self.private_transfers.len() >= MAX_TRANSFERS {
            self.private_transfers.clear();
        }
        self.private_transfers.insert(transfer_id.to_string(), peer);
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

#[cfg(test)]
mod tests {
    use super::super::Archive;
    use crate::store::History;
    use p2pchat_engine::api::{NetEvent, TransferInfo};
    use p2pchat_engine::wire::PeerId;

    fn offer(from: &PeerId, id: &str, recipients: usize) -> NetEvent {
        NetEvent::FileOffer {
            transfer_id: id.into(),
            from: from.to_hex(),
            from_name: "Bob".into(),
            name: format!("{id}.txt"),
            size: 4,
            hash: "00".repeat(32),
            recipients,
        }
    }

    fn done(id: &str) -> NetEvent {
        NetEvent::FileDone {
            transfer_id: id.into(),
            path: format!("/tmp/{id}.txt"),
            hash: "00".repeat(32),
        }
    }

    /// The stored system lines as (body, peer, peer name).
    fn stored(a: &Archive) -> Vec<(String, Option<String>, Option<String>)> {
        let (page, _) = a.db().unwrap().page(None, 50, None).unwrap();
        page.into_iter()
            .map(|e| (e.body, e.peer, e.peer_name))
            .collect()
    }

    #[test]
    fn a_file_line_about_one_peer_is_stored_with_that_peer() {
        let bob = PeerId([2; 32]);
        let mut a = Archive::new(Some(History::in_memory()), PeerId([1; 32]));
        a.on_event(offer(&bob, "to-me", 1), 10);
        a.on_event(offer(&bob, "to-all", 3), 11);
        a.on_event(done("to-me"), 12);
        a.on_event(done("to-all"), 13);
        // At start: the open transfers a restart kept, then the outcome of one of them.
        let kept = TransferInfo {
            transfer_id: "kept".into(),
            direction: "out".into(),
            peers: vec![bob.to_hex()],
            peer_names: vec!["Bob".into()],
            name: "kept.txt".into(),
            size: 4,
            bytes: 0,
            rate: 0,
            state: "offered".into(),
            reason: None,
            path: None,
        };
        let listed = NetEvent::Transfers {
            transfers: vec![kept],
        };
        a.on_event(listed, 14);
        let failed = NetEvent::FileFailed {
            transfer_id: "kept".into(),
            reason: "gone".into(),
        };
        a.on_event(failed, 15);
        let (dm, none) = (Some(bob.to_hex()), None);
        let bob_name = Some("Bob".to_string());
        let rows = stored(&a);
        let by_peer: Vec<(&str, &Option<String>, &Option<String>)> = rows
            .iter()
            .map(|(body, peer, name)| (body.as_str(), peer, name))
            .collect();
        let texts = [
            p2pchat_engine::lines::file_offer_stored("Bob", "to-me.txt", 4, "to-me"),
            p2pchat_engine::lines::file_offer_stored("Bob", "to-all.txt", 4, "to-all"),
            p2pchat_engine::lines::file_done("/tmp/to-me.txt"),
            p2pchat_engine::lines::file_done("/tmp/to-all.txt"),
            p2pchat_engine::lines::file_failed(Some("kept.txt"), "gone"),
        ];
        let want: Vec<(&str, &Option<String>, &Option<String>)> = vec![
            (&texts[0], &dm, &bob_name),
            (&texts[1], &none, &none),
            (&texts[2], &dm, &bob_name),
            (&texts[3], &none, &none),
            (&texts[4], &dm, &bob_name),
        ];
        assert_eq!(by_peer, want);
    }
}
