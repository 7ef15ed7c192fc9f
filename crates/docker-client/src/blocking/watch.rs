//! The blocking event watcher and container inventory.
//!
//! Each runs on a background thread of its own (named `docker-watch` and
//! `docker-inventory`), which owns a clone of the client. The threads never wait on their
//! consumer: what the consumer has not taken waits in a bounded queue, and an overflow is
//! reported instead of blocking (the engine drops a subscriber that takes more than
//! 100 ms per event).

use std::collections::BTreeMap;
use std::fmt;
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant, SystemTime};

use docker_transport::blocking::AbortHandle;

use super::{Client, Events};
use crate::watch::{
    jitter_sample, reaction, Channel, Inventory, Reaction, RecvTimeoutError, Resume, Step,
};
use crate::{
    ContainerEntry, Error, EventsOptions, InventoryChange, InventoryOptions, Result, WatchConfig,
    WatchItem,
};

impl Client {
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
    /// A background thread reads the stream; [`EventWatcher::stop`] or a drop ends it.
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
    pub fn watch_events(&self, options: &EventsOptions) -> EventWatcher {
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
    /// while let Ok(item) = watcher.next_timeout(Duration::from_secs(1)) {
    ///     println!("{item:?}");
    /// }
    /// watcher.stop();
    /// # Ok::<(), docker_client::Error>(())
    /// ```
    pub fn watch_events_with(&self, options: &EventsOptions, config: WatchConfig) -> EventWatcher {
        let shared = Arc::new(Shared {
            queue: Channel::new(config.capacity),
            abort: Mutex::new(None),
        });
        let reader = Reader {
            client: self.clone(),
            resume: Resume::new(options, &config),
            shared: shared.clone(),
        };
        thread::Builder::new()
            .name("docker-watch".into())
            .spawn(move || reader.run())
            .expect("cannot start the event watcher's thread");
        EventWatcher { shared }
    }

    /// A live inventory of the running containers (optionally only those with given
    /// labels), kept current from the events, in the order that loses nothing: note the
    /// time, list the running containers, inspect each, then watch the container events
    /// from the noted time.
    ///
    /// A background thread applies the events (inspecting a container when its state
    /// changes) and re-lists whenever the watcher reports [`WatchItem::Resynced`], so
    /// [`snapshot`](ContainerInventory::snapshot) and [`get`](ContainerInventory::get)
    /// are current even when nobody reads the changes. The changes come out of the
    /// inventory as an iterator.
    ///
    /// Errors only when the first list or inspects fail.
    ///
    /// ```no_run
    /// use docker_client::{InventoryChange, InventoryOptions};
    /// let client = docker_client::blocking::Client::from_env()?;
    /// let inventory = client.container_inventory(&InventoryOptions::default())?;
    /// for c in inventory.snapshot().values() {
    ///     println!("{} pid {} image {}", c.name, c.pid, c.image);
    /// }
    /// for change in &inventory {
    ///     if let InventoryChange::Added(c) = change {
    ///         println!("started: {} pid {} ({} running)", c.name, c.pid, inventory.len());
    ///     }
    /// }
    /// # Ok::<(), docker_client::Error>(())
    /// ```
    pub fn container_inventory(&self, options: &InventoryOptions) -> Result<ContainerInventory> {
        let since = SystemTime::now();
        let mut inventory = Inventory::default();
        inventory.replace(list(self, options)?);
        let watcher =
            Arc::new(self.watch_events_with(&options.events_options(since), options.watch.clone()));
        let shared = Arc::new(InventoryShared {
            inventory: Mutex::new(inventory),
            changes: Channel::new(options.watch.capacity),
        });
        let worker = Worker {
            client: self.clone(),
            options: options.clone(),
            watcher: watcher.clone(),
            shared: shared.clone(),
        };
        thread::Builder::new()
            .name("docker-inventory".into())
            .spawn(move || worker.run())
            .expect("cannot start the inventory's thread");
        Ok(ContainerInventory { shared, watcher })
    }
}

/// The running containers as an ID → entry map, each inspected.
fn list(client: &Client, options: &InventoryOptions) -> Result<BTreeMap<String, ContainerEntry>> {
    let mut fresh = BTreeMap::new();
    for c in client.list_containers(&options.list_options())? {
        match client.inspect_container(&c.id) {
            Ok(inspect) => {
                if let Some(entry) = ContainerEntry::from_inspect(&inspect) {
                    fresh.insert(entry.id.clone(), entry);
                }
            }
            Err(e) if e.is_not_found() => (),
            Err(e) => return Err(e),
        }
    }
    Ok(fresh)
}

// ---------------------------------------------------------------------------------------
// The event watcher
// ---------------------------------------------------------------------------------------

/// A reconnecting event subscription: see [`Client::watch_events`].
///
/// An iterator of [`WatchItem`]s (also through `&EventWatcher`, so that another thread can
/// [`stop`](Self::stop) it). It ends after `stop`, when the watcher gives up
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
pub struct EventWatcher {
    shared: Arc<Shared>,
}

struct Shared {
    queue: Channel<WatchItem>,
    /// Shuts the current connection, so that a read blocked on a quiet stream returns.
    abort: Mutex<Option<AbortHandle>>,
}

impl Shared {
    fn set_abort(&self, handle: AbortHandle) {
        *self.abort.lock().unwrap_or_else(|e| e.into_inner()) = Some(handle);
        // `stop` may have run between the check before the request and now.
        if self.queue.is_stopped() {
            self.abort_now();
        }
    }

