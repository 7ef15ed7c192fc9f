//! RFC 6455 framing: the RFC's own examples, the same events over any split of the input,
//! hostile frames refused (or streamed without allocating), and client frames that a
//! server reads back as they were meant.

use docker_wire::websocket::{
    accept_key, client_key, encode_close, ClientFrame, FrameDecoder, Message, Opcode, WsError,
    WsEvent,
};
use proptest::prelude::*;

use crate::frames::pieces;

/// What a stream decodes to: whole messages and control frames, in order.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Got {
    Message(Message, Vec<u8>),
    Ping(Vec<u8>),
    Pong(Vec<u8>),
    Close(Option<u16>, Vec<u8>),
}

/// Feeds `input` in pieces of the given sizes (cycled), joins the pieces of each message,
/// and ends with `finish`.
fn decode_all(input: &[u8], sizes: &[usize]) -> (Vec<Got>, Option<WsError>) {
    let mut dec = FrameDecoder::default();
    let mut got = Vec::new();
    let mut open: Option<(Message, Vec<u8>)> = None;
    for piece in pieces(input, sizes) {
        let mut rest = piece;
        while !rest.is_empty() {
            let (n, event) = match dec.decode(rest) {
                Ok(res) => res,
                Err(e) => return (got, Some(e)),
            };
            assert!(
                n > 0 || event.is_some(),
                "no progress on {} bytes",
                rest.len()
            );
            match event {
                Some(WsEvent::Data {
                    message,
                    data,
                    last,
                }) => {
                    assert!(data.is_empty() || rest.as_ptr_range().contains(&data.as_ptr()));
                    let m = open.get_or_insert((message, Vec::new()));
                    assert_eq!(m.0, message, "the kind changed inside a message");
                    m.1.extend_from_slice(data);
                    if last {
                        let (kind, data) = open.take().unwrap();
                        got.push(Got::Message(kind, data));
                    }
                }
                Some(WsEvent::Ping(p)) => got.push(Got::Ping(p.to_vec())),
                Some(WsEvent::Pong(p)) => got.push(Got::Pong(p.to_vec())),
                Some(WsEvent::Close { code, reason }) => {
                    got.push(Got::Close(code, reason.to_vec()))
                }
                None => (),
            }
            rest = &rest[n..];
        }
    }
    (got, dec.finish().err())
}

/// An unmasked server frame.
fn server_frame(first: u8, payload: &[u8]) -> Vec<u8> {
    let mut out = vec![first];
    match payload.len() {
        n @ 0..=125 => out.push(n as u8),
        n @ 126..=0xffff => {
            out.push(126);
            out.extend_from_slice(&(n as u16).to_be_bytes());
        }
        n => {
            out.push(127);
            out.extend_from_slice(&(n as u64).to_be_bytes());
        }
    }
    out.extend_from_slice(payload);
    out
}

/// Reads one client frame as a server would: FIN, opcode, unmasked payload, and the
/// bytes it took.
fn read_client_frame(wire: &[u8]) -> (bool, u8, Vec<u8>, usize) {
    assert_eq!(wire[1] & 0x80, 0x80, "client frames are masked");
    let (len, mut at) = match wire[1] & 0x7f {
        126 => (u16::from_be_bytes([wire[2], wire[3]]) as usize, 4),
        127 => (
            u64::from_be_bytes(wire[2..10].try_into().unwrap()) as usize,
            10,
        ),
        n => (n as usize, 2),
    };
    let mask = [wire[at], wire[at + 1], wire[at + 2], wire[at + 3]];
    at += 4;
    let payload = wire[at..at + len]
        .iter()
        .enumerate()
        .map(|(i, b)| b ^ mask[i % 4])
        .collect();
    (wire[0] & 0x80 != 0, wire[0] & 0x0f, payload, at + len)
}

