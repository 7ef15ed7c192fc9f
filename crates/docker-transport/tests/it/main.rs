//! Integration tests of docker-transport against scripted fake engines on real sockets.

mod corpus;
mod fake;
mod pool;
mod timeouts;
