//! The resume state machine: which `since` to ask for after a broken connection, which
//! replayed events are duplicates, and when a gap must be reported. No IO, no clock.

use std::collections::hash_map::RandomState;
use std::collections::{HashSet, VecDeque};
use std::hash::{BuildHasher, Hasher};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use docker_models::EventMessage;

use super::{Backoff, ResyncReason, WatchConfig};
use crate::EventsOptions;

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
