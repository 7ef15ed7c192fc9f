//! Text helpers that reproduce the Docker CLI's look: short IDs, ellipsis, Go quoting,
//! port lists, byte sizes and tables aligned like Go's `text/tabwriter`.

use std::fmt::Write as _;
use std::io::{self, Write};
use std::net::IpAddr;

use docker_models::Port;

/// The first 12 characters of an ID, after any `sha256:` prefix, as docker shows IDs.
///
/// ```
/// assert_eq!(dkr::text::short_id("sha256:74b4c5814d470d989144"), "74b4c5814d47");
/// assert_eq!(dkr::text::short_id("abc"), "abc");
/// ```
pub fn short_id(id: &str) -> &str {
    let id = id.strip_prefix("sha256:").unwrap_or(id);
    match id.char_indices().nth(12) {
        Some((end, _)) => &id[..end],
        None => id,
    }
}

/// The ID as shown: short unless `trunc` is off.
pub fn id(id: &str, trunc: bool) -> &str {
    if trunc {
        short_id(id)
    } else {
        id
    }
}

/// The display width of a character as the Docker CLI counts it: 2 for East Asian wide
/// and full-width characters, else 1.
fn char_width(c: char) -> usize {
    let c = c as u32;
    let wide = matches!(c,
        0x1100..=0x115F
        | 0x2E80..=0x303E
        | 0x3041..=0x33FF
        | 0x3400..=0x4DBF
        | 0x4E00..=0x9FFF
        | 0xA000..=0xA4CF
        | 0xAC00..=0xD7A3
        | 0xF900..=0xFAFF
        | 0xFE30..=0xFE4F
        | 0xFF00..=0xFF60
        | 0xFFE0..=0xFFE6
        | 0x1F300..=0x1F64F
        | 0x1F900..=0x1F9FF
        | 0x20000..=0x2FFFD
        | 0x30000..=0x3FFFD);
    if wide {
        2
    } else {
        1
    }
}

/// Shortens `s` to `max` display columns, the last one an ellipsis (`…`), like the Docker
/// CLI's `Ellipsis`.
///
/// ```
/// assert_eq!(dkr::text::ellipsis("sleep 3600", 20), "sleep 3600");
/// assert_eq!(dkr::text::ellipsis("sh -c 'echo hi > /foo; rm'", 20), "sh -c 'echo hi > /f…");
/// ```
pub fn ellipsis(s: &str, max: usize) -> String {
    if max == 0 {
        return String::new();
    }
    if max == 1 {
        return s.chars().next().map(String::from).unwrap_or_default();
    }
    let width: usize = s.chars().map(char_width).sum();
    if width <= max {
        return s.to_owned();
    }
    let mut out = String::new();
    let mut used = 0;
    for c in s.chars() {
        let w = char_width(c);
        if used + w > max - 1 {
            break;
        }
        used += w;
        out.push(c);
    }
    out.push('…');
    out
}

/// `s` as a double-quoted Go string literal (`strconv.Quote`): `"` and `\` escaped,
/// control and other non-printing characters as `\n`, `\t`, `\x1b`, `\u200b`...
///
/// ```
/// assert_eq!(dkr::text::go_quote("sh -c \"a\tb\""), r#""sh -c \"a\tb\"""#);
/// assert_eq!(dkr::text::go_quote("…"), "\"…\"");
/// ```
pub fn go_quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\x07' => out.push_str("\\a"),
            '\x08' => out.push_str("\\b"),
            '\x0c' => out.push_str("\\f"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\x0b' => out.push_str("\\v"),
            c if is_go_printable(c) => out.push(c),
            c if (c as u32) < 0x80 => {
                let _ = write!(out, "\\x{:02x}", c as u32);
            }
            c if (c as u32) < 0x10000 => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => {
                let _ = write!(out, "\\U{:08x}", c as u32);
            }
        }
    }
    out.push('"');
    out
}

