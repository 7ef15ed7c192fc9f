//! Docker's stream framings: the multiplexed stdout/stderr frames and newline-delimited
//! JSON, each the same over any split of its input.

use docker_wire::frames::{FrameError, LineDecoder, MuxDecoder, StreamKind};
use proptest::prelude::*;

/// A frame as decoded: stream and whole payload.
type Frame = (StreamKind, Vec<u8>);

/// Feeds `input` to a fresh `MuxDecoder` in pieces of the given sizes (cycled), joins the
/// pieces of each frame, and ends with `finish`.
pub(crate) fn frames_of(input: &[u8], sizes: &[usize]) -> (Vec<Frame>, Option<FrameError>) {
    let mut dec = MuxDecoder::default();
    let mut frames: Vec<Frame> = Vec::new();
    let mut open: Option<Frame> = None;
    for piece in pieces(input, sizes) {
        let mut rest = piece;
        while !rest.is_empty() {
            match dec.decode(rest) {
                Ok((n, got)) => {
                    assert!(
                        n > 0 || got.is_some(),
                        "no progress on {} bytes",
                        rest.len()
                    );
                    if let Some(p) = got {
                        assert!(!p.data.is_empty(), "an empty piece");
                        assert!(rest.as_ptr_range().contains(&p.data.as_ptr()));
                        let frame = open.get_or_insert((p.stream, Vec::new()));
                        assert_eq!(frame.0, p.stream, "the stream changed inside a frame");
                        frame.1.extend_from_slice(p.data);
                        if p.frame_end {
                            frames.extend(open.take());
                        }
                    }
                    rest = &rest[n..];
                }
                Err(e) => return (frames, Some(e)),
            }
        }
    }
    assert_eq!(dec.is_at_boundary(), open.is_none() && dec.finish().is_ok());
    (frames, dec.finish().err())
}

/// Feeds `input` to a fresh `LineDecoder` in pieces of the given sizes (cycled), then
/// `finish`.
pub(crate) fn lines_of(
    max_line: usize,
    input: &[u8],
    sizes: &[usize],
) -> (Vec<Vec<u8>>, Option<FrameError>) {
    let mut dec = LineDecoder::new(max_line);
    let mut lines = Vec::new();
    for piece in pieces(input, sizes) {
        let mut rest = piece;
        while !rest.is_empty() {
            match dec.decode(rest) {
                Ok((n, line)) => {
                    assert!(n > 0, "no progress");
                    if let Some(line) = line {
                        assert!(!line.is_empty(), "an empty line was returned");
                        lines.push(line.to_vec());
                    }
                    rest = &rest[n..];
                }
                Err(e) => return (lines, Some(e)),
            }
        }
    }
    match dec.finish() {
        Ok(Some(line)) => lines.push(line.to_vec()),
        Ok(None) => (),
        Err(e) => return (lines, Some(e)),
    }
    (lines, None)
}

pub(crate) fn pieces<'a>(input: &'a [u8], sizes: &[usize]) -> Vec<&'a [u8]> {
    let mut out = Vec::new();
    let mut rest = input;
    let mut sizes = sizes.iter().copied().filter(|&s| s > 0).cycle();
    while !rest.is_empty() {
        let n = sizes.next().unwrap_or(usize::MAX).min(rest.len());
        out.push(&rest[..n]);
        rest = &rest[n..];
    }
    out
}

fn mux(stream: u8, payload: &[u8]) -> Vec<u8> {
    let mut out = vec![stream, 0, 0, 0];
    out.extend_from_slice(&(payload.len() as u32).to_be_bytes());
    out.extend_from_slice(payload);
    out
}

#[test]
fn mux_stream_bytes_name_the_four_streams() {
    let mut input = Vec::new();
    for (byte, payload) in [(0u8, "in"), (1, "out"), (2, "err"), (3, "sys")] {
        input.extend(mux(byte, payload.as_bytes()));
    }
    let (frames, err) = frames_of(&input, &[usize::MAX]);
    assert_eq!(err, None);
    let kinds: Vec<_> = frames.iter().map(|f| f.0).collect();
    assert_eq!(
        kinds,
        [
            StreamKind::Stdin,
            StreamKind::Stdout,
            StreamKind::Stderr,
            StreamKind::SystemErr
        ]
    );
    assert_eq!(frames[3].1, b"sys");
    assert_eq!(StreamKind::SystemErr.to_string(), "systemerr");
}

#[test]
fn mux_empty_frames_yield_nothing() {
    let mut input = mux(1, b"");
    input.extend(mux(2, b""));
    input.extend(mux(1, b"x"));
    input.extend(mux(2, b""));
    assert_eq!(
        frames_of(&input, &[1]),
        (vec![(StreamKind::Stdout, b"x".to_vec())], None)
    );
}

