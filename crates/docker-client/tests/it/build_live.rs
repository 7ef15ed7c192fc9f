//! Builds against a real engine with the legacy builder, in both flavours: a multi-stage
//! Dockerfile with `ARG` and `COPY`, a failing `RUN`, BuildKit-only syntax, the build cache
//! prune, and `.dockerignore` sending exactly what the docker CLI sends.

use std::path::{Path, PathBuf};
use std::process::Command;

use docker_client::models::ContainerCreateConfig;
use docker_client::{
    BuildContext, BuildEvent, BuildOptions, Client, Error, LogsOptions, PruneBuildCacheOptions,
    RemoveContainerOptions, WaitCondition,
};

use crate::flavours::{both, client, Named, Pull, TestFlavour, Wait};
use crate::images_live::{unique, ImageGuard};
use crate::live::engine;

/// A directory for one test, removed when dropped.
pub(crate) struct TempDir(pub(crate) PathBuf);

impl TempDir {
    pub(crate) fn new(tag: &str) -> TempDir {
        let dir = std::env::temp_dir().join(unique(&format!("dkr-build-{tag}")));
        std::fs::create_dir_all(&dir).unwrap();
        TempDir(dir)
    }

    pub(crate) fn write(&self, rel: &str, content: &str) {
        let path = self.0.join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, content).unwrap();
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

const MULTI_STAGE: &str = "\
ARG BASE=bb:latest
FROM ${BASE} AS first
ARG GREETING=hi
COPY greeting.txt /in.txt
RUN echo \"$GREETING from $(cat /in.txt)\" > /out.txt
FROM bb:latest
COPY --from=first /out.txt /out.txt
COPY extra/ /extra/
CMD [\"cat\", \"/out.txt\", \"/extra/note.txt\"]
";

/// Runs `image` to its end and returns what it printed.
fn run_output<F: TestFlavour>(api: &Client<F>, image: &str) -> String {
    let config = ContainerCreateConfig {
        image: image.into(),
        ..Default::default()
    };
    let created = F::resolve(api.create_container(None, &config)).unwrap();
    F::resolve(api.start_container(&created.id)).unwrap();
    F::resolve(api.wait_container(&created.id, WaitCondition::NotRunning)).unwrap();
    let logs = F::resolve(api.logs_container(&created.id, &LogsOptions::default())).unwrap();
    let out: Vec<u8> = logs.iter().flat_map(|c| c.unwrap().data).collect();
    let remove = RemoveContainerOptions::default().force(true);
    let _ = F::resolve(api.remove_container(&created.id, remove));
    String::from_utf8(out).unwrap()
}

#[test]
fn live_a_multi_stage_build_copies_from_the_context_and_takes_build_args() {
    let Some(endpoint) = engine() else { return };
    both!(client(&endpoint, None), |api| {
        let name = api.name();
        let dir = TempDir::new("multi");
        dir.write("Dockerfile", MULTI_STAGE);
        dir.write("greeting.txt", "the context");
        dir.write("extra/note.txt", "note\n");
        let tag = format!("dkr-it-build-{name}:{}", std::process::id());
        let _guard = ImageGuard(&api, tag.clone());
        let opts = BuildOptions::default()
            .tag(&tag)
            .build_arg("GREETING", format!("hello {name}"))
            .label("dkr-it", "build");
        let context = BuildContext::from_dir(&dir.0).unwrap();
        let events: Vec<BuildEvent> = api
            .build_image(context, &opts)
            .wait()
            .unwrap()
            .iter()
            .map(|e| e.unwrap_or_else(|e| panic!("{name}: {e}")))
            .collect();
        let text: String = events
            .iter()
            .filter_map(|e| match e {
                BuildEvent::Stream(s) => Some(s.as_str()),
                _ => None,
            })
            .collect();
        assert!(text.starts_with("Step 1/"), "{name}: {text}");
        assert!(text.contains(" : ARG BASE=bb:latest\n"), "{name}: {text}");
        assert!(text.contains("Successfully tagged"), "{name}: {text}");
        let built = events.iter().rev().find_map(|e| match e {
            BuildEvent::Built(b) => Some(b.id.clone()),
            _ => None,
        });
        let built = built.unwrap_or_else(|| panic!("{name}: no image in {events:?}"));
        let image = api.inspect_image(&tag).wait().unwrap();
        assert_eq!(image.id, built);
        let labels = image.config.map(|c| c.labels).unwrap_or_default();
        assert_eq!(labels.get("dkr-it").map(String::as_str), Some("build"));
        assert_eq!(
            run_output(&api, &tag),
            format!("hello {name} from the context\nnote\n")
        );

        // A target stage, and the same build again through image_id.
        let first = format!("dkr-it-build-first-{name}:{}", std::process::id());
        let _guard2 = ImageGuard(&api, first.clone());
        let context = BuildContext::from_dir(&dir.0).unwrap();
        let opts = BuildOptions::default().tag(&first).target("first");
        let id = api
            .build_image(context, &opts)
            .wait()
            .and_then(|b| b.image_id().wait())
            .unwrap();
        assert_eq!(api.inspect_image(&first).wait().unwrap().id, id);
    });
}

#[test]
fn live_a_failing_run_is_a_typed_error_with_the_builder_s_message() {
    let Some(endpoint) = engine() else { return };
    both!(client(&endpoint, None), |api| {
        let name = api.name();
        let dir = TempDir::new("fail");
        dir.write(
            "Dockerfile",
            "FROM bb:latest\nRUN echo about to fail >&2; exit 3\n",
        );
        // Without force_rm the failed step's container would stay behind.
        let opts = BuildOptions::default().no_cache(true).force_rm(true);
        let context = BuildContext::from_dir(&dir.0).unwrap();
        let items: Vec<_> = api
            .build_image(context, &opts)
            .wait()
            .unwrap()
            .iter()
            .collect();
        let (last, before) = items.split_last().unwrap();
        assert!(before.iter().all(Result::is_ok), "{name}: {items:?}");
        match last {
            Err(Error::Build { message, code }) => {
                assert!(
                    message.contains("returned a non-zero code: 3"),
                    "{name}: {message}"
                );
                assert_eq!(*code, 3, "{name}");
            }
            other => panic!("{name}: {other:?}"),
        }
        let output: String = before
            .iter()
            .filter_map(|e| match e {
                Ok(BuildEvent::Stream(s)) => Some(s.as_str()),
                _ => None,
            })
            .collect();
        assert!(output.contains("about to fail"), "{name}: {output}");
    });
}

#[test]
fn live_buildkit_only_syntax_says_buildkit_is_required() {
    let Some(endpoint) = engine() else { return };
    both!(client(&endpoint, None), |api| {
        let name = api.name();
        let dir = TempDir::new("bk");
        dir.write(
            "Dockerfile",
            "FROM bb:latest\nRUN --mount=type=cache,target=/cache true\n",
        );
        let context = BuildContext::from_dir(&dir.0).unwrap();
        let err = api
            .build_image(context, &BuildOptions::default().force_rm(true))
            .wait()
            .and_then(|b| b.image_id().wait())
            .unwrap_err();
        assert!(
            matches!(&err, Error::BuildKitRequired { message } if message.contains("--mount")),
            "{name}: {err:?}"
        );
        assert!(err.to_string().contains("POST /session"), "{err}");
    });
}

#[test]
fn live_the_build_cache_prune_answers() {
    let Some(endpoint) = engine() else { return };
    both!(client(&endpoint, None), |api| {
        let pruned = api
            .prune_build_cache(&PruneBuildCacheOptions::default().filter("until", "240h"))
            .wait()
            .unwrap();
        assert!(pruned.space_reclaimed >= 0, "{pruned:?}");
    });
}

/// A context whose `.dockerignore` has patterns, exceptions, `**` and an excluded
/// directory that an exception reaches into.
fn tricky_context(dir: &TempDir) {
    dir.write(
        ".dockerignore",
        "# comment\n*.log\n!keep.log\n**/cache\nbuild\n!build/out/app\n/docs/*.md\n!docs/README.md\nsecret?.txt\n[ab].tmp\n",
    );
    dir.write(
        "Dockerfile",
        "FROM bb:latest\nCOPY . /ctx\nRUN cd /ctx && find . | sort\n",
    );
    for f in [
        "a.log",
        "keep.log",
        "src/main.rs",
        "src/cache/x",
        "deep/er/cache/y",
        "build/tmp.o",
        "build/out/app",
        "build/out/other",
        "docs/guide.md",
        "docs/README.md",
        "docs/sub/nested.md",
        "secret1.txt",
        "secret12.txt",
        "a.tmp",
        "c.tmp",
        "plain.txt",
    ] {
        dir.write(f, "x\n");
    }
}

/// The paths the `find` step of a build printed.
fn listed(output: &str) -> Vec<String> {
    output
        .lines()
        .filter(|l| l.starts_with("./") || *l == ".")
        .map(str::to_owned)
        .collect()
}

fn docker_cli() -> Option<PathBuf> {
    let path = std::env::var_os("PATH").unwrap_or_default();
    std::env::split_paths(&path)
        .map(|d| d.join("docker"))
        .find(|p| p.is_file())
}

fn cli_build(docker: &Path, host: &str, dir: &Path) -> String {
    let out = Command::new(docker)
        .args(["build", "--no-cache", "--rm", "."])
        .current_dir(dir)
        .env("DOCKER_HOST", host)
        .env("DOCKER_BUILDKIT", "0")
        .env_remove("DOCKER_CONTEXT")
        .output()
        .expect("docker runs");
    assert!(out.status.success(), "docker build: {out:?}");
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    if let Some(id) = stdout
        .lines()
        .find_map(|l| l.strip_prefix("Successfully built "))
    {
        let _ = Command::new(docker)
            .args(["rmi", id.trim()])
            .env("DOCKER_HOST", host)
            .output();
    }
    stdout
}

#[test]
fn live_dockerignore_sends_what_the_docker_cli_sends() {
    let Some(endpoint) = engine() else { return };
    let Some(docker) = docker_cli() else {
        if std::env::var("CI").is_ok_and(|v| v == "true") {
            panic!("CI requires the docker CLI on PATH, the reference for .dockerignore");
        }
        eprintln!("skipping: no docker CLI on PATH to compare .dockerignore with");
        return;
    };
    let dir = TempDir::new("ignore");
    tricky_context(&dir);
    let host = endpoint.to_string();
    let reference = listed(&cli_build(&docker, &host, &dir.0));
    assert!(reference.len() > 5, "{reference:?}");
    both!(client(&endpoint, None), |api| {
        let name = api.name();
        let context = BuildContext::from_dir(&dir.0).unwrap();
        let stream: String = api
            .build_image(context, &BuildOptions::default().no_cache(true))
            .wait()
            .unwrap()
            .iter()
            .filter_map(|e| match e.unwrap() {
                BuildEvent::Stream(s) => Some(s),
                BuildEvent::Built(b) => {
                    let _ = api.remove_image(&b.id, Default::default()).wait();
                    None
                }
                _ => None,
            })
            .collect();
        assert_eq!(listed(&stream), reference, "{name}");
    });
}

/// The peak and the current resident set of this process, in KiB, from `/proc/self/status`.
fn resident_kib() -> (u64, u64) {
    let status = std::fs::read_to_string("/proc/self/status").expect("Linux's /proc");
    let field = |name: &str| {
        status
            .lines()
            .find_map(|l| l.strip_prefix(name))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
            .unwrap_or_else(|| panic!("no {name} in /proc/self/status"))
    };
    (field("VmHWM:"), field("VmRSS:"))
}

#[test]
fn live_a_one_gib_context_streams_in_constant_memory() {
    let Some(endpoint) = engine() else { return };
    const SIZE: u64 = 1 << 30;
    let dir = TempDir::new("big");
    dir.write("Dockerfile", "FROM bb:latest\nCOPY small.txt /small.txt\n");
    dir.write("small.txt", "small\n");
    // A sparse file: a gibibyte to send, no disk taken on this side.
    let big = std::fs::File::create(dir.0.join("big.bin")).unwrap();
    big.set_len(SIZE).unwrap();
    both!(client(&endpoint, None), |api| {
        let name = api.name();
        // Writing 5 resets the peak to the current resident set (Linux 4.0+).
        std::fs::write("/proc/self/clear_refs", "5").expect("the peak resets");
        let (_, start) = resident_kib();
        let context = BuildContext::from_dir(&dir.0).unwrap();
        let events: Vec<BuildEvent> = api
            .build_image(context, &BuildOptions::default())
            .wait()
            .unwrap()
            .iter()
            .map(|e| e.unwrap_or_else(|e| panic!("{name}: {e}")))
            .collect();
        let (peak, _) = resident_kib();
        let built = events.iter().rev().find_map(|e| match e {
            BuildEvent::Built(b) => Some(b.id.clone()),
            _ => None,
        });
        let built = built.unwrap_or_else(|| panic!("{name}: no image in {events:?}"));
        let _ = api.remove_image(&built, Default::default()).wait();
        let growth = peak.saturating_sub(start);
        eprintln!(
            "{name}: a 1 GiB context, peak RSS {peak} KiB, {growth} KiB above the {start} KiB \
             at the start"
        );
        // A context held in memory would add a gibibyte; streaming adds buffers only. Other
        // tests of this binary run alongside, so the bound leaves them room.
        assert!(growth < 128 * 1024, "{name}: the peak grew by {growth} KiB");
    });
}
