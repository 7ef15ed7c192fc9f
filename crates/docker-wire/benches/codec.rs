//! Codec throughput: a 1 GiB chunked body and a 1 GiB multiplexed stream fed in 64 KiB
//! reads, and the head of a recorded `/containers/json` response.
//!
//! Nothing of 1 GiB is allocated: each stream is periodic (one chunk, or one frame), so one
//! period plus one read's worth of bytes is built once, and read `k` is the 64 KiB window
//! starting at `(k * 64 KiB) mod period`. Reads therefore cut chunks and frames at every
//! phase, as socket reads do. See BENCHMARKS.md for figures.

use std::hint::black_box;
use std::path::Path;
use std::time::Duration;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use docker_wire::frames::MuxDecoder;
use docker_wire::{ClientConn, Event, Limits, Method, RequestHead};

const GIB: u64 = 1 << 30;
const READ: usize = 64 * 1024;

/// One period of a stream plus one read, so that any window `[phase, phase + READ)` with
/// `phase < period` lies inside it.
struct Periodic {
    bytes: Vec<u8>,
    period: usize,
}

impl Periodic {
    fn new(period_bytes: Vec<u8>) -> Periodic {
        let period = period_bytes.len();
        let mut bytes = Vec::with_capacity(period + READ);
        while bytes.len() < period + READ {
            bytes.extend_from_slice(&period_bytes);
        }
        Periodic { bytes, period }
    }

    /// Calls `f` with each read of a stream of `total` bytes.
    fn for_each_read(&self, total: u64, mut f: impl FnMut(&[u8])) {
        let mut offset = 0u64;
        while offset < total {
            let phase = (offset % self.period as u64) as usize;
            let len = (total - offset).min(READ as u64) as usize;
            f(&self.bytes[phase..phase + len]);
            offset += len as u64;
        }
    }
}

fn chunk_period(chunk: usize) -> Vec<u8> {
    let mut out = format!("{chunk:x}\r\n").into_bytes();
    out.extend((0..chunk).map(|i| b"{\"stream\":\"pulling\"}\n"[i % 21]));
    out.extend_from_slice(b"\r\n");
    out
}

fn get_conn() -> ClientConn {
    let mut conn = ClientConn::new(Limits::default());
    let head = RequestHead::new(Method::Get, "/containers/x/logs", "docker");
    conn.send_request(&head, &mut Vec::new()).unwrap();
    conn
}

/// Decodes a chunked response whose body is `body` bytes in chunks of `chunk` bytes.
/// Returns the body bytes seen. With `copy`, body bytes are copied into a 64 KiB buffer as
/// a `Read` implementation would.
fn decode_chunked(stream: &Periodic, chunk: usize, body: u64, copy: bool) -> u64 {
    let mut conn = get_conn();
    let head = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n";
    let res = conn.decode(head).unwrap();
    assert!(matches!(res.event, Event::Head(_)));
    let mut seen = 0u64;
    let mut out = vec![0u8; READ];
    let mut feed = |mut input: &[u8]| {
        while !input.is_empty() {
            let res = conn.decode(input).unwrap();
            if let Event::Body(bytes) = res.event {
                seen += bytes.len() as u64;
                if copy {
                    out[..bytes.len()].copy_from_slice(bytes);
                    black_box(&out);
                } else {
                    black_box(bytes);
                }
            }
            input = &input[res.consumed..];
        }
    };
    let n_chunks = body / chunk as u64;
    stream.for_each_read(n_chunks * stream.period as u64, &mut feed);
    feed(b"0\r\n\r\n");
    let res = conn.decode(b"").unwrap();
    assert_eq!(res.event, Event::End { reusable: true });
    seen
}

fn chunked(c: &mut Criterion) {
    let mut group = c.benchmark_group("chunked_1gib_64kib_reads");
    group.sample_size(10);
    group.warm_up_time(Duration::from_secs(1));
    group.measurement_time(Duration::from_secs(8));
    group.throughput(Throughput::Bytes(GIB));
    for (chunk, copy) in [(32 * 1024, false), (4 * 1024, false), (4 * 1024, true)] {
        let stream = Periodic::new(chunk_period(chunk));
        let name = match copy {
            true => format!("{}k_chunks_copied_out", chunk / 1024),
            false => format!("{}k_chunks", chunk / 1024),
        };
        group.bench_function(name, |b| {
            b.iter(|| assert_eq!(decode_chunked(&stream, chunk, GIB, copy), GIB))
        });
    }
    group.finish();
}

fn mux(c: &mut Criterion) {
    const FRAME: usize = 16 * 1024;
    let mut period = vec![1u8, 0, 0, 0];
    period.extend_from_slice(&(FRAME as u32).to_be_bytes());
    period.extend((0..FRAME).map(|i| b"2026-11-28T11:05:50Z log line\n"[i % 30]));
    let stream = Periodic::new(period);
    let n_frames = GIB / FRAME as u64;

    let mut group = c.benchmark_group("mux_1gib_16kib_frames_64kib_reads");
    group.sample_size(10);
    group.warm_up_time(Duration::from_secs(1));
    group.measurement_time(Duration::from_secs(8));
    group.throughput(Throughput::Bytes(GIB));
    group.bench_function("decode", |b| {
        b.iter(|| {
            let mut dec = MuxDecoder::default();
            let mut seen = 0u64;
            stream.for_each_read(n_frames * stream.period as u64, |mut input| {
                while !input.is_empty() {
                    let (n, piece) = dec.decode(input).unwrap();
                    if let Some(p) = piece {
                        seen += p.data.len() as u64;
                        black_box(p.data);
                    }
                    input = &input[n..];
                }
            });
            assert!(dec.finish().is_ok());
            assert_eq!(seen, GIB);
        })
    });
    group.finish();
}

/// The response of `fixtures/docker-20.10/list_containers.http`, a recorded
/// `GET /containers/json` (the bytes after the `RESPONSE 1` marker line; the codec stops at
/// the head).
fn containers_json_response() -> Vec<u8> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../fixtures/docker-20.10/list_containers.http");
    let raw = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let marker = b"===== RESPONSE 1 =====\n";
    let at = raw.windows(marker.len()).position(|w| w == marker).unwrap() + marker.len();
    raw[at..].to_vec()
}

fn head(c: &mut Criterion) {
    let response = containers_json_response();
    let head_len = response.windows(4).position(|w| w == b"\r\n\r\n").unwrap() + 4;
    let mut group = c.benchmark_group("head");
    group.throughput(Throughput::Bytes(head_len as u64));
    group.bench_function("containers_json", |b| {
        b.iter(|| {
            let mut conn = get_conn();
            let res = conn.decode(black_box(&response)).unwrap();
            assert_eq!(res.consumed, head_len);
            black_box(res.event)
        })
    });
    group.finish();
}

criterion_group!(benches, chunked, mux, head);
criterion_main!(benches);
