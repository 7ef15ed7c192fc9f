//! Deterministic normalisation of volatile values.
//!
//! A transcript is cut into segments (header values, request heads and bodies, response
//! heads and bodies, bodies without their chunk framing). Rules find *sites* in them: IDs,
//! times, PIDs, and values replaced by a constant. Values are then numbered over the whole
//! transcript (IDs and PIDs in order of first appearance, times in chronological order),
//! replaced, and the messages are framed again with their lengths and chunk sizes
//! recomputed. Numbering by rank makes the operation idempotent: a normalised transcript
//! normalises to itself.

use std::collections::HashMap;
use std::ops::Range;

use crate::http::{self, Body, Message};
use crate::json::{self, Kind, Scalar, Seg};
use crate::transcript::{Exchange, Transcript};

/// 2020-01-01T00:00:00Z: normalised times are this plus their rank in seconds.
const TIME_BASE: i64 = 1_577_836_800;
/// Times before 2000 are constants (Go's zero time, the Unix epoch), not volatile.
const OLDEST_VOLATILE: i64 = 946_684_800;
/// Normalised PIDs are this plus their rank.
const PID_BASE: u64 = 1000;
/// The normalised value of every `Date` header.
pub(crate) const DATE: &str = "Wed, 01 Jan 2020 00:00:00 GMT";

/// The normalised form of a transcript.
pub(crate) fn normalise(t: &Transcript) -> Transcript {
    let t = &canonical_order(t);
    let mut segments = Vec::new();
    for (key, value) in t.meta_entries() {
        segments.push(Segment::new(
            value.as_bytes().to_vec(),
            match key == "args" {
                true => Part::Json,
                false => Part::Text,
            },
        ));
    }
    let mut messages = Vec::new();
    for ex in t.exchanges() {
        let req = http::parse_request(&ex.request);
        let res = http::parse_response(&ex.response, &req);
        push_message(&mut segments, &req, Part::RequestHead);
        push_message(&mut segments, &res, Part::ResponseHead);
        messages.push((req, res, ex.ending));
    }

    find_sites(&mut segments);
    let values = Numbering::of(&segments);

    let mut out = Transcript::default();
    let mut segs = segments.into_iter();
    let meta_len = t.meta_entries().count();
    for ((key, _), seg) in t.meta_entries().zip(segs.by_ref().take(meta_len)) {
        let (text, _) = seg.rewrite(&values);
        out.meta_mut()
            .push((key.to_owned(), String::from_utf8_lossy(&text).into_owned()));
    }
    for (req, res, ending) in messages {
        let request = rebuild(&req, segs.next(), segs.next(), &values);
        let response = rebuild(&res, segs.next(), segs.next(), &values);
        out.exchanges_mut().push(Exchange {
            request,
            response,
            ending,
        });
    }
    out.set_meta("normalised", "true");
    out
}

/// The transcript with what engines list in map order (so differently from run to run)
/// put in a fixed order: the members of a network's `Containers` by their `Name`, the pairs
/// of `/info`'s `DriverStatus`, and Podman's container lists (by first name) and
/// `Config.Env` lists.
fn canonical_order(t: &Transcript) -> Transcript {
    let mut out = t.clone();
    for ex in out.exchanges_mut() {
        let req = http::parse_request(&ex.request);
        let res = http::parse_response(&ex.response, &req);
        let Some(content) = res.content() else {
            continue;
        };
        let podman = res.header("libpod-api-version").is_some();
        let sites = order_sites(&content, podman);
        if sites.is_empty() {
            continue;
        }
        let head = Segment::new(res.head.clone(), Part::ResponseHead);
        let mut body = Segment::new(content, Part::Json);
        body.sites = sites;
        ex.response = rebuild(&res, Some(head), Some(body), &Numbering::default());
    }
    out
}

/// Replacements that sort the members of unordered collections.
fn order_sites(text: &[u8], podman: bool) -> Vec<(Range<usize>, Site)> {
    let Some(values) = json::values(text) else {
        return Vec::new();
    };
    let raw = |v: &Scalar| String::from_utf8_lossy(&text[v.span.clone()]).into_owned();
    let child = |parent: &Scalar, v: &Scalar| {
        v.doc == parent.doc
            && v.path.len() == parent.path.len() + 1
            && v.path.starts_with(&parent.path)
    };
    let field = |element: &Scalar, name: &[Seg]| {
        values
            .iter()
            .find(|v| {
                v.doc == element.doc
                    && v.path.len() == element.path.len() + name.len()
                    && v.path.starts_with(&element.path)
                    && v.path[element.path.len()..] == *name
            })
            .map(raw)
            .unwrap_or_default()
    };
    let mut sites = Vec::new();
    for parent in values
        .iter()
        .filter(|v| matches!(v.kind, Kind::Object | Kind::Array))
    {
        let sort_by: &dyn Fn(&Scalar) -> String = match (parent.path.as_slice(), parent.kind) {
            ([Seg::Key(k)], Kind::Object) if k == "Containers" => {
                &|e| field(e, &[Seg::Key("Name".into())])
            }
            ([Seg::Key(k)], Kind::Array) if k == "DriverStatus" => &|e| raw(e),
            ([], Kind::Array) if podman => {
                &|e| field(e, &[Seg::Key("Names".into()), Seg::Index(0)])
            }
            ([.., Seg::Key(c), Seg::Key(k)], Kind::Array)
                if podman && c == "Config" && k == "Env" =>
            {
                &|e| raw(e)
            }
            // `/system/df`.
            ([Seg::Key(k)], Kind::Array)
                if podman && matches!(k.as_str(), "Containers" | "Images" | "Volumes") =>
            {
                &|e| {
                    [
                        &[Seg::Key("Names".into()), Seg::Index(0)][..],
                        &[Seg::Key("RepoTags".into()), Seg::Index(0)],
                        &[Seg::Key("Name".into())],
                        &[Seg::Key("Id".into())],
                    ]
                    .iter()
                    .map(|name| field(e, name))
                    .find(|v| !v.is_empty())
                    .unwrap_or_default()
                }
            }
            _ => continue,
        };
        let members: Vec<&Scalar> = values.iter().filter(|v| child(parent, v)).collect();
        let mut sorted = members.clone();
        sorted.sort_by_cached_key(|e| sort_by(e));
        if sorted
            .iter()
            .map(|e| e.span.start)
            .eq(members.iter().map(|e| e.span.start))
        {
            continue;
        }
        let mut new = vec![text[parent.span.start]];
        for (i, e) in sorted.iter().enumerate() {
            if i > 0 {
                new.push(b',');
            }
            // A string's span is between its quotes.
            let quoted = usize::from(e.kind == Kind::Str);
            let start = e.key_start.unwrap_or(e.span.start - quoted);
            new.extend_from_slice(&text[start..e.span.end + quoted]);
        }
        new.push(text[parent.span.end - 1]);
        sites.push((parent.span.clone(), Site::Fixed(new)));
    }
    // An outer collection that is re-ordered carries its inner ones as they were.
    sites.sort_by_key(|(r, _)| r.start);
    let mut kept: Vec<(Range<usize>, Site)> = Vec::new();
    for (range, site) in sites {
        if kept.last().is_some_and(|(r, _)| r.end > range.start) {
            continue;
        }
        kept.push((range, site));
    }
    kept
}

