//! The request side: request heads and their validation.

use std::fmt;

use crate::Misuse;

/// An HTTP method.
///
/// ```
/// use docker_wire::Method;
/// assert_eq!(Method::Delete.to_string(), "DELETE");
/// assert_eq!(Method::parse("get"), Some(Method::Get));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Method {
    /// `GET`
    Get,
    /// `HEAD`: the response never has a body.
    Head,
    /// `POST`
    Post,
    /// `PUT`
    Put,
    /// `DELETE`
    Delete,
    /// `PATCH`
    Patch,
    /// `OPTIONS`
    Options,
}

impl Method {
    /// The method as sent on the wire.
    ///
    /// ```
    /// assert_eq!(docker_wire::Method::Post.as_str(), "POST");
    /// ```
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Head => "HEAD",
            Method::Post => "POST",
            Method::Put => "PUT",
            Method::Delete => "DELETE",
            Method::Patch => "PATCH",
            Method::Options => "OPTIONS",
        }
    }

    /// Parses a method name, ASCII case-insensitively.
    ///
    /// ```
    /// assert_eq!(docker_wire::Method::parse("post"), Some(docker_wire::Method::Post));
    /// assert_eq!(docker_wire::Method::parse("BREW"), None);
    /// ```
    pub fn parse(name: &str) -> Option<Method> {
        [
            Method::Get,
            Method::Head,
            Method::Post,
            Method::Put,
            Method::Delete,
            Method::Patch,
            Method::Options,
        ]
        .into_iter()
        .find(|m| m.as_str().eq_ignore_ascii_case(name))
    }

    /// True for methods that can be retried safely when no response byte arrived.
    ///
    /// ```
    /// use docker_wire::Method;
    /// assert!(Method::Get.is_idempotent() && Method::Delete.is_idempotent());
    /// assert!(!Method::Post.is_idempotent());
    /// ```
    pub fn is_idempotent(self) -> bool {
        !matches!(self, Method::Post | Method::Patch)
    }
}

impl fmt::Display for Method {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// How the request body is framed.
///
/// ```
/// use docker_wire::{BodyKind, ClientConn, Limits, Method, RequestHead};
/// let mut out = Vec::new();
/// let head = RequestHead::new(Method::Post, "/build", "docker").body(BodyKind::Chunked);
/// ClientConn::new(Limits::default()).send_request(&head, &mut out)?;
/// assert!(out.ends_with(b"Transfer-Encoding: chunked\r\n\r\n"));
/// # Ok::<(), docker_wire::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BodyKind {
    /// No body and no framing header.
    None,
    /// A body of exactly this many bytes (`Content-Length`).
    Length(u64),
    /// A body of unknown length (`Transfer-Encoding: chunked`).
    Chunked,
}

/// Whether the request asks the engine to hijack the connection (attach, exec start).
///
/// ```
/// use docker_wire::{ClientConn, Limits, Method, RequestHead, Upgrade};
/// let mut out = Vec::new();
/// let target = "/containers/web/attach?stream=1&stdout=1";
/// let head = RequestHead::new(Method::Post, target, "docker").upgrade(Upgrade::Hijack);
/// ClientConn::new(Limits::default()).send_request(&head, &mut out)?;
/// assert!(out.ends_with(b"Connection: Upgrade\r\nUpgrade: tcp\r\n\r\n"));
/// # Ok::<(), docker_wire::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Upgrade {
    /// An ordinary request.
    No,
    /// Sends `Connection: Upgrade` and `Upgrade: tcp`. A `101` answer, or a 2xx answer with
    /// no body framing, ends HTTP on this connection: the rest is a raw duplex stream.
    Hijack,
    /// Sends `Connection: Upgrade` and `Upgrade: websocket` (the caller adds
    /// `Sec-WebSocket-Key` and `Sec-WebSocket-Version`; see [`crate::websocket`]). Only a
    /// `101` answer switches protocols: the rest is a stream of WebSocket frames.
    WebSocket,
}

/// Everything needed to encode a request head.
///
/// ```
/// use docker_wire::{BodyKind, Method, RequestHead};
/// let head = RequestHead::new(Method::Post, "/v1.41/containers/x/kill?signal=SIGTERM", "docker")
///     .headers(&[("User-Agent", "docker-rs")])
///     .body(BodyKind::None);
/// assert_eq!(head.target, "/v1.41/containers/x/kill?signal=SIGTERM");
/// ```
#[derive(Debug, Clone, Copy)]
pub struct RequestHead<'a> {
    /// The method.
    pub method: Method,
    /// The origin-form target: path and query, already percent-encoded.
    pub target: &'a str,
    /// The `Host` header value. The engine answers 400 without one; `docker` is customary
    /// over a Unix socket.
    pub host: &'a str,
    /// Extra header fields. The codec writes `Host`, framing and upgrade headers itself.
    pub headers: &'a [(&'a str, &'a str)],
    /// How the body is framed.
    pub body: BodyKind,
    /// Whether to ask for a hijacked connection.
    pub upgrade: Upgrade,
}

