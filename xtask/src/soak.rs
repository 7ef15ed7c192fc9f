//! `cargo xtask soak`: the client under load for a bounded count and time, against the
//! private engine of `cargo xtask engine up` (`$DKR_ENGINE_DIR`, default `/tmp/dkr`), which
//! it stops, kills and restarts. See [`USAGE`] and docs/RELIABILITY.md.
//!
//! Every phase measures the same figures: requests done, unexpected errors (errors that no
//! cut, outage or restart the soak caused explains), the process's open file descriptors
//! before the phase and after it (client dropped, proxy stopped), its resident memory
//! once warm and at the end, and the longest request. The watch phase adds events lost and
//! duplicated against an independent witness. A phase fails when a figure misses its bound.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::future::Future;
use std::io::{Read, Write};
use std::os::unix::net::{UnixListener, UnixStream};
use std::path::{Path, PathBuf};
use std::pin::Pin;
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant, SystemTime};

use docker_client::blocking;
use docker_client::{Client, Endpoint, Error, EventsOptions, Flavour, WatchItem};

pub(crate) const USAGE: &str = "\
Usage: cargo xtask soak [--quick] [--only PHASE,...] [--markdown FILE]

Runs the client under load against the engine of `cargo xtask engine up`
($DKR_ENGINE_DIR, default /tmp/dkr; start it with --tls --ssh for the tls and
ssh phases). The soak stops, kills and restarts that engine: never point it at
an engine anything else uses. Each phase is bounded in count and in time.

Phases (all by default, in this order):
  blocking  64 threads x 10,000 requests, through a proxy that cuts 1% of them
  tokio     1,000 tasks x 1,000 requests, through the same kind of proxy
  outages   16 threads for the whole phase while the engine is stopped, killed
            with -9 and frozen with SIGSTOP
  watch     an event watcher, through a cutting proxy, over three engine
            restarts, against the engine's own record of each stretch
  tls       8 threads x 1,000 requests over the engine's --tlsverify port
  ssh       8 threads x 250 requests over ssh:// (ssh docker system dial-stdio)

  --quick      a tenth of the counts
  --only       the phases to run, comma-separated
  --markdown   also write the figures as a Markdown table to FILE

Exit status 1 when a phase misses a bound: an unexpected error, open file
descriptors not back within 2 of where they were, resident memory grown by 10%
or more once warm, or an event lost or duplicated.
";

/// The longest any phase may run before it stops where it is (its figures then say how
/// many requests it did).
const PHASE_LIMIT: Duration = Duration::from_secs(1200);

/// The total deadline of the soak's clients: a request that hangs is an unexpected error.
const CALL_LIMIT: Duration = Duration::from_secs(60);

pub(crate) fn run(args: &[String]) -> Result<ExitCode, String> {
    let mut quick = false;
    let mut only: Option<Vec<String>> = None;
    let mut markdown = None;
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        match arg.as_str() {
            "--quick" => quick = true,
            "--only" => {
                let list = it.next().ok_or("--only needs a list of phases")?;
                only = Some(list.split(',').map(str::to_owned).collect());
            }
            "--markdown" => {
                markdown = Some(PathBuf::from(it.next().ok_or("--markdown needs a file")?))
            }
            "-h" | "--help" => {
                print!("{USAGE}");
                return Ok(ExitCode::SUCCESS);
            }
            other => return Err(format!("unknown argument `{other}`\n\n{USAGE}")),
        }
    }
    let engine = EngineDir::from_env();
    let direct: blocking::Client = client(&Endpoint::Unix(engine.socket()));
    direct.ping().map_err(|e| {
        format!(
            "no engine at {}: {e}; run `cargo xtask engine up --tls --ssh`",
            engine.socket().display()
        )
    })?;
    let scale = |n: usize, quick_n: usize| if quick { quick_n } else { n };
    let wanted = |name: &str| only.as_ref().is_none_or(|o| o.iter().any(|p| p == name));
    let mut all = Vec::new();
    if wanted("blocking") {
        all.push(blocking_phase(&engine, 64, scale(10_000, 1_000)));
    }
    if wanted("tokio") {
        all.push(tokio_phase(&engine, 1_000, scale(1_000, 100)));
    }
    if wanted("outages") {
        all.push(outages_phase(&engine)?);
    }
    if wanted("watch") {
        all.push(watch_phase(&engine, scale(40, 10))?);
    }
    if wanted("tls") {
        match engine.tls_endpoint() {
            Some(endpoint) => {
                all.push(remote_phase("tls", &engine, endpoint, 8, scale(1_000, 100)))
            }
            None => {
                eprintln!("soak: tls skipped: the engine has no TLS listener (engine up --tls)")
            }
        }
    }
    if wanted("ssh") {
        match engine.ssh_endpoint() {
            Some(endpoint) => all.push(remote_phase("ssh", &engine, endpoint, 8, scale(250, 25))),
            None => eprintln!("soak: ssh skipped: the engine has no sshd (engine up --ssh)"),
        }
    }
    let table = table(&all);
    print!("{table}");
    if let Some(path) = markdown {
        std::fs::write(&path, &table).map_err(|e| format!("{}: {e}", path.display()))?;
    }
    let failed: Vec<&str> = all
        .iter()
        .filter(|f| !f.passed())
        .map(|f| f.phase)
        .collect();
    match failed.is_empty() {
        true => Ok(ExitCode::SUCCESS),
        false => {
            eprintln!("soak: failed phases: {}", failed.join(", "));
            Ok(ExitCode::FAILURE)
        }
    }
}

