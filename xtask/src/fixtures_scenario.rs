//! The fixed scenario of `cargo xtask fixtures record`.
//!
//! [`scenario`] is the whole script, one line per item: unrecorded set-up actions
//! (`Act`), done with a client talking to the engine directly, and recorded steps, done
//! with a client talking through the recording proxy. Each step names a *call* (a public
//! client method, or `exec` for create, start and inspect of one exec) and its JSON
//! arguments; [`perform`] is the one place that turns a call into client method calls, and
//! the replay suite (`crates/docker-client/tests/it/replay.rs`) has its twin. Adding a step
//! is one line; adding a method is one arm here and one there.
//!
//! Arguments may name `$key`: the ID of the container or exec created as `key`, `$since`
//! (before the first container was created), `$now` and `$network` (the engine's
//! network of choice). A step that needs running containers is skipped, with the reason in
//! its header, when the engine could not start them.

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use docker_client::blocking::Client;
use docker_client::models::{ContainerCreateConfig, ExecCreateConfig};
use docker_client::{
    dispatch, Endpoint, Error, EventsOptions, InventoryOptions, ListContainersOptions,
    RemoveContainerOptions, RemoveVolumeOptions, WatchConfig,
};
use docker_replay::{Ending, Exchange, Recorder, Transcript};
use serde_json::{json, Value};

use super::{fixtures_dir, shown};

/// The label every container of the scenario carries.
const LABEL: &str = "dkr-fixture=1";
/// An exec ID that exists nowhere (the client accepts only hex IDs for execs).
const MISSING_EXEC: &str = "deadbeefdeadbeefdeadbeefdeadbeefdeadbeefdeadbeefdeadbeefdeadbeef";
/// How long the watcher steps subscribe for.
const WATCH_WINDOW: Duration = Duration::from_secs(2);
/// Container names of the scenario start with this; anything else on the engine is foreign.
const PREFIX: &str = "dkr-fx-";

/// The plugin the scenario makes, named for a registry that does not answer.
const PLUGIN: &str = "localhost:1/dkr-fx/plugin:1";

/// Its `config.json`: an authorization plugin (the engine calls none unless told to) with
/// one settable variable.
const PLUGIN_CONFIG: &str = r#"{"description": "dkr fixture plugin", "documentation": "https://example.invalid/dkr", "entrypoint": ["/bin/sh", "-c", "sleep 5"], "interface": {"socket": "dkr.sock", "types": ["docker.authz/1.0"]}, "env": [{"name": "DEBUG", "settable": ["value"], "value": "0"}]}"#;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum EngineKind {
    Docker,
    Podman,
}

impl EngineKind {
    pub(crate) fn parse(name: &str) -> Result<EngineKind, String> {
        match name {
            "docker" => Ok(EngineKind::Docker),
            "podman" => Ok(EngineKind::Podman),
            _ => Err(format!(
                "unknown engine `{name}`: expected docker or podman"
            )),
        }
    }

    fn name(self) -> &'static str {
        match self {
            EngineKind::Docker => "docker",
            EngineKind::Podman => "podman",
        }
    }

    fn default_socket(self) -> &'static str {
        match self {
            EngineKind::Docker => "/tmp/dkr/docker.sock",
            EngineKind::Podman => "/tmp/dkrp/podman.sock",
        }
    }

    fn network(self) -> &'static str {
        match self {
            // The private dockerd runs with --bridge=none.
            EngineKind::Docker => "host",
            EngineKind::Podman => "podman",
        }
    }
}

/// Output on stdout and stderr, apart in time: the engine reads the two pipes
/// concurrently, so output written at once may come in either order. (Containers that
/// exit at once also get a `FinishedAt` before their `StartedAt` now and then: those of
/// the scenario live a little longer.)
const TWO_STREAMS: &str = "echo out; sleep 0.2; echo err >&2; sleep 0.2; echo out2";

