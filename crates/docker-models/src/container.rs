//! Containers: list items (`GET /containers/json`) and inspect (`GET /containers/{id}/json`).

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Serialize};

use crate::common::EmptyObject;
use crate::de;
use crate::host_config::HostConfig;
use crate::network_settings::{EndpointSettings, NetworkSettings};

/// The first 12 characters of an id (after a `sha256:` prefix), as the CLI shows it.
pub(crate) fn short_id(id: &str) -> &str {
    let id = id.strip_prefix("sha256:").unwrap_or(id);
    match id.char_indices().nth(12) {
        Some((end, _)) => &id[..end],
        None => id,
    }
}

/// One item of `GET /containers/json`.
///
/// ```
/// let list: Vec<docker_models::ContainerSummary> = serde_json::from_str(
///     r#"[{"Id":"1cd78d71f60d7e47f51b93ff","Names":["/research-main"],"Image":"bb:latest",
///          "Created":1795863815,"Ports":[],"Labels":{},"State":"running","Status":"Up 55 seconds"}]"#,
/// ).unwrap();
/// let c = &list[0];
/// assert_eq!(c.name(), Some("research-main"));
/// assert_eq!(c.short_id(), "1cd78d71f60d");
/// assert_eq!(c.size_rw, None);
/// assert_eq!(c.to_string(), "1cd78d71f60d research-main bb:latest running (Up 55 seconds)");
/// ```
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ContainerSummary {
    /// `Id`: the full container id.
    #[serde(rename = "Id", deserialize_with = "de::nullable")]
    pub id: String,
    /// `Names`: names with a leading `/` (legacy links add `/other/alias` entries).
    #[serde(rename = "Names", deserialize_with = "de::nullable")]
    pub names: Vec<String>,
    /// `Image`: the image as the user named it (or its id).
    #[serde(rename = "Image", deserialize_with = "de::nullable")]
    pub image: String,
    /// `ImageID`: `sha256:...`.
    #[serde(rename = "ImageID", deserialize_with = "de::nullable")]
    pub image_id: String,
    /// `Command`: the command line, quoted as one string.
    #[serde(rename = "Command", deserialize_with = "de::nullable")]
    pub command: String,
    /// `Created`: Unix seconds.
    #[serde(rename = "Created", deserialize_with = "de::int")]
    pub created: i64,
    /// `Ports`: exposed and published ports.
    #[serde(rename = "Ports", deserialize_with = "de::nullable")]
    pub ports: Vec<Port>,
    /// `SizeRw`: bytes written by the container (only with `size=true`).
    #[serde(
        rename = "SizeRw",
        deserialize_with = "de::opt_int",
        skip_serializing_if = "Option::is_none"
    )]
    pub size_rw: Option<i64>,
    /// `SizeRootFs`: total size of the container's files (only with `size=true`).
    #[serde(
        rename = "SizeRootFs",
        deserialize_with = "de::opt_int",
        skip_serializing_if = "Option::is_none"
    )]
    pub size_root_fs: Option<i64>,
    /// `Labels`.
    #[serde(rename = "Labels", deserialize_with = "de::nullable")]
    pub labels: BTreeMap<String, String>,
    /// `State`: `created`, `running`, `paused`, `restarting`, `removing`, `exited` or `dead`.
    #[serde(rename = "State", deserialize_with = "de::nullable")]
    pub state: String,
    /// `Status`: human text such as `Up 55 seconds`.
    #[serde(rename = "Status", deserialize_with = "de::nullable")]
    pub status: String,
    /// `HostConfig`: the network mode only.
    #[serde(rename = "HostConfig", deserialize_with = "de::nullable")]
    pub host_config: SummaryHostConfig,
    /// `NetworkSettings`: the endpoints only.
    #[serde(rename = "NetworkSettings", deserialize_with = "de::nullable")]
    pub network_settings: SummaryNetworkSettings,
    /// `Mounts`.
    #[serde(rename = "Mounts", deserialize_with = "de::nullable")]
    pub mounts: Vec<MountPoint>,
}

