//! `dkr watch`: a live inventory of the running containers, on docker-client's
//! `ContainerInventory` (list, inspect, then events from the listing time: nothing lost).
//!
//! In a terminal it redraws a `docker ps`-like table in place on each change (and once a
//! second, for the ages), with plain ANSI escape codes. Piped, it prints the containers
//! present at the start, then one line per change, each flushed at once.

use std::collections::BTreeMap;
use std::io::{self, Write};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use docker_client::blocking::Client;
use docker_client::{ContainerEntry, InventoryChange, InventoryOptions, RunState};

use super::View;
use crate::args::WatchArgs;
use crate::error::Failure;
use crate::text::{self, Table};
use crate::time::{self, UnixNanos};

/// Cursor home: the screen is redrawn from the top.
const HOME: &str = "\x1b[H";
/// Erase to the end of the line (after each line, for lines that got shorter).
const ERASE_LINE: &str = "\x1b[K";
/// Erase from the cursor to the end of the screen (after the last line).
const ERASE_BELOW: &str = "\x1b[J";
/// Erase the whole screen (once, at the start).
const CLEAR: &str = "\x1b[2J";

/// The inventory options for the arguments.
pub fn options(args: &WatchArgs) -> InventoryOptions {
    let mut opts = InventoryOptions::default();
    for label in &args.labels {
        opts = opts.label(label.clone());
    }
    opts
}

/// Follows the inventory until interrupted. `terminal` chooses the redrawn screen over
/// change lines.
pub fn run(
    client: &Client,
    args: &WatchArgs,
    view: &View,
    terminal: bool,
    out: &mut dyn Write,
) -> Result<(), Failure> {
    let inventory = client.watch_containers(&options(args))?;
    let endpoint = client.endpoint().to_string();
    let screen = terminal && !view.is_json();
    if screen {
        out.write_all(CLEAR.as_bytes())?;
        render_screen(
            &inventory.snapshot(),
            &endpoint,
            None,
            SystemTime::now(),
            view,
            out,
        )?;
    } else {
        let now = SystemTime::now();
        for entry in inventory.snapshot().values() {
            render_line(&Line::Present(entry), now, view, out)?;
        }
    }
    out.flush()?;
    let mut last: Option<String> = None;
    loop {
        let change = match inventory.next_timeout(Duration::from_secs(1)) {
            Ok(Some(change)) => Some(change),
            Err(e) if e.is_timeout() => None,
            Ok(None) | Err(_) => {
                return Err(Failure::Other(
                    "the container inventory stopped following the engine".into(),
                ))
            }
        };
        let now = SystemTime::now();
        if screen {
            if let Some(change) = &change {
                last = Some(summary(change, now, view));
            }
            // Take whatever else is ready before drawing once.
            while let Ok(Some(change)) = inventory.next_timeout(Duration::ZERO) {
                last = Some(summary(&change, now, view));
            }
            render_screen(
                &inventory.snapshot(),
                &endpoint,
                last.as_deref(),
                now,
                view,
                out,
            )?;
        } else if let Some(change) = &change {
            render_line(&Line::Change(change), now, view, out)?;
        }
        out.flush()?;
    }
}

/// The screen: a title, the table, and the last change, each line erased to its end.
pub fn render_screen(
    containers: &BTreeMap<String, ContainerEntry>,
    endpoint: &str,
    last_change: Option<&str>,
    now: SystemTime,
    view: &View,
    out: &mut dyn Write,
) -> io::Result<()> {
    let mut body = Vec::new();
    writeln!(
        body,
        "{} running on {endpoint} at {} (Ctrl-C to stop)",
        containers.len(),
        time::rfc3339_nanos(UnixNanos::new(UnixNanos::from_system(now).secs() as i64, 0))
    )?;
    writeln!(body)?;
    render_table(containers, now, view, &mut body)?;
    if let Some(last) = last_change {
        writeln!(body)?;
        writeln!(body, "last change: {last}")?;
    }
    let text = String::from_utf8_lossy(&body);
    let mut screen = String::from(HOME);
    for line in text.lines() {
        screen.push_str(line);
        screen.push_str(ERASE_LINE);
        screen.push('\n');
    }
    screen.push_str(ERASE_BELOW);
    out.write_all(screen.as_bytes())
}

/// The inventory as a table like `docker ps`: ID, image, status, PID, names.
pub fn render_table(
    containers: &BTreeMap<String, ContainerEntry>,
    now: SystemTime,
    view: &View,
    out: &mut dyn Write,
) -> io::Result<()> {
    let mut rows: Vec<&ContainerEntry> = containers.values().collect();
    rows.sort_by(|a, b| b.started_at.cmp(&a.started_at).then(a.name.cmp(&b.name)));
    let mut table = Table::docker();
    table.row(["CONTAINER ID", "IMAGE", "STATUS", "PID", "NAMES"]);
    for c in rows {
        table.row([
            text::id(&c.id, view.trunc).to_owned(),
            c.image.clone(),
            status(c, now),
            c.pid.to_string(),
            c.name.clone(),
        ]);
    }
    table.write_to(out)
}

