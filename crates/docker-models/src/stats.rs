//! `GET /containers/{id}/stats`: resource usage samples (a Linux-oriented subset).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::de;

/// One sample of `GET /containers/{id}/stats` (lowercase keys on the wire).
///
/// With `stream=true` the engine sends one per second; the first one has `preread`
/// `0001-01-01T00:00:00Z` and an empty `precpu_stats`, so
/// [`cpu_percent`](Self::cpu_percent) is `None` for it.
///
/// Keys outside this subset (`storage_stats`, Windows counters, ...) are ignored.
///
/// ```
/// let s: docker_models::ContainerStats = serde_json::from_str(
///     r#"{"read":"2026-11-28T11:16:28Z","preread":"2026-11-28T11:16:27Z",
///         "cpu_stats":{"cpu_usage":{"total_usage":300},"system_cpu_usage":2000,"online_cpus":2},
///         "precpu_stats":{"cpu_usage":{"total_usage":100},"system_cpu_usage":1000},
///         "memory_stats":{"usage":319488,"limit":25276510208},"pids_stats":{"current":1}}"#,
/// ).unwrap();
/// assert_eq!(s.cpu_percent(), Some(40.0)); // 200/1000 * 2 CPUs * 100
/// assert_eq!(s.pids_stats.current, 1);
/// assert!(s.networks.is_empty());
/// ```
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ContainerStats {
    /// `name`: the container name with its leading `/`.
    #[serde(rename = "name", deserialize_with = "de::nullable")]
    pub name: String,
    /// `id`: the container id.
    #[serde(rename = "id", deserialize_with = "de::nullable")]
    pub id: String,
    /// `read`: when this sample was taken (RFC 3339).
    #[serde(rename = "read", deserialize_with = "de::nullable")]
    pub read: String,
    /// `preread`: when the previous sample was taken.
    #[serde(rename = "preread", deserialize_with = "de::nullable")]
    pub preread: String,
    /// `num_procs` (Windows).
    #[serde(rename = "num_procs", deserialize_with = "de::uint")]
    pub num_procs: u64,
    /// `pids_stats`.
    #[serde(rename = "pids_stats", deserialize_with = "de::nullable")]
    pub pids_stats: PidsStats,
    /// `blkio_stats`.
    #[serde(rename = "blkio_stats", deserialize_with = "de::nullable")]
    pub blkio_stats: BlkioStats,
    /// `cpu_stats`.
    #[serde(rename = "cpu_stats", deserialize_with = "de::nullable")]
    pub cpu_stats: CpuStats,
    /// `precpu_stats`: the previous sample's `cpu_stats`.
    #[serde(rename = "precpu_stats", deserialize_with = "de::nullable")]
    pub precpu_stats: CpuStats,
    /// `memory_stats`.
    #[serde(rename = "memory_stats", deserialize_with = "de::nullable")]
    pub memory_stats: MemoryStats,
    /// `networks`: interface → counters (absent with `--network none`/`host`).
    #[serde(
        rename = "networks",
        deserialize_with = "de::nullable_values",
        skip_serializing_if = "BTreeMap::is_empty"
    )]
    pub networks: BTreeMap<String, NetworkStats>,
}

impl ContainerStats {
    /// CPU use since the previous sample, in percent of one CPU (so up to
    /// `online_cpus × 100`), computed as the CLI does. `None` when there is no usable
    /// previous sample or the system counter did not advance.
    ///
    /// ```
    /// use docker_models::ContainerStats;
    /// let stats: ContainerStats = serde_json::from_str(
    ///     r#"{"cpu_stats":{"cpu_usage":{"total_usage":1200},"system_cpu_usage":11000,"online_cpus":2},
    ///         "precpu_stats":{"cpu_usage":{"total_usage":1000},"system_cpu_usage":10000,"online_cpus":2}}"#,
    /// ).unwrap();
    /// assert_eq!(stats.cpu_percent(), Some(40.0)); // It used 200 of 1000 ticks, on 2 CPUs.
    /// assert_eq!(ContainerStats::default().cpu_percent(), None);
    /// ```
    pub fn cpu_percent(&self) -> Option<f64> {
        let cpu_delta = self
            .cpu_stats
            .cpu_usage
            .total_usage
            .checked_sub(self.precpu_stats.cpu_usage.total_usage)?;
        let system_delta = self
            .cpu_stats
            .system_cpu_usage
            .checked_sub(self.precpu_stats.system_cpu_usage)?;
        if system_delta == 0 || self.precpu_stats.system_cpu_usage == 0 {
            return None;
        }
        let cpus = match self.cpu_stats.online_cpus {
            0 => self.cpu_stats.cpu_usage.percpu_usage.len().max(1) as f64,
            n => n as f64,
        };
        Some(cpu_delta as f64 * cpus * 100.0 / system_delta as f64)
    }
}

