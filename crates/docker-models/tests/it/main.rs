//! Integration tests of docker-models: recorded captures, tolerance, top, diff, display.

mod captures;
mod changes;
mod display;
mod encode;
mod fixtures;
mod responses;
mod snapshots;
mod support;
mod tolerance;
mod top;
