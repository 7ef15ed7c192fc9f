//! A container security sensor: every running container with its image and the processes
//! in it (host PID, user, cgroup, command line), then every change as it happens.
//!
//! ```text
//! cargo run --example sensor
//! ```
//!
//! The inventory is started first: it notes the time, lists and inspects the running
//! containers, then follows the engine's events from the noted time, so a container that
//! starts while the sensor walks the first list is reported, not missed. Each line is one
//! fact, `key=value` separated by spaces, for a log collector to parse.

use std::error::Error;

use docker_client::blocking::Client;
use docker_client::{ContainerEntry, InventoryChange, InventoryOptions};

/// What `ps` is asked for: the cgroup column names the container's cgroup on the host.
const PS_ARGS: &str = "-o pid,ppid,user,cgroup:512,args";

fn main() -> Result<(), Box<dyn Error>> {
    let client = Client::from_env()?;
    let inventory = client.watch_containers(&InventoryOptions::default())?;
    for entry in inventory.snapshot().values() {
        report(&client, "running", entry);
    }
    println!("inventory complete running={}", inventory.len());
    for change in &inventory {
        match change {
            InventoryChange::Added(entry) => report(&client, "started", &entry),
            InventoryChange::Removed(id, last) => {
                let name = last.map(|e| e.name).unwrap_or_default();
                println!("stopped id={} name={name}", short(&id));
            }
            InventoryChange::StateChanged { id, from, to } => {
                println!("state id={} from={from} to={to}", short(&id));
            }
            InventoryChange::Renamed { id, from, to } => {
                println!("renamed id={} from={from} to={to}", short(&id));
            }
            // A gap was possible: the inventory has re-listed, and the changes it found
            // came just before this line.
            InventoryChange::Resynced(reason) => println!("resynced reason={reason:?}"),
            other => println!("change {other:?}"),
        }
    }
    Ok(())
}

/// Prints a container and its processes. A container can stop between the list and the
/// inspection: that is reported and the sensor goes on.
fn report(client: &Client, what: &str, entry: &ContainerEntry) {
    let id = short(&entry.id);
    let privileged = match client.inspect_container(&entry.id) {
        Ok(inspect) => inspect.host_config.privileged,
        Err(e) => return println!("gone id={id} error={e:?}"),
    };
    println!(
        "{what} id={id} name={} image={} pid={} privileged={privileged}",
        entry.name, entry.image, entry.pid
    );
    let top = client.top_container(&entry.id, Some(PS_ARGS));
    match top.map(|top| top.entries()) {
        Ok(Err(e)) => println!("processes id={id} error={e:?}"),
        Ok(Ok(processes)) => {
            for p in processes {
                let cgroup = p.cgroup.as_deref().unwrap_or("-");
                println!(
                    "process id={id} pid={} user={} cgroup={cgroup} cmd={:?}",
                    p.pid, p.user, p.command
                );
            }
        }
        Err(e) => println!("processes id={id} error={e:?}"),
    }
}

fn short(id: &str) -> &str {
    &id[..id.len().min(12)]
}
