//! Events that lose nothing: what both flavours' `EventWatcher` and `ContainerInventory`
//! share, without any IO.
//!
//! - [`Resume`] decides, connection after connection, which `since` to ask for, which
//!   replayed events are duplicates, and when a gap must be reported as
//!   [`WatchItem::Resynced`].
//! - [`Backoff`] computes the waits between failed attempts.
//! - [`Channel`] is the bounded queue between a flavour's reader and its consumer: pushing
//!   never blocks; when it is full the items are counted and reported as one
//!   [`ResyncReason::ConsumerOverflow`].
//! - [`Inventory`] is the map of running containers and the rules that turn an event, an
//!   inspect or a fresh list into [`InventoryChange`]s.
//!
//! The flavours (`blocking/watch.rs`, `tokio/watch.rs`) only do the IO and the waiting.

use std::collections::hash_map::RandomState;
use std::collections::{BTreeMap, HashSet, VecDeque};
use std::fmt;
use std::hash::{BuildHasher, Hasher};
use std::sync::{Condvar, Mutex, MutexGuard};
use std::task::Waker;
#[cfg(feature = "tokio")]
use std::task::{Context, Poll};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use docker_models::{ContainerInspect, EventMessage};

use crate::{Error, EventsOptions};

// ---------------------------------------------------------------------------------------
// Public types
// ---------------------------------------------------------------------------------------

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

// ---------------------------------------------------------------------------------------
// Time and keys
// ---------------------------------------------------------------------------------------

/// Unix nanoseconds of a time (0 before the epoch, saturating far in the future).
pub(crate) fn nanos_of(t: SystemTime) -> i64 {
    let d = t.duration_since(UNIX_EPOCH).unwrap_or(Duration::ZERO);
    i64::try_from(d.as_nanos()).unwrap_or(i64::MAX)
}

/// The time of Unix nanoseconds (negative counts as the epoch).
pub(crate) fn time_of(nanos: i64) -> SystemTime {
    UNIX_EPOCH + Duration::from_nanos(u64::try_from(nanos).unwrap_or(0))
}

/// What identifies one event across a replay: `timeNano`, actor ID, type and action.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) struct Key {
    pub(crate) time_nano: i64,
    actor: String,
    typ: String,
    action: String,
}

impl Key {
    pub(crate) fn of(e: &EventMessage) -> Key {
        let action = if e.action.is_empty() {
            &e.status
        } else {
            &e.action
        };
        Key {
            time_nano: e.time_nano(),
            actor: e.actor_id().to_owned(),
            typ: e.typ.clone(),
            action: action.clone(),
        }
    }
}

/// The keys of the last events delivered, to recognise them in a replay.
///
/// A replay holds at most the engine's 256 buffered events; the events of it that we
/// delivered are among our last 256 (plus a few that a subscription race can repeat), so
/// twice that is plenty.
#[derive(Debug, Default, Clone)]
struct Recent {
    order: VecDeque<Key>,
    set: HashSet<Key>,
}

const RECENT: usize = 512;

impl Recent {
    fn contains(&self, k: &Key) -> bool {
        self.set.contains(k)
    }

    fn insert(&mut self, k: Key) {
        if self.set.insert(k.clone()) {
            self.order.push_back(k);
            if self.order.len() > RECENT {
                if let Some(old) = self.order.pop_front() {
                    self.set.remove(&old);
                }
            }
        }
    }
}

/// A random number in `0..1` for the backoff's jitter, from the standard library's
/// randomly keyed hasher (no extra dependency).
pub(crate) fn jitter_sample() -> f64 {
    let mut h = RandomState::new().build_hasher();
    h.write_u64(nanos_of(SystemTime::now()) as u64);
    (h.finish() >> 11) as f64 / (1u64 << 53) as f64
}

// ---------------------------------------------------------------------------------------
// The resume state machine
// ---------------------------------------------------------------------------------------

/// What to send for the next connection.
#[derive(Debug)]
pub(crate) struct Plan {
    /// A bounded, unfiltered request whose first event tells whether the engine's buffer
    /// still reaches back before our `since` (sent only when there is no last event).
    pub(crate) probe: Option<EventsOptions>,
    /// The subscription.
    pub(crate) subscribe: EventsOptions,
}

