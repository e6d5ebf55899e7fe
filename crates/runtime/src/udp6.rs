//! IPv6 discovery: one UDP socket on `[::]:discovery_port` (SO_REUSEADDR, SO_REUSEPORT, IPv6
//! only) that joins the link-local multicast group [`DISCOVERY_GROUP`] on every chosen
//! interface with IPv6, and sends each announcement to the group on each of them, so an
//! IPv6-only LAN finds peers with no flags. Datagrams arrive with the sender's link-local
//! address and its scope (interface index), which the node keeps for dialing back.
//!
//! Never used when `--broadcast` is given (loopback runs and tests): multicast would leave
//! the machine.

use socket2::{Domain, Protocol, Socket, Type};
use std::net::{Ipv6Addr, SocketAddr, SocketAddrV6};

/// The link-local (scope 2), transient multicast group announcements go to: `ff12::8c1a`.
pub const DISCOVERY_GROUP: Ipv6Addr = Ipv6Addr::new(0xff12, 0, 0, 0, 0, 0, 0, 0x8c1a);

/// The IPv6 discovery socket and the interfaces (indexes) it joined the group on.
pub struct Discovery6 {
    pub socket: tokio::net::UdpSocket,
    pub ifindexes: Vec<u32>,
}

/// Binds `[::]:port` and joins the group on each interface of `ifaces` that has IPv6
/// (loopback excluded). `None` when no interface has IPv6 or the host has IPv6 disabled.
pub fn bind_discovery6(port: u16, ifaces: &[if_addrs::Interface]) -> Option<Discovery6> {
    let mut ifindexes: Vec<u32> = ifaces
        .iter()
        .filter(|i| !i.is_loopback() && i.ip().is_ipv6())
        .filter_map(|i| i.index)
        .collect();
    ifindexes.sort();
    ifindexes.dedup();
    if ifindexes.is_empty() {
        return None;
    }
    let bind = || -> std::io::Result<Socket> {
        let socket = Socket::new(Domain::IPV6, Type::DGRAM, Some(Protocol::UDP))?;
        socket.set_only_v6(true)?;
        socket.set_reuse_address(true)?;
        socket.set_reuse_port(true)?;
        socket.set_multicast_loop_v6(true)?;
        socket.set_nonblocking(true)?;
        let any = SocketAddrV6::new(Ipv6Addr::UNSPECIFIED, port, 0, 0);
        socket.bind(&SocketAddr::V6(any).into())?;
        Ok(socket)
    };
    let socket = match bind() {
        Ok(s) => s,
        Err(e) => {
            tracing::warn!("IPv6 discovery not started: {e}");
            return None;
        }
    };
    ifindexes.retain(|&ix| match socket.join_multicast_v6(&DISCOVERY_GROUP, ix) {
        Ok(()) => true,
        Err(e) => {
            tracing::warn!(ifindex = ix, "cannot join the IPv6 discovery group: {e}");
            false
        }
    });
    if ifindexes.is_empty() {
        return None;
    }
    let socket = tokio::net::UdpSocket::from_std(socket.into()).ok()?;
    Some(Discovery6 { socket, ifindexes })
}

impl Discovery6 {
    /// Sends one announcement to the group on every joined interface.
    pub fn announce(&self, datagram: &[u8], port: u16) {
        for &ix in &self.ifindexes {
            let to = SocketAddr::V6(SocketAddrV6::new(DISCOVERY_GROUP, port, 0, ix));
            if let Err(e) = self.socket.try_send_to(datagram, to) {
                tracing::debug!(%to, "IPv6 announce not sent: {e}");
            }
        }
    }
}
