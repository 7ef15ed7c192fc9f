//! The tokio client: the blocking client's methods, `async`.
//!
//! No runtime is started behind your back: the futures run on whatever tokio runtime
//! polls them (current-thread or multi-thread, with the time driver enabled).
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

mod containers;
mod images;
mod networks;
mod system;
mod volumes;
mod watch;

pub use containers::{AttachInput, AttachOutput, AttachSession, Logs, Stats};
pub use images::Progress;
pub use watch::{ContainerInventory, EventWatcher};

use std::fmt;
use std::path::Path;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use docker_models::{
    ContainerInspect, ContainerSummary, ContainerTop, EventMessage, FileChange, ImageInspect,
    NetworkInspect, Ping, SystemInfo, SystemVersion,
};
use docker_transport::tokio::{BodyReader, BodyStream, Response, Transport};
use docker_transport::{Endpoint, Headers, Method, ResponseHead};
use futures_core::Stream;
use serde::de::DeserializeOwned;

use crate::call::{self, Call, JsonLines, Lines};
use crate::client::{ClientBuilder, Shared};
use crate::{ApiVersion, EventsOptions, ListContainersOptions, Result};

/// An async Docker Engine API client on tokio.
///
/// Cheap to clone: clones share the connection pool and the negotiated API version.
/// `Send + Sync`, and every future it returns is `Send`.
#[derive(Clone)]
pub struct Client {
    transport: Transport,
    shared: Arc<Shared>,
}

impl Client {
    /// A client for `DOCKER_HOST` (default `unix:///var/run/docker.sock`), pinned to
    /// `DOCKER_API_VERSION` when it is set, else negotiating on first use.
    pub fn from_env() -> Result<Client> {
        Client::builder().from_env().build()
    }

    /// A client for the Unix socket at `path`.
    ///
    /// ```
    /// let client = docker_client::tokio::Client::unix("/var/run/docker.sock");
    /// # let _ = client;
    /// ```
    pub fn unix(path: impl AsRef<Path>) -> Client {
        Client::builder()
            .endpoint(Endpoint::Unix(path.as_ref().to_owned()))
            .build()
            .expect("a Unix endpoint with default settings is always valid")
    }

    /// A builder for the endpoint, timeouts, API version pin and pool size.
    pub fn builder() -> ClientBuilder<Client> {
        ClientBuilder::new()
    }

    pub(crate) fn from_parts(config: docker_transport::Config, shared: Shared) -> Client {
        Client {
            transport: Transport::new(config),
            shared: Arc::new(shared),
        }
    }

    /// The engine's address.
    pub fn endpoint(&self) -> &Endpoint {
        &self.transport.config().endpoint
    }

    /// The API version in use: the pin, or the negotiated one (negotiating now if needed).
    pub async fn api_version(&self) -> Result<ApiVersion> {
        if let Some(v) = self.shared.current() {
            return Ok(v);
        }
        let ping = self.ping().await?;
        self.shared.settle(&ping)
    }

    /// `HEAD /_ping`, falling back to `GET` for engines that refuse HEAD.
    pub async fn ping(&self) -> Result<Ping> {
        let head = self
            .send(Call::new(Method::Head, "/_ping".into()).unversioned())
            .await?;
        let response = match call::ping_needs_get(head.status()) {
            true => self.send(Call::get("/_ping").unversioned()).await?,
            false => head,
        };
        let head = response.head().clone();
        let body = response.bytes().await?;
        call::check_status("GET /_ping", &head, &body)?;
        Ok(call::ping_from_head(&head))
    }

    /// `GET /version`: the engine's versions.
    pub async fn version(&self) -> Result<SystemVersion> {
        self.json(Call::get("/version")).await
    }

    /// `GET /info`: system-wide information.
    pub async fn info(&self) -> Result<SystemInfo> {
        self.json(Call::get("/info")).await
    }

    /// `GET /containers/json`: running containers, or all with `.all(true)`.
    pub async fn list_containers(
        &self,
        options: &ListContainersOptions,
    ) -> Result<Vec<ContainerSummary>> {
        self.json(Call::get("/containers/json").query(options.query()))
            .await
    }

