//! `cargo xtask bench`: the clients side by side against the engine of
//! `cargo xtask engine up`, and the build figures, in one table.
//!
//! Every client runs in a release binary, one process per run, so that timings are
//! comparable and each run's peak RSS is its own. All take `CLIENT SCENARIO SETUP OPS`:
//!
//! - `floor`: this crate in release, as `xtask bench --run ...`. The floor ([`floor`]) is
//!   a hand-written keep-alive HTTP/1.1 client over one `UnixStream` that decodes no JSON.
//! - `blocking`, `tokio-ct`, `tokio-mt`: `benches/ours-runner`, docker-client by path.
//! - `bollard`, `bollard-ct`: `benches/bollard-runner`, bollard from crates.io.
//!
//! The two runners are Cargo projects outside the workspace, each with its own lockfile
//! and the workspace's release profile, built with `cargo build --release --manifest-path`,
//! so that no project crate depends on bollard. They share `benches/common/runner.rs`.
//!
//! A run prints one JSON line (`client`, `scenario`, `ops`, `secs`, `items`, `bytes`,
//! `hwm_kib`). Runs are interleaved: each round runs every client once, and a round's
//! ratios are taken within the round, so that a noisy neighbour slows all clients alike.
//! Each figure is the median over the rounds, with min and max.
//!
//! The engine fixtures (200 labelled containers, a container that printed 200,000 lines,
//! 256 events) are made once and removed at the end; the 1 GiB log scenario talks to a
//! fake engine ([`fake`]) in a process of its own, serving pre-built frames.

#[path = "bench_build.rs"]
mod build;
#[path = "bench_fake.rs"]
mod fake;
#[path = "bench_floor.rs"]
mod floor;
#[path = "bench_report.rs"]
mod report;

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitCode, Stdio};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use crate::http;

pub(crate) const USAGE: &str = "\
Usage: cargo xtask bench [SCENARIO...] [--quick] [--runs N] [--build-runs N]
                         [--clients LIST] [--write | --no-write] [--keep]

Runs the clients side by side against the engine of `cargo xtask engine up`
(DOCKER_HOST when it is a unix:// address) and prints one table. A full run
(all scenarios, not --quick) writes docs/PERFORMANCE.md.

Scenarios (default: all, in this order):
  ping        HEAD /_ping (bollard: its own GET /_ping)
  transport   GET /_ping through docker-transport alone, the body read:
              the transport's own overhead (not bollard)
  version     GET /version, decoded
  list        GET /containers/json of 200 labelled containers, decoded
  inspect     GET /containers/{id}/json cycling over the 200, decoded
  events      a replay of 256 events (since/until), every event decoded
  logs        the logs of a container that printed 200,000 lines
  fake-logs   1 GiB of multiplexed frames from a fake engine at memory speed
  concurrent  8 workers doing inspects
  tls         over the engine's TLS listener (`cargo xtask engine up --tls`;
              skipped, saying so, without it), verified, with a client
              certificate: tls-ping and tls-inspect on one kept-alive
              connection; tls-connect, a new client per operation
              (certificates read, TCP connect, TLS handshake) and one ping;
              tls-handshake, one client keeping no idle connection, so
              every ping connects and shakes hands (not bollard). No
              floor: bollard (its `ssl` feature) is the peer
  build       clean release build time, crate count and stripped size of a
              ping-and-inspect program: blocking, blocking with the
              `tls` feature (what rustls adds), tokio, bollard

