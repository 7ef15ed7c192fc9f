//! An interactive exec session with a TTY, as `docker exec -it` opens: the terminal in raw
//! mode, keystrokes to the process, its output to the terminal, and the TTY resized to the
//! terminal's size at the start and on every SIGWINCH.
//!
//! ```text
//! cargo run --example exec_tty -- CONTAINER sh
//! ```
//!
//! Run without a terminal (standard input a pipe), it copies the pipe, sends ^D at its end,
//! and takes the size from `LINES` and `COLUMNS` (24×80 when unset). It exits with the
//! process's exit code.

use std::error::Error;
use std::io::{IsTerminal, Read, Write};
use std::process::ExitCode;

use docker_client::blocking::Client;
use docker_client::models::ExecCreateConfig;
use docker_client::StartExecOptions;
use rustix::termios::{self, OptionalActions, Termios};

fn main() -> Result<ExitCode, Box<dyn Error>> {
    let mut args = std::env::args().skip(1);
    let container = args.next().ok_or("usage: exec_tty CONTAINER COMMAND...")?;
    let cmd: Vec<String> = args.collect();
    let client = Client::from_env()?;
    let exec = client.create_exec(
        &container,
        &ExecCreateConfig {
            cmd,
            tty: true,
            attach_stdin: true,
            attach_stdout: true,
            attach_stderr: true,
            ..Default::default()
        },
    )?;
    let session = client.start_exec(&exec.id, StartExecOptions::default().tty(true))?;
    let (rows, cols) = terminal_size();
    client.resize_exec(&exec.id, rows, cols)?;
    follow_resizes(&client, &exec.id)?;
    let raw = RawMode::enter();

    let (mut input, output) = session.split();
    std::thread::spawn(move || {
        let mut buf = [0u8; 4096];
        let mut stdin = std::io::stdin().lock();
        while let Ok(n @ 1..) = stdin.read(&mut buf) {
            if input.write_stdin(&buf[..n]).is_err() {
                return;
            }
        }
        // Standard input ended (a pipe). Closing the connection's write side would end the
        // whole session: on a TTY, the end of input is the EOF character, ^D.
        let _ = input.write_stdin(b"\x04");
    });
    let mut stdout = std::io::stdout().lock();
    for chunk in output {
        stdout.write_all(&chunk?.data)?;
        stdout.flush()?;
    }
    drop(raw);
    let code = client.inspect_exec(&exec.id)?.exit_code.unwrap_or(1);
    Ok(ExitCode::from(u8::try_from(code).unwrap_or(1)))
}

/// The terminal's rows and columns, else `LINES` and `COLUMNS`, else 24×80.
fn terminal_size() -> (u16, u16) {
    if let Ok(size) = termios::tcgetwinsize(std::io::stdout()) {
        if size.ws_row > 0 && size.ws_col > 0 {
            return (size.ws_row, size.ws_col);
        }
    }
    let env = |name: &str, default| {
        std::env::var(name)
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(default)
    };
    (env("LINES", 24), env("COLUMNS", 80))
}

/// Resizes the exec's TTY whenever the terminal is resized, from a thread of its own.
fn follow_resizes(client: &Client, exec_id: &str) -> std::io::Result<()> {
    let mut signals = signal_hook::iterator::Signals::new([signal_hook::consts::SIGWINCH])?;
    let (client, exec_id) = (client.clone(), exec_id.to_owned());
    std::thread::spawn(move || {
        for _ in signals.forever() {
            let (rows, cols) = terminal_size();
            if client.resize_exec(&exec_id, rows, cols).is_err() {
                return; // The exec has ended.
            }
        }
    });
    Ok(())
}

/// The terminal in raw mode while it lives: keys go to the process as typed, and the
/// process's TTY echoes them. Nothing happens when standard input is not a terminal.
struct RawMode(Option<Termios>);

impl RawMode {
    fn enter() -> RawMode {
        let stdin = std::io::stdin();
        if !stdin.is_terminal() {
            return RawMode(None);
        }
        let Ok(saved) = termios::tcgetattr(&stdin) else {
            return RawMode(None);
        };
        let mut raw = saved.clone();
        raw.make_raw();
        match termios::tcsetattr(&stdin, OptionalActions::Now, &raw) {
            Ok(()) => RawMode(Some(saved)),
            Err(_) => RawMode(None),
        }
    }
}

impl Drop for RawMode {
    fn drop(&mut self) {
        if let Some(saved) = &self.0 {
            let _ = termios::tcsetattr(std::io::stdin(), OptionalActions::Now, saved);
        }
    }
}