    fn abort_now(&self) {
        let handle = self.abort.lock().unwrap_or_else(|e| e.into_inner()).take();
        if let Some(h) = handle {
            h.abort();
        }
    }
}

impl EventWatcher {
    /// Stops the watcher: returns at once, closes the connection (a blocked read returns)
    /// and ends the iterator; queued items are discarded. Idempotent.
    ///
    /// The background thread ends as soon as its current call returns: at once for the
    /// event stream and for backoff waits; a connection attempt or `GET /info` in flight
    /// finishes first (bounded by the client's timeouts).
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
    }

    /// The next item, waiting at most `timeout`: `Err(Timeout)` when none came,
    /// `Err(Disconnected)` when the watcher has ended.
    ///
    /// ```no_run
    /// use std::sync::mpsc::RecvTimeoutError;
    /// use std::time::Duration;
    /// # let client = docker_client::blocking::Client::from_env()?;
    /// let watcher = client.watch_events(&Default::default());
    /// loop {
    ///     match watcher.next_timeout(Duration::from_millis(500)) {
    ///         Ok(item) => println!("{item:?}"),
    ///         Err(RecvTimeoutError::Timeout) => println!("quiet"),
    ///         Err(RecvTimeoutError::Disconnected) => break,
    ///     }
    /// }
    /// # Ok::<(), docker_client::Error>(())
    /// ```
    pub fn next_timeout(&self, timeout: Duration) -> Result<WatchItem, RecvTimeoutError> {
        let deadline = Instant::now().checked_add(timeout);
        self.shared.queue.recv(deadline)
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
}

impl Iterator for EventWatcher {
    type Item = WatchItem;

    fn next(&mut self) -> Option<WatchItem> {
        self.shared.queue.recv(None).ok()
    }
}

impl Iterator for &EventWatcher {
    type Item = WatchItem;

