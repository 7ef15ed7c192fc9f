//! Reading the recorded transcripts under `fixtures/` (the format of `fixtures/README.md`,
//! read by `docker-replay`'s `Transcript`), and the model each answer decodes into.

use std::path::{Path, PathBuf};

use docker_models::{
    AuthResponse, BuildCachePruneResponse, ContainerCreateResponse, ContainerInspect,
    ContainerPruneResponse, ContainerStats, ContainerSummary, ContainerTop,
    ContainerUpdateResponse, ContainerWaitResponse, EventMessage, ExecCreateResponse, ExecInspect,
    FileChange, IdResponse, ImageDeleteResponseItem, ImageHistoryItem, ImageInspect,
    ImagePruneResponse, ImageSummary, NetworkCreateResponse, NetworkInspect, NetworkPruneResponse,
    Plugin, PluginPrivilege, ProgressMessage, SystemDf, SystemInfo, SystemVersion, Volume,
    VolumeListResponse, VolumePruneResponse,
};
use docker_replay::Transcript;
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::Value;

/// The `fixtures/` folder of the repository.
pub(crate) fn fixtures_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures")
}

/// Every transcript file (`fixtures/*/*.http`), sorted.
pub(crate) fn transcript_paths() -> Vec<PathBuf> {
    let mut paths = Vec::new();
    for dir in std::fs::read_dir(fixtures_dir()).expect("the fixtures folder is readable") {
        let dir = dir.expect("a directory entry").path();
        if !dir.is_dir() {
            continue;
        }
        for file in std::fs::read_dir(&dir).expect("a fixture folder is readable") {
            let file = file.expect("a directory entry").path();
            if file.extension().is_some_and(|e| e == "http") {
                paths.push(file);
            }
        }
    }
    paths.sort();
    assert!(
        paths.len() >= 100,
        "only {} transcripts under fixtures/",
        paths.len()
    );
    paths
}

