//! Networks: list, create, connect, disconnect, remove and prune (tokio).

use docker_models::{
    EndpointSettings, NetworkCreateResponse, NetworkInspect, NetworkPruneResponse,
};

use super::Client;
use crate::networks::{self as n, CreateNetworkOptions, ListNetworksOptions};
use crate::{PruneFilters, Result};

impl Client {
    /// `GET /networks`: the networks (without their containers; inspect one for those).
    pub async fn list_networks(
        &self,
        options: &ListNetworksOptions,
    ) -> Result<Vec<NetworkInspect>> {
        let networks: Option<Vec<NetworkInspect>> = self.json(n::list(options)).await?;
        Ok(networks.unwrap_or_default())
    }

    /// `POST /networks/create`.
    pub async fn create_network(
        &self,
        options: &CreateNetworkOptions,
    ) -> Result<NetworkCreateResponse> {
        self.json(n::create(options)?).await
    }

    /// `POST /networks/{id}/connect`: attaches a container, with optional endpoint
    /// settings (aliases, a static address).
    pub async fn connect_network(
        &self,
        network: &str,
        container: &str,
        endpoint: Option<&EndpointSettings>,
    ) -> Result<()> {
        self.empty(n::connect(network, container, endpoint)?).await
    }

    /// `POST /networks/{id}/disconnect`: detaches a container; `force` even when it is
    /// not running.
    pub async fn disconnect_network(
        &self,
        network: &str,
        container: &str,
        force: bool,
    ) -> Result<()> {
        self.empty(n::disconnect(network, container, force)?).await
    }

    /// `DELETE /networks/{id}`.
    pub async fn remove_network(&self, network: &str) -> Result<()> {
        self.empty(n::remove(network)?).await
    }

    /// `POST /networks/prune`: removes networks no container uses.
    pub async fn prune_networks(&self, filters: &PruneFilters) -> Result<NetworkPruneResponse> {
        self.json(n::prune(filters)).await
    }
}
