//! The image, network, volume, system and login calls of both flavours behind one trait,
//! so that every test runs against each of them.

use std::path::Path;

use docker_client::models::{
    AuthConfig, AuthResponse, EndpointSettings, ImageDeleteResponseItem, ImageHistoryItem,
    ImageInspect, ImagePruneResponse, ImageSummary, NetworkCreateResponse, NetworkInspect,
    NetworkPruneResponse, ProgressMessage, SystemDf, Volume, VolumeListResponse,
    VolumePruneResponse,
};
use docker_client::{
    blocking, tokio as tk, CreateNetworkOptions, CreateVolumeOptions, Endpoint, ImportImageOptions,
    ListImagesOptions, ListNetworksOptions, ListVolumesOptions, PruneFilters, PullImageOptions,
    PushImageOptions, RemoveImageOptions, Result,
};

/// The calls of images.rs, networks.rs, volumes.rs and system.rs, in each flavour.
pub(crate) trait ObjectsApi {
    fn name(&self) -> &'static str;
    fn list_images(&self, o: &ListImagesOptions) -> Result<Vec<ImageSummary>>;
    fn inspect_image(&self, name: &str) -> Result<ImageInspect>;
    fn image_history(&self, name: &str) -> Result<Vec<ImageHistoryItem>>;
    fn tag_image(&self, name: &str, target: &str) -> Result<()>;
    fn remove_image(
        &self,
        name: &str,
        o: RemoveImageOptions,
    ) -> Result<Vec<ImageDeleteResponseItem>>;
    fn prune_images(&self, f: &PruneFilters) -> Result<ImagePruneResponse>;
    /// Every item of the pull's progress stream, errors included.
    fn pull_items(&self, r: &str, o: &PullImageOptions) -> Result<Vec<Result<ProgressMessage>>>;
    /// `pull_image(..)?.wait()`.
    fn pull_wait(&self, r: &str, o: &PullImageOptions) -> Result<()>;
    /// Every item of the push's progress stream, errors included.
    fn push_items(&self, r: &str, o: &PushImageOptions) -> Result<Vec<Result<ProgressMessage>>>;
    /// `push_image(..)?.wait()`.
    fn push_wait(&self, r: &str, o: &PushImageOptions) -> Result<()>;
    /// `import_image(..)?.finish()`.
    fn import_image(&self, tar: Vec<u8>, o: &ImportImageOptions) -> Result<Vec<ProgressMessage>>;
    /// `load_images(..)?.finish()`.
    fn load_images(&self, tar: Vec<u8>, quiet: bool) -> Result<Vec<ProgressMessage>>;
    /// The whole tar of `save_images`.
    fn save_images(&self, names: &[&str]) -> Result<Vec<u8>>;

    fn list_networks(&self, o: &ListNetworksOptions) -> Result<Vec<NetworkInspect>>;
    fn create_network(&self, o: &CreateNetworkOptions) -> Result<NetworkCreateResponse>;
    fn inspect_network(&self, id: &str) -> Result<NetworkInspect>;
    fn connect_network(&self, id: &str, c: &str, e: Option<&EndpointSettings>) -> Result<()>;
    fn disconnect_network(&self, id: &str, c: &str, force: bool) -> Result<()>;
    fn remove_network(&self, id: &str) -> Result<()>;
    fn prune_networks(&self, f: &PruneFilters) -> Result<NetworkPruneResponse>;

    fn list_volumes(&self, o: &ListVolumesOptions) -> Result<VolumeListResponse>;
    fn create_volume(&self, o: &CreateVolumeOptions) -> Result<Volume>;
    fn inspect_volume(&self, name: &str) -> Result<Volume>;
    fn remove_volume(&self, name: &str, force: bool) -> Result<()>;
    fn prune_volumes(&self, f: &PruneFilters) -> Result<VolumePruneResponse>;

    fn df(&self) -> Result<SystemDf>;
    fn login(&self, auth: &AuthConfig) -> Result<AuthResponse>;
}

