//! The one-line `Display` summaries, on the recorded answers of `fixtures/docker-20.10`.

use docker_models::{
    ContainerInspect, ContainerSummary, ContainerTop, EventActor, EventMessage, ImageInspect,
    NetworkInspect, NetworkSettings, SystemInfo,
};

use crate::support::{decode, decode_stream};

#[test]
fn system_info_one_liner() {
    let info: SystemInfo = decode("docker-20.10/info");
    assert_eq!(
        info.to_string(),
        "host (ID O3IB:QRZ3:KTA3:URX2:CVSI:2NK2:KPIX:G5WZ:DIYS:CQZU:M3E7:V2ZV): engine \
         20.10.24+dfsg1 on Debian GNU/Linux 12 (bookworm) (linux/x86_64, kernel \
         6.18.44-fc-v782), 2 CPUs, 0/0 containers running, 0 images"
    );
    // The recording normalises the counters to zero; which is which:
    let busy = SystemInfo {
        containers: 2,
        containers_running: 1,
        images: 3,
        ..info
    };
    assert!(
        busy.to_string()
            .ends_with(", 2 CPUs, 1/2 containers running, 3 images"),
        "{busy}"
    );
}

#[test]
fn container_summary_one_liner() {
    let list: Vec<ContainerSummary> = decode("docker-20.10/list_containers");
    assert_eq!(
        list[2].to_string(),
        "444444444444 dkr-fx-main bb:latest running (Up 2 seconds)"
    );
    assert_eq!(ContainerSummary::default().to_string(), " -   ()");
}

#[test]
fn container_inspect_one_liner() {
    let c: ContainerInspect = decode("docker-20.10/inspect_container");
    assert_eq!(
        c.to_string(),
        "/dkr-fx-main 111111111111 running pid 1001 started 2020-01-01T00:00:02.000000000Z \
         image 222222222222 cmd [sh -c echo hi > /created; trap 'exit 3' TERM; sleep 3600 & \
         wait] ip - networks [bridge]"
    );
}

#[test]
fn network_settings_one_liner() {
    let ns: NetworkSettings = serde_json::from_str(
        r#"{"IPAddress":"172.17.0.2","IPPrefixLen":16,
            "Ports":{"22/tcp":[{"HostIp":"0.0.0.0","HostPort":"8888"}],"80/tcp":null},
            "Networks":{"bridge":{"IPAddress":"172.17.0.2"},"none":{}}}"#,
    )
    .unwrap();
    assert_eq!(
        ns.to_string(),
        "ip 172.17.0.2/16 ports [22/tcp->0.0.0.0:8888 80/tcp] networks [bridge=172.17.0.2 none]"
    );
    assert_eq!(
        NetworkSettings::default().to_string(),
        "ip - ports [] networks []"
    );
}

#[test]
fn event_and_actor_one_liners() {
    let events: Vec<EventMessage> = decode_stream("docker-20.10/events");
    let kill = events.iter().find(|e| e.action == "kill").unwrap();
    assert_eq!(
        kill.to_string(),
        "1577836832.000000000 container kill \
         1111111111111111111111111111111111111111111111111111111111111111 \
         (dkr-fixture=1, image=bb:latest, name=dkr-fx-main, signal=15)"
    );
    let actor = EventActor {
        id: "abc".into(),
        ..Default::default()
    };
    assert_eq!(actor.to_string(), "abc");
    let legacy: EventMessage =
        serde_json::from_str(r#"{"status":"die","id":"abc","time":5}"#).unwrap();
    assert_eq!(legacy.to_string(), "5.000000000  die abc");
}

#[test]
fn image_inspect_one_liner_never_panics_on_empty_tags() {
    let img: ImageInspect = decode("docker-20.10/inspect_image");
    assert_eq!(
        img.to_string(),
        "bb:latest 111111111111 1982256 bytes linux/amd64"
    );
    let untagged = ImageInspect {
        repo_tags: vec![],
        ..img
    };
    assert_eq!(
        untagged.to_string(),
        "<none> 111111111111 1982256 bytes linux/amd64"
    );
    assert_eq!(ImageInspect::default().to_string(), "<none>  0 bytes /");
}

#[test]
fn network_inspect_one_liner() {
    let list: Vec<NetworkInspect> = decode("docker-20.10/list_networks");
    assert_eq!(
        list[0].to_string(),
        "dkr-fx-net 111111111111 bridge local subnets [172.17.0.0/16]"
    );
    let host: NetworkInspect = decode("docker-20.10/inspect_network");
    assert_eq!(host.to_string(), "host 111111111111 host local subnets []");
}

#[test]
fn top_and_process_one_liners() {
    let top: ContainerTop = decode("docker-20.10/container_top_o_cgroup");
    assert_eq!(
        top.to_string(),
        "2 processes [PID PPID USER CGROUP COMMAND]"
    );
    let e = &top.entries().unwrap()[1];
    let cgroup = e.cgroup.as_deref().unwrap();
    assert_eq!(
        e.to_string(),
        format!("pid 1003 ppid 1001 user root cgroup {cgroup}: sleep 3600")
    );
    assert!(
        cgroup.starts_with("9:name=systemd:/docker/1111"),
        "{cgroup}"
    );
    let aux: ContainerTop = decode("docker-20.10/container_top_aux");
    assert_eq!(
        aux.entries().unwrap()[1].to_string(),
        "pid 1002 user root: sleep 3600"
    );
}
