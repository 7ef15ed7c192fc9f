//! The hostile-response corpus (reliability anchors §5a, items 1-23 and 27), written once as
//! data and run through both flavours over a real Unix socket. Every case ends in its typed
//! error or its listed safe accept, and a failed connection is never reused.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use docker_transport::{Config, Error, Method};
use docker_wire::{ProtocolError, Stage};

use crate::fake::{Fake, OK};

/// What the fake engine does after writing the response on the first connection.
#[derive(Clone)]
pub(crate) enum Tail {
    /// Keeps the connection open and answers any further request on it with `200 OK`.
    KeepOpen,
    /// Closes the connection.
    Close,
    /// Writes these bytes forever.
    Endless(Vec<u8>),
}

pub(crate) enum Expect {
    /// Success with this status and exact body.
    Body(u16, &'static [u8]),
    /// An error matching the predicate.
    Fails(fn(&Error) -> bool),
}

pub(crate) struct Case {
    pub(crate) name: &'static str,
    pub(crate) method: Method,
    pub(crate) response: Vec<u8>,
    pub(crate) tail: Tail,
    pub(crate) expect: Expect,
    /// Whether the connection may carry the next request.
    pub(crate) reusable: bool,
}

fn proto(e: &Error) -> Option<&ProtocolError> {
    match e {
        Error::Protocol {
            source: docker_wire::Error::Protocol(p),
            ..
        } => Some(p),
        _ => None,
    }
}

fn chunk_size(e: &Error) -> bool {
    matches!(proto(e), Some(ProtocolError::InvalidChunkSize))
}

fn bad_length(e: &Error) -> bool {
    matches!(proto(e), Some(ProtocolError::InvalidContentLength))
}

fn conflicting(e: &Error) -> bool {
    matches!(proto(e), Some(ProtocolError::ConflictingContentLength))
}

fn bad_te(e: &Error) -> bool {
    matches!(proto(e), Some(ProtocolError::UnsupportedTransferEncoding))
}

fn malformed(e: &Error) -> bool {
    matches!(proto(e), Some(ProtocolError::MalformedHead { .. }))
}

fn too_large(e: &Error) -> bool {
    matches!(e, Error::BodyTooLarge { .. })
}

fn eof(stage: Stage) -> impl Fn(&Error) -> bool {
    move |e| matches!(proto(e), Some(ProtocolError::UnexpectedEof { stage: s }) if *s == stage)
}

fn chunked(body: &str) -> Vec<u8> {
    format!("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n{body}").into_bytes()
}

fn with_head(head: &str) -> Vec<u8> {
    format!("HTTP/1.1 200 OK\r\n{head}\r\n\r\nhello").into_bytes()
}

fn case(name: &'static str, response: Vec<u8>, tail: Tail, expect: Expect) -> Case {
    let reusable = matches!(expect, Expect::Body(..)) && matches!(tail, Tail::KeepOpen);
    Case {
        name,
        method: Method::Get,
        response,
        tail,
        expect,
        reusable,
    }
}

fn fails(name: &'static str, response: Vec<u8>, pred: fn(&Error) -> bool) -> Case {
    case(name, response, Tail::KeepOpen, Expect::Fails(pred))
}

pub(crate) fn cases() -> Vec<Case> {
    use Tail::*;
    vec![
        // 1. Chunk-size overflow.
        fails("1: 17 hex digits", chunked("1ffffffffffffffff\r\n"), chunk_size),
        fails("1: hyper's vector", chunked("f0000000000000003\r\n"), chunk_size),
        // 2. u64::MAX allocates nothing and hits the body cap.
        case(
            "2: u64::MAX chunk",
            chunked("ffffffffffffffff\r\n"),
            Endless(vec![b'x'; 8192]),
            Expect::Fails(too_large),
        ),
        // 3. Lenient chunk sizes.
        fails("3: 0x5", chunked("0x5\r\nhello\r\n0\r\n\r\n"), chunk_size),
        fails("3: +5", chunked("+5\r\nhello\r\n0\r\n\r\n"), chunk_size),
        fails("3: -5", chunked("-5\r\nhello\r\n0\r\n\r\n"), chunk_size),
        fails("3: 5 5", chunked("5 5\r\nhello\r\n0\r\n\r\n"), chunk_size),
        fails("3: empty size", chunked(";ext\r\nhello\r\n0\r\n\r\n"), chunk_size),
        // 4. Chunk extensions.
        case(
            "4: 1 MB extension",
            chunked(&format!("5;{}", "e".repeat(1 << 20))),
            KeepOpen,
            Expect::Fails(|e| {
                matches!(proto(e), Some(ProtocolError::ChunkExtensionTooLong { limit: 16384 }))
            }),
        ),
        fails("4: LF in extension", chunked("5;a\nb\r\nhello\r\n0\r\n\r\n"), chunk_size),
        // 5, 6. Chunk framing.
        fails("5: data without CRLF", chunked("5\r\nhelloXX0\r\n\r\n"), |e| {
            matches!(proto(e), Some(ProtocolError::MissingChunkTerminator))
        }),
        fails("6: no final 0", chunked("1\r\nZ\r\n\r\n"), chunk_size),
        // 7. Endless chunks and trailers.
        case(
            "7: endless chunks",
            chunked(""),
            Endless(format!("400\r\n{}\r\n", "x".repeat(1024)).into_bytes()),
            Expect::Fails(too_large),
        ),
        fails(
            "7: 20 KiB of trailers",
            chunked(&format!("0\r\nX-T: {}\r\n\r\n", "t".repeat(20 * 1024))),
            |e| matches!(proto(e), Some(ProtocolError::TrailersTooLarge { .. })),
        ),
        fails(
            "7: 101 trailer fields",
            chunked(&format!("0\r\n{}\r\n", "X-T: t\r\n".repeat(101))),
            |e| matches!(proto(e), Some(ProtocolError::TrailersTooLarge { .. })),
        ),
        // 8. EOF inside the chunk framing or data.
        case("8: EOF in size line", chunked("5\r\nhello\r\n1"), Close, Expect::Fails(eof_framing)),
        case("8: EOF in chunk data", chunked("5\r\nhel"), Close, Expect::Fails(eof_body)),
        case("8: EOF before final CRLF", chunked("5\r\nhello\r\n0\r\n"), Close, Expect::Fails(eof_framing)),
        // 9, 10. Lenient or overflowing Content-Length.
        fails("9: CL -1", with_head("Content-Length: -1"), bad_length),
        fails("9: CL +5", with_head("Content-Length: +5"), bad_length),
        fails("9: CL 0x10", with_head("Content-Length: 0x10"), bad_length),
        fails("9: CL 5a", with_head("Content-Length: 5a"), bad_length),
        fails("9: CL empty", with_head("Content-Length: "), bad_length),
        fails("10: CL overflow", with_head("Content-Length: 99999999999999999999999"), bad_length),
        // 11. Several lengths.
        fails("11: CL 5 and 6", with_head("Content-Length: 5\r\nContent-Length: 6"), conflicting),
        case("11: CL 5, 5", with_head("Content-Length: 5, 5"), KeepOpen, Expect::Body(200, b"hello")),
        fails("11: CL 5, 6", with_head("Content-Length: 5, 6"), conflicting),
        // 12, 13. Transfer-Encoding ambiguity.
        fails(
            "12: CL and TE",
            b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n".to_vec(),
            |e| matches!(proto(e), Some(ProtocolError::ContentLengthWithTransferEncoding)),
        ),
        fails(
            "13: double TE",
            b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n".to_vec(),
            bad_te,
        ),
        fails(
            "13: TE chunked, gzip",
            b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked, gzip\r\n\r\n0\r\n\r\n".to_vec(),
            bad_te,
        ),
        fails(
            "13: TE xchunked",
            b"HTTP/1.1 200 OK\r\nTransfer-Encoding: xchunked\r\n\r\n0\r\n\r\n".to_vec(),
            bad_te,
        ),
        fails(
            "13: TE in HTTP/1.0",
            b"HTTP/1.0 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n".to_vec(),
            |e| matches!(proto(e), Some(ProtocolError::TransferEncodingInHttp10)),
        ),
        // 14-16. Malformed header lines.
        fails("14: no colon", with_head("Foo bar"), malformed),
        fails("15: space before colon", with_head("Foo : bar"), malformed),
        fails("15: obs-fold", with_head("Foo: bar\r\n  baz"), malformed),
        fails("15: bare CR", with_head("Foo: b\rar"), malformed),
        fails("15: NUL", with_head("Foo: b\0ar"), malformed),
        fails("16: no name", with_head(": v"), malformed),
        fails("16: non-token name", with_head("F(o): v"), malformed),
        // 17, 18. Oversized heads.
        case(
            "17: 10 MB header value",
            format!("HTTP/1.1 200 OK\r\nX-Big: {}", "v".repeat(10 << 20)).into_bytes(),
            KeepOpen,
            Expect::Fails(|e| matches!(proto(e), Some(ProtocolError::HeadTooLarge { limit: 65536 }))),
        ),
        fails(
            "18: 10 000 headers",
            format!("HTTP/1.1 200 OK\r\n{}Content-Length: 0\r\n\r\n", "a: b\r\n".repeat(10_000)).into_bytes(),
            |e| matches!(proto(e), Some(ProtocolError::TooManyHeaders { limit: 100 })),
        ),
        // 19. Status lines.
        fails("19: status 2000", b"HTTP/1.1 2000 OK\r\nContent-Length: 0\r\n\r\n".to_vec(), malformed),
        fails("19: HTTP/2", b"HTTP/2 200\r\nContent-Length: 0\r\n\r\n".to_vec(), malformed),
        fails("19: ICY", b"ICY 200 OK\r\nContent-Length: 0\r\n\r\n".to_vec(), malformed),
        fails("19: status 20", b"HTTP/1.1 20 OK\r\nContent-Length: 0\r\n\r\n".to_vec(), malformed),
        case(
            "19: no reason phrase",
            b"HTTP/1.1 200\r\nContent-Length: 2\r\n\r\nOK".to_vec(),
            KeepOpen,
            Expect::Body(200, b"OK"),
        ),
        // 20. Endless 100 Continue.
        case(
            "20: endless 100 Continue",
            Vec::new(),
            Endless(b"HTTP/1.1 100 Continue\r\n\r\n".to_vec()),
            Expect::Fails(|e| matches!(proto(e), Some(ProtocolError::TooManyInformational { limit: 8 }))),
        ),
        // 21. Body-less statuses that carry a body.
        Case {
            reusable: false,
            ..case(
                "21: 204 with CL and body",
                b"HTTP/1.1 204 No Content\r\nContent-Length: 5\r\n\r\nhello".to_vec(),
                KeepOpen,
                Expect::Body(204, b""),
            )
        },
        Case {
            reusable: false,
            ..case(
                "21: 304 with CL and body",
                b"HTTP/1.1 304 Not Modified\r\nContent-Length: 5\r\n\r\nhello".to_vec(),
                KeepOpen,
                Expect::Body(304, b""),
            )
        },
        Case {
            method: Method::Head,
            reusable: false,
            ..case(
                "21: HEAD answered with a body",
                b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello".to_vec(),
                KeepOpen,
                Expect::Body(200, b""),
            )
        },
        Case {
            method: Method::Head,
            ..case(
                "21: HEAD with CL and no body",
                b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n".to_vec(),
                KeepOpen,
                Expect::Body(200, b""),
            )
        },
        // 22. A short body.
        case(
            "22: CL 100, 50 bytes, EOF",
            format!("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n{}", "x".repeat(50)).into_bytes(),
            Close,
            Expect::Fails(eof_body),
        ),
        // 23. Bytes after the body.
        Case {
            reusable: false,
            ..case(
                "23: bytes after a Connection: close body",
                b"HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 2\r\n\r\nOKHTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\nEVIL".to_vec(),
                KeepOpen,
                Expect::Body(200, b"OK"),
            )
        },
        Case {
            reusable: false,
            ..case(
                "23: bytes after a keep-alive body",
                b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nOKHTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\nEVIL".to_vec(),
                KeepOpen,
                Expect::Body(200, b"OK"),
            )
        },
        // 27. Redirects are returned, never followed.
        case(
            "27: 301 with Location",
            b"HTTP/1.1 301 Moved Permanently\r\nLocation: http://evil.example/\r\nContent-Length: 0\r\n\r\n".to_vec(),
            KeepOpen,
            Expect::Body(301, b""),
        ),
    ]
}

fn eof_framing(e: &Error) -> bool {
    eof(Stage::ChunkFraming)(e)
}

fn eof_body(e: &Error) -> bool {
    eof(Stage::Body)(e)
}

/// Serves `case` on the first connection and `200 OK` on any later one. The flag records
/// a request that arrived on the first connection after the case: a reuse.
pub(crate) fn serve(case: &Case) -> (Fake, Arc<AtomicBool>) {
    let response = case.response.clone();
    let tail = case.tail.clone();
    let reused = Arc::new(AtomicBool::new(false));
    let flag = reused.clone();
    let fake = Fake::start(move |idx, mut peer| {
        if idx > 0 {
            while peer.read_request().is_some() {
                peer.write(OK);
            }
            return;
        }
        if peer.read_request().is_none() {
            return;
        }
        peer.write(&response);
        match &tail {
            Tail::Close => (),
            Tail::Endless(bytes) => peer.write_forever(bytes),
            Tail::KeepOpen => {
                while peer.read_request().is_some() {
                    flag.store(true, Ordering::SeqCst);
                    peer.write(OK);
                }
            }
        }
    });
    (fake, reused)
}

pub(crate) fn config(fake: &Fake) -> Config {
    let mut config = fake.config();
    config.max_body_bytes = 1 << 20;
    config.max_error_body_bytes = 64 << 10;
    config.timeouts.head = Some(Duration::from_secs(3));
    config.timeouts.idle = Some(Duration::from_secs(3));
    config
}

/// Checks one outcome and the reuse that followed; returns a failure description.
pub(crate) fn judge(
    case: &Case,
    outcome: Result<(u16, Vec<u8>), Error>,
    check: Result<(u16, Vec<u8>), Error>,
    accepted: usize,
    reused: bool,
) -> Option<String> {
    let name = case.name;
    match (&case.expect, &outcome) {
        (Expect::Body(status, body), Ok((s, b))) if s == status && b == body => (),
        (Expect::Fails(pred), Err(e)) if pred(e) => {
            // Every error renders, and names the endpoint where it has one.
            let _ = e.to_string();
        }
        _ => return Some(format!("{name}: unexpected outcome {outcome:?}")),
    }
    match check {
        Ok((200, body)) if body == b"OK" => (),
        other => return Some(format!("{name}: the follow-up request failed: {other:?}")),
    }
    let expected = if case.reusable { 1 } else { 2 };
    if accepted != expected || (reused && !case.reusable) {
        return Some(format!(
            "{name}: expected reusable={}, saw {accepted} connections (reused: {reused})",
            case.reusable
        ));
    }
    None
}

#[test]
fn every_hostile_response_fails_typed_and_is_not_reused_blocking() {
    use docker_transport::blocking::Transport;
    use docker_transport::Request;

    let mut failures = Vec::new();
    for case in cases() {
        let (fake, reused) = serve(&case);
        let transport = Transport::new(config(&fake));
        let outcome = transport
            .send(Request::new(case.method, "/case"))
            .and_then(|res| {
                let status = res.status();
                res.bytes().map(|body| (status, body))
            });
        let check = transport
            .send(Request::new(Method::Get, "/check"))
            .and_then(|res| {
                let status = res.status();
                res.bytes().map(|body| (status, body))
            });
        let reused = reused.load(Ordering::SeqCst);
        failures.extend(judge(&case, outcome, check, fake.accepted(), reused));
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[cfg(feature = "tokio")]
#[tokio::test]
async fn every_hostile_response_fails_typed_and_is_not_reused_tokio() {
    use docker_transport::tokio::Transport;
    use docker_transport::Request;

    let mut failures = Vec::new();
    for case in cases() {
        let (fake, reused) = serve(&case);
        let transport = Transport::new(config(&fake));
        let outcome = match transport.send(Request::new(case.method, "/case")).await {
            Ok(res) => {
                let status = res.status();
                res.bytes().await.map(|body| (status, body))
            }
            Err(e) => Err(e),
        };
        let check = match transport.send(Request::new(Method::Get, "/check")).await {
            Ok(res) => {
                let status = res.status();
                res.bytes().await.map(|body| (status, body))
            }
            Err(e) => Err(e),
        };
        let reused = reused.load(Ordering::SeqCst);
        failures.extend(judge(&case, outcome, check, fake.accepted(), reused));
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
