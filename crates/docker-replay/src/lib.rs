//! Recorded Docker Engine transcripts, and a fake engine that replays them, for tests.
//!
//! Test your code against a recorded engine: a [`Transcript`] holds the exact bytes of a
//! conversation with a real Docker or Podman engine, and a [`Replay`] serves it on a
//! temporary Unix socket. Point any client at [`Replay::socket`], run the code under test,
//! then call [`Replay::finish`]: it fails when a request did not match the recording or
//! when recorded exchanges were never asked for.
//!
//! Put the crate in `[dev-dependencies]`; it depends on `docker-wire` only, which frames
//! the messages it reads, so any client can be tested with it, this project's own included.
//!
//! ```
//! use std::io::{Read, Write};
//! use std::os::unix::net::UnixStream;
//!
//! use docker_replay::{Exchange, Replay, Transcript};
//!
//! // Usually `Transcript::read("fixtures/docker-20.10/ping.http")?`.
//! let mut transcript = Transcript::default();
//! transcript.push(Exchange::new(
//!     b"GET /_ping HTTP/1.1\r\nHost: docker\r\n\r\n".to_vec(),
//!     b"HTTP/1.1 200 OK\r\nApi-Version: 1.41\r\nContent-Length: 2\r\n\r\nOK".to_vec(),
//! ));
//!
//! let replay = Replay::start(&transcript)?;
//! // The code under test: here a hand-written request.
//! let mut conn = UnixStream::connect(replay.socket())?;
//! conn.write_all(b"GET /_ping HTTP/1.1\r\nHost: docker\r\n\r\n")?;
//! let mut answer = vec![0; 64];
//! let mut n = 0;
//! while !answer[..n].ends_with(b"OK") {
//!     n += conn.read(&mut answer[n..])?; // the answer comes in seeded random pieces
//! }
//! assert!(answer[..n].starts_with(b"HTTP/1.1 200 OK\r\n"));
//! replay.finish()?; // every exchange was asked for, and matched
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! With `docker-client` the same goes through the client's methods; pin the API version
//! the transcript was recorded with, so that no version ping is sent:
//!
//! ```text
//! let replay = Replay::start(&Transcript::read("fixtures/docker-20.10/inspect_container.http")?)?;
//! let client = docker_client::blocking::Client::builder()
//!     .endpoint(docker_client::Endpoint::Unix(replay.socket().into()))
//!     .api_version("1.41")
//!     .build()?;
//! let container = client.inspect_container("1111…1111")?;
//! replay.finish()?;
//! ```
//!
//! # Matching
//!
//! Requests are served in transcript order, whichever connection they arrive on. A request
//! matches its recorded counterpart when method, target and body are equal after both were
//! [normalised](Transcript::normalised) on their own, so a request naming real container IDs
//! or times matches a recording that holds placeholders in the same places. Headers are not
//! compared. The connection is closed after an exchange that [ended](Ending) with the engine
//! closing it, and kept open otherwise (after [`Ending::ClientClosed`], the response is
//! written and the stream then stays quiet, as a live stream does until the client
//! leaves). After a hijacked (upgraded) exchange the replay ends its output and reads what
//! the client still writes (stdin) until the client closes or is quiet for half a second.
//! A WebSocket handshake's answer gets its `Sec-WebSocket-Accept` recomputed from the key
//! of the request it answers, since a client picks a new key every time; what the client
//! writes after it (masked frames, with keys of their own) is read and not compared.
//! A request that does not match, or one past the end of the transcript, is
//! answered with status 599 and a plain-text diff, and is reported by [`Replay::finish`]
//! (or by a panic when the replay is dropped without `finish`). Requests are framed by
//! docker-wire's request decoder; bytes it refuses (a bad `Content-Length`, say) are
//! answered 599 with its reason, and the connection is closed.
//!
//! # Random splits
//!
//! Responses are written in pieces of random sizes, with short pauses between some of them,
//! so that every replay also exercises the client's handling of partial reads. The pieces
//! follow from a seed: `DKR_REPLAY_SEED` (decimal or `0x` hex) when set, else
//! [`DEFAULT_SEED`], mixed with the transcript's `scenario` header. A failure report names
//! the seed, so that a failing run can be repeated exactly with
//! `DKR_REPLAY_SEED=<seed>`.
//!
//! # Normalisation
//!
//! Recorded transcripts have their volatile values replaced deterministically (see
//! [`Transcript::normalised`]): IDs become `1111…`, `2222…` in order of first appearance,
//! times become 2020-01-01 plus their chronological rank in seconds (in the same format),
//! PIDs become 1001, 1002…, `Date` headers a constant. Lengths and chunk sizes are
//! recomputed, so a normalised transcript is still a valid HTTP conversation.
#![deny(missing_docs)]
#![forbid(unsafe_code)]

