//! Everything about one request/response exchange that does not touch a socket: encoding,
//! the decode step, deadlines, body caps, error mapping and the pooling decision.
//!
//! A flavour drives an [`Exchange`] with a short loop: call [`Exchange::step`]; on
//! [`Step::NeedData`] read into [`Exchange::spare`] and report the result with
//! [`Exchange::filled`].

use std::io;
use std::ops::Range;
use std::sync::Arc;
use std::time::{Duration, Instant};

use docker_wire::{BodyKind, ClientConn, Decoded, Event, ProtocolError, RequestHead};

use crate::pool::{Conn, Pool, Socket};
use crate::{Body, Config, ConnectFailure, Error, Request, ResponseHead, TimeoutKind};

/// What a transport shares between its clones: settings, precomputed strings and the pool.
#[derive(Debug)]
pub(crate) struct Shared<S> {
    pub(crate) config: Config,
    /// The endpoint in URL form, for error messages.
    pub(crate) endpoint: String,
    /// The `Host` header value.
    pub(crate) host: String,
    pub(crate) pool: Pool<S>,
}

impl<S: Socket> Shared<S> {
    pub(crate) fn new(config: Config) -> Shared<S> {
        Shared {
            endpoint: config.endpoint.to_string(),
            host: config.endpoint.host_header().into_owned(),
            pool: Pool::new(config.max_idle_connections, config.idle_expiry),
            config,
        }
    }

    pub(crate) fn connect_error(&self, source: io::Error) -> Error {
        match source.kind() {
            io::ErrorKind::TimedOut | io::ErrorKind::WouldBlock => self.timeout(
                TimeoutKind::Connect,
                self.config.timeouts.connect.unwrap_or_default(),
            ),
            _ => Error::Connect {
                endpoint: self.endpoint.clone(),
                kind: self.classify(&source),
                source,
            },
        }
    }

    /// Linux answers ECONNREFUSED for a path that is not a socket: look at the path.
    fn classify(&self, err: &io::Error) -> ConnectFailure {
        use std::os::unix::fs::FileTypeExt;
        let kind = ConnectFailure::from_io(err);
        match (&self.config.endpoint, kind) {
            (crate::Endpoint::Unix(path), ConnectFailure::Refused) => match std::fs::metadata(path)
            {
                Ok(meta) if !meta.file_type().is_socket() => ConnectFailure::NotASocket,
                _ => kind,
            },
            _ => kind,
        }
    }

    pub(crate) fn timeout(&self, kind: TimeoutKind, after: Duration) -> Error {
        Error::Timeout {
            endpoint: self.endpoint.clone(),
            kind,
            after,
        }
    }

    pub(crate) fn io_error(&self, source: io::Error) -> Error {
        Error::Io {
            endpoint: self.endpoint.clone(),
            source,
        }
    }
}

/// What one decode step produced. Body bytes are a range of the connection's read buffer,
/// valid until the next read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Step {
    NeedData,
    Head,
    Body(Range<usize>),
    End,
    Upgraded,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Phase {
    Head,
    Body,
    Done,
    Upgraded,
    Failed,
}

/// One request/response exchange on one connection.
#[derive(Debug)]
pub(crate) struct Exchange<S: Socket> {
    /// `None` once the connection went back to the pool or was closed.
    conn: Option<Conn<S>>,
    codec: ClientConn,
    head: Option<ResponseHead>,
    phase: Phase,
    head_timeout: Option<Duration>,
    head_deadline: Option<Instant>,
    idle_timeout: Option<Duration>,
    reused: bool,
    received: bool,
    pub(crate) shared: Arc<Shared<S>>,
}

impl<S: Socket> Drop for Exchange<S> {
    /// A response dropped with its end already buffered still returns its connection to
    /// the pool; any other unfinished response closes it.
    fn drop(&mut self) {
        self.finish_buffered();
        if let Some(conn) = self.conn.take() {
            conn.io.close();
        }
    }
}

/// The most header fields written without a heap allocation.
const STACK_HEADERS: usize = 16;

