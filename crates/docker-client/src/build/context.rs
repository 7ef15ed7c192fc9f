//! A build context made from a directory: a tar stream produced as it is read, in constant
//! memory, leaving out what `.dockerignore` excludes, as the docker CLI does.

use std::collections::HashMap;
use std::ffi::OsString;
use std::fs::{self, File, Metadata};
use std::io::{self, Read};
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::{FileTypeExt, MetadataExt};
use std::path::{Path, PathBuf};

use super::ignore::DockerIgnore;
use super::tar::{self, EntryType, Header};
use crate::{Error, Result};

/// A directory sent as a build context: a tar archive produced while it is read, so that
/// memory stays constant whatever the size of the files (a few kilobytes, plus the names
/// of one directory per level being walked).
///
/// It walks the directory as the docker CLI does: entries in name order, owner and group
/// 0, times in whole seconds, symbolic links kept as links, hard links as links to the
/// first name, sockets left out. `.dockerignore` at the directory's root is read when the
/// context is made, and applied as the CLI applies it, `!` exceptions included; the
/// Dockerfile and `.dockerignore` themselves are always sent, since the engine needs them.
/// Extended attributes are not sent.
///
/// In the blocking flavour it is a `std::io::Read`; the tokio flavour reads it on tokio's
/// blocking threads. Either way it is given to [`Client::build_image`](crate::Client::build_image):
///
/// ```no_run
/// # let client = docker_client::blocking::Client::from_env()?;
/// use docker_client::{BuildContext, BuildOptions};
/// let context = BuildContext::from_dir("./app")?;
/// let image = client.build_image(context, &BuildOptions::default().tag("app:dev"))?.image_id()?;
/// println!("built {image}");
/// # Ok::<(), docker_client::Error>(())
/// ```
#[derive(Debug)]
pub struct BuildContext {
    root: PathBuf,
    ignore: DockerIgnore,
    dockerfile: String,
    walk: Option<Walk>,
    /// Bytes ready to be read out: headers, padding, the end blocks.
    pending: Vec<u8>,
    pos: usize,
    /// The file whose data is being read: what is left of it, and its padding.
    file: Option<(File, u64, u64)>,
    finished: bool,
}

/// The walk in progress: one frame per directory being listed.
#[derive(Debug)]
struct Walk {
    stack: Vec<Frame>,
    /// The first name of each file with more than one link, by device and inode.
    links: HashMap<(u64, u64), Vec<u8>>,
}

#[derive(Debug)]
struct Frame {
    /// The directory, relative to the root (empty for the root).
    rel: Vec<u8>,
    entries: std::vec::IntoIter<OsString>,
    /// What the patterns matched for this directory.
    matched: Vec<bool>,
}

impl BuildContext {
    /// The directory `dir` as a build context, with the patterns of its `.dockerignore`,
    /// if it has one. A directory that cannot be listed, or a `.dockerignore` that cannot
    /// be read or holds a pattern that does not compile, is an
    /// [`Error::InvalidArgument`] naming it.
    ///
    /// ```no_run
    /// let context = docker_client::BuildContext::from_dir(".")?;
    /// # Ok::<(), docker_client::Error>(())
    /// ```
    pub fn from_dir(dir: impl AsRef<Path>) -> Result<BuildContext> {
        let root = dir.as_ref().to_owned();
        let invalid = |reason: String| Error::InvalidArgument {
            what: "build context",
            reason,
        };
        match fs::metadata(&root) {
            Ok(m) if m.is_dir() => (),
            Ok(_) => return Err(invalid(format!("{} is not a directory", root.display()))),
            Err(e) => return Err(invalid(format!("{}: {e}", root.display()))),
        }
        let ignore = match fs::read(root.join(".dockerignore")) {
            Ok(bytes) => DockerIgnore::parse(&String::from_utf8_lossy(&bytes))?,
            Err(e) if e.kind() == io::ErrorKind::NotFound => DockerIgnore::default(),
            Err(e) => {
                let path = root.join(".dockerignore");
                return Err(invalid(format!("cannot read {}: {e}", path.display())));
            }
        };
        Ok(BuildContext {
            root,
            ignore,
            dockerfile: "Dockerfile".to_owned(),
            walk: None,
            pending: Vec::new(),
            pos: 0,
            file: None,
            finished: false,
        })
    }

