//! The tokio flavour, over tokio's `UnixStream` and `TcpStream`.
//!
//! The same names and semantics as `blocking`, async. This module holds the sockets and the
//! polls that do the IO the shared code asks for (see the driving contract in `drive`);
//! every decision about HTTP, pooling, deadlines, retries and errors is made there.
//! Deadlines use `tokio::time`, so the runtime needs its time driver (`enable_time`, or
//! `enable_all`); the sockets need its IO driver. Works on current-thread and multi-thread
//! runtimes; every future is `Send`.

use std::future::{poll_fn, Future};
use std::io;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{ready, Context, Poll, Waker};
use std::time::Instant;

use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, ReadBuf};
use tokio::net::{TcpStream, UnixStream};
use tokio::time::Sleep;

use crate::buffer::ReadBuf as InputBuf;
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
/// use docker_transport::tokio::{Body, Reader};
/// let tar: Reader = Box::new(&b"tar bytes"[..]);
/// let body = Body::Reader(tar);
/// ```
pub type Reader = Box<dyn AsyncRead + Send + Unpin>;

/// A request for the tokio [`Transport`]: [`crate::Request`] with an async [`Reader`].
///
/// ```
/// use docker_transport::{tokio::Request, Method};
/// let req = Request::new(Method::Get, "/version");
/// assert_eq!(req.target(), "/version");
/// ```
pub type Request = crate::Request<Reader>;

/// A request body for the tokio [`Transport`]: [`crate::Body`] with an async [`Reader`].
///
/// ```
/// use docker_transport::tokio::Body;
/// let body = Body::Reader(Box::new(tokio::io::empty()));
/// assert!(matches!(body, Body::Reader(_)));
/// ```
pub type Body = crate::Body<Reader>;

/// Sends requests over pooled connections. Cheap to clone; clones share one bounded idle
/// pool.
///
/// ```no_run
/// use docker_transport::{tokio::Transport, Config, Endpoint, Method, Request};
///
/// # async fn run() -> Result<(), docker_transport::Error> {
/// let transport = Transport::new(Config::new(Endpoint::from_env()?));
/// let res = transport.send(Request::new(Method::Get, "/_ping")).await?;
/// assert_eq!(res.status(), 200);
/// assert_eq!(res.bytes().await?, b"OK");
/// # Ok(())
/// # }
/// ```
#[derive(Clone)]
pub struct Transport {
    shared: Arc<Shared<Sock>>,
}

impl Transport {
    /// A transport with an empty pool. Nothing is opened until the first request.
    ///
    /// ```
    /// use docker_transport::{tokio::Transport, Config, Endpoint};
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
    /// use docker_transport::{tokio::Transport, Config, Endpoint};
    /// let transport = Transport::new(Config::new(Endpoint::default()));
    /// assert_eq!(transport.config().endpoint, Endpoint::default());
    /// ```
    pub fn config(&self) -> &Config {
        &self.shared.config
    }