impl<S: Socket> Exchange<S> {
    /// Encodes the request head, and a [`Body::Bytes`] body, into the connection's write
    /// buffer. A refused request hands the (unused) connection to the pool.
    pub(crate) fn start<R>(
        shared: Arc<Shared<S>>,
        mut conn: Conn<S>,
        reused: bool,
        req: &Request<R>,
    ) -> Result<Exchange<S>, Error> {
        let mut codec = ClientConn::new(shared.config.limits);
        let body = match &req.body {
            Body::Empty => BodyKind::None,
            Body::Bytes(b) => BodyKind::Length(b.len() as u64),
            Body::Reader(_) => BodyKind::Chunked,
        };
        let ua = shared.config.user_agent.as_str();
        let n_headers = req.headers.len() + usize::from(!ua.is_empty());
        let mut stack = [("", ""); STACK_HEADERS];
        let mut heap = Vec::new();
        let headers: &mut [(&str, &str)] = match n_headers <= STACK_HEADERS {
            true => &mut stack[..n_headers],
            false => {
                heap.resize(n_headers, ("", ""));
                &mut heap
            }
        };
        let mut i = 0;
        if !ua.is_empty() {
            headers[0] = ("User-Agent", ua);
            i = 1;
        }
        for (name, value) in &req.headers {
            headers[i] = (name.as_str(), value.as_str());
            i += 1;
        }
        let head = RequestHead::new(req.method, &req.target, &shared.host)
            .headers(headers)
            .body(body)
            .upgrade(req.upgrade);
        conn.out.clear();
        let mut encoded = codec.send_request(&head, &mut conn.out);
        if let (Ok(()), Body::Bytes(bytes)) = (&encoded, &req.body) {
            encoded = codec.send_body(bytes, &mut conn.out);
        }
        if let (Ok(()), Body::Empty | Body::Bytes(_)) = (&encoded, &req.body) {
            encoded = codec.finish_body(&mut conn.out);
        }
        if let Err(source) = encoded {
            // Nothing was written: the connection is as good as before.
            conn.out.clear();
            shared.pool.put(conn);
            return Err(Error::InvalidRequest { source });
        }
        let timeouts = shared.config.timeouts;
        Ok(Exchange {
            conn: Some(conn),
            codec,
            head: None,
            phase: Phase::Head,
            head_timeout: req.head_timeout.or(timeouts.head),
            head_deadline: None,
            idle_timeout: if req.streaming { None } else { timeouts.idle },
            reused,
            received: false,
            shared,
        })
    }

    /// The socket and the encoded bytes to write.
    pub(crate) fn outgoing(&mut self) -> Option<(&mut S, &[u8])> {
        let conn = self.conn.as_mut()?;
        Some((&mut conn.io, &conn.out))
    }

    /// Frames a piece of a streamed (chunked) request body into the write buffer, replacing
    /// what was there.
    pub(crate) fn encode_body(&mut self, data: &[u8]) -> Result<(), Error> {
        let conn = self.conn.as_mut().expect("the request is being written");
        conn.out.clear();
        let res = self.codec.send_body(data, &mut conn.out);
        res.map_err(|source| Error::InvalidRequest { source })
    }

    /// Writes the last chunk of a streamed request body into the write buffer.
    pub(crate) fn encode_finish(&mut self) -> Result<(), Error> {
        let conn = self.conn.as_mut().expect("the request is being written");
        conn.out.clear();
        let res = self.codec.finish_body(&mut conn.out);
        res.map_err(|source| Error::InvalidRequest { source })
    }

    /// The per-write deadline while sending: the head timeout.
    pub(crate) fn write_timeout(&self) -> Option<Duration> {
        self.head_timeout
    }

    /// Records that the request is fully written: the head deadline starts now.
    pub(crate) fn sent(&mut self) {
        self.head_deadline = self.head_timeout.map(|t| Instant::now() + t);
    }

    /// Maps a failed write.
    pub(crate) fn write_failed(&mut self, err: io::Error) -> Error {
        self.fail();
        match err.kind() {
            io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut => self
                .shared
                .timeout(TimeoutKind::Head, self.head_timeout.unwrap_or_default()),
            _ => self.shared.io_error(err),
        }
    }

