//! The shared driver without sockets: a scripted flavour answers each want, moves its clock
//! by hand, and logs what was wanted, so each test reads as a transcript.
//!
//! The script plays both the flavour and the engine. It reads the real clock once, for an
//! origin; every `now` after that is the origin plus the time the script says each IO took.

use std::collections::VecDeque;
use std::io::{self, Read};
use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::drive::{Call, Pull, Target, Want};
use crate::exchange::{Exchange, Shared};
use crate::pool::{Conn, Pool, Socket};
use crate::{Body, Config, Endpoint, Error, Method, Request, Timeouts};

/// A socket that does nothing: the script answers for it. It counts liveness probes.
#[derive(Debug)]
struct Fake {
    id: usize,
    probes: Arc<AtomicUsize>,
}

impl Socket for Fake {
    fn is_alive(&mut self) -> bool {
        self.probes.fetch_add(1, Ordering::SeqCst);
        true
    }

    fn is_private(&self) -> bool {
        true
    }

    fn is_aborted(&self) -> bool {
        false
    }
}

/// A request body that yields its pieces one read at a time.
#[derive(Debug, Default)]
struct Pieces(VecDeque<&'static [u8]>);

impl Read for Pieces {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let Some(piece) = self.0.pop_front() else {
            return Ok(0);
        };
        buf[..piece.len()].copy_from_slice(piece);
        Ok(piece.len())
    }
}

/// What the script answers to the next IO.
#[derive(Debug)]
enum Answer {
    /// To a resolve: these addresses.
    Addrs(&'static [&'static str]),
    /// To a connect: a new socket.
    Open,
    /// To a write: every byte taken.
    Took,
    /// To a write: only the first bytes taken.
    TookPart(usize),
    /// To a read: these bytes.
    Bytes(&'static [u8]),
    /// To a read: the end of the stream.
    Eof,
    /// To anything: this error.
    Fail(io::ErrorKind),
}

/// Each step of a script: how long the IO takes, in milliseconds, and its outcome.
type Script = &'static [(u64, Answer)];

const OK: &[u8] = b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nOK";

/// The scripted flavour.
struct Driver {
    origin: Instant,
    now: Instant,
    script: VecDeque<&'static (u64, Answer)>,
    log: Vec<String>,
    n_sockets: usize,
    probes: Arc<AtomicUsize>,
    shared: Arc<Shared<Fake>>,
}

impl Driver {
    /// A driver for `config` with `n_pooled` connections idle since the origin, starting
    /// `at_ms` after it.
    fn new(config: Config, n_pooled: usize, at_ms: u64, script: Script) -> Driver {
        let origin = Instant::now();
        let mut driver = Driver {
            origin,
            now: origin + Duration::from_millis(at_ms),
            script: script.iter().collect(),
            log: Vec::new(),
            n_sockets: 0,
            probes: Arc::new(AtomicUsize::new(0)),
            shared: Arc::new(Shared::new(config)),
        };
        for _ in 0..n_pooled {
            let conn = Conn::new(driver.socket(), 1024, None);
            driver.shared.pool.put(conn, origin);
        }
        driver
    }

    fn socket(&mut self) -> Fake {
        self.n_sockets += 1;
        Fake {
            id: self.n_sockets,
            probes: self.probes.clone(),
        }
    }

