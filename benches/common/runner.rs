//! What the runners share: their command line, the setup file written by
//! `cargo xtask bench`, and the one JSON line a run prints.
//!
//! Included with `#[path]` by `ours-runner` and `bollard-runner`, so that both read and
//! report the same way. The floor, in xtask, has its own copy of the same format.

#![allow(dead_code)]

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

/// `RUNNER CLIENT SCENARIO SETUP-FILE OPS`.
pub struct Args {
    pub client: String,
    pub scenario: String,
    pub setup: Setup,
    pub ops: u64,
}

impl Args {
    pub fn from_env() -> Result<Args, String> {
        let args: Vec<String> = std::env::args().skip(1).collect();
        let [client, scenario, setup, ops] = &args[..] else {
            return Err("usage: RUNNER CLIENT SCENARIO SETUP-FILE OPS".to_owned());
        };
        Ok(Args {
            client: client.clone(),
            scenario: scenario.clone(),
            setup: Setup::read(setup)?,
            ops: ops.parse().map_err(|_| format!("bad OPS `{ops}`"))?,
        })
    }
}

/// The fixtures, as `key=value` lines.
#[derive(Debug, Default, Clone)]
pub struct Setup {
    pub socket: String,
    pub ids: Vec<String>,
    pub list_label: String,
    pub list_count: usize,
    pub events_since: String,
    pub events_until: String,
    pub events_label: String,
    pub logs_id: String,
    pub logs_payload: u64,
    pub fake_socket: String,
    pub fake_id: String,
    pub fake_payload: u64,
    pub workers: usize,
    /// The engine's TLS listener, `tcp://127.0.0.1:PORT`, and the directory of the
    /// client's `ca.pem`, `cert.pem` and `key.pem`.
    pub tls_host: String,
    pub tls_certs: String,
}

impl Setup {
    pub fn read(path: &str) -> Result<Setup, String> {
        let text = std::fs::read_to_string(path).map_err(|e| format!("{path}: {e}"))?;
        let mut s = Setup::default();
        for line in text.lines() {
            let Some((k, v)) = line.split_once('=') else {
                continue;
            };
            let v = v.to_owned();
            let num = |v: &str| v.parse::<u64>().unwrap_or(0);
            match k {
                "socket" => s.socket = v,
                "ids" => {
                    s.ids = v
                        .split(',')
                        .filter(|x| !x.is_empty())
                        .map(Into::into)
                        .collect()
                }
                "list_label" => s.list_label = v,
                "list_count" => s.list_count = num(&v) as usize,
                "events_since" => s.events_since = v,
                "events_until" => s.events_until = v,
                "events_label" => s.events_label = v,
                "logs_id" => s.logs_id = v,
                "logs_payload" => s.logs_payload = num(&v),
                "fake_socket" => s.fake_socket = v,
                "fake_id" => s.fake_id = v,
                "fake_payload" => s.fake_payload = num(&v),
                "workers" => s.workers = num(&v) as usize,
                "tls_host" => s.tls_host = v,
                "tls_certs" => s.tls_certs = v,
                _ => {}
            }
        }
        Ok(s)
    }

    /// The client's certificate file `name` (`ca.pem`, `cert.pem`, `key.pem`).
    pub fn tls_file(&self, name: &str) -> std::path::PathBuf {
        std::path::Path::new(&self.tls_certs).join(name)
    }

    /// The socket a scenario talks to.
    pub fn socket_for(&self, scenario: &str) -> &str {
        match scenario {
            "fake-logs" => &self.fake_socket,
            _ => &self.socket,
        }
    }

    /// The container and the payload bytes expected of a logs scenario.
    pub fn logs_target(&self, scenario: &str) -> (&str, u64) {
        match scenario {
            "fake-logs" => (&self.fake_id, self.fake_payload),
            _ => (&self.logs_id, self.logs_payload),
        }
    }

    /// The container worker `w` inspects at its `i`-th request: workers start spread out.
    pub fn inspect_id(&self, w: usize, i: usize) -> &str {
        let spread = self.ids.len() / self.workers.max(1);
        &self.ids[(w * spread + i) % self.ids.len()]
    }
}

/// A scenario over TLS (`tls-ping`, `tls-inspect`, `tls-connect`): the plain scenario it
/// repeats over the engine's TLS listener, or `None` for a scenario over the Unix socket.
pub fn over_tls(scenario: &str) -> Option<&str> {
    scenario.strip_prefix("tls-")
}

