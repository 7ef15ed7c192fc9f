//! Build and size figures: the same ping-and-inspect program on the blocking client, on
//! the tokio client and on bollard (`benches/size-*`, each a Cargo project of its own with
//! its own lockfile and `strip = true`).
//!
//! Each round builds the three one after the other from clean (`cargo clean`, then
//! `cargo build --release --frozen` in the project's own target directory, the
//! dependencies fetched beforehand and not timed), so a round's ratios share the machine's
//! state. Crates are the `Compiling` lines of the build, the program itself included.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;

/// The probe projects under `benches/`, in table order.
pub(crate) const PROJECTS: &[&str] = &["size-blocking", "size-tokio", "size-bollard"];

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
    for p in PROJECTS {
        let out = cargo(root, p)
            .args(["fetch", "--locked"])
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .status()
            .map_err(|e| format!("cannot run cargo: {e}"))?;
        if out.success() {
            builds.push(Build {
                name: p.to_string(),
                ..Build::default()
            });
        } else if *p == "size-bollard" {
            // As for the runners: the rest still measures without crates.io.
            eprintln!("warning: cannot fetch benches/{p}'s crates; no bollard build figures");
        } else {
            return Err(format!("cargo fetch failed for benches/{p}"));
        }
    }
    eprint!("{:>10}:", "build");
    for round in 0..runs {
        for build in &mut builds {
            let (secs, crates) = clean_build(root, &build.name)?;
            build.secs.push(secs);
            build.crates = crates;
            let bin = target_dir(root, &build.name)
                .join("release")
                .join(&build.name);
            build.size = std::fs::metadata(&bin)
                .map_err(|e| format!("{}: {e}", bin.display()))?
                .len();
        }
        eprint!(" {}", round + 1);
    }
    eprintln!();
    Ok(builds)
}

fn target_dir(root: &Path, project: &str) -> PathBuf {
    root.join("benches").join(project).join("target")
}

/// `cargo` for `benches/<project>`, in its own target directory whatever the environment.
fn cargo(root: &Path, project: &str) -> Command {
    let mut cmd = Command::new(super::cargo());
    cmd.current_dir(root.join("benches").join(project))
        .env("CARGO_TARGET_DIR", target_dir(root, project))
        .env_remove("RUSTFLAGS")
        .env_remove("CARGO_BUILD_RUSTFLAGS")
        .env_remove("CARGO_ENCODED_RUSTFLAGS");
    cmd
}

/// Cleans, then times a release build; returns the seconds and the crates compiled.
fn clean_build(root: &Path, project: &str) -> Result<(f64, usize), String> {
    let status = cargo(root, project)
        .arg("clean")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .map_err(|e| format!("cannot run cargo: {e}"))?;
    if !status.success() {
        return Err(format!("cargo clean failed for benches/{project}"));
    }
    let started = Instant::now();
    let out = cargo(root, project)
        .args(["build", "--release", "--frozen"])
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