impl ContainerSummary {
    /// The container's name without the leading `/`: the first name that is not a
    /// legacy link alias (`/other/alias`), else the first name; `None` when `Names` is
    /// empty.
    ///
    /// ```
    /// use docker_models::ContainerSummary;
    /// let c: ContainerSummary = serde_json::from_str(r#"{"Names":["/db/web-db","/db"]}"#).unwrap();
    /// assert_eq!(c.name(), Some("db")); // The other name, `/db/web-db`, is a link alias.
    /// assert_eq!(ContainerSummary::default().name(), None);
    /// ```
    pub fn name(&self) -> Option<&str> {
        fn strip(n: &str) -> &str {
            n.strip_prefix('/').unwrap_or(n)
        }
        let mut names = self.names.iter().map(|n| strip(n));
        names
            .clone()
            .find(|n| !n.contains('/'))
            .or_else(|| names.next())
    }

    /// The first 12 characters of the id, as the CLI shows it.
    ///
    /// ```
    /// use docker_models::ContainerSummary;
    /// let c: ContainerSummary = serde_json::from_str(r#"{"Id":"1cd78d71f60d4a6e3b3c"}"#).unwrap();
    /// assert_eq!(c.short_id(), "1cd78d71f60d");
    /// ```
    pub fn short_id(&self) -> &str {
        short_id(&self.id)
    }
}

impl fmt::Display for ContainerSummary {
    /// `1cd78d71f60d research-main bb:latest running (Up 55 seconds)`
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} {} {} {} ({})",
            self.short_id(),
            self.name().unwrap_or("-"),
            self.image,
            self.state,
            self.status
        )
    }
}

/// One entry of `Ports` in [`ContainerSummary`].
///
/// ```
/// use docker_models::Port;
/// let port: Port = serde_json::from_str(
///     r#"{"IP":"0.0.0.0","PrivatePort":80,"PublicPort":8080,"Type":"tcp"}"#,
/// ).unwrap();
/// assert_eq!((port.private_port, port.public_port, port.typ.as_str()), (80, 8080, "tcp"));
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Port {
    /// `IP`: the host address it is published on (absent when not published).
    #[serde(
        rename = "IP",
        deserialize_with = "de::nullable",
        skip_serializing_if = "de::is_default"
    )]
    pub ip: String,
    /// `PrivatePort`: the port in the container.
    #[serde(rename = "PrivatePort", deserialize_with = "de::nullable")]
    pub private_port: u16,
    /// `PublicPort`: the host port (0 when not published).
    #[serde(
        rename = "PublicPort",
        deserialize_with = "de::nullable",
        skip_serializing_if = "de::is_default"
    )]
    pub public_port: u16,
    /// `Type`: `tcp`, `udp` or `sctp`.
    #[serde(rename = "Type", deserialize_with = "de::nullable")]
    pub typ: String,
}

/// `HostConfig` in [`ContainerSummary`].
///
/// ```
/// use docker_models::ContainerSummary;
/// let c: ContainerSummary = serde_json::from_str(r#"{"HostConfig":{"NetworkMode":"host"}}"#).unwrap();
/// assert_eq!(c.host_config.network_mode, "host");
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct SummaryHostConfig {
    /// `NetworkMode`.
    #[serde(rename = "NetworkMode", deserialize_with = "de::nullable")]
    pub network_mode: String,
    /// `Annotations` (API 1.46+).
    #[serde(
        rename = "Annotations",
        deserialize_with = "de::nullable",
        skip_serializing_if = "de::is_default"
    )]
    pub annotations: BTreeMap<String, String>,
}

/// `NetworkSettings` in [`ContainerSummary`].
///
/// ```
/// use docker_models::ContainerSummary;
/// let c: ContainerSummary = serde_json::from_str(
///     r#"{"NetworkSettings":{"Networks":{"bridge":{"IPAddress":"172.17.0.2"}}}}"#,
/// ).unwrap();
/// assert_eq!(c.network_settings.networks["bridge"].ip_address, "172.17.0.2");
/// ```
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct SummaryNetworkSettings {
    /// `Networks`: network name → endpoint.
    #[serde(rename = "Networks", deserialize_with = "de::nullable_values")]
    pub networks: BTreeMap<String, EndpointSettings>,
}

