//! Lines decoded whole, cut once, and in small pieces must agree, and no line may pass the
//! cap. Byte 0 sets the cap (1 to 64), byte 1 the cut, byte 2 the piece size.
#![no_main]

use docker_wire_fuzz::{chop, cut, lines};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let [cap, c0, size, bytes @ ..] = data else {
        return;
    };
    let cap = usize::from(*cap % 64) + 1;
    let whole = lines(cap, &[bytes]);
    assert_eq!(lines(cap, &cut(bytes, usize::from(*c0))), whole);
    assert_eq!(lines(cap, &chop(bytes, usize::from(*size % 16) + 1)), whole);
});
