//! Each deadline fires within ±20% of its setting, against engines that go silent.

use std::net::{TcpListener, TcpStream};
use std::time::{Duration, Instant};

use docker_transport::blocking::Transport;
use docker_transport::{Config, Endpoint, Error, Method, Request, TimeoutKind};

use crate::fake::Fake;

const SETTING: Duration = Duration::from_millis(300);

fn assert_within_20_percent(elapsed: Duration, setting: Duration) {
    let (lo, hi) = (setting.mul_f64(0.8), setting.mul_f64(1.2));
    assert!(
        elapsed >= lo && elapsed <= hi,
        "took {elapsed:?}, expected {setting:?} ±20%"
    );
}

fn assert_timeout(err: &Error, kind: TimeoutKind, after: Duration) {
    match err {
        Error::Timeout {
            kind: k, after: a, ..
        } => {
            assert_eq!((*k, *a), (kind, after), "{err}");
            assert!(err.is_timeout());
            assert_eq!(err.timeout_kind(), Some(kind));
        }
        other => panic!("expected a {kind} timeout, got {other:?}"),
    }
}

/// Accepts, reads the request and never answers.
fn silent() -> Fake {
    Fake::start(|_, mut peer| {
        let _ = peer.read_request();
        peer.hang();
    })
}

/// Answers a head with a 10-byte body, sends 2 bytes, then goes silent.
fn stalls_mid_body() -> Fake {
    Fake::start(|_, mut peer| {
        let _ = peer.read_request();
        peer.write(b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nab");
        peer.hang();
    })
}

/// Answers a chunked head, then one chunk after 2 × SETTING, then the end.
fn slow_stream() -> Fake {
    Fake::start(|_, mut peer| {
        let _ = peer.read_request();
        peer.write(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n");
        std::thread::sleep(SETTING * 2);
        peer.write(b"2\r\nev\r\n0\r\n\r\n");
        peer.hang();
    })
}

fn config(fake: &Fake) -> Config {
    let mut config = fake.config();
    config.timeouts.head = Some(SETTING);
    config.timeouts.idle = Some(SETTING);
    config
}

#[test]
fn head_timeout_fires_within_20_percent() {
    let fake = silent();
    let transport = Transport::new(config(&fake));
    let start = Instant::now();
    let err = transport
        .send(Request::new(Method::Get, "/_ping"))
        .err()
        .unwrap();
    assert_within_20_percent(start.elapsed(), SETTING);
    assert_timeout(&err, TimeoutKind::Head, SETTING);
    assert!(
        err.to_string().contains(&fake.path.display().to_string()),
        "{err}"
    );
}

#[test]
fn per_request_head_timeout_overrides_the_config() {
    let fake = silent();
    let mut config = config(&fake);
    config.timeouts.head = Some(Duration::from_secs(30));
    let transport = Transport::new(config);
    let start = Instant::now();
    let err = transport
        .send(Request::new(Method::Post, "/containers/x/stop?t=0").head_timeout(SETTING))
        .err()
        .unwrap();
    assert_within_20_percent(start.elapsed(), SETTING);
    assert_timeout(&err, TimeoutKind::Head, SETTING);
}

#[test]
fn idle_timeout_fires_within_20_percent() {
    let fake = stalls_mid_body();
    let transport = Transport::new(config(&fake));
    let mut res = transport.send(Request::new(Method::Get, "/x")).unwrap();
    assert_eq!(res.next_chunk().unwrap(), Some(&b"ab"[..]));
    let start = Instant::now();
    let err = res.next_chunk().err().unwrap();
    assert_within_20_percent(start.elapsed(), SETTING);
    assert_timeout(&err, TimeoutKind::Idle, SETTING);
}

#[test]
fn streaming_requests_have_no_idle_timeout() {
    let fake = slow_stream();
    let transport = Transport::new(config(&fake));
    let res = transport
        .send(Request::new(Method::Get, "/events").streaming())
        .unwrap();
    assert_eq!(res.bytes().unwrap(), b"ev");
}

#[test]
fn the_same_slow_stream_without_streaming_hits_the_idle_timeout() {
    let fake = slow_stream();
    let transport = Transport::new(config(&fake));
    let res = transport
        .send(Request::new(Method::Get, "/events"))
        .unwrap();
    let err = res.bytes().err().unwrap();
    assert_timeout(&err, TimeoutKind::Idle, SETTING);
}

/// Fills a loopback listener's accept queue so that the next connect hangs in SYN retries.
/// Linux drops SYNs once the queue (backlog 128, plus one) is full; `None` if this system
/// does not behave like that, in which case the connect timeout cannot be provoked locally.
fn saturated_listener() -> Option<(TcpListener, Vec<TcpStream>)> {
    let listener = TcpListener::bind("127.0.0.1:0").ok()?;
    let addr = listener.local_addr().ok()?;
    let mut held = Vec::new();
    for _ in 0..1024 {
        match TcpStream::connect_timeout(&addr, Duration::from_millis(100)) {
            Ok(s) => held.push(s),
            Err(_) => return Some((listener, held)),
        }
    }
    None
}

#[test]
fn connect_timeout_fires_within_20_percent() {
    let Some((listener, _held)) = saturated_listener() else {
        // This kernel accepts every connection into the queue: there is no way to make a
        // loopback connect hang, so only the head and idle timeouts are checked here.
        eprintln!("connect timeout not provokable on this system");
        return;
    };
    let port = listener.local_addr().unwrap().port();
    let mut config = Config::new(Endpoint::Tcp {
        host: "127.0.0.1".into(),
        port,
    });
    config.timeouts.connect = Some(SETTING);
    let transport = Transport::new(config);
    let start = Instant::now();
    let err = transport
        .send(Request::new(Method::Get, "/_ping"))
        .err()
        .unwrap();
    assert_within_20_percent(start.elapsed(), SETTING);
    assert_timeout(&err, TimeoutKind::Connect, SETTING);
    assert!(err.is_connect());
}

#[cfg(feature = "tokio")]
mod tokio_flavour {
    use super::*;
    use docker_transport::tokio::Transport;

    #[tokio::test]
    async fn head_timeout_fires_within_20_percent() {
        let fake = silent();
        let transport = Transport::new(config(&fake));
        let start = Instant::now();
        let err = transport
            .send(Request::new(Method::Get, "/_ping"))
            .await
            .err()
            .unwrap();
        assert_within_20_percent(start.elapsed(), SETTING);
        assert_timeout(&err, TimeoutKind::Head, SETTING);
    }

    #[tokio::test]
    async fn idle_timeout_fires_within_20_percent() {
        let fake = stalls_mid_body();
        let transport = Transport::new(config(&fake));
        let mut res = transport
            .send(Request::new(Method::Get, "/x"))
            .await
            .unwrap();
        assert_eq!(res.next_chunk().await.unwrap(), Some(&b"ab"[..]));
        let start = Instant::now();
        let err = res.next_chunk().await.err().unwrap();
        assert_within_20_percent(start.elapsed(), SETTING);
        assert_timeout(&err, TimeoutKind::Idle, SETTING);
    }

    #[tokio::test]
    async fn streaming_requests_have_no_idle_timeout() {
        let fake = slow_stream();
        let transport = Transport::new(config(&fake));
        let res = transport
            .send(Request::new(Method::Get, "/events").streaming())
            .await
            .unwrap();
        assert_eq!(res.bytes().await.unwrap(), b"ev");
    }

    #[tokio::test]
    async fn connect_timeout_fires_within_20_percent() {
        let Some((listener, _held)) = saturated_listener() else {
            eprintln!("connect timeout not provokable on this system");
            return;
        };
        let port = listener.local_addr().unwrap().port();
        let mut config = Config::new(Endpoint::Tcp {
            host: "127.0.0.1".into(),
            port,
        });
        config.timeouts.connect = Some(SETTING);
        let transport = Transport::new(config);
        let start = Instant::now();
        let err = transport
            .send(Request::new(Method::Get, "/_ping"))
            .await
            .err()
            .unwrap();
        assert_within_20_percent(start.elapsed(), SETTING);
        assert_timeout(&err, TimeoutKind::Connect, SETTING);
    }
}
