//! `/net`: what the node knows about reaching others (interfaces, discovery, who was heard
//! when, known addresses per peer, and why each unconnected peer is not connected).

use super::node::Node;
use crate::api::{NetEvent, NetPeer};
use crate::limits::PROTOCOL_VERSION;
use crate::wire::PeerId;
use std::net::SocketAddr;

impl Node {
    /// `/net`: what this node knows about reaching others.
    pub(super) fn net_report(&mut self) {
        let mut ids: Vec<PeerId> = self.pex.table.iter().map(|(id, _)| *id).collect();
        ids.extend(self.pex.heard.iter().map(|(id, _)| *id));
        ids.extend(self.pex.dialer.iter().map(|(id, _)| *id));
        ids.extend(self.peers.keys().copied());
        ids.sort();
        ids.dedup();
        ids.retain(|id| *id != self.id());
        let peers = ids.iter().map(|id| self.net_peer(id)).collect();
        let reach = &self.cfg.reach;
        self.emit(NetEvent::Net {
            interfaces: reach.interfaces.clone(),
            discovery_port: reach.discovery_port,
            announce_to: reach.announce_to.clone(),
            listen_port: self.cfg.listen_port,
            advertised: reach.advertise.iter().map(|a| a.to_string()).collect(),
            peers,
        });
    }

    fn net_peer(&self, id: &PeerId) -> NetPeer {
        let heard = self.pex.heard.get(id);
        let known = self.pex.table.get(id);
        let attempt = self.pex.dialer.get(id);
        let mut addrs: Vec<String> = Vec::new();
        if let Some(p) = self.peers.get(id) {
            addrs.push(p.dial_addr.to_string());
        }
        if let Some(k) = known {
            for a in &k.record.addrs {
                addrs.push(SocketAddr::new(*a, k.record.port).to_string());
            }
        }
        if let Some(a) = attempt {
            addrs.extend(a.addrs.iter().map(|a| a.to_string()));
        }
        if let Some(h) = heard {
            addrs.push(SocketAddr::new(h.from, h.port).to_string());
        }
        let mut seen = std::collections::HashSet::new();
        addrs.retain(|a| seen.insert(a.clone()));
        let name = self
            .peers
            .get(id)
            .map(|p| p.name.clone())
            .or_else(|| known.map(|k| k.record.name.clone()))
            .or_else(|| heard.map(|h| h.name.clone()))
            .unwrap_or_else(|| id.fingerprint());
        let name = super::sanitize::clean_name(&name, self.cfg.limits.max_name_len);
        let via = self.relay_via(id).map(|v| self.peer_name(&v));
        let status = if self.peers.contains_key(id) {
            "connected".to_string()
        } else if let Some(v) = &via {
            format!("via {v} (cannot connect directly)")
        } else if heard.is_some_and(|h| h.version != PROTOCOL_VERSION)
            || self.incompatible_seen.contains(id)
        {
            "wrong version".to_string()
        } else if let Some(e) = attempt.and_then(|a| a.last_error.clone()) {
            why(&e)
        } else if attempt.is_some() {
            "dialing".to_string()
        } else if heard.is_none() && known.is_none() {
            "not heard".to_string()
        } else {
            "not dialed yet".to_string()
        };
        NetPeer {
            id: id.to_hex(),
            fingerprint: id.fingerprint(),
            name,
            status,
            addrs,
            heard_from: heard.map(|h| h.from.to_string()),
            heard_at_ms: heard.map(|h| h.at_ms),
            record_from: known
                .and_then(|k| k.givers.last())
                .map(|g| self.peer_name(g)),
        }
    }
}

/// Says in a few words why a dial failed, from the error text the runtime gave.
fn why(error: &str) -> String {
    let e = error.to_ascii_lowercase();
    let short = if e.contains("refused") {
        "refused"
    } else if e.contains("timed out") || e.contains("no answer") {
        "timed out"
    } else if e.contains("unreachable") {
        "unreachable"
    } else if e.contains("version") {
        "wrong version"
    } else {
        "failed"
    };
    format!("{short}: {error}")
}
