//! The system, container, event and raw calls against a real engine, in both flavours.
//!
//! The engine is `DOCKER_HOST`, else the private engine of `cargo xtask engine up`, else
//! `/var/run/docker.sock`. Without a reachable engine these tests skip and say so, except
//! under CI (`CI=true`), where an engine is required and its absence fails them.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant, SystemTime};

use docker_client::models::ChangeKind;
use docker_client::{blocking, Endpoint, Error, EventsOptions, ListContainersOptions, Method};

use crate::flavours::{both, client, Named, Pull, Wait};

/// The engine's endpoint, or `None` (outside CI) when none answers.
pub(crate) fn engine() -> Option<Endpoint> {
    let endpoint = match std::env::var("DOCKER_HOST") {
        Ok(h) if !h.is_empty() => Endpoint::parse(&h).expect("DOCKER_HOST must be valid"),
        _ if std::path::Path::new("/tmp/dkr/docker.sock").exists() => {
            Endpoint::Unix("/tmp/dkr/docker.sock".into())
        }
        _ => Endpoint::default(),
    };
    let client = blocking::Client::builder()
        .endpoint(endpoint.clone())
        .build()
        .unwrap();
    match client.ping() {
        Ok(_) => Some(endpoint),
        Err(e) if std::env::var("CI").is_ok_and(|v| v == "true") => {
            panic!("CI requires a live engine, and {endpoint} does not answer: {e}")
        }
        Err(e) => {
            eprintln!(
                "skipping live test: no engine at {endpoint} ({e}); run `cargo xtask engine up`"
            );
            None
        }
    }
}

/// A container made for one test, removed when dropped.
struct Scratch {
    client: blocking::Client,
    id: String,
    name: String,
}

impl Scratch {
    /// Creates and starts a `bb:latest` container running `script` under `sh -c`.
    fn run(endpoint: &Endpoint, script: &str) -> Scratch {
        static N: AtomicUsize = AtomicUsize::new(0);
        let name = format!(
            "dkr-it-{}-{}",
            std::process::id(),
            N.fetch_add(1, Ordering::Relaxed)
        );
        let client = blocking::Client::builder()
            .endpoint(endpoint.clone())
            .build()
            .unwrap();
        let body = serde_json::json!({
            "Image": "bb:latest",
            "Cmd": ["sh", "-c", script],
            "Labels": {"dkr-it": "1"},
        });
        let res = client
            .request(
                Method::Post,
                "/containers/create",
                &[("name", &name)],
                Some(serde_json::to_vec(&body).unwrap()),
            )
            .unwrap();
        assert_eq!(res.status(), 201, "create {name}");
        let created: serde_json::Value = res.json().unwrap();
        let id = created["Id"].as_str().unwrap().to_owned();
        let path = format!("/containers/{id}/start");
        let res = client.request(Method::Post, &path, &[], None).unwrap();
        assert_eq!(res.status(), 204, "start {name}");
        Scratch { client, id, name }
    }

    /// Waits for the container to stop and returns its exit code.
    fn wait_exit(&self) -> i64 {
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let c = self.client.inspect_container(&self.id).unwrap();
            if !c.state.running {
                return c.state.exit_code;
            }
            assert!(Instant::now() < deadline, "{} did not stop", self.name);
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let path = format!("/containers/{}", self.id);
        let _ = self
            .client
            .request(Method::Delete, &path, &[("force", "1")], None)
            .and_then(|r| r.bytes());
    }
}

/// A script that traps TERM and exits 3, after leaving a file behind.
const TRAP_TERM: &str = "echo hi > /created; trap 'exit 3' TERM; sleep 3600 & wait";

#[test]
fn live_system_calls_answer() {
    let Some(endpoint) = engine() else { return };
    both!(client(&endpoint, None), |api| {
        let ping = api.ping().wait().unwrap();
        assert!(!ping.api_version.is_empty());
        assert_eq!(ping.os_type, "linux");
        let version = api.version().wait().unwrap();
        assert!(!version.version.is_empty());
        assert!(!version.api_version.is_empty());
        let info = api.info().wait().unwrap();
        assert!(!info.id.is_empty());
        assert!(!info.server_version.is_empty());
        let v = api.api_version().wait().unwrap();
        assert!(v >= docker_client::ApiVersion::MIN && v <= docker_client::ApiVersion::MAX);
    });
}

