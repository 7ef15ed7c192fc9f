//! Calling endpoints by name (feature `dispatch`): every endpoint method of [`Client`],
//! reached by its name with positional JSON arguments, and its outcome as JSON.
//!
//! This is how transcripts are recorded and replayed: a transcript's header names the
//! method (`call: inspect_container`) and its arguments (`args: ["web"]`), and both the
//! recorder and the replay suite hand them to [`perform`]. The table below is the one list
//! of endpoint methods; adding an endpoint adds its line here, and a test checks that no
//! public method of [`Client`] is missing from it.
//!
//! ```no_run
//! use docker_client::dispatch;
//! let client = docker_client::blocking::Client::from_env()?;
//! let args = serde_json::json!(["web"]);
//! let outcome = dispatch::perform(&client, "inspect_container", &args)?;
//! println!("{}", outcome.value["State"]["Status"]);
//! # Ok::<(), docker_client::Error>(())
//! ```
//!
//! Arguments are what the method takes, in order: strings for IDs and names, `null` for
//! `None`, numbers for seconds and sizes, and objects for options (`{"all": true,
//! "filters": {"label": ["k=v"]}}`), models (`ContainerCreateConfig`) and tarballs
//! (`{"file": "hello.txt", "content": "hi\n"}`, a ustar archive of one file, or
//! `{"files": {"Dockerfile": "FROM bb:latest\n", ...}}`). A streamed
//! answer is read to its end (a stats stream: as many samples as its second argument); a
//! session is given the second argument as stdin, half-closed, and read to its end.

use std::marker::PhantomData;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::{json, Value};

use crate::{
    AttachSession, Client, Error, Flavour, Items, LogChunk, Method, Result, StartExecOptions,
};

/// What a call returned, as JSON.
///
/// ```
/// let outcome = docker_client::dispatch::Outcome::default();
/// assert!(outcome.value.is_null() && outcome.created.is_none());
/// ```
#[derive(Debug, Clone, Default)]
pub struct Outcome {
    /// The result: a model re-encoded, a stream's items, a session's output, a body's
    /// length; `null` for nothing.
    pub value: Value,
    /// The ID of what the call created (a container, an exec), for the calls that follow.
    pub created: Option<String>,
    /// For a model: decodes a body as the model and encodes it again, so that `value` can
    /// be compared with what the engine sent.
    pub recode: Option<Recode>,
}

/// Decodes a body as a model, and encodes the model again.
///
/// ```
/// use docker_client::{dispatch::Recode, models::ContainerInspect};
/// let recode: Recode = |body| {
///     let model: ContainerInspect = serde_json::from_slice(body).ok()?;
///     serde_json::to_value(model).ok()
/// };
/// let value = recode(br#"{"Id":"1cd78d71f60d","Name":"/web"}"#).unwrap();
/// assert_eq!(value["Name"], "/web");
/// ```
pub type Recode = fn(&[u8]) -> Option<Value>;

/// One line of the table: what a name calls.
type Arm<F> = for<'c> fn(&'c Client<F>, &Args<'_, F>) -> Result<<F as Flavour>::Out<'c, Outcome>>;

