//! docker-client's tests: scripted fake engines for both flavours, and live tests against a
//! real engine.

mod build_live;
mod examples_live;
mod fake;
mod flavours;
mod images_live;
mod lifecycle_live;
mod live;
mod networks_live;
mod objects_scripted;
mod plugins_live;
mod registry;
mod registry_live;
mod reliability;
mod remote_live;
mod replay;
mod scripted;
mod security;
#[cfg(feature = "tracing")]
mod traces;
mod watch;
mod watch_live;
