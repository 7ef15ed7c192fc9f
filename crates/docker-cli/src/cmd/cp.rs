//! `dkr cp`: copies a file or a directory out of a container (the engine's tar, extracted
//! here) or into one (a tar made here, streamed to the engine), with `docker cp`'s rules
//! for where things land:
//!
//! | source | destination | result |
//! |---|---|---|
//! | a file | an existing directory | `DEST/NAME` |
//! | a file | anything else | `DEST` (created or overwritten; its parent must exist) |
//! | a directory | an existing directory | `DEST/NAME` (`SRC/.`: its contents into `DEST`) |
//! | a directory | a missing path | `DEST`, a copy of the directory |
//! | a directory | an existing file | an error |
//!
//! `-` as the local side is a tar stream on standard input or output.
//!
//! Extraction never writes outside the destination: entries with `..` or absolute paths
//! are refused, as is writing through a symbolic link that the archive itself placed.
//! Owners are not kept (files belong to whoever runs dkr, and, copied in, to the
//! container's root), as with docker without `-a`.

use std::fs::{self, File, OpenOptions};
use std::io::{self, Read, Write};
use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
use std::path::{Component, Path, PathBuf};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use docker_client::blocking::Client;
use docker_client::PathStat;

use crate::args::CpArgs;
use crate::error::Failure;
use crate::tar::{self, Kind};

/// One side of a copy.
#[derive(Debug, PartialEq, Eq)]
pub enum Location<'a> {
    /// A local path (`-` for standard input or output).
    Local(&'a str),
    /// A path in a container.
    Container {
        /// The container.
        container: &'a str,
        /// The path in it, made absolute.
        path: String,
    },
}

/// Reads an argument as docker does: a path that starts with `/` or `.` is local;
/// otherwise `NAME:PATH` is in a container (its path relative to the container's root).
pub fn location(arg: &str) -> Location<'_> {
    if arg.starts_with('/') || arg.starts_with('.') {
        return Location::Local(arg);
    }
    match arg.split_once(':') {
        Some((container, path)) if !container.is_empty() => Location::Container {
            container,
            path: match path.starts_with('/') {
                true => path.to_owned(),
                false => format!("/{path}"),
            },
        },
        _ => Location::Local(arg),
    }
}

