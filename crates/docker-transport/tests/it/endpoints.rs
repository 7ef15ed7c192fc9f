//! Endpoint parsing, connect failures and plain TCP.

use std::io::{Read, Write};
use std::net::TcpListener;
use std::path::PathBuf;

use docker_transport::blocking::Transport;
use docker_transport::{Config, ConnectFailure, Endpoint, Error, Method, Request, SshEndpoint};

use crate::fake::TempDir;

fn unix(path: &str) -> Result<Endpoint, &'static str> {
    Ok(Endpoint::Unix(PathBuf::from(path)))
}

fn tcp(host: &str, port: u16) -> Result<Endpoint, &'static str> {
    Ok(Endpoint::Tcp {
        host: host.into(),
        port,
    })
}

fn tls(host: &str, port: u16) -> Result<Endpoint, &'static str> {
    Ok(Endpoint::Tls {
        host: host.into(),
        port,
    })
}

fn ssh(
    user: Option<&str>,
    host: &str,
    port: Option<u16>,
    path: Option<&str>,
) -> Result<Endpoint, &'static str> {
    Ok(Endpoint::Ssh(SshEndpoint {
        user: user.map(Into::into),
        host: host.into(),
        port,
        path: path.map(Into::into),
    }))
}

#[test]
fn endpoints_parse_as_documented() {
    let table: &[(&str, Result<Endpoint, &str>)] = &[
        ("unix:///var/run/docker.sock", unix("/var/run/docker.sock")),
        (
            "/run/user/1000/docker.sock",
            unix("/run/user/1000/docker.sock"),
        ),
        ("UNIX:///x.sock", unix("/x.sock")),
        ("tcp://127.0.0.1:2375", tcp("127.0.0.1", 2375)),
        ("tcp://docker.example:2375/", tcp("docker.example", 2375)),
        ("tcp://[::1]:2375", tcp("::1", 2375)),
        ("http://localhost", tcp("localhost", 80)),
        ("http://localhost:8080", tcp("localhost", 8080)),
        ("http://[fe80::1]", tcp("fe80::1", 80)),
        ("tcp://localhost", tcp("localhost", 2375)),
        ("tcp://:2375", Err("invalid")),
        ("tcp://host:0", Err("invalid")),
        ("tcp://host:+5", Err("invalid")),
        ("tcp://host:65536", Err("invalid")),
        ("tcp://::1:2375", Err("invalid")),
        ("tcp://[::1", Err("invalid")),
        ("tcp://[nope]:1", Err("invalid")),
        ("tcp://host:2375/prefix", Err("invalid")),
        ("tcp://user@host:2375", Err("invalid")),
        ("unix://", Err("invalid")),
        ("docker.sock", Err("invalid")),
        ("", Err("invalid")),
        ("gopher://host:70", Err("invalid")),
        ("https://host:2376", tls("host", 2376)),
        ("https://host", tls("host", 2376)),
        ("https://[::1]:3000", tls("::1", 3000)),
        ("ssh://me@host", ssh(Some("me"), "host", None, None)),
        ("ssh://host:2222", ssh(None, "host", Some(2222), None)),
        (
            "ssh://me@[::1]:22/run/docker.sock",
            ssh(Some("me"), "::1", Some(22), Some("/run/docker.sock")),
        ),
        ("ssh://host/", ssh(None, "host", None, None)),
        ("ssh://-oProxyCommand=evil", Err("invalid")),
        ("ssh://me@-host", Err("invalid")),
        ("ssh://-me@host", Err("invalid")),
        ("ssh://me:secret@host", Err("invalid")),
        ("ssh://host:0", Err("invalid")),
        ("ssh://host?x=1", Err("invalid")),
        ("ssh://", Err("invalid")),
        ("ssh://a b", Err("invalid")),
        ("npipe:////./pipe/docker_engine", Err("unsupported")),
        ("fd://", Err("unsupported")),
    ];
    for (input, expected) in table {
        let got = match Endpoint::parse(input) {
            Ok(ep) => Ok(ep),
            Err(Error::InvalidEndpoint { .. }) => Err("invalid"),
            Err(Error::Unsupported { what, .. }) => {
                assert!(!what.is_empty());
                Err("unsupported")
            }
            Err(other) => panic!("{input}: {other:?}"),
        };
        assert_eq!(&got, expected, "{input}");
    }
}

#[test]
fn named_pipes_are_out_of_scope_and_say_so() {
    let err = Endpoint::parse("npipe:////./pipe/docker_engine").unwrap_err();
    let msg = err.to_string();
    assert!(
        msg.contains("out of scope") && msg.contains("npipe://"),
        "{msg}"
    );
}

#[test]
fn tls_parsing_gives_tcp_the_tls_port_and_refuses_http() {
    assert_eq!(
        Endpoint::parse_tls("tcp://h").unwrap(),
        tls("h", 2376).unwrap()
    );
    assert_eq!(
        Endpoint::parse_tls("tcp://h:1234").unwrap(),
        tls("h", 1234).unwrap()
    );
    assert_eq!(
        Endpoint::parse_tls("https://h").unwrap(),
        tls("h", 2376).unwrap()
    );
    assert!(matches!(
        Endpoint::parse_tls("http://h"),
        Err(Error::InvalidEndpoint { .. })
    ));
    assert_eq!(
        Endpoint::parse_tls("unix:///s").unwrap(),
        unix("/s").unwrap()
    );
}

