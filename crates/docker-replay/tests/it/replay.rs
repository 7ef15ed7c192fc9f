//! The fake engine as a client sees it: what it answers, when it closes, and what
//! `finish` reports.

use std::io::{Read, Write};
use std::net::Shutdown;
use std::os::unix::net::UnixStream;
use std::time::Duration;

use docker_replay::{Ending, Exchange, Replay, Transcript};
use docker_wire::{ClientConn, Event, Limits, Method, RequestHead, Upgrade};

const PING: &[u8] = b"GET /_ping HTTP/1.1\r\nHost: docker\r\n\r\n";
const PONG: &[u8] = b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nOK";

fn transcript(exchanges: impl IntoIterator<Item = Exchange>) -> Transcript {
    let mut t = Transcript::default();
    t.set_meta("scenario", "test");
    for ex in exchanges {
        t.push(ex);
    }
    t
}

fn ping_transcript() -> Transcript {
    transcript([Exchange::new(PING.to_vec(), PONG.to_vec())])
}

fn connect(replay: &Replay) -> UnixStream {
    let conn = UnixStream::connect(replay.socket()).unwrap();
    conn.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    conn
}

/// A response as read off the socket: its bytes, and whether the connection may carry
/// another request.
struct Answer {
    status: u16,
    bytes: Vec<u8>,
    body: Vec<u8>,
    reusable: bool,
}

/// Reads one response to a request made with `method` and `upgrade`, as a client would, a
/// byte at a time, so that nothing of the next response is taken. Bytes of a hijacked stream
/// are read until the engine closes.
fn read_answer(conn: &mut UnixStream, method: Method, upgrade: Upgrade) -> Answer {
    let mut codec = ClientConn::new(Limits::default());
    let head = RequestHead::new(method, "/", "docker").upgrade(upgrade);
    codec.send_request(&head, &mut Vec::new()).unwrap();
    let mut buf = Vec::new();
    let mut answer = Answer {
        status: 0,
        bytes: Vec::new(),
        body: Vec::new(),
        reusable: false,
    };
    let mut chunk = [0; 1];
    loop {
        let res = codec.decode(&buf).unwrap();
        let consumed = res.consumed;
        match res.event {
            Event::NeedData => {
                answer.bytes.extend(buf.drain(..consumed));
                let n = conn.read(&mut chunk).unwrap();
                if n == 0 {
                    codec.handle_eof().unwrap();
                    answer.bytes.append(&mut buf);
                    return answer;
                }
                buf.extend_from_slice(&chunk[..n]);
                continue;
            }
            Event::Head(h) => answer.status = h.status,
            Event::Body(b) => answer.body.extend_from_slice(b),
            Event::End { reusable } => {
                answer.reusable = reusable;
                answer.bytes.extend(buf.drain(..consumed));
                return answer;
            }
            Event::Upgraded => {
                answer.bytes.append(&mut buf);
                conn.read_to_end(&mut answer.bytes).unwrap();
                return answer;
            }
        }
        answer.bytes.extend(buf.drain(..consumed));
    }
}

fn ask(replay: &Replay, request: &[u8]) -> Answer {
    let mut conn = connect(replay);
    conn.write_all(request).unwrap();
    read_answer(&mut conn, Method::Get, Upgrade::No)
}

#[test]
fn a_matching_request_gets_the_recorded_answer() {
    let replay = Replay::with_seed(&ping_transcript(), 1).unwrap();
    // Headers are not compared.
    let answer = ask(&replay, b"GET /_ping HTTP/1.1\r\nHost: other\r\n\r\n");
    assert_eq!(answer.bytes, PONG);
    assert!(answer.reusable);
    replay.finish().unwrap();
}

#[test]
fn every_seed_delivers_the_same_bytes() {
    for seed in [0, 1, 2, 0xdead_beef, u64::MAX] {
        let replay = Replay::with_seed(&ping_transcript(), seed).unwrap();
        assert_eq!(replay.seed(), seed);
        assert_eq!(ask(&replay, PING).bytes, PONG, "seed {seed}");
        replay.finish().unwrap();
    }
}

#[test]
fn a_mismatch_is_answered_599_with_a_diff_and_reported() {
    let replay = Replay::with_seed(&ping_transcript(), 1).unwrap();
    let answer = ask(&replay, b"GET /info HTTP/1.1\r\n\r\n");
    assert_eq!(answer.status, 599);
    assert!(!answer.reusable, "a mismatch closes the connection");
    let text = String::from_utf8(answer.body).unwrap();
    assert!(text.contains("expected: GET /_ping"), "{text}");
    assert!(text.contains("got: GET /info"), "{text}");
    let err = replay.finish().unwrap_err();
    assert_eq!(err.failures().len(), 1);
    assert!(err.to_string().contains("DKR_REPLAY_SEED=1"), "{err}");
}

