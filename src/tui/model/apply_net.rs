//! Applies the reach events: a peer reachable only through a relay (`peer_via`, listed as
//! "via NAME"), and the `/net` report as system lines.

use super::apply::{system, upsert_peer};
use super::state::{AppState, Level, PeerEntry};
use crate::tui::geometry::peer_colour_index;
use crate::tui::model::text::sanitize;
use p2pchat_engine::api::NetPeer;

/// The address shown for a peer reached through a relay: the view lists it as "via NAME".
pub const VIA_PREFIX: &str = "via ";

/// A peer we cannot connect to is reachable through `via_name`.
pub fn peer_via(
    state: &mut AppState,
    id: String,
    name: String,
    fingerprint: String,
    via_name: String,
) {
    let name = sanitize(&name, false);
    let via = sanitize(&via_name, false);
    if state
        .peers
        .iter()
        .any(|p| p.id == id && p.online && !p.addr.starts_with(VIA_PREFIX))
    {
        return;
    }
    upsert_peer(
        state,
        PeerEntry {
            colour: peer_colour_index(&id),
            id,
            name: name.clone(),
            fingerprint: sanitize(&fingerprint, false),
            addr: format!("{VIA_PREFIX}{via}"),
            online: true,
            offline_reason: None,
        },
    );
    system(
        state,
        format!("{name} cannot be reached directly; reachable via {via} (messages relayed)"),
        Level::Info,
    );
}

/// The `/net` report.
pub fn net_report(
    state: &mut AppState,
    interfaces: Vec<String>,
    discovery_port: u16,
    announce_to: Vec<String>,
    listen_port: u16,
    advertised: Vec<String>,
    peers: Vec<NetPeer>,
) {
    let mut text = format!(
        "network: listening on TCP port {listen_port}, discovery on UDP port {discovery_port}"
    );
    text.push_str("\n  interfaces:");
    for i in &interfaces {
        text.push_str(&format!("\n    {i}"));
    }
    text.push_str(&format!("\n  announcing to: {}", announce_to.join(", ")));
    text.push_str(&format!(
        "\n  advertised in our signed record: {}",
        advertised.join(", ")
    ));
    if peers.is_empty() {
        text.push_str("\n  no peer heard or known");
    }
    for p in &peers {
        text.push_str(&format!("\n  {} ({}): {}", p.name, p.fingerprint, p.status));
        if let (Some(from), Some(at)) = (&p.heard_from, p.heard_at_ms) {
            let ago = (state.now.unix_ms - at).max(0) / 1000;
            text.push_str(&format!("; heard from {from} {ago} s ago"));
        } else {
            text.push_str("; not heard on this network");
        }
        if let Some(g) = &p.record_from {
            text.push_str(&format!("; record from {g}"));
        }
        if !p.addrs.is_empty() {
            text.push_str(&format!("; addresses {}", p.addrs.join(" ")));
        }
    }
    system(state, text, Level::Info);
}
