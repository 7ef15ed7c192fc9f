//! TLS and ssh against the private engine of `cargo xtask engine up --tls --ssh`, whose
//! certificates, keys and ports are in its directory (`$DKR_ENGINE_DIR`, default
//! `/tmp/dkr`). Outside CI these tests skip, saying so, when that setup is missing; under
//! `CI=true` they are required.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use docker_transport::blocking::Transport;
use docker_transport::{Config, Endpoint, Error, Method, Request, SshConfig, TlsProblem};

fn engine_dir() -> PathBuf {
    std::env::var_os("DKR_ENGINE_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| "/tmp/dkr".into())
}

/// `dir/what`, when the setup exists; `None` (skipping) outside CI.
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

#[cfg(feature = "tls")]
mod tls {
    use super::*;
    use docker_transport::{CertificateItem, Pem, Tls, TlsOptions};

    fn tls_config(dir: &Path, options: &TlsOptions) -> Result<Config, Error> {
        let mut config = Config::new(Endpoint::parse_tls(&read(&dir.join("host")))?);
        config.tls = Some(Tls::new(options)?);
        Ok(config)
    }

    fn client(dir: &Path) -> TlsOptions {
        TlsOptions::verified_from_dir(&dir.join("client"))
    }

    fn ping(config: Config) -> Result<Vec<u8>, Error> {
        Transport::new(config)
            .send(Request::new(Method::Get, "/_ping"))?
            .bytes()
    }

    fn problem(err: &Error) -> Option<TlsProblem> {
        match err {
            Error::Tls { problem, .. } => Some(*problem),
            _ => None,
        }
    }

    #[test]
    fn tls_live_good_certificates_reach_the_engine_over_one_kept_connection() {
        let Some(dir) = setup("tls", "host") else {
            return;
        };
        let transport = Transport::new(tls_config(&dir, &client(&dir)).unwrap());
        for _ in 0..3 {
            let res = transport.send(Request::new(Method::Get, "/_ping")).unwrap();
            assert_eq!(res.status(), 200);
            assert_eq!(res.bytes().unwrap(), b"OK");
        }
        let version = transport
            .send(Request::new(Method::Get, "/version"))
            .unwrap();
        let body = String::from_utf8(version.bytes().unwrap()).unwrap();
        assert!(body.contains("\"ApiVersion\""), "{body}");
    }

    #[tokio::test]
    async fn tls_live_good_certificates_reach_the_engine_in_tokio() {
        let Some(dir) = setup("tls", "host") else {
            return;
        };
        let transport =
            docker_transport::tokio::Transport::new(tls_config(&dir, &client(&dir)).unwrap());
        for _ in 0..3 {
            let res = transport
                .send(Request::new(Method::Get, "/_ping"))
                .await
                .unwrap();
            assert_eq!(res.bytes().await.unwrap(), b"OK");
        }
    }

    #[test]
    fn tls_live_a_wrong_ca_is_an_unknown_issuer_naming_the_endpoint() {
        let Some(dir) = setup("tls", "host") else {
            return;
        };
        let options = TlsOptions {
            ca: Some(Pem::File(dir.join("wrong-ca.pem"))),
            ..client(&dir)
        };
        let err = ping(tls_config(&dir, &options).unwrap()).unwrap_err();
        assert_eq!(problem(&err), Some(TlsProblem::UnknownIssuer), "{err:?}");
        let msg = err.to_string();
        assert!(
            msg.contains(&read(&dir.join("host")).replace("tcp://", "")),
            "{msg}"
        );
        assert!(msg.contains("unknown authority"), "{msg}");
    }

    #[tokio::test]
    async fn tls_live_a_wrong_ca_is_an_unknown_issuer_in_tokio() {
        let Some(dir) = setup("tls", "host") else {
            return;
        };
        let options = TlsOptions {
            ca: Some(Pem::File(dir.join("wrong-ca.pem"))),
            ..client(&dir)
        };
        let transport =
            docker_transport::tokio::Transport::new(tls_config(&dir, &options).unwrap());
        let err = transport
            .send(Request::new(Method::Get, "/_ping"))
            .await
            .unwrap_err();
        assert_eq!(problem(&err), Some(TlsProblem::UnknownIssuer), "{err:?}");
    }

    #[test]
    fn tls_live_an_expired_client_certificate_is_refused_by_the_engine() {
        let Some(dir) = setup("tls", "host") else {
            return;
        };
        let options = TlsOptions {
            cert: Some(Pem::File(dir.join("expired/cert.pem"))),
            key: Some(Pem::File(dir.join("expired/key.pem"))),
            ..client(&dir)
        };
        let err = ping(tls_config(&dir, &options).unwrap()).unwrap_err();
        assert_eq!(
            problem(&err),
            Some(TlsProblem::ClientCertificateRejected),
            "{err:?}"
        );
        assert!(
            err.to_string().contains("refused the client certificate"),
            "{err}"
        );
    }

    #[test]
    fn tls_live_an_expired_server_certificate_is_expired() {
        let Some(dir) = setup("tls", "host") else {
            return;
        };
        // openssl's test server, with the expired certificate, on a free loopback port.
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let mut server = std::process::Command::new("openssl")
            .args(["s_server", "-quiet", "-www", "-accept"])
            .arg(format!("127.0.0.1:{port}"))
            .arg("-cert")
            .arg(dir.join("expired-server/cert.pem"))
            .arg("-key")
            .arg(dir.join("expired-server/key.pem"))
            .stdin(std::process::Stdio::null())
            .stdout(std::process::Stdio::null())
            .spawn()
            .expect("openssl s_server");
        let deadline = Instant::now() + Duration::from_secs(10);
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(Instant::now() < deadline, "openssl s_server did not listen");
            std::thread::sleep(Duration::from_millis(20));
        }
        let mut config = Config::new(Endpoint::Tls {
            host: "127.0.0.1".into(),
            port,
        });
        config.tls = Some(Tls::new(&TlsOptions::verified_from_dir(&dir.join("client"))).unwrap());
        let err = ping(config).unwrap_err();
        let _ = server.kill();
        let _ = server.wait();
        assert_eq!(problem(&err), Some(TlsProblem::Expired), "{err:?}");
        assert!(err.to_string().contains("expired"), "{err}");
    }

    #[test]
    fn tls_live_a_client_without_a_certificate_is_told_one_is_required() {
        let Some(dir) = setup("tls", "host") else {
            return;
        };
        let options = TlsOptions {
            ca: Some(Pem::File(dir.join("client/ca.pem"))),
            ..TlsOptions::default()
        };
        let err = ping(tls_config(&dir, &options).unwrap()).unwrap_err();
        assert_eq!(
            problem(&err),
            Some(TlsProblem::ClientCertificateRequired),
            "{err:?}"
        );
        assert!(err.to_string().contains("--tlscert"), "{err}");
    }

    #[test]
    fn tls_a_missing_key_file_is_named() {
        let dir = std::env::temp_dir();
        let missing = dir.join("dkr-no-such-key.pem");
        let options = TlsOptions {
            ca: Some(Pem::Memory(b"unused".to_vec())),
            cert: Some(Pem::File(missing.clone())),
            key: Some(Pem::File(missing.clone())),
            insecure_skip_verify: true,
            server_name: None,
        };
        let err = Tls::new(&options).unwrap_err();
        assert!(
            matches!(&err, Error::Certificate { path: Some(p), item: CertificateItem::ClientCertificate, .. } if *p == missing),
            "{err:?}"
        );
        assert!(
            err.to_string().contains(&missing.display().to_string()),
            "{err}"
        );
        let no_key = TlsOptions {
            cert: Some(Pem::Memory(Vec::new())),
            key: None,
            ..options
        };
        assert!(matches!(
            Tls::new(&no_key),
            Err(Error::Certificate {
                item: CertificateItem::ClientKey,
                ..
            })
        ));
    }

    #[test]
    fn tls_live_a_missing_key_file_next_to_a_good_certificate_is_named() {
        let Some(dir) = setup("tls", "host") else {
            return;
        };
        let missing = dir.join("client/no-such-key.pem");
        let options = TlsOptions {
            key: Some(Pem::File(missing.clone())),
            ..client(&dir)
        };
        let err = tls_config(&dir, &options).unwrap_err();
        assert!(
            matches!(&err, Error::Certificate { path: Some(p), item: CertificateItem::ClientKey, .. } if *p == missing),
            "{err:?}"
        );
        let msg = err.to_string();
        assert!(msg.contains("client key"), "{msg}");
        assert!(msg.contains(&missing.display().to_string()), "{msg}");
    }

    #[test]
    fn tls_live_plain_http_to_the_tls_port_fails_fast_saying_so() {
        let Some(dir) = setup("tls", "host") else {
            return;
        };
        let started = Instant::now();
        let err = ping(Config::new(
            Endpoint::parse(&read(&dir.join("host"))).unwrap(),
        ))
        .unwrap_err();
        assert_eq!(
            problem(&err),
            Some(TlsProblem::ServerRequiresTls),
            "{err:?}"
        );
        assert!(err.to_string().contains("speaks TLS"), "{err}");
        assert!(started.elapsed() < Duration::from_secs(5));
    }

    #[test]
    fn tls_to_a_plain_http_port_fails_fast_saying_so() {
        // A plain HTTP server answers the ClientHello as Go's does: 400 and close.
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let server = std::thread::spawn(move || {
            use std::io::{Read, Write};
            let (mut conn, _) = listener.accept().unwrap();
            let mut buf = [0u8; 1024];
            let _ = conn.read(&mut buf);
            let _ = conn.write_all(b"HTTP/1.1 400 Bad Request\r\nContent-Type: text/plain; charset=utf-8\r\nConnection: close\r\n\r\n400 Bad Request");
        });
        let mut config = Config::new(Endpoint::Tls {
            host: "127.0.0.1".into(),
            port,
        });
        let options = TlsOptions {
            insecure_skip_verify: true,
            ..TlsOptions::default()
        };
        config.tls = Some(Tls::new(&options).unwrap());
        let err = ping(config).unwrap_err();
        server.join().unwrap();
        assert_eq!(problem(&err), Some(TlsProblem::NotTls), "{err:?}");
        assert!(err.to_string().contains("does not speak TLS"), "{err}");
    }

    #[test]
    fn tls_endpoint_without_settings_sends_nothing_in_plain_text() {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let err = ping(Config::new(Endpoint::Tls {
            host: "127.0.0.1".into(),
            port,
        }))
        .unwrap_err();
        assert!(matches!(err, Error::Unsupported { .. }), "{err:?}");
        listener.set_nonblocking(true).unwrap();
        assert!(listener.accept().is_err(), "nothing may even connect");
    }
}

