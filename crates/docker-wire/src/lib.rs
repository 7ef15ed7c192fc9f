//! Sans-IO HTTP/1.1 client codec for the Docker Engine API, with Docker's stream framings.
//!
//! This crate does no IO and reads no clock. It turns request heads into bytes, and bytes
//! read from a socket into response events. Opening sockets, timeouts, pooling and buffers
//! belong to the caller (`docker-transport` drives it over std and tokio).
//!
//! **In scope:** request encoding with injection checks; response decoding with
//! `Content-Length`, `chunked`, read-until-close, body-less responses, 1xx skipping,
//! `101`/hijack upgrades with the leftover bytes left in the caller's buffer, keep-alive
//! decisions; hard limits on everything a peer controls; Docker's multiplexed-stream and
//! line framings ([`frames`]); RFC 6455 WebSocket framing, client side, with the masking
//! key from the caller ([`websocket`]). For test peers and proxies, the server side of an
//! exchange: [`RequestDecoder`] decodes requests under the same rules and limits; and, for
//! tools that must put messages back together byte for byte, both decoders'
//! `decode_framed` reports the chunk framing ([`Chunk`]) that `decode` steps over.
//!
//! **Out of scope:** sockets, TLS, timers, randomness, compression, redirects (never
//! followed), HTTP/2, encoding responses.
//!
//! # The driving loop
//!
//! One [`ClientConn`] serves one exchange. The caller owns the input buffer and must drop
//! exactly `consumed` bytes from its front after every call, whatever the event:
//!
//! ```
//! use docker_wire::{ClientConn, Event, Limits, Method, RequestHead};
//!
//! # fn read_more(buf: &mut Vec<u8>, wire: &mut &[u8]) -> usize {
//! #     let n = wire.len().min(7); buf.extend_from_slice(&wire[..n]); *wire = &wire[n..]; n
//! # }
//! let mut wire: &[u8] = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nOK\r\n0\r\n\r\n";
//! let mut conn = ClientConn::new(Limits::default());
//! let mut out = Vec::new();
//! conn.send_request(&RequestHead::new(Method::Get, "/_ping", "docker"), &mut out)?;
//! // ... write `out` to the socket ...
//! let mut buf = Vec::new();
//! let mut body = Vec::new();
//! loop {
//!     let res = conn.decode(&buf)?;
//!     let consumed = res.consumed;
//!     match res.event {
//!         Event::NeedData => {
//!             if read_more(&mut buf, &mut wire) == 0 {
//!                 conn.handle_eof()?; // a truncated response is an error here
//!                 break;
//!             }
//!         }
//!         Event::Head(head) => assert_eq!(head.status, 200),
//!         Event::Body(bytes) => body.extend_from_slice(bytes),
//!         Event::End { reusable } => { assert!(reusable); break }
//!         Event::Upgraded => break, // `buf[consumed..]` is the start of the raw stream
//!     }
//!     buf.drain(..consumed);
//! }
//! assert_eq!(body, b"OK");
//! # Ok::<(), docker_wire::Error>(())
//! ```
//!
//! # Errors
//!
//! [`Error::Protocol`] (a response) and [`Error::BadRequest`] (a request) are the peer's
//! fault, [`Error::Misuse`] the caller's. Errors are sticky: a failed connection answers
//! every later call with the same error.
#![deny(missing_docs)]
#![forbid(unsafe_code)]

mod chunked;
mod conn;
mod error;
pub mod frames;
mod headers;
mod request;
mod server;
pub mod websocket;

pub use chunked::{Chunk, Framed};
pub use conn::{ClientConn, Decoded, Event, FramedDecoded, Limits};
pub use error::{Error, Misuse, ProtocolError, Stage};
pub use headers::{Headers, ResponseHead};
pub use request::{BodyKind, Method, RequestHead, Upgrade};
pub use server::{ReceivedRequest, RequestDecoded, RequestDecoder, RequestEvent};
