//! Both flavours behind one trait, so that every test runs against each of them.

use std::path::Path;
use std::time::Duration;

use docker_client::models::{
    ContainerInspect, ContainerSummary, ContainerTop, EventMessage, FileChange, ImageInspect,
    NetworkInspect, Ping, SystemInfo, SystemVersion,
};
use docker_client::{
    blocking, tokio as tk, ApiVersion, EventsOptions, ListContainersOptions, Method, Result,
};

/// The table of the client's public API, implemented by each flavour.
pub(crate) trait Api {
    fn name(&self) -> &'static str;
    fn api_version(&self) -> Result<ApiVersion>;
    fn ping(&self) -> Result<Ping>;
    fn version(&self) -> Result<SystemVersion>;
    fn info(&self) -> Result<SystemInfo>;
    fn list_containers(&self, o: &ListContainersOptions) -> Result<Vec<ContainerSummary>>;
    fn inspect_container(&self, id: &str) -> Result<ContainerInspect>;
    fn inspect_image(&self, name: &str) -> Result<ImageInspect>;
    fn inspect_network(&self, id: &str) -> Result<NetworkInspect>;
    fn container_top(&self, id: &str, ps_args: Option<&str>) -> Result<ContainerTop>;
    fn container_diff(&self, id: &str) -> Result<Vec<FileChange>>;
    fn kill_container(&self, id: &str, signal: Option<&str>) -> Result<()>;
    fn restart_container(&self, id: &str, t: Option<Duration>) -> Result<()>;
    /// Collects the event stream until it ends or `max` events arrived.
    fn events(&self, o: &EventsOptions, max: usize) -> Result<Vec<Result<EventMessage>>>;
    /// Status and body of a raw request.
    fn request(&self, method: Method, path: &str, query: &[(&str, &str)])
        -> Result<(u16, Vec<u8>)>;
}

impl Api for blocking::Client {
    fn name(&self) -> &'static str {
        "blocking"
    }
    fn api_version(&self) -> Result<ApiVersion> {
        blocking::Client::api_version(self)
    }
    fn ping(&self) -> Result<Ping> {
        blocking::Client::ping(self)
    }
    fn version(&self) -> Result<SystemVersion> {
        blocking::Client::version(self)
    }
    fn info(&self) -> Result<SystemInfo> {
        blocking::Client::info(self)
    }
    fn list_containers(&self, o: &ListContainersOptions) -> Result<Vec<ContainerSummary>> {
        blocking::Client::list_containers(self, o)
    }
    fn inspect_container(&self, id: &str) -> Result<ContainerInspect> {
        blocking::Client::inspect_container(self, id)
    }
    fn inspect_image(&self, name: &str) -> Result<ImageInspect> {
        blocking::Client::inspect_image(self, name)
    }
    fn inspect_network(&self, id: &str) -> Result<NetworkInspect> {
        blocking::Client::inspect_network(self, id)
    }
    fn container_top(&self, id: &str, ps_args: Option<&str>) -> Result<ContainerTop> {
        blocking::Client::container_top(self, id, ps_args)
    }
    fn container_diff(&self, id: &str) -> Result<Vec<FileChange>> {
        blocking::Client::container_diff(self, id)
    }
    fn kill_container(&self, id: &str, signal: Option<&str>) -> Result<()> {
        blocking::Client::kill_container(self, id, signal)
    }
    fn restart_container(&self, id: &str, t: Option<Duration>) -> Result<()> {
        blocking::Client::restart_container(self, id, t)
    }
    fn events(&self, o: &EventsOptions, max: usize) -> Result<Vec<Result<EventMessage>>> {
        Ok(blocking::Client::events(self, o)?.take(max).collect())
    }
    fn request(
        &self,
        method: Method,
        path: &str,
        query: &[(&str, &str)],
    ) -> Result<(u16, Vec<u8>)> {
        let res = blocking::Client::request(self, method, path, query, None)?;
        let status = res.status();
        Ok((status, res.bytes()?))
    }
}

