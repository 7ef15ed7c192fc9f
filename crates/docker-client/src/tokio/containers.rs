//! The container lifecycle, logs, exec, attach, stats and archives: tokio.

use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use docker_models::{
    ContainerCreateConfig, ContainerCreateResponse, ContainerPruneResponse, ContainerStats,
    ContainerWaitResponse, ExecCreateConfig, ExecCreateResponse, ExecInspect,
};
use docker_transport::tokio::{BodyReader, BodyStream, Response, Upgraded};
use docker_transport::{Body, Method};
use futures_core::Stream;
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWriteExt, ReadHalf, WriteHalf};

use super::{poll_pump, Client};
use crate::call::JsonLines;
use crate::containers::{
    self as c, AttachOptions, Framing, LogChunk, LogsOptions, OutputDecoder, PathStat,
    PruneFilters, RemoveContainerOptions, WaitCondition,
};
use crate::Result;

impl Client {
    /// `POST /containers/create`: see
    /// [`blocking::Client::create_container`](crate::blocking::Client::create_container).
    pub async fn create_container(
        &self,
        name: Option<&str>,
        config: &ContainerCreateConfig,
    ) -> Result<ContainerCreateResponse> {
        self.json(c::create(name, config)?).await
    }

    /// `POST /containers/{id}/start`. Starting a running container is not an error.
    pub async fn start_container(&self, id: &str) -> Result<()> {
        c::already_done_is_ok(self.empty(c::start(id)?).await)
    }

    /// `POST /containers/{id}/stop?t=`. Stopping a stopped container is not an error.
    pub async fn stop_container(&self, id: &str, timeout: Option<Duration>) -> Result<()> {
        c::already_done_is_ok(self.empty(c::stop(id, timeout)?).await)
    }

    /// `POST /containers/{id}/wait?condition=`: waits and returns the exit code.
    pub async fn wait_container(
        &self,
        id: &str,
        condition: WaitCondition,
    ) -> Result<ContainerWaitResponse> {
        self.json(c::wait(id, condition)?).await
    }

    /// `DELETE /containers/{id}`.
    pub async fn remove_container(&self, id: &str, options: RemoveContainerOptions) -> Result<()> {
        self.empty(c::remove(id, options)?).await
    }

    /// `POST /containers/{id}/pause`.
    pub async fn pause_container(&self, id: &str) -> Result<()> {
        self.empty(c::simple_post(id, "/pause")?).await
    }

    /// `POST /containers/{id}/unpause`.
    pub async fn unpause_container(&self, id: &str) -> Result<()> {
        self.empty(c::simple_post(id, "/unpause")?).await
    }

    /// `POST /containers/{id}/rename?name=`.
    pub async fn rename_container(&self, id: &str, new_name: &str) -> Result<()> {
        self.empty(c::rename(id, new_name)?).await
    }

    /// `POST /containers/{id}/update`: returns the engine's warnings.
    pub async fn update_container(
        &self,
        id: &str,
        update: &serde_json::Value,
    ) -> Result<Vec<String>> {
        let answer: serde_json::Value = self.json(c::update(id, update)?).await?;
        Ok(c::warnings(&answer))
    }

    /// `POST /containers/prune`: removes stopped containers.
    pub async fn prune_containers(&self, filters: &PruneFilters) -> Result<ContainerPruneResponse> {
        self.json(c::prune(filters)).await
    }

    /// `GET /containers/{id}/export`: the container's filesystem as a tar stream.
    pub async fn export_container(&self, id: &str) -> Result<BodyReader> {
        Ok(self.stream(c::export(id)?).await?.into_async_read())
    }

    /// `GET /containers/{id}/stats?stream=0`: one sample.
    pub async fn container_stats(&self, id: &str) -> Result<ContainerStats> {
        self.json(c::stats(id, false)?).await
    }

    /// `GET /containers/{id}/stats?stream=1`: a [`Stream`] of samples.
    pub async fn container_stats_stream(&self, id: &str) -> Result<Stats> {
        let call = c::stats(id, true)?;
        let desc = call.describe();
        Ok(Stats {
            body: self.stream(call).await?.into_stream(),
            lines: JsonLines::new(desc),
        })
    }

