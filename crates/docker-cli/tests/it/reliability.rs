//! dkr's reliability behaviour, mostly without an engine: `--timeout` bounds a call whose
//! answer trickles, a name refused by the library says why (with docker 28's exit status),
//! and a plain TCP engine beyond loopback is warned about once.

use std::io::{BufRead, BufReader, Write};
use std::os::unix::net::UnixListener;
use std::process::{Command, Output, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::thread;
use std::time::{Duration, Instant};

const DKR: &str = env!("CARGO_BIN_EXE_dkr");

fn dkr(host: &str, args: &[&str]) -> Output {
    Command::new(DKR)
        .args(args)
        .env("DOCKER_HOST", host)
        .env_remove("DOCKER_API_VERSION")
        .env_remove("DOCKER_CONTEXT")
        .env_remove("DOCKER_TLS_VERIFY")
        .env_remove("DOCKER_TLS")
        .stdin(Stdio::null())
        .output()
        .expect("dkr runs")
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// An engine that answers every request with a head declaring a million bytes, then one
/// byte every half second.
fn trickling_engine(dir: &std::path::Path, stop: Arc<AtomicBool>) -> String {
    let socket = dir.join("e.sock");
    let listener = UnixListener::bind(&socket).unwrap();
    thread::spawn(move || {
        for conn in listener.incoming() {
            let Ok(mut conn) = conn else { return };
            let stop = stop.clone();
            thread::spawn(move || {
                let mut reader = BufReader::new(conn.try_clone().unwrap());
                let mut line = String::new();
                while reader.read_line(&mut line).is_ok_and(|n| n > 2) {
                    line.clear();
                }
                let head = "HTTP/1.1 200 OK\r\nApi-Version: 1.41\r\nContent-Type: application/json\r\nContent-Length: 1000000\r\n\r\n";
                if conn.write_all(head.as_bytes()).is_err() {
                    return;
                }
                while !stop.load(Ordering::SeqCst) && conn.write_all(b" ").is_ok() {
                    thread::sleep(Duration::from_millis(500));
                }
            });
        }
    });
    format!("unix://{}", socket.display())
}

#[test]
fn ps_with_timeout_2_ends_a_trickled_answer_after_2_seconds() {
    let dir = std::env::temp_dir().join(format!("dkr-cli-trickle-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let stop = Arc::new(AtomicBool::new(false));
    let host = trickling_engine(&dir, stop.clone());
    let started = Instant::now();
    let o = dkr(&host, &["ps", "--timeout", "2"]);
    let elapsed = started.elapsed();
    stop.store(true, Ordering::SeqCst);
    let _ = std::fs::remove_dir_all(&dir);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(err.contains("total timeout after 2s"), "{err}");
    assert!(err.contains("during GET /containers/json"), "{err}");
    assert!(
        elapsed >= Duration::from_secs(2) && elapsed < Duration::from_secs(5),
        "dkr ps --timeout 2 took {elapsed:?}"
    );
}

/// Names the library refuses before sending anything, and the reason dkr prints.
const REFUSED: [(&str, &str); 3] = [
    (
        "../images/json",
        "Error: invalid container ID or name: \"../images/json\" has an empty, '.' or '..' path component, which the engine would redirect to another endpoint",
    ),
    ("", "Error: invalid container ID or name: \"\" is empty"),
    (
        "a\nb",
        "Error: invalid container ID or name: \"a\\nb\" holds a control character",
    ),
];

#[test]
fn inspect_prints_why_the_library_refused_a_name() {
    // Nothing is sent for these names, so no engine needs to listen.
    let host = "unix:///nonexistent/dkr-reliability.sock";
    for (name, reason) in REFUSED {
        let o = dkr(host, &["inspect", name]);
        assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
        assert_eq!(stderr(&o), format!("{reason}\n"));
        assert_eq!(String::from_utf8_lossy(&o.stdout), "[]\n");
    }
    // Every command says the same.
    for args in [["rm", ""], ["stop", "../x"], ["logs", ""], ["top", ".."]] {
        let o = dkr(host, &args);
        assert_eq!(o.status.code(), Some(1), "{args:?}: {}", stderr(&o));
        assert!(
            stderr(&o).starts_with("Error: invalid container ID or name: "),
            "{args:?}: {}",
            stderr(&o)
        );
    }
}

#[test]
fn refused_names_exit_with_docker_28s_status() {
    let Some(host) = crate::live::engine() else {
        return;
    };
    if Command::new("docker").arg("--version").output().is_err() {
        eprintln!("skipping: no docker CLI to compare with");
        return;
    }
    for (name, _) in REFUSED {
        let ours = dkr(&host, &["inspect", name]);
        let docker = Command::new("docker")
            .args(["inspect", name])
            .env("DOCKER_HOST", &host)
            .stdin(Stdio::null())
            .output()
            .unwrap();
        assert_eq!(
            ours.status.code(),
            docker.status.code(),
            "inspect {name:?}: docker said {}",
            stderr(&docker)
        );
    }
}

#[test]
fn a_plain_tcp_engine_beyond_loopback_is_warned_about_once() {
    // The refused name means nothing is sent: no traffic leaves the machine.
    let o = dkr("tcp://192.0.2.10:2375", &["inspect", ""]);
    let err = stderr(&o);
    assert_eq!(err.matches("WARNING:").count(), 1, "{err}");
    assert!(
        err.starts_with("WARNING: the Docker engine at tcp://192.0.2.10:2375 (from DOCKER_HOST)"),
        "{err}"
    );
    assert!(
        err.contains("root-equivalent") && err.contains("unencrypted"),
        "{err}"
    );
    let o = dkr("tcp://127.0.0.1:9", &["inspect", ""]);
    assert!(!stderr(&o).contains("WARNING"), "{}", stderr(&o));
}
