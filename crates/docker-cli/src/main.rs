//! dkr.
fn main() {}
