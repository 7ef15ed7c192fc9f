//! The blocking flavour, over std `UnixStream` and `TcpStream`. No threads are spawned.
//!
//! This module holds the sockets and the loops that do the IO the shared code asks for (see
//! the driving contract in `drive`); every decision about HTTP, pooling, deadlines, retries
//! and errors is made there. Deadlines become socket timeouts, set only when they change.

use std::io::{self, Read, Write};
use std::net::{Shutdown, TcpStream, ToSocketAddrs};
use std::os::unix::net::UnixStream;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::buffer::ReadBuf;
use crate::drive::{Call, Pull, Target, Want};
use crate::error::stream_aborted;
use crate::exchange::{Cap, Collected, Exchange, Shared};
use crate::pool::Socket;
use crate::ssh::SshProcess;
use crate::tls::{TlsSession, CIPHER_ROOM};
use crate::{Config, Error, ErrorBody, Headers, ResponseHead};

/// The reader of a streamed request body in this flavour: read to its end while sending.
///
/// ```
/// use docker_transport::blocking::{Body, Reader};
/// let tar: Reader = Box::new(std::io::Cursor::new(b"tar bytes".to_vec()));
/// let body = Body::Reader(tar);
/// ```
pub type Reader = Box<dyn Read + Send>;

/// A request for the blocking [`Transport`]: [`crate::Request`] with a blocking [`Reader`].
///
/// ```
/// use docker_transport::{blocking::Request, Method};
/// let req = Request::new(Method::Get, "/version");
/// assert_eq!(req.target(), "/version");
/// ```
pub type Request = crate::Request<Reader>;

/// A request body for the blocking [`Transport`]: [`crate::Body`] with a blocking [`Reader`].
///
/// ```
/// use docker_transport::blocking::Body;
/// let body = Body::Reader(Box::new(std::io::empty()));
/// assert!(matches!(body, Body::Reader(_)));
/// ```
pub type Body = crate::Body<Reader>;

/// Sends requests over pooled connections. Cheap to clone; clones share one bounded idle
/// pool, and it is `Send + Sync`.
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
pub struct Transport {
    shared: Arc<Shared<Sock>>,
}

impl Transport {
    /// A transport with an empty pool. Nothing is opened until the first request.
    ///
    /// ```
    /// use docker_transport::{blocking::Transport, Config, Endpoint};
    /// let transport = Transport::new(Config::new(Endpoint::default()));
    /// assert_eq!(transport.config().max_idle_connections, 16);
    /// ```
    pub fn new(config: Config) -> Transport {
        Transport {
            shared: Arc::new(Shared::new(config)),
        }
    }

    /// The configuration in force.
    ///
    /// ```
    /// use docker_transport::{blocking::Transport, Config, Endpoint};
    /// let transport = Transport::new(Config::new(Endpoint::default()));
    /// assert_eq!(transport.config().endpoint, Endpoint::default());
    /// ```
    pub fn config(&self) -> &Config {
        &self.shared.config
    }

