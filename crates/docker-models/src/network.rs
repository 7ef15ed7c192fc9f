//! Networks: `GET /networks/{id}`.

use std::collections::BTreeMap;
use std::fmt;

use crate::container::short_id;
use crate::model::model;

model! {
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
    #[derive(Debug, Clone, Default, PartialEq, Eq)]
    pub struct NetworkInspect {
        /// `Name`.
        name: String = "Name",
        /// `Id`.
        id: String = "Id",
        /// `Created`: RFC 3339 with nanoseconds.
        created: String = "Created",
        /// `Scope`: `local`, `global` or `swarm`.
        scope: String = "Scope",
        /// `Driver`, e.g. `bridge`, `host`, `overlay`.
        driver: String = "Driver",
        /// `EnableIPv4` (newer engines only; `None` when absent, where IPv4 is always on).
        enable_ipv4: Option<bool> = "EnableIPv4" omitempty,
        /// `EnableIPv6`.
        enable_ipv6: bool = "EnableIPv6",
        /// `IPAM`.
        ipam: Ipam = "IPAM",
        /// `Internal`: no external connectivity.
        internal: bool = "Internal",
        /// `Attachable`: standalone containers may attach (swarm networks).
        attachable: bool = "Attachable",
        /// `Ingress`: the swarm routing-mesh network.
        ingress: bool = "Ingress",
        /// `ConfigFrom`: the config-only network this one takes its configuration from.
        config_from: ConfigReference = "ConfigFrom",
        /// `ConfigOnly`: a placeholder holding configuration only.
        config_only: bool = "ConfigOnly",
        /// `Containers`: container id → its endpoint (only from inspect, not from list).
        containers: BTreeMap<String, NetworkContainer> = "Containers",
        /// `Options`: driver options.
        options: BTreeMap<String, String> = "Options",
        /// `Labels`.
        labels: BTreeMap<String, String> = "Labels",
    }
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

model! {
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
    #[derive(Debug, Clone, Default, PartialEq, Eq)]
    pub struct Ipam {
        /// `Driver`, usually `default`.
        driver: String = "Driver",
        /// `Options`.
        options: BTreeMap<String, String> = "Options",
        /// `Config`: one entry per subnet.
        config: Vec<IpamConfig> = "Config",
    }
}

model! {
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
    #[derive(Debug, Clone, Default, PartialEq, Eq)]
    pub struct IpamConfig {
        /// `Subnet`, e.g. `172.17.0.0/16`.
        subnet: String = "Subnet" omitempty,
        /// `IPRange`.
        ip_range: String = "IPRange" omitempty,
        /// `Gateway`.
        gateway: String = "Gateway" omitempty,
        /// `AuxiliaryAddresses`: name → address reserved in the subnet.
        auxiliary_addresses: BTreeMap<String, String> = "AuxiliaryAddresses" omitempty,
    }
}

model! {
    /// `ConfigFrom` of a [`NetworkInspect`].
    ///
    /// ```
    /// use docker_models::NetworkInspect;
    /// let net: NetworkInspect =
    ///     serde_json::from_str(r#"{"Name":"prod","ConfigFrom":{"Network":"prod-config"}}"#).unwrap();
    /// assert_eq!(net.config_from.network, "prod-config");
    /// ```
    #[derive(Debug, Clone, Default, PartialEq, Eq)]
    pub struct ConfigReference {
        /// `Network`: the config-only network's name; empty when none.
        network: String = "Network",
    }
}

model! {
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
    #[derive(Debug, Clone, Default, PartialEq, Eq)]
    pub struct NetworkContainer {
        /// `Name`: the container name (no leading `/`).
        name: String = "Name",
        /// `EndpointID`.
        endpoint_id: String = "EndpointID",
        /// `MacAddress`.
        mac_address: String = "MacAddress",
        /// `IPv4Address`, with prefix, e.g. `172.18.0.2/16`.
        ipv4_address: String = "IPv4Address",
        /// `IPv6Address`, with prefix.
        ipv6_address: String = "IPv6Address",
    }
}

model! {
    /// The answer of `POST /networks/create`.
    ///
    /// ```
    /// use docker_models::NetworkCreateResponse;
    /// let res: NetworkCreateResponse =
    ///     serde_json::from_str(r#"{"Id":"22be93d5babb089c5aab8dbc369042fad48ff791584ca2da2100db837a1c7c30","Warning":""}"#).unwrap();
    /// assert!(res.id.starts_with("22be93d5babb"));
    /// assert!(res.warning.is_empty());
    /// ```
    #[derive(Debug, Clone, Default, PartialEq, Eq)]
    pub struct NetworkCreateResponse {
        /// `Id`: the new network's id.
        id: String = "Id",
        /// `Warning`: empty when none.
        warning: String = "Warning",
    }
}
