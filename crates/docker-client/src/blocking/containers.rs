//! The container lifecycle, logs, exec, attach, stats and archives: blocking.

use std::io::{Read, Write};
use std::time::Duration;

use docker_models::{
    ContainerCreateConfig, ContainerCreateResponse, ContainerPruneResponse, ContainerStats,
    ContainerWaitResponse, ExecCreateConfig, ExecCreateResponse, ExecInspect,
};
use docker_transport::blocking::{AbortHandle, BodyReader, Response};
use docker_transport::{Body, Method};

use super::{pump, Client};
use crate::call::JsonLines;
use crate::containers::{
    self as c, AttachOptions, Framing, LogChunk, LogsOptions, OutputDecoder, PathStat,
    PruneFilters, RemoveContainerOptions, WaitCondition,
};
use crate::Result;

impl Client {
    /// `POST /containers/create`: creates a container from `config`, named `name` if given.
    ///
    /// ```no_run
    /// # let client = docker_client::blocking::Client::from_env()?;
    /// use docker_client::models::ContainerCreateConfig;
    /// let config = ContainerCreateConfig {
    ///     image: "bb:latest".into(),
    ///     cmd: vec!["sleep".into(), "60".into()],
    ///     ..Default::default()
    /// };
    /// let created = client.create_container(Some("napper"), &config)?;
    /// client.start_container(&created.id)?;
    /// # Ok::<(), docker_client::Error>(())
    /// ```
    pub fn create_container(
        &self,
        name: Option<&str>,
        config: &ContainerCreateConfig,
    ) -> Result<ContainerCreateResponse> {
        self.json(c::create(name, config)?)
    }

    /// `POST /containers/{id}/start`. Starting a running container is not an error.
    pub fn start_container(&self, id: &str) -> Result<()> {
        c::already_done_is_ok(self.empty(c::start(id)?))
    }

    /// `POST /containers/{id}/stop?t=`: SIGTERM (or the container's stop signal), then
    /// SIGKILL after `timeout` (the container's or engine's default when `None`). Stopping a
    /// stopped container is not an error.
    pub fn stop_container(&self, id: &str, timeout: Option<Duration>) -> Result<()> {
        c::already_done_is_ok(self.empty(c::stop(id, timeout)?))
    }

    /// `POST /containers/{id}/wait?condition=`: blocks until the condition holds and returns
    /// the exit code. No idle timeout applies while waiting.
    pub fn wait_container(
        &self,
        id: &str,
        condition: WaitCondition,
    ) -> Result<ContainerWaitResponse> {
        self.json(c::wait(id, condition)?)
    }

    /// `DELETE /containers/{id}`.
    pub fn remove_container(&self, id: &str, options: RemoveContainerOptions) -> Result<()> {
        self.empty(c::remove(id, options)?)
    }

    /// `POST /containers/{id}/pause`.
    pub fn pause_container(&self, id: &str) -> Result<()> {
        self.empty(c::simple_post(id, "/pause")?)
    }

    /// `POST /containers/{id}/unpause`.
    pub fn unpause_container(&self, id: &str) -> Result<()> {
        self.empty(c::simple_post(id, "/unpause")?)
    }

    /// `POST /containers/{id}/rename?name=`.
    pub fn rename_container(&self, id: &str, new_name: &str) -> Result<()> {
        self.empty(c::rename(id, new_name)?)
    }

    /// `POST /containers/{id}/update`: changes resources or the restart policy, given as the
    /// engine's JSON (`{"Memory": 67108864, "RestartPolicy": {"Name": "always"}}`). Returns
    /// the engine's warnings.
    pub fn update_container(&self, id: &str, update: &serde_json::Value) -> Result<Vec<String>> {
        let answer: serde_json::Value = self.json(c::update(id, update)?)?;
        Ok(c::warnings(&answer))
    }

    /// `POST /containers/prune`: removes stopped containers.
    pub fn prune_containers(&self, filters: &PruneFilters) -> Result<ContainerPruneResponse> {
        self.json(c::prune(filters))
    }

    /// `GET /containers/{id}/export`: the container's filesystem as a tar stream.
    pub fn export_container(&self, id: &str) -> Result<BodyReader> {
        Ok(self.stream(c::export(id)?)?.into_reader())
    }

