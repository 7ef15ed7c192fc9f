//! The client over TLS and over ssh, in both flavours, against the private engine of
//! `cargo xtask engine up --tls --ssh`, whose certificates, keys and ports are in its
//! directory (`$DKR_ENGINE_DIR`, default `/tmp/dkr`): requests on kept connections, and an
//! attach session, whose connection is upgraded (hijacked) and then carries raw bytes
//! both ways, half-closed by the client. Outside CI these tests skip, saying so, when that
//! setup is missing; under `CI=true` they are required.

use std::path::{Path, PathBuf};

use docker_client::models::ContainerCreateConfig;
use docker_client::{AttachOptions, Client, RemoveContainerOptions, WaitCondition};

use crate::flavours::{both, Named, TestFlavour};

fn engine_dir() -> PathBuf {
    std::env::var_os("DKR_ENGINE_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| "/tmp/dkr".into())
}

/// `$DKR_ENGINE_DIR/what`, when `engine up` made it; `None` (skipping) outside CI.
fn setup(what: &str, marker: &str) -> Option<PathBuf> {
    let dir = engine_dir().join(what);
    if dir.join(marker).exists() {
        return Some(dir);
    }
    let hint = format!(
        "no {what} setup in {} (run `cargo xtask engine up --tls --ssh`)",
        engine_dir().display()
    );
    if std::env::var("CI").is_ok_and(|v| v == "true") {
        panic!("CI requires the live {what} engine: {hint}");
    }
    eprintln!("skipping live {what} test: {hint}");
    None
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap().trim().to_owned()
}

/// A client of the TLS listener, verified, with the client certificate of `engine up`.
#[cfg(feature = "tls")]
fn tls_client<F: docker_client::Flavour>(dir: &Path) -> Client<F> {
    let certs = dir.join("client");
    Client::<F>::builder()
        .host(&read(&dir.join("host")))
        .tls_verify()
        .tls_ca_file(certs.join("ca.pem"))
        .tls_cert_file(certs.join("cert.pem"))
        .tls_key_file(certs.join("key.pem"))
        .build()
        .unwrap()
}

/// A client over `ssh://root@127.0.0.1:PORT`, with the key and host key of `engine up`.
fn ssh_client<F: docker_client::Flavour>(dir: &Path) -> Client<F> {
    let host = format!("ssh://root@127.0.0.1:{}", read(&dir.join("port")));
    Client::<F>::builder()
        .host(&host)
        .ssh_option(&format!(
            "IdentityFile={}",
            dir.join("id_ed25519").display()
        ))
        .ssh_option("IdentitiesOnly=yes")
        .ssh_option(&format!(
            "UserKnownHostsFile={}",
            dir.join("known_hosts").display()
        ))
        .ssh_option("StrictHostKeyChecking=yes")
        .build()
        .unwrap()
}

fn unique(prefix: &str) -> String {
    use std::sync::atomic::{AtomicUsize, Ordering};
    static N: AtomicUsize = AtomicUsize::new(0);
    format!(
        "dkr-remote-{prefix}-{}-{}",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed)
    )
}

/// Removes the container when dropped, whatever happened.
struct Cleanup<'a, F: TestFlavour>(&'a Client<F>, String);

impl<F: TestFlavour> Drop for Cleanup<'_, F> {
    fn drop(&mut self) {
        let options = RemoveContainerOptions::default().force(true);
        let _ = F::resolve(self.0.remove_container(&self.1, options));
    }
}

/// Pings, reads the version and inspects a container on one client, then attaches to a
/// `cat` container: what is written to its standard input comes back, and closing the
/// input ends the session and the container.
fn requests_and_attach<F: TestFlavour>(api: &Client<F>, over: &str) {
    for _ in 0..3 {
        F::resolve(api.ping()).unwrap();
    }
    let version = F::resolve(api.version()).unwrap();
    assert!(!version.api_version.is_empty(), "{over} {}", api.name());
    let config = ContainerCreateConfig {
        image: "bb:latest".into(),
        cmd: vec!["sh".into(), "-c".into(), "cat; echo done".into()],
        labels: [("dkr-it".to_owned(), "1".to_owned())].into(),
        open_stdin: true,
        stdin_once: true,
        attach_stdin: true,
        ..Default::default()
    };
    let name = unique(F::NAME);
    let id = F::resolve(api.create_container(Some(&name), &config))
        .unwrap()
        .id;
    let _guard = Cleanup(api, id.clone());
    F::resolve(api.start_container(&id)).unwrap();
    let inspected = F::resolve(api.inspect_container(&id)).unwrap();
    assert_eq!(inspected.name, format!("/{name}"));
    let mut session = F::resolve(api.attach_container(&id, AttachOptions::default().stdin(true)))
        .unwrap_or_else(|e| panic!("attach over {over} ({}): {e}", api.name()));
    F::resolve(session.write_stdin(b"over the upgraded connection\n")).unwrap();
    F::resolve(session.close_stdin()).unwrap();
    let out = F::resolve(session.collect_output()).unwrap();
    assert_eq!(
        String::from_utf8_lossy(&out),
        "over the upgraded connection\ndone\n",
        "attach over {over} ({})",
        api.name()
    );
    let waited = F::resolve(api.wait_container(&id, WaitCondition::NotRunning)).unwrap();
    assert_eq!(waited.status_code, 0, "{over} {}", api.name());
    // The pooled connection still serves requests after the session.
    F::resolve(api.ping()).unwrap();
}

#[cfg(feature = "tls")]
#[test]
fn tls_live_requests_and_an_attach_session_in_both_flavours() {
    let Some(dir) = setup("tls", "host") else {
        return;
    };
    both!(tls_client(&dir), |api| {
        requests_and_attach(&api, "TLS");
    });
}

#[test]
fn ssh_live_requests_and_an_attach_session_in_both_flavours() {
    let Some(dir) = setup("ssh", "port") else {
        return;
    };
    both!(ssh_client(&dir), |api| {
        requests_and_attach(&api, "ssh");
    });
}
