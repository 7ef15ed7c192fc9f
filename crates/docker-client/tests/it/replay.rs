//! Every recorded transcript under `fixtures/`, replayed through both flavours.
//!
//! Each transcript names the client method it recorded (`call`, `args`) and what the
//! client returned (`outcome`). The suite serves the transcript with `docker_replay`
//! (responses cut in seeded random pieces), makes the same call through
//! `docker_client::dispatch`, the one by-name table of the endpoint methods, and checks
//! that the outcome is the same, that a decoded model equals the recorded body decoded on
//! its own, and that every recorded exchange was asked for and matched. The glob is the
//! whole fixture set, so every transcript is replayed by construction; `cargo xtask
//! fixtures check` verifies that nothing under `fixtures/` escapes it.
//!
//! `DKR_REPLAY_SEED=<n>` changes the response splits; `DKR_REPLAY_FILTER=<text>` replays
//! only the transcripts whose path contains the text.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use docker_client::dispatch::{self, Outcome};
use docker_client::models::EventMessage;
use docker_client::{
    blocking, tokio as tk, ApiVersion, Error, EventsOptions, InventoryOptions, Result, WatchConfig,
};
use docker_replay::{Replay, Transcript};
use serde_json::Value;

/// The transcripts replayed, relative to `fixtures/`.
const GLOB: &str = "*/*.http";

/// Time allowed for background readers of the code under test to ask for everything.
const SETTLE: Duration = Duration::from_secs(10);

#[test]
fn every_transcript_replays_through_both_flavours() {
    let filter = std::env::var("DKR_REPLAY_FILTER").unwrap_or_default();
    let paths: Vec<PathBuf> = transcripts()
        .into_iter()
        .filter(|p| p.to_string_lossy().contains(&filter))
        .collect();
    assert!(
        filter.is_empty() || !paths.is_empty(),
        "no transcript matches {filter:?}"
    );
    let mut failures = Vec::new();
    let mut replayed = 0;
    for path in &paths {
        let t = Transcript::read(path).unwrap_or_else(|e| panic!("{e}"));
        let name = shown(path);
        if let Some(reason) = t.meta("skipped") {
            assert!(
                t.exchanges().is_empty(),
                "{name}: skipped, yet has exchanges"
            );
            assert!(!reason.is_empty(), "{name}: skipped without a reason");
            continue;
        }
        for flavour in [Flavour::Blocking, Flavour::Tokio] {
            if let Err(e) = replay_one(&t, flavour) {
                failures.push(format!("{name} ({flavour:?}): {e}"));
            }
        }
        replayed += 1;
    }
    assert!(
        failures.is_empty(),
        "{} of {} transcripts failed to replay:\n{}",
        failures.len(),
        paths.len(),
        failures.join("\n")
    );
    if filter.is_empty() {
        assert!(replayed >= 100, "only {replayed} transcripts were replayed");
    }
}

#[test]
fn recorded_engines_include_docker_and_podman() {
    let engines: std::collections::BTreeSet<String> = transcripts()
        .iter()
        .filter_map(|p| Transcript::read(p).ok())
        .filter(|t| t.meta("synthetic") == Some("false"))
        .filter_map(|t| t.meta("engine").map(str::to_owned))
        .collect();
    assert!(engines.contains("docker"), "{engines:?}");
    assert!(engines.contains("podman"), "{engines:?}");
}

#[test]
fn every_transcript_names_a_method_the_client_has() {
    let calls = dispatch::calls();
    for path in transcripts() {
        let t = Transcript::read(&path).unwrap();
        let call = t.meta("call").unwrap_or("");
        let known = calls.contains(&call) || dispatch::WATCHERS.contains(&call) || call == "exec";
        assert!(known, "{}: unknown call {call:?}", shown(&path));
    }
}

