//! Owned requests and request bodies.

use std::fmt;
use std::time::Duration;

use crate::{Method, Upgrade};

/// One request: method, target, headers, body and per-request settings.
///
/// The transport writes `Host`, `User-Agent` (from [`Config`](crate::Config)), framing and
/// upgrade headers itself.
///
/// ```
/// use std::time::Duration;
/// use docker_transport::{Method, Request};
///
/// let req = Request::new(Method::Post, "/v1.43/containers/web/restart?t=60")
///     .head_timeout(Duration::from_secs(90));
/// assert_eq!(req.method(), Method::Post);
/// assert_eq!(req.target(), "/v1.43/containers/web/restart?t=60");
///
/// let create = Request::new(Method::Post, "/v1.43/containers/create")
///     .json(br#"{"Image":"alpine"}"#.to_vec());
/// assert_eq!(create.headers().next(), Some(("Content-Type", "application/json")));
/// ```
#[derive(Debug)]
pub struct Request {
    pub(crate) method: Method,
    pub(crate) target: String,
    pub(crate) headers: Vec<(String, String)>,
    pub(crate) body: Body,
    pub(crate) upgrade: Upgrade,
    pub(crate) head_timeout: Option<Duration>,
    pub(crate) streaming: bool,
}

impl Request {
    /// A request with no body. `target` is the path and query, already percent-encoded.
    pub fn new(method: Method, target: impl Into<String>) -> Request {
        Request {
            method,
            target: target.into(),
            headers: Vec::new(),
            body: Body::Empty,
            upgrade: Upgrade::No,
            head_timeout: None,
            streaming: false,
        }
    }

    /// Adds a header. CR, LF and NUL in a value are refused when the request is sent.
    pub fn header(mut self, name: impl Into<String>, value: impl Into<String>) -> Request {
        self.headers.push((name.into(), value.into()));
        self
    }

    /// Sets the body.
    pub fn body(mut self, body: Body) -> Request {
        self.body = body;
        self
    }

    /// Sets a JSON body and `Content-Type: application/json`.
    pub fn json(self, bytes: Vec<u8>) -> Request {
        self.header("Content-Type", "application/json")
            .body(Body::Bytes(bytes))
    }

    /// Asks the engine to hijack the connection (attach, exec start); see
    /// `Response::into_upgraded` in either flavour.
    pub fn upgrade(mut self) -> Request {
        self.upgrade = Upgrade::Hijack;
        self
    }

    /// Overrides [`Timeouts::head`](crate::Timeouts::head) for this request, for operations
    /// that answer late (stop or restart with a long grace period, wait).
    pub fn head_timeout(mut self, timeout: Duration) -> Request {
        self.head_timeout = Some(timeout);
        self
    }

    /// Marks an endless stream (events, logs with follow, attach, stats): the idle timeout
    /// does not apply to its body.
    pub fn streaming(mut self) -> Request {
        self.streaming = true;
        self
    }

    /// The method.
    pub fn method(&self) -> Method {
        self.method
    }

    /// The target: path and query.
    pub fn target(&self) -> &str {
        &self.target
    }

    /// The headers added with [`header`](Request::header), in order.
    pub fn headers(&self) -> impl Iterator<Item = (&str, &str)> + '_ {
        self.headers.iter().map(|(n, v)| (n.as_str(), v.as_str()))
    }

    /// True when the request may be sent again after a stale pooled connection failed
    /// before any response byte: an idempotent method and a body that can be replayed.
    pub(crate) fn is_replayable(&self) -> bool {
        self.method.is_idempotent() && matches!(self.body, Body::Empty | Body::Bytes(_))
    }
}

/// A request body.
///
/// [`Body::Bytes`] is sent with `Content-Length`; readers are sent chunked.
///
/// ```
/// use docker_transport::Body;
///
/// assert!(matches!(Body::default(), Body::Empty));
/// assert!(matches!(Body::from(b"{}".to_vec()), Body::Bytes(_)));
/// assert!(matches!(Body::from("{}"), Body::Bytes(_)));
/// ```
#[derive(Default)]
pub enum Body {
    /// No body.
    #[default]
    Empty,
    /// A body held in memory.
    Bytes(Vec<u8>),
    /// A body read to its end while sending (a build context, an archive). Blocking
    /// transport only.
    #[cfg(feature = "blocking")]
    Reader(Box<dyn std::io::Read + Send>),
    /// A body read to its end while sending. Tokio transport only.
    #[cfg(feature = "tokio")]
    AsyncReader(Box<dyn tokio::io::AsyncRead + Send + Unpin>),
}

impl From<Vec<u8>> for Body {
    fn from(bytes: Vec<u8>) -> Body {
        Body::Bytes(bytes)
    }
}

impl From<&'static str> for Body {
    fn from(text: &'static str) -> Body {
        Body::Bytes(text.as_bytes().to_vec())
    }
}

impl From<String> for Body {
    fn from(text: String) -> Body {
        Body::Bytes(text.into_bytes())
    }
}

impl fmt::Debug for Body {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Body::Empty => f.write_str("Empty"),
            Body::Bytes(b) => write!(f, "Bytes({} bytes)", b.len()),
            #[cfg(feature = "blocking")]
            Body::Reader(_) => f.write_str("Reader"),
            #[cfg(feature = "tokio")]
            Body::AsyncReader(_) => f.write_str("AsyncReader"),
        }
    }
}