/// Every endpoint method, by name: one line each, so the table reads as a list.
#[rustfmt::skip]
fn table<F: Flavour>() -> Vec<(&'static str, Arm<F>)> {
    vec![
        // System.
        ("ping", |c, a| a.plain(c.ping())),
        ("api_version", |c, a| a.plain(c.api_version())),
        ("version", |c, a| a.model(c.version())),
        ("info", |c, a| a.model(c.info())),
        ("events", |c, a| a.items(c.events(&a.get(0)?), None)),
        ("df", |c, a| a.model(c.df())),
        ("login", |c, a| a.model(c.login(&a.get(0)?))),
        ("request", |c, a| a.raw(c)),
        // Containers.
        ("list_containers", |c, a| a.model(c.list_containers(&a.get(0)?))),
        ("inspect_container", |c, a| a.model(c.inspect_container(a.s(0)?))),
        ("create_container", |c, a| a.created(c.create_container(a.opt(0), &a.get(1)?))),
        ("start_container", |c, a| a.unit(c.start_container(a.s(0)?))),
        ("stop_container", |c, a| a.unit(c.stop_container(a.s(0)?, a.secs(1)?))),
        ("restart_container", |c, a| a.unit(c.restart_container(a.s(0)?, a.secs(1)?))),
        ("kill_container", |c, a| a.unit(c.kill_container(a.s(0)?, a.opt(1)))),
        ("wait_container", |c, a| a.model(c.wait_container(a.s(0)?, a.get(1)?))),
        ("remove_container", |c, a| a.unit(c.remove_container(a.s(0)?, a.get(1)?))),
        ("pause_container", |c, a| a.unit(c.pause_container(a.s(0)?))),
        ("unpause_container", |c, a| a.unit(c.unpause_container(a.s(0)?))),
        ("rename_container", |c, a| a.unit(c.rename_container(a.s(0)?, a.s(1)?))),
        ("update_container", |c, a| a.plain(c.update_container(a.s(0)?, &a.get(1)?))),
        ("prune_containers", |c, a| a.model(c.prune_containers(&a.get(0)?))),
        ("export_container", |c, a| a.reader(c.export_container(a.s(0)?))),
        ("top_container", |c, a| a.model(c.top_container(a.s(0)?, a.opt(1)))),
        ("diff_container", |c, a| a.model(c.diff_container(a.s(0)?))),
        ("stats_container", |c, a| a.model(c.stats_container(a.s(0)?))),
        ("stats_container_stream", |c, a| a.items(c.stats_container_stream(a.s(0)?), a.get(1)?)),
        ("logs_container", |c, a| a.output(c.logs_container(a.s(0)?, &a.get(1)?))),
        ("attach_container", |c, a| a.session(c.attach_container(a.s(0)?, a.get(2)?), a.opt(1))),
        ("attach_container_ws", |c, a| a.ws(c.attach_container_ws(a.s(0)?, a.get(2)?), a.opt(1))),
        ("resize_container", |c, a| a.unit(c.resize_container(a.s(0)?, a.get(1)?, a.get(2)?))),
        // Exec.
        ("create_exec", |c, a| a.created(c.create_exec(a.s(0)?, &a.get(1)?))),
        ("start_exec", |c, a| a.session(c.start_exec(a.s(0)?, a.get(1)?), a.opt(2))),
        ("inspect_exec", |c, a| a.model(c.inspect_exec(a.s(0)?))),
        ("resize_exec", |c, a| a.unit(c.resize_exec(a.s(0)?, a.get(1)?, a.get(2)?))),
        // Archives.
        ("stat_path", |c, a| a.plain(c.stat_path(a.s(0)?, a.s(1)?))),
        ("get_archive", |c, a| a.archive(c.get_archive(a.s(0)?, a.s(1)?))),
        ("put_archive", |c, a| a.unit(c.put_archive(a.s(0)?, a.s(1)?, a.tar(2)?))),
        // Images.
        ("list_images", |c, a| a.model(c.list_images(&a.get(0)?))),
        ("inspect_image", |c, a| a.model(c.inspect_image(a.s(0)?))),
        ("history_image", |c, a| a.model(c.history_image(a.s(0)?))),
        ("tag_image", |c, a| a.unit(c.tag_image(a.s(0)?, a.s(1)?))),
        ("remove_image", |c, a| a.model(c.remove_image(a.s(0)?, a.get(1)?))),
        ("prune_images", |c, a| a.model(c.prune_images(&a.get(0)?))),
        ("pull_image", |c, a| a.items(c.pull_image(a.s(0)?, &a.get(1)?), None)),
        ("push_image", |c, a| a.items(c.push_image(a.s(0)?, &a.get(1)?), None)),
        ("import_image", |c, a| a.items(c.import_image(a.tar(0)?, &a.get(1)?), None)),
        ("load_images", |c, a| a.items(c.load_images(a.tar(0)?, a.get(1)?), None)),
        ("save_images", |c, a| a.reader(c.save_images(&a.strs(0)?))),
        ("save_image", |c, a| a.reader(c.save_image(a.s(0)?))),
        ("search_images", |c, a| a.model(c.search_images(a.s(0)?, &a.get(1)?))),
        ("inspect_distribution", |c, a| a.model(c.inspect_distribution(a.s(0)?, &a.get(1)?))),
        ("attestations_image", |c, a| a.model(c.attestations_image(a.s(0)?, &a.get(1)?))),
        ("commit_container", |c, a| a.model(c.commit_container(a.s(0)?, &a.get(1)?))),
        // Build.
        ("build_image", |c, a| a.items(c.build_image(a.tar(0)?, &a.get(1)?), None)),
        ("prune_build_cache", |c, a| a.model(c.prune_build_cache(&a.get(0)?))),
        // Plugins.
        ("list_plugins", |c, a| a.model(c.list_plugins(&a.get(0)?))),
        ("inspect_plugin", |c, a| a.model(c.inspect_plugin(a.s(0)?))),
        ("privileges_plugin", |c, a| a.model(c.privileges_plugin(a.s(0)?, &a.get(1)?))),
        ("pull_plugin", |c, a| a.items(c.pull_plugin(a.s(0)?, &a.get(1)?), None)),
        ("create_plugin", |c, a| a.unit(c.create_plugin(a.s(0)?, a.tar(1)?))),
        ("enable_plugin", |c, a| a.unit(c.enable_plugin(a.s(0)?, a.secs(1)?))),
        ("disable_plugin", |c, a| a.unit(c.disable_plugin(a.s(0)?, a.get(1)?))),
        ("set_plugin", |c, a| a.unit(c.set_plugin(a.s(0)?, &a.strs(1)?))),
        ("upgrade_plugin", |c, a| a.items(c.upgrade_plugin(a.s(0)?, a.s(1)?, &a.get(2)?), None)),
        ("push_plugin", |c, a| a.items(c.push_plugin(a.s(0)?, &a.get(1)?), None)),
        ("remove_plugin", |c, a| a.unit(c.remove_plugin(a.s(0)?, a.get(1)?))),
        // Networks.
        ("list_networks", |c, a| a.model(c.list_networks(&a.get(0)?))),
        ("inspect_network", |c, a| a.model(c.inspect_network(a.s(0)?))),
        ("create_network", |c, a| a.model(c.create_network(&a.get(0)?))),
        ("connect_network", |c, a| a.unit(c.connect_network(a.s(0)?, a.s(1)?, a.endpoint(2)?.as_ref()))),
        ("disconnect_network", |c, a| a.unit(c.disconnect_network(a.s(0)?, a.s(1)?, a.get(2)?))),
        ("remove_network", |c, a| a.unit(c.remove_network(a.s(0)?))),
        ("prune_networks", |c, a| a.model(c.prune_networks(&a.get(0)?))),
        // Volumes.
        ("list_volumes", |c, a| a.model(c.list_volumes(&a.get(0)?))),
        ("inspect_volume", |c, a| a.model(c.inspect_volume(a.s(0)?))),
        ("create_volume", |c, a| a.model(c.create_volume(&a.get(0)?))),
        ("update_volume", |c, a| a.unit(c.update_volume(a.s(0)?, a.get(1)?, &a.get(2)?))),
        ("remove_volume", |c, a| a.unit(c.remove_volume(a.s(0)?, a.get(1)?))),
        ("prune_volumes", |c, a| a.model(c.prune_volumes(&a.get(0)?))),
    ]
}