// The engine.

/// The engine directory of `cargo xtask engine`.
struct EngineDir(PathBuf);

impl EngineDir {
    fn from_env() -> EngineDir {
        EngineDir(
            std::env::var_os("DKR_ENGINE_DIR")
                .map_or_else(|| PathBuf::from("/tmp/dkr"), PathBuf::from),
        )
    }

    fn socket(&self) -> PathBuf {
        self.0.join("docker.sock")
    }

    fn has_tls(&self) -> bool {
        self.0.join("tls/host").exists()
    }

    fn has_ssh(&self) -> bool {
        self.0.join("ssh/port").exists()
    }

    fn tls_endpoint(&self) -> Option<blocking::Client> {
        let host = std::fs::read_to_string(self.0.join("tls/host")).ok()?;
        let certs = self.0.join("tls/client");
        let built = Client::builder()
            .host(host.trim())
            .tls_verify()
            .tls_ca_file(certs.join("ca.pem"))
            .tls_cert_file(certs.join("cert.pem"))
            .tls_key_file(certs.join("key.pem"))
            .total_timeout(CALL_LIMIT)
            .build();
        built
            .map_err(|e| eprintln!("soak: the TLS client cannot be built: {e}"))
            .ok()
    }

    fn ssh_endpoint(&self) -> Option<blocking::Client> {
        let port = std::fs::read_to_string(self.0.join("ssh/port")).ok()?;
        let dir = self.0.join("ssh");
        let built = Client::builder()
            .host(&format!("ssh://root@127.0.0.1:{}", port.trim()))
            .ssh_option(&format!(
                "IdentityFile={}",
                dir.join("id_ed25519").display()
            ))
            .ssh_option(&format!(
                "UserKnownHostsFile={}",
                dir.join("known_hosts").display()
            ))
            .ssh_option("StrictHostKeyChecking=yes")
            .total_timeout(CALL_LIMIT)
            .build();
        built
            .map_err(|e| eprintln!("soak: the ssh client cannot be built: {e}"))
            .ok()
    }

    /// The pid of dockerd, from its pidfile.
    fn pid(&self) -> Option<u32> {
        std::fs::read_to_string(self.0.join("docker.pid"))
            .ok()?
            .trim()
            .parse()
            .ok()
    }

    /// `cargo xtask engine down` (without --purge): the image and containers stay.
    fn down(&self) -> Result<(), String> {
        crate::engine::run(&["down".to_owned()]).map(drop)
    }

    /// `cargo xtask engine up`, with the TLS listener and sshd it had.
    fn up(&self) -> Result<(), String> {
        let mut args = vec!["up".to_owned()];
        if self.has_tls() {
            args.push("--tls".into());
        }
        if self.has_ssh() {
            args.push("--ssh".into());
        }
        crate::engine::run(&args).map(drop)
    }

    fn signal(&self, name: &str) -> Result<(), String> {
        let pid = self.pid().ok_or("dockerd has no pidfile")?;
        let status = std::process::Command::new("kill")
            .args([&format!("-{name}"), &pid.to_string()])
            .status()
            .map_err(|e| e.to_string())?;
        match status.success() {
            true => Ok(()),
            false => Err(format!("kill -{name} {pid} failed")),
        }
    }
}

fn client<F: Flavour>(endpoint: &Endpoint) -> Client<F> {
    Client::<F>::builder()
        .endpoint(endpoint.clone())
        .head_timeout(CALL_LIMIT)
        .total_timeout(CALL_LIMIT)
        .build()
        .expect("a client for a Unix socket")
}

// What the process holds.

/// Open file descriptors of this process.
fn open_fds() -> usize {
    std::fs::read_dir("/proc/self/fd").map_or(0, |d| d.count())
}

/// Resident memory of this process, in KiB.
fn rss_kib() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0)
}

// The figures.

