//! `decode_framed` on both decoders: the same events as `decode`, plus chunk framing whose
//! parts put every message back together byte for byte, at every split of the input; a
//! piece of framing is consumed only once complete, within the limits.

use docker_wire::{
    Chunk, ClientConn, Error, Event, Framed, Limits, Misuse, ProtocolError, RequestDecoder,
    RequestEvent,
};
use proptest::prelude::*;

use crate::harness::{all_recorded, Close, Req};

/// One output of a framed decoder, with borrowed data copied out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Piece {
    /// A head, as its raw bytes (what was consumed with it).
    Head(Vec<u8>),
    Body(Vec<u8>),
    Size {
        size: u64,
        digits: Vec<u8>,
        ext: Vec<u8>,
    },
    DataEnd,
    Trailers(Vec<u8>),
    End,
    Upgraded,
    /// The input ran out with the message unfinished.
    NeedData,
    Failed(Error),
}

impl Piece {
    /// The bytes this piece stands for on the wire.
    fn wire(&self) -> Vec<u8> {
        match self {
            Piece::Head(b) | Piece::Body(b) | Piece::Trailers(b) => b.clone(),
            Piece::Size { digits, ext, .. } => [&digits[..], ext, b"\r\n"].concat(),
            Piece::DataEnd => b"\r\n".to_vec(),
            Piece::End | Piece::Upgraded | Piece::NeedData | Piece::Failed(_) => Vec::new(),
        }
    }
}

/// What a framed decoder does with one input, whichever of the two it is.
trait Framer {
    /// Decodes `input`: the bytes consumed and what they were, `None` for `NeedData`.
    fn step(&mut self, input: &[u8]) -> Result<(usize, Option<Piece>), Error>;
}

struct Response(ClientConn);

impl Framer for Response {
    fn step(&mut self, input: &[u8]) -> Result<(usize, Option<Piece>), Error> {
        let res = self.0.decode_framed(input)?;
        let consumed = res.consumed;
        let piece = match res.event {
            Framed::Event(Event::NeedData) => None,
            Framed::Event(Event::Head(_)) => Some(Piece::Head(input[..consumed].to_vec())),
            Framed::Event(Event::Body(b)) => Some(Piece::Body(b.to_vec())),
            Framed::Event(Event::End { .. }) => Some(Piece::End),
            Framed::Event(Event::Upgraded) => Some(Piece::Upgraded),
            Framed::Chunk(chunk) => Some(chunk_piece(chunk)),
        };
        Ok((consumed, piece))
    }
}

struct Request(RequestDecoder);

impl Framer for Request {
    fn step(&mut self, input: &[u8]) -> Result<(usize, Option<Piece>), Error> {
        let res = self.0.decode_framed(input)?;
        let consumed = res.consumed;
        let piece = match res.event {
            Framed::Event(RequestEvent::NeedData) => None,
            Framed::Event(RequestEvent::Head(_)) => Some(Piece::Head(input[..consumed].to_vec())),
            Framed::Event(RequestEvent::Body(b)) => Some(Piece::Body(b.to_vec())),
            Framed::Event(RequestEvent::End) => Some(Piece::End),
            Framed::Chunk(chunk) => Some(chunk_piece(chunk)),
        };
        Ok((consumed, piece))
    }
}

fn chunk_piece(chunk: Chunk<'_>) -> Piece {
    match chunk {
        Chunk::Size { size, digits, ext } => Piece::Size {
            size,
            digits: digits.to_vec(),
            ext: ext.to_vec(),
        },
        Chunk::DataEnd => Piece::DataEnd,
        Chunk::Trailers(t) => Piece::Trailers(t.to_vec()),
    }
}

