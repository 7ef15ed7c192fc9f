//! A chunked body, after a fixed head, decoded whole, cut once and in small pieces must give
//! the same transcript; decoded in framing mode, its pieces must put the input back
//! together byte for byte and carry the same data. Byte 0 picks EOF and small limits, bytes
//! 1-2 the cut, byte 3 the piece size.
#![no_main]

use docker_wire_fuzz::{chop, chunked_framed, cut, response, Setup, Step};
use libfuzzer_sys::fuzz_target;

const HEAD: &[u8] = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n";

fuzz_target!(|data: &[u8]| {
    let [flags, c0, c1, size, body @ ..] = data else {
        return;
    };
    // GET, no hijack: the body is chunked whatever the flags.
    let setup = Setup::from_byte(*flags & 0b1100);
    let mut input = HEAD.to_vec();
    input.extend_from_slice(body);
    let whole = response(setup, &[&input]);
    let at = usize::from(u16::from_le_bytes([*c0, *c1]));
    assert_eq!(response(setup, &cut(&input, at)), whole, "cut at {at}");
    let size = usize::from(*size % 16) + 1;
    assert_eq!(response(setup, &chop(&input, size)), whole, "pieces of {size}");
    let plain_body: Vec<u8> = whole
        .iter()
        .filter_map(|s| match s {
            Step::Body(b) => Some(b.as_slice()),
            _ => None,
        })
        .flatten()
        .copied()
        .collect();
    let ended = whole.iter().any(|s| matches!(s, Step::End(_)));
    if let Some((framed_body, framed_ended)) = chunked_framed(HEAD, body, setup.limits) {
        assert_eq!(framed_body, plain_body, "framing mode carries the same data");
        if framed_ended {
            assert!(ended, "framing mode ended where plain decoding did not");
        }
    }
});
