//! A private image registry for the `login`, `push` and `pull` tests: Debian's
//! `docker-registry` on 127.0.0.1 with htpasswd (bcrypt) users, its storage in a temporary
//! directory. The engine talks plain HTTP to it: dockerd treats 127.0.0.0/8 as an insecure
//! registry by default.
//!
//! Without `docker-registry` and `htpasswd` (packages `docker-registry` and
//! `apache2-utils`) the tests skip and say so, except under CI (`CI=true`), where they fail.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub(crate) struct Registry {
    child: Child,
    dir: PathBuf,
    /// `127.0.0.1:PORT`.
    pub(crate) addr: String,
}

fn find(program: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH").unwrap_or_default();
    let dirs = std::env::split_paths(&path).chain(["/usr/bin".into(), "/usr/sbin".into()]);
    dirs.map(|d: PathBuf| d.join(program)).find(|p| p.is_file())
}

fn skip_or_fail(why: &str) -> Option<Registry> {
    if std::env::var("CI").is_ok_and(|v| v == "true") {
        panic!("CI requires a registry for the login, push and pull tests: {why}");
    }
    eprintln!(
        "skipping registry test: {why}; install the docker-registry and apache2-utils packages"
    );
    None
}

impl Registry {
    /// Starts a registry whose only user is `user` with `password`; `None` (outside CI)
    /// when the programs are missing.
    pub(crate) fn start(user: &str, password: &str) -> Option<Registry> {
        let Some(registry) = find("docker-registry") else {
            return skip_or_fail("no docker-registry program");
        };
        let Some(htpasswd) = find("htpasswd") else {
            return skip_or_fail("no htpasswd program");
        };
        let dir = std::env::temp_dir().join(format!("dkr-cli-registry-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join("data")).expect("registry directory");
        // -i: the password on standard input, not on a command line.
        let mut child = Command::new(&htpasswd)
            .args(["-Bin", user])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .expect("htpasswd runs");
        child
            .stdin
            .take()
            .expect("stdin")
            .write_all(password.as_bytes())
            .expect("htpasswd input");
        let out = child.wait_with_output().expect("htpasswd ends");
        assert!(out.status.success(), "htpasswd: {:?}", out.status);
        std::fs::write(dir.join("htpasswd"), out.stdout).expect("htpasswd file");
        let port = TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("a free port")
            .port();
        let addr = format!("127.0.0.1:{port}");
        let config = format!(
            "version: 0.1\n\
             log:\n  level: warn\n  accesslog:\n    disabled: true\n\
             storage:\n  filesystem:\n    rootdirectory: {data}\n\
             http:\n  addr: {addr}\n  secret: dkr-cli-it\n\
             auth:\n  htpasswd:\n    realm: dkr-cli-it\n    path: {htpasswd}\n",
            data = dir.join("data").display(),
            htpasswd = dir.join("htpasswd").display(),
        );
        std::fs::write(dir.join("config.yml"), config).expect("registry config");
        let log = std::fs::File::create(dir.join("registry.log")).expect("registry log");
        let child = Command::new(&registry)
            .arg("serve")
            .arg(dir.join("config.yml"))
            .stdin(Stdio::null())
            .stdout(log.try_clone().expect("log"))
            .stderr(log)
            .spawn()
            .expect("docker-registry starts");
        let mut registry = Registry { child, dir, addr };
        registry.wait_ready();
        Some(registry)
    }

    /// Waits until `GET /v2/` asks for credentials.
    fn wait_ready(&mut self) {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            if let Some(status) = self.child.try_wait().expect("try_wait") {
                panic!("docker-registry exited ({status}): {}", self.log());
            }
            if let Ok(mut conn) = TcpStream::connect(&self.addr) {
                let _ = conn.set_read_timeout(Some(Duration::from_secs(2)));
                let request = format!(
                    "GET /v2/ HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n\r\n",
                    self.addr
                );
                let mut answer = String::new();
                if conn.write_all(request.as_bytes()).is_ok()
                    && conn.read_to_string(&mut answer).is_ok()
                    && answer.starts_with("HTTP/1.1 401")
                {
                    return;
                }
            }
            assert!(
                Instant::now() < deadline,
                "docker-registry did not answer on {}: {}",
                self.addr,
                self.log()
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    pub(crate) fn log(&self) -> String {
        std::fs::read_to_string(self.dir.join("registry.log")).unwrap_or_default()
    }
}

impl Drop for Registry {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}