    fn answer(&mut self) -> &'static Answer {
        let (ms, answer) = self.script.pop_front().expect("the script ran out");
        self.now += Duration::from_millis(*ms);
        answer
    }

    fn at(&self, deadline: Option<Instant>) -> String {
        match deadline {
            Some(t) => format!("{}ms", (t - self.origin).as_millis()),
            None => "never".into(),
        }
    }

    /// Sends `request`, logging every want, to the head or an error.
    fn send<R: Read>(&mut self, mut request: Request<R>) -> Result<Exchange<Fake>, Error> {
        let shared = self.shared.clone();
        let mut call = Call::new(&shared, &mut request);
        loop {
            let want = match call.poll_io(self.now) {
                Ok(want) => want,
                Err(e) => {
                    self.log.push(format!("error: {}", describe(&e)));
                    return Err(e);
                }
            };
            match want {
                Want::Resolve {
                    host,
                    port,
                    deadline,
                } => {
                    let line = format!("resolve {host}:{port} by {}", self.at(deadline));
                    self.log.push(line);
                    let res = match self.answer() {
                        Answer::Addrs(addrs) => Ok(addrs
                            .iter()
                            .map(|a| a.parse::<SocketAddr>().unwrap())
                            .collect::<Vec<_>>()
                            .into_iter()),
                        Answer::Fail(kind) => Err(io::Error::from(*kind)),
                        other => panic!("{other:?} answers no resolve"),
                    };
                    call.handle_resolved(res);
                }
                Want::Connect { to, deadline } => {
                    let to = match to {
                        Target::Unix(path) => format!("unix:{}", path.display()),
                        Target::Tcp(addr) => addr.to_string(),
                        Target::Ssh { endpoint, .. } => endpoint.to_string(),
                    };
                    self.log
                        .push(format!("connect {to} by {}", self.at(deadline)));
                    let res = match self.answer() {
                        Answer::Open => Ok(self.socket()),
                        Answer::Fail(kind) => Err(io::Error::from(*kind)),
                        other => panic!("{other:?} answers no connect"),
                    };
                    call.handle_connected(res);
                }
                Want::Write(w) => {
                    let line = format!(
                        "write #{} {} by {}",
                        w.io.id,
                        show(w.bytes),
                        self.at(w.deadline)
                    );
                    self.log.push(line);
                    let res = match self.answer() {
                        Answer::Took => Ok(w.bytes.len()),
                        Answer::TookPart(n) => Ok(*n),
                        Answer::Fail(kind) => Err(io::Error::from(*kind)),
                        other => panic!("{other:?} answers no write"),
                    };
                    call.handle_written(res);
                }
                Want::ReadBody { body, buf } => {
                    let res = body.read(buf);
                    self.log
                        .push(format!("read body {}", res.as_ref().unwrap()));
                    call.handle_body_read(res);
                }
                Want::Read(r) => {
                    let line = format!("read #{} by {}", r.io.id, self.at(r.deadline));
                    self.log.push(line);
                    let res = fill(r.spare, self.answer());
                    call.handle_read(res);
                }
                Want::Head => {
                    let ex = call.into_exchange();
                    self.log.push(format!("head {}", ex.head().status));
                    return Ok(ex);
                }
            }
        }
    }

    /// Does the reads a poll of `ex` asks for, logging them, until it is ready.
    fn pull<T>(
        &mut self,
        ex: &mut Exchange<Fake>,
        mut poll: impl for<'a> FnMut(
            &'a mut Exchange<Fake>,
            Instant,
        ) -> Result<Pull<'a, Fake, T>, Error>,
    ) -> Result<T, Error> {
        loop {
            let read = match poll(ex, self.now) {
                Ok(Pull::Read(read)) => read,
                Ok(Pull::Ready(out)) => return Ok(out),
                Err(e) => {
                    self.log.push(format!("error: {}", describe(&e)));
                    return Err(e);
                }
            };
            let line = format!("read #{} by {}", read.io.id, self.at(read.deadline));
            self.log.push(line);
            let res = fill(read.spare, self.answer());
            ex.handle_read(res);
        }
    }

    /// The next body bytes, logged.
    fn chunk(&mut self, ex: &mut Exchange<Fake>) {
        if let Ok(next) = self.pull(ex, |ex, now| ex.poll_chunk(now, usize::MAX)) {
            let line = match next {
                Some(range) => format!("body {}", show(ex.slice(range))),
                None => "end".to_owned(),
            };
            self.log.push(line);
        }
    }
}

fn fill(spare: &mut [u8], answer: &Answer) -> io::Result<usize> {
    match answer {
        Answer::Bytes(bytes) => {
            spare[..bytes.len()].copy_from_slice(bytes);
            Ok(bytes.len())
        }
        Answer::Eof => Ok(0),
        Answer::Fail(kind) => Err(io::Error::from(*kind)),
        other => panic!("{other:?} answers no read"),
    }
}

/// A request head by its request line, other bytes quoted.
fn show(bytes: &[u8]) -> String {
    let text = String::from_utf8_lossy(bytes);
    match text.find(" HTTP/1.1\r\n") {
        Some(end) => text[..end].to_owned(),
        None => format!("{text:?}"),
    }
}