#[test]
fn the_dispatch_table_lists_every_public_method_of_the_client() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut methods = std::collections::BTreeSet::new();
    for file in rs_files(&src) {
        let text = std::fs::read_to_string(&file).unwrap();
        methods.extend(client_methods_in(&text));
    }
    assert!(methods.len() > 50, "the scan found only {methods:?}");
    let known: std::collections::BTreeSet<String> = dispatch::calls()
        .into_iter()
        .chain(dispatch::WATCHERS.iter().copied())
        .chain(dispatch::LOCAL.iter().copied())
        .map(str::to_owned)
        .collect();
    let missing: Vec<&String> = methods.difference(&known).collect();
    assert!(
        missing.is_empty(),
        "public methods of Client missing from docker_client::dispatch: {missing:?}; add a \
         line to its table"
    );
    let stale: Vec<&String> = known.difference(&methods).collect();
    assert!(
        stale.is_empty(),
        "dispatch names methods the client lacks: {stale:?}"
    );
}

#[test]
fn the_method_scan_finds_only_methods_of_the_generic_client() {
    let text = r#"
impl<F: Flavour> Client<F> {
    /// Docs with { braces.
    pub fn ping(&self) -> F::Out<'_, Ping> {
        let s = "}}}";
        let c = '}';
        x
    }

    pub fn info(&self) {}
    fn private(&self) {}
    pub(crate) async fn helper(&self) {}
}

impl<F: Flavour> Items<F, T> {
    pub fn abort_handle(&self) {}
}
"#;
    assert_eq!(client_methods_in(text), ["ping", "info"]);
}

#[test]
fn a_request_that_differs_from_the_recording_is_answered_599_and_reported() {
    let path = fixtures_dir().join("docker-20.10/inspect_container.http");
    let t = Transcript::read(&path).unwrap();
    let replay = Replay::start(&t).unwrap();
    let client = client_for(&t, &replay);
    let err = client.inspect_container("someone-else").unwrap_err();
    assert_eq!(err.status_code(), Some(599), "{err}");
    assert!(
        err.to_string().contains("does not match the transcript"),
        "{err}"
    );
    let report = replay.finish().unwrap_err();
    assert_eq!(report.failures().len(), 1, "{report}");
    assert!(report.to_string().contains("DKR_REPLAY_SEED="), "{report}");
}

#[test]
fn a_transcript_not_asked_for_entirely_is_reported() {
    let path = fixtures_dir().join("docker-20.10/exec.http");
    let t = Transcript::read(&path).unwrap();
    assert!(t.exchanges().len() > 1);
    let replay = Replay::start(&t).unwrap();
    let report = replay.finish().unwrap_err();
    assert_eq!(report.unconsumed().len(), t.exchanges().len(), "{report}");
}

#[test]
fn replays_are_reproducible_whatever_the_seed() {
    let path = fixtures_dir().join("docker-20.10/info.http");
    let t = Transcript::read(&path).unwrap();
    for seed in [0, 1, 2, u64::MAX] {
        let replay = Replay::with_seed(&t, seed).unwrap();
        let info = client_for(&t, &replay).info().unwrap();
        assert_eq!(info.server_version, "20.10.24+dfsg1");
        replay.finish().unwrap();
    }
}

#[derive(Debug, Clone, Copy)]
enum Flavour {
    Blocking,
    Tokio,
}

fn client_for(t: &Transcript, replay: &Replay) -> blocking::Client {
    let mut b =
        blocking::Client::builder().endpoint(docker_client::Endpoint::Unix(replay.socket().into()));
    if let Some(v) = pin(t) {
        b = b.api_version(v);
    }
    b.build().unwrap()
}

/// The version the recording client was pinned to; `None` when it negotiated.
fn pin(t: &Transcript) -> Option<&str> {
    match t.meta("client-version") {
        Some("negotiate") | None => None,
        Some(v) => Some(v),
    }
}

/// Replays `t` through one flavour.
fn replay_one(t: &Transcript, flavour: Flavour) -> std::result::Result<(), String> {
    let replay = Replay::start(t).map_err(|e| e.to_string())?;
    let call = t.meta("call").ok_or("no `call` in the header")?;
    let args: Value = serde_json::from_str(t.meta("args").ok_or("no `args` in the header")?)
        .map_err(|e| format!("`args` is not JSON: {e}"))?;
    let result = perform(flavour, &replay, pin(t), call, &args);
    let outcome = outcome(result.as_ref().map(drop));
    let want = t.meta("outcome").unwrap_or("");
    let checked = match (&result, outcome == want) {
        (_, false) => Err(format!(
            "the client returned `{outcome}`, the recording `{want}`{}",
            match &result {
                Err(e) => format!(": {e}"),
                Ok(_) => String::new(),
            }
        )),
        (Ok(outcome), true) => check(t, call, outcome),
        (Err(e), true) => check_error(t, e),
    };
    let finished = replay.finish().map_err(|e| e.to_string());
    checked.and(finished)
}