    /// Sends `request` and returns once the response head arrived (1xx heads are skipped).
    ///
    /// The stale-connection retry is the same as in the blocking flavour. A
    /// [`Body::Reader`] is sent chunked:
    ///
    /// ```no_run
    /// use docker_transport::tokio::{Body, Request, Transport};
    /// use docker_transport::{Config, Endpoint, Method};
    ///
    /// # async fn run() -> Result<(), Box<dyn std::error::Error>> {
    /// let transport = Transport::new(Config::new(Endpoint::default()));
    /// let tar = std::io::Cursor::new(std::fs::read("context.tar")?);
    /// let req = Request::new(Method::Put, "/containers/web/archive?path=/srv");
    /// transport.send(req.body(Body::Reader(Box::new(tar)))).await?;
    /// # Ok(())
    /// # }
    /// ```
    ///
    /// A reader of the blocking flavour does not compile here:
    ///
    #[cfg_attr(feature = "blocking", doc = "```compile_fail,E0308")]
    #[cfg_attr(not(feature = "blocking"), doc = "```text")]
    /// use docker_transport::tokio::{Body, Request, Transport};
    /// use docker_transport::{Config, Endpoint, Method};
    ///
    /// let transport = Transport::new(Config::new(Endpoint::default()));
    /// let tar: docker_transport::blocking::Reader = Box::new(std::io::empty());
    /// let req = Request::new(Method::Put, "/containers/web/archive?path=/srv");
    /// let _ = transport.send(req.body(Body::Reader(tar)));
    /// ```
    pub async fn send(&self, mut request: Request) -> Result<Response, Error> {
        let mut call = Call::new(&self.shared, &mut request);
        loop {
            let now = Instant::now();
            match call.poll_io(now)? {
                Want::Resolve {
                    host,
                    port,
                    deadline,
                } => {
                    let res = by(deadline, tokio::net::lookup_host((host, port))).await;
                    // Collected, the addresses no longer borrow the host name.
                    let addrs = res.map(Vec::from_iter);
                    call.handle_resolved(addrs.map(Vec::into_iter));
                }
                Want::Connect { to, deadline } => {
                    let res = by(deadline, connect(to)).await;
                    call.handle_connected(res);
                }
                Want::Write(w) => {
                    let res = poll_fn(|cx| w.io.poll_write_by(cx, w.bytes, w.deadline)).await;
                    call.handle_written(res);
                }
                Want::ReadBody { body, buf } => {
                    let res = body.read(buf).await;
                    call.handle_body_read(res);
                }
                Want::Read(r) => {
                    let res = poll_fn(|cx| r.io.poll_read_by(cx, r.spare, r.deadline)).await;
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

/// `io`, given up at `deadline`.
async fn by<T>(
    deadline: Option<Instant>,
    io: impl Future<Output = io::Result<T>>,
) -> io::Result<T> {
    match deadline {
        Some(at) => match tokio::time::timeout_at(at.into(), io).await {
            Ok(res) => res,
            Err(_) => Err(io::ErrorKind::TimedOut.into()),
        },
        None => io.await,
    }
}

async fn connect(to: Target<'_>) -> io::Result<Sock> {
    let mut ssh = None;
    let stream = match to {
        Target::Unix(path) => Stream::Unix(UnixStream::connect(path).await?),
        Target::Ssh {
            endpoint,
            config,
            connect_timeout,
        } => {
            let (stream, process) = crate::ssh::spawn(endpoint, config, connect_timeout)?;
            stream.set_nonblocking(true)?;
            ssh = Some(process);
            Stream::Unix(UnixStream::from_std(stream)?)
        }
        Target::Tcp(addr) => {
            let tcp = TcpStream::connect(addr).await?;
            // Requests are written whole; Nagle would only add latency.
            let _ = tcp.set_nodelay(true);
            Stream::Tcp(tcp)
        }
    };
    Ok(Sock {
        stream,
        abort: Arc::new(AbortState::default()),
        timer: None,
        ssh,
    })
}

/// Does the reads an exchange's poll asks for, until it has its result.
fn poll_pull<T>(
    ex: &mut Exchange<Sock>,
    cx: &mut Context<'_>,
    mut poll: impl for<'a> FnMut(&'a mut Exchange<Sock>, Instant) -> Result<Pull<'a, Sock, T>, Error>,
) -> Poll<Result<T, Error>> {
    loop {
        let now = Instant::now();
        let res = match poll(ex, now)? {
            Pull::Read(r) => ready!(r.io.poll_read_by(cx, r.spare, r.deadline)),
            Pull::Ready(out) => return Poll::Ready(Ok(out)),
        };
        ex.handle_read(res);
    }
}

/// A response whose head arrived; the body is read on demand.
///
/// Pooling follows the blocking flavour: a finished, reusable connection goes back to the
/// pool when [`next_chunk`](Response::next_chunk) returns `None`; dropping an unfinished
/// response closes it.
///
/// ```no_run
/// # use docker_transport::{tokio::Transport, Config, Endpoint, Method, Request};
/// # async fn run(transport: Transport) -> Result<(), docker_transport::Error> {
/// let res = transport.send(Request::new(Method::Get, "/version")).await?;
/// if res.status() == 200 {
///     println!("{}", String::from_utf8_lossy(&res.bytes().await?));
/// }
/// # Ok(())
/// # }
/// ```
pub struct Response {
    ex: Exchange<Sock>,
}

impl Response {
    /// The status code.
    ///
    /// ```no_run
    /// # use docker_transport::{tokio::Transport, Config, Endpoint, Method, Request};
    /// # async fn run(transport: Transport) -> Result<(), docker_transport::Error> {
    /// let res = transport.send(Request::new(Method::Get, "/_ping")).await?;
    /// assert_eq!(res.status(), 200);
    /// # Ok(())
    /// # }
    /// ```
    pub fn status(&self) -> u16 {
        self.ex.head().status
    }

    /// The headers.
    ///
    /// ```no_run
    /// # use docker_transport::{tokio::Transport, Config, Endpoint, Method, Request};
    /// # async fn run(transport: Transport) -> Result<(), docker_transport::Error> {
    /// let res = transport.send(Request::new(Method::Get, "/_ping")).await?;
    /// println!("API version {:?}", res.headers().get("api-version"));
    /// # Ok(())
    /// # }
    /// ```
    pub fn headers(&self) -> &Headers {
        &self.ex.head().headers
    }

    /// The whole head.
    ///
    /// ```no_run
    /// # use docker_transport::{tokio::Transport, Config, Endpoint, Method, Request};
    /// # async fn run(transport: Transport) -> Result<(), docker_transport::Error> {
    /// let res = transport.send(Request::new(Method::Get, "/_ping")).await?;
    /// let head = res.head();
    /// println!("HTTP/1.{} {} {}", head.minor_version, head.status, head.reason);
    /// # Ok(())
    /// # }
    /// ```
    pub fn head(&self) -> &ResponseHead {
        self.ex.head()
    }

    /// The next body bytes, borrowed from the connection's read buffer, or `None` exactly at
    /// the complete end. A truncated body is an error, never `None`.
    ///
    /// ```no_run
    /// # use docker_transport::{tokio::Transport, Config, Endpoint, Method, Request};
    /// # async fn run(transport: Transport) -> Result<(), docker_transport::Error> {
    /// let mut res = transport.send(Request::new(Method::Get, "/events").streaming()).await?;
    /// while let Some(bytes) = res.next_chunk().await? {
    ///     println!("{}", String::from_utf8_lossy(bytes));
    /// }
    /// # Ok(())
    /// # }
    /// ```
    pub async fn next_chunk(&mut self) -> Result<Option<&[u8]>, Error> {
        let ex = &mut self.ex;
        let next = poll_fn(|cx| poll_pull(ex, cx, |ex, now| ex.poll_chunk(now, usize::MAX)));
        match next.await? {
            Some(range) => Ok(Some(self.ex.slice(range))),
            None => Ok(None),
        }
    }

    /// The whole body, capped as in the blocking
    /// `bytes`.
    ///
    /// ```no_run
    /// # use docker_transport::{tokio::Transport, Config, Endpoint, Method, Request};
    /// # async fn run(transport: Transport) -> Result<(), docker_transport::Error> {
    /// let body = transport.send(Request::new(Method::Get, "/_ping")).await?.bytes().await?;
    /// assert_eq!(body, b"OK");
    /// # Ok(())
    /// # }
    /// ```
    pub async fn bytes(self) -> Result<Vec<u8>, Error> {
        let limit = self.ex.body_cap();
        self.bytes_limited(limit).await
    }

    /// The whole body, capped at `limit` bytes.
    ///
    /// ```no_run
    /// # use docker_transport::{tokio::Transport, Config, Endpoint, Method, Request};
    /// # async fn run(transport: Transport) -> Result<(), docker_transport::Error> {
    /// let res = transport.send(Request::new(Method::Get, "/info")).await?;
    /// let info = res.bytes_limited(1024 * 1024).await?; // A body over 1 MiB is an `Error::BodyTooLarge`.
    /// # Ok(())
    /// # }
    /// ```
    pub async fn bytes_limited(mut self, limit: usize) -> Result<Vec<u8>, Error> {
        let mut out = self.ex.body_buffer(limit);
        let ex = &mut self.ex;
        let cap = Cap::Fail(limit);
        poll_fn(|cx| poll_pull(ex, cx, |ex, now| ex.poll_collect(now, &mut out, cap))).await?;
        Ok(out)
    }

    /// The body of an error answer, cut at [`Config::max_error_body_bytes`], as in the
    /// blocking `error_body`: never [`Error::BodyTooLarge`].
    ///
    /// ```no_run
    /// # use docker_transport::{tokio::Transport, Config, Endpoint, Method, Request};
    /// # async fn run(transport: Transport) -> Result<(), docker_transport::Error> {
    /// let res = transport.send(Request::new(Method::Get, "/containers/gone/json")).await?;
    /// if res.status() >= 400 {
    ///     let body = res.error_body().await?;
    ///     println!("{}{}", String::from_utf8_lossy(&body.bytes), if body.cut { "..." } else { "" });
    /// }
    /// # Ok(())
    /// # }
    /// ```
    pub async fn error_body(mut self) -> Result<ErrorBody, Error> {
        let cap = self.ex.error_cap();
        let mut out = self.ex.body_buffer(usize::MAX);
        let ex = &mut self.ex;
        let end = poll_fn(|cx| poll_pull(ex, cx, |ex, now| ex.poll_collect(now, &mut out, cap)));
        let cut = end.await? == Collected::Cut;
        Ok(ErrorBody { bytes: out, cut })
    }

    /// The body as `AsyncRead`; errors become `io::Error`.
    ///
    /// ```no_run
    /// # use docker_transport::{tokio::Transport, Config, Endpoint, Method, Request};
    /// # async fn run(transport: Transport) -> Result<(), Box<dyn std::error::Error>> {
    /// use tokio::io::AsyncBufReadExt;
    /// let res = transport.send(Request::new(Method::Get, "/events").streaming()).await?;
    /// let mut lines = tokio::io::BufReader::new(res.into_async_read()).lines();
    /// while let Some(line) = lines.next_line().await? {
    ///     println!("{line}");
    /// }
    /// # Ok(())
    /// # }
    /// ```
    pub fn into_async_read(self) -> BodyReader {
        BodyReader { ex: self.ex }
    }

    /// The body as a stream of owned chunks, ending after the complete end or the first
    /// error.
    ///
    /// ```no_run
    /// # use docker_transport::{tokio::Transport, Config, Endpoint, Method, Request};
    /// # async fn run(transport: Transport) -> Result<(), docker_transport::Error> {
    /// use futures_core::Stream;
    /// let res = transport.send(Request::new(Method::Get, "/events").streaming()).await?;
    /// let mut body = res.into_stream();
    /// let next = std::future::poll_fn(|cx| std::pin::Pin::new(&mut body).poll_next(cx));
    /// if let Some(chunk) = next.await {
    ///     let chunk: Vec<u8> = chunk?;
    ///     println!("{}", String::from_utf8_lossy(&chunk));
    /// }
    /// # Ok(())
    /// # }
    /// ```
    pub fn into_stream(self) -> BodyStream {
        BodyStream {
            ex: self.ex,
            done: false,
        }
    }

    /// The raw duplex stream after an upgrade; see the blocking
    /// `into_upgraded`.
    ///
    /// ```no_run
    /// # use docker_transport::{tokio::Transport, Config, Endpoint, Method, Request};
    /// # async fn run(transport: Transport) -> Result<(), Box<dyn std::error::Error>> {
    /// use tokio::io::{AsyncReadExt, AsyncWriteExt};
    /// let req = Request::new(Method::Post, "/containers/web/attach?stream=1&stdin=1&stdout=1").upgrade();
    /// let mut stream = transport.send(req).await?.into_upgraded().await?;
    /// stream.write_all(b"echo hi\n").await?;
    /// stream.shutdown().await?;
    /// let mut out = Vec::new();
    /// stream.read_to_end(&mut out).await?;
    /// # Ok(())
    /// # }
    /// ```
    pub async fn into_upgraded(mut self) -> Result<Upgraded, Error> {
        let ex = &mut self.ex;
        let conn = poll_fn(|cx| poll_pull(ex, cx, Exchange::poll_upgrade)).await?;
        Ok(Upgraded {
            sock: conn.io,
            leftover: conn.buf,
            tls: conn.tls.map(|session| UpgradedTls {
                session,
                cipher: Vec::new(),
                out: Vec::new(),
                out_at: 0,
                notified: false,
            }),
        })
    }

    /// A handle that stops this response from another task or thread: a pending read
    /// returns at once with an [`Error::Io`] of kind `ConnectionAborted`.
    ///
    /// ```no_run
    /// # use docker_transport::{tokio::Transport, Config, Endpoint, Method, Request};
    /// # async fn run(transport: Transport) -> Result<(), docker_transport::Error> {
    /// let mut events = transport.send(Request::new(Method::Get, "/events").streaming()).await?;
    /// let handle = events.abort_handle();
    /// tokio::spawn(async move {
    ///     tokio::time::sleep(std::time::Duration::from_secs(10)).await;
    ///     handle.abort();
    /// });
    /// while let Ok(Some(bytes)) = events.next_chunk().await {
    ///     println!("{}", String::from_utf8_lossy(bytes));
    /// }
    /// # Ok(())
    /// # }
    /// ```
    pub fn abort_handle(&self) -> AbortHandle {
        AbortHandle {
            state: self.ex.conn().map(|c| c.io.abort.clone()),
        }
    }
}

/// The body of a [`Response`] as `AsyncRead`.
///
/// ```no_run
/// # use docker_transport::{tokio::Transport, Config, Endpoint, Method, Request};
/// # async fn run(transport: Transport) -> Result<(), Box<dyn std::error::Error>> {
/// use tokio::io::AsyncReadExt;
/// let res = transport.send(Request::new(Method::Get, "/version")).await?;
/// let mut body = String::new();
/// res.into_async_read().read_to_string(&mut body).await?;
/// # Ok(())
/// # }
/// ```
pub struct BodyReader {
    ex: Exchange<Sock>,
}

impl AsyncRead for BodyReader {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let ex = &mut self.get_mut().ex;
        let max = buf.remaining();
        match ready!(poll_pull(ex, cx, |ex, now| ex.poll_chunk(now, max))) {
            Ok(Some(range)) => buf.put_slice(ex.slice(range)),
            Ok(None) => (),
            Err(e) => return Poll::Ready(Err(e.into())),
        }
        Poll::Ready(Ok(()))
    }
}

/// The body of a [`Response`] as a `Stream` of owned chunks.
///
/// ```no_run
/// # use docker_transport::{tokio::Transport, Config, Endpoint, Method, Request};
/// # async fn run(transport: Transport) -> Result<(), docker_transport::Error> {
/// use futures_core::Stream;
/// use std::pin::Pin;
/// let res = transport.send(Request::new(Method::Get, "/containers/web/logs?stdout=1")).await?;
/// let mut body = res.into_stream();
/// let mut total = 0;
/// while let Some(chunk) = std::future::poll_fn(|cx| Pin::new(&mut body).poll_next(cx)).await {
///     total += chunk?.len();
/// }
/// # Ok(())
/// # }
/// ```
pub struct BodyStream {
    ex: Exchange<Sock>,
    done: bool,
}

impl BodyStream {
    /// The next body bytes, borrowed from the connection's read buffer: what
    /// [`poll_next`](futures_core::Stream::poll_next) yields, without copying them into a
    /// `Vec`. For a decoder that consumes each chunk in place (logs, events, stats).
    ///
    /// ```no_run
    /// # use docker_transport::{tokio::Transport, Config, Endpoint, Method, Request};
    /// use std::task::{ready, Poll};
    /// # async fn run(transport: Transport) -> Result<(), docker_transport::Error> {
    /// let res = transport.send(Request::new(Method::Get, "/events").streaming()).await?;
    /// let mut body = res.into_stream();
    /// let mut lines = 0;
    /// std::future::poll_fn(|cx| loop {
    ///     match ready!(body.poll_chunk(cx)) {
    ///         Some(Ok(bytes)) => lines += bytes.iter().filter(|&&b| b == b'\n').count(),
    ///         Some(Err(e)) => return Poll::Ready(Err(e)),
    ///         None => return Poll::Ready(Ok(())),
    ///     }
    /// })
    /// .await?;
    /// # Ok(())
    /// # }
    /// ```
    pub fn poll_chunk(&mut self, cx: &mut Context<'_>) -> Poll<Option<Result<&[u8], Error>>> {
        if self.done {
            return Poll::Ready(None);
        }
        let res = ready!(poll_pull(&mut self.ex, cx, |ex, now| ex.poll_chunk(now, usize::MAX)));
        match res {
            Ok(Some(range)) => Poll::Ready(Some(Ok(self.ex.slice(range)))),
            Ok(None) => {
                self.done = true;
                Poll::Ready(None)
            }
            Err(e) => {
                self.done = true;
                Poll::Ready(Some(Err(e)))
            }
        }
    }
}

impl futures_core::Stream for BodyStream {
    type Item = Result<Vec<u8>, Error>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let chunk = ready!(self.get_mut().poll_chunk(cx));
        Poll::Ready(chunk.map(|res| res.map(<[u8]>::to_vec)))
    }
}

/// Stops a [`Response`] or an [`Upgraded`] stream from another task or thread.
///
/// ```no_run
/// # use docker_transport::{tokio::Transport, Config, Endpoint, Method, Request};
/// # async fn run(transport: Transport) -> Result<(), docker_transport::Error> {
/// let mut res = transport.send(Request::new(Method::Get, "/events").streaming()).await?;
/// let handle = res.abort_handle();
/// let reader = tokio::spawn(async move { while let Ok(Some(_)) = res.next_chunk().await {} });
/// handle.abort(); // The reader's pending read fails, and its loop ends.
/// let _ = reader.await;
/// # Ok(())
/// # }
/// ```
#[derive(Clone)]
pub struct AbortHandle {
    state: Option<Arc<AbortState>>,
}

impl AbortHandle {
    /// Stops it: the pending or next read or write fails with `ConnectionAborted`, and the
    /// connection is closed when its owner drops it. Idempotent.
    ///
    /// ```no_run
    /// # use docker_transport::{tokio::Transport, Config, Endpoint, Method, Request};
    /// # async fn run(transport: Transport) -> Result<(), docker_transport::Error> {
    /// let res = transport.send(Request::new(Method::Get, "/events").streaming()).await?;
    /// let handle = res.abort_handle();
    /// handle.abort();
    /// handle.abort(); // A second call does nothing.
    /// # Ok(())
    /// # }
    /// ```
    pub fn abort(&self) {
        if let Some(state) = &self.state {
            state.aborted.store(true, Ordering::SeqCst);
            let waker = state.waker.lock().unwrap_or_else(|e| e.into_inner()).take();
            if let Some(waker) = waker {
                waker.wake();
            }
        }
    }
}

/// A hijacked connection: reads yield the bytes that came with the head first;
/// `poll_shutdown` half-closes the write side. Timeouts are lifted.
///
/// ```no_run
/// # use docker_transport::{tokio::Transport, Config, Endpoint, Method, Request};
/// # async fn run(transport: Transport) -> Result<(), Box<dyn std::error::Error>> {
/// use tokio::io::AsyncWriteExt;
/// let req = Request::new(Method::Post, "/exec/e1/start").json(br#"{"Tty":true}"#.to_vec());
/// let mut stream = transport.send(req.upgrade()).await?.into_upgraded().await?;
/// stream.write_all(b"ls\n").await?;
/// stream.shutdown().await?; // It is a half-close: output keeps coming.
/// # Ok(())
/// # }
/// ```
pub struct Upgraded {
    sock: Sock,
    leftover: InputBuf,
    tls: Option<UpgradedTls>,
}

/// The TLS session of an upgraded TLS connection, with the ciphertext on its way in and
/// out. Plaintext written is taken at once; its ciphertext is written before more is
/// taken, and by `poll_flush` and `poll_shutdown`.
struct UpgradedTls {
    session: Box<TlsSession>,
    cipher: Vec<u8>,
    out: Vec<u8>,
    out_at: usize,
    /// The close_notify was queued.
    notified: bool,
}

impl UpgradedTls {
    fn poll_read(
        &mut self,
        sock: &mut Sock,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        loop {
            if let Some(n) = self.session.read_upgraded(buf.initialize_unfilled())? {
                buf.advance(n);
                return Poll::Ready(Ok(()));
            }
            self.cipher.resize(CIPHER_ROOM, 0);
            let mut rb = ReadBuf::new(&mut self.cipher);
            ready!(Pin::new(&mut *sock).poll_read(cx, &mut rb))?;
            let n = rb.filled().len();
            self.session.feed(&self.cipher[..n])?;
        }
    }

    /// Writes the ciphertext waiting.
    fn poll_out(&mut self, sock: &mut Sock, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        while self.out_at < self.out.len() {
            let n = ready!(Pin::new(&mut *sock).poll_write(cx, &self.out[self.out_at..]))?;
            if n == 0 {
                return Poll::Ready(Err(io::ErrorKind::WriteZero.into()));
            }
            self.out_at += n;
        }
        Poll::Ready(Ok(()))
    }

    fn poll_write(
        &mut self,
        sock: &mut Sock,
        cx: &mut Context<'_>,
        plain: &[u8],
    ) -> Poll<io::Result<usize>> {
        ready!(self.poll_out(sock, cx))?;
        let (n, cipher) = self.session.encrypt(plain);
        self.out = cipher;
        self.out_at = 0;
        // Started now; finished by the next write or flush.
        if let Poll::Ready(Err(e)) = self.poll_out(sock, cx) {
            return Poll::Ready(Err(e));
        }
        Poll::Ready(Ok(n))
    }

    fn poll_shutdown(&mut self, sock: &mut Sock, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        ready!(self.poll_out(sock, cx))?;
        if !self.notified {
            self.notified = true;
            self.out = self.session.close_notify();
            self.out_at = 0;
            ready!(self.poll_out(sock, cx))?;
        }
        Pin::new(sock).poll_shutdown(cx)
    }
}

impl Upgraded {
    /// A handle that stops this stream from another task or thread.
    ///
    /// ```no_run
    /// # use docker_transport::{tokio::Transport, Config, Endpoint, Method, Request};
    /// # async fn run(transport: Transport) -> Result<(), docker_transport::Error> {
    /// let req = Request::new(Method::Post, "/containers/web/attach?stream=1&stdout=1").upgrade();
    /// let stream = transport.send(req).await?.into_upgraded().await?;
    /// let handle = stream.abort_handle();
    /// tokio::spawn(async move {
    ///     tokio::time::sleep(std::time::Duration::from_secs(30)).await;
    ///     handle.abort();
    /// });
    /// # Ok(())
    /// # }
    /// ```
    pub fn abort_handle(&self) -> AbortHandle {
        AbortHandle {
            state: Some(self.sock.abort.clone()),
        }
    }
}

impl AsyncRead for Upgraded {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        if !this.leftover.is_empty() {
            let n = this.leftover.drain_into(buf.initialize_unfilled());
            buf.advance(n);
            this.leftover.release_if_empty();
            return Poll::Ready(Ok(()));
        }
        match &mut this.tls {
            Some(tls) => tls.poll_read(&mut this.sock, cx, buf),
            None => Pin::new(&mut this.sock).poll_read(cx, buf),
        }
    }
}

impl AsyncWrite for Upgraded {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        match &mut this.tls {
            Some(tls) => tls.poll_write(&mut this.sock, cx, buf),
            None => Pin::new(&mut this.sock).poll_write(cx, buf),
        }
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        if let Some(tls) = &mut this.tls {
            ready!(tls.poll_out(&mut this.sock, cx))?;
        }
        Pin::new(&mut this.sock).poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        match &mut this.tls {
            Some(tls) => tls.poll_shutdown(&mut this.sock, cx),
            None => Pin::new(&mut this.sock).poll_shutdown(cx),
        }
    }
}

