//! The floor: the least a client can do over the same socket.
//!
//! One `UnixStream` per worker, kept alive; the request is written as pre-formatted bytes;
//! the head is read until its blank line and only `Content-Length` and
//! `Transfer-Encoding: chunked` are looked at; the body is handed on in place, from one
//! 64 KiB buffer. No JSON is decoded: events are counted as lines, logs as the payload
//! bytes of their 8-byte-headed frames. Anything unexpected is an error, not a recovery.

use std::io::{self, Read, Write};
use std::os::unix::net::UnixStream;

use super::{thread_schedstat, Clock, Sample, Setup};

/// The read size, the same as the project's transport.
const READ_SIZE: usize = 64 * 1024;

/// One keep-alive connection and its read buffer.
pub(crate) struct Conn {
    stream: UnixStream,
    buf: Vec<u8>,
    start: usize,
    end: usize,
}

impl Conn {
    pub(crate) fn connect(path: &str) -> io::Result<Conn> {
        Ok(Conn {
            stream: UnixStream::connect(path)?,
            buf: vec![0; READ_SIZE],
            start: 0,
            end: 0,
        })
    }

    /// Reads more bytes after the unconsumed ones; EOF is an error.
    fn fill(&mut self) -> io::Result<()> {
        if self.start == self.end {
            self.start = 0;
            self.end = 0;
        } else if self.buf.len() - self.end < 4096 {
            self.buf.copy_within(self.start..self.end, 0);
            self.end -= self.start;
            self.start = 0;
            if self.end == self.buf.len() {
                return Err(invalid("a head or chunk line longer than the buffer"));
            }
        }
        let n = self.stream.read(&mut self.buf[self.end..])?;
        if n == 0 {
            return Err(io::Error::new(
                io::ErrorKind::UnexpectedEof,
                "the engine closed the connection",
            ));
        }
        self.end += n;
        Ok(())
    }

    /// Position just past the first `needle` in the unconsumed bytes, reading as needed.
    fn until(&mut self, needle: &[u8]) -> io::Result<usize> {
        let mut from = self.start;
        loop {
            if let Some(at) = find(&self.buf[from..self.end], needle) {
                return Ok(from + at + needle.len());
            }
            let searched = self.end.saturating_sub(needle.len() - 1).max(self.start) - self.start;
            self.fill()?;
            from = self.start + searched;
        }
    }

    /// Sends `request` and hands the body to `sink` as it arrives. `head_only` for HEAD.
    /// Returns the status code.
    pub(crate) fn exchange(
        &mut self,
        request: &[u8],
        head_only: bool,
        sink: &mut dyn FnMut(&[u8]),
    ) -> io::Result<u16> {
        self.stream.write_all(request)?;
        let head_end = self.until(b"\r\n\r\n")?;
        let head = &self.buf[self.start..head_end];
        let status = head
            .get(9..12)
            .and_then(|s| std::str::from_utf8(s).ok())
            .and_then(|s| s.parse().ok())
            .ok_or_else(|| invalid("bad status line"))?;
        let mut length = None;
        let mut chunked = false;
        for line in head.split(|&b| b == b'\n').skip(1) {
            let Some(colon) = line.iter().position(|&b| b == b':') else {
                continue;
            };
            let (name, value) = (&line[..colon], trim(&line[colon + 1..]));
            if name.eq_ignore_ascii_case(b"content-length") {
                length = Some(parse_dec(value)?);
            } else if name.eq_ignore_ascii_case(b"transfer-encoding") {
                chunked = value.eq_ignore_ascii_case(b"chunked");
            }
        }
        self.start = head_end;
        if head_only || status == 204 || status == 304 {
            return Ok(status);
        }
        if chunked {
            loop {
                let line_end = self.until(b"\r\n")?;
                let size = parse_hex(&self.buf[self.start..line_end - 2])?;
                self.start = line_end;
                if size == 0 {
                    // No trailers from the engine: the last CRLF ends the body.
                    let end = self.until(b"\r\n")?;
                    self.start = end;
                    break;
                }
                self.body(size, sink)?;
                let end = self.until(b"\r\n")?;
                if end != self.start + 2 {
                    return Err(invalid("chunk not followed by CRLF"));
                }
                self.start = end;
            }
        } else {
            let length = length.ok_or_else(|| invalid("neither length nor chunked"))?;
            self.body(length, sink)?;
        }
        Ok(status)
    }