/// Copies in the direction the arguments say.
pub fn run(
    client: &Client,
    args: &CpArgs,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Result<(), Failure> {
    match (location(&args.source), location(&args.dest)) {
        (Location::Container { container, path }, Location::Local(dest)) => {
            copy_out(client, container, &path, dest, out, err)
        }
        (Location::Local(source), Location::Container { container, path }) => {
            copy_in(client, source, container, &path, err)
        }
        (Location::Container { .. }, Location::Container { .. }) => Err(Failure::Usage(
            "copying between containers is not supported".into(),
        )),
        (Location::Local(_), Location::Local(_)) => Err(Failure::Usage(
            "one of SRC and DEST must be CONTAINER:PATH".into(),
        )),
    }
}

fn local_error(what: &str, path: &Path, e: io::Error) -> Failure {
    Failure::Other(format!("{what} {}: {e}", path.display()))
}

/// `dkr cp CONTAINER:SRC DEST`.
fn copy_out(
    client: &Client,
    container: &str,
    src: &str,
    dest: &str,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Result<(), Failure> {
    let (stat, mut body) = client.get_archive(container, src)?;
    if dest == "-" {
        io::copy(&mut body, out)?;
        return Ok(());
    }
    let (base, target) = out_target(&stat, src, dest)?;
    let mut reader = tar::Reader::new(body);
    extract(&mut reader, &base, &target, err)
}

/// Where a copy out lands: `(base, target)`, `base` being the directory the user named
/// (trusted as it is) and `target` what the archive's root becomes.
fn out_target(stat: &PathStat, src: &str, dest_arg: &str) -> Result<(PathBuf, PathBuf), Failure> {
    let dest = &std::path::absolute(dest_arg)
        .map_err(|e| Failure::Other(format!("cannot use the destination {dest_arg}: {e}")))?;
    let src_is_dir = stat.is_dir();
    // `/.` copies a directory's contents; so does `/` itself, which has no name to copy
    // it under.
    let contents_only = src.ends_with("/.") || src == "." || stat.name == "/";
    match fs::metadata(dest) {
        Ok(meta) if meta.is_dir() => match src_is_dir && contents_only {
            true => Ok((dest.to_owned(), dest.to_owned())),
            false => {
                let name = sanitized_name(&stat.name)?;
                Ok((dest.to_owned(), dest.join(name)))
            }
        },
        Ok(_) if src_is_dir => Err(Failure::Other(format!(
            "cannot copy a directory to the file {}",
            dest.display()
        ))),
        Ok(_) => Ok((parent(dest), dest.to_owned())),
        Err(e) if e.kind() == io::ErrorKind::NotFound => {
            if dest_arg.ends_with('/') && !src_is_dir {
                return Err(Failure::Other(format!(
                    "the destination directory {} does not exist",
                    dest.display()
                )));
            }
            let base = parent(dest);
            if !base.is_dir() {
                return Err(Failure::Other(format!(
                    "the destination's directory {} does not exist",
                    base.display()
                )));
            }
            Ok((base, dest.to_owned()))
        }
        Err(e) => Err(local_error("cannot read", dest, e)),
    }
}

/// The directory an absolute path is in (`/` for `/`).
fn parent(path: &Path) -> PathBuf {
    path.parent().unwrap_or(path).to_owned()
}

/// A base name from the engine, refused when it could name another place.
fn sanitized_name(name: &str) -> Result<&str, Failure> {
    match name.is_empty() || name == "." || name == ".." || name.contains('/') {
        true => Err(Failure::Other(format!(
            "the engine named the copied path {name:?}"
        ))),
        false => Ok(name),
    }
}

/// The path under `target` for an archive path: its first component (the archive's root:
/// `NAME`, `.`, or `/` in the engine's archive of a container's `/`) becomes `target`.
/// `None` for paths with `..` or other odd components: nothing maps outside `target`.
fn map_entry(target: &Path, archive_path: &str) -> Option<PathBuf> {
    // `components` keeps only a leading `.` or `/`, and drops empty and inner `.` parts.
    let mut components = Path::new(archive_path).components();
    match components.next() {
        Some(Component::Normal(_) | Component::CurDir | Component::RootDir) => {}
        _ => return None,
    }
    let mut path = target.to_owned();
    for c in components {
        match c {
            Component::Normal(part) => path.push(part),
            _ => return None,
        }
    }
    Some(path)
}

/// Refuses to write `path` when a directory between `base` and it is a symbolic link.
fn check_no_symlink_between(base: &Path, path: &Path) -> Result<(), Failure> {
    let Ok(below) = path.strip_prefix(base) else {
        return Err(Failure::Other(format!(
            "refusing to write {} outside {}",
            path.display(),
            base.display()
        )));
    };
    let mut current = base.to_owned();
    let parts: Vec<_> = below.components().collect();
    for part in parts.iter().take(parts.len().saturating_sub(1)) {
        current.push(part);
        if fs::symlink_metadata(&current).is_ok_and(|m| m.file_type().is_symlink()) {
            return Err(Failure::Other(format!(
                "refusing to write {} through the symbolic link {}",
                path.display(),
                current.display()
            )));
        }
    }
    Ok(())
}

/// Extracts the archive: its root becomes `target`, inside `base`.
fn extract<R: Read>(
    reader: &mut tar::Reader<R>,
    base: &Path,
    target: &Path,
    err: &mut dyn Write,
) -> Result<(), Failure> {
    let mut dirs = Vec::new();
    while let Some(entry) = reader
        .next_entry()
        .map_err(|e| Failure::Other(format!("reading the archive: {e}")))?
    {
        let Some(path) = map_entry(target, &entry.path) else {
            return Err(Failure::Other(format!(
                "refusing the archive entry {:?}",
                entry.path
            )));
        };
        check_no_symlink_between(base, &path)?;
        let existing = fs::symlink_metadata(&path).ok();
        let existing_dir = existing.as_ref().is_some_and(|m| m.is_dir());
        match &entry.kind {
            Kind::Dir => {
                match &existing {
                    Some(m) if m.is_dir() => {}
                    Some(_) => {
                        return Err(Failure::Other(format!(
                            "cannot overwrite the non-directory {} with a directory",
                            path.display()
                        )))
                    }
                    None => {
                        fs::create_dir(&path).map_err(|e| local_error("cannot create", &path, e))?
                    }
                }
                dirs.push((path, entry.mode, entry.mtime));
                continue;
            }
            _ if existing_dir => {
                return Err(Failure::Other(format!(
                    "cannot overwrite the directory {} with a non-directory",
                    path.display()
                )))
            }
            Kind::Other(flag) => {
                writeln!(
                    err,
                    "skipping {}: not a file, directory or link (tar type {:?})",
                    entry.path,
                    char::from(*flag)
                )?;
                continue;
            }
            _ => {}
        }
        if existing.is_some() {
            fs::remove_file(&path).map_err(|e| local_error("cannot replace", &path, e))?;
        }
        match &entry.kind {
            Kind::File => write_file(reader, &path, entry.mode, entry.mtime)?,
            Kind::Symlink(link) => std::os::unix::fs::symlink(link, &path)
                .map_err(|e| local_error("cannot create the link", &path, e))?,
            Kind::HardLink(link) => {
                let Some(original) = map_entry(target, link) else {
                    return Err(Failure::Other(format!(
                        "refusing the hard link to {link:?}"
                    )));
                };
                check_no_symlink_between(base, &original)?;
                fs::hard_link(&original, &path)
                    .map_err(|e| local_error("cannot create the link", &path, e))?;
            }
            Kind::Dir | Kind::Other(_) => {}
        }
    }
    // Directories last and deepest first, so a read-only one was still writable while it
    // was filled and its time is not changed by what went in.
    for (path, mode, mtime) in dirs.iter().rev() {
        let _ = fs::set_permissions(path, fs::Permissions::from_mode(*mode));
        if let Ok(dir) = File::open(path) {
            let _ = dir.set_modified(time(*mtime));
        }
    }
    Ok(())
}

fn write_file<R: Read>(
    reader: &mut tar::Reader<R>,
    path: &Path,
    mode: u32,
    mtime: i64,
) -> Result<(), Failure> {
    let mut file = OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)
        .map_err(|e| local_error("cannot create", path, e))?;
    io::copy(reader, &mut file).map_err(|e| match e.kind() {
        io::ErrorKind::InvalidData | io::ErrorKind::UnexpectedEof => {
            Failure::Other(format!("reading the archive: {e}"))
        }
        _ => local_error("cannot write", path, e),
    })?;
    let _ = file.set_modified(time(mtime));
    file.set_permissions(fs::Permissions::from_mode(mode))
        .map_err(|e| local_error("cannot set the mode of", path, e))
}

fn time(secs: i64) -> SystemTime {
    UNIX_EPOCH
        .checked_add(Duration::from_secs(secs.max(0).unsigned_abs()))
        .unwrap_or(UNIX_EPOCH)
}

/// `dkr cp SRC CONTAINER:DEST`.
fn copy_in(
    client: &Client,
    source: &str,
    container: &str,
    dest: &str,
    err: &mut dyn Write,
) -> Result<(), Failure> {
    if source == "-" {
        // A tar on standard input, extracted into the directory DEST.
        client.put_archive(container, dest, io::stdin())?;
        return Ok(());
    }
    let src = Path::new(source);
    let meta = fs::symlink_metadata(src).map_err(|e| local_error("cannot read", src, e))?;
    let contents_only = meta.is_dir() && (source.ends_with("/.") || source == ".");
    let dest_stat = stat(client, container, dest)?;
    let (dir, name) = match dest_stat {
        Some(stat) if stat.is_dir() => match contents_only {
            true => (dest.to_owned(), ".".to_owned()),
            false => (dest.to_owned(), local_name(src)?),
        },
        Some(_) if meta.is_dir() => {
            return Err(Failure::Other(format!(
                "cannot copy a directory to the file {container}:{dest}"
            )))
        }
        _ if dest.ends_with('/') => {
            return Err(Failure::Other(format!(
                "the destination directory {container}:{dest} does not exist"
            )))
        }
        _ => {
            let (dir, name) = dest.rsplit_once('/').unwrap_or(("", dest));
            let dir = if dir.is_empty() { "/" } else { dir };
            // The engine refuses a missing directory before reading the archive, and
            // closes the connection while it is sent: ask first, for its own message.
            match stat(client, container, dir)? {
                Some(stat) if stat.is_dir() => {}
                Some(_) => {
                    return Err(Failure::Other(format!(
                        "{container}:{dir} is not a directory"
                    )))
                }
                None => {
                    return Err(Failure::Other(format!(
                        "could not find the directory {dir} in the container {container}"
                    )))
                }
            }
            (dir.to_owned(), name.to_owned())
        }
    };
    let writer = tar::Writer::new(src, &name).map_err(|e| local_error("cannot read", src, e))?;
    for skipped in writer.skipped() {
        writeln!(
            err,
            "skipping {}: not a file, directory or link",
            skipped.display()
        )?;
    }
    client.put_archive(container, &dir, writer)?;
    Ok(())
}

/// What is at `path` in the container, `None` when nothing is. A HEAD answer has no body,
/// so an error has no message of the engine's: it is worded here.
fn stat(client: &Client, container: &str, path: &str) -> Result<Option<PathStat>, Failure> {
    match client.stat_path(container, path) {
        Ok(stat) => Ok(Some(stat)),
        Err(e) if e.is_not_found() => {
            // The container, or the path? Only the container's inspect can say.
            client.inspect_container(container)?;
            Ok(None)
        }
        Err(e) if e.message().is_some_and(str::is_empty) => Err(Failure::Other(format!(
            "cannot look at {path} in the container {container} (the engine answered {}): is \
             a part of it a file?",
            e.status_code().unwrap_or_default()
        ))),
        Err(e) => Err(e.into()),
    }
}

/// The base name of a local path (`.` and `..` resolved).
fn local_name(path: &Path) -> Result<String, Failure> {
    let name = match path.file_name() {
        Some(name) => name.to_owned(),
        None => fs::canonicalize(path)
            .map_err(|e| local_error("cannot read", path, e))?
            .file_name()
            .map(ToOwned::to_owned)
            .ok_or_else(|| Failure::Other(format!("cannot copy {}", path.display())))?,
    };
    name.into_string()
        .map_err(|n| Failure::Other(format!("{} is not a UTF-8 name", n.to_string_lossy())))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arguments_are_local_or_in_a_container_as_with_docker() {
        assert_eq!(location("./a:b"), Location::Local("./a:b"));
        assert_eq!(location("/tmp/x"), Location::Local("/tmp/x"));
        assert_eq!(location("-"), Location::Local("-"));
        assert_eq!(location("file"), Location::Local("file"));
        assert_eq!(
            location("web:etc/hosts"),
            Location::Container {
                container: "web",
                path: "/etc/hosts".into()
            }
        );
        assert_eq!(
            location("web:/"),
            Location::Container {
                container: "web",
                path: "/".into()
            }
        );
        assert_eq!(location(":x"), Location::Local(":x"));
    }

    #[test]
    fn archive_paths_map_under_the_target_and_never_outside() {
        let t = Path::new("/dest/x");
        assert_eq!(map_entry(t, "etc"), Some(t.to_owned()));
        assert_eq!(map_entry(t, "etc/a/b"), Some(t.join("a/b")));
        assert_eq!(map_entry(t, "etc//a/./b/"), Some(t.join("a/b")));
        // The engine's archive of `/etc/.`: `./`, `./hostname`...
        assert_eq!(map_entry(t, "./hostname"), Some(t.join("hostname")));
        assert_eq!(map_entry(t, "."), Some(t.to_owned()));
        assert_eq!(map_entry(t, "./"), Some(t.to_owned()));
        assert_eq!(map_entry(t, "etc/../../x"), None);
        assert_eq!(map_entry(t, "etc/a/.."), None);
        // The engine's archive of `/`: `/`, `/bin/`, `/bin/busybox`...
        assert_eq!(map_entry(t, "/"), Some(t.to_owned()));
        assert_eq!(map_entry(t, "/bin/busybox"), Some(t.join("bin/busybox")));
        assert_eq!(map_entry(t, "/../x"), None);
        assert_eq!(map_entry(t, ".."), None);
        assert_eq!(map_entry(t, ""), None);
    }

    fn temp_dir(tag: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("dkr-cp-{tag}-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).unwrap();
        dir
    }

    /// An archive of one tree, named `root`.
    fn archive_of(dir: &Path, root: &str) -> Vec<u8> {
        let mut a = Vec::new();
        tar::Writer::new(dir, root)
            .unwrap()
            .read_to_end(&mut a)
            .unwrap();
        a
    }

    #[test]
    fn extraction_recreates_the_tree_with_modes_and_links() {
        let work = temp_dir("extract");
        let src = work.join("src");
        fs::create_dir_all(src.join("ro")).unwrap();
        fs::write(src.join("ro/f"), b"data").unwrap();
        fs::write(src.join("x"), b"exe").unwrap();
        fs::set_permissions(src.join("x"), fs::Permissions::from_mode(0o751)).unwrap();
        std::os::unix::fs::symlink("x", src.join("l")).unwrap();
        fs::set_permissions(src.join("ro"), fs::Permissions::from_mode(0o555)).unwrap();
        let archive = archive_of(&src, "src");
        let out = work.join("out");
        fs::create_dir(&out).unwrap();
        let mut err = Vec::new();
        extract(
            &mut tar::Reader::new(&archive[..]),
            &out,
            &out.join("copy"),
            &mut err,
        )
        .unwrap();
        let copy = out.join("copy");
        assert_eq!(fs::read(copy.join("ro/f")).unwrap(), b"data");
        let mode = |p: &Path| fs::symlink_metadata(p).unwrap().permissions().mode() & 0o7777;
        assert_eq!(mode(&copy.join("x")), 0o751);
        assert_eq!(mode(&copy.join("ro")), 0o555);
        assert_eq!(fs::read_link(copy.join("l")).unwrap(), Path::new("x"));
        assert!(err.is_empty());
        // Extracting again overwrites files and keeps directories.
        fs::set_permissions(copy.join("ro"), fs::Permissions::from_mode(0o755)).unwrap();
        extract(
            &mut tar::Reader::new(&archive[..]),
            &out,
            &out.join("copy"),
            &mut err,
        )
        .unwrap();
        assert_eq!(fs::read(copy.join("x")).unwrap(), b"exe");
        fs::set_permissions(src.join("ro"), fs::Permissions::from_mode(0o755)).unwrap();
        fs::set_permissions(copy.join("ro"), fs::Permissions::from_mode(0o755)).unwrap();
        fs::remove_dir_all(&work).unwrap();
    }

    #[test]
    fn an_archive_cannot_write_through_its_own_symlink() {
        // A link "d/esc -> <outside>", then a file "d/esc/owned".
        let work = temp_dir("escape");
        let outside = work.join("outside");
        fs::create_dir(&outside).unwrap();
        let src = work.join("d");
        fs::create_dir(&src).unwrap();
        std::os::unix::fs::symlink(&outside, src.join("esc")).unwrap();
        let mut archive = archive_of(&src, "d");
        archive.truncate(archive.len() - 2 * tar::BLOCK);
        let file_dir = work.join("f");
        fs::create_dir(&file_dir).unwrap();
        fs::write(file_dir.join("owned"), b"x").unwrap();
        let mut second = archive_of(&file_dir.join("owned"), "d/esc/owned");
        archive.append(&mut second);
        let dest = work.join("dest");
        fs::create_dir(&dest).unwrap();
        let result = extract(
            &mut tar::Reader::new(&archive[..]),
            &dest,
            &dest.join("d"),
            &mut Vec::new(),
        );
        let message = result.unwrap_err().message().unwrap();
        assert!(message.contains("symbolic link"), "{message}");
        assert!(!outside.join("owned").exists());
        fs::remove_dir_all(&work).unwrap();
    }

    #[test]
    fn where_a_copy_out_lands() {
        let work = temp_dir("target");
        fs::write(work.join("file"), b"").unwrap();
        let dir_stat = PathStat {
            name: "etc".into(),
            mode: 1 << 31 | 0o755,
            ..PathStat::default()
        };
        let file_stat = PathStat {
            name: "hosts".into(),
            mode: 0o644,
            ..PathStat::default()
        };
        let t = |stat: &PathStat, src: &str, dest: &Path| {
            out_target(stat, src, dest.to_str().unwrap()).map(|(_, target)| target)
        };
        assert_eq!(
            t(&file_stat, "/etc/hosts", &work).unwrap(),
            work.join("hosts")
        );
        assert_eq!(
            t(&file_stat, "/etc/hosts", &work.join("h")).unwrap(),
            work.join("h")
        );
        assert_eq!(
            t(&file_stat, "/etc/hosts", &work.join("file")).unwrap(),
            work.join("file")
        );
        assert_eq!(t(&dir_stat, "/etc", &work).unwrap(), work.join("etc"));
        assert_eq!(t(&dir_stat, "/etc/.", &work).unwrap(), work);
        let root_stat = PathStat {
            name: "/".into(),
            ..dir_stat.clone()
        };
        assert_eq!(t(&root_stat, "/", &work).unwrap(), work);
        assert_eq!(t(&root_stat, "/", &work.join("r")).unwrap(), work.join("r"));
        assert_eq!(
            t(&dir_stat, "/etc", &work.join("new")).unwrap(),
            work.join("new")
        );
        assert!(t(&dir_stat, "/etc", &work.join("file")).is_err());
        let slash = format!("{}/nodir/", work.display());
        assert!(t(&file_stat, "/etc/hosts", Path::new(&slash)).is_err());
        assert!(t(&file_stat, "/etc/hosts", &work.join("no/such")).is_err());
        let evil = PathStat {
            name: "..".into(),
            ..PathStat::default()
        };
        assert!(t(&evil, "/x", &work).is_err());
        fs::remove_dir_all(&work).unwrap();
    }
}
