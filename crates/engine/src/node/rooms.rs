//! The node's side of rooms: the `rooms` frame (sent on connect and on every change), the
//! join/part/list/who commands, sending a frame to a room's members, and the live room list.

use super::io::ConnId;
use super::node::Node;
use crate::api::{NetEvent, PeerInfo, RoomInfo};
use crate::rooms::RoomName;
use crate::wire::{Frame, PeerId};

impl Node {
    /// A user-typed room name, or `None` after telling them why it is not one.
    fn checked_room(&mut self, text: &str) -> Option<RoomName> {
        match RoomName::parse(text.trim()) {
            Ok(room) => Some(room),
            Err(e) => {
                self.error(format!("{}: {e}", text.trim()));
                None
            }
        }
    }

    fn rooms_frame(&self) -> Frame {
        Frame::Rooms {
            rooms: self.rooms.mine().map(|r| r.to_string()).collect(),
        }
    }

    /// Our rooms, to a newly established peer.
    pub(super) fn send_rooms(&mut self, conn: ConnId) {
        let frame = self.rooms_frame();
        self.send_frame(conn, &frame);
    }

    /// A peer's rooms replace what it said before.
    pub(super) fn on_rooms_frame(&mut self, peer: PeerId, rooms: &[String]) {
        let before = self.shared_rooms(&peer);
        match self.rooms.set_peer(peer, rooms) {
            Ok(()) => {
                self.show_rooms_if_changed();
                self.peer_rooms_changed(peer, &before);
            }
            Err(e) => self.emit(NetEvent::Rejected {
                from: peer.to_hex(),
                reason: format!("rooms list refused: {e}"),
            }),
        }
    }

    pub(super) fn send_room_chat(&mut self, room: &str, body: String, signed: bool) {
        if let Some(room) = self.checked_room(room) {
            self.send_chat(room, body, signed);
        }
    }

    pub(super) fn join_room(&mut self, text: &str) {
        let Some(room) = self.checked_room(text) else {
            return;
        };
        match self.rooms.join(room.clone()) {
            Ok(()) => self.membership_changed(NetEvent::Joined {
                room: room.to_string(),
            }),
            Err(e) => self.error(e.to_string()),
        }
    }

    pub(super) fn part_room(&mut self, text: &str) {
        let Some(room) = self.checked_room(text) else {
            return;
        };
        match self.rooms.part(&room) {
            Ok(()) => {
                self.sync.last_sent.remove(&room);
                self.membership_changed(NetEvent::Parted {
                    room: room.to_string(),
                })
            }
            Err(e) => self.error(e.to_string()),
        }
    }

    /// Tells the user and every peer (a new `rooms` frame); the runtime saves the state on
    /// `joined`/`parted`, so the rooms survive a restart.
    fn membership_changed(&mut self, event: NetEvent) {
        self.emit(event);
        let frame = self.rooms_frame();
        if let Err(e) = self.broadcast_frame(&frame) {
            self.error(format!("rooms not announced: {e}"));
        }
        self.rooms_sent();
        self.show_rooms_if_changed();
    }

    fn room_list(&self) -> Vec<RoomInfo> {
        self.rooms
            .counts(self.peers.keys())
            .into_iter()
            .map(|c| RoomInfo {
                room: c.room.to_string(),
                members: c.members,
                joined: c.joined,
            })
            .collect()
    }

    pub(super) fn list_rooms(&mut self) {
        let rooms = self.room_list();
        self.rooms_shown = rooms.clone();
        self.emit(NetEvent::Rooms { rooms });
    }

    /// Sends the room list again if a room, a count or our membership changed since it was
    /// last sent.
    pub(super) fn show_rooms_if_changed(&mut self) {
        if self.stopping {
            return;
        }
        let rooms = self.room_list();
        if rooms != self.rooms_shown {
            self.rooms_shown = rooms.clone();
            self.emit(NetEvent::Rooms { rooms });
        }
    }

    pub(super) fn list_room_members(&mut self, text: &str) {
        let Some(room) = self.checked_room(text) else {
            return;
        };
        let mut members: Vec<PeerInfo> = self
            .peers
            .iter()
            .filter(|(id, _)| self.rooms.is_member(id, &room))
            .map(|(id, p)| PeerInfo {
                id: id.to_hex(),
                name: p.name.clone(),
                fingerprint: id.fingerprint(),
                addr: p.dial_addr.to_string(),
                via: None,
            })
            .collect();
        members.sort_by(|a, b| a.name.cmp(&b.name).then(a.id.cmp(&b.id)));
        self.emit(NetEvent::RoomMembers {
            me: self.rooms.is_mine(&room),
            room: room.to_string(),
            members,
        });
    }

    /// Encodes a frame once and queues it to every established peer in `room`; returns how
    /// many.
    pub(super) fn room_frame(&mut self, frame: &Frame, room: &RoomName) -> Result<usize, String> {
        let conns: Vec<ConnId> = self
            .peers
            .iter()
            .filter(|(id, _)| self.rooms.is_member(id, room))
            .map(|(_, p)| p.conn)
            .collect();
        self.frame_to(frame, &conns)
    }
}
