//! Errors of the codec: peer faults ([`ProtocolError`]) kept apart from caller misuse ([`Misuse`]).
//!
//! The peer is the engine for [`ClientConn`](crate::ClientConn) and the client for
//! [`RequestDecoder`](crate::RequestDecoder); [`ProtocolError`] names what either broke, and
//! [`Error`] says which side it came from.

use std::fmt;

/// An error from [`ClientConn`](crate::ClientConn) or [`RequestDecoder`](crate::RequestDecoder).
///
/// Errors are sticky: once a call returned an error, every later call on the same
/// connection returns the same error and does no new work. A connection that failed
/// must never be reused.
///
/// ```
/// use docker_wire::{ClientConn, Error, Limits, Method, ProtocolError, RequestHead};
///
/// let mut conn = ClientConn::new(Limits::default());
/// let mut out = Vec::new();
/// conn.send_request(&RequestHead::new(Method::Get, "/_ping", "docker"), &mut out).unwrap();
/// let err = conn.decode(b"HTTP/1.1 200 OK\r\nContent-Length: +5\r\n\r\n").unwrap_err();
/// assert!(matches!(err, Error::Protocol(ProtocolError::InvalidContentLength)));
/// assert!(err.is_peer_fault());
/// assert_eq!(conn.decode(b"").unwrap_err(), err); // sticky
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The peer sent bytes that are not a valid HTTP/1.1 response, or exceeded a limit.
    #[error("malformed response from the engine: {0}")]
    Protocol(#[from] ProtocolError),
    /// The peer sent bytes that are not a valid HTTP/1.1 request, or exceeded a limit
    /// (from [`RequestDecoder`](crate::RequestDecoder)).
    #[error("malformed request: {0}")]
    BadRequest(ProtocolError),
    /// The caller used the codec wrongly (bad input to the encoder, or a call in the wrong state).
    #[error("invalid use of the HTTP codec: {0}")]
    Misuse(#[from] Misuse),
}

impl Error {
    /// True when the peer is to blame (a malformed or hostile response or request).
    ///
    /// ```
    /// use docker_wire::{Error, Misuse, ProtocolError};
    /// assert!(Error::Protocol(ProtocolError::InvalidChunkSize).is_peer_fault());
    /// assert!(!Error::Misuse(Misuse::InvalidTarget { target: "info".into() }).is_peer_fault());
    /// ```
    pub fn is_peer_fault(&self) -> bool {
        matches!(self, Error::Protocol(_) | Error::BadRequest(_))
    }
}

/// Where in a message the input ended early.
///
/// ```
/// # use docker_wire::{ClientConn, Event, Limits, Method, RequestHead};
/// # let mut conn = ClientConn::new(Limits::default());
/// # conn.send_request(&RequestHead::new(Method::Get, "/_ping", "docker"), &mut Vec::new())?;
/// use docker_wire::{Error, ProtocolError, Stage};
/// conn.decode(b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n")?;
/// let err = conn.handle_eof().unwrap_err(); // None of the 5 body bytes arrived.
/// assert_eq!(err, Error::Protocol(ProtocolError::UnexpectedEof { stage: Stage::Body }));
/// # Ok::<(), docker_wire::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Stage {
    /// Inside the start line or the headers.
    Head,
    /// Inside a body with a known length or inside chunk data.
    Body,
    /// Inside chunk framing (a chunk-size line, the CRLF after data, or the trailers).
    ChunkFraming,
}

impl fmt::Display for Stage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Stage::Head => "the head",
            Stage::Body => "the body",
            Stage::ChunkFraming => "the chunk framing",
        })
    }
}

