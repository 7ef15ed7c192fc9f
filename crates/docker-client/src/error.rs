//! The one error type of the client.

use std::fmt;
use std::path::PathBuf;
use std::time::Duration;

use crate::{ApiVersion, ConnectFailure};

/// A specialised `Result` for client calls.
///
/// ```
/// use docker_client::Result;
/// fn is_running(client: &docker_client::blocking::Client, id: &str) -> Result<bool> {
///     Ok(client.inspect_container(id)?.state.running)
/// }
/// ```
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Everything a client call can fail with, in either flavour.
///
/// Match on the variants, or use the helpers for the common questions:
///
/// ```no_run
/// # fn main() -> docker_client::Result<()> {
/// let client = docker_client::blocking::Client::from_env()?;
/// match client.inspect_container("maybe-gone") {
///     Ok(c) => println!("{}", c.state.status),
///     Err(e) if e.is_not_found() => println!("no such container"),
///     Err(e) => return Err(e),
/// }
/// # Ok(()) }
/// ```
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// 404: the container, image, network or route does not exist.
    #[error("not found: {message}")]
    NotFound {
        /// The engine's message.
        message: String,
    },
    /// 409: the request conflicts with the object's state (not running, name in use...).
    #[error("conflict: {message}")]
    Conflict {
        /// The engine's message.
        message: String,
    },
    /// 304: nothing to do (already started, already stopped).
    #[error("not modified: the object is already in the requested state")]
    NotModified,
    /// Any other error status from the engine.
    #[error("the engine answered {status}: {message}")]
    Api {
        /// The HTTP status.
        status: u16,
        /// The engine's message, from `{"message": ...}` or a plain-text body.
        message: String,
    },
    /// The engine and this client share no API version.
    #[error(
        "API version mismatch: {message} (this client speaks {} to {}; pin another with DOCKER_API_VERSION only if the engine supports it)",
        ApiVersion::MIN,
        ApiVersion::MAX
    )]
    VersionUnsupported {
        /// The version the client asked for, when the engine refused one.
        requested: Option<String>,
        /// The engine's minimum, when known.
        server_min: Option<String>,
        /// The engine's maximum, when known.
        server_max: Option<String>,
        /// What happened.
        message: String,
    },
    /// The engine answered with a redirect. Redirects are never followed: the engine sends
    /// them for paths with `..` or `//`, and following one would reach another endpoint.
    #[error(
        "the engine redirected {request} to {location:?} ({status}); redirects are never followed"
    )]
    Redirect {
        /// The request that was redirected, as `METHOD /path`.
        request: String,
        /// The status (301, 302, 307, 308...).
        status: u16,
        /// The `Location` header.
        location: String,
    },
    /// The connection could not be made, or broke.
    #[error(transparent)]
    Transport(TransportError),
    /// A timeout fired.
    #[error(
        "{kind} timeout after {after:?} talking to {endpoint}{}{}",
        in_flight(request),
        timeout_advice(*kind)
    )]
    Timeout {
        /// Which timeout.
        kind: TimeoutKind,
        /// Its setting.
        after: Duration,
        /// The engine's address.
        endpoint: String,
        /// What was in flight, as `METHOD /path`, when known.
        request: Option<String>,
    },
    /// The engine sent bytes that are not valid HTTP, or a truncated body.
    #[error("protocol error: {source}")]
    Protocol {
        /// What the transport saw.
        #[source]
        source: TransportError,
    },
    /// A body did not decode into the expected model.
    #[error("could not decode the answer to {request}: {source}; body starts with {snippet:?}")]
    Decode {
        /// The request, as `METHOD /path`.
        request: String,
        /// The start of the body.
        snippet: String,
        /// serde_json's error.
        #[source]
        source: serde_json::Error,
    },
    /// The engine's answer lacks, or garbles, something the call reads (a header).
    #[error("the answer to {request} is malformed: {reason}")]
    MalformedAnswer {
        /// The request, as `METHOD /path`.
        request: String,
        /// What is missing or wrong.
        reason: String,
    },
    /// An error reported inside a stream that had started successfully (pull, push, load).
    #[error("the engine reported an error in the stream: {message}")]
    Stream {
        /// The engine's message.
        message: String,
    },
    /// The builder failed a build (`POST /build`): a `RUN` step exited non-zero, a file to
    /// `COPY` is missing, a base image could not be pulled. The message is the builder's.
    #[error("the build failed: {message}")]
    Build {
        /// The builder's message, such as `The command '/bin/sh -c make' returned a
        /// non-zero code: 2`.
        message: String,
        /// The builder's code: a failed `RUN`'s exit status; 0 when it gave none.
        code: i64,
    },
    /// The build needs BuildKit, which this client does not drive: BuildKit's session
    /// (`POST /session`, gRPC over HTTP/2 on a hijacked connection) is out of scope.
    #[error(
        "the build needs BuildKit, which this client does not drive (its session, POST /session, \
         is out of scope): {message}; remove the BuildKit-only syntax from the Dockerfile, or \
         build with `docker buildx build`"
    )]
    BuildKitRequired {
        /// The engine's message, such as `the --mount option requires BuildKit`.
        message: String,
    },
    /// A stream's framing was broken (a line over the cap, a bad multiplexed header).
    #[error("broken stream framing from {request}: {source}")]
    Framing {
        /// The request, as `METHOD /path`.
        request: String,
        /// The framing decoder's verdict.
        #[source]
        source: Box<dyn std::error::Error + Send + Sync>,
    },
    /// An argument was refused before anything was sent.
    #[error("invalid {what}: {reason}")]
    InvalidArgument {
        /// What was refused.
        what: &'static str,
        /// Why.
        reason: String,
    },
    /// The Docker CLI's configuration (`config.json`) could not be read or used.
    #[error("{}: {message}", path.display())]
    Config {
        /// The file (empty when the configuration was given as text).
        path: PathBuf,
        /// What is wrong.
        message: String,
        /// The underlying error (IO or JSON), when there is one.
        #[source]
        source: Option<Box<dyn std::error::Error + Send + Sync>>,
    },
    /// A credential helper (`docker-credential-<name>`) could not be run, or failed.
    #[error("credential helper docker-credential-{helper} failed: {message}")]
    CredentialHelper {
        /// The helper's name (`desktop`, `pass`, `osxkeychain`...).
        helper: String,
        /// The helper's own message, or why it could not be started.
        message: String,
    },
}

