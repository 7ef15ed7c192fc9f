//! The blocking client: plain methods over std sockets, no runtime. Calls run on the
//! caller's thread; only the event watcher and the inventory own a reader thread.
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
use std::sync::Arc;
use std::time::Duration;

use docker_models::{
    ContainerInspect, ContainerSummary, ContainerTop, EventMessage, FileChange, ImageInspect,
    NetworkInspect, Ping, SystemInfo, SystemVersion,
};
use docker_transport::blocking::{AbortHandle, BodyReader, Response, Transport};
use docker_transport::{Endpoint, Headers, Method, ResponseHead};
use serde::de::DeserializeOwned;

use crate::call::{self, Call, JsonLines, Lines};
use crate::client::{ClientBuilder, Shared};
use crate::{ApiVersion, EventsOptions, ListContainersOptions, Result};

/// A blocking Docker Engine API client.
///
/// Cheap to clone: clones share the connection pool and the negotiated API version.
/// `Send + Sync`, so one client can serve many threads.
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
    /// let client = docker_client::blocking::Client::unix("/var/run/docker.sock");
    /// # let _ = client;
    /// ```
    pub fn unix(path: impl AsRef<Path>) -> Client {
        Client::builder()
            .endpoint(Endpoint::Unix(path.as_ref().to_owned()))
            .build()
            .expect("a Unix endpoint with default settings is always valid")
    }

    /// A builder for the endpoint, timeouts, API version pin and pool size.
    ///
    /// ```
    /// use std::time::Duration;
    /// let client = docker_client::blocking::Client::builder()
    ///     .host("unix:///run/user/1000/docker.sock")
    ///     .api_version("1.41")
    ///     .connect_timeout(Duration::from_secs(2))
    ///     .build()?;
    /// # let _ = client;
    /// # Ok::<(), docker_client::Error>(())
    /// ```
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
    pub fn api_version(&self) -> Result<ApiVersion> {
        if let Some(v) = self.shared.current() {
            return Ok(v);
        }
        let ping = self.ping()?;
        self.shared.settle(&ping)
    }

    /// `HEAD /_ping`, falling back to `GET` for engines that refuse HEAD.
    pub fn ping(&self) -> Result<Ping> {
        let head = self.send(Call::new(Method::Head, "/_ping".into()).unversioned())?;
        let response = match call::ping_needs_get(head.status()) {
            true => self.send(Call::get("/_ping").unversioned())?,
            false => head,
        };
        let desc = "GET /_ping";
        let head = response.head().clone();
        let body = response.bytes()?;
        call::check_status(desc, &head, &body)?;
        Ok(call::ping_from_head(&head))
    }

    /// `GET /version`: the engine's versions.
    pub fn version(&self) -> Result<SystemVersion> {
        self.json(Call::get("/version"))
    }

    /// `GET /info`: system-wide information.
    pub fn info(&self) -> Result<SystemInfo> {
        self.json(Call::get("/info"))
    }

    /// `GET /containers/json`: running containers, or all with `.all(true)`.
    pub fn list_containers(
        &self,
        options: &ListContainersOptions,
    ) -> Result<Vec<ContainerSummary>> {
        self.json(Call::get("/containers/json").query(options.query()))
    }

    /// `GET /containers/{id}/json`. `id` is an ID, a unique ID prefix or a name.
    pub fn inspect_container(&self, id: &str) -> Result<ContainerInspect> {
        self.json(Call::get(call::container_path(id, "/json")?))
    }

    /// `GET /images/{name}/json`. `name` is an ID or a reference such as `bb:latest`.
    pub fn inspect_image(&self, name: &str) -> Result<ImageInspect> {
        self.json(Call::get(call::image_path(name, "/json")?))
    }

    /// `GET /networks/{id}`.
    pub fn inspect_network(&self, id: &str) -> Result<NetworkInspect> {
        self.json(Call::get(call::network_path(id)?))
    }

    /// `GET /containers/{id}/top`: the processes of a running container, as `ps` shows them
    /// on the host. `ps_args` defaults to `-ef`; use for example
    /// `-o pid,ppid,user,cgroup:512,args` to get the cgroup column.
    /// [`ContainerTop::entries`] turns the rows into typed entries.
    pub fn container_top(&self, id: &str, ps_args: Option<&str>) -> Result<ContainerTop> {
        self.json(call::top(id, ps_args)?)
    }

    /// `GET /containers/{id}/changes`: files added, modified or deleted since creation.
    pub fn container_diff(&self, id: &str) -> Result<Vec<FileChange>> {
        let changes: Option<Vec<FileChange>> =
            self.json(Call::get(call::container_path(id, "/changes")?))?;
        Ok(changes.unwrap_or_default())
    }

    /// `POST /containers/{id}/kill?signal=`: sends `signal` (`SIGTERM`, `TERM`, `15`...), or
    /// `SIGKILL` when `None`. The signal travels in the query, which the engine honours.
    pub fn kill_container(&self, id: &str, signal: Option<&str>) -> Result<()> {
        self.empty(call::kill(id, signal)?)
    }

    /// `POST /containers/{id}/restart?t=`: stops (waiting `timeout` before killing, the
    /// engine's default 10 s when `None`) and starts again. Returns once both are done.
    pub fn restart_container(&self, id: &str, timeout: Option<Duration>) -> Result<()> {
        self.empty(call::restart(id, timeout)?)
    }

    /// `GET /events`: the engine's events as they happen, or a past window with
    /// `since`/`until`. Dropping the iterator closes the connection at once.
    ///
    /// ```no_run
    /// # let client = docker_client::blocking::Client::from_env()?;
    /// let opts = docker_client::EventsOptions::default().filter("type", "container");
    /// for event in client.events(&opts)? {
    ///     let event = event?;
    ///     println!("{} {} {}", event.typ, event.action, event.actor.id);
    /// }
    /// # Ok::<(), docker_client::Error>(())
    /// ```
    pub fn events(&self, options: &EventsOptions) -> Result<Events> {
        let call = Call::get("/events").query(options.query()).streaming();
        let desc = call.describe();
        let response = self.stream(call)?;
        Ok(Events {
            response,
            lines: JsonLines::new(desc),
        })
    }

    /// Any request: the escape hatch for the rest of the API.
    ///
    /// `path` is sent as given (it must be percent-encoded already) and gets the API version
    /// prefix unless it has one or is `/_ping`. The answer comes back whatever its status;
    /// redirects are not followed.
    ///
    /// ```no_run
    /// # let client = docker_client::blocking::Client::from_env()?;
    /// use docker_client::Method;
    /// let res = client.request(Method::Get, "/containers/json", &[("all", "1")], None)?;
    /// assert_eq!(res.status(), 200);
    /// let body = res.bytes()?;
    /// # Ok::<(), docker_client::Error>(())
    /// ```
    pub fn request(
        &self,
        method: Method,
        path: &str,
        query: &[(&str, &str)],
        json_body: Option<Vec<u8>>,
    ) -> Result<RawResponse> {
        let mut call = call::raw(method, path, query)?;
        if let Some(body) = json_body {
            call = call.json(body).streaming();
        } else {
            call = call.streaming();
        }
        let response = self.send(call)?;
        Ok(RawResponse { response })
    }

    fn send(&self, call: Call) -> Result<Response> {
        let version = match call.versioned {
            true => Some(self.api_version()?),
            false => None,
        };
        Ok(self.transport.send(call.into_request(version))?)
    }

    /// Sends a call and returns the response when its status is a success.
    fn stream(&self, call: Call) -> Result<Response> {
        let desc = call.describe();
        let response = self.send(call)?;
        // 101 answers an upgrade (attach, exec start); anything else must be a success.
        if response.status() == 101 || (200..300).contains(&response.status()) {
            return Ok(response);
        }
        let head = response.head().clone();
        let body = response.bytes()?;
        call::check_status(&desc, &head, &body)?;
        unreachable!("check_status fails for every status outside 2xx")
    }

    fn body(&self, call: Call) -> Result<(String, Vec<u8>)> {
        let desc = call.describe();
        let response = self.send(call)?;
        let status = response.status();
        if (200..300).contains(&status) {
            return Ok((desc, response.bytes()?));
        }
        let head = response.head().clone();
        let body = response.bytes()?;
        call::check_status(&desc, &head, &body)?;
        unreachable!("check_status fails for every status outside 2xx")
    }

    fn json<T: DeserializeOwned>(&self, call: Call) -> Result<T> {
        let (desc, body) = self.body(call)?;
        call::decode(&desc, &body)
    }

    fn empty(&self, call: Call) -> Result<()> {
        self.body(call).map(drop)
    }
}

