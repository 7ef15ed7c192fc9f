//! The tokio event watcher and container inventory.
//!
//! Each runs as a task spawned on the current tokio runtime, which owns a clone of the
//! client. The tasks never wait on their consumer: what the consumer has not taken waits
//! in a bounded queue, and an overflow is reported instead of blocking (the engine drops
//! a subscriber that takes more than 100 ms per event).

use std::collections::BTreeMap;
use std::fmt;
use std::future::poll_fn;
use std::pin::Pin;
use std::sync::{Arc, Mutex, MutexGuard};
use std::task::{Context, Poll};
use std::time::{Instant, SystemTime};

use ::tokio::task::AbortHandle;
use futures_core::Stream;

use super::{Client, Events};
use crate::watch::{jitter_sample, reaction, Channel, Inventory, Reaction, Resume, Step};
use crate::{
    ContainerEntry, Error, EventsOptions, InventoryChange, InventoryOptions, Result, ResyncReason,
    WatchConfig, WatchItem,
};

impl Client {
    /// A long-lived subscription to the engine's events that survives broken connections
    /// and engine restarts, with the default [`WatchConfig`]: the tokio twin of
    /// [`blocking::Client::watch_events`](crate::blocking::Client::watch_events), whose
    /// documentation describes the behaviour.
    ///
    /// The reader is a task spawned on the current runtime; [`EventWatcher::stop`] or a
    /// drop aborts it.
    ///
    /// # Panics
    ///
    /// When called outside a tokio runtime.
    ///
    /// ```no_run
    /// # async fn run(client: docker_client::tokio::Client) {
    /// use docker_client::{EventsOptions, WatchItem};
    /// let opts = EventsOptions::default().filter("type", "container");
    /// let watcher = client.watch_events(&opts);
    /// while let Some(item) = watcher.next().await {
    ///     match item {
    ///         WatchItem::Event(e) => println!("{e}"),
    ///         WatchItem::Resynced(why) => println!("re-list the containers: {why}"),
    ///         WatchItem::Reconnecting { attempt, error } => eprintln!("#{attempt}: {error}"),
    ///     }
    /// }
    /// # }
    /// ```
    pub fn watch_events(&self, options: &EventsOptions) -> EventWatcher {
        self.watch_events_with(options, WatchConfig::default())
    }

    /// [`watch_events`](Self::watch_events) with explicit backoff, queue bound and
    /// attempt limit.
    ///
    /// # Panics
    ///
    /// When called outside a tokio runtime.
    ///
    /// ```no_run
    /// # async fn run(client: docker_client::tokio::Client) {
    /// use std::time::Duration;
    /// use docker_client::{EventsOptions, WatchConfig};
    /// let mut config = WatchConfig::default();
    /// config.capacity = 64;
    /// config.backoff.max = Duration::from_secs(1);
    /// let watcher = client.watch_events_with(&EventsOptions::default(), config);
    /// while let Ok(Some(item)) = tokio::time::timeout(Duration::from_secs(1), watcher.next()).await {
    ///     println!("{item:?}");
    /// }
    /// watcher.stop();
    /// # }
    /// ```
    pub fn watch_events_with(&self, options: &EventsOptions, config: WatchConfig) -> EventWatcher {
        let queue = Arc::new(Channel::new(config.capacity));
        let reader = Reader {
            client: self.clone(),
            resume: Resume::new(options, &config),
            queue: queue.clone(),
        };
        let task = ::tokio::spawn(reader.run()).abort_handle();
        EventWatcher { queue, task }
    }

