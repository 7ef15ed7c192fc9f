//! A response decoded whole, cut once, and in small pieces must give the same transcript,
//! and never panic. Byte 0 picks the method (GET/HEAD), hijack, EOF and small limits;
//! bytes 1-2 the cut point; byte 3 the piece size.
#![no_main]

use docker_wire_fuzz::{chop, cut, response, Setup};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let [flags, c0, c1, size, bytes @ ..] = data else {
        return;
    };
    let setup = Setup::from_byte(*flags);
    let whole = response(setup, &[bytes]);
    let at = usize::from(u16::from_le_bytes([*c0, *c1]));
    assert_eq!(response(setup, &cut(bytes, at)), whole, "cut at {at}");
    let size = usize::from(*size % 16) + 1;
    assert_eq!(
        response(setup, &chop(bytes, size)),
        whole,
        "pieces of {size}"
    );
});
