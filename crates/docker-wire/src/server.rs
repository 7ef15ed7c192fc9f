//! The server side of one exchange: a request decoder, for test peers and proxies.
//!
//! ```text
//!  Head ──no body──────────────────────────────▶ [Head event] ─▶ End
//!    ├─ Content-Length ─▶ Length ──────────────────────────────▶ End
//!    └─ chunked ────────▶ Chunked (size, ext, data, CRLF, trailers) ─▶ End
//!
//!  any error ─▶ Failed (sticky)
//! ```
//!
//! A request's body is always delimited by its head (RFC 9112 §6.3): by `Content-Length`,
//! by `Transfer-Encoding: chunked`, or it has none. So a request ends on its own; there is
//! no read-until-close. What follows `End` on the connection is the next request, or after
//! an upgrade the raw stream: both are the caller's.

use crate::chunked::{Chunked, Framed, Report, Step};
use crate::conn::{content_length, find_head_end, leading_blank_lines, reason};
use crate::error::{Error, Misuse, ProtocolError, Stage};
use crate::{Chunk, FramedDecoded, Headers, Limits, Method};

/// The head of a request as a server received it, owned.
///
/// ```
/// use docker_wire::{Limits, RequestDecoder, RequestEvent};
///
/// let mut dec = RequestDecoder::new(Limits::default());
/// let res = dec.decode(b"GET /v1.41/info HTTP/1.1\r\nHost: docker\r\n\r\n")?;
/// let RequestEvent::Head(head) = res.event else { panic!("{:?}", res.event) };
/// assert_eq!(head.method, docker_wire::Method::Get);
/// assert_eq!(head.target, "/v1.41/info");
/// assert_eq!(head.headers.get("host"), Some("docker"));
/// # Ok::<(), docker_wire::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReceivedRequest {
    /// The method.
    pub method: Method,
    /// The request target as sent: path and query, still percent-encoded.
    pub target: String,
    /// The minor HTTP version: 1 for HTTP/1.1, 0 for HTTP/1.0.
    pub minor_version: u8,
    /// The header fields in the order received.
    pub headers: Headers,
}

impl ReceivedRequest {
    /// True when the request asks to switch protocols (`Upgrade`, as Docker's attach and
    /// exec start send with `Connection: Upgrade`): after a `101` answer, the connection
    /// carries a raw stream.
    ///
    /// ```
    /// # use docker_wire::{Limits, RequestDecoder, RequestEvent};
    /// let mut dec = RequestDecoder::new(Limits::default());
    /// let res = dec.decode(b"POST /exec/x/start HTTP/1.1\r\nConnection: Upgrade\r\nUpgrade: tcp\r\n\r\n")?;
    /// let RequestEvent::Head(head) = res.event else { panic!() };
    /// assert!(head.wants_upgrade());
    /// # Ok::<(), docker_wire::Error>(())
    /// ```
    pub fn wants_upgrade(&self) -> bool {
        self.headers.contains("upgrade")
    }
}

/// The result of [`RequestDecoder::decode`]: how many input bytes to discard, and what
/// happened.
///
/// ```
/// use docker_wire::{Limits, RequestDecoder, RequestEvent};
/// let mut dec = RequestDecoder::new(Limits::default());
/// let input = b"GET /_ping HTTP/1.1\r\nHost: docker\r\n\r\n";
/// let res = dec.decode(input)?;
/// assert!(matches!(res.event, RequestEvent::Head(_)));
/// assert_eq!(res.consumed, input.len());
/// # Ok::<(), docker_wire::Error>(())
/// ```
#[derive(Debug, PartialEq, Eq)]
pub struct RequestDecoded<'i> {
    /// Bytes of the input that were used. The caller must drop exactly these from the front
    /// of its buffer before the next call, whatever the event.
    pub consumed: usize,
    /// What the consumed bytes amounted to.
    pub event: RequestEvent<'i>,
}

