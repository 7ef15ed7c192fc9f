//! How a flavour drives the shared code, and [`Call`]: one `Transport::send`, from the
//! request to the response head, over one connection or, after a stale pooled one, two.
//!
//! # The driving contract
//!
//! The shared code does no IO that may wait and reads no clock. It says which IO it wants
//! next; the flavour does exactly that and hands back the outcome, the way quinn-proto's
//! endpoint or ureq-proto's `proceed()` is driven. `send` is one loop, the same in both
//! flavours (with `.await` on the IO in tokio):
//!
//! ```text
//! let mut call = Call::new(&shared, &mut request);
//! loop {
//!     let now = clock();   // The flavour reads its clock, once per turn.
//!     match call.poll_io(now)? {
//!         Want::Resolve { host, port, deadline } => call.handle_resolved(resolve(host, port, deadline)),
//!         Want::Connect { to, deadline } => call.handle_connected(connect(to, deadline)),
//!         Want::Write(w) => call.handle_written(w.io.write(w.bytes)),   // by w.deadline
//!         Want::ReadBody { body, buf } => call.handle_body_read(body.read(buf)),
//!         Want::Read(r) => call.handle_read(r.io.read(r.spare)),        // by r.deadline
//!         Want::Head => return Ok(Response { exchange: call.into_exchange() }),
//!     }
//! }
//! ```
//!
//! The response is the same loop over the [`Exchange`]'s `poll_chunk`, `poll_collect` and
//! `poll_upgrade`: each answers [`Pull::Read`] (do this read, report it with
//! `handle_read`, poll again) or [`Pull::Ready`] with its result.
//!
//! The rules, for both flavours:
//!
//! 1. **Time comes from the flavour.** Read the clock once per turn, just before the poll,
//!    and pass it as `now`; use that same `now` to turn the want's deadline into a timeout.
//!    The shared code starts waits, computes and checks every deadline, and stamps and
//!    expires pooled connections with it. Nothing outside the flavour files reads a clock.
//! 2. **Do exactly what is wanted, once,** and report it with the matching `handle_*`
//!    before polling again: one `write` (report how many bytes; the rest is asked for
//!    again), one `read` into the given room (0 is the end of the stream), one connect, one
//!    resolve, one read of the caller's request body. Report every outcome as it came,
//!    errors included: mapping them is the shared code's job.
//! 3. **A deadline says when to give up waiting:** report `io::ErrorKind::TimedOut` (or
//!    `WouldBlock`) once it passed. Waking early is harmless (the blocking flavour's socket
//!    timeout may be up to 1% short): the next poll asks for the same IO under the same
//!    deadline. `None` means no limit.
//! 4. **Handlers never fail.** A failure comes out of the next poll. That is where the
//!    stale-connection retry is decided: a failed attempt on a pooled connection may turn
//!    into a `Want::Connect` (or another pooled connection's `Want::Write`), not an error.
//! 5. The borrows a want hands out (socket, bytes, room) end before its handler is called;
//!    the borrow checker enforces it.
//! 6. Questions that never wait (is an idle connection alive, is a socket private, was it
//!    aborted) and closing are asked through the [`Socket`] trait directly.
//!
//! What a flavour keeps: its socket types; the resolve, connect, read, write and shutdown
//! calls; how a deadline is enforced (socket timeouts, set only when they change by more
//! than 1%, in `blocking`; one `tokio::time::Sleep` per connection, re-armed only for a new
//! deadline, in `tokio`); abort handles; the IO of upgraded streams.
//!
//! # What comes next, and where it goes
//!
//! - **TLS** (`https://`, `DOCKER_TLS_VERIFY`). rustls's `Connection` is itself sans-IO, so
//!   it is driven inside the same flavour loop: the plaintext of a [`Want::Write`] goes into
//!   the session's writer and the room of a [`Want::Read`] is filled from its reader, while
//!   the flavour moves the ciphertext with the socket calls it makes today, under the same
//!   deadline. The handshake is reads and writes before the first request byte. Nothing
//!   above the connection changes, and the wants stay plaintext.
//! - **`ssh://` endpoints**: HTTP over `ssh host docker system dial-stdio`. A new
//!   [`Target`] names the command; the "socket" is a pair of pipes to the child's stdin
//!   and stdout, writes going to one and reads coming from the other, and a shutdown closes
//!   stdin. The wants do not change; the blocking flavour will wait on the pipes with
//!   `poll(2)`, since pipes have no socket timeouts.
//!
//! # The total deadline
//!
//! A call's total deadline ([`Timeouts::total`](crate::Timeouts::total)) covers connecting,
//! writing, the head, the body and the stale-connection retry together. `Call` fixes it at
//! its first poll, from that poll's `now`, caps every connect deadline with it and checks it
//! before each attempt; the exchange's every wait takes the earlier of it and its own
//! deadline, and a wait that ends at it is [`TimeoutKind::Total`]. The flavours see only
//! earlier deadlines in the wants they already get: nothing in them changed.

