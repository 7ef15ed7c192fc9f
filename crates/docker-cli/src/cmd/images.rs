//! `dkr images`: the local images, as `docker images` shows them.

use std::io::{self, Write};
use std::time::SystemTime;

use docker_client::blocking::Client;
use docker_client::ListImagesOptions;
use docker_models::ImageSummary;

use super::View;
use crate::args::ImagesArgs;
use crate::error::Failure;
use crate::text::{self, Table};

/// The list options for the arguments.
pub fn options(args: &ImagesArgs) -> ListImagesOptions {
    let mut opts = ListImagesOptions::default().all(args.all);
    if let Some(reference) = &args.reference {
        opts = opts.filter("reference", reference);
    }
    for (k, v) in &args.filters {
        opts = opts.filter(k, v);
    }
    opts
}

/// Lists the images and writes them.
pub fn run(
    client: &Client,
    args: &ImagesArgs,
    view: &View,
    now: SystemTime,
    out: &mut dyn Write,
) -> Result<(), Failure> {
    let list = client.list_images(&options(args))?;
    if args.quiet {
        write_ids(&list, view, out)?;
    } else {
        render(&list, view, now, out)?;
    }
    Ok(())
}

/// One row of the table: an image under one of its names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row<'a> {
    /// The repository, in its familiar form (`bb`, `127.0.0.1:5000/team/app`), or `<none>`.
    pub repository: String,
    /// The tag, or `<none>`.
    pub tag: String,
    /// The image.
    pub image: &'a ImageSummary,
}

/// The rows of `docker images`: one per repository and tag; an image known only by digest
/// gets one row per repository with the tag `<none>`; an image with no name at all one
/// row of `<none>`s. Within an image, rows are sorted by repository and tag (the Docker
/// CLI's order there is that of a Go map, which varies from run to run).
pub fn rows(list: &[ImageSummary]) -> Vec<Row<'_>> {
    let mut rows = Vec::new();
    for image in list {
        let mut tagged: Vec<(String, String)> = image
            .repo_tags
            .iter()
            .filter(|t| t.as_str() != "<none>:<none>")
            .filter_map(|t| split_tag(t))
            .map(|(repo, tag)| (familiar(repo).to_owned(), tag.to_owned()))
            .collect();
        let mut digested: Vec<String> = image
            .repo_digests
            .iter()
            .filter(|d| d.as_str() != "<none>@<none>")
            .filter_map(|d| d.split_once('@'))
            .map(|(repo, _)| familiar(repo).to_owned())
            .filter(|repo| !tagged.iter().any(|(r, _)| r == repo))
            .collect();
        tagged.sort();
        tagged.dedup();
        digested.sort();
        digested.dedup();
        if tagged.is_empty() && digested.is_empty() {
            rows.push(Row {
                repository: "<none>".into(),
                tag: "<none>".into(),
                image,
            });
            continue;
        }
        for (repository, tag) in tagged {
            rows.push(Row {
                repository,
                tag,
                image,
            });
        }
        for repository in digested {
            rows.push(Row {
                repository,
                tag: "<none>".into(),
                image,
            });
        }
    }
    rows
}

/// `repo:tag` split at the tag's colon (not a registry port's).
fn split_tag(reference: &str) -> Option<(&str, &str)> {
    let (repo, tag) = reference.rsplit_once(':')?;
    match tag.contains('/') {
        true => None,
        false => Some((repo, tag)),
    }
}

/// A repository without the default registry and the `library/` namespace.
fn familiar(repo: &str) -> &str {
    let rest = repo
        .strip_prefix("docker.io/")
        .or_else(|| repo.strip_prefix("index.docker.io/"));
    match rest {
        Some(rest) => match rest.strip_prefix("library/") {
            Some(name) if !name.contains('/') => name,
            _ => rest,
        },
        None => repo,
    }
}

/// The IMAGE ID column: the short ID, or the whole `sha256:...` with `--no-trunc`.
fn image_id(id: &str, trunc: bool) -> &str {
    match trunc {
        true => text::short_id(id),
        false => id,
    }
}

/// One ID per row (`images -q`), as docker prints them (an image with several names more
/// than once).
pub fn write_ids(list: &[ImageSummary], view: &View, out: &mut dyn Write) -> io::Result<()> {
    for row in rows(list) {
        writeln!(out, "{}", image_id(&row.image.id, view.trunc))?;
    }
    Ok(())
}

/// The table of `docker images`, or the list as JSON.
pub fn render(
    list: &[ImageSummary],
    view: &View,
    now: SystemTime,
    out: &mut dyn Write,
) -> io::Result<()> {
    if view.is_json() {
        return text::write_json_pretty(out, list);
    }
    let mut table = Table::docker();
    table.row(["REPOSITORY", "TAG", "IMAGE ID", "CREATED", "SIZE"]);
    for row in rows(list) {
        table.row([
            row.repository,
            row.tag,
            image_id(&row.image.id, view.trunc).to_owned(),
            super::ps::created(row.image.created, now),
            text::human_size(row.image.size as f64, 3),
        ]);
    }
    table.write_to(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn image(tags: &[&str], digests: &[&str]) -> ImageSummary {
        ImageSummary {
            id: "sha256:cd193a8c6e8b2dcfe0f81efb2a3a6097a4b1c2d36a7b87bb8c5bc8d12f0281bc".into(),
            repo_tags: tags.iter().map(|s| s.to_string()).collect(),
            repo_digests: digests.iter().map(|s| s.to_string()).collect(),
            ..ImageSummary::default()
        }
    }

    fn names(list: &[ImageSummary]) -> Vec<String> {
        rows(list)
            .into_iter()
            .map(|r| format!("{}:{}", r.repository, r.tag))
            .collect()
    }

    #[test]
    fn rows_per_name_like_docker_images() {
        let list = [
            image(&["docker.io/library/busybox:1.36", "me/app:v1"], &[]),
            image(
                &["127.0.0.1:5000/team/app:1.0"],
                &["127.0.0.1:5000/team/app@sha256:ab"],
            ),
            image(
                &[],
                &[
                    "127.0.0.1:5000/solo@sha256:cd",
                    "docker.io/library/x@sha256:ef",
                ],
            ),
            image(&[], &[]),
            image(&["<none>:<none>"], &["<none>@<none>"]),
        ];
        assert_eq!(
            names(&list),
            [
                "busybox:1.36",
                "me/app:v1",
                "127.0.0.1:5000/team/app:1.0",
                "127.0.0.1:5000/solo:<none>",
                "x:<none>",
                "<none>:<none>",
                "<none>:<none>",
            ]
        );
    }
}