/// What a call to [`RequestDecoder::decode`] produced.
///
/// ```
/// use docker_wire::{Limits, RequestDecoder, RequestEvent};
/// let mut dec = RequestDecoder::new(Limits::default());
/// let input = b"POST /containers/create HTTP/1.1\r\nContent-Length: 2\r\n\r\n{}";
/// let head = dec.decode(input)?;
/// assert!(matches!(head.event, RequestEvent::Head(ref h) if h.target == "/containers/create"));
/// let body = dec.decode(&input[head.consumed..])?;
/// assert_eq!(body.event, RequestEvent::Body(b"{}"));
/// assert_eq!(dec.decode(b"")?.event, RequestEvent::End);
/// # Ok::<(), docker_wire::Error>(())
/// ```
#[derive(Debug, PartialEq, Eq)]
pub enum RequestEvent<'i> {
    /// No progress is possible without more input (or [`RequestDecoder::handle_eof`]).
    NeedData,
    /// The request head.
    Head(ReceivedRequest),
    /// Body bytes with all framing removed: a sub-slice of the input.
    Body(&'i [u8]),
    /// The request is complete. The input after `consumed` belongs to what follows it.
    End,
}

/// A sans-IO decoder of one HTTP/1.1 request: the server side of an exchange.
///
/// It parses the head with httparse and frames the body by `Content-Length` or chunked
/// coding, under the same [`Limits`] and with the same rules as
/// [`ClientConn`](crate::ClientConn) applies to responses: plain decimal lengths that agree, a single
/// `chunked` coding and never with a length, capped heads, extensions and trailers. It
/// writes nothing: what to answer is the caller's. Errors are sticky, and peer faults are
/// [`Error::BadRequest`].
///
/// ```
/// use docker_wire::{Limits, RequestDecoder, RequestEvent};
///
/// let mut input: &[u8] = b"POST /build HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n\
///     2\r\nhi\r\n0\r\n\r\nGET /next HTTP/1.1\r\n\r\n";
/// let mut dec = RequestDecoder::new(Limits::default());
/// let mut body = Vec::new();
/// loop {
///     let res = dec.decode(input)?;
///     input = &input[res.consumed..];
///     match res.event {
///         RequestEvent::Head(head) => assert_eq!(head.target, "/build"),
///         RequestEvent::Body(bytes) => body.extend_from_slice(bytes),
///         RequestEvent::End => break,
///         RequestEvent::NeedData => unreachable!("the whole request is there"),
///     }
/// }
/// assert_eq!(body, b"hi");
/// assert_eq!(input, b"GET /next HTTP/1.1\r\n\r\n"); // the next request's decoder takes it
/// # Ok::<(), docker_wire::Error>(())
/// ```
#[derive(Debug)]
pub struct RequestDecoder {
    limits: Limits,
    read: Read,
    /// Whether `decode` or `decode_framed` reads this request (the first call decides).
    report: Option<Report>,
    failed: Option<Error>,
}

#[derive(Debug)]
enum Read {
    Head {
        /// How far the head-end scan got (relative to the unconsumed input).
        scanned: usize,
        /// Blank lines consumed before the request line (they count towards the limit).
        skipped: usize,
    },
    Length {
        remaining: u64,
    },
    Chunked(Chunked),
    PendingEnd,
    Done,
}

impl RequestDecoder {
    /// A decoder waiting for a request head.
    ///
    /// ```
    /// use docker_wire::{Limits, RequestDecoder};
    /// let dec = RequestDecoder::new(Limits { max_headers: 20, ..Limits::default() });
    /// assert!(!dec.is_finished() && dec.error().is_none());
    /// ```
    pub fn new(limits: Limits) -> RequestDecoder {
        RequestDecoder {
            limits,
            read: Read::Head {
                scanned: 0,
                skipped: 0,
            },
            report: None,
            failed: None,
        }
    }

