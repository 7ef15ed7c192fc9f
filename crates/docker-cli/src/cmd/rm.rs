//! `dkr rm`: removes containers, printing each name as docker does.

use std::io::Write;

use docker_client::blocking::Client;
use docker_client::RemoveContainerOptions;

use crate::args::RmArgs;
use crate::error::Failure;

/// Removes every container in turn (`-f` kills running ones first, `-v` removes their
/// anonymous volumes).
pub fn run(client: &Client, args: &RmArgs, out: &mut dyn Write) -> Result<(), Failure> {
    let options = RemoveContainerOptions::default()
        .force(args.force)
        .volumes(args.volumes);
    super::kill::each(&args.containers, out, |name| {
        client.remove_container(name, options)
    })
}
