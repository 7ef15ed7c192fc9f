//! The event watcher: a subscription that survives broken connections and engine
//! restarts, and its reader, one future for both flavours.
//!
//! The reader never waits on its consumer: what the consumer has not taken waits in a
//! bounded queue, and an overflow is reported instead of blocking (the engine drops a
//! subscriber that takes more than 100 ms per event).

use std::fmt;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime};

use super::resume::{jitter_sample, Resume, Step};
use super::{Channel, WatchConfig, WatchItem};
use crate::flavour::io::FlavourIo;
use crate::stream::Items;
use crate::{Client, Error, EventsOptions, Flavour, Result, TimeoutKind};

use docker_models::EventMessage;

impl<F: Flavour> Client<F> {
    /// A long-lived subscription to the engine's events that survives broken connections
    /// and engine restarts, with the default [`WatchConfig`].
    ///
    /// It yields each event once, in order. When a connection breaks it reconnects with
    /// `since` set to the last event's `timeNano` and removes the events the replay brings
    /// twice; when it cannot prove that nothing was missed (the engine restarted, was
    /// unreachable, changed, or no longer holds the last event; the consumer fell behind)
    /// it says so with [`WatchItem::Resynced`], and the consumer re-lists. See
    /// `docs/EVENTS.md` for the guarantees and their limits.
    ///
    /// A background reader (a thread in the blocking flavour, a task spawned on the
    /// current runtime in the tokio flavour, which panics outside one) reads the stream;
    /// [`EventWatcher::stop`] or a drop ends it.
    ///
    /// ```no_run
    /// use docker_client::{EventsOptions, WatchItem};
    /// let client = docker_client::blocking::Client::from_env()?;
    /// let opts = EventsOptions::default().filter("type", "container");
    /// for item in client.watch_events(&opts) {
    ///     match item {
    ///         WatchItem::Event(e) => println!("{e}"),
    ///         WatchItem::Resynced(why) => println!("re-list the containers: {why}"),
    ///         WatchItem::Reconnecting { attempt, error } => eprintln!("#{attempt}: {error}"),
    ///     }
    /// }
    /// # Ok::<(), docker_client::Error>(())
    /// ```
    pub fn watch_events(&self, options: &EventsOptions) -> EventWatcher<F> {
        self.watch_events_with(options, WatchConfig::default())
    }

    /// [`watch_events`](Self::watch_events) with explicit backoff, queue bound and
    /// attempt limit.
    ///
    /// ```no_run
    /// use std::time::Duration;
    /// use docker_client::{EventsOptions, WatchConfig};
    /// let client = docker_client::blocking::Client::from_env()?;
    /// let mut config = WatchConfig::default();
    /// config.capacity = 64;
    /// config.backoff.max = Duration::from_secs(1);
    /// let watcher = client.watch_events_with(&EventsOptions::default(), config);
    /// while let Ok(Some(item)) = watcher.next_timeout(Duration::from_secs(1)) {
    ///     println!("{item:?}");
    /// }
    /// watcher.stop();
    /// # Ok::<(), docker_client::Error>(())
    /// ```
    pub fn watch_events_with(
        &self,
        options: &EventsOptions,
        config: WatchConfig,
    ) -> EventWatcher<F> {
        let shared = Arc::new(Shared {
            queue: Channel::new(config.capacity),
            abort: Mutex::new(None),
        });
        let reader = Reader {
            client: self.clone(),
            resume: Resume::new(options, &config),
            shared: shared.clone(),
        };
        let task = F::spawn("docker-watch", reader.run());
        EventWatcher {
            shared,
            task,
            endpoint: self.endpoint().to_string(),
        }
    }
}