#[derive(Debug, Default)]
struct AbortState {
    aborted: AtomicBool,
    waker: Mutex<Option<Waker>>,
}

#[derive(Debug)]
enum Stream {
    Unix(UnixStream),
    Tcp(TcpStream),
}

/// The tokio socket: the stream, its abort state, and the deadline timer kept across
/// requests so that a pooled connection allocates it once. For an `ssh://` connection, the
/// ssh process, killed and reaped after the stream is closed.
#[derive(Debug)]
pub(crate) struct Sock {
    stream: Stream,
    abort: Arc<AbortState>,
    timer: Option<Pin<Box<Sleep>>>,
    ssh: Option<SshProcess>,
}

impl Sock {
    /// One read poll, given up at `deadline`.
    fn poll_read_by(
        &mut self,
        cx: &mut Context<'_>,
        spare: &mut [u8],
        deadline: Option<Instant>,
    ) -> Poll<io::Result<usize>> {
        let mut rb = ReadBuf::new(spare);
        match Pin::new(&mut *self).poll_read(cx, &mut rb) {
            Poll::Ready(res) => Poll::Ready(res.map(|()| rb.filled().len())),
            Poll::Pending => self.poll_deadline(cx, deadline),
        }
    }

    /// One write poll, given up at `deadline`.
    fn poll_write_by(
        &mut self,
        cx: &mut Context<'_>,
        bytes: &[u8],
        deadline: Option<Instant>,
    ) -> Poll<io::Result<usize>> {
        match Pin::new(&mut *self).poll_write(cx, bytes) {
            Poll::Ready(res) => Poll::Ready(res),
            Poll::Pending => self.poll_deadline(cx, deadline),
        }
    }

