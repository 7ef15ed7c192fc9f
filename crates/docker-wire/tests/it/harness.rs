//! Shared driving code: feeds a response to a `ClientConn` in given pieces and records what
//! came out, raw and normalised, plus the recorded transcripts read from `fixtures/`.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use docker_wire::{BodyKind, ClientConn, Error, Event, Limits, Method, ResponseHead, Upgrade};

/// One recorded step of an exchange, with borrowed data copied out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Step {
    Head(ResponseHead),
    Body(Vec<u8>),
    End {
        reusable: bool,
    },
    /// The connection was upgraded: `rest` is the unconsumed input plus everything not yet fed.
    Upgraded {
        rest: Vec<u8>,
    },
    /// Bytes left after `End`, which the codec did not look at.
    Rest(Vec<u8>),
    /// The input ran out with the connection still open, and the codec asked for more.
    NeedData,
    Failed(Error),
}

/// How the exchange ends once all pieces were fed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Close {
    /// The peer closed: `handle_eof` is called after the last piece.
    Eof,
    /// The connection stays open: the transcript ends in `NeedData`.
    Open,
}

/// A request as the codec should be told about it.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Req {
    pub(crate) method: Method,
    pub(crate) upgrade: Upgrade,
}

impl Req {
    pub(crate) const GET: Req = Req {
        method: Method::Get,
        upgrade: Upgrade::No,
    };
    pub(crate) const HEAD: Req = Req {
        method: Method::Head,
        upgrade: Upgrade::No,
    };
    pub(crate) const HIJACK: Req = Req {
        method: Method::Post,
        upgrade: Upgrade::Hijack,
    };

    pub(crate) fn conn(self, limits: Limits) -> ClientConn {
        let mut conn = ClientConn::new(limits);
        let head = docker_wire::RequestHead::new(self.method, "/x", "docker")
            .body(BodyKind::None)
            .upgrade(self.upgrade);
        conn.send_request(&head, &mut Vec::new())
            .expect("a valid request head");
        conn
    }
}

/// Feeds `pieces` in order, as a transport would: the unconsumed tail of the buffer is
/// presented again with the next piece appended.
pub(crate) fn drive<'a>(
    conn: &mut ClientConn,
    pieces: impl IntoIterator<Item = &'a [u8]>,
    close: Close,
) -> Vec<Step> {
    let mut pieces = pieces.into_iter();
    let mut buf: Vec<u8> = Vec::new();
    let mut start = 0;
    let mut steps = Vec::new();
    let mut calls = 0usize;
    let rest_of = |buf: &[u8], pieces: &mut dyn Iterator<Item = &'a [u8]>| {
        let mut rest = buf.to_vec();
        pieces.for_each(|p| rest.extend_from_slice(p));
        rest
    };
    loop {
        calls += 1;
        assert!(calls < 10_000_000, "the codec makes no progress");
        let input = &buf[start..];
        let res = match conn.decode(input) {
            Ok(res) => res,
            Err(e) => {
                assert!(
                    !conn.is_reusable(),
                    "a failed connection claims reusability"
                );
                assert_eq!(conn.decode(b"").unwrap_err(), e, "errors are sticky");
                steps.push(Step::Failed(e));
                return steps;
            }
        };
        assert!(res.consumed <= input.len(), "consumed more than given");
        let consumed = res.consumed;
        match res.event {
            Event::NeedData => {
                start += consumed;
                match pieces.next() {
                    Some(piece) => {
                        buf.drain(..start);
                        start = 0;
                        buf.extend_from_slice(piece);
                    }
                    None => {
                        match close {
                            Close::Open => steps.push(Step::NeedData),
                            Close::Eof => match conn.handle_eof() {
                                Ok(Event::End { reusable }) => {
                                    assert!(!reusable, "an EOF-terminated exchange is reusable");
                                    steps.push(Step::End { reusable })
                                }
                                Ok(Event::Upgraded) => {
                                    steps.push(Step::Upgraded { rest: Vec::new() })
                                }
                                Ok(other) => panic!("handle_eof returned {other:?}"),
                                Err(e) => steps.push(Step::Failed(e)),
                            },
                        }
                        return steps;
                    }
                }
            }
            Event::Head(head) => {
                steps.push(Step::Head(head));
                start += consumed;
            }
            Event::Body(bytes) => {
                assert!(!bytes.is_empty(), "an empty Body event");
                assert!(
                    input.as_ptr_range().contains(&bytes.as_ptr()),
                    "Body is not a sub-slice of the input"
                );
                steps.push(Step::Body(bytes.to_vec()));
                start += consumed;
            }
            Event::End { reusable } => {
                assert_eq!(reusable, conn.is_reusable(), "End and is_reusable disagree");
                steps.push(Step::End { reusable });
                let rest = rest_of(&input[consumed..], &mut pieces);
                if !rest.is_empty() {
                    // The codec must not look at what follows a complete response.
                    let again = conn.decode(&rest).expect("decode after End");
                    assert_eq!(again.consumed, 0);
                    assert_eq!(again.event, Event::End { reusable });
                    steps.push(Step::Rest(rest));
                }
                return steps;
            }
            Event::Upgraded => {
                assert!(!conn.is_reusable(), "an upgraded connection is reusable");
                let rest = rest_of(&input[consumed..], &mut pieces);
                steps.push(Step::Upgraded { rest });
                return steps;
            }
        }
    }
}

