//! Recorded messages taken apart and put back together byte for byte. docker-wire frames
//! them: its request decoder takes requests apart and its client codec responses, both with
//! `decode_framed`, so that chunk extensions and the last chunk's line and trailers are kept
//! as they went over the socket.

use docker_wire::{
    Chunk, ClientConn, Error, Event, Framed, Headers, Limits, Method, ProtocolError,
    RequestDecoder, RequestEvent, RequestHead, Stage, Upgrade,
};

/// A request or response split into its head and its framed body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Message {
    /// The start line and headers, with the blank line that ends them; empty when the head
    /// was not understood (then every byte is in a `Raw` body).
    pub(crate) head: Vec<u8>,
    pub(crate) body: Body,
    /// What the decoder read in the head.
    pub(crate) start: Start,
}

/// The decoded start line and header fields of a message.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Start {
    /// A request's method; empty for a response or a head not understood.
    pub(crate) method: String,
    /// A request's target as sent; empty for a response or a head not understood.
    pub(crate) target: String,
    pub(crate) headers: Headers,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Body {
    /// No body bytes.
    None,
    /// A body sized by `Content-Length` (complete), or delimited by the end of the stream.
    Plain(Vec<u8>),
    /// Chunks as `(extension, data)`, the extension being every byte between the size and
    /// the CR; `last` is the last-chunk line, trailers and final CRLF as recorded, absent
    /// when the stream stopped before it (at a chunk boundary).
    Chunked {
        chunks: Vec<(Vec<u8>, Vec<u8>)>,
        last: Option<Vec<u8>>,
    },
    /// Bytes whose framing is not understood (truncated, malformed, upgraded, or followed by
    /// bytes of no message): kept as they are.
    Raw(Vec<u8>),
}

impl Message {
    /// The body content with chunk framing removed, when the framing is understood.
    pub(crate) fn content(&self) -> Option<Vec<u8>> {
        match &self.body {
            Body::None => Some(Vec::new()),
            Body::Plain(b) => Some(b.clone()),
            Body::Chunked { chunks, .. } => {
                Some(chunks.iter().flat_map(|(_, d)| d.clone()).collect())
            }
            Body::Raw(_) => None,
        }
    }

    pub(crate) fn to_bytes(&self) -> Vec<u8> {
        let mut out = self.head.clone();
        match &self.body {
            Body::None => (),
            Body::Plain(b) | Body::Raw(b) => out.extend_from_slice(b),
            Body::Chunked { chunks, last } => {
                for (ext, data) in chunks {
                    out.extend_from_slice(format!("{:x}", data.len()).as_bytes());
                    out.extend_from_slice(ext);
                    out.extend_from_slice(b"\r\n");
                    out.extend_from_slice(data);
                    out.extend_from_slice(b"\r\n");
                }
                if let Some(last) = last {
                    out.extend_from_slice(last);
                }
            }
        }
        out
    }

    /// The value of the first header field called `name` (case-insensitive).
    pub(crate) fn header(&self, name: &str) -> Option<&str> {
        self.start.headers.get(name)
    }

    /// A request's method, empty when its head was not understood.
    pub(crate) fn method(&self) -> &str {
        &self.start.method
    }

    /// A request's target, empty when its head was not understood.
    pub(crate) fn target(&self) -> &str {
        &self.start.target
    }

    /// A message whose framing is not understood at all: every byte kept as it is.
    fn opaque(bytes: &[u8]) -> Message {
        Message {
            head: Vec::new(),
            body: raw(bytes),
            start: Start::default(),
        }
    }
}

/// The bounds for recorded messages: the decoders' defaults.
fn limits() -> Limits {
    Limits::default()
}

/// Splits a request: the body is chunked, sized by `Content-Length`, or absent.
pub(crate) fn parse_request(bytes: &[u8]) -> Message {
    let mut dec = RequestDecoder::new(limits());
    let mut body = Collect::default();
    let mut head: Option<(usize, Start)> = None;
    let mut at = 0;
    loop {
        let Ok(res) = dec.decode_framed(&bytes[at..]) else {
            return body.broken(bytes, head);
        };
        let piece = match res.event {
            Framed::Event(RequestEvent::NeedData) => {
                // The input is all there is: the request was cut short.
                let between_chunks = cut_in_chunk_framing(dec.handle_eof().err());
                return body.cut(bytes, at, head, between_chunks);
            }
            Framed::Event(RequestEvent::Head(h)) => {
                let start = Start {
                    method: h.method.as_str().to_owned(),
                    target: h.target,
                    headers: h.headers,
                };
                head = Some((at + res.consumed, start));
                Piece::Head
            }
            Framed::Event(RequestEvent::Body(data)) => Piece::Data(data),
            Framed::Event(RequestEvent::End) => Piece::End,
            Framed::Chunk(chunk) => Piece::Chunk(chunk),
        };
        at += res.consumed;
        if body.take(piece) {
            return body.finish(bytes, at, head);
        }
    }
}

