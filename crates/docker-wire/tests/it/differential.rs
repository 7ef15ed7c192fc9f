//! A differential test: our response decoder and Python's h11, an independent HTTP/1.1
//! implementation, read the same generated responses. Ours never accepts what h11 refuses,
//! and where both accept they frame the same status and body, except for the differences
//! listed in `DOCUMENTED` (each with why; docs/RELIABILITY.md repeats them). Where ours
//! refuses what h11 accepts, ours is stricter: those are counted, by kind, not failed.
//!
//! h11 comes from `pip install h11`. Without python3 or h11 the test skips, saying so,
//! except under CI (`CI=true`), where it is required.

use std::collections::BTreeMap;
use std::io::Write;
use std::process::Command;

use docker_wire::{ClientConn, Event, Limits, Method, RequestHead};

/// How many responses are generated.
const CASES: usize = 20_000;

/// What a decoder made of one response.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Verdict {
    /// A whole response: the final status and the body as framed.
    Accepted(u16, Vec<u8>),
    /// A switch of protocols.
    Upgraded,
    /// Refused, and why.
    Refused(String),
}

/// A tiny deterministic generator (xorshift64*): the same cases on every run.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }

    fn chance(&mut self, in_100: usize) -> bool {
        self.below(100) < in_100
    }
}

const STATUS_LINES: &[&str] = &[
    "HTTP/1.1 200 OK",
    "HTTP/1.1 200 OK",
    "HTTP/1.1 200 OK",
    "HTTP/1.1 404 Not Found",
    "HTTP/1.1 500 Internal Server Error",
    "HTTP/1.0 200 OK",
    "HTTP/1.1 204 No Content",
    "HTTP/1.1 304 Not Modified",
    "HTTP/1.1 200",
    "HTTP/1.1 200 ",
    "HTTP/1.1 999 Odd",
    "HTTP/1.1 2000 OK",
    "HTTP/1.1 20 OK",
    "HTTP/1.1  200 OK",
    "HTTP/2 200 OK",
    "HTTP/1.2 200 OK",
    "http/1.1 200 OK",
    "ICY 200 OK",
    "HTTP/1.1 200 O\x01K",
    "HTTP/1.1 -200 OK",
    "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK",
    "HTTP/1.1 103 Early Hints\r\nLink: </a>\r\n\r\nHTTP/1.1 200 OK",
];

const NOISE: &[&str] = &[
    "Api-Version: 1.41",
    "Content-Type: application/json",
    "Foo: bar",
    "Foo:bar",
    "Foo:\tbar\t",
    "Foo: ",
    "Foo : bar",
    "Foo: a\r\n b",
    ": v",
    "Foo bar",
    "Foo: b\0ar",
    "Foo: b\x7far",
    "Fo\x01o: bar",
    "Fo o: bar",
    "Foo: \u{e9}t\u{e9}",
    "Connection: close",
    "Connection: keep-alive",
    "Upgrade: tcp",
];

/// One generated response (bytes) and the request method it answers.
fn generate(rng: &mut Rng) -> (Method, Vec<u8>) {
    let method = if rng.chance(8) {
        Method::Head
    } else {
        Method::Get
    };
    let eol: &[u8] = if rng.chance(4) { b"\n" } else { b"\r\n" };
    let mut out = Vec::new();
    let line = rng.pick(STATUS_LINES);
    out.extend_from_slice(
        line.replace("\r\n", std::str::from_utf8(eol).unwrap())
            .as_bytes(),
    );
    out.extend_from_slice(eol);
    let header = |out: &mut Vec<u8>, text: &str| {
        out.extend_from_slice(text.as_bytes());
        out.extend_from_slice(eol);
    };
    for _ in 0..rng.below(3) {
        let noise = *rng.pick::<&str>(NOISE);
        header(&mut out, noise);
    }
    // The body, and how it is framed.
    let payload: Vec<u8> = (0..rng.below(24))
        .map(|i| b"abcdefghijklmnopqrstuvwxyz"[i % 26])
        .collect();
    let len = payload.len();
    let body = match rng.below(10) {
        // Content-Length, in every spelling.
        0..=3 => {
            let n = match rng.below(6) {
                0 => len.saturating_sub(1),
                1 => len + 1,
                _ => len,
            };
            let value = match rng.below(14) {
                0 => format!("+{n}"),
                1 => "-1".to_owned(),
                2 => format!("0x{n:x}"),
                3 => format!("{n}, {n}"),
                4 => format!("{n}, {}", n + 1),
                5 => format!(" {n} "),
                6 => "99999999999999999999999".to_owned(),
                7 => String::new(),
                8 => format!("{n}a"),
                9 => format!("0{n}"),
                _ => n.to_string(),
            };
            header(&mut out, &format!("Content-Length: {value}"));
            if rng.chance(10) {
                let again = if rng.chance(50) { n } else { n + 2 };
                header(&mut out, &format!("Content-Length: {again}"));
            }
            if rng.chance(8) {
                header(&mut out, "Transfer-Encoding: chunked");
            }
            payload.clone()
        }
        // Chunked, in every spelling of its header and its framing.
        4..=7 => {
            let te = *rng.pick(&[
                "chunked",
                "chunked",
                "chunked",
                "Chunked",
                "gzip, chunked",
                "chunked, gzip",
                "gzip",
                "identity",
                "xchunked",
                "chunked ",
                "chunked,",
                ", chunked",
            ]);
            header(&mut out, &format!("Transfer-Encoding: {te}"));
            if rng.chance(6) {
                header(&mut out, "Transfer-Encoding: chunked");
            }
            if rng.chance(6) {
                header(&mut out, &format!("Content-Length: {len}"));
            }
            chunked(rng, &payload, eol)
        }
        // No framing at all: the body runs to the end of the connection.
        _ => payload.clone(),
    };
    for _ in 0..rng.below(2) {
        let noise = *rng.pick::<&str>(NOISE);
        header(&mut out, noise);
    }
    out.extend_from_slice(eol);
    out.extend_from_slice(&body);
    if rng.chance(5) {
        out.truncate(rng.below(out.len() + 1));
    }
    (method, out)
}

