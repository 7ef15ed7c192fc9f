//! The on-disk transcript format: a small `key: value` header, then numbered exchanges of
//! exact request and response bytes between marker lines.

use std::fmt;
use std::path::Path;

use docker_wire::{ClientConn, Event, Limits, Method, RequestDecoder, RequestEvent, RequestHead};

/// The first line of every transcript file.
const MAGIC: &str = "===== TRANSCRIPT =====";

/// A recorded conversation with an engine: metadata and an ordered list of exchanges.
///
/// The file format (see `fixtures/README.md` in the repository) is
///
/// ```text
/// ===== TRANSCRIPT =====
/// engine: docker
/// api-version: 1.41
/// ===== REQUEST 1 =====
/// GET /v1.41/containers/json HTTP/1.1␍␊
/// …
/// ===== RESPONSE 1 =====
/// HTTP/1.1 200 OK␍␊
/// …
/// ===== END 1: connection open =====
/// ```
///
/// The bytes of a request or response are exactly those between the line after its marker
/// and the `\n` before the next marker: chunk framing, `\r\n` and binary bytes are kept as
/// they went over the socket.
///
/// ```
/// use docker_replay::{Exchange, Transcript};
///
/// let mut t = Transcript::default();
/// t.set_meta("engine", "docker");
/// t.push(Exchange::new(
///     b"GET /_ping HTTP/1.1\r\nHost: docker\r\n\r\n".to_vec(),
///     b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nOK".to_vec(),
/// ));
/// let bytes = t.to_bytes();
/// let back = Transcript::parse(&bytes)?;
/// assert_eq!(back, t);
/// assert_eq!(back.meta("engine"), Some("docker"));
/// # Ok::<(), docker_replay::FormatError>(())
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Transcript {
    meta: Vec<(String, String)>,
    exchanges: Vec<Exchange>,
}

/// One request and the engine's response to it, byte for byte.
///
/// ```
/// use docker_replay::{Ending, Exchange};
///
/// let ex = Exchange {
///     request: b"GET /v1.41/containers/web/logs?follow=1&stdout=1 HTTP/1.1\r\n\r\n".to_vec(),
///     response: b"HTTP/1.1 200 OK\r\n\r\nhello\n".to_vec(),
///     ending: Ending::EngineClosed,
/// };
/// assert_eq!(ex.request_line(), "GET /v1.41/containers/web/logs?follow=1&stdout=1");
/// assert_eq!(ex.status(), Some(200));
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Exchange {
    /// The request as the client wrote it: head and body, chunk framing kept.
    pub request: Vec<u8>,
    /// The response as the engine wrote it: head and body, chunk framing kept.
    pub response: Vec<u8>,
    /// How the exchange ended.
    pub ending: Ending,
}

/// How an exchange ended, as its end marker says.
///
/// ```
/// use docker_replay::{Ending, Exchange, Transcript};
///
/// let mut t = Transcript::default();
/// t.push(Exchange {
///     request: b"GET /v1.41/events HTTP/1.1\r\n\r\n".to_vec(),
///     response: b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n".to_vec(),
///     ending: Ending::ClientClosed,
/// });
/// let text = String::from_utf8(t.to_bytes()).unwrap();
/// assert!(text.ends_with("===== END 1: client closed the connection =====\n"));
/// assert_eq!(Ending::default(), Ending::Open);
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Ending {
    /// The response ended and the connection stayed open for the next request
    /// (`connection open`).
    #[default]
    Open,
    /// The engine closed the connection after the response: a body delimited by the close,
    /// a hijacked stream, a truncated answer, `Connection: close` (`engine closed the
    /// connection`).
    EngineClosed,
    /// The client closed the connection before the response ended, as a client does when
    /// it stops following a stream (`client closed the connection`). The response holds
    /// what the engine sent until then, without the end the client's leaving caused.
    ClientClosed,
}

impl Ending {
    fn text(self) -> &'static [u8] {
        match self {
            Ending::Open => OPEN,
            Ending::EngineClosed => CLOSED,
            Ending::ClientClosed => CLIENT_CLOSED,
        }
    }
}

