//! A Docker Engine API client: blocking and tokio flavours over one sans-IO HTTP/1.1 codec.
//!
//! - [`blocking::Client`] (feature `blocking`, default) uses std sockets: no runtime, no
//!   threads (except the reader thread of an event watcher or inventory), and tokio is not
//!   even compiled.
//! - [`tokio::Client`] (feature `tokio`) has the same methods, returning futures.
//!
//! Both are [`Client<F>`](Client) for a [`Flavour`] `F`: each endpoint is one method,
//! written once, whose return type [`Flavour::Out`] is `Result<T>` in the blocking flavour
//! and a future of `Result<T>` in the tokio flavour.
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
//!     let top = client.top_container(&c.id, None)?;
//!     for p in top.entries()? {
//!         println!("{} {} {}", c.id, p.pid, p.command);
//!     }
//! }
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! Method names follow one rule: the action, then the object it acts on, as the Docker CLI
//! says `docker <object> <action>` (`docker container top` is [`Client::top_container`],
//! `docker image history` is [`Client::history_image`]); calls on the engine as a whole
//! have no object ([`Client::ping`], [`Client::info`], [`Client::events`]).
#![cfg_attr(docsrs, feature(doc_cfg))]
#![deny(missing_docs)]
#![forbid(unsafe_code)]

// The area modules (archive, build, containers, exec, images, networks, plugins, system,
// volumes, and swarm to come) each hold the endpoints of one area of the API and their
// options; everything public in them is public here.

mod archive;
mod auth;
mod base64;
#[cfg(feature = "blocking")]
pub mod blocking;
mod build;
mod call;
mod client;
mod containers;
mod context;
#[cfg(feature = "dispatch")]
pub mod dispatch;
mod error;
mod exec;
mod flavour;
mod images;
mod networks;
mod options;
mod output;
mod path;
mod plugins;
mod security;
mod session;
mod stream;
mod swarm;
mod system;
#[cfg(feature = "tokio")]
pub mod tokio;
mod trace;
mod version;
mod volumes;
mod watch;
mod websocket;

pub use docker_models as models;
pub use docker_transport::{
    CertificateItem, ConnectFailure, Endpoint, Headers, Method, ResponseHead, SshEndpoint,
    Timeouts, TlsProblem,
};

pub use archive::*;
pub use auth::{image_registry, DockerConfig};
pub use build::*;
pub use client::{Client, ClientBuilder};
pub use containers::*;
pub use context::{
    ContextSelector, ContextStore, DockerContext, EndpointChoice, EndpointSource, NewContext,
    CONTEXT_NAME_PATTERN, DEFAULT_CONTEXT, FALLBACK_SOCKETS,
};
pub use error::{Error, Result, TimeoutKind, TransportError};
pub use exec::*;
#[cfg(feature = "blocking")]
pub use flavour::Blocking;
#[cfg(feature = "tokio")]
pub use flavour::Tokio;
pub use flavour::{Flavour, Upload};
pub use images::*;
pub use networks::*;
pub use options::PruneFilters;
pub use output::{LogChunk, OutputStream};
pub use plugins::*;
pub use session::{AttachInput, AttachSession};
pub use stream::Items;
pub use system::*;
pub use version::ApiVersion;
pub use volumes::*;
pub use watch::{
    Backoff, ContainerEntry, ContainerInventory, EventWatcher, InventoryChange, InventoryOptions,
    ResyncReason, RunState, WatchConfig, WatchItem,
};
pub use websocket::{WsOutput, WsSession};

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
