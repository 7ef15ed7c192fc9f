//! Networks: `GET /networks/{id}`.

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Serialize};

use crate::container::short_id;
use crate::de;

/// `GET /networks/{id}` (and the items of `GET /networks`).
///
/// ```
/// let n: docker_models::NetworkInspect = serde_json::from_str(
///     r#"{"Name":"host","Id":"35076d6fb953b339","Driver":"host","Scope":"local",
///         "IPAM":{"Driver":"default","Options":null,"Config":[]},"Containers":{}}"#,
/// ).unwrap();
/// assert_eq!(n.driver, "host");
/// assert!(n.ipam.options.is_empty());
/// assert_eq!(n.to_string(), "host 35076d6fb953 host local subnets []");
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct NetworkInspect {
    /// `Name`.
    #[serde(rename = "Name", deserialize_with = "de::nullable")]
    pub name: String,
    /// `Id`.
    #[serde(rename = "Id", deserialize_with = "de::nullable")]
    pub id: String,
    /// `Created`: RFC 3339 with nanoseconds.
    #[serde(rename = "Created", deserialize_with = "de::nullable")]
    pub created: String,
    /// `Scope`: `local`, `global` or `swarm`.
    #[serde(rename = "Scope", deserialize_with = "de::nullable")]
    pub scope: String,
    /// `Driver`, e.g. `bridge`, `host`, `overlay`.
    #[serde(rename = "Driver", deserialize_with = "de::nullable")]
    pub driver: String,
    /// `EnableIPv4` (newer engines only; `None` when absent, where IPv4 is always on).
    #[serde(rename = "EnableIPv4", skip_serializing_if = "Option::is_none")]
    pub enable_ipv4: Option<bool>,
    /// `EnableIPv6`.
    #[serde(rename = "EnableIPv6", deserialize_with = "de::flag")]
    pub enable_ipv6: bool,
    /// `IPAM`.
    #[serde(rename = "IPAM", deserialize_with = "de::nullable")]
    pub ipam: Ipam,
    /// `Internal`: no external connectivity.
    #[serde(rename = "Internal", deserialize_with = "de::flag")]
    pub internal: bool,
    /// `Attachable`: standalone containers may attach (swarm networks).
    #[serde(rename = "Attachable", deserialize_with = "de::flag")]
    pub attachable: bool,
    /// `Ingress`: the swarm routing-mesh network.
    #[serde(rename = "Ingress", deserialize_with = "de::flag")]
    pub ingress: bool,
    /// `ConfigFrom`: the config-only network this one takes its configuration from.
    #[serde(rename = "ConfigFrom", deserialize_with = "de::nullable")]
    pub config_from: ConfigReference,
    /// `ConfigOnly`: a placeholder holding configuration only.
    #[serde(rename = "ConfigOnly", deserialize_with = "de::flag")]
    pub config_only: bool,
    /// `Containers`: container id → its endpoint (only from inspect, not from list).
    #[serde(rename = "Containers", deserialize_with = "de::nullable_values")]
    pub containers: BTreeMap<String, NetworkContainer>,
    /// `Options`: driver options.
    #[serde(rename = "Options", deserialize_with = "de::nullable")]
    pub options: BTreeMap<String, String>,
    /// `Labels`.
    #[serde(rename = "Labels", deserialize_with = "de::nullable")]
    pub labels: BTreeMap<String, String>,
}

impl fmt::Display for NetworkInspect {
    /// `research-net f903f5ca6e13 bridge local subnets [172.17.0.0/16] 0 containers`
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} {} {} {} subnets [",
            self.name,
            short_id(&self.id),
            self.driver,
            self.scope
        )?;
        for (i, c) in self.ipam.config.iter().enumerate() {
            if i > 0 {
                f.write_str(" ")?;
            }
            f.write_str(&c.subnet)?;
        }
        f.write_str("]")?;
        if !self.containers.is_empty() {
            write!(f, " {} containers", self.containers.len())?;
        }
        Ok(())
    }
}

/// `IPAM` of a [`NetworkInspect`]: address management.
///
/// ```
/// use docker_models::NetworkInspect;
/// let net: NetworkInspect = serde_json::from_str(
///     r#"{"Name":"backend","IPAM":{"Driver":"default","Options":null,"Config":[{"Subnet":"172.18.0.0/16","Gateway":"172.18.0.1"}]}}"#,
/// ).unwrap();
/// assert_eq!(net.ipam.driver, "default");
/// assert_eq!(net.ipam.config[0].subnet, "172.18.0.0/16");
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Ipam {
    /// `Driver`, usually `default`.
    #[serde(rename = "Driver", deserialize_with = "de::nullable")]
    pub driver: String,
    /// `Options`.
    #[serde(rename = "Options", deserialize_with = "de::nullable")]
    pub options: BTreeMap<String, String>,
    /// `Config`: one entry per subnet.
    #[serde(rename = "Config", deserialize_with = "de::nullable")]
    pub config: Vec<IpamConfig>,
}

