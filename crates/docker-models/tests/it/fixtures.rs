//! Every JSON body of the recorded transcripts under `fixtures/` decodes into its model, and
//! the decoded model, encoded again, is pinned as a snapshot: a model that loses a field, or
//! a recording that changes, shows up as a snapshot diff.
//!
//! The transcripts are normalised (IDs, times, PIDs), so the snapshots need no redactions.

use std::path::Path;

use docker_models::ErrorResponse;
use serde_json::{json, Value};

use crate::support::{read, route_of, Response};

#[test]
fn fixture_models() {
    insta::glob!("../../../../fixtures", "*/*.http", |path| {
        let mut decoded = Vec::new();
        for ex in read(path).exchanges() {
            decoded.push(decode_exchange(path, &ex.request_line(), &ex.response));
        }
        insta::with_settings!({
            omit_expression => true,
            prepend_module_to_snapshot => false,
        }, {
            insta::assert_json_snapshot!(decoded);
        });
    });
}

/// The model a body decodes into, re-encoded, under the request line and status.
fn decode_exchange(path: &Path, line: &str, response: &[u8]) -> Value {
    let response = Response::parse(response);
    let mut entry = json!({ "request": line, "status": response.status });
    if !response.is_json() {
        entry["body"] = json!(format!("{} bytes, not JSON", response.body.len()));
        return entry;
    }
    let what = format!("{} ({line})", path.display());
    let body = &response.body;
    let (model, value) = match (response.status, route_of(line)) {
        (400.., _) => ("ErrorResponse", error(&what, body)),
        (_, Some((_, _, model, recode))) => (*model, recode(&what, body)),
        // A body no model describes would show up here, and in `recorded.rs`.
        (_, None) => ("JSON", json_of(&what, body)),
    };
    entry["model"] = json!(model);
    entry["decoded"] = value;
    entry
}

fn error(what: &str, body: &[u8]) -> Value {
    let decoded: ErrorResponse = serde_json::from_slice(body)
        .unwrap_or_else(|e| panic!("{what}: the error does not decode: {e}"));
    serde_json::to_value(decoded).expect("models encode")
}

fn json_of(what: &str, body: &[u8]) -> Value {
    serde_json::from_slice(body).unwrap_or_else(|e| panic!("{what}: not JSON: {e}"))
}
