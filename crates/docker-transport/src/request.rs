//! Owned requests and request bodies, generic over the flavour's body reader.
//!
//! Each flavour names its own: `blocking::{Request, Body}` hold a `Box<dyn std::io::Read +
//! Send>`, `tokio::{Request, Body}` a `Box<dyn tokio::io::AsyncRead + Send + Unpin>`, and each
//! `Transport::send` takes only its own, so a reader of the other flavour does not compile.

use std::fmt;
use std::time::Duration;

use crate::{Method, Upgrade};

/// One request: method, target, headers, body and per-request settings.
///
/// `R` is the reader of a streamed body; use a flavour's alias, `blocking::Request` or
/// `tokio::Request`, or let `Transport::send` infer it. The transport writes `Host`,
/// `User-Agent` (from [`Config`](crate::Config)), framing and upgrade headers itself.
///
/// ```
/// use std::time::Duration;
/// use docker_transport::{blocking::Request, Method};
///
/// let req = Request::new(Method::Post, "/v1.43/containers/web/restart?t=60")
///     .head_timeout(Duration::from_secs(90));
/// assert_eq!(req.method(), Method::Post);
/// assert_eq!(req.target(), "/v1.43/containers/web/restart?t=60");
///
/// let create = Request::new(Method::Post, "/v1.43/containers/create")
///     .json(br#"{"Image":"alpine"}"#.to_vec());
/// assert_eq!(create.headers().next(), Some(("Content-Type", "application/json")));
///
/// // `Debug` never shows a credential.
/// let pull = Request::new(Method::Post, "/images/create?fromImage=alpine").header("X-Registry-Auth", "c2VjcmV0");
/// assert!(!format!("{pull:?}").contains("c2VjcmV0"));
/// ```
pub struct Request<R> {
    pub(crate) method: Method,
    pub(crate) target: String,
    pub(crate) headers: Vec<(String, String)>,
    pub(crate) body: Body<R>,
    pub(crate) upgrade: Upgrade,
    pub(crate) head_timeout: Option<Duration>,
    /// `Some` overrides [`Timeouts::total`](crate::Timeouts::total): `Some(None)` lifts it.
    pub(crate) total_timeout: Option<Option<Duration>>,
    pub(crate) streaming: bool,
}

impl<R> Request<R> {
    /// A request with no body. `target` is the path and query, already percent-encoded.
    ///
    /// ```
    /// use docker_transport::{blocking::Request, Method};
    /// let req = Request::new(Method::Get, "/v1.47/containers/json?all=1");
    /// assert_eq!(req.method(), Method::Get);
    /// assert_eq!(req.target(), "/v1.47/containers/json?all=1");
    /// ```
    pub fn new(method: Method, target: impl Into<String>) -> Request<R> {
        Request {
            method,
            target: target.into(),
            headers: Vec::new(),
            body: Body::Empty,
            upgrade: Upgrade::No,
            head_timeout: None,
            total_timeout: None,
            streaming: false,
        }
    }

    /// Adds a header. CR, LF and NUL in a value are refused when the request is sent.
    ///
    /// ```
    /// use docker_transport::{blocking::Request, Method};
    /// let req = Request::new(Method::Post, "/images/create?fromImage=alpine").header("X-Registry-Auth", "e30=");
    /// assert_eq!(req.headers().collect::<Vec<_>>(), [("X-Registry-Auth", "e30=")]);
    /// ```
    pub fn header(mut self, name: impl Into<String>, value: impl Into<String>) -> Request<R> {
        self.headers.push((name.into(), value.into()));
        self
    }

    /// Sets the body.
    ///
    /// ```
    /// use docker_transport::{blocking::{Body, Request}, Method};
    /// let tar = std::io::Cursor::new(b"a tar archive".to_vec());
    /// let req = Request::new(Method::Post, "/build?t=web")
    ///     .header("Content-Type", "application/x-tar")
    ///     .body(Body::Reader(Box::new(tar)));
    /// # let _ = req;
    /// ```
    pub fn body(mut self, body: Body<R>) -> Request<R> {
        self.body = body;
        self
    }

