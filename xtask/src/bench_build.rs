//! Build and size figures: the same ping-and-inspect program on the blocking client (also
//! with its `tls` feature: what rustls costs), on the tokio client and on bollard
//! (`benches/size-*`, each a Cargo project of its own with its own lockfile and
//! `strip = true`).
//!
//! Each round builds the four one after the other from clean (`cargo clean`, then
//! `cargo build --release --frozen` in the project's own target directory, the
//! dependencies fetched beforehand and not timed), so a round's ratios share the machine's
//! state. Crates are the `Compiling` lines of the build, the program itself included.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;

/// A probe program: its name in the table, its project under `benches/`, and the features
/// it is built with (its own target directory, `target-<features>`, when it has any).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Probe {
    pub(crate) name: &'static str,
    project: &'static str,
    features: &'static str,
}

/// The probes, in table order.
pub(crate) const PROBES: &[Probe] = &[
    Probe {
        name: "size-blocking",
        project: "size-blocking",
        features: "",
    },
    Probe {
        name: "size-blocking+tls",
        project: "size-blocking",
        features: "tls",
    },
    Probe {
        name: "size-tokio",
        project: "size-tokio",
        features: "",
    },
    Probe {
        name: "size-bollard",
        project: "size-bollard",
        features: "",
    },
];

/// The figures of one project.
#[derive(Debug, Clone, Default)]
pub(crate) struct Build {
    pub(crate) name: String,
    /// Clean release build time of each round, in seconds.
    pub(crate) secs: Vec<f64>,
    /// Crates compiled, the program included.
    pub(crate) crates: usize,
    /// Stripped binary size in bytes.
    pub(crate) size: u64,
}

pub(crate) fn measure(root: &Path, runs: usize) -> Result<Vec<Build>, String> {
    let mut builds = Vec::new();
    let mut probes = Vec::new();
    for p in PROBES {
        let out = cargo(root, p)
            .args(["fetch", "--locked"])
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .status()
            .map_err(|e| format!("cannot run cargo: {e}"))?;
        if out.success() {
            builds.push(Build {
                name: p.name.to_string(),
                ..Build::default()
            });
            probes.push(*p);
        } else if p.project == "size-bollard" {
            // As for the runners: the rest still measures without crates.io.
            let name = p.project;
            eprintln!("warning: cannot fetch benches/{name}'s crates; no bollard build figures");
        } else {
            return Err(format!("cargo fetch failed for benches/{}", p.project));
        }
    }
    eprint!("{:>10}:", "build");
    for round in 0..runs {
        for (build, probe) in builds.iter_mut().zip(&probes) {
            let (secs, crates) = clean_build(root, probe)?;
            build.secs.push(secs);
            build.crates = crates;
            let bin = target_dir(root, probe).join("release").join(probe.project);
            build.size = std::fs::metadata(&bin)
                .map_err(|e| format!("{}: {e}", bin.display()))?
                .len();
        }
        eprint!(" {}", round + 1);
    }
    eprintln!();
    Ok(builds)
}

fn target_dir(root: &Path, probe: &Probe) -> PathBuf {
    let dir = root.join("benches").join(probe.project);
    match probe.features {
        "" => dir.join("target"),
        features => dir.join(format!("target-{features}")),
    }
}

/// `cargo` for a probe's project, in its own target directory whatever the environment.
fn cargo(root: &Path, probe: &Probe) -> Command {
    let mut cmd = Command::new(super::cargo());
    cmd.current_dir(root.join("benches").join(probe.project))
        .env("CARGO_TARGET_DIR", target_dir(root, probe))
        .env_remove("RUSTFLAGS")
        .env_remove("CARGO_BUILD_RUSTFLAGS")
        .env_remove("CARGO_ENCODED_RUSTFLAGS");
    cmd
}

/// Cleans, then times a release build; returns the seconds and the crates compiled.
fn clean_build(root: &Path, probe: &Probe) -> Result<(f64, usize), String> {
    let project = probe.project;
    let status = cargo(root, probe)
        .arg("clean")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .map_err(|e| format!("cannot run cargo: {e}"))?;
    if !status.success() {
        return Err(format!("cargo clean failed for benches/{project}"));
    }
    let started = Instant::now();
    let mut build = cargo(root, probe);
    build.args(["build", "--release", "--frozen"]);
    if !probe.features.is_empty() {
        build.args(["--features", probe.features]);
    }
    let out = build
        .stdout(Stdio::null())
        .output()
        .map_err(|e| format!("cannot run cargo: {e}"))?;
    let secs = started.elapsed().as_secs_f64();
    let stderr = String::from_utf8_lossy(&out.stderr);
    if !out.status.success() {
        return Err(format!(
            "cargo build failed for benches/{project}:\n{stderr}"
        ));
    }
    let crates = stderr
        .lines()
        .filter(|l| l.trim_start().starts_with("Compiling "))
        .count();
    Ok((secs, crates))
}
