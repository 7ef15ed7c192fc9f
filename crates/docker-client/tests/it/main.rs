//! docker-client's tests: scripted fake engines for both flavours, and live tests against a
//! real engine.

mod fake;
mod flavours;
mod lifecycle_live;
mod live;
mod scripted;
mod watch;
mod watch_live;
