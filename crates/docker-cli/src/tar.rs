//! A minimal tar reader and writer for `dkr cp`: regular files, directories and symbolic
//! links (and, reading, hard links), in the ustar format with the PAX and GNU extensions
//! the engine's Go `archive/tar` may write for long names and large sizes.
//!
//! The reader is streaming: headers are parsed block by block and file data is read
//! through [`Reader`]'s `Read`, so memory stays constant whatever the archive's size
//! (extended headers are capped at [`MAX_EXTENDED`]). The writer, [`Writer`], is a `Read`
//! that produces the archive of a local file or directory tree as it is read, so that
//! `put_archive` can stream it.
//!
//! Neither needs the `tar` crate: the few hundred lines here are the whole of what `cp`
//! uses, and reading never writes to disk (extraction, with its path checks, is `cp`'s).

use std::fs::{self, File, Metadata};
use std::io::{self, Read};
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};

/// The tar block size.
pub const BLOCK: usize = 512;

/// The largest PAX or GNU long-name header read into memory.
pub const MAX_EXTENDED: u64 = 1 << 20;

/// The largest size the 11 octal digits of a ustar header hold.
const MAX_OCTAL_SIZE: u64 = 0o77_777_777_777;

/// What an entry is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Kind {
    /// A regular file; its data follows.
    File,
    /// A directory.
    Dir,
    /// A symbolic link to the target.
    Symlink(String),
    /// A hard link to an earlier entry of the archive (its path in the archive).
    HardLink(String),
    /// Anything else (device, FIFO...), by its type flag.
    Other(u8),
}

/// One entry's header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// The path in the archive, `/`-separated (a directory's trailing `/` removed).
    pub path: String,
    /// What it is.
    pub kind: Kind,
    /// The permission bits (`0o7777`).
    pub mode: u32,
    /// The size of the data that follows (regular files).
    pub size: u64,
    /// The modification time, in seconds since the epoch.
    pub mtime: i64,
}

fn invalid(message: impl Into<String>) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, message.into())
}

/// Reads a tar stream entry by entry.
#[derive(Debug)]
pub struct Reader<R> {
    inner: R,
    /// Data of the current entry not read yet.
    unread: u64,
    /// Padding after the current entry's data.
    padding: u64,
    done: bool,
}

impl<R: Read> Reader<R> {
    /// A reader of the archive `inner`.
    pub fn new(inner: R) -> Reader<R> {
        Reader {
            inner,
            unread: 0,
            padding: 0,
            done: false,
        }
    }

    /// The next entry's header, skipping what is left of the current one; `None` at the
    /// end of the archive. Its data (for a regular file) is then read from `self`.
    pub fn next_entry(&mut self) -> io::Result<Option<Entry>> {
        self.skip(self.unread + self.padding)?;
        self.unread = 0;
        self.padding = 0;
        let mut long_path = None;
        let mut long_link = None;
        let mut pax_size = None;
        loop {
            if self.done {
                return Ok(None);
            }
            let mut block = [0u8; BLOCK];
            if !self.read_block(&mut block)? {
                // An archive cut before its two zero blocks still ends well here, as with
                // Go's reader after a complete entry.
                self.done = true;
                return Ok(None);
            }
            if block.iter().all(|&b| b == 0) {
                self.done = true;
                return Ok(None);
            }
            check_checksum(&block)?;
            let flag = block[156];
            let size = match pax_size.take() {
                Some(size) => size,
                None => number(&block[124..136])?,
            };
            match flag {
                b'x' | b'g' | b'L' | b'K' => {
                    if size > MAX_EXTENDED {
                        return Err(invalid(format!(
                            "an extended tar header of {size} bytes is too large"
                        )));
                    }
                    let data = self.read_data(size)?;
                    match flag {
                        b'x' => {
                            for (key, value) in pax_records(&data)? {
                                match key.as_str() {
                                    "path" => long_path = Some(value),
                                    "linkpath" => long_link = Some(value),
                                    "size" => {
                                        pax_size = Some(value.parse().map_err(|_| {
                                            invalid(format!("bad PAX size {value:?}"))
                                        })?)
                                    }
                                    _ => {}
                                }
                            }
                        }
                        b'L' => long_path = Some(c_string(&data)),
                        b'K' => long_link = Some(c_string(&data)),
                        _ => {} // global PAX headers: nothing the reader needs
                    }
                    continue;
                }
                _ => {}
            }
            let path = long_path.take().unwrap_or_else(|| header_path(&block));
            let link = long_link
                .take()
                .unwrap_or_else(|| c_string(&block[157..257]));
            let kind = match flag {
                b'0' | 0 | b'7' => Kind::File,
                b'5' => Kind::Dir,
                b'2' => Kind::Symlink(link),
                b'1' => Kind::HardLink(link),
                other => Kind::Other(other),
            };
            let size = match kind {
                // Only regular files (and unknown kinds, to skip them) carry data.
                Kind::File | Kind::Other(_) => size,
                _ => 0,
            };
            self.unread = size;
            self.padding = padding(size);
            let path = match kind {
                // `dir/` is `dir`, but `/` stays `/`.
                Kind::Dir if path.len() > 1 => path.trim_end_matches('/').to_owned(),
                _ => path,
            };
            return Ok(Some(Entry {
                path,
                kind,
                mode: (number(&block[100..108])? & 0o7777) as u32,
                size,
                mtime: i64::try_from(number(&block[136..148])?).unwrap_or(0),
            }));
        }
    }

