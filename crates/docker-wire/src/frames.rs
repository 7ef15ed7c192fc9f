//! Docker's stream framings, decoded incrementally over any split of the input.
//!
//! - [`MuxDecoder`]: the 8-byte stdout/stderr multiplexing header of non-TTY logs, attach
//!   and exec. A frame is yielded in pieces as it arrives, never buffered whole, so a header
//!   that claims 4 GiB allocates nothing.
//! - [`LineDecoder`]: newline-delimited JSON (events, stats, pull progress), LF or CRLF, with
//!   a line-length cap.
//!
//! Both run equally on dechunked HTTP bodies and on upgraded raw streams.

use std::fmt;

/// An error in a Docker stream framing. The decoder is unusable afterwards.
///
/// ```
/// use docker_wire::frames::{FrameError, MuxDecoder};
/// let mut dec = MuxDecoder::default();
/// assert_eq!(dec.decode(b"\x07\0\0\0\0\0\0\x01x"), Err(FrameError::InvalidStreamType(7)));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum FrameError {
    /// A multiplexed frame header names a stream other than 0 to 3.
    #[error("invalid stream type {0} in a multiplexed frame header (expected 0, 1, 2 or 3)")]
    InvalidStreamType(u8),
    /// A line is longer than the decoder's cap.
    #[error("a line exceeds {limit} bytes")]
    LineTooLong {
        /// The cap in force.
        limit: usize,
    },
    /// The stream ended inside a multiplexed frame.
    #[error("the stream ended inside a multiplexed frame")]
    TruncatedFrame,
}

/// Which stream a multiplexed frame belongs to.
///
/// ```
/// use docker_wire::frames::{MuxDecoder, StreamKind};
/// let (_, piece) = MuxDecoder::default().decode(b"\x02\0\0\0\0\0\0\x03err")?;
/// assert_eq!(piece.unwrap().stream, StreamKind::Stderr);
/// assert_eq!(StreamKind::Stderr.to_string(), "stderr");
/// # Ok::<(), docker_wire::frames::FrameError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum StreamKind {
    /// Stream 0. The engine writes it only for stdin echo; treat it as stdout.
    Stdin,
    /// Stream 1.
    Stdout,
    /// Stream 2.
    Stderr,
    /// Stream 3: an error from the engine itself, not from the process.
    SystemErr,
}

impl fmt::Display for StreamKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            StreamKind::Stdin => "stdin",
            StreamKind::Stdout => "stdout",
            StreamKind::Stderr => "stderr",
            StreamKind::SystemErr => "systemerr",
        })
    }
}

/// A piece of a multiplexed frame: possibly not the whole frame.
///
/// ```
/// use docker_wire::frames::{MuxDecoder, MuxPiece, StreamKind};
/// let mut dec = MuxDecoder::default();
/// // A 5-byte stdout frame of which 2 payload bytes arrived so far.
/// let (_, piece) = dec.decode(b"\x01\0\0\0\0\0\0\x05he")?;
/// assert_eq!(piece, Some(MuxPiece { stream: StreamKind::Stdout, data: b"he", frame_end: false }));
/// # Ok::<(), docker_wire::frames::FrameError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MuxPiece<'i> {
    /// The stream the frame belongs to.
    pub stream: StreamKind,
    /// Payload bytes, a sub-slice of the input.
    pub data: &'i [u8],
    /// True when this piece ends its frame.
    pub frame_end: bool,
}

/// Decodes the `[stream, 0, 0, 0, len: u32 big-endian]` framing, piece by piece.
///
/// ```
/// use docker_wire::frames::{MuxDecoder, StreamKind};
///
/// let mut dec = MuxDecoder::default();
/// let mut input: &[u8] = b"\x02\x00\x00\x00\x00\x00\x00\x05err1\n\x01\x00\x00\x00\x00\x00\x00\x02ok";
/// let mut got = Vec::new();
/// while !input.is_empty() {
///     let (n, piece) = dec.decode(input).unwrap();
///     if let Some(p) = piece {
///         got.push((p.stream, p.data.to_vec()));
///     }
///     input = &input[n..];
/// }
/// assert_eq!(got, vec![(StreamKind::Stderr, b"err1\n".to_vec()), (StreamKind::Stdout, b"ok".to_vec())]);
/// assert!(dec.finish().is_ok());
/// ```
#[derive(Debug, Default, Clone)]
pub struct MuxDecoder {
    header: [u8; 8],
    n_header: u8,
    stream: Option<StreamKind>,
    remaining: u32,
    failed: Option<FrameError>,
}

