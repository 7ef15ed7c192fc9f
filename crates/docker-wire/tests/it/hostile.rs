//! The malformed-response corpus (reliability anchors §5a, items 1-23, 25 and 26) fed straight
//! to the codec: each item gives its typed error or its listed safe accept, the same at every
//! split, never a panic, and a failed connection is never reusable. Limits are checked at
//! exactly N (accepted) and N+1 (refused).

use docker_wire::frames::{FrameError, LineDecoder, MuxDecoder, StreamKind};
use docker_wire::{Error, Event, Limits, Misuse, ProtocolError, Stage};

use crate::harness::{self, Close, Req, Step};

const CHUNKED: &str = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n";

/// Decodes `response` whole, byte by byte (when short) and at every cut (when shorter still);
/// all must agree. Returns the normalised transcript.
fn run(req: Req, limits: Limits, response: &[u8], close: Close) -> Vec<Step> {
    let whole = harness::normalise(harness::whole(req, limits, response, close));
    if response.len() <= 4096 {
        let bytewise = harness::in_pieces(req, limits, response, &[1], close);
        assert_eq!(bytewise, whole, "byte by byte");
    }
    if response.len() <= 600 {
        for cut in 0..=response.len() {
            let split = harness::cut_at(req, limits, response, &[cut], close);
            assert_eq!(split, whole, "cut at {cut}");
        }
    }
    whole
}

fn rejects_with(req: Req, limits: Limits, response: &[u8], close: Close, expected: ProtocolError) {
    let steps = run(req, limits, response, close);
    assert_eq!(
        steps.last(),
        Some(&Step::Failed(Error::Protocol(expected))),
        "input {:?}",
        short(response)
    );
}

/// A GET whose response must fail with `expected`, whether or not the peer then closes.
fn rejects(response: impl AsRef<[u8]>, expected: ProtocolError) {
    for close in [Close::Open, Close::Eof] {
        rejects_with(
            Req::GET,
            Limits::default(),
            response.as_ref(),
            close,
            expected.clone(),
        );
    }
}

/// The start of an input, for messages.
fn short(bytes: &[u8]) -> String {
    let shown: String = bytes.escape_ascii().to_string().chars().take(120).collect();
    format!("{shown}… ({} bytes)", bytes.len())
}

fn chunked(body: &str) -> Vec<u8> {
    format!("{CHUNKED}{body}").into_bytes()
}

fn with_headers(headers: &str, body: &str) -> Vec<u8> {
    format!("HTTP/1.1 200 OK\r\n{headers}\r\n{body}").into_bytes()
}

fn malformed() -> impl Fn(&Vec<Step>) -> bool {
    |steps| {
        matches!(
            steps.last(),
            Some(Step::Failed(Error::Protocol(
                ProtocolError::MalformedHead { .. }
            )))
        )
    }
}

fn body_of(steps: &[Step]) -> Vec<u8> {
    steps
        .iter()
        .filter_map(|s| match s {
            Step::Body(b) => Some(b.clone()),
            _ => None,
        })
        .flatten()
        .collect()
}

// 1.
#[test]
fn chunk_size_of_seventeen_hex_digits_is_an_overflow() {
    rejects(
        chunked("1ffffffffffffffff\r\n"),
        ProtocolError::InvalidChunkSize,
    );
    rejects(
        chunked("f0000000000000003\r\n"),
        ProtocolError::InvalidChunkSize,
    );
    rejects(
        chunked("00000000000000001\r\n"),
        ProtocolError::InvalidChunkSize,
    );
}

