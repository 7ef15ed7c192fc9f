//! `/_ping`, `GET /version` and `GET /info`.

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Serialize};

use crate::de;

/// What `/_ping` tells about the engine. The client fills it from the response
/// headers (`Api-Version`, `Ostype`, `Docker-Experimental`, `Builder-Version`, `Swarm`);
/// the body is just `OK`.
///
/// The serde form (snake_case keys) exists for logging and snapshots only.
///
/// ```
/// let ping = docker_models::Ping {
///     api_version: "1.41".into(),
///     os_type: "linux".into(),
///     ..Default::default()
/// };
/// assert!(ping.builder_version.is_none());
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Ping {
    /// `Api-Version`: the engine's maximum API version, e.g. `1.41`; empty when absent.
    #[serde(deserialize_with = "de::nullable")]
    pub api_version: String,
    /// `Ostype`: `linux` or `windows`; empty when absent.
    #[serde(deserialize_with = "de::nullable")]
    pub os_type: String,
    /// `Docker-Experimental: true`.
    #[serde(deserialize_with = "de::flag")]
    pub experimental: bool,
    /// `Builder-Version` (`1` classic, `2` BuildKit); always sent since API 1.42.
    pub builder_version: Option<String>,
    /// `Swarm` (API 1.42+): `inactive`, `pending`, `error`, `locked`,
    /// `active/worker` or `active/manager`.
    pub swarm: Option<String>,
}

/// `GET /version`.
///
/// ```
/// let v: docker_models::SystemVersion = serde_json::from_str(
///     r#"{"Version":"20.10.24","ApiVersion":"1.41","MinAPIVersion":"1.12","Os":"linux"}"#,
/// ).unwrap();
/// assert_eq!(v.api_version, "1.41");
/// assert_eq!(v.min_api_version, "1.12");
/// assert!(v.components.is_empty());
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct SystemVersion {
    /// `Platform`: the product name, e.g. `Docker Engine - Community`.
    #[serde(rename = "Platform", deserialize_with = "de::nullable")]
    pub platform: Platform,
    /// `Components` (API 1.35+): engine, containerd, runc, docker-init.
    #[serde(rename = "Components", deserialize_with = "de::nullable")]
    pub components: Vec<ComponentVersion>,
    /// `Version`: the engine release, e.g. `20.10.24`.
    #[serde(rename = "Version", deserialize_with = "de::nullable")]
    pub version: String,
    /// `ApiVersion`: the maximum API version.
    #[serde(rename = "ApiVersion", deserialize_with = "de::nullable")]
    pub api_version: String,
    /// `MinAPIVersion`: the minimum API version the engine accepts.
    #[serde(rename = "MinAPIVersion", deserialize_with = "de::nullable")]
    pub min_api_version: String,
    /// `GitCommit`.
    #[serde(rename = "GitCommit", deserialize_with = "de::nullable")]
    pub git_commit: String,
    /// `GoVersion`.
    #[serde(rename = "GoVersion", deserialize_with = "de::nullable")]
    pub go_version: String,
    /// `Os`.
    #[serde(rename = "Os", deserialize_with = "de::nullable")]
    pub os: String,
    /// `Arch`.
    #[serde(rename = "Arch", deserialize_with = "de::nullable")]
    pub arch: String,
    /// `KernelVersion`.
    #[serde(rename = "KernelVersion", deserialize_with = "de::nullable")]
    pub kernel_version: String,
    /// `BuildTime`.
    #[serde(rename = "BuildTime", deserialize_with = "de::nullable")]
    pub build_time: String,
    /// `Experimental` (omitted by the engine when false).
    #[serde(rename = "Experimental", deserialize_with = "de::flag")]
    pub experimental: bool,
}

/// `Platform` in [`SystemVersion`].
///
/// ```
/// use docker_models::SystemVersion;
/// let version: SystemVersion =
///     serde_json::from_str(r#"{"Platform":{"Name":"Docker Engine - Community"},"Version":"27.3.1"}"#).unwrap();
/// assert_eq!(version.platform.name, "Docker Engine - Community");
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Platform {
    /// `Name`.
    #[serde(rename = "Name", deserialize_with = "de::nullable")]
    pub name: String,
}

