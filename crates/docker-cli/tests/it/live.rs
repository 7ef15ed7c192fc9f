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
pub(crate) fn engine() -> Option<String> {
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
pub(crate) fn dkr(host: &str, args: &[&str]) -> Output {
    Command::new(DKR)
        .args(args)
        .env("DOCKER_HOST", host)
        .env_remove("DOCKER_API_VERSION")
        .stdin(Stdio::null())
        .output()
        .expect("dkr runs")
}

pub(crate) fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

pub(crate) fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Asserts success and returns standard output.
#[track_caller]
pub(crate) fn ok(o: Output) -> String {
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
pub(crate) fn fails(o: Output, code: i32) -> String {
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
    // A newcomer learns how to get an engine.
    assert!(
        err.contains("https://docs.docker.com/engine/install/"),
        "{err}"
    );
    assert!(err.contains("export \"$(cargo xtask engine up)\""), "{err}");
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

/// Runs dkr with `input` on its standard input.
pub(crate) fn dkr_with_input(host: &str, args: &[&str], input: &[u8]) -> Output {
    use std::io::Write;
    let mut child = Command::new(DKR)
        .args(args)
        .env("DOCKER_HOST", host)
        .env_remove("DOCKER_API_VERSION")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("dkr runs");
    let mut stdin = child.stdin.take().expect("stdin");
    stdin.write_all(input).expect("write stdin");
    drop(stdin);
    child.wait_with_output().expect("wait")
}

/// A name for a container that `dkr run` makes, force-removed when dropped.
struct Named {
    host: String,
    name: String,
}

impl Named {
    fn new(host: &str) -> Named {
        static N: AtomicUsize = AtomicUsize::new(0);
        Named {
            host: host.to_owned(),
            name: format!(
                "dkr-cli-it-run-{}-{}",
                std::process::id(),
                N.fetch_add(1, Ordering::Relaxed)
            ),
        }
    }

    /// `dkr run` with this name and the test label, then `args`.
    fn run_args<'a>(&'a self, args: &[&'a str]) -> Vec<&'a str> {
        let mut all = vec!["run", "--name", &self.name, "-l", "dkr-cli-it=1"];
        all.extend_from_slice(args);
        all
    }

    fn exists(&self) -> bool {
        let client = Client::builder().host(&self.host).build().expect("client");
        match client.inspect_container(&self.name) {
            Ok(_) => true,
            Err(e) if e.is_not_found() => false,
            Err(e) => panic!("inspect: {e}"),
        }
    }
}

impl Drop for Named {
    fn drop(&mut self) {
        if let Ok(client) = Client::builder().host(&self.host).build() {
            let path = format!("/containers/{}", self.name);
            let _ = client
                .request(Method::Delete, &path, &[("force", "1")], None)
                .and_then(|r| r.bytes());
        }
    }
}

#[test]
fn run_prints_the_output_and_exits_with_the_container_status() {
    let Some(host) = engine() else { return };
    let c = Named::new(&host);
    let o = dkr(
        &host,
        &c.run_args(&[
            "--rm",
            "bb:latest",
            "sh",
            "-c",
            "echo hi; echo err >&2; exit 3",
        ]),
    );
    assert_eq!(stdout(&o), "hi\n");
    assert_eq!(stderr(&o), "err\n");
    assert_eq!(o.status.code(), Some(3));
    // --rm: the engine removed it; the wait was for that.
    assert!(!c.exists(), "--rm left the container");

    let c = Named::new(&host);
    let out = ok(dkr(&host, &c.run_args(&["bb:latest", "echo", "kept"])));
    assert_eq!(out, "kept\n");
    assert!(c.exists(), "without --rm the container stays");
}

#[test]
fn run_interactive_sends_standard_input() {
    let Some(host) = engine() else { return };
    let c = Named::new(&host);
    let o = dkr_with_input(
        &host,
        &c.run_args(&["-i", "--rm", "bb:latest", "cat"]),
        b"data\nmore data\n",
    );
    assert_eq!(ok(o), "data\nmore data\n");
    // And a larger input, in many reads, counted by the container.
    let c = Named::new(&host);
    let big = vec![b'x'; 3 * 1024 * 1024];
    let o = dkr_with_input(
        &host,
        &c.run_args(&["-i", "--rm", "bb:latest", "wc", "-c"]),
        &big,
    );
    assert_eq!(ok(o).trim(), big.len().to_string());
}

#[test]
fn run_with_options_sets_them_on_the_container() {
    let Some(host) = engine() else { return };
    let c = Named::new(&host);
    let script = "echo $A; pwd; id -u; cat /etc/hostname >/dev/null; echo done";
    let out = ok(dkr(
        &host,
        &c.run_args(&[
            "-e",
            "A=1 2",
            "-w",
            "/tmp",
            "-u",
            "1234",
            "-m",
            "64m",
            "--restart",
            "no",
            "-p",
            "127.0.0.1::80",
            "-l",
            "k=v",
            "bb:latest",
            "sh",
            "-c",
            script,
        ]),
    ));
    assert_eq!(out, "1 2\n/tmp\n1234\ndone\n");
    let client = Client::builder().host(&host).build().expect("client");
    let info = client.inspect_container(&c.name).expect("inspect");
    assert_eq!(info.host_config.memory, 64 << 20);
    assert_eq!(info.config.labels.get("k").map(String::as_str), Some("v"));
    assert!(info.host_config.port_bindings.contains_key("80/tcp"));

    // The entrypoint, and a TTY: one stream, CR LF line ends.
    let c = Named::new(&host);
    let out = ok(dkr(
        &host,
        &c.run_args(&["--rm", "-t", "--entrypoint", "echo", "bb:latest", "a", "b"]),
    ));
    assert_eq!(out, "a b\r\n");
}

#[test]
fn run_failures_take_dockers_statuses() {
    let Some(host) = engine() else { return };
    let c = Named::new(&host);
    let err = fails(
        dkr(&host, &c.run_args(&["--rm", "bb:latest", "nosuchcmd"])),
        127,
    );
    assert!(err.contains("executable file not found"), "{err}");
    assert!(!c.exists(), "a failed --rm run left its container");
    let c = Named::new(&host);
    let err = fails(dkr(&host, &c.run_args(&["--rm", "bb:latest", "/etc"])), 126);
    assert!(err.contains("permission denied"), "{err}");
    // A missing image is pulled, here from a registry that does not answer.
    let c = Named::new(&host);
    let missing = "127.0.0.1:1/dkr-cli-it-no-such-image";
    let err = fails(dkr(&host, &c.run_args(&[missing])), 125);
    assert!(
        err.starts_with(&format!("Unable to find image '{missing}' locally\n")),
        "{err}"
    );
    let last = err.lines().last().unwrap_or("");
    assert!(last.starts_with("Error response from daemon: "), "{err}");
    fails(dkr(&host, &["run", "-p", "nonsense", "bb:latest"]), 2);
    fails(
        dkr(&host, &["run", "--rm", "--restart", "always", "bb:latest"]),
        2,
    );
}

#[test]
fn run_detached_prints_the_id_and_logs_follow_until_the_exit() {
    let Some(host) = engine() else { return };
    let c = Named::new(&host);
    let script = "for i in 1 2 3; do echo out $i; echo err $i >&2; sleep 0.3; done";
    let id = ok(dkr(
        &host,
        &c.run_args(&["-d", "bb:latest", "sh", "-c", script]),
    ));
    assert_eq!(id.trim().len(), 64, "{id}");
    let started = Instant::now();
    let o = dkr(&host, &["logs", "-f", &c.name]);
    assert!(started.elapsed() < Duration::from_secs(20));
    assert_eq!(stderr(&o), "err 1\nerr 2\nerr 3\n");
    assert_eq!(ok(o), "out 1\nout 2\nout 3\n");

    // The last two lines of both streams: each on its own.
    let o = dkr(&host, &["logs", "--tail", "2", &c.name]);
    assert_eq!(stderr(&o), "err 3\n");
    assert_eq!(ok(o), "out 3\n");
    let stamped = ok(dkr(&host, &["logs", "-t", "-n", "all", &c.name]));
    let first = stamped.lines().next().unwrap_or("");
    assert!(first.ends_with("Z out 1"), "{stamped}");
    // RFC 3339 with nanoseconds (the engine drops trailing zeros).
    assert_eq!(first.find('T'), Some(10), "{first}");
    assert!(
        first.find('Z').is_some_and(|z| (20..=29).contains(&z)),
        "{first}"
    );
    assert_eq!(
        ok(dkr(&host, &["logs", "--until", "2000-01-01", &c.name])),
        ""
    );
    fails(dkr(&host, &["logs", "--since", "yesterday", &c.name]), 2);
    let err = fails(dkr(&host, &["logs", "dkr-cli-it-no-such"]), 1);
    assert!(err.contains("No such container"), "{err}");
}

#[test]
fn exec_exits_with_the_command_status() {
    let Some(host) = engine() else { return };
    let c = Scratch::run(&host, "sleep 3600");
    c.wait_for("the container to run", |i| i.state.running);
    let o = dkr(
        &host,
        &[
            "exec",
            &c.name,
            "sh",
            "-c",
            "echo out; echo err >&2; exit 7",
        ],
    );
    assert_eq!(
        (stdout(&o).as_str(), stderr(&o).as_str()),
        ("out\n", "err\n")
    );
    assert_eq!(o.status.code(), Some(7));
    let o = dkr_with_input(&host, &["exec", "-i", &c.name, "cat"], b"piped\n");
    assert_eq!(ok(o), "piped\n");
    let out = ok(dkr(
        &host,
        &[
            "exec",
            "-e",
            "A=b",
            "-u",
            "1234",
            "-w",
            "/tmp",
            &c.name,
            "sh",
            "-c",
            "echo $A; id -u; pwd",
        ],
    ));
    assert_eq!(out, "b\n1234\n/tmp\n");
    let o = dkr(&host, &["exec", &c.name, "nosuchcmd"]);
    assert!(
        stdout(&o).contains("executable file not found"),
        "{}",
        stdout(&o)
    );
    fails(o, 126);
    let err = fails(dkr(&host, &["exec", "dkr-cli-it-no-such", "true"]), 1);
    assert!(err.contains("No such container"), "{err}");
    fails(dkr(&host, &["exec", &c.name]), 2);
}

#[test]
fn stop_waits_the_given_seconds_then_kills() {
    let Some(host) = engine() else { return };
    let c = Named::new(&host);
    // sleep as PID 1 ignores SIGTERM: only the SIGKILL after -t ends it.
    ok(dkr(
        &host,
        &c.run_args(&["-d", "bb:latest", "sleep", "3600"]),
    ));
    let started = Instant::now();
    let out = ok(dkr(&host, &["stop", "-t", "1", &c.name]));
    let took = started.elapsed();
    assert_eq!(out, format!("{}\n", c.name));
    assert!(took >= Duration::from_millis(900), "{took:?}");
    assert!(took < Duration::from_secs(8), "{took:?}");
    let client = Client::builder().host(&host).build().expect("client");
    let state = client.inspect_container(&c.name).expect("inspect").state;
    assert!(!state.running && state.exit_code == 137, "{state:?}");
    // Stopping it again is not an error; a missing one is, after the others.
    let o = dkr(&host, &["stop", &c.name, "dkr-cli-it-no-such"]);
    assert_eq!(stdout(&o), format!("{}\n", c.name));
    let err = fails(o, 1);
    assert!(
        err.contains("No such container: dkr-cli-it-no-such"),
        "{err}"
    );
}

#[test]
fn rm_refuses_a_running_container_unless_forced() {
    let Some(host) = engine() else { return };
    let c = Named::new(&host);
    ok(dkr(
        &host,
        &c.run_args(&["-d", "bb:latest", "sleep", "3600"]),
    ));
    let err = fails(dkr(&host, &["rm", &c.name]), 1);
    assert!(err.starts_with("Error response from daemon: "), "{err}");
    assert!(c.exists());
    let out = ok(dkr(&host, &["rm", "-f", "-v", &c.name]));
    assert_eq!(out, format!("{}\n", c.name));
    assert!(!c.exists());
    let err = fails(dkr(&host, &["rm", &c.name]), 1);
    assert!(err.contains("No such container"), "{err}");
}

#[test]
fn cp_copies_a_file_and_a_directory_in_and_out() {
    let Some(host) = engine() else { return };
    let c = Scratch::run(&host, "sleep 3600");
    let work = std::env::temp_dir().join(format!("dkr-cli-it-cp-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&work);
    std::fs::create_dir_all(work.join("tree/sub")).expect("mkdir");
    // A file of every byte value, larger than any buffer on the way.
    let data: Vec<u8> = (0..3_000_000u32).map(|i| (i * 7 % 251) as u8).collect();
    let file = work.join("file.bin");
    std::fs::write(&file, &data).expect("write");
    std::fs::write(work.join("tree/a"), b"one\n").expect("write");
    std::fs::write(work.join("tree/sub/b"), b"two\n").expect("write");
    std::os::unix::fs::symlink("a", work.join("tree/link")).expect("symlink");
    let s = |p: &std::path::Path| p.to_str().expect("UTF-8").to_owned();

    // A file in, under another name, and back out.
    ok(dkr(
        &host,
        &["cp", &s(&file), &format!("{}:/tmp/copied.bin", c.name)],
    ));
    let back = work.join("back.bin");
    ok(dkr(
        &host,
        &["cp", &format!("{}:/tmp/copied.bin", c.name), &s(&back)],
    ));
    assert!(
        std::fs::read(&back).expect("read") == data,
        "the file changed"
    );

    // A directory in (into an existing directory) and out (to a new name).
    ok(dkr(
        &host,
        &["cp", &s(&work.join("tree")), &format!("{}:/tmp", c.name)],
    ));
    let listing = ok(dkr(
        &host,
        &[
            "exec",
            &c.name,
            "sh",
            "-c",
            "cd /tmp/tree && cat a sub/b && readlink link",
        ],
    ));
    assert_eq!(listing, "one\ntwo\na\n");
    let out_dir = work.join("tree-back");
    ok(dkr(
        &host,
        &["cp", &format!("{}:/tmp/tree", c.name), &s(&out_dir)],
    ));
    assert_eq!(
        std::fs::read(out_dir.join("sub/b")).expect("read"),
        b"two\n"
    );
    assert_eq!(
        std::fs::read_link(out_dir.join("link")).expect("readlink"),
        std::path::Path::new("a")
    );
    // Into an existing directory: under the source's name.
    ok(dkr(
        &host,
        &["cp", &format!("{}:/tmp/copied.bin", c.name), &s(&work)],
    ));
    assert!(std::fs::read(work.join("copied.bin")).expect("read") == data);

    // A tar on standard output.
    let o = dkr(&host, &["cp", &format!("{}:/tmp/tree/a", c.name), "-"]);
    let tar = o.stdout.clone();
    ok(o);
    assert_eq!(tar.len() % 512, 0);
    assert_eq!(&tar[..2], b"a\0");

    let err = fails(
        dkr(&host, &["cp", &format!("{}:/no/such", c.name), &s(&work)]),
        1,
    );
    assert!(err.starts_with("Error response from daemon: "), "{err}");
    let err = fails(
        dkr(&host, &["cp", &s(&file), &format!("{}:/no/such/x", c.name)]),
        1,
    );
    assert!(err.contains("/no/such"), "{err}");
    fails(dkr(&host, &["cp", "a", "b"]), 2);
    std::fs::remove_dir_all(&work).expect("clean up");
}

/// `exec -it` on a terminal (a pty the test made) sizes the TTY as the terminal is, and
/// resizes it when the terminal is resized and SIGWINCH arrives: no `stty` process.
#[test]
fn exec_tty_follows_the_terminal_size_through_sigwinch() {
    use rustix::pty::{grantpt, openpt, ptsname, unlockpt, OpenptFlags};
    use rustix::termios::{tcsetwinsize, Winsize};
    use std::io::Read;
    let Some(host) = engine() else { return };
    let c = Scratch::run(&host, "sleep 300");
    let master = openpt(OpenptFlags::RDWR | OpenptFlags::NOCTTY).unwrap();
    grantpt(&master).unwrap();
    unlockpt(&master).unwrap();
    let slave_path = ptsname(&master, Vec::new()).unwrap();
    let slave_path = std::path::PathBuf::from(slave_path.to_str().unwrap());
    let size = |rows, cols| Winsize {
        ws_row: rows,
        ws_col: cols,
        ws_xpixel: 0,
        ws_ypixel: 0,
    };
    tcsetwinsize(&master, size(20, 70)).unwrap();
    let open = || {
        std::fs::OpenOptions::new()
            .read(true)
            .write(true)
            .open(&slave_path)
            .unwrap()
    };
    // The first size is set just after the exec starts, so the shell waits a moment.
    let script = "sleep 1; stty size; sleep 3; stty size";
    let mut child = std::process::Command::new(DKR)
        .args(["-H", &host, "exec", "-it", &c.id, "sh", "-c", script])
        .stdin(open())
        .stdout(open())
        .stderr(open())
        .spawn()
        .unwrap();
    let mut reader = std::fs::File::from(master.try_clone().unwrap());
    let (send, got) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let mut buf = [0u8; 1024];
        // The read fails (EIO) once dkr, the last holder of the terminal, has exited.
        while let Ok(n @ 1..) = reader.read(&mut buf) {
            let _ = send.send(buf[..n].to_vec());
        }
    });
    let mut output = Vec::new();
    let deadline = Instant::now() + Duration::from_secs(60);
    while !String::from_utf8_lossy(&output).contains("20 70") {
        let left = deadline.saturating_duration_since(Instant::now());
        output.extend(
            got.recv_timeout(left).unwrap_or_else(|_| {
                panic!("no first size: {:?}", String::from_utf8_lossy(&output))
            }),
        );
    }
    tcsetwinsize(&master, size(40, 120)).unwrap();
    let killed = std::process::Command::new("kill")
        .args(["-WINCH", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    while !String::from_utf8_lossy(&output).contains("40 120") {
        let left = deadline.saturating_duration_since(Instant::now());
        output.extend(
            got.recv_timeout(left)
                .unwrap_or_else(|_| panic!("not resized: {:?}", String::from_utf8_lossy(&output))),
        );
    }
    assert!(child.wait().unwrap().success());
}