// 2.
#[test]
fn chunk_of_u64_max_streams_without_allocating() {
    let mut conn = Req::GET.conn(Limits::default());
    let head = chunked("ffffffffffffffff\r\n");
    let res = conn.decode(&head).unwrap();
    assert!(matches!(res.event, Event::Head(_)));
    let res2 = conn.decode(&head[res.consumed..]).unwrap();
    assert_eq!(res2.event, Event::NeedData);
    assert_eq!(res.consumed + res2.consumed, head.len());
    // 1 MiB of the claimed 16 EiB, fed in 64 KiB reads: every byte comes back as a
    // sub-slice of the read that carried it, so the codec holds nothing.
    let window = vec![b'x'; 64 * 1024];
    let mut total = 0usize;
    for _ in 0..16 {
        let mut input = &window[..];
        while !input.is_empty() {
            let res = conn.decode(input).unwrap();
            let Event::Body(bytes) = res.event else {
                panic!("expected body, got {:?}", res.event)
            };
            assert!(window.as_ptr_range().contains(&bytes.as_ptr()));
            total += bytes.len();
            input = &input[res.consumed..];
        }
    }
    assert_eq!(total, 1 << 20);
    assert!(!conn.is_reusable());
    assert_eq!(
        conn.handle_eof(),
        Err(Error::Protocol(ProtocolError::UnexpectedEof {
            stage: Stage::Body
        }))
    );
}

// 3.
#[test]
fn chunk_size_with_prefix_sign_space_or_no_digit_is_refused() {
    for size in ["0x5", "+5", "-5", "5 5", ";ext", "", " 5", "5\n", "g"] {
        rejects(
            chunked(&format!("{size}\r\nhello\r\n0\r\n\r\n")),
            ProtocolError::InvalidChunkSize,
        );
    }
}

// 4.
#[test]
fn megabyte_chunk_extension_is_refused_at_the_limit() {
    let ext = "a".repeat(1 << 20);
    rejects(
        chunked(&format!("5;{ext}\r\nhello\r\n0\r\n\r\n")),
        ProtocolError::ChunkExtensionTooLong { limit: 16 * 1024 },
    );
}

#[test]
fn whitespace_before_a_chunk_extension_counts_towards_its_limit() {
    let ws = " ".repeat(1 << 20);
    rejects(
        chunked(&format!("5{ws}\r\nhello\r\n0\r\n\r\n")),
        ProtocolError::ChunkExtensionTooLong { limit: 16 * 1024 },
    );
}

#[test]
fn line_feed_inside_a_chunk_extension_is_refused() {
    rejects(
        chunked("5;a=b\nc\r\nhello\r\n0\r\n\r\n"),
        ProtocolError::InvalidChunkSize,
    );
}

// 5.
#[test]
fn chunk_data_not_followed_by_crlf_is_refused() {
    rejects(
        chunked("5\r\nhelloXX0\r\n\r\n"),
        ProtocolError::MissingChunkTerminator,
    );
    rejects(
        chunked("5\r\nhello\rX0\r\n\r\n"),
        ProtocolError::MissingChunkTerminator,
    );
    rejects(
        chunked("5\r\nhello\n0\r\n\r\n"),
        ProtocolError::MissingChunkTerminator,
    );
}

// 6.
#[test]
fn body_ending_without_a_zero_chunk_is_refused() {
    rejects(chunked("1\r\nZ\r\n\r\n"), ProtocolError::InvalidChunkSize);
}

// 7.
#[test]
fn endless_small_chunks_stream_in_constant_memory() {
    let mut input = chunked("");
    for _ in 0..50_000 {
        input.extend_from_slice(b"1\r\na\r\n");
    }
    let steps = harness::normalise(harness::whole(
        Req::GET,
        Limits::default(),
        &input,
        Close::Open,
    ));
    assert_eq!(body_of(&steps).len(), 50_000);
    assert_eq!(steps.last(), Some(&Step::NeedData));
}

#[test]
fn oversized_or_too_many_trailers_are_refused() {
    let long = format!("0\r\nX-T: {}\r\n\r\n", "a".repeat(20_000));
    rejects(
        chunked(&long),
        ProtocolError::TrailersTooLarge { limit: 16 * 1024 },
    );
    let many = format!("0\r\n{}\r\n", "a: b\r\n".repeat(101));
    rejects(
        chunked(&many),
        ProtocolError::TrailersTooLarge { limit: 16 * 1024 },
    );
    // Endless trailers end at the limit too.
    let endless = format!("0\r\n{}", "a: b\r\n".repeat(10_000));
    rejects_with(
        Req::GET,
        Limits::default(),
        &chunked(&endless),
        Close::Open,
        ProtocolError::TrailersTooLarge { limit: 16 * 1024 },
    );
}