/// Splits a response to `request`: HEAD, 204 and 304 have no body, a `101` (or a hijack
/// answered without framing) is followed by a raw stream, and a body is sized, chunked or
/// delimited by the end of the stream, as docker-wire's client codec decides.
pub(crate) fn parse_response(bytes: &[u8], request: &Message) -> Message {
    let method = Method::parse(request.method()).unwrap_or(Method::Get);
    let upgrade = match request.header("upgrade") {
        Some(_) => Upgrade::Hijack,
        None => Upgrade::No,
    };
    let mut conn = ClientConn::new(limits());
    let head = RequestHead::new(method, "/", "docker").upgrade(upgrade);
    if conn.send_request(&head, &mut Vec::new()).is_err() {
        return Message::opaque(bytes);
    }
    let mut body = Collect::default();
    let mut head: Option<(usize, Start)> = None;
    let mut at = 0;
    loop {
        let Ok(res) = conn.decode_framed(&bytes[at..]) else {
            return body.broken(bytes, head);
        };
        let piece = match res.event {
            Framed::Event(Event::NeedData) => match conn.handle_eof() {
                // A body delimited by the end of the stream.
                Ok(_) => Piece::End,
                Err(e) => return body.cut(bytes, at, head, cut_in_chunk_framing(Some(e))),
            },
            Framed::Event(Event::Head(h)) => {
                let start = Start {
                    headers: h.headers,
                    ..Start::default()
                };
                head = Some((at + res.consumed, start));
                Piece::Head
            }
            Framed::Event(Event::Body(data)) => Piece::Data(data),
            Framed::Event(Event::End { .. }) => Piece::End,
            Framed::Event(Event::Upgraded) => {
                let Some((head_len, start)) = head else {
                    return Message::opaque(bytes);
                };
                return Message {
                    head: bytes[..head_len].to_vec(),
                    body: raw(&bytes[head_len..]),
                    start,
                };
            }
            Framed::Chunk(chunk) => Piece::Chunk(chunk),
        };
        at += res.consumed;
        if body.take(piece) {
            return body.finish(bytes, at, head);
        }
    }
}

