//! Reads a container's logs and checks them without keeping them: each stream must hold the
//! lines `1`, `2`, `3`... in order. Prints the byte counts and the process's peak memory.
//!
//! ```text
//! cargo run --example logs_count -- CONTAINER [--follow]
//! ```
//!
//! The live tests run it as a separate process to measure peak RSS of a client reading
//! 100 MB of logs.

use docker_client::blocking::Client;
use docker_client::{LogsOptions, OutputStream};

/// Checks that a stream is `1\n2\n3\n...`, across arbitrary chunk boundaries.
#[derive(Default)]
struct Counter {
    bytes: u64,
    next: u64,
    current: u64,
    in_line: bool,
}

impl Counter {
    fn feed(&mut self, data: &[u8]) -> Result<(), String> {
        self.bytes += data.len() as u64;
        for &b in data {
            match b {
                b'0'..=b'9' => {
                    self.current = self.current * 10 + u64::from(b - b'0');
                    self.in_line = true;
                }
                b'\n' if self.in_line => {
                    self.next += 1;
                    if self.current != self.next {
                        return Err(format!("expected line {}, got {}", self.next, self.current));
                    }
                    self.current = 0;
                    self.in_line = false;
                }
                other => return Err(format!("unexpected byte {other:#x}")),
            }
        }
        Ok(())
    }
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let id = args
        .next()
        .ok_or("usage: logs_count CONTAINER [--follow]")?;
    let follow = args.next().as_deref() == Some("--follow");
    let client = Client::from_env()?;
    let (mut out, mut err) = (Counter::default(), Counter::default());
    for chunk in client.logs_container(&id, &LogsOptions::default().follow(follow))? {
        let chunk = chunk?;
        match chunk.stream {
            OutputStream::Stderr => err.feed(&chunk.data)?,
            _ => out.feed(&chunk.data)?,
        }
    }
    let status = std::fs::read_to_string("/proc/self/status")?;
    let hwm = status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .map(|v| v.trim().trim_end_matches(" kB").trim().to_owned())
        .unwrap_or_default();
    println!(
        "stdout_bytes={} stdout_lines={} stderr_bytes={} stderr_lines={} vmhwm_kib={hwm}",
        out.bytes, out.next, err.bytes, err.next
    );
    Ok(())
}
