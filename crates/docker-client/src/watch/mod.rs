//! Events that lose nothing: the event watcher and the container inventory.
//!
//! - `resume`: the resume state machine. [`Resume`] decides, connection after connection,
//!   which `since` to ask for, which replayed events are duplicates, and when a gap must
//!   be reported as [`WatchItem::Resynced`]. No IO and no clock: times come in as `now`.
//! - `channel`: [`Channel`], the bounded queue between a reader and its consumer. Pushing
//!   never blocks; when it is full the items are counted and reported as one
//!   [`ResyncReason::ConsumerOverflow`].
//! - `inventory`: the map of running containers and the rules that turn an event, an
//!   inspect or a fresh list into [`InventoryChange`]s, and [`ContainerInventory`], which
//!   applies them in the background.
//! - `watcher`: [`EventWatcher`] and its reader, which connects, pumps and reconnects.
//!
//! The reader and the inventory's worker are each one future, generic over the flavour:
//! the blocking flavour runs it on a thread of its own, the tokio flavour spawns it as a
//! task. See ARCHITECTURE.md, "Watch and inventory", for what they promise.

use std::collections::BTreeMap;
use std::fmt;
use std::time::{Duration, SystemTime};

use docker_models::{ContainerInspect, EventMessage};

use crate::{Error, EventsOptions};

mod channel;
mod inventory;
mod resume;
mod watcher;

pub(crate) use channel::Channel;
pub use inventory::ContainerInventory;
pub use watcher::EventWatcher;

/// One item of an event watcher (`blocking::Client::watch_events` or
/// `tokio::Client::watch_events`).
///
/// ```
/// use docker_client::{ResyncReason, WatchItem};
///
/// fn handle(item: WatchItem) {
///     match item {
///         WatchItem::Event(e) => println!("{e}"),
///         // Something may have been missed: rebuild the state from a fresh list.
///         WatchItem::Resynced(reason) => println!("re-list: {reason}"),
///         WatchItem::Reconnecting { attempt, error } => eprintln!("attempt {attempt}: {error}"),
///     }
/// }
/// handle(WatchItem::Resynced(ResyncReason::ReplayIncomplete));
/// ```
#[derive(Debug)]
pub enum WatchItem {
    /// An event, delivered once: the duplicates a replay brings are removed.
    Event(EventMessage),
    /// Events may have been missed at this point; whatever state was built from the events
    /// must be rebuilt from a fresh list. The events that follow come after the gap.
    Resynced(ResyncReason),
    /// The connection failed; the watcher is reconnecting.
    ///
    /// `attempt` is 0 when an established stream broke (the watcher reconnects at once),
    /// and `n` ≥ 1 when the `n`-th consecutive connection attempt failed (the watcher waits
    /// the [`Backoff`] before the next one). `error` says what went wrong.
    Reconnecting {
        /// 0 for a broken stream, else the number of the attempt that failed.
        attempt: u32,
        /// Why the stream or the attempt failed.
        error: Error,
    },
}

/// Why a watcher could not prove that it missed nothing.
///
/// ```
/// use std::time::Duration;
/// use docker_client::ResyncReason;
///
/// let r = ResyncReason::EngineUnreachable { for_: Duration::from_millis(1500) };
/// assert_eq!(r.to_string(), "the engine was unreachable for 1.500s");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ResyncReason {
    /// At least one reconnection attempt failed (no socket, refused, or the connection
    /// closed before an answer). A restarting engine always shows this way: it closes its
    /// listener before it ends the streams, and a restarted engine has lost its event
    /// buffer.
    EngineUnreachable {
        /// From the loss of the stream (or the first failed attempt) to the reconnection.
        for_: Duration,
    },
    /// `GET /info` reports another engine ID than before: this is another engine, or the
    /// same one with a new data root.
    EngineChanged {
        /// The ID seen before.
        old_id: String,
        /// The ID seen now.
        new_id: String,
    },
    /// The engine no longer holds the events we resumed from: its replay buffer (the last
    /// 256 events) rotated past our last event, or it restarted.
    ReplayIncomplete,
    /// The consumer did not keep up: the bounded queue was full and `dropped` items were
    /// discarded (the watcher kept reading the engine, which drops subscribers that do not).
    ConsumerOverflow {
        /// How many items the consumer did not get.
        dropped: u64,
    },
}

