//! The blocking client: plain methods over std sockets, no runtime. Calls run on the
//! caller's thread; only the event watcher and the inventory own a reader thread.
//!
//! Every method of [`Client`] is the one [`crate::Client`] method, in the [`Blocking`]
//! flavour: where its signature says `F::Out<'_, T>`, read `Result<T>`.
//!
//! ```no_run
//! use docker_client::blocking::Client;
//! use docker_client::ListContainersOptions;
//!
//! let client = Client::from_env()?;
//! for c in client.list_containers(&ListContainersOptions::default())? {
//!     let info = client.inspect_container(&c.id)?;
//!     println!("{} pid {}", info.name, info.state.pid);
//! }
//! # Ok::<(), docker_client::Error>(())
//! ```
//!
//! This module holds the flavour's IO and nothing else: each request is sent with
//! [`docker_transport::blocking::Transport`], and a method's future, whose IO completes
//! inside its poll, is run to its end on the calling thread.

use std::cell::Cell;
use std::future::{poll_fn, Future};
use std::io::{self, Read, Write};
use std::pin::pin;
use std::sync::Arc;
use std::task::{Context, Poll, Wake, Waker};
use std::thread::{self, Thread};
use std::time::{Duration, Instant};

use docker_models::{ContainerStats, EventMessage, ProgressMessage};
use docker_transport::blocking::{
    Body, Reader, Request, Response, Transport, UpgradedReader, UpgradedWriter,
};
use docker_transport::{Config, ResponseHead};

pub use docker_transport::blocking::{AbortHandle, BodyReader};

use crate::flavour::io::FlavourIo;
use crate::stream::Items;
use crate::{Error, Flavour, InventoryChange, LogChunk, Result, WatchItem};

pub use crate::flavour::Blocking;

