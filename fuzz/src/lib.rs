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

/// A chunked body decoded with `decode_framed`: every consumed byte is accounted for by
/// exactly one piece (the head, a size line, data, a data CRLF, the trailers), so that the
/// pieces put back together are the input byte for byte, and the data equals what plain
/// `decode` gives. Returns the body and whether it ended.
pub fn chunked_framed(head: &[u8], body: &[u8], limits: Limits) -> Option<(Vec<u8>, bool)> {
    use docker_wire::{Chunk, Framed};
    let mut conn = ClientConn::new(limits);
    conn.send_request(&RequestHead::new(Method::Get, "/x", "docker"), &mut Vec::new())
        .unwrap();
    let mut input = head.to_vec();
    input.extend_from_slice(body);
    let mut rebuilt: Vec<u8> = Vec::new();
    let mut data = Vec::new();
    let mut at = 0;
    loop {
        let Ok(res) = conn.decode_framed(&input[at..]) else {
            return None;
        };
        let piece = &input[at..at + res.consumed];
        match res.event {
            Framed::Event(Event::NeedData) => {
                assert!(piece.is_empty() || at + res.consumed == input.len());
                rebuilt.extend_from_slice(piece);
                at += res.consumed;
                assert_eq!(rebuilt, input[..at]);
                return Some((data, false));
            }
            Framed::Event(Event::Head(_)) => rebuilt.extend_from_slice(piece),
            Framed::Event(Event::Body(b)) => {
                assert_eq!(b, piece, "data is the consumed bytes themselves");
                data.extend_from_slice(b);
                rebuilt.extend_from_slice(b);
            }
            Framed::Event(Event::End { .. }) => {
                rebuilt.extend_from_slice(piece);
                at += res.consumed;
                assert_eq!(rebuilt, input[..at]);
                return Some((data, true));
            }
            Framed::Event(Event::Upgraded) => return None,
            Framed::Chunk(Chunk::Size { digits, ext, .. }) => {
                let mut line = digits.to_vec();
                line.extend_from_slice(ext);
                line.extend_from_slice(b"\r\n");
                assert_eq!(line, piece, "a size line is its digits, extension and CRLF");
                rebuilt.extend_from_slice(piece);
            }
            Framed::Chunk(Chunk::DataEnd) => {
                assert_eq!(piece, b"\r\n");
                rebuilt.extend_from_slice(piece);
            }
            Framed::Chunk(Chunk::Trailers(t)) => {
                assert_eq!(t, piece);
                rebuilt.extend_from_slice(piece);
            }
        }
        at += res.consumed;
        assert_eq!(rebuilt, input[..at]);
    }
}

/// One request as the round-trip target builds it from fuzz bytes.
#[derive(Debug, Clone)]
pub struct Built {
    pub method: Method,
    pub target: String,
    pub headers: Vec<(String, String)>,
    pub body: BuiltBody,
    pub upgrade: Upgrade,
}

/// The body of a [`Built`] request.
#[derive(Debug, Clone)]
pub enum BuiltBody {
    None,
    Length(Vec<u8>),
    Chunked(Vec<Vec<u8>>),
}

/// Builds a request from fuzz bytes: byte 0 picks the method, body kind and upgrade; the
/// rest is split at 0xff bytes into the target, header names and values, and body pieces.
pub fn build_request(data: &[u8]) -> Option<Built> {
    const METHODS: [Method; 7] = [
        Method::Get,
        Method::Head,
        Method::Post,
        Method::Put,
        Method::Delete,
        Method::Patch,
        Method::Options,
    ];
    let (&flags, rest) = data.split_first()?;
    let mut parts = rest.split(|&b| b == 0xff);
    let text = |b: &[u8]| String::from_utf8_lossy(b).into_owned();
    let target = text(parts.next()?);
    let n_headers = usize::from(flags >> 5);
    let mut headers = Vec::new();
    for _ in 0..n_headers {
        let (Some(name), Some(value)) = (parts.next(), parts.next()) else {
            break;
        };
        headers.push((text(name), text(value)));
    }
    let pieces: Vec<Vec<u8>> = parts.map(<[u8]>::to_vec).collect();
    let body = match (flags >> 3) & 3 {
        0 => BuiltBody::None,
        1 => BuiltBody::Length(pieces.concat()),
        _ => BuiltBody::Chunked(pieces),
    };
    Some(Built {
        method: METHODS[usize::from(flags & 7) % METHODS.len()],
        target,
        headers,
        body,
        upgrade: if flags & 4 != 0 && flags & 7 >= 7 {
            Upgrade::Hijack
        } else {
            Upgrade::No
        },
    })
}