#[test]
fn live_list_and_inspect_see_a_running_container() {
    let Some(endpoint) = engine() else { return };
    let c = Scratch::run(&endpoint, TRAP_TERM);
    both!(client(&endpoint, None), |api| {
        let opts = ListContainersOptions::default().filter("name", &c.name);
        let list = api.list_containers(&opts).wait().unwrap();
        assert_eq!(list.len(), 1, "{}", api.name());
        assert_eq!(list[0].id, c.id);
        assert_eq!(list[0].state, "running");

        let by_name = api.inspect_container(&c.name).wait().unwrap();
        let by_prefix = api.inspect_container(&c.id[..12]).wait().unwrap();
        assert_eq!(by_name.id, c.id);
        assert_eq!(by_prefix.id, c.id);
        assert!(by_name.state.running);
        assert!(by_name.state.pid > 0);
        assert_eq!(by_name.name, format!("/{}", c.name));

        let image = api.inspect_image("bb:latest").wait().unwrap();
        assert_eq!(image.id, by_name.image);
        assert!(image.repo_tags.iter().any(|t| t == "bb:latest"));

        let net = api.inspect_network("host").wait().unwrap();
        assert_eq!(net.name, "host");
        assert_eq!(net.driver, "host");
    });
}

#[test]
fn live_top_reads_processes_and_cgroups() {
    let Some(endpoint) = engine() else { return };
    let c = Scratch::run(&endpoint, TRAP_TERM);
    both!(client(&endpoint, None), |api| {
        let top = api.top_container(&c.id, None).wait().unwrap();
        let entries = top.entries().unwrap();
        assert!(
            entries.iter().any(|p| p.command.contains("sleep 3600")),
            "{entries:?}"
        );
        assert!(entries
            .iter()
            .all(|p| p.pid > 0 && p.ppid.is_some() && p.cgroup.is_none()));

        let top = api
            .top_container(&c.id, Some("-o pid,ppid,user,cgroup:512,args"))
            .wait()
            .unwrap();
        let entries = top.entries().unwrap();
        assert!(!entries.is_empty());
        for p in &entries {
            let cgroup = p.cgroup.as_deref().unwrap_or("");
            assert!(!cgroup.is_empty(), "no cgroup in {p:?}");
        }
    });
}

#[test]
fn live_diff_lists_the_file_the_container_wrote() {
    let Some(endpoint) = engine() else { return };
    let c = Scratch::run(&endpoint, TRAP_TERM);
    let deadline = Instant::now() + Duration::from_secs(10);
    both!(client(&endpoint, None), |api| {
        loop {
            let diff = api.diff_container(&c.id).wait().unwrap();
            if diff
                .iter()
                .any(|f| f.path == "/created" && f.kind == ChangeKind::Added)
            {
                break;
            }
            assert!(Instant::now() < deadline, "no A /created in {diff:?}");
            std::thread::sleep(Duration::from_millis(50));
        }
    });
}

#[test]
fn live_kill_with_sigterm_lets_the_trap_exit_3() {
    let Some(endpoint) = engine() else { return };
    both!(client(&endpoint, None), |api| {
        let c = Scratch::run(&endpoint, TRAP_TERM);
        // Give the shell time to install its trap.
        std::thread::sleep(Duration::from_millis(300));
        api.kill_container(&c.id, Some("SIGTERM")).wait().unwrap();
        assert_eq!(
            c.wait_exit(),
            3,
            "{}: the signal must be honoured, not SIGKILL (137)",
            api.name()
        );

        let e = api
            .kill_container(&c.id, Some("SIGTERM"))
            .wait()
            .unwrap_err();
        assert!(e.is_conflict(), "{e:?}");
        let e = api.top_container(&c.id, None).wait().unwrap_err();
        assert!(e.is_conflict(), "{e:?}");
    });
}

#[test]
fn live_kill_refuses_a_bad_signal() {
    let Some(endpoint) = engine() else { return };
    let c = Scratch::run(&endpoint, TRAP_TERM);
    both!(client(&endpoint, None), |api| {
        let e = api
            .kill_container(&c.id, Some("SIGFOO"))
            .wait()
            .unwrap_err();
        assert_eq!(e.status_code(), Some(400), "{e:?}");
        assert!(e.message().unwrap_or("").contains("SIGFOO"), "{e:?}");
    });
}

