//! A deterministic in-memory LAN for `core::Node`: virtual time, per-link latency, link cuts
//! and partitions. No sockets, no real clock; a run is the same every time.
#![allow(dead_code)]

use crate::api::NetEvent;
use crate::identity::Identity;
use crate::limits::{Limits, Timing};
use crate::node::{ConnId, Input, Node, NodeConfig, Now};
use crate::wire::{PeerId, SignedPayload};
use bytes::Bytes;
use std::collections::{BTreeMap, HashMap};
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::time::{Duration, Instant};

mod route;

pub const DISCOVERY_PORT: u16 = 9999;

pub struct SimNode {
    pub node: Node,
    pub addr: IpAddr,
    pub port: u16,
    pub events: Vec<(Duration, NetEvent)>,
    pub stopped: bool,
    /// Frames this node sent, per connection (for replay tests).
    pub sent: Vec<(ConnId, Bytes)>,
    /// What the node archived for sync: (ts, message id, signed payload), the sim's store.
    pub kept: Vec<(i64, String, SignedPayload)>,
    /// Position in `kept` of each message id.
    pub kept_at: HashMap<String, usize>,
    /// The sim's outbox: (recipient, message id, signed dm payload) until acknowledged.
    pub outbox: Vec<(PeerId, String, SignedPayload)>,
    /// Extra rate-limit tokens the node charged per connection (signatures beyond one a frame).
    pub charged: Vec<(ConnId, u64)>,
    /// The sim's address book: (peer, address) pairs that worked, newest last.
    pub book: Vec<(PeerId, SocketAddr)>,
    /// File-transfer work the node asked of its runtime (tests answer with `Input::Files`).
    pub file_work: Vec<crate::files::FileOutput>,
}

pub struct Sim {
    pub nodes: Vec<SimNode>,
    pub now: Duration,
    base: Instant,
    base_unix: i64,
    pub latency: Duration,
    queue: BTreeMap<(Duration, u64), (usize, Input)>,
    seq: u64,
    /// (node, its conn) → (other node, other's conn)
    links: HashMap<(usize, ConnId), (usize, ConnId)>,
    next_conn: u64,
    /// Nodes whose cable is pulled: nothing in or out.
    pub cut: Vec<bool>,
    /// Partition group of each node; traffic crosses only within a group.
    pub group: Vec<u8>,
    /// Broadcast domain (subnet) of each node; announcements reach only their own domain,
    /// while connections are routed between domains.
    pub domain: Vec<u8>,
    /// The broadcast domain of the nodes added from now on.
    pub next_domain: u8,
    /// Every connection passes through a relaying man in the middle: its two ends ran Noise
    /// with the relay, not with each other, so their handshake hashes differ.
    pub relayed: bool,
    /// Pairs of nodes (lower index first) that cannot reach each other at all.
    pub blocked: Vec<(usize, usize)>,
    /// The limits every node added or restarted from now on gets.
    pub limits: Limits,
    /// Frames for which this says true (sending node, frame) are lost on the wire.
    pub lose: Option<fn(usize, &[u8]) -> bool>,
}

pub fn timing() -> Timing {
    Timing::default()
}

impl Default for Sim {
    fn default() -> Sim {
        Sim::new()
    }
}

impl Sim {
    pub fn new() -> Sim {
        Sim {
            nodes: Vec::new(),
            now: Duration::ZERO,
            base: Instant::now(),
            base_unix: 1_800_000_000_000,
            latency: Duration::from_millis(1),
            queue: BTreeMap::new(),
            seq: 0,
            links: HashMap::new(),
            next_conn: 1,
            cut: Vec::new(),
            group: Vec::new(),
            domain: Vec::new(),
            next_domain: 0,
            relayed: false,
            blocked: Vec::new(),
            limits: Limits::default(),
            lose: None,
        }
    }

    fn at(&self) -> Now {
        Now {
            mono: self.base + self.now,
            unix_ms: self.base_unix + self.now.as_millis() as i64,
        }
    }

