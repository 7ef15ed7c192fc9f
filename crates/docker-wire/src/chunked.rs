//! The chunked transfer coding, decoded one framing byte at a time and data zero-copy.

use std::ops::Range;

use crate::error::{ProtocolError, Stage};
use crate::Limits;

#[derive(Debug, Default)]
pub(crate) struct Chunked {
    state: State,
    size: u64,
    n_digits: u8,
    ext_bytes: usize,
    trailer_bytes: usize,
    trailer_fields: usize,
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
}

impl Chunked {
    /// Where an EOF now would cut the body.
    pub(crate) fn stage(&self) -> Stage {
        match self.state {
            State::Data { .. } => Stage::Body,
            _ => Stage::ChunkFraming,
        }
    }

    /// Consumes framing bytes until data, the end, or the end of input.
    pub(crate) fn decode(
        &mut self,
        input: &[u8],
        limits: &Limits,
    ) -> Result<(usize, Step), ProtocolError> {
        let mut i = 0;
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
                    self.count_ext_byte(limits)?;
                    State::SizeWs
                }
                (State::Size | State::SizeWs, b';') => {
                    self.count_ext_byte(limits)?;
                    State::Ext
                }
                (State::Size | State::SizeWs | State::Ext, b'\r') => State::SizeLf,
                (State::Ext, b'\t') | (State::Ext, 0x20..=0x7e | 0x80..=0xff) => {
                    self.count_ext_byte(limits)?;
                    State::Ext
                }
                (State::SizeLf, b'\n') => {
                    let size = std::mem::take(&mut self.size);
                    self.n_digits = 0;
                    match size {
                        0 => State::TrailerStart,
                        remaining => State::Data { remaining },
                    }
                }
                (State::Size | State::SizeWs | State::Ext | State::SizeLf, _) => {
                    return Err(ProtocolError::InvalidChunkSize)
                }
                (State::DataCr, b'\r') => State::DataLf,
                (State::DataLf, b'\n') => State::Size,
                (State::DataCr | State::DataLf, _) => {
                    return Err(ProtocolError::MissingChunkTerminator)
                }
                (State::TrailerStart, b'\r') => State::EndLf,
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
        Ok((i, Step::NeedData))
    }
}

impl Chunked {
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
