//! Every JSON body recorded from the engines (the transcripts under `fixtures/`) decodes
//! into its model, and the main answers of Docker 20.10 hold what the engine sent.

use std::collections::BTreeSet;

use docker_models::{
    ChangeKind, ContainerInspect, ContainerStats, ContainerSummary, ContainerTop, ErrorResponse,
    EventMessage, ExecCreateResponse, ExecInspect, FileChange, ImageInspect, NetworkInspect,
    ProgressMessage, SystemInfo, SystemVersion,
};

use crate::support::{all_recorded, decode, decode_stream, json_values, response, ROUTES};

/// The IDs the normalisation gives, in order of first appearance in a transcript.
const ID_1: &str = "1111111111111111111111111111111111111111111111111111111111111111";
const ID_2: &str = "2222222222222222222222222222222222222222222222222222222222222222";

#[test]
fn every_successful_json_body_decodes_into_its_model() {
    let mut decoded = BTreeSet::new();
    let mut unrouted = Vec::new();
    for r in all_recorded() {
        if !(200..300).contains(&r.response.status) || !r.response.is_json() {
            continue;
        }
        match crate::support::route_of(&r.request_line) {
            Some((_, _, model, recode)) => {
                recode(&r.name, &r.response.body);
                decoded.insert(*model);
            }
            None => {
                json_values::<serde_json::Value>(&r.name, &r.response.body);
                unrouted.push(format!("{} ({})", r.name, r.request_line));
            }
        }
    }
    assert!(
        unrouted.is_empty(),
        "JSON answers without a model: {unrouted:?}"
    );
    // Every model of the table met a real answer, but the login's: no registry answers
    // here, so every recorded login failed.
    let never: Vec<&str> = ROUTES
        .iter()
        .map(|(_, _, model, _)| *model)
        .filter(|m| !decoded.contains(m))
        .collect();
    assert_eq!(never, ["AuthResponse"], "models no recorded answer reached");
}

#[test]
fn every_json_error_body_decodes_as_an_error_response() {
    let mut seen = 0;
    for r in all_recorded() {
        if r.response.status < 400 || !r.response.is_json() {
            continue;
        }
        let e: ErrorResponse = decode_error(&r.name, &r.response.body);
        assert!(!e.message.is_empty(), "{}: empty message", r.name);
        seen += 1;
    }
    assert!(seen >= 50, "only {seen} JSON error answers found");
}

fn decode_error(name: &str, body: &[u8]) -> ErrorResponse {
    serde_json::from_slice(body).unwrap_or_else(|e| panic!("{name}: {e}"))
}

#[test]
fn error_response_keeps_the_engine_message() {
    let r = response("docker-20.10/inspect_container_missing");
    assert_eq!(r.status, 404);
    let e = decode_error("inspect_container_missing", &r.body);
    assert_eq!(e.message, "No such container: dkr-fx-missing");
    let r = response("docker-20.10/container_top_bad_args");
    assert_eq!(r.status, 500);
    assert_eq!(
        decode_error("container_top_bad_args", &r.body).message,
        "ps: error: unknown gnu long option"
    );
}

