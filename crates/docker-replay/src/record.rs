//! The recorder: a Unix socket that forwards each connection to a real engine and keeps a
//! copy of every request and response (`cargo xtask fixtures record` records through it).
//!
//! Two threads per connection tee the bytes. Both directions are framed by docker-wire:
//! requests by its request decoder, responses by its client codec, so an exchange ends
//! exactly where the client sees it end. An exchange is logged before its last bytes are
//! passed on, so once a client call returns its exchange is in the log.

use std::collections::{BTreeMap, VecDeque};
use std::io::{self, Read, Write};
use std::net::Shutdown;
use std::os::unix::net::{UnixListener, UnixStream};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

use crate::{Ending, Exchange, Transcript};
use docker_wire::{
    BodyKind, Chunk, ClientConn, Event, Framed, Limits, Method, ReceivedRequest, RequestDecoder,
    RequestEvent, RequestHead, Upgrade,
};

/// Records what a program says to a real engine, as a [`Transcript`] to replay later.
///
/// A recorder listens on a socket of its own and forwards every connection to the engine,
/// keeping a copy of each request and response, framed exactly as the client saw them.
/// Point the program at [`Recorder::socket`], run it, then take the
/// [`transcript`](Recorder::transcript): it is [normalised](Transcript::normalised) the way
/// the project's own fixtures are (IDs, times and sizes replaced), so it replays against
/// the same program run later, with other IDs. A user records once, against a real engine,
/// and replays in CI with none.
///
/// ```no_run
/// use std::time::Duration;
/// use docker_replay::{Recorder, Replay, Transcript};
///
/// // Once, with an engine:
/// let recorder = Recorder::start("/var/run/docker.sock")?;
/// // ... run the code under test against `recorder.socket()` ...
/// let transcript = recorder.transcript("my_scenario", Duration::from_secs(10))?;
/// std::fs::write("tests/fixtures/my_scenario.http", transcript.to_bytes())?;
///
/// // In CI, with none:
/// let replay = Replay::start(&Transcript::read("tests/fixtures/my_scenario.http")?)?;
/// // ... the same code against `replay.socket()` ...
/// replay.finish()?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub struct Recorder {
    dir: PathBuf,
    socket: PathBuf,
    log: Arc<Log>,
    accept: Option<JoinHandle<()>>,
}

