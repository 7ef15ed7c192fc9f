//! One request/response exchange on a connection.
//!
//! ```text
//!  write side:   Idle ──send_request──▶ Body ──finish_body──▶ Done
//!                                 └────(no body)────────────▶ Done
//!
//!  read side:    Head ──1xx──▶ Head
//!                  │
//!                  ├─ 101, or hijack + 2xx without framing ─▶ [Head event] ─▶ Upgraded (terminal)
//!                  ├─ HEAD / 204 / 304 ──────────────────────▶ [Head event] ─▶ Done
//!                  ├─ Content-Length ─▶ Length ─────────────────────────────▶ Done
//!                  ├─ chunked ────────▶ Chunked (size, ext, data, CRLF, trailers) ─▶ Done
//!                  └─ neither ────────▶ UntilClose ──handle_eof──────────────▶ Done
//!
//!  any error ─▶ Failed (sticky)
//! ```

use crate::chunked::{Chunk, Chunked, Framed, Report, Step};
use crate::error::{Error, Misuse, ProtocolError, Stage};
use crate::headers::{Headers, ResponseHead};
use crate::request::{BodyKind, Method, RequestHead, Upgrade};

/// Bounds on what a peer may make the codec hold or scan. [`ClientConn`] applies them to
/// responses, [`RequestDecoder`](crate::RequestDecoder) to requests.
///
/// ```
/// let limits = docker_wire::Limits { max_headers: 50, ..Default::default() };
/// assert_eq!(limits.max_head_bytes, 64 * 1024);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// The longest head (start line plus headers), in bytes. Default 64 KiB.
    pub max_head_bytes: usize,
    /// The most header fields in a head, and the most trailer fields. Default 100.
    pub max_headers: usize,
    /// The most chunk-extension bytes over a whole body: everything between a chunk size
    /// and its CR, whitespace and `;` included. Default 16 KiB.
    pub max_chunk_ext_bytes: usize,
    /// The most trailer bytes after the last chunk. Default 16 KiB.
    pub max_trailer_bytes: usize,
    /// The most informational (1xx) responses skipped before the final one. Default 8.
    pub max_informational: usize,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            max_head_bytes: 64 * 1024,
            max_headers: 100,
            max_chunk_ext_bytes: 16 * 1024,
            max_trailer_bytes: 16 * 1024,
            max_informational: 8,
        }
    }
}

/// The result of [`ClientConn::decode`]: how many input bytes to discard, and what happened.
///
/// ```
/// # use docker_wire::{ClientConn, Event, Limits, Method, RequestHead};
/// # let mut conn = ClientConn::new(Limits::default());
/// # conn.send_request(&RequestHead::new(Method::Get, "/_ping", "docker"), &mut Vec::new())?;
/// let input = b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nOK";
/// let res = conn.decode(input)?;
/// assert!(matches!(res.event, Event::Head(_)));
/// assert_eq!(&input[res.consumed..], b"OK"); // The head was used; the body is next.
/// # Ok::<(), docker_wire::Error>(())
/// ```
#[derive(Debug, PartialEq, Eq)]
pub struct Decoded<'i> {
    /// Bytes of the input that were used. The caller must drop exactly these from the front
    /// of its buffer before the next call, whatever the event.
    pub consumed: usize,
    /// What the consumed bytes amounted to.
    pub event: Event<'i>,
}

/// The result of a `decode_framed` call ([`ClientConn::decode_framed`],
/// [`RequestDecoder::decode_framed`](crate::RequestDecoder::decode_framed)): how many input
/// bytes to discard, and an event or a piece of chunk framing. See [`Chunk`] for an example.
///
/// ```
/// # use docker_wire::{ClientConn, Event, Limits, Method, RequestHead};
/// # let mut conn = ClientConn::new(Limits::default());
/// # conn.send_request(&RequestHead::new(Method::Get, "/_ping", "docker"), &mut Vec::new())?;
/// # use docker_wire::{Chunk, Framed};
/// let input = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nhi\r\n";
/// let head = conn.decode_framed(input)?;
/// let size = conn.decode_framed(&input[head.consumed..])?;
/// assert!(matches!(size.event, Framed::Chunk(Chunk::Size { size: 2, .. })));
/// assert_eq!(size.consumed, 3); // The size line, "2\r\n".
/// # Ok::<(), docker_wire::Error>(())
/// ```
#[derive(Debug, PartialEq, Eq)]
pub struct FramedDecoded<'i, E> {
    /// Bytes of the input that were used. The caller must drop exactly these from the front
    /// of its buffer before the next call, whatever the event.
    pub consumed: usize,
    /// What the consumed bytes amounted to.
    pub event: Framed<'i, E>,
}

