//! The request decoder (the server side of an exchange): every request decodes the same
//! whole, byte by byte and at every split; limits hold at exactly N and refuse N+1; hostile
//! requests get their typed error, which is sticky; an end of input is judged by where it
//! falls.

use docker_wire::{
    Error, Headers, Limits, Method, Misuse, ProtocolError, ReceivedRequest, RequestDecoder,
    RequestEvent, Stage,
};
use proptest::prelude::*;

/// One output of the decoder, with borrowed data copied out.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Step {
    Head(ReceivedRequest),
    Body(Vec<u8>),
    End,
    /// Bytes after the end, which the decoder did not look at.
    Rest(Vec<u8>),
    /// The input ran out inside a request; `handle_eof` said this.
    Eof(Result<(), Error>),
    Failed(Error),
}

/// Feeds `pieces` in order, presenting the unconsumed rest again, until the request ends,
/// fails, or the input runs out (then the peer is taken to have closed).
fn drive<'a>(limits: Limits, pieces: impl IntoIterator<Item = &'a [u8]>) -> Vec<Step> {
    let mut dec = RequestDecoder::new(limits);
    let mut pieces = pieces.into_iter();
    let mut buf: Vec<u8> = Vec::new();
    let mut steps = Vec::new();
    loop {
        let res = match dec.decode(&buf) {
            Ok(res) => res,
            Err(e) => {
                assert!(e.is_peer_fault() || matches!(e, Error::Misuse(_)));
                assert_eq!(dec.decode(b"").unwrap_err(), e, "errors are sticky");
                assert_eq!(dec.handle_eof().unwrap_err(), e, "errors are sticky");
                steps.push(Step::Failed(e));
                return steps;
            }
        };
        assert!(res.consumed <= buf.len(), "consumed more than given");
        let consumed = res.consumed;
        match res.event {
            RequestEvent::NeedData => {
                buf.drain(..consumed);
                match pieces.next() {
                    Some(piece) => buf.extend_from_slice(piece),
                    None => {
                        steps.push(Step::Eof(dec.handle_eof()));
                        return steps;
                    }
                }
            }
            RequestEvent::Head(head) => {
                steps.push(Step::Head(head));
                buf.drain(..consumed);
            }
            RequestEvent::Body(bytes) => {
                assert!(!bytes.is_empty(), "an empty Body event");
                assert!(
                    buf.as_ptr_range().contains(&bytes.as_ptr()),
                    "Body is not a sub-slice of the input"
                );
                steps.push(Step::Body(bytes.to_vec()));
                buf.drain(..consumed);
            }
            RequestEvent::End => {
                assert!(dec.is_finished());
                steps.push(Step::End);
                buf.drain(..consumed);
                pieces.for_each(|p| buf.extend_from_slice(p));
                if !buf.is_empty() {
                    let again = dec.decode(&buf).unwrap();
                    assert_eq!((again.consumed, again.event), (0, RequestEvent::End));
                    steps.push(Step::Rest(buf));
                }
                assert_eq!(dec.handle_eof(), Ok(()));
                return steps;
            }
        }
    }
}

/// Merges adjacent body pieces.
fn merged(steps: Vec<Step>) -> Vec<Step> {
    let mut out: Vec<Step> = Vec::new();
    for step in steps {
        match (out.last_mut(), step) {
            (Some(Step::Body(acc)), Step::Body(more)) => acc.extend_from_slice(&more),
            (_, step) => out.push(step),
        }
    }
    out
}

/// Decodes `input` whole, byte by byte and at every single cut; all must agree.
fn run_with(limits: Limits, input: &[u8]) -> Vec<Step> {
    let whole = merged(drive(limits, [input]));
    let bytes: Vec<&[u8]> = input.chunks(1).collect();
    assert_eq!(merged(drive(limits, bytes)), whole, "byte by byte");
    if input.len() <= 2000 {
        for cut in 0..=input.len() {
            let (a, b) = input.split_at(cut);
            assert_eq!(merged(drive(limits, [a, b])), whole, "cut at {cut}");
        }
    }
    whole
}

fn run(input: impl AsRef<[u8]>) -> Vec<Step> {
    run_with(Limits::default(), input.as_ref())
}

fn rejects_with(limits: Limits, input: impl AsRef<[u8]>, expected: ProtocolError) {
    let steps = run_with(limits, input.as_ref());
    assert_eq!(
        steps.last(),
        Some(&Step::Failed(Error::BadRequest(expected))),
        "{steps:?}"
    );
}

fn rejects(input: impl AsRef<[u8]>, expected: ProtocolError) {
    rejects_with(Limits::default(), input, expected);
}

