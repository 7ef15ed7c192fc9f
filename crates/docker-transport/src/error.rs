//! The one error type of both flavours, and its mapping to `std::io::Error`.

use std::fmt;
use std::io;
use std::time::Duration;

/// Everything that can go wrong between a [`Request`](crate::Request) and the last body byte.
///
/// Messages name the endpoint and say what to do. A connection is never reused after an
/// error.
///
/// ```
/// use docker_transport::{Endpoint, Error};
///
/// let err = Endpoint::parse("npipe:////./pipe/docker_engine").unwrap_err();
/// assert!(matches!(err, Error::Unsupported { .. }));
/// assert!(err.to_string().contains("not supported"));
/// ```
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The endpoint string could not be understood.
    #[error("invalid Docker endpoint {endpoint:?}: {reason}")]
    InvalidEndpoint {
        /// The string that was given.
        endpoint: String,
        /// What is wrong with it.
        reason: String,
    },
    /// The endpoint or setting is valid but this crate does not support it (Windows named
    /// pipes, or TLS in a build without the `tls` feature).
    #[error("{what}; not supported (endpoint {endpoint}); use a unix://, tcp://, https:// or ssh:// endpoint")]
    Unsupported {
        /// The endpoint concerned.
        endpoint: String,
        /// What is not supported.
        what: String,
    },
    /// The connection could not be opened.
    #[error("cannot connect to the Docker engine at {endpoint}: {}", kind.advice(endpoint))]
    Connect {
        /// The endpoint in URL form.
        endpoint: String,
        /// The kind of failure, for programs.
        kind: ConnectFailure,
        /// The OS error.
        #[source]
        source: io::Error,
    },
    /// A certificate or key could not be loaded: the file is missing, unreadable or holds
    /// no usable PEM item, or a certificate came without its key.
    #[error("cannot load the {item}{}: {reason}", path.as_ref().map(|p| format!(" from {}", p.display())).unwrap_or_default())]
    Certificate {
        /// Which item.
        item: CertificateItem,
        /// The file, when it came from one.
        path: Option<std::path::PathBuf>,
        /// What is wrong.
        reason: String,
    },
    /// The TLS handshake or session failed: the server's certificate is not trusted, has
    /// expired or names another host; the server refused the client's certificate; or the
    /// other side does not speak TLS. Nothing is ever retried in plain text.
    #[error("TLS with the Docker engine at {endpoint} failed: {}: {detail}", problem.advice())]
    Tls {
        /// The endpoint in URL form.
        endpoint: String,
        /// What went wrong, for programs.
        problem: TlsProblem,
        /// rustls's own description.
        detail: String,
    },
    /// The `ssh` process of an `ssh://` endpoint ended before the engine answered: it could
    /// not connect, authenticate or verify the host key, or the remote `docker` failed.
    #[error(
        "ssh to {endpoint} failed before the engine answered: {}",
        ssh_message(stderr)
    )]
    Ssh {
        /// The endpoint in URL form.
        endpoint: String,
        /// What ssh (or the remote docker) wrote to its standard error.
        stderr: String,
    },
    /// A deadline passed.
    #[error("timed out after {after:?} {} at {endpoint}; {}", kind.waiting_for(), kind.advice())]
    Timeout {
        /// The endpoint in URL form.
        endpoint: String,
        /// Which deadline passed.
        kind: TimeoutKind,
        /// The setting that was exceeded.
        after: Duration,
    },
    /// Reading or writing the socket failed.
    #[error("I/O error talking to the Docker engine at {endpoint}: {source}; the connection was closed, retry the request if it is safe to repeat")]
    Io {
        /// The endpoint in URL form.
        endpoint: String,
        /// The OS error.
        #[source]
        source: io::Error,
    },
    /// The engine sent something that is not valid HTTP, or the response was truncated.
    #[error(
        "{} from the Docker engine at {endpoint}: {source}; the connection was closed",
        protocol_summary(source)
    )]
    Protocol {
        /// The endpoint in URL form.
        endpoint: String,
        /// The codec's verdict.
        #[source]
        source: docker_wire::Error,
    },
    /// A Docker stream framing (multiplexed logs, JSON lines) was violated.
    #[error("malformed stream from the Docker engine at {endpoint}: {source}")]
    Frame {
        /// The endpoint in URL form.
        endpoint: String,
        /// The framing decoder's verdict.
        #[source]
        source: docker_wire::frames::FrameError,
    },
    /// A collected body exceeded its cap.
    #[error("the response body from {endpoint} exceeds {limit} bytes; raise Config::max_body_bytes (or max_error_body_bytes), read it as a stream, or, for an error status, read its start with Response::error_body")]
    BodyTooLarge {
        /// The endpoint in URL form.
        endpoint: String,
        /// The cap in force.
        limit: usize,
    },
    /// An upgrade (attach, exec start) was requested but the engine answered normally.
    #[error("the engine answered {status} instead of switching protocols; read the response body for its error message")]
    NotUpgraded {
        /// The status received.
        status: u16,
    },
    /// The request itself is invalid (for example CR or LF in a header value); nothing was sent.
    #[error("invalid request, nothing was sent: {source}")]
    InvalidRequest {
        /// The codec's verdict.
        #[source]
        source: docker_wire::Error,
    },
}