/// `pids_stats` of [`ContainerStats`].
///
/// ```
/// use docker_models::ContainerStats;
/// let stats: ContainerStats = serde_json::from_str(r#"{"pids_stats":{"current":7,"limit":100}}"#).unwrap();
/// assert_eq!((stats.pids_stats.current, stats.pids_stats.limit), (7, 100));
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct PidsStats {
    /// `current`: processes in the container.
    #[serde(rename = "current", deserialize_with = "de::uint")]
    pub current: u64,
    /// `limit`: the pids limit; absent or 0 when unlimited.
    #[serde(
        rename = "limit",
        deserialize_with = "de::uint",
        skip_serializing_if = "de::is_default"
    )]
    pub limit: u64,
}

/// `blkio_stats` of [`ContainerStats`]. On cgroup v2 only
/// `io_service_bytes_recursive` is filled; the engine sends `null` for the rest.
///
/// ```
/// use docker_models::BlkioStats;
/// let blkio: BlkioStats = serde_json::from_str(
///     r#"{"io_service_bytes_recursive":[{"major":8,"minor":0,"op":"read","value":4096}],"io_serviced_recursive":null}"#,
/// ).unwrap();
/// assert_eq!(blkio.io_service_bytes_recursive[0].value, 4096);
/// assert!(blkio.io_serviced_recursive.is_empty());
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct BlkioStats {
    /// `io_service_bytes_recursive`: bytes per device and operation.
    #[serde(
        rename = "io_service_bytes_recursive",
        deserialize_with = "de::nullable"
    )]
    pub io_service_bytes_recursive: Vec<BlkioStatEntry>,
    /// `io_serviced_recursive`: operations per device and operation.
    #[serde(rename = "io_serviced_recursive", deserialize_with = "de::nullable")]
    pub io_serviced_recursive: Vec<BlkioStatEntry>,
    /// `io_queue_recursive`.
    #[serde(rename = "io_queue_recursive", deserialize_with = "de::nullable")]
    pub io_queue_recursive: Vec<BlkioStatEntry>,
    /// `io_service_time_recursive`.
    #[serde(
        rename = "io_service_time_recursive",
        deserialize_with = "de::nullable"
    )]
    pub io_service_time_recursive: Vec<BlkioStatEntry>,
    /// `io_wait_time_recursive`.
    #[serde(rename = "io_wait_time_recursive", deserialize_with = "de::nullable")]
    pub io_wait_time_recursive: Vec<BlkioStatEntry>,
    /// `io_merged_recursive`.
    #[serde(rename = "io_merged_recursive", deserialize_with = "de::nullable")]
    pub io_merged_recursive: Vec<BlkioStatEntry>,
    /// `io_time_recursive`.
    #[serde(rename = "io_time_recursive", deserialize_with = "de::nullable")]
    pub io_time_recursive: Vec<BlkioStatEntry>,
    /// `sectors_recursive`.
    #[serde(rename = "sectors_recursive", deserialize_with = "de::nullable")]
    pub sectors_recursive: Vec<BlkioStatEntry>,
}

