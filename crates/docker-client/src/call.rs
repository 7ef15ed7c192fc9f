//! What both flavours share: each call described as data, and each answer interpreted.
//!
//! A flavour's method is `build a Call` → `send it` → `interpret the answer`; only the
//! sending differs between `blocking` and `tokio`.

use std::collections::VecDeque;
use std::marker::PhantomData;
use std::time::Duration;

use docker_models::{ErrorResponse, Ping};
use docker_transport::{Body, Headers, Method, Request, ResponseHead};
use docker_wire::frames::LineDecoder;
use serde::de::DeserializeOwned;

use crate::path::{self, Kind, Query};
use crate::{ApiVersion, Error, Result};

/// The longest line accepted in a JSON-lines stream (events, progress, stats).
pub(crate) const MAX_LINE: usize = 1024 * 1024;

/// One request, described independently of how it is sent.
#[derive(Debug)]
pub(crate) struct Call {
    pub(crate) method: Method,
    /// The path without the version prefix, already encoded.
    pub(crate) path: String,
    pub(crate) query: Query,
    pub(crate) body: Body,
    pub(crate) content_type: Option<&'static str>,
    pub(crate) head_timeout: Option<Duration>,
    pub(crate) streaming: bool,
    pub(crate) upgrade: bool,
    pub(crate) versioned: bool,
}

impl Call {
    pub(crate) fn new(method: Method, path: String) -> Call {
        Call {
            method,
            path,
            query: Query::default(),
            body: Body::Empty,
            content_type: None,
            head_timeout: None,
            streaming: false,
            upgrade: false,
            versioned: true,
        }
    }

    pub(crate) fn get(path: impl Into<String>) -> Call {
        Call::new(Method::Get, path.into())
    }

    pub(crate) fn post(path: impl Into<String>) -> Call {
        Call::new(Method::Post, path.into())
    }

    pub(crate) fn query(mut self, query: Query) -> Call {
        self.query = query;
        self
    }

    pub(crate) fn json(mut self, body: Vec<u8>) -> Call {
        self.content_type = Some("application/json");
        self.body = Body::Bytes(body);
        self
    }

    /// Asks the engine to hijack the connection (attach, exec start).
    pub(crate) fn upgrade(mut self) -> Call {
        self.upgrade = true;
        self.streaming = true;
        self
    }

    pub(crate) fn unversioned(mut self) -> Call {
        self.versioned = false;
        self
    }

    pub(crate) fn streaming(mut self) -> Call {
        self.streaming = true;
        self
    }

    /// `METHOD /path`, for error messages.
    pub(crate) fn describe(&self) -> String {
        format!("{} {}", self.method, self.path)
    }

    pub(crate) fn into_request(self, version: Option<ApiVersion>) -> Request {
        let target = match (self.versioned, version) {
            (true, Some(v)) => format!("/v{v}{}{}", self.path, self.query.as_str()),
            _ => format!("{}{}", self.path, self.query.as_str()),
        };
        let mut req = Request::new(self.method, target).body(self.body);
        if let Some(ct) = self.content_type {
            req = req.header("Content-Type", ct);
        }
        if let Some(t) = self.head_timeout {
            req = req.head_timeout(t);
        }
        if self.streaming {
            req = req.streaming();
        }
        if self.upgrade {
            req = req.upgrade();
        }
        req
    }
}

/// Turns a non-success answer into the matching error. `Ok` for 2xx.
pub(crate) fn check_status(call: &str, head: &ResponseHead, body: &[u8]) -> Result<()> {
    let status = head.status;
    match status {
        200..=299 => Ok(()),
        304 => Err(Error::NotModified),
        300..=399 => Err(Error::Redirect {
            request: call.to_owned(),
            status,
            location: head.headers.get("location").unwrap_or("").to_owned(),
        }),
        _ => Err(api_error(status, &head.headers, body)),
    }
}

fn api_error(status: u16, headers: &Headers, body: &[u8]) -> Error {
    let message = error_message(headers, body);
    match status {
        404 => Error::NotFound { message },
        409 => Error::Conflict { message },
        400 => crate::version::unsupported_from_message(&message)
            .unwrap_or(Error::Api { status, message }),
        _ => Error::Api { status, message },
    }
}

/// The engine's message: `{"message": ...}` when the body is JSON, else the trimmed text.
fn error_message(headers: &Headers, body: &[u8]) -> String {
    let is_json = headers
        .get("content-type")
        .is_some_and(|ct| ct.starts_with("application/json"));
    if is_json || body.first() == Some(&b'{') {
        if let Ok(e) = serde_json::from_slice::<ErrorResponse>(body) {
            return e.message;
        }
    }
    String::from_utf8_lossy(body).trim().to_owned()
}

