//! Every JSON body recorded from the Docker 20.10 engine decodes into its model.

use docker_models::{
    ChangeKind, ContainerInspect, ContainerStats, ContainerSummary, ContainerTop, ErrorResponse,
    EventMessage, ExecCreateResponse, ExecInspect, FileChange, ImageInspect, NetworkInspect,
    ProgressMessage, SystemInfo, SystemVersion,
};

use crate::support::{capture_names, decode, decode_stream, json_values, response};

const ID: &str = "1cd78d71f60d7e47f51b93ff3e12e3ea6d891a7442744a92ba7bed8e32377672";
const IMAGE_ID: &str = "sha256:74b4c5814d470d989144bf828a15a2f4806629b36016b95f899819c048d47173";

/// The model each successful JSON capture decodes into.
fn model_for(name: &str) -> Option<fn(&str)> {
    fn one<T: serde::de::DeserializeOwned>(name: &str) {
        decode::<T>(name);
    }
    fn many<T: serde::de::DeserializeOwned>(name: &str) {
        assert!(!decode_stream::<T>(name).is_empty(), "{name}: empty stream");
    }
    Some(match name {
        "info.txt" => one::<SystemInfo>,
        "version_1.24.txt" => one::<SystemVersion>,
        "containers_json.txt" | "containers_json_v1.24.txt" => one::<Vec<ContainerSummary>>,
        "container_inspect.txt" => one::<ContainerInspect>,
        "image_inspect.txt" | "image_inspect_by_name.txt" => one::<ImageInspect>,
        "network_inspect.txt" | "network_inspect_host.txt" => one::<NetworkInspect>,
        "changes.txt" => one::<Vec<FileChange>>,
        n if n.starts_with("top_") => one::<ContainerTop>,
        n if n.starts_with("events_") => many::<EventMessage>,
        "exec_create.txt" => one::<ExecCreateResponse>,
        "exec_inspect.txt" => one::<ExecInspect>,
        "stats_oneshot.txt" => one::<ContainerStats>,
        // Streamed stats carry no Content-Type on 20.10.
        "stats_stream.txt" => many::<ContainerStats>,
        "images_create_import.txt" | "images_load_progress_stream.txt" => many::<ProgressMessage>,
        _ => return None,
    })
}

#[test]
fn every_successful_json_capture_decodes_into_its_model() {
    let mut decoded = Vec::new();
    let mut unmapped = Vec::new();
    for name in capture_names() {
        let r = response(&name);
        if !(200..300).contains(&r.status) {
            continue;
        }
        match model_for(&name) {
            Some(check) => {
                check(&name);
                decoded.push(name);
            }
            None if r.is_json() => {
                json_values::<serde_json::Value>(&name, &r.body);
                unmapped.push(name);
            }
            None => {}
        }
    }
    assert!(
        unmapped.is_empty(),
        "JSON captures without a model: {unmapped:?}"
    );
    for wanted in [
        "info.txt",
        "container_inspect.txt",
        "containers_json.txt",
        "image_inspect.txt",
        "network_inspect.txt",
        "top_default.txt",
        "changes.txt",
        "events_since_until_v1.41.txt",
        "stats_stream.txt",
        "exec_inspect.txt",
    ] {
        assert!(
            decoded.iter().any(|n| n == wanted),
            "{wanted} was not decoded: {decoded:?}"
        );
    }
}

#[test]
fn every_json_error_capture_decodes_as_an_error_response() {
    let mut seen = 0;
    for name in capture_names() {
        let r = response(&name);
        if r.status < 400 || !r.is_json() {
            continue;
        }
        let e: ErrorResponse = decode_error(&name, &r.body);
        assert!(!e.message.is_empty(), "{name}: empty message");
        seen += 1;
    }
    assert!(seen >= 10, "only {seen} JSON error captures found");
}

fn decode_error(name: &str, body: &[u8]) -> ErrorResponse {
    serde_json::from_slice(body).unwrap_or_else(|e| panic!("{name}: {e}"))
}