    /// Hands `n` body bytes to `sink`, in place.
    fn body(&mut self, mut n: u64, sink: &mut dyn FnMut(&[u8])) -> io::Result<()> {
        while n > 0 {
            if self.start == self.end {
                self.fill()?;
            }
            let take = (self.end - self.start).min(n.try_into().unwrap_or(usize::MAX));
            sink(&self.buf[self.start..self.start + take]);
            self.start += take;
            n -= take as u64;
        }
        Ok(())
    }

    /// A GET whose body must come with a 200; its byte count.
    fn get(&mut self, request: &[u8], sink: &mut dyn FnMut(&[u8])) -> io::Result<()> {
        match self.exchange(request, false, sink)? {
            200 => Ok(()),
            status => Err(invalid(&format!("HTTP {status}"))),
        }
    }
}

/// Counts the payload bytes of multiplexed frames, streamed in any pieces.
#[derive(Debug, Default)]
pub(crate) struct Frames {
    header: [u8; 8],
    have: usize,
    remaining: u64,
    stream: u8,
    pub(crate) stdout: u64,
    pub(crate) stderr: u64,
    pub(crate) frames: u64,
}

impl Frames {
    pub(crate) fn feed(&mut self, mut bytes: &[u8]) {
        while !bytes.is_empty() {
            if self.remaining == 0 {
                let take = (8 - self.have).min(bytes.len());
                self.header[self.have..self.have + take].copy_from_slice(&bytes[..take]);
                self.have += take;
                bytes = &bytes[take..];
                if self.have == 8 {
                    self.have = 0;
                    self.stream = self.header[0];
                    let size = u32::from_be_bytes(self.header[4..8].try_into().unwrap());
                    self.remaining = u64::from(size);
                    self.frames += 1;
                }
                continue;
            }
            let take = bytes
                .len()
                .min(self.remaining.try_into().unwrap_or(usize::MAX));
            match self.stream {
                2 => self.stderr += take as u64,
                _ => self.stdout += take as u64,
            }
            self.remaining -= take as u64;
            bytes = &bytes[take..];
        }
    }
}

fn request(method: &str, target: &str) -> Vec<u8> {
    format!("{method} {target} HTTP/1.1\r\nHost: docker\r\n\r\n").into_bytes()
}

