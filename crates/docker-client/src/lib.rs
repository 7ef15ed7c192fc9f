//! A Docker Engine API client: blocking and tokio flavours over one sans-IO HTTP/1.1 codec.
//!
//! - [`blocking::Client`] (feature `blocking`, default) uses std sockets: no runtime, no
//!   threads (except the reader thread of an event watcher or inventory), and tokio is not
//!   even compiled.
//! - [`tokio::Client`] (feature `tokio`) has the same methods, `async`.
//!
//! Both negotiate the API version lazily, once per client, the way the Go client does
//! (`min(client max, engine version)`; see [`ApiVersion`]), unless `DOCKER_API_VERSION` or
//! the builder pins one. Every error is one [`Error`]; IDs and names are validated and
//! percent-encoded so that no input can reach another endpoint; redirects are never followed.
//!
//! ```no_run
//! use docker_client::blocking::Client;
//! use docker_client::ListContainersOptions;
//!
//! let client = Client::from_env()?;
//! for c in client.list_containers(&ListContainersOptions::default())? {
//!     let top = client.container_top(&c.id, None)?;
//!     for p in top.entries()? {
//!         println!("{} {} {}", c.id, p.pid, p.command);
//!     }
//! }
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
#![deny(missing_docs)]
#![forbid(unsafe_code)]

mod auth;
mod base64;
#[cfg(feature = "blocking")]
pub mod blocking;
mod call;
mod client;
mod containers;
mod error;
mod images;
mod networks;
mod options;
mod path;
mod system;
#[cfg(feature = "tokio")]
pub mod tokio;
mod version;
mod volumes;
mod watch;

pub use docker_models as models;
pub use docker_transport::{
    ConnectFailure, Endpoint, Headers, Method, ResponseHead, TimeoutKind, Timeouts,
};

pub use auth::{image_registry, ConfigError, DockerConfig};
pub use client::ClientBuilder;
pub use containers::{
    AttachOptions, LogChunk, LogsOptions, OutputStream, PathStat, PruneFilters,
    RemoveContainerOptions, WaitCondition,
};
pub use error::{Error, Result};
pub use images::{
    ImportImageOptions, ListImagesOptions, PullImageOptions, PushImageOptions, RemoveImageOptions,
};
pub use networks::{CreateNetworkOptions, ListNetworksOptions};
pub use options::{EventsOptions, ListContainersOptions};
pub use version::ApiVersion;
pub use volumes::{CreateVolumeOptions, ListVolumesOptions};
pub use watch::{
    Backoff, ContainerEntry, InventoryChange, InventoryOptions, ResyncReason, RunState,
    WatchConfig, WatchItem,
};

/// Percent-encodes `text` as one path segment, the way the client encodes IDs and names,
/// for paths given to `request`. It does not validate: `..` stays `..`.
///
/// ```
/// assert_eq!(docker_client::encode_path_segment("a/b c"), "a%2Fb%20c");
/// assert_eq!(docker_client::encode_path_segment("bb:latest"), "bb:latest");
/// ```
pub fn encode_path_segment(text: &str) -> String {
    path::encode_segment(text)
}