Clients: floor (hand-written std HTTP/1.1, no JSON), blocking, tokio-ct
(current-thread runtime), tokio-mt (multi-thread), bollard (stock, on
#[tokio::main]'s multi-thread runtime); bollard-ct on request.

Options:
  --quick         3 runs, fewer iterations: a smoke test, not for the record
  --runs N        runs (rounds) per figure; default 5, at least 1
  --build-runs N  rounds of the four clean release builds; default 1, as a
                  round takes minutes on a small machine (5 for the record)
  --clients LIST  comma-separated subset of the clients (floor is always run)
  --write         write docs/PERFORMANCE.md even for a partial or quick run
  --no-write      never write docs/PERFORMANCE.md
  --keep          keep the labelled containers for the next run

Each figure is the median of the runs, with min and max. Ratios are taken
within a round (all clients back to back) before the median.
";

/// The scenarios, in the order they run.
pub(crate) const SCENARIOS: &[&str] = &[
    "ping",
    "transport",
    "version",
    "list",
    "inspect",
    "events",
    "logs",
    "fake-logs",
    "concurrent",
    "tls",
    "build",
];

/// What the `tls` scenario runs, each a scenario of the runners.
pub(crate) const TLS_SCENARIOS: &[&str] =
    &["tls-ping", "tls-inspect", "tls-connect", "tls-handshake"];

/// The clients of a default run, in table order.
const CLIENTS: &[&str] = &["floor", "blocking", "tokio-ct", "tokio-mt", "bollard"];
/// Clients that may be asked for.
const KNOWN_CLIENTS: &[&str] = &[
    "floor",
    "blocking",
    "tokio-ct",
    "tokio-mt",
    "bollard",
    "bollard-ct",
    // The blocking client built with the `tracing` feature and no subscriber: the cost of
    // the feature when nobody listens (without the feature there is no tracing code).
    "blocking-traced",
];

/// Containers listed and inspected.
pub(crate) const LIST_COUNT: usize = 200;
/// Events replayed: one create and this many minus one renames.
pub(crate) const EVENTS: usize = 256;
/// Lines printed by the logs container (`seq 1 N`).
pub(crate) const LOG_LINES: u64 = 200_000;
/// Workers of the concurrent scenario.
pub(crate) const WORKERS: usize = 8;
/// Bytes of multiplexed frames served by the fake engine.
pub(crate) const FAKE_BYTES: u64 = 1 << 30;

/// The figures of the issue this benchmark answers.
pub(crate) mod target {
    /// ping and inspect: blocking over the floor.
    pub(crate) const BLOCKING: f64 = 1.10;
    /// `GET /_ping` through the blocking transport alone, over the floor.
    pub(crate) const TRANSPORT: f64 = 1.10;
    /// ping and inspect: tokio current-thread over the floor.
    pub(crate) const TOKIO_CT: f64 = 1.25;
    /// ping and inspect: how many times faster than bollard.
    pub(crate) const OVER_BOLLARD: f64 = 2.5;
    /// ping and inspect over keep-alive TLS: how many times faster than bollard over TLS.
    pub(crate) const OVER_BOLLARD_TLS: f64 = 2.0;
    /// 8 concurrent workers over the floor.
    pub(crate) const CONCURRENT: f64 = 1.2;
    /// Events per second, as a share of the floor's.
    pub(crate) const EVENTS_SHARE: f64 = 0.9;
    /// Fake-engine logs, bytes per second.
    pub(crate) const FAKE_GBPS: f64 = 1.5;
    /// Fake-engine logs, peak RSS.
    pub(crate) const FAKE_RSS_KIB: u64 = 16 * 1024;
    /// Blocking build time as a share of bollard's.
    pub(crate) const BUILD_SHARE: f64 = 0.25;
    /// Crates of the blocking program, itself included.
    pub(crate) const BUILD_CRATES: usize = 20;
    /// Stripped size as a share of bollard's.
    pub(crate) const SIZE_SHARE: f64 = 0.5;
}

pub(crate) fn run(args: &[String]) -> Result<ExitCode, String> {
    match args.first().map(String::as_str) {
        Some("--run") => return run_one(&args[1..]),
        Some("--fake-engine") => {
            let socket = args.get(1).ok_or("--fake-engine needs a socket path")?;
            return fake::serve(Path::new(socket)).map(|()| ExitCode::SUCCESS);
        }
        _ => {}
    }
    let opts = Options::parse(args)?;
    if opts.help {
        print!("{USAGE}");
        return Ok(ExitCode::SUCCESS);
    }
    let started = Instant::now();
    let root = workspace_root()?;
    let mut results = report::Results::default();
    let runtime: Vec<&str> = opts
        .scenarios
        .iter()
        .map(String::as_str)
        .filter(|s| *s != "build")
        .collect();
    if !runtime.is_empty() {
        run_runtime(&root, &opts, &runtime, &mut results)?;
    }
    if opts.scenarios.iter().any(|s| s == "build") {
        results.builds = build::measure(&root, opts.build_runs)?;
    }
    results.elapsed = started.elapsed();
    results.command = opts.command();
    results.runs = opts.runs;
    let table = report::table(&results);
    println!("{table}");
    let full = opts.scenarios.len() == SCENARIOS.len() && !opts.quick;
    if opts.write.unwrap_or(full) {
        let doc = report::document(&root, &results, &table);
        let path = root.join("docs/PERFORMANCE.md");
        fs::write(&path, doc).map_err(|e| format!("{}: {e}", path.display()))?;
        eprintln!("wrote {}", path.display());
    }
    eprintln!(
        "bench took {:.1} min",
        started.elapsed().as_secs_f64() / 60.0
    );
    Ok(ExitCode::SUCCESS)
}

/// Command-line options of an orchestrating run.
#[derive(Debug)]
struct Options {
    scenarios: Vec<String>,
    clients: Vec<String>,
    quick: bool,
    runs: usize,
    build_runs: usize,
    write: Option<bool>,
    keep: bool,
    help: bool,
}

impl Options {
    fn parse(args: &[String]) -> Result<Options, String> {
        let mut opts = Options {
            scenarios: Vec::new(),
            clients: CLIENTS.iter().map(|c| c.to_string()).collect(),
            quick: false,
            runs: 0,
            build_runs: 1,
            write: None,
            keep: false,
            help: false,
        };
        let mut args = args.iter().map(String::as_str);
        while let Some(arg) = args.next() {
            match arg {
                "-h" | "--help" | "help" => opts.help = true,
                "--quick" => opts.quick = true,
                "--write" => opts.write = Some(true),
                "--no-write" => opts.write = Some(false),
                "--keep" => opts.keep = true,
                "--runs" => {
                    let n = args.next().unwrap_or("");
                    opts.runs = n
                        .parse()
                        .ok()
                        .filter(|&n| n >= 1)
                        .ok_or(format!("--runs takes a number of at least 1, not `{n}`"))?;
                }
                "--build-runs" => {
                    let n = args.next().unwrap_or("");
                    opts.build_runs = n.parse().ok().filter(|&n| n >= 1).ok_or(format!(
                        "--build-runs takes a number of at least 1, not `{n}`"
                    ))?;
                }
                "--clients" => {
                    let list = args.next().unwrap_or("");
                    let mut clients = vec!["floor".to_owned()];
                    for c in list.split(',').map(str::trim).filter(|c| !c.is_empty()) {
                        if !KNOWN_CLIENTS.contains(&c) {
                            return Err(format!(
                                "unknown client `{c}`: expected some of {}",
                                KNOWN_CLIENTS.join(",")
                            ));
                        }
                        if !clients.iter().any(|k| k == c) {
                            clients.push(c.to_owned());
                        }
                    }
                    opts.clients = clients;
                }
                _ if SCENARIOS.contains(&arg) => {
                    if !opts.scenarios.iter().any(|s| s == arg) {
                        opts.scenarios.push(arg.to_owned());
                    }
                }
                _ => return Err(format!("unexpected argument `{arg}`\n\n{USAGE}")),
            }
        }
        if opts.scenarios.is_empty() {
            opts.scenarios = SCENARIOS.iter().map(|s| s.to_string()).collect();
        } else {
            // Keep the canonical order whatever the order on the command line.
            opts.scenarios
                .sort_by_key(|s| SCENARIOS.iter().position(|k| k == s));
        }
        if opts.runs == 0 {
            opts.runs = if opts.quick { 3 } else { 5 };
        }
        Ok(opts)
    }

    /// The command line that reproduces this run.
    fn command(&self) -> String {
        let mut cmd = "cargo xtask bench".to_owned();
        if self.scenarios.len() != SCENARIOS.len() {
            for s in &self.scenarios {
                cmd += " ";
                cmd += s;
            }
        }
        if self.quick {
            cmd += " --quick";
        }
        if self.runs != if self.quick { 3 } else { 5 } {
            let _ = write!(cmd, " --runs {}", self.runs);
        }
        if self.build_runs != 1 && self.scenarios.iter().any(|s| s == "build") {
            let _ = write!(cmd, " --build-runs {}", self.build_runs);
        }
        let default: Vec<String> = CLIENTS.iter().map(|c| c.to_string()).collect();
        if self.clients != default {
            let _ = write!(cmd, " --clients {}", self.clients.join(","));
        }
        cmd
    }

    /// Operations timed per run of `scenario`.
    fn ops(&self, scenario: &str) -> u64 {
        let (full, quick) = match scenario {
            "ping" | "transport" => (2000, 300),
            "version" => (1000, 200),
            "list" => (40, 10),
            "inspect" => (1000, 200),
            "events" => (10, 3),
            "logs" => (1, 1),
            "fake-logs" => (1, 1),
            "concurrent" => (2000, 400),
            // bollard takes about 45 ms per request over TLS here (see docs/PERFORMANCE.md).
            "tls-ping" => (1000, 100),
            "tls-inspect" => (500, 100),
            "tls-connect" | "tls-handshake" => (200, 50),
            _ => (1, 1),
        };
        if self.quick {
            quick
        } else {
            full
        }
    }
}

/// What a runner needs to know about the fixtures, as `key=value` lines in a file (read by
/// `benches/common/runner.rs` too).
#[derive(Debug, Clone, Default)]
pub(crate) struct Setup {
    /// The engine's socket.
    pub(crate) socket: String,
    /// The API version prefix the floor sends, e.g. `1.41`.
    pub(crate) api: String,
    /// The listed and inspected containers.
    pub(crate) ids: Vec<String>,
    /// `key=value` of the label of the listed containers, and how many there are.
    pub(crate) list_label: String,
    pub(crate) list_count: usize,
    /// Events window, `seconds.nanoseconds`.
    pub(crate) events_since: String,
    pub(crate) events_until: String,
    /// `key=value` of the label of the events' container.
    pub(crate) events_label: String,
    /// The container that printed [`LOG_LINES`] lines, and their bytes.
    pub(crate) logs_id: String,
    pub(crate) logs_payload: u64,
    /// The fake engine's socket, the container name that asks it for the frames, and
    /// their payload bytes.
    pub(crate) fake_socket: String,
    pub(crate) fake_id: String,
    pub(crate) fake_payload: u64,
    /// Workers of the concurrent scenario.
    pub(crate) workers: usize,
    /// The engine's TLS listener (`tcp://127.0.0.1:PORT`) and the directory of the
    /// client's `ca.pem`, `cert.pem` and `key.pem`; empty without one.
    pub(crate) tls_host: String,
    pub(crate) tls_certs: String,
}

impl Setup {
    fn to_text(&self) -> String {
        let mut s = String::new();
        for (k, v) in [
            ("socket", self.socket.clone()),
            ("api", self.api.clone()),
            ("ids", self.ids.join(",")),
            ("list_label", self.list_label.clone()),
            ("list_count", self.list_count.to_string()),
            ("events_since", self.events_since.clone()),
            ("events_until", self.events_until.clone()),
            ("events_label", self.events_label.clone()),
            ("logs_id", self.logs_id.clone()),
            ("logs_payload", self.logs_payload.to_string()),
            ("fake_socket", self.fake_socket.clone()),
            ("fake_id", self.fake_id.clone()),
            ("fake_payload", self.fake_payload.to_string()),
            ("workers", self.workers.to_string()),
            ("tls_host", self.tls_host.clone()),
            ("tls_certs", self.tls_certs.clone()),
        ] {
            let _ = writeln!(s, "{k}={v}");
        }
        s
    }

    pub(crate) fn read(path: &Path) -> Result<Setup, String> {
        let text = fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
        let mut setup = Setup::default();
        for line in text.lines() {
            let Some((k, v)) = line.split_once('=') else {
                continue;
            };
            let num = || v.parse::<u64>().unwrap_or(0);
            let v = v.to_owned();
            match k {
                "socket" => setup.socket = v,
                "api" => setup.api = v,
                "ids" => {
                    setup.ids = v
                        .split(',')
                        .filter(|s| !s.is_empty())
                        .map(Into::into)
                        .collect()
                }
                "list_label" => setup.list_label = v,
                "list_count" => setup.list_count = num() as usize,
                "events_since" => setup.events_since = v,
                "events_until" => setup.events_until = v,
                "events_label" => setup.events_label = v,
                "logs_id" => setup.logs_id = v,
                "logs_payload" => setup.logs_payload = num(),
                "fake_socket" => setup.fake_socket = v,
                "fake_id" => setup.fake_id = v,
                "fake_payload" => setup.fake_payload = num(),
                "workers" => setup.workers = num() as usize,
                "tls_host" => setup.tls_host = v,
                "tls_certs" => setup.tls_certs = v,
                _ => {}
            }
        }
        Ok(setup)
    }

    /// `{"label":["k=v"]}`, percent-encoded for a query.
    pub(crate) fn label_filter(label: &str) -> String {
        percent_encode(&format!("{{\"label\":[\"{label}\"]}}"))
    }

    /// The container worker `w` inspects at its `i`-th request: workers start spread out.
    pub(crate) fn inspect_index(&self, w: usize, i: usize) -> usize {
        let spread = self.ids.len() / self.workers.max(1);
        (w * spread + i) % self.ids.len()
    }
}

/// Bytes the logs container printed: `seq 1 N` with newlines.
pub(crate) fn log_payload_bytes(lines: u64) -> u64 {
    let mut total = 0;
    let mut lo = 1;
    let mut digits = 1;
    while lo <= lines {
        let hi = (lo * 10 - 1).min(lines);
        total += (hi - lo + 1) * (digits + 1);
        lo *= 10;
        digits += 1;
    }
    total
}

/// Percent-encodes everything but unreserved characters.
pub(crate) fn percent_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len() * 2);
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
            out.push(b as char);
        } else {
            let _ = write!(out, "%{b:02X}");
        }
    }
    out
}

