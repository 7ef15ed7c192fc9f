//! The client of either flavour: its builder, the once-per-client negotiated version, and
//! the flavour-generic steps every endpoint method is made of (send a call, check the
//! status, read the answer).

use std::ffi::OsString;
use std::fmt;
use std::future::Future;
use std::marker::PhantomData;
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use docker_models::Ping;
use docker_transport::{Config, Endpoint, Timeouts};
use serde::de::DeserializeOwned;

use crate::call::{self, Call};
use crate::context::{discover, TlsFrom, Wanted};
use crate::{EndpointChoice, EndpointSource};

/// A call in the flavour `F`: its streamed body, if any, is `F`'s reader.
pub(crate) type CallOf<F> = Call<<F as FlavourIo>::Upload>;
use crate::flavour::io::FlavourIo;
use crate::stream::{Decoder, Items};
use crate::version::negotiate;
use crate::{ApiVersion, Error, Flavour, Result};

/// A Docker Engine API client, in the flavour `F`: use [`blocking::Client`] or
/// [`tokio::Client`].
///
/// Every endpoint is a method here, written once for both flavours: in
/// [`blocking::Client`] it returns `Result<T>`, in [`tokio::Client`] a future of
/// `Result<T>` (see [`Flavour::Out`]). Cheap to clone: clones share the connection pool and
/// the negotiated API version. `Send + Sync`, so one client serves many threads or tasks.
///
/// ```no_run
/// use docker_client::blocking::Client;
/// use docker_client::ListContainersOptions;
///
/// let client = Client::from_env()?;
/// for c in client.list_containers(&ListContainersOptions::default())? {
///     let info = client.inspect_container(&c.id)?;
///     println!("{} pid {}", info.name, info.state.pid);
/// }
/// # Ok::<(), docker_client::Error>(())
/// ```
///
/// [`blocking::Client`]: crate::blocking::Client
/// [`tokio::Client`]: crate::tokio::Client
pub struct Client<F: Flavour> {
    pub(crate) transport: <F as FlavourIo>::Transport,
    pub(crate) shared: Arc<Shared>,
    /// The total deadline of this handle's unary calls (see [`Client::with_total_timeout`]).
    total_timeout: Option<Duration>,
}

impl<F: Flavour> Clone for Client<F> {
    fn clone(&self) -> Client<F> {
        Client {
            transport: self.transport.clone(),
            shared: self.shared.clone(),
            total_timeout: self.total_timeout,
        }
    }
}

impl<F: Flavour> fmt::Debug for Client<F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("endpoint", &self.endpoint().to_string())
            .field("api_version", &self.shared.current())
            .field("total_timeout", &self.total_timeout)
            .finish()
    }
}

/// The version state of one client and its clones: a pin, or a version negotiated once;
/// and which endpoint was chosen, and why.
#[derive(Debug)]
pub(crate) struct Shared {
    pinned: Option<ApiVersion>,
    negotiated: OnceLock<ApiVersion>,
    choice: EndpointChoice,
}

impl Shared {
    /// The version to use, if already known.
    pub(crate) fn current(&self) -> Option<ApiVersion> {
        self.pinned.or_else(|| self.negotiated.get().copied())
    }

    /// Settles the version from a ping (the first settled value wins).
    fn settle(&self, ping: &Ping) -> Result<ApiVersion> {
        let v = negotiate(Some(&ping.api_version))?;
        Ok(*self.negotiated.get_or_init(|| v))
    }
}

impl<F: Flavour> Client<F> {
    /// A client for `DOCKER_HOST` (default `unix:///var/run/docker.sock`), pinned to
    /// `DOCKER_API_VERSION` when it is set, else negotiating on first use.
    ///
    /// ```no_run
    /// let client = docker_client::blocking::Client::from_env()?;
    /// # Ok::<(), docker_client::Error>(())
    /// ```
    pub fn from_env() -> Result<Client<F>> {
        Client::builder().from_env().build()
    }

