//! Both flavours behind one trait, so that every test runs against each of them.

use std::path::Path;
use std::time::Duration;

use docker_client::models::{
    ContainerCreateConfig, ContainerCreateResponse, ContainerInspect, ContainerPruneResponse,
    ContainerStats, ContainerSummary, ContainerTop, ContainerWaitResponse, EventMessage,
    ExecCreateConfig, FileChange, ImageInspect, NetworkInspect, Ping, SystemInfo, SystemVersion,
};
use docker_client::{
    blocking, tokio as tk, ApiVersion, EventsOptions, ListContainersOptions, Method, Result,
};
use docker_client::{
    LogChunk, LogsOptions, PathStat, PruneFilters, RemoveContainerOptions, WaitCondition,
};

/// The table of the client's public API, implemented by each flavour.
pub(crate) trait Api {
    fn name(&self) -> &'static str;
    fn api_version(&self) -> Result<ApiVersion>;
    fn ping(&self) -> Result<Ping>;
    fn version(&self) -> Result<SystemVersion>;
    fn info(&self) -> Result<SystemInfo>;
    fn list_containers(&self, o: &ListContainersOptions) -> Result<Vec<ContainerSummary>>;
    fn inspect_container(&self, id: &str) -> Result<ContainerInspect>;
    fn inspect_image(&self, name: &str) -> Result<ImageInspect>;
    fn inspect_network(&self, id: &str) -> Result<NetworkInspect>;
    fn container_top(&self, id: &str, ps_args: Option<&str>) -> Result<ContainerTop>;
    fn container_diff(&self, id: &str) -> Result<Vec<FileChange>>;
    fn kill_container(&self, id: &str, signal: Option<&str>) -> Result<()>;
    fn restart_container(&self, id: &str, t: Option<Duration>) -> Result<()>;
    /// Collects the event stream until it ends or `max` events arrived.
    fn events(&self, o: &EventsOptions, max: usize) -> Result<Vec<Result<EventMessage>>>;
    /// Status and body of a raw request.
    fn request(&self, method: Method, path: &str, query: &[(&str, &str)])
        -> Result<(u16, Vec<u8>)>;
    fn create_container(
        &self,
        name: Option<&str>,
        config: &ContainerCreateConfig,
    ) -> Result<ContainerCreateResponse>;
    fn start_container(&self, id: &str) -> Result<()>;
    fn stop_container(&self, id: &str, t: Option<Duration>) -> Result<()>;
    fn wait_container(&self, id: &str, c: WaitCondition) -> Result<ContainerWaitResponse>;
    fn remove_container(&self, id: &str, o: RemoveContainerOptions) -> Result<()>;
    fn pause_container(&self, id: &str) -> Result<()>;
    fn unpause_container(&self, id: &str) -> Result<()>;
    fn rename_container(&self, id: &str, name: &str) -> Result<()>;
    fn update_container(&self, id: &str, u: &serde_json::Value) -> Result<Vec<String>>;
    fn prune_containers(&self, f: &PruneFilters) -> Result<ContainerPruneResponse>;
    fn container_stats(&self, id: &str) -> Result<ContainerStats>;
    /// The first `n` samples of the stats stream.
    fn container_stats_stream(&self, id: &str, n: usize) -> Result<Vec<ContainerStats>>;
    /// The exported tar's size.
    fn export_len(&self, id: &str) -> Result<usize>;
    /// Every log chunk, until the stream ends or `stop` says so.
    fn logs(
        &self,
        id: &str,
        o: &LogsOptions,
        stop: &mut dyn FnMut(&LogChunk) -> bool,
    ) -> Result<Vec<LogChunk>>;
    /// Runs `cmd` in the container, feeding `stdin` then closing it; returns the output
    /// chunks and the exit code.
    fn exec(
        &self,
        id: &str,
        cmd: &[&str],
        stdin: Option<&[u8]>,
        tty: bool,
    ) -> Result<(Vec<LogChunk>, Option<i64>)>;
    /// Attaches with stdin, writes `input`, closes stdin and collects the output.
    fn attach(&self, id: &str, input: &[u8]) -> Result<Vec<u8>>;
    /// Attaches with stdin, writes `input` and reads until the output ends with `until`;
    /// returns the output and the time from the write to the last read.
    fn attach_interact(&self, id: &str, input: &[u8], until: &[u8]) -> Result<(Vec<u8>, Duration)>;
    fn stat_path(&self, id: &str, path: &str) -> Result<PathStat>;
    fn get_archive(&self, id: &str, path: &str) -> Result<(PathStat, Vec<u8>)>;
    fn put_archive(&self, id: &str, path: &str, tar: Vec<u8>) -> Result<()>;
}

