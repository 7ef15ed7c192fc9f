//! The bounded queue between a background reader and its consumer.

use std::collections::VecDeque;
use std::sync::{Condvar, Mutex, MutexGuard};
use std::task::Waker;
#[cfg(feature = "tokio")]
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use super::{InventoryChange, ResyncReason, WatchItem};

/// An item type that can report its own overflow.
pub trait Overflow {
    /// The item that stands for `dropped` items dropped.
    fn overflow(dropped: u64) -> Self;
}

impl Overflow for WatchItem {
    fn overflow(dropped: u64) -> WatchItem {
        WatchItem::Resynced(ResyncReason::ConsumerOverflow { dropped })
    }
}

impl Overflow for InventoryChange {
    fn overflow(dropped: u64) -> InventoryChange {
        InventoryChange::Resynced(ResyncReason::ConsumerOverflow { dropped })
    }
}

/// A bounded queue that never blocks its producer. When it is full, items are dropped and
/// counted; the count reaches the consumer as one overflow item, in the place of the
/// dropped items. Both flavours use it: the blocking one waits on the condition variable,
/// the tokio one registers a waker.
#[derive(Debug)]
pub struct Channel<T> {
    state: Mutex<ChannelState<T>>,
    changed: Condvar,
}

#[derive(Debug)]
struct ChannelState<T> {
    items: VecDeque<T>,
    capacity: usize,
    dropped: u64,
    /// The producer is done: once the queue is empty, the consumer sees the end.
    closed: bool,
    /// The consumer is gone: the producer should stop.
    stopped: bool,
    waker: Option<Waker>,
}

impl<T: Overflow> Channel<T> {
    pub(crate) fn new(capacity: usize) -> Channel<T> {
        Channel {
            state: Mutex::new(ChannelState {
                items: VecDeque::new(),
                capacity: capacity.max(1),
                dropped: 0,
                closed: false,
                stopped: false,
                waker: None,
            }),
            changed: Condvar::new(),
        }
    }

    fn lock(&self) -> MutexGuard<'_, ChannelState<T>> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn notify(&self, mut state: MutexGuard<'_, ChannelState<T>>) {
        let waker = state.waker.take();
        drop(state);
        self.changed.notify_all();
        if let Some(w) = waker {
            w.wake();
        }
    }

    /// Queues an item, or counts it as dropped when the queue is full. Never blocks.
    pub(crate) fn push(&self, item: T) {
        let mut s = self.lock();
        if s.stopped || s.closed {
            return;
        }
        if s.items.len() >= s.capacity {
            s.dropped = s.dropped.saturating_add(1);
            return;
        }
        if s.dropped > 0 {
            let dropped = std::mem::take(&mut s.dropped);
            s.items.push_back(T::overflow(dropped));
        }
        s.items.push_back(item);
        self.notify(s);
    }

    /// The producer is done; the consumer gets what is queued, then the end.
    pub(crate) fn close(&self) {
        let mut s = self.lock();
        s.closed = true;
        self.notify(s);
    }

    /// The consumer is gone: queued items are discarded and the producer told to stop.
    pub(crate) fn stop(&self) {
        let mut s = self.lock();
        s.stopped = true;
        s.items.clear();
        self.notify(s);
    }

    pub(crate) fn is_stopped(&self) -> bool {
        self.lock().stopped
    }

    /// True once the consumer has seen (or will see) the end.
    pub(crate) fn is_finished(&self) -> bool {
        let s = self.lock();
        s.stopped || (s.closed && s.items.is_empty() && s.dropped == 0)
    }

    fn take(s: &mut ChannelState<T>) -> Option<T> {
        if let Some(item) = s.items.pop_front() {
            return Some(item);
        }
        match s.dropped {
            0 => None,
            _ => Some(T::overflow(std::mem::take(&mut s.dropped))),
        }
    }

    /// Waits for an item until `deadline` (forever when `None`): `Ok(None)` at the end,
    /// `Err(())` when the deadline passed first.
    #[cfg(any(feature = "blocking", test))]
    pub(crate) fn recv(&self, deadline: Option<Instant>) -> Result<Option<T>, ()> {
        let mut s = self.lock();
        loop {
            if s.stopped {
                return Ok(None);
            }
            if let Some(item) = Self::take(&mut s) {
                return Ok(Some(item));
            }
            if s.closed {
                return Ok(None);
            }
            s = match deadline {
                None => self.changed.wait(s).unwrap_or_else(|e| e.into_inner()),
                Some(d) => {
                    let left = d.saturating_duration_since(Instant::now());
                    if left.is_zero() {
                        return Err(());
                    }
                    self.changed
                        .wait_timeout(s, left)
                        .unwrap_or_else(|e| e.into_inner())
                        .0
                }
            };
        }
    }

    /// The async receive: an item, the end (`None`), or a registered waker.
    #[cfg(feature = "tokio")]
    pub(crate) fn poll_recv(&self, cx: &mut Context<'_>) -> Poll<Option<T>> {
        let mut s = self.lock();
        if s.stopped {
            return Poll::Ready(None);
        }
        if let Some(item) = Self::take(&mut s) {
            return Poll::Ready(Some(item));
        }
        if s.closed {
            return Poll::Ready(None);
        }
        s.waker = Some(cx.waker().clone());
        Poll::Pending
    }

    /// Sleeps for `d` unless the consumer stops first; false when it did.
    pub(crate) fn sleep(&self, d: Duration) -> bool {
        let deadline = Instant::now() + d;
        let mut s = self.lock();
        loop {
            if s.stopped {
                return false;
            }
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return true;
            }
            s = self
                .changed
                .wait_timeout(s, left)
                .unwrap_or_else(|e| e.into_inner())
                .0;
        }
    }
}

/// A stoppable wait, for a watcher's backoff: the blocking flavour sleeps on the queue's
/// condition variable so that `stop` wakes it at once.
pub trait Pause: Send + Sync {
    /// Sleeps for `d` unless the consumer stops first; false when it did.
    fn sleep(&self, d: Duration) -> bool;
    /// True once the consumer stopped.
    fn is_stopped(&self) -> bool;
}

impl<T: Overflow + Send> Pause for Channel<T> {
    fn sleep(&self, d: Duration) -> bool {
        Channel::sleep(self, d)
    }

    fn is_stopped(&self) -> bool {
        Channel::is_stopped(self)
    }
}
