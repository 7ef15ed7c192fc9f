//! The container lifecycle, logs, exec, attach, stats and archives against a real engine,
//! in both flavours.

use std::time::Duration;

use docker_client::models::{ContainerCreateConfig, HostConfig};
use docker_client::{
    Endpoint, LogsOptions, OutputStream, PruneFilters, RemoveContainerOptions, WaitCondition,
};

use crate::flavours::Api;
use crate::live::{engine, flavours};

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
struct Cleanup<'a>(&'a dyn Api, String);

impl Drop for Cleanup<'_> {
    fn drop(&mut self) {
        let _ = self
            .0
            .remove_container(&self.1, RemoveContainerOptions::default().force(true));
    }
}

fn run<'a>(api: &'a dyn Api, config: &ContainerCreateConfig) -> (String, Cleanup<'a>) {
    let name = unique(api.name());
    let id = api.create_container(Some(&name), config).unwrap().id;
    let guard = Cleanup(api, id.clone());
    api.start_container(&id).unwrap();
    (id, guard)
}

fn live() -> Option<(Endpoint, Vec<Box<dyn Api>>)> {
    let endpoint = engine()?;
    let apis = flavours(&endpoint);
    Some((endpoint, apis))
}

#[test]
fn live_create_start_wait_logs_remove() {
    let Some((_, apis)) = live() else { return };
    for api in &apis {
        let api = api.as_ref();
        let (id, _guard) = run(api, &config("echo out; echo err >&2; echo out2; exit 7"));
        // Starting again is not an error.
        let waited = api.wait_container(&id, WaitCondition::NotRunning).unwrap();
        assert_eq!(waited.status_code, 7, "{}", api.name());
        api.start_container(&id).unwrap_or(());
        api.wait_container(&id, WaitCondition::NotRunning).unwrap();

        let chunks = api
            .logs(&id, &LogsOptions::default(), &mut |_| false)
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
        let chunks = api.logs(&id, &only_err, &mut |_| false).unwrap();
        assert!(chunks.iter().all(|c| c.stream == OutputStream::Stderr));

        api.remove_container(&id, RemoveContainerOptions::default())
            .unwrap();
        assert!(api.inspect_container(&id).unwrap_err().is_not_found());
        assert!(api
            .remove_container(&id, RemoveContainerOptions::default())
            .unwrap_err()
            .is_not_found());
    }
}

#[test]
fn live_tty_prompt_without_newline_is_seen_at_once() {
    let Some((_, apis)) = live() else { return };
    for api in &apis {
        let api = api.as_ref();
        let mut cfg = config("read x; printf 'prompt> '; sleep 30");
        cfg.tty = true;
        cfg.open_stdin = true;
        cfg.attach_stdin = true;
        let (id, _guard) = run(api, &cfg);
        let (out, elapsed) = api.attach_interact(&id, b"go\n", b"prompt> ").unwrap();
        assert!(
            out.ends_with(b"prompt> "),
            "{}: {:?}",
            api.name(),
            String::from_utf8_lossy(&out)
        );
        // No newline follows for 30 s: only a client that passes bytes on as they come sees it.
        assert!(
            elapsed < Duration::from_millis(100),
            "{}: prompt seen {elapsed:?} after the input",
            api.name()
        );
    }
}

#[test]
fn live_tty_logs_follow_as_console_output() {
    let Some((_, apis)) = live() else { return };
    for api in &apis {
        let api = api.as_ref();
        let mut cfg = config("echo one; sleep 1; echo two; sleep 30");
        cfg.tty = true;
        let (id, _guard) = run(api, &cfg);
        let follow = LogsOptions::default().follow(true);
        let mut seen = Vec::new();
        let chunks = api
            .logs(&id, &follow, &mut |c| {
                seen.extend_from_slice(&c.data);
                seen.ends_with(b"two\r\n")
            })
            .unwrap();
        assert!(chunks.iter().all(|c| c.stream == OutputStream::Console));
        assert_eq!(seen, b"one\r\ntwo\r\n", "{}", api.name());
    }
}

#[test]
fn live_stop_pause_rename_update_stats_and_prune() {
    let Some((_, apis)) = live() else { return };
    for api in &apis {
        let api = api.as_ref();
        let (id, _guard) = run(api, &config("trap 'exit 0' TERM; sleep 3600 & wait"));
        // On a loaded machine runc's cgroup freezer can time out ("unable to freeze"); the
        // engine then answers 500 and leaves the container running: try again.
        let mut attempts = 0;
        loop {
            match api.pause_container(&id) {
                Err(e) if e.status_code() == Some(500) && attempts < 10 => {
                    attempts += 1;
                    std::thread::sleep(Duration::from_millis(200));
                }
                other => break other.unwrap(),
            }
        }
        assert_eq!(api.inspect_container(&id).unwrap().state.status, "paused");
        api.unpause_container(&id).unwrap();
        assert_eq!(api.inspect_container(&id).unwrap().state.status, "running");

        let new_name = unique("renamed");
        api.rename_container(&id, &new_name).unwrap();
        assert_eq!(api.inspect_container(&new_name).unwrap().id, id);

        let warnings = api
            .update_container(
                &id,
                &serde_json::json!({"Memory": 64 << 20, "MemorySwap": -1}),
            )
            .unwrap();
        let _ = warnings;
        assert_eq!(
            api.inspect_container(&id).unwrap().host_config.memory,
            64 << 20
        );

        let stats = api.container_stats(&id).unwrap();
        assert!(!stats.read.is_empty());
        let samples = api.container_stats_stream(&id, 2).unwrap();
        assert_eq!(samples.len(), 2);

        api.stop_container(&id, Some(Duration::from_secs(5)))
            .unwrap();
        api.stop_container(&id, Some(Duration::from_secs(5)))
            .unwrap();
        assert!(!api.inspect_container(&id).unwrap().state.running);

        let label = format!("dkr-prune={}", unique("p"));
        let mut cfg = config("true");
        cfg.labels
            .insert("dkr-prune".into(), label["dkr-prune=".len()..].into());
        let pruned = api.create_container(None, &cfg).unwrap().id;
        // The engine runs one prune at a time and refuses (409) another started meanwhile,
        // by this suite's other live tests for instance: retry that refusal.
        let filters = PruneFilters::default().filter("label", &label);
        let mut attempts = 0;
        let report = loop {
            match api.prune_containers(&filters) {
                Err(e) if e.is_conflict() && attempts < 50 => {
                    attempts += 1;
                    std::thread::sleep(Duration::from_millis(100));
                }
                other => break other.unwrap(),
            }
        };
        assert_eq!(report.containers_deleted, [pruned]);
    }
}