fn in_flight(request: &Option<String>) -> String {
    match request {
        Some(r) => format!(" during {r}"),
        None => String::new(),
    }
}

fn timeout_advice(kind: TimeoutKind) -> &'static str {
    match kind {
        TimeoutKind::Total => "; the call's total deadline passed while the answer stalled or trickled in (raise it with ClientBuilder::total_timeout or Client::with_total_timeout for a call that is slow by design)",
        _ => "",
    }
}

/// Which timeout fired.
///
/// ```
/// use docker_client::TimeoutKind;
/// assert_eq!(TimeoutKind::Head.to_string(), "head");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum TimeoutKind {
    /// Opening the connection took too long.
    Connect,
    /// The response head did not arrive in time.
    Head,
    /// The body went silent for too long between two reads.
    Idle,
    /// The whole call took longer than its total deadline
    /// ([`ClientBuilder::total_timeout`](crate::ClientBuilder::total_timeout)), however
    /// steadily the answer trickled in.
    Total,
    /// No item arrived within a watcher's or inventory's `next_timeout`.
    Wait,
}

impl fmt::Display for TimeoutKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            TimeoutKind::Connect => "connect",
            TimeoutKind::Head => "head",
            TimeoutKind::Idle => "idle",
            TimeoutKind::Total => "total",
            TimeoutKind::Wait => "wait",
        })
    }
}

/// What the transport reported: the connection could not be made, broke, or carried
/// something that is not HTTP. Its `Display` says what to do, and `source()` gives the OS
/// or codec error behind it.
///
/// ```no_run
/// let client = docker_client::blocking::Client::unix("/nonexistent.sock");
/// let err = client.ping().unwrap_err();
/// assert!(err.is_connect());
/// println!("{err}");
/// ```
pub struct TransportError(Failure);

