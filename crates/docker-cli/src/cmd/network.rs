//! `dkr network ls|create|rm`, as `docker network` shows and does them.

use std::io::{self, Write};

use docker_client::blocking::Client;
use docker_client::models::IpamConfig;
use docker_client::{CreateNetworkOptions, ListNetworksOptions};
use docker_models::NetworkInspect;

use super::View;
use crate::args::{NetworkCommand, NetworkCreateArgs, NetworkLsArgs};
use crate::error::Failure;
use crate::text::{self, Table};

/// Runs a `network` subcommand.
pub fn run(
    client: &Client,
    command: &NetworkCommand,
    view: &View,
    out: &mut dyn Write,
) -> Result<(), Failure> {
    match command {
        NetworkCommand::Ls(args) => ls(client, args, view, out),
        NetworkCommand::Create(args) => {
            let created = client.create_network(&create_options(args)?)?;
            writeln!(out, "{}", created.id)?;
            Ok(())
        }
        NetworkCommand::Rm(args) => {
            super::kill::each(&args.networks, out, |name| client.remove_network(name))
        }
    }
}

fn ls(
    client: &Client,
    args: &NetworkLsArgs,
    view: &View,
    out: &mut dyn Write,
) -> Result<(), Failure> {
    let mut opts = ListNetworksOptions::default();
    for (k, v) in &args.filters {
        opts = opts.filter(k, v);
    }
    let list = client.list_networks(&opts)?;
    match args.quiet {
        true => write_ids(&list, view, out)?,
        false => render(&list, view, out)?,
    }
    Ok(())
}

/// The create options for the arguments.
pub fn create_options(args: &NetworkCreateArgs) -> Result<CreateNetworkOptions, Failure> {
    let mut opts = CreateNetworkOptions::new(&args.name)
        .internal(args.internal)
        .attachable(args.attachable)
        .enable_ipv6(args.ipv6);
    if let Some(driver) = &args.driver {
        opts = opts.driver(driver);
    }
    for label in &args.labels {
        let (k, v) = label.split_once('=').unwrap_or((label, ""));
        opts = opts.label(k, v);
    }
    for (k, v) in &args.options {
        opts = opts.option(k, v);
    }
    if args.gateway.is_some() && args.subnet.is_none() {
        return Err(Failure::Usage("--gateway needs a --subnet".into()));
    }
    if let Some(subnet) = &args.subnet {
        opts = opts.ipam_config(IpamConfig {
            subnet: subnet.clone(),
            gateway: args.gateway.clone().unwrap_or_default(),
            ..IpamConfig::default()
        });
    }
    Ok(opts)
}

/// The networks in docker's order: by name, digits compared as numbers.
fn sorted(list: &[NetworkInspect]) -> Vec<&NetworkInspect> {
    let mut sorted: Vec<&NetworkInspect> = list.iter().collect();
    sorted.sort_by(|a, b| text::natural_cmp(&a.name, &b.name));
    sorted
}

/// One ID per line (`network ls -q`).
pub fn write_ids(list: &[NetworkInspect], view: &View, out: &mut dyn Write) -> io::Result<()> {
    for n in sorted(list) {
        writeln!(out, "{}", text::id(&n.id, view.trunc))?;
    }
    Ok(())
}

/// The table of `docker network ls`, or the list as JSON (in the engine's order).
pub fn render(list: &[NetworkInspect], view: &View, out: &mut dyn Write) -> io::Result<()> {
    if view.is_json() {
        return text::write_json_pretty(out, list);
    }
    let mut table = Table::docker();
    table.row(["NETWORK ID", "NAME", "DRIVER", "SCOPE"]);
    for n in sorted(list) {
        table.row([text::id(&n.id, view.trunc), &n.name, &n.driver, &n.scope]);
    }
    table.write_to(out)
}
