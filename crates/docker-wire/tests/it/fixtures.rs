//! Every exchange of the recorded transcripts under `fixtures/` decodes without errors, ends
//! as recorded, and decodes the same whole, byte by byte and cut at every offset; its event
//! transcript is pinned as a snapshot. A codec change that moves a boundary or a recording
//! that changes shows up as a snapshot diff.

use docker_wire::{Limits, Method, Upgrade};

use crate::harness::{self, Close, Step, CLIENT_CLOSED, ENGINE_CLOSED};

#[test]
fn fixture_transcripts() {
    insta::glob!("../../../../fixtures", "*/*.http", |path| {
        let exchanges = harness::read(path);
        let mut dump = String::new();
        for ex in &exchanges {
            let whole = harness::whole(ex.req, Limits::default(), &ex.response, ex.close);
            let bytewise =
                harness::in_pieces(ex.req, Limits::default(), &ex.response, &[1], ex.close);
            assert_eq!(
                bytewise,
                harness::normalise(whole.clone()),
                "{}: fed byte by byte",
                ex.name
            );
            dump.push_str(&format!("== {} ({})\n", ex.request_line(), ex.ending));
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

#[test]
fn recorded_exchanges_parse_into_request_and_response() {
    let all = harness::all_recorded();
    assert!(all.len() >= 250, "only {} exchanges", all.len());
    for r in &all {
        let line = r.request_line();
        let has_body = line.starts_with("POST") || line.starts_with("PUT");
        assert!(r.request.ends_with(b"\r\n\r\n") || has_body, "{}", r.name);
        assert!(r.response.starts_with(b"HTTP/1.1 "), "{}", r.name);
    }
    let head = harness::recorded("docker-20.10/ping");
    assert_eq!(head.req.method, Method::Head);
    let attach = harness::recorded("docker-20.10/attach_container");
    assert_eq!(attach.req.upgrade, Upgrade::Hijack);
    // The engine closes the connection after a hijacked stream (a WebSocket's too), and
    // after refusing a hijack (not after refusing a WebSocket: that 404 keeps it open).
    let closed: Vec<&str> = all
        .iter()
        .filter(|r| r.close == Close::Eof && r.name.starts_with("docker-20.10/"))
        .map(|r| r.name.as_str())
        .collect();
    assert_eq!(
        closed,
        [
            "docker-20.10/attach_container#1",
            "docker-20.10/attach_container_missing#1",
            "docker-20.10/attach_container_ws#1",
            "docker-20.10/exec#2",
            "docker-20.10/exec_stdin#2",
            "docker-20.10/exec_tty#2",
        ]
    );
}

#[test]
fn recorded_exchanges_decode_without_errors_and_end_as_recorded() {
    for r in harness::all_recorded() {
        let steps = harness::whole(r.req, Limits::default(), &r.response, r.close);
        assert!(
            !steps.iter().any(|s| matches!(s, Step::Failed(_))),
            "{}: {steps:?}",
            r.name
        );
        let last = steps.last().unwrap();
        let upgraded = r.response.starts_with(b"HTTP/1.1 101 ");
        match (r.ending.as_str(), upgraded) {
            // Streams the client left: the codec waits for more without complaint.
            (CLIENT_CLOSED, _) => assert_eq!(last, &Step::NeedData, "{}", r.name),
            (_, true) => assert!(matches!(last, Step::Upgraded { .. }), "{}", r.name),
            (ENGINE_CLOSED, false) => {
                assert_eq!(last, &Step::End { reusable: false }, "{}", r.name)
            }
            _ => assert_eq!(last, &Step::End { reusable: true }, "{}", r.name),
        }
    }
}

#[test]
fn recorded_exchanges_decode_the_same_whole_byte_by_byte_and_at_every_cut() {
    for r in harness::all_recorded() {
        let limits = Limits::default();
        let whole = harness::normalise(harness::whole(r.req, limits, &r.response, r.close));
        let bytewise = harness::in_pieces(r.req, limits, &r.response, &[1], r.close);
        assert_eq!(bytewise, whole, "{}: fed byte by byte", r.name);
        for cut in 0..=r.response.len() {
            let split = harness::cut_at(r.req, limits, &r.response, &[cut], r.close);
            assert_eq!(split, whole, "{}: cut at {cut}", r.name);
        }
    }
}

#[test]
fn upgraded_exchanges_hand_back_the_raw_stream() {
    let mut upgraded = 0;
    for r in harness::all_recorded() {
        let steps = harness::whole(r.req, Limits::default(), &r.response, r.close);
        let Some(Step::Upgraded { rest }) = steps.last() else {
            continue;
        };
        let head_len = find_head_end(&r.response);
        assert_eq!(rest[..], r.response[head_len..], "{}", r.name);
        upgraded += 1;
    }
    assert!(upgraded >= 4, "only {upgraded} upgraded exchanges");
}

#[test]
fn head_answers_have_no_body_whatever_their_headers_say() {
    let heads: Vec<_> = harness::all_recorded()
        .into_iter()
        .filter(|r| r.req.method == Method::Head)
        .collect();
    assert!(heads.len() >= 8, "only {} HEAD exchanges", heads.len());
    for r in heads {
        let steps = harness::whole(r.req, Limits::default(), &r.response, r.close);
        assert_eq!(steps.len(), 2, "{}: {steps:?}", r.name);
        assert!(matches!(steps[0], Step::Head(_)), "{}", r.name);
        assert_eq!(steps[1], Step::End { reusable: true }, "{}", r.name);
    }
}

fn find_head_end(bytes: &[u8]) -> usize {
    bytes.windows(4).position(|w| w == b"\r\n\r\n").unwrap() + 4
}
