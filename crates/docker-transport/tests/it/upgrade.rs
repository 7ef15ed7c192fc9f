//! Hijacked connections (attach, exec start) and aborting streams.

use std::io::{Read, Write};
use std::time::{Duration, Instant};

use docker_transport::blocking::Transport;
use docker_transport::{Error, Method, Request};

use crate::fake::Fake;

/// Answers with `head` and a leftover in the same write, reads stdin to EOF, answers
/// `MORE:<stdin>` and closes.
fn echo_after(head: &'static [u8]) -> Fake {
    Fake::start(move |_, mut peer| {
        let req = peer.read_request().unwrap();
        let req = String::from_utf8_lossy(&req).to_string();
        assert!(
            req.contains("Connection: Upgrade\r\nUpgrade: tcp\r\n"),
            "{req}"
        );
        let mut first = head.to_vec();
        first.extend_from_slice(b"LEFTOVER");
        peer.write(&first);
        let stdin = peer.read_to_eof();
        let mut reply = b"MORE:".to_vec();
        reply.extend_from_slice(&stdin);
        peer.write(&reply);
    })
}

const SWITCHING: &[u8] = b"HTTP/1.1 101 UPGRADED\r\nContent-Type: application/vnd.docker.raw-stream\r\nConnection: Upgrade\r\nUpgrade: tcp\r\n\r\n";
const PLAIN_200: &[u8] =
    b"HTTP/1.1 200 OK\r\nContent-Type: application/vnd.docker.raw-stream\r\n\r\n";

fn attach<R>() -> Request<R> {
    Request::new(
        Method::Post,
        "/containers/c/attach?stream=1&stdin=1&stdout=1",
    )
    .upgrade()
}

#[test]
fn upgraded_stream_yields_the_leftover_first_and_carries_stdin_eof() {
    for head in [SWITCHING, PLAIN_200] {
        let fake = echo_after(head);
        let transport = Transport::new(fake.config());
        let mut stream = transport.send(attach()).unwrap().into_upgraded().unwrap();
        let mut leftover = [0u8; 8];
        stream.read_exact(&mut leftover).unwrap();
        assert_eq!(&leftover, b"LEFTOVER");
        stream.write_all(b"echo hi\n").unwrap();
        stream.shutdown_write().unwrap();
        let mut rest = Vec::new();
        stream.read_to_end(&mut rest).unwrap();
        assert_eq!(rest, b"MORE:echo hi\n");
    }
}

#[test]
fn split_halves_work_from_two_threads() {
    let fake = echo_after(SWITCHING);
    let transport = Transport::new(fake.config());
    let stream = transport.send(attach()).unwrap().into_upgraded().unwrap();
    let (mut reader, mut writer) = stream.try_split().unwrap();
    let reading = std::thread::spawn(move || {
        let mut all = Vec::new();
        reader.read_to_end(&mut all).unwrap();
        all
    });
    writer.write_all(b"abc").unwrap();
    writer.shutdown_write().unwrap();
    assert_eq!(reading.join().unwrap(), b"LEFTOVERMORE:abc");
}

#[test]
fn an_ordinary_answer_is_not_an_upgrade() {
    let fake = Fake::start(|_, mut peer| {
        let _ = peer.read_request();
        peer.write(b"HTTP/1.1 404 Not Found\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}");
        peer.hang();
    });
    let transport = Transport::new(fake.config());
    let err = transport
        .send(attach())
        .unwrap()
        .into_upgraded()
        .err()
        .unwrap();
    assert!(matches!(err, Error::NotUpgraded { status: 404 }), "{err:?}");
}