    /// Pending until `deadline`, then a timeout. The timer is armed only while IO is
    /// pending, and reset only for a new deadline.
    fn poll_deadline<T>(
        &mut self,
        cx: &mut Context<'_>,
        deadline: Option<Instant>,
    ) -> Poll<io::Result<T>> {
        let Some(at) = deadline else {
            return Poll::Pending;
        };
        let at = tokio::time::Instant::from_std(at);
        let timer = self
            .timer
            .get_or_insert_with(|| Box::pin(tokio::time::sleep_until(at)));
        if timer.deadline() != at {
            timer.as_mut().reset(at);
        }
        match timer.as_mut().poll(cx) {
            Poll::Ready(()) => Poll::Ready(Err(io::ErrorKind::TimedOut.into())),
            Poll::Pending => Poll::Pending,
        }
    }

    fn check_abort(&self, cx: &mut Context<'_>) -> Result<(), io::Error> {
        if self.abort.aborted.load(Ordering::SeqCst) {
            return Err(stream_aborted());
        }
        if Arc::strong_count(&self.abort) > 1 {
            let mut waker = self.abort.waker.lock().unwrap_or_else(|e| e.into_inner());
            match &mut *waker {
                Some(w) => w.clone_from(cx.waker()),
                None => *waker = Some(cx.waker().clone()),
            }
            drop(waker);
            // An abort between the check and the registration must not be missed.
            if self.abort.aborted.load(Ordering::SeqCst) {
                return Err(stream_aborted());
            }
        }
        Ok(())
    }
}