mod http;
mod json;
mod normalise;
mod record;
mod transcript;

use std::fmt;
use std::io::{self, Read, Write};
use std::net::Shutdown;
use std::os::unix::net::{UnixListener, UnixStream};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::thread::{self, JoinHandle};
use std::time::Duration;

use docker_wire::{Limits, RequestDecoder, RequestEvent};

pub use record::Recorder;
pub use transcript::{Ending, Exchange, FormatError, Transcript};

/// The environment variable that sets the seed of the random response splits.
///
/// ```
/// // `DKR_REPLAY_SEED=7 cargo test` repeats the splits of a report that named seed 7.
/// assert_eq!(docker_replay::SEED_ENV, "DKR_REPLAY_SEED");
/// ```
pub const SEED_ENV: &str = "DKR_REPLAY_SEED";

/// The seed used when [`SEED_ENV`] is not set.
///
/// ```
/// # use docker_replay::{Replay, Transcript, DEFAULT_SEED};
/// let replay = Replay::with_seed(&Transcript::default(), DEFAULT_SEED)?;
/// assert_eq!(replay.seed(), DEFAULT_SEED);
/// replay.finish()?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub const DEFAULT_SEED: u64 = 0x0dc4_e2b1_5eed;

/// The seed of [`Replay::start`]: [`SEED_ENV`] when it holds a decimal or `0x` hex number,
/// else [`DEFAULT_SEED`].
///
/// ```
/// let seed = docker_replay::seed_from_env();
/// match std::env::var(docker_replay::SEED_ENV) {
///     Err(_) => assert_eq!(seed, docker_replay::DEFAULT_SEED),
///     Ok(_) => (), // whatever the run asked for
/// }
/// ```
pub fn seed_from_env() -> u64 {
    let Ok(text) = std::env::var(SEED_ENV) else {
        return DEFAULT_SEED;
    };
    let text = text.trim();
    let parsed = match text.strip_prefix("0x") {
        Some(hex) => u64::from_str_radix(hex, 16),
        None => text.parse(),
    };
    parsed.unwrap_or(DEFAULT_SEED)
}