fn head(method: Method, target: &str, headers: &[(&str, &str)]) -> ReceivedRequest {
    let mut h = Headers::default();
    for (name, value) in headers {
        h.push(name, value);
    }
    ReceivedRequest {
        method,
        target: target.into(),
        minor_version: 1,
        headers: h,
    }
}

#[test]
fn a_request_without_a_body_ends_at_its_head() {
    let steps = run("GET /v1.41/containers/json?all=1 HTTP/1.1\r\nHost: docker\r\n\r\n");
    assert_eq!(
        steps,
        [
            Step::Head(head(
                Method::Get,
                "/v1.41/containers/json?all=1",
                &[("Host", "docker")]
            )),
            Step::End,
        ]
    );
}

#[test]
fn the_next_pipelined_request_is_left_to_its_own_decoder() {
    let steps = run("POST /a HTTP/1.1\r\nContent-Length: 2\r\n\r\nhiGET /b HTTP/1.1\r\n\r\n");
    assert_eq!(
        steps[1..],
        [
            Step::Body(b"hi".to_vec()),
            Step::End,
            Step::Rest(b"GET /b HTTP/1.1\r\n\r\n".to_vec())
        ]
    );
}

#[test]
fn a_content_length_body_is_delimited_exactly() {
    let steps = run("PUT /x HTTP/1.1\r\nContent-Length: 5\r\n\r\nhello");
    assert_eq!(steps[1..], [Step::Body(b"hello".to_vec()), Step::End]);
    let steps = run("POST /x HTTP/1.1\r\nContent-Length: 0\r\n\r\n");
    assert_eq!(steps[1..], [Step::End]);
    // Equal repeated values are one length.
    let steps = run("POST /x HTTP/1.1\r\nContent-Length: 2, 2\r\nContent-Length: 2\r\n\r\nok");
    assert_eq!(steps[1..], [Step::Body(b"ok".to_vec()), Step::End]);
}

#[test]
fn a_chunked_body_is_dechunked_with_extensions_and_trailers() {
    let steps = run(
        "POST /images/load HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n\
         3;a=b\r\nabc\r\n1A\r\nabcdefghijklmnopqrstuvwxyz\r\n0\r\nX-Sum: 1\r\n\r\n",
    );
    assert_eq!(
        steps[1..],
        [
            Step::Body(b"abcabcdefghijklmnopqrstuvwxyz".to_vec()),
            Step::End
        ]
    );
}

#[test]
fn blank_lines_before_a_request_line_are_skipped() {
    let steps = run("\r\n\nGET /_ping HTTP/1.1\r\n\r\n");
    assert_eq!(
        steps,
        [Step::Head(head(Method::Get, "/_ping", &[])), Step::End]
    );
}

#[test]
fn http_1_0_requests_are_decoded() {
    let steps = run("GET /version HTTP/1.0\r\n\r\n");
    let Step::Head(h) = &steps[0] else {
        panic!("{steps:?}")
    };
    assert_eq!(h.minor_version, 0);
}

#[test]
fn an_upgrade_request_ends_at_its_head_and_says_so() {
    let steps = run("POST /containers/x/attach?stream=1 HTTP/1.1\r\nConnection: Upgrade\r\nUpgrade: tcp\r\n\r\nstdin");
    let Step::Head(h) = &steps[0] else {
        panic!("{steps:?}")
    };
    assert!(h.wants_upgrade());
    assert_eq!(steps[1..], [Step::End, Step::Rest(b"stdin".to_vec())]);
}

#[test]
fn a_head_of_exactly_the_limit_passes_and_one_byte_more_is_refused() {
    let limits = Limits {
        max_head_bytes: 200,
        ..Limits::default()
    };
    let make = |len: usize| {
        let start = "GET / HTTP/1.1\r\nX-Pad: ";
        let pad = len - start.len() - "\r\n\r\n".len();
        format!("{start}{}\r\n\r\n", "p".repeat(pad))
    };
    let at = make(200);
    assert_eq!(at.len(), 200);
    assert_eq!(run_with(limits, at.as_bytes()).last(), Some(&Step::End));
    rejects_with(
        limits,
        make(201),
        ProtocolError::HeadTooLarge { limit: 200 },
    );
    // Blank lines before the request line count too.
    rejects_with(
        limits,
        format!("\r\n{at}"),
        ProtocolError::HeadTooLarge { limit: 200 },
    );
    // A head that never ends is refused once it passes the limit, not buffered on.
    rejects_with(
        limits,
        "GET / HTTP/1.1\r\n".repeat(20),
        ProtocolError::HeadTooLarge { limit: 200 },
    );
}

#[test]
fn exactly_the_most_headers_pass_and_one_more_is_refused() {
    let limits = Limits {
        max_headers: 8,
        ..Limits::default()
    };
    let make = |n: usize| {
        let fields: String = (0..n).map(|i| format!("X-{i}: v\r\n")).collect();
        format!("GET / HTTP/1.1\r\n{fields}\r\n")
    };
    assert_eq!(
        run_with(limits, make(8).as_bytes()).last(),
        Some(&Step::End)
    );
    rejects_with(limits, make(9), ProtocolError::TooManyHeaders { limit: 8 });
}

