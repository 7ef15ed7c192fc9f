//! The event watcher and the container inventory against scripted fake engines, in both
//! flavours: streams cut in the middle of an event and resumed from the replay, replays
//! that prove a gap, unreachable and changed engines, a consumer that does not read, and
//! how fast `stop` returns while nothing flows.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use docker_client::models::EventMessage;
use docker_client::{
    Client, ContainerInventory, Error, EventWatcher, EventsOptions, Flavour, InventoryChange,
    InventoryOptions, ResyncReason, RunState, TimeoutKind, WatchConfig, WatchItem,
};

use crate::fake::{self, FakeEngine, Seen};
use crate::flavours::{both, pinned, Named, TestFlavour, Wait};

/// A client of the fake engine at `socket`, pinned to API 1.41.
fn on_fake<F: Flavour>(socket: &Path) -> Client<F> {
    pinned(socket, "1.41")
}

/// Collects items until `done` says so, the watcher ends, or `within` passes.
fn collect<F: TestFlavour>(
    w: &EventWatcher<F>,
    within: Duration,
    mut done: impl FnMut(&[WatchItem]) -> bool,
) -> Vec<WatchItem> {
    let deadline = Instant::now() + within;
    let mut out = Vec::new();
    while !done(&out) {
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            break;
        }
        match F::resolve(w.next_timeout(left)) {
            Ok(Some(item)) => out.push(item),
            Ok(None) => break,
            Err(e) => {
                assert!(is_wait_timeout(&e), "{}: {e:?}", F::NAME);
                break;
            }
        }
    }
    out
}

/// True for the error of a `next_timeout` whose wait ran out.
fn is_wait_timeout(e: &Error) -> bool {
    matches!(
        e,
        Error::Timeout {
            kind: TimeoutKind::Wait,
            ..
        }
    )
}

fn events_of(items: &[WatchItem]) -> Vec<&EventMessage> {
    items
        .iter()
        .filter_map(|i| match i {
            WatchItem::Event(e) => Some(e),
            _ => None,
        })
        .collect()
}

fn resyncs_of(items: &[WatchItem]) -> Vec<&ResyncReason> {
    items
        .iter()
        .filter_map(|i| match i {
            WatchItem::Resynced(r) => Some(r),
            _ => None,
        })
        .collect()
}

fn attempts_of(items: &[WatchItem]) -> Vec<u32> {
    items
        .iter()
        .filter_map(|i| match i {
            WatchItem::Reconnecting { attempt, .. } => Some(*attempt),
            _ => None,
        })
        .collect()
}

// ---------------------------------------------------------------------------------------
// A scripted engine with an event log
// ---------------------------------------------------------------------------------------

/// 2023-11-14, safely in the past, so that an `until` after the log has passed.
const BASE: i64 = 1_700_000_000_000_000_000;

fn event_json(i: usize, time_nano: i64) -> String {
    let actions = ["create", "start", "kill", "die", "destroy"];
    format!(
        "{{\"status\":\"{a}\",\"id\":\"c{c}\",\"from\":\"bb:latest\",\"Type\":\"container\",\"Action\":\"{a}\",\"Actor\":{{\"ID\":\"c{c}\",\"Attributes\":{{\"image\":\"bb:latest\",\"name\":\"n{c}\"}}}},\"scope\":\"local\",\"time\":{s},\"timeNano\":{time_nano}}}\n",
        a = actions[i % actions.len()],
        c = i % 7,
        s = time_nano / 1_000_000_000,
    )
}

/// `n` events; every fourth shares its nanosecond with the one before.
fn log_of(n: usize) -> Vec<(i64, String)> {
    let mut t = BASE + 123;
    (0..n)
        .map(|i| {
            if i % 4 != 3 {
                t += 1_000_003;
            }
            (t, event_json(i, t))
        })
        .collect()
}

const STREAM_HEAD: &[u8] = b"HTTP/1.1 200 OK\r\nApi-Version: 1.41\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n";

fn chunk(out: &mut Vec<u8>, data: &[u8]) {
    out.extend_from_slice(format!("{:x}\r\n", data.len()).as_bytes());
    out.extend_from_slice(data);
    out.extend_from_slice(b"\r\n");
}

