//! Container output, as logs, attach and exec deliver it: multiplexed frames or raw TTY
//! bytes, split into tagged pieces in constant memory.

use std::collections::VecDeque;
use std::fmt;
use std::ops::Range;

use docker_transport::Headers;
use docker_wire::frames::{MuxDecoder, StreamKind};

use crate::stream::Decoder;
use crate::{ApiVersion, Error, Result};

/// Which stream a piece of container output came from.
///
/// ```
/// use docker_client::OutputStream;
/// assert_eq!(OutputStream::Stderr.to_string(), "stderr");
/// assert_ne!(OutputStream::Console, OutputStream::Stdout); // A TTY's output is one stream.
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum OutputStream {
    /// The process's stdout.
    Stdout,
    /// The process's stderr.
    Stderr,
    /// A TTY's output: stdout and stderr are one stream.
    Console,
}

impl fmt::Display for OutputStream {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            OutputStream::Stdout => "stdout",
            OutputStream::Stderr => "stderr",
            OutputStream::Console => "console",
        })
    }
}

/// A piece of container output (logs, attach, exec), as it arrived: not necessarily a line.
///
/// ```no_run
/// # let client = docker_client::blocking::Client::from_env()?;
/// use docker_client::{LogChunk, LogsOptions, OutputStream};
/// for chunk in client.logs_container("web", &LogsOptions::default())? {
///     let LogChunk { stream, data } = chunk?;
///     if stream == OutputStream::Stderr {
///         eprint!("{}", String::from_utf8_lossy(&data));
///     }
/// }
/// # Ok::<(), docker_client::Error>(())
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct LogChunk {
    /// The stream it belongs to.
    pub stream: OutputStream,
    /// The bytes.
    pub data: Vec<u8>,
}

impl fmt::Debug for LogChunk {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LogChunk")
            .field("stream", &self.stream)
            .field("data", &String::from_utf8_lossy(&self.data))
            .finish()
    }
}

/// How an output stream is framed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Framing {
    /// The 8-byte stdout/stderr headers.
    Multiplexed,
    /// Raw TTY bytes.
    Raw,
}

/// The framing that the `Content-Type` names, when it names one that can be trusted.
///
/// `multiplexed-stream` is always right. `raw-stream` is right from API 1.42 on; older
/// engines send it for multiplexed attach output too. No Content-Type (logs before 1.42)
/// says nothing: the caller falls back to the container's TTY setting.
pub(crate) fn framing_from_headers(
    headers: &Headers,
    version: Option<ApiVersion>,
) -> Option<Framing> {
    let ct = headers.get("content-type")?;
    let ct = ct.split(';').next().unwrap_or("").trim();
    match ct {
        "application/vnd.docker.multiplexed-stream" => Some(Framing::Multiplexed),
        "application/vnd.docker.raw-stream" if version >= Some(ApiVersion::new(1, 42)) => {
            Some(Framing::Raw)
        }
        _ => None,
    }
}

/// The framing for a container whose TTY setting is `tty`.
pub(crate) fn framing_for_tty(tty: bool) -> Framing {
    match tty {
        true => Framing::Raw,
        false => Framing::Multiplexed,
    }
}

/// Splits container output into tagged pieces as bytes arrive, in constant memory.
#[derive(Debug)]
pub(crate) struct OutputDecoder {
    framing: Framing,
    mux: MuxDecoder,
    request: String,
    ready: VecDeque<Result<LogChunk>>,
    failed: bool,
    finished: bool,
    /// The payload pieces of the run of one stream being joined, as ranges of the input
    /// being fed; kept so that its memory is reused.
    run: Vec<Range<usize>>,
}

impl OutputDecoder {
    pub(crate) fn new(framing: Framing, request: String) -> OutputDecoder {
        OutputDecoder {
            framing,
            mux: MuxDecoder::default(),
            request,
            ready: VecDeque::new(),
            failed: false,
            finished: false,
            run: Vec::new(),
        }
    }

    /// Makes the pieces of the current run one ready piece (or appends them to the last
    /// ready piece when it is of the same stream).
    fn flush_run(&mut self, input: &[u8], stream: Option<OutputStream>) {
        let Some(stream) = stream else { return };
        let len = self.run.iter().map(|r| r.len()).sum();
        let joins = matches!(self.ready.back(), Some(Ok(last)) if last.stream == stream);
        if !joins {
            self.ready.push_back(Ok(LogChunk {
                stream,
                data: Vec::with_capacity(len),
            }));
        }
        let Some(Ok(last)) = self.ready.back_mut() else {
            unreachable!("a piece of this stream was just made ready")
        };
        last.data.reserve_exact(len);
        for range in self.run.drain(..) {
            last.data.extend_from_slice(&input[range]);
        }
    }

    fn push(&mut self, stream: OutputStream, data: &[u8]) {
        if let Some(Ok(last)) = self.ready.back_mut() {
            if last.stream == stream {
                last.data.extend_from_slice(data);
                return;
            }
        }
        self.ready.push_back(Ok(LogChunk {
            stream,
            data: data.to_vec(),
        }));
    }

    #[cfg(test)]
    pub(crate) fn is_failed(&self) -> bool {
        self.failed
    }
}

impl Decoder for OutputDecoder {
    type Item = LogChunk;

