//! The container inventory: the map of running containers, the rules that keep it equal
//! to `GET /containers/json`, and the worker that applies them in the background (one
//! future for both flavours).

use std::collections::BTreeMap;
use std::fmt;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, SystemTime};

use docker_models::EventMessage;

use super::resume::jitter_sample;
use super::watcher::wait_timeout;
use super::{
    Channel, ContainerEntry, EventWatcher, InventoryChange, InventoryOptions, ResyncReason,
    WatchItem,
};
use crate::flavour::io::FlavourIo;
use crate::{Client, Flavour, Result};

impl<F: Flavour> Client<F> {
    /// A live inventory of the running containers (optionally only those with given
    /// labels), kept current from the events, in the order that loses nothing: note the
    /// time, list the running containers, inspect each, then watch the container events
    /// from the noted time.
    ///
    /// A background worker (a thread in the blocking flavour, a task on the current
    /// runtime in the tokio flavour) applies the events (inspecting a container when its
    /// state changes) and re-lists whenever the watcher reports [`WatchItem::Resynced`], so
    /// [`snapshot`](ContainerInventory::snapshot) and [`get`](ContainerInventory::get) are
    /// current even when nobody reads the changes. The changes come out of the inventory as
    /// an iterator (blocking) or a stream (tokio).
    ///
    /// Errors only when the first list or inspects fail.
    ///
    /// ```no_run
    /// use docker_client::{InventoryChange, InventoryOptions};
    /// let client = docker_client::blocking::Client::from_env()?;
    /// let inventory = client.watch_containers(&InventoryOptions::default())?;
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
    pub fn watch_containers(
        &self,
        options: &InventoryOptions,
    ) -> F::Out<'_, ContainerInventory<F>> {
        let options = options.clone();
        self.run(async move {
            let since = SystemTime::now();
            let mut inventory = Inventory::default();
            inventory.replace(list(self, &options).await?);
            let watcher = Arc::new(
                self.watch_events_with(&options.events_options(since), options.watch.clone()),
            );
            let shared = Arc::new(InventoryShared {
                inventory: Mutex::new(inventory),
                changes: Channel::new(options.watch.capacity),
            });
            let worker = Worker {
                client: self.clone(),
                options,
                watcher: watcher.clone(),
                shared: shared.clone(),
            };
            let task = F::spawn("docker-inventory", worker.run());
            Ok(ContainerInventory {
                shared,
                watcher,
                task,
                endpoint: self.endpoint().to_string(),
            })
        })
    }
}