/// One entry of `Components` in [`SystemVersion`].
///
/// ```
/// use docker_models::SystemVersion;
/// let version: SystemVersion = serde_json::from_str(
///     r#"{"Components":[{"Name":"containerd","Version":"1.7.22","Details":{"GitCommit":"7f7fdf5f"}}]}"#,
/// ).unwrap();
/// let containerd = &version.components[0];
/// assert_eq!((containerd.name.as_str(), containerd.version.as_str()), ("containerd", "1.7.22"));
/// assert_eq!(containerd.details["GitCommit"], "7f7fdf5f");
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ComponentVersion {
    /// `Name`, e.g. `Engine`, `containerd`.
    #[serde(rename = "Name", deserialize_with = "de::nullable")]
    pub name: String,
    /// `Version`.
    #[serde(rename = "Version", deserialize_with = "de::nullable")]
    pub version: String,
    /// `Details`: free-form strings such as `GitCommit`, `ApiVersion`.
    #[serde(rename = "Details", deserialize_with = "de::nullable")]
    pub details: BTreeMap<String, String>,
}

/// `GET /info`: engine-wide information.
///
/// ```
/// let info: docker_models::SystemInfo = serde_json::from_str(
///     r#"{"ID":"OS3O:FV3E","Name":"vm","ServerVersion":"20.10.24","NCPU":2,"Labels":null}"#,
/// ).unwrap();
/// assert_eq!(info.id, "OS3O:FV3E");
/// assert_eq!(info.ncpu, 2);
/// assert!(info.labels.is_empty());
/// assert!(info.to_string().starts_with("vm "));
/// ```
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct SystemInfo {
    /// `ID`: the engine's unique id (a key fingerprint before 23.0, a UUID after).
    #[serde(rename = "ID", deserialize_with = "de::nullable")]
    pub id: String,
    /// `Containers`: all containers.
    #[serde(rename = "Containers", deserialize_with = "de::int")]
    pub containers: i64,
    /// `ContainersRunning`.
    #[serde(rename = "ContainersRunning", deserialize_with = "de::int")]
    pub containers_running: i64,
    /// `ContainersPaused`.
    #[serde(rename = "ContainersPaused", deserialize_with = "de::int")]
    pub containers_paused: i64,
    /// `ContainersStopped`.
    #[serde(rename = "ContainersStopped", deserialize_with = "de::int")]
    pub containers_stopped: i64,
    /// `Images`.
    #[serde(rename = "Images", deserialize_with = "de::int")]
    pub images: i64,
    /// `Driver`: the storage driver, e.g. `overlay2`.
    #[serde(rename = "Driver", deserialize_with = "de::nullable")]
    pub driver: String,
    /// `DriverStatus`: `[[key, value], ...]`.
    #[serde(rename = "DriverStatus", deserialize_with = "de::nullable")]
    pub driver_status: Vec<Vec<String>>,
    /// `Plugins`.
    #[serde(rename = "Plugins", deserialize_with = "de::nullable")]
    pub plugins: PluginsInfo,
    /// `MemoryLimit`.
    #[serde(rename = "MemoryLimit", deserialize_with = "de::flag")]
    pub memory_limit: bool,
    /// `SwapLimit`.
    #[serde(rename = "SwapLimit", deserialize_with = "de::flag")]
    pub swap_limit: bool,
    /// `CpuCfsPeriod`.
    #[serde(rename = "CpuCfsPeriod", deserialize_with = "de::flag")]
    pub cpu_cfs_period: bool,
    /// `CpuCfsQuota`.
    #[serde(rename = "CpuCfsQuota", deserialize_with = "de::flag")]
    pub cpu_cfs_quota: bool,
    /// `CPUShares`.
    #[serde(rename = "CPUShares", deserialize_with = "de::flag")]
    pub cpu_shares: bool,
    /// `CPUSet`.
    #[serde(rename = "CPUSet", deserialize_with = "de::flag")]
    pub cpu_set: bool,
    /// `PidsLimit`.
    #[serde(rename = "PidsLimit", deserialize_with = "de::flag")]
    pub pids_limit: bool,
    /// `OomKillDisable`.
    #[serde(rename = "OomKillDisable", deserialize_with = "de::flag")]
    pub oom_kill_disable: bool,
    /// `IPv4Forwarding`.
    #[serde(rename = "IPv4Forwarding", deserialize_with = "de::flag")]
    pub ipv4_forwarding: bool,
    /// `BridgeNfIptables` (absent from newer engines).
    #[serde(rename = "BridgeNfIptables", deserialize_with = "de::flag")]
    pub bridge_nf_iptables: bool,
    /// `BridgeNfIp6tables` (absent from newer engines).
    #[serde(rename = "BridgeNfIp6tables", deserialize_with = "de::flag")]
    pub bridge_nf_ip6tables: bool,
    /// `Debug`: the engine runs in debug mode.
    #[serde(rename = "Debug", deserialize_with = "de::flag")]
    pub debug: bool,
    /// `NFd`: open file descriptors (debug mode only, else 0).
    #[serde(rename = "NFd", deserialize_with = "de::int")]
    pub nfd: i64,
    /// `NGoroutines` (debug mode only, else 0).
    #[serde(rename = "NGoroutines", deserialize_with = "de::int")]
    pub ngoroutines: i64,
    /// `SystemTime`: the engine's clock, RFC 3339 with nanoseconds.
    #[serde(rename = "SystemTime", deserialize_with = "de::nullable")]
    pub system_time: String,
    /// `LoggingDriver`: the default log driver.
    #[serde(rename = "LoggingDriver", deserialize_with = "de::nullable")]
    pub logging_driver: String,
    /// `CgroupDriver`: `cgroupfs`, `systemd` or `none`.
    #[serde(rename = "CgroupDriver", deserialize_with = "de::nullable")]
    pub cgroup_driver: String,
    /// `CgroupVersion`: `"1"` or `"2"` (API 1.40+).
    #[serde(rename = "CgroupVersion", deserialize_with = "de::nullable")]
    pub cgroup_version: String,
    /// `NEventsListener`.
    #[serde(rename = "NEventsListener", deserialize_with = "de::int")]
    pub nevents_listener: i64,
    /// `KernelVersion`.
    #[serde(rename = "KernelVersion", deserialize_with = "de::nullable")]
    pub kernel_version: String,
    /// `OperatingSystem`, e.g. `Debian GNU/Linux 12 (bookworm)`.
    #[serde(rename = "OperatingSystem", deserialize_with = "de::nullable")]
    pub operating_system: String,
    /// `OSVersion`, e.g. `12`.
    #[serde(rename = "OSVersion", deserialize_with = "de::nullable")]
    pub os_version: String,
    /// `OSType`: `linux` or `windows`.
    #[serde(rename = "OSType", deserialize_with = "de::nullable")]
    pub os_type: String,
    /// `Architecture`, e.g. `x86_64`.
    #[serde(rename = "Architecture", deserialize_with = "de::nullable")]
    pub architecture: String,
    /// `IndexServerAddress`.
    #[serde(rename = "IndexServerAddress", deserialize_with = "de::nullable")]
    pub index_server_address: String,
    /// `NCPU`.
    #[serde(rename = "NCPU", deserialize_with = "de::int")]
    pub ncpu: i64,
    /// `MemTotal` in bytes.
    #[serde(rename = "MemTotal", deserialize_with = "de::int")]
    pub mem_total: i64,
    /// `DockerRootDir`.
    #[serde(rename = "DockerRootDir", deserialize_with = "de::nullable")]
    pub docker_root_dir: String,
    /// `HttpProxy`.
    #[serde(rename = "HttpProxy", deserialize_with = "de::nullable")]
    pub http_proxy: String,
    /// `HttpsProxy`.
    #[serde(rename = "HttpsProxy", deserialize_with = "de::nullable")]
    pub https_proxy: String,
    /// `NoProxy`.
    #[serde(rename = "NoProxy", deserialize_with = "de::nullable")]
    pub no_proxy: String,
    /// `Name`: the host name.
    #[serde(rename = "Name", deserialize_with = "de::nullable")]
    pub name: String,
    /// `Labels`: engine labels as `key=value` strings.
    #[serde(rename = "Labels", deserialize_with = "de::nullable")]
    pub labels: Vec<String>,
    /// `ExperimentalBuild`.
    #[serde(rename = "ExperimentalBuild", deserialize_with = "de::flag")]
    pub experimental_build: bool,
    /// `ServerVersion`: the engine release.
    #[serde(rename = "ServerVersion", deserialize_with = "de::nullable")]
    pub server_version: String,
    /// `Runtimes`: name → runtime.
    #[serde(rename = "Runtimes", deserialize_with = "de::nullable_values")]
    pub runtimes: BTreeMap<String, Runtime>,
    /// `DefaultRuntime`.
    #[serde(rename = "DefaultRuntime", deserialize_with = "de::nullable")]
    pub default_runtime: String,
    /// `Swarm`.
    #[serde(rename = "Swarm", deserialize_with = "de::nullable")]
    pub swarm: SwarmInfo,
    /// `LiveRestoreEnabled`.
    #[serde(rename = "LiveRestoreEnabled", deserialize_with = "de::flag")]
    pub live_restore_enabled: bool,
    /// `Isolation` (Windows): `default`, `hyperv` or `process`.
    #[serde(rename = "Isolation", deserialize_with = "de::nullable")]
    pub isolation: String,
    /// `InitBinary`.
    #[serde(rename = "InitBinary", deserialize_with = "de::nullable")]
    pub init_binary: String,
    /// `ContainerdCommit`.
    #[serde(rename = "ContainerdCommit", deserialize_with = "de::nullable")]
    pub containerd_commit: Commit,
    /// `RuncCommit`.
    #[serde(rename = "RuncCommit", deserialize_with = "de::nullable")]
    pub runc_commit: Commit,
    /// `InitCommit`.
    #[serde(rename = "InitCommit", deserialize_with = "de::nullable")]
    pub init_commit: Commit,
    /// `SecurityOptions`, e.g. `name=seccomp,profile=default`.
    #[serde(rename = "SecurityOptions", deserialize_with = "de::nullable")]
    pub security_options: Vec<String>,
    /// `Warnings`.
    #[serde(rename = "Warnings", deserialize_with = "de::nullable")]
    pub warnings: Vec<String>,
}

