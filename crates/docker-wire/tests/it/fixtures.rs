//! Every response of the recorded transcripts under `fixtures/` decodes the same whole and
//! byte by byte, and its event transcript is pinned as a snapshot, in the dump format of the
//! captures (`captures.rs`). A codec change that moves a boundary or a recording that changes
//! shows up as a snapshot diff.

use std::path::Path;

use docker_wire::{Limits, Method, Upgrade};

use crate::harness::{self, Close, Req};

/// One exchange of a transcript file (the format of `fixtures/README.md`).
pub(crate) struct Recorded {
    pub(crate) request: Vec<u8>,
    pub(crate) response: Vec<u8>,
    pub(crate) ending: String,
}

#[test]
fn fixture_transcripts() {
    insta::glob!("../../../../fixtures", "*/*.http", |path| {
        let exchanges = read(path);
        let mut dump = String::new();
        for (i, ex) in exchanges.iter().enumerate() {
            let req = req_of(&ex.request);
            let close = match ex.ending.as_str() {
                "engine closed the connection" => Close::Eof,
                _ => Close::Open,
            };
            let whole = harness::whole(req, Limits::default(), &ex.response, close);
            let bytewise = harness::in_pieces(req, Limits::default(), &ex.response, &[1], close);
            assert_eq!(
                bytewise,
                harness::normalise(whole.clone()),
                "{}: exchange {} fed byte by byte",
                path.display(),
                i + 1
            );
            dump.push_str(&format!(
                "== {} ({})\n",
                request_line(&ex.request),
                ex.ending
            ));
            dump.push_str(&harness::dump(&whole));
        }
        if exchanges.is_empty() {
            dump.push_str("(no exchanges: the step was skipped)\n");
        }
        insta::with_settings!({
            omit_expression => true,
            prepend_module_to_snapshot => false,
        }, {
            insta::assert_snapshot!(dump);
        });
    });
}

pub(crate) fn req_of(request: &[u8]) -> Req {
    let line = request_line(request);
    let method = line
        .split(' ')
        .next()
        .and_then(Method::parse)
        .unwrap_or(Method::Get);
    let head = String::from_utf8_lossy(request).to_ascii_lowercase();
    let upgrade = match head.contains("\r\nupgrade: tcp\r\n") {
        true => Upgrade::Hijack,
        false => Upgrade::No,
    };
    Req { method, upgrade }
}

fn request_line(request: &[u8]) -> String {
    let line = request.split(|&b| b == b'\r').next().unwrap_or(&[]);
    String::from_utf8_lossy(line).into_owned()
}

/// The exchanges of a transcript file.
pub(crate) fn read(path: &Path) -> Vec<Recorded> {
    let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut out = Vec::new();
    let mut n = 1;
    let mut rest = &bytes[..];
    loop {
        let marker = format!("===== REQUEST {n} =====\n");
        let Some(at) = find(rest, marker.as_bytes()) else {
            return out;
        };
        rest = &rest[at + marker.len()..];
        let marker = format!("\n===== RESPONSE {n} =====\n");
        let at = find(rest, marker.as_bytes()).expect("a response marker");
        let request = rest[..at].to_vec();
        rest = &rest[at + marker.len()..];
        let marker = format!("\n===== END {n}: ");
        let at = find(rest, marker.as_bytes()).expect("an end marker");
        let response = rest[..at].to_vec();
        rest = &rest[at + marker.len()..];
        let line_end = find(rest, b"\n").expect("an end marker line");
        let ending = String::from_utf8_lossy(&rest[..line_end])
            .trim_end_matches(" =====")
            .to_owned();
        rest = &rest[line_end + 1..];
        out.push(Recorded {
            request,
            response,
            ending,
        });
        n += 1;
    }
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}