#[test]
fn the_rfc_examples_decode_as_the_rfc_says() {
    // RFC 6455 section 5.7.
    let hello = [0x81, 0x05, 0x48, 0x65, 0x6c, 0x6c, 0x6f];
    assert_eq!(
        decode_all(&hello, &[]),
        (vec![Got::Message(Message::Text, b"Hello".to_vec())], None)
    );
    let fragmented = [0x01, 0x03, 0x48, 0x65, 0x6c, 0x80, 0x02, 0x6c, 0x6f];
    assert_eq!(
        decode_all(&fragmented, &[]),
        (vec![Got::Message(Message::Text, b"Hello".to_vec())], None)
    );
    let ping = [0x89, 0x05, 0x48, 0x65, 0x6c, 0x6c, 0x6f];
    assert_eq!(
        decode_all(&ping, &[]),
        (vec![Got::Ping(b"Hello".to_vec())], None)
    );
    let big = server_frame(0x82, &[7; 256]);
    assert_eq!(&big[..4], [0x82, 0x7e, 0x01, 0x00]);
    assert_eq!(
        decode_all(&big, &[]),
        (vec![Got::Message(Message::Binary, vec![7; 256])], None)
    );
    let huge = server_frame(0x82, &[9; 65536]);
    assert_eq!(&huge[..10], [0x82, 0x7f, 0, 0, 0, 0, 0, 1, 0, 0]);
    assert_eq!(
        decode_all(&huge, &[1000]),
        (vec![Got::Message(Message::Binary, vec![9; 65536])], None)
    );
}

#[test]
fn client_frames_are_masked_and_read_back_as_sent() {
    let mut out = Vec::new();
    ClientFrame::text(b"Hello")
        .encode([0x37, 0xfa, 0x21, 0x3d], &mut out)
        .unwrap();
    assert_eq!(
        out,
        [0x81, 0x85, 0x37, 0xfa, 0x21, 0x3d, 0x7f, 0x9f, 0x4d, 0x51, 0x58]
    );
    for len in [0, 1, 125, 126, 65535, 65536, 70000] {
        let payload: Vec<u8> = (0..len).map(|i| (i * 31 % 251) as u8).collect();
        let mut out = Vec::new();
        ClientFrame::binary(&payload)
            .encode([0xde, 0xad, 0xbe, 0xef], &mut out)
            .unwrap();
        let (fin, opcode, got, used) = read_client_frame(&out);
        assert!(fin);
        assert_eq!(opcode, 0x2);
        assert_eq!(got, payload, "{len} bytes");
        assert_eq!(used, out.len());
    }
    let mut out = Vec::new();
    ClientFrame::ping(b"p")
        .encode([1, 2, 3, 4], &mut out)
        .unwrap();
    ClientFrame::pong(b"p")
        .encode([1, 2, 3, 4], &mut out)
        .unwrap();
    encode_close(Some(1000), "bye", [5, 6, 7, 8], &mut out).unwrap();
    encode_close(None, "ignored without a code", [5, 6, 7, 8], &mut out).unwrap();
    let mut at = 0;
    let mut frames = Vec::new();
    while at < out.len() {
        let (fin, opcode, payload, used) = read_client_frame(&out[at..]);
        frames.push((fin, opcode, payload));
        at += used;
    }
    assert_eq!(
        frames,
        [
            (true, 0x9, b"p".to_vec()),
            (true, 0xA, b"p".to_vec()),
            (true, 0x8, b"\x03\xe8bye".to_vec()),
            (true, 0x8, Vec::new()),
        ]
    );
}

#[test]
fn control_frames_that_cannot_be_sent_are_refused_and_nothing_is_written() {
    let mut out = Vec::new();
    let long = [0u8; 126];
    assert_eq!(
        ClientFrame::ping(&long).encode([0; 4], &mut out),
        Err(WsError::InvalidControl)
    );
    let fragmented = ClientFrame {
        opcode: Opcode::Pong,
        payload: b"",
        fin: false,
    };
    assert_eq!(
        fragmented.encode([0; 4], &mut out),
        Err(WsError::InvalidControl)
    );
    assert_eq!(
        encode_close(Some(1005), "", [0; 4], &mut out),
        Err(WsError::InvalidControl)
    );
    assert!(out.is_empty());
    // A long reason is cut at a character boundary to fit.
    encode_close(Some(4000), &"é".repeat(100), [0; 4], &mut out).unwrap();
    let (_, _, payload, _) = read_client_frame(&out);
    assert_eq!(payload.len(), 124);
    assert!(std::str::from_utf8(&payload[2..]).is_ok());
}

