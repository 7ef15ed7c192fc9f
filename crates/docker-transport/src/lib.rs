//! Drives the `docker-wire` codec over Unix and TCP sockets: endpoints, pooling, timeouts,
//! bodies. Two flavours, [`blocking`] (default feature) and [`tokio`] (feature `tokio`).
#![deny(missing_docs)]
#![forbid(unsafe_code)]

#[cfg(feature = "blocking")]
pub mod blocking;
mod buffer;
mod config;
mod endpoint;
mod error;
mod exchange;
mod pool;
mod request;
#[cfg(feature = "tokio")]
pub mod tokio;

pub use config::{Config, Timeouts};
pub use docker_wire::{Headers, Limits, Method, ResponseHead, Upgrade};
pub use endpoint::Endpoint;
pub use error::{ConnectFailure, Error, TimeoutKind};
pub use request::{Body, Request};