/// What a call to [`ClientConn::decode`] produced.
///
/// ```
/// # use docker_wire::{ClientConn, Event, Limits, Method, RequestHead};
/// # let mut conn = ClientConn::new(Limits::default());
/// # conn.send_request(&RequestHead::new(Method::Get, "/_ping", "docker"), &mut Vec::new())?;
/// let head = conn.decode(b"HTTP/1.1 204 No Content\r\n\r\n")?;
/// assert!(matches!(head.event, Event::Head(ref h) if h.status == 204));
/// assert_eq!(conn.decode(b"")?.event, Event::End { reusable: true });
/// # Ok::<(), docker_wire::Error>(())
/// ```
#[derive(Debug, PartialEq, Eq)]
pub enum Event<'i> {
    /// No progress is possible without more input (or [`ClientConn::handle_eof`]).
    NeedData,
    /// The final response head (1xx heads other than 101 are skipped).
    Head(ResponseHead),
    /// Body bytes with all framing removed: a sub-slice of the input. Chunk boundaries
    /// carry no meaning.
    Body(&'i [u8]),
    /// The response is complete.
    End {
        /// Whether the connection may carry another request.
        reusable: bool,
    },
    /// HTTP is over on this connection. Every input byte after `consumed`, and everything
    /// read later, belongs to the raw stream.
    Upgraded,
}

/// A sans-IO HTTP/1.1 client for one request/response exchange.
///
/// It does no IO and reads no clock: the caller writes the bytes it appends to an output
/// `Vec`, and feeds it the bytes it reads. See the [crate docs](crate) for the driving loop.
///
/// ```
/// use docker_wire::{ClientConn, Event, Limits, Method, RequestHead};
///
/// let mut conn = ClientConn::new(Limits::default());
/// let mut out = Vec::new();
/// conn.send_request(&RequestHead::new(Method::Get, "/_ping", "docker"), &mut out).unwrap();
/// assert_eq!(out, b"GET /_ping HTTP/1.1\r\nHost: docker\r\n\r\n");
///
/// let mut input: &[u8] = b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nOK";
/// let mut body = Vec::new();
/// loop {
///     let res = conn.decode(input).unwrap();
///     input = &input[res.consumed..];
///     match res.event {
///         Event::Head(head) => assert_eq!(head.status, 200),
///         Event::Body(bytes) => body.extend_from_slice(bytes),
///         Event::End { reusable } => { assert!(reusable); break }
///         Event::NeedData | Event::Upgraded => unreachable!(),
///     }
/// }
/// assert_eq!(body, b"OK");
/// ```
#[derive(Debug)]
pub struct ClientConn {
    limits: Limits,
    write: Write,
    read: Read,
    method: Method,
    upgrade: Upgrade,
    reusable: bool,
    seen_input: bool,
    /// Whether `decode` or `decode_framed` reads this response (the first call decides).
    report: Option<Report>,
    failed: Option<Error>,
}

#[derive(Debug)]
enum Write {
    Idle,
    Body { kind: BodyKind, written: u64 },
    Done,
}

#[derive(Debug)]
enum Read {
    Head {
        /// How far the head-end scan got (relative to the unconsumed input).
        scanned: usize,
        /// Blank lines consumed before this head's status line (they count towards the
        /// head limit).
        skipped: usize,
        n_informational: usize,
    },
    PendingUpgrade,
    PendingEnd,
    Length {
        remaining: u64,
    },
    Chunked(Chunked),
    UntilClose,
    Done,
    Upgraded,
}

impl ClientConn {
    /// A connection ready to send one request.
    ///
    /// ```
    /// use docker_wire::{ClientConn, Limits};
    /// let conn = ClientConn::new(Limits::default());
    /// assert!(!conn.is_finished() && conn.error().is_none());
    /// ```
    pub fn new(limits: Limits) -> ClientConn {
        ClientConn {
            limits,
            write: Write::Idle,
            read: Read::Head {
                scanned: 0,
                skipped: 0,
                n_informational: 0,
            },
            method: Method::Get,
            upgrade: Upgrade::No,
            reusable: false,
            seen_input: false,
            report: None,
            failed: None,
        }
    }