/// Decodes a JSON body, with the call and the start of the body in the error.
///
/// The body is checked as UTF-8 once, as a whole: `from_slice` would check every string
/// on its own, which costs an inspect about 15% of its decoding. Only `from_str` is used,
/// so that each model's decoder is compiled once, not once per reader type.
pub(crate) fn decode<T: DeserializeOwned>(call: &str, body: &[u8]) -> Result<T> {
    let decoded = match std::str::from_utf8(body) {
        Ok(text) => serde_json::from_str(text),
        Err(e) => Err(serde::de::Error::custom(format_args!(
            "the body is not UTF-8: {e}"
        ))),
    };
    decoded.map_err(|source| decode_error(call, body, source))
}

fn decode_error(call: &str, body: &[u8], source: serde_json::Error) -> Error {
    let text = String::from_utf8_lossy(&body[..body.len().min(200)]).into_owned();
    Error::Decode {
        endpoint: call.to_owned(),
        snippet: text,
        source,
    }
}

/// The facts a `/_ping` answer carries in its headers.
pub(crate) fn ping_from_head(head: &ResponseHead) -> Ping {
    let h = &head.headers;
    let text = |name| h.get(name).map(str::to_owned);
    Ping {
        api_version: text("api-version").unwrap_or_default(),
        os_type: text("ostype").unwrap_or_default(),
        experimental: h.get("docker-experimental") == Some("true"),
        builder_version: text("builder-version"),
        swarm: text("swarm"),
    }
}

/// True when a HEAD ping's answer calls for the GET fallback (old engines answer HEAD with
/// 404 or 405).
pub(crate) fn ping_needs_get(status: u16) -> bool {
    status != 200
}

/// Checks a free-text argument and returns it.
pub(crate) fn text<'a>(what: &'static str, value: &'a str) -> Result<&'a str> {
    path::plain_text(what, value)
}

/// `/containers/{id}{suffix}` with `id` validated and encoded.
pub(crate) fn container_path(id: &str, suffix: &str) -> Result<String> {
    let segment = path::segment(Kind::Container, id)?;
    let mut path = String::with_capacity("/containers/".len() + segment.len() + suffix.len());
    path.push_str("/containers/");
    path.push_str(&segment);
    path.push_str(suffix);
    Ok(path)
}

/// `GET /containers/{id}/top?ps_args=`.
pub(crate) fn top(id: &str, ps_args: Option<&str>) -> Result<Call> {
    let mut q = Query::default();
    if let Some(args) = ps_args {
        q.push("ps_args", text("ps arguments", args)?);
    }
    Ok(Call::get(container_path(id, "/top")?).query(q))
}

/// `POST /containers/{id}/kill?signal=`: the signal goes in the query, never the body.
pub(crate) fn kill(id: &str, signal: Option<&str>) -> Result<Call> {
    let mut q = Query::default();
    if let Some(signal) = signal {
        let signal = text("signal", signal.trim())?;
        if signal.is_empty() {
            return Err(Error::InvalidArgument {
                what: "signal",
                reason: "is empty; pass None for the default SIGKILL".into(),
            });
        }
        q.push("signal", signal);
    }
    Ok(Call::post(container_path(id, "/kill")?).query(q))
}

/// `POST /containers/{id}/restart?t=`, waiting long enough for the engine's stop.
pub(crate) fn restart(id: &str, timeout: Option<Duration>) -> Result<Call> {
    let mut call = Call::post(container_path(id, "/restart")?);
    if let Some(t) = timeout {
        let secs = whole_seconds(t);
        call.query.push("t", &secs.to_string());
        call.head_timeout = Some(Duration::from_secs(secs) + STOP_GRACE);
    }
    Ok(call)
}

/// `t` rounded up to whole seconds, as the engine takes stop timeouts.
pub(crate) fn whole_seconds(t: Duration) -> u64 {
    t.as_secs() + u64::from(t.subsec_nanos() > 0)
}

/// Time allowed for the engine beyond a stop timeout before the answer must come.
pub(crate) const STOP_GRACE: Duration = Duration::from_secs(120);

/// `/images/{name}{suffix}` with `name` validated and encoded.
pub(crate) fn image_path(name: &str, suffix: &str) -> Result<String> {
    Ok(format!(
        "/images/{}{suffix}",
        path::segment(Kind::Image, name)?
    ))
}

/// `/networks/{id}` with `id` validated and encoded.
pub(crate) fn network_path(id: &str) -> Result<String> {
    Ok(format!("/networks/{}", path::segment(Kind::Network, id)?))
}