#[test]
fn trailer_lines_must_end_in_crlf() {
    rejects(
        chunked("0\r\nX: a\nY: b\r\n\r\n"),
        ProtocolError::MalformedHead {
            reason: "invalid trailer line",
        },
    );
    rejects(
        chunked("0\r\n\n"),
        ProtocolError::MalformedHead {
            reason: "invalid trailer line",
        },
    );
}

// 8.
#[test]
fn eof_inside_chunk_framing_or_data_is_a_truncation() {
    let cases = [
        ("5", Stage::ChunkFraming),
        ("5\r", Stage::ChunkFraming),
        ("5\r\nhel", Stage::Body),
        ("5\r\nhello", Stage::ChunkFraming),
        ("5\r\nhello\r\n0\r\n", Stage::ChunkFraming),
        ("5\r\nhello\r\n0\r\nX: y\r\n", Stage::ChunkFraming),
        ("", Stage::ChunkFraming),
    ];
    for (body, stage) in cases {
        rejects_with(
            Req::GET,
            Limits::default(),
            &chunked(body),
            Close::Eof,
            ProtocolError::UnexpectedEof { stage },
        );
    }
}

// 9.
#[test]
fn content_length_that_is_not_plain_digits_is_refused() {
    for cl in ["-1", "+5", "0x10", "5a", "", " ", "5 5", "1_0", "1e3", "٣"] {
        rejects(
            with_headers(&format!("Content-Length: {cl}\r\n"), "hello"),
            ProtocolError::InvalidContentLength,
        );
    }
}

// 10.
#[test]
fn content_length_beyond_u64_is_refused() {
    for cl in ["99999999999999999999999", "18446744073709551616"] {
        rejects(
            with_headers(&format!("Content-Length: {cl}\r\n"), ""),
            ProtocolError::InvalidContentLength,
        );
    }
    // u64::MAX itself is a valid length; the body streams.
    let steps = run(
        Req::GET,
        Limits::default(),
        &with_headers("Content-Length: 18446744073709551615\r\n", "abc"),
        Close::Open,
    );
    assert_eq!(body_of(&steps), b"abc");
    assert_eq!(steps.last(), Some(&Step::NeedData));
}

// 11.
#[test]
fn conflicting_content_lengths_are_refused_and_repeated_equal_ones_accepted() {
    rejects(
        with_headers("Content-Length: 5\r\nContent-Length: 6\r\n", "hello!"),
        ProtocolError::ConflictingContentLength,
    );
    rejects(
        with_headers("Content-Length: 5, 6\r\n", "hello!"),
        ProtocolError::ConflictingContentLength,
    );
    for same in [
        "Content-Length: 5, 5\r\n",
        "Content-Length: 5\r\nContent-Length: 5\r\n",
    ] {
        let steps = run(
            Req::GET,
            Limits::default(),
            &with_headers(same, "hello"),
            Close::Open,
        );
        assert_eq!(body_of(&steps), b"hello");
        assert_eq!(steps.last(), Some(&Step::End { reusable: true }));
    }
}

// 12.
#[test]
fn content_length_with_transfer_encoding_is_refused() {
    rejects(
        with_headers(
            "Content-Length: 5\r\nTransfer-Encoding: chunked\r\n",
            "5\r\nhello\r\n0\r\n\r\n",
        ),
        ProtocolError::ContentLengthWithTransferEncoding,
    );
}

// 13.
#[test]
fn transfer_encodings_other_than_one_chunked_are_refused() {
    for te in [
        "Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n",
        "Transfer-Encoding: chunked, gzip\r\n",
        "Transfer-Encoding: gzip, chunked\r\n",
        "Transfer-Encoding: xchunked\r\n",
        "Transfer-Encoding: chunked,\r\n",
        "Transfer-Encoding: \r\n",
    ] {
        rejects(
            with_headers(te, "0\r\n\r\n"),
            ProtocolError::UnsupportedTransferEncoding,
        );
    }
    rejects(
        "HTTP/1.0 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
        ProtocolError::TransferEncodingInHttp10,
    );
}

