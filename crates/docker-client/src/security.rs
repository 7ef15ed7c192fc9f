//! The warning for an engine reached over plain TCP from beyond this machine.

use std::net::IpAddr;

use crate::{Endpoint, EndpointChoice};

impl EndpointChoice {
    /// A warning for a plain `tcp://` (or `http://`) endpoint that is not on loopback:
    /// whoever reaches that port controls the engine, which is root on its host, and the
    /// traffic, credentials included, is not encrypted. `None` for Unix sockets, TLS,
    /// `ssh://`, and TCP to `localhost` or a loopback address. A host name other than
    /// `localhost` is not resolved to check: it gets the warning.
    ///
    /// Programs show it once, before their first call, as `dkr` does on standard error.
    ///
    /// ```
    /// let remote = docker_client::blocking::Client::builder().host("tcp://10.0.0.5:2375").build()?;
    /// let warning = remote.endpoint_choice().warning().unwrap();
    /// assert!(warning.contains("root") && warning.contains("unencrypted"));
    /// let local = docker_client::blocking::Client::builder().host("tcp://127.0.0.1:2375").build()?;
    /// assert_eq!(local.endpoint_choice().warning(), None);
    /// # Ok::<(), docker_client::Error>(())
    /// ```
    pub fn warning(&self) -> Option<String> {
        let Endpoint::Tcp { host, .. } = &self.endpoint else {
            return None;
        };
        let loopback = match host.parse::<IpAddr>() {
            Ok(ip) => ip.is_loopback() || is_mapped_loopback(ip),
            Err(_) => host.eq_ignore_ascii_case("localhost"),
        };
        if loopback {
            return None;
        }
        Some(format!(
            "WARNING: the Docker engine at {} ({self}) is reached over plain TCP: whoever can \
             reach that port controls the engine, which is root-equivalent on its host, and \
             the traffic, registry credentials included, is unencrypted. Use TLS \
             (--tlsverify, DOCKER_TLS_VERIFY=1) or ssh://, or keep the engine on loopback.",
            self.endpoint
        ))
    }
}

/// `::ffff:127.x.x.x`, which `Ipv6Addr::is_loopback` does not count.
fn is_mapped_loopback(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().is_some_and(|v4| v4.is_loopback()),
        IpAddr::V4(_) => false,
    }
}