/// The whole scenario, in order.
fn scenario() -> Vec<Item> {
    let trap = "echo hi > /created; trap 'exit 3' TERM; sleep 3600 & wait";
    let sleeper = "trap 'exit 0' TERM; sleep 3600 & wait";
    let events = json!([{"since": "$since", "until": "$now",
        "filters": {"label": [LABEL], "type": ["container"]}}]);
    let watched = json!([{"since": "$now", "until": "$later",
        "filters": {"label": ["dkr-fixture-churn=1"], "type": ["container"]}}]);
    vec![
        // First, while the engine has no history: the watchers ask for the events before
        // their start and read the first one, so only an unchanging history records the
        // same every time (none on a fresh Docker; Podman's oldest event). The watchers
        // subscribe until `$later`, two seconds on; during the second a container is
        // created and removed.
        step("container_inventory", "watch_containers", json!([{"labels": [LABEL]}])),
        step("watch_events", "watch_events", watched.clone()),
        step("watch_events_with", "watch_events_with", json!([watched[0], {"capacity": 8, "max_attempts": 1}])).churn(),
        // Containers for the steps: a running one that traps TERM, one never started, two
        // that print and exit (plain and TTY), one waiting on stdin, a TTY one to resize,
        // and one for prune.
        act(Act::Create("main", json!({"Cmd": ["sh", "-c", trap]}))),
        act(Act::Create("idle", json!({"Cmd": ["true"]}))),
        act(Act::Create("printer", json!({"Cmd": ["sh", "-c", TWO_STREAMS]}))),
        act(Act::Create("tty", json!({"Cmd": ["sh", "-c", "echo tty-out; sleep 0.2"], "Tty": true}))),
        act(Act::Create("stdin", json!({"Cmd": ["cat"], "OpenStdin": true, "StdinOnce": true, "AttachStdin": true}))),
        act(Act::Create("ttyrun", json!({"Cmd": ["sh", "-c", sleeper], "Tty": true}))),
        act(Act::Create("prunee", json!({"Cmd": ["true"], "Labels": {"dkr-fixture": "1", "dkr-fixture-prune": "1"}}))),
        // One at a time, each short-lived one to its end, so that their events come in
        // the same order every time.
        act(Act::Start("main")),
        act(Act::WaitFile("main", "/created")),
        act(Act::Start("printer")),
        act(Act::WaitExit("printer")),
        act(Act::Start("tty")),
        act(Act::WaitExit("tty")),
        act(Act::Start("stdin")),
        act(Act::Start("ttyrun")),
        act(Act::CreateExec("ttyexec", "main", json!({"Cmd": ["sh"], "Tty": true, "AttachStdin": true, "AttachStdout": true}))),
        // System.
        step("ping", "ping", json!([])),
        step("api_version", "api_version", json!([])).negotiating(),
        step("version", "version", json!([])),
        step("info", "info", json!([])),
        // Reading containers, images and networks.
        step("list_containers", "list_containers", json!([{}])),
        // API 1.24, the oldest the client speaks, answers in the same shape.
        step("list_containers_v1.24", "list_containers", json!([{}])).pinned("1.24"),
        step("list_containers_all", "list_containers", json!([{"all": true}])),
        step("list_containers_filters", "list_containers", json!([{"all": true, "filters": {"label": [LABEL], "status": ["exited"]}}])),
        step("inspect_container", "inspect_container", json!(["$main"])),
        step("inspect_container_by_name", "inspect_container", json!(["dkr-fx-idle"])),
        step("inspect_container_missing", "inspect_container", json!(["dkr-fx-missing"])),
        // Below API 1.24 errors come as plain text.
        step("inspect_container_missing_v1.23", "inspect_container", json!(["dkr-fx-missing"])).pinned("1.23"),
        step("inspect_image", "inspect_image", json!(["bb:latest"])),
        step("inspect_image_missing", "inspect_image", json!(["dkr-fx-missing:latest"])),
        step("inspect_network", "inspect_network", json!(["$network"])),
        step("inspect_network_missing", "inspect_network", json!(["dkr-fx-missing"])),
        step("container_top", "top_container", json!(["$main", null])).running(&["main"]),
        step("container_top_aux", "top_container", json!(["$main", "aux"])).running(&["main"]),
        step("container_top_o_cgroup", "top_container", json!(["$main", "-o pid,ppid,user,cgroup:512,args"])).running(&["main"]),
        step("container_top_bad_args", "top_container", json!(["$main", "--no-such-option"])).running(&["main"]),
        step("container_top_not_running", "top_container", json!(["$idle", null])),
        step("container_top_missing", "top_container", json!(["dkr-fx-missing", null])),
        step("container_diff", "diff_container", json!(["$main"])).running(&["main"]),
        step("container_diff_not_started", "diff_container", json!(["$idle"])),
        step("container_diff_missing", "diff_container", json!(["dkr-fx-missing"])),
        step("container_stats_not_running", "stats_container", json!(["$idle"])),
        step("container_stats_missing", "stats_container", json!(["dkr-fx-missing"])),
        step("container_stats_stream_not_running", "stats_container_stream", json!(["$idle", 1])),
        step("container_stats_stream_missing", "stats_container_stream", json!(["dkr-fx-missing", 1])),
        step("export_container_missing", "export_container", json!(["dkr-fx-missing"])),
        // Output: logs, exec, attach, archives.
        step("logs", "logs_container", json!(["$printer", {}])).ran(&["printer"]),
        step("logs_stderr_only", "logs_container", json!(["$printer", {"stdout": false}])).ran(&["printer"]),
        step("logs_tail", "logs_container", json!(["$printer", {"tail": 1}])).ran(&["printer"]),
        step("logs_tty", "logs_container", json!(["$tty", {}])).ran(&["tty"]),
        step("logs_missing", "logs_container", json!(["dkr-fx-missing", {}])),
        step("exec", "exec", json!(["$main", ["sh", "-c", "echo out; sleep 0.2; echo err >&2; exit 7"], null, false])).running(&["main"]),
        step("exec_stdin", "exec", json!(["$main", ["cat"], "hello\n", false])).running(&["main"]),
        step("exec_tty", "exec", json!(["$main", ["echo", "tty"], null, true])).running(&["main"]),
        step("exec_not_running", "exec", json!(["$idle", ["true"], null, false])),
        step("exec_missing", "exec", json!(["dkr-fx-missing", ["true"], null, false])),
        step("start_exec_missing", "start_exec", json!([MISSING_EXEC, false])),
        step("inspect_exec_missing", "inspect_exec", json!([MISSING_EXEC])),
        step("resize_exec", "resize_exec", json!(["$ttyexec", 24, 80])).running(&["main"]),
        step("resize_exec_missing", "resize_exec", json!([MISSING_EXEC, 24, 80])),
        step("resize_container", "resize_container", json!(["$ttyrun", 24, 80])).running(&["ttyrun"]),
        step("resize_container_missing", "resize_container", json!(["dkr-fx-missing", 24, 80])),
        step("stat_path", "stat_path", json!(["$main", "/bin/sh"])),
        step("stat_path_missing_path", "stat_path", json!(["$main", "/dkr-fx-missing"])),
        step("get_archive", "get_archive", json!(["$main", "/root"])),
        step("get_archive_missing_path", "get_archive", json!(["$main", "/dkr-fx-missing"])),
        step("put_archive", "put_archive", json!(["$main", "/tmp", {"file": "hello.txt", "content": "hi\n"}])),
        step("put_archive_missing", "put_archive", json!(["dkr-fx-missing", "/tmp", {"file": "hello.txt", "content": "hi\n"}])),
        // Signals and restarts on the trap container.
        step("restart_container", "restart_container", json!(["$main", 1])).running(&["main"]),
        step("restart_container_missing", "restart_container", json!(["dkr-fx-missing", null])),
        step("request_start_running_304", "request", json!(["POST", "/containers/$main/start", [], null])).running(&["main"]),
        step("request_ping", "request", json!(["GET", "/_ping", [], null])),
        step("request_versioned_path", "request", json!(["GET", "/v1.41/version", [], null])),
        step("kill_container_bad_signal", "kill_container", json!(["$main", "SIGNOPE"])),
        step("kill_container_sigterm", "kill_container", json!(["$main", "SIGTERM"])).running(&["main"]),
        act(Act::WaitExit("main")),
        step("kill_container_not_running", "kill_container", json!(["$main", null])),
        step("kill_container_missing", "kill_container", json!(["dkr-fx-missing", null])),
        // The lifecycle of one container, created by the scenario itself.
        step("create_container", "create_container", json!(["dkr-fx-life", {"Image": "bb:latest", "Cmd": ["sh", "-c", sleeper], "Labels": {"dkr-fixture": "1"}}])).capture("life"),
        step("create_container_conflict", "create_container", json!(["dkr-fx-life", {"Image": "bb:latest", "Cmd": ["true"], "Labels": {"dkr-fixture": "1"}}])),
        step("create_container_missing_image", "create_container", json!(["dkr-fx-noimage", {"Image": "dkr-fx-missing:latest"}])),
        step("start_container", "start_container", json!(["$life"])).starts("life"),
        step("start_container_again", "start_container", json!(["$life"])).running(&["life"]),
        step("start_container_missing", "start_container", json!(["dkr-fx-missing"])),
        step("pause_container", "pause_container", json!(["$life"])).running(&["life"]),
        step("pause_container_again", "pause_container", json!(["$life"])).running(&["life"]),
        step("unpause_container", "unpause_container", json!(["$life"])).running(&["life"]),
        step("unpause_container_not_paused", "unpause_container", json!(["$life"])).running(&["life"]),
        step("update_container", "update_container", json!(["$life", {"RestartPolicy": {"Name": "unless-stopped"}}])),
        step("update_container_missing", "update_container", json!(["dkr-fx-missing", {"RestartPolicy": {"Name": "no"}}])),
        step("rename_container", "rename_container", json!(["$life", "dkr-fx-life2"])),
        step("rename_container_conflict", "rename_container", json!(["$life", "dkr-fx-main"])),
        step("remove_container_running", "remove_container", json!(["$life", {}])).running(&["life"]),
        step("stop_container", "stop_container", json!(["$life", 1])).running(&["life"]),
        step("stop_container_again", "stop_container", json!(["$life", 1])).ran(&["life"]),
        step("wait_container", "wait_container", json!(["$life", "not-running"])).ran(&["life"]),
        step("wait_container_missing", "wait_container", json!(["dkr-fx-missing", "not-running"])),
        step("remove_container", "remove_container", json!(["$life", {}])),
        step("remove_container_missing", "remove_container", json!(["dkr-fx-missing", {"force": true}])),
        step("prune_containers", "prune_containers", json!([{"label": ["dkr-fixture-prune=1"]}])),
        step("pause_container_missing", "pause_container", json!(["dkr-fx-missing"])),
        step("unpause_container_missing", "unpause_container", json!(["dkr-fx-missing"])),
        step("stop_container_missing", "stop_container", json!(["dkr-fx-missing", null])),
        // Before the images section: the size of an imported image varies with its time.
        step("df", "df", json!([])),
        // Images. No registry answers here: pulls, pushes and logins fail the way they do
        // without one (the push once it is streaming).
        step("list_images", "list_images", json!([{"filters": {"reference": ["bb"]}}])),
        step("image_history", "history_image", json!(["bb:latest"])),
        step("image_history_missing", "history_image", json!(["dkr-fx-missing:latest"])),
        // Podman remembers every name an image ever had (`History`): the scenario names
        // only the image it imports, which goes at the end.
        step("import_image", "import_image", json!([{"file": "hello.txt", "content": "hi\n"}, {"reference": "dkr-fx/imported:1"}])),
        step("tag_image", "tag_image", json!(["dkr-fx/imported:1", "dkr-fx/tagged:1"])),
        step("tag_image_missing", "tag_image", json!(["dkr-fx-missing:latest", "dkr-fx/tagged:2"])),
        step("remove_image", "remove_image", json!(["dkr-fx/tagged:1", {}])),
        step("remove_image_missing", "remove_image", json!(["dkr-fx-missing:latest", {}])),
        step("prune_images", "prune_images", json!([{"label": [LABEL]}])),
        step("load_images_not_an_image", "load_images", json!([{"file": "hello.txt", "content": "hi\n"}, true])),
        step("save_images_missing", "save_images", json!([["dkr-fx-missing:latest"]])),
        step("save_image", "save_image", json!(["dkr-fx/imported:1"])),
        step("save_image_missing", "save_image", json!(["dkr-fx-missing:latest"])),
        // No image index answers here: the engine's own error.
        step("search_images_no_index", "search_images", json!(["busybox", {"limit": 1}])),
        step("inspect_distribution_unreachable", "inspect_distribution", json!(["localhost:1/dkr-fx/none:1", {}])),
        // API 1.55: what an older engine answers (the synthetic set has the real shape).
        step("attestations_image_unsupported", "attestations_image", json!(["bb:latest", {}])),
        // Build, with the legacy builder.
        step("build_image", "build_image", json!([{"files": {"Dockerfile": "FROM bb:latest\nLABEL dkr-fixture=1\n"}}, {"tags": ["dkr-fx/built:1"]}])),
        step("build_image_failing_run", "build_image", json!([{"files": {"Dockerfile": "FROM bb:latest\nRUN echo failing >&2; exit 3\n"}}, {"force_rm": true}])),
        step("build_image_buildkit_only", "build_image", json!([{"files": {"Dockerfile": "FROM bb:latest\nRUN --mount=type=cache,target=/c true\n"}}, {}])),
        step("prune_build_cache", "prune_build_cache", json!([{}])),
        step("commit_container", "commit_container", json!(["$idle", {"reference": "dkr-fx/committed:1", "comment": "fixture", "pause": false}])),
        step("commit_container_missing", "commit_container", json!(["dkr-fx-missing", {}])),
        step("pull_image_unreachable", "pull_image", json!(["localhost:1/dkr-fx/none:1", {}])),
        act(Act::Tag("dkr-fx/imported:1", "localhost:1/dkr-fx/pushed:1")),
        step("push_image_unreachable", "push_image", json!(["localhost:1/dkr-fx/pushed:1", {}])),
        step("push_image_missing", "push_image", json!(["localhost:1/dkr-fx/missing:1", {}])),
        step("login_unreachable", "login", json!([{"username": "dkr", "password": "fixture", "serveraddress": "localhost:1"}])),
        // Networks and volumes.
        step("create_network", "create_network", json!([{"name": "dkr-fx-net"}])),
        step("create_network_prunable", "create_network", json!([{"name": "dkr-fx-prunenet", "labels": {"dkr-fixture-prune": "1"}}])),
        step("list_networks", "list_networks", json!([{"filters": {"name": ["dkr-fx-net"]}}])),
        step("connect_network", "connect_network", json!(["dkr-fx-net", "$idle", null])),
        step("connect_network_missing", "connect_network", json!(["dkr-fx-missing", "$idle", null])),
        step("disconnect_network", "disconnect_network", json!(["dkr-fx-net", "$idle", false])),
        step("disconnect_network_missing", "disconnect_network", json!(["dkr-fx-missing", "$idle", false])),
        step("prune_networks", "prune_networks", json!([{"label": ["dkr-fixture-prune=1"]}])),
        step("remove_network", "remove_network", json!(["dkr-fx-net"])),
        step("remove_network_missing", "remove_network", json!(["dkr-fx-missing"])),
        step("create_volume", "create_volume", json!([{"name": "dkr-fx-vol"}])),
        step("create_volume_prunable", "create_volume", json!([{"name": "dkr-fx-prunevol", "labels": {"dkr-fixture-prune": "1"}}])),
        step("inspect_volume", "inspect_volume", json!(["dkr-fx-vol"])),
        step("inspect_volume_missing", "inspect_volume", json!(["dkr-fx-missing"])),
        step("list_volumes", "list_volumes", json!([{"filters": {"name": ["dkr-fx-vol"]}}])),
        step("prune_volumes", "prune_volumes", json!([{"label": ["dkr-fixture-prune=1"]}])),
        step("remove_volume", "remove_volume", json!(["dkr-fx-vol", false])),
        step("remove_volume_missing", "remove_volume", json!(["dkr-fx-missing", false])),
        // API 1.42 (cluster volumes): what an older engine answers.
        step("update_volume_unsupported", "update_volume", json!(["dkr-fx-missing", 1, {"AccessMode": {"Scope": "single"}}])),
        // Plugins: one made from a tar whose root file system holds a single file, so that
        // enabling it fails (runc finds no /bin/sh; the live tests enable a busybox one), and
        // a registry that does not answer for push, pull, upgrade and privileges.
        step("create_plugin", "create_plugin", json!([PLUGIN, {"files": {"config.json": PLUGIN_CONFIG, "rootfs/etc/dkr-plugin": "1\n"}}])),
        step("list_plugins", "list_plugins", json!([{}])),
        step("inspect_plugin", "inspect_plugin", json!([PLUGIN])),
        step("inspect_plugin_missing", "inspect_plugin", json!(["dkr-fx-missing:1"])),
        step("set_plugin", "set_plugin", json!([PLUGIN, ["DEBUG=1"]])),
        step("enable_plugin_no_socket", "enable_plugin", json!([PLUGIN, 5])),
        step("disable_plugin_not_enabled", "disable_plugin", json!([PLUGIN, {}])),
        step("privileges_plugin_unreachable", "privileges_plugin", json!(["localhost:1/dkr-fx/plugin:2", {}])),
        step("pull_plugin_unreachable", "pull_plugin", json!(["localhost:1/dkr-fx/plugin:2", {"name": "dkr-fx-pulled:1"}])),
        step("upgrade_plugin_unreachable", "upgrade_plugin", json!([PLUGIN, "localhost:1/dkr-fx/plugin:2", {}])),
        step("push_plugin_unreachable", "push_plugin", json!([PLUGIN, {}])),
        step("remove_plugin", "remove_plugin", json!([PLUGIN, {}])),
        step("remove_plugin_missing", "remove_plugin", json!([PLUGIN, {}])),
        // Events of the scenario's containers, and the watchers built on them.
        act(Act::Settle),
        step("events", "events", events.clone()),
        step("events_v1.24", "events", events).pinned("1.24"),
        // A container that modifies, deletes and adds files, after the event windows so
        // that no other transcript sees it: its diff holds all three kinds.
        act(Act::Create("changer", json!({"Cmd": ["sh", "-c", "rm /bin/touch; echo x > /added; sleep 0.2"]}))),
        act(Act::Start("changer")),
        act(Act::WaitExit("changer")),
        step("container_diff_kinds", "diff_container", json!(["$changer"])).ran(&["changer"]),
        // Last, because whether the engine reports a `detach` event when an attached
        // container exits varies from run to run: the event windows above end before it.
        step("attach_container", "attach_container", json!(["$stdin", "hello\n"])).running(&["stdin"]),
        step("attach_container_missing", "attach_container", json!(["dkr-fx-missing", "hello\n"])),
        // Over WebSocket: a container that reads a line, answers and exits.
        act(Act::Create("ws", json!({"Cmd": ["sh", "-c", "read line; echo got $line; sleep 0.2"], "OpenStdin": true, "AttachStdin": true}))),
        act(Act::Start("ws")),
        step("attach_container_ws", "attach_container_ws", json!(["$ws", "hello\n", {}])).running(&["ws"]),
        step("attach_container_ws_missing", "attach_container_ws", json!(["dkr-fx-missing", "hello\n", {}])),
    ]
}