impl fmt::Display for ResyncReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ResyncReason::EngineUnreachable { for_ } => {
                write!(
                    f,
                    "the engine was unreachable for {:.3}s",
                    for_.as_secs_f64()
                )
            }
            ResyncReason::EngineChanged { old_id, new_id } => {
                write!(f, "the engine changed from {old_id} to {new_id}")
            }
            ResyncReason::ReplayIncomplete => {
                f.write_str("the engine no longer holds the events to resume from")
            }
            ResyncReason::ConsumerOverflow { dropped } => {
                write!(f, "the consumer fell behind; {dropped} items were dropped")
            }
        }
    }
}

/// Bounded exponential backoff with jitter, for the waits between failed connection
/// attempts.
///
/// The wait after the `n`-th consecutive failure is `initial × multiplier^(n-1)`, capped at
/// `max`, then shortened by a random fraction of up to `jitter` (0 to 1), so that many
/// watchers do not reconnect in step. A broken stream is retried at once, without a wait.
///
/// ```
/// use std::time::Duration;
/// use docker_client::Backoff;
///
/// let mut b = Backoff::default();
/// b.initial = Duration::from_millis(100);
/// b.max = Duration::from_secs(2);
/// b.jitter = 0.0;
/// assert_eq!(b.delay(1, 0.5), Duration::from_millis(100));
/// assert_eq!(b.delay(3, 0.5), Duration::from_millis(400));
/// assert_eq!(b.delay(30, 0.5), Duration::from_secs(2));
/// ```
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Backoff {
    /// The wait after the first failure (default 100 ms).
    pub initial: Duration,
    /// The longest wait (default 5 s).
    pub max: Duration,
    /// The growth factor from one wait to the next (default 2; values below 1 count as 1).
    pub multiplier: f64,
    /// The largest fraction taken off a wait at random (default 0.2; clamped to 0..=1).
    pub jitter: f64,
}

impl Default for Backoff {
    fn default() -> Backoff {
        Backoff {
            initial: Duration::from_millis(100),
            max: Duration::from_secs(5),
            multiplier: 2.0,
            jitter: 0.2,
        }
    }
}

impl Backoff {
    /// The wait after `failures` consecutive failures (1 for the first), with `sample` a
    /// random number in `0..1` (taken as is, so that tests can pin it).
    ///
    /// The result lies in `[base × (1 - jitter), base]`, where `base` is
    /// `min(max, initial × multiplier^(failures-1))`; never above `max`.
    ///
    /// ```
    /// use std::time::Duration;
    /// let b = docker_client::Backoff::default(); // 100 ms, ×2, max 5 s, jitter 0.2
    /// let d = b.delay(2, 0.999);
    /// assert!(d > Duration::from_millis(160) && d <= Duration::from_millis(200));
    /// ```
    pub fn delay(&self, failures: u32, sample: f64) -> Duration {
        let max = self.max.as_secs_f64();
        let multiplier = if self.multiplier.is_finite() {
            self.multiplier.max(1.0)
        } else {
            1.0
        };
        let exponent = failures.saturating_sub(1).min(i32::MAX as u32) as i32;
        let base = (self.initial.as_secs_f64() * multiplier.powi(exponent)).min(max);
        let base = if base.is_finite() { base } else { max };
        let jitter = if self.jitter.is_finite() {
            self.jitter.clamp(0.0, 1.0)
        } else {
            0.0
        };
        let sample = if sample.is_finite() {
            sample.clamp(0.0, 1.0)
        } else {
            0.0
        };
        let secs = (base * (1.0 - jitter * sample)).clamp(0.0, max.max(0.0));
        Duration::try_from_secs_f64(secs)
            .unwrap_or(self.max)
            .min(self.max)
    }
}