impl Recorder {
    /// Listens on a socket in a fresh temporary directory and forwards each connection to
    /// the engine's Unix socket at `engine`. An engine that is not there fails the
    /// connections, not the start.
    ///
    /// ```no_run
    /// let recorder = docker_replay::Recorder::start("/var/run/docker.sock")?;
    /// println!("point the client at unix://{}", recorder.socket().display());
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn start(engine: impl AsRef<Path>) -> io::Result<Recorder> {
        static N: AtomicU64 = AtomicU64::new(0);
        let engine = engine.as_ref();
        let dir = std::env::temp_dir().join(format!(
            "dkr-recorder-{}-{}",
            std::process::id(),
            N.fetch_add(1, Ordering::Relaxed)
        ));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir)?;
        let socket = dir.join("proxy.sock");
        let listener = UnixListener::bind(&socket)?;
        let log = Arc::new(Log::default());
        let accept = {
            let log = log.clone();
            let engine = engine.to_owned();
            thread::spawn(move || accept_loop(&listener, &engine, &log))
        };
        Ok(Recorder {
            dir,
            socket,
            log,
            accept: Some(accept),
        })
    }

    /// The socket to point the program at (as `unix://` + this path).
    ///
    /// ```no_run
    /// let recorder = docker_replay::Recorder::start("/var/run/docker.sock")?;
    /// std::env::set_var("DOCKER_HOST", format!("unix://{}", recorder.socket().display()));
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn socket(&self) -> &Path {
        &self.socket
    }

    /// Waits until every request seen has its response (up to `timeout`), then takes the
    /// exchanges recorded so far, exactly as they went, in the order of their requests. A
    /// later call returns only what came after.
    ///
    /// ```no_run
    /// # let recorder = docker_replay::Recorder::start("/var/run/docker.sock")?;
    /// for exchange in recorder.take(std::time::Duration::from_secs(10))? {
    ///     println!("{} -> {:?}", exchange.request_line(), exchange.status());
    /// }
    /// # Ok::<(), std::io::Error>(())
    /// ```
    ///
    /// # Errors
    ///
    /// `TimedOut`, naming the requests, when a response is still incomplete at `timeout`:
    /// a stream that never ends on its own (events, stats, logs with follow) is complete
    /// once the client closes it, so close it (drop it) before taking.
    pub fn take(&self, timeout: Duration) -> io::Result<Vec<Exchange>> {
        let deadline = Instant::now() + timeout;
        let mut st = self.log.lock();
        while !st.in_flight.is_empty() {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                let lines: Vec<&String> = st.in_flight.values().collect();
                return Err(io::Error::new(
                    io::ErrorKind::TimedOut,
                    format!("no complete response after {timeout:?} to {lines:?}"),
                ));
            }
            st = self
                .log
                .changed
                .wait_timeout(st, left)
                .unwrap_or_else(|e| e.into_inner())
                .0;
        }
        let mut done = std::mem::take(&mut st.done);
        done.sort_by_key(|(seq, _)| *seq);
        Ok(done.into_iter().map(|(_, ex)| ex).collect())
    }

    /// The exchanges recorded so far (see [`take`](Recorder::take)) as a normalised
    /// transcript whose `scenario` header is `scenario`: write it with
    /// [`Transcript::to_bytes`], replay it with [`Replay`](crate::Replay).
    ///
    /// ```no_run
    /// # let recorder = docker_replay::Recorder::start("/var/run/docker.sock")?;
    /// let transcript = recorder.transcript("list", std::time::Duration::from_secs(10))?;
    /// assert!(transcript.is_normalised());
    /// # Ok::<(), std::io::Error>(())
    /// ```
    ///
    /// # Errors
    ///
    /// As [`take`](Recorder::take).
    pub fn transcript(&self, scenario: &str, timeout: Duration) -> io::Result<Transcript> {
        let mut transcript = Transcript::default();
        transcript.set_meta("scenario", scenario);
        transcript.set_meta("source", "recorded by docker_replay::Recorder");
        for exchange in self.take(timeout)? {
            transcript.push(exchange);
        }
        Ok(transcript.normalised())
    }

    /// Waits until a request whose line (`GET /v1.41/events?…`) contains `needle` has gone
    /// to the engine; false at `timeout`. For a step that must wait until the program under
    /// test has, say, subscribed to events before it acts.
    ///
    /// ```no_run
    /// # let recorder = docker_replay::Recorder::start("/var/run/docker.sock")?;
    /// assert!(recorder.wait_for_request("/events", std::time::Duration::from_secs(5)));
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn wait_for_request(&self, needle: &str, timeout: Duration) -> bool {
        let deadline = Instant::now() + timeout;
        let mut st = self.log.lock();
        loop {
            if st.lines.iter().any(|l| l.contains(needle)) {
                return true;
            }
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return false;
            }
            st = self
                .log
                .changed
                .wait_timeout(st, left)
                .unwrap_or_else(|e| e.into_inner())
                .0;
        }
    }

    /// Forgets the request lines that [`wait_for_request`](Recorder::wait_for_request)
    /// looks at, so that it waits for a request made from now on.
    ///
    /// ```no_run
    /// # let recorder = docker_replay::Recorder::start("/var/run/docker.sock")?;
    /// recorder.clear_lines();
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn clear_lines(&self) {
        self.log.lock().lines.clear();
    }
}