/// Calls made of several endpoints, which transcripts record as one.
fn scenarios<F: Flavour>() -> Vec<(&'static str, Arm<F>)> {
    vec![("exec", |c, a| a.exec(c))]
}

/// The names [`perform`] knows, in the table's order: every endpoint method of [`Client`].
///
/// ```
/// let names = docker_client::dispatch::calls();
/// assert!(names.contains(&"inspect_container"));
/// ```
pub fn calls() -> Vec<&'static str> {
    table::<AnyFlavour>()
        .into_iter()
        .map(|(name, _)| name)
        .collect()
}

/// The methods of [`Client`] built on `events` that keep a subscription open. [`perform`]
/// does not reach them: how long to follow is the caller's choice. Transcripts record them
/// too.
pub const WATCHERS: &[&str] = &["watch_events", "watch_events_with", "watch_containers"];

/// The methods of [`Client`] that send nothing: the constructors, `endpoint`,
/// `endpoint_choice`, and the total deadline's getter and setter.
pub const LOCAL: &[&str] = &[
    "builder",
    "from_env",
    "unix",
    "endpoint",
    "endpoint_choice",
    "total_timeout",
    "with_total_timeout",
];

/// Calls the endpoint method `call` of `client` with the JSON array `args`, and returns
/// what it returned as an [`Outcome`].
///
/// It returns what the method returns: `Result<Outcome>` in the blocking flavour, a future
/// of it in the tokio flavour. An unknown name, or arguments that do not fit the method,
/// are an [`Error::InvalidArgument`] before anything is sent. Besides the endpoint methods
/// it knows `exec` (`[container, cmd, stdin, tty]`: create an exec, start it, feed it,
/// read it and inspect it until it exits), which transcripts record as one call.
///
/// ```no_run
/// # async fn run() -> docker_client::Result<()> {
/// use docker_client::dispatch;
/// let client = docker_client::tokio::Client::from_env()?;
/// let args = serde_json::json!([{"all": true}]);
/// let outcome = dispatch::perform(&client, "list_containers", &args).await?;
/// println!("{} containers", outcome.value.as_array().map_or(0, Vec::len));
/// # Ok(()) }
/// ```
pub fn perform<'a, F: Flavour>(
    client: &'a Client<F>,
    call: &str,
    args: &Value,
) -> F::Out<'a, Outcome> {
    let arms = table::<F>().into_iter().chain(scenarios::<F>());
    let made = match arms.into_iter().find(|(name, _)| *name == call) {
        Some((_, arm)) => arm(client, &Args::new(call, args)),
        None => Err(Error::InvalidArgument {
            what: "call",
            reason: format!("{call:?} is not an endpoint method of the client"),
        }),
    };
    match made {
        Ok(out) => out,
        Err(e) => F::run(std::future::ready(Err(e))),
    }
}