/// A raw call from the escape hatch: the path is checked, not encoded.
pub(crate) fn raw(method: Method, path: &str, query: &[(&str, &str)]) -> Result<Call> {
    let path = path::raw_path(path)?;
    let (path, versioned) = match has_version_prefix(path) {
        true => (path, false),
        false => (path, path != "/_ping"),
    };
    let mut q = Query::default();
    for (k, v) in query {
        q.push(k, v);
    }
    let mut call = Call::new(method, path.to_owned()).query(q);
    call.versioned = versioned;
    Ok(call)
}

fn has_version_prefix(path: &str) -> bool {
    let Some(rest) = path.strip_prefix("/v") else {
        return false;
    };
    let version = rest.split('/').next().unwrap_or("");
    version.parse::<ApiVersion>().is_ok()
}

/// A decoder of a line-delimited body that a flavour's pump feeds chunk by chunk: the
/// blocking `pump` and tokio's `poll_pump` serve [`JsonLines`] and the image progress alike.
pub(crate) trait Lines {
    /// What a line decodes into.
    type Item;
    /// Feeds body bytes.
    fn feed(&mut self, chunk: &[u8]);
    /// Marks the end of the body.
    fn finish(&mut self);
    /// Ends the items with `e`.
    fn fail(&mut self, e: Error);
    /// The next decoded item, if one is ready.
    fn pop(&mut self) -> Option<Result<Self::Item>>;
    /// True once every item was popped and no more can come.
    fn is_exhausted(&self) -> bool;
}

impl<T: DeserializeOwned> Lines for JsonLines<T> {
    type Item = T;
    fn feed(&mut self, chunk: &[u8]) {
        JsonLines::feed(self, chunk)
    }
    fn finish(&mut self) {
        JsonLines::finish(self)
    }
    fn fail(&mut self, e: Error) {
        JsonLines::fail(self, e)
    }
    fn pop(&mut self) -> Option<Result<T>> {
        JsonLines::pop(self)
    }
    fn is_exhausted(&self) -> bool {
        JsonLines::is_exhausted(self)
    }
}

/// Splits a JSON-lines body into decoded items, whatever the chunking.
#[derive(Debug)]
pub(crate) struct JsonLines<T> {
    call: String,
    lines: LineDecoder,
    ready: VecDeque<Result<T>>,
    done: bool,
    _item: PhantomData<fn() -> T>,
}

impl<T: DeserializeOwned> JsonLines<T> {
    pub(crate) fn new(call: String) -> JsonLines<T> {
        JsonLines {
            call,
            lines: LineDecoder::new(MAX_LINE),
            ready: VecDeque::new(),
            done: false,
            _item: PhantomData,
        }
    }

    /// Feeds body bytes; complete lines become items.
    pub(crate) fn feed(&mut self, mut chunk: &[u8]) {
        while !chunk.is_empty() && !self.done {
            match self.lines.decode(chunk) {
                Ok((n, line)) => {
                    if let Some(line) = line {
                        let item = decode(&self.call, line);
                        self.ready.push_back(item);
                    }
                    chunk = &chunk[n..];
                }
                Err(source) => self.fail(Error::Framing {
                    endpoint: self.call.clone(),
                    source,
                }),
            }
        }
    }

    /// Marks the end of the body; a last line without a newline becomes an item.
    pub(crate) fn finish(&mut self) {
        if self.done {
            return;
        }
        match self.lines.finish() {
            Ok(Some(line)) => {
                let item = decode(&self.call, line);
                self.ready.push_back(item);
            }
            Ok(None) => (),
            Err(source) => self.ready.push_back(Err(Error::Framing {
                endpoint: self.call.clone(),
                source,
            })),
        }
        self.done = true;
    }

    /// Ends the stream with an error (after the items already decoded).
    pub(crate) fn fail(&mut self, e: Error) {
        self.ready.push_back(Err(e));
        self.done = true;
    }

    /// The next decoded item, if one is ready.
    pub(crate) fn pop(&mut self) -> Option<Result<T>> {
        self.ready.pop_front()
    }

    /// True when the body ended (or failed) and every item was taken.
    pub(crate) fn is_exhausted(&self) -> bool {
        self.done && self.ready.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decode_reads_utf8_json_and_names_a_body_that_is_not() {
        let v: serde_json::Value = decode("GET /x", "{\"a\":\"é\"}".as_bytes()).unwrap();
        assert_eq!(v["a"], "é");
        let err = decode::<serde_json::Value>("GET /x", b"{\"a\":\"\xff\"}").unwrap_err();
        let Error::Decode {
            endpoint, source, ..
        } = &err
        else {
            panic!("{err:?}")
        };
        assert_eq!(endpoint, "GET /x");
        assert!(source.to_string().contains("not UTF-8"), "{source}");
        let err = decode::<serde_json::Value>("GET /x", b"{\"a\":").unwrap_err();
        assert!(matches!(err, Error::Decode { .. }), "{err:?}");
    }
}
