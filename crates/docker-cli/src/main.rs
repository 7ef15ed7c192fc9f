//! `dkr`: parse the arguments, run the command, exit with its status.
//!
//! Usage errors exit 2 (clap), engine refusals 1, an unreachable engine 125.
use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = dkr::args::Cli::parse();
    ExitCode::from(dkr::run(&cli))
}
