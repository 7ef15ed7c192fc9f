//! The container lifecycle beyond the seed: options, call builders and output framing,
//! shared by both flavours.

use std::collections::VecDeque;
use std::fmt;
use std::ops::Range;
use std::time::{Duration, SystemTime};

use docker_models::ContainerCreateConfig;
use docker_transport::{Headers, Method};
use docker_wire::frames::{MuxDecoder, StreamKind};

use crate::call::{container_path, text, Call};
use crate::options::{unix_nanos_text, Filters};
use crate::path::{self, Kind, Query};
use crate::{ApiVersion, Error, Result};

/// Options of `logs`.
///
/// ```
/// use docker_client::LogsOptions;
/// let opts = LogsOptions::default().follow(true).tail(100).timestamps(true);
/// # let _ = opts;
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogsOptions {
    follow: bool,
    since: Option<SystemTime>,
    until: Option<SystemTime>,
    tail: Option<u64>,
    timestamps: bool,
    stdout: bool,
    stderr: bool,
}

impl Default for LogsOptions {
    fn default() -> LogsOptions {
        LogsOptions {
            follow: false,
            since: None,
            until: None,
            tail: None,
            timestamps: false,
            stdout: true,
            stderr: true,
        }
    }
}

impl LogsOptions {
    /// Keeps the stream open and follows new output.
    pub fn follow(self, follow: bool) -> Self {
        LogsOptions { follow, ..self }
    }

    /// Only output written at or after this time.
    pub fn since(self, since: SystemTime) -> Self {
        LogsOptions {
            since: Some(since),
            ..self
        }
    }

    /// Only output written before this time.
    pub fn until(self, until: SystemTime) -> Self {
        LogsOptions {
            until: Some(until),
            ..self
        }
    }

    /// Only the last `n` lines.
    pub fn tail(self, n: u64) -> Self {
        LogsOptions {
            tail: Some(n),
            ..self
        }
    }

    /// Prefixes each line with its RFC 3339 timestamp.
    pub fn timestamps(self, timestamps: bool) -> Self {
        LogsOptions { timestamps, ..self }
    }

    /// Includes stdout (default true).
    pub fn stdout(self, stdout: bool) -> Self {
        LogsOptions { stdout, ..self }
    }

    /// Includes stderr (default true).
    pub fn stderr(self, stderr: bool) -> Self {
        LogsOptions { stderr, ..self }
    }

    fn query(&self) -> Query {
        let mut q = Query::default();
        q.flag("follow", self.follow)
            .flag("stdout", self.stdout)
            .flag("stderr", self.stderr)
            .push_opt("since", self.since.map(unix_nanos_text))
            .push_opt("until", self.until.map(unix_nanos_text))
            .push_opt("tail", self.tail)
            .flag("timestamps", self.timestamps);
        q
    }
}

/// What `wait` waits for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum WaitCondition {
    /// Until the container is not running (returns at once if it is not).
    #[default]
    NotRunning,
    /// Until the container next exits.
    NextExit,
    /// Until the container is removed.
    Removed,
}

impl WaitCondition {
    fn as_str(self) -> &'static str {
        match self {
            WaitCondition::NotRunning => "not-running",
            WaitCondition::NextExit => "next-exit",
            WaitCondition::Removed => "removed",
        }
    }
}

/// Options of `remove_container`.
///
/// ```
/// let opts = docker_client::RemoveContainerOptions::default().force(true).volumes(true);
/// # let _ = opts;
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct RemoveContainerOptions {
    force: bool,
    volumes: bool,
}

impl RemoveContainerOptions {
    /// Kills a running container first.
    pub fn force(self, force: bool) -> Self {
        RemoveContainerOptions { force, ..self }
    }

    /// Removes the container's anonymous volumes too.
    pub fn volumes(self, volumes: bool) -> Self {
        RemoveContainerOptions { volumes, ..self }
    }
}