/// Why a connection could not be opened.
///
/// ```
/// use docker_transport::{blocking::Transport, Config, ConnectFailure, Endpoint, Error, Method, Request};
/// let transport = Transport::new(Config::new(Endpoint::parse("unix:///nonexistent/docker.sock")?));
/// let Err(err) = transport.send(Request::new(Method::Get, "/_ping")) else { panic!() };
/// assert!(matches!(err, Error::Connect { kind: ConnectFailure::NotFound, .. }));
/// # Ok::<(), docker_transport::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum ConnectFailure {
    /// Nothing exists at the socket path (or the host name does not resolve).
    NotFound,
    /// The socket exists but this user may not open it.
    PermissionDenied,
    /// Nothing listens at the address.
    Refused,
    /// The path exists but is not a socket.
    NotASocket,
    /// Any other OS error.
    Other,
}

impl ConnectFailure {
    pub(crate) fn from_io(err: &io::Error) -> ConnectFailure {
        // ENOTSOCK (88 on Linux, 38 on the BSDs) has no stable ErrorKind yet.
        const ENOTSOCK: i32 = if cfg!(target_os = "linux") { 88 } else { 38 };
        match err.kind() {
            io::ErrorKind::NotFound => ConnectFailure::NotFound,
            io::ErrorKind::PermissionDenied => ConnectFailure::PermissionDenied,
            io::ErrorKind::ConnectionRefused => ConnectFailure::Refused,
            _ if err.raw_os_error() == Some(ENOTSOCK) => ConnectFailure::NotASocket,
            _ => ConnectFailure::Other,
        }
    }

    fn advice(self, endpoint: &str) -> String {
        match self {
            ConnectFailure::NotFound => format!(
                "no socket at {}: is the engine running? set DOCKER_HOST to point elsewhere",
                path_of(endpoint)
            ),
            ConnectFailure::PermissionDenied => format!(
                "permission denied on {}: join the docker group or run as root",
                path_of(endpoint)
            ),
            ConnectFailure::Refused => {
                "connection refused: is the engine running and listening there? set DOCKER_HOST to point elsewhere".into()
            }
            ConnectFailure::NotASocket => format!(
                "{} exists but is not a socket: check DOCKER_HOST",
                path_of(endpoint)
            ),
            ConnectFailure::Other => "check that the engine is running and DOCKER_HOST is right".into(),
        }
    }
}

fn path_of(endpoint: &str) -> &str {
    endpoint.strip_prefix("unix://").unwrap_or(endpoint)
}

fn protocol_summary(source: &docker_wire::Error) -> &'static str {
    use docker_wire::ProtocolError as P;
    match source {
        docker_wire::Error::Protocol(P::UnexpectedEof { .. }) => "truncated response",
        docker_wire::Error::Protocol(P::ClosedBeforeResponse) => "no response",
        _ => "malformed response",
    }
}

fn ssh_message(stderr: &str) -> String {
    match stderr.trim() {
        "" => "ssh exited without a message; check the host, the port and `ssh -v`".into(),
        text => text.replace("\r\n", "; ").replace('\n', "; "),
    }
}