/// Makes the recorded call in one flavour: an endpoint method through the dispatch table,
/// or a watcher, followed until it has asked for everything it was recorded asking.
fn perform(
    flavour: Flavour,
    replay: &Replay,
    pin: Option<&str>,
    call: &str,
    args: &Value,
) -> Result<Outcome> {
    match flavour {
        Flavour::Blocking => {
            let mut b = blocking::Client::builder()
                .endpoint(docker_client::Endpoint::Unix(replay.socket().into()));
            if let Some(v) = pin {
                b = b.api_version(v);
            }
            let client = b.build()?;
            match call {
                "watch_events" | "watch_events_with" => {
                    let watcher = watcher_of_blocking(&client, call, args);
                    let deadline = Instant::now() + SETTLE;
                    while !watcher.is_finished() && Instant::now() < deadline {
                        let _ = watcher.next_timeout(Duration::from_millis(50));
                    }
                    watcher.stop();
                    Ok(Outcome::default())
                }
                "watch_containers" => {
                    let inventory = client.watch_containers(&inventory_options(&args[0]))?;
                    replay.wait_consumed(SETTLE);
                    inventory.stop();
                    Ok(Outcome::default())
                }
                _ => dispatch::perform(&client, call, args),
            }
        }
        Flavour::Tokio => {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("a tokio runtime");
            let mut b = tk::Client::builder()
                .endpoint(docker_client::Endpoint::Unix(replay.socket().into()));
            if let Some(v) = pin {
                b = b.api_version(v);
            }
            let client = b.build()?;
            rt.block_on(async {
                match call {
                    "watch_events" | "watch_events_with" => {
                        let watcher = match call {
                            "watch_events" => client.watch_events(&events_options(&args[0])),
                            _ => client.watch_events_with(
                                &events_options(&args[0]),
                                watch_config(&args[1]),
                            ),
                        };
                        let deadline = Instant::now() + SETTLE;
                        while !watcher.is_finished() && Instant::now() < deadline {
                            let _ = watcher.next_timeout(Duration::from_millis(50)).await;
                        }
                        watcher.stop();
                        Ok(Outcome::default())
                    }
                    "watch_containers" => {
                        let options = inventory_options(&args[0]);
                        let inventory = client.watch_containers(&options).await?;
                        let deadline = Instant::now() + SETTLE;
                        while !replay.wait_consumed(Duration::ZERO) && Instant::now() < deadline {
                            tokio::time::sleep(Duration::from_millis(5)).await;
                        }
                        inventory.stop();
                        Ok(Outcome::default())
                    }
                    _ => dispatch::perform(&client, call, args).await,
                }
            })
        }
    }
}

fn watcher_of_blocking(
    client: &blocking::Client,
    call: &str,
    args: &Value,
) -> blocking::EventWatcher {
    match call {
        "watch_events" => client.watch_events(&events_options(&args[0])),
        _ => client.watch_events_with(&events_options(&args[0]), watch_config(&args[1])),
    }
}