mod ssh {
    use super::*;

    struct Ssh {
        dir: PathBuf,
        port: u16,
    }

    fn ssh_setup() -> Option<Ssh> {
        let dir = setup("ssh", "port")?;
        let port = read(&dir.join("port")).parse().unwrap();
        Some(Ssh { dir, port })
    }

    impl Ssh {
        fn config(&self, port: u16, key: &str, known_hosts: &Path, program: &Path) -> Config {
            let endpoint = Endpoint::parse(&format!("ssh://root@127.0.0.1:{port}")).unwrap();
            let mut config = Config::new(endpoint);
            config.timeouts.connect = Some(Duration::from_secs(3));
            config.ssh = SshConfig {
                program: program.into(),
                options: vec![
                    format!("IdentityFile={}", self.dir.join(key).display()),
                    "IdentitiesOnly=yes".into(),
                    format!("UserKnownHostsFile={}", known_hosts.display()),
                    "StrictHostKeyChecking=yes".into(),
                ],
            };
            config
        }

        fn good(&self, program: &Path) -> Config {
            self.config(
                self.port,
                "id_ed25519",
                &self.dir.join("known_hosts"),
                program,
            )
        }
    }

    /// An ssh under a name of its own, so that its processes (zombies included, whose
    /// `comm` stays) are told apart from other tests'.
    fn named_ssh(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("dkr-ssh-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let link = dir.join(name);
        let _ = std::fs::remove_file(&link);
        let ssh = std::env::split_paths(&std::env::var_os("PATH").unwrap())
            .map(|d| d.join("ssh"))
            .find(|p| p.exists())
            .expect("ssh on PATH");
        std::os::unix::fs::symlink(ssh, &link).unwrap();
        link
    }

    /// Our children named `name`: (alive, zombies).
    fn children(name: &str) -> (usize, usize) {
        let me = std::process::id().to_string();
        let (mut alive, mut zombies) = (0, 0);
        for entry in std::fs::read_dir("/proc").unwrap().flatten() {
            let Ok(stat) = std::fs::read_to_string(entry.path().join("stat")) else {
                continue;
            };
            let Some((comm, rest)) = stat.split_once(") ") else {
                continue;
            };
            let comm = comm.split_once(" (").map(|(_, c)| c).unwrap_or("");
            let mut fields = rest.split(' ');
            let state = fields.next().unwrap_or("");
            let ppid = fields.next().unwrap_or("");
            if ppid == me && comm == name {
                match state {
                    "Z" => zombies += 1,
                    _ => alive += 1,
                }
            }
        }
        (alive, zombies)
    }

    #[test]
    fn ssh_live_reaches_the_engine_and_reaps_every_ssh_process() {
        let Some(ssh) = ssh_setup() else {
            return;
        };
        let name = "dkrssh-reap";
        let transport = Transport::new(ssh.good(&named_ssh(name)));
        for _ in 0..3 {
            let res = transport.send(Request::new(Method::Get, "/_ping")).unwrap();
            assert_eq!(res.bytes().unwrap(), b"OK");
        }
        // Two connections at once: two ssh processes.
        let a = transport
            .send(Request::new(Method::Get, "/version"))
            .unwrap();
        let b = transport.send(Request::new(Method::Get, "/info")).unwrap();
        assert_eq!(children(name).0, 2, "one ssh per connection");
        assert!(String::from_utf8(a.bytes().unwrap())
            .unwrap()
            .contains("ApiVersion"));
        assert!(b.bytes().unwrap().starts_with(b"{"));
        drop(transport);
        assert_eq!(
            children(name),
            (0, 0),
            "every ssh is reaped with its connection"
        );
    }

    #[tokio::test]
    async fn ssh_live_reaches_the_engine_in_tokio() {
        let Some(ssh) = ssh_setup() else {
            return;
        };
        let name = "dkrssh-tokio";
        let transport = docker_transport::tokio::Transport::new(ssh.good(&named_ssh(name)));
        for _ in 0..3 {
            let res = transport
                .send(Request::new(Method::Get, "/_ping"))
                .await
                .unwrap();
            assert_eq!(res.bytes().await.unwrap(), b"OK");
        }
        drop(transport);
        assert_eq!(children(name), (0, 0));
    }

    fn failure(config: Config) -> (String, Duration) {
        let started = Instant::now();
        let err = Transport::new(config)
            .send(Request::new(Method::Get, "/_ping"))
            .unwrap_err();
        let took = started.elapsed();
        assert!(matches!(err, Error::Ssh { .. }), "{err:?}");
        assert!(err.is_connect());
        (err.to_string(), took)
    }

    #[tokio::test]
    async fn ssh_live_failures_are_as_clear_in_tokio() {
        let Some(ssh) = ssh_setup() else {
            return;
        };
        let started = Instant::now();
        let config = ssh.config(
            ssh.port,
            "id_ed25519",
            Path::new("/dev/null"),
            Path::new("ssh"),
        );
        let err = docker_transport::tokio::Transport::new(config)
            .send(Request::new(Method::Get, "/_ping"))
            .await
            .unwrap_err();
        assert!(matches!(err, Error::Ssh { .. }), "{err:?}");
        let msg = err.to_string();
        assert!(msg.contains("Host key verification failed"), "{msg}");
        assert!(started.elapsed() < Duration::from_secs(3));
    }

    #[test]
    fn ssh_live_a_closed_port_fails_within_the_connect_timeout() {
        let Some(ssh) = ssh_setup() else {
            return;
        };
        let closed = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let (msg, took) = failure(ssh.config(
            closed,
            "id_ed25519",
            &ssh.dir.join("known_hosts"),
            Path::new("ssh"),
        ));
        assert!(msg.contains("Connection refused"), "{msg}");
        assert!(
            msg.contains(&format!("ssh://root@127.0.0.1:{closed}")),
            "{msg}"
        );
        assert!(took < Duration::from_secs(3), "{took:?}");
    }

    #[test]
    fn ssh_live_a_server_that_never_answers_fails_when_the_connect_timeout_expires() {
        let Some(ssh) = ssh_setup() else {
            return;
        };
        // It accepts connections (the kernel does, from its backlog) and says nothing.
        let silent = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = silent.local_addr().unwrap().port();
        let mut config = ssh.config(
            port,
            "id_ed25519",
            &ssh.dir.join("known_hosts"),
            Path::new("ssh"),
        );
        config.timeouts.connect = Some(Duration::from_secs(1));
        let (msg, took) = failure(config);
        assert!(msg.contains("timed out"), "{msg}");
        assert!(
            msg.contains(&format!("ssh://root@127.0.0.1:{port}")),
            "{msg}"
        );
        assert!(took < Duration::from_secs(4), "{took:?}");
    }

    #[test]
    fn ssh_live_a_wrong_key_fails_clearly_and_fast() {
        let Some(ssh) = ssh_setup() else {
            return;
        };
        let (msg, took) = failure(ssh.config(
            ssh.port,
            "wrong_key",
            &ssh.dir.join("known_hosts"),
            Path::new("ssh"),
        ));
        assert!(msg.contains("Permission denied"), "{msg}");
        assert!(took < Duration::from_secs(3), "{took:?}");
    }

    #[test]
    fn ssh_live_an_unknown_host_key_fails_clearly_and_fast() {
        let Some(ssh) = ssh_setup() else {
            return;
        };
        let (msg, took) = failure(ssh.config(
            ssh.port,
            "id_ed25519",
            Path::new("/dev/null"),
            Path::new("ssh"),
        ));
        assert!(msg.contains("Host key verification failed"), "{msg}");
        assert!(took < Duration::from_secs(3), "{took:?}");
    }
}