/// Options of `attach_container`.
///
/// ```
/// let opts = docker_client::AttachOptions::default().stdin(true).logs(true);
/// # let _ = opts;
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AttachOptions {
    stdin: bool,
    stdout: bool,
    stderr: bool,
    logs: bool,
}

impl Default for AttachOptions {
    fn default() -> AttachOptions {
        AttachOptions {
            stdin: false,
            stdout: true,
            stderr: true,
            logs: false,
        }
    }
}

impl AttachOptions {
    /// Attaches stdin (the container must have been created with `OpenStdin`).
    pub fn stdin(self, stdin: bool) -> Self {
        AttachOptions { stdin, ..self }
    }

    /// Attaches stdout (default true).
    pub fn stdout(self, stdout: bool) -> Self {
        AttachOptions { stdout, ..self }
    }

    /// Attaches stderr (default true).
    pub fn stderr(self, stderr: bool) -> Self {
        AttachOptions { stderr, ..self }
    }

    /// Replays the output written so far before the live output.
    pub fn logs(self, logs: bool) -> Self {
        AttachOptions { logs, ..self }
    }
}

/// Filters of a prune call, such as `("until", "24h")` or `("label", "k=v")`.
///
/// ```
/// let f = docker_client::PruneFilters::default().filter("label", "tmp=1");
/// # let _ = f;
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PruneFilters(Filters);

impl PruneFilters {
    /// Adds a filter.
    pub fn filter(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {
        self.0.add(key, value);
        self
    }

    pub(crate) fn query(&self) -> Query {
        let mut q = Query::default();
        self.0.push_to(&mut q);
        q
    }
}

/// Which stream a piece of container output came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum OutputStream {
    /// The process's stdout.
    Stdout,
    /// The process's stderr.
    Stderr,
    /// A TTY's output: stdout and stderr are one stream.
    Console,
}

impl fmt::Display for OutputStream {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            OutputStream::Stdout => "stdout",
            OutputStream::Stderr => "stderr",
            OutputStream::Console => "console",
        })
    }
}

/// A piece of container output (logs, attach, exec), as it arrived: not necessarily a line.
#[derive(Clone, PartialEq, Eq)]
pub struct LogChunk {
    /// The stream it belongs to.
    pub stream: OutputStream,
    /// The bytes.
    pub data: Vec<u8>,
}

impl fmt::Debug for LogChunk {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LogChunk")
            .field("stream", &self.stream)
            .field("data", &String::from_utf8_lossy(&self.data))
            .finish()
    }
}

/// How an output stream is framed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Framing {
    /// The 8-byte stdout/stderr headers.
    Multiplexed,
    /// Raw TTY bytes.
    Raw,
}

/// The framing that the `Content-Type` names, when it names one that can be trusted.
///
/// `multiplexed-stream` is always right. `raw-stream` is right from API 1.42 on; older
/// engines send it for multiplexed attach output too. No Content-Type (logs before 1.42)
/// says nothing: the caller falls back to the container's TTY setting.
pub(crate) fn framing_from_headers(
    headers: &Headers,
    version: Option<ApiVersion>,
) -> Option<Framing> {
    let ct = headers.get("content-type")?;
    let ct = ct.split(';').next().unwrap_or("").trim();
    match ct {
        "application/vnd.docker.multiplexed-stream" => Some(Framing::Multiplexed),
        "application/vnd.docker.raw-stream" if version >= Some(ApiVersion::new(1, 42)) => {
            Some(Framing::Raw)
        }
        _ => None,
    }
}

/// The framing for a container whose TTY setting is `tty`.
pub(crate) fn framing_for_tty(tty: bool) -> Framing {
    match tty {
        true => Framing::Raw,
        false => Framing::Multiplexed,
    }
}

/// Splits container output into tagged pieces as bytes arrive, in constant memory.
#[derive(Debug)]
pub(crate) struct OutputDecoder {
    framing: Framing,
    mux: MuxDecoder,
    endpoint: String,
    ready: VecDeque<Result<LogChunk>>,
    failed: bool,
    /// The payload pieces of the run of one stream being joined, as ranges of the input
    /// being fed; kept so that its memory is reused.
    run: Vec<Range<usize>>,
}