    /// `GET /containers/{id}/logs`: a [`Stream`] of [`LogChunk`]s. See
    /// [`blocking::Client::logs`](crate::blocking::Client::logs) for the framing rules.
    pub async fn logs(&self, id: &str, options: &LogsOptions) -> Result<Logs> {
        let call = c::logs(id, options)?;
        let desc = call.describe();
        let response = self.stream(call).await?;
        let framing = self.output_framing(id, &response).await?;
        Ok(Logs {
            body: response.into_stream(),
            output: OutputDecoder::new(framing, desc),
            ended: false,
        })
    }

    /// `POST /containers/{id}/attach`: a duplex session on the container's stdio.
    pub async fn attach_container(
        &self,
        id: &str,
        options: AttachOptions,
    ) -> Result<AttachSession> {
        let call = c::attach(id, options)?;
        let desc = call.describe();
        let response = self.stream(call).await?;
        let framing = self.output_framing(id, &response).await?;
        AttachSession::new(response, framing, desc).await
    }

    /// `POST /containers/{id}/resize?h=&w=`.
    pub async fn resize_container(&self, id: &str, height: u16, width: u16) -> Result<()> {
        self.empty(c::resize("/containers", id, height, width)?)
            .await
    }

    /// `POST /containers/{id}/exec`: prepares a command; returns the exec ID.
    pub async fn create_exec(
        &self,
        id: &str,
        config: &ExecCreateConfig,
    ) -> Result<ExecCreateResponse> {
        self.json(c::exec_create(id, config)?).await
    }

    /// `POST /exec/{id}/start`: runs the command and hands back its stdio.
    pub async fn start_exec(&self, exec_id: &str, tty: bool) -> Result<AttachSession> {
        let call = c::exec_start(exec_id, tty)?;
        let desc = call.describe();
        let response = self.stream(call).await?;
        AttachSession::new(response, c::framing_for_tty(tty), desc).await
    }

    /// `GET /exec/{id}/json`.
    pub async fn inspect_exec(&self, exec_id: &str) -> Result<ExecInspect> {
        self.json(c::exec_inspect(exec_id)?).await
    }

    /// `POST /exec/{id}/resize?h=&w=`.
    pub async fn resize_exec(&self, exec_id: &str, height: u16, width: u16) -> Result<()> {
        self.empty(c::resize("/exec", exec_id, height, width)?)
            .await
    }

    /// `HEAD /containers/{id}/archive?path=`: what is at `path`.
    pub async fn stat_path(&self, id: &str, path: &str) -> Result<PathStat> {
        let call = c::archive(Method::Head, id, path)?;
        let desc = call.describe();
        let response = self.stream(call).await?;
        let stat = c::path_stat(response.headers(), &desc);
        drop(response.bytes().await);
        stat
    }

    /// `GET /containers/{id}/archive?path=`: `path` as a tar stream, with its stat.
    pub async fn get_archive(&self, id: &str, path: &str) -> Result<(PathStat, BodyReader)> {
        let call = c::archive(Method::Get, id, path)?;
        let desc = call.describe();
        let response = self.stream(call).await?;
        let stat = c::path_stat(response.headers(), &desc)?;
        Ok((stat, response.into_async_read()))
    }

    /// `PUT /containers/{id}/archive?path=`: extracts the tar stream `tar` into `path`.
    pub async fn put_archive(
        &self,
        id: &str,
        path: &str,
        tar: impl AsyncRead + Send + Unpin + 'static,
    ) -> Result<()> {
        let mut call = c::archive(Method::Put, id, path)?;
        call.body = Body::AsyncReader(Box::new(tar));
        call.content_type = Some("application/x-tar");
        self.empty(call).await
    }

    async fn output_framing(&self, id: &str, response: &Response) -> Result<Framing> {
        if let Some(f) = c::framing_from_headers(response.headers(), self.shared.current()) {
            return Ok(f);
        }
        let tty = self.inspect_container(id).await?.config.tty;
        Ok(c::framing_for_tty(tty))
    }
}

/// Container output from [`Client::logs`]: a [`Stream`] of [`LogChunk`]s.
pub struct Logs {
    body: BodyStream,
    output: OutputDecoder,
    ended: bool,
}

impl Stream for Logs {
    type Item = Result<LogChunk>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = &mut *self;
        loop {
            if let Some(item) = this.output.pop() {
                return Poll::Ready(Some(item));
            }
            if this.ended || this.output.is_failed() {
                return Poll::Ready(None);
            }
            // Borrowed from the read buffer: decoded in place, never copied first.
            match this.body.poll_chunk(cx) {
                Poll::Pending => return Poll::Pending,
                Poll::Ready(Some(Ok(bytes))) => this.output.feed(bytes),
                Poll::Ready(Some(Err(e))) => this.output.fail(e.into()),
                Poll::Ready(None) => {
                    this.ended = true;
                    this.output.finish();
                }
            }
        }
    }
}