#[test]
fn control_frames_between_fragments_come_whole_and_in_order() {
    let mut wire = server_frame(0x02, b"first ");
    wire.extend(server_frame(0x89, b"ping!"));
    wire.extend(server_frame(0x00, b""));
    wire.extend(server_frame(0x8A, b""));
    wire.extend(server_frame(0x80, b"last"));
    wire.extend(server_frame(0x88, b"\x03\xe8normal"));
    let want = vec![
        Got::Ping(b"ping!".to_vec()),
        Got::Pong(Vec::new()),
        Got::Message(Message::Binary, b"first last".to_vec()),
        Got::Close(Some(1000), b"normal".to_vec()),
    ];
    assert_eq!(decode_all(&wire, &[]), (want.clone(), None));
    for size in 1..wire.len() {
        assert_eq!(
            decode_all(&wire, &[size]),
            (want.clone(), None),
            "pieces of {size}"
        );
    }
}

#[test]
fn hostile_frames_are_refused_and_the_error_sticks() {
    let cases: &[(&[u8], WsError)] = &[
        (b"\xc2\x00", WsError::ReservedBits(0x40)),
        (b"\x83\x00", WsError::UnknownOpcode(0x3)),
        (b"\x8b\x00", WsError::UnknownOpcode(0xb)),
        (b"\x82\x80\0\0\0\0", WsError::MaskedServerFrame),
        (b"\x09\x00", WsError::BadControlFrame),
        (b"\x89\x7e\x00\x7e", WsError::BadControlFrame),
        (b"\x80\x01x", WsError::UnexpectedContinuation),
        (b"\x02\x01x\x82\x01y", WsError::UnfinishedMessage),
        (b"\x82\x7e\x00\x05", WsError::BadLength),
        (
            b"\x82\x7f\x00\x00\x00\x00\x00\x00\xff\xff",
            WsError::BadLength,
        ),
        (
            b"\x82\x7f\x80\x00\x00\x00\x00\x00\x00\x00",
            WsError::BadLength,
        ),
        (b"\x88\x01\x03", WsError::BadClose),
        (b"\x88\x02\x03\xed", WsError::BadClose),
        (b"\x88\x02\x00\x01", WsError::BadClose),
        (b"\x88\x00\x82\x01x", WsError::AfterClose),
    ];
    for (wire, want) in cases {
        let (_, err) = decode_all(wire, &[]);
        assert_eq!(err.as_ref(), Some(want), "{wire:x?}");
        let mut dec = FrameDecoder::default();
        let mut rest = *wire;
        let err = loop {
            match dec.decode(rest) {
                Ok((n, _)) => rest = &rest[n..],
                Err(e) => break e,
            }
        };
        assert_eq!(&err, want);
        assert_eq!(dec.decode(b"\x82\x01x"), Err(want.clone()), "sticky");
        assert_eq!(dec.finish(), Err(want.clone()));
    }
}

#[test]
fn a_frame_that_claims_exabytes_is_streamed_without_allocating() {
    let mut dec = FrameDecoder::default();
    let header = b"\x82\x7f\x7f\xff\xff\xff\xff\xff\xff\xff";
    let (n, event) = dec.decode(header).unwrap();
    assert_eq!((n, event), (10, None));
    let chunk = [0xabu8; 4096];
    for _ in 0..100 {
        let (n, event) = dec.decode(&chunk).unwrap();
        assert_eq!(n, chunk.len());
        assert!(
            matches!(event, Some(WsEvent::Data { data, last: false, .. }) if data.len() == 4096)
        );
    }
    assert_eq!(dec.finish(), Err(WsError::Truncated));
}