fn describe(err: &Error) -> String {
    match err {
        Error::Timeout { kind, after, .. } => format!("{kind} timeout after {after:?}"),
        Error::Connect { kind, source, .. } => format!("connect {kind:?}: {source}"),
        Error::Protocol { source, .. } => format!("protocol: {source}"),
        Error::Io { source, .. } => format!("io: {:?}", source.kind()),
        other => format!("{other:?}"),
    }
}

fn unix() -> Config {
    Config::new(Endpoint::Unix("/engine.sock".into()))
}

fn tcp(host: &str) -> Config {
    Config::new(Endpoint::Tcp {
        host: host.into(),
        port: 2375,
    })
}

/// Short deadlines, so that the transcripts read easily.
fn short(mut config: Config) -> Config {
    config.timeouts = Timeouts {
        connect: Some(Duration::from_secs(5)),
        head: Some(Duration::from_secs(1)),
        idle: Some(Duration::from_millis(500)),
        total: None,
    };
    config
}

/// [`short`] deadlines and a total deadline of `ms`.
fn total(config: Config, ms: u64) -> Config {
    let mut config = short(config);
    config.timeouts.total = Some(Duration::from_millis(ms));
    config
}

fn get(target: &str) -> Request<Pieces> {
    Request::new(Method::Get, target)
}

fn check(driver: &Driver, expect: &[&str]) {
    assert_eq!(driver.log.join("\n"), expect.join("\n"));
    assert!(driver.script.is_empty(), "unused: {:?}", driver.script);
}

#[test]
fn a_stale_pooled_connection_is_retried_once_on_a_fresh_one() {
    let script = &[
        (0, Answer::Took),
        (1, Answer::Eof),
        (0, Answer::Open),
        (0, Answer::Took),
        (1, Answer::Bytes(OK)),
    ];
    let mut driver = Driver::new(short(unix()), 1, 100, script);
    assert!(driver.send(get("/_ping")).is_ok());
    check(
        &driver,
        &[
            "write #1 GET /_ping by 1100ms",
            "read #1 by 1100ms",
            "connect unix:/engine.sock by 5101ms",
            "write #2 GET /_ping by 1101ms",
            "read #2 by 1101ms",
            "head 200",
        ],
    );
    // The probe found the pooled connection open: the engine closed it only as it was
    // reused, the race the retry is for.
    assert_eq!(driver.probes.load(Ordering::SeqCst), 1);
}

#[test]
fn the_retry_happens_once() {
    let script = &[
        (0, Answer::Took),
        (1, Answer::Eof),
        (0, Answer::Took),
        (1, Answer::Fail(io::ErrorKind::ConnectionReset)),
    ];
    let mut driver = Driver::new(short(unix()), 2, 100, script);
    assert!(driver.send(get("/_ping")).is_err());
    check(
        &driver,
        &[
            "write #2 GET /_ping by 1100ms",
            "read #2 by 1100ms",
            "write #1 GET /_ping by 1101ms",
            "read #1 by 1101ms",
            "error: io: ConnectionReset",
        ],
    );
    // Both pooled connections were probed, and the retry was not retried.
    assert_eq!(driver.probes.load(Ordering::SeqCst), 2);
}

#[test]
fn only_idempotent_replayable_requests_are_retried() {
    let stale: Script = &[(0, Answer::Took), (1, Answer::Eof)];
    let retried: Script = &[
        (0, Answer::Took),
        (1, Answer::Eof),
        (0, Answer::Open),
        (0, Answer::Took),
        (1, Answer::Bytes(OK)),
    ];
    let bytes = || Request::new(Method::Put, "/x").body(Body::from("tar"));
    let cases: [(&str, Request<Pieces>, Script, &[&str]); 4] = [
        (
            "POST",
            Request::new(Method::Post, "/x"),
            stale,
            &["write #1 POST /x by 1100ms", "read #1 by 1100ms"],
        ),
        (
            "PUT with a body in memory",
            bytes(),
            retried,
            &[
                "write #1 PUT /x by 1100ms",
                "read #1 by 1100ms",
                "connect unix:/engine.sock by 5101ms",
                "write #2 PUT /x by 1101ms",
                "read #2 by 1101ms",
                "head 200",
            ],
        ),
        (
            "PUT with a streamed body",
            Request::new(Method::Put, "/x").body(Body::Reader(Pieces::default())),
            &[(0, Answer::Took), (0, Answer::Took), (1, Answer::Eof)],
            &[
                "write #1 PUT /x by 1100ms",
                "read body 0",
                "write #1 \"0\\r\\n\\r\\n\" by 1100ms",
                "read #1 by 1100ms",
            ],
        ),
        (
            "GET after a response byte",
            get("/x"),
            &[
                (0, Answer::Took),
                (1, Answer::Bytes(b"HTTP/1.1 2")),
                (1, Answer::Eof),
            ],
            &[
                "write #1 GET /x by 1100ms",
                "read #1 by 1100ms",
                "read #1 by 1100ms",
            ],
        ),
    ];
    for (name, request, script, expect) in cases {
        let mut driver = Driver::new(short(unix()), 1, 100, script);
        let res = driver.send(request);
        if res.is_err() {
            // The error line is not part of what is compared.
            driver.log.pop();
        }
        assert_eq!(driver.log.join("\n"), expect.join("\n"), "{name}");
        assert!(driver.script.is_empty(), "{name}");
    }
}

