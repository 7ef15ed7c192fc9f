//! Networks: list, inspect, create, connect, disconnect, remove and prune.

use std::collections::BTreeMap;

use docker_models::{
    EndpointSettings, Ipam, IpamConfig, NetworkCreateResponse, NetworkInspect, NetworkPruneResponse,
};
use serde_json::{json, Map, Value};

use crate::call::Call;
use crate::options::Filters;
use crate::path::{self, Kind, Query};
use crate::{Client, Error, Flavour, PruneFilters, Result};

/// Options of `list_networks` (`GET /networks`).
///
/// ```
/// let opts = docker_client::ListNetworksOptions::default()
///     .filter("driver", "bridge")
///     .filter("label", "team=web");
/// # let _ = opts;
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ListNetworksOptions {
    filters: Filters,
}

impl ListNetworksOptions {
    /// Adds a filter such as `("name", "web")`, `("driver", "bridge")`, `("label", "k=v")`,
    /// `("type", "custom")`, `("dangling", "true")`. Several values of one key are ORed.
    ///
    /// ```no_run
    /// # let client = docker_client::blocking::Client::from_env()?;
    /// use docker_client::ListNetworksOptions;
    /// let custom = ListNetworksOptions::default().filter("type", "custom");
    /// for network in client.list_networks(&custom)? {
    ///     println!("{} {}", network.name, network.driver);
    /// }
    /// # Ok::<(), docker_client::Error>(())
    /// ```
    pub fn filter(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {
        self.filters.add(key, value);
        self
    }

    fn query(&self) -> Query {
        let mut q = Query::default();
        self.filters.push_to(&mut q);
        q
    }
}

/// The body of `create_network` (`POST /networks/create`).
///
/// The typed fields cover what `docker network create` sends; [`raw`](Self::raw) sets any
/// other top-level field of the engine's JSON (or overrides a typed one).
///
/// ```
/// use docker_client::models::IpamConfig;
/// use docker_client::CreateNetworkOptions;
///
/// let opts = CreateNetworkOptions::new("backend")
///     .driver("bridge")
///     .internal(true)
///     .label("team", "web")
///     .option("com.docker.network.bridge.name", "br-backend")
///     .ipam_config(IpamConfig {
///         subnet: "10.213.0.0/24".into(),
///         gateway: "10.213.0.1".into(),
///         ..Default::default()
///     })
///     .raw("ConfigOnly", serde_json::json!(false));
/// # let _ = opts;
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct CreateNetworkOptions {
    name: String,
    driver: Option<String>,
    internal: bool,
    attachable: bool,
    enable_ipv6: bool,
    check_duplicate: bool,
    labels: BTreeMap<String, String>,
    options: BTreeMap<String, String>,
    ipam: Option<Ipam>,
    raw: Map<String, Value>,
}

impl CreateNetworkOptions {
    /// A network named `name`, with the engine's default driver (`bridge`).
    ///
    /// ```no_run
    /// # let client = docker_client::blocking::Client::from_env()?;
    /// use docker_client::CreateNetworkOptions;
    /// let created = client.create_network(&CreateNetworkOptions::new("backend"))?;
    /// println!("network {}", created.id);
    /// # Ok::<(), docker_client::Error>(())
    /// ```
    pub fn new(name: impl Into<String>) -> CreateNetworkOptions {
        CreateNetworkOptions {
            name: name.into(),
            driver: None,
            internal: false,
            attachable: false,
            enable_ipv6: false,
            check_duplicate: true,
            labels: BTreeMap::new(),
            options: BTreeMap::new(),
            ipam: None,
            raw: Map::new(),
        }
    }

    /// The driver: `bridge`, `macvlan`, `ipvlan`, `overlay` or a plugin.
    ///
    /// ```
    /// use docker_client::CreateNetworkOptions;
    /// let opts = CreateNetworkOptions::new("lan").driver("macvlan").option("parent", "eth0");
    /// # let _ = opts;
    /// ```
    pub fn driver(self, driver: impl Into<String>) -> Self {
        CreateNetworkOptions {
            driver: Some(driver.into()),
            ..self
        }
    }

