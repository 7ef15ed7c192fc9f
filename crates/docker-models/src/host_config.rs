//! `HostConfig`: decoded from inspect, encoded into `POST /containers/create`.

use std::collections::BTreeMap;

use crate::model::model;
use crate::network_settings::PortMap;

model! {
    /// The host-side configuration of a container: `HostConfig` in
    /// `GET /containers/{id}/json`, and in the `POST /containers/create` body.
    ///
    /// One type serves both directions:
    /// * decoding: every field defaults when absent or `null`; keys this type does not
    ///   name are kept in [`extra`](Self::extra), so an inspected config re-encodes whole;
    /// * encoding: fields equal to their default (empty, zero, `false`, `None`) are not
    ///   sent, so the engine applies its own defaults. Where zero is meaningful and
    ///   differs from the engine default the field is an `Option` (`memory_swappiness`,
    ///   `pids_limit`, `oom_kill_disable`, `init`).
    ///
    /// ```
    /// use docker_models::{HostConfig, RestartPolicy};
    ///
    /// let hc = HostConfig {
    ///     binds: vec!["/tmp:/tmp/outside_tmp".into()],
    ///     restart_policy: RestartPolicy {
    ///         name: "on-failure".into(),
    ///         maximum_retry_count: 3,
    ///         ..Default::default()
    ///     },
    ///     ..Default::default()
    /// };
    /// let json = serde_json::to_value(&hc).unwrap();
    /// assert_eq!(json["Binds"][0], "/tmp:/tmp/outside_tmp");
    /// assert!(json.get("Privileged").is_none(), "defaults are not sent");
    ///
    /// let back: HostConfig = serde_json::from_value(json).unwrap();
    /// assert_eq!(back, hc);
    /// ```
    #[derive(Debug, Clone, Default, PartialEq)]
    pub struct HostConfig {
        /// `Binds`: `host-src:container-dest[:options]` volume bindings.
        binds: Vec<String> = "Binds" omitempty,
        /// `ContainerIDFile`.
        container_id_file: String = "ContainerIDFile" omitempty,
        /// `LogConfig`.
        log_config: LogConfig = "LogConfig" omitempty,
        /// `NetworkMode`: `default`, `bridge`, `host`, `none`, `container:<id>` or a network name.
        network_mode: String = "NetworkMode" omitempty,
        /// `PortBindings`: container port → host bindings.
        port_bindings: PortMap = "PortBindings" omitempty,
        /// `RestartPolicy`.
        restart_policy: RestartPolicy = "RestartPolicy" omitempty,
        /// `AutoRemove`: remove the container when it exits (`--rm`).
        auto_remove: bool = "AutoRemove" omitempty,
        /// `VolumeDriver`.
        volume_driver: String = "VolumeDriver" omitempty,
        /// `VolumesFrom`.
        volumes_from: Vec<String> = "VolumesFrom" omitempty,
        /// `Mounts`: mounts requested at create time (the structured form of `Binds`).
        mounts: Vec<Mount> = "Mounts" omitempty,
        /// `ConsoleSize`: `[height, width]`.
        console_size: Vec<u64> = "ConsoleSize" omitempty,
        /// `CapAdd`.
        cap_add: Vec<String> = "CapAdd" omitempty,
        /// `CapDrop`.
        cap_drop: Vec<String> = "CapDrop" omitempty,
        /// `CgroupnsMode`: `private` or `host` (API 1.41+).
        cgroupns_mode: String = "CgroupnsMode" omitempty,
        /// `Dns`.
        dns: Vec<String> = "Dns" omitempty,
        /// `DnsOptions`.
        dns_options: Vec<String> = "DnsOptions" omitempty,
        /// `DnsSearch`.
        dns_search: Vec<String> = "DnsSearch" omitempty,
        /// `ExtraHosts`: `host:ip` entries for /etc/hosts.
        extra_hosts: Vec<String> = "ExtraHosts" omitempty,
        /// `GroupAdd`.
        group_add: Vec<String> = "GroupAdd" omitempty,
        /// `IpcMode`.
        ipc_mode: String = "IpcMode" omitempty,
        /// `Cgroup`.
        cgroup: String = "Cgroup" omitempty,
        /// `Links`.
        links: Vec<String> = "Links" omitempty,
        /// `OomScoreAdj`.
        oom_score_adj: i64 = "OomScoreAdj" omitempty,
        /// `PidMode`.
        pid_mode: String = "PidMode" omitempty,
        /// `Privileged`.
        privileged: bool = "Privileged" omitempty,
        /// `PublishAllPorts` (`-P`).
        publish_all_ports: bool = "PublishAllPorts" omitempty,
        /// `ReadonlyRootfs`.
        readonly_rootfs: bool = "ReadonlyRootfs" omitempty,
        /// `SecurityOpt`.
        security_opt: Vec<String> = "SecurityOpt" omitempty,
        /// `StorageOpt`.
        storage_opt: BTreeMap<String, String> = "StorageOpt" omitempty,
        /// `Tmpfs`: container path → mount options.
        tmpfs: BTreeMap<String, String> = "Tmpfs" omitempty,
        /// `UTSMode`.
        uts_mode: String = "UTSMode" omitempty,
        /// `UsernsMode`.
        userns_mode: String = "UsernsMode" omitempty,
        /// `ShmSize` in bytes (0 = the engine default, 64 MiB).
        shm_size: i64 = "ShmSize" omitempty,
        /// `Sysctls`.
        sysctls: BTreeMap<String, String> = "Sysctls" omitempty,
        /// `Runtime`, e.g. `runc`.
        runtime: String = "Runtime" omitempty,
        /// `Isolation` (Windows).
        isolation: String = "Isolation" omitempty,
        /// `CpuShares`: relative CPU weight.
        cpu_shares: i64 = "CpuShares" omitempty,
        /// `Memory`: limit in bytes (0 = unlimited).
        memory: i64 = "Memory" omitempty,
        /// `NanoCpus`: CPU quota in units of 10⁻⁹ CPUs.
        nano_cpus: i64 = "NanoCpus" omitempty,
        /// `CgroupParent`.
        cgroup_parent: String = "CgroupParent" omitempty,
        /// `BlkioWeight`.
        blkio_weight: i64 = "BlkioWeight" omitempty,
        /// `CpuPeriod`.
        cpu_period: i64 = "CpuPeriod" omitempty,
        /// `CpuQuota`.
        cpu_quota: i64 = "CpuQuota" omitempty,
        /// `CpuRealtimePeriod`.
        cpu_realtime_period: i64 = "CpuRealtimePeriod" omitempty,
        /// `CpuRealtimeRuntime`.
        cpu_realtime_runtime: i64 = "CpuRealtimeRuntime" omitempty,
        /// `CpusetCpus`, e.g. `0-3`.
        cpuset_cpus: String = "CpusetCpus" omitempty,
        /// `CpusetMems`.
        cpuset_mems: String = "CpusetMems" omitempty,
        /// `Devices`.
        devices: Vec<DeviceMapping> = "Devices" omitempty,
        /// `DeviceCgroupRules`.
        device_cgroup_rules: Vec<String> = "DeviceCgroupRules" omitempty,
        /// `MemoryReservation`: soft limit in bytes.
        memory_reservation: i64 = "MemoryReservation" omitempty,
        /// `MemorySwap`: memory plus swap limit in bytes; -1 = unlimited swap.
        memory_swap: i64 = "MemorySwap" omitempty,
        /// `MemorySwappiness` (0–100); `None` = the engine default.
        memory_swappiness: Option<i64> = "MemorySwappiness" omitempty,
        /// `OomKillDisable`; `None` = the engine default.
        oom_kill_disable: Option<bool> = "OomKillDisable" omitempty,
        /// `PidsLimit`; `None` = the engine default, 0 or -1 = unlimited.
        pids_limit: Option<i64> = "PidsLimit" omitempty,
        /// `Ulimits`.
        ulimits: Vec<Ulimit> = "Ulimits" omitempty,
        /// `Init`: run an init process as PID 1; `None` = the engine default.
        init: Option<bool> = "Init" omitempty,
        /// `MaskedPaths`.
        masked_paths: Vec<String> = "MaskedPaths" omitempty,
        /// `ReadonlyPaths`.
        readonly_paths: Vec<String> = "ReadonlyPaths" omitempty,
    }
}