/// Checks an outcome against the transcript: a model must equal the recorded body decoded
/// on its own; streams, sessions and raw bodies must carry what was recorded.
fn check(t: &Transcript, call: &str, outcome: &Outcome) -> std::result::Result<(), String> {
    let got = &outcome.value;
    if let Some(recode) = outcome.recode {
        let body = last_body(t);
        let want = recode(&body).ok_or("the recorded body does not decode on its own")?;
        if &want != got {
            return Err(format!("decoded {got} but the body says {want}"));
        }
    }
    match call {
        "ping" => {
            let header = last_header(t, "api-version").unwrap_or_default();
            match got["api_version"] == header.as_str() {
                true => Ok(()),
                false => Err(format!(
                    "ping says {}, the header {header:?}",
                    got["api_version"]
                )),
            }
        }
        "api_version" => {
            let header = last_header(t, "api-version").unwrap_or_default();
            let want: ApiVersion = header.parse().map_err(|e| format!("{e}"))?;
            let want = want.min(ApiVersion::MAX).to_string();
            match got == want.as_str() {
                true => Ok(()),
                false => Err(format!("negotiated {got}, the engine said {header}")),
            }
        }
        "events" => {
            let body = last_body(t);
            let want: Vec<EventMessage> = serde_json::Deserializer::from_slice(&body)
                .into_iter()
                .collect::<std::result::Result<_, _>>()
                .map_err(|e| format!("the body does not decode: {e}"))?;
            let want = serde_json::to_value(&want).expect("events encode");
            match &want == got {
                true => Ok(()),
                false => Err(format!(
                    "{} events decoded, {} recorded",
                    got.as_array().map_or(0, Vec::len),
                    want.as_array().map_or(0, Vec::len)
                )),
            }
        }
        "request" => {
            let status = t.exchanges().last().and_then(|e| e.status());
            let body = String::from_utf8_lossy(&last_body(t)).into_owned();
            match (got["status"].as_u64(), got["body"].as_str())
                == (status.map(u64::from), Some(&*body))
            {
                true => Ok(()),
                false => Err(format!(
                    "got {got}, recorded status {status:?} and {} bytes",
                    body.len()
                )),
            }
        }
        "logs_container" | "attach_container" => check_output(t, got),
        "exec" => {
            check_output(t, &got["output"])?;
            let inspect: Value = serde_json::from_slice(&last_body(t)).unwrap_or_default();
            match inspect["ExitCode"] == got["exit_code"] {
                true => Ok(()),
                false => Err(format!(
                    "exit code {}, recorded {}",
                    got["exit_code"], inspect["ExitCode"]
                )),
            }
        }
        "stat_path" => match got["name"].as_str().is_some_and(|n| !n.is_empty()) {
            true => Ok(()),
            false => Err("the stat has no name".to_owned()),
        },
        "get_archive" | "export_container" | "save_images" => {
            let len = last_body(t).len() as u64;
            match got["bytes"].as_u64() == Some(len) {
                true => Ok(()),
                false => Err(format!("{} bytes of archive, {len} recorded", got["bytes"])),
            }
        }
        _ => Ok(()),
    }
}

/// The output pieces must carry the recorded output, in order.
fn check_output(t: &Transcript, chunks: &Value) -> std::result::Result<(), String> {
    let got: String = chunks
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|c| c["data"].as_str())
        .collect();
    let want: Vec<u8> = demultiplexed(t).into_iter().flat_map(|c| c.1).collect();
    let want = String::from_utf8_lossy(&want);
    match got == want {
        true => Ok(()),
        false => Err(format!("output {got:?}, recorded {want:?}")),
    }
}

/// An error's message must be the engine's, when the engine sent one in JSON.
fn check_error(t: &Transcript, e: &Error) -> std::result::Result<(), String> {
    let Some(message) = e.message() else {
        return Ok(());
    };
    let body = last_body(t);
    match serde_json::from_slice::<Value>(&body) {
        Ok(v) if v["message"].as_str().is_some_and(|m| m.trim() != message) => Err(format!(
            "the error says {message:?}, the body {:?}",
            v["message"]
        )),
        _ => Ok(()),
    }
}

/// `ok`, or `error <variant> [<status>]`, as `cargo xtask fixtures record` writes it.
fn outcome(result: std::result::Result<(), &Error>) -> String {
    match result {
        Ok(()) => "ok".to_owned(),
        Err(e) => {
            let debug = format!("{e:?}");
            let variant: String = debug
                .chars()
                .take_while(char::is_ascii_alphanumeric)
                .collect();
            match e.status_code() {
                Some(status) => format!("error {variant} {status}"),
                None => format!("error {variant}"),
            }
        }
    }
}