/// `payload` as chunks, with size lines, extensions and endings that may be wrong.
fn chunked(rng: &mut Rng, payload: &[u8], eol: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    let mut rest = payload;
    while !rest.is_empty() {
        let n = (1 + rng.below(8)).min(rest.len());
        let (data, tail) = rest.split_at(n);
        rest = tail;
        let size = match rng.below(30) {
            0 => format!("{:X}", n),
            1 => format!("000{n:x}"),
            2 => format!("{n:x};ext=1"),
            3 => format!("{n:x} ;q=\"a b\""),
            4 => format!("{n:x} "),
            5 => format!("0x{n:x}"),
            6 => format!("+{n:x}"),
            7 => format!("{:x}", n + 1),
            8 => format!("{:x}", n - 1),
            9 => "1ffffffffffffffff".to_owned(),
            10 => String::new(),
            11 => format!("{n:x};"),
            12 => format!("{n:x}\t"),
            _ => format!("{n:x}"),
        };
        out.extend_from_slice(size.as_bytes());
        out.extend_from_slice(if rng.chance(5) { b"\n" } else { b"\r\n" });
        out.extend_from_slice(data);
        match rng.below(25) {
            0 => (),
            1 => out.extend_from_slice(b"XX"),
            2 => out.extend_from_slice(b"\n"),
            _ => out.extend_from_slice(b"\r\n"),
        }
    }
    match rng.below(14) {
        0 => (),
        1 => out.extend_from_slice(b"0\r\n"),
        2 => out.extend_from_slice(b"0\r\nX-Trailer: 1\r\n\r\n"),
        3 => out.extend_from_slice(b"0\r\nbad trailer\r\n\r\n"),
        4 => out.extend_from_slice(b"00;e=1\r\n\r\n"),
        5 => out.extend_from_slice(b"0\n\n"),
        _ => {
            out.extend_from_slice(b"0");
            out.extend_from_slice(eol);
            out.extend_from_slice(eol);
        }
    }
    out
}

/// Our decoder over the whole response, then the end of the connection.
fn ours(method: Method, input: &[u8]) -> Verdict {
    let mut conn = ClientConn::new(Limits::default());
    conn.send_request(&RequestHead::new(method, "/x", "docker"), &mut Vec::new())
        .unwrap();
    let mut at = 0;
    let mut status = None;
    let mut body = Vec::new();
    loop {
        let decoded = match conn.decode(&input[at..]) {
            Ok(d) => d,
            Err(e) => return Verdict::Refused(format!("{e:?}")),
        };
        at += decoded.consumed;
        let event = match decoded.event {
            Event::NeedData => match conn.handle_eof() {
                Ok(event) => event,
                Err(e) => return Verdict::Refused(format!("{e:?}")),
            },
            event => event,
        };
        match event {
            Event::Head(h) => status = Some(h.status),
            Event::Body(b) => body.extend_from_slice(b),
            Event::End { .. } => return Verdict::Accepted(status.unwrap(), body),
            Event::Upgraded => return Verdict::Upgraded,
            Event::NeedData => unreachable!("handle_eof gives a final event"),
        }
    }
}