    /// A client for the Unix socket at `path`.
    ///
    /// ```
    /// let client = docker_client::blocking::Client::unix("/var/run/docker.sock");
    /// # let _ = client;
    /// ```
    pub fn unix(path: impl AsRef<Path>) -> Client<F> {
        let endpoint = Endpoint::Unix(path.as_ref().to_owned());
        let shared = Shared {
            pinned: None,
            negotiated: OnceLock::new(),
            choice: EndpointChoice {
                endpoint: endpoint.clone(),
                source: EndpointSource::Explicit,
            },
        };
        Client::from_parts(Config::new(endpoint), shared)
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
    pub fn builder() -> ClientBuilder<F> {
        ClientBuilder::new()
    }

    fn from_parts(config: Config, shared: Shared) -> Client<F> {
        Client {
            total_timeout: config.timeouts.total,
            transport: F::transport(config),
            shared: Arc::new(shared),
        }
    }

    /// This client with another total deadline for each call whose answer it reads whole
    /// (a model, or nothing): `None` lifts it. A cheap clone that shares the connection
    /// pool and the negotiated version, so it also serves for one call:
    ///
    /// ```no_run
    /// use std::time::Duration;
    /// let client = docker_client::blocking::Client::from_env()?;
    /// let quick = client.with_total_timeout(Some(Duration::from_secs(2)));
    /// let running = quick.list_containers(&Default::default())?;
    /// // A prune that is slow by design gets all the time it needs.
    /// client.with_total_timeout(None).prune_images(&Default::default())?;
    /// # Ok::<(), docker_client::Error>(())
    /// ```
    ///
    /// Streams and the answers a caller reads at its own pace (events, logs, stats
    /// streams, attach and exec sessions, pull, push, import, load, export, archives,
    /// `request`) never have one. See [`ClientBuilder::total_timeout`] for the default.
    pub fn with_total_timeout(&self, total: Option<Duration>) -> Client<F> {
        Client {
            total_timeout: total,
            ..self.clone()
        }
    }

    /// The total deadline of this handle's unary calls, `None` when lifted.
    ///
    /// ```
    /// use std::time::Duration;
    /// let client = docker_client::blocking::Client::unix("/run/docker.sock");
    /// assert_eq!(client.total_timeout(), Some(Duration::from_secs(300)));
    /// assert_eq!(client.with_total_timeout(None).total_timeout(), None);
    /// ```
    pub fn total_timeout(&self) -> Option<Duration> {
        self.total_timeout
    }

    /// The engine's address.
    ///
    /// ```
    /// let client = docker_client::blocking::Client::unix("/run/docker.sock");
    /// assert_eq!(client.endpoint().to_string(), "unix:///run/docker.sock");
    /// ```
    pub fn endpoint(&self) -> &Endpoint {
        &F::config(&self.transport).endpoint
    }

    /// The endpoint and why it was chosen: given explicitly, `DOCKER_HOST`, a context
    /// (and what selected it), or the first engine socket found (see
    /// [`FALLBACK_SOCKETS`](crate::FALLBACK_SOCKETS)).
    ///
    /// ```
    /// use docker_client::EndpointSource;
    /// let client = docker_client::blocking::Client::builder().host("tcp://127.0.0.1:2375").build()?;
    /// assert_eq!(client.endpoint_choice().source, EndpointSource::Explicit);
    /// assert_eq!(client.endpoint_choice().to_string(), "given explicitly");
    /// # Ok::<(), docker_client::Error>(())
    /// ```
    pub fn endpoint_choice(&self) -> &EndpointChoice {
        &self.shared.choice
    }

    /// The API version in use: the pin, or the negotiated one (negotiating now if needed).
    ///
    /// ```no_run
    /// let client = docker_client::blocking::Client::from_env()?;
    /// println!("speaking API {}", client.api_version()?);
    /// # Ok::<(), docker_client::Error>(())
    /// ```
    pub fn api_version(&self) -> F::Out<'_, ApiVersion> {
        self.run(self.negotiated_version())
    }

    // The steps of every endpoint method, generic over the flavour.

