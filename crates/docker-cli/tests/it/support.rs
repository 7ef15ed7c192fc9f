//! Shared helpers: recorded data, and a fixed clock.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde::de::DeserializeOwned;

/// The text of a file in `tests/it/data`.
pub(crate) fn data(name: &str) -> String {
    let path = format!("{}/tests/it/data/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("reading {path}: {e}"))
}

/// A recorded body decoded as a model.
pub(crate) fn model<T: DeserializeOwned>(name: &str) -> T {
    serde_json::from_str(&data(name)).unwrap_or_else(|e| panic!("decoding {name}: {e}"))
}

/// The time the recordings were made: Sat, 28 Nov 2026 11:04:31 GMT.
pub(crate) fn recorded_at() -> SystemTime {
    UNIX_EPOCH + Duration::from_secs(1_795_863_871)
}

/// What a render function wrote.
pub(crate) fn render(f: impl FnOnce(&mut Vec<u8>) -> std::io::Result<()>) -> String {
    let mut out = Vec::new();
    f(&mut out).expect("rendering into memory cannot fail");
    String::from_utf8(out).expect("output is UTF-8")
}
