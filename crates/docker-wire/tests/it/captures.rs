//! Every exchange recorded from a real engine decodes the same whole, byte by byte and cut
//! at every offset, and its event transcript is pinned as a snapshot.

use docker_wire::{Limits, Method, Upgrade};

use crate::harness::{self, Close, Step};

#[test]
fn captures_parse_into_request_and_response() {
    let captures = harness::all_captures();
    assert_eq!(captures.len(), 66, "the capture set changed");
    for c in &captures {
        assert!(c.request.ends_with(b"\r\n\r\n") || c.request_line().starts_with("POST"));
        assert!(c.response.starts_with(b"HTTP/1.1 "), "{}", c.name);
    }
    let head = captures.iter().find(|c| c.name == "ping_head").unwrap();
    assert_eq!(head.req.method, Method::Head);
    let attach = captures
        .iter()
        .find(|c| c.name == "attach_upgrade")
        .unwrap();
    assert_eq!(attach.req.upgrade, Upgrade::Hijack);
    let closed: Vec<_> = captures.iter().filter(|c| c.close == Close::Eof).collect();
    assert_eq!(closed.len(), 1);
    assert_eq!(closed[0].name, "exec_start_upgrade");
}

#[test]
fn captures_decode_without_errors_and_end_as_recorded() {
    for c in harness::all_captures() {
        let steps = harness::whole(c.req, Limits::default(), &c.response, c.close);
        assert!(
            !steps.iter().any(|s| matches!(s, Step::Failed(_))),
            "{}: {steps:?}",
            c.name
        );
        let last = steps.last().unwrap();
        match c.name.as_str() {
            // Streams the engine kept open: the codec waits for more without complaint.
            "events_live_filtered" | "stats_stream" | "attach_no_upgrade" => {
                assert_eq!(last, &Step::NeedData, "{}", c.name)
            }
            "attach_upgrade" | "attach_tty_upgrade" | "exec_start_upgrade" => {
                assert!(matches!(last, Step::Upgraded { .. }), "{}", c.name)
            }
            _ => assert_eq!(last, &Step::End { reusable: true }, "{}", c.name),
        }
    }
}

#[test]
fn captures_decode_the_same_whole_byte_by_byte_and_at_every_cut() {
    for c in harness::all_captures() {
        let limits = Limits::default();
        let whole = harness::normalise(harness::whole(c.req, limits, &c.response, c.close));
        let bytewise = harness::in_pieces(c.req, limits, &c.response, &[1], c.close);
        assert_eq!(bytewise, whole, "{}: fed byte by byte", c.name);
        for cut in 0..=c.response.len() {
            let split = harness::cut_at(c.req, limits, &c.response, &[cut], c.close);
            assert_eq!(split, whole, "{}: cut at {cut}", c.name);
        }
    }
}

#[test]
fn upgraded_captures_hand_back_the_raw_stream() {
    for c in harness::all_captures() {
        let steps = harness::whole(c.req, Limits::default(), &c.response, c.close);
        let Some(Step::Upgraded { rest }) = steps.last() else {
            continue;
        };
        let head_len = find_head_end(&c.response);
        assert_eq!(rest[..], c.response[head_len..], "{}", c.name);
    }
}

#[test]
fn head_capture_has_no_body_despite_content_length() {
    let dir = harness::captures_dir();
    let c = harness::parse_capture(&dir.join("ping_head.txt"));
    let steps = harness::whole(c.req, Limits::default(), &c.response, c.close);
    assert_eq!(steps.len(), 2, "{steps:?}");
    assert_eq!(steps[1], Step::End { reusable: true });
}

#[test]
fn capture_transcripts() {
    insta::glob!(
        "../../../../../shared/captures/docker-20.10",
        "*.txt",
        |path| {
            let c = harness::parse_capture(path);
            let steps = harness::whole(c.req, Limits::default(), &c.response, c.close);
            let description = format!("{}\n{}", c.request_line(), c.end_marker);
            insta::with_settings!({
                description => description,
                omit_expression => true,
                prepend_module_to_snapshot => false,
            }, {
                insta::assert_snapshot!(harness::dump(&steps));
            });
        }
    );
}

fn find_head_end(bytes: &[u8]) -> usize {
    bytes.windows(4).position(|w| w == b"\r\n\r\n").unwrap() + 4
}