// 14, 15, 16.
#[test]
fn malformed_header_lines_are_refused() {
    for line in [
        "Foo bar\r\n",
        "Foo : bar\r\n",
        "Foo: a\r\n continued\r\n",
        "Foo: a\r\n\tcontinued\r\n",
        "Foo: a\rb\r\n",
        "Foo: a\0b\r\n",
        ": v\r\n",
        "Fo(o: v\r\n",
        "Fo\"o: v\r\n",
        "F\0o: v\r\n",
    ] {
        let steps = run(
            Req::GET,
            Limits::default(),
            &with_headers(&format!("Content-Length: 0\r\n{line}"), ""),
            Close::Open,
        );
        assert!(malformed()(&steps), "{line:?} gave {steps:?}");
    }
}

// 17.
#[test]
fn ten_megabyte_header_value_is_refused_at_the_head_limit_without_reading_on() {
    let limit = Limits::default().max_head_bytes;
    let piece = vec![b'a'; 64 * 1024];
    let mut conn = Req::GET.conn(Limits::default());
    let mut buf = b"HTTP/1.1 200 OK\r\nX-Big: ".to_vec();
    let mut fed = 0usize;
    let err = loop {
        assert!(fed < 10 << 20, "no error after 10 MB");
        match conn.decode(&buf) {
            Ok(res) => {
                assert_eq!((res.consumed, res.event), (0, Event::NeedData));
                buf.extend_from_slice(&piece);
                fed += piece.len();
            }
            Err(e) => break e,
        }
    };
    assert_eq!(err, Error::Protocol(ProtocolError::HeadTooLarge { limit }));
    // The error came on the first read that took the unfinished head past the limit.
    assert!(buf.len() > limit && buf.len() <= limit + piece.len());
    assert!(!conn.is_reusable());
}

// 18.
#[test]
fn ten_thousand_tiny_headers_are_too_many() {
    let headers = "a: b\r\n".repeat(10_000);
    rejects(
        with_headers(&headers, ""),
        ProtocolError::TooManyHeaders { limit: 100 },
    );
}

// 19.
#[test]
fn malformed_status_lines_are_refused_and_a_missing_reason_accepted() {
    for status in [
        "HTTP/1.1 2000 OK",
        "HTTP/2 200",
        "ICY 200 OK",
        "HTTP/1.1 20 OK",
        "HTTP/1.1 099 Low",
        "HTTP/1.1 -20 OK",
        "HTTP/1.2 200 OK",
        "http/1.1 200 OK",
        "HTTP/1.1  200 OK",
    ] {
        let steps = run(
            Req::GET,
            Limits::default(),
            format!("{status}\r\nContent-Length: 0\r\n\r\n").as_bytes(),
            Close::Open,
        );
        assert!(malformed()(&steps), "{status:?} gave {steps:?}");
    }
    for status in ["HTTP/1.1 200", "HTTP/1.1 200 "] {
        let steps = run(
            Req::GET,
            Limits::default(),
            format!("{status}\r\nContent-Length: 0\r\n\r\n").as_bytes(),
            Close::Open,
        );
        assert!(
            matches!(&steps[..], [Step::Head(h), Step::End { reusable: true }] if h.reason.is_empty()),
            "{status:?} gave {steps:?}"
        );
    }
}

// 20.
#[test]
fn endless_continue_responses_are_capped() {
    let prefix = "HTTP/1.1 100 Continue\r\n\r\n".repeat(1000);
    rejects(
        format!("{prefix}HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"),
        ProtocolError::TooManyInformational { limit: 8 },
    );
}

// 21.
#[test]
fn bodyless_statuses_claiming_a_length_end_at_the_head_and_stop_reuse() {
    for status in ["204 No Content", "304 Not Modified"] {
        let steps = run(
            Req::GET,
            Limits::default(),
            format!("HTTP/1.1 {status}\r\nContent-Length: 5\r\n\r\nhello").as_bytes(),
            Close::Open,
        );
        assert!(
            matches!(&steps[..], [Step::Head(_), Step::End { reusable: false }, Step::Rest(r)] if r == b"hello"),
            "{status}: {steps:?}"
        );
    }
    // Without a claimed length a 204 leaves the connection reusable.
    let steps = run(
        Req::GET,
        Limits::default(),
        b"HTTP/1.1 204 No Content\r\n\r\n",
        Close::Open,
    );
    assert!(matches!(
        &steps[..],
        [Step::Head(_), Step::End { reusable: true }]
    ));
}

