//! `cargo xtask engine up|down|status`: a private container engine for live tests.
//!
//! `up` starts a `dockerd` (or `podman system service`) of its own, listening on a
//! socket in a short directory, detached so it outlives this process, and makes
//! sure it holds a tiny `bb:latest` image built from the host's static busybox.
//! Its only stdout line is `DOCKER_HOST=unix://…`, so a shell can take it with
//! `export "$(cargo xtask engine up)"`. Everything else goes to stderr.
//!
//! All state lives in one directory (`/tmp/dkr` for docker, `/tmp/dkrp` for
//! podman). `down` stops the engine and what it spawned; the data root stays, so
//! the next `up` is fast. `down --purge` removes the directory.

use std::fs::{self, OpenOptions};
use std::io;
use std::os::unix::fs::{symlink, MetadataExt, PermissionsExt};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitCode, Stdio};
use std::thread::sleep;
use std::time::{Duration, Instant};

use crate::engine_remote::{SshSetup, TlsSetup};
use crate::http;

pub(crate) const USAGE: &str = "\
Usage: cargo xtask engine <up|down|status> [--engine docker|podman] [--tls] [--ssh] [--purge]

  up      start a private engine (installing it with apt-get when root and
          missing), wait until it answers, make sure image bb:latest exists,
          then print one line on stdout: DOCKER_HOST=unix://<dir>/<socket>
          Does nothing but the image check when the engine already answers.
  down    stop the engine and whatever it spawned; nothing running is fine.
          --purge also removes the engine directory: for docker that is its
          images, containers and log; podman keeps images in its own storage.
  status  print whether the engine answers, its DOCKER_HOST and version;
          exit code 0 when it answers, 1 when not.

  --tls   (docker, with up) also listen on a free 127.0.0.1 port with
          --tlsverify, with certificates made by openssl in <dir>/tls (the
          client's DOCKER_CERT_PATH is <dir>/tls/client, the address is in
          <dir>/tls/host). Later `up`s keep the listener. An engine already
          running without it must be stopped first.
  --ssh   (docker, with up) also start an sshd of its own on a free
          127.0.0.1 port, with keys made by ssh-keygen in <dir>/ssh; its
          sessions get DOCKER_HOST of the engine. `down` stops it.

  --engine docker (default)
          dockerd with vfs storage, no bridge, no iptables.
          Directory /tmp/dkr, or $DKR_ENGINE_DIR. Socket docker.sock, log dockerd.log.
  --engine podman
          podman system service. Directory /tmp/dkrp, or $DKR_PODMAN_DIR.
          Socket podman.sock, log podman.log.

Typical use:
  export \"$(cargo xtask engine up)\"
  cargo test --workspace --all-features
  cargo xtask engine down
";

/// How long `up` waits for `/_ping` to answer while the engine is alive. A data root
/// with many stale containers keeps dockerd busy for a minute before it listens.
const READY_TIMEOUT: Duration = Duration::from_secs(180);
/// How long `down` waits after SIGTERM before it sends SIGKILL.
const STOP_TIMEOUT: Duration = Duration::from_secs(20);
/// The same for processes that outlived their engine, which had its chance.
const LEFTOVER_TIMEOUT: Duration = Duration::from_secs(3);
/// `sun_path` is 108 bytes including the terminating NUL.
const MAX_SOCKET_PATH: usize = 107;

/// The test image: `repo:tag` as imported, and the busybox applets it links.
const IMAGE_REPO: &str = "bb";
const IMAGE_TAG: &str = "latest";
const APPLETS: &[&str] = &[
    "sh", "sleep", "echo", "cat", "ls", "top", "ps", "touch", "rm", "mkdir", "true", "false",
    "env", "yes", "head", "tail", "dd", "wc", "printf", "id", "hostname", "kill", "seq", "date",
    "tr", "sed", "grep", "uname",
];
const BUSYBOX: &str = "/bin/busybox";

