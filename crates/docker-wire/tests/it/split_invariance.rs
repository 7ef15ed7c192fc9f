//! Any partition of a response into reads gives the same events as the response fed whole.
//!
//! Responses are generated (status, headers, `Content-Length`, chunked with random chunk
//! sizes, extensions and trailers, read-until-close, 1xx prefixes) or taken from the
//! recorded transcripts under `fixtures/`, then cut into random pieces, 1-byte pieces included. The number of cases is
//! proptest's default (256) unless `PROPTEST_CASES` says otherwise.

use std::sync::OnceLock;

use docker_wire::Limits;
use proptest::prelude::*;

use crate::harness::{self, Close, Recorded, Req, Step};

#[derive(Debug, Clone)]
enum Framing {
    Length(Vec<u8>),
    Chunked {
        chunks: Vec<(Vec<u8>, bool, Option<String>)>,
        trailers: Vec<(String, String)>,
    },
    UntilClose(Vec<u8>),
}

#[derive(Debug, Clone)]
struct Response {
    informational: Vec<(u16, Vec<(String, String)>)>,
    status: u16,
    reason: String,
    headers: Vec<(String, String)>,
    connection_close: bool,
    framing: Framing,
    head_request: bool,
}

impl Response {
    fn encode(&self) -> Vec<u8> {
        let mut out = String::new();
        for (status, headers) in &self.informational {
            out.push_str(&format!("HTTP/1.1 {status} Info\r\n"));
            for (n, v) in headers {
                out.push_str(&format!("{n}: {v}\r\n"));
            }
            out.push_str("\r\n");
        }
        out.push_str(&format!("HTTP/1.1 {} {}\r\n", self.status, self.reason));
        for (n, v) in &self.headers {
            out.push_str(&format!("{n}: {v}\r\n"));
        }
        if self.connection_close {
            out.push_str("Connection: close\r\n");
        }
        let mut body = Vec::new();
        match &self.framing {
            Framing::Length(b) => {
                out.push_str(&format!("Content-Length: {}\r\n", b.len()));
                body.extend_from_slice(b);
            }
            Framing::Chunked { chunks, trailers } => {
                out.push_str("Transfer-Encoding: chunked\r\n");
                for (data, upper, ext) in chunks {
                    let size = match upper {
                        true => format!("{:X}", data.len()),
                        false => format!("{:x}", data.len()),
                    };
                    body.extend_from_slice(size.as_bytes());
                    if let Some(ext) = ext {
                        body.extend_from_slice(ext.as_bytes());
                    }
                    body.extend_from_slice(b"\r\n");
                    body.extend_from_slice(data);
                    body.extend_from_slice(b"\r\n");
                }
                body.extend_from_slice(b"0\r\n");
                for (n, v) in trailers {
                    body.extend_from_slice(format!("{n}: {v}\r\n").as_bytes());
                }
                body.extend_from_slice(b"\r\n");
            }
            Framing::UntilClose(b) => body.extend_from_slice(b),
        }
        out.push_str("\r\n");
        let mut bytes = out.into_bytes();
        bytes.extend_from_slice(&body);
        bytes
    }

    fn bodyless(&self) -> bool {
        self.head_request || self.status == 204 || self.status == 304
    }

    fn body(&self) -> Vec<u8> {
        if self.bodyless() {
            return Vec::new();
        }
        match &self.framing {
            Framing::Length(b) | Framing::UntilClose(b) => b.clone(),
            Framing::Chunked { chunks, .. } => chunks.iter().flat_map(|c| c.0.clone()).collect(),
        }
    }

    fn reusable(&self) -> bool {
        let claims_length = matches!(&self.framing, Framing::Length(b) if !b.is_empty());
        let stray_length = !self.head_request && self.bodyless() && claims_length;
        let until_close = !self.bodyless() && matches!(self.framing, Framing::UntilClose(_));
        !self.connection_close && !stray_length && !until_close
    }

    fn req(&self) -> Req {
        match self.head_request {
            true => Req::HEAD,
            false => Req::GET,
        }
    }
}

fn arb_token() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("Api-Version".to_owned()),
        Just("Content-Type".to_owned()),
        Just("Server".to_owned()),
        Just("Docker-Experimental".to_owned()),
        "[A-Za-z][A-Za-z0-9!#$%&'*+.^_`|~-]{0,15}".prop_filter("not a framing header", |n| {
            ![
                "content-length",
                "transfer-encoding",
                "connection",
                "upgrade",
            ]
            .contains(&n.to_ascii_lowercase().as_str())
        }),
    ]
}

fn arb_value() -> impl Strategy<Value = String> {
    prop_oneof![
        Just(String::new()),
        "[!-~]([ -~]{0,30}[!-~])?",
        Just("application/json".to_owned()),
    ]
}

fn arb_headers(max: usize) -> impl Strategy<Value = Vec<(String, String)>> {
    prop::collection::vec((arb_token(), arb_value()), 0..max)
}

fn arb_bytes(max: usize) -> impl Strategy<Value = Vec<u8>> {
    prop::collection::vec(any::<u8>(), 0..max)
}

fn arb_ext() -> impl Strategy<Value = Option<String>> {
    prop_oneof![
        3 => Just(None),
        1 => "(;[a-z]{1,5}(=[a-z0-9]{1,5})?){1,3}".prop_map(Some),
        1 => " ;[a-z]{1,5}=\"[ a-z]{0,8}\"".prop_map(Some),
        1 => "[ \t]{1,3}".prop_map(Some),
    ]
}

fn arb_chunk() -> impl Strategy<Value = (Vec<u8>, bool, Option<String>)> {
    let data = prop_oneof![
        8 => prop::collection::vec(any::<u8>(), 1..40),
        1 => prop::collection::vec(any::<u8>(), 1..3000),
    ];
    (data, any::<bool>(), arb_ext())
}

