//! The tokio client: the same methods as the blocking client, returning futures.
//!
//! Every method of [`Client`] is the one [`crate::Client`] method, in the [`Tokio`]
//! flavour: where its signature says `F::Out<'_, T>`, read a [`Pending`] future of
//! `Result<T>`, which borrows only the client. No runtime is started behind your back: the
//! futures run on whatever tokio runtime polls them (current-thread or multi-thread, with
//! the time driver enabled), and every one is `Send`.
//!
//! ```no_run
//! use docker_client::tokio::Client;
//! use docker_client::ListContainersOptions;
//!
//! # async fn run() -> docker_client::Result<()> {
//! let client = Client::from_env()?;
//! for c in client.list_containers(&ListContainersOptions::default()).await? {
//!     let info = client.inspect_container(&c.id).await?;
//!     println!("{} pid {}", info.name, info.state.pid);
//! }
//! # Ok(()) }
//! ```
//!
//! This module holds the flavour's IO and nothing else: each request is sent with
//! [`docker_transport::tokio::Transport`]; a method's future is boxed, so that its type
//! can be named.

use std::future::Future;
use std::io;
use std::pin::Pin;
use std::task::{ready, Context, Poll};
use std::time::Duration;

use docker_models::{ContainerStats, EventMessage, ProgressMessage};
use docker_transport::tokio::{Body, BodyStream, Reader, Request, Response, Transport, Upgraded};
use docker_transport::{Config, ResponseHead};
use futures_core::Stream;
use tokio::io::{AsyncRead, AsyncWriteExt, ReadBuf, ReadHalf, WriteHalf};

pub use docker_transport::tokio::{AbortHandle, BodyReader};

use crate::flavour::io::FlavourIo;
use crate::stream::Items;
use crate::{Flavour, InventoryChange, LogChunk, Result, WatchItem};

pub use crate::flavour::Tokio;

/// What a tokio client method returns: a boxed `Send` future of `Result<T>` that borrows
/// the client for `'a`.
///
/// ```no_run
/// # async fn run() -> docker_client::Result<()> {
/// let client = docker_client::tokio::Client::from_env()?;
/// let pending: docker_client::tokio::Pending<'_, docker_client::models::SystemVersion> = client.version();
/// println!("engine {}", pending.await?.version);
/// # Ok(()) }
/// ```
pub type Pending<'a, T> = Pin<Box<dyn Future<Output = Result<T>> + Send + 'a>>;