    /// Runs a call's future in the flavour: its result (blocking) or the future (tokio).
    pub(crate) fn run<'a, T: Send + 'a>(
        &'a self,
        future: impl Future<Output = Result<T>> + Send + 'a,
    ) -> F::Out<'a, T> {
        F::run(future)
    }

    /// The version to prefix paths with, negotiating it first if needed.
    pub(crate) async fn negotiated_version(&self) -> Result<ApiVersion> {
        if let Some(v) = self.shared.current() {
            return Ok(v);
        }
        let ping = self.ping_engine().await?;
        self.shared.settle(&ping)
    }

    /// `HEAD /_ping`, then `GET` for engines that refuse HEAD (404 or 405).
    pub(crate) async fn ping_engine(&self) -> Result<Ping> {
        let ping = self.bounded(Call::new(docker_transport::Method::Head, "/_ping"));
        let head = self.transmit(ping, None).await?;
        let response = match F::head(&head).status {
            200 => head,
            _ => {
                self.transmit(self.bounded(Call::get("/_ping")), None)
                    .await?
            }
        };
        let head = F::head(&response).clone();
        let request = "GET /_ping";
        if !call::is_success(head.status) {
            return Err(self.refusal(request, response).await);
        }
        F::bytes(response)
            .await
            .map_err(|e| in_flight(e, request))?;
        Ok(call::ping_from_head(&head))
    }

    /// Sends a call and returns the response, whatever its status.
    pub(crate) async fn send(&self, call: CallOf<F>) -> Result<<F as FlavourIo>::Response> {
        let version = match call.versioned {
            true => Some(self.negotiated_version().await?),
            false => None,
        };
        self.transmit(call, version).await
    }

    /// Sends a call with the version prefix `version` (none when `None`).
    async fn transmit(
        &self,
        call: CallOf<F>,
        version: Option<ApiVersion>,
    ) -> Result<<F as FlavourIo>::Response> {
        let request = call.describe();
        F::send(&self.transport, call.into_request(version))
            .await
            .map_err(|e| in_flight(e, &request))
    }

    /// Sends a call; an error status becomes the error. Returns the call's description
    /// (for the errors of what follows) and the response.
    pub(crate) async fn answer(
        &self,
        call: Result<CallOf<F>>,
    ) -> Result<(String, <F as FlavourIo>::Response)> {
        let call = call?;
        let request = call.describe();
        let response = self.send(call).await?;
        if call::is_success(F::head(&response).status) {
            return Ok((request, response));
        }
        Err(self.refusal(&request, response).await)
    }

    /// The error of a non-success answer to `request`: its status, and the engine's
    /// message from a body read up to the error cap (cut there, saying so, rather than
    /// failing as too large).
    async fn refusal(&self, request: &str, response: <F as FlavourIo>::Response) -> Error {
        let head = F::head(&response).clone();
        let body = match F::error_body(response).await {
            Ok(body) => body,
            Err(e) => return in_flight(e, request),
        };
        match call::check_status(request, &head, &body) {
            Err(e) => e,
            Ok(()) => Error::Api {
                status: head.status,
                message: format!("{request}: unexpected status"),
            },
        }
    }

    /// `call` with this handle's total deadline, unless it is a stream: for the steps that
    /// read a whole answer themselves.
    pub(crate) fn bounded(&self, mut call: CallOf<F>) -> CallOf<F> {
        if !call.streaming {
            call.total_timeout = self.total_timeout;
        }
        call
    }

    /// Sends a call and decodes its JSON answer.
    pub(crate) async fn json<T: DeserializeOwned + Send>(
        &self,
        call: Result<CallOf<F>>,
    ) -> Result<T> {
        let (request, response) = self.answer(call.map(|c| self.bounded(c))).await?;
        let body = F::bytes(response)
            .await
            .map_err(|e| in_flight(e, &request))?;
        call::decode(&request, &body)
    }

    /// Sends a call whose answer carries nothing.
    pub(crate) async fn empty(&self, call: Result<CallOf<F>>) -> Result<()> {
        let (request, response) = self.answer(call.map(|c| self.bounded(c))).await?;
        F::bytes(response)
            .await
            .map(drop)
            .map_err(|e| in_flight(e, &request))
    }

    /// Sends a call whose answer is a stream, decoded by the decoder `make` builds from
    /// the call's description.
    pub(crate) async fn items<D: Decoder + 'static>(
        &self,
        call: Result<CallOf<F>>,
        make: impl FnOnce(String) -> D + Send,
    ) -> Result<Items<F, D::Item>> {
        let (request, response) = self.answer(call).await?;
        let abort = F::abort_handle(&response);
        Ok(Items::new(F::chunks(response), abort, make(request)))
    }

    /// Sends a call whose answer is a raw byte stream.
    pub(crate) async fn reader(&self, call: Result<CallOf<F>>) -> Result<F::Reader> {
        let (_, response) = self.answer(call).await?;
        Ok(F::reader(response))
    }
}

/// Names the request in flight in a timeout.
fn in_flight(e: Error, request: &str) -> Error {
    match e {
        Error::Timeout {
            kind,
            after,
            endpoint,
            request: None,
        } => Error::Timeout {
            kind,
            after,
            endpoint,
            request: Some(request.to_owned()),
        },
        e => e,
    }
}

