//! `cargo xtask fixtures synthesize`: transcripts of engines nobody can run here, marked
//! `synthetic: true`, built from the recorded Docker 20.10 transcripts and the changes the
//! Engine API changelog lists (moby `api/docs/CHANGELOG.md`). Each transcript's `note`
//! header names the facts it encodes.
//!
//! JSON bodies are edited as ordered trees, so that what is kept stays in the engine's
//! order and format.

use docker_replay::{Exchange, Transcript};

use super::{fixtures_dir, shown};

/// The engine imitated: Docker 29.2, API 1.53, minimum API 1.44.
const RELEASE: &str = "29.2.0";
const API: &str = "1.53";
const DIR: &str = "docker-29.2-synthetic";
/// What the recorded transcripts are taken from.
const BASE: &str = "docker-20.10";

/// The synthetic transcripts, by scenario name.
pub(crate) fn transcripts() -> Result<Vec<(String, Transcript)>, String> {
    let base = |name: &str| -> Result<Transcript, String> {
        let path = fixtures_dir().join(BASE).join(format!("{name}.http"));
        Transcript::read(&path).map_err(|e| e.to_string())
    };
    let mut out = Vec::new();

    let too_old = "client version 1.24 is too old. Minimum supported API version is 1.44, \
                   please upgrade your client to a newer version";
    out.push(build(
        "version_too_old",
        "info",
        "[]",
        "1.24",
        "error VersionUnsupported 400",
        "Docker 29.0 to 29.2 raised the default minimum API version to 1.44 (moby 2c59be7011); \
         a client pinned below it gets a 400 whose JSON message names both versions",
        vec![exchange(
            &request("GET", "/v1.24/info", &base("info")?),
            &response(
                "400 Bad Request",
                Body::VersionError(&format!(r#"{{"message":"{too_old}"}}"#)),
            ),
        )],
    ));

    let plain = "client version 1.23 is too old. Minimum supported API version is 1.44, \
                 please upgrade your client to a newer version\n";
    out.push(build(
        "version_too_old_plain_text",
        "info",
        "[]",
        "1.23",
        "error VersionUnsupported 400",
        "below API 1.24 the engine writes its errors as plain text, not JSON, as 20.10 does \
         (fixtures/docker-20.10/inspect_container_missing_v1.23.http) and moby still does",
        vec![exchange(
            &request("GET", "/v1.23/info", &base("info")?),
            &response("400 Bad Request", Body::VersionErrorText(plain)),
        )],
    ));

    let ping = base("ping")?;
    for (scenario, call, note) in [
        (
            "ping",
            "ping",
            "API 1.42 and later send Builder-Version and Swarm on every ping",
        ),
        (
            "api_version",
            "api_version",
            "the engine advertises 1.53; the client negotiates down to its own maximum",
        ),
    ] {
        let client = match call {
            "api_version" => "negotiate",
            _ => API,
        };
        out.push(build(
            scenario,
            call,
            "[]",
            client,
            "ok",
            note,
            vec![exchange(
                &request("HEAD", "/_ping", &ping),
                &response("200 OK", Body::Ping),
            )],
        ));
    }

    let events = base("events")?;
    let recorded = first(&events)?;
    let mut lines = Vec::new();
    for line in body_of(&recorded.response).split(|&b| b == b'\n') {
        if line.is_empty() {
            continue;
        }
        let mut event = Json::parse(line)?;
        for legacy in ["status", "id", "from"] {
            event.remove(&[legacy]);
        }
        lines.push(event.to_string());
    }
    let target = request_target(&recorded.request).replace("/v1.41/", "/v1.53/");
    out.push(build(
        "events",
        "events",
        events.meta("args").unwrap_or("[]"),
        API,
        "ok",
        "API 1.52 drops the legacy status, id and from fields of events (CHANGELOG v1.52) \
         and negotiates the content type: JSON lines, application/jsonl by default (v1.53)",
        vec![exchange(
            &request("GET", &target, &events),
            &response("200 OK", Body::Lines(&lines, "application/jsonl")),
        )],
    ));

    let image = base("inspect_image")?;
    let recorded = first(&image)?;
    let mut json = Json::parse(&body_of(&recorded.response))?;
    // v1.44: VirtualSize; v1.45: Container and ContainerConfig.
    for key in ["VirtualSize", "Container", "ContainerConfig"] {
        json.remove(&[key]);
    }
    // v1.52: empty Parent, Comment, DockerVersion and Author are omitted.
    for key in ["Parent", "Comment", "DockerVersion", "Author"] {
        json.remove_if_empty(&[key]);
    }
    // v1.50: the Config fields that are not part of an image's configuration.
    for key in [
        "Hostname",
        "Domainname",
        "AttachStdin",
        "AttachStdout",
        "AttachStderr",
        "Tty",
        "OpenStdin",
        "StdinOnce",
        "Image",
    ] {
        json.remove(&["Config", key]);
    }
    // v1.52: unset Config fields are omitted.
    for key in [
        "Cmd",
        "Entrypoint",
        "Env",
        "Labels",
        "OnBuild",
        "User",
        "Volumes",
        "WorkingDir",
    ] {
        json.remove_if_empty(&["Config", key]);
    }
    out.push(build(
        "inspect_image",
        "inspect_image",
        image.meta("args").unwrap_or("[]"),
        API,
        "ok",
        "image inspect without VirtualSize (v1.44), Container and ContainerConfig (v1.45), \
         the container-only Config fields (v1.50), and empty Parent, Comment, DockerVersion, \
         Author and unset Config fields (v1.52)",
        vec![exchange(
            &request(
                "GET",
                &request_target(&recorded.request).replace("/v1.41/", "/v1.53/"),
                &image,
            ),
            &response("200 OK", Body::Json(&json.to_string())),
        )],
    ));

    let container = base("inspect_container")?;
    let recorded = first(&container)?;
    let mut json = Json::parse(&body_of(&recorded.response))?;
    for key in [
        "Bridge",
        "HairpinMode",
        "LinkLocalIPv6Address",
        "LinkLocalIPv6PrefixLen",
        "SecondaryIPAddresses",
        "SecondaryIPv6Addresses",
        "EndpointID",
        "Gateway",
        "GlobalIPv6Address",
        "GlobalIPv6PrefixLen",
        "IPAddress",
        "IPPrefixLen",
        "IPv6Gateway",
        "MacAddress",
    ] {
        json.remove(&["NetworkSettings", key]);
    }
    json.remove(&["HostConfig", "KernelMemoryTCP"]);
    json.remove(&["HostConfig", "KernelMemory"]);
    json.remove_if_empty(&["Config", "OnBuild"]);
    out.push(build(
        "inspect_container",
        "inspect_container",
        container.meta("args").unwrap_or("[]"),
        API,
        "ok",
        "container inspect without the top-level NetworkSettings fields deprecated since \
         API 1.21 (Bridge, IPAddress, Gateway, MacAddress...; removed in v1.52), without \
         KernelMemory (v1.42) and KernelMemoryTCP (v1.52), and without an empty Config.OnBuild \
         (v1.52)",
        vec![exchange(
            &request(
                "GET",
                &request_target(&recorded.request).replace("/v1.41/", "/v1.53/"),
                &container,
            ),
            &response("200 OK", Body::Json(&json.to_string())),
        )],
    ));
    cluster_volume_update(&mut out, &base("update_volume_unsupported")?)?;
    Ok(out)
}

/// `PUT /volumes/{name}` (API 1.42, cluster volumes), which 20.10 routes nowhere (its 404
/// is recorded in `update_volume_unsupported`). The request is the recorded one at API
/// 1.53, for a cluster volume's name; the answers are moby's `putVolumesUpdate`: on a
/// swarm manager an empty 200, elsewhere the cluster's 503.
fn cluster_volume_update(
    out: &mut Vec<(String, Transcript)>,
    recorded: &Transcript,
) -> Result<(), String> {
    let request = String::from_utf8_lossy(&first(recorded)?.request).replace(
        "PUT /v1.41/volumes/dkr-fx-missing?",
        "PUT /v1.53/volumes/dkr-fx-cluster?",
    );
    let args = recorded
        .meta("args")
        .unwrap_or("[]")
        .replace("dkr-fx-missing", "dkr-fx-cluster");
    out.push(build(
        "update_volume",
        "update_volume",
        &args,
        API,
        "ok",
        "synthetic because no engine here runs a swarm with a CSI driver: a cluster volume's \
         update (API 1.42) answered by a manager with an empty 200, as moby's \
         putVolumesUpdate writes it",
        vec![exchange(
            request.as_bytes(),
            &response("200 OK", Body::Empty),
        )],
    ));
    let not_manager = r#"{"message":"This node is not a swarm manager. Use \"docker swarm init\" or \"docker swarm join\" to connect this node to swarm and try again."}"#;
    out.push(build(
        "update_volume_not_a_manager",
        "update_volume",
        &args,
        API,
        "error Api 503",
        "synthetic because 20.10 has no PUT /volumes/{name} (API 1.42): an engine that is no \
         swarm manager answers the cluster's 503",
        vec![exchange(
            request.as_bytes(),
            &response("503 Service Unavailable", Body::Json(not_manager)),
        )],
    ));
    Ok(())
}

/// Writes the synthetic transcripts, normalised, replacing the folder's old ones.
pub(crate) fn write() -> Result<(), String> {
    let dir = fixtures_dir().join(DIR);
    std::fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    for old in super::sorted_entries(&dir)? {
        if old.extension().is_some_and(|e| e == "http") {
            std::fs::remove_file(&old).map_err(|e| format!("{}: {e}", old.display()))?;
        }
    }
    let all = transcripts()?;
    for (name, t) in &all {
        let path = dir.join(format!("{name}.http"));
        std::fs::write(&path, t.normalised().to_bytes())
            .map_err(|e| format!("{}: {e}", path.display()))?;
    }
    eprintln!(
        "wrote {} synthetic transcripts to {}",
        all.len(),
        shown(&dir)
    );
    Ok(())
}

/// The synthetic folder, for the check.
pub(crate) fn dir_name() -> &'static str {
    DIR
}

fn build(
    scenario: &str,
    call: &str,
    args: &str,
    client: &str,
    outcome: &str,
    note: &str,
    exchanges: Vec<Exchange>,
) -> (String, Transcript) {
    let mut t = Transcript::default();
    t.set_meta("engine", "docker");
    t.set_meta("engine-version", RELEASE);
    t.set_meta("api-version", API);
    t.set_meta("client-version", client);
    t.set_meta("scenario", scenario);
    t.set_meta("call", call);
    t.set_meta("methods", call);
    t.set_meta("args", args);
    t.set_meta("synthetic", "true");
    t.set_meta(
        "source",
        format!(
            "written by `cargo xtask fixtures synthesize` from fixtures/{BASE} and the Engine API \
             changelog"
        ),
    );
    t.set_meta("note", note);
    t.set_meta("outcome", outcome);
    for ex in exchanges {
        t.push(ex);
    }
    (scenario.to_owned(), t)
}

fn exchange(request: &[u8], response: &[u8]) -> Exchange {
    Exchange::new(request.to_vec(), response.to_vec())
}

fn first(t: &Transcript) -> Result<&Exchange, String> {
    t.exchanges()
        .first()
        .ok_or_else(|| "a base transcript has no exchange".to_owned())
}

/// A request head as the client writes it (its `User-Agent` taken from a recording).
fn request(method: &str, target: &str, recorded: &Transcript) -> Vec<u8> {
    let agent = recorded
        .exchanges()
        .first()
        .and_then(|e| {
            String::from_utf8_lossy(&e.request)
                .split("\r\n")
                .find_map(|l| l.strip_prefix("User-Agent: ").map(str::to_owned))
        })
        .unwrap_or_else(|| "docker-rs".to_owned());
    format!("{method} {target} HTTP/1.1\r\nHost: docker\r\nUser-Agent: {agent}\r\n\r\n")
        .into_bytes()
}

fn request_target(request: &[u8]) -> String {
    let line = request.split(|&b| b == b'\r').next().unwrap_or(&[]);
    let line = String::from_utf8_lossy(line);
    line.split(' ').nth(1).unwrap_or("").to_owned()
}

enum Body<'a> {
    Json(&'a str),
    /// The version middleware's JSON error (it comes before `Docker-Experimental` is set).
    VersionError(&'a str),
    /// The same below API 1.24, as Go's `http.Error` writes it.
    VersionErrorText(&'a str),
    /// JSON lines, one chunk each, with this content type.
    Lines(&'a [String], &'a str),
    /// No body: the answer to `HEAD /_ping`.
    Ping,
    /// No body, as a handler that only writes its status answers.
    Empty,
}

/// A response as Docker 29.2 frames it: the headers every routed answer carries, then
/// `Content-Length` (Go's server sizes small unflushed answers) or chunks for streams.
fn response(status: &str, body: Body<'_>) -> Vec<u8> {
    let mut head = format!("HTTP/1.1 {status}\r\nApi-Version: {API}\r\n");
    let common = format!(
        "Docker-Experimental: false\r\nOstype: linux\r\nServer: Docker/{RELEASE} (linux)\r\n\
         Date: Wed, 01 Jan 2020 00:00:00 GMT\r\n"
    );
    match body {
        Body::Json(json) => {
            let body = format!("{json}\n");
            head += &format!(
                "Content-Type: application/json\r\n{common}Content-Length: {}\r\n\r\n{body}",
                body.len()
            );
        }
        Body::VersionError(json) => {
            let body = format!("{json}\n");
            head += &format!(
                "Content-Type: application/json\r\nOstype: linux\r\n\
                 Server: Docker/{RELEASE} (linux)\r\nDate: Wed, 01 Jan 2020 00:00:00 GMT\r\n\
                 Content-Length: {}\r\n\r\n{body}",
                body.len()
            );
        }
        Body::VersionErrorText(text) => {
            head += &format!(
                "Content-Type: text/plain; charset=utf-8\r\nOstype: linux\r\n\
                 Server: Docker/{RELEASE} (linux)\r\nX-Content-Type-Options: nosniff\r\n\
                 Date: Wed, 01 Jan 2020 00:00:00 GMT\r\nContent-Length: {}\r\n\r\n{text}",
                text.len()
            );
        }
        Body::Lines(lines, content_type) => {
            head += &format!(
                "Content-Type: {content_type}\r\n{common}Transfer-Encoding: chunked\r\n\r\n"
            );
            for line in lines {
                let line = format!("{line}\n");
                head += &format!("{:x}\r\n{line}\r\n", line.len());
            }
            head += "0\r\n\r\n";
        }
        Body::Empty => head += &format!("{common}Content-Length: 0\r\n\r\n"),
        Body::Ping => {
            head = format!(
                "HTTP/1.1 {status}\r\nApi-Version: {API}\r\nBuilder-Version: 2\r\n\
                 Cache-Control: no-cache, no-store, must-revalidate\r\nContent-Length: 0\r\n\
                 Content-Type: text/plain; charset=utf-8\r\n{common}Pragma: no-cache\r\n\
                 Swarm: inactive\r\n\r\n"
            );
        }
    }
    head.into_bytes()
}

/// The body of a recorded response, without chunk framing.
fn body_of(response: &[u8]) -> Vec<u8> {
    let Some(at) = response.windows(4).position(|w| w == b"\r\n\r\n") else {
        return Vec::new();
    };
    let head = String::from_utf8_lossy(&response[..at]).to_ascii_lowercase();
    let mut rest = &response[at + 4..];
    if !head.contains("transfer-encoding: chunked") {
        return rest.to_vec();
    }
    let mut out = Vec::new();
    while let Some(end) = rest.windows(2).position(|w| w == b"\r\n") {
        let size = std::str::from_utf8(&rest[..end])
            .ok()
            .and_then(|s| usize::from_str_radix(s.trim(), 16).ok())
            .unwrap_or(0);
        if size == 0 {
            break;
        }
        out.extend_from_slice(&rest[end + 2..end + 2 + size]);
        rest = &rest[end + 2 + size + 2..];
    }
    out
}

/// A JSON value that keeps its members' order and its scalars' text.
#[derive(Debug, Clone, PartialEq)]
enum Json {
    Object(Vec<(String, Json)>),
    Array(Vec<Json>),
    /// A scalar, as written.
    Scalar(String),
}

impl Json {
    fn parse(text: &[u8]) -> Result<Json, String> {
        let text = std::str::from_utf8(text).map_err(|e| e.to_string())?;
        let mut at = 0;
        let value = parse_value(text.trim_end().as_bytes(), &mut at)?;
        Ok(value)
    }

    /// Removes the member at `path`, if there is one.
    fn remove(&mut self, path: &[&str]) {
        let Some((last, parents)) = path.split_last() else {
            return;
        };
        if let Some(Json::Object(members)) = self.get_mut(parents) {
            members.retain(|(k, _)| k != last);
        }
    }

    /// Removes the member at `path` when it is empty: `""`, `null`, `[]` or `{}`.
    fn remove_if_empty(&mut self, path: &[&str]) {
        let empty = match self.get(path) {
            Some(Json::Scalar(s)) => s == "\"\"" || s == "null",
            Some(Json::Array(a)) => a.is_empty(),
            Some(Json::Object(o)) => o.is_empty(),
            None => false,
        };
        if empty {
            self.remove(path);
        }
    }

    fn get(&self, path: &[&str]) -> Option<&Json> {
        let mut at = self;
        for key in path {
            let Json::Object(members) = at else {
                return None;
            };
            at = &members.iter().find(|(k, _)| k == key)?.1;
        }
        Some(at)
    }

    fn get_mut(&mut self, path: &[&str]) -> Option<&mut Json> {
        let mut at = self;
        for key in path {
            let Json::Object(members) = at else {
                return None;
            };
            at = &mut members.iter_mut().find(|(k, _)| k == key)?.1;
        }
        Some(at)
    }
}

impl std::fmt::Display for Json {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Json::Scalar(s) => f.write_str(s),
            Json::Array(items) => {
                f.write_str("[")?;
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        f.write_str(",")?;
                    }
                    write!(f, "{item}")?;
                }
                f.write_str("]")
            }
            Json::Object(members) => {
                f.write_str("{")?;
                for (i, (key, value)) in members.iter().enumerate() {
                    if i > 0 {
                        f.write_str(",")?;
                    }
                    write!(f, "\"{key}\":{value}")?;
                }
                f.write_str("}")
            }
        }
    }
}

