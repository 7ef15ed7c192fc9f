//! The container lifecycle, logs, exec, attach, stats and archives against a real engine,
//! in both flavours.

use std::io::Cursor;
use std::time::Duration;

use docker_client::models::{ContainerCreateConfig, ContainerUpdate, ExecCreateConfig, HostConfig};
use docker_client::{
    AttachOptions, Client, Endpoint, LogChunk, LogsOptions, OutputStream, PruneFilters,
    RemoveContainerOptions, Result, StartExecOptions, WaitCondition,
};

use crate::flavours::{both, client, Named, Pull, ReadAll, TestFlavour, Wait};
use crate::live::engine;

fn unique(prefix: &str) -> String {
    use std::sync::atomic::{AtomicUsize, Ordering};
    static N: AtomicUsize = AtomicUsize::new(0);
    format!(
        "dkr-lc-{prefix}-{}-{}",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed)
    )
}

fn config(script: &str) -> ContainerCreateConfig {
    ContainerCreateConfig {
        image: "bb:latest".into(),
        cmd: vec!["sh".into(), "-c".into(), script.into()],
        labels: [("dkr-it".to_owned(), "1".to_owned())].into(),
        ..Default::default()
    }
}

/// Removes the container when dropped, whatever happened.
struct Cleanup<'a, F: TestFlavour>(&'a Client<F>, String);

impl<F: TestFlavour> Drop for Cleanup<'_, F> {
    fn drop(&mut self) {
        let options = RemoveContainerOptions::default().force(true);
        let _ = F::resolve(self.0.remove_container(&self.1, options));
    }
}

/// Creates and starts a container, removed when the guard is dropped.
fn run<'a, F: TestFlavour>(
    api: &'a Client<F>,
    config: &ContainerCreateConfig,
) -> (String, Cleanup<'a, F>) {
    let name = unique(F::NAME);
    let id = F::resolve(api.create_container(Some(&name), config))
        .unwrap()
        .id;
    let guard = Cleanup(api, id.clone());
    F::resolve(api.start_container(&id)).unwrap();
    (id, guard)
}