impl std::fmt::Debug for Logs {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Logs").finish_non_exhaustive()
    }
}

/// Stats samples from [`Client::container_stats_stream`]: a [`Stream`].
pub struct Stats {
    body: BodyStream,
    lines: JsonLines<ContainerStats>,
}

impl Stream for Stats {
    type Item = Result<ContainerStats>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = &mut *self;
        poll_pump(&mut this.body, &mut this.lines, cx)
    }
}

impl std::fmt::Debug for Stats {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Stats").finish_non_exhaustive()
    }
}

/// A hijacked connection to a container's or an exec's stdio (tokio).
///
/// [`split`](AttachSession::split) gives halves for two tasks.
pub struct AttachSession {
    input: AttachInput,
    output: AttachOutput,
}

impl AttachSession {
    async fn new(response: Response, framing: Framing, desc: String) -> Result<AttachSession> {
        let io = response.into_upgraded().await?;
        let (reader, writer) = tokio::io::split(io);
        Ok(AttachSession {
            input: AttachInput {
                writer,
                desc: desc.clone(),
            },
            output: AttachOutput {
                reader,
                decoder: OutputDecoder::new(framing, desc),
                buf: vec![0; 64 * 1024],
                done: false,
            },
        })
    }

    /// Writes all of `data` to the process's stdin.
    pub async fn write_stdin(&mut self, data: &[u8]) -> Result<()> {
        self.input.write_stdin(data).await
    }

    /// Closes stdin: the process reads end-of-file. Output keeps flowing.
    pub async fn close_stdin(&mut self) -> Result<()> {
        self.input.close().await
    }

    /// The next piece of output; `None` once the process closed its output.
    pub async fn next_output(&mut self) -> Option<Result<LogChunk>> {
        self.output.next_output().await
    }

    /// All remaining output, stdout and stderr concatenated in arrival order.
    pub async fn collect_output(&mut self) -> Result<Vec<u8>> {
        let mut out = Vec::new();
        while let Some(chunk) = self.output.next_output().await {
            out.extend_from_slice(&chunk?.data);
        }
        Ok(out)
    }

    /// Splits into an input half and an output half, for use from two tasks.
    pub fn split(self) -> (AttachInput, AttachOutput) {
        (self.input, self.output)
    }
}

impl std::fmt::Debug for AttachSession {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AttachSession").finish_non_exhaustive()
    }
}

/// The stdin half of an [`AttachSession`].
pub struct AttachInput {
    writer: WriteHalf<Upgraded>,
    desc: String,
}

impl AttachInput {
    /// Writes all of `data` to stdin.
    pub async fn write_stdin(&mut self, data: &[u8]) -> Result<()> {
        let res = async {
            self.writer.write_all(data).await?;
            self.writer.flush().await
        }
        .await;
        res.map_err(|e| c::io_error(&self.desc, e))
    }

    /// Closes stdin (a half-close): the process reads end-of-file.
    pub async fn close(&mut self) -> Result<()> {
        self.writer
            .shutdown()
            .await
            .map_err(|e| c::io_error(&self.desc, e))
    }
}

impl std::fmt::Debug for AttachInput {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AttachInput").finish_non_exhaustive()
    }
}

/// The output half of an [`AttachSession`].
pub struct AttachOutput {
    reader: ReadHalf<Upgraded>,
    decoder: OutputDecoder,
    buf: Vec<u8>,
    done: bool,
}

impl AttachOutput {
    /// The next piece of output; `None` once the process closed its output.
    pub async fn next_output(&mut self) -> Option<Result<LogChunk>> {
        loop {
            if let Some(item) = self.decoder.pop() {
                return Some(item);
            }
            if self.done || self.decoder.is_failed() {
                return None;
            }
            match self.reader.read(&mut self.buf).await {
                Ok(0) => {
                    self.done = true;
                    self.decoder.finish();
                }
                Ok(n) => self.decoder.feed(&self.buf[..n]),
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => (),
                Err(e) => self.decoder.fail(c::io_error("attach", e)),
            }
        }
    }
}

impl std::fmt::Debug for AttachOutput {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AttachOutput").finish_non_exhaustive()
    }
}
