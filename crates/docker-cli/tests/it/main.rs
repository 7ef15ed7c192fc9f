//! Integration tests of dkr: rendering of recorded engine answers (snapshots), and the
//! built binary against a live engine.

mod live;
mod live_objects;
mod registry;
mod render;
mod support;