impl Transcript {
    /// The transcript with its volatile values replaced deterministically, and the header
    /// `normalised: true`.
    ///
    /// - 64-digit hex IDs become `1111…1111`, `2222…2222` … `ffff…ffff`, then
    ///   `ffff…` ending in the number, in order of first appearance (header first, then each
    ///   request and response); their prefixes of 12 digits or more (short IDs, host names)
    ///   become the same prefix of the placeholder.
    /// - Times (RFC 3339 from the year 2000 on, `time`, `timeNano` and `Created` numbers,
    ///   `since`/`until` in queries and in the `args` header) become 2020-01-01T00:00:00Z
    ///   plus their chronological rank in seconds, written in their original format (the
    ///   same number of fraction digits, all zero).
    /// - `Pid`, `ConmonPid` and the PID and PPID columns of `top` become 1001, 1002… in
    ///   order of first appearance; 0 stays 0.
    /// - Constants replace `Date` and `X-Reference-Id` headers, the `top` columns that
    ///   follow the clock or memory use, container `Status` durations ("Up 2 seconds"),
    ///   and the `/info` counters, host name and uptime that change with whatever else runs.
    ///
    /// `Content-Length` values and chunk sizes are recomputed; chunk boundaries stay where
    /// they were in the content. The operation is idempotent.
    ///
    /// ```
    /// use docker_replay::{Exchange, Transcript};
    ///
    /// let body = r#"{"Id":"0b5d1b4dc0a8e2f5d0c2e5a46b1f3a7c0e9d8f7a6b5c4d3e2f1a0b9c8d7e6f5a","State":{"Pid":42}}"#;
    /// let mut t = Transcript::default();
    /// t.push(Exchange::new(
    ///     b"GET /v1.41/containers/web/json HTTP/1.1\r\n\r\n".to_vec(),
    ///     format!("HTTP/1.1 200 OK\r\nContent-Length: {}\r\n\r\n{body}", body.len()).into_bytes(),
    /// ));
    /// let n = t.normalised();
    /// let response = String::from_utf8(n.exchanges()[0].response.clone()).unwrap();
    /// assert!(response.ends_with(&format!(r#"{{"Id":"{}","State":{{"Pid":1001}}}}"#, "1".repeat(64))));
    /// assert!(response.contains(&format!("Content-Length: {}\r\n", body.len() + 2)));
    /// assert_eq!(n.normalised(), n);
    /// ```
    pub fn normalised(&self) -> Transcript {
        normalise::normalise(self)
    }

    /// True when normalising changes nothing.
    ///
    /// ```
    /// use docker_replay::{Exchange, Transcript};
    ///
    /// let mut t = Transcript::default();
    /// t.push(Exchange::new(
    ///     b"GET /_ping HTTP/1.1\r\n\r\n".to_vec(),
    ///     b"HTTP/1.1 200 OK\r\nDate: Tue, 03 Dec 2024 10:00:00 GMT\r\nContent-Length: 2\r\n\r\nOK".to_vec(),
    /// ));
    /// assert!(!t.is_normalised()); // the `Date` header, and no `normalised: true`
    /// assert!(t.normalised().is_normalised());
    /// ```
    pub fn is_normalised(&self) -> bool {
        self.normalised() == *self
    }
}

/// A fake engine serving one transcript on a temporary Unix socket, from a thread of its
/// own. See the [crate docs](crate) for matching, endings and splits.
///
/// ```
/// use std::io::{Read, Write};
/// use std::os::unix::net::UnixStream;
///
/// use docker_replay::{Exchange, Replay, Transcript};
///
/// let mut t = Transcript::default();
/// t.push(Exchange::new(
///     b"GET /_ping HTTP/1.1\r\n\r\n".to_vec(),
///     b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nOK".to_vec(),
/// ));
/// let replay = Replay::with_seed(&t, 1)?;
/// let mut conn = UnixStream::connect(replay.socket())?;
/// conn.write_all(b"GET /_ping HTTP/1.1\r\nHost: docker\r\n\r\n")?; // headers are not compared
/// let mut answer = Vec::new();
/// let mut buf = [0; 64];
/// while !answer.ends_with(b"OK") {
///     let n = conn.read(&mut buf)?;
///     answer.extend_from_slice(&buf[..n]);
/// }
/// replay.finish()?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub struct Replay {
    dir: PathBuf,
    socket: PathBuf,
    seed: u64,
    shared: Arc<Mutex<State>>,
    accept: Option<JoinHandle<()>>,
    finished: bool,
}

struct State {
    name: String,
    exchanges: Vec<Exchange>,
    next: usize,
    failures: Vec<String>,
    rng: XorShift,
    streams: Vec<UnixStream>,
    workers: Vec<JoinHandle<()>>,
    stopping: bool,
}

