//! Integration tests of dkr: rendering of recorded engine answers (snapshots), and the
//! built binary against a live engine.

mod live;
mod live_objects;
mod reach_live;
mod registry;
mod reliability;
mod render;
mod support;