    /// The Dockerfile's path in the context (default `Dockerfile`), which is sent even
    /// when `.dockerignore` excludes it. Name the same file as
    /// [`BuildOptions::dockerfile`](crate::BuildOptions::dockerfile).
    ///
    /// ```no_run
    /// let context = docker_client::BuildContext::from_dir(".")?.dockerfile("docker/Dockerfile.dev");
    /// # Ok::<(), docker_client::Error>(())
    /// ```
    pub fn dockerfile(self, path: &str) -> BuildContext {
        BuildContext {
            dockerfile: path.trim_start_matches("./").to_owned(),
            ..self
        }
    }

    /// Uses these patterns instead of the directory's `.dockerignore`.
    ///
    /// ```no_run
    /// use docker_client::{BuildContext, DockerIgnore};
    /// let context = BuildContext::from_dir(".")?.ignore(DockerIgnore::parse("target\n.git\n")?);
    /// # Ok::<(), docker_client::Error>(())
    /// ```
    pub fn ignore(self, ignore: DockerIgnore) -> BuildContext {
        BuildContext { ignore, ..self }
    }

    /// The patterns in force.
    ///
    /// ```no_run
    /// let context = docker_client::BuildContext::from_dir(".")?;
    /// for pattern in context.patterns().patterns() {
    ///     println!("excluding {pattern}");
    /// }
    /// # Ok::<(), docker_client::Error>(())
    /// ```
    pub fn patterns(&self) -> &DockerIgnore {
        &self.ignore
    }

    /// Starts the walk: the CLI's exceptions for the Dockerfile and `.dockerignore`, then
    /// the root's listing.
    fn start(&mut self) -> io::Result<()> {
        if self.ignore.excludes_by_prefix(".dockerignore") {
            self.ignore.push_exception(".dockerignore");
        }
        if self.ignore.excludes_by_prefix(&self.dockerfile) {
            let dockerfile = self.dockerfile.clone();
            self.ignore.push_exception(&dockerfile);
        }
        let entries = list(&self.root)?;
        self.walk = Some(Walk {
            stack: vec![Frame {
                rel: Vec::new(),
                entries,
                matched: Vec::new(),
            }],
            links: HashMap::new(),
        });
        Ok(())
    }

    /// Queues the next entry's header (and opens its file); false when the walk is over.
    fn next_entry(&mut self) -> io::Result<bool> {
        if self.walk.is_none() {
            self.start()?;
        }
        let Some(walk) = self.walk.as_mut() else {
            return Ok(false);
        };
        loop {
            let Some(frame) = walk.stack.last_mut() else {
                return Ok(false);
            };
            let Some(name) = frame.entries.next() else {
                walk.stack.pop();
                continue;
            };
            let mut rel = frame.rel.clone();
            if !rel.is_empty() {
                rel.push(b'/');
            }
            rel.extend_from_slice(name.as_bytes());
            let local = self.root.join(Path::new(std::ffi::OsStr::from_bytes(&rel)));
            let metadata = fs::symlink_metadata(&local)?;
            let text = String::from_utf8_lossy(&rel).into_owned();
            let (skip, matched) = self.ignore.matches_with_parent(&text, &frame.matched);
            let is_dir = metadata.is_dir();
            if skip {
                // An excluded directory is still walked when an exception may bring back
                // something under it.
                if is_dir && self.ignore.has_exceptions() && self.ignore.may_include_below(&text) {
                    walk.stack.push(Frame {
                        entries: list(&local)?,
                        rel,
                        matched,
                    });
                }
                continue;
            }
            let queued = queue_entry(&mut self.pending, walk, &local, &rel, &metadata)?;
            self.pos = 0;
            if is_dir {
                walk.stack.push(Frame {
                    entries: list(&local)?,
                    rel,
                    matched,
                });
            }
            match queued {
                Queued::Data(size) => {
                    let file = File::open(&local)?;
                    self.file = Some((file, size, tar::padding(size)));
                    return Ok(true);
                }
                Queued::Header => return Ok(true),
                Queued::Nothing => continue,
            }
        }
    }
}

/// What [`queue_entry`] put in the pending bytes.
enum Queued {
    /// A header; the file's data follows.
    Data(u64),
    /// A header with no data.
    Header,
    /// Nothing: the entry is left out.
    Nothing,
}