/// Feeds `pieces` in order, presenting the unconsumed rest again each time, and checks that
/// every piece's parts are exactly the bytes consumed with it.
fn drive<'a>(dec: &mut dyn Framer, pieces: impl IntoIterator<Item = &'a [u8]>) -> Vec<Piece> {
    let mut pieces = pieces.into_iter();
    let mut buf = Vec::new();
    let mut out = Vec::new();
    loop {
        let (consumed, piece) = match dec.step(&buf) {
            Ok(step) => step,
            Err(e) => {
                assert_eq!(dec.step(&buf).unwrap_err(), e, "errors are sticky");
                out.push(Piece::Failed(e));
                return out;
            }
        };
        match piece {
            None => {
                // NeedData consumes nothing but the informational (1xx) heads it skipped.
                let skipped = &buf[..consumed];
                assert!(
                    consumed == 0
                        || (skipped.starts_with(b"HTTP/1.") && skipped.get(9) == Some(&b'1')),
                    "framed NeedData consumed {skipped:?}, which is no skipped 1xx head"
                );
                buf.drain(..consumed);
                match pieces.next() {
                    Some(more) => buf.extend_from_slice(more),
                    None => {
                        out.push(Piece::NeedData);
                        return out;
                    }
                }
            }
            Some(piece) => {
                if !matches!(piece, Piece::Head(_)) {
                    assert_eq!(piece.wire(), buf[..consumed], "{piece:?}");
                }
                buf.drain(..consumed);
                let done = matches!(piece, Piece::End | Piece::Upgraded);
                out.push(piece);
                if done {
                    return out;
                }
            }
        }
    }
}

/// Merges adjacent body pieces: how data is cut carries no meaning.
fn merged(pieces: Vec<Piece>) -> Vec<Piece> {
    let mut out: Vec<Piece> = Vec::new();
    for p in pieces {
        match (out.last_mut(), p) {
            (Some(Piece::Body(acc)), Piece::Body(more)) => acc.extend_from_slice(&more),
            (_, p) => out.push(p),
        }
    }
    out
}

fn wire_of(pieces: &[Piece]) -> Vec<u8> {
    pieces.iter().flat_map(Piece::wire).collect()
}

fn response(req: Req, input: &[u8], cuts: &[usize]) -> Vec<Piece> {
    let mut dec = Response(req.conn(Limits::default()));
    merged(drive(&mut dec, split(input, cuts)))
}

fn request(limits: Limits, input: &[u8], cuts: &[usize]) -> Vec<Piece> {
    let mut dec = Request(RequestDecoder::new(limits));
    merged(drive(&mut dec, split(input, cuts)))
}

fn split<'a>(input: &'a [u8], cuts: &[usize]) -> Vec<&'a [u8]> {
    let mut out = Vec::new();
    let mut from = 0;
    for &cut in cuts {
        out.push(&input[from..cut]);
        from = cut;
    }
    out.push(&input[from..]);
    out
}

fn bytewise(input: &[u8]) -> Vec<usize> {
    (1..input.len()).collect()
}

#[test]
fn every_recorded_response_is_put_back_together_byte_for_byte() {
    let mut n_chunked = 0;
    for ex in all_recorded() {
        let what = &ex.name;
        let req = ex.req;
        let whole = response(req, &ex.response, &[]);
        let by_byte = response(req, &ex.response, &bytewise(&ex.response));
        assert_eq!(by_byte, whole, "{what}: byte by byte");
        n_chunked += usize::from(whole.iter().any(|p| matches!(p, Piece::Size { .. })));
        // A response that ends or upgrades is its wire bytes; one delimited by the close
        // (or cut by the client) has given them all as body by the time input runs out.
        let rest = match whole.last() {
            Some(Piece::Upgraded) => {
                let n = wire_of(&whole).len();
                ex.response[n..].to_vec()
            }
            _ => Vec::new(),
        };
        assert_eq!(
            [wire_of(&whole), rest].concat(),
            ex.response,
            "{what}: reassembled"
        );
    }
    assert!(n_chunked >= 20, "only {n_chunked} chunked responses");
}

#[test]
fn every_recorded_request_is_put_back_together_byte_for_byte() {
    let mut n_chunked = 0;
    for ex in all_recorded() {
        let what = format!("{} request", ex.name);
        let whole = request(Limits::default(), &ex.request, &[]);
        assert_eq!(whole.last(), Some(&Piece::End), "{what}: {whole:?}");
        let by_byte = request(Limits::default(), &ex.request, &bytewise(&ex.request));
        assert_eq!(by_byte, whole, "{what}: byte by byte");
        assert_eq!(wire_of(&whole), ex.request, "{what}: reassembled");
        n_chunked += usize::from(whole.iter().any(|p| matches!(p, Piece::Size { .. })));
    }
    assert!(n_chunked >= 4, "only {n_chunked} chunked requests");
}

const CHUNKED_RESPONSE: &[u8] = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n\
    0003 ;a=1;b=\"x y\"\r\nabc\r\nA\r\n0123456789\r\n000\r\nX-One: 1\r\nX-Two: 2\r\n\r\n";