/// The flavour [`calls`] instantiates the table with: any will do, the names are the same.
#[cfg(feature = "blocking")]
type AnyFlavour = crate::Blocking;
#[cfg(not(feature = "blocking"))]
type AnyFlavour = crate::Tokio;

fn value(v: impl Serialize) -> Outcome {
    Outcome {
        value: serde_json::to_value(v).unwrap_or(Value::Null),
        ..Outcome::default()
    }
}

/// A model's outcome, with the decoder that recodes a body as the same model.
fn recoded<T: Serialize + DeserializeOwned + Default>(model: T) -> Outcome {
    Outcome {
        recode: Some(recode::<T>),
        ..value(model)
    }
}

/// The body decoded as `T` (`null` as its default, as the client reads lists) and encoded
/// again.
fn recode<T: Serialize + DeserializeOwned + Default>(body: &[u8]) -> Option<Value> {
    let decoded: Option<T> = serde_json::from_slice(body).ok()?;
    serde_json::to_value(decoded.unwrap_or_default()).ok()
}

fn chunk_json(chunk: &LogChunk) -> Value {
    json!({"stream": chunk.stream.to_string(), "data": String::from_utf8_lossy(&chunk.data)})
}

/// The positional arguments of one call, and the ways of turning what the call returns
/// into an [`Outcome`].
struct Args<'a, F> {
    call: &'a str,
    args: &'a Value,
    _flavour: PhantomData<fn() -> F>,
}

