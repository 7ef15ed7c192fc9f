//! The one-line `Display` summaries, on the recorded captures.

use docker_models::{
    ContainerInspect, ContainerSummary, ContainerTop, EventActor, EventMessage, ImageInspect,
    NetworkInspect, NetworkSettings, SystemInfo,
};

use crate::support::{decode, decode_stream};

#[test]
fn system_info_one_liner() {
    let info: SystemInfo = decode("info.txt");
    assert_eq!(
        info.to_string(),
        "vm (ID OS3O:FV3E:QK7Y:MOXA:V4WV:DAF6:QLIA:L6NC:3XDG:BSRI:6OPV:UTE5): engine 20.10.24+dfsg1 \
         on Debian GNU/Linux 12 (bookworm) (linux/x86_64, kernel 6.18.44-fc-v657), 2 CPUs, \
         1/2 containers running, 1 images"
    );
}

#[test]
fn container_summary_one_liner() {
    let list: Vec<ContainerSummary> = decode("containers_json.txt");
    assert_eq!(
        list[0].to_string(),
        "1cd78d71f60d research-main bb:latest running (Up 55 seconds)"
    );
    assert_eq!(ContainerSummary::default().to_string(), " -   ()");
}

#[test]
fn container_inspect_one_liner() {
    let c: ContainerInspect = decode("container_inspect.txt");
    assert_eq!(
        c.to_string(),
        "/research-main 1cd78d71f60d running pid 10104 started 2026-11-28T11:03:35.996835815Z \
         image 74b4c5814d47 cmd [sh -c echo hi > /foo; rm /bin/touch; mkdir -p /root; \
         echo x > /root/.ash_history; exec sleep 3600] ip - networks [bridge]"
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
    let events: Vec<EventMessage> = decode_stream("events_since_until_v1.41.txt");
    assert_eq!(
        events[0].to_string(),
        "1795863893.397002825 container kill \
         1cd78d71f60d7e47f51b93ff3e12e3ea6d891a7442744a92ba7bed8e32377672 \
         (image=bb:latest, name=research-main, signal=15)"
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
    let img: ImageInspect = decode("image_inspect.txt");
    assert_eq!(
        img.to_string(),
        "bb:latest 74b4c5814d47 1982256 bytes linux/amd64"
    );
    let untagged = ImageInspect {
        repo_tags: vec![],
        ..img
    };
    assert_eq!(
        untagged.to_string(),
        "<none> 74b4c5814d47 1982256 bytes linux/amd64"
    );
    assert_eq!(ImageInspect::default().to_string(), "<none>  0 bytes /");
}

#[test]
fn network_inspect_one_liner() {
    let n: NetworkInspect = decode("network_inspect.txt");
    assert_eq!(
        n.to_string(),
        "research-net f903f5ca6e13 bridge local subnets [172.17.0.0/16]"
    );
}

#[test]
fn top_and_process_one_liners() {
    let top: ContainerTop = decode("top_ps_o.txt");
    assert_eq!(top.to_string(), "1 process [PID PPID USER CGROUP COMMAND]");
    let e = &top.entries().unwrap()[0];
    assert_eq!(
        e.to_string(),
        "pid 10104 ppid 10082 user root cgroup 9:name=systemd:/docker/1cd7: sleep 3600"
    );
    let aux: ContainerTop = decode("top_ps_aux.txt");
    assert_eq!(
        aux.entries().unwrap()[0].to_string(),
        "pid 10104 user root: sleep 3600"
    );
}