/// A head segment, then a body segment (empty and left alone when its framing is not
/// understood).
fn push_message(segments: &mut Vec<Segment>, m: &Message, head: Part) {
    segments.push(Segment::new(m.head.clone(), head));
    match m.content() {
        Some(content) => segments.push(Segment::new(content, Part::Json)),
        None => segments.push(Segment::new(Vec::new(), Part::Opaque)),
    }
}

/// The parts of a request that the replay compares, normalised on their own: method,
/// target and body.
pub(crate) fn comparable_request(request: &[u8]) -> (String, String, Vec<u8>) {
    let mut t = Transcript::default();
    t.push(Exchange::new(request.to_vec(), Vec::new()));
    let t = normalise(&t);
    let m = http::parse_request(&t.exchanges()[0].request);
    let body = m
        .content()
        .unwrap_or_else(|| m.to_bytes()[m.head.len()..].to_vec());
    (m.method().to_owned(), m.target().to_owned(), body)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Part {
    Text,
    Json,
    RequestHead,
    ResponseHead,
    /// Bytes whose framing is not understood: left alone.
    Opaque,
}

struct Segment {
    text: Vec<u8>,
    part: Part,
    sites: Vec<(Range<usize>, Site)>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Site {
    /// A full 64-digit hex ID.
    Id(String),
    /// A hex prefix (12 digits or more) of an ID seen somewhere in the transcript.
    Short(String),
    /// A UUID (Podman's `/info` ID is a new one on every call).
    Uuid(String),
    Time(i128, TimeFormat),
    /// Unix seconds of the instant given in nanoseconds (an event's `time`).
    SecondsOf(i128),
    Pid(u64),
    Fixed(Vec<u8>),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum TimeFormat {
    /// RFC 3339 with a fraction of this many digits (0: none), in UTC (`Z`) or with an
    /// offset.
    Rfc3339 { fraction: usize, utc: bool },
    /// Unix seconds.
    Seconds,
    /// Unix nanoseconds.
    Nanos,
    /// Unix seconds with this many fraction digits after a dot (`since=…`).
    Decimal { fraction: usize },
}

impl Segment {
    fn new(text: Vec<u8>, part: Part) -> Segment {
        Segment {
            text,
            part,
            sites: Vec::new(),
        }
    }

    /// Adds a site unless it overlaps one found before (earlier rules win).
    fn add(&mut self, range: Range<usize>, site: Site) {
        if range.is_empty()
            || self
                .sites
                .iter()
                .any(|(r, _)| r.start < range.end && range.start < r.end)
        {
            return;
        }
        self.sites.push((range, site));
    }

    /// The new text, and the edits made, in order.
    fn rewrite(&self, values: &Numbering) -> (Vec<u8>, Vec<(Range<usize>, usize)>) {
        let mut sites: Vec<&(Range<usize>, Site)> = self.sites.iter().collect();
        sites.sort_by_key(|(r, _)| r.start);
        let mut out = Vec::with_capacity(self.text.len());
        let mut edits = Vec::with_capacity(sites.len());
        let mut at = 0;
        for (range, site) in sites {
            let new = values.render(site);
            out.extend_from_slice(&self.text[at..range.start]);
            out.extend_from_slice(&new);
            edits.push((range.clone(), new.len()));
            at = range.end;
        }
        out.extend_from_slice(&self.text[at..]);
        (out, edits)
    }
}

/// Maps an offset in the old text to the new one; an offset inside an edit moves to its end.
fn map_offset(offset: usize, edits: &[(Range<usize>, usize)]) -> usize {
    let mut shift: isize = 0;
    for (range, new_len) in edits {
        if range.end <= offset {
            shift += *new_len as isize - range.len() as isize;
        } else if range.start < offset {
            return (range.start as isize + shift) as usize + new_len;
        } else {
            break;
        }
    }
    (offset as isize + shift) as usize
}

fn rebuild(
    m: &Message,
    head: Option<Segment>,
    body: Option<Segment>,
    values: &Numbering,
) -> Vec<u8> {
    let (Some(head), Some(body)) = (head, body) else {
        return m.to_bytes();
    };
    let (head_text, _) = head.rewrite(values);
    let (content, edits) = body.rewrite(values);
    let mut out = Message {
        head: head_text,
        ..m.clone()
    };
    match &m.body {
        Body::None | Body::Raw(_) => (),
        Body::Plain(old) => {
            if m.header("content-length").is_some() && content.len() != old.len() {
                out.head = http::with_content_length(&out.head, content.len());
            }
            out.body = Body::Plain(content);
        }
        Body::Chunked { chunks, last } => {
            // A boundary inside a JSON document is where a buffered writer happened to
            // flush; its place moves with the lengths of the values before it, so it goes.
            // Boundaries between documents (one event per chunk) stay.
            let old: Vec<u8> = chunks.iter().flat_map(|(_, d)| d.clone()).collect();
            let documents: Vec<Range<usize>> = json::values(&old)
                .unwrap_or_default()
                .into_iter()
                .filter(|v| v.path.is_empty())
                .map(|v| v.span)
                .collect();
            let inside = |at: usize| documents.iter().any(|d| d.start < at && at < d.end);
            let mut bounds = vec![0];
            let mut exts = Vec::new();
            let mut at = 0;
            for (i, (ext, data)) in chunks.iter().enumerate() {
                at += data.len();
                if i + 1 < chunks.len() && inside(at) {
                    continue;
                }
                bounds.push(map_offset(at, &edits));
                exts.push(ext);
            }
            let mut new_chunks = Vec::with_capacity(exts.len());
            for (i, ext) in exts.into_iter().enumerate() {
                let piece = &content[bounds[i]..bounds[i + 1]];
                if !piece.is_empty() {
                    new_chunks.push((ext.clone(), piece.to_vec()));
                }
            }
            out.body = Body::Chunked {
                chunks: new_chunks,
                last: last.clone(),
            };
        }
    }
    out.to_bytes()
}

/// Finds the sites of every segment: constants and JSON rules first, then text rules, then
/// the short forms of the IDs found anywhere.
fn find_sites(segments: &mut [Segment]) {
    for seg in segments.iter_mut() {
        match seg.part {
            Part::RequestHead => {
                request_target_sites(seg);
                header_sites(seg);
            }
            Part::ResponseHead => header_sites(seg),
            Part::Json => json_sites(seg),
            Part::Text | Part::Opaque => (),
        }
        if seg.part != Part::Opaque {
            id_sites(seg);
            uuid_sites(seg);
            temp_dir_sites(seg);
            rfc3339_sites(seg);
        }
    }
    let ids: Vec<String> = segments
        .iter()
        .flat_map(|s| s.sites.iter())
        .filter_map(|(_, site)| match site {
            Site::Id(id) => Some(id.clone()),
            _ => None,
        })
        .collect();
    for seg in segments.iter_mut() {
        if seg.part != Part::Opaque {
            short_id_sites(seg, &ids);
        }
    }
}

/// `Date` and Podman's `X-Reference-Id` (a Go pointer) become constants.
fn header_sites(seg: &mut Segment) {
    let mut at = 0;
    let text = seg.text.clone();
    for line in text.split(|&b| b == b'\n') {
        let line_start = at;
        at += line.len() + 1;
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        let Some(colon) = line.iter().position(|&b| b == b':') else {
            continue;
        };
        let name = &line[..colon];
        let value_start = colon + 1 + line[colon + 1..].iter().take_while(|&&b| b == b' ').count();
        let fixed: &[u8] = match () {
            _ if name.eq_ignore_ascii_case(b"date") => DATE.as_bytes(),
            _ if name.eq_ignore_ascii_case(b"x-reference-id") => b"0xc000000000",
            _ => continue,
        };
        seg.add(
            line_start + value_start..line_start + line.len(),
            Site::Fixed(fixed.to_vec()),
        );
    }
}

/// `since=` and `until=` in the query of a request target.
fn request_target_sites(seg: &mut Segment) {
    let line_end = seg
        .text
        .iter()
        .position(|&b| b == b'\r')
        .unwrap_or(seg.text.len());
    let Some(q) = seg.text[..line_end].iter().position(|&b| b == b'?') else {
        return;
    };
    let mut at = q + 1;
    while at < line_end {
        let end = seg.text[at..line_end]
            .iter()
            .position(|&b| b == b'&' || b == b' ')
            .map_or(line_end, |p| at + p);
        let param = seg.text[at..end].to_vec();
        for name in [&b"since="[..], b"until="] {
            if let Some(value) = param.strip_prefix(name) {
                if let Some(site) = decimal_time(value) {
                    let start = at + name.len();
                    seg.add(start..end, site);
                }
            }
        }
        if end < line_end && seg.text[end] == b' ' {
            break;
        }
        at = end + 1;
    }
}

/// A time known to the second only. Whether two such times fall in the same second
/// changes from run to run, so they cannot be ranked: they all become 2020-01-01T00:00:00Z.
fn coarse(format: TimeFormat) -> Site {
    Site::Fixed(render_time(TIME_BASE, format).into_bytes())
}

/// `1795864739.000000001` or `1795864739`: Unix seconds, as the events query takes them.
fn decimal_time(value: &[u8]) -> Option<Site> {
    let text = std::str::from_utf8(value).ok()?;
    let (secs, fraction) = text.split_once('.').unwrap_or((text, ""));
    if secs.is_empty() || !secs.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    if !fraction.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let secs: i64 = secs.parse().ok()?;
    if secs < OLDEST_VOLATILE {
        return None;
    }
    if !text.contains('.') {
        return Some(coarse(TimeFormat::Seconds));
    }
    let nanos = fraction_nanos(fraction);
    let format = TimeFormat::Decimal {
        fraction: fraction.len(),
    };
    Some(Site::Time(secs as i128 * 1_000_000_000 + nanos, format))
}

fn fraction_nanos(fraction: &str) -> i128 {
    let mut digits: String = fraction.chars().take(9).collect();
    while digits.len() < 9 {
        digits.push('0');
    }
    digits.parse().unwrap_or(0)
}

/// Temporary files and directories the engines name with a random number
/// (`tmp/docker-import-3039176726/`, `/var/tmp/oci5929055/`): in a path segment right after
/// a `tmp` directory that ends in digits after other characters, the digits become zeros.
fn temp_dir_sites(seg: &mut Segment) {
    let text = seg.text.clone();
    let mut from = 0;
    while let Some(at) = find(&text[from..], b"tmp/") {
        let start = from + at + 4;
        from = start;
        let after_slash = start >= 5 && text[start - 5] == b'/';
        if !after_slash {
            continue;
        }
        let len = text[start..]
            .iter()
            .take_while(|b| b.is_ascii_alphanumeric() || b"-_.".contains(b))
            .count();
        let name = &text[start..start + len];
        let digits = name.iter().rev().take_while(|b| b.is_ascii_digit()).count();
        let all_hex = name.iter().all(|b| b.is_ascii_hexdigit());
        if digits >= 3 && digits < len && !all_hex {
            seg.add(
                start + len - digits..start + len,
                Site::Fixed(b"000000".to_vec()),
            );
        }
    }
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// The rules that need to know where a value sits in a JSON document.
fn json_sites(seg: &mut Segment) {
    let Some(scalars) = json::scalars(&seg.text) else {
        return;
    };
    let mut docs: HashMap<usize, Doc> = HashMap::new();
    for s in &scalars {
        let doc = docs.entry(s.doc).or_default();
        if s.key() == Some("timeNano") && s.kind == Kind::Num {
            if let Ok(nanos) = String::from_utf8_lossy(&seg.text[s.span.clone()]).parse() {
                let parent = s.path[..s.path.len() - 1].to_vec();
                doc.nanos.insert(parent, nanos);
            }
        }
        match s.path.as_slice() {
            [Seg::Key(k), Seg::Index(i)] if k == "Titles" && s.kind == Kind::Str => {
                doc.titles.insert(
                    *i,
                    String::from_utf8_lossy(&seg.text[s.span.clone()]).into(),
                );
            }
            [Seg::Key(k)] if k == "NGoroutines" => doc.is_info = true,
            _ => (),
        }
    }
    for s in &scalars {
        let raw = &seg.text[s.span.clone()];
        let doc = &docs[&s.doc];
        if let Some(site) = json_site(s, raw, doc) {
            seg.add(s.span.clone(), site);
        }
    }
}

#[derive(Default)]
struct Doc {
    /// `Titles` of a `top` answer, by column.
    titles: HashMap<usize, String>,
    /// The document is an `/info` answer.
    is_info: bool,
    /// `timeNano` of each object that has one, by the object's path.
    nanos: HashMap<Vec<Seg>, i128>,
}

/// Counters of `/info` that change with whatever else runs on the engine.
const INFO_COUNTERS: &[&str] = &[
    "Containers",
    "ContainersRunning",
    "ContainersPaused",
    "ContainersStopped",
    "Images",
    "NFd",
    "NGoroutines",
    "NEventsListener",
];

fn json_site(s: &Scalar, raw: &[u8], doc: &Doc) -> Option<Site> {
    let text = std::str::from_utf8(raw).ok()?;
    let digits = !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit());
    let fixed = |v: &str| Some(Site::Fixed(v.as_bytes().to_vec()));
    if doc.is_info && s.path.len() == 1 {
        match (s.key()?, s.kind) {
            (k, Kind::Num) if INFO_COUNTERS.contains(&k) => return fixed("0"),
            ("Name", Kind::Str) => return fixed("host"),
            ("Uptime", Kind::Str) => return fixed("0h 1m 0.00s"),
            _ => (),
        }
    }
    if let [Seg::Key(k), Seg::Index(_), Seg::Index(col)] = s.path.as_slice() {
        if k == "Processes" && s.kind == Kind::Str {
            return match doc.titles.get(col).map(String::as_str) {
                Some("PID" | "PPID") if digits => Some(Site::Pid(text.parse().ok()?)),
                Some("STIME" | "START") => fixed("00:00"),
                Some("C") => fixed("0"),
                Some("%CPU" | "%MEM") => fixed("0.0"),
                Some("VSZ") => fixed("1024"),
                Some("RSS") => fixed("512"),
                Some("TIME") => Some(Site::Fixed(
                    raw.iter()
                        .map(|&b| if b.is_ascii_digit() { b'0' } else { b })
                        .collect(),
                )),
                Some("ELAPSED") => fixed("1s"),
                _ => None,
            };
        }
    }
    match (s.key()?, s.kind) {
        ("Pid" | "ConmonPid", Kind::Num) if digits && text != "0" => {
            Some(Site::Pid(text.parse().ok()?))
        }
        ("time" | "Created", Kind::Num) if digits => {
            let secs: i64 = text.parse().ok()?;
            if !(OLDEST_VOLATILE..100_000_000_000).contains(&secs) {
                return None;
            }
            // An event's `time` is its `timeNano` in seconds.
            let parent = &s.path[..s.path.len() - 1];
            match doc.nanos.get(parent) {
                Some(&nanos) if s.key() == Some("time") => Some(Site::SecondsOf(nanos)),
                _ => Some(coarse(TimeFormat::Seconds)),
            }
        }
        ("timeNano", Kind::Num) if digits => {
            let nanos: i128 = text.parse().ok()?;
            (nanos >= OLDEST_VOLATILE as i128 * 1_000_000_000)
                .then_some(Site::Time(nanos, TimeFormat::Nanos))
        }
        ("since" | "until", Kind::Str) => decimal_time(raw),
        ("Status", Kind::Str) => {
            if let Some(rest) = text.strip_prefix("Up ") {
                let suffix = rest.find(" (").map_or("", |at| &rest[at..]);
                return fixed(&format!("Up 2 seconds{suffix}"));
            }
            let rest = text.strip_prefix("Exited (")?;
            let code = &rest[..rest.find(')')?];
            fixed(&format!("Exited ({code}) 2 seconds ago"))
        }
        _ => None,
    }
}

/// 64 lowercase hex digits, not part of a longer word. A run that starts right after `%`
/// begins with the two digits of a percent escape, which are skipped.
fn id_sites(seg: &mut Segment) {
    for (range, len) in hex_runs(&seg.text) {
        if len == 64 {
            let id = String::from_utf8_lossy(&seg.text[range.clone()]).into_owned();
            seg.add(range, Site::Id(id));
        }
    }
}

/// `8-4-4-4-12` lowercase hex digits, not part of a longer word.
fn uuid_sites(seg: &mut Segment) {
    const SHAPE: &[u8] = b"xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx";
    let text = seg.text.clone();
    let is_hex = |b: u8| b.is_ascii_digit() || (b'a'..=b'f').contains(&b);
    let mut i = 0;
    while i + SHAPE.len() <= text.len() {
        let fits = SHAPE.iter().zip(&text[i..]).all(|(&c, &b)| match c {
            b'x' => is_hex(b),
            _ => b == c,
        });
        let before = i > 0 && text[i - 1].is_ascii_alphanumeric();
        let after = text
            .get(i + SHAPE.len())
            .is_some_and(|b| b.is_ascii_alphanumeric() || *b == b'-');
        if fits && !before && !after {
            let uuid = String::from_utf8_lossy(&text[i..i + SHAPE.len()]).into_owned();
            seg.add(i..i + SHAPE.len(), Site::Uuid(uuid));
            i += SHAPE.len();
        } else {
            i += 1;
        }
    }
}

fn short_id_sites(seg: &mut Segment, ids: &[String]) {
    for (range, len) in hex_runs(&seg.text) {
        if (12..64).contains(&len) {
            let short = &seg.text[range.clone()];
            if ids.iter().any(|id| id.as_bytes().starts_with(short)) {
                let short = String::from_utf8_lossy(short).into_owned();
                seg.add(range, Site::Short(short));
            }
        }
    }
}

fn hex_runs(text: &[u8]) -> Vec<(Range<usize>, usize)> {
    let is_hex = |b: u8| b.is_ascii_digit() || (b'a'..=b'f').contains(&b);
    let mut runs = Vec::new();
    let mut i = 0;
    while i < text.len() {
        if !is_hex(text[i]) {
            i += 1;
            continue;
        }
        let mut start = i;
        while i < text.len() && is_hex(text[i]) {
            i += 1;
        }
        if start > 0 && text[start - 1] == b'%' && i - start >= 2 {
            start += 2;
        } else if start > 0 && text[start - 1].is_ascii_alphanumeric() {
            continue;
        }
        if i < text.len() && text[i].is_ascii_alphanumeric() {
            continue;
        }
        runs.push((start..i, i - start));
    }
    runs
}

/// RFC 3339 times with a zone, from 2000 on.
fn rfc3339_sites(seg: &mut Segment) {
    let text = seg.text.clone();
    let mut i = 0;
    while i + 20 <= text.len() {
        if i > 0 && text[i - 1].is_ascii_digit() {
            i += 1;
            continue;
        }
        match parse_rfc3339(&text[i..]) {
            Some((len, nanos, format)) => {
                if nanos >= OLDEST_VOLATILE as i128 * 1_000_000_000 {
                    let site = match format {
                        TimeFormat::Rfc3339 { fraction: 0, .. } => coarse(format),
                        _ => Site::Time(nanos, format),
                    };
                    seg.add(i..i + len, site);
                }
                i += len;
            }
            None => i += 1,
        }
    }
}

/// `2026-11-28T11:03:49.123456789Z` or `…+01:00`: its length, instant and format.
fn parse_rfc3339(s: &[u8]) -> Option<(usize, i128, TimeFormat)> {
    const SHAPE: &[u8] = b"dddd-dd-ddTdd:dd:dd";
    if s.len() < SHAPE.len() + 1 {
        return None;
    }
    for (i, &c) in SHAPE.iter().enumerate() {
        let ok = match c {
            b'd' => s[i].is_ascii_digit(),
            other => s[i] == other,
        };
        if !ok {
            return None;
        }
    }
    let num = |r: Range<usize>| -> i64 {
        std::str::from_utf8(&s[r])
            .ok()
            .and_then(|t| t.parse().ok())
            .unwrap_or(0)
    };
    let (year, month, day) = (num(0..4), num(5..7), num(8..10));
    let (hour, minute, second) = (num(11..13), num(14..16), num(17..19));
    if !(1..=12).contains(&month) || !(1..=31).contains(&day) || hour > 23 || minute > 59 {
        return None;
    }
    let mut at = SHAPE.len();
    let mut fraction = "";
    if s.get(at) == Some(&b'.') {
        let digits = s[at + 1..]
            .iter()
            .take_while(|b| b.is_ascii_digit())
            .count();
        if digits == 0 {
            return None;
        }
        fraction = std::str::from_utf8(&s[at + 1..at + 1 + digits]).ok()?;
        at += 1 + digits;
    }
    let (offset, utc) = match s.get(at)? {
        b'Z' => {
            at += 1;
            (0, true)
        }
        sign @ (b'+' | b'-') => {
            let zone = s.get(at + 1..at + 6)?;
            if !(zone[0].is_ascii_digit()
                && zone[1].is_ascii_digit()
                && zone[2] == b':'
                && zone[3].is_ascii_digit()
                && zone[4].is_ascii_digit())
            {
                return None;
            }
            let h = i64::from(zone[0] - b'0') * 10 + i64::from(zone[1] - b'0');
            let m = i64::from(zone[3] - b'0') * 10 + i64::from(zone[4] - b'0');
            at += 6;
            let offset = (h * 60 + m) * 60;
            (if *sign == b'+' { offset } else { -offset }, false)
        }
        _ => return None,
    };
    if s.get(at).is_some_and(|b| b.is_ascii_alphanumeric()) {
        return None;
    }
    let secs =
        days_from_civil(year, month, day) * 86_400 + hour * 3600 + minute * 60 + second - offset;
    let nanos = secs as i128 * 1_000_000_000 + fraction_nanos(fraction);
    let format = TimeFormat::Rfc3339 {
        fraction: fraction.len(),
        utc,
    };
    Some((at, nanos, format))
}

/// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The date of a day since 1970-01-01.
fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

/// How each volatile value is replaced.
#[derive(Default)]
struct Numbering {
    ids: HashMap<String, usize>,
    uuids: HashMap<String, usize>,
    times: HashMap<i128, usize>,
    pids: HashMap<u64, usize>,
}

impl Numbering {
    fn of(segments: &[Segment]) -> Numbering {
        let mut ids = HashMap::new();
        let mut uuids = HashMap::new();
        let mut pids = HashMap::new();
        let mut times = Vec::new();
        for seg in segments {
            let mut sites: Vec<&(Range<usize>, Site)> = seg.sites.iter().collect();
            sites.sort_by_key(|(r, _)| r.start);
            for (_, site) in sites {
                match site {
                    Site::Id(id) => {
                        let n = ids.len() + 1;
                        ids.entry(id.clone()).or_insert(n);
                    }
                    Site::Uuid(u) => {
                        let n = uuids.len() + 1;
                        uuids.entry(u.clone()).or_insert(n);
                    }
                    Site::Pid(pid) => {
                        let n = pids.len() + 1;
                        pids.entry(*pid).or_insert(n);
                    }
                    Site::Time(t, _) => times.push(*t),
                    Site::Short(_) | Site::Fixed(_) | Site::SecondsOf(_) => (),
                }
            }
        }
        times.sort_unstable();
        times.dedup();
        let times = times
            .into_iter()
            .enumerate()
            .map(|(i, t)| (t, i + 1))
            .collect();
        Numbering {
            ids,
            uuids,
            times,
            pids,
        }
    }

    fn render(&self, site: &Site) -> Vec<u8> {
        match site {
            Site::Id(id) => placeholder(self.ids[id]).into_bytes(),
            Site::Short(short) => {
                let rank = self
                    .ids
                    .iter()
                    .filter(|(id, _)| id.starts_with(short.as_str()))
                    .map(|(_, &rank)| rank)
                    .min()
                    .unwrap_or(0);
                placeholder(rank).as_bytes()[..short.len()].to_vec()
            }
            Site::Uuid(u) => {
                format!("{:08x}-0000-4000-8000-000000000000", self.uuids[u]).into_bytes()
            }
            Site::Pid(pid) => (PID_BASE + self.pids[pid] as u64).to_string().into_bytes(),
            Site::Time(t, format) => {
                let secs = TIME_BASE + self.times[t] as i64;
                render_time(secs, *format).into_bytes()
            }
            Site::SecondsOf(t) => {
                let secs = TIME_BASE + self.times.get(t).copied().unwrap_or(0) as i64;
                secs.to_string().into_bytes()
            }
            Site::Fixed(bytes) => bytes.clone(),
        }
    }
}

/// The ID numbered `rank` (from 1): `1111…` through `ffff…`, then `ffff…0000rank`.
pub(crate) fn placeholder(rank: usize) -> String {
    match rank {
        1..=15 => std::iter::repeat(char::from_digit(rank as u32, 16).unwrap_or('0'))
            .take(64)
            .collect(),
        _ => format!("{}{rank:08x}", "f".repeat(56)),
    }
}

fn render_time(secs: i64, format: TimeFormat) -> String {
    match format {
        TimeFormat::Seconds => secs.to_string(),
        TimeFormat::Nanos => format!("{secs}000000000"),
        TimeFormat::Decimal { fraction } => format!("{secs}.{}", "0".repeat(fraction)),
        TimeFormat::Rfc3339 { fraction, utc } => {
            let (y, m, d) = civil_from_days(secs.div_euclid(86_400));
            let rem = secs.rem_euclid(86_400);
            let mut out = format!(
                "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}",
                rem / 3600,
                rem % 3600 / 60,
                rem % 60
            );
            // Go drops trailing zeros, so the number of digits changes from run to run:
            // a fraction is always written with nine.
            if fraction > 0 {
                out.push_str(".000000000");
            }
            out.push_str(if utc { "Z" } else { "+00:00" });
            out
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ID_A: &str = "1cd78d71f60d7e47f51b93ff3e12e3ea6d891a7442744a92ba7bed8e32377672";
    const ID_B: &str = "74b4c5814d470d989144bf828a15a2f4806629b36016b95f899819c048d47173";

    fn exchange(request: &str, response: &str) -> Transcript {
        let mut t = Transcript::default();
        t.push(Exchange::new(request.into(), response.into()));
        t
    }

    fn response_of(t: &Transcript) -> String {
        String::from_utf8(t.exchanges()[0].response.clone()).unwrap()
    }

    #[test]
    fn ids_are_numbered_in_order_of_first_appearance() {
        let body = format!(
            r#"{{"Id":"{ID_A}","Image":"sha256:{ID_B}","Hostname":"{}","Again":"{ID_A}"}}"#,
            &ID_A[..12]
        );
        let t = exchange(
            &format!("GET /v1.41/containers/{ID_B}/json HTTP/1.1\r\nHost: docker\r\n\r\n"),
            &format!(
                "HTTP/1.1 200 OK\r\nContent-Length: {}\r\n\r\n{body}",
                body.len()
            ),
        );
        let n = normalise(&t);
        let one = placeholder(1);
        let two = placeholder(2);
        assert!(String::from_utf8_lossy(&n.exchanges()[0].request).contains(&one));
        let res = response_of(&n);
        let want = format!(
            r#"{{"Id":"{two}","Image":"sha256:{one}","Hostname":"{}","Again":"{two}"}}"#,
            &two[..12]
        );
        assert!(res.ends_with(&want), "{res}");
        assert!(res.contains(&format!("Content-Length: {}\r\n", want.len())));
        assert_eq!(normalise(&n), n, "idempotent");
    }

    #[test]
    fn times_keep_their_format_and_order() {
        let body = concat!(
            r#"{"time":1795863893,"timeNano":1795863893397002825,"#,
            r#""Created":"2026-11-28T11:03:49.12345678Z","Started":"2026-11-28T12:03:49+01:00","#,
            r#""Finished":"0001-01-01T00:00:00Z"}"#
        );
        let t = exchange(
            "GET /v1.41/events?since=1795863000.000000000&until=1795864000.5 HTTP/1.1\r\n\r\n",
            &format!(
                "HTTP/1.1 200 OK\r\nDate: Sat, 28 Nov 2026 11:04:09 GMT\r\nContent-Length: {}\r\n\r\n{body}",
                body.len()
            ),
        );
        let n = normalise(&t);
        let req = String::from_utf8_lossy(&n.exchanges()[0].request).into_owned();
        // Chronological ranks: since, Created, timeNano, until. `time` follows `timeNano`;
        // `Started`, known to the second only, becomes the base time.
        assert!(
            req.starts_with("GET /v1.41/events?since=1577836801.000000000&until=1577836804.0 "),
            "{req}"
        );
        let res = response_of(&n);
        assert!(
            res.contains("Date: Wed, 01 Jan 2020 00:00:00 GMT\r\n"),
            "{res}"
        );
        assert!(
            res.contains(r#""time":1577836803,"timeNano":1577836803000000000"#),
            "{res}"
        );
        assert!(
            res.contains(r#""Created":"2020-01-01T00:00:02.000000000Z""#),
            "{res}"
        );
        assert!(
            res.contains(r#""Started":"2020-01-01T00:00:00+00:00""#),
            "{res}"
        );
        assert!(
            res.contains(r#""Finished":"0001-01-01T00:00:00Z""#),
            "{res}"
        );
        assert_eq!(normalise(&n), n, "idempotent");
    }

    #[test]
    fn top_columns_and_pids() {
        let body = r#"{"Processes":[["root","10104","10082","0","11:03","?","00:01:02","sleep 3600"]],"Titles":["UID","PID","PPID","C","STIME","TTY","TIME","CMD"]}"#;
        let t = exchange(
            "GET /v1.41/containers/x/top HTTP/1.1\r\n\r\n",
            &format!(
                "HTTP/1.1 200 OK\r\nContent-Length: {}\r\n\r\n{body}",
                body.len()
            ),
        );
        let res = response_of(&normalise(&t));
        assert!(
            res.contains(r#"[["root","1001","1002","0","00:00","?","00:00:00","sleep 3600"]]"#),
            "{res}"
        );
    }

    #[test]
    fn chunks_keep_their_boundaries_and_sizes_are_recomputed() {
        let ev1 =
            format!(r#"{{"id":"{ID_A}","time":1795863893,"timeNano":1795863893000000001}}"#) + "\n";
        let ev2 =
            format!(r#"{{"id":"{ID_A}","time":1795863894,"timeNano":1795863894000000001}}"#) + "\n";
        let response = format!(
            "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n{:x}\r\n{ev1}\r\n{:x}\r\n{ev2}\r\n0\r\n\r\n",
            ev1.len(),
            ev2.len()
        );
        let t = exchange("GET /v1.41/events HTTP/1.1\r\n\r\n", &response);
        let n = normalise(&t);
        let res = response_of(&n);
        let one = placeholder(1);
        let ev1 =
            format!(r#"{{"id":"{one}","time":1577836801,"timeNano":1577836801000000000}}"#) + "\n";
        let ev2 =
            format!(r#"{{"id":"{one}","time":1577836802,"timeNano":1577836802000000000}}"#) + "\n";
        assert!(
            res.ends_with(&format!(
                "\r\n\r\n{:x}\r\n{ev1}\r\n{:x}\r\n{ev2}\r\n0\r\n\r\n",
                ev1.len(),
                ev2.len()
            )),
            "{res}"
        );
    }

    #[test]
    fn chunks_cut_inside_a_document_are_joined() {
        let response = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\n{\"a\":\r\n3\r\n1}\n\r\n3\r\n{}\n\r\n0\r\n\r\n";
        let t = exchange("GET /v1.41/info HTTP/1.1\r\n\r\n", response);
        let res = response_of(&normalise(&t));
        assert!(
            res.ends_with("\r\n\r\n8\r\n{\"a\":1}\n\r\n3\r\n{}\n\r\n0\r\n\r\n"),
            "{res:?}"
        );
    }

    #[test]
    fn percent_escaped_ids_in_a_query_are_found() {
        let t = exchange(
            &format!("GET /v1.41/events?filters=%7B%22container%22%3A%5B%22{ID_A}%22%5D%7D HTTP/1.1\r\n\r\n"),
            "HTTP/1.1 204 No Content\r\n\r\n",
        );
        let req = String::from_utf8_lossy(&normalise(&t).exchanges()[0].request).into_owned();
        assert!(req.contains(&format!("%22{}%22", placeholder(1))), "{req}");
    }

    #[test]
    fn unordered_collections_are_sorted() {
        let body = concat!(
            r#"{"Containers":{"b":{"Name":"zed"},"a":{"Name":"amy"}},"#,
            r#""DriverStatus":[["Supports d_type","true"],["Backing Filesystem","extfs"]]}"#
        );
        let t = exchange(
            "GET /v1.41/networks/x HTTP/1.1\r\n\r\n",
            &format!(
                "HTTP/1.1 200 OK\r\nContent-Length: {}\r\n\r\n{body}",
                body.len()
            ),
        );
        let n = normalise(&t);
        let res = response_of(&n);
        assert!(
            res.ends_with(concat!(
                r#"{"Containers":{"a":{"Name":"amy"},"b":{"Name":"zed"}},"#,
                r#""DriverStatus":[["Backing Filesystem","extfs"],["Supports d_type","true"]]}"#
            )),
            "{res}"
        );
        assert_eq!(normalise(&n), n);
    }

    #[test]
    fn podman_lists_are_sorted_by_name_and_docker_lists_kept() {
        let body = r#"[{"Names":["/b"]},{"Names":["/a"]}]"#;
        for (header, want) in [
            (
                "Libpod-Api-Version: 4.3.1\r\n",
                r#"[{"Names":["/a"]},{"Names":["/b"]}]"#,
            ),
            ("", body),
        ] {
            let t = exchange(
                "GET /v1.41/containers/json HTTP/1.1\r\n\r\n",
                &format!(
                    "HTTP/1.1 200 OK\r\n{header}Content-Length: {}\r\n\r\n{body}",
                    body.len()
                ),
            );
            assert!(response_of(&normalise(&t)).ends_with(want));
        }
    }

    #[test]
    fn podman_env_lists_are_sorted() {
        let body = r#"{"Config":{"Env":["b=1","a=2"]}}"#;
        let t = exchange(
            "GET /v1.41/containers/x/json HTTP/1.1\r\n\r\n",
            &format!(
                "HTTP/1.1 200 OK\r\nLibpod-Api-Version: 4.3.1\r\nContent-Length: {}\r\n\r\n{body}",
                body.len()
            ),
        );
        let res = response_of(&normalise(&t));
        assert!(
            res.ends_with(r#"{"Config":{"Env":["a=2","b=1"]}}"#),
            "{res}"
        );
    }

    #[test]
    fn random_temporary_directories_lose_their_number() {
        let body = concat!(
            r#"{"message":"open /var/lib/docker/tmp/docker-import-3039176726/repositories, "#,
            r#"/var/tmp/api_load.tar4130189701:, /var/tmp/oci5929055/index.json, "#,
            r#"/tmp/dkr/x/netns/f9ea12345678, /proc/12345678/x"}"#
        );
        let t = exchange(
            "POST /v1.41/images/load HTTP/1.1\r\n\r\n",
            &format!(
                "HTTP/1.1 500 X\r\nContent-Length: {}\r\n\r\n{body}",
                body.len()
            ),
        );
        let res = response_of(&normalise(&t));
        for kept in [
            "/tmp/docker-import-000000/repositories",
            "/var/tmp/api_load.tar000000:",
            "/var/tmp/oci000000/index.json",
            "/tmp/dkr/x/netns/f9ea12345678",
            "/proc/12345678/x",
        ] {
            assert!(res.contains(kept), "{kept}: {res}");
        }
    }

    #[test]
    fn uuids_are_numbered() {
        let body = r#"{"ID":"b4bbc555-5a96-49a9-af92-ad70207a748e"}"#;
        let t = exchange(
            "GET /v1.41/info HTTP/1.1\r\n\r\n",
            &format!(
                "HTTP/1.1 200 OK\r\nContent-Length: {}\r\n\r\n{body}",
                body.len()
            ),
        );
        let res = response_of(&normalise(&t));
        assert!(
            res.ends_with(r#"{"ID":"00000001-0000-4000-8000-000000000000"}"#),
            "{res}"
        );
    }

    #[test]
    fn placeholders_are_distinct_and_hex() {
        let all: Vec<String> = (1..40).map(placeholder).collect();
        for (i, p) in all.iter().enumerate() {
            assert_eq!(p.len(), 64);
            assert!(p.bytes().all(|b| b.is_ascii_hexdigit()));
            assert!(!all[..i].contains(p));
        }
        assert_eq!(&placeholder(1)[..4], "1111");
    }

    #[test]
    fn civil_dates_round_trip() {
        for days in [-1, 0, 59, 10_957, 18_262, 20_000, 30_000] {
            let (y, m, d) = civil_from_days(days);
            assert_eq!(days_from_civil(y, m, d), days);
        }
        assert_eq!(
            render_time(
                TIME_BASE,
                TimeFormat::Rfc3339 {
                    fraction: 0,
                    utc: true
                }
            ),
            "2020-01-01T00:00:00Z"
        );
    }
}
