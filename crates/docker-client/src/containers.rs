//! Containers: list, inspect, create, start, stop, restart, kill, wait, remove, pause,
//! unpause, rename, update, prune, export, top, diff, stats, logs, attach, resize and
//! commit, with their options.

use std::time::{Duration, SystemTime};

use docker_models::{
    ContainerCreateConfig, ContainerCreateResponse, ContainerInspect, ContainerPruneResponse,
    ContainerStats, ContainerSummary, ContainerTop, ContainerUpdate, ContainerUpdateResponse,
    ContainerWaitResponse, FileChange,
};

use crate::call::Call;
use crate::flavour::io::FlavourIo;
use crate::options::{unix_nanos_text, Filters};
use crate::output::{framing_for_tty, framing_from_headers, Framing, OutputDecoder};
use crate::path::{self, Kind, Query};
use crate::session::AttachSession;
use crate::stream::{Items, JsonLines};
use crate::{Client, Error, Flavour, LogChunk, PruneFilters, Result};

/// Options of `list_containers` (`GET /containers/json`).
///
/// ```
/// use docker_client::ListContainersOptions;
/// let opts = ListContainersOptions::default()
///     .all(true)
///     .filter("status", "exited")
///     .filter("label", "app=web");
/// # let _ = opts;
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ListContainersOptions {
    all: bool,
    limit: Option<u32>,
    size: bool,
    filters: Filters,
}

impl ListContainersOptions {
    /// Lists stopped containers too (the default lists running ones only).
    ///
    /// ```
    /// use docker_client::ListContainersOptions;
    /// let opts = ListContainersOptions::default().all(true);
    /// # let _ = opts;
    /// ```
    pub fn all(self, all: bool) -> Self {
        ListContainersOptions { all, ..self }
    }

    /// Lists only the `n` most recently created containers, stopped ones included.
    ///
    /// ```
    /// use docker_client::ListContainersOptions;
    /// let opts = ListContainersOptions::default().limit(5);
    /// # let _ = opts;
    /// ```
    pub fn limit(self, n: u32) -> Self {
        ListContainersOptions {
            limit: Some(n),
            ..self
        }
    }

    /// Fills `SizeRw` and `SizeRootFs` (slow on large containers).
    ///
    /// ```
    /// use docker_client::ListContainersOptions;
    /// let opts = ListContainersOptions::default().all(true).size(true);
    /// # let _ = opts;
    /// ```
    pub fn size(self, size: bool) -> Self {
        ListContainersOptions { size, ..self }
    }

    /// Adds a filter such as `("status", "running")`, `("label", "k=v")`, `("name", "web")`.
    /// Several values of one key are ORed.
    ///
    /// ```no_run
    /// # let client = docker_client::blocking::Client::from_env()?;
    /// use docker_client::ListContainersOptions;
    /// let opts = ListContainersOptions::default().filter("status", "exited").filter("status", "dead");
    /// for c in client.list_containers(&opts.all(true))? {
    ///     println!("{} {}", c.id, c.state);
    /// }
    /// # Ok::<(), docker_client::Error>(())
    /// ```
    pub fn filter(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {
        self.filters.add(key, value);
        self
    }

    pub(crate) fn query(&self) -> Query {
        let mut q = Query::default();
        q.flag("all", self.all)
            .push_opt("limit", self.limit)
            .flag("size", self.size);
        self.filters.push_to(&mut q);
        q
    }
}

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
    ///
    /// ```
    /// use docker_client::LogsOptions;
    /// let opts = LogsOptions::default().follow(true);
    /// # let _ = opts;
    /// ```
    pub fn follow(self, follow: bool) -> Self {
        LogsOptions { follow, ..self }
    }

    /// Only output written at or after this time.
    ///
    /// ```
    /// use docker_client::LogsOptions;
    /// use std::time::{Duration, SystemTime};
    /// let opts = LogsOptions::default().since(SystemTime::now() - Duration::from_secs(600));
    /// # let _ = opts;
    /// ```
    pub fn since(self, since: SystemTime) -> Self {
        LogsOptions {
            since: Some(since),
            ..self
        }
    }

    /// Only output written before this time.
    ///
    /// ```
    /// use docker_client::LogsOptions;
    /// use std::time::{Duration, SystemTime};
    /// let an_hour_ago = SystemTime::now() - Duration::from_secs(3600);
    /// let opts = LogsOptions::default().until(an_hour_ago);
    /// # let _ = opts;
    /// ```
    pub fn until(self, until: SystemTime) -> Self {
        LogsOptions {
            until: Some(until),
            ..self
        }
    }