/// What one phase measured.
#[derive(Debug, Default)]
struct Figures {
    phase: &'static str,
    what: String,
    requests: usize,
    planned: usize,
    seconds: f64,
    /// Errors that a cut, an outage or a restart explains.
    expected_errors: usize,
    unexpected_errors: usize,
    /// The first few unexpected errors, for the report.
    samples: Vec<String>,
    cuts: usize,
    fds_before: usize,
    fds_after: usize,
    rss_warm_kib: u64,
    rss_end_kib: u64,
    longest: Duration,
    events_lost: Option<usize>,
    events_duplicated: Option<usize>,
    events_seen: Option<usize>,
    notes: Vec<String>,
}

impl Figures {
    fn fds_ok(&self) -> bool {
        self.fds_after.abs_diff(self.fds_before) <= 2
    }

    fn rss_growth(&self) -> f64 {
        match self.rss_warm_kib {
            0 => 0.0,
            warm => (self.rss_end_kib as f64 - warm as f64) / warm as f64 * 100.0,
        }
    }

    fn passed(&self) -> bool {
        self.unexpected_errors == 0
            && self.fds_ok()
            && self.rss_growth() < 10.0
            && self.events_lost.unwrap_or(0) == 0
            && self.events_duplicated.unwrap_or(0) == 0
    }
}

fn table(all: &[Figures]) -> String {
    let mut out = String::from(
        "| phase | load | requests | time | unexpected errors | expected errors (cuts) | fds before → after | RSS warm → end | longest request | events lost / duplicated | result |\n\
         |---|---|---|---|---|---|---|---|---|---|---|\n",
    );
    for f in all {
        let events = match (f.events_lost, f.events_duplicated, f.events_seen) {
            (Some(l), Some(d), Some(n)) => format!("{l} / {d} of {n}"),
            _ => "–".into(),
        };
        let _ = writeln!(
            out,
            "| {} | {} | {} of {} | {:.1} s | {} | {} ({}) | {} → {} | {:.1} → {:.1} MiB ({:+.1}%) | {} ms | {} | {} |",
            f.phase,
            f.what,
            f.requests,
            f.planned,
            f.seconds,
            f.unexpected_errors,
            f.expected_errors,
            f.cuts,
            f.fds_before,
            f.fds_after,
            f.rss_warm_kib as f64 / 1024.0,
            f.rss_end_kib as f64 / 1024.0,
            f.rss_growth(),
            f.longest.as_millis(),
            events,
            if f.passed() { "pass" } else { "FAIL" },
        );
    }
    for f in all {
        for s in &f.samples {
            let _ = writeln!(out, "\n{}: unexpected: {s}", f.phase);
        }
        for n in &f.notes {
            let _ = writeln!(out, "\n{}: {n}", f.phase);
        }
    }
    out
}

// The load.

/// Counts of one load, shared by its threads or tasks.
#[derive(Default)]
struct Tally {
    done: AtomicUsize,
    /// Errors of the connection (cut, closed, refused, truncated).
    connection_errors: AtomicUsize,
    /// Any other error.
    other_errors: AtomicUsize,
    longest_us: AtomicU64,
    samples: Mutex<Vec<String>>,
    /// When each connection error happened, for the outage phase.
    error_times: Mutex<Vec<Instant>>,
}

impl Tally {
    fn record(&self, started: Instant, result: Result<(), Error>) {
        let took = started.elapsed().as_micros() as u64;
        self.longest_us.fetch_max(took, Ordering::Relaxed);
        self.done.fetch_add(1, Ordering::Relaxed);
        let Err(e) = result else { return };
        match e {
            Error::Transport(_) | Error::Protocol { .. } => {
                self.connection_errors.fetch_add(1, Ordering::Relaxed);
                self.error_times.lock().unwrap().push(Instant::now());
            }
            e => {
                self.other_errors.fetch_add(1, Ordering::Relaxed);
                let mut samples = self.samples.lock().unwrap();
                if samples.len() < 5 {
                    samples.push(e.to_string());
                }
            }
        }
    }

    fn longest(&self) -> Duration {
        Duration::from_micros(self.longest_us.load(Ordering::Relaxed))
    }
}

/// The `i`-th request of the mix: a ping, the version, the container list, an inspect of
/// an image, and an inspect of a container that does not exist (its 404 is the answer
/// expected, read through the error path). Written once for both flavours; boxed, so that
/// the future's `Send` comes from the flavour's signature and tokio can spawn it.
fn request<F: Flavour>(
    api: &Client<F>,
    i: usize,
) -> Pin<Box<dyn Future<Output = Result<(), Error>> + Send + '_>> {
    match i % 5 {
        0 => Box::pin(async move { F::wait(api.ping()).await.map(drop) }),
        1 => Box::pin(async move { F::wait(api.version()).await.map(drop) }),
        2 => Box::pin(async move {
            F::wait(api.list_containers(&Default::default()))
                .await
                .map(drop)
        }),
        3 => Box::pin(async move { F::wait(api.inspect_image("bb:latest")).await.map(drop) }),
        _ => Box::pin(async move {
            match F::wait(api.inspect_container("dkr-soak-no-such-container")).await {
                Err(e) if e.is_not_found() => Ok(()),
                Err(e) => Err(e),
                Ok(_) => Err(Error::InvalidArgument {
                    what: "soak",
                    reason: "a missing container was found".into(),
                }),
            }
        }),
    }
}

