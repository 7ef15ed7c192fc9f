//! `dkr run`: create a container, start it, and (without `-d`) attach to it, print its
//! output and exit with its exit status, as `docker run` does.
//!
//! The order is docker's: create; attach (before start, so no output is lost); register
//! the wait (before start, so a quick exit is not missed: with `--rm` the wait is for the
//! removal, since the engine removes the container itself); start; copy the streams; take
//! the exit status from the wait.
//!
//! A missing image is pulled first, as docker does (the progress on standard error).
//!
//! Exit status: the container's; or docker's 125 when the container cannot be created,
//! attached or started, 126 when its command cannot be invoked and 127 when it is not
//! found.

use std::io;
use std::path::Path;
use std::sync::mpsc;
use std::thread;

use docker_client::blocking::Client;
use docker_client::models::{
    ContainerCreateConfig, ContainerWaitResponse, EmptyObject, PortBinding, RestartPolicy,
};
use docker_client::{AttachOptions, Method, RemoveContainerOptions};

use super::stdio::{self, Stdio};
use crate::args::RunArgs;
use crate::error::{self, Failure};

/// docker's status when the engine refused to create or start the container.
pub const EXIT_ENGINE: u8 = 125;
/// docker's status when the container's command cannot be invoked.
pub const EXIT_CANNOT_INVOKE: u8 = 126;
/// docker's status when the container's command is not found.
pub const EXIT_NOT_FOUND: u8 = 127;

/// Creates and starts the container; without `-d`, attaches to it and returns its exit
/// status as a failure when it is not 0.
pub fn run(client: &Client, args: &RunArgs, io: Stdio<'_>) -> Result<(), Failure> {
    let config = config(args, |k| std::env::var(k).ok())?;
    let created = match client.create_container(args.name.as_deref(), &config) {
        Err(e) if is_missing_image(&e) => {
            // As docker does: pull it (the progress on standard error), then create again.
            writeln!(io.err, "Unable to find image '{}' locally", args.image)?;
            super::pull::pull_image(
                client,
                &args.image,
                false,
                false,
                super::progress::DEFAULT_WIDTH,
                io.err,
                &mut io::sink(),
            )
            .map_err(|f| match f {
                Failure::Client(e) => engine_failure(e),
                f => Failure::Status {
                    code: EXIT_ENGINE,
                    message: f.message(),
                },
            })?;
            client.create_container(args.name.as_deref(), &config)
        }
        other => other,
    }
    .map_err(engine_failure)?;
    for warning in &created.warnings {
        writeln!(io.err, "WARNING: {warning}")?;
    }
    let id = created.id;
    if args.detach {
        start(client, &id, args.rm)?;
        writeln!(io.out, "{id}")?;
        return Ok(());
    }

    let condition = if args.rm { "removed" } else { "next-exit" };
    let attached = client
        .attach_container(&id, AttachOptions::default().stdin(args.interactive))
        .and_then(|session| Ok((session, Waiter::register(client, &id, condition)?)));
    let (session, waiter) = match attached {
        Ok(attached) => attached,
        Err(e) => {
            if args.rm {
                let _ = client.remove_container(&id, RemoveContainerOptions::default().force(true));
            }
            return Err(engine_failure(e));
        }
    };
    start(client, &id, args.rm)?;

    let detached = stdio::relay(session, args.tty, args.interactive, io, |rows, cols| {
        let _ = client.resize_container(&id, rows, cols);
    })?;
    if detached {
        // Ctrl-p ctrl-q: the container goes on; so does the shell.
        return Ok(());
    }
    exit_status(waiter.wait()?)
}

/// True for the engine's answer to a create whose image is not there.
fn is_missing_image(e: &docker_client::Error) -> bool {
    e.is_not_found() && e.message().is_some_and(|m| m.starts_with("No such image"))
}

