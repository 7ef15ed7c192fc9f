//! docker-models.
#![deny(missing_docs)]