/// A blocking Docker Engine API client. See [`crate::Client`] for its methods.
///
/// ```no_run
/// let client = docker_client::blocking::Client::from_env()?;
/// println!("engine {}", client.version()?.version);
/// # Ok::<(), docker_client::Error>(())
/// ```
pub type Client = crate::Client<Blocking>;
/// The builder of a blocking [`Client`].
///
/// ```
/// use docker_client::blocking::{Client, ClientBuilder};
/// let builder: ClientBuilder = Client::builder().host("tcp://10.0.0.5:2375");
/// let client = builder.build()?;
/// # let _ = client;
/// # Ok::<(), docker_client::Error>(())
/// ```
pub type ClientBuilder = crate::ClientBuilder<Blocking>;
/// The events of [`Client::events`]: an iterator of `Result<EventMessage>`.
///
/// ```no_run
/// # let client = docker_client::blocking::Client::from_env()?;
/// use docker_client::{blocking::Events, EventsOptions};
/// let events: Events = client.events(&EventsOptions::default().filter("event", "die"))?;
/// for event in events {
///     println!("{}", event?);
/// }
/// # Ok::<(), docker_client::Error>(())
/// ```
pub type Events = Items<Blocking, EventMessage>;
/// Stats samples from [`Client::stats_container_stream`]: an iterator.
///
/// ```no_run
/// # let client = docker_client::blocking::Client::from_env()?;
/// let mut stats: docker_client::blocking::Stats = client.stats_container_stream("web")?;
/// if let Some(sample) = stats.next() {
///     println!("cpu {:?}%", sample?.cpu_percent());
/// }
/// # Ok::<(), docker_client::Error>(())
/// ```
pub type Stats = Items<Blocking, ContainerStats>;
/// Container output from [`Client::logs_container`]: an iterator of [`LogChunk`]s.
///
/// ```no_run
/// # let client = docker_client::blocking::Client::from_env()?;
/// use docker_client::{blocking::Logs, LogsOptions};
/// let logs: Logs = client.logs_container("web", &LogsOptions::default().tail(20))?;
/// for chunk in logs {
///     print!("{}", String::from_utf8_lossy(&chunk?.data));
/// }
/// # Ok::<(), docker_client::Error>(())
/// ```
pub type Logs = Items<Blocking, LogChunk>;
/// The progress of a pull, push, import or load: an iterator of [`ProgressMessage`]s.
///
/// ```no_run
/// # let client = docker_client::blocking::Client::from_env()?;
/// use docker_client::{blocking::Progress, PullImageOptions};
/// let progress: Progress = client.pull_image("alpine:3", &PullImageOptions::default())?;
/// for message in progress {
///     println!("{}", message?);
/// }
/// # Ok::<(), docker_client::Error>(())
/// ```
pub type Progress = Items<Blocking, ProgressMessage>;
/// A hijacked connection to a container's or an exec's stdio.
///
/// ```no_run
/// # let client = docker_client::blocking::Client::from_env()?;
/// use docker_client::{blocking::AttachSession, AttachOptions};
/// let mut session: AttachSession = client.attach_container("shell", AttachOptions::default().stdin(true))?;
/// session.write_stdin(b"uname -a\n")?;
/// # Ok::<(), docker_client::Error>(())
/// ```
pub type AttachSession = crate::AttachSession<Blocking>;
/// The stdin half of an [`AttachSession`].
///
/// ```no_run
/// # let client = docker_client::blocking::Client::from_env()?;
/// use docker_client::{blocking::AttachInput, AttachOptions};
/// let session = client.attach_container("shell", AttachOptions::default().stdin(true))?;
/// let (mut input, _output): (AttachInput, _) = session.split();
/// input.write_stdin(b"exit\n")?;
/// input.close()?;
/// # Ok::<(), docker_client::Error>(())
/// ```
pub type AttachInput = crate::AttachInput<Blocking>;
/// The output half of an [`AttachSession`]: an iterator of [`LogChunk`]s.
///
/// ```no_run
/// # let client = docker_client::blocking::Client::from_env()?;
/// use docker_client::{blocking::AttachOutput, AttachOptions};
/// let session = client.attach_container("web", AttachOptions::default())?;
/// let (_input, output): (_, AttachOutput) = session.split();
/// for chunk in output {
///     print!("{}", String::from_utf8_lossy(&chunk?.data));
/// }
/// # Ok::<(), docker_client::Error>(())
/// ```
pub type AttachOutput = Items<Blocking, LogChunk>;
/// The answer to [`Client::request`], whatever its status.
///
/// ```no_run
/// # let client = docker_client::blocking::Client::from_env()?;
/// use docker_client::{blocking::RawResponse, Method};
/// let res: RawResponse = client.request(Method::Get, "/info", &[], None)?;
/// println!("{}", res.status());
/// # Ok::<(), docker_client::Error>(())
/// ```
pub type RawResponse = crate::RawResponse<Blocking>;
/// A reconnecting event subscription: an iterator of [`WatchItem`]s.
///
/// ```no_run
/// # let client = docker_client::blocking::Client::from_env()?;
/// let watcher: docker_client::blocking::EventWatcher = client.watch_events(&Default::default());
/// for item in &watcher {
///     println!("{item:?}");
/// }
/// # Ok::<(), docker_client::Error>(())
/// ```
pub type EventWatcher = crate::EventWatcher<Blocking>;
/// A live map of the running containers: an iterator of [`InventoryChange`]s.
///
/// ```no_run
/// # let client = docker_client::blocking::Client::from_env()?;
/// let inventory: docker_client::blocking::ContainerInventory =
///     client.watch_containers(&Default::default())?;
/// println!("{} containers running", inventory.len());
/// # Ok::<(), docker_client::Error>(())
/// ```
pub type ContainerInventory = crate::ContainerInventory<Blocking>;

impl Flavour for Blocking {
    type Out<'a, T: Send + 'a> = Result<T>;
    type Reader = BodyReader;
    type AbortHandle = AbortHandle;

    fn run<'a, T: Send + 'a>(future: impl Future<Output = Result<T>> + Send + 'a) -> Result<T> {
        block_on(future)
    }

