//! Tar headers as Go's `archive/tar` writes them for the docker CLI's build contexts: ustar,
//! with a PAX extended header before an entry whose name, link target or size does not fit.
//! Owner and group are 0 (the CLI's `ChownOpts`), times are whole seconds.

/// The tar block size.
pub(crate) const BLOCK: usize = 512;

/// The largest size or time the 11 octal digits of a ustar field hold.
const MAX_OCTAL: u64 = 0o77_777_777_777;

/// What an entry is, by its ustar type flag.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum EntryType {
    File,
    HardLink,
    Symlink,
    CharDevice,
    BlockDevice,
    Dir,
    Fifo,
}

impl EntryType {
    fn flag(self) -> u8 {
        match self {
            EntryType::File => b'0',
            EntryType::HardLink => b'1',
            EntryType::Symlink => b'2',
            EntryType::CharDevice => b'3',
            EntryType::BlockDevice => b'4',
            EntryType::Dir => b'5',
            EntryType::Fifo => b'6',
        }
    }
}

/// One entry's header fields.
#[derive(Debug, Clone)]
pub(crate) struct Header<'a> {
    /// The path in the archive, `/`-separated; a directory's ends with `/`.
    pub(crate) name: &'a [u8],
    pub(crate) kind: EntryType,
    /// Permission and set-id bits (`0o7777`).
    pub(crate) mode: u32,
    /// The size of the data that follows (regular files only).
    pub(crate) size: u64,
    /// Seconds since the epoch.
    pub(crate) mtime: u64,
    /// A link's target.
    pub(crate) link: &'a [u8],
    /// A device's numbers.
    pub(crate) device: (u32, u32),
}

/// Appends the header (preceded by a PAX header when needed) to `out`.
pub(crate) fn append_header(out: &mut Vec<u8>, h: &Header<'_>) {
    let split = split_name(h.name);
    let mut records = Vec::new();
    if split.is_none() || !h.name.is_ascii() {
        records.extend(pax_record(b"path", h.name));
    }
    if h.link.len() > 100 || !h.link.is_ascii() {
        records.extend(pax_record(b"linkpath", h.link));
    }
    if h.size > MAX_OCTAL {
        records.extend(pax_record(b"size", h.size.to_string().as_bytes()));
    }
    if h.mtime > MAX_OCTAL {
        records.extend(pax_record(b"mtime", h.mtime.to_string().as_bytes()));
    }
    if !records.is_empty() {
        let mut pax_name = b"PaxHeaders.0/".to_vec();
        let base = h.name.rsplit(|&b| b == b'/').find(|s| !s.is_empty());
        pax_name.extend_from_slice(base.unwrap_or(b"entry"));
        pax_name.truncate(100);
        let pax = Header {
            name: &pax_name,
            kind: EntryType::File,
            mode: 0o644,
            size: records.len() as u64,
            mtime: h.mtime.min(MAX_OCTAL),
            link: b"",
            device: (0, 0),
        };
        block(out, (b"", &pax_name), b'x', &pax);
        out.extend_from_slice(&records);
        pad(out, records.len() as u64);
    }
    let (prefix, name) = split.unwrap_or((b"", &h.name[h.name.len().saturating_sub(100)..]));
    block(out, (prefix, name), h.kind.flag(), h);
}

/// The zeros that fill a file's data to a whole block.
pub(crate) fn padding(size: u64) -> u64 {
    (BLOCK as u64 - size % BLOCK as u64) % BLOCK as u64
}

fn pad(out: &mut Vec<u8>, size: u64) {
    out.resize(out.len() + padding(size) as usize, 0);
}

/// Splits a name into ustar's prefix (155 bytes) and name (100 bytes) at a `/`, or `None`
/// when it cannot be.
fn split_name(name: &[u8]) -> Option<(&[u8], &[u8])> {
    if name.len() <= 100 {
        return Some((b"", name));
    }
    // A directory's trailing `/` stays in the name part.
    let search = &name[..name.len() - 1];
    search
        .iter()
        .enumerate()
        .rev()
        .filter(|&(_, &b)| b == b'/')
        .map(|(i, _)| (&name[..i], &name[i + 1..]))
        .find(|(prefix, rest)| prefix.len() <= 155 && rest.len() <= 100 && !rest.is_empty())
}

