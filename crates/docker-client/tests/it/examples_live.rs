//! The examples under `examples/`, each run as its own process against the live engine,
//! under a deadline, with its output checked. `cargo test` builds them; a test that runs
//! alone (`--test it examples_live`) needs `cargo build -p docker-client --examples
//! --all-features` first.

use std::io::{BufRead, BufReader, Write};
use std::path::PathBuf;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use docker_client::blocking::Client;
use docker_client::models::{AuthConfig, ContainerCreateConfig};
use docker_client::{Endpoint, PushImageOptions, RemoveContainerOptions, RemoveImageOptions};

use crate::images_live::unique;
use crate::live::engine;
use crate::registry::Registry;

/// How long an example may take to print what a test waits for, on a loaded machine.
const DEADLINE: Duration = Duration::from_secs(60);

/// A running example: its output lines as they come, its stderr kept for failure reports.
struct Example {
    name: &'static str,
    child: Child,
    lines: mpsc::Receiver<String>,
    seen: Vec<String>,
    stderr: Arc<Mutex<String>>,
}

fn binary(name: &str) -> PathBuf {
    let exe = std::env::current_exe().unwrap();
    let path = exe
        .parent()
        .and_then(|deps| deps.parent())
        .unwrap()
        .join("examples")
        .join(name);
    assert!(
        path.exists(),
        "{} is missing: `cargo test` builds the examples; alone, build them with \
         `cargo build -p docker-client --examples --all-features`",
        path.display()
    );
    path
}

impl Example {
    /// Starts example `name` with `args`, pointed at `endpoint`; `stdin` is written to it
    /// and then closed.
    fn start(
        name: &'static str,
        endpoint: &Endpoint,
        args: &[&str],
        env: &[(&str, &str)],
        stdin: &[u8],
    ) -> Example {
        let mut child = Command::new(binary(name))
            .args(args)
            .env("DOCKER_HOST", endpoint.to_string())
            .envs(env.iter().copied())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut input = child.stdin.take().unwrap();
        input.write_all(stdin).unwrap();
        drop(input);
        let (send, lines) = mpsc::channel();
        let stdout = child.stdout.take().unwrap();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                let _ = send.send(line);
            }
        });
        let stderr = Arc::new(Mutex::new(String::new()));
        let (errors, keep) = (child.stderr.take().unwrap(), stderr.clone());
        std::thread::spawn(move || {
            for line in BufReader::new(errors).lines().map_while(Result::ok) {
                let mut all = keep.lock().unwrap();
                all.push_str(&line);
                all.push('\n');
            }
        });
        Example {
            name,
            child,
            lines,
            seen: Vec::new(),
            stderr,
        }
    }

    /// Waits for a line that `wanted` accepts and returns it; fails at the deadline, with
    /// everything the example printed.
    fn expect(&mut self, what: &str, wanted: impl Fn(&str) -> bool) -> String {
        let deadline = Instant::now() + DEADLINE;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.lines.recv_timeout(left) {
                Ok(line) => {
                    self.seen.push(line.clone());
                    if wanted(&line) {
                        return line;
                    }
                }
                Err(_) => panic!(
                    "{}: no line {what} within {DEADLINE:?}\n{}",
                    self.name,
                    self.report()
                ),
            }
        }
    }

    /// Waits for the example to exit within the deadline (killing it if not) and returns its
    /// status, with every line it printed.
    fn finish(mut self) -> (ExitStatus, Vec<String>, String) {
        let deadline = Instant::now() + DEADLINE;
        let status = loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                break status;
            }
            if Instant::now() > deadline {
                let _ = self.child.kill();
                panic!(
                    "{}: still running after {DEADLINE:?}\n{}",
                    self.name,
                    self.report()
                );
            }
            std::thread::sleep(Duration::from_millis(20));
        };
        // The reader ends with the pipe; what it read before is all there.
        while let Ok(line) = self.lines.recv_timeout(Duration::from_secs(5)) {
            self.seen.push(line);
        }
        let stderr = self.stderr.lock().unwrap().clone();
        (status, std::mem::take(&mut self.seen), stderr)
    }

    fn report(&self) -> String {
        format!(
            "stdout:\n{}\nstderr:\n{}",
            self.seen.join("\n"),
            self.stderr.lock().unwrap()
        )
    }
}

