//! Project automation, run as `cargo xtask <command>` (see
//! <https://github.com/matklad/cargo-xtask/>). Std only, so it builds fast.
//!
//! Each command lives in its own module and gets one arm in `main`'s match,
//! plus one entry in [`HELP`].

mod bench;
mod engine;
mod engine_remote;
mod fixtures;
mod http;
mod loc;
mod soak;

use std::process::ExitCode;

const HELP: &str = "\
Usage: cargo xtask <command> [args]

Commands:
  bench [SCENARIO...] [--quick] [--runs N] [--clients LIST]
              measure the clients against the raw socket and bollard
  engine up|down|status [--engine docker|podman] [--tls] [--ssh] [--purge]
              run a private container engine for live tests
  fixtures record|check|normalise [--engine docker|podman]
              record engine transcripts, or check the recorded ones
  soak [--quick] [--only PHASE,...] [--markdown FILE]
              the client under bounded load, cuts, engine stops, kills,
              freezes and restarts (restarts the engine of `engine up`)
  loc [--root DIR]
              code lines per crate, and the lines both flavours repeat
  help        show this text

Run `cargo xtask <command> --help` for details.
";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some((command, rest)) = args.split_first() else {
        eprint!("{HELP}");
        return ExitCode::from(2);
    };
    let result = match command.as_str() {
        "bench" => bench::run(rest),
        "engine" => engine::run(rest),
        "fixtures" => fixtures::run(rest),
        "loc" => loc::run(rest),
        "soak" => soak::run(rest),
        "help" | "-h" | "--help" => {
            print!("{HELP}");
            Ok(ExitCode::SUCCESS)
        }
        other => Err(format!("unknown command `{other}`\n\n{HELP}")),
    };
    result.unwrap_or_else(|message| {
        eprintln!("error: {message}");
        ExitCode::FAILURE
    })
}
