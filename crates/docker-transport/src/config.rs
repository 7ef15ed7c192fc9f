//! Transport settings shared by both flavours.

use std::time::Duration;

use crate::{Endpoint, Limits};

/// Deadlines. `None` disables one.
///
/// Three bound one wait each (connecting, the head, the silence between two body reads);
/// `total` bounds a whole call: connecting, writing, the head, the body and the
/// stale-connection retry together, so that a peer that trickles a body one byte at a time
/// cannot hold a call for longer. Streams ([`Request::streaming`](crate::Request::streaming))
/// are exempt from `idle` and `total`.
///
/// ```
/// use std::time::Duration;
/// use docker_transport::Timeouts;
///
/// let t = Timeouts::default();
/// assert_eq!(t.connect, Some(Duration::from_secs(5)));
/// assert_eq!(t.head, Some(Duration::from_secs(120)));
/// assert_eq!(t.idle, Some(Duration::from_secs(120)));
/// assert_eq!(t.total, Some(Duration::from_secs(300)));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Timeouts {
    /// Opening a connection. Default 5 s. Unix sockets connect at once or fail.
    pub connect: Option<Duration>,
    /// From the moment the request is fully written to the arrival of the response head.
    /// Each write of the request must also make progress within it. Default 120 s; override
    /// it per request with [`Request::head_timeout`](crate::Request::head_timeout).
    pub head: Option<Duration>,
    /// The longest wait for the next body bytes. Default 120 s; lifted by
    /// [`Request::streaming`](crate::Request::streaming).
    pub idle: Option<Duration>,
    /// The longest a whole call may take, from [`send`](crate::blocking::Transport::send)
    /// to the last body byte, retry included. Default 300 s: the head timeout (120 s) plus
    /// three minutes for a body, which is more than any answer that is not a stream needs
    /// (the 64 MiB body cap at 0.36 MB/s), so it cuts only peers that stall or trickle. A
    /// request that raises its head timeout above `head` raises its total deadline by as
    /// much (stop and restart with a grace period, commit); override it per request with
    /// [`Request::total_timeout`](crate::Request::total_timeout). Streams are exempt.
    pub total: Option<Duration>,
}

impl Default for Timeouts {
    fn default() -> Timeouts {
        Timeouts {
            connect: Some(Duration::from_secs(5)),
            head: Some(Duration::from_secs(120)),
            idle: Some(Duration::from_secs(120)),
            total: Some(Duration::from_secs(300)),
        }
    }
}

/// Everything a transport needs to know.
///
/// ```
/// use docker_transport::{Config, Endpoint};
///
/// let mut config = Config::new(Endpoint::default());
/// config.max_idle_connections = 8;
/// assert_eq!(config.max_body_bytes, 64 * 1024 * 1024);
/// assert!(config.user_agent.starts_with("docker-rs/"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Config {
    /// Where the engine listens.
    pub endpoint: Endpoint,
    /// Deadlines.
    pub timeouts: Timeouts,
    /// The most idle keep-alive connections kept for reuse. Default 16, enough for as many
    /// threads or tasks sharing one client without reconnecting (each keeps a read buffer of
    /// up to 64 KiB, and idles at most [`idle_expiry`](Self::idle_expiry)); 0 disables reuse.
    pub max_idle_connections: usize,
    /// An idle connection older than this is closed, never reused. Default 5 s: Podman
    /// drops idle keep-alive connections after 10 s, so this must stay under that.
    pub idle_expiry: Duration,
    /// The cap for a collected success body (`Response::bytes`).
    /// Default 64 MiB.
    pub max_body_bytes: usize,
    /// The cap for a collected error body (status >= 400). Default 1 MiB.
    pub max_error_body_bytes: usize,
    /// Codec limits: head size, header count, chunk extensions, trailers.
    pub limits: Limits,
    /// The `User-Agent` header sent with every request. Default `docker-rs/<version>`;
    /// empty means none.
    pub user_agent: String,
    /// The TLS settings of an [`Endpoint::Tls`] (feature `tls`). An `Endpoint::Tls` without
    /// them fails to connect, saying so: there is no plain-text fallback.
    #[cfg(feature = "tls")]
    pub tls: Option<crate::Tls>,
    /// How `ssh` is run for an [`Endpoint::Ssh`].
    pub ssh: SshConfig,
}

/// How `ssh` is run for an `ssh://` endpoint: the program and extra `-o` options. ssh
/// always gets `-o BatchMode=yes` (never a prompt: a host-key or authentication failure is
/// an error) and `-o ConnectTimeout=` the connect timeout, rounded up to seconds.
///
/// ```
/// let mut ssh = docker_transport::SshConfig::default();
/// assert_eq!(ssh.program, std::path::PathBuf::from("ssh"));
/// ssh.options.push("IdentityFile=/keys/engine".into());
/// ssh.options.push("StrictHostKeyChecking=yes".into());
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SshConfig {
    /// The ssh program, looked up in `PATH` when it has no slash. Default `ssh`.
    pub program: std::path::PathBuf,
    /// Options, each passed as `-o OPTION` before the host (`IdentityFile=...`,
    /// `UserKnownHostsFile=...`, `StrictHostKeyChecking=...`).
    pub options: Vec<String>,
}

impl Default for SshConfig {
    fn default() -> SshConfig {
        SshConfig {
            program: "ssh".into(),
            options: Vec::new(),
        }
    }
}

impl Config {
    /// The defaults for `endpoint`.
    ///
    /// ```
    /// use docker_transport::{Config, Endpoint, Timeouts};
    /// let config = Config::new(Endpoint::parse("tcp://10.0.0.5:2375")?);
    /// assert_eq!(config.timeouts, Timeouts::default());
    /// assert_eq!(config.max_idle_connections, 16);
    /// # Ok::<(), docker_transport::Error>(())
    /// ```
    pub fn new(endpoint: Endpoint) -> Config {
        Config {
            endpoint,
            timeouts: Timeouts::default(),
            max_idle_connections: 16,
            idle_expiry: Duration::from_secs(5),
            max_body_bytes: 64 * 1024 * 1024,
            max_error_body_bytes: 1024 * 1024,
            limits: Limits::default(),
            user_agent: concat!("docker-rs/", env!("CARGO_PKG_VERSION")).to_owned(),
            #[cfg(feature = "tls")]
            tls: None,
            ssh: SshConfig::default(),
        }
    }

    /// The defaults for the endpoint of the environment, read as the docker CLI reads it:
    /// `DOCKER_HOST` ([`Endpoint::from_env`]), and for a TLS endpoint `DOCKER_TLS_VERIFY`
    /// (any non-empty value, `"0"` included, verifies the engine) or `DOCKER_TLS` (TLS
    /// without verification), with the certificates of `DOCKER_CERT_PATH` (default
    /// `~/.docker`): `ca.pem`, `cert.pem` and `key.pem`.
    ///
    /// ```no_run
    /// use docker_transport::{blocking::Transport, Config};
    /// let transport = Transport::new(Config::from_env()?);
    /// # Ok::<(), docker_transport::Error>(())
    /// ```
    pub fn from_env() -> Result<Config, crate::Error> {
        let endpoint = Endpoint::from_env()?;
        #[cfg_attr(not(feature = "tls"), allow(unused_mut))]
        let mut config = Config::new(endpoint);
        #[cfg(feature = "tls")]
        if let Endpoint::Tls { .. } = config.endpoint {
            let options = crate::TlsOptions::from_env();
            config.tls = Some(crate::Tls::new(&options)?);
        }
        Ok(config)
    }
}
