//! Inputs and an allocation counter for the model-decoding benchmarks (`benches/decode.rs`).
//!
//! Every input is a body recorded from a real engine under `fixtures/`; the list of 200
//! containers repeats the recorded list's entries.

use std::alloc::{GlobalAlloc, Layout, System};
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};

use docker_replay::Transcript;

/// A global allocator that counts allocations (and reallocations) made through it.
pub struct Counting;

static ALLOCATIONS: AtomicU64 = AtomicU64::new(0);

// SAFETY: every call is forwarded unchanged to the system allocator; the counter is a
// relaxed atomic, which allocates nothing.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
        System.alloc(layout)
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        System.dealloc(ptr, layout)
    }
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
        System.alloc_zeroed(layout)
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
        System.realloc(ptr, layout, new_size)
    }
}

/// Allocations counted so far.
pub fn allocations() -> u64 {
    ALLOCATIONS.load(Ordering::Relaxed)
}

/// The allocations one call of `f` makes, the average of `n` calls.
pub fn allocations_per_call<T>(n: u64, mut f: impl FnMut() -> T) -> f64 {
    let before = allocations();
    for _ in 0..n {
        drop(std::hint::black_box(f()));
    }
    (allocations() - before) as f64 / n as f64
}

/// The body of the first exchange of `fixtures/<name>`, with any chunk framing removed.
pub fn recorded_body(name: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../fixtures")
        .join(name);
    let t = Transcript::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let response = &t.exchanges()[0].response;
    let at = find(response, b"\r\n\r\n").expect("a response head") + 4;
    let head = String::from_utf8_lossy(&response[..at]).to_ascii_lowercase();
    let rest = &response[at..];
    let body = if head.contains("transfer-encoding: chunked") {
        dechunk(rest)
    } else {
        rest.to_vec()
    };
    String::from_utf8(body).expect("a UTF-8 body")
}

/// The first line of a recorded stream of JSON lines.
pub fn first_line(body: &str) -> String {
    body.lines().next().expect("a line").to_owned()
}

/// A JSON list of `n` entries, cycling through the entries of the list `list`.
pub fn repeated_list(list: &str, n: usize) -> String {
    let entries: Vec<serde_json::Value> = serde_json::from_str(list).expect("a JSON list");
    assert!(!entries.is_empty(), "the recorded list is empty");
    let out: Vec<&serde_json::Value> = entries.iter().cycle().take(n).collect();
    serde_json::to_string(&out).expect("a list encodes")
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

fn dechunk(mut input: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    while let Some(line_end) = find(input, b"\r\n") {
        let size = std::str::from_utf8(&input[..line_end])
            .ok()
            .and_then(|s| usize::from_str_radix(s.split(';').next()?.trim(), 16).ok());
        let Some(size) = size.filter(|&n| n > 0) else {
            break;
        };
        let start = line_end + 2;
        let end = (start + size).min(input.len());
        out.extend_from_slice(&input[start..end]);
        input = input.get(end + 2..).unwrap_or(&[]);
    }
    out
}
