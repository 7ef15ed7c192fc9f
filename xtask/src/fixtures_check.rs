//! `cargo xtask fixtures check`: the fixtures are normalised, cover every public client
//! method on every recorded engine, and every one of them is reached by the suites that
//! glob them (and has its snapshots).

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use docker_replay::Transcript;

use super::{fixtures_dir, shown, sorted_entries, transcript_paths};

/// The glob every fixture suite walks, relative to `fixtures/`.
pub(crate) const GLOB: &str = "*/*.http";

/// The suites that replay or snapshot every fixture. Each must glob [`GLOB`]; the
/// snapshot suites must hold one snapshot per fixture, named `<test>@<dir>__<file>.snap`.
const SUITES: &[Suite] = &[
    Suite {
        source: "crates/docker-client/tests/it/replay.rs",
        snapshots: None,
    },
    Suite {
        source: "crates/docker-models/tests/it/fixtures.rs",
        snapshots: Some(("crates/docker-models/tests/it/snapshots", "fixture_models")),
    },
    Suite {
        source: "crates/docker-wire/tests/it/fixtures.rs",
        snapshots: Some((
            "crates/docker-wire/tests/it/snapshots",
            "fixture_transcripts",
        )),
    },
];

struct Suite {
    source: &'static str,
    /// The snapshot folder and the snapshot test's name.
    snapshots: Option<(&'static str, &'static str)>,
}

/// Header keys every transcript has.
const REQUIRED: &[&str] = &[
    "engine",
    "engine-version",
    "api-version",
    "client-version",
    "scenario",
    "call",
    "methods",
    "args",
    "synthetic",
    "source",
    "normalised",
];

