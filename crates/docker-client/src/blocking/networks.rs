//! Networks: list, create, connect, disconnect, remove and prune (blocking).

use docker_models::{
    EndpointSettings, NetworkCreateResponse, NetworkInspect, NetworkPruneResponse,
};

use super::Client;
use crate::networks::{self as n, CreateNetworkOptions, ListNetworksOptions};
use crate::{PruneFilters, Result};

impl Client {
    /// `GET /networks`: the networks (without their containers; inspect one for those).
    pub fn list_networks(&self, options: &ListNetworksOptions) -> Result<Vec<NetworkInspect>> {
        let networks: Option<Vec<NetworkInspect>> = self.json(n::list(options))?;
        Ok(networks.unwrap_or_default())
    }

    /// `POST /networks/create`.
    ///
    /// ```no_run
    /// # let client = docker_client::blocking::Client::from_env()?;
    /// use docker_client::CreateNetworkOptions;
    ///
    /// let created = client.create_network(
    ///     &CreateNetworkOptions::new("backend").driver("bridge").label("team", "web"),
    /// )?;
    /// client.connect_network(&created.id, "web", None)?;
    /// client.disconnect_network(&created.id, "web", false)?;
    /// client.remove_network(&created.id)?;
    /// # Ok::<(), docker_client::Error>(())
    /// ```
    pub fn create_network(&self, options: &CreateNetworkOptions) -> Result<NetworkCreateResponse> {
        self.json(n::create(options)?)
    }

    /// `POST /networks/{id}/connect`: attaches a container, with optional endpoint
    /// settings (aliases, a static address).
    pub fn connect_network(
        &self,
        network: &str,
        container: &str,
        endpoint: Option<&EndpointSettings>,
    ) -> Result<()> {
        self.empty(n::connect(network, container, endpoint)?)
    }

    /// `POST /networks/{id}/disconnect`: detaches a container; `force` even when it is
    /// not running.
    pub fn disconnect_network(&self, network: &str, container: &str, force: bool) -> Result<()> {
        self.empty(n::disconnect(network, container, force)?)
    }

    /// `DELETE /networks/{id}`.
    pub fn remove_network(&self, network: &str) -> Result<()> {
        self.empty(n::remove(network)?)
    }

    /// `POST /networks/prune`: removes networks no container uses.
    pub fn prune_networks(&self, filters: &PruneFilters) -> Result<NetworkPruneResponse> {
        self.json(n::prune(filters))
    }
}