impl Api for blocking::Client {
    fn name(&self) -> &'static str {
        "blocking"
    }
    fn api_version(&self) -> Result<ApiVersion> {
        blocking::Client::api_version(self)
    }
    fn ping(&self) -> Result<Ping> {
        blocking::Client::ping(self)
    }
    fn version(&self) -> Result<SystemVersion> {
        blocking::Client::version(self)
    }
    fn info(&self) -> Result<SystemInfo> {
        blocking::Client::info(self)
    }
    fn list_containers(&self, o: &ListContainersOptions) -> Result<Vec<ContainerSummary>> {
        blocking::Client::list_containers(self, o)
    }
    fn inspect_container(&self, id: &str) -> Result<ContainerInspect> {
        blocking::Client::inspect_container(self, id)
    }
    fn inspect_image(&self, name: &str) -> Result<ImageInspect> {
        blocking::Client::inspect_image(self, name)
    }
    fn inspect_network(&self, id: &str) -> Result<NetworkInspect> {
        blocking::Client::inspect_network(self, id)
    }
    fn container_top(&self, id: &str, ps_args: Option<&str>) -> Result<ContainerTop> {
        blocking::Client::container_top(self, id, ps_args)
    }
    fn container_diff(&self, id: &str) -> Result<Vec<FileChange>> {
        blocking::Client::container_diff(self, id)
    }
    fn kill_container(&self, id: &str, signal: Option<&str>) -> Result<()> {
        blocking::Client::kill_container(self, id, signal)
    }
    fn restart_container(&self, id: &str, t: Option<Duration>) -> Result<()> {
        blocking::Client::restart_container(self, id, t)
    }
    fn events(&self, o: &EventsOptions, max: usize) -> Result<Vec<Result<EventMessage>>> {
        Ok(blocking::Client::events(self, o)?.take(max).collect())
    }
    fn request(
        &self,
        method: Method,
        path: &str,
        query: &[(&str, &str)],
    ) -> Result<(u16, Vec<u8>)> {
        let res = blocking::Client::request(self, method, path, query, None)?;
        let status = res.status();
        Ok((status, res.bytes()?))
    }
    fn create_container(
        &self,
        name: Option<&str>,
        config: &ContainerCreateConfig,
    ) -> Result<ContainerCreateResponse> {
        blocking::Client::create_container(self, name, config)
    }
    fn start_container(&self, id: &str) -> Result<()> {
        blocking::Client::start_container(self, id)
    }
    fn stop_container(&self, id: &str, t: Option<Duration>) -> Result<()> {
        blocking::Client::stop_container(self, id, t)
    }
    fn wait_container(&self, id: &str, c: WaitCondition) -> Result<ContainerWaitResponse> {
        blocking::Client::wait_container(self, id, c)
    }
    fn remove_container(&self, id: &str, o: RemoveContainerOptions) -> Result<()> {
        blocking::Client::remove_container(self, id, o)
    }
    fn pause_container(&self, id: &str) -> Result<()> {
        blocking::Client::pause_container(self, id)
    }
    fn unpause_container(&self, id: &str) -> Result<()> {
        blocking::Client::unpause_container(self, id)
    }
    fn rename_container(&self, id: &str, name: &str) -> Result<()> {
        blocking::Client::rename_container(self, id, name)
    }
    fn update_container(&self, id: &str, u: &serde_json::Value) -> Result<Vec<String>> {
        blocking::Client::update_container(self, id, u)
    }
    fn prune_containers(&self, f: &PruneFilters) -> Result<ContainerPruneResponse> {
        blocking::Client::prune_containers(self, f)
    }
    fn container_stats(&self, id: &str) -> Result<ContainerStats> {
        blocking::Client::container_stats(self, id)
    }
    fn container_stats_stream(&self, id: &str, n: usize) -> Result<Vec<ContainerStats>> {
        blocking::Client::container_stats_stream(self, id)?
            .take(n)
            .collect()
    }
    fn export_len(&self, id: &str) -> Result<usize> {
        let mut reader = blocking::Client::export_container(self, id)?;
        let n = std::io::copy(&mut reader, &mut std::io::sink()).expect("export reads");
        Ok(n as usize)
    }
    fn logs(
        &self,
        id: &str,
        o: &LogsOptions,
        stop: &mut dyn FnMut(&LogChunk) -> bool,
    ) -> Result<Vec<LogChunk>> {
        let mut out = Vec::new();
        for chunk in blocking::Client::logs(self, id, o)? {
            let chunk = chunk?;
            let done = stop(&chunk);
            out.push(chunk);
            if done {
                break;
            }
        }
        Ok(out)
    }
    fn exec(
        &self,
        id: &str,
        cmd: &[&str],
        stdin: Option<&[u8]>,
        tty: bool,
    ) -> Result<(Vec<LogChunk>, Option<i64>)> {
        let config = exec_config(cmd, stdin.is_some(), tty);
        let exec = blocking::Client::create_exec(self, id, &config)?;
        let mut session = blocking::Client::start_exec(self, &exec.id, tty)?;
        if let Some(input) = stdin {
            session.write_stdin(input)?;
            session.close_stdin()?;
        }
        let chunks = session.collect::<Result<Vec<_>>>()?;
        let code = wait_exec(|| blocking::Client::inspect_exec(self, &exec.id))?;
        Ok((chunks, code))
    }
    fn attach(&self, id: &str, input: &[u8]) -> Result<Vec<u8>> {
        let opts = docker_client::AttachOptions::default().stdin(true);
        let mut session = blocking::Client::attach_container(self, id, opts)?;
        session.write_stdin(input)?;
        session.close_stdin()?;
        session.collect_output()
    }
    fn attach_interact(&self, id: &str, input: &[u8], until: &[u8]) -> Result<(Vec<u8>, Duration)> {
        let opts = docker_client::AttachOptions::default().stdin(true);
        let mut session = blocking::Client::attach_container(self, id, opts)?;
        let start = std::time::Instant::now();
        session.write_stdin(input)?;
        let mut out = Vec::new();
        while !out.ends_with(until) {
            match session.next_output() {
                Some(chunk) => out.extend_from_slice(&chunk?.data),
                None => break,
            }
        }
        Ok((out, start.elapsed()))
    }
    fn stat_path(&self, id: &str, path: &str) -> Result<PathStat> {
        blocking::Client::stat_path(self, id, path)
    }
    fn get_archive(&self, id: &str, path: &str) -> Result<(PathStat, Vec<u8>)> {
        let (stat, mut reader) = blocking::Client::get_archive(self, id, path)?;
        let mut tar = Vec::new();
        std::io::Read::read_to_end(&mut reader, &mut tar).expect("archive reads");
        Ok((stat, tar))
    }
    fn put_archive(&self, id: &str, path: &str, tar: Vec<u8>) -> Result<()> {
        blocking::Client::put_archive(self, id, path, std::io::Cursor::new(tar))
    }
}