impl Drop for Recorder {
    fn drop(&mut self) {
        let (streams, workers) = {
            let mut st = self.log.lock();
            st.stopping = true;
            (
                std::mem::take(&mut st.streams),
                std::mem::take(&mut st.workers),
            )
        };
        for s in &streams {
            let _ = s.shutdown(Shutdown::Both);
        }
        let _ = UnixStream::connect(&self.socket);
        if let Some(accept) = self.accept.take() {
            let _ = accept.join();
        }
        for w in workers {
            let _ = w.join();
        }
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

#[derive(Default)]
struct Log {
    state: Mutex<LogState>,
    changed: Condvar,
}

#[derive(Default)]
struct LogState {
    next_seq: u64,
    in_flight: BTreeMap<u64, String>,
    done: Vec<(u64, Exchange)>,
    lines: Vec<String>,
    streams: Vec<UnixStream>,
    workers: Vec<JoinHandle<()>>,
    stopping: bool,
}

impl Log {
    fn lock(&self) -> MutexGuard<'_, LogState> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn begin(&self, line: String) -> u64 {
        let mut st = self.lock();
        let seq = st.next_seq;
        st.next_seq += 1;
        st.in_flight.insert(seq, line.clone());
        st.lines.push(line);
        drop(st);
        self.changed.notify_all();
        seq
    }

    fn finish(&self, seq: u64, exchange: Exchange) {
        let mut st = self.lock();
        st.in_flight.remove(&seq);
        st.done.push((seq, exchange));
        drop(st);
        self.changed.notify_all();
    }
}

/// A request waiting for its response.
struct Pending {
    seq: u64,
    request: Vec<u8>,
    method: Method,
    /// The target as sent, path and query.
    target: String,
    upgrade: bool,
}

/// The requests a client writes, cut apart as they arrive.
struct Requests {
    buf: Vec<u8>,
    dec: RequestDecoder,
    /// How much of `buf` the decoder has taken.
    at: usize,
    head: Option<ReceivedRequest>,
    /// The client wrote something that is no request: nothing more is cut apart.
    broken: bool,
}

/// A complete request: its bytes and head.
struct Complete {
    bytes: Vec<u8>,
    head: ReceivedRequest,
}

impl Requests {
    fn new() -> Requests {
        Requests {
            buf: Vec::new(),
            dec: RequestDecoder::new(Limits::default()),
            at: 0,
            head: None,
            broken: false,
        }
    }