#[test]
fn display_round_trips() {
    for s in [
        "unix:///var/run/docker.sock",
        "tcp://127.0.0.1:2375",
        "tcp://[::1]:2375",
        "https://127.0.0.1:2376",
        "https://[::1]:2376",
        "ssh://me@host:2222/run/docker.sock",
        "ssh://[::1]",
    ] {
        let ep = Endpoint::parse(s).unwrap();
        assert_eq!(ep.to_string(), s);
        assert_eq!(Endpoint::parse(&ep.to_string()).unwrap(), ep);
    }
    assert_eq!(Endpoint::default().host_header(), "docker");
    assert_eq!(tcp("::1", 2375).unwrap().host_header(), "[::1]:2375");
}

#[test]
fn a_missing_socket_is_not_found_and_says_what_to_do() {
    let dir = TempDir::new();
    let path = dir.0.join("missing.sock");
    let transport = Transport::new(Config::new(Endpoint::Unix(path.clone())));
    let err = transport
        .send(Request::new(Method::Get, "/_ping"))
        .err()
        .unwrap();
    assert!(
        matches!(
            err,
            Error::Connect {
                kind: ConnectFailure::NotFound,
                ..
            }
        ),
        "{err:?}"
    );
    assert!(err.is_connect());
    let msg = err.to_string();
    assert!(msg.contains(&path.display().to_string()), "{msg}");
    assert!(msg.contains("DOCKER_HOST"), "{msg}");
    assert_eq!(
        std::io::Error::from(err).kind(),
        std::io::ErrorKind::NotFound
    );
}

#[test]
fn a_regular_file_is_not_a_socket() {
    let dir = TempDir::new();
    let path = dir.0.join("file.sock");
    std::fs::write(&path, b"").unwrap();
    let transport = Transport::new(Config::new(Endpoint::Unix(path.clone())));
    let err = transport
        .send(Request::new(Method::Get, "/_ping"))
        .err()
        .unwrap();
    assert!(
        matches!(
            err,
            Error::Connect {
                kind: ConnectFailure::NotASocket,
                ..
            }
        ),
        "{err:?}"
    );
    assert!(err.to_string().contains("not a socket"), "{err}");
}

// Permission denied (a root-owned 0600 socket) cannot be provoked here: the suite runs as
// root, which bypasses file permissions. The mapping is EACCES → PermissionDenied, whose
// message says "join the docker group or run as root".

#[test]
fn a_socket_nobody_listens_on_is_refused() {
    let dir = TempDir::new();
    let path = dir.0.join("stale.sock");
    drop(std::os::unix::net::UnixListener::bind(&path).unwrap());
    let transport = Transport::new(Config::new(Endpoint::Unix(path)));
    let err = transport
        .send(Request::new(Method::Get, "/_ping"))
        .err()
        .unwrap();
    assert!(
        matches!(
            err,
            Error::Connect {
                kind: ConnectFailure::Refused,
                ..
            }
        ),
        "{err:?}"
    );
}

fn tcp_engine() -> (u16, std::thread::JoinHandle<String>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let server = std::thread::spawn(move || {
        let (mut stream, _) = listener.accept().unwrap();
        let mut req = Vec::new();
        let mut buf = [0u8; 1024];
        while !req.ends_with(b"\r\n\r\n") {
            let n = stream.read(&mut buf).unwrap();
            req.extend_from_slice(&buf[..n]);
        }
        stream
            .write_all(b"HTTP/1.1 200 OK\r\nApi-Version: 1.47\r\nContent-Length: 2\r\n\r\nOK")
            .unwrap();
        String::from_utf8(req).unwrap()
    });
    (port, server)
}

#[test]
fn tcp_endpoints_work() {
    let (port, server) = tcp_engine();
    let endpoint = Endpoint::parse(&format!("tcp://127.0.0.1:{port}")).unwrap();
    let transport = Transport::new(Config::new(endpoint));
    let res = transport.send(Request::new(Method::Get, "/_ping")).unwrap();
    assert_eq!(res.headers().get("api-version"), Some("1.47"));
    assert_eq!(res.bytes().unwrap(), b"OK");
    let req = server.join().unwrap();
    assert!(
        req.starts_with(&format!(
            "GET /_ping HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
        )),
        "{req}"
    );
}

#[test]
fn a_closed_tcp_port_is_refused() {
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let transport = Transport::new(Config::new(Endpoint::Tcp {
        host: "127.0.0.1".into(),
        port,
    }));
    let err = transport
        .send(Request::new(Method::Get, "/_ping"))
        .err()
        .unwrap();
    assert!(
        matches!(
            err,
            Error::Connect {
                kind: ConnectFailure::Refused,
                ..
            }
        ),
        "{err:?}"
    );
}

#[cfg(feature = "tokio")]
mod tokio_flavour {
    use super::*;
    use docker_transport::tokio::Transport;

    #[tokio::test]
    async fn tcp_endpoints_work() {
        let (port, server) = tcp_engine();
        let transport = Transport::new(Config::new(Endpoint::Tcp {
            host: "localhost".into(),
            port,
        }));
        let res = transport
            .send(Request::new(Method::Get, "/_ping"))
            .await
            .unwrap();
        assert_eq!(res.bytes().await.unwrap(), b"OK");
        assert!(server
            .join()
            .unwrap()
            .contains(&format!("Host: localhost:{port}\r\n")));
    }

    #[tokio::test]
    async fn a_missing_socket_is_not_found() {
        let dir = TempDir::new();
        let transport = Transport::new(Config::new(Endpoint::Unix(dir.0.join("missing.sock"))));
        let err = transport
            .send(Request::new(Method::Get, "/_ping"))
            .await
            .err()
            .unwrap();
        assert!(
            matches!(
                err,
                Error::Connect {
                    kind: ConnectFailure::NotFound,
                    ..
                }
            ),
            "{err:?}"
        );
    }
}
