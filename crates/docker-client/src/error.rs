//! The one error type of the client.

use std::time::Duration;

use docker_transport::TimeoutKind;

use crate::ApiVersion;

/// A specialised `Result` for client calls.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Everything a client call can fail with.
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
        /// The request that was redirected.
        request: String,
        /// The status (301, 302, 307, 308...).
        status: u16,
        /// The `Location` header.
        location: String,
    },
    /// The connection could not be made, or broke.
    #[error(transparent)]
    Transport(docker_transport::Error),
    /// A timeout fired.
    #[error("{kind} timeout after {after:?} talking to {endpoint}")]
    Timeout {
        /// Which timeout.
        kind: TimeoutKind,
        /// Its setting.
        after: Duration,
        /// The engine's address.
        endpoint: String,
        /// The transport's error.
        #[source]
        source: docker_transport::Error,
    },
    /// The engine sent bytes that are not valid HTTP, or a truncated body.
    #[error("protocol error: {source}")]
    Protocol {
        /// The transport's error.
        #[source]
        source: docker_transport::Error,
    },
    /// A body did not decode into the expected model.
    #[error("could not decode the answer to {endpoint}: {source}; body starts with {snippet:?}")]
    Decode {
        /// The request, as `METHOD /path`.
        endpoint: String,
        /// The start of the body.
        snippet: String,
        /// serde_json's error.
        #[source]
        source: serde_json::Error,
    },
    /// An error reported inside a stream that had started successfully (pull, push, load).
    #[error("the engine reported an error in the stream: {message}")]
    Stream {
        /// The engine's message.
        message: String,
    },
    /// A stream's framing was broken (a line over the cap, a bad multiplexed header).
    #[error("broken stream framing from {endpoint}: {source}")]
    Framing {
        /// The request, as `METHOD /path`.
        endpoint: String,
        /// The framing error.
        #[source]
        source: docker_wire::frames::FrameError,
    },
    /// An argument was refused before anything was sent.
    #[error("invalid {what}: {reason}")]
    InvalidArgument {
        /// What was refused.
        what: &'static str,
        /// Why.
        reason: String,
    },
}

impl Error {
    /// True for a 404.
    pub fn is_not_found(&self) -> bool {
        matches!(self, Error::NotFound { .. })
    }

    /// True for a 409.
    pub fn is_conflict(&self) -> bool {
        matches!(self, Error::Conflict { .. })
    }

    /// True for a timeout.
    pub fn is_timeout(&self) -> bool {
        matches!(self, Error::Timeout { .. })
    }

    /// True when the engine could not be reached at all (no socket, refused, permission,
    /// or a connect timeout).
    pub fn is_connect(&self) -> bool {
        match self {
            Error::Transport(e) => e.is_connect(),
            Error::Timeout { kind, .. } => *kind == TimeoutKind::Connect,
            _ => false,
        }
    }

    /// The HTTP status the engine answered with, when the error came from one.
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
    pub fn message(&self) -> Option<&str> {
        match self {
            Error::NotFound { message }
            | Error::Conflict { message }
            | Error::Api { message, .. }
            | Error::Stream { message } => Some(message),
            _ => None,
        }
    }
}

impl From<docker_transport::Error> for Error {
    fn from(e: docker_transport::Error) -> Error {
        match &e {
            docker_transport::Error::Timeout {
                endpoint,
                kind,
                after,
            } => Error::Timeout {
                kind: *kind,
                after: *after,
                endpoint: endpoint.clone(),
                source: e,
            },
            docker_transport::Error::Protocol { .. } => Error::Protocol { source: e },
            _ => Error::Transport(e),
        }
    }
}
