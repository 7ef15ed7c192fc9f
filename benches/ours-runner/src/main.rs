//! The project's clients in `cargo xtask bench`: `blocking`, `tokio-ct` and `tokio-mt`.
//!
//! `ours-runner CLIENT SCENARIO SETUP-FILE OPS` makes one timed run and prints one JSON
//! line. Stock clients (`builder().host(..).build()`: default pool and timeouts, the
//! version negotiated on first use) doing what an application would: every answer is
//! decoded into its model, every event into `EventMessage`, every log piece into a
//! `LogChunk`. The `transport` scenario calls docker-transport directly. The `tls-*`
//! scenarios repeat `ping` and `inspect` over the engine's TLS listener (verified, with the
//! client certificate: the builder's `tls_*` options), and `tls-connect` builds a new
//! client per operation, reading its certificates, and pings once; `tls-handshake` pings
//! on one client that keeps no idle connection (`pool_size(0)`), so that every ping
//! connects and shakes hands anew with the certificates already loaded.

#[path = "../../common/runner.rs"]
mod common;

use std::future::{poll_fn, Future};
use std::hint::black_box;
use std::pin::Pin;
use std::process::ExitCode;

use common::{over_tls, parse_time, thread_ends, Args, Clock, LogCount, Sample, Setup};
use docker_client::blocking::Client;
use docker_client::tokio::Client as AsyncClient;
use docker_client::{Client as GenericClient, ClientBuilder, Flavour};
use docker_client::{EventsOptions, ListContainersOptions, LogsOptions, OutputStream};
use docker_transport as transport;
use futures_core::Stream;

type Res<T> = Result<T, String>;

fn main() -> ExitCode {
    let args = match Args::from_env() {
        Ok(args) => args,
        Err(e) => {
            eprintln!("ours-runner: {e}");
            return ExitCode::from(2);
        }
    };
    match run(&args) {
        Ok(sample) => {
            sample.print(&args.client, &args.scenario);
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("ours-runner {} {}: {e}", args.client, args.scenario);
            ExitCode::FAILURE
        }
    }
}

/// The stock builder over the engine's TLS listener: verified against its CA, with the
/// client certificate, as `--tlsverify --tlscacert --tlscert --tlskey` would give.
fn tls_builder<F: Flavour>(setup: &Setup) -> ClientBuilder<F> {
    GenericClient::<F>::builder()
        .host(&setup.tls_host)
        .tls_verify()
        .tls_ca_file(setup.tls_file("ca.pem"))
        .tls_cert_file(setup.tls_file("cert.pem"))
        .tls_key_file(setup.tls_file("key.pem"))
}

/// The stock builder of a scenario: the TLS listener for `tls-*`, else the Unix socket.
fn builder<F: Flavour>(setup: &Setup, scenario: &str) -> ClientBuilder<F> {
    match over_tls(scenario) {
        // No idle connection is kept: every request connects and shakes hands anew.
        Some("handshake") => tls_builder(setup).pool_size(0),
        Some(_) => tls_builder(setup),
        None => GenericClient::<F>::builder().host(&format!(
            "unix://{}",
            setup.socket_for(scenario)
        )),
    }
}

fn run(args: &Args) -> Res<Sample> {
    let (setup, ops) = (&args.setup, args.ops);
    let scenario = over_tls(&args.scenario).unwrap_or(&args.scenario);
    match args.client.as_str() {
        // The same code; the binary differs (built with the `tracing` feature).
        "blocking" | "blocking-traced" => {
            let c = builder(setup, &args.scenario).build().map_err(s)?;
            blocking(&c, scenario, setup, ops)
        }
        flavour @ ("tokio-ct" | "tokio-mt") => {
            let c = builder(setup, &args.scenario).build().map_err(s)?;
            let rt = match flavour {
                "tokio-ct" => tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build(),
                _ => tokio::runtime::Builder::new_multi_thread()
                    .enable_all()
                    .build(),
            }
            .map_err(s)?;
            rt.block_on(asynchronous(c, scenario, setup, ops))
        }
        other => Err(format!("unknown client `{other}`")),
    }
}

fn s(e: impl std::fmt::Display) -> String {
    e.to_string()
}

/// The transport's default configuration for the engine's socket.
fn transport_config(setup: &Setup) -> transport::Config {
    let path = std::path::PathBuf::from(&setup.socket);
    transport::Config::new(transport::Endpoint::Unix(path))
}

fn events_options(setup: &Setup) -> Res<EventsOptions> {
    Ok(EventsOptions::default()
        .since(parse_time(&setup.events_since)?)
        .until(parse_time(&setup.events_until)?)
        .filter("label", &setup.events_label))
}

fn list_options(setup: &Setup) -> ListContainersOptions {
    ListContainersOptions::default()
        .all(true)
        .filter("label", &setup.list_label)
}

fn check_list(setup: &Setup, n: usize) -> Res<()> {
    match n == setup.list_count {
        true => Ok(()),
        false => Err(format!("{n} containers listed, not {}", setup.list_count)),
    }
}

