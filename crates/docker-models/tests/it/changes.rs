//! `ChangeKind` on the wire: the integers 0, 1, 2 (and unknown ones).

use docker_models::{ChangeKind, FileChange};

#[test]
fn change_kind_wire_integers_round_trip() {
    for (n, kind) in [
        (0u8, ChangeKind::Modified),
        (1, ChangeKind::Added),
        (2, ChangeKind::Deleted),
    ] {
        assert_eq!(serde_json::to_string(&kind).unwrap(), n.to_string());
        assert_eq!(
            serde_json::from_str::<ChangeKind>(&n.to_string()).unwrap(),
            kind
        );
        assert_eq!(ChangeKind::from_code(n), kind);
        assert_eq!(kind.code(), n);
    }
}

#[test]
fn unknown_change_kind_does_not_fail_the_list() {
    let diff: Vec<FileChange> =
        serde_json::from_str(r#"[{"Path":"/a","Kind":1},{"Path":"/b","Kind":9}]"#).unwrap();
    assert_eq!(diff[1].kind, ChangeKind::Unknown(9));
    assert_eq!(diff[1].to_string(), "? /b");
    assert_eq!(
        serde_json::to_string(&diff).unwrap(),
        r#"[{"Path":"/a","Kind":1},{"Path":"/b","Kind":9}]"#
    );
}

#[test]
fn change_kind_outside_uint8_is_an_error() {
    assert!(serde_json::from_str::<ChangeKind>("256").is_err());
    assert!(serde_json::from_str::<ChangeKind>("-1").is_err());
    assert!(serde_json::from_str::<ChangeKind>("\"A\"").is_err());
}

#[test]
fn null_or_absent_kind_is_modified() {
    let c: FileChange = serde_json::from_str(r#"{"Path":"/x","Kind":null}"#).unwrap();
    assert_eq!(c.kind, ChangeKind::Modified);
    let c: FileChange = serde_json::from_str(r#"{"Path":"/x"}"#).unwrap();
    assert_eq!(c.kind, ChangeKind::Modified);
}

#[test]
fn file_change_displays_like_docker_diff() {
    let line = |kind| {
        FileChange {
            path: "/etc/hosts".into(),
            kind,
            ..Default::default()
        }
        .to_string()
    };
    assert_eq!(line(ChangeKind::Modified), "C /etc/hosts");
    assert_eq!(line(ChangeKind::Added), "A /etc/hosts");
    assert_eq!(line(ChangeKind::Deleted), "D /etc/hosts");
}
