//! The table, the target checks and `docs/PERFORMANCE.md`.
//!
//! Ratios are taken within a round (the clients ran back to back), then the median, min
//! and max are taken over the rounds. `vs floor` is the client's time per operation over
//! the floor's: 1.00 is the floor's speed, lower is better. `bollard ÷` is bollard's time
//! over the client's: how many times faster than bollard.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::fs;
use std::path::Path;
use std::process::Command;
use std::time::Duration;

use super::build::Build;
use super::{target, Sample, KNOWN_CLIENTS};

/// Everything a run measured.
#[derive(Debug, Default)]
pub(crate) struct Results {
    /// Per scenario, the rounds; a round maps each client to its sample.
    pub(crate) scenarios: Vec<(String, Vec<BTreeMap<String, Sample>>)>,
    pub(crate) builds: Vec<Build>,
    pub(crate) engine: String,
    pub(crate) elapsed: Duration,
    pub(crate) command: String,
    pub(crate) runs: usize,
}

/// The line after which `docs/PERFORMANCE.md` is written by hand and kept across runs.
const NOTES_MARKER: &str =
    "<!-- Everything below this line is kept when the file is regenerated. -->";

/// Median, min and max.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Stat {
    pub(crate) median: f64,
    pub(crate) min: f64,
    pub(crate) max: f64,
}

impl Stat {
    pub(crate) fn of(mut values: Vec<f64>) -> Option<Stat> {
        values.retain(|v| v.is_finite());
        if values.is_empty() {
            return None;
        }
        values.sort_by(f64::total_cmp);
        let n = values.len();
        let median = match n % 2 {
            1 => values[n / 2],
            _ => (values[n / 2 - 1] + values[n / 2]) / 2.0,
        };
        Some(Stat {
            median,
            min: values[0],
            max: values[n - 1],
        })
    }

    fn show(&self, f: impl Fn(f64) -> String) -> String {
        if self.min == self.max {
            return f(self.median);
        }
        format!("{} ({}–{})", f(self.median), f(self.min), f(self.max))
    }
}

fn per_op(s: &Sample) -> f64 {
    s.secs / s.ops as f64
}

fn cpu_per_op(s: &Sample) -> f64 {
    s.cpu_ns as f64 / 1e9 / s.ops as f64
}

fn time(secs: f64) -> String {
    match secs {
        s if s < 1e-3 => format!("{:.1} µs", s * 1e6),
        s if s < 1.0 => format!("{:.2} ms", s * 1e3),
        s => format!("{s:.2} s"),
    }
}

fn ratio(r: f64) -> String {
    format!("{r:.2}")
}

fn mib(kib: f64) -> String {
    format!("{:.1} MiB", kib / 1024.0)
}

/// The clients of a scenario's rounds, in table order.
fn clients(rounds: &[BTreeMap<String, Sample>]) -> Vec<String> {
    let mut names: Vec<String> = rounds
        .first()
        .map(|r| r.keys().cloned().collect())
        .unwrap_or_default();
    names.sort_by_key(|c| KNOWN_CLIENTS.iter().position(|k| k == c));
    names
}

/// A figure of `client` over the rounds, computed per round.
fn over_rounds(
    rounds: &[BTreeMap<String, Sample>],
    f: impl Fn(&BTreeMap<String, Sample>) -> Option<f64>,
) -> Option<Stat> {
    Stat::of(rounds.iter().filter_map(f).collect())
}

/// Client time over floor time, per round.
pub(crate) fn vs_floor(rounds: &[BTreeMap<String, Sample>], client: &str) -> Option<Stat> {
    over_rounds(rounds, |r| {
        Some(per_op(r.get(client)?) / per_op(r.get("floor")?))
    })
}

/// Client CPU time over floor CPU time, per round.
pub(crate) fn cpu_vs_floor(rounds: &[BTreeMap<String, Sample>], client: &str) -> Option<Stat> {
    over_rounds(rounds, |r| {
        Some(cpu_per_op(r.get(client)?) / cpu_per_op(r.get("floor")?))
    })
}

/// Bollard time over client time, per round.
pub(crate) fn bollard_over(rounds: &[BTreeMap<String, Sample>], client: &str) -> Option<Stat> {
    over_rounds(rounds, |r| {
        Some(per_op(r.get("bollard")?) / per_op(r.get(client)?))
    })
}