/// The tokio client with a current-thread runtime to drive it.
pub(crate) struct Tokio {
    client: tk::Client,
    rt: tokio::runtime::Runtime,
}

impl Tokio {
    pub(crate) fn new(client: tk::Client) -> Tokio {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        Tokio { client, rt }
    }
}

impl Api for Tokio {
    fn name(&self) -> &'static str {
        "tokio"
    }
    fn api_version(&self) -> Result<ApiVersion> {
        self.rt.block_on(self.client.api_version())
    }
    fn ping(&self) -> Result<Ping> {
        self.rt.block_on(self.client.ping())
    }
    fn version(&self) -> Result<SystemVersion> {
        self.rt.block_on(self.client.version())
    }
    fn info(&self) -> Result<SystemInfo> {
        self.rt.block_on(self.client.info())
    }
    fn list_containers(&self, o: &ListContainersOptions) -> Result<Vec<ContainerSummary>> {
        self.rt.block_on(self.client.list_containers(o))
    }
    fn inspect_container(&self, id: &str) -> Result<ContainerInspect> {
        self.rt.block_on(self.client.inspect_container(id))
    }
    fn inspect_image(&self, name: &str) -> Result<ImageInspect> {
        self.rt.block_on(self.client.inspect_image(name))
    }
    fn inspect_network(&self, id: &str) -> Result<NetworkInspect> {
        self.rt.block_on(self.client.inspect_network(id))
    }
    fn container_top(&self, id: &str, ps_args: Option<&str>) -> Result<ContainerTop> {
        self.rt.block_on(self.client.container_top(id, ps_args))
    }
    fn container_diff(&self, id: &str) -> Result<Vec<FileChange>> {
        self.rt.block_on(self.client.container_diff(id))
    }
    fn kill_container(&self, id: &str, signal: Option<&str>) -> Result<()> {
        self.rt.block_on(self.client.kill_container(id, signal))
    }
    fn restart_container(&self, id: &str, t: Option<Duration>) -> Result<()> {
        self.rt.block_on(self.client.restart_container(id, t))
    }
    fn events(&self, o: &EventsOptions, max: usize) -> Result<Vec<Result<EventMessage>>> {
        self.rt.block_on(async {
            let mut events = self.client.events(o).await?;
            let mut out = Vec::new();
            while out.len() < max {
                match std::future::poll_fn(|cx| {
                    futures_core::Stream::poll_next(std::pin::Pin::new(&mut events), cx)
                })
                .await
                {
                    Some(item) => out.push(item),
                    None => break,
                }
            }
            Ok(out)
        })
    }
    fn request(
        &self,
        method: Method,
        path: &str,
        query: &[(&str, &str)],
    ) -> Result<(u16, Vec<u8>)> {
        self.rt.block_on(async {
            let res = self.client.request(method, path, query, None).await?;
            let status = res.status();
            Ok((status, res.bytes().await?))
        })
    }
    fn create_container(
        &self,
        name: Option<&str>,
        config: &ContainerCreateConfig,
    ) -> Result<ContainerCreateResponse> {
        self.rt.block_on(self.client.create_container(name, config))
    }
    fn start_container(&self, id: &str) -> Result<()> {
        self.rt.block_on(self.client.start_container(id))
    }
    fn stop_container(&self, id: &str, t: Option<Duration>) -> Result<()> {
        self.rt.block_on(self.client.stop_container(id, t))
    }
    fn wait_container(&self, id: &str, c: WaitCondition) -> Result<ContainerWaitResponse> {
        self.rt.block_on(self.client.wait_container(id, c))
    }
    fn remove_container(&self, id: &str, o: RemoveContainerOptions) -> Result<()> {
        self.rt.block_on(self.client.remove_container(id, o))
    }
    fn pause_container(&self, id: &str) -> Result<()> {
        self.rt.block_on(self.client.pause_container(id))
    }
    fn unpause_container(&self, id: &str) -> Result<()> {
        self.rt.block_on(self.client.unpause_container(id))
    }
    fn rename_container(&self, id: &str, name: &str) -> Result<()> {
        self.rt.block_on(self.client.rename_container(id, name))
    }
    fn update_container(&self, id: &str, u: &serde_json::Value) -> Result<Vec<String>> {
        self.rt.block_on(self.client.update_container(id, u))
    }
    fn prune_containers(&self, f: &PruneFilters) -> Result<ContainerPruneResponse> {
        self.rt.block_on(self.client.prune_containers(f))
    }
    fn container_stats(&self, id: &str) -> Result<ContainerStats> {
        self.rt.block_on(self.client.container_stats(id))
    }
    fn container_stats_stream(&self, id: &str, n: usize) -> Result<Vec<ContainerStats>> {
        self.rt.block_on(async {
            let mut stream = self.client.container_stats_stream(id).await?;
            let mut out = Vec::new();
            while out.len() < n {
                match next(&mut stream).await {
                    Some(item) => out.push(item?),
                    None => break,
                }
            }
            Ok(out)
        })
    }
    fn export_len(&self, id: &str) -> Result<usize> {
        self.rt.block_on(async {
            let mut reader = self.client.export_container(id).await?;
            let n = tokio::io::copy(&mut reader, &mut tokio::io::sink())
                .await
                .expect("export reads");
            Ok(n as usize)
        })
    }
    fn logs(
        &self,
        id: &str,
        o: &LogsOptions,
        stop: &mut dyn FnMut(&LogChunk) -> bool,
    ) -> Result<Vec<LogChunk>> {
        self.rt.block_on(async {
            let mut logs = self.client.logs(id, o).await?;
            let mut out = Vec::new();
            while let Some(chunk) = next(&mut logs).await {
                let chunk = chunk?;
                let done = stop(&chunk);
                out.push(chunk);
                if done {
                    break;
                }
            }
            Ok(out)
        })
    }
    fn exec(
        &self,
        id: &str,
        cmd: &[&str],
        stdin: Option<&[u8]>,
        tty: bool,
    ) -> Result<(Vec<LogChunk>, Option<i64>)> {
        self.rt.block_on(async {
            let config = exec_config(cmd, stdin.is_some(), tty);
            let exec = self.client.create_exec(id, &config).await?;
            let mut session = self.client.start_exec(&exec.id, tty).await?;
            if let Some(input) = stdin {
                session.write_stdin(input).await?;
                session.close_stdin().await?;
            }
            let mut chunks = Vec::new();
            while let Some(chunk) = session.next_output().await {
                chunks.push(chunk?);
            }
            let mut code = None;
            for _ in 0..100 {
                let inspect = self.client.inspect_exec(&exec.id).await?;
                if !inspect.running {
                    code = inspect.exit_code;
                    break;
                }
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
            Ok((chunks, code))
        })
    }
    fn attach(&self, id: &str, input: &[u8]) -> Result<Vec<u8>> {
        self.rt.block_on(async {
            let opts = docker_client::AttachOptions::default().stdin(true);
            let mut session = self.client.attach_container(id, opts).await?;
            session.write_stdin(input).await?;
            session.close_stdin().await?;
            session.collect_output().await
        })
    }
    fn attach_interact(&self, id: &str, input: &[u8], until: &[u8]) -> Result<(Vec<u8>, Duration)> {
        self.rt.block_on(async {
            let opts = docker_client::AttachOptions::default().stdin(true);
            let mut session = self.client.attach_container(id, opts).await?;
            let start = std::time::Instant::now();
            session.write_stdin(input).await?;
            let mut out = Vec::new();
            while !out.ends_with(until) {
                match session.next_output().await {
                    Some(chunk) => out.extend_from_slice(&chunk?.data),
                    None => break,
                }
            }
            Ok((out, start.elapsed()))
        })
    }
    fn stat_path(&self, id: &str, path: &str) -> Result<PathStat> {
        self.rt.block_on(self.client.stat_path(id, path))
    }
    fn get_archive(&self, id: &str, path: &str) -> Result<(PathStat, Vec<u8>)> {
        self.rt.block_on(async {
            let (stat, mut reader) = self.client.get_archive(id, path).await?;
            let mut tar = Vec::new();
            tokio::io::AsyncReadExt::read_to_end(&mut reader, &mut tar)
                .await
                .expect("archive reads");
            Ok((stat, tar))
        })
    }
    fn put_archive(&self, id: &str, path: &str, tar: Vec<u8>) -> Result<()> {
        self.rt
            .block_on(self.client.put_archive(id, path, std::io::Cursor::new(tar)))
    }
}