/// Runs a future of the blocking flavour, whose IO completes inside its poll.
fn now_or_never<T>(future: impl std::future::Future<Output = T>) -> T {
    let mut future = std::pin::pin!(future);
    let waker = std::task::Waker::noop();
    let mut cx = std::task::Context::from_waker(waker);
    match future.as_mut().poll(&mut cx) {
        std::task::Poll::Ready(out) => out,
        std::task::Poll::Pending => unreachable!("a blocking call completes in its first poll"),
    }
}

/// Samples resident memory once `tally` has done a tenth of `planned`: the warm figure.
fn warm_sampler(
    tally: Arc<Tally>,
    planned: usize,
    stop: Arc<AtomicBool>,
) -> thread::JoinHandle<u64> {
    thread::spawn(move || {
        while !stop.load(Ordering::Relaxed) {
            if tally.done.load(Ordering::Relaxed) >= planned / 10 {
                return rss_kib();
            }
            thread::sleep(Duration::from_millis(20));
        }
        rss_kib()
    })
}

fn figures_of(
    phase: &'static str,
    what: String,
    tally: &Tally,
    planned: usize,
    started: Instant,
) -> Figures {
    Figures {
        phase,
        what,
        requests: tally.done.load(Ordering::Relaxed),
        planned,
        seconds: started.elapsed().as_secs_f64(),
        longest: tally.longest(),
        samples: tally.samples.lock().unwrap().clone(),
        ..Figures::default()
    }
}

/// Splits the connection errors into those the cuts explain and the rest: a cut breaks at
/// most the one request in flight on its connection.
fn explain_by_cuts(f: &mut Figures, tally: &Tally, cuts: usize) {
    let connection = tally.connection_errors.load(Ordering::Relaxed);
    f.cuts = cuts;
    f.expected_errors = connection.min(cuts);
    f.unexpected_errors =
        tally.other_errors.load(Ordering::Relaxed) + connection.saturating_sub(cuts);
}

fn blocking_phase(engine: &EngineDir, threads: usize, each: usize) -> Figures {
    eprintln!("soak: blocking, {threads} threads x {each} requests");
    let fds_before = open_fds();
    let proxy = Proxy::start(&engine.socket(), 1);
    let api: blocking::Client = client(&proxy.endpoint());
    let tally = Arc::new(Tally::default());
    let planned = threads * each;
    let stop = Arc::new(AtomicBool::new(false));
    let warm = warm_sampler(tally.clone(), planned, stop.clone());
    let started = Instant::now();
    thread::scope(|s| {
        for t in 0..threads {
            let (api, tally) = (api.clone(), tally.clone());
            s.spawn(move || {
                for i in 0..each {
                    if started.elapsed() > PHASE_LIMIT {
                        return;
                    }
                    let at = Instant::now();
                    tally.record(at, now_or_never(request(&api, t + i)));
                }
            });
        }
    });
    stop.store(true, Ordering::Relaxed);
    let rss_end = rss_kib();
    let mut f = figures_of(
        "blocking",
        format!("{threads} threads × {each}, 1% cut"),
        &tally,
        planned,
        started,
    );
    f.rss_warm_kib = warm.join().unwrap_or(0);
    f.rss_end_kib = rss_end;
    drop(api);
    let cuts = proxy.stop();
    explain_by_cuts(&mut f, &tally, cuts);
    f.fds_before = fds_before;
    f.fds_after = settled_fds(fds_before);
    f
}