/// A PAX record: `<length> <key>=<value>\n`, the length counting itself.
fn pax_record(key: &[u8], value: &[u8]) -> Vec<u8> {
    let body = key.len() + value.len() + 3;
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

fn block(out: &mut Vec<u8>, (prefix, name): (&[u8], &[u8]), flag: u8, h: &Header<'_>) {
    let mut b = [0u8; BLOCK];
    b[..name.len()].copy_from_slice(name);
    octal(&mut b[100..108], u64::from(h.mode));
    octal(&mut b[108..116], 0);
    octal(&mut b[116..124], 0);
    octal(&mut b[124..136], h.size.min(MAX_OCTAL));
    octal(&mut b[136..148], h.mtime.min(MAX_OCTAL));
    b[156] = flag;
    let link = &h.link[..h.link.len().min(100)];
    b[157..157 + link.len()].copy_from_slice(link);
    b[257..263].copy_from_slice(b"ustar\0");
    b[263..265].copy_from_slice(b"00");
    if matches!(h.kind, EntryType::CharDevice | EntryType::BlockDevice) {
        octal(&mut b[329..337], u64::from(h.device.0));
        octal(&mut b[337..345], u64::from(h.device.1));
    }
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

/// A whole archive of regular files held in memory: `(name, content)` pairs, mode 0644,
/// time 0, then the two zero blocks that end an archive. For the dispatch table's
/// tarball arguments.
#[cfg(any(feature = "dispatch", test))]
pub(crate) fn archive_of(files: &[(&str, &[u8])]) -> Vec<u8> {
    let mut out = Vec::new();
    for (name, content) in files {
        let header = Header {
            name: name.as_bytes(),
            kind: EntryType::File,
            mode: 0o644,
            size: content.len() as u64,
            mtime: 0,
            link: b"",
            device: (0, 0),
        };
        append_header(&mut out, &header);
        out.extend_from_slice(content);
        pad(&mut out, content.len() as u64);
    }
    out.resize(out.len() + 2 * BLOCK, 0);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn checksum_ok(block: &[u8]) -> bool {
        let stored = std::str::from_utf8(&block[148..154]).unwrap();
        let stored = u64::from_str_radix(stored.trim(), 8).unwrap();
        let sum: u64 = block
            .iter()
            .enumerate()
            .map(|(i, &b)| {
                if (148..156).contains(&i) {
                    32
                } else {
                    u64::from(b)
                }
            })
            .sum();
        stored == sum
    }

    #[test]
    fn short_names_fit_a_ustar_header() {
        let tar = archive_of(&[("hello.txt", b"hi\n")]);
        assert_eq!(tar.len(), 4 * BLOCK);
        assert_eq!(&tar[..9], b"hello.txt");
        assert_eq!(&tar[124..135], b"00000000003");
        assert_eq!(tar[156], b'0');
        assert_eq!(&tar[257..263], b"ustar\0");
        assert!(checksum_ok(&tar[..BLOCK]));
        assert_eq!(&tar[BLOCK..BLOCK + 3], b"hi\n");
    }

    #[test]
    fn long_names_use_the_prefix_or_a_pax_record() {
        let mut out = Vec::new();
        let name = format!("{}/{}", "d".repeat(120), "f".repeat(90));
        let h = Header {
            name: name.as_bytes(),
            kind: EntryType::File,
            mode: 0o644,
            size: 0,
            mtime: 1,
            link: b"",
            device: (0, 0),
        };
        append_header(&mut out, &h);
        assert_eq!(out.len(), BLOCK, "the ustar prefix holds it");
        assert_eq!(&out[345..465], "d".repeat(120).as_bytes());

        let mut out = Vec::new();
        let name = "n".repeat(300);
        append_header(
            &mut out,
            &Header {
                name: name.as_bytes(),
                ..h
            },
        );
        assert_eq!(out[156], b'x');
        assert!(checksum_ok(&out[..BLOCK]));
        let record = format!("310 path={name}\n");
        assert_eq!(&out[BLOCK..BLOCK + record.len()], record.as_bytes());
        assert_eq!(out.len(), 3 * BLOCK);
    }

    #[test]
    fn pax_records_count_their_own_length() {
        assert_eq!(pax_record(b"path", b"abc"), b"12 path=abc\n");
        let value = vec![b'x'; 91];
        let record = pax_record(b"path", &value);
        assert_eq!(record.len(), 101);
        assert!(record.starts_with(b"101 "));
    }
}
