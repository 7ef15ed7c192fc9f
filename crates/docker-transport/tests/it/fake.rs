//! A scripted fake engine on a temporary Unix socket: one thread per connection, a
//! handler per connection, and a count of accepted connections.

use std::io::{self, Read, Write};
use std::os::unix::net::{UnixListener, UnixStream};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::thread::{self, JoinHandle};
use std::time::Duration;

use docker_transport::{Config, Endpoint, Timeouts};

static N_DIRS: AtomicUsize = AtomicUsize::new(0);

/// A unique empty directory under the system temp dir, removed on drop.
pub(crate) struct TempDir(pub(crate) PathBuf);

impl TempDir {
    pub(crate) fn new() -> TempDir {
        let n = N_DIRS.fetch_add(1, Ordering::SeqCst);
        let dir = std::env::temp_dir().join(format!("dtr-{}-{n}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        TempDir(dir)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// One accepted connection, as the handler sees it.
pub(crate) struct Peer {
    pub(crate) stream: UnixStream,
    buf: Vec<u8>,
    pub(crate) stop: Arc<AtomicBool>,
}

impl Peer {
    /// Reads one request (head and body); `None` at EOF or on error.
    pub(crate) fn read_request(&mut self) -> Option<Vec<u8>> {
        let head_end = loop {
            if let Some(i) = find(&self.buf, b"\r\n\r\n") {
                break i + 4;
            }
            if !self.fill() {
                return None;
            }
        };
        let head = String::from_utf8_lossy(&self.buf[..head_end]).to_ascii_lowercase();
        let body_len = head
            .lines()
            .find_map(|l| l.strip_prefix("content-length:"))
            .map(|v| v.trim().parse::<usize>().unwrap());
        let end = match (body_len, head.contains("transfer-encoding: chunked")) {
            (Some(n), _) => {
                while self.buf.len() < head_end + n {
                    if !self.fill() {
                        return None;
                    }
                }
                head_end + n
            }
            (None, true) => loop {
                if let Some(i) = find(&self.buf[head_end..], b"\r\n0\r\n\r\n") {
                    break head_end + i + 7;
                }
                if self.buf[head_end..].starts_with(b"0\r\n\r\n") {
                    break head_end + 5;
                }
                if !self.fill() {
                    return None;
                }
            },
            (None, false) => head_end,
        };
        Some(self.buf.drain(..end).collect())
    }

    fn fill(&mut self) -> bool {
        let mut chunk = [0u8; 16 * 1024];
        match self.stream.read(&mut chunk) {
            Ok(0) | Err(_) => false,
            Ok(n) => {
                self.buf.extend_from_slice(&chunk[..n]);
                true
            }
        }
    }

    /// Writes everything, ignoring a client that went away.
    pub(crate) fn write(&mut self, bytes: &[u8]) {
        let _ = self.stream.write_all(bytes);
    }

    /// Reads what the client sends until it half-closes (or closes).
    pub(crate) fn read_to_eof(&mut self) -> Vec<u8> {
        let mut out = std::mem::take(&mut self.buf);
        let _ = self.stream.read_to_end(&mut out);
        out
    }

    /// Waits until the client closes the connection or the server stops.
    pub(crate) fn hang(&mut self) {
        let _ = self
            .stream
            .set_read_timeout(Some(Duration::from_millis(20)));
        let mut chunk = [0u8; 1024];
        while !self.stop.load(Ordering::SeqCst) {
            match self.stream.read(&mut chunk) {
                Ok(0) => return,
                Ok(_) => (),
                Err(e) if is_timeout(&e) => (),
                Err(_) => return,
            }
        }
    }

    /// Writes `bytes` one byte every `every`, until they run out, the client goes away or
    /// the server stops.
    pub(crate) fn trickle(&mut self, bytes: &[u8], every: Duration) {
        for b in bytes {
            if self.stop.load(Ordering::SeqCst) || self.stream.write_all(&[*b]).is_err() {
                return;
            }
            thread::sleep(every);
        }
    }

    /// Writes `bytes` over and over until the client goes away or the server stops.
    pub(crate) fn write_forever(&mut self, bytes: &[u8]) {
        while !self.stop.load(Ordering::SeqCst) {
            if self.stream.write_all(bytes).is_err() {
                return;
            }
        }
    }
}

fn is_timeout(e: &io::Error) -> bool {
    matches!(
        e.kind(),
        io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut
    )
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

/// The fake engine. Dropping it stops it and removes its directory.
pub(crate) struct Fake {
    pub(crate) path: PathBuf,
    accepted: Arc<AtomicUsize>,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
    _dir: TempDir,
}

impl Fake {
    /// Serves every connection with `handler(connection_index, peer)` on its own thread.
    pub(crate) fn start(handler: impl Fn(usize, Peer) + Send + Sync + 'static) -> Fake {
        let dir = TempDir::new();
        let path = dir.0.join("engine.sock");
        let listener = UnixListener::bind(&path).unwrap();
        let accepted = Arc::new(AtomicUsize::new(0));
        let stop = Arc::new(AtomicBool::new(false));
        let handler = Arc::new(handler);
        let thread = {
            let (accepted, stop) = (accepted.clone(), stop.clone());
            thread::spawn(move || {
                for stream in listener.incoming() {
                    if stop.load(Ordering::SeqCst) {
                        return;
                    }
                    let Ok(stream) = stream else { return };
                    let idx = accepted.fetch_add(1, Ordering::SeqCst);
                    let handler = handler.clone();
                    let stop = stop.clone();
                    thread::spawn(move || {
                        handler(
                            idx,
                            Peer {
                                stream,
                                buf: Vec::new(),
                                stop,
                            },
                        )
                    });
                }
            })
        };
        Fake {
            path,
            accepted,
            stop,
            thread: Some(thread),
            _dir: dir,
        }
    }

    /// Answers every request with `200 OK` and body `OK`, keeping connections alive.
    pub(crate) fn ok() -> Fake {
        Fake::start(|_, mut peer| {
            while peer.read_request().is_some() {
                peer.write(OK);
            }
        })
    }

    pub(crate) fn endpoint(&self) -> Endpoint {
        Endpoint::Unix(self.path.clone())
    }

    /// A config for this server with short timeouts, so that a failing test fails fast.
    pub(crate) fn config(&self) -> Config {
        let mut config = Config::new(self.endpoint());
        config.timeouts = Timeouts {
            connect: Some(Duration::from_secs(2)),
            head: Some(Duration::from_secs(5)),
            idle: Some(Duration::from_secs(5)),
            total: None,
        };
        config
    }

    pub(crate) fn accepted(&self) -> usize {
        self.accepted.load(Ordering::SeqCst)
    }
}

impl Drop for Fake {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        let _ = UnixStream::connect(&self.path);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

/// A keep-alive `200 OK` with body `OK`.
pub(crate) const OK: &[u8] = b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nOK";
