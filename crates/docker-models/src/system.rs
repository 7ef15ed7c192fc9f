//! `/_ping`, `GET /version` and `GET /info`.

use std::collections::BTreeMap;
use std::fmt;

use crate::model::model;

model! {
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
    #[derive(Debug, Clone, Default, PartialEq, Eq)]
    pub struct Ping {
        /// `Api-Version`: the engine's maximum API version, e.g. `1.41`; empty when absent.
        api_version: String = "api_version",
        /// `Ostype`: `linux` or `windows`; empty when absent.
        os_type: String = "os_type",
        /// `Docker-Experimental: true`.
        experimental: bool = "experimental",
        /// `Builder-Version` (`1` classic, `2` BuildKit); always sent since API 1.42.
        builder_version: Option<String> = "builder_version",
        /// `Swarm` (API 1.42+): `inactive`, `pending`, `error`, `locked`,
        /// `active/worker` or `active/manager`.
        swarm: Option<String> = "swarm",
    }
}

model! {
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
    #[derive(Debug, Clone, Default, PartialEq, Eq)]
    pub struct SystemVersion {
        /// `Platform`: the product name, e.g. `Docker Engine - Community`.
        platform: Platform = "Platform",
        /// `Components` (API 1.35+): engine, containerd, runc, docker-init.
        components: Vec<ComponentVersion> = "Components",
        /// `Version`: the engine release, e.g. `20.10.24`.
        version: String = "Version",
        /// `ApiVersion`: the maximum API version.
        api_version: String = "ApiVersion",
        /// `MinAPIVersion`: the minimum API version the engine accepts.
        min_api_version: String = "MinAPIVersion",
        /// `GitCommit`.
        git_commit: String = "GitCommit",
        /// `GoVersion`.
        go_version: String = "GoVersion",
        /// `Os`.
        os: String = "Os",
        /// `Arch`.
        arch: String = "Arch",
        /// `KernelVersion`.
        kernel_version: String = "KernelVersion",
        /// `BuildTime`.
        build_time: String = "BuildTime",
        /// `Experimental` (omitted by the engine when false).
        experimental: bool = "Experimental",
    }
}

model! {
    /// `Platform` in [`SystemVersion`].
    ///
    /// ```
    /// use docker_models::SystemVersion;
    /// let version: SystemVersion =
    ///     serde_json::from_str(r#"{"Platform":{"Name":"Docker Engine - Community"},"Version":"27.3.1"}"#).unwrap();
    /// assert_eq!(version.platform.name, "Docker Engine - Community");
    /// ```
    #[derive(Debug, Clone, Default, PartialEq, Eq)]
    pub struct Platform {
        /// `Name`.
        name: String = "Name",
    }
}

model! {
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
    #[derive(Debug, Clone, Default, PartialEq, Eq)]
    pub struct ComponentVersion {
        /// `Name`, e.g. `Engine`, `containerd`.
        name: String = "Name",
        /// `Version`.
        version: String = "Version",
        /// `Details`: free-form strings such as `GitCommit`, `ApiVersion`.
        details: BTreeMap<String, String> = "Details",
    }
}

