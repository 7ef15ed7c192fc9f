//! The tokio flavour.

use std::io;
use std::pin::Pin;
use std::task::{Context, Poll};

use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};

use crate::{Config, Error, Headers, Request, ResponseHead};

/// Sends requests over pooled connections. Cheap to clone; clones share one idle pool.
#[derive(Clone)]
pub struct Transport {}

impl Transport {
    /// A transport with an empty pool.
    pub fn new(config: Config) -> Transport {
        let _ = config;
        todo!()
    }

    /// The configuration in force.
    pub fn config(&self) -> &Config {
        todo!()
    }

    /// Sends `request` and returns once the response head arrived.
    pub async fn send(&self, request: Request) -> Result<Response, Error> {
        let _ = request;
        todo!()
    }
}

/// A response whose head arrived.
pub struct Response {}

impl Response {
    /// The status code.
    pub fn status(&self) -> u16 {
        todo!()
    }

    /// The headers.
    pub fn headers(&self) -> &Headers {
        todo!()
    }

    /// The whole head.
    pub fn head(&self) -> &ResponseHead {
        todo!()
    }

    /// The next body bytes, or `None` at the complete end.
    pub async fn next_chunk(&mut self) -> Result<Option<&[u8]>, Error> {
        todo!()
    }

    /// The whole body, capped.
    pub async fn bytes(self) -> Result<Vec<u8>, Error> {
        todo!()
    }

    /// The whole body, capped at `limit`.
    pub async fn bytes_limited(self, limit: usize) -> Result<Vec<u8>, Error> {
        let _ = limit;
        todo!()
    }

    /// The body as `AsyncRead`.
    pub fn into_async_read(self) -> BodyReader {
        todo!()
    }

    /// The body as a stream of owned chunks.
    pub fn into_stream(self) -> BodyStream {
        todo!()
    }

    /// The raw stream after an upgrade.
    pub async fn into_upgraded(self) -> Result<Upgraded, Error> {
        todo!()
    }

    /// A handle that stops this response from another task or thread.
    pub fn abort_handle(&self) -> AbortHandle {
        todo!()
    }
}

/// The body of a [`Response`] as `AsyncRead`.
pub struct BodyReader {}

impl AsyncRead for BodyReader {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let _ = (cx, buf);
        todo!()
    }
}

/// The body of a [`Response`] as a stream of owned chunks.
pub struct BodyStream {}

impl futures_core::Stream for BodyStream {
    type Item = Result<Vec<u8>, Error>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let _ = cx;
        todo!()
    }
}

/// Stops a response or an upgraded stream from another task or thread.
#[derive(Clone)]
pub struct AbortHandle {}

impl AbortHandle {
    /// Stops it.
    pub fn abort(&self) {
        todo!()
    }
}

/// A hijacked connection.
pub struct Upgraded {}

impl Upgraded {
    /// A handle that stops this stream from another task or thread.
    pub fn abort_handle(&self) -> AbortHandle {
        todo!()
    }
}

impl AsyncRead for Upgraded {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let _ = (cx, buf);
        todo!()
    }
}

impl AsyncWrite for Upgraded {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let _ = (cx, buf);
        todo!()
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let _ = cx;
        todo!()
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let _ = cx;
        todo!()
    }
}
