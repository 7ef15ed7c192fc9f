//! The event watcher and the container inventory against a real engine, in both flavours.
//!
//! - `live_watch_loses_nothing_across_cuts` generates about 1,000 container events at
//!   about 50 per second (USR1 signals, from three threads, to three containers whose
//!   shells trap them, plus create/start/remove cycles of scratch containers), cuts every
//!   connection of the watchers and inventories 5 times through a Unix-socket proxy, and
//!   compares what each watcher delivered with the harness's own log of the actions it
//!   performed and the events each produces: 0 lost, 0 duplicated, 0 unexpected, no
//!   `Resynced`. The inventories must equal `GET /containers/json` within 5 s.
//! - `live_watch_resyncs_after_engine_restarts` restarts the engine 3 times with
//!   `cargo xtask engine down` and `up`: each watcher must report `Resynced` after each
//!   restart, deliver everything caused after it, repeat nothing, and each inventory must
//!   equal `GET /containers/json` within 5 s of its resync.
//!
//! Everything is labelled with a per-run label and the watchers filter on it, so other
//! tests' containers do not count.
//!
//! The engine is `DOCKER_HOST`, else `/tmp/dkr/docker.sock`. Without an answering engine
//! both tests skip and say so, except under CI (`CI=true`), where they fail.
//!
//! Under CI the cuts test runs alone too, in the same step (`DKR_LIVE_WATCH=1`): the engine
//! silently skips events for a subscriber that lags, and a loaded machine makes that likely.
//!
//! **The restart test restarts the engine**, which would break every other live test
//! running at the same time in this process. It therefore runs only when
//! `DKR_LIVE_RESTART=1`, only against the engine that `cargo xtask engine` manages
//! (`$DKR_ENGINE_DIR/docker.sock`, default `/tmp/dkr/docker.sock`, which `DOCKER_HOST`
//! must name), and must run alone:
//!
//! ```sh
//! DKR_LIVE_RESTART=1 cargo test -p docker-client --all-features --test it \
//!     watch_live::live_watch_resyncs_after_engine_restarts -- --exact --test-threads=1 --nocapture
//! ```
//!
//! It runs `cargo xtask` with its own target directory (`target/xtask-live`), so that it
//! never waits for the build lock of the `cargo test` that runs it. Both tests print their
//! figures on stderr (`--nocapture` shows them).

use std::collections::{BTreeMap, HashMap};
use std::io::{Read, Write};
use std::os::unix::net::{UnixListener, UnixStream};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant, SystemTime};

use docker_client::models::EventMessage;
use docker_client::{
    blocking, Blocking, Client, ContainerEntry, Endpoint, EventsOptions, InventoryChange,
    InventoryOptions, ListContainersOptions, Method, Result, ResyncReason, Tokio, WatchConfig,
    WatchItem,
};

use crate::flavours::{client, TestFlavour};

// ---------------------------------------------------------------------------------------
// The engine, a proxy that can cut connections, and the harness
// ---------------------------------------------------------------------------------------

/// The engine's socket, or `None` (outside CI) when no engine answers.
fn engine() -> Option<PathBuf> {
    let endpoint = match std::env::var("DOCKER_HOST") {
        Ok(h) if !h.is_empty() => Endpoint::parse(&h).expect("DOCKER_HOST must be valid"),
        _ => Endpoint::Unix("/tmp/dkr/docker.sock".into()),
    };
    let ci = std::env::var("CI").is_ok_and(|v| v == "true");
    let Endpoint::Unix(path) = endpoint.clone() else {
        assert!(
            !ci,
            "the watcher's live tests need a Unix socket, not {endpoint}"
        );
        eprintln!("skipping live watch test: {endpoint} is not a Unix socket");
        return None;
    };
    match direct(&path).ping() {
        Ok(_) => Some(path),
        Err(e) if ci => panic!("CI requires a live engine, and {endpoint} does not answer: {e}"),
        Err(e) => {
            eprintln!(
                "skipping live watch test: no engine at {endpoint} ({e}); run `cargo xtask engine up`"
            );
            None
        }
    }
}