    /// `GET /containers/{id}/json`. `id` is an ID, a unique ID prefix or a name.
    pub async fn inspect_container(&self, id: &str) -> Result<ContainerInspect> {
        self.json(Call::get(call::container_path(id, "/json")?))
            .await
    }

    /// `GET /images/{name}/json`. `name` is an ID or a reference such as `bb:latest`.
    pub async fn inspect_image(&self, name: &str) -> Result<ImageInspect> {
        self.json(Call::get(call::image_path(name, "/json")?)).await
    }

    /// `GET /networks/{id}`.
    pub async fn inspect_network(&self, id: &str) -> Result<NetworkInspect> {
        self.json(Call::get(call::network_path(id)?)).await
    }

    /// `GET /containers/{id}/top`: see
    /// [`blocking::Client::container_top`](crate::blocking::Client::container_top).
    pub async fn container_top(&self, id: &str, ps_args: Option<&str>) -> Result<ContainerTop> {
        self.json(call::top(id, ps_args)?).await
    }

    /// `GET /containers/{id}/changes`: files added, modified or deleted since creation.
    pub async fn container_diff(&self, id: &str) -> Result<Vec<FileChange>> {
        let changes: Option<Vec<FileChange>> = self
            .json(Call::get(call::container_path(id, "/changes")?))
            .await?;
        Ok(changes.unwrap_or_default())
    }

    /// `POST /containers/{id}/kill?signal=`: sends `signal`, or `SIGKILL` when `None`.
    pub async fn kill_container(&self, id: &str, signal: Option<&str>) -> Result<()> {
        self.empty(call::kill(id, signal)?).await
    }

    /// `POST /containers/{id}/restart?t=`: stops (the engine's default 10 s grace when
    /// `None`) and starts again.
    pub async fn restart_container(&self, id: &str, timeout: Option<Duration>) -> Result<()> {
        self.empty(call::restart(id, timeout)?).await
    }

    /// `GET /events` as a [`Stream`]. Dropping it closes the connection at once.
    ///
    /// ```no_run
    /// # async fn run(client: docker_client::tokio::Client) -> docker_client::Result<()> {
    /// use std::future::poll_fn;
    /// use std::pin::Pin;
    /// use futures_core::Stream;
    ///
    /// let mut events = client.events(&docker_client::EventsOptions::default()).await?;
    /// while let Some(event) = poll_fn(|cx| Pin::new(&mut events).poll_next(cx)).await {
    ///     println!("{}", event?);
    /// }
    /// # Ok(()) }
    /// ```
    pub async fn events(&self, options: &EventsOptions) -> Result<Events> {
        let call = Call::get("/events").query(options.query()).streaming();
        let desc = call.describe();
        let response = self.stream(call).await?;
        Ok(Events {
            body: response.into_stream(),
            lines: JsonLines::new(desc),
        })
    }

    /// Any request: the escape hatch for the rest of the API. See
    /// [`blocking::Client::request`](crate::blocking::Client::request).
    pub async fn request(
        &self,
        method: Method,
        path: &str,
        query: &[(&str, &str)],
        json_body: Option<Vec<u8>>,
    ) -> Result<RawResponse> {
        let mut call = call::raw(method, path, query)?.streaming();
        if let Some(body) = json_body {
            call = call.json(body);
        }
        let response = self.send(call).await?;
        Ok(RawResponse { response })
    }

    async fn send(&self, call: Call) -> Result<Response> {
        let version = match (call.versioned, self.shared.current()) {
            (false, _) => None,
            (true, Some(v)) => Some(v),
            (true, None) => Some(self.negotiate().await?),
        };
        Ok(self.transport.send(call.into_request(version)).await?)
    }

