//! Containers: list items (`GET /containers/json`) and inspect (`GET /containers/{id}/json`).

use std::collections::BTreeMap;
use std::fmt;

use crate::common::EmptyObject;
use crate::host_config::HostConfig;
use crate::model::model;
use crate::network_settings::{EndpointSettings, NetworkSettings};

/// The first 12 characters of an id (after a `sha256:` prefix), as the CLI shows it.
pub(crate) fn short_id(id: &str) -> &str {
    let id = id.strip_prefix("sha256:").unwrap_or(id);
    match id.char_indices().nth(12) {
        Some((end, _)) => &id[..end],
        None => id,
    }
}

model! {
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
    #[derive(Debug, Clone, Default, PartialEq)]
    pub struct ContainerSummary {
        /// `Id`: the full container id.
        id: String = "Id",
        /// `Names`: names with a leading `/` (legacy links add `/other/alias` entries).
        names: Vec<String> = "Names",
        /// `Image`: the image as the user named it (or its id).
        image: String = "Image",
        /// `ImageID`: `sha256:...`.
        image_id: String = "ImageID",
        /// `Command`: the command line, quoted as one string.
        command: String = "Command",
        /// `Created`: Unix seconds.
        created: i64 = "Created",
        /// `Ports`: exposed and published ports.
        ports: Vec<Port> = "Ports",
        /// `SizeRw`: bytes written by the container (only with `size=true`).
        size_rw: Option<i64> = "SizeRw" omitempty,
        /// `SizeRootFs`: total size of the container's files (only with `size=true`).
        size_root_fs: Option<i64> = "SizeRootFs" omitempty,
        /// `Labels`.
        labels: BTreeMap<String, String> = "Labels",
        /// `State`: `created`, `running`, `paused`, `restarting`, `removing`, `exited` or `dead`.
        state: String = "State",
        /// `Status`: human text such as `Up 55 seconds`.
        status: String = "Status",
        /// `HostConfig`: the network mode only.
        host_config: SummaryHostConfig = "HostConfig",
        /// `NetworkSettings`: the endpoints only.
        network_settings: SummaryNetworkSettings = "NetworkSettings",
        /// `Mounts`.
        mounts: Vec<MountPoint> = "Mounts",
    }
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

model! {
    /// One entry of `Ports` in [`ContainerSummary`].
    ///
    /// ```
    /// use docker_models::Port;
    /// let port: Port = serde_json::from_str(
    ///     r#"{"IP":"0.0.0.0","PrivatePort":80,"PublicPort":8080,"Type":"tcp"}"#,
    /// ).unwrap();
    /// assert_eq!((port.private_port, port.public_port, port.typ.as_str()), (80, 8080, "tcp"));
    /// ```
    #[derive(Debug, Clone, Default, PartialEq, Eq)]
    pub struct Port {
        /// `IP`: the host address it is published on (absent when not published).
        ip: String = "IP" omitempty,
        /// `PrivatePort`: the port in the container.
        private_port: u16 = "PrivatePort",
        /// `PublicPort`: the host port (0 when not published).
        public_port: u16 = "PublicPort" omitempty,
        /// `Type`: `tcp`, `udp` or `sctp`.
        typ: String = "Type",
    }
}

model! {
    /// `HostConfig` in [`ContainerSummary`].
    ///
    /// ```
    /// use docker_models::ContainerSummary;
    /// let c: ContainerSummary = serde_json::from_str(r#"{"HostConfig":{"NetworkMode":"host"}}"#).unwrap();
    /// assert_eq!(c.host_config.network_mode, "host");
    /// ```
    #[derive(Debug, Clone, Default, PartialEq, Eq)]
    pub struct SummaryHostConfig {
        /// `NetworkMode`.
        network_mode: String = "NetworkMode",
        /// `Annotations` (API 1.46+).
        annotations: BTreeMap<String, String> = "Annotations" omitempty,
    }
}

model! {
    /// `NetworkSettings` in [`ContainerSummary`].
    ///
    /// ```
    /// use docker_models::ContainerSummary;
    /// let c: ContainerSummary = serde_json::from_str(
    ///     r#"{"NetworkSettings":{"Networks":{"bridge":{"IPAddress":"172.17.0.2"}}}}"#,
    /// ).unwrap();
    /// assert_eq!(c.network_settings.networks["bridge"].ip_address, "172.17.0.2");
    /// ```
    #[derive(Debug, Clone, Default, PartialEq)]
    pub struct SummaryNetworkSettings {
        /// `Networks`: network name → endpoint.
        networks: BTreeMap<String, EndpointSettings> = "Networks",
    }
}

model! {
    /// A mount a container has: an entry of `Mounts` in inspect and list answers.
    ///
    /// ```
    /// let m: docker_models::MountPoint = serde_json::from_str(
    ///     r#"{"Type":"bind","Source":"/tmp","Destination":"/tmp/outside_tmp","Mode":"","RW":true,"Propagation":""}"#,
    /// ).unwrap();
    /// assert!(m.rw);
    /// assert_eq!(m.destination, "/tmp/outside_tmp");
    /// ```
    #[derive(Debug, Clone, Default, PartialEq, Eq)]
    pub struct MountPoint {
        /// `Type`: `bind`, `volume`, `tmpfs`, `npipe`, `cluster` or `image`.
        typ: String = "Type",
        /// `Name`: the volume name (volumes only).
        name: String = "Name",
        /// `Source`: the path on the host.
        source: String = "Source",
        /// `Destination`: the path in the container.
        destination: String = "Destination",
        /// `Driver`: the volume driver (volumes only).
        driver: String = "Driver",
        /// `Mode`: mount options as given, e.g. `z` or `ro`.
        mode: String = "Mode",
        /// `RW`: mounted read-write.
        rw: bool = "RW",
        /// `Propagation`, e.g. `rprivate`.
        propagation: String = "Propagation",
    }
}

model! {
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
    #[derive(Debug, Clone, Default, PartialEq, Eq)]
    pub struct GraphDriver {
        /// `Name`, e.g. `overlay2`.
        name: String = "Name",
        /// `Data`: driver specific (`LowerDir`, `UpperDir`, ...).
        data: BTreeMap<String, String> = "Data",
    }
}

model! {
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
    #[derive(Debug, Clone, Default, PartialEq)]
    pub struct ContainerInspect {
        /// `Id`: the full container id.
        id: String = "Id",
        /// `Created`: RFC 3339 with nanoseconds.
        created: String = "Created",
        /// `Path`: the executable of the main process.
        path: String = "Path",
        /// `Args`: its arguments.
        args: Vec<String> = "Args",
        /// `State`.
        state: ContainerState = "State",
        /// `Image`: the image id, `sha256:...`.
        image: String = "Image",
        /// `ResolvConfPath`.
        resolv_conf_path: String = "ResolvConfPath",
        /// `HostnamePath`.
        hostname_path: String = "HostnamePath",
        /// `HostsPath`.
        hosts_path: String = "HostsPath",
        /// `LogPath`.
        log_path: String = "LogPath",
        /// `Name`: with the leading `/`, e.g. `/research-main`.
        name: String = "Name",
        /// `RestartCount`.
        restart_count: i64 = "RestartCount",
        /// `Driver`: the storage driver.
        driver: String = "Driver",
        /// `Platform`, e.g. `linux`.
        platform: String = "Platform",
        /// `MountLabel`.
        mount_label: String = "MountLabel",
        /// `ProcessLabel`.
        process_label: String = "ProcessLabel",
        /// `AppArmorProfile`.
        app_armor_profile: String = "AppArmorProfile",
        /// `ExecIDs`: execs created in this container (`null` → empty).
        exec_ids: Vec<String> = "ExecIDs",
        /// `HostConfig`.
        host_config: HostConfig = "HostConfig",
        /// `GraphDriver`.
        graph_driver: GraphDriver = "GraphDriver",
        /// `SizeRw` (only with `size=true`).
        size_rw: Option<i64> = "SizeRw" omitempty,
        /// `SizeRootFs` (only with `size=true`).
        size_root_fs: Option<i64> = "SizeRootFs" omitempty,
        /// `Mounts`.
        mounts: Vec<MountPoint> = "Mounts",
        /// `Config`: the container's configuration (image defaults merged with create options).
        config: ContainerConfig = "Config",
        /// `NetworkSettings`.
        network_settings: NetworkSettings = "NetworkSettings",
    }
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

model! {
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
    #[derive(Debug, Clone, Default, PartialEq, Eq)]
    pub struct ContainerState {
        /// `Status`: `created`, `running`, `paused`, `restarting`, `removing`, `exited` or `dead`.
        status: String = "Status",
        /// `Running`.
        running: bool = "Running",
        /// `Paused`.
        paused: bool = "Paused",
        /// `Restarting`.
        restarting: bool = "Restarting",
        /// `OOMKilled`.
        oom_killed: bool = "OOMKilled",
        /// `Dead`.
        dead: bool = "Dead",
        /// `Pid`: the main process's host PID (0 when not running).
        pid: u64 = "Pid",
        /// `ExitCode`.
        exit_code: i64 = "ExitCode",
        /// `Error`.
        error: String = "Error",
        /// `StartedAt`.
        started_at: String = "StartedAt",
        /// `FinishedAt`.
        finished_at: String = "FinishedAt",
        /// `Health`: present only when the container has a health check.
        health: Option<Health> = "Health" omitempty,
    }
}

model! {
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
    #[derive(Debug, Clone, Default, PartialEq, Eq)]
    pub struct Health {
        /// `Status`: `none`, `starting`, `healthy` or `unhealthy`.
        status: String = "Status",
        /// `FailingStreak`.
        failing_streak: i64 = "FailingStreak",
        /// `Log`: the last results, oldest first.
        log: Vec<HealthcheckResult> = "Log",
    }
}

model! {
    /// One entry of `Health.Log`.
    ///
    /// ```
    /// use docker_models::HealthcheckResult;
    /// let result: HealthcheckResult = serde_json::from_str(
    ///     r#"{"Start":"2024-05-01T10:00:00Z","End":"2024-05-01T10:00:01Z","ExitCode":0,"Output":"ok\n"}"#,
    /// ).unwrap();
    /// assert_eq!((result.exit_code, result.output.as_str()), (0, "ok\n"));
    /// ```
    #[derive(Debug, Clone, Default, PartialEq, Eq)]
    pub struct HealthcheckResult {
        /// `Start`.
        start: String = "Start",
        /// `End`.
        end: String = "End",
        /// `ExitCode`: 0 healthy, 1 unhealthy.
        exit_code: i64 = "ExitCode",
        /// `Output`.
        output: String = "Output",
    }
}

model! {
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
    #[derive(Debug, Clone, Default, PartialEq, Eq)]
    pub struct HealthConfig {
        /// `Test`: `[]` inherit, `["NONE"]` disable, `["CMD", args...]` or `["CMD-SHELL", command]`.
        test: Vec<String> = "Test" omitempty,
        /// `Interval`.
        interval: i64 = "Interval" omitempty,
        /// `Timeout`.
        timeout: i64 = "Timeout" omitempty,
        /// `Retries`.
        retries: i64 = "Retries" omitempty,
        /// `StartPeriod`.
        start_period: i64 = "StartPeriod" omitempty,
        /// `StartInterval` (API 1.44+).
        start_interval: i64 = "StartInterval" omitempty,
    }
}

model! {
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
    #[derive(Debug, Clone, Default, PartialEq)]
    pub struct ContainerConfig {
        /// `Hostname`.
        hostname: String = "Hostname",
        /// `Domainname`.
        domainname: String = "Domainname",
        /// `User`.
        user: String = "User",
        /// `AttachStdin`.
        attach_stdin: bool = "AttachStdin",
        /// `AttachStdout`.
        attach_stdout: bool = "AttachStdout",
        /// `AttachStderr`.
        attach_stderr: bool = "AttachStderr",
        /// `ExposedPorts`: a set of `"port/proto"` keys.
        exposed_ports: BTreeMap<String, EmptyObject> = "ExposedPorts",
        /// `Tty`.
        tty: bool = "Tty",
        /// `OpenStdin`.
        open_stdin: bool = "OpenStdin",
        /// `StdinOnce`.
        stdin_once: bool = "StdinOnce",
        /// `Env`: `KEY=value` strings (`null` → empty).
        env: Vec<String> = "Env",
        /// `Cmd`.
        cmd: Vec<String> = "Cmd",
        /// `Healthcheck`.
        healthcheck: Option<HealthConfig> = "Healthcheck" omitempty,
        /// `ArgsEscaped` (Windows).
        args_escaped: bool = "ArgsEscaped" omitempty,
        /// `Image`: the image as the user named it.
        image: String = "Image",
        /// `Volumes`: a set of container paths.
        volumes: BTreeMap<String, EmptyObject> = "Volumes",
        /// `WorkingDir`.
        working_dir: String = "WorkingDir",
        /// `Entrypoint`.
        entrypoint: Vec<String> = "Entrypoint",
        /// `NetworkDisabled`.
        network_disabled: bool = "NetworkDisabled" omitempty,
        /// `MacAddress` (deprecated in API 1.44; per-endpoint since).
        mac_address: String = "MacAddress" omitempty,
        /// `OnBuild`: image triggers.
        on_build: Vec<String> = "OnBuild",
        /// `Labels`.
        labels: BTreeMap<String, String> = "Labels",
        /// `StopSignal`, e.g. `SIGTERM`.
        stop_signal: String = "StopSignal" omitempty,
        /// `StopTimeout` in seconds.
        stop_timeout: Option<i64> = "StopTimeout" omitempty,
        /// `Shell` (for `RUN` in Dockerfiles).
        shell: Vec<String> = "Shell" omitempty,
    }
}