#[test]
fn a_body_mismatch_shows_both_bodies() {
    let recorded = b"POST /x HTTP/1.1\r\nContent-Length: 3\r\n\r\nabc";
    let replay = Replay::with_seed(
        &transcript([Exchange::new(recorded.to_vec(), PONG.to_vec())]),
        1,
    )
    .unwrap();
    let answer = ask(&replay, b"POST /x HTTP/1.1\r\nContent-Length: 3\r\n\r\nabd");
    assert_eq!(answer.status, 599);
    let text = String::from_utf8(answer.body).unwrap();
    assert!(text.contains("expected body: \"abc\""), "{text}");
    assert!(text.contains("got body: \"abd\""), "{text}");
    assert!(replay.finish().is_err());
}

#[test]
fn a_request_past_the_end_is_answered_599_and_reported() {
    let replay = Replay::with_seed(&ping_transcript(), 1).unwrap();
    let mut conn = connect(&replay);
    conn.write_all(PING).unwrap();
    assert_eq!(read_answer(&mut conn, Method::Get, Upgrade::No).bytes, PONG);
    conn.write_all(PING).unwrap();
    let answer = read_answer(&mut conn, Method::Get, Upgrade::No);
    assert_eq!(answer.status, 599);
    let text = String::from_utf8(answer.body).unwrap();
    assert!(
        text.contains("came after the end of the transcript (1 exchanges)"),
        "{text}"
    );
    let err = replay.finish().unwrap_err();
    assert_eq!(err.failures().len(), 1);
    assert!(err.unconsumed().is_empty());
}

#[test]
fn unconsumed_exchanges_are_reported() {
    let replay = Replay::with_seed(&ping_transcript(), 1).unwrap();
    let err = replay.finish().unwrap_err();
    assert_eq!(err.unconsumed(), ["GET /_ping"]);
    assert!(err.failures().is_empty());
    assert!(
        err.to_string()
            .contains("1 recorded exchange(s) never asked for"),
        "{err}"
    );
}

#[test]
fn a_replay_dropped_with_failures_panics_with_its_report() {
    let res = std::panic::catch_unwind(|| {
        let replay = Replay::with_seed(&ping_transcript(), 1).unwrap();
        drop(replay);
    });
    let message = res.unwrap_err();
    let text = message
        .downcast_ref::<String>()
        .map(String::as_str)
        .unwrap_or_default();
    assert!(text.contains("never asked for"), "{text:?}");
}

#[test]
fn requests_naming_other_ids_and_times_match_their_normalised_recording() {
    let id = "0b5d1b4dc0a8e2f5d0c2e5a46b1f3a7c0e9d8f7a6b5c4d3e2f1a0b9c8d7e6f5a";
    let live = format!("GET /v1.41/events?since=1795863000.5&filters=%7B%22container%22%3A%5B%22{id}%22%5D%7D HTTP/1.1\r\n\r\n");
    let recorded =
        transcript([Exchange::new(live.clone().into_bytes(), PONG.to_vec())]).normalised();
    assert!(!String::from_utf8_lossy(&recorded.exchanges()[0].request).contains(id));
    let replay = Replay::with_seed(&recorded, 3).unwrap();
    let other = "9".repeat(64);
    let asked = format!("GET /v1.41/events?since=1700000000.2&filters=%7B%22container%22%3A%5B%22{other}%22%5D%7D HTTP/1.1\r\n\r\n");
    assert_eq!(ask(&replay, asked.as_bytes()).bytes, PONG);
    replay.finish().unwrap();
}

#[test]
fn a_chunked_request_body_matches_however_it_was_chunked() {
    let recorded =
        b"PUT /archive HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n";
    let replay = Replay::with_seed(
        &transcript([Exchange::new(recorded.to_vec(), PONG.to_vec())]),
        1,
    )
    .unwrap();
    let asked = b"PUT /archive HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n2;x=y\r\nhe\r\n3\r\nllo\r\n0\r\nT: 1\r\n\r\n";
    let mut conn = connect(&replay);
    // Written a byte at a time: the request is framed however it arrives.
    for b in asked {
        conn.write_all(&[*b]).unwrap();
    }
    assert_eq!(read_answer(&mut conn, Method::Put, Upgrade::No).bytes, PONG);
    replay.finish().unwrap();
}