/// One counter of [`BlkioStats`].
///
/// ```
/// use docker_models::BlkioStatEntry;
/// let entry: BlkioStatEntry =
///     serde_json::from_str(r#"{"major":8,"minor":0,"op":"Write","value":8192}"#).unwrap();
/// assert!(entry.op.eq_ignore_ascii_case("write"));
/// assert_eq!(entry.value, 8192);
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct BlkioStatEntry {
    /// `major` device number.
    #[serde(rename = "major", deserialize_with = "de::uint")]
    pub major: u64,
    /// `minor` device number.
    #[serde(rename = "minor", deserialize_with = "de::uint")]
    pub minor: u64,
    /// `op`: `read`, `write`, `sync`, `async`, `discard` or `total` (case varies).
    #[serde(rename = "op", deserialize_with = "de::nullable")]
    pub op: String,
    /// `value`.
    #[serde(rename = "value", deserialize_with = "de::uint")]
    pub value: u64,
}

/// `cpu_stats` / `precpu_stats` of [`ContainerStats`].
///
/// ```
/// use docker_models::CpuStats;
/// let cpu: CpuStats = serde_json::from_str(
///     r#"{"cpu_usage":{"total_usage":250000000},"system_cpu_usage":9000000000,"online_cpus":4}"#,
/// ).unwrap();
/// assert_eq!(cpu.online_cpus, 4);
/// assert_eq!(cpu.cpu_usage.total_usage, 250_000_000);
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct CpuStats {
    /// `cpu_usage`.
    #[serde(rename = "cpu_usage", deserialize_with = "de::nullable")]
    pub cpu_usage: CpuUsage,
    /// `system_cpu_usage`: host CPU time in nanoseconds (Linux).
    #[serde(rename = "system_cpu_usage", deserialize_with = "de::uint")]
    pub system_cpu_usage: u64,
    /// `online_cpus`.
    #[serde(rename = "online_cpus", deserialize_with = "de::uint")]
    pub online_cpus: u64,
    /// `throttling_data`.
    #[serde(rename = "throttling_data", deserialize_with = "de::nullable")]
    pub throttling_data: ThrottlingData,
}

/// `cpu_usage` of [`CpuStats`]; times in nanoseconds.
///
/// ```
/// use docker_models::CpuUsage;
/// let usage: CpuUsage = serde_json::from_str(
///     r#"{"total_usage":300,"percpu_usage":null,"usage_in_kernelmode":100,"usage_in_usermode":200}"#,
/// ).unwrap();
/// assert_eq!(usage.usage_in_kernelmode + usage.usage_in_usermode, usage.total_usage);
/// assert!(usage.percpu_usage.is_empty()); // The engine does not send it on cgroup v2.
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct CpuUsage {
    /// `total_usage`.
    #[serde(rename = "total_usage", deserialize_with = "de::uint")]
    pub total_usage: u64,
    /// `percpu_usage` (cgroup v1 only).
    #[serde(
        rename = "percpu_usage",
        deserialize_with = "de::nullable",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub percpu_usage: Vec<u64>,
    /// `usage_in_kernelmode`.
    #[serde(rename = "usage_in_kernelmode", deserialize_with = "de::uint")]
    pub usage_in_kernelmode: u64,
    /// `usage_in_usermode`.
    #[serde(rename = "usage_in_usermode", deserialize_with = "de::uint")]
    pub usage_in_usermode: u64,
}

/// `throttling_data` of [`CpuStats`].
///
/// ```
/// use docker_models::ThrottlingData;
/// let throttling: ThrottlingData = serde_json::from_str(
///     r#"{"periods":100,"throttled_periods":25,"throttled_time":1500000000}"#,
/// ).unwrap();
/// assert_eq!(throttling.throttled_periods * 100 / throttling.periods, 25);
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ThrottlingData {
    /// `periods`.
    #[serde(rename = "periods", deserialize_with = "de::uint")]
    pub periods: u64,
    /// `throttled_periods`.
    #[serde(rename = "throttled_periods", deserialize_with = "de::uint")]
    pub throttled_periods: u64,
    /// `throttled_time`: nanoseconds.
    #[serde(rename = "throttled_time", deserialize_with = "de::uint")]
    pub throttled_time: u64,
}

