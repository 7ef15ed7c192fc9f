//! docker-client.
#![deny(missing_docs)]