/// Builds a client of either flavour: `blocking::Client::builder()` or
/// `tokio::Client::builder()`.
///
/// ```
/// use std::time::Duration;
/// use docker_client::blocking::Client;
///
/// let client = Client::builder()
///     .host("tcp://127.0.0.1:2375")
///     .head_timeout(Duration::from_secs(30))
///     .pool_size(8)
///     .build()?;
/// assert_eq!(client.endpoint().to_string(), "tcp://127.0.0.1:2375");
/// # Ok::<(), docker_client::Error>(())
/// ```
pub struct ClientBuilder<F: Flavour> {
    endpoint: Option<Endpoint>,
    wanted: Wanted,
    tls: TlsWanted,
    version: Result<Option<ApiVersion>>,
    config: Config,
    _flavour: PhantomData<fn() -> F>,
}

/// Where a PEM item comes from, before the `tls` feature's loading.
#[derive(Debug, Clone)]
#[cfg_attr(
    not(feature = "tls"),
    allow(dead_code, reason = "read when loading TLS, with the tls feature")
)]
enum PemFrom {
    File(PathBuf),
    Memory(Vec<u8>),
}

/// The builder's TLS options, as docker's flags: `--tls`, `--tlsverify`, the files.
#[derive(Debug, Clone, Default)]
struct TlsWanted {
    /// `Some(true)` for `tls_verify`, `Some(false)` for `tls_skip_verify`.
    verify: Option<bool>,
    ca: Option<PemFrom>,
    cert: Option<PemFrom>,
    key: Option<PemFrom>,
    server_name: Option<String>,
}

impl TlsWanted {
    fn is_asked(&self) -> bool {
        self.verify.is_some() || self.ca.is_some() || self.cert.is_some() || self.key.is_some()
    }
}

impl<F: Flavour> fmt::Debug for ClientBuilder<F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("endpoint", &self.endpoint)
            .field("wanted", &self.wanted)
            .field("version", &self.version)
            .field("config", &self.config)
            .finish()
    }
}

impl<F: Flavour> ClientBuilder<F> {
    fn new() -> ClientBuilder<F> {
        ClientBuilder {
            endpoint: None,
            wanted: Wanted::default(),
            tls: TlsWanted::default(),
            version: Ok(None),
            config: Config::new(Endpoint::default()),
            _flavour: PhantomData,
        }
    }

    /// Finds the engine as the docker CLI does (see [`ContextStore`](crate::ContextStore)
    /// and [`EndpointChoice`]): an explicit host or context first, then `DOCKER_HOST`
    /// (with `DOCKER_TLS_VERIFY`, `DOCKER_TLS` and `DOCKER_CERT_PATH`), `DOCKER_CONTEXT`,
    /// `currentContext` in `config.json`, and else the first engine socket that exists
    /// ([`FALLBACK_SOCKETS`](crate::FALLBACK_SOCKETS)). Also takes the version pin from
    /// `DOCKER_API_VERSION`, when set.
    ///
    /// ```no_run
    /// let client = docker_client::blocking::Client::builder().from_env().build()?;
    /// println!("{} ({})", client.endpoint(), client.endpoint_choice());
    /// # Ok::<(), docker_client::Error>(())
    /// ```
    pub fn from_env(mut self) -> Self {
        self.wanted.use_env = true;
        if let Ok(v) = std::env::var("DOCKER_API_VERSION") {
            if !v.trim().is_empty() {
                self.version = v.parse().map(Some);
            }
        }
        self
    }

    /// The engine's address in `DOCKER_HOST` form: `unix:///path`, `tcp://host:port`,
    /// `http://host:port`.
    ///
    /// ```
    /// let client = docker_client::blocking::Client::builder().host("tcp://127.0.0.1:2375").build()?;
    /// # Ok::<(), docker_client::Error>(())
    /// ```
    pub fn host(mut self, host: &str) -> Self {
        self.endpoint = None;
        self.wanted.host = Some(host.to_owned());
        self
    }

    /// Uses the docker CLI context `name` (dkr's `--context`): its host and TLS files. An
    /// unknown name fails `build`, naming it; `default` is the built-in context. Giving
    /// both a host and a context is an error, as in docker.
    ///
    /// ```no_run
    /// let client = docker_client::blocking::Client::builder().context("remote").build()?;
    /// # Ok::<(), docker_client::Error>(())
    /// ```
    pub fn context(mut self, name: &str) -> Self {
        self.wanted.context = Some(name.to_owned());
        self
    }

    /// TLS with the engine verified against the CA (docker's `--tlsverify`).
    ///
    /// ```
    /// let b = docker_client::blocking::Client::builder()
    ///     .host("tcp://127.0.0.1:2376")
    ///     .tls_verify()
    ///     .tls_ca_file("/certs/ca.pem");
    /// # let _ = b;
    /// ```
    pub fn tls_verify(mut self) -> Self {
        self.tls.verify = Some(true);
        self
    }

