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
                directed_broadcast(v4)
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
            if_addrs::IfAddr::V4(v4) => directed_broadcast(&v4),
            _ => None,
        })
        .collect();
    out.sort();
    out.dedup();
    out
}

/// An IPv4 interface's broadcast address: the one configured, or, when none is (an address
/// added without `brd`, which the system then reports as the address itself), the subnet's
/// directed broadcast; none on a /31 or /32.
pub fn directed_broadcast(v4: &if_addrs::Ifv4Addr) -> Option<Ipv4Addr> {
    match v4.broadcast {
        Some(b) if b != v4.ip => Some(b),
        _ if u32::from(v4.netmask).count_ones() <= 30 => {
            Some(Ipv4Addr::from(u32::from(v4.ip) | !u32::from(v4.netmask)))
        }
        _ => None,
    }
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

/// With `--interface`: the IPv4 subnets (address, netmask) of the chosen interfaces, whose
/// announcements are heard; `None` without it (all). IPv6 discovery needs none: its socket
/// joins the multicast group on the chosen interfaces only.
pub fn heard_subnets(opts: &ReachOptions) -> Option<Vec<(Ipv4Addr, Ipv4Addr)>> {
    if opts.interfaces.is_empty() {
        return None;
    }
    let nets = selected_interfaces(opts)
        .into_iter()
        .filter_map(|i| match i.addr {
            if_addrs::IfAddr::V4(v4) => Some((v4.ip, v4.netmask)),
            if_addrs::IfAddr::V6(_) => None,
        })
        .collect();
    Some(nets)
}

/// True if an IPv4 announcement from `from` is heard under `nets`: from a chosen interface's
/// subnet, or from this host (loopback). IPv6 sources are left to the multicast membership.
pub fn hears_from(nets: Option<&[(Ipv4Addr, Ipv4Addr)]>, from: SocketAddr) -> bool {
    let IpAddr::V4(ip) = canonical(from).ip() else {
        return true;
    };
    let mask = |a: Ipv4Addr, m: Ipv4Addr| u32::from(a) & u32::from(m);
    ip.is_loopback()
        || nets.is_none_or(|nets| nets.iter().any(|(net, m)| mask(ip, *m) == mask(*net, *m)))
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
    fn only_the_chosen_interfaces_accept_and_are_heard_and_mapped_v4_is_plain_v4() {
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
        let nets = vec![(Ipv4Addr::new(10, 0, 0, 5), Ipv4Addr::new(255, 255, 255, 0))];
        let heard = |from: &str| hears_from(Some(&nets), from.parse().unwrap());
        assert!(heard("10.0.0.77:47000") && heard("[::ffff:10.0.0.9]:1"));
        assert!(!heard("10.0.1.77:47000") && !heard("192.168.9.1:47000"));
        assert!(heard("127.0.0.1:47000") && heard("[fe80::1]:47000"));
        assert!(hears_from(None, "192.168.9.1:47000".parse().unwrap()));
        let v4 = |ip: [u8; 4], mask: [u8; 4], brd: Option<[u8; 4]>| if_addrs::Ifv4Addr {
            ip: ip.into(),
            netmask: mask.into(),
            prefixlen: u32::from(Ipv4Addr::from(mask)).count_ones() as u8,
            broadcast: brd.map(Ipv4Addr::from),
        };
        let lan = v4([10, 78, 1, 1], [255, 255, 255, 0], Some([10, 78, 1, 1]));
        assert_eq!(
            directed_broadcast(&lan),
            Some(Ipv4Addr::new(10, 78, 1, 255))
        );
        let set = v4([10, 0, 0, 5], [255, 0, 0, 0], Some([10, 0, 0, 255]));
        assert_eq!(directed_broadcast(&set), Some(Ipv4Addr::new(10, 0, 0, 255)));
        let p2p = v4([10, 9, 9, 9], [255, 255, 255, 255], None);
        assert_eq!(directed_broadcast(&p2p), None);
        assert_eq!(
            canonical("[::ffff:10.0.0.5]:1".parse().unwrap()),
            "10.0.0.5:1".parse::<SocketAddr>().unwrap()
        );
    }
}
