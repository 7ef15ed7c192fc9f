//! docker-wire, the sans-IO codec, driven on a plain `poll(2)` loop: no tokio, no
//! docker-transport, no thread. This is the whole client a runtime needs to bring: a
//! socket, a buffer it owns, and a loop that does the IO the codec waits for.
//!
//! ```text
//! cargo run -p docker-client --example wire_poll
//! ```
//!
//! It connects to `DOCKER_HOST` (a `unix://` path, else `/var/run/docker.sock`), sends
//! `GET /_ping` and `GET /version` on one keep-alive connection, and prints each status,
//! the body and whether the connection could be reused. Every wait is bounded by a
//! deadline; the time is read here, by the caller, never by the codec.

use std::error::Error;
use std::io::{ErrorKind, Read, Write};
use std::os::unix::net::UnixStream;
use std::time::{Duration, Instant};

use docker_wire::{ClientConn, Event, Limits, Method, RequestHead};
use rustix::event::{poll, PollFd, PollFlags, Timespec};

/// How long one exchange may take.
const DEADLINE: Duration = Duration::from_secs(10);

fn main() -> Result<(), Box<dyn Error>> {
    let host = std::env::var("DOCKER_HOST").unwrap_or_default();
    let path = host
        .strip_prefix("unix://")
        .unwrap_or("/var/run/docker.sock");
    let mut socket = UnixStream::connect(path)?;
    socket.set_nonblocking(true)?;
    // Bytes read but not consumed yet: they stay for the next exchange.
    let mut input = Vec::new();
    for target in ["/_ping", "/version"] {
        let deadline = Instant::now() + DEADLINE;
        let (status, body, reusable) = exchange(&mut socket, &mut input, target, deadline)?;
        println!("GET {target} {status} reusable={reusable}");
        println!("{}", String::from_utf8_lossy(&body));
        if !reusable {
            break; // The engine closes: a next request needs a new connection.
        }
    }
    Ok(())
}

/// One request and its whole response: the status, the body, and whether the connection
/// may carry another exchange.
fn exchange(
    socket: &mut UnixStream,
    input: &mut Vec<u8>,
    target: &str,
    deadline: Instant,
) -> Result<(u16, Vec<u8>, bool), Box<dyn Error>> {
    let mut conn = ClientConn::new(Limits::default());
    let mut output = Vec::new();
    conn.send_request(
        &RequestHead::new(Method::Get, target, "docker"),
        &mut output,
    )?;
    let mut written = 0;
    while written < output.len() {
        wait(socket, PollFlags::OUT, deadline)?;
        match socket.write(&output[written..]) {
            Ok(n) => written += n,
            Err(e) if e.kind() == ErrorKind::WouldBlock => {}
            Err(e) => return Err(e.into()),
        }
    }
    let (mut status, mut body) = (0, Vec::new());
    loop {
        let decoded = conn.decode(input)?;
        let consumed = decoded.consumed;
        match decoded.event {
            Event::NeedData => {
                if read_more(socket, input, deadline)? == 0 {
                    conn.handle_eof()?; // a response cut short is an error here
                    return Ok((status, body, false));
                }
            }
            Event::Head(head) => status = head.status,
            Event::Body(bytes) => body.extend_from_slice(bytes),
            Event::End { reusable } => {
                input.drain(..consumed);
                return Ok((status, body, reusable));
            }
            Event::Upgraded => return Err("the engine upgraded a plain GET".into()),
        }
        input.drain(..consumed);
    }
}

/// Reads what the socket has into `input`: the byte count, 0 at the end of the stream.
fn read_more(
    socket: &mut UnixStream,
    input: &mut Vec<u8>,
    deadline: Instant,
) -> Result<usize, Box<dyn Error>> {
    let mut chunk = [0u8; 16 * 1024];
    loop {
        wait(socket, PollFlags::IN, deadline)?;
        match socket.read(&mut chunk) {
            Ok(n) => {
                input.extend_from_slice(&chunk[..n]);
                return Ok(n);
            }
            Err(e) if e.kind() == ErrorKind::WouldBlock => {}
            Err(e) => return Err(e.into()),
        }
    }
}

/// `poll(2)` until the socket is ready for `what`, or the deadline passes.
fn wait(socket: &UnixStream, what: PollFlags, deadline: Instant) -> Result<(), Box<dyn Error>> {
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return Err("the engine did not answer in time".into());
        }
        let timeout = Timespec::try_from(left)?;
        let mut fds = [PollFd::new(socket, what)];
        match poll(&mut fds, Some(&timeout)) {
            Ok(0) => {}
            Ok(_) => return Ok(()),
            Err(rustix::io::Errno::INTR) => {}
            Err(e) => return Err(e.into()),
        }
    }
}