#[test]
fn chunk_extensions_pass_at_the_limit_and_are_refused_past_it() {
    let limits = Limits {
        max_chunk_ext_bytes: 6,
        ..Limits::default()
    };
    let make = |ext: &str| {
        format!("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n1{ext}\r\nZ\r\n0\r\n\r\n")
    };
    // The limit is over the whole body, `;` and whitespace included.
    assert_eq!(
        run_with(limits, make(";a=bcd").as_bytes()).last(),
        Some(&Step::End)
    );
    rejects_with(
        limits,
        make(";a=bcde"),
        ProtocolError::ChunkExtensionTooLong { limit: 6 },
    );
    rejects_with(
        limits,
        make(" ;a=bcd"),
        ProtocolError::ChunkExtensionTooLong { limit: 6 },
    );
}

#[test]
fn trailers_pass_at_the_limit_and_are_refused_past_it() {
    let limits = Limits {
        max_trailer_bytes: 8,
        ..Limits::default()
    };
    let make = |trailers: &str| {
        format!("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n{trailers}\r\n")
    };
    assert_eq!(
        run_with(limits, make("A: 12345\r\n").as_bytes()).last(),
        Some(&Step::End)
    );
    rejects_with(
        limits,
        make("A: 123456\r\n"),
        ProtocolError::TrailersTooLarge { limit: 8 },
    );
}

#[test]
fn framing_that_could_smuggle_a_request_is_refused() {
    rejects(
        "POST / HTTP/1.1\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
        ProtocolError::ContentLengthWithTransferEncoding,
    );
    rejects(
        "POST / HTTP/1.1\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\nabcd",
        ProtocolError::ConflictingContentLength,
    );
    for cl in ["+5", "-1", "0x5", "5 5", "", "99999999999999999999999"] {
        rejects(
            format!("POST / HTTP/1.1\r\nContent-Length: {cl}\r\n\r\nhello"),
            ProtocolError::InvalidContentLength,
        );
    }
    for te in ["gzip", "gzip, chunked", "chunked, chunked", "identity"] {
        rejects(
            format!("POST / HTTP/1.1\r\nTransfer-Encoding: {te}\r\n\r\n0\r\n\r\n"),
            ProtocolError::UnsupportedTransferEncoding,
        );
    }
    rejects(
        "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
        ProtocolError::UnsupportedTransferEncoding,
    );
    rejects(
        "POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
        ProtocolError::TransferEncodingInHttp10,
    );
}

#[test]
fn malformed_chunk_framing_is_refused() {
    let chunked =
        |body: &str| format!("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n{body}");
    for size in ["1ffffffffffffffff", "+5", "g", "", " 5"] {
        rejects(
            chunked(&format!("{size}\r\nhello\r\n0\r\n\r\n")),
            ProtocolError::InvalidChunkSize,
        );
    }
    rejects(
        chunked("5\r\nhelloXX0\r\n\r\n"),
        ProtocolError::MissingChunkTerminator,
    );
    rejects(
        chunked("0\r\nbad\ntrailer\r\n\r\n"),
        ProtocolError::MalformedHead {
            reason: "invalid trailer line",
        },
    );
}

#[test]
fn a_chunk_of_u64_max_streams_without_allocating() {
    let mut dec = RequestDecoder::new(Limits::default());
    let head = b"PUT / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nffffffffffffffff\r\n";
    let res = dec.decode(head).unwrap();
    assert!(matches!(res.event, RequestEvent::Head(_)));
    let res2 = dec.decode(&head[res.consumed..]).unwrap();
    assert_eq!(res2.event, RequestEvent::NeedData);
    assert_eq!(res.consumed + res2.consumed, head.len());
    let window = vec![b'x'; 64 * 1024];
    let mut total = 0;
    for _ in 0..16 {
        let mut input = &window[..];
        while !input.is_empty() {
            let res = dec.decode(input).unwrap();
            let RequestEvent::Body(bytes) = res.event else {
                panic!("expected body, got {:?}", res.event)
            };
            assert!(window.as_ptr_range().contains(&bytes.as_ptr()));
            total += bytes.len();
            input = &input[res.consumed..];
        }
    }
    assert_eq!(total, 1 << 20);
    assert_eq!(
        dec.handle_eof(),
        Err(Error::BadRequest(ProtocolError::UnexpectedEof {
            stage: Stage::Body
        }))
    );
}

