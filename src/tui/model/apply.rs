//! `apply`: folds one network event into the state (peers, history, replies, status line).
//! One exhaustive match over every event: chat lines are handled by [`super::apply_chat`],
//! voting events by the functions in [`super::apply_votes`], stored lines, private messages and trust by [`super::apply_store`],
//! so a new event cannot be dropped silently. Pure; the time for system lines is the state's
//! clock, set by the run loop.

use super::attention;
use super::state::{AppState, Level, PeerEntry};
use super::{apply_chat, apply_rooms, apply_store, apply_votes};
use crate::tui::geometry::peer_colour_index;
use crate::tui::model::text::sanitize;
use p2pchat_engine::api::{NetEvent, OfflineReason};

/// Applies `event` to `state`, then settles what is read ([`attention::settle`]).
pub fn apply(state: &mut AppState, event: NetEvent) {
    apply_event(state, event);
    attention::settle(state);
}

fn apply_event(state: &mut AppState, event: NetEvent) {
    match event {
        NetEvent::Ready {
            id,
            name,
            port,
            fingerprint,
        } => {
            state.me.id = id;
            state.me.name = sanitize(&name, false);
            state.me.fingerprint = sanitize(&fingerprint, false);
            state.me.port = Some(port);
            let text = p2pchat_engine::lines::ready(&state.me.name, &state.me.fingerprint, port);
            system(state, text, Level::Info);
        }
        NetEvent::PeerOnline {
            id,
            name,
            fingerprint,
            addr,
            quiet,
        } => {
            let name = sanitize(&name, false);
            let entry = PeerEntry {
                colour: peer_colour_index(&id),
                id,
                name: name.clone(),
                fingerprint: sanitize(&fingerprint, false),
                addr: sanitize(&addr, false),
                online: true,
                offline_reason: None,
            };
            let text = format!(
                "{name} joined ({})",
                entry.fingerprint.chars().take(9).collect::<String>()
            );
            // Lines shown before its name was known (synced from others) get it now.
            state.log.rename(&entry.id, &entry.fingerprint, &name);
            // So do proposals restored at start, before any peer was connected.
            for p in state
                .proposals
                .iter_mut()
                .filter(|p| p.proposer == entry.id)
            {
                p.proposer_name = name.clone();
            }
            upsert_peer(state, entry);
            // A folded join changes the peer list only (the store edge did not store it).
            if !quiet {
                state.set_status(format!("{name} joined"), Level::Info);
                system(state, text, Level::Info);
            }
        }
        NetEvent::PeerOffline {
            id,
            name,
            reason,
            quiet,
        } => {
            let name = sanitize(&name, false);
            if let Some(p) = state.peers.iter_mut().find(|p| p.id == id) {
                p.online = false;
                p.offline_reason = Some(reason);
            }
            let text = match reason {
                OfflineReason::Quit => format!("{name} left"),
                OfflineReason::Closed => format!("{name} disconnected"),
                OfflineReason::Timeout => format!("{name} timed out"),
            };
            if !quiet {
                state.set_status(text.clone(), Level::Info);
                system(state, text, Level::Info);
            }
        }
        NetEvent::Message {
            from,
            from_name,
            body,
            signed,
            verified,
            ts,
            mentions_me,
            room,
            reply_to,
            msg_id,
            ..
        } => apply_chat::message(
            state,
            apply_chat::Arrived {
                msg_id,
                from,
                from_name,
                body,
                signed,
                verified,
                ts,
                room,
                reply_to,
                mentions_me,
            },
        ),
        NetEvent::Sent {
            msg_id,
            body,
            signed,
            ts,
            recipients,
            room,
            reply_to,
        } => apply_chat::sent(
            state,
            apply_chat::Sent {
                msg_id,
                body,
                signed,
                ts,
                recipients,
                room,
                reply_to,
            },
        ),
        NetEvent::Rejected { reason, .. } if reason == p2pchat_runtime::archive::BLOCKED => {}
        NetEvent::Rejected { from, reason } => super::route::rejected(state, from, reason),
        NetEvent::Error { message } => {
            let message = sanitize(&message, false);
            state.set_status(message.clone(), Level::Error);
            system(state, message, Level::Error);
            give_back_command(state);
        }
        NetEvent::Notice { message } => system(state, sanitize(&message, false), Level::Info),
        NetEvent::Peers { peers } => {
            let mut text = match peers.len() {
                0 => "no peers connected".to_string(),
                1 => "1 peer connected:".to_string(),
                n => format!("{n} peers connected:"),
            };
            for p in &peers {
                text.push_str(&format!(
                    "\n  {}  {}  {}",
                    sanitize(&p.name, false),
                    p.fingerprint,
                    sanitize(&p.addr, false)
                ));
            }
            for p in peers {
                let entry = PeerEntry {
                    colour: peer_colour_index(&p.id),
                    name: sanitize(&p.name, false),
                    addr: match &p.via {
                        Some(via) => {
                            format!("{}{}", super::apply_net::VIA_PREFIX, sanitize(via, false))
                        }
                        None => sanitize(&p.addr, false),
                    },
                    id: p.id,
                    fingerprint: sanitize(&p.fingerprint, false),
                    online: true,
                    offline_reason: None,
                };
                upsert_peer(state, entry);
            }
            system(state, text, Level::Info);
        }
        NetEvent::PeerVia {
            id,
            name,
            fingerprint,
            via_name,
            ..
        } => super::apply_net::peer_via(state, id, name, fingerprint, via_name),
        NetEvent::Net {
            interfaces,
            discovery_port,
            announce_to,
            listen_port,
            advertised,
            peers,
        } => super::apply_net::net_report(
            state,
            interfaces,
            discovery_port,
            announce_to,
            listen_port,
            advertised,
            peers,
        ),
        NetEvent::Status {
            id,
            name,
            fingerprint,
            port,
            peers,
            secure_only,
            open_proposals,
        } => {
            state.secure_only = Some(secure_only);
            if std::mem::take(&mut state.quiet_status) {
                return;
            }
            let mode = if secure_only { "secure-only" } else { "open" };
            let text = format!(
                "{} ({fingerprint}) id {id}, port {port}; {peers} peers; {mode} mode; {open_proposals} open proposals",
                sanitize(&name, false)
            );
            system(state, text, Level::Info);
        }
        NetEvent::Identity {
            id,
            fingerprint,
            public_key,
            algorithm,
            key_file,
        } => {
            let text = format!(
                "identity: id {id}\n  fingerprint {fingerprint}\n  {algorithm} public key {public_key}\n  key file {}",
                sanitize(&key_file, false)
            );
            system(state, text, Level::Info);
        }
        NetEvent::Proposal {
            proposal_id,
            proposer,
            proposer_name,
            description,
            enable,
            threshold,
            electorate,
            expires_ts,
        } => apply_votes::proposal(
            state,
            proposal_id,
            proposer,
            proposer_name,
            description,
            enable,
            threshold,
            electorate,
            expires_ts,
        ),
        NetEvent::Vote {
            proposal_id,
            voter,
            voter_name,
            approve,
            approvals,
            rejections,
        } => apply_votes::vote(
            state,
            proposal_id,
            voter,
            voter_name,
            approve,
            approvals,
            rejections,
        ),
        NetEvent::ProposalClosed {
            proposal_id,
            outcome,
        } => apply_votes::proposal_closed(state, proposal_id, outcome),
        NetEvent::SecureMode {
            enabled,
            approvers,
            approver_names,
            ..
        } => {
            let names = apply_store::approver_names(state, &approvers, approver_names);
            apply_votes::secure_mode(state, enabled, names)
        }
        NetEvent::Proposals { proposals } => {
            let quiet = std::mem::take(&mut state.quiet_proposals);
            apply_votes::proposals(state, proposals, quiet)
        }
        NetEvent::DirectMessage {
            from,
            from_name,
            body,
            ts,
            ..
        } => apply_store::direct_message(state, from, from_name, body, ts),
        NetEvent::DmSent {
            msg_id,
            to,
            to_name,
            body,
            ts,
            status,
        } => apply_store::dm_sent(state, msg_id, to, to_name, body, ts, status),
        NetEvent::Delivered { msg_id, .. } => apply_store::delivered(state, msg_id),
        NetEvent::Backfilled {
            msg_id,
            from,
            from_name,
            body,
            ts,
            mentions_me,
            room,
            reply_to,
            ..
        } => {
            let missed = apply_store::Missed {
                msg_id,
                from,
                from_name,
                body,
                ts,
                mentions_me,
                room,
                reply_to,
            };
            apply_store::backfilled(state, missed);
        }
        NetEvent::History { entries, more } => {
            if std::mem::take(&mut state.pending.history_asked) && entries.is_empty() {
                state.set_status("no older messages are stored", Level::Info);
            }
            apply_store::history(state, entries, more)
        }
        NetEvent::SearchResults { query, entries } => {
            apply_store::search_results(state, query, entries)
        }
        NetEvent::PeerTrust {
            id,
            name,
            fingerprint,
            trust,
            blocked,
            previous,
        } => apply_store::peer_trust(state, id, name, fingerprint, trust, blocked, previous),
        NetEvent::SafetyCode {
            name,
            fingerprint,
            code,
            trusted,
            ..
        } => apply_store::safety_code(state, name, fingerprint, code, trusted),
        NetEvent::HistoryGap {
            from_name,
            from_ts,
            to_ts,
            ..
        } => apply_store::history_gap(state, from_name, from_ts, to_ts),
        file @ (NetEvent::FileOffer { .. }
        | NetEvent::FileOffered { .. }
        | NetEvent::FileAccepted { .. }
        | NetEvent::FileDeclined { .. }
        | NetEvent::FileProgress { .. }
        | NetEvent::FileDone { .. }
        | NetEvent::FileDelivered { .. }
        | NetEvent::FileFailed { .. }
        | NetEvent::FileCancelled { .. }
        | NetEvent::Transfers { .. }) => super::apply_files::apply(state, file),
        NetEvent::Rooms { rooms } => apply_rooms::room_list(state, rooms),
        NetEvent::Joined { room } => apply_rooms::joined(state, room),
        NetEvent::Parted { room } => apply_rooms::parted(state, room),
        NetEvent::RoomMembers { room, me, members } => {
            apply_rooms::members(state, room, me, members)
        }
        acted
        @ (NetEvent::Reaction { .. } | NetEvent::Edited { .. } | NetEvent::Deleted { .. }) => {
            super::acts::apply(state, acted)
        }
        NetEvent::Stopped => {
            state.stopped = true;
            system(state, "network stopped".to_string(), Level::Warning);
        }
    }
}

/// An error soon after a command was queued is that command's: put its text back on an empty
/// input line so it can be corrected instead of typed again.
fn give_back_command(state: &mut AppState) {
    if let Some((line, until)) = state.pending.sent_command.take() {
        if state.now.unix_ms <= until && state.input.is_empty() {
            state.input.set(&line);
        }
    }
}

/// A system line in the shown buffer ([`super::route`] for the ones that belong elsewhere).
pub(super) fn system(state: &mut AppState, text: String, level: Level) {
    super::route::system_at(state, super::route::Place::Shown, text, level);
}

pub(super) fn upsert_peer(state: &mut AppState, entry: PeerEntry) {
    match state.peers.iter_mut().find(|p| p.id == entry.id) {
        Some(p) => *p = entry,
        None => state.peers.push(entry),
    }
}