/// An async Docker Engine API client on tokio. See [`crate::Client`] for its methods.
///
/// ```no_run
/// # async fn run() -> docker_client::Result<()> {
/// let client = docker_client::tokio::Client::from_env()?;
/// println!("engine {}", client.version().await?.version);
/// # Ok(()) }
/// ```
pub type Client = crate::Client<Tokio>;
/// The builder of a tokio [`Client`].
///
/// ```
/// use docker_client::tokio::{Client, ClientBuilder};
/// let builder: ClientBuilder = Client::builder().host("tcp://10.0.0.5:2375");
/// let client = builder.build()?;
/// # let _ = client;
/// # Ok::<(), docker_client::Error>(())
/// ```
pub type ClientBuilder = crate::ClientBuilder<Tokio>;
/// The events of [`Client::events`]: a `Stream` of `Result<EventMessage>`.
///
/// ```no_run
/// # async fn run() -> docker_client::Result<()> {
/// # let client = docker_client::tokio::Client::from_env()?;
/// use docker_client::{tokio::Events, EventsOptions};
/// let mut events: Events = client.events(&EventsOptions::default().filter("event", "die")).await?;
/// while let Some(event) = events.next_item().await? {
///     println!("{event}");
/// }
/// # Ok(()) }
/// ```
pub type Events = Items<Tokio, EventMessage>;
/// Stats samples from [`Client::stats_container_stream`]: a `Stream`.
///
/// ```no_run
/// # async fn run() -> docker_client::Result<()> {
/// # let client = docker_client::tokio::Client::from_env()?;
/// let mut stats: docker_client::tokio::Stats = client.stats_container_stream("web").await?;
/// if let Some(sample) = stats.next_item().await? {
///     println!("cpu {:?}%", sample.cpu_percent());
/// }
/// # Ok(()) }
/// ```
pub type Stats = Items<Tokio, ContainerStats>;
/// Container output from [`Client::logs_container`]: a `Stream` of [`LogChunk`]s.
///
/// ```no_run
/// # async fn run() -> docker_client::Result<()> {
/// # let client = docker_client::tokio::Client::from_env()?;
/// use docker_client::{tokio::Logs, LogsOptions};
/// let mut logs: Logs = client.logs_container("web", &LogsOptions::default().tail(20)).await?;
/// while let Some(chunk) = logs.next_item().await? {
///     print!("{}", String::from_utf8_lossy(&chunk.data));
/// }
/// # Ok(()) }
/// ```
pub type Logs = Items<Tokio, LogChunk>;
/// The progress of a pull, push, import or load: a `Stream` of [`ProgressMessage`]s.
///
/// ```no_run
/// # async fn run() -> docker_client::Result<()> {
/// # let client = docker_client::tokio::Client::from_env()?;
/// use docker_client::{tokio::Progress, PullImageOptions};
/// let progress: Progress = client.pull_image("alpine:3", &PullImageOptions::default()).await?;
/// for message in progress.finish().await? {
///     println!("{message}");
/// }
/// # Ok(()) }
/// ```
pub type Progress = Items<Tokio, ProgressMessage>;
/// A hijacked connection to a container's or an exec's stdio.
///
/// ```no_run
/// # async fn run() -> docker_client::Result<()> {
/// # let client = docker_client::tokio::Client::from_env()?;
/// use docker_client::{tokio::AttachSession, AttachOptions};
/// let mut session: AttachSession = client.attach_container("shell", AttachOptions::default().stdin(true)).await?;
/// session.write_stdin(b"uname -a\n").await?;
/// # Ok(()) }
/// ```
pub type AttachSession = crate::AttachSession<Tokio>;
/// The stdin half of an [`AttachSession`].
///
/// ```no_run
/// # async fn run() -> docker_client::Result<()> {
/// # let client = docker_client::tokio::Client::from_env()?;
/// use docker_client::{tokio::AttachInput, AttachOptions};
/// let session = client.attach_container("shell", AttachOptions::default().stdin(true)).await?;
/// let (mut input, _output): (AttachInput, _) = session.split();
/// input.write_stdin(b"exit\n").await?;
/// input.close().await?;
/// # Ok(()) }
/// ```
pub type AttachInput = crate::AttachInput<Tokio>;
/// The output half of an [`AttachSession`]: a `Stream` of [`LogChunk`]s.
///
/// ```no_run
/// # async fn run() -> docker_client::Result<()> {
/// # let client = docker_client::tokio::Client::from_env()?;
/// use docker_client::{tokio::AttachOutput, AttachOptions};
/// let session = client.attach_container("web", AttachOptions::default()).await?;
/// let (_input, mut output): (_, AttachOutput) = session.split();
/// while let Some(chunk) = output.next_item().await? {
///     print!("{}", String::from_utf8_lossy(&chunk.data));
/// }
/// # Ok(()) }
/// ```
pub type AttachOutput = Items<Tokio, LogChunk>;
/// The answer to [`Client::request`], whatever its status.
///
/// ```no_run
/// # async fn run() -> docker_client::Result<()> {
/// # let client = docker_client::tokio::Client::from_env()?;
/// use docker_client::{tokio::RawResponse, Method};
/// let res: RawResponse = client.request(Method::Get, "/info", &[], None).await?;
/// println!("{}", res.status());
/// # Ok(()) }
/// ```
pub type RawResponse = crate::RawResponse<Tokio>;
/// A reconnecting event subscription: a `Stream` of [`WatchItem`]s.
///
/// ```no_run
/// # async fn run() -> docker_client::Result<()> {
/// # let client = docker_client::tokio::Client::from_env()?;
/// use std::time::Duration;
/// let watcher: docker_client::tokio::EventWatcher = client.watch_events(&Default::default());
/// while let Some(item) = watcher.next_timeout(Duration::from_secs(60)).await? {
///     println!("{item:?}");
/// }
/// # Ok(()) }
/// ```
pub type EventWatcher = crate::EventWatcher<Tokio>;
/// A live map of the running containers: a `Stream` of [`InventoryChange`]s.
///
/// ```no_run
/// # async fn run() -> docker_client::Result<()> {
/// # let client = docker_client::tokio::Client::from_env()?;
/// let inventory: docker_client::tokio::ContainerInventory =
///     client.watch_containers(&Default::default()).await?;
/// println!("{} containers running", inventory.len());
/// # Ok(()) }
/// ```
pub type ContainerInventory = crate::ContainerInventory<Tokio>;

impl Flavour for Tokio {
    type Out<'a, T: Send + 'a> = Pending<'a, T>;
    type Reader = BodyReader;
    type AbortHandle = AbortHandle;