/// Starts the container; on failure removes it when `--rm` was given (the engine does
/// not, for a container that never ran) and fails with docker's status.
fn start(client: &Client, id: &str, rm: bool) -> Result<(), Failure> {
    let Err(e) = client.start_container(id) else {
        return Ok(());
    };
    if rm {
        let _ = client.remove_container(id, RemoveContainerOptions::default().force(true));
    }
    if error::is_unreachable(&e) {
        return Err(Failure::Client(e));
    }
    Err(Failure::Status {
        code: start_status(&error::client_message(&e)),
        message: Some(error::client_message(&e)),
    })
}

/// The Docker CLI's status for a failed start: 127 when the command was not found, 126
/// when it cannot be run, else 125.
pub fn start_status(message: &str) -> u8 {
    if message.contains("executable file not found")
        || message.contains("no such file or directory")
    {
        EXIT_NOT_FOUND
    } else if message.contains("permission denied") || message.contains("is a directory") {
        EXIT_CANNOT_INVOKE
    } else {
        EXIT_ENGINE
    }
}

/// An engine error before the container ran: status 125, or 125 for an unreachable
/// engine with its own message.
fn engine_failure(e: docker_client::Error) -> Failure {
    if error::is_unreachable(&e) {
        return Failure::Client(e);
    }
    Failure::Status {
        code: EXIT_ENGINE,
        message: Some(error::client_message(&e)),
    }
}

/// The container's exit status as dkr's: 0 is success, anything else a silent failure
/// with that status (cut to 8 bits, as an exit status is).
fn exit_status(status: ContainerWaitResponse) -> Result<(), Failure> {
    if let Some(e) = status.error.filter(|e| !e.message.is_empty()) {
        return Err(Failure::Status {
            code: EXIT_ENGINE,
            message: Some(format!("Error: {}", e.message)),
        });
    }
    match status.status_code as u8 {
        0 => Ok(()),
        code => Err(Failure::Status {
            code,
            message: None,
        }),
    }
}

/// A `POST /containers/{id}/wait` sent before the start. The engine answers the head once
/// the wait is registered and the body when the condition holds; a thread reads it.
struct Waiter {
    result: mpsc::Receiver<docker_client::Result<ContainerWaitResponse>>,
}

impl Waiter {
    /// Sends the wait and returns once the engine has registered it.
    fn register(
        client: &Client,
        id: &str,
        condition: &'static str,
    ) -> docker_client::Result<Waiter> {
        let (ready_tx, ready_rx) = mpsc::channel();
        let (result_tx, result_rx) = mpsc::channel();
        let client = client.clone();
        let path = format!(
            "/containers/{}/wait",
            docker_client::encode_path_segment(id)
        );
        thread::spawn(move || {
            let response =
                match client.request(Method::Post, &path, &[("condition", condition)], None) {
                    Ok(r) => r,
                    Err(e) => {
                        let _ = ready_tx.send(Err(e));
                        return;
                    }
                };
            let status = response.status();
            if status >= 400 {
                let body = response.bytes().unwrap_or_default();
                let _ = ready_tx.send(Err(engine_error(status, &body)));
                return;
            }
            let _ = ready_tx.send(Ok(()));
            let _ = result_tx.send(response.json());
        });
        match ready_rx.recv() {
            Ok(Ok(())) => Ok(Waiter { result: result_rx }),
            Ok(Err(e)) => Err(e),
            Err(_) => Err(docker_client::Error::Stream {
                message: "the wait for the container ended unexpectedly".into(),
            }),
        }
    }

    /// The container's exit status, once the condition holds.
    fn wait(self) -> Result<ContainerWaitResponse, Failure> {
        match self.result.recv() {
            Ok(result) => Ok(result?),
            Err(_) => Err(Failure::Other(
                "the wait for the container ended unexpectedly".into(),
            )),
        }
    }
}

/// The error for an error answer of the engine (`{"message": "..."}`).
fn engine_error(status: u16, body: &[u8]) -> docker_client::Error {
    let message = serde_json::from_slice::<serde_json::Value>(body)
        .ok()
        .and_then(|v| v["message"].as_str().map(str::to_owned))
        .unwrap_or_else(|| String::from_utf8_lossy(body).trim().to_owned());
    match status {
        404 => docker_client::Error::NotFound { message },
        409 => docker_client::Error::Conflict { message },
        _ => docker_client::Error::Api { status, message },
    }
}

