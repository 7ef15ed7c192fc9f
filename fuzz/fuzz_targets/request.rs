//! A request built from fuzz bytes is either refused by the encoder, with nothing written,
//! or decodes with the server side (`RequestDecoder`) to exactly what was asked: method,
//! target, our headers in order after `Host`, and the body, whole and in small pieces.
#![no_main]

use docker_wire_fuzz::{build_request, chop, decode_request, encode_request, BuiltBody};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some(req) = build_request(data) else {
        return;
    };
    let Some(bytes) = encode_request(&req) else {
        return;
    };
    let got = decode_request(&[&bytes]).unwrap_or_else(|e| {
        panic!("encoded {:?} does not decode: {e}", bytes.escape_ascii().to_string())
    });
    assert_eq!(got.method, req.method);
    assert_eq!(got.target, req.target);
    let body: Vec<u8> = match &req.body {
        BuiltBody::None => Vec::new(),
        BuiltBody::Length(b) => b.clone(),
        BuiltBody::Chunked(pieces) => pieces.concat(),
    };
    assert_eq!(got.body, body);
    // Ours come after Host, in order, values as given (trimmed of the spaces that
    // HTTP strips).
    let ours: Vec<(String, String)> = got
        .headers
        .iter()
        .skip(1)
        .take(req.headers.len())
        .cloned()
        .collect();
    let asked: Vec<(String, String)> = req
        .headers
        .iter()
        .map(|(n, v)| (n.clone(), v.trim_matches([' ', '\t']).to_owned()))
        .collect();
    assert_eq!(ours, asked);
    for size in [1, 7] {
        assert_eq!(decode_request(&chop(&bytes, size)).as_ref(), Ok(&got), "pieces of {size}");
    }
});