impl OutputDecoder {
    pub(crate) fn new(framing: Framing, endpoint: String) -> OutputDecoder {
        OutputDecoder {
            framing,
            mux: MuxDecoder::default(),
            endpoint,
            ready: VecDeque::new(),
            failed: false,
            run: Vec::new(),
        }
    }

    /// Decodes `input`; pieces become ready in order. Consecutive pieces of one stream
    /// within this input are joined, so a chunk yields few pieces. A joined piece is
    /// allocated once at its final size and each byte copied once: growing it piece by
    /// piece would move it at every reallocation.
    pub(crate) fn feed(&mut self, input: &[u8]) {
        if self.failed {
            return;
        }
        if self.framing == Framing::Raw {
            if !input.is_empty() {
                self.push(OutputStream::Console, input);
            }
            return;
        }
        let mut at = 0;
        let mut run_stream = None;
        while at < input.len() {
            match self.mux.decode(&input[at..]) {
                Ok((n, piece)) => {
                    at += n;
                    let Some(piece) = piece else { continue };
                    let stream = match piece.stream {
                        StreamKind::Stdin | StreamKind::Stdout => OutputStream::Stdout,
                        StreamKind::Stderr => OutputStream::Stderr,
                        StreamKind::SystemErr => {
                            self.flush_run(input, run_stream);
                            let message = String::from_utf8_lossy(piece.data).trim().to_owned();
                            self.fail(Error::Stream { message });
                            return;
                        }
                    };
                    if run_stream != Some(stream) {
                        self.flush_run(input, run_stream);
                        run_stream = Some(stream);
                    }
                    // A sub-slice of `input`: its place in it.
                    let from = piece.data.as_ptr() as usize - input.as_ptr() as usize;
                    self.run.push(from..from + piece.data.len());
                }
                Err(source) => {
                    self.flush_run(input, run_stream);
                    self.fail(Error::Framing {
                        endpoint: self.endpoint.clone(),
                        source,
                    });
                    return;
                }
            }
        }
        self.flush_run(input, run_stream);
    }

    /// Makes the pieces of the current run one ready piece (or appends them to the last
    /// ready piece when it is of the same stream).
    fn flush_run(&mut self, input: &[u8], stream: Option<OutputStream>) {
        let Some(stream) = stream else { return };
        let len = self.run.iter().map(|r| r.len()).sum();
        let joins = matches!(self.ready.back(), Some(Ok(last)) if last.stream == stream);
        if !joins {
            self.ready.push_back(Ok(LogChunk {
                stream,
                data: Vec::with_capacity(len),
            }));
        }
        let Some(Ok(last)) = self.ready.back_mut() else {
            unreachable!("a piece of this stream was just made ready")
        };
        last.data.reserve_exact(len);
        for range in self.run.drain(..) {
            last.data.extend_from_slice(&input[range]);
        }
    }

    fn push(&mut self, stream: OutputStream, data: &[u8]) {
        if let Some(Ok(last)) = self.ready.back_mut() {
            if last.stream == stream {
                last.data.extend_from_slice(data);
                return;
            }
        }
        self.ready.push_back(Ok(LogChunk {
            stream,
            data: data.to_vec(),
        }));
    }

    /// The stream ended: a frame cut short is an error.
    pub(crate) fn finish(&mut self) {
        if !self.failed && self.framing == Framing::Multiplexed {
            if let Err(source) = self.mux.finish() {
                self.fail(Error::Framing {
                    endpoint: self.endpoint.clone(),
                    source,
                });
            }
        }
    }

    pub(crate) fn fail(&mut self, e: Error) {
        self.ready.push_back(Err(e));
        self.failed = true;
    }

    pub(crate) fn pop(&mut self) -> Option<Result<LogChunk>> {
        self.ready.pop_front()
    }