    /// Reads one block; false at a clean end of input.
    fn read_block(&mut self, block: &mut [u8; BLOCK]) -> io::Result<bool> {
        let mut filled = 0;
        while filled < BLOCK {
            match self.inner.read(&mut block[filled..]) {
                Ok(0) if filled == 0 => return Ok(false),
                Ok(0) => return Err(invalid("the tar stream ends inside a header")),
                Ok(n) => filled += n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
        Ok(true)
    }

    /// Reads `size` bytes of an extended header, and their padding.
    fn read_data(&mut self, size: u64) -> io::Result<Vec<u8>> {
        let mut data = Vec::new();
        (&mut self.inner).take(size).read_to_end(&mut data)?;
        if (data.len() as u64) < size {
            return Err(invalid("the tar stream ends inside an extended header"));
        }
        self.skip(padding(size))?;
        Ok(data)
    }

    fn skip(&mut self, n: u64) -> io::Result<()> {
        let skipped = io::copy(&mut (&mut self.inner).take(n), &mut io::sink())?;
        match skipped == n {
            true => Ok(()),
            false => Err(invalid("the tar stream ends inside an entry")),
        }
    }
}

impl<R: Read> Read for Reader<R> {
    /// Reads the current entry's data; 0 at its end.
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.unread == 0 || buf.is_empty() {
            return Ok(0);
        }
        let max = buf
            .len()
            .min(usize::try_from(self.unread).unwrap_or(usize::MAX));
        let n = self.inner.read(&mut buf[..max])?;
        if n == 0 {
            return Err(invalid("the tar stream ends inside a file"));
        }
        self.unread -= n as u64;
        Ok(n)
    }
}

fn padding(size: u64) -> u64 {
    (BLOCK as u64 - size % BLOCK as u64) % BLOCK as u64
}

/// The text up to the first NUL.
fn c_string(bytes: &[u8]) -> String {
    let end = bytes.iter().position(|&b| b == 0).unwrap_or(bytes.len());
    String::from_utf8_lossy(&bytes[..end]).into_owned()
}

/// The name, with the ustar prefix when the header has one.
fn header_path(block: &[u8; BLOCK]) -> String {
    let name = c_string(&block[0..100]);
    // POSIX ustar ("ustar\0") has a prefix field; GNU ("ustar  \0") uses those bytes for
    // other things.
    if &block[257..263] == b"ustar\0" {
        let prefix = c_string(&block[345..500]);
        if !prefix.is_empty() {
            return format!("{prefix}/{name}");
        }
    }
    name
}

/// A numeric field: octal text (spaces and NULs around it), or GNU base-256.
fn number(field: &[u8]) -> io::Result<u64> {
    if field.first().is_some_and(|&b| b & 0x80 != 0) {
        if field[0] & 0x40 != 0 {
            return Err(invalid("a negative number in a tar header"));
        }
        let mut value: u64 = u64::from(field[0] & 0x3f);
        for &b in &field[1..] {
            value = value
                .checked_mul(256)
                .and_then(|v| v.checked_add(u64::from(b)))
                .ok_or_else(|| invalid("a number too large in a tar header"))?;
        }
        return Ok(value);
    }
    let text: &[u8] = {
        let end = field.iter().position(|&b| b == 0).unwrap_or(field.len());
        &field[..end]
    };
    let text = std::str::from_utf8(text)
        .map_err(|_| invalid("a number in a tar header is not text"))?
        .trim();
    if text.is_empty() {
        return Ok(0);
    }
    u64::from_str_radix(text, 8)
        .map_err(|_| invalid(format!("bad number {text:?} in a tar header")))
}

fn check_checksum(block: &[u8; BLOCK]) -> io::Result<()> {
    let expected = number(&block[148..156])?;
    let (mut unsigned, mut signed) = (0u64, 0i64);
    for (i, &b) in block.iter().enumerate() {
        let b = if (148..156).contains(&i) { b' ' } else { b };
        unsigned += u64::from(b);
        signed += i64::from(b as i8);
    }
    match expected == unsigned || i64::try_from(expected).ok() == Some(signed) {
        true => Ok(()),
        false => Err(invalid("not a tar archive (bad header checksum)")),
    }
}

/// PAX records: `LEN KEY=VALUE\n`, LEN counting the whole record.
fn pax_records(mut data: &[u8]) -> io::Result<Vec<(String, String)>> {
    let mut records = Vec::new();
    while !data.is_empty() {
        let space = data
            .iter()
            .position(|&b| b == b' ')
            .ok_or_else(|| invalid("a bad PAX record"))?;
        let len: usize = std::str::from_utf8(&data[..space])
            .ok()
            .and_then(|s| s.parse().ok())
            .filter(|&n| n > space + 1 && n <= data.len())
            .ok_or_else(|| invalid("a bad PAX record length"))?;
        let record = &data[space + 1..len];
        let record = record.strip_suffix(b"\n").unwrap_or(record);
        if let Some(eq) = record.iter().position(|&b| b == b'=') {
            records.push((
                String::from_utf8_lossy(&record[..eq]).into_owned(),
                String::from_utf8_lossy(&record[eq + 1..]).into_owned(),
            ));
        }
        data = &data[len..];
    }
    Ok(records)
}

/// One local file system object to archive.
#[derive(Debug)]
struct Source {
    local: PathBuf,
    name: Vec<u8>,
    metadata: Metadata,
}

/// A tar archive of local files, produced as it is read.
///
/// The tree is listed when the writer is made (symbolic links are archived as links, not
/// followed); file contents are read only as the archive is. Sockets, FIFOs and devices
/// are left out and listed by [`skipped`](Writer::skipped). A file that shrinks while it is
/// archived is padded with zeros, one that grows is cut, so each header stays true.
#[derive(Debug)]
pub struct Writer {
    sources: std::vec::IntoIter<Source>,
    skipped: Vec<PathBuf>,
    /// Bytes ready to be read out (headers, padding, the end blocks).
    pending: Vec<u8>,
    pos: usize,
    /// The file being archived, with the data left to produce and its padding after.
    file: Option<(File, u64, u64)>,
    finished: bool,
}

impl Writer {
    /// The archive of `root` with its entries named `name`, `name/...`: `root` is a file,
    /// a directory (archived recursively, entries sorted by name) or a symbolic link.
    pub fn new(root: &Path, name: &str) -> io::Result<Writer> {
        let mut sources = Vec::new();
        let mut skipped = Vec::new();
        let metadata = fs::symlink_metadata(root)?;
        walk(
            root,
            name.as_bytes().to_vec(),
            metadata,
            &mut sources,
            &mut skipped,
        )?;
        Ok(Writer {
            sources: sources.into_iter(),
            skipped,
            pending: Vec::new(),
            pos: 0,
            file: None,
            finished: false,
        })
    }