/// The result of one run, as the runner prints it.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct Sample {
    pub(crate) client: String,
    pub(crate) scenario: String,
    pub(crate) ops: u64,
    pub(crate) secs: f64,
    pub(crate) items: u64,
    pub(crate) bytes: u64,
    /// On-CPU nanoseconds of the client's threads during the run.
    pub(crate) cpu_ns: u64,
    /// Nanoseconds the client's threads were runnable but waiting for a CPU.
    pub(crate) wait_ns: u64,
    pub(crate) hwm_kib: u64,
}

impl Sample {
    pub(crate) fn to_json(&self) -> String {
        format!(
            "{{\"client\":\"{}\",\"scenario\":\"{}\",\"ops\":{},\"secs\":{:.9},\"items\":{},\"bytes\":{},\"cpu_ns\":{},\"wait_ns\":{},\"hwm_kib\":{}}}",
            self.client,
            self.scenario,
            self.ops,
            self.secs,
            self.items,
            self.bytes,
            self.cpu_ns,
            self.wait_ns,
            self.hwm_kib
        )
    }

    /// Parses the one-line flat JSON object a runner prints.
    fn parse(line: &str) -> Option<Sample> {
        let body = line.trim().strip_prefix('{')?.strip_suffix('}')?;
        let mut s = Sample::default();
        for field in body.split(',') {
            let (k, v) = field.split_once(':')?;
            let k = k.trim().trim_matches('"');
            let v = v.trim().trim_matches('"');
            match k {
                "client" => s.client = v.to_owned(),
                "scenario" => s.scenario = v.to_owned(),
                "ops" => s.ops = v.parse().ok()?,
                "secs" => s.secs = v.parse().ok()?,
                "items" => s.items = v.parse().ok()?,
                "bytes" => s.bytes = v.parse().ok()?,
                "cpu_ns" => s.cpu_ns = v.parse().ok()?,
                "wait_ns" => s.wait_ns = v.parse().ok()?,
                "hwm_kib" => s.hwm_kib = v.parse().ok()?,
                _ => {}
            }
        }
        (s.secs > 0.0 && s.ops > 0).then_some(s)
    }
}

