//! The TLS session type of a build without the `tls` feature: it has no values, so every
//! connection is plain and the code that handles TLS is unreachable (and compiled away).
//! An `Endpoint::Tls` is refused before connecting, with [`Error::Unsupported`](crate::Error).

use crate::buffer::ReadBuf;

/// No TLS session can exist without the `tls` feature.
#[derive(Debug)]
pub(crate) enum TlsSession {}

/// Why a TLS session failed (never, here).
#[derive(Debug)]
pub(crate) struct TlsFailure {
    pub(crate) problem: crate::TlsProblem,
    pub(crate) detail: String,
}

impl TlsSession {
    pub(crate) fn is_handshaking(&self) -> bool {
        match *self {}
    }
    pub(crate) fn send(&mut self, _plain: &[u8]) -> usize {
        match *self {}
    }
    pub(crate) fn pending(&mut self) -> &[u8] {
        match *self {}
    }
    pub(crate) fn wrote(&mut self, _n: usize) {
        match *self {}
    }
    pub(crate) fn room(&mut self) -> &mut [u8] {
        match *self {}
    }
    pub(crate) fn filled(&mut self, _n: usize) {
        match *self {}
    }
    pub(crate) fn closed(&mut self) -> Result<(), TlsFailure> {
        match *self {}
    }
    pub(crate) fn pump(&mut self, _buf: &mut ReadBuf) -> Result<usize, TlsFailure> {
        match *self {}
    }
    pub(crate) fn closed_in_handshake(&self) -> TlsFailure {
        match *self {}
    }
}

impl TlsSession {
    pub(crate) fn read_upgraded(&mut self, _out: &mut [u8]) -> std::io::Result<Option<usize>> {
        match *self {}
    }
    pub(crate) fn feed(&mut self, _cipher: &[u8]) -> std::io::Result<()> {
        match *self {}
    }
    pub(crate) fn encrypt(&mut self, _plain: &[u8]) -> (usize, Vec<u8>) {
        match *self {}
    }
    pub(crate) fn close_notify(&mut self) -> Vec<u8> {
        match *self {}
    }
}

/// The room for ciphertext of one read.
pub(crate) const CIPHER_ROOM: usize = 0;