/// The public client methods a call exercised, judged by the requests it made: `exec`
/// stops at the first method that fails.
pub(crate) fn methods_of<'a>(call: &'a str, exchanges: &[Exchange]) -> Vec<&'a str> {
    if call != "exec" {
        return vec![call];
    }
    let lines: Vec<String> = exchanges.iter().map(Exchange::request_line).collect();
    let sent = |method: &str, suffix: &str| {
        lines
            .iter()
            .any(|l| l.starts_with(method) && l.split('?').next().unwrap_or("").ends_with(suffix))
    };
    let mut methods = vec!["create_exec"];
    if sent("POST", "/start") {
        methods.push("start_exec");
    }
    if sent("GET", "/json") {
        methods.push("inspect_exec");
    }
    methods
}

enum Item {
    Act(Act),
    Step(Step),
}

/// Set-up done on the engine directly, never recorded.
enum Act {
    /// Creates container `dkr-fx-<key>` from bb:latest with this config (labelled).
    Create(&'static str, Value),
    Start(&'static str),
    WaitExit(&'static str),
    /// Waits until the container has written the file.
    WaitFile(&'static str, &'static str),
    /// Creates an exec in a running container.
    CreateExec(&'static str, &'static str, Value),
    /// Waits a second, so that the scenario's events are stamped before `$now`.
    Settle,
    /// Tags an image.
    Tag(&'static str, &'static str),
}

struct Step {
    scenario: &'static str,
    call: &'static str,
    args: Value,
    /// Containers that must be running.
    running: &'static [&'static str],
    /// Containers that must have been started once.
    ran: &'static [&'static str],
    /// The step creates a container known as this key from now on.
    capture: Option<&'static str>,
    /// The step starts this container.
    starts: Option<&'static str>,
    /// The client negotiates its version instead of being pinned.
    negotiating: bool,
    /// The client is pinned to this version instead of the engine's.
    pin: Option<&'static str>,
    /// A container is created and removed while the step waits (for the watchers).
    churn: bool,
}

fn act(a: Act) -> Item {
    Item::Act(a)
}

fn step(scenario: &'static str, call: &'static str, args: Value) -> Item {
    Item::Step(Step {
        scenario,
        call,
        args,
        running: &[],
        ran: &[],
        capture: None,
        starts: None,
        negotiating: false,
        pin: None,
        churn: false,
    })
}

impl Item {
    fn with(self, f: impl FnOnce(&mut Step)) -> Item {
        match self {
            Item::Step(mut s) => {
                f(&mut s);
                Item::Step(s)
            }
            other => other,
        }
    }
    fn running(self, keys: &'static [&'static str]) -> Item {
        self.with(|s| s.running = keys)
    }
    fn ran(self, keys: &'static [&'static str]) -> Item {
        self.with(|s| s.ran = keys)
    }
    fn capture(self, key: &'static str) -> Item {
        self.with(|s| s.capture = Some(key))
    }
    fn starts(self, key: &'static str) -> Item {
        self.with(|s| s.starts = Some(key))
    }
    fn negotiating(self) -> Item {
        self.with(|s| s.negotiating = true)
    }
    fn pinned(self, version: &'static str) -> Item {
        self.with(|s| s.pin = Some(version))
    }
    fn churn(self) -> Item {
        self.with(|s| s.churn = true)
    }
}

