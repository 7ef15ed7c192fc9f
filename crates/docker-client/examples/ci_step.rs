//! A CI step: runs a command in a fresh container under a time limit, streams its output
//! as it comes, and exits with the command's exit code (124 when the limit struck, as
//! `timeout(1)` does). The container is removed in every case.
//!
//! ```text
//! cargo run --example ci_step -- --timeout 60 bb:latest sh -c 'make test'
//! ```
//!
//! The order is docker's: create, attach, then start, so no output is lost; the output
//! ends when the container stops, and the wait then takes its exit code. A watchdog
//! thread kills the container when the time is up.

use std::error::Error;
use std::io::Write;
use std::process::ExitCode;
use std::sync::mpsc;
use std::time::Duration;

use docker_client::blocking::Client;
use docker_client::models::ContainerCreateConfig;
use docker_client::{AttachOptions, OutputStream, RemoveContainerOptions, WaitCondition};

fn main() -> Result<ExitCode, Box<dyn Error>> {
    let mut args = std::env::args().skip(1);
    let (Some(flag), Some(secs), Some(image)) = (args.next(), args.next(), args.next()) else {
        return Err("usage: ci_step --timeout SECONDS IMAGE COMMAND...".into());
    };
    if flag != "--timeout" {
        return Err(format!("expected --timeout, found {flag:?}").into());
    }
    let limit = Duration::from_secs_f64(secs.parse()?);
    let client = Client::from_env()?;
    let config = ContainerCreateConfig {
        image,
        cmd: args.collect(),
        attach_stdout: true,
        attach_stderr: true,
        ..Default::default()
    };
    let id = client.create_container(None, &config)?.id;
    eprintln!("ci_step: container {id}");
    let outcome = run(&client, &id, limit);
    // Whatever happened, the container goes.
    let removed = client.remove_container(&id, RemoveContainerOptions::default().force(true));
    let code = outcome?;
    removed?;
    Ok(ExitCode::from(code))
}

/// Attaches, starts, streams and waits; the exit code, or 124 when `limit` passed first.
fn run(client: &Client, id: &str, limit: Duration) -> Result<u8, Box<dyn Error>> {
    let options = AttachOptions::default().stdout(true).stderr(true);
    let session = client.attach_container(id, options)?;
    client.start_container(id)?;
    let (done, finished) = mpsc::channel::<()>();
    let watchdog = {
        let (client, id) = (client.clone(), id.to_owned());
        std::thread::spawn(move || {
            let timed_out = finished.recv_timeout(limit) == Err(mpsc::RecvTimeoutError::Timeout);
            if timed_out {
                // Killing ends the output and the wait below.
                let _ = client.kill_container(&id, None);
            }
            timed_out
        })
    };
    let (mut stdout, mut stderr) = (std::io::stdout(), std::io::stderr());
    for chunk in session {
        let chunk = chunk?;
        match chunk.stream {
            OutputStream::Stderr => stderr.write_all(&chunk.data)?,
            _ => stdout.write_all(&chunk.data)?,
        }
        stdout.flush()?;
    }
    let exit = client.wait_container(id, WaitCondition::NotRunning)?;
    let _ = done.send(());
    if watchdog.join().unwrap_or(false) {
        eprintln!("ci_step: timed out after {limit:?}; the container was killed");
        return Ok(124);
    }
    eprintln!("ci_step: exit code {}", exit.status_code);
    Ok(u8::try_from(exit.status_code).unwrap_or(1))
}
