//! Integration tests of docker-wire: engine captures, split invariance, hostile responses,
//! request encoding, stream framings and the cost of partial heads.

mod captures;
mod fixtures;
mod frames;
mod harness;
mod hostile;
mod partial_reparse;
mod request;
mod split_invariance;