    /// A live inventory of the running containers: the tokio twin of
    /// [`blocking::Client::container_inventory`](crate::blocking::Client::container_inventory),
    /// whose documentation describes the behaviour. Its worker is a task spawned on the
    /// current runtime.
    ///
    /// Errors only when the first list or inspects fail.
    ///
    /// # Panics
    ///
    /// When called outside a tokio runtime.
    ///
    /// ```no_run
    /// # async fn run(client: docker_client::tokio::Client) -> docker_client::Result<()> {
    /// use docker_client::{InventoryChange, InventoryOptions};
    /// let inventory = client.container_inventory(&InventoryOptions::default()).await?;
    /// for c in inventory.snapshot().values() {
    ///     println!("{} pid {} image {}", c.name, c.pid, c.image);
    /// }
    /// while let Some(change) = inventory.next().await {
    ///     if let InventoryChange::Added(c) = change {
    ///         println!("started: {} pid {}", c.name, c.pid);
    ///     }
    /// }
    /// # Ok(()) }
    /// ```
    pub async fn container_inventory(
        &self,
        options: &InventoryOptions,
    ) -> Result<ContainerInventory> {
        let since = SystemTime::now();
        let mut inventory = Inventory::default();
        inventory.replace(list(self, options).await?);
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
        let task = ::tokio::spawn(worker.run()).abort_handle();
        Ok(ContainerInventory {
            shared,
            watcher,
            task,
        })
    }
}

