//! Drives the [`docker_wire`] codec over Unix and TCP sockets: endpoints, a bounded
//! keep-alive pool, timeouts, request and response bodies, hijacked streams.
//!
//! Two flavours with the same names and semantics: `blocking` (default feature
//! `blocking`, std sockets, no threads spawned) and `tokio` (feature `tokio`).
//!
//! ```no_run
//! use docker_transport::{blocking::Transport, Config, Endpoint, Method, Request};
//!
//! let transport = Transport::new(Config::new(Endpoint::from_env()?));
//! let res = transport.send(Request::new(Method::Get, "/version"))?;
//! println!("{} {}", res.status(), String::from_utf8_lossy(&res.bytes()?));
//! # Ok::<(), docker_transport::Error>(())
//! ```
//!
//! ```no_run
//! # #[cfg(feature = "tokio")]
//! # async fn run() -> Result<(), docker_transport::Error> {
//! use docker_transport::{tokio::Transport, Config, Endpoint, Method, Request};
//!
//! let transport = Transport::new(Config::new(Endpoint::from_env()?));
//! let mut events = transport.send(Request::new(Method::Get, "/events").streaming()).await?;
//! while let Some(bytes) = events.next_chunk().await? {
//!     println!("{}", String::from_utf8_lossy(bytes));
//! }
//! # Ok(())
//! # }
//! ```
//!
//! # Architecture
//!
//! **Bird's eye view.** A [`Request`] goes in; a response comes out once its head has
//! arrived; its body is pulled on demand, zero-copy from the connection's read buffer. The
//! HTTP rules (framing, limits, keep-alive decisions) all live in `docker-wire`; this crate
//! owns what the codec leaves to its caller: sockets, buffers, clocks and pooling.
//!
//! **Code map.**
//!
//! - `endpoint`, `config`, `request`, `error`: the public vocabulary, shared by both
//!   flavours ([`Endpoint`], [`Config`], [`Timeouts`], [`Request`], [`Body`], [`Error`]).
//! - `buffer`: the per-connection read buffer, a `Vec` with start and end cursors. It is
//!   compacted before a read when the tail is short, and grows only while an incomplete head
//!   needs room, never past [`Limits::max_head_bytes`] plus one 64 KiB read.
//! - `pool`: the bounded idle pool, generic over the flavour's socket. Connections carry their
//!   buffers with them, so a reused connection allocates nothing. A connection is taken only
//!   if younger than [`Config::idle_expiry`] and a non-blocking one-byte read finds it open
//!   and quiet. That probe is skipped for a request the stale retry covers (below) on a
//!   connection idle for under a second, so back-to-back requests pay no system call for it.
//! - `exchange`: one request/response exchange, generic over the socket. It encodes the
//!   request (head and an in-memory body into one buffer, so they leave in one write), runs
//!   the decode step, computes deadlines, maps every failure to [`Error`], enforces body
//!   caps, decides the stale-connection retry, and hands a finished, reusable connection back
//!   to the pool.
//! - `blocking`, `tokio`: the sockets, connecting, and the only code that differs between
//!   the flavours: a short loop that writes the encoded bytes, then alternates "decode a
//!   step" and "read into the spare room", each read bounded by the current deadline
//!   (`set_read_timeout` in one, a `tokio::time::Sleep` kept per connection in the other).
//!
//! **Architecture invariant:** the flavours share everything but their read and write
//! calls. A rule about HTTP, pooling, deadlines or errors written in `blocking.rs` or
//! `tokio.rs` is a bug: it belongs in `exchange.rs` or `pool.rs`, where both get it.
//!
//! **Architecture invariant:** a connection is reused only when the codec says the exchange
//! ended cleanly and reusably, no byte is left in its buffer, and no abort handle can reach
//! it. Every error, every unfinished drop and every upgrade closes it.
//!
//! # Deadlines
//!
//! [`Timeouts`] has three: connect, head (from the request being written to the response
//! head) and idle (between body reads; lifted by [`Request::streaming`]). There is no total
//! timeout, so that long streams are bounded only by silence.
//!
//! # Retrying
//!
//! A pooled connection may have been closed by the engine just as it is reused. When no
//! response byte arrived, the method is idempotent and the body is in memory, the request is
//! sent once more on a fresh connection. Nothing else is retried.
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
#[cfg(test)]
mod tests;
#[cfg(feature = "tokio")]
pub mod tokio;

pub use config::{Config, Timeouts};
pub use docker_wire::{Headers, Limits, Method, ResponseHead, Upgrade};
pub use endpoint::Endpoint;
pub use error::{ConnectFailure, Error, TimeoutKind};
pub use request::{Body, Request};
