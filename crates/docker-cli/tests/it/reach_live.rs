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

/// `$DKR_ENGINE_DIR/what` when `engine up` made it (`marker` exists); `None` (skipping)
/// outside CI.
fn remote_dir(what: &str, marker: &str) -> Option<PathBuf> {
    let dir = engine_dir().join(what);
    if dir.join(marker).exists() {
        return Some(dir);
    }
    if std::env::var("CI").is_ok_and(|v| v == "true") {
        panic!(
            "CI requires `cargo xtask engine up --tls --ssh` ({} is missing)",
            dir.join(marker).display()
        );
    }
    eprintln!("skipping: no {what} setup in {}", dir.display());
    None
}

fn tls_dir() -> Option<PathBuf> {
    remote_dir("tls", "host")
}

/// Runs `program args` with a clean engine environment plus `vars` (no `XDG_RUNTIME_DIR`,
/// so that dkr's fallback sockets under it are not looked for).
/// The environment variables and the arguments of one run of docker and of dkr.
type Step<'a> = (&'a [(&'a str, &'a str)], &'a [&'a str]);

fn run(program: &str, config: &Path, vars: &[(&str, &str)], args: &[&str]) -> Output {
    command(program, config, vars, args)
        .output()
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

/// `program args` as [`run`] makes it, not yet started.
fn command(program: &str, config: &Path, vars: &[(&str, &str)], args: &[&str]) -> Command {
    let mut cmd = Command::new(program);
    for var in [
        "DOCKER_HOST",
        "DOCKER_CONTEXT",
        "DOCKER_TLS_VERIFY",
        "DOCKER_TLS",
        "DOCKER_CERT_PATH",
        "XDG_RUNTIME_DIR",
    ] {
        cmd.env_remove(var);
    }
    cmd.env("DOCKER_CONFIG", config)
        .envs(vars.iter().copied())
        .args(args)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped());
    cmd
}

/// Runs dkr and docker at the same moment and compares their exit statuses and outputs
/// byte for byte. The `CREATED` and `STATUS` columns count seconds, so a second may tick
/// over between the two when they reach the engine a moment apart: the pair is run again
/// then, up to five times, and must once print the same.
fn same_as_docker(c: &Path, vars: &[(&str, &str)], args: &[&str]) {
    let mut last = None;
    for _ in 0..5 {
        let docker = command("docker", c, vars, args).spawn().unwrap();
        let ours = command(dkr(), c, vars, args).spawn().unwrap();
        let want = docker.wait_with_output().unwrap();
        let got = ours.wait_with_output().unwrap();
        assert!(
            want.status.success(),
            "docker {args:?}: {}",
            String::from_utf8_lossy(&want.stderr)
        );
        assert_eq!(
            got.status.code(),
            want.status.code(),
            "{args:?}: {}",
            String::from_utf8_lossy(&got.stderr)
        );
        if got.stdout == want.stdout {
            return;
        }
        last = Some((text(&got), text(&want)));
    }
    let (got, want) = last.unwrap();
    assert_eq!(got, want, "dkr {args:?}, five times");
}

/// A directory holding `ssh`, a script that runs the real ssh with the key and host key of
/// `engine up --ssh` and no user configuration, for docker and dkr alike.
fn ssh_wrapper(ssh: &Path, tree: &Path) -> PathBuf {
    let real = std::env::split_paths(&std::env::var_os("PATH").unwrap())
        .map(|d| d.join("ssh"))
        .find(|p| p.exists())
        .expect("ssh on PATH");
    let dir = tree.join("bin");
    std::fs::create_dir_all(&dir).unwrap();
    let script = format!(
        "#!/bin/sh\nexec '{}' -F /dev/null -o IdentityFile='{}' -o IdentitiesOnly=yes \
         -o UserKnownHostsFile='{}' -o StrictHostKeyChecking=yes \"$@\"\n",
        real.display(),
        ssh.join("id_ed25519").display(),
        ssh.join("known_hosts").display()
    );
    let path = dir.join("ssh");
    std::fs::write(&path, script).unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
    dir
}

/// A container of the test, removed (forced) when dropped.
struct Container<'a> {
    host: &'a str,
    name: String,
}

impl Drop for Container<'_> {
    fn drop(&mut self) {
        let _ = Command::new("docker")
            .args(["-H", self.host, "rm", "-f", &self.name])
            .output();
    }
}

