//! The node's side of relaying (PROTOCOL.md §15): asking a common peer to carry the messages
//! of peers we cannot connect to, carrying them for peers that asked, and taking relayed
//! messages in. The pure parts (routes, dedup) are in [`crate::relay`].

use super::node::Node;
use super::replay::ReplayVerdict;
use super::sanitize::clean_text;
use crate::api::NetEvent;
use crate::limits::MAX_RELAY_HOPS;
use crate::relay::sealed::{open, seal, RelayAck, Sealed};
use crate::voting::VotingEvent;
use crate::wire::{ChatContent, Domain, Frame, MessageId, PeerId, RelayKind, SignedPayload};

impl Node {
    /// The relay that carries `id`'s messages to us, if `id` is reached only that way.
    pub(super) fn relay_via(&self, id: &PeerId) -> Option<PeerId> {
        if self.peers.contains_key(id) {
            return None;
        }
        self.relay.routes.via(id)
    }

    /// Peers reached only through a relay (they count as online members for voting).
    pub(super) fn relayed_peers(&self) -> Vec<PeerId> {
        self.relay
            .routes
            .relayed()
            .into_iter()
            .filter(|id| !self.peers.contains_key(id))
            .collect()
    }

    /// Recomputes whom we ask to relay whom: every peer with a fresh record that we failed to
    /// reach directly is asked of the connected peer that most recently gave its record.
    pub(super) fn update_relay_wants(&mut self) {
        let before = self.relayed_peers();
        if self.stopping {
            return;
        }
        let mut wants: std::collections::HashMap<PeerId, Vec<PeerId>> = Default::default();
        for (id, k) in self.pex.table.iter() {
            if self.peers.contains_key(id) || *id == self.id() {
                continue;
            }
            // Unreachable: a whole round of its addresses failed, or it has none (§15.1). No
            // attempt at all (a peer that quit, or one just connected elsewhere) is not that.
            let unreachable = self
                .pex
                .dialer
                .get(id)
                .is_some_and(|a| a.unreachable || a.addrs.is_empty());
            if !unreachable {
                continue;
            }
            if let Some(relay) = k.givers.iter().rev().find(|g| self.peers.contains_key(*g)) {
                wants.entry(*relay).or_default().push(*id);
            }
        }
        let relays: Vec<PeerId> = self.peers.keys().copied().collect();
        for relay in relays {
            let authors = wants.remove(&relay).unwrap_or_default();
            if self.relay.routes.set_asked(relay, authors) {
                let authors = self.relay.routes.asked(&relay).to_vec();
                if let Some(conn) = self.peers.get(&relay).map(|p| p.conn) {
                    self.send_frame(conn, &Frame::RelayWant { authors });
                }
            }
        }
        self.tell_relayed_changes(before);
    }

    /// Tells the front end which peers became reachable (or stopped being) through a relay.
    fn tell_relayed_changes(&mut self, before: Vec<PeerId>) {
        let after = self.relayed_peers();
        for id in after.iter().filter(|id| !before.contains(id)) {
            let via = self.relay.routes.via(id).expect("relayed");
            let name = self
                .pex
                .table
                .get(id)
                .map(|k| super::sanitize::clean_name(&k.record.name, self.cfg.limits.max_name_len))
                .unwrap_or_else(|| id.fingerprint());
            self.emit(NetEvent::PeerVia {
                id: id.to_hex(),
                name,
                fingerprint: id.fingerprint(),
                via: via.to_hex(),
                via_name: self.peer_name(&via),
            });
            // Private messages waiting for it can go now, sealed, through the relay.
            if let Some(conn) = self.peers.get(&via).map(|p| p.conn) {
                self.outputs
                    .push(super::io::Output::OutboxLookup { conn, peer: *id });
            }
        }
        for id in before.iter().filter(|id| !after.contains(id)) {
            if !self.peers.contains_key(id) {
                self.emit(NetEvent::PeerOffline {
                    id: id.to_hex(),
                    name: self
                        .pex
                        .table
                        .get(id)
                        .map(|k| k.record.name.clone())
                        .unwrap_or_else(|| id.fingerprint()),
                    reason: crate::api::OfflineReason::Closed,
                    quiet: false,
                });
            }
        }
    }

    /// `peer` connected directly: it no longer needs a relay (its `peer_online` was told),
    /// and the peers that asked us to carry it learn that we can now.
    pub(super) fn relay_peer_connected(&mut self, peer: &PeerId) {
        for asker in self.relay.routes.askers_of(peer) {
            self.send_relay_ok(asker);
        }
        self.update_relay_wants();
    }

    /// Tells `asker` which of the authors it asked us for we are connected to (and carry).
    fn send_relay_ok(&mut self, asker: PeerId) {
        let authors: Vec<PeerId> = self
            .relay
            .routes
            .serving(&asker)
            .iter()
            .filter(|a| self.peers.contains_key(*a))
            .copied()
            .collect();
        if let Some(conn) = self.peers.get(&asker).map(|p| p.conn) {
            self.send_frame(conn, &Frame::RelayOk { authors });
        }
    }