    /// TLS without verifying the engine's certificate (docker's `--tls` alone): encrypted,
    /// but anyone on the path can pretend to be the engine. Only when asked for.
    ///
    /// ```
    /// let b = docker_client::blocking::Client::builder().host("tcp://127.0.0.1:2376").tls_skip_verify();
    /// # let _ = b;
    /// ```
    pub fn tls_skip_verify(mut self) -> Self {
        self.tls.verify = Some(false);
        self
    }

    /// The CA certificate file (PEM) the engine's certificate must chain to (`--tlscacert`).
    /// Turns TLS on.
    ///
    /// ```
    /// let b = docker_client::blocking::Client::builder().tls_ca_file("/certs/ca.pem");
    /// # let _ = b;
    /// ```
    pub fn tls_ca_file(mut self, path: impl Into<PathBuf>) -> Self {
        self.tls.ca = Some(PemFrom::File(path.into()));
        self
    }

    /// The CA certificate (PEM) from memory. Turns TLS on.
    ///
    /// ```
    /// let b = docker_client::blocking::Client::builder().tls_ca_pem(b"-----BEGIN CERTIFICATE-----...".to_vec());
    /// # let _ = b;
    /// ```
    pub fn tls_ca_pem(mut self, pem: impl Into<Vec<u8>>) -> Self {
        self.tls.ca = Some(PemFrom::Memory(pem.into()));
        self
    }

    /// The client certificate file (PEM, `--tlscert`). Turns TLS on; needs the key.
    ///
    /// ```
    /// let b = docker_client::blocking::Client::builder()
    ///     .tls_cert_file("/certs/cert.pem")
    ///     .tls_key_file("/certs/key.pem");
    /// # let _ = b;
    /// ```
    pub fn tls_cert_file(mut self, path: impl Into<PathBuf>) -> Self {
        self.tls.cert = Some(PemFrom::File(path.into()));
        self
    }

    /// The client certificate (PEM) from memory. Turns TLS on; needs the key.
    ///
    /// ```
    /// let b = docker_client::blocking::Client::builder().tls_cert_pem(Vec::new()).tls_key_pem(Vec::new());
    /// # let _ = b;
    /// ```
    pub fn tls_cert_pem(mut self, pem: impl Into<Vec<u8>>) -> Self {
        self.tls.cert = Some(PemFrom::Memory(pem.into()));
        self
    }

    /// The client key file (PEM, `--tlskey`). Turns TLS on.
    ///
    /// ```
    /// let b = docker_client::blocking::Client::builder().tls_key_file("/certs/key.pem");
    /// # let _ = b;
    /// ```
    pub fn tls_key_file(mut self, path: impl Into<PathBuf>) -> Self {
        self.tls.key = Some(PemFrom::File(path.into()));
        self
    }

    /// The client key (PEM) from memory. Turns TLS on.
    ///
    /// ```
    /// let b = docker_client::blocking::Client::builder().tls_key_pem(Vec::new());
    /// # let _ = b;
    /// ```
    pub fn tls_key_pem(mut self, pem: impl Into<Vec<u8>>) -> Self {
        self.tls.key = Some(PemFrom::Memory(pem.into()));
        self
    }

    /// The name the engine's certificate must carry, instead of the host connected to.
    ///
    /// ```
    /// let b = docker_client::blocking::Client::builder().tls_server_name("engine.internal");
    /// # let _ = b;
    /// ```
    pub fn tls_server_name(mut self, name: &str) -> Self {
        self.tls.server_name = Some(name.to_owned());
        self
    }

    /// An option for `ssh` (`ssh://` endpoints), passed as `-o OPTION`: `IdentityFile=...`,
    /// `UserKnownHostsFile=...`. ssh always runs with `BatchMode=yes` and a
    /// `ConnectTimeout` of the connect timeout.
    ///
    /// ```
    /// let b = docker_client::blocking::Client::builder()
    ///     .host("ssh://me@build-box")
    ///     .ssh_option("IdentityFile=/keys/build");
    /// # let _ = b;
    /// ```
    pub fn ssh_option(mut self, option: &str) -> Self {
        self.config.ssh.options.push(option.to_owned());
        self
    }