impl<'a, F: Flavour> Args<'a, F> {
    fn new(call: &'a str, args: &'a Value) -> Args<'a, F> {
        Args {
            call,
            args,
            _flavour: PhantomData,
        }
    }

    fn arg(&self, i: usize) -> &'a Value {
        &self.args[i]
    }

    fn invalid(&self, i: usize) -> Error {
        Error::InvalidArgument {
            what: "call argument",
            reason: format!(
                "argument {i} of {} does not fit: {}",
                self.call,
                self.arg(i)
            ),
        }
    }

    /// Argument `i`, converted.
    fn get<T: FromArg>(&self, i: usize) -> Result<T> {
        T::from_arg(self.arg(i)).ok_or_else(|| self.invalid(i))
    }

    /// Argument `i`, a string.
    fn s(&self, i: usize) -> Result<&'a str> {
        self.arg(i).as_str().ok_or_else(|| self.invalid(i))
    }

    /// Argument `i`, a string or `null`.
    fn opt(&self, i: usize) -> Option<&'a str> {
        self.arg(i).as_str()
    }

    /// Argument `i`, an array of strings.
    fn strs(&self, i: usize) -> Result<Vec<&'a str>> {
        let all = self.arg(i).as_array().ok_or_else(|| self.invalid(i))?;
        all.iter()
            .map(|v| v.as_str().ok_or_else(|| self.invalid(i)))
            .collect()
    }

    /// Argument `i`, a network endpoint's settings or `null`.
    fn endpoint(&self, i: usize) -> Result<Option<docker_models::EndpointSettings>> {
        self.get(i)
    }

    /// Argument `i`, whole seconds or `null`.
    fn secs(&self, i: usize) -> Result<Option<Duration>> {
        let secs: Option<u64> = self.get(i)?;
        Ok(secs.map(Duration::from_secs))
    }

    /// The tarball `{"file": name, "content": text}` or `{"files": {name: text, ...}}`
    /// describes (files in name order), streamed.
    fn tar(&self, i: usize) -> Result<Chunked> {
        let v = self.arg(i);
        if let Some(files) = v["files"].as_object() {
            let files: Vec<(&str, &[u8])> = files
                .iter()
                .map(|(name, text)| (name.as_str(), text.as_str().unwrap_or("").as_bytes()))
                .collect();
            return Ok(Chunked(crate::build::archive_of(&files)));
        }
        let file = v["file"].as_str().unwrap_or("file");
        let content = v["content"].as_str().unwrap_or("");
        Ok(Chunked(tar_of(file, content.as_bytes())))
    }

    /// A model read from the answer's body, with the decoder that recodes a body as the
    /// same model.
    fn model<'c, T>(&self, out: F::Out<'c, T>) -> Result<F::Out<'c, Outcome>>
    where
        T: Serialize + DeserializeOwned + Default + Send + 'c,
    {
        Ok(F::run(async move { Ok(recoded(F::wait(out).await?)) }))
    }

    /// A value not read from the body as it is (from the headers, or reshaped).
    fn plain<'c, T>(&self, out: F::Out<'c, T>) -> Result<F::Out<'c, Outcome>>
    where
        T: Serialize + Send + 'c,
    {
        Ok(F::run(async move { Ok(value(F::wait(out).await?)) }))
    }

    /// A model that names what was created.
    fn created<'c, T>(&self, out: F::Out<'c, T>) -> Result<F::Out<'c, Outcome>>
    where
        T: Serialize + DeserializeOwned + Default + Send + 'c,
    {
        Ok(F::run(async move {
            let outcome = recoded(F::wait(out).await?);
            let id = outcome.value["Id"].as_str().map(str::to_owned);
            Ok(Outcome {
                created: id,
                ..outcome
            })
        }))
    }

    fn unit<'c>(&self, out: F::Out<'c, ()>) -> Result<F::Out<'c, Outcome>> {
        Ok(F::run(async move {
            F::wait(out).await.map(|()| Outcome::default())
        }))
    }

    /// A stream's items, up to `limit`.
    fn items<'c, T>(
        &self,
        out: F::Out<'c, Items<F, T>>,
        limit: Option<usize>,
    ) -> Result<F::Out<'c, Outcome>>
    where
        T: Serialize + Send + 'c,
    {
        Ok(F::run(async move {
            let mut stream = F::wait(out).await?;
            let mut all = Vec::new();
            while all.len() < limit.unwrap_or(usize::MAX) {
                match stream.pull().await {
                    Some(item) => all.push(item?),
                    None => break,
                }
            }
            Ok(value(all))
        }))
    }

    /// Container output, as `{"stream": "stdout", "data": "..."}` pieces.
    fn output<'c>(&self, out: F::Out<'c, Items<F, LogChunk>>) -> Result<F::Out<'c, Outcome>> {
        Ok(F::run(async move {
            let mut stream = F::wait(out).await?;
            let mut chunks = Vec::new();
            while let Some(chunk) = stream.pull().await {
                chunks.push(chunk_json(&chunk?));
            }
            Ok(value(chunks))
        }))
    }

    /// A session given `stdin` (then half-closed), read to its end.
    fn session<'c>(
        &self,
        out: F::Out<'c, AttachSession<F>>,
        stdin: Option<&str>,
    ) -> Result<F::Out<'c, Outcome>> {
        let stdin = stdin.map(str::to_owned);
        Ok(F::run(async move {
            let mut session = F::wait(out).await?;
            if let Some(input) = stdin {
                F::wait(session.write_stdin(input.as_bytes())).await?;
                F::wait(session.close_stdin()).await?;
            }
            let mut chunks = Vec::new();
            while let Some(chunk) = F::wait(session.next_output()).await? {
                chunks.push(chunk_json(&chunk));
            }
            Ok(value(chunks))
        }))
    }

    /// A WebSocket session given `stdin` (one message), then closed, and read to its end.
    fn ws<'c>(
        &self,
        out: F::Out<'c, crate::WsSession<F>>,
        stdin: Option<&str>,
    ) -> Result<F::Out<'c, Outcome>> {
        let stdin = stdin.map(str::to_owned);
        Ok(F::run(async move {
            let mut session = F::wait(out).await?;
            if let Some(input) = stdin {
                F::wait(session.write_stdin(input.as_bytes())).await?;
            }
            let mut items = Vec::new();
            while let Some(item) = F::wait(session.next_output()).await? {
                let value = match item {
                    crate::WsOutput::Data(data) => {
                        json!({"data": String::from_utf8_lossy(&data)})
                    }
                    crate::WsOutput::Pong(p) => json!({"pong": String::from_utf8_lossy(&p)}),
                    crate::WsOutput::Close { code, reason } => {
                        json!({"close": code, "reason": reason})
                    }
                };
                items.push(value);
            }
            Ok(value(items))
        }))
    }

    /// A raw body, by its length.
    fn reader<'c>(&self, out: F::Out<'c, F::Reader>) -> Result<F::Out<'c, Outcome>> {
        Ok(F::run(async move {
            let body = F::read_all(F::wait(out).await?).await?;
            Ok(value(json!({"bytes": body.len()})))
        }))
    }

    /// An archive: its stat and its length.
    fn archive<'c>(
        &self,
        out: F::Out<'c, (crate::PathStat, F::Reader)>,
    ) -> Result<F::Out<'c, Outcome>> {
        Ok(F::run(async move {
            let (stat, body) = F::wait(out).await?;
            let body = F::read_all(body).await?;
            Ok(value(json!({"stat": stat, "bytes": body.len()})))
        }))
    }

    /// `[method, path, [[key, value]...], body]`: a raw request, its status and body.
    fn raw<'c>(&self, c: &'c Client<F>) -> Result<F::Out<'c, Outcome>> {
        let method = Method::parse(self.s(0)?).ok_or_else(|| self.invalid(0))?;
        let query = self.get::<Pairs>(2)?.0;
        let query: Vec<(&str, &str)> = query
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        let body = self.arg(3);
        let body = (!body.is_null()).then(|| body.to_string().into_bytes());
        let res = c.request(method, self.s(1)?, &query, body);
        Ok(F::run(async move {
            let res = F::wait(res).await?;
            let status = res.status();
            let body = F::wait(res.bytes()).await?;
            let body = String::from_utf8_lossy(&body);
            Ok(value(json!({"status": status, "body": body})))
        }))
    }

    /// `[container, cmd, stdin, tty]`: create an exec, start it with `stdin` (then
    /// half-closed), read its output, and inspect it until it has exited.
    fn exec<'c>(&self, c: &'c Client<F>) -> Result<F::Out<'c, Outcome>> {
        let stdin = self.opt(2).map(str::to_owned);
        let tty = self.get::<Option<bool>>(3)?.unwrap_or(false);
        let config = docker_models::ExecCreateConfig {
            cmd: self.get(1)?,
            attach_stdin: stdin.is_some(),
            attach_stdout: true,
            attach_stderr: true,
            tty,
            ..Default::default()
        };
        let created = c.create_exec(self.s(0)?, &config);
        Ok(F::run(async move {
            let exec = F::wait(created).await?;
            let started = c.start_exec(&exec.id, StartExecOptions::default().tty(tty));
            let this = Args::<F>::new("exec", &Value::Null);
            let output = F::wait(this.session(started, stdin.as_deref())?).await?;
            let mut exit_code = None;
            for _ in 0..100 {
                let inspect = F::wait(c.inspect_exec(&exec.id)).await?;
                exit_code = inspect.exit_code;
                if !inspect.running {
                    break;
                }
                F::sleep(Duration::from_millis(20)).await;
            }
            Ok(value(
                json!({"output": output.value, "exit_code": exit_code}),
            ))
        }))
    }
}

