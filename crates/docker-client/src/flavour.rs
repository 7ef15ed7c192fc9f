//! The two flavours of the one client: what a call returns in each, and the IO each does.
//!
//! Every endpoint is a method of [`Client<F>`](crate::Client), written once. It describes
//! its request as a `Call` (method, path, query, body, timeouts) and says how its answer is
//! read; the reading is written once too, as a future that is generic over the flavour.
//! A flavour contributes only its IO: sending a request, collecting a body, reading the
//! next chunk, upgrading, writing to a session, waiting and spawning.
//!
//! - [`Blocking`]: the IO is std's and completes inside the future's poll, so
//!   [`Flavour::Out`] is `Result<T>`: the method runs its future to the end on the caller's
//!   thread, with no runtime and no thread of its own.
//! - [`Tokio`]: the IO is tokio's, and [`Flavour::Out`] is a boxed `Send` future of
//!   `Result<T>` that runs on whatever runtime polls it.

use std::future::Future;

use crate::Result;

/// A flavour of the client: [`Blocking`] or [`Tokio`]. Sealed: no other flavour exists.
/// Its functions hidden from the docs are the client's own plumbing, not part of the API:
/// they may change in any release.
///
/// It decides what every method of [`Client<F>`](crate::Client) returns:
///
/// ```no_run
/// // Blocking: `Out<'_, T>` is `Result<T>`.
/// let client = docker_client::blocking::Client::from_env()?;
/// let version = client.version()?;
/// # Ok::<(), docker_client::Error>(())
/// ```
///
/// ```no_run
/// # #[cfg(feature = "tokio")]
/// # async fn run() -> docker_client::Result<()> {
/// // Tokio: `Out<'_, T>` is a future of `Result<T>`.
/// let client = docker_client::tokio::Client::from_env()?;
/// let version = client.version().await?;
/// # Ok(()) }
/// ```
pub trait Flavour: io::FlavourIo + Sized + Send + Sync + 'static {
    /// What a client method returns: `Result<T>` in [`Blocking`], a future of `Result<T>`
    /// ([`tokio::Pending`](crate::tokio::Pending)) in [`Tokio`].
    type Out<'a, T: Send + 'a>: Send;

    /// A streamed response body: `std::io::Read` in [`Blocking`]
    /// ([`blocking::BodyReader`](crate::blocking::BodyReader)), tokio's `AsyncRead` in
    /// [`Tokio`] ([`tokio::BodyReader`](crate::tokio::BodyReader)).
    type Reader: Send + 'static;

    /// Ends a stream or a session from another thread or task:
    /// [`blocking::AbortHandle`](crate::blocking::AbortHandle) in [`Blocking`],
    /// [`tokio::AbortHandle`](crate::tokio::AbortHandle) in [`Tokio`].
    type AbortHandle: Clone + Send + Sync + 'static;

    /// Runs a call's future to its output: to the end on this thread ([`Blocking`]), or
    /// boxed for the caller to await ([`Tokio`]).
    #[doc(hidden)]
    fn run<'a, T: Send + 'a>(
        future: impl Future<Output = Result<T>> + Send + 'a,
    ) -> Self::Out<'a, T>;

    /// Turns a method's output back into a future, for code that composes methods.
    #[doc(hidden)]
    fn wait<'a, T: Send + 'a>(out: Self::Out<'a, T>)
        -> impl Future<Output = Result<T>> + Send + 'a;

    /// The body of a response as the flavour's reader.
    #[doc(hidden)]
    fn reader(response: Self::Response) -> Self::Reader;

    /// A handle that stops the response from elsewhere.
    #[doc(hidden)]
    fn abort_handle(response: &Self::Response) -> Self::AbortHandle;

    /// Fires an abort handle.
    #[doc(hidden)]
    fn abort(handle: &Self::AbortHandle);

    /// The hijacked connection of an upgraded response: a source of chunks, a writer and
    /// the handle that closes both.
    #[doc(hidden)]
    fn upgrade(
        response: Self::Response,
    ) -> impl Future<Output = Result<(Self::Chunks, Self::Writer, Self::AbortHandle)>> + Send;

    /// A body streamed (chunked) from bytes in memory.
    #[doc(hidden)]
    fn chunked(bytes: Vec<u8>) -> docker_transport::Body<Self::Upload>;

    /// The whole of a raw body.
    #[doc(hidden)]
    fn read_all(reader: Self::Reader) -> impl Future<Output = Result<Vec<u8>>> + Send;
}

/// A request body streamed from a reader while it is sent (chunked): any
/// `std::io::Read + Send + 'static` in the blocking flavour, any tokio
/// `AsyncRead + Send + Unpin + 'static` in the tokio flavour. Giving one flavour's reader
/// to the other's client does not compile.
///
/// ```no_run
/// let client = docker_client::blocking::Client::from_env()?;
/// let tar = std::fs::File::open("site.tar")?;
/// client.put_archive("web", "/srv", tar)?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub trait Upload<F: Flavour>: Send + 'static {
    /// The request body.
    #[doc(hidden)]
    fn into_body(self) -> docker_transport::Body<<F as io::FlavourIo>::Upload>;
}