/// `seconds.nanoseconds` as a time.
pub fn parse_time(text: &str) -> Result<SystemTime, String> {
    let (secs, nanos) = text.split_once('.').unwrap_or((text, "0"));
    let secs: u64 = secs.parse().map_err(|_| format!("bad time `{text}`"))?;
    let nanos: u32 = nanos.parse().map_err(|_| format!("bad time `{text}`"))?;
    Ok(UNIX_EPOCH + Duration::new(secs, nanos))
}

/// On-CPU and run-queue nanoseconds of threads that ended while the clock ran.
static ENDED_CPU: AtomicU64 = AtomicU64::new(0);
static ENDED_WAIT: AtomicU64 = AtomicU64::new(0);

/// `(on-CPU ns, waiting-to-run ns)` from a `schedstat` file.
fn schedstat(path: &str) -> (u64, u64) {
    let text = std::fs::read_to_string(path).unwrap_or_default();
    let mut fields = text.split_whitespace().map(|f| f.parse().unwrap_or(0));
    (fields.next().unwrap_or(0), fields.next().unwrap_or(0))
}

/// The sum over this process's live threads.
fn process_schedstat() -> (u64, u64) {
    let Ok(tasks) = std::fs::read_dir("/proc/self/task") else {
        return (0, 0);
    };
    tasks
        .filter_map(|t| t.ok())
        .map(|t| schedstat(&format!("{}/schedstat", t.path().display())))
        .fold((0, 0), |(c, w), (c2, w2)| (c + c2, w + w2))
}

/// Called by a worker thread started inside the timed region as its last act, so that
/// its CPU time is counted after it is gone.
pub fn thread_ends() {
    let (cpu, wait) = schedstat("/proc/thread-self/schedstat");
    ENDED_CPU.fetch_add(cpu, Ordering::Relaxed);
    ENDED_WAIT.fetch_add(wait, Ordering::Relaxed);
}

/// Wall time, and the CPU time of the client's threads (from the kernel's `schedstat`:
/// what the client cost, apart from waiting for the engine or for a CPU).
pub struct Clock {
    wall: Instant,
    cpu: u64,
    wait: u64,
}

impl Clock {
    pub fn start() -> Clock {
        let (cpu, wait) = process_schedstat();
        Clock {
            wall: Instant::now(),
            cpu,
            wait,
        }
    }
}

/// What a run measured.
#[derive(Debug, Default)]
pub struct Sample {
    pub ops: u64,
    pub secs: f64,
    pub items: u64,
    pub bytes: u64,
    /// On-CPU nanoseconds of the client's threads during the run.
    pub cpu_ns: u64,
    /// Nanoseconds the client's threads were runnable but waiting for a CPU.
    pub wait_ns: u64,
}

impl Sample {
    /// Stops the clock; `items` defaults to the operations.
    pub fn finish(mut self, clock: Clock, ops: u64) -> Sample {
        self.secs = clock.wall.elapsed().as_secs_f64();
        let (cpu, wait) = process_schedstat();
        let ended = (
            ENDED_CPU.load(Ordering::Relaxed),
            ENDED_WAIT.load(Ordering::Relaxed),
        );
        self.cpu_ns = (cpu + ended.0).saturating_sub(clock.cpu);
        self.wait_ns = (wait + ended.1).saturating_sub(clock.wait);
        if self.ops == 0 {
            self.ops = ops;
        }
        if self.items == 0 {
            self.items = self.ops;
        }
        self
    }

    /// The result line, with this process's peak RSS.
    pub fn print(&self, client: &str, scenario: &str) {
        println!(
            "{{\"client\":\"{client}\",\"scenario\":\"{scenario}\",\"ops\":{},\"secs\":{:.9},\"items\":{},\"bytes\":{},\"cpu_ns\":{},\"wait_ns\":{},\"hwm_kib\":{}}}",
            self.ops,
            self.secs,
            self.items,
            self.bytes,
            self.cpu_ns,
            self.wait_ns,
            vm_hwm_kib()
        );
    }
}

/// Counts of a logs read, checked against the expected payload.
#[derive(Debug, Default)]
pub struct LogCount {
    pub stdout: u64,
    pub stderr: u64,
    pub pieces: u64,
}

impl LogCount {
    pub fn add(&mut self, stderr: bool, len: usize) {
        self.pieces += 1;
        match stderr {
            true => self.stderr += len as u64,
            false => self.stdout += len as u64,
        }
    }

    pub fn check(&self, expected: u64) -> Result<u64, String> {
        let got = self.stdout + self.stderr;
        match got == expected {
            true => Ok(got),
            false => Err(format!("{got} payload bytes, not {expected}")),
        }
    }
}

/// Peak resident set size of this process (`VmHWM`), in KiB.
pub fn vm_hwm_kib() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0)
}