#[test]
fn head_response_has_no_body_whatever_it_claims() {
    for framing in [
        "Content-Length: 5\r\n",
        "Transfer-Encoding: chunked\r\n",
        "",
    ] {
        let response = format!("HTTP/1.1 200 OK\r\n{framing}\r\n");
        let steps = run(
            Req::HEAD,
            Limits::default(),
            response.as_bytes(),
            Close::Open,
        );
        assert!(
            matches!(&steps[..], [Step::Head(_), Step::End { reusable: true }]),
            "{framing:?}: {steps:?}"
        );
    }
    // Bytes after a HEAD response are left to the caller, never taken as a body: a
    // transport must not reuse a connection with unread bytes in its buffer.
    let steps = run(
        Req::HEAD,
        Limits::default(),
        b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello",
        Close::Open,
    );
    assert!(
        matches!(&steps[..], [Step::Head(_), Step::End { .. }, Step::Rest(r)] if r == b"hello")
    );
}

// 22.
#[test]
fn short_body_then_eof_is_a_truncation_never_a_success() {
    rejects_with(
        Req::GET,
        Limits::default(),
        &with_headers("Content-Length: 100\r\n", &"x".repeat(50)),
        Close::Eof,
        ProtocolError::UnexpectedEof { stage: Stage::Body },
    );
    rejects_with(
        Req::GET,
        Limits::default(),
        b"HTTP/1.1 200 OK\r\nContent-Len",
        Close::Eof,
        ProtocolError::UnexpectedEof { stage: Stage::Head },
    );
    rejects_with(
        Req::GET,
        Limits::default(),
        b"",
        Close::Eof,
        ProtocolError::ClosedBeforeResponse,
    );
}