impl MuxDecoder {
    /// Consumes input; returns the bytes used and at most one piece of payload.
    ///
    /// Keep calling with the unconsumed rest until it is empty. A `None` piece with a non-zero
    /// count means header bytes or an empty frame were consumed.
    ///
    /// ```
    /// use docker_wire::frames::MuxDecoder;
    /// let mut dec = MuxDecoder::default();
    /// let (used, piece) = dec.decode(b"\x01\0\0\0\0\0\0\x02ok")?;
    /// assert_eq!((used, piece.map(|p| p.data)), (10, Some(&b"ok"[..])));
    /// # Ok::<(), docker_wire::frames::FrameError>(())
    /// ```
    pub fn decode<'i>(
        &mut self,
        input: &'i [u8],
    ) -> Result<(usize, Option<MuxPiece<'i>>), FrameError> {
        if let Some(e) = &self.failed {
            return Err(e.clone());
        }
        let mut i = 0;
        loop {
            if let (Some(stream), 1..) = (self.stream, self.remaining) {
                let n = (self.remaining as usize).min(input.len() - i);
                if n == 0 {
                    return Ok((i, None));
                }
                self.remaining -= n as u32;
                let frame_end = self.remaining == 0;
                if frame_end {
                    self.stream = None;
                }
                let data = &input[i..i + n];
                return Ok((
                    i + n,
                    Some(MuxPiece {
                        stream,
                        data,
                        frame_end,
                    }),
                ));
            }
            let want = 8 - self.n_header as usize;
            let take = want.min(input.len() - i);
            self.header[self.n_header as usize..self.n_header as usize + take]
                .copy_from_slice(&input[i..i + take]);
            self.n_header += take as u8;
            i += take;
            if self.n_header < 8 {
                return Ok((i, None));
            }
            self.n_header = 0;
            let stream = match self.header[0] {
                0 => StreamKind::Stdin,
                1 => StreamKind::Stdout,
                2 => StreamKind::Stderr,
                3 => StreamKind::SystemErr,
                other => {
                    let err = FrameError::InvalidStreamType(other);
                    self.failed = Some(err.clone());
                    return Err(err);
                }
            };
            let len = u32::from_be_bytes([
                self.header[4],
                self.header[5],
                self.header[6],
                self.header[7],
            ]);
            if len == 0 {
                // An empty frame carries nothing; go on to the next header.
                continue;
            }
            self.stream = Some(stream);
            self.remaining = len;
        }
    }

    /// True when the decoder sits between frames.
    ///
    /// ```
    /// use docker_wire::frames::MuxDecoder;
    /// let mut dec = MuxDecoder::default();
    /// dec.decode(b"\x01\0\0")?; // Three bytes of a header arrived.
    /// assert!(!dec.is_at_boundary());
    /// dec.decode(b"\0\0\0\0\x01!")?;
    /// assert!(dec.is_at_boundary());
    /// # Ok::<(), docker_wire::frames::FrameError>(())
    /// ```
    pub fn is_at_boundary(&self) -> bool {
        self.n_header == 0 && self.stream.is_none()
    }

    /// Checks that the stream did not end inside a frame.
    ///
    /// ```
    /// use docker_wire::frames::{FrameError, MuxDecoder};
    /// let mut dec = MuxDecoder::default();
    /// dec.decode(b"\x01\0\0\0\0\0\0\x05he")?; // Two of 5 bytes arrive, then the stream ends.
    /// assert_eq!(dec.finish(), Err(FrameError::TruncatedFrame));
    /// # Ok::<(), FrameError>(())
    /// ```
    pub fn finish(&self) -> Result<(), FrameError> {
        match self.is_at_boundary() {
            true => Ok(()),
            false => Err(FrameError::TruncatedFrame),
        }
    }
}

/// Splits a byte stream into lines: LF or CRLF, blank lines skipped, a leading record
/// separator (0x1E, `application/json-seq`) dropped, with a cap on the line length.
///
/// A line wholly inside one input is returned without copying; a line split across inputs
/// is assembled in an internal buffer of at most `max_line` bytes.
///
/// ```
/// use docker_wire::frames::LineDecoder;
///
/// let mut dec = LineDecoder::new(1024);
/// let mut lines = Vec::new();
/// for part in [&b"{\"a\":1}\r\n{\"b\""[..], b":2}\n\n"] {
///     let mut input = part;
///     while !input.is_empty() {
///         let (n, line) = dec.decode(input).unwrap();
///         if let Some(line) = line {
///             lines.push(String::from_utf8(line.to_vec()).unwrap());
///         }
///         input = &input[n..];
///     }
/// }
/// assert_eq!(lines, ["{\"a\":1}", "{\"b\":2}"]);
/// ```
#[derive(Debug, Clone)]
pub struct LineDecoder {
    max_line: usize,
    buf: Vec<u8>,
    clear_next: bool,
    failed: Option<FrameError>,
}