/// Streams one event, then nothing.
fn quiet_events() -> Fake {
    Fake::start(|_, mut peer| {
        let _ = peer.read_request();
        peer.write(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\n{}\n\r\n");
        peer.hang();
    })
}

#[test]
fn abort_stops_a_blocked_read_at_once() {
    let fake = quiet_events();
    let transport = Transport::new(fake.config());
    let mut events = transport
        .send(Request::new(Method::Get, "/events").streaming())
        .unwrap();
    assert_eq!(events.next_chunk().unwrap(), Some(&b"{}\n"[..]));
    let handle = events.abort_handle();
    let aborter = std::thread::spawn(move || {
        std::thread::sleep(Duration::from_millis(100));
        let at = Instant::now();
        handle.abort();
        at
    });
    let err = events.next_chunk().err().unwrap();
    let stopped = Instant::now();
    let aborted_at = aborter.join().unwrap();
    assert!(stopped.duration_since(aborted_at) < Duration::from_millis(100));
    match &err {
        Error::Io { source, .. } => {
            assert_eq!(source.kind(), std::io::ErrorKind::ConnectionAborted)
        }
        other => panic!("{other:?}"),
    }
    // The aborted connection is not reused.
    drop(events);
    let _ = transport.send(Request::new(Method::Get, "/events"));
    assert_eq!(fake.accepted(), 2);
}

#[test]
fn abort_stops_an_upgraded_stream() {
    let fake = Fake::start(|_, mut peer| {
        let _ = peer.read_request();
        peer.write(SWITCHING);
        peer.hang();
    });
    let transport = Transport::new(fake.config());
    let mut stream = transport.send(attach()).unwrap().into_upgraded().unwrap();
    let handle = stream.abort_handle();
    std::thread::spawn(move || {
        std::thread::sleep(Duration::from_millis(50));
        handle.abort();
    });
    let mut buf = [0u8; 16];
    let err = stream.read(&mut buf).err().unwrap();
    assert_eq!(err.kind(), std::io::ErrorKind::ConnectionAborted);
}

#[cfg(feature = "tokio")]
mod tokio_flavour {
    use super::*;
    use docker_transport::tokio::Transport;
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    #[tokio::test]
    async fn upgraded_stream_yields_the_leftover_first_and_carries_stdin_eof() {
        for head in [SWITCHING, PLAIN_200] {
            let fake = echo_after(head);
            let transport = Transport::new(fake.config());
            let mut stream = transport
                .send(attach())
                .await
                .unwrap()
                .into_upgraded()
                .await
                .unwrap();
            let mut leftover = [0u8; 8];
            stream.read_exact(&mut leftover).await.unwrap();
            assert_eq!(&leftover, b"LEFTOVER");
            stream.write_all(b"echo hi\n").await.unwrap();
            stream.shutdown().await.unwrap();
            let mut rest = Vec::new();
            stream.read_to_end(&mut rest).await.unwrap();
            assert_eq!(rest, b"MORE:echo hi\n");
        }
    }

    #[tokio::test]
    async fn an_ordinary_answer_is_not_an_upgrade() {
        let fake = Fake::start(|_, mut peer| {
            let _ = peer.read_request();
            peer.write(b"HTTP/1.1 500 Oops\r\nContent-Length: 2\r\n\r\n{}");
            peer.hang();
        });
        let transport = Transport::new(fake.config());
        let res = transport.send(attach()).await.unwrap();
        let err = res.into_upgraded().await.err().unwrap();
        assert!(matches!(err, Error::NotUpgraded { status: 500 }), "{err:?}");
    }

    #[tokio::test]
    async fn abort_stops_a_pending_read_at_once() {
        let fake = quiet_events();
        let transport = Transport::new(fake.config());
        let mut events = transport
            .send(Request::new(Method::Get, "/events").streaming())
            .await
            .unwrap();
        assert_eq!(events.next_chunk().await.unwrap(), Some(&b"{}\n"[..]));
        let handle = events.abort_handle();
        let aborter = std::thread::spawn(move || {
            std::thread::sleep(Duration::from_millis(100));
            let at = Instant::now();
            handle.abort();
            at
        });
        let err = events.next_chunk().await.err().unwrap();
        let stopped = Instant::now();
        let aborted_at = aborter.join().unwrap();
        assert!(stopped.duration_since(aborted_at) < Duration::from_millis(100));
        match &err {
            Error::Io { source, .. } => {
                assert_eq!(source.kind(), std::io::ErrorKind::ConnectionAborted)
            }
            other => panic!("{other:?}"),
        }
    }
}