/// The output recorded in the first exchange that carries a stream (logs, an exec or an
/// attach): frames when multiplexed, the raw bytes otherwise.
fn demultiplexed(t: &Transcript) -> Vec<(u8, Vec<u8>)> {
    let Some(ex) = t.exchanges().iter().find(|e| {
        let line = e.request_line();
        line.contains("/logs") || line.contains("/start") || line.contains("/attach")
    }) else {
        return Vec::new();
    };
    let (_, body) = split_response(&ex.response);
    if !is_multiplexed(&body) {
        return vec![(1, body)];
    }
    let mut out = Vec::new();
    let mut rest = &body[..];
    while rest.len() >= 8 {
        let len = u32::from_be_bytes([rest[4], rest[5], rest[6], rest[7]]) as usize;
        let end = (8 + len).min(rest.len());
        out.push((rest[0], rest[8..end].to_vec()));
        rest = &rest[end..];
    }
    out
}

/// True when `body` parses as 8-byte-header frames from start to end.
fn is_multiplexed(body: &[u8]) -> bool {
    let mut rest = body;
    while !rest.is_empty() {
        if rest.len() < 8 || rest[0] > 2 || rest[1..4] != [0, 0, 0] {
            return false;
        }
        let len = u32::from_be_bytes([rest[4], rest[5], rest[6], rest[7]]) as usize;
        if rest.len() < 8 + len {
            return false;
        }
        rest = &rest[8 + len..];
    }
    true
}

/// The body of the last response, without its framing.
fn last_body(t: &Transcript) -> Vec<u8> {
    t.exchanges()
        .last()
        .map(|e| split_response(&e.response).1)
        .unwrap_or_default()
}

/// A header of the last response.
fn last_header(t: &Transcript, name: &str) -> Option<String> {
    let (head, _) = split_response(&t.exchanges().last()?.response);
    head.split("\r\n").skip(1).find_map(|line| {
        let (n, v) = line.split_once(':')?;
        n.trim()
            .eq_ignore_ascii_case(name)
            .then(|| v.trim().to_owned())
    })
}

fn split_response(bytes: &[u8]) -> (String, Vec<u8>) {
    split_message(bytes)
}

/// Head text and body (de-chunked when chunked, cut to `Content-Length` when sized). The
/// body of a 101 is the raw stream that follows.
fn split_message(bytes: &[u8]) -> (String, Vec<u8>) {
    let Some(at) = bytes.windows(4).position(|w| w == b"\r\n\r\n") else {
        return (String::from_utf8_lossy(bytes).into_owned(), Vec::new());
    };
    let head = String::from_utf8_lossy(&bytes[..at]).into_owned();
    let rest = &bytes[at + 4..];
    let lower = head.to_ascii_lowercase();
    if lower.contains("transfer-encoding: chunked") {
        return (head, dechunk(rest));
    }
    let length = lower
        .split("\r\n")
        .find_map(|l| l.strip_prefix("content-length:"))
        .and_then(|v| v.trim().parse::<usize>().ok());
    match length {
        Some(n) => (head, rest[..n.min(rest.len())].to_vec()),
        None => (head, rest.to_vec()),
    }
}

fn dechunk(mut input: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    while let Some(line_end) = input.windows(2).position(|w| w == b"\r\n") {
        let size = std::str::from_utf8(&input[..line_end])
            .ok()
            .and_then(|s| usize::from_str_radix(s.split(';').next()?.trim(), 16).ok());
        let Some(size) = size.filter(|&n| n > 0) else {
            break;
        };
        let start = line_end + 2;
        let end = (start + size).min(input.len());
        out.extend_from_slice(&input[start..end]);
        input = input.get(end + 2..).unwrap_or(&[]);
    }
    out
}

fn events_options(v: &Value) -> EventsOptions {
    let mut o = EventsOptions::default();
    if let Some(t) = v["since"].as_str().and_then(parse_time) {
        o = o.since(t);
    }
    if let Some(t) = v["until"].as_str().and_then(parse_time) {
        o = o.until(t);
    }
    for (key, values) in v["filters"].as_object().into_iter().flatten() {
        for value in values.as_array().into_iter().flatten() {
            o = o.filter(key.clone(), value.as_str().unwrap_or_default());
        }
    }
    o
}

