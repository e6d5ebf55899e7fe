//! The user's commands, each handed to the part of the node that carries it out, and quitting.

use super::io::{ConnId, Output};
use super::node::Node;
use crate::api::{NetCommand, NetEvent, PeerInfo};
use crate::wire::Frame;

impl Node {
    pub(super) fn on_command(&mut self, cmd: NetCommand) {
        if self.stopping {
            return;
        }
        match cmd {
            NetCommand::Send { body, signed } => {
                self.send_chat(crate::rooms::RoomName::general(), body, signed)
            }
            NetCommand::SendRoom { room, body, signed } => self.send_room_chat(&room, body, signed),
            NetCommand::Join { room } => self.join_room(&room),
            NetCommand::Part { room } => self.part_room(&room),
            NetCommand::ListRooms => self.list_rooms(),
            NetCommand::Who { room } => self.list_room_members(&room),
            NetCommand::Reply { msg_id, body } => self.reply(msg_id, body),
            NetCommand::React { msg_id, emoji } => self.react(msg_id, emoji),
            NetCommand::Edit { msg_id, body } => self.edit_message(msg_id, body),
            NetCommand::Delete { msg_id } => self.send_act(msg_id, crate::rooms::Act::Delete),
            NetCommand::SendDm { to, body } => self.send_dm(&to, body),
            // Answered at the actor's edge, where the store is; never reaches here there.
            NetCommand::History { .. }
            | NetCommand::Search { .. }
            | NetCommand::Verify { .. }
            | NetCommand::Trust { .. }
            | NetCommand::Block { .. } => {}
            NetCommand::Connect { addr } => {
                self.last_dial.remove(&addr);
                if self.dial(addr) {
                    self.asked_dials.insert(addr);
                } else {
                    self.error(format!("already connecting to {addr}"));
                }
            }
            NetCommand::ListPeers => {
                let mut peers: Vec<PeerInfo> = self
                    .peers
                    .iter()
                    .map(|(id, p)| PeerInfo {
                        id: id.to_hex(),
                        name: p.name.clone(),
                        fingerprint: id.fingerprint(),
                        addr: p.dial_addr.to_string(),
                        via: None,
                    })
                    .collect();
                for id in self.relayed_peers() {
                    let via = self.relay_via(&id).map(|v| self.peer_name(&v));
                    let name = self.pex.table.get(&id).map(|k| k.record.name.clone());
                    peers.push(PeerInfo {
                        id: id.to_hex(),
                        name: name.unwrap_or_else(|| id.fingerprint()),
                        fingerprint: id.fingerprint(),
                        addr: String::new(),
                        via,
                    });
                }
                peers.sort_by(|a, b| a.name.cmp(&b.name).then(a.id.cmp(&b.id)));
                self.emit(NetEvent::Peers { peers });
            }
            NetCommand::Status => {
                let id = self.id();
                self.emit(NetEvent::Status {
                    id: id.to_hex(),
                    name: self.cfg.name.clone(),
                    fingerprint: id.fingerprint(),
                    port: self.cfg.listen_port,
                    peers: self.peers.len(),
                    secure_only: self.secure_only(),
                    open_proposals: self.open_proposals(),
                });
            }
            NetCommand::Identity => {
                let id = self.id();
                self.emit(NetEvent::Identity {
                    id: id.to_hex(),
                    fingerprint: id.fingerprint(),
                    public_key: id.to_hex(),
                    algorithm: "Ed25519".into(),
                    key_file: self.cfg.key_file.clone(),
                });
            }
            NetCommand::Propose {
                enable,
                threshold,
                description,
            } => self.propose(enable, threshold, description),
            NetCommand::Vote { proposal, approve } => self.vote(&proposal, approve),
            NetCommand::ListProposals => self.list_proposals(),
            NetCommand::Net => self.net_report(),
            NetCommand::OfferFile { .. }
            | NetCommand::AcceptFile { .. }
            | NetCommand::DeclineFile { .. }
            | NetCommand::CancelFile { .. }
            | NetCommand::ListTransfers => self.on_file_command(cmd),
            NetCommand::Quit => self.quit(),
        }
    }

    pub(super) fn quit(&mut self) {
        self.stopping = true;
        let conns: Vec<ConnId> = self.conns.keys().copied().collect();
        for conn in conns {
            if self.conns.get(&conn).is_some_and(|c| c.is_established()) {
                self.send_frame(
                    conn,
                    &Frame::Bye {
                        reason: "quit".into(),
                    },
                );
            }
            self.close(conn);
        }
        self.peers.clear();
        self.outputs.push(Output::Shutdown);
    }
}