#[test]
fn reach_live_dkr_over_ssh_prints_what_docker_prints() {
    let Some(ssh) = remote_dir("ssh", "port") else {
        return;
    };
    let Some(engine) = crate::live::engine() else {
        return;
    };
    assert!(have_docker(), "the ssh comparison needs the docker CLI");
    let port = std::fs::read_to_string(ssh.join("port")).unwrap();
    let host = format!("ssh://root@127.0.0.1:{}", port.trim());
    let tree = Tree::new("ssh");
    let c = &tree.0;
    let path = std::env::join_paths(
        std::iter::once(ssh_wrapper(&ssh, c))
            .chain(std::env::split_paths(&std::env::var_os("PATH").unwrap())),
    )
    .unwrap();
    let path = path.to_str().unwrap();
    let label = format!("dkr-reach-ssh={}", std::process::id());
    let container = Container {
        host: &engine,
        name: format!("dkr-reach-ssh-{}", std::process::id()),
    };
    let started = Command::new("docker")
        .args(["-H", &engine, "run", "-d", "--label", &label, "--name"])
        .args([&container.name, "bb:latest", "sh", "-c", "sleep 300"])
        .output()
        .unwrap();
    assert!(started.status.success(), "{started:?}");
    let filter = format!("label={label}");
    let vars = [("PATH", path)];
    for args in [
        &["-H", &host, "ps", "--filter", &filter][..],
        &["-H", &host, "ps", "-a", "--no-trunc", "--filter", &filter],
        &["-H", &host, "ps", "-q", "--filter", &filter],
    ] {
        same_as_docker(c, &vars, args);
    }
    // DOCKER_HOST, and a context made by docker, reach it too.
    let env = [("PATH", path), ("DOCKER_HOST", host.as_str())];
    same_as_docker(c, &env, &["ps", "--filter", &filter]);
    let docker = format!("host={host}");
    let create = run(
        "docker",
        c,
        &[],
        &["context", "create", "over-ssh", "--docker", &docker],
    );
    assert!(create.status.success(), "{create:?}");
    same_as_docker(
        c,
        &vars,
        &["--context", "over-ssh", "ps", "--filter", &filter],
    );
    // The engine's refusal travels back over ssh with docker's status.
    let missing = ["-H", host.as_str(), "rm", "dkr-reach-no-such-container"];
    let want = run("docker", c, &vars, &missing);
    let got = run(dkr(), c, &vars, &missing);
    assert_eq!(got.status.code(), want.status.code(), "{got:?}");
    assert_eq!(text(&got), text(&want));
}

/// The engine a command reached: `Ok(stdout)`, or `Err` with the one `unix://` address of
/// `candidates` its error names.
fn reached(out: &Output, candidates: &[&str]) -> Result<String, String> {
    if out.status.success() {
        return Ok(text(out));
    }
    let stderr = String::from_utf8_lossy(&out.stderr);
    let named: Vec<&str> = candidates
        .iter()
        .copied()
        .filter(|c| stderr.contains(c))
        .collect();
    match named[..] {
        [one] => Err(one.to_owned()),
        _ => panic!("the error names {named:?}, not one of {candidates:?}: {stderr}"),
    }
}

