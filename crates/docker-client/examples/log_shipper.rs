//! A log shipper: follows the logs of every running container that has a given label,
//! through connection breaks and container restarts, and resumes each one where it left
//! off, so every line is shipped once.
//!
//! ```text
//! cargo run --example log_shipper -- com.example.ship=yes
//! ```
//!
//! Each line goes out as `<container name> <stdout|stderr> <timestamp> <line>`. The
//! inventory says which containers run; one thread per container follows its logs with
//! timestamps. When a stream ends (the container stopped, or the connection broke) and the
//! container runs again, the thread asks for the logs `since` the earlier of the two
//! streams' last shipped timestamps, and skips, stream by stream, the lines at or before
//! that stream's last one that the engine sends again. (The engine keeps each stream in
//! time order, but not the two together: a stderr line can come before an earlier stdout
//! line.)

use std::collections::HashMap;
use std::error::Error;
use std::io::Write;
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use docker_client::blocking::Client;
use docker_client::{InventoryChange, InventoryOptions, LogsOptions, OutputStream};

/// What the shipper knows about one container.
#[derive(Default)]
struct Follow {
    /// The timestamp of the last line shipped on stdout (0) and on stderr (1).
    last: [Option<SystemTime>; 2],
    /// A thread follows this container's logs.
    followed: bool,
    /// The container started again while its thread was ending: the thread goes on.
    started_again: bool,
}

type Follows = Arc<Mutex<HashMap<String, Follow>>>;

fn main() -> Result<(), Box<dyn Error>> {
    let label = std::env::args()
        .nth(1)
        .ok_or("usage: log_shipper LABEL[=VALUE]")?;
    let client = Client::from_env()?;
    let inventory = client.watch_containers(&InventoryOptions::default().label(label))?;
    let follows = Follows::default();
    for entry in inventory.snapshot().into_values() {
        follow(&client, &follows, entry.id, entry.name);
    }
    for change in &inventory {
        match change {
            InventoryChange::Added(entry) => follow(&client, &follows, entry.id, entry.name),
            InventoryChange::Resynced(_) => {
                // Something may have been missed: follow whatever runs now.
                for entry in inventory.snapshot().into_values() {
                    follow(&client, &follows, entry.id, entry.name);
                }
            }
            _ => {}
        }
    }
    Ok(())
}

/// Starts a thread following `id`, unless one does already.
fn follow(client: &Client, follows: &Follows, id: String, name: String) {
    let mut map = follows.lock().unwrap();
    let state = map.entry(id.clone()).or_default();
    if state.followed {
        state.started_again = true;
        return;
    }
    state.followed = true;
    let (client, follows) = (client.clone(), follows.clone());
    std::thread::spawn(move || ship(&client, &follows, &id, &name));
}

/// Follows the logs of one container until it no longer runs.
fn ship(client: &Client, follows: &Follows, id: &str, name: &str) {
    let mut failures = 0u32;
    loop {
        let last = {
            let mut map = follows.lock().unwrap();
            let state = map.get_mut(id).unwrap();
            state.started_again = false;
            state.last.iter().flatten().min().copied()
        };
        let mut options = LogsOptions::default().follow(true).timestamps(true);
        if let Some(last) = last {
            options = options.since(last);
        }
        match client.logs_container(id, &options) {
            Ok(stream) => {
                let mut lines = Lines::default();
                for chunk in stream {
                    match chunk {
                        Ok(chunk) => lines.feed(chunk.stream, &chunk.data, |stream, line| {
                            ship_line(follows, id, name, stream, line)
                        }),
                        Err(e) => {
                            eprintln!("{name}: the log stream broke: {e}");
                            break;
                        }
                    }
                }
                failures = 0;
            }
            Err(e) if e.is_not_found() => break,
            Err(e) => {
                failures += 1;
                eprintln!("{name}: reconnecting after {e}");
                std::thread::sleep(Duration::from_millis(100 << failures.min(6)));
            }
        }
        // The stream ended. Go on while the container runs (a broken connection, or it
        // restarted); otherwise end, unless it was started again meanwhile.
        let running = client.inspect_container(id).is_ok_and(|c| c.state.running);
        let mut map = follows.lock().unwrap();
        let state = map.get_mut(id).unwrap();
        if !running && !state.started_again {
            state.followed = false;
            return;
        }
        eprintln!("{name}: resuming after {:?}", state.last);
    }
    follows.lock().unwrap().remove(id);
}

/// Ships one timestamped line, unless it was shipped before.
fn ship_line(follows: &Follows, id: &str, name: &str, stream: OutputStream, line: &[u8]) {
    let line = String::from_utf8_lossy(line);
    let Some((stamp, text)) = line.split_once(' ') else {
        return;
    };
    let Some(time) = parse_rfc3339_utc(stamp) else {
        return;
    };
    let (index, stream) = match stream {
        OutputStream::Stderr => (1, "stderr"),
        _ => (0, "stdout"),
    };
    let mut map = follows.lock().unwrap();
    let state = map.get_mut(id).unwrap();
    if state.last[index].is_some_and(|last| time <= last) {
        return; // `since` is inclusive: the engine sends the last line again.
    }
    state.last[index] = Some(time);
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "{name} {stream} {stamp} {text}");
    let _ = out.flush();
}

/// Cuts each stream into lines, across chunks.
#[derive(Default)]
struct Lines {
    partial: HashMap<bool, Vec<u8>>,
}

impl Lines {
    fn feed(
        &mut self,
        stream: OutputStream,
        data: &[u8],
        mut line: impl FnMut(OutputStream, &[u8]),
    ) {
        let buf = self
            .partial
            .entry(stream == OutputStream::Stderr)
            .or_default();
        buf.extend_from_slice(data);
        while let Some(end) = buf.iter().position(|&b| b == b'\n') {
            line(stream, &buf[..end]);
            buf.drain(..=end);
        }
    }
}

/// `2026-12-04T22:52:52.123456789Z`, the engine's log timestamps, as a time.
fn parse_rfc3339_utc(s: &str) -> Option<SystemTime> {
    let (date, time) = s.strip_suffix('Z')?.split_once('T')?;
    let mut d = date.splitn(3, '-').map(|p| p.parse::<i64>().ok());
    let (y, m, day) = (d.next()??, d.next()??, d.next()??);
    let (hms, frac) = time.split_once('.').unwrap_or((time, "0"));
    let mut t = hms.splitn(3, ':').map(|p| p.parse::<u64>().ok());
    let (h, min, sec) = (t.next()??, t.next()??, t.next()??);
    let nanos: u32 = format!("{frac:0<9}").get(..9)?.parse().ok()?;
    // Howard Hinnant's days_from_civil.
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let doy = (153 * ((m + 9) % 12) + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = u64::try_from(era * 146_097 + doe - 719_468).ok()?;
    let secs = days * 86_400 + h * 3600 + min * 60 + sec;
    Some(UNIX_EPOCH + Duration::new(secs, nanos))
}