impl ObjectsApi for blocking::Client {
    fn name(&self) -> &'static str {
        "blocking"
    }
    fn list_images(&self, o: &ListImagesOptions) -> Result<Vec<ImageSummary>> {
        blocking::Client::list_images(self, o)
    }
    fn inspect_image(&self, name: &str) -> Result<ImageInspect> {
        blocking::Client::inspect_image(self, name)
    }
    fn image_history(&self, name: &str) -> Result<Vec<ImageHistoryItem>> {
        blocking::Client::image_history(self, name)
    }
    fn tag_image(&self, name: &str, target: &str) -> Result<()> {
        blocking::Client::tag_image(self, name, target)
    }
    fn remove_image(
        &self,
        name: &str,
        o: RemoveImageOptions,
    ) -> Result<Vec<ImageDeleteResponseItem>> {
        blocking::Client::remove_image(self, name, o)
    }
    fn prune_images(&self, f: &PruneFilters) -> Result<ImagePruneResponse> {
        blocking::Client::prune_images(self, f)
    }
    fn pull_items(&self, r: &str, o: &PullImageOptions) -> Result<Vec<Result<ProgressMessage>>> {
        Ok(blocking::Client::pull_image(self, r, o)?.collect())
    }
    fn pull_wait(&self, r: &str, o: &PullImageOptions) -> Result<()> {
        blocking::Client::pull_image(self, r, o)?.wait()
    }
    fn push_items(&self, r: &str, o: &PushImageOptions) -> Result<Vec<Result<ProgressMessage>>> {
        Ok(blocking::Client::push_image(self, r, o)?.collect())
    }
    fn push_wait(&self, r: &str, o: &PushImageOptions) -> Result<()> {
        blocking::Client::push_image(self, r, o)?.wait()
    }
    fn import_image(&self, tar: Vec<u8>, o: &ImportImageOptions) -> Result<Vec<ProgressMessage>> {
        blocking::Client::import_image(self, std::io::Cursor::new(tar), o)?.finish()
    }
    fn load_images(&self, tar: Vec<u8>, quiet: bool) -> Result<Vec<ProgressMessage>> {
        blocking::Client::load_images(self, std::io::Cursor::new(tar), quiet)?.finish()
    }
    fn save_images(&self, names: &[&str]) -> Result<Vec<u8>> {
        use std::io::Read;
        let mut out = Vec::new();
        blocking::Client::save_images(self, names)?
            .read_to_end(&mut out)
            .map_err(|e| docker_client::Error::Stream {
                message: e.to_string(),
            })?;
        Ok(out)
    }
    fn list_networks(&self, o: &ListNetworksOptions) -> Result<Vec<NetworkInspect>> {
        blocking::Client::list_networks(self, o)
    }
    fn create_network(&self, o: &CreateNetworkOptions) -> Result<NetworkCreateResponse> {
        blocking::Client::create_network(self, o)
    }
    fn inspect_network(&self, id: &str) -> Result<NetworkInspect> {
        blocking::Client::inspect_network(self, id)
    }
    fn connect_network(&self, id: &str, c: &str, e: Option<&EndpointSettings>) -> Result<()> {
        blocking::Client::connect_network(self, id, c, e)
    }
    fn disconnect_network(&self, id: &str, c: &str, force: bool) -> Result<()> {
        blocking::Client::disconnect_network(self, id, c, force)
    }
    fn remove_network(&self, id: &str) -> Result<()> {
        blocking::Client::remove_network(self, id)
    }
    fn prune_networks(&self, f: &PruneFilters) -> Result<NetworkPruneResponse> {
        blocking::Client::prune_networks(self, f)
    }
    fn list_volumes(&self, o: &ListVolumesOptions) -> Result<VolumeListResponse> {
        blocking::Client::list_volumes(self, o)
    }
    fn create_volume(&self, o: &CreateVolumeOptions) -> Result<Volume> {
        blocking::Client::create_volume(self, o)
    }
    fn inspect_volume(&self, name: &str) -> Result<Volume> {
        blocking::Client::inspect_volume(self, name)
    }
    fn remove_volume(&self, name: &str, force: bool) -> Result<()> {
        blocking::Client::remove_volume(self, name, force)
    }
    fn prune_volumes(&self, f: &PruneFilters) -> Result<VolumePruneResponse> {
        blocking::Client::prune_volumes(self, f)
    }
    fn df(&self) -> Result<SystemDf> {
        blocking::Client::df(self)
    }
    fn login(&self, auth: &AuthConfig) -> Result<AuthResponse> {
        blocking::Client::login(self, auth)
    }
}