// 23.
#[test]
fn bytes_before_any_request_are_not_parsed() {
    let mut conn = docker_wire::ClientConn::new(Limits::default());
    let err = conn
        .decode(b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n")
        .unwrap_err();
    assert!(matches!(err, Error::Misuse(Misuse::WrongState { .. })));
    assert!(!conn.is_reusable());
}

#[test]
fn bytes_after_a_close_delimited_response_are_not_parsed() {
    let steps = run(
        Req::GET,
        Limits::default(),
        b"HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 2\r\n\r\nokHTTP/1.1 200 OK\r\n\r\n",
        Close::Open,
    );
    assert!(
        matches!(&steps[..], [Step::Head(_), Step::Body(b), Step::End { reusable: false }, Step::Rest(r)]
            if b == b"ok" && r.starts_with(b"HTTP/1.1")),
        "{steps:?}"
    );
}

#[test]
fn http10_and_unframed_responses_are_never_reusable() {
    let steps = run(
        Req::GET,
        Limits::default(),
        b"HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\nok",
        Close::Open,
    );
    assert_eq!(steps.last(), Some(&Step::End { reusable: false }));
    let steps = run(
        Req::GET,
        Limits::default(),
        b"HTTP/1.1 200 OK\r\n\r\nuntil close",
        Close::Eof,
    );
    assert_eq!(body_of(&steps), b"until close");
    assert_eq!(steps.last(), Some(&Step::End { reusable: false }));
}

// 25.
#[test]
fn hundred_megabyte_line_errors_at_the_cap_having_buffered_at_most_the_cap() {
    let cap = 1 << 20;
    let mut dec = LineDecoder::new(cap);
    let piece = vec![b'{'; 64 * 1024];
    let mut buffered = 0usize;
    let mut n_pieces = 0usize;
    let err = loop {
        assert!(n_pieces < 1600, "no error within 100 MB");
        n_pieces += 1;
        match dec.decode(&piece) {
            Ok((n, None)) => buffered += n,
            Ok((_, Some(_))) => panic!("a line without a newline"),
            Err(e) => break e,
        }
    };
    assert_eq!(err, FrameError::LineTooLong { limit: cap });
    // Everything consumed so far was buffered; one more piece would have passed the cap
    // (which allows for a leading 0x1E and a trailing CR around `cap` bytes of content).
    assert!(buffered <= cap + 2);
    assert!(buffered + piece.len() > cap + 2);
    assert_eq!(dec.decode(b"\n"), Err(err), "the error is sticky");
}

// 26.
#[test]
fn mux_header_claiming_four_gigabytes_streams_without_buffering() {
    let mut dec = MuxDecoder::default();
    let (n, piece) = dec.decode(b"\x01\x00\x00\x00\xff\xff\xff\xff").unwrap();
    assert_eq!((n, piece), (8, None));
    let window = vec![b'o'; 64 * 1024];
    let mut total = 0usize;
    for _ in 0..16 {
        let mut input = &window[..];
        while !input.is_empty() {
            let (n, piece) = dec.decode(input).unwrap();
            let piece = piece.expect("payload");
            assert_eq!(piece.stream, StreamKind::Stdout);
            assert!(!piece.frame_end);
            assert!(window.as_ptr_range().contains(&piece.data.as_ptr()));
            total += piece.data.len();
            input = &input[n..];
        }
    }
    assert_eq!(total, 1 << 20);
    assert_eq!(dec.finish(), Err(FrameError::TruncatedFrame));
}

#[test]
fn mux_stream_byte_beyond_three_is_refused_and_systemerr_is_reported() {
    let mut dec = MuxDecoder::default();
    let err = dec
        .decode(b"\x05\x00\x00\x00\x00\x00\x00\x01x")
        .unwrap_err();
    assert_eq!(err, FrameError::InvalidStreamType(5));
    assert_eq!(dec.decode(b"").unwrap_err(), err, "the error is sticky");

    let mut dec = MuxDecoder::default();
    let (n, piece) = dec.decode(b"\x03\x00\x00\x00\x00\x00\x00\x04oops").unwrap();
    assert_eq!(n, 12);
    let piece = piece.unwrap();
    assert_eq!(
        (piece.stream, piece.data, piece.frame_end),
        (StreamKind::SystemErr, &b"oops"[..], true)
    );
}

// Found by reading the head scanner: blank lines before the status line made `decode` loop
// forever, finding the same empty "head" again and again.
#[test]
fn blank_lines_before_the_status_line_are_skipped() {
    let plain = run(
        Req::GET,
        Limits::default(),
        b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok",
        Close::Open,
    );
    for prefix in ["\r\n", "\r\n\r\n", "\n\n", "\n\r\n", "\r\n\r\n\r\n\r\n"] {
        let response = format!("{prefix}HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
        let steps = run(
            Req::GET,
            Limits::default(),
            response.as_bytes(),
            Close::Open,
        );
        assert_eq!(steps, plain, "{prefix:?}");
    }
}

#[test]
fn endless_blank_lines_count_towards_the_head_limit() {
    let limits = Limits {
        max_head_bytes: 64,
        ..Limits::default()
    };
    let blank = "\r\n".repeat(1000);
    rejects_with(
        Req::GET,
        limits,
        blank.as_bytes(),
        Close::Open,
        ProtocolError::HeadTooLarge { limit: 64 },
    );
    let mut conn = Req::GET.conn(Limits::default());
    let mut total = 0usize;
    let err = loop {
        assert!(total < 1 << 20, "no error after 1 MiB of blank lines");
        match conn.decode(b"\r\n\r\n\r\n\r\n") {
            Ok(res) => total += res.consumed,
            Err(e) => break e,
        }
    };
    assert_eq!(
        err,
        Error::Protocol(ProtocolError::HeadTooLarge { limit: 64 * 1024 })
    );
}

#[test]
fn bare_cr_before_the_status_line_is_refused() {
    let steps = run(
        Req::GET,
        Limits::default(),
        b"\rHTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n",
        Close::Open,
    );
    assert!(malformed()(&steps), "{steps:?}");
}

mod limits {
    //! Every limit at exactly N (accepted) and N+1 (refused).

    use super::*;

    /// A head of exactly `len` bytes, padded with one header.
    fn head_of(len: usize) -> Vec<u8> {
        let fixed = "HTTP/1.1 200 OK\r\nContent-Length: 0\r\nX-Pad: \r\n\r\n".len();
        let pad = "p".repeat(len - fixed);
        format!("HTTP/1.1 200 OK\r\nContent-Length: 0\r\nX-Pad: {pad}\r\n\r\n").into_bytes()
    }

    fn accepts(req: Req, limits: Limits, response: &[u8]) -> Vec<Step> {
        let steps = run(req, limits, response, Close::Open);
        assert!(
            !steps.iter().any(|s| matches!(s, Step::Failed(_))),
            "{steps:?}"
        );
        steps
    }

    #[test]
    fn head_size() {
        for limit in [64, 100, 300] {
            let limits = Limits {
                max_head_bytes: limit,
                ..Limits::default()
            };
            accepts(Req::GET, limits, &head_of(limit));
            rejects_with(
                Req::GET,
                limits,
                &head_of(limit + 1),
                Close::Open,
                ProtocolError::HeadTooLarge { limit },
            );
        }
        let default = Limits::default();
        let n = default.max_head_bytes;
        let whole = harness::whole(Req::GET, default, &head_of(n), Close::Open);
        assert_eq!(whole.last(), Some(&Step::End { reusable: true }));
        let whole = harness::whole(Req::GET, default, &head_of(n + 1), Close::Open);
        assert_eq!(
            whole.last(),
            Some(&Step::Failed(Error::Protocol(
                ProtocolError::HeadTooLarge { limit: n }
            )))
        );
        // Fed in 1 KiB reads, a head of exactly the limit is still accepted.
        let pieces = harness::in_pieces(Req::GET, default, &head_of(n), &[1024], Close::Open);
        assert_eq!(pieces.last(), Some(&Step::End { reusable: true }));
    }

    #[test]
    fn header_count() {
        let limits = Limits::default();
        let n = limits.max_headers;
        // Content-Length is one of the fields.
        let fields = |count: usize| {
            with_headers(
                &format!("Content-Length: 0\r\n{}", "a: b\r\n".repeat(count - 1)),
                "",
            )
        };
        let steps = accepts(Req::GET, limits, &fields(n));
        let Step::Head(head) = &steps[0] else {
            panic!()
        };
        assert_eq!(head.headers.len(), n);
        rejects_with(
            Req::GET,
            limits,
            &fields(n + 1),
            Close::Open,
            ProtocolError::TooManyHeaders { limit: n },
        );
        let small = Limits {
            max_headers: 3,
            ..limits
        };
        accepts(Req::GET, small, &fields(3));
        rejects_with(
            Req::GET,
            small,
            &fields(4),
            Close::Open,
            ProtocolError::TooManyHeaders { limit: 3 },
        );
    }

    #[test]
    fn trailer_bytes() {
        let limits = Limits::default();
        let n = limits.max_trailer_bytes;
        // Trailer bytes are the field lines without their CRLF.
        let trailer = |len: usize| chunked(&format!("0\r\nX: {}\r\n\r\n", "t".repeat(len - 3)));
        accepts(Req::GET, limits, &trailer(n));
        rejects(trailer(n + 1), ProtocolError::TrailersTooLarge { limit: n });
        let two = |len: usize| {
            chunked(&format!(
                "0\r\nA: {}\r\nB: {}\r\n\r\n",
                "a".repeat(100 - 3),
                "b".repeat(len - 100 - 3)
            ))
        };
        accepts(Req::GET, limits, &two(n));
        rejects(two(n + 1), ProtocolError::TrailersTooLarge { limit: n });
    }

    #[test]
    fn trailer_fields() {
        let limits = Limits::default();
        let n = limits.max_headers;
        let trailers = |count: usize| chunked(&format!("0\r\n{}\r\n", "a: b\r\n".repeat(count)));
        let steps = accepts(Req::GET, limits, &trailers(n));
        assert_eq!(steps.last(), Some(&Step::End { reusable: true }));
        rejects(
            trailers(n + 1),
            ProtocolError::TrailersTooLarge {
                limit: limits.max_trailer_bytes,
            },
        );
    }

    #[test]
    fn chunk_extension_bytes() {
        let limits = Limits::default();
        let n = limits.max_chunk_ext_bytes;
        // Extension bytes are everything between the size digits and the CR, summed over
        // the body.
        let one = |len: usize| chunked(&format!("1;{}\r\nZ\r\n0\r\n\r\n", "e".repeat(len - 1)));
        accepts(Req::GET, limits, &one(n));
        rejects(
            one(n + 1),
            ProtocolError::ChunkExtensionTooLong { limit: n },
        );
        let spread = |len: usize| {
            chunked(&format!(
                "1 ;{}\r\nZ\r\n0; {}\r\n\r\n",
                "e".repeat(1000 - 2),
                "f".repeat(len - 1000 - 2)
            ))
        };
        accepts(Req::GET, limits, &spread(n));
        rejects(
            spread(n + 1),
            ProtocolError::ChunkExtensionTooLong { limit: n },
        );
    }

    #[test]
    fn informational_responses() {
        let limits = Limits::default();
        let n = limits.max_informational;
        let with = |count: usize| {
            format!(
                "{}HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n",
                "HTTP/1.1 100 Continue\r\n\r\n".repeat(count)
            )
            .into_bytes()
        };
        let steps = accepts(Req::GET, limits, &with(n));
        assert!(matches!(&steps[0], Step::Head(h) if h.status == 200));
        rejects(
            with(n + 1),
            ProtocolError::TooManyInformational { limit: n },
        );
    }

    #[test]
    fn line_length() {
        for cap in [1, 5, 64] {
            let line = "x".repeat(cap);
            for ending in ["\n", "\r\n"] {
                for prefix in ["", "\x1e"] {
                    let ok = format!("{prefix}{line}{ending}");
                    let long = format!("{prefix}{line}x{ending}");
                    assert_eq!(
                        crate::frames::lines_of(cap, ok.as_bytes(), &[1]),
                        (vec![line.clone().into_bytes()], None)
                    );
                    assert_eq!(
                        crate::frames::lines_of(cap, ok.as_bytes(), &[usize::MAX]),
                        (vec![line.clone().into_bytes()], None)
                    );
                    for sizes in [&[1][..], &[usize::MAX], &[cap, 1]] {
                        let (lines, err) = crate::frames::lines_of(cap, long.as_bytes(), sizes);
                        assert!(lines.is_empty());
                        assert_eq!(err, Some(FrameError::LineTooLong { limit: cap }));
                    }
                }
            }
        }
    }
}

#[test]
fn hijack_upgrades_only_on_101_or_an_unframed_2xx() {
    let raw = b"\x01\x00\x00\x00\x00\x00\x00\x02ok";
    for head in [
        "HTTP/1.1 101 UPGRADED\r\nConnection: Upgrade\r\nUpgrade: tcp\r\n\r\n",
        "HTTP/1.1 200 OK\r\nContent-Type: application/vnd.docker.raw-stream\r\n\r\n",
    ] {
        let mut response = head.as_bytes().to_vec();
        response.extend_from_slice(raw);
        let steps = run(Req::HIJACK, Limits::default(), &response, Close::Open);
        assert!(
            matches!(&steps[..], [Step::Head(_), Step::Upgraded { rest }] if rest == raw),
            "{steps:?}"
        );
    }
    // An error answer to a hijack request is an ordinary framed response.
    let steps = run(
        Req::HIJACK,
        Limits::default(),
        b"HTTP/1.1 404 Not Found\r\nContent-Length: 2\r\n\r\n{}",
        Close::Open,
    );
    assert!(
        matches!(&steps[..], [Step::Head(_), Step::Body(b), Step::End { reusable: true }] if b == b"{}")
    );
    // Without a hijack request, an unframed 200 is a body read until close.
    let mut response = b"HTTP/1.1 200 OK\r\n\r\n".to_vec();
    response.extend_from_slice(raw);
    let steps = run(Req::GET, Limits::default(), &response, Close::Eof);
    assert_eq!(body_of(&steps), raw);
}