fn parse_value(s: &[u8], at: &mut usize) -> Result<Json, String> {
    skip_ws(s, at);
    match s.get(*at) {
        Some(b'{') => {
            *at += 1;
            let mut members = Vec::new();
            loop {
                skip_ws(s, at);
                if s.get(*at) == Some(&b'}') {
                    *at += 1;
                    return Ok(Json::Object(members));
                }
                let key = parse_string(s, at)?;
                let key = key[1..key.len() - 1].to_owned();
                skip_ws(s, at);
                expect(s, at, b':')?;
                let value = parse_value(s, at)?;
                members.push((key, value));
                skip_ws(s, at);
                if s.get(*at) == Some(&b',') {
                    *at += 1;
                }
            }
        }
        Some(b'[') => {
            *at += 1;
            let mut items = Vec::new();
            loop {
                skip_ws(s, at);
                if s.get(*at) == Some(&b']') {
                    *at += 1;
                    return Ok(Json::Array(items));
                }
                items.push(parse_value(s, at)?);
                skip_ws(s, at);
                if s.get(*at) == Some(&b',') {
                    *at += 1;
                }
            }
        }
        Some(b'"') => Ok(Json::Scalar(parse_string(s, at)?)),
        Some(_) => {
            let start = *at;
            while s
                .get(*at)
                .is_some_and(|b| !matches!(b, b',' | b'}' | b']' | b' ' | b'\n' | b'\r'))
            {
                *at += 1;
            }
            Ok(Json::Scalar(
                String::from_utf8_lossy(&s[start..*at]).into_owned(),
            ))
        }
        None => Err("unexpected end of JSON".to_owned()),
    }
}

