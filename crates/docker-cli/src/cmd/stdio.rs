//! A container's standard streams: its output to dkr's standard output and error, dkr's
//! standard input to the container, and the terminal's raw mode for `-it`.
//!
//! Raw mode and the terminal size are termios calls (rustix's safe `tcgetattr`,
//! `tcsetattr`, `tcgetwinsize`), with no `stty` process; while a TTY session runs, a
//! thread resizes it on every SIGWINCH (signal-hook).

use std::io::{Read, Write};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::thread;

use docker_client::blocking::{AttachInput, AttachSession};
use docker_client::{LogChunk, OutputStream};
use rustix::termios::{self, OptionalActions, Termios};

use crate::error::Failure;

/// What `run` and `exec` read and write besides the engine.
pub struct Stdio<'a> {
    /// The container's stdout (and a TTY's output) goes here.
    pub out: &'a mut dyn Write,
    /// The container's stderr, and warnings, go here.
    pub err: &'a mut dyn Write,
    /// What `-i` sends to the container.
    pub stdin: Box<dyn Read + Send>,
    /// True when standard input is a terminal (raw mode for `-it`).
    pub stdin_is_terminal: bool,
}

/// Relays an attached session, as `exec` and `run` do: the terminal in raw mode for `-it` on
/// a terminal, the TTY sized through `resize(rows, cols)` at the start and on every
/// SIGWINCH, stdin fed with `-i`, and the output copied until it ends. True when the user
/// detached (ctrl-p ctrl-q).
pub fn relay(
    session: AttachSession,
    tty: bool,
    interactive: bool,
    io: Stdio<'_>,
    resize: impl Fn(u16, u16) + Sync,
) -> Result<bool, Failure> {
    let raw = match tty && interactive && io.stdin_is_terminal {
        true => RawTerminal::enter(),
        false => None,
    };
    if tty {
        if let Some((rows, cols)) = terminal_size() {
            resize(rows, cols);
        }
    }
    let (input, output) = session.split();
    let pump = match interactive {
        true => Some(StdinPump::spawn(input, io.stdin)),
        false => None,
    };
    let copied = thread::scope(|scope| {
        let resizes = match tty && io.stdin_is_terminal {
            true => signal_hook::iterator::Signals::new([signal_hook::consts::SIGWINCH]).ok(),
            false => None,
        };
        let closer = resizes.as_ref().map(|s| s.handle());
        if let Some(mut signals) = resizes {
            let resize = &resize;
            scope.spawn(move || {
                for _ in signals.forever() {
                    if let Some((rows, cols)) = terminal_size() {
                        resize(rows, cols);
                    }
                }
            });
        }
        let copied = copy_output(output, io.out, io.err);
        if let Some(closer) = closer {
            closer.close(); // ends the resize thread
        }
        copied
    });
    drop(raw);
    copied?;
    Ok(pump.is_some_and(|p| p.detached()))
}

/// Writes container output as it arrives: stdout (and a TTY's single stream) to `out`,
/// stderr to `err`, flushing after each piece so nothing waits for a newline.
pub fn copy_output<I>(chunks: I, out: &mut dyn Write, err: &mut dyn Write) -> Result<(), Failure>
where
    I: IntoIterator<Item = docker_client::Result<LogChunk>>,
{
    for chunk in chunks {
        let chunk = chunk?;
        let sink: &mut dyn Write = match chunk.stream {
            OutputStream::Stderr => &mut *err,
            OutputStream::Stdout | OutputStream::Console => &mut *out,
        };
        sink.write_all(&chunk.data)?;
        sink.flush()?;
    }
    Ok(())
}

/// The engine's default detach keys, ctrl-p ctrl-q: when it reads them on an attached
/// stdin it ends the attach session and leaves the container running.
const DETACH_KEYS: [u8; 2] = [0x10, 0x11];

/// The thread that copies dkr's standard input to a container.
#[derive(Debug)]
pub struct StdinPump {
    detach_sent: Arc<AtomicBool>,
}

impl StdinPump {
    /// Starts copying `stdin` to `input`; at the end of `stdin` the container's stdin is
    /// closed (it reads end-of-file). The thread ends by itself, or with the program.
    pub fn spawn(mut input: AttachInput, mut stdin: Box<dyn Read + Send>) -> StdinPump {
        let detach_sent = Arc::new(AtomicBool::new(false));
        let seen = Arc::clone(&detach_sent);
        thread::spawn(move || {
            let mut buf = vec![0u8; 32 * 1024];
            let mut last = None;
            loop {
                let n = match stdin.read(&mut buf) {
                    Ok(0) => break,
                    Ok(n) => n,
                    Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                    Err(_) => break,
                };
                let data = &buf[..n];
                if contains_detach_keys(last, data) {
                    seen.store(true, Ordering::SeqCst);
                }
                last = data.last().copied();
                if input.write_stdin(data).is_err() {
                    // The container closed its stdin or ended: nothing more to send.
                    return;
                }
            }
            let _ = input.close();
        });
        StdinPump { detach_sent }
    }

