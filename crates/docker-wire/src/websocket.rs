//! RFC 6455 WebSocket framing for the client side of `GET /containers/{id}/attach/ws`,
//! decoded incrementally over any split of the input, and the opening handshake's keys.
//!
//! - [`ClientFrame`] encodes one frame the way a client must send it: masked, with the
//!   masking key given by the caller (this crate has no randomness: the caller draws a fresh
//!   key for every frame, as RFC 6455 section 5.3 asks).
//! - [`FrameDecoder`] decodes what a server sends: data messages streamed piece by piece
//!   (never buffered whole, so a frame header that claims 2^63 bytes allocates nothing),
//!   fragmented messages put back in order, and the control frames (ping, pong, close,
//!   at most 125 bytes each) whole, even when they arrive between two fragments.
//! - [`client_key`] and [`accept_key`] make the `Sec-WebSocket-Key` a client sends and the
//!   `Sec-WebSocket-Accept` it must check in the `101` answer.
//!
//! Text messages are not checked for UTF-8: the engine sends container output in them
//! below API 1.28, which may be any bytes.
//!
//! ```
//! use docker_wire::websocket::{ClientFrame, FrameDecoder, Message, WsEvent};
//!
//! // What the client sends: a masked binary frame.
//! let mut out = Vec::new();
//! ClientFrame::binary(b"ls\n").encode([1, 2, 3, 4], &mut out)?;
//! assert_eq!(out[..2], [0x82, 0x83]); // FIN and binary; masked, 3 bytes.
//!
//! // What the server sends: an unmasked text frame, read in two pieces.
//! let mut dec = FrameDecoder::default();
//! let (n, event) = dec.decode(b"\x81\x05he")?;
//! assert_eq!(n, 4);
//! assert_eq!(event, Some(WsEvent::Data { message: Message::Text, data: b"he", last: false }));
//! let (_, event) = dec.decode(b"llo")?;
//! assert_eq!(event, Some(WsEvent::Data { message: Message::Text, data: b"llo", last: true }));
//! # Ok::<(), docker_wire::websocket::WsError>(())
//! ```

use std::fmt;

/// The GUID RFC 6455 appends to the client's key before hashing it.
const ACCEPT_GUID: &[u8] = b"258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

/// The longest payload of a control frame (RFC 6455 section 5.5).
pub const MAX_CONTROL: usize = 125;

/// An error in a WebSocket stream, or a frame the caller asked to encode that cannot be.
/// A decoder is unusable after it returned one.
///
/// ```
/// use docker_wire::websocket::{FrameDecoder, WsError};
/// // A server must not mask its frames.
/// let mut dec = FrameDecoder::default();
/// assert_eq!(dec.decode(b"\x82\x81\0\0\0\0x"), Err(WsError::MaskedServerFrame));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum WsError {
    /// A frame sets a reserved bit (RSV1 to RSV3) though no extension was agreed.
    #[error("a WebSocket frame sets reserved bits {0:#04x} though no extension was negotiated")]
    ReservedBits(u8),
    /// A frame has an opcode RFC 6455 does not define.
    #[error("a WebSocket frame has the unknown opcode {0:#x}")]
    UnknownOpcode(u8),
    /// The server masked a frame, which RFC 6455 forbids.
    #[error("the server sent a masked WebSocket frame, which RFC 6455 forbids")]
    MaskedServerFrame,
    /// A control frame is fragmented or longer than 125 bytes.
    #[error("a WebSocket control frame is fragmented or longer than {MAX_CONTROL} bytes")]
    BadControlFrame,
    /// A continuation frame arrived with no fragmented message to continue.
    #[error("a WebSocket continuation frame arrived outside a fragmented message")]
    UnexpectedContinuation,
    /// A new text or binary frame arrived before the fragmented message ended.
    #[error("a new WebSocket message began before the fragmented one ended")]
    UnfinishedMessage,
    /// A frame's length is not in its shortest form, or sets the top bit of 64.
    #[error("a WebSocket frame length is not in its shortest form, or exceeds 2^63 - 1")]
    BadLength,
    /// A close frame's payload is one byte long, or its status code is not one a peer may
    /// send.
    #[error("a WebSocket close frame carries an invalid status code")]
    BadClose,
    /// A frame arrived after the server's close frame.
    #[error("a WebSocket frame arrived after the close frame")]
    AfterClose,
    /// The stream ended inside a frame, or inside a fragmented message.
    #[error("the WebSocket stream ended inside a frame or a fragmented message")]
    Truncated,
    /// The caller asked to encode a control frame with more than 125 bytes, a fragmented
    /// control frame, or a close status code a peer may not send.
    #[error("a WebSocket control frame to send is fragmented, longer than {MAX_CONTROL} bytes, or has an invalid close code")]
    InvalidControl,
}