    /// Sends `request` and returns once the response head arrived (1xx heads are skipped).
    ///
    /// A pooled connection that turns out to be closed by the engine before any response
    /// byte is replaced by a fresh one, once, when the method is idempotent and the body is
    /// [`Body::Empty`] or [`Body::Bytes`]. A [`Body::Reader`] is sent chunked:
    ///
    /// ```no_run
    /// use docker_transport::blocking::{Body, Request, Transport};
    /// use docker_transport::{Config, Endpoint, Method};
    ///
    /// let transport = Transport::new(Config::new(Endpoint::default()));
    /// let tar = std::fs::File::open("context.tar")?;
    /// let req = Request::new(Method::Put, "/containers/web/archive?path=/srv");
    /// transport.send(req.body(Body::Reader(Box::new(tar))))?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// A reader of the tokio flavour does not compile here:
    ///
    #[cfg_attr(feature = "tokio", doc = "```compile_fail,E0308")]
    #[cfg_attr(not(feature = "tokio"), doc = "```text")]
    /// use docker_transport::blocking::{Body, Request, Transport};
    /// use docker_transport::{Config, Endpoint, Method};
    ///
    /// let transport = Transport::new(Config::new(Endpoint::default()));
    /// let tar: docker_transport::tokio::Reader = Box::new(&b"tar"[..]);
    /// let req = Request::new(Method::Put, "/containers/web/archive?path=/srv");
    /// let _ = transport.send(req.body(Body::Reader(tar)));
    /// ```
    pub fn send(&self, mut request: Request) -> Result<Response, Error> {
        let mut call = Call::new(&self.shared, &mut request);
        loop {
            let now = Instant::now();
            match call.poll_io(now)? {
                Want::Resolve { host, port, .. } => {
                    // The system resolver takes no deadline.
                    let res = (host, port).to_socket_addrs();
                    call.handle_resolved(res);
                }
                Want::Connect { to, deadline } => {
                    let res = connect(to, deadline, now);
                    call.handle_connected(res);
                }
                Want::Write(w) => {
                    let res = w.io.write_by(w.bytes, w.deadline, now);
                    call.handle_written(res);
                }
                Want::ReadBody { body, buf } => {
                    let res = body.read(buf);
                    call.handle_body_read(res);
                }
                Want::Read(r) => {
                    let res = r.io.read_by(r.spare, r.deadline, now);
                    call.handle_read(res);
                }
                Want::Head => {
                    return Ok(Response {
                        ex: call.into_exchange(),
                    })
                }
            }
        }
    }
}

fn connect(to: Target<'_>, deadline: Option<Instant>, now: Instant) -> io::Result<Sock> {
    let mut ssh = None;
    let stream = match to {
        Target::Unix(path) => Stream::Unix(UnixStream::connect(path)?),
        Target::Ssh {
            endpoint,
            config,
            connect_timeout,
        } => {
            let (stream, process) = crate::ssh::spawn(endpoint, config, connect_timeout)?;
            ssh = Some(process);
            Stream::Unix(stream)
        }
        Target::Tcp(addr) => {
            let tcp = match deadline {
                // A zero timeout is refused.
                Some(d) => {
                    let timeout = d.saturating_duration_since(now);
                    TcpStream::connect_timeout(&addr, timeout.max(Duration::from_millis(1)))?
                }
                None => TcpStream::connect(addr)?,
            };
            // Requests are written whole; Nagle would only add latency.
            let _ = tcp.set_nodelay(true);
            Stream::Tcp(tcp)
        }
    };
    Ok(Sock {
        inner: Arc::new(Inner {
            stream,
            aborted: AtomicBool::new(false),
            ssh,
        }),
        read_timeout: None,
        write_timeout: None,
    })
}

/// Does the reads an exchange's poll asks for, until it has its result.
fn pull<T>(
    ex: &mut Exchange<Sock>,
    mut poll: impl for<'a> FnMut(&'a mut Exchange<Sock>, Instant) -> Result<Pull<'a, Sock, T>, Error>,
) -> Result<T, Error> {
    loop {
        let now = Instant::now();
        match poll(ex, now)? {
            Pull::Read(r) => {
                let res = r.io.read_by(r.spare, r.deadline, now);
                ex.handle_read(res);
            }
            Pull::Ready(out) => return Ok(out),
        }
    }
}

/// A response whose head arrived; the body is read on demand.
///
/// When the body reached its end and the connection may be reused, it goes back to the pool
/// (as soon as [`next_chunk`](Response::next_chunk) returns `None`). Dropping an unfinished
/// response closes its connection.
///
/// ```no_run
/// # use docker_transport::{blocking::Transport, Config, Endpoint, Method, Request};
/// # let transport = Transport::new(Config::new(Endpoint::default()));
/// let res = transport.send(Request::new(Method::Get, "/version"))?;
/// if res.status() == 200 {
///     println!("{}", String::from_utf8_lossy(&res.bytes()?));
/// }
/// # Ok::<(), docker_transport::Error>(())
/// ```
pub struct Response {
    ex: Exchange<Sock>,
}