model! {
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
    #[derive(Debug, Clone, Default, PartialEq)]
    pub struct SystemInfo {
        /// `ID`: the engine's unique id (a key fingerprint before 23.0, a UUID after).
        id: String = "ID",
        /// `Containers`: all containers.
        containers: i64 = "Containers",
        /// `ContainersRunning`.
        containers_running: i64 = "ContainersRunning",
        /// `ContainersPaused`.
        containers_paused: i64 = "ContainersPaused",
        /// `ContainersStopped`.
        containers_stopped: i64 = "ContainersStopped",
        /// `Images`.
        images: i64 = "Images",
        /// `Driver`: the storage driver, e.g. `overlay2`.
        driver: String = "Driver",
        /// `DriverStatus`: `[[key, value], ...]`.
        driver_status: Vec<Vec<String>> = "DriverStatus",
        /// `Plugins`.
        plugins: PluginsInfo = "Plugins",
        /// `MemoryLimit`.
        memory_limit: bool = "MemoryLimit",
        /// `SwapLimit`.
        swap_limit: bool = "SwapLimit",
        /// `CpuCfsPeriod`.
        cpu_cfs_period: bool = "CpuCfsPeriod",
        /// `CpuCfsQuota`.
        cpu_cfs_quota: bool = "CpuCfsQuota",
        /// `CPUShares`.
        cpu_shares: bool = "CPUShares",
        /// `CPUSet`.
        cpu_set: bool = "CPUSet",
        /// `PidsLimit`.
        pids_limit: bool = "PidsLimit",
        /// `OomKillDisable`.
        oom_kill_disable: bool = "OomKillDisable",
        /// `IPv4Forwarding`.
        ipv4_forwarding: bool = "IPv4Forwarding",
        /// `BridgeNfIptables` (absent from newer engines).
        bridge_nf_iptables: bool = "BridgeNfIptables",
        /// `BridgeNfIp6tables` (absent from newer engines).
        bridge_nf_ip6tables: bool = "BridgeNfIp6tables",
        /// `Debug`: the engine runs in debug mode.
        debug: bool = "Debug",
        /// `NFd`: open file descriptors (debug mode only, else 0).
        nfd: i64 = "NFd",
        /// `NGoroutines` (debug mode only, else 0).
        ngoroutines: i64 = "NGoroutines",
        /// `SystemTime`: the engine's clock, RFC 3339 with nanoseconds.
        system_time: String = "SystemTime",
        /// `LoggingDriver`: the default log driver.
        logging_driver: String = "LoggingDriver",
        /// `CgroupDriver`: `cgroupfs`, `systemd` or `none`.
        cgroup_driver: String = "CgroupDriver",
        /// `CgroupVersion`: `"1"` or `"2"` (API 1.40+).
        cgroup_version: String = "CgroupVersion",
        /// `NEventsListener`.
        nevents_listener: i64 = "NEventsListener",
        /// `KernelVersion`.
        kernel_version: String = "KernelVersion",
        /// `OperatingSystem`, e.g. `Debian GNU/Linux 12 (bookworm)`.
        operating_system: String = "OperatingSystem",
        /// `OSVersion`, e.g. `12`.
        os_version: String = "OSVersion",
        /// `OSType`: `linux` or `windows`.
        os_type: String = "OSType",
        /// `Architecture`, e.g. `x86_64`.
        architecture: String = "Architecture",
        /// `IndexServerAddress`.
        index_server_address: String = "IndexServerAddress",
        /// `NCPU`.
        ncpu: i64 = "NCPU",
        /// `MemTotal` in bytes.
        mem_total: i64 = "MemTotal",
        /// `DockerRootDir`.
        docker_root_dir: String = "DockerRootDir",
        /// `HttpProxy`.
        http_proxy: String = "HttpProxy",
        /// `HttpsProxy`.
        https_proxy: String = "HttpsProxy",
        /// `NoProxy`.
        no_proxy: String = "NoProxy",
        /// `Name`: the host name.
        name: String = "Name",
        /// `Labels`: engine labels as `key=value` strings.
        labels: Vec<String> = "Labels",
        /// `ExperimentalBuild`.
        experimental_build: bool = "ExperimentalBuild",
        /// `ServerVersion`: the engine release.
        server_version: String = "ServerVersion",
        /// `Runtimes`: name → runtime.
        runtimes: BTreeMap<String, Runtime> = "Runtimes",
        /// `DefaultRuntime`.
        default_runtime: String = "DefaultRuntime",
        /// `Swarm`.
        swarm: SwarmInfo = "Swarm",
        /// `LiveRestoreEnabled`.
        live_restore_enabled: bool = "LiveRestoreEnabled",
        /// `Isolation` (Windows): `default`, `hyperv` or `process`.
        isolation: String = "Isolation",
        /// `InitBinary`.
        init_binary: String = "InitBinary",
        /// `ContainerdCommit`.
        containerd_commit: Commit = "ContainerdCommit",
        /// `RuncCommit`.
        runc_commit: Commit = "RuncCommit",
        /// `InitCommit`.
        init_commit: Commit = "InitCommit",
        /// `SecurityOptions`, e.g. `name=seccomp,profile=default`.
        security_options: Vec<String> = "SecurityOptions",
        /// `Warnings`.
        warnings: Vec<String> = "Warnings",
    }
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

model! {
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
    #[derive(Debug, Clone, Default, PartialEq, Eq)]
    pub struct PluginsInfo {
        /// `Volume`.
        volume: Vec<String> = "Volume",
        /// `Network`.
        network: Vec<String> = "Network",
        /// `Authorization`.
        authorization: Vec<String> = "Authorization",
        /// `Log`.
        log: Vec<String> = "Log",
    }
}

model! {
    /// One entry of `Runtimes` in [`SystemInfo`] (lowercase keys on the wire).
    ///
    /// ```
    /// use docker_models::SystemInfo;
    /// let info: SystemInfo = serde_json::from_str(
    ///     r#"{"Runtimes":{"runc":{"path":"runc"},"crun":{"path":"/usr/bin/crun","runtimeArgs":["--debug"]}}}"#,
    /// ).unwrap();
    /// assert_eq!(info.runtimes["crun"].runtime_args, ["--debug"]);
    /// ```
    #[derive(Debug, Clone, Default, PartialEq, Eq)]
    pub struct Runtime {
        /// `path`: the runtime binary.
        path: String = "path",
        /// `runtimeArgs`.
        runtime_args: Vec<String> = "runtimeArgs",
    }
}

model! {
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
    #[derive(Debug, Clone, Default, PartialEq, Eq)]
    pub struct SwarmInfo {
        /// `NodeID`.
        node_id: String = "NodeID",
        /// `NodeAddr`.
        node_addr: String = "NodeAddr",
        /// `LocalNodeState`: `inactive`, `pending`, `active`, `error` or `locked`.
        local_node_state: String = "LocalNodeState",
        /// `ControlAvailable`: this node is a manager.
        control_available: bool = "ControlAvailable",
        /// `Error`.
        error: String = "Error",
        /// `RemoteManagers`.
        remote_managers: Vec<PeerNode> = "RemoteManagers",
    }
}

model! {
    /// One entry of `RemoteManagers` in [`SwarmInfo`].
    ///
    /// ```
    /// use docker_models::SwarmInfo;
    /// let swarm: SwarmInfo = serde_json::from_str(
    ///     r#"{"LocalNodeState":"active","RemoteManagers":[{"NodeID":"x5jm4pbz","Addr":"10.0.0.2:2377"}]}"#,
    /// ).unwrap();
    /// assert_eq!(swarm.remote_managers[0].addr, "10.0.0.2:2377");
    /// ```
    #[derive(Debug, Clone, Default, PartialEq, Eq)]
    pub struct PeerNode {
        /// `NodeID`.
        node_id: String = "NodeID",
        /// `Addr`.
        addr: String = "Addr",
    }
}

model! {
    /// A component commit in [`SystemInfo`] (`ContainerdCommit`, `RuncCommit`, `InitCommit`).
    ///
    /// ```
    /// use docker_models::SystemInfo;
    /// let info: SystemInfo = serde_json::from_str(
    ///     r#"{"RuncCommit":{"ID":"v1.1.14-0-g2c9f560","Expected":"v1.1.14-0-g2c9f560"}}"#,
    /// ).unwrap();
    /// assert_eq!(info.runc_commit.id, info.runc_commit.expected);
    /// ```
    #[derive(Debug, Clone, Default, PartialEq, Eq)]
    pub struct Commit {
        /// `ID`: the commit actually running.
        id: String = "ID",
        /// `Expected`: the commit the engine was built against (absent from newer engines).
        expected: String = "Expected",
    }
}
