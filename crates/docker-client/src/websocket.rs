//! Attach over WebSocket: `GET /containers/{id}/attach/ws`, a session whose frames
//! docker-wire's [`websocket`](docker_wire::websocket) framing encodes and decodes.
//! Written once; each flavour supplies the reads and writes.

use std::collections::hash_map::RandomState;
use std::collections::VecDeque;
use std::fmt;
use std::hash::{BuildHasher, Hasher};
use std::sync::atomic::{AtomicU64, Ordering};

use docker_wire::websocket::{self, ClientFrame, FrameDecoder, Message, WsEvent};

use crate::flavour::io::FlavourIo;
use crate::flavour::session_error;
use crate::stream::{Decoder, Items};
use crate::{ApiVersion, Client, Error, Flavour, Result};

/// A container's stdio over a WebSocket (`GET /containers/{id}/attach/ws`).
///
/// What is written goes to the container's stdin as one message per call (binary frames
/// from API 1.28, text frames before, as the engine expects); the container's output comes
/// back as [`WsOutput::Data`] pieces, stdout and stderr together, unframed. Pings from the
/// engine are answered while reading. [`close`](Self::close) starts the closing handshake:
/// the engine ends the attach, and the output ends with [`WsOutput::Close`].
///
/// Every frame is masked with a fresh key drawn from std's randomly seeded hasher, as RFC
/// 6455 asks of clients.
///
/// ```no_run
/// # let client = docker_client::blocking::Client::from_env()?;
/// use docker_client::{AttachOptions, WsOutput};
/// let mut ws = client.attach_container_ws("shell", AttachOptions::default().stdin(true))?;
/// ws.write_stdin(b"echo hi\n")?;
/// while let Some(out) = ws.next_output()? {
///     match out {
///         WsOutput::Data(data) => print!("{}", String::from_utf8_lossy(&data)),
///         WsOutput::Close { .. } => break,
///         _ => (),
///     }
/// }
/// # Ok::<(), docker_client::Error>(())
/// ```
pub struct WsSession<F: Flavour> {
    writer: <F as FlavourIo>::Writer,
    output: Items<F, Frame>,
    request: String,
    message: Message,
    /// A close frame was sent.
    closing: bool,
    /// The engine's close frame was read.
    closed: bool,
}

/// What a [`WsSession`] reads.
///
/// ```
/// let out = docker_client::WsOutput::Data(b"hi\n".to_vec());
/// assert!(matches!(out, docker_client::WsOutput::Data(d) if d == b"hi\n"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum WsOutput {
    /// A piece of the container's output (stdout and stderr, as written).
    Data(Vec<u8>),
    /// The answer to a [`ping`](WsSession::ping).
    Pong(Vec<u8>),
    /// The engine's close frame: the session is over.
    Close {
        /// The status code, 1000 for a normal end.
        code: Option<u16>,
        /// The reason, often empty.
        reason: String,
    },
}

/// One decoded frame, or a piece of a data message.
#[derive(Debug)]
enum Frame {
    Data(Vec<u8>),
    Ping(Vec<u8>),
    Pong(Vec<u8>),
    Close(Option<u16>, String),
}

/// Decodes the engine's frames for the session's pump.
struct Frames {
    request: String,
    decoder: FrameDecoder,
    ready: VecDeque<Result<Frame>>,
    done: bool,
}

impl Frames {
    fn new(request: String) -> Frames {
        Frames {
            request,
            decoder: FrameDecoder::default(),
            ready: VecDeque::new(),
            done: false,
        }
    }

    fn framing_error(&mut self, e: websocket::WsError) {
        let e = Error::Framing {
            request: self.request.clone(),
            source: Box::new(e),
        };
        self.fail(e);
    }
}

impl Decoder for Frames {
    type Item = Frame;

    fn feed(&mut self, mut chunk: &[u8]) {
        while !chunk.is_empty() && !self.done {
            let (n, frame) = match self.decoder.decode(chunk) {
                Ok((n, event)) => (n, event.and_then(frame_of)),
                Err(e) => return self.framing_error(e),
            };
            if let Some(frame) = frame {
                if matches!(frame, Frame::Close(..)) {
                    self.done = true;
                }
                self.ready.push_back(Ok(frame));
            }
            chunk = &chunk[n..];
        }
    }

    fn finish(&mut self) {
        if self.done {
            return;
        }
        match self.decoder.finish() {
            Ok(()) => self.done = true,
            Err(e) => self.framing_error(e),
        }
    }

    fn fail(&mut self, e: Error) {
        self.ready.push_back(Err(e));
        self.done = true;
    }

    fn pop(&mut self) -> Option<Result<Frame>> {
        self.ready.pop_front()
    }

    fn is_exhausted(&self) -> bool {
        self.done && self.ready.is_empty()
    }
}

fn frame_of(event: WsEvent<'_>) -> Option<Frame> {
    match event {
        WsEvent::Data { data: [], .. } => None,
        WsEvent::Data { data, .. } => Some(Frame::Data(data.to_vec())),
        WsEvent::Ping(p) => Some(Frame::Ping(p.to_vec())),
        WsEvent::Pong(p) => Some(Frame::Pong(p.to_vec())),
        WsEvent::Close { code, reason } => Some(Frame::Close(
            code,
            String::from_utf8_lossy(reason).into_owned(),
        )),
    }
}