/// The peer misbehaved: the message cannot be trusted and the connection must be closed.
///
/// ```
/// # use docker_wire::{ClientConn, Event, Limits, Method, RequestHead};
/// # let mut conn = ClientConn::new(Limits::default());
/// # conn.send_request(&RequestHead::new(Method::Get, "/_ping", "docker"), &mut Vec::new())?;
/// use docker_wire::{Error, ProtocolError};
/// let res = conn.decode(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nTransfer-Encoding: chunked\r\n\r\n");
/// let err = Error::Protocol(ProtocolError::ContentLengthWithTransferEncoding);
/// assert_eq!(res.unwrap_err(), err);
/// # Ok::<(), docker_wire::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ProtocolError {
    /// The connection closed before a single response byte arrived.
    ///
    /// A pooled connection that the peer had already closed shows this; the request can be
    /// retried on a fresh connection when it is idempotent.
    #[error("the connection closed before any response byte arrived")]
    ClosedBeforeResponse,
    /// The connection closed in the middle of a message.
    #[error("the connection closed inside {stage}; the message is truncated")]
    UnexpectedEof {
        /// Where the input ended.
        stage: Stage,
    },
    /// The start line or a header line is malformed (httparse's reason is given).
    #[error("malformed head: {reason}")]
    MalformedHead {
        /// What was wrong.
        reason: &'static str,
    },
    /// The head is longer than [`Limits::max_head_bytes`](crate::Limits::max_head_bytes).
    #[error("the head exceeds {limit} bytes")]
    HeadTooLarge {
        /// The limit in force.
        limit: usize,
    },
    /// The head has more fields than [`Limits::max_headers`](crate::Limits::max_headers).
    #[error("more than {limit} header fields")]
    TooManyHeaders {
        /// The limit in force.
        limit: usize,
    },
    /// More informational (1xx) responses arrived than allowed.
    #[error("more than {limit} informational (1xx) responses")]
    TooManyInformational {
        /// The limit in force.
        limit: usize,
    },
    /// A `Content-Length` value is not a plain decimal number that fits in a u64.
    #[error("invalid Content-Length")]
    InvalidContentLength,
    /// Several `Content-Length` values disagree.
    #[error("conflicting Content-Length values")]
    ConflictingContentLength,
    /// Both `Content-Length` and `Transfer-Encoding` were sent (a request-smuggling pattern).
    #[error("both Content-Length and Transfer-Encoding are present")]
    ContentLengthWithTransferEncoding,
    /// A `Transfer-Encoding` other than a single `chunked` (the only coding this codec speaks).
    #[error("unsupported Transfer-Encoding")]
    UnsupportedTransferEncoding,
    /// `Transfer-Encoding` in an HTTP/1.0 message.
    #[error("Transfer-Encoding in an HTTP/1.0 message")]
    TransferEncodingInHttp10,
    /// A chunk-size line is not 1 to 16 hex digits optionally followed by extensions.
    #[error("invalid chunk size line")]
    InvalidChunkSize,
    /// Chunk extensions exceed [`Limits::max_chunk_ext_bytes`](crate::Limits::max_chunk_ext_bytes).
    #[error("chunk extensions exceed {limit} bytes")]
    ChunkExtensionTooLong {
        /// The limit in force.
        limit: usize,
    },
    /// Chunk data was not followed by CRLF.
    #[error("chunk data not followed by CRLF")]
    MissingChunkTerminator,
    /// The trailers exceed [`Limits::max_trailer_bytes`](crate::Limits::max_trailer_bytes) or
    /// [`Limits::max_headers`](crate::Limits::max_headers) fields.
    #[error("trailers exceed {limit} bytes or fields")]
    TrailersTooLarge {
        /// The byte limit in force.
        limit: usize,
    },
}

/// The caller used the codec wrongly. Nothing was sent.
///
/// ```
/// use docker_wire::{ClientConn, Error, Limits, Method, Misuse, RequestHead};
/// let head = RequestHead::new(Method::Get, "/info", "docker").headers(&[("Host", "elsewhere")]);
/// let err = ClientConn::new(Limits::default()).send_request(&head, &mut Vec::new()).unwrap_err();
/// assert_eq!(err, Error::Misuse(Misuse::ReservedHeader { name: "Host".into() }));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Misuse {
    /// The request target is empty, does not start with `/`, or holds a byte outside
    /// visible ASCII (space, CR, LF, NUL, DEL or non-ASCII). Percent-encode it first.
    #[error("invalid request target {target:?}: it must start with '/' and hold only visible ASCII (percent-encode the rest)")]
    InvalidTarget {
        /// The offending target.
        target: String,
    },
    /// A header name is empty or holds a byte that is not a token character.
    #[error("invalid header name {name:?}")]
    InvalidHeaderName {
        /// The offending name.
        name: String,
    },
    /// A header value (or the host) holds CR, LF, NUL or another control character.
    #[error(
        "invalid value for header {name:?}: CR, LF, NUL and control characters are not allowed"
    )]
    InvalidHeaderValue {
        /// The header whose value was refused.
        name: String,
    },
    /// A header that the codec writes itself (`Host`, `Content-Length`,
    /// `Transfer-Encoding`, `Connection`, `Upgrade`) was passed in.
    #[error("header {name:?} is set by the codec; use the request head's fields instead")]
    ReservedHeader {
        /// The refused header.
        name: String,
    },
    /// A call came in a state that does not allow it.
    #[error("{call} called while {state}")]
    WrongState {
        /// The call that was refused.
        call: &'static str,
        /// The state the connection was in.
        state: &'static str,
    },
    /// Fewer input bytes than a `decode_framed` call left unconsumed: the caller dropped
    /// bytes that it must present again.
    #[error("{held} unconsumed input bytes were not presented again (given {given})")]
    InputNotPresentedAgain {
        /// The bytes the decoder holds at the front of the input.
        held: usize,
        /// The length of the input given.
        given: usize,
    },
    /// More body bytes than the declared `Content-Length`, or fewer at `finish_body`.
    #[error("request body length mismatch: declared {declared}, written {written}")]
    BodyLengthMismatch {
        /// The declared length.
        declared: u64,
        /// The bytes written so far.
        written: u64,
    },
}
