//! `ContainerTop::entries` over every title layout, and its typed errors.

use docker_models::{ContainerTop, ProcessEntry, TopError};
use proptest::prelude::*;

fn top(titles: &[&str], rows: &[&[&str]]) -> ContainerTop {
    ContainerTop {
        titles: titles.iter().map(|s| s.to_string()).collect(),
        processes: rows
            .iter()
            .map(|r| r.iter().map(|s| s.to_string()).collect())
            .collect(),
        ..Default::default()
    }
}

#[test]
fn ef_layout_reads_uid_pid_ppid_and_cmd() {
    let t = top(
        &["UID", "PID", "PPID", "C", "STIME", "TTY", "TIME", "CMD"],
        &[
            &[
                "root",
                "10104",
                "10082",
                "0",
                "11:03",
                "?",
                "00:00:00",
                "sleep 3600",
            ],
            &[
                "1000",
                "10200",
                "10104",
                "0",
                "11:04",
                "?",
                "00:00:00",
                "sh -c true",
            ],
        ],
    );
    let e = t.entries().unwrap();
    assert_eq!(
        e,
        [
            ProcessEntry {
                user: "root".into(),
                command: "sleep 3600".into(),
                pid: 10104,
                ppid: Some(10082),
                cgroup: None,
            },
            ProcessEntry {
                user: "1000".into(),
                command: "sh -c true".into(),
                pid: 10200,
                ppid: Some(10104),
                cgroup: None,
            },
        ]
    );
}

#[test]
fn aux_layout_reads_user_and_command_without_ppid() {
    let t = top(
        &[
            "USER", "PID", "%CPU", "%MEM", "VSZ", "RSS", "TTY", "STAT", "START", "TIME", "COMMAND",
        ],
        &[&[
            "root",
            "10104",
            "0.0",
            "0.0",
            "2268",
            "1380",
            "?",
            "Ss",
            "11:03",
            "0:00",
            "sleep 3600",
        ]],
    );
    let e = &t.entries().unwrap()[0];
    assert_eq!(
        (e.user.as_str(), e.pid, e.ppid, e.command.as_str()),
        ("root", 10104, None, "sleep 3600")
    );
    assert_eq!(e.cgroup, None);
}

#[test]
fn custom_o_layout_reads_cgroup_only_when_present() {
    let t = top(
        &["PID", "PPID", "USER", "CGROUP", "COMMAND"],
        &[&[
            "10104",
            "10082",
            "root",
            "9:name=systemd:/docker/1cd7",
            "sleep 3600",
        ]],
    );
    let e = &t.entries().unwrap()[0];
    assert_eq!(e.cgroup.as_deref(), Some("9:name=systemd:/docker/1cd7"));
    assert_eq!(e.ppid, Some(10082));

    let args = top(&["PID", "ARGS"], &[&["7", "/bin/app --flag"]]);
    let e = &args.entries().unwrap()[0];
    assert_eq!(
        (e.pid, e.command.as_str(), e.user.as_str()),
        (7, "/bin/app --flag", "")
    );
}

#[test]
fn mac_layout_has_no_ppid() {
    let t = top(
        &["PID", "USER", "TIME", "COMMAND"],
        &[&["1", "root", "0:00", "/bin/sh"]],
    );
    let e = &t.entries().unwrap()[0];
    assert_eq!(
        (e.pid, e.ppid, e.user.as_str(), e.command.as_str()),
        (1, None, "root", "/bin/sh")
    );
}

#[test]
fn titles_match_case_insensitively_and_trimmed() {
    let t = top(&[" pid ", "Ppid", "cmd"], &[&["5", "1", "x"]]);
    let e = &t.entries().unwrap()[0];
    assert_eq!((e.pid, e.ppid, e.command.as_str()), (5, Some(1), "x"));
}

#[test]
fn no_rows_give_no_entries() {
    assert_eq!(top(&["PID"], &[]).entries().unwrap(), []);
}

#[test]
fn missing_pid_column_is_a_typed_error() {
    let t = top(&["UID", "CMD"], &[&["root", "sh"]]);
    assert_eq!(
        t.entries(),
        Err(TopError::MissingPidColumn {
            titles: vec!["UID".into(), "CMD".into()]
        })
    );
    assert_eq!(
        ContainerTop::default().entries(),
        Err(TopError::MissingPidColumn { titles: vec![] })
    );
}

#[test]
fn short_row_is_a_typed_error_not_a_panic() {
    let t = top(
        &["UID", "PID", "PPID", "CMD"],
        &[&["root", "1", "0", "init"], &["root", "2"]],
    );
    assert_eq!(
        t.entries(),
        Err(TopError::ShortRow {
            row: 1,
            expected: 4,
            found: 2
        })
    );
    let empty_row = top(&["PID"], &[&[]]);
    assert_eq!(
        empty_row.entries(),
        Err(TopError::ShortRow {
            row: 0,
            expected: 1,
            found: 0
        })
    );
}

#[test]
fn longer_rows_are_accepted() {
    let t = top(&["PID", "CMD"], &[&["3", "sh", "extra"]]);
    assert_eq!(t.entries().unwrap()[0].command, "sh");
}

#[test]
fn non_numeric_pid_or_ppid_is_a_typed_error() {
    let t = top(&["UID", "PID", "CMD"], &[&["root", "abc", "sh"]]);
    assert_eq!(
        t.entries(),
        Err(TopError::InvalidNumber {
            column: "PID".into(),
            row: 0,
            value: "abc".into()
        })
    );
    let t = top(&["PID", "PPID"], &[&["1", "0"], &["2", "-1"]]);
    assert_eq!(
        t.entries(),
        Err(TopError::InvalidNumber {
            column: "PPID".into(),
            row: 1,
            value: "-1".into()
        })
    );
}

#[test]
fn top_errors_display_and_are_std_errors() {
    let e: Box<dyn std::error::Error> = Box::new(TopError::ShortRow {
        row: 3,
        expected: 8,
        found: 2,
    });
    assert_eq!(
        e.to_string(),
        "top row 3 has 2 columns, expected 8 (one per title)"
    );
    let e = TopError::InvalidNumber {
        column: "PID".into(),
        row: 0,
        value: "x".into(),
    };
    assert_eq!(e.to_string(), "top row 0: PID \"x\" is not a valid number");
    let e = TopError::MissingPidColumn {
        titles: vec!["CMD".into()],
    };
    assert_eq!(e.to_string(), "no PID column in top titles [\"CMD\"]");
}

fn cell() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("PID".to_string()),
        Just("PPID".to_string()),
        Just("USER".to_string()),
        Just("UID".to_string()),
        Just("CGROUP".to_string()),
        Just("CMD".to_string()),
        Just("COMMAND".to_string()),
        "[0-9]{1,25}",
        "-?[0-9]{1,3}",
        ".{0,6}",
    ]
}

proptest! {
    #[test]
    fn entries_never_panic_on_arbitrary_tables(
        titles in prop::collection::vec(cell(), 0..8),
        processes in prop::collection::vec(prop::collection::vec(cell(), 0..10), 0..6),
    ) {
        let t = ContainerTop { titles, processes, ..Default::default() };
        match t.entries() {
            Ok(entries) => prop_assert_eq!(entries.len(), t.processes.len()),
            Err(e) => prop_assert!(!e.to_string().is_empty()),
        }
    }
}