/// What went wrong in TLS. See [`Error::Tls`]. Its `Display` says what to do.
///
/// ```
/// use docker_transport::{Error, TlsProblem};
///
/// let err = Error::Tls {
///     endpoint: "tcp://127.0.0.1:2376".into(),
///     problem: TlsProblem::UnknownIssuer,
///     detail: "invalid peer certificate: UnknownIssuer".into(),
/// };
/// let hint = match &err {
///     Error::Tls { problem: TlsProblem::UnknownIssuer, .. } => "give the engine's CA",
///     Error::Tls { problem: TlsProblem::ClientCertificateRequired, .. } => "give a certificate",
///     _ => "",
/// };
/// assert_eq!(hint, "give the engine's CA");
/// assert!(TlsProblem::Expired.to_string().contains("expired"));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum TlsProblem {
    /// The server's certificate is not signed by the CA given (`--tlscacert`).
    UnknownIssuer,
    /// The server's certificate has expired.
    Expired,
    /// The server's certificate is not valid yet.
    NotYetValid,
    /// The server's certificate does not name the endpoint's host.
    NameMismatch,
    /// The server's certificate is malformed or unusable.
    BadCertificate,
    /// The server requires a client certificate and none was given.
    ClientCertificateRequired,
    /// The server refused the client's certificate (unknown CA, expired, revoked).
    ClientCertificateRejected,
    /// The server does not speak TLS: it answered in plain HTTP, or sent something else.
    NotTls,
    /// The server speaks TLS, but the request was sent in plain HTTP.
    ServerRequiresTls,
    /// Any other handshake or record failure.
    Handshake,
}

impl TlsProblem {
    fn advice(self) -> &'static str {
        match self {
            TlsProblem::UnknownIssuer => "the engine's certificate is signed by an unknown authority (not the CA given with --tlscacert or DOCKER_CERT_PATH/ca.pem)",
            TlsProblem::Expired => "the engine's certificate has expired; renew it",
            TlsProblem::NotYetValid => "the engine's certificate is not valid yet; check the clocks",
            TlsProblem::NameMismatch => "the engine's certificate does not name this host; connect by a name it carries, or set the server-name override",
            TlsProblem::BadCertificate => "the engine's certificate is unusable",
            TlsProblem::ClientCertificateRequired => "the engine requires a client certificate; give one with --tlscert and --tlskey (or DOCKER_CERT_PATH)",
            TlsProblem::ClientCertificateRejected => "the engine refused the client certificate (expired, or not signed by the engine's CA)",
            TlsProblem::NotTls => "the server does not speak TLS on this port; drop --tls/--tlsverify (and DOCKER_TLS_VERIFY) or use the engine's TLS port",
            TlsProblem::ServerRequiresTls => "this port speaks TLS but the request was plain HTTP; use --tlsverify (or DOCKER_TLS_VERIFY=1) or an https:// endpoint",
            TlsProblem::Handshake => "the TLS handshake failed",
        }
    }
}

impl fmt::Display for TlsProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.advice())
    }
}

/// Which TLS item could not be loaded. See [`Error::Certificate`].
///
/// ```
/// use docker_transport::{CertificateItem, Error};
///
/// let err = Error::Certificate {
///     item: CertificateItem::ClientKey,
///     path: Some("/certs/key.pem".into()),
///     reason: "no such file".into(),
/// };
/// assert_eq!(err.to_string(), "cannot load the client key from /certs/key.pem: no such file");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum CertificateItem {
    /// The CA certificate (`--tlscacert`, `ca.pem`).
    Ca,
    /// The client certificate (`--tlscert`, `cert.pem`).
    ClientCertificate,
    /// The client key (`--tlskey`, `key.pem`).
    ClientKey,
}

impl fmt::Display for CertificateItem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            CertificateItem::Ca => "CA certificate",
            CertificateItem::ClientCertificate => "client certificate",
            CertificateItem::ClientKey => "client key",
        })
    }
}

/// Which deadline passed. See [`Timeouts`](crate::Timeouts).
///
/// ```
/// use docker_transport::{Error, TimeoutKind};
/// let err = Error::Timeout {
///     endpoint: "unix:///var/run/docker.sock".into(),
///     kind: TimeoutKind::Idle,
///     after: std::time::Duration::from_secs(120),
/// };
/// assert_eq!(err.timeout_kind(), Some(TimeoutKind::Idle));
/// assert_eq!(TimeoutKind::Idle.to_string(), "idle");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum TimeoutKind {
    /// Opening the connection took too long.
    Connect,
    /// The response head did not arrive in time (or a request write stalled).
    Head,
    /// No body bytes arrived for too long.
    Idle,
    /// The whole call took longer than its total deadline
    /// ([`Timeouts::total`](crate::Timeouts::total)), however steadily bytes arrived.
    Total,
}

