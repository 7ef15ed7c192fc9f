//! Unit tests of the parts that need no socket: environment lookup, the read buffer, and
//! (in `drive`) the shared driver under a scripted flavour.

mod drive;

use crate::buffer::{ReadBuf, READ_SIZE};
use crate::endpoint::from_lookup;
use crate::{Endpoint, Error};

fn env(vars: &'static [(&'static str, &'static str)]) -> impl Fn(&str) -> Option<String> {
    move |name| {
        vars.iter()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| v.to_string())
    }
}

#[test]
fn docker_host_unset_or_empty_means_the_default_socket() {
    assert_eq!(from_lookup(env(&[])).unwrap(), Endpoint::default());
    assert_eq!(
        from_lookup(env(&[("DOCKER_HOST", "")])).unwrap(),
        Endpoint::default()
    );
}

#[test]
fn docker_host_is_parsed() {
    let ep = from_lookup(env(&[("DOCKER_HOST", "tcp://10.0.0.2:2375")])).unwrap();
    assert_eq!(
        ep,
        Endpoint::Tcp {
            host: "10.0.0.2".into(),
            port: 2375
        }
    );
    let err = from_lookup(env(&[("DOCKER_HOST", "bogus")])).unwrap_err();
    assert!(matches!(err, Error::InvalidEndpoint { .. }));
}

#[test]
fn tls_settings_with_tcp_are_refused_rather_than_ignored() {
    for var in ["DOCKER_TLS_VERIFY", "DOCKER_TLS", "DOCKER_CERT_PATH"] {
        let vars: &'static [(&str, &str)] = match var {
            "DOCKER_TLS_VERIFY" => &[("DOCKER_HOST", "tcp://h:2376"), ("DOCKER_TLS_VERIFY", "1")],
            "DOCKER_TLS" => &[("DOCKER_HOST", "tcp://h:2376"), ("DOCKER_TLS", "1")],
            _ => &[
                ("DOCKER_HOST", "tcp://h:2376"),
                ("DOCKER_CERT_PATH", "/certs"),
            ],
        };
        let err = from_lookup(env(vars)).unwrap_err();
        assert!(matches!(err, Error::Unsupported { .. }), "{var}");
        assert!(err.to_string().contains(var), "{err}");
    }
    // Empty means unset, as for the docker CLI.
    let vars = &[("DOCKER_HOST", "tcp://h:2375"), ("DOCKER_TLS_VERIFY", "")];
    assert!(from_lookup(env(vars)).is_ok());
    // A Unix socket never uses TLS: stale TLS variables do not break it.
    let vars = &[("DOCKER_CERT_PATH", "/certs"), ("DOCKER_TLS_VERIFY", "1")];
    assert_eq!(from_lookup(env(vars)).unwrap(), Endpoint::default());
}

#[test]
fn the_read_buffer_compacts_and_grows_only_up_to_its_bound() {
    let mut buf = ReadBuf::new(1024);
    assert!(buf.reserve());
    let n = buf.spare().len();
    assert_eq!(n, READ_SIZE);
    buf.filled(n);
    // Full and nothing consumed: it may grow once, up to the head limit plus one read.
    assert!(buf.reserve());
    let more = buf.spare().len();
    buf.filled(more);
    assert_eq!(buf.unconsumed().0.len(), READ_SIZE + 1024);
    assert!(!buf.reserve());
    // Consuming makes room again by moving the rest to the front.
    buf.consume(READ_SIZE);
    assert!(buf.reserve());
    assert_eq!(buf.unconsumed(), (&[0u8; 1024][..], 0));
}

#[test]
fn the_leftover_drains_in_order() {
    let mut buf = ReadBuf::new(1024);
    assert!(buf.reserve());
    buf.spare()[..5].copy_from_slice(b"hello");
    buf.filled(5);
    buf.consume(1);
    let mut out = [0u8; 3];
    assert_eq!(buf.drain_into(&mut out), 3);
    assert_eq!(&out, b"ell");
    assert_eq!(buf.drain_into(&mut out), 1);
    assert_eq!(out[0], b'o');
    assert!(buf.is_empty());
}