    /// Feeds request bytes. Returns how many to discard and at most one event.
    ///
    /// Bytes that were not consumed must be presented again, followed by new ones. The call
    /// loops internally over framing, so `NeedData` means the input is exhausted.
    ///
    /// ```
    /// use docker_wire::{Limits, RequestDecoder, RequestEvent};
    /// let mut dec = RequestDecoder::new(Limits::default());
    /// assert_eq!(dec.decode(b"GET /info HTTP/1.1\r\n")?.event, RequestEvent::NeedData);
    /// let res = dec.decode(b"GET /info HTTP/1.1\r\n\r\n")?; // The same bytes again, with the rest.
    /// assert!(matches!(res.event, RequestEvent::Head(ref h) if h.target == "/info"));
    /// # Ok::<(), docker_wire::Error>(())
    /// ```
    pub fn decode<'i>(&mut self, input: &'i [u8]) -> Result<RequestDecoded<'i>, Error> {
        let FramedDecoded { consumed, event } = self.decode_with(input, Report::Data)?;
        match event {
            Framed::Event(event) => Ok(RequestDecoded { consumed, event }),
            Framed::Chunk(_) => unreachable!("chunk framing is reported only when asked for"),
        }
    }

    /// Like [`decode`](RequestDecoder::decode), and also reports the chunk framing of a
    /// chunked body ([`Chunk`]). A piece of framing is consumed only once it is complete.
    /// One request is read with `decode` or with `decode_framed`, not both.
    ///
    /// ```
    /// use docker_wire::{Chunk, Framed, Limits, RequestDecoder, RequestEvent};
    ///
    /// let mut input: &[u8] =
    ///     b"PUT /archive HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n2;x\r\nhi\r\n0\r\n\r\n";
    /// let mut dec = RequestDecoder::new(Limits::default());
    /// let mut exts = Vec::new();
    /// loop {
    ///     let res = dec.decode_framed(input)?;
    ///     input = &input[res.consumed..];
    ///     match res.event {
    ///         Framed::Chunk(Chunk::Size { ext, .. }) => exts.push(ext.to_vec()),
    ///         Framed::Event(RequestEvent::End) => break,
    ///         _ => (),
    ///     }
    /// }
    /// assert_eq!(exts, [b";x".to_vec(), Vec::new()]);
    /// # Ok::<(), docker_wire::Error>(())
    /// ```
    pub fn decode_framed<'i>(
        &mut self,
        input: &'i [u8],
    ) -> Result<FramedDecoded<'i, RequestEvent<'i>>, Error> {
        self.decode_with(input, Report::Framing)
    }

    /// Tells the decoder the peer closed its side. `Ok` when no request was begun (or the
    /// request was complete); a request cut short is an error.
    ///
    /// ```
    /// # use docker_wire::{Error, Limits, ProtocolError, RequestDecoder, Stage};
    /// let mut idle = RequestDecoder::new(Limits::default());
    /// assert!(idle.handle_eof().is_ok());
    ///
    /// let mut cut = RequestDecoder::new(Limits::default());
    /// cut.decode(b"GET /info HT")?;
    /// let err = cut.handle_eof().unwrap_err();
    /// assert_eq!(err, Error::BadRequest(ProtocolError::UnexpectedEof { stage: Stage::Head }));
    /// # Ok::<(), docker_wire::Error>(())
    /// ```
    pub fn handle_eof(&mut self) -> Result<(), Error> {
        self.check()?;
        let res = match &self.read {
            Read::Head { scanned: 0, .. }
            | Read::Length { remaining: 0 }
            | Read::PendingEnd
            | Read::Done => Ok(()),
            Read::Head { .. } => Err(ProtocolError::UnexpectedEof { stage: Stage::Head }),
            Read::Length { .. } => Err(ProtocolError::UnexpectedEof { stage: Stage::Body }),
            Read::Chunked(c) => Err(ProtocolError::UnexpectedEof { stage: c.stage() }),
        };
        match res {
            Ok(()) => Ok(()),
            Err(e) => self.fail(Error::BadRequest(e)),
        }
    }

    /// True once the request was fully received.
    ///
    /// ```
    /// use docker_wire::{Limits, RequestDecoder, RequestEvent};
    /// let mut dec = RequestDecoder::new(Limits::default());
    /// let input = b"GET /info HTTP/1.1\r\n\r\n";
    /// let head = dec.decode(input)?;
    /// assert_eq!(dec.decode(&input[head.consumed..])?.event, RequestEvent::End);
    /// assert!(dec.is_finished());
    /// # Ok::<(), docker_wire::Error>(())
    /// ```
    pub fn is_finished(&self) -> bool {
        matches!(self.read, Read::Done)
    }

    /// The error this decoder failed with, if any.
    ///
    /// ```
    /// use docker_wire::{Error, Limits, ProtocolError, RequestDecoder};
    /// let mut dec = RequestDecoder::new(Limits::default());
    /// let _ = dec.decode(b"POST /build HTTP/1.1\r\nContent-Length: -1\r\n\r\n");
    /// assert_eq!(dec.error(), Some(&Error::BadRequest(ProtocolError::InvalidContentLength)));
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

    fn fail<T>(&mut self, err: Error) -> Result<T, Error> {
        self.failed = Some(err.clone());
        Err(err)
    }

    fn decode_with<'i>(
        &mut self,
        input: &'i [u8],
        report: Report,
    ) -> Result<FramedDecoded<'i, RequestEvent<'i>>, Error> {
        self.check()?;
        if *self.report.get_or_insert(report) != report {
            return self.fail(Error::Misuse(Misuse::WrongState {
                call: "decode",
                state: "this request is read with the other of decode and decode_framed",
            }));
        }
        if let Read::Chunked(chunked) = &self.read {
            if input.len() < chunked.held() {
                let err = Misuse::InputNotPresentedAgain {
                    held: chunked.held(),
                    given: input.len(),
                };
                return self.fail(Error::Misuse(err));
            }
        }
        match self.decode_inner(input, report) {
            Ok(decoded) => Ok(decoded),
            Err(e) => self.fail(Error::BadRequest(e)),
        }
    }

    fn decode_inner<'i>(
        &mut self,
        input: &'i [u8],
        report: Report,
    ) -> Result<FramedDecoded<'i, RequestEvent<'i>>, ProtocolError> {
        let decoded = |consumed, event| {
            Ok(FramedDecoded {
                consumed,
                event: Framed::Event(event),
            })
        };
        match &mut self.read {
            Read::Head { .. } => self.decode_head(input),
            Read::PendingEnd | Read::Length { remaining: 0 } | Read::Done => {
                self.read = Read::Done;
                decoded(0, RequestEvent::End)
            }
            Read::Length { remaining } => {
                if input.is_empty() {
                    return decoded(0, RequestEvent::NeedData);
                }
                let n = (*remaining).min(input.len() as u64) as usize;
                *remaining -= n as u64;
                decoded(n, RequestEvent::Body(&input[..n]))
            }
            Read::Chunked(chunked) => {
                let (consumed, step) = match report {
                    Report::Data => chunked.decode::<false>(input, &self.limits)?,
                    Report::Framing => chunked.decode::<true>(input, &self.limits)?,
                };
                let event = match step {
                    Step::NeedData => Framed::Event(RequestEvent::NeedData),
                    Step::Data(range) => Framed::Event(RequestEvent::Body(&input[range])),
                    Step::End => {
                        self.read = Read::Done;
                        Framed::Event(RequestEvent::End)
                    }
                    Step::Size { size } => {
                        let (digits, ext) = chunked.size_line();
                        Framed::Chunk(Chunk::Size {
                            size,
                            digits: &input[digits],
                            ext: &input[ext],
                        })
                    }
                    Step::DataEnd => Framed::Chunk(Chunk::DataEnd),
                    Step::Trailers(range) => {
                        self.read = Read::PendingEnd;
                        Framed::Chunk(Chunk::Trailers(&input[range]))
                    }
                };
                Ok(FramedDecoded { consumed, event })
            }
        }
    }

    fn decode_head<'i>(
        &mut self,
        input: &'i [u8],
    ) -> Result<FramedDecoded<'i, RequestEvent<'i>>, ProtocolError> {
        let limit = self.limits.max_head_bytes;
        let too_large = ProtocolError::HeadTooLarge { limit };
        let need_data = |consumed| {
            Ok(FramedDecoded {
                consumed,
                event: Framed::Event(RequestEvent::NeedData),
            })
        };
        let Read::Head { scanned, skipped } = &mut self.read else {
            unreachable!("decode_head runs in the Head state only");
        };
        let mut consumed = 0;
        if *scanned == 0 {
            // Blank lines before a request line are dropped as they come (RFC 9112 §2.2),
            // so that the scan below never mistakes them for the end of a head. A lone CR
            // waits for its LF.
            let blank = leading_blank_lines(input);
            consumed += blank;
            *skipped += blank;
            if *skipped > limit {
                return Err(too_large);
            }
            if matches!(&input[consumed..], [] | [b'\r']) {
                return need_data(consumed);
            }
        }
        let rest = &input[consumed..];
        let Some(end) = find_head_end(rest, *scanned) else {
            if *skipped + rest.len() > limit {
                return Err(too_large);
            }
            *scanned = rest.len();
            return need_data(consumed);
        };
        if *skipped + end > limit {
            return Err(too_large);
        }
        let head = parse_request_head(&rest[..end], self.limits.max_headers)?;
        consumed += end;
        self.read = framing(&head)?;
        Ok(FramedDecoded {
            consumed,
            event: Framed::Event(RequestEvent::Head(head)),
        })
    }
}