    /// Sets a JSON body and `Content-Type: application/json`.
    ///
    /// ```
    /// use docker_transport::{blocking::Request, Method};
    /// let req = Request::new(Method::Post, "/networks/create").json(br#"{"Name":"back"}"#.to_vec());
    /// assert_eq!(req.headers().next(), Some(("Content-Type", "application/json")));
    /// ```
    pub fn json(self, bytes: Vec<u8>) -> Request<R> {
        self.header("Content-Type", "application/json")
            .body(Body::Bytes(bytes))
    }

    /// Asks the engine to hijack the connection (attach, exec start); see
    /// `Response::into_upgraded` in either flavour.
    ///
    /// ```
    /// use docker_transport::{blocking::Request, Method};
    /// let req = Request::new(Method::Post, "/containers/web/attach?stream=1&stdout=1").upgrade();
    /// # let _ = req;
    /// ```
    pub fn upgrade(mut self) -> Request<R> {
        self.upgrade = Upgrade::Hijack;
        self
    }

    /// Asks the engine to switch to WebSocket (`GET /containers/{id}/attach/ws`); the
    /// caller adds the `Sec-WebSocket-Key` and `Sec-WebSocket-Version` headers, and reads
    /// the frames of `Response::into_upgraded` in either flavour with
    /// `docker_wire::websocket`.
    ///
    /// ```
    /// use docker_transport::{blocking::Request, Method};
    /// let req = Request::new(Method::Get, "/containers/web/attach/ws?stream=1&stdout=1")
    ///     .header("Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ==")
    ///     .header("Sec-WebSocket-Version", "13")
    ///     .upgrade_websocket();
    /// # let _ = req;
    /// ```
    pub fn upgrade_websocket(mut self) -> Request<R> {
        self.upgrade = Upgrade::WebSocket;
        self
    }

    /// Overrides [`Timeouts::head`](crate::Timeouts::head) for this request, for operations
    /// that answer late (stop or restart with a long grace period, wait).
    ///
    /// ```
    /// use docker_transport::{blocking::Request, Method};
    /// use std::time::Duration;
    /// // `stop` answers after the grace period: wait longer than it for the head.
    /// let req = Request::new(Method::Post, "/containers/web/stop?t=300").head_timeout(Duration::from_secs(330));
    /// # let _ = req;
    /// ```
    pub fn head_timeout(mut self, timeout: Duration) -> Request<R> {
        self.head_timeout = Some(timeout);
        self
    }

    /// Overrides [`Timeouts::total`](crate::Timeouts::total) for this request: the longest
    /// the whole call may take, head, body and retry together. `None` lifts it, for a call
    /// whose answer the caller reads at its own pace.
    ///
    /// ```
    /// use docker_transport::{blocking::Request, Method};
    /// use std::time::Duration;
    /// let list = Request::new(Method::Get, "/containers/json").total_timeout(Some(Duration::from_secs(2)));
    /// let export = Request::new(Method::Get, "/containers/web/export").total_timeout(None);
    /// # let _ = (list, export);
    /// ```
    pub fn total_timeout(mut self, timeout: Option<Duration>) -> Request<R> {
        self.total_timeout = Some(timeout);
        self
    }

    /// Marks an endless stream (events, logs with follow, attach, stats): neither the idle
    /// timeout nor the total one applies to its body.
    ///
    /// ```
    /// use docker_transport::{blocking::Request, Method};
    /// let req = Request::new(Method::Get, "/events?since=0").streaming();
    /// # let _ = req;
    /// ```
    pub fn streaming(mut self) -> Request<R> {
        self.streaming = true;
        self
    }

    /// The method.
    ///
    /// ```
    /// use docker_transport::{blocking::Request, Method};
    /// assert_eq!(Request::new(Method::Delete, "/volumes/data").method(), Method::Delete);
    /// ```
    pub fn method(&self) -> Method {
        self.method
    }

