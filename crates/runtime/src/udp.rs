//! The discovery socket: bound with SO_REUSEADDR and SO_REUSEPORT so that every instance on a
//! host shares the port and hears every broadcast; and the list of addresses to announce to.

use socket2::{Domain, Protocol, Socket, Type};
use std::net::{Ipv4Addr, SocketAddr, SocketAddrV4};

/// Binds the shared discovery socket on `0.0.0.0:port`, broadcast enabled.
pub fn bind_discovery(port: u16) -> std::io::Result<tokio::net::UdpSocket> {
    let socket = Socket::new(Domain::IPV4, Type::DGRAM, Some(Protocol::UDP))?;
    socket.set_reuse_address(true)?;
    socket.set_reuse_port(true)?;
    socket.set_broadcast(true)?;
    socket.set_nonblocking(true)?;
    socket.bind(&SocketAddr::V4(SocketAddrV4::new(Ipv4Addr::UNSPECIFIED, port)).into())?;
    tokio::net::UdpSocket::from_std(socket.into())
}

/// Where announcements go: the configured addresses, or else the broadcast address of every
/// IPv4 interface that has one (loopback excluded).
pub fn broadcast_targets(configured: &[Ipv4Addr]) -> Vec<Ipv4Addr> {
    if !configured.is_empty() {
        return configured.to_vec();
    }
    let mut out: Vec<Ipv4Addr> = if_addrs::get_if_addrs()
        .unwrap_or_default()
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