    /// No external connectivity.
    ///
    /// ```
    /// use docker_client::CreateNetworkOptions;
    /// let opts = CreateNetworkOptions::new("db-only").internal(true);
    /// # let _ = opts;
    /// ```
    pub fn internal(self, internal: bool) -> Self {
        CreateNetworkOptions { internal, ..self }
    }

    /// Standalone containers may attach (swarm-scoped networks).
    ///
    /// ```
    /// use docker_client::CreateNetworkOptions;
    /// let opts = CreateNetworkOptions::new("mesh").driver("overlay").attachable(true);
    /// # let _ = opts;
    /// ```
    pub fn attachable(self, attachable: bool) -> Self {
        CreateNetworkOptions { attachable, ..self }
    }

    /// Enables IPv6.
    ///
    /// ```
    /// use docker_client::CreateNetworkOptions;
    /// let opts = CreateNetworkOptions::new("dual-stack").enable_ipv6(true);
    /// # let _ = opts;
    /// ```
    pub fn enable_ipv6(self, enable_ipv6: bool) -> Self {
        CreateNetworkOptions {
            enable_ipv6,
            ..self
        }
    }

    /// Refuses to create a second network of the same name (default true, as the Docker
    /// CLI sends it; engines from API 1.44 always refuse).
    ///
    /// ```
    /// use docker_client::CreateNetworkOptions;
    /// let opts = CreateNetworkOptions::new("backend").check_duplicate(false);
    /// assert_eq!(CreateNetworkOptions::new("backend").check_duplicate(true), CreateNetworkOptions::new("backend"));
    /// # let _ = opts;
    /// ```
    pub fn check_duplicate(self, check_duplicate: bool) -> Self {
        CreateNetworkOptions {
            check_duplicate,
            ..self
        }
    }