model! {
    /// `RestartPolicy` in [`HostConfig`].
    ///
    /// ```
    /// use docker_models::{HostConfig, RestartPolicy};
    /// let hc = HostConfig {
    ///     restart_policy: RestartPolicy {
    ///         name: "on-failure".into(),
    ///         maximum_retry_count: 5,
    ///         ..Default::default()
    ///     },
    ///     ..Default::default()
    /// };
    /// let json = serde_json::to_value(&hc).unwrap();
    /// assert_eq!(json["RestartPolicy"], serde_json::json!({"Name": "on-failure", "MaximumRetryCount": 5}));
    /// ```
    #[derive(Debug, Clone, Default, PartialEq, Eq)]
    pub struct RestartPolicy {
        /// `Name`: `""`/`no`, `always`, `unless-stopped` or `on-failure`.
        name: String = "Name",
        /// `MaximumRetryCount` (for `on-failure`).
        maximum_retry_count: i64 = "MaximumRetryCount",
    }
}

model! {
    /// `LogConfig` in [`HostConfig`].
    ///
    /// ```
    /// use docker_models::LogConfig;
    /// let log: LogConfig =
    ///     serde_json::from_str(r#"{"Type":"json-file","Config":{"max-size":"10m"}}"#).unwrap();
    /// assert_eq!(log.typ, "json-file");
    /// assert_eq!(log.config["max-size"], "10m");
    /// ```
    #[derive(Debug, Clone, Default, PartialEq, Eq)]
    pub struct LogConfig {
        /// `Type`: the log driver, e.g. `json-file`.
        typ: String = "Type",
        /// `Config`: driver options.
        config: BTreeMap<String, String> = "Config",
    }
}