/// Bytes sent as a streamed (chunked) body in either flavour, as a reader would be.
struct Chunked(Vec<u8>);

impl<F: Flavour> crate::Upload<F> for Chunked {
    fn into_body(self) -> docker_transport::Body<<F as crate::flavour::io::FlavourIo>::Upload> {
        F::chunked(self.0)
    }
}

/// A value made from a JSON argument. The options of each area implement it next to
/// their definition.
pub(crate) trait FromArg: Sized {
    fn from_arg(v: &Value) -> Option<Self>;
}

impl FromArg for String {
    fn from_arg(v: &Value) -> Option<String> {
        v.as_str().map(str::to_owned)
    }
}

impl FromArg for u16 {
    fn from_arg(v: &Value) -> Option<u16> {
        v.as_u64().and_then(|n| u16::try_from(n).ok())
    }
}

impl FromArg for usize {
    fn from_arg(v: &Value) -> Option<usize> {
        v.as_u64().and_then(|n| usize::try_from(n).ok())
    }
}

impl FromArg for u64 {
    fn from_arg(v: &Value) -> Option<u64> {
        v.as_u64()
    }
}

impl FromArg for bool {
    fn from_arg(v: &Value) -> Option<bool> {
        v.as_bool()
    }
}

impl FromArg for Vec<String> {
    fn from_arg(v: &Value) -> Option<Vec<String>> {
        v.as_array()?.iter().map(String::from_arg).collect()
    }
}