use std::io;
use std::mem;
use std::net::{IpAddr, SocketAddr};
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::buffer::READ_SIZE;
use crate::exchange::{Exchange, Shared, Total};
pub(crate) use crate::exchange::{Pull, Read, Write};
use crate::pool::{Conn, Socket};
use crate::{Body, Endpoint, Error, Request, SshConfig, SshEndpoint, TimeoutKind};

/// The IO a [`Call`] wants next, or that the head arrived. Small, so that returning it
/// copies little.
#[derive(Debug)]
pub(crate) enum Want<'a, S: Socket, R> {
    /// Resolve the endpoint's host name by `deadline`; report the addresses with
    /// [`Call::handle_resolved`].
    Resolve {
        host: &'a str,
        port: u16,
        #[cfg_attr(
            not(feature = "tokio"),
            allow(
                dead_code,
                reason = "the system resolver of `blocking` takes no deadline"
            )
        )]
        deadline: Option<Instant>,
    },
    /// Open a connection by `deadline`; report the socket with [`Call::handle_connected`].
    Connect {
        to: Target<'a>,
        deadline: Option<Instant>,
    },
    /// Write; report with [`Call::handle_written`].
    Write(Write<'a, S>),
    /// Read the next piece of the caller's streamed request body into `buf`; report with
    /// [`Call::handle_body_read`].
    ReadBody { body: &'a mut R, buf: &'a mut [u8] },
    /// Read the response; report with [`Call::handle_read`].
    Read(Read<'a, S>),
    /// The response head arrived: [`Call::into_exchange`] hands out the exchange, which
    /// goes on in the flavour's `Response`.
    Head,
}

/// Where to connect.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Target<'a> {
    Unix(&'a Path),
    Tcp(SocketAddr),
    /// Start ssh (see `ssh::spawn`): the connection is its stdin and stdout.
    Ssh {
        endpoint: &'a SshEndpoint,
        config: &'a SshConfig,
        connect_timeout: Option<Duration>,
    },
}

/// One `Transport::send`: chooses a connection (a pooled one, or a new one, trying each
/// resolved address in turn), writes the request, pumps a streamed body, awaits the head,
/// and sends once more on a fresh connection when a pooled one turns out stale.
#[derive(Debug)]
pub(crate) struct Call<'t, S: Socket, R> {
    shared: &'t Arc<Shared<S>>,
    request: &'t mut Request<R>,
    state: State<S>,
    /// The stale-connection retry was used.
    retried: bool,
    /// The call's total deadline, fixed at its first poll: `None` before it, `Some(None)`
    /// for a call without one.
    total: Option<Option<Total>>,
    pump: Pump,
    /// The body pump's buffer, allocated for a reader body only.
    chunk: Vec<u8>,
}

#[derive(Debug)]
#[expect(
    clippy::large_enum_variant,
    reason = "the exchange is the state a call spends its time in; boxing it would allocate per request"
)]
enum State<S: Socket> {
    /// No connection yet: take a pooled one, or open one.
    Choose,
    /// The host's addresses are awaited.
    Resolving { deadline: Option<Instant> },
    /// Connecting: to the Unix socket, or to each address in turn. `last` is the failure of
    /// the previous attempt.
    Connecting {
        route: Route,
        deadline: Option<Instant>,
        last: Option<io::Error>,
    },
    /// A new socket is open.
    Connected(S),
    /// The request is being written and the head awaited.
    Exchanging(Exchange<S>),
    /// The call failed.
    Done,
}

#[derive(Debug)]
enum Route {
    Unix { tried: bool },
    Tcp { addrs: Vec<SocketAddr>, next: usize },
}