fn tokio_phase(engine: &EngineDir, tasks: usize, each: usize) -> Figures {
    eprintln!("soak: tokio, {tasks} tasks x {each} requests");
    let fds_before = open_fds();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("a tokio runtime");
    let proxy = Proxy::start(&engine.socket(), 1);
    let tally = Arc::new(Tally::default());
    let planned = tasks * each;
    let stop = Arc::new(AtomicBool::new(false));
    let warm = warm_sampler(tally.clone(), planned, stop.clone());
    let started = Instant::now();
    let api: docker_client::tokio::Client = client(&proxy.endpoint());
    runtime.block_on(async {
        let mut handles = Vec::new();
        for t in 0..tasks {
            let (api, tally) = (api.clone(), tally.clone());
            handles.push(tokio::spawn(async move {
                for i in 0..each {
                    if started.elapsed() > PHASE_LIMIT {
                        return;
                    }
                    let at = Instant::now();
                    tally.record(at, request(&api, t + i).await);
                }
            }));
        }
        for h in handles {
            let _ = h.await;
        }
    });
    stop.store(true, Ordering::Relaxed);
    let rss_end = rss_kib();
    let mut f = figures_of(
        "tokio",
        format!("{tasks} tasks × {each}, 1% cut"),
        &tally,
        planned,
        started,
    );
    f.rss_warm_kib = warm.join().unwrap_or(0);
    f.rss_end_kib = rss_end;
    drop(api);
    drop(runtime);
    let cuts = proxy.stop();
    explain_by_cuts(&mut f, &tally, cuts);
    f.fds_before = fds_before;
    f.fds_after = settled_fds(fds_before);
    f
}

/// The open descriptors once closing settled: sockets of ssh children, tokio's driver and
/// the proxy's threads close a little after the drop.
fn settled_fds(before: usize) -> usize {
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        let now = open_fds();
        if now.abs_diff(before) <= 2 || Instant::now() > deadline {
            return now;
        }
        thread::sleep(Duration::from_millis(100));
    }
}

fn remote_phase(
    phase: &'static str,
    engine: &EngineDir,
    api: blocking::Client,
    threads: usize,
    each: usize,
) -> Figures {
    eprintln!("soak: {phase}, {threads} threads x {each} requests");
    // The client was built by the caller: its certificates are read, which is part of
    // the baseline.
    let _ = engine;
    let fds_before = open_fds();
    let tally = Arc::new(Tally::default());
    let planned = threads * each;
    let stop = Arc::new(AtomicBool::new(false));
    let warm = warm_sampler(tally.clone(), planned, stop.clone());
    let started = Instant::now();
    thread::scope(|s| {
        for t in 0..threads {
            let (api, tally) = (api.clone(), tally.clone());
            s.spawn(move || {
                for i in 0..each {
                    if started.elapsed() > PHASE_LIMIT {
                        return;
                    }
                    let at = Instant::now();
                    tally.record(at, now_or_never(request(&api, t + i)));
                }
            });
        }
    });
    stop.store(true, Ordering::Relaxed);
    let rss_end = rss_kib();
    let mut f = figures_of(
        phase,
        format!("{threads} threads × {each}"),
        &tally,
        planned,
        started,
    );
    f.rss_warm_kib = warm.join().unwrap_or(0);
    f.rss_end_kib = rss_end;
    drop(api);
    explain_by_cuts(&mut f, &tally, 0);
    f.fds_before = fds_before;
    f.fds_after = settled_fds(fds_before);
    f
}

/// 16 threads run the mix for the whole phase while the engine is stopped and started,
/// killed with -9 and started, and frozen with SIGSTOP for 5 s. Errors during an outage
/// (and the 3 s after it, while the engine starts listening) are expected; any other is
/// not, nor is a request that outlasts the freeze by more than its total deadline.
fn outages_phase(engine: &EngineDir) -> Result<Figures, String> {
    const THREADS: usize = 16;
    eprintln!("soak: outages, {THREADS} threads while the engine is stopped, killed and frozen");
    let fds_before = open_fds();
    let api: blocking::Client = client(&Endpoint::Unix(engine.socket()));
    let tally = Arc::new(Tally::default());
    let stop = Arc::new(AtomicBool::new(false));
    let started = Instant::now();
    let mut windows: Vec<(Instant, Instant, &str)> = Vec::new();
    let mut warm = 0;
    let result = thread::scope(|s| {
        for t in 0..THREADS {
            let (api, tally, stop) = (api.clone(), tally.clone(), stop.clone());
            s.spawn(move || {
                let mut i = t;
                while !stop.load(Ordering::Relaxed) && started.elapsed() < PHASE_LIMIT {
                    let at = Instant::now();
                    let res = now_or_never(request(&api, i));
                    let failed = res.is_err();
                    tally.record(at, res);
                    if failed {
                        // An engine that is down refuses at once: no busy loop.
                        thread::sleep(Duration::from_millis(20));
                    }
                    i += THREADS;
                }
            });
        }
        let mut outage =
            |what: &'static str, act: &dyn Fn() -> Result<(), String>| -> Result<(), String> {
                thread::sleep(Duration::from_secs(3));
                let from = Instant::now();
                act()?;
                windows.push((from, Instant::now() + Duration::from_secs(3), what));
                Ok(())
            };
        thread::sleep(Duration::from_secs(2));
        warm = rss_kib();
        let res = (|| {
            outage("stopped", &|| {
                engine.down()?;
                thread::sleep(Duration::from_secs(2));
                engine.up()
            })?;
            outage("killed -9", &|| {
                engine.signal("KILL")?;
                thread::sleep(Duration::from_secs(2));
                engine.down()?;
                engine.up()
            })?;
            outage("frozen 5 s", &|| {
                engine.signal("STOP")?;
                thread::sleep(Duration::from_secs(5));
                engine.signal("CONT")
            })?;
            thread::sleep(Duration::from_secs(3));
            Ok::<(), String>(())
        })();
        stop.store(true, Ordering::Relaxed);
        res
    });
    result?;
    let rss_end = rss_kib();
    let mut f = figures_of(
        "outages",
        format!("{THREADS} threads; stop, kill -9, SIGSTOP 5 s"),
        &tally,
        0,
        started,
    );
    f.requests = tally.done.load(Ordering::Relaxed);
    f.planned = f.requests;
    f.rss_warm_kib = warm;
    f.rss_end_kib = rss_end;
    let times = tally.error_times.lock().unwrap().clone();
    let in_window = |t: &Instant| windows.iter().any(|(from, to, _)| t >= from && t <= to);
    f.expected_errors = times.iter().filter(|t| in_window(t)).count();
    f.unexpected_errors =
        tally.other_errors.load(Ordering::Relaxed) + times.len() - f.expected_errors;
    for (from, to, what) in &windows {
        let n = times.iter().filter(|t| *t >= from && *t <= to).count();
        f.notes.push(format!(
            "{what}: {n} connection errors in its {:.1} s window",
            (*to - *from).as_secs_f64()
        ));
    }
    drop(api);
    f.fds_before = fds_before;
    f.fds_after = settled_fds(fds_before);
    Ok(f)
}