impl fmt::Display for SystemInfo {
    /// `vm (ID ...): engine 20.10.24 on Debian ... (linux/x86_64, kernel 6.1), 2 CPUs, 1/2 containers running, 1 images`
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} (ID {}): engine {} on {} ({}/{}, kernel {}), {} CPUs, {}/{} containers running, {} images",
            self.name,
            self.id,
            self.server_version,
            self.operating_system,
            self.os_type,
            self.architecture,
            self.kernel_version,
            self.ncpu,
            self.containers_running,
            self.containers,
            self.images,
        )
    }
}

/// `Plugins` in [`SystemInfo`]: the plugin names per kind.
///
/// ```
/// use docker_models::SystemInfo;
/// let info: SystemInfo = serde_json::from_str(
///     r#"{"Plugins":{"Volume":["local"],"Network":["bridge","host","null"],"Authorization":null,"Log":["json-file"]}}"#,
/// ).unwrap();
/// assert!(info.plugins.network.iter().any(|n| n == "bridge"));
/// assert!(info.plugins.authorization.is_empty());
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct PluginsInfo {
    /// `Volume`.
    #[serde(rename = "Volume", deserialize_with = "de::nullable")]
    pub volume: Vec<String>,
    /// `Network`.
    #[serde(rename = "Network", deserialize_with = "de::nullable")]
    pub network: Vec<String>,
    /// `Authorization`.
    #[serde(rename = "Authorization", deserialize_with = "de::nullable")]
    pub authorization: Vec<String>,
    /// `Log`.
    #[serde(rename = "Log", deserialize_with = "de::nullable")]
    pub log: Vec<String>,
}