impl Route {
    fn remaining(&self) -> usize {
        match self {
            Route::Unix { tried } => usize::from(!tried),
            Route::Tcp { addrs, next } => addrs.len() - next,
        }
    }
}

/// Where the streamed request body stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Pump {
    /// There is none: the body went out with the head.
    Off,
    /// The next piece is to be read from the caller's reader.
    Reading,
    /// The reader ended and the last chunk is encoded.
    Finished,
}

/// What [`Call::advance`] decided, before the want borrows anything.
#[derive(Debug)]
enum Next {
    Resolve(Option<Instant>),
    Connect(Option<SocketAddr>, Option<Instant>),
    Write,
    ReadBody,
    Read,
    Head,
}

/// True when this build speaks TLS.
const TLS_BUILT: bool = cfg!(feature = "tls");

/// The least time a connect attempt gets, when there is that much left, before later
/// addresses get theirs (Go's `net.Dialer` rule).
const MIN_ATTEMPT: Duration = Duration::from_secs(2);

impl<'t, S: Socket, R> Call<'t, S, R> {
    pub(crate) fn new(shared: &'t Arc<Shared<S>>, request: &'t mut Request<R>) -> Call<'t, S, R> {
        Call {
            shared,
            request,
            state: State::Choose,
            retried: false,
            total: None,
            pump: Pump::Off,
            chunk: Vec::new(),
        }
    }

    /// The next IO to do, or the exchange once the head arrived. See the module docs.
    pub(crate) fn poll_io(&mut self, now: Instant) -> Result<Want<'_, S, R>, Error> {
        if self.total.is_none() {
            self.total = Some(Total::of(&self.shared.config, self.request, now));
        }
        let want = match self.advance(now)? {
            Next::Resolve(deadline) => match &self.shared.config.endpoint {
                Endpoint::Tcp { host, port } | Endpoint::Tls { host, port } => Want::Resolve {
                    host,
                    port: *port,
                    deadline,
                },
                Endpoint::Unix(_) | Endpoint::Ssh(_) => {
                    unreachable!("only a TCP endpoint resolves")
                }
            },
            Next::Connect(addr, deadline) => {
                let config = &self.shared.config;
                let to = match (addr, &config.endpoint) {
                    (Some(addr), _) => Target::Tcp(addr),
                    (None, Endpoint::Unix(path)) => Target::Unix(path),
                    (None, Endpoint::Ssh(endpoint)) => Target::Ssh {
                        endpoint,
                        config: &config.ssh,
                        connect_timeout: config.timeouts.connect,
                    },
                    (None, Endpoint::Tcp { .. } | Endpoint::Tls { .. }) => {
                        unreachable!("a TCP route has addresses")
                    }
                };
                Want::Connect { to, deadline }
            }
            Next::Write => Want::Write(self.exchange().write()),
            Next::ReadBody => match &mut self.request.body {
                Body::Reader(body) => Want::ReadBody {
                    body,
                    buf: &mut self.chunk,
                },
                Body::Empty | Body::Bytes(_) => unreachable!("only a reader body is pumped"),
            },
            Next::Read => Want::Read(self.exchange().read()),
            Next::Head => Want::Head,
        };
        Ok(want)
    }

    /// The exchange, once [`Want::Head`] said its head arrived.
    pub(crate) fn into_exchange(self) -> Exchange<S> {
        match self.state {
            State::Exchanging(ex) => ex,
            _ => unreachable!("the head arrives in an exchange"),
        }
    }

    /// Reports the outcome of [`Want::Resolve`].
    pub(crate) fn handle_resolved(&mut self, res: io::Result<impl Iterator<Item = SocketAddr>>) {
        let State::Resolving { deadline } = self.state else {
            return;
        };
        // A failed lookup is a connect failure with no address to try.
        let (addrs, last) = match res {
            Ok(addrs) => (addrs.collect(), None),
            Err(e) => (Vec::new(), Some(e)),
        };
        self.state = State::Connecting {
            route: Route::Tcp { addrs, next: 0 },
            deadline,
            last,
        };
    }

    /// Reports the outcome of [`Want::Connect`].
    pub(crate) fn handle_connected(&mut self, res: io::Result<S>) {
        let State::Connecting { last, .. } = &mut self.state else {
            return;
        };
        match res {
            Ok(sock) => self.state = State::Connected(sock),
            Err(e) => *last = Some(e),
        }
    }

    /// Reports the outcome of [`Want::Write`].
    pub(crate) fn handle_written(&mut self, res: io::Result<usize>) {
        if let State::Exchanging(ex) = &mut self.state {
            ex.handle_written(res);
        }
    }

    /// Reports the outcome of [`Want::ReadBody`]: the piece is framed as a chunk, and the
    /// end of the reader as the last chunk.
    pub(crate) fn handle_body_read(&mut self, res: io::Result<usize>) {
        let State::Exchanging(ex) = &mut self.state else {
            return;
        };
        match res {
            Ok(0) => {
                ex.encode_finish();
                self.pump = Pump::Finished;
            }
            Ok(n) => ex.encode_body(&self.chunk[..n]),
            Err(e) if e.kind() == io::ErrorKind::Interrupted => (),
            Err(e) => ex.fail_with(self.shared.io_error(e)),
        }
    }

    /// Reports the outcome of [`Want::Read`].
    pub(crate) fn handle_read(&mut self, res: io::Result<usize>) {
        if let State::Exchanging(ex) = &mut self.state {
            ex.handle_read(res);
        }
    }

    /// Moves the state on as far as it goes without IO, and says what comes next. An
    /// attempt that failed on a stale pooled connection starts over, once.
    fn advance(&mut self, now: Instant) -> Result<Next, Error> {
        loop {
            let res = match &mut self.state {
                State::Choose => self.choose(now).map(|()| None),
                State::Resolving { deadline } => Ok(Some(Next::Resolve(*deadline))),
                State::Connecting { .. } => self.next_attempt(now).map(Some),
                State::Connected(_) => self.start_connected(now).map(|()| None),
                State::Exchanging(ex) => {
                    let pump = self.pump;
                    advance_exchange(ex, pump, now).map(Some)
                }
                State::Done => unreachable!("a call is not polled after it finished"),
            };
            match res {
                Ok(Some(Next::ReadBody)) if self.chunk.is_empty() => {
                    self.chunk = vec![0; READ_SIZE];
                    return Ok(Next::ReadBody);
                }
                Ok(Some(next)) => return Ok(next),
                Ok(None) => (),
                Err(e) if self.may_retry(&e) => {
                    crate::trace::retry(self.request.method, &self.request.target);
                    self.retried = true;
                    self.state = State::Choose;
                }
                Err(e) => {
                    self.state = State::Done;
                    return Err(e);
                }
            }
        }
    }

    /// True when `err` ended an attempt on a stale pooled connection and the request may
    /// be sent again: the retry is unused, the method idempotent, the body in memory.
    fn may_retry(&self, err: &Error) -> bool {
        let stale = match &self.state {
            State::Exchanging(ex) => ex.is_stale(err),
            _ => false,
        };
        stale && !self.retried && self.request.is_replayable()
    }

    /// Takes a pooled connection (probed, see [`Pool::take`](crate::pool::Pool::take)), or
    /// starts connecting.
    fn choose(&mut self, now: Instant) -> Result<(), Error> {
        if let Some(conn) = self.shared.pool.take(now) {
            return self.start(conn, true, now);
        }
        let connect = self.shared.config.timeouts.connect.map(|t| now + t);
        let deadline = Total::cap(self.total(), connect);
        let route = match &self.shared.config.endpoint {
            Endpoint::Unix(_) | Endpoint::Ssh(_) => Route::Unix { tried: false },
            Endpoint::Tls { .. } if !TLS_BUILT => {
                return Err(Error::Unsupported {
                    endpoint: self.shared.endpoint.clone(),
                    what: "TLS needs docker-transport's `tls` feature, which this build lacks"
                        .into(),
                })
            }
            Endpoint::Tls { .. } if !self.shared.has_tls() => {
                return Err(Error::Unsupported {
                    endpoint: self.shared.endpoint.clone(),
                    what: "a TLS endpoint with no TLS settings (set Config::tls, or use Config::from_env); \
                           nothing is sent in plain text"
                        .into(),
                })
            }
            Endpoint::Tcp { host, port } | Endpoint::Tls { host, port } => match host.parse::<IpAddr>() {
                Ok(ip) => Route::Tcp {
                    addrs: vec![SocketAddr::new(ip, *port)],
                    next: 0,
                },
                Err(_) => {
                    self.state = State::Resolving { deadline };
                    return Ok(());
                }
            },
        };
        self.state = State::Connecting {
            route,
            deadline,
            last: None,
        };
        Ok(())
    }

    /// The next connect attempt; the last failure when no address is left. The connect
    /// deadline is shared between the addresses left (see [`attempt_deadline`]).
    fn next_attempt(&mut self, now: Instant) -> Result<Next, Error> {
        let State::Connecting {
            route,
            deadline,
            last,
        } = &mut self.state
        else {
            unreachable!("called while connecting");
        };
        let total = self.total.flatten();
        if Total::passed(total, now) {
            let after = total.map(|t| t.after).unwrap_or_default();
            return Err(self.shared.timeout(TimeoutKind::Total, after));
        }
        let remaining = route.remaining();
        if remaining == 0 {
            let err = match (last.take(), &self.shared.config.endpoint) {
                (Some(e), _) => e,
                (None, Endpoint::Tcp { host, .. } | Endpoint::Tls { host, .. }) => io::Error::new(
                    io::ErrorKind::NotFound,
                    format!("{host} resolves to no address"),
                ),
                (None, Endpoint::Unix(_) | Endpoint::Ssh(_)) => {
                    unreachable!("a Unix or ssh route is tried once")
                }
            };
            return Err(self.shared.connect_error(err));
        }
        let deadline = match *deadline {
            Some(d) if d <= now => {
                let after = self.shared.config.timeouts.connect.unwrap_or_default();
                return Err(self.shared.timeout(TimeoutKind::Connect, after));
            }
            Some(d) => Some(attempt_deadline(now, d, remaining)),
            None => None,
        };
        let addr = match route {
            Route::Unix { tried } => {
                *tried = true;
                None
            }
            Route::Tcp { addrs, next } => {
                *next += 1;
                Some(addrs[*next - 1])
            }
        };
        Ok(Next::Connect(addr, deadline))
    }

    fn start_connected(&mut self, now: Instant) -> Result<(), Error> {
        let State::Connected(sock) = mem::replace(&mut self.state, State::Choose) else {
            unreachable!("called once connected");
        };
        let tls = self
            .shared
            .tls_session()
            .map_err(|e| self.shared.connect_error(e))?;
        let conn = Conn::new(sock, self.shared.config.limits.max_head_bytes, tls);
        self.start(conn, false, now)
    }

    fn start(&mut self, conn: Conn<S>, reused: bool, now: Instant) -> Result<(), Error> {
        let total = self.total();
        let ex = Exchange::start(self.shared.clone(), conn, reused, self.request, total, now)?;
        self.pump = match self.request.body {
            Body::Reader(_) => Pump::Reading,
            Body::Empty | Body::Bytes(_) => Pump::Off,
        };
        self.state = State::Exchanging(ex);
        Ok(())
    }

    /// The call's total deadline (fixed by the first poll).
    fn total(&self) -> Option<Total> {
        self.total.flatten()
    }

    fn exchange(&mut self) -> &mut Exchange<S> {
        match &mut self.state {
            State::Exchanging(ex) => ex,
            _ => unreachable!("advance decided on IO of the exchange"),
        }
    }
}

/// The request side of an exchange: write what is encoded, pump the body, await the head.
fn advance_exchange<S: Socket>(
    ex: &mut Exchange<S>,
    pump: Pump,
    now: Instant,
) -> Result<Next, Error> {
    ex.check(now)?;
    if ex.has_unwritten() {
        ex.prepare_write(now)?;
        return Ok(Next::Write);
    }
    if ex.awaits_handshake() {
        ex.prepare_read(now)?;
        return Ok(Next::Read);
    }
    if pump == Pump::Reading {
        return Ok(Next::ReadBody);
    }
    if ex.advance_head(now)? {
        return Ok(Next::Head);
    }
    ex.prepare_read(now)?;
    Ok(Next::Read)
}

/// The deadline of one connect attempt with `remaining` addresses left to try before
/// `deadline` (not passed at `now`): an equal share of the time left, but at least
/// [`MIN_ATTEMPT`] where there is that much, so that one black-holed address leaves time for
/// the next and a single address gets all of it.
fn attempt_deadline(now: Instant, deadline: Instant, remaining: usize) -> Instant {
    let left = deadline - now;
    let share = left / u32::try_from(remaining).unwrap_or(u32::MAX);
    now + share.max(MIN_ATTEMPT).min(left)
}
