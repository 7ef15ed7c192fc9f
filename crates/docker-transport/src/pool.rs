//! The bounded idle pool, generic over the socket type of a flavour. It reads no clock: the
//! driver passes the flavour's `now`.

use std::sync::Mutex;
use std::time::{Duration, Instant};

use crate::buffer::ReadBuf;
use crate::tls::TlsSession;

/// What the shared code asks a flavour's socket directly. None of these may wait; everything
/// that may wait goes through a [`Want`](crate::drive::Want) instead.
pub(crate) trait Socket {
    /// A cheap, non-blocking check that an idle connection is still open and quiet: the peer
    /// has not closed it and has sent nothing unsolicited.
    fn is_alive(&mut self) -> bool;
    /// False while something outside the exchange (an abort handle) can still act on the
    /// socket, or after it did: such a connection is never pooled.
    fn is_private(&self) -> bool;
    /// True once an abort handle fired.
    fn is_aborted(&self) -> bool;
    /// Called when the connection is dropped rather than pooled.
    fn close(&self) {}
    /// For the connection of an `ssh://` endpoint, what ssh wrote to its standard error so
    /// far (read without waiting); `None` for a socket.
    fn ssh_stderr(&self) -> Option<String> {
        None
    }
}

/// A connection with its buffers, which live as long as it does. `buf` and `out` hold
/// plaintext; a TLS connection's ciphertext is in its session.
#[derive(Debug)]
pub(crate) struct Conn<S> {
    pub(crate) io: S,
    pub(crate) buf: ReadBuf,
    pub(crate) out: Vec<u8>,
    pub(crate) tls: Option<Box<TlsSession>>,
}

impl<S> Conn<S> {
    pub(crate) fn new(io: S, max_head_bytes: usize, tls: Option<TlsSession>) -> Conn<S> {
        Conn {
            io,
            buf: ReadBuf::new(max_head_bytes),
            out: Vec::new(),
            tls: tls.map(Box::new),
        }
    }
}

/// A pooled connection and the moment it went idle.
#[derive(Debug)]
struct Idle<S> {
    conn: Conn<S>,
    since: Instant,
}

/// Idle keep-alive connections, newest last.
#[derive(Debug)]
pub(crate) struct Pool<S> {
    idle: Mutex<Vec<Idle<S>>>,
    max: usize,
    expiry: Duration,
}

/// A write buffer grown past this by a large body is not kept.
const MAX_KEPT_OUT: usize = 256 * 1024;

impl<S: Socket> Pool<S> {
    pub(crate) fn new(max: usize, expiry: Duration) -> Pool<S> {
        Pool {
            idle: Mutex::new(Vec::with_capacity(max)),
            max,
            expiry,
        }
    }

    /// The newest live idle connection at `now`, if any. Expired and dead ones are closed.
    ///
    /// Every connection is probed before it is reused, however briefly it was idle: a
    /// closed one would cost only the stale retry, but bytes the peer sent unasked would be
    /// read as the next request's answer, and only the probe sees them.
    pub(crate) fn take(&self, now: Instant) -> Option<Conn<S>> {
        if self.max == 0 {
            return None;
        }
        loop {
            let mut conn = {
                let mut idle = self.idle.lock().unwrap_or_else(|e| e.into_inner());
                let newest = idle.pop()?;
                if now.saturating_duration_since(newest.since) >= self.expiry {
                    // The newest is expired, so all are.
                    idle.clear();
                    return None;
                }
                newest.conn
            };
            if conn.io.is_alive() {
                return Some(conn);
            }
        }
    }

    /// Keeps a connection whose exchange ended cleanly at `now`, evicting the oldest when
    /// full.
    pub(crate) fn put(&self, mut conn: Conn<S>, now: Instant) {
        if self.max == 0 {
            return;
        }
        if conn.out.capacity() > MAX_KEPT_OUT {
            conn.out = Vec::new();
        }
        conn.out.clear();
        let mut idle = self.idle.lock().unwrap_or_else(|e| e.into_inner());
        idle.retain(|c| now.saturating_duration_since(c.since) < self.expiry);
        if idle.len() >= self.max {
            idle.remove(0);
        }
        idle.push(Idle { conn, since: now });
    }
}
