//! The `tracing` feature: one span per request with its method, path, the names of its
//! query's parameters, status, bytes and duration; events for the watcher's reconnections
//! and resyncs; and never a header, a body, a query value, a credential or an engine's
//! message in any of it. A subscriber of the tests' own, installed for the whole binary,
//! keeps every span and event as a line of text.

use std::collections::BTreeMap;
use std::fmt::{self, Write as _};
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

use docker_client::models::{AuthConfig, ContainerCreateConfig};
use docker_client::{
    ListContainersOptions, PullImageOptions, ResyncReason, WatchConfig, WatchItem,
};
use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id, Record};
use tracing::{Event, Metadata, Subscriber};

use crate::fake::{self, FakeEngine};
use crate::flavours::{both, pinned, Pull, Wait};

/// Every span (once closed) and event, as `kind target field=value ...`.
struct Capture;

static NEXT: AtomicU64 = AtomicU64::new(1);
static OPEN: Mutex<BTreeMap<u64, String>> = Mutex::new(BTreeMap::new());
static LINES: Mutex<Vec<String>> = Mutex::new(Vec::new());

struct Fields<'a>(&'a mut String);

impl Visit for Fields<'_> {
    fn record_debug(&mut self, field: &Field, value: &dyn fmt::Debug) {
        let _ = write!(self.0, " {}={value:?}", field.name());
    }
}

impl Subscriber for Capture {
    fn enabled(&self, _: &Metadata<'_>) -> bool {
        true
    }

    fn new_span(&self, span: &Attributes<'_>) -> Id {
        let id = NEXT.fetch_add(1, Ordering::Relaxed);
        let meta = span.metadata();
        let mut line = format!("span {}:{}", meta.target(), meta.name());
        span.record(&mut Fields(&mut line));
        OPEN.lock().unwrap().insert(id, line);
        Id::from_u64(id)
    }

    fn record(&self, span: &Id, values: &Record<'_>) {
        if let Some(line) = OPEN.lock().unwrap().get_mut(&span.into_u64()) {
            values.record(&mut Fields(line));
        }
    }

    fn record_follows_from(&self, _: &Id, _: &Id) {}

    fn event(&self, event: &Event<'_>) {
        let mut line = format!("event {}", event.metadata().target());
        event.record(&mut Fields(&mut line));
        LINES.lock().unwrap().push(line);
    }

    fn enter(&self, _: &Id) {}

    fn exit(&self, _: &Id) {}

    fn try_close(&self, span: Id) -> bool {
        if let Some(line) = OPEN.lock().unwrap().remove(&span.into_u64()) {
            LINES.lock().unwrap().push(line);
        }
        true
    }
}

/// Installs [`Capture`] for the whole binary, once: the spans of the watcher's thread and
/// of tokio's workers reach it too.
fn capture() {
    static INSTALLED: OnceLock<()> = OnceLock::new();
    INSTALLED.get_or_init(|| {
        tracing::subscriber::set_global_default(Capture).expect("no other subscriber here")
    });
}

/// The captured lines that contain `needle`.
fn lines_with(needle: &str) -> Vec<String> {
    let lines = LINES.lock().unwrap();
    lines
        .iter()
        .filter(|l| l.contains(needle))
        .cloned()
        .collect()
}

/// A name no other test uses, for telling this test's spans apart.
fn unique(what: &str) -> String {
    static N: AtomicUsize = AtomicUsize::new(0);
    format!(
        "{what}-{}-{}",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed)
    )
}

#[test]
fn each_request_is_one_span_with_method_path_query_names_status_bytes_and_duration() {
    capture();
    let body = r#"{"Id":"0123456789ab","Name":"/web","State":{"Status":"running"}}"#;
    let engine = FakeEngine::start(move |req| match req.target.contains("/json?") {
        true => fake::json(200, "[]"),
        false => fake::json(200, body),
    });
    both!(pinned(engine.socket(), "1.41"), |api| {
        let name = unique("traced");
        api.inspect_container(&name).wait().unwrap();
        let spans = lines_with(&format!("/v1.41/containers/{name}/json"));
        assert_eq!(spans.len(), 1, "one span per request: {spans:?}");
        let span = &spans[0];
        for field in [
            "span docker_transport:request",
            r#"method="GET""#,
            "status=200",
            &format!("bytes={}", body.len()),
            "duration_us=",
            r#"outcome="end""#,
        ] {
            assert!(span.contains(field), "{field} is missing from {span}");
        }

        // The query's parameters are named; their values are not recorded.
        let label = unique("LABEL-VALUE-SECRET");
        let opts = ListContainersOptions::default()
            .all(true)
            .filter("label", format!("team={label}"));
        api.list_containers(&opts).wait().unwrap();
        let listed: Vec<String> = lines_with("/v1.41/containers/json")
            .into_iter()
            .filter(|l| l.contains("query=all&filters"))
            .collect();
        assert!(!listed.is_empty(), "no span names the query's parameters");
        assert!(lines_with(&label).is_empty(), "a query value was recorded");
    });
}