fn throughput(scenario: &str, rounds: &[BTreeMap<String, Sample>], client: &str) -> String {
    let of = |f: fn(&Sample) -> f64| over_rounds(rounds, |r| r.get(client).map(f));
    match scenario {
        "events" => of(|s| s.items as f64 / s.secs)
            .map(|st| st.show(|v| format!("{:.0}/s", v)))
            .map(|t| format!("{t} events"))
            .unwrap_or_default(),
        "logs" => of(|s| s.bytes as f64 / s.secs / 1e6)
            .map(|st| st.show(|v| format!("{v:.2}")))
            .map(|t| format!("{t} MB/s"))
            .unwrap_or_default(),
        "fake-logs" => of(|s| s.bytes as f64 / s.secs / 1e9)
            .map(|st| st.show(|v| format!("{v:.2}")))
            .map(|t| format!("{t} GB/s"))
            .unwrap_or_default(),
        _ => of(|s| s.ops as f64 / s.secs)
            .map(|st| format!("{:.0}/s", st.median))
            .unwrap_or_default(),
    }
}

/// The results as one Markdown table (and a build table when builds ran).
pub(crate) fn table(results: &Results) -> String {
    let mut t = String::new();
    if !results.scenarios.is_empty() {
        t += "| scenario | client | time per op | vs floor | bollard ÷ | CPU per op | CPU vs floor | throughput | peak RSS |\n";
        t += "|---|---|---|---|---|---|---|---|---|\n";
    }
    for (scenario, rounds) in &results.scenarios {
        for client in clients(rounds) {
            let op = over_rounds(rounds, |r| r.get(&client).map(per_op));
            let cpu = over_rounds(rounds, |r| r.get(&client).map(cpu_per_op));
            let rss = over_rounds(rounds, |r| r.get(&client).map(|s| s.hwm_kib as f64));
            let show = |st: Option<Stat>| st.map(|s| s.show(ratio)).unwrap_or_default();
            let _ = writeln!(
                t,
                "| {scenario} | {client} | {} | {} | {} | {} | {} | {} | {} |",
                op.map(|s| s.show(time)).unwrap_or_default(),
                show(vs_floor(rounds, &client)),
                match client.starts_with("bollard") {
                    true => String::new(),
                    false => show(bollard_over(rounds, &client)),
                },
                cpu.map(|s| s.show(time)).unwrap_or_default(),
                show(cpu_vs_floor(rounds, &client)),
                throughput(scenario, rounds, &client),
                rss.map(|s| mib(s.median)).unwrap_or_default(),
            );
        }
    }
    if !results.builds.is_empty() {
        if !t.is_empty() {
            t += "\n";
        }
        t += "| program | clean release build | vs bollard | crates | stripped size | vs bollard |\n";
        t += "|---|---|---|---|---|---|\n";
        let bollard = results.builds.iter().find(|b| b.name == "size-bollard");
        for b in &results.builds {
            let secs = Stat::of(b.secs.clone());
            let share = bollard
                .and_then(|bo| Stat::of(b.secs.iter().zip(&bo.secs).map(|(x, y)| x / y).collect()));
            let size_share = bollard.map(|bo| b.size as f64 / bo.size as f64);
            let _ = writeln!(
                t,
                "| {} | {} | {} | {} | {} KiB | {} |",
                b.name,
                secs.map(|s| s.show(|v| format!("{v:.1} s")))
                    .unwrap_or_default(),
                share.map(|s| s.show(ratio)).unwrap_or_default(),
                b.crates,
                b.size / 1024,
                size_share.map(ratio).unwrap_or_default(),
            );
        }
    }
    t
}