/// An approximation of Go's `unicode.IsPrint`: no control characters, no spaces other
/// than U+0020, no format characters (zero-width, bidi controls, BOM).
fn is_go_printable(c: char) -> bool {
    if c == ' ' {
        return true;
    }
    if c.is_control() || c.is_whitespace() {
        return false;
    }
    !matches!(c as u32,
        0xAD | 0x600..=0x605 | 0x61C | 0x6DD | 0x70F | 0x180E
        | 0x200B..=0x200F | 0x202A..=0x202E | 0x2060..=0x206F
        | 0xFEFF | 0xFFF9..=0xFFFB | 0xE000..=0xF8FF
        | 0xD800..=0xDFFF | 0xE0000..=0xE007F)
}

/// The ports column of `docker ps` (the Docker CLI's `DisplayablePorts`): published ports
/// as `0.0.0.0:8080->80/tcp`, runs of ports with the same mapping grouped
/// (`8000-8002/tcp`), exposed-only ports as `80/tcp`.
///
/// ```
/// use docker_models::Port;
/// let p = |ip: &str, private, public| Port {
///     ip: ip.into(), private_port: private, public_port: public, typ: "tcp".into(),
///     ..Default::default()
/// };
/// let ports = [p("0.0.0.0", 80, 8080), p("", 443, 0), p("::", 80, 8080)];
/// assert_eq!(
///     dkr::text::display_ports(&ports),
///     "443/tcp, 0.0.0.0:8080->80/tcp, [::]:8080->80/tcp"
/// );
/// ```
pub fn display_ports(ports: &[Port]) -> String {
    struct Group {
        key: String,
        first: u16,
        last: u16,
    }
    let mut sorted: Vec<&Port> = ports.iter().collect();
    sorted.sort_by(|a, b| {
        a.private_port
            .cmp(&b.private_port)
            .then_with(|| ip_order(&a.ip).cmp(&ip_order(&b.ip)))
            .then_with(|| a.public_port.cmp(&b.public_port))
            .then_with(|| a.typ.cmp(&b.typ))
    });
    let mut groups: Vec<Group> = Vec::new();
    let mut result = Vec::new();
    let mut host_mappings = Vec::new();
    for port in sorted {
        let current = port.private_port;
        let mut key = port.typ.clone();
        if !port.ip.is_empty() {
            if port.public_port != current {
                host_mappings.push(format!(
                    "{}->{}/{}",
                    join_host_port(&port.ip, &port.public_port.to_string()),
                    port.private_port,
                    port.typ
                ));
                continue;
            }
            key = format!("{}/{}", port.ip, port.typ);
        }
        match groups.iter_mut().find(|g| g.key == key) {
            None => groups.push(Group {
                key,
                first: current,
                last: current,
            }),
            Some(g) if g.last.checked_add(1) == Some(current) => g.last = current,
            Some(g) => {
                result.push(form_group(&g.key, g.first, g.last));
                g.first = current;
                g.last = current;
            }
        }
    }
    for g in &groups {
        result.push(form_group(&g.key, g.first, g.last));
    }
    result.extend(host_mappings);
    result.join(", ")
}

/// The order of Go's `netip.Addr.Less`: no address, then IPv4, then IPv6, numerically.
fn ip_order(ip: &str) -> (u8, u128, String) {
    match ip.parse::<IpAddr>() {
        Ok(IpAddr::V4(a)) => (1, u128::from(u32::from(a)), String::new()),
        Ok(IpAddr::V6(a)) => (2, u128::from(a), String::new()),
        Err(_) if ip.is_empty() => (0, 0, String::new()),
        Err(_) => (3, 0, ip.to_owned()),
    }
}

fn form_group(key: &str, first: u16, last: u16) -> String {
    let (ip, typ) = match key.rsplit_once('/') {
        Some((ip, typ)) => (ip, typ),
        None => ("", key),
    };
    let mut group = first.to_string();
    if first != last {
        let _ = write!(group, "-{last}");
    }
    if !ip.is_empty() {
        group = format!("{}->{group}", join_host_port(ip, &group));
    }
    format!("{group}/{typ}")
}

/// Go's `net.JoinHostPort`: IPv6 hosts in brackets.
fn join_host_port(host: &str, port: &str) -> String {
    if host.contains(':') {
        format!("[{host}]:{port}")
    } else {
        format!("{host}:{port}")
    }
}

