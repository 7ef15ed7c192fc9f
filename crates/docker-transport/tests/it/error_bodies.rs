//! Error answers whose bodies exceed the error cap keep their status and the start of the
//! body, and say that it was cut: an engine's 404 echoing a 1 MiB name, a proxy's 2 MiB
//! page of HTML for a 502. Both flavours.

use docker_transport::{Config, ErrorBody, Method, Request};

use crate::fake::Fake;

const CAP: usize = 1024 * 1024;

/// A 404 whose JSON message echoes a name of `len` bytes.
fn not_found_echoing(len: usize) -> Vec<u8> {
    let body = format!(
        "{{\"message\":\"No such container: {}\"}}\n",
        "n".repeat(len)
    );
    let mut out = format!(
        "HTTP/1.1 404 Not Found\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n",
        body.len()
    )
    .into_bytes();
    out.extend_from_slice(body.as_bytes());
    out
}

/// A proxy's 502: 2 MiB of HTML, chunked.
fn proxy_502() -> Vec<u8> {
    let mut out = b"HTTP/1.1 502 Bad Gateway\r\nContent-Type: text/html\r\nTransfer-Encoding: chunked\r\n\r\n".to_vec();
    let piece = format!("<p>{}</p>\n", "upstream unavailable ".repeat(3000));
    let mut sent = 0;
    while sent < 2 * CAP {
        out.extend_from_slice(format!("{:x}\r\n{piece}\r\n", piece.len()).as_bytes());
        sent += piece.len();
    }
    out.extend_from_slice(b"0\r\n\r\n");
    out
}

fn serves(answer: Vec<u8>) -> Fake {
    Fake::start(move |_, mut peer| {
        while peer.read_request().is_some() {
            peer.write(&answer);
        }
    })
}

fn config(fake: &Fake) -> Config {
    let mut config = fake.config();
    config.max_error_body_bytes = CAP;
    config
}

fn assert_cut(body: &ErrorBody, starts_with: &[u8]) {
    assert!(body.cut, "the body was cut");
    assert_eq!(body.bytes.len(), CAP);
    assert!(body.bytes.starts_with(starts_with));
}

#[test]
fn an_error_body_over_the_cap_is_cut_with_its_status_in_the_blocking_flavour() {
    for (answer, status, start) in [
        (
            not_found_echoing(CAP),
            404,
            &b"{\"message\":\"No such container: nnn"[..],
        ),
        (proxy_502(), 502, &b"<p>upstream unavailable"[..]),
    ] {
        let fake = serves(answer);
        let transport = docker_transport::blocking::Transport::new(config(&fake));
        let res = transport.send(Request::new(Method::Get, "/x")).unwrap();
        assert_eq!(res.status(), status);
        assert_cut(&res.error_body().unwrap(), start);
        // The rest was never read: the connection was closed, and the next call connects
        // again and gets its answer whole.
        let res = transport.send(Request::new(Method::Get, "/x")).unwrap();
        assert_eq!(res.status(), status);
        assert_eq!(fake.accepted(), 2);
    }
}

#[test]
fn an_error_body_under_the_cap_is_whole_and_its_connection_reused() {
    let fake = serves(not_found_echoing(10));
    let transport = docker_transport::blocking::Transport::new(config(&fake));
    for _ in 0..2 {
        let body = transport
            .send(Request::new(Method::Get, "/x"))
            .unwrap()
            .error_body()
            .unwrap();
        assert!(!body.cut);
        assert_eq!(
            body.bytes,
            b"{\"message\":\"No such container: nnnnnnnnnn\"}\n"
        );
    }
    assert_eq!(fake.accepted(), 1);
}

#[test]
fn bytes_of_an_error_body_over_the_cap_still_says_too_large() {
    let fake = serves(proxy_502());
    let transport = docker_transport::blocking::Transport::new(config(&fake));
    let res = transport.send(Request::new(Method::Get, "/x")).unwrap();
    let err = res.bytes().unwrap_err();
    assert!(err.to_string().contains("error_body"), "{err}");
}

#[cfg(feature = "tokio")]
#[tokio::test]
async fn an_error_body_over_the_cap_is_cut_with_its_status_in_the_tokio_flavour() {
    for (answer, status, start) in [
        (
            not_found_echoing(CAP),
            404,
            &b"{\"message\":\"No such container: nnn"[..],
        ),
        (proxy_502(), 502, &b"<p>upstream unavailable"[..]),
    ] {
        let fake = serves(answer);
        let transport = docker_transport::tokio::Transport::new(config(&fake));
        let res = transport
            .send(Request::new(Method::Get, "/x"))
            .await
            .unwrap();
        assert_eq!(res.status(), status);
        assert_cut(&res.error_body().await.unwrap(), start);
    }
}
