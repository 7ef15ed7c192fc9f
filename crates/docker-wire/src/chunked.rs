//! The chunked transfer coding, decoded one framing byte at a time and data zero-copy.
//!
//! By default the framing is stepped over and only data comes out. In framing mode (the
//! decoders' `decode_framed`) each piece of framing is reported too, as a sub-slice of the
//! input: a size line, the CRLF after data, the trailers. A piece is reported once it is
//! complete; until then its bytes are left unconsumed, and the decoder remembers how far it
//! got (`held`), so that bytes presented again are not stepped over twice.

use std::ops::Range;

use crate::error::{ProtocolError, Stage};
use crate::Limits;

/// Chunk framing, as [`ClientConn::decode_framed`](crate::ClientConn::decode_framed) and
/// [`RequestDecoder::decode_framed`](crate::RequestDecoder::decode_framed) report it beside
/// the body.
///
/// A chunked body comes out as, for each chunk, [`Chunk::Size`], one or more `Body`
/// events and [`Chunk::DataEnd`]; then [`Chunk::Size`] with size 0 (the last chunk) and
/// [`Chunk::Trailers`]. Put back in order, `digits`, `ext`, CRLF, data, CRLF, …, `digits`,
/// `ext`, CRLF and the trailers are the body byte for byte: a tool that rewrites chunk
/// sizes (a transcript normaliser) keeps everything else as it was sent.
///
/// ```
/// use docker_wire::{Chunk, ClientConn, Event, Framed, Limits, Method, RequestHead};
///
/// let mut conn = ClientConn::new(Limits::default());
/// conn.send_request(&RequestHead::new(Method::Get, "/events", "docker"), &mut Vec::new())?;
/// let mut input: &[u8] = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n\
///     3;name=v\r\nabc\r\n0\r\nX-Trailer: 1\r\n\r\n";
/// let mut seen = Vec::new();
/// loop {
///     let res = conn.decode_framed(input)?;
///     input = &input[res.consumed..];
///     match res.event {
///         Framed::Event(Event::Head(_)) => (),
///         Framed::Event(Event::Body(data)) => seen.push(format!("data {}", data.escape_ascii())),
///         Framed::Chunk(Chunk::Size { size, ext, .. }) => {
///             seen.push(format!("size {size} ext {:?}", ext.escape_ascii().to_string()))
///         }
///         Framed::Chunk(Chunk::DataEnd) => seen.push("data end".into()),
///         Framed::Chunk(Chunk::Trailers(t)) => seen.push(format!("trailers {}", t.escape_ascii())),
///         Framed::Event(Event::End { .. }) => break,
///         Framed::Event(other) => panic!("{other:?}"),
///     }
/// }
/// assert_eq!(seen, [
///     "size 3 ext \";name=v\"", "data abc", "data end",
///     "size 0 ext \"\"", r"trailers X-Trailer: 1\r\n\r\n",
/// ]);
/// # Ok::<(), docker_wire::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Chunk<'i> {
    /// A complete chunk-size line (its CRLF consumed with it). Size 0 is the last chunk.
    Size {
        /// The chunk's size.
        size: u64,
        /// The size as sent: 1 to 16 hex digits, leading zeros and case kept.
        digits: &'i [u8],
        /// Everything between the digits and the line's CR: whitespace and `;` extensions,
        /// often empty.
        ext: &'i [u8],
    },
    /// The CRLF that ends a chunk's data.
    DataEnd,
    /// The trailer fields after the last chunk, each line with its CRLF, then the final
    /// CRLF: `\r\n` alone when there are none. The body's `End` follows.
    Trailers(&'i [u8]),
}

/// What a `decode_framed` call produced: an event of the plain `decode`, or chunk framing.
///
/// `E` is [`Event`](crate::Event) for [`ClientConn`](crate::ClientConn) and
/// [`RequestEvent`](crate::RequestEvent) for [`RequestDecoder`](crate::RequestDecoder). See
/// [`Chunk`] for an example.
///
/// ```
/// use docker_wire::{Chunk, ClientConn, Event, Framed, Limits, Method, RequestHead};
/// let mut conn = ClientConn::new(Limits::default());
/// conn.send_request(&RequestHead::new(Method::Get, "/events", "docker"), &mut Vec::new())?;
/// let input = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nhi\r\n";
/// let head = conn.decode_framed(input)?;
/// assert!(matches!(head.event, Framed::Event(Event::Head(_))));
/// let size = conn.decode_framed(&input[head.consumed..])?;
/// assert!(matches!(size.event, Framed::Chunk(Chunk::Size { size: 2, .. })));
/// # Ok::<(), docker_wire::Error>(())
/// ```
#[derive(Debug, PartialEq, Eq)]
pub enum Framed<'i, E> {
    /// What `decode` would have returned.
    Event(E),
    /// A piece of chunk framing.
    Chunk(Chunk<'i>),
}