/// One line per target of the issue: met or missed, with the figure.
pub(crate) fn targets(results: &Results) -> Vec<String> {
    let mut out = Vec::new();
    let mut check = |ok: bool, what: String| {
        out.push(format!(
            "- **{}**: {what}",
            if ok { "met" } else { "missed" }
        ));
    };
    let rounds = |name: &str| {
        results
            .scenarios
            .iter()
            .find(|(s, _)| s == name)
            .map(|(_, r)| r.as_slice())
    };
    for scenario in ["ping", "inspect"] {
        let Some(r) = rounds(scenario) else { continue };
        for (client, limit) in [
            ("blocking", target::BLOCKING),
            ("tokio-ct", target::TOKIO_CT),
        ] {
            if let Some(st) = vs_floor(r, client) {
                check(
                    st.median <= limit,
                    format!(
                        "{scenario}, {client} ≤ {limit:.2}× the floor: {}×",
                        st.show(ratio)
                    ),
                );
            }
            if let Some(st) = bollard_over(r, client) {
                check(
                    st.median >= target::OVER_BOLLARD,
                    format!(
                        "{scenario}, {client} ≥ {:.1}× faster than bollard: {}×",
                        target::OVER_BOLLARD,
                        st.show(ratio)
                    ),
                );
            }
        }
    }
    for scenario in ["tls-ping", "tls-inspect"] {
        let Some(r) = rounds(scenario) else { continue };
        for client in ["blocking", "tokio-ct", "tokio-mt"] {
            if let Some(st) = bollard_over(r, client) {
                check(
                    st.median >= target::OVER_BOLLARD_TLS,
                    format!(
                        "{scenario} (keep-alive TLS), {client} ≥ {:.1}× faster than bollard \
                         over TLS: {}×",
                        target::OVER_BOLLARD_TLS,
                        st.show(ratio)
                    ),
                );
            }
        }
    }
    if let Some(r) = rounds("transport") {
        if let Some(st) = vs_floor(r, "blocking") {
            check(
                st.median <= target::TRANSPORT,
                format!(
                    "GET /_ping through docker-transport alone, blocking ≤ {:.2}× the floor: {}×",
                    target::TRANSPORT,
                    st.show(ratio)
                ),
            );
        }
    }
    if let Some(r) = rounds("concurrent") {
        for client in ["blocking", "tokio-mt"] {
            if let Some(st) = vs_floor(r, client) {
                check(
                    st.median <= target::CONCURRENT,
                    format!(
                        "8 concurrent workers, {client} ≤ {:.2}× the floor: {}×",
                        target::CONCURRENT,
                        st.show(ratio)
                    ),
                );
            }
        }
    }
    if let Some(r) = rounds("events") {
        for client in ["blocking", "tokio-ct", "tokio-mt"] {
            // Events per second as a share of the floor's: the inverse time ratio.
            let share = over_rounds(r, |round| {
                Some(per_op(round.get("floor")?) / per_op(round.get(client)?))
            });
            if let Some(st) = share {
                check(
                    st.median >= target::EVENTS_SHARE,
                    format!(
                        "events, {client} ≥ {:.1}× the floor's events per second, every \
                         event decoded: {}×",
                        target::EVENTS_SHARE,
                        st.show(ratio)
                    ),
                );
            }
        }
    }
    if let Some(r) = rounds("fake-logs") {
        for client in ["blocking", "tokio-ct", "tokio-mt"] {
            let gbps = over_rounds(r, |round| {
                let s = round.get(client)?;
                Some(s.bytes as f64 / s.secs / 1e9)
            });
            let rss = over_rounds(r, |round| Some(round.get(client)?.hwm_kib as f64));
            if let (Some(g), Some(m)) = (gbps, rss) {
                check(
                    g.median >= target::FAKE_GBPS && m.max <= target::FAKE_RSS_KIB as f64,
                    format!(
                        "fake-engine logs, {client} ≥ {:.1} GB/s with peak RSS ≤ {}: {} GB/s, \
                         peak RSS at most {}",
                        target::FAKE_GBPS,
                        mib(target::FAKE_RSS_KIB as f64),
                        g.show(|v| format!("{v:.2}")),
                        mib(m.max)
                    ),
                );
            }
        }
    }
    let build = |name: &str| results.builds.iter().find(|b| b.name == name);
    if let (Some(ours), Some(bollard)) = (build("size-blocking"), build("size-bollard")) {
        let share = Stat::of(
            ours.secs
                .iter()
                .zip(&bollard.secs)
                .map(|(x, y)| x / y)
                .collect(),
        );
        if let Some(st) = share {
            check(
                st.median <= target::BUILD_SHARE,
                format!(
                    "blocking program builds in ≤ {:.2}× bollard's clean release time: {}×",
                    target::BUILD_SHARE,
                    st.show(ratio)
                ),
            );
        }
        check(
            ours.crates <= target::BUILD_CRATES,
            format!(
                "blocking program compiles ≤ {} crates, itself included: {} (bollard: {})",
                target::BUILD_CRATES,
                ours.crates,
                bollard.crates
            ),
        );
        let size = ours.size as f64 / bollard.size as f64;
        check(
            size <= target::SIZE_SHARE,
            format!(
                "blocking program stripped ≤ {:.2}× bollard's: {:.2}× ({} KiB vs {} KiB)",
                target::SIZE_SHARE,
                size,
                ours.size / 1024,
                bollard.size / 1024
            ),
        );
    }
    out
}