    /// What was left out: sockets, FIFOs and devices.
    pub fn skipped(&self) -> &[PathBuf] {
        &self.skipped
    }

    /// Queues the next entry's header and opens its file; false when none is left.
    fn next_source(&mut self) -> io::Result<bool> {
        let Some(source) = self.sources.next() else {
            return Ok(false);
        };
        let ft = source.metadata.file_type();
        let mode = source.metadata.permissions().mode() & 0o7777;
        let mtime = source.metadata.mtime().max(0) as u64;
        self.pending.clear();
        self.pos = 0;
        if ft.is_symlink() {
            let target = fs::read_link(&source.local)?;
            let target = target.as_os_str().as_bytes();
            header(
                &mut self.pending,
                &source.name,
                b'2',
                mode,
                0,
                mtime,
                target,
            );
        } else if ft.is_dir() {
            let mut name = source.name.clone();
            name.push(b'/');
            header(&mut self.pending, &name, b'5', mode, 0, mtime, b"");
        } else {
            let size = source.metadata.len();
            let file = File::open(&source.local)?;
            header(
                &mut self.pending,
                &source.name,
                b'0',
                mode,
                size,
                mtime,
                b"",
            );
            self.file = Some((file, size, padding(size)));
        }
        Ok(true)
    }
}

impl Read for Writer {
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
                        Ok(0) => {
                            // The file shrank: zeros keep the header's size true.
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
            if self.next_source()? {
                continue;
            }
            if self.finished {
                return Ok(0);
            }
            self.finished = true;
            self.pending.clear();
            self.pending.resize(2 * BLOCK, 0);
            self.pos = 0;
        }
    }
}

