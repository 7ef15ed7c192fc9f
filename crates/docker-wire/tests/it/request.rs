//! Request encoding: what the codec writes parses back with httparse to what was asked, and
//! anything that could split or smuggle a request is refused before a byte is written.

use docker_wire::{BodyKind, ClientConn, Error, Limits, Method, Misuse, RequestHead, Upgrade};
use proptest::prelude::*;

const METHODS: [Method; 7] = [
    Method::Get,
    Method::Head,
    Method::Post,
    Method::Put,
    Method::Delete,
    Method::Patch,
    Method::Options,
];

struct Parsed {
    method: String,
    target: String,
    headers: Vec<(String, Vec<u8>)>,
    body: Vec<u8>,
}

/// Parses a request head with httparse, then its body as its framing says.
fn parse_request(bytes: &[u8]) -> Parsed {
    let mut storage = [httparse::EMPTY_HEADER; 64];
    let mut req = httparse::Request::new(&mut storage);
    let httparse::Status::Complete(head_len) = req.parse(bytes).expect("a valid request") else {
        panic!("incomplete request head")
    };
    assert_eq!(req.version, Some(1));
    let headers: Vec<(String, Vec<u8>)> = req
        .headers
        .iter()
        .map(|h| (h.name.to_owned(), h.value.to_vec()))
        .collect();
    let rest = &bytes[head_len..];
    let te = headers
        .iter()
        .find(|h| h.0.eq_ignore_ascii_case("transfer-encoding"));
    let body = match te {
        Some(_) => dechunk(rest),
        None => rest.to_vec(),
    };
    Parsed {
        method: req.method.unwrap().to_owned(),
        target: req.path.unwrap().to_owned(),
        headers,
        body,
    }
}

fn dechunk(mut input: &[u8]) -> Vec<u8> {
    let mut body = Vec::new();
    loop {
        let httparse::Status::Complete((used, size)) =
            httparse::parse_chunk_size(input).expect("a valid chunk size")
        else {
            panic!("incomplete chunk size")
        };
        input = &input[used..];
        let size = size as usize;
        if size == 0 {
            assert_eq!(input, b"\r\n", "the last chunk ends the body");
            return body;
        }
        body.extend_from_slice(&input[..size]);
        assert_eq!(&input[size..size + 2], b"\r\n");
        input = &input[size + 2..];
    }
}

fn header<'a>(p: &'a Parsed, name: &str) -> Option<&'a [u8]> {
    p.headers
        .iter()
        .find(|h| h.0.eq_ignore_ascii_case(name))
        .map(|h| &h.1[..])
}

#[test]
fn a_plain_request_is_exactly_as_expected() {
    let mut out = Vec::new();
    let mut conn = ClientConn::new(Limits::default());
    let head = RequestHead::new(
        Method::Post,
        "/v1.41/containers/x/kill?signal=KILL",
        "docker",
    )
    .headers(&[("User-Agent", "docker-rs/0.1")]);
    conn.send_request(&head, &mut out).unwrap();
    assert_eq!(
        out,
        b"POST /v1.41/containers/x/kill?signal=KILL HTTP/1.1\r\nHost: docker\r\n\
          User-Agent: docker-rs/0.1\r\n\r\n"
    );
}

#[test]
fn recorded_requests_are_reproduced_byte_for_byte() {
    // Requests with only Host and User-Agent plus framing re-encode to the recorded bytes.
    let mut seen = 0;
    for c in crate::harness::all_recorded() {
        let p = parse_request(&c.request);
        let names: Vec<String> = p.headers.iter().map(|h| h.0.to_ascii_lowercase()).collect();
        if names != ["host", "user-agent"] {
            continue;
        }
        let ua = std::str::from_utf8(header(&p, "user-agent").unwrap()).unwrap();
        let headers = [("User-Agent", ua)];
        let head = RequestHead::new(Method::parse(&p.method).unwrap(), &p.target, "docker")
            .headers(&headers);
        let mut out = Vec::new();
        ClientConn::new(Limits::default())
            .send_request(&head, &mut out)
            .unwrap();
        assert_eq!(out, c.request, "{}", c.name);
        seen += 1;
    }
    assert!(seen >= 100, "only {seen} plain requests");
}