/// One timed run of `scenario`.
pub(crate) fn run(scenario: &str, setup: &Setup, ops: u64) -> Result<Sample, String> {
    let v = &setup.api;
    let err = |e: io::Error| format!("floor {scenario}: {e}");
    let mut conn = Conn::connect(match scenario {
        "fake-logs" => &setup.fake_socket,
        _ => &setup.socket,
    })
    .map_err(err)?;
    let workers = setup.workers.max(1);
    let mut ended = (0, 0);
    let mut sample = Sample::default();
    let mut bytes = 0u64;
    let mut count = |b: &[u8]| bytes += b.len() as u64;
    // Warm-up: one request, so that no run pays for the engine's first answer.
    let ping = request("HEAD", "/_ping");
    conn.exchange(&ping, true, &mut count).map_err(err)?;
    let clock;
    match scenario {
        "ping" => {
            clock = Clock::start();
            for _ in 0..ops {
                conn.exchange(&ping, true, &mut |_| ()).map_err(err)?;
            }
        }
        "transport" => {
            let req = request("GET", "/_ping");
            clock = Clock::start();
            for _ in 0..ops {
                conn.get(&req, &mut count).map_err(err)?;
            }
        }
        "version" => {
            let req = request("GET", &format!("/v{v}/version"));
            clock = Clock::start();
            for _ in 0..ops {
                conn.get(&req, &mut count).map_err(err)?;
            }
        }
        "list" => {
            let filter = Setup::label_filter(&setup.list_label);
            let req = request(
                "GET",
                &format!("/v{v}/containers/json?all=1&filters={filter}"),
            );
            clock = Clock::start();
            for _ in 0..ops {
                let mut ids = Needle::new(b"\"Id\"");
                conn.get(&req, &mut |b| ids.feed(b)).map_err(err)?;
                let ids = ids.count;
                if ids != setup.list_count {
                    return Err(format!(
                        "floor list: {ids} containers, not {}",
                        setup.list_count
                    ));
                }
                sample.items += ids as u64;
            }
        }
        "inspect" => {
            let reqs = inspect_requests(setup);
            clock = Clock::start();
            for i in 0..ops as usize {
                conn.get(&reqs[setup.inspect_index(0, i)], &mut count)
                    .map_err(err)?;
            }
        }
        "events" => {
            let filter = Setup::label_filter(&setup.events_label);
            let req = request(
                "GET",
                &format!(
                    "/v{v}/events?since={}&until={}&filters={filter}",
                    setup.events_since, setup.events_until
                ),
            );
            let mut lines = 0u64;
            clock = Clock::start();
            for _ in 0..ops {
                conn.get(&req, &mut |b| lines += count_byte(b, b'\n'))
                    .map_err(err)?;
            }
            sample.items = lines;
        }
        "logs" | "fake-logs" => {
            let (id, expected) = match scenario {
                "logs" => (&setup.logs_id, setup.logs_payload),
                _ => (&setup.fake_id, setup.fake_payload),
            };
            let req = request(
                "GET",
                &format!("/v{v}/containers/{id}/logs?stdout=1&stderr=1"),
            );
            clock = Clock::start();
            for _ in 0..ops {
                let mut frames = Frames::default();
                conn.get(&req, &mut |b| frames.feed(b)).map_err(err)?;
                let got = frames.stdout + frames.stderr;
                if got != expected {
                    return Err(format!(
                        "floor {scenario}: {got} payload bytes, not {expected}"
                    ));
                }
                sample.bytes += got;
                sample.items += frames.frames;
            }
        }
        "concurrent" => {
            let reqs = inspect_requests(setup);
            let mut conns = Vec::new();
            for _ in 0..workers {
                let mut c = Conn::connect(&setup.socket).map_err(err)?;
                c.exchange(&ping, true, &mut |_| ()).map_err(err)?;
                conns.push(c);
            }
            let per_worker = ops as usize / workers;
            clock = Clock::start();
            std::thread::scope(|s| {
                let handles: Vec<_> = conns
                    .into_iter()
                    .enumerate()
                    .map(|(w, mut c)| {
                        let reqs = &reqs;
                        s.spawn(move || {
                            let res = (0..per_worker).try_for_each(|i| {
                                c.get(&reqs[setup.inspect_index(w, i)], &mut |_| ())
                            });
                            (res, thread_schedstat())
                        })
                    })
                    .collect();
                handles.into_iter().try_for_each(|h| {
                    let (res, (cpu, wait)) = h.join().expect("a worker panicked");
                    ended.0 += cpu;
                    ended.1 += wait;
                    res
                })
            })
            .map_err(err)?;
            sample.ops = (per_worker * workers) as u64;
        }
        other => return Err(format!("unknown scenario `{other}`")),
    }
    clock.stop(&mut sample, ended);
    if sample.ops == 0 {
        sample.ops = ops;
    }
    if sample.items == 0 {
        sample.items = sample.ops;
    }
    Ok(sample)
}