/// `(on-CPU ns, waiting-to-run ns)` from a `schedstat` file.
fn schedstat(path: &Path) -> (u64, u64) {
    let text = fs::read_to_string(path).unwrap_or_default();
    let mut fields = text.split_whitespace().map(|f| f.parse().unwrap_or(0));
    (fields.next().unwrap_or(0), fields.next().unwrap_or(0))
}

/// The same for a thread about to end, so that its time counts once it is gone.
pub(crate) fn thread_schedstat() -> (u64, u64) {
    schedstat(Path::new("/proc/thread-self/schedstat"))
}

/// Wall time and the CPU time of this process's threads (the kernel's `schedstat`), as
/// the runners in `benches/common/runner.rs` measure them.
pub(crate) struct Clock {
    wall: Instant,
    cpu: (u64, u64),
}

impl Clock {
    fn threads() -> (u64, u64) {
        let Ok(tasks) = fs::read_dir("/proc/self/task") else {
            return (0, 0);
        };
        tasks
            .filter_map(|t| t.ok())
            .map(|t| schedstat(&t.path().join("schedstat")))
            .fold((0, 0), |(c, w), (c2, w2)| (c + c2, w + w2))
    }

    pub(crate) fn start() -> Clock {
        Clock {
            cpu: Clock::threads(),
            wall: Instant::now(),
        }
    }

    /// Stops the clock into `sample`; `ended` is the time of threads that ended meanwhile.
    pub(crate) fn stop(self, sample: &mut Sample, ended: (u64, u64)) {
        sample.secs = self.wall.elapsed().as_secs_f64();
        let (cpu, wait) = Clock::threads();
        sample.cpu_ns = (cpu + ended.0).saturating_sub(self.cpu.0);
        sample.wait_ns = (wait + ended.1).saturating_sub(self.cpu.1);
    }
}

/// Peak resident set size of this process (`VmHWM`), in KiB.
pub(crate) fn vm_hwm_kib() -> u64 {
    let status = fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0)
}