impl Response {
    /// The status code.
    ///
    /// ```no_run
    /// # use docker_transport::{blocking::Transport, Config, Endpoint, Method, Request};
    /// # let transport = Transport::new(Config::new(Endpoint::default()));
    /// let res = transport.send(Request::new(Method::Get, "/_ping"))?;
    /// assert_eq!(res.status(), 200);
    /// # Ok::<(), docker_transport::Error>(())
    /// ```
    pub fn status(&self) -> u16 {
        self.ex.head().status
    }

    /// The headers.
    ///
    /// ```no_run
    /// # use docker_transport::{blocking::Transport, Config, Endpoint, Method, Request};
    /// # let transport = Transport::new(Config::new(Endpoint::default()));
    /// let res = transport.send(Request::new(Method::Get, "/_ping"))?;
    /// println!("API version {:?}", res.headers().get("api-version"));
    /// # Ok::<(), docker_transport::Error>(())
    /// ```
    pub fn headers(&self) -> &Headers {
        &self.ex.head().headers
    }

    /// The whole head.
    ///
    /// ```no_run
    /// # use docker_transport::{blocking::Transport, Config, Endpoint, Method, Request};
    /// # let transport = Transport::new(Config::new(Endpoint::default()));
    /// let res = transport.send(Request::new(Method::Get, "/_ping"))?;
    /// let head = res.head();
    /// println!("HTTP/1.{} {} {}", head.minor_version, head.status, head.reason);
    /// # Ok::<(), docker_transport::Error>(())
    /// ```
    pub fn head(&self) -> &ResponseHead {
        self.ex.head()
    }

    /// The next body bytes, borrowed from the connection's read buffer, or `None` exactly at
    /// the complete end. A truncated body is an error ([`Error::Protocol`]), never `None`.
    ///
    /// ```no_run
    /// # use docker_transport::{blocking::Transport, Config, Endpoint, Method, Request};
    /// # let transport = Transport::new(Config::new(Endpoint::default()));
    /// let mut res = transport.send(Request::new(Method::Get, "/events").streaming())?;
    /// while let Some(bytes) = res.next_chunk()? {
    ///     println!("{}", String::from_utf8_lossy(bytes));
    /// }
    /// # Ok::<(), docker_transport::Error>(())
    /// ```
    pub fn next_chunk(&mut self) -> Result<Option<&[u8]>, Error> {
        match pull(&mut self.ex, |ex, now| ex.poll_chunk(now, usize::MAX))? {
            Some(range) => Ok(Some(self.ex.slice(range))),
            None => Ok(None),
        }
    }

    /// The whole body, capped at [`Config::max_error_body_bytes`] when the status is 400 or
    /// more, else at [`Config::max_body_bytes`]. Over the cap: [`Error::BodyTooLarge`], and
    /// the connection is closed. For an error status, [`error_body`](Self::error_body)
    /// keeps the start of a body over the cap instead.
    ///
    /// ```no_run
    /// # use docker_transport::{blocking::Transport, Config, Endpoint, Method, Request};
    /// # let transport = Transport::new(Config::new(Endpoint::default()));
    /// let body = transport.send(Request::new(Method::Get, "/_ping"))?.bytes()?;
    /// assert_eq!(body, b"OK");
    /// # Ok::<(), docker_transport::Error>(())
    /// ```
    pub fn bytes(self) -> Result<Vec<u8>, Error> {
        let limit = self.ex.body_cap();
        self.bytes_limited(limit)
    }

    /// The whole body, capped at `limit` bytes.
    ///
    /// ```no_run
    /// # use docker_transport::{blocking::Transport, Config, Endpoint, Method, Request};
    /// # let transport = Transport::new(Config::new(Endpoint::default()));
    /// let res = transport.send(Request::new(Method::Get, "/info"))?;
    /// let info = res.bytes_limited(1024 * 1024)?; // A body over 1 MiB is an `Error::BodyTooLarge`.
    /// # Ok::<(), docker_transport::Error>(())
    /// ```
    pub fn bytes_limited(mut self, limit: usize) -> Result<Vec<u8>, Error> {
        let mut out = self.ex.body_buffer(limit);
        pull(&mut self.ex, |ex, now| {
            ex.poll_collect(now, &mut out, Cap::Fail(limit))
        })?;
        Ok(out)
    }