    /// Only the last `n` lines.
    ///
    /// ```
    /// use docker_client::LogsOptions;
    /// let opts = LogsOptions::default().tail(100);
    /// # let _ = opts;
    /// ```
    pub fn tail(self, n: u64) -> Self {
        LogsOptions {
            tail: Some(n),
            ..self
        }
    }

    /// Prefixes each line with its RFC 3339 timestamp.
    ///
    /// ```
    /// use docker_client::LogsOptions;
    /// let opts = LogsOptions::default().timestamps(true);
    /// # let _ = opts;
    /// ```
    pub fn timestamps(self, timestamps: bool) -> Self {
        LogsOptions { timestamps, ..self }
    }

    /// Includes stdout (default true).
    ///
    /// ```
    /// use docker_client::LogsOptions;
    /// let stderr_only = LogsOptions::default().stdout(false);
    /// assert_eq!(LogsOptions::default().stdout(true), LogsOptions::default());
    /// # let _ = stderr_only;
    /// ```
    pub fn stdout(self, stdout: bool) -> Self {
        LogsOptions { stdout, ..self }
    }

    /// Includes stderr (default true).
    ///
    /// ```
    /// use docker_client::LogsOptions;
    /// let stdout_only = LogsOptions::default().stderr(false);
    /// assert_eq!(LogsOptions::default().stderr(true), LogsOptions::default());
    /// # let _ = stdout_only;
    /// ```
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
///
/// ```no_run
/// # let client = docker_client::blocking::Client::from_env()?;
/// use docker_client::WaitCondition;
/// client.restart_container("web", None)?;
/// let exit = client.wait_container("web", WaitCondition::NextExit)?;
/// println!("web exited with {}", exit.status_code);
/// # Ok::<(), docker_client::Error>(())
/// ```
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
    ///
    /// ```
    /// use docker_client::RemoveContainerOptions;
    /// let opts = RemoveContainerOptions::default().force(true);
    /// # let _ = opts;
    /// ```
    pub fn force(self, force: bool) -> Self {
        RemoveContainerOptions { force, ..self }
    }

    /// Removes the container's anonymous volumes too.
    ///
    /// ```
    /// use docker_client::RemoveContainerOptions;
    /// let opts = RemoveContainerOptions::default().volumes(true);
    /// # let _ = opts;
    /// ```
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
    ///
    /// ```
    /// use docker_client::AttachOptions;
    /// let opts = AttachOptions::default().stdin(true);
    /// # let _ = opts;
    /// ```
    pub fn stdin(self, stdin: bool) -> Self {
        AttachOptions { stdin, ..self }
    }

    /// Attaches stdout (default true).
    ///
    /// ```
    /// use docker_client::AttachOptions;
    /// let stderr_only = AttachOptions::default().stdout(false);
    /// assert_eq!(AttachOptions::default().stdout(true), AttachOptions::default());
    /// # let _ = stderr_only;
    /// ```
    pub fn stdout(self, stdout: bool) -> Self {
        AttachOptions { stdout, ..self }
    }

    /// Attaches stderr (default true).
    ///
    /// ```
    /// use docker_client::AttachOptions;
    /// let stdout_only = AttachOptions::default().stderr(false);
    /// assert_eq!(AttachOptions::default().stderr(true), AttachOptions::default());
    /// # let _ = stdout_only;
    /// ```
    pub fn stderr(self, stderr: bool) -> Self {
        AttachOptions { stderr, ..self }
    }

    /// Replays the output written so far before the live output.
    ///
    /// ```
    /// use docker_client::AttachOptions;
    /// let opts = AttachOptions::default().logs(true);
    /// # let _ = opts;
    /// ```
    pub fn logs(self, logs: bool) -> Self {
        AttachOptions { logs, ..self }
    }
}