    /// Takes bytes from the client; returns the requests they complete.
    fn push(&mut self, bytes: &[u8]) -> Vec<Complete> {
        let mut done = Vec::new();
        if self.broken {
            return done;
        }
        self.buf.extend_from_slice(bytes);
        loop {
            let res = match self.dec.decode(&self.buf[self.at..]) {
                Ok(res) => res,
                Err(_) => {
                    self.broken = true;
                    self.buf = Vec::new();
                    return done;
                }
            };
            self.at += res.consumed;
            match res.event {
                RequestEvent::NeedData => return done,
                RequestEvent::Head(head) => self.head = Some(head),
                RequestEvent::Body(_) => (),
                RequestEvent::End => {
                    let bytes = self.buf.drain(..self.at).collect();
                    self.at = 0;
                    self.dec = RequestDecoder::new(Limits::default());
                    if let Some(head) = self.head.take() {
                        done.push(Complete { bytes, head });
                    }
                }
            }
        }
    }
}

/// What the two threads of one connection share.
#[derive(Default)]
struct Conn {
    queue: Mutex<VecDeque<Pending>>,
    /// An upgrade was asked for: what follows on either side is a raw stream.
    upgraded: AtomicBool,
    /// The client went away (not a hijacked client closing its stdin).
    client_closed: AtomicBool,
}

fn accept_loop(listener: &UnixListener, engine: &Path, log: &Arc<Log>) {
    for client in listener.incoming() {
        let Ok(client) = client else { return };
        if log.lock().stopping {
            return;
        }
        let Ok(upstream) = UnixStream::connect(engine) else {
            continue;
        };
        let (Ok(client2), Ok(upstream2)) = (client.try_clone(), upstream.try_clone()) else {
            continue;
        };
        let conn = Arc::new(Conn::default());
        let mut st = log.lock();
        for s in [&client, &upstream] {
            if let Ok(s) = s.try_clone() {
                st.streams.push(s);
            }
        }
        let up = {
            let (log, conn) = (log.clone(), conn.clone());
            thread::spawn(move || client_to_engine(client, upstream, &conn, &log))
        };
        let down = {
            let (log, conn) = (log.clone(), conn.clone());
            thread::spawn(move || engine_to_client(upstream2, client2, &conn, &log))
        };
        st.workers.push(up);
        st.workers.push(down);
    }
}

fn client_to_engine(mut client: UnixStream, mut engine: UnixStream, conn: &Conn, log: &Log) {
    let mut requests = Requests::new();
    let mut chunk = vec![0; 64 * 1024];
    loop {
        let n = match client.read(&mut chunk) {
            Ok(0) | Err(_) => {
                // A hijacked client closes its stdin, and the engine still has output to
                // send. Any other client that closes is gone, but what the engine was
                // already sending is still recorded (it arrives in the same instant, while
                // when the client stopped reading is a matter of timing): the engine gets
                // two seconds to end or close.
                if !conn.upgraded.load(Ordering::SeqCst) {
                    conn.client_closed.store(true, Ordering::SeqCst);
                    let _ = engine.set_read_timeout(Some(Duration::from_secs(2)));
                }
                let _ = engine.shutdown(Shutdown::Write);
                return;
            }
            Ok(n) => n,
        };
        let bytes = &chunk[..n];
        // Once the engine has switched protocols, what the client writes is its stdin. A
        // client writes it only after the switch, which the other thread notes first.
        if !conn.upgraded.load(Ordering::SeqCst) {
            for Complete {
                bytes: request,
                head,
            } in requests.push(bytes)
            {
                let line = format!(
                    "{} {} HTTP/1.{}",
                    head.method, head.target, head.minor_version
                );
                let seq = log.begin(line);
                let mut queue = conn.queue.lock().unwrap_or_else(|e| e.into_inner());
                queue.push_back(Pending {
                    seq,
                    request,
                    method: head.method,
                    upgrade: head.wants_upgrade(),
                    target: head.target,
                });
            }
        }
        if engine.write_all(bytes).is_err() {
            return;
        }
    }
}

/// The response being read.
struct Current {
    pending: Pending,
    codec: ClientConn,
    response: Vec<u8>,
    /// Where in `response` the last chunk's line begins, once it came.
    last_chunk: Option<usize>,
    /// The codec gave up or the stream was upgraded: bytes are kept until the end.
    raw: bool,
}

impl Current {
    fn new(pending: Pending) -> Current {
        let mut codec = ClientConn::new(Limits::default());
        let upgrade = match pending.upgrade {
            true => Upgrade::Hijack,
            false => Upgrade::No,
        };
        let head = RequestHead::new(pending.method, "/", "docker")
            .body(BodyKind::None)
            .upgrade(upgrade);
        let raw = codec.send_request(&head, &mut Vec::new()).is_err();
        Current {
            pending,
            codec,
            response: Vec::new(),
            last_chunk: None,
            raw,
        }
    }