/// What the scenario knows while it runs.
struct Ctx {
    engine: EngineKind,
    ids: BTreeMap<String, String>,
    /// Containers running now, and those started at least once.
    running: BTreeSet<String>,
    ran: BTreeSet<String>,
    /// Why a container could not be started.
    start_errors: BTreeMap<String, String>,
    since: SystemTime,
}

impl Ctx {
    fn substitute(&self, value: &Value) -> Result<Value, String> {
        Ok(match value {
            Value::String(s) => Value::String(self.substitute_text(s)?),
            Value::Array(items) => Value::Array(
                items
                    .iter()
                    .map(|v| self.substitute(v))
                    .collect::<Result<_, _>>()?,
            ),
            Value::Object(map) => Value::Object(
                map.iter()
                    .map(|(k, v)| Ok((k.clone(), self.substitute(v)?)))
                    .collect::<Result<_, String>>()?,
            ),
            other => other.clone(),
        })
    }

    fn substitute_text(&self, text: &str) -> Result<String, String> {
        let mut out = String::new();
        let mut rest = text;
        while let Some(at) = rest.find('$') {
            out.push_str(&rest[..at]);
            let after = &rest[at + 1..];
            let len = after
                .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                .unwrap_or(after.len());
            let key = &after[..len];
            let value = match key {
                "since" => unix_nanos_text(self.since),
                "now" => unix_nanos_text(SystemTime::now()),
                "later" => unix_nanos_text(SystemTime::now() + WATCH_WINDOW),
                "network" => self.engine.network().to_owned(),
                _ => self
                    .ids
                    .get(key)
                    .cloned()
                    .ok_or_else(|| format!("`${key}` is not known at this point"))?,
            };
            out.push_str(&value);
            rest = &after[len..];
        }
        out.push_str(rest);
        Ok(out)
    }