/// A frame's opcode.
///
/// ```
/// use docker_wire::websocket::Opcode;
/// assert_eq!(Opcode::Binary.to_string(), "binary");
/// assert!(Opcode::Ping.is_control() && !Opcode::Text.is_control());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Opcode {
    /// 0x0: the next fragment of a message.
    Continuation,
    /// 0x1: the first frame of a text message.
    Text,
    /// 0x2: the first frame of a binary message.
    Binary,
    /// 0x8: the closing handshake.
    Close,
    /// 0x9: a ping, to be answered with a pong carrying the same payload.
    Ping,
    /// 0xA: a pong.
    Pong,
}

impl Opcode {
    fn bits(self) -> u8 {
        match self {
            Opcode::Continuation => 0x0,
            Opcode::Text => 0x1,
            Opcode::Binary => 0x2,
            Opcode::Close => 0x8,
            Opcode::Ping => 0x9,
            Opcode::Pong => 0xA,
        }
    }

    fn from_bits(bits: u8) -> Result<Opcode, WsError> {
        Ok(match bits {
            0x0 => Opcode::Continuation,
            0x1 => Opcode::Text,
            0x2 => Opcode::Binary,
            0x8 => Opcode::Close,
            0x9 => Opcode::Ping,
            0xA => Opcode::Pong,
            other => return Err(WsError::UnknownOpcode(other)),
        })
    }

    /// True for close, ping and pong.
    ///
    /// ```
    /// assert!(docker_wire::websocket::Opcode::Close.is_control());
    /// ```
    pub fn is_control(self) -> bool {
        matches!(self, Opcode::Close | Opcode::Ping | Opcode::Pong)
    }
}

impl fmt::Display for Opcode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Opcode::Continuation => "continuation",
            Opcode::Text => "text",
            Opcode::Binary => "binary",
            Opcode::Close => "close",
            Opcode::Ping => "ping",
            Opcode::Pong => "pong",
        })
    }
}

/// One frame a client sends. Encoded masked with the caller's key.
///
/// A message may be sent in fragments: the first frame with its opcode and `fin: false`,
/// the next ones as [`Opcode::Continuation`], the last with `fin: true`. Control frames
/// may go between fragments, never be fragmented themselves.
///
/// ```
/// use docker_wire::websocket::{ClientFrame, Opcode};
/// let mut out = Vec::new();
/// let first = ClientFrame { opcode: Opcode::Binary, payload: b"hel", fin: false };
/// first.encode([9, 9, 9, 9], &mut out)?;
/// let rest = ClientFrame { opcode: Opcode::Continuation, payload: b"lo", fin: true };
/// rest.encode([7, 7, 7, 7], &mut out)?;
/// assert_eq!((out[0], out[9]), (0x02, 0x80)); // No FIN on the first; FIN + continuation.
/// # Ok::<(), docker_wire::websocket::WsError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClientFrame<'a> {
    /// The opcode.
    pub opcode: Opcode,
    /// The unmasked payload.
    pub payload: &'a [u8],
    /// True on the last frame of a message (always, for control frames).
    pub fin: bool,
}