#[test]
fn pipelined_requests_on_one_connection_are_answered_in_order() {
    let info = b"GET /info HTTP/1.1\r\n\r\n";
    let info_answer = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n";
    let replay = Replay::with_seed(
        &transcript([
            Exchange::new(PING.to_vec(), PONG.to_vec()),
            Exchange::new(info.to_vec(), info_answer.to_vec()),
        ]),
        5,
    )
    .unwrap();
    let mut conn = connect(&replay);
    conn.write_all(&[PING, &info[..]].concat()).unwrap();
    assert_eq!(read_answer(&mut conn, Method::Get, Upgrade::No).bytes, PONG);
    let second = read_answer(&mut conn, Method::Get, Upgrade::No);
    assert_eq!(
        (second.bytes.as_slice(), second.body.as_slice()),
        (&info_answer[..], &b"{}"[..])
    );
    replay.finish().unwrap();
}

#[test]
fn the_engine_closes_after_an_exchange_that_ended_so() {
    let until_close = b"HTTP/1.1 200 OK\r\n\r\nall of it";
    let replay = Replay::with_seed(
        &transcript([Exchange {
            request: PING.to_vec(),
            response: until_close.to_vec(),
            ending: Ending::EngineClosed,
        }]),
        1,
    )
    .unwrap();
    let answer = ask(&replay, PING);
    assert_eq!(answer.bytes, until_close);
    assert_eq!(answer.body, b"all of it");
    replay.finish().unwrap();
}

#[test]
fn a_stream_the_client_left_stays_open_and_quiet() {
    let events = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\n{}\n\r\n";
    let replay = Replay::with_seed(
        &transcript([Exchange {
            request: PING.to_vec(),
            response: events.to_vec(),
            ending: Ending::ClientClosed,
        }]),
        1,
    )
    .unwrap();
    let mut conn = connect(&replay);
    conn.write_all(PING).unwrap();
    let mut got = Vec::new();
    let mut chunk = [0; 256];
    while got.len() < events.len() {
        let n = conn.read(&mut chunk).unwrap();
        assert_ne!(n, 0, "closed after {got:?}");
        got.extend_from_slice(&chunk[..n]);
    }
    assert_eq!(got, events);
    conn.set_read_timeout(Some(Duration::from_millis(300)))
        .unwrap();
    let quiet = conn.read(&mut chunk);
    assert!(
        matches!(&quiet, Err(e) if e.kind() == std::io::ErrorKind::WouldBlock || e.kind() == std::io::ErrorKind::TimedOut),
        "{quiet:?}"
    );
    replay.finish().unwrap();
}

#[test]
fn a_hijacked_exchange_ends_its_output_and_takes_stdin_until_the_client_closes() {
    let request = b"POST /v1.41/exec/x/start HTTP/1.1\r\nConnection: Upgrade\r\nUpgrade: tcp\r\nContent-Length: 2\r\n\r\n{}";
    let response = b"HTTP/1.1 101 UPGRADED\r\nConnection: Upgrade\r\nUpgrade: tcp\r\n\r\n\x01\x00\x00\x00\x00\x00\x00\x03hi\n";
    let replay = Replay::with_seed(
        &transcript([Exchange {
            request: request.to_vec(),
            response: response.to_vec(),
            ending: Ending::EngineClosed,
        }]),
        1,
    )
    .unwrap();
    let mut conn = connect(&replay);
    conn.write_all(request).unwrap();
    let answer = read_answer(&mut conn, Method::Post, Upgrade::Hijack);
    assert_eq!(answer.status, 101);
    assert_eq!(answer.bytes, response);
    conn.write_all(b"stdin\n").unwrap();
    conn.shutdown(Shutdown::Write).unwrap();
    replay.finish().unwrap();
}

#[test]
fn a_request_that_cannot_be_framed_is_answered_599_and_the_connection_closed() {
    let replay = Replay::with_seed(&ping_transcript(), 1).unwrap();
    let mut conn = connect(&replay);
    conn.write_all(b"GET /_ping HTTP/1.1\r\nContent-Length: x\r\n\r\n")
        .unwrap();
    let answer = read_answer(&mut conn, Method::Get, Upgrade::No);
    assert_eq!(answer.status, 599);
    let text = String::from_utf8(answer.body).unwrap();
    assert!(
        text.contains("request 1 cannot be framed (malformed request: invalid Content-Length)"),
        "{text}"
    );
    assert!(text.contains("expected: GET /_ping"), "{text}");
    let mut rest = Vec::new();
    assert_eq!(conn.read_to_end(&mut rest).unwrap(), 0, "{rest:?}");
    assert_eq!(replay.finish().unwrap_err().failures().len(), 1);
}