    /// Adds a node with identity seed `seed` and starts it now.
    pub fn add(&mut self, name: &str, seed: u8, static_peers: Vec<SocketAddr>) -> usize {
        self.add_with(
            name,
            Identity::from_secret([seed; 32]),
            static_peers,
            timing(),
        )
    }

    pub fn add_with(
        &mut self,
        name: &str,
        identity: Identity,
        static_peers: Vec<SocketAddr>,
        timing: Timing,
    ) -> usize {
        let i = self.nodes.len();
        let addr = IpAddr::V4(Ipv4Addr::new(10, 0, 0, i as u8 + 1));
        let port = 8080;
        let cfg = NodeConfig {
            name: name.into(),
            listen_port: port,
            limits: self.limits.clone(),
            timing,
            static_peers,
            key_file: "(sim)".into(),
            saved: Default::default(),
            known_keys: Vec::new(),
            reach: crate::pex::ReachConfig {
                advertise: vec![addr],
                ..Default::default()
            },
        };
        let node = Node::new(identity, cfg, self.at());
        self.nodes.push(SimNode {
            node,
            addr,
            port,
            events: Vec::new(),
            stopped: false,
            sent: Vec::new(),
            kept: Vec::new(),
            kept_at: HashMap::new(),
            outbox: Vec::new(),
            charged: Vec::new(),
            book: Vec::new(),
            file_work: Vec::new(),
        });
        self.cut.push(false);
        self.group.push(0);
        self.domain.push(self.next_domain);
        self.input(i, Input::Start);
        i
    }

    pub fn addr_of(&self, i: usize) -> SocketAddr {
        SocketAddr::new(self.nodes[i].addr, self.nodes[i].port)
    }

    fn reachable(&self, a: usize, b: usize) -> bool {
        !self.cut[a]
            && !self.cut[b]
            && self.group[a] == self.group[b]
            && !self.nodes[b].stopped
            && !self.blocked.contains(&(a.min(b), a.max(b)))
    }

    /// The wall clock the nodes see now, Unix milliseconds.
    pub fn unix_ms(&self) -> i64 {
        self.at().unix_ms
    }

    fn schedule(&mut self, delay: Duration, node: usize, input: Input) {
        self.seq += 1;
        self.queue
            .insert((self.now + delay, self.seq), (node, input));
    }

    /// Feeds an input to node `i` now and routes its outputs.
    pub fn input(&mut self, i: usize, input: Input) {
        if self.nodes[i].stopped {
            return;
        }
        let now = self.at();
        self.nodes[i].node.handle(now, input);
        let outputs = self.nodes[i].node.drain_outputs();
        for out in outputs {
            self.route(i, out);
        }
    }

    /// Kills node `i` like `kill -9`: the OS closes its sockets, peers see the close.
    pub fn crash(&mut self, i: usize) {
        self.nodes[i].stopped = true;
        let ends: Vec<_> = self
            .links
            .iter()
            .filter(|((n, _), _)| *n == i)
            .map(|(k, v)| (*k, *v))
            .collect();
        for ((_, ci), (j, cj)) in ends {
            self.links.remove(&(i, ci));
            self.links.remove(&(j, cj));
            if !self.cut[i] && !self.cut[j] && self.group[i] == self.group[j] {
                self.schedule(
                    self.latency,
                    j,
                    Input::ConnClosed {
                        conn: cj,
                        error: None,
                    },
                );
            }
        }
    }

    /// Runs the LAN for `d` of virtual time.
    pub fn run_for(&mut self, d: Duration) {
        let end = self.now + d;
        let mut steps = 0u64;
        loop {
            steps += 1;
            assert!(steps < 5_000_000, "simulation does not settle");
            let next_q = self.queue.keys().next().map(|k| k.0);
            let next_t = (0..self.nodes.len())
                .filter(|&i| !self.nodes[i].stopped)
                .filter_map(|i| {
                    self.nodes[i]
                        .node
                        .poll_timeout()
                        .map(|t| (t.saturating_duration_since(self.base), i))
                })
                .min();
            let next = match (next_q, next_t) {
                (Some(q), Some((t, _))) => q.min(t),
                (Some(q), None) => q,
                (None, Some((t, _))) => t,
                (None, None) => break,
            };
            if next > end {
                break;
            }
            self.now = self.now.max(next);
            if next_q == Some(next) {
                let key = *self.queue.keys().next().unwrap();
                let (node, input) = self.queue.remove(&key).unwrap();
                self.input(node, input);
            } else if let Some((_, i)) = next_t {
                self.input(i, Input::Timer);
            }
        }
        self.now = end;
    }

