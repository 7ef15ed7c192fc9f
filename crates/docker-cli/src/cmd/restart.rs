//! `dkr restart`: restarts containers, printing each name as docker does.

use std::io::Write;
use std::time::Duration;

use docker_client::blocking::Client;

use crate::args::RestartArgs;
use crate::error::Failure;

/// Restarts every container in turn (waiting `-t` seconds for each to stop).
pub fn run(client: &Client, args: &RestartArgs, out: &mut dyn Write) -> Result<(), Failure> {
    let timeout = args.time.map(Duration::from_secs);
    super::kill::each(&args.containers, out, |name| {
        client.restart_container(name, timeout)
    })
}
