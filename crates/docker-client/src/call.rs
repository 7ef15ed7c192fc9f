//! The call type, and the reading of answers: one request described independently of the
//! flavour that sends it, and the rules that turn a status and a body into a result.

use std::time::Duration;

use docker_models::{ErrorResponse, Ping};
use docker_transport::{Body, ErrorBody, Headers, Method, Request, ResponseHead};
use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::path::Query;
use crate::{ApiVersion, Error, Result};

/// One request: what an endpoint method describes before a flavour sends it. `R` is the
/// flavour's reader of a streamed request body.
#[derive(Debug)]
pub(crate) struct Call<R> {
    pub(crate) method: Method,
    /// The path without the version prefix, already encoded.
    pub(crate) path: String,
    pub(crate) query: Query,
    pub(crate) body: Body<R>,
    pub(crate) headers: Vec<(&'static str, String)>,
    pub(crate) head_timeout: Option<Duration>,
    /// The call's total deadline: set by the steps that read a whole answer themselves
    /// (`Client::bounded`), `None` for the answers a caller reads at its own pace.
    pub(crate) total_timeout: Option<Duration>,
    /// An endless or slow stream: no idle timeout between body reads.
    pub(crate) streaming: bool,
    /// Asks the engine to hijack the connection (attach, exec start).
    pub(crate) upgrade: bool,
    /// Asks the engine to switch to WebSocket (attach over WebSocket).
    pub(crate) websocket: bool,
    /// Gets the `/vX.Y` prefix (every path but `/_ping`).
    pub(crate) versioned: bool,
}

impl<R> Call<R> {
    pub(crate) fn new(method: Method, path: impl Into<String>) -> Call<R> {
        Call {
            method,
            path: path.into(),
            query: Query::default(),
            body: Body::Empty,
            headers: Vec::new(),
            head_timeout: None,
            total_timeout: None,
            streaming: false,
            upgrade: false,
            websocket: false,
            versioned: true,
        }
    }

    pub(crate) fn get(path: impl Into<String>) -> Call<R> {
        Call::new(Method::Get, path)
    }

    pub(crate) fn post(path: impl Into<String>) -> Call<R> {
        Call::new(Method::Post, path)
    }

    pub(crate) fn delete(path: impl Into<String>) -> Call<R> {
        Call::new(Method::Delete, path)
    }

    pub(crate) fn query(mut self, query: Query) -> Call<R> {
        self.query = query;
        self
    }

    /// A JSON body, already encoded.
    pub(crate) fn json_bytes(self, body: Vec<u8>) -> Call<R> {
        self.header("Content-Type", "application/json".to_owned())
            .body(Body::Bytes(body))
    }

    /// `value` encoded as the JSON body; `what` names it if it does not encode.
    pub(crate) fn json<T: Serialize + ?Sized>(
        self,
        what: &'static str,
        value: &T,
    ) -> Result<Call<R>> {
        let body = serde_json::to_vec(value).map_err(|e| Error::InvalidArgument {
            what,
            reason: e.to_string(),
        })?;
        Ok(self.json_bytes(body))
    }

    pub(crate) fn body(mut self, body: Body<R>) -> Call<R> {
        self.body = body;
        self
    }

    pub(crate) fn header(mut self, name: &'static str, value: String) -> Call<R> {
        self.headers.push((name, value));
        self
    }

    pub(crate) fn head_timeout(mut self, timeout: Duration) -> Call<R> {
        self.head_timeout = Some(timeout);
        self
    }

    pub(crate) fn upgrade(mut self) -> Call<R> {
        self.upgrade = true;
        self.streaming = true;
        self
    }

    /// Asks for a WebSocket (the caller adds the key and version headers).
    pub(crate) fn upgrade_websocket(mut self) -> Call<R> {
        self.websocket = true;
        self.streaming = true;
        self
    }

    pub(crate) fn unversioned(mut self) -> Call<R> {
        self.versioned = false;
        self
    }

    pub(crate) fn streaming(mut self) -> Call<R> {
        self.streaming = true;
        self
    }

    /// `METHOD /path`, for error messages.
    pub(crate) fn describe(&self) -> String {
        format!("{} {}", self.method, self.path)
    }

