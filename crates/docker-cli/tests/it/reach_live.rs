//! Contexts, TLS and the discovery order, compared with the docker CLI (first on PATH):
//! over temporary `DOCKER_CONFIG` trees, some written by `docker context create` itself,
//! dkr and docker must print the same and select the same engine. The TLS cases use the
//! engine of `cargo xtask engine up --tls` (`$DKR_ENGINE_DIR/tls`); outside CI they skip
//! when it is missing, under `CI=true` they are required.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn engine_dir() -> PathBuf {
    std::env::var_os("DKR_ENGINE_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| "/tmp/dkr".into())
}

fn tls_dir() -> Option<PathBuf> {
    let dir = engine_dir().join("tls");
    if dir.join("host").exists() {
        return Some(dir);
    }
    if std::env::var("CI").is_ok_and(|v| v == "true") {
        panic!(
            "CI requires `cargo xtask engine up --tls` ({} is missing)",
            dir.display()
        );
    }
    eprintln!("skipping: no TLS engine in {}", dir.display());
    None
}

/// Runs `program args` with a clean engine environment plus `vars`.
fn run(program: &str, config: &Path, vars: &[(&str, &str)], args: &[&str]) -> Output {
    let mut cmd = Command::new(program);
    for var in [
        "DOCKER_HOST",
        "DOCKER_CONTEXT",
        "DOCKER_TLS_VERIFY",
        "DOCKER_TLS",
        "DOCKER_CERT_PATH",
    ] {
        cmd.env_remove(var);
    }
    cmd.env("DOCKER_CONFIG", config)
        .envs(vars.iter().copied())
        .args(args);
    cmd.output()
        .unwrap_or_else(|e| panic!("cannot run {program}: {e}"))
}

fn dkr() -> &'static str {
    env!("CARGO_BIN_EXE_dkr")
}

fn have_docker() -> bool {
    Command::new("docker")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success())
}

/// Variables and arguments of one comparison.
type Case = (
    &'static [(&'static str, &'static str)],
    &'static [&'static str],
);

struct Tree(PathBuf);