/// Both flavours on the socket at `path`, built the same way.
pub(crate) fn both(path: &Path) -> Vec<Box<dyn Api>> {
    let b = blocking::Client::builder()
        .endpoint(docker_client::Endpoint::Unix(path.to_owned()))
        .build()
        .unwrap();
    let t = tk::Client::builder()
        .endpoint(docker_client::Endpoint::Unix(path.to_owned()))
        .build()
        .unwrap();
    vec![Box::new(b), Box::new(Tokio::new(t))]
}

/// Both flavours pinned to `version`.
pub(crate) fn both_pinned(path: &Path, version: &str) -> Vec<Box<dyn Api>> {
    let b = blocking::Client::builder()
        .endpoint(docker_client::Endpoint::Unix(path.to_owned()))
        .api_version(version)
        .build()
        .unwrap();
    let t = tk::Client::builder()
        .endpoint(docker_client::Endpoint::Unix(path.to_owned()))
        .api_version(version)
        .build()
        .unwrap();
    vec![Box::new(b), Box::new(Tokio::new(t))]
}

fn exec_config(cmd: &[&str], stdin: bool, tty: bool) -> ExecCreateConfig {
    ExecCreateConfig {
        cmd: cmd.iter().map(|s| s.to_string()).collect(),
        attach_stdin: stdin,
        attach_stdout: true,
        attach_stderr: true,
        tty,
        ..Default::default()
    }
}

/// Polls an exec until it is no longer running and returns its exit code.
fn wait_exec(
    inspect: impl Fn() -> Result<docker_client::models::ExecInspect>,
) -> Result<Option<i64>> {
    for _ in 0..100 {
        let state = inspect()?;
        if !state.running {
            return Ok(state.exit_code);
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    Ok(None)
}

/// The next item of a stream.
pub(crate) async fn next<S: futures_core::Stream + Unpin>(stream: &mut S) -> Option<S::Item> {
    std::future::poll_fn(|cx| std::pin::Pin::new(&mut *stream).poll_next(cx)).await
}