#[test]
fn error_response_keeps_the_engine_message() {
    let r = response("inspect_missing_404.txt");
    assert_eq!(r.status, 404);
    let e = decode_error("inspect_missing_404.txt", &r.body);
    assert_eq!(e.message, "No such container: nosuch");
    let r = response("top_no_pid_col.txt");
    assert_eq!(
        decode_error("top_no_pid_col.txt", &r.body).message,
        "Couldn't find PID field in ps output"
    );
}

#[test]
fn info_capture_fills_the_seed_fields_and_more() {
    let info: SystemInfo = decode("info.txt");
    assert_eq!(
        info.id,
        "OS3O:FV3E:QK7Y:MOXA:V4WV:DAF6:QLIA:L6NC:3XDG:BSRI:6OPV:UTE5"
    );
    assert_eq!(info.server_version, "20.10.24+dfsg1");
    assert_eq!(info.kernel_version, "6.18.44-fc-v657");
    assert_eq!(info.operating_system, "Debian GNU/Linux 12 (bookworm)");
    assert_eq!(info.os_type, "linux");
    assert_eq!(info.os_version, "12");
    assert_eq!(info.name, "vm");
    assert_eq!(info.architecture, "x86_64");
    assert_eq!(
        (
            info.containers,
            info.containers_running,
            info.containers_paused,
            info.containers_stopped
        ),
        (2, 1, 0, 1)
    );
    assert_eq!(info.images, 1);
    assert_eq!(info.driver, "vfs");
    assert!(info.driver_status.is_empty(), "DriverStatus null");
    assert_eq!(info.docker_root_dir, "/var/lib/dkr");
    assert_eq!(info.ncpu, 2);
    assert_eq!(info.mem_total, 25_276_510_208);
    assert!(info.labels.is_empty());
    assert!(!info.experimental_build);
    assert_eq!(info.cgroup_driver, "cgroupfs");
    assert_eq!(info.cgroup_version, "1");
    assert_eq!(info.logging_driver, "json-file");
    assert_eq!(info.system_time, "2026-11-28T11:04:41.301196959Z");
    assert!(info.plugins.authorization.is_empty(), "Authorization null");
    assert_eq!(info.plugins.volume, ["local"]);
    assert_eq!(info.runtimes["runc"].path, "runc");
    assert_eq!(info.swarm.local_node_state, "inactive");
    assert!(info.swarm.remote_managers.is_empty());
    assert_eq!(info.containerd_commit.id, "1.6.20~ds1-1+deb12u3");
    assert!(info.warnings.is_empty());
}

#[test]
fn version_capture_has_versions_and_components() {
    let v: SystemVersion = decode("version_1.24.txt");
    assert_eq!(v.version, "20.10.24+dfsg1");
    assert_eq!(v.api_version, "1.41");
    assert_eq!(v.min_api_version, "1.12");
    assert_eq!(v.git_commit, "5d6db84");
    assert_eq!(v.go_version, "go1.19.8");
    assert_eq!((v.os.as_str(), v.arch.as_str()), ("linux", "amd64"));
    assert_eq!(v.kernel_version, "6.18.44-fc-v657");
    assert_eq!(v.build_time, "2026-05-07T21:09:36.000000000+00:00");
    assert!(!v.experimental);
    assert_eq!(v.platform.name, "");
    let names: Vec<&str> = v.components.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(names, ["Engine", "containerd", "runc", "docker-init"]);
    assert_eq!(v.components[0].details["Experimental"], "false");
}