    /// Decodes `input`; pieces become ready in order. Consecutive pieces of one stream
    /// within this input are joined, so a chunk yields few pieces. A joined piece is
    /// allocated once at its final size and each byte copied once: growing it piece by
    /// piece would move it at every reallocation.
    fn feed(&mut self, input: &[u8]) {
        if self.failed {
            return;
        }
        if self.framing == Framing::Raw {
            if !input.is_empty() {
                self.push(OutputStream::Console, input);
            }
            return;
        }
        let mut at = 0;
        let mut run_stream = None;
        while at < input.len() {
            match self.mux.decode(&input[at..]) {
                Ok((n, piece)) => {
                    at += n;
                    let Some(piece) = piece else { continue };
                    let stream = match piece.stream {
                        StreamKind::Stdin | StreamKind::Stdout => OutputStream::Stdout,
                        StreamKind::Stderr => OutputStream::Stderr,
                        StreamKind::SystemErr => {
                            self.flush_run(input, run_stream);
                            let message = String::from_utf8_lossy(piece.data).trim().to_owned();
                            self.fail(Error::Stream { message });
                            return;
                        }
                    };
                    if run_stream != Some(stream) {
                        self.flush_run(input, run_stream);
                        run_stream = Some(stream);
                    }
                    // A sub-slice of `input`: its place in it.
                    let from = piece.data.as_ptr() as usize - input.as_ptr() as usize;
                    self.run.push(from..from + piece.data.len());
                }
                Err(source) => {
                    self.flush_run(input, run_stream);
                    let e = Error::framing(&self.request, source);
                    self.fail(e);
                    return;
                }
            }
        }
        self.flush_run(input, run_stream);
    }

    /// The stream ended: a frame cut short is an error.
    fn finish(&mut self) {
        self.finished = true;
        if !self.failed && self.framing == Framing::Multiplexed {
            if let Err(source) = self.mux.finish() {
                let e = Error::framing(&self.request, source);
                self.fail(e);
            }
        }
    }

    fn fail(&mut self, e: Error) {
        self.ready.push_back(Err(e));
        self.failed = true;
    }

    fn pop(&mut self) -> Option<Result<LogChunk>> {
        self.ready.pop_front()
    }

    fn is_exhausted(&self) -> bool {
        (self.failed || self.finished) && self.ready.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frame(stream: u8, data: &[u8]) -> Vec<u8> {
        let mut f = vec![stream, 0, 0, 0];
        f.extend_from_slice(&(data.len() as u32).to_be_bytes());
        f.extend_from_slice(data);
        f
    }

    fn drain(dec: &mut OutputDecoder) -> Vec<Result<(OutputStream, Vec<u8>)>> {
        std::iter::from_fn(|| dec.pop())
            .map(|r| r.map(|c| (c.stream, c.data)))
            .collect()
    }

    #[test]
    fn output_is_the_same_for_any_split_and_runs_are_joined() {
        let wire: Vec<u8> = [
            frame(1, b"a1\n"),
            frame(1, b"a2\n"),
            frame(0, b""),
            frame(2, b"e1\n"),
            frame(1, b"b1\n"),
        ]
        .concat();
        for split in 0..=wire.len() {
            let mut dec = OutputDecoder::new(Framing::Multiplexed, "logs".into());
            let (mut out, mut err) = (Vec::new(), Vec::new());
            for part in [&wire[..split], &wire[split..]] {
                dec.feed(part);
                for piece in drain(&mut dec) {
                    match piece.unwrap() {
                        (OutputStream::Stderr, d) => err.extend(d),
                        (_, d) => out.extend(d),
                    }
                }
            }
            dec.finish();
            assert!(dec.pop().is_none(), "split at {split}");
            assert_eq!(out, b"a1\na2\nb1\n", "split at {split}");
            assert_eq!(err, b"e1\n", "split at {split}");
        }
        let mut dec = OutputDecoder::new(Framing::Multiplexed, "logs".into());
        dec.feed(&wire);
        let pieces: Vec<_> = drain(&mut dec).into_iter().map(Result::unwrap).collect();
        assert_eq!(
            pieces,
            [
                (OutputStream::Stdout, b"a1\na2\n".to_vec()),
                (OutputStream::Stderr, b"e1\n".to_vec()),
                (OutputStream::Stdout, b"b1\n".to_vec()),
            ]
        );
        assert!(pieces.iter().all(|(_, d)| d.capacity() == d.len()));
    }

    #[test]
    fn pieces_before_a_system_error_come_first() {
        let wire = [
            frame(1, b"out"),
            frame(2, b"err"),
            frame(3, b" boom \n"),
            frame(1, b"x"),
        ]
        .concat();
        let mut dec = OutputDecoder::new(Framing::Multiplexed, "logs".into());
        dec.feed(&wire);
        let pieces = drain(&mut dec);
        assert_eq!(pieces.len(), 3);
        assert_eq!(
            pieces[0].as_ref().unwrap(),
            &(OutputStream::Stdout, b"out".to_vec())
        );
        assert_eq!(
            pieces[1].as_ref().unwrap(),
            &(OutputStream::Stderr, b"err".to_vec())
        );
        let err = pieces[2].as_ref().err().unwrap();
        assert!(
            matches!(err, Error::Stream { message } if message == "boom"),
            "{err:?}"
        );
        assert!(dec.is_failed());
    }

    #[test]
    fn raw_output_is_console_as_it_arrives() {
        let mut dec = OutputDecoder::new(Framing::Raw, "attach".into());
        dec.feed(b"ab");
        dec.feed(b"");
        dec.feed(b"c");
        let pieces: Vec<_> = drain(&mut dec).into_iter().map(Result::unwrap).collect();
        assert_eq!(pieces, [(OutputStream::Console, b"abc".to_vec())]);
    }
}