#[test]
fn mux_stream_ending_inside_a_header_or_payload_is_truncated() {
    let frame = mux(1, b"hello");
    for cut in 1..frame.len() {
        let (_, err) = frames_of(&frame[..cut], &[usize::MAX]);
        assert_eq!(err, Some(FrameError::TruncatedFrame), "cut at {cut}");
    }
    assert_eq!(frames_of(&frame, &[3]).1, None);
    assert_eq!(frames_of(b"", &[1]), (vec![], None));
}

#[test]
fn mux_invalid_stream_byte_stops_the_decoder() {
    let mut input = mux(1, b"ok");
    input.extend(mux(4, b"bad"));
    input.extend(mux(1, b"never"));
    let (frames, err) = frames_of(&input, &[1]);
    assert_eq!(frames, vec![(StreamKind::Stdout, b"ok".to_vec())]);
    assert_eq!(err, Some(FrameError::InvalidStreamType(4)));
}

#[test]
fn mux_frames_of_an_upgraded_exec_stream_decode() {
    // The recorded exec writes `out`, then `err` to stderr.
    let c = crate::harness::recorded("docker-20.10/exec#2");
    let head_end = c
        .response
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .unwrap()
        + 4;
    let (frames, err) = frames_of(&c.response[head_end..], &[1]);
    assert_eq!(err, None);
    assert_eq!(
        frames,
        vec![
            (StreamKind::Stdout, b"out\n".to_vec()),
            (StreamKind::Stderr, b"err\n".to_vec()),
        ]
    );
}

#[test]
fn lines_crlf_split_across_reads_leave_no_stray_cr() {
    // bollard#560: a CRLF split between two reads left a `\r` behind.
    let input = b"{\"a\":1}\r\n{\"b\":2}\r\n";
    for cut in 0..=input.len() {
        let (lines, err) = lines_of(64, input, &[cut, usize::MAX]);
        assert_eq!(err, None);
        assert_eq!(lines, [&b"{\"a\":1}"[..], b"{\"b\":2}"], "cut at {cut}");
    }
}

#[test]
fn lines_blank_lines_are_skipped() {
    let input = b"\n\r\n{\"a\":1}\n\n\r\n\r\n{\"b\":2}\n\r\n";
    for sizes in [&[1][..], &[2, 3], &[usize::MAX]] {
        assert_eq!(
            lines_of(64, input, sizes),
            (vec![b"{\"a\":1}".to_vec(), b"{\"b\":2}".to_vec()], None)
        );
    }
}

#[test]
fn lines_json_seq_record_separators_are_dropped() {
    let input = b"\x1e{\"a\":1}\n\x1e{\"b\":2}\r\n\x1e\n";
    for sizes in [&[1][..], &[usize::MAX]] {
        assert_eq!(
            lines_of(64, input, sizes),
            (vec![b"{\"a\":1}".to_vec(), b"{\"b\":2}".to_vec()], None)
        );
    }
}

#[test]
fn lines_last_line_without_newline_comes_from_finish() {
    assert_eq!(
        lines_of(64, b"{\"a\":1}\n{\"b\":2}", &[3]),
        (vec![b"{\"a\":1}".to_vec(), b"{\"b\":2}".to_vec()], None)
    );
    assert_eq!(lines_of(64, b"{\"a\":1}\r", &[3]).0, [b"{\"a\":1}"]);
    // Content one past the cap with no newline is refused at `finish` at the latest.
    assert_eq!(
        lines_of(4, b"abcde", &[1]),
        (vec![], Some(FrameError::LineTooLong { limit: 4 }))
    );
    assert_eq!(
        lines_of(4, b"\x1eabcde", &[usize::MAX]),
        (vec![], Some(FrameError::LineTooLong { limit: 4 }))
    );
}

#[test]
fn lines_wholly_inside_one_read_are_not_copied() {
    let input = b"{\"a\":1}\n{\"b\":2}\n";
    let mut dec = LineDecoder::new(64);
    let (n, line) = dec.decode(input).unwrap();
    let line = line.unwrap();
    assert_eq!((n, line), (8, &b"{\"a\":1}"[..]));
    assert!(input.as_ptr_range().contains(&line.as_ptr()));
}