    /// The body of an error answer (status 400 or more), cut at
    /// [`Config::max_error_body_bytes`] rather than failing: never [`Error::BodyTooLarge`].
    /// A cut body says so ([`ErrorBody::cut`]), and its connection is closed.
    ///
    /// ```no_run
    /// # use docker_transport::{blocking::Transport, Config, Endpoint, Method, Request};
    /// # let transport = Transport::new(Config::new(Endpoint::default()));
    /// let res = transport.send(Request::new(Method::Get, "/containers/gone/json"))?;
    /// if res.status() >= 400 {
    ///     let status = res.status();
    ///     let body = res.error_body()?;
    ///     println!("{status}: {}{}", String::from_utf8_lossy(&body.bytes), if body.cut { "..." } else { "" });
    /// }
    /// # Ok::<(), docker_transport::Error>(())
    /// ```
    pub fn error_body(mut self) -> Result<ErrorBody, Error> {
        let cap = self.ex.error_cap();
        let mut out = self.ex.body_buffer(usize::MAX);
        let end = pull(&mut self.ex, |ex, now| ex.poll_collect(now, &mut out, cap))?;
        let cut = end == Collected::Cut;
        Ok(ErrorBody { bytes: out, cut })
    }

    /// The body as `std::io::Read`; errors become `io::Error` (see
    /// [`From<Error> for io::Error`](Error)).
    ///
    /// ```no_run
    /// # use docker_transport::{blocking::Transport, Config, Endpoint, Method, Request};
    /// # let transport = Transport::new(Config::new(Endpoint::default()));
    /// use std::io::BufRead;
    /// let res = transport.send(Request::new(Method::Get, "/events").streaming())?;
    /// for line in std::io::BufReader::new(res.into_reader()).lines() {
    ///     println!("{}", line?);
    /// }
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn into_reader(self) -> BodyReader {
        BodyReader { res: self }
    }

    /// The raw duplex stream after an upgrade (attach, exec start with
    /// [`Request::upgrade`]). `Ok` only when the engine switched protocols; it first yields
    /// the bytes that arrived with the head. Timeouts are lifted on the upgraded stream.
    ///
    /// ```no_run
    /// # use docker_transport::{blocking::Transport, Config, Endpoint, Method, Request};
    /// # use std::io::{Read, Write};
    /// # let transport = Transport::new(Config::new(Endpoint::default()));
    /// let req = Request::new(Method::Post, "/containers/c/attach?stream=1&stdin=1&stdout=1").upgrade();
    /// let mut stream = transport.send(req)?.into_upgraded()?;
    /// stream.write_all(b"echo hi\n")?;
    /// stream.shutdown_write()?;
    /// let mut out = Vec::new();
    /// stream.read_to_end(&mut out)?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn into_upgraded(mut self) -> Result<Upgraded, Error> {
        let conn = pull(&mut self.ex, Exchange::poll_upgrade)?;
        let inner = conn.io.inner.clone();
        let res = inner
            .stream
            .set_read_timeout(None)
            .and_then(|()| inner.stream.set_write_timeout(None));
        if let Err(e) = res {
            return Err(self.ex.shared.io_error(e));
        }
        let tls = conn.tls.map(|session| Arc::new(Mutex::new(*session)));
        Ok(Upgraded {
            reader: UpgradedReader {
                inner: inner.clone(),
                leftover: conn.buf,
                tls: tls.clone(),
                cipher: Vec::new(),
            },
            writer: UpgradedWriter { inner, tls },
        })
    }

    /// A handle that stops this response from another thread: a read blocked in
    /// [`next_chunk`](Response::next_chunk) returns at once with an [`Error::Io`] of kind
    /// `ConnectionAborted`. A connection whose handle is alive is never pooled.
    ///
    /// ```no_run
    /// # use docker_transport::{blocking::Transport, Config, Endpoint, Method, Request};
    /// # let transport = Transport::new(Config::new(Endpoint::default()));
    /// let events = transport.send(Request::new(Method::Get, "/events").streaming())?;
    /// let handle = events.abort_handle();
    /// std::thread::spawn(move || handle.abort()); // The events' next read fails at once.
    /// # Ok::<(), docker_transport::Error>(())
    /// ```
    pub fn abort_handle(&self) -> AbortHandle {
        AbortHandle {
            inner: self.ex.conn().map(|c| c.io.inner.clone()),
        }
    }
}

