//! A peer's signed record of itself, and the checks a received record must pass.

use super::error::PexError;
use crate::limits::{MAX_RECORD_ADDRS, PEX_RECORD_MAX_AGE, PROTOCOL_VERSION};
use crate::wire::{PeerId, SignedPayload};
use serde::{Deserialize, Serialize};
use std::net::{IpAddr, SocketAddr};

/// The content of a peer record, carried as the `payload` of a signed payload under
/// [`crate::wire::Domain::Peer`], signed by `id` itself.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PeerRecord {
    pub id: PeerId,
    pub name: String,
    pub version: u32,
    /// IP addresses the peer listens on (its interfaces'), as strings.
    pub addrs: Vec<IpAddr>,
    /// Its TCP port.
    pub port: u16,
    /// When it signed this, Unix milliseconds (its clock).
    pub ts: i64,
}

/// Parses and checks a record's content (not its signature: the caller verifies that with
/// the key of the returned record's `id`, through its verdict cache).
pub fn check_record(
    sp: &SignedPayload,
    now_ms: i64,
    max_skew_ms: i64,
) -> Result<PeerRecord, PexError> {
    if sp.sig.is_none() {
        return Err(PexError::Malformed("unsigned".into()));
    }
    let r: PeerRecord = sp.parse().map_err(|e| {
        let mut s = e.to_string();
        s.truncate(100);
        PexError::Malformed(s)
    })?;
    if r.version != PROTOCOL_VERSION {
        return Err(PexError::Version {
            id: r.id,
            version: r.version,
        });
    }
    if r.addrs.len() > MAX_RECORD_ADDRS {
        return Err(PexError::TooManyAddrs {
            id: r.id,
            n: r.addrs.len(),
            max: MAX_RECORD_ADDRS,
        });
    }
    if r.port == 0 {
        return Err(PexError::Malformed("port 0".into()));
    }
    if r.ts > now_ms.saturating_add(max_skew_ms) {
        return Err(PexError::Future(r.id));
    }
    let max_age = PEX_RECORD_MAX_AGE.as_millis() as i64;
    if r.ts < now_ms.saturating_sub(max_age) {
        return Err(PexError::Stale {
            id: r.id,
            age_s: now_ms.saturating_sub(r.ts) / 1000,
        });
    }
    Ok(r)
}

/// True if `ip` may be dialed when learnt from a record that came over a connection from
/// `via` (loopback addresses only from loopback, never unspecified, multicast, broadcast
/// or IPv6 link-local, whose scope means nothing on another host).
pub fn usable_ip(ip: IpAddr, via: IpAddr) -> bool {
    if ip.is_unspecified() || ip.is_multicast() {
        return false;
    }
    if ip.is_loopback() {
        return via.is_loopback();
    }
    match ip {
        IpAddr::V4(v4) => !v4.is_broadcast(),
        IpAddr::V6(v6) => (v6.segments()[0] & 0xffc0) != 0xfe80,
    }
}

/// The addresses to try for a record learnt over a connection from `via`, in its order.
pub fn dial_addrs(r: &PeerRecord, via: IpAddr) -> Vec<SocketAddr> {
    let mut out: Vec<SocketAddr> = Vec::new();
    for &ip in &r.addrs {
        let a = SocketAddr::new(ip, r.port);
        if usable_ip(ip, via) && !out.contains(&a) {
            out.push(a);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::identity::Identity;
    use crate::wire::Domain;

    fn record(ts: i64, addrs: Vec<IpAddr>) -> (Identity, SignedPayload) {
        let me = Identity::from_secret([7; 32]);
        let r = PeerRecord {
            id: me.id(),
            name: "A".into(),
            version: PROTOCOL_VERSION,
            addrs,
            port: 8080,
            ts,
        };
        let sp = SignedPayload::sign(me.signing_key(), Domain::Peer, &r);
        (me, sp)
    }

    #[test]
    fn fresh_records_pass_and_stale_future_or_overfull_ones_are_refused() {
        let now = 1_800_000_000_000;
        let ip: IpAddr = "10.0.0.1".parse().unwrap();
        let (me, sp) = record(now - 1000, vec![ip]);
        let r = check_record(&sp, now, 300_000).unwrap();
        assert_eq!(r.id, me.id());
        assert!(sp.verify(&me.id(), Domain::Peer).unwrap());
        let (_, old) = record(now - 11 * 60 * 1000, vec![ip]);
        assert!(matches!(
            check_record(&old, now, 300_000),
            Err(PexError::Stale { .. })
        ));
        let (_, ahead) = record(now + 6 * 60 * 1000, vec![ip]);
        assert!(matches!(
            check_record(&ahead, now, 300_000),
            Err(PexError::Future(_))
        ));
        let (_, many) = record(now, vec![ip; MAX_RECORD_ADDRS + 1]);
        assert!(matches!(
            check_record(&many, now, 300_000),
            Err(PexError::TooManyAddrs { .. })
        ));
    }

    #[test]
    fn loopback_only_from_loopback_and_never_link_local_v6() {
        let lo: IpAddr = "127.0.0.1".parse().unwrap();
        let lan: IpAddr = "10.0.0.2".parse().unwrap();
        let ll: IpAddr = "fe80::1".parse().unwrap();
        assert!(usable_ip(lo, lo));
        assert!(!usable_ip(lo, lan));
        assert!(usable_ip(lan, lo));
        assert!(!usable_ip(ll, lan));
        assert!(!usable_ip("0.0.0.0".parse().unwrap(), lan));
        assert!(usable_ip("2001:db8::1".parse().unwrap(), lan));
    }
}