fn blocking(c: &Client, scenario: &str, setup: &Setup, ops: u64) -> Res<Sample> {
    let mut sample = Sample::default();
    // Warm-up: negotiates the version and opens the connection.
    c.ping().map_err(s)?;
    let clock;
    match scenario {
        "ping" | "handshake" => {
            clock = Clock::start();
            for _ in 0..ops {
                black_box(c.ping().map_err(s)?);
            }
        }
        "connect" => {
            clock = Clock::start();
            for _ in 0..ops {
                let fresh: Client = tls_builder(setup).build().map_err(s)?;
                black_box(fresh.ping().map_err(s)?);
            }
        }
        "transport" => {
            // docker-transport alone: what a request costs below the client.
            let t = transport::blocking::Transport::new(transport_config(setup));
            let get = || transport::Request::new(transport::Method::Get, "/_ping");
            t.send(get()).and_then(|r| r.bytes()).map_err(s)?;
            clock = Clock::start();
            for _ in 0..ops {
                black_box(t.send(get()).and_then(|r| r.bytes()).map_err(s)?);
            }
        }
        "version" => {
            clock = Clock::start();
            for _ in 0..ops {
                black_box(c.version().map_err(s)?);
            }
        }
        "list" => {
            let opts = list_options(setup);
            clock = Clock::start();
            for _ in 0..ops {
                let list = c.list_containers(&opts).map_err(s)?;
                check_list(setup, list.len())?;
                sample.items += list.len() as u64;
            }
        }
        "inspect" => {
            clock = Clock::start();
            for i in 0..ops as usize {
                black_box(c.inspect_container(setup.inspect_id(0, i)).map_err(s)?);
            }
        }
        "events" => {
            let opts = events_options(setup)?;
            clock = Clock::start();
            for _ in 0..ops {
                for event in c.events(&opts).map_err(s)? {
                    black_box(event.map_err(s)?);
                    sample.items += 1;
                }
            }
        }
        "logs" | "fake-logs" => {
            let (id, expected) = setup.logs_target(scenario);
            let opts = LogsOptions::default();
            clock = Clock::start();
            for _ in 0..ops {
                let mut count = LogCount::default();
                for chunk in c.logs_container(id, &opts).map_err(s)? {
                    let chunk = chunk.map_err(s)?;
                    count.add(chunk.stream == OutputStream::Stderr, chunk.data.len());
                }
                sample.bytes += count.check(expected)?;
                sample.items += count.pieces;
            }
        }
        "concurrent" => {
            let per_worker = ops as usize / setup.workers;
            clock = Clock::start();
            std::thread::scope(|scope| {
                let handles: Vec<_> = (0..setup.workers)
                    .map(|w| {
                        let c = c.clone();
                        scope.spawn(move || -> docker_client::Result<()> {
                            let res = (0..per_worker).try_for_each(|i| {
                                black_box(c.inspect_container(setup.inspect_id(w, i))?);
                                Ok(())
                            });
                            thread_ends();
                            res
                        })
                    })
                    .collect();
                handles
                    .into_iter()
                    .try_for_each(|h| h.join().expect("a worker panicked"))
            })
            .map_err(s)?;
            sample.ops = (per_worker * setup.workers) as u64;
        }
        other => return Err(format!("unknown scenario `{other}`")),
    }
    Ok(sample.finish(clock, ops))
}

/// The next item of a stream, without a combinator crate.
fn next<S: Stream + Unpin>(stream: &mut S) -> impl Future<Output = Option<S::Item>> + '_ {
    poll_fn(move |cx| Pin::new(&mut *stream).poll_next(cx))
}

async fn asynchronous(c: AsyncClient, scenario: &str, setup: &Setup, ops: u64) -> Res<Sample> {
    let mut sample = Sample::default();
    c.ping().await.map_err(s)?;
    let clock;
    match scenario {
        "ping" | "handshake" => {
            clock = Clock::start();
            for _ in 0..ops {
                black_box(c.ping().await.map_err(s)?);
            }
        }
        "connect" => {
            clock = Clock::start();
            for _ in 0..ops {
                let fresh: AsyncClient = tls_builder(setup).build().map_err(s)?;
                black_box(fresh.ping().await.map_err(s)?);
            }
        }
        "transport" => {
            // docker-transport alone: what a request costs below the client.
            let t = transport::tokio::Transport::new(transport_config(setup));
            let get = || transport::Request::new(transport::Method::Get, "/_ping");
            t.send(get()).await.map_err(s)?.bytes().await.map_err(s)?;
            clock = Clock::start();
            for _ in 0..ops {
                let body = t.send(get()).await.map_err(s)?.bytes().await.map_err(s)?;
                black_box(body);
            }
        }
        "version" => {
            clock = Clock::start();
            for _ in 0..ops {
                black_box(c.version().await.map_err(s)?);
            }
        }
        "list" => {
            let opts = list_options(setup);
            clock = Clock::start();
            for _ in 0..ops {
                let list = c.list_containers(&opts).await.map_err(s)?;
                check_list(setup, list.len())?;
                sample.items += list.len() as u64;
            }
        }
        "inspect" => {
            clock = Clock::start();
            for i in 0..ops as usize {
                let id = setup.inspect_id(0, i);
                black_box(c.inspect_container(id).await.map_err(s)?);
            }
        }
        "events" => {
            let opts = events_options(setup)?;
            clock = Clock::start();
            for _ in 0..ops {
                let mut events = c.events(&opts).await.map_err(s)?;
                while let Some(event) = next(&mut events).await {
                    black_box(event.map_err(s)?);
                    sample.items += 1;
                }
            }
        }
        "logs" | "fake-logs" => {
            let (id, expected) = setup.logs_target(scenario);
            let opts = LogsOptions::default();
            clock = Clock::start();
            for _ in 0..ops {
                let mut count = LogCount::default();
                let mut logs = c.logs_container(id, &opts).await.map_err(s)?;
                while let Some(chunk) = next(&mut logs).await {
                    let chunk = chunk.map_err(s)?;
                    count.add(chunk.stream == OutputStream::Stderr, chunk.data.len());
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
                    let c = c.clone();
                    tokio::spawn(async move {
                        for id in &ids {
                            black_box(c.inspect_container(id).await?);
                        }
                        Ok::<(), docker_client::Error>(())
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
