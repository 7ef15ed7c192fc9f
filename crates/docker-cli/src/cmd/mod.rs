//! One module per command. Each has a `run` that calls the engine and a `render` (or
//! similar) that writes the answer into a `&mut dyn Write`, taking the current time as a
//! parameter where the output depends on it, so output is testable without an engine.

pub mod context;
pub mod cp;
pub mod diff;
pub mod events;
pub mod exec;
pub mod images;
pub mod info;
pub mod inspect;
pub mod kill;
pub mod login;
pub mod logs;
pub mod network;
pub mod progress;
pub mod ps;
pub mod pull;
pub mod request;
pub mod restart;
pub mod rm;
pub mod run;
pub mod stdio;
pub mod stop;
pub mod top;
pub mod version;
pub mod volume;
pub mod watch;

use crate::args::Format;

/// How to show results: the format and whether to truncate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct View {
    /// Table (docker's look) or JSON (the engine's models).
    pub format: Format,
    /// Shorten IDs, commands and names as docker does (off with `--no-trunc`).
    pub trunc: bool,
}

impl View {
    /// The default view: docker's table, truncated.
    pub fn table() -> View {
        View {
            format: Format::Table,
            trunc: true,
        }
    }

    /// JSON output.
    pub fn json() -> View {
        View {
            format: Format::Json,
            trunc: true,
        }
    }

    /// True for JSON output.
    pub fn is_json(&self) -> bool {
        self.format == Format::Json
    }
}
