//! docker-wire.
#![deny(missing_docs)]