fn watch_config(v: &Value) -> WatchConfig {
    let mut c = WatchConfig::default();
    if let Some(n) = v["capacity"].as_u64() {
        c.capacity = n as usize;
    }
    if let Some(n) = v["max_attempts"].as_u64() {
        c.max_attempts = Some(n as u32);
    }
    c
}

fn inventory_options(v: &Value) -> InventoryOptions {
    let mut o = InventoryOptions::default();
    for label in v["labels"].as_array().into_iter().flatten() {
        o = o.label(label.as_str().unwrap_or_default());
    }
    o
}

fn parse_time(text: &str) -> Option<std::time::SystemTime> {
    let (secs, nanos) = text.split_once('.').unwrap_or((text, "0"));
    let nanos = format!("{nanos:0<9}");
    Some(std::time::UNIX_EPOCH + Duration::new(secs.parse().ok()?, nanos[..9].parse().ok()?))
}

/// The `.rs` files under `dir`.
fn rs_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for entry in sorted(dir) {
        if entry.is_dir() {
            out.extend(rs_files(&entry));
        } else if entry.extension().is_some_and(|e| e == "rs") {
            out.push(entry);
        }
    }
    out
}

/// The `pub fn` names directly inside `impl<F: Flavour> Client<F> {` blocks.
fn client_methods_in(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut depth: Option<usize> = None;
    for line in text.lines() {
        let code = line.trim_start();
        if code.starts_with("//") {
            continue;
        }
        match depth {
            None if code.starts_with("impl<F: Flavour> Client<F> {") => depth = Some(0),
            None => continue,
            Some(1) => {
                if let Some(rest) = code.strip_prefix("pub fn ") {
                    let name: String = rest
                        .chars()
                        .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                        .collect();
                    out.push(name);
                }
            }
            Some(_) => (),
        }
        let d = depth.get_or_insert(0);
        *d = apply_braces(*d, code);
        if *d == 0 {
            depth = None;
        }
    }
    out
}

/// The brace depth after a line of code, ignoring braces in strings and char literals.
fn apply_braces(mut depth: usize, code: &str) -> usize {
    let mut chars = code.chars().peekable();
    let mut in_string = false;
    while let Some(c) = chars.next() {
        match (in_string, c) {
            (true, '\\') => {
                chars.next();
            }
            (true, '"') => in_string = false,
            (true, _) => (),
            (false, '"') => in_string = true,
            (false, '\'') => {
                // A char literal such as '{' or '\'' (lifetimes have no closing quote).
                let lookahead: String = chars.clone().take(3).collect();
                if let Some(escaped) = lookahead.strip_prefix('\\') {
                    if let Some(end) = escaped.find('\'') {
                        for _ in 0..end + 2 {
                            chars.next();
                        }
                    }
                } else if lookahead.chars().nth(1) == Some('\'') {
                    chars.next();
                    chars.next();
                }
            }
            (false, '/') if chars.peek() == Some(&'/') => break,
            (false, '{') => depth += 1,
            (false, '}') => depth = depth.saturating_sub(1),
            (false, _) => (),
        }
    }
    depth
}

fn fixtures_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures")
}

/// Every file matching [`GLOB`] under `fixtures/`, sorted.
fn transcripts() -> Vec<PathBuf> {
    let (dir_pattern, file_pattern) = GLOB.split_once('/').expect("a two-level glob");
    assert_eq!(dir_pattern, "*");
    let extension = file_pattern
        .strip_prefix("*.")
        .expect("a `*.ext` file pattern");
    let mut out = Vec::new();
    for dir in sorted(&fixtures_dir()) {
        if dir.is_dir() {
            out.extend(
                sorted(&dir)
                    .into_iter()
                    .filter(|p| p.extension().is_some_and(|e| e == extension)),
            );
        }
    }
    assert!(
        !out.is_empty(),
        "no transcripts under {}",
        fixtures_dir().display()
    );
    out
}

fn sorted(dir: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .collect();
    v.sort();
    v
}

fn shown(path: &Path) -> String {
    path.strip_prefix(fixtures_dir())
        .unwrap_or(path)
        .display()
        .to_string()
}
