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
fn tls_variables_turn_a_tcp_host_into_tls_as_in_docker() {
    let tls = |host: &str| Endpoint::Tls {
        host: host.into(),
        port: 2376,
    };
    // Any non-empty value turns TLS on, "0" included, as in the docker CLI.
    for value in ["1", "0", "false"] {
        for var in ["DOCKER_TLS_VERIFY", "DOCKER_TLS"] {
            let lookup = |name: &str| match name {
                "DOCKER_HOST" => Some("tcp://h".to_owned()),
                n if n == var => Some(value.to_owned()),
                _ => None,
            };
            assert_eq!(from_lookup(lookup).unwrap(), tls("h"), "{var}={value}");
        }
    }
    // Empty means unset; the plain port defaults to 2375 then.
    let vars = &[("DOCKER_HOST", "tcp://h"), ("DOCKER_TLS_VERIFY", "")];
    let plain = Endpoint::Tcp {
        host: "h".into(),
        port: 2375,
    };
    assert_eq!(from_lookup(env(vars)).unwrap(), plain);
    // A certificate path alone does not turn TLS on (docker reads it only with TLS).
    let vars = &[("DOCKER_HOST", "tcp://h"), ("DOCKER_CERT_PATH", "/certs")];
    assert_eq!(from_lookup(env(vars)).unwrap(), plain);
    // A Unix socket never uses TLS: stale TLS variables do not break it.
    let vars = &[("DOCKER_CERT_PATH", "/certs"), ("DOCKER_TLS_VERIFY", "1")];
    assert_eq!(from_lookup(env(vars)).unwrap(), Endpoint::default());
    // http:// says plain text: with TLS asked for, it is refused, never spoken in plain.
    let vars = &[("DOCKER_HOST", "http://h:2375"), ("DOCKER_TLS_VERIFY", "1")];
    assert!(matches!(
        from_lookup(env(vars)),
        Err(Error::InvalidEndpoint { .. })
    ));
}

#[cfg(feature = "tls")]
#[test]
fn tls_options_follow_docker_cert_path_then_docker_config_then_home() {
    use crate::tls::tls_options_from_env;
    use crate::Pem;
    let dir = std::env::temp_dir().join(format!("dkr-tls-env-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("cert.pem"), "x").unwrap();
    let lookup = |vars: &'static [(&'static str, &'static str)]| {
        move |name: &str| env(vars)(name).map(std::ffi::OsString::from)
    };
    let d = dir.display().to_string().leak();
    let verified = tls_options_from_env(lookup(Box::leak(Box::new([
        ("DOCKER_CERT_PATH", &*d),
        ("DOCKER_TLS_VERIFY", "0"),
    ]))));
    assert_eq!(verified.ca, Some(Pem::File(dir.join("ca.pem"))));
    assert!(!verified.insecure_skip_verify);
    // The default client files are used when they exist, and dropped when they do not.
    assert_eq!(verified.cert, Some(Pem::File(dir.join("cert.pem"))));
    assert_eq!(verified.key, None);
    let unverified = tls_options_from_env(lookup(&[("DOCKER_TLS", "1"), ("HOME", "/h")]));
    assert!(unverified.insecure_skip_verify);
    let via_config = tls_options_from_env(lookup(&[
        ("DOCKER_TLS_VERIFY", "1"),
        ("DOCKER_CONFIG", "/cfg"),
        ("HOME", "/h"),
    ]));
    assert_eq!(via_config.ca, Some(Pem::File("/cfg/ca.pem".into())));
    let via_home = tls_options_from_env(lookup(&[("DOCKER_TLS_VERIFY", "1"), ("HOME", "/h")]));
    assert_eq!(via_home.ca, Some(Pem::File("/h/.docker/ca.pem".into())));
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn ssh_arguments_never_pass_through_a_shell() {
    use crate::SshConfig;
    let Endpoint::Ssh(ep) = Endpoint::parse("ssh://me@host:2222/run/d.sock").unwrap() else {
        panic!("not ssh");
    };
    let mut config = SshConfig::default();
    config.options.push("IdentityFile=/k".into());
    let args = crate::ssh::arguments(&ep, &config, Some(std::time::Duration::from_millis(1500)));
    let args: Vec<String> = args
        .iter()
        .map(|a| a.to_string_lossy().into_owned())
        .collect();
    assert_eq!(
        args,
        [
            "-o",
            "BatchMode=yes",
            "-o",
            "ConnectTimeout=2",
            "-o",
            "IdentityFile=/k",
            "-T",
            "-l",
            "me",
            "-p",
            "2222",
            "--",
            "host",
            "docker",
            "--host",
            "unix:///run/d.sock",
            "system",
            "dial-stdio"
        ]
    );
    let Endpoint::Ssh(bare) = Endpoint::parse("ssh://host").unwrap() else {
        panic!("not ssh");
    };
    let args = crate::ssh::arguments(&bare, &SshConfig::default(), None);
    let args: Vec<String> = args
        .iter()
        .map(|a| a.to_string_lossy().into_owned())
        .collect();
    assert_eq!(
        args,
        [
            "-o",
            "BatchMode=yes",
            "-T",
            "--",
            "host",
            "docker",
            "system",
            "dial-stdio"
        ]
    );
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
