//! The tokio flavour, over tokio's `UnixStream` and `TcpStream`.
//!
//! The same names and semantics as `blocking`, async. Everything but the
//! read and write polls lives in the shared exchange. Deadlines use `tokio::time`, so the
//! runtime needs its time driver (`enable_time`, or `enable_all`); the sockets need its IO
//! driver. Works on current-thread and multi-thread runtimes; every future is `Send`.

use std::future::{poll_fn, Future};
use std::io;
use std::net::IpAddr;
use std::ops::Range;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{ready, Context, Poll, Waker};
use std::time::Instant;

use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt, ReadBuf};
use tokio::net::{TcpStream, UnixStream};
use tokio::time::Sleep;

use crate::buffer::{ReadBuf as InputBuf, READ_SIZE};
use crate::exchange::{Exchange, Shared, Step};
use crate::pool::{Conn, Socket};
use crate::{Config, Endpoint, Error, Headers, ResponseHead};

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
        let mut retried = false;
        loop {
            let (conn, reused) = match self.shared.pool.take(!retried && request.is_replayable()) {
                Some(conn) => (conn, true),
                None => (self.connect().await?, false),
            };
            let mut ex = Exchange::start(self.shared.clone(), conn, reused, &request)?;
            match exchange_head(&mut ex, &mut request.body).await {
                Ok(()) => return Ok(Response { ex }),
                Err(e) if !retried && ex.is_stale(&e) && request.is_replayable() => retried = true,
                Err(e) => return Err(e),
            }
        }
    }

    async fn connect(&self) -> Result<Conn<Sock>, Error> {
        let shared = &self.shared;
        let stream = match &shared.config.endpoint {
            Endpoint::Unix(path) => Stream::Unix(
                UnixStream::connect(path)
                    .await
                    .map_err(|e| shared.connect_error(e))?,
            ),
            Endpoint::Tcp { host, port } => {
                let connect = connect_tcp(host, *port);
                let res = match shared.config.timeouts.connect {
                    Some(t) => match tokio::time::timeout(t, connect).await {
                        Ok(res) => res,
                        Err(_) => Err(io::ErrorKind::TimedOut.into()),
                    },
                    None => connect.await,
                };
                let tcp = res.map_err(|e| shared.connect_error(e))?;
                let _ = tcp.set_nodelay(true);
                Stream::Tcp(tcp)
            }
        };
        let sock = Sock {
            stream,
            abort: Arc::new(AbortState::default()),
            timer: None,
            armed: false,
        };
        Ok(Conn::new(sock, shared.config.limits.max_head_bytes))
    }
}

async fn connect_tcp(host: &str, port: u16) -> io::Result<TcpStream> {
    if let Ok(ip) = host.parse::<IpAddr>() {
        return TcpStream::connect((ip, port)).await;
    }
    let mut last = None;
    for addr in tokio::net::lookup_host((host, port)).await? {
        match TcpStream::connect(addr).await {
            Ok(stream) => return Ok(stream),
            Err(e) => last = Some(e),
        }
    }
    Err(last.unwrap_or_else(|| {
        io::Error::new(
            io::ErrorKind::NotFound,
            format!("{host} resolves to no address"),
        )
    }))
}

/// Writes the request and reads until the head arrived.
async fn exchange_head(ex: &mut Exchange<Sock>, body: &mut Body) -> Result<(), Error> {
    if let Some(sock) = ex.io_mut() {
        sock.armed = false;
    }
    write_out(ex).await?;
    if let Body::Reader(reader) = body {
        let mut chunk = vec![0; READ_SIZE];
        loop {
            let n = match reader.read(&mut chunk).await {
                Ok(0) => break,
                Ok(n) => n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => {
                    ex.fail();
                    return Err(ex.shared.io_error(e));
                }
            };
            ex.encode_body(&chunk[..n])?;
            write_out(ex).await?;
        }
        ex.encode_finish()?;
        write_out(ex).await?;
    }
    ex.sent();
    let step = poll_fn(|cx| poll_step(ex, cx)).await?;
    debug_assert_eq!(step, Step::Head, "the codec yields the head first");
    Ok(())
}