impl Exchange {
    /// An exchange after which the connection stays open.
    ///
    /// ```
    /// # use docker_replay::{Ending, Exchange};
    /// let ex = Exchange::new(b"GET /_ping HTTP/1.1\r\n\r\n".to_vec(), b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nOK".to_vec());
    /// assert_eq!(ex.ending, Ending::Open);
    /// ```
    pub fn new(request: Vec<u8>, response: Vec<u8>) -> Exchange {
        Exchange {
            request,
            response,
            ending: Ending::Open,
        }
    }

    /// The request line without the protocol version, such as `GET /v1.41/info`; the first
    /// line as it is when the request head is not understood.
    ///
    /// ```
    /// # use docker_replay::Exchange;
    /// let ex = Exchange::new(b"POST /v1.41/containers/web/start HTTP/1.1\r\nContent-Length: 0\r\n\r\n".to_vec(), Vec::new());
    /// assert_eq!(ex.request_line(), "POST /v1.41/containers/web/start");
    /// assert_eq!(Exchange::new(b"not a request".to_vec(), Vec::new()).request_line(), "not a request");
    /// ```
    pub fn request_line(&self) -> String {
        let mut dec = RequestDecoder::new(Limits::default());
        match dec.decode(&self.request).map(|res| res.event) {
            Ok(RequestEvent::Head(head)) => format!("{} {}", head.method, head.target),
            _ => {
                let line = self.request.split(|&b| b == b'\r' || b == b'\n').next();
                String::from_utf8_lossy(line.unwrap_or(&[])).into_owned()
            }
        }
    }

    /// The response's status code, when its head is well formed (after any informational
    /// heads).
    ///
    /// ```
    /// # use docker_replay::Exchange;
    /// let ex = Exchange::new(Vec::new(), b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n".to_vec());
    /// assert_eq!(ex.status(), Some(404));
    /// assert_eq!(Exchange::new(Vec::new(), b"HTTP/1.1 40".to_vec()).status(), None);
    /// ```
    pub fn status(&self) -> Option<u16> {
        let mut conn = ClientConn::new(Limits::default());
        let head = RequestHead::new(Method::Get, "/", "docker");
        conn.send_request(&head, &mut Vec::new()).ok()?;
        match conn.decode(&self.response).ok()?.event {
            Event::Head(head) => Some(head.status),
            _ => None,
        }
    }
}

impl Transcript {
    /// Parses the bytes of a transcript file.
    ///
    /// ```
    /// # use docker_replay::Transcript;
    /// let t = Transcript::parse(b"===== TRANSCRIPT =====\nengine: docker\n\
    ///     ===== REQUEST 1 =====\nGET /_ping HTTP/1.1\r\n\r\n\n\
    ///     ===== RESPONSE 1 =====\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nOK\n\
    ///     ===== END 1: connection open =====\n")?;
    /// assert_eq!(t.meta("engine"), Some("docker"));
    /// assert_eq!(t.exchanges()[0].response, b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nOK");
    /// # Ok::<(), docker_replay::FormatError>(())
    /// ```
    pub fn parse(bytes: &[u8]) -> Result<Transcript, FormatError> {
        let rest = bytes
            .strip_prefix(MAGIC.as_bytes())
            .and_then(|r| r.strip_prefix(b"\n"))
            .ok_or_else(|| FormatError::new(format!("the first line is not {MAGIC:?}")))?;
        let meta_end = find(rest, b"===== REQUEST 1 =====\n").unwrap_or(rest.len());
        let mut t = Transcript::default();
        let meta_text = std::str::from_utf8(&rest[..meta_end])
            .map_err(|_| FormatError::new("the header is not UTF-8"))?;
        for line in meta_text.lines() {
            let Some((key, value)) = line.split_once(':') else {
                return Err(FormatError::new(format!(
                    "header line {line:?} is not `key: value`"
                )));
            };
            t.meta
                .push((key.trim().to_owned(), value.trim().to_owned()));
        }
        let mut rest = &rest[meta_end..];
        let mut n = 1;
        while !rest.is_empty() {
            let request_marker = format!("===== REQUEST {n} =====\n");
            let response_marker = format!("\n===== RESPONSE {n} =====\n");
            let end_prefix = format!("\n===== END {n}: ");
            rest = rest
                .strip_prefix(request_marker.as_bytes())
                .ok_or_else(|| FormatError::new(format!("expected the marker of request {n}")))?;
            let at = find(rest, response_marker.as_bytes())
                .ok_or_else(|| FormatError::new(format!("response {n} has no marker")))?;
            let request = rest[..at].to_vec();
            rest = &rest[at + response_marker.len()..];
            let at = find(rest, end_prefix.as_bytes())
                .ok_or_else(|| FormatError::new(format!("response {n} has no end marker")))?;
            let response = rest[..at].to_vec();
            rest = &rest[at + end_prefix.len()..];
            let line_end = find(rest, b"\n")
                .ok_or_else(|| FormatError::new(format!("end marker {n} is not a line")))?;
            let said = rest[..line_end].strip_suffix(b" =====").unwrap_or(&[]);
            let ending = match said {
                CLOSED => Ending::EngineClosed,
                OPEN => Ending::Open,
                CLIENT_CLOSED => Ending::ClientClosed,
                other => {
                    return Err(FormatError::new(format!(
                        "end marker {n} says {:?}, expected {:?}, {:?} or {:?}",
                        String::from_utf8_lossy(other),
                        String::from_utf8_lossy(OPEN),
                        String::from_utf8_lossy(CLOSED),
                        String::from_utf8_lossy(CLIENT_CLOSED),
                    )))
                }
            };
            rest = &rest[line_end + 1..];
            t.exchanges.push(Exchange {
                request,
                response,
                ending,
            });
            n += 1;
        }
        Ok(t)
    }