fn command_line(program: &str, args: &[&str]) -> Option<String> {
    let out = Command::new(program).args(args).output().ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).trim().to_owned())
}

/// `name`'s version in a Cargo.lock.
fn locked_version(lock: &Path, name: &str) -> Option<String> {
    let text = fs::read_to_string(lock).ok()?;
    let pat = format!("name = \"{name}\"\nversion = \"");
    let start = text.find(&pat)? + pat.len();
    let len = text[start..].find('"')?;
    Some(text[start..start + len].to_owned())
}

fn machine() -> String {
    let cpus = std::thread::available_parallelism().map_or(0, |n| n.get());
    let cpuinfo = fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
    let model = cpuinfo
        .lines()
        .find_map(|l| l.strip_prefix("model name"))
        .and_then(|l| l.split_once(':'))
        .map_or("unknown CPU", |(_, m)| m.trim())
        .to_owned();
    let kernel = fs::read_to_string("/proc/sys/kernel/osrelease").unwrap_or_default();
    format!("{cpus} cores (nproc), {model}, Linux {}", kernel.trim())
}

/// `docs/PERFORMANCE.md`: the generated part, then the hand-written notes kept from the
/// file already there.
pub(crate) fn document(root: &Path, results: &Results, table: &str) -> String {
    let path = root.join("docs/PERFORMANCE.md");
    let notes = fs::read_to_string(&path)
        .ok()
        .and_then(|old| old.split_once(NOTES_MARKER).map(|(_, n)| n.to_owned()))
        .unwrap_or_else(|| "\n\n## Notes\n\n(None yet.)\n".to_owned());
    let date = command_line("date", &["-u", "+%Y-%m-%d"]).unwrap_or_default();
    let rustc = command_line("rustc", &["--version"]).unwrap_or_else(|| "rustc ?".into());
    let bollard = locked_version(&root.join("benches/bollard-runner/Cargo.lock"), "bollard")
        .unwrap_or_else(|| "?".into());
    let engine = match results.engine.is_empty() {
        true => "not used in this run".to_owned(),
        false => results.engine.clone(),
    };
    let mut d = String::new();
    d += "# Performance\n\n";
    let _ = writeln!(
        d,
        "Measured side by side against the raw socket and against bollard by `{}` on {date}; \
         the run took {:.1} minutes. The tables and the target list are generated: run the \
         command again rather than editing them.\n",
        results.command,
        results.elapsed.as_secs_f64() / 60.0
    );
    let _ = writeln!(d, "- Machine: {}", machine());
    let _ = writeln!(
        d,
        "- Versions: {rustc}; {engine}; bollard {bollard} \
         (`benches/bollard-runner/Cargo.lock`)"
    );
    let _ = writeln!(
        d,
        "- Each figure: the median of {} runs, (min–max). Ratios are taken within a run, \
         where all clients ran back to back, then the median over the runs.",
        results.runs
    );
    if let Some(b) = results.builds.first() {
        let _ = writeln!(
            d,
            "- Build figures: {} round(s) of the four clean release builds, one after the \
             other (`--build-runs`); a round takes minutes here, so the default full run \
             makes one.",
            b.secs.len()
        );
    }
    d += "\n";
    d += "## How to read the table\n\n";
    d += "- `time per op`: one request and its decoded answer; for `events` one replay of \
          256 events, for `logs` and `fake-logs` one whole logs read.\n";
    d += "- `vs floor`: the client's time over the floor's in the same run; 1.00 is the \
          floor, lower is better. The floor is a hand-written keep-alive HTTP/1.1 client on \
          one `UnixStream` that decodes no JSON (`xtask/src/bench_floor.rs`).\n";
    d += "- `transport`: `GET /_ping` through `docker_transport` directly, body read, no \
          client layer (the floor sends the same request); bollard has no such row.\n";
    d += "- `bollard ÷`: bollard's time over the client's: how many times faster than stock \
          bollard.\n";
    d += "- `tls-ping`, `tls-inspect`: the same requests over the engine's TLS listener \
          (`cargo xtask engine up --tls`: `--tlsverify`, ECDSA P-256 certificates), verified \
          and with a client certificate, on one kept-alive connection; `tls-connect`: a new \
          client per operation (its certificates read from the files, a TCP connection, a \
          full handshake) and one ping, what a short-lived program pays; `tls-handshake`: \
          one client that keeps no idle connection (`pool_size(0)`), so every ping connects \
          and shakes hands with its certificates already loaded (bollard has no such \
          switch). They have no floor; bollard is built with its `ssl` feature (rustls with ring, like ours) and \
          connects with `Docker::connect_with_ssl`.\n";
    d += "- `peak RSS`: `VmHWM` of the runner process at its end (one process per run).\n";
    d += "- Clients: `blocking` and `tokio-ct`/`tokio-mt` (current-thread and multi-thread \
          runtime) are `docker_client` with default settings (`benches/ours-runner`); \
          `bollard` is `Docker::connect_with_unix` plus `negotiate_version` on \
          `#[tokio::main]`'s multi-thread runtime (`benches/bollard-runner`).\n\n";
    d += "## Results\n\n";
    d += table;
    d += "\n## Targets\n\n";
    let targets = targets(results);
    if targets.is_empty() {
        d += "No target was measured in this run.\n";
    }
    for line in targets {
        d += &line;
        d += "\n";
    }
    let codec = root.join("crates/docker-wire/BENCHMARKS.md");
    if let Ok(text) = fs::read_to_string(&codec) {
        d += "\n## Codec\n\n";
        d += "The sans-IO codec alone, measured with criterion; from \
              [crates/docker-wire/BENCHMARKS.md](../crates/docker-wire/BENCHMARKS.md), \
              which says how they were taken:\n\n";
        for line in text.lines().filter(|l| l.starts_with('|')) {
            d += line;
            d += "\n";
        }
    }
    d += "\n";
    d += NOTES_MARKER;
    d += &notes;
    d
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample(client: &str, secs: f64) -> Sample {
        Sample {
            client: client.into(),
            scenario: "ping".into(),
            ops: 10,
            secs,
            items: 10,
            bytes: 0,
            cpu_ns: (secs * 1e8) as u64,
            wait_ns: 0,
            hwm_kib: 2048,
        }
    }

    #[test]
    fn stat_median_min_max() {
        let s = Stat::of(vec![3.0, 1.0, 2.0, 10.0]).unwrap();
        assert_eq!((s.median, s.min, s.max), (2.5, 1.0, 10.0));
        assert_eq!(Stat::of(vec![]), None);
    }

    #[test]
    fn ratios_are_taken_per_round() {
        let rounds: Vec<BTreeMap<String, Sample>> = [(1.0, 1.1, 4.0), (2.0, 2.2, 8.0)]
            .iter()
            .map(|&(f, b, bo)| {
                [
                    ("floor", sample("floor", f)),
                    ("blocking", sample("blocking", b)),
                    ("bollard", sample("bollard", bo)),
                ]
                .into_iter()
                .map(|(k, v)| (k.to_owned(), v))
                .collect()
            })
            .collect();
        let st = vs_floor(&rounds, "blocking").unwrap();
        assert!((st.median - 1.1).abs() < 1e-9 && (st.max - 1.1).abs() < 1e-9);
        let over = bollard_over(&rounds, "blocking").unwrap();
        assert!((over.median - 4.0 / 1.1).abs() < 1e-9);
        let without_floor: Vec<BTreeMap<String, Sample>> = rounds
            .iter()
            .map(|r| {
                r.iter()
                    .filter(|(k, _)| *k != "floor")
                    .map(|(k, v)| (k.clone(), v.clone()))
                    .collect()
            })
            .collect();
        let results = Results {
            scenarios: vec![("ping".into(), rounds), ("tls-ping".into(), without_floor)],
            ..Results::default()
        };
        let table = table(&results);
        assert!(table.contains("| ping | blocking |"), "{table}");
        assert!(
            table.contains("| tls-ping | blocking | 165.00 ms (110.00 ms–220.00 ms) |  | 3.64 |"),
            "{table}"
        );
        let targets = targets(&results);
        assert!(targets
            .iter()
            .any(|l| l.starts_with("- **met**: ping, blocking")));
        assert!(
            targets
                .iter()
                .any(|l| l.starts_with("- **met**: tls-ping (keep-alive TLS), blocking ≥ 2.0×")),
            "{targets:?}"
        );
    }
}
