//! Options of the calls that take many optional parameters.

use std::collections::BTreeMap;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use crate::path::Query;

/// Filters as the engine takes them: JSON `map[string][]string`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Filters(BTreeMap<String, Vec<String>>);

impl Filters {
    pub(crate) fn add(&mut self, key: impl Into<String>, value: impl Into<String>) {
        self.0.entry(key.into()).or_default().push(value.into());
    }

    pub(crate) fn push_to(&self, query: &mut Query) {
        if !self.0.is_empty() {
            let json = serde_json::to_string(&self.0).expect("a map of strings always serializes");
            query.push("filters", &json);
        }
    }
}

/// Options of `list_containers` (`GET /containers/json`).
///
/// ```
/// use docker_client::ListContainersOptions;
/// let opts = ListContainersOptions::default()
///     .all(true)
///     .filter("status", "exited")
///     .filter("label", "app=web");
/// # let _ = opts;
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ListContainersOptions {
    all: bool,
    limit: Option<u32>,
    size: bool,
    filters: Filters,
}

impl ListContainersOptions {
    /// Lists stopped containers too (the default lists running ones only).
    pub fn all(self, all: bool) -> Self {
        ListContainersOptions { all, ..self }
    }

    /// Lists only the `n` most recently created containers, stopped ones included.
    pub fn limit(self, n: u32) -> Self {
        ListContainersOptions {
            limit: Some(n),
            ..self
        }
    }

    /// Fills `SizeRw` and `SizeRootFs` (slow on large containers).
    pub fn size(self, size: bool) -> Self {
        ListContainersOptions { size, ..self }
    }

    /// Adds a filter such as `("status", "running")`, `("label", "k=v")`, `("name", "web")`.
    /// Several values of one key are ORed.
    pub fn filter(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {
        self.filters.add(key, value);
        self
    }

    pub(crate) fn query(&self) -> Query {
        let mut q = Query::default();
        q.flag("all", self.all)
            .push_opt("limit", self.limit)
            .flag("size", self.size);
        self.filters.push_to(&mut q);
        q
    }
}

/// Options of `events` (`GET /events`).
///
/// ```
/// use std::time::{Duration, SystemTime};
/// use docker_client::EventsOptions;
/// let now = SystemTime::now();
/// let opts = EventsOptions::default()
///     .since(now - Duration::from_secs(600))
///     .until(now)
///     .filter("type", "container")
///     .filter("event", "die");
/// # let _ = opts;
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EventsOptions {
    since: Option<SystemTime>,
    until: Option<SystemTime>,
    filters: Filters,
}

impl EventsOptions {
    /// Replays events from this time on (the engine keeps only the last 256 events).
    pub fn since(self, since: SystemTime) -> Self {
        EventsOptions {
            since: Some(since),
            ..self
        }
    }

    /// Ends the stream at this time. Without it the stream follows live events forever.
    pub fn until(self, until: SystemTime) -> Self {
        EventsOptions {
            until: Some(until),
            ..self
        }
    }

    /// Adds a filter such as `("type", "container")`, `("event", "die")`,
    /// `("container", "web")`, `("label", "k=v")`.
    pub fn filter(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {
        self.filters.add(key, value);
        self
    }

    /// The `since` time, if set.
    pub fn since_time(&self) -> Option<SystemTime> {
        self.since
    }

    /// The `until` time, if set.
    pub fn until_time(&self) -> Option<SystemTime> {
        self.until
    }

    pub(crate) fn query(&self) -> Query {
        let mut q = Query::default();
        q.push_opt("since", self.since.map(unix_nanos_text))
            .push_opt("until", self.until.map(unix_nanos_text));
        self.filters.push_to(&mut q);
        q
    }
}

/// `seconds.nanoseconds` since the Unix epoch, as the engine takes times: `1795864739.000000001`.
/// Times before the epoch are sent as 0.
pub(crate) fn unix_nanos_text(t: SystemTime) -> String {
    let d = t.duration_since(UNIX_EPOCH).unwrap_or(Duration::ZERO);
    format!("{}.{:09}", d.as_secs(), d.subsec_nanos())
}