/// A fresh masking key or nonce: std's hasher is seeded from the OS's randomness once per
/// thread, and a counter makes every draw new.
fn random_u64() -> u64 {
    static DRAWS: AtomicU64 = AtomicU64::new(0);
    let mut h = RandomState::new().build_hasher();
    h.write_u64(DRAWS.fetch_add(1, Ordering::Relaxed));
    h.finish()
}

fn mask() -> [u8; 4] {
    let bytes = random_u64().to_le_bytes();
    [bytes[0], bytes[1], bytes[2], bytes[3]]
}

fn nonce() -> [u8; 16] {
    let mut out = [0u8; 16];
    out[..8].copy_from_slice(&random_u64().to_le_bytes());
    out[8..].copy_from_slice(&random_u64().to_le_bytes());
    out
}

impl<F: Flavour> Client<F> {
    /// Sends a WebSocket upgrade call and makes its connection a session, once the answer's
    /// `Sec-WebSocket-Accept` proves the engine read the key.
    pub(crate) async fn ws_session(
        &self,
        call: Result<crate::client::CallOf<F>>,
    ) -> Result<WsSession<F>> {
        let key = websocket::client_key(nonce());
        let call = call.map(|c| {
            c.header("Sec-WebSocket-Key", key.clone())
                .header("Sec-WebSocket-Version", "13".to_owned())
        });
        let version = self.negotiated_version().await?;
        let (request, response) = self.answer(call).await?;
        let head = F::head(&response);
        let accept = head.headers.get("sec-websocket-accept").unwrap_or("");
        if head.status != 101 || accept.trim() != websocket::accept_key(&key) {
            return Err(Error::MalformedAnswer {
                request,
                reason: format!(
                    "the engine did not switch to WebSocket (status {}, Sec-WebSocket-Accept \
                     {accept:?})",
                    head.status
                ),
            });
        }
        let message = match version < ApiVersion::new(1, 28) {
            true => Message::Text,
            false => Message::Binary,
        };
        let (chunks, writer, abort) = F::upgrade(response).await?;
        let frames = Frames::new(request.clone());
        Ok(WsSession {
            writer,
            output: Items::new(chunks, abort, frames),
            request,
            message,
            closing: false,
            closed: false,
        })
    }
}

impl<F: Flavour> WsSession<F> {
    /// Sends `data` to the container's stdin, as one message.
    ///
    /// ```no_run
    /// # use docker_client::AttachOptions;
    /// # let client = docker_client::blocking::Client::from_env()?;
    /// let mut ws = client.attach_container_ws("shell", AttachOptions::default().stdin(true))?;
    /// ws.write_stdin(b"ls /\n")?;
    /// # Ok::<(), docker_client::Error>(())
    /// ```
    pub fn write_stdin<'a>(&'a mut self, data: &'a [u8]) -> F::Out<'a, ()> {
        let frame = ClientFrame {
            opcode: match self.message {
                Message::Text => websocket::Opcode::Text,
                Message::Binary => websocket::Opcode::Binary,
            },
            payload: data,
            fin: true,
        };
        let mut out = Vec::new();
        let encoded = frame.encode(mask(), &mut out);
        F::run(async move {
            encoded.map_err(|e| self.misuse(e))?;
            self.send(&out).await
        })
    }

    /// Sends a ping; the engine's pong comes back as [`WsOutput::Pong`].
    ///
    /// ```no_run
    /// # use docker_client::{AttachOptions, WsOutput};
    /// # let client = docker_client::blocking::Client::from_env()?;
    /// let mut ws = client.attach_container_ws("web", AttachOptions::default())?;
    /// ws.ping(b"still there?")?;
    /// # Ok::<(), docker_client::Error>(())
    /// ```
    pub fn ping<'a>(&'a mut self, payload: &'a [u8]) -> F::Out<'a, ()> {
        let mut out = Vec::new();
        let encoded = ClientFrame::ping(payload).encode(mask(), &mut out);
        F::run(async move {
            encoded.map_err(|e| self.misuse(e))?;
            self.send(&out).await
        })
    }