/// The create body for the arguments. `lookup` reads dkr's environment for `-e KEY`.
pub fn config(
    args: &RunArgs,
    lookup: impl Fn(&str) -> Option<String>,
) -> Result<ContainerCreateConfig, Failure> {
    let mut c = ContainerCreateConfig {
        image: args.image.clone(),
        cmd: args.command.clone(),
        env: stdio::environment(&args.env, lookup),
        working_dir: args.workdir.clone().unwrap_or_default(),
        user: args.user.clone().unwrap_or_default(),
        tty: args.tty,
        open_stdin: args.interactive,
        stdin_once: args.interactive && !args.detach,
        attach_stdin: args.interactive && !args.detach,
        attach_stdout: !args.detach,
        attach_stderr: !args.detach,
        ..ContainerCreateConfig::default()
    };
    if let Some(entrypoint) = &args.entrypoint {
        // `--entrypoint ""` sends [""], which clears the image's entrypoint.
        c.entrypoint = vec![entrypoint.clone()];
    }
    for label in &args.labels {
        let (k, v) = label.split_once('=').unwrap_or((label, ""));
        if k.is_empty() {
            return Err(Failure::Usage(format!("invalid label {label:?}: no key")));
        }
        c.labels.insert(k.to_owned(), v.to_owned());
    }
    for volume in &args.volumes {
        match parse_volume(volume)? {
            Volume::Anonymous(target) => {
                c.volumes.insert(target, EmptyObject::default());
            }
            Volume::Bind(bind) => c.host_config.binds.push(bind),
        }
    }
    for spec in &args.publish {
        for p in parse_publish(spec)? {
            c.exposed_ports
                .insert(p.container.clone(), EmptyObject::default());
            let bindings = c
                .host_config
                .port_bindings
                .entry(p.container)
                .or_insert_with(|| Some(Vec::new()));
            bindings.get_or_insert_with(Vec::new).push(PortBinding {
                host_ip: p.host_ip,
                host_port: p.host_port,
                ..PortBinding::default()
            });
        }
    }
    if let Some(network) = &args.network {
        c.host_config.network_mode = network.clone();
    }
    if let Some(policy) = &args.restart {
        let policy = parse_restart(policy)?;
        if args.rm && policy.name != "no" {
            return Err(Failure::Usage(
                "conflicting options: --restart and --rm".into(),
            ));
        }
        c.host_config.restart_policy = policy;
    }
    if let Some(memory) = &args.memory {
        c.host_config.memory = parse_memory(memory)
            .ok_or_else(|| Failure::Usage(format!("invalid memory size {memory:?}")))?;
    }
    c.host_config.auto_remove = args.rm;
    Ok(c)
}

/// A `-v` value.
#[derive(Debug, PartialEq, Eq)]
pub enum Volume {
    /// `DST` alone: an anonymous volume mounted there.
    Anonymous(String),
    /// `SRC:DST[:OPTS]`, a bind mount or a named volume, as the engine's `Binds` take it
    /// (a relative source path made absolute).
    Bind(String),
}

/// Reads a `-v` value. A source starting with `.` is a path relative to the current
/// directory and is made absolute (the engine would take it for a volume name).
pub fn parse_volume(spec: &str) -> Result<Volume, Failure> {
    let parts: Vec<&str> = spec.split(':').collect();
    let bad = || {
        Failure::Usage(format!(
            "invalid volume {spec:?}: expected SRC:DST[:OPTS] or DST"
        ))
    };
    match parts[..] {
        [target] if !target.is_empty() => Ok(Volume::Anonymous(target.to_owned())),
        [source, target, ..] if parts.len() <= 3 && !source.is_empty() && !target.is_empty() => {
            if source.starts_with('.') {
                let cwd = std::env::current_dir().map_err(|e| {
                    Failure::Other(format!("cannot read the current directory: {e}"))
                })?;
                let absolute = cwd.join(Path::new(source));
                let rest = &spec[source.len()..];
                return Ok(Volume::Bind(format!("{}{rest}", absolute.display())));
            }
            Ok(Volume::Bind(spec.to_owned()))
        }
        _ => Err(bad()),
    }
}