    /// Why `step` cannot run here, if it cannot.
    fn skip_reason(&self, step: &Step) -> Option<String> {
        let missing = step
            .running
            .iter()
            .find(|k| !self.running.contains(**k))
            .or_else(|| step.ran.iter().find(|k| !self.ran.contains(**k)))?;
        let why = self
            .start_errors
            .get(*missing)
            .map_or("it is not running".to_owned(), |e| {
                format!("the engine could not start it: {e}")
            });
        Some(format!(
            "needs container {PREFIX}{missing} to have run; {why}"
        ))
    }
}

/// `seconds.nanoseconds`, as the client sends times.
fn unix_nanos_text(t: SystemTime) -> String {
    let d = t.duration_since(UNIX_EPOCH).unwrap_or(Duration::ZERO);
    format!("{}.{:09}", d.as_secs(), d.subsec_nanos())
}

pub(crate) fn record(engine: EngineKind) -> Result<(), String> {
    let socket = engine_socket(engine)?;
    let direct = Client::builder()
        .endpoint(Endpoint::Unix(socket.clone()))
        .build()
        .map_err(|e| e.to_string())?;
    let version = direct
        .version()
        .map_err(|e| format!("no engine answers on {}: {e}", socket.display()))?;
    let found = match version.components.iter().any(|c| c.name.contains("Podman")) {
        true => EngineKind::Podman,
        false => EngineKind::Docker,
    };
    if found != engine {
        return Err(format!(
            "{} is a {} engine, but --engine {} was asked for",
            socket.display(),
            found.name(),
            engine.name()
        ));
    }
    let api = direct.api_version().map_err(|e| e.to_string())?.to_string();
    let release = version.version.clone();
    let short: Vec<&str> = release.split(['.', '+', '-']).take(2).collect();
    let out_dir = fixtures_dir().join(format!("{}-{}", engine.name(), short.join(".")));
    eprintln!(
        "recording {} {release} (API {api}) on {} into {}",
        engine.name(),
        socket.display(),
        shown(&out_dir)
    );

    remove_ours(&direct)?;
    wait_quiet(&direct)?;
    if engine == EngineKind::Docker {
        // Podman answers this probe with its oldest event, the same every time.
        no_history(&direct)?;
    }
    let proxy = Recorder::start(&socket).map_err(|e| format!("cannot start the proxy: {e}"))?;
    let recording = Client::builder()
        .endpoint(Endpoint::Unix(proxy.socket().to_owned()))
        .api_version(&api)
        .build()
        .map_err(|e| e.to_string())?;
    let mut ctx = Ctx {
        engine,
        ids: BTreeMap::new(),
        running: BTreeSet::new(),
        ran: BTreeSet::new(),
        start_errors: BTreeMap::new(),
        since: SystemTime::now(),
    };
    std::thread::sleep(Duration::from_millis(50));

    let header = Header {
        engine,
        release: &release,
        api: &api,
    };
    let result = run_scenario(&direct, &recording, &proxy, &mut ctx, &header);
    drop(recording);
    drop(proxy);
    let cleanup = remove_ours(&direct);
    let transcripts = result?;
    cleanup?;

    std::fs::create_dir_all(&out_dir).map_err(|e| format!("{}: {e}", out_dir.display()))?;
    for old in super::sorted_entries(&out_dir)? {
        if old.extension().is_some_and(|e| e == "http") {
            std::fs::remove_file(&old).map_err(|e| format!("{}: {e}", old.display()))?;
        }
    }
    let mut skipped = 0;
    for (name, t) in &transcripts {
        skipped += usize::from(t.meta("skipped").is_some());
        let path = out_dir.join(format!("{name}.http"));
        std::fs::write(&path, t.normalised().to_bytes())
            .map_err(|e| format!("{}: {e}", path.display()))?;
    }
    eprintln!(
        "wrote {} transcripts ({skipped} skipped steps) to {}",
        transcripts.len(),
        shown(&out_dir)
    );
    Ok(())
}