    /// True when the detach keys were sent: the engine ended the session on purpose.
    pub fn detached(&self) -> bool {
        self.detach_sent.load(Ordering::SeqCst)
    }
}

/// True when ctrl-p ctrl-q occur in `data`, or straddle `last` (the previous read's last
/// byte) and `data`.
fn contains_detach_keys(last: Option<u8>, data: &[u8]) -> bool {
    (last == Some(DETACH_KEYS[0]) && data.first() == Some(&DETACH_KEYS[1]))
        || data.windows(2).any(|w| w == DETACH_KEYS)
}

/// The terminal on standard input in raw mode, no echo; restored when dropped.
#[derive(Debug)]
pub struct RawTerminal {
    saved: Termios,
}

impl RawTerminal {
    /// Puts the terminal on standard input in raw mode, or returns `None` when standard
    /// input is no terminal.
    pub fn enter() -> Option<RawTerminal> {
        let stdin = std::io::stdin();
        let saved = termios::tcgetattr(&stdin).ok()?;
        let mut raw = saved.clone();
        raw.make_raw();
        termios::tcsetattr(&stdin, OptionalActions::Now, &raw).ok()?;
        Some(RawTerminal { saved })
    }
}

impl Drop for RawTerminal {
    fn drop(&mut self) {
        let _ = termios::tcsetattr(std::io::stdin(), OptionalActions::Now, &self.saved);
    }
}

/// The terminal's echo off while a password is typed; back on when dropped.
#[derive(Debug)]
pub struct EchoOff {
    saved: Option<Termios>,
}

impl EchoOff {
    /// Turns echo off on the terminal of standard input; does nothing when it is none.
    pub fn enter() -> EchoOff {
        let stdin = std::io::stdin();
        let Ok(saved) = termios::tcgetattr(&stdin) else {
            return EchoOff { saved: None };
        };
        let mut quiet = saved.clone();
        quiet.local_modes.remove(termios::LocalModes::ECHO);
        match termios::tcsetattr(&stdin, OptionalActions::Now, &quiet) {
            Ok(()) => EchoOff { saved: Some(saved) },
            Err(_) => EchoOff { saved: None },
        }
    }
}

impl Drop for EchoOff {
    fn drop(&mut self) {
        if let Some(saved) = &self.saved {
            let _ = termios::tcsetattr(std::io::stdin(), OptionalActions::Now, saved);
        }
    }
}

/// The size of the terminal on standard input, as (rows, columns).
pub fn terminal_size() -> Option<(u16, u16)> {
    let size = termios::tcgetwinsize(std::io::stdin()).ok()?;
    match (size.ws_row, size.ws_col) {
        (0, _) | (_, 0) => None,
        size => Some(size),
    }
}

/// The width of the terminal on standard input, 0 included (a terminal that reports no
/// size), as docker reads it for its progress bars.
pub fn terminal_columns() -> Option<u16> {
    termios::tcgetwinsize(std::io::stdin())
        .ok()
        .map(|s| s.ws_col)
}

/// `-e KEY=VALUE` entries as the engine takes them: `KEY` alone takes dkr's own value of
/// `KEY` when it has one, and is passed as it is otherwise (as docker does).
pub fn environment(entries: &[String], lookup: impl Fn(&str) -> Option<String>) -> Vec<String> {
    entries
        .iter()
        .map(|e| match e.contains('=') {
            true => e.clone(),
            false => match lookup(e) {
                Some(value) => format!("{e}={value}"),
                None => e.clone(),
            },
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detach_keys_are_found_within_and_across_reads() {
        assert!(contains_detach_keys(None, b"ab\x10\x11"));
        assert!(contains_detach_keys(Some(0x10), b"\x11"));
        assert!(!contains_detach_keys(Some(0x11), b"\x10"));
        assert!(!contains_detach_keys(None, b"\x10 \x11"));
        assert!(!contains_detach_keys(None, b""));
    }

    #[test]
    fn output_goes_to_its_stream() {
        let chunk = |stream, data: &str| {
            Ok(LogChunk {
                stream,
                data: data.as_bytes().to_vec(),
            })
        };
        let chunks = vec![
            chunk(OutputStream::Stdout, "out1 "),
            chunk(OutputStream::Stderr, "err"),
            chunk(OutputStream::Console, "tty"),
        ];
        let (mut out, mut err) = (Vec::new(), Vec::new());
        copy_output(chunks, &mut out, &mut err).unwrap();
        assert_eq!((&out[..], &err[..]), (&b"out1 tty"[..], &b"err"[..]));
    }

    #[test]
    fn environment_takes_dkrs_value_for_a_bare_key() {
        let lookup = |k: &str| (k == "HOME").then(|| "/root".to_owned());
        let entries = ["A=1".to_owned(), "HOME".into(), "UNSET".into(), "B=".into()];
        assert_eq!(
            environment(&entries, lookup),
            ["A=1", "HOME=/root", "UNSET", "B="]
        );
    }
}
