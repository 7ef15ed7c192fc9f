//! Behaviour against scripted fake engines, for both flavours.

use std::time::Duration;

use docker_client::{ApiVersion, Error, EventsOptions, ListContainersOptions, Method};

use crate::fake::{self, FakeEngine};
use crate::flavours::{both, on_socket, pinned, Named, Pull, Wait, RUNTIME};

/// An engine whose ping advertises `version` and that answers `/info` with `{}`.
fn engine_with_ping(version: Option<&'static str>) -> FakeEngine {
    FakeEngine::start(move |req| match req.target.as_str() {
        "/_ping" => fake::ping(version),
        _ => fake::json(200, r#"{"ID":"x","ServerVersion":"20.10.24"}"#),
    })
}

#[test]
fn negotiation_takes_the_lower_of_client_max_and_engine_version() {
    for (advertised, expected) in [
        (Some("1.52"), "/v1.51/info"),
        (Some("1.41"), "/v1.41/info"),
        (Some(""), "/v1.24/info"),
        (None, "/v1.24/info"),
        (Some("abc"), "/v1.51/info"),
    ] {
        let engine = engine_with_ping(advertised);
        both!(on_socket(engine.socket()), |api| {
            api.info().wait().unwrap();
            api.info().wait().unwrap();
        });
        let lines = engine.lines();
        // One HEAD ping per client, then the versioned calls: negotiation runs once.
        assert_eq!(
            lines,
            [
                "HEAD /_ping".to_owned(),
                format!("GET {expected}"),
                format!("GET {expected}"),
                "HEAD /_ping".to_owned(),
                format!("GET {expected}"),
                format!("GET {expected}"),
            ],
            "ping advertised {advertised:?}"
        );
    }
}

#[test]
fn negotiation_refuses_an_engine_older_than_the_client_minimum() {
    let engine = engine_with_ping(Some("1.12"));
    both!(on_socket(engine.socket()), |api| {
        let err = api.info().wait().unwrap_err();
        match &err {
            Error::VersionUnsupported { server_max, .. } => {
                assert_eq!(server_max.as_deref(), Some("1.12"), "{}", api.name())
            }
            other => panic!("{}: expected VersionUnsupported, got {other:?}", api.name()),
        }
        let text = err.to_string();
        assert!(
            text.contains("1.12") && text.contains("1.24") && text.contains("1.51"),
            "{text}"
        );
    });
    assert!(
        engine.lines().iter().all(|l| l == "HEAD /_ping"),
        "{:?}",
        engine.lines()
    );
}

#[test]
fn a_pinned_version_turns_negotiation_off() {
    let engine = engine_with_ping(Some("1.41"));
    both!(pinned(engine.socket(), "1.40"), |api| {
        api.info().wait().unwrap();
        assert_eq!(api.api_version().wait().unwrap(), ApiVersion::new(1, 40));
    });
    assert_eq!(engine.lines(), ["GET /v1.40/info", "GET /v1.40/info"]);
}

#[test]
fn ping_falls_back_to_get_when_head_is_refused() {
    let engine = FakeEngine::start(|req| match req.method.as_str() {
        "HEAD" => b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n".to_vec(),
        _ => {
            b"HTTP/1.1 200 OK\r\nApi-Version: 1.30\r\nOstype: linux\r\nContent-Length: 2\r\n\r\nOK"
                .to_vec()
        }
    });
    both!(on_socket(engine.socket()), |api| {
        let ping = api.ping().wait().unwrap();
        assert_eq!(ping.api_version, "1.30");
        assert_eq!(ping.os_type, "linux");
    });
    assert_eq!(
        engine.lines(),
        ["HEAD /_ping", "GET /_ping", "HEAD /_ping", "GET /_ping"]
    );
}

#[test]
fn the_engine_refusing_our_version_gives_a_typed_error() {
    let engine = FakeEngine::start(|_| {
        fake::json(
            400,
            r#"{"message":"client version 1.41 is too old. Minimum supported API version is 1.44, please upgrade your client to a newer version"}"#,
        )
    });
    both!(pinned(engine.socket(), "1.41"), |api| {
        match api.info().wait().unwrap_err() {
            Error::VersionUnsupported {
                requested,
                server_min,
                ..
            } => {
                assert_eq!(requested.as_deref(), Some("1.41"));
                assert_eq!(server_min.as_deref(), Some("1.44"));
            }
            other => panic!("expected VersionUnsupported, got {other:?}"),
        }
    });
}

/// Request lines for hostile names: each is one encoded segment, or refused unsent.
#[test]
fn hostile_names_are_encoded_as_one_segment_or_refused() {
    let engine = FakeEngine::start(|_| fake::json(404, r#"{"message":"No such container"}"#));
    let encoded = [
        ("a/b", "GET /v1.41/containers/a%2Fb/json"),
        ("a?force=1", "GET /v1.41/containers/a%3Fforce=1/json"),
        ("a#x", "GET /v1.41/containers/a%23x/json"),
        ("a b", "GET /v1.41/containers/a%20b/json"),
        ("a%00", "GET /v1.41/containers/a%2500/json"),
        ("%2e%2e", "GET /v1.41/containers/%252e%252e/json"),
        ("ü", "GET /v1.41/containers/%C3%BC/json"),
        ("/research-main", "GET /v1.41/containers/research-main/json"),
        ("1cd7", "GET /v1.41/containers/1cd7/json"),
    ];
    let refused = [
        "",
        "/",
        ".",
        "..",
        "../images/alpine",
        "../../info",
        "x/../../info",
        "a//b",
        "a\r\nX-Injected: 1",
        "a\0",
    ];
    both!(pinned(engine.socket(), "1.41"), |api| {
        for (name, _) in encoded {
            assert!(api
                .inspect_container(name)
                .wait()
                .unwrap_err()
                .is_not_found());
        }
        for name in refused {
            match api.inspect_container(name).wait() {
                Err(Error::InvalidArgument { .. }) => (),
                other => panic!("{name:?} should be refused, got {other:?}"),
            }
        }
    });
    let expected: Vec<String> = encoded.iter().map(|(_, l)| l.to_string()).collect();
    let lines = engine.lines();
    assert_eq!(lines[..expected.len()], expected[..]);
    assert_eq!(lines[expected.len()..], expected[..]);
}

#[test]
fn image_references_keep_their_tag_and_encode_slashes() {
    let engine = FakeEngine::start(|_| fake::json(200, r#"{"Id":"sha256:1"}"#));
    both!(pinned(engine.socket(), "1.41"), |api| {
        api.inspect_image("bb:latest").wait().unwrap();
        api.inspect_image("registry:5000/team/app:1.0")
            .wait()
            .unwrap();
        assert!(matches!(
            api.inspect_image("x/../../info").wait(),
            Err(Error::InvalidArgument { .. })
        ));
    });
    assert_eq!(
        engine.lines()[..2],
        [
            "GET /v1.41/images/bb:latest/json",
            "GET /v1.41/images/registry:5000%2Fteam%2Fapp:1.0/json"
        ]
    );
}

#[test]
fn kill_sends_the_signal_in_the_query_and_204_is_success() {
    let engine = FakeEngine::start(|_| fake::no_content());
    both!(pinned(engine.socket(), "1.41"), |api| {
        api.kill_container("web", Some("SIGTERM")).wait().unwrap();
        api.kill_container("web", None).wait().unwrap();
        assert!(matches!(
            api.kill_container("web", Some("TERM\r\nX: y")).wait(),
            Err(Error::InvalidArgument { .. })
        ));
    });
    let reqs = engine.requests();
    assert_eq!(
        reqs[0].line(),
        "POST /v1.41/containers/web/kill?signal=SIGTERM"
    );
    assert_eq!(reqs[1].line(), "POST /v1.41/containers/web/kill");
    assert!(reqs.iter().all(|r| r.body.is_empty()));
    assert_eq!(reqs.len(), 4);
}

#[test]
fn restart_sends_whole_seconds() {
    let engine = FakeEngine::start(|_| fake::no_content());
    both!(pinned(engine.socket(), "1.41"), |api| {
        api.restart_container("web", Some(Duration::from_secs(3)))
            .wait()
            .unwrap();
        api.restart_container("web", Some(Duration::from_millis(1500)))
            .wait()
            .unwrap();
        api.restart_container("web", None).wait().unwrap();
    });
    assert_eq!(
        engine.lines()[..3],
        [
            "POST /v1.41/containers/web/restart?t=3",
            "POST /v1.41/containers/web/restart?t=2",
            "POST /v1.41/containers/web/restart"
        ]
    );
}

#[test]
fn errors_carry_status_and_the_engines_message() {
    let engine = FakeEngine::start(|req| {
        match req.target.as_str() {
        "/v1.41/containers/gone/json" => {
            fake::json(404, "{\"message\":\"No such container: gone\"}\n")
        }
        "/v1.41/containers/idle/top" => {
            fake::json(409, r#"{"message":"Container abc is not running"}"#)
        }
        "/v1.41/containers/plain/json" => {
            b"HTTP/1.1 404 Not Found\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: 27\r\n\r\nNo such container: plain\r\n\n".to_vec()
        }
        "/v1.41/containers/web/kill?signal=FOO" => {
            fake::json(400, r#"{"message":"Invalid signal: FOO"}"#)
        }
        "/v1.41/containers/boom/changes" => fake::json(500, r#"{"message":"oops"}"#),
        _ => fake::json(418, "{}"),
    }
    });
    both!(pinned(engine.socket(), "1.41"), |api| {
        let e = api.inspect_container("gone").wait().unwrap_err();
        assert!(e.is_not_found());
        assert_eq!(e.status_code(), Some(404));
        assert_eq!(e.message(), Some("No such container: gone"));

        let e = api.top_container("idle", None).wait().unwrap_err();
        assert!(e.is_conflict());
        assert_eq!(e.status_code(), Some(409));

        let e = api.inspect_container("plain").wait().unwrap_err();
        assert_eq!(e.message(), Some("No such container: plain"));

        let e = api.kill_container("web", Some("FOO")).wait().unwrap_err();
        assert_eq!(e.status_code(), Some(400));
        assert_eq!(e.message(), Some("Invalid signal: FOO"));

        let e = api.diff_container("boom").wait().unwrap_err();
        assert_eq!(e.status_code(), Some(500));
    });
}

#[test]
fn redirects_are_never_followed() {
    let engine = FakeEngine::start(|_| {
        b"HTTP/1.1 301 Moved Permanently\r\nLocation: /v1.41/info\r\nContent-Length: 0\r\n\r\n"
            .to_vec()
    });
    both!(pinned(engine.socket(), "1.41"), |api| {
        match api.inspect_network("x").wait().unwrap_err() {
            Error::Redirect {
                status, location, ..
            } => {
                assert_eq!(status, 301);
                assert_eq!(location, "/v1.41/info");
            }
            other => panic!("expected a redirect error, got {other:?}"),
        }
    });
    assert_eq!(
        engine.lines(),
        ["GET /v1.41/networks/x", "GET /v1.41/networks/x"]
    );
}

#[test]
fn not_modified_is_its_own_error() {
    let engine = FakeEngine::start(|_| b"HTTP/1.1 304 Not Modified\r\n\r\n".to_vec());
    both!(pinned(engine.socket(), "1.41"), |api| {
        let e = api.restart_container("x", None).wait().unwrap_err();
        assert!(matches!(e, Error::NotModified));
        assert_eq!(e.status_code(), Some(304));
    });
}

#[test]
fn bodies_decode_whether_sized_or_chunked() {
    let body = r#"[{"Id":"1cd7","Names":["/research-main"],"State":"running"}]"#;
    for chunk in [1, 7, 1000] {
        let engine = FakeEngine::start(move |req| match req.target.contains("all=1") {
            true => fake::json_chunked(200, body, chunk),
            false => fake::json(200, body),
        });
        both!(pinned(engine.socket(), "1.41"), |api| {
            for opts in [
                ListContainersOptions::default(),
                ListContainersOptions::default().all(true),
            ] {
                let list = api.list_containers(&opts).wait().unwrap();
                assert_eq!(list.len(), 1);
                assert_eq!(list[0].id, "1cd7");
                assert_eq!(list[0].names, ["/research-main"]);
            }
        });
    }
}

#[test]
fn list_options_become_the_query() {
    let engine = FakeEngine::start(|_| fake::json(200, "[]"));
    let opts = ListContainersOptions::default()
        .all(true)
        .limit(5)
        .size(true)
        .filter("status", "running")
        .filter("label", "a=b c");
    both!(pinned(engine.socket(), "1.41"), |api| {
        api.list_containers(&opts).wait().unwrap();
    });
    assert_eq!(
        engine.lines()[0],
        "GET /v1.41/containers/json?all=1&limit=5&size=1&filters=%7B%22label%22%3A%5B%22a%3Db+c%22%5D%2C%22status%22%3A%5B%22running%22%5D%7D"
    );
}

#[test]
fn a_null_diff_is_an_empty_list() {
    let engine = FakeEngine::start(|_| fake::json(200, "null"));
    both!(pinned(engine.socket(), "1.41"), |api| {
        assert_eq!(api.diff_container("x").wait().unwrap(), []);
    });
}

#[test]
fn a_bad_body_is_a_decode_error_with_a_snippet() {
    let engine = FakeEngine::start(|_| fake::json(200, "{\"Id\": 5"));
    both!(pinned(engine.socket(), "1.41"), |api| {
        match api.inspect_container("x").wait().unwrap_err() {
            Error::Decode {
                request, snippet, ..
            } => {
                assert_eq!(request, "GET /containers/x/json");
                assert_eq!(snippet, "{\"Id\": 5");
            }
            other => panic!("expected a decode error, got {other:?}"),
        }
    });
}

#[test]
fn events_decode_across_chunk_splits_with_nanosecond_since() {
    let ev = |n: u64| {
        format!(
            "{{\"Type\":\"container\",\"Action\":\"start\",\"Actor\":{{\"ID\":\"c{n}\",\"Attributes\":{{\"name\":\"x\"}}}},\"scope\":\"local\",\"time\":1795863893,\"timeNano\":179586389300000000{n}}}\n"
        )
    };
    let body: String = (0..5).map(ev).collect();
    let engine = FakeEngine::start(move |_| fake::json_chunked(200, &body, 13));
    let since = std::time::UNIX_EPOCH + Duration::new(1795864739, 1);
    let opts = EventsOptions::default()
        .since(since)
        .until(since + Duration::from_secs(1))
        .filter("type", "container");
    both!(pinned(engine.socket(), "1.41"), |api| {
        let events = api.events(&opts).wait().unwrap();
        let ids: Vec<String> = events
            .iter()
            .take(100)
            .map(|e| e.unwrap().actor.id)
            .collect();
        assert_eq!(ids, ["c0", "c1", "c2", "c3", "c4"], "{}", api.name());
    });
    assert_eq!(
        engine.lines()[0],
        "GET /v1.41/events?since=1795864739.000000001&until=1795864740.000000001&filters=%7B%22type%22%3A%5B%22container%22%5D%7D"
    );
}

#[test]
fn a_truncated_event_stream_ends_with_an_error() {
    let engine = FakeEngine::start(|_| {
        let mut r = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n".to_vec();
        r.extend_from_slice(b"12\r\n{\"Action\":\"die\"}\n\r\n");
        r.extend_from_slice(b"8\r\n{\"Acti");
        fake::then_close(r)
    });
    both!(pinned(engine.socket(), "1.41"), |api| {
        let events = api.events(&EventsOptions::default()).wait().unwrap();
        let events: Vec<_> = events.iter().take(10).collect();
        assert_eq!(events.len(), 2, "{}: {events:?}", api.name());
        assert_eq!(events[0].as_ref().unwrap().action, "die");
        assert!(events[1].is_err());
    });
}

#[test]
fn raw_requests_return_any_status_and_add_the_version() {
    let engine = FakeEngine::start(|req| match req.target.as_str() {
        "/_ping" => fake::ping(Some("1.41")),
        "/v1.41/containers/json?all=1" => fake::json(200, "[]"),
        _ => fake::json(404, r#"{"message":"page not found"}"#),
    });
    both!(on_socket(engine.socket()), |api| {
        let res = api
            .request(Method::Get, "/containers/json", &[("all", "1")], None)
            .wait()
            .unwrap();
        let status = res.status();
        let body = res.bytes().wait().unwrap();
        assert_eq!((status, body.as_slice()), (200, &b"[]"[..]));
        let res = api
            .request(Method::Get, "/v1.41/nope", &[], None)
            .wait()
            .unwrap();
        assert_eq!(res.status(), 404);
        assert!(matches!(
            api.request(Method::Get, "/x y", &[], None).wait(),
            Err(Error::InvalidArgument { .. })
        ));
    });
}

#[test]
fn an_unreachable_engine_names_the_socket() {
    let dir = std::env::temp_dir().join(format!("dkr-missing-{}", std::process::id()));
    let socket = dir.join("docker.sock");
    both!(on_socket(&socket), |api| {
        let e = api.ping().wait().unwrap_err();
        assert!(e.is_connect(), "{e:?}");
        let text = e.to_string();
        assert!(text.contains(&socket.display().to_string()), "{text}");
        assert!(text.contains("DOCKER_HOST"), "{text}");
    });
}

#[test]
fn one_connection_serves_many_calls_and_every_request_has_a_host() {
    let engine = FakeEngine::start(|_| fake::json(200, "{}"));
    both!(pinned(engine.socket(), "1.41"), |api| {
        for _ in 0..20 {
            api.info().wait().unwrap();
        }
    });
    assert_eq!(engine.connections(), 2, "one pooled connection per client");
    for req in engine.requests() {
        assert_eq!(req.header("host"), Some("docker"));
        assert!(req
            .header("user-agent")
            .is_some_and(|ua| ua.starts_with("docker-rs/")));
    }
}

#[test]
fn clients_are_clone_send_sync_and_tokio_futures_are_send() {
    fn clone_send_sync<T: Clone + Send + Sync + 'static>() {}
    clone_send_sync::<docker_client::blocking::Client>();
    clone_send_sync::<docker_client::tokio::Client>();

    let engine = FakeEngine::start(|_| fake::json(200, "[]"));
    let client = docker_client::tokio::Client::builder()
        .endpoint(docker_client::Endpoint::Unix(engine.socket().to_owned()))
        .api_version("1.41")
        .build()
        .unwrap();
    let tasks: Vec<_> = (0..8)
        .map(|_| {
            let client = client.clone();
            // `spawn` needs a Send future: this does not compile otherwise.
            RUNTIME.spawn(async move {
                client
                    .list_containers(&ListContainersOptions::default())
                    .await
            })
        })
        .collect();
    for task in tasks {
        assert_eq!(RUNTIME.block_on(task).unwrap().unwrap(), []);
    }
    assert_eq!(engine.lines().len(), 8);
}