/// The blocking flavour: std sockets, no runtime. See [`crate::blocking`].
///
/// ```
/// use docker_client::{Blocking, Client};
/// // Code for the blocking client only names its flavour.
/// fn running(client: &Client<Blocking>) -> docker_client::Result<usize> {
///     Ok(client.list_containers(&Default::default())?.len())
/// }
/// ```
#[derive(Debug, Clone, Copy)]
#[cfg(feature = "blocking")]
pub struct Blocking;

/// The tokio flavour: async, on the caller's runtime. See [`crate::tokio`].
///
/// ```
/// use docker_client::{Client, Tokio};
/// // Code for the tokio client only names its flavour.
/// async fn running(client: &Client<Tokio>) -> docker_client::Result<usize> {
///     Ok(client.list_containers(&Default::default()).await?.len())
/// }
/// ```
#[derive(Debug, Clone, Copy)]
#[cfg(feature = "tokio")]
pub struct Tokio;

pub(crate) mod io {
    //! The IO a flavour does for the shared code. Only public types appear here: requests
    //! go in as docker-transport's, and the shared code turns answers into models.

    use std::future::Future;
    use std::task::{Context, Poll};
    use std::time::Duration;

    use docker_transport::{Config, Request, ResponseHead};

    use crate::Result;

    /// What the shared, flavour-generic code asks of a flavour. Implemented by
    /// [`Blocking`](super::Blocking) and [`Tokio`](super::Tokio) only.
    pub trait FlavourIo: Sized + Send + Sync + 'static {
        /// The transport: one connection pool.
        type Transport: Clone + Send + Sync + 'static;
        /// The reader of a streamed request body.
        type Upload: Send + 'static;
        /// A response whose head arrived.
        type Response: Send + 'static;
        /// Where a decoded stream's bytes come from: a response body or an upgraded
        /// connection's read half.
        type Chunks: Send + Unpin + 'static;
        /// The write half of an upgraded connection.
        type Writer: Send + Unpin + 'static;
        /// A background worker (a watcher's reader): a thread or a task.
        type Task: Send + Sync + 'static;

        /// A transport for `config`.
        fn transport(config: Config) -> Self::Transport;
        /// The transport's configuration.
        fn config(transport: &Self::Transport) -> &Config;
        /// Sends a request and returns once the response head arrived.
        fn send(
            transport: &Self::Transport,
            request: Request<Self::Upload>,
        ) -> impl Future<Output = Result<Self::Response>> + Send + '_;
        /// The response's status line and headers.
        fn head(response: &Self::Response) -> &ResponseHead;
        /// The whole body, within the transport's caps.
        fn bytes(response: Self::Response) -> impl Future<Output = Result<Vec<u8>>> + Send;
        /// The body of an error answer, cut at the error cap (never too large).
        fn error_body(
            response: Self::Response,
        ) -> impl Future<Output = Result<docker_transport::ErrorBody>> + Send;
        /// The next piece of the body, `None` at its end.
        fn next_chunk(
            response: &mut Self::Response,
        ) -> impl Future<Output = Result<Option<&[u8]>>> + Send;
        /// The body as a source of chunks.
        fn chunks(response: Self::Response) -> Self::Chunks;
        /// The next chunk of a source, `None` at its end. The blocking flavour reads, and
        /// is always ready.
        fn poll_chunk<'c>(
            chunks: &'c mut Self::Chunks,
            cx: &mut Context<'_>,
        ) -> Poll<Option<Result<&'c [u8]>>>;
        /// Writes all of `data` to a session's stdin, and flushes.
        fn write_all<'a>(
            writer: &'a mut Self::Writer,
            data: &'a [u8],
        ) -> impl Future<Output = std::io::Result<()>> + Send + 'a;
        /// Half-closes a session's stdin.
        fn shutdown(
            writer: &mut Self::Writer,
        ) -> impl Future<Output = std::io::Result<()>> + Send + '_;
        /// Waits `duration`.
        fn sleep(duration: Duration) -> impl Future<Output = ()> + Send;
        /// Runs `future` for at most `duration`: `None` when the time ran out first.
        fn timeout<'a, T: Send + 'a>(
            duration: Duration,
            future: impl Future<Output = T> + Send + 'a,
        ) -> impl Future<Output = Option<T>> + Send + 'a;
        /// Starts a background worker named `name`.
        fn spawn(name: &'static str, work: impl Future<Output = ()> + Send + 'static)
            -> Self::Task;
        /// Ends a background worker at its next wait, when the flavour can.
        fn cancel(task: &Self::Task);
    }
}

/// An IO error on a hijacked connection, as the client's error.
pub(crate) fn session_error(request: &str, e: std::io::Error) -> crate::Error {
    crate::Error::Transport(crate::error::TransportError::session(request, e))
}
