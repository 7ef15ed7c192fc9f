//! One request/response exchange on one connection, without touching a socket or a clock:
//! encoding, the write cursor, the decode step, deadlines, body caps, error mapping and the
//! pooling decision.
//!
//! The request side is driven by [`Call`](crate::drive::Call); the response side by the
//! flavour's `Response`, through the `poll_*` methods here, as [`drive`](crate::drive)
//! describes.

use std::io;
use std::ops::Range;
use std::sync::Arc;
use std::time::{Duration, Instant};

use docker_wire::{BodyKind, ClientConn, Decoded, Event, ProtocolError, RequestHead};

use crate::pool::{Conn, Pool, Socket};
use crate::trace::{Outcome, RequestSpan};
use crate::{Body, Config, ConnectFailure, Error, Request, ResponseHead, TimeoutKind};

/// What an [`Exchange`] wants while the response is read: a read, or nothing more.
#[derive(Debug)]
pub(crate) enum Pull<'a, S, T> {
    /// Read; report with [`Exchange::handle_read`] and poll again.
    Read(Read<'a, S>),
    /// The poll's result.
    Ready(T),
}

/// One read from the socket into `spare`, given up at `deadline`.
#[derive(Debug)]
pub(crate) struct Read<'a, S> {
    pub(crate) io: &'a mut S,
    pub(crate) spare: &'a mut [u8],
    pub(crate) deadline: Option<Instant>,
}

/// One write of (a prefix of) `bytes` to the socket, given up at `deadline`.
#[derive(Debug)]
pub(crate) struct Write<'a, S> {
    pub(crate) io: &'a mut S,
    pub(crate) bytes: &'a [u8],
    pub(crate) deadline: Option<Instant>,
}

/// A call's total deadline: when it passes, and the setting it came from (for the error).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Total {
    pub(crate) at: Instant,
    pub(crate) after: Duration,
}

impl Total {
    /// The total deadline of `req` sent at `now`, if it has one: [`Timeouts::total`], or
    /// the request's own, raised by as much as the request raises its head timeout above
    /// the configured one. Streams have none.
    ///
    /// [`Timeouts::total`]: crate::Timeouts::total
    pub(crate) fn of<R>(config: &Config, req: &Request<R>, now: Instant) -> Option<Total> {
        if req.streaming {
            return None;
        }
        let base = req.total_timeout.unwrap_or(config.timeouts.total)?;
        let raise = match (req.head_timeout, config.timeouts.head) {
            (Some(asked), Some(default)) => asked.saturating_sub(default),
            _ => Duration::ZERO,
        };
        let after = base.saturating_add(raise);
        // A deadline beyond what `Instant` holds is no deadline.
        now.checked_add(after).map(|at| Total { at, after })
    }

    /// The earlier of `deadline` and this one.
    pub(crate) fn cap(total: Option<Total>, deadline: Option<Instant>) -> Option<Instant> {
        match (total, deadline) {
            (Some(t), Some(d)) => Some(t.at.min(d)),
            (Some(t), None) => Some(t.at),
            (None, d) => d,
        }
    }