impl Replay {
    /// Serves `transcript` with the seed of [`seed_from_env`].
    ///
    /// ```
    /// # use docker_replay::{Replay, Transcript};
    /// let replay = Replay::start(&Transcript::default())?;
    /// assert_eq!(replay.seed(), docker_replay::seed_from_env());
    /// replay.finish()?; // an empty transcript asks for nothing
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn start(transcript: &Transcript) -> io::Result<Replay> {
        Replay::with_seed(transcript, seed_from_env())
    }

    /// Serves `transcript`, splitting responses as `seed` says.
    ///
    /// ```
    /// # use docker_replay::{Replay, Transcript};
    /// // The seed a failure report named, to repeat its splits.
    /// let replay = Replay::with_seed(&Transcript::default(), 0x5eed)?;
    /// assert_eq!(replay.seed(), 0x5eed);
    /// # replay.finish()?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn with_seed(transcript: &Transcript, seed: u64) -> io::Result<Replay> {
        static N: AtomicUsize = AtomicUsize::new(0);
        let n = N.fetch_add(1, Ordering::Relaxed);
        let name = format!("dkr-replay-{}-{n}", std::process::id());
        let mut dir = std::env::temp_dir().join(&name);
        if dir.as_os_str().len() > 90 {
            dir = Path::new("/tmp").join(&name);
        }
        std::fs::create_dir_all(&dir)?;
        let socket = dir.join("engine.sock");
        let listener = UnixListener::bind(&socket)?;
        let scenario = transcript.meta("scenario").unwrap_or("").to_owned();
        let state = State {
            rng: XorShift::new(seed ^ fnv1a(scenario.as_bytes())),
            name: scenario,
            exchanges: transcript.exchanges().to_vec(),
            next: 0,
            failures: Vec::new(),
            streams: Vec::new(),
            workers: Vec::new(),
            stopping: false,
        };
        let shared = Arc::new(Mutex::new(state));
        let accept = {
            let shared = shared.clone();
            thread::Builder::new()
                .name("dkr-replay".into())
                .spawn(move || accept_loop(&listener, &shared))?
        };
        Ok(Replay {
            dir,
            socket,
            seed,
            shared,
            accept: Some(accept),
            finished: false,
        })
    }

    /// The socket to point a client at: with docker-client,
    /// `Endpoint::Unix(replay.socket().into())`; in `DOCKER_HOST` form, `unix://` and the
    /// path.
    ///
    /// ```
    /// # use docker_replay::{Replay, Transcript};
    /// let replay = Replay::start(&Transcript::default())?;
    /// let docker_host = format!("unix://{}", replay.socket().display());
    /// assert!(docker_host.ends_with("/engine.sock"));
    /// # replay.finish()?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn socket(&self) -> &Path {
        &self.socket
    }

    /// The seed of the response splits.
    ///
    /// ```
    /// # use docker_replay::{Replay, Transcript};
    /// let replay = Replay::with_seed(&Transcript::default(), 42)?;
    /// assert_eq!(replay.seed(), 42);
    /// # replay.finish()?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn seed(&self) -> u64 {
        self.seed
    }

    /// Waits until every recorded exchange has been asked for, for code under test that
    /// makes its requests from threads of its own (watchers, inventories). False when
    /// `timeout` passed first.
    ///
    /// ```
    /// # use std::time::Duration;
    /// # use docker_replay::{Exchange, Replay, Transcript};
    /// let mut t = Transcript::default();
    /// t.push(Exchange::new(b"GET /_ping HTTP/1.1\r\n\r\n".to_vec(), b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n".to_vec()));
    /// let replay = Replay::start(&t)?;
    /// assert!(!replay.wait_consumed(Duration::from_millis(10))); // nobody asked yet
    /// # let _ = replay.finish();
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn wait_consumed(&self, timeout: Duration) -> bool {
        let deadline = std::time::Instant::now() + timeout;
        loop {
            {
                let st = lock(&self.shared);
                if st.next >= st.exchanges.len() {
                    return true;
                }
            }
            if std::time::Instant::now() >= deadline {
                return false;
            }
            thread::sleep(Duration::from_millis(5));
        }
    }

    /// Stops serving and reports: `Ok` when every request matched and every exchange of
    /// the transcript was asked for.
    ///
    /// ```
    /// # use docker_replay::{Exchange, Replay, Transcript};
    /// let mut t = Transcript::default();
    /// t.push(Exchange::new(b"GET /info HTTP/1.1\r\n\r\n".to_vec(), b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}".to_vec()));
    /// let err = Replay::with_seed(&t, 3)?.finish().unwrap_err();
    /// assert_eq!(err.unconsumed(), ["GET /info"]);
    /// assert!(err.to_string().contains("DKR_REPLAY_SEED=3"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn finish(mut self) -> Result<(), ReplayError> {
        self.finished = true;
        self.stop();
        self.report()
    }

    fn stop(&mut self) {
        let (streams, workers) = {
            let mut st = lock(&self.shared);
            st.stopping = true;
            (
                std::mem::take(&mut st.streams),
                std::mem::take(&mut st.workers),
            )
        };
        for s in &streams {
            let _ = s.shutdown(Shutdown::Both);
        }
        // Wakes the accept loop, which sees `stopping` and returns.
        let _ = UnixStream::connect(&self.socket);
        if let Some(accept) = self.accept.take() {
            let _ = accept.join();
        }
        let late = std::mem::take(&mut lock(&self.shared).workers);
        for w in workers.into_iter().chain(late) {
            let _ = w.join();
        }
    }

    fn report(&self) -> Result<(), ReplayError> {
        let st = lock(&self.shared);
        let unconsumed: Vec<String> = st
            .exchanges
            .iter()
            .skip(st.next)
            .map(Exchange::request_line)
            .collect();
        if st.failures.is_empty() && unconsumed.is_empty() {
            return Ok(());
        }
        Err(ReplayError {
            scenario: st.name.clone(),
            failures: st.failures.clone(),
            unconsumed,
            seed: self.seed,
        })
    }
}