    pub(crate) fn is_failed(&self) -> bool {
        self.failed
    }
}

pub(crate) fn create(name: Option<&str>, config: &ContainerCreateConfig) -> Result<Call> {
    let mut q = Query::default();
    if let Some(name) = name {
        q.push("name", name_arg(name)?);
    }
    let body = serde_json::to_vec(config).map_err(|e| Error::InvalidArgument {
        what: "container config",
        reason: e.to_string(),
    })?;
    Ok(Call::post("/containers/create").query(q).json(body))
}

/// A new name: the engine's grammar `[a-zA-Z0-9][a-zA-Z0-9_.-]*`, with an optional `/`.
fn name_arg(name: &str) -> Result<&str> {
    let bare = name.strip_prefix('/').unwrap_or(name);
    let ok = bare
        .bytes()
        .next()
        .is_some_and(|b| b.is_ascii_alphanumeric())
        && bare
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"_.-".contains(&b));
    match ok {
        true => Ok(name),
        false => Err(Error::InvalidArgument {
            what: "container name",
            reason: format!("{name:?} must match [a-zA-Z0-9][a-zA-Z0-9_.-]*"),
        }),
    }
}

pub(crate) fn start(id: &str) -> Result<Call> {
    Ok(Call::post(container_path(id, "/start")?))
}

pub(crate) fn stop(id: &str, timeout: Option<Duration>) -> Result<Call> {
    let mut call = Call::post(container_path(id, "/stop")?);
    if let Some(t) = timeout {
        let secs = crate::call::whole_seconds(t);
        call.query.push("t", &secs.to_string());
        call.head_timeout = Some(Duration::from_secs(secs) + crate::call::STOP_GRACE);
    }
    Ok(call)
}

pub(crate) fn wait(id: &str, condition: WaitCondition) -> Result<Call> {
    let mut q = Query::default();
    q.push("condition", condition.as_str());
    // The engine sends the head at once and the body when the condition is met.
    Ok(Call::post(container_path(id, "/wait")?)
        .query(q)
        .streaming())
}

pub(crate) fn remove(id: &str, options: RemoveContainerOptions) -> Result<Call> {
    let mut q = Query::default();
    q.flag("force", options.force).flag("v", options.volumes);
    Ok(Call::new(Method::Delete, container_path(id, "")?).query(q))
}

pub(crate) fn simple_post(id: &str, action: &str) -> Result<Call> {
    Ok(Call::post(container_path(id, action)?))
}

pub(crate) fn rename(id: &str, new_name: &str) -> Result<Call> {
    let mut q = Query::default();
    q.push("name", name_arg(new_name)?);
    Ok(Call::post(container_path(id, "/rename")?).query(q))
}

pub(crate) fn update(id: &str, update: &serde_json::Value) -> Result<Call> {
    let body = serde_json::to_vec(update).expect("a JSON value always serializes");
    Ok(Call::post(container_path(id, "/update")?).json(body))
}

pub(crate) fn prune(filters: &PruneFilters) -> Call {
    Call::post("/containers/prune").query(filters.query())
}

pub(crate) fn export(id: &str) -> Result<Call> {
    Ok(Call::get(container_path(id, "/export")?).streaming())
}

pub(crate) fn stats(id: &str, stream: bool) -> Result<Call> {
    let mut q = Query::default();
    match stream {
        true => q.push("stream", "1"),
        false => q.push("stream", "0").push("one-shot", "1"),
    };
    let call = Call::get(container_path(id, "/stats")?).query(q);
    Ok(match stream {
        true => call.streaming(),
        false => call,
    })
}

pub(crate) fn logs(id: &str, options: &LogsOptions) -> Result<Call> {
    let call = Call::get(container_path(id, "/logs")?).query(options.query());
    Ok(match options.follow {
        true => call.streaming(),
        false => call,
    })
}