/// A mount a container has: an entry of `Mounts` in inspect and list answers.
///
/// ```
/// let m: docker_models::MountPoint = serde_json::from_str(
///     r#"{"Type":"bind","Source":"/tmp","Destination":"/tmp/outside_tmp","Mode":"","RW":true,"Propagation":""}"#,
/// ).unwrap();
/// assert!(m.rw);
/// assert_eq!(m.destination, "/tmp/outside_tmp");
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct MountPoint {
    /// `Type`: `bind`, `volume`, `tmpfs`, `npipe`, `cluster` or `image`.
    #[serde(rename = "Type", deserialize_with = "de::nullable")]
    pub typ: String,
    /// `Name`: the volume name (volumes only).
    #[serde(rename = "Name", deserialize_with = "de::nullable")]
    pub name: String,
    /// `Source`: the path on the host.
    #[serde(rename = "Source", deserialize_with = "de::nullable")]
    pub source: String,
    /// `Destination`: the path in the container.
    #[serde(rename = "Destination", deserialize_with = "de::nullable")]
    pub destination: String,
    /// `Driver`: the volume driver (volumes only).
    #[serde(rename = "Driver", deserialize_with = "de::nullable")]
    pub driver: String,
    /// `Mode`: mount options as given, e.g. `z` or `ro`.
    #[serde(rename = "Mode", deserialize_with = "de::nullable")]
    pub mode: String,
    /// `RW`: mounted read-write.
    #[serde(rename = "RW", deserialize_with = "de::flag")]
    pub rw: bool,
    /// `Propagation`, e.g. `rprivate`.
    #[serde(rename = "Propagation", deserialize_with = "de::nullable")]
    pub propagation: String,
}

/// `GraphDriver`: the storage driver and its per-object data.
///
/// ```
/// use docker_models::GraphDriver;
/// let driver: GraphDriver = serde_json::from_str(
///     r#"{"Name":"overlay2","Data":{"MergedDir":"/var/lib/docker/overlay2/4f2a/merged"}}"#,
/// ).unwrap();
/// assert_eq!(driver.name, "overlay2");
/// assert!(driver.data["MergedDir"].ends_with("/merged"));
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct GraphDriver {
    /// `Name`, e.g. `overlay2`.
    #[serde(rename = "Name", deserialize_with = "de::nullable")]
    pub name: String,
    /// `Data`: driver specific (`LowerDir`, `UpperDir`, ...).
    #[serde(rename = "Data", deserialize_with = "de::nullable")]
    pub data: BTreeMap<String, String>,
}