#[test]
fn reach_live_dkr_and_docker_select_the_same_engine_in_every_branch_of_the_order() {
    let Some(good) = crate::live::engine() else {
        return;
    };
    if !have_docker() {
        assert!(
            std::env::var("CI").map_or(true, |v| v != "true"),
            "CI needs the docker CLI"
        );
        eprintln!("skipping: no docker CLI");
        return;
    }
    // Every choice but the winning one is an address where nothing listens, each its own,
    // so that a failure says which was chosen.
    let pid = std::process::id();
    let nowhere = |what: &str| format!("unix:///tmp/dkr-reach-{pid}-{what}-nowhere.sock");
    let (flag, env, ctx, cur) = (
        nowhere("flag"),
        nowhere("env"),
        nowhere("ctx"),
        nowhere("cur"),
    );
    let candidates = [
        flag.as_str(),
        &env,
        &ctx,
        &cur,
        "unix:///var/run/docker.sock",
    ];
    let stores: Vec<(Tree, &str)> = ["bad-cur", "good", "default"]
        .into_iter()
        .map(|current| {
            let tree = Tree::new(&format!("select-{current}"));
            for (name, host) in [
                ("good", good.as_str()),
                ("bad-ctx", &ctx),
                ("bad-cur", &cur),
            ] {
                let docker = format!("host={host}");
                let out = run(
                    "docker",
                    &tree.0,
                    &[],
                    &["context", "create", name, "--docker", &docker],
                );
                assert!(out.status.success(), "{out:?}");
            }
            let out = run("docker", &tree.0, &[], &["context", "use", current]);
            assert!(out.status.success(), "{out:?}");
            (tree, current)
        })
        .collect();
    let filter = format!("label=dkr-reach-select-{pid}");
    let ps = ["ps", "--filter", filter.as_str()];
    // HOME is the tree and XDG_RUNTIME_DIR unset, so that with no choice at all both look
    // for /var/run/docker.sock only (dkr's further fallback sockets are then absent).
    let cases: &[Step<'_>] = &[
        (&[], &["-H", &good]),
        (&[("DOCKER_HOST", &good)], &["-H", &flag]),
        (
            &[("DOCKER_HOST", &env), ("DOCKER_CONTEXT", "bad-ctx")],
            &["-H", &good],
        ),
        (
            &[("DOCKER_HOST", &good), ("DOCKER_CONTEXT", "bad-ctx")],
            &[],
        ),
        (&[("DOCKER_HOST", &env), ("DOCKER_CONTEXT", "good")], &[]),
        (&[("DOCKER_HOST", &env)], &["--context", "good"]),
        (&[("DOCKER_HOST", &good)], &["--context", "bad-ctx"]),
        (&[("DOCKER_CONTEXT", "good")], &[]),
        (&[("DOCKER_CONTEXT", "bad-ctx")], &[]),
        (&[("DOCKER_CONTEXT", "default")], &[]),
        (&[], &["--context", "default"]),
        (&[], &[]),
    ];
    let mut reached_good = 0;
    for (tree, current) in &stores {
        let c = &tree.0;
        let home = c.to_str().unwrap();
        for (vars, flags) in cases {
            let mut vars = vars.to_vec();
            vars.push(("HOME", home));
            let mut args = flags.to_vec();
            args.extend(ps);
            let cmd = |program: &str| run(program, c, &vars, &args);
            let want = reached(&cmd("docker"), &candidates);
            let got = reached(&cmd(dkr()), &candidates);
            assert_eq!(
                got, want,
                "current context {current}, {vars:?} {flags:?}: dkr and docker chose differently"
            );
            reached_good += usize::from(want.is_ok());
        }
    }
    // The cases are not vacuous: the live engine was reached in some, not in others.
    assert!(reached_good >= stores.len() * 4, "{reached_good}");
    assert!(reached_good < stores.len() * cases.len());
}

/// Every file and directory under `root`: its path, mode and contents.
fn tree_of(root: &Path) -> Vec<(String, u32, Vec<u8>)> {
    use std::os::unix::fs::PermissionsExt;
    let mut out = Vec::new();
    let mut dirs = vec![root.to_path_buf()];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).unwrap().flatten() {
            let path = entry.path();
            let meta = entry.metadata().unwrap();
            let rel = path.strip_prefix(root).unwrap().display().to_string();
            let mode = meta.permissions().mode() & 0o7777;
            match meta.is_dir() {
                true => {
                    out.push((format!("{rel}/"), mode, Vec::new()));
                    dirs.push(path);
                }
                false => out.push((rel, mode, std::fs::read(&path).unwrap())),
            }
        }
    }
    out.sort();
    out
}