impl Tree {
    fn new(name: &str) -> Tree {
        let dir = std::env::temp_dir().join(format!("dkr-reach-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        Tree(dir)
    }
}

impl Drop for Tree {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn text(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

#[test]
fn reach_live_contexts_written_by_docker_read_and_select_the_same() {
    if !have_docker() {
        assert!(
            std::env::var("CI").map_or(true, |v| v != "true"),
            "CI needs the docker CLI"
        );
        eprintln!("skipping: no docker CLI");
        return;
    }
    let tree = Tree::new("ctx");
    let c = &tree.0;
    let create = run(
        "docker",
        c,
        &[],
        &[
            "context",
            "create",
            "plain",
            "--description",
            "a <plain> one",
            "--docker",
            "host=unix:///tmp/nowhere.sock",
        ],
    );
    assert!(create.status.success(), "{create:?}");
    let create = run(
        "docker",
        c,
        &[],
        &[
            "context",
            "create",
            "remote",
            "--docker",
            "host=tcp://127.0.0.1:1",
        ],
    );
    assert!(create.status.success(), "{create:?}");
    let cases: &[Case] = &[
        (&[], &["context", "ls"]),
        (&[], &["context", "show"]),
        (&[], &["context", "inspect"]),
        (&[], &["context", "inspect", "plain", "remote"]),
        (&[], &["context", "ls", "-q"]),
        (&[], &["--context", "remote", "context", "show"]),
        (&[("DOCKER_CONTEXT", "plain")], &["context", "show"]),
        (&[("DOCKER_CONTEXT", "plain")], &["context", "inspect"]),
        (
            &[("DOCKER_HOST", "tcp://10.1.2.3:2375")],
            &["context", "ls"],
        ),
        (
            &[("DOCKER_HOST", "tcp://10.1.2.3:2375")],
            &["context", "inspect"],
        ),
        (&[], &["-H", "unix:///tmp/x.sock", "context", "inspect"]),
        (
            &[
                ("DOCKER_HOST", "unix:///tmp/y.sock"),
                ("DOCKER_CONTEXT", "plain"),
            ],
            &["context", "show"],
        ),
    ];
    let compare = |stage: &str| {
        for (vars, args) in cases {
            let want = run("docker", c, vars, args);
            let got = run(dkr(), c, vars, args);
            assert_eq!(text(&got), text(&want), "{stage}: {vars:?} {args:?}");
            assert_eq!(
                got.status.code(),
                want.status.code(),
                "{stage}: {vars:?} {args:?}"
            );
        }
    };
    compare("no current context");
    // docker's `context use` is seen by dkr, and dkr's by docker.
    assert!(run("docker", c, &[], &["context", "use", "remote"])
        .status
        .success());
    compare("docker used remote");
    let docker_wrote = std::fs::read(c.join("config.json")).unwrap();
    assert!(run(dkr(), c, &[], &["context", "use", "default"])
        .status
        .success());
    assert!(run(dkr(), c, &[], &["context", "use", "plain"])
        .status
        .success());
    assert_eq!(
        text(&run("docker", c, &[], &["context", "show"])),
        "plain\n"
    );
    compare("dkr used plain");
    assert!(run(dkr(), c, &[], &["context", "use", "remote"])
        .status
        .success());
    assert_eq!(
        std::fs::read(c.join("config.json")).unwrap(),
        docker_wrote,
        "config.json byte for byte"
    );
    // An unknown context fails in both, naming it.
    let dkr_err = run(dkr(), c, &[], &["--context", "nope", "ps"]);
    let docker_err = run("docker", c, &[], &["--context", "nope", "ps"]);
    assert!(!dkr_err.status.success() && !docker_err.status.success());
    assert!(
        String::from_utf8_lossy(&dkr_err.stderr).contains("\"nope\""),
        "{dkr_err:?}"
    );
}

#[test]
fn reach_live_dkr_and_docker_reach_the_same_engines_over_tls() {
    let Some(tls) = tls_dir() else {
        return;
    };
    let host = std::fs::read_to_string(tls.join("host"))
        .unwrap()
        .trim()
        .to_owned();
    let certs = tls.join("client");
    let certs = certs.to_str().unwrap();
    let tree = Tree::new("tls");
    let c = &tree.0;
    let id = |program: &str, vars: &[(&str, &str)], args: &[&str]| {
        let out = run(program, c, vars, args);
        assert!(
            out.status.success(),
            "{program} {vars:?} {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let info: serde_json::Value = match program {
            "docker" => serde_json::from_slice(&out.stdout).unwrap(),
            _ => serde_json::from_slice(&out.stdout).unwrap(),
        };
        info["ID"].as_str().unwrap_or_default().to_owned()
    };
    let env = [
        ("DOCKER_HOST", host.as_str()),
        ("DOCKER_TLS_VERIFY", "1"),
        ("DOCKER_CERT_PATH", certs),
    ];
    let want = id("docker", &env, &["info", "--format", "{{json .}}"]);
    assert!(!want.is_empty());
    assert_eq!(id(dkr(), &env, &["--format", "json", "info"]), want);
    // The global flags.
    let ca = format!("{certs}/ca.pem");
    let cert = format!("{certs}/cert.pem");
    let key = format!("{certs}/key.pem");
    let flags = [
        "-H",
        &host,
        "--tlsverify",
        "--tlscacert",
        &ca,
        "--tlscert",
        &cert,
        "--tlskey",
        &key,
    ];
    let mut args = flags.to_vec();
    args.extend(["--format", "json", "info"]);
    assert_eq!(id(dkr(), &[], &args), want);
    // A context made by docker, with its TLS files copied in.
    let docker = format!("host={host},ca={ca},cert={cert},key={key}");
    assert!(run(
        "docker",
        c,
        &[],
        &["context", "create", "tls", "--docker", &docker]
    )
    .status
    .success());
    assert_eq!(
        id(
            dkr(),
            &[("DOCKER_CONTEXT", "tls")],
            &["--format", "json", "info"]
        ),
        want
    );
    assert_eq!(
        id(
            "docker",
            &[("DOCKER_CONTEXT", "tls")],
            &["info", "--format", "{{json .}}"]
        ),
        want
    );
    // DOCKER_TLS_VERIFY=0 still verifies: against a CA that did not sign, both refuse.
    let wrong = Tree::new("wrong-ca");
    for name in ["cert.pem", "key.pem"] {
        std::fs::copy(tls.join("client").join(name), wrong.0.join(name)).unwrap();
    }
    std::fs::copy(tls.join("wrong-ca.pem"), wrong.0.join("ca.pem")).unwrap();
    let bad = [
        ("DOCKER_HOST", host.as_str()),
        ("DOCKER_TLS_VERIFY", "0"),
        ("DOCKER_CERT_PATH", wrong.0.to_str().unwrap()),
    ];
    let dkr_out = run(dkr(), c, &bad, &["version"]);
    let docker_out = run("docker", c, &bad, &["version"]);
    assert!(!dkr_out.status.success(), "{dkr_out:?}");
    assert!(String::from_utf8_lossy(&docker_out.stderr).contains("unknown authority"));
    assert!(
        String::from_utf8_lossy(&dkr_out.stderr).contains("unknown authority"),
        "{dkr_out:?}"
    );
}
