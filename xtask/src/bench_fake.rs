//! A fake engine that serves container logs at memory speed, so that the client is the
//! bottleneck and not the daemon.
//!
//! It runs in a process of its own (`xtask bench --fake-engine SOCKET`), a thread per
//! connection, keep-alive. It answers `/_ping` and `/version` as an API 1.41 engine would,
//! and `GET .../containers/fake-<N>/logs` with `N` bytes of multiplexed frames:
//! [`FRAME`]-byte frames (8-byte header and payload), every eighth on stderr, sent as
//! chunks of [`FRAMES_PER_CHUNK`] frames with `Content-Type:
//! application/vnd.docker.multiplexed-stream`. The chunks are built once; serving is a
//! loop of `write_all` of a pre-built block.

use std::io::{self, Read, Write};
use std::os::unix::net::{UnixListener, UnixStream};
use std::path::Path;
use std::sync::Arc;

/// Bytes per frame, header included.
pub(crate) const FRAME: usize = 4096;
/// Frames per HTTP chunk: 64 KiB chunks.
pub(crate) const FRAMES_PER_CHUNK: usize = 16;
/// Chunks per pre-built block.
const CHUNKS_PER_BLOCK: usize = 16;
/// Every this-many-th frame is on stderr.
const STDERR_EVERY: usize = 8;

const CHUNK: usize = FRAME * FRAMES_PER_CHUNK;

/// Payload bytes (frame bytes minus headers) in `bytes` of frames.
pub(crate) fn payload_bytes(bytes: u64) -> u64 {
    bytes / FRAME as u64 * (FRAME as u64 - 8)
}

/// One block: [`CHUNKS_PER_BLOCK`] chunks of frames, each with its chunk-size line.
fn block() -> Vec<u8> {
    let line: &[u8] =
        b"2026-11-28T12:00:00.000000000Z level=info msg=\"a log line of the fake engine\"\n";
    let mut out = Vec::with_capacity(CHUNKS_PER_BLOCK * (CHUNK + 16));
    let mut frame_no = 0;
    for _ in 0..CHUNKS_PER_BLOCK {
        out.extend_from_slice(format!("{CHUNK:x}\r\n").as_bytes());
        for _ in 0..FRAMES_PER_CHUNK {
            let stream = if frame_no % STDERR_EVERY == STDERR_EVERY - 1 {
                2
            } else {
                1
            };
            frame_no += 1;
            let payload = FRAME - 8;
            out.extend_from_slice(&[stream, 0, 0, 0]);
            out.extend_from_slice(&(payload as u32).to_be_bytes());
            out.extend(line.iter().cycle().take(payload));
        }
        out.extend_from_slice(b"\r\n");
    }
    out
}

/// Listens on `socket` until killed.
pub(crate) fn serve(socket: &Path) -> Result<(), String> {
    let _ = std::fs::remove_file(socket);
    let listener = UnixListener::bind(socket).map_err(|e| format!("{}: {e}", socket.display()))?;
    let block = Arc::new(block());
    for stream in listener.incoming() {
        let Ok(stream) = stream else { continue };
        let block = block.clone();
        std::thread::spawn(move || {
            let _ = connection(stream, &block);
        });
    }
    Ok(())
}

fn connection(mut stream: UnixStream, block: &[u8]) -> io::Result<()> {
    let mut buf = vec![0u8; 8192];
    let mut have = 0;
    loop {
        let end = loop {
            if let Some(at) = buf[..have].windows(4).position(|w| w == b"\r\n\r\n") {
                break at + 4;
            }
            if have == buf.len() {
                return Ok(());
            }
            let n = stream.read(&mut buf[have..])?;
            if n == 0 {
                return Ok(());
            }
            have += n;
        };
        let head = String::from_utf8_lossy(&buf[..end]).into_owned();
        buf.copy_within(end..have, 0);
        have -= end;
        let mut words = head.split(' ');
        let method = words.next().unwrap_or("");
        let target = words.next().unwrap_or("");
        let path = target.split('?').next().unwrap_or("");
        respond(&mut stream, method, path, block)?;
        if head
            .to_ascii_lowercase()
            .contains("\r\nconnection: close\r\n")
        {
            return Ok(());
        }
    }
}

const COMMON: &str = "Api-Version: 1.41\r\nDocker-Experimental: false\r\nOstype: linux\r\nServer: Docker/20.10.24 (linux)\r\n";

fn respond(stream: &mut UnixStream, method: &str, path: &str, block: &[u8]) -> io::Result<()> {
    let unversioned = match path.strip_prefix("/v") {
        Some(rest) => rest.find('/').map_or(path, |at| &rest[at..]),
        None => path,
    };
    if unversioned == "/_ping" {
        let body = if method == "HEAD" { "" } else { "OK" };
        let head = format!(
            "HTTP/1.1 200 OK\r\n{COMMON}Content-Type: text/plain; charset=utf-8\r\nContent-Length: 2\r\n\r\n{body}"
        );
        return stream.write_all(head.as_bytes());
    }
    if unversioned == "/version" {
        let body = r#"{"Platform":{"Name":"fake"},"Version":"20.10.24","ApiVersion":"1.41","MinAPIVersion":"1.12","GitCommit":"fake","GoVersion":"go1.19","Os":"linux","Arch":"amd64","KernelVersion":"6","BuildTime":"2026-01-01T00:00:00.000000000+00:00"}"#;
        let head = format!(
            "HTTP/1.1 200 OK\r\n{COMMON}Content-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
            body.len()
        );
        return stream.write_all(head.as_bytes());
    }
    let logs = unversioned
        .strip_prefix("/containers/fake-")
        .and_then(|rest| rest.strip_suffix("/logs"))
        .and_then(|n| n.parse::<u64>().ok());
    let Some(bytes) = logs.filter(|_| method == "GET") else {
        let body = format!("{{\"message\":\"no such thing in the fake engine: {path}\"}}");
        let head = format!(
            "HTTP/1.1 404 Not Found\r\n{COMMON}Content-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
            body.len()
        );
        return stream.write_all(head.as_bytes());
    };
    let head = format!(
        "HTTP/1.1 200 OK\r\n{COMMON}Content-Type: application/vnd.docker.multiplexed-stream\r\nTransfer-Encoding: chunked\r\n\r\n"
    );
    stream.write_all(head.as_bytes())?;
    let mut chunks = bytes / CHUNK as u64;
    let chunk_len = block.len() / CHUNKS_PER_BLOCK;
    while chunks > 0 {
        let n = chunks.min(CHUNKS_PER_BLOCK as u64) as usize;
        stream.write_all(&block[..n * chunk_len])?;
        chunks -= n as u64;
    }
    stream.write_all(b"0\r\n\r\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn block_is_whole_chunks_of_whole_frames() {
        let block = block();
        assert_eq!(block.len() % CHUNKS_PER_BLOCK, 0);
        let chunk = &block[..block.len() / CHUNKS_PER_BLOCK];
        assert!(chunk.starts_with(b"10000\r\n"));
        assert!(chunk.ends_with(b"\r\n"));
        let mut frames = super::super::floor::Frames::default();
        frames.feed(&chunk[7..chunk.len() - 2]);
        assert_eq!(frames.frames, FRAMES_PER_CHUNK as u64);
        assert_eq!(frames.stderr, 2 * (FRAME as u64 - 8));
        assert_eq!(payload_bytes(CHUNK as u64), frames.stdout + frames.stderr);
    }
}
