//! `HostConfig`: decoded from inspect, encoded into `POST /containers/create`.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::de;
use crate::network_settings::PortMap;

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
///     restart_policy: RestartPolicy { name: "on-failure".into(), maximum_retry_count: 3 },
///     ..Default::default()
/// };
/// let json = serde_json::to_value(&hc).unwrap();
/// assert_eq!(json["Binds"][0], "/tmp:/tmp/outside_tmp");
/// assert!(json.get("Privileged").is_none(), "defaults are not sent");
///
/// let back: HostConfig = serde_json::from_value(json).unwrap();
/// assert_eq!(back, hc);
/// ```
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(remote = "Self", default)]
pub struct HostConfig {
    /// `Binds`: `host-src:container-dest[:options]` volume bindings.
    #[serde(
        rename = "Binds",
        deserialize_with = "de::nullable",
        skip_serializing_if = "de::is_default"
    )]
    pub binds: Vec<String>,
    /// `ContainerIDFile`.
    #[serde(
        rename = "ContainerIDFile",
        deserialize_with = "de::nullable",
        skip_serializing_if = "de::is_default"
    )]
    pub container_id_file: String,
    /// `LogConfig`.
    #[serde(
        rename = "LogConfig",
        deserialize_with = "de::nullable",
        skip_serializing_if = "de::is_default"
    )]
    pub log_config: LogConfig,
    /// `NetworkMode`: `default`, `bridge`, `host`, `none`, `container:<id>` or a network name.
    #[serde(
        rename = "NetworkMode",
        deserialize_with = "de::nullable",
        skip_serializing_if = "de::is_default"
    )]
    pub network_mode: String,
    /// `PortBindings`: container port → host bindings.
    #[serde(
        rename = "PortBindings",
        deserialize_with = "de::nullable",
        skip_serializing_if = "de::is_default"
    )]
    pub port_bindings: PortMap,
    /// `RestartPolicy`.
    #[serde(
        rename = "RestartPolicy",
        deserialize_with = "de::nullable",
        skip_serializing_if = "de::is_default"
    )]
    pub restart_policy: RestartPolicy,
    /// `AutoRemove`: remove the container when it exits (`--rm`).
    #[serde(
        rename = "AutoRemove",
        deserialize_with = "de::flag",
        skip_serializing_if = "de::is_default"
    )]
    pub auto_remove: bool,
    /// `VolumeDriver`.
    #[serde(
        rename = "VolumeDriver",
        deserialize_with = "de::nullable",
        skip_serializing_if = "de::is_default"
    )]
    pub volume_driver: String,
    /// `VolumesFrom`.
    #[serde(
        rename = "VolumesFrom",
        deserialize_with = "de::nullable",
        skip_serializing_if = "de::is_default"
    )]
    pub volumes_from: Vec<String>,
    /// `Mounts`: mounts requested at create time (the structured form of `Binds`).
    #[serde(
        rename = "Mounts",
        deserialize_with = "de::nullable",
        skip_serializing_if = "de::is_default"
    )]
    pub mounts: Vec<Mount>,
    /// `ConsoleSize`: `[height, width]`.
    #[serde(
        rename = "ConsoleSize",
        deserialize_with = "de::nullable",
        skip_serializing_if = "de::is_default"
    )]
    pub console_size: Vec<u64>,
    /// `CapAdd`.
    #[serde(
        rename = "CapAdd",
        deserialize_with = "de::nullable",
        skip_serializing_if = "de::is_default"
    )]
    pub cap_add: Vec<String>,
    /// `CapDrop`.
    #[serde(
        rename = "CapDrop",
        deserialize_with = "de::nullable",
        skip_serializing_if = "de::is_default"
    )]
    pub cap_drop: Vec<String>,
    /// `CgroupnsMode`: `private` or `host` (API 1.41+).
    #[serde(
        rename = "CgroupnsMode",
        deserialize_with = "de::nullable",
        skip_serializing_if = "de::is_default"
    )]
    pub cgroupns_mode: String,
    /// `Dns`.
    #[serde(
        rename = "Dns",
        deserialize_with = "de::nullable",
        skip_serializing_if = "de::is_default"
    )]
    pub dns: Vec<String>,
    /// `DnsOptions`.
    #[serde(
        rename = "DnsOptions",
        deserialize_with = "de::nullable",
        skip_serializing_if = "de::is_default"
    )]
    pub dns_options: Vec<String>,
    /// `DnsSearch`.
    #[serde(
        rename = "DnsSearch",
        deserialize_with = "de::nullable",
        skip_serializing_if = "de::is_default"
    )]
    pub dns_search: Vec<String>,
    /// `ExtraHosts`: `host:ip` entries for /etc/hosts.
    #[serde(
        rename = "ExtraHosts",
        deserialize_with = "de::nullable",
        skip_serializing_if = "de::is_default"
    )]
    pub extra_hosts: Vec<String>,
    /// `GroupAdd`.
    #[serde(
        rename = "GroupAdd",
        deserialize_with = "de::nullable",
        skip_serializing_if = "de::is_default"
    )]
    pub group_add: Vec<String>,
    /// `IpcMode`.
    #[serde(
        rename = "IpcMode",
        deserialize_with = "de::nullable",
        skip_serializing_if = "de::is_default"
    )]
    pub ipc_mode: String,
    /// `Cgroup`.
    #[serde(
        rename = "Cgroup",
        deserialize_with = "de::nullable",
        skip_serializing_if = "de::is_default"
    )]
    pub cgroup: String,
    /// `Links`.
    #[serde(
        rename = "Links",
        deserialize_with = "de::nullable",
        skip_serializing_if = "de::is_default"
    )]
    pub links: Vec<String>,
    /// `OomScoreAdj`.
    #[serde(
        rename = "OomScoreAdj",
        deserialize_with = "de::int",
        skip_serializing_if = "de::is_default"
    )]
    pub oom_score_adj: i64,
    /// `PidMode`.
    #[serde(
        rename = "PidMode",
        deserialize_with = "de::nullable",
        skip_serializing_if = "de::is_default"
    )]
    pub pid_mode: String,
    /// `Privileged`.
    #[serde(
        rename = "Privileged",
        deserialize_with = "de::flag",
        skip_serializing_if = "de::is_default"
    )]
    pub privileged: bool,
    /// `PublishAllPorts` (`-P`).
    #[serde(
        rename = "PublishAllPorts",
        deserialize_with = "de::flag",
        skip_serializing_if = "de::is_default"
    )]
    pub publish_all_ports: bool,
    /// `ReadonlyRootfs`.
    #[serde(
        rename = "ReadonlyRootfs",
        deserialize_with = "de::flag",
        skip_serializing_if = "de::is_default"
    )]
    pub readonly_rootfs: bool,
    /// `SecurityOpt`.
    #[serde(
        rename = "SecurityOpt",
        deserialize_with = "de::nullable",
        skip_serializing_if = "de::is_default"
    )]
    pub security_opt: Vec<String>,
    /// `StorageOpt`.
    #[serde(
        rename = "StorageOpt",
        deserialize_with = "de::nullable",
        skip_serializing_if = "de::is_default"
    )]
    pub storage_opt: BTreeMap<String, String>,
    /// `Tmpfs`: container path → mount options.
    #[serde(
        rename = "Tmpfs",
        deserialize_with = "de::nullable",
        skip_serializing_if = "de::is_default"
    )]
    pub tmpfs: BTreeMap<String, String>,
    /// `UTSMode`.
    #[serde(
        rename = "UTSMode",
        deserialize_with = "de::nullable",
        skip_serializing_if = "de::is_default"
    )]
    pub uts_mode: String,
    /// `UsernsMode`.
    #[serde(
        rename = "UsernsMode",
        deserialize_with = "de::nullable",
        skip_serializing_if = "de::is_default"
    )]
    pub userns_mode: String,
    /// `ShmSize` in bytes (0 = the engine default, 64 MiB).
    #[serde(
        rename = "ShmSize",
        deserialize_with = "de::int",
        skip_serializing_if = "de::is_default"
    )]
    pub shm_size: i64,
    /// `Sysctls`.
    #[serde(
        rename = "Sysctls",
        deserialize_with = "de::nullable",
        skip_serializing_if = "de::is_default"
    )]
    pub sysctls: BTreeMap<String, String>,
    /// `Runtime`, e.g. `runc`.
    #[serde(
        rename = "Runtime",
        deserialize_with = "de::nullable",
        skip_serializing_if = "de::is_default"
    )]
    pub runtime: String,
    /// `Isolation` (Windows).
    #[serde(
        rename = "Isolation",
        deserialize_with = "de::nullable",
        skip_serializing_if = "de::is_default"
    )]
    pub isolation: String,
    /// `CpuShares`: relative CPU weight.
    #[serde(
        rename = "CpuShares",
        deserialize_with = "de::int",
        skip_serializing_if = "de::is_default"
    )]
    pub cpu_shares: i64,
    /// `Memory`: limit in bytes (0 = unlimited).
    #[serde(
        rename = "Memory",
        deserialize_with = "de::int",
        skip_serializing_if = "de::is_default"
    )]
    pub memory: i64,
    /// `NanoCpus`: CPU quota in units of 10⁻⁹ CPUs.
    #[serde(
        rename = "NanoCpus",
        deserialize_with = "de::int",
        skip_serializing_if = "de::is_default"
    )]
    pub nano_cpus: i64,
    /// `CgroupParent`.
    #[serde(
        rename = "CgroupParent",
        deserialize_with = "de::nullable",
        skip_serializing_if = "de::is_default"
    )]
    pub cgroup_parent: String,
    /// `BlkioWeight`.
    #[serde(
        rename = "BlkioWeight",
        deserialize_with = "de::int",
        skip_serializing_if = "de::is_default"
    )]
    pub blkio_weight: i64,
    /// `CpuPeriod`.
    #[serde(
        rename = "CpuPeriod",
        deserialize_with = "de::int",
        skip_serializing_if = "de::is_default"
    )]
    pub cpu_period: i64,
    /// `CpuQuota`.
    #[serde(
        rename = "CpuQuota",
        deserialize_with = "de::int",
        skip_serializing_if = "de::is_default"
    )]
    pub cpu_quota: i64,
    /// `CpuRealtimePeriod`.
    #[serde(
        rename = "CpuRealtimePeriod",
        deserialize_with = "de::int",
        skip_serializing_if = "de::is_default"
    )]
    pub cpu_realtime_period: i64,
    /// `CpuRealtimeRuntime`.
    #[serde(
        rename = "CpuRealtimeRuntime",
        deserialize_with = "de::int",
        skip_serializing_if = "de::is_default"
    )]
    pub cpu_realtime_runtime: i64,
    /// `CpusetCpus`, e.g. `0-3`.
    #[serde(
        rename = "CpusetCpus",
        deserialize_with = "de::nullable",
        skip_serializing_if = "de::is_default"
    )]
    pub cpuset_cpus: String,
    /// `CpusetMems`.
    #[serde(
        rename = "CpusetMems",
        deserialize_with = "de::nullable",
        skip_serializing_if = "de::is_default"
    )]
    pub cpuset_mems: String,
    /// `Devices`.
    #[serde(
        rename = "Devices",
        deserialize_with = "de::nullable",
        skip_serializing_if = "de::is_default"
    )]
    pub devices: Vec<DeviceMapping>,
    /// `DeviceCgroupRules`.
    #[serde(
        rename = "DeviceCgroupRules",
        deserialize_with = "de::nullable",
        skip_serializing_if = "de::is_default"
    )]
    pub device_cgroup_rules: Vec<String>,
    /// `MemoryReservation`: soft limit in bytes.
    #[serde(
        rename = "MemoryReservation",
        deserialize_with = "de::int",
        skip_serializing_if = "de::is_default"
    )]
    pub memory_reservation: i64,
    /// `MemorySwap`: memory plus swap limit in bytes; -1 = unlimited swap.
    #[serde(
        rename = "MemorySwap",
        deserialize_with = "de::int",
        skip_serializing_if = "de::is_default"
    )]
    pub memory_swap: i64,
    /// `MemorySwappiness` (0–100); `None` = the engine default.
    #[serde(
        rename = "MemorySwappiness",
        deserialize_with = "de::opt_int",
        skip_serializing_if = "Option::is_none"
    )]
    pub memory_swappiness: Option<i64>,
    /// `OomKillDisable`; `None` = the engine default.
    #[serde(rename = "OomKillDisable", skip_serializing_if = "Option::is_none")]
    pub oom_kill_disable: Option<bool>,
    /// `PidsLimit`; `None` = the engine default, 0 or -1 = unlimited.
    #[serde(
        rename = "PidsLimit",
        deserialize_with = "de::opt_int",
        skip_serializing_if = "Option::is_none"
    )]
    pub pids_limit: Option<i64>,
    /// `Ulimits`.
    #[serde(
        rename = "Ulimits",
        deserialize_with = "de::nullable",
        skip_serializing_if = "de::is_default"
    )]
    pub ulimits: Vec<Ulimit>,
    /// `Init`: run an init process as PID 1; `None` = the engine default.
    #[serde(rename = "Init", skip_serializing_if = "Option::is_none")]
    pub init: Option<bool>,
    /// `MaskedPaths`.
    #[serde(
        rename = "MaskedPaths",
        deserialize_with = "de::nullable",
        skip_serializing_if = "de::is_default"
    )]
    pub masked_paths: Vec<String>,
    /// `ReadonlyPaths`.
    #[serde(
        rename = "ReadonlyPaths",
        deserialize_with = "de::nullable",
        skip_serializing_if = "de::is_default"
    )]
    pub readonly_paths: Vec<String>,
    /// Every other key, verbatim: fields this type does not name (`BlkioDeviceReadBps`,
    /// `KernelMemory`, `DeviceRequests`, fields of future API versions, ...). On encode
    /// these are merged into the object, which makes this the escape hatch for options
    /// without a typed field.
    #[serde(flatten, skip_deserializing)]
    pub extra: serde_json::Map<String, serde_json::Value>,
}

