//! Every command's table and JSON output, rendered from recorded engine answers with a fixed
//! clock, compared with reviewed snapshots.

use dkr::cmd::inspect::Found;
use dkr::cmd::version::ClientVersion;
use dkr::cmd::{
    diff, events, images, info, inspect, kill, network, progress, ps, top, version, volume, View,
};
use dkr::error::Failure;
use docker_models::{
    ContainerInspect, ContainerSummary, ContainerTop, EventMessage, FileChange, ImageInspect,
    ImageSummary, NetworkInspect, ProgressMessage, SystemInfo, SystemVersion, VolumeListResponse,
};
use insta::assert_snapshot;

use crate::support::{data, model, recorded_at, render};

fn no_trunc() -> View {
    View {
        trunc: false,
        ..View::table()
    }
}

#[test]
fn ps_table_looks_like_docker_ps() {
    let list: Vec<ContainerSummary> = model("containers.json");
    let out = render(|o| ps::render(&list, &View::table(), recorded_at(), o));
    assert_snapshot!(out, @r#"
    CONTAINER ID   IMAGE       COMMAND                  CREATED          STATUS          PORTS     NAMES
    1cd78d71f60d   bb:latest   "sh -c 'echo hi > /f…"   56 seconds ago   Up 55 seconds             research-main
    "#);
}

#[test]
fn ps_table_shows_ports_aliases_digests_and_odd_commands() {
    let list: Vec<ContainerSummary> = model("containers_varied.json");
    let out = render(|o| ps::render(&list, &View::table(), recorded_at(), o));
    assert_snapshot!("ps_varied_table", out);
}

#[test]
fn ps_no_trunc_shows_whole_ids_commands_and_all_names() {
    let list: Vec<ContainerSummary> = model("containers_varied.json");
    let out = render(|o| ps::render(&list, &no_trunc(), recorded_at(), o));
    assert_snapshot!("ps_varied_no_trunc", out);
}

#[test]
fn ps_quiet_prints_short_or_full_ids() {
    let list: Vec<ContainerSummary> = model("containers_varied.json");
    let short = render(|o| ps::write_ids(&list, &View::table(), o));
    let full = render(|o| ps::write_ids(&list, &no_trunc(), o));
    assert_snapshot!(short, @r"
    9f2c3e1a7b6d
    4b1f0e2d3c4b
    0a1b2c3d4e5f
    ");
    assert_eq!(full.lines().next(), Some(list[0].id.as_str()));
}

#[test]
fn ps_with_no_containers_prints_the_header() {
    let out = render(|o| ps::render(&[], &View::table(), recorded_at(), o));
    assert_eq!(
        out,
        "CONTAINER ID   IMAGE     COMMAND   CREATED   STATUS    PORTS     NAMES\n"
    );
}

#[test]
fn ps_json_is_the_engine_list() {
    let list: Vec<ContainerSummary> = model("containers.json");
    let out = render(|o| ps::render(&list, &View::json(), recorded_at(), o));
    assert_snapshot!("ps_json", out);
    // The engine's key names, and the same data back.
    let back: Vec<ContainerSummary> = serde_json::from_str(&out).unwrap();
    assert_eq!(back, list);
    assert!(out.contains("\"ImageID\": \"sha256:74b4"));
}

#[test]
fn inspect_prints_containers_images_and_networks_as_one_json_array() {
    let found = vec![
        Found::Container(Box::new(model::<ContainerInspect>(
            "container_inspect.json",
        ))),
        Found::Image(Box::new(model::<ImageInspect>("image_inspect.json"))),
        Found::Network(Box::new(model::<NetworkInspect>("network_inspect.json"))),
    ];
    let out = render(|o| inspect::render(&found, o));
    assert_snapshot!("inspect_container_image_network", out);
    let value: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(value.as_array().map(Vec::len), Some(3));
    assert_eq!(value[0]["Name"], "/research-main");
    assert_eq!(value[2]["Driver"], "bridge");
}

#[test]
fn inspect_with_nothing_found_prints_an_empty_array() {
    assert_eq!(render(|o| inspect::render(&[], o)), "[]\n");
    assert_eq!(
        inspect::not_found_message("nosuch"),
        "Error: No such object: nosuch"
    );
}

#[test]
fn top_default_table_looks_like_docker_top() {
    let t: ContainerTop = model("top_default.json");
    let out = render(|o| top::render(&t, &View::table(), o));
    assert_snapshot!(out, @r"
    UID                 PID                 PPID                C                   STIME               TTY                 TIME                CMD
    root                10104               10082               0                   11:03               ?                   00:00:00            sleep 3600
    ");
}

#[test]
fn top_aux_table_keeps_the_engine_titles() {
    let t: ContainerTop = model("top_aux.json");
    let out = render(|o| top::render(&t, &View::table(), o));
    assert_snapshot!(out, @r"
    USER                PID                 %CPU                %MEM                VSZ                 RSS                 TTY                 STAT                START               TIME                COMMAND
    root                10104               0.0                 0.0                 2268                1380                ?                   Ss                  11:03               0:00                sleep 3600
    ");
}

#[test]
fn top_cgroup_table_has_the_cgroup_column() {
    let t: ContainerTop = model("top_cgroup.json");
    let out = render(|o| top::render(&t, &View::table(), o));
    assert_snapshot!("top_cgroup_table", out);
    assert!(out.starts_with("PID                 PPID                USER                CGROUP"));
}

#[test]
fn top_json_is_the_engine_model() {
    let t: ContainerTop = model("top_default.json");
    let out = render(|o| top::render(&t, &View::json(), o));
    assert_snapshot!("top_json", out);
}

#[test]
fn diff_prints_kind_and_path() {
    let changes: Vec<FileChange> = model("changes.json");
    let out = render(|o| diff::render(&changes, &View::table(), o));
    assert_snapshot!(out, @r"
    C /bin
    D /bin/touch
    A /foo
    A /root
    A /root/.ash_history
    ");
    let json = render(|o| diff::render(&changes, &View::json(), o));
    assert_snapshot!("diff_json", json);
}

fn recorded_events() -> Vec<EventMessage> {
    data("events.jsonl")
        .lines()
        .map(|l| serde_json::from_str(l).expect("an event"))
        .collect()
}

#[test]
fn events_print_like_docker_events() {
    let out = render(|o| {
        for e in recorded_events() {
            events::render_event(&e, &View::table(), o)?;
        }
        Ok(())
    });
    assert_snapshot!(out, @r"
    2026-11-28T11:04:53.397002825Z container kill 1cd78d71f60d7e47f51b93ff3e12e3ea6d891a7442744a92ba7bed8e32377672 (image=bb:latest, name=research-main, signal=15)
    2026-11-28T11:05:03.419100863Z container kill 1cd78d71f60d7e47f51b93ff3e12e3ea6d891a7442744a92ba7bed8e32377672 (image=bb:latest, name=research-main, signal=9)
    2026-11-28T11:05:03.449878308Z container die 1cd78d71f60d7e47f51b93ff3e12e3ea6d891a7442744a92ba7bed8e32377672 (exitCode=137, image=bb:latest, name=research-main)
    2026-11-28T11:05:03.454972060Z container stop 1cd78d71f60d7e47f51b93ff3e12e3ea6d891a7442744a92ba7bed8e32377672 (image=bb:latest, name=research-main)
    2026-11-28T11:05:03.538592321Z container start 1cd78d71f60d7e47f51b93ff3e12e3ea6d891a7442744a92ba7bed8e32377672 (image=bb:latest, name=research-main)
    2026-11-28T11:05:03.538653512Z container restart 1cd78d71f60d7e47f51b93ff3e12e3ea6d891a7442744a92ba7bed8e32377672 (image=bb:latest, name=research-main)
    ");
}

#[test]
fn events_of_the_newest_api_shape_and_without_time_still_print() {
    // API 1.52+: no legacy status/id/from; and an event with no time at all.
    let new: EventMessage = serde_json::from_str(
        r#"{"Type":"network","Action":"connect","Actor":{"ID":"e995fc56e8ed","Attributes":{"container":"1cd7","name":"host","type":"host"}},"scope":"local","time":1795863893,"timeNano":0}"#,
    )
    .unwrap();
    let timeless: EventMessage =
        serde_json::from_str(r#"{"status":"pull","id":"bb:latest","Type":"image"}"#).unwrap();
    let out = render(|o| {
        events::render_event(&new, &View::table(), o)?;
        events::render_event(&timeless, &View::table(), o)
    });
    assert_snapshot!(out, @r"
    2026-11-28T11:04:53.000000000Z network connect e995fc56e8ed (container=1cd7, name=host, type=host)
    image pull bb:latest
    ");
}

#[test]
fn events_json_is_one_engine_event_per_line() {
    let out = render(|o| {
        for e in recorded_events() {
            events::render_event(&e, &View::json(), o)?;
        }
        Ok(())
    });
    assert_snapshot!("events_json", out);
    assert_eq!(out.lines().count(), 6);
}

#[test]
fn info_looks_like_docker_info() {
    let i: SystemInfo = model("info.json");
    let mut warnings = Vec::new();
    let out = render(|o| info::render(&i, &View::table(), o, &mut warnings));
    assert_snapshot!("info_table", out);
    assert!(warnings.is_empty());
}

#[test]
fn info_warnings_go_to_the_error_stream() {
    let mut i: SystemInfo = model("info.json");
    i.warnings = vec!["WARNING: No swap limit support".into()];
    let mut warnings = Vec::new();
    let out = render(|o| info::render(&i, &View::table(), o, &mut warnings));
    assert!(!out.contains("WARNING"));
    assert_eq!(
        String::from_utf8(warnings).unwrap(),
        "WARNING: No swap limit support\n"
    );
}

#[test]
fn info_json_is_the_engine_model() {
    let i: SystemInfo = model("info.json");
    let out = render(|o| info::render(&i, &View::json(), o, &mut Vec::new()));
    assert_snapshot!("info_json", out);
}

fn client_version() -> ClientVersion {
    ClientVersion {
        version: "0.1.0".into(),
        api_version: "1.41".into(),
        default_api_version: "1.51".into(),
        os: "linux".into(),
        arch: "amd64".into(),
    }
}

#[test]
fn version_looks_like_docker_version() {
    let v: SystemVersion = model("version.json");
    let out = render(|o| version::render(&client_version(), &v, &View::table(), o));
    assert_snapshot!(out, @r"
    Client: dkr
     Version:           0.1.0
     API version:       1.41 (downgraded from 1.51)
     OS/Arch:           linux/amd64

    Server:
     Engine:
      Version:          20.10.24+dfsg1
      API version:      1.41 (minimum version 1.12)
      Go version:       go1.19.8
      Git commit:       5d6db84
      Built:            Thu May  7 21:09:36 2026
      OS/Arch:          linux/amd64
      Experimental:     false
     containerd:
      Version:          1.6.20~ds1
      GitCommit:        1.6.20~ds1-1+deb12u3
     runc:
      Version:          1.1.5+ds1
      GitCommit:        1.1.5+ds1-1+deb12u1
     docker-init:
      Version:          0.19.0
      GitCommit:        
    ");
}

#[test]
fn version_of_an_engine_without_components_uses_the_top_level_fields() {
    let mut v: SystemVersion = model("version.json");
    v.components.clear();
    let out = render(|o| version::render(&client_version(), &v, &View::table(), o));
    assert!(out.contains(" Engine:\n  Version:          20.10.24+dfsg1\n"));
    assert!(out.contains("  Built:            Thu May  7 21:09:36 2026\n"));
}

#[test]
fn version_json_has_client_and_server() {
    let v: SystemVersion = model("version.json");
    let out = render(|o| version::render(&client_version(), &v, &View::json(), o));
    assert_snapshot!("version_json", out);
}

#[test]
fn kill_and_restart_print_each_name_then_every_failure() {
    let names: Vec<String> = ["a", "gone", "b", "stopped"].map(String::from).into();
    let mut out = Vec::new();
    let result = kill::each(&names, &mut out, |name| match name {
        "gone" => Err(docker_client::Error::NotFound {
            message: "No such container: gone".into(),
        }),
        "stopped" => Err(docker_client::Error::Conflict {
            message: "Container stopped is not running".into(),
        }),
        _ => Ok(()),
    });
    assert_eq!(String::from_utf8(out).unwrap(), "a\nb\n");
    let failure = result.unwrap_err();
    assert_eq!(failure.exit_code(), 1);
    assert_snapshot!(failure.message().unwrap(), @r"
    Error response from daemon: No such container: gone
    Error response from daemon: Container stopped is not running
    ");
}

#[test]
fn request_data_must_be_json_and_can_come_from_a_file_or_stdin() {
    use dkr::cmd::request::body;
    let mut empty = std::io::empty();
    assert_eq!(
        body(r#"{"Image":"bb"}"#, &mut empty).unwrap(),
        br#"{"Image":"bb"}"#
    );
    assert!(matches!(body("{nope", &mut empty), Err(Failure::Usage(_))));
    let mut stdin: &[u8] = b"[1, 2]";
    assert_eq!(body("-", &mut stdin).unwrap(), b"[1, 2]");
    let path = format!("{}/tests/it/data/changes.json", env!("CARGO_MANIFEST_DIR"));
    assert_eq!(
        body(&format!("@{path}"), &mut empty).unwrap(),
        data("changes.json").into_bytes()
    );
    assert!(matches!(
        body("@/nonexistent/file.json", &mut empty),
        Err(Failure::Other(_))
    ));
}

fn recorded_entry() -> docker_client::ContainerEntry {
    let inspect: ContainerInspect = model("container_inspect.json");
    docker_client::ContainerEntry::from_inspect(&inspect).expect("the recorded container runs")
}

#[test]
fn watch_table_shows_the_running_containers_like_ps() {
    use dkr::cmd::watch;
    let entry = recorded_entry();
    let map = std::collections::BTreeMap::from([(entry.id.clone(), entry)]);
    let out = render(|o| watch::render_table(&map, recorded_at(), &View::table(), o));
    assert_snapshot!(out, @r"
    CONTAINER ID   IMAGE       STATUS          PID       NAMES
    1cd78d71f60d   bb:latest   Up 55 seconds   10104     research-main
    ");
}

#[test]
fn watch_screen_redraws_in_place_with_ansi_codes() {
    use dkr::cmd::watch;
    let entry = recorded_entry();
    let map = std::collections::BTreeMap::from([(entry.id.clone(), entry)]);
    let out = render(|o| {
        watch::render_screen(
            &map,
            "unix:///var/run/docker.sock",
            Some("11:04:30 added 1cd78d71f60d research-main"),
            recorded_at(),
            &View::table(),
            o,
        )
    });
    let shown = out.replace('\x1b', "ESC");
    assert_snapshot!(shown, @r"
    ESC[H1 running on unix:///var/run/docker.sock at 2026-11-28T11:04:31Z (Ctrl-C to stop)ESC[K
    ESC[K
    CONTAINER ID   IMAGE       STATUS          PID       NAMESESC[K
    1cd78d71f60d   bb:latest   Up 55 seconds   10104     research-mainESC[K
    ESC[K
    last change: 11:04:30 added 1cd78d71f60d research-mainESC[K
    ESC[J
    ");
}

#[test]
fn watch_lines_say_each_change_like_events() {
    use dkr::cmd::watch::{self, Line};
    use docker_client::{InventoryChange, ResyncReason, RunState};
    let entry = recorded_entry();
    let id = entry.id.clone();
    let changes = [
        InventoryChange::Added(entry.clone()),
        InventoryChange::StateChanged {
            id: id.clone(),
            from: RunState::Running,
            to: RunState::Paused,
        },
        InventoryChange::Renamed {
            id: id.clone(),
            from: "research-main".into(),
            to: "renamed".into(),
        },
        InventoryChange::Removed(id.clone(), Some(entry.clone())),
        InventoryChange::Removed(id, None),
        InventoryChange::Resynced(ResyncReason::ReplayIncomplete),
    ];
    let out = render(|o| {
        watch::render_line(&Line::Present(&entry), recorded_at(), &View::table(), o)?;
        for c in &changes {
            watch::render_line(&Line::Change(c), recorded_at(), &View::table(), o)?;
        }
        Ok(())
    });
    assert_snapshot!("watch_lines", out);
    let json = render(|o| {
        for c in &changes {
            watch::render_line(&Line::Change(c), recorded_at(), &View::json(), o)?;
        }
        Ok(())
    });
    assert_snapshot!("watch_lines_json", json);
}

/// When `images.json`, `networks.json`, `volumes.json` and the progress streams were
/// recorded: Sat, 28 Nov 2026 14:05:48 GMT.
fn objects_recorded_at() -> std::time::SystemTime {
    std::time::UNIX_EPOCH + std::time::Duration::from_secs(1_795_874_748)
}

#[test]
fn images_table_looks_like_docker_images() {
    let list: Vec<ImageSummary> = model("images.json");
    let out = render(|o| images::render(&list, &View::table(), objects_recorded_at(), o));
    // docker images printed the same rows at that moment (its order within one image
    // varies from run to run; dkr sorts them).
    assert_snapshot!(out, @r"
    REPOSITORY                TAG       IMAGE ID       CREATED             SIZE
    <none>                    <none>    05e0ce5ce6b8   11 seconds ago      6B
    127.0.0.1:5555/solo       <none>    4f45a2f69952   11 seconds ago      5B
    127.0.0.1:5555/team/app   1.0       cd193a8c6e8b   About an hour ago   1.98MB
    app                       v2        cd193a8c6e8b   About an hour ago   1.98MB
    bb                        latest    cd193a8c6e8b   About an hour ago   1.98MB
    ");
}

#[test]
fn images_no_trunc_and_quiet() {
    let list: Vec<ImageSummary> = model("images.json");
    let out = render(|o| images::render(&list, &no_trunc(), objects_recorded_at(), o));
    assert_snapshot!("images_no_trunc", out);
    let ids = render(|o| images::write_ids(&list, &View::table(), o));
    assert_snapshot!(ids, @r"
    05e0ce5ce6b8
    4f45a2f69952
    cd193a8c6e8b
    cd193a8c6e8b
    cd193a8c6e8b
    ");
}

#[test]
fn images_json_is_the_engine_list() {
    let list: Vec<ImageSummary> = model("images.json");
    let out = render(|o| images::render(&list, &View::json(), objects_recorded_at(), o));
    assert_snapshot!("images_json", out);
    let back: Vec<ImageSummary> = serde_json::from_str(&out).unwrap();
    assert_eq!(back, list);
}

#[test]
fn network_ls_looks_like_docker_network_ls() {
    let list: Vec<NetworkInspect> = model("networks.json");
    let out = render(|o| network::render(&list, &View::table(), o));
    // By name, rec-net2 before rec-net10, as docker sorts them.
    assert_snapshot!(out, @r"
    NETWORK ID     NAME        DRIVER    SCOPE
    e995fc56e8ed   host        host      local
    8811097d00f5   none        null      local
    95337fa0e768   rec-net1    bridge    local
    f920cb251694   rec-net2    bridge    local
    6ff01cfb0947   rec-net10   bridge    local
    ");
    let ids = render(|o| network::write_ids(&list, &no_trunc(), o));
    assert_eq!(
        ids.lines().next(),
        Some("e995fc56e8edb00eff7b6f9a79d965d2d1ee5b95c82e3b7572642d29b085d507")
    );
    let json = render(|o| network::render(&list, &View::json(), o));
    assert_snapshot!("networks_json", json);
}

#[test]
fn volume_ls_looks_like_docker_volume_ls() {
    let answer: VolumeListResponse = model("volumes.json");
    let out = render(|o| volume::render(&answer, &View::table(), o));
    assert_snapshot!(out, @r"
    DRIVER    VOLUME NAME
    local     ebfe4d74242d45f0a11038f41a7eb044acdbb81fff3cbf31b232f2ea0992ce07
    local     rec-vol1
    local     rec-vol2
    local     rec-vol10
    ");
    let names = render(|o| volume::write_names(&answer.volumes, o));
    assert_eq!(names.lines().nth(3), Some("rec-vol10"));
    let json = render(|o| volume::render(&answer, &View::json(), o));
    assert_snapshot!("volumes_json", json);
}

fn progress_messages(name: &str) -> Vec<ProgressMessage> {
    data(name)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

fn show_progress(name: &str, terminal: bool, width: usize) -> String {
    let mut display = progress::Display::new(terminal, width);
    render(|o| {
        for m in progress_messages(name) {
            display.show(&m, o)?;
        }
        Ok(())
    })
}

#[test]
fn pull_progress_piped_is_one_line_per_step() {
    let out = show_progress("pull_progress.jsonl", false, 200);
    assert_snapshot!(out, @r"
    1: Pulling from big
    f7cc0522667c: Pulling fs layer
    f7cc0522667c: Verifying Checksum
    f7cc0522667c: Download complete
    f7cc0522667c: Pull complete
    Digest: sha256:013da809f5328dc9298666de1e204daeee7c82d9f2c326d23f5db1e5f553290c
    Status: Downloaded newer image for 127.0.0.1:5555/big:1
    ");
}

#[test]
fn pull_progress_in_a_terminal_redraws_each_layer_line() {
    // The escape sequences are docker's: compared with a `docker pull` in a terminal 80
    // columns wide (no bar below 111 columns).
    let out = show_progress("pull_progress.jsonl", true, 80);
    let shown = out.replace('\x1b', "ESC").replace('\r', "CR");
    assert_snapshot!("pull_progress_terminal", shown);
    assert!(out.contains(
        "\n\x1b[1A\x1b[2K\rf7cc0522667c: Pulling fs layer \r\x1b[1B\x1b[1A\x1b[2K\r\
         f7cc0522667c: Downloading  69.21kB/4.001MB\r\x1b[1B"
    ));
    let wide = show_progress("pull_progress.jsonl", true, 200);
    assert!(wide.contains(&format!(
        "Extracting [{}>]  4.001MB/4.001MB\r",
        "=".repeat(50)
    )));
}

#[test]
fn push_progress_piped_and_in_a_terminal() {
    let out = show_progress("push_progress.jsonl", false, 200);
    // The last message (the digest in `aux`) is not printed, as with docker.
    assert_snapshot!(out, @r"
    The push refers to repository [127.0.0.1:5555/big]
    51fec5712adf: Preparing
    51fec5712adf: Pushed
    1: digest: sha256:013da809f5328dc9298666de1e204daeee7c82d9f2c326d23f5db1e5f553290c size: 527
    ");
    let terminal = show_progress("push_progress.jsonl", true, 200);
    assert_snapshot!(
        "push_progress_terminal",
        terminal.replace('\x1b', "ESC").replace('\r', "CR")
    );
}

#[test]
fn context_names_sort_in_dockers_natural_order() {
    // The order `docker context ls -q` printed for these names.
    let want = ["Bb", "a9", "a09", "a009x", "a10", "de", "default"];
    let mut names = want.to_vec();
    names.reverse();
    names.sort_by(|a, b| dkr::cmd::context::natural_order(a, b));
    assert_eq!(names, want);
}

#[test]
fn context_docker_options_merge_csv_pairs_later_keys_winning() {
    use dkr::cmd::context::docker_options;
    let options = docker_options(&[
        "host=unix:///a,ca=/c.pem".to_owned(),
        "\"host=tcp://h:1,x=y\"".to_owned(),
    ])
    .unwrap();
    let pairs: Vec<_> = options.iter().map(|(k, v)| format!("{k}={v}")).collect();
    assert_eq!(pairs, ["ca=/c.pem", "host=tcp://h:1,x=y"]);
    let refused = docker_options(&["host".to_owned()]).unwrap_err();
    assert!(
        refused.contains("must be formatted as key=value"),
        "{refused}"
    );
}