    /// Validates `head` and appends its bytes to `out`.
    ///
    /// CR, LF and NUL in the target, the host or a header value, a target outside visible
    /// ASCII, and headers the codec writes itself are refused with [`Misuse`], and nothing
    /// is appended.
    ///
    /// ```
    /// use docker_wire::{BodyKind, ClientConn, Limits, Method, RequestHead};
    /// let mut conn = ClientConn::new(Limits::default());
    /// let mut out = Vec::new();
    /// let head = RequestHead::new(Method::Post, "/containers/web/start", "docker").body(BodyKind::Length(0));
    /// conn.send_request(&head, &mut out)?;
    /// assert!(out.starts_with(b"POST /containers/web/start HTTP/1.1\r\nHost: docker\r\n"));
    ///
    /// // A target that would smuggle a header in is refused, and nothing is appended.
    /// let smuggling = RequestHead::new(Method::Get, "/info\r\nX-Evil: 1", "docker");
    /// let mut fresh = Vec::new();
    /// assert!(ClientConn::new(Limits::default()).send_request(&smuggling, &mut fresh).is_err());
    /// assert!(fresh.is_empty());
    /// # Ok::<(), docker_wire::Error>(())
    /// ```
    pub fn send_request(&mut self, head: &RequestHead<'_>, out: &mut Vec<u8>) -> Result<(), Error> {
        self.check()?;
        if !matches!(self.write, Write::Idle) {
            return self.fail(Misuse::WrongState {
                call: "send_request",
                state: "a request was already sent",
            });
        }
        if let Err(e) = head.encode(out) {
            // Bad input is refused without poisoning the connection: nothing was written.
            return Err(e.into());
        }
        self.method = head.method;
        self.upgrade = head.upgrade;
        self.write = match head.body {
            BodyKind::None | BodyKind::Length(0) => Write::Done,
            kind => Write::Body { kind, written: 0 },
        };
        Ok(())
    }

    /// Appends body bytes to `out`, framed as the request head declared.
    ///
    /// Empty data is always accepted once a request was sent: it writes nothing, so a body
    /// declared as `Length(0)` may be "written" like any other.
    ///
    /// ```
    /// use docker_wire::{BodyKind, ClientConn, Limits, Method, RequestHead};
    /// let mut conn = ClientConn::new(Limits::default());
    /// let mut out = Vec::new();
    /// let head = RequestHead::new(Method::Post, "/build", "docker").body(BodyKind::Chunked);
    /// conn.send_request(&head, &mut out)?;
    /// out.clear();
    /// conn.send_body(b"hello", &mut out)?;
    /// assert_eq!(out, b"5\r\nhello\r\n");
    /// # Ok::<(), docker_wire::Error>(())
    /// ```
    pub fn send_body(&mut self, data: &[u8], out: &mut Vec<u8>) -> Result<(), Error> {
        self.check()?;
        if data.is_empty() && matches!(self.write, Write::Done) {
            return Ok(());
        }
        let Write::Body { kind, written } = &mut self.write else {
            return self.fail(Misuse::WrongState {
                call: "send_body",
                state: "no request body is open",
            });
        };
        let len = data.len() as u64;
        match *kind {
            BodyKind::Length(declared) => {
                if written.saturating_add(len) > declared {
                    let err = Misuse::BodyLengthMismatch {
                        declared,
                        written: written.saturating_add(len),
                    };
                    return self.fail(err);
                }
                out.extend_from_slice(data);
            }
            BodyKind::Chunked => {
                if !data.is_empty() {
                    push_hex(out, len);
                    out.extend_from_slice(b"\r\n");
                    out.extend_from_slice(data);
                    out.extend_from_slice(b"\r\n");
                }
            }
            BodyKind::None => unreachable!("a body-less request goes straight to Done"),
        }
        *written += len;
        Ok(())
    }