/// The event stream of [`Client::events`]: an iterator of decoded events.
///
/// It ends when the engine ends the stream (an `until` was given). A broken connection
/// gives one `Err` and then the end: the stream never ends silently on a truncated body.
pub struct Events {
    response: Response,
    lines: JsonLines<EventMessage>,
}

impl Events {
    /// A handle that closes the stream from another thread: a blocked `next` returns at once.
    pub fn abort_handle(&self) -> AbortHandle {
        self.response.abort_handle()
    }
}

/// The next item of `lines`, reading `response` as far as it takes: the loop behind every
/// iterator of decoded lines (events, stats, image progress).
pub(crate) fn pump<L: Lines>(response: &mut Response, lines: &mut L) -> Option<Result<L::Item>> {
    loop {
        if let Some(item) = lines.pop() {
            return Some(item);
        }
        if lines.is_exhausted() {
            return None;
        }
        match response.next_chunk() {
            Ok(Some(chunk)) => lines.feed(chunk),
            Ok(None) => lines.finish(),
            Err(e) => lines.fail(e.into()),
        }
    }
}

impl Iterator for Events {
    type Item = Result<EventMessage>;

    fn next(&mut self) -> Option<Result<EventMessage>> {
        pump(&mut self.response, &mut self.lines)
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
    pub fn next_chunk(&mut self) -> Result<Option<&[u8]>> {
        Ok(self.response.next_chunk()?)
    }

    /// The whole body, collected up to the client's body cap.
    pub fn bytes(self) -> Result<Vec<u8>> {
        Ok(self.response.bytes()?)
    }

    /// The body decoded as JSON.
    pub fn json<T: DeserializeOwned>(self) -> Result<T> {
        let body = self.bytes()?;
        call::decode("the raw request", &body)
    }

    /// The body as a reader, for streaming.
    pub fn into_reader(self) -> BodyReader {
        self.response.into_reader()
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