/// Runs `cmd` in the container, feeding `stdin` then closing it; returns the output chunks
/// and the exit code.
fn exec<F: TestFlavour>(
    api: &Client<F>,
    id: &str,
    cmd: &[&str],
    stdin: Option<&[u8]>,
    tty: bool,
) -> Result<(Vec<LogChunk>, Option<i64>)> {
    let config = ExecCreateConfig {
        cmd: cmd.iter().map(|s| s.to_string()).collect(),
        attach_stdin: stdin.is_some(),
        attach_stdout: true,
        attach_stderr: true,
        tty,
        ..Default::default()
    };
    let exec = F::resolve(api.create_exec(id, &config))?;
    let options = StartExecOptions::default().tty(tty);
    let mut session = F::resolve(api.start_exec(&exec.id, options))?;
    if let Some(input) = stdin {
        F::resolve(session.write_stdin(input))?;
        F::resolve(session.close_stdin())?;
    }
    let mut chunks = Vec::new();
    while let Some(chunk) = F::resolve(session.next_output())? {
        chunks.push(chunk);
    }
    // The exec's state lags its output a little: poll until it is no longer running.
    for _ in 0..100 {
        let state = F::resolve(api.inspect_exec(&exec.id))?;
        if !state.running {
            return Ok((chunks, state.exit_code));
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    Ok((chunks, None))
}

#[test]
fn live_create_start_wait_logs_remove() {
    let Some(endpoint) = engine() else { return };
    both!(client(&endpoint, None), |api| {
        let (id, _guard) = run(&api, &config("echo out; echo err >&2; echo out2; exit 7"));
        // Starting again is not an error.
        let waited = api
            .wait_container(&id, WaitCondition::NotRunning)
            .wait()
            .unwrap();
        assert_eq!(waited.status_code, 7, "{}", api.name());
        api.start_container(&id).wait().unwrap_or(());
        api.wait_container(&id, WaitCondition::NotRunning)
            .wait()
            .unwrap();

        let chunks: Vec<LogChunk> = api
            .logs_container(&id, &LogsOptions::default())
            .wait()
            .unwrap()
            .iter()
            .collect::<Result<_>>()
            .unwrap();
        let stdout: Vec<u8> = chunks
            .iter()
            .filter(|c| c.stream == OutputStream::Stdout)
            .flat_map(|c| c.data.clone())
            .collect();
        let stderr: Vec<u8> = chunks
            .iter()
            .filter(|c| c.stream == OutputStream::Stderr)
            .flat_map(|c| c.data.clone())
            .collect();
        assert!(
            stdout.starts_with(b"out\nout2\n"),
            "{}: {chunks:?}",
            api.name()
        );
        assert!(stderr.starts_with(b"err\n"), "{}: {chunks:?}", api.name());

        let only_err = LogsOptions::default().stdout(false).tail(1);
        let chunks: Vec<LogChunk> = api
            .logs_container(&id, &only_err)
            .wait()
            .unwrap()
            .iter()
            .collect::<Result<_>>()
            .unwrap();
        assert!(chunks.iter().all(|c| c.stream == OutputStream::Stderr));

        api.remove_container(&id, RemoveContainerOptions::default())
            .wait()
            .unwrap();
        assert!(api
            .inspect_container(&id)
            .wait()
            .unwrap_err()
            .is_not_found());
        assert!(api
            .remove_container(&id, RemoveContainerOptions::default())
            .wait()
            .unwrap_err()
            .is_not_found());
    });
}

#[test]
fn live_tty_prompt_without_newline_is_seen_at_once() {
    let Some(endpoint) = engine() else { return };
    both!(client(&endpoint, None), |api| {
        let mut cfg = config("read x; printf 'prompt> '; sleep 30");
        cfg.tty = true;
        cfg.open_stdin = true;
        cfg.attach_stdin = true;
        let (id, _guard) = run(&api, &cfg);
        let opts = AttachOptions::default().stdin(true);
        let mut session = api.attach_container(&id, opts).wait().unwrap();
        let start = std::time::Instant::now();
        session.write_stdin(b"go\n").wait().unwrap();
        let mut out = Vec::new();
        while !out.ends_with(b"prompt> ") {
            match session.next_output().wait().unwrap() {
                Some(chunk) => out.extend_from_slice(&chunk.data),
                None => break,
            }
        }
        let elapsed = start.elapsed();
        assert!(
            out.ends_with(b"prompt> "),
            "{}: {:?}",
            api.name(),
            String::from_utf8_lossy(&out)
        );
        // No newline follows for 30 s: only a client that passes bytes on as they come sees it
        // before then. The bound is far from both ends, so a loaded machine cannot fail it.
        assert!(
            elapsed < Duration::from_secs(10),
            "{}: prompt seen {elapsed:?} after the input",
            api.name()
        );
    });
}

#[test]
fn live_tty_logs_follow_as_console_output() {
    let Some(endpoint) = engine() else { return };
    both!(client(&endpoint, None), |api| {
        let mut cfg = config("echo one; sleep 1; echo two; sleep 30");
        cfg.tty = true;
        let (id, _guard) = run(&api, &cfg);
        let follow = LogsOptions::default().follow(true);
        let mut logs = api.logs_container(&id, &follow).wait().unwrap();
        let mut chunks = Vec::new();
        let mut seen = Vec::new();
        while let Some(chunk) = logs.pull() {
            let chunk = chunk.unwrap();
            seen.extend_from_slice(&chunk.data);
            chunks.push(chunk);
            if seen.ends_with(b"two\r\n") {
                break;
            }
        }
        assert!(chunks.iter().all(|c| c.stream == OutputStream::Console));
        assert_eq!(seen, b"one\r\ntwo\r\n", "{}", api.name());
    });
}

#[test]
fn live_stop_pause_rename_update_stats_and_prune() {
    let Some(endpoint) = engine() else { return };
    both!(client(&endpoint, None), |api| {
        let (id, _guard) = run(&api, &config("trap 'exit 0' TERM; sleep 3600 & wait"));
        // On a loaded machine runc's cgroup freezer can time out ("unable to freeze"); the
        // engine then answers 500 and leaves the container running: try again.
        let mut attempts = 0;
        loop {
            match api.pause_container(&id).wait() {
                Err(e) if e.status_code() == Some(500) && attempts < 10 => {
                    attempts += 1;
                    std::thread::sleep(Duration::from_millis(200));
                }
                other => break other.unwrap(),
            }
        }
        assert_eq!(
            api.inspect_container(&id).wait().unwrap().state.status,
            "paused"
        );
        api.unpause_container(&id).wait().unwrap();
        assert_eq!(
            api.inspect_container(&id).wait().unwrap().state.status,
            "running"
        );

        let new_name = unique("renamed");
        api.rename_container(&id, &new_name).wait().unwrap();
        assert_eq!(api.inspect_container(&new_name).wait().unwrap().id, id);

        let update = ContainerUpdate {
            memory: 64 << 20,
            memory_swap: -1,
            ..Default::default()
        };
        let warnings = api.update_container(&id, &update).wait().unwrap();
        let _ = warnings;
        assert_eq!(
            api.inspect_container(&id)
                .wait()
                .unwrap()
                .host_config
                .memory,
            64 << 20
        );

        let stats = api.stats_container(&id).wait().unwrap();
        assert!(!stats.read.is_empty());
        let samples = api
            .stats_container_stream(&id)
            .wait()
            .unwrap()
            .iter()
            .take(2)
            .collect::<Result<Vec<_>>>()
            .unwrap();
        assert_eq!(samples.len(), 2);

        api.stop_container(&id, Some(Duration::from_secs(5)))
            .wait()
            .unwrap();
        api.stop_container(&id, Some(Duration::from_secs(5)))
            .wait()
            .unwrap();
        assert!(!api.inspect_container(&id).wait().unwrap().state.running);

        let label = format!("dkr-prune={}", unique("p"));
        let mut cfg = config("true");
        cfg.labels
            .insert("dkr-prune".into(), label["dkr-prune=".len()..].into());
        let pruned = api.create_container(None, &cfg).wait().unwrap().id;
        // The engine runs one prune at a time and refuses (409) another started meanwhile,
        // by this suite's other live tests for instance: retry that refusal.
        let filters = PruneFilters::default().filter("label", &label);
        let mut attempts = 0;
        let report = loop {
            match api.prune_containers(&filters).wait() {
                Err(e) if e.is_conflict() && attempts < 50 => {
                    attempts += 1;
                    std::thread::sleep(Duration::from_millis(100));
                }
                other => break other.unwrap(),
            }
        };
        assert_eq!(report.containers_deleted, [pruned]);
    });
}

#[test]
fn live_exec_round_trips_stdin_and_reports_exit_codes() {
    let Some(endpoint) = engine() else { return };
    both!(client(&endpoint, None), |api| {
        let (id, _guard) = run(&api, &config("sleep 3600"));
        let payload: Vec<u8> = (0..200_000u32).map(|i| b'a' + (i % 26) as u8).collect();
        let (chunks, code) = exec(&api, &id, &["cat"], Some(&payload), false).unwrap();
        let out: Vec<u8> = chunks.iter().flat_map(|c| c.data.clone()).collect();
        assert_eq!(out.len(), payload.len(), "{}", api.name());
        assert!(out == payload, "{}: cat echoed different bytes", api.name());
        assert_eq!(code, Some(0), "EOF must reach cat so that it exits");

        let script = ["sh", "-c", "echo o; echo e >&2; exit 5"];
        let (chunks, code) = exec(&api, &id, &script, None, false).unwrap();
        assert_eq!(code, Some(5));
        assert!(chunks
            .iter()
            .any(|c| c.stream == OutputStream::Stderr && c.data == b"e\n"));
        assert!(chunks
            .iter()
            .any(|c| c.stream == OutputStream::Stdout && c.data == b"o\n"));

        let (chunks, code) = exec(&api, &id, &["echo", "tty"], None, true).unwrap();
        assert_eq!(code, Some(0));
        let out: Vec<u8> = chunks.iter().flat_map(|c| c.data.clone()).collect();
        assert_eq!(out, b"tty\r\n");
        assert!(chunks.iter().all(|c| c.stream == OutputStream::Console));
    });
}

#[test]
fn live_attach_delivers_stdin_and_eof() {
    let Some(endpoint) = engine() else { return };
    both!(client(&endpoint, None), |api| {
        let mut cfg = config("cat; echo done");
        cfg.open_stdin = true;
        cfg.stdin_once = true;
        cfg.attach_stdin = true;
        let name = unique(api.name());
        let id = api.create_container(Some(&name), &cfg).wait().unwrap().id;
        let _guard = Cleanup(&api, id.clone());
        api.start_container(&id).wait().unwrap();
        let opts = AttachOptions::default().stdin(true);
        let mut session = api.attach_container(&id, opts).wait().unwrap();
        session.write_stdin(b"ping\n").wait().unwrap();
        session.close_stdin().wait().unwrap();
        let out = session.collect_output().wait().unwrap();
        assert_eq!(out, b"ping\ndone\n", "{}", api.name());
        let waited = api
            .wait_container(&id, WaitCondition::NotRunning)
            .wait()
            .unwrap();
        assert_eq!(waited.status_code, 0);
    });
}

/// A WebSocket attach to a container that reads a line, answers and exits: a ping, the
/// line written, then the output to the engine's end. Returns the pongs and the output.
fn ws_round_trip<F: TestFlavour>(api: &Client<F>) -> (Vec<Vec<u8>>, Vec<u8>) {
    // Apart in time: the engine reads stdout and stderr concurrently.
    let mut cfg = config("read line; echo \"got $line\"; sleep 0.2; echo err >&2; sleep 0.2");
    cfg.open_stdin = true;
    cfg.attach_stdin = true;
    let name = unique(&format!("ws-{}", F::NAME));
    let id = F::resolve(api.create_container(Some(&name), &cfg))
        .unwrap()
        .id;
    let _guard = Cleanup(api, id.clone());
    F::resolve(api.start_container(&id)).unwrap();
    let opts = AttachOptions::default().stdin(true);
    let mut ws = F::resolve(api.attach_container_ws(&id, opts)).unwrap();
    F::resolve(ws.ping(b"are you there")).unwrap();
    F::resolve(ws.write_stdin(b"hello\n")).unwrap();
    let (mut pongs, mut data, mut closed) = (Vec::new(), Vec::new(), false);
    while let Some(out) = F::resolve(ws.next_output()).unwrap() {
        match out {
            docker_client::WsOutput::Data(d) => data.extend(d),
            docker_client::WsOutput::Pong(p) => pongs.push(p),
            docker_client::WsOutput::Close { .. } => closed = true,
            other => panic!("{}: {other:?}", F::NAME),
        }
    }
    let waited = F::resolve(api.wait_container(&id, WaitCondition::NotRunning)).unwrap();
    assert_eq!(waited.status_code, 0, "{}", F::NAME);
    assert!(closed, "{}: the engine's close frame", F::NAME);
    (pongs, data)
}

#[test]
fn live_attach_over_websocket_delivers_stdin_output_and_pongs() {
    let Some(endpoint) = engine() else { return };
    both!(client(&endpoint, None), |api| {
        let (pongs, data) = ws_round_trip(&api);
        assert_eq!(pongs, [b"are you there".to_vec()], "{}", api.name());
        assert_eq!(data, b"got hello\nerr\n", "{}", api.name());
    });
    // Below API 1.28 the engine sends text frames; the output is the same.
    both!(client(&endpoint, Some("1.27")), |api| {
        let (_, data) = ws_round_trip(&api);
        assert_eq!(data, b"got hello\nerr\n", "{} at 1.27", api.name());
    });
}

#[test]
fn live_archives_go_in_and_out() {
    let Some(endpoint) = engine() else { return };
    both!(client(&endpoint, None), |api| {
        let (id, _guard) = run(&api, &config("sleep 3600"));
        let tar = tar_with("hello.txt", b"hello archive\n");
        api.put_archive(&id, "/tmp", Cursor::new(tar))
            .wait()
            .unwrap();
        let stat = api.stat_path(&id, "/tmp/hello.txt").wait().unwrap();
        assert_eq!(stat.name, "hello.txt");
        assert_eq!(stat.size, 14);
        assert!(!stat.is_dir());
        assert!(api.stat_path(&id, "/tmp").wait().unwrap().is_dir());
        let (stat, reader) = api.get_archive(&id, "/tmp/hello.txt").wait().unwrap();
        let tar = reader.read_all().expect("archive reads");
        assert_eq!(stat.size, 14);
        assert!(tar.windows(14).any(|w| w == b"hello archive\n"));
        assert!(api
            .stat_path(&id, "/nonexistent")
            .wait()
            .unwrap_err()
            .is_not_found());
        let export = api.export_container(&id).wait().unwrap();
        assert!(export.read_all().expect("export reads").len() > 500_000);
    });
}

#[test]
fn live_create_takes_host_config_and_refuses_bad_names() {
    let Some(endpoint) = engine() else { return };
    both!(client(&endpoint, None), |api| {
        let mut cfg = config("sleep 3600");
        cfg.env = vec!["A=1".into()];
        cfg.working_dir = "/tmp".into();
        cfg.host_config = HostConfig {
            memory: 32 << 20,
            auto_remove: false,
            ..Default::default()
        };
        let name = unique(api.name());
        let created = api.create_container(Some(&name), &cfg).wait().unwrap();
        let _guard = Cleanup(&api, created.id.clone());
        let c = api.inspect_container(&created.id).wait().unwrap();
        assert_eq!(c.config.env.iter().filter(|e| *e == "A=1").count(), 1);
        assert_eq!(c.config.working_dir, "/tmp");
        assert_eq!(c.host_config.memory, 32 << 20);
        let e = api.create_container(Some(&name), &cfg).wait().unwrap_err();
        assert!(e.is_conflict(), "{e:?}");
        let e = api
            .create_container(Some("bad name"), &cfg)
            .wait()
            .unwrap_err();
        assert!(
            matches!(e, docker_client::Error::InvalidArgument { .. }),
            "{e:?}"
        );
    });
}

/// A one-file ustar archive.
fn tar_with(name: &str, data: &[u8]) -> Vec<u8> {
    let mut header = [0u8; 512];
    header[..name.len()].copy_from_slice(name.as_bytes());
    header[100..108].copy_from_slice(b"0000644\0");
    header[108..116].copy_from_slice(b"0000000\0");
    header[116..124].copy_from_slice(b"0000000\0");
    header[124..136].copy_from_slice(format!("{:011o}\0", data.len()).as_bytes());
    header[136..148].copy_from_slice(b"00000000000\0");
    header[156] = b'0';
    header[257..263].copy_from_slice(b"ustar\0");
    header[263..265].copy_from_slice(b"00");
    header[148..156].copy_from_slice(b"        ");
    let sum: u32 = header.iter().map(|&b| u32::from(b)).sum();
    header[148..156].copy_from_slice(format!("{sum:06o}\0 ").as_bytes());
    let mut tar = header.to_vec();
    tar.extend_from_slice(data);
    tar.resize(tar.len().div_ceil(512) * 512 + 1024, 0);
    tar
}

/// The bytes `seq 1 n` prints.
fn seq_bytes(n: u64) -> u64 {
    (1..=n).map(|i| i.to_string().len() as u64 + 1).sum()
}

/// Runs the `logs_count` example against `id` and parses its report.
fn logs_count(
    endpoint: &Endpoint,
    id: &str,
    follow: bool,
) -> std::collections::HashMap<String, u64> {
    let exe = std::env::current_exe().unwrap();
    let example = exe
        .parent()
        .and_then(|deps| deps.parent())
        .map(|dir| dir.join("examples").join("logs_count"))
        .unwrap();
    assert!(
        example.exists(),
        "{} is missing: `cargo test` builds examples; build it with `cargo build --example logs_count`",
        example.display()
    );
    let mut cmd = std::process::Command::new(&example);
    cmd.arg(id).env("DOCKER_HOST", endpoint.to_string());
    if follow {
        cmd.arg("--follow");
    }
    let out = cmd.output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout)
        .unwrap()
        .split_whitespace()
        .filter_map(|kv| kv.split_once('='))
        .map(|(k, v)| (k.to_owned(), v.parse().unwrap()))
        .collect()
}

/// 100 MB of logs, half on each stream, read with and without follow: exact byte counts,
/// order kept per stream, and a reader whose peak RSS stays under 32 MiB.
#[test]
fn live_hundred_megabytes_of_logs_in_constant_memory() {
    let Some(endpoint) = engine() else { return };
    let client = docker_client::blocking::Client::builder()
        .endpoint(endpoint.clone())
        .build()
        .unwrap();
    let lines = 6_000_000u64;
    let script = format!("sleep 1; seq 1 {lines} & seq 1 {lines} >&2; wait");
    let created = client
        .create_container(Some(&unique("logs")), &config(&script))
        .unwrap();
    let id = created.id;
    struct Remove<'a>(&'a docker_client::blocking::Client, String);
    impl Drop for Remove<'_> {
        fn drop(&mut self) {
            let _ = self
                .0
                .remove_container(&self.1, RemoveContainerOptions::default().force(true));
        }
    }
    let _guard = Remove(&client, id.clone());
    client.start_container(&id).unwrap();
    let expected = seq_bytes(lines);
    let followed = logs_count(&endpoint, &id, true);
    let waited = client
        .wait_container(&id, WaitCondition::NotRunning)
        .unwrap();
    assert_eq!(waited.status_code, 0);
    let whole = logs_count(&endpoint, &id, false);
    for report in [&followed, &whole] {
        assert_eq!(report["stdout_bytes"], expected, "{report:?}");
        assert_eq!(report["stderr_bytes"], expected, "{report:?}");
        assert_eq!(report["stdout_lines"], lines, "{report:?}");
        assert_eq!(report["stderr_lines"], lines, "{report:?}");
        assert!(
            report["vmhwm_kib"] < 32 * 1024,
            "peak RSS too high: {report:?}"
        );
    }
    eprintln!("100 MB logs: follow {followed:?}, whole {whole:?}");
}