/// The tokio client on its own current-thread runtime.
pub(crate) struct TokioObjects {
    client: tk::Client,
    rt: tokio::runtime::Runtime,
}

impl TokioObjects {
    pub(crate) fn new(client: tk::Client) -> TokioObjects {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        TokioObjects { client, rt }
    }
}

impl ObjectsApi for TokioObjects {
    fn name(&self) -> &'static str {
        "tokio"
    }
    fn list_images(&self, o: &ListImagesOptions) -> Result<Vec<ImageSummary>> {
        self.rt.block_on(self.client.list_images(o))
    }
    fn inspect_image(&self, name: &str) -> Result<ImageInspect> {
        self.rt.block_on(self.client.inspect_image(name))
    }
    fn image_history(&self, name: &str) -> Result<Vec<ImageHistoryItem>> {
        self.rt.block_on(self.client.image_history(name))
    }
    fn tag_image(&self, name: &str, target: &str) -> Result<()> {
        self.rt.block_on(self.client.tag_image(name, target))
    }
    fn remove_image(
        &self,
        name: &str,
        o: RemoveImageOptions,
    ) -> Result<Vec<ImageDeleteResponseItem>> {
        self.rt.block_on(self.client.remove_image(name, o))
    }
    fn prune_images(&self, f: &PruneFilters) -> Result<ImagePruneResponse> {
        self.rt.block_on(self.client.prune_images(f))
    }
    fn pull_items(&self, r: &str, o: &PullImageOptions) -> Result<Vec<Result<ProgressMessage>>> {
        self.rt.block_on(async {
            let mut progress = self.client.pull_image(r, o).await?;
            let mut items = Vec::new();
            while let Some(item) = progress.next_message().await {
                items.push(item);
            }
            Ok(items)
        })
    }
    fn pull_wait(&self, r: &str, o: &PullImageOptions) -> Result<()> {
        self.rt
            .block_on(async { self.client.pull_image(r, o).await?.wait().await })
    }
    fn push_items(&self, r: &str, o: &PushImageOptions) -> Result<Vec<Result<ProgressMessage>>> {
        self.rt.block_on(async {
            let mut progress = self.client.push_image(r, o).await?;
            let mut items = Vec::new();
            while let Some(item) = progress.next_message().await {
                items.push(item);
            }
            Ok(items)
        })
    }
    fn push_wait(&self, r: &str, o: &PushImageOptions) -> Result<()> {
        self.rt
            .block_on(async { self.client.push_image(r, o).await?.wait().await })
    }
    fn import_image(&self, tar: Vec<u8>, o: &ImportImageOptions) -> Result<Vec<ProgressMessage>> {
        self.rt.block_on(async {
            let tar = std::io::Cursor::new(tar);
            self.client.import_image(tar, o).await?.finish().await
        })
    }
    fn load_images(&self, tar: Vec<u8>, quiet: bool) -> Result<Vec<ProgressMessage>> {
        self.rt.block_on(async {
            let tar = std::io::Cursor::new(tar);
            self.client.load_images(tar, quiet).await?.finish().await
        })
    }
    fn save_images(&self, names: &[&str]) -> Result<Vec<u8>> {
        use tokio::io::AsyncReadExt;
        self.rt.block_on(async {
            let mut out = Vec::new();
            self.client
                .save_images(names)
                .await?
                .read_to_end(&mut out)
                .await
                .map_err(|e| docker_client::Error::Stream {
                    message: e.to_string(),
                })?;
            Ok(out)
        })
    }
    fn list_networks(&self, o: &ListNetworksOptions) -> Result<Vec<NetworkInspect>> {
        self.rt.block_on(self.client.list_networks(o))
    }
    fn create_network(&self, o: &CreateNetworkOptions) -> Result<NetworkCreateResponse> {
        self.rt.block_on(self.client.create_network(o))
    }
    fn inspect_network(&self, id: &str) -> Result<NetworkInspect> {
        self.rt.block_on(self.client.inspect_network(id))
    }
    fn connect_network(&self, id: &str, c: &str, e: Option<&EndpointSettings>) -> Result<()> {
        self.rt.block_on(self.client.connect_network(id, c, e))
    }
    fn disconnect_network(&self, id: &str, c: &str, force: bool) -> Result<()> {
        self.rt
            .block_on(self.client.disconnect_network(id, c, force))
    }
    fn remove_network(&self, id: &str) -> Result<()> {
        self.rt.block_on(self.client.remove_network(id))
    }
    fn prune_networks(&self, f: &PruneFilters) -> Result<NetworkPruneResponse> {
        self.rt.block_on(self.client.prune_networks(f))
    }
    fn list_volumes(&self, o: &ListVolumesOptions) -> Result<VolumeListResponse> {
        self.rt.block_on(self.client.list_volumes(o))
    }
    fn create_volume(&self, o: &CreateVolumeOptions) -> Result<Volume> {
        self.rt.block_on(self.client.create_volume(o))
    }
    fn inspect_volume(&self, name: &str) -> Result<Volume> {
        self.rt.block_on(self.client.inspect_volume(name))
    }
    fn remove_volume(&self, name: &str, force: bool) -> Result<()> {
        self.rt.block_on(self.client.remove_volume(name, force))
    }
    fn prune_volumes(&self, f: &PruneFilters) -> Result<VolumePruneResponse> {
        self.rt.block_on(self.client.prune_volumes(f))
    }
    fn df(&self) -> Result<SystemDf> {
        self.rt.block_on(self.client.df())
    }
    fn login(&self, auth: &AuthConfig) -> Result<AuthResponse> {
        self.rt.block_on(self.client.login(auth))
    }
}

