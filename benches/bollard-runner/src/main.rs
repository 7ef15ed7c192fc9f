//! bollard in `cargo xtask bench`: `bollard` (multi-thread runtime, as `#[tokio::main]`
//! gives) and `bollard-ct` (current-thread).
//!
//! `bollard-runner CLIENT SCENARIO SETUP-FILE OPS` makes one timed run and prints one JSON
//! line, as ours-runner does. Stock bollard: `Docker::connect_with_unix` with the default
//! client version, then `negotiate_version`, as its documentation shows for an engine
//! older than the client. Every answer is decoded into bollard's own models. The `tls-*`
//! scenarios repeat `ping` and `inspect` over the engine's TLS listener with
//! `Docker::connect_with_ssl` (the `ssl` feature: rustls with ring), and `tls-connect`
//! makes a new `Docker` per operation, as a short-lived program does, and pings once.

#[path = "../../common/runner.rs"]
mod common;

use std::collections::HashMap;
use std::hint::black_box;
use std::process::ExitCode;

use bollard::container::LogOutput;
use bollard::query_parameters::{
    EventsOptions, InspectContainerOptions, ListContainersOptions, LogsOptions,
};
use bollard::{Docker, API_DEFAULT_VERSION};
use common::{over_tls, Args, Clock, LogCount, Sample, Setup};
use futures_util::StreamExt;

type Res<T> = Result<T, String>;

fn main() -> ExitCode {
    let args = match Args::from_env() {
        Ok(args) => args,
        Err(e) => {
            eprintln!("bollard-runner: {e}");
            return ExitCode::from(2);
        }
    };
    let rt = match args.client.as_str() {
        "bollard" => tokio::runtime::Builder::new_multi_thread()
            .enable_all()
            .build(),
        "bollard-ct" => tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build(),
        other => {
            eprintln!("bollard-runner: unknown client `{other}`");
            return ExitCode::from(2);
        }
    };
    let rt = rt.expect("a tokio runtime");
    match rt.block_on(run(&args.scenario, &args.setup, args.ops)) {
        Ok(sample) => {
            sample.print(&args.client, &args.scenario);
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("bollard-runner {} {}: {e}", args.client, args.scenario);
            ExitCode::FAILURE
        }
    }
}

fn s(e: impl std::fmt::Display) -> String {
    e.to_string()
}

fn label_filter(label: &str) -> HashMap<String, Vec<String>> {
    HashMap::from([("label".to_owned(), vec![label.to_owned()])])
}

/// Stock bollard over the engine's TLS listener, verified, with the client certificate.
fn connect_tls(setup: &Setup) -> Res<Docker> {
    Docker::connect_with_ssl(
        &setup.tls_host,
        &setup.tls_file("key.pem"),
        &setup.tls_file("cert.pem"),
        &setup.tls_file("ca.pem"),
        120,
        API_DEFAULT_VERSION,
    )
    .map_err(s)
}

async fn run(scenario: &str, setup: &Setup, ops: u64) -> Res<Sample> {
    let docker = match over_tls(scenario) {
        Some(_) => connect_tls(setup)?,
        None => Docker::connect_with_unix(setup.socket_for(scenario), 120, API_DEFAULT_VERSION)
            .map_err(s)?,
    };
    let docker = docker.negotiate_version().await.map_err(s)?;
    let scenario = over_tls(scenario).unwrap_or(scenario);
    let mut sample = Sample::default();
    // Warm-up, as for every client.
    docker.ping().await.map_err(s)?;
    let clock;
    match scenario {
        "ping" => {
            clock = Clock::start();
            for _ in 0..ops {
                black_box(docker.ping().await.map_err(s)?);
            }
        }
        "connect" => {
            clock = Clock::start();
            for _ in 0..ops {
                let fresh = connect_tls(setup)?;
                black_box(fresh.ping().await.map_err(s)?);
            }
        }
        "version" => {
            clock = Clock::start();
            for _ in 0..ops {
                black_box(docker.version().await.map_err(s)?);
            }
        }
        "list" => {
            let opts = ListContainersOptions {
                all: true,
                filters: Some(label_filter(&setup.list_label)),
                ..Default::default()
            };
            clock = Clock::start();
            for _ in 0..ops {
                let list = docker
                    .list_containers(Some(opts.clone()))
                    .await
                    .map_err(s)?;
                if list.len() != setup.list_count {
                    return Err(format!("{} containers listed", list.len()));
                }
                sample.items += list.len() as u64;
            }
        }
        "inspect" => {
            clock = Clock::start();
            for i in 0..ops as usize {
                let id = setup.inspect_id(0, i);
                let info = docker
                    .inspect_container(id, None::<InspectContainerOptions>)
                    .await
                    .map_err(s)?;
                black_box(info);
            }
        }
        "events" => {
            let opts = EventsOptions {
                since: Some(setup.events_since.clone()),
                until: Some(setup.events_until.clone()),
                filters: Some(label_filter(&setup.events_label)),
            };
            clock = Clock::start();
            for _ in 0..ops {
                let mut events = docker.events(Some(opts.clone()));
                while let Some(event) = events.next().await {
                    black_box(event.map_err(s)?);
                    sample.items += 1;
                }
            }
        }
        "logs" | "fake-logs" => {
            let (id, expected) = setup.logs_target(scenario);
            let opts = LogsOptions {
                stdout: true,
                stderr: true,
                ..Default::default()
            };
            clock = Clock::start();
            for _ in 0..ops {
                let mut count = LogCount::default();
                let mut logs = docker.logs(id, Some(opts.clone()));
                while let Some(piece) = logs.next().await {
                    match piece.map_err(s)? {
                        LogOutput::StdErr { message } => count.add(true, message.len()),
                        LogOutput::StdOut { message }
                        | LogOutput::StdIn { message }
                        | LogOutput::Console { message } => count.add(false, message.len()),
                    }
                }
                sample.bytes += count.check(expected)?;
                sample.items += count.pieces;
            }
        }
        "concurrent" => {
            let per_worker = ops as usize / setup.workers;
            let work: Vec<Vec<String>> = (0..setup.workers)
                .map(|w| {
                    (0..per_worker)
                        .map(|i| setup.inspect_id(w, i).to_owned())
                        .collect()
                })
                .collect();
            clock = Clock::start();
            let tasks: Vec<_> = work
                .into_iter()
                .map(|ids| {
                    let docker = docker.clone();
                    tokio::spawn(async move {
                        for id in &ids {
                            let info = docker
                                .inspect_container(id, None::<InspectContainerOptions>)
                                .await?;
                            black_box(info);
                        }
                        Ok::<(), bollard::errors::Error>(())
                    })
                })
                .collect();
            for task in tasks {
                task.await.map_err(s)?.map_err(s)?;
            }
            sample.ops = (per_worker * setup.workers) as u64;
        }
        other => return Err(format!("unknown scenario `{other}`")),
    }
    Ok(sample.finish(clock, ops))
}
