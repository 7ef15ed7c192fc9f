//! The progress of a pull or push, shown as the Docker CLI shows it (its `jsonmessage`
//! display): in a terminal one line per layer, redrawn in place with a progress bar; when
//! not in a terminal, one line per step, without the byte counts.
//!
//! In a terminal the lines are redrawn with four ANSI sequences, as docker does: cursor up
//! (`ESC [ n A`), erase line (`ESC [ 2 K`), carriage return, cursor down (`ESC [ n B`). No
//! progress-bar crate is needed for that, and the output is docker's byte for byte.

use std::collections::HashMap;
use std::io::{self, Write};

use docker_models::{ProgressDetail, ProgressMessage};

use crate::text;

/// The width docker assumes when it cannot read the terminal's.
pub const DEFAULT_WIDTH: usize = 200;

/// The state of the display: which layer is on which line.
#[derive(Debug)]
pub struct Display {
    terminal: bool,
    width: usize,
    lines: HashMap<String, usize>,
}

impl Display {
    /// A display for a terminal `width` columns wide, or (`terminal` false) for a file or a
    /// pipe.
    pub fn new(terminal: bool, width: usize) -> Display {
        Display {
            terminal,
            width,
            lines: HashMap::new(),
        }
    }

    /// Shows one message. Errors inside the stream are not messages here: the client
    /// reports them as errors.
    pub fn show(&mut self, m: &ProgressMessage, out: &mut dyn Write) -> io::Result<()> {
        if m.aux.is_some() {
            // Structured data (a pushed digest): docker does not print it.
            return Ok(());
        }
        let has_progress = m.progress_detail.is_some();
        let mut diff = 0;
        if !m.id.is_empty() && (has_progress || !m.progress.is_empty()) {
            let count = self.lines.len();
            let line = *self.lines.entry(m.id.clone()).or_insert(count);
            if line == count && self.terminal {
                // A new layer: a new line at the bottom.
                out.write_all(b"\n")?;
            }
            diff = self.lines.len() - line;
            if self.terminal {
                cursor(out, diff, b'A')?;
            }
        } else {
            // Anything else ends the block of layer lines.
            self.lines.clear();
        }
        self.display(m, has_progress, out)?;
        if !m.id.is_empty() && self.terminal {
            cursor(out, diff, b'B')?;
        }
        Ok(())
    }

    fn display(
        &self,
        m: &ProgressMessage,
        has_progress: bool,
        out: &mut dyn Write,
    ) -> io::Result<()> {
        let bar = m
            .progress_detail
            .as_ref()
            .map(|p| progress_bar(p, self.width))
            .unwrap_or_default();
        let mut endl = "";
        if self.terminal && m.stream.is_empty() && has_progress {
            out.write_all(b"\x1b[2K\r")?;
            endl = "\r";
        } else if has_progress && !bar.is_empty() {
            // No byte counts outside a terminal.
            return Ok(());
        }
        if !m.id.is_empty() {
            write!(out, "{}: ", m.id)?;
        }
        if has_progress && self.terminal {
            write!(out, "{} {bar}{endl}", m.status)
        } else if !m.progress.is_empty() {
            write!(out, "{} {}{endl}", m.status, m.progress)
        } else if !m.stream.is_empty() {
            write!(out, "{}{endl}", m.stream)
        } else {
            writeln!(out, "{}{endl}", m.status)
        }
    }
}

fn cursor(out: &mut dyn Write, n: usize, direction: u8) -> io::Result<()> {
    match n {
        0 => Ok(()),
        n => write!(out, "\x1b[{n}{}", char::from(direction)),
    }
}

/// The Docker CLI's progress text: `[=====>     ]  12.3MB/45.6MB` (the bar only when the
/// terminal is wider than 110 columns), or just the amount when the total is unknown.
pub fn progress_bar(p: &ProgressDetail, width: usize) -> String {
    if p.current <= 0 && p.total <= 0 {
        return String::new();
    }
    let current = text::human_size(p.current as f64, 4);
    if p.total <= 0 {
        return format!("{current:>8}");
    }
    let percentage = ((p.current as f64 / p.total as f64 * 100.0) as i64 / 2).clamp(0, 50) as usize;
    let bar = match width > 110 {
        true => format!(
            "[{}>{}] ",
            "=".repeat(percentage),
            " ".repeat(50 - percentage)
        ),
        false => String::new(),
    };
    let numbers = match p.current > p.total {
        // A current beyond the total is not shown against it.
        true => format!("{current:>8}"),
        false => format!("{current:>8}/{}", text::human_size(p.total as f64, 4)),
    };
    bar + &numbers
}

#[cfg(test)]
mod tests {
    use super::*;

    fn detail(current: i64, total: i64) -> ProgressDetail {
        ProgressDetail {
            current,
            total,
            ..ProgressDetail::default()
        }
    }

    #[test]
    fn bars_like_docker() {
        assert_eq!(progress_bar(&detail(0, 0), 200), "");
        assert_eq!(
            progress_bar(&detail(69_213, 4_001_466), 80),
            " 69.21kB/4.001MB"
        );
        assert_eq!(
            progress_bar(&detail(263_168, 4_000_000), 200),
            format!("[===>{}]  263.2kB/4MB", " ".repeat(47))
        );
        assert_eq!(
            progress_bar(&detail(4_001_466, 4_001_466), 111),
            format!("[{}>]  4.001MB/4.001MB", "=".repeat(50))
        );
        assert_eq!(progress_bar(&detail(5_000, 0), 200), "     5kB");
        assert_eq!(progress_bar(&detail(5_000, 10), 80), "     5kB");
        assert_eq!(
            progress_bar(&detail(-5, 10), 200),
            format!("[>{}]      -5B/10B", " ".repeat(50))
        );
    }
}