struct Header<'a> {
    engine: EngineKind,
    release: &'a str,
    api: &'a str,
}

fn run_scenario(
    direct: &Client,
    recording: &Client,
    proxy: &Recorder,
    ctx: &mut Ctx,
    header: &Header<'_>,
) -> Result<Vec<(String, Transcript)>, String> {
    let mut out = Vec::new();
    let mut seen = BTreeSet::new();
    for item in scenario() {
        let step = match item {
            Item::Act(a) => {
                do_act(direct, ctx, &a)?;
                continue;
            }
            Item::Step(s) => s,
        };
        if !seen.insert(step.scenario) {
            return Err(format!("scenario name {} is used twice", step.scenario));
        }
        let mut t = Transcript::default();
        t.set_meta("engine", header.engine.name());
        t.set_meta("engine-version", header.release);
        t.set_meta("api-version", header.api);
        t.set_meta(
            "client-version",
            match (step.negotiating, step.pin) {
                (true, _) => "negotiate",
                (false, Some(pin)) => pin,
                (false, None) => header.api,
            },
        );
        t.set_meta("scenario", step.scenario);
        t.set_meta("call", step.call);
        t.set_meta("methods", methods_of(step.call, &[]).join(", "));
        let skip = ctx.skip_reason(&step);
        // A skipped step may name what was never made: its header keeps the `$key`.
        let mut args = match &skip {
            None => ctx.substitute(&step.args)?,
            Some(_) => ctx
                .substitute(&step.args)
                .unwrap_or_else(|_| step.args.clone()),
        };
        t.set_meta("args", args.to_string());
        t.set_meta("synthetic", "false");
        t.set_meta(
            "source",
            format!(
                "recorded by `cargo xtask fixtures record --engine {}`",
                header.engine.name()
            ),
        );
        if let Some(reason) = skip {
            eprintln!("  {:<40} skipped: {reason}", step.scenario);
            t.set_meta("skipped", reason);
            out.push((step.scenario.to_owned(), t));
            continue;
        }
        let own;
        let client = match (step.negotiating, step.pin) {
            (true, _) => {
                own = Client::unix(proxy.socket());
                &own
            }
            (false, Some(pin)) => {
                own = Client::builder()
                    .endpoint(Endpoint::Unix(proxy.socket().to_owned()))
                    .api_version(pin)
                    .build()
                    .map_err(|e| e.to_string())?;
                &own
            }
            (false, None) => recording,
        };
        let started = Instant::now();
        let during = || {
            if step.churn {
                churn(direct);
            }
        };
        let mut attempt = 1;
        let (result, exchanges) = loop {
            proxy.clear_lines();
            let result = perform(client, step.call, &args, proxy, &during);
            let exchanges: Vec<Exchange> = proxy
                .take(Duration::from_secs(60))
                .map_err(|e| e.to_string())?;
            if header.engine != EngineKind::Podman || probes_answered(&exchanges) || attempt == 20 {
                break (result, exchanges);
            }
            // Podman answers `since=0` with its oldest event or, now and then, with
            // nothing; the watcher then behaves differently. Its usual answer, complete
            // before the watcher stops reading, is recorded.
            eprintln!("  {:<40} unusual answer to the probe; again", step.scenario);
            attempt += 1;
            args = ctx.substitute(&step.args)?;
            t.set_meta("args", args.to_string());
        };
        if exchanges.is_empty() {
            return Err(format!(
                "step {} sent nothing through the proxy",
                step.scenario
            ));
        }
        let outcome = outcome(&result.as_ref().map(drop));
        eprintln!(
            "  {:<40} {outcome} ({} exchanges, {:.1}s)",
            step.scenario,
            exchanges.len(),
            started.elapsed().as_secs_f64()
        );
        t.set_meta("outcome", outcome);
        match (&result, step.capture, step.starts) {
            (Ok(Some(id)), Some(key), _) => {
                ctx.ids.insert(key.to_owned(), id.clone());
            }
            (Ok(_), _, Some(key)) => {
                ctx.running.insert(key.to_owned());
                ctx.ran.insert(key.to_owned());
            }
            (Err(e), _, Some(key)) => {
                ctx.start_errors.insert(key.to_owned(), e.to_string());
            }
            _ => (),
        }
        if step.call == "stop_container" || step.call == "kill_container" {
            if let Some(key) = ctx.key_of(&args[0]) {
                if result.is_ok() {
                    ctx.running.remove(&key);
                }
            }
        }
        t.set_meta("methods", methods_of(step.call, &exchanges).join(", "));
        for ex in exchanges {
            t.push(ex);
        }
        out.push((step.scenario.to_owned(), t));
    }
    Ok(out)
}

impl Ctx {
    fn key_of(&self, id: &Value) -> Option<String> {
        let id = id.as_str()?;
        self.ids
            .iter()
            .find(|(_, v)| v.as_str() == id)
            .map(|(k, _)| k.clone())
    }
}