    /// Ends the request body: writes the last chunk, or checks that the declared length was met.
    /// Does nothing when the request had no body.
    ///
    /// ```
    /// use docker_wire::{BodyKind, ClientConn, Limits, Method, RequestHead};
    /// let mut conn = ClientConn::new(Limits::default());
    /// let mut out = Vec::new();
    /// let head = RequestHead::new(Method::Post, "/build", "docker").body(BodyKind::Chunked);
    /// conn.send_request(&head, &mut out)?;
    /// conn.send_body(b"hi", &mut out)?;
    /// out.clear();
    /// conn.finish_body(&mut out)?;
    /// assert_eq!(out, b"0\r\n\r\n"); // The last chunk.
    /// # Ok::<(), docker_wire::Error>(())
    /// ```
    pub fn finish_body(&mut self, out: &mut Vec<u8>) -> Result<(), Error> {
        self.check()?;
        match self.write {
            Write::Idle => self.fail(Misuse::WrongState {
                call: "finish_body",
                state: "no request was sent",
            }),
            Write::Done => Ok(()),
            Write::Body {
                kind: BodyKind::Length(declared),
                written,
            } if written != declared => self.fail(Misuse::BodyLengthMismatch { declared, written }),
            Write::Body { kind, .. } => {
                if kind == BodyKind::Chunked {
                    out.extend_from_slice(b"0\r\n\r\n");
                }
                self.write = Write::Done;
                Ok(())
            }
        }
    }

