//! Bodies: truncation never passes for success, caps, readers and streams, request bodies.

use std::io::Read;
use std::time::{Duration, Instant};

use docker_transport::blocking::Transport;
use docker_transport::{Error, Method, Request};
use docker_wire::ProtocolError;

use crate::fake::Fake;

/// Where the engine dies.
const KILLED: [(&str, &[u8]); 4] = [
    (
        "inside a Content-Length body",
        b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n0123456789",
    ),
    (
        "inside a chunk-size line",
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n1",
    ),
    (
        "inside chunk data",
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n10\r\n01234",
    ),
    (
        "inside a multiplexed frame payload",
        b"HTTP/1.1 200 OK\r\nContent-Type: application/vnd.docker.multiplexed-stream\r\nTransfer-Encoding: chunked\r\n\r\n12\r\n\x01\x00\x00\x00\x00\x00\x00\x64only ten!",
    ),
];

/// Sends `partial`, waits until the client is reading, then dies.
fn dies_after(partial: &'static [u8]) -> Fake {
    Fake::start(move |_, mut peer| {
        let _ = peer.read_request();
        peer.write(partial);
        std::thread::sleep(Duration::from_millis(50));
    })
}

fn is_truncated(err: &Error) -> bool {
    matches!(
        err,
        Error::Protocol {
            source: docker_wire::Error::Protocol(ProtocolError::UnexpectedEof { .. }),
            ..
        }
    ) && err.to_string().contains("truncated")
}

#[test]
fn an_engine_killed_mid_body_is_an_error_within_a_second() {
    for (place, partial) in KILLED {
        let fake = dies_after(partial);
        let transport = Transport::new(fake.config());
        let mut res = transport.send(Request::new(Method::Get, "/logs")).unwrap();
        let start = Instant::now();
        let err = loop {
            match res.next_chunk() {
                Ok(Some(_)) => (),
                Ok(None) => panic!("{place}: a truncated body ended as a success"),
                Err(e) => break e,
            }
        };
        assert!(start.elapsed() < Duration::from_secs(1), "{place}");
        assert!(is_truncated(&err), "{place}: {err:?}");
        // The failure is sticky.
        assert!(res.next_chunk().is_err(), "{place}");
    }
}

#[test]
fn a_truncated_body_is_an_error_through_every_surface() {
    let partial = KILLED[0].1;
    let fake = dies_after(partial);
    let transport = Transport::new(fake.config());
    let err = transport
        .send(Request::new(Method::Get, "/x"))
        .unwrap()
        .bytes()
        .err()
        .unwrap();
    assert!(is_truncated(&err));
    let mut out = Vec::new();
    let err = transport
        .send(Request::new(Method::Get, "/x"))
        .unwrap()
        .into_reader()
        .read_to_end(&mut out)
        .err()
        .unwrap();
    assert_eq!(err.kind(), std::io::ErrorKind::UnexpectedEof);
    assert_eq!(out, b"0123456789");
}

fn serves(response: Vec<u8>) -> Fake {
    Fake::start(move |_, mut peer| {
        while peer.read_request().is_some() {
            peer.write(&response);
        }
    })
}

fn sized(status: u16, len: usize) -> Vec<u8> {
    let mut r = format!("HTTP/1.1 {status} X\r\nContent-Length: {len}\r\n\r\n").into_bytes();
    r.resize(r.len() + len, b'x');
    r
}

#[test]
fn a_success_body_over_max_body_bytes_is_too_large() {
    let fake = serves(sized(200, 1001));
    let mut config = fake.config();
    config.max_body_bytes = 1000;
    let transport = Transport::new(config);
    let err = transport
        .send(Request::new(Method::Get, "/x"))
        .unwrap()
        .bytes()
        .err()
        .unwrap();
    assert!(
        matches!(err, Error::BodyTooLarge { limit: 1000, .. }),
        "{err:?}"
    );
    // The connection was dropped, not pooled.
    let _ = transport.send(Request::new(Method::Get, "/x")).unwrap();
    assert_eq!(fake.accepted(), 2);
}

#[test]
fn a_body_exactly_at_the_cap_is_accepted() {
    let fake = serves(sized(200, 1000));
    let mut config = fake.config();
    config.max_body_bytes = 1000;
    let transport = Transport::new(config);
    let body = transport
        .send(Request::new(Method::Get, "/x"))
        .unwrap()
        .bytes()
        .unwrap();
    assert_eq!(body.len(), 1000);
}

#[test]
fn an_error_body_over_max_error_body_bytes_is_too_large() {
    let fake = serves(sized(500, 2000));
    let mut config = fake.config();
    config.max_error_body_bytes = 1000;
    let transport = Transport::new(config);
    let res = transport.send(Request::new(Method::Get, "/x")).unwrap();
    assert_eq!(res.status(), 500);
    let err = res.bytes().err().unwrap();
    assert!(
        matches!(err, Error::BodyTooLarge { limit: 1000, .. }),
        "{err:?}"
    );
}