    fn run<'a, T: Send + 'a>(
        future: impl Future<Output = Result<T>> + Send + 'a,
    ) -> Pending<'a, T> {
        Box::pin(future)
    }

    fn wait<'a, T: Send + 'a>(out: Pending<'a, T>) -> impl Future<Output = Result<T>> + Send + 'a {
        out
    }

    fn reader(response: Response) -> BodyReader {
        response.into_async_read()
    }

    fn abort_handle(response: &Response) -> AbortHandle {
        response.abort_handle()
    }

    fn abort(handle: &AbortHandle) {
        handle.abort();
    }

    async fn upgrade(response: Response) -> Result<(Chunks, WriteHalf<Upgraded>, AbortHandle)> {
        let upgraded = response.into_upgraded().await?;
        let abort = upgraded.abort_handle();
        let (reader, writer) = tokio::io::split(upgraded);
        let chunks = Chunks::Raw {
            reader,
            buf: vec![0; 64 * 1024],
        };
        Ok((chunks, writer, abort))
    }

    fn chunked(bytes: Vec<u8>) -> Body {
        Body::Reader(Box::new(std::io::Cursor::new(bytes)))
    }

    async fn read_all(mut reader: BodyReader) -> Result<Vec<u8>> {
        let mut body = Vec::new();
        let read = tokio::io::AsyncReadExt::read_to_end(&mut reader, &mut body).await;
        read.map_err(|e| crate::flavour::session_error("the body", e))?;
        Ok(body)
    }
}

impl FlavourIo for Tokio {
    type Transport = Transport;
    type Upload = Reader;
    type Response = Response;
    type Chunks = Chunks;
    type Writer = WriteHalf<Upgraded>;
    type Task = tokio::task::AbortHandle;

    fn transport(config: Config) -> Transport {
        Transport::new(config)
    }

    fn config(transport: &Transport) -> &Config {
        transport.config()
    }

    async fn send(transport: &Transport, request: Request) -> Result<Response> {
        Ok(transport.send(request).await?)
    }

    fn head(response: &Response) -> &ResponseHead {
        response.head()
    }

    async fn bytes(response: Response) -> Result<Vec<u8>> {
        Ok(response.bytes().await?)
    }

    async fn error_body(response: Response) -> Result<docker_transport::ErrorBody> {
        Ok(response.error_body().await?)
    }

    async fn next_chunk(response: &mut Response) -> Result<Option<&[u8]>> {
        Ok(response.next_chunk().await?)
    }

    fn chunks(response: Response) -> Chunks {
        Chunks::Body(response.into_stream())
    }

    fn poll_chunk<'c>(
        chunks: &'c mut Chunks,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<&'c [u8]>>> {
        chunks.poll_next(cx)
    }

    async fn write_all<'a>(writer: &'a mut WriteHalf<Upgraded>, data: &'a [u8]) -> io::Result<()> {
        writer.write_all(data).await?;
        writer.flush().await
    }

    async fn shutdown(writer: &mut WriteHalf<Upgraded>) -> io::Result<()> {
        writer.shutdown().await
    }

    async fn sleep(duration: Duration) {
        tokio::time::sleep(duration).await;
    }

    async fn timeout<'a, T: Send + 'a>(
        duration: Duration,
        future: impl Future<Output = T> + Send + 'a,
    ) -> Option<T> {
        tokio::time::timeout(duration, future).await.ok()
    }

    /// # Panics
    ///
    /// Outside a tokio runtime.
    fn spawn(
        _name: &'static str,
        work: impl Future<Output = ()> + Send + 'static,
    ) -> tokio::task::AbortHandle {
        tokio::spawn(work).abort_handle()
    }

    fn cancel(task: &tokio::task::AbortHandle) {
        task.abort();
    }
}

impl<R: AsyncRead + Send + Unpin + 'static> crate::Upload<Tokio> for R {
    fn into_body(self) -> Body {
        Body::Reader(Box::new(self))
    }
}

/// A build context walks a directory with blocking file IO: it is read on tokio's
/// blocking threads.
impl crate::Upload<Tokio> for crate::BuildContext {
    fn into_body(self) -> Body {
        Body::Reader(Box::new(OffThread::new(self)))
    }
}

/// A blocking reader read on tokio's blocking threads, one 64 KiB read at a time, so that
/// its IO never stalls the runtime and memory stays one buffer.
struct OffThread<R> {
    state: OffThreadState<R>,
}