/// Decides how the body is delimited (RFC 9112 §6.3, server side).
fn framing(head: &ReceivedRequest) -> Result<Read, ProtocolError> {
    let h = &head.headers;
    let has_te = h.contains("transfer-encoding");
    let has_cl = h.contains("content-length");
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
    match has_cl {
        true => Ok(Read::Length {
            remaining: content_length(h)?,
        }),
        false => Ok(Read::PendingEnd),
    }
}

/// Parses a complete head: `bytes` starts with a request line and ends with an empty line.
fn parse_request_head(bytes: &[u8], max_headers: usize) -> Result<ReceivedRequest, ProtocolError> {
    const STACK: usize = 100;
    let mut stack = [httparse::EMPTY_HEADER; STACK];
    let mut heap = Vec::new();
    let storage: &mut [httparse::Header<'_>] = if max_headers <= STACK {
        &mut stack[..max_headers]
    } else {
        heap.resize(max_headers, httparse::EMPTY_HEADER);
        &mut heap
    };
    let mut req = httparse::Request::new(storage);
    match req.parse(bytes) {
        Ok(httparse::Status::Complete(_)) => (),
        // The scan found an empty line after a request line, so this cannot happen; refuse
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
    let (Some(method), Some(target), Some(minor_version)) = (req.method, req.path, req.version)
    else {
        return Err(ProtocolError::MalformedHead {
            reason: "incomplete head",
        });
    };
    // Methods are case-sensitive: `get` is not `GET`.
    let Some(method) = Method::parse(method).filter(|m| m.as_str() == method) else {
        return Err(ProtocolError::MalformedHead {
            reason: "unsupported method",
        });
    };
    let mut headers = Headers::default();
    for h in req.headers.iter() {
        headers.push_raw(h.name, h.value);
    }
    Ok(ReceivedRequest {
        method,
        target: target.to_owned(),
        minor_version,
        headers,
    })
}
