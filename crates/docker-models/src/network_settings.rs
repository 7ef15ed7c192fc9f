//! A container's network view: `NetworkSettings`, endpoints and port bindings.

use std::collections::BTreeMap;
use std::fmt;

use crate::model::model;

/// Container port (`"22/tcp"`) → host bindings. A `None` value (`null` on the wire)
/// is an exposed port that is not published.
///
/// ```
/// use docker_models::{PortBinding, PortMap};
/// let mut ports = PortMap::new();
/// let binding = PortBinding { host_port: "8080".into(), ..Default::default() };
/// ports.insert("80/tcp".into(), Some(vec![binding]));
/// ports.insert("443/tcp".into(), None); // The port is exposed, not published.
/// assert_eq!(
///     serde_json::to_string(&ports).unwrap(),
///     r#"{"443/tcp":null,"80/tcp":[{"HostIp":"","HostPort":"8080"}]}"#
/// );
/// ```
pub type PortMap = BTreeMap<String, Option<Vec<PortBinding>>>;

model! {
    /// One host binding of a container port: `{"HostIp":"0.0.0.0","HostPort":"8888"}`.
    ///
    /// ```
    /// let ports: docker_models::PortMap = serde_json::from_str(
    ///     r#"{"22/tcp":[{"HostIp":"0.0.0.0","HostPort":"8888"}],"80/tcp":null}"#,
    /// ).unwrap();
    /// assert_eq!(ports["22/tcp"].as_ref().unwrap()[0].host_port, "8888");
    /// assert_eq!(ports["80/tcp"], None);
    /// ```
    #[derive(Debug, Clone, Default, PartialEq, Eq)]
    pub struct PortBinding {
        /// `HostIp`: the host address; empty means all addresses.
        host_ip: String = "HostIp",
        /// `HostPort`: the host port, as a string (it may be a range such as `8000-8010` in create).
        host_port: String = "HostPort",
    }
}

model! {
    /// `NetworkSettings` of `GET /containers/{id}/json`.
    ///
    /// The top-level `IPAddress`, `Gateway`, `MacAddress` and friends describe the default
    /// bridge network only; they were removed in API 1.52 (so they decode as empty there).
    /// Prefer [`NetworkSettings::networks`], or [`NetworkSettings::ip_address`] which falls
    /// back to it.
    ///
    /// ```
    /// let ns: docker_models::NetworkSettings = serde_json::from_str(
    ///     r#"{"Networks":{"bridge":{"IPAddress":"172.17.0.2","IPPrefixLen":16}},"Ports":null}"#,
    /// ).unwrap();
    /// assert_eq!(ns.ip_address(), Some("172.17.0.2"));
    /// assert!(ns.ports.is_empty());
    /// ```
    #[derive(Debug, Clone, Default, PartialEq)]
    pub struct NetworkSettings {
        /// `Bridge` (legacy).
        bridge: String = "Bridge",
        /// `SandboxID`: the network namespace's id.
        sandbox_id: String = "SandboxID",
        /// `SandboxKey`: the network namespace's path.
        sandbox_key: String = "SandboxKey",
        /// `HairpinMode` (legacy).
        hairpin_mode: bool = "HairpinMode",
        /// `LinkLocalIPv6Address` (legacy).
        link_local_ipv6_address: String = "LinkLocalIPv6Address",
        /// `LinkLocalIPv6PrefixLen` (legacy).
        link_local_ipv6_prefix_len: i64 = "LinkLocalIPv6PrefixLen",
        /// `Ports`: container port → published host bindings (`null` value = not published).
        ports: PortMap = "Ports",
        /// `SecondaryIPAddresses` (legacy).
        secondary_ip_addresses: Vec<Address> = "SecondaryIPAddresses",
        /// `SecondaryIPv6Addresses` (legacy).
        secondary_ipv6_addresses: Vec<Address> = "SecondaryIPv6Addresses",
        /// `EndpointID` of the default bridge endpoint (legacy, removed in API 1.52).
        endpoint_id: String = "EndpointID",
        /// `Gateway` (legacy, removed in API 1.52).
        gateway: String = "Gateway",
        /// `GlobalIPv6Address` (legacy, removed in API 1.52).
        global_ipv6_address: String = "GlobalIPv6Address",
        /// `GlobalIPv6PrefixLen` (legacy, removed in API 1.52).
        global_ipv6_prefix_len: i64 = "GlobalIPv6PrefixLen",
        /// `IPAddress` (legacy, removed in API 1.52).
        ip_address: String = "IPAddress",
        /// `IPPrefixLen` (legacy, removed in API 1.52).
        ip_prefix_len: i64 = "IPPrefixLen",
        /// `IPv6Gateway` (legacy, removed in API 1.52).
        ipv6_gateway: String = "IPv6Gateway",
        /// `MacAddress` (legacy, removed in API 1.52).
        mac_address: String = "MacAddress",
        /// `Networks`: network name → this container's endpoint on it.
        networks: BTreeMap<String, EndpointSettings> = "Networks",
    }
}

impl NetworkSettings {
    /// The container's IPv4 address: the legacy top-level `IPAddress` when set, else the
    /// first non-empty address among [`networks`](Self::networks) (in name order).
    ///
    /// ```
    /// use docker_models::NetworkSettings;
    /// let settings: NetworkSettings = serde_json::from_str(
    ///     r#"{"IPAddress":"","Networks":{"backend":{"IPAddress":"172.18.0.2"},"frontend":{"IPAddress":"172.19.0.2"}}}"#,
    /// ).unwrap();
    /// assert_eq!(settings.ip_address(), Some("172.18.0.2"));
    /// assert_eq!(NetworkSettings::default().ip_address(), None);
    /// ```
    pub fn ip_address(&self) -> Option<&str> {
        if !self.ip_address.is_empty() {
            return Some(&self.ip_address);
        }
        self.networks
            .values()
            .map(|e| e.ip_address.as_str())
            .find(|ip| !ip.is_empty())
    }
}