    fn wait<'a, T: Send + 'a>(out: Result<T>) -> impl Future<Output = Result<T>> + Send + 'a {
        std::future::ready(out)
    }

    fn reader(response: Response) -> BodyReader {
        response.into_reader()
    }

    fn abort_handle(response: &Response) -> AbortHandle {
        response.abort_handle()
    }

    fn abort(handle: &AbortHandle) {
        handle.abort();
    }

    fn upgrade(
        response: Response,
    ) -> impl Future<Output = Result<(Chunks, UpgradedWriter, AbortHandle)>> + Send {
        let upgraded = response.into_upgraded().map_err(Error::from);
        std::future::ready(upgraded.and_then(|io| {
            let abort = io.abort_handle();
            let (reader, writer) = io
                .try_split()
                .map_err(|e| crate::flavour::session_error("attach", e))?;
            let chunks = Chunks::Raw {
                reader,
                buf: vec![0; 64 * 1024],
            };
            Ok((chunks, writer, abort))
        }))
    }

    fn chunked(bytes: Vec<u8>) -> Body {
        Body::Reader(Box::new(io::Cursor::new(bytes)))
    }

    fn read_all(mut reader: BodyReader) -> impl Future<Output = Result<Vec<u8>>> + Send {
        let mut body = Vec::new();
        let read = reader.read_to_end(&mut body);
        let read = read.map_err(|e| crate::flavour::session_error("the body", e));
        std::future::ready(read.map(|_| body))
    }
}

impl FlavourIo for Blocking {
    type Transport = Transport;
    type Upload = Reader;
    type Response = Response;
    type Chunks = Chunks;
    type Writer = UpgradedWriter;
    type Task = ();

    fn transport(config: Config) -> Transport {
        Transport::new(config)
    }

    fn config(transport: &Transport) -> &Config {
        transport.config()
    }

    fn send(
        transport: &Transport,
        request: Request,
    ) -> impl Future<Output = Result<Response>> + Send + '_ {
        std::future::ready(transport.send(request).map_err(Error::from))
    }

    fn head(response: &Response) -> &ResponseHead {
        response.head()
    }

    fn bytes(response: Response) -> impl Future<Output = Result<Vec<u8>>> + Send {
        std::future::ready(response.bytes().map_err(Error::from))
    }

    fn error_body(
        response: Response,
    ) -> impl Future<Output = Result<docker_transport::ErrorBody>> + Send {
        std::future::ready(response.error_body().map_err(Error::from))
    }

    fn next_chunk(response: &mut Response) -> impl Future<Output = Result<Option<&[u8]>>> + Send {
        std::future::ready(response.next_chunk().map_err(Error::from))
    }

    fn chunks(response: Response) -> Chunks {
        Chunks::Body(response)
    }

    fn poll_chunk<'c>(
        chunks: &'c mut Chunks,
        _cx: &mut Context<'_>,
    ) -> Poll<Option<Result<&'c [u8]>>> {
        Poll::Ready(chunks.next().transpose())
    }

    fn write_all<'a>(
        writer: &'a mut UpgradedWriter,
        data: &'a [u8],
    ) -> impl Future<Output = io::Result<()>> + Send + 'a {
        std::future::ready(writer.write_all(data).and_then(|()| writer.flush()))
    }

    fn shutdown(writer: &mut UpgradedWriter) -> impl Future<Output = io::Result<()>> + Send + '_ {
        std::future::ready(writer.shutdown_write())
    }

    fn sleep(duration: Duration) -> impl Future<Output = ()> + Send {
        thread::sleep(duration);
        std::future::ready(())
    }

    async fn timeout<'a, T: Send + 'a>(
        duration: Duration,
        future: impl Future<Output = T> + Send + 'a,
    ) -> Option<T> {
        let at = Instant::now().checked_add(duration);
        let mut future = pin!(future);
        poll_fn(|cx| {
            if let Poll::Ready(output) = future.as_mut().poll(cx) {
                return Poll::Ready(Some(output));
            }
            match at {
                Some(at) if Instant::now() >= at => Poll::Ready(None),
                Some(at) => {
                    wake_by(at);
                    Poll::Pending
                }
                None => Poll::Pending,
            }
        })
        .await
    }

    fn spawn(name: &'static str, work: impl Future<Output = ()> + Send + 'static) {
        thread::Builder::new()
            .name(name.into())
            .spawn(move || block_on(work))
            .expect("cannot start a background thread");
    }

    fn cancel(_task: &()) {}
}