/// The running containers as an ID → entry map, each inspected.
async fn list<F: Flavour>(
    client: &Client<F>,
    options: &InventoryOptions,
) -> Result<BTreeMap<String, ContainerEntry>> {
    let mut fresh = BTreeMap::new();
    for c in F::wait(client.list_containers(&options.list_options())).await? {
        match F::wait(client.inspect_container(&c.id)).await {
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

/// A live map of the running containers: see [`Client::watch_containers`].
///
/// [`snapshot`](Self::snapshot), [`get`](Self::get) and [`ids`](Self::ids) read the
/// current map; iterating (blocking, over `&ContainerInventory` too) or polling the
/// stream (tokio) yields the [`InventoryChange`]s as they are applied. Dropping it, or
/// [`stop`](Self::stop), ends the background worker and its watcher.
///
/// ```no_run
/// use docker_client::{InventoryChange, InventoryOptions};
/// # let client = docker_client::blocking::Client::from_env()?;
/// let inventory = client.watch_containers(&InventoryOptions::default())?;
/// for change in &inventory {
///     if let InventoryChange::Added(c) = change {
///         // The map already holds it (unless it changed again since).
///         println!("{} pid {} ({:?} now)", c.id, c.pid, inventory.get(&c.id).map(|e| e.pid));
///     }
/// }
/// # Ok::<(), docker_client::Error>(())
/// ```
pub struct ContainerInventory<F: Flavour> {
    shared: Arc<InventoryShared>,
    watcher: Arc<EventWatcher<F>>,
    task: <F as FlavourIo>::Task,
    endpoint: String,
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

impl<F: Flavour> ContainerInventory<F> {
    /// Every running container, by ID.
    ///
    /// ```no_run
    /// # let client = docker_client::blocking::Client::from_env()?;
    /// let inventory = client.watch_containers(&Default::default())?;
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
    /// let inventory = client.watch_containers(&Default::default())?;
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
    /// let inventory = client.watch_containers(&Default::default())?;
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
    /// let inventory = client.watch_containers(&Default::default())?;
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
    /// let inventory = client.watch_containers(&Default::default())?;
    /// println!("idle: {}", inventory.is_empty());
    /// # Ok::<(), docker_client::Error>(())
    /// ```
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The next change, waiting at most `timeout`: `Ok(None)` once the inventory has
    /// ended, a [`TimeoutKind::Wait`](crate::TimeoutKind::Wait) timeout when no change came
    /// in time.
    ///
    /// ```no_run
    /// use std::time::Duration;
    /// # let client = docker_client::blocking::Client::from_env()?;
    /// let inventory = client.watch_containers(&Default::default())?;
    /// while let Ok(Some(change)) = inventory.next_timeout(Duration::from_secs(1)) {
    ///     println!("{change:?}");
    /// }
    /// # Ok::<(), docker_client::Error>(())
    /// ```
    pub fn next_timeout(&self, timeout: Duration) -> F::Out<'_, Option<InventoryChange>> {
        F::run(async move {
            match F::timeout(timeout, self.shared.changes.recv()).await {
                Some(change) => Ok(change),
                None => Err(wait_timeout(timeout, &self.endpoint)),
            }
        })
    }

    /// Stops the inventory and its watcher; returns at once. The map stays readable but no
    /// longer changes.
    ///
    /// ```no_run
    /// # let client = docker_client::blocking::Client::from_env()?;
    /// let inventory = client.watch_containers(&Default::default())?;
    /// inventory.stop();
    /// println!("{} containers when stopped", inventory.len());
    /// # Ok::<(), docker_client::Error>(())
    /// ```
    pub fn stop(&self) {
        self.shared.changes.stop();
        self.watcher.stop();
        F::cancel(&self.task);
    }

    pub(crate) fn changes(&self) -> &Channel<InventoryChange> {
        &self.shared.changes
    }
}

impl<F: Flavour> Drop for ContainerInventory<F> {
    fn drop(&mut self) {
        self.stop();
    }
}

impl<F: Flavour> fmt::Debug for ContainerInventory<F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ContainerInventory")
            .field("running", &self.len())
            .finish_non_exhaustive()
    }
}

/// The inventory's background worker: applies the watcher's items to the map.
struct Worker<F: Flavour> {
    client: Client<F>,
    options: InventoryOptions,
    watcher: Arc<EventWatcher<F>>,
    shared: Arc<InventoryShared>,
}

impl<F: Flavour> Worker<F> {
    async fn run(self) {
        // `Some(reason)`: a re-list is due; the reason is reported once it is done.
        let mut relist: Option<Option<ResyncReason>> = None;
        let mut failures = 0;
        loop {
            if self.shared.changes.is_stopped() {
                return;
            }
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
                        match F::timeout(wait, self.watcher.queue().recv()).await {
                            Some(Some(item)) => self.apply(item, &mut relist).await,
                            Some(None) => return self.shared.changes.close(),
                            None => (),
                        }
                        continue;
                    }
                }
            }
            match self.watcher.queue().recv().await {
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
                Reaction::Inspect(id) => {
                    match F::wait(self.client.inspect_container(&id)).await {
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
                    }
                }
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

/// What an event asks of the inventory.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Reaction {
    /// Nothing changes in the list (exec, top, kill before its die, ...).
    Ignore,
    /// Inspect this container and reconcile its entry.
    Inspect(String),
    /// The container is gone.
    Forget(String),
}

/// What a container event means for an inventory that mirrors `GET /containers/json`.
///
/// Every listed state change is confirmed by an inspect, so the entry is the engine's
/// current truth whatever the order of events and inspects; only `destroy` is final.
pub(crate) fn reaction(event: &EventMessage) -> Reaction {
    if event.typ != "container" {
        return Reaction::Ignore;
    }
    let id = event.actor_id();
    if id.is_empty() {
        return Reaction::Ignore;
    }
    let action = if event.action.is_empty() {
        &event.status
    } else {
        &event.action
    };
    match action.as_str() {
        "destroy" => Reaction::Forget(id.to_owned()),
        "start" | "die" | "pause" | "unpause" | "rename" | "restart" | "stop" | "oom" => {
            Reaction::Inspect(id.to_owned())
        }
        _ => Reaction::Ignore,
    }
}

/// The running containers by ID, and how they change.
#[derive(Debug, Default)]
pub(crate) struct Inventory {
    map: BTreeMap<String, ContainerEntry>,
}

impl Inventory {
    pub(crate) fn snapshot(&self) -> BTreeMap<String, ContainerEntry> {
        self.map.clone()
    }

    pub(crate) fn get(&self, id: &str) -> Option<ContainerEntry> {
        self.map.get(id).cloned()
    }

    pub(crate) fn ids(&self) -> Vec<String> {
        self.map.keys().cloned().collect()
    }

    pub(crate) fn len(&self) -> usize {
        self.map.len()
    }

    /// Sets what is known of container `id` now (`None`: not listed), returning the
    /// changes.
    pub(crate) fn reconcile(
        &mut self,
        id: &str,
        now: Option<ContainerEntry>,
    ) -> Vec<InventoryChange> {
        let before = self.map.get(id).cloned();
        let mut changes = Vec::new();
        match (before, now) {
            (None, None) => (),
            (None, Some(n)) => {
                self.map.insert(id.to_owned(), n.clone());
                changes.push(InventoryChange::Added(n));
            }
            (Some(b), None) => {
                self.map.remove(id);
                changes.push(InventoryChange::Removed(id.to_owned(), Some(b)));
            }
            (Some(b), Some(n)) => {
                if b.pid != n.pid || b.started_at != n.started_at {
                    // A new run: sensors must learn the new PID.
                    changes.push(InventoryChange::Removed(id.to_owned(), Some(b)));
                    changes.push(InventoryChange::Added(n.clone()));
                } else {
                    if b.state != n.state {
                        changes.push(InventoryChange::StateChanged {
                            id: id.to_owned(),
                            from: b.state,
                            to: n.state,
                        });
                    }
                    if b.name != n.name {
                        changes.push(InventoryChange::Renamed {
                            id: id.to_owned(),
                            from: b.name.clone(),
                            to: n.name.clone(),
                        });
                    }
                }
                self.map.insert(id.to_owned(), n);
            }
        }
        changes
    }

    /// Replaces the whole map with a fresh list (each entry inspected), returning the
    /// difference as changes: removals first, then additions and updates, by ID.
    pub(crate) fn replace(
        &mut self,
        fresh: BTreeMap<String, ContainerEntry>,
    ) -> Vec<InventoryChange> {
        let gone: Vec<String> = self
            .map
            .keys()
            .filter(|id| !fresh.contains_key(*id))
            .cloned()
            .collect();
        let mut changes = Vec::new();
        for id in gone {
            changes.extend(self.reconcile(&id, None));
        }
        for (id, entry) in fresh {
            changes.extend(self.reconcile(&id, Some(entry)));
        }
        changes
    }
}
