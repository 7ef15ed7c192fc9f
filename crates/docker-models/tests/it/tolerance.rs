//! Decoding across API versions: absent fields, `null`s, unknown fields, odd numbers.

use std::collections::BTreeMap;

use docker_models::{
    ContainerInspect, ContainerSummary, ContainerTop, ErrorResponse, EventActor, EventMessage,
    FileChange, HostConfig, ImageInspect, NetworkInspect, NetworkSettings, Ping, ProcessEntry,
    SystemInfo, SystemVersion,
};
use serde::de::DeserializeOwned;

fn from<T: DeserializeOwned>(json: &str) -> T {
    serde_json::from_str(json).unwrap_or_else(|e| panic!("{json}: {e}"))
}

fn empty_object_is_default<T: DeserializeOwned + Default + PartialEq + std::fmt::Debug>() {
    assert_eq!(
        from::<T>("{}"),
        T::default(),
        "{}",
        std::any::type_name::<T>()
    );
}

#[test]
fn an_empty_object_decodes_to_defaults_for_every_model() {
    empty_object_is_default::<Ping>();
    empty_object_is_default::<SystemVersion>();
    empty_object_is_default::<SystemInfo>();
    empty_object_is_default::<ContainerSummary>();
    empty_object_is_default::<ContainerInspect>();
    empty_object_is_default::<HostConfig>();
    empty_object_is_default::<NetworkSettings>();
    empty_object_is_default::<ImageInspect>();
    empty_object_is_default::<NetworkInspect>();
    empty_object_is_default::<ContainerTop>();
    empty_object_is_default::<ProcessEntry>();
    empty_object_is_default::<FileChange>();
    empty_object_is_default::<EventMessage>();
    empty_object_is_default::<EventActor>();
    empty_object_is_default::<ErrorResponse>();
}