    /// Reads and parses a transcript file.
    ///
    /// ```
    /// # use docker_replay::Transcript;
    /// let dir = std::env::temp_dir().join(format!("docker-replay-doc-{}", std::process::id()));
    /// std::fs::create_dir_all(&dir).unwrap();
    /// let path = dir.join("ping.http");
    /// std::fs::write(&path, Transcript::default().to_bytes()).unwrap();
    /// assert_eq!(Transcript::read(&path)?, Transcript::default());
    /// // Errors name the file.
    /// let err = Transcript::read(dir.join("missing.http")).unwrap_err();
    /// assert!(err.to_string().contains("missing.http"));
    /// # std::fs::remove_dir_all(&dir).unwrap();
    /// # Ok::<(), docker_replay::FormatError>(())
    /// ```
    pub fn read(path: impl AsRef<Path>) -> Result<Transcript, FormatError> {
        let path = path.as_ref();
        let bytes = std::fs::read(path)
            .map_err(|e| FormatError::new(format!("{}: {e}", path.display())))?;
        Transcript::parse(&bytes).map_err(|e| FormatError::new(format!("{}: {e}", path.display())))
    }

    /// The bytes of the transcript file.
    ///
    /// ```
    /// # use docker_replay::Transcript;
    /// let mut t = Transcript::default();
    /// t.set_meta("scenario", "ping");
    /// assert_eq!(t.to_bytes(), b"===== TRANSCRIPT =====\nscenario: ping\n");
    /// ```
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = Vec::new();
        out.extend_from_slice(MAGIC.as_bytes());
        out.push(b'\n');
        for (key, value) in &self.meta {
            out.extend_from_slice(format!("{key}: {value}\n").as_bytes());
        }
        for (i, ex) in self.exchanges.iter().enumerate() {
            let n = i + 1;
            out.extend_from_slice(format!("===== REQUEST {n} =====\n").as_bytes());
            out.extend_from_slice(&ex.request);
            out.extend_from_slice(format!("\n===== RESPONSE {n} =====\n").as_bytes());
            out.extend_from_slice(&ex.response);
            out.extend_from_slice(format!("\n===== END {n}: ").as_bytes());
            out.extend_from_slice(ex.ending.text());
            out.extend_from_slice(b" =====\n");
        }
        out
    }

    /// The value of a header key, such as `engine` or `api-version`.
    ///
    /// ```
    /// # use docker_replay::Transcript;
    /// let mut t = Transcript::default();
    /// t.set_meta("api-version", "1.41");
    /// assert_eq!(t.meta("api-version"), Some("1.41"));
    /// assert_eq!(t.meta("engine"), None);
    /// ```
    pub fn meta(&self, key: &str) -> Option<&str> {
        self.meta
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    /// Every header entry, in file order.
    ///
    /// ```
    /// # use docker_replay::Transcript;
    /// let mut t = Transcript::default();
    /// t.set_meta("engine", "podman");
    /// t.set_meta("call", "ping");
    /// let keys: Vec<&str> = t.meta_entries().map(|(k, _)| k).collect();
    /// assert_eq!(keys, ["engine", "call"]);
    /// ```
    pub fn meta_entries(&self) -> impl Iterator<Item = (&str, &str)> + '_ {
        self.meta.iter().map(|(k, v)| (k.as_str(), v.as_str()))
    }

    /// Sets a header entry, replacing the value in place when the key exists and appending
    /// it otherwise. Keys are words with `-`; values are one line.
    ///
    /// ```
    /// # use docker_replay::Transcript;
    /// let mut t = Transcript::default();
    /// t.set_meta("outcome", "ok");
    /// t.set_meta("outcome", "error NotFound\n404");
    /// assert_eq!(t.meta("outcome"), Some("error NotFound 404"));
    /// assert_eq!(t.meta_entries().count(), 1);
    /// ```
    pub fn set_meta(&mut self, key: &str, value: impl Into<String>) {
        let value: String = value.into();
        let value = value.replace(['\r', '\n'], " ");
        match self.meta.iter_mut().find(|(k, _)| k == key) {
            Some((_, v)) => *v = value,
            None => self.meta.push((key.to_owned(), value)),
        }
    }

    /// Appends an exchange.
    ///
    /// ```
    /// # use docker_replay::{Exchange, Transcript};
    /// let mut t = Transcript::default();
    /// t.push(Exchange::new(b"GET /_ping HTTP/1.1\r\n\r\n".to_vec(), b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n".to_vec()));
    /// assert_eq!(t.exchanges().len(), 1);
    /// ```
    pub fn push(&mut self, exchange: Exchange) {
        self.exchanges.push(exchange);
    }

    /// The exchanges, in the order they happened.
    ///
    /// ```
    /// # use docker_replay::{Exchange, Transcript};
    /// let mut t = Transcript::default();
    /// t.push(Exchange::new(b"GET /a HTTP/1.1\r\n\r\n".to_vec(), Vec::new()));
    /// t.push(Exchange::new(b"GET /b HTTP/1.1\r\n\r\n".to_vec(), Vec::new()));
    /// let lines: Vec<String> = t.exchanges().iter().map(Exchange::request_line).collect();
    /// assert_eq!(lines, ["GET /a", "GET /b"]);
    /// ```
    pub fn exchanges(&self) -> &[Exchange] {
        &self.exchanges
    }

    pub(crate) fn meta_mut(&mut self) -> &mut Vec<(String, String)> {
        &mut self.meta
    }

    pub(crate) fn exchanges_mut(&mut self) -> &mut Vec<Exchange> {
        &mut self.exchanges
    }
}

// What an end marker says: `===== END n: connection open =====`.
const OPEN: &[u8] = b"connection open";
const CLOSED: &[u8] = b"engine closed the connection";
const CLIENT_CLOSED: &[u8] = b"client closed the connection";

/// A transcript file that does not follow the format.
///
/// ```
/// # use docker_replay::Transcript;
/// let err = Transcript::parse(b"GET / HTTP/1.1\r\n\r\n").unwrap_err();
/// assert_eq!(err.to_string(), r#"malformed transcript: the first line is not "===== TRANSCRIPT =====""#);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FormatError {
    message: String,
}

impl FormatError {
    fn new(message: impl Into<String>) -> FormatError {
        FormatError {
            message: message.into(),
        }
    }
}

impl fmt::Display for FormatError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "malformed transcript: {}", self.message)
    }
}

impl std::error::Error for FormatError {}

pub(crate) fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    if needle.is_empty() || haystack.len() < needle.len() {
        return None;
    }
    haystack.windows(needle.len()).position(|w| w == needle)
}
