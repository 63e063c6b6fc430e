//! Who the client is, for rate limits: the TCP peer, or — when the peer is a trusted proxy
//! (`--trusted-proxy`) — the right-most `X-Forwarded-For` address that is not itself trusted.
//! A client can put anything in the header, so only addresses appended by trusted proxies count.

use std::net::{IpAddr, Ipv6Addr, SocketAddr};
use std::str::FromStr;

use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::HeaderMap;
use axum::http::request::Parts;

use crate::error::ApiError;
use crate::state::AppState;

/// An address or network (`10.0.0.0/8`, `::1`) whose `X-Forwarded-For` is believed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TrustedProxy {
    network: IpAddr,
    prefix: u8,
}

impl TrustedProxy {
    /// Whether `ip` is in this network.
    pub fn contains(&self, ip: IpAddr) -> bool {
        match (self.network, canonical(ip)) {
            (IpAddr::V4(net), IpAddr::V4(ip)) => same_prefix(&net.octets(), &ip.octets(), self.prefix),
            (IpAddr::V6(net), IpAddr::V6(ip)) => same_prefix(&net.octets(), &ip.octets(), self.prefix),
            _ => false,
        }
    }
}

impl FromStr for TrustedProxy {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        let s = s.trim();
        let (ip, prefix) = match s.split_once('/') {
            Some((ip, prefix)) => (ip, Some(prefix)),
            None => (s, None),
        };
        let network = canonical(ip.parse::<IpAddr>().map_err(|e| format!("`{s}`: {e}"))?);
        let max = if network.is_ipv4() { 32 } else { 128 };
        let prefix = match prefix {
            Some(p) => {
                p.parse::<u8>().ok().filter(|p| *p <= max).ok_or_else(|| format!("`{s}`: bad prefix"))?
            }
            None => max,
        };
        Ok(TrustedProxy { network, prefix })
    }
}

fn same_prefix(a: &[u8], b: &[u8], bits: u8) -> bool {
    let (whole, rest) = (usize::from(bits / 8), bits % 8);
    if a[..whole] != b[..whole] {
        return false;
    }
    rest == 0 || {
        let mask = 0xffu8 << (8 - rest);
        a[whole] & mask == b[whole] & mask
    }
}

/// IPv4-mapped IPv6 addresses (`::ffff:192.0.2.1`) as the IPv4 address they are.
fn canonical(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(ip, IpAddr::V4),
        v4 => v4,
    }
}

/// The client of a request as far as the server can tell.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClientIp(pub IpAddr);

impl ClientIp {
    /// The client's address, given the TCP peer, the request headers and the trusted proxies.
    pub fn resolve(peer: IpAddr, headers: &HeaderMap, trusted: &[TrustedProxy]) -> ClientIp {
        let peer = canonical(peer);
        let is_trusted = |ip: IpAddr| trusted.iter().any(|t| t.contains(ip));
        if !is_trusted(peer) {
            return ClientIp(peer);
        }
        let forwarded = headers
            .get_all("x-forwarded-for")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .map(str::trim)
            .collect::<Vec<_>>();
        let mut client = peer;
        for hop in forwarded.iter().rev() {
            let Ok(ip) = hop.parse::<IpAddr>().map(canonical) else { break };
            client = ip;
            if !is_trusted(ip) {
                break;
            }
        }
        ClientIp(client)
    }

    /// What rate limits count against: the address, or its /64 for IPv6 (one subscriber
    /// usually holds a whole /64, so counting single addresses would not limit anyone).
    pub fn limit_value(&self) -> String {
        match self.0 {
            IpAddr::V4(v4) => v4.to_string(),
            IpAddr::V6(v6) => {
                let mut o = v6.octets();
                o[8..].fill(0);
                format!("{}/64", Ipv6Addr::from(o))
            }
        }
    }
}

impl FromRequestParts<AppState> for ClientIp {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let peer = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map_or(IpAddr::from([0, 0, 0, 0]), |ConnectInfo(addr)| addr.ip());
        Ok(ClientIp::resolve(peer, &parts.headers, &state.config.auth.trusted_proxies))
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use axum::http::HeaderValue;

    use super::*;

    fn headers(xff: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert("x-forwarded-for", HeaderValue::from_str(xff).unwrap());
        h
    }

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn networks_contain_their_addresses_only() {
        let net: TrustedProxy = "10.1.0.0/16".parse().unwrap();
        assert!(net.contains(ip("10.1.200.3")));
        assert!(!net.contains(ip("10.2.0.1")));
        assert!(net.contains(ip("::ffff:10.1.0.9")));
        let one: TrustedProxy = "::1".parse().unwrap();
        assert!(one.contains(ip("::1")) && !one.contains(ip("::2")));
        let odd: TrustedProxy = "192.0.2.0/25".parse().unwrap();
        assert!(odd.contains(ip("192.0.2.127")) && !odd.contains(ip("192.0.2.128")));
        assert!("10.0.0.0/33".parse::<TrustedProxy>().is_err());
        assert!("not-an-ip".parse::<TrustedProxy>().is_err());
    }

    #[test]
    fn forwarded_for_is_ignored_from_an_untrusted_peer() {
        let client = ClientIp::resolve(ip("203.0.113.5"), &headers("198.51.100.1"), &[]);
        assert_eq!(client, ClientIp(ip("203.0.113.5")));
    }

    #[test]
    fn the_client_is_the_rightmost_untrusted_forwarded_address() {
        let trusted = ["127.0.0.1".parse().unwrap(), "10.0.0.0/8".parse().unwrap()];
        // The client forged the first entry; the trusted proxies appended the rest.
        let h = headers("1.2.3.4, 198.51.100.7, 10.0.0.2");
        assert_eq!(ClientIp::resolve(ip("127.0.0.1"), &h, &trusted), ClientIp(ip("198.51.100.7")));
        // Nothing forwarded: the proxy itself.
        assert_eq!(
            ClientIp::resolve(ip("127.0.0.1"), &HeaderMap::new(), &trusted),
            ClientIp(ip("127.0.0.1"))
        );
        // Garbage stops the walk at the last good hop.
        let h = headers("garbage, 10.0.0.3");
        assert_eq!(ClientIp::resolve(ip("127.0.0.1"), &h, &trusted), ClientIp(ip("10.0.0.3")));
    }

    #[test]
    fn ipv6_clients_are_limited_by_their_64() {
        assert_eq!(ClientIp(ip("2001:db8:1:2:3:4:5:6")).limit_value(), "2001:db8:1:2::/64");
        assert_eq!(ClientIp(ip("192.0.2.1")).limit_value(), "192.0.2.1");
    }
}