#[test]
fn null_arrays_maps_strings_and_objects_decode_to_defaults() {
    let c: ContainerInspect = from(
        r#"{"Id":null,"Args":null,"State":null,"ExecIDs":null,"HostConfig":null,
            "GraphDriver":{"Name":null,"Data":null},"Mounts":null,"Config":null,
            "NetworkSettings":{"Ports":null,"Networks":null}}"#,
    );
    assert_eq!(c, ContainerInspect::default());

    let c: ContainerSummary = from(
        r#"{"Names":null,"Ports":null,"Labels":null,"HostConfig":null,
            "NetworkSettings":{"Networks":{"bridge":null}},"Mounts":null}"#,
    );
    assert!(c.names.is_empty() && c.ports.is_empty() && c.labels.is_empty());
    assert_eq!(c.network_settings.networks["bridge"], Default::default());

    let e: EventMessage = from(r#"{"Actor":{"ID":"x","Attributes":null},"status":null}"#);
    assert!(e.actor.attributes.is_empty());
    assert_eq!(e.status, "");

    let top: ContainerTop = from(r#"{"Titles":null,"Processes":null}"#);
    assert_eq!(top, ContainerTop::default());

    let info: SystemInfo =
        from(r#"{"Labels":null,"Plugins":{"Authorization":null},"Swarm":null,"Runtimes":null}"#);
    assert_eq!(info, SystemInfo::default());
}

#[test]
fn null_scalars_decode_to_zero_and_false() {
    let c: ContainerInspect =
        from(r#"{"RestartCount":null,"State":{"Pid":null,"Running":null,"ExitCode":null}}"#);
    assert_eq!(c.restart_count, 0);
    assert_eq!(c.state.pid, 0);
    assert!(!c.state.running);
}

#[test]
fn unknown_fields_are_ignored_at_every_level() {
    let c: ContainerSummary = from(
        r#"{"Id":"abc","FutureField":{"deep":[1,2,3]},"Ports":[{"PrivatePort":80,"Type":"tcp","New":1}],
            "NetworkSettings":{"Networks":{"n":{"IPAddress":"10.0.0.2","GwPriority":10}}},
            "ImageManifestDescriptor":{"mediaType":"x"},"Health":{"Status":"healthy"}}"#,
    );
    assert_eq!(c.id, "abc");
    assert_eq!(c.ports[0].private_port, 80);
    assert_eq!(c.network_settings.networks["n"].ip_address, "10.0.0.2");

    let e: EventMessage = from(r#"{"Type":"container","Action":"start","NewThing":true}"#);
    assert_eq!(e.action, "start");
}

#[test]
fn image_inspect_decodes_the_api_1_44_shape() {
    // API 1.44 dropped VirtualSize, Container and ContainerConfig.
    let img: ImageInspect = from(
        r#"{"Id":"sha256:aa","RepoTags":["alpine:3"],"RepoDigests":["alpine@sha256:bb"],
            "Parent":"","Comment":"","Created":"2025-01-01T00:00:00Z","DockerVersion":"",
            "Author":"","Config":{"Env":["PATH=/bin"],"Cmd":["/bin/sh"]},"Architecture":"arm64",
            "Variant":"v8","Os":"linux","Size":8000000,
            "GraphDriver":{"Data":{"MergedDir":"/m"},"Name":"overlay2"},
            "RootFS":{"Type":"layers","Layers":["sha256:cc"]},
            "Metadata":{"LastTagTime":"0001-01-01T00:00:00Z"},
            "Descriptor":{"mediaType":"application/vnd.oci.image.index.v1+json"}}"#,
    );
    assert_eq!(img.virtual_size, None);
    assert_eq!(img.container, None);
    assert_eq!(img.container_config, None);
    assert_eq!(img.variant, "v8");
    assert_eq!(img.config.unwrap().cmd, ["/bin/sh"]);
    assert_eq!(img.graph_driver.data["MergedDir"], "/m");

    let json = serde_json::to_value(ImageInspect::default()).unwrap();
    assert!(
        json.get("VirtualSize").is_none(),
        "absent stays absent when encoding"
    );
}

#[test]
fn events_decode_the_api_1_52_shape_without_legacy_fields() {
    let e: EventMessage = from(
        r#"{"Type":"network","Action":"connect","Actor":{"ID":"f903","Attributes":{"container":"1cd7","name":"n","type":"bridge"}},
            "scope":"local","time":1795863903,"timeNano":1795863903449878308}"#,
    );
    assert_eq!(
        (e.status.as_str(), e.id.as_str(), e.from.as_str()),
        ("", "", "")
    );
    assert_eq!(e.typ, "network");
    assert_eq!(e.actor_id(), "f903");
    let json = serde_json::to_value(&e).unwrap();
    assert!(json.get("status").is_none() && json.get("id").is_none() && json.get("from").is_none());
    assert_eq!(json["timeNano"], 1_795_863_903_449_878_308_i64);
}

#[test]
fn events_of_unknown_types_still_decode() {
    let e: EventMessage = from(r#"{"Type":"sandbox-v9","Action":"frobnicate","Actor":{"ID":"z"}}"#);
    assert_eq!(e.typ, "sandbox-v9");
}

#[test]
fn event_helpers_fall_back_to_legacy_fields() {
    let legacy: EventMessage =
        from(r#"{"status":"die","id":"abc","from":"img","time":1700000000}"#);
    assert_eq!(legacy.actor_id(), "abc");
    assert_eq!(legacy.time_nano(), 1_700_000_000_000_000_000);
    let huge = EventMessage {
        time: i64::MAX,
        ..Default::default()
    };
    assert_eq!(
        huge.time_nano(),
        i64::MAX,
        "saturates instead of overflowing"
    );
}

#[test]
fn numbers_are_read_leniently() {
    let c: ContainerSummary = from(r#"{"Created":1.7e9,"SizeRw":"42","SizeRootFs":null}"#);
    assert_eq!(c.created, 1_700_000_000);
    assert_eq!(c.size_rw, Some(42));
    assert_eq!(c.size_root_fs, None);

    let s: ContainerInspect = from(r#"{"State":{"Pid":-1,"ExitCode":18446744073709551615}}"#);
    assert_eq!(s.state.pid, 0, "a negative PID clamps to 0");
    assert_eq!(s.state.exit_code, i64::MAX, "saturates");

    let v: SystemVersion = from(r#"{"Experimental":"true"}"#);
    assert!(v.experimental);

    let bad = serde_json::from_str::<ContainerSummary>(r#"{"Created":"yesterday"}"#);
    assert!(bad.is_err(), "text that is not a number is still an error");
}

#[test]
fn port_map_keeps_unpublished_ports_as_none() {
    let ns: NetworkSettings = from(
        r#"{"Ports":{"22/tcp":[{"HostIp":"0.0.0.0","HostPort":"8888"}],"80/tcp":null},
            "IPAddress":"172.17.0.2","IPPrefixLen":16,
            "Networks":{"bridge":{"NetworkID":"n1","IPAddress":"172.17.0.2"}}}"#,
    );
    let ssh = ns.ports["22/tcp"].as_ref().unwrap();
    assert_eq!(
        (ssh[0].host_ip.as_str(), ssh[0].host_port.as_str()),
        ("0.0.0.0", "8888")
    );
    assert_eq!(ns.ports["80/tcp"], None);
    let json = serde_json::to_value(&ns).unwrap();
    assert!(
        json["Ports"]["80/tcp"].is_null(),
        "null survives a round trip"
    );
}

#[test]
fn ip_address_prefers_legacy_field_then_networks() {
    let legacy: NetworkSettings =
        from(r#"{"IPAddress":"172.17.0.2","Networks":{"a":{"IPAddress":"10.0.0.9"}}}"#);
    assert_eq!(legacy.ip_address(), Some("172.17.0.2"));
    // API 1.52+: no top-level IPAddress.
    let modern: NetworkSettings =
        from(r#"{"Networks":{"a":{"IPAddress":""},"b":{"IPAddress":"10.0.0.9"}}}"#);
    assert_eq!(modern.ip_address(), Some("10.0.0.9"));
}

#[test]
fn maps_decode_in_key_order_for_stable_output() {
    let a: EventActor = from(r#"{"ID":"x","Attributes":{"z":"1","a":"2","m":"3"}}"#);
    let keys: Vec<&String> = a.attributes.keys().collect();
    assert_eq!(keys, ["a", "m", "z"]);
    let _: &BTreeMap<String, String> = &a.attributes;
}

#[test]
fn container_name_skips_legacy_link_aliases() {
    let c: ContainerSummary = from(r#"{"Id":"abc","Names":["/web/db","/db"]}"#);
    assert_eq!(c.name(), Some("db"));
    assert_eq!(c.short_id(), "abc", "short ids stay whole");
    let only_alias: ContainerSummary = from(r#"{"Names":["/web/db"]}"#);
    assert_eq!(only_alias.name(), Some("web/db"));
    assert_eq!(ContainerSummary::default().name(), None);
}

#[test]
fn unknown_keys_are_kept_whatever_their_spelling_and_known_ones_stay_typed() {
    // An escaped known key is still the typed field; an escaped unknown key lands in
    // `extra` unescaped; a nested object survives verbatim; `null` keys are kept too.
    let json = r#"{"Priv\u0069leged": true, "Cpu\u0043ount": 2, "KernelMemory": null,
                   "DeviceRequests": [{"Driver": "x", "Count": -1}], "Init": null}"#;
    let hc: HostConfig = from(json);
    assert!(hc.privileged);
    assert_eq!(hc.init, None);
    let keys: Vec<String> = hc.extra.iter().map(|(k, _)| k.into_owned()).collect();
    assert_eq!(
        keys,
        ["CpuCount", "KernelMemory", "DeviceRequests"],
        "in the order sent"
    );
    assert_eq!(hc.extra.value("DeviceRequests").unwrap()[0]["Count"], -1);
    // The same document as a `serde_json::Value` (owned keys) decodes alike.
    let value: serde_json::Value = serde_json::from_str(json).unwrap();
    assert_eq!(serde_json::from_value::<HostConfig>(value).unwrap(), hc);
    // Not an object: a type error, not a panic.
    assert!(serde_json::from_str::<HostConfig>("[1]").is_err());
}