#[test]
fn hijack_request_asks_for_an_upgrade() {
    let mut out = Vec::new();
    let head = RequestHead::new(
        Method::Post,
        "/v1.41/containers/x/attach?stream=1",
        "docker",
    )
    .upgrade(Upgrade::Hijack);
    ClientConn::new(Limits::default())
        .send_request(&head, &mut out)
        .unwrap();
    let p = parse_request(&out);
    assert_eq!(header(&p, "connection"), Some(&b"Upgrade"[..]));
    assert_eq!(header(&p, "upgrade"), Some(&b"tcp"[..]));
}

#[test]
fn injection_characters_are_refused_and_nothing_is_written() {
    let bad_targets = [
        "/a b",
        "/a\r\nX-Injected: 1",
        "/a\nb",
        "/a\0",
        "/ü",
        "/a\tb",
        "/a\x7f",
        "",
        "a",
        "http://docker/x",
    ];
    for target in bad_targets {
        let mut out = b"kept".to_vec();
        let mut conn = ClientConn::new(Limits::default());
        let err = conn
            .send_request(&RequestHead::new(Method::Get, target, "docker"), &mut out)
            .unwrap_err();
        assert_eq!(
            err,
            Error::Misuse(Misuse::InvalidTarget {
                target: target.into()
            })
        );
        assert_eq!(out, b"kept", "{target:?}");
    }
    for value in [
        "a\r\nX-Injected: 1",
        "a\rb",
        "a\nb",
        "a\0b",
        "a\x7fb",
        "\x1b[31m",
    ] {
        let mut out = Vec::new();
        let headers = [("X-Registry-Auth", value)];
        let head = RequestHead::new(Method::Get, "/x", "docker").headers(&headers);
        let err = ClientConn::new(Limits::default())
            .send_request(&head, &mut out)
            .unwrap_err();
        assert_eq!(
            err,
            Error::Misuse(Misuse::InvalidHeaderValue {
                name: "X-Registry-Auth".into()
            })
        );
        assert!(out.is_empty(), "{value:?}");
        let head = RequestHead::new(Method::Get, "/x", value);
        let err = ClientConn::new(Limits::default())
            .send_request(&head, &mut out)
            .unwrap_err();
        assert!(matches!(
            err,
            Error::Misuse(Misuse::InvalidHeaderValue { .. })
        ));
        assert!(out.is_empty());
    }
    for name in ["", "X Y", "X:Y", "X\r\nY", "Ü", "X(", "X\0"] {
        let mut out = Vec::new();
        let headers = [(name, "v")];
        let head = RequestHead::new(Method::Get, "/x", "docker").headers(&headers);
        let err = ClientConn::new(Limits::default())
            .send_request(&head, &mut out)
            .unwrap_err();
        assert_eq!(
            err,
            Error::Misuse(Misuse::InvalidHeaderName { name: name.into() })
        );
        assert!(out.is_empty());
    }
}

#[test]
fn refused_request_leaves_the_connection_usable() {
    let mut conn = ClientConn::new(Limits::default());
    let mut out = Vec::new();
    assert!(conn
        .send_request(&RequestHead::new(Method::Get, "/a b", "docker"), &mut out)
        .is_err());
    conn.send_request(&RequestHead::new(Method::Get, "/a%20b", "docker"), &mut out)
        .unwrap();
    assert_eq!(parse_request(&out).target, "/a%20b");
}