#[derive(Debug, Default)]
pub(crate) struct Chunked {
    state: State,
    size: u64,
    n_digits: u8,
    ext_bytes: usize,
    trailer_bytes: usize,
    trailer_fields: usize,
    /// Framing mode: bytes at the front of the input that belong to the piece in progress
    /// and were stepped over already. The caller presents them again.
    held: usize,
    /// Framing mode: where the digits of the size line in progress end, and where its CR
    /// is, counted from the start of the line (which is the start of the input).
    digits_end: usize,
    line_cr: usize,
}

#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
enum State {
    /// Hex digits of a chunk size.
    #[default]
    Size,
    /// Whitespace after the size, before `;` or CR.
    SizeWs,
    /// A chunk extension, skipped up to the limit.
    Ext,
    /// The LF ending a size line.
    SizeLf,
    /// Chunk data.
    Data { remaining: u64 },
    /// The CR after chunk data.
    DataCr,
    /// The LF after chunk data.
    DataLf,
    /// The start of a trailer line (or the final empty line).
    TrailerStart,
    /// Inside a trailer line.
    TrailerLine,
    /// The LF ending a trailer line.
    TrailerLf,
    /// The LF of the final empty line.
    EndLf,
}

pub(crate) enum Step {
    NeedData,
    Data(Range<usize>),
    End,
    /// Framing mode: a complete size line; [`Chunked::size_line`] says where its parts are.
    Size {
        size: u64,
    },
    /// Framing mode: the CRLF after data.
    DataEnd,
    /// Framing mode: the trailers and the final CRLF; the body is complete.
    Trailers(Range<usize>),
}

/// Whether a decoder reports framing: which of `decode` and `decode_framed` reads a message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Report {
    /// Framing is stepped over; only data and the end come out.
    Data,
    /// Each complete piece of framing comes out too (`Step::Size`, `DataEnd`, `Trailers`).
    Framing,
}

impl Chunked {
    /// Where an EOF now would cut the body.
    pub(crate) fn stage(&self) -> Stage {
        match self.state {
            State::Data { .. } => Stage::Body,
            _ => Stage::ChunkFraming,
        }
    }

    /// How many bytes at the front of the next input were stepped over already (framing
    /// mode): the input must be at least this long.
    pub(crate) fn held(&self) -> usize {
        self.held
    }

    /// Where the digits and the extension of the size line just reported by `Step::Size`
    /// are, in the input of that call.
    pub(crate) fn size_line(&self) -> (Range<usize>, Range<usize>) {
        (0..self.digits_end, self.digits_end..self.line_cr)
    }