/// How an event watcher reconnects and how much it buffers.
///
/// ```
/// use std::time::Duration;
/// use docker_client::WatchConfig;
///
/// let mut config = WatchConfig::default();
/// config.capacity = 256;
/// config.backoff.max = Duration::from_secs(1);
/// config.max_attempts = Some(100);
/// # let _ = config;
/// ```
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct WatchConfig {
    /// The waits between failed connection attempts.
    pub backoff: Backoff,
    /// The most items queued for the consumer (default 1024). When the queue is full, new
    /// items are dropped and reported as one [`ResyncReason::ConsumerOverflow`].
    pub capacity: usize,
    /// Gives up after this many consecutive failed attempts, ending the watcher (default:
    /// never; a permanent error such as a bad filter then shows as endless
    /// [`WatchItem::Reconnecting`] items).
    pub max_attempts: Option<u32>,
    /// How far before the last event a reconnection resumes (default 0: exactly at the
    /// last event's `timeNano`, which `since` includes). The engine stamps an event before
    /// it takes the lock that orders its buffer, so two events logged at the same instant
    /// can be buffered out of time order; a small overlap (10 ms is plenty) replays such
    /// neighbours too, and is recommended where a lost event costs more than a replay. The
    /// duplicates an overlap brings are removed like the others.
    pub overlap: Duration,
}

impl Default for WatchConfig {
    fn default() -> WatchConfig {
        WatchConfig {
            backoff: Backoff::default(),
            capacity: 1024,
            max_attempts: None,
            overlap: Duration::ZERO,
        }
    }
}

/// The state of a container in an inventory: the three states in which
/// `GET /containers/json` lists a container.
///
/// ```
/// use docker_client::RunState;
/// assert_eq!(RunState::Paused.to_string(), "paused");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RunState {
    /// Running.
    Running,
    /// Paused (frozen, still listed).
    Paused,
    /// Between two runs of a restart policy (still listed).
    Restarting,
}

impl fmt::Display for RunState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            RunState::Running => "running",
            RunState::Paused => "paused",
            RunState::Restarting => "restarting",
        })
    }
}

/// A running container as an inventory knows it: what a sensor needs to attribute a
/// process (its PID) and to judge it (its image), from `GET /containers/{id}/json`.
///
/// ```
/// use docker_client::{ContainerEntry, RunState};
/// let inspect: docker_client::models::ContainerInspect = serde_json::from_str(
///     r#"{"Id":"1cd7","Name":"/web","Image":"sha256:ab","Config":{"Image":"bb:latest"},
///         "State":{"Running":true,"Pid":4242,"StartedAt":"2026-01-01T00:00:00Z"}}"#,
/// ).unwrap();
/// let entry = ContainerEntry::from_inspect(&inspect).unwrap();
/// assert_eq!((entry.name.as_str(), entry.pid, entry.state), ("web", 4242, RunState::Running));
/// assert_eq!(entry.image, "bb:latest");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ContainerEntry {
    /// The full container ID.
    pub id: String,
    /// The name, without the leading `/`.
    pub name: String,
    /// The image as the container was created from it (`Config.Image`, e.g. `bb:latest`).
    pub image: String,
    /// The image ID (`Image`, `sha256:…`).
    pub image_id: String,
    /// The host PID of the container's first process.
    pub pid: u64,
    /// Running, paused or restarting.
    pub state: RunState,
    /// When the current run started (RFC 3339, as the engine writes it).
    pub started_at: String,
    /// The container's labels.
    pub labels: BTreeMap<String, String>,
}

impl ContainerEntry {
    /// The entry for an inspected container, or `None` when it is not listed by
    /// `GET /containers/json` (not running).
    ///
    /// ```
    /// let exited: docker_client::models::ContainerInspect = serde_json::from_str(
    ///     r#"{"Id":"1cd7","State":{"Status":"exited","Running":false,"ExitCode":0}}"#,
    /// ).unwrap();
    /// assert_eq!(docker_client::ContainerEntry::from_inspect(&exited), None);
    /// ```
    pub fn from_inspect(c: &ContainerInspect) -> Option<ContainerEntry> {
        if !c.state.running {
            return None;
        }
        let state = if c.state.paused {
            RunState::Paused
        } else if c.state.restarting {
            RunState::Restarting
        } else {
            RunState::Running
        };
        Some(ContainerEntry {
            id: c.id.clone(),
            name: c.name.strip_prefix('/').unwrap_or(&c.name).to_owned(),
            image: c.config.image.clone(),
            image_id: c.image.clone(),
            pid: c.state.pid,
            state,
            started_at: c.state.started_at.clone(),
            labels: c.config.labels.clone(),
        })
    }
}