#[test]
fn reserved_headers_are_refused() {
    for name in [
        "Host",
        "content-length",
        "Transfer-Encoding",
        "CONNECTION",
        "Upgrade",
    ] {
        let mut out = Vec::new();
        let headers = [(name, "x")];
        let head = RequestHead::new(Method::Get, "/x", "docker").headers(&headers);
        let err = ClientConn::new(Limits::default())
            .send_request(&head, &mut out)
            .unwrap_err();
        assert_eq!(
            err,
            Error::Misuse(Misuse::ReservedHeader { name: name.into() })
        );
        assert!(out.is_empty());
    }
}

#[test]
fn content_length_counts_utf8_bytes_and_is_enforced() {
    let body = "ü€".as_bytes();
    let mut conn = ClientConn::new(Limits::default());
    let mut out = Vec::new();
    let head =
        RequestHead::new(Method::Post, "/x", "docker").body(BodyKind::Length(body.len() as u64));
    conn.send_request(&head, &mut out).unwrap();
    conn.send_body(body, &mut out).unwrap();
    conn.finish_body(&mut out).unwrap();
    let p = parse_request(&out);
    assert_eq!(header(&p, "content-length"), Some(&b"5"[..]));
    assert_eq!(p.body, body);

    let mut conn = ClientConn::new(Limits::default());
    conn.send_request(&head, &mut Vec::new()).unwrap();
    let err = conn.send_body(b"too long", &mut Vec::new()).unwrap_err();
    assert_eq!(
        err,
        Error::Misuse(Misuse::BodyLengthMismatch {
            declared: 5,
            written: 8
        })
    );
    let mut conn = ClientConn::new(Limits::default());
    conn.send_request(&head, &mut Vec::new()).unwrap();
    conn.send_body(b"ab", &mut Vec::new()).unwrap();
    assert_eq!(
        conn.finish_body(&mut Vec::new()).unwrap_err(),
        Error::Misuse(Misuse::BodyLengthMismatch {
            declared: 5,
            written: 2
        })
    );
}

#[test]
fn calls_in_the_wrong_state_are_misuse() {
    let mut conn = ClientConn::new(Limits::default());
    assert!(matches!(
        conn.send_body(b"x", &mut Vec::new()),
        Err(Error::Misuse(Misuse::WrongState { .. }))
    ));
    let mut conn = ClientConn::new(Limits::default());
    let head = RequestHead::new(Method::Get, "/x", "docker");
    conn.send_request(&head, &mut Vec::new()).unwrap();
    assert!(matches!(
        conn.send_request(&head, &mut Vec::new()),
        Err(Error::Misuse(Misuse::WrongState { .. }))
    ));
}

fn arb_target() -> impl Strategy<Value = String> {
    "/[!-~]{0,60}"
}

fn arb_headers() -> impl Strategy<Value = Vec<(String, String)>> {
    let name = "[A-Za-z0-9!#$%&'*+.^_`|~-]{1,20}".prop_filter("not reserved", |n| {
        ![
            "host",
            "content-length",
            "transfer-encoding",
            "connection",
            "upgrade",
        ]
        .contains(&n.to_ascii_lowercase().as_str())
    });
    let value = prop_oneof![
        Just(String::new()),
        "[!-~]([ \t!-~]{0,40}[!-~])?",
        "[!-~]{0,4}[é€ü]{1,3}[!-~]{1,4}",
    ];
    prop::collection::vec((name, value), 0..12)
}

fn arb_body() -> impl Strategy<Value = (BodyKind, Vec<Vec<u8>>)> {
    let pieces = prop::collection::vec(prop::collection::vec(any::<u8>(), 0..100), 0..6);
    (0u8..3, pieces).prop_map(|(kind, pieces)| {
        let len: usize = pieces.iter().map(Vec::len).sum();
        let kind = match kind {
            0 if len == 0 => BodyKind::None,
            0 | 1 => BodyKind::Length(len as u64),
            _ => BodyKind::Chunked,
        };
        (kind, pieces)
    })
}