    /// The engine's address.
    ///
    /// ```
    /// use docker_client::Endpoint;
    /// let client = docker_client::blocking::Client::builder()
    ///     .endpoint(Endpoint::Unix("/run/docker.sock".into()))
    ///     .build()?;
    /// # Ok::<(), docker_client::Error>(())
    /// ```
    pub fn endpoint(mut self, endpoint: Endpoint) -> Self {
        self.wanted.host = None;
        self.endpoint = Some(endpoint);
        self
    }

    /// Pins the API version (for example `"1.41"`), which turns negotiation off.
    ///
    /// ```
    /// let client = docker_client::blocking::Client::builder().api_version("1.41").build()?;
    /// # Ok::<(), docker_client::Error>(())
    /// ```
    pub fn api_version(mut self, version: &str) -> Self {
        self.version = version.parse().map(Some);
        self
    }

    /// All timeouts at once.
    ///
    /// ```
    /// use std::time::Duration;
    /// let mut timeouts = docker_client::Timeouts::default();
    /// timeouts.head = Some(Duration::from_secs(10));
    /// let client = docker_client::blocking::Client::builder().timeouts(timeouts).build()?;
    /// # Ok::<(), docker_client::Error>(())
    /// ```
    pub fn timeouts(mut self, timeouts: Timeouts) -> Self {
        self.config.timeouts = timeouts;
        self
    }

    /// The connect timeout (default 5 s).
    ///
    /// ```
    /// use std::time::Duration;
    /// let b = docker_client::blocking::Client::builder().connect_timeout(Duration::from_secs(1));
    /// # let _ = b;
    /// ```
    pub fn connect_timeout(mut self, t: Duration) -> Self {
        self.config.timeouts.connect = Some(t);
        self
    }

    /// The time allowed for a response head to arrive (default 120 s).
    ///
    /// ```
    /// use std::time::Duration;
    /// let b = docker_client::blocking::Client::builder().head_timeout(Duration::from_secs(30));
    /// # let _ = b;
    /// ```
    pub fn head_timeout(mut self, t: Duration) -> Self {
        self.config.timeouts.head = Some(t);
        self
    }

    /// The time allowed between two reads of a body (default 120 s). Streams that wait for
    /// events (events, logs follow, attach) are exempt.
    ///
    /// ```
    /// use std::time::Duration;
    /// let b = docker_client::blocking::Client::builder().idle_timeout(Duration::from_secs(30));
    /// # let _ = b;
    /// ```
    pub fn idle_timeout(mut self, t: Duration) -> Self {
        self.config.timeouts.idle = Some(t);
        self
    }

    /// The longest a call whose answer the client reads whole (a model, or nothing) may
    /// take: connecting, the head, the body and a retry together. Default 300 s (the head
    /// timeout's 120 s plus three minutes for a body, more than any such answer needs), so
    /// that an engine, proxy or tunnel that stalls or trickles an answer cannot hold a call
    /// for longer; calls that wait longer for their head by design (stop and restart with
    /// a grace period, commit) get that much longer. Streams are exempt. Per call:
    /// [`Client::with_total_timeout`]. A passed deadline is [`Error::Timeout`] with
    /// [`TimeoutKind::Total`](crate::TimeoutKind::Total), naming the request.
    ///
    /// ```
    /// use std::time::Duration;
    /// let client = docker_client::blocking::Client::builder().total_timeout(Duration::from_secs(10)).build()?;
    /// assert_eq!(client.total_timeout(), Some(Duration::from_secs(10)));
    /// # Ok::<(), docker_client::Error>(())
    /// ```
    pub fn total_timeout(mut self, t: Duration) -> Self {
        self.config.timeouts.total = Some(t);
        self
    }

    /// No total deadline: a unary call is bounded only by the head and idle timeouts.
    ///
    /// ```
    /// let client = docker_client::blocking::Client::builder().no_total_timeout().build()?;
    /// assert_eq!(client.total_timeout(), None);
    /// # Ok::<(), docker_client::Error>(())
    /// ```
    pub fn no_total_timeout(mut self) -> Self {
        self.config.timeouts.total = None;
        self
    }

    /// The most idle connections kept for reuse (default 16; 0 disables reuse). Raise it
    /// when more threads or tasks than that share the client, so that none reconnects.
    ///
    /// ```
    /// let b = docker_client::blocking::Client::builder().pool_size(64);
    /// # let _ = b;
    /// ```
    pub fn pool_size(mut self, n: usize) -> Self {
        self.config.max_idle_connections = n;
        self
    }

