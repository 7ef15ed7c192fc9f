//! Integration tests of docker-transport against scripted fake engines on real sockets.
//!
//! Run with `--all-features` to include the tokio flavour.

mod bodies;
mod corpus;
mod endpoints;
mod error_bodies;
mod fake;
mod pool;
mod remote_live;
mod timeouts;
mod total_deadline;
mod upgrade;