    /// Adds a label.
    ///
    /// ```
    /// use docker_client::CreateNetworkOptions;
    /// let opts = CreateNetworkOptions::new("backend").label("team", "web").label("env", "prod");
    /// # let _ = opts;
    /// ```
    pub fn label(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {
        self.labels.insert(key.into(), value.into());
        self
    }

    /// Adds a driver option (`com.docker.network.bridge.name`, `parent`...).
    ///
    /// ```
    /// use docker_client::CreateNetworkOptions;
    /// let opts = CreateNetworkOptions::new("backend").option("com.docker.network.driver.mtu", "1400");
    /// # let _ = opts;
    /// ```
    pub fn option(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {
        self.options.insert(key.into(), value.into());
        self
    }

    /// Sets the whole IPAM configuration (driver, options and subnets).
    ///
    /// ```
    /// use docker_client::CreateNetworkOptions;
    /// use docker_client::models::{Ipam, IpamConfig};
    /// let opts = CreateNetworkOptions::new("backend").ipam(Ipam {
    ///     driver: "default".into(),
    ///     config: vec![IpamConfig { subnet: "10.213.0.0/24".into(), ..Default::default() }],
    ///     ..Default::default()
    /// });
    /// # let _ = opts;
    /// ```
    pub fn ipam(self, ipam: Ipam) -> Self {
        CreateNetworkOptions {
            ipam: Some(ipam),
            ..self
        }
    }

    /// Adds a subnet to the IPAM configuration (with the default IPAM driver unless
    /// [`ipam`](Self::ipam) set another).
    ///
    /// ```
    /// use docker_client::CreateNetworkOptions;
    /// use docker_client::models::{Ipam, IpamConfig};
    /// let subnet = IpamConfig { subnet: "10.213.0.0/24".into(), ..Default::default() };
    /// let opts = CreateNetworkOptions::new("backend").ipam_config(subnet.clone());
    /// let ipam = Ipam { config: vec![subnet], ..Default::default() };
    /// assert_eq!(opts, CreateNetworkOptions::new("backend").ipam(ipam));
    /// ```
    pub fn ipam_config(mut self, config: IpamConfig) -> Self {
        self.ipam
            .get_or_insert_with(Ipam::default)
            .config
            .push(config);
        self
    }

    /// Sets a top-level field of the request body as raw JSON, after the typed ones.
    ///
    /// ```
    /// use docker_client::CreateNetworkOptions;
    /// let opts = CreateNetworkOptions::new("backend").raw("Scope", serde_json::json!("local"));
    /// # let _ = opts;
    /// ```
    pub fn raw(mut self, key: impl Into<String>, value: Value) -> Self {
        self.raw.insert(key.into(), value);
        self
    }

    /// The JSON body, as sent.
    pub(crate) fn body(&self) -> Result<Vec<u8>> {
        let name = path::plain_text("network name", &self.name)?;
        if name.trim().is_empty() {
            return Err(Error::InvalidArgument {
                what: "network name",
                reason: "is empty".into(),
            });
        }
        let mut body = Map::new();
        body.insert("Name".into(), json!(name));
        body.insert("CheckDuplicate".into(), json!(self.check_duplicate));
        if let Some(d) = &self.driver {
            body.insert("Driver".into(), json!(d));
        }
        body.insert("Internal".into(), json!(self.internal));
        body.insert("Attachable".into(), json!(self.attachable));
        body.insert("EnableIPv6".into(), json!(self.enable_ipv6));
        if let Some(ipam) = &self.ipam {
            let mut ipam = serde_json::to_value(ipam).expect("an Ipam always serializes");
            if ipam["Driver"] == json!("") {
                ipam["Driver"] = json!("default");
            }
            body.insert("IPAM".into(), ipam);
        }
        if !self.options.is_empty() {
            body.insert("Options".into(), json!(self.options));
        }
        if !self.labels.is_empty() {
            body.insert("Labels".into(), json!(self.labels));
        }
        for (k, v) in &self.raw {
            body.insert(k.clone(), v.clone());
        }
        Ok(serde_json::to_vec(&Value::Object(body)).expect("a JSON value always serializes"))
    }
}

/// Options of `disconnect_network` (`POST /networks/{id}/disconnect`).
///
/// ```
/// let opts = docker_client::DisconnectNetworkOptions::default().force(true);
/// # let _ = opts;
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DisconnectNetworkOptions {
    force: bool,
}

impl DisconnectNetworkOptions {
    /// Disconnects the container even when it is not running.
    ///
    /// ```
    /// let opts = docker_client::DisconnectNetworkOptions::default().force(true);
    /// # let _ = opts;
    /// ```
    pub fn force(self, force: bool) -> Self {
        DisconnectNetworkOptions { force }
    }
}

/// A container given in a body: validated like a path segment, sent as is.
fn container_arg(container: &str) -> Result<&str> {
    let c = path::plain_text("container ID or name", container)?;
    let bare = c.strip_prefix('/').unwrap_or(c);
    match bare.is_empty() {
        true => Err(Error::InvalidArgument {
            what: "container ID or name",
            reason: format!("{container:?} is empty"),
        }),
        false => Ok(bare),
    }
}

impl<F: Flavour> Client<F> {
    /// `GET /networks`: the networks (without their containers; inspect one for those).
    ///
    /// ```no_run
    /// # let client = docker_client::blocking::Client::from_env()?;
    /// use docker_client::ListNetworksOptions;
    /// for n in client.list_networks(&ListNetworksOptions::default().filter("driver", "bridge"))? {
    ///     println!("{} {}", n.name, n.driver);
    /// }
    /// # Ok::<(), docker_client::Error>(())
    /// ```
    pub fn list_networks(&self, options: &ListNetworksOptions) -> F::Out<'_, Vec<NetworkInspect>> {
        let call = Call::get("/networks").query(options.query());
        self.run(async move {
            let networks: Option<Vec<NetworkInspect>> = self.json(Ok(call)).await?;
            Ok(networks.unwrap_or_default())
        })
    }

    /// `GET /networks/{id}`: a network and its containers.
    ///
    /// ```no_run
    /// # let client = docker_client::blocking::Client::from_env()?;
    /// let n = client.inspect_network("bridge")?;
    /// println!("{} holds {} containers", n.name, n.containers.len());
    /// # Ok::<(), docker_client::Error>(())
    /// ```
    pub fn inspect_network(&self, id: &str) -> F::Out<'_, NetworkInspect> {
        let call = network_path(id, "").map(Call::get);
        self.run(self.json(call))
    }