#[test]
fn info_answer_fills_the_seed_fields_and_more() {
    let info: SystemInfo = decode("docker-20.10/info");
    assert_eq!(
        info.id,
        "O3IB:QRZ3:KTA3:URX2:CVSI:2NK2:KPIX:G5WZ:DIYS:CQZU:M3E7:V2ZV"
    );
    assert_eq!(info.server_version, "20.10.24+dfsg1");
    assert_eq!(info.kernel_version, "6.18.44-fc-v782");
    assert_eq!(info.operating_system, "Debian GNU/Linux 12 (bookworm)");
    assert_eq!(info.os_type, "linux");
    assert_eq!(info.os_version, "12");
    assert_eq!(info.name, "host");
    assert_eq!(info.architecture, "x86_64");
    // The counters are normalised to constants.
    assert_eq!(
        (
            info.containers,
            info.containers_running,
            info.containers_paused,
            info.containers_stopped,
            info.images
        ),
        (0, 0, 0, 0, 0)
    );
    assert_eq!(info.driver, "vfs");
    assert!(info.driver_status.is_empty(), "DriverStatus null");
    assert_eq!(info.docker_root_dir, "/tmp/dkrf/root");
    assert_eq!(info.ncpu, 2);
    assert_eq!(info.mem_total, 25_276_063_744);
    assert!(info.labels.is_empty());
    assert!(!info.experimental_build);
    assert_eq!(info.cgroup_driver, "cgroupfs");
    assert_eq!(info.cgroup_version, "1");
    assert_eq!(info.logging_driver, "json-file");
    assert_eq!(info.system_time, "2020-01-01T00:00:01.000000000Z");
    assert!(info.plugins.authorization.is_empty(), "Authorization null");
    assert_eq!(info.plugins.volume, ["local"]);
    assert_eq!(info.runtimes["runc"].path, "runc");
    assert_eq!(info.swarm.local_node_state, "inactive");
    assert!(info.swarm.remote_managers.is_empty());
    assert_eq!(info.containerd_commit.id, "1.6.20~ds1-1+deb12u3");
    assert!(info.warnings.is_empty());
}

#[test]
fn version_answer_has_versions_and_components() {
    let v: SystemVersion = decode("docker-20.10/version");
    assert_eq!(v.version, "20.10.24+dfsg1");
    assert_eq!(v.api_version, "1.41");
    assert_eq!(v.min_api_version, "1.12");
    assert_eq!(v.git_commit, "5d6db84");
    assert_eq!(v.go_version, "go1.19.8");
    assert_eq!((v.os.as_str(), v.arch.as_str()), ("linux", "amd64"));
    assert_eq!(v.kernel_version, "6.18.44-fc-v782");
    assert_eq!(v.build_time, "2020-01-01T00:00:01.000000000+00:00");
    assert!(!v.experimental);
    assert_eq!(v.platform.name, "");
    let names: Vec<&str> = v.components.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(names, ["Engine", "containerd", "runc", "docker-init"]);
    assert_eq!(v.components[0].details["Experimental"], "false");
}

#[test]
fn container_list_has_ids_names_and_endpoints_at_every_api_version() {
    let list: Vec<ContainerSummary> = decode("docker-20.10/list_containers");
    let names: Vec<&str> = list.iter().filter_map(ContainerSummary::name).collect();
    assert_eq!(names, ["dkr-fx-ttyrun", "dkr-fx-stdin", "dkr-fx-main"]);
    let c = &list[2];
    assert_eq!(c.id, "4".repeat(64));
    assert_eq!(c.short_id(), "444444444444");
    assert_eq!(c.names, ["/dkr-fx-main"]);
    assert_eq!(c.image, "bb:latest");
    assert_eq!(c.image_id, format!("sha256:{ID_2}"));
    assert!(c.command.starts_with("sh -c 'echo hi > /created;"));
    assert_eq!(c.created, 1_577_836_800);
    assert!(c.ports.is_empty() && c.mounts.is_empty());
    assert_eq!(c.labels["dkr-fixture"], "1");
    assert_eq!((c.size_rw, c.size_root_fs), (None, None));
    assert_eq!(c.state, "running");
    assert!(c.status.starts_with("Up "));
    assert_eq!(c.host_config.network_mode, "default");
    let bridge = &c.network_settings.networks["bridge"];
    assert_eq!(bridge.network_id, "");
    assert!(bridge.ipam_config.is_none() && bridge.aliases.is_empty() && bridge.links.is_empty());

    let old: Vec<ContainerSummary> = decode("docker-20.10/list_containers_v1.24");
    assert_eq!(old, list, "the same list at API 1.24");
}