enum Failure {
    /// What the transport reported.
    Transport(docker_transport::Error),
    /// Reading or writing the hijacked connection of a session (attach, exec) failed.
    Session {
        request: String,
        source: std::io::Error,
    },
}

impl TransportError {
    /// True when the engine could not be reached at all (no socket, refused, permission).
    ///
    /// ```
    /// use docker_client::Error;
    /// let client = docker_client::blocking::Client::unix("/nonexistent/docker.sock");
    /// let Err(Error::Transport(err)) = client.ping() else { panic!("no engine listens there") };
    /// assert!(err.is_connect());
    /// ```
    pub fn is_connect(&self) -> bool {
        match &self.0 {
            Failure::Transport(e) => e.is_connect(),
            Failure::Session { .. } => false,
        }
    }

    /// Why connecting failed, when no connection could be opened: nothing at the socket
    /// path, refused, forbidden, or not a socket. `None` for every other failure (a
    /// connect timeout, TLS, ssh, or anything after connecting).
    ///
    /// ```
    /// use docker_client::{ConnectFailure, Error};
    /// let client = docker_client::blocking::Client::unix("/nonexistent/docker.sock");
    /// let Err(Error::Transport(err)) = client.ping() else { panic!("no engine listens there") };
    /// assert_eq!(err.connect_failure(), Some(ConnectFailure::NotFound));
    /// ```
    pub fn connect_failure(&self) -> Option<ConnectFailure> {
        match &self.0 {
            Failure::Transport(docker_transport::Error::Connect { kind, .. }) => Some(*kind),
            _ => None,
        }
    }

    /// What went wrong in TLS, when TLS failed: an untrusted, expired or misnamed engine
    /// certificate, a refused client certificate, or a peer that does not speak TLS.
    ///
    /// ```no_run
    /// # let client = docker_client::blocking::Client::from_env()?;
    /// if let Err(docker_client::Error::Transport(e)) = client.ping() {
    ///     if let Some(problem) = e.tls_problem() {
    ///         eprintln!("TLS: {problem}");
    ///     }
    /// }
    /// # Ok::<(), docker_client::Error>(())
    /// ```
    pub fn tls_problem(&self) -> Option<docker_transport::TlsProblem> {
        match &self.0 {
            Failure::Transport(docker_transport::Error::Tls { problem, .. }) => Some(*problem),
            _ => None,
        }
    }

    /// An IO error on the hijacked connection of a session (attach, exec), or on a raw
    /// body, for `request`.
    pub(crate) fn session(request: &str, source: std::io::Error) -> TransportError {
        TransportError(Failure::Session {
            request: request.to_owned(),
            source,
        })
    }
}

impl fmt::Debug for TransportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.0 {
            Failure::Transport(e) => fmt::Debug::fmt(e, f),
            Failure::Session { request, source } => f
                .debug_struct("Session")
                .field("request", request)
                .field("source", source)
                .finish(),
        }
    }
}

impl fmt::Display for TransportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.0 {
            Failure::Transport(e) => fmt::Display::fmt(e, f),
            Failure::Session { request, source } => write!(
                f,
                "I/O error on the connection of {request}: {source}; the session is over"
            ),
        }
    }
}

impl std::error::Error for TransportError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match &self.0 {
            Failure::Transport(e) => e.source(),
            Failure::Session { source, .. } => Some(source),
        }
    }
}

impl Error {
    /// True for a 404.
    ///
    /// ```
    /// assert!(docker_client::Error::NotFound { message: "no such container: web".into() }.is_not_found());
    /// assert!(!docker_client::Error::NotModified.is_not_found());
    /// ```
    pub fn is_not_found(&self) -> bool {
        matches!(self, Error::NotFound { .. })
    }

    /// True for a 409.
    ///
    /// ```
    /// let err = docker_client::Error::Conflict { message: "the name /web is already in use".into() };
    /// assert!(err.is_conflict());
    /// ```
    pub fn is_conflict(&self) -> bool {
        matches!(self, Error::Conflict { .. })
    }