fn do_act(direct: &Client, ctx: &mut Ctx, act: &Act) -> Result<(), String> {
    match act {
        Act::Create(key, extra) => {
            let mut config = json!({"Image": "bb:latest", "Labels": {"dkr-fixture": "1"}});
            if let (Some(base), Some(extra)) = (config.as_object_mut(), extra.as_object()) {
                for (k, v) in extra {
                    base.insert(k.clone(), v.clone());
                }
            }
            let config: ContainerCreateConfig =
                serde_json::from_value(config).map_err(|e| e.to_string())?;
            let name = format!("{PREFIX}{key}");
            let created = direct
                .create_container(Some(&name), &config)
                .map_err(|e| format!("cannot create {name}: {e}"))?;
            ctx.ids.insert((*key).to_owned(), created.id);
        }
        Act::Start(key) => {
            let id = &ctx.ids[*key];
            match direct.start_container(id) {
                Ok(()) => {
                    ctx.running.insert((*key).to_owned());
                    ctx.ran.insert((*key).to_owned());
                }
                Err(e) => {
                    eprintln!("  note: cannot start {PREFIX}{key}: {e}");
                    ctx.start_errors.insert((*key).to_owned(), e.to_string());
                }
            }
        }
        Act::WaitExit(key) => {
            let id = ctx.ids[*key].clone();
            wait_for(&format!("{PREFIX}{key} to exit"), || {
                Ok(!direct
                    .inspect_container(&id)
                    .map_err(|e| e.to_string())?
                    .state
                    .running)
            })?;
            ctx.running.remove(*key);
        }
        Act::WaitFile(key, path) => {
            if !ctx.running.contains(*key) {
                return Ok(());
            }
            let id = ctx.ids[*key].clone();
            wait_for(&format!("{path} in {PREFIX}{key}"), || {
                Ok(direct.stat_path(&id, path).is_ok())
            })?;
        }
        Act::CreateExec(key, container, config) => {
            if !ctx.running.contains(*container) {
                return Ok(());
            }
            let config: ExecCreateConfig =
                serde_json::from_value(config.clone()).map_err(|e| e.to_string())?;
            let exec = direct
                .create_exec(&ctx.ids[*container], &config)
                .map_err(|e| format!("cannot create exec {key}: {e}"))?;
            ctx.ids.insert((*key).to_owned(), exec.id);
        }
        Act::Settle => std::thread::sleep(Duration::from_secs(1)),
        Act::Tag(name, target) => {
            // Podman 4.3 imports without the name asked for: the push step then records
            // what pushing a missing name gives.
            if let Err(e) = direct.tag_image(name, target) {
                eprintln!("  note: cannot tag {name} as {target}: {e}");
            }
        }
    }
    Ok(())
}

/// True unless an events request from the Unix epoch (the watcher's probe for past
/// events) was answered with no event, or ended only after the client had left.
fn probes_answered(exchanges: &[Exchange]) -> bool {
    exchanges
        .iter()
        .filter(|e| e.request_line().contains("since=0.000000000"))
        .all(|e| {
            e.ending != Ending::ClientClosed && e.response.windows(7).any(|w| w == b"\"Type\":")
        })
}

/// Creates and removes a container for the watchers to see, labelled for them only, so
/// that the other event steps do not see how often this ran.
fn churn(direct: &Client) {
    let config = ContainerCreateConfig {
        image: "bb:latest".into(),
        cmd: vec!["true".into()],
        labels: [("dkr-fixture-churn".to_owned(), "1".to_owned())].into(),
        ..Default::default()
    };
    let name = format!("{PREFIX}watched");
    if let Ok(c) = direct.create_container(Some(&name), &config) {
        let _ = direct.remove_container(&c.id, RemoveContainerOptions::default().force(true));
    }
}