/// `GET /containers/{id}/json`.
///
/// ```
/// let c: docker_models::ContainerInspect = serde_json::from_str(
///     r#"{"Id":"1cd78d71f60d7e47","Name":"/research-main","Path":"sh","Args":["-c","sleep 9"],
///         "State":{"Status":"running","Running":true,"Pid":10104,"StartedAt":"2026-11-28T11:03:35.99Z"},
///         "ExecIDs":null,"Config":{"Env":null,"Cmd":["sh"]}}"#,
/// ).unwrap();
/// assert!(c.state.running);
/// assert_eq!(c.state.pid, 10104);
/// assert!(c.exec_ids.is_empty() && c.config.env.is_empty());
/// assert_eq!(c.name(), "research-main");
/// ```
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ContainerInspect {
    /// `Id`: the full container id.
    #[serde(rename = "Id", deserialize_with = "de::nullable")]
    pub id: String,
    /// `Created`: RFC 3339 with nanoseconds.
    #[serde(rename = "Created", deserialize_with = "de::nullable")]
    pub created: String,
    /// `Path`: the executable of the main process.
    #[serde(rename = "Path", deserialize_with = "de::nullable")]
    pub path: String,
    /// `Args`: its arguments.
    #[serde(rename = "Args", deserialize_with = "de::nullable")]
    pub args: Vec<String>,
    /// `State`.
    #[serde(rename = "State", deserialize_with = "de::nullable")]
    pub state: ContainerState,
    /// `Image`: the image id, `sha256:...`.
    #[serde(rename = "Image", deserialize_with = "de::nullable")]
    pub image: String,
    /// `ResolvConfPath`.
    #[serde(rename = "ResolvConfPath", deserialize_with = "de::nullable")]
    pub resolv_conf_path: String,
    /// `HostnamePath`.
    #[serde(rename = "HostnamePath", deserialize_with = "de::nullable")]
    pub hostname_path: String,
    /// `HostsPath`.
    #[serde(rename = "HostsPath", deserialize_with = "de::nullable")]
    pub hosts_path: String,
    /// `LogPath`.
    #[serde(rename = "LogPath", deserialize_with = "de::nullable")]
    pub log_path: String,
    /// `Name`: with the leading `/`, e.g. `/research-main`.
    #[serde(rename = "Name", deserialize_with = "de::nullable")]
    pub name: String,
    /// `RestartCount`.
    #[serde(rename = "RestartCount", deserialize_with = "de::int")]
    pub restart_count: i64,
    /// `Driver`: the storage driver.
    #[serde(rename = "Driver", deserialize_with = "de::nullable")]
    pub driver: String,
    /// `Platform`, e.g. `linux`.
    #[serde(rename = "Platform", deserialize_with = "de::nullable")]
    pub platform: String,
    /// `MountLabel`.
    #[serde(rename = "MountLabel", deserialize_with = "de::nullable")]
    pub mount_label: String,
    /// `ProcessLabel`.
    #[serde(rename = "ProcessLabel", deserialize_with = "de::nullable")]
    pub process_label: String,
    /// `AppArmorProfile`.
    #[serde(rename = "AppArmorProfile", deserialize_with = "de::nullable")]
    pub app_armor_profile: String,
    /// `ExecIDs`: execs created in this container (`null` → empty).
    #[serde(rename = "ExecIDs", deserialize_with = "de::nullable")]
    pub exec_ids: Vec<String>,
    /// `HostConfig`.
    #[serde(rename = "HostConfig", deserialize_with = "de::nullable")]
    pub host_config: HostConfig,
    /// `GraphDriver`.
    #[serde(rename = "GraphDriver", deserialize_with = "de::nullable")]
    pub graph_driver: GraphDriver,
    /// `SizeRw` (only with `size=true`).
    #[serde(
        rename = "SizeRw",
        deserialize_with = "de::opt_int",
        skip_serializing_if = "Option::is_none"
    )]
    pub size_rw: Option<i64>,
    /// `SizeRootFs` (only with `size=true`).
    #[serde(
        rename = "SizeRootFs",
        deserialize_with = "de::opt_int",
        skip_serializing_if = "Option::is_none"
    )]
    pub size_root_fs: Option<i64>,
    /// `Mounts`.
    #[serde(rename = "Mounts", deserialize_with = "de::nullable")]
    pub mounts: Vec<MountPoint>,
    /// `Config`: the container's configuration (image defaults merged with create options).
    #[serde(rename = "Config", deserialize_with = "de::nullable")]
    pub config: ContainerConfig,
    /// `NetworkSettings`.
    #[serde(rename = "NetworkSettings", deserialize_with = "de::nullable")]
    pub network_settings: NetworkSettings,
}

impl ContainerInspect {
    /// The name without the leading `/`.
    ///
    /// ```
    /// use docker_models::ContainerInspect;
    /// let c: ContainerInspect = serde_json::from_str(r#"{"Name":"/web"}"#).unwrap();
    /// assert_eq!(c.name(), "web");
    /// ```
    pub fn name(&self) -> &str {
        self.name.strip_prefix('/').unwrap_or(&self.name)
    }

    /// The first 12 characters of the id.
    ///
    /// ```
    /// use docker_models::ContainerInspect;
    /// let c: ContainerInspect = serde_json::from_str(r#"{"Id":"1cd78d71f60d4a6e3b3c"}"#).unwrap();
    /// assert_eq!(c.short_id(), "1cd78d71f60d");
    /// ```
    pub fn short_id(&self) -> &str {
        short_id(&self.id)
    }
}