impl TimeoutKind {
    fn waiting_for(self) -> &'static str {
        match self {
            TimeoutKind::Connect => "connecting",
            TimeoutKind::Head => "waiting for the response head",
            TimeoutKind::Idle => "waiting for more body bytes",
            TimeoutKind::Total => "before the call finished (its total deadline)",
        }
    }

    fn advice(self) -> &'static str {
        match self {
            TimeoutKind::Connect => "is the engine reachable? raise Timeouts::connect if it is slow",
            TimeoutKind::Head => "the engine may be busy; raise Timeouts::head or Request::head_timeout for slow operations",
            TimeoutKind::Idle => "raise Timeouts::idle, or use Request::streaming for endless streams",
            TimeoutKind::Total => "the engine (or something between) is stalling or trickling the answer; raise Timeouts::total or Request::total_timeout for a call that is slow by design",
        }
    }
}

impl fmt::Display for TimeoutKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            TimeoutKind::Connect => "connect",
            TimeoutKind::Head => "head",
            TimeoutKind::Idle => "idle",
            TimeoutKind::Total => "total",
        })
    }
}

impl Error {
    /// True for [`Error::Timeout`].
    ///
    /// ```
    /// use docker_transport::{Error, TimeoutKind};
    /// let err = Error::Timeout {
    ///     endpoint: "unix:///var/run/docker.sock".into(),
    ///     kind: TimeoutKind::Head,
    ///     after: std::time::Duration::from_secs(120),
    /// };
    /// assert!(err.is_timeout());
    /// assert!(!Error::NotUpgraded { status: 200 }.is_timeout());
    /// ```
    pub fn is_timeout(&self) -> bool {
        matches!(self, Error::Timeout { .. })
    }

    /// True for [`Error::Connect`], an ssh failure before the engine answered, and a
    /// connect timeout.
    ///
    /// ```
    /// use docker_transport::{Error, TimeoutKind};
    /// let err = Error::Timeout {
    ///     endpoint: "tcp://10.0.0.5:2375".into(),
    ///     kind: TimeoutKind::Connect,
    ///     after: std::time::Duration::from_secs(5),
    /// };
    /// assert!(err.is_connect() && err.is_timeout());
    /// ```
    pub fn is_connect(&self) -> bool {
        matches!(
            self,
            Error::Connect { .. }
                | Error::Ssh { .. }
                | Error::Timeout {
                    kind: TimeoutKind::Connect,
                    ..
                }
        )
    }

    /// Which deadline passed, for a timeout.
    ///
    /// ```
    /// use docker_transport::{Error, TimeoutKind};
    /// let err = Error::Timeout {
    ///     endpoint: "unix:///var/run/docker.sock".into(),
    ///     kind: TimeoutKind::Head,
    ///     after: std::time::Duration::from_secs(1),
    /// };
    /// assert_eq!(err.timeout_kind(), Some(TimeoutKind::Head));
    /// ```
    pub fn timeout_kind(&self) -> Option<TimeoutKind> {
        match self {
            Error::Timeout { kind, .. } => Some(*kind),
            _ => None,
        }
    }
}

impl From<Error> for io::Error {
    fn from(err: Error) -> io::Error {
        use docker_wire::ProtocolError as P;
        let kind = match &err {
            Error::Timeout { .. } => io::ErrorKind::TimedOut,
            Error::Io { source, .. } => source.kind(),
            Error::Connect { source, .. } => source.kind(),
            Error::Protocol {
                source:
                    docker_wire::Error::Protocol(P::UnexpectedEof { .. } | P::ClosedBeforeResponse),
                ..
            } => io::ErrorKind::UnexpectedEof,
            Error::Protocol { .. } | Error::Frame { .. } | Error::BodyTooLarge { .. } => {
                io::ErrorKind::InvalidData
            }
            Error::InvalidRequest { .. } | Error::InvalidEndpoint { .. } => {
                io::ErrorKind::InvalidInput
            }
            Error::Unsupported { .. } => io::ErrorKind::Unsupported,
            Error::Certificate { .. } => io::ErrorKind::InvalidInput,
            Error::Tls { .. } => io::ErrorKind::InvalidData,
            Error::Ssh { .. } => io::ErrorKind::ConnectionRefused,
            Error::NotUpgraded { .. } => io::ErrorKind::Other,
        };
        io::Error::new(kind, err)
    }
}

/// The error of a read or write on an upgraded stream that its abort handle stopped.
pub(crate) fn stream_aborted() -> io::Error {
    io::Error::new(
        io::ErrorKind::ConnectionAborted,
        "the stream was aborted by its AbortHandle",
    )
}