/// A change of a container inventory.
///
/// ```
/// use docker_client::InventoryChange;
///
/// fn handle(change: InventoryChange) {
///     match change {
///         InventoryChange::Added(c) => println!("+ {} pid {} image {}", c.id, c.pid, c.image),
///         InventoryChange::Removed(id, _) => println!("- {id}"),
///         InventoryChange::StateChanged { id, from, to } => println!("{id}: {from} -> {to}"),
///         InventoryChange::Renamed { id, to, .. } => println!("{id} is now {to}"),
///         InventoryChange::Resynced(reason) => println!("re-listed: {reason}"),
///         _ => {}
///     }
/// }
/// # handle(InventoryChange::Removed("1cd7".into(), None));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum InventoryChange {
    /// A container is listed now: it started (or was found by a re-list).
    Added(ContainerEntry),
    /// A container is no longer listed (it died or was removed), with its last known
    /// entry (`None` only when the inventory never had one).
    Removed(String, Option<ContainerEntry>),
    /// A listed container was paused, unpaused or went into a restart-policy wait.
    StateChanged {
        /// The container ID.
        id: String,
        /// The state before.
        from: RunState,
        /// The state now.
        to: RunState,
    },
    /// A listed container was renamed.
    Renamed {
        /// The container ID.
        id: String,
        /// The old name.
        from: String,
        /// The new name.
        to: String,
    },
    /// The inventory re-listed the engine's containers because its watcher reported a
    /// possible gap (the changes that the re-list found come just before), or, with
    /// [`ResyncReason::ConsumerOverflow`], the consumer of the changes fell behind: the
    /// inventory itself is still exact, call `snapshot()`.
    Resynced(ResyncReason),
}

/// What a container inventory tracks: the running containers, optionally only those with
/// given labels, and how its watcher reconnects.
///
/// ```
/// use docker_client::InventoryOptions;
/// let opts = InventoryOptions::default().label("com.example.team=web");
/// # let _ = opts;
/// ```
#[derive(Debug, Clone, Default, PartialEq)]
#[non_exhaustive]
pub struct InventoryOptions {
    /// Label filters (`key` or `key=value`), all of which a container must match; applied
    /// to both the list and the events.
    pub labels: Vec<String>,
    /// The watcher's settings; `capacity` also bounds the queue of changes.
    pub watch: WatchConfig,
}

impl InventoryOptions {
    /// Tracks only containers with this label (`key` or `key=value`); several labels must
    /// all match.
    ///
    /// ```
    /// let opts = docker_client::InventoryOptions::default()
    ///     .label("com.example.team=web")
    ///     .label("com.example.monitored");
    /// assert_eq!(opts.labels.len(), 2);
    /// ```
    pub fn label(mut self, label: impl Into<String>) -> Self {
        self.labels.push(label.into());
        self
    }

    /// The watcher's settings.
    ///
    /// ```
    /// use std::time::Duration;
    /// use docker_client::{InventoryOptions, WatchConfig};
    /// let mut watch = WatchConfig::default();
    /// watch.backoff.max = Duration::from_secs(1);
    /// let opts = InventoryOptions::default().watch(watch);
    /// assert_eq!(opts.watch.backoff.max, Duration::from_secs(1));
    /// ```
    pub fn watch(self, watch: WatchConfig) -> Self {
        InventoryOptions { watch, ..self }
    }

    pub(crate) fn list_options(&self) -> crate::ListContainersOptions {
        let mut o = crate::ListContainersOptions::default();
        for l in &self.labels {
            o = o.filter("label", l.clone());
        }
        o
    }

    pub(crate) fn events_options(&self, since: SystemTime) -> EventsOptions {
        let mut o = EventsOptions::default()
            .since(since)
            .filter("type", "container");
        for l in &self.labels {
            o = o.filter("label", l.clone());
        }
        o
    }
}

#[cfg(test)]
mod tests;