    /// `GET /containers/{id}/stats?stream=0`: one sample.
    pub fn container_stats(&self, id: &str) -> Result<ContainerStats> {
        self.json(c::stats(id, false)?)
    }

    /// `GET /containers/{id}/stats?stream=1`: a sample about every second, until dropped.
    pub fn container_stats_stream(&self, id: &str) -> Result<Stats> {
        let call = c::stats(id, true)?;
        let desc = call.describe();
        Ok(Stats {
            response: self.stream(call)?,
            lines: JsonLines::new(desc),
        })
    }

    /// `GET /containers/{id}/logs`: the output as it arrives, tagged stdout or stderr.
    ///
    /// The framing comes from the `Content-Type`, or, for engines that send none, from the
    /// container's TTY setting; it is never guessed from the bytes. TTY output is passed on
    /// as it arrives, without waiting for a newline. Memory stays constant for any log size.
    ///
    /// ```no_run
    /// # let client = docker_client::blocking::Client::from_env()?;
    /// use std::io::Write;
    /// use docker_client::{LogsOptions, OutputStream};
    /// for chunk in client.logs("web", &LogsOptions::default().tail(10))? {
    ///     let chunk = chunk?;
    ///     match chunk.stream {
    ///         OutputStream::Stderr => std::io::stderr().write_all(&chunk.data)?,
    ///         _ => std::io::stdout().write_all(&chunk.data)?,
    ///     }
    /// }
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn logs(&self, id: &str, options: &LogsOptions) -> Result<Logs> {
        let call = c::logs(id, options)?;
        let desc = call.describe();
        let response = self.stream(call)?;
        let framing = self.output_framing(id, &response)?;
        Ok(Logs {
            response,
            output: OutputDecoder::new(framing, desc),
        })
    }

    /// `POST /containers/{id}/attach`: a duplex session on the container's stdio.
    pub fn attach_container(&self, id: &str, options: AttachOptions) -> Result<AttachSession> {
        let call = c::attach(id, options)?;
        let desc = call.describe();
        let response = self.stream(call)?;
        let framing = self.output_framing(id, &response)?;
        AttachSession::new(response, framing, desc)
    }

    /// `POST /containers/{id}/resize?h=&w=`: resizes a container's TTY.
    pub fn resize_container(&self, id: &str, height: u16, width: u16) -> Result<()> {
        self.empty(c::resize("/containers", id, height, width)?)
    }

    /// `POST /containers/{id}/exec`: prepares a command; returns the exec ID.
    ///
    /// ```no_run
    /// # let client = docker_client::blocking::Client::from_env()?;
    /// use docker_client::models::ExecCreateConfig;
    /// let exec = client.create_exec("web", &ExecCreateConfig {
    ///     cmd: vec!["cat".into()],
    ///     attach_stdin: true,
    ///     attach_stdout: true,
    ///     attach_stderr: true,
    ///     ..Default::default()
    /// })?;
    /// let mut session = client.start_exec(&exec.id, false)?;
    /// session.write_stdin(b"hello")?;
    /// session.close_stdin()?;
    /// let output = session.collect_output()?;
    /// assert_eq!(output, b"hello");
    /// assert_eq!(client.inspect_exec(&exec.id)?.exit_code, Some(0));
    /// # Ok::<(), docker_client::Error>(())
    /// ```
    pub fn create_exec(&self, id: &str, config: &ExecCreateConfig) -> Result<ExecCreateResponse> {
        self.json(c::exec_create(id, config)?)
    }

    /// `POST /exec/{id}/start`: runs the command and hands back its stdio. `tty` must match
    /// the exec's configuration: it selects raw or multiplexed output.
    pub fn start_exec(&self, exec_id: &str, tty: bool) -> Result<AttachSession> {
        let call = c::exec_start(exec_id, tty)?;
        let desc = call.describe();
        let response = self.stream(call)?;
        AttachSession::new(response, c::framing_for_tty(tty), desc)
    }

