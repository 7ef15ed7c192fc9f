//! Integration tests of dkr: rendering of recorded engine answers, and the built binary
//! against a live engine.