// The event watcher.

/// A watcher through a proxy that cuts every open connection once a second, over three
/// engine restarts. In each stretch between restarts the soak creates, starts and removes
/// containers directly; before each restart, the engine's own record of the stretch
/// (`GET /events?since=&until=`, answered from its buffer by a separate client) is the
/// witness: every event in it must have reached the watcher exactly once.
fn watch_phase(engine: &EngineDir, per_stretch: usize) -> Result<Figures, String> {
    const RESTARTS: usize = 3;
    eprintln!(
        "soak: watch, {per_stretch} containers in each of {} stretches, {RESTARTS} restarts",
        RESTARTS + 1
    );
    let fds_before = open_fds();
    let direct: blocking::Client = client(&Endpoint::Unix(engine.socket()));
    let label = format!("dkr-soak={}", std::process::id());
    let proxy = Proxy::start(&engine.socket(), 0);
    let watched: blocking::Client = client(&proxy.endpoint());
    let since = SystemTime::now();
    let options = EventsOptions::default()
        .since(since)
        .filter("label", &label);
    let watcher = Arc::new(watched.watch_events(&options));
    let seen: Arc<Mutex<Vec<(String, String, i64)>>> = Arc::default();
    let resyncs = Arc::new(AtomicUsize::new(0));
    let done = Arc::new(AtomicBool::new(false));
    let reader = {
        let (watcher, seen, resyncs, done) =
            (watcher.clone(), seen.clone(), resyncs.clone(), done.clone());
        thread::spawn(move || {
            while !done.load(Ordering::Relaxed) {
                match watcher.next_timeout(Duration::from_millis(200)) {
                    Ok(Some(WatchItem::Event(e))) => {
                        seen.lock().unwrap().push((
                            e.actor.id.clone(),
                            e.action.clone(),
                            e.time_nano(),
                        ));
                    }
                    Ok(Some(WatchItem::Resynced(_))) => {
                        resyncs.fetch_add(1, Ordering::Relaxed);
                    }
                    Ok(Some(WatchItem::Reconnecting { .. })) | Err(_) => (),
                    Ok(None) => return,
                }
            }
        })
    };
    let cutter = {
        let (proxy, done) = (proxy.clone_handle(), done.clone());
        thread::spawn(move || {
            while !done.load(Ordering::Relaxed) {
                thread::sleep(Duration::from_secs(1));
                proxy.cut_all();
            }
        })
    };
    let started = Instant::now();
    let mut witness: Vec<(String, String, i64)> = Vec::new();
    let mut warm = 0;
    let mut created = 0;
    for stretch in 0..=RESTARTS {
        let from = SystemTime::now();
        for i in 0..per_stretch {
            let name = format!("dkr-soak-{}-{stretch}-{i}", std::process::id());
            let body = serde_json::json!({"Image": "bb:latest", "Cmd": ["true"], "Labels": {"dkr-soak": label.trim_start_matches("dkr-soak=")}});
            let res = direct
                .request(
                    docker_client::Method::Post,
                    "/containers/create",
                    &[("name", &name)],
                    Some(body.to_string().into_bytes()),
                )
                .map_err(|e| format!("create {name}: {e}"))?;
            if res.status() != 201 {
                return Err(format!("create {name}: status {}", res.status()));
            }
            direct
                .start_container(&name)
                .map_err(|e| format!("start {name}: {e}"))?;
            let _ = direct.wait_container(&name, docker_client::WaitCondition::NotRunning);
            direct
                .remove_container(
                    &name,
                    docker_client::RemoveContainerOptions::default().force(true),
                )
                .map_err(|e| format!("remove {name}: {e}"))?;
            created += 1;
        }
        // The engine's own record of the stretch, before a restart empties its buffer.
        let until = SystemTime::now() + Duration::from_millis(100);
        thread::sleep(Duration::from_millis(200));
        let record = direct
            .events(
                &EventsOptions::default()
                    .since(from)
                    .until(until)
                    .filter("label", &label),
            )
            .map_err(|e| format!("the witness: {e}"))?;
        for event in record {
            let e = event.map_err(|e| format!("the witness: {e}"))?;
            witness.push((e.actor.id.clone(), e.action.clone(), e.time_nano()));
        }
        // Give the watcher the time to catch up through the cuts.
        let caught_up = Instant::now() + Duration::from_secs(20);
        while Instant::now() < caught_up {
            let got = seen.lock().unwrap().len();
            if got >= witness.len() {
                break;
            }
            thread::sleep(Duration::from_millis(100));
        }
        if stretch == 0 {
            warm = rss_kib();
        }
        if stretch < RESTARTS {
            engine.down()?;
            engine.up()?;
        }
    }
    done.store(true, Ordering::Relaxed);
    let rss_end = rss_kib();
    let _ = reader.join();
    let _ = cutter.join();
    let mut counts: BTreeMap<&(String, String, i64), usize> = BTreeMap::new();
    let seen = seen.lock().unwrap().clone();
    for e in &seen {
        *counts.entry(e).or_default() += 1;
    }
    let lost = witness.iter().filter(|e| !counts.contains_key(e)).count();
    let duplicated = counts.values().map(|n| n - 1).sum();
    let mut f = Figures {
        phase: "watch",
        what: format!("{created} containers, {RESTARTS} restarts, cut every 1 s"),
        seconds: started.elapsed().as_secs_f64(),
        events_lost: Some(lost),
        events_duplicated: Some(duplicated),
        events_seen: Some(witness.len()),
        rss_warm_kib: warm,
        rss_end_kib: rss_end,
        ..Figures::default()
    };
    f.notes.push(format!(
        "{} events in the witness, {} delivered, {} resyncs reported (at least one per restart expected), {} cuts",
        witness.len(),
        seen.len(),
        resyncs.load(Ordering::Relaxed),
        proxy.cuts()
    ));
    if resyncs.load(Ordering::Relaxed) < RESTARTS {
        f.unexpected_errors += 1;
        f.samples.push("fewer resyncs than restarts".into());
    }
    watcher.stop();
    drop(watcher);
    drop(watched);
    drop(direct);
    f.cuts = proxy.stop();
    f.fds_before = fds_before;
    f.fds_after = settled_fds(fds_before);
    Ok(f)
}