#[test]
fn container_list_capture_has_ids_names_and_endpoints() {
    for name in ["containers_json.txt", "containers_json_v1.24.txt"] {
        let list: Vec<ContainerSummary> = decode(name);
        assert_eq!(list.len(), 1);
        let c = &list[0];
        assert_eq!(c.id, ID);
        assert_eq!(c.short_id(), "1cd78d71f60d");
        assert_eq!(c.names, ["/research-main"]);
        assert_eq!(c.name(), Some("research-main"));
        assert_eq!(c.image, "bb:latest");
        assert_eq!(c.image_id, IMAGE_ID);
        assert!(c.command.starts_with("sh -c 'echo hi > /foo;"));
        assert_eq!(c.created, 1_795_863_815);
        assert!(c.ports.is_empty() && c.labels.is_empty() && c.mounts.is_empty());
        assert_eq!((c.size_rw, c.size_root_fs), (None, None));
        assert_eq!(c.state, "running");
        assert!(c.status.starts_with("Up "));
        assert_eq!(c.host_config.network_mode, "default");
        let bridge = &c.network_settings.networks["bridge"];
        assert_eq!(bridge.network_id, "");
        assert!(
            bridge.ipam_config.is_none() && bridge.aliases.is_empty() && bridge.links.is_empty()
        );
    }
}

#[test]
fn container_inspect_capture_fills_state_config_host_config_and_network() {
    let c: ContainerInspect = decode("container_inspect.txt");
    assert_eq!(c.id, ID);
    assert_eq!(c.created, "2026-11-28T11:03:35.78899794Z");
    assert_eq!(c.path, "sh");
    assert_eq!(c.args[0], "-c");
    assert_eq!(c.image, IMAGE_ID);
    assert_eq!(c.name, "/research-main");
    assert_eq!(c.name(), "research-main");
    assert_eq!(c.restart_count, 0);
    assert_eq!((c.driver.as_str(), c.platform.as_str()), ("vfs", "linux"));
    assert!(c.exec_ids.is_empty(), "ExecIDs null");
    assert!(c.log_path.ends_with("-json.log"));
    assert!(c.resolv_conf_path.ends_with("/resolv.conf"));

    let s = &c.state;
    assert_eq!(s.status, "running");
    assert!(s.running && !s.paused && !s.restarting && !s.oom_killed && !s.dead);
    assert_eq!(s.pid, 10104);
    assert_eq!(s.exit_code, 0);
    assert_eq!(s.error, "");
    assert_eq!(s.started_at, "2026-11-28T11:03:35.996835815Z");
    assert_eq!(s.finished_at, "0001-01-01T00:00:00Z");
    assert_eq!(s.health, None);

    let cfg = &c.config;
    assert_eq!(cfg.hostname, "1cd78d71f60d");
    assert!(cfg.env.is_empty(), "Env null");
    assert_eq!(cfg.cmd.len(), 3);
    assert_eq!(cfg.image, "bb:latest");
    assert!(cfg.volumes.is_empty() && cfg.entrypoint.is_empty() && cfg.on_build.is_empty());
    assert!(cfg.network_disabled);
    assert_eq!(cfg.stop_timeout, None);

    let hc = &c.host_config;
    assert!(hc.binds.is_empty(), "Binds null");
    assert_eq!(hc.network_mode, "default");
    assert_eq!(hc.restart_policy.name, "no");
    assert_eq!(hc.log_config.typ, "json-file");
    assert_eq!(hc.shm_size, 67_108_864);
    assert_eq!(hc.runtime, "runc");
    assert_eq!(hc.cgroupns_mode, "host");
    assert_eq!(hc.console_size, [0, 0]);
    assert_eq!((hc.memory, hc.nano_cpus, hc.cpu_shares), (0, 0, 0));
    assert_eq!((hc.memory_swappiness, hc.pids_limit), (None, None));
    assert_eq!(hc.oom_kill_disable, Some(false));
    assert_eq!(hc.masked_paths.len(), 10);
    assert_eq!(hc.readonly_paths.len(), 5);
    // Keys without a typed field are kept verbatim.
    assert_eq!(hc.extra["KernelMemory"], 0);
    assert_eq!(hc.extra["BlkioDeviceReadBps"], serde_json::json!([]));

    assert_eq!(c.graph_driver.name, "vfs");
    assert!(c.graph_driver.data.is_empty(), "Data null");
    assert!(c.mounts.is_empty());

    let ns = &c.network_settings;
    assert_eq!(
        ns.sandbox_id,
        "d37406f693913aec7663053643905fac1ee24fdfdbd0a1a2a0d0de85a9beecf4"
    );
    assert_eq!(ns.sandbox_key, "/run/dkr/exe/netns/d37406f69391");
    assert!(ns.ports.is_empty() && ns.secondary_ip_addresses.is_empty());
    assert_eq!(ns.ip_address, "");
    assert_eq!(ns.ip_address(), None);
    assert_eq!(ns.networks.len(), 1);
    assert_eq!(ns.networks["bridge"].ip_prefix_len, 0);
}