pub(crate) fn attach(id: &str, options: AttachOptions) -> Result<Call> {
    let mut q = Query::default();
    q.push("stream", "1")
        .flag("stdin", options.stdin)
        .flag("stdout", options.stdout)
        .flag("stderr", options.stderr)
        .flag("logs", options.logs);
    Ok(Call::post(container_path(id, "/attach")?)
        .query(q)
        .upgrade())
}

pub(crate) fn resize(prefix: &str, id: &str, height: u16, width: u16) -> Result<Call> {
    let kind = match prefix {
        "/exec" => Kind::Exec,
        _ => Kind::Container,
    };
    let mut q = Query::default();
    q.push("h", &height.to_string())
        .push("w", &width.to_string());
    let path = format!("{prefix}/{}/resize", path::segment(kind, id)?);
    Ok(Call::post(path).query(q))
}

pub(crate) fn exec_create(id: &str, config: &docker_models::ExecCreateConfig) -> Result<Call> {
    let body = serde_json::to_vec(config).map_err(|e| Error::InvalidArgument {
        what: "exec config",
        reason: e.to_string(),
    })?;
    Ok(Call::post(container_path(id, "/exec")?).json(body))
}

pub(crate) fn exec_start(exec_id: &str, tty: bool) -> Result<Call> {
    let config = docker_models::ExecStartConfig { detach: false, tty };
    let body = serde_json::to_vec(&config).expect("the exec start config always serializes");
    let path = format!("/exec/{}/start", path::segment(Kind::Exec, exec_id)?);
    Ok(Call::post(path).json(body).upgrade())
}

pub(crate) fn exec_inspect(exec_id: &str) -> Result<Call> {
    Ok(Call::get(format!(
        "/exec/{}/json",
        path::segment(Kind::Exec, exec_id)?
    )))
}

/// `HEAD`/`GET`/`PUT /containers/{id}/archive?path=`.
pub(crate) fn archive(method: Method, id: &str, container_path_arg: &str) -> Result<Call> {
    let p = text("archive path", container_path_arg)?;
    if p.is_empty() {
        return Err(Error::InvalidArgument {
            what: "archive path",
            reason: "is empty".into(),
        });
    }
    let mut q = Query::default();
    q.push("path", p);
    let call = Call::new(method, container_path(id, "/archive")?).query(q);
    Ok(match method {
        Method::Get => call.streaming(),
        _ => call,
    })
}

/// What `stat_path` tells about a path in a container (the `X-Docker-Container-Path-Stat`
/// header).
#[derive(Debug, Clone, PartialEq, Eq, Default, serde::Deserialize, serde::Serialize)]
#[serde(default)]
pub struct PathStat {
    /// The base name.
    pub name: String,
    /// The size in bytes.
    pub size: i64,
    /// The Go `os.FileMode` bits (the directory bit is `1 << 31`).
    pub mode: u32,
    /// The modification time, RFC 3339.
    pub mtime: String,
    /// The target when the path is a symbolic link.
    #[serde(rename = "linkTarget")]
    pub link_target: String,
}

impl PathStat {
    /// True for a directory.
    pub fn is_dir(&self) -> bool {
        self.mode & (1 << 31) != 0
    }
}

/// Reads the path-stat header of an archive answer.
pub(crate) fn path_stat(headers: &Headers, call: &str) -> Result<PathStat> {
    let value = headers
        .get("x-docker-container-path-stat")
        .ok_or_else(|| Error::Api {
            status: 200,
            message: format!("{call}: the answer has no X-Docker-Container-Path-Stat header"),
        })?;
    let json = crate::base64::decode(value.trim()).ok_or_else(|| Error::Api {
        status: 200,
        message: format!("{call}: the path-stat header is not base64"),
    })?;
    crate::call::decode(call, &json)
}

/// Start and stop answer 304 when there is nothing to do: that is success.
pub(crate) fn already_done_is_ok(res: Result<()>) -> Result<()> {
    match res {
        Err(Error::NotModified) => Ok(()),
        other => other,
    }
}