    /// `POST /networks/create`.
    ///
    /// ```no_run
    /// # let client = docker_client::blocking::Client::from_env()?;
    /// use docker_client::{CreateNetworkOptions, DisconnectNetworkOptions};
    ///
    /// let created = client.create_network(
    ///     &CreateNetworkOptions::new("backend").driver("bridge").label("team", "web"),
    /// )?;
    /// client.connect_network(&created.id, "web", None)?;
    /// client.disconnect_network(&created.id, "web", DisconnectNetworkOptions::default())?;
    /// client.remove_network(&created.id)?;
    /// # Ok::<(), docker_client::Error>(())
    /// ```
    pub fn create_network(
        &self,
        options: &CreateNetworkOptions,
    ) -> F::Out<'_, NetworkCreateResponse> {
        let call = options
            .body()
            .map(|body| Call::post("/networks/create").json_bytes(body));
        self.run(self.json(call))
    }

    /// `POST /networks/{id}/connect`: attaches a container, with optional endpoint
    /// settings (aliases, a static address).
    ///
    /// ```no_run
    /// # let client = docker_client::blocking::Client::from_env()?;
    /// use docker_client::models::EndpointSettings;
    /// let endpoint = EndpointSettings { aliases: vec!["db".into()], ..Default::default() };
    /// client.connect_network("backend", "postgres", Some(&endpoint))?;
    /// # Ok::<(), docker_client::Error>(())
    /// ```
    pub fn connect_network(
        &self,
        network: &str,
        container: &str,
        endpoint: Option<&EndpointSettings>,
    ) -> F::Out<'_, ()> {
        let call = || {
            let mut body = Map::new();
            body.insert("Container".into(), json!(container_arg(container)?));
            if let Some(e) = endpoint {
                let e = serde_json::to_value(e).map_err(|e| Error::InvalidArgument {
                    what: "endpoint settings",
                    reason: e.to_string(),
                })?;
                body.insert("EndpointConfig".into(), e);
            }
            Call::post(network_path(network, "/connect")?).json("connect body", &body)
        };
        self.run(self.empty(call()))
    }

    /// `POST /networks/{id}/disconnect`: detaches a container;
    /// [`force`](DisconnectNetworkOptions::force) even when it is not running.
    ///
    /// ```no_run
    /// # let client = docker_client::blocking::Client::from_env()?;
    /// use docker_client::DisconnectNetworkOptions;
    /// client.disconnect_network("backend", "postgres", DisconnectNetworkOptions::default().force(true))?;
    /// # Ok::<(), docker_client::Error>(())
    /// ```
    pub fn disconnect_network(
        &self,
        network: &str,
        container: &str,
        options: DisconnectNetworkOptions,
    ) -> F::Out<'_, ()> {
        let call = || {
            let body = json!({"Container": container_arg(container)?, "Force": options.force});
            Call::post(network_path(network, "/disconnect")?).json("disconnect body", &body)
        };
        self.run(self.empty(call()))
    }

    /// `DELETE /networks/{id}`.
    ///
    /// ```no_run
    /// # let client = docker_client::blocking::Client::from_env()?;
    /// client.remove_network("backend")?;
    /// # Ok::<(), docker_client::Error>(())
    /// ```
    pub fn remove_network(&self, network: &str) -> F::Out<'_, ()> {
        let call = network_path(network, "").map(Call::delete);
        self.run(self.empty(call))
    }

    /// `POST /networks/prune`: removes networks no container uses.
    ///
    /// ```no_run
    /// # let client = docker_client::blocking::Client::from_env()?;
    /// let pruned = client.prune_networks(&docker_client::PruneFilters::default())?;
    /// println!("removed {:?}", pruned.networks_deleted);
    /// # Ok::<(), docker_client::Error>(())
    /// ```
    pub fn prune_networks(&self, filters: &PruneFilters) -> F::Out<'_, NetworkPruneResponse> {
        let call = Call::post("/networks/prune").query(filters.query());
        self.run(self.json(Ok(call)))
    }
}