impl fmt::Display for ContainerInspect {
    /// `/research-main 1cd78d71f60d running pid 10104 started 2026-... image 74b4c5814d47 cmd [sh -c ...] ip - networks [bridge]`
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} {} {} pid {} started {} image {} cmd [{}",
            self.name,
            self.short_id(),
            self.state.status,
            self.state.pid,
            self.state.started_at,
            short_id(&self.image),
            self.path
        )?;
        for a in &self.args {
            write!(f, " {a}")?;
        }
        write!(
            f,
            "] ip {} networks [",
            self.network_settings.ip_address().unwrap_or("-")
        )?;
        for (i, name) in self.network_settings.networks.keys().enumerate() {
            if i > 0 {
                f.write_str(" ")?;
            }
            f.write_str(name)?;
        }
        f.write_str("]")
    }
}

/// `State` of [`ContainerInspect`].
///
/// Times are RFC 3339 strings; an unset time is `0001-01-01T00:00:00Z`.
///
/// ```
/// use docker_models::ContainerState;
/// let state: ContainerState = serde_json::from_str(
///     r#"{"Status":"exited","Running":false,"OOMKilled":true,"ExitCode":137,"Health":null}"#,
/// ).unwrap();
/// assert!(state.oom_killed && !state.running);
/// assert_eq!((state.status.as_str(), state.exit_code), ("exited", 137));
/// assert!(state.health.is_none());
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ContainerState {
    /// `Status`: `created`, `running`, `paused`, `restarting`, `removing`, `exited` or `dead`.
    #[serde(rename = "Status", deserialize_with = "de::nullable")]
    pub status: String,
    /// `Running`.
    #[serde(rename = "Running", deserialize_with = "de::flag")]
    pub running: bool,
    /// `Paused`.
    #[serde(rename = "Paused", deserialize_with = "de::flag")]
    pub paused: bool,
    /// `Restarting`.
    #[serde(rename = "Restarting", deserialize_with = "de::flag")]
    pub restarting: bool,
    /// `OOMKilled`.
    #[serde(rename = "OOMKilled", deserialize_with = "de::flag")]
    pub oom_killed: bool,
    /// `Dead`.
    #[serde(rename = "Dead", deserialize_with = "de::flag")]
    pub dead: bool,
    /// `Pid`: the main process's host PID (0 when not running).
    #[serde(rename = "Pid", deserialize_with = "de::uint")]
    pub pid: u64,
    /// `ExitCode`.
    #[serde(rename = "ExitCode", deserialize_with = "de::int")]
    pub exit_code: i64,
    /// `Error`.
    #[serde(rename = "Error", deserialize_with = "de::nullable")]
    pub error: String,
    /// `StartedAt`.
    #[serde(rename = "StartedAt", deserialize_with = "de::nullable")]
    pub started_at: String,
    /// `FinishedAt`.
    #[serde(rename = "FinishedAt", deserialize_with = "de::nullable")]
    pub finished_at: String,
    /// `Health`: present only when the container has a health check.
    #[serde(rename = "Health", skip_serializing_if = "Option::is_none")]
    pub health: Option<Health>,
}

/// `State.Health` of [`ContainerInspect`].
///
/// ```
/// use docker_models::ContainerState;
/// let state: ContainerState = serde_json::from_str(
///     r#"{"Health":{"Status":"unhealthy","FailingStreak":3,"Log":[{"ExitCode":1,"Output":"refused"}]}}"#,
/// ).unwrap();
/// let health = state.health.unwrap();
/// assert_eq!((health.status.as_str(), health.failing_streak), ("unhealthy", 3));
/// assert_eq!(health.log[0].output, "refused");
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Health {
    /// `Status`: `none`, `starting`, `healthy` or `unhealthy`.
    #[serde(rename = "Status", deserialize_with = "de::nullable")]
    pub status: String,
    /// `FailingStreak`.
    #[serde(rename = "FailingStreak", deserialize_with = "de::int")]
    pub failing_streak: i64,
    /// `Log`: the last results, oldest first.
    #[serde(rename = "Log", deserialize_with = "de::nullable")]
    pub log: Vec<HealthcheckResult>,
}