// The cutting proxy.

/// A Unix-socket proxy in front of the engine. It cuts `percent`% of the requests it
/// forwards (each at random: before the request reaches the engine, or partway through
/// the answer), and [`cut_all`](Proxy::cut_all) cuts every open connection.
struct Proxy {
    socket: PathBuf,
    dir: PathBuf,
    shared: Arc<ProxyShared>,
    thread: Option<thread::JoinHandle<()>>,
}

struct ProxyShared {
    percent: u64,
    cuts: AtomicUsize,
    done: AtomicBool,
    open: Mutex<Vec<UnixStream>>,
    pipes: Mutex<Vec<thread::JoinHandle<()>>>,
    seed: AtomicU64,
}

/// A handle that cuts the proxy's connections from another thread.
struct ProxyHandle(Arc<ProxyShared>);

impl ProxyHandle {
    fn cut_all(&self) {
        self.0.cut_all();
    }
}

impl ProxyShared {
    fn cut_all(&self) {
        let open: Vec<UnixStream> = self.open.lock().unwrap().drain(..).collect();
        for s in &open {
            let _ = s.shutdown(std::net::Shutdown::Both);
        }
        self.cuts.fetch_add(open.len() / 2, Ordering::Relaxed);
    }

    /// A fresh random number (xorshift over a shared seed).
    fn random(&self) -> u64 {
        let mut x = self
            .seed
            .fetch_add(0x9e37_79b9_7f4a_7c15, Ordering::Relaxed);
        x ^= x >> 33;
        x = x.wrapping_mul(0xff51_afd7_ed55_8ccd);
        x ^= x >> 33;
        x
    }
}

