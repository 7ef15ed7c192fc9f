//! Request bodies: only what is set is sent, `extra` is merged, secrets stay out of logs.

use docker_models::{
    AuthConfig, AuthResponse, ContainerCreateConfig, EmptyObject, EndpointIpamConfig,
    EndpointSettings, ExecCreateConfig, HostConfig, NetworkingConfig, PortBinding, RestartPolicy,
};
use serde_json::json;

#[test]
fn create_config_sends_only_what_is_set() {
    assert_eq!(
        serde_json::to_value(ContainerCreateConfig::default()).unwrap(),
        json!({})
    );
    assert_eq!(
        serde_json::to_value(ContainerCreateConfig::new("bb:latest")).unwrap(),
        json!({"Image": "bb:latest"})
    );
}

#[test]
fn create_config_encodes_ports_networks_and_host_config() {
    let mut body = ContainerCreateConfig::new("bb:latest");
    body.env = vec!["A=1".into()];
    body.tty = true;
    body.stop_timeout = Some(0);
    body.exposed_ports.insert("22/tcp".into(), EmptyObject {});
    body.host_config.port_bindings.insert(
        "22/tcp".into(),
        Some(vec![PortBinding {
            host_ip: "127.0.0.1".into(),
            host_port: "8888".into(),
            ..Default::default()
        }]),
    );
    body.host_config.restart_policy = RestartPolicy {
        name: "always".into(),
        maximum_retry_count: 0,
        ..Default::default()
    };
    body.host_config.memory_swappiness = Some(0);
    body.networking_config = NetworkingConfig {
        endpoints_config: [(
            "research-net".to_string(),
            EndpointSettings {
                aliases: vec!["db".into()],
                ipam_config: Some(EndpointIpamConfig {
                    ipv4_address: "172.17.0.9".into(),
                    ..Default::default()
                }),
                ..Default::default()
            },
        )]
        .into(),
        ..Default::default()
    };
    assert_eq!(
        serde_json::to_value(&body).unwrap(),
        json!({
            "Image": "bb:latest",
            "Env": ["A=1"],
            "Tty": true,
            "StopTimeout": 0,
            "ExposedPorts": {"22/tcp": {}},
            "HostConfig": {
                "PortBindings": {"22/tcp": [{"HostIp": "127.0.0.1", "HostPort": "8888"}]},
                "RestartPolicy": {"Name": "always", "MaximumRetryCount": 0},
                "MemorySwappiness": 0
            },
            "NetworkingConfig": {
                "EndpointsConfig": {
                    "research-net": {"IPAMConfig": {"IPv4Address": "172.17.0.9"}, "Aliases": ["db"]}
                }
            }
        })
    );
}

#[test]
fn create_config_round_trips_and_keeps_unknown_keys() {
    let raw = json!({
        "Image": "bb:latest",
        "Cmd": ["sleep", "1"],
        "HostConfig": {"AutoRemove": true, "DeviceRequests": [{"Count": -1}], "Init": true},
        "Platform": "linux/amd64",
        "MacAddress": "02:42:ac:11:00:02"
    });
    let body: ContainerCreateConfig = serde_json::from_value(raw.clone()).unwrap();
    assert_eq!(body.extra.get("Platform"), Some(r#""linux/amd64""#));
    assert_eq!(
        body.host_config.extra.value("DeviceRequests").unwrap()[0]["Count"],
        -1
    );
    assert_eq!(body.host_config.init, Some(true));
    assert_eq!(serde_json::to_value(&body).unwrap(), raw);
}

#[test]
fn host_config_extra_fills_gaps_for_encoding() {
    let mut hc = HostConfig::default();
    hc.extra.insert("CpuCount", json!(2));
    assert_eq!(serde_json::to_value(&hc).unwrap(), json!({"CpuCount": 2}));
}

#[test]
fn exec_create_config_sends_only_what_is_set() {
    let body = ExecCreateConfig {
        cmd: vec!["sh".into()],
        attach_stdout: true,
        attach_stderr: true,
        ..Default::default()
    };
    assert_eq!(
        serde_json::to_value(&body).unwrap(),
        json!({"AttachStdout": true, "AttachStderr": true, "Cmd": ["sh"]})
    );
}

#[test]
fn auth_config_debug_hides_password_and_tokens() {
    let auth = AuthConfig {
        username: "me".into(),
        password: "hunter2".into(),
        email: "me@example.com".into(),
        serveraddress: "https://index.docker.io/v1/".into(),
        identitytoken: "id-token-value".into(),
        registrytoken: "reg-token-value".into(),
        ..Default::default()
    };
    let debug = format!("{auth:?}");
    assert!(!debug.contains("hunter2"), "{debug}");
    assert!(
        !debug.contains("id-token-value") && !debug.contains("reg-token-value"),
        "{debug}"
    );
    assert!(
        debug.contains("<redacted>") && debug.contains("\"me\""),
        "{debug}"
    );
    let pretty = format!("{auth:#?}");
    assert!(!pretty.contains("hunter2"));

    let json = serde_json::to_value(&auth).unwrap();
    assert_eq!(json["password"], "hunter2", "the wire form carries it");
    assert_eq!(json["serveraddress"], "https://index.docker.io/v1/");
    let only_token = AuthConfig {
        identitytoken: "t".into(),
        ..Default::default()
    };
    assert_eq!(
        serde_json::to_value(&only_token).unwrap(),
        json!({"identitytoken": "t"})
    );
}

#[test]
fn auth_response_debug_hides_the_identity_token() {
    let r: AuthResponse =
        serde_json::from_str(r#"{"Status":"Login Succeeded","IdentityToken":"abc123"}"#).unwrap();
    assert_eq!(r.status, "Login Succeeded");
    assert_eq!(r.identity_token, "abc123");
    assert!(!format!("{r:?}").contains("abc123"));
}
