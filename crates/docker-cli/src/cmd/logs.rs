//! `dkr logs`: a container's output, stdout to standard output and stderr to standard
//! error, passed on as it arrives.

use std::io::Write;
use std::time::SystemTime;

use docker_client::blocking::Client;
use docker_client::LogsOptions;

use super::stdio;
use crate::args::{LogsArgs, Tail};
use crate::error::Failure;
use crate::time;

/// The logs options for the arguments; `--since`/`--until` are read relative to `now`.
pub fn options(args: &LogsArgs, now: SystemTime) -> Result<LogsOptions, Failure> {
    let mut opts = LogsOptions::default()
        .follow(args.follow)
        .timestamps(args.timestamps);
    if let Some(Tail::Lines(n)) = args.tail {
        opts = opts.tail(n);
    }
    let read = |flag: &str, value: &str| {
        time::parse_timestamp(value, now).map_err(|e| Failure::Usage(format!("--{flag}: {e}")))
    };
    if let Some(since) = &args.since {
        opts = opts.since(read("since", since)?);
    }
    if let Some(until) = &args.until {
        opts = opts.until(read("until", until)?);
    }
    Ok(opts)
}

/// Copies the logs; with `-f`, until the container stops.
pub fn run(
    client: &Client,
    args: &LogsArgs,
    now: SystemTime,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Result<(), Failure> {
    let opts = options(args, now)?;
    stdio::copy_output(client.logs_container(&args.container, &opts)?, out, err)
}