impl Drop for Replay {
    fn drop(&mut self) {
        if !self.finished {
            self.stop();
            if let Err(e) = self.report() {
                if !thread::panicking() {
                    let _ = std::fs::remove_dir_all(&self.dir);
                    panic!("{e}");
                }
            }
        }
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

impl fmt::Debug for Replay {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Replay")
            .field("socket", &self.socket)
            .field("seed", &self.seed)
            .finish_non_exhaustive()
    }
}

/// What went wrong in a replay: requests that did not match, and recorded exchanges that
/// were never asked for. Its `Display` is the whole report, seed included.
///
/// ```
/// use std::io::{Read, Write};
/// use std::os::unix::net::UnixStream;
///
/// use docker_replay::{Exchange, Replay, Transcript};
///
/// let mut t = Transcript::default();
/// t.push(Exchange::new(b"GET /_ping HTTP/1.1\r\n\r\n".to_vec(), b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nOK".to_vec()));
/// let replay = Replay::with_seed(&t, 1)?;
/// let mut conn = UnixStream::connect(replay.socket())?;
/// conn.write_all(b"GET /version HTTP/1.1\r\n\r\n")?;
/// let mut answer = Vec::new();
/// conn.read_to_end(&mut answer)?; // a mismatch: 599, then the connection closes
/// assert!(answer.starts_with(b"HTTP/1.1 599 Replay Mismatch\r\n"));
/// let report = replay.finish().unwrap_err().to_string();
/// assert!(report.contains("expected: GET /_ping"));
/// assert!(report.contains("got: GET /version"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReplayError {
    scenario: String,
    failures: Vec<String>,
    unconsumed: Vec<String>,
    seed: u64,
}

