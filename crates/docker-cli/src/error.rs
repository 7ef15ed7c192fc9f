//! How a command fails, what it prints on standard error, and its exit status.
//!
//! | status | when |
//! |---|---|
//! | 0 | success, and also a closed standard output (`dkr ps \| head -1`) |
//! | 1 | the engine refused (404, 409, 400...), or any other failure |
//! | 2 | a usage error (clap's own, or one found after parsing) |
//! | 125 | the engine cannot be reached, or its address is invalid |
//!
//! `run` and `exec` exit with the status of the process they ran; `run` also takes docker's
//! 125 (the container could not be created or started), 126 (its command cannot be
//! invoked) and 127 (its command was not found).

use std::fmt;
use std::io;

/// Exit status: success.
pub const EXIT_OK: u8 = 0;
/// Exit status: the engine refused, or anything else failed.
pub const EXIT_FAILURE: u8 = 1;
/// Exit status: a usage error.
pub const EXIT_USAGE: u8 = 2;
/// Exit status: the engine cannot be reached.
pub const EXIT_UNREACHABLE: u8 = 125;

/// Why a command failed.
#[derive(Debug)]
pub enum Failure {
    /// A client or engine error.
    Client(docker_client::Error),
    /// The client could not be built from --host, DOCKER_HOST or DOCKER_API_VERSION.
    Config(docker_client::Error),
    /// Writing the output failed.
    Io(io::Error),
    /// The arguments make no sense together (exit 2).
    Usage(String),
    /// Failures already worded, one message per line (exit 1): for commands that go on
    /// after a failed item, like `kill a b c`.
    Reported(Vec<String>),
    /// Anything else, worded (exit 1).
    Other(String),
    /// A status of its own: the exit status of the process that `run` or `exec` ran (with
    /// no message), or docker's 125, 126 and 127 for a container that could not be
    /// created or started (with the message).
    Status {
        /// The exit status.
        code: u8,
        /// What to print on standard error, if anything.
        message: Option<String>,
    },
}

impl Failure {
    /// The exit status for this failure.
    pub fn exit_code(&self) -> u8 {
        match self {
            Failure::Client(e) if is_unreachable(e) => EXIT_UNREACHABLE,
            Failure::Config(_) => EXIT_UNREACHABLE,
            Failure::Io(e) if e.kind() == io::ErrorKind::BrokenPipe => EXIT_OK,
            Failure::Usage(_) => EXIT_USAGE,
            Failure::Status { code, .. } => *code,
            _ => EXIT_FAILURE,
        }
    }

    /// The message for standard error, or `None` when nothing is to be said (a reader
    /// that closed the pipe).
    pub fn message(&self) -> Option<String> {
        match self {
            Failure::Client(e) => Some(client_message(e)),
            Failure::Config(e) => Some(format!(
                "Error: {e} (check --host, DOCKER_HOST and DOCKER_API_VERSION)"
            )),
            Failure::Io(e) if e.kind() == io::ErrorKind::BrokenPipe => None,
            Failure::Io(e) => Some(format!("Error: cannot write the output: {e}")),
            Failure::Usage(m) => Some(format!("Error: {m}\n\nRun 'dkr --help' for usage.")),
            Failure::Reported(lines) => Some(lines.join("\n")),
            Failure::Other(m) => Some(format!("Error: {m}")),
            Failure::Status { message, .. } => message.clone(),
        }
    }
}

impl From<docker_client::Error> for Failure {
    fn from(e: docker_client::Error) -> Failure {
        Failure::Client(e)
    }
}

impl From<io::Error> for Failure {
    fn from(e: io::Error) -> Failure {
        Failure::Io(e)
    }
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.message().as_deref().unwrap_or("output closed"))
    }
}

/// True when the engine could not be reached at all: no socket, refused, forbidden, or a
/// connect timeout.
pub fn is_unreachable(e: &docker_client::Error) -> bool {
    e.is_connect()
}

/// The one line docker prints for a client error: `Error response from daemon: <the
/// engine's message>` when the engine answered, else what went wrong.
pub fn client_message(e: &docker_client::Error) -> String {
    match (e.status_code(), e.message()) {
        (Some(_), Some(message)) => format!("Error response from daemon: {message}"),
        _ if no_engine_listens(e) => format!("{e}\n{NO_ENGINE}"),
        _ if is_unreachable(e) => e.to_string(),
        _ => format!("Error: {e}"),
    }
}

/// What a newcomer whose machine runs no engine reads after the error.
pub const NO_ENGINE: &str = "\
No Docker engine here? Install one (https://docs.docker.com/engine/install/), or, in a \
clone of docker-rs, start a private one as root and point dkr at it:
    export \"$(cargo xtask engine up)\"";

/// True when nothing listens where the engine should be: no socket there, or the
/// connection was refused. (A forbidden socket has an engine; its message says what to do.)
fn no_engine_listens(e: &docker_client::Error) -> bool {
    let docker_client::Error::Transport(t) = e else {
        return false;
    };
    matches!(
        t.connect_failure(),
        Some(docker_client::ConnectFailure::NotFound | docker_client::ConnectFailure::Refused)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn engine_refusals_exit_1_with_the_engine_message() {
        let f = Failure::Client(docker_client::Error::NotFound {
            message: "No such container: x".into(),
        });
        assert_eq!(f.exit_code(), 1);
        assert_eq!(
            f.message().unwrap(),
            "Error response from daemon: No such container: x"
        );
        let f = Failure::Client(docker_client::Error::Api {
            status: 400,
            message: "Invalid signal: FOO".into(),
        });
        assert_eq!(f.exit_code(), 1);
        assert_eq!(
            f.message().unwrap(),
            "Error response from daemon: Invalid signal: FOO"
        );
    }

    #[test]
    fn a_missing_socket_says_how_to_get_an_engine() {
        let client = docker_client::blocking::Client::unix("/nonexistent/docker.sock");
        let f = Failure::Client(client.ping().unwrap_err());
        assert_eq!(f.exit_code(), 125);
        let message = f.message().unwrap();
        let (first, advice) = message.split_once('\n').unwrap();
        assert!(
            first.contains("no socket at /nonexistent/docker.sock"),
            "{first}"
        );
        assert_eq!(advice, NO_ENGINE);
        assert!(
            advice.contains("export \"$(cargo xtask engine up)\""),
            "{advice}"
        );
    }

    #[test]
    fn a_closed_pipe_is_quiet_success() {
        let f = Failure::Io(io::Error::from(io::ErrorKind::BrokenPipe));
        assert_eq!(f.exit_code(), 0);
        assert_eq!(f.message(), None);
        let f = Failure::Io(io::Error::from(io::ErrorKind::StorageFull));
        assert_eq!(f.exit_code(), 1);
    }

    #[test]
    fn usage_and_reported_failures() {
        assert_eq!(Failure::Usage("x".into()).exit_code(), 2);
        let f = Failure::Reported(vec!["a".into(), "b".into()]);
        assert_eq!((f.exit_code(), f.message().unwrap()), (1, "a\nb".into()));
    }
}
