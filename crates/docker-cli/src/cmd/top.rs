//! `dkr top`: a container's processes, as `docker top` shows them.

use std::io::{self, Write};

use docker_client::blocking::Client;
use docker_models::ContainerTop;

use super::View;
use crate::args::TopArgs;
use crate::error::Failure;
use crate::text::{self, Table};

/// The ps arguments of `--cgroup` when none are given.
pub const CGROUP_PS_ARGS: &str = "-o pid,ppid,user,cgroup:512,args";

/// The column `--cgroup` adds.
const CGROUP_COLUMN: &str = "cgroup:512";

/// Columns that may hold spaces; the engine splits `ps` lines on whitespace and lets only
/// the last column keep its spaces, so the cgroup column goes before these.
const COMMAND_COLUMNS: &[&str] = &["args", "cmd", "command", "comm", "ucmd", "ucomm", "lstart"];

/// The `ps_args` to send: the given arguments joined with spaces (as docker sends them),
/// with the cgroup column added for `--cgroup`. `None` lets the engine use `-ef`.
///
/// ```
/// use dkr::cmd::top::ps_args;
/// let s = |v: &[&str]| v.iter().map(|a| a.to_string()).collect::<Vec<_>>();
/// assert_eq!(ps_args(&[], false), None);
/// assert_eq!(ps_args(&s(&["aux"]), false).as_deref(), Some("aux"));
/// assert_eq!(ps_args(&[], true).as_deref(), Some("-o pid,ppid,user,cgroup:512,args"));
/// assert_eq!(
///     ps_args(&s(&["-o", "pid,comm"]), true).as_deref(),
///     Some("-o pid,cgroup:512,comm")
/// );
/// ```
pub fn ps_args(args: &[String], cgroup: bool) -> Option<String> {
    if !cgroup {
        return match args.is_empty() {
            true => None,
            false => Some(args.join(" ")),
        };
    }
    if args.is_empty() {
        return Some(CGROUP_PS_ARGS.to_owned());
    }
    let mut args: Vec<String> = args.to_vec();
    // Where the format lists are: (index of the argument, byte offset of the list in it).
    let mut lists = Vec::new();
    let mut i = 0;
    while i < args.len() {
        let a = args[i].as_str();
        if matches!(a, "-o" | "o" | "--format" | "-O" | "O") {
            if i + 1 < args.len() {
                lists.push((i + 1, 0));
            }
            i += 2;
            continue;
        }
        if a.starts_with("--format=") {
            lists.push((i, "--format=".len()));
        } else if a.len() > 2 && (a.starts_with("-o") || a.starts_with("-O")) {
            lists.push((i, 2));
        }
        i += 1;
    }
    if lists.is_empty() {
        // A fixed format (-e, aux...): ask for our own columns as well.
        args.push(CGROUP_PS_ARGS.to_owned());
        return Some(args.join(" "));
    }
    // Put the column before the first command-like column, else at the end of the last
    // list.
    for &(arg, offset) in &lists {
        let list = &args[arg][offset..];
        let mut columns: Vec<&str> = list.split(',').collect();
        let name = |c: &str| {
            c.split([':', '='])
                .next()
                .unwrap_or("")
                .to_ascii_lowercase()
        };
        if let Some(pos) = columns
            .iter()
            .position(|c| COMMAND_COLUMNS.contains(&name(c).as_str()))
        {
            columns.insert(pos, CGROUP_COLUMN);
            let new = format!("{}{}", &args[arg][..offset], columns.join(","));
            args[arg] = new;
            return Some(args.join(" "));
        }
    }
    if let Some(&(arg, _)) = lists.last() {
        args[arg].push(',');
        args[arg].push_str(CGROUP_COLUMN);
    }
    Some(args.join(" "))
}

/// Fetches the process table and writes it.
pub fn run(
    client: &Client,
    args: &TopArgs,
    view: &View,
    out: &mut dyn Write,
) -> Result<(), Failure> {
    let mut ps = args.ps_args.clone();
    let mut cgroup = args.cgroup;
    // `dkr top web --cgroup` means the flag, not a ps argument.
    if let Some(i) = ps.iter().position(|a| a == "--cgroup") {
        ps.remove(i);
        cgroup = true;
    }
    let top = client.top_container(&args.container, ps_args(&ps, cgroup).as_deref())?;
    render(&top, view, out)?;
    Ok(())
}

/// The engine's titles and rows aligned like `docker top` (minimum width 20, padding 3),
/// or the model as JSON.
pub fn render(top: &ContainerTop, view: &View, out: &mut dyn Write) -> io::Result<()> {
    if view.is_json() {
        return text::write_json_pretty(out, top);
    }
    let mut table = Table::new(20, 3);
    table.row(&top.titles);
    for row in &top.processes {
        table.row(row);
    }
    table.write_to(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(v: &[&str]) -> Vec<String> {
        v.iter().map(|a| a.to_string()).collect()
    }

    #[test]
    fn cgroup_goes_before_the_command_column() {
        let cases: &[(&[&str], &str)] = &[
            (&["-o", "pid,args"], "-o pid,cgroup:512,args"),
            (&["-o", "pid,user"], "-o pid,user,cgroup:512"),
            (&["-opid,cmd"], "-opid,cgroup:512,cmd"),
            (&["--format=pid,COMMAND"], "--format=pid,cgroup:512,COMMAND"),
            (&["o", "pid,comm"], "o pid,cgroup:512,comm"),
            (
                &["-e", "-o", "pid", "-o", "args"],
                "-e -o pid -o cgroup:512,args",
            ),
            (
                &["-e", "-o", "pid", "-o", "user"],
                "-e -o pid -o user,cgroup:512",
            ),
            (&["-o", "pid,args:40"], "-o pid,cgroup:512,args:40"),
            (&["-e"], "-e -o pid,ppid,user,cgroup:512,args"),
            (&["-o"], "-o -o pid,ppid,user,cgroup:512,args"),
        ];
        for (given, want) in cases {
            assert_eq!(
                ps_args(&s(given), true).as_deref(),
                Some(*want),
                "{given:?}"
            );
        }
    }

    #[test]
    fn without_cgroup_the_arguments_pass_through() {
        assert_eq!(
            ps_args(&s(&["-o", "pid,args"]), false).as_deref(),
            Some("-o pid,args")
        );
        assert_eq!(ps_args(&[], false), None);
    }
}