/// The `Warnings` of an answer.
pub(crate) fn warnings(answer: &serde_json::Value) -> Vec<String> {
    answer["Warnings"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|w| w.as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

/// An I/O error on a hijacked connection.
pub(crate) fn io_error(desc: &str, source: std::io::Error) -> Error {
    Error::Transport(docker_transport::Error::Io {
        endpoint: desc.to_owned(),
        source,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frame(stream: u8, data: &[u8]) -> Vec<u8> {
        let mut f = vec![stream, 0, 0, 0];
        f.extend_from_slice(&(data.len() as u32).to_be_bytes());
        f.extend_from_slice(data);
        f
    }

    fn drain(dec: &mut OutputDecoder) -> Vec<Result<(OutputStream, Vec<u8>)>> {
        std::iter::from_fn(|| dec.pop())
            .map(|r| r.map(|c| (c.stream, c.data)))
            .collect()
    }

    #[test]
    fn output_is_the_same_for_any_split_and_runs_are_joined() {
        let wire: Vec<u8> = [
            frame(1, b"a1\n"),
            frame(1, b"a2\n"),
            frame(0, b""),
            frame(2, b"e1\n"),
            frame(1, b"b1\n"),
        ]
        .concat();
        for split in 0..=wire.len() {
            let mut dec = OutputDecoder::new(Framing::Multiplexed, "logs".into());
            let (mut out, mut err) = (Vec::new(), Vec::new());
            for part in [&wire[..split], &wire[split..]] {
                dec.feed(part);
                for piece in drain(&mut dec) {
                    match piece.unwrap() {
                        (OutputStream::Stderr, d) => err.extend(d),
                        (_, d) => out.extend(d),
                    }
                }
            }
            dec.finish();
            assert!(dec.pop().is_none(), "split at {split}");
            assert_eq!(out, b"a1\na2\nb1\n", "split at {split}");
            assert_eq!(err, b"e1\n", "split at {split}");
        }
        let mut dec = OutputDecoder::new(Framing::Multiplexed, "logs".into());
        dec.feed(&wire);
        let pieces: Vec<_> = drain(&mut dec).into_iter().map(Result::unwrap).collect();
        assert_eq!(
            pieces,
            [
                (OutputStream::Stdout, b"a1\na2\n".to_vec()),
                (OutputStream::Stderr, b"e1\n".to_vec()),
                (OutputStream::Stdout, b"b1\n".to_vec()),
            ]
        );
        assert!(pieces.iter().all(|(_, d)| d.capacity() == d.len()));
    }

    #[test]
    fn pieces_before_a_system_error_come_first() {
        let wire = [
            frame(1, b"out"),
            frame(2, b"err"),
            frame(3, b" boom \n"),
            frame(1, b"x"),
        ]
        .concat();
        let mut dec = OutputDecoder::new(Framing::Multiplexed, "logs".into());
        dec.feed(&wire);
        let pieces = drain(&mut dec);
        assert_eq!(pieces.len(), 3);
        assert_eq!(
            pieces[0].as_ref().unwrap(),
            &(OutputStream::Stdout, b"out".to_vec())
        );
        assert_eq!(
            pieces[1].as_ref().unwrap(),
            &(OutputStream::Stderr, b"err".to_vec())
        );
        let err = pieces[2].as_ref().err().unwrap();
        assert!(
            matches!(err, Error::Stream { message } if message == "boom"),
            "{err:?}"
        );
        assert!(dec.is_failed());
    }

    #[test]
    fn raw_output_is_console_as_it_arrives() {
        let mut dec = OutputDecoder::new(Framing::Raw, "attach".into());
        dec.feed(b"ab");
        dec.feed(b"");
        dec.feed(b"c");
        let pieces: Vec<_> = drain(&mut dec).into_iter().map(Result::unwrap).collect();
        assert_eq!(pieces, [(OutputStream::Console, b"abc".to_vec())]);
    }
}