/// `/networks/{id}{suffix}` with `id` validated and encoded.
fn network_path(id: &str, suffix: &str) -> Result<String> {
    Ok(format!(
        "/networks/{}{suffix}",
        path::segment(Kind::Network, id)?
    ))
}

#[cfg(feature = "dispatch")]
impl crate::dispatch::FromArg for CreateNetworkOptions {
    fn from_arg(v: &serde_json::Value) -> Option<CreateNetworkOptions> {
        let mut o = CreateNetworkOptions::new(v["name"].as_str()?);
        if let Some(d) = v["driver"].as_str() {
            o = o.driver(d);
        }
        for (k, value) in v["labels"].as_object().into_iter().flatten() {
            o = o.label(k, value.as_str()?);
        }
        Some(o)
    }
}

#[cfg(feature = "dispatch")]
impl crate::dispatch::FromArg for ListNetworksOptions {
    fn from_arg(v: &serde_json::Value) -> Option<ListNetworksOptions> {
        let mut o = ListNetworksOptions::default();
        for (key, value) in crate::dispatch::filters(&v["filters"]) {
            o = o.filter(key, value);
        }
        Some(o)
    }
}

/// A bare boolean (`force`), or `{"force": bool}`.
#[cfg(feature = "dispatch")]
impl crate::dispatch::FromArg for DisconnectNetworkOptions {
    fn from_arg(v: &serde_json::Value) -> Option<DisconnectNetworkOptions> {
        let force = v
            .as_bool()
            .unwrap_or_else(|| crate::dispatch::flag(v, "force"));
        Some(DisconnectNetworkOptions::default().force(force))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn body(o: &CreateNetworkOptions) -> Value {
        serde_json::from_slice(&o.body().unwrap()).unwrap()
    }

    #[test]
    fn the_create_body_holds_the_typed_fields_then_the_raw_ones() {
        let o = CreateNetworkOptions::new("n1")
            .driver("bridge")
            .internal(true)
            .label("a", "1")
            .option("com.docker.network.bridge.enable_icc", "false")
            .ipam_config(IpamConfig {
                subnet: "10.213.0.0/24".into(),
                ..Default::default()
            })
            .raw("Internal", json!(false))
            .raw("ConfigOnly", json!(true));
        assert_eq!(
            body(&o),
            json!({
                "Name": "n1", "CheckDuplicate": true, "Driver": "bridge",
                "Internal": false, "Attachable": false, "EnableIPv6": false,
                "IPAM": {"Driver": "default", "Options": {}, "Config": [{"Subnet": "10.213.0.0/24"}]},
                "Options": {"com.docker.network.bridge.enable_icc": "false"},
                "Labels": {"a": "1"}, "ConfigOnly": true
            })
        );
        assert_eq!(
            body(&CreateNetworkOptions::new("n2")),
            json!({"Name": "n2", "CheckDuplicate": true, "Internal": false,
                   "Attachable": false, "EnableIPv6": false})
        );
        assert!(CreateNetworkOptions::new(" ").body().is_err());
        assert!(CreateNetworkOptions::new("a\nb").body().is_err());
    }

    #[test]
    fn containers_in_bodies_are_checked_and_lose_their_slash() {
        assert_eq!(container_arg("/web").unwrap(), "web");
        assert!(container_arg("").is_err());
        assert!(container_arg("a\nb").is_err());
        assert!(network_path("..", "/disconnect").is_err());
    }
}
