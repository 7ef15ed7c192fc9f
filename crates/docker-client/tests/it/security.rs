//! Credentials never appear in what the client prints (`Debug` and `Display` of every value
//! that holds or meets them; with the `tracing` feature off the client has no logging output
//! of its own, so these are all its output, and `traces.rs` checks the spans when it is on), `X-Registry-Auth` stays base64url for a thousand symbol-rich
//! passwords, and an engine on plain TCP beyond loopback is warned about.

use docker_client::models::AuthConfig;
use docker_client::{DockerConfig, Error, PullImageOptions, PushImageOptions};

use crate::fake::{self, FakeEngine};
use crate::flavours::{both, pinned, Pull, Wait};

const PASSWORD: &str = "hunter2+/=SECRET";
const TOKEN: &str = "identity-TOKEN-SECRET";

fn secret_auth() -> AuthConfig {
    AuthConfig {
        username: "dkr".into(),
        password: PASSWORD.into(),
        identitytoken: TOKEN.into(),
        serveraddress: "127.0.0.1:5000".into(),
        ..Default::default()
    }
}

/// Fails when `shown` holds a credential, or the base64 of one's JSON.
#[track_caller]
fn assert_no_secret(what: &str, shown: &str) {
    for secret in [PASSWORD, TOKEN, "hunter2", "SECRET"] {
        assert!(!shown.contains(secret), "{what} shows {secret:?}: {shown}");
    }
}

