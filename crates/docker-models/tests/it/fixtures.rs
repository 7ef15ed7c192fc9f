//! Every JSON body of the recorded transcripts under `fixtures/` decodes into its model, and
//! the decoded model, encoded again, is pinned as a snapshot: a model that loses a field, or
//! a recording that changes, shows up as a snapshot diff.
//!
//! The transcripts are normalised (IDs, times, PIDs), so the snapshots need no redactions.

use std::path::Path;

use docker_models::{
    AuthResponse, ContainerCreateResponse, ContainerInspect, ContainerPruneResponse,
    ContainerStats, ContainerSummary, ContainerTop, ContainerWaitResponse, ErrorResponse,
    EventMessage, ExecCreateResponse, ExecInspect, FileChange, ImageDeleteResponseItem,
    ImageHistoryItem, ImageInspect, ImagePruneResponse, ImageSummary, NetworkCreateResponse,
    NetworkInspect, NetworkPruneResponse, ProgressMessage, SystemDf, SystemInfo, SystemVersion,
    Volume, VolumeListResponse, VolumePruneResponse,
};
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::{json, Value};

#[test]
fn fixture_models() {
    insta::glob!("../../../../fixtures", "*/*.http", |path| {
        let mut decoded = Vec::new();
        for (request, response) in read(path) {
            decoded.push(decode_exchange(path, &request, &response));
        }
        insta::with_settings!({
            omit_expression => true,
            prepend_module_to_snapshot => false,
        }, {
            insta::assert_json_snapshot!(decoded);
        });
    });
}

/// The model a body decodes into, re-encoded, under the request line and status.
fn decode_exchange(path: &Path, request: &[u8], response: &[u8]) -> Value {
    let line = first_line(request);
    let (status, head, body) = split_response(response);
    let mut entry = json!({ "request": line, "status": status });
    let is_json = head.contains("content-type: application/json")
        || body.first().is_some_and(|b| matches!(b, b'{' | b'['));
    if body.is_empty() || !is_json {
        entry["body"] = json!(format!("{} bytes, not JSON", body.len()));
        return entry;
    }
    let what = format!("{} ({line})", path.display());
    let (model, value) = match status {
        400.. => ("ErrorResponse", one::<ErrorResponse>(&what, &body)),
        _ => model_of(&what, &line, &body),
    };
    entry["model"] = json!(model);
    entry["decoded"] = value;
    entry
}

/// Picks the model by method and path, as the client does.
fn model_of(what: &str, line: &str, body: &[u8]) -> (&'static str, Value) {
    let mut words = line.split(' ');
    let method = words.next().unwrap_or("");
    let target = words.next().unwrap_or("");
    let path = target.split('?').next().unwrap_or("");
    let path = match path.strip_prefix("/v") {
        Some(rest) if rest.starts_with(|c: char| c.is_ascii_digit()) => {
            &rest[rest.find('/').unwrap_or(rest.len())..]
        }
        _ => path,
    };
    let segments: Vec<&str> = path.trim_start_matches('/').split('/').collect();
    match (method, segments.as_slice()) {
        ("GET", ["version"]) => ("SystemVersion", one::<SystemVersion>(what, body)),
        ("GET", ["info"]) => ("SystemInfo", one::<SystemInfo>(what, body)),
        ("GET", ["system", "df"]) => ("SystemDf", one::<SystemDf>(what, body)),
        ("POST", ["auth"]) => ("AuthResponse", one::<AuthResponse>(what, body)),
        ("GET", ["events"]) => ("EventMessage stream", many::<EventMessage>(what, body)),
        ("GET", ["containers", "json"]) => (
            "Vec<ContainerSummary>",
            one::<Vec<ContainerSummary>>(what, body),
        ),
        ("POST", ["containers", "create"]) => (
            "ContainerCreateResponse",
            one::<ContainerCreateResponse>(what, body),
        ),
        ("POST", ["containers", "prune"]) => (
            "ContainerPruneResponse",
            one::<ContainerPruneResponse>(what, body),
        ),
        ("GET", ["containers", _, "json"]) => {
            ("ContainerInspect", one::<ContainerInspect>(what, body))
        }
        ("GET", ["containers", _, "top"]) => ("ContainerTop", one::<ContainerTop>(what, body)),
        ("GET", ["containers", _, "changes"]) => (
            "Option<Vec<FileChange>>",
            one::<Option<Vec<FileChange>>>(what, body),
        ),
        ("GET", ["containers", _, "stats"]) => {
            ("ContainerStats stream", many::<ContainerStats>(what, body))
        }
        ("POST", ["containers", _, "wait"]) => (
            "ContainerWaitResponse",
            one::<ContainerWaitResponse>(what, body),
        ),
        ("POST", ["containers", _, "exec"]) => {
            ("ExecCreateResponse", one::<ExecCreateResponse>(what, body))
        }
        ("GET", ["exec", _, "json"]) => ("ExecInspect", one::<ExecInspect>(what, body)),
        ("GET", ["images", "json"]) => ("Vec<ImageSummary>", one::<Vec<ImageSummary>>(what, body)),
        ("GET", ["images", _, "json"]) => ("ImageInspect", one::<ImageInspect>(what, body)),
        ("GET", ["images", _, "history"]) => (
            "Vec<ImageHistoryItem>",
            one::<Vec<ImageHistoryItem>>(what, body),
        ),
        ("DELETE", ["images", _]) => (
            "Vec<ImageDeleteResponseItem>",
            one::<Vec<ImageDeleteResponseItem>>(what, body),
        ),
        ("POST", ["images", "prune"]) => {
            ("ImagePruneResponse", one::<ImagePruneResponse>(what, body))
        }
        ("POST", ["images", "create" | "load"] | ["images", _, "push"]) => (
            "ProgressMessage stream",
            many::<ProgressMessage>(what, body),
        ),
        ("GET", ["networks"]) => (
            "Vec<NetworkInspect>",
            one::<Vec<NetworkInspect>>(what, body),
        ),
        ("GET", ["networks", _]) => ("NetworkInspect", one::<NetworkInspect>(what, body)),
        ("POST", ["networks", "create"]) => (
            "NetworkCreateResponse",
            one::<NetworkCreateResponse>(what, body),
        ),
        ("POST", ["networks", "prune"]) => (
            "NetworkPruneResponse",
            one::<NetworkPruneResponse>(what, body),
        ),
        ("GET", ["volumes"]) => ("VolumeListResponse", one::<VolumeListResponse>(what, body)),
        ("POST", ["volumes", "create"]) | ("GET", ["volumes", _]) => {
            ("Volume", one::<Volume>(what, body))
        }
        ("POST", ["volumes", "prune"]) => (
            "VolumePruneResponse",
            one::<VolumePruneResponse>(what, body),
        ),
        // Bodies no model describes (the update answer's warnings): kept as JSON.
        _ => ("JSON", one::<Value>(what, body)),
    }
}