#[test]
fn malformed_heads_are_refused() {
    let malformed = |input: &str| {
        let steps = run(input);
        assert!(
            matches!(
                steps.last(),
                Some(Step::Failed(Error::BadRequest(
                    ProtocolError::MalformedHead { .. }
                )))
            ),
            "{input:?}: {steps:?}"
        );
    };
    for input in [
        "get / HTTP/1.1\r\n\r\n",
        "BREW /pot HTTP/1.1\r\n\r\n",
        "GET / HTTP/2.0\r\n\r\n",
        "GET / HTTP/1.1\r\nBad Name: x\r\n\r\n",
        "GET / HTTP/1.1\r\nX: a\0b\r\n\r\n",
        "GET\0/ HTTP/1.1\r\n\r\n",
        "GET /a b HTTP/1.1\r\n\r\n",
        "HTTP/1.1 200 OK\r\n\r\n",
    ] {
        malformed(input);
    }
}

#[test]
fn an_end_of_input_is_judged_by_where_it_falls() {
    let eof = |input: &str| run(input).pop();
    assert_eq!(eof(""), Some(Step::Eof(Ok(()))));
    assert_eq!(eof("\r\n"), Some(Step::Eof(Ok(()))));
    let truncated = |stage| {
        Some(Step::Eof(Err(Error::BadRequest(
            ProtocolError::UnexpectedEof { stage },
        ))))
    };
    assert_eq!(eof("GET / HTTP/1.1\r\nHost"), truncated(Stage::Head));
    assert_eq!(
        eof("PUT / HTTP/1.1\r\nContent-Length: 9\r\n\r\nabc"),
        truncated(Stage::Body)
    );
    let chunked = "PUT / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n";
    assert_eq!(eof(&format!("{chunked}5\r\nab")), truncated(Stage::Body));
    assert_eq!(
        eof(&format!("{chunked}5\r\nabcde\r")),
        truncated(Stage::ChunkFraming)
    );
    assert_eq!(
        eof(&format!("{chunked}0\r\n")),
        truncated(Stage::ChunkFraming)
    );
}

#[test]
fn an_error_is_sticky_and_the_decoder_unfinished() {
    let mut dec = RequestDecoder::new(Limits::default());
    let err = dec
        .decode(b"GET / HTTP/1.1\r\nContent-Length: x\r\n\r\n")
        .unwrap_err();
    assert_eq!(err, Error::BadRequest(ProtocolError::InvalidContentLength));
    assert!(err.is_peer_fault());
    assert_eq!(dec.error(), Some(&err));
    assert!(!dec.is_finished());
    assert_eq!(dec.decode(b"GET / HTTP/1.1\r\n\r\n").unwrap_err(), err);
    assert_eq!(dec.decode_framed(b"").unwrap_err(), err);
}

#[test]
fn dropping_held_framing_bytes_is_misuse_not_a_peer_fault() {
    let mut dec = RequestDecoder::new(Limits::default());
    let input = b"PUT / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n5;ext";
    let res = dec.decode_framed(input).unwrap();
    let rest = &input[res.consumed..];
    assert_eq!(dec.decode_framed(rest).unwrap().consumed, 0);
    let err = dec.decode_framed(b"").unwrap_err();
    assert_eq!(
        err,
        Error::Misuse(Misuse::InputNotPresentedAgain { held: 5, given: 0 })
    );
    assert!(!err.is_peer_fault());
}

proptest! {
    #[test]
    fn arbitrary_bytes_decode_the_same_over_any_split(
        bytes in prop_oneof![
            prop::collection::vec(any::<u8>(), 0..300),
            (
                prop::sample::select(vec![
                    &b"GET /a HTTP/1.1\r\nHost: docker\r\n\r\n"[..],
                    b"POST /b HTTP/1.1\r\nContent-Length: 3\r\n\r\nabc",
                    b"PUT /c HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n3;x\r\nabc\r\n0\r\nT: 1\r\n\r\n",
                ]),
                prop::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..4),
            ).prop_map(|(base, flips)| {
                let mut b = base.to_vec();
                for (at, byte) in flips {
                    let at = at.index(b.len());
                    b[at] = byte;
                }
                b
            }),
        ],
        cuts in prop::collection::vec(any::<prop::sample::Index>(), 0..6),
    ) {
        let whole = merged(drive(Limits::default(), [&bytes[..]]));
        let mut cuts: Vec<usize> = cuts.iter().map(|c| c.index(bytes.len() + 1)).collect();
        cuts.sort_unstable();
        let mut pieces = Vec::new();
        let mut from = 0;
        for cut in cuts {
            pieces.push(&bytes[from..cut]);
            from = cut;
        }
        pieces.push(&bytes[from..]);
        prop_assert_eq!(merged(drive(Limits::default(), pieces)), whole.clone());
        prop_assert_eq!(merged(drive(Limits::default(), bytes.chunks(1))), whole);
    }
}
