//! Shared drivers for the fuzz targets: each feeds the same bytes whole and in pieces and
//! returns a normalised transcript, so that the targets can compare them.

use docker_wire::frames::{FrameError, LineDecoder, MuxDecoder, StreamKind};
use docker_wire::{BodyKind, ClientConn, Error, Event, Limits, Method, RequestHead, Upgrade};

/// What a response amounted to, with body pieces joined.
#[derive(Debug, PartialEq, Eq)]
pub enum Step {
    Head(u16, Vec<(String, String)>),
    Body(Vec<u8>),
    End(bool),
    Upgraded(Vec<u8>),
    Rest(Vec<u8>),
    NeedData,
    Failed(Error),
}

/// How the fuzz input sets up the exchange.
#[derive(Debug, Clone, Copy)]
pub struct Setup {
    pub method: Method,
    pub upgrade: Upgrade,
    pub eof: bool,
    pub limits: Limits,
}

impl Setup {
    /// Reads the setup from one byte.
    pub fn from_byte(b: u8) -> Setup {
        let limits = match b & 8 {
            0 => Limits::default(),
            _ => Limits {
                max_head_bytes: 256,
                max_headers: 4,
                max_chunk_ext_bytes: 8,
                max_trailer_bytes: 16,
                max_informational: 2,
            },
        };
        Setup {
            method: if b & 1 != 0 {
                Method::Head
            } else {
                Method::Get
            },
            upgrade: if b & 2 != 0 {
                Upgrade::Hijack
            } else {
                Upgrade::No
            },
            eof: b & 4 != 0,
            limits,
        }
    }
}

/// Decodes `pieces` as a transport would and returns the normalised transcript.
pub fn response(setup: Setup, pieces: &[&[u8]]) -> Vec<Step> {
    let mut conn = ClientConn::new(setup.limits);
    let head = RequestHead::new(setup.method, "/x", "docker")
        .body(BodyKind::None)
        .upgrade(setup.upgrade);
    conn.send_request(&head, &mut Vec::new()).unwrap();
    let mut steps = Vec::new();
    let push = |steps: &mut Vec<Step>, step: Step| match (steps.last_mut(), step) {
        (Some(Step::Body(acc)), Step::Body(more)) => acc.extend_from_slice(&more),
        (_, step) => steps.push(step),
    };
    let mut buf: Vec<u8> = Vec::new();
    let mut next = 0;
    loop {
        let res = match conn.decode(&buf) {
            Ok(res) => res,
            Err(e) => {
                assert!(!conn.is_reusable());
                assert_eq!(conn.decode(b"").unwrap_err(), e);
                push(&mut steps, Step::Failed(e));
                return steps;
            }
        };
        assert!(res.consumed <= buf.len());
        let consumed = res.consumed;
        let rest = |buf: &[u8], next: usize| {
            let mut rest = buf[consumed..].to_vec();
            pieces[next..]
                .iter()
                .for_each(|p| rest.extend_from_slice(p));
            rest
        };
        match res.event {
            Event::NeedData => {
                buf.drain(..consumed);
                if let Some(piece) = pieces.get(next) {
                    buf.extend_from_slice(piece);
                    next += 1;
                    continue;
                }
                if !setup.eof {
                    push(&mut steps, Step::NeedData);
                    return steps;
                }
                let step = match conn.handle_eof() {
                    Ok(Event::End { reusable }) => {
                        assert!(!reusable);
                        Step::End(reusable)
                    }
                    Ok(Event::Upgraded) => Step::Upgraded(Vec::new()),
                    Ok(other) => panic!("handle_eof gave {other:?}"),
                    Err(e) => Step::Failed(e),
                };
                push(&mut steps, step);
                return steps;
            }
            Event::Head(h) => {
                let headers = h
                    .headers
                    .iter()
                    .map(|(n, v)| (n.to_owned(), v.to_owned()))
                    .collect();
                push(&mut steps, Step::Head(h.status, headers));
            }
            Event::Body(b) => {
                assert!(!b.is_empty());
                push(&mut steps, Step::Body(b.to_vec()));
            }
            Event::End { reusable } => {
                assert_eq!(reusable, conn.is_reusable());
                push(&mut steps, Step::End(reusable));
                let rest = rest(&buf, next);
                if !rest.is_empty() {
                    push(&mut steps, Step::Rest(rest));
                }
                return steps;
            }
            Event::Upgraded => {
                assert!(!conn.is_reusable());
                let rest = rest(&buf, next);
                push(&mut steps, Step::Upgraded(rest));
                return steps;
            }
        }
        buf.drain(..consumed);
    }
}

/// Splits `data` into pieces of `size` bytes (the last may be shorter).
pub fn chop(data: &[u8], size: usize) -> Vec<&[u8]> {
    data.chunks(size.max(1)).collect()
}

/// Splits `data` once, at `at` modulo its length plus one.
pub fn cut(data: &[u8], at: usize) -> Vec<&[u8]> {
    let at = at % (data.len() + 1);
    vec![&data[..at], &data[at..]]
}

/// Multiplexed frames as decoded, pieces joined, and the final error if any.
pub fn mux(pieces: &[&[u8]]) -> (Vec<(StreamKind, Vec<u8>)>, Option<FrameError>) {
    let mut dec = MuxDecoder::default();
    let mut frames: Vec<(StreamKind, Vec<u8>)> = Vec::new();
    let mut open = false;
    for piece in pieces {
        let mut rest = *piece;
        while !rest.is_empty() {
            match dec.decode(rest) {
                Ok((n, got)) => {
                    assert!(n > 0 || got.is_some());
                    if let Some(p) = got {
                        assert!(!p.data.is_empty());
                        assert!(rest.as_ptr_range().contains(&p.data.as_ptr()));
                        match (open, frames.last_mut()) {
                            (true, Some(f)) => {
                                assert_eq!(f.0, p.stream);
                                f.1.extend_from_slice(p.data);
                            }
                            _ => frames.push((p.stream, p.data.to_vec())),
                        }
                        open = !p.frame_end;
                    }
                    rest = &rest[n..];
                }
                Err(e) => return (frames, Some(e)),
            }
        }
    }
    (frames, dec.finish().err())
}

/// Lines as decoded (the last one from `finish`), and the final error if any.
pub fn lines(max_line: usize, pieces: &[&[u8]]) -> (Vec<Vec<u8>>, Option<FrameError>) {
    let mut dec = LineDecoder::new(max_line);
    let mut lines = Vec::new();
    for piece in pieces {
        let mut rest = *piece;
        while !rest.is_empty() {
            match dec.decode(rest) {
                Ok((n, line)) => {
                    assert!(n > 0);
                    if let Some(line) = line {
                        assert!(!line.is_empty() && line.len() <= max_line);
                        lines.push(line.to_vec());
                    }
                    rest = &rest[n..];
                }
                Err(e) => return (lines, Some(e)),
            }
        }
    }
    match dec.finish() {
        Ok(Some(line)) => {
            assert!(line.len() <= max_line);
            lines.push(line.to_vec())
        }
        Ok(None) => (),
        Err(e) => return (lines, Some(e)),
    }
    (lines, None)
}