    /// Negotiation pings through `send`; boxing breaks the recursive future type. It runs
    /// once per client.
    fn negotiate(
        &self,
    ) -> Pin<Box<dyn std::future::Future<Output = Result<ApiVersion>> + Send + '_>> {
        Box::pin(self.api_version())
    }

    async fn stream(&self, call: Call) -> Result<Response> {
        let desc = call.describe();
        let response = self.send(call).await?;
        // 101 answers an upgrade (attach, exec start); anything else must be a success.
        if response.status() == 101 || (200..300).contains(&response.status()) {
            return Ok(response);
        }
        let head = response.head().clone();
        let body = response.bytes().await?;
        call::check_status(&desc, &head, &body)?;
        unreachable!("check_status fails for every status outside 2xx")
    }

    async fn body(&self, call: Call) -> Result<(String, Vec<u8>)> {
        let desc = call.describe();
        let response = self.send(call).await?;
        if (200..300).contains(&response.status()) {
            return Ok((desc, response.bytes().await?));
        }
        let head = response.head().clone();
        let body = response.bytes().await?;
        call::check_status(&desc, &head, &body)?;
        unreachable!("check_status fails for every status outside 2xx")
    }

    async fn json<T: DeserializeOwned>(&self, call: Call) -> Result<T> {
        let (desc, body) = self.body(call).await?;
        call::decode(&desc, &body)
    }

    async fn empty(&self, call: Call) -> Result<()> {
        self.body(call).await.map(drop)
    }
}

/// The event stream of [`Client::events`]: a [`Stream`] of decoded events.
///
/// It ends when the engine ends the stream. A broken connection gives one `Err` and then
/// the end: the stream never ends silently on a truncated body.
pub struct Events {
    body: BodyStream,
    lines: JsonLines<EventMessage>,
}

/// The next item of `lines`, polling `body` as far as it takes: the loop behind every
/// stream of decoded lines (events, stats, image progress).
pub(crate) fn poll_pump<L: Lines>(
    body: &mut BodyStream,
    lines: &mut L,
    cx: &mut Context<'_>,
) -> Poll<Option<Result<L::Item>>> {
    loop {
        if let Some(item) = lines.pop() {
            return Poll::Ready(Some(item));
        }
        if lines.is_exhausted() {
            return Poll::Ready(None);
        }
        // Borrowed from the read buffer: decoded in place, never copied first.
        match body.poll_chunk(cx) {
            Poll::Pending => return Poll::Pending,
            Poll::Ready(Some(Ok(chunk))) => lines.feed(chunk),
            Poll::Ready(Some(Err(e))) => lines.fail(e.into()),
            Poll::Ready(None) => lines.finish(),
        }
    }
}

impl Stream for Events {
    type Item = Result<EventMessage>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = &mut *self;
        poll_pump(&mut this.body, &mut this.lines, cx)
    }
}

/// The answer to [`Client::request`], whatever its status.
pub struct RawResponse {
    response: Response,
}

impl RawResponse {
    /// The HTTP status.
    pub fn status(&self) -> u16 {
        self.response.status()
    }

    /// The response headers.
    pub fn headers(&self) -> &Headers {
        self.response.headers()
    }

    /// The status line and headers.
    pub fn head(&self) -> &ResponseHead {
        self.response.head()
    }

    /// The next piece of the body as it arrives; `None` at its end.
    pub async fn next_chunk(&mut self) -> Result<Option<&[u8]>> {
        Ok(self.response.next_chunk().await?)
    }

    /// The whole body, collected up to the client's body cap.
    pub async fn bytes(self) -> Result<Vec<u8>> {
        Ok(self.response.bytes().await?)
    }

    /// The body decoded as JSON.
    pub async fn json<T: DeserializeOwned>(self) -> Result<T> {
        let body = self.bytes().await?;
        call::decode("the raw request", &body)
    }

    /// The body as an `AsyncRead`, for streaming.
    pub fn into_reader(self) -> BodyReader {
        self.response.into_async_read()
    }

    /// The body as a [`Stream`] of chunks.
    pub fn into_stream(self) -> BodyStream {
        self.response.into_stream()
    }
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("endpoint", &self.endpoint().to_string())
            .field("api_version", &self.shared.current())
            .finish()
    }
}

impl fmt::Debug for Events {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Events").finish_non_exhaustive()
    }
}

impl fmt::Debug for RawResponse {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RawResponse")
            .field("status", &self.status())
            .finish_non_exhaustive()
    }
}