impl<T: FromArg> FromArg for Option<T> {
    fn from_arg(v: &Value) -> Option<Option<T>> {
        match v {
            Value::Null => Some(None),
            v => T::from_arg(v).map(Some),
        }
    }
}

/// Models are their JSON; a missing one is its default.
macro_rules! model_args {
    ($($model:ty),* $(,)?) => {$(
        impl FromArg for $model {
            fn from_arg(v: &Value) -> Option<$model> {
                match v {
                    Value::Null => Some(<$model>::default()),
                    v => serde_json::from_value(v.clone()).ok(),
                }
            }
        }
    )*};
}

model_args!(
    docker_models::ContainerCreateConfig,
    docker_models::ExecCreateConfig,
    docker_models::ContainerUpdate,
    docker_models::AuthConfig,
    docker_models::EndpointSettings,
    docker_models::ClusterVolumeSpec,
);

/// `[["key", "value"], ...]`: a raw request's query.
struct Pairs(Vec<(String, String)>);

impl FromArg for Pairs {
    fn from_arg(v: &Value) -> Option<Pairs> {
        let pairs = v.as_array()?.iter().map(|pair| {
            let text = |i: usize| pair[i].as_str().map(str::to_owned);
            Some((text(0)?, text(1)?))
        });
        pairs.collect::<Option<_>>().map(Pairs)
    }
}