/// `Up 5 minutes`, `Up 5 minutes (Paused)` or `Restarting`, as the engine words it.
pub fn status(c: &ContainerEntry, now: SystemTime) -> String {
    let up = match time::parse_rfc3339(&c.started_at)
        .ok()
        .and_then(|t| t.instant.to_system())
    {
        Some(started) => format!("Up {}", time::human_duration(time::since(now, started))),
        None => "Up".to_owned(),
    };
    match c.state {
        RunState::Running => up,
        RunState::Paused => format!("{up} (Paused)"),
        RunState::Restarting => "Restarting".to_owned(),
    }
}

/// What a piped `watch` prints a line for.
#[derive(Debug)]
pub enum Line<'a> {
    /// A container running when `watch` started.
    Present(&'a ContainerEntry),
    /// A change of the inventory.
    Change(&'a InventoryChange),
}

/// One line: `<time> <what> <id> <name> (<details>)`, like `docker events`; or one JSON
/// object.
pub fn render_line(
    line: &Line<'_>,
    now: SystemTime,
    view: &View,
    out: &mut dyn Write,
) -> io::Result<()> {
    let time = time::rfc3339_nanos_fixed(UnixNanos::from_system(now));
    if view.is_json() {
        let mut value = json(line);
        if let Some(map) = value.as_object_mut() {
            map.insert("Time".into(), time.into());
        }
        return text::write_json_line(out, &value);
    }
    writeln!(out, "{time} {}", describe(line, view))
}

/// A line's words without the time.
fn describe(line: &Line<'_>, view: &View) -> String {
    let id = |id: &str| text::id(id, view.trunc).to_owned();
    let entry = |what: &str, c: &ContainerEntry| {
        format!(
            "{what} {} {} (image={}, pid={}, state={})",
            id(&c.id),
            c.name,
            c.image,
            c.pid,
            c.state
        )
    };
    match line {
        Line::Present(c) => entry("present", c),
        Line::Change(InventoryChange::Added(c)) => entry("added", c),
        Line::Change(InventoryChange::Removed(cid, Some(c))) => {
            format!("removed {} {}", id(cid), c.name)
        }
        Line::Change(InventoryChange::Removed(cid, None)) => format!("removed {}", id(cid)),
        Line::Change(InventoryChange::StateChanged { id: cid, from, to }) => {
            format!("state {} ({from} -> {to})", id(cid))
        }
        Line::Change(InventoryChange::Renamed { id: cid, from, to }) => {
            format!("renamed {} ({from} -> {to})", id(cid))
        }
        Line::Change(InventoryChange::Resynced(reason)) => format!("resynced ({reason})"),
        Line::Change(other) => format!("changed ({other:?})"),
    }
}

/// The screen's "last change" text.
fn summary(change: &InventoryChange, now: SystemTime, view: &View) -> String {
    let secs = now
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0);
    let stamp = time::rfc3339_nanos(UnixNanos::new(secs, 0));
    let hms = stamp.get(11..19).unwrap_or("");
    format!("{hms} {}", describe(&Line::Change(change), view))
}

/// A line as JSON, with engine-style key names.
fn json(line: &Line<'_>) -> serde_json::Value {
    use serde_json::json;
    let entry = |c: &ContainerEntry| {
        json!({
            "Id": c.id, "Name": c.name, "Image": c.image, "ImageID": c.image_id,
            "Pid": c.pid, "State": c.state.to_string(), "StartedAt": c.started_at,
            "Labels": c.labels,
        })
    };
    match line {
        Line::Present(c) => json!({"Change": "present", "Container": entry(c)}),
        Line::Change(InventoryChange::Added(c)) => {
            json!({"Change": "added", "Container": entry(c)})
        }
        Line::Change(InventoryChange::Removed(id, c)) => {
            json!({"Change": "removed", "Id": id, "Container": c.as_ref().map(entry)})
        }
        Line::Change(InventoryChange::StateChanged { id, from, to }) => json!({
            "Change": "state", "Id": id, "From": from.to_string(), "To": to.to_string(),
        }),
        Line::Change(InventoryChange::Renamed { id, from, to }) => {
            json!({"Change": "renamed", "Id": id, "From": from, "To": to})
        }
        Line::Change(InventoryChange::Resynced(reason)) => {
            json!({"Change": "resynced", "Reason": reason.to_string()})
        }
        Line::Change(other) => json!({"Change": format!("{other:?}")}),
    }
}