pub(crate) fn check() -> Result<ExitCode, String> {
    let root = repo_root();
    let mut problems = Vec::new();

    stray_files(&fixtures_dir(), &mut problems)?;

    let methods = client_methods();

    let endpoints = super::endpoints::load(&root)?;
    // The endpoints of the list that recorded exchanges reach, and requests it lacks.
    let mut reached: BTreeSet<String> = BTreeSet::new();
    let mut unlisted: BTreeSet<String> = BTreeSet::new();

    let paths = transcript_paths()?;
    // engine dir -> method -> covered by a transcript that ran.
    let mut coverage: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut recorded: BTreeSet<String> = BTreeSet::new();
    for path in &paths {
        let bytes = std::fs::read(path).map_err(|e| format!("{}: {e}", path.display()))?;
        let name = shown(path);
        let t = match Transcript::parse(&bytes) {
            Ok(t) => t,
            Err(e) => {
                problems.push(format!("{name}: {e}"));
                continue;
            }
        };
        if t.normalised().to_bytes() != bytes {
            problems.push(format!(
                "{name}: not normalised (normalising it changes it; run `cargo xtask \
                 fixtures normalise` and review the diff)"
            ));
        }
        for key in REQUIRED {
            if t.meta(key).is_none() {
                problems.push(format!("{name}: the header has no `{key}`"));
            }
        }
        let stem = path.file_stem().unwrap_or_default().to_string_lossy();
        if t.meta("scenario") != Some(&stem) {
            problems.push(format!(
                "{name}: `scenario: {}` differs from the file name",
                t.meta("scenario").unwrap_or("")
            ));
        }
        let dir = path
            .parent()
            .and_then(Path::file_name)
            .unwrap_or_default()
            .to_string_lossy()
            .into_owned();
        let synthetic = t.meta("synthetic") == Some("true");
        if synthetic != dir.ends_with("-synthetic") {
            problems.push(format!(
                "{name}: `synthetic: {}` does not match its folder: synthetic transcripts, and \
                 only they, live in folders named *-synthetic",
                t.meta("synthetic").unwrap_or("")
            ));
        }
        let skipped = t.meta("skipped").is_some();
        if skipped != t.exchanges().is_empty() {
            problems.push(format!(
                "{name}: a transcript has exchanges exactly when it has no `skipped` reason"
            ));
        }
        if !skipped && t.meta("outcome").is_none() {
            problems.push(format!("{name}: the header has no `outcome`"));
        }
        let listed: Vec<String> = t
            .meta("methods")
            .unwrap_or("")
            .split(',')
            .map(|m| m.trim().to_owned())
            .filter(|m| !m.is_empty())
            .collect();
        for m in &listed {
            if !methods.contains(m) {
                problems.push(format!(
                    "{name}: `methods` names {m}, which is not an endpoint method of \
                     docker_client::Client"
                ));
            }
        }
        if !synthetic {
            recorded.insert(dir.clone());
            if !skipped {
                coverage.entry(dir).or_default().extend(listed);
            }
        }
        // An endpoint newer than the engine's API is not exercised by what the engine
        // answers about it (a 404 or 405 of its router).
        let api = t.meta("api-version").and_then(api_version);
        for ex in t.exchanges() {
            let line = ex.request_line();
            match super::endpoints::of_request(&endpoints, &line) {
                Some(e) if !synthetic && api_version(&e.added) <= api => {
                    reached.insert(e.name());
                }
                Some(_) => (),
                None => drop(unlisted.insert(format!("{name}: {line}"))),
            }
        }
    }

    for dir in &recorded {
        let covered = coverage.get(dir).cloned().unwrap_or_default();
        let missing: Vec<&String> = methods.difference(&covered).collect();
        if !missing.is_empty() {
            problems.push(format!(
                "fixtures/{dir}: no transcript exercises {missing:?}; add a step to the \
                 scenario in xtask/src/fixtures_scenario.rs and re-record"
            ));
        }
    }
    for engine in ["docker", "podman"] {
        if !recorded
            .iter()
            .any(|d| d.starts_with(&format!("{engine}-")))
        {
            problems.push(format!("no recorded {engine} transcripts under fixtures/"));
        }
    }

    for request in &unlisted {
        problems.push(format!(
            "{request}: no endpoint of {} has this method and path; fix the request or the list",
            super::endpoints::LIST
        ));
    }

    synthetic_in_sync(&mut problems)?;
    suites(&root, &paths, &mut problems)?;

    let unreached: Vec<String> = endpoints
        .iter()
        .map(super::endpoints::Endpoint::name)
        .filter(|name| !reached.contains(name))
        .collect();
    eprintln!(
        "endpoints: {} of the {} of {} are exercised by recorded transcripts; not by any: {}",
        reached.len(),
        endpoints.len(),
        super::endpoints::LIST,
        match unreached.is_empty() {
            true => "none".to_owned(),
            false => unreached.join(", "),
        }
    );

    if problems.is_empty() {
        eprintln!(
            "fixtures: {} transcripts in {} recorded engine folders, all normalised; {} public \
             methods covered on each; every transcript reached by {} suites",
            paths.len(),
            recorded.len(),
            methods.len(),
            SUITES.len()
        );
        return Ok(ExitCode::SUCCESS);
    }
    for p in &problems {
        eprintln!("error: {p}");
    }
    Err(format!("{} fixture problem(s)", problems.len()))
}

/// The synthetic folder holds exactly what `cargo xtask fixtures synthesize` writes.
fn synthetic_in_sync(problems: &mut Vec<String>) -> Result<(), String> {
    let dir = fixtures_dir().join(super::synthetic::dir_name());
    let wanted = super::synthetic::transcripts()?;
    let mut names = BTreeSet::new();
    for (name, t) in &wanted {
        names.insert(format!("{name}.http"));
        let path = dir.join(format!("{name}.http"));
        let have = std::fs::read(&path).unwrap_or_default();
        if have != t.normalised().to_bytes() {
            problems.push(format!(
                "{}: differs from what `cargo xtask fixtures synthesize` writes",
                shown(&path)
            ));
        }
    }
    for path in sorted_entries(&dir).unwrap_or_default() {
        let name = path
            .file_name()
            .unwrap_or_default()
            .to_string_lossy()
            .into_owned();
        if !names.contains(&name) {
            problems.push(format!(
                "{}: not written by `cargo xtask fixtures synthesize`",
                shown(&path)
            ));
        }
    }
    Ok(())
}