    /// `relay` says which of the authors we asked it for it carries.
    pub(super) fn on_relay_ok(&mut self, relay: PeerId, authors: Vec<PeerId>) {
        let before = self.relayed_peers();
        self.relay.routes.set_confirmed(relay, authors);
        self.tell_relayed_changes(before);
    }

    /// `peer` went away: forget its routes both ways, tell the peers that asked us to carry
    /// it, ask someone else.
    pub(super) fn relay_peer_gone(&mut self, peer: &PeerId) {
        let before = self.relayed_peers();
        self.relay.routes.forget(peer);
        for asker in self.relay.routes.askers_of(peer) {
            self.send_relay_ok(asker);
        }
        self.tell_relayed_changes(before);
        self.update_relay_wants();
    }

    /// `from` asks us to carry `authors`.
    pub(super) fn on_relay_want(&mut self, from: PeerId, authors: Vec<PeerId>) {
        let max = self.cfg.limits.max_peers;
        let mut authors = authors;
        authors.truncate(max);
        self.relay.routes.set_serving(from, authors);
        self.send_relay_ok(from);
    }

    /// A signed chat message we accepted from its author (or by relay): carry it to the
    /// peers that asked for its author.
    pub(super) fn relay_forward_chat(&mut self, author: PeerId, sp: &SignedPayload, hops: u8) {
        if hops > MAX_RELAY_HOPS {
            return;
        }
        // Only to askers in the message's room (a room message reaches its members only).
        let room = sp.parse::<ChatContent>().map(|c| c.room).ok();
        let askers: Vec<PeerId> = self
            .relay
            .routes
            .askers_of(&author)
            .into_iter()
            .filter(|a| room.as_ref().is_some_and(|r| self.rooms.is_member(a, r)))
            .collect();
        if askers.is_empty() {
            return;
        }
        let frame = Frame::Relay {
            kind: RelayKind::Chat,
            item: sp.clone(),
            hops,
        };
        for asker in askers {
            if let Some(conn) = self.peers.get(&asker).map(|p| p.conn) {
                self.send_frame(conn, &frame);
            }
        }
    }

    /// A proposal or vote we just accepted (news: it produced an event) is passed on to the
    /// peers that asked us to carry its author, in its own frame (proposals and votes are
    /// trusted on their signatures whoever sends them, PROTOCOL.md §10).
    pub(super) fn relay_voting(&mut self, from: PeerId, events: &[VotingEvent], frame: Frame) {
        let author = events.iter().find_map(|e| match e {
            VotingEvent::Proposal { content, .. } => Some(content.proposer),
            VotingEvent::Vote { voter, .. } => Some(*voter),
            _ => None,
        });
        let Some(author) = author else { return };
        for asker in self.relay.routes.askers_of(&author) {
            if asker == from {
                continue;
            }
            if let Some(conn) = self.peers.get(&asker).map(|p| p.conn) {
                self.send_frame(conn, &frame);
            }
        }
    }

    /// A `relay` frame from the established peer `from`.
    pub(super) fn on_relay(&mut self, from: PeerId, kind: RelayKind, sp: &SignedPayload, hops: u8) {
        match kind {
            RelayKind::Chat => self.on_relayed_chat(from, sp, hops),
            RelayKind::Sealed => self.on_sealed(from, sp, hops),
            RelayKind::Ack => self.on_relayed_ack(from, sp, hops),
        }
    }

    /// Seals a signed private message to `to` and hands it to the relay that reaches `to`.
    /// False if `to` has no relay (it then waits in the outbox).
    pub(super) fn send_sealed(&mut self, to: PeerId, msg_id: &str, dm: &SignedPayload) -> bool {
        let Some(conn) = self
            .relay_via(&to)
            .and_then(|r| self.peers.get(&r))
            .map(|p| p.conn)
        else {
            return false;
        };
        let Some(sealed) = seal(self.identity.signing_key(), &to, msg_id, dm) else {
            return false;
        };
        let item = SignedPayload::unsigned(&sealed);
        self.send_frame(
            conn,
            &Frame::Relay {
                kind: RelayKind::Sealed,
                item,
                hops: 1,
            },
        );
        true
    }

    /// Passes a sealed message or an acknowledgement on to its recipient, if it is our peer
    /// and `from` is the one it claims to be from (a relay carries only its own peers' items,
    /// one hop: no loops).
    fn pass_on(
        &mut self,
        from: PeerId,
        claimed: PeerId,
        to: PeerId,
        kind: RelayKind,
        sp: &SignedPayload,
        hops: u8,
    ) {
        let why = if claimed != from {
            Some("relayed item not from the peer that sent it")
        } else if hops >= MAX_RELAY_HOPS {
            Some("relayed item carried too often")
        } else {
            None
        };
        if let Some(why) = why {
            return self.emit(NetEvent::Rejected {
                from: from.to_hex(),
                reason: format!("relay: {why}"),
            });
        }
        if let Some(conn) = self.peers.get(&to).map(|p| p.conn) {
            let frame = Frame::Relay {
                kind,
                item: sp.clone(),
                hops: hops + 1,
            };
            self.send_frame(conn, &frame);
        }
    }

