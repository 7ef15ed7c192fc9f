//! `dkr volume ls|create|rm`, as `docker volume` shows and does them.

use std::io::{self, Write};

use docker_client::blocking::Client;
use docker_client::{CreateVolumeOptions, ListVolumesOptions, RemoveVolumeOptions};
use docker_models::{Volume, VolumeListResponse};

use super::View;
use crate::args::{VolumeCommand, VolumeCreateArgs, VolumeLsArgs};
use crate::error::Failure;
use crate::text::{self, Table};

/// Runs a `volume` subcommand.
pub fn run(
    client: &Client,
    command: &VolumeCommand,
    view: &View,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Result<(), Failure> {
    match command {
        VolumeCommand::Ls(args) => ls(client, args, view, out, err),
        VolumeCommand::Create(args) => {
            let volume = client.create_volume(&create_options(args))?;
            writeln!(out, "{}", volume.name)?;
            Ok(())
        }
        VolumeCommand::Rm(args) => super::kill::each(&args.volumes, out, |name| {
            client.remove_volume(name, RemoveVolumeOptions::default().force(args.force))
        }),
    }
}

fn ls(
    client: &Client,
    args: &VolumeLsArgs,
    view: &View,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Result<(), Failure> {
    let mut opts = ListVolumesOptions::default();
    for (k, v) in &args.filters {
        opts = opts.filter(k, v);
    }
    let answer = client.list_volumes(&opts)?;
    match args.quiet {
        true => write_names(&answer.volumes, out)?,
        false => render(&answer, view, out)?,
    }
    for warning in &answer.warnings {
        writeln!(err, "WARNING: {warning}")?;
    }
    Ok(())
}

/// The create options for the arguments.
pub fn create_options(args: &VolumeCreateArgs) -> CreateVolumeOptions {
    let mut opts = CreateVolumeOptions::default();
    if let Some(name) = &args.name {
        opts = opts.name(name);
    }
    if let Some(driver) = &args.driver {
        opts = opts.driver(driver);
    }
    for (k, v) in &args.options {
        opts = opts.driver_opt(k, v);
    }
    for label in &args.labels {
        let (k, v) = label.split_once('=').unwrap_or((label, ""));
        opts = opts.label(k, v);
    }
    opts
}

/// The volumes in docker's order: by name, digits compared as numbers.
fn sorted(list: &[Volume]) -> Vec<&Volume> {
    let mut sorted: Vec<&Volume> = list.iter().collect();
    sorted.sort_by(|a, b| text::natural_cmp(&a.name, &b.name));
    sorted
}

/// One name per line (`volume ls -q`).
pub fn write_names(list: &[Volume], out: &mut dyn Write) -> io::Result<()> {
    for v in sorted(list) {
        writeln!(out, "{}", v.name)?;
    }
    Ok(())
}

/// The table of `docker volume ls`, or the answer as JSON (`Volumes` and `Warnings`, in
/// the engine's order).
pub fn render(answer: &VolumeListResponse, view: &View, out: &mut dyn Write) -> io::Result<()> {
    if view.is_json() {
        return text::write_json_pretty(out, answer);
    }
    let mut table = Table::docker();
    table.row(["DRIVER", "VOLUME NAME"]);
    for v in sorted(&answer.volumes) {
        table.row([&v.driver, &v.name]);
    }
    table.write_to(out)
}