#[test]
fn live_exec_round_trips_stdin_and_reports_exit_codes() {
    let Some((_, apis)) = live() else { return };
    for api in &apis {
        let api = api.as_ref();
        let (id, _guard) = run(api, &config("sleep 3600"));
        let payload: Vec<u8> = (0..200_000u32).map(|i| b'a' + (i % 26) as u8).collect();
        let (chunks, code) = api.exec(&id, &["cat"], Some(&payload), false).unwrap();
        let out: Vec<u8> = chunks.iter().flat_map(|c| c.data.clone()).collect();
        assert_eq!(out.len(), payload.len(), "{}", api.name());
        assert!(out == payload, "{}: cat echoed different bytes", api.name());
        assert_eq!(code, Some(0), "EOF must reach cat so that it exits");

        let (chunks, code) = api
            .exec(
                &id,
                &["sh", "-c", "echo o; echo e >&2; exit 5"],
                None,
                false,
            )
            .unwrap();
        assert_eq!(code, Some(5));
        assert!(chunks
            .iter()
            .any(|c| c.stream == OutputStream::Stderr && c.data == b"e\n"));
        assert!(chunks
            .iter()
            .any(|c| c.stream == OutputStream::Stdout && c.data == b"o\n"));

        let (chunks, code) = api.exec(&id, &["echo", "tty"], None, true).unwrap();
        assert_eq!(code, Some(0));
        let out: Vec<u8> = chunks.iter().flat_map(|c| c.data.clone()).collect();
        assert_eq!(out, b"tty\r\n");
        assert!(chunks.iter().all(|c| c.stream == OutputStream::Console));
    }
}

#[test]
fn live_attach_delivers_stdin_and_eof() {
    let Some((_, apis)) = live() else { return };
    for api in &apis {
        let api = api.as_ref();
        let mut cfg = config("cat; echo done");
        cfg.open_stdin = true;
        cfg.stdin_once = true;
        cfg.attach_stdin = true;
        let name = unique(api.name());
        let id = api.create_container(Some(&name), &cfg).unwrap().id;
        let _guard = Cleanup(api, id.clone());
        api.start_container(&id).unwrap();
        let out = api.attach(&id, b"ping\n").unwrap();
        assert_eq!(out, b"ping\ndone\n", "{}", api.name());
        let waited = api.wait_container(&id, WaitCondition::NotRunning).unwrap();
        assert_eq!(waited.status_code, 0);
    }
}

#[test]
fn live_archives_go_in_and_out() {
    let Some((_, apis)) = live() else { return };
    for api in &apis {
        let api = api.as_ref();
        let (id, _guard) = run(api, &config("sleep 3600"));
        api.put_archive(&id, "/tmp", tar_with("hello.txt", b"hello archive\n"))
            .unwrap();
        let stat = api.stat_path(&id, "/tmp/hello.txt").unwrap();
        assert_eq!(stat.name, "hello.txt");
        assert_eq!(stat.size, 14);
        assert!(!stat.is_dir());
        assert!(api.stat_path(&id, "/tmp").unwrap().is_dir());
        let (stat, tar) = api.get_archive(&id, "/tmp/hello.txt").unwrap();
        assert_eq!(stat.size, 14);
        assert!(tar.windows(14).any(|w| w == b"hello archive\n"));
        assert!(api
            .stat_path(&id, "/nonexistent")
            .unwrap_err()
            .is_not_found());
        assert!(api.export_len(&id).unwrap() > 500_000);
    }
}

#[test]
fn live_create_takes_host_config_and_refuses_bad_names() {
    let Some((_, apis)) = live() else { return };
    for api in &apis {
        let api = api.as_ref();
        let mut cfg = config("sleep 3600");
        cfg.env = vec!["A=1".into()];
        cfg.working_dir = "/tmp".into();
        cfg.host_config = HostConfig {
            memory: 32 << 20,
            auto_remove: false,
            ..Default::default()
        };
        let name = unique(api.name());
        let created = api.create_container(Some(&name), &cfg).unwrap();
        let _guard = Cleanup(api, created.id.clone());
        let c = api.inspect_container(&created.id).unwrap();
        assert_eq!(c.config.env.iter().filter(|e| *e == "A=1").count(), 1);
        assert_eq!(c.config.working_dir, "/tmp");
        assert_eq!(c.host_config.memory, 32 << 20);
        let e = api.create_container(Some(&name), &cfg).unwrap_err();
        assert!(e.is_conflict(), "{e:?}");
        let e = api.create_container(Some("bad name"), &cfg).unwrap_err();
        assert!(
            matches!(e, docker_client::Error::InvalidArgument { .. }),
            "{e:?}"
        );
    }
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
