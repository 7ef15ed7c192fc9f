//! `dkr exec`: run a command in a running container, print its output and exit with its
//! exit status, as `docker exec` does.

use std::time::{Duration, Instant};

use docker_client::blocking::Client;
use docker_client::models::ExecCreateConfig;
use docker_client::StartExecOptions;

use super::stdio::{self, Stdio};
use crate::args::ExecArgs;
use crate::error::Failure;

/// Creates and starts the exec, copies its streams, and returns its exit status as a
/// failure when it is not 0. Engine refusals (no such container, not running) exit 1.
pub fn run(client: &Client, args: &ExecArgs, io: Stdio<'_>) -> Result<(), Failure> {
    let config = config(args, |k| std::env::var(k).ok());
    let exec = client.create_exec(&args.container, &config)?;
    let session = client.start_exec(&exec.id, StartExecOptions::default().tty(args.tty))?;
    let detached = stdio::relay(session, args.tty, args.interactive, io, |rows, cols| {
        let _ = client.resize_exec(&exec.id, rows, cols);
    })?;
    if detached {
        return Ok(());
    }
    match exit_code(client, &exec.id)? as u8 {
        0 => Ok(()),
        code => Err(Failure::Status {
            code,
            message: None,
        }),
    }
}

/// The exec's exit code. Its output ends when the process ends, but the engine may record
/// the code a moment later: ask again for up to two seconds.
fn exit_code(client: &Client, exec_id: &str) -> Result<i64, Failure> {
    let deadline = Instant::now() + Duration::from_secs(2);
    loop {
        let inspect = client.inspect_exec(exec_id)?;
        match inspect.exit_code {
            Some(code) if !inspect.running => return Ok(code),
            code if Instant::now() >= deadline => return Ok(code.unwrap_or(0)),
            _ => std::thread::sleep(Duration::from_millis(20)),
        }
    }
}

/// The exec's configuration for the arguments.
pub fn config(args: &ExecArgs, lookup: impl Fn(&str) -> Option<String>) -> ExecCreateConfig {
    ExecCreateConfig {
        attach_stdin: args.interactive,
        attach_stdout: true,
        attach_stderr: true,
        tty: args.tty,
        env: stdio::environment(&args.env, lookup),
        cmd: args.command.clone(),
        user: args.user.clone().unwrap_or_default(),
        working_dir: args.workdir.clone().unwrap_or_default(),
        ..ExecCreateConfig::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::args::{Cli, Command};
    use clap::Parser;

    #[test]
    fn the_exec_config_has_docker_exec_fields() {
        let cli = Cli::try_parse_from([
            "dkr", "exec", "-i", "-e", "A=1", "-u", "nobody", "-w", "/tmp", "web", "sh", "-c",
            "exit 3",
        ])
        .unwrap();
        let Command::Exec(args) = cli.command else {
            panic!("not exec")
        };
        let json = serde_json::to_value(config(&args, |_| None)).unwrap();
        assert_eq!(
            json,
            serde_json::json!({
                "AttachStdin": true,
                "AttachStdout": true,
                "AttachStderr": true,
                "Env": ["A=1"],
                "Cmd": ["sh", "-c", "exit 3"],
                "User": "nobody",
                "WorkingDir": "/tmp",
            })
        );
        assert_eq!(args.container, "web");
    }
}