/// Merges adjacent body pieces: chunk and read boundaries carry no meaning.
pub(crate) fn normalise(steps: Vec<Step>) -> Vec<Step> {
    let mut out: Vec<Step> = Vec::with_capacity(steps.len());
    for step in steps {
        match (out.last_mut(), step) {
            (Some(Step::Body(acc)), Step::Body(more)) => acc.extend_from_slice(&more),
            (_, step) => out.push(step),
        }
    }
    out
}

/// The transcript of `response` fed whole.
pub(crate) fn whole(req: Req, limits: Limits, response: &[u8], close: Close) -> Vec<Step> {
    drive(&mut req.conn(limits), [response], close)
}

/// The normalised transcript of `response` cut at the given ascending offsets.
pub(crate) fn cut_at(
    req: Req,
    limits: Limits,
    response: &[u8],
    cuts: &[usize],
    close: Close,
) -> Vec<Step> {
    let mut pieces = Vec::with_capacity(cuts.len() + 1);
    let mut from = 0;
    for &cut in cuts {
        let cut = cut.clamp(from, response.len());
        pieces.push(&response[from..cut]);
        from = cut;
    }
    pieces.push(&response[from..]);
    normalise(drive(&mut req.conn(limits), pieces, close))
}

/// The normalised transcript of `response` fed in pieces of the given sizes, cycled.
pub(crate) fn in_pieces(
    req: Req,
    limits: Limits,
    response: &[u8],
    sizes: &[usize],
    close: Close,
) -> Vec<Step> {
    let mut pieces = Vec::new();
    let mut rest = response;
    let mut sizes = sizes.iter().copied().filter(|&s| s > 0).cycle();
    while !rest.is_empty() {
        let n = sizes.next().unwrap_or(rest.len()).min(rest.len());
        pieces.push(&rest[..n]);
        rest = &rest[n..];
    }
    normalise(drive(&mut req.conn(limits), pieces, close))
}

/// A human-readable dump, one line per event (header fields indented under their head).
pub(crate) fn dump(steps: &[Step]) -> String {
    let mut out = String::new();
    for step in steps {
        match step {
            Step::Head(h) => {
                let version = format!("HTTP/1.{}", h.minor_version);
                let _ = writeln!(out, "Head {} {:?} {version}", h.status, h.reason);
                for (name, value) in h.headers.iter() {
                    let _ = writeln!(out, "  {}={value}", name.to_ascii_lowercase());
                }
            }
            Step::Body(b) => {
                let _ = writeln!(out, "Body {} {}", b.len(), preview(b));
            }
            Step::End { reusable: true } => out.push_str("End reusable\n"),
            Step::End { reusable: false } => out.push_str("End close\n"),
            Step::Upgraded { rest } => {
                let _ = writeln!(out, "Upgraded rest={} {}", rest.len(), preview(rest));
            }
            Step::Rest(rest) => {
                let _ = writeln!(out, "Rest {} {}", rest.len(), preview(rest));
            }
            Step::NeedData => out.push_str("NeedData (connection open)\n"),
            Step::Failed(e) => {
                let _ = writeln!(out, "Error {e:?}");
            }
        }
    }
    out
}

fn preview(bytes: &[u8]) -> String {
    const MAX: usize = 40;
    let shown = &bytes[..bytes.len().min(MAX)];
    let more = if bytes.len() > MAX { "…" } else { "" };
    format!("\"{}\"{more}", shown.escape_ascii())
}

