//! WebSocket server frames decoded whole, cut once, and in small pieces must agree.
#![no_main]

use docker_wire_fuzz::{chop, cut, websocket};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let [c0, size, bytes @ ..] = data else {
        return;
    };
    let whole = websocket(&[bytes]);
    assert_eq!(websocket(&cut(bytes, usize::from(*c0))), whole);
    assert_eq!(websocket(&chop(bytes, usize::from(*size % 16) + 1)), whole);
});