#[test]
fn the_body_pump_frames_each_piece_as_a_chunk() {
    let script = &[
        (0, Answer::Open),
        (0, Answer::Took),
        (0, Answer::Took),
        // The socket takes two bytes of the second chunk: the rest is asked for again.
        (0, Answer::TookPart(2)),
        (0, Answer::Took),
        (0, Answer::Took),
        (5, Answer::Bytes(OK)),
    ];
    let mut driver = Driver::new(short(unix()), 0, 0, script);
    let body = Body::Reader(Pieces(VecDeque::from([&b"tar"[..], b"bytes"])));
    let req = Request::new(Method::Put, "/containers/c/archive?path=/").body(body);
    assert!(driver.send(req).is_ok());
    check(
        &driver,
        &[
            "connect unix:/engine.sock by 5000ms",
            "write #1 PUT /containers/c/archive?path=/ by 1000ms",
            "read body 3",
            "write #1 \"3\\r\\ntar\\r\\n\" by 1000ms",
            "read body 5",
            "write #1 \"5\\r\\nbytes\\r\\n\" by 1000ms",
            "write #1 \"\\nbytes\\r\\n\" by 1000ms",
            "read body 0",
            "write #1 \"0\\r\\n\\r\\n\" by 1000ms",
            "read #1 by 1000ms",
            "head 200",
        ],
    );
}

#[test]
fn address_fallback_tries_each_address_and_reports_the_last_error() {
    const THREE: &[&str] = &["192.0.2.1:2375", "192.0.2.2:2375", "192.0.2.3:2375"];
    let cases: [(Config, Script, &[&str]); 5] = [
        (
            tcp("engine.test"),
            &[
                (0, Answer::Addrs(THREE)),
                (2000, Answer::Fail(io::ErrorKind::TimedOut)),
                (10, Answer::Fail(io::ErrorKind::ConnectionRefused)),
                (10, Answer::Fail(io::ErrorKind::ConnectionRefused)),
            ],
            &[
                "resolve engine.test:2375 by 5000ms",
                // A share of the connect timeout each, but at least two seconds.
                "connect 192.0.2.1:2375 by 2000ms",
                "connect 192.0.2.2:2375 by 4000ms",
                "connect 192.0.2.3:2375 by 5000ms",
                "error: connect Refused: connection refused",
            ],
        ),
        (
            tcp("engine.test"),
            &[(0, Answer::Addrs(&[]))],
            &[
                "resolve engine.test:2375 by 5000ms",
                "error: connect NotFound: engine.test resolves to no address",
            ],
        ),
        (
            tcp("engine.test"),
            &[(0, Answer::Fail(io::ErrorKind::Other))],
            &[
                "resolve engine.test:2375 by 5000ms",
                "error: connect Other: other error",
            ],
        ),
        (
            tcp("192.0.2.9"),
            &[(5000, Answer::Fail(io::ErrorKind::TimedOut))],
            &[
                "connect 192.0.2.9:2375 by 5000ms",
                "error: connect timeout after 5s",
            ],
        ),
        (
            tcp("::1"),
            &[(0, Answer::Open), (0, Answer::Took), (1, Answer::Bytes(OK))],
            &[
                "connect [::1]:2375 by 5000ms",
                "write #1 GET /_ping by 1000ms",
                "read #1 by 1000ms",
                "head 200",
            ],
        ),
    ];
    for (config, script, expect) in cases {
        let mut driver = Driver::new(short(config), 0, 0, script);
        let _ = driver.send(get("/_ping"));
        check(&driver, expect);
    }
}