fn repo_root() -> PathBuf {
    fixtures_dir()
        .parent()
        .map_or_else(|| PathBuf::from("."), Path::to_owned)
}

/// Every file under `fixtures/` is a transcript the glob reaches, or its documentation.
fn stray_files(dir: &Path, problems: &mut Vec<String>) -> Result<(), String> {
    for entry in sorted_entries(dir)? {
        let name = entry
            .file_name()
            .unwrap_or_default()
            .to_string_lossy()
            .into_owned();
        if entry.is_dir() {
            for inner in sorted_entries(&entry)? {
                let is_transcript =
                    inner.is_file() && inner.extension().is_some_and(|e| e == "http");
                if !is_transcript {
                    problems.push(format!(
                        "{}: not reached by the fixture suites' glob {GLOB:?}",
                        shown(&inner)
                    ));
                }
            }
        } else if name != "README.md" && name != ".gitattributes" {
            problems.push(format!(
                "{}: not reached by the fixture suites' glob {GLOB:?}",
                shown(&entry)
            ));
        }
    }
    Ok(())
}

/// Each suite globs [`GLOB`] over `fixtures/`, and each snapshot suite has exactly one
/// snapshot per transcript.
fn suites(root: &Path, paths: &[PathBuf], problems: &mut Vec<String>) -> Result<(), String> {
    let wanted: BTreeSet<String> = paths
        .iter()
        .map(|p| {
            let rel = p.strip_prefix(fixtures_dir()).unwrap_or(p);
            rel.to_string_lossy().replace('/', "__")
        })
        .collect();
    for suite in SUITES {
        let source = root.join(suite.source);
        let text = match std::fs::read_to_string(&source) {
            Ok(t) => t,
            Err(e) => {
                problems.push(format!("{}: {e}", suite.source));
                continue;
            }
        };
        if !text.contains(&format!("{GLOB:?}")) {
            problems.push(format!(
                "{}: does not glob {GLOB:?} over fixtures/, so it may miss transcripts",
                suite.source
            ));
        }
        let Some((folder, test)) = suite.snapshots else {
            continue;
        };
        let prefix = format!("{test}@");
        let mut have = BTreeSet::new();
        for snap in sorted_entries(&root.join(folder)).unwrap_or_default() {
            let file = snap
                .file_name()
                .unwrap_or_default()
                .to_string_lossy()
                .into_owned();
            if let Some(rest) = file.strip_prefix(&prefix) {
                if let Some(fixture) = rest.strip_suffix(".snap") {
                    have.insert(fixture.to_owned());
                }
            }
        }
        for missing in wanted.difference(&have) {
            problems.push(format!(
                "{folder}: no snapshot {prefix}{missing}.snap; run the tests and review it \
                 with `cargo insta review`"
            ));
        }
        for orphan in have.difference(&wanted) {
            problems.push(format!(
                "{folder}/{prefix}{orphan}.snap: its transcript is gone; delete the snapshot"
            ));
        }
    }
    Ok(())
}

/// The methods of the client that talk to the engine, each of which needs a transcript:
/// the endpoint methods of `docker_client::dispatch` (whose own test checks that they are
/// all of the client's public methods) and the watchers built on them.
pub(crate) fn client_methods() -> BTreeSet<String> {
    let calls = docker_client::dispatch::calls().into_iter();
    let watchers = docker_client::dispatch::WATCHERS.iter().copied();
    calls.chain(watchers).map(str::to_owned).collect()
}

/// `1.41` as `(1, 41)`, so that versions compare as numbers.
fn api_version(text: &str) -> Option<(u32, u32)> {
    let (major, minor) = text.trim().split_once('.')?;
    Some((major.parse().ok()?, minor.parse().ok()?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_client_has_methods_to_cover() {
        let methods = client_methods();
        assert!(methods.contains("ping"), "{methods:?}");
        assert!(methods.contains("kill_container"), "{methods:?}");
        assert!(methods.contains("watch_containers"), "{methods:?}");
        assert!(!methods.contains("builder"), "{methods:?}");
    }
}