fn wait_for(what: &str, mut done: impl FnMut() -> Result<bool, String>) -> Result<(), String> {
    let deadline = Instant::now() + Duration::from_secs(30);
    while !done()? {
        if Instant::now() > deadline {
            return Err(format!("timed out waiting for {what}"));
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    Ok(())
}

/// `ok`, or `error <variant> [<status>]`: what the client returned.
pub(crate) fn outcome(result: &Result<(), &Error>) -> String {
    match result {
        Ok(()) => "ok".to_owned(),
        Err(e) => {
            let debug = format!("{e:?}");
            let variant: String = debug
                .chars()
                .take_while(char::is_ascii_alphanumeric)
                .collect();
            match e.status_code() {
                Some(status) => format!("error {variant} {status}"),
                None => format!("error {variant}"),
            }
        }
    }
}

/// Makes one recorded call. Returns the ID of what it created, if anything.
///
/// Every endpoint method goes through `docker_client::dispatch`, the replay suite's way
/// too; only the watchers, which follow until told to stop, are driven here.
fn perform(
    client: &Client,
    call: &str,
    args: &Value,
    proxy: &Recorder,
    during: &dyn Fn(),
) -> Result<Option<String>, Error> {
    match call {
        "watch_events" | "watch_events_with" => {
            let opts = events_options(&args[0]);
            let watcher = match call {
                "watch_events" => client.watch_events(&opts),
                _ => client.watch_events_with(&opts, watch_config(&args[1])),
            };
            proxy.wait_for_request("/events", Duration::from_secs(10));
            std::thread::sleep(Duration::from_millis(300));
            during();
            let deadline = Instant::now() + WATCH_WINDOW + Duration::from_secs(20);
            while !watcher.is_finished() && Instant::now() < deadline {
                let _ = watcher.next_timeout(Duration::from_millis(100));
            }
            watcher.stop();
            Ok(None)
        }
        "watch_containers" => {
            let mut opts = InventoryOptions::default();
            for label in args[0]["labels"].as_array().into_iter().flatten() {
                opts = opts.label(label.as_str().unwrap_or_default());
            }
            let inventory = client.watch_containers(&opts)?;
            // Stop once the live event stream is open, so that every run records the same.
            proxy.wait_for_request("GET /v", Duration::from_secs(10));
            proxy.wait_for_request("/events", Duration::from_secs(10));
            std::thread::sleep(Duration::from_millis(300));
            inventory.stop();
            Ok(None)
        }
        _ => Ok(dispatch::perform(client, call, args)?.created),
    }
}

fn events_options(v: &Value) -> EventsOptions {
    let mut o = EventsOptions::default();
    if let Some(t) = v["since"].as_str().and_then(parse_time) {
        o = o.since(t);
    }
    if let Some(t) = v["until"].as_str().and_then(parse_time) {
        o = o.until(t);
    }
    for (key, value) in filters(&v["filters"]) {
        o = o.filter(key, value);
    }
    o
}

fn watch_config(v: &Value) -> WatchConfig {
    let mut c = WatchConfig::default();
    if let Some(n) = v["capacity"].as_u64() {
        c.capacity = n as usize;
    }
    if let Some(n) = v["max_attempts"].as_u64() {
        c.max_attempts = Some(n as u32);
    }
    c
}

/// `{"key": ["v1", "v2"]}` as pairs, in order.
fn filters(v: &Value) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for (key, values) in v.as_object().into_iter().flatten() {
        for value in values.as_array().into_iter().flatten() {
            out.push((key.clone(), value.as_str().unwrap_or_default().to_owned()));
        }
    }
    out
}

/// `seconds.nanoseconds` back into a time.
fn parse_time(text: &str) -> Option<SystemTime> {
    let (secs, nanos) = text.split_once('.').unwrap_or((text, "0"));
    let nanos = format!("{nanos:0<9}");
    Some(UNIX_EPOCH + Duration::new(secs.parse().ok()?, nanos[..9].parse().ok()?))
}

fn engine_socket(engine: EngineKind) -> Result<PathBuf, String> {
    match std::env::var("DOCKER_HOST") {
        Ok(host) if !host.is_empty() => match Endpoint::parse(&host) {
            Ok(Endpoint::Unix(path)) => Ok(path),
            Ok(other) => Err(format!(
                "DOCKER_HOST={other}: recording needs a Unix socket"
            )),
            Err(e) => Err(e.to_string()),
        },
        _ => Ok(PathBuf::from(engine.default_socket())),
    }
}

/// Removes every container, image tag, network and volume of an earlier run (by name),
/// directly.
fn remove_ours(direct: &Client) -> Result<(), String> {
    let all = direct
        .list_containers(&ListContainersOptions::default().all(true))
        .map_err(|e| e.to_string())?;
    for c in all {
        if c.names
            .iter()
            .any(|n| n.trim_start_matches('/').starts_with(PREFIX))
        {
            direct
                .remove_container(&c.id, RemoveContainerOptions::default().force(true))
                .map_err(|e| format!("cannot remove {:?}: {e}", c.names))?;
        }
    }
    let images = direct
        .list_images(&docker_client::ListImagesOptions::default())
        .map_err(|e| e.to_string())?;
    for tag in images.iter().flat_map(|i| i.repo_tags.iter()) {
        if tag.contains("dkr-fx") {
            let force = docker_client::RemoveImageOptions::default().force(true);
            direct
                .remove_image(tag, force)
                .map_err(|e| format!("cannot remove image {tag}: {e}"))?;
        }
    }
    let networks = direct
        .list_networks(&docker_client::ListNetworksOptions::default())
        .map_err(|e| e.to_string())?;
    for n in networks.iter().filter(|n| n.name.starts_with(PREFIX)) {
        direct
            .remove_network(&n.name)
            .map_err(|e| format!("cannot remove network {}: {e}", n.name))?;
    }
    // Podman has no plugins: its 404 leaves nothing to remove.
    let plugins = direct.list_plugins(&Default::default()).unwrap_or_default();
    for p in plugins.iter().filter(|p| p.name.contains("dkr-fx")) {
        let force = docker_client::RemovePluginOptions::default().force(true);
        direct
            .remove_plugin(&p.name, force)
            .map_err(|e| format!("cannot remove plugin {}: {e}", p.name))?;
    }
    let volumes = direct
        .list_volumes(&docker_client::ListVolumesOptions::default())
        .map_err(|e| e.to_string())?;
    for v in volumes
        .volumes
        .iter()
        .filter(|v| v.name.starts_with(PREFIX))
    {
        direct
            .remove_volume(&v.name, RemoveVolumeOptions::default().force(true))
            .map_err(|e| format!("cannot remove volume {}: {e}", v.name))?;
    }
    Ok(())
}

/// Waits (up to two minutes) for an engine with no containers but the scenario's: lists,
/// events and counts must not depend on whatever else runs there.
fn wait_quiet(direct: &Client) -> Result<(), String> {
    let deadline = Instant::now() + Duration::from_secs(120);
    let mut said = false;
    loop {
        let all = direct
            .list_containers(&ListContainersOptions::default().all(true))
            .map_err(|e| e.to_string())?;
        let foreign: Vec<String> = all
            .iter()
            .flat_map(|c| c.names.first().cloned())
            .filter(|n| !n.trim_start_matches('/').starts_with(PREFIX))
            .collect();
        if foreign.is_empty() {
            return Ok(());
        }
        if Instant::now() > deadline {
            return Err(format!(
                "the engine is not quiet: it holds containers the scenario did not make: \
                 {foreign:?}. Record against an engine of its own, for example \
                 `DKR_ENGINE_DIR=/tmp/dkrf cargo xtask engine up`"
            ));
        }
        if !said {
            eprintln!("waiting for other containers to go: {foreign:?}");
            said = true;
        }
        std::thread::sleep(Duration::from_secs(1));
    }
}

/// The engine must hold no past events: the watchers' probe for the events before their
/// start would record them, and they differ from run to run.
fn no_history(direct: &Client) -> Result<(), String> {
    let opts = EventsOptions::default()
        .since(UNIX_EPOCH)
        .until(SystemTime::now());
    // Podman ends this stream without its last chunk; only the events count.
    let n = direct
        .events(&opts)
        .map_err(|e| e.to_string())?
        .filter(Result::is_ok)
        .count();
    match n {
        0 => Ok(()),
        _ => Err(format!(
            "the engine remembers {n} past event(s), which the event watcher's probe would \
             record; restart it first (`cargo xtask engine down && cargo xtask engine up`, with \
             the same DKR_ENGINE_DIR)"
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_round_trip_through_text() {
        let t = UNIX_EPOCH + Duration::new(1_795_864_739, 5);
        assert_eq!(parse_time(&unix_nanos_text(t)), Some(t));
    }

    #[test]
    fn scenario_names_are_unique_and_calls_known() {
        let mut names = BTreeSet::new();
        let calls = dispatch::calls();
        for item in scenario() {
            if let Item::Step(s) = item {
                assert!(names.insert(s.scenario), "{} twice", s.scenario);
                let known = calls.contains(&s.call)
                    || dispatch::WATCHERS.contains(&s.call)
                    || s.call == "exec";
                assert!(known, "{}: unknown call {}", s.scenario, s.call);
            }
        }
    }

    #[test]
    fn unknown_keys_are_refused() {
        let ctx = Ctx {
            engine: EngineKind::Docker,
            ids: BTreeMap::from([("main".to_owned(), "abc".to_owned())]),
            running: BTreeSet::new(),
            ran: BTreeSet::new(),
            start_errors: BTreeMap::new(),
            since: UNIX_EPOCH,
        };
        assert_eq!(
            ctx.substitute_text("/containers/$main/start").unwrap(),
            "/containers/abc/start"
        );
        assert!(ctx.substitute_text("$nope").is_err());
    }
}