    /// Starts the closing handshake (status 1000): the engine ends the attach, which closes
    /// the container's stdin when it was created with `StdinOnce`. Read the output to its
    /// end for the engine's close frame.
    ///
    /// ```no_run
    /// # use docker_client::AttachOptions;
    /// # let client = docker_client::blocking::Client::from_env()?;
    /// let mut ws = client.attach_container_ws("cat", AttachOptions::default().stdin(true))?;
    /// ws.write_stdin(b"bye\n")?;
    /// ws.close()?;
    /// let rest = ws.collect_output()?;
    /// # Ok::<(), docker_client::Error>(())
    /// ```
    pub fn close(&mut self) -> F::Out<'_, ()> {
        F::run(async move {
            if self.closing {
                return Ok(());
            }
            self.send_close().await
        })
    }

    /// The next piece of output, a pong, or the engine's close frame (answered); `None`
    /// after it, or when the connection ended.
    ///
    /// ```no_run
    /// # use docker_client::{AttachOptions, WsOutput};
    /// # let client = docker_client::blocking::Client::from_env()?;
    /// let mut ws = client.attach_container_ws("web", AttachOptions::default())?;
    /// while let Some(out) = ws.next_output()? {
    ///     if let WsOutput::Data(data) = out {
    ///         print!("{}", String::from_utf8_lossy(&data));
    ///     }
    /// }
    /// # Ok::<(), docker_client::Error>(())
    /// ```
    pub fn next_output(&mut self) -> F::Out<'_, Option<WsOutput>> {
        F::run(async move { self.pull().await })
    }

    /// All remaining output, concatenated.
    ///
    /// ```no_run
    /// # use docker_client::AttachOptions;
    /// # let client = docker_client::blocking::Client::from_env()?;
    /// let mut ws = client.attach_container_ws("job", AttachOptions::default().logs(true))?;
    /// println!("{}", String::from_utf8_lossy(&ws.collect_output()?));
    /// # Ok::<(), docker_client::Error>(())
    /// ```
    pub fn collect_output(&mut self) -> F::Out<'_, Vec<u8>> {
        F::run(async move {
            let mut all = Vec::new();
            while let Some(out) = self.pull().await? {
                if let WsOutput::Data(data) = out {
                    all.extend_from_slice(&data);
                }
            }
            Ok(all)
        })
    }

    /// A handle that ends the session from another thread or task.
    ///
    /// ```no_run
    /// # use docker_client::AttachOptions;
    /// # let client = docker_client::blocking::Client::from_env()?;
    /// let mut ws = client.attach_container_ws("web", AttachOptions::default())?;
    /// let handle = ws.abort_handle();
    /// std::thread::spawn(move || handle.abort());
    /// let _ = ws.collect_output();
    /// # Ok::<(), docker_client::Error>(())
    /// ```
    pub fn abort_handle(&self) -> F::AbortHandle {
        self.output.abort_handle()
    }

    async fn pull(&mut self) -> Result<Option<WsOutput>> {
        loop {
            if self.closed {
                return Ok(None);
            }
            let frame = match self.output.pull().await {
                None => return Ok(None),
                Some(frame) => frame?,
            };
            match frame {
                Frame::Data(data) => return Ok(Some(WsOutput::Data(data))),
                Frame::Pong(p) => return Ok(Some(WsOutput::Pong(p))),
                Frame::Ping(p) => {
                    let mut out = Vec::new();
                    ClientFrame::pong(&p)
                        .encode(mask(), &mut out)
                        .map_err(|e| self.misuse(e))?;
                    self.send(&out).await?;
                }
                Frame::Close(code, reason) => {
                    self.closed = true;
                    if !self.closing {
                        // The engine may have gone already: its close frame was the end.
                        let _ = self.send_close().await;
                    }
                    return Ok(Some(WsOutput::Close { code, reason }));
                }
            }
        }
    }

    async fn send_close(&mut self) -> Result<()> {
        let mut out = Vec::new();
        websocket::encode_close(Some(1000), "", mask(), &mut out).map_err(|e| self.misuse(e))?;
        self.closing = true;
        self.send(&out).await
    }

    async fn send(&mut self, frame: &[u8]) -> Result<()> {
        F::write_all(&mut self.writer, frame)
            .await
            .map_err(|e| session_error(&self.request, e))
    }

    fn misuse(&self, e: websocket::WsError) -> Error {
        Error::InvalidArgument {
            what: "WebSocket frame",
            reason: e.to_string(),
        }
    }
}

impl<F: Flavour> fmt::Debug for WsSession<F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WsSession")
            .field("request", &self.request)
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masks_and_nonces_differ_from_draw_to_draw() {
        let masks: std::collections::BTreeSet<[u8; 4]> = (0..64).map(|_| mask()).collect();
        assert!(masks.len() > 60, "{masks:?}");
        assert_ne!(nonce(), nonce());
    }

    #[test]
    fn frames_decode_into_session_items_and_end_at_close() {
        let mut f = Frames::new("GET /containers/c/attach/ws".into());
        f.feed(b"\x82\x03hi\n\x89\x01p\x88\x02\x03\xe8");
        f.finish();
        let got: Vec<_> = std::iter::from_fn(|| f.pop()).map(|r| r.unwrap()).collect();
        assert!(matches!(&got[0], Frame::Data(d) if d == b"hi\n"));
        assert!(matches!(&got[1], Frame::Ping(p) if p == b"p"));
        assert!(matches!(&got[2], Frame::Close(Some(1000), _)));
        assert!(f.is_exhausted());
    }

    #[test]
    fn a_truncated_stream_is_a_framing_error() {
        let mut f = Frames::new("GET /containers/c/attach/ws".into());
        f.feed(b"\x82\x05hi");
        f.finish();
        let _data = f.pop();
        assert!(matches!(f.pop(), Some(Err(Error::Framing { .. }))));
    }
}