/// The body of a [`Response`] as `std::io::Read`.
///
/// ```no_run
/// # use docker_transport::{blocking::Transport, Config, Endpoint, Method, Request};
/// # use std::io::Read;
/// # let transport = Transport::new(Config::new(Endpoint::default()));
/// let mut body = String::new();
/// transport.send(Request::new(Method::Get, "/version"))?.into_reader().read_to_string(&mut body)?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub struct BodyReader {
    res: Response,
}

impl Read for BodyReader {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let ex = &mut self.res.ex;
        let max = buf.len();
        let Some(range) = pull(ex, |ex, now| ex.poll_chunk(now, max))? else {
            return Ok(0);
        };
        let bytes = ex.slice(range);
        buf[..bytes.len()].copy_from_slice(bytes);
        Ok(bytes.len())
    }
}

/// Stops a [`Response`] or an [`Upgraded`] stream from another thread by shutting its socket
/// down both ways.
///
/// ```no_run
/// # use docker_transport::{blocking::Transport, Config, Endpoint, Method, Request};
/// # let transport = Transport::new(Config::new(Endpoint::default()));
/// let mut events = transport.send(Request::new(Method::Get, "/events").streaming())?;
/// let handle = events.abort_handle();
/// std::thread::spawn(move || {
///     std::thread::sleep(std::time::Duration::from_secs(10));
///     handle.abort();
/// });
/// while let Ok(Some(bytes)) = events.next_chunk() {
///     println!("{}", String::from_utf8_lossy(bytes));
/// }
/// # Ok::<(), docker_transport::Error>(())
/// ```
#[derive(Clone)]
pub struct AbortHandle {
    inner: Option<Arc<Inner>>,
}

impl AbortHandle {
    /// Shuts the socket down both ways. Idempotent.
    ///
    /// ```no_run
    /// # use docker_transport::{blocking::Transport, Config, Endpoint, Method, Request};
    /// # let transport = Transport::new(Config::new(Endpoint::default()));
    /// let res = transport.send(Request::new(Method::Get, "/events").streaming())?;
    /// let handle = res.abort_handle();
    /// handle.abort();
    /// handle.abort(); // A second call does nothing.
    /// # Ok::<(), docker_transport::Error>(())
    /// ```
    pub fn abort(&self) {
        if let Some(inner) = &self.inner {
            inner.aborted.store(true, Ordering::SeqCst);
            let _ = inner.stream.shutdown(Shutdown::Both);
        }
    }
}

/// A hijacked connection: `Read` yields the bytes that came with the head first.
///
/// ```no_run
/// # use docker_transport::{blocking::Transport, Config, Endpoint, Method, Request};
/// # let transport = Transport::new(Config::new(Endpoint::default()));
/// use std::io::Write;
/// let req = Request::new(Method::Post, "/exec/e1/start").json(br#"{"Tty":true}"#.to_vec());
/// let mut stream = transport.send(req.upgrade())?.into_upgraded()?;
/// stream.write_all(b"ls\n")?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub struct Upgraded {
    reader: UpgradedReader,
    writer: UpgradedWriter,
}

