//! The exact requests of the image, network, volume, system and login calls, and how their
//! answers are read, against a scripted fake engine, in both flavours.

use std::io::Cursor;

use docker_client::models::{AuthConfig, EndpointSettings, IpamConfig};
use docker_client::{
    CreateNetworkOptions, CreateVolumeOptions, DisconnectNetworkOptions, Error, ImportImageOptions,
    ListImagesOptions, ListNetworksOptions, ListVolumesOptions, LoadImagesOptions, PruneFilters,
    PullImageOptions, PushImageOptions, RemoveImageOptions, RemoveVolumeOptions,
    SearchImagesOptions,
};
use serde_json::{json, Value};

use crate::fake::{self, FakeEngine, Seen};
use crate::flavours::{both, pinned, Named, Pull, ReadAll, Wait};

/// A password whose JSON encodes to `+` and `/` in standard base64.
pub(crate) const TRICKY_PASSWORD: &str = "p+s/w=rd?>>>~~~ÿ";

fn tricky_auth() -> AuthConfig {
    AuthConfig {
        username: "dkr".into(),
        password: TRICKY_PASSWORD.into(),
        serveraddress: "127.0.0.1:5000".into(),
        ..Default::default()
    }
}

pub(crate) fn std_base64(data: &[u8]) -> String {
    const A: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for c in data.chunks(3) {
        let n = (u32::from(c[0]) << 16)
            | (u32::from(*c.get(1).unwrap_or(&0)) << 8)
            | u32::from(*c.get(2).unwrap_or(&0));
        for i in 0..4 {
            match i <= c.len() {
                true => out.push(A[(n >> (18 - 6 * i) & 63) as usize] as char),
                false => out.push('='),
            }
        }
    }
    out
}

/// Decodes base64url (padded), refusing the standard alphabet's `+` and `/`.
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

fn body_json(seen: &Seen) -> Value {
    serde_json::from_slice(&seen.body).unwrap_or_else(|e| {
        panic!(
            "{}: body is not JSON ({e}): {:?}",
            seen.line(),
            String::from_utf8_lossy(&seen.body)
        )
    })
}

const PROGRESS: &str = concat!(
    r#"{"status":"Pulling from dkr/bb","id":"it"}"#,
    "\n",
    r#"{"status":"Downloading","progressDetail":{"current":512,"total":2048},"progress":"[==>   ]","id":"4c89"}"#,
    "\n",
    r#"{"status":"Digest: sha256:abcd"}"#,
    "\n",
    r#"{"status":"Status: Downloaded newer image for 127.0.0.1:5000/dkr/bb:it"}"#,
    "\n",
);