impl<'a> ClientFrame<'a> {
    /// A whole binary message in one frame.
    ///
    /// ```
    /// let frame = docker_wire::websocket::ClientFrame::binary(b"data");
    /// assert!(frame.fin);
    /// ```
    pub fn binary(payload: &'a [u8]) -> ClientFrame<'a> {
        ClientFrame {
            opcode: Opcode::Binary,
            payload,
            fin: true,
        }
    }

    /// A whole text message in one frame.
    ///
    /// ```
    /// let frame = docker_wire::websocket::ClientFrame::text(b"echo hi\n");
    /// assert_eq!(frame.opcode, docker_wire::websocket::Opcode::Text);
    /// ```
    pub fn text(payload: &'a [u8]) -> ClientFrame<'a> {
        ClientFrame {
            opcode: Opcode::Text,
            payload,
            fin: true,
        }
    }

    /// A ping (at most 125 bytes).
    ///
    /// ```
    /// let frame = docker_wire::websocket::ClientFrame::ping(b"are you there");
    /// assert_eq!(frame.opcode, docker_wire::websocket::Opcode::Ping);
    /// ```
    pub fn ping(payload: &'a [u8]) -> ClientFrame<'a> {
        ClientFrame {
            opcode: Opcode::Ping,
            payload,
            fin: true,
        }
    }

    /// A pong answering a ping: the ping's payload.
    ///
    /// ```
    /// let frame = docker_wire::websocket::ClientFrame::pong(b"are you there");
    /// assert_eq!(frame.opcode, docker_wire::websocket::Opcode::Pong);
    /// ```
    pub fn pong(payload: &'a [u8]) -> ClientFrame<'a> {
        ClientFrame {
            opcode: Opcode::Pong,
            payload,
            fin: true,
        }
    }

    /// Appends the frame, masked with `mask`, to `out`. Nothing is appended on error: a
    /// control frame longer than 125 bytes or not final is refused.
    ///
    /// ```
    /// use docker_wire::websocket::ClientFrame;
    /// let mut out = Vec::new();
    /// ClientFrame::text(b"Hello").encode([0x37, 0xfa, 0x21, 0x3d], &mut out)?;
    /// // RFC 6455 section 5.7: "A single-frame masked text message".
    /// assert_eq!(out, [0x81, 0x85, 0x37, 0xfa, 0x21, 0x3d, 0x7f, 0x9f, 0x4d, 0x51, 0x58]);
    /// # Ok::<(), docker_wire::websocket::WsError>(())
    /// ```
    pub fn encode(&self, mask: [u8; 4], out: &mut Vec<u8>) -> Result<(), WsError> {
        if self.opcode.is_control() && (!self.fin || self.payload.len() > MAX_CONTROL) {
            return Err(WsError::InvalidControl);
        }
        let fin = if self.fin { 0x80 } else { 0 };
        out.reserve(14 + self.payload.len());
        out.push(fin | self.opcode.bits());
        let len = self.payload.len();
        match len {
            0..=125 => out.push(0x80 | len as u8),
            126..=0xffff => {
                out.push(0x80 | 126);
                out.extend_from_slice(&(len as u16).to_be_bytes());
            }
            _ => {
                out.push(0x80 | 127);
                out.extend_from_slice(&(len as u64).to_be_bytes());
            }
        }
        out.extend_from_slice(&mask);
        let start = out.len();
        out.extend_from_slice(self.payload);
        apply_mask(&mut out[start..], mask);
        Ok(())
    }
}

/// Appends a close frame with an optional status code and reason, masked with `mask`.
/// The reason is cut to fit the 125 bytes of a control frame (at a character boundary).
/// A code that a peer may not send (below 1000, 1004 to 1006, 1015, 1016 to 2999, 5000
/// and above) is refused.
///
/// ```
/// use docker_wire::websocket::encode_close;
/// let mut out = Vec::new();
/// encode_close(Some(1000), "done", [0, 0, 0, 0], &mut out)?;
/// assert_eq!(out, [0x88, 0x86, 0, 0, 0, 0, 0x03, 0xe8, b'd', b'o', b'n', b'e']);
/// # Ok::<(), docker_wire::websocket::WsError>(())
/// ```
pub fn encode_close(
    code: Option<u16>,
    reason: &str,
    mask: [u8; 4],
    out: &mut Vec<u8>,
) -> Result<(), WsError> {
    let mut payload = [0u8; MAX_CONTROL];
    let len = match code {
        None => 0,
        Some(code) if !is_valid_close_code(code) => return Err(WsError::InvalidControl),
        Some(code) => {
            payload[..2].copy_from_slice(&code.to_be_bytes());
            let mut cut = reason.len().min(MAX_CONTROL - 2);
            while !reason.is_char_boundary(cut) {
                cut -= 1;
            }
            payload[2..2 + cut].copy_from_slice(&reason.as_bytes()[..cut]);
            2 + cut
        }
    };
    let frame = ClientFrame {
        opcode: Opcode::Close,
        payload: &payload[..len],
        fin: true,
    };
    frame.encode(mask, out)
}

/// Which kind of data message a piece belongs to.
///
/// ```
/// use docker_wire::websocket::{FrameDecoder, Message, WsEvent};
/// let mut dec = FrameDecoder::default();
/// let (_, event) = dec.decode(b"\x82\x01x")?;
/// assert!(matches!(event, Some(WsEvent::Data { message: Message::Binary, .. })));
/// # Ok::<(), docker_wire::websocket::WsError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Message {
    /// A text message (the engine's framing below API 1.28).
    Text,
    /// A binary message (API 1.28 and later).
    Binary,
}

/// What [`FrameDecoder::decode`] found.
///
/// ```
/// use docker_wire::websocket::{FrameDecoder, WsEvent};
/// let mut dec = FrameDecoder::default();
/// let (_, event) = dec.decode(b"\x89\x02hi")?;
/// assert_eq!(event, Some(WsEvent::Ping(b"hi")));
/// # Ok::<(), docker_wire::websocket::WsError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WsEvent<'a> {
    /// A piece of a data message: possibly not a whole frame, nor a whole message.
    Data {
        /// The message's kind, from its first frame.
        message: Message,
        /// Payload bytes, unmasked: a sub-slice of the input.
        data: &'a [u8],
        /// True when this piece ends the message (the end of its final frame).
        last: bool,
    },
    /// A ping: answer it with a pong of the same payload.
    Ping(&'a [u8]),
    /// A pong.
    Pong(&'a [u8]),
    /// The server's close frame: the end of the stream. Answer it with a close frame
    /// unless one was sent already.
    Close {
        /// The status code, when the frame has one.
        code: Option<u16>,
        /// The reason (UTF-8 by the RFC; given as sent).
        reason: &'a [u8],
    },
}

/// Decodes the frames a WebSocket server sends, piece by piece, over any split of the
/// input.
///
/// Keep calling [`decode`](Self::decode) with the unconsumed rest until it is empty;
/// a `None` event with a non-zero count means that header bytes, an empty frame or part
/// of a control frame were consumed. At the end of the stream, [`finish`](Self::finish)
/// says whether it ended cleanly.
///
/// ```
/// use docker_wire::websocket::{FrameDecoder, WsEvent};
///
/// // A message in two fragments with a ping between them, then a close.
/// let wire = b"\x02\x02ab\x89\x00\x80\x01c\x88\x02\x03\xe8";
/// let mut dec = FrameDecoder::default();
/// let mut input = &wire[..];
/// let mut data = Vec::new();
/// let mut pings = 0;
/// while !input.is_empty() {
///     let (n, event) = dec.decode(input)?;
///     match event {
///         Some(WsEvent::Data { data: d, .. }) => data.extend_from_slice(d),
///         Some(WsEvent::Ping(_)) => pings += 1,
///         Some(WsEvent::Close { code, .. }) => assert_eq!(code, Some(1000)),
///         _ => (),
///     }
///     input = &input[n..];
/// }
/// assert_eq!((data.as_slice(), pings), (&b"abc"[..], 1));
/// dec.finish()?;
/// # Ok::<(), docker_wire::websocket::WsError>(())
/// ```
#[derive(Debug, Clone)]
pub struct FrameDecoder {
    /// Header bytes gathered so far (at most 14: two, eight of length, no mask).
    header: [u8; 14],
    n_header: u8,
    /// The frame being read, once its header is complete.
    frame: Option<Frame>,
    /// The kind of the fragmented message in progress, if any.
    message: Option<Message>,
    /// A control frame's payload, gathered whole.
    control: [u8; MAX_CONTROL],
    n_control: u8,
    closed: bool,
    failed: Option<WsError>,
}

#[derive(Debug, Clone, Copy)]
struct Frame {
    opcode: Opcode,
    fin: bool,
    remaining: u64,
}

impl Default for FrameDecoder {
    fn default() -> FrameDecoder {
        FrameDecoder {
            header: [0; 14],
            n_header: 0,
            frame: None,
            message: None,
            control: [0; MAX_CONTROL],
            n_control: 0,
            closed: false,
            failed: None,
        }
    }
}

impl FrameDecoder {
    /// Consumes input; returns the bytes used and at most one event.
    ///
    /// ```
    /// use docker_wire::websocket::{FrameDecoder, Message, WsEvent};
    /// let mut dec = FrameDecoder::default();
    /// let (used, event) = dec.decode(b"\x82\x02ok\x82")?;
    /// assert_eq!(used, 4);
    /// assert_eq!(event, Some(WsEvent::Data { message: Message::Binary, data: b"ok", last: true }));
    /// # Ok::<(), docker_wire::websocket::WsError>(())
    /// ```
    pub fn decode<'a>(
        &'a mut self,
        input: &'a [u8],
    ) -> Result<(usize, Option<WsEvent<'a>>), WsError> {
        if let Some(e) = &self.failed {
            return Err(e.clone());
        }
        match self.step(input) {
            Ok((n, Some(Step::Data(message, start, len, last)))) => Ok((
                n,
                Some(WsEvent::Data {
                    message,
                    data: &input[start..start + len],
                    last,
                }),
            )),
            Ok((n, Some(Step::Control(opcode)))) => {
                let payload = &self.control[..usize::from(self.n_control)];
                let event = match opcode {
                    Opcode::Ping => WsEvent::Ping(payload),
                    Opcode::Pong => WsEvent::Pong(payload),
                    _ => {
                        // A one-byte payload was refused when its frame completed.
                        let (code, reason) = match payload {
                            [hi, lo, reason @ ..] => (Some(u16::from_be_bytes([*hi, *lo])), reason),
                            _ => (None, payload),
                        };
                        WsEvent::Close { code, reason }
                    }
                };
                Ok((n, Some(event)))
            }
            Ok((n, None)) => Ok((n, None)),
            Err(e) => {
                self.failed = Some(e.clone());
                Err(e)
            }
        }
    }

    /// Checks that the stream did not end inside a frame or a fragmented message.
    ///
    /// ```
    /// use docker_wire::websocket::{FrameDecoder, WsError};
    /// let mut dec = FrameDecoder::default();
    /// dec.decode(b"\x82\x05he")?; // Two of five bytes arrive, then the stream ends.
    /// assert_eq!(dec.finish(), Err(WsError::Truncated));
    /// # Ok::<(), WsError>(())
    /// ```
    pub fn finish(&self) -> Result<(), WsError> {
        if let Some(e) = &self.failed {
            return Err(e.clone());
        }
        match self.n_header == 0 && self.frame.is_none() && self.message.is_none() {
            true => Ok(()),
            false => Err(WsError::Truncated),
        }
    }

    /// True once the server's close frame was decoded.
    ///
    /// ```
    /// let mut dec = docker_wire::websocket::FrameDecoder::default();
    /// dec.decode(b"\x88\x00")?;
    /// assert!(dec.is_closed());
    /// # Ok::<(), docker_wire::websocket::WsError>(())
    /// ```
    pub fn is_closed(&self) -> bool {
        self.closed
    }

    fn step(&mut self, input: &[u8]) -> Result<(usize, Option<Step>), WsError> {
        let mut i = 0;
        loop {
            if let Some(frame) = &mut self.frame {
                if frame.opcode.is_control() {
                    let want = frame.remaining as usize;
                    let take = want.min(input.len() - i);
                    let at = usize::from(self.n_control);
                    self.control[at..at + take].copy_from_slice(&input[i..i + take]);
                    self.n_control += take as u8;
                    frame.remaining -= take as u64;
                    i += take;
                    if frame.remaining > 0 {
                        return Ok((i, None));
                    }
                    let opcode = frame.opcode;
                    self.frame = None;
                    if opcode == Opcode::Close {
                        self.check_close()?;
                        self.closed = true;
                    }
                    return Ok((i, Some(Step::Control(opcode))));
                }
                let message = self.message.expect("a data frame is read inside a message");
                let n = usize::try_from(frame.remaining)
                    .unwrap_or(usize::MAX)
                    .min(input.len() - i);
                if n == 0 && frame.remaining > 0 {
                    return Ok((i, None));
                }
                frame.remaining -= n as u64;
                let frame_done = frame.remaining == 0;
                let last = frame_done && frame.fin;
                if frame_done {
                    self.frame = None;
                }
                if last {
                    self.message = None;
                }
                if n == 0 && !last {
                    // An empty non-final fragment carries nothing.
                    continue;
                }
                return Ok((i + n, Some(Step::Data(message, i, n, last))));
            }
            if i == input.len() {
                return Ok((i, None));
            }
            // Gather the header: two bytes, then the extended length.
            let have = usize::from(self.n_header);
            let need = match have {
                0 | 1 => 2,
                _ => 2 + extended_len(self.header[1]),
            };
            let take = (need - have).min(input.len() - i);
            self.header[have..have + take].copy_from_slice(&input[i..i + take]);
            self.n_header += take as u8;
            i += take;
            let need = match usize::from(self.n_header) {
                0 | 1 => continue,
                _ => 2 + extended_len(self.header[1]),
            };
            if usize::from(self.n_header) < need {
                continue;
            }
            self.n_header = 0;
            self.start_frame()?;
        }
    }

    /// Checks a complete header and starts its frame.
    fn start_frame(&mut self) -> Result<(), WsError> {
        if self.closed {
            return Err(WsError::AfterClose);
        }
        let [b0, b1] = [self.header[0], self.header[1]];
        if b0 & 0x70 != 0 {
            return Err(WsError::ReservedBits(b0 & 0x70));
        }
        if b1 & 0x80 != 0 {
            return Err(WsError::MaskedServerFrame);
        }
        let opcode = Opcode::from_bits(b0 & 0x0f)?;
        let fin = b0 & 0x80 != 0;
        let len = match b1 & 0x7f {
            126 => {
                let n = u64::from(u16::from_be_bytes([self.header[2], self.header[3]]));
                if n < 126 {
                    return Err(WsError::BadLength);
                }
                n
            }
            127 => {
                let mut bytes = [0; 8];
                bytes.copy_from_slice(&self.header[2..10]);
                let n = u64::from_be_bytes(bytes);
                if n >> 63 != 0 || n <= 0xffff {
                    return Err(WsError::BadLength);
                }
                n
            }
            n => u64::from(n),
        };
        if opcode.is_control() {
            if !fin || len > MAX_CONTROL as u64 {
                return Err(WsError::BadControlFrame);
            }
            self.n_control = 0;
        } else {
            match (opcode, self.message) {
                (Opcode::Continuation, None) => return Err(WsError::UnexpectedContinuation),
                (Opcode::Continuation, Some(_)) => (),
                (_, Some(_)) => return Err(WsError::UnfinishedMessage),
                (Opcode::Text, None) => self.message = Some(Message::Text),
                (_, None) => self.message = Some(Message::Binary),
            }
        }
        self.frame = Some(Frame {
            opcode,
            fin,
            remaining: len,
        });
        Ok(())
    }

    fn check_close(&self) -> Result<(), WsError> {
        match &self.control[..usize::from(self.n_control)] {
            [] => Ok(()),
            [_] => Err(WsError::BadClose),
            [hi, lo, ..] if !is_valid_close_code(u16::from_be_bytes([*hi, *lo])) => {
                Err(WsError::BadClose)
            }
            _ => Ok(()),
        }
    }
}

/// What one step of the decoder produced, by position, so that the borrow of the input or
/// of the control buffer is taken only once the step is over.
enum Step {
    /// Message kind, start in the input, length, last piece of the message.
    Data(Message, usize, usize, bool),
    /// A complete control frame, its payload in the control buffer.
    Control(Opcode),
}

/// The bytes of extended length a frame's second header byte announces.
fn extended_len(b1: u8) -> usize {
    match b1 & 0x7f {
        126 => 2,
        127 => 8,
        _ => 0,
    }
}

/// The status codes a peer may put in a close frame (RFC 6455 section 7.4).
fn is_valid_close_code(code: u16) -> bool {
    matches!(code, 1000..=1003 | 1007..=1014 | 3000..=4999)
}

/// XORs a whole payload with the masking key.
fn apply_mask(data: &mut [u8], mask: [u8; 4]) {
    for (i, b) in data.iter_mut().enumerate() {
        *b ^= mask[i % 4];
    }
}

/// The `Sec-WebSocket-Key` of an opening handshake: the caller's 16 random bytes, in
/// base64.
///
/// ```
/// use docker_wire::websocket::client_key;
/// // RFC 6455 section 1.3's sample nonce, "the sample nonce".
/// assert_eq!(client_key(*b"the sample nonce"), "dGhlIHNhbXBsZSBub25jZQ==");
/// ```
pub fn client_key(nonce: [u8; 16]) -> String {
    base64(&nonce)
}

/// The `Sec-WebSocket-Accept` a server must answer `key` with: base64 of the SHA-1 of the
/// key and RFC 6455's GUID. A client compares it with the answer's header, and refuses
/// the connection when they differ.
///
/// ```
/// use docker_wire::websocket::accept_key;
/// assert_eq!(accept_key("dGhlIHNhbXBsZSBub25jZQ=="), "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
/// ```
pub fn accept_key(key: &str) -> String {
    let mut input = key.trim().as_bytes().to_vec();
    input.extend_from_slice(ACCEPT_GUID);
    base64(&sha1(&input))
}

/// Standard base64 with padding.
fn base64(data: &[u8]) -> String {
    const STD: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(data.len().div_ceil(3) * 4);
    for chunk in data.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            match i <= chunk.len() {
                true => out.push(STD[(n >> (18 - 6 * i) & 63) as usize] as char),
                false => out.push('='),
            }
        }
    }
    out
}

/// SHA-1 (FIPS 180-4), for the handshake's accept key only: RFC 6455 names it, and its
/// weakness as a hash does not matter there.
fn sha1(data: &[u8]) -> [u8; 20] {
    let mut h: [u32; 5] = [
        0x6745_2301,
        0xEFCD_AB89,
        0x98BA_DCFE,
        0x1032_5476,
        0xC3D2_E1F0,
    ];
    let bit_len = (data.len() as u64).wrapping_mul(8);
    let mut message = data.to_vec();
    message.push(0x80);
    while message.len() % 64 != 56 {
        message.push(0);
    }
    message.extend_from_slice(&bit_len.to_be_bytes());
    for block in message.chunks_exact(64) {
        let mut w = [0u32; 80];
        for (t, word) in block.chunks_exact(4).enumerate() {
            w[t] = u32::from_be_bytes([word[0], word[1], word[2], word[3]]);
        }
        for t in 16..80 {
            w[t] = (w[t - 3] ^ w[t - 8] ^ w[t - 14] ^ w[t - 16]).rotate_left(1);
        }
        let [mut a, mut b, mut c, mut d, mut e] = h;
        for (t, &wt) in w.iter().enumerate() {
            let (f, k) = match t {
                0..=19 => ((b & c) | (!b & d), 0x5A82_7999),
                20..=39 => (b ^ c ^ d, 0x6ED9_EBA1),
                40..=59 => ((b & c) | (b & d) | (c & d), 0x8F1B_BCDC),
                _ => (b ^ c ^ d, 0xCA62_C1D6),
            };
            let temp = a
                .rotate_left(5)
                .wrapping_add(f)
                .wrapping_add(e)
                .wrapping_add(k)
                .wrapping_add(wt);
            e = d;
            d = c;
            c = b.rotate_left(30);
            b = a;
            a = temp;
        }
        for (x, y) in h.iter_mut().zip([a, b, c, d, e]) {
            *x = x.wrapping_add(y);
        }
    }
    let mut out = [0u8; 20];
    for (i, word) in h.iter().enumerate() {
        out[i * 4..i * 4 + 4].copy_from_slice(&word.to_be_bytes());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hex(bytes: &[u8]) -> String {
        bytes.iter().map(|b| format!("{b:02x}")).collect()
    }

    #[test]
    fn sha1_matches_the_fips_test_vectors() {
        assert_eq!(
            hex(&sha1(b"abc")),
            "a9993e364706816aba3e25717850c26c9cd0d89d"
        );
        assert_eq!(hex(&sha1(b"")), "da39a3ee5e6b4b0d3255bfef95601890afd80709");
        let long = b"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
        assert_eq!(hex(&sha1(long)), "84983e441c3bd26ebaae4aa1f95129e5e54670f1");
        let million = vec![b'a'; 1_000_000];
        assert_eq!(
            hex(&sha1(&million)),
            "34aa973cd4c4daa4f61eeb2bdbad27316534016f"
        );
    }

    #[test]
    fn masking_twice_restores_the_payload() {
        let mut data = b"attach over websocket".to_vec();
        apply_mask(&mut data, [1, 2, 3, 4]);
        assert_ne!(data, b"attach over websocket");
        apply_mask(&mut data, [1, 2, 3, 4]);
        assert_eq!(data, b"attach over websocket");
    }
}