#[test]
fn a_connect_past_its_deadline_is_a_timeout_before_the_next_address() {
    let mut driver = Driver::new(
        short(tcp("engine.test")),
        0,
        0,
        &[
            (0, Answer::Addrs(&["192.0.2.1:2375", "192.0.2.2:2375"])),
            (5000, Answer::Fail(io::ErrorKind::ConnectionRefused)),
        ],
    );
    assert!(driver.send(get("/_ping")).is_err());
    check(
        &driver,
        &[
            "resolve engine.test:2375 by 5000ms",
            "connect 192.0.2.1:2375 by 2500ms",
            "error: connect timeout after 5s",
        ],
    );
}

#[test]
fn the_head_deadline_starts_when_the_request_is_written_and_survives_early_wakes() {
    let script = &[
        (0, Answer::Open),
        // The write takes 300 ms: the head deadline starts after it.
        (300, Answer::Took),
        (200, Answer::Bytes(b"HTTP/1.1 200 OK\r\n")),
        // A socket timeout set a little short wakes early: the same deadline goes on.
        (790, Answer::Fail(io::ErrorKind::WouldBlock)),
        (10, Answer::Fail(io::ErrorKind::TimedOut)),
    ];
    let mut driver = Driver::new(short(unix()), 0, 0, script);
    assert!(driver.send(get("/_ping")).is_err());
    check(
        &driver,
        &[
            "connect unix:/engine.sock by 5000ms",
            "write #1 GET /_ping by 1000ms",
            "read #1 by 1300ms",
            "read #1 by 1300ms",
            "read #1 by 1300ms",
            "error: head timeout after 1s",
        ],
    );
}

#[test]
fn the_idle_deadline_starts_with_each_wait_for_body_bytes() {
    const HEAD: &[u8] = b"HTTP/1.1 200 OK\r\nContent-Length: 6\r\n\r\nab";
    let script: Script = &[
        (0, Answer::Open),
        (0, Answer::Took),
        (100, Answer::Bytes(HEAD)),
        (400, Answer::Bytes(b"cd")),
        (495, Answer::Fail(io::ErrorKind::TimedOut)),
        (5, Answer::Fail(io::ErrorKind::TimedOut)),
    ];
    let mut driver = Driver::new(short(unix()), 0, 0, script);
    let mut ex = driver.send(get("/logs")).unwrap();
    for _ in 0..3 {
        driver.chunk(&mut ex);
    }
    check(
        &driver,
        &[
            "connect unix:/engine.sock by 5000ms",
            "write #1 GET /logs by 1000ms",
            "read #1 by 1000ms",
            "head 200",
            "body \"ab\"",
            "read #1 by 600ms",
            "body \"cd\"",
            "read #1 by 1000ms",
            "read #1 by 1000ms",
            "error: idle timeout after 500ms",
        ],
    );
}

#[test]
fn a_streaming_request_waits_for_its_body_without_a_deadline() {
    const HEAD: &[u8] = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n";
    let script: Script = &[
        (0, Answer::Open),
        (0, Answer::Took),
        (100, Answer::Bytes(HEAD)),
        (60_000, Answer::Bytes(b"2\r\nev\r\n0\r\n\r\n")),
    ];
    let mut driver = Driver::new(short(unix()), 0, 0, script);
    let mut ex = driver.send(get("/events").streaming()).unwrap();
    driver.chunk(&mut ex);
    driver.chunk(&mut ex);
    check(
        &driver,
        &[
            "connect unix:/engine.sock by 5000ms",
            "write #1 GET /events by 1000ms",
            "read #1 by 1000ms",
            "head 200",
            "read #1 by never",
            "body \"ev\"",
            "end",
        ],
    );
    // The end went back to the pool, idle since the poll that decoded it.
    let ended = driver.now;
    let expiry = driver.shared.config.idle_expiry;
    assert!(driver.shared.pool.take(ended + expiry / 2).is_some());
}