fn direct(socket: &Path) -> blocking::Client {
    blocking::Client::builder()
        .endpoint(Endpoint::Unix(socket.to_owned()))
        .build()
        .unwrap()
}

/// A Unix-socket proxy in front of the engine that can cut every open connection.
struct Proxy {
    dir: PathBuf,
    socket: PathBuf,
    open: Arc<Mutex<Vec<UnixStream>>>,
    done: Arc<AtomicBool>,
}

impl Proxy {
    fn start(upstream: &Path) -> Proxy {
        static N: AtomicUsize = AtomicUsize::new(0);
        let dir = std::env::temp_dir().join(format!(
            "dkr-proxy-{}-{}",
            std::process::id(),
            N.fetch_add(1, Ordering::Relaxed)
        ));
        std::fs::create_dir_all(&dir).unwrap();
        let socket = dir.join("p.sock");
        let listener = UnixListener::bind(&socket).unwrap();
        let open = Arc::new(Mutex::new(Vec::<UnixStream>::new()));
        let done = Arc::new(AtomicBool::new(false));
        {
            let (open, done, upstream) = (open.clone(), done.clone(), upstream.to_owned());
            thread::spawn(move || {
                for client in listener.incoming() {
                    if done.load(Ordering::SeqCst) {
                        return;
                    }
                    let Ok(client) = client else { continue };
                    // An engine that is down: the client sees its connection closed.
                    let Ok(engine) = UnixStream::connect(&upstream) else {
                        continue;
                    };
                    {
                        let mut open = open.lock().unwrap();
                        open.retain(|s| s.peer_addr().is_ok());
                        open.push(client.try_clone().unwrap());
                        open.push(engine.try_clone().unwrap());
                    }
                    pipe(client.try_clone().unwrap(), engine.try_clone().unwrap());
                    pipe(engine, client);
                }
            });
        }
        Proxy {
            dir,
            socket,
            open,
            done,
        }
    }

    /// Shuts every open connection both ways; returns how many client connections it cut.
    fn cut(&self) -> usize {
        let streams: Vec<UnixStream> = self.open.lock().unwrap().drain(..).collect();
        for s in &streams {
            let _ = s.shutdown(std::net::Shutdown::Both);
        }
        streams.len() / 2
    }

    fn endpoint(&self) -> Endpoint {
        Endpoint::Unix(self.socket.clone())
    }
}

fn pipe(mut from: UnixStream, mut to: UnixStream) {
    thread::spawn(move || {
        let mut buf = [0u8; 16 * 1024];
        loop {
            match from.read(&mut buf) {
                Ok(0) | Err(_) => break,
                Ok(n) => {
                    if to.write_all(&buf[..n]).is_err() {
                        break;
                    }
                }
            }
        }
        let _ = to.shutdown(std::net::Shutdown::Both);
        let _ = from.shutdown(std::net::Shutdown::Both);
    });
}

