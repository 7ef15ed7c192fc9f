//! `GET /containers/{id}/stats`: resource usage samples (a Linux-oriented subset).

use std::collections::BTreeMap;

use crate::model::model;

model! {
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
    #[derive(Debug, Clone, Default, PartialEq)]
    pub struct ContainerStats {
        /// `name`: the container name with its leading `/`.
        name: String = "name",
        /// `id`: the container id.
        id: String = "id",
        /// `read`: when this sample was taken (RFC 3339).
        read: String = "read",
        /// `preread`: when the previous sample was taken.
        preread: String = "preread",
        /// `num_procs` (Windows).
        num_procs: u64 = "num_procs",
        /// `pids_stats`.
        pids_stats: PidsStats = "pids_stats",
        /// `blkio_stats`.
        blkio_stats: BlkioStats = "blkio_stats",
        /// `cpu_stats`.
        cpu_stats: CpuStats = "cpu_stats",
        /// `precpu_stats`: the previous sample's `cpu_stats`.
        precpu_stats: CpuStats = "precpu_stats",
        /// `memory_stats`.
        memory_stats: MemoryStats = "memory_stats",
        /// `networks`: interface → counters (absent with `--network none`/`host`).
        networks: BTreeMap<String, NetworkStats> = "networks" omitempty,
    }
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

model! {
    /// `pids_stats` of [`ContainerStats`].
    ///
    /// ```
    /// use docker_models::ContainerStats;
    /// let stats: ContainerStats = serde_json::from_str(r#"{"pids_stats":{"current":7,"limit":100}}"#).unwrap();
    /// assert_eq!((stats.pids_stats.current, stats.pids_stats.limit), (7, 100));
    /// ```
    #[derive(Debug, Clone, Default, PartialEq, Eq)]
    pub struct PidsStats {
        /// `current`: processes in the container.
        current: u64 = "current",
        /// `limit`: the pids limit; absent or 0 when unlimited.
        limit: u64 = "limit" omitempty,
    }
}

model! {
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
    #[derive(Debug, Clone, Default, PartialEq, Eq)]
    pub struct BlkioStats {
        /// `io_service_bytes_recursive`: bytes per device and operation.
        io_service_bytes_recursive: Vec<BlkioStatEntry> = "io_service_bytes_recursive",
        /// `io_serviced_recursive`: operations per device and operation.
        io_serviced_recursive: Vec<BlkioStatEntry> = "io_serviced_recursive",
        /// `io_queue_recursive`.
        io_queue_recursive: Vec<BlkioStatEntry> = "io_queue_recursive",
        /// `io_service_time_recursive`.
        io_service_time_recursive: Vec<BlkioStatEntry> = "io_service_time_recursive",
        /// `io_wait_time_recursive`.
        io_wait_time_recursive: Vec<BlkioStatEntry> = "io_wait_time_recursive",
        /// `io_merged_recursive`.
        io_merged_recursive: Vec<BlkioStatEntry> = "io_merged_recursive",
        /// `io_time_recursive`.
        io_time_recursive: Vec<BlkioStatEntry> = "io_time_recursive",
        /// `sectors_recursive`.
        sectors_recursive: Vec<BlkioStatEntry> = "sectors_recursive",
    }
}

model! {
    /// One counter of [`BlkioStats`].
    ///
    /// ```
    /// use docker_models::BlkioStatEntry;
    /// let entry: BlkioStatEntry =
    ///     serde_json::from_str(r#"{"major":8,"minor":0,"op":"Write","value":8192}"#).unwrap();
    /// assert!(entry.op.eq_ignore_ascii_case("write"));
    /// assert_eq!(entry.value, 8192);
    /// ```
    #[derive(Debug, Clone, Default, PartialEq, Eq)]
    pub struct BlkioStatEntry {
        /// `major` device number.
        major: u64 = "major",
        /// `minor` device number.
        minor: u64 = "minor",
        /// `op`: `read`, `write`, `sync`, `async`, `discard` or `total` (case varies).
        op: String = "op",
        /// `value`.
        value: u64 = "value",
    }
}

model! {
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
    #[derive(Debug, Clone, Default, PartialEq, Eq)]
    pub struct CpuStats {
        /// `cpu_usage`.
        cpu_usage: CpuUsage = "cpu_usage",
        /// `system_cpu_usage`: host CPU time in nanoseconds (Linux).
        system_cpu_usage: u64 = "system_cpu_usage",
        /// `online_cpus`.
        online_cpus: u64 = "online_cpus",
        /// `throttling_data`.
        throttling_data: ThrottlingData = "throttling_data",
    }
}

model! {
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
    #[derive(Debug, Clone, Default, PartialEq, Eq)]
    pub struct CpuUsage {
        /// `total_usage`.
        total_usage: u64 = "total_usage",
        /// `percpu_usage` (cgroup v1 only).
        percpu_usage: Vec<u64> = "percpu_usage" omitempty,
        /// `usage_in_kernelmode`.
        usage_in_kernelmode: u64 = "usage_in_kernelmode",
        /// `usage_in_usermode`.
        usage_in_usermode: u64 = "usage_in_usermode",
    }
}

model! {
    /// `throttling_data` of [`CpuStats`].
    ///
    /// ```
    /// use docker_models::ThrottlingData;
    /// let throttling: ThrottlingData = serde_json::from_str(
    ///     r#"{"periods":100,"throttled_periods":25,"throttled_time":1500000000}"#,
    /// ).unwrap();
    /// assert_eq!(throttling.throttled_periods * 100 / throttling.periods, 25);
    /// ```
    #[derive(Debug, Clone, Default, PartialEq, Eq)]
    pub struct ThrottlingData {
        /// `periods`.
        periods: u64 = "periods",
        /// `throttled_periods`.
        throttled_periods: u64 = "throttled_periods",
        /// `throttled_time`: nanoseconds.
        throttled_time: u64 = "throttled_time",
    }
}

model! {
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
    #[derive(Debug, Clone, Default, PartialEq, Eq)]
    pub struct MemoryStats {
        /// `usage`: bytes, page cache included.
        usage: u64 = "usage",
        /// `max_usage` (cgroup v1 only).
        max_usage: u64 = "max_usage" omitempty,
        /// `failcnt` (cgroup v1 only).
        failcnt: u64 = "failcnt" omitempty,
        /// `limit`: bytes.
        limit: u64 = "limit",
        /// `stats`: the raw cgroup counters (`cache`, `rss`, `inactive_file`, `anon`, ...;
        /// names differ between cgroup v1 and v2).
        stats: BTreeMap<String, u64> = "stats",
    }
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

model! {
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
    #[derive(Debug, Clone, Default, PartialEq, Eq)]
    pub struct NetworkStats {
        /// `rx_bytes`.
        rx_bytes: u64 = "rx_bytes",
        /// `rx_packets`.
        rx_packets: u64 = "rx_packets",
        /// `rx_errors`.
        rx_errors: u64 = "rx_errors",
        /// `rx_dropped`.
        rx_dropped: u64 = "rx_dropped",
        /// `tx_bytes`.
        tx_bytes: u64 = "tx_bytes",
        /// `tx_packets`.
        tx_packets: u64 = "tx_packets",
        /// `tx_errors`.
        tx_errors: u64 = "tx_errors",
        /// `tx_dropped`.
        tx_dropped: u64 = "tx_dropped",
    }
}