    /// The target: path and query.
    ///
    /// ```
    /// use docker_transport::{blocking::Request, Method};
    /// assert_eq!(Request::new(Method::Get, "/info").target(), "/info");
    /// ```
    pub fn target(&self) -> &str {
        &self.target
    }

    /// The headers added with [`header`](Request::header), in order.
    ///
    /// ```
    /// use docker_transport::{blocking::Request, Method};
    /// let req = Request::new(Method::Get, "/info").header("Accept", "application/json").header("X-Trace", "1");
    /// let names: Vec<&str> = req.headers().map(|(name, _)| name).collect();
    /// assert_eq!(names, ["Accept", "X-Trace"]);
    /// ```
    pub fn headers(&self) -> impl Iterator<Item = (&str, &str)> + '_ {
        self.headers.iter().map(|(n, v)| (n.as_str(), v.as_str()))
    }

    /// True when the request may be sent again after a stale pooled connection failed
    /// before any response byte: an idempotent method and a body that can be replayed.
    pub(crate) fn is_replayable(&self) -> bool {
        self.method.is_idempotent() && matches!(self.body, Body::Empty | Body::Bytes(_))
    }
}

impl<R> fmt::Debug for Request<R> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Request")
            .field("method", &self.method)
            .field("target", &self.target)
            .field("headers", &RedactedHeaders(&self.headers))
            .field("body", &self.body)
            .field("upgrade", &self.upgrade)
            .field("head_timeout", &self.head_timeout)
            .field("total_timeout", &self.total_timeout)
            .field("streaming", &self.streaming)
            .finish()
    }
}

/// Header fields whose values are credentials: `Debug` shows their length only.
const SECRET_HEADERS: [&str; 4] = [
    "x-registry-auth",
    "x-registry-config",
    "authorization",
    "proxy-authorization",
];

/// True when the header `name` carries a credential.
fn is_secret_header(name: &str) -> bool {
    SECRET_HEADERS.iter().any(|s| name.eq_ignore_ascii_case(s))
}

/// The headers of a request for `Debug`, credentials left out.
struct RedactedHeaders<'a>(&'a [(String, String)]);

impl fmt::Debug for RedactedHeaders<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut list = f.debug_list();
        for (name, value) in self.0 {
            match is_secret_header(name) {
                true => list.entry(&(name, format_args!("<{} bytes, redacted>", value.len()))),
                false => list.entry(&(name, value)),
            };
        }
        list.finish()
    }
}

/// A request body; `R` is the flavour's reader (`blocking::Reader`, `tokio::Reader`).
///
/// [`Body::Bytes`] is sent with `Content-Length`; a [`Body::Reader`] is sent chunked.
///
/// ```
/// use docker_transport::blocking::Body;
///
/// assert!(matches!(Body::default(), Body::Empty));
/// assert!(matches!(Body::from(b"{}".to_vec()), Body::Bytes(_)));
/// assert!(matches!(Body::from("{}"), Body::Bytes(_)));
/// let tar = Body::Reader(Box::new(std::io::empty()));
/// assert_eq!(format!("{tar:?}"), "Reader");
/// ```
#[derive(Default)]
pub enum Body<R> {
    /// No body.
    #[default]
    Empty,
    /// A body held in memory.
    Bytes(Vec<u8>),
    /// A body read to its end while sending (a build context, an archive).
    Reader(R),
}

impl<R> From<Vec<u8>> for Body<R> {
    fn from(bytes: Vec<u8>) -> Body<R> {
        Body::Bytes(bytes)
    }
}

impl<R> From<&'static str> for Body<R> {
    fn from(text: &'static str) -> Body<R> {
        Body::Bytes(text.as_bytes().to_vec())
    }
}

impl<R> From<String> for Body<R> {
    fn from(text: String) -> Body<R> {
        Body::Bytes(text.into_bytes())
    }
}

impl<R> fmt::Debug for Body<R> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Body::Empty => f.write_str("Empty"),
            Body::Bytes(b) => write!(f, "Bytes({} bytes)", b.len()),
            Body::Reader(_) => f.write_str("Reader"),
        }
    }
}
