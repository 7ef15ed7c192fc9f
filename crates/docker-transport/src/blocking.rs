//! The blocking flavour, over std `UnixStream` and `TcpStream`. No threads are spawned.

use std::io::{self, Read, Write};

use crate::{Config, Error, Headers, Request, ResponseHead};

/// Sends requests over pooled connections. Cheap to clone; clones share one idle pool.
///
/// ```no_run
/// use docker_transport::{blocking::Transport, Config, Endpoint, Method, Request};
///
/// let transport = Transport::new(Config::new(Endpoint::from_env()?));
/// let res = transport.send(Request::new(Method::Get, "/_ping"))?;
/// assert_eq!(res.status(), 200);
/// assert_eq!(res.bytes()?, b"OK");
/// # Ok::<(), docker_transport::Error>(())
/// ```
#[derive(Clone)]
pub struct Transport {}

impl Transport {
    /// A transport with an empty pool. Nothing is opened until the first request.
    pub fn new(config: Config) -> Transport {
        let _ = config;
        todo!()
    }

    /// The configuration in force.
    pub fn config(&self) -> &Config {
        todo!()
    }

    /// Sends `request` and returns once the response head arrived.
    pub fn send(&self, request: Request) -> Result<Response, Error> {
        let _ = request;
        todo!()
    }
}

/// A response whose head arrived; the body is read on demand.
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
    pub fn next_chunk(&mut self) -> Result<Option<&[u8]>, Error> {
        todo!()
    }

    /// The whole body, capped.
    pub fn bytes(self) -> Result<Vec<u8>, Error> {
        todo!()
    }

    /// The whole body, capped at `limit`.
    pub fn bytes_limited(self, limit: usize) -> Result<Vec<u8>, Error> {
        let _ = limit;
        todo!()
    }

    /// The body as `std::io::Read`.
    pub fn into_reader(self) -> BodyReader {
        todo!()
    }

    /// The raw stream after an upgrade.
    pub fn into_upgraded(self) -> Result<Upgraded, Error> {
        todo!()
    }

    /// A handle that stops this response from another thread.
    pub fn abort_handle(&self) -> AbortHandle {
        todo!()
    }
}

/// The body of a [`Response`] as `std::io::Read`.
pub struct BodyReader {}

impl Read for BodyReader {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let _ = buf;
        todo!()
    }
}

/// Shuts a connection down from another thread.
#[derive(Clone)]
pub struct AbortHandle {}

impl AbortHandle {
    /// Shuts the socket down both ways.
    pub fn abort(&self) {
        todo!()
    }
}

/// A hijacked connection.
pub struct Upgraded {}

impl Upgraded {
    /// Half-closes the write side.
    pub fn shutdown_write(&mut self) -> io::Result<()> {
        todo!()
    }

    /// Splits into a reader and a writer.
    pub fn try_split(self) -> io::Result<(UpgradedReader, UpgradedWriter)> {
        todo!()
    }

    /// A handle that stops this stream from another thread.
    pub fn abort_handle(&self) -> AbortHandle {
        todo!()
    }
}

impl Read for Upgraded {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let _ = buf;
        todo!()
    }
}

impl Write for Upgraded {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let _ = buf;
        todo!()
    }

    fn flush(&mut self) -> io::Result<()> {
        todo!()
    }
}

/// The read half of an [`Upgraded`] stream.
pub struct UpgradedReader {}

impl Read for UpgradedReader {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let _ = buf;
        todo!()
    }
}

/// The write half of an [`Upgraded`] stream.
pub struct UpgradedWriter {}

impl UpgradedWriter {
    /// Half-closes the write side.
    pub fn shutdown_write(&mut self) -> io::Result<()> {
        todo!()
    }
}

impl Write for UpgradedWriter {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let _ = buf;
        todo!()
    }

    fn flush(&mut self) -> io::Result<()> {
        todo!()
    }
}
