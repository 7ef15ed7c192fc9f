//! The recording proxy of `cargo xtask fixtures record`: a Unix socket that forwards each
//! connection to the engine and keeps a copy of every request and response.
//!
//! Two threads per connection tee the bytes. Requests are framed by their head and
//! `Content-Length` or chunking; responses by the project's own codec, so an exchange ends
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
use docker_wire::{BodyKind, ClientConn, Event, Limits, Method, RequestHead, Upgrade};

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
    upgrade: bool,
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
    let mut buf = Vec::new();
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
            buf.extend_from_slice(bytes);
            while let Some(len) = request_len(&buf) {
                let request: Vec<u8> = buf.drain(..len).collect();
                let line = request_line(&request);
                let method = line
                    .split(' ')
                    .next()
                    .and_then(Method::parse)
                    .unwrap_or(Method::Get);
                let upgrade = header(&request, "upgrade").is_some();
                let seq = log.begin(line);
                let mut queue = conn.queue.lock().unwrap_or_else(|e| e.into_inner());
                queue.push_back(Pending {
                    seq,
                    request,
                    method,
                    upgrade,
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
            raw,
        }
    }

    fn into_exchange(self, ending: Ending) -> (u64, Exchange) {
        let mut response = self.response;
        if ending == Ending::ClientClosed && response.ends_with(b"\r\n0\r\n\r\n") {
            // The engine ended the stream because the client left; a replay must not.
            response.truncate(response.len() - b"0\r\n\r\n".len());
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
            let (consumed, step) = match cur.codec.decode(&input) {
                Ok(d) => (
                    d.consumed,
                    match d.event {
                        Event::NeedData => Step::More,
                        Event::End { reusable } => Step::End { reusable },
                        Event::Upgraded => Step::Upgraded,
                        Event::Head(_) | Event::Body(_) => Step::Continue,
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
                        let ending = match (left && is_endless(&cur.pending.request), reusable) {
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
fn is_endless(request: &[u8]) -> bool {
    let line = request_line(request);
    let target = line.split(' ').nth(1).unwrap_or("");
    let (path, query) = target.split_once('?').unwrap_or((target, ""));
    let has = |param: &str| query.split('&').any(|p| p == param);
    let names = |name: &str| query.split('&').any(|p| p.starts_with(name));
    (path.ends_with("/events") && !names("until="))
        || (path.ends_with("/stats") && !has("stream=0") && !has("stream=false"))
        || (path.ends_with("/logs") && (has("follow=1") || has("follow=true")))
}

/// The length of the first complete request in `buf`.
fn request_len(buf: &[u8]) -> Option<usize> {
    let head_len = find(buf, b"\r\n\r\n")? + 4;
    let head = &buf[..head_len];
    let chunked = header(head, "transfer-encoding").is_some_and(|v| v.contains("chunked"));
    if !chunked {
        let len: usize = header(head, "content-length").map_or(Some(0), |v| v.parse().ok())?;
        let total = head_len + len;
        return (buf.len() >= total).then_some(total);
    }
    let mut at = head_len;
    loop {
        let line_end = at + find(&buf[at..], b"\r\n")?;
        let text = std::str::from_utf8(&buf[at..line_end]).ok()?;
        let size = usize::from_str_radix(text.split(';').next()?.trim(), 16).ok()?;
        at = line_end + 2;
        if size == 0 {
            loop {
                let end = at + find(&buf[at..], b"\r\n")?;
                let empty = end == at;
                at = end + 2;
                if empty {
                    return Some(at);
                }
            }
        }
        at += size + 2;
        if at > buf.len() {
            return None;
        }
    }
}

fn request_line(request: &[u8]) -> String {
    let line = request.split(|&b| b == b'\r').next().unwrap_or(&[]);
    String::from_utf8_lossy(line).into_owned()
}

fn header(head: &[u8], name: &str) -> Option<String> {
    let end = find(head, b"\r\n\r\n").unwrap_or(head.len());
    let text = String::from_utf8_lossy(&head[..end]);
    text.split("\r\n").skip(1).find_map(|line| {
        let (n, v) = line.split_once(':')?;
        n.trim()
            .eq_ignore_ascii_case(name)
            .then(|| v.trim().to_ascii_lowercase())
    })
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn request_len_frames_length_and_chunks() {
        let r = b"POST /a HTTP/1.1\r\nContent-Length: 2\r\n\r\nabGET";
        assert_eq!(request_len(r), Some(r.len() - 3));
        let r = b"PUT /a HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nab\r\n0\r\n\r\n";
        assert_eq!(request_len(r), Some(r.len()));
        assert_eq!(request_len(&r[..r.len() - 2]), None);
    }
}
