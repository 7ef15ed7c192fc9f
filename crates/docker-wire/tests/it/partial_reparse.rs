//! A head that arrives a byte at a time costs linear work (httparse#217): the scan for the
//! end of the head resumes where it stopped, and the head is parsed once, when complete.

use docker_wire::{Event, Limits};

use crate::harness::Req;

/// A head of exactly `len` bytes made of many ordinary header lines.
fn big_head(len: usize) -> Vec<u8> {
    let mut head = b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n".to_vec();
    let mut i = 0;
    while head.len() + 64 < len {
        head.extend_from_slice(format!("X-Field-{i:05}: {}\r\n", "v".repeat(20)).as_bytes());
        i += 1;
    }
    let pad = len - head.len() - "X-Pad: \r\n\r\n".len();
    head.extend_from_slice(format!("X-Pad: {}\r\n\r\n", "p".repeat(pad)).as_bytes());
    assert_eq!(head.len(), len);
    head
}

fn limits() -> Limits {
    Limits {
        max_head_bytes: 64 * 1024,
        max_headers: 4096,
        ..Limits::default()
    }
}

#[test]
fn sixty_four_kib_head_fed_one_byte_per_call_completes() {
    let head = big_head(64 * 1024);
    let mut conn = Req::GET.conn(limits());
    let mut calls = 0;
    let mut got = None;
    for end in 1..=head.len() {
        calls += 1;
        let res = conn.decode(&head[..end]).unwrap();
        match res.event {
            Event::NeedData => assert_eq!(res.consumed, 0),
            Event::Head(h) => {
                assert_eq!(res.consumed, head.len());
                got = Some(h);
            }
            other => panic!("{other:?}"),
        }
    }
    assert_eq!(calls, head.len(), "one call per byte, no call wasted");
    let h = got.expect("the head completed on its last byte");
    assert!(h.headers.len() > 1000);
    assert!(h
        .headers
        .get("x-pad")
        .is_some_and(|v| v.bytes().all(|b| b == b'p')));
}

/// Bytes the codec has already scanned are replaced by blank lines before each call. A
/// codec that rescanned from the start would find the "end of head" inside them; one that
/// resumes where it stopped never looks at them again, so each byte is scanned a bounded
/// number of times and the total work is linear.
#[test]
fn head_end_scan_never_revisits_scanned_bytes() {
    let head = big_head(64 * 1024);
    let mut conn = Req::GET.conn(limits());
    let mut poisoned = vec![b'\n'; head.len()];
    // The scanner may look back three bytes to catch a CRLF CRLF split across reads.
    const LOOK_BACK: usize = 3;
    for end in 1..head.len() {
        let keep_from = (end - 1).saturating_sub(LOOK_BACK);
        poisoned[keep_from..end].copy_from_slice(&head[keep_from..end]);
        let res = conn.decode(&poisoned[..end]).unwrap();
        assert_eq!((res.consumed, res.event), (0, Event::NeedData), "at {end}");
        // Hide what was just scanned for the next call.
        for b in &mut poisoned[..keep_from] {
            *b = b'\n';
        }
    }
    // The last call presents the real head: the parse sees real bytes, once.
    let res = conn.decode(&head).unwrap();
    assert_eq!(res.consumed, head.len());
    assert!(matches!(res.event, Event::Head(h) if h.status == 200));
}

#[test]
fn leading_blank_lines_fed_one_byte_per_call_are_consumed_as_they_come() {
    let mut conn = Req::GET.conn(Limits::default());
    let mut input = Vec::new();
    let mut consumed_total = 0;
    for &b in b"\r\n\n\r\n" {
        input.push(b);
        let res = conn.decode(&input).unwrap();
        assert_eq!(res.event, Event::NeedData);
        consumed_total += res.consumed;
        input.drain(..res.consumed);
        // At most a lone CR is kept back.
        assert!(input.len() <= 1);
    }
    assert_eq!(consumed_total, 5);
}