#[test]
fn container_inspect_host_config_reencodes_the_engine_keys() {
    let c: ContainerInspect = decode("container_inspect.txt");
    let json = serde_json::to_value(&c.host_config).unwrap();
    assert_eq!(json["NetworkMode"], "default");
    assert_eq!(json["ShmSize"], 67_108_864);
    assert_eq!(json["KernelMemory"], 0, "extra keys are sent back");
    assert!(json.get("Binds").is_none(), "empty fields are not sent");
    let back: docker_models::HostConfig = serde_json::from_value(json).unwrap();
    // Decoding the encoded form gives the same value, except for the fields that were
    // skipped as default (which decode back to the same defaults).
    assert_eq!(back, c.host_config);
}

#[test]
fn image_inspect_capture_has_tags_rootfs_and_metadata() {
    for name in ["image_inspect.txt", "image_inspect_by_name.txt"] {
        let img: ImageInspect = decode(name);
        assert_eq!(img.id, IMAGE_ID);
        assert_eq!(img.repo_tags, ["bb:latest"]);
        assert!(img.repo_digests.is_empty());
        assert_eq!(img.parent, "");
        assert_eq!(img.comment, "Imported from -");
        assert_eq!(img.created, "2026-11-28T10:57:38.124326695Z");
        assert_eq!(img.container.as_deref(), Some(""));
        let cc = img
            .container_config
            .as_ref()
            .expect("ContainerConfig on API 1.41");
        assert!(cc.cmd.is_empty() && cc.labels.is_empty());
        assert_eq!(img.docker_version, "20.10.24+dfsg1");
        assert!(img.config.is_some());
        assert_eq!(
            (img.os.as_str(), img.architecture.as_str()),
            ("linux", "amd64")
        );
        assert_eq!(img.size, 1_982_256);
        assert_eq!(img.virtual_size, Some(1_982_256));
        assert_eq!(img.graph_driver.name, "vfs");
        assert_eq!(img.root_fs.typ, "layers");
        assert_eq!(
            img.root_fs.layers,
            ["sha256:4c891caeed4fc1b442006a0ad9f3ec0246f04d9d267278824db2ae5f8d15c2bd"]
        );
        assert_eq!(img.metadata.last_tag_time, "2026-11-28T10:57:38.127251026Z");
    }
}

#[test]
fn network_inspect_captures_have_ipam_and_empty_maps() {
    let n: NetworkInspect = decode("network_inspect.txt");
    assert_eq!(n.name, "research-net");
    assert_eq!(
        n.id,
        "f903f5ca6e13f8c8840be1dee4c5032b8b530d26da1904194ea3293300b89bbb"
    );
    assert_eq!(n.created, "2026-11-28T11:04:44.991323788Z");
    assert_eq!((n.scope.as_str(), n.driver.as_str()), ("local", "bridge"));
    assert!(!n.enable_ipv6 && !n.internal && !n.attachable && !n.ingress && !n.config_only);
    assert_eq!(n.enable_ipv4, None);
    assert_eq!(n.ipam.driver, "default");
    assert_eq!(n.ipam.config.len(), 1);
    assert_eq!(n.ipam.config[0].subnet, "172.17.0.0/16");
    assert_eq!(n.ipam.config[0].gateway, "172.17.0.1");
    assert_eq!(n.config_from.network, "");
    assert!(n.containers.is_empty() && n.options.is_empty() && n.labels.is_empty());

    let host: NetworkInspect = decode("network_inspect_host.txt");
    assert_eq!((host.name.as_str(), host.driver.as_str()), ("host", "host"));
    assert!(host.ipam.options.is_empty(), "Options null");
    assert!(host.ipam.config.is_empty());
}