#[test]
fn reach_live_context_create_and_rm_write_what_docker_writes() {
    let Some(tls) = tls_dir() else {
        return;
    };
    assert!(have_docker(), "the context comparison needs the docker CLI");
    let certs = tls.join("client");
    let file = |name: &str| certs.join(name).display().to_string();
    let (ca, cert, key) = (file("ca.pem"), file("cert.pem"), file("key.pem"));
    let theirs = Tree::new("create-docker");
    let ours = Tree::new("create-dkr");
    let not_pem = theirs.0.join("not-pem.txt");
    std::fs::write(&not_pem, "not a certificate\n").unwrap();
    let not_pem = not_pem.display().to_string();
    let with_tls = format!("host=tcp://10.0.0.1:2376,ca={ca},cert={cert},key={key}");
    let default_tls: &[(&str, &str)] = &[
        ("DOCKER_HOST", "tcp://x:2376"),
        ("DOCKER_TLS_VERIFY", "1"),
        ("DOCKER_CERT_PATH", certs.to_str().unwrap()),
    ];
    let bad_ca = format!("host=tcp://h:1,ca={not_pem}");
    let steps: &[Step<'_>] = &[
        (
            &[],
            &[
                "context",
                "create",
                "a1",
                "--description",
                "x <y> & z",
                "--docker",
                &with_tls,
            ],
        ),
        (
            &[],
            &[
                "context",
                "create",
                "a2",
                "--docker",
                "host=unix:///x.sock,skip-tls-verify=true",
            ],
        ),
        (
            &[("DOCKER_HOST", "tcp://h:1")],
            &["context", "create", "a3"],
        ),
        (
            &[],
            &[
                "context",
                "create",
                "a4",
                "--from",
                "a1",
                "--description",
                "copied",
            ],
        ),
        (&[], &["context", "create", "a5", "--docker", "from=a1"]),
        (
            default_tls,
            &["context", "create", "a6", "--description", "hi"],
        ),
        (
            &[],
            &[
                "context",
                "create",
                "a7",
                "--docker",
                "host=unix:///a",
                "--docker",
                "host=unix:///b",
            ],
        ),
        (
            &[],
            &["context", "create", "a8", "--docker", "host=unix:///a,,"],
        ),
        (
            &[],
            &[
                "context",
                "create",
                "a9",
                "--docker",
                "host=ssh://me@h:22/run/docker.sock,skip-tls-verify=0",
            ],
        ),
        // `ls` sorts numbers in names as numbers, `default` among the others.
        (
            &[],
            &["context", "create", "a10", "--docker", "host=unix:///10"],
        ),
        (
            &[],
            &["context", "create", "Zz", "--docker", "host=unix:///z"],
        ),
        (
            &[],
            &["context", "create", "a1", "--docker", "host=unix:///y"],
        ),
        (
            &[],
            &[
                "context",
                "create",
                "bad name",
                "--docker",
                "host=unix:///x",
            ],
        ),
        (
            &[],
            &["context", "create", "x", "--docker", "host=unix:///x"],
        ),
        (
            &[],
            &["context", "create", "default", "--docker", "host=unix:///x"],
        ),
        (&[], &["context", "create", "e1", "--docker", "foo=bar"]),
        (
            &[],
            &[
                "context",
                "create",
                "e2",
                "--docker",
                "host=tcp://h:1,skip-tls-verify=yes",
            ],
        ),
        (
            &[],
            &[
                "context",
                "create",
                "e3",
                "--docker",
                "host=unix:///x,ca=/nonexistent.pem",
            ],
        ),
        (&[], &["context", "create", "e4", "--docker", "host=h:1"]),
        (&[], &["context", "create", "e5", "--docker", "host=ssh://"]),
        (&[], &["context", "create", "e6", "--docker", &bad_ca]),
        (&[], &["context", "create", "e7", "--from", "nope"]),
        (&[], &["context", "create", "e8", "--docker", "from=nope"]),
        (
            &[],
            &[
                "context",
                "create",
                "e9",
                "--from",
                "a1",
                "--docker",
                "host=unix:///x",
            ],
        ),
        (
            &[],
            &["context", "create", "e10", "--docker", "host=tcp://"],
        ),
        (&[], &["context", "use", "a2"]),
        (&[], &["context", "rm", "a2"]),
        (&[], &["context", "rm", "-f", "a2"]),
        (&[], &["context", "rm", "default"]),
        (&[], &["context", "rm", "nope", "a3"]),
        (&[], &["context", "rm", "-f", "nope"]),
        (&[], &["context", "remove", "a8", "a9"]),
        (&[], &["context", "ls"]),
        (&[], &["context", "inspect", "a1", "a4", "a6"]),
    ];
    for (vars, args) in steps {
        let want = run("docker", &theirs.0, vars, args);
        let got = run(dkr(), &ours.0, vars, args);
        // `context inspect` and some errors name the store's own directories.
        let mine = |bytes: &[u8]| {
            String::from_utf8_lossy(bytes)
                .replace(ours.0.to_str().unwrap(), theirs.0.to_str().unwrap())
        };
        assert_eq!(
            mine(&got.stdout),
            text(&want),
            "stdout of {vars:?} {args:?}"
        );
        assert_eq!(
            mine(&got.stderr),
            String::from_utf8_lossy(&want.stderr),
            "stderr of {vars:?} {args:?}"
        );
        assert_eq!(got.status.code(), want.status.code(), "{vars:?} {args:?}");
    }
    let mut docker_tree = tree_of(&theirs.0);
    docker_tree.retain(|(path, _, _)| path != "not-pem.txt");
    let dkr_tree = tree_of(&ours.0);
    let names = |t: &[(String, u32, Vec<u8>)]| {
        t.iter()
            .map(|(p, m, _)| format!("{p} {m:o}"))
            .collect::<Vec<_>>()
    };
    assert_eq!(
        names(&dkr_tree),
        names(&docker_tree),
        "the files and their modes"
    );
    for ((path, _, got), (_, _, want)) in dkr_tree.iter().zip(&docker_tree) {
        assert_eq!(
            String::from_utf8_lossy(got),
            String::from_utf8_lossy(want),
            "{path}, byte for byte"
        );
    }
    // Each reads the other's contexts the same way.
    for args in [&["context", "ls"][..], &["context", "inspect", "a1", "a7"]] {
        let cross = run(dkr(), &theirs.0, &[], args);
        assert_eq!(text(&cross), text(&run("docker", &theirs.0, &[], args)));
        let cross = run("docker", &ours.0, &[], args);
        assert_eq!(text(&cross), text(&run(dkr(), &ours.0, &[], args)));
    }
}