impl Drop for Example {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn client(endpoint: &Endpoint) -> Client {
    Client::builder()
        .endpoint(endpoint.clone())
        .build()
        .unwrap()
}

/// Creates and starts a busybox container running `script`, with `labels`.
fn run_container(client: &Client, name: &str, labels: &[(&str, &str)], script: &str) -> String {
    let config = ContainerCreateConfig {
        image: "bb:latest".into(),
        cmd: vec!["sh".into(), "-c".into(), script.into()],
        labels: labels
            .iter()
            .map(|(k, v)| ((*k).into(), (*v).into()))
            .collect(),
        ..Default::default()
    };
    let id = client.create_container(Some(name), &config).unwrap().id;
    client.start_container(&id).unwrap();
    id
}

fn remove(client: &Client, id: &str) {
    let _ = client.remove_container(id, RemoveContainerOptions::default().force(true));
}

/// The sensor lists what runs with its processes and cgroups, then reports a container
/// that starts and stops after it.
#[test]
fn live_example_sensor_reports_processes_and_follows_changes() {
    let Some(endpoint) = engine() else { return };
    let client = client(&endpoint);
    let (before, after) = (unique("sensor-a"), unique("sensor-b"));
    let first = run_container(&client, &before, &[], "sleep 300");
    let mut sensor = Example::start("sensor", &endpoint, &[], &[], b"");
    sensor.expect("for the first container", |l| {
        l.starts_with("running ") && l.contains(&format!("name={before} "))
    });
    let process = sensor.expect("for its process", |l| {
        l.starts_with(&format!("process id={}", &first[..12]))
    });
    assert!(process.contains("cmd=\"sleep 300\""), "{process}");
    assert!(
        process.contains(&format!("/docker/{first}")),
        "the cgroup names the container: {process}"
    );
    sensor.expect("ending the first list", |l| {
        l.starts_with("inventory complete running=")
    });
    let second = run_container(&client, &after, &[], "sleep 300");
    sensor.expect("for the started container", |l| {
        l.starts_with("started ") && l.contains(&format!("name={after} "))
    });
    remove(&client, &second);
    sensor.expect("for its stop", |l| {
        l == format!("stopped id={} name={after}", &second[..12])
    });
    remove(&client, &first);
}

/// The shipper ships every line of a labelled container once, across a restart (it
/// reconnects and resumes with `since`), and follows a container started after it; an
/// unlabelled container is left alone.
#[test]
fn live_example_log_shipper_resumes_after_a_restart_without_duplicates() {
    let Some(endpoint) = engine() else { return };
    let client = client(&endpoint);
    let label = unique("ship");
    let (a, c, other) = (unique("ship-a"), unique("ship-c"), unique("ship-other"));
    let script = "for i in 1 2 3; do echo line$i; done; trap 'exit 0' TERM; sleep 300 & wait";
    let first = run_container(&client, &a, &[(&label, "yes")], script);
    let unlabelled = run_container(&client, &other, &[], "echo not-for-shipping; sleep 300");
    let mut shipper = Example::start(
        "log_shipper",
        &endpoint,
        &[&format!("{label}=yes")],
        &[],
        b"",
    );
    for i in 1..=3 {
        shipper.expect("from the first run", |l| {
            l.starts_with(&format!("{a} stdout ")) && l.ends_with(&format!(" line{i}"))
        });
    }
    client
        .restart_container(&first, Some(Duration::from_secs(5)))
        .unwrap();
    for i in 1..=3 {
        shipper.expect("from the second run", |l| {
            l.starts_with(&format!("{a} stdout ")) && l.ends_with(&format!(" line{i}"))
        });
    }
    let late = run_container(
        &client,
        &c,
        &[(&label, "yes")],
        "echo out; echo err >&2; trap 'exit 0' TERM; sleep 300 & wait",
    );
    // The two streams are shipped in either order: `<name> <stream> <time> <line>`.
    let mut late_lines: Vec<String> = (0..2)
        .map(|_| {
            shipper.expect("from the late container", |l| {
                l.starts_with(&format!("{c} "))
            })
        })
        .map(|l| {
            let fields: Vec<&str> = l.split(' ').collect();
            format!("{} {}", fields[1], fields[3])
        })
        .collect();
    late_lines.sort();
    assert_eq!(
        late_lines,
        ["stderr err", "stdout out"],
        "{}",
        shipper.report()
    );
    // A duplicate would have come with the resumed stream, before the late container.
    let mut shipped: Vec<&String> = shipper
        .seen
        .iter()
        .filter(|l| l.starts_with(&format!("{a} ")))
        .collect();
    assert_eq!(
        shipped.len(),
        6,
        "each run's three lines once:\n{}",
        shipper.report()
    );
    shipped.dedup();
    assert_eq!(shipped.len(), 6, "{}", shipper.report());
    assert!(
        !shipper.seen.iter().any(|l| l.contains("not-for-shipping")),
        "{}",
        shipper.report()
    );
    for id in [first, late, unlabelled] {
        remove(&client, &id);
    }
}

/// The CI step streams the command's output and exits with its code; under a time limit
/// that strikes it exits 124, soon; the container is removed both times.
#[test]
fn live_example_ci_step_takes_the_exit_code_and_enforces_its_timeout() {
    let Some(endpoint) = engine() else { return };
    let client = client(&endpoint);
    let script = "echo building; echo warning >&2; exit 3";
    let args = ["--timeout", "30", "bb:latest", "sh", "-c", script];
    let (status, out, err) = Example::start("ci_step", &endpoint, &args, &[], b"").finish();
    assert_eq!(status.code(), Some(3), "{out:?} {err}");
    assert_eq!(out, ["building"]);
    assert!(
        err.contains("warning\n") && err.contains("ci_step: exit code 3"),
        "{err}"
    );
    gone(&client, &err);

    let started = Instant::now();
    let args = ["--timeout", "1", "bb:latest", "sleep", "300"];
    let (status, out, err) = Example::start("ci_step", &endpoint, &args, &[], b"").finish();
    assert_eq!(status.code(), Some(124), "{out:?} {err}");
    assert!(err.contains("timed out after 1s"), "{err}");
    assert!(
        started.elapsed() < Duration::from_secs(30),
        "{:?}",
        started.elapsed()
    );
    gone(&client, &err);
}

/// The container that the CI step's stderr names no longer exists.
fn gone(client: &Client, stderr: &str) {
    let id = stderr
        .lines()
        .find_map(|l| l.strip_prefix("ci_step: container "))
        .unwrap_or_else(|| panic!("no container line: {stderr}"));
    let err = client.inspect_container(id).unwrap_err();
    assert!(err.is_not_found(), "{err:?}");
}

/// The exec session has a TTY of the size asked for, takes its input, and exits with the
/// process's code.
#[test]
fn live_example_exec_tty_has_a_sized_tty_and_the_exit_code() {
    let Some(endpoint) = engine() else { return };
    let client = client(&endpoint);
    let id = run_container(&client, &unique("exec-tty"), &[], "sleep 300");
    let args = [id.as_str(), "sh", "-c", "sleep 1; stty size; tty; exec sh"];
    let env = [("LINES", "33"), ("COLUMNS", "101")];
    let input = b"echo from-stdin; exit 5\n";
    let (status, out, err) = Example::start("exec_tty", &endpoint, &args, &env, input).finish();
    assert_eq!(status.code(), Some(5), "{out:?} {err}");
    assert!(
        out.iter().any(|l| l.trim_end() == "33 101"),
        "the TTY was resized: {out:?}"
    );
    assert!(out.iter().any(|l| l.starts_with("/dev/pts/")), "{out:?}");
    assert!(out.iter().any(|l| l.trim_end() == "from-stdin"), "{out:?}");
    remove(&client, &id);
}

/// The pull shows the steps of a pull from a registry that needs the credentials of
/// `config.json`, then the pulled image.
#[test]
fn live_example_pull_progress_uses_stored_credentials() {
    let Some(endpoint) = engine() else { return };
    let Some(registry) = Registry::start(&[("puller", "pull-pw")]) else {
        return;
    };
    let client = client(&endpoint);
    let image = format!("{}/examples/{}:1", registry.addr, unique("pull"));
    let auth = AuthConfig {
        username: "puller".into(),
        password: "pull-pw".into(),
        serveraddress: registry.addr.clone(),
        ..Default::default()
    };
    client.tag_image("bb:latest", &image).unwrap();
    client
        .push_image(&image, &PushImageOptions::default().auth(auth))
        .unwrap()
        .wait()
        .unwrap();
    client
        .remove_image(&image, RemoveImageOptions::default())
        .unwrap();
    let config = std::env::temp_dir().join(unique("pull-config"));
    std::fs::create_dir_all(&config).unwrap();
    let token = "cHVsbGVyOnB1bGwtcHc="; // base64 of "puller:pull-pw"
    std::fs::write(
        config.join("config.json"),
        format!(
            r#"{{"auths":{{"{}":{{"auth":"{token}"}}}}}}"#,
            registry.addr
        ),
    )
    .unwrap();
    let env = [("DOCKER_CONFIG", config.to_str().unwrap())];
    let (status, out, err) =
        Example::start("pull_progress", &endpoint, &[&image], &env, b"").finish();
    assert!(status.success(), "{out:?} {err}");
    assert!(
        out.iter().any(|l| l.starts_with("Digest: sha256:")),
        "{out:?}"
    );
    assert!(
        out.iter()
            .any(|l| l == &format!("Status: Downloaded newer image for {image}")),
        "{out:?}"
    );
    let pulled = client.inspect_image(&image).unwrap();
    assert_eq!(out.last(), Some(&format!("pulled {image} {}", pulled.id)));
    let _ = client.remove_image(&image, RemoveImageOptions::default());
    let _ = std::fs::remove_dir_all(config);
}

/// One program against every context: the live engine answers through its context and
/// through `default`, and a context whose engine is gone says why.
#[test]
fn live_example_contexts_asks_every_context() {
    let Some(endpoint) = engine() else { return };
    let Endpoint::Unix(socket) = &endpoint else {
        return eprintln!("skipping: the contexts example test writes unix:// contexts");
    };
    let config = std::env::temp_dir().join(unique("contexts"));
    let store = docker_client::ContextStore::at(&config);
    for (name, host) in [
        ("live", format!("unix://{}", socket.display())),
        ("gone", "unix:///nonexistent/docker.sock".into()),
    ] {
        let dir = store.meta_dir(name);
        std::fs::create_dir_all(&dir).unwrap();
        let meta = serde_json::json!({
            "Name": name, "Metadata": {}, "Endpoints": {"docker": {"Host": host, "SkipTLSVerify": false}},
        });
        std::fs::write(dir.join("meta.json"), meta.to_string()).unwrap();
    }
    let version = client(&endpoint).version().unwrap();
    let answer = format!("Docker {} API {}", version.version, version.api_version);
    let env = [("DOCKER_CONFIG", config.to_str().unwrap())];
    let (status, out, err) = Example::start("contexts", &endpoint, &[], &env, b"").finish();
    assert!(status.success(), "{out:?} {err}");
    assert_eq!(out.len(), 3, "{out:?}");
    assert_eq!(out[0], format!("default {endpoint} {answer}"));
    assert!(
        out[1].starts_with("gone unix:///nonexistent/docker.sock error: ")
            && out[1].contains("no socket"),
        "{out:?}"
    );
    assert_eq!(out[2], format!("live unix://{} {answer}", socket.display()));
    let _ = std::fs::remove_dir_all(config);
}

/// docker-wire alone, on a poll(2) loop, holds a keep-alive conversation with the engine.
#[test]
fn live_example_wire_poll_speaks_to_the_engine_on_poll() {
    let Some(endpoint) = engine() else { return };
    if !matches!(endpoint, Endpoint::Unix(_)) {
        return eprintln!("skipping: the poll(2) example speaks to unix:// engines");
    }
    let (status, out, err) = Example::start("wire_poll", &endpoint, &[], &[], b"").finish();
    assert!(status.success(), "{out:?} {err}");
    assert_eq!(
        out[..3],
        [
            "GET /_ping 200 reusable=true",
            "OK",
            "GET /version 200 reusable=true"
        ],
        "{out:?}"
    );
    let version: serde_json::Value = serde_json::from_str(&out[3]).unwrap();
    assert!(version["ApiVersion"].is_string(), "{}", out[3]);
}

/// What a user does with `docker_replay::Recorder`: record the code under test against
/// the engine once, then run the same code on the replayed, normalised transcript.
#[test]
fn live_recorder_records_a_transcript_that_replays_the_same_code() {
    let Some(endpoint) = engine() else { return };
    let Endpoint::Unix(socket) = &endpoint else {
        return eprintln!("skipping: the recorder forwards to unix:// engines");
    };
    let c = client(&endpoint);
    let id = run_container(
        &c,
        &unique("recorded"),
        &[("dkr-recorder-test", "1")],
        "sleep 300",
    );
    // The code under test: the names and images of the labelled containers.
    let code = |client: &Client| -> Vec<(String, String)> {
        let options =
            docker_client::ListContainersOptions::default().filter("label", "dkr-recorder-test=1");
        let list = client.list_containers(&options).unwrap();
        list.iter()
            .map(|s| {
                let c = client.inspect_container(&s.id).unwrap();
                (c.name, c.config.image)
            })
            .collect()
    };
    let recorder = docker_replay::Recorder::start(socket).unwrap();
    let live = code(&Client::unix(recorder.socket()));
    assert_eq!(live.len(), 1, "{live:?}");
    assert_eq!(live[0].1, "bb:latest");
    let transcript = recorder
        .transcript("users_own", Duration::from_secs(10))
        .unwrap();
    assert_eq!(transcript.meta("scenario"), Some("users_own"));
    assert!(transcript.is_normalised());
    let text = String::from_utf8_lossy(&transcript.to_bytes()).into_owned();
    assert!(!text.contains(&id), "the container ID is replaced: {text}");
    // Later, in CI, with no engine: the written file replays to the same answers.
    let file = std::env::temp_dir().join(format!("{}.http", unique("recorded")));
    std::fs::write(&file, transcript.to_bytes()).unwrap();
    let replay =
        docker_replay::Replay::start(&docker_replay::Transcript::read(&file).unwrap()).unwrap();
    let replayed = code(&Client::unix(replay.socket()));
    replay.finish().unwrap();
    assert_eq!(replayed.len(), 1);
    assert_eq!(replayed[0].1, "bb:latest");
    let _ = std::fs::remove_file(file);
    remove(&c, &id);
}