/// What a decoder said about part of a message.
enum Piece<'i> {
    Head,
    Data(&'i [u8]),
    Chunk(Chunk<'i>),
    End,
}

/// A body being put together from the decoder's pieces.
#[derive(Default)]
struct Collect {
    data: Vec<u8>,
    chunked: bool,
    chunks: Vec<(Vec<u8>, Vec<u8>)>,
    /// Inside a chunk: its size line came, its data's CRLF not yet.
    in_chunk: bool,
    last: Option<Vec<u8>>,
}

impl Collect {
    /// Takes a piece; true at the end of the message.
    fn take(&mut self, piece: Piece<'_>) -> bool {
        match piece {
            Piece::Head => (),
            Piece::Data(data) => match self.chunks.last_mut() {
                Some((_, chunk)) if self.in_chunk => chunk.extend_from_slice(data),
                _ => self.data.extend_from_slice(data),
            },
            Piece::Chunk(Chunk::Size {
                size: 0,
                digits,
                ext,
            }) => {
                self.chunked = true;
                self.last = Some([digits, ext, b"\r\n"].concat());
            }
            Piece::Chunk(Chunk::Size { ext, .. }) => {
                self.chunked = true;
                self.in_chunk = true;
                self.chunks.push((ext.to_vec(), Vec::new()));
            }
            Piece::Chunk(Chunk::DataEnd) => self.in_chunk = false,
            Piece::Chunk(Chunk::Trailers(trailers)) => {
                if let Some(last) = &mut self.last {
                    last.extend_from_slice(trailers);
                }
            }
            Piece::End => return true,
        }
        false
    }

    /// The message, which ended after `at` bytes of `bytes`.
    fn finish(self, bytes: &[u8], at: usize, head: Option<(usize, Start)>) -> Message {
        let Some((head_len, start)) = head else {
            return Message::opaque(bytes);
        };
        let body = if at < bytes.len() {
            // Bytes after the end belong to no message of the exchange.
            raw(&bytes[head_len..])
        } else if self.chunked {
            Body::Chunked {
                chunks: self.chunks,
                last: self.last,
            }
        } else if self.data.is_empty() && at == head_len {
            Body::None
        } else {
            Body::Plain(self.data)
        };
        Message {
            head: bytes[..head_len].to_vec(),
            body,
            start,
        }
    }

    /// The message, cut short after `at` bytes (what the decoder took of `bytes`), inside
    /// chunk framing or not.
    fn cut(
        self,
        bytes: &[u8],
        at: usize,
        head: Option<(usize, Start)>,
        in_chunk_framing: bool,
    ) -> Message {
        let Some((head_len, start)) = head else {
            return Message::opaque(bytes);
        };
        // A chunked stream that stopped between chunks keeps its chunks (a stream the
        // client left); anywhere else the framing is not whole.
        let between_chunks =
            in_chunk_framing && at == bytes.len() && !self.in_chunk && self.last.is_none();
        let body = match between_chunks {
            true => Body::Chunked {
                chunks: self.chunks,
                last: None,
            },
            false => raw(&bytes[head_len..]),
        };
        Message {
            head: bytes[..head_len].to_vec(),
            body,
            start,
        }
    }

    /// The message, whose framing the decoder refused.
    fn broken(self, bytes: &[u8], head: Option<(usize, Start)>) -> Message {
        match head {
            Some((head_len, start)) => Message {
                head: bytes[..head_len].to_vec(),
                body: raw(&bytes[head_len..]),
                start,
            },
            None => Message::opaque(bytes),
        }
    }
}

/// True when the end of input came inside chunk framing (which includes the place between
/// two chunks).
fn cut_in_chunk_framing(eof: Option<Error>) -> bool {
    let in_framing = ProtocolError::UnexpectedEof {
        stage: Stage::ChunkFraming,
    };
    matches!(eof, Some(Error::Protocol(e) | Error::BadRequest(e)) if e == in_framing)
}

fn raw(rest: &[u8]) -> Body {
    match rest.is_empty() {
        true => Body::None,
        false => Body::Raw(rest.to_vec()),
    }
}

/// `head` with its `Content-Length` value set to `len` (when it has one).
///
/// The head was framed by docker-wire; this only rewrites the digits of the field in place,
/// keeping every other byte.
pub(crate) fn with_content_length(head: &[u8], len: usize) -> Vec<u8> {
    let mut out = Vec::with_capacity(head.len());
    for (i, line) in split_lines(head).into_iter().enumerate() {
        let is_cl = i > 0
            && line.iter().position(|&b| b == b':').is_some_and(|c| {
                line[..c]
                    .trim_ascii()
                    .eq_ignore_ascii_case(b"content-length")
            });
        match is_cl {
            true => {
                let colon = line.iter().position(|&b| b == b':').unwrap_or(0);
                out.extend_from_slice(&line[..=colon]);
                out.extend_from_slice(format!(" {len}").as_bytes());
                out.extend_from_slice(b"\r\n");
            }
            false => {
                out.extend_from_slice(line);
                out.extend_from_slice(b"\r\n");
            }
        }
    }
    // `split_lines` drops the trailing CRLF of the last (empty) line; put the head back as it
    // ended.
    let ends_with_crlf = head.ends_with(b"\r\n");
    if !ends_with_crlf {
        out.truncate(out.len().saturating_sub(2));
    }
    out
}

fn split_lines(head: &[u8]) -> Vec<&[u8]> {
    let mut lines = Vec::new();
    let mut rest = head;
    while let Some(at) = rest.windows(2).position(|w| w == b"\r\n") {
        lines.push(&rest[..at]);
        rest = &rest[at + 2..];
    }
    if !rest.is_empty() {
        lines.push(rest);
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    fn get() -> Message {
        parse_request(b"GET / HTTP/1.1\r\n\r\n")
    }

    #[test]
    fn chunked_response_round_trips() {
        let raw = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n2;x=1\r\nde\r\n0\r\n\r\n";
        let m = parse_response(raw, &get());
        assert_eq!(m.content().unwrap(), b"abcde");
        assert_eq!(m.to_bytes(), raw);
    }

    #[test]
    fn the_last_chunk_and_trailers_are_kept_as_recorded() {
        let raw = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1 ;a\r\nZ\r\n000;end\r\nX-T: 1\r\n\r\n";
        let m = parse_response(raw, &get());
        let Body::Chunked { chunks, last } = &m.body else {
            panic!("{m:?}")
        };
        assert_eq!(chunks, &[(b" ;a".to_vec(), b"Z".to_vec())]);
        assert_eq!(last.as_deref(), Some(&b"000;end\r\nX-T: 1\r\n\r\n"[..]));
        assert_eq!(m.to_bytes(), raw);
    }

    #[test]
    fn truncated_chunked_response_keeps_its_chunks() {
        let raw = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n";
        let m = parse_response(raw, &get());
        assert_eq!(
            m.body,
            Body::Chunked {
                chunks: vec![],
                last: None
            }
        );
        assert_eq!(m.to_bytes(), raw);
        let raw = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n";
        let m = parse_response(raw, &get());
        assert_eq!(
            m.body,
            Body::Chunked {
                chunks: vec![(Vec::new(), b"{}".to_vec())],
                last: None
            }
        );
        assert_eq!(m.to_bytes(), raw);
    }

    #[test]
    fn a_response_cut_inside_a_chunk_is_kept_raw() {
        for raw in [
            &b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nab"[..],
            b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nabcde\r",
            b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5;x",
            b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nab",
        ] {
            let m = parse_response(raw, &get());
            assert!(matches!(m.body, Body::Raw(_)), "{m:?}");
            assert_eq!(m.to_bytes(), raw);
        }
    }

    #[test]
    fn head_and_no_content_have_no_body() {
        let raw = b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n";
        let head = parse_request(b"HEAD / HTTP/1.1\r\n\r\n");
        assert_eq!(parse_response(raw, &head).body, Body::None);
        let raw = b"HTTP/1.1 304 Not Modified\r\n\r\n";
        let post = parse_request(b"POST / HTTP/1.1\r\n\r\n");
        assert_eq!(parse_response(raw, &post).body, Body::None);
    }

    #[test]
    fn a_body_delimited_by_the_close_is_plain() {
        let raw = b"HTTP/1.1 200 OK\r\n\r\nuntil close";
        let m = parse_response(raw, &get());
        assert_eq!(m.body, Body::Plain(b"until close".to_vec()));
    }

    #[test]
    fn an_upgraded_stream_is_raw() {
        let req =
            parse_request(b"POST /attach HTTP/1.1\r\nConnection: Upgrade\r\nUpgrade: tcp\r\n\r\n");
        let raw = b"HTTP/1.1 101 UPGRADED\r\nUpgrade: tcp\r\n\r\n\x01\x00\x00\x00\x00\x00\x00\x01x";
        let m = parse_response(raw, &req);
        assert_eq!(m.head, b"HTTP/1.1 101 UPGRADED\r\nUpgrade: tcp\r\n\r\n");
        assert!(matches!(m.body, Body::Raw(_)));
        assert_eq!(m.to_bytes(), raw);
    }

    #[test]
    fn requests_are_split_by_their_framing() {
        let m = parse_request(b"POST /x?a=1 HTTP/1.1\r\nContent-Length: 3\r\n\r\nabc");
        assert_eq!((m.method(), m.target()), ("POST", "/x?a=1"));
        assert_eq!(m.body, Body::Plain(b"abc".to_vec()));
        let m = parse_request(
            b"PUT /y HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n1\r\na\r\n0\r\n\r\n",
        );
        assert_eq!(m.content().unwrap(), b"a");
        let m = parse_request(b"GET /z HTTP/1.1\r\n\r\nstray");
        assert_eq!(m.body, Body::Raw(b"stray".to_vec()));
    }

    #[test]
    fn a_message_not_understood_is_kept_whole() {
        for raw in [
            &b"GET / HTTP/1.1\r\nHost"[..],
            b"not http at all\r\n\r\n",
            b"",
        ] {
            let m = parse_request(raw);
            assert_eq!(m.head, b"");
            assert_eq!(m.to_bytes(), raw);
            assert_eq!(m.method(), "");
        }
        let m = parse_response(b"HTTP/1.1 200 OK\r\nContent-Length: x\r\n\r\nab", &get());
        assert_eq!(
            m.to_bytes(),
            b"HTTP/1.1 200 OK\r\nContent-Length: x\r\n\r\nab"
        );
    }

    #[test]
    fn content_length_is_rewritten_in_place() {
        let head = b"HTTP/1.1 200 OK\r\ncontent-length: 10\r\nX: y\r\n\r\n";
        assert_eq!(
            with_content_length(head, 7),
            b"HTTP/1.1 200 OK\r\ncontent-length: 7\r\nX: y\r\n\r\n"
        );
    }
}