async fn write_out(ex: &mut Exchange<Sock>) -> Result<(), Error> {
    let timeout = ex.write_timeout();
    let Some((sock, out)) = ex.outgoing() else {
        return Ok(());
    };
    let res = match timeout {
        Some(t) => match tokio::time::timeout(t, sock.write_all(out)).await {
            Ok(res) => res,
            Err(_) => Err(io::ErrorKind::TimedOut.into()),
        },
        None => sock.write_all(out).await,
    };
    res.map_err(|e| ex.write_failed(e))
}

/// One decode step; on `NeedData`, reads and decodes again. Never yields `NeedData`.
fn poll_step(ex: &mut Exchange<Sock>, cx: &mut Context<'_>) -> Poll<Result<Step, Error>> {
    loop {
        match ex.step()? {
            Step::NeedData => ready!(poll_fill(ex, cx))?,
            step => return Poll::Ready(Ok(step)),
        }
    }
}

/// The tokio read: one poll into the exchange's buffer, under the current deadline.
fn poll_fill(ex: &mut Exchange<Sock>, cx: &mut Context<'_>) -> Poll<Result<(), Error>> {
    let polled = {
        let (sock, spare) = ex.spare()?;
        let mut rb = ReadBuf::new(spare);
        match Pin::new(&mut *sock).poll_read(cx, &mut rb) {
            Poll::Ready(res) => {
                sock.armed = false;
                Some(res.map(|()| rb.filled().len()))
            }
            Poll::Pending => None,
        }
    };
    if let Some(res) = polled {
        return Poll::Ready(ex.filled(res));
    }
    let armed = ex.io_mut().is_some_and(|s| s.armed);
    if !armed {
        let deadline = ex.deadline(Instant::now())?;
        let Some(sock) = ex.io_mut() else {
            return Poll::Pending;
        };
        sock.armed = true;
        match deadline {
            None => sock.timer = None,
            Some(at) => {
                let at = tokio::time::Instant::from_std(at);
                match &mut sock.timer {
                    Some(timer) => timer.as_mut().reset(at),
                    None => sock.timer = Some(Box::pin(tokio::time::sleep_until(at))),
                }
            }
        }
    }
    let expired = match ex.io_mut().and_then(|s| s.timer.as_mut()) {
        Some(timer) => timer.as_mut().poll(cx).is_ready(),
        None => false,
    };
    match expired {
        true => Poll::Ready(Err(ex.timed_out())),
        false => Poll::Pending,
    }
}

fn poll_next_range(
    ex: &mut Exchange<Sock>,
    cx: &mut Context<'_>,
) -> Poll<Result<Option<Range<usize>>, Error>> {
    loop {
        return match ready!(poll_step(ex, cx))? {
            Step::Body(range) => Poll::Ready(Ok(Some(range))),
            Step::End | Step::Upgraded => Poll::Ready(Ok(None)),
            Step::Head | Step::NeedData => continue,
        };
    }
}

/// A response whose head arrived; the body is read on demand.
///
/// Pooling follows the blocking flavour: a finished, reusable connection goes back to the
/// pool when [`next_chunk`](Response::next_chunk) returns `None`; dropping an unfinished
/// response closes it.
pub struct Response {
    ex: Exchange<Sock>,
}

impl Response {
    /// The status code.
    pub fn status(&self) -> u16 {
        self.ex.head().status
    }

    /// The headers.
    pub fn headers(&self) -> &Headers {
        &self.ex.head().headers
    }

