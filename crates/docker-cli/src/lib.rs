//! `dkr`, a small and fast Docker command-line program on the blocking
//! [`docker_client`].
//!
//! The binary (`main.rs`) only parses the arguments and calls [`run`]. Everything else is
//! here, so it can be tested:
//!
//! - [`args`]: the command line (clap);
//! - [`cmd`]: one module per command, each writing into a `&mut dyn Write` and taking the
//!   current time as a parameter where the output depends on it;
//! - [`text`]: docker's look (tables, short IDs, quoting, ports, sizes);
//! - [`tar`]: the minimal tar reader and writer of `cp`;
//! - [`time`]: RFC 3339, the Docker CLI's time forms and human durations, without a time
//!   crate;
//! - [`error`]: failures, their messages and exit statuses.
//!
//! Start-up does no work beyond parsing the arguments: no configuration files are read,
//! no runtime is started; the first request goes out at once.
#![forbid(unsafe_code)]
#![deny(missing_docs)]
// The argument types' doc comments are clap's help text, in docker's words:
// `NAME[:TAG]` there is usage, not a link.
#![allow(rustdoc::broken_intra_doc_links)]

pub mod args;
pub mod cmd;
pub mod error;
pub mod tar;
pub mod text;
pub mod time;

use std::io::{self, BufWriter, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use docker_client::blocking::Client;

use crate::args::{Cli, Command};
use crate::cmd::View;
use crate::error::Failure;

/// Builds the client: `--host`, else `DOCKER_HOST`, else the default socket;
/// `DOCKER_API_VERSION` pins the version; `--timeout` sets the head timeout and the total
/// deadline of every call that is not a stream.
pub fn client(cli: &Cli) -> Result<Client, Failure> {
    let mut builder = Client::builder().from_env();
    if let Some(host) = &cli.host {
        builder = builder.host(host);
    }
    if let Some(name) = &cli.context {
        builder = builder.context(name);
    }
    // As in docker, TLS is on with --tls, --tlsverify, DOCKER_TLS or DOCKER_TLS_VERIFY,
    // and the file flags count only then.
    let env_set = |name: &str| std::env::var_os(name).is_some_and(|v| !v.is_empty());
    let tls_on = cli.tls || cli.tlsverify || env_set("DOCKER_TLS") || env_set("DOCKER_TLS_VERIFY");
    if cli.tlsverify {
        builder = builder.tls_verify();
    } else if cli.tls {
        builder = builder.tls_skip_verify();
    }
    if tls_on {
        if let Some(path) = &cli.tlscacert {
            builder = builder.tls_ca_file(path);
        }
        if let Some(path) = &cli.tlscert {
            builder = builder.tls_cert_file(path);
        }
        if let Some(path) = &cli.tlskey {
            builder = builder.tls_key_file(path);
        }
    }
    if let Some(t) = cli.timeout {
        builder = builder.head_timeout(t).total_timeout(t);
    }
    let client = builder.build().map_err(Failure::Config)?;
    // Once per run, before the first request: an engine on plain TCP beyond loopback.
    if let Some(warning) = client.endpoint_choice().warning() {
        let _ = writeln!(io::stderr().lock(), "{warning}");
    }
    Ok(client)
}

/// Runs the command line, writing to standard output and error, and returns the exit
/// status.
pub fn run(cli: &Cli) -> u8 {
    let now = SystemTime::now();
    let stdout = io::stdout();
    let mut out = BufWriter::with_capacity(32 * 1024, stdout.lock());
    let result = execute(cli, now, &mut out).and_then(|()| out.flush().map_err(Failure::Io));
    match result {
        Ok(()) => error::EXIT_OK,
        Err(failure) => {
            // What was printed comes before the error, as with docker.
            let _ = out.flush();
            if let Some(message) = failure.message() {
                let _ = writeln!(io::stderr().lock(), "{message}");
            }
            failure.exit_code()
        }
    }
}

/// The moment relative times ("5 seconds ago") are counted from: for `ps` and `images`,
/// when the engine first answered, as docker counts them once the answer is in (over ssh,
/// connecting takes a second or more); `events` and `logs` read `--since` and `--until`
/// against the start, as docker does. The first answer is the version negotiation that
/// every request waits for anyway, so this sends nothing more; with a pinned version
/// (`DOCKER_API_VERSION`) there is none, and `started` is kept.
fn answered(
    client: &Client,
    command: &Command,
    started: SystemTime,
) -> Result<SystemTime, Failure> {
    match command {
        Command::Ps(_) | Command::Images(_) => {
            client.api_version()?;
            Ok(SystemTime::now().max(started))
        }
        _ => Ok(started),
    }
}

/// Runs one command, writing its output to `out`.
pub fn execute(cli: &Cli, now: SystemTime, out: &mut dyn Write) -> Result<(), Failure> {
    if let Command::Context(a) = &cli.command {
        return context_command(cli, &a.command, out);
    }
    let client = client(cli)?;
    let now = answered(&client, &cli.command, now)?;
    let view = View {
        format: cli.format,
        trunc: !cli.no_trunc,
    };
    match &cli.command {
        Command::Ps(a) => cmd::ps::run(&client, a, &view, now, out),
        Command::Inspect(a) => cmd::inspect::run(&client, a, out),
        Command::Top(a) => cmd::top::run(&client, a, &view, out),
        Command::Diff(a) => cmd::diff::run(&client, a, &view, out),
        Command::Kill(a) => cmd::kill::run(&client, a, out),
        Command::Restart(a) => cmd::restart::run(&client, a, out),
        Command::Events(a) => cmd::events::run(&client, a, &view, now, out),
        Command::Watch(a) => {
            let terminal = io::stdout().is_terminal();
            cmd::watch::run(&client, a, &view, terminal, out)
        }
        Command::Info => cmd::info::run(&client, &view, out, &mut io::stderr().lock()),
        Command::Version => cmd::version::run(&client, &view, out),
        Command::Request(a) => cmd::request::run(&client, a, out, &mut io::stdin().lock()),
        Command::Run(a) => cmd::run::run(&client, a, process_stdio(out, &mut io::stderr())),
        Command::Exec(a) => cmd::exec::run(&client, a, process_stdio(out, &mut io::stderr())),
        Command::Logs(a) => cmd::logs::run(&client, a, now, out, &mut io::stderr()),
        Command::Stop(a) => cmd::stop::run(&client, a, out),
        Command::Rm(a) => cmd::rm::run(&client, a, out),
        Command::Cp(a) => cmd::cp::run(&client, a, out, &mut io::stderr()),
        Command::Images(a) => cmd::images::run(&client, a, &view, now, out),
        Command::Pull(a) => cmd::pull::pull(&client, a, progress_output(out, &mut io::stderr())),
        Command::Push(a) => cmd::pull::push(&client, a, progress_output(out, &mut io::stderr())),
        Command::Network(a) => cmd::network::run(&client, &a.command, &view, out),
        Command::Volume(a) => cmd::volume::run(&client, &a.command, &view, out, &mut io::stderr()),
        Command::Context(_) => unreachable!("handled before the client is built"),
        Command::Login(a) => {
            let stdin = io::stdin();
            let input = cmd::login::Input {
                terminal: stdin.is_terminal(),
                stdin: &mut stdin.lock(),
            };
            cmd::login::run(&client, a, input, out, &mut io::stderr())
        }
    }
}

/// `dkr context ...`, which needs no engine: the current context is docker's
/// (`--context`, else `default` when `-H` or `DOCKER_HOST` is given, else `DOCKER_CONTEXT`,
/// else `config.json`'s).
fn context_command(
    cli: &Cli,
    command: &crate::args::ContextCommand,
    out: &mut dyn Write,
) -> Result<(), Failure> {
    let store = docker_client::ContextStore::from_env();
    let env = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
    let docker_host = cli.host.clone().or_else(|| env("DOCKER_HOST"));
    let current = match (&cli.context, &docker_host, env("DOCKER_CONTEXT")) {
        (Some(name), _, _) => name.clone(),
        (None, Some(_), _) => docker_client::DEFAULT_CONTEXT.to_owned(),
        (None, None, Some(name)) => name,
        (None, None, None) => store.current().map_err(Failure::Config)?,
    };
    // The default context's TLS, as docker's flags and variables give it.
    let tls_on = cli.tls
        || cli.tlsverify
        || env("DOCKER_TLS").is_some()
        || env("DOCKER_TLS_VERIFY").is_some();
    let default_tls = tls_on.then(|| {
        let config_dir = store.config_file().parent().map(Path::to_owned);
        let dir = env("DOCKER_CERT_PATH").map(PathBuf::from).or(config_dir);
        let pick = |flag: &Option<PathBuf>, name: &str| {
            flag.clone().or_else(|| {
                let path = dir.as_ref()?.join(name);
                path.exists().then_some(path)
            })
        };
        let files = [
            ("ca.pem", pick(&cli.tlscacert, "ca.pem")),
            ("cert.pem", pick(&cli.tlscert, "cert.pem")),
            ("key.pem", pick(&cli.tlskey, "key.pem")),
        ];
        cmd::context::DefaultTls {
            files: files
                .into_iter()
                .filter_map(|(name, path)| Some((name.to_owned(), path?)))
                .collect(),
            skip_verify: !(cli.tlsverify || env("DOCKER_TLS_VERIFY").is_some()),
        }
    });
    let scope = cmd::context::Scope {
        store: &store,
        docker_host: docker_host.as_deref(),
        current,
        env_docker_host: env("DOCKER_HOST").is_some(),
        default_tls,
    };
    cmd::context::run(&scope, command, cli.format, out, &mut io::stderr().lock())
}

/// Where `pull` and `push` show their progress: redrawn in place when standard output is a
/// terminal (as wide as `stty size` says, else docker's default).
fn progress_output<'a>(out: &'a mut dyn Write, err: &'a mut dyn Write) -> cmd::pull::Output<'a> {
    let terminal = io::stdout().is_terminal();
    let width = match terminal {
        true => cmd::stdio::terminal_columns().map_or(cmd::progress::DEFAULT_WIDTH, usize::from),
        false => cmd::progress::DEFAULT_WIDTH,
    };
    cmd::pull::Output {
        out,
        err,
        terminal,
        width,
    }
}

/// The standard streams for `run` and `exec`: output to `out` and `err`, dkr's standard
/// input for `-i`.
fn process_stdio<'a>(out: &'a mut dyn Write, err: &'a mut dyn Write) -> cmd::stdio::Stdio<'a> {
    cmd::stdio::Stdio {
        out,
        err,
        stdin: Box::new(io::stdin()),
        stdin_is_terminal: io::stdin().is_terminal(),
    }
}
