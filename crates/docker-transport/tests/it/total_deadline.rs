//! The total deadline of a call: a peer that trickles a body one byte every half second,
//! under a `Content-Length` of a million, never trips the idle timeout, and the total
//! deadline ends the call, in both flavours. Streams are exempt.

use std::time::{Duration, Instant};

use docker_transport::{Config, Error, Method, Request, TimeoutKind};

use crate::fake::Fake;

const TOTAL: Duration = Duration::from_secs(2);
const EVERY: Duration = Duration::from_millis(500);

/// Answers with a head declaring a million bytes, then one byte every half second.
fn trickles() -> Fake {
    Fake::start(|_, mut peer| {
        if peer.read_request().is_none() {
            return;
        }
        peer.write(
            b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 1000000\r\n\r\n",
        );
        peer.trickle(&[b' '; 1000], EVERY);
    })
}

fn config(fake: &Fake) -> Config {
    let mut config = fake.config();
    // The idle timeout alone would never fire: a byte arrives every half second.
    config.timeouts.idle = Some(Duration::from_secs(5));
    config.timeouts.total = Some(TOTAL);
    config
}

/// The call ended at its total deadline (give or take the half second between two
/// bytes and a loaded machine), as a total timeout.
fn assert_total_timeout(err: &Error, elapsed: Duration) {
    assert!(
        matches!(err, Error::Timeout { kind: TimeoutKind::Total, after, .. } if *after == TOTAL),
        "{err:?}"
    );
    assert!(err.to_string().contains("total deadline"), "{err}");
    assert!(
        elapsed >= TOTAL && elapsed < TOTAL + Duration::from_secs(2),
        "the call took {elapsed:?}"
    );
}

#[test]
fn a_trickled_body_ends_at_the_total_deadline_in_the_blocking_flavour() {
    let fake = trickles();
    let transport = docker_transport::blocking::Transport::new(config(&fake));
    let start = Instant::now();
    let res = transport
        .send(Request::new(Method::Get, "/containers/json"))
        .unwrap();
    let err = res.bytes().unwrap_err();
    assert_total_timeout(&err, start.elapsed());
}

#[test]
fn the_total_deadline_of_one_request_overrides_the_config() {
    let fake = trickles();
    let mut config = config(&fake);
    config.timeouts.total = None;
    let transport = docker_transport::blocking::Transport::new(config);
    let start = Instant::now();
    let req = Request::new(Method::Get, "/containers/json").total_timeout(Some(TOTAL));
    let err = transport.send(req).unwrap().bytes().unwrap_err();
    assert_total_timeout(&err, start.elapsed());
}

#[test]
fn a_stream_is_exempt_from_the_total_deadline() {
    let fake = trickles();
    let transport = docker_transport::blocking::Transport::new(config(&fake));
    let mut res = transport
        .send(Request::new(Method::Get, "/events").streaming())
        .unwrap();
    let start = Instant::now();
    let mut got = 0;
    // Past the total deadline, the stream still delivers.
    while start.elapsed() < TOTAL + Duration::from_secs(1) {
        got += res.next_chunk().unwrap().unwrap().len();
    }
    assert!(got >= 5, "{got} bytes");
}

#[cfg(feature = "tokio")]
#[tokio::test]
async fn a_trickled_body_ends_at_the_total_deadline_in_the_tokio_flavour() {
    let fake = trickles();
    let transport = docker_transport::tokio::Transport::new(config(&fake));
    let start = Instant::now();
    let res = transport
        .send(Request::new(Method::Get, "/containers/json"))
        .await
        .unwrap();
    let err = res.bytes().await.unwrap_err();
    assert_total_timeout(&err, start.elapsed());
}