enum OffThreadState<R> {
    /// The reader, its buffer, and the part of the buffer not yet handed out.
    Idle {
        reader: R,
        buf: Vec<u8>,
        at: usize,
        len: usize,
    },
    /// A read in progress on a blocking thread.
    Reading(tokio::task::JoinHandle<(R, Vec<u8>, io::Result<usize>)>),
    /// The reader's end, or its error, was handed out.
    Done,
}

// The reader is moved in and out of the state, never pinned.
impl<R> Unpin for OffThread<R> {}

impl<R: std::io::Read + Send + 'static> OffThread<R> {
    fn new(reader: R) -> OffThread<R> {
        OffThread {
            state: OffThreadState::Idle {
                reader,
                buf: Vec::new(),
                at: 0,
                len: 0,
            },
        }
    }
}

impl<R: std::io::Read + Send + 'static> AsyncRead for OffThread<R> {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        out: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        loop {
            match std::mem::replace(&mut this.state, OffThreadState::Done) {
                OffThreadState::Idle {
                    reader,
                    buf,
                    at,
                    len,
                } if at < len => {
                    let n = out.remaining().min(len - at);
                    out.put_slice(&buf[at..at + n]);
                    this.state = OffThreadState::Idle {
                        reader,
                        buf,
                        at: at + n,
                        len,
                    };
                    return Poll::Ready(Ok(()));
                }
                OffThreadState::Idle {
                    mut reader,
                    mut buf,
                    ..
                } => {
                    let read = tokio::task::spawn_blocking(move || {
                        buf.resize(64 * 1024, 0);
                        let n = reader.read(&mut buf);
                        (reader, buf, n)
                    });
                    this.state = OffThreadState::Reading(read);
                }
                OffThreadState::Reading(mut read) => match Pin::new(&mut read).poll(cx) {
                    Poll::Pending => {
                        this.state = OffThreadState::Reading(read);
                        return Poll::Pending;
                    }
                    Poll::Ready(Ok((_, _, Ok(0)))) => return Poll::Ready(Ok(())),
                    Poll::Ready(Ok((reader, buf, Ok(len)))) => {
                        this.state = OffThreadState::Idle {
                            reader,
                            buf,
                            at: 0,
                            len,
                        };
                    }
                    Poll::Ready(Ok((_, _, Err(e)))) => return Poll::Ready(Err(e)),
                    Poll::Ready(Err(e)) => return Poll::Ready(Err(io::Error::other(e))),
                },
                OffThreadState::Done => return Poll::Ready(Ok(())),
            }
        }
    }
}

/// Where a tokio stream's bytes come from.
// The body is the common variant and the larger one: boxing it would cost every stream an
// allocation.
#[allow(clippy::large_enum_variant)]
#[doc(hidden)]
pub enum Chunks {
    /// A response body.
    Body(BodyStream),
    /// The read half of an upgraded connection, and a buffer to read it into.
    Raw {
        /// The read half.
        reader: ReadHalf<Upgraded>,
        /// The read buffer.
        buf: Vec<u8>,
    },
}

impl Chunks {
    fn poll_next(&mut self, cx: &mut Context<'_>) -> Poll<Option<Result<&[u8]>>> {
        match self {
            // Borrowed from the read buffer: decoded in place, never copied first.
            Chunks::Body(body) => match ready!(body.poll_chunk(cx)) {
                Some(Ok(chunk)) => Poll::Ready(Some(Ok(chunk))),
                Some(Err(e)) => Poll::Ready(Some(Err(e.into()))),
                None => Poll::Ready(None),
            },
            Chunks::Raw { reader, buf } => {
                let mut rb = ReadBuf::new(buf);
                match ready!(Pin::new(reader).poll_read(cx, &mut rb)) {
                    Ok(()) if rb.filled().is_empty() => Poll::Ready(None),
                    Ok(()) => {
                        let n = rb.filled().len();
                        Poll::Ready(Some(Ok(&buf[..n])))
                    }
                    Err(e) => Poll::Ready(Some(Err(crate::flavour::session_error("attach", e)))),
                }
            }
        }
    }
}

impl<T> Stream for Items<Tokio, T> {
    type Item = Result<T>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Result<T>>> {
        self.get_mut().poll_item(cx)
    }
}

impl Stream for AttachSession {
    type Item = Result<LogChunk>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Result<LogChunk>>> {
        self.get_mut().output_mut().poll_item(cx)
    }
}

impl Stream for EventWatcher {
    type Item = WatchItem;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<WatchItem>> {
        self.queue().poll_recv(cx)
    }
}

impl Stream for ContainerInventory {
    type Item = InventoryChange;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<InventoryChange>> {
        self.changes().poll_recv(cx)
    }
}
