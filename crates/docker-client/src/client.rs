//! What the flavours' clients share: the builder and the negotiated version.

use std::marker::PhantomData;
use std::sync::OnceLock;
use std::time::Duration;

use docker_models::Ping;
use docker_transport::{Config, Endpoint, Timeouts};

use crate::version::negotiate;
use crate::{ApiVersion, Error, Result};

/// The version state of one client and its clones: a pin, or a version negotiated once.
#[derive(Debug, Default)]
pub(crate) struct Shared {
    pinned: Option<ApiVersion>,
    negotiated: OnceLock<ApiVersion>,
}

impl Shared {
    /// The version to use, if already known.
    pub(crate) fn current(&self) -> Option<ApiVersion> {
        self.pinned.or_else(|| self.negotiated.get().copied())
    }

    /// Settles the version from a ping (the first settled value wins).
    pub(crate) fn settle(&self, ping: &Ping) -> Result<ApiVersion> {
        let v = negotiate(Some(&ping.api_version))?;
        Ok(*self.negotiated.get_or_init(|| v))
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
#[derive(Debug)]
pub struct ClientBuilder<C> {
    endpoint: Result<Endpoint>,
    version: Result<Option<ApiVersion>>,
    config: Config,
    _client: PhantomData<fn() -> C>,
}

impl<C> ClientBuilder<C> {
    pub(crate) fn new() -> ClientBuilder<C> {
        ClientBuilder {
            endpoint: Ok(Endpoint::default()),
            version: Ok(None),
            config: Config::new(Endpoint::default()),
            _client: PhantomData,
        }
    }

    /// Takes the endpoint from `DOCKER_HOST` (default `unix:///var/run/docker.sock`) and the
    /// version pin from `DOCKER_API_VERSION`, when set.
    pub fn from_env(mut self) -> Self {
        self.endpoint = Endpoint::from_env().map_err(Error::from);
        if let Ok(v) = std::env::var("DOCKER_API_VERSION") {
            if !v.trim().is_empty() {
                self.version = v.parse().map(Some);
            }
        }
        self
    }

    /// The engine's address in `DOCKER_HOST` form: `unix:///path`, `tcp://host:port`,
    /// `http://host:port`.
    pub fn host(mut self, host: &str) -> Self {
        self.endpoint = Endpoint::parse(host).map_err(Error::from);
        self
    }

    /// The engine's address.
    pub fn endpoint(mut self, endpoint: Endpoint) -> Self {
        self.endpoint = Ok(endpoint);
        self
    }

    /// Pins the API version (for example `"1.41"`), which turns negotiation off.
    pub fn api_version(mut self, version: &str) -> Self {
        self.version = version.parse().map(Some);
        self
    }

    /// All timeouts at once.
    pub fn timeouts(mut self, timeouts: Timeouts) -> Self {
        self.config.timeouts = timeouts;
        self
    }

    /// The connect timeout (default 5 s).
    pub fn connect_timeout(mut self, t: Duration) -> Self {
        self.config.timeouts.connect = Some(t);
        self
    }

    /// The time allowed for a response head to arrive (default 120 s).
    pub fn head_timeout(mut self, t: Duration) -> Self {
        self.config.timeouts.head = Some(t);
        self
    }

    /// The time allowed between two reads of a body (default 120 s). Streams that wait for
    /// events (events, logs follow, attach) are exempt.
    pub fn idle_timeout(mut self, t: Duration) -> Self {
        self.config.timeouts.idle = Some(t);
        self
    }

    /// The most idle connections kept for reuse (default 16; 0 disables reuse). Raise it
    /// when more threads or tasks than that share the client, so that none reconnects.
    pub fn pool_size(mut self, n: usize) -> Self {
        self.config.max_idle_connections = n;
        self
    }

    /// The largest body collected in memory for a call that returns a model (default 64 MiB).
    pub fn max_body_bytes(mut self, n: usize) -> Self {
        self.config.max_body_bytes = n;
        self
    }

    fn parts(self) -> Result<(Config, Shared)> {
        let mut config = self.config;
        config.endpoint = self.endpoint?;
        let shared = Shared {
            pinned: self.version?,
            negotiated: OnceLock::new(),
        };
        Ok((config, shared))
    }
}

#[cfg(feature = "blocking")]
impl ClientBuilder<crate::blocking::Client> {
    /// Builds the client. Nothing is sent until the first call.
    pub fn build(self) -> Result<crate::blocking::Client> {
        let (config, shared) = self.parts()?;
        Ok(crate::blocking::Client::from_parts(config, shared))
    }
}

#[cfg(feature = "tokio")]
impl ClientBuilder<crate::tokio::Client> {
    /// Builds the client. Nothing is sent until the first call.
    pub fn build(self) -> Result<crate::tokio::Client> {
        let (config, shared) = self.parts()?;
        Ok(crate::tokio::Client::from_parts(config, shared))
    }
}
