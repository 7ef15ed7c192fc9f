//! Shared driving code: feeds a response to a `ClientConn` in given pieces and records what
//! came out, raw and normalised, plus the engine captures read from `shared/captures`.

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

/// One exchange recorded from a real engine.
#[derive(Debug, Clone)]
pub(crate) struct Capture {
    pub(crate) name: String,
    pub(crate) request: Vec<u8>,
    pub(crate) response: Vec<u8>,
    pub(crate) end_marker: String,
    pub(crate) req: Req,
    pub(crate) close: Close,
}

impl Capture {
    pub(crate) fn request_line(&self) -> &str {
        let line = self
            .request
            .split(|&b| b == b'\r')
            .next()
            .unwrap_or_default();
        std::str::from_utf8(line).expect("an ASCII request line")
    }
}

const REQUEST_MARKER: &[u8] = b"===== REQUEST (exact bytes) =====\n";
const RESPONSE_MARKER: &[u8] = b"\n===== RESPONSE (exact bytes, chunk framing preserved) =====\n";
const END_MARKER: &[u8] = b"\n===== END ";

pub(crate) fn captures_dir() -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/captures/docker-20.10");
    assert!(
        dir.is_dir(),
        "the engine captures are missing: expected them in {} (shared/captures/docker-20.10 \
         beside the repository)",
        dir.display()
    );
    dir
}

pub(crate) fn all_captures() -> Vec<Capture> {
    let mut paths: Vec<PathBuf> = std::fs::read_dir(captures_dir())
        .expect("readable captures directory")
        .map(|e| e.expect("a directory entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "txt"))
        .collect();
    paths.sort();
    assert!(!paths.is_empty(), "no *.txt captures found");
    paths.iter().map(|p| parse_capture(p)).collect()
}

/// Splits a capture file into its request and response bytes.
///
/// The layout is: the request marker line, the request bytes, `\n`, the response marker
/// line, the response bytes, `\n`, the end marker line.
pub(crate) fn parse_capture(path: &Path) -> Capture {
    let name = path.file_stem().unwrap().to_string_lossy().into_owned();
    let raw = std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let body = raw
        .strip_prefix(REQUEST_MARKER)
        .unwrap_or_else(|| panic!("{name}: does not start with the request marker"));
    let resp_at =
        find(body, RESPONSE_MARKER).unwrap_or_else(|| panic!("{name}: no response marker"));
    let request = body[..resp_at].to_vec();
    let after = &body[resp_at + RESPONSE_MARKER.len()..];
    let end_at = rfind(after, END_MARKER).unwrap_or_else(|| panic!("{name}: no end marker"));
    let response = after[..end_at].to_vec();
    let end_marker = String::from_utf8_lossy(&after[end_at + 1..])
        .trim_end()
        .to_owned();
    let close = match end_marker.contains("server closed connection") {
        true => Close::Eof,
        false => Close::Open,
    };
    let req = request_of(&name, &request);
    Capture {
        name,
        request,
        response,
        end_marker,
        req,
        close,
    }
}

fn request_of(name: &str, request: &[u8]) -> Req {
    let mut headers = [httparse::EMPTY_HEADER; 32];
    let mut parsed = httparse::Request::new(&mut headers);
    let status = parsed
        .parse(request)
        .unwrap_or_else(|e| panic!("{name}: request does not parse: {e}"));
    assert!(status.is_complete(), "{name}: incomplete request head");
    let method =
        Method::parse(parsed.method.unwrap()).unwrap_or_else(|| panic!("{name}: unknown method"));
    let hijack = parsed
        .headers
        .iter()
        .any(|h| h.name.eq_ignore_ascii_case("upgrade") && h.value.eq_ignore_ascii_case(b"tcp"));
    let upgrade = match hijack {
        true => Upgrade::Hijack,
        false => Upgrade::No,
    };
    Req { method, upgrade }
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

fn rfind(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).rposition(|w| w == needle)
}