/// Lists `path` (and, for a directory, what is under it) into `sources`.
fn walk(
    path: &Path,
    name: Vec<u8>,
    metadata: Metadata,
    sources: &mut Vec<Source>,
    skipped: &mut Vec<PathBuf>,
) -> io::Result<()> {
    let ft = metadata.file_type();
    if !(ft.is_file() || ft.is_dir() || ft.is_symlink()) {
        skipped.push(path.to_owned());
        return Ok(());
    }
    let is_dir = ft.is_dir();
    sources.push(Source {
        local: path.to_owned(),
        name: name.clone(),
        metadata,
    });
    if is_dir {
        let mut children: Vec<_> = fs::read_dir(path)?.collect::<io::Result<_>>()?;
        children.sort_by_key(|c| c.file_name());
        for child in children {
            let mut child_name = name.clone();
            child_name.push(b'/');
            child_name.extend_from_slice(child.file_name().as_bytes());
            let child_meta = fs::symlink_metadata(child.path())?;
            walk(&child.path(), child_name, child_meta, sources, skipped)?;
        }
    }
    Ok(())
}

/// Appends a ustar header (preceded by a PAX header when the name, the link target or the
/// size does not fit) to `out`. Owner and group are 0: the engine gives copied files to
/// the container's root, as docker does.
fn header(out: &mut Vec<u8>, name: &[u8], flag: u8, mode: u32, size: u64, mtime: u64, link: &[u8]) {
    let split = split_name(name);
    let mut records = Vec::new();
    if split.is_none() {
        records.push(pax_record(b"path", name));
    }
    if link.len() > 100 {
        records.push(pax_record(b"linkpath", link));
    }
    if size > MAX_OCTAL_SIZE {
        records.push(pax_record(b"size", size.to_string().as_bytes()));
    }
    if !records.is_empty() {
        let data: Vec<u8> = records.concat();
        let mut pax_name = b"PaxHeaders/".to_vec();
        pax_name.extend_from_slice(&name[name.len().saturating_sub(80)..]);
        pax_name.truncate(100);
        ustar_block(
            out,
            (b"", &pax_name),
            b'x',
            0o644,
            data.len() as u64,
            mtime,
            b"",
        );
        out.extend_from_slice(&data);
        out.resize(out.len() + padding(data.len() as u64) as usize, 0);
    }
    let (prefix, short) = split.unwrap_or((b"", &name[name.len().saturating_sub(100)..]));
    let link = &link[..link.len().min(100)];
    ustar_block(
        out,
        (prefix, short),
        flag,
        mode,
        size.min(MAX_OCTAL_SIZE),
        mtime,
        link,
    );
}

/// Splits a name into ustar's prefix (155 bytes) and name (100 bytes) at a `/`, or `None`
/// when it cannot be.
fn split_name(name: &[u8]) -> Option<(&[u8], &[u8])> {
    if name.len() <= 100 {
        return Some((b"", name));
    }
    // A directory's trailing `/` must stay in the name part.
    let search = &name[..name.len() - 1];
    search
        .iter()
        .enumerate()
        .rev()
        .filter(|&(_, &b)| b == b'/')
        .map(|(i, _)| (&name[..i], &name[i + 1..]))
        .find(|(prefix, rest)| prefix.len() <= 155 && rest.len() <= 100 && !rest.is_empty())
}

fn pax_record(key: &[u8], value: &[u8]) -> Vec<u8> {
    // The length counts itself: find the fixed point.
    let body = key.len() + value.len() + 3; // ' ', '=', '\n'
    let mut len = body + 1;
    while len != body + len.to_string().len() {
        len = body + len.to_string().len();
    }
    let mut record = format!("{len} ").into_bytes();
    record.extend_from_slice(key);
    record.push(b'=');
    record.extend_from_slice(value);
    record.push(b'\n');
    record
}