/// Writes the header of one entry into `pending` (cleared first).
fn queue_entry(
    pending: &mut Vec<u8>,
    walk: &mut Walk,
    local: &Path,
    rel: &[u8],
    metadata: &Metadata,
) -> io::Result<Queued> {
    pending.clear();
    let ft = metadata.file_type();
    let mode = metadata.mode() & 0o7777;
    let mtime = u64::try_from(metadata.mtime()).unwrap_or(0);
    let mut header = Header {
        name: rel,
        kind: EntryType::File,
        mode,
        size: 0,
        mtime,
        link: b"",
        device: (0, 0),
    };
    let dir_name;
    let target;
    let queued = if ft.is_dir() {
        let mut name = rel.to_vec();
        name.push(b'/');
        dir_name = name;
        header.name = &dir_name;
        header.kind = EntryType::Dir;
        Queued::Header
    } else if ft.is_symlink() {
        target = fs::read_link(local)?;
        header.kind = EntryType::Symlink;
        header.link = target.as_os_str().as_bytes();
        Queued::Header
    } else if ft.is_file() {
        let key = (metadata.dev(), metadata.ino());
        match (metadata.nlink() > 1, walk.links.get(&key)) {
            (true, Some(first)) => {
                target = PathBuf::from(std::ffi::OsStr::from_bytes(first));
                header.kind = EntryType::HardLink;
                header.link = target.as_os_str().as_bytes();
                Queued::Header
            }
            (linked, _) => {
                if linked {
                    walk.links.insert(key, rel.to_vec());
                }
                header.size = metadata.len();
                Queued::Data(metadata.len())
            }
        }
    } else if ft.is_fifo() {
        header.kind = EntryType::Fifo;
        Queued::Header
    } else if ft.is_char_device() || ft.is_block_device() {
        header.kind = match ft.is_char_device() {
            true => EntryType::CharDevice,
            false => EntryType::BlockDevice,
        };
        header.device = device_numbers(metadata.rdev());
        Queued::Header
    } else {
        // A socket: the docker CLI leaves them out.
        return Ok(Queued::Nothing);
    };
    tar::append_header(pending, &header);
    Ok(queued)
}

/// Linux's major and minor device numbers of a `dev_t`.
fn device_numbers(dev: u64) -> (u32, u32) {
    let major = ((dev >> 8) & 0xfff) | ((dev >> 32) & !0xfff);
    let minor = (dev & 0xff) | ((dev >> 12) & !0xff);
    (major as u32, minor as u32)
}

/// The names in a directory, sorted by their bytes as Go's `filepath.WalkDir` sorts them.
fn list(dir: &Path) -> io::Result<std::vec::IntoIter<OsString>> {
    let mut names = Vec::new();
    for entry in fs::read_dir(dir)? {
        names.push(entry?.file_name());
    }
    names.sort_by(|a, b| a.as_bytes().cmp(b.as_bytes()));
    Ok(names.into_iter())
}