    /// Feeds response bytes. Returns how many to discard and at most one event.
    ///
    /// Bytes that were not consumed must be presented again, followed by new ones. The call
    /// loops internally over framing, so `NeedData` means the input is exhausted.
    ///
    /// ```
    /// # use docker_wire::{ClientConn, Event, Limits, Method, RequestHead};
    /// # let mut conn = ClientConn::new(Limits::default());
    /// # conn.send_request(&RequestHead::new(Method::Get, "/_ping", "docker"), &mut Vec::new())?;
    /// let input = b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nOK";
    /// let head = conn.decode(input)?;
    /// assert!(matches!(head.event, Event::Head(_)));
    /// let body = conn.decode(&input[head.consumed..])?;
    /// assert_eq!(body.event, Event::Body(b"OK"));
    /// # Ok::<(), docker_wire::Error>(())
    /// ```
    pub fn decode<'i>(&mut self, input: &'i [u8]) -> Result<Decoded<'i>, Error> {
        self.check_decode(Report::Data)?;
        self.seen_input |= !input.is_empty();
        match self.decode_inner(input) {
            Ok(decoded) => Ok(decoded),
            Err(e) => self.fail(e),
        }
    }

    /// Like [`decode`](ClientConn::decode), and also reports the chunk framing of a chunked
    /// body ([`Chunk`]), for tools that must put a response back together byte for byte.
    ///
    /// A piece of framing is consumed only once it is complete, so the caller's buffer holds
    /// at most a size line or the trailers, both bounded by [`Limits`]. One response is read
    /// with `decode` or with `decode_framed`, not both.
    ///
    /// ```
    /// # use docker_wire::{ClientConn, Event, Limits, Method, RequestHead};
    /// # let mut conn = ClientConn::new(Limits::default());
    /// # conn.send_request(&RequestHead::new(Method::Get, "/_ping", "docker"), &mut Vec::new())?;
    /// use docker_wire::{Chunk, Framed};
    /// let mut input: &[u8] = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nhi\r\n";
    /// let mut pieces = Vec::new();
    /// while !input.is_empty() {
    ///     let res = conn.decode_framed(input)?;
    ///     input = &input[res.consumed..];
    ///     pieces.push(match res.event {
    ///         Framed::Event(Event::Head(_)) => "head".to_string(),
    ///         Framed::Event(Event::Body(data)) => format!("body {}", data.escape_ascii()),
    ///         Framed::Chunk(Chunk::Size { size, .. }) => format!("size {size}"),
    ///         Framed::Chunk(Chunk::DataEnd) => "data end".to_string(),
    ///         other => format!("{other:?}"),
    ///     });
    /// }
    /// assert_eq!(pieces, ["head", "size 2", "body hi", "data end"]);
    /// # Ok::<(), docker_wire::Error>(())
    /// ```
    pub fn decode_framed<'i>(
        &mut self,
        input: &'i [u8],
    ) -> Result<FramedDecoded<'i, Event<'i>>, Error> {
        self.check_decode(Report::Framing)?;
        // Only framing mode holds bytes back (and a response is read in one mode).
        if let Read::Chunked(chunked) = &self.read {
            if input.len() < chunked.held() {
                let held = chunked.held();
                return self.fail(Misuse::InputNotPresentedAgain {
                    held,
                    given: input.len(),
                });
            }
        }
        self.seen_input |= !input.is_empty();
        let res = match &mut self.read {
            Read::Chunked(chunked) => match chunked.decode::<true>(input, &self.limits) {
                Ok((consumed, Step::Size { size })) => {
                    let (digits, ext) = chunked.size_line();
                    let chunk = Chunk::Size {
                        size,
                        digits: &input[digits],
                        ext: &input[ext],
                    };
                    Ok(FramedDecoded {
                        consumed,
                        event: Framed::Chunk(chunk),
                    })
                }
                Ok((consumed, step)) => Ok(self.framed_step(input, consumed, step)),
                Err(e) => Err(e),
            },
            _ => self.decode_inner(input).map(|d| FramedDecoded {
                consumed: d.consumed,
                event: Framed::Event(d.event),
            }),
        };
        match res {
            Ok(decoded) => Ok(decoded),
            Err(e) => self.fail(e),
        }
    }

    /// The checks before a decode call: not failed, a request sent, and the same kind of
    /// call as before.
    #[inline]
    fn check_decode(&mut self, report: Report) -> Result<(), Error> {
        self.check()?;
        if matches!(self.write, Write::Idle) {
            return self.fail(Misuse::WrongState {
                call: "decode",
                state: "no request was sent",
            });
        }
        if *self.report.get_or_insert(report) != report {
            return self.fail(Misuse::WrongState {
                call: "decode",
                state: "this response is read with the other of decode and decode_framed",
            });
        }
        Ok(())
    }

    /// What a step of the chunked decoder in framing mode amounts to.
    fn framed_step<'i>(
        &mut self,
        input: &'i [u8],
        consumed: usize,
        step: Step,
    ) -> FramedDecoded<'i, Event<'i>> {
        let event = match step {
            Step::NeedData => Framed::Event(Event::NeedData),
            Step::Data(range) => Framed::Event(Event::Body(&input[range])),
            Step::End => unreachable!("in framing mode the trailers come before the end"),
            Step::Size { .. } => unreachable!("size lines are taken apart by decode_framed"),
            Step::DataEnd => Framed::Chunk(Chunk::DataEnd),
            Step::Trailers(range) => {
                self.read = Read::PendingEnd;
                Framed::Chunk(Chunk::Trailers(&input[range]))
            }
        };
        FramedDecoded { consumed, event }
    }

    /// Tells the codec the peer closed its side. Returns the final event, or the error that
    /// a truncated response amounts to: a truncated body is never reported as complete.
    ///
    /// ```
    /// # use docker_wire::{ClientConn, Event, Limits, Method, RequestHead};
    /// # let mut conn = ClientConn::new(Limits::default());
    /// # conn.send_request(&RequestHead::new(Method::Get, "/_ping", "docker"), &mut Vec::new())?;
    /// // No length and no chunking: the body runs until the engine closes the connection.
    /// let input = b"HTTP/1.1 200 OK\r\n\r\nall of it";
    /// let head = conn.decode(input)?;
    /// assert_eq!(conn.decode(&input[head.consumed..])?.event, Event::Body(b"all of it"));
    /// assert_eq!(conn.handle_eof()?, Event::End { reusable: false });
    /// # Ok::<(), docker_wire::Error>(())
    /// ```
    pub fn handle_eof(&mut self) -> Result<Event<'static>, Error> {
        self.check()?;
        let res = match &self.read {
            Read::Head { .. } if !self.seen_input => Err(ProtocolError::ClosedBeforeResponse),
            Read::Head { .. } => Err(ProtocolError::UnexpectedEof { stage: Stage::Head }),
            Read::Length { remaining: 1.. } => {
                Err(ProtocolError::UnexpectedEof { stage: Stage::Body })
            }
            Read::Chunked(c) => Err(ProtocolError::UnexpectedEof { stage: c.stage() }),
            Read::Upgraded => {
                return self.fail(Misuse::WrongState {
                    call: "handle_eof",
                    state: "the connection was upgraded",
                })
            }
            Read::PendingUpgrade => Ok(Event::Upgraded),
            Read::Length { .. } | Read::PendingEnd | Read::UntilClose | Read::Done => {
                Ok(Event::End { reusable: false })
            }
        };
        match res {
            Ok(event) => {
                self.reusable = false;
                self.read = match event {
                    Event::Upgraded => Read::Upgraded,
                    _ => Read::Done,
                };
                Ok(event)
            }
            Err(e) => self.fail(e),
        }
    }

    /// True once the exchange is complete and the connection may carry another request.
    ///
    /// ```
    /// # use docker_wire::{ClientConn, Event, Limits, Method, RequestHead};
    /// # let mut conn = ClientConn::new(Limits::default());
    /// # conn.send_request(&RequestHead::new(Method::Get, "/_ping", "docker"), &mut Vec::new())?;
    /// conn.decode(b"HTTP/1.1 204 No Content\r\n\r\n")?;
    /// assert!(!conn.is_reusable()); // The end is not reported yet.
    /// assert_eq!(conn.decode(b"")?.event, Event::End { reusable: true });
    /// assert!(conn.is_reusable());
    /// # Ok::<(), docker_wire::Error>(())
    /// ```
    pub fn is_reusable(&self) -> bool {
        self.failed.is_none()
            && self.reusable
            && matches!(self.read, Read::Done)
            && matches!(self.write, Write::Done)
    }

    /// True once the response was fully received (or the connection upgraded).
    ///
    /// ```
    /// # use docker_wire::{ClientConn, Event, Limits, Method, RequestHead};
    /// # let mut conn = ClientConn::new(Limits::default());
    /// # conn.send_request(&RequestHead::new(Method::Get, "/_ping", "docker"), &mut Vec::new())?;
    /// conn.decode(b"HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 0\r\n\r\n")?;
    /// assert_eq!(conn.decode(b"")?.event, Event::End { reusable: false });
    /// assert!(conn.is_finished() && !conn.is_reusable());
    /// # Ok::<(), docker_wire::Error>(())
    /// ```
    pub fn is_finished(&self) -> bool {
        matches!(self.read, Read::Done | Read::Upgraded)
    }

    /// The error this connection failed with, if any.
    ///
    /// ```
    /// # use docker_wire::{ClientConn, Event, Limits, Method, RequestHead};
    /// # let mut conn = ClientConn::new(Limits::default());
    /// # conn.send_request(&RequestHead::new(Method::Get, "/_ping", "docker"), &mut Vec::new())?;
    /// use docker_wire::{Error, ProtocolError};
    /// assert!(conn.error().is_none());
    /// let _ = conn.decode(b"HTTP/1.1 200 OK\r\nContent-Length: x\r\n\r\n");
    /// assert_eq!(conn.error(), Some(&Error::Protocol(ProtocolError::InvalidContentLength)));
    /// # Ok::<(), docker_wire::Error>(())
    /// ```
    pub fn error(&self) -> Option<&Error> {
        self.failed.as_ref()
    }

    fn check(&self) -> Result<(), Error> {
        match &self.failed {
            Some(e) => Err(e.clone()),
            None => Ok(()),
        }
    }

    fn fail<T>(&mut self, err: impl Into<Error>) -> Result<T, Error> {
        let err = err.into();
        self.failed = Some(err.clone());
        Err(err)
    }

    fn decode_inner<'i>(&mut self, input: &'i [u8]) -> Result<Decoded<'i>, ProtocolError> {
        let decoded = |consumed, event| Ok(Decoded { consumed, event });
        match &mut self.read {
            Read::Head { .. } => self.decode_head(input),
            Read::PendingUpgrade => {
                self.read = Read::Upgraded;
                decoded(0, Event::Upgraded)
            }
            Read::PendingEnd | Read::Length { remaining: 0 } | Read::Done => {
                self.read = Read::Done;
                decoded(
                    0,
                    Event::End {
                        reusable: self.reusable,
                    },
                )
            }
            Read::Length { remaining } => {
                if input.is_empty() {
                    return decoded(0, Event::NeedData);
                }
                let n = (*remaining).min(input.len() as u64) as usize;
                *remaining -= n as u64;
                decoded(n, Event::Body(&input[..n]))
            }
            Read::Chunked(chunked) => {
                let (consumed, step) = chunked.decode::<false>(input, &self.limits)?;
                let event = match step {
                    Step::NeedData => Event::NeedData,
                    Step::Data(range) => Event::Body(&input[range]),
                    Step::End => {
                        self.read = Read::Done;
                        Event::End {
                            reusable: self.reusable,
                        }
                    }
                    Step::Size { .. } | Step::DataEnd | Step::Trailers(_) => {
                        unreachable!("chunk framing is reported only in framing mode")
                    }
                };
                decoded(consumed, event)
            }
            Read::UntilClose => match input.is_empty() {
                true => decoded(0, Event::NeedData),
                false => decoded(input.len(), Event::Body(input)),
            },
            Read::Upgraded => Ok(Decoded {
                consumed: 0,
                event: Event::Upgraded,
            }),
        }
    }

    fn decode_head<'i>(&mut self, input: &'i [u8]) -> Result<Decoded<'i>, ProtocolError> {
        let limit = self.limits.max_head_bytes;
        let too_large = ProtocolError::HeadTooLarge { limit };
        let mut consumed = 0;
        loop {
            let Read::Head {
                scanned,
                skipped,
                n_informational,
            } = &mut self.read
            else {
                unreachable!("decode_head runs in the Head state only");
            };
            if *scanned == 0 {
                // Blank lines before a status line are dropped as they come, so that the
                // scan below never mistakes them for the end of a head. A lone CR waits
                // for its LF.
                let rest = &input[consumed..];
                let blank = leading_blank_lines(rest);
                consumed += blank;
                *skipped += blank;
                if *skipped > limit {
                    return Err(too_large);
                }
                if matches!(&input[consumed..], [] | [b'\r']) {
                    return Ok(Decoded {
                        consumed,
                        event: Event::NeedData,
                    });
                }
            }
            let rest = &input[consumed..];
            let Some(end) = find_head_end(rest, *scanned) else {
                if *skipped + rest.len() > limit {
                    return Err(too_large);
                }
                *scanned = rest.len();
                return Ok(Decoded {
                    consumed,
                    event: Event::NeedData,
                });
            };
            if *skipped + end > limit {
                return Err(too_large);
            }
            let head = parse_head(&rest[..end], self.limits.max_headers)?;
            consumed += end;
            if (100..200).contains(&head.status) && head.status != 101 {
                *n_informational += 1;
                if *n_informational > self.limits.max_informational {
                    return Err(ProtocolError::TooManyInformational {
                        limit: self.limits.max_informational,
                    });
                }
                *scanned = 0;
                *skipped = 0;
                continue;
            }
            self.read = self.framing(&head)?;
            return Ok(Decoded {
                consumed,
                event: Event::Head(head),
            });
        }
    }

    /// Decides how the body is delimited (RFC 9112 §6.3, client side) and whether the
    /// connection can be reused afterwards.
    fn framing(&mut self, head: &ResponseHead) -> Result<Read, ProtocolError> {
        let h = &head.headers;
        let keep_alive = head.minor_version == 1 && !has_token(h, "connection", "close");
        self.reusable = keep_alive;
        let has_te = h.contains("transfer-encoding");
        let has_cl = h.contains("content-length");
        let is_2xx = (200..300).contains(&head.status);
        if head.status == 101 || (self.upgrade == Upgrade::Hijack && is_2xx && !has_te && !has_cl) {
            self.reusable = false;
            return Ok(Read::PendingUpgrade);
        }
        if self.method == Method::Head || head.status == 204 || head.status == 304 {
            // A body-less status that still claims a length may be followed by stray bytes:
            // do not reuse the connection rather than risk a desync.
            if self.method != Method::Head && has_cl && content_length(h)? != 0 {
                self.reusable = false;
            }
            return Ok(Read::PendingEnd);
        }
        if has_te {
            if head.minor_version == 0 {
                return Err(ProtocolError::TransferEncodingInHttp10);
            }
            if has_cl {
                return Err(ProtocolError::ContentLengthWithTransferEncoding);
            }
            let mut codings = h.get_all("transfer-encoding").flat_map(|v| v.split(','));
            let only_chunked = matches!(
                (codings.next(), codings.next()),
                (Some(c), None) if c.trim().eq_ignore_ascii_case("chunked")
            );
            if !only_chunked || h.get_all("transfer-encoding").count() != 1 {
                return Err(ProtocolError::UnsupportedTransferEncoding);
            }
            return Ok(Read::Chunked(Chunked::default()));
        }
        if has_cl {
            return Ok(Read::Length {
                remaining: content_length(h)?,
            });
        }
        self.reusable = false;
        Ok(Read::UntilClose)
    }
}

