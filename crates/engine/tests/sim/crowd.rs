//! Driving one node directly as a crowd of hostile peers would: raw handshakes from chosen
//! addresses, announcements, and what the node does about them (every output kept).
#![allow(dead_code)]

use bytes::Bytes;
use p2pchat_engine::api::NetEvent;
use p2pchat_engine::identity::Identity;
use p2pchat_engine::limits::{Limits, PROTOCOL_VERSION};
use p2pchat_engine::node::{handshake_content, ConnId, Input, Node, NodeConfig, Now, Output};
use p2pchat_engine::wire::signing::sign_hex;
use p2pchat_engine::wire::{encode_frame, Announce, Domain, Frame, Hello, PeerId};
use std::net::{IpAddr, SocketAddr};
use std::time::{Duration, Instant};

/// One node, driven by hand with virtual time, and everything it output.
pub struct Crowd {
    pub node: Node,
    t0: Instant,
    pub elapsed: Duration,
    next_conn: u64,
    pub outputs: Vec<Output>,
}

pub fn id_of(n: u32) -> Identity {
    let mut secret = [0x77u8; 32];
    secret[..4].copy_from_slice(&n.to_be_bytes());
    Identity::from_secret(secret)
}

impl Crowd {
    pub fn new(known: Vec<PeerId>) -> Crowd {
        let t0 = Instant::now();
        let cfg = NodeConfig {
            name: "Victim".into(),
            listen_port: 8080,
            limits: Limits::default(),
            timing: Default::default(),
            static_peers: vec![],
            key_file: "(test)".into(),
            saved: Default::default(),
            known_keys: known,
            reach: Default::default(),
        };
        // A low id, so that the victim is the one that dials announced peers.
        let me = Identity::from_secret([0; 32]);
        let mut c = Crowd {
            node: Node::new(
                me,
                cfg,
                Now {
                    mono: t0,
                    unix_ms: 1_800_000_000_000,
                },
            ),
            t0,
            elapsed: Duration::ZERO,
            next_conn: 1,
            outputs: vec![],
        };
        c.input(Input::Start);
        c
    }

    pub fn now(&self) -> Now {
        Now {
            mono: self.t0 + self.elapsed,
            unix_ms: 1_800_000_000_000 + self.elapsed.as_millis() as i64,
        }
    }

    pub fn input(&mut self, input: Input) {
        let now = self.now();
        self.node.handle(now, input);
        self.outputs.extend(self.node.drain_outputs());
    }

    /// An inbound connection from `addr` that says nothing.
    pub fn open(&mut self, addr: SocketAddr) -> ConnId {
        let conn = ConnId(self.next_conn);
        self.next_conn += 1;
        self.input(Input::ConnOpened {
            conn,
            addr,
            outbound: false,
            nonce: [conn.0 as u8; 32],
        });
        conn
    }

    /// A full handshake by identity `n` from `ip`; true if it came online.
    pub fn join(&mut self, n: u32, ip: IpAddr) -> bool {
        self.join_as(&id_of(n), ip)
    }

    pub fn join_as(&mut self, who: &Identity, ip: IpAddr) -> bool {
        let conn = self.open(SocketAddr::new(ip, 40000));
        let binding = [conn.0 as u8 ^ 0x3c; 32];
        self.input(Input::Secured { conn, binding });
        let their_nonce = [0x42u8; 32];
        let hello = Frame::Hello(Hello {
            version: PROTOCOL_VERSION,
            id: who.id(),
            name: "Stranger".into(),
            port: 9000,
            nonce: hex::encode(their_nonce),
        });
        self.frame(conn, &hello);
        let content = handshake_content(
            &[conn.0 as u8; 32],
            &their_nonce,
            &who.id(),
            &self.node.id(),
            &binding,
        );
        let sig = sign_hex(who.signing_key(), Domain::Handshake, &content);
        let before = self.online_count();
        self.frame(conn, &Frame::Auth { sig });
        self.online_count() > before
    }

    fn frame(&mut self, conn: ConnId, frame: &Frame) {
        let bytes: Bytes = encode_frame(frame, 64 * 1024).unwrap();
        self.input(Input::Frame { conn, bytes });
    }

    pub fn online_count(&self) -> usize {
        self.outputs
            .iter()
            .filter(|o| matches!(o, Output::Event(NetEvent::PeerOnline { .. })))
            .count()
    }

    /// An announcement from `from` naming `id` and `port`; every dial it causes fails at
    /// once, as dials to closed ports do.
    pub fn announce(&mut self, from: IpAddr, id: PeerId, port: u16) {
        let bytes = Bytes::from(Announce::new(id, "Flood", port, PROTOCOL_VERSION).encode());
        let start = self.outputs.len();
        self.input(Input::Datagram {
            from: SocketAddr::new(from, 9999),
            bytes,
        });
        let dials: Vec<SocketAddr> = self.outputs[start..]
            .iter()
            .filter_map(|o| match o {
                Output::Dial { addr } => Some(*addr),
                _ => None,
            })
            .collect();
        for addr in dials {
            let error = "connection refused".to_string();
            self.input(Input::DialFailed { addr, error });
        }
    }

    pub fn dials(&self) -> usize {
        self.outputs
            .iter()
            .filter(|o| matches!(o, Output::Dial { .. }))
            .count()
    }
}

pub fn ip(n: u32) -> IpAddr {
    IpAddr::from([10, 100 + (n >> 16) as u8, (n >> 8) as u8, n as u8])
}