    fn into_exchange(self, ending: Ending) -> (u64, Exchange) {
        let mut response = self.response;
        if let (Ending::ClientClosed, Some(at)) = (ending, self.last_chunk) {
            // The engine ended the stream because the client left; a replay must not.
            response.truncate(at);
        }
        let exchange = Exchange {
            request: self.pending.request,
            response,
            ending,
        };
        (self.pending.seq, exchange)
    }
}

fn engine_to_client(mut engine: UnixStream, mut client: UnixStream, conn: &Conn, log: &Log) {
    let mut input: Vec<u8> = Vec::new();
    let mut current: Option<Current> = None;
    let mut chunk = vec![0; 64 * 1024];
    loop {
        let n = engine.read(&mut chunk).unwrap_or(0);
        if n == 0 {
            if let Some(mut cur) = current.take() {
                cur.response.append(&mut input);
                let ending = match conn.client_closed.load(Ordering::SeqCst) {
                    true => Ending::ClientClosed,
                    false => Ending::EngineClosed,
                };
                // `into_exchange` keeps the end of what only the client's leaving ends.
                let (seq, ex) = cur.into_exchange(ending);
                log.finish(seq, ex);
            }
            let _ = client.shutdown(Shutdown::Write);
            return;
        }
        let bytes = &chunk[..n];
        input.extend_from_slice(bytes);
        loop {
            if current.is_none() {
                if input.is_empty() {
                    break;
                }
                let next = conn
                    .queue
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .pop_front();
                match next {
                    Some(pending) => current = Some(Current::new(pending)),
                    // Bytes nobody asked for: passed on, not logged.
                    None => {
                        input.clear();
                        break;
                    }
                }
            }
            let Some(cur) = current.as_mut() else { break };
            if cur.raw {
                cur.response.append(&mut input);
                break;
            }
            let (consumed, step) = match cur.codec.decode_framed(&input) {
                Ok(d) => (
                    d.consumed,
                    match d.event {
                        Framed::Event(Event::NeedData) => Step::More,
                        Framed::Event(Event::End { reusable }) => Step::End { reusable },
                        Framed::Event(Event::Upgraded) => Step::Upgraded,
                        Framed::Chunk(Chunk::Size { size: 0, .. }) => {
                            cur.last_chunk = Some(cur.response.len());
                            Step::Continue
                        }
                        Framed::Event(Event::Head(_) | Event::Body(_)) | Framed::Chunk(_) => {
                            Step::Continue
                        }
                    },
                ),
                Err(_) => (0, Step::Broken),
            };
            cur.response.extend(input.drain(..consumed));
            match step {
                Step::More => break,
                Step::Continue => (),
                Step::End { reusable } => {
                    if let Some(cur) = current.take() {
                        // An endless stream ends only because the client left. Anything else
                        // ended on its own, even when the client stopped reading first (it
                        // had what it wanted: the first event, an error in a progress
                        // stream).
                        let left = conn.client_closed.load(Ordering::SeqCst);
                        let ending = match (left && is_endless(&cur.pending.target), reusable) {
                            (true, _) => Ending::ClientClosed,
                            (false, true) => Ending::Open,
                            (false, false) => Ending::EngineClosed,
                        };
                        let (seq, ex) = cur.into_exchange(ending);
                        log.finish(seq, ex);
                    }
                }
                Step::Upgraded => {
                    conn.upgraded.store(true, Ordering::SeqCst);
                    cur.raw = true;
                }
                Step::Broken => cur.raw = true,
            }
        }
        // A client that went away no longer reads; the engine's bytes are still logged.
        let _ = client.write_all(bytes);
    }
}

enum Step {
    More,
    Continue,
    End { reusable: bool },
    Upgraded,
    Broken,
}

/// True for requests the engine answers with a stream that never ends on its own: events
/// without `until`, stats without `stream=0`, logs with `follow`.
fn is_endless(target: &str) -> bool {
    let (path, query) = target.split_once('?').unwrap_or((target, ""));
    let has = |param: &str| query.split('&').any(|p| p == param);
    let names = |name: &str| query.split('&').any(|p| p.starts_with(name));
    (path.ends_with("/events") && !names("until="))
        || (path.ends_with("/stats") && !has("stream=0") && !has("stream=false"))
        || (path.ends_with("/logs") && (has("follow=1") || has("follow=true")))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Reads one response off `conn` a byte at a time (so nothing of the next is taken).
    fn read_response(conn: &mut UnixStream, method: Method) {
        let mut codec = ClientConn::new(Limits::default());
        let head = RequestHead::new(method, "/", "docker");
        codec.send_request(&head, &mut Vec::new()).unwrap();
        let mut buf = Vec::new();
        let mut byte = [0; 1];
        loop {
            let d = codec.decode(&buf).unwrap();
            let consumed = d.consumed;
            match d.event {
                Event::NeedData => match conn.read(&mut byte).unwrap() {
                    0 => {
                        codec.handle_eof().unwrap();
                        return;
                    }
                    _ => buf.push(byte[0]),
                },
                Event::End { .. } | Event::Upgraded => return,
                Event::Head(_) | Event::Body(_) => (),
            }
            buf.drain(..consumed);
        }
    }

    #[test]
    fn recording_a_replayed_engine_gives_back_its_exchanges() {
        let exchange = |request: &[u8], response: &[u8], ending| Exchange {
            request: request.to_vec(),
            response: response.to_vec(),
            ending,
        };
        let kept = [
            exchange(
                b"GET /_ping HTTP/1.1\r\nHost: docker\r\n\r\n",
                b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nOK",
                Ending::Open,
            ),
            exchange(
                b"POST /v1.41/containers/create HTTP/1.1\r\nContent-Length: 2\r\n\r\n{}",
                b"HTTP/1.1 201 Created\r\nTransfer-Encoding: chunked\r\n\r\na;x\r\n{\"Id\":\"a\"}\r\n0\r\n\r\n",
                Ending::Open,
            ),
            exchange(
                b"PUT /v1.41/containers/a/archive?path=/ HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n3\r\ntar\r\n0\r\n\r\n",
                b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n",
                Ending::Open,
            ),
            exchange(
                b"GET /v1.41/containers/a/logs?stdout=1 HTTP/1.1\r\n\r\n",
                b"HTTP/1.1 200 OK\r\n\r\nuntil the engine closes",
                Ending::EngineClosed,
            ),
        ];
        let mut transcript = Transcript::default();
        for ex in &kept {
            transcript.push(ex.clone());
        }
        let engine = crate::Replay::with_seed(&transcript, 9).unwrap();
        let proxy = Recorder::start(engine.socket()).unwrap();
        let mut conn = UnixStream::connect(proxy.socket()).unwrap();
        conn.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
        for ex in &kept {
            // Requests written in small pieces, as a client may.
            for piece in ex.request.chunks(5) {
                conn.write_all(piece).unwrap();
            }
            let method = match ex.request.split(|&b| b == b' ').next() {
                Some(b"POST") => Method::Post,
                Some(b"PUT") => Method::Put,
                _ => Method::Get,
            };
            read_response(&mut conn, method);
        }
        assert!(proxy.wait_for_request("/logs?stdout=1", Duration::from_secs(5)));
        let recorded = proxy.take(Duration::from_secs(5)).unwrap();
        assert_eq!(recorded, kept);
        drop(conn);
        drop(proxy);
        engine.finish().unwrap();
    }

    #[test]
    fn requests_are_cut_apart_by_length_and_chunks_however_they_arrive() {
        let wire: &[u8] = b"POST /a HTTP/1.1\r\nContent-Length: 2\r\n\r\nab\
            PUT /b?x=1 HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n2;e\r\nab\r\n0\r\n\r\n\
            GET /c HTTP/1.1\r\n\r\n";
        for size in [1, 2, 7, wire.len()] {
            let mut requests = Requests::new();
            let mut got = Vec::new();
            for piece in wire.chunks(size) {
                got.extend(requests.push(piece));
            }
            let targets: Vec<&str> = got.iter().map(|r| r.head.target.as_str()).collect();
            assert_eq!(targets, ["/a", "/b?x=1", "/c"], "pieces of {size}");
            let whole: Vec<u8> = got.iter().flat_map(|r| r.bytes.clone()).collect();
            assert_eq!(whole, wire);
        }
    }

    #[test]
    fn after_bytes_that_are_no_request_nothing_more_is_cut() {
        let mut requests = Requests::new();
        assert!(requests
            .push(b"POST /a HTTP/1.1\r\nContent-Length: x\r\n\r\n")
            .is_empty());
        assert!(requests.push(b"GET /b HTTP/1.1\r\n\r\n").is_empty());
    }

    #[test]
    fn a_stream_the_client_left_loses_the_end_the_engine_wrote_for_it() {
        let pending = Pending {
            seq: 7,
            request: b"GET /events HTTP/1.1\r\n\r\n".to_vec(),
            method: Method::Get,
            target: "/events".into(),
            upgrade: false,
        };
        let mut cur = Current::new(pending);
        let wire = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\n{}\n\r\n0\r\n\r\n";
        let mut input = &wire[..];
        loop {
            let d = cur.codec.decode_framed(input).unwrap();
            if let Framed::Chunk(Chunk::Size { size: 0, .. }) = d.event {
                cur.last_chunk = Some(cur.response.len());
            }
            let end = matches!(d.event, Framed::Event(Event::End { .. }));
            cur.response.extend_from_slice(&input[..d.consumed]);
            input = &input[d.consumed..];
            if end {
                break;
            }
        }
        let (seq, ex) = cur.into_exchange(Ending::ClientClosed);
        assert_eq!(seq, 7);
        assert_eq!(ex.response, &wire[..wire.len() - 5]);
        assert!(is_endless("/v1.41/events?since=1"));
        assert!(!is_endless("/v1.41/events?until=2"));
    }
}