#[test]
fn an_endless_chunked_body_is_too_large() {
    let fake = Fake::start(|_, mut peer| {
        let _ = peer.read_request();
        peer.write(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n");
        peer.write_forever(b"8\r\n01234567\r\n");
    });
    let mut config = fake.config();
    config.max_body_bytes = 100_000;
    let transport = Transport::new(config);
    let err = transport
        .send(Request::new(Method::Get, "/containers/json"))
        .unwrap()
        .bytes()
        .err()
        .unwrap();
    assert!(
        matches!(err, Error::BodyTooLarge { limit: 100_000, .. }),
        "{err:?}"
    );
}

#[test]
fn bytes_limited_applies_its_own_cap() {
    let fake = serves(sized(200, 11));
    let transport = Transport::new(fake.config());
    let res = transport.send(Request::new(Method::Get, "/x")).unwrap();
    assert!(matches!(
        res.bytes_limited(10),
        Err(Error::BodyTooLarge { limit: 10, .. })
    ));
}

#[test]
fn the_reader_yields_the_body_in_small_reads() {
    let fake = serves(
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n"
            .to_vec(),
    );
    let transport = Transport::new(fake.config());
    let mut reader = transport
        .send(Request::new(Method::Get, "/x"))
        .unwrap()
        .into_reader();
    let mut out = Vec::new();
    let mut small = [0u8; 3];
    loop {
        match reader.read(&mut small).unwrap() {
            0 => break,
            n => out.extend_from_slice(&small[..n]),
        }
    }
    assert_eq!(out, b"hello world");
    drop(reader);
    // Read to its end, the connection went back to the pool.
    let _ = transport.send(Request::new(Method::Get, "/x")).unwrap();
    assert_eq!(fake.accepted(), 1);
}

/// Echoes the request it received as the response body.
fn echo() -> Fake {
    Fake::start(|_, mut peer| {
        while let Some(req) = peer.read_request() {
            let mut res =
                format!("HTTP/1.1 200 OK\r\nContent-Length: {}\r\n\r\n", req.len()).into_bytes();
            res.extend_from_slice(&req);
            peer.write(&res);
        }
    })
}

#[test]
fn requests_are_written_as_specified() {
    let fake = echo();
    let transport = Transport::new(fake.config());
    let req = Request::new(Method::Post, "/containers/create?name=web")
        .header("X-Registry-Auth", "e30")
        .json(br#"{"Image":"alpine"}"#.to_vec());
    let sent = transport.send(req).unwrap().bytes().unwrap();
    let expected = format!(
        "POST /containers/create?name=web HTTP/1.1\r\nHost: docker\r\nUser-Agent: docker-rs/{}\r\nX-Registry-Auth: e30\r\nContent-Type: application/json\r\nContent-Length: 18\r\n\r\n{{\"Image\":\"alpine\"}}",
        env!("CARGO_PKG_VERSION")
    );
    assert_eq!(String::from_utf8(sent).unwrap(), expected);
}

#[test]
fn a_reader_body_is_sent_chunked() {
    let fake = echo();
    let transport = Transport::new(fake.config());
    let body = docker_transport::blocking::Body::Reader(Box::new(&b"tar bytes"[..]));
    let req = Request::new(Method::Put, "/containers/x/archive?path=/tmp").body(body);
    let sent = transport.send(req).unwrap().bytes().unwrap();
    let sent = String::from_utf8(sent).unwrap();
    assert!(sent.contains("Transfer-Encoding: chunked\r\n"), "{sent}");
    assert!(
        sent.ends_with("\r\n\r\n9\r\ntar bytes\r\n0\r\n\r\n"),
        "{sent}"
    );
}

#[test]
fn header_injection_is_refused_before_anything_is_sent() {
    let fake = echo();
    let transport = Transport::new(fake.config());
    let req = Request::new(Method::Get, "/x").header("X-A", "1\r\nX-Injected: 1");
    let err = transport.send(req).err().unwrap();
    assert!(matches!(err, Error::InvalidRequest { .. }), "{err:?}");
    let req = Request::new(Method::Get, "/a b");
    assert!(matches!(
        transport.send(req),
        Err(Error::InvalidRequest { .. })
    ));
}

#[cfg(feature = "tokio")]
mod tokio_flavour {
    use super::*;
    use docker_transport::tokio::Transport;
    use tokio::io::AsyncReadExt;

    #[tokio::test]
    async fn an_engine_killed_mid_body_is_an_error_within_a_second() {
        for (place, partial) in KILLED {
            let fake = dies_after(partial);
            let transport = Transport::new(fake.config());
            let mut res = transport
                .send(Request::new(Method::Get, "/logs"))
                .await
                .unwrap();
            let start = Instant::now();
            let err = loop {
                match res.next_chunk().await {
                    Ok(Some(_)) => (),
                    Ok(None) => panic!("{place}: a truncated body ended as a success"),
                    Err(e) => break e,
                }
            };
            assert!(start.elapsed() < Duration::from_secs(1), "{place}");
            assert!(is_truncated(&err), "{place}: {err:?}");
        }
    }

    #[tokio::test]
    async fn the_stream_yields_chunks_then_ends() {
        use futures_core::Stream;
        use std::future::poll_fn;
        use std::pin::Pin;

        let fake = serves(
            b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n"
                .to_vec(),
        );
        let transport = Transport::new(fake.config());
        let mut stream = transport
            .send(Request::new(Method::Get, "/x"))
            .await
            .unwrap()
            .into_stream();
        let mut out = Vec::new();
        while let Some(chunk) = poll_fn(|cx| Pin::new(&mut stream).poll_next(cx)).await {
            out.extend_from_slice(&chunk.unwrap());
        }
        assert_eq!(out, b"hello world");
    }

    #[tokio::test]
    async fn a_truncated_body_is_an_error_through_the_stream() {
        use futures_core::Stream;
        use std::future::poll_fn;
        use std::pin::Pin;

        let fake = dies_after(KILLED[2].1);
        let transport = Transport::new(fake.config());
        let mut stream = transport
            .send(Request::new(Method::Get, "/x"))
            .await
            .unwrap()
            .into_stream();
        let mut last = None;
        while let Some(item) = poll_fn(|cx| Pin::new(&mut stream).poll_next(cx)).await {
            last = Some(item);
        }
        assert!(is_truncated(&last.unwrap().err().unwrap()));
    }

    #[tokio::test]
    async fn borrowed_chunks_are_the_stream_without_copies() {
        use std::future::poll_fn;
        use std::task::{ready, Poll};

        // Drains a stream through `poll_chunk`: the bytes, or the first error.
        async fn drain(
            stream: &mut docker_transport::tokio::BodyStream,
        ) -> Result<Vec<u8>, docker_transport::Error> {
            let mut out = Vec::new();
            poll_fn(|cx| loop {
                match ready!(stream.poll_chunk(cx)) {
                    Some(Ok(bytes)) => out.extend_from_slice(bytes),
                    Some(Err(e)) => return Poll::Ready(Err(e)),
                    None => return Poll::Ready(Ok(())),
                }
            })
            .await?;
            Ok(out)
        }

        let fake = serves(
            b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n"
                .to_vec(),
        );
        let transport = Transport::new(fake.config());
        let mut stream = transport
            .send(Request::new(Method::Get, "/x"))
            .await
            .unwrap()
            .into_stream();
        assert_eq!(drain(&mut stream).await.unwrap(), b"hello world");
        assert_eq!(drain(&mut stream).await.unwrap(), b"", "ended for good");

        let fake = dies_after(KILLED[2].1);
        let transport = Transport::new(fake.config());
        let mut stream = transport
            .send(Request::new(Method::Get, "/x"))
            .await
            .unwrap()
            .into_stream();
        assert!(is_truncated(&drain(&mut stream).await.err().unwrap()));
    }

    #[tokio::test]
    async fn the_async_reader_yields_the_body() {
        let fake = serves(sized(200, 70_000));
        let transport = Transport::new(fake.config());
        let mut out = Vec::new();
        transport
            .send(Request::new(Method::Get, "/x"))
            .await
            .unwrap()
            .into_async_read()
            .read_to_end(&mut out)
            .await
            .unwrap();
        assert_eq!(out.len(), 70_000);
    }

    #[tokio::test]
    async fn caps_apply() {
        let fake = serves(sized(500, 2000));
        let mut config = fake.config();
        config.max_error_body_bytes = 1000;
        let transport = Transport::new(config);
        let res = transport
            .send(Request::new(Method::Get, "/x"))
            .await
            .unwrap();
        assert!(matches!(
            res.bytes().await,
            Err(Error::BodyTooLarge { limit: 1000, .. })
        ));
    }

    #[tokio::test]
    async fn an_async_reader_body_is_sent_chunked() {
        let fake = echo();
        let transport = Transport::new(fake.config());
        let body = docker_transport::tokio::Body::Reader(Box::new(&b"tar bytes"[..]));
        let req = Request::new(Method::Put, "/containers/x/archive?path=/tmp").body(body);
        let sent = transport.send(req).await.unwrap().bytes().await.unwrap();
        let sent = String::from_utf8(sent).unwrap();
        assert!(
            sent.ends_with("\r\n\r\n9\r\ntar bytes\r\n0\r\n\r\n"),
            "{sent}"
        );
    }

    #[test]
    fn futures_are_send() {
        fn is_send<T: Send>(_: &T) {}
        let transport = Transport::new(docker_transport::Config::new(Default::default()));
        is_send(&transport.send(Request::new(Method::Get, "/_ping")));
        let body = docker_transport::tokio::Body::Reader(Box::new(&b""[..]));
        is_send(&transport.send(Request::new(Method::Get, "/_ping").body(body)));
    }
}
