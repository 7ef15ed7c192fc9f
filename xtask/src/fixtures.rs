//! `cargo xtask fixtures record|check|normalise`: the recorded engine transcripts under
//! `fixtures/`, which the tests replay.
//!
//! `record` drives the real client through a recording proxy against a live engine and
//! writes one normalised transcript per scenario step (`fixtures_scenario.rs`). `check`
//! proves the fixtures are normalised, cover every public client method on every
//! recorded engine, and are all reached by the suites that glob them
//! (`fixtures_check.rs`). `synthesize` writes the transcripts of engines nobody can run
//! here (`fixtures_synthetic.rs`). `normalise` rewrites hand-edited transcripts in
//! normalised form.

#[path = "fixtures_check.rs"]
mod check;
#[path = "fixtures_endpoints.rs"]
mod endpoints;
#[path = "fixtures_scenario.rs"]
mod scenario;
#[path = "fixtures_synthetic.rs"]
mod synthetic;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use docker_replay::Transcript;

pub(crate) const USAGE: &str = "\
Usage: cargo xtask fixtures <record|synthesize|check|normalise> [--engine docker|podman]

  record     run the fixed scenario against a live engine through a recording
             proxy and write fixtures/<engine>-<major.minor>/<scenario>.http,
             one normalised transcript per step (stale ones are removed).
             The engine is DOCKER_HOST, else the private engine of
             `cargo xtask engine up [--engine podman]`. It must be quiet: no
             containers but the scenario's own (named dkr-fx-*).
  synthesize write fixtures/docker-29.2-synthetic/: transcripts of an engine that
             cannot run here (Docker 29.2, API 1.53), built from the recorded
             Docker 20.10 ones and the Engine API changelog, marked synthetic.
  check      fail when a fixture is not normalised, when a public client method
             has no transcript for a recorded engine, when a synthetic fixture
             differs from what `synthesize` writes, or when a fixture is not
             reached by the replay and snapshot suites' glob.
  normalise  rewrite every fixture in normalised form (after editing one by hand).

  --engine docker (default) | podman
             which engine `record` expects to find (it checks).

Re-recording (a fresh, quiet engine records the same bytes every time):
  DKR_ENGINE_DIR=/tmp/dkrf cargo xtask engine down
  export \"$(DKR_ENGINE_DIR=/tmp/dkrf cargo xtask engine up)\"
  cargo xtask fixtures record
  cargo xtask engine up --engine podman
  DOCKER_HOST=unix:///tmp/dkrp/podman.sock cargo xtask fixtures record --engine podman
  cargo xtask fixtures synthesize
  cargo test --workspace --all-features   # review the snapshot diffs with cargo insta
  cargo xtask fixtures check
See fixtures/README.md.
";

pub(crate) fn run(args: &[String]) -> Result<ExitCode, String> {
    let mut command = None;
    let mut engine = scenario::EngineKind::Docker;
    let mut args = args.iter().map(String::as_str);
    while let Some(arg) = args.next() {
        match arg {
            "-h" | "--help" | "help" => {
                print!("{USAGE}");
                return Ok(ExitCode::SUCCESS);
            }
            "--engine" => engine = scenario::EngineKind::parse(args.next().unwrap_or(""))?,
            _ if arg.starts_with("--engine=") => {
                engine = scenario::EngineKind::parse(&arg["--engine=".len()..])?
            }
            "record" | "check" | "normalise" | "normalize" | "synthesize" | "synthesise"
                if command.is_none() =>
            {
                command = Some(arg)
            }
            _ => return Err(format!("unexpected argument `{arg}`\n\n{USAGE}")),
        }
    }
    match command {
        Some("record") => scenario::record(engine).map(|()| ExitCode::SUCCESS),
        Some("check") => check::check(),
        Some("normalise" | "normalize") => normalise_all().map(|()| ExitCode::SUCCESS),
        Some("synthesize" | "synthesise") => synthetic::write().map(|()| ExitCode::SUCCESS),
        _ => Err(format!("missing subcommand\n\n{USAGE}")),
    }
}

/// The repository's `fixtures` folder.
pub(crate) fn fixtures_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap_or(Path::new("."))
        .join("fixtures")
}

/// Every transcript: `fixtures/<engine dir>/<scenario>.http`, sorted.
pub(crate) fn transcript_paths() -> Result<Vec<PathBuf>, String> {
    let mut paths = Vec::new();
    for dir in sorted_entries(&fixtures_dir())? {
        if dir.is_dir() {
            for path in sorted_entries(&dir)? {
                if path.extension().is_some_and(|e| e == "http") {
                    paths.push(path);
                }
            }
        }
    }
    Ok(paths)
}

pub(crate) fn sorted_entries(dir: &Path) -> Result<Vec<PathBuf>, String> {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(|e| format!("{}: {e}", dir.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .collect();
    entries.sort();
    Ok(entries)
}

/// A path relative to the repository, for messages.
pub(crate) fn shown(path: &Path) -> String {
    let root = fixtures_dir();
    let root = root.parent().unwrap_or(Path::new("."));
    path.strip_prefix(root)
        .unwrap_or(path)
        .display()
        .to_string()
}

fn normalise_all() -> Result<(), String> {
    let mut changed = 0;
    for path in transcript_paths()? {
        let bytes = std::fs::read(&path).map_err(|e| format!("{}: {e}", path.display()))?;
        let t = Transcript::parse(&bytes).map_err(|e| format!("{}: {e}", shown(&path)))?;
        let out = t.normalised().to_bytes();
        if out != bytes {
            std::fs::write(&path, &out).map_err(|e| format!("{}: {e}", path.display()))?;
            eprintln!("normalised {}", shown(&path));
            changed += 1;
        }
    }
    eprintln!("{changed} file(s) rewritten");
    Ok(())
}
