//! What the runtime tells the node about reaching others: which interfaces to use
//! (`--interface`), the addresses its signed peer record advertises, and the lines `/net`
//! shows about this machine's interfaces and discovery.

use p2pchat_engine::pex::ReachConfig;
use p2pchat_engine::wire::PeerId;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};

/// Reach options from the command line.
#[derive(Clone, Debug, Default)]
pub struct ReachOptions {
    /// `--interface NAME` (repeatable): discovery and advertised addresses only on these.
    pub interfaces: Vec<String>,
    /// IPv6 link-local multicast discovery (`--ipv6-discovery`, or on by default when no
    /// `--broadcast` is given).
    pub ipv6_discovery: bool,
}

/// The machine's interfaces that `opts` selects (all when none is named), loopback included.
pub fn selected_interfaces(opts: &ReachOptions) -> Vec<if_addrs::Interface> {
    if_addrs::get_if_addrs()
        .unwrap_or_default()
        .into_iter()
        .filter(|i| opts.interfaces.is_empty() || opts.interfaces.contains(&i.name))
        .collect()
}

/// True for an IPv6 link-local address (fe80::/10), whose scope means nothing elsewhere.
pub fn is_link_local_v6(ip: &IpAddr) -> bool {
    matches!(ip, IpAddr::V6(v6) if (v6.segments()[0] & 0xffc0) == 0xfe80)
}

/// Builds the node's reach configuration.
pub fn reach_config(
    opts: &ReachOptions,
    bind: IpAddr,
    discovery_port: u16,
    announce_to: Vec<String>,
    address_book: Vec<(PeerId, SocketAddr)>,
) -> ReachConfig {
    let ifaces = selected_interfaces(opts);
    let mut advertise: Vec<IpAddr> = if bind.is_unspecified() {
        let mut ips: Vec<IpAddr> = ifaces
            .iter()
            .map(|i| i.ip())
            .filter(|ip| !ip.is_loopback() && !is_link_local_v6(ip))
            .filter(|ip| bind.is_ipv6() || ip.is_ipv4())
            .collect();
        // Loopback last: receivers use it only when they learnt the record over loopback,
        // which is when it is right (peers on one host).
        ips.push(IpAddr::V4(Ipv4Addr::LOCALHOST));
        ips
    } else {
        vec![bind]
    };
    advertise.dedup();
    let interfaces = ifaces
        .iter()
        .map(|i| match &i.addr {
            if_addrs::IfAddr::V4(v4) => format!(
                "{} {}/{}{}",
                i.name,
                v4.ip,
                u32::from(v4.netmask).count_ones(),
                v4.broadcast
                    .map(|b| format!(" broadcast {b}"))
                    .unwrap_or_default()
            ),
            if_addrs::IfAddr::V6(v6) => format!(
                "{} {}/{}{}",
                i.name,
                v6.ip,
                u128::from(v6.netmask).count_ones(),
                if opts.ipv6_discovery && !i.is_loopback() {
                    format!(" multicast {}", crate::udp6::DISCOVERY_GROUP)
                } else {
                    String::new()
                }
            ),
        })
        .collect();
    ReachConfig {
        advertise,
        address_book,
        interfaces,
        discovery_port,
        announce_to,
    }
}

/// Where IPv4 announcements go: the configured addresses, or else the broadcast address of
/// every chosen interface that has one (loopback excluded).
pub fn broadcast_targets(configured: &[Ipv4Addr], opts: &ReachOptions) -> Vec<Ipv4Addr> {
    if !configured.is_empty() {
        return configured.to_vec();
    }
    let mut out: Vec<Ipv4Addr> = selected_interfaces(opts)
        .into_iter()
        .filter(|i| !i.is_loopback())
        .filter_map(|i| match i.addr {
            if_addrs::IfAddr::V4(v4) => v4.broadcast,
            _ => None,
        })
        .collect();
    out.sort();
    out.dedup();
    out
}

/// An IPv4 peer seen through a dual-stack socket (`::ffff:a.b.c.d`) as the IPv4 address it
/// is, so loopback and per-address rules treat it alike; IPv6 addresses keep their scope.
pub fn canonical(addr: SocketAddr) -> SocketAddr {
    match addr {
        SocketAddr::V6(v6) => match v6.ip().to_ipv4_mapped() {
            Some(v4) => SocketAddr::new(IpAddr::V4(v4), v6.port()),
            None => addr,
        },
        v4 => v4,
    }
}

/// With `--interface`: the local addresses a connection may arrive on (the chosen
/// interfaces' addresses); `None` without it (any). Loopback is always allowed (same host).
pub fn allowed_local(opts: &ReachOptions) -> Option<Vec<IpAddr>> {
    if opts.interfaces.is_empty() {
        return None;
    }
    Some(selected_interfaces(opts).iter().map(|i| i.ip()).collect())
}

/// True if a connection accepted on local address `local` may go on under `allowed`.
pub fn accepts_on(allowed: Option<&[IpAddr]>, local: SocketAddr) -> bool {
    let ip = canonical(local).ip();
    ip.is_loopback() || allowed.is_none_or(|a| a.contains(&ip))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_chosen_interfaces_addresses_accept_and_mapped_v4_is_plain_v4() {
        let lan: IpAddr = "10.0.0.5".parse().unwrap();
        let allowed = vec![lan];
        assert!(accepts_on(Some(&allowed), "10.0.0.5:8080".parse().unwrap()));
        assert!(accepts_on(
            Some(&allowed),
            "[::ffff:10.0.0.5]:8080".parse().unwrap()
        ));
        assert!(!accepts_on(
            Some(&allowed),
            "192.168.9.1:8080".parse().unwrap()
        ));
        assert!(accepts_on(
            Some(&allowed),
            "127.0.0.1:8080".parse().unwrap()
        ));
        assert!(accepts_on(None, "192.168.9.1:8080".parse().unwrap()));
        assert_eq!(
            canonical("[::ffff:10.0.0.5]:1".parse().unwrap()),
            "10.0.0.5:1".parse::<SocketAddr>().unwrap()
        );
    }
}