fn arb_framing() -> impl Strategy<Value = Framing> {
    prop_oneof![
        arb_bytes(600).prop_map(Framing::Length),
        (prop::collection::vec(arb_chunk(), 0..12), arb_headers(4))
            .prop_map(|(chunks, trailers)| Framing::Chunked { chunks, trailers }),
        arb_bytes(600).prop_map(Framing::UntilClose),
    ]
}

fn arb_response() -> impl Strategy<Value = Response> {
    let informational = prop::collection::vec(
        (prop::sample::select(vec![100u16, 102, 103]), arb_headers(3)),
        0..3,
    );
    let status = prop::sample::select(vec![200u16, 201, 204, 301, 304, 400, 404, 409, 500, 599]);
    (
        informational,
        status,
        "[A-Za-z ]{0,12}",
        arb_headers(8),
        prop::bool::weighted(0.2),
        arb_framing(),
        prop::bool::weighted(0.1),
    )
        .prop_map(
            |(informational, status, reason, headers, connection_close, framing, head_request)| {
                Response {
                    informational,
                    status,
                    reason: reason.trim().to_owned(),
                    headers,
                    connection_close,
                    framing,
                    head_request,
                }
            },
        )
}

fn arb_sizes() -> impl Strategy<Value = Vec<usize>> {
    prop::collection::vec(
        prop_oneof![Just(1usize), 1usize..4, 1usize..64, 1usize..2000],
        1..24,
    )
}

fn recorded() -> &'static [Recorded] {
    static RECORDED: OnceLock<Vec<Recorded>> = OnceLock::new();
    RECORDED.get_or_init(harness::all_recorded)
}

proptest! {
    #[test]
    fn generated_responses_decode_the_same_over_any_split(
        response in arb_response(),
        sizes in arb_sizes(),
        cuts in prop::collection::vec(any::<prop::sample::Index>(), 0..6),
    ) {
        let bytes = response.encode();
        let limits = Limits::default();
        let req = response.req();
        let whole = harness::normalise(harness::whole(req, limits, &bytes, Close::Eof));

        // The model: one head with the generated status, the generated body, the end.
        let Some(Step::Head(head)) = whole.first() else {
            panic!("no head: {whole:?}")
        };
        prop_assert_eq!(head.status, response.status);
        for (n, v) in &response.headers {
            prop_assert!(head.headers.get_all(n).any(|got| got == v), "{}: {:?}", n, v);
        }
        let body: Vec<u8> = whole
            .iter()
            .filter_map(|s| match s { Step::Body(b) => Some(b.clone()), _ => None })
            .flatten()
            .collect();
        prop_assert_eq!(body, response.body());
        let end = whole.iter().find(|s| matches!(s, Step::End { .. }));
        prop_assert_eq!(end, Some(&Step::End { reusable: response.reusable() }));

        prop_assert_eq!(harness::in_pieces(req, limits, &bytes, &sizes, Close::Eof), whole.clone());
        prop_assert_eq!(harness::in_pieces(req, limits, &bytes, &[1], Close::Eof), whole.clone());
        let mut cuts: Vec<usize> = cuts.iter().map(|c| c.index(bytes.len() + 1)).collect();
        cuts.sort_unstable();
        prop_assert_eq!(harness::cut_at(req, limits, &bytes, &cuts, Close::Eof), whole);
    }

    #[test]
    fn truncated_generated_responses_fail_the_same_over_any_split(
        response in arb_response(),
        sizes in arb_sizes(),
        cut in any::<prop::sample::Index>(),
    ) {
        let bytes = response.encode();
        let bytes = &bytes[..cut.index(bytes.len() + 1)];
        let limits = Limits::default();
        let req = response.req();
        let whole = harness::normalise(harness::whole(req, limits, bytes, Close::Eof));
        prop_assert_eq!(harness::in_pieces(req, limits, bytes, &sizes, Close::Eof), whole.clone());
        let open = harness::normalise(harness::whole(req, limits, bytes, Close::Open));
        prop_assert_eq!(harness::in_pieces(req, limits, bytes, &sizes, Close::Open), open);
    }

    #[test]
    fn recorded_exchanges_decode_the_same_over_random_splits(
        which in any::<prop::sample::Index>(),
        sizes in arb_sizes(),
    ) {
        let c = which.get(recorded());
        let limits = Limits::default();
        let whole = harness::normalise(harness::whole(c.req, limits, &c.response, c.close));
        prop_assert_eq!(harness::in_pieces(c.req, limits, &c.response, &sizes, c.close), whole);
    }

    #[test]
    fn arbitrary_bytes_decode_the_same_over_any_split(
        bytes in prop_oneof![
            arb_bytes(200),
            arb_response().prop_flat_map(|r| {
                let b = r.encode();
                let len = b.len();
                (Just(b), prop::collection::vec((0..len.max(1), any::<u8>()), 1..4))
            }).prop_map(|(mut b, flips)| {
                for (at, byte) in flips {
                    if let Some(slot) = b.get_mut(at) {
                        *slot = byte;
                    }
                }
                b
            }),
        ],
        sizes in arb_sizes(),
        head in any::<bool>(),
    ) {
        // Mutated responses: whatever the outcome, it must not depend on the reads.
        let req = if head { Req::HEAD } else { Req::GET };
        let limits = Limits::default();
        for close in [Close::Open, Close::Eof] {
            let whole = harness::normalise(harness::whole(req, limits, &bytes, close));
            prop_assert_eq!(harness::in_pieces(req, limits, &bytes, &sizes, close), whole.clone());
            prop_assert_eq!(harness::in_pieces(req, limits, &bytes, &[1], close), whole);
        }
    }
}