#[test]
fn the_total_deadline_ends_a_body_that_trickles_within_the_idle_timeout() {
    // One byte every 400 ms never trips the 500 ms idle timeout: only the total does.
    const HEAD: &[u8] = b"HTTP/1.1 200 OK\r\nContent-Length: 1000000\r\n\r\n";
    let script: Script = &[
        (0, Answer::Open),
        (0, Answer::Took),
        (100, Answer::Bytes(HEAD)),
        (400, Answer::Bytes(b"[")),
        (400, Answer::Bytes(b"{")),
        (400, Answer::Bytes(b"}")),
        (100, Answer::Fail(io::ErrorKind::TimedOut)),
    ];
    let mut driver = Driver::new(total(unix(), 1400), 0, 0, script);
    let mut ex = driver.send(get("/containers/json")).unwrap();
    let mut body = Vec::new();
    let _ = driver.pull(&mut ex, |ex, now| {
        ex.poll_collect(now, &mut body, crate::exchange::Cap::Fail(1 << 20))
    });
    check(
        &driver,
        &[
            "connect unix:/engine.sock by 1400ms",
            "write #1 GET /containers/json by 1000ms",
            "read #1 by 1000ms",
            "head 200",
            "read #1 by 600ms",
            "read #1 by 1000ms",
            "read #1 by 1400ms",
            "read #1 by 1400ms",
            "error: total timeout after 1.4s",
        ],
    );
    assert_eq!(body, b"[{}");
}

#[test]
fn the_total_deadline_covers_the_stale_connection_retry() {
    let script = &[
        (0, Answer::Took),
        (600, Answer::Eof),
        (0, Answer::Open),
        (0, Answer::Took),
        (200, Answer::Fail(io::ErrorKind::TimedOut)),
    ];
    let mut driver = Driver::new(total(unix(), 800), 1, 100, script);
    assert!(driver.send(get("/_ping")).is_err());
    check(
        &driver,
        &[
            "write #1 GET /_ping by 900ms",
            "read #1 by 900ms",
            // The retry's connect and head wait end where the first attempt's would have.
            "connect unix:/engine.sock by 900ms",
            "write #2 GET /_ping by 900ms",
            "read #2 by 900ms",
            "error: total timeout after 800ms",
        ],
    );
}

#[test]
fn a_raised_head_timeout_raises_the_total_deadline_by_as_much_and_streams_have_none() {
    let config = total(unix(), 1500);
    let origin = Instant::now();
    let of =
        |req: &Request<Pieces>| crate::exchange::Total::of(&config, req, origin).map(|t| t.after);
    let ms = Duration::from_millis;
    assert_eq!(of(&get("/x")), Some(ms(1500)));
    // `stop` waits its grace period for the head: 1 s configured, 11 s asked.
    let stop = get("/stop").head_timeout(Duration::from_secs(11));
    assert_eq!(of(&stop), Some(ms(11_500)));
    assert_eq!(of(&get("/x").total_timeout(Some(ms(200)))), Some(ms(200)));
    assert_eq!(of(&get("/x").total_timeout(None)), None);
    assert_eq!(of(&get("/events").streaming()), None);
}

#[test]
fn a_connect_cut_short_by_the_total_deadline_is_a_total_timeout() {
    let mut driver = Driver::new(
        total(tcp("127.0.0.1"), 1000),
        0,
        0,
        &[(1000, Answer::Fail(io::ErrorKind::TimedOut))],
    );
    assert!(driver.send(get("/_ping")).is_err());
    check(
        &driver,
        &[
            "connect 127.0.0.1:2375 by 1000ms",
            "error: total timeout after 1s",
        ],
    );
}

#[test]
fn the_pool_expires_connections_by_the_given_now_and_probes_every_reuse() {
    let probes = Arc::new(AtomicUsize::new(0));
    let fake = || {
        let conn = Fake {
            id: 1,
            probes: probes.clone(),
        };
        Conn::new(conn, 1024, None)
    };
    let origin = Instant::now();
    let at = |ms| origin + Duration::from_millis(ms);
    let pool = Pool::new(4, Duration::from_secs(5));
    let cases = [
        // (taken after, is it taken, probes so far)
        (1, true, 1),
        (999, true, 2),
        (4999, true, 3),
        (5000, false, 3),
    ];
    for (ms, taken, n_probes) in cases {
        pool.put(fake(), origin);
        assert_eq!(pool.take(at(ms)).is_some(), taken, "{ms} ms");
        assert_eq!(probes.load(Ordering::SeqCst), n_probes, "{ms} ms");
    }
}
