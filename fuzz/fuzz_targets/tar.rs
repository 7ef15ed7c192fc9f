//! dkr's tar reader over arbitrary bytes: no panic, memory bounded by its caps, and the
//! same entries, data and error whether the archive arrives whole or a few bytes per read.
//! Byte 0 sets the read size.
#![no_main]

use docker_wire_fuzz::{tar_entries, Trickle};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let [size, archive @ ..] = data else {
        return;
    };
    let whole = tar_entries(archive);
    let size = usize::from(*size % 64) + 1;
    let trickled = tar_entries(Trickle { data: archive, size });
    assert_eq!(trickled, whole, "read {size} bytes at a time");
});