impl<R: Read + Send + 'static> crate::Upload<Blocking> for R {
    fn into_body(self) -> Body {
        Body::Reader(Box::new(self))
    }
}

/// Runs `future` to its end on this thread. The flavour's IO blocks inside the poll, so
/// the first poll normally returns the output; a future that waits on something else (a
/// watcher's queue) is polled again when its waker unparks this thread, or when the
/// earliest deadline that a `timeout` of it asked for has passed.
pub(crate) fn block_on<T>(future: impl Future<Output = T>) -> T {
    let mut future = pin!(future);
    THREAD_WAKER.with(|waker| {
        let mut cx = Context::from_waker(waker);
        loop {
            if let Poll::Ready(output) = future.as_mut().poll(&mut cx) {
                return output;
            }
            match WAKE_BY.take() {
                Some(at) => thread::park_timeout(at.saturating_duration_since(Instant::now())),
                None => thread::park(),
            }
        }
    })
}

/// Asks [`block_on`] to poll again by `at` at the latest.
fn wake_by(at: Instant) {
    let earliest = WAKE_BY.get().map_or(at, |t| t.min(at));
    WAKE_BY.set(Some(earliest));
}

/// Wakes a thread parked in [`block_on`].
struct Unpark(Thread);

impl Wake for Unpark {
    fn wake(self: Arc<Self>) {
        self.0.unpark();
    }

    fn wake_by_ref(self: &Arc<Self>) {
        self.0.unpark();
    }
}

thread_local! {
    static THREAD_WAKER: Waker = Waker::from(Arc::new(Unpark(thread::current())));
    /// The earliest deadline a pending `timeout` of the future in [`block_on`] waits for.
    static WAKE_BY: Cell<Option<Instant>> = const { Cell::new(None) };
}

/// Where a blocking stream's bytes come from.
// The body is the common variant and the larger one: boxing it would cost every stream an
// allocation.
#[allow(clippy::large_enum_variant)]
#[doc(hidden)]
pub enum Chunks {
    /// A response body.
    Body(Response),
    /// The read half of an upgraded connection, and a buffer to read it into.
    Raw {
        /// The read half.
        reader: UpgradedReader,
        /// The read buffer.
        buf: Vec<u8>,
    },
}

impl Chunks {
    fn next(&mut self) -> Result<Option<&[u8]>> {
        match self {
            Chunks::Body(response) => Ok(response.next_chunk()?),
            Chunks::Raw { reader, buf } => loop {
                match reader.read(buf) {
                    Ok(0) => return Ok(None),
                    Ok(n) => return Ok(Some(&buf[..n])),
                    Err(e) if e.kind() == io::ErrorKind::Interrupted => (),
                    Err(e) => return Err(crate::flavour::session_error("attach", e)),
                }
            },
        }
    }
}

impl<T> Iterator for Items<Blocking, T> {
    type Item = Result<T>;

    fn next(&mut self) -> Option<Result<T>> {
        block_on(self.pull())
    }
}

impl Iterator for AttachSession {
    type Item = Result<LogChunk>;

    fn next(&mut self) -> Option<Result<LogChunk>> {
        block_on(self.output_mut().pull())
    }
}

impl Iterator for EventWatcher {
    type Item = WatchItem;

    fn next(&mut self) -> Option<WatchItem> {
        block_on(self.queue().recv())
    }
}

impl Iterator for &EventWatcher {
    type Item = WatchItem;

    fn next(&mut self) -> Option<WatchItem> {
        block_on(self.queue().recv())
    }
}

impl Iterator for ContainerInventory {
    type Item = InventoryChange;

    fn next(&mut self) -> Option<InventoryChange> {
        block_on(self.changes().recv())
    }
}

impl Iterator for &ContainerInventory {
    type Item = InventoryChange;

    fn next(&mut self) -> Option<InventoryChange> {
        block_on(self.changes().recv())
    }
}