/// What to do with an event that arrived.
#[derive(Debug)]
pub(crate) enum Step {
    /// Deliver it.
    Deliver(EventMessage),
    /// Already delivered: drop it.
    Duplicate,
    /// The replay proved a gap before this event: report it, then deliver the event.
    ResyncThenDeliver(ResyncReason, EventMessage),
}

/// What to do after a failed attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Retry {
    /// The number of the attempt that failed (1 for the first of an outage).
    pub(crate) attempt: u32,
    /// The wait before the next attempt; `None` when the watcher gives up.
    pub(crate) delay: Option<Duration>,
}

#[derive(Debug, Clone, Copy)]
struct Outage {
    since: Instant,
    failures: u32,
}

/// The watcher's memory across connections, and its decisions. No IO, no clock: the
/// flavour passes the times in.
///
/// The proof of continuity: `since` is inclusive at the nanosecond and the engine filters
/// its replay like the live stream, so after a reconnection with `since` = our last
/// event's `timeNano`, the replay must contain that event again. While it has not come
/// back, any new event newer than it shows that the engine lost it (its 256-event buffer
/// rotated, or it restarted): that is [`ResyncReason::ReplayIncomplete`]. Before the first
/// event there is nothing to find again; a probe of the engine's unfiltered buffer then
/// checks that the buffer still reaches back before our `since`.
#[derive(Debug, Clone)]
pub(crate) struct Resume {
    options: EventsOptions,
    overlap: i64,
    backoff: Backoff,
    max_attempts: Option<u32>,
    /// Where the watch starts: the caller's `since`, else the time of the first attempt.
    floor: Option<i64>,
    /// The last event delivered.
    anchor: Option<Key>,
    recent: Recent,
    connected_once: bool,
    /// Set after a reconnection until the anchor comes back (or is proven lost).
    verifying: Option<Key>,
    outage: Option<Outage>,
    engine_id: Option<String>,
    probe_failed: bool,
}

impl Resume {
    pub(crate) fn new(options: &EventsOptions, config: &WatchConfig) -> Resume {
        Resume {
            options: options.clone(),
            overlap: i64::try_from(config.overlap.as_nanos()).unwrap_or(i64::MAX),
            backoff: config.backoff.clone(),
            max_attempts: config.max_attempts,
            floor: options.since_time().map(nanos_of),
            anchor: None,
            recent: Recent::default(),
            connected_once: false,
            verifying: None,
            outage: None,
            engine_id: None,
            probe_failed: false,
        }
    }

    /// The `since` of the next subscription, in Unix nanoseconds (`None`: as given).
    pub(crate) fn resume_since(&self) -> Option<i64> {
        match &self.anchor {
            // The overlap never reaches before the caller's `since`: older events were not
            // asked for.
            Some(a) => Some(
                a.time_nano
                    .saturating_sub(self.overlap)
                    .max(self.options.since_time().map_or(i64::MIN, nanos_of)),
            ),
            None if self.connected_once => self.floor,
            None => None,
        }
    }

    /// What to send for the next connection attempt; `now` is the wall clock.
    pub(crate) fn plan(&mut self, now: SystemTime) -> Plan {
        let floor = *self.floor.get_or_insert_with(|| nanos_of(now));
        let subscribe = match self.resume_since() {
            Some(since) => self.options.clone().since(time_of(since)),
            None => self.options.clone(),
        };
        let wants_probe =
            self.anchor.is_none() && (self.connected_once || self.options.since_time().is_some());
        let probe = (wants_probe && floor > 1).then(|| {
            EventsOptions::default()
                .since(UNIX_EPOCH)
                .until(time_of(floor - 1))
        });
        self.probe_failed = false;
        Plan { probe, subscribe }
    }

    /// The first event of the probe (its `timeNano`), or `None` when it had none.
    pub(crate) fn on_probe(&mut self, oldest: Option<i64>) {
        let floor = self.floor.unwrap_or(0);
        self.probe_failed = !oldest.is_some_and(|t| t < floor);
    }