    /// True for a timeout.
    ///
    /// ```
    /// use docker_client::{Error, TimeoutKind};
    /// let err = Error::Timeout {
    ///     kind: TimeoutKind::Head,
    ///     after: std::time::Duration::from_secs(120),
    ///     endpoint: "unix:///var/run/docker.sock".into(),
    ///     request: Some("POST /containers/web/stop".into()),
    /// };
    /// assert!(err.is_timeout() && !err.is_connect());
    /// ```
    pub fn is_timeout(&self) -> bool {
        matches!(self, Error::Timeout { .. })
    }

    /// True when the engine could not be reached at all (no socket, refused, permission,
    /// or a connect timeout).
    ///
    /// ```
    /// let client = docker_client::blocking::Client::unix("/nonexistent/docker.sock");
    /// assert!(client.ping().unwrap_err().is_connect());
    /// ```
    pub fn is_connect(&self) -> bool {
        match self {
            Error::Transport(e) => e.is_connect(),
            Error::Timeout { kind, .. } => *kind == TimeoutKind::Connect,
            _ => false,
        }
    }

    /// The HTTP status the engine answered with, when the error came from one.
    ///
    /// ```
    /// use docker_client::Error;
    /// assert_eq!(Error::Conflict { message: "in use".into() }.status_code(), Some(409));
    /// assert_eq!(Error::NotModified.status_code(), Some(304));
    /// assert_eq!(Error::Api { status: 500, message: "boom".into() }.status_code(), Some(500));
    /// ```
    pub fn status_code(&self) -> Option<u16> {
        match self {
            Error::NotFound { .. } => Some(404),
            Error::Conflict { .. } => Some(409),
            Error::NotModified => Some(304),
            Error::Api { status, .. } | Error::Redirect { status, .. } => Some(*status),
            Error::VersionUnsupported {
                requested: Some(_), ..
            } => Some(400),
            _ => None,
        }
    }

    /// The engine's message, when the error came from one.
    ///
    /// ```
    /// use docker_client::Error;
    /// let err = Error::Api { status: 500, message: "driver failed programming external connectivity".into() };
    /// assert_eq!(err.message(), Some("driver failed programming external connectivity"));
    /// assert_eq!(Error::NotModified.message(), None);
    /// ```
    pub fn message(&self) -> Option<&str> {
        match self {
            Error::NotFound { message }
            | Error::Conflict { message }
            | Error::Api { message, .. }
            | Error::Stream { message }
            | Error::Build { message, .. }
            | Error::BuildKitRequired { message } => Some(message),
            _ => None,
        }
    }

    /// A framing error of the stream answering `request`.
    pub(crate) fn framing(request: &str, source: docker_wire::frames::FrameError) -> Error {
        Error::Framing {
            request: request.to_owned(),
            source: Box::new(source),
        }
    }

    /// A configuration error about `path`.
    pub(crate) fn config(
        path: impl Into<PathBuf>,
        message: impl Into<String>,
        source: Option<Box<dyn std::error::Error + Send + Sync>>,
    ) -> Error {
        Error::Config {
            path: path.into(),
            message: message.into(),
            source,
        }
    }
}

impl From<docker_transport::Error> for Error {
    fn from(e: docker_transport::Error) -> Error {
        use docker_transport::TimeoutKind as K;
        match e {
            docker_transport::Error::Timeout {
                endpoint,
                kind,
                after,
            } => Error::Timeout {
                kind: match kind {
                    K::Connect => TimeoutKind::Connect,
                    K::Head => TimeoutKind::Head,
                    K::Total => TimeoutKind::Total,
                    _ => TimeoutKind::Idle,
                },
                after,
                endpoint,
                request: None,
            },
            e @ docker_transport::Error::Protocol { .. } => Error::Protocol {
                source: TransportError(Failure::Transport(e)),
            },
            e => Error::Transport(TransportError(Failure::Transport(e))),
        }
    }
}