impl Drop for Proxy {
    fn drop(&mut self) {
        self.done.store(true, Ordering::SeqCst);
        let _ = UnixStream::connect(&self.socket);
        self.cut();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// A script that traps USR1 (each signal is one `kill` event) and exits on TERM.
const TRAP_USR1: &str =
    "trap 'exit 0' TERM; trap : USR1; while :; do sleep 3600 & p=$!; wait $p; kill $p 2>/dev/null; done";

/// The harness: performs actions on the engine directly (not through the proxy) and logs
/// the events each one produces.
struct Harness {
    client: blocking::Client,
    label: String,
    run: String,
    n: usize,
    /// (actor ID, action) of every event the harness caused, in order.
    log: Vec<(String, &'static str)>,
    /// The containers it started and has not removed.
    running: Vec<String>,
}

impl Harness {
    fn new(socket: &Path) -> Harness {
        static N: AtomicUsize = AtomicUsize::new(0);
        let run = format!(
            "{}-{}",
            std::process::id(),
            N.fetch_add(1, Ordering::Relaxed)
        );
        Harness {
            client: direct(socket),
            label: format!("dkr-watch-live={run}"),
            run,
            n: 0,
            log: Vec::new(),
            running: Vec::new(),
        }
    }

    /// Creates and starts a labelled container: `create`, `start`.
    fn run(&mut self, script: &str) -> String {
        self.n += 1;
        let name = format!("dkr-watch-live-{}-{}", self.run, self.n);
        let (key, value) = self.label.split_once('=').unwrap();
        let body = serde_json::json!({
            "Image": "bb:latest",
            "Cmd": ["sh", "-c", script],
            "Labels": {key: value},
        });
        let res = self
            .client
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
        self.log.push((id.clone(), "create"));
        let res = self
            .client
            .request(Method::Post, &format!("/containers/{id}/start"), &[], None)
            .unwrap();
        assert_eq!(res.status(), 204, "start {name}");
        self.log.push((id.clone(), "start"));
        self.running.push(id.clone());
        id
    }

    /// One USR1 signal: `kill`.
    fn usr1(&mut self, id: &str) {
        self.client.kill_container(id, Some("USR1")).unwrap();
        self.log.push((id.to_owned(), "kill"));
    }

    /// Removes a running container by force: `kill`, `die`, `destroy`.
    fn remove(&mut self, id: &str) {
        let res = self
            .client
            .request(
                Method::Delete,
                &format!("/containers/{id}"),
                &[("force", "1")],
                None,
            )
            .unwrap();
        assert_eq!(res.status(), 204, "remove {id}");
        for action in ["kill", "die", "destroy"] {
            self.log.push((id.to_owned(), action));
        }
        self.running.retain(|r| r != id);
    }

    /// `GET /containers/json` for our label: (ID, state), sorted.
    fn listed(&self) -> Vec<(String, String)> {
        let opts = ListContainersOptions::default().filter("label", self.label.clone());
        let mut out: Vec<_> = match self.client.list_containers(&opts) {
            Ok(list) => list.into_iter().map(|c| (c.id, c.state)).collect(),
            Err(_) => return vec![("<engine unreachable>".into(), String::new())],
        };
        out.sort();
        out
    }

    /// Removes whatever it left, quietly (the engine may have restarted).
    fn clean_up(&mut self) {
        let opts = ListContainersOptions::default()
            .all(true)
            .filter("label", self.label.clone());
        if let Ok(list) = self.client.list_containers(&opts) {
            for c in list {
                let _ = self
                    .client
                    .request(
                        Method::Delete,
                        &format!("/containers/{}", c.id),
                        &[("force", "1")],
                        None,
                    )
                    .and_then(|r| r.bytes());
            }
        }
    }
}

impl Drop for Harness {
    fn drop(&mut self) {
        self.clean_up();
    }
}

// ---------------------------------------------------------------------------------------
// Consumers that record what they got, and when
// ---------------------------------------------------------------------------------------

struct Recorder<T> {
    items: Arc<Mutex<Vec<(Instant, T)>>>,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl<T: Send + 'static> Recorder<T> {
    /// Records what `next_timeout` gives, until it ends or the recorder is dropped.
    fn start(next_timeout: impl Fn(Duration) -> Result<Option<T>> + Send + 'static) -> Recorder<T> {
        let items = Arc::new(Mutex::new(Vec::new()));
        let stop = Arc::new(AtomicBool::new(false));
        let thread = {
            let (items, stop) = (items.clone(), stop.clone());
            thread::spawn(move || {
                while !stop.load(Ordering::SeqCst) {
                    match next_timeout(Duration::from_millis(100)) {
                        Ok(Some(item)) => items.lock().unwrap().push((Instant::now(), item)),
                        Ok(None) => return,
                        Err(e) if e.is_timeout() => (),
                        Err(e) => panic!("next_timeout failed: {e}"),
                    }
                }
            })
        };
        Recorder {
            items,
            stop,
            thread: Some(thread),
        }
    }

    fn with<R>(&self, f: impl FnOnce(&[(Instant, T)]) -> R) -> R {
        f(&self.items.lock().unwrap())
    }
}

impl<T> Drop for Recorder<T> {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

/// A watcher and an inventory of one flavour, through the proxy, and their recorders.
struct Observer {
    name: &'static str,
    events: Recorder<WatchItem>,
    changes: Recorder<InventoryChange>,
    /// The inventory's current map.
    snapshot: Box<dyn Fn() -> BTreeMap<String, ContainerEntry>>,
    /// Stops the watcher and the inventory.
    stop: Box<dyn Fn()>,
}

impl Observer {
    /// An observer of each flavour, both on `endpoint`.
    fn both(endpoint: &Endpoint, opts: &EventsOptions, label: &str, cfg: WatchConfig) -> Vec<Self> {
        vec![
            Observer::start(
                &client::<Blocking>(endpoint, None),
                opts,
                label,
                cfg.clone(),
            ),
            Observer::start(&client::<Tokio>(endpoint, None), opts, label, cfg),
        ]
    }

    fn start<F: TestFlavour>(
        client: &Client<F>,
        opts: &EventsOptions,
        label: &str,
        cfg: WatchConfig,
    ) -> Self {
        // The tokio watcher spawns its reader on the runtime.
        let _context = F::enter();
        let watcher = Arc::new(client.watch_events_with(opts, cfg.clone()));
        let events = {
            let w = watcher.clone();
            Recorder::start(move |d| F::resolve(w.next_timeout(d)))
        };
        let options = InventoryOptions::default().label(label).watch(cfg);
        let inventory = Arc::new(F::resolve(client.watch_containers(&options)).unwrap());
        let changes = {
            let i = inventory.clone();
            Recorder::start(move |d| F::resolve(i.next_timeout(d)))
        };
        let snapshot = {
            let i = inventory.clone();
            Box::new(move || i.snapshot())
        };
        let stop = Box::new(move || {
            watcher.stop();
            inventory.stop();
        });
        Observer {
            name: F::NAME,
            events,
            changes,
            snapshot,
            stop,
        }
    }

    fn events(&self) -> Vec<EventMessage> {
        self.events.with(|items| {
            items
                .iter()
                .filter_map(|(_, i)| match i {
                    WatchItem::Event(e) => Some(e.clone()),
                    _ => None,
                })
                .collect()
        })
    }

    fn resyncs(&self) -> Vec<(Instant, ResyncReason)> {
        self.events.with(|items| {
            items
                .iter()
                .filter_map(|(t, i)| match i {
                    WatchItem::Resynced(r) => Some((*t, r.clone())),
                    _ => None,
                })
                .collect()
        })
    }

    fn inventory_resyncs(&self) -> Vec<Instant> {
        self.changes.with(|items| {
            items
                .iter()
                .filter(|(_, c)| matches!(c, InventoryChange::Resynced(_)))
                .map(|(t, _)| *t)
                .collect()
        })
    }

    /// The inventory as (ID, state), sorted, like [`Harness::listed`].
    fn inventory(&self) -> Vec<(String, String)> {
        let mut out: Vec<_> = (self.snapshot)()
            .into_values()
            .map(|c| (c.id, c.state.to_string()))
            .collect();
        out.sort();
        out
    }

    fn stop(&self) {
        (self.stop)();
    }
}

/// What a watcher delivered against what the harness caused.
#[derive(Debug, Default, PartialEq, Eq)]
struct Tally {
    expected: usize,
    lost: usize,
    duplicated: usize,
    unexpected: usize,
}

fn tally(log: &[(String, &'static str)], seen: &[EventMessage]) -> Tally {
    let mut keys: HashMap<(i64, String, String), usize> = HashMap::new();
    for e in seen {
        *keys
            .entry((e.time_nano, e.actor.id.clone(), e.action.clone()))
            .or_default() += 1;
    }
    let duplicated = keys.values().map(|n| n - 1).sum();
    let mut want: BTreeMap<(String, String), i64> = BTreeMap::new();
    for (id, action) in log {
        *want.entry((id.clone(), action.to_string())).or_default() += 1;
    }
    for (t, id, action) in keys.keys() {
        let _ = t;
        *want.entry((id.clone(), action.clone())).or_default() -= 1;
    }
    Tally {
        expected: log.len(),
        lost: want.values().filter(|n| **n > 0).sum::<i64>() as usize,
        duplicated,
        unexpected: want.values().filter(|n| **n < 0).map(|n| -n).sum::<i64>() as usize,
    }
}

/// `a - b` in milliseconds, negative when `a` came first.
fn signed_ms(a: Instant, b: Instant) -> i64 {
    if a >= b {
        (a - b).as_millis() as i64
    } else {
        -((b - a).as_millis() as i64)
    }
}

/// Waits until `f` holds, polling; returns how long it took, or `None` after `within`.
fn wait_until(within: Duration, f: impl Fn() -> bool) -> Option<Duration> {
    let start = Instant::now();
    loop {
        if f() {
            return Some(start.elapsed());
        }
        if start.elapsed() > within {
            return None;
        }
        thread::sleep(Duration::from_millis(10));
    }
}

fn watch_options(label: &str, since: SystemTime) -> EventsOptions {
    EventsOptions::default()
        .since(since)
        .filter("type", "container")
        .filter("label", label)
}

// ---------------------------------------------------------------------------------------
// 1,000 events, 5 cuts
// ---------------------------------------------------------------------------------------

#[test]
fn live_watch_loses_nothing_across_cuts() {
    // The engine skips events for a subscriber that lags more than 100 ms, which no client
    // can see; with the whole suite loading a 2-core machine that can happen. CI therefore
    // runs this test alone, in its watcher step (DKR_LIVE_WATCH=1).
    let in_ci = std::env::var("CI").as_deref() == Ok("true");
    if in_ci && std::env::var("DKR_LIVE_WATCH").as_deref() != Ok("1") {
        eprintln!(
            "deferring the cuts test to CI's watcher step, where it runs alone (DKR_LIVE_WATCH=1)"
        );
        return;
    }
    let Some(socket) = engine() else { return };
    let proxy = Proxy::start(&socket);
    let mut harness = Harness::new(&socket);
    let label = harness.label.clone();
    // Three containers take the signals, from three threads: one thread alone cannot
    // make 50 calls per second on a loaded machine.
    let targets: Vec<String> = (0..3).map(|_| harness.run(TRAP_USR1)).collect();
    // The watch starts here: what came before is not ours to count.
    harness.log.clear();
    let since = SystemTime::now();
    // Three threads signal at once, so the engine can buffer two events of one instant out
    // of time order; the recommended overlap replays such neighbours (see WatchConfig).
    let mut cfg = WatchConfig::default();
    cfg.overlap = Duration::from_millis(100);
    let observers = Observer::both(
        &proxy.endpoint(),
        &watch_options(&label, since),
        &label,
        cfg,
    );

    // About 50 events per second: 3 × 16 signals per second, and a create/start or a
    // removal of a scratch container every 1.5 s.
    const EVENTS: usize = 1000;
    let started = Instant::now();
    let total = Arc::new(AtomicUsize::new(0));
    let signallers: Vec<JoinHandle<Vec<(String, &'static str)>>> = targets
        .iter()
        .map(|target| {
            let (client, target, total) = (direct(&socket), target.clone(), total.clone());
            thread::spawn(move || {
                let mut log = Vec::new();
                let mut next = Instant::now();
                while total.load(Ordering::SeqCst) < EVENTS {
                    client.kill_container(&target, Some("USR1")).unwrap();
                    log.push((target.clone(), "kill"));
                    total.fetch_add(1, Ordering::SeqCst);
                    next = next.max(Instant::now() - Duration::from_secs(1));
                    next += Duration::from_millis(62);
                    thread::sleep(next.saturating_duration_since(Instant::now()));
                }
                log
            })
        })
        .collect();
    let mut cuts = Vec::new();
    let mut next = Instant::now() + Duration::from_millis(1500);
    let mut scratch = Vec::new();
    while total.load(Ordering::SeqCst) < EVENTS {
        if Instant::now() >= next {
            let before = harness.log.len();
            if scratch.len() < 2 {
                scratch.push(harness.run(TRAP_USR1));
            } else {
                let oldest = scratch.remove(0);
                harness.remove(&oldest);
            }
            total.fetch_add(harness.log.len() - before, Ordering::SeqCst);
            next += Duration::from_millis(1500);
        }
        if cuts.len() < 5 && total.load(Ordering::SeqCst) >= (cuts.len() + 1) * EVENTS / 6 {
            cuts.push(proxy.cut());
        }
        thread::sleep(Duration::from_millis(5));
    }
    for s in signallers {
        harness.log.extend(s.join().unwrap());
    }
    let generated_in = started.elapsed();

    // The inventories mirror the list (with the containers still running).
    for o in &observers {
        let took = wait_until(Duration::from_secs(5), || o.inventory() == harness.listed());
        assert!(
            took.is_some(),
            "{}: inventory {:?} != list {:?}",
            o.name,
            o.inventory(),
            harness.listed()
        );
    }
    // Then every event must arrive, once.
    let log = harness.log.clone();
    for o in &observers {
        wait_until(Duration::from_secs(30), || {
            tally(&log, &o.events()).lost == 0
        });
    }
    let mut report = Vec::new();
    for o in &observers {
        let t = tally(&log, &o.events());
        let resyncs = o.resyncs();
        report.push(format!(
            "{}: events generated {}, cuts {} (connections {:?}), lost {}, duplicated {}, unexpected {}, resynced {}",
            o.name, t.expected, cuts.len(), cuts, t.lost, t.duplicated, t.unexpected, resyncs.len()
        ));
        assert_eq!(
            (t.lost, t.duplicated, t.unexpected),
            (0, 0, 0),
            "{}: {t:?}",
            o.name
        );
        assert!(resyncs.is_empty(), "{}: {resyncs:?}", o.name);
    }
    assert_eq!(cuts.len(), 5);
    assert!(
        cuts.iter().all(|n| *n >= 4),
        "each cut hit the watchers: {cuts:?}"
    );
    eprintln!(
        "watch_live cuts: {} events in {:.1}s ({:.0}/s)\n  {}",
        log.len(),
        generated_in.as_secs_f64(),
        log.len() as f64 / generated_in.as_secs_f64(),
        report.join("\n  ")
    );
    for o in &observers {
        o.stop();
    }
}

// ---------------------------------------------------------------------------------------
// 3 engine restarts
// ---------------------------------------------------------------------------------------

/// `cargo xtask engine <args>` with its own target directory.
fn xtask(args: &[&str]) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let exe = std::env::current_exe().unwrap();
    // target/<profile>/deps/it-<hash>
    let target = exe
        .ancestors()
        .nth(3)
        .map(|t| t.join("xtask-live"))
        .unwrap_or_else(|| std::env::temp_dir().join("dkr-xtask-live"));
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let out = std::process::Command::new(cargo)
        .args(["xtask", "engine"])
        .args(args)
        .current_dir(root)
        .env("CARGO_TARGET_DIR", target)
        .output()
        .expect("cannot run cargo xtask");
    assert!(
        out.status.success(),
        "cargo xtask engine {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn live_watch_resyncs_after_engine_restarts() {
    if std::env::var("DKR_LIVE_RESTART").as_deref() != Ok("1") {
        eprintln!(
            "skipping the engine-restart test: it restarts the engine, so it runs only with \
             DKR_LIVE_RESTART=1, alone (see tests/it/watch_live.rs)"
        );
        return;
    }
    let Some(socket) = engine() else { return };
    let dir = std::env::var_os("DKR_ENGINE_DIR").map_or_else(|| "/tmp/dkr".into(), PathBuf::from);
    assert_eq!(
        std::path::absolute(&socket).unwrap(),
        std::path::absolute(dir.join("docker.sock")).unwrap(),
        "DKR_LIVE_RESTART=1 restarts only the engine of `cargo xtask engine` ($DKR_ENGINE_DIR), \
         and DOCKER_HOST names another"
    );
    // Build xtask first, so that the restarts themselves are not slowed by a build.
    xtask(&["status"]);

    let proxy = Proxy::start(&socket);
    let mut harness = Harness::new(&socket);
    let label = harness.label.clone();
    let since = SystemTime::now();
    let mut cfg = WatchConfig::default();
    cfg.backoff.initial = Duration::from_millis(50);
    cfg.backoff.max = Duration::from_millis(500);
    let observers = Observer::both(
        &proxy.endpoint(),
        &watch_options(&label, since),
        &label,
        cfg,
    );

    let mut report = Vec::new();
    for restart in 1..=3 {
        // Events before the restart arrive, and the inventories see the containers.
        let target = harness.run(TRAP_USR1);
        harness.run(TRAP_USR1);
        for _ in 0..20 {
            harness.usr1(&target);
            thread::sleep(Duration::from_millis(20));
        }
        let log = harness.log.clone();
        for o in &observers {
            let ok = wait_until(Duration::from_secs(30), || {
                tally(&log, &o.events()).lost == 0
            });
            assert!(ok.is_some(), "{}: {:?}", o.name, tally(&log, &o.events()));
            let equal = wait_until(Duration::from_secs(5), || o.inventory() == harness.listed());
            assert!(
                equal.is_some(),
                "{}: inventory before restart {restart}",
                o.name
            );
        }
        let before: Vec<usize> = observers.iter().map(|o| o.resyncs().len()).collect();
        let inv_before: Vec<usize> = observers
            .iter()
            .map(|o| o.inventory_resyncs().len())
            .collect();

        let down = Instant::now();
        xtask(&["down"]);
        xtask(&["up"]);
        let up = Instant::now();
        harness.running.clear(); // without a restart policy, nothing survives

        for (k, o) in observers.iter().enumerate() {
            let got = wait_until(Duration::from_secs(30), || o.resyncs().len() > before[k]);
            assert!(
                got.is_some(),
                "{}: no Resynced after restart {restart}",
                o.name
            );
            let (at, reason) = o.resyncs()[before[k]].clone();
            let inv = wait_until(Duration::from_secs(30), || {
                o.inventory_resyncs().len() > inv_before[k]
            });
            assert!(inv.is_some(), "{}: the inventory did not re-list", o.name);
            let inv_at = o.inventory_resyncs()[inv_before[k]];
            let equal = wait_until(Duration::from_secs(5), || o.inventory() == harness.listed());
            assert!(
                equal.is_some(),
                "{}: inventory {:?} != list {:?} 5 s after the resync of restart {restart}",
                o.name,
                o.inventory(),
                harness.listed()
            );
            let equal_at = Instant::now();
            report.push(format!(
                "{} restart {restart}: {reason}; down+up took {} ms; watcher Resynced {} ms after `up` returned ({} ms after `down` began); inventory re-listed {} ms after `up` returned and equalled the list {} ms after its re-list",
                o.name,
                (up - down).as_millis(),
                signed_ms(at, up),
                signed_ms(at, down),
                signed_ms(inv_at, up),
                signed_ms(equal_at, inv_at),
            ));
        }
    }
    // After the last restart, events flow again and arrive once.
    let target = harness.run(TRAP_USR1);
    for _ in 0..20 {
        harness.usr1(&target);
    }
    let log = harness.log.clone();
    for o in &observers {
        wait_until(Duration::from_secs(30), || {
            tally(&log, &o.events()).lost == 0
        });
        let t = tally(&log, &o.events());
        // What the engine did on its own at shutdown (kill 15, die, stop) is not in the
        // log: `unexpected` is not checked here. Nothing the harness caused is missing.
        assert_eq!((t.lost, t.duplicated), (0, 0), "{}: {t:?}", o.name);
        report.push(format!(
            "{}: events caused {}, lost {}, duplicated {}, engine-initiated {}; resyncs {:?}",
            o.name,
            t.expected,
            t.lost,
            t.duplicated,
            t.unexpected,
            o.resyncs()
                .iter()
                .map(|(_, r)| r.to_string())
                .collect::<Vec<_>>()
        ));
    }
    eprintln!("watch_live restarts:\n  {}", report.join("\n  "));
    for o in &observers {
        o.stop();
    }
}
