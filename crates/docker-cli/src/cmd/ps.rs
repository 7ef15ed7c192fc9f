//! `dkr ps`: the container list, as `docker ps` shows it.

use std::io::{self, Write};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use docker_client::blocking::Client;
use docker_client::ListContainersOptions;
use docker_models::ContainerSummary;

use super::View;
use crate::args::PsArgs;
use crate::error::Failure;
use crate::text::{self, Table};
use crate::time;

/// The list options for the arguments.
pub fn options(args: &PsArgs) -> ListContainersOptions {
    let mut opts = ListContainersOptions::default().all(args.all);
    let last = match (args.last, args.latest) {
        (Some(n), _) => Some(n),
        (None, true) => Some(1),
        (None, false) => None,
    };
    if let Some(n) = last {
        opts = opts.limit(n);
    }
    for (k, v) in &args.filters {
        opts = opts.filter(k, v);
    }
    opts
}

/// Lists the containers and writes them.
pub fn run(
    client: &Client,
    args: &PsArgs,
    view: &View,
    now: SystemTime,
    out: &mut dyn Write,
) -> Result<(), Failure> {
    let list = client.list_containers(&options(args))?;
    if args.quiet {
        write_ids(&list, view, out)?;
    } else {
        render(&list, view, now, out)?;
    }
    Ok(())
}

/// One ID per line (`ps -q`): short, or full with `--no-trunc`.
pub fn write_ids(list: &[ContainerSummary], view: &View, out: &mut dyn Write) -> io::Result<()> {
    for c in list {
        writeln!(out, "{}", text::id(&c.id, view.trunc))?;
    }
    Ok(())
}

/// The table of `docker ps`, or the list as JSON.
pub fn render(
    list: &[ContainerSummary],
    view: &View,
    now: SystemTime,
    out: &mut dyn Write,
) -> io::Result<()> {
    if view.is_json() {
        return text::write_json_pretty(out, list);
    }
    let mut table = Table::docker();
    table.row([
        "CONTAINER ID",
        "IMAGE",
        "COMMAND",
        "CREATED",
        "STATUS",
        "PORTS",
        "NAMES",
    ]);
    for c in list {
        table.row([
            text::id(&c.id, view.trunc).to_owned(),
            image(c, view.trunc),
            command(&c.command, view.trunc),
            created(c.created, now),
            c.status.clone(),
            text::display_ports(&c.ports),
            names(&c.names, view.trunc),
        ]);
    }
    table.write_to(out)
}

/// The COMMAND column: quoted like Go, cut to 20 columns with `…` unless `--no-trunc`.
pub fn command(command: &str, trunc: bool) -> String {
    if trunc {
        text::go_quote(&text::ellipsis(command, 20))
    } else {
        text::go_quote(command)
    }
}

/// The CREATED column: `5 minutes ago`.
pub fn created(created_unix: i64, now: SystemTime) -> String {
    let then = UNIX_EPOCH
        .checked_add(Duration::from_secs(created_unix.max(0).unsigned_abs()))
        .unwrap_or(now);
    format!("{} ago", time::human_duration(time::since(now, then)))
}

/// The NAMES column: with truncation the first name that is not a legacy link alias,
/// else every name joined with commas; the leading `/` dropped.
pub fn names(names: &[String], trunc: bool) -> String {
    let stripped = names.iter().map(|n| n.strip_prefix('/').unwrap_or(n));
    if trunc {
        stripped
            .clone()
            .find(|n| !n.contains('/'))
            .unwrap_or_default()
            .to_owned()
    } else {
        stripped.collect::<Vec<_>>().join(",")
    }
}

/// The IMAGE column: a short ID when the container was made from an ID, the reference
/// without its digest and in its familiar form (`docker.io/library/` dropped) otherwise.
pub fn image(c: &ContainerSummary, trunc: bool) -> String {
    if c.image.is_empty() {
        return "<no image>".into();
    }
    if !trunc {
        return c.image.clone();
    }
    let short = go_truncate_id(&c.image_id);
    if short == go_truncate_id(&c.image) {
        return short.to_owned();
    }
    let mut image = c.image.as_str();
    if let Some((name, _digest)) = image.split_once('@') {
        image = name;
    }
    familiar(image).to_owned()
}

/// The Docker CLI's `TruncateID`: the part after the first `:`, cut to 12 characters.
fn go_truncate_id(id: &str) -> &str {
    let id = id.split_once(':').map_or(id, |(_, rest)| rest);
    text::short_id(id)
}

/// A reference without the default registry and the `library/` namespace.
fn familiar(image: &str) -> &str {
    let rest = image
        .strip_prefix("docker.io/")
        .or_else(|| image.strip_prefix("index.docker.io/"));
    match rest {
        Some(rest) => match rest.strip_prefix("library/") {
            Some(name) if !name.contains('/') => name,
            _ => rest,
        },
        None => image,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn summary(image: &str, image_id: &str) -> ContainerSummary {
        ContainerSummary {
            image: image.into(),
            image_id: image_id.into(),
            ..ContainerSummary::default()
        }
    }

    #[test]
    fn image_column() {
        let id = "sha256:74b4c5814d470d989144bf828a15a2f4806629b36016b95f899819c048d47173";
        assert_eq!(image(&summary("bb:latest", id), true), "bb:latest");
        assert_eq!(image(&summary(id, id), true), "74b4c5814d47");
        assert_eq!(image(&summary("74b4c5814d47", id), true), "74b4c5814d47");
        assert_eq!(image(&summary("", id), true), "<no image>");
        assert_eq!(
            image(
                &summary("docker.io/library/busybox:1.36@sha256:abc", id),
                true
            ),
            "busybox:1.36"
        );
        assert_eq!(
            image(&summary("docker.io/me/app@sha256:abc", id), true),
            "me/app"
        );
        assert_eq!(
            image(&summary("docker.io/me/app@sha256:abc", id), false),
            "docker.io/me/app@sha256:abc"
        );
    }

    #[test]
    fn names_column() {
        let n = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(names(&n(&["/web"]), true), "web");
        assert_eq!(names(&n(&["/other/alias", "/web"]), true), "web");
        assert_eq!(
            names(&n(&["/other/alias", "/web"]), false),
            "other/alias,web"
        );
        assert_eq!(names(&n(&["/other/alias"]), true), "");
        assert_eq!(names(&[], true), "");
    }

    #[test]
    fn command_column() {
        assert_eq!(command("sleep 3600", true), "\"sleep 3600\"");
        assert_eq!(
            command("sh -c 'echo hi > /foo; rm /bin/touch'", true),
            "\"sh -c 'echo hi > /f…\""
        );
        assert_eq!(
            command("sh -c 'echo hi > /foo'", false),
            "\"sh -c 'echo hi > /foo'\""
        );
    }

    #[test]
    fn created_column() {
        let now = UNIX_EPOCH + Duration::from_secs(1_795_863_871);
        assert_eq!(created(1_795_863_815, now), "56 seconds ago");
        assert_eq!(created(1_795_863_871, now), "Less than a second ago");
        assert_eq!(created(1_795_863_999, now), "Less than a second ago");
        assert_eq!(created(-5, now), "56 years ago");
        assert_eq!(created(i64::MAX, now), "Less than a second ago");
    }
}