    /// The whole head.
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
        match poll_fn(|cx| poll_next_range(ex, cx)).await? {
            Some(range) => Ok(Some(self.ex.slice(range))),
            None => Ok(None),
        }
    }

    /// The whole body, capped as in the blocking
    /// `bytes`.
    pub async fn bytes(self) -> Result<Vec<u8>, Error> {
        let limit = self.ex.body_cap();
        self.bytes_limited(limit).await
    }

    /// The whole body, capped at `limit` bytes.
    pub async fn bytes_limited(mut self, limit: usize) -> Result<Vec<u8>, Error> {
        let mut out = Vec::with_capacity(self.ex.size_hint(limit));
        let ex = &mut self.ex;
        while let Some(range) = poll_fn(|cx| poll_next_range(ex, cx)).await? {
            ex.collect(&mut out, range, limit)?;
        }
        Ok(out)
    }

    /// The body as `AsyncRead`; errors become `io::Error`.
    pub fn into_async_read(self) -> BodyReader {
        BodyReader {
            ex: self.ex,
            pending: 0..0,
        }
    }

    /// The body as a stream of owned chunks, ending after the complete end or the first
    /// error.
    pub fn into_stream(self) -> BodyStream {
        BodyStream {
            ex: self.ex,
            done: false,
        }
    }

    /// The raw duplex stream after an upgrade; see the blocking
    /// `into_upgraded`.
    pub async fn into_upgraded(mut self) -> Result<Upgraded, Error> {
        let ex = &mut self.ex;
        let step = poll_fn(|cx| poll_step(ex, cx)).await?;
        if step != Step::Upgraded {
            return Err(ex.not_upgraded());
        }
        let conn = ex.take_upgraded();
        Ok(Upgraded {
            sock: conn.io,
            leftover: conn.buf,
        })
    }

    /// A handle that stops this response from another task or thread: a pending read
    /// returns at once with an [`Error::Io`] of kind `ConnectionAborted`.
    pub fn abort_handle(&self) -> AbortHandle {
        AbortHandle {
            state: self.ex.conn().map(|c| c.io.abort.clone()),
        }
    }
}

/// The body of a [`Response`] as `AsyncRead`.
pub struct BodyReader {
    ex: Exchange<Sock>,
    pending: Range<usize>,
}

impl AsyncRead for BodyReader {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        if this.pending.is_empty() {
            match ready!(poll_next_range(&mut this.ex, cx)) {
                Ok(Some(range)) => this.pending = range,
                Ok(None) => return Poll::Ready(Ok(())),
                Err(e) => return Poll::Ready(Err(e.into())),
            }
        }
        let n = buf.remaining().min(this.pending.len());
        let from = this.pending.start;
        buf.put_slice(this.ex.slice(from..from + n));
        this.pending.start += n;
        Poll::Ready(Ok(()))
    }
}

/// The body of a [`Response`] as a `Stream` of owned chunks.
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
        let res = ready!(poll_next_range(&mut self.ex, cx));
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
#[derive(Clone)]
pub struct AbortHandle {
    state: Option<Arc<AbortState>>,
}

impl AbortHandle {
    /// Stops it: the pending or next read or write fails with `ConnectionAborted`, and the
    /// connection is closed when its owner drops it. Idempotent.
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
pub struct Upgraded {
    sock: Sock,
    leftover: InputBuf,
}

impl Upgraded {
    /// A handle that stops this stream from another task or thread.
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
        Pin::new(&mut this.sock).poll_read(cx, buf)
    }
}

impl AsyncWrite for Upgraded {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.get_mut().sock).poll_write(cx, buf)
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().sock).poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().sock).poll_shutdown(cx)
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
/// requests so that a pooled connection allocates it once.
#[derive(Debug)]
pub(crate) struct Sock {
    stream: Stream,
    abort: Arc<AbortState>,
    timer: Option<Pin<Box<Sleep>>>,
    /// True while the timer is set for the current wait.
    armed: bool,
}

impl Sock {
    fn check_abort(&self, cx: &mut Context<'_>) -> Result<(), io::Error> {
        if self.abort.aborted.load(Ordering::SeqCst) {
            return Err(aborted());
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
                return Err(aborted());
            }
        }
        Ok(())
    }
}

fn aborted() -> io::Error {
    io::Error::new(
        io::ErrorKind::ConnectionAborted,
        "the stream was aborted by its AbortHandle",
    )
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
}
