//! `dkr kill`: signals containers, printing each name as docker does.

use std::io::Write;

use docker_client::blocking::Client;

use crate::args::KillArgs;
use crate::error::{self, Failure};

/// Signals every container; prints the name of each one signalled, and fails (exit 1)
/// with one line per container that could not be.
pub fn run(client: &Client, args: &KillArgs, out: &mut dyn Write) -> Result<(), Failure> {
    each(&args.containers, out, |name| {
        client.kill_container(name, args.signal.as_deref())
    })
}

/// Runs `op` on each name in order: prints the name on success, collects the engine's
/// message on failure, and stops at once when the engine cannot be reached.
pub fn each(
    names: &[String],
    out: &mut dyn Write,
    mut op: impl FnMut(&str) -> docker_client::Result<()>,
) -> Result<(), Failure> {
    let mut errors = Vec::new();
    for name in names {
        match op(name) {
            Ok(()) => {
                writeln!(out, "{name}")?;
                out.flush()?;
            }
            Err(e) if error::is_unreachable(&e) => return Err(Failure::Client(e)),
            Err(e) => errors.push(error::client_message(&e)),
        }
    }
    match errors.is_empty() {
        true => Ok(()),
        false => Err(Failure::Reported(errors)),
    }
}