impl Proxy {
    fn start(upstream: &Path, percent: u64) -> Proxy {
        static N: AtomicUsize = AtomicUsize::new(0);
        let dir = std::env::temp_dir().join(format!(
            "dkr-soak-{}-{}",
            std::process::id(),
            N.fetch_add(1, Ordering::Relaxed)
        ));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("a proxy directory");
        let socket = dir.join("p.sock");
        let listener = UnixListener::bind(&socket).expect("the proxy's socket");
        let shared = Arc::new(ProxyShared {
            percent,
            cuts: AtomicUsize::new(0),
            done: AtomicBool::new(false),
            open: Mutex::new(Vec::new()),
            pipes: Mutex::new(Vec::new()),
            seed: AtomicU64::new(0x2545_f491_4f6c_dd1d),
        });
        let thread = {
            let (shared, upstream) = (shared.clone(), upstream.to_owned());
            thread::spawn(move || {
                for client in listener.incoming() {
                    if shared.done.load(Ordering::SeqCst) {
                        return;
                    }
                    let Ok(client) = client else { continue };
                    // An engine that is down: the client sees its connection closed.
                    let Ok(engine) = UnixStream::connect(&upstream) else {
                        continue;
                    };
                    {
                        let mut open = shared.open.lock().unwrap();
                        open.retain(|s| s.peer_addr().is_ok());
                        open.push(client.try_clone().unwrap());
                        open.push(engine.try_clone().unwrap());
                    }
                    let cut_answer = Arc::new(AtomicBool::new(false));
                    let up = pipe(
                        &shared,
                        client.try_clone().unwrap(),
                        engine.try_clone().unwrap(),
                        Direction::Request(cut_answer.clone()),
                    );
                    let down = pipe(&shared, engine, client, Direction::Answer(cut_answer));
                    let mut pipes = shared.pipes.lock().unwrap();
                    pipes.retain(|p| !p.is_finished());
                    pipes.push(up);
                    pipes.push(down);
                }
            })
        };
        Proxy {
            socket,
            dir,
            shared,
            thread: Some(thread),
        }
    }

    fn endpoint(&self) -> Endpoint {
        Endpoint::Unix(self.socket.clone())
    }

    fn clone_handle(&self) -> ProxyHandle {
        ProxyHandle(self.shared.clone())
    }

    fn cuts(&self) -> usize {
        self.shared.cuts.load(Ordering::Relaxed)
    }

    /// Stops the proxy, closes every connection and joins its threads; returns the cuts.
    fn stop(mut self) -> usize {
        self.shared.done.store(true, Ordering::SeqCst);
        let _ = UnixStream::connect(&self.socket);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
        let cuts = self.cuts();
        for s in self.shared.open.lock().unwrap().drain(..) {
            let _ = s.shutdown(std::net::Shutdown::Both);
        }
        let pipes: Vec<_> = self.shared.pipes.lock().unwrap().drain(..).collect();
        for p in pipes {
            let _ = p.join();
        }
        let _ = std::fs::remove_dir_all(&self.dir);
        cuts
    }
}

enum Direction {
    /// Client to engine: may cut before a request, or mark its answer for a cut.
    Request(Arc<AtomicBool>),
    /// Engine to client: cuts partway through an answer so marked.
    Answer(Arc<AtomicBool>),
}

fn pipe(
    shared: &Arc<ProxyShared>,
    mut from: UnixStream,
    mut to: UnixStream,
    direction: Direction,
) -> thread::JoinHandle<()> {
    let shared = shared.clone();
    thread::spawn(move || {
        let mut buf = vec![0u8; 64 * 1024];
        loop {
            let n = match from.read(&mut buf) {
                Ok(0) | Err(_) => break,
                Ok(n) => n,
            };
            let forward = match &direction {
                Direction::Request(mark)
                    if shared.percent > 0 && shared.random() % 100 < shared.percent =>
                {
                    shared.cuts.fetch_add(1, Ordering::Relaxed);
                    match shared.random() % 2 {
                        // Before the request reaches the engine.
                        0 => break,
                        // Partway through its answer.
                        _ => {
                            mark.store(true, Ordering::Relaxed);
                            n
                        }
                    }
                }
                Direction::Answer(mark) if mark.swap(false, Ordering::Relaxed) => {
                    let part = (shared.random() as usize) % n;
                    let _ = to.write_all(&buf[..part]);
                    break;
                }
                _ => n,
            };
            if to.write_all(&buf[..forward]).is_err() {
                break;
            }
        }
        let _ = to.shutdown(std::net::Shutdown::Both);
        let _ = from.shutdown(std::net::Shutdown::Both);
    })
}