/// One entry of `Runtimes` in [`SystemInfo`] (lowercase keys on the wire).
///
/// ```
/// use docker_models::SystemInfo;
/// let info: SystemInfo = serde_json::from_str(
///     r#"{"Runtimes":{"runc":{"path":"runc"},"crun":{"path":"/usr/bin/crun","runtimeArgs":["--debug"]}}}"#,
/// ).unwrap();
/// assert_eq!(info.runtimes["crun"].runtime_args, ["--debug"]);
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Runtime {
    /// `path`: the runtime binary.
    #[serde(rename = "path", deserialize_with = "de::nullable")]
    pub path: String,
    /// `runtimeArgs`.
    #[serde(rename = "runtimeArgs", deserialize_with = "de::nullable")]
    pub runtime_args: Vec<String>,
}

/// `Swarm` in [`SystemInfo`] (the local node's view; a subset).
///
/// ```
/// use docker_models::SystemInfo;
/// let info: SystemInfo = serde_json::from_str(
///     r#"{"Swarm":{"NodeID":"","LocalNodeState":"inactive","ControlAvailable":false,"RemoteManagers":null}}"#,
/// ).unwrap();
/// assert_eq!(info.swarm.local_node_state, "inactive");
/// assert!(info.swarm.remote_managers.is_empty());
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct SwarmInfo {
    /// `NodeID`.
    #[serde(rename = "NodeID", deserialize_with = "de::nullable")]
    pub node_id: String,
    /// `NodeAddr`.
    #[serde(rename = "NodeAddr", deserialize_with = "de::nullable")]
    pub node_addr: String,
    /// `LocalNodeState`: `inactive`, `pending`, `active`, `error` or `locked`.
    #[serde(rename = "LocalNodeState", deserialize_with = "de::nullable")]
    pub local_node_state: String,
    /// `ControlAvailable`: this node is a manager.
    #[serde(rename = "ControlAvailable", deserialize_with = "de::flag")]
    pub control_available: bool,
    /// `Error`.
    #[serde(rename = "Error", deserialize_with = "de::nullable")]
    pub error: String,
    /// `RemoteManagers`.
    #[serde(rename = "RemoteManagers", deserialize_with = "de::nullable")]
    pub remote_managers: Vec<PeerNode>,
}

