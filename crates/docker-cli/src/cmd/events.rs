//! `dkr events`: the engine's events, one line each, as `docker events` prints them.

use std::io::{self, Write};
use std::time::SystemTime;

use docker_client::blocking::Client;
use docker_client::EventsOptions;
use docker_models::EventMessage;

use super::View;
use crate::args::EventsArgs;
use crate::error::Failure;
use crate::text;
use crate::time::{self, UnixNanos};

/// The events options for the arguments; `--since`/`--until` are read relative to `now`.
pub fn options(args: &EventsArgs, now: SystemTime) -> Result<EventsOptions, Failure> {
    let mut opts = EventsOptions::default();
    let read = |flag: &str, value: &str| {
        time::parse_timestamp(value, now).map_err(|e| Failure::Usage(format!("--{flag}: {e}")))
    };
    if let Some(since) = &args.since {
        opts = opts.since(read("since", since)?);
    }
    if let Some(until) = &args.until {
        opts = opts.until(read("until", until)?);
    }
    for (k, v) in &args.filters {
        opts = opts.filter(k, v);
    }
    Ok(opts)
}

/// Prints events as they come, flushing each; ends when the engine ends the stream (an
/// `--until` was given), else runs until interrupted.
pub fn run(
    client: &Client,
    args: &EventsArgs,
    view: &View,
    now: SystemTime,
    out: &mut dyn Write,
) -> Result<(), Failure> {
    let opts = options(args, now)?;
    for event in client.events(&opts)? {
        render_event(&event?, view, out)?;
        out.flush()?;
    }
    Ok(())
}

/// One event: `2026-11-28T11:04:53.397002825Z container kill 1cd7... (image=bb:latest,
/// name=x, signal=15)`, times in UTC; or the event as one line of JSON.
pub fn render_event(e: &EventMessage, view: &View, out: &mut dyn Write) -> io::Result<()> {
    if view.is_json() {
        return text::write_json_line(out, e);
    }
    if e.time_nano != 0 || e.time != 0 {
        let t = UnixNanos(i128::from(e.time_nano()));
        write!(out, "{} ", time::rfc3339_nanos_fixed(t))?;
    }
    let action = if e.action.is_empty() {
        &e.status
    } else {
        &e.action
    };
    write!(out, "{} {} {}", e.typ, action, e.actor_id())?;
    let attrs = &e.actor.attributes;
    if !attrs.is_empty() {
        out.write_all(b" (")?;
        for (i, (k, v)) in attrs.iter().enumerate() {
            if i > 0 {
                out.write_all(b", ")?;
            }
            write!(out, "{k}={v}")?;
        }
        out.write_all(b")")?;
    }
    out.write_all(b"\n")
}
