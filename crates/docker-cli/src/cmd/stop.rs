//! `dkr stop`: stops containers, printing each name as docker does.

use std::io::Write;
use std::time::Duration;

use docker_client::blocking::Client;

use crate::args::StopArgs;
use crate::error::Failure;

/// Stops every container in turn (SIGTERM or the container's stop signal, then SIGKILL
/// after `-t` seconds). Stopping a stopped container is not an error.
pub fn run(client: &Client, args: &StopArgs, out: &mut dyn Write) -> Result<(), Failure> {
    let timeout = args.time.map(Duration::from_secs);
    super::kill::each(&args.containers, out, |name| {
        client.stop_container(name, timeout)
    })
}