#[test]
fn no_header_body_credential_or_engine_message_reaches_a_trace() {
    capture();
    let marker = unique("ENGINE-MESSAGE-MARKER");
    let answer = format!(r#"{{"message":"{marker}"}}"#);
    let engine = FakeEngine::start(move |req| match req.target.contains("/images/create") {
        true => fake::json(500, &answer),
        false => fake::json(201, r#"{"Id":"RESPONSE-BODY-MARKER","Warnings":[]}"#),
    });
    let password = unique("hunter2-PASSWORD");
    let env = unique("REQUEST-BODY-MARKER");
    both!(pinned(engine.socket(), "1.41"), |api| {
        let auth = AuthConfig {
            username: "dkr".into(),
            password: password.clone(),
            ..Default::default()
        };
        let opts = PullImageOptions::default().auth(auth);
        let pulled = api
            .pull_image("127.0.0.1:5000/dkr/bb:it", &opts)
            .wait()
            .and_then(|mut p| p.pull().unwrap_or(Ok(Default::default())).map(drop));
        assert!(pulled.is_err(), "the engine refuses the pull");
        let config = ContainerCreateConfig {
            image: "bb:latest".into(),
            env: vec![format!("SECRET={env}")],
            ..Default::default()
        };
        api.create_container(Some("traced"), &config)
            .wait()
            .unwrap();
    });
    let requests = engine.requests();
    let header = requests
        .iter()
        .find_map(|r| r.header("x-registry-auth"))
        .expect("the pull carries credentials")
        .to_owned();
    assert!(
        !lines_with("/v1.41/images/create").is_empty()
            && !lines_with("/containers/create").is_empty(),
        "both requests are traced"
    );
    for secret in [
        marker.as_str(),
        "RESPONSE-BODY-MARKER",
        env.as_str(),
        password.as_str(),
        header.as_str(),
        "X-Registry-Auth",
        "x-registry-auth",
    ] {
        let found = lines_with(secret);
        assert!(found.is_empty(), "{secret:?} reached a trace: {found:?}");
    }
}

#[test]
fn the_watcher_traces_each_reconnection_and_resync_by_status_not_message() {
    capture();
    let marker = unique("WATCH-REFUSAL-MARKER");
    let refusal = format!(r#"{{"message":"{marker}"}}"#);
    let infos = Arc::new(AtomicUsize::new(0));
    let engine = {
        let infos = infos.clone();
        FakeEngine::start(move |req| {
            if req.target.starts_with("/v1.41/info") {
                return match infos.fetch_add(1, Ordering::Relaxed) {
                    0 => fake::json(503, &refusal),
                    _ => fake::json(200, r#"{"ID":"engine-a","ServerVersion":"20.10.24"}"#),
                };
            }
            // The stream opens, then ends at once: the watcher reconnects.
            fake::then_close(
                b"HTTP/1.1 200 OK\r\nApi-Version: 1.41\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
                    .to_vec(),
            )
        })
    };
    let api: docker_client::blocking::Client = pinned(engine.socket(), "1.41");
    let mut config = WatchConfig::default();
    config.backoff.initial = Duration::from_millis(10);
    config.backoff.max = Duration::from_millis(20);
    let watcher = api.watch_events_with(&Default::default(), config);
    let deadline = Instant::now() + Duration::from_secs(10);
    let mut resynced = None;
    while resynced.is_none() && Instant::now() < deadline {
        if let Ok(Some(WatchItem::Resynced(reason))) = watcher.next_timeout(Duration::from_secs(1))
        {
            resynced = Some(reason);
        }
    }
    watcher.stop();
    assert!(
        matches!(resynced, Some(ResyncReason::EngineUnreachable { .. })),
        "{resynced:?}"
    );
    let refused = lines_with("the engine refused the subscription");
    assert!(
        refused
            .iter()
            .any(|l| l.contains("attempt=1") && l.contains("status=503")),
        "{refused:?}"
    );
    assert!(
        !lines_with("event stream: resync").is_empty(),
        "the resync is traced"
    );
    assert!(
        lines_with(&marker).is_empty(),
        "the engine's message reached a trace"
    );
}