proptest! {
    #[test]
    fn requests_parse_back_to_what_was_asked(
        method in prop::sample::select(METHODS.to_vec()),
        target in arb_target(),
        host in "[a-z0-9.-]{1,20}(:[0-9]{1,5})?",
        headers in arb_headers(),
        (body_kind, pieces) in arb_body(),
        hijack in any::<bool>(),
    ) {
        let pairs: Vec<(&str, &str)> = headers.iter().map(|(n, v)| (n.as_str(), v.as_str())).collect();
        let upgrade = if hijack { Upgrade::Hijack } else { Upgrade::No };
        let head = RequestHead::new(method, &target, &host)
            .headers(&pairs)
            .body(body_kind)
            .upgrade(upgrade);
        let mut conn = ClientConn::new(Limits::default());
        let mut out = Vec::new();
        conn.send_request(&head, &mut out).unwrap();
        for piece in &pieces {
            if body_kind != BodyKind::None {
                conn.send_body(piece, &mut out).unwrap();
            }
        }
        conn.finish_body(&mut out).unwrap();

        let p = parse_request(&out);
        prop_assert_eq!(&p.method, method.as_str());
        prop_assert_eq!(&p.target, &target);
        prop_assert_eq!(header(&p, "host"), Some(host.as_bytes()));
        // The caller's fields come back in order, between Host and the codec's own.
        let own: Vec<(String, Vec<u8>)> = p.headers[1..1 + headers.len()].to_vec();
        let asked: Vec<(String, Vec<u8>)> = headers.iter().map(|(n, v)| (n.clone(), v.clone().into_bytes())).collect();
        prop_assert_eq!(own, asked);
        let expected_body: Vec<u8> = pieces.concat();
        match body_kind {
            BodyKind::None => {
                prop_assert_eq!(header(&p, "content-length"), None);
                prop_assert_eq!(header(&p, "transfer-encoding"), None);
                prop_assert!(p.body.is_empty());
            }
            BodyKind::Length(n) => {
                let n = n.to_string();
                prop_assert_eq!(header(&p, "content-length"), Some(n.as_bytes()));
                prop_assert_eq!(&p.body, &expected_body);
            }
            BodyKind::Chunked => {
                prop_assert_eq!(header(&p, "transfer-encoding"), Some(&b"chunked"[..]));
                prop_assert_eq!(&p.body, &expected_body);
            }
        }
        prop_assert_eq!(header(&p, "upgrade").is_some(), hijack);
    }

    #[test]
    fn any_control_byte_or_non_ascii_in_a_target_is_refused(
        prefix in "/[!-~]{0,10}",
        bad in prop_oneof![(0u32..0x21).prop_map(|b| char::from_u32(b).unwrap()), Just('\x7f'), any::<char>().prop_filter("non-ASCII", |c| !c.is_ascii())],
        suffix in "[!-~]{0,10}",
    ) {
        let target = format!("{prefix}{bad}{suffix}");
        let mut out = Vec::new();
        let err = ClientConn::new(Limits::default())
            .send_request(&RequestHead::new(Method::Get, &target, "docker"), &mut out)
            .unwrap_err();
        prop_assert_eq!(err, Error::Misuse(Misuse::InvalidTarget { target }));
        prop_assert!(out.is_empty());
    }

    #[test]
    fn any_control_byte_in_a_header_value_is_refused(
        prefix in "[ -~]{0,10}",
        bad in prop_oneof![(0u32..0x20).prop_filter("not tab", |&b| b != 9).prop_map(|b| char::from_u32(b).unwrap()), Just('\x7f')],
        suffix in "[ -~]{0,10}",
    ) {
        let value = format!("{prefix}{bad}{suffix}");
        let headers = [("X-Value", value.as_str())];
        let mut out = Vec::new();
        let err = ClientConn::new(Limits::default())
            .send_request(&RequestHead::new(Method::Get, "/x", "docker").headers(&headers), &mut out)
            .unwrap_err();
        prop_assert_eq!(err, Error::Misuse(Misuse::InvalidHeaderValue { name: "X-Value".into() }));
        prop_assert!(out.is_empty());
    }
}