    fn on_sealed(&mut self, from: PeerId, sp: &SignedPayload, hops: u8) {
        let Ok(sealed) = sp.parse::<Sealed>() else {
            return self.emit(NetEvent::Rejected {
                from: from.to_hex(),
                reason: "relay: malformed sealed message".into(),
            });
        };
        if sealed.to != self.id() {
            return self.pass_on(from, sealed.from, sealed.to, RelayKind::Sealed, sp, hops);
        }
        let Some(dm) = open(self.identity.signing_key(), &sealed) else {
            return self.emit(NetEvent::Rejected {
                from: from.to_hex(),
                reason: "relay: sealed message does not open".into(),
            });
        };
        let author = sealed.from;
        if let Some(msg_id) = self.accept_dm(author, &dm) {
            let ack = RelayAck {
                from: self.id(),
                to: author,
                msg_id,
            };
            let item = SignedPayload::sign(self.identity.signing_key(), Domain::RelayAck, &ack);
            if let Some(conn) = self.peers.get(&from).map(|p| p.conn) {
                let frame = Frame::Relay {
                    kind: RelayKind::Ack,
                    item,
                    hops: 1,
                };
                self.send_frame(conn, &frame);
            }
        }
    }

    fn on_relayed_ack(&mut self, from: PeerId, sp: &SignedPayload, hops: u8) {
        let Ok(ack) = sp.parse::<RelayAck>() else {
            return self.emit(NetEvent::Rejected {
                from: from.to_hex(),
                reason: "relay: malformed acknowledgement".into(),
            });
        };
        if ack.to != self.id() {
            return self.pass_on(from, ack.from, ack.to, RelayKind::Ack, sp, hops);
        }
        if matches!(
            self.verified.verify(sp, &ack.from, Domain::RelayAck),
            Ok(true)
        ) {
            self.on_dm_ack(ack.from, ack.msg_id);
        }
    }

    fn on_relayed_chat(&mut self, from: PeerId, sp: &SignedPayload, hops: u8) {
        let refuse = |node: &mut Node, why: String| {
            node.emit(NetEvent::Rejected {
                from: from.to_hex(),
                reason: format!("relay: {why}"),
            })
        };
        if sp.sig.is_none() {
            return refuse(self, "unsigned message not relayed".into());
        }
        let content: ChatContent = match sp.parse() {
            Ok(c) => c,
            Err(_) => return refuse(self, "malformed message".into()),
        };
        let author = content.author;
        let msg_id = MessageId {
            author,
            seq: content.seq,
        }
        .to_string();
        // Ours, already held, or already seen by relay: a duplicate (or a loop), dropped
        // silently before any signature check.
        if author == self.id()
            || self.relay.seen.contains(&msg_id)
            || self.sync.held.contains(&author, content.seq)
        {
            return;
        }
        if content.body.len() > self.cfg.limits.max_body_len {
            return refuse(self, "message body over the size limit".into());
        }
        if self.dated_ahead(content.ts) {
            return refuse(self, "message dated in the future".into());
        }
        if !matches!(self.verified.verify(sp, &author, Domain::Chat), Ok(true)) {
            return refuse(
                self,
                format!("bad signature (claimed author {})", author.fingerprint()),
            );
        }
        self.relay.seen.insert(&msg_id);
        if !self.rooms.is_mine(&content.room) {
            // Not a room of ours: not kept, shown or carried further (as on a direct link).
            return;
        }
        match self
            .replay
            .entry(author)
            .or_default()
            .check_and_record(content.seq)
        {
            ReplayVerdict::Fresh => {}
            ReplayVerdict::Duplicate | ReplayVerdict::TooOld => return,
        }
        self.archive(&content, sp.clone());
        let from_name = self
            .peers
            .get(&author)
            .map(|p| p.name.clone())
            .or_else(|| self.pex.table.get(&author).map(|k| k.record.name.clone()))
            .map(|n| super::sanitize::clean_name(&n, self.cfg.limits.max_name_len))
            .unwrap_or_else(|| author.fingerprint());
        let body = clean_text(&content.body, true);
        self.emit(NetEvent::Message {
            msg_id,
            from: author.to_hex(),
            from_name,
            mentions_me: crate::mention::mentions(&body, &self.cfg.name),
            action: crate::mention::action_text(&body).is_some(),
            body,
            signed: true,
            verified: true,
            ts: content.ts,
            room: content.room.to_string(),
            reply_to: content.reply_to.clone(),
        });
        let id = MessageId {
            author,
            seq: content.seq,
        };
        self.message_shown(&id, &content.room);
        let _ = from;
        self.relay_forward_chat(author, sp, hops.saturating_add(1));
    }
}
