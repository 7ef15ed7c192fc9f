//! The built `dkr` binary against a real engine: every command, and its exit statuses.
//!
//! The engine is `DOCKER_HOST`, else the private engine of `cargo xtask engine up`
//! (`/tmp/dkr/docker.sock`) when that socket exists, else `/var/run/docker.sock`. When none
//! answers these tests skip and say so, except under CI (`CI=true`), where they fail.
//! Containers are made from `bb:latest`, labelled `dkr-cli-it`, and removed (forced) when
//! the test ends, failed or not.

use std::io::Read;
use std::process::{Command, Output, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use docker_client::blocking::Client;
use docker_client::Method;

const DKR: &str = env!("CARGO_BIN_EXE_dkr");

/// The engine's address in DOCKER_HOST form, or `None` (outside CI) when none answers.
fn engine() -> Option<String> {
    let host = match std::env::var("DOCKER_HOST") {
        Ok(h) if !h.is_empty() => h,
        _ if std::path::Path::new("/tmp/dkr/docker.sock").exists() => {
            "unix:///tmp/dkr/docker.sock".to_owned()
        }
        _ => "unix:///var/run/docker.sock".to_owned(),
    };
    let answer = Client::builder().host(&host).build().and_then(|c| c.ping());
    match answer {
        Ok(_) => Some(host),
        Err(e) if std::env::var("CI").is_ok_and(|v| v == "true") => {
            panic!("CI requires a live engine, and {host} does not answer: {e}")
        }
        Err(e) => {
            eprintln!("skipping live test: no engine at {host} ({e}); run `cargo xtask engine up`");
            None
        }
    }
}

/// Runs dkr against `host` and returns its output.
fn dkr(host: &str, args: &[&str]) -> Output {
    Command::new(DKR)
        .args(args)
        .env("DOCKER_HOST", host)
        .env_remove("DOCKER_API_VERSION")
        .stdin(Stdio::null())
        .output()
        .expect("dkr runs")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Asserts success and returns standard output.
#[track_caller]
fn ok(o: Output) -> String {
    assert!(
        o.status.success(),
        "dkr failed with {:?}\nstdout: {}\nstderr: {}",
        o.status,
        stdout(&o),
        stderr(&o)
    );
    stdout(&o)
}

/// Asserts the exit status and returns standard error.
#[track_caller]
fn fails(o: Output, code: i32) -> String {
    assert_eq!(
        o.status.code(),
        Some(code),
        "stdout: {}\nstderr: {}",
        stdout(&o),
        stderr(&o)
    );
    assert!(!stderr(&o).contains("panicked"), "{}", stderr(&o));
    stderr(&o)
}

/// A container made for one test, removed (forced) when dropped.
struct Scratch {
    host: String,
    id: String,
    name: String,
}

impl Scratch {
    /// Creates a `bb:latest` container running `script` under `sh -c` with
    /// `dkr request POST /containers/create`, and starts it.
    fn run(host: &str, script: &str) -> Scratch {
        Scratch::run_labelled(host, script, &[])
    }

    /// [`run`](Self::run) with more labels.
    fn run_labelled(host: &str, script: &str, labels: &[(&str, &str)]) -> Scratch {
        static N: AtomicUsize = AtomicUsize::new(0);
        let name = format!(
            "dkr-cli-it-{}-{}",
            std::process::id(),
            N.fetch_add(1, Ordering::Relaxed)
        );
        let mut all_labels = serde_json::Map::new();
        all_labels.insert("dkr-cli-it".into(), "1".into());
        for (k, v) in labels {
            all_labels.insert((*k).into(), (*v).into());
        }
        let body = serde_json::json!({
            "Image": "bb:latest",
            "Cmd": ["sh", "-c", script],
            "Labels": all_labels,
            "StopSignal": "SIGKILL",
        })
        .to_string();
        let created = ok(dkr(
            host,
            &[
                "request",
                "POST",
                "/containers/create",
                "--query",
                &format!("name={name}"),
                "--data",
                &body,
            ],
        ));
        let created: serde_json::Value = serde_json::from_str(&created).expect("create answer");
        let id = created["Id"].as_str().expect("an Id").to_owned();
        let scratch = Scratch {
            host: host.to_owned(),
            id,
            name,
        };
        ok(dkr(
            host,
            &[
                "request",
                "POST",
                &format!("/containers/{}/start", scratch.id),
            ],
        ));
        scratch
    }

    fn client(&self) -> Client {
        Client::builder().host(&self.host).build().expect("client")
    }

    /// Waits until `done` holds for the container's inspect answer (10 s at most).
    #[track_caller]
    fn wait_for(
        &self,
        what: &str,
        done: impl Fn(&docker_client::models::ContainerInspect) -> bool,
    ) {
        let client = self.client();
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            let c = client.inspect_container(&self.id).expect("inspect");
            if done(&c) {
                return;
            }
            assert!(
                Instant::now() < deadline,
                "timed out waiting for {what}: {:?}",
                c.state
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let path = format!("/containers/{}", self.id);
        let _ = self
            .client()
            .request(Method::Delete, &path, &[("force", "1")], None)
            .and_then(|r| r.bytes());
    }
}

#[test]
fn ps_lists_running_containers_with_docker_columns() {
    let Some(host) = engine() else { return };
    let c = Scratch::run(&host, "sleep 3600");
    let short = &c.id[..12];

    let out = ok(dkr(&host, &["ps"]));
    let header = out.lines().next().unwrap_or("");
    assert!(header.starts_with("CONTAINER ID   IMAGE"), "{out}");
    assert!(header.ends_with("NAMES"), "{out}");
    let line = out
        .lines()
        .find(|l| l.starts_with(short))
        .expect("our container");
    assert!(line.contains("bb:latest"), "{line}");
    assert!(line.contains("\"sh -c 'sleep 3600'\""), "{line}");
    assert!(line.ends_with(&c.name), "{line}");

    let filtered = ok(dkr(&host, &["ps", "--filter", &format!("name={}", c.name)]));
    assert_eq!(filtered.lines().count(), 2, "{filtered}");

    let json = ok(dkr(
        &host,
        &[
            "--format",
            "json",
            "ps",
            "--filter",
            &format!("id={}", c.id),
        ],
    ));
    let list: serde_json::Value = serde_json::from_str(&json).expect("JSON");
    assert_eq!(list[0]["Id"], c.id.as_str());
    assert_eq!(list[0]["Names"][0], format!("/{}", c.name));
}

#[test]
fn ps_all_quiet_prints_ids_including_stopped_ones() {
    let Some(host) = engine() else { return };
    let c = Scratch::run(&host, "exit 0");
    c.wait_for("the container to exit", |i| !i.state.running);

    let running = ok(dkr(&host, &["ps", "-q"]));
    assert!(!running.lines().any(|l| l == &c.id[..12]), "{running}");
    let all = ok(dkr(&host, &["ps", "-a", "-q"]));
    assert!(all.lines().any(|l| l == &c.id[..12]), "{all}");
    assert!(all.lines().all(|l| l.len() == 12), "{all}");
    let full = ok(dkr(&host, &["ps", "-a", "-q", "--no-trunc"]));
    assert!(full.lines().any(|l| l == c.id), "{full}");
}

#[test]
fn inspect_finds_a_container_an_image_and_a_network() {
    let Some(host) = engine() else { return };
    let c = Scratch::run(&host, "sleep 3600");
    let out = ok(dkr(&host, &["inspect", &c.name, "bb:latest", "host"]));
    let found: serde_json::Value = serde_json::from_str(&out).expect("JSON");
    let found = found.as_array().expect("an array");
    assert_eq!(found.len(), 3, "{out}");
    assert_eq!(found[0]["Id"], c.id.as_str());
    assert_eq!(found[0]["Name"], format!("/{}", c.name));
    assert!(found[1]["Id"].as_str().unwrap_or("").starts_with("sha256:"));
    assert_eq!(found[2]["Name"], "host");
}

#[test]
fn inspect_of_a_missing_name_prints_the_rest_and_exits_1() {
    let Some(host) = engine() else { return };
    let c = Scratch::run(&host, "sleep 3600");
    let missing = "dkr-cli-it-no-such-object";
    let o = dkr(&host, &["inspect", missing, &c.name]);
    let found: serde_json::Value = serde_json::from_str(&stdout(&o)).expect("JSON");
    assert_eq!(found.as_array().map(Vec::len), Some(1));
    let err = fails(o, 1);
    assert_eq!(err, format!("Error: No such object: {missing}\n"));
}

#[test]
fn top_lists_processes_and_adds_the_cgroup_column() {
    let Some(host) = engine() else { return };
    let c = Scratch::run(&host, "sleep 3600");
    let out = ok(dkr(&host, &["top", &c.name]));
    let header = out.lines().next().unwrap_or("");
    assert!(header.starts_with("UID "), "{out}");
    assert!(header.contains("PID") && header.ends_with("CMD"), "{out}");
    assert!(out.lines().any(|l| l.ends_with("sleep 3600")), "{out}");

    let out = ok(dkr(&host, &["top", "--cgroup", &c.name]));
    let header = out.lines().next().unwrap_or("");
    assert!(header.starts_with("PID "), "{out}");
    assert!(
        header.contains("CGROUP") && header.ends_with("COMMAND"),
        "{out}"
    );

    let out = ok(dkr(&host, &["top", "--cgroup", &c.name, "-o", "pid,args"]));
    let header = out.lines().next().unwrap_or("");
    assert!(
        header.starts_with("PID ") && header.contains("CGROUP"),
        "{out}"
    );
}

#[test]
fn diff_prints_added_files() {
    let Some(host) = engine() else { return };
    let c = Scratch::run(&host, "echo hi > /added-by-test; sleep 3600");
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let out = ok(dkr(&host, &["diff", &c.name]));
        if out.lines().any(|l| l == "A /added-by-test") {
            break;
        }
        assert!(Instant::now() < deadline, "no A /added-by-test in:\n{out}");
        std::thread::sleep(Duration::from_millis(100));
    }
}

#[test]
fn kill_with_sigterm_runs_the_containers_trap() {
    let Some(host) = engine() else { return };
    let c = Scratch::run(&host, "trap 'exit 3' TERM; sleep 3600 & wait");
    c.wait_for("the container to run", |i| i.state.running);
    // Give sh a moment to install its trap.
    std::thread::sleep(Duration::from_millis(300));
    let out = ok(dkr(&host, &["kill", "-s", "SIGTERM", &c.name]));
    assert_eq!(out, format!("{}\n", c.name));
    c.wait_for("exit status 3", |i| {
        !i.state.running && i.state.exit_code == 3
    });
}

#[test]
fn restart_with_a_timeout_starts_the_container_again() {
    let Some(host) = engine() else { return };
    let c = Scratch::run(&host, "sleep 3600");
    c.wait_for("the container to run", |i| i.state.running);
    let before = c
        .client()
        .inspect_container(&c.id)
        .expect("inspect")
        .state
        .started_at;
    let out = ok(dkr(&host, &["restart", "-t", "1", &c.name]));
    assert_eq!(out, format!("{}\n", c.name));
    c.wait_for("a new start", |i| {
        i.state.running && i.state.started_at != before
    });
}

#[test]
fn events_in_a_past_window_end_by_themselves() {
    let Some(host) = engine() else { return };
    let c = Scratch::run(&host, "sleep 3600");
    // `0s` is now in whole seconds, as with docker: let the creation fall before it.
    std::thread::sleep(Duration::from_millis(1100));
    let mut child = Command::new(DKR)
        .args(["events", "--since", "1m", "--until", "0s"])
        .args(["--filter", &format!("container={}", c.id)])
        .env("DOCKER_HOST", &host)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("dkr runs");
    let deadline = Instant::now() + Duration::from_secs(30);
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait") {
            break status;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("dkr events --until 0s did not end within 30 s");
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    let mut out = String::new();
    if let Some(mut s) = child.stdout.take() {
        s.read_to_string(&mut out).expect("read");
    }
    assert!(status.success(), "{status:?}: {out}");
    let create = out
        .lines()
        .find(|l| l.contains(" container create "))
        .unwrap_or_else(|| panic!("no create event in:\n{out}"));
    // 2026-11-28T11:04:53.397002825Z container create <id> (dkr-cli-it=1, image=bb:latest, name=...)
    assert_eq!(create.find('Z'), Some(29), "{create}");
    assert!(
        create.contains(&format!("container create {} (", c.id)),
        "{create}"
    );
    assert!(create.contains(&format!("name={})", c.name)), "{create}");
}

#[test]
fn info_and_version_describe_the_engine() {
    let Some(host) = engine() else { return };
    let info = ok(dkr(&host, &["info"]));
    assert!(info.contains("\nServer:\n Containers: "), "{info}");
    assert!(info.contains("\n Server Version: "), "{info}");
    let json = ok(dkr(&host, &["info", "--format", "json"]));
    let v: serde_json::Value = serde_json::from_str(&json).expect("JSON");
    assert!(v["ServerVersion"].is_string());

    let version = ok(dkr(&host, &["version"]));
    assert!(version.starts_with("Client: dkr\n Version:"), "{version}");
    assert!(version.contains("\nServer:"), "{version}");
    assert!(version.contains("  API version:"), "{version}");
    let json = ok(dkr(&host, &["version", "--format", "json"]));
    let v: serde_json::Value = serde_json::from_str(&json).expect("JSON");
    assert!(v["Client"]["ApiVersion"].is_string() && v["Server"]["Version"].is_string());
}

#[test]
fn request_prints_the_body_and_fails_on_error_statuses() {
    let Some(host) = engine() else { return };
    let c = Scratch::run(&host, "sleep 3600");
    let out = ok(dkr(
        &host,
        &["request", "GET", "/containers/json", "--query", "all=1"],
    ));
    let list: serde_json::Value = serde_json::from_str(&out).expect("JSON");
    assert!(list
        .as_array()
        .expect("an array")
        .iter()
        .any(|x| x["Id"] == c.id.as_str()));

    let o = dkr(
        &host,
        &["request", "get", "/containers/dkr-cli-it-no-such/json"],
    );
    assert!(stdout(&o).contains("No such container"), "{}", stdout(&o));
    let err = fails(o, 1);
    assert!(err.starts_with("Error: the engine answered 404"), "{err}");
}

#[test]
fn an_unreachable_engine_exits_125_naming_the_socket() {
    // No engine needed.
    let o = Command::new(DKR)
        .args(["-H", "unix:///nonexistent/docker.sock", "ps"])
        .output()
        .expect("dkr runs");
    let err = fails(o, 125);
    assert!(err.contains("/nonexistent/docker.sock"), "{err}");
    assert!(err.contains("DOCKER_HOST"), "{err}");
}

#[test]
fn a_bad_signal_exits_1_with_the_engine_message() {
    let Some(host) = engine() else { return };
    let c = Scratch::run(&host, "sleep 3600");
    let err = fails(dkr(&host, &["kill", "-s", "NOSUCHSIGNAL", &c.name]), 1);
    assert!(err.starts_with("Error response from daemon: "), "{err}");
    assert!(err.to_lowercase().contains("signal"), "{err}");
}

#[test]
fn a_missing_container_exits_1_with_the_engine_message() {
    let Some(host) = engine() else { return };
    for args in [
        &["top", "dkr-cli-it-no-such"][..],
        &["diff", "dkr-cli-it-no-such"],
        &["kill", "dkr-cli-it-no-such"],
        &["restart", "dkr-cli-it-no-such"],
    ] {
        let err = fails(dkr(&host, args), 1);
        assert!(
            err.starts_with("Error response from daemon: ") && err.contains("No such container"),
            "{args:?}: {err}"
        );
    }
}

#[test]
fn usage_errors_exit_2() {
    // No engine needed: nothing is sent.
    for args in [
        &["ps", "--filter"][..],
        &["ps", "--filter", "novalue"],
        &["nosuch-command"],
        &["kill"],
        &["--format", "yaml", "ps"],
        &["events", "--since", "yesterday"],
        &["request", "BREW", "/_ping"],
    ] {
        let o = Command::new(DKR)
            .args(args)
            .env("DOCKER_HOST", "unix:///nonexistent/docker.sock")
            .output()
            .expect("dkr runs");
        fails(o, 2);
    }
}

#[test]
fn a_closed_standard_output_ends_quietly() {
    let Some(host) = engine() else { return };
    let _c = Scratch::run(&host, "sleep 3600");
    // The reader goes away before dkr writes: like `dkr ps -a | head -0`.
    let mut child = Command::new(DKR)
        .args(["ps", "-a"])
        .env("DOCKER_HOST", &host)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("dkr runs");
    drop(child.stdout.take());
    let o = child.wait_with_output().expect("wait");
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(stderr(&o), "");
}

#[test]
fn watch_piped_prints_one_line_per_change() {
    let Some(host) = engine() else { return };
    let label = format!("dkr-cli-it-watch={}", std::process::id());
    let mut child = KillOnDrop(
        Command::new(DKR)
            .args(["watch", "--label", &label])
            .env("DOCKER_HOST", &host)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("dkr runs"),
    );
    // Lines arrive on a channel, so that waiting for one can time out.
    let (tx, rx) = std::sync::mpsc::channel::<String>();
    let stdout = child.0.stdout.take().expect("stdout");
    std::thread::spawn(move || {
        use std::io::BufRead;
        for line in std::io::BufReader::new(stdout).lines() {
            let Ok(line) = line else { break };
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    let mut seen = Vec::new();
    let mut wait_for = |what: &str| -> String {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match rx.recv_timeout(left) {
                Ok(line) if line.contains(what) => return line,
                Ok(line) => seen.push(line),
                Err(_) => panic!("no line with {what:?}; lines: {seen:#?}"),
            }
        }
    };
    // The inventory is ready once dkr has listed; a container started after that is an
    // `added` change (one started before would be `present`: either way it is reported).
    std::thread::sleep(Duration::from_millis(500));
    let (key, value) = label.split_once('=').expect("k=v");
    let c = Scratch::run_labelled(&host, "sleep 3600", &[(key, value)]);
    let short = c.id[..12].to_owned();
    let first = wait_for(&short);
    assert!(
        first.contains(&format!(" {short} {} (image=bb:latest, pid=", c.name)),
        "{first}"
    );
    assert_eq!(first.find('Z'), Some(29), "{first}");
    ok(dkr(&host, &["kill", &c.name]));
    wait_for(&format!("removed {short} {}", c.name));
}

/// A child process killed (and reaped) when dropped, even when the test fails.
struct KillOnDrop(std::process::Child);

impl Drop for KillOnDrop {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}