#[test]
fn framing_comes_out_the_same_at_every_split() {
    let whole = response(Req::GET, CHUNKED_RESPONSE, &[]);
    assert_eq!(
        whole,
        [
            Piece::Head(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n".to_vec()),
            Piece::Size {
                size: 3,
                digits: b"0003".to_vec(),
                ext: b" ;a=1;b=\"x y\"".to_vec()
            },
            Piece::Body(b"abc".to_vec()),
            Piece::DataEnd,
            Piece::Size {
                size: 10,
                digits: b"A".to_vec(),
                ext: Vec::new()
            },
            Piece::Body(b"0123456789".to_vec()),
            Piece::DataEnd,
            Piece::Size {
                size: 0,
                digits: b"000".to_vec(),
                ext: Vec::new()
            },
            Piece::Trailers(b"X-One: 1\r\nX-Two: 2\r\n\r\n".to_vec()),
            Piece::End,
        ]
    );
    assert_eq!(wire_of(&whole), CHUNKED_RESPONSE);
    for cut in 0..=CHUNKED_RESPONSE.len() {
        assert_eq!(
            response(Req::GET, CHUNKED_RESPONSE, &[cut]),
            whole,
            "cut at {cut}"
        );
    }
    for a in 0..CHUNKED_RESPONSE.len() {
        for b in a..CHUNKED_RESPONSE.len() {
            assert_eq!(
                response(Req::GET, CHUNKED_RESPONSE, &[a, b]),
                whole,
                "cut at {a} and {b}"
            );
        }
    }
}

#[test]
fn framed_and_plain_decoding_agree_on_every_event() {
    let plain = crate::harness::normalise(crate::harness::whole(
        Req::GET,
        Limits::default(),
        CHUNKED_RESPONSE,
        Close::Open,
    ));
    let bodies = |pieces: Vec<Piece>| -> Vec<u8> {
        pieces
            .into_iter()
            .filter_map(|p| match p {
                Piece::Body(b) => Some(b),
                _ => None,
            })
            .flatten()
            .collect()
    };
    let framed = bodies(response(Req::GET, CHUNKED_RESPONSE, &[]));
    let crate::harness::Step::Body(plain_body) = &plain[1] else {
        panic!("{plain:?}")
    };
    assert_eq!(&framed, plain_body);
    assert_eq!(
        plain.last(),
        Some(&crate::harness::Step::End { reusable: true })
    );
}

#[test]
fn responses_without_chunks_report_no_framing() {
    for (req, input) in [
        (
            Req::GET,
            &b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nOK"[..],
        ),
        (
            Req::HEAD,
            b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n",
        ),
        (Req::GET, b"HTTP/1.1 204 No Content\r\n\r\n"),
        (
            Req::HIJACK,
            b"HTTP/1.1 101 UPGRADED\r\nUpgrade: tcp\r\n\r\nraw",
        ),
    ] {
        let pieces = response(req, input, &[]);
        assert!(
            pieces
                .iter()
                .all(|p| !matches!(p, Piece::Size { .. } | Piece::DataEnd | Piece::Trailers(_))),
            "{pieces:?}"
        );
    }
}

#[test]
fn a_size_line_is_held_until_complete_and_costs_linear_work_byte_by_byte() {
    // A 16 KiB extension (the limit) on one size line, fed a byte at a time: each call
    // consumes nothing until the line ends, and resumes where it stopped.
    let ext = format!(";{}", "e".repeat(16 * 1024 - 1));
    let body = format!("1{ext}\r\nZ\r\n0\r\n\r\n");
    let head = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n";
    let mut conn = Req::GET.conn(Limits::default());
    let res = conn.decode_framed(head).unwrap();
    assert_eq!(res.consumed, head.len());
    let line_len = 1 + ext.len() + 2;
    for end in 1..line_len {
        let res = conn.decode_framed(&body.as_bytes()[..end]).unwrap();
        assert_eq!(
            (res.consumed, res.event),
            (0, Framed::Event(Event::NeedData))
        );
    }
    let res = conn.decode_framed(&body.as_bytes()[..line_len]).unwrap();
    assert_eq!(res.consumed, line_len);
    assert_eq!(
        res.event,
        Framed::Chunk(Chunk::Size {
            size: 1,
            digits: b"1",
            ext: ext.as_bytes()
        })
    );
    // One byte over the limit is refused, framed or not.
    let over = format!("1;{}\r\nZ\r\n0\r\n\r\n", "e".repeat(16 * 1024));
    let input = [&head[..], over.as_bytes()].concat();
    let pieces = response(Req::GET, &input, &[]);
    assert_eq!(
        pieces.last(),
        Some(&Piece::Failed(Error::Protocol(
            ProtocolError::ChunkExtensionTooLong { limit: 16 * 1024 }
        )))
    );
}

#[test]
fn trailers_are_held_until_the_final_line_within_their_limit() {
    let limits = Limits {
        max_trailer_bytes: 10,
        ..Limits::default()
    };
    let head = "PUT /x HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n";
    // Ten trailer bytes (CRLFs are not counted) pass; eleven do not.
    let at_limit = format!("{head}A: 1234567\r\n\r\n");
    let pieces = request(limits, at_limit.as_bytes(), &bytewise(at_limit.as_bytes()));
    assert_eq!(
        pieces[pieces.len() - 2..],
        [Piece::Trailers(b"A: 1234567\r\n\r\n".to_vec()), Piece::End]
    );
    let over = format!("{head}A: 12345678\r\n\r\n");
    let pieces = request(limits, over.as_bytes(), &[]);
    assert_eq!(
        pieces.last(),
        Some(&Piece::Failed(Error::BadRequest(
            ProtocolError::TrailersTooLarge { limit: 10 }
        )))
    );
}

#[test]
fn dropping_held_bytes_is_misuse() {
    let mut conn = Req::GET.conn(Limits::default());
    let input = &CHUNKED_RESPONSE[..50];
    let res = conn.decode_framed(input).unwrap();
    let rest = &input[res.consumed..];
    let res = conn.decode_framed(rest).unwrap();
    assert_eq!(res.event, Framed::Event(Event::NeedData));
    let err = conn.decode_framed(&rest[1..]).unwrap_err();
    assert_eq!(
        err,
        Error::Misuse(Misuse::InputNotPresentedAgain {
            held: rest.len(),
            given: rest.len() - 1
        })
    );
    assert!(!err.is_peer_fault());
    assert_eq!(conn.decode_framed(rest).unwrap_err(), err, "sticky");
}

#[test]
fn one_message_is_read_either_framed_or_not() {
    let mut conn = Req::GET.conn(Limits::default());
    conn.decode(&CHUNKED_RESPONSE[..10]).unwrap();
    assert!(matches!(
        conn.decode_framed(CHUNKED_RESPONSE),
        Err(Error::Misuse(Misuse::WrongState { .. }))
    ));
    let mut dec = RequestDecoder::new(Limits::default());
    dec.decode_framed(b"GET").unwrap();
    assert!(matches!(
        dec.decode(b"GET / HTTP/1.1\r\n\r\n"),
        Err(Error::Misuse(Misuse::WrongState { .. }))
    ));
}

/// A chunked request or response body: chunks with their size written in either case, with
/// or without leading zeros, extensions; trailers.
fn arb_chunked_body() -> impl Strategy<Value = Vec<u8>> {
    let chunk = (
        prop::collection::vec(any::<u8>(), 1..300),
        0usize..3,
        any::<bool>(),
        prop_oneof![
            Just(String::new()),
            "(;[a-z]{1,5}(=[a-z0-9]{1,5})?){1,3}",
            " ;[a-z]{1,5}=\"[ a-z]{0,8}\"",
            "[ \t]{1,3}",
        ],
    );
    let trailer = "[A-Za-z][A-Za-z0-9-]{0,8}: [!-~]{0,10}";
    (
        prop::collection::vec(chunk, 0..8),
        "0{1,3}",
        prop::collection::vec(trailer, 0..3),
    )
        .prop_map(|(chunks, last, trailers)| {
            let mut body = Vec::new();
            for (data, zeros, upper, ext) in chunks {
                let size = match upper {
                    true => format!("{}{:X}", "0".repeat(zeros), data.len()),
                    false => format!("{}{:x}", "0".repeat(zeros), data.len()),
                };
                body.extend_from_slice(format!("{size}{ext}\r\n").as_bytes());
                body.extend_from_slice(&data);
                body.extend_from_slice(b"\r\n");
            }
            body.extend_from_slice(format!("{last}\r\n").as_bytes());
            for t in trailers {
                body.extend_from_slice(format!("{t}\r\n").as_bytes());
            }
            body.extend_from_slice(b"\r\n");
            body
        })
}

fn arb_cuts(len: usize) -> impl Strategy<Value = Vec<usize>> {
    prop::collection::vec(0..=len, 0..8).prop_map(|mut cuts| {
        cuts.sort_unstable();
        cuts
    })
}

/// The events of a plain `decode`, bodies merged, with framing left out of the framed ones.
fn without_framing(pieces: Vec<Piece>) -> Vec<Piece> {
    let pieces = pieces
        .into_iter()
        .filter(|p| !matches!(p, Piece::Size { .. } | Piece::DataEnd | Piece::Trailers(_)))
        .collect();
    merged(pieces)
}

/// A plain `decode` of `input` in the same pieces, as `Piece`s.
fn plain_response(req: Req, input: &[u8], cuts: &[usize]) -> Vec<Piece> {
    let mut conn = req.conn(Limits::default());
    let mut buf = Vec::new();
    let mut pieces = split(input, cuts).into_iter();
    let mut out = Vec::new();
    loop {
        let res = match conn.decode(&buf) {
            Ok(res) => res,
            Err(e) => {
                out.push(Piece::Failed(e));
                return merged(out);
            }
        };
        let consumed = res.consumed;
        let piece = match res.event {
            Event::NeedData => None,
            Event::Head(_) => Some(Piece::Head(buf[..consumed].to_vec())),
            Event::Body(b) => Some(Piece::Body(b.to_vec())),
            Event::End { .. } => Some(Piece::End),
            Event::Upgraded => Some(Piece::Upgraded),
        };
        buf.drain(..consumed);
        match piece {
            None => match pieces.next() {
                Some(more) => buf.extend_from_slice(more),
                None => {
                    out.push(Piece::NeedData);
                    return merged(out);
                }
            },
            Some(p) => {
                let done = matches!(p, Piece::End | Piece::Upgraded);
                out.push(p);
                if done {
                    return merged(out);
                }
            }
        }
    }
}

proptest! {
    #[test]
    fn framed_pieces_rebuild_any_chunked_request_over_any_split(
        (bytes, cuts) in arb_chunked_body().prop_flat_map(|body| {
            let bytes = [&b"POST /load HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n"[..], &body].concat();
            let len = bytes.len();
            (Just(bytes), arb_cuts(len))
        }),
    ) {
        let whole = request(Limits::default(), &bytes, &[]);
        prop_assert_eq!(whole.last(), Some(&Piece::End));
        prop_assert_eq!(wire_of(&whole), bytes.clone());
        prop_assert_eq!(request(Limits::default(), &bytes, &cuts), whole);
    }

    #[test]
    fn framed_pieces_rebuild_any_chunked_response_over_any_split(
        (bytes, cuts) in arb_chunked_body().prop_flat_map(|body| {
            let bytes = [&b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"[..], &body].concat();
            let len = bytes.len();
            (Just(bytes), arb_cuts(len))
        }),
    ) {
        let whole = response(Req::GET, &bytes, &[]);
        prop_assert_eq!(whole.last(), Some(&Piece::End));
        prop_assert_eq!(wire_of(&whole), bytes.clone());
        prop_assert_eq!(response(Req::GET, &bytes, &cuts), whole.clone());
        prop_assert_eq!(without_framing(whole), plain_response(Req::GET, &bytes, &cuts));
    }

    #[test]
    fn framed_and_plain_decoding_end_alike_on_damaged_input(
        (bytes, cuts) in arb_chunked_body().prop_flat_map(|body| {
            let bytes = [&b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"[..], &body].concat();
            let len = bytes.len();
            (Just(bytes), prop::collection::vec((0..len, any::<u8>()), 1..4), 0..=len, arb_cuts(len))
        }).prop_map(|(mut bytes, flips, keep, cuts)| {
            for (at, b) in flips {
                bytes[at] = b;
            }
            bytes.truncate(keep);
            let cuts = cuts.into_iter().filter(|&c| c <= keep).collect::<Vec<_>>();
            (bytes, cuts)
        }),
    ) {
        let framed = without_framing(response(Req::GET, &bytes, &cuts));
        prop_assert_eq!(framed, plain_response(Req::GET, &bytes, &[]));
    }
}
