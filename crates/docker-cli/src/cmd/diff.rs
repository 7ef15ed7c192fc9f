//! `dkr diff`: the files changed in a container, as `docker diff` prints them.

use std::io::{self, Write};

use docker_client::blocking::Client;
use docker_models::FileChange;

use super::View;
use crate::args::DiffArgs;
use crate::error::Failure;
use crate::text;

/// Fetches the changes and writes them.
pub fn run(
    client: &Client,
    args: &DiffArgs,
    view: &View,
    out: &mut dyn Write,
) -> Result<(), Failure> {
    let changes = client.diff_container(&args.container)?;
    render(&changes, view, out)?;
    Ok(())
}

/// `A /path`, `C /path`, `D /path`, one per line; or the list as JSON.
pub fn render(changes: &[FileChange], view: &View, out: &mut dyn Write) -> io::Result<()> {
    if view.is_json() {
        return text::write_json_pretty(out, changes);
    }
    for change in changes {
        writeln!(out, "{} {}", change.kind, change.path)?;
    }
    Ok(())
}