/// `xtask bench --run CLIENT SCENARIO SETUP OPS`: one timed run, one JSON line.
fn run_one(args: &[String]) -> Result<ExitCode, String> {
    let [client, scenario, setup, ops] = args else {
        return Err("usage: xtask bench --run CLIENT SCENARIO SETUP-FILE OPS".to_owned());
    };
    let setup = Setup::read(Path::new(setup))?;
    let ops: u64 = ops.parse().map_err(|_| format!("bad OPS `{ops}`"))?;
    if client != "floor" {
        return Err(format!(
            "client `{client}` is not in this binary: only the floor is"
        ));
    }
    let mut sample = floor::run(scenario, &setup, ops)?;
    sample.client = client.clone();
    sample.scenario = scenario.clone();
    sample.hwm_kib = vm_hwm_kib();
    println!("{}", sample.to_json());
    Ok(ExitCode::SUCCESS)
}

/// The binaries that run the clients.
struct Runners {
    xtask: PathBuf,
    ours: Option<PathBuf>,
    /// ours-runner with the `tracing` feature.
    traced: Option<PathBuf>,
    bollard: Option<PathBuf>,
    /// The clients asked for that have a runner, in table order.
    clients: Vec<String>,
}

impl Runners {
    fn build(root: &Path, clients: &[String]) -> Result<Runners, String> {
        eprintln!("building the runners (release)");
        let xtask = cargo_build_bin(root, &["build", "--release", "-p", "xtask"], "xtask")?;
        let project = |name: &str, features: &str| -> Result<PathBuf, String> {
            let manifest = root.join("benches").join(name).join("Cargo.toml");
            let manifest = manifest.to_string_lossy().into_owned();
            let mut args = vec![
                "build",
                "--release",
                "--locked",
                "--manifest-path",
                &manifest,
            ];
            // Its own target directory, whatever CARGO_TARGET_DIR says; one per feature set.
            let mut target = root.join("benches").join(name).join("target");
            if !features.is_empty() {
                args.extend(["--features", features]);
                target = target.with_file_name(format!("target-{features}"));
            }
            let mut cmd = Command::new(cargo());
            cmd.env("CARGO_TARGET_DIR", target);
            cargo_build_bin_with(cmd, root, &args, name)
        };
        let wants = |prefix: &str| clients.iter().any(|c| c.starts_with(prefix));
        let ours = match clients.iter().any(|c| c == "blocking") || wants("tokio") {
            true => Some(project("ours-runner", "")?),
            false => None,
        };
        let traced = match wants("blocking-traced") {
            true => Some(project("ours-runner", "tracing")?),
            false => None,
        };
        // bollard comes from crates.io: without it (offline, first run) the rest still runs.
        let bollard = match wants("bollard") {
            true => project("bollard-runner", "")
                .map_err(|e| {
                    eprintln!(
                        "warning: benches/bollard-runner did not build, so this run has no \
                         bollard figures ({e}); fetching bollard needs crates.io once"
                    )
                })
                .ok(),
            false => None,
        };
        let clients = clients
            .iter()
            .filter(|c| bollard.is_some() || !c.starts_with("bollard"))
            .cloned()
            .collect();
        Ok(Runners {
            xtask,
            ours,
            traced,
            bollard,
            clients,
        })
    }

    fn command(&self, client: &str) -> Command {
        let built = "built when asked for";
        match client {
            "floor" => {
                let mut cmd = Command::new(&self.xtask);
                cmd.args(["bench", "--run"]);
                cmd
            }
            c if c.starts_with("bollard") => Command::new(self.bollard.as_ref().expect(built)),
            "blocking-traced" => Command::new(self.traced.as_ref().expect(built)),
            _ => Command::new(self.ours.as_ref().expect(built)),
        }
    }

    /// One run of `client` in a process of its own.
    fn sample(
        &self,
        client: &str,
        scenario: &str,
        setup: &Path,
        ops: u64,
    ) -> Result<Sample, String> {
        let out = self
            .command(client)
            .args([client, scenario])
            .arg(setup)
            .arg(ops.to_string())
            .stdin(Stdio::null())
            .stderr(Stdio::inherit())
            .output()
            .map_err(|e| format!("cannot run the {client} runner: {e}"))?;
        let stdout = String::from_utf8_lossy(&out.stdout);
        if !out.status.success() {
            return Err(format!(
                "{client} {scenario} failed ({}): {}",
                out.status,
                stdout.trim()
            ));
        }
        stdout
            .lines()
            .rev()
            .find_map(Sample::parse)
            .ok_or_else(|| format!("{client} {scenario} printed no result: {}", stdout.trim()))
    }
}

/// Runs `cargo <args>` in `root` and returns the path of the binary target `bin`.
pub(crate) fn cargo_build_bin(root: &Path, args: &[&str], bin: &str) -> Result<PathBuf, String> {
    cargo_build_bin_with(Command::new(cargo()), root, args, bin)
}

fn cargo_build_bin_with(
    mut cmd: Command,
    root: &Path,
    args: &[&str],
    bin: &str,
) -> Result<PathBuf, String> {
    let out = cmd
        .args(args)
        .arg("--message-format=json-render-diagnostics")
        .current_dir(root)
        .stderr(Stdio::inherit())
        .output()
        .map_err(|e| format!("cannot run cargo: {e}"))?;
    if !out.status.success() {
        return Err(format!("cargo {} failed ({})", args.join(" "), out.status));
    }
    let stdout = String::from_utf8_lossy(&out.stdout);
    let needle = "\"executable\":\"";
    stdout
        .lines()
        .filter(|l| l.contains("\"reason\":\"compiler-artifact\""))
        .filter_map(|l| {
            let start = l.find(needle)? + needle.len();
            let len = l[start..].find('"')?;
            Some(PathBuf::from(&l[start..start + len]))
        })
        .find(|p| p.file_name().is_some_and(|n| n == bin))
        .ok_or_else(|| format!("cargo {} built no binary `{bin}`", args.join(" ")))
}