    /// Consumes framing bytes until data, the end, or the end of input; in framing mode
    /// (`FRAMING`), also until a piece of framing is complete. The mode is a constant so
    /// that the plain decoder carries none of its branches.
    ///
    /// Inlined into each decoder, as it was when the response decoder was its only caller:
    /// a call per chunk costs the 4 KiB-chunk benchmark a tenth of its speed.
    #[inline(always)]
    pub(crate) fn decode<const FRAMING: bool>(
        &mut self,
        input: &[u8],
        limits: &Limits,
    ) -> Result<(usize, Step), ProtocolError> {
        let mut i = match FRAMING {
            true => std::mem::take(&mut self.held),
            false => 0,
        };
        while i < input.len() {
            if let State::Data { remaining } = self.state {
                let n = remaining.min((input.len() - i) as u64);
                self.state = match remaining - n {
                    0 => State::DataCr,
                    left => State::Data { remaining: left },
                };
                let end = i + n as usize;
                return Ok((end, Step::Data(i..end)));
            }
            let b = input[i];
            i += 1;
            self.state = match (self.state, b) {
                (State::Size, _) if b.is_ascii_hexdigit() => {
                    if self.n_digits == 16 {
                        return Err(ProtocolError::InvalidChunkSize);
                    }
                    self.n_digits += 1;
                    self.size = (self.size << 4) | u64::from(hex_value(b));
                    State::Size
                }
                (State::Size, _) if self.n_digits == 0 => {
                    return Err(ProtocolError::InvalidChunkSize)
                }
                // Everything between the size and the CR is extension bytes, whitespace
                // and `;` included, so that no part of the line goes uncounted.
                (State::Size | State::SizeWs, b' ' | b'\t') => {
                    self.end_digits::<FRAMING>(i - 1);
                    self.count_ext_byte(limits)?;
                    State::SizeWs
                }
                (State::Size | State::SizeWs, b';') => {
                    self.end_digits::<FRAMING>(i - 1);
                    self.count_ext_byte(limits)?;
                    State::Ext
                }
                (State::Size | State::SizeWs | State::Ext, b'\r') => {
                    self.end_digits::<FRAMING>(i - 1);
                    if FRAMING {
                        self.line_cr = i - 1;
                    }
                    State::SizeLf
                }
                (State::Ext, b'\t') | (State::Ext, 0x20..=0x7e | 0x80..=0xff) => {
                    self.count_ext_byte(limits)?;
                    State::Ext
                }
                (State::SizeLf, b'\n') => {
                    let size = std::mem::take(&mut self.size);
                    self.n_digits = 0;
                    let next = match size {
                        0 => State::TrailerStart,
                        remaining => State::Data { remaining },
                    };
                    if FRAMING {
                        self.state = next;
                        return Ok((i, Step::Size { size }));
                    }
                    next
                }
                (State::Size | State::SizeWs | State::Ext | State::SizeLf, _) => {
                    return Err(ProtocolError::InvalidChunkSize)
                }
                (State::DataCr, b'\r') => State::DataLf,
                (State::DataLf, b'\n') if FRAMING => {
                    self.state = State::Size;
                    return Ok((i, Step::DataEnd));
                }
                (State::DataLf, b'\n') => State::Size,
                (State::DataCr | State::DataLf, _) => {
                    return Err(ProtocolError::MissingChunkTerminator)
                }
                (State::TrailerStart, b'\r') => State::EndLf,
                (State::EndLf, b'\n') if FRAMING => return Ok((i, Step::Trailers(0..i))),
                (State::EndLf, b'\n') => return Ok((i, Step::End)),
                (State::TrailerLine, b'\r') => State::TrailerLf,
                (State::TrailerLf, b'\n') => State::TrailerStart,
                (State::TrailerStart | State::TrailerLine, b) if b != b'\n' && b != 0 => {
                    if self.state == State::TrailerStart {
                        self.trailer_fields += 1;
                    }
                    self.trailer_bytes += 1;
                    if self.trailer_bytes > limits.max_trailer_bytes
                        || self.trailer_fields > limits.max_headers
                    {
                        return Err(ProtocolError::TrailersTooLarge {
                            limit: limits.max_trailer_bytes,
                        });
                    }
                    State::TrailerLine
                }
                (State::TrailerStart | State::TrailerLine | State::TrailerLf | State::EndLf, _) => {
                    return Err(ProtocolError::MalformedHead {
                        reason: "invalid trailer line",
                    })
                }
                (State::Data { .. }, _) => unreachable!("data is handled before the byte loop"),
            };
        }
        if FRAMING {
            // A piece in progress starts at the front of the input: nothing is consumed
            // until it is complete.
            self.held = i;
            return Ok((0, Step::NeedData));
        }
        Ok((i, Step::NeedData))
    }
}

impl Chunked {
    /// Notes where the size digits end, at the first byte after them (framing mode).
    fn end_digits<const FRAMING: bool>(&mut self, at: usize) {
        if FRAMING && self.state == State::Size {
            self.digits_end = at;
        }
    }

    fn count_ext_byte(&mut self, limits: &Limits) -> Result<(), ProtocolError> {
        self.ext_bytes += 1;
        match self.ext_bytes > limits.max_chunk_ext_bytes {
            true => Err(ProtocolError::ChunkExtensionTooLong {
                limit: limits.max_chunk_ext_bytes,
            }),
            false => Ok(()),
        }
    }
}

fn hex_value(b: u8) -> u8 {
    match b {
        b'0'..=b'9' => b - b'0',
        b'a'..=b'f' => b - b'a' + 10,
        _ => b - b'A' + 10,
    }
}