#[test]
fn container_inspect_fills_state_config_host_config_and_network() {
    let c: ContainerInspect = decode("docker-20.10/inspect_container");
    assert_eq!(c.id, ID_1);
    assert_eq!(c.created, "2020-01-01T00:00:01.000000000Z");
    assert_eq!(c.path, "sh");
    assert_eq!(c.args[0], "-c");
    assert_eq!(c.image, format!("sha256:{ID_2}"));
    assert_eq!(c.name, "/dkr-fx-main");
    assert_eq!(c.name(), "dkr-fx-main");
    assert_eq!(c.restart_count, 0);
    assert_eq!((c.driver.as_str(), c.platform.as_str()), ("vfs", "linux"));
    assert_eq!(c.exec_ids, ["3".repeat(64)], "the exec made for resize");
    assert!(c.log_path.ends_with("-json.log"));
    assert!(c.resolv_conf_path.ends_with("/resolv.conf"));

    let s = &c.state;
    assert_eq!(s.status, "running");
    assert!(s.running && !s.paused && !s.restarting && !s.oom_killed && !s.dead);
    assert_eq!(s.pid, 1001);
    assert_eq!(s.exit_code, 0);
    assert_eq!(s.error, "");
    assert_eq!(s.started_at, "2020-01-01T00:00:02.000000000Z");
    assert_eq!(s.finished_at, "0001-01-01T00:00:00Z");
    assert_eq!(s.health, None);

    let cfg = &c.config;
    assert_eq!(cfg.hostname, "111111111111");
    assert!(cfg.env.is_empty(), "Env null");
    assert_eq!(cfg.cmd.len(), 3);
    assert_eq!(cfg.image, "bb:latest");
    assert_eq!(cfg.labels["dkr-fixture"], "1");
    assert!(cfg.volumes.is_empty() && cfg.entrypoint.is_empty() && cfg.on_build.is_empty());
    assert!(cfg.network_disabled);
    assert_eq!(cfg.stop_timeout, None);

    let hc = &c.host_config;
    assert!(hc.binds.is_empty(), "Binds null");
    assert_eq!(hc.network_mode, "default");
    assert_eq!(hc.restart_policy.name, "");
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
    assert_eq!(hc.extra.get("KernelMemory"), Some("0"));
    assert_eq!(hc.extra.get("BlkioDeviceReadBps"), Some("null"));

    assert_eq!(c.graph_driver.name, "vfs");
    assert!(c.graph_driver.data.is_empty(), "Data null");
    assert!(c.mounts.is_empty());

    let ns = &c.network_settings;
    assert_eq!(ns.sandbox_id, "4".repeat(64));
    assert_eq!(ns.sandbox_key, "/tmp/dkrf/x/netns/444444444444");
    assert!(ns.ports.is_empty() && ns.secondary_ip_addresses.is_empty());
    assert_eq!(ns.ip_address, "");
    assert_eq!(ns.ip_address(), None);
    assert_eq!(ns.networks.len(), 1);
    assert_eq!(ns.networks["bridge"].ip_prefix_len, 0);
}

