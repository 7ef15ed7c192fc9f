//! Just enough HTTP/1.1 over a Unix socket to drive a local engine, framed by docker-wire's
//! client codec.
//!
//! One connection per request, dropped once the response ended; the body is collected
//! whole. This is tooling, not the project's client: no pooling, no streaming.

use std::io::{self, Read, Write};
use std::os::unix::net::UnixStream;
use std::path::Path;
use std::time::Duration;

use docker_wire::{BodyKind, ClientConn, Event, Limits, Method, RequestHead};

/// A complete response: status code and decoded body.
#[derive(Debug)]
pub(crate) struct Response {
    pub(crate) status: u16,
    pub(crate) body: Vec<u8>,
}

impl Response {
    pub(crate) fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

/// `GET path`, giving up after `timeout` of silence.
pub(crate) fn get(socket: &Path, path: &str, timeout: Duration) -> io::Result<Response> {
    request(socket, "GET", path, None, timeout)
}

/// Sends one request; `body` is `(content type, bytes)`.
pub(crate) fn request(
    socket: &Path,
    method: &str,
    path: &str,
    body: Option<(&str, &[u8])>,
    timeout: Duration,
) -> io::Result<Response> {
    let method = Method::parse(method).ok_or_else(|| invalid(format!("method {method}")))?;
    let content_type;
    let (headers, kind): (&[(&str, &str)], _) = match body {
        Some((ct, bytes)) => {
            content_type = [("Content-Type", ct)];
            (&content_type, BodyKind::Length(bytes.len() as u64))
        }
        None => (&[], BodyKind::None),
    };
    let head = RequestHead::new(method, path, "docker")
        .headers(headers)
        .body(kind);
    let mut conn = ClientConn::new(Limits::default());
    let mut out = Vec::new();
    conn.send_request(&head, &mut out).map_err(invalid)?;
    if let Some((_, bytes)) = body {
        conn.send_body(bytes, &mut out).map_err(invalid)?;
    }
    conn.finish_body(&mut out).map_err(invalid)?;

    let mut stream = UnixStream::connect(socket)?;
    stream.set_read_timeout(Some(timeout))?;
    stream.set_write_timeout(Some(timeout))?;
    stream.write_all(&out)?;
    read_response(&mut conn, &mut stream)
}

/// Reads the response `conn` expects from `stream`, until the codec says it ended.
fn read_response(conn: &mut ClientConn, stream: &mut impl Read) -> io::Result<Response> {
    let mut buf = Vec::new();
    let mut start = 0;
    let mut chunk = vec![0; 64 * 1024];
    let mut res = Response {
        status: 0,
        body: Vec::new(),
    };
    loop {
        let decoded = conn.decode(&buf[start..]).map_err(invalid)?;
        let consumed = decoded.consumed;
        match decoded.event {
            Event::NeedData => {
                buf.drain(..start + consumed);
                start = 0;
                let n = stream.read(&mut chunk)?;
                if n == 0 {
                    // A body delimited by the close ends here; anything else is truncated.
                    conn.handle_eof().map_err(invalid)?;
                    return Ok(res);
                }
                buf.extend_from_slice(&chunk[..n]);
                continue;
            }
            Event::Head(head) => res.status = head.status,
            Event::Body(bytes) => res.body.extend_from_slice(bytes),
            Event::End { .. } | Event::Upgraded => return Ok(res),
        }
        start += consumed;
    }
}

fn invalid(e: impl std::fmt::Display) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(raw: &[u8]) -> io::Result<Response> {
        let mut conn = ClientConn::new(Limits::default());
        let head = RequestHead::new(Method::Get, "/x", "docker");
        conn.send_request(&head, &mut Vec::new()).unwrap();
        read_response(&mut conn, &mut Bytewise(raw))
    }

    /// A stream that gives one byte per read, as the slowest socket would.
    struct Bytewise<'a>(&'a [u8]);

    impl Read for Bytewise<'_> {
        fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
            let Some((&first, rest)) = self.0.split_first() else {
                return Ok(0);
            };
            out[0] = first;
            self.0 = rest;
            Ok(1)
        }
    }

    #[test]
    fn a_content_length_body_ends_at_its_length() {
        let resp = parse(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nOKextra").unwrap();
        assert_eq!(resp.status, 200);
        assert_eq!(resp.body, b"OK");
    }

    #[test]
    fn a_chunked_body_is_dechunked() {
        let raw = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n2;x=y\r\nde\r\n0\r\n\r\n";
        assert_eq!(parse(raw).unwrap().body, b"abcde");
    }

    #[test]
    fn a_body_without_framing_ends_with_the_connection() {
        let resp = parse(b"HTTP/1.1 404 Not Found\r\n\r\nnope").unwrap();
        assert_eq!(resp.status, 404);
        assert_eq!(resp.body, b"nope");
    }

    #[test]
    fn a_truncated_response_is_an_error() {
        let err = parse(b"HTTP/1.1 200 OK\r\nContent-").unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::InvalidData);
        assert!(parse(b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nab").is_err());
    }

    #[test]
    fn a_request_is_written_with_its_length_and_type() {
        let listener_dir = std::env::temp_dir().join(format!("xtask-http-{}", std::process::id()));
        std::fs::create_dir_all(&listener_dir).unwrap();
        let socket = listener_dir.join("s.sock");
        let _ = std::fs::remove_file(&socket);
        let listener = std::os::unix::net::UnixListener::bind(&socket).unwrap();
        let server = std::thread::spawn(move || {
            let (mut conn, _) = listener.accept().unwrap();
            let mut got = Vec::new();
            let mut chunk = [0; 256];
            while !got.ends_with(b"{}") {
                let n = conn.read(&mut chunk).unwrap();
                got.extend_from_slice(&chunk[..n]);
            }
            conn.write_all(b"HTTP/1.1 201 Created\r\nContent-Length: 0\r\n\r\n")
                .unwrap();
            got
        });
        let resp = request(
            &socket,
            "POST",
            "/containers/create",
            Some(("application/json", b"{}")),
            Duration::from_secs(5),
        )
        .unwrap();
        assert_eq!(resp.status, 201);
        assert_eq!(
            server.join().unwrap(),
            b"POST /containers/create HTTP/1.1\r\nHost: docker\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}"
        );
        let _ = std::fs::remove_dir_all(&listener_dir);
    }
}