fn inspect_requests(setup: &Setup) -> Vec<Vec<u8>> {
    setup
        .ids
        .iter()
        .map(|id| request("GET", &format!("/v{}/containers/{id}/json", setup.api)))
        .collect()
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

fn count_byte(haystack: &[u8], byte: u8) -> u64 {
    haystack.iter().filter(|&&c| c == byte).count() as u64
}

/// Counts a needle in a body that arrives in pieces, matches across pieces included.
struct Needle {
    needle: &'static [u8],
    tail: Vec<u8>,
    count: usize,
}

impl Needle {
    fn new(needle: &'static [u8]) -> Needle {
        Needle {
            needle,
            tail: Vec::new(),
            count: 0,
        }
    }

    fn feed(&mut self, piece: &[u8]) {
        let keep = self.needle.len() - 1;
        // Matches that start in the tail of the previous piece.
        let mut seam = std::mem::take(&mut self.tail);
        seam.extend_from_slice(&piece[..piece.len().min(keep)]);
        self.count += seam
            .windows(self.needle.len())
            .filter(|w| *w == self.needle)
            .count();
        self.count += piece
            .windows(self.needle.len())
            .filter(|w| *w == self.needle)
            .count();
        self.tail = if piece.len() >= keep {
            piece[piece.len() - keep..].to_vec()
        } else {
            // `seam` holds the old tail and the whole piece.
            seam[seam.len().saturating_sub(keep)..].to_vec()
        };
    }
}

fn trim(mut s: &[u8]) -> &[u8] {
    while let [b' ' | b'\t' | b'\r', rest @ ..] = s {
        s = rest;
    }
    while let [rest @ .., b' ' | b'\t' | b'\r'] = s {
        s = rest;
    }
    s
}

fn parse_dec(s: &[u8]) -> io::Result<u64> {
    std::str::from_utf8(s)
        .ok()
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| invalid("bad Content-Length"))
}

fn parse_hex(s: &[u8]) -> io::Result<u64> {
    let digits = s.split(|&b| b == b';').next().unwrap_or(s);
    std::str::from_utf8(trim(digits))
        .ok()
        .and_then(|s| u64::from_str_radix(s, 16).ok())
        .ok_or_else(|| invalid("bad chunk size"))
}

fn invalid(msg: &str) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, msg.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::net::UnixListener;

    #[test]
    fn frames_count_across_any_split() {
        let mut wire = Vec::new();
        for (stream, data) in [(1u8, &b"hello"[..]), (2, b"err"), (1, b"")] {
            wire.extend_from_slice(&[stream, 0, 0, 0]);
            wire.extend_from_slice(&(data.len() as u32).to_be_bytes());
            wire.extend_from_slice(data);
        }
        for split in 0..wire.len() {
            let mut f = Frames::default();
            f.feed(&wire[..split]);
            f.feed(&wire[split..]);
            assert_eq!(
                (f.stdout, f.stderr, f.frames),
                (5, 3, 3),
                "split at {split}"
            );
        }
    }

    #[test]
    fn needle_counts_across_pieces() {
        let text = b"x\"Id\"y\"Id\"\"Id\"z";
        for a in 0..text.len() {
            for b in a..text.len() {
                let mut n = Needle::new(b"\"Id\"");
                n.feed(&text[..a]);
                n.feed(&text[a..b]);
                n.feed(&text[b..]);
                assert_eq!(n.count, 3, "pieces at {a} and {b}");
            }
        }
    }

    #[test]
    fn exchange_reads_length_and_chunked_bodies_on_one_connection() {
        let dir = std::env::temp_dir().join(format!("floor-{}", std::process::id()));
        let _ = std::fs::remove_file(&dir);
        let listener = UnixListener::bind(&dir).unwrap();
        let server = std::thread::spawn(move || {
            let (mut s, _) = listener.accept().unwrap();
            let mut buf = [0; 1024];
            for answer in [
                &b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nOK"[..],
                b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n2;x\r\nde\r\n0\r\n\r\n",
                b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n",
            ] {
                let _ = s.read(&mut buf).unwrap();
                s.write_all(answer).unwrap();
            }
        });
        let mut c = Conn::connect(dir.to_str().unwrap()).unwrap();
        let mut body = Vec::new();
        c.get(b"GET / HTTP/1.1\r\n\r\n", &mut |b| {
            body.extend_from_slice(b)
        })
        .unwrap();
        c.get(b"GET / HTTP/1.1\r\n\r\n", &mut |b| {
            body.extend_from_slice(b)
        })
        .unwrap();
        assert_eq!(body, b"OKabcde");
        assert_eq!(
            c.exchange(b"HEAD / HTTP/1.1\r\n\r\n", true, &mut |_| ())
                .unwrap(),
            200
        );
        server.join().unwrap();
        let _ = std::fs::remove_file(&dir);
    }
}