/// A size in binary units with four significant digits, as go-units' `BytesSize` words
/// it (`docker info`'s Total Memory): `23.54GiB`, `512MiB`, `0B`.
///
/// ```
/// assert_eq!(dkr::text::bytes_size(25_275_895_808.0), "23.54GiB");
/// assert_eq!(dkr::text::bytes_size(536_870_912.0), "512MiB");
/// ```
pub fn bytes_size(size: f64) -> String {
    const UNITS: [&str; 9] = ["B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB", "ZiB", "YiB"];
    let mut size = if size.is_finite() { size } else { 0.0 };
    let mut i = 0;
    while size >= 1024.0 && i < UNITS.len() - 1 {
        size /= 1024.0;
        i += 1;
    }
    format!("{}{}", go_g4(size), UNITS[i])
}

/// A size in decimal units with `precision` significant digits, as go-units'
/// `HumanSizeWithPrecision` words it: `docker images`' SIZE (precision 3) and the pull and
/// push progress (`HumanSize`, precision 4): `1.98MB`, `69.21kB`, `5B`.
///
/// ```
/// assert_eq!(dkr::text::human_size(1_982_256.0, 3), "1.98MB");
/// assert_eq!(dkr::text::human_size(69_213.0, 4), "69.21kB");
/// ```
pub fn human_size(size: f64, precision: usize) -> String {
    const UNITS: [&str; 9] = ["B", "kB", "MB", "GB", "TB", "PB", "EB", "ZB", "YB"];
    let mut size = if size.is_finite() { size } else { 0.0 };
    let mut i = 0;
    while size >= 1000.0 && i < UNITS.len() - 1 {
        size /= 1000.0;
        i += 1;
    }
    format!("{}{}", go_g(size, precision), UNITS[i])
}

/// Go's `%.4g`.
fn go_g4(v: f64) -> String {
    go_g(v, 4)
}