pub(crate) fn cargo() -> String {
    std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned())
}

fn workspace_root() -> Result<PathBuf, String> {
    let manifest = std::env::var("CARGO_MANIFEST_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|_| PathBuf::from("xtask"));
    let root = manifest.parent().unwrap_or(Path::new(".")).to_path_buf();
    match root.join("Cargo.toml").exists() {
        true => Ok(root),
        false => Err(format!("no workspace at {}", root.display())),
    }
}

/// The engine's socket: `DOCKER_HOST` when it is a Unix address, else the engine of
/// `cargo xtask engine up`.
fn engine_socket() -> PathBuf {
    match std::env::var("DOCKER_HOST") {
        Ok(host) if host.starts_with("unix://") => PathBuf::from(&host["unix://".len()..]),
        _ => {
            let dir = std::env::var_os("DKR_ENGINE_DIR").unwrap_or_else(|| "/tmp/dkr".into());
            PathBuf::from(dir).join("docker.sock")
        }
    }
}

fn run_runtime(
    root: &Path,
    opts: &Options,
    scenarios: &[&str],
    results: &mut report::Results,
) -> Result<(), String> {
    let socket = engine_socket();
    let version = http::get(&socket, "/version", Duration::from_secs(5))
        .ok()
        .filter(|r| r.status == 200)
        .ok_or_else(|| {
            format!(
                "no engine answers on {}; start one with `cargo xtask engine up`",
                socket.display()
            )
        })?
        .text();
    let engine_version = json_string(&version, "Version").unwrap_or("?").to_owned();
    let api = json_string(&version, "ApiVersion")
        .unwrap_or("1.41")
        .to_owned();
    results.engine = format!("Docker Engine {engine_version} (API {api})");

    let runners = Runners::build(root, &opts.clients)?;
    let dir = PathBuf::from(format!("/tmp/dkr-bench-{}", std::process::id()));
    fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let mut fixtures = Fixtures::new(&socket, &api, &dir);
    let outcome = (|| -> Result<(), String> {
        fixtures.clear_leftovers()?;
        let needs = |names: &[&str]| scenarios.iter().any(|s| names.contains(s));
        if needs(&["tls"]) {
            fixtures.find_tls()?;
        }
        if needs(&["list", "inspect", "concurrent"])
            || (needs(&["tls"]) && !fixtures.setup.tls_host.is_empty())
        {
            fixtures.make_list()?;
        }
        if needs(&["logs"]) {
            fixtures.make_logs()?;
        }
        if needs(&["fake-logs"]) {
            let bytes = if opts.quick {
                FAKE_BYTES / 4
            } else {
                FAKE_BYTES
            };
            fixtures.start_fake(&runners.xtask, bytes)?;
        }
        for &scenario in scenarios {
            if scenario == "events" {
                fixtures.make_events()?;
            }
            let parts = match scenario {
                "tls" if fixtures.setup.tls_host.is_empty() => &[][..],
                "tls" => TLS_SCENARIOS,
                _ => std::slice::from_ref(&scenario),
            };
            for &part in parts {
                let rounds = run_scenario(&runners, opts, part, &mut fixtures)?;
                results.scenarios.push((part.to_owned(), rounds));
            }
        }
        Ok(())
    })();
    fixtures.stop_fake();
    if !opts.keep {
        if let Err(e) = fixtures.remove_all() {
            eprintln!("warning: {e}");
        }
    }
    let _ = fs::remove_dir_all(&dir);
    outcome
}

/// Runs every client `opts.runs` times on `scenario`, interleaved. For events, a round in
/// which a client saw fewer than [`EVENTS`] events (the engine keeps only its last 256, so
/// another user's events can push ours out) is made again on fresh events.
fn run_scenario(
    runners: &Runners,
    opts: &Options,
    scenario: &str,
    fixtures: &mut Fixtures,
) -> Result<Vec<BTreeMap<String, Sample>>, String> {
    let ops = opts.ops(scenario);
    let mut rounds = Vec::new();
    let mut retries = 0;
    eprint!("{scenario:>10}:");
    while rounds.len() < opts.runs {
        let setup = fixtures.write_setup()?;
        let mut round = BTreeMap::new();
        let mut short = false;
        for client in &runners.clients {
            if scenario == "transport" && client.starts_with("bollard") {
                continue; // bollard has no transport of its own to call
            }
            if scenario == "tls-handshake" && client.starts_with("bollard") {
                continue; // bollard has no switch to turn keep-alive off (see tls-connect)
            }
            if scenario.starts_with("tls-") && client == "floor" {
                continue; // the floor speaks plain HTTP over the Unix socket only
            }
            let sample = runners.sample(client, scenario, &setup, ops)?;
            if scenario == "events" && sample.items != EVENTS as u64 * sample.ops {
                short = true;
            }
            round.insert(client.clone(), sample);
        }
        if short {
            retries += 1;
            if retries > 3 {
                return Err("events were pushed out of the engine's buffer 4 times; \
                            is another program busy on this engine?"
                    .to_owned());
            }
            eprint!(" (events pushed out, again)");
            fixtures.make_events()?;
            continue;
        }
        eprint!(" {}", rounds.len() + 1);
        rounds.push(round);
    }
    eprintln!();
    Ok(rounds)
}

/// The engine-side fixtures and the fake engine, made and removed by the orchestrator.
struct Fixtures {
    socket: PathBuf,
    dir: PathBuf,
    tag: String,
    setup: Setup,
    created: Vec<String>,
    fake: Option<Child>,
}

impl Fixtures {
    fn new(socket: &Path, api: &str, dir: &Path) -> Fixtures {
        let tag = format!(
            "{}-{}",
            std::process::id(),
            SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .unwrap_or_default()
                .as_secs()
        );
        Fixtures {
            socket: socket.to_owned(),
            dir: dir.to_owned(),
            setup: Setup {
                socket: socket.to_string_lossy().into_owned(),
                api: api.to_owned(),
                list_label: format!("dkr.bench.list={tag}"),
                list_count: LIST_COUNT,
                logs_payload: log_payload_bytes(LOG_LINES),
                workers: WORKERS,
                ..Setup::default()
            },
            tag,
            created: Vec::new(),
            fake: None,
        }
    }

    /// The TLS listener of the engine's directory (`engine up --tls` writes `tls/host` and
    /// `tls/client/` next to the socket), when there is one and it answers.
    fn find_tls(&mut self) -> Result<(), String> {
        let dir = self.socket.parent().unwrap_or(Path::new("/")).join("tls");
        let Ok(host) = fs::read_to_string(dir.join("host")) else {
            eprintln!(
                "warning: no TLS listener in {} (start the engine with `cargo xtask engine up \
                 --tls`), so this run has no tls figures",
                dir.display()
            );
            return Ok(());
        };
        let host = host.trim().to_owned();
        let addr = host.strip_prefix("tcp://").unwrap_or(&host);
        std::net::TcpStream::connect(addr).map_err(|e| {
            format!(
                "the TLS listener {host} of {} does not answer: {e}",
                dir.display()
            )
        })?;
        self.setup.tls_host = host;
        self.setup.tls_certs = dir.join("client").to_string_lossy().into_owned();
        Ok(())
    }

    fn write_setup(&self) -> Result<PathBuf, String> {
        let path = self.dir.join("setup");
        fs::write(&path, self.setup.to_text()).map_err(|e| format!("{}: {e}", path.display()))?;
        Ok(path)
    }

    fn call(&self, method: &str, path: &str, body: Option<&str>) -> Result<http::Response, String> {
        let path = format!("/v{}{path}", self.setup.api);
        let body = body.map(|b| ("application/json", b.as_bytes()));
        let resp = http::request(&self.socket, method, &path, body, Duration::from_secs(120))
            .map_err(|e| format!("{method} {path}: {e}"))?;
        match resp.status {
            200..=299 => Ok(resp),
            status => Err(format!(
                "{method} {path}: HTTP {status}: {}",
                resp.text().trim()
            )),
        }
    }

    /// Creates a container of `bb:latest` running `cmd`, labelled `dkr.bench` and `label`.
    fn create(&mut self, name: &str, cmd: &[&str], label: Option<&str>) -> Result<String, String> {
        let cmd: Vec<String> = cmd.iter().map(|c| format!("\"{c}\"")).collect();
        let mut labels = format!("\"dkr.bench\":\"{}\"", self.tag);
        if let Some((k, v)) = label.and_then(|l| l.split_once('=')) {
            let _ = write!(labels, ",\"{k}\":\"{v}\"");
        }
        let body = format!(
            "{{\"Image\":\"bb:latest\",\"Cmd\":[{}],\"Labels\":{{{labels}}}}}",
            cmd.join(",")
        );
        let resp = self.call(
            "POST",
            &format!("/containers/create?name={name}"),
            Some(&body),
        )?;
        let text = resp.text();
        let id = json_string(&text, "Id")
            .ok_or_else(|| format!("create {name}: no Id in {text}"))?
            .to_owned();
        self.created.push(id.clone());
        Ok(id)
    }

    /// Removes containers a run that did not finish left behind.
    fn clear_leftovers(&mut self) -> Result<(), String> {
        let filter = Setup::label_filter("dkr.bench");
        let resp = self.call(
            "GET",
            &format!("/containers/json?all=1&filters={filter}"),
            None,
        )?;
        let text = resp.text();
        let ids = json_strings(&text, "Id");
        if !ids.is_empty() {
            eprintln!("removing {} containers left by an earlier run", ids.len());
        }
        for id in ids {
            self.call("DELETE", &format!("/containers/{id}?force=1"), None)?;
        }
        Ok(())
    }

    fn make_list(&mut self) -> Result<(), String> {
        let started = Instant::now();
        let label = self.setup.list_label.clone();
        for i in 0..LIST_COUNT {
            let name = format!("dkr-bench-{}-{i:03}", self.tag);
            let id = self.create(&name, &["true"], Some(&label))?;
            self.setup.ids.push(id);
        }
        eprintln!(
            "created {LIST_COUNT} labelled containers in {:.1}s",
            started.elapsed().as_secs_f64()
        );
        Ok(())
    }

    fn make_logs(&mut self) -> Result<(), String> {
        let started = Instant::now();
        let lines = LOG_LINES.to_string();
        let name = format!("dkr-bench-{}-logs", self.tag);
        let id = self.create(&name, &["seq", "1", &lines], None)?;
        self.call("POST", &format!("/containers/{id}/start"), None)?;
        self.call("POST", &format!("/containers/{id}/wait"), None)?;
        self.setup.logs_id = id;
        eprintln!(
            "ran a container printing {LOG_LINES} lines in {:.1}s",
            started.elapsed().as_secs_f64()
        );
        Ok(())
    }

    /// 256 events of a labelled container: its creation and 255 renames, cheap for the
    /// engine. The replay window is written to the setup.
    fn make_events(&mut self) -> Result<(), String> {
        let round = self.created.len();
        let label = format!("dkr.bench.events={}-{round}", self.tag);
        let since = unix_now();
        let base = format!("dkr-bench-{}-ev{round}", self.tag);
        let id = self.create(&base, &["true"], Some(&label))?;
        for i in 1..EVENTS {
            self.call(
                "POST",
                &format!("/containers/{id}/rename?name={base}-{i}"),
                None,
            )?;
        }
        std::thread::sleep(Duration::from_millis(20));
        let until = unix_now();
        std::thread::sleep(Duration::from_millis(20));
        self.setup.events_since = since;
        self.setup.events_until = until;
        self.setup.events_label = label;
        Ok(())
    }

    fn start_fake(&mut self, xtask: &Path, bytes: u64) -> Result<(), String> {
        let socket = self.dir.join("fake.sock");
        let child = Command::new(xtask)
            .args(["bench", "--fake-engine"])
            .arg(&socket)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .spawn()
            .map_err(|e| format!("cannot start the fake engine: {e}"))?;
        self.fake = Some(child);
        let deadline = Instant::now() + Duration::from_secs(10);
        while http::get(&socket, "/_ping", Duration::from_secs(1)).is_err() {
            if Instant::now() > deadline {
                return Err("the fake engine did not answer within 10 s".to_owned());
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        self.setup.fake_socket = socket.to_string_lossy().into_owned();
        self.setup.fake_id = format!("fake-{bytes}");
        self.setup.fake_payload = fake::payload_bytes(bytes);
        Ok(())
    }

    fn stop_fake(&mut self) {
        if let Some(mut child) = self.fake.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    fn remove_all(&mut self) -> Result<(), String> {
        let started = Instant::now();
        let n = self.created.len();
        for id in std::mem::take(&mut self.created) {
            self.call("DELETE", &format!("/containers/{id}?force=1"), None)?;
        }
        if n > 0 {
            eprintln!(
                "removed {n} containers in {:.1}s",
                started.elapsed().as_secs_f64()
            );
        }
        Ok(())
    }
}

/// Now, as the engine takes times: `seconds.nanoseconds`.
fn unix_now() -> String {
    let d = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default();
    format!("{}.{:09}", d.as_secs(), d.subsec_nanos())
}

/// The first `"key":"value"` string in a JSON text.
fn json_string<'a>(json: &'a str, key: &str) -> Option<&'a str> {
    let pat = format!("\"{key}\":\"");
    let start = json.find(&pat)? + pat.len();
    let len = json[start..].find('"')?;
    Some(&json[start..start + len])
}

/// Every `"key":"value"` string in a JSON text.
fn json_strings<'a>(json: &'a str, key: &str) -> Vec<&'a str> {
    let pat = format!("\"{key}\":\"");
    let mut out = Vec::new();
    let mut rest = json;
    while let Some(at) = rest.find(&pat) {
        rest = &rest[at + pat.len()..];
        if let Some(len) = rest.find('"') {
            out.push(&rest[..len]);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sample_round_trips() {
        let s = Sample {
            client: "floor".into(),
            scenario: "ping".into(),
            ops: 10,
            secs: 0.5,
            items: 10,
            bytes: 20,
            cpu_ns: 7,
            wait_ns: 8,
            hwm_kib: 1234,
        };
        assert_eq!(Sample::parse(&s.to_json()), Some(s));
    }

    #[test]
    fn log_bytes_of_seq() {
        assert_eq!(log_payload_bytes(9), 18);
        assert_eq!(log_payload_bytes(10), 21);
        assert_eq!(log_payload_bytes(200_000), 1_288_895);
    }

    #[test]
    fn setup_round_trips() {
        let setup = Setup {
            socket: "/s".into(),
            api: "1.41".into(),
            ids: vec!["a".into(), "b".into()],
            list_label: "k=v".into(),
            fake_payload: 42,
            workers: 2,
            tls_host: "tcp://127.0.0.1:2376".into(),
            tls_certs: "/certs".into(),
            ..Setup::default()
        };
        let dir = std::env::temp_dir().join(format!("setup-{}", std::process::id()));
        fs::write(&dir, setup.to_text()).unwrap();
        let back = Setup::read(&dir).unwrap();
        let _ = fs::remove_file(&dir);
        assert_eq!(back.ids, setup.ids);
        assert_eq!(back.fake_payload, 42);
        assert_eq!(back.workers, 2);
        assert_eq!(back.inspect_index(1, 0), 1);
        assert_eq!(back.list_label, "k=v");
        assert_eq!(back.tls_host, "tcp://127.0.0.1:2376");
        assert_eq!(back.tls_certs, "/certs");
    }

    #[test]
    fn options_default_and_order() {
        let args: Vec<String> = ["inspect", "ping", "--quick"].map(String::from).to_vec();
        let opts = Options::parse(&args).unwrap();
        assert_eq!(opts.scenarios, ["ping", "inspect"]);
        assert_eq!(opts.runs, 3);
        assert_eq!(opts.command(), "cargo xtask bench ping inspect --quick");
        assert!(Options::parse(&["--runs".into(), "0".into()]).is_err());
        let tls = Options::parse(&["tls".into(), "ping".into()]).unwrap();
        assert_eq!(tls.scenarios, ["ping", "tls"]);
    }

    #[test]
    fn json_helpers() {
        let text = r#"[{"Id":"a","x":1},{"Id":"b"}]"#;
        assert_eq!(json_string(text, "Id"), Some("a"));
        assert_eq!(json_strings(text, "Id"), ["a", "b"]);
        assert_eq!(percent_encode("{\"a\"}"), "%7B%22a%22%7D");
    }
}
