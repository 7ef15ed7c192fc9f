//! Integration tests of docker-replay: the fake engine over a real socket (matching,
//! mismatches, endings, hijacked streams, malformed requests) and the transcript format
//! and normalisation through the public API, on the committed fixtures too.

mod replay;
mod transcript;