    /// `GET /exec/{id}/json`: the exec's state and exit code.
    pub fn inspect_exec(&self, exec_id: &str) -> Result<ExecInspect> {
        self.json(c::exec_inspect(exec_id)?)
    }

    /// `POST /exec/{id}/resize?h=&w=`.
    pub fn resize_exec(&self, exec_id: &str, height: u16, width: u16) -> Result<()> {
        self.empty(c::resize("/exec", exec_id, height, width)?)
    }

    /// `HEAD /containers/{id}/archive?path=`: what is at `path`.
    pub fn stat_path(&self, id: &str, path: &str) -> Result<PathStat> {
        let call = c::archive(Method::Head, id, path)?;
        let desc = call.describe();
        let response = self.stream(call)?;
        let stat = c::path_stat(response.headers(), &desc);
        drop(response.bytes());
        stat
    }

    /// `GET /containers/{id}/archive?path=`: `path` as a tar stream, with its stat.
    pub fn get_archive(&self, id: &str, path: &str) -> Result<(PathStat, BodyReader)> {
        let call = c::archive(Method::Get, id, path)?;
        let desc = call.describe();
        let response = self.stream(call)?;
        let stat = c::path_stat(response.headers(), &desc)?;
        Ok((stat, response.into_reader()))
    }

    /// `PUT /containers/{id}/archive?path=`: extracts the tar stream `tar` into the
    /// directory `path`, streaming it (chunked).
    pub fn put_archive(&self, id: &str, path: &str, tar: impl Read + Send + 'static) -> Result<()> {
        let mut call = c::archive(Method::Put, id, path)?;
        call.body = Body::Reader(Box::new(tar));
        call.content_type = Some("application/x-tar");
        self.empty(call)
    }

    /// The framing of a container's output stream: the `Content-Type` when it can be
    /// trusted, else the container's TTY setting.
    fn output_framing(&self, id: &str, response: &Response) -> Result<Framing> {
        if let Some(f) = c::framing_from_headers(response.headers(), self.shared.current()) {
            return Ok(f);
        }
        let tty = self.inspect_container(id)?.config.tty;
        Ok(c::framing_for_tty(tty))
    }
}

/// Container output from [`Client::logs`]: an iterator of [`LogChunk`]s.
///
/// It ends at the end of the logs (or, when following, when the container stops). A
/// truncated stream ends with an `Err`.
pub struct Logs {
    response: Response,
    output: OutputDecoder,
}

impl Logs {
    /// A handle that ends the stream from another thread.
    pub fn abort_handle(&self) -> AbortHandle {
        self.response.abort_handle()
    }
}

impl Iterator for Logs {
    type Item = Result<LogChunk>;

    fn next(&mut self) -> Option<Result<LogChunk>> {
        loop {
            if let Some(item) = self.output.pop() {
                return Some(item);
            }
            if self.output.is_failed() {
                return None;
            }
            match self.response.next_chunk() {
                Ok(Some(bytes)) => self.output.feed(bytes),
                Ok(None) => {
                    self.output.finish();
                    if !self.output.is_failed() {
                        return None;
                    }
                }
                Err(e) => self.output.fail(e.into()),
            }
        }
    }
}

impl std::fmt::Debug for Logs {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Logs").finish_non_exhaustive()
    }
}

/// Stats samples from [`Client::container_stats_stream`].
pub struct Stats {
    response: Response,
    lines: JsonLines<ContainerStats>,
}

impl Iterator for Stats {
    type Item = Result<ContainerStats>;

    fn next(&mut self) -> Option<Result<ContainerStats>> {
        pump(&mut self.response, &mut self.lines)
    }
}

impl std::fmt::Debug for Stats {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Stats").finish_non_exhaustive()
    }
}

/// A hijacked connection to a container's or an exec's stdio.
///
/// Write to stdin with [`write_stdin`](AttachSession::write_stdin), end it with
/// [`close_stdin`](AttachSession::close_stdin) (a half-close: the process reads EOF), and
/// read the demultiplexed output with [`next_output`](AttachSession::next_output) or by
/// iterating. [`split`](AttachSession::split) gives halves for two threads.
pub struct AttachSession {
    input: AttachInput,
    output: AttachOutput,
}