/// Encodes `req` with `ClientConn`; `None` when the codec refused it (before writing).
pub fn encode_request(req: &Built) -> Option<Vec<u8>> {
    let headers: Vec<(&str, &str)> = req
        .headers
        .iter()
        .map(|(n, v)| (n.as_str(), v.as_str()))
        .collect();
    let kind = match &req.body {
        BuiltBody::None => BodyKind::None,
        BuiltBody::Length(b) => BodyKind::Length(b.len() as u64),
        BuiltBody::Chunked(_) => BodyKind::Chunked,
    };
    let head = RequestHead::new(req.method, &req.target, "docker")
        .headers(&headers)
        .body(kind)
        .upgrade(req.upgrade);
    let mut conn = ClientConn::new(Limits::default());
    let mut out = Vec::new();
    if conn.send_request(&head, &mut out).is_err() {
        assert!(out.is_empty(), "nothing is written for a refused head");
        return None;
    }
    match &req.body {
        BuiltBody::None => (),
        BuiltBody::Length(b) => conn.send_body(b, &mut out).unwrap(),
        BuiltBody::Chunked(pieces) => {
            for p in pieces {
                conn.send_body(p, &mut out).unwrap();
            }
        }
    }
    conn.finish_body(&mut out).unwrap();
    Some(out)
}

/// What the server side decoded: head, joined body, and the bytes after the request.
#[derive(Debug, PartialEq, Eq)]
pub struct Received {
    pub method: Method,
    pub target: String,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

/// Decodes one request from `pieces` with `RequestDecoder`.
pub fn decode_request(pieces: &[&[u8]]) -> Result<Received, Error> {
    use docker_wire::{RequestDecoder, RequestEvent};
    let mut dec = RequestDecoder::new(Limits::default());
    let mut buf: Vec<u8> = Vec::new();
    let mut next = 0;
    let mut head = None;
    let mut body = Vec::new();
    loop {
        let res = dec.decode(&buf)?;
        let consumed = res.consumed;
        match res.event {
            RequestEvent::NeedData => match pieces.get(next) {
                Some(p) => {
                    buf.drain(..consumed);
                    buf.extend_from_slice(p);
                    next += 1;
                    continue;
                }
                None => {
                    dec.handle_eof()?;
                    panic!("a complete request ended without End");
                }
            },
            RequestEvent::Head(h) => head = Some(h),
            RequestEvent::Body(b) => body.extend_from_slice(b),
            RequestEvent::End => {
                let rest: usize =
                    buf.len() - consumed + pieces[next..].iter().map(|p| p.len()).sum::<usize>();
                assert_eq!(rest, 0, "the request is exactly the bytes encoded");
                let h = head.expect("a head before End");
                return Ok(Received {
                    method: h.method,
                    target: h.target,
                    headers: h
                        .headers
                        .iter()
                        .map(|(n, v)| (n.to_owned(), v.to_owned()))
                        .collect(),
                    body,
                });
            }
        }
        buf.drain(..consumed);
    }
}

/// Decodes `json` as the model `T`. When it decodes, encoding it and decoding the encoding
/// must give the same encoding again (a fixed point after one round), and `Debug` must not
/// panic.
pub fn model<T>(json: &str)
where
    T: serde::de::DeserializeOwned + serde::Serialize + std::fmt::Debug,
{
    let Ok(first) = serde_json::from_str::<T>(json) else {
        return;
    };
    let _ = format!("{first:?}");
    let encoded = serde_json::to_string(&first).expect("a decoded model encodes");
    let second: T = serde_json::from_str(&encoded)
        .unwrap_or_else(|e| panic!("its own encoding {encoded} does not decode: {e}"));
    let again = serde_json::to_string(&second).expect("a decoded model encodes");
    assert_eq!(encoded, again, "encoding is a fixed point");
}

/// What the tar reader read: each entry and its data, or the error it stopped with.
pub fn tar_entries(reader: impl std::io::Read) -> (Vec<(dkr::tar::Entry, Vec<u8>)>, Option<String>) {
    use std::io::Read;
    let mut tar = dkr::tar::Reader::new(reader);
    let mut entries = Vec::new();
    loop {
        match tar.next_entry() {
            Ok(Some(entry)) => {
                let mut data = Vec::new();
                // The data is bounded by the input (the reader has no more to give).
                if let Err(e) = (&mut tar).take(1 << 24).read_to_end(&mut data) {
                    entries.push((entry, data));
                    return (entries, Some(e.to_string()));
                }
                entries.push((entry, data));
            }
            Ok(None) => return (entries, None),
            Err(e) => return (entries, Some(e.to_string())),
        }
    }
}

/// A reader that hands out its bytes `size` at a time, as a socket might.
pub struct Trickle<'a> {
    pub data: &'a [u8],
    pub size: usize,
}

