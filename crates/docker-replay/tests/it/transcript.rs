//! The transcript format and normalisation through the public API, and the committed
//! fixtures: every one parses, round-trips through its format and is normalised.

use std::path::{Path, PathBuf};

use docker_replay::{Ending, Exchange, Transcript};

#[test]
fn transcripts_round_trip_through_their_format() {
    let mut t = Transcript::default();
    t.set_meta("engine", "docker");
    t.set_meta("note", "two\nlines");
    t.push(Exchange::new(
        b"GET /a HTTP/1.1\r\n\r\n".to_vec(),
        b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n\0\n".to_vec(),
    ));
    t.push(Exchange {
        request: b"GET /b HTTP/1.1\r\n\r\n".to_vec(),
        response: b"HTTP/1.1 200 OK\r\n\r\nuntil close".to_vec(),
        ending: Ending::EngineClosed,
    });
    t.push(Exchange {
        request: b"GET /events HTTP/1.1\r\n\r\n".to_vec(),
        response: b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n".to_vec(),
        ending: Ending::ClientClosed,
    });
    let back = Transcript::parse(&t.to_bytes()).unwrap();
    assert_eq!(back, t);
    assert_eq!(back.meta("note"), Some("two lines"));
    assert_eq!(back.exchanges()[1].request_line(), "GET /b");
    assert_eq!(back.exchanges()[0].status(), Some(200));
    assert_eq!(back.exchanges()[2].ending, Ending::ClientClosed);
}

#[test]
fn malformed_transcripts_are_refused_with_a_reason() {
    for (bytes, reason) in [
        (&b"TRANSCRIPT\n"[..], "the first line"),
        (b"===== TRANSCRIPT =====\nno colon\n", "is not `key: value`"),
        (
            b"===== TRANSCRIPT =====\n===== REQUEST 1 =====\nGET / HTTP/1.1\r\n\r\n",
            "response 1 has no marker",
        ),
        (
            b"===== TRANSCRIPT =====\n===== REQUEST 1 =====\nx\n===== RESPONSE 1 =====\ny\n===== END 1: lost =====\n",
            "end marker 1 says \"lost\"",
        ),
    ] {
        let err = Transcript::parse(bytes).unwrap_err();
        assert!(err.to_string().contains(reason), "{err}");
    }
    let err = Transcript::read("/nonexistent/x.http").unwrap_err();
    assert!(err.to_string().contains("/nonexistent/x.http"), "{err}");
}

#[test]
fn exchanges_name_their_request_line_and_status() {
    let ex = Exchange::new(
        b"POST /v1.41/containers/create?name=web HTTP/1.1\r\nContent-Length: 0\r\n\r\n".to_vec(),
        b"HTTP/1.1 409 Conflict\r\nContent-Length: 0\r\n\r\n".to_vec(),
    );
    assert_eq!(ex.request_line(), "POST /v1.41/containers/create?name=web");
    assert_eq!(ex.status(), Some(409));
    assert_eq!(Exchange::default().status(), None);
}

fn fixtures() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures");
    let mut files = Vec::new();
    for dir in std::fs::read_dir(&root).unwrap() {
        let dir = dir.unwrap().path();
        if dir.is_dir() {
            for file in std::fs::read_dir(&dir).unwrap() {
                let file = file.unwrap().path();
                if file.extension().is_some_and(|e| e == "http") {
                    files.push(file);
                }
            }
        }
    }
    files.sort();
    assert!(files.len() >= 100, "only {} fixtures", files.len());
    files
}

#[test]
fn every_committed_fixture_round_trips_and_is_normalised() {
    let mut not_normalised = Vec::new();
    for path in fixtures() {
        let bytes = std::fs::read(&path).unwrap();
        let t = Transcript::parse(&bytes).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(t.to_bytes(), bytes, "{}", path.display());
        if !t.is_normalised() {
            not_normalised.push(path.display().to_string());
        }
    }
    assert!(
        not_normalised.is_empty(),
        "not normalised: {not_normalised:#?}"
    );
}