#[test]
fn lines_of_the_recorded_events_decode() {
    let c = crate::harness::recorded("docker-20.10/events");
    let steps = crate::harness::normalise(crate::harness::whole(
        c.req,
        docker_wire::Limits::default(),
        &c.response,
        c.close,
    ));
    let crate::harness::Step::Body(body) = &steps[1] else {
        panic!("{steps:?}")
    };
    let (lines, err) = lines_of(1 << 20, body, &[7]);
    assert_eq!(err, None);
    assert!(lines.len() >= 40, "{} lines", lines.len());
    assert!(lines
        .iter()
        .all(|l| l.starts_with(b"{") && l.ends_with(b"}")));
}

fn arb_frames() -> impl Strategy<Value = Vec<(u8, Vec<u8>)>> {
    prop::collection::vec((0u8..=3, prop::collection::vec(any::<u8>(), 0..300)), 0..12)
}

fn arb_sizes() -> impl Strategy<Value = Vec<usize>> {
    prop::collection::vec(prop_oneof![Just(1usize), 1usize..9, 1usize..700], 1..16)
}

/// A line's content and how it is written.
fn arb_lines() -> impl Strategy<Value = Vec<(Vec<u8>, bool, bool)>> {
    let content = prop::collection::vec(
        prop_oneof![
            4 => b'a'..=b'z',
            1 => Just(b'\r'),
            1 => Just(b'{'),
            1 => Just(0x1e_u8),
            1 => any::<u8>().prop_filter("no newline", |&b| b != b'\n'),
        ],
        0..24,
    );
    prop::collection::vec((content, any::<bool>(), any::<bool>()), 0..10)
}

/// What a correct decoder returns for `lines` written with optional RS prefix and CRLF.
fn model_lines(max_line: usize, lines: &[Vec<u8>]) -> (Vec<Vec<u8>>, Option<FrameError>) {
    let mut out = Vec::new();
    for content in lines {
        let line = content.strip_suffix(b"\r").unwrap_or(content);
        let line = line.strip_prefix(b"\x1e").unwrap_or(line);
        if line.is_empty() {
            continue;
        }
        if line.len() > max_line {
            return (out, Some(FrameError::LineTooLong { limit: max_line }));
        }
        out.push(line.to_vec());
    }
    (out, None)
}

fn write_lines(lines: &[(Vec<u8>, bool, bool)], last_newline: bool) -> (Vec<u8>, Vec<Vec<u8>>) {
    let mut out = Vec::new();
    // What each line reads as, once its prefix and ending are applied.
    let mut as_read = Vec::new();
    for (i, (content, rs, crlf)) in lines.iter().enumerate() {
        let mut raw = Vec::new();
        if *rs {
            raw.push(0x1e);
        }
        raw.extend_from_slice(content);
        let last = i + 1 == lines.len();
        out.extend_from_slice(&raw);
        if *crlf {
            out.push(b'\r');
            raw.push(b'\r');
        }
        if !last || last_newline {
            out.push(b'\n');
        }
        as_read.push(raw);
    }
    (out, as_read)
}

proptest! {
    #[test]
    fn mux_frames_decode_the_same_over_any_split(frames in arb_frames(), sizes in arb_sizes()) {
        let mut input = Vec::new();
        for (stream, payload) in &frames {
            input.extend(mux(*stream, payload));
        }
        let expected: Vec<Frame> = frames
            .iter()
            .filter(|(_, p)| !p.is_empty())
            .map(|(s, p)| {
                let kind = [StreamKind::Stdin, StreamKind::Stdout, StreamKind::Stderr, StreamKind::SystemErr][*s as usize];
                (kind, p.clone())
            })
            .collect();
        prop_assert_eq!(frames_of(&input, &[usize::MAX]), (expected.clone(), None));
        prop_assert_eq!(frames_of(&input, &sizes), (expected, None));
    }

    #[test]
    fn mux_truncation_is_reported_at_any_split(frames in arb_frames(), sizes in arb_sizes(), cut in any::<prop::sample::Index>()) {
        let mut input = Vec::new();
        for (stream, payload) in &frames {
            input.extend(mux(*stream, payload));
        }
        prop_assume!(!input.is_empty());
        let cut = cut.index(input.len());
        let whole = frames_of(&input[..cut], &[usize::MAX]);
        prop_assert_eq!(frames_of(&input[..cut], &sizes), whole);
    }

    #[test]
    fn lines_decode_the_same_over_any_split(
        lines in arb_lines(),
        last_newline in any::<bool>(),
        max_line in 1usize..30,
        sizes in arb_sizes(),
    ) {
        let (input, as_read) = write_lines(&lines, last_newline);
        let expected = model_lines(max_line, &as_read);
        prop_assert_eq!(lines_of(max_line, &input, &[usize::MAX]), expected.clone());
        prop_assert_eq!(lines_of(max_line, &input, &sizes), expected.clone());
        prop_assert_eq!(lines_of(max_line, &input, &[1]), expected);
    }
}
