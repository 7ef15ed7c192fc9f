//! The built `dkr` against a real engine: images, networks, volumes, and login, push and
//! pull with a private registry. Same engine rules as `live`: skipped without one, except
//! under CI.

use std::process::{Command, Output, Stdio};

use docker_client::blocking::Client;
use docker_client::RemoveImageOptions;

use crate::live::{dkr, engine, fails, ok, stderr, stdout};
use crate::registry::Registry;

const DKR: &str = env!("CARGO_BIN_EXE_dkr");

/// Runs dkr with extra environment variables and, if given, standard input.
fn dkr_env(host: &str, args: &[&str], env: &[(&str, &str)], input: Option<&[u8]>) -> Output {
    use std::io::Write;
    let mut child = Command::new(DKR)
        .args(args)
        .env("DOCKER_HOST", host)
        .env_remove("DOCKER_API_VERSION")
        .envs(env.iter().copied())
        .stdin(match input {
            Some(_) => Stdio::piped(),
            None => Stdio::null(),
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("dkr runs");
    if let (Some(input), Some(mut stdin)) = (input, child.stdin.take()) {
        stdin.write_all(input).expect("write stdin");
    }
    child.wait_with_output().expect("wait")
}

fn client(host: &str) -> Client {
    Client::builder().host(host).build().expect("client")
}

/// Runs `cleanup` when dropped, even when the test fails.
struct Cleanup<F: FnMut()>(F);

impl<F: FnMut()> Drop for Cleanup<F> {
    fn drop(&mut self) {
        (self.0)()
    }
}

fn unique(what: &str) -> String {
    format!("dkr-cli-it-{what}-{}", std::process::id())
}

#[test]
fn images_lists_the_test_image_like_docker() {
    let Some(host) = engine() else { return };
    let out = ok(dkr(&host, &["images"]));
    assert!(
        out.starts_with("REPOSITORY   TAG       IMAGE ID       CREATED ")
            || out.starts_with("REPOSITORY "),
        "{out}"
    );
    assert!(out.lines().next().unwrap_or("").ends_with("SIZE"), "{out}");
    let row = out
        .lines()
        .find(|l| l.starts_with("bb ") && l.contains(" latest "))
        .unwrap_or_else(|| panic!("no bb:latest row in:\n{out}"));
    let id = client(&host)
        .inspect_image("bb:latest")
        .expect("inspect")
        .id;
    assert!(row.contains(&id[7..19]), "{row}");
    assert!(row.ends_with("MB") || row.ends_with("kB"), "{row}");

    let quiet = ok(dkr(&host, &["images", "-q", "bb:latest"]));
    assert_eq!(quiet, format!("{}\n", &id[7..19]));
    let full = ok(dkr(&host, &["images", "-q", "--no-trunc", "bb"]));
    assert_eq!(full, format!("{id}\n"));
    let json = ok(dkr(&host, &["images", "--format", "json", "bb"]));
    let v: serde_json::Value = serde_json::from_str(&json).expect("JSON");
    assert_eq!(v[0]["Id"], id.as_str());
    assert_eq!(
        ok(dkr(&host, &["images", "dkr-cli-it-no-such-repo"]))
            .lines()
            .count(),
        1
    );
}

#[test]
fn network_create_ls_and_rm() {
    let Some(host) = engine() else { return };
    let name = unique("net");
    let h = host.clone();
    let n = name.clone();
    let _cleanup = Cleanup(move || {
        let _ = client(&h).remove_network(&n);
    });
    let id = ok(dkr(
        &host,
        &[
            "network",
            "create",
            "--label",
            "dkr-cli-it=1",
            "--subnet",
            "10.213.7.0/24",
            "--gateway",
            "10.213.7.1",
            &name,
        ],
    ));
    let id = id.trim();
    assert_eq!(id.len(), 64, "{id}");

    let out = ok(dkr(&host, &["network", "ls"]));
    assert!(out.starts_with("NETWORK ID     NAME"), "{out}");
    let row = out
        .lines()
        .find(|l| l.contains(&name))
        .unwrap_or_else(|| panic!("no {name} in:\n{out}"));
    assert_eq!(
        row.split_whitespace().collect::<Vec<_>>(),
        [&id[..12], name.as_str(), "bridge", "local"]
    );
    let quiet = ok(dkr(
        &host,
        &["network", "ls", "-q", "-f", &format!("name={name}")],
    ));
    assert_eq!(quiet, format!("{}\n", &id[..12]));

    // A container on it gets an address of its subnet.
    let addr = ok(dkr(
        &host,
        &[
            "run",
            "--rm",
            "--network",
            &name,
            "bb:latest",
            "cat",
            "/proc/net/fib_trie",
        ],
    ));
    assert!(addr.contains("10.213.7."), "{addr}");

    let o = dkr(&host, &["network", "rm", &name, "dkr-cli-it-no-such-net"]);
    assert_eq!(stdout(&o), format!("{name}\n"));
    let err = fails(o, 1);
    assert!(err.starts_with("Error response from daemon: "), "{err}");
    assert!(!ok(dkr(&host, &["network", "ls"])).contains(&name));
    fails(
        dkr(
            &host,
            &["network", "create", "--gateway", "10.1.1.1", &name],
        ),
        2,
    );
}

#[test]
fn volume_create_ls_use_and_rm() {
    let Some(host) = engine() else { return };
    let name = unique("vol");
    let h = host.clone();
    let n = name.clone();
    let _cleanup = Cleanup(move || {
        let _ = client(&h).remove_volume(
            &n,
            docker_client::RemoveVolumeOptions::default().force(true),
        );
    });
    assert_eq!(
        ok(dkr(
            &host,
            &["volume", "create", "--label", "dkr-cli-it=1", &name]
        )),
        format!("{name}\n")
    );
    let out = ok(dkr(&host, &["volume", "ls"]));
    assert!(out.starts_with("DRIVER    VOLUME NAME\n"), "{out}");
    assert!(
        out.lines().any(|l| l == format!("local     {name}")),
        "{out}"
    );
    let quiet = ok(dkr(
        &host,
        &["volume", "ls", "-q", "--filter", "label=dkr-cli-it=1"],
    ));
    assert!(quiet.lines().any(|l| l == name), "{quiet}");

    // Written by one container, read by another through a read-only mount.
    let volume = format!("{name}:/data");
    ok(dkr(
        &host,
        &[
            "run",
            "--rm",
            "-v",
            &volume,
            "bb:latest",
            "sh",
            "-c",
            "echo kept > /data/f",
        ],
    ));
    let ro = format!("{name}:/data:ro");
    let o = dkr(
        &host,
        &[
            "run",
            "--rm",
            "-v",
            &ro,
            "bb:latest",
            "sh",
            "-c",
            "cat /data/f; echo x > /data/g",
        ],
    );
    assert_eq!(stdout(&o), "kept\n");
    assert!(
        stderr(&o).contains("Read-only file system"),
        "{}",
        stderr(&o)
    );
    assert_ne!(o.status.code(), Some(0));

    assert_eq!(
        ok(dkr(&host, &["volume", "rm", &name])),
        format!("{name}\n")
    );
    let err = fails(dkr(&host, &["volume", "rm", &name]), 1);
    assert!(err.contains("no such volume"), "{err}");

    // Without a name the engine makes one up.
    let anonymous = ok(dkr(&host, &["volume", "create"]));
    let anonymous = anonymous.trim();
    assert_eq!(anonymous.len(), 64, "{anonymous}");
    assert_eq!(
        ok(dkr(&host, &["volume", "rm", anonymous])),
        format!("{anonymous}\n")
    );
}

/// A password with what breaks naive encodings: a colon, spaces, `+`, `/` and non-ASCII.
const PASSWORD: &str = "p+ss/w:rd with spaces é";

#[test]
fn login_stores_credentials_that_push_and_pull_use() {
    let Some(host) = engine() else { return };
    let Some(registry) = Registry::start("dkr", PASSWORD) else {
        return;
    };
    let config_dir = std::env::temp_dir().join(unique("docker-config"));
    let _ = std::fs::remove_dir_all(&config_dir);
    let config = config_dir.to_str().expect("UTF-8").to_owned();
    let env = [("DOCKER_CONFIG", config.as_str())];
    let image = format!("{}/dkr/bb-{}:1", registry.addr, std::process::id());
    let c = client(&host);
    let h = host.clone();
    let (img, dir) = (image.clone(), config_dir.clone());
    let _cleanup = Cleanup(move || {
        let _ = client(&h).remove_image(&img, RemoveImageOptions::default());
        let _ = std::fs::remove_dir_all(&dir);
    });

    // A wrong password: refused, and never shown.
    let login = ["login", "-u", "dkr", "--password-stdin", &registry.addr];
    let o = dkr_env(&host, &login, &env, Some(b"wrong-password\n"));
    assert!(!stdout(&o).contains("wrong-password") && !stderr(&o).contains("wrong-password"));
    fails(o, 1);
    assert!(!config_dir.join("config.json").exists());

    // Without credentials the push is refused by the registry.
    c.tag_image("bb:latest", &image).expect("tag");
    let o = dkr_env(&host, &["push", &image], &env, None);
    assert!(
        stdout(&o).starts_with("The push refers to repository ["),
        "{}",
        stdout(&o)
    );
    let err = fails(o, 1);
    assert!(
        err.contains("no basic auth credentials") || err.contains("unauthorized"),
        "{err}"
    );

    // The right one: stored like docker stores it, readable by its owner only.
    let input = format!("{PASSWORD}\n");
    let o = dkr_env(&host, &login, &env, Some(input.as_bytes()));
    assert!(!stdout(&o).contains(PASSWORD) && !stderr(&o).contains(PASSWORD));
    assert_eq!(ok(o), "Login Succeeded\n");
    let stored = std::fs::read_to_string(config_dir.join("config.json")).expect("config.json");
    let stored: serde_json::Value = serde_json::from_str(&stored).expect("JSON");
    let auth = stored["auths"][&registry.addr]["auth"]
        .as_str()
        .expect("auth");
    let docker_config =
        docker_client::DockerConfig::from_path(&config_dir.join("config.json")).expect("read");
    let read = docker_config
        .credentials_for(&registry.addr)
        .expect("credentials")
        .expect("some");
    assert_eq!(
        (read.username.as_str(), read.password.as_str()),
        ("dkr", PASSWORD)
    );
    assert!(!auth.contains(PASSWORD));
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(config_dir.join("config.json"))
        .expect("stat")
        .permissions()
        .mode();
    assert_eq!(mode & 0o777, 0o600);

    // Push with the stored credentials: one line per step when piped.
    let out = ok(dkr_env(&host, &["push", &image], &env, None));
    assert!(
        out.contains(": Pushed\n") || out.contains(": Layer already exists\n"),
        "{out}"
    );
    assert!(out.contains("1: digest: sha256:"), "{out}");
    assert!(
        !out.contains('\x1b'),
        "escape codes in piped output: {out:?}"
    );

    // Pull it back after removing it.
    c.remove_image(&image, RemoveImageOptions::default())
        .expect("untag");
    let out = ok(dkr_env(&host, &["pull", &image], &env, None));
    assert!(out.contains("Status: "), "{out}");
    assert!(out.ends_with(&format!("\n{image}\n")), "{out}");
    let quiet = ok(dkr_env(&host, &["pull", "-q", &image], &env, None));
    assert_eq!(quiet, format!("{image}\n"));
    let listed = ok(dkr(&host, &["images", &image]));
    assert_eq!(listed.lines().count(), 2, "{listed}");

    // run pulls a missing image first, as docker does.
    c.remove_image(&image, RemoveImageOptions::default())
        .expect("untag");
    let o = dkr_env(
        &host,
        &["run", "--rm", &image, "echo", "pulled"],
        &env,
        None,
    );
    let err = stderr(&o);
    assert!(
        err.starts_with(&format!("Unable to find image '{image}' locally\n")),
        "{err}"
    );
    assert!(err.contains("Status: "), "{err}");
    assert_eq!(ok(o), "pulled\n");

    // A missing tag: docker's default tag line, then the engine's refusal.
    let missing = format!("{}/dkr/no-such-{}", registry.addr, std::process::id());
    let o = dkr_env(&host, &["pull", &missing], &env, None);
    assert_eq!(stdout(&o), "Using default tag: latest\n");
    let err = fails(o, 1);
    assert!(err.starts_with("Error response from daemon: "), "{err}");
    assert!(!registry.log().contains(PASSWORD));
}

#[test]
fn login_usage_errors() {
    // No engine needed: nothing is sent.
    for args in [
        &["login", "--password-stdin", "127.0.0.1:1"][..],
        &["login", "-u", "me", "127.0.0.1:1"],
    ] {
        let o = Command::new(DKR)
            .args(args)
            .env("DOCKER_HOST", "unix:///nonexistent/docker.sock")
            .stdin(Stdio::null())
            .output()
            .expect("dkr runs");
        fails(o, 2);
    }
}