    /// The largest body collected in memory for a call that returns a model (default 64 MiB).
    ///
    /// ```
    /// let b = docker_client::blocking::Client::builder().max_body_bytes(8 << 20);
    /// # let _ = b;
    /// ```
    pub fn max_body_bytes(mut self, n: usize) -> Self {
        self.config.max_body_bytes = n;
        self
    }

    /// Builds the client. Nothing is sent until the first call.
    ///
    /// ```
    /// let client = docker_client::blocking::Client::builder().build()?;
    /// # Ok::<(), docker_client::Error>(())
    /// ```
    pub fn build(self) -> Result<Client<F>> {
        let get = |name: &str| std::env::var_os(name);
        self.build_with(&get, &crate::context::is_socket)
    }

    /// [`build`](Self::build) over any environment and socket test.
    pub(crate) fn build_with(
        self,
        get: &dyn Fn(&str) -> Option<OsString>,
        is_socket: &dyn Fn(&Path) -> bool,
    ) -> Result<Client<F>> {
        let mut config = self.config;
        let (endpoint, source, tls_from) = match self.endpoint {
            Some(endpoint) => (endpoint, EndpointSource::Explicit, TlsFrom::Flags),
            None if self.wanted.host.is_none()
                && self.wanted.context.is_none()
                && !self.wanted.use_env =>
            {
                (Endpoint::default(), EndpointSource::Default, TlsFrom::Flags)
            }
            None => {
                let found = discover(&self.wanted, get, is_socket)?;
                let env_tls =
                    |name: &str| self.wanted.use_env && get(name).is_some_and(|v| !v.is_empty());
                let tls_on = match &found.tls {
                    TlsFrom::Flags => {
                        self.tls.is_asked() || env_tls("DOCKER_TLS_VERIFY") || env_tls("DOCKER_TLS")
                    }
                    TlsFrom::Context { dir, skip_verify } => dir.is_some() || *skip_verify,
                };
                let endpoint = match tls_on {
                    true => Endpoint::parse_tls(&found.host)?,
                    false => Endpoint::parse(&found.host)?,
                };
                (endpoint, found.source, found.tls)
            }
        };
        if let Endpoint::Tls { .. } = endpoint {
            set_tls(&mut config, &self.tls, &tls_from, self.wanted.use_env, get)?;
        }
        config.endpoint = endpoint.clone();
        let shared = Shared {
            pinned: self.version?,
            negotiated: OnceLock::new(),
            choice: EndpointChoice { endpoint, source },
        };
        Ok(Client::from_parts(config, shared))
    }
}

/// Loads the TLS settings of a TLS endpoint: a context's files, or docker's flags (the
/// builder's options over `DOCKER_TLS_VERIFY`, `DOCKER_TLS` and `DOCKER_CERT_PATH`).
#[cfg(feature = "tls")]
fn set_tls(
    config: &mut Config,
    wanted: &TlsWanted,
    from: &TlsFrom,
    use_env: bool,
    get: &dyn Fn(&str) -> Option<OsString>,
) -> Result<()> {
    use docker_transport::{Pem, Tls, TlsOptions};
    let pem = |p: &PemFrom| match p {
        PemFrom::File(path) => Pem::File(path.clone()),
        PemFrom::Memory(bytes) => Pem::Memory(bytes.clone()),
    };
    let existing = |dir: &Path, name: &str| {
        let path = dir.join(name);
        path.exists().then_some(Pem::File(path))
    };
    let options = match from {
        TlsFrom::Context { dir, skip_verify } => TlsOptions {
            ca: dir.as_deref().and_then(|d| existing(d, "ca.pem")),
            cert: dir.as_deref().and_then(|d| existing(d, "cert.pem")),
            key: dir.as_deref().and_then(|d| existing(d, "key.pem")),
            insecure_skip_verify: *skip_verify,
            server_name: wanted.server_name.clone(),
        },
        TlsFrom::Flags => {
            let env = |name: &str| {
                use_env
                    .then(|| get(name))
                    .flatten()
                    .filter(|v| !v.is_empty())
            };
            let verify = match wanted.verify {
                Some(verify) => verify,
                None => env("DOCKER_TLS_VERIFY").is_some() || env("DOCKER_TLS").is_none(),
            };
            let dir = match (env("DOCKER_CERT_PATH"), use_env) {
                (Some(dir), _) => Some(PathBuf::from(dir)),
                (None, true) => Some(crate::context::config_dir(get)),
                (None, false) => None,
            };
            let default = |name: &str| dir.as_deref().and_then(|d| existing(d, name));
            let ca_default = dir.as_deref().map(|d| Pem::File(d.join("ca.pem")));
            TlsOptions {
                ca: wanted
                    .ca
                    .as_ref()
                    .map(pem)
                    .or(if verify { ca_default } else { None }),
                cert: wanted
                    .cert
                    .as_ref()
                    .map(pem)
                    .or_else(|| default("cert.pem")),
                key: wanted.key.as_ref().map(pem).or_else(|| default("key.pem")),
                insecure_skip_verify: !verify,
                server_name: wanted.server_name.clone(),
            }
        }
    };
    config.tls = Some(Tls::new(&options)?);
    Ok(())
}