#[test]
fn changes_capture_lists_kinds_in_order() {
    let diff: Vec<FileChange> = decode("changes.txt");
    let got: Vec<(&str, ChangeKind)> = diff.iter().map(|c| (c.path.as_str(), c.kind)).collect();
    assert_eq!(
        got,
        [
            ("/bin", ChangeKind::Modified),
            ("/bin/touch", ChangeKind::Deleted),
            ("/foo", ChangeKind::Added),
            ("/root", ChangeKind::Added),
            ("/root/.ash_history", ChangeKind::Added),
        ]
    );
    let lines: Vec<String> = diff.iter().map(ToString::to_string).collect();
    assert_eq!(
        lines,
        [
            "C /bin",
            "D /bin/touch",
            "A /foo",
            "A /root",
            "A /root/.ash_history"
        ]
    );
}

#[test]
fn events_captures_decode_every_event_with_actor_and_times() {
    let events: Vec<EventMessage> = decode_stream("events_since_until_v1.41.txt");
    let actions: Vec<&str> = events.iter().map(|e| e.action.as_str()).collect();
    assert_eq!(actions, ["kill", "kill", "die", "stop", "start", "restart"]);
    for e in &events {
        assert_eq!(e.typ, "container");
        assert_eq!(e.status, e.action);
        assert_eq!(e.id, ID);
        assert_eq!(e.from, "bb:latest");
        assert_eq!(e.actor.id, ID);
        assert_eq!(e.actor_id(), ID);
        assert_eq!(e.scope, "local");
        assert_eq!(e.actor.attributes["name"], "research-main");
        assert_eq!(e.time_nano / 1_000_000_000, e.time);
    }
    assert_eq!(events[0].actor.attributes["signal"], "15");
    assert_eq!(events[1].actor.attributes["signal"], "9");
    assert_eq!(events[2].actor.attributes["exitCode"], "137");
    assert_eq!(events[0].time_nano(), 1_795_863_893_397_002_825);

    let old: Vec<EventMessage> = decode_stream("events_since_until_v1.24.txt");
    assert_eq!(old, events, "the same events at API 1.24");

    let live: Vec<EventMessage> = decode_stream("events_live_filtered.txt");
    assert_eq!(live.len(), 1);
    assert_eq!(live[0].action, "top");
    let paused: Vec<EventMessage> = decode_stream("events_old_filter_format.txt");
    assert_eq!(paused[0].action, "pause");
}

#[test]
fn top_captures_read_into_entries() {
    for name in ["top_default.txt", "top_v1.24_default.txt"] {
        let top: ContainerTop = decode(name);
        assert_eq!(
            top.titles,
            ["UID", "PID", "PPID", "C", "STIME", "TTY", "TIME", "CMD"]
        );
        let e = top.entries().unwrap();
        assert_eq!(e.len(), 1);
        assert_eq!(e[0].user, "root");
        assert_eq!(e[0].pid, 10104);
        assert_eq!(e[0].ppid, Some(10082));
        assert_eq!(e[0].cgroup, None);
        assert_eq!(e[0].command, "sleep 3600");
    }

    let aux: ContainerTop = decode("top_ps_aux.txt");
    let e = aux.entries().unwrap();
    assert_eq!(
        (e[0].user.as_str(), e[0].pid, e[0].ppid),
        ("root", 10104, None)
    );
    assert_eq!(e[0].command, "sleep 3600");
    assert_eq!(e[0].cgroup, None);

    let o: ContainerTop = decode("top_ps_o.txt");
    let e = o.entries().unwrap();
    assert_eq!(
        (e[0].pid, e[0].ppid, e[0].user.as_str()),
        (10104, Some(10082), "root")
    );
    assert_eq!(e[0].cgroup.as_deref(), Some("9:name=systemd:/docker/1cd7"));
    assert_eq!(e[0].command, "sleep 3600");

    let wide: ContainerTop = decode("top_ps_o_wide.txt");
    let e = wide.entries().unwrap();
    let cgroup = e[0].cgroup.as_deref().unwrap();
    assert!(cgroup.starts_with("9:name=systemd:/docker/1cd78d71f60d"));
    assert!(cgroup.contains(",8:pids:/docker/"));
}