/// One entry of `Health.Log`.
///
/// ```
/// use docker_models::HealthcheckResult;
/// let result: HealthcheckResult = serde_json::from_str(
///     r#"{"Start":"2024-05-01T10:00:00Z","End":"2024-05-01T10:00:01Z","ExitCode":0,"Output":"ok\n"}"#,
/// ).unwrap();
/// assert_eq!((result.exit_code, result.output.as_str()), (0, "ok\n"));
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct HealthcheckResult {
    /// `Start`.
    #[serde(rename = "Start", deserialize_with = "de::nullable")]
    pub start: String,
    /// `End`.
    #[serde(rename = "End", deserialize_with = "de::nullable")]
    pub end: String,
    /// `ExitCode`: 0 healthy, 1 unhealthy.
    #[serde(rename = "ExitCode", deserialize_with = "de::int")]
    pub exit_code: i64,
    /// `Output`.
    #[serde(rename = "Output", deserialize_with = "de::nullable")]
    pub output: String,
}

/// A health check definition (`Healthcheck` in container and image config).
///
/// Durations are nanoseconds; 0 means inherit. Empty fields are skipped when
/// serializing.
///
/// ```
/// use docker_models::HealthConfig;
/// let check = HealthConfig {
///     test: vec!["CMD-SHELL".into(), "curl -f http://localhost/ || exit 1".into()],
///     interval: 30_000_000_000,
///     retries: 3,
///     ..Default::default()
/// };
/// let json = serde_json::to_value(&check).unwrap();
/// assert_eq!(json["Interval"], 30_000_000_000i64);
/// assert!(json.get("Timeout").is_none()); // A 0 (inherit) is not sent.
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct HealthConfig {
    /// `Test`: `[]` inherit, `["NONE"]` disable, `["CMD", args...]` or `["CMD-SHELL", command]`.
    #[serde(
        rename = "Test",
        deserialize_with = "de::nullable",
        skip_serializing_if = "de::is_default"
    )]
    pub test: Vec<String>,
    /// `Interval`.
    #[serde(
        rename = "Interval",
        deserialize_with = "de::int",
        skip_serializing_if = "de::is_default"
    )]
    pub interval: i64,
    /// `Timeout`.
    #[serde(
        rename = "Timeout",
        deserialize_with = "de::int",
        skip_serializing_if = "de::is_default"
    )]
    pub timeout: i64,
    /// `Retries`.
    #[serde(
        rename = "Retries",
        deserialize_with = "de::int",
        skip_serializing_if = "de::is_default"
    )]
    pub retries: i64,
    /// `StartPeriod`.
    #[serde(
        rename = "StartPeriod",
        deserialize_with = "de::int",
        skip_serializing_if = "de::is_default"
    )]
    pub start_period: i64,
    /// `StartInterval` (API 1.44+).
    #[serde(
        rename = "StartInterval",
        deserialize_with = "de::int",
        skip_serializing_if = "de::is_default"
    )]
    pub start_interval: i64,
}

