//! A container's network view: `NetworkSettings`, endpoints and port bindings.

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Serialize};

use crate::de;

/// Container port (`"22/tcp"`) → host bindings. A `None` value (`null` on the wire)
/// is an exposed port that is not published.
///
/// ```
/// use docker_models::{PortBinding, PortMap};
/// let mut ports = PortMap::new();
/// let binding = PortBinding { host_ip: String::new(), host_port: "8080".into() };
/// ports.insert("80/tcp".into(), Some(vec![binding]));
/// ports.insert("443/tcp".into(), None); // The port is exposed, not published.
/// assert_eq!(
///     serde_json::to_string(&ports).unwrap(),
///     r#"{"443/tcp":null,"80/tcp":[{"HostIp":"","HostPort":"8080"}]}"#
/// );
/// ```
pub type PortMap = BTreeMap<String, Option<Vec<PortBinding>>>;

/// One host binding of a container port: `{"HostIp":"0.0.0.0","HostPort":"8888"}`.
///
/// ```
/// let ports: docker_models::PortMap = serde_json::from_str(
///     r#"{"22/tcp":[{"HostIp":"0.0.0.0","HostPort":"8888"}],"80/tcp":null}"#,
/// ).unwrap();
/// assert_eq!(ports["22/tcp"].as_ref().unwrap()[0].host_port, "8888");
/// assert_eq!(ports["80/tcp"], None);
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct PortBinding {
    /// `HostIp`: the host address; empty means all addresses.
    #[serde(rename = "HostIp", deserialize_with = "de::nullable")]
    pub host_ip: String,
    /// `HostPort`: the host port, as a string (it may be a range such as `8000-8010` in create).
    #[serde(rename = "HostPort", deserialize_with = "de::nullable")]
    pub host_port: String,
}

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
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct NetworkSettings {
    /// `Bridge` (legacy).
    #[serde(rename = "Bridge", deserialize_with = "de::nullable")]
    pub bridge: String,
    /// `SandboxID`: the network namespace's id.
    #[serde(rename = "SandboxID", deserialize_with = "de::nullable")]
    pub sandbox_id: String,
    /// `SandboxKey`: the network namespace's path.
    #[serde(rename = "SandboxKey", deserialize_with = "de::nullable")]
    pub sandbox_key: String,
    /// `HairpinMode` (legacy).
    #[serde(rename = "HairpinMode", deserialize_with = "de::flag")]
    pub hairpin_mode: bool,
    /// `LinkLocalIPv6Address` (legacy).
    #[serde(rename = "LinkLocalIPv6Address", deserialize_with = "de::nullable")]
    pub link_local_ipv6_address: String,
    /// `LinkLocalIPv6PrefixLen` (legacy).
    #[serde(rename = "LinkLocalIPv6PrefixLen", deserialize_with = "de::int")]
    pub link_local_ipv6_prefix_len: i64,
    /// `Ports`: container port → published host bindings (`null` value = not published).
    #[serde(rename = "Ports", deserialize_with = "de::nullable")]
    pub ports: PortMap,
    /// `SecondaryIPAddresses` (legacy).
    #[serde(rename = "SecondaryIPAddresses", deserialize_with = "de::nullable")]
    pub secondary_ip_addresses: Vec<Address>,
    /// `SecondaryIPv6Addresses` (legacy).
    #[serde(rename = "SecondaryIPv6Addresses", deserialize_with = "de::nullable")]
    pub secondary_ipv6_addresses: Vec<Address>,
    /// `EndpointID` of the default bridge endpoint (legacy, removed in API 1.52).
    #[serde(rename = "EndpointID", deserialize_with = "de::nullable")]
    pub endpoint_id: String,
    /// `Gateway` (legacy, removed in API 1.52).
    #[serde(rename = "Gateway", deserialize_with = "de::nullable")]
    pub gateway: String,
    /// `GlobalIPv6Address` (legacy, removed in API 1.52).
    #[serde(rename = "GlobalIPv6Address", deserialize_with = "de::nullable")]
    pub global_ipv6_address: String,
    /// `GlobalIPv6PrefixLen` (legacy, removed in API 1.52).
    #[serde(rename = "GlobalIPv6PrefixLen", deserialize_with = "de::int")]
    pub global_ipv6_prefix_len: i64,
    /// `IPAddress` (legacy, removed in API 1.52).
    #[serde(rename = "IPAddress", deserialize_with = "de::nullable")]
    pub ip_address: String,
    /// `IPPrefixLen` (legacy, removed in API 1.52).
    #[serde(rename = "IPPrefixLen", deserialize_with = "de::int")]
    pub ip_prefix_len: i64,
    /// `IPv6Gateway` (legacy, removed in API 1.52).
    #[serde(rename = "IPv6Gateway", deserialize_with = "de::nullable")]
    pub ipv6_gateway: String,
    /// `MacAddress` (legacy, removed in API 1.52).
    #[serde(rename = "MacAddress", deserialize_with = "de::nullable")]
    pub mac_address: String,
    /// `Networks`: network name → this container's endpoint on it.
    #[serde(rename = "Networks", deserialize_with = "de::nullable_values")]
    pub networks: BTreeMap<String, EndpointSettings>,
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

/// An address with its prefix length (`SecondaryIPAddresses` entries).
///
/// ```
/// use docker_models::Address;
/// let address: Address = serde_json::from_str(r#"{"Addr":"172.17.0.3","PrefixLen":16}"#).unwrap();
/// assert_eq!(format!("{}/{}", address.addr, address.prefix_len), "172.17.0.3/16");
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Address {
    /// `Addr`.
    #[serde(rename = "Addr", deserialize_with = "de::nullable")]
    pub addr: String,
    /// `PrefixLen`.
    #[serde(rename = "PrefixLen", deserialize_with = "de::int")]
    pub prefix_len: i64,
}

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
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct EndpointSettings {
    /// `IPAMConfig`: static addresses requested for this endpoint.
    #[serde(rename = "IPAMConfig", skip_serializing_if = "Option::is_none")]
    pub ipam_config: Option<EndpointIpamConfig>,
    /// `Links` (legacy links, `container:alias`).
    #[serde(
        rename = "Links",
        deserialize_with = "de::nullable",
        skip_serializing_if = "de::is_default"
    )]
    pub links: Vec<String>,
    /// `Aliases`: DNS aliases on this network.
    #[serde(
        rename = "Aliases",
        deserialize_with = "de::nullable",
        skip_serializing_if = "de::is_default"
    )]
    pub aliases: Vec<String>,
    /// `MacAddress`.
    #[serde(
        rename = "MacAddress",
        deserialize_with = "de::nullable",
        skip_serializing_if = "de::is_default"
    )]
    pub mac_address: String,
    /// `DriverOpts`.
    #[serde(
        rename = "DriverOpts",
        deserialize_with = "de::nullable",
        skip_serializing_if = "de::is_default"
    )]
    pub driver_opts: BTreeMap<String, String>,
    /// `NetworkID`.
    #[serde(
        rename = "NetworkID",
        deserialize_with = "de::nullable",
        skip_serializing_if = "de::is_default"
    )]
    pub network_id: String,
    /// `EndpointID`.
    #[serde(
        rename = "EndpointID",
        deserialize_with = "de::nullable",
        skip_serializing_if = "de::is_default"
    )]
    pub endpoint_id: String,
    /// `Gateway`.
    #[serde(
        rename = "Gateway",
        deserialize_with = "de::nullable",
        skip_serializing_if = "de::is_default"
    )]
    pub gateway: String,
    /// `IPAddress`.
    #[serde(
        rename = "IPAddress",
        deserialize_with = "de::nullable",
        skip_serializing_if = "de::is_default"
    )]
    pub ip_address: String,
    /// `IPPrefixLen`.
    #[serde(
        rename = "IPPrefixLen",
        deserialize_with = "de::int",
        skip_serializing_if = "de::is_default"
    )]
    pub ip_prefix_len: i64,
    /// `IPv6Gateway`.
    #[serde(
        rename = "IPv6Gateway",
        deserialize_with = "de::nullable",
        skip_serializing_if = "de::is_default"
    )]
    pub ipv6_gateway: String,
    /// `GlobalIPv6Address`.
    #[serde(
        rename = "GlobalIPv6Address",
        deserialize_with = "de::nullable",
        skip_serializing_if = "de::is_default"
    )]
    pub global_ipv6_address: String,
    /// `GlobalIPv6PrefixLen`.
    #[serde(
        rename = "GlobalIPv6PrefixLen",
        deserialize_with = "de::int",
        skip_serializing_if = "de::is_default"
    )]
    pub global_ipv6_prefix_len: i64,
    /// `DNSNames` (API 1.44+): every DNS name the container answers to on this network.
    #[serde(
        rename = "DNSNames",
        deserialize_with = "de::nullable",
        skip_serializing_if = "de::is_default"
    )]
    pub dns_names: Vec<String>,
}

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
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct EndpointIpamConfig {
    /// `IPv4Address`.
    #[serde(
        rename = "IPv4Address",
        deserialize_with = "de::nullable",
        skip_serializing_if = "de::is_default"
    )]
    pub ipv4_address: String,
    /// `IPv6Address`.
    #[serde(
        rename = "IPv6Address",
        deserialize_with = "de::nullable",
        skip_serializing_if = "de::is_default"
    )]
    pub ipv6_address: String,
    /// `LinkLocalIPs`.
    #[serde(
        rename = "LinkLocalIPs",
        deserialize_with = "de::nullable",
        skip_serializing_if = "de::is_default"
    )]
    pub link_local_ips: Vec<String>,
}