/// h11's verdicts on every case, or why they cannot be had.
fn h11(cases: &[(Method, Vec<u8>)]) -> Result<Vec<Verdict>, String> {
    let dir = std::env::temp_dir().join(format!("dkr-differential-{}", std::process::id()));
    std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
    let input = dir.join("cases.bin");
    let mut file = std::fs::File::create(&input).map_err(|e| e.to_string())?;
    for (method, bytes) in cases {
        writeln!(file, "{} {}", method.as_str(), bytes.len()).unwrap();
        file.write_all(bytes).unwrap();
    }
    drop(file);
    let oracle = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/it/h11_oracle.py");
    let out = Command::new("python3").arg(oracle).arg(&input).output();
    let _ = std::fs::remove_dir_all(&dir);
    let out = out.map_err(|e| format!("python3 does not run: {e}"))?;
    if !out.status.success() {
        return Err(String::from_utf8_lossy(&out.stderr).into_owned());
    }
    let text = String::from_utf8(out.stdout).map_err(|e| e.to_string())?;
    let verdicts: Vec<Verdict> = text.lines().map(parse_verdict).collect();
    match verdicts.len() == cases.len() {
        true => Ok(verdicts),
        false => Err(format!(
            "{} verdicts for {} cases",
            verdicts.len(),
            cases.len()
        )),
    }
}

fn parse_verdict(line: &str) -> Verdict {
    if line == "UPGRADE" {
        return Verdict::Upgraded;
    }
    if let Some(why) = line.strip_prefix("ERR ") {
        return Verdict::Refused(why.to_owned());
    }
    let mut parts = line
        .strip_prefix("OK ")
        .expect("OK, ERR or UPGRADE")
        .split(' ');
    let status = parts.next().unwrap().parse().unwrap();
    let hex = parts.next().unwrap();
    let body = match hex {
        "-" => Vec::new(),
        hex => (0..hex.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&hex[i..i + 2], 16).unwrap())
            .collect(),
    };
    Verdict::Accepted(status, body)
}

/// The differences allowed where ours accepts what h11 refuses, or frames a body another
/// way: a test of the response, and why.
type Documented = (&'static str, fn(Method, &[u8], &Verdict, &Verdict) -> bool);

const DOCUMENTED: &[Documented] = &[
    (
        // RFC 9112 §6.3, rules 1 and 2: a response to HEAD, and a 1xx, 204 or 304, ends at
        // its head whatever its framing headers say, so ours does not read them there and
        // cannot be misled by them about where the next response starts; h11 checks
        // Content-Length and Transfer-Encoding even on those.
        "a response without a body by rule (to HEAD, or 204 or 304) is not refused for framing headers it does not use",
        |method, _, ours, theirs| {
            let bodiless = |status: &u16| method == Method::Head || matches!(status, 204 | 304);
            let framing = |why: &String| why.contains("Content-Length") || why.contains("Transfer-Encoding");
            matches!((ours, theirs), (Verdict::Accepted(s, body), Verdict::Refused(why)) if bodiless(s) && body.is_empty() && framing(why))
        },
    ),
    (
        // RFC 9110 §15.2.2 lets a client drop a 101 it did not ask for; h11 refuses it,
        // ours reports the switch and hands over the connection (never reused), as it
        // does for the engine's hijacks.
        "an unrequested 101 is reported as a switch of protocols, not refused",
        |_, _, ours, _| *ours == Verdict::Upgraded,
    ),
    (
        // RFC 9110 §8.6 lets a recipient accept repeated lengths that agree. Ours compares
        // them as numbers (`03` and `3` agree: the body has one length either way); h11
        // compares their text.
        "Content-Length values that are the same number written differently (03 and 3) agree",
        |_, input, ours, theirs| {
            let lengths: Vec<u64> = head_of(input)
                .lines()
                .filter_map(|l| l.strip_prefix("Content-Length:"))
                .flat_map(|v| v.split(','))
                .filter_map(|v| v.trim().parse().ok())
                .collect();
            matches!(theirs, Verdict::Refused(why) if why.contains("conflicting Content-Length"))
                && matches!(ours, Verdict::Accepted(..))
                && lengths.windows(2).all(|w| w[0] == w[1])
        },
    ),
    (
        // Trailer fields are skipped, not parsed (the engine sends none, and nothing reads
        // them): the message ends at the first empty line after the last chunk either way,
        // so a malformed trailer line cannot move its end. h11 parses them as fields.
        "a malformed trailer line is skipped with the trailers",
        |_, input, ours, theirs| {
            let Verdict::Refused(why) = theirs else { return false };
            let Some(line) = offending_line(why, "illegal header line") else { return false };
            let body = String::from_utf8_lossy(input)[head_of(input).len()..].to_owned();
            let in_body = body.split('\n').any(|l| l.trim_end_matches('\r') == line);
            matches!(ours, Verdict::Accepted(..)) && in_body
        },
    ),
    (
        // RFC 9112 §7.1.1: `chunk-ext = *( BWS ";" BWS chunk-ext-name [ BWS "=" BWS
        // chunk-ext-val ] )`. Ours allows the whitespace (BWS) the grammar allows before
        // a `;`; h11 does not.
        "whitespace between a chunk size and its extension's ';' (RFC 9112's BWS)",
        |_, _, ours, theirs| {
            let Verdict::Refused(why) = theirs else { return false };
            let Some(line) = offending_line(why, "illegal chunk header") else { return false };
            let digits = line.trim_start_matches(|c: char| c.is_ascii_hexdigit());
            let after_ws = digits.trim_start_matches([' ', '\t']);
            matches!(ours, Verdict::Accepted(..)) && digits.len() > after_ws.len() && after_ws.starts_with(';')
        },
    ),
];

/// The head of a generated response (its final head, after any 1xx), as text.
fn head_of(input: &[u8]) -> String {
    let text = String::from_utf8_lossy(input);
    let last = text.rfind("HTTP/").unwrap_or(0);
    let end = ["\r\n\r\n", "\n\n", "\n\r\n"]
        .iter()
        .filter_map(|blank| text[last..].find(blank).map(|i| last + i + blank.len()))
        .min()
        .unwrap_or(text.len());
    text[..end].to_owned()
}

/// The line h11 names in a refusal such as `illegal header line: bytearray(b'...')`.
fn offending_line(why: &str, refusal: &str) -> Option<String> {
    let rest = why.strip_prefix(refusal)?;
    let quoted = rest.split_once("b'")?.1.rsplit_once("')")?.0;
    Some(
        quoted
            .replace("\\r\\n", "")
            .replace("\\t", "\t")
            .replace("\\\"", "\""),
    )
}

fn documented(
    method: Method,
    input: &[u8],
    ours: &Verdict,
    theirs: &Verdict,
) -> Option<&'static str> {
    DOCUMENTED
        .iter()
        .find(|(_, applies)| applies(method, input, ours, theirs))
        .map(|(why, _)| *why)
}