/// One exchange of a recorded transcript under `fixtures/` (the format of
/// `fixtures/README.md`).
#[derive(Debug, Clone)]
pub(crate) struct Recorded {
    /// `<folder>/<scenario>#<n>`, the transcript and the exchange's number in it.
    pub(crate) name: String,
    pub(crate) request: Vec<u8>,
    pub(crate) response: Vec<u8>,
    /// How the exchange ended, as its end marker says.
    pub(crate) ending: String,
    pub(crate) req: Req,
    pub(crate) close: Close,
}

impl Recorded {
    pub(crate) fn request_line(&self) -> String {
        request_line(&self.request)
    }
}

/// The end marker of an exchange the engine ended by closing the connection.
pub(crate) const ENGINE_CLOSED: &str = "engine closed the connection";
/// The end marker of a stream the client stopped following.
pub(crate) const CLIENT_CLOSED: &str = "client closed the connection";

/// The `fixtures/` folder of the repository.
pub(crate) fn fixtures_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures")
}

/// Every transcript file (`fixtures/*/*.http`), sorted.
pub(crate) fn fixture_paths() -> Vec<PathBuf> {
    let mut files = Vec::new();
    for dir in std::fs::read_dir(fixtures_dir()).expect("the fixtures directory") {
        let dir = dir.expect("a directory entry").path();
        if !dir.is_dir() {
            continue;
        }
        for file in std::fs::read_dir(&dir).expect("a fixture folder") {
            let file = file.expect("a directory entry").path();
            if file.extension().is_some_and(|e| e == "http") {
                files.push(file);
            }
        }
    }
    files.sort();
    assert!(files.len() >= 100, "only {} fixtures found", files.len());
    files
}

/// Every exchange of every transcript, in file order.
pub(crate) fn all_recorded() -> Vec<Recorded> {
    fixture_paths().iter().flat_map(|p| read(p)).collect()
}

/// One exchange by name: `docker-20.10/ping` is the first exchange of
/// `fixtures/docker-20.10/ping.http`, `docker-20.10/exec#2` its second.
pub(crate) fn recorded(name: &str) -> Recorded {
    let file = name.split('#').next().unwrap_or(name);
    let wanted = match name.contains('#') {
        true => name.to_owned(),
        false => format!("{name}#1"),
    };
    read(&fixtures_dir().join(format!("{file}.http")))
        .into_iter()
        .find(|r| r.name == wanted)
        .unwrap_or_else(|| panic!("no exchange {wanted}"))
}

/// The exchanges of a transcript file.
///
/// The layout is: a header, then for each exchange `n` the line `===== REQUEST n =====`,
/// the request bytes, `\n`, `===== RESPONSE n =====`, the response bytes, `\n`, and
/// `===== END n: <how it ended> =====`.
pub(crate) fn read(path: &Path) -> Vec<Recorded> {
    let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let stem = path.with_extension("");
    let folder = stem
        .parent()
        .and_then(Path::file_name)
        .unwrap_or_default()
        .to_string_lossy();
    let scenario = stem.file_name().unwrap_or_default().to_string_lossy();
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
        let response = rest[..at].to_vec();
        rest = &rest[at + marker.len()..];
        let line_end = find(rest, b"\n").expect("an end marker line");
        let ending = String::from_utf8_lossy(&rest[..line_end])
            .trim_end_matches(" =====")
            .to_owned();
        rest = &rest[line_end + 1..];
        let close = match ending.as_str() {
            ENGINE_CLOSED => Close::Eof,
            _ => Close::Open,
        };
        out.push(Recorded {
            name: format!("{folder}/{scenario}#{n}"),
            req: req_of(&request),
            request,
            response,
            ending,
            close,
        });
        n += 1;
    }
}

/// How the codec should be told about a recorded request: its method, and whether it
/// asked for an upgrade.
pub(crate) fn req_of(request: &[u8]) -> Req {
    let line = request_line(request);
    let method = line
        .split(' ')
        .next()
        .and_then(Method::parse)
        .unwrap_or(Method::Get);
    let head = String::from_utf8_lossy(request).to_ascii_lowercase();
    let upgrade = match head.contains("\r\nupgrade: tcp\r\n") {
        true => Upgrade::Hijack,
        false => Upgrade::No,
    };
    Req { method, upgrade }
}

fn request_line(request: &[u8]) -> String {
    let line = request.split(|&b| b == b'\r').next().unwrap_or(&[]);
    String::from_utf8_lossy(line).into_owned()
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}