#[test]
fn container_inspect_host_config_reencodes_the_engine_keys() {
    let c: ContainerInspect = decode("docker-20.10/inspect_container");
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
fn image_inspect_has_tags_rootfs_and_metadata() {
    let img: ImageInspect = decode("docker-20.10/inspect_image");
    assert_eq!(img.id, format!("sha256:{ID_1}"));
    assert_eq!(img.repo_tags, ["bb:latest"]);
    assert!(img.repo_digests.is_empty());
    assert_eq!(img.parent, "");
    assert_eq!(img.comment, "Imported from -");
    assert_eq!(img.created, "2020-01-01T00:00:01.000000000Z");
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
    assert_eq!(img.root_fs.layers, [format!("sha256:{ID_2}")]);
    assert_eq!(img.metadata.last_tag_time, "2020-01-01T00:00:02.000000000Z");
}

#[test]
fn network_answers_have_ipam_and_empty_maps() {
    let list: Vec<NetworkInspect> = decode("docker-20.10/list_networks");
    assert_eq!(list.len(), 1);
    let n = &list[0];
    assert_eq!(n.name, "dkr-fx-net");
    assert_eq!(n.id, ID_1);
    assert_eq!(n.created, "2020-01-01T00:00:01.000000000Z");
    assert_eq!((n.scope.as_str(), n.driver.as_str()), ("local", "bridge"));
    assert!(!n.enable_ipv6 && !n.internal && !n.attachable && !n.ingress && !n.config_only);
    assert_eq!(n.enable_ipv4, None);
    assert_eq!(n.ipam.driver, "default");
    assert_eq!(n.ipam.config.len(), 1);
    assert_eq!(n.ipam.config[0].subnet, "172.17.0.0/16");
    assert_eq!(n.ipam.config[0].gateway, "172.17.0.1");
    assert_eq!(n.config_from.network, "");
    assert!(n.containers.is_empty() && n.options.is_empty() && n.labels.is_empty());

    let host: NetworkInspect = decode("docker-20.10/inspect_network");
    assert_eq!((host.name.as_str(), host.driver.as_str()), ("host", "host"));
    assert!(host.ipam.options.is_empty(), "Options null");
    assert!(host.ipam.config.is_empty());
}

#[test]
fn changes_list_kinds_in_order() {
    let diff: Vec<FileChange> = decode("docker-20.10/container_diff_kinds");
    let got: Vec<(&str, ChangeKind)> = diff.iter().map(|c| (c.path.as_str(), c.kind)).collect();
    assert_eq!(
        got,
        [
            ("/bin", ChangeKind::Modified),
            ("/bin/touch", ChangeKind::Deleted),
            ("/added", ChangeKind::Added),
        ]
    );
    let lines: Vec<String> = diff.iter().map(ToString::to_string).collect();
    assert_eq!(lines, ["C /bin", "D /bin/touch", "A /added"]);
}

#[test]
fn events_decode_every_event_with_actor_and_times() {
    let events: Vec<EventMessage> = decode_stream("docker-20.10/events");
    assert!(events.len() >= 40, "{} events", events.len());
    for e in &events {
        assert_eq!(e.typ, "container");
        assert_eq!(e.status, e.action);
        assert_eq!(e.id, e.actor.id);
        assert_eq!(e.actor_id(), e.actor.id);
        assert_eq!(e.from, "bb:latest");
        assert_eq!(e.scope, "local");
        assert_eq!(e.actor.attributes["image"], "bb:latest");
        assert_eq!(e.actor.attributes["dkr-fixture"], "1");
        assert_eq!(e.time_nano / 1_000_000_000, e.time);
    }
    assert_eq!(events[0].action, "create");
    assert_eq!(events[0].actor.attributes["name"], "dkr-fx-main");
    assert_eq!(events[0].time_nano(), 1_577_836_802_000_000_000);

    // The restart of the trap container, then its kill.
    let at = events.iter().position(|e| e.action == "kill").unwrap();
    let restart: Vec<&str> = events[at..at + 7]
        .iter()
        .map(|e| e.action.as_str())
        .collect();
    assert_eq!(
        restart,
        ["kill", "die", "stop", "start", "restart", "kill", "die"]
    );
    for e in &events[at..at + 7] {
        assert_eq!(e.actor.id, ID_1);
        assert_eq!(e.actor.attributes["name"], "dkr-fx-main");
    }
    assert_eq!(events[at].actor.attributes["signal"], "15");
    assert_eq!(events[at + 1].actor.attributes["exitCode"], "3");

    let old: Vec<EventMessage> = decode_stream("docker-20.10/events_v1.24");
    assert_eq!(old, events, "the same events at API 1.24");

    // A watcher's live stream: what happened while it followed.
    let live: Vec<EventMessage> = decode_stream("docker-20.10/watch_events_with#3");
    let actions: Vec<&str> = live.iter().map(|e| e.action.as_str()).collect();
    assert_eq!(actions, ["create", "destroy"]);
    assert_eq!(live[0].actor.attributes["name"], "dkr-fx-watched");
    assert_eq!(live[0].actor.attributes["dkr-fixture-churn"], "1");
}

#[test]
fn top_answers_read_into_entries() {
    let top: ContainerTop = decode("docker-20.10/container_top");
    assert_eq!(
        top.titles,
        ["UID", "PID", "PPID", "C", "STIME", "TTY", "TIME", "CMD"]
    );
    let e = top.entries().unwrap();
    assert_eq!(e.len(), 2);
    assert_eq!(e[0].user, "root");
    assert_eq!((e[0].pid, e[0].ppid), (1001, Some(1002)));
    assert_eq!((e[1].pid, e[1].ppid), (1003, Some(1001)));
    assert_eq!(e[1].cgroup, None);
    assert_eq!(e[1].command, "sleep 3600");

    let aux: ContainerTop = decode("docker-20.10/container_top_aux");
    let e = aux.entries().unwrap();
    assert_eq!(
        (e[1].user.as_str(), e[1].pid, e[1].ppid),
        ("root", 1002, None)
    );
    assert_eq!(e[1].command, "sleep 3600");
    assert_eq!(e[1].cgroup, None);

    let o: ContainerTop = decode("docker-20.10/container_top_o_cgroup");
    let e = o.entries().unwrap();
    assert_eq!(
        (e[1].pid, e[1].ppid, e[1].user.as_str()),
        (1003, Some(1001), "root")
    );
    assert_eq!(e[1].command, "sleep 3600");
    let cgroup = e[1].cgroup.as_deref().unwrap();
    assert!(cgroup.starts_with(&format!("9:name=systemd:/docker/{ID_1},")));
    assert!(cgroup.contains(&format!(",8:pids:/docker/{ID_1},")));
}

#[test]
fn exec_answers_have_id_exit_code_and_process() {
    let created: ExecCreateResponse = decode("docker-20.10/exec#1");
    assert_eq!(created.id, ID_2);
    let e: ExecInspect = decode("docker-20.10/exec#3");
    assert_eq!(e.id, created.id);
    assert!(!e.running);
    assert_eq!(e.exit_code, Some(7));
    assert_eq!(e.process_config.entrypoint, "sh");
    assert_eq!(
        e.process_config.arguments,
        ["-c", "echo out; sleep 0.2; echo err >&2; exit 7"]
    );
    assert!(!e.process_config.tty && !e.process_config.privileged);
    assert!(e.open_stdout && e.open_stderr && !e.open_stdin && !e.can_remove);
    assert_eq!(e.container_id, ID_1);
    assert_eq!(e.pid, 1001);
}

#[test]
fn stats_of_a_stopped_container_are_empty_samples() {
    // Only a stopped container's stats are recorded: a running one's counters change
    // from run to run (the figures are tested on hand-written samples in responses.rs).
    let s: ContainerStats = decode("docker-20.10/container_stats_not_running");
    assert_eq!(s.name, "/dkr-fx-idle");
    assert_eq!(s.id, ID_1);
    assert_eq!((s.read.as_str(), s.preread.as_str()), (GO_ZERO, GO_ZERO));
    assert_eq!(s.pids_stats.current, 0);
    assert!(s.blkio_stats.io_service_bytes_recursive.is_empty());
    assert_eq!(s.cpu_stats.cpu_usage.total_usage, 0);
    assert!(s.cpu_stats.cpu_usage.percpu_usage.is_empty());
    assert_eq!(s.cpu_percent(), None, "no previous sample");
    assert_eq!(s.memory_stats.usage, 0);
    assert_eq!(s.memory_stats.usage_without_cache(), 0);
    assert!(s.networks.is_empty());

    let stream: Vec<ContainerStats> =
        decode_stream("docker-20.10/container_stats_stream_not_running");
    assert_eq!(
        stream,
        [s],
        "the stream's one sample is the one-shot answer"
    );
}

/// Go's zero time, as the engine writes it.
const GO_ZERO: &str = "0001-01-01T00:00:00Z";

#[test]
fn progress_streams_have_status_and_error_lines() {
    let import: Vec<ProgressMessage> = decode_stream("docker-20.10/import_image");
    assert_eq!(import.len(), 1);
    assert_eq!(import[0].status, format!("sha256:{ID_1}"));
    assert_eq!(import[0].error_message(), None);

    let push: Vec<ProgressMessage> = decode_stream("docker-20.10/push_image_unreachable");
    assert_eq!(
        push[0].status,
        "The push refers to repository [localhost:1/dkr-fx/pushed]"
    );
    assert_eq!(push[0].error_message(), None);
    let refused =
        "Get \"http://localhost:1/v2/\": dial tcp 127.0.0.1:1: connect: connection refused";
    assert_eq!(push[1].error_message(), Some(refused));
}
