//! What several areas' options share: filters, prune filters and the engine's time format.

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

/// Filters of a prune call, such as `("until", "24h")` or `("label", "k=v")`.
///
/// ```
/// let f = docker_client::PruneFilters::default().filter("label", "tmp=1");
/// # let _ = f;
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PruneFilters(Filters);

impl PruneFilters {
    /// Adds a filter.
    ///
    /// ```no_run
    /// # let client = docker_client::blocking::Client::from_env()?;
    /// use docker_client::PruneFilters;
    /// let old = PruneFilters::default().filter("until", "24h").filter("label!", "keep");
    /// let report = client.prune_images(&old)?;
    /// println!("{} bytes reclaimed", report.space_reclaimed);
    /// # Ok::<(), docker_client::Error>(())
    /// ```
    pub fn filter(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {
        self.0.add(key, value);
        self
    }

    pub(crate) fn query(&self) -> Query {
        let mut q = Query::default();
        self.0.push_to(&mut q);
        q
    }
}

/// `seconds.nanoseconds` since the Unix epoch, as the engine takes times: `1795864739.000000001`.
/// Times before the epoch are sent as 0.
pub(crate) fn unix_nanos_text(t: SystemTime) -> String {
    let d = t.duration_since(UNIX_EPOCH).unwrap_or(Duration::ZERO);
    format!("{}.{:09}", d.as_secs(), d.subsec_nanos())
}

#[cfg(feature = "dispatch")]
impl crate::dispatch::FromArg for PruneFilters {
    fn from_arg(v: &serde_json::Value) -> Option<PruneFilters> {
        let mut f = PruneFilters::default();
        for (key, value) in crate::dispatch::filters(v) {
            f = f.filter(key, value);
        }
        Some(f)
    }
}
