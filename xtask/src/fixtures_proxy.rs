//! The recording proxy of `cargo xtask fixtures record`: a Unix socket that forwards each
//! connection to the engine and keeps a copy of every request and response.
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
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

use docker_replay::{Ending, Exchange};
use docker_wire::{
    BodyKind, Chunk, ClientConn, Event, Framed, Limits, Method, ReceivedRequest, RequestDecoder,
    RequestEvent, RequestHead, Upgrade,
};

pub(crate) struct Proxy {
    dir: PathBuf,
    socket: PathBuf,
    log: Arc<Log>,
    accept: Option<JoinHandle<()>>,
}

impl Proxy {
    /// Listens on a socket in a fresh temporary directory and forwards to `engine`.
    pub(crate) fn start(engine: &Path) -> io::Result<Proxy> {
        let dir = std::env::temp_dir().join(format!("dkr-fx-proxy-{}", std::process::id()));
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
        Ok(Proxy {
            dir,
            socket,
            log,
            accept: Some(accept),
        })
    }

    pub(crate) fn socket(&self) -> &Path {
        &self.socket
    }

    /// Waits until every request seen has its response, then takes the exchanges logged so
    /// far, in the order of their requests.
    pub(crate) fn take(&self, timeout: Duration) -> Result<Vec<Exchange>, String> {
        let deadline = Instant::now() + timeout;
        let mut st = self.log.lock();
        while !st.in_flight.is_empty() {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                let lines: Vec<&String> = st.in_flight.values().collect();
                return Err(format!(
                    "no complete response after {timeout:?} to {lines:?}"
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

    /// Waits until a request whose line contains `needle` has been sent.
    pub(crate) fn wait_for_request(&self, needle: &str, timeout: Duration) -> bool {
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

    /// Forgets the request lines `wait_for_request` looks at.
    pub(crate) fn clear_lines(&self) {
        self.log.lock().lines.clear();
    }
}

impl Drop for Proxy {
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
        let mut transcript = docker_replay::Transcript::default();
        for ex in &kept {
            transcript.push(ex.clone());
        }
        let engine = docker_replay::Replay::with_seed(&transcript, 9).unwrap();
        let proxy = Proxy::start(engine.socket()).unwrap();
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