/// `RestartPolicy` in [`HostConfig`].
///
/// ```
/// use docker_models::{HostConfig, RestartPolicy};
/// let hc = HostConfig {
///     restart_policy: RestartPolicy { name: "on-failure".into(), maximum_retry_count: 5 },
///     ..Default::default()
/// };
/// let json = serde_json::to_value(&hc).unwrap();
/// assert_eq!(json["RestartPolicy"], serde_json::json!({"Name": "on-failure", "MaximumRetryCount": 5}));
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct RestartPolicy {
    /// `Name`: `""`/`no`, `always`, `unless-stopped` or `on-failure`.
    #[serde(rename = "Name", deserialize_with = "de::nullable")]
    pub name: String,
    /// `MaximumRetryCount` (for `on-failure`).
    #[serde(rename = "MaximumRetryCount", deserialize_with = "de::int")]
    pub maximum_retry_count: i64,
}

/// `LogConfig` in [`HostConfig`].
///
/// ```
/// use docker_models::LogConfig;
/// let log: LogConfig =
///     serde_json::from_str(r#"{"Type":"json-file","Config":{"max-size":"10m"}}"#).unwrap();
/// assert_eq!(log.typ, "json-file");
/// assert_eq!(log.config["max-size"], "10m");
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct LogConfig {
    /// `Type`: the log driver, e.g. `json-file`.
    #[serde(rename = "Type", deserialize_with = "de::nullable")]
    pub typ: String,
    /// `Config`: driver options.
    #[serde(rename = "Config", deserialize_with = "de::nullable")]
    pub config: BTreeMap<String, String>,
}