fn one<T: DeserializeOwned + Serialize>(what: &str, body: &[u8]) -> Value {
    let decoded: T = serde_json::from_slice(body)
        .unwrap_or_else(|e| panic!("{what}: the body does not decode: {e}"));
    serde_json::to_value(decoded).expect("models encode")
}

fn many<T: DeserializeOwned + Serialize>(what: &str, body: &[u8]) -> Value {
    let items: Vec<T> = serde_json::Deserializer::from_slice(body)
        .into_iter()
        .collect::<Result<_, _>>()
        .unwrap_or_else(|e| panic!("{what}: the stream does not decode: {e}"));
    serde_json::to_value(items).expect("models encode")
}

fn first_line(bytes: &[u8]) -> String {
    let line = bytes.split(|&b| b == b'\r').next().unwrap_or(&[]);
    let line = String::from_utf8_lossy(line);
    match line.rsplit_once(' ') {
        Some((start, version)) if version.starts_with("HTTP/") => start.to_owned(),
        _ => line.into_owned(),
    }
}

/// Status, lowercased head and body (without chunk framing) of a response.
fn split_response(bytes: &[u8]) -> (u16, String, Vec<u8>) {
    let Some(at) = find(bytes, b"\r\n\r\n") else {
        return (0, String::new(), Vec::new());
    };
    let head = String::from_utf8_lossy(&bytes[..at]).to_ascii_lowercase();
    let status = head
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let rest = &bytes[at + 4..];
    if head.contains("transfer-encoding: chunked") {
        return (status, head, dechunk(rest));
    }
    let length = head
        .split("\r\n")
        .find_map(|l| l.strip_prefix("content-length:"))
        .and_then(|v| v.trim().parse::<usize>().ok());
    let body = match length {
        Some(n) => rest[..n.min(rest.len())].to_vec(),
        None => rest.to_vec(),
    };
    (status, head, body)
}

fn dechunk(mut input: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    while let Some(line_end) = find(input, b"\r\n") {
        let size = std::str::from_utf8(&input[..line_end])
            .ok()
            .and_then(|s| usize::from_str_radix(s.split(';').next()?.trim(), 16).ok());
        let Some(size) = size.filter(|&n| n > 0) else {
            break;
        };
        let start = line_end + 2;
        let end = (start + size).min(input.len());
        out.extend_from_slice(&input[start..end]);
        input = input.get(end + 2..).unwrap_or(&[]);
    }
    out
}

/// The request and response bytes of each exchange of a transcript file (the format of
/// `fixtures/README.md`).
fn read(path: &Path) -> Vec<(Vec<u8>, Vec<u8>)> {
    let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut out = Vec::new();
    let mut n = 1;
    let mut rest = &bytes[..];
    loop {
        let marker = format!("===== REQUEST {n} =====\n");
        let Some(at) = find(rest, marker.as_bytes()) else {
            return out;
        };
        rest = &rest[at + marker.len()..];
        let marker = format!("\n===== RESPONSE {n} =====\n");
        let at = find(rest, marker.as_bytes()).expect("a response marker");
        let request = rest[..at].to_vec();
        rest = &rest[at + marker.len()..];
        let marker = format!("\n===== END {n}: ");
        let at = find(rest, marker.as_bytes()).expect("an end marker");
        out.push((request, rest[..at].to_vec()));
        rest = &rest[at + marker.len()..];
        n += 1;
    }
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}