/// The running containers as an ID → entry map, each inspected.
async fn list(
    client: &Client,
    options: &InventoryOptions,
) -> Result<BTreeMap<String, ContainerEntry>> {
    let mut fresh = BTreeMap::new();
    for c in client.list_containers(&options.list_options()).await? {
        match client.inspect_container(&c.id).await {
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
/// A [`Stream`] of [`WatchItem`]s, also readable with [`next`](Self::next) through a
/// shared reference (one consumer at a time). It ends after [`stop`](Self::stop), when the
/// watcher gives up ([`WatchConfig::max_attempts`]), or when the `until` of its options
/// has passed. Dropping it stops it.
///
/// ```no_run
/// # async fn run(client: docker_client::tokio::Client) {
/// use docker_client::WatchItem;
/// let watcher = client.watch_events(&Default::default());
/// while let Some(item) = watcher.next().await {
///     if let WatchItem::Event(e) = item {
///         println!("{e}");
///     }
/// }
/// # }
/// ```
pub struct EventWatcher {
    queue: Arc<Channel<WatchItem>>,
    task: AbortHandle,
}

impl EventWatcher {
    /// The next item; `None` once the watcher has ended.
    ///
    /// ```no_run
    /// # async fn run(client: docker_client::tokio::Client) {
    /// let watcher = client.watch_events(&Default::default());
    /// if let Some(item) = watcher.next().await {
    ///     println!("{item:?}");
    /// }
    /// # }
    /// ```
    pub async fn next(&self) -> Option<WatchItem> {
        poll_fn(|cx| self.queue.poll_recv(cx)).await
    }

    /// Stops the watcher: aborts its task (which closes the connection), ends the stream
    /// and discards queued items. Returns at once; idempotent.
    ///
    /// ```no_run
    /// # async fn run(client: docker_client::tokio::Client) {
    /// let watcher = client.watch_events(&Default::default());
    /// watcher.stop();
    /// assert!(watcher.next().await.is_none());
    /// # }
    /// ```
    pub fn stop(&self) {
        self.queue.stop();
        self.task.abort();
    }

    /// True once the watcher has ended and every item was taken.
    ///
    /// ```no_run
    /// # async fn run(client: docker_client::tokio::Client) {
    /// let watcher = client.watch_events(&Default::default());
    /// watcher.stop();
    /// assert!(watcher.is_finished());
    /// # }
    /// ```
    pub fn is_finished(&self) -> bool {
        self.queue.is_finished()
    }
}

impl Stream for EventWatcher {
    type Item = WatchItem;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<WatchItem>> {
        self.queue.poll_recv(cx)
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
    /// The stream broke; reconnect.
    Broken(Error),
}

/// The reader task: connects, pumps, reconnects.
struct Reader {
    client: Client,
    resume: Resume,
    queue: Arc<Channel<WatchItem>>,
}

impl Reader {
    async fn run(mut self) {
        loop {
            if self.queue.is_stopped() {
                return;
            }
            let end = match self.connect().await {
                Ok(events) => self.pump(events).await,
                Err(error) => {
                    let retry = self
                        .resume
                        .on_attempt_failed(Instant::now(), jitter_sample());
                    self.queue.push(WatchItem::Reconnecting {
                        attempt: retry.attempt,
                        error,
                    });
                    match retry.delay {
                        Some(d) => {
                            ::tokio::time::sleep(d).await;
                            continue;
                        }
                        None => {
                            self.queue.close();
                            return;
                        }
                    }
                }
            };
            match end {
                End::Finished => {
                    self.queue.close();
                    return;
                }
                End::Broken(error) => {
                    self.resume.on_disconnected(Instant::now());
                    self.queue
                        .push(WatchItem::Reconnecting { attempt: 0, error });
                }
            }
        }
    }

    /// One connection attempt: the engine's ID, the probe when one is needed, then the
    /// subscription. Reports the gap, if any, before returning the stream.
    async fn connect(&mut self) -> Result<Events> {
        let plan = self.resume.plan(SystemTime::now());
        let info = self.client.info().await?;
        if let Some(probe) = &plan.probe {
            let mut events = self.client.events(probe).await?;
            let first = poll_fn(|cx| Pin::new(&mut events).poll_next(cx)).await;
            let oldest = first.transpose()?.map(|e| e.time_nano());
            self.resume.on_probe(oldest);
        }
        let events = self.client.events(&plan.subscribe).await?;
        if let Some(reason) = self.resume.on_connected(&info.id, Instant::now()) {
            self.queue.push(WatchItem::Resynced(reason));
        }
        Ok(events)
    }

    async fn pump(&mut self, mut events: Events) -> End {
        while let Some(item) = poll_fn(|cx| Pin::new(&mut events).poll_next(cx)).await {
            match item {
                Ok(event) => match self.resume.on_event(event) {
                    Step::Deliver(e) => self.queue.push(WatchItem::Event(e)),
                    Step::Duplicate => (),
                    Step::ResyncThenDeliver(reason, e) => {
                        self.queue.push(WatchItem::Resynced(reason));
                        self.queue.push(WatchItem::Event(e));
                    }
                },
                Err(e) => return End::Broken(e),
            }
        }
        if self.resume.on_end(SystemTime::now()) {
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
/// current map; the [`Stream`] (or [`next`](Self::next)) yields the [`InventoryChange`]s
/// as they are applied. Dropping it, or [`stop`](Self::stop), aborts its task and its
/// watcher.
///
/// ```no_run
/// # async fn run(client: docker_client::tokio::Client) -> docker_client::Result<()> {
/// use docker_client::{InventoryChange, InventoryOptions};
/// let inventory = client.container_inventory(&InventoryOptions::default()).await?;
/// while let Some(change) = inventory.next().await {
///     if let InventoryChange::Removed(id, last) = change {
///         println!("{id} stopped; it ran {:?}", last.map(|e| e.image));
///     }
/// }
/// # Ok(()) }
/// ```
pub struct ContainerInventory {
    shared: Arc<InventoryShared>,
    watcher: Arc<EventWatcher>,
    task: AbortHandle,
}

struct InventoryShared {
    inventory: Mutex<Inventory>,
    changes: Channel<InventoryChange>,
}

impl InventoryShared {
    fn inventory(&self) -> MutexGuard<'_, Inventory> {
        self.inventory.lock().unwrap_or_else(|e| e.into_inner())
    }
}

impl ContainerInventory {
    /// Every running container, by ID.
    ///
    /// ```no_run
    /// # async fn run(client: docker_client::tokio::Client) -> docker_client::Result<()> {
    /// let inventory = client.container_inventory(&Default::default()).await?;
    /// for (id, c) in inventory.snapshot() {
    ///     println!("{id} {} {} pid {}", c.name, c.state, c.pid);
    /// }
    /// # Ok(()) }
    /// ```
    pub fn snapshot(&self) -> BTreeMap<String, ContainerEntry> {
        self.shared.inventory().snapshot()
    }

    /// The entry of a running container by its full ID.
    ///
    /// ```no_run
    /// # async fn run(client: docker_client::tokio::Client, id: &str) -> docker_client::Result<()> {
    /// let inventory = client.container_inventory(&Default::default()).await?;
    /// if let Some(c) = inventory.get(id) {
    ///     println!("pid {} runs {}", c.pid, c.image);
    /// }
    /// # Ok(()) }
    /// ```
    pub fn get(&self, id: &str) -> Option<ContainerEntry> {
        self.shared.inventory().get(id)
    }

    /// The IDs of the running containers, sorted.
    ///
    /// ```no_run
    /// # async fn run(client: docker_client::tokio::Client) -> docker_client::Result<()> {
    /// let inventory = client.container_inventory(&Default::default()).await?;
    /// println!("{:?}", inventory.ids());
    /// # Ok(()) }
    /// ```
    pub fn ids(&self) -> Vec<String> {
        self.shared.inventory().ids()
    }

    /// How many containers are running.
    ///
    /// ```no_run
    /// # async fn run(client: docker_client::tokio::Client) -> docker_client::Result<()> {
    /// let inventory = client.container_inventory(&Default::default()).await?;
    /// println!("{} running", inventory.len());
    /// # Ok(()) }
    /// ```
    pub fn len(&self) -> usize {
        self.shared.inventory().len()
    }

    /// True when no container runs.
    ///
    /// ```no_run
    /// # async fn run(client: docker_client::tokio::Client) -> docker_client::Result<()> {
    /// let inventory = client.container_inventory(&Default::default()).await?;
    /// println!("idle: {}", inventory.is_empty());
    /// # Ok(()) }
    /// ```
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The next change; `None` once the inventory has stopped.
    ///
    /// ```no_run
    /// # async fn run(client: docker_client::tokio::Client) -> docker_client::Result<()> {
    /// let inventory = client.container_inventory(&Default::default()).await?;
    /// while let Some(change) = inventory.next().await {
    ///     println!("{change:?}");
    /// }
    /// # Ok(()) }
    /// ```
    pub async fn next(&self) -> Option<InventoryChange> {
        poll_fn(|cx| self.shared.changes.poll_recv(cx)).await
    }

    /// Stops the inventory and its watcher; returns at once. The map stays readable but no
    /// longer changes.
    ///
    /// ```no_run
    /// # async fn run(client: docker_client::tokio::Client) -> docker_client::Result<()> {
    /// let inventory = client.container_inventory(&Default::default()).await?;
    /// inventory.stop();
    /// println!("{} containers when stopped", inventory.len());
    /// # Ok(()) }
    /// ```
    pub fn stop(&self) {
        self.shared.changes.stop();
        self.task.abort();
        self.watcher.stop();
    }
}

impl Stream for ContainerInventory {
    type Item = InventoryChange;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<InventoryChange>> {
        self.shared.changes.poll_recv(cx)
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

/// The inventory's task: applies the watcher's items to the map.
struct Worker {
    client: Client,
    options: InventoryOptions,
    watcher: Arc<EventWatcher>,
    shared: Arc<InventoryShared>,
}

impl Worker {
    async fn run(self) {
        // `Some(reason)`: a re-list is due; the reason is reported once it is done.
        let mut relist: Option<Option<ResyncReason>> = None;
        let mut failures = 0;
        loop {
            if let Some(reason) = relist.take() {
                match list(&self.client, &self.options).await {
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
                        match ::tokio::time::timeout(wait, self.watcher.next()).await {
                            Ok(Some(item)) => self.apply(item, &mut relist).await,
                            Ok(None) => return self.shared.changes.close(),
                            Err(_) => (),
                        }
                        continue;
                    }
                }
            }
            match self.watcher.next().await {
                Some(item) => self.apply(item, &mut relist).await,
                None => return self.shared.changes.close(),
            }
        }
    }

    async fn apply(&self, item: WatchItem, relist: &mut Option<Option<ResyncReason>>) {
        match item {
            WatchItem::Event(event) => match reaction(&event) {
                Reaction::Ignore => (),
                Reaction::Forget(id) => {
                    let changes = self.shared.inventory().reconcile(&id, None);
                    self.publish(changes);
                }
                Reaction::Inspect(id) => match self.client.inspect_container(&id).await {
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
