//! Integration tests of docker-models: the recorded transcripts under `fixtures/`, tolerance,
//! top, diff, display.

mod changes;
mod display;
mod encode;
mod fixtures;
mod lossless;
mod recorded;
mod responses;
mod serde_bridge;
mod snapshots;
mod support;
mod tolerance;
mod top;