#[test]
fn exec_captures_have_id_exit_code_and_process() {
    let created: ExecCreateResponse = decode("exec_create.txt");
    assert_eq!(
        created.id,
        "b7c6fd10d343ba59e6cf60b1b603d1e07a243af2aafdd713c9e210e0b2bec3bc"
    );
    let e: ExecInspect = decode("exec_inspect.txt");
    assert_eq!(e.id, created.id);
    assert!(!e.running);
    assert_eq!(e.exit_code, Some(7));
    assert_eq!(e.process_config.entrypoint, "sh");
    assert_eq!(
        e.process_config.arguments,
        ["-c", "echo eo; echo ee >&2; exit 7"]
    );
    assert!(!e.process_config.tty && !e.process_config.privileged);
    assert!(e.open_stdout && e.open_stderr && !e.open_stdin && !e.can_remove);
    assert_eq!(
        e.container_id,
        "9ee936b1556ddb726a99432cb1caf343892c2705684052340f3e1a431a04f2bd"
    );
    assert_eq!(e.pid, 18001);
}

#[test]
fn stats_captures_have_cpu_memory_and_pids() {
    let s: ContainerStats = decode("stats_oneshot.txt");
    assert_eq!(s.name, "/research-main");
    assert_eq!(s.id, ID);
    assert_eq!(s.read, "2026-11-28T11:16:28.060272121Z");
    assert_eq!(s.pids_stats.current, 1);
    assert!(s.blkio_stats.io_service_bytes_recursive.is_empty());
    assert_eq!(s.cpu_stats.cpu_usage.total_usage, 30_560_128);
    assert_eq!(s.cpu_stats.cpu_usage.percpu_usage, [24_757_649, 5_802_479]);
    assert_eq!(s.cpu_stats.online_cpus, 2);
    assert_eq!(s.precpu_stats.system_cpu_usage, 2_444_490_000_000);
    assert_eq!(s.cpu_percent(), Some(0.0), "an idle sleep uses no CPU");
    assert_eq!(s.memory_stats.usage, 319_488);
    assert_eq!(s.memory_stats.limit, 25_276_510_208);
    assert_eq!(
        s.memory_stats.stats["hierarchical_memory_limit"],
        9_223_372_036_854_771_712
    );
    assert_eq!(s.memory_stats.usage_without_cache(), 319_488);
    assert!(s.networks.is_empty(), "no network in this capture");

    let stream: Vec<ContainerStats> = decode_stream("stats_stream.txt");
    assert!(stream.len() >= 3, "{} samples", stream.len());
    assert_eq!(stream[0].preread, "0001-01-01T00:00:00Z");
    assert_eq!(stream[0].cpu_percent(), None, "no previous sample yet");
    assert_eq!(stream[1].preread, stream[0].read);
    assert_eq!(stream[1].cpu_percent(), Some(0.0));
}

#[test]
fn progress_captures_have_status_and_stream_lines() {
    let import: Vec<ProgressMessage> = decode_stream("images_create_import.txt");
    assert_eq!(import.len(), 1);
    assert_eq!(
        import[0].status,
        "sha256:eb43f2ad31a358045ee86c403354a942f17db2f6b448fdf1361be9a08abe7468"
    );
    assert_eq!(import[0].error_message(), None);
    let load: Vec<ProgressMessage> = decode_stream("images_load_progress_stream.txt");
    assert_eq!(load[0].stream, "Loaded image: bb:latest\n");
    assert_eq!(load[0].to_string(), "Loaded image: bb:latest");
}