/// `{"key": ["v1", "v2"]}` as pairs, in order.
pub(crate) fn filters(v: &Value) -> impl Iterator<Item = (&str, &str)> {
    v.as_object()
        .into_iter()
        .flatten()
        .flat_map(|(key, values)| {
            let values = values.as_array().into_iter().flatten();
            values.map(move |value| (key.as_str(), value.as_str().unwrap_or_default()))
        })
}

/// The boolean `key` of an object, false when absent.
pub(crate) fn flag(v: &Value, key: &str) -> bool {
    v[key].as_bool().unwrap_or(false)
}

/// `seconds.nanoseconds` back into a time, as the engine's time arguments are written.
pub(crate) fn parse_time(text: &str) -> Option<SystemTime> {
    let (secs, nanos) = text.split_once('.').unwrap_or((text, "0"));
    let nanos = format!("{nanos:0<9}");
    Some(UNIX_EPOCH + Duration::new(secs.parse().ok()?, nanos.get(..9)?.parse().ok()?))
}

/// A ustar archive holding one regular file, with fixed owner, mode and time.
///
/// ```
/// let tar = docker_client::dispatch::tar_of("hello.txt", b"hi\n");
/// assert_eq!(&tar[..9], b"hello.txt");
/// assert_eq!(tar.len(), 512 + 512 + 1024); // The header, the padded content and the end.
/// ```
pub fn tar_of(name: &str, content: &[u8]) -> Vec<u8> {
    crate::build::archive_of(&[(name, content)])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tar_of_is_a_valid_ustar_block_sequence() {
        let tar = tar_of("hello.txt", b"hi\n");
        assert_eq!(tar.len(), 512 * 4);
        assert_eq!(&tar[257..263], b"ustar\0");
        assert_eq!(&tar[512..515], b"hi\n");
    }

    #[test]
    fn times_round_trip_through_text() {
        let t = UNIX_EPOCH + Duration::new(1_795_864_739, 5);
        let text = crate::options::unix_nanos_text(t);
        assert_eq!(parse_time(&text), Some(t));
    }

    #[test]
    fn every_call_is_named_once() {
        let names = calls();
        let unique: std::collections::BTreeSet<_> = names.iter().collect();
        assert_eq!(unique.len(), names.len(), "{names:?}");
        assert!(WATCHERS.iter().chain(LOCAL).all(|n| !names.contains(n)));
    }

    #[cfg(feature = "blocking")]
    #[test]
    fn unknown_calls_and_bad_arguments_are_refused_before_sending() {
        let client = crate::blocking::Client::unix("/nonexistent/docker.sock");
        let err = perform(&client, "no_such_call", &json!([])).unwrap_err();
        assert!(matches!(err, Error::InvalidArgument { .. }), "{err}");
        let err = perform(&client, "inspect_container", &json!([7])).unwrap_err();
        assert!(
            err.to_string().contains("argument 0 of inspect_container"),
            "{err}"
        );
    }
}