impl Upgraded {
    /// Half-closes the write side: the process sees EOF on stdin, output keeps coming.
    ///
    /// ```no_run
    /// # use docker_transport::{blocking::Transport, Config, Endpoint, Method, Request};
    /// # let transport = Transport::new(Config::new(Endpoint::default()));
    /// use std::io::Write;
    /// let req = Request::new(Method::Post, "/containers/web/attach?stream=1&stdin=1&stdout=1").upgrade();
    /// let mut stream = transport.send(req)?.into_upgraded()?;
    /// stream.write_all(b"bye\n")?;
    /// stream.shutdown_write()?; // The process reads end-of-file.
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn shutdown_write(&mut self) -> io::Result<()> {
        self.writer.shutdown_write()
    }

    /// Splits into a reader and a writer usable from two threads. Both share the socket;
    /// the reader keeps the leftover bytes.
    ///
    /// ```no_run
    /// # use docker_transport::{blocking::Transport, Config, Endpoint, Method, Request};
    /// # let transport = Transport::new(Config::new(Endpoint::default()));
    /// use std::io::{Read, Write};
    /// let req = Request::new(Method::Post, "/containers/web/attach?stream=1&stdin=1&stdout=1").upgrade();
    /// let (mut reader, mut writer) = transport.send(req)?.into_upgraded()?.try_split()?;
    /// let output = std::thread::spawn(move || {
    ///     let mut out = Vec::new();
    ///     reader.read_to_end(&mut out).map(|_| out)
    /// });
    /// writer.write_all(b"hello\n")?;
    /// writer.shutdown_write()?;
    /// let out = output.join().unwrap()?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn try_split(self) -> io::Result<(UpgradedReader, UpgradedWriter)> {
        Ok((self.reader, self.writer))
    }

    /// A handle that stops this stream from another thread.
    ///
    /// ```no_run
    /// # use docker_transport::{blocking::Transport, Config, Endpoint, Method, Request};
    /// # let transport = Transport::new(Config::new(Endpoint::default()));
    /// let req = Request::new(Method::Post, "/containers/web/attach?stream=1&stdin=1&stdout=1").upgrade();
    /// let stream = transport.send(req)?.into_upgraded()?;
    /// let handle = stream.abort_handle();
    /// std::thread::spawn(move || {
    ///     std::thread::sleep(std::time::Duration::from_secs(30));
    ///     handle.abort();
    /// });
    /// # Ok::<(), docker_transport::Error>(())
    /// ```
    pub fn abort_handle(&self) -> AbortHandle {
        AbortHandle {
            inner: Some(self.writer.inner.clone()),
        }
    }
}

impl Read for Upgraded {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        self.reader.read(buf)
    }
}

impl Write for Upgraded {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.writer.write(buf)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.writer.flush()
    }
}

/// The read half of an [`Upgraded`] stream.
///
/// ```no_run
/// # use docker_transport::{blocking::Transport, Config, Endpoint, Method, Request};
/// # let transport = Transport::new(Config::new(Endpoint::default()));
/// use std::io::Read;
/// let req = Request::new(Method::Post, "/containers/web/attach?stream=1&stdin=1&stdout=1").upgrade();
/// let (mut reader, _writer) = transport.send(req)?.into_upgraded()?.try_split()?;
/// let mut out = String::new();
/// reader.read_to_string(&mut out)?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub struct UpgradedReader {
    inner: Arc<Inner>,
    leftover: ReadBuf,
    /// The TLS session shared with the writer, on a TLS connection.
    tls: Option<Arc<Mutex<TlsSession>>>,
    /// Ciphertext read from the socket, before the session takes it.
    cipher: Vec<u8>,
}

impl UpgradedReader {
    fn read_socket(&self, buf: &mut [u8]) -> io::Result<usize> {
        let res = (&self.inner.stream).read(buf);
        match self.inner.aborted.load(Ordering::SeqCst) {
            true => Err(stream_aborted()),
            false => res,
        }
    }
}