/// A query parameter of a request target, as sent.
fn param<'a>(req: &'a Seen, name: &str) -> Option<&'a str> {
    let query = req.target.split_once('?')?.1;
    query
        .split('&')
        .find_map(|kv| kv.strip_prefix(name)?.strip_prefix('='))
}

/// `secs.nanos` back to nanoseconds.
fn parse_since(text: &str) -> i64 {
    let (s, n) = text.split_once('.').unwrap_or((text, "0"));
    s.parse::<i64>().unwrap() * 1_000_000_000 + format!("{n:0<9}").parse::<i64>().unwrap()
}

/// The engine's replay of `published` events for `since`: walking back from the newest,
/// stopping at the first older event (daemon/events/events.go).
fn replay(published: &[(i64, String)], since: Option<i64>) -> Vec<&str> {
    let Some(since) = since else {
        return Vec::new();
    };
    let mut out: Vec<&str> = published
        .iter()
        .rev()
        .take_while(|(t, _)| *t >= since)
        .map(|(_, l)| l.as_str())
        .collect();
    out.reverse();
    out
}

fn info(id: &str) -> Vec<u8> {
    fake::json(
        200,
        &format!(r#"{{"ID":"{id}","ServerVersion":"20.10.24"}}"#),
    )
}

fn ids(events: &[&EventMessage]) -> Vec<(i64, String, String)> {
    events
        .iter()
        .map(|e| (e.time_nano, e.actor.id.clone(), e.action.clone()))
        .collect()
}

fn expected_ids(log: &[(i64, String)]) -> Vec<(i64, String, String)> {
    log.iter()
        .map(|(_, l)| {
            let e: EventMessage = serde_json::from_str(l).unwrap();
            (e.time_nano, e.actor.id, e.action)
        })
        .collect()
}

// ---------------------------------------------------------------------------------------
// Resume
// ---------------------------------------------------------------------------------------

#[test]
fn a_stream_cut_in_the_middle_of_events_resumes_with_nothing_lost_or_repeated() {
    let log = Arc::new(log_of(60));
    // Connection c delivers the events up to cuts[c].0, then cuts[c].1 bytes of the next.
    let cuts = [(7, 1), (19, 40), (23, 0), (33, 150), (48, 2)];
    let until = UNIX_EPOCH + Duration::from_nanos((BASE + 1_000_000_000_000) as u64);
    let opts = EventsOptions::default()
        .filter("type", "container")
        .until(until);
    both!(F, {
        let connection = Arc::new(Mutex::new(0usize));
        let engine = {
            let (log, connection) = (log.clone(), connection.clone());
            FakeEngine::start(move |req| {
                if req.target.starts_with("/v1.41/info") {
                    return info("engine-a");
                }
                let since = param(req, "since").map(parse_since);
                let mut c = connection.lock().unwrap();
                let published = match *c {
                    0 => 0,
                    n => cuts[n - 1].0 + 1,
                };
                let mut out = STREAM_HEAD.to_vec();
                for line in replay(&log[..published], since) {
                    chunk(&mut out, line.as_bytes());
                }
                let Some(&(upto, partial)) = cuts.get(*c) else {
                    for (_, line) in &log[published..] {
                        chunk(&mut out, line.as_bytes());
                    }
                    out.extend_from_slice(b"0\r\n\r\n");
                    *c += 1;
                    return out;
                };
                for (_, line) in &log[published..upto] {
                    chunk(&mut out, line.as_bytes());
                }
                // The cut: a chunk-size line and `partial` bytes of the next event.
                let next = log[upto].1.as_bytes();
                out.extend_from_slice(format!("{:x}\r\n", next.len()).as_bytes());
                out.extend_from_slice(&next[..partial.min(next.len())]);
                *c += 1;
                fake::then_close(out)
            })
        };
        let api = on_fake::<F>(engine.socket());
        let watcher = api.watch_events_with(&opts, WatchConfig::default());
        let items = collect(&watcher, Duration::from_secs(20), |_| false);
        let name = api.name();
        assert_eq!(
            ids(&events_of(&items)),
            expected_ids(&log),
            "{name}: every event once, in order"
        );
        assert!(resyncs_of(&items).is_empty(), "{name}: {items:?}");
        assert_eq!(attempts_of(&items), [0, 0, 0, 0, 0], "{name}");
        assert!(matches!(
            watcher.next_timeout(Duration::ZERO).wait(),
            Ok(None)
        ));

        // Each reconnection asked for the last event's timeNano, to the nanosecond.
        let sinces: Vec<String> = engine
            .requests()
            .iter()
            .filter(|r| r.target.contains("/events"))
            .map(|r| param(r, "since").unwrap_or("-").to_owned())
            .collect();
        let expected: Vec<String> = std::iter::once("-".to_owned())
            .chain(cuts.iter().map(|(upto, _)| {
                let t = log[upto - 1].0;
                format!("{}.{:09}", t / 1_000_000_000, t % 1_000_000_000)
            }))
            .collect();
        assert_eq!(sinces, expected, "{name}");
        assert!(
            engine
                .requests()
                .iter()
                .filter(|r| r.target.contains("/events"))
                .all(|r| param(r, "until").is_some() && param(r, "filters").is_some()),
            "{name}: until and filters kept"
        );
    });
}

#[test]
fn a_replay_without_our_last_event_is_reported_before_the_events_after_the_gap() {
    let log = Arc::new(log_of(20));
    both!(F, {
        let connection = Arc::new(Mutex::new(0usize));
        let engine = {
            let (log, connection) = (log.clone(), connection.clone());
            FakeEngine::start(move |req| {
                if req.target.starts_with("/v1.41/info") {
                    return info("engine-a");
                }
                let mut c = connection.lock().unwrap();
                *c += 1;
                let mut out = STREAM_HEAD.to_vec();
                if *c == 1 {
                    for (_, line) in &log[..5] {
                        chunk(&mut out, line.as_bytes());
                    }
                    return fake::then_close(out);
                }
                // The engine lost events 4 to 9 (its buffer rotated): the replay starts
                // after our last event, without it.
                for (_, line) in &log[10..] {
                    chunk(&mut out, line.as_bytes());
                }
                out
            })
        };
        let api = on_fake::<F>(engine.socket());
        let watcher = api.watch_events_with(&EventsOptions::default(), WatchConfig::default());
        let items = collect(&watcher, Duration::from_secs(10), |items| {
            events_of(items).len() >= 15
        });
        let name = api.name();
        let kinds: Vec<String> = items
            .iter()
            .map(|i| match i {
                WatchItem::Event(e) => e.time_nano.to_string(),
                WatchItem::Resynced(r) => format!("resynced: {r}"),
                WatchItem::Reconnecting { attempt, .. } => format!("reconnecting {attempt}"),
            })
            .collect();
        assert_eq!(kinds[5], "reconnecting 0", "{name}: {kinds:?}");
        assert_eq!(
            kinds[6],
            format!("resynced: {}", ResyncReason::ReplayIncomplete),
            "{name}"
        );
        assert_eq!(kinds[7], log[10].0.to_string(), "{name}");
        assert_eq!(events_of(&items).len(), 15, "{name}");
        watcher.stop();
    });
}

#[test]
fn an_unreachable_then_changed_engine_is_reported_and_the_backoff_counts_attempts() {
    both!(F, {
        let connection = Arc::new(Mutex::new(0usize));
        let engine = {
            let connection = connection.clone();
            FakeEngine::start(move |req| {
                let mut c = connection.lock().unwrap();
                if req.target.starts_with("/v1.41/info") {
                    *c += 1;
                    return match *c {
                        1 => info("engine-a"),
                        // Three failed attempts: the connection closes without an answer.
                        2..=4 => Vec::new(),
                        5 => info("engine-a"),
                        _ => info("engine-b"),
                    };
                }
                let mut out = STREAM_HEAD.to_vec();
                chunk(&mut out, log_of(1)[0].1.as_bytes());
                // Each stream delivers the same event (deduplicated), then breaks.
                fake::then_close(out)
            })
        };
        let api = on_fake::<F>(engine.socket());
        let mut config = WatchConfig::default();
        config.backoff.initial = Duration::from_millis(20);
        config.backoff.max = Duration::from_millis(50);
        let watcher = api.watch_events_with(&EventsOptions::default(), config);
        let items = collect(&watcher, Duration::from_secs(10), |items| {
            resyncs_of(items).len() >= 2
        });
        watcher.stop();
        let name = api.name();
        assert_eq!(
            events_of(&items).len(),
            1,
            "{name}: deduplicated: {items:?}"
        );
        assert_eq!(attempts_of(&items)[..4], [0, 1, 2, 3], "{name}");
        let resyncs = resyncs_of(&items);
        match resyncs[0] {
            ResyncReason::EngineUnreachable { for_ } => {
                assert!(*for_ >= Duration::from_millis(20), "{name}: {for_:?}")
            }
            other => panic!("{name}: {other:?}"),
        }
        assert_eq!(
            resyncs[1],
            &ResyncReason::EngineChanged {
                old_id: "engine-a".into(),
                new_id: "engine-b".into()
            },
            "{name}"
        );
    });
}

#[test]
fn the_watcher_gives_up_after_max_attempts_and_ends() {
    let dir = std::env::temp_dir().join(format!("dkr-watch-none-{}", std::process::id()));
    let socket = dir.join("missing.sock");
    both!(on_fake(&socket), |api| {
        let mut config = WatchConfig::default();
        config.backoff.initial = Duration::from_millis(1);
        config.max_attempts = Some(3);
        let watcher = api.watch_events_with(&EventsOptions::default(), config);
        let items = collect(&watcher, Duration::from_secs(10), |_| false);
        assert_eq!(attempts_of(&items), [1, 2, 3], "{}", api.name());
        for item in &items {
            if let WatchItem::Reconnecting { error, .. } = item {
                assert!(error.is_connect(), "{}: {error}", api.name());
            }
        }
        assert!(matches!(
            watcher.next_timeout(Duration::ZERO).wait(),
            Ok(None)
        ));
    });
}

// ---------------------------------------------------------------------------------------
// Bounded memory and stopping
// ---------------------------------------------------------------------------------------

#[test]
fn a_consumer_that_does_not_read_gets_an_overflow_report_while_the_socket_is_drained() {
    let log = Arc::new(log_of(100));
    both!(F, {
        let engine = {
            let log = log.clone();
            FakeEngine::start(move |req| {
                if req.target.starts_with("/v1.41/info") {
                    return info("engine-a");
                }
                let mut out = STREAM_HEAD.to_vec();
                for (_, line) in log.iter() {
                    chunk(&mut out, line.as_bytes());
                }
                out // and the stream stays open
            })
        };
        let api = on_fake::<F>(engine.socket());
        let mut config = WatchConfig::default();
        config.capacity = 8;
        let watcher = api.watch_events_with(&EventsOptions::default(), config);
        // The consumer sleeps; the reader must take all 100 events off the socket.
        std::thread::sleep(Duration::from_millis(700));
        let items = collect(&watcher, Duration::from_millis(500), |_| false);
        let name = api.name();
        assert_eq!(items.len(), 9, "{name}: {items:?}");
        assert_eq!(
            ids(&events_of(&items)),
            expected_ids(&log[..8]),
            "{name}: the first 8 in order"
        );
        assert!(
            matches!(
                items[8],
                WatchItem::Resynced(ResyncReason::ConsumerOverflow { dropped: 92 })
            ),
            "{name}: {:?}",
            items[8]
        );
        watcher.stop();
    });
}

#[test]
fn stop_returns_within_100ms_while_no_event_flows() {
    both!(F, {
        let engine = FakeEngine::start(|req| {
            if req.target.starts_with("/v1.41/info") {
                return info("engine-a");
            }
            STREAM_HEAD.to_vec() // a quiet stream: the head, then nothing
        });
        let api = on_fake::<F>(engine.socket());
        let name = api.name();
        let watcher = Arc::new(api.watch_events(&EventsOptions::default()));
        // Wait until the subscription is open and the reader blocked on it.
        let deadline = Instant::now() + Duration::from_secs(10);
        while !engine.lines().iter().any(|l| l.contains("/events")) {
            assert!(Instant::now() < deadline, "{name}: no subscription");
            std::thread::sleep(Duration::from_millis(5));
        }
        assert!(is_wait_timeout(
            &watcher
                .next_timeout(Duration::from_millis(200))
                .wait()
                .unwrap_err()
        ));
        // A consumer blocked in another thread is released by the stop.
        let consumer = {
            let w = watcher.clone();
            std::thread::spawn(move || {
                let start = Instant::now();
                let next = w.next_timeout(Duration::from_secs(30)).wait();
                (matches!(next, Ok(None)), start.elapsed())
            })
        };
        std::thread::sleep(Duration::from_millis(50));
        let start = Instant::now();
        watcher.stop();
        let took = start.elapsed();
        // Far below the consumer's 30 s, and far above what a loaded machine adds.
        assert!(took < Duration::from_secs(3), "{name}: stop took {took:?}");
        let (ended, waited) = consumer.join().unwrap();
        assert!(ended, "{name}: the blocked consumer sees the end");
        assert!(waited < Duration::from_secs(5), "{name}");
    });
}

#[test]
fn drop_and_stop_during_a_long_backoff_return_at_once() {
    let dir = std::env::temp_dir().join(format!("dkr-watch-none2-{}", std::process::id()));
    let socket = dir.join("missing.sock");
    both!(on_fake(&socket), |api| {
        let name = api.name();
        let mut config = WatchConfig::default();
        config.backoff.initial = Duration::from_secs(3600);
        config.backoff.max = Duration::from_secs(3600);
        let watcher = api.watch_events_with(&EventsOptions::default(), config.clone());
        let items = collect(&watcher, Duration::from_secs(5), |items| !items.is_empty());
        assert_eq!(attempts_of(&items), [1], "{name}: now in an hour's backoff");
        let start = Instant::now();
        watcher.stop();
        // The backoff is an hour: returning within seconds is returning at once.
        assert!(start.elapsed() < Duration::from_secs(3), "{name}");
        assert!(matches!(
            watcher.next_timeout(Duration::from_secs(1)).wait(),
            Ok(None)
        ));

        let watcher = api.watch_events_with(&EventsOptions::default(), config);
        let _ = collect(&watcher, Duration::from_secs(5), |items| !items.is_empty());
        let start = Instant::now();
        drop(watcher);
        assert!(start.elapsed() < Duration::from_secs(3), "{name}: drop");
    });
}

// ---------------------------------------------------------------------------------------
// The inventory
// ---------------------------------------------------------------------------------------

/// A scripted engine's containers: id → (name, pid, state), state "running", "paused" or
/// "exited"; and how many inspects it answered.
#[derive(Default)]
struct Containers {
    map: Mutex<BTreeMap<String, (String, u64, &'static str)>>,
    inspects: AtomicUsize,
    gate: AtomicBool,
}

impl Containers {
    fn set(&self, id: &str, name: &str, pid: u64, state: &'static str) {
        let mut map = self.map.lock().unwrap();
        map.insert(id.into(), (name.into(), pid, state));
    }

    fn remove(&self, id: &str) {
        self.map.lock().unwrap().remove(id);
    }

    /// Answers info, list and inspect; `None` for anything else.
    fn answer(&self, req: &Seen) -> Option<Vec<u8>> {
        let path = req.target.split('?').next().unwrap_or("");
        if path == "/v1.41/info" {
            return Some(info("engine-a"));
        }
        let map = self.map.lock().unwrap();
        if path == "/v1.41/containers/json" {
            let list: Vec<_> = map
                .iter()
                .filter(|(_, (_, _, s))| *s != "exited")
                .map(|(id, (name, _, s))| {
                    serde_json::json!({"Id": id, "Names": [format!("/{name}")], "State": s})
                })
                .collect();
            return Some(fake::json(200, &serde_json::to_string(&list).unwrap()));
        }
        let id = path
            .strip_prefix("/v1.41/containers/")?
            .strip_suffix("/json")?;
        self.inspects.fetch_add(1, Ordering::SeqCst);
        Some(match map.get(id) {
            Some((name, pid, s)) => fake::json(200, &inspect_json(id, name, *pid, s)),
            None => fake::json(404, r#"{"message":"No such container"}"#),
        })
    }
}

fn inspect_json(id: &str, name: &str, pid: u64, state: &str) -> String {
    serde_json::json!({
        "Id": id, "Name": format!("/{name}"), "Image": "sha256:ab",
        "Config": {"Image": "bb:latest", "Labels": {"dkr-watch": "1"}},
        "State": {
            "Status": state, "Running": state != "exited", "Paused": state == "paused",
            "Pid": if state == "exited" { 0 } else { pid },
            "StartedAt": format!("2026-01-01T00:00:{:02}Z", pid % 60),
        }
    })
    .to_string()
}

fn container_event(id: &str, action: &str, t: i64) -> String {
    format!(
        "{{\"Type\":\"container\",\"Action\":\"{action}\",\"Actor\":{{\"ID\":\"{id}\",\"Attributes\":{{}}}},\"scope\":\"local\",\"time\":{},\"timeNano\":{t}}}\n",
        t / 1_000_000_000
    )
}

/// True for the watcher's probe of the engine's buffer (`since=0`, unfiltered).
fn is_probe(req: &Seen) -> bool {
    param(req, "since").is_some_and(|s| s.starts_with("0."))
}

/// The probe's answer: the buffer holds an old event, so it reaches back far enough.
fn probe_answer() -> Vec<u8> {
    let mut out = STREAM_HEAD.to_vec();
    chunk(
        &mut out,
        container_event("old", "start", 1_000_000_000).as_bytes(),
    );
    out.extend_from_slice(b"0\r\n\r\n");
    out
}

fn wait_for(what: &str, cond: impl Fn() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(10);
    while !cond() {
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(5));
    }
}

fn next_change<F: TestFlavour>(inv: &ContainerInventory<F>) -> InventoryChange {
    match F::resolve(inv.next_timeout(Duration::from_secs(10))) {
        Ok(Some(c)) => c,
        other => panic!("expected a change, got {other:?}"),
    }
}

#[test]
fn the_inventory_lists_first_then_relists_after_a_gap() {
    both!(F, {
        let state = Arc::new(Containers::default());
        state.set("aaa", "web", 101, "paused");
        state.set("bbb", "db", 102, "exited");
        state.set("ccc", "worker", 103, "running");
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap()
            .as_nanos() as i64;
        let connection = Arc::new(AtomicUsize::new(0));
        let engine = {
            let (state, connection) = (state.clone(), connection.clone());
            FakeEngine::start(move |req| {
                if let Some(answer) = state.answer(req) {
                    return answer;
                }
                if is_probe(req) {
                    return probe_answer();
                }
                let mut out = STREAM_HEAD.to_vec();
                if connection.fetch_add(1, Ordering::SeqCst) == 0 {
                    // Events the first list already reflects: they change nothing.
                    for (id, action, dt) in
                        [("ccc", "start", 1), ("aaa", "pause", 2), ("bbb", "die", 3)]
                    {
                        chunk(&mut out, container_event(id, action, now + dt).as_bytes());
                    }
                    return fake::then_close(out);
                }
                // The engine lost our last event meanwhile: the watcher reports the gap.
                wait_for("the test's changes", || state.gate.load(Ordering::SeqCst));
                chunk(
                    &mut out,
                    container_event("zzz", "kill", now + 50).as_bytes(),
                );
                out
            })
        };
        let api = on_fake::<F>(engine.socket());
        let name = api.name();
        let inv = api
            .watch_containers(&InventoryOptions::default().label("dkr-watch=1"))
            .wait()
            .unwrap();
        let snap = inv.snapshot();
        assert_eq!(snap.keys().collect::<Vec<_>>(), ["aaa", "ccc"], "{name}");
        assert_eq!(snap["ccc"].pid, 103);
        assert_eq!(snap["ccc"].image, "bb:latest");
        assert_eq!(snap["aaa"].state, RunState::Paused);

        // While the stream is down, ddd starts and aaa goes away; only a re-list sees it.
        state.set("ddd", "new", 104, "running");
        state.remove("aaa");
        state.gate.store(true, Ordering::SeqCst);
        let mut changes = Vec::new();
        loop {
            let c = next_change(&inv);
            let done = matches!(c, InventoryChange::Resynced(_));
            changes.push(c);
            if done {
                break;
            }
        }
        assert_eq!(
            changes,
            [
                InventoryChange::Removed("aaa".into(), Some(snap["aaa"].clone())),
                InventoryChange::Added(inv.snapshot()["ddd"].clone()),
                InventoryChange::Resynced(ResyncReason::ReplayIncomplete),
            ],
            "{name}"
        );
        assert_eq!(inv.snapshot()["ddd"].pid, 104);
        assert_eq!(inv.snapshot().keys().collect::<Vec<_>>(), ["ccc", "ddd"]);

        // The list and the events carried the label filter; the events started at the
        // time noted before the list.
        let requests = engine.requests();
        let list = requests
            .iter()
            .find(|r| r.target.starts_with("/v1.41/containers/json"))
            .unwrap();
        assert!(list.target.contains("dkr-watch%3D1"), "{}", list.target);
        let events = requests
            .iter()
            .find(|r| r.target.starts_with("/v1.41/events") && !is_probe(r))
            .unwrap();
        assert!(
            events.target.contains("dkr-watch%3D1") && events.target.contains("since="),
            "{}",
            events.target
        );
        inv.stop();
    });
}

#[test]
fn inventory_events_become_added_state_changed_renamed_and_removed() {
    // Each step is one event; the engine's state moves with it, and the next step waits
    // until the inventory has inspected the container, so that no change is folded into
    // the next. Each step's stream breaks after its event; the replay (since = that
    // event) brings it again, which the watcher removes.
    let script: [(&str, &str, usize); 7] = [
        ("e1", "start", 1),
        ("e1", "kill", 1),
        ("e1", "pause", 2),
        ("e1", "rename", 3),
        ("e1", "die", 4),
        ("e2", "start", 5),
        ("e2", "destroy", 5),
    ];
    both!(F, {
        let state = Arc::new(Containers::default());
        let step = Arc::new(AtomicUsize::new(0));
        let engine = {
            let (state, step) = (state.clone(), step.clone());
            FakeEngine::start(move |req| {
                if let Some(answer) = state.answer(req) {
                    return answer;
                }
                if is_probe(req) {
                    return probe_answer();
                }
                let i = step.load(Ordering::SeqCst);
                if i > 0 {
                    let needed = script[i - 1].2;
                    wait_for("the inspect", || {
                        state.inspects.load(Ordering::SeqCst) >= needed
                    });
                }
                let mut out = STREAM_HEAD.to_vec();
                for (k, (id, action, _)) in script[..i.min(script.len())].iter().enumerate() {
                    chunk(
                        &mut out,
                        container_event(id, action, BASE + k as i64).as_bytes(),
                    );
                }
                let Some((id, action, _)) = script.get(i) else {
                    return out; // all done: stay open
                };
                match *action {
                    "start" => state.set(id, &format!("{id}-name"), 200 + i as u64, "running"),
                    "pause" => state.map.lock().unwrap().get_mut(*id).unwrap().2 = "paused",
                    "rename" => {
                        state.map.lock().unwrap().get_mut(*id).unwrap().0 = "renamed".into()
                    }
                    "die" => state.map.lock().unwrap().get_mut(*id).unwrap().2 = "exited",
                    "destroy" => state.remove(id),
                    _ => (),
                }
                chunk(
                    &mut out,
                    container_event(id, action, BASE + i as i64).as_bytes(),
                );
                step.store(i + 1, Ordering::SeqCst);
                fake::then_close(out)
            })
        };
        let api = on_fake::<F>(engine.socket());
        let name = api.name();
        let inv = api
            .watch_containers(&InventoryOptions::default())
            .wait()
            .unwrap();
        assert!(inv.snapshot().is_empty());
        let changes: Vec<String> = (0..6)
            .map(|_| match next_change(&inv) {
                InventoryChange::Added(e) => format!("added {} {} pid {}", e.id, e.name, e.pid),
                InventoryChange::Removed(id, e) => {
                    format!("removed {id} {}", e.map_or("?".into(), |e| e.name))
                }
                InventoryChange::StateChanged { id, from, to } => {
                    format!("{id} {from} -> {to}")
                }
                InventoryChange::Renamed { id, from, to } => {
                    format!("renamed {id} {from} -> {to}")
                }
                other => format!("{other:?}"),
            })
            .collect();
        assert_eq!(
            changes,
            [
                "added e1 e1-name pid 200",
                "e1 running -> paused",
                "renamed e1 e1-name -> renamed",
                "removed e1 renamed",
                "added e2 e2-name pid 205",
                "removed e2 e2-name",
            ],
            "{name}"
        );
        assert!(inv.snapshot().is_empty(), "{name}");
        assert!(is_wait_timeout(
            &inv.next_timeout(Duration::from_millis(100))
                .wait()
                .unwrap_err()
        ));
        inv.stop();
        assert!(matches!(
            inv.next_timeout(Duration::from_secs(1)).wait(),
            Ok(None)
        ));
    });
}