    /// Decodes what is buffered into at most one step.
    pub(crate) fn step(&mut self) -> Result<Step, Error> {
        match self.phase {
            Phase::Head | Phase::Body => (),
            Phase::Done => return Ok(Step::End),
            Phase::Upgraded => return Ok(Step::Upgraded),
            Phase::Failed => return Err(self.failed_error()),
        }
        let Some(conn) = self.conn.as_mut() else {
            return Err(self.failed_error());
        };
        let (input, base) = conn.buf.unconsumed();
        let Decoded { consumed, event } = match self.codec.decode(input) {
            Ok(decoded) => decoded,
            Err(source) => return Err(self.protocol_error(source)),
        };
        let step = match event {
            Event::NeedData => Step::NeedData,
            Event::Head(head) => {
                self.head = Some(head);
                self.phase = Phase::Body;
                Step::Head
            }
            Event::Body(bytes) => {
                let at = base + (bytes.as_ptr() as usize - input.as_ptr() as usize);
                Step::Body(at..at + bytes.len())
            }
            Event::End { .. } => {
                self.phase = Phase::Done;
                Step::End
            }
            Event::Upgraded => {
                self.phase = Phase::Upgraded;
                Step::Upgraded
            }
        };
        conn.buf.consume(consumed);
        if step == Step::End {
            self.release();
        }
        Ok(step)
    }

    /// Body bytes handed out by [`step`](Exchange::step) as a range.
    pub(crate) fn slice(&self, range: Range<usize>) -> &[u8] {
        match &self.conn {
            Some(conn) => conn.buf.slice(range),
            None => &[],
        }
    }

    /// The socket and room in the read buffer for the next read.
    pub(crate) fn spare(&mut self) -> Result<(&mut S, &mut [u8]), Error> {
        let room = match self.conn.as_mut() {
            Some(conn) => conn.buf.reserve(),
            None => return Err(self.failed_error()),
        };
        if !room {
            let limit = self.shared.config.limits.max_head_bytes;
            return Err(self.protocol_error(ProtocolError::HeadTooLarge { limit }.into()));
        }
        let conn = self.conn.as_mut().expect("checked above");
        Ok((&mut conn.io, conn.buf.spare()))
    }

    /// Reports the outcome of a read into [`spare`](Exchange::spare).
    pub(crate) fn filled(&mut self, res: io::Result<usize>) -> Result<(), Error> {
        let aborted = self.conn.as_ref().is_some_and(|c| c.io.is_aborted());
        match res {
            _ if aborted => Err(self.aborted_error()),
            Ok(0) => match self.codec.handle_eof() {
                Ok(_) => Ok(()),
                Err(source) => Err(self.protocol_error(source)),
            },
            Ok(n) => {
                self.received = true;
                if let Some(conn) = self.conn.as_mut() {
                    conn.buf.filled(n);
                }
                Ok(())
            }
            Err(e) if e.kind() == io::ErrorKind::Interrupted => Ok(()),
            Err(e)
                if matches!(
                    e.kind(),
                    io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut
                ) =>
            {
                Err(self.timed_out())
            }
            Err(e) => {
                self.fail();
                Err(self.shared.io_error(e))
            }
        }
    }

    /// When the current wait must end: the head deadline, or `now` plus the idle timeout.
    /// `Err` when the head deadline already passed.
    pub(crate) fn deadline(&mut self, now: Instant) -> Result<Option<Instant>, Error> {
        match self.phase {
            Phase::Head => match self.head_deadline {
                Some(d) if d <= now => Err(self.timed_out()),
                d => Ok(d),
            },
            _ => Ok(self.idle_timeout.map(|t| now + t)),
        }
    }

    /// The read timeout for a blocking read starting `now`.
    #[cfg(feature = "blocking")]
    pub(crate) fn read_timeout(&mut self, now: Instant) -> Result<Option<Duration>, Error> {
        match self.phase {
            Phase::Head => Ok(self.deadline(now)?.map(|d| d - now)),
            _ => Ok(self.idle_timeout),
        }
    }

    /// True while waiting for the head and its deadline has not passed.
    #[cfg(feature = "blocking")]
    pub(crate) fn before_head_deadline(&self) -> bool {
        match (self.phase, self.head_deadline) {
            (Phase::Head, Some(d)) => Instant::now() < d,
            _ => false,
        }
    }

    /// The error for a passed deadline; the connection is closed.
    pub(crate) fn timed_out(&mut self) -> Error {
        let (kind, after) = match self.phase {
            Phase::Head => (TimeoutKind::Head, self.head_timeout),
            _ => (TimeoutKind::Idle, self.idle_timeout),
        };
        self.fail();
        self.shared.timeout(kind, after.unwrap_or_default())
    }