/// A reconnecting event subscription: see [`Client::watch_events`].
///
/// In the blocking flavour an iterator of [`WatchItem`]s (also through `&EventWatcher`,
/// so that another thread can [`stop`](Self::stop) it); in the tokio flavour a
/// `futures_core::Stream`. It ends after `stop`, when the watcher gives up
/// ([`WatchConfig::max_attempts`]), or when the `until` of its options has passed.
/// Dropping it stops it.
///
/// ```no_run
/// use docker_client::WatchItem;
/// # let client = docker_client::blocking::Client::from_env()?;
/// let mut watcher = client.watch_events(&Default::default());
/// for item in watcher.by_ref().take(10) {
///     if let WatchItem::Event(e) = item {
///         println!("{e}");
///     }
/// }
/// # Ok::<(), docker_client::Error>(())
/// ```
pub struct EventWatcher<F: Flavour> {
    shared: Arc<Shared<F>>,
    task: <F as FlavourIo>::Task,
    endpoint: String,
}

struct Shared<F: Flavour> {
    queue: Channel<WatchItem>,
    /// Shuts the current connection, so that a read waiting on a quiet stream returns.
    abort: Mutex<Option<F::AbortHandle>>,
}

impl<F: Flavour> Shared<F> {
    fn set_abort(&self, handle: F::AbortHandle) {
        *self.abort.lock().unwrap_or_else(|e| e.into_inner()) = Some(handle);
        // `stop` may have run between the check before the request and now.
        if self.queue.is_stopped() {
            self.abort_now();
        }
    }

    fn abort_now(&self) {
        let handle = self.abort.lock().unwrap_or_else(|e| e.into_inner()).take();
        if let Some(h) = handle {
            F::abort(&h);
        }
    }
}

impl<F: Flavour> EventWatcher<F> {
    /// Stops the watcher: returns at once, closes the connection (a waiting read returns)
    /// and ends the items; queued items are discarded. Idempotent.
    ///
    /// The reader ends as soon as its current step returns: at once for the event stream
    /// and for backoff waits; a connection attempt or `GET /info` in flight finishes first
    /// (bounded by the client's timeouts) in the blocking flavour.
    ///
    /// ```no_run
    /// # let client = docker_client::blocking::Client::from_env()?;
    /// let watcher = client.watch_events(&Default::default());
    /// std::thread::scope(|s| {
    ///     s.spawn(|| for item in &watcher { println!("{item:?}") });
    ///     std::thread::sleep(std::time::Duration::from_secs(5));
    ///     watcher.stop();
    /// });
    /// # Ok::<(), docker_client::Error>(())
    /// ```
    pub fn stop(&self) {
        self.shared.queue.stop();
        self.shared.abort_now();
        F::cancel(&self.task);
    }

    /// The next item, waiting at most `timeout`: `Ok(None)` once the watcher has ended, a
    /// [`TimeoutKind::Wait`] timeout when no item came in time.
    ///
    /// ```no_run
    /// use std::time::Duration;
    /// # let client = docker_client::blocking::Client::from_env()?;
    /// let watcher = client.watch_events(&Default::default());
    /// loop {
    ///     match watcher.next_timeout(Duration::from_millis(500)) {
    ///         Ok(Some(item)) => println!("{item:?}"),
    ///         Ok(None) => break,
    ///         Err(e) if e.is_timeout() => println!("quiet"),
    ///         Err(e) => return Err(e),
    ///     }
    /// }
    /// # Ok::<(), docker_client::Error>(())
    /// ```
    pub fn next_timeout(&self, timeout: Duration) -> F::Out<'_, Option<WatchItem>> {
        F::run(async move {
            match F::timeout(timeout, self.shared.queue.recv()).await {
                Some(item) => Ok(item),
                None => Err(wait_timeout(timeout, &self.endpoint)),
            }
        })
    }

    /// True once the watcher has ended and every item was taken.
    ///
    /// ```no_run
    /// # let client = docker_client::blocking::Client::from_env()?;
    /// let watcher = client.watch_events(&Default::default());
    /// watcher.stop();
    /// assert!(watcher.is_finished());
    /// # Ok::<(), docker_client::Error>(())
    /// ```
    pub fn is_finished(&self) -> bool {
        self.shared.queue.is_finished()
    }

    pub(crate) fn queue(&self) -> &Channel<WatchItem> {
        &self.shared.queue
    }
}

/// The error of a `next_timeout` whose wait ran out.
pub(crate) fn wait_timeout(after: Duration, endpoint: &str) -> Error {
    Error::Timeout {
        kind: TimeoutKind::Wait,
        after,
        endpoint: endpoint.to_owned(),
        request: None,
    }
}