/// Go's `%.Ng`: `precision` significant digits, trailing zeros dropped, exponent form for
/// very large or small numbers.
fn go_g(v: f64, precision: usize) -> String {
    if v == 0.0 {
        return "0".into();
    }
    let precision = precision.max(1);
    // Round to the significant digits first; the exponent is that of the rounded value.
    let sci = format!("{v:.*e}", precision - 1);
    let (mantissa, exp) = sci.split_once('e').unwrap_or((&sci, "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    let p = i32::try_from(precision).unwrap_or(i32::MAX);
    if exp < -4 || exp >= p {
        let m = trim_fraction(mantissa);
        let sign = if exp < 0 { '-' } else { '+' };
        return format!("{m}e{sign}{:02}", exp.abs());
    }
    let decimals = (p - 1 - exp).max(0) as usize;
    trim_fraction(&format!("{v:.decimals$}")).to_owned()
}

/// The order of `sortorder.NaturalLess`, which `docker network ls` and `docker volume ls`
/// sort by: runs of digits compare as numbers (`vol2` before `vol10`), digits before other
/// characters, other bytes as bytes.
///
/// ```
/// use std::cmp::Ordering;
/// assert_eq!(dkr::text::natural_cmp("vol2", "vol10"), Ordering::Less);
/// assert_eq!(dkr::text::natural_cmp("b", "a10"), Ordering::Greater);
/// ```
pub fn natural_cmp(a: &str, b: &str) -> std::cmp::Ordering {
    use std::cmp::Ordering;
    match (natural_less(a, b), natural_less(b, a)) {
        (true, _) => Ordering::Less,
        (false, true) => Ordering::Greater,
        (false, false) => Ordering::Equal,
    }
}

fn natural_less(s1: &str, s2: &str) -> bool {
    let (a, b) = (s1.as_bytes(), s2.as_bytes());
    let (mut i, mut j) = (0, 0);
    while i < a.len() && j < b.len() {
        let (c1, c2) = (a[i], b[j]);
        let (d1, d2) = (c1.is_ascii_digit(), c2.is_ascii_digit());
        if d1 != d2 {
            return d1;
        }
        if !d1 {
            if c1 != c2 {
                return c1 < c2;
            }
            i += 1;
            j += 1;
            continue;
        }
        while i < a.len() && a[i] == b'0' {
            i += 1;
        }
        while j < b.len() && b[j] == b'0' {
            j += 1;
        }
        let (nz1, nz2) = (i, j);
        while i < a.len() && a[i].is_ascii_digit() {
            i += 1;
        }
        while j < b.len() && b[j].is_ascii_digit() {
            j += 1;
        }
        let (len1, len2) = (i - nz1, j - nz2);
        if len1 != len2 {
            return len1 < len2;
        }
        if a[nz1..i] != b[nz2..j] {
            return a[nz1..i] < b[nz2..j];
        }
        if nz1 != nz2 {
            return nz1 < nz2;
        }
    }
    a.len() < b.len()
}

fn trim_fraction(s: &str) -> &str {
    if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.')
    } else {
        s
    }
}

/// A table aligned exactly like the Docker CLI's (Go's `text/tabwriter`).
///
/// A column is a block of consecutive rows that have a cell in it, the last cell of a row
/// never counting (it is not tab-terminated). Its width is its widest cell plus `padding`,
/// and at least `min_width`; the last cell of a row is not padded. Widths are display
/// columns (East Asian wide characters count two). Tabs and line breaks inside cells
/// become spaces so that no cell can break the layout.
///
/// ```
/// let mut t = dkr::text::Table::docker();
/// t.row(["CONTAINER ID", "PORTS", "NAMES"]);
/// t.row(["1cd78d71f60d", "", "web"]);
/// let mut out = Vec::new();
/// t.write_to(&mut out).unwrap();
/// assert_eq!(
///     String::from_utf8(out).unwrap(),
///     "CONTAINER ID   PORTS     NAMES\n1cd78d71f60d             web\n"
/// );
/// ```
#[derive(Debug)]
pub struct Table {
    min_width: usize,
    padding: usize,
    rows: Vec<Vec<String>>,
}

impl Table {
    /// The layout of `docker ps` and docker's other lists: minimum width 10, padding 3.
    pub fn docker() -> Table {
        Table::new(10, 3)
    }

    /// A table with the given minimum column width and padding.
    pub fn new(min_width: usize, padding: usize) -> Table {
        Table {
            min_width,
            padding,
            rows: Vec::new(),
        }
    }

    /// Adds a row.
    pub fn row<I, S>(&mut self, cells: I)
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        self.rows.push(
            cells
                .into_iter()
                .map(|c| c.as_ref().replace(['\t', '\n', '\r'], " "))
                .collect(),
        );
    }

    /// Writes the aligned table.
    pub fn write_to(&self, out: &mut dyn Write) -> io::Result<()> {
        let mut widths = vec![Vec::new(); self.rows.len()];
        let mut stack = Vec::new();
        self.layout(0, self.rows.len(), &mut stack, &mut widths);
        let mut text = String::new();
        for (row, widths) in self.rows.iter().zip(&widths) {
            for (j, cell) in row.iter().enumerate() {
                text.push_str(cell);
                if let Some(&w) = widths.get(j) {
                    let pad = w.saturating_sub(display_width(cell));
                    text.extend(std::iter::repeat(' ').take(pad));
                }
            }
            text.push('\n');
        }
        out.write_all(text.as_bytes())
    }

    /// Go's `format`: finds the column blocks of column `stack.len()` within rows
    /// `start..end`, and records each row's column widths.
    fn layout(&self, start: usize, end: usize, stack: &mut Vec<usize>, widths: &mut [Vec<usize>]) {
        let column = stack.len();
        let has_cell = |r: usize| self.rows[r].len() > column + 1;
        let mut r = start;
        while r < end {
            if !has_cell(r) {
                widths[r].clone_from(stack);
                r += 1;
                continue;
            }
            let block_start = r;
            let mut width = self.min_width;
            while r < end && has_cell(r) {
                width = width.max(display_width(&self.rows[r][column]) + self.padding);
                r += 1;
            }
            stack.push(width);
            self.layout(block_start, r, stack, widths);
            stack.pop();
        }
    }
}