/// What kind of refusal of ours (its error's variant), for the tally of where ours is
/// stricter.
fn kind(why: &str) -> String {
    let inner = why.strip_prefix("Protocol(").unwrap_or(why);
    inner
        .split(['(', ' ', ')', '{'])
        .next()
        .unwrap_or(inner)
        .to_owned()
}

#[test]
fn ours_never_accepts_a_response_that_h11_refuses() {
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let cases: Vec<(Method, Vec<u8>)> = (0..CASES).map(|_| generate(&mut rng)).collect();
    let theirs = match h11(&cases) {
        Ok(v) => v,
        Err(why) if std::env::var("CI").is_ok_and(|v| v == "true") => {
            panic!("CI requires python3 with h11 (pip install h11): {why}")
        }
        Err(why) => {
            eprintln!(
                "skipping the differential test: no python3 with h11 ({why}); pip install h11"
            );
            return;
        }
    };
    let mut tally: BTreeMap<String, usize> = BTreeMap::new();
    let mut failures = Vec::new();
    for ((method, input), theirs) in cases.iter().zip(&theirs) {
        let ours = ours(*method, input);
        let outcome = match (&ours, theirs) {
            (Verdict::Refused(_), Verdict::Refused(_)) => "both refuse".to_owned(),
            (Verdict::Refused(why), _) => format!("only ours refuses: {}", kind(why)),
            (a, b) if a == b => "both accept, same framing".to_owned(),
            _ => match documented(*method, input, &ours, theirs) {
                Some(why) => format!("documented: {why}"),
                None => {
                    failures.push(format!(
                        "{} {:?}\n  ours: {ours:?}\n  h11:  {theirs:?}",
                        method.as_str(),
                        String::from_utf8_lossy(input)
                    ));
                    "FAILED".to_owned()
                }
            },
        };
        *tally.entry(outcome).or_default() += 1;
    }
    let report: Vec<String> = tally.iter().map(|(k, n)| format!("{n:6}  {k}")).collect();
    eprintln!(
        "differential test, {CASES} responses:\n{}",
        report.join("\n")
    );
    assert!(
        failures.is_empty(),
        "{} responses where ours accepts what h11 refuses, or frames them differently; the first:\n{}",
        failures.len(),
        failures.iter().take(8).cloned().collect::<Vec<_>>().join("\n")
    );
    // The generator reaches every outcome that matters.
    assert!(
        tally
            .get("both accept, same framing")
            .is_some_and(|&n| n > CASES / 10),
        "{report:?}"
    );
    assert!(
        tally.get("both refuse").is_some_and(|&n| n > CASES / 10),
        "{report:?}"
    );
}