/// Without the `tls` feature, a TLS endpoint cannot be built.
#[cfg(not(feature = "tls"))]
fn set_tls(
    config: &mut Config,
    _wanted: &TlsWanted,
    _from: &TlsFrom,
    _use_env: bool,
    _get: &dyn Fn(&str) -> Option<OsString>,
) -> Result<()> {
    Err(Error::from(docker_transport::Error::Unsupported {
        endpoint: config.endpoint.to_string(),
        what: "TLS needs docker-client's `tls` feature, which this build lacks".into(),
    }))
}

#[cfg(all(test, feature = "tls"))]
mod tests {
    //! TLS from the environment, read as the docker CLI reads it.
    use super::*;

    /// A directory of its own, without certificates, removed when dropped.
    struct Empty(PathBuf);

    impl Empty {
        fn new(name: &str) -> Empty {
            let dir =
                std::env::temp_dir().join(format!("dkr-tlsenv-{name}-{}", std::process::id()));
            std::fs::create_dir_all(&dir).unwrap();
            Empty(dir)
        }
    }

    impl Drop for Empty {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }

    fn build(vars: &[(&str, &str)]) -> Result<crate::blocking::Client> {
        let get = |name: &str| {
            vars.iter()
                .find(|(n, _)| *n == name)
                .map(|(_, v)| OsString::from(v))
        };
        let mut builder = crate::blocking::Client::builder();
        builder.wanted.use_env = true;
        builder.build_with(&get, &|_| false)
    }

    #[test]
    fn docker_tls_verify_0_still_verifies_and_needs_the_ca() {
        let certs = Empty::new("verify0");
        let path = certs.0.to_str().unwrap();
        let env = [
            ("DOCKER_HOST", "tcp://engine"),
            ("DOCKER_TLS_VERIFY", "0"),
            ("DOCKER_CERT_PATH", path),
        ];
        let err = build(&env).unwrap_err().to_string();
        assert!(err.contains(&format!("{path}/ca.pem")), "{err}");
        // DOCKER_TLS alone encrypts without verifying: no CA needed.
        let env = [
            ("DOCKER_HOST", "tcp://engine"),
            ("DOCKER_TLS", "1"),
            ("DOCKER_CERT_PATH", path),
        ];
        let client = build(&env).unwrap();
        assert_eq!(
            client.endpoint(),
            &Endpoint::parse_tls("tcp://engine:2376").unwrap()
        );
    }

    #[test]
    fn the_default_port_is_2376_with_tls_and_2375_without() {
        let certs = Empty::new("ports");
        let path = certs.0.to_str().unwrap();
        let plain = build(&[("DOCKER_HOST", "tcp://engine")]).unwrap();
        assert_eq!(
            plain.endpoint(),
            &Endpoint::parse("tcp://engine:2375").unwrap()
        );
        // An empty DOCKER_TLS_VERIFY is unset, as in docker.
        let empty = build(&[("DOCKER_HOST", "tcp://engine"), ("DOCKER_TLS_VERIFY", "")]).unwrap();
        assert_eq!(
            empty.endpoint(),
            &Endpoint::parse("tcp://engine:2375").unwrap()
        );
        let tls = build(&[
            ("DOCKER_HOST", "tcp://engine"),
            ("DOCKER_TLS", "1"),
            ("DOCKER_CERT_PATH", path),
        ])
        .unwrap();
        assert_eq!(
            tls.endpoint(),
            &Endpoint::parse_tls("tcp://engine:2376").unwrap()
        );
    }

    #[test]
    fn without_docker_cert_path_the_files_are_in_the_config_directory() {
        let config = Empty::new("config");
        let path = config.0.to_str().unwrap();
        let env = [
            ("DOCKER_HOST", "tcp://engine"),
            ("DOCKER_TLS_VERIFY", "1"),
            ("DOCKER_CONFIG", path),
        ];
        let err = build(&env).unwrap_err().to_string();
        assert!(err.contains(&format!("{path}/ca.pem")), "{err}");
    }
}