impl<F: Flavour> Client<F> {
    /// `GET /containers/json`: running containers, or all with `.all(true)`.
    ///
    /// ```no_run
    /// # let client = docker_client::blocking::Client::from_env()?;
    /// use docker_client::ListContainersOptions;
    /// let opts = ListContainersOptions::default().all(true).filter("label", "app=web");
    /// for c in client.list_containers(&opts)? {
    ///     println!("{} {:?} {}", c.id, c.names, c.state);
    /// }
    /// # Ok::<(), docker_client::Error>(())
    /// ```
    pub fn list_containers(
        &self,
        options: &ListContainersOptions,
    ) -> F::Out<'_, Vec<ContainerSummary>> {
        let call = Call::get("/containers/json").query(options.query());
        self.run(self.json(Ok(call)))
    }

    /// `GET /containers/{id}/json`. `id` is an ID, a unique ID prefix or a name.
    ///
    /// ```no_run
    /// # let client = docker_client::blocking::Client::from_env()?;
    /// let c = client.inspect_container("web")?;
    /// println!("{} is {} with pid {}", c.name, c.state.status, c.state.pid);
    /// # Ok::<(), docker_client::Error>(())
    /// ```
    pub fn inspect_container(&self, id: &str) -> F::Out<'_, ContainerInspect> {
        let call = container_path(id, "/json").map(Call::get);
        self.run(self.json(call))
    }

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
    ) -> F::Out<'_, ContainerCreateResponse> {
        let call = || {
            let mut q = Query::default();
            if let Some(name) = name {
                q.push("name", name_arg(name)?);
            }
            Call::post("/containers/create")
                .query(q)
                .json("container config", config)
        };
        self.run(self.json(call()))
    }

    /// `POST /containers/{id}/start`. Starting a running container is not an error.
    ///
    /// ```no_run
    /// # let client = docker_client::blocking::Client::from_env()?;
    /// client.start_container("web")?;
    /// # Ok::<(), docker_client::Error>(())
    /// ```
    pub fn start_container(&self, id: &str) -> F::Out<'_, ()> {
        let call = container_path(id, "/start").map(Call::post);
        self.run(async move { already_done_is_ok(self.empty(call).await) })
    }

    /// `POST /containers/{id}/stop?t=`: SIGTERM (or the container's stop signal), then
    /// SIGKILL after `timeout` (the container's or engine's default when `None`). Stopping a
    /// stopped container is not an error.
    ///
    /// ```no_run
    /// # let client = docker_client::blocking::Client::from_env()?;
    /// client.stop_container("web", Some(std::time::Duration::from_secs(5)))?;
    /// # Ok::<(), docker_client::Error>(())
    /// ```
    pub fn stop_container(&self, id: &str, timeout: Option<Duration>) -> F::Out<'_, ()> {
        let call = container_path(id, "/stop").map(|p| grace(Call::post(p), timeout));
        self.run(async move { already_done_is_ok(self.empty(call).await) })
    }

    /// `POST /containers/{id}/restart?t=`: stops (waiting `timeout` before killing, the
    /// engine's default 10 s when `None`) and starts again. Returns once both are done.
    ///
    /// ```no_run
    /// # let client = docker_client::blocking::Client::from_env()?;
    /// client.restart_container("web", None)?;
    /// # Ok::<(), docker_client::Error>(())
    /// ```
    pub fn restart_container(&self, id: &str, timeout: Option<Duration>) -> F::Out<'_, ()> {
        let call = container_path(id, "/restart").map(|p| grace(Call::post(p), timeout));
        self.run(self.empty(call))
    }

    /// `POST /containers/{id}/kill?signal=`: sends `signal` (`SIGTERM`, `TERM`, `15`...), or
    /// `SIGKILL` when `None`. The signal travels in the query, which the engine honours.
    ///
    /// ```no_run
    /// # let client = docker_client::blocking::Client::from_env()?;
    /// client.kill_container("web", Some("SIGHUP"))?;
    /// # Ok::<(), docker_client::Error>(())
    /// ```
    pub fn kill_container(&self, id: &str, signal: Option<&str>) -> F::Out<'_, ()> {
        let call = || {
            let mut q = Query::default();
            if let Some(signal) = signal {
                let signal = path::plain_text("signal", signal.trim())?;
                if signal.is_empty() {
                    return Err(Error::InvalidArgument {
                        what: "signal",
                        reason: "is empty; pass None for the default SIGKILL".into(),
                    });
                }
                q.push("signal", signal);
            }
            Ok(Call::post(container_path(id, "/kill")?).query(q))
        };
        self.run(self.empty(call()))
    }

    /// `POST /containers/{id}/wait?condition=`: waits until the condition holds and returns
    /// the exit code. No idle timeout applies while waiting.
    ///
    /// ```no_run
    /// # let client = docker_client::blocking::Client::from_env()?;
    /// use docker_client::WaitCondition;
    /// let exit = client.wait_container("job", WaitCondition::NotRunning)?;
    /// println!("exited with {}", exit.status_code);
    /// # Ok::<(), docker_client::Error>(())
    /// ```
    pub fn wait_container(
        &self,
        id: &str,
        condition: WaitCondition,
    ) -> F::Out<'_, ContainerWaitResponse> {
        let call = container_path(id, "/wait").map(|p| {
            let mut q = Query::default();
            q.push("condition", condition.as_str());
            // The engine sends the head at once and the body when the condition is met.
            Call::post(p).query(q).streaming()
        });
        self.run(self.json(call))
    }

    /// `DELETE /containers/{id}`.
    ///
    /// ```no_run
    /// # let client = docker_client::blocking::Client::from_env()?;
    /// use docker_client::RemoveContainerOptions;
    /// client.remove_container("web", RemoveContainerOptions::default().force(true))?;
    /// # Ok::<(), docker_client::Error>(())
    /// ```
    pub fn remove_container(&self, id: &str, options: RemoveContainerOptions) -> F::Out<'_, ()> {
        let call = container_path(id, "").map(|p| {
            let mut q = Query::default();
            q.flag("force", options.force).flag("v", options.volumes);
            Call::delete(p).query(q)
        });
        self.run(self.empty(call))
    }

    /// `POST /containers/{id}/pause`: freezes every process of the container.
    ///
    /// ```no_run
    /// # let client = docker_client::blocking::Client::from_env()?;
    /// client.pause_container("web")?;
    /// client.unpause_container("web")?;
    /// # Ok::<(), docker_client::Error>(())
    /// ```
    pub fn pause_container(&self, id: &str) -> F::Out<'_, ()> {
        self.run(self.empty(container_path(id, "/pause").map(Call::post)))
    }

    /// `POST /containers/{id}/unpause`.
    ///
    /// ```no_run
    /// # let client = docker_client::blocking::Client::from_env()?;
    /// client.unpause_container("web")?;
    /// # Ok::<(), docker_client::Error>(())
    /// ```
    pub fn unpause_container(&self, id: &str) -> F::Out<'_, ()> {
        self.run(self.empty(container_path(id, "/unpause").map(Call::post)))
    }

    /// `POST /containers/{id}/rename?name=`.
    ///
    /// ```no_run
    /// # let client = docker_client::blocking::Client::from_env()?;
    /// client.rename_container("web", "web-old")?;
    /// # Ok::<(), docker_client::Error>(())
    /// ```
    pub fn rename_container(&self, id: &str, new_name: &str) -> F::Out<'_, ()> {
        let call = || {
            let mut q = Query::default();
            q.push("name", name_arg(new_name)?);
            Ok(Call::post(container_path(id, "/rename")?).query(q))
        };
        self.run(self.empty(call()))
    }

    /// `POST /containers/{id}/update`: changes the resources or the restart policy of a
    /// container. Returns the engine's warnings.
    ///
    /// ```no_run
    /// # let client = docker_client::blocking::Client::from_env()?;
    /// use docker_client::models::{ContainerUpdate, RestartPolicy};
    /// let update = ContainerUpdate {
    ///     memory: 64 << 20,
    ///     memory_swap: 128 << 20,
    ///     restart_policy: Some(RestartPolicy { name: "always".into(), ..Default::default() }),
    ///     ..Default::default()
    /// };
    /// for warning in client.update_container("web", &update)? {
    ///     eprintln!("{warning}");
    /// }
    /// # Ok::<(), docker_client::Error>(())
    /// ```
    pub fn update_container(&self, id: &str, update: &ContainerUpdate) -> F::Out<'_, Vec<String>> {
        let call = container_path(id, "/update")
            .and_then(|p| Call::post(p).json("container update", update));
        self.run(async move {
            let answer: ContainerUpdateResponse = self.json(call).await?;
            Ok(answer.warnings)
        })
    }

    /// `POST /containers/prune`: removes stopped containers.
    ///
    /// ```no_run
    /// # let client = docker_client::blocking::Client::from_env()?;
    /// use docker_client::PruneFilters;
    /// let pruned = client.prune_containers(&PruneFilters::default().filter("until", "24h"))?;
    /// println!("{} bytes reclaimed", pruned.space_reclaimed);
    /// # Ok::<(), docker_client::Error>(())
    /// ```
    pub fn prune_containers(&self, filters: &PruneFilters) -> F::Out<'_, ContainerPruneResponse> {
        let call = Call::post("/containers/prune").query(filters.query());
        self.run(self.json(Ok(call)))
    }

    /// `GET /containers/{id}/export`: the container's filesystem as a tar stream.
    ///
    /// ```no_run
    /// # let client = docker_client::blocking::Client::from_env()?;
    /// let mut tar = client.export_container("web")?;
    /// std::io::copy(&mut tar, &mut std::fs::File::create("web.tar")?)?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn export_container(&self, id: &str) -> F::Out<'_, F::Reader> {
        let call = container_path(id, "/export").map(|p| Call::get(p).streaming());
        self.run(self.reader(call))
    }

    /// `GET /containers/{id}/top`: the processes of a running container, as `ps` shows them
    /// on the host. `ps_args` defaults to `-ef`; use for example
    /// `-o pid,ppid,user,cgroup:512,args` to get the cgroup column.
    /// [`ContainerTop::entries`] turns the rows into typed entries.
    ///
    /// ```no_run
    /// # let client = docker_client::blocking::Client::from_env()?;
    /// let top = client.top_container("web", Some("-o pid,ppid,user,cgroup:512,args"))?;
    /// for p in top.entries()? {
    ///     println!("{} {} {:?}", p.pid, p.command, p.cgroup);
    /// }
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn top_container(&self, id: &str, ps_args: Option<&str>) -> F::Out<'_, ContainerTop> {
        let call = || {
            let mut q = Query::default();
            if let Some(args) = ps_args {
                q.push("ps_args", path::plain_text("ps arguments", args)?);
            }
            Ok(Call::get(container_path(id, "/top")?).query(q))
        };
        self.run(self.json(call()))
    }

    /// `GET /containers/{id}/changes`: files added, modified or deleted since creation.
    ///
    /// ```no_run
    /// # let client = docker_client::blocking::Client::from_env()?;
    /// for change in client.diff_container("web")? {
    ///     println!("{:?} {}", change.kind, change.path);
    /// }
    /// # Ok::<(), docker_client::Error>(())
    /// ```
    pub fn diff_container(&self, id: &str) -> F::Out<'_, Vec<FileChange>> {
        let call = container_path(id, "/changes").map(Call::get);
        self.run(async move {
            let changes: Option<Vec<FileChange>> = self.json(call).await?;
            Ok(changes.unwrap_or_default())
        })
    }

    /// `GET /containers/{id}/stats?stream=0`: one sample.
    ///
    /// ```no_run
    /// # let client = docker_client::blocking::Client::from_env()?;
    /// let s = client.stats_container("web")?;
    /// println!("{} bytes of memory", s.memory_stats.usage);
    /// # Ok::<(), docker_client::Error>(())
    /// ```
    pub fn stats_container(&self, id: &str) -> F::Out<'_, ContainerStats> {
        let call = container_path(id, "/stats").map(|p| {
            let mut q = Query::default();
            q.push("stream", "0").push("one-shot", "1");
            Call::get(p).query(q)
        });
        self.run(self.json(call))
    }

    /// `GET /containers/{id}/stats?stream=1`: a sample about every second, until dropped.
    ///
    /// ```no_run
    /// # let client = docker_client::blocking::Client::from_env()?;
    /// for sample in client.stats_container_stream("web")?.take(3) {
    ///     println!("{} pids", sample?.pids_stats.current);
    /// }
    /// # Ok::<(), docker_client::Error>(())
    /// ```
    pub fn stats_container_stream(&self, id: &str) -> F::Out<'_, Items<F, ContainerStats>> {
        let call = container_path(id, "/stats").map(|p| {
            let mut q = Query::default();
            q.push("stream", "1");
            Call::get(p).query(q).streaming()
        });
        self.run(self.items(call, JsonLines::new))
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
    /// for chunk in client.logs_container("web", &LogsOptions::default().tail(10))? {
    ///     let chunk = chunk?;
    ///     match chunk.stream {
    ///         OutputStream::Stderr => std::io::stderr().write_all(&chunk.data)?,
    ///         _ => std::io::stdout().write_all(&chunk.data)?,
    ///     }
    /// }
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn logs_container(
        &self,
        id: &str,
        options: &LogsOptions,
    ) -> F::Out<'_, Items<F, LogChunk>> {
        let call = container_path(id, "/logs").map(|p| {
            let call = Call::get(p).query(options.query());
            match options.follow {
                true => call.streaming(),
                false => call,
            }
        });
        let id = id.to_owned();
        self.run(async move {
            let (request, response) = self.answer(call).await?;
            let framing = match self.framing_of_answer(&response) {
                Some(f) => f,
                None => self.framing_of_container(&id).await?,
            };
            let abort = F::abort_handle(&response);
            let decoder = OutputDecoder::new(framing, request);
            Ok(Items::new(F::chunks(response), abort, decoder))
        })
    }

    /// `POST /containers/{id}/attach`: a duplex session on the container's stdio.
    ///
    /// ```no_run
    /// # let client = docker_client::blocking::Client::from_env()?;
    /// use docker_client::AttachOptions;
    /// let mut session = client.attach_container("shell", AttachOptions::default().stdin(true))?;
    /// session.write_stdin(b"echo hi; exit\n")?;
    /// print!("{}", String::from_utf8_lossy(&session.collect_output()?));
    /// # Ok::<(), docker_client::Error>(())
    /// ```
    pub fn attach_container(
        &self,
        id: &str,
        options: AttachOptions,
    ) -> F::Out<'_, AttachSession<F>> {
        let call = container_path(id, "/attach").map(|p| {
            let mut q = Query::default();
            q.push("stream", "1")
                .flag("stdin", options.stdin)
                .flag("stdout", options.stdout)
                .flag("stderr", options.stderr)
                .flag("logs", options.logs);
            Call::post(p).query(q).upgrade()
        });
        let id = id.to_owned();
        self.run(async move { self.session(call, None, &id).await })
    }

    /// `GET /containers/{id}/attach/ws`: the container's stdio over a WebSocket (see
    /// [`WsSession`](crate::WsSession)). Below API 1.42 the engine attaches stdin, stdout
    /// and stderr whatever `options` say.
    ///
    /// ```no_run
    /// # let client = docker_client::blocking::Client::from_env()?;
    /// use docker_client::AttachOptions;
    /// let mut ws = client.attach_container_ws("shell", AttachOptions::default().stdin(true))?;
    /// ws.write_stdin(b"echo hi; exit\n")?;
    /// print!("{}", String::from_utf8_lossy(&ws.collect_output()?));
    /// # Ok::<(), docker_client::Error>(())
    /// ```
    pub fn attach_container_ws(
        &self,
        id: &str,
        options: AttachOptions,
    ) -> F::Out<'_, crate::WsSession<F>> {
        let call = container_path(id, "/attach/ws").map(|p| {
            let mut q = Query::default();
            q.push("stream", "1")
                .flag("stdin", options.stdin)
                .flag("stdout", options.stdout)
                .flag("stderr", options.stderr)
                .flag("logs", options.logs);
            Call::get(p).query(q).upgrade_websocket()
        });
        self.run(self.ws_session(call))
    }

    /// `POST /containers/{id}/resize?h=&w=`: resizes a container's TTY.
    ///
    /// ```no_run
    /// # let client = docker_client::blocking::Client::from_env()?;
    /// client.resize_container("shell", 40, 120)?;
    /// # Ok::<(), docker_client::Error>(())
    /// ```
    pub fn resize_container(&self, id: &str, height: u16, width: u16) -> F::Out<'_, ()> {
        let call = container_path(id, "/resize").map(|p| Call::post(p).query(size(height, width)));
        self.run(self.empty(call))
    }

    /// The framing of a container's output stream: the `Content-Type` when it can be
    /// trusted, else (`None`) the container's TTY setting must be asked for.
    pub(crate) fn framing_of_answer(
        &self,
        response: &<F as FlavourIo>::Response,
    ) -> Option<Framing> {
        framing_from_headers(&F::head(response).headers, self.shared.current())
    }

    /// The framing of the output of container `id`, from its TTY setting.
    pub(crate) async fn framing_of_container(&self, id: &str) -> Result<Framing> {
        let tty = F::wait(self.inspect_container(id)).await?.config.tty;
        Ok(framing_for_tty(tty))
    }
}