model! {
    /// One entry of `Devices` in [`HostConfig`].
    ///
    /// ```
    /// use docker_models::{DeviceMapping, HostConfig};
    /// let hc = HostConfig {
    ///     devices: vec![DeviceMapping {
    ///         path_on_host: "/dev/fuse".into(),
    ///         path_in_container: "/dev/fuse".into(),
    ///         cgroup_permissions: "rwm".into(),
    ///         ..Default::default()
    ///     }],
    ///     ..Default::default()
    /// };
    /// assert_eq!(serde_json::to_value(&hc).unwrap()["Devices"][0]["CgroupPermissions"], "rwm");
    /// ```
    #[derive(Debug, Clone, Default, PartialEq, Eq)]
    pub struct DeviceMapping {
        /// `PathOnHost`.
        path_on_host: String = "PathOnHost",
        /// `PathInContainer`.
        path_in_container: String = "PathInContainer",
        /// `CgroupPermissions`, e.g. `rwm`.
        cgroup_permissions: String = "CgroupPermissions",
    }
}

model! {
    /// One entry of `Ulimits` in [`HostConfig`].
    ///
    /// ```
    /// use docker_models::Ulimit;
    /// let nofile = Ulimit { name: "nofile".into(), soft: 1024, hard: 4096, ..Default::default() };
    /// assert_eq!(
    ///     serde_json::to_value(&nofile).unwrap(),
    ///     serde_json::json!({"Name": "nofile", "Soft": 1024, "Hard": 4096})
    /// );
    /// ```
    #[derive(Debug, Clone, Default, PartialEq, Eq)]
    pub struct Ulimit {
        /// `Name`, e.g. `nofile`.
        name: String = "Name",
        /// `Soft`.
        soft: i64 = "Soft",
        /// `Hard`.
        hard: i64 = "Hard",
    }
}

model! {
    /// One entry of `Mounts` in [`HostConfig`]: a mount requested at create time.
    ///
    /// (The mounts a container actually has are [`MountPoint`](crate::MountPoint)s.)
    ///
    /// ```
    /// use docker_models::Mount;
    /// let mut mount = Mount {
    ///     typ: "volume".into(),
    ///     source: "data".into(),
    ///     target: "/var/lib/postgresql/data".into(),
    ///     ..Default::default()
    /// };
    /// mount.extra.insert("VolumeOptions".into(), serde_json::json!({"NoCopy": true}));
    /// let json = serde_json::to_value(&mount).unwrap();
    /// assert_eq!(json["Type"], "volume");
    /// assert_eq!(json["VolumeOptions"]["NoCopy"], true);
    /// ```
    #[derive(Debug, Clone, Default, PartialEq)]
    pub struct Mount {
        /// `Target`: the path in the container.
        target: String = "Target",
        /// `Source`: host path (bind) or volume name (volume).
        source: String = "Source" omitempty,
        /// `Type`: `bind`, `volume`, `tmpfs`, `npipe`, `cluster` or `image`.
        typ: String = "Type",
        /// `ReadOnly`.
        read_only: bool = "ReadOnly" omitempty,
        /// `Consistency`: `default`, `consistent`, `cached` or `delegated`.
        consistency: String = "Consistency" omitempty,
    }
}