impl AttachSession {
    fn new(response: Response, framing: Framing, desc: String) -> Result<AttachSession> {
        let io = response.into_upgraded()?;
        let abort = io.abort_handle();
        let (reader, writer) = io.try_split().map_err(|e| c::io_error(&desc, e))?;
        Ok(AttachSession {
            input: AttachInput {
                writer: Box::new(writer),
                desc: desc.clone(),
            },
            output: AttachOutput {
                reader: Box::new(reader),
                decoder: OutputDecoder::new(framing, desc),
                buf: vec![0; 64 * 1024],
                abort,
                done: false,
            },
        })
    }

    /// Writes all of `data` to the process's stdin.
    pub fn write_stdin(&mut self, data: &[u8]) -> Result<()> {
        self.input.write_stdin(data)
    }

    /// Closes stdin: the process reads end-of-file. Output keeps flowing.
    pub fn close_stdin(&mut self) -> Result<()> {
        self.input.close()
    }

    /// The next piece of output; `None` once the process closed its output.
    pub fn next_output(&mut self) -> Option<Result<LogChunk>> {
        self.output.next()
    }

    /// All remaining output, stdout and stderr concatenated in arrival order.
    pub fn collect_output(&mut self) -> Result<Vec<u8>> {
        let mut out = Vec::new();
        for chunk in &mut self.output {
            out.extend_from_slice(&chunk?.data);
        }
        Ok(out)
    }

    /// Splits into an input half and an output half, for use from two threads.
    pub fn split(self) -> (AttachInput, AttachOutput) {
        (self.input, self.output)
    }

    /// A handle that closes the session from another thread.
    pub fn abort_handle(&self) -> AbortHandle {
        self.output.abort.clone()
    }
}

impl Iterator for AttachSession {
    type Item = Result<LogChunk>;

    fn next(&mut self) -> Option<Result<LogChunk>> {
        self.output.next()
    }
}

impl std::fmt::Debug for AttachSession {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AttachSession").finish_non_exhaustive()
    }
}

/// The stdin half of an [`AttachSession`].
pub struct AttachInput {
    writer: Box<dyn StdinWriter>,
    desc: String,
}

trait StdinWriter: Write + Send {
    fn shutdown_write(&mut self) -> std::io::Result<()>;
}

impl StdinWriter for docker_transport::blocking::UpgradedWriter {
    fn shutdown_write(&mut self) -> std::io::Result<()> {
        docker_transport::blocking::UpgradedWriter::shutdown_write(self)
    }
}

impl AttachInput {
    /// Writes all of `data` to stdin.
    pub fn write_stdin(&mut self, data: &[u8]) -> Result<()> {
        self.writer
            .write_all(data)
            .and_then(|()| self.writer.flush())
            .map_err(|e| c::io_error(&self.desc, e))
    }

    /// Closes stdin (a half-close): the process reads end-of-file.
    pub fn close(&mut self) -> Result<()> {
        self.writer
            .shutdown_write()
            .map_err(|e| c::io_error(&self.desc, e))
    }
}

impl std::fmt::Debug for AttachInput {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AttachInput").finish_non_exhaustive()
    }
}

/// The output half of an [`AttachSession`]: an iterator of [`LogChunk`]s.
pub struct AttachOutput {
    reader: Box<dyn Read + Send>,
    decoder: OutputDecoder,
    buf: Vec<u8>,
    abort: AbortHandle,
    done: bool,
}

impl Iterator for AttachOutput {
    type Item = Result<LogChunk>;

    fn next(&mut self) -> Option<Result<LogChunk>> {
        loop {
            if let Some(item) = self.decoder.pop() {
                return Some(item);
            }
            if self.done || self.decoder.is_failed() {
                return None;
            }
            match self.reader.read(&mut self.buf) {
                Ok(0) => {
                    self.done = true;
                    self.decoder.finish();
                }
                Ok(n) => self.decoder.feed(&self.buf[..n]),
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => (),
                Err(e) => {
                    let desc = String::from("attach");
                    self.decoder.fail(c::io_error(&desc, e));
                }
            }
        }
    }
}

impl std::fmt::Debug for AttachOutput {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AttachOutput").finish_non_exhaustive()
    }
}