/// A transcript file, parsed.
pub(crate) fn read(path: &Path) -> Transcript {
    Transcript::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// One recorded exchange, named `<folder>/<scenario>#<n>`.
pub(crate) struct Recorded {
    pub(crate) name: String,
    /// The method and target, as `Exchange::request_line` gives them.
    pub(crate) request_line: String,
    pub(crate) response: Response,
}

/// Every exchange of every transcript, in file order.
pub(crate) fn all_recorded() -> Vec<Recorded> {
    let root = fixtures_dir();
    let mut out = Vec::new();
    for path in transcript_paths() {
        let stem = path.strip_prefix(&root).unwrap_or(&path).with_extension("");
        for (i, ex) in read(&path).exchanges().iter().enumerate() {
            out.push(Recorded {
                name: format!("{}#{}", stem.display(), i + 1),
                request_line: ex.request_line(),
                response: Response::parse(&ex.response),
            });
        }
    }
    out
}

/// One recorded response, its body without chunk framing.
pub(crate) struct Response {
    pub(crate) status: u16,
    pub(crate) headers: Vec<(String, String)>,
    pub(crate) body: Vec<u8>,
}

impl Response {
    /// Takes a response apart: status, headers and the body its framing delimits. The body
    /// of a stream the client left, or one delimited by the close, is what was recorded.
    pub(crate) fn parse(bytes: &[u8]) -> Response {
        let Some(at) = find(bytes, b"\r\n\r\n") else {
            return Response {
                status: 0,
                headers: Vec::new(),
                body: Vec::new(),
            };
        };
        let head = String::from_utf8_lossy(&bytes[..at]);
        let mut lines = head.split("\r\n");
        let status = lines
            .next()
            .and_then(|l| l.split(' ').nth(1))
            .and_then(|s| s.parse().ok())
            .unwrap_or(0);
        let headers = lines
            .filter_map(|l| l.split_once(':'))
            .map(|(k, v)| (k.trim().to_owned(), v.trim().to_owned()))
            .collect();
        let mut response = Response {
            status,
            headers,
            body: Vec::new(),
        };
        let rest = &bytes[at + 4..];
        response.body = match response.header("transfer-encoding") {
            Some(v) if v.eq_ignore_ascii_case("chunked") => dechunk(rest),
            _ => match response
                .header("content-length")
                .and_then(|v| v.parse::<usize>().ok())
            {
                Some(n) => rest[..n.min(rest.len())].to_vec(),
                None => rest.to_vec(),
            },
        };
        response
    }

    pub(crate) fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// A JSON body: so labelled, or a stream that starts like JSON (Docker 20.10 sends
    /// its stats stream with no `Content-Type`).
    pub(crate) fn is_json(&self) -> bool {
        let labelled = self
            .header("content-type")
            .is_some_and(|v| v.starts_with("application/json"));
        !self.body.is_empty() && (labelled || matches!(self.body[0], b'{' | b'['))
    }
}

/// Strips chunk framing. Stops at the last chunk or where the recording ends.
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

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// The response of one recorded exchange: `docker-20.10/info` is the first exchange of
/// `fixtures/docker-20.10/info.http`, `docker-20.10/exec#3` its third.
pub(crate) fn response(name: &str) -> Response {
    let (file, n) = match name.split_once('#') {
        Some((file, n)) => (file, n.parse::<usize>().expect("an exchange number")),
        None => (name, 1),
    };
    let t = read(&fixtures_dir().join(format!("{file}.http")));
    let ex = t
        .exchanges()
        .get(n - 1)
        .unwrap_or_else(|| panic!("{name}: the transcript has no exchange {n}"));
    Response::parse(&ex.response)
}

/// Every JSON value in a body (one for plain answers, many for streams).
pub(crate) fn json_values<T: DeserializeOwned>(name: &str, body: &[u8]) -> Vec<T> {
    serde_json::Deserializer::from_slice(body)
        .into_iter::<T>()
        .collect::<Result<Vec<T>, _>>()
        .unwrap_or_else(|e| panic!("{name}: {e}"))
}

/// The single JSON document of a 2xx answer, decoded as `T`.
pub(crate) fn decode<T: DeserializeOwned>(name: &str) -> T {
    let mut all = decode_stream::<T>(name);
    assert_eq!(all.len(), 1, "{name}: expected one JSON document");
    all.remove(0)
}

/// Every JSON document of a streamed 2xx answer, decoded as `T`.
pub(crate) fn decode_stream<T: DeserializeOwned>(name: &str) -> Vec<T> {
    let r = response(name);
    assert!(
        (200..300).contains(&r.status),
        "{name}: status {}",
        r.status
    );
    json_values(name, &r.body)
}

/// Decodes a body as its model and encodes the model again.
type Recode = fn(&str, &[u8]) -> Value;

/// A route: method, path segments after the version (`*` for any one segment), the model
/// its successful answer decodes into, and how.
type Route = (&'static str, &'static [&'static str], &'static str, Recode);

/// The model of every successful JSON answer, picked by method and path as the client
/// picks it. One line each, so that the table reads as a list.
#[rustfmt::skip]
pub(crate) const ROUTES: &[Route] = &[
    ("GET", &["version"], "SystemVersion", one::<SystemVersion>),
    ("GET", &["info"], "SystemInfo", one::<SystemInfo>),
    ("GET", &["system", "df"], "SystemDf", one::<SystemDf>),
    ("POST", &["auth"], "AuthResponse", one::<AuthResponse>),
    ("GET", &["events"], "EventMessage stream", many::<EventMessage>),
    ("GET", &["containers", "json"], "Vec<ContainerSummary>", one::<Vec<ContainerSummary>>),
    ("POST", &["containers", "create"], "ContainerCreateResponse", one::<ContainerCreateResponse>),
    ("POST", &["containers", "prune"], "ContainerPruneResponse", one::<ContainerPruneResponse>),
    ("GET", &["containers", "*", "json"], "ContainerInspect", one::<ContainerInspect>),
    ("GET", &["containers", "*", "top"], "ContainerTop", one::<ContainerTop>),
    ("GET", &["containers", "*", "changes"], "Option<Vec<FileChange>>", one::<Option<Vec<FileChange>>>),
    ("GET", &["containers", "*", "stats"], "ContainerStats stream", many::<ContainerStats>),
    ("POST", &["containers", "*", "wait"], "ContainerWaitResponse", one::<ContainerWaitResponse>),
    ("POST", &["containers", "*", "update"], "ContainerUpdateResponse", one::<ContainerUpdateResponse>),
    ("POST", &["containers", "*", "exec"], "ExecCreateResponse", one::<ExecCreateResponse>),
    ("POST", &["commit"], "IdResponse", one::<IdResponse>),
    ("GET", &["exec", "*", "json"], "ExecInspect", one::<ExecInspect>),
    ("GET", &["images", "json"], "Vec<ImageSummary>", one::<Vec<ImageSummary>>),
    ("GET", &["images", "*", "json"], "ImageInspect", one::<ImageInspect>),
    ("GET", &["images", "*", "history"], "Vec<ImageHistoryItem>", one::<Vec<ImageHistoryItem>>),
    ("DELETE", &["images", "*"], "Vec<ImageDeleteResponseItem>", one::<Vec<ImageDeleteResponseItem>>),
    ("POST", &["images", "prune"], "ImagePruneResponse", one::<ImagePruneResponse>),
    ("POST", &["images", "create"], "ProgressMessage stream", many::<ProgressMessage>),
    ("POST", &["images", "load"], "ProgressMessage stream", many::<ProgressMessage>),
    ("POST", &["images", "*", "push"], "ProgressMessage stream", many::<ProgressMessage>),
    ("GET", &["networks"], "Vec<NetworkInspect>", one::<Vec<NetworkInspect>>),
    ("POST", &["networks", "create"], "NetworkCreateResponse", one::<NetworkCreateResponse>),
    ("POST", &["networks", "prune"], "NetworkPruneResponse", one::<NetworkPruneResponse>),
    ("GET", &["networks", "*"], "NetworkInspect", one::<NetworkInspect>),
    ("GET", &["volumes"], "VolumeListResponse", one::<VolumeListResponse>),
    ("POST", &["volumes", "create"], "Volume", one::<Volume>),
    ("POST", &["volumes", "prune"], "VolumePruneResponse", one::<VolumePruneResponse>),
    ("GET", &["volumes", "*"], "Volume", one::<Volume>),
    ("POST", &["build"], "ProgressMessage stream", many::<ProgressMessage>),
    ("POST", &["build", "prune"], "BuildCachePruneResponse", one::<BuildCachePruneResponse>),
    ("GET", &["plugins"], "Vec<Plugin>", one::<Vec<Plugin>>),
    ("GET", &["plugins", "privileges"], "Vec<PluginPrivilege>", one::<Vec<PluginPrivilege>>),
    ("GET", &["plugins", "*", "json"], "Plugin", one::<Plugin>),
    ("POST", &["plugins", "*", "push"], "ProgressMessage stream", many::<ProgressMessage>),
];

/// The route of a request line (`GET /v1.41/containers/json?all=1`), if it has one.
pub(crate) fn route_of(request_line: &str) -> Option<&'static Route> {
    let mut words = request_line.split(' ');
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
    ROUTES.iter().find(|(m, pattern, _, _)| {
        *m == method
            && pattern.len() == segments.len()
            && pattern
                .iter()
                .zip(&segments)
                .all(|(p, s)| *p == "*" || p == s)
    })
}

fn one<T: DeserializeOwned + Serialize>(what: &str, body: &[u8]) -> Value {
    let decoded: T = serde_json::from_slice(body)
        .unwrap_or_else(|e| panic!("{what}: the body does not decode: {e}"));
    serde_json::to_value(decoded).expect("models encode")
}

fn many<T: DeserializeOwned + Serialize>(what: &str, body: &[u8]) -> Value {
    let items: Vec<T> = json_values(what, body);
    assert!(!items.is_empty(), "{what}: an empty stream");
    serde_json::to_value(items).expect("models encode")
}