impl ReplayError {
    /// One message per request that did not match or came past the end, with a diff.
    ///
    /// ```
    /// # use docker_replay::{Replay, Transcript};
    /// # use std::io::{Read, Write};
    /// let replay = Replay::start(&Transcript::default())?;
    /// let mut conn = std::os::unix::net::UnixStream::connect(replay.socket())?;
    /// conn.write_all(b"GET /_ping HTTP/1.1\r\n\r\n")?;
    /// conn.read_to_end(&mut Vec::new())?;
    /// let err = replay.finish().unwrap_err();
    /// assert!(err.failures()[0].contains("came after the end of the transcript"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn failures(&self) -> &[String] {
        &self.failures
    }

    /// The request lines of the recorded exchanges that were never asked for.
    ///
    /// ```
    /// # use docker_replay::{Exchange, Replay, Transcript};
    /// let mut t = Transcript::default();
    /// t.push(Exchange::new(b"DELETE /v1.41/containers/web HTTP/1.1\r\n\r\n".to_vec(), b"HTTP/1.1 204 No Content\r\n\r\n".to_vec()));
    /// let err = Replay::start(&t)?.finish().unwrap_err();
    /// assert_eq!(err.unconsumed(), ["DELETE /v1.41/containers/web"]);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn unconsumed(&self) -> &[String] {
        &self.unconsumed
    }
}

impl fmt::Display for ReplayError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let name = match self.scenario.is_empty() {
            true => "the transcript".to_owned(),
            false => format!("transcript {:?}", self.scenario),
        };
        writeln!(
            f,
            "replay of {name} failed (seed {SEED_ENV}={}):",
            self.seed
        )?;
        for failure in &self.failures {
            writeln!(f, "- {failure}")?;
        }
        if !self.unconsumed.is_empty() {
            writeln!(
                f,
                "- {} recorded exchange(s) never asked for:",
                self.unconsumed.len()
            )?;
            for line in &self.unconsumed {
                writeln!(f, "    {line}")?;
            }
        }
        Ok(())
    }
}

impl std::error::Error for ReplayError {}

fn lock(m: &Mutex<State>) -> MutexGuard<'_, State> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

fn accept_loop(listener: &UnixListener, shared: &Arc<Mutex<State>>) {
    for conn in listener.incoming() {
        let Ok(conn) = conn else { return };
        let mut st = lock(shared);
        if st.stopping {
            return;
        }
        if let Ok(clone) = conn.try_clone() {
            st.streams.push(clone);
        }
        let worker = {
            let shared = shared.clone();
            thread::Builder::new()
                .name("dkr-replay-conn".into())
                .spawn(move || serve(conn, &shared))
        };
        if let Ok(worker) = worker {
            st.workers.push(worker);
        }
    }
}

/// Answers the requests of one connection until it closes.
fn serve(mut conn: UnixStream, shared: &Mutex<State>) {
    let mut buf = Vec::new();
    let mut chunk = vec![0; 16 * 1024];
    loop {
        let Some(next) = read_request(&mut conn, &mut buf, &mut chunk) else {
            return;
        };
        let (response, pieces, close) = match &next {
            Next::Request { len, .. } => lock(shared).answer(&buf[..*len]),
            Next::Unframed(e) => lock(shared).unframed(&buf, e),
        };
        let mut at = 0;
        for (size, pause) in pieces {
            if conn.write_all(&response[at..at + size]).is_err() {
                return;
            }
            at += size;
            if pause {
                thread::sleep(Duration::from_micros(200));
            }
        }
        let len = match next {
            Next::Request { upgrade: true, .. } => {
                // A hijacked stream: end the output, then take whatever the client still
                // writes (stdin) until it closes or goes quiet, as an engine would.
                let _ = conn.shutdown(Shutdown::Write);
                let _ = conn.set_read_timeout(Some(Duration::from_millis(500)));
                while matches!(conn.read(&mut chunk), Ok(n) if n > 0) {}
                return;
            }
            Next::Request { len, .. } if !close => len,
            Next::Request { .. } | Next::Unframed(_) => {
                let _ = conn.shutdown(Shutdown::Both);
                return;
            }
        };
        buf.drain(..len);
    }
}

