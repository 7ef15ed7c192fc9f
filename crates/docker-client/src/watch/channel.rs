//! The bounded queue between a background reader and its consumer.

use std::collections::VecDeque;
use std::future::poll_fn;
use std::sync::{Mutex, MutexGuard};
use std::task::{Context, Poll, Waker};

use super::{InventoryChange, ResyncReason, WatchItem};

/// An item type that can report its own overflow.
pub(crate) trait Overflow {
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
/// dropped items.
///
/// Both sides wait through wakers, in both flavours: a consumer for an item (`recv`), the
/// producer for the consumer to stop (`stopped`, which its backoff races against a timer).
/// The blocking flavour's wakers unpark the waiting thread.
#[derive(Debug)]
pub(crate) struct Channel<T> {
    state: Mutex<State<T>>,
}

#[derive(Debug)]
struct State<T> {
    items: VecDeque<T>,
    capacity: usize,
    dropped: u64,
    /// The producer is done: once the queue is empty, the consumer sees the end.
    closed: bool,
    /// The consumer is gone: the producer should stop.
    stopped: bool,
    /// The consumers waiting for an item (usually one; a thread that iterates and one that
    /// waits with a timeout are two).
    consumers: Vec<Waker>,
    /// The producer, waiting for `stop`.
    producer: Option<Waker>,
}

impl<T: Overflow> Channel<T> {
    pub(crate) fn new(capacity: usize) -> Channel<T> {
        Channel {
            state: Mutex::new(State {
                items: VecDeque::new(),
                capacity: capacity.max(1),
                dropped: 0,
                closed: false,
                stopped: false,
                consumers: Vec::new(),
                producer: None,
            }),
        }
    }

    fn lock(&self) -> MutexGuard<'_, State<T>> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Wakes the consumers, and the producer too when `producer`.
    fn notify(mut state: MutexGuard<'_, State<T>>, producer: bool) {
        let consumers = std::mem::take(&mut state.consumers);
        let producer = match producer {
            true => state.producer.take(),
            false => None,
        };
        drop(state);
        for w in consumers.into_iter().chain(producer) {
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
        Self::notify(s, false);
    }

    /// The producer is done; the consumer gets what is queued, then the end.
    pub(crate) fn close(&self) {
        let mut s = self.lock();
        s.closed = true;
        Self::notify(s, false);
    }

    /// The consumer is gone: queued items are discarded and the producer told to stop.
    pub(crate) fn stop(&self) {
        let mut s = self.lock();
        s.stopped = true;
        s.items.clear();
        Self::notify(s, true);
    }

    pub(crate) fn is_stopped(&self) -> bool {
        self.lock().stopped
    }

    /// True once the consumer has seen (or will see) the end.
    pub(crate) fn is_finished(&self) -> bool {
        let s = self.lock();
        s.stopped || (s.closed && s.items.is_empty() && s.dropped == 0)
    }

    fn take(s: &mut State<T>) -> Option<T> {
        if let Some(item) = s.items.pop_front() {
            return Some(item);
        }
        match s.dropped {
            0 => None,
            _ => Some(T::overflow(std::mem::take(&mut s.dropped))),
        }
    }

    /// An item, the end (`None`), or a registered waker.
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
        if !s.consumers.iter().any(|w| w.will_wake(cx.waker())) {
            s.consumers.push(cx.waker().clone());
        }
        Poll::Pending
    }

    /// The next item; `None` at the end.
    pub(crate) async fn recv(&self) -> Option<T> {
        poll_fn(|cx| self.poll_recv(cx)).await
    }

    /// Ready once the consumer stops: the producer's backoff waits on this and a timer.
    pub(crate) async fn stopped(&self) {
        poll_fn(|cx| {
            let mut s = self.lock();
            match s.stopped {
                true => Poll::Ready(()),
                false => {
                    s.producer = Some(cx.waker().clone());
                    Poll::Pending
                }
            }
        })
        .await
    }
}