    /// True when `total` has passed at `now`.
    pub(crate) fn passed(total: Option<Total>, now: Instant) -> bool {
        total.is_some_and(|t| t.at <= now)
    }
}

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

    /// True when TLS settings are configured.
    pub(crate) fn has_tls(&self) -> bool {
        #[cfg(feature = "tls")]
        return self.config.tls.is_some();
        #[cfg(not(feature = "tls"))]
        return false;
    }

    /// The TLS session of a new connection to a TLS endpoint, `None` for any other.
    pub(crate) fn tls_session(&self) -> io::Result<Option<crate::tls::TlsSession>> {
        #[cfg(feature = "tls")]
        if let (crate::Endpoint::Tls { host, .. }, Some(tls)) =
            (&self.config.endpoint, &self.config.tls)
        {
            return tls.session(host).map(Some);
        }
        Ok(None)
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

/// One request/response exchange on one connection.
#[derive(Debug)]
pub(crate) struct Exchange<S: Socket> {
    /// `None` once the connection went back to the pool or was closed.
    conn: Option<Conn<S>>,
    codec: ClientConn,
    head: Option<ResponseHead>,
    phase: Phase,
    /// How much of the connection's write buffer is written.
    written: usize,
    head_timeout: Option<Duration>,
    head_deadline: Option<Instant>,
    /// The call's total deadline, shared with the retry.
    total: Option<Total>,
    idle_timeout: Option<Duration>,
    wait: Option<Wait>,
    /// The decoder needs more than is buffered: read before decoding again.
    starved: bool,
    /// The rest of the last body event, when a reader took less than all of it.
    unread: Range<usize>,
    /// The latest `now` the flavour gave. A response dropped with its end buffered pools
    /// its connection as idle since then, the last moment bytes were taken from it.
    now: Instant,
    /// A failure a handler recorded, for the next poll to return.
    error: Option<Error>,
    reused: bool,
    received: bool,
    /// The request's span (nothing without the `tracing` feature).
    trace: RequestSpan,
    pub(crate) shared: Arc<Shared<S>>,
}

impl<S: Socket> Drop for Exchange<S> {
    /// A response dropped with its end already buffered still returns its connection to
    /// the pool; any other unfinished response closes it.
    fn drop(&mut self) {
        self.finish_buffered();
        self.trace.finish(Outcome::Dropped, self.now);
        if let Some(conn) = self.conn.take() {
            conn.io.close();
        }
    }
}

/// The most header fields written without a heap allocation.
const STACK_HEADERS: usize = 16;

impl<S: Socket> Exchange<S> {
    /// Encodes the request head, and an in-memory body, into the connection's write buffer,
    /// so that they leave in one write. A refused request hands the (unused) connection to
    /// the pool.
    pub(crate) fn start<R>(
        shared: Arc<Shared<S>>,
        mut conn: Conn<S>,
        reused: bool,
        req: &Request<R>,
        total: Option<Total>,
        now: Instant,
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
            shared.pool.put(conn, now);
            return Err(Error::InvalidRequest { source });
        }
        let timeouts = shared.config.timeouts;
        Ok(Exchange {
            conn: Some(conn),
            codec,
            head: None,
            phase: Phase::Send,
            written: 0,
            head_timeout: req.head_timeout.or(timeouts.head),
            head_deadline: None,
            total,
            idle_timeout: if req.streaming { None } else { timeouts.idle },
            wait: None,
            starved: false,
            unread: 0..0,
            now,
            error: None,
            reused,
            received: false,
            trace: RequestSpan::start(req.method, &req.target, reused, now),
            shared,
        })
    }

    /// Every poll starts here: it records `now`, and returns a failure a handler recorded
    /// (once; the failure after it is a generic one).
    pub(crate) fn check(&mut self, now: Instant) -> Result<(), Error> {
        self.now = now;
        if let Some(err) = self.error.take() {
            return Err(err);
        }
        match self.phase {
            Phase::Failed => Err(self.failed_error()),
            _ => Ok(()),
        }
    }

    // Writing the request.

    /// True while encoded request bytes wait to be written. On a TLS connection, the
    /// plaintext is first given to the session (as much as it takes), and what waits is its
    /// ciphertext: handshake records, then the request.
    pub(crate) fn has_unwritten(&mut self) -> bool {
        let Some(conn) = self.conn.as_mut() else {
            return false;
        };
        match conn.tls.as_deref_mut() {
            None => self.written < conn.out.len(),
            Some(tls) => {
                self.written += tls.send(&conn.out[self.written..]);
                !tls.pending().is_empty()
            }
        }
    }

    /// True when the request cannot go on before the server answers: the TLS session holds
    /// as much plaintext as it takes while its handshake waits for the server's records.
    pub(crate) fn awaits_handshake(&self) -> bool {
        self.conn
            .as_ref()
            .is_some_and(|c| c.tls.is_some() && self.written < c.out.len())
    }

    /// Starts or continues the wait to write the unwritten request bytes: each write must
    /// make progress within the head timeout. [`write`](Self::write) is the write then.
    pub(crate) fn prepare_write(&mut self, now: Instant) -> Result<(), Error> {
        self.wait(now)?;
        match self.conn {
            Some(_) => Ok(()),
            None => Err(self.failed_error()),
        }
    }

    /// The write [`prepare_write`](Self::prepare_write) prepared.
    pub(crate) fn write(&mut self) -> Write<'_, S> {
        let conn = self.conn.as_mut().expect("prepare_write checked it");
        let bytes = match conn.tls.as_deref_mut() {
            None => &conn.out[self.written..],
            Some(tls) => tls.pending(),
        };
        Write {
            io: &mut conn.io,
            bytes,
            deadline: self.wait.and_then(|w| w.deadline),
        }
    }

    /// Reports the outcome of a [`Write`]: how many bytes went out.
    pub(crate) fn handle_written(&mut self, res: io::Result<usize>) {
        match res {
            Ok(0) => {
                let zero = io::Error::new(io::ErrorKind::WriteZero, "the socket took no bytes");
                self.fail_with(self.shared.io_error(zero));
            }
            Ok(n) => {
                match self.conn.as_mut().and_then(|c| c.tls.as_deref_mut()) {
                    None => self.written += n,
                    Some(tls) => tls.wrote(n),
                }
                self.wait = None;
            }
            Err(e) => self.handle_io_error(e),
        }
    }

    /// Frames a piece of a streamed (chunked) request body into the write buffer, replacing
    /// what was written.
    pub(crate) fn encode_body(&mut self, data: &[u8]) {
        let Some(conn) = self.conn.as_mut() else {
            return;
        };
        conn.out.clear();
        self.written = 0;
        if let Err(source) = self.codec.send_body(data, &mut conn.out) {
            self.fail_with(Error::InvalidRequest { source });
        }
    }

    /// Writes the last chunk of a streamed request body into the write buffer.
    pub(crate) fn encode_finish(&mut self) {
        let Some(conn) = self.conn.as_mut() else {
            return;
        };
        conn.out.clear();
        self.written = 0;
        if let Err(source) = self.codec.finish_body(&mut conn.out) {
            self.fail_with(Error::InvalidRequest { source });
        }
    }

    /// Fails the exchange with an error found outside it (the request body's reader).
    pub(crate) fn fail_with(&mut self, err: Error) {
        self.fail();
        self.error = Some(err);
    }

    // Reading the response.

    /// Decodes until the head arrived: true once it did, false when a read is needed first
    /// ([`prepare_read`](Self::prepare_read)). The first call after the request is written
    /// starts the head deadline at `now`.
    pub(crate) fn advance_head(&mut self, now: Instant) -> Result<bool, Error> {
        if self.phase == Phase::Send {
            self.phase = Phase::Head;
            self.head_deadline = self.head_timeout.map(|t| now + t);
            self.wait = None;
        }
        match self.step()? {
            Step::Head => self.check_not_tls_port().map(|()| true),
            Step::NeedData => Ok(false),
            Step::Body(_) | Step::End | Step::Upgraded => {
                unreachable!("the codec yields the head first")
            }
        }
    }

    /// Fails fast when a plain-HTTP request reached a TLS port: Go's TLS servers (dockerd's)
    /// answer it with this 400 and close, and the error says so rather than "400".
    fn check_not_tls_port(&mut self) -> Result<(), Error> {
        const GO_TLS_ANSWER: &[u8] = b"Client sent an HTTP request to an HTTPS server";
        let plain_tcp = matches!(self.shared.config.endpoint, crate::Endpoint::Tcp { .. });
        let buffered = self.conn.as_ref().is_some_and(|c| {
            let (rest, _) = c.buf.unconsumed();
            rest.starts_with(GO_TLS_ANSWER)
        });
        if plain_tcp && self.head().status == 400 && buffered {
            self.fail();
            return Err(Error::Tls {
                endpoint: self.shared.endpoint.clone(),
                problem: crate::TlsProblem::ServerRequiresTls,
                detail: "the server answered: Client sent an HTTP request to an HTTPS server"
                    .into(),
            });
        }
        Ok(())
    }

    /// Starts or continues the wait for the next read, and makes room for it in the read
    /// buffer. [`read`](Self::read) is the read then.
    pub(crate) fn prepare_read(&mut self, now: Instant) -> Result<(), Error> {
        self.wait(now)?;
        let room = match self.conn.as_mut() {
            Some(conn) => conn.buf.reserve(),
            None => return Err(self.failed_error()),
        };
        if !room {
            let limit = self.shared.config.limits.max_head_bytes;
            return Err(self.protocol_error(ProtocolError::HeadTooLarge { limit }.into()));
        }
        Ok(())
    }

    /// The read [`prepare_read`](Self::prepare_read) prepared: into the spare room of the
    /// read buffer, under the current wait's deadline.
    pub(crate) fn read(&mut self) -> Read<'_, S> {
        let conn = self.conn.as_mut().expect("prepare_read checked it");
        let spare = match conn.tls.as_deref_mut() {
            None => conn.buf.spare(),
            Some(tls) => tls.room(),
        };
        Read {
            io: &mut conn.io,
            spare,
            deadline: self.wait.and_then(|w| w.deadline),
        }
    }

    /// The next body bytes, at most `max` of them, as a range for [`slice`](Self::slice);
    /// `None` exactly at the complete end. Readers pass their buffer's length; the rest of
    /// the event is handed out by the next calls.
    pub(crate) fn poll_chunk(
        &mut self,
        now: Instant,
        max: usize,
    ) -> Result<Pull<'_, S, Option<Range<usize>>>, Error> {
        self.check(now)?;
        let next = match self.unread.is_empty() {
            true => self.next_range()?,
            false => Some(Some(self.unread.clone())),
        };
        let next = next.map(|range| {
            range.map(|r| {
                let n = r.len().min(max);
                self.unread = r.start + n..r.end;
                r.start..r.start + n
            })
        });
        self.pull(now, next)
    }

    /// Appends the body to `out` until its end, within `cap`.
    pub(crate) fn poll_collect(
        &mut self,
        now: Instant,
        out: &mut Vec<u8>,
        cap: Cap,
    ) -> Result<Pull<'_, S, Collected>, Error> {
        self.check(now)?;
        let end = loop {
            match self.next_range()? {
                Some(Some(range)) => {
                    if let Some(cut) = self.collect(out, range, cap)? {
                        break Some(cut);
                    }
                }
                Some(None) => break Some(Collected::Whole),
                None => break None,
            }
        };
        self.pull(now, end)
    }

    /// Decodes until the engine switched protocols; then hands out the connection, leftover
    /// bytes in its buffer. Anything else than a switch is [`Error::NotUpgraded`].
    pub(crate) fn poll_upgrade(&mut self, now: Instant) -> Result<Pull<'_, S, Conn<S>>, Error> {
        self.check(now)?;
        let upgraded = match self.step()? {
            Step::Upgraded => true,
            Step::NeedData => false,
            Step::Head | Step::Body(_) | Step::End => return Err(self.not_upgraded()),
        };
        if !upgraded {
            self.prepare_read(now)?;
            return Ok(Pull::Read(self.read()));
        }
        self.phase = Phase::Failed;
        let conn = self
            .conn
            .take()
            .expect("an upgraded exchange keeps its connection");
        Ok(Pull::Ready(conn))
    }

    /// Reports the outcome of a [`Read`]: how many bytes arrived, 0 at end of stream.
    pub(crate) fn handle_read(&mut self, res: io::Result<usize>) {
        if self.conn.as_ref().is_some_and(|c| c.io.is_aborted()) {
            let aborted = io::Error::new(
                io::ErrorKind::ConnectionAborted,
                "the response was aborted by its AbortHandle",
            );
            self.fail_with(self.shared.io_error(aborted));
            return;
        }
        if self.conn.as_ref().is_some_and(|c| c.tls.is_some()) {
            return self.handle_tls_read(res);
        }
        match res {
            Ok(0) => {
                self.starved = false;
                self.handle_eof();
            }
            Ok(n) => {
                self.received = true;
                self.starved = false;
                self.wait = None;
                if let Some(conn) = self.conn.as_mut() {
                    conn.buf.filled(n);
                }
            }
            Err(e) => self.handle_io_error(e),
        }
    }

    /// The peer closed the connection: the codec decides whether that ends the response or
    /// truncates it. Before any response byte on a new ssh connection, ssh's own message
    /// is the error.
    fn handle_eof(&mut self) {
        let Err(source) = self.codec.handle_eof() else {
            return;
        };
        let err = match self.ssh_failure() {
            Some(err) => {
                self.fail();
                err
            }
            None => self.protocol_error(source),
        };
        self.error = Some(err);
    }

    /// [`Error::Ssh`] with ssh's standard error, when this is a new ssh connection on which
    /// nothing arrived (a reused one may just be stale, and is retried).
    fn ssh_failure(&self) -> Option<Error> {
        if self.reused || self.received {
            return None;
        }
        let stderr = self.conn.as_ref()?.io.ssh_stderr()?;
        Some(Error::Ssh {
            endpoint: self.shared.endpoint.clone(),
            stderr,
        })
    }

    /// A read on a TLS connection: the ciphertext goes to the session, and the plaintext it
    /// yields to the read buffer. The end of the stream reaches the codec only once the
    /// session's last plaintext is decoded (the next read of a closed socket is 0 again).
    fn handle_tls_read(&mut self, res: io::Result<usize>) {
        let n = match res {
            Ok(n) => n,
            Err(e) => return self.handle_io_error(e),
        };
        let Some(conn) = self.conn.as_mut() else {
            return;
        };
        let tls = conn.tls.as_deref_mut().expect("a TLS connection");
        let pumped = match n {
            0 => tls.closed().and_then(|()| tls.pump(&mut conn.buf)),
            n => {
                tls.filled(n);
                tls.pump(&mut conn.buf)
            }
        };
        let handshaking = tls.is_handshaking();
        let closed_early = (n == 0 && handshaking).then(|| tls.closed_in_handshake());
        self.wait = None;
        match (pumped, closed_early) {
            (Err(failure), _) | (Ok(0), Some(failure)) => {
                let err = self.tls_error(failure);
                self.fail_with(err);
            }
            (Ok(0), None) if n == 0 => {
                self.starved = false;
                self.handle_eof();
            }
            (Ok(0), None) => (),
            (Ok(_), _) => {
                self.received = true;
                self.starved = false;
            }
        }
    }

    fn tls_error(&self, failure: crate::tls::TlsFailure) -> Error {
        Error::Tls {
            endpoint: self.shared.endpoint.clone(),
            problem: failure.problem,
            detail: failure.detail,
        }
    }

    /// Body bytes handed out by a poll as a range.
    pub(crate) fn slice(&self, range: Range<usize>) -> &[u8] {
        match &self.conn {
            Some(conn) => conn.buf.slice(range),
            None => &[],
        }
    }

    // Getters.

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

    /// The cap for `Response::error_body`: the error cap, where the body is cut.
    pub(crate) fn error_cap(&self) -> Cap {
        Cap::Cut(self.shared.config.max_error_body_bytes)
    }

    /// An empty buffer to collect the body into, with room for its declared length when
    /// under `limit`, and at most 1 MiB, so that a length the engine never sends allocates
    /// little.
    pub(crate) fn body_buffer(&self, limit: usize) -> Vec<u8> {
        const MAX_HINT: usize = 1 << 20;
        let declared = self.head().headers.get("content-length");
        let hint = match declared.and_then(|v| v.trim().parse::<usize>().ok()) {
            Some(n) if n <= limit => n.min(MAX_HINT),
            _ => 0,
        };
        Vec::with_capacity(hint)
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

    pub(crate) fn conn(&self) -> Option<&Conn<S>> {
        self.conn.as_ref()
    }

    // Internals.

    /// `Ready` with `out`, or, when there is none, the read that may produce it.
    fn pull<T>(&mut self, now: Instant, out: Option<T>) -> Result<Pull<'_, S, T>, Error> {
        match out {
            Some(out) => Ok(Pull::Ready(out)),
            None => {
                self.prepare_read(now)?;
                Ok(Pull::Read(self.read()))
            }
        }
    }

    /// The next body event: `Some(Some(range))` for bytes, `Some(None)` at the end, `None`
    /// when a read is needed first.
    fn next_range(&mut self) -> Result<Option<Option<Range<usize>>>, Error> {
        loop {
            match self.step()? {
                Step::Body(range) => return Ok(Some(Some(range))),
                Step::End | Step::Upgraded => return Ok(Some(None)),
                Step::NeedData => return Ok(None),
                Step::Head => (),
            }
        }
    }

    /// Decodes what is buffered into at most one step.
    fn step(&mut self) -> Result<Step, Error> {
        match self.phase {
            Phase::Head | Phase::Body => (),
            Phase::Send => return Ok(Step::NeedData),
            Phase::Done => return Ok(Step::End),
            Phase::Upgraded => return Ok(Step::Upgraded),
            Phase::Failed => return Err(self.failed_error()),
        }
        if self.starved && !self.pump_tls()? {
            return Ok(Step::NeedData);
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
            Event::NeedData => {
                self.starved = true;
                Step::NeedData
            }
            Event::Head(head) => {
                self.trace.head(head.status);
                self.head = Some(head);
                self.phase = Phase::Body;
                self.wait = None;
                Step::Head
            }
            Event::Body(bytes) => {
                let at = base + (bytes.as_ptr() as usize - input.as_ptr() as usize);
                self.trace.body(bytes.len());
                Step::Body(at..at + bytes.len())
            }
            Event::End { .. } => {
                self.phase = Phase::Done;
                self.trace.finish(Outcome::End, self.now);
                Step::End
            }
            Event::Upgraded => {
                self.phase = Phase::Upgraded;
                self.trace.finish(Outcome::Upgraded, self.now);
                Step::Upgraded
            }
        };
        conn.buf.consume(consumed);
        if step == Step::End {
            self.release();
        }
        Ok(step)
    }

    /// Moves plaintext the TLS session already holds into the read buffer; true when some
    /// arrived, so that the codec has something new to decode.
    fn pump_tls(&mut self) -> Result<bool, Error> {
        let Some(conn) = self.conn.as_mut() else {
            return Ok(false);
        };
        let Some(tls) = conn.tls.as_deref_mut() else {
            return Ok(false);
        };
        match tls.pump(&mut conn.buf) {
            Ok(0) => Ok(false),
            Ok(_) => {
                self.starved = false;
                Ok(true)
            }
            Err(failure) => {
                let err = self.tls_error(failure);
                self.fail();
                Err(err)
            }
        }
    }

    /// True while the TLS handshake is under way: its waits are bounded by the connect
    /// timeout, since no request has reached the engine yet.
    fn handshaking(&self) -> bool {
        self.conn
            .as_ref()
            .and_then(|c| c.tls.as_deref())
            .is_some_and(|tls| tls.is_handshaking())
    }

    /// Starts or continues the wait for the next IO, and returns its deadline: the head
    /// timeout from now while writing, the head deadline while awaiting the head, the idle
    /// timeout from now while reading the body. `Err` once the deadline passed, or when the
    /// flavour reported a timeout for a wait without one.
    fn wait(&mut self, now: Instant) -> Result<Option<Instant>, Error> {
        let wait = match self.wait {
            Some(wait) => wait,
            None => {
                let own = match self.phase {
                    _ if self.handshaking() => self.shared.config.timeouts.connect.map(|t| now + t),
                    Phase::Send => self.head_timeout.map(|t| now + t),
                    Phase::Head => self.head_deadline,
                    _ => self.idle_timeout.map(|t| now + t),
                };
                Wait {
                    deadline: Total::cap(self.total, own),
                    timed_out: false,
                }
            }
        };
        let passed = match wait.deadline {
            Some(deadline) => deadline <= now,
            None => wait.timed_out,
        };
        if passed {
            return Err(self.timed_out(now));
        }
        self.wait = Some(Wait {
            timed_out: false,
            ..wait
        });
        Ok(wait.deadline)
    }

    /// Maps a failed read or write. A timeout is judged by the next poll against the wait's
    /// deadline: a flavour may wake a little early.
    fn handle_io_error(&mut self, err: io::Error) {
        match err.kind() {
            io::ErrorKind::Interrupted => (),
            io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut => {
                if let Some(wait) = self.wait.as_mut() {
                    wait.timed_out = true;
                }
            }
            _ => match self.ssh_failure() {
                Some(ssh) => self.fail_with(ssh),
                None => self.fail_with(self.shared.io_error(err)),
            },
        }
    }

    /// Appends body bytes to a collected body, within `cap`: `Some` when the body was cut
    /// there (the connection is closed, since the rest is never read).
    fn collect(
        &mut self,
        out: &mut Vec<u8>,
        range: Range<usize>,
        cap: Cap,
    ) -> Result<Option<Collected>, Error> {
        let limit = match cap {
            Cap::Fail(limit) | Cap::Cut(limit) => limit,
        };
        if out.len() + range.len() <= limit {
            out.extend_from_slice(self.slice(range));
            return Ok(None);
        }
        if let Cap::Cut(_) = cap {
            let room = limit - out.len();
            out.extend_from_slice(&self.slice(range)[..room]);
            self.fail();
            return Ok(Some(Collected::Cut));
        }
        self.fail();
        Err(Error::BodyTooLarge {
            endpoint: self.shared.endpoint.clone(),
            limit,
        })
    }

    /// The error for a deadline passed at `now`; the connection is closed.
    fn timed_out(&mut self, now: Instant) -> Error {
        let (kind, after) = match self.phase {
            _ if Total::passed(self.total, now) => {
                (TimeoutKind::Total, self.total.map(|t| t.after))
            }
            _ if self.handshaking() => (TimeoutKind::Connect, self.shared.config.timeouts.connect),
            Phase::Send | Phase::Head => (TimeoutKind::Head, self.head_timeout),
            _ => (TimeoutKind::Idle, self.idle_timeout),
        };
        self.fail();
        self.shared.timeout(kind, after.unwrap_or_default())
    }

    /// The error for an upgrade that did not happen.
    fn not_upgraded(&mut self) -> Error {
        let status = self.head().status;
        self.fail();
        Error::NotUpgraded { status }
    }

    /// Closes the connection: it will not be reused.
    fn fail(&mut self) {
        self.phase = Phase::Failed;
        self.trace.finish(Outcome::Failed, self.now);
        if let Some(conn) = self.conn.take() {
            conn.io.close();
        }
    }

    fn release(&mut self) {
        let Some(conn) = self.conn.take() else { return };
        if self.codec.is_reusable() && conn.buf.is_empty() && conn.io.is_private() {
            self.shared.pool.put(conn, self.now);
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

    fn failed_error(&self) -> Error {
        self.shared.io_error(io::Error::other(
            "this response already failed and its connection is closed; send the request again",
        ))
    }
}

/// How a collected body meets its cap.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Cap {
    /// Past the cap is [`Error::BodyTooLarge`].
    Fail(usize),
    /// The body is cut at the cap, and the rest left unread.
    Cut(usize),
}

/// How a collected body ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Collected {
    /// At its end.
    Whole,
    /// At the cap of [`Cap::Cut`]: more followed.
    Cut,
}

/// What one decode step produced. Body bytes are a range of the connection's read buffer,
/// valid until the next read.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Step {
    NeedData,
    Head,
    Body(Range<usize>),
    End,
    Upgraded,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Phase {
    /// The request is being written.
    Send,
    /// Written; the response head is awaited.
    Head,
    Body,
    Done,
    Upgraded,
    Failed,
}

/// The wait in progress: a read or write that has not made progress yet. Its deadline is
/// fixed when it starts and kept across early wakes and repeated polls.
#[derive(Debug, Clone, Copy)]
struct Wait {
    deadline: Option<Instant>,
    /// The flavour reported that the deadline passed; it may have woken early.
    timed_out: bool,
}