/// One published port.
#[derive(Debug, PartialEq, Eq)]
pub struct Publish {
    /// `80/tcp`.
    pub container: String,
    /// The host address, empty for all.
    pub host_ip: String,
    /// The host port, empty for one the engine picks.
    pub host_port: String,
}

/// Reads a `-p` value: `[IP:][HOSTPORT:]PORT[/PROTO]`, IPv6 addresses in brackets, port
/// ranges (`8000-8002:8000-8002`, or a container range alone) expanded port by port.
pub fn parse_publish(spec: &str) -> Result<Vec<Publish>, Failure> {
    let bad = |why: &str| Failure::Usage(format!("invalid port {spec:?}: {why}"));
    let (rest, proto) = match spec.rsplit_once('/') {
        Some((rest, proto)) => (rest, proto),
        None => (spec, "tcp"),
    };
    if !matches!(proto, "tcp" | "udp" | "sctp") {
        return Err(bad("the protocol must be tcp, udp or sctp"));
    }
    let (ip, rest) = match rest.strip_prefix('[') {
        Some(v6) => {
            let (ip, rest) = v6
                .split_once("]:")
                .ok_or_else(|| bad("expected [IPv6]:HOSTPORT:PORT"))?;
            (ip, rest)
        }
        None => match rest.matches(':').count() {
            0 | 1 => ("", rest),
            2 => rest.split_once(':').unwrap_or(("", rest)),
            _ => return Err(bad("put an IPv6 address in brackets")),
        },
    };
    let (host, container) = match rest.split_once(':') {
        Some((host, container)) => (host, container),
        None if ip.is_empty() => ("", rest),
        None => return Err(bad("expected IP:HOSTPORT:PORT")),
    };
    let ports = port_range(container).ok_or_else(|| bad("not a port or port range"))?;
    let host_ports = match host {
        "" => None,
        h => Some(port_range(h).ok_or_else(|| bad("not a host port or port range"))?),
    };
    let count = ports.1 - ports.0;
    if let Some(h) = host_ports {
        if h.1 - h.0 != count && count != 0 {
            return Err(bad("the host and container ranges differ in length"));
        }
    }
    Ok((0..=count)
        .map(|i| Publish {
            container: format!("{}/{proto}", ports.0 + i),
            host_ip: ip.to_owned(),
            host_port: match host_ports {
                None => String::new(),
                // One container port may take its host port from a range.
                Some((first, last)) if count == 0 && first != last => format!("{first}-{last}"),
                Some((first, _)) => (first + i).to_string(),
            },
        })
        .collect())
}

/// `80` or `8000-8002`, as (first, last).
fn port_range(s: &str) -> Option<(u32, u32)> {
    let port = |p: &str| p.parse::<u16>().ok().map(u32::from);
    match s.split_once('-') {
        Some((a, b)) => {
            let (a, b) = (port(a)?, port(b)?);
            (a <= b).then_some((a, b))
        }
        None => port(s).map(|p| (p, p)),
    }
}

/// Reads a `--restart` policy: `no`, `always`, `unless-stopped`, `on-failure[:N]`.
pub fn parse_restart(s: &str) -> Result<RestartPolicy, Failure> {
    let (name, count) = match s.split_once(':') {
        Some((name, count)) => (name, Some(count)),
        None => (s, None),
    };
    let bad = || {
        Failure::Usage(format!(
            "invalid restart policy {s:?}: use no, always, unless-stopped or on-failure[:N]"
        ))
    };
    let maximum_retry_count = match (name, count) {
        ("no" | "always" | "unless-stopped", None) => 0,
        ("on-failure", None) => 0,
        ("on-failure", Some(n)) => n.parse().map_err(|_| bad())?,
        _ => return Err(bad()),
    };
    Ok(RestartPolicy {
        name: name.to_owned(),
        maximum_retry_count,
        ..RestartPolicy::default()
    })
}