/// One entry of `Devices` in [`HostConfig`].
///
/// ```
/// use docker_models::{DeviceMapping, HostConfig};
/// let hc = HostConfig {
///     devices: vec![DeviceMapping {
///         path_on_host: "/dev/fuse".into(),
///         path_in_container: "/dev/fuse".into(),
///         cgroup_permissions: "rwm".into(),
///     }],
///     ..Default::default()
/// };
/// assert_eq!(serde_json::to_value(&hc).unwrap()["Devices"][0]["CgroupPermissions"], "rwm");
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct DeviceMapping {
    /// `PathOnHost`.
    #[serde(rename = "PathOnHost", deserialize_with = "de::nullable")]
    pub path_on_host: String,
    /// `PathInContainer`.
    #[serde(rename = "PathInContainer", deserialize_with = "de::nullable")]
    pub path_in_container: String,
    /// `CgroupPermissions`, e.g. `rwm`.
    #[serde(rename = "CgroupPermissions", deserialize_with = "de::nullable")]
    pub cgroup_permissions: String,
}

/// One entry of `Ulimits` in [`HostConfig`].
///
/// ```
/// use docker_models::Ulimit;
/// let nofile = Ulimit { name: "nofile".into(), soft: 1024, hard: 4096 };
/// assert_eq!(
///     serde_json::to_value(&nofile).unwrap(),
///     serde_json::json!({"Name": "nofile", "Soft": 1024, "Hard": 4096})
/// );
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Ulimit {
    /// `Name`, e.g. `nofile`.
    #[serde(rename = "Name", deserialize_with = "de::nullable")]
    pub name: String,
    /// `Soft`.
    #[serde(rename = "Soft", deserialize_with = "de::int")]
    pub soft: i64,
    /// `Hard`.
    #[serde(rename = "Hard", deserialize_with = "de::int")]
    pub hard: i64,
}

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
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(remote = "Self", default)]
pub struct Mount {
    /// `Target`: the path in the container.
    #[serde(rename = "Target", deserialize_with = "de::nullable")]
    pub target: String,
    /// `Source`: host path (bind) or volume name (volume).
    #[serde(
        rename = "Source",
        deserialize_with = "de::nullable",
        skip_serializing_if = "de::is_default"
    )]
    pub source: String,
    /// `Type`: `bind`, `volume`, `tmpfs`, `npipe`, `cluster` or `image`.
    #[serde(rename = "Type", deserialize_with = "de::nullable")]
    pub typ: String,
    /// `ReadOnly`.
    #[serde(
        rename = "ReadOnly",
        deserialize_with = "de::flag",
        skip_serializing_if = "de::is_default"
    )]
    pub read_only: bool,
    /// `Consistency`: `default`, `consistent`, `cached` or `delegated`.
    #[serde(
        rename = "Consistency",
        deserialize_with = "de::nullable",
        skip_serializing_if = "de::is_default"
    )]
    pub consistency: String,
    /// `BindOptions`, `VolumeOptions`, `TmpfsOptions` and any other key, verbatim.
    #[serde(flatten, skip_deserializing)]
    pub extra: serde_json::Map<String, serde_json::Value>,
}

de::keep_unknown_keys!(HostConfig);
de::keep_unknown_keys!(Mount);