pub(crate) fn run(args: &[String]) -> Result<ExitCode, String> {
    let mut command = None;
    let mut kind = Kind::Docker;
    let mut purge = false;
    let mut tls = false;
    let mut ssh = false;
    let mut args = args.iter().map(String::as_str);
    while let Some(arg) = args.next() {
        match arg {
            "-h" | "--help" | "help" => {
                print!("{USAGE}");
                return Ok(ExitCode::SUCCESS);
            }
            "--engine" => kind = Kind::parse(args.next().unwrap_or(""))?,
            "--purge" => purge = true,
            "--tls" => tls = true,
            "--ssh" => ssh = true,
            _ if arg.starts_with("--engine=") => kind = Kind::parse(&arg["--engine=".len()..])?,
            "up" | "down" | "status" if command.is_none() => command = Some(arg),
            _ => return Err(format!("unexpected argument `{arg}`\n\n{USAGE}")),
        }
    }
    if purge && command != Some("down") {
        return Err("--purge only goes with `down`".to_owned());
    }

    if (tls || ssh) && (command != Some("up") || kind != Kind::Docker) {
        return Err("--tls and --ssh go with `up` of the docker engine".to_owned());
    }

    let engine = Engine::new(kind)?;
    match command {
        Some("up") => engine.up(tls, ssh).map(|()| ExitCode::SUCCESS),
        Some("down") => engine.down(purge).map(|()| ExitCode::SUCCESS),
        Some("status") => Ok(engine.status()),
        _ => Err(format!("missing subcommand\n\n{USAGE}")),
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Docker,
    Podman,
}

impl Kind {
    fn parse(name: &str) -> Result<Kind, String> {
        match name {
            "docker" => Ok(Kind::Docker),
            "podman" => Ok(Kind::Podman),
            _ => Err(format!(
                "unknown engine `{name}`: expected docker or podman"
            )),
        }
    }
}

/// One engine and the directory that holds all of its state.
struct Engine {
    kind: Kind,
    dir: PathBuf,
}

impl Engine {
    fn new(kind: Kind) -> Result<Engine, String> {
        let (var, default) = match kind {
            Kind::Docker => ("DKR_ENGINE_DIR", "/tmp/dkr"),
            Kind::Podman => ("DKR_PODMAN_DIR", "/tmp/dkrp"),
        };
        let dir = std::env::var_os(var).map_or_else(|| PathBuf::from(default), PathBuf::from);
        let dir = std::path::absolute(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        let engine = Engine { kind, dir };
        let len = engine.socket().as_os_str().len();
        if len > MAX_SOCKET_PATH {
            return Err(format!(
                "socket path {} is {len} bytes, over the {MAX_SOCKET_PATH}-byte limit; \
                 set {var} to a shorter directory",
                engine.socket().display()
            ));
        }
        Ok(engine)
    }

    fn name(&self) -> &'static str {
        match self.kind {
            Kind::Docker => "dockerd",
            Kind::Podman => "podman",
        }
    }

    fn socket(&self) -> PathBuf {
        self.dir.join(match self.kind {
            Kind::Docker => "docker.sock",
            Kind::Podman => "podman.sock",
        })
    }

    fn log(&self) -> PathBuf {
        self.dir.join(format!("{}.log", self.name()))
    }

    /// dockerd writes and removes its own pidfile; for podman this tool does.
    fn pidfile(&self) -> PathBuf {
        self.dir.join(match self.kind {
            Kind::Docker => "docker.pid",
            Kind::Podman => "podman.pid",
        })
    }

    fn docker_host(&self) -> String {
        format!("unix://{}", self.socket().display())
    }

    /// Command-line fragments that mark a process as started by this engine:
    /// the engine itself and, for dockerd, the containerd and shims under its exec root.
    fn signatures(&self) -> Vec<String> {
        let dir = self.dir.display();
        match self.kind {
            Kind::Docker => vec![format!("--exec-root {dir}/x "), format!("{dir}/x/")],
            Kind::Podman => vec![format!("service --time=0 {} ", self.docker_host())],
        }
    }

    fn answers(&self) -> bool {
        http::get(&self.socket(), "/_ping", Duration::from_secs(2))
            .is_ok_and(|resp| resp.status == 200)
    }

    fn up(&self, tls: bool, ssh: bool) -> Result<(), String> {
        let started = Instant::now();
        let remote = TlsSetup::new(&self.dir);
        if self.answers() {
            eprintln!(
                "{} already answers on {}",
                self.name(),
                self.socket().display()
            );
            if tls && !remote.exists() {
                return Err(format!(
                    "{} runs without its TLS listener: `cargo xtask engine down`, then `up --tls`",
                    self.name()
                ));
            }
        } else {
            if tls {
                remote.ensure()?;
            }
            ensure_installed(self.kind)?;
            fs::create_dir_all(&self.dir)
                .map_err(|e| format!("cannot create {}: {e}", self.dir.display()))?;
            let mut child = match self.main_pid() {
                Some(pid) => {
                    eprintln!(
                        "{} (pid {pid}) is running but not answering yet",
                        self.name()
                    );
                    None
                }
                None => {
                    // A crashed engine's leftovers would stop the new one from starting.
                    if self.stop()? {
                        eprintln!("cleared what an earlier {} left running", self.name());
                    }
                    Some(self.spawn()?)
                }
            };
            self.wait_ready(child.as_mut())?;
            eprintln!(
                "{} ready on {} after {:.1}s",
                self.name(),
                self.socket().display(),
                started.elapsed().as_secs_f64()
            );
        }
        self.ensure_image()?;
        if ssh {
            SshSetup::new(&self.dir).up(&self.docker_host())?;
        }
        println!("DOCKER_HOST={}", self.docker_host());
        Ok(())
    }

    /// Starts the engine in its own process group with its output in the log,
    /// so it neither dies with this process nor holds this process's pipes open.
    fn spawn(&self) -> Result<Child, String> {
        let dir = &self.dir;
        let mut cmd = match self.kind {
            Kind::Docker => {
                let mut cmd = Command::new(find_program("dockerd").unwrap_or("dockerd".into()));
                cmd.arg("--host")
                    .arg(self.docker_host())
                    .arg("--data-root")
                    .arg(dir.join("root"))
                    .arg("--exec-root")
                    .arg(dir.join("x"))
                    .arg("--pidfile")
                    .arg(self.pidfile())
                    .args(["--iptables=false", "--bridge=none", "--storage-driver=vfs"]);
                let tls = TlsSetup::new(dir);
                if tls.exists() {
                    cmd.args(tls.dockerd_args()?);
                }
                cmd
            }
            Kind::Podman => {
                let mut cmd = Command::new("podman");
                cmd.args(["system", "service", "--time=0"])
                    .arg(self.docker_host());
                cmd
            }
        };
        let log = OpenOptions::new()
            .create(true)
            .append(true)
            .open(self.log())
            .map_err(|e| format!("cannot open {}: {e}", self.log().display()))?;
        let log2 = log.try_clone().map_err(|e| e.to_string())?;
        cmd.stdin(Stdio::null())
            .stdout(log)
            .stderr(log2)
            .process_group(0);
        eprintln!("starting {} (log: {})", self.name(), self.log().display());
        let child = cmd
            .spawn()
            .map_err(|e| format!("cannot start {}: {e}", self.name()))?;
        if self.kind == Kind::Podman {
            fs::write(self.pidfile(), format!("{}\n", child.id()))
                .map_err(|e| format!("cannot write {}: {e}", self.pidfile().display()))?;
        }
        Ok(child)
    }

    /// Polls `/_ping`; gives up early if the engine we started exits.
    fn wait_ready(&self, mut child: Option<&mut Child>) -> Result<(), String> {
        let deadline = Instant::now() + READY_TIMEOUT;
        loop {
            if self.answers() {
                return Ok(());
            }
            if let Some(child) = child.as_deref_mut() {
                if let Ok(Some(status)) = child.try_wait() {
                    return Err(format!(
                        "{} exited ({status}) before answering; end of {}:\n{}",
                        self.name(),
                        self.log().display(),
                        log_tail(&self.log())
                    ));
                }
            }
            if Instant::now() >= deadline {
                let tail = log_tail(&self.log());
                // Leave nothing half-started behind.
                let _ = self.stop();
                return Err(format!(
                    "{} did not answer on {} within {}s; end of {}:\n{tail}",
                    self.name(),
                    self.socket().display(),
                    READY_TIMEOUT.as_secs(),
                    self.log().display()
                ));
            }
            sleep(Duration::from_millis(100));
        }
    }

    fn ensure_image(&self) -> Result<(), String> {
        let path = format!("/images/{IMAGE_REPO}:{IMAGE_TAG}/json");
        let socket = self.socket();
        let status = |what| {
            http::get(&socket, &path, Duration::from_secs(10))
                .map(|resp| resp.status)
                .map_err(|e| format!("{what} {IMAGE_REPO}:{IMAGE_TAG}: {e}"))
        };
        match status("cannot inspect")? {
            200 => {
                eprintln!("image {IMAGE_REPO}:{IMAGE_TAG} present");
                return Ok(());
            }
            404 => {}
            other => {
                return Err(format!(
                    "inspecting {IMAGE_REPO}:{IMAGE_TAG} gave HTTP {other}"
                ))
            }
        }

        let started = Instant::now();
        let tar = self.busybox_tar()?;
        let resp = http::request(
            &socket,
            "POST",
            &format!("/images/create?fromSrc=-&repo={IMAGE_REPO}&tag={IMAGE_TAG}"),
            Some(("application/x-tar", &tar)),
            Duration::from_secs(120),
        )
        .map_err(|e| format!("cannot import {IMAGE_REPO}:{IMAGE_TAG}: {e}"))?;
        let text = resp.text();
        if resp.status != 200 || text.contains("\"error") {
            return Err(format!(
                "import of {IMAGE_REPO}:{IMAGE_TAG} failed (HTTP {}): {}",
                resp.status,
                text.trim()
            ));
        }
        // Trust the inspect, not the progress stream, that the name resolves.
        match status("cannot inspect imported")? {
            200 => {
                eprintln!(
                    "imported {IMAGE_REPO}:{IMAGE_TAG} ({} KiB) in {:.1}s",
                    tar.len() / 1024,
                    started.elapsed().as_secs_f64()
                );
                Ok(())
            }
            other => Err(format!(
                "{IMAGE_REPO}:{IMAGE_TAG} still not inspectable after import (HTTP {other}): {}",
                text.trim()
            )),
        }
    }

    /// A root file system of `bin/busybox`, one symlink per applet and the
    /// usual empty top-level directories, as an uncompressed tar.
    fn busybox_tar(&self) -> Result<Vec<u8>, String> {
        let root = self.dir.join("bbroot");
        let build = || -> io::Result<Vec<u8>> {
            if root.exists() {
                fs::remove_dir_all(&root)?;
            }
            fs::create_dir_all(root.join("bin"))?;
            fs::copy(BUSYBOX, root.join("bin/busybox"))?;
            for applet in APPLETS {
                symlink("busybox", root.join("bin").join(applet))?;
            }
            for dir in ["tmp", "etc", "root", "proc", "sys", "dev"] {
                fs::create_dir(root.join(dir))?;
            }
            fs::set_permissions(root.join("tmp"), fs::Permissions::from_mode(0o1777))?;
            let out = Command::new("tar")
                .arg("-C")
                .arg(&root)
                .args(["--owner=0", "--group=0", "--numeric-owner", "-c", "."])
                .stderr(Stdio::inherit())
                .output()?;
            if !out.status.success() {
                return Err(io::Error::other(format!("tar exited with {}", out.status)));
            }
            Ok(out.stdout)
        };
        let tar =
            build().map_err(|e| format!("cannot build busybox root in {}: {e}", root.display()));
        let _ = fs::remove_dir_all(&root);
        tar
    }

    fn down(&self, purge: bool) -> Result<(), String> {
        if self.kind == Kind::Docker {
            SshSetup::new(&self.dir).down()?;
        }
        if self.stop()? {
            eprintln!("{} stopped", self.name());
        } else {
            eprintln!("{} was not running", self.name());
        }
        if purge {
            self.purge()?;
        }
        Ok(())
    }

    /// Stops the engine, then anything it left behind, and removes pidfiles
    /// that would mislead the next start. Returns whether anything was running.
    fn stop(&self) -> Result<bool, String> {
        let main = self.main_pid();
        if let Some(pid) = main {
            eprintln!("stopping {} (pid {pid})", self.name());
            terminate(&[pid], STOP_TIMEOUT)?;
        }
        // What outlived the engine (containerd, shims and the container
        // processes under them), or an engine whose pidfile is gone.
        let leftovers = with_descendants(processes_matching(&self.signatures()));
        for &pid in &leftovers {
            eprintln!(
                "stopping leftover pid {pid}: {}",
                cmdline(pid).unwrap_or_default().trim()
            );
        }
        terminate(&leftovers, LEFTOVER_TIMEOUT)?;
        // dockerd trusts containerd.pid if `kill(pid, 0)` works, which holds for a
        // zombie or a reused pid and leaves it waiting for a containerd that is gone.
        for stale in self.stale_files() {
            let _ = fs::remove_file(stale);
        }
        Ok(main.is_some() || !leftovers.is_empty())
    }

    fn stale_files(&self) -> Vec<PathBuf> {
        let mut files = vec![self.pidfile()];
        if self.kind == Kind::Docker {
            files.push(self.dir.join("x/containerd/containerd.pid"));
        }
        files
    }

    /// The pid in the pidfile, if that process is alive and really the engine.
    fn main_pid(&self) -> Option<u32> {
        let pid = fs::read_to_string(self.pidfile())
            .ok()?
            .trim()
            .parse()
            .ok()?;
        let line = cmdline(pid)?;
        let ours = self.signatures().iter().any(|s| line.contains(s.as_str()));
        (ours && is_alive(pid)).then_some(pid)
    }

    fn purge(&self) -> Result<(), String> {
        if !self.dir.exists() {
            return Ok(());
        }
        // Refuse to delete a directory this tool did not make.
        if !self.log().exists() {
            return Err(format!(
                "not purging {}: it has no {}, so it does not look like an engine directory",
                self.dir.display(),
                self.log().display()
            ));
        }
        for mount in mounts_under(&self.dir) {
            let _ = Command::new("umount").arg("-R").arg(&mount).status();
        }
        fs::remove_dir_all(&self.dir)
            .map_err(|e| format!("cannot remove {}: {e}", self.dir.display()))?;
        eprintln!("removed {}", self.dir.display());
        Ok(())
    }

    fn status(&self) -> ExitCode {
        if !self.answers() {
            println!(
                "{}: not running (no answer on {})",
                self.name(),
                self.socket().display()
            );
            return ExitCode::FAILURE;
        }
        let version = http::get(&self.socket(), "/version", Duration::from_secs(5))
            .ok()
            .filter(|resp| resp.status == 200)
            .map(|resp| {
                let text = resp.text();
                let field = |key| json_string(&text, key).unwrap_or("?").to_owned();
                format!("{} (API {})", field("Version"), field("ApiVersion"))
            })
            .unwrap_or_else(|| "unknown".to_owned());
        println!("{}: running", self.name());
        println!("DOCKER_HOST={}", self.docker_host());
        println!("version: {version}");
        ExitCode::SUCCESS
    }
}

/// Installs with apt-get what `kind` needs and is missing, when root.
fn ensure_installed(kind: Kind) -> Result<(), String> {
    let mut missing = Vec::new();
    match kind {
        Kind::Docker if find_program("dockerd").is_none() => missing.push("docker.io"),
        Kind::Podman if find_program("podman").is_none() => missing.push("podman"),
        _ => {}
    }
    // A dynamically linked busybox cannot run inside an empty root file system.
    if !is_static_elf(Path::new(BUSYBOX)) {
        missing.push("busybox-static");
    }
    if missing.is_empty() {
        return Ok(());
    }
    let packages = missing.join(" ");
    if !is_root() {
        return Err(format!(
            "missing packages: {packages}; install them with `sudo apt-get install -y {packages}` \
             (or run this as root to have it done)"
        ));
    }
    eprintln!("installing {packages} with apt-get");
    apt_get(&["update"])?;
    let mut install = vec!["install", "-y"];
    install.extend(&missing);
    apt_get(&install)?;
    if !is_static_elf(Path::new(BUSYBOX)) {
        return Err(format!(
            "{BUSYBOX} is still not a static executable after installing"
        ));
    }
    Ok(())
}

fn apt_get(args: &[&str]) -> Result<(), String> {
    // stdout goes to our stderr: our stdout is reserved for the DOCKER_HOST line.
    let status = Command::new("apt-get")
        .args(args)
        .env("DEBIAN_FRONTEND", "noninteractive")
        .stdin(Stdio::null())
        .stdout(io::stderr())
        .status()
        .map_err(|e| format!("cannot run apt-get: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("apt-get {} failed ({status})", args.join(" ")))
    }
}

fn is_root() -> bool {
    fs::metadata("/proc/self").is_ok_and(|m| m.uid() == 0)
}

/// Looks `name` up in `PATH`, then in the sbin directories a non-login PATH may lack.
pub(crate) fn find_program(name: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH").unwrap_or_default();
    std::env::split_paths(&path)
        .chain(["/usr/local/sbin", "/usr/sbin", "/sbin"].map(PathBuf::from))
        .map(|dir| dir.join(name))
        .find(|file| {
            file.metadata()
                .is_ok_and(|m| m.is_file() && m.mode() & 0o111 != 0)
        })
}

/// True for a 64-bit little-endian ELF file with no `PT_INTERP` program header.
fn is_static_elf(path: &Path) -> bool {
    const PT_INTERP: u32 = 3;
    let Ok(bytes) = fs::read(path) else {
        return false;
    };
    if bytes.len() < 64 || &bytes[..4] != b"\x7fELF" || bytes[4] != 2 || bytes[5] != 1 {
        return false;
    }
    let u16_at = |at: usize| u16::from_le_bytes([bytes[at], bytes[at + 1]]) as usize;
    let phoff = u64::from_le_bytes(bytes[32..40].try_into().unwrap()) as usize;
    let (entsize, count) = (u16_at(54), u16_at(56));
    (0..count).all(|i| {
        let at = phoff + i * entsize;
        bytes
            .get(at..at + 4)
            .is_some_and(|t| t != PT_INTERP.to_le_bytes())
    })
}

/// The process's arguments joined by spaces, with a trailing space.
pub(crate) fn cmdline(pid: u32) -> Option<String> {
    let raw = fs::read(format!("/proc/{pid}/cmdline")).ok()?;
    Some(String::from_utf8_lossy(&raw).replace('\0', " "))
}

/// Every live process: `(pid, parent pid)`.
fn processes() -> Vec<(u32, u32)> {
    let Ok(entries) = fs::read_dir("/proc") else {
        return Vec::new();
    };
    entries
        .filter_map(|e| e.ok()?.file_name().to_str()?.parse().ok())
        .filter_map(|pid| match proc_stat(pid)? {
            (state, ppid) if is_live_state(state) => Some((pid, ppid)),
            _ => None,
        })
        .collect()
}

/// Alive and not a zombie waiting for a parent that may never reap it.
pub(crate) fn is_alive(pid: u32) -> bool {
    proc_stat(pid).is_some_and(|(state, _)| is_live_state(state))
}

fn is_live_state(state: char) -> bool {
    !matches!(state, 'Z' | 'X')
}

/// State letter and parent pid from `/proc/<pid>/stat`.
fn proc_stat(pid: u32) -> Option<(char, u32)> {
    let stat = fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // They follow the parenthesised command name, which may hold spaces.
    let (_, rest) = stat.rsplit_once(')')?;
    let mut fields = rest.split_whitespace();
    let state = fields.next()?.chars().next()?;
    Some((state, fields.next()?.parse().ok()?))
}

fn processes_matching(signatures: &[String]) -> Vec<u32> {
    let me = std::process::id();
    processes()
        .into_iter()
        .map(|(pid, _)| pid)
        .filter(|&pid| pid != me)
        .filter(|&pid| {
            cmdline(pid).is_some_and(|line| signatures.iter().any(|s| line.contains(s.as_str())))
        })
        .collect()
}

/// Every pid in `pids` and all of their descendants, parents first.
fn with_descendants(mut pids: Vec<u32>) -> Vec<u32> {
    let all = processes();
    let mut next = 0;
    while next < pids.len() {
        let parent = pids[next];
        for &(pid, ppid) in &all {
            if ppid == parent && !pids.contains(&pid) {
                pids.push(pid);
            }
        }
        next += 1;
    }
    pids
}

/// SIGTERM to all of `pids`, up to `grace` for them to exit, then SIGKILL.
pub(crate) fn terminate(pids: &[u32], grace: Duration) -> Result<(), String> {
    let all_gone_within = |timeout: Duration| {
        let deadline = Instant::now() + timeout;
        while pids.iter().any(|&pid| is_alive(pid)) {
            if Instant::now() >= deadline {
                return false;
            }
            sleep(Duration::from_millis(100));
        }
        true
    };
    pids.iter().for_each(|&pid| signal(pid, "TERM"));
    if all_gone_within(grace) {
        return Ok(());
    }
    let survivors: Vec<u32> = pids.iter().copied().filter(|&pid| is_alive(pid)).collect();
    eprintln!(
        "pids {survivors:?} ignored SIGTERM for {}s; sending SIGKILL",
        grace.as_secs()
    );
    survivors.iter().for_each(|&pid| signal(pid, "KILL"));
    if all_gone_within(Duration::from_secs(5)) {
        Ok(())
    } else {
        Err(format!("pids {survivors:?} survived SIGKILL"))
    }
}

fn signal(pid: u32, name: &str) {
    // A process that exits in between makes kill fail; the caller checks liveness anyway.
    let _ = Command::new("kill")
        .arg(format!("-{name}"))
        .arg(pid.to_string())
        .stderr(Stdio::null())
        .status();
}

/// Mount points at or below `dir`, deepest first.
fn mounts_under(dir: &Path) -> Vec<PathBuf> {
    let table = fs::read_to_string("/proc/self/mounts").unwrap_or_default();
    let mut mounts: Vec<PathBuf> = table
        .lines()
        .filter_map(|line| line.split(' ').nth(1))
        .map(PathBuf::from)
        .filter(|mount| mount.starts_with(dir))
        .collect();
    mounts.sort_by_key(|m| std::cmp::Reverse(m.components().count()));
    mounts
}

fn log_tail(path: &Path) -> String {
    let text = match fs::read(path) {
        Ok(bytes) => String::from_utf8_lossy(&bytes).into_owned(),
        Err(e) => return format!("(cannot read log: {e})"),
    };
    let lines: Vec<&str> = text.lines().collect();
    lines[lines.len().saturating_sub(30)..].join("\n")
}

/// The first `"key":"value"` string in a JSON text; enough for `/version`.
fn json_string<'a>(json: &'a str, key: &str) -> Option<&'a str> {
    let start = json.find(&format!("\"{key}\":\""))? + key.len() + 4;
    let len = json[start..].find('"')?;
    Some(&json[start..start + len])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_string_takes_first_match() {
        let json = r#"{"Components":[{"Version":"1.2"}],"Version":"1.2","ApiVersion":"1.41"}"#;
        assert_eq!(json_string(json, "Version"), Some("1.2"));
        assert_eq!(json_string(json, "ApiVersion"), Some("1.41"));
        assert_eq!(json_string(json, "Os"), None);
    }

    #[test]
    fn own_process_is_alive_and_not_static_script() {
        assert!(is_alive(std::process::id()));
        assert!(!is_static_elf(Path::new("/proc/self/cmdline")));
    }

    #[test]
    fn engine_flag_parses() {
        assert_eq!(Kind::parse("podman"), Ok(Kind::Podman));
        assert!(Kind::parse("containerd").is_err());
    }
}