/// Both flavours for `endpoint`, pinned to `version` when given.
pub(crate) fn objects(endpoint: &Endpoint, version: Option<&str>) -> Vec<Box<dyn ObjectsApi>> {
    let mut b = blocking::Client::builder().endpoint(endpoint.clone());
    let mut t = tk::Client::builder().endpoint(endpoint.clone());
    if let Some(v) = version {
        b = b.api_version(v);
        t = t.api_version(v);
    }
    vec![
        Box::new(b.build().unwrap()),
        Box::new(TokioObjects::new(t.build().unwrap())),
    ]
}

/// Both flavours on the fake engine at `socket`, pinned to API 1.41.
pub(crate) fn objects_on(socket: &Path) -> Vec<Box<dyn ObjectsApi>> {
    objects(&Endpoint::Unix(socket.to_owned()), Some("1.41"))
}

/// `df`, retried while another disk-usage operation runs: engines before 23.0 refuse a
/// second one at the same time ("a disk usage operation is already running").
pub(crate) fn df_when_free(api: &dyn ObjectsApi) -> SystemDf {
    for _ in 0..100 {
        match api.df() {
            Err(e) if e.message().is_some_and(|m| m.contains("already running")) => {
                std::thread::sleep(std::time::Duration::from_millis(100))
            }
            other => return other.unwrap(),
        }
    }
    panic!("{}: df stayed busy for 10 s", api.name())
}