impl Read for BuildContext {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if buf.is_empty() {
            return Ok(0);
        }
        loop {
            if self.pos < self.pending.len() {
                let n = buf.len().min(self.pending.len() - self.pos);
                buf[..n].copy_from_slice(&self.pending[self.pos..self.pos + n]);
                self.pos += n;
                return Ok(n);
            }
            if let Some((file, left, pad)) = &mut self.file {
                if *left > 0 {
                    let max = buf.len().min(usize::try_from(*left).unwrap_or(usize::MAX));
                    let n = match file.read(&mut buf[..max]) {
                        // The file shrank while it was read: zeros keep the header true.
                        Ok(0) => {
                            buf[..max].fill(0);
                            max
                        }
                        Ok(n) => n,
                        Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                        Err(e) => return Err(e),
                    };
                    *left -= n as u64;
                    return Ok(n);
                }
                self.pending.clear();
                self.pending.resize(*pad as usize, 0);
                self.pos = 0;
                self.file = None;
                continue;
            }
            if self.finished {
                return Ok(0);
            }
            if self.next_entry()? {
                continue;
            }
            self.finished = true;
            self.pending.clear();
            self.pending.resize(2 * tar::BLOCK, 0);
            self.pos = 0;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The entry names of an archive, with their type flags.
    fn names(archive: &[u8]) -> Vec<(String, u8)> {
        let mut out = Vec::new();
        let mut at = 0;
        let mut long: Option<String> = None;
        while at + tar::BLOCK <= archive.len() {
            let block = &archive[at..at + tar::BLOCK];
            if block.iter().all(|&b| b == 0) {
                break;
            }
            let field = |r: std::ops::Range<usize>| {
                let f = &block[r];
                let end = f.iter().position(|&b| b == 0).unwrap_or(f.len());
                String::from_utf8_lossy(&f[..end]).into_owned()
            };
            let size = u64::from_str_radix(field(124..135).trim(), 8).unwrap();
            let flag = block[156];
            let data = &archive[at + tar::BLOCK..at + tar::BLOCK + size as usize];
            if flag == b'x' {
                let text = String::from_utf8_lossy(data);
                long = text
                    .split_once("path=")
                    .map(|(_, p)| p.trim_end().to_owned());
            } else {
                let prefix = field(345..500);
                let name = match (long.take(), prefix.is_empty()) {
                    (Some(l), _) => l,
                    (None, true) => field(0..100),
                    (None, false) => format!("{prefix}/{}", field(0..100)),
                };
                out.push((name, flag));
            }
            at += tar::BLOCK + (size + tar::padding(size)) as usize;
        }
        out
    }

    fn temp_dir(tag: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("dkr-ctx-{tag}-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).unwrap();
        dir
    }

    fn write(dir: &Path, rel: &str, content: &str) {
        let path = dir.join(rel);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, content).unwrap();
    }

    fn archive(context: BuildContext) -> Vec<u8> {
        let mut out = Vec::new();
        let mut context = context;
        context.read_to_end(&mut out).unwrap();
        out
    }

    #[test]
    fn a_directory_is_archived_in_name_order_with_links_kept() {
        let dir = temp_dir("order");
        write(&dir, "b.txt", "b");
        write(&dir, "a/z.txt", "z");
        write(&dir, "a/y.txt", "y");
        write(&dir, "Dockerfile", "FROM bb:latest\n");
        std::os::unix::fs::symlink("b.txt", dir.join("link")).unwrap();
        fs::hard_link(dir.join("b.txt"), dir.join("c.txt")).unwrap();
        let tar = archive(BuildContext::from_dir(&dir).unwrap());
        assert_eq!(
            names(&tar),
            [
                ("Dockerfile".to_owned(), b'0'),
                ("a/".to_owned(), b'5'),
                ("a/y.txt".to_owned(), b'0'),
                ("a/z.txt".to_owned(), b'0'),
                ("b.txt".to_owned(), b'0'),
                ("c.txt".to_owned(), b'1'),
                ("link".to_owned(), b'2'),
            ]
        );
        assert!(tar.len() % tar::BLOCK == 0);
        assert!(tar.ends_with(&[0; 1024]));
        fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn dockerignore_patterns_and_exceptions_shape_the_archive() {
        let dir = temp_dir("ignore");
        write(&dir, ".dockerignore", "*\n!src\nsrc/*.tmp\n!docs/keep.md\n");
        write(&dir, "Dockerfile", "FROM bb:latest\n");
        write(&dir, "secret.env", "x");
        write(&dir, "src/main.rs", "fn main() {}");
        write(&dir, "src/scratch.tmp", "tmp");
        write(&dir, "docs/keep.md", "kept");
        write(&dir, "docs/drop.md", "dropped");
        let tar = archive(BuildContext::from_dir(&dir).unwrap());
        let got: Vec<String> = names(&tar).into_iter().map(|(n, _)| n).collect();
        assert_eq!(
            got,
            [
                ".dockerignore",
                "Dockerfile",
                "docs/keep.md",
                "src/",
                "src/main.rs"
            ]
        );
        fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn an_excluded_directory_without_exceptions_is_not_walked() {
        let dir = temp_dir("skip");
        write(&dir, ".dockerignore", "target\n");
        write(&dir, "target/big.bin", "x");
        write(&dir, "Dockerfile", "FROM bb:latest\n");
        let context = BuildContext::from_dir(&dir)
            .unwrap()
            .dockerfile("Dockerfile");
        // An unreadable directory under the excluded one is never listed.
        let locked = dir.join("target/locked");
        fs::create_dir_all(&locked).unwrap();
        let got: Vec<String> = names(&archive(context))
            .into_iter()
            .map(|(n, _)| n)
            .collect();
        assert_eq!(got, [".dockerignore", "Dockerfile"]);
        fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn bad_directories_and_patterns_are_refused_before_sending() {
        let missing = BuildContext::from_dir("/nonexistent/dkr-context");
        assert!(matches!(missing, Err(Error::InvalidArgument { .. })));
        let dir = temp_dir("bad");
        write(&dir, ".dockerignore", "[oops\n");
        let err = BuildContext::from_dir(&dir).unwrap_err();
        assert!(err.to_string().contains("[oops"), "{err}");
        fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn device_numbers_split_as_linux_does() {
        // Linux's makedev.
        let makedev = |major: u64, minor: u64| {
            (major & 0xfff) << 8 | (major & !0xfff) << 32 | (minor & 0xff) | (minor & !0xff) << 12
        };
        assert_eq!(makedev(8, 1), 0x801);
        assert_eq!(device_numbers(0x801), (8, 1));
        assert_eq!(device_numbers(makedev(259, 65536)), (259, 65536));
    }
}