/// The display width of a cell.
fn display_width(s: &str) -> usize {
    s.chars().map(char_width).sum()
}

/// Writes `value` as indented JSON (four spaces, like `docker inspect`) and a newline.
pub fn write_json_pretty<T: serde::Serialize + ?Sized>(
    out: &mut dyn Write,
    value: &T,
) -> io::Result<()> {
    let formatter = serde_json::ser::PrettyFormatter::with_indent(b"    ");
    let mut ser = serde_json::Serializer::with_formatter(&mut *out, formatter);
    value.serialize(&mut ser).map_err(io::Error::from)?;
    out.write_all(b"\n")
}

/// Writes `value` as one line of JSON.
pub fn write_json_line<T: serde::Serialize + ?Sized>(
    out: &mut dyn Write,
    value: &T,
) -> io::Result<()> {
    serde_json::to_writer(&mut *out, value).map_err(io::Error::from)?;
    out.write_all(b"\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn port(ip: &str, private: u16, public: u16, typ: &str) -> Port {
        Port {
            ip: ip.into(),
            private_port: private,
            public_port: public,
            typ: typ.into(),
            ..Port::default()
        }
    }

    #[test]
    fn short_ids() {
        assert_eq!(
            short_id("1cd78d71f60d7e47f51b93ff3e12e3ea6d891a7442744a92ba7bed8e32377672"),
            "1cd78d71f60d"
        );
        assert_eq!(short_id("sha256:"), "");
        assert_eq!(short_id("ééééééééééééé"), "éééééééééééé");
    }

    #[test]
    fn ellipsis_like_docker() {
        assert_eq!(ellipsis("", 20), "");
        assert_eq!(ellipsis("12345678901234567890", 20), "12345678901234567890");
        assert_eq!(
            ellipsis("123456789012345678901", 20),
            "1234567890123456789…"
        );
        assert_eq!(ellipsis("abc", 1), "a");
        assert_eq!(ellipsis("abc", 0), "");
        // Wide characters count two columns.
        assert_eq!(
            ellipsis("你好世界你好世界你好世界", 20),
            "你好世界你好世界你…"
        );
        assert_eq!(ellipsis("你好", 4), "你好");
    }

    #[test]
    fn quotes_like_go() {
        assert_eq!(go_quote(""), r#""""#);
        assert_eq!(go_quote("a\\b"), r#""a\\b""#);
        assert_eq!(go_quote("\x1b[1m"), r#""\x1b[1m""#);
        assert_eq!(go_quote("\u{7f}"), r#""\x7f""#);
        assert_eq!(go_quote("a\u{200b}b"), r#""a\u200bb""#);
        assert_eq!(go_quote("\u{a0}"), r#""\u00a0""#);
        assert_eq!(go_quote("\r\n\x07\x08\x0b\x0c"), r#""\r\n\a\b\v\f""#);
        assert_eq!(go_quote("héllo 你好"), "\"héllo 你好\"");
    }

    #[test]
    fn ports_like_docker_ps() {
        assert_eq!(display_ports(&[]), "");
        assert_eq!(display_ports(&[port("", 80, 0, "tcp")]), "80/tcp");
        assert_eq!(
            display_ports(&[port("0.0.0.0", 80, 8080, "tcp")]),
            "0.0.0.0:8080->80/tcp"
        );
        // Same public and private port: grouped by address.
        let same = [
            port("0.0.0.0", 8001, 8001, "tcp"),
            port("0.0.0.0", 8000, 8000, "tcp"),
            port("0.0.0.0", 8002, 8002, "tcp"),
        ];
        assert_eq!(display_ports(&same), "0.0.0.0:8000-8002->8000-8002/tcp");
        // Exposed ranges with a hole, two protocols.
        let exposed = [
            port("", 1, 0, "tcp"),
            port("", 2, 0, "tcp"),
            port("", 4, 0, "tcp"),
            port("", 2, 0, "udp"),
        ];
        assert_eq!(display_ports(&exposed), "1-2/tcp, 4/tcp, 2/udp");
        // IPv4 sorts before IPv6, mappings come last.
        let both = [
            port("::", 80, 8080, "tcp"),
            port("0.0.0.0", 80, 8080, "tcp"),
            port("", 9000, 0, "udp"),
        ];
        assert_eq!(
            display_ports(&both),
            "9000/udp, 0.0.0.0:8080->80/tcp, [::]:8080->80/tcp"
        );
        // The largest port cannot overflow the grouping.
        let top = [port("", 65535, 0, "tcp"), port("", 0, 0, "tcp")];
        assert_eq!(display_ports(&top), "0/tcp, 65535/tcp");
    }

    #[test]
    fn sizes_like_go_units() {
        assert_eq!(bytes_size(0.0), "0B");
        assert_eq!(bytes_size(1023.0), "1023B");
        assert_eq!(bytes_size(1024.0), "1KiB");
        assert_eq!(bytes_size(1536.0), "1.5KiB");
        assert_eq!(bytes_size(1_048_575.0), "1024KiB");
        assert_eq!(bytes_size(25_275_895_808.0), "23.54GiB");
        assert_eq!(bytes_size(f64::NAN), "0B");
        assert_eq!(go_g4(12345.0), "1.234e+04");
        assert_eq!(go_g4(0.0001234), "0.0001234");
        assert_eq!(go_g4(0.00001234), "1.234e-05");
    }

    #[test]
    fn decimal_sizes_like_go_units() {
        assert_eq!(human_size(0.0, 3), "0B");
        assert_eq!(human_size(5.0, 3), "5B");
        assert_eq!(human_size(999.0, 3), "999B");
        assert_eq!(human_size(1000.0, 3), "1kB");
        assert_eq!(human_size(1_982_256.0, 3), "1.98MB");
        assert_eq!(human_size(4_000_000.0, 3), "4MB");
        assert_eq!(human_size(4_001_466.0, 4), "4.001MB");
        assert_eq!(human_size(263_168.0, 4), "263.2kB");
        assert_eq!(human_size(999_999.0, 3), "1e+03kB");
        assert_eq!(human_size(f64::INFINITY, 3), "0B");
        assert_eq!(go_g(123.0, 3), "123");
        assert_eq!(go_g(1234.0, 3), "1.23e+03");
    }

    #[test]
    fn natural_order_like_sortorder() {
        use std::cmp::Ordering::*;
        let mut names = [
            "rec-vol10",
            "rec-vol2",
            "ebfe4d",
            "rec-vol1",
            "a01",
            "a1",
            "a",
            "b",
        ];
        names.sort_by(|a, b| natural_cmp(a, b));
        assert_eq!(
            names,
            [
                "a",
                "a1",
                "a01",
                "b",
                "ebfe4d",
                "rec-vol1",
                "rec-vol2",
                "rec-vol10"
            ]
        );
        assert_eq!(natural_cmp("1x", "x"), Less);
        assert_eq!(natural_cmp("x", "x"), Equal);
        assert_eq!(natural_cmp("", "0"), Less);
    }

    fn render(t: &Table) -> String {
        let mut out = Vec::new();
        t.write_to(&mut out).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn column_blocks_like_go_tabwriter() {
        // Rows without a tab end a block; each block has its own widths.
        let mut t = Table::new(0, 1);
        t.row(["a", "b", "c"]);
        t.row(["aaaa", "b"]);
        t.row(["x"]);
        t.row(["yy", "z"]);
        assert_eq!(render(&t), "a    b c\naaaa b\nx\nyy z\n");
        // Minimum width, and wide characters.
        let mut t = Table::new(4, 1);
        t.row(["你好", "x"]);
        t.row(["a", "y"]);
        assert_eq!(render(&t), "你好 x\na    y\n");
        assert_eq!(render(&Table::docker()), "");
    }

    #[test]
    fn tables_align_like_tabwriter() {
        let mut t = Table::docker();
        t.row(["CONTAINER ID", "IMAGE", "NAMES"]);
        t.row(["1cd78d71f60d", "bb:latest", "a\tb"]);
        let mut out = Vec::new();
        t.write_to(&mut out).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "CONTAINER ID   IMAGE       NAMES\n1cd78d71f60d   bb:latest   a b\n"
        );
    }
}
