//! docker-transport.
#![deny(missing_docs)]