fn url_base64_decode(text: &str) -> Vec<u8> {
    const A: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    assert_eq!(text.len() % 4, 0, "not padded: {text}");
    let (mut acc, mut bits, mut out) = (0u32, 0, Vec::new());
    for c in text.trim_end_matches('=').bytes() {
        let v = A.iter().position(|&a| a == c).expect("base64url only") as u32;
        acc = (acc << 6) | v;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    out
}

#[test]
fn credentials_never_appear_in_debug_or_display_output() {
    let auth = secret_auth();
    assert_no_secret("AuthConfig", &format!("{auth:?} {auth:#?}"));
    let pull = PullImageOptions::default().auth(auth.clone());
    assert_no_secret("PullImageOptions", &format!("{pull:?}"));
    let push = PushImageOptions::default().auth(auth.clone());
    assert_no_secret("PushImageOptions", &format!("{push:?}"));
    let config = DockerConfig::from_json(
        r#"{"auths":{"127.0.0.1:5000":{"auth":"ZGtyOmh1bnRlcjIrLz1TRUNSRVQ=","identitytoken":"identity-TOKEN-SECRET"}}}"#,
    )
    .unwrap();
    assert_no_secret("DockerConfig", &format!("{config:?}"));
    let found = config.credentials_for("127.0.0.1:5000").unwrap().unwrap();
    assert_eq!(found.password, PASSWORD, "the entry decodes");
    assert_no_secret("the credentials found", &format!("{found:?}"));
    // A malformed entry's error names the file's problem, not the secret.
    for bad in [
        r#"{"auths":{"r":{"auth":"not base64 hunter2+/=SECRET"}}}"#,
        r#"{"auths":{"r":{"auth":"aHVudGVyMitTRUNSRVQ="}}}"#,
        r#"{"auths":{"r":{"auth": 1, "password":"hunter2+/=SECRET"}}}"#,
    ] {
        let shown = match DockerConfig::from_json(bad).and_then(|c| c.credentials_for("r")) {
            Ok(found) => format!("{found:?}"),
            Err(e) => format!("{e} {e:?}"),
        };
        assert_no_secret("a malformed config.json", &shown);
    }
    // The transport's request, as a program would log it.
    let req =
        docker_transport::blocking::Request::new(docker_client::Method::Post, "/images/create")
            .header("X-Registry-Auth", "aHVudGVyMitTRUNSRVQ=")
            .header("Authorization", "Basic hunter2");
    let shown = format!("{req:?}");
    assert!(
        !shown.contains("aHVudGVyMitTRUNSRVQ=") && !shown.contains("hunter2"),
        "{shown}"
    );
}

#[test]
fn a_login_and_a_pull_that_fail_show_no_credential() {
    let engine = FakeEngine::start(|req| match req.target.split('?').next().unwrap_or("") {
        "/v1.41/auth" => fake::json(
            401,
            r#"{"message":"login attempt to https://127.0.0.1:5000/v2/ failed with status: 401 Unauthorized"}"#,
        ),
        _ => fake::json(
            500,
            r#"{"message":"Get \"https://127.0.0.1:5000/v2/\": unauthorized"}"#,
        ),
    });
    both!(pinned(engine.socket(), "1.41"), |api| {
        let auth = secret_auth();
        let err = api.login(&auth).wait().unwrap_err();
        assert_no_secret("a refused login", &format!("{err} {err:?}"));
        let opts = PullImageOptions::default().auth(auth);
        let err = api
            .pull_image("127.0.0.1:5000/dkr/bb:it", &opts)
            .wait()
            .and_then(|mut p| p.pull().unwrap_or(Ok(Default::default())).map(drop))
            .unwrap_err();
        assert_no_secret("a refused pull", &format!("{err} {err:?}"));
        assert_no_secret("the client", &format!("{api:?}"));
    });
    // The credentials did reach the engine, base64url-encoded.
    let sent = engine.requests();
    let header = sent[1]
        .header("x-registry-auth")
        .expect("the pull carries credentials");
    let json: AuthConfig = serde_json::from_slice(&url_base64_decode(header)).unwrap();
    assert_eq!(json.password, PASSWORD);
}

#[test]
fn x_registry_auth_is_base64url_for_a_thousand_symbol_rich_passwords() {
    const SYMBOLS: &[u8] = b"!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~ aZ9\xc3\xbf";
    let engine = FakeEngine::start(|_| fake::json(200, "{}\n"));
    let api: docker_client::blocking::Client = pinned(engine.socket(), "1.41");
    // A fixed linear congruential sequence: the same thousand passwords every run.
    let mut state: u64 = 0x2545_f491_4f6c_dd1d;
    let mut next = || {
        state = state
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (state >> 33) as usize
    };
    let mut passwords = Vec::new();
    for _ in 0..1000 {
        let len = 8 + next() % 24;
        let mut bytes: Vec<u8> = (0..len)
            .map(|_| SYMBOLS[next() % (SYMBOLS.len() - 2)])
            .collect();
        if next() % 4 == 0 {
            bytes.extend_from_slice("ÿ".as_bytes());
        }
        passwords.push(String::from_utf8(bytes).unwrap());
    }
    let mut with_std_symbols = 0;
    for password in &passwords {
        let auth = AuthConfig {
            username: "dkr".into(),
            password: password.clone(),
            ..Default::default()
        };
        api.pull_image(
            "127.0.0.1:5000/dkr/bb:it",
            &PullImageOptions::default().auth(auth),
        )
        .and_then(|p| p.wait())
        .unwrap();
        let json =
            serde_json::to_vec(&serde_json::json!({"username": "dkr", "password": password}))
                .unwrap();
        let standard = crate::objects_scripted::std_base64(&json);
        with_std_symbols += usize::from(standard.contains(['+', '/']));
    }
    let sent = engine.requests();
    assert_eq!(sent.len(), 1000);
    for (req, password) in sent.iter().zip(&passwords) {
        let header = req.header("x-registry-auth").unwrap();
        assert!(!header.contains(['+', '/']), "{header}");
        let back: AuthConfig = serde_json::from_slice(&url_base64_decode(header)).unwrap();
        assert_eq!(&back.password, password);
    }
    // The passwords do exercise the characters that tell the two alphabets apart.
    assert!(with_std_symbols > 200, "only {with_std_symbols} of 1000");
}

#[test]
fn plain_tcp_beyond_loopback_is_warned_about_and_loopback_tls_and_ssh_are_not() {
    let warning = |host: &str| {
        let client: docker_client::blocking::Client =
            docker_client::Client::builder().host(host).build().unwrap();
        client.endpoint_choice().warning()
    };
    for remote in [
        "tcp://10.0.0.5:2375",
        "tcp://engine.example:2375",
        "http://[2001:db8::1]:2375",
        "tcp://0.0.0.0:2375",
    ] {
        let text = warning(remote).unwrap_or_else(|| panic!("{remote} gets no warning"));
        assert!(
            text.contains("root-equivalent") && text.contains("unencrypted"),
            "{text}"
        );
        assert!(text.contains("given explicitly"), "{text}");
    }
    for local in [
        "tcp://127.0.0.1:2375",
        "tcp://127.3.2.1:2375",
        "tcp://localhost:2375",
        "tcp://[::1]:2375",
        "tcp://[::ffff:127.0.0.1]:2375",
        "unix:///var/run/docker.sock",
        "ssh://me@engine.example",
    ] {
        assert_eq!(warning(local), None, "{local}");
    }
    #[cfg(feature = "tls")]
    {
        let tls: Result<docker_client::blocking::Client, Error> = docker_client::Client::builder()
            .host("tcp://10.0.0.5:2376")
            .tls_skip_verify()
            .build();
        assert_eq!(tls.unwrap().endpoint_choice().warning(), None);
    }
}
