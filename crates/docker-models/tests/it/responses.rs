//! The smaller answers: lists, create/wait/prune results, progress, df, volumes.

use docker_models::{
    ContainerCreateResponse, ContainerPruneResponse, ContainerStats, ContainerWaitResponse,
    ImageHistoryItem, ImagePruneResponse, ImageSummary, NetworkCreateResponse,
    NetworkPruneResponse, ProgressMessage, SystemDf, Volume, VolumeListResponse,
    VolumePruneResponse,
};
use serde::de::DeserializeOwned;

fn from<T: DeserializeOwned>(json: &str) -> T {
    serde_json::from_str(json).unwrap_or_else(|e| panic!("{json}: {e}"))
}

#[test]
fn empty_objects_decode_to_defaults() {
    fn check<T: DeserializeOwned + Default + PartialEq + std::fmt::Debug>() {
        assert_eq!(
            from::<T>("{}"),
            T::default(),
            "{}",
            std::any::type_name::<T>()
        );
    }
    check::<ImageSummary>();
    check::<ImageHistoryItem>();
    check::<Volume>();
    check::<VolumeListResponse>();
    check::<NetworkCreateResponse>();
    check::<ContainerCreateResponse>();
    check::<ContainerWaitResponse>();
    check::<ContainerPruneResponse>();
    check::<ImagePruneResponse>();
    check::<VolumePruneResponse>();
    check::<NetworkPruneResponse>();
    check::<SystemDf>();
    check::<ContainerStats>();
    check::<ProgressMessage>();
    check::<docker_models::ExecInspect>();
    check::<docker_models::ContainerCreateConfig>();
    check::<docker_models::AuthConfig>();
}

#[test]
fn image_list_decodes_old_and_new_shapes() {
    let old: Vec<ImageSummary> = from(
        r#"[{"Containers":-1,"Created":1795863458,"Id":"sha256:74b4","Labels":null,"ParentId":"",
             "RepoDigests":null,"RepoTags":["bb:latest"],"SharedSize":-1,"Size":1982256,"VirtualSize":1982256}]"#,
    );
    assert_eq!(old[0].virtual_size, Some(1_982_256));
    assert!(old[0].repo_digests.is_empty());
    let new: Vec<ImageSummary> = from(
        r#"[{"Containers":0,"Created":1795863458,"Id":"sha256:74b4","Labels":{},"ParentId":"",
             "RepoDigests":[],"RepoTags":[],"SharedSize":-1,"Size":1982256,
             "Descriptor":{"mediaType":"x"},"Manifests":[{"ID":"sha256:1"}]}]"#,
    );
    assert_eq!(new[0].virtual_size, None);
}

#[test]
fn volume_list_and_usage_decode() {
    let list: VolumeListResponse = from(
        r#"{"Volumes":[{"Name":"data","Driver":"local","Mountpoint":"/v/data/_data",
            "CreatedAt":"2026-11-28T11:00:00Z","Labels":{"a":"b"},"Scope":"local",
            "Options":null,"UsageData":{"Size":-1,"RefCount":2},"Status":{"x":1}}],"Warnings":null}"#,
    );
    let v = &list.volumes[0];
    assert_eq!(v.mountpoint, "/v/data/_data");
    assert_eq!(v.labels["a"], "b");
    assert_eq!(
        v.usage_data.as_ref().map(|u| (u.size, u.ref_count)),
        Some((-1, 2))
    );
    assert_eq!(v.status["x"], 1);
    assert!(list.warnings.is_empty());
    let none: VolumeListResponse = from(r#"{"Volumes":null,"Warnings":["w"]}"#);
    assert!(none.volumes.is_empty());
}