/// One entry of `RemoteManagers` in [`SwarmInfo`].
///
/// ```
/// use docker_models::SwarmInfo;
/// let swarm: SwarmInfo = serde_json::from_str(
///     r#"{"LocalNodeState":"active","RemoteManagers":[{"NodeID":"x5jm4pbz","Addr":"10.0.0.2:2377"}]}"#,
/// ).unwrap();
/// assert_eq!(swarm.remote_managers[0].addr, "10.0.0.2:2377");
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct PeerNode {
    /// `NodeID`.
    #[serde(rename = "NodeID", deserialize_with = "de::nullable")]
    pub node_id: String,
    /// `Addr`.
    #[serde(rename = "Addr", deserialize_with = "de::nullable")]
    pub addr: String,
}

/// A component commit in [`SystemInfo`] (`ContainerdCommit`, `RuncCommit`, `InitCommit`).
///
/// ```
/// use docker_models::SystemInfo;
/// let info: SystemInfo = serde_json::from_str(
///     r#"{"RuncCommit":{"ID":"v1.1.14-0-g2c9f560","Expected":"v1.1.14-0-g2c9f560"}}"#,
/// ).unwrap();
/// assert_eq!(info.runc_commit.id, info.runc_commit.expected);
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Commit {
    /// `ID`: the commit actually running.
    #[serde(rename = "ID", deserialize_with = "de::nullable")]
    pub id: String,
    /// `Expected`: the commit the engine was built against (absent from newer engines).
    #[serde(rename = "Expected", deserialize_with = "de::nullable")]
    pub expected: String,
}