/// The tokio client with a current-thread runtime to drive it.
pub(crate) struct Tokio {
    client: tk::Client,
    rt: tokio::runtime::Runtime,
}

impl Tokio {
    pub(crate) fn new(client: tk::Client) -> Tokio {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        Tokio { client, rt }
    }
}

impl Api for Tokio {
    fn name(&self) -> &'static str {
        "tokio"
    }
    fn api_version(&self) -> Result<ApiVersion> {
        self.rt.block_on(self.client.api_version())
    }
    fn ping(&self) -> Result<Ping> {
        self.rt.block_on(self.client.ping())
    }
    fn version(&self) -> Result<SystemVersion> {
        self.rt.block_on(self.client.version())
    }
    fn info(&self) -> Result<SystemInfo> {
        self.rt.block_on(self.client.info())
    }
    fn list_containers(&self, o: &ListContainersOptions) -> Result<Vec<ContainerSummary>> {
        self.rt.block_on(self.client.list_containers(o))
    }
    fn inspect_container(&self, id: &str) -> Result<ContainerInspect> {
        self.rt.block_on(self.client.inspect_container(id))
    }
    fn inspect_image(&self, name: &str) -> Result<ImageInspect> {
        self.rt.block_on(self.client.inspect_image(name))
    }
    fn inspect_network(&self, id: &str) -> Result<NetworkInspect> {
        self.rt.block_on(self.client.inspect_network(id))
    }
    fn container_top(&self, id: &str, ps_args: Option<&str>) -> Result<ContainerTop> {
        self.rt.block_on(self.client.container_top(id, ps_args))
    }
    fn container_diff(&self, id: &str) -> Result<Vec<FileChange>> {
        self.rt.block_on(self.client.container_diff(id))
    }
    fn kill_container(&self, id: &str, signal: Option<&str>) -> Result<()> {
        self.rt.block_on(self.client.kill_container(id, signal))
    }
    fn restart_container(&self, id: &str, t: Option<Duration>) -> Result<()> {
        self.rt.block_on(self.client.restart_container(id, t))
    }
    fn events(&self, o: &EventsOptions, max: usize) -> Result<Vec<Result<EventMessage>>> {
        self.rt.block_on(async {
            let mut events = self.client.events(o).await?;
            let mut out = Vec::new();
            while out.len() < max {
                match std::future::poll_fn(|cx| {
                    futures_core::Stream::poll_next(std::pin::Pin::new(&mut events), cx)
                })
                .await
                {
                    Some(item) => out.push(item),
                    None => break,
                }
            }
            Ok(out)
        })
    }
    fn request(
        &self,
        method: Method,
        path: &str,
        query: &[(&str, &str)],
    ) -> Result<(u16, Vec<u8>)> {
        self.rt.block_on(async {
            let res = self.client.request(method, path, query, None).await?;
            let status = res.status();
            Ok((status, res.bytes().await?))
        })
    }
}

/// Both flavours on the socket at `path`, built the same way.
pub(crate) fn both(path: &Path) -> Vec<Box<dyn Api>> {
    let b = blocking::Client::builder()
        .endpoint(docker_client::Endpoint::Unix(path.to_owned()))
        .build()
        .unwrap();
    let t = tk::Client::builder()
        .endpoint(docker_client::Endpoint::Unix(path.to_owned()))
        .build()
        .unwrap();
    vec![Box::new(b), Box::new(Tokio::new(t))]
}

/// Both flavours pinned to `version`.
pub(crate) fn both_pinned(path: &Path, version: &str) -> Vec<Box<dyn Api>> {
    let b = blocking::Client::builder()
        .endpoint(docker_client::Endpoint::Unix(path.to_owned()))
        .api_version(version)
        .build()
        .unwrap();
    let t = tk::Client::builder()
        .endpoint(docker_client::Endpoint::Unix(path.to_owned()))
        .api_version(version)
        .build()
        .unwrap();
    vec![Box::new(b), Box::new(Tokio::new(t))]
}