impl AsyncRead for Sock {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        this.check_abort(cx)?;
        match &mut this.stream {
            Stream::Unix(s) => Pin::new(s).poll_read(cx, buf),
            Stream::Tcp(s) => Pin::new(s).poll_read(cx, buf),
        }
    }
}

impl AsyncWrite for Sock {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        this.check_abort(cx)?;
        match &mut this.stream {
            Stream::Unix(s) => Pin::new(s).poll_write(cx, buf),
            Stream::Tcp(s) => Pin::new(s).poll_write(cx, buf),
        }
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        match &mut self.get_mut().stream {
            Stream::Unix(s) => Pin::new(s).poll_flush(cx),
            Stream::Tcp(s) => Pin::new(s).poll_flush(cx),
        }
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        match &mut self.get_mut().stream {
            Stream::Unix(s) => Pin::new(s).poll_shutdown(cx),
            Stream::Tcp(s) => Pin::new(s).poll_shutdown(cx),
        }
    }
}

impl Socket for Sock {
    fn is_alive(&mut self) -> bool {
        let mut probe = [0u8; 1];
        let res = match &self.stream {
            Stream::Unix(s) => s.try_read(&mut probe),
            Stream::Tcp(s) => s.try_read(&mut probe),
        };
        matches!(res, Err(e) if e.kind() == io::ErrorKind::WouldBlock)
    }

    fn is_private(&self) -> bool {
        Arc::strong_count(&self.abort) == 1 && !self.is_aborted()
    }

    fn is_aborted(&self) -> bool {
        self.abort.aborted.load(Ordering::Relaxed)
    }

    fn ssh_stderr(&self) -> Option<String> {
        self.ssh.as_ref().map(SshProcess::stderr_text)
    }
}

// Debug shows what a value is, never the bytes it carries.
crate::opaque_debug!(
    Transport,
    Response,
    BodyReader,
    BodyStream,
    AbortHandle,
    Upgraded
);