/// What came next on a connection.
enum Next {
    /// A request, the first `len` bytes of the buffer.
    Request { len: usize, upgrade: bool },
    /// Bytes that are no request; the connection cannot be read on.
    Unframed(docker_wire::Error),
}

/// Reads until `buf` starts with a whole request, framed by docker-wire's request decoder.
/// `None` when the client closed (or the read failed) first.
fn read_request(conn: &mut UnixStream, buf: &mut Vec<u8>, chunk: &mut [u8]) -> Option<Next> {
    let mut dec = RequestDecoder::new(Limits::default());
    let mut at = 0;
    let mut upgrade = false;
    loop {
        let res = match dec.decode(&buf[at..]) {
            Ok(res) => res,
            Err(e) => return Some(Next::Unframed(e)),
        };
        at += res.consumed;
        match res.event {
            RequestEvent::NeedData => match conn.read(chunk) {
                Ok(0) | Err(_) => return None,
                Ok(n) => buf.extend_from_slice(&chunk[..n]),
            },
            RequestEvent::Head(head) => upgrade = head.wants_upgrade(),
            RequestEvent::Body(_) => (),
            RequestEvent::End => return Some(Next::Request { len: at, upgrade }),
        }
    }
}

impl State {
    /// The response to the next request, how to split it, and whether to close after it.
    fn answer(&mut self, request: &[u8]) -> (Vec<u8>, Vec<(usize, bool)>, bool) {
        let n = self.next;
        self.next += 1;
        let got = normalise::comparable_request(request);
        let Some(ex) = self.exchanges.get(n) else {
            let message = format!(
                "request {} `{} {}` came after the end of the transcript ({} exchanges)",
                n + 1,
                got.0,
                got.1,
                self.exchanges.len()
            );
            return self.mismatch(message);
        };
        let want = normalise::comparable_request(&ex.request);
        if got != want {
            let message = diff(n + 1, &want, &got);
            return self.mismatch(message);
        }
        let response = with_accept_of(request, &ex.response);
        let pieces = self.rng.pieces(response.len());
        (response, pieces, ex.ending == Ending::EngineClosed)
    }

    /// The answer to bytes that are no request: counted as the next request, and a mismatch.
    fn unframed(
        &mut self,
        bytes: &[u8],
        error: &docker_wire::Error,
    ) -> (Vec<u8>, Vec<(usize, bool)>, bool) {
        let n = self.next;
        self.next += 1;
        let line = bytes
            .split(|&b| b == b'\r' || b == b'\n')
            .next()
            .unwrap_or(&[]);
        let expected = match self.exchanges.get(n) {
            Some(ex) => ex.request_line(),
            None => format!("nothing ({} exchanges)", self.exchanges.len()),
        };
        let message = format!(
            "request {} cannot be framed ({error})\n  expected: {expected}\n       got: {}",
            n + 1,
            preview(line)
        );
        self.mismatch(message)
    }

    fn mismatch(&mut self, message: String) -> (Vec<u8>, Vec<(usize, bool)>, bool) {
        self.failures.push(message.clone());
        let response = format!(
            "HTTP/1.1 599 Replay Mismatch\r\nContent-Type: text/plain; charset=utf-8\r\n\
             Content-Length: {}\r\nConnection: close\r\n\r\n{message}",
            message.len()
        )
        .into_bytes();
        let len = response.len();
        (response, vec![(len, false)], true)
    }
}