/// Finds the end of a head (just past the empty line), scanning from about `scanned`.
pub(crate) fn find_head_end(input: &[u8], scanned: usize) -> Option<usize> {
    let from = scanned.saturating_sub(3);
    let mut i = from;
    while let Some(pos) = input.get(i..)?.iter().position(|&b| b == b'\n') {
        let nl = i + pos;
        match (input.get(nl + 1), input.get(nl + 2)) {
            (Some(b'\n'), _) => return Some(nl + 2),
            (Some(b'\r'), Some(b'\n')) => return Some(nl + 3),
            _ => i = nl + 1,
        }
    }
    None
}

/// The length of the blank lines (CRLF or LF) at the start of `input`.
pub(crate) fn leading_blank_lines(input: &[u8]) -> usize {
    let mut n = 0;
    loop {
        match &input[n..] {
            [b'\n', ..] => n += 1,
            [b'\r', b'\n', ..] => n += 2,
            _ => return n,
        }
    }
}

/// Parses a complete head: `bytes` starts with a status line and ends with an empty line.
fn parse_head(bytes: &[u8], max_headers: usize) -> Result<ResponseHead, ProtocolError> {
    const STACK: usize = 100;
    let mut stack = [httparse::EMPTY_HEADER; STACK];
    let mut heap = Vec::new();
    let storage: &mut [httparse::Header<'_>] = if max_headers <= STACK {
        &mut stack[..max_headers]
    } else {
        heap.resize(max_headers, httparse::EMPTY_HEADER);
        &mut heap
    };
    let mut res = httparse::Response::new(storage);
    match res.parse(bytes) {
        Ok(httparse::Status::Complete(_)) => (),
        // The scan found an empty line after a status line, so this cannot happen; refuse
        // rather than loop should httparse ever disagree.
        Ok(httparse::Status::Partial) => {
            return Err(ProtocolError::MalformedHead {
                reason: "incomplete head",
            })
        }
        Err(httparse::Error::TooManyHeaders) => {
            return Err(ProtocolError::TooManyHeaders { limit: max_headers })
        }
        Err(e) => return Err(ProtocolError::MalformedHead { reason: reason(e) }),
    }
    let (Some(status), Some(minor_version)) = (res.code, res.version) else {
        return Err(ProtocolError::MalformedHead {
            reason: "incomplete head",
        });
    };
    if !(100..=999).contains(&status) {
        return Err(ProtocolError::MalformedHead {
            reason: "status code out of range",
        });
    }
    let bytes_hint: usize = res
        .headers
        .iter()
        .map(|h| h.name.len() + h.value.len())
        .sum();
    let mut headers = Headers::with_capacity(res.headers.len(), bytes_hint);
    for h in res.headers.iter() {
        headers.push_raw(h.name, h.value);
    }
    Ok(ResponseHead {
        status,
        minor_version,
        reason: res.reason.unwrap_or("").to_owned(),
        headers,
    })
}