    /// Runs until `pred` holds or `limit` passes; returns the virtual time it took.
    pub fn run_until(
        &mut self,
        limit: Duration,
        mut pred: impl FnMut(&Sim) -> bool,
    ) -> Option<Duration> {
        let start = self.now;
        let step = Duration::from_millis(1);
        while self.now - start < limit {
            if pred(self) {
                return Some(self.now - start);
            }
            self.run_for(step);
        }
        pred(self).then(|| self.now - start)
    }

    pub fn id(&self, i: usize) -> String {
        self.nodes[i].node.id().to_hex()
    }

    pub fn events(&self, i: usize) -> impl Iterator<Item = &NetEvent> {
        self.nodes[i].events.iter().map(|(_, e)| e)
    }

    /// Peers node `i` currently believes online (from its events).
    pub fn online(&self, i: usize) -> Vec<String> {
        let mut online: Vec<String> = Vec::new();
        for e in self.events(i) {
            match e {
                NetEvent::PeerOnline { id, .. } => online.push(id.clone()),
                NetEvent::PeerOffline { id, .. } => online.retain(|x| x != id),
                _ => {}
            }
        }
        online
    }

    pub fn fully_meshed(&self) -> bool {
        let live: Vec<usize> = (0..self.nodes.len())
            .filter(|&i| !self.nodes[i].stopped)
            .collect();
        live.iter()
            .all(|&i| self.nodes[i].node.peer_count() == live.len() - 1)
    }

    pub fn messages(&self, i: usize) -> Vec<(String, String, bool)> {
        self.events(i)
            .filter_map(|e| match e {
                NetEvent::Message {
                    from,
                    body,
                    verified,
                    ..
                } => Some((from.clone(), body.clone(), *verified)),
                _ => None,
            })
            .collect()
    }
}

impl Sim {
    /// Node `i`'s end of its connection to node `j`, if connected.
    pub fn conn_between(&self, i: usize, j: usize) -> Option<ConnId> {
        self.links
            .iter()
            .find(|((a, _), (b, _))| *a == i && *b == j)
            .map(|((_, c), _)| *c)
    }

    pub fn secure_mode(&self, i: usize) -> bool {
        self.nodes[i].node.secure_only()
    }

    pub fn proposal_ids(&self, i: usize) -> Vec<String> {
        self.events(i)
            .filter_map(|e| match e {
                NetEvent::Proposal { proposal_id, .. } => Some(proposal_id.clone()),
                _ => None,
            })
            .collect()
    }
}

impl Sim {
    /// Starts a fresh node with `identity` in slot `i` (same address), after a crash.
    pub fn restart(&mut self, i: usize, identity: Identity) {
        self.restart_saved(i, identity, Default::default());
    }

    /// Like [`Sim::restart`], with what the node had saved (its state file).
    pub fn restart_saved(&mut self, i: usize, identity: Identity, saved: crate::api::SavedState) {
        assert!(self.nodes[i].stopped, "restart only a stopped node");
        let cfg = NodeConfig {
            name: format!("restarted{i}"),
            listen_port: self.nodes[i].port,
            limits: self.limits.clone(),
            timing: timing(),
            static_peers: vec![],
            key_file: "(sim)".into(),
            saved,
            known_keys: Vec::new(),
            reach: crate::pex::ReachConfig {
                advertise: vec![self.nodes[i].addr],
                address_book: self.nodes[i].book.iter().rev().copied().collect(),
                ..Default::default()
            },
        };
        self.nodes[i].file_work.clear();
        self.nodes[i].node = Node::new(identity, cfg, self.at());
        self.nodes[i].stopped = false;
        self.nodes[i].events.clear();
        self.input(i, Input::Start);
    }
}