impl fmt::Display for NetworkSettings {
    /// `ip 172.17.0.2/16 ports [22/tcp->0.0.0.0:8888] networks [bridge=172.17.0.2]`
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.ip_address() {
            Some(ip) if !self.ip_address.is_empty() => {
                write!(f, "ip {}/{}", ip, self.ip_prefix_len)?
            }
            Some(ip) => write!(f, "ip {ip}")?,
            None => f.write_str("ip -")?,
        }
        f.write_str(" ports [")?;
        let mut first = true;
        for (port, bindings) in &self.ports {
            let bindings = bindings.as_deref().unwrap_or_default();
            if bindings.is_empty() {
                if !first {
                    f.write_str(" ")?;
                }
                first = false;
                f.write_str(port)?;
            }
            for b in bindings {
                if !first {
                    f.write_str(" ")?;
                }
                first = false;
                write!(f, "{port}->{}:{}", b.host_ip, b.host_port)?;
            }
        }
        f.write_str("] networks [")?;
        for (i, (name, ep)) in self.networks.iter().enumerate() {
            if i > 0 {
                f.write_str(" ")?;
            }
            f.write_str(name)?;
            if !ep.ip_address.is_empty() {
                write!(f, "={}", ep.ip_address)?;
            }
        }
        f.write_str("]")
    }
}

model! {
    /// An address with its prefix length (`SecondaryIPAddresses` entries).
    ///
    /// ```
    /// use docker_models::Address;
    /// let address: Address = serde_json::from_str(r#"{"Addr":"172.17.0.3","PrefixLen":16}"#).unwrap();
    /// assert_eq!(format!("{}/{}", address.addr, address.prefix_len), "172.17.0.3/16");
    /// ```
    #[derive(Debug, Clone, Default, PartialEq, Eq)]
    pub struct Address {
        /// `Addr`.
        addr: String = "Addr",
        /// `PrefixLen`.
        prefix_len: i64 = "PrefixLen",
    }
}

model! {
    /// A container's endpoint on one network: a value of `NetworkSettings.Networks`, and
    /// of `NetworkingConfig.EndpointsConfig` when creating a container.
    ///
    /// Empty fields are skipped when serializing, so the same type works as a create body.
    ///
    /// ```
    /// let ep: docker_models::EndpointSettings = serde_json::from_str(
    ///     r#"{"IPAMConfig":null,"Aliases":null,"NetworkID":"f903","IPAddress":"172.17.0.2","IPPrefixLen":16}"#,
    /// ).unwrap();
    /// assert_eq!(ep.network_id, "f903");
    /// assert!(ep.aliases.is_empty() && ep.ipam_config.is_none());
    /// ```
    #[derive(Debug, Clone, Default, PartialEq)]
    pub struct EndpointSettings {
        /// `IPAMConfig`: static addresses requested for this endpoint.
        ipam_config: Option<EndpointIpamConfig> = "IPAMConfig" omitempty,
        /// `Links` (legacy links, `container:alias`).
        links: Vec<String> = "Links" omitempty,
        /// `Aliases`: DNS aliases on this network.
        aliases: Vec<String> = "Aliases" omitempty,
        /// `MacAddress`.
        mac_address: String = "MacAddress" omitempty,
        /// `DriverOpts`.
        driver_opts: BTreeMap<String, String> = "DriverOpts" omitempty,
        /// `NetworkID`.
        network_id: String = "NetworkID" omitempty,
        /// `EndpointID`.
        endpoint_id: String = "EndpointID" omitempty,
        /// `Gateway`.
        gateway: String = "Gateway" omitempty,
        /// `IPAddress`.
        ip_address: String = "IPAddress" omitempty,
        /// `IPPrefixLen`.
        ip_prefix_len: i64 = "IPPrefixLen" omitempty,
        /// `IPv6Gateway`.
        ipv6_gateway: String = "IPv6Gateway" omitempty,
        /// `GlobalIPv6Address`.
        global_ipv6_address: String = "GlobalIPv6Address" omitempty,
        /// `GlobalIPv6PrefixLen`.
        global_ipv6_prefix_len: i64 = "GlobalIPv6PrefixLen" omitempty,
        /// `DNSNames` (API 1.44+): every DNS name the container answers to on this network.
        dns_names: Vec<String> = "DNSNames" omitempty,
    }
}

model! {
    /// `IPAMConfig` of an [`EndpointSettings`].
    ///
    /// ```
    /// use docker_models::{EndpointIpamConfig, EndpointSettings};
    /// // A fixed address on a user-defined network, as `docker network connect --ip` asks.
    /// let endpoint = EndpointSettings {
    ///     ipam_config: Some(EndpointIpamConfig { ipv4_address: "172.18.0.10".into(), ..Default::default() }),
    ///     ..Default::default()
    /// };
    /// let json = serde_json::to_value(&endpoint).unwrap();
    /// assert_eq!(json["IPAMConfig"]["IPv4Address"], "172.18.0.10");
    /// ```
    #[derive(Debug, Clone, Default, PartialEq, Eq)]
    pub struct EndpointIpamConfig {
        /// `IPv4Address`.
        ipv4_address: String = "IPv4Address" omitempty,
        /// `IPv6Address`.
        ipv6_address: String = "IPv6Address" omitempty,
        /// `LinkLocalIPs`.
        link_local_ips: Vec<String> = "LinkLocalIPs" omitempty,
    }
}
