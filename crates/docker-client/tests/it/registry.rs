//! A private image registry for the pull, push and login tests: Debian's `docker-registry`
//! (distribution 2.8) on 127.0.0.1 with htpasswd (bcrypt) users, its storage in a
//! temporary directory. The engine talks plain HTTP to it: dockerd treats 127.0.0.0/8 as
//! an insecure registry by default.
//!
//! Without `docker-registry` and `htpasswd` (packages `docker-registry` and
//! `apache2-utils`) the tests skip and say so, except under CI (`CI=true`), where they fail.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
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
        panic!("CI requires a registry for the pull, push and login tests: {why}");
    }
    eprintln!(
        "skipping registry test: {why}; install the docker-registry and apache2-utils packages"
    );
    None
}

impl Registry {
    /// Starts a registry whose users are `users` (name, password); `None` (outside CI)
    /// when the programs are missing.
    pub(crate) fn start(users: &[(&str, &str)]) -> Option<Registry> {
        let Some(registry) = find("docker-registry") else {
            return skip_or_fail("no docker-registry program");
        };
        let Some(htpasswd) = find("htpasswd") else {
            return skip_or_fail("no htpasswd program");
        };
        let dir = std::env::temp_dir().join(format!(
            "dkr-registry-{}-{}",
            std::process::id(),
            crate::images_live::unique("r")
        ));
        std::fs::create_dir_all(dir.join("data")).unwrap();
        let mut passwords = String::new();
        for (user, password) in users {
            let out = Command::new(&htpasswd)
                .args(["-Bbn", user, password])
                .output()
                .expect("htpasswd runs");
            assert!(out.status.success(), "htpasswd: {out:?}");
            passwords.push_str(String::from_utf8(out.stdout).unwrap().trim());
            passwords.push('\n');
        }
        std::fs::write(dir.join("htpasswd"), passwords).unwrap();
        let port = free_port();
        let addr = format!("127.0.0.1:{port}");
        let config = format!(
            "version: 0.1\n\
             log:\n  level: warn\n  accesslog:\n    disabled: true\n\
             storage:\n  filesystem:\n    rootdirectory: {data}\n  delete:\n    enabled: true\n\
             http:\n  addr: {addr}\n  secret: dkr-it-secret\n\
             auth:\n  htpasswd:\n    realm: dkr-it\n    path: {htpasswd}\n",
            data = dir.join("data").display(),
            htpasswd = dir.join("htpasswd").display(),
        );
        std::fs::write(dir.join("config.yml"), config).unwrap();
        let log = std::fs::File::create(dir.join("registry.log")).unwrap();
        let child = Command::new(&registry)
            .arg("serve")
            .arg(dir.join("config.yml"))
            .stdin(Stdio::null())
            .stdout(log.try_clone().unwrap())
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
            if let Some(status) = self.child.try_wait().unwrap() {
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

    /// The registry's temporary directory (removed with it).
    pub(crate) fn dir(&self) -> &Path {
        &self.dir
    }
}

impl Drop for Registry {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

fn free_port() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    listener.local_addr().unwrap().port()
}