#[test]
fn create_and_wait_answers_decode() {
    let c: ContainerCreateResponse = from(r#"{"Id":"e90e","Warnings":["low memory"]}"#);
    assert_eq!((c.id.as_str(), c.warnings.len()), ("e90e", 1));
    let n: NetworkCreateResponse = from(r#"{"Id":"f903","Warning":""}"#);
    assert_eq!(n.id, "f903");
    let w: ContainerWaitResponse = from(r#"{"StatusCode":3,"Error":{"Message":"boom"}}"#);
    assert_eq!(w.status_code, 3);
    assert_eq!(w.error.unwrap().message, "boom");
    let w: ContainerWaitResponse = from(r#"{"StatusCode":0}"#);
    assert!(w.error.is_none());
}

#[test]
fn prune_answers_decode_nulls_as_empty() {
    let c: ContainerPruneResponse =
        from(r#"{"ContainersDeleted":["a","b"],"SpaceReclaimed":1024}"#);
    assert_eq!((c.containers_deleted.len(), c.space_reclaimed), (2, 1024));
    let i: ImagePruneResponse = from(
        r#"{"ImagesDeleted":[{"Untagged":"bb:latest"},{"Deleted":"sha256:74b4"}],"SpaceReclaimed":1982256}"#,
    );
    assert_eq!(i.images_deleted[0].untagged, "bb:latest");
    assert_eq!(i.images_deleted[1].deleted, "sha256:74b4");
    let i: ImagePruneResponse = from(r#"{"ImagesDeleted":null,"SpaceReclaimed":0}"#);
    assert!(i.images_deleted.is_empty());
    let v: VolumePruneResponse = from(r#"{"VolumesDeleted":null,"SpaceReclaimed":0}"#);
    assert!(v.volumes_deleted.is_empty());
    let n: NetworkPruneResponse = from(r#"{"NetworksDeleted":["research-net"]}"#);
    assert_eq!(n.networks_deleted, ["research-net"]);
}

#[test]
fn history_items_decode() {
    let h: Vec<ImageHistoryItem> = from(
        r#"[{"Comment":"Imported from -","Created":1795863458,"CreatedBy":"","Id":"sha256:74b4",
             "Size":1982256,"Tags":["bb:latest"]},{"Id":"<missing>","Tags":null}]"#,
    );
    assert_eq!(h[0].tags, ["bb:latest"]);
    assert!(h[1].tags.is_empty());
}

#[test]
fn system_df_decodes_nested_lists() {
    let df: SystemDf = from(
        r#"{"LayersSize":100,"Images":null,"Containers":[{"Id":"c1","SizeRw":5,"SizeRootFs":10}],
            "Volumes":[{"Name":"v","UsageData":{"Size":7,"RefCount":1}}],
            "BuildCache":[{"ID":"b1","Parent":"p","Type":"regular","InUse":false,"Shared":true,
                           "Size":9,"CreatedAt":"x","LastUsedAt":null,"UsageCount":3}]}"#,
    );
    assert!(df.images.is_empty());
    assert_eq!(df.containers[0].size_rw, Some(5));
    assert_eq!(df.volumes[0].usage_data.as_ref().unwrap().size, 7);
    assert_eq!(df.build_cache[0].parent, "p");
    assert!(df.build_cache[0].shared);
}

#[test]
fn progress_errors_and_details_decode() {
    let m: ProgressMessage = from(
        r#"{"status":"Downloading","id":"4c89","progressDetail":{"current":512,"total":2048},"progress":"[=> ]"}"#,
    );
    assert_eq!(
        m.progress_detail.as_ref().map(|d| (d.current, d.total)),
        Some((512, 2048))
    );
    assert_eq!(m.to_string(), "4c89: Downloading [=> ]");
    let e: ProgressMessage = from(
        r#"{"errorDetail":{"code":1,"message":"manifest unknown"},"error":"manifest unknown"}"#,
    );
    assert_eq!(e.error_message(), Some("manifest unknown"));
    assert_eq!(e.error_detail.as_ref().unwrap().code, 1);
    assert_eq!(e.to_string(), "error: manifest unknown");
    let legacy: ProgressMessage = from(r#"{"error":"old style"}"#);
    assert_eq!(legacy.error_message(), Some("old style"));
    let aux: ProgressMessage = from(r#"{"aux":{"ID":"sha256:ab"}}"#);
    assert_eq!(aux.aux.unwrap()["ID"], "sha256:ab");
    let json = serde_json::to_value(ProgressMessage::default()).unwrap();
    assert_eq!(json, serde_json::json!({}));
}

#[test]
fn stats_decode_cgroup_v2_and_networks() {
    let s: ContainerStats = from(
        r#"{"read":"r","preread":"p","pids_stats":{"current":3,"limit":18446744073709551615},
            "blkio_stats":{"io_service_bytes_recursive":[{"major":8,"minor":0,"op":"read","value":4096}],
                           "io_serviced_recursive":null},
            "cpu_stats":{"cpu_usage":{"total_usage":400,"usage_in_kernelmode":1,"usage_in_usermode":2},
                         "system_cpu_usage":3000,"online_cpus":4,"throttling_data":{"periods":0}},
            "precpu_stats":{"cpu_usage":{"total_usage":100},"system_cpu_usage":1000,"online_cpus":4},
            "memory_stats":{"usage":1000,"stats":{"anon":500,"inactive_file":300},"limit":9000},
            "networks":{"eth0":{"rx_bytes":10,"tx_bytes":20},"eth1":null}}"#,
    );
    assert_eq!(s.pids_stats.limit, u64::MAX);
    assert_eq!(s.blkio_stats.io_service_bytes_recursive[0].value, 4096);
    assert!(s.blkio_stats.io_serviced_recursive.is_empty());
    assert_eq!(s.cpu_percent(), Some(60.0));
    assert_eq!(s.memory_stats.usage_without_cache(), 700);
    assert_eq!(s.networks["eth0"].tx_bytes, 20);
    assert_eq!(s.networks["eth1"], Default::default());
}