/// An engine that answers every image call the way 20.10 does.
fn image_engine() -> FakeEngine {
    FakeEngine::start(|req| {
        let path = req.target.split('?').next().unwrap_or("");
        match (req.method.as_str(), path) {
            ("GET", "/v1.41/images/json") => fake::json(
                200,
                r#"[{"Id":"sha256:74b4","RepoTags":["bb:latest"],"Size":1982256,"Created":1}]"#,
            ),
            ("GET", p) if p.ends_with("/history") => fake::json(
                200,
                r#"[{"Id":"sha256:74b4","Created":1,"CreatedBy":"","Tags":["bb:latest"],"Size":1982256,"Comment":"Imported from -"}]"#,
            ),
            ("GET", p) if p.ends_with("/json") => {
                fake::json(200, r#"{"Id":"sha256:74b4","RepoTags":["bb:latest"]}"#)
            }
            ("POST", p) if p.ends_with("/tag") => {
                b"HTTP/1.1 201 Created\r\nApi-Version: 1.41\r\nContent-Length: 0\r\n\r\n".to_vec()
            }
            ("DELETE", _) => fake::json(
                200,
                r#"[{"Untagged":"bb:x"},{"Deleted":"sha256:74b4"}]"#,
            ),
            ("POST", "/v1.41/images/prune") => fake::json(
                200,
                r#"{"ImagesDeleted":[{"Deleted":"sha256:0bad"}],"SpaceReclaimed":42}"#,
            ),
            ("GET", "/v1.41/images/get") => {
                b"HTTP/1.1 200 OK\r\nApi-Version: 1.41\r\nContent-Type: application/x-tar\r\nContent-Length: 9\r\n\r\nTAR BYTES".to_vec()
            }
            ("POST", "/v1.41/images/create") if req.target.contains("fromSrc") => {
                fake::json_chunked(
                    200,
                    "{\"status\":\"sha256:1mp0rt\"}\r\n",
                    5,
                )
            }
            ("POST", "/v1.41/images/load") => fake::json_chunked(
                200,
                "{\"stream\":\"Loaded image: bb:latest\\n\"}\r\n",
                3,
            ),
            ("POST", _) => fake::json_chunked(200, PROGRESS, 7),
            _ => fake::json(404, r#"{"message":"page not found"}"#),
        }
    })
}

#[test]
fn image_calls_send_the_exact_requests_and_read_the_answers() {
    let engine = image_engine();
    both!(pinned(engine.socket(), "1.41"), |api| {
        let name = api.name();
        let list = api
            .list_images(
                &ListImagesOptions::default()
                    .all(true)
                    .digests(true)
                    .filter("reference", "bb"),
            )
            .wait()
            .unwrap();
        assert_eq!(list[0].repo_tags, ["bb:latest"], "{name}");
        let img = api
            .inspect_image("127.0.0.1:5000/dkr/bb:it")
            .wait()
            .unwrap();
        assert_eq!(img.id, "sha256:74b4");
        let history = api.history_image("bb:latest").wait().unwrap();
        assert_eq!(history[0].comment, "Imported from -");
        api.tag_image("bb:latest", "127.0.0.1:5000/dkr/bb:it")
            .wait()
            .unwrap();
        api.tag_image("bb", "copy").wait().unwrap();
        let removed = api
            .remove_image(
                "bb:x",
                RemoveImageOptions::default().force(true).no_prune(true),
            )
            .wait()
            .unwrap();
        assert_eq!(removed[0].untagged, "bb:x");
        assert_eq!(removed[1].deleted, "sha256:74b4");
        api.remove_image("bb:y", RemoveImageOptions::default())
            .wait()
            .unwrap();
        let pruned = api
            .prune_images(&PruneFilters::default().filter("dangling", "false"))
            .wait()
            .unwrap();
        assert_eq!(pruned.space_reclaimed, 42);
        assert_eq!(
            api.save_images(&["bb:latest", "other"])
                .wait()
                .unwrap()
                .read_all()
                .unwrap(),
            b"TAR BYTES"
        );
        let imported = api
            .import_image(
                Cursor::new(b"ROOTFS TAR".to_vec()),
                &ImportImageOptions::default()
                    .reference("imp:1")
                    .message("from a test")
                    .change(r#"CMD ["sh"]"#),
            )
            .wait()
            .and_then(|p| p.finish().wait())
            .unwrap();
        assert_eq!(imported.last().unwrap().status, "sha256:1mp0rt");
        let loaded = api
            .load_images(
                Cursor::new(b"SAVED TAR".to_vec()),
                LoadImagesOptions::default().quiet(true),
            )
            .wait()
            .and_then(|p| p.finish().wait())
            .unwrap();
        assert_eq!(loaded[0].stream, "Loaded image: bb:latest\n");
    });
    let filters = "%7B%22reference%22%3A%5B%22bb%22%5D%7D";
    let dangling = "%7B%22dangling%22%3A%5B%22false%22%5D%7D";
    let expected: Vec<String> = [
        format!("GET /v1.41/images/json?all=1&digests=1&filters={filters}"),
        "GET /v1.41/images/127.0.0.1:5000%2Fdkr%2Fbb:it/json".into(),
        "GET /v1.41/images/bb:latest/history".into(),
        "POST /v1.41/images/bb:latest/tag?repo=127.0.0.1%3A5000%2Fdkr%2Fbb&tag=it".into(),
        "POST /v1.41/images/bb/tag?repo=copy&tag=latest".into(),
        "DELETE /v1.41/images/bb:x?force=1&noprune=1".into(),
        "DELETE /v1.41/images/bb:y".into(),
        format!("POST /v1.41/images/prune?filters={dangling}"),
        "GET /v1.41/images/get?names=bb%3Alatest&names=other".into(),
        "POST /v1.41/images/create?fromSrc=-&repo=imp&tag=1&message=from+a+test&changes=CMD+%5B%22sh%22%5D".into(),
        "POST /v1.41/images/load?quiet=1".into(),
    ]
    .into();
    let lines = engine.lines();
    assert_eq!(lines[..expected.len()], expected[..]);
    assert_eq!(lines[expected.len()..], expected[..]);

    for req in engine.requests() {
        assert_eq!(req.header("x-registry-auth"), None, "{}", req.line());
        if req.target.contains("/images/create") || req.target.contains("/images/load") {
            assert_eq!(req.header("content-type"), Some("application/x-tar"));
            assert_eq!(req.header("transfer-encoding"), Some("chunked"));
            let expected: &[u8] = match req.target.contains("load") {
                true => b"SAVED TAR",
                false => b"ROOTFS TAR",
            };
            assert_eq!(req.body, expected, "{}", req.line());
        }
    }
}

#[test]
fn pull_sends_no_credentials_header_without_credentials_and_base64url_with_them() {
    let engine = image_engine();
    let auth = tricky_auth();
    let json = serde_json::to_vec(&auth).unwrap();
    let standard = std_base64(&json);
    assert!(
        standard.contains('+') && standard.contains('/'),
        "the password must exercise both characters: {standard}"
    );
    both!(pinned(engine.socket(), "1.41"), |api| {
        let name = api.name();
        let items = api
            .pull_image("bb", &PullImageOptions::default())
            .wait()
            .unwrap()
            .iter()
            .collect::<Vec<_>>();
        let items: Vec<_> = items.into_iter().map(Result::unwrap).collect();
        assert_eq!(items.len(), 4, "{name}");
        assert_eq!(items[1].id, "4c89");
        let detail = items[1].progress_detail.as_ref().unwrap();
        assert_eq!((detail.current, detail.total), (512, 2048));
        assert!(items[3]
            .status
            .starts_with("Status: Downloaded newer image"));

        let opts = PullImageOptions::default().auth(auth.clone());
        api.pull_image("127.0.0.1:5000/dkr/bb:it", &opts)
            .wait()
            .and_then(|p| p.wait().wait())
            .unwrap();
        let empty = PullImageOptions::default().auth(AuthConfig::default());
        api.pull_image("bb@sha256:abcd", &empty)
            .wait()
            .and_then(|p| p.wait().wait())
            .unwrap();
        let all = PullImageOptions::default()
            .all_tags(true)
            .platform("linux/amd64");
        api.pull_image("bb", &all)
            .wait()
            .and_then(|p| p.wait().wait())
            .unwrap();
        assert!(!format!("{opts:?}").contains(TRICKY_PASSWORD));
    });
    let expected = [
        "POST /v1.41/images/create?fromImage=bb&tag=latest",
        "POST /v1.41/images/create?fromImage=127.0.0.1%3A5000%2Fdkr%2Fbb&tag=it",
        "POST /v1.41/images/create?fromImage=bb&tag=sha256%3Aabcd",
        "POST /v1.41/images/create?fromImage=bb&platform=linux%2Famd64",
    ];
    let requests = engine.requests();
    assert_eq!(requests.len(), 8);
    for (i, req) in requests.iter().enumerate() {
        assert_eq!(req.line(), expected[i % 4]);
        assert!(req.body.is_empty());
        let header = req.header("x-registry-auth");
        if i % 4 != 1 {
            assert_eq!(header, None, "{}: no credentials, no header", req.line());
            continue;
        }
        let header = header.expect("credentials travel in X-Registry-Auth");
        assert!(!header.contains(['+', '/']), "{header}");
        let decoded = url_base64_decode(header);
        assert_eq!(decoded, json);
        let back: AuthConfig = serde_json::from_slice(&decoded).unwrap();
        assert_eq!(back.password, TRICKY_PASSWORD);
    }
}

#[test]
fn push_always_sends_a_credentials_header() {
    let engine = image_engine();
    let auth = tricky_auth();
    both!(pinned(engine.socket(), "1.41"), |api| {
        api.push_image("127.0.0.1:5000/dkr/bb:it", &PushImageOptions::default())
            .wait()
            .and_then(|p| p.wait().wait())
            .unwrap();
        let opts = PushImageOptions::default().auth(auth.clone());
        let items = api
            .push_image("127.0.0.1:5000/dkr/bb", &opts)
            .wait()
            .unwrap()
            .iter()
            .collect::<Vec<_>>();
        assert!(items.iter().all(Result::is_ok));
        api.push_image("bb", &PushImageOptions::default().all_tags(true))
            .wait()
            .and_then(|p| p.wait().wait())
            .unwrap();
        let err = api
            .push_image("bb@sha256:abcd", &PushImageOptions::default())
            .wait()
            .and_then(|p| p.wait().wait())
            .unwrap_err();
        assert!(matches!(err, Error::InvalidArgument { .. }), "{err}");
        assert!(!format!("{opts:?}").contains(TRICKY_PASSWORD));
    });
    let requests = engine.requests();
    let lines: Vec<String> = requests.iter().map(Seen::line).collect();
    let once = [
        "POST /v1.41/images/127.0.0.1:5000%2Fdkr%2Fbb/push?tag=it",
        "POST /v1.41/images/127.0.0.1:5000%2Fdkr%2Fbb/push?tag=latest",
        "POST /v1.41/images/bb/push",
    ];
    assert_eq!(lines, [once, once].concat());
    for (i, req) in requests.iter().enumerate() {
        let header = req.header("x-registry-auth").unwrap();
        match i % 3 {
            1 => {
                let back: AuthConfig = serde_json::from_slice(&url_base64_decode(header)).unwrap();
                assert_eq!(back, auth);
            }
            _ => assert_eq!(header, "e30=", "the encoded empty object {{}}"),
        }
    }
}

#[test]
fn an_error_inside_a_progress_stream_is_a_typed_error_and_ends_it() {
    let body = concat!(
        r#"{"status":"The push refers to repository [127.0.0.1:5000/dkr/bb]"}"#,
        "\n",
        r#"{"status":"Preparing","progressDetail":{},"id":"4c89"}"#,
        "\n",
        r#"{"errorDetail":{"message":"unauthorized: authentication required"},"error":"unauthorized: authentication required"}"#,
        "\n",
        r#"{"status":"never read"}"#,
        "\n",
    );
    for chunk in [1, 5, 64, 4096] {
        let engine = FakeEngine::start(move |_| fake::json_chunked(200, body, chunk));
        both!(pinned(engine.socket(), "1.41"), |api| {
            let opts = PushImageOptions::default();
            let items = api
                .push_image("127.0.0.1:5000/dkr/bb:it", &opts)
                .wait()
                .unwrap()
                .iter()
                .collect::<Vec<_>>();
            assert_eq!(items.len(), 3, "{} chunk {chunk}", api.name());
            assert!(items[0].is_ok() && items[1].is_ok());
            match &items[2] {
                Err(Error::Stream { message }) => {
                    assert_eq!(message, "unauthorized: authentication required")
                }
                other => panic!("{}: expected Error::Stream, got {other:?}", api.name()),
            }
            let err = api
                .push_image("127.0.0.1:5000/dkr/bb:it", &opts)
                .wait()
                .and_then(|p| p.wait().wait())
                .unwrap_err();
            assert!(matches!(err, Error::Stream { .. }), "{err}");
            let err = api
                .pull_image("127.0.0.1:5000/dkr/bb:it", &PullImageOptions::default())
                .wait()
                .and_then(|p| p.wait().wait())
                .unwrap_err();
            assert_eq!(err.message(), Some("unauthorized: authentication required"));
        });
    }
}

#[test]
fn a_truncated_progress_stream_ends_with_an_error() {
    let engine = FakeEngine::start(|_| {
        let mut r = b"HTTP/1.1 200 OK\r\nApi-Version: 1.41\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n".to_vec();
        r.extend_from_slice(b"f\r\n{\"status\":\"a\"}\n\r\n5\r\n{\"sta");
        fake::then_close(r)
    });
    both!(pinned(engine.socket(), "1.41"), |api| {
        let items = api
            .pull_image("bb", &PullImageOptions::default())
            .wait()
            .unwrap()
            .iter()
            .collect::<Vec<_>>();
        assert_eq!(items.len(), 2, "{}", api.name());
        assert_eq!(items[0].as_ref().unwrap().status, "a");
        assert!(items[1].is_err(), "{:?}", items[1]);
    });
}

#[test]
fn error_statuses_before_the_stream_are_typed() {
    let engine = FakeEngine::start(|req| match req.target.as_str() {
        t if t.starts_with("/v1.41/images/create") => fake::json(
            404,
            r#"{"message":"pull access denied for nope, repository does not exist"}"#,
        ),
        t if t.contains("/push") => fake::json(404, r#"{"message":"No such image: nope:latest"}"#),
        "/v1.41/auth" => fake::json(
            401,
            r#"{"message":"login attempt to http://127.0.0.1:5000/v2/ failed with status: 401 Unauthorized"}"#,
        ),
        t if t.starts_with("/v1.41/volumes/busy") => {
            fake::json(409, r#"{"message":"remove busy: volume is in use"}"#)
        }
        _ => fake::json(404, r#"{"message":"network nope not found"}"#),
    });
    both!(pinned(engine.socket(), "1.41"), |api| {
        let err = api
            .pull_image("nope", &PullImageOptions::default())
            .wait()
            .and_then(|p| p.wait().wait())
            .unwrap_err();
        assert!(err.is_not_found(), "{err}");
        let err = api
            .push_image("nope", &PushImageOptions::default())
            .wait()
            .and_then(|p| p.wait().wait())
            .unwrap_err();
        assert!(err.is_not_found(), "{err}");
        let err = api.login(&tricky_auth()).wait().unwrap_err();
        assert!(
            matches!(err, Error::Api { status: 401, .. }),
            "{}: {err:?}",
            api.name()
        );
        assert_eq!(err.status_code(), Some(401));
        assert!(!format!("{err:?}{err}").contains(TRICKY_PASSWORD));
        let err = api
            .remove_volume("busy", RemoveVolumeOptions::default())
            .wait()
            .unwrap_err();
        assert!(err.is_conflict(), "{err}");
        let err = api.inspect_network("nope").wait().unwrap_err();
        assert!(err.is_not_found(), "{err}");
    });
}

#[test]
fn network_calls_send_the_exact_requests() {
    let engine = FakeEngine::start(|req| {
        let path = req.target.split('?').next().unwrap_or("");
        match (req.method.as_str(), path) {
            ("GET", "/v1.41/networks") => fake::json(
                200,
                r#"[{"Name":"n1","Id":"abc","Driver":"bridge","Scope":"local","Containers":{}}]"#,
            ),
            ("POST", "/v1.41/networks/create") => {
                fake::json(201, r#"{"Id":"abc123","Warning":""}"#)
            }
            ("POST", "/v1.41/networks/prune") => fake::json(200, r#"{"NetworksDeleted":["old"]}"#),
            ("DELETE", _) => fake::no_content(),
            ("POST", _) => fake::json(200, ""),
            _ => fake::json(404, r#"{"message":"x"}"#),
        }
    });
    let create = CreateNetworkOptions::new("dkr-n1")
        .driver("bridge")
        .internal(true)
        .attachable(true)
        .label("dkr-it", "1")
        .option("com.docker.network.bridge.enable_icc", "true")
        .ipam_config(IpamConfig {
            subnet: "10.213.7.0/24".into(),
            gateway: "10.213.7.1".into(),
            ..Default::default()
        })
        .raw("Ingress", json!(false));
    let endpoint = EndpointSettings {
        aliases: vec!["web-alias".into()],
        ..Default::default()
    };
    both!(pinned(engine.socket(), "1.41"), |api| {
        let list = api
            .list_networks(&ListNetworksOptions::default().filter("driver", "bridge"))
            .wait()
            .unwrap();
        assert_eq!(list[0].name, "n1");
        let created = api.create_network(&create).wait().unwrap();
        assert_eq!(created.id, "abc123");
        api.connect_network("dkr-n1", "/web", Some(&endpoint))
            .wait()
            .unwrap();
        api.connect_network("dkr-n1", "web", None).wait().unwrap();
        api.disconnect_network(
            "dkr-n1",
            "web",
            DisconnectNetworkOptions::default().force(true),
        )
        .wait()
        .unwrap();
        api.remove_network("dkr-n1").wait().unwrap();
        let pruned = api
            .prune_networks(&PruneFilters::default().filter("label", "dkr-it=1"))
            .wait()
            .unwrap();
        assert_eq!(pruned.networks_deleted, ["old"]);
    });
    let label = "%7B%22label%22%3A%5B%22dkr-it%3D1%22%5D%7D";
    let once = vec![
        "GET /v1.41/networks?filters=%7B%22driver%22%3A%5B%22bridge%22%5D%7D".to_owned(),
        "POST /v1.41/networks/create".into(),
        "POST /v1.41/networks/dkr-n1/connect".into(),
        "POST /v1.41/networks/dkr-n1/connect".into(),
        "POST /v1.41/networks/dkr-n1/disconnect".into(),
        "DELETE /v1.41/networks/dkr-n1".into(),
        format!("POST /v1.41/networks/prune?filters={label}"),
    ];
    assert_eq!(engine.lines(), [once.clone(), once].concat());
    let requests = engine.requests();
    assert_eq!(
        body_json(&requests[1]),
        json!({
            "Name": "dkr-n1", "CheckDuplicate": true, "Driver": "bridge", "Internal": true,
            "Attachable": true, "EnableIPv6": false, "Ingress": false,
            "IPAM": {"Driver": "default", "Options": {},
                     "Config": [{"Subnet": "10.213.7.0/24", "Gateway": "10.213.7.1"}]},
            "Options": {"com.docker.network.bridge.enable_icc": "true"},
            "Labels": {"dkr-it": "1"}
        })
    );
    assert_eq!(requests[1].header("content-type"), Some("application/json"));
    assert_eq!(
        body_json(&requests[2]),
        json!({"Container": "web", "EndpointConfig": {"Aliases": ["web-alias"]}})
    );
    assert_eq!(body_json(&requests[3]), json!({"Container": "web"}));
    assert_eq!(
        body_json(&requests[4]),
        json!({"Container": "web", "Force": true})
    );
}

#[test]
fn volume_and_system_calls_send_the_exact_requests() {
    let engine = FakeEngine::start(|req| {
        let path = req.target.split('?').next().unwrap_or("");
        match (req.method.as_str(), path) {
            ("GET", "/v1.41/volumes") => fake::json(
                200,
                r#"{"Volumes":[{"Name":"data","Driver":"local"}],"Warnings":null}"#,
            ),
            ("POST", "/v1.41/volumes/create") => fake::json(
                201,
                r#"{"Name":"data","Driver":"local","Labels":{"dkr-it":"1"},"Scope":"local"}"#,
            ),
            ("POST", "/v1.41/volumes/prune") => {
                fake::json(200, r#"{"VolumesDeleted":["old"],"SpaceReclaimed":7}"#)
            }
            ("GET", "/v1.41/system/df") => fake::json(
                200,
                r#"{"LayersSize":1982256,"Images":[],"Containers":[],"Volumes":[],"BuildCache":null}"#,
            ),
            ("POST", "/v1.41/auth") => {
                fake::json(200, r#"{"Status":"Login Succeeded","IdentityToken":""}"#)
            }
            ("DELETE", _) => fake::no_content(),
            ("GET", _) => fake::json(200, r#"{"Name":"data","Driver":"local"}"#),
            _ => fake::json(404, r#"{"message":"x"}"#),
        }
    });
    let create = CreateVolumeOptions::default()
        .name("data")
        .driver("local")
        .label("dkr-it", "1")
        .driver_opt("type", "tmpfs")
        .driver_opt("device", "tmpfs");
    both!(pinned(engine.socket(), "1.41"), |api| {
        let list = api
            .list_volumes(&ListVolumesOptions::default().filter("dangling", "true"))
            .wait()
            .unwrap();
        assert_eq!(list.volumes[0].name, "data");
        assert!(list.warnings.is_empty());
        let v = api.create_volume(&create).wait().unwrap();
        assert_eq!(v.labels["dkr-it"], "1");
        let anonymous = api
            .create_volume(&CreateVolumeOptions::default())
            .wait()
            .unwrap();
        assert_eq!(anonymous.driver, "local");
        assert_eq!(api.inspect_volume("data").wait().unwrap().name, "data");
        api.remove_volume("data", RemoveVolumeOptions::default().force(true))
            .wait()
            .unwrap();
        api.remove_volume("data", RemoveVolumeOptions::default())
            .wait()
            .unwrap();
        let err = api
            .remove_volume("../x", RemoveVolumeOptions::default())
            .wait()
            .unwrap_err();
        assert!(matches!(err, Error::InvalidArgument { .. }), "{err}");
        let pruned = api.prune_volumes(&PruneFilters::default()).wait().unwrap();
        assert_eq!(pruned.space_reclaimed, 7);
        assert_eq!(api.df().wait().unwrap().layers_size, 1982256);
        assert_eq!(
            api.login(&tricky_auth()).wait().unwrap().status,
            "Login Succeeded"
        );
    });
    let once = [
        "GET /v1.41/volumes?filters=%7B%22dangling%22%3A%5B%22true%22%5D%7D",
        "POST /v1.41/volumes/create",
        "POST /v1.41/volumes/create",
        "GET /v1.41/volumes/data",
        "DELETE /v1.41/volumes/data?force=1",
        "DELETE /v1.41/volumes/data",
        "POST /v1.41/volumes/prune",
        "GET /v1.41/system/df",
        "POST /v1.41/auth",
    ];
    assert_eq!(engine.lines(), [once, once].concat());
    let requests = engine.requests();
    assert_eq!(
        body_json(&requests[1]),
        json!({"Name": "data", "Driver": "local", "Labels": {"dkr-it": "1"},
               "DriverOpts": {"type": "tmpfs", "device": "tmpfs"}})
    );
    assert_eq!(
        body_json(&requests[2]),
        json!({"DriverOpts": {}, "Labels": {}})
    );
    let login = &requests[8];
    assert_eq!(login.header("x-registry-auth"), None);
    assert_eq!(
        body_json(login),
        json!({"username": "dkr", "password": TRICKY_PASSWORD, "serveraddress": "127.0.0.1:5000"})
    );
}

/// What Docker 20.10 answers here, where no image index can be reached (the recorded
/// `search_images_no_index` transcripts hold it too).
const SEARCH_ERROR: &str = r#"{"message":"Get \"https://index.docker.io/v1/search?q=busybox\u0026n=1\": dial tcp: lookup index.docker.io on 10.255.255.53:53: no such host"}"#;

#[test]
fn search_sends_the_term_limit_and_filters_and_reads_typed_results() {
    let engine = FakeEngine::start(|req| match req.target.contains("term=nothing") {
        true => fake::json(500, SEARCH_ERROR),
        false => fake::json(
            200,
            r#"[{"star_count":3211,"is_official":true,"name":"busybox","is_automated":false,"description":"Busybox base image."},{"star_count":0,"is_official":false,"name":"someone/busybox","is_automated":null,"description":""}]"#,
        ),
    });
    both!(pinned(engine.socket(), "1.41"), |api| {
        let name = api.name();
        let opts = SearchImagesOptions::default()
            .limit(2)
            .filter("is-official", "true");
        let found = api.search_images("busybox", &opts).wait().unwrap();
        assert_eq!(found.len(), 2, "{name}");
        assert_eq!(found[0].name, "busybox");
        assert!(found[0].is_official && !found[0].is_automated);
        assert_eq!(found[0].star_count, 3211);
        assert_eq!(found[0].description, "Busybox base image.");
        assert!(!found[1].is_automated, "null decodes as false");
        let err = api
            .search_images("nothing", &SearchImagesOptions::default().limit(1))
            .wait()
            .unwrap_err();
        assert!(
            matches!(&err, Error::Api { status: 500, .. })
                && err.message().is_some_and(|m| m.contains("no such host")),
            "{name}: {err:?}"
        );
        let err = api
            .search_images(" ", &SearchImagesOptions::default())
            .wait()
            .unwrap_err();
        assert!(
            matches!(err, Error::InvalidArgument { .. }),
            "{name}: {err}"
        );
    });
    let once = [
        "GET /v1.41/images/search?term=busybox&limit=2&filters=%7B%22is-official%22%3A%5B%22true%22%5D%7D",
        "GET /v1.41/images/search?term=nothing&limit=1",
    ];
    assert_eq!(engine.lines(), [once, once].concat());
}