    pub(crate) fn into_request(self, version: Option<ApiVersion>) -> Request<R> {
        let target = match (self.versioned, version) {
            (true, Some(v)) => format!("/v{v}{}{}", self.path, self.query.as_str()),
            _ => format!("{}{}", self.path, self.query.as_str()),
        };
        let mut req = Request::new(self.method, target)
            .body(self.body)
            .total_timeout(self.total_timeout);
        for (name, value) in self.headers {
            req = req.header(name, value);
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
        if self.websocket {
            req = req.upgrade_websocket();
        }
        req
    }
}

/// True for the statuses that carry an answer: 2xx, and 101 for an upgrade.
pub(crate) fn is_success(status: u16) -> bool {
    status == 101 || (200..300).contains(&status)
}

/// Turns a non-success answer into the matching error. `Ok` for 2xx.
pub(crate) fn check_status(request: &str, head: &ResponseHead, body: &ErrorBody) -> Result<()> {
    let status = head.status;
    match status {
        200..=299 => Ok(()),
        304 => Err(Error::NotModified),
        300..=399 => Err(Error::Redirect {
            request: request.to_owned(),
            status,
            location: head.headers.get("location").unwrap_or("").to_owned(),
        }),
        _ => Err(api_error(status, &head.headers, body)),
    }
}

fn api_error(status: u16, headers: &Headers, body: &ErrorBody) -> Error {
    let message = match body.cut {
        false => error_message(headers, &body.bytes),
        true => format!(
            "{} [the engine's message was cut: it is longer than the {} bytes read]",
            cut_error_message(&body.bytes),
            body.bytes.len()
        ),
    };
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
        let decoded = std::str::from_utf8(body).map(docker_models::from_json::<ErrorResponse>);
        if let Ok(Ok(e)) = decoded {
            return e.message;
        }
    }
    String::from_utf8_lossy(body).trim().to_owned()
}

/// The start of the engine's message in the first bytes of a longer body: the text of
/// `{"message":"...` as far as it goes, when the body starts so, else the bytes as text.
fn cut_error_message(start: &[u8]) -> String {
    let text = String::from_utf8_lossy(start);
    let Some(rest) = text.trim_start().strip_prefix("{\"message\":\"") else {
        return text.trim().to_owned();
    };
    // The string's end is missing, and an escape or a character may be cut: close the
    // string where it still decodes, dropping at most the few bytes of a cut escape.
    let rest = rest.trim_end_matches('\u{fffd}');
    for drop in 0..=6.min(rest.len()) {
        let Some(head) = rest.get(..rest.len() - drop) else {
            continue;
        };
        if let Ok(message) = serde_json::from_str::<String>(&format!("\"{head}\"")) {
            return message;
        }
    }
    text.trim().to_owned()
}

/// Decodes a JSON body, with the request and the start of the body in the error.
///
/// The body is checked as UTF-8 once, as a whole, and handed to
/// `docker_models::from_json`, which decodes a model (or a list of them) with the model's
/// own decoder in one pass, and any other type through serde_json.
pub(crate) fn decode<T: DeserializeOwned>(request: &str, body: &[u8]) -> Result<T> {
    let decoded = match std::str::from_utf8(body) {
        Ok(text) => docker_models::from_json(text),
        Err(e) => Err(serde::de::Error::custom(format_args!(
            "the body is not UTF-8: {e}"
        ))),
    };
    decoded.map_err(|source| decode_error(request, body, source))
}

fn decode_error(request: &str, body: &[u8], source: serde_json::Error) -> Error {
    let text = String::from_utf8_lossy(&body[..body.len().min(200)]).into_owned();
    Error::Decode {
        request: request.to_owned(),
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
        ..Ping::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cut(bytes: &[u8]) -> ErrorBody {
        ErrorBody {
            bytes: bytes.to_vec(),
            cut: true,
        }
    }

    #[test]
    fn a_cut_json_message_keeps_its_text_up_to_the_cut() {
        let head = |status| ResponseHead {
            status,
            minor_version: 1,
            reason: String::new(),
            headers: Headers::default(),
        };
        let cases: [(&[u8], &str); 4] = [
            (
                br#"{"message":"No such container: nnnn"#,
                "No such container: nnnn",
            ),
            // An escape cut in the middle is dropped.
            (
                br#"{"message":"a \"quoted\" name \u00"#,
                "a \"quoted\" name ",
            ),
            (br#"{"message":"tab\"#, "tab"),
            (b"<html><body>Bad Gateway", "<html><body>Bad Gateway"),
        ];
        for (bytes, message) in cases {
            let err = check_status("GET /x", &head(404), &cut(bytes)).unwrap_err();
            assert!(err.is_not_found(), "{err:?}");
            let text = err.message().unwrap();
            assert!(text.starts_with(message), "{text:?}");
            assert!(text.contains("was cut"), "{text}");
        }
        let err = check_status("GET /x", &head(502), &cut(b"<html>")).unwrap_err();
        assert_eq!(err.status_code(), Some(502));
    }

    #[test]
    fn decode_reads_utf8_json_and_names_a_body_that_is_not() {
        let v: serde_json::Value = decode("GET /x", "{\"a\":\"é\"}".as_bytes()).unwrap();
        assert_eq!(v["a"], "é");
        let err = decode::<serde_json::Value>("GET /x", b"{\"a\":\"\xff\"}").unwrap_err();
        let Error::Decode {
            request, source, ..
        } = &err
        else {
            panic!("{err:?}")
        };
        assert_eq!(request, "GET /x");
        assert!(source.to_string().contains("not UTF-8"), "{source}");
        let err = decode::<serde_json::Value>("GET /x", b"{\"a\":").unwrap_err();
        assert!(matches!(err, Error::Decode { .. }), "{err:?}");
    }
}