impl<F: Flavour> Drop for EventWatcher<F> {
    fn drop(&mut self) {
        self.stop();
    }
}

impl<F: Flavour> fmt::Debug for EventWatcher<F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EventWatcher")
            .field("finished", &self.is_finished())
            .finish_non_exhaustive()
    }
}

/// How a connection ended.
enum End {
    /// The `until` passed: the watcher is done.
    Finished,
    /// The consumer stopped the watcher.
    Stopped,
    /// The stream broke; reconnect.
    Broken(Error),
}

/// The background reader: connects, pumps, reconnects.
struct Reader<F: Flavour> {
    client: Client<F>,
    resume: Resume,
    shared: Arc<Shared<F>>,
}

impl<F: Flavour> Reader<F> {
    async fn run(mut self) {
        loop {
            if self.shared.queue.is_stopped() {
                return;
            }
            let end = match self.connect().await {
                Ok(events) => self.pump(events).await,
                Err(error) => {
                    if self.shared.queue.is_stopped() {
                        return;
                    }
                    let retry = self
                        .resume
                        .on_attempt_failed(Instant::now(), jitter_sample());
                    crate::trace::reconnecting(retry.attempt, &error);
                    self.shared.queue.push(WatchItem::Reconnecting {
                        attempt: retry.attempt,
                        error,
                    });
                    match retry.delay {
                        // The wait ends early when the consumer stops the watcher.
                        Some(d) => match F::timeout(d, self.shared.queue.stopped()).await {
                            None => continue,
                            Some(()) => return,
                        },
                        None => {
                            self.shared.queue.close();
                            return;
                        }
                    }
                }
            };
            match end {
                End::Finished => {
                    self.shared.queue.close();
                    return;
                }
                End::Stopped => return,
                End::Broken(error) => {
                    self.resume.on_disconnected(Instant::now());
                    crate::trace::reconnecting(0, &error);
                    self.shared
                        .queue
                        .push(WatchItem::Reconnecting { attempt: 0, error });
                }
            }
        }
    }

    /// One connection attempt: the engine's ID, the probe when one is needed, then the
    /// subscription. Reports the gap, if any, before returning the stream.
    async fn connect(&mut self) -> Result<Items<F, EventMessage>> {
        let plan = self.resume.plan(SystemTime::now());
        let info = F::wait(self.client.info()).await?;
        if let Some(probe) = &plan.probe {
            let mut events = F::wait(self.client.events(probe)).await?;
            self.shared.set_abort(events.abort_handle());
            let first = events.pull().await;
            let oldest = first.transpose()?.map(|e| e.time_nano());
            self.resume.on_probe(oldest);
        }
        let events = F::wait(self.client.events(&plan.subscribe)).await?;
        self.shared.set_abort(events.abort_handle());
        if let Some(reason) = self.resume.on_connected(&info.id, Instant::now()) {
            crate::trace::resynced(&reason);
            self.shared.queue.push(WatchItem::Resynced(reason));
        }
        Ok(events)
    }

    async fn pump(&mut self, mut events: Items<F, EventMessage>) -> End {
        while let Some(item) = events.pull().await {
            if self.shared.queue.is_stopped() {
                return End::Stopped;
            }
            match item {
                Ok(event) => match self.resume.on_event(event) {
                    Step::Deliver(e) => self.shared.queue.push(WatchItem::Event(e)),
                    Step::Duplicate => (),
                    Step::ResyncThenDeliver(reason, e) => {
                        crate::trace::resynced(&reason);
                        self.shared.queue.push(WatchItem::Resynced(reason));
                        self.shared.queue.push(WatchItem::Event(e));
                    }
                },
                Err(e) => return End::Broken(e),
            }
        }
        if self.shared.queue.is_stopped() {
            End::Stopped
        } else if self.resume.on_end(SystemTime::now()) {
            End::Finished
        } else {
            End::Broken(Error::Stream {
                message: "the engine ended the event stream".into(),
            })
        }
    }
}