pub(crate) fn reason(e: httparse::Error) -> &'static str {
    match e {
        httparse::Error::HeaderName => "invalid header name",
        httparse::Error::HeaderValue => "invalid header value",
        httparse::Error::NewLine => "invalid line ending",
        httparse::Error::Status => "invalid status line",
        httparse::Error::Token => "invalid token",
        httparse::Error::Version => "invalid HTTP version",
        httparse::Error::TooManyHeaders => "too many headers",
    }
}

/// Parses every `Content-Length` value: plain decimal digits, no overflow, all equal.
pub(crate) fn content_length(h: &Headers) -> Result<u64, ProtocolError> {
    let mut found: Option<u64> = None;
    for value in h.get_all("content-length").flat_map(|v| v.split(',')) {
        let n = parse_decimal(value.trim_matches([' ', '\t']))?;
        match found {
            Some(prev) if prev != n => return Err(ProtocolError::ConflictingContentLength),
            _ => found = Some(n),
        }
    }
    found.ok_or(ProtocolError::InvalidContentLength)
}

fn parse_decimal(s: &str) -> Result<u64, ProtocolError> {
    if s.is_empty() || s.len() > 20 {
        return Err(ProtocolError::InvalidContentLength);
    }
    s.bytes().try_fold(0u64, |acc, b| {
        let digit = match b {
            b'0'..=b'9' => u64::from(b - b'0'),
            _ => return Err(ProtocolError::InvalidContentLength),
        };
        acc.checked_mul(10)
            .and_then(|v| v.checked_add(digit))
            .ok_or(ProtocolError::InvalidContentLength)
    })
}

fn has_token(h: &Headers, name: &str, token: &str) -> bool {
    h.get_all(name)
        .flat_map(|v| v.split(','))
        .any(|t| t.trim().eq_ignore_ascii_case(token))
}

fn push_hex(out: &mut Vec<u8>, mut n: u64) {
    let mut digits = [0u8; 16];
    let mut i = digits.len();
    loop {
        i -= 1;
        digits[i] = b"0123456789abcdef"[(n & 0xf) as usize];
        n >>= 4;
        if n == 0 {
            break;
        }
    }
    out.extend_from_slice(&digits[i..]);
}