impl<'a> RequestHead<'a> {
    /// A head with no extra headers, no body and no upgrade.
    ///
    /// ```
    /// use docker_wire::{BodyKind, Method, RequestHead, Upgrade};
    /// let head = RequestHead::new(Method::Get, "/version", "docker");
    /// assert_eq!((head.body, head.upgrade), (BodyKind::None, Upgrade::No));
    /// assert!(head.headers.is_empty());
    /// ```
    pub fn new(method: Method, target: &'a str, host: &'a str) -> RequestHead<'a> {
        RequestHead {
            method,
            target,
            host,
            headers: &[],
            body: BodyKind::None,
            upgrade: Upgrade::No,
        }
    }

    /// Sets the extra header fields.
    ///
    /// ```
    /// use docker_wire::{Method, RequestHead};
    /// let head = RequestHead::new(Method::Get, "/info", "docker").headers(&[("Accept", "application/json")]);
    /// assert_eq!(head.headers, [("Accept", "application/json")]);
    /// ```
    pub fn headers(self, headers: &'a [(&'a str, &'a str)]) -> Self {
        RequestHead { headers, ..self }
    }

    /// Sets the body framing.
    ///
    /// ```
    /// use docker_wire::{BodyKind, Method, RequestHead};
    /// let head = RequestHead::new(Method::Post, "/containers/create", "docker").body(BodyKind::Length(2));
    /// assert_eq!(head.body, BodyKind::Length(2));
    /// ```
    pub fn body(self, body: BodyKind) -> Self {
        RequestHead { body, ..self }
    }

    /// Sets the upgrade mode.
    ///
    /// ```
    /// use docker_wire::{Method, RequestHead, Upgrade};
    /// let head = RequestHead::new(Method::Post, "/exec/e1/start", "docker").upgrade(Upgrade::Hijack);
    /// assert_eq!(head.upgrade, Upgrade::Hijack);
    /// ```
    pub fn upgrade(self, upgrade: Upgrade) -> Self {
        RequestHead { upgrade, ..self }
    }

    /// Checks the head and appends its bytes to `out`. Nothing is appended on error.
    pub(crate) fn encode(&self, out: &mut Vec<u8>) -> Result<(), Misuse> {
        validate_target(self.target)?;
        validate_value("Host", self.host)?;
        for &(name, value) in self.headers {
            validate_name(name)?;
            if is_reserved(name) {
                return Err(Misuse::ReservedHeader { name: name.into() });
            }
            validate_value(name, value)?;
        }
        out.reserve(64 + self.target.len() + self.host.len());
        out.extend_from_slice(self.method.as_str().as_bytes());
        out.push(b' ');
        out.extend_from_slice(self.target.as_bytes());
        out.extend_from_slice(b" HTTP/1.1\r\nHost: ");
        out.extend_from_slice(self.host.as_bytes());
        out.extend_from_slice(b"\r\n");
        for &(name, value) in self.headers {
            out.extend_from_slice(name.as_bytes());
            out.extend_from_slice(b": ");
            out.extend_from_slice(value.as_bytes());
            out.extend_from_slice(b"\r\n");
        }
        match self.body {
            BodyKind::None => (),
            BodyKind::Length(n) => {
                out.extend_from_slice(b"Content-Length: ");
                push_decimal(out, n);
                out.extend_from_slice(b"\r\n");
            }
            BodyKind::Chunked => out.extend_from_slice(b"Transfer-Encoding: chunked\r\n"),
        }
        match self.upgrade {
            Upgrade::No => (),
            Upgrade::Hijack => out.extend_from_slice(b"Connection: Upgrade\r\nUpgrade: tcp\r\n"),
            Upgrade::WebSocket => {
                out.extend_from_slice(b"Connection: Upgrade\r\nUpgrade: websocket\r\n")
            }
        }
        out.extend_from_slice(b"\r\n");
        Ok(())
    }
}

pub(crate) fn push_decimal(out: &mut Vec<u8>, mut n: u64) {
    let mut digits = [0u8; 20];
    let mut i = digits.len();
    loop {
        i -= 1;
        digits[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    out.extend_from_slice(&digits[i..]);
}

fn validate_target(target: &str) -> Result<(), Misuse> {
    let ok = target.starts_with('/') && target.bytes().all(|b| (0x21..=0x7e).contains(&b));
    match ok {
        true => Ok(()),
        false => Err(Misuse::InvalidTarget {
            target: target.into(),
        }),
    }
}

fn validate_name(name: &str) -> Result<(), Misuse> {
    let ok = !name.is_empty() && name.bytes().all(is_token_byte);
    match ok {
        true => Ok(()),
        false => Err(Misuse::InvalidHeaderName { name: name.into() }),
    }
}

fn validate_value(name: &str, value: &str) -> Result<(), Misuse> {
    let ok = value
        .bytes()
        .all(|b| b == b'\t' || (b >= 0x20 && b != 0x7f));
    match ok {
        true => Ok(()),
        false => Err(Misuse::InvalidHeaderValue { name: name.into() }),
    }
}

fn is_reserved(name: &str) -> bool {
    [
        "host",
        "content-length",
        "transfer-encoding",
        "connection",
        "upgrade",
    ]
    .iter()
    .any(|r| r.eq_ignore_ascii_case(name))
}

/// RFC 9110 `tchar`.
fn is_token_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b)
}