/// `Config` of [`ContainerInspect`], and `Config`/`ContainerConfig` of
/// [`ImageInspect`](crate::ImageInspect): the portable part of a container's
/// configuration.
///
/// ```
/// use docker_models::ContainerInspect;
/// let c: ContainerInspect = serde_json::from_str(
///     r#"{"Config":{"Image":"nginx:1.27","Env":["PATH=/usr/bin"],"Cmd":null,"Labels":{"app":"web"}}}"#,
/// ).unwrap();
/// assert_eq!(c.config.image, "nginx:1.27");
/// assert!(c.config.cmd.is_empty());
/// assert_eq!(c.config.labels["app"], "web");
/// ```
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ContainerConfig {
    /// `Hostname`.
    #[serde(rename = "Hostname", deserialize_with = "de::nullable")]
    pub hostname: String,
    /// `Domainname`.
    #[serde(rename = "Domainname", deserialize_with = "de::nullable")]
    pub domainname: String,
    /// `User`.
    #[serde(rename = "User", deserialize_with = "de::nullable")]
    pub user: String,
    /// `AttachStdin`.
    #[serde(rename = "AttachStdin", deserialize_with = "de::flag")]
    pub attach_stdin: bool,
    /// `AttachStdout`.
    #[serde(rename = "AttachStdout", deserialize_with = "de::flag")]
    pub attach_stdout: bool,
    /// `AttachStderr`.
    #[serde(rename = "AttachStderr", deserialize_with = "de::flag")]
    pub attach_stderr: bool,
    /// `ExposedPorts`: a set of `"port/proto"` keys.
    #[serde(rename = "ExposedPorts", deserialize_with = "de::nullable")]
    pub exposed_ports: BTreeMap<String, EmptyObject>,
    /// `Tty`.
    #[serde(rename = "Tty", deserialize_with = "de::flag")]
    pub tty: bool,
    /// `OpenStdin`.
    #[serde(rename = "OpenStdin", deserialize_with = "de::flag")]
    pub open_stdin: bool,
    /// `StdinOnce`.
    #[serde(rename = "StdinOnce", deserialize_with = "de::flag")]
    pub stdin_once: bool,
    /// `Env`: `KEY=value` strings (`null` → empty).
    #[serde(rename = "Env", deserialize_with = "de::nullable")]
    pub env: Vec<String>,
    /// `Cmd`.
    #[serde(rename = "Cmd", deserialize_with = "de::nullable")]
    pub cmd: Vec<String>,
    /// `Healthcheck`.
    #[serde(rename = "Healthcheck", skip_serializing_if = "Option::is_none")]
    pub healthcheck: Option<HealthConfig>,
    /// `ArgsEscaped` (Windows).
    #[serde(
        rename = "ArgsEscaped",
        deserialize_with = "de::flag",
        skip_serializing_if = "de::is_default"
    )]
    pub args_escaped: bool,
    /// `Image`: the image as the user named it.
    #[serde(rename = "Image", deserialize_with = "de::nullable")]
    pub image: String,
    /// `Volumes`: a set of container paths.
    #[serde(rename = "Volumes", deserialize_with = "de::nullable")]
    pub volumes: BTreeMap<String, EmptyObject>,
    /// `WorkingDir`.
    #[serde(rename = "WorkingDir", deserialize_with = "de::nullable")]
    pub working_dir: String,
    /// `Entrypoint`.
    #[serde(rename = "Entrypoint", deserialize_with = "de::nullable")]
    pub entrypoint: Vec<String>,
    /// `NetworkDisabled`.
    #[serde(
        rename = "NetworkDisabled",
        deserialize_with = "de::flag",
        skip_serializing_if = "de::is_default"
    )]
    pub network_disabled: bool,
    /// `MacAddress` (deprecated in API 1.44; per-endpoint since).
    #[serde(
        rename = "MacAddress",
        deserialize_with = "de::nullable",
        skip_serializing_if = "de::is_default"
    )]
    pub mac_address: String,
    /// `OnBuild`: image triggers.
    #[serde(rename = "OnBuild", deserialize_with = "de::nullable")]
    pub on_build: Vec<String>,
    /// `Labels`.
    #[serde(rename = "Labels", deserialize_with = "de::nullable")]
    pub labels: BTreeMap<String, String>,
    /// `StopSignal`, e.g. `SIGTERM`.
    #[serde(
        rename = "StopSignal",
        deserialize_with = "de::nullable",
        skip_serializing_if = "de::is_default"
    )]
    pub stop_signal: String,
    /// `StopTimeout` in seconds.
    #[serde(
        rename = "StopTimeout",
        deserialize_with = "de::opt_int",
        skip_serializing_if = "Option::is_none"
    )]
    pub stop_timeout: Option<i64>,
    /// `Shell` (for `RUN` in Dockerfiles).
    #[serde(
        rename = "Shell",
        deserialize_with = "de::nullable",
        skip_serializing_if = "de::is_default"
    )]
    pub shell: Vec<String>,
}
