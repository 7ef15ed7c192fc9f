//! A scripted fake engine on a temporary Unix socket: it records every request and answers
//! with whatever the script returns.

use std::io::{BufRead, BufReader, Read, Write};
use std::os::unix::net::{UnixListener, UnixStream};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::thread;

/// A request as the fake engine saw it.
#[derive(Debug, Clone)]
pub(crate) struct Seen {
    pub(crate) method: String,
    pub(crate) target: String,
    pub(crate) headers: Vec<(String, String)>,
    pub(crate) body: Vec<u8>,
}

impl Seen {
    /// `METHOD target`, the request line without the version.
    pub(crate) fn line(&self) -> String {
        format!("{} {}", self.method, self.target)
    }

    pub(crate) fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

type Script = dyn Fn(&Seen) -> Vec<u8> + Send + Sync;

pub(crate) struct FakeEngine {
    dir: PathBuf,
    socket: PathBuf,
    seen: Arc<Mutex<Vec<Seen>>>,
    connections: Arc<AtomicUsize>,
}

impl FakeEngine {
    /// Starts a fake engine answering with `script`.
    pub(crate) fn start(script: impl Fn(&Seen) -> Vec<u8> + Send + Sync + 'static) -> FakeEngine {
        static N: AtomicUsize = AtomicUsize::new(0);
        let dir = std::env::temp_dir().join(format!(
            "dkr-client-{}-{}",
            std::process::id(),
            N.fetch_add(1, Ordering::Relaxed)
        ));
        std::fs::create_dir_all(&dir).unwrap();
        let socket = dir.join("e.sock");
        let listener = UnixListener::bind(&socket).unwrap();
        let seen = Arc::new(Mutex::new(Vec::new()));
        let connections = Arc::new(AtomicUsize::new(0));
        let script: Arc<Script> = Arc::new(script);
        {
            let seen = seen.clone();
            let connections = connections.clone();
            thread::spawn(move || {
                for conn in listener.incoming() {
                    let Ok(conn) = conn else { return };
                    connections.fetch_add(1, Ordering::SeqCst);
                    let seen = seen.clone();
                    let script = script.clone();
                    thread::spawn(move || serve(conn, &seen, &*script));
                }
            });
        }
        FakeEngine {
            dir,
            socket,
            seen,
            connections,
        }
    }

    pub(crate) fn socket(&self) -> &Path {
        &self.socket
    }

    /// Every request line seen so far, in order.
    pub(crate) fn lines(&self) -> Vec<String> {
        self.seen.lock().unwrap().iter().map(Seen::line).collect()
    }

    pub(crate) fn requests(&self) -> Vec<Seen> {
        self.seen.lock().unwrap().clone()
    }

    pub(crate) fn connections(&self) -> usize {
        self.connections.load(Ordering::SeqCst)
    }
}

impl Drop for FakeEngine {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

fn serve(conn: UnixStream, seen: &Mutex<Vec<Seen>>, script: &Script) {
    let mut writer = conn.try_clone().unwrap();
    let mut reader = BufReader::new(conn);
    loop {
        let mut line = String::new();
        match reader.read_line(&mut line) {
            Ok(0) | Err(_) => return,
            Ok(_) => (),
        }
        let mut parts = line.trim_end().splitn(3, ' ');
        let method = parts.next().unwrap_or("").to_owned();
        let target = parts.next().unwrap_or("").to_owned();
        let mut headers = Vec::new();
        loop {
            let mut h = String::new();
            if reader.read_line(&mut h).unwrap_or(0) == 0 {
                return;
            }
            let h = h.trim_end();
            if h.is_empty() {
                break;
            }
            if let Some((n, v)) = h.split_once(':') {
                headers.push((n.trim().to_owned(), v.trim().to_owned()));
            }
        }
        let len = headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case("content-length"))
            .and_then(|(_, v)| v.parse::<usize>().ok())
            .unwrap_or(0);
        let mut body = vec![0; len];
        if reader.read_exact(&mut body).is_err() {
            return;
        }
        let chunked = headers.iter().any(|(n, v)| {
            n.eq_ignore_ascii_case("transfer-encoding") && v.eq_ignore_ascii_case("chunked")
        });
        if chunked && read_chunked(&mut reader, &mut body).is_err() {
            return;
        }
        let req = Seen {
            method,
            target,
            headers,
            body,
        };
        seen.lock().unwrap().push(req.clone());
        let answer = script(&req);
        let (answer, close) = match answer.strip_suffix(CLOSE) {
            Some(rest) => (rest, true),
            None => (&answer[..], answer.is_empty()),
        };
        if writer.write_all(answer).is_err() || close {
            return;
        }
        let lower = String::from_utf8_lossy(answer).to_ascii_lowercase();
        if lower.contains("connection: close") {
            return;
        }
    }
}

/// Reads a chunked request body (streamed uploads) into `body`.
fn read_chunked(reader: &mut impl BufRead, body: &mut Vec<u8>) -> std::io::Result<()> {
    let bad = || std::io::Error::new(std::io::ErrorKind::InvalidData, "bad chunk");
    loop {
        let mut size = String::new();
        reader.read_line(&mut size)?;
        let size = size.trim_end().split(';').next().unwrap_or("");
        let size = usize::from_str_radix(size, 16).map_err(|_| bad())?;
        let start = body.len();
        body.resize(start + size, 0);
        reader.read_exact(&mut body[start..])?;
        let mut crlf = String::new();
        reader.read_line(&mut crlf)?;
        if size == 0 {
            // Trailers end with an empty line; the line just read was it.
            return Ok(());
        }
    }
}

const CLOSE: &[u8] = b"\0<close>";

/// `answer`, after which the fake engine closes the connection.
pub(crate) fn then_close(mut answer: Vec<u8>) -> Vec<u8> {
    answer.extend_from_slice(CLOSE);
    answer
}

/// A JSON response with Content-Length and the engine's usual headers.
pub(crate) fn json(status: u16, body: &str) -> Vec<u8> {
    format!(
        "HTTP/1.1 {status} X\r\nApi-Version: 1.41\r\nContent-Type: application/json\r\nOstype: linux\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    )
    .into_bytes()
}

/// The same, chunked in pieces of `size` bytes.
pub(crate) fn json_chunked(status: u16, body: &str, size: usize) -> Vec<u8> {
    let mut out = format!(
        "HTTP/1.1 {status} X\r\nApi-Version: 1.41\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
    )
    .into_bytes();
    for piece in body.as_bytes().chunks(size.max(1)) {
        out.extend_from_slice(format!("{:x}\r\n", piece.len()).as_bytes());
        out.extend_from_slice(piece);
        out.extend_from_slice(b"\r\n");
    }
    out.extend_from_slice(b"0\r\n\r\n");
    out
}

/// A ping answer advertising `version` (no header when `None`).
pub(crate) fn ping(version: Option<&str>) -> Vec<u8> {
    let header = version.map_or(String::new(), |v| format!("Api-Version: {v}\r\n"));
    format!("HTTP/1.1 200 OK\r\n{header}Ostype: linux\r\nDocker-Experimental: false\r\nContent-Length: 0\r\n\r\n").into_bytes()
}

/// 204 No Content.
pub(crate) fn no_content() -> Vec<u8> {
    b"HTTP/1.1 204 No Content\r\nApi-Version: 1.41\r\n\r\n".to_vec()
}