impl std::io::Read for Trickle<'_> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = buf.len().min(self.size).min(self.data.len());
        buf[..n].copy_from_slice(&self.data[..n]);
        self.data = &self.data[n..];
        Ok(n)
    }
}

/// What a WebSocket stream amounted to, folded so that no split of the input changes it
/// and nothing is allocated per piece: a hash of every message's kind and bytes, of each
/// message's end, of each control frame, the count of messages and control frames, and how
/// the stream ended.
#[derive(Debug, PartialEq, Eq)]
pub struct WsSummary {
    pub hash: u64,
    pub messages: u32,
    pub controls: u32,
    pub closed: bool,
    pub end: Result<(), docker_wire::websocket::WsError>,
}

/// FNV-1a over `bytes`, continued from `hash`.
fn fnv(mut hash: u64, bytes: &[u8]) -> u64 {
    for b in bytes {
        hash ^= u64::from(*b);
        hash = hash.wrapping_mul(0x100_0000_01b3);
    }
    hash
}

/// Server frames decoded over `pieces` with [`FrameDecoder`](docker_wire::websocket::FrameDecoder),
/// checking on the way that every call makes progress, that data is a sub-slice of the
/// input, that control payloads fit the RFC's 125 bytes, and that nothing follows a close.
pub fn websocket(pieces: &[&[u8]]) -> WsSummary {
    use docker_wire::websocket::{FrameDecoder, Message, WsEvent, MAX_CONTROL};
    let mut dec = FrameDecoder::default();
    let mut sum = WsSummary {
        hash: 0xcbf2_9ce4_8422_2325,
        messages: 0,
        controls: 0,
        closed: false,
        end: Ok(()),
    };
    let mut in_message = false;
    for piece in pieces {
        let mut rest = *piece;
        while !rest.is_empty() {
            let range = rest.as_ptr_range();
            match dec.decode(rest) {
                Ok((n, event)) => {
                    assert!(n > 0, "decode consumed nothing of {} bytes", rest.len());
                    assert!(n <= rest.len());
                    // Bytes after the close may be taken in (a frame header is refused once
                    // whole), but no event may come of them.
                    assert!(!sum.closed || event.is_none(), "an event after the close frame");
                    match event {
                        Some(WsEvent::Data { message, data, last }) => {
                            assert!(data.is_empty() || range.contains(&data.as_ptr()));
                            if !in_message {
                                let kind = match message {
                                    Message::Text => b'T',
                                    Message::Binary => b'B',
                                };
                                sum.hash = fnv(sum.hash, &[kind]);
                                in_message = true;
                            }
                            sum.hash = fnv(sum.hash, data);
                            if last {
                                sum.hash = fnv(sum.hash, b"\xffend");
                                sum.messages += 1;
                                in_message = false;
                            }
                        }
                        Some(WsEvent::Ping(p)) | Some(WsEvent::Pong(p)) => {
                            assert!(p.len() <= MAX_CONTROL);
                            sum.hash = fnv(fnv(sum.hash, b"\xfectl"), p);
                            sum.controls += 1;
                        }
                        Some(WsEvent::Close { code, reason }) => {
                            assert!(reason.len() <= MAX_CONTROL);
                            let code = code.map_or([0xff; 3], |c| [0, (c >> 8) as u8, c as u8]);
                            sum.hash = fnv(fnv(fnv(sum.hash, b"\xfdclose"), &code), reason);
                            sum.controls += 1;
                            sum.closed = true;
                        }
                        None => (),
                    }
                    rest = &rest[n..];
                }
                Err(e) => {
                    // Errors are sticky.
                    assert_eq!(dec.decode(b"\x82\x00").map(|_| ()), Err(e.clone()));
                    assert_eq!(dec.finish(), Err(e.clone()));
                    sum.end = Err(e);
                    return sum;
                }
            }
        }
    }
    assert_eq!(dec.is_closed(), sum.closed);
    sum.end = dec.finish();
    sum
}
