//! The per-connection read buffer: a `Vec` with start and end cursors.

/// How much is asked of the socket per read.
pub(crate) const READ_SIZE: usize = 64 * 1024;
/// Below this much free space at the tail, unread bytes move to the front.
const MIN_SPARE: usize = 4 * 1024;

/// Bytes read from a socket and not yet consumed by the codec.
///
/// `data[start..end]` is unconsumed. Consumed bytes stay in place until the next
/// [`reserve`](ReadBuf::reserve), so a body range handed out by the exchange stays valid until
/// the next read. The buffer grows only while an incomplete head needs room, and never past
/// the head limit plus one read.
#[derive(Debug)]
pub(crate) struct ReadBuf {
    data: Vec<u8>,
    start: usize,
    end: usize,
    max: usize,
}

impl ReadBuf {
    pub(crate) fn new(max_head_bytes: usize) -> ReadBuf {
        ReadBuf {
            data: Vec::new(),
            start: 0,
            end: 0,
            max: max_head_bytes.saturating_add(READ_SIZE).max(READ_SIZE),
        }
    }

    /// The unconsumed bytes, and the index of their first byte in the buffer.
    pub(crate) fn unconsumed(&self) -> (&[u8], usize) {
        (&self.data[self.start..self.end], self.start)
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.start == self.end
    }

    pub(crate) fn consume(&mut self, n: usize) {
        debug_assert!(self.start + n <= self.end);
        self.start += n;
    }

    /// Bytes at absolute positions, handed out earlier as a body range.
    pub(crate) fn slice(&self, range: std::ops::Range<usize>) -> &[u8] {
        &self.data[range]
    }

    /// Makes room for a read; false when the buffer is full and may not grow (the codec's
    /// head limit makes this unreachable).
    pub(crate) fn reserve(&mut self) -> bool {
        if self.start == self.end {
            self.start = 0;
            self.end = 0;
        }
        if self.data.is_empty() {
            self.data = vec![0; READ_SIZE];
        }
        if self.data.len() - self.end < MIN_SPARE && self.start > 0 {
            self.data.copy_within(self.start..self.end, 0);
            self.end -= self.start;
            self.start = 0;
        }
        if self.data.len() - self.end < MIN_SPARE {
            let len = (self.data.len() * 2).min(self.max);
            if len <= self.end {
                return false;
            }
            self.data.resize(len, 0);
        }
        true
    }

    /// The room made by [`reserve`](ReadBuf::reserve): at most one read size.
    pub(crate) fn spare(&mut self) -> &mut [u8] {
        let end = (self.end + READ_SIZE).min(self.data.len());
        &mut self.data[self.end..end]
    }

    /// Records that `n` bytes were read into [`spare`](ReadBuf::spare).
    pub(crate) fn filled(&mut self, n: usize) {
        self.end += n;
        debug_assert!(self.end <= self.data.len());
    }

    /// Moves up to `out.len()` unconsumed bytes into `out` (the leftover of an upgrade).
    pub(crate) fn drain_into(&mut self, out: &mut [u8]) -> usize {
        let n = out.len().min(self.end - self.start);
        out[..n].copy_from_slice(&self.data[self.start..self.start + n]);
        self.start += n;
        n
    }

    /// Frees the memory once the leftover is drained (upgraded streams bypass the buffer).
    pub(crate) fn release_if_empty(&mut self) {
        if self.is_empty() && !self.data.is_empty() {
            self.data = Vec::new();
            self.start = 0;
            self.end = 0;
        }
    }
}
