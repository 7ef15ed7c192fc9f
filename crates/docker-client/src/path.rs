//! Safe request targets: validated path segments and encoded queries.
//!
//! Every ID or name becomes exactly one percent-encoded path segment, so no input can reach
//! another route. Inputs that the engine would redirect (`..`, `.`, empty components) or that
//! hold control characters are refused before anything is sent.

use std::fmt::Write as _;

use crate::{Error, Result};

/// What a path segment names, for error messages and the rules that differ.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    Container,
    Image,
    Network,
    Exec,
    Volume,
    Plugin,
}

impl Kind {
    fn what(self) -> &'static str {
        match self {
            Kind::Container => "container ID or name",
            Kind::Image => "image name or ID",
            Kind::Network => "network ID or name",
            Kind::Exec => "exec ID",
            Kind::Volume => "volume name",
            Kind::Plugin => "plugin name",
        }
    }
}

/// Validates `id` and percent-encodes it as one path segment.
///
/// A single leading `/` on a container name (as the engine lists names) is dropped.
pub(crate) fn segment(kind: Kind, id: &str) -> Result<String> {
    let invalid = |reason: &str| Error::InvalidArgument {
        what: kind.what(),
        reason: format!("{id:?} {reason}"),
    };
    let id = match kind {
        Kind::Container => id.strip_prefix('/').unwrap_or(id),
        _ => id,
    };
    // The common case, an ID or a plain name: nothing to encode and nothing to refuse but
    // `.` and `..` (no '/' and no control character is path-safe).
    if !id.is_empty() && id != "." && id != ".." && id.bytes().all(is_path_safe) {
        return Ok(id.to_owned());
    }
    if id.is_empty() {
        return Err(invalid("is empty"));
    }
    if id.chars().any(char::is_control) {
        return Err(invalid("holds a control character"));
    }
    if id.split('/').any(|c| c.is_empty() || c == "." || c == "..") {
        return Err(invalid(
            "has an empty, '.' or '..' path component, which the engine would redirect to another endpoint",
        ));
    }
    Ok(encode_segment(id))
}

/// Percent-encodes `text` as one path segment (Go's `url.PathEscape` set).
pub(crate) fn encode_segment(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    escape_into(&mut out, text, is_path_safe);
    out
}

/// Appends `text` with every byte outside `keep` percent-encoded (uppercase hex).
fn escape_into(out: &mut String, text: &str, keep: fn(u8) -> bool) {
    for &b in text.as_bytes() {
        if keep(b) {
            out.push(b as char);
        } else {
            let _ = write!(out, "%{b:02X}");
        }
    }
}

/// Go's `url.PathEscape` set: unreserved characters plus `$&+:=@`.
fn is_path_safe(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"-_.~$&+:=@".contains(&b)
}

/// Go's `url.QueryEscape` set: unreserved characters only (a space becomes `+`).
fn is_query_safe(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"-_.~".contains(&b)
}

/// A query string under construction: `?a=1&b=x%20y`.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub(crate) struct Query(String);

impl Query {
    pub(crate) fn push(&mut self, key: &str, value: &str) -> &mut Self {
        self.0.push(if self.0.is_empty() { '?' } else { '&' });
        push_query_part(&mut self.0, key);
        self.0.push('=');
        push_query_part(&mut self.0, value);
        self
    }

    pub(crate) fn push_opt(&mut self, key: &str, value: Option<impl ToString>) -> &mut Self {
        if let Some(v) = value {
            self.push(key, &v.to_string());
        }
        self
    }

    /// Adds `key=1` when `flag` is set, as the Docker CLI sends booleans.
    pub(crate) fn flag(&mut self, key: &str, flag: bool) -> &mut Self {
        if flag {
            self.push(key, "1");
        }
        self
    }

    pub(crate) fn as_str(&self) -> &str {
        &self.0
    }
}

fn push_query_part(out: &mut String, text: &str) {
    for part in text.split(' ').enumerate() {
        if part.0 > 0 {
            out.push('+');
        }
        escape_into(out, part.1, is_query_safe);
    }
}

/// Checks a caller-supplied raw path (the escape hatch): it must start with `/` and hold
/// only visible ASCII, so it cannot break the request line.
pub(crate) fn raw_path(path: &str) -> Result<&str> {
    let ok = path.starts_with('/') && path.bytes().all(|b| (0x21..=0x7e).contains(&b));
    match ok {
        true => Ok(path),
        false => Err(Error::InvalidArgument {
            what: "request path",
            reason: format!(
                "{path:?} must start with '/' and hold only visible ASCII; percent-encode the rest"
            ),
        }),
    }
}

/// Checks a free-text query value that is sent raw in a header or a query (signals, ps args).
pub(crate) fn plain_text<'a>(what: &'static str, value: &'a str) -> Result<&'a str> {
    match value.chars().any(char::is_control) {
        true => Err(Error::InvalidArgument {
            what,
            reason: format!("{value:?} holds a control character"),
        }),
        false => Ok(value),
    }
}
