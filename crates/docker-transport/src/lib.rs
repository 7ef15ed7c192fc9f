//! Drives the [`docker_wire`] codec over Unix and TCP sockets: endpoints, a bounded
//! keep-alive pool, timeouts, request and response bodies, hijacked streams.
//!
//! Two flavours with the same names and semantics: `blocking` (default feature
//! `blocking`, std sockets, no threads spawned) and `tokio` (feature `tokio`). Each has its
//! own `Request` and `Body`, which differ only in the reader of a streamed body.
//!
//! ```no_run
//! use docker_transport::blocking::{Request, Transport};
//! use docker_transport::{Config, Endpoint, Method};
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
//! use docker_transport::tokio::{Request, Transport};
//! use docker_transport::{Config, Endpoint, Method};
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
//! **Bird's eye view.** A request goes in; a response comes out once its head has arrived;
//! its body is pulled on demand, zero-copy from the connection's read buffer. The HTTP
//! rules (framing, limits, keep-alive decisions) all live in `docker-wire`; this crate owns
//! what the codec leaves to its caller: sockets, buffers, clocks and pooling. Everything but
//! the sockets is shared by the two flavours and does no IO that may wait: it says which IO
//! it wants next, and a flavour does it and hands back the outcome, with the time.
//!
//! **Code map.**
//!
//! - `endpoint`, `config`, `request`, `error`: the public vocabulary, shared by both
//!   flavours ([`Endpoint`], [`Config`], [`Timeouts`], [`Request`], [`Body`], [`Error`]).
//!   [`Request`] and [`Body`] are generic over the reader of a streamed body; each flavour
//!   names its own (`blocking::Request`, `tokio::Request`), so a reader of the wrong
//!   flavour is a compile error.
//! - `drive`: the driving contract between the shared code and a flavour (documented
//!   there, once), and `Call`, one `Transport::send`: it takes a pooled connection or
//!   connects (resolving the host and trying each address in turn under one connect
//!   deadline), writes the request, pumps a streamed body as chunks, awaits the head, and
//!   decides the stale-connection retry.
//! - `exchange`: one request/response exchange on one connection. It encodes the request
//!   (head and an in-memory body into one buffer, so they leave in one write), runs the
//!   decode step, starts and checks every deadline against the flavour's `now`, maps every
//!   failure to [`Error`], enforces body caps, and hands a finished, reusable connection
//!   back to the pool. The response side (`next_chunk`, `bytes`, readers, `poll_chunk`,
//!   upgrades) is its `poll_*` methods.
//! - `pool`: the bounded idle pool, generic over the flavour's socket. Connections carry their
//!   buffers with them, so a reused connection allocates nothing. A connection is taken only
//!   if younger than [`Config::idle_expiry`] and a non-blocking one-byte read finds it open
//!   and quiet, however briefly it was idle: bytes a peer sends unasked would otherwise be
//!   read as the next answer.
//! - `buffer`: the per-connection read buffer, a `Vec` with start and end cursors. It is
//!   compacted before a read when the tail is short, and grows only while an incomplete head
//!   needs room, never past [`Limits::max_head_bytes`] plus one 64 KiB read.
//! - `blocking`, `tokio`: the flavours. Each holds its socket types, the resolve, connect,
//!   read, write and shutdown calls, the way it enforces a deadline (a socket timeout set
//!   only when it changes by more than 1%, or one `tokio::time::Sleep` kept per connection),
//!   abort handles and upgraded streams, and the short loops that do what the shared code
//!   wants.
//!
//! **Architecture invariant:** a rule about HTTP, pooling, deadlines, retries or errors
//! written in `blocking.rs` or `tokio.rs` is a bug: it belongs in `drive.rs`,
//! `exchange.rs` or `pool.rs`, where both flavours get it.
//!
//! **Architecture invariant:** only the flavours read the clock. The shared code takes
//! `now: Instant` on every call that needs the time (a wait starting, a deadline checked, a
//! connection pooled or taken), so its tests run on a clock moved by hand.
//!
//! **Architecture invariant:** a connection is reused only when the codec says the exchange
//! ended cleanly and reusably, no byte is left in its buffer, and no abort handle can reach
//! it. Every error, every unfinished drop and every upgrade closes it.
//!
//! # Deadlines
//!
//! [`Timeouts`] has four: connect (resolving and connecting, shared between the resolved
//! addresses), head (from the request being written to the response head; each write of
//! the request must also make progress within it), idle (between body reads) and total
//! (the whole call: connecting, writing, the head, the body and the retry together, so that
//! a peer trickling a body cannot hold a call). [`Request::streaming`] lifts idle and total,
//! so that long streams are bounded only by whoever reads them; [`Request::total_timeout`]
//! overrides total for one request. The system resolver of the blocking flavour takes no
//! deadline: a host name that takes long to resolve can overrun the connect and total
//! deadlines by the resolver's own timeout.
//!
//! # Retrying
//!
//! A pooled connection may have been closed by the engine just as it is reused. When no
//! response byte arrived, the method is idempotent and the body is in memory, the request is
//! sent once more on a fresh connection. Nothing else is retried.
#![cfg_attr(docsrs, feature(doc_cfg))]
#![deny(missing_docs)]
#![forbid(unsafe_code)]

/// `Debug` that names the type and shows nothing of what it holds (buffers, sockets).
macro_rules! opaque_debug {
    ($($t:ident),* $(,)?) => {$(
        impl std::fmt::Debug for $t {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.debug_struct(stringify!($t)).finish_non_exhaustive()
            }
        }
    )*};
}
pub(crate) use opaque_debug;

#[cfg(feature = "blocking")]
pub mod blocking;
mod buffer;
mod config;
mod drive;
mod endpoint;
mod error;
mod error_body;
mod exchange;
mod pool;
mod request;
mod ssh;
#[cfg(test)]
mod tests;
#[cfg(feature = "tls")]
mod tls;
#[cfg(not(feature = "tls"))]
#[path = "tls_off.rs"]
mod tls;
#[cfg(feature = "tokio")]
pub mod tokio;
mod trace;

pub use config::{Config, SshConfig, Timeouts};
pub use docker_wire::{Headers, Limits, Method, ResponseHead, Upgrade};
pub use endpoint::{Endpoint, SshEndpoint};
pub use error::{CertificateItem, ConnectFailure, Error, TimeoutKind, TlsProblem};
pub use error_body::ErrorBody;
pub use request::{Body, Request};
#[cfg(feature = "tls")]
pub use tls::{Pem, Tls, TlsOptions};