/// A string with its quotes and escapes, as written.
fn parse_string(s: &[u8], at: &mut usize) -> Result<String, String> {
    let start = *at;
    expect(s, at, b'"')?;
    loop {
        match s.get(*at) {
            Some(b'"') => {
                *at += 1;
                return Ok(String::from_utf8_lossy(&s[start..*at]).into_owned());
            }
            Some(b'\\') => *at += 2,
            Some(_) => *at += 1,
            None => return Err("unterminated JSON string".to_owned()),
        }
    }
}

fn expect(s: &[u8], at: &mut usize, b: u8) -> Result<(), String> {
    match s.get(*at) == Some(&b) {
        true => {
            *at += 1;
            Ok(())
        }
        false => Err(format!("expected {:?} at {at}", b as char)),
    }
}

fn skip_ws(s: &[u8], at: &mut usize) {
    while s.get(*at).is_some_and(u8::is_ascii_whitespace) {
        *at += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ordered_json_round_trips_and_removes() {
        let text = br#"{"b":1,"a":{"x":"","y":[1,2]},"c":null}"#;
        let mut j = Json::parse(text).unwrap();
        assert_eq!(j.to_string().as_bytes(), text);
        j.remove(&["a", "y"]);
        j.remove_if_empty(&["a", "x"]);
        j.remove_if_empty(&["b"]);
        assert_eq!(j.to_string(), r#"{"b":1,"a":{},"c":null}"#);
    }

    #[test]
    fn synthetic_transcripts_are_built_from_the_recordings() {
        let all = transcripts().unwrap();
        assert!(all.iter().any(|(n, _)| n == "events"));
        let (_, events) = all.iter().find(|(n, _)| n == "events").unwrap();
        let body = String::from_utf8_lossy(&events.exchanges()[0].response).into_owned();
        assert!(!body.contains("\"status\""), "{body}");
        assert!(fixtures_dir().is_dir());
    }
}