/// `/containers/{id}{suffix}` with `id` validated and encoded.
pub(crate) fn container_path(id: &str, suffix: &str) -> Result<String> {
    let segment = path::segment(Kind::Container, id)?;
    let mut path = String::with_capacity("/containers/".len() + segment.len() + suffix.len());
    path.push_str("/containers/");
    path.push_str(&segment);
    path.push_str(suffix);
    Ok(path)
}

/// The `h` and `w` of a resize.
pub(crate) fn size(height: u16, width: u16) -> Query {
    let mut q = Query::default();
    q.push("h", &height.to_string())
        .push("w", &width.to_string());
    q
}

/// A new name: the engine's grammar `[a-zA-Z0-9][a-zA-Z0-9_.-]*`, with an optional `/`.
pub(crate) fn name_arg(name: &str) -> Result<&str> {
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

/// Time allowed for the engine beyond a stop timeout before the answer must come.
pub(crate) const STOP_GRACE: Duration = Duration::from_secs(120);

/// `t` in whole seconds, with the head timeout extended to cover the engine's wait.
fn grace<R>(call: Call<R>, timeout: Option<Duration>) -> Call<R> {
    let Some(t) = timeout else { return call };
    let secs = whole_seconds(t);
    let mut q = Query::default();
    q.push("t", &secs.to_string());
    call.query(q)
        .head_timeout(Duration::from_secs(secs) + STOP_GRACE)
}

/// `t` rounded up to whole seconds, as the engine takes stop timeouts.
pub(crate) fn whole_seconds(t: Duration) -> u64 {
    t.as_secs() + u64::from(t.subsec_nanos() > 0)
}

/// Start and stop answer 304 when there is nothing to do: that is success.
fn already_done_is_ok(res: Result<()>) -> Result<()> {
    match res {
        Err(Error::NotModified) => Ok(()),
        other => other,
    }
}

#[cfg(feature = "dispatch")]
impl crate::dispatch::FromArg for ListContainersOptions {
    fn from_arg(v: &serde_json::Value) -> Option<ListContainersOptions> {
        let mut o = ListContainersOptions::default()
            .all(crate::dispatch::flag(v, "all"))
            .size(crate::dispatch::flag(v, "size"));
        if let Some(n) = v["limit"].as_u64() {
            o = o.limit(u32::try_from(n).ok()?);
        }
        for (key, value) in crate::dispatch::filters(&v["filters"]) {
            o = o.filter(key, value);
        }
        Some(o)
    }
}

#[cfg(feature = "dispatch")]
impl crate::dispatch::FromArg for LogsOptions {
    fn from_arg(v: &serde_json::Value) -> Option<LogsOptions> {
        let mut o = LogsOptions::default();
        if let Some(b) = v["stdout"].as_bool() {
            o = o.stdout(b);
        }
        if let Some(b) = v["stderr"].as_bool() {
            o = o.stderr(b);
        }
        if let Some(n) = v["tail"].as_u64() {
            o = o.tail(n);
        }
        if let Some(b) = v["follow"].as_bool() {
            o = o.follow(b);
        }
        if let Some(b) = v["timestamps"].as_bool() {
            o = o.timestamps(b);
        }
        Some(o)
    }
}

#[cfg(feature = "dispatch")]
impl crate::dispatch::FromArg for RemoveContainerOptions {
    fn from_arg(v: &serde_json::Value) -> Option<RemoveContainerOptions> {
        Some(
            RemoveContainerOptions::default()
                .force(crate::dispatch::flag(v, "force"))
                .volumes(crate::dispatch::flag(v, "volumes")),
        )
    }
}

#[cfg(feature = "dispatch")]
impl crate::dispatch::FromArg for WaitCondition {
    fn from_arg(v: &serde_json::Value) -> Option<WaitCondition> {
        match v.as_str()? {
            "not-running" => Some(WaitCondition::NotRunning),
            "next-exit" => Some(WaitCondition::NextExit),
            "removed" => Some(WaitCondition::Removed),
            _ => None,
        }
    }
}

/// Stdin attached unless `{"stdin": false}`; stdout and stderr unless `false`.
#[cfg(feature = "dispatch")]
impl crate::dispatch::FromArg for AttachOptions {
    fn from_arg(v: &serde_json::Value) -> Option<AttachOptions> {
        let on = |key: &str, default: bool| v[key].as_bool().unwrap_or(default);
        Some(
            AttachOptions::default()
                .stdin(on("stdin", true))
                .stdout(on("stdout", true))
                .stderr(on("stderr", true))
                .logs(on("logs", false)),
        )
    }
}