    fn next(&mut self) -> Option<WatchItem> {
        self.shared.queue.recv(None).ok()
    }
}

impl Drop for EventWatcher {
    fn drop(&mut self) {
        self.stop();
    }
}

impl fmt::Debug for EventWatcher {
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
struct Reader {
    client: Client,
    resume: Resume,
    shared: Arc<Shared>,
}

impl Reader {
    fn run(mut self) {
        loop {
            if self.shared.queue.is_stopped() {
                return;
            }
            let end = match self.connect() {
                Ok(events) => self.pump(events),
                Err(error) => {
                    if self.shared.queue.is_stopped() {
                        return;
                    }
                    let retry = self
                        .resume
                        .on_attempt_failed(Instant::now(), jitter_sample());
                    self.shared.queue.push(WatchItem::Reconnecting {
                        attempt: retry.attempt,
                        error,
                    });
                    match retry.delay {
                        Some(d) if self.shared.queue.sleep(d) => continue,
                        Some(_) => return,
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
                    self.shared
                        .queue
                        .push(WatchItem::Reconnecting { attempt: 0, error });
                }
            }
        }
    }

    /// One connection attempt: the engine's ID, the probe when one is needed, then the
    /// subscription. Reports the gap, if any, before returning the stream.
    fn connect(&mut self) -> Result<Events> {
        let plan = self.resume.plan(SystemTime::now());
        let info = self.client.info()?;
        if let Some(probe) = &plan.probe {
            let mut events = self.client.events(probe)?;
            self.shared.set_abort(events.abort_handle());
            let oldest = events.next().transpose()?.map(|e| e.time_nano());
            self.resume.on_probe(oldest);
        }
        let events = self.client.events(&plan.subscribe)?;
        self.shared.set_abort(events.abort_handle());
        if let Some(reason) = self.resume.on_connected(&info.id, Instant::now()) {
            self.shared.queue.push(WatchItem::Resynced(reason));
        }
        Ok(events)
    }

    fn pump(&mut self, events: Events) -> End {
        for item in events {
            if self.shared.queue.is_stopped() {
                return End::Stopped;
            }
            match item {
                Ok(event) => match self.resume.on_event(event) {
                    Step::Deliver(e) => self.shared.queue.push(WatchItem::Event(e)),
                    Step::Duplicate => (),
                    Step::ResyncThenDeliver(reason, e) => {
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

// ---------------------------------------------------------------------------------------
// The container inventory
// ---------------------------------------------------------------------------------------

/// A live map of the running containers: see [`Client::container_inventory`].
///
/// [`snapshot`](Self::snapshot), [`get`](Self::get) and [`ids`](Self::ids) read the
/// current map; iterating (over `&ContainerInventory` too) yields the
/// [`InventoryChange`]s as they are applied. Dropping it, or [`stop`](Self::stop), ends the
/// background thread and its watcher.
///
/// ```no_run
/// use docker_client::{InventoryChange, InventoryOptions};
/// # let client = docker_client::blocking::Client::from_env()?;
/// let inventory = client.container_inventory(&InventoryOptions::default())?;
/// for change in &inventory {
///     if let InventoryChange::Added(c) = change {
///         // The map already holds it (unless it changed again since).
///         println!("{} pid {} ({:?} now)", c.id, c.pid, inventory.get(&c.id).map(|e| e.pid));
///     }
/// }
/// # Ok::<(), docker_client::Error>(())
/// ```
pub struct ContainerInventory {
    shared: Arc<InventoryShared>,
    watcher: Arc<EventWatcher>,
}

struct InventoryShared {
    inventory: Mutex<Inventory>,
    changes: Channel<InventoryChange>,
}

impl InventoryShared {
    fn inventory(&self) -> std::sync::MutexGuard<'_, Inventory> {
        self.inventory.lock().unwrap_or_else(|e| e.into_inner())
    }
}

impl ContainerInventory {
    /// Every running container, by ID.
    ///
    /// ```no_run
    /// # let client = docker_client::blocking::Client::from_env()?;
    /// let inventory = client.container_inventory(&Default::default())?;
    /// for (id, c) in inventory.snapshot() {
    ///     println!("{id} {} {} pid {}", c.name, c.state, c.pid);
    /// }
    /// # Ok::<(), docker_client::Error>(())
    /// ```
    pub fn snapshot(&self) -> BTreeMap<String, ContainerEntry> {
        self.shared.inventory().snapshot()
    }

    /// The entry of a running container by its full ID.
    ///
    /// ```no_run
    /// # let client = docker_client::blocking::Client::from_env()?;
    /// # let id = "1cd7";
    /// let inventory = client.container_inventory(&Default::default())?;
    /// if let Some(c) = inventory.get(id) {
    ///     println!("pid {} runs {}", c.pid, c.image);
    /// }
    /// # Ok::<(), docker_client::Error>(())
    /// ```
    pub fn get(&self, id: &str) -> Option<ContainerEntry> {
        self.shared.inventory().get(id)
    }

    /// The IDs of the running containers, sorted.
    ///
    /// ```no_run
    /// # let client = docker_client::blocking::Client::from_env()?;
    /// let inventory = client.container_inventory(&Default::default())?;
    /// println!("{:?}", inventory.ids());
    /// # Ok::<(), docker_client::Error>(())
    /// ```
    pub fn ids(&self) -> Vec<String> {
        self.shared.inventory().ids()
    }

    /// How many containers are running.
    ///
    /// ```no_run
    /// # let client = docker_client::blocking::Client::from_env()?;
    /// let inventory = client.container_inventory(&Default::default())?;
    /// println!("{} running", inventory.len());
    /// # Ok::<(), docker_client::Error>(())
    /// ```
    pub fn len(&self) -> usize {
        self.shared.inventory().len()
    }

    /// True when no container runs.
    ///
    /// ```no_run
    /// # let client = docker_client::blocking::Client::from_env()?;
    /// let inventory = client.container_inventory(&Default::default())?;
    /// println!("idle: {}", inventory.is_empty());
    /// # Ok::<(), docker_client::Error>(())
    /// ```
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The next change, waiting at most `timeout`.
    ///
    /// ```no_run
    /// use std::time::Duration;
    /// # let client = docker_client::blocking::Client::from_env()?;
    /// let inventory = client.container_inventory(&Default::default())?;
    /// while let Ok(change) = inventory.next_timeout(Duration::from_secs(1)) {
    ///     println!("{change:?}");
    /// }
    /// # Ok::<(), docker_client::Error>(())
    /// ```
    pub fn next_timeout(&self, timeout: Duration) -> Result<InventoryChange, RecvTimeoutError> {
        let deadline = Instant::now().checked_add(timeout);
        self.shared.changes.recv(deadline)
    }

    /// Stops the inventory and its watcher; returns at once. The map stays readable but no
    /// longer changes.
    ///
    /// ```no_run
    /// # let client = docker_client::blocking::Client::from_env()?;
    /// let inventory = client.container_inventory(&Default::default())?;
    /// inventory.stop();
    /// println!("{} containers when stopped", inventory.len());
    /// # Ok::<(), docker_client::Error>(())
    /// ```
    pub fn stop(&self) {
        self.shared.changes.stop();
        self.watcher.stop();
    }
}

impl Iterator for ContainerInventory {
    type Item = InventoryChange;

    fn next(&mut self) -> Option<InventoryChange> {
        self.shared.changes.recv(None).ok()
    }
}

impl Iterator for &ContainerInventory {
    type Item = InventoryChange;

    fn next(&mut self) -> Option<InventoryChange> {
        self.shared.changes.recv(None).ok()
    }
}

impl Drop for ContainerInventory {
    fn drop(&mut self) {
        self.stop();
    }
}

impl fmt::Debug for ContainerInventory {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ContainerInventory")
            .field("running", &self.len())
            .finish_non_exhaustive()
    }
}

/// The inventory's background thread: applies the watcher's items to the map.
struct Worker {
    client: Client,
    options: InventoryOptions,
    watcher: Arc<EventWatcher>,
    shared: Arc<InventoryShared>,
}

impl Worker {
    fn run(self) {
        // `Some(reason)`: a re-list is due; the reason is reported once it is done.
        let mut relist: Option<Option<crate::ResyncReason>> = None;
        let mut failures = 0;
        loop {
            if self.shared.changes.is_stopped() {
                return;
            }
            if let Some(reason) = relist.take() {
                match list(&self.client, &self.options) {
                    Ok(fresh) => {
                        failures = 0;
                        let changes = self.shared.inventory().replace(fresh);
                        self.publish(changes);
                        if let Some(r) = reason {
                            self.shared.changes.push(InventoryChange::Resynced(r));
                        }
                    }
                    Err(_) => {
                        failures += 1;
                        relist = Some(reason);
                        let wait = self.options.watch.backoff.delay(failures, jitter_sample());
                        // Keep taking the watcher's items meanwhile: a later reason wins.
                        match self.watcher.next_timeout(wait) {
                            Ok(item) => self.apply(item, &mut relist),
                            Err(RecvTimeoutError::Timeout) => (),
                            Err(RecvTimeoutError::Disconnected) => return self.finish(),
                        }
                        continue;
                    }
                }
            }
            match (&*self.watcher).next() {
                Some(item) => self.apply(item, &mut relist),
                None => return self.finish(),
            }
        }
    }

    fn finish(&self) {
        self.shared.changes.close();
    }

    fn apply(&self, item: WatchItem, relist: &mut Option<Option<crate::ResyncReason>>) {
        match item {
            WatchItem::Event(event) => match reaction(&event) {
                Reaction::Ignore => (),
                Reaction::Forget(id) => {
                    let changes = self.shared.inventory().reconcile(&id, None);
                    self.publish(changes);
                }
                Reaction::Inspect(id) => match self.client.inspect_container(&id) {
                    Ok(c) => {
                        let entry = ContainerEntry::from_inspect(&c);
                        let changes = self.shared.inventory().reconcile(&id, entry);
                        self.publish(changes);
                    }
                    Err(e) if e.is_not_found() => {
                        let changes = self.shared.inventory().reconcile(&id, None);
                        self.publish(changes);
                    }
                    // The engine is in trouble; a re-list will settle this container.
                    Err(_) => {
                        relist.get_or_insert(None);
                    }
                },
            },
            WatchItem::Resynced(reason) => *relist = Some(Some(reason)),
            WatchItem::Reconnecting { .. } => (),
        }
    }

    fn publish(&self, changes: Vec<InventoryChange>) {
        for c in changes {
            self.shared.changes.push(c);
        }
    }
}