/// `memory_stats` of [`ContainerStats`].
///
/// ```
/// use docker_models::MemoryStats;
/// let memory: MemoryStats = serde_json::from_str(
///     r#"{"usage":52428800,"limit":1073741824,"stats":{"inactive_file":10485760}}"#,
/// ).unwrap();
/// assert_eq!(memory.limit, 1 << 30);
/// assert_eq!(memory.stats["inactive_file"], 10 << 20);
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct MemoryStats {
    /// `usage`: bytes, page cache included.
    #[serde(rename = "usage", deserialize_with = "de::uint")]
    pub usage: u64,
    /// `max_usage` (cgroup v1 only).
    #[serde(
        rename = "max_usage",
        deserialize_with = "de::uint",
        skip_serializing_if = "de::is_default"
    )]
    pub max_usage: u64,
    /// `failcnt` (cgroup v1 only).
    #[serde(
        rename = "failcnt",
        deserialize_with = "de::uint",
        skip_serializing_if = "de::is_default"
    )]
    pub failcnt: u64,
    /// `limit`: bytes.
    #[serde(rename = "limit", deserialize_with = "de::uint")]
    pub limit: u64,
    /// `stats`: the raw cgroup counters (`cache`, `rss`, `inactive_file`, `anon`, ...;
    /// names differ between cgroup v1 and v2).
    #[serde(rename = "stats", deserialize_with = "nullable_counters")]
    pub stats: BTreeMap<String, u64>,
}

impl MemoryStats {
    /// Memory in use without the reclaimable page cache, as the CLI shows it:
    /// `usage` minus `total_inactive_file` (cgroup v1) or `inactive_file` (v2).
    ///
    /// ```
    /// use docker_models::MemoryStats;
    /// let memory: MemoryStats =
    ///     serde_json::from_str(r#"{"usage":1000,"stats":{"inactive_file":300}}"#).unwrap();
    /// assert_eq!(memory.usage_without_cache(), 700);
    /// ```
    pub fn usage_without_cache(&self) -> u64 {
        let cache = self
            .stats
            .get("total_inactive_file")
            .or_else(|| self.stats.get("inactive_file"))
            .copied()
            .unwrap_or(0);
        self.usage.saturating_sub(cache)
    }
}

/// Counters of one interface in `networks` of [`ContainerStats`].
///
/// ```
/// use docker_models::ContainerStats;
/// let stats: ContainerStats = serde_json::from_str(
///     r#"{"networks":{"eth0":{"rx_bytes":1500,"tx_bytes":600,"rx_dropped":0}}}"#,
/// ).unwrap();
/// let eth0 = &stats.networks["eth0"];
/// assert_eq!((eth0.rx_bytes, eth0.tx_bytes), (1500, 600));
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct NetworkStats {
    /// `rx_bytes`.
    #[serde(rename = "rx_bytes", deserialize_with = "de::uint")]
    pub rx_bytes: u64,
    /// `rx_packets`.
    #[serde(rename = "rx_packets", deserialize_with = "de::uint")]
    pub rx_packets: u64,
    /// `rx_errors`.
    #[serde(rename = "rx_errors", deserialize_with = "de::uint")]
    pub rx_errors: u64,
    /// `rx_dropped`.
    #[serde(rename = "rx_dropped", deserialize_with = "de::uint")]
    pub rx_dropped: u64,
    /// `tx_bytes`.
    #[serde(rename = "tx_bytes", deserialize_with = "de::uint")]
    pub tx_bytes: u64,
    /// `tx_packets`.
    #[serde(rename = "tx_packets", deserialize_with = "de::uint")]
    pub tx_packets: u64,
    /// `tx_errors`.
    #[serde(rename = "tx_errors", deserialize_with = "de::uint")]
    pub tx_errors: u64,
    /// `tx_dropped`.
    #[serde(rename = "tx_dropped", deserialize_with = "de::uint")]
    pub tx_dropped: u64,
}

/// `memory_stats.stats`: a `null` map is empty, and each counter is read leniently.
fn nullable_counters<'de, D>(deserializer: D) -> Result<BTreeMap<String, u64>, D::Error>
where
    D: serde::Deserializer<'de>,
{
    #[derive(Deserialize)]
    struct Counter(#[serde(deserialize_with = "de::uint")] u64);
    let map: Option<BTreeMap<String, Counter>> = Option::deserialize(deserializer)?;
    Ok(map
        .unwrap_or_default()
        .into_iter()
        .map(|(k, Counter(v))| (k, v))
        .collect())
}