impl Read for UpgradedReader {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if !self.leftover.is_empty() {
            let n = self.leftover.drain_into(buf);
            self.leftover.release_if_empty();
            return Ok(n);
        }
        let Some(tls) = self.tls.clone() else {
            return self.read_socket(buf);
        };
        // The socket is read without the lock, so that the writer is never held up.
        loop {
            if let Some(n) = lock(&tls).read_upgraded(buf)? {
                return Ok(n);
            }
            let mut cipher = std::mem::take(&mut self.cipher);
            cipher.resize(CIPHER_ROOM, 0);
            let n = self.read_socket(&mut cipher);
            let fed = n.and_then(|n| lock(&tls).feed(&cipher[..n]));
            self.cipher = cipher;
            fed?;
        }
    }
}

fn lock(tls: &Mutex<TlsSession>) -> std::sync::MutexGuard<'_, TlsSession> {
    tls.lock().unwrap_or_else(|e| e.into_inner())
}

/// The write half of an [`Upgraded`] stream.
///
/// ```no_run
/// # use docker_transport::{blocking::Transport, Config, Endpoint, Method, Request};
/// # let transport = Transport::new(Config::new(Endpoint::default()));
/// use std::io::Write;
/// let req = Request::new(Method::Post, "/containers/web/attach?stream=1&stdin=1&stdout=1").upgrade();
/// let (_reader, mut writer) = transport.send(req)?.into_upgraded()?.try_split()?;
/// writeln!(writer, "echo hi")?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub struct UpgradedWriter {
    inner: Arc<Inner>,
    tls: Option<Arc<Mutex<TlsSession>>>,
}

impl UpgradedWriter {
    /// Half-closes the write side (after a TLS close_notify, on a TLS connection).
    ///
    /// ```no_run
    /// # use docker_transport::{blocking::Transport, Config, Endpoint, Method, Request};
    /// # let transport = Transport::new(Config::new(Endpoint::default()));
    /// use std::io::Write;
    /// let req = Request::new(Method::Post, "/containers/web/attach?stream=1&stdin=1&stdout=1").upgrade();
    /// let (_reader, mut writer) = transport.send(req)?.into_upgraded()?.try_split()?;
    /// writer.write_all(b"exit\n")?;
    /// writer.shutdown_write()?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn shutdown_write(&mut self) -> io::Result<()> {
        if let Some(tls) = &self.tls {
            let cipher = lock(tls).close_notify();
            (&self.inner.stream).write_all(&cipher)?;
        }
        self.inner.stream.shutdown(Shutdown::Write)
    }
}

impl Write for UpgradedWriter {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        if self.inner.aborted.load(Ordering::SeqCst) {
            return Err(stream_aborted());
        }
        let Some(tls) = &self.tls else {
            return (&self.inner.stream).write(buf);
        };
        let (n, cipher) = lock(tls).encrypt(buf);
        (&self.inner.stream).write_all(&cipher)?;
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// A Unix or TCP stream.
#[derive(Debug)]
enum Stream {
    Unix(UnixStream),
    Tcp(TcpStream),
}

impl Stream {
    fn set_read_timeout(&self, t: Option<Duration>) -> io::Result<()> {
        match self {
            Stream::Unix(s) => s.set_read_timeout(t),
            Stream::Tcp(s) => s.set_read_timeout(t),
        }
    }

    fn set_write_timeout(&self, t: Option<Duration>) -> io::Result<()> {
        match self {
            Stream::Unix(s) => s.set_write_timeout(t),
            Stream::Tcp(s) => s.set_write_timeout(t),
        }
    }

    fn set_nonblocking(&self, on: bool) -> io::Result<()> {
        match self {
            Stream::Unix(s) => s.set_nonblocking(on),
            Stream::Tcp(s) => s.set_nonblocking(on),
        }
    }

    fn shutdown(&self, how: Shutdown) -> io::Result<()> {
        match self {
            Stream::Unix(s) => s.shutdown(how),
            Stream::Tcp(s) => s.shutdown(how),
        }
    }
}

impl Read for &Stream {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        match self {
            Stream::Unix(s) => (&*s).read(buf),
            Stream::Tcp(s) => (&*s).read(buf),
        }
    }
}