#[test]
fn a_stream_that_ends_inside_a_frame_or_a_message_is_truncated() {
    for wire in [
        &b"\x82"[..],
        b"\x82\x7e\x01",
        b"\x82\x05abc",
        b"\x02\x01a",
        b"\x89\x03ab",
    ] {
        assert_eq!(
            decode_all(wire, &[]).1,
            Some(WsError::Truncated),
            "{wire:x?}"
        );
    }
    assert_eq!(
        decode_all(b"\x82\x00", &[]),
        (vec![Got::Message(Message::Binary, Vec::new())], None)
    );
}

#[test]
fn the_handshake_keys_follow_the_rfc() {
    assert_eq!(client_key(*b"the sample nonce"), "dGhlIHNhbXBsZSBub25jZQ==");
    assert_eq!(
        accept_key("dGhlIHNhbXBsZSBub25jZQ=="),
        "s3pPLMBiTxaQ9kYGzzhZRbK+xOo="
    );
    assert_eq!(client_key([0; 16]).len(), 24);
}

proptest! {
    #[test]
    fn any_split_decodes_the_same(
        messages in proptest::collection::vec((any::<bool>(), proptest::collection::vec(any::<u8>(), 0..300), 1usize..4), 1..6),
        sizes in proptest::collection::vec(1usize..40, 1..8),
    ) {
        let mut wire = Vec::new();
        let mut want = Vec::new();
        for (i, (text, payload, fragments)) in messages.iter().enumerate() {
            let kind = if *text { Message::Text } else { Message::Binary };
            let first = if *text { 0x01 } else { 0x02 };
            let step = payload.len().div_ceil(*fragments).max(1);
            let parts: Vec<&[u8]> = match payload.is_empty() {
                true => vec![&payload[..]],
                false => payload.chunks(step).collect(),
            };
            for (j, part) in parts.iter().enumerate() {
                let opcode = if j == 0 { first } else { 0x00 };
                let last = j + 1 == parts.len();
                let fin = if last { 0x80 } else { 0 };
                wire.extend(server_frame(fin | opcode, part));
                if last {
                    want.push(Got::Message(kind, payload.clone()));
                }
                if j == 0 && i % 2 == 1 {
                    // A ping after the first fragment: inside the message, or after it.
                    wire.extend(server_frame(0x89, &[i as u8]));
                    want.push(Got::Ping(vec![i as u8]));
                }
            }
        }
        let whole = decode_all(&wire, &[]);
        prop_assert_eq!(&whole, &(want, None));
        prop_assert_eq!(decode_all(&wire, &sizes), whole);
    }
}

#[test]
fn a_websocket_upgrade_switches_on_101_only() {
    use docker_wire::{ClientConn, Event, Limits, Method, RequestHead, Upgrade};
    let key = client_key(*b"the sample nonce");
    let headers = [
        ("Sec-WebSocket-Key", key.as_str()),
        ("Sec-WebSocket-Version", "13"),
    ];
    let head = RequestHead::new(
        Method::Get,
        "/v1.41/containers/web/attach/ws?stream=1",
        "docker",
    )
    .headers(&headers)
    .upgrade(Upgrade::WebSocket);
    let mut out = Vec::new();
    let mut conn = ClientConn::new(Limits::default());
    conn.send_request(&head, &mut out).unwrap();
    let text = String::from_utf8(out).unwrap();
    assert!(
        text.ends_with("Connection: Upgrade\r\nUpgrade: websocket\r\n\r\n"),
        "{text}"
    );
    assert!(
        text.contains("Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"),
        "{text}"
    );
    let switched = b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n\x82\x01x";
    let res = conn.decode(switched).unwrap();
    assert!(matches!(res.event, Event::Head(h) if h.status == 101));
    let rest = &switched[res.consumed..];
    assert!(matches!(conn.decode(rest).unwrap().event, Event::Upgraded));

    // The engine answers 200 when the request lacks the upgrade: an ordinary response.
    let mut conn = ClientConn::new(Limits::default());
    conn.send_request(&head, &mut Vec::new()).unwrap();
    let plain = b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok";
    let res = conn.decode(plain).unwrap();
    assert!(matches!(res.event, Event::Head(h) if h.status == 200));
    let res = conn.decode(&plain[res.consumed..]).unwrap();
    assert!(matches!(res.event, Event::Body(b"ok")));
}