    /// True when `err` happened on a reused connection before any response byte, in a way
    /// that shows the peer had closed it: sending again on a fresh connection is safe for a
    /// replayable request.
    pub(crate) fn is_stale(&self, err: &Error) -> bool {
        use io::ErrorKind as K;
        if !self.reused || self.received {
            return false;
        }
        match err {
            Error::Protocol {
                source: docker_wire::Error::Protocol(ProtocolError::ClosedBeforeResponse),
                ..
            } => true,
            Error::Io { source, .. } => matches!(
                source.kind(),
                K::BrokenPipe | K::ConnectionReset | K::ConnectionAborted | K::NotConnected
            ),
            _ => false,
        }
    }

    pub(crate) fn head(&self) -> &ResponseHead {
        self.head
            .as_ref()
            .expect("a response exists only once its head arrived")
    }

    /// The cap for `Response::bytes`: by status.
    pub(crate) fn body_cap(&self) -> usize {
        match self.head().status >= 400 {
            true => self.shared.config.max_error_body_bytes,
            false => self.shared.config.max_body_bytes,
        }
    }

    /// A capacity hint for collecting the body: its declared length when under `limit`,
    /// and at most 1 MiB, so that a length the engine never sends allocates little.
    pub(crate) fn size_hint(&self, limit: usize) -> usize {
        const MAX_HINT: usize = 1 << 20;
        let declared = self.head().headers.get("content-length");
        match declared.and_then(|v| v.trim().parse::<usize>().ok()) {
            Some(n) if n <= limit => n.min(MAX_HINT),
            _ => 0,
        }
    }

    /// Appends body bytes to a collected body, enforcing `limit`.
    pub(crate) fn collect(
        &mut self,
        out: &mut Vec<u8>,
        range: Range<usize>,
        limit: usize,
    ) -> Result<(), Error> {
        if out.len() + range.len() > limit {
            self.fail();
            return Err(Error::BodyTooLarge {
                endpoint: self.shared.endpoint.clone(),
                limit,
            });
        }
        out.extend_from_slice(self.slice(range));
        Ok(())
    }

    /// The error for an upgrade that did not happen.
    pub(crate) fn not_upgraded(&mut self) -> Error {
        let status = self.head().status;
        self.fail();
        Error::NotUpgraded { status }
    }

    /// Hands out the connection of an upgraded exchange, leftover bytes in its buffer.
    pub(crate) fn take_upgraded(&mut self) -> Conn<S> {
        debug_assert_eq!(self.phase, Phase::Upgraded);
        self.phase = Phase::Failed;
        self.conn
            .take()
            .expect("an upgraded exchange keeps its connection")
    }

    /// The socket, while the exchange has its connection.
    #[cfg(feature = "tokio")]
    pub(crate) fn io_mut(&mut self) -> Option<&mut S> {
        self.conn.as_mut().map(|c| &mut c.io)
    }

    pub(crate) fn conn(&self) -> Option<&Conn<S>> {
        self.conn.as_ref()
    }

    /// Closes the connection: it will not be reused.
    pub(crate) fn fail(&mut self) {
        self.phase = Phase::Failed;
        if let Some(conn) = self.conn.take() {
            conn.io.close();
        }
    }

    fn release(&mut self) {
        let Some(conn) = self.conn.take() else { return };
        if self.codec.is_reusable() && conn.buf.is_empty() && conn.io.is_private() {
            self.shared.pool.put(conn);
        } else {
            conn.io.close();
        }
    }

    /// Decodes what is already buffered, without reading: a body that arrived whole (or a
    /// body-less response) then ends, and the connection can go back to the pool.
    fn finish_buffered(&mut self) {
        while self.phase == Phase::Body {
            match self.step() {
                Ok(Step::Body(_) | Step::Head) => (),
                Ok(Step::NeedData | Step::End | Step::Upgraded) | Err(_) => return,
            }
        }
    }

    fn protocol_error(&mut self, source: docker_wire::Error) -> Error {
        self.fail();
        Error::Protocol {
            endpoint: self.shared.endpoint.clone(),
            source,
        }
    }

    fn aborted_error(&mut self) -> Error {
        self.fail();
        self.shared.io_error(io::Error::new(
            io::ErrorKind::ConnectionAborted,
            "the response was aborted by its AbortHandle",
        ))
    }

    fn failed_error(&self) -> Error {
        self.shared.io_error(io::Error::other(
            "this response already failed and its connection is closed; send the request again",
        ))
    }
}