impl Write for &Stream {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match self {
            Stream::Unix(s) => (&*s).write(buf),
            Stream::Tcp(s) => (&*s).write(buf),
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// The part of a socket that abort handles and upgraded halves share. For an `ssh://`
/// connection, the ssh process, killed and reaped after the stream is closed.
#[derive(Debug)]
struct Inner {
    stream: Stream,
    aborted: AtomicBool,
    ssh: Option<SshProcess>,
}

/// The blocking socket: the shared part plus the timeouts last set on it, so that an
/// unchanged timeout costs no system call.
#[derive(Debug)]
pub(crate) struct Sock {
    inner: Arc<Inner>,
    read_timeout: Option<Duration>,
    write_timeout: Option<Duration>,
}

impl Sock {
    /// One read, given up at `deadline`.
    fn read_by(
        &mut self,
        buf: &mut [u8],
        deadline: Option<Instant>,
        now: Instant,
    ) -> io::Result<usize> {
        self.set_read_timeout(deadline.map(|d| d.saturating_duration_since(now)))?;
        (&self.inner.stream).read(buf)
    }

    /// One write, given up at `deadline`.
    fn write_by(
        &mut self,
        bytes: &[u8],
        deadline: Option<Instant>,
        now: Instant,
    ) -> io::Result<usize> {
        self.set_write_timeout(deadline.map(|d| d.saturating_duration_since(now)))?;
        (&self.inner.stream).write(bytes)
    }

    /// Sets the read timeout, unless the one in force is within 1% of `t`: the head
    /// deadline shrinks by microseconds between requests, and a system call per request to
    /// follow it would cost more than the precision is worth.
    fn set_read_timeout(&mut self, t: Option<Duration>) -> io::Result<()> {
        // A zero timeout means "none" to the OS; the deadline check already failed on zero.
        let t = t.map(|t| t.max(Duration::from_micros(1)));
        let close_enough = match (self.read_timeout, t) {
            (Some(cur), Some(want)) => cur >= want.mul_f64(0.99) && cur <= want.mul_f64(1.01),
            (cur, want) => cur == want,
        };
        if !close_enough {
            self.inner.stream.set_read_timeout(t)?;
            self.read_timeout = t;
        }
        Ok(())
    }

    fn set_write_timeout(&mut self, t: Option<Duration>) -> io::Result<()> {
        let t = t.map(|t| t.max(Duration::from_micros(1)));
        if self.write_timeout != t {
            self.inner.stream.set_write_timeout(t)?;
            self.write_timeout = t;
        }
        Ok(())
    }
}

impl Socket for Sock {
    fn is_alive(&mut self) -> bool {
        let stream = &self.inner.stream;
        if stream.set_nonblocking(true).is_err() {
            return false;
        }
        let mut probe = [0u8; 1];
        let res = (&*stream).read(&mut probe);
        let alive = matches!(&res, Err(e) if e.kind() == io::ErrorKind::WouldBlock);
        alive && stream.set_nonblocking(false).is_ok()
    }

    fn is_private(&self) -> bool {
        Arc::strong_count(&self.inner) == 1 && !self.is_aborted()
    }

    fn is_aborted(&self) -> bool {
        self.inner.aborted.load(Ordering::Relaxed)
    }

    fn close(&self) {
        // An abort handle keeps the socket open: close it for the engine now.
        if Arc::strong_count(&self.inner) > 1 {
            let _ = self.inner.stream.shutdown(Shutdown::Both);
        }
    }

    fn ssh_stderr(&self) -> Option<String> {
        self.inner.ssh.as_ref().map(SshProcess::stderr_text)
    }
}

// Debug shows what a value is, never the bytes it carries.
crate::opaque_debug!(
    Transport,
    Response,
    BodyReader,
    AbortHandle,
    Upgraded,
    UpgradedReader,
    UpgradedWriter
);