#[test]
fn live_restart_starts_the_container_again() {
    let Some(endpoint) = engine() else { return };
    let c = Scratch::run(&endpoint, TRAP_TERM);
    both!(client(&endpoint, None), |api| {
        let before = api.inspect_container(&c.id).wait().unwrap();
        api.restart_container(&c.id, Some(Duration::from_secs(1)))
            .wait()
            .unwrap();
        let after = api.inspect_container(&c.id).wait().unwrap();
        assert!(after.state.running);
        assert_ne!(after.state.started_at, before.state.started_at);
        assert_ne!(after.state.pid, before.state.pid);
    });
}

#[test]
fn live_missing_objects_are_not_found() {
    let Some(endpoint) = engine() else { return };
    both!(client(&endpoint, None), |api| {
        assert!(api
            .inspect_container("dkr-it-nosuch")
            .wait()
            .unwrap_err()
            .is_not_found());
        assert!(api
            .inspect_image("dkr-it-nosuch:latest")
            .wait()
            .unwrap_err()
            .is_not_found());
        assert!(api
            .inspect_network("dkr-it-nosuch")
            .wait()
            .unwrap_err()
            .is_not_found());
        assert!(api
            .top_container("dkr-it-nosuch", None)
            .wait()
            .unwrap_err()
            .is_not_found());
        assert!(api
            .diff_container("dkr-it-nosuch")
            .wait()
            .unwrap_err()
            .is_not_found());
        assert!(api
            .kill_container("dkr-it-nosuch", None)
            .wait()
            .unwrap_err()
            .is_not_found());
        assert!(api
            .restart_container("dkr-it-nosuch", None)
            .wait()
            .unwrap_err()
            .is_not_found());
        let e = api.inspect_container("../../info").wait().unwrap_err();
        assert!(matches!(e, Error::InvalidArgument { .. }), "{e:?}");
    });
}

#[test]
fn live_events_replay_a_window_and_end() {
    let Some(endpoint) = engine() else { return };
    let since = SystemTime::now() - Duration::from_secs(1);
    let c = Scratch::run(&endpoint, TRAP_TERM);
    std::thread::sleep(Duration::from_millis(300));
    c.client.kill_container(&c.id, Some("SIGTERM")).unwrap();
    c.wait_exit();
    let until = SystemTime::now() + Duration::from_secs(1);
    let opts = EventsOptions::default()
        .since(since)
        .until(until)
        .filter("container", &c.id);
    both!(client(&endpoint, None), |api| {
        let events: Vec<_> = api
            .events(&opts)
            .wait()
            .unwrap()
            .iter()
            .take(1000)
            .map(|e| e.unwrap())
            .collect();
        let actions: Vec<&str> = events.iter().map(|e| e.action.as_str()).collect();
        for wanted in ["create", "start", "kill", "die"] {
            assert!(actions.contains(&wanted), "{}: {actions:?}", api.name());
        }
        let kill = events.iter().find(|e| e.action == "kill").unwrap();
        assert_eq!(
            kill.actor.attributes.get("signal").map(String::as_str),
            Some("15")
        );
        let die = events.iter().find(|e| e.action == "die").unwrap();
        assert_eq!(
            die.actor.attributes.get("exitCode").map(String::as_str),
            Some("3")
        );
        assert!(events
            .iter()
            .all(|e| e.actor.id == c.id && e.time_nano() > 0));
    });
}

#[test]
fn live_raw_request_reaches_any_endpoint() {
    let Some(endpoint) = engine() else { return };
    both!(client(&endpoint, None), |api| {
        let res = api
            .request(Method::Get, "/images/json", &[], None)
            .wait()
            .unwrap();
        assert_eq!(res.status(), 200);
        let body = res.bytes().wait().unwrap();
        let images: serde_json::Value = serde_json::from_slice(&body).unwrap();
        assert!(images.as_array().is_some_and(|a| !a.is_empty()));
        let res = api
            .request(Method::Get, "/containers/dkr-it-nosuch/json", &[], None)
            .wait()
            .unwrap();
        assert_eq!(res.status(), 404);
    });
}
