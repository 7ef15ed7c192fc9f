//! Integration tests of docker-wire: the recorded transcripts, split invariance, hostile responses,
//! request encoding, stream framings, the cost of partial heads, the request decoder and
//! the chunk framing that `decode_framed` reports.

mod differential;
mod fixtures;
mod frames;
mod framing;
mod harness;
mod hostile;
mod partial_reparse;
mod request;
mod request_decoder;
mod split_invariance;
mod websocket;