/// One entry of `IPAM.Config`.
///
/// ```
/// use docker_models::IpamConfig;
/// let config: IpamConfig = serde_json::from_str(
///     r#"{"Subnet":"10.10.0.0/24","IPRange":"10.10.0.128/25","Gateway":"10.10.0.1","AuxiliaryAddresses":{"router":"10.10.0.2"}}"#,
/// ).unwrap();
/// assert_eq!(config.ip_range, "10.10.0.128/25");
/// assert_eq!(config.auxiliary_addresses["router"], "10.10.0.2");
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct IpamConfig {
    /// `Subnet`, e.g. `172.17.0.0/16`.
    #[serde(
        rename = "Subnet",
        deserialize_with = "de::nullable",
        skip_serializing_if = "String::is_empty"
    )]
    pub subnet: String,
    /// `IPRange`.
    #[serde(
        rename = "IPRange",
        deserialize_with = "de::nullable",
        skip_serializing_if = "String::is_empty"
    )]
    pub ip_range: String,
    /// `Gateway`.
    #[serde(
        rename = "Gateway",
        deserialize_with = "de::nullable",
        skip_serializing_if = "String::is_empty"
    )]
    pub gateway: String,
    /// `AuxiliaryAddresses`: name → address reserved in the subnet.
    #[serde(
        rename = "AuxiliaryAddresses",
        deserialize_with = "de::nullable",
        skip_serializing_if = "BTreeMap::is_empty"
    )]
    pub auxiliary_addresses: BTreeMap<String, String>,
}

/// `ConfigFrom` of a [`NetworkInspect`].
///
/// ```
/// use docker_models::NetworkInspect;
/// let net: NetworkInspect =
///     serde_json::from_str(r#"{"Name":"prod","ConfigFrom":{"Network":"prod-config"}}"#).unwrap();
/// assert_eq!(net.config_from.network, "prod-config");
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ConfigReference {
    /// `Network`: the config-only network's name; empty when none.
    #[serde(rename = "Network", deserialize_with = "de::nullable")]
    pub network: String,
}

/// A value of `Containers` in a [`NetworkInspect`]: one container's endpoint.
///
/// ```
/// use docker_models::NetworkInspect;
/// let net: NetworkInspect = serde_json::from_str(
///     r#"{"Name":"backend","Containers":{"1cd78d71f60d":{"Name":"web","IPv4Address":"172.18.0.2/16"}}}"#,
/// ).unwrap();
/// let web = &net.containers["1cd78d71f60d"];
/// assert_eq!((web.name.as_str(), web.ipv4_address.as_str()), ("web", "172.18.0.2/16"));
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct NetworkContainer {
    /// `Name`: the container name (no leading `/`).
    #[serde(rename = "Name", deserialize_with = "de::nullable")]
    pub name: String,
    /// `EndpointID`.
    #[serde(rename = "EndpointID", deserialize_with = "de::nullable")]
    pub endpoint_id: String,
    /// `MacAddress`.
    #[serde(rename = "MacAddress", deserialize_with = "de::nullable")]
    pub mac_address: String,
    /// `IPv4Address`, with prefix, e.g. `172.18.0.2/16`.
    #[serde(rename = "IPv4Address", deserialize_with = "de::nullable")]
    pub ipv4_address: String,
    /// `IPv6Address`, with prefix.
    #[serde(rename = "IPv6Address", deserialize_with = "de::nullable")]
    pub ipv6_address: String,
}

/// The answer of `POST /networks/create`.
///
/// ```
/// use docker_models::NetworkCreateResponse;
/// let res: NetworkCreateResponse =
///     serde_json::from_str(r#"{"Id":"22be93d5babb089c5aab8dbc369042fad48ff791584ca2da2100db837a1c7c30","Warning":""}"#).unwrap();
/// assert!(res.id.starts_with("22be93d5babb"));
/// assert!(res.warning.is_empty());
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct NetworkCreateResponse {
    /// `Id`: the new network's id.
    #[serde(rename = "Id", deserialize_with = "de::nullable")]
    pub id: String,
    /// `Warning`: empty when none.
    #[serde(rename = "Warning", deserialize_with = "de::nullable")]
    pub warning: String,
}
