//! The re-encoded form of each decoded capture, pinned as JSON snapshots: a review of
//! every key name and default in one place. Maps are `BTreeMap`s, so output is stable.

use docker_models::{
    ContainerInspect, ContainerStats, ContainerSummary, EventMessage, ImageInspect, NetworkInspect,
    SystemInfo, SystemVersion,
};

use crate::support::{decode, decode_stream};

#[test]
fn decoded_captures_reencode_as_pinned() {
    insta::assert_json_snapshot!("info", decode::<SystemInfo>("info.txt"));
    insta::assert_json_snapshot!("version", decode::<SystemVersion>("version_1.24.txt"));
    insta::assert_json_snapshot!(
        "containers_json",
        decode::<Vec<ContainerSummary>>("containers_json.txt")
    );
    insta::assert_json_snapshot!(
        "container_inspect",
        decode::<ContainerInspect>("container_inspect.txt")
    );
    insta::assert_json_snapshot!("image_inspect", decode::<ImageInspect>("image_inspect.txt"));
    insta::assert_json_snapshot!(
        "network_inspect",
        decode::<NetworkInspect>("network_inspect.txt")
    );
    insta::assert_json_snapshot!(
        "event_kill",
        decode_stream::<EventMessage>("events_since_until_v1.41.txt")[0]
    );
    insta::assert_json_snapshot!(
        "stats_oneshot",
        decode::<ContainerStats>("stats_oneshot.txt")
    );
}