    /// The subscription is open (its head arrived); `engine_id` is `GET /info`'s `ID`.
    /// Returns the gap to report before any event of this connection, if any.
    pub(crate) fn on_connected(&mut self, engine_id: &str, now: Instant) -> Option<ResyncReason> {
        let reason = match (&self.engine_id, self.outage) {
            (Some(old), _) if old != engine_id => Some(ResyncReason::EngineChanged {
                old_id: old.clone(),
                new_id: engine_id.to_owned(),
            }),
            (_, Some(o)) if o.failures > 0 => Some(ResyncReason::EngineUnreachable {
                for_: now.saturating_duration_since(o.since),
            }),
            _ if self.probe_failed => Some(ResyncReason::ReplayIncomplete),
            _ => None,
        };
        self.verifying = match (&reason, self.connected_once) {
            (None, true) => self.anchor.clone(),
            _ => None,
        };
        self.engine_id = Some(engine_id.to_owned());
        self.connected_once = true;
        self.outage = None;
        self.probe_failed = false;
        reason
    }

    /// An event arrived.
    pub(crate) fn on_event(&mut self, event: EventMessage) -> Step {
        let key = Key::of(&event);
        if self.recent.contains(&key) {
            if self.verifying.as_ref() == Some(&key) {
                self.verifying = None;
            }
            return Step::Duplicate;
        }
        let gap = match &self.verifying {
            Some(anchor) if key.time_nano > anchor.time_nano => {
                self.verifying = None;
                true
            }
            _ => false,
        };
        self.recent.insert(key.clone());
        self.anchor = Some(key);
        match gap {
            true => Step::ResyncThenDeliver(ResyncReason::ReplayIncomplete, event),
            false => Step::Deliver(event),
        }
    }

    /// The stream ended without an error at wall-clock `now`. True when that is the end
    /// the caller asked for (`until` has passed); otherwise it counts as a broken stream.
    pub(crate) fn on_end(&self, now: SystemTime) -> bool {
        self.options.until_time().is_some_and(|until| now >= until)
    }

    /// An established stream broke at `now`; the watcher reconnects at once.
    pub(crate) fn on_disconnected(&mut self, now: Instant) {
        self.outage = Some(Outage {
            since: now,
            failures: 0,
        });
    }

    /// A connection attempt failed at `now`; `sample` is a random number in `0..1`.
    pub(crate) fn on_attempt_failed(&mut self, now: Instant, sample: f64) -> Retry {
        let outage = self.outage.get_or_insert(Outage {
            since: now,
            failures: 0,
        });
        outage.failures = outage.failures.saturating_add(1);
        let attempt = outage.failures;
        let delay = match self.max_attempts {
            Some(max) if attempt >= max => None,
            _ => Some(self.backoff.delay(attempt, sample)),
        };
        Retry { attempt, delay }
    }
}

// ---------------------------------------------------------------------------------------
// The bounded queue between a reader and its consumer
// ---------------------------------------------------------------------------------------

/// An item type that can report its own overflow.
pub(crate) trait Overflow {
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
pub(crate) struct Channel<T> {
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

/// Why a blocking receive returned without an item.
#[cfg(any(feature = "blocking", test))]
pub(crate) use std::sync::mpsc::RecvTimeoutError;

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

    /// Waits for an item until `deadline` (forever when `None`).
    #[cfg(any(feature = "blocking", test))]
    pub(crate) fn recv(&self, deadline: Option<Instant>) -> Result<T, RecvTimeoutError> {
        let mut s = self.lock();
        loop {
            if s.stopped {
                return Err(RecvTimeoutError::Disconnected);
            }
            if let Some(item) = Self::take(&mut s) {
                return Ok(item);
            }
            if s.closed {
                return Err(RecvTimeoutError::Disconnected);
            }
            s = match deadline {
                None => self.changed.wait(s).unwrap_or_else(|e| e.into_inner()),
                Some(d) => {
                    let left = d.saturating_duration_since(Instant::now());
                    if left.is_zero() {
                        return Err(RecvTimeoutError::Timeout);
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
    #[cfg(any(feature = "blocking", test))]
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

// ---------------------------------------------------------------------------------------
// The container inventory's rules
// ---------------------------------------------------------------------------------------

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

#[cfg(test)]
mod tests;