impl LineDecoder {
    /// A decoder that refuses lines longer than `max_line` bytes.
    ///
    /// ```
    /// use docker_wire::frames::{FrameError, LineDecoder};
    /// let mut dec = LineDecoder::new(4);
    /// assert_eq!(dec.decode(b"toolong\n"), Err(FrameError::LineTooLong { limit: 4 }));
    /// ```
    pub fn new(max_line: usize) -> LineDecoder {
        LineDecoder {
            max_line,
            buf: Vec::new(),
            clear_next: false,
            failed: None,
        }
    }

    /// Consumes input; returns the bytes used and at most one complete line, without its
    /// line ending.
    ///
    /// Keep calling with the unconsumed rest until it is empty. The count is non-zero
    /// whenever the input is.
    ///
    /// ```
    /// use docker_wire::frames::LineDecoder;
    /// let mut dec = LineDecoder::new(1024);
    /// let (used, line) = dec.decode(b"{\"status\":\"ok\"}\r\n{\"sta")?;
    /// assert_eq!((used, line), (17, Some(&b"{\"status\":\"ok\"}"[..])));
    /// # Ok::<(), docker_wire::frames::FrameError>(())
    /// ```
    pub fn decode<'s, 'i: 's>(
        &'s mut self,
        input: &'i [u8],
    ) -> Result<(usize, Option<&'s [u8]>), FrameError> {
        if let Some(e) = &self.failed {
            return Err(e.clone());
        }
        if std::mem::take(&mut self.clear_next) {
            self.buf.clear();
        }
        // The cap applies to the content; a line may also carry a leading record separator
        // and a trailing CR, so up to `max_line + 2` raw bytes are held while a line is open.
        let max_raw = self.max_line.saturating_add(2);
        let mut start = 0;
        loop {
            let rest = &input[start..];
            let Some(nl) = rest.iter().position(|&b| b == b'\n') else {
                if self.buf.len() + rest.len() > max_raw {
                    return self.fail();
                }
                self.buf.extend_from_slice(rest);
                return Ok((input.len(), None));
            };
            let consumed = start + nl + 1;
            if self.buf.is_empty() {
                match trim_line(&rest[..nl]) {
                    [] => {
                        start = consumed;
                        continue;
                    }
                    line if line.len() > self.max_line => return self.fail(),
                    line => return Ok((consumed, Some(line))),
                }
            }
            if self.buf.len() + nl > max_raw {
                return self.fail();
            }
            self.buf.extend_from_slice(&rest[..nl]);
            self.clear_next = true;
            if trim_line(&self.buf).len() > self.max_line {
                return self.fail();
            }
            let line = trim_line(&self.buf);
            return Ok((consumed, (!line.is_empty()).then_some(line)));
        }
    }

    /// Ends the stream: returns a last line that had no line ending, if any.
    ///
    /// ```
    /// use docker_wire::frames::LineDecoder;
    /// let mut dec = LineDecoder::new(1024);
    /// dec.decode(b"{\"last\":true}")?; // The stream ends without a line ending.
    /// assert_eq!(dec.finish()?, Some(&b"{\"last\":true}"[..]));
    /// # Ok::<(), docker_wire::frames::FrameError>(())
    /// ```
    pub fn finish(&mut self) -> Result<Option<&[u8]>, FrameError> {
        if let Some(e) = &self.failed {
            return Err(e.clone());
        }
        if std::mem::take(&mut self.clear_next) {
            self.buf.clear();
        }
        if trim_line(&self.buf).len() > self.max_line {
            return self.fail();
        }
        self.clear_next = true;
        let line = trim_line(&self.buf);
        Ok((!line.is_empty()).then_some(line))
    }

    fn fail<T>(&mut self) -> Result<T, FrameError> {
        let err = FrameError::LineTooLong {
            limit: self.max_line,
        };
        self.failed = Some(err.clone());
        self.buf = Vec::new();
        Err(err)
    }
}

fn trim_line(line: &[u8]) -> &[u8] {
    let line = line.strip_suffix(b"\r").unwrap_or(line);
    line.strip_prefix(b"\x1e").unwrap_or(line)
}