/// The recorded response, its `Sec-WebSocket-Accept` recomputed for this request's
/// `Sec-WebSocket-Key`: a client picks a new key for every handshake and checks the answer,
/// as the engine computes it (RFC 6455, section 4.2.2).
fn with_accept_of(request: &[u8], response: &[u8]) -> Vec<u8> {
    let header = |bytes: &[u8], name: &str| -> Option<(usize, usize)> {
        let end = bytes.windows(4).position(|w| w == b"\r\n\r\n")?;
        let mut at = 0;
        for line in bytes[..end].split(|&b| b == b'\n') {
            let text = String::from_utf8_lossy(line);
            if let Some((key, value)) = text.split_once(':') {
                if key.trim().eq_ignore_ascii_case(name) {
                    let start = at + key.len() + 1 + (value.len() - value.trim_start().len());
                    return Some((start, at + line.len() - usize::from(line.ends_with(b"\r"))));
                }
            }
            at += line.len() + 1;
        }
        None
    };
    let (Some((ks, ke)), Some((as_, ae))) = (
        header(request, "sec-websocket-key"),
        header(response, "sec-websocket-accept"),
    ) else {
        return response.to_vec();
    };
    let key = String::from_utf8_lossy(&request[ks..ke]);
    let mut out = response[..as_].to_vec();
    out.extend_from_slice(docker_wire::websocket::accept_key(&key).as_bytes());
    out.extend_from_slice(&response[ae..]);
    out
}

fn diff(n: usize, want: &(String, String, Vec<u8>), got: &(String, String, Vec<u8>)) -> String {
    let mut out = format!(
        "request {n} does not match the transcript\n  expected: {} {}\n       got: {} {}",
        want.0, want.1, got.0, got.1
    );
    if want.2 != got.2 {
        out.push_str(&format!(
            "\n  expected body: {}\n       got body: {}",
            preview(&want.2),
            preview(&got.2)
        ));
    }
    out
}

fn preview(bytes: &[u8]) -> String {
    const MAX: usize = 2000;
    let shown = String::from_utf8_lossy(&bytes[..bytes.len().min(MAX)]).into_owned();
    match bytes.len() > MAX {
        true => format!("{shown:?}…"),
        false => format!("{shown:?}"),
    }
}

/// A tiny reproducible PRNG (xorshift64), seeded through splitmix64.
struct XorShift(u64);

impl XorShift {
    fn new(seed: u64) -> XorShift {
        let mut z = seed.wrapping_add(0x9e37_79b9_7f4a_7c15);
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^= z >> 31;
        XorShift(if z == 0 { 0x2545_f491_4f6c_dd1d } else { z })
    }

    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.0 = x;
        x
    }

    /// Piece sizes adding up to `len`: many tiny, most small, some large, some the rest;
    /// about one in four followed by a pause.
    fn pieces(&mut self, len: usize) -> Vec<(usize, bool)> {
        let mut pieces = Vec::new();
        let mut left = len;
        while left > 0 {
            let r = self.next();
            let pick = (r >> 8) as usize;
            let size = match r >> 59 {
                0..=7 => 1 + pick % 4,
                8..=23 => 1 + pick % 64,
                24..=30 => 1 + pick % 512,
                _ => left,
            };
            let size = size.min(left);
            left -= size;
            pieces.push((size, (r >> 4) % 4 == 0));
        }
        pieces
    }
}

fn fnv1a(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in bytes {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_websocket_answer_accepts_the_key_of_the_request_it_answers() {
        let request = b"GET /containers/x/attach/ws HTTP/1.1\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n";
        let recorded = b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nSec-WebSocket-Accept: dTiQGQVRUJEWbCAFbln07fQ83mw=\r\n\r\n\x81\x02hi";
        let answer = with_accept_of(request, recorded);
        // RFC 6455's own example.
        let want = b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nSec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n\r\n\x81\x02hi";
        assert_eq!(answer, want);
        let plain = b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n";
        assert_eq!(with_accept_of(request, plain), plain);
    }

    #[test]
    fn pieces_are_reproducible_and_add_up() {
        let a = XorShift::new(7).pieces(5000);
        let b = XorShift::new(7).pieces(5000);
        assert_eq!(a, b);
        assert_eq!(a.iter().map(|p| p.0).sum::<usize>(), 5000);
        assert!(a.iter().any(|p| p.0 < 5), "{a:?}");
        assert_ne!(a, XorShift::new(8).pieces(5000));
    }
}