/// go-units' `RAMInBytes`: a number with an optional binary unit (`b`, `k`, `m`, `g`, `t`,
/// `p`, any case, optionally followed by `b` or `ib`): `512m`, `1.5g`, `1024`, `64MiB`.
pub fn parse_memory(s: &str) -> Option<i64> {
    let lower = s.trim().to_ascii_lowercase();
    let digits_end = lower
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(lower.len());
    let (number, unit) = lower.split_at(digits_end);
    let value: f64 = number.parse().ok()?;
    let unit = unit.trim_start_matches(' ');
    let unit = unit
        .strip_suffix("ib")
        .or_else(|| unit.strip_suffix('b'))
        .unwrap_or(unit);
    let multiplier: f64 = match unit {
        "" => 1.0,
        "k" => 1024.0,
        "m" => 1024.0 * 1024.0,
        "g" => 1024.0 * 1024.0 * 1024.0,
        "t" => 1024.0f64.powi(4),
        "p" => 1024.0f64.powi(5),
        _ => return None,
    };
    let bytes = value * multiplier;
    (bytes.is_finite() && bytes >= 0.0 && bytes < i64::MAX as f64).then_some(bytes as i64)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::args::{Cli, Command};
    use clap::Parser;

    fn run_args(argv: &[&str]) -> RunArgs {
        let mut full = vec!["dkr", "run"];
        full.extend_from_slice(argv);
        match Cli::try_parse_from(full).unwrap().command {
            Command::Run(a) => a,
            other => panic!("not run: {other:?}"),
        }
    }

    #[test]
    fn options_after_the_image_belong_to_the_command() {
        let a = run_args(&["--rm", "-i", "bb:latest", "sh", "-c", "echo -n hi", "--rm"]);
        assert!(a.rm && a.interactive && !a.detach);
        assert_eq!(a.image, "bb:latest");
        assert_eq!(a.command, ["sh", "-c", "echo -n hi", "--rm"]);
    }

    #[test]
    fn the_create_body_has_docker_run_fields() {
        let a = run_args(&[
            "--rm",
            "-i",
            "-t",
            "--name",
            "web",
            "-e",
            "A=1",
            "-e",
            "HOME",
            "-l",
            "k=v",
            "-l",
            "flag",
            "-w",
            "/tmp",
            "-u",
            "1000:1000",
            "--entrypoint",
            "",
            "-v",
            "/data",
            "-v",
            "vol:/v:ro",
            "-p",
            "127.0.0.1:8080:80",
            "-p",
            "53/udp",
            "--network",
            "net1",
            "-m",
            "64m",
            "bb:latest",
            "cat",
        ]);
        let c = config(&a, |k| (k == "HOME").then(|| "/root".into())).unwrap();
        let json = serde_json::to_value(&c).unwrap();
        assert_eq!(
            json,
            serde_json::json!({
                "User": "1000:1000",
                "AttachStdin": true,
                "AttachStdout": true,
                "AttachStderr": true,
                "ExposedPorts": {"53/udp": {}, "80/tcp": {}},
                "Tty": true,
                "OpenStdin": true,
                "StdinOnce": true,
                "Env": ["A=1", "HOME=/root"],
                "Cmd": ["cat"],
                "Image": "bb:latest",
                "Volumes": {"/data": {}},
                "WorkingDir": "/tmp",
                "Entrypoint": [""],
                "Labels": {"flag": "", "k": "v"},
                "HostConfig": {
                    "Binds": ["vol:/v:ro"],
                    "NetworkMode": "net1",
                    "PortBindings": {
                        "53/udp": [{"HostIp": "", "HostPort": ""}],
                        "80/tcp": [{"HostIp": "127.0.0.1", "HostPort": "8080"}],
                    },
                    "AutoRemove": true,
                    "Memory": 67108864,
                },
            })
        );
    }

    #[test]
    fn detached_containers_attach_nothing() {
        let c = config(&run_args(&["-d", "-i", "bb:latest"]), |_| None).unwrap();
        assert!(c.open_stdin && !c.stdin_once && !c.attach_stdin);
        assert!(!c.attach_stdout && !c.attach_stderr);
        assert!(c.cmd.is_empty() && c.entrypoint.is_empty());
    }

    #[test]
    fn restart_and_rm_conflict() {
        let a = run_args(&["--rm", "--restart", "always", "bb:latest"]);
        assert_eq!(config(&a, |_| None).unwrap_err().exit_code(), 2);
        let a = run_args(&["--rm", "--restart", "no", "bb:latest"]);
        assert!(config(&a, |_| None).is_ok());
    }

    #[test]
    fn ports() {
        let p = |spec| {
            parse_publish(spec)
                .unwrap()
                .into_iter()
                .map(|p| format!("{}|{}|{}", p.host_ip, p.host_port, p.container))
                .collect::<Vec<_>>()
        };
        assert_eq!(p("80"), ["||80/tcp"]);
        assert_eq!(p("8080:80"), ["|8080|80/tcp"]);
        assert_eq!(p("127.0.0.1::80/udp"), ["127.0.0.1||80/udp"]);
        assert_eq!(p("[::1]:8080:80"), ["::1|8080|80/tcp"]);
        assert_eq!(
            p("8000-8001:9000-9001"),
            ["|8000|9000/tcp", "|8001|9001/tcp"]
        );
        assert_eq!(p("8000-8010:80"), ["|8000-8010|80/tcp"]);
        for bad in [
            "", "x", "80/xyz", "1:2:3:4", "70000", "9-8", "1-2:1-3", "[::1:80",
        ] {
            assert!(parse_publish(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn volumes() {
        assert_eq!(parse_volume("/d").unwrap(), Volume::Anonymous("/d".into()));
        assert_eq!(
            parse_volume("/h:/c:ro").unwrap(),
            Volume::Bind("/h:/c:ro".into())
        );
        let cwd = std::env::current_dir().unwrap();
        assert_eq!(
            parse_volume("./x:/c").unwrap(),
            Volume::Bind(format!("{}:/c", cwd.join("./x").display()))
        );
        for bad in ["", "a:", ":b", "a:b:c:d"] {
            assert!(parse_volume(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn restart_policies() {
        let r = |s| parse_restart(s).map(|p| (p.name, p.maximum_retry_count));
        assert_eq!(r("always").unwrap(), ("always".into(), 0));
        assert_eq!(r("on-failure:3").unwrap(), ("on-failure".into(), 3));
        assert!(r("sometimes").is_err());
        assert!(r("always:3").is_err());
        assert!(r("on-failure:x").is_err());
    }

    #[test]
    fn memory_sizes_like_go_units() {
        assert_eq!(parse_memory("1024"), Some(1024));
        assert_eq!(parse_memory("64m"), Some(64 << 20));
        assert_eq!(parse_memory("64MiB"), Some(64 << 20));
        assert_eq!(parse_memory("64MB"), Some(64 << 20));
        assert_eq!(parse_memory("1.5g"), Some(3 << 29));
        assert_eq!(parse_memory("2 k"), Some(2048));
        for bad in ["", "m", "-1", "1x", "1.2.3", "1e9", "99999999999p"] {
            assert_eq!(parse_memory(bad), None, "{bad}");
        }
    }

    #[test]
    fn start_failures_take_docker_statuses() {
        let not_found = "Error response from daemon: failed to create shim task: OCI runtime create failed: runc create failed: unable to start container process: exec: \"nosuchcmd\": executable file not found in $PATH: unknown";
        assert_eq!(start_status(not_found), 127);
        assert_eq!(
            start_status("exec: \"/etc\": permission denied: unknown"),
            126
        );
        assert_eq!(
            start_status("driver failed programming external connectivity"),
            125
        );
    }

    #[test]
    fn exit_statuses_are_cut_to_8_bits() {
        let status = |code| ContainerWaitResponse {
            status_code: code,
            error: None,
            ..ContainerWaitResponse::default()
        };
        assert!(exit_status(status(0)).is_ok());
        assert!(exit_status(status(256)).is_ok());
        assert_eq!(exit_status(status(3)).unwrap_err().exit_code(), 3);
        assert_eq!(exit_status(status(-1)).unwrap_err().exit_code(), 255);
        assert_eq!(exit_status(status(3)).unwrap_err().message(), None);
    }
}