fn ustar_block(
    out: &mut Vec<u8>,
    (prefix, name): (&[u8], &[u8]),
    flag: u8,
    mode: u32,
    size: u64,
    mtime: u64,
    link: &[u8],
) {
    let mut b = [0u8; BLOCK];
    b[..name.len()].copy_from_slice(name);
    octal(&mut b[100..108], u64::from(mode));
    octal(&mut b[108..116], 0);
    octal(&mut b[116..124], 0);
    octal(&mut b[124..136], size);
    octal(&mut b[136..148], mtime.min(MAX_OCTAL_SIZE));
    b[156] = flag;
    b[157..157 + link.len()].copy_from_slice(link);
    b[257..263].copy_from_slice(b"ustar\0");
    b[263..265].copy_from_slice(b"00");
    b[345..345 + prefix.len()].copy_from_slice(prefix);
    b[148..156].fill(b' ');
    let sum: u64 = b.iter().map(|&x| u64::from(x)).sum();
    let sum = format!("{sum:06o}\0 ");
    b[148..156].copy_from_slice(sum.as_bytes());
    out.extend_from_slice(&b);
}

/// Writes `value` as zero-padded octal digits filling the field but its last byte (NUL).
fn octal(field: &mut [u8], value: u64) {
    let digits = field.len() - 1;
    let text = format!("{value:0digits$o}");
    field[..digits].copy_from_slice(&text.as_bytes()[text.len() - digits..]);
    field[digits] = 0;
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entries(archive: &[u8]) -> Vec<(Entry, Vec<u8>)> {
        let mut r = Reader::new(archive);
        let mut all = Vec::new();
        while let Some(e) = r.next_entry().unwrap() {
            let mut data = Vec::new();
            r.read_to_end(&mut data).unwrap();
            all.push((e, data));
        }
        all
    }

    fn temp_dir(tag: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("dkr-tar-{tag}-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).unwrap();
        dir
    }

    #[test]
    fn a_tree_round_trips_through_the_writer_and_the_reader() {
        let dir = temp_dir("tree");
        let root = dir.join("src");
        fs::create_dir_all(root.join("sub")).unwrap();
        fs::write(root.join("a.txt"), b"hello").unwrap();
        fs::write(root.join("sub/big"), vec![7u8; 1500]).unwrap();
        fs::write(root.join("empty"), b"").unwrap();
        std::os::unix::fs::symlink("a.txt", root.join("link")).unwrap();
        fs::set_permissions(root.join("a.txt"), fs::Permissions::from_mode(0o750)).unwrap();
        let mut archive = Vec::new();
        Writer::new(&root, "src")
            .unwrap()
            .read_to_end(&mut archive)
            .unwrap();
        assert_eq!(archive.len() % BLOCK, 0);
        let got = entries(&archive);
        let summary: Vec<_> = got
            .iter()
            .map(|(e, d)| (e.path.as_str(), e.kind.clone(), d.len()))
            .collect();
        assert_eq!(
            summary,
            [
                ("src", Kind::Dir, 0),
                ("src/a.txt", Kind::File, 5),
                ("src/empty", Kind::File, 0),
                ("src/link", Kind::Symlink("a.txt".into()), 0),
                ("src/sub", Kind::Dir, 0),
                ("src/sub/big", Kind::File, 1500),
            ]
        );
        assert_eq!(got[1].1, b"hello");
        assert_eq!(got[1].0.mode, 0o750);
        assert!(got[5].1.iter().all(|&b| b == 7));
        fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn long_names_use_the_prefix_or_a_pax_header() {
        let medium = format!("{}/{}", "d".repeat(120), "f".repeat(90));
        let long = "x".repeat(300);
        let long_link = "t".repeat(150);
        let mut archive = Vec::new();
        header(&mut archive, medium.as_bytes(), b'0', 0o644, 3, 0, b"");
        archive.extend_from_slice(b"abc");
        archive.resize(archive.len() + BLOCK - 3, 0);
        header(
            &mut archive,
            long.as_bytes(),
            b'2',
            0o777,
            0,
            0,
            long_link.as_bytes(),
        );
        archive.resize(archive.len() + 2 * BLOCK, 0);
        let got = entries(&archive);
        assert_eq!(got[0].0.path, medium);
        assert_eq!(got[0].1, b"abc");
        assert_eq!(got[1].0.path, long);
        assert_eq!(got[1].0.kind, Kind::Symlink(long_link));
        assert_eq!(got.len(), 2);
    }

    #[test]
    fn pax_lengths_count_themselves() {
        assert_eq!(pax_record(b"path", b"abc"), b"12 path=abc\n");
        let r = pax_record(b"path", &[b'a'; 90]);
        assert_eq!(r.len(), 99);
        assert!(r.starts_with(b"99 path=aaa"));
        // 98 bytes and a two-digit length would be 100: three digits, so 101.
        let r = pax_record(b"p", &[b'a'; 94]);
        assert_eq!(r.len(), 101);
        assert!(r.starts_with(b"101 "));
    }

    #[test]
    fn gnu_long_names_and_base256_sizes_are_read() {
        let mut archive = Vec::new();
        let long = "n".repeat(200);
        let mut data = long.as_bytes().to_vec();
        data.push(0);
        ustar_block(
            &mut archive,
            (b"", b"././@LongLink"),
            b'L',
            0,
            data.len() as u64,
            0,
            b"",
        );
        archive.extend_from_slice(&data);
        archive.resize(archive.len() + padding(data.len() as u64) as usize, 0);
        let mut block = Vec::new();
        ustar_block(&mut block, (b"", b"short"), b'0', 0o600, 0, 0, b"");
        // Size 2 in base-256, checksum recomputed.
        block[124..136].copy_from_slice(&[0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2]);
        block[148..156].fill(b' ');
        let sum: u64 = block.iter().map(|&x| u64::from(x)).sum();
        block[148..156].copy_from_slice(format!("{sum:06o}\0 ").as_bytes());
        archive.extend_from_slice(&block);
        archive.extend_from_slice(b"hi");
        archive.resize(archive.len() + BLOCK - 2 + 2 * BLOCK, 0);
        let got = entries(&archive);
        assert_eq!(got.len(), 1);
        assert_eq!(got[0].0.path, long);
        assert_eq!(got[0].1, b"hi");
    }

    #[test]
    fn damaged_archives_are_errors_not_panics() {
        let mut archive = Vec::new();
        header(&mut archive, b"f", b'0', 0o644, 10, 0, b"");
        archive.extend_from_slice(b"abc");
        let mut r = Reader::new(&archive[..]);
        r.next_entry().unwrap();
        assert!(io::copy(&mut r, &mut io::sink()).is_err());
        // A bad checksum.
        let mut bad = archive.clone();
        bad[0] = b'g';
        assert!(Reader::new(&bad[..]).next_entry().is_err());
        // Half a header.
        assert!(Reader::new(&archive[..100]).next_entry().is_err());
        // Garbage.
        assert!(Reader::new(&[b'x'; 1024][..]).next_entry().is_err());
        // An empty stream is an empty archive.
        assert_eq!(Reader::new(&[][..]).next_entry().unwrap(), None);
    }

    #[test]
    fn damaged_bytes_anywhere_never_panic() {
        // A valid archive with a long name, a link and data, damaged one byte at a time
        // (and cut short) in a deterministic pseudo-random way: every outcome is an entry
        // list or an error.
        let mut archive = Vec::new();
        header(
            &mut archive,
            "n".repeat(300).as_bytes(),
            b'0',
            0o644,
            600,
            7,
            b"",
        );
        archive.extend_from_slice(&[b'd'; 600]);
        archive.resize(archive.len() + padding(600) as usize, 0);
        header(&mut archive, b"l", b'2', 0o777, 0, 7, &[b't'; 150]);
        archive.resize(archive.len() + 2 * BLOCK, 0);
        let mut seed: u64 = 0x2545_f491_4f6c_dd1d;
        let mut next = || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        for _ in 0..3000 {
            let mut damaged = archive.clone();
            for _ in 0..1 + next() % 4 {
                let at = (next() % damaged.len() as u64) as usize;
                damaged[at] = next() as u8;
            }
            let cut = (next() % (damaged.len() as u64 + 1)) as usize;
            let mut r = Reader::new(&damaged[..cut]);
            for _ in 0..10 {
                match r.next_entry() {
                    Ok(Some(_)) => {
                        let _ = io::copy(&mut r, &mut io::sink());
                    }
                    Ok(None) | Err(_) => break,
                }
            }
        }
    }

    #[test]
    fn a_huge_extended_header_is_refused() {
        let mut archive = Vec::new();
        ustar_block(
            &mut archive,
            (b"", b"pax"),
            b'x',
            0,
            MAX_EXTENDED + 1,
            0,
            b"",
        );
        let err = Reader::new(&archive[..]).next_entry().unwrap_err();
        assert!(err.to_string().contains("too large"), "{err}");
    }
}
