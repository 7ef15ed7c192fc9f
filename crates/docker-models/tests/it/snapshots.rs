//! The re-encoded form of the main recorded answers (`fixtures/docker-20.10`), pinned as
//! JSON snapshots in the models' own key order: a review of every key name and default in
//! one place. Maps are `BTreeMap`s, so output is stable.

use docker_models::{
    ContainerInspect, ContainerStats, ContainerSummary, EventMessage, ImageInspect, NetworkInspect,
    SystemInfo, SystemVersion,
};

use crate::support::{decode, decode_stream};

#[test]
fn decoded_answers_reencode_as_pinned() {
    insta::assert_json_snapshot!("info", decode::<SystemInfo>("docker-20.10/info"));
    insta::assert_json_snapshot!("version", decode::<SystemVersion>("docker-20.10/version"));
    insta::assert_json_snapshot!(
        "containers_json",
        decode::<Vec<ContainerSummary>>("docker-20.10/list_containers")
    );
    insta::assert_json_snapshot!(
        "container_inspect",
        decode::<ContainerInspect>("docker-20.10/inspect_container")
    );
    insta::assert_json_snapshot!(
        "image_inspect",
        decode::<ImageInspect>("docker-20.10/inspect_image")
    );
    insta::assert_json_snapshot!(
        "network_inspect",
        decode::<Vec<NetworkInspect>>("docker-20.10/list_networks")[0]
    );
    let events = decode_stream::<EventMessage>("docker-20.10/events");
    let kill = events.iter().find(|e| e.action == "kill");
    insta::assert_json_snapshot!("event_kill", kill.expect("a kill event"));
    insta::assert_json_snapshot!(
        "stats_oneshot",
        decode::<ContainerStats>("docker-20.10/container_stats_not_running")
    );
}
