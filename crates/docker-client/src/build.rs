//! Build: `POST /build` and `POST /build/prune`, with the legacy builder.
//!
//! A build context is a tar archive streamed as the request body: a [`BuildContext`] made
//! from a directory (honouring its `.dockerignore`, see [`DockerIgnore`]), or any reader of
//! a tar archive. The engine answers with a progress stream, read as [`BuildEvent`]s: the
//! builder's output, the pull progress of base images, and the image built. An error the
//! builder reports inside the stream ends it as [`Error::Build`] with the builder's message.
//!
//! **BuildKit is out of scope.** BuildKit builds drive the engine through `POST /session`
//! (gRPC over HTTP/2 on a hijacked connection), which this client does not speak; it never
//! asks for BuildKit (`version=2`), so engines build with the legacy builder. A Dockerfile
//! that needs BuildKit (`RUN --mount`, `COPY --chmod`, heredocs with some engines) fails
//! with [`Error::BuildKitRequired`], which says so.

mod context;
mod ignore;
mod tar;

use std::collections::BTreeMap;

use docker_models::{AuthConfig, BuildCachePruneResponse, BuildResult, ProgressMessage};
use serde::Serialize;

pub use context::BuildContext;
pub use ignore::DockerIgnore;

#[cfg(feature = "dispatch")]
pub(crate) use tar::archive_of;

use crate::call::Call;
use crate::images::tar_upload;
use crate::options::Filters;
use crate::path::{self, Query};
use crate::stream::{Decoder, Items, JsonLines};
use crate::{Client, Error, Flavour, Result, Upload};

/// Options of `build_image` (`POST /build`).
///
/// `Debug` never prints the credentials of [`registry_auth`](Self::registry_auth).
///
/// ```
/// let opts = docker_client::BuildOptions::default()
///     .tag("app:dev")
///     .tag("app:latest")
///     .dockerfile("docker/Dockerfile")
///     .build_arg("VERSION", "1.2")
///     .target("runtime")
///     .label("org.opencontainers.image.source", "https://example.com/app")
///     .no_cache(true)
///     .pull(true)
///     .platform("linux/amd64")
///     .network_mode("host")
///     .extra_host("db:10.0.0.5")
///     .cache_from("app:latest");
/// # let _ = opts;
/// ```
#[derive(Clone, Default, PartialEq, Eq)]
pub struct BuildOptions {
    tags: Vec<String>,
    dockerfile: Option<String>,
    build_args: BTreeMap<String, String>,
    target: Option<String>,
    labels: BTreeMap<String, String>,
    no_cache: bool,
    pull: bool,
    force_rm: bool,
    platform: Option<String>,
    network_mode: Option<String>,
    extra_hosts: Vec<String>,
    cache_from: Vec<String>,
    registry_auth: BTreeMap<String, AuthConfig>,
}

impl std::fmt::Debug for BuildOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let registries: Vec<&String> = self.registry_auth.keys().collect();
        f.debug_struct("BuildOptions")
            .field("tags", &self.tags)
            .field("dockerfile", &self.dockerfile)
            .field("build_args", &self.build_args)
            .field("target", &self.target)
            .field("labels", &self.labels)
            .field("no_cache", &self.no_cache)
            .field("pull", &self.pull)
            .field("force_rm", &self.force_rm)
            .field("platform", &self.platform)
            .field("network_mode", &self.network_mode)
            .field("extra_hosts", &self.extra_hosts)
            .field("cache_from", &self.cache_from)
            .field("registry_auth", &registries)
            .finish()
    }
}

impl BuildOptions {
    /// Tags the image `name[:tag]`; repeatable.
    ///
    /// ```
    /// let opts = docker_client::BuildOptions::default().tag("app:1.2").tag("app:latest");
    /// # let _ = opts;
    /// ```
    pub fn tag(mut self, reference: impl Into<String>) -> Self {
        self.tags.push(reference.into());
        self
    }

    /// The Dockerfile's path in the context (default `Dockerfile`). Give the same path to
    /// [`BuildContext::dockerfile`], so that `.dockerignore` cannot leave it out.
    ///
    /// ```
    /// let opts = docker_client::BuildOptions::default().dockerfile("docker/Dockerfile.dev");
    /// # let _ = opts;
    /// ```
    pub fn dockerfile(self, path: impl Into<String>) -> Self {
        BuildOptions {
            dockerfile: Some(path.into()),
            ..self
        }
    }

    /// Sets a build argument, the value of an `ARG` of the Dockerfile.
    ///
    /// ```
    /// let opts = docker_client::BuildOptions::default().build_arg("GREETING", "hello");
    /// # let _ = opts;
    /// ```
    pub fn build_arg(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.build_args.insert(name.into(), value.into());
        self
    }

    /// Builds up to this stage of a multi-stage Dockerfile (`FROM ... AS <stage>`).
    ///
    /// ```
    /// let opts = docker_client::BuildOptions::default().target("builder");
    /// # let _ = opts;
    /// ```
    pub fn target(self, stage: impl Into<String>) -> Self {
        BuildOptions {
            target: Some(stage.into()),
            ..self
        }
    }

    /// Sets a label on the image.
    ///
    /// ```
    /// let opts = docker_client::BuildOptions::default().label("team", "infra");
    /// # let _ = opts;
    /// ```
    pub fn label(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {
        self.labels.insert(key.into(), value.into());
        self
    }

    /// Builds every step again instead of using the cache.
    ///
    /// ```
    /// let opts = docker_client::BuildOptions::default().no_cache(true);
    /// # let _ = opts;
    /// ```
    pub fn no_cache(self, no_cache: bool) -> Self {
        BuildOptions { no_cache, ..self }
    }

    /// Pulls newer versions of the base images, even when they are present.
    ///
    /// ```
    /// let opts = docker_client::BuildOptions::default().pull(true);
    /// # let _ = opts;
    /// ```
    pub fn pull(self, pull: bool) -> Self {
        BuildOptions { pull, ..self }
    }

    /// Removes the intermediate container of a step that fails too (`forcerm`). The engine
    /// always removes those of the steps that succeed; without this, a failed step's
    /// container stays, as with `docker build`.
    ///
    /// ```
    /// let opts = docker_client::BuildOptions::default().force_rm(true);
    /// # let _ = opts;
    /// ```
    pub fn force_rm(self, force_rm: bool) -> Self {
        BuildOptions { force_rm, ..self }
    }

    /// Builds for this platform (`os[/arch[/variant]]`), API 1.32 and later.
    ///
    /// ```
    /// let opts = docker_client::BuildOptions::default().platform("linux/arm64");
    /// # let _ = opts;
    /// ```
    pub fn platform(self, platform: impl Into<String>) -> Self {
        BuildOptions {
            platform: Some(platform.into()),
            ..self
        }
    }

    /// The network of the `RUN` steps: `bridge`, `host`, `none`, or a network's name.
    ///
    /// ```
    /// let opts = docker_client::BuildOptions::default().network_mode("host");
    /// # let _ = opts;
    /// ```
    pub fn network_mode(self, mode: impl Into<String>) -> Self {
        BuildOptions {
            network_mode: Some(mode.into()),
            ..self
        }
    }

    /// Adds `host:ip` to the `/etc/hosts` of the `RUN` steps; repeatable.
    ///
    /// ```
    /// let opts = docker_client::BuildOptions::default().extra_host("registry.local:10.0.0.9");
    /// # let _ = opts;
    /// ```
    pub fn extra_host(mut self, host_ip: impl Into<String>) -> Self {
        self.extra_hosts.push(host_ip.into());
        self
    }

    /// Uses this image's layers as a cache source; repeatable.
    ///
    /// ```
    /// let opts = docker_client::BuildOptions::default().cache_from("registry.local/app:latest");
    /// # let _ = opts;
    /// ```
    pub fn cache_from(mut self, image: impl Into<String>) -> Self {
        self.cache_from.push(image.into());
        self
    }

    /// Credentials for pulling base images from `registry` (`X-Registry-Config`).
    ///
    /// ```
    /// use docker_client::models::AuthConfig;
    /// let auth = AuthConfig { username: "me".into(), password: "s3cret".into(), ..Default::default() };
    /// let opts = docker_client::BuildOptions::default().registry_auth("registry.local:5000", auth);
    /// assert!(!format!("{opts:?}").contains("s3cret"));
    /// ```
    pub fn registry_auth(mut self, registry: impl Into<String>, auth: AuthConfig) -> Self {
        self.registry_auth.insert(registry.into(), auth);
        self
    }

    fn query(&self) -> Result<Query> {
        let mut q = Query::default();
        for t in &self.tags {
            q.push("t", path::plain_text("image reference", t)?);
        }
        if let Some(d) = &self.dockerfile {
            q.push("dockerfile", path::plain_text("Dockerfile path", d)?);
        }
        if !self.build_args.is_empty() {
            q.push("buildargs", &json(&self.build_args));
        }
        if let Some(t) = &self.target {
            q.push("target", path::plain_text("target stage", t)?);
        }
        if !self.labels.is_empty() {
            q.push("labels", &json(&self.labels));
        }
        q.flag("nocache", self.no_cache)
            .flag("pull", self.pull)
            .flag("forcerm", self.force_rm);
        if let Some(p) = &self.platform {
            q.push("platform", path::plain_text("platform", p)?);
        }
        if let Some(n) = &self.network_mode {
            q.push("networkmode", path::plain_text("network mode", n)?);
        }
        for h in &self.extra_hosts {
            q.push("extrahosts", path::plain_text("extra host", h)?);
        }
        if !self.cache_from.is_empty() {
            q.push("cachefrom", &json(&self.cache_from));
        }
        Ok(q)
    }
}

fn json(value: &impl Serialize) -> String {
    serde_json::to_string(value).expect("maps and lists of strings always serialize")
}

/// Options of `prune_build_cache` (`POST /build/prune`).
///
/// ```
/// let opts = docker_client::PruneBuildCacheOptions::default()
///     .all(true)
///     .reserved_space(512 << 20)
///     .filter("until", "24h");
/// # let _ = opts;
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PruneBuildCacheOptions {
    all: bool,
    reserved_space: Option<u64>,
    max_used_space: Option<u64>,
    min_free_space: Option<u64>,
    filters: Filters,
}

impl PruneBuildCacheOptions {
    /// Removes every kind of cache record, not only dangling ones.
    ///
    /// ```
    /// let opts = docker_client::PruneBuildCacheOptions::default().all(true);
    /// # let _ = opts;
    /// ```
    pub fn all(self, all: bool) -> Self {
        PruneBuildCacheOptions { all, ..self }
    }

    /// Keeps this many bytes of cache. Sent as `reserved-space` (API 1.48 and later) and as
    /// `keep-storage`, its name before, so that engines of either kind read it.
    ///
    /// ```
    /// let opts = docker_client::PruneBuildCacheOptions::default().reserved_space(1 << 30);
    /// # let _ = opts;
    /// ```
    pub fn reserved_space(self, bytes: u64) -> Self {
        PruneBuildCacheOptions {
            reserved_space: Some(bytes),
            ..self
        }
    }

    /// The most cache to keep, in bytes (API 1.48 and later).
    ///
    /// ```
    /// let opts = docker_client::PruneBuildCacheOptions::default().max_used_space(4 << 30);
    /// # let _ = opts;
    /// ```
    pub fn max_used_space(self, bytes: u64) -> Self {
        PruneBuildCacheOptions {
            max_used_space: Some(bytes),
            ..self
        }
    }

    /// The free disk space to leave, in bytes (API 1.48 and later).
    ///
    /// ```
    /// let opts = docker_client::PruneBuildCacheOptions::default().min_free_space(10 << 30);
    /// # let _ = opts;
    /// ```
    pub fn min_free_space(self, bytes: u64) -> Self {
        PruneBuildCacheOptions {
            min_free_space: Some(bytes),
            ..self
        }
    }

    /// Adds a filter: `until`, `id`, `parent`, `type`, `description`, `inuse`, `shared`,
    /// `private`.
    ///
    /// ```
    /// let opts = docker_client::PruneBuildCacheOptions::default().filter("type", "regular");
    /// # let _ = opts;
    /// ```
    pub fn filter(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {
        self.filters.add(key, value);
        self
    }

    fn query(&self) -> Query {
        let mut q = Query::default();
        q.flag("all", self.all);
        if let Some(n) = self.reserved_space {
            q.push("keep-storage", &n.to_string())
                .push("reserved-space", &n.to_string());
        }
        q.push_opt("max-used-space", self.max_used_space)
            .push_opt("min-free-space", self.min_free_space);
        self.filters.push_to(&mut q);
        q
    }
}

/// One item of a build's progress stream.
///
/// ```no_run
/// # let client = docker_client::blocking::Client::from_env()?;
/// use docker_client::{BuildContext, BuildEvent, BuildOptions};
/// let context = BuildContext::from_dir("./app")?;
/// for event in client.build_image(context, &BuildOptions::default().tag("app:dev"))? {
///     match event? {
///         BuildEvent::Stream(text) => print!("{text}"),
///         BuildEvent::Status(progress) => println!("{progress}"),
///         BuildEvent::Built(image) => println!("built {}", image.id),
///         _ => (),
///     }
/// }
/// # Ok::<(), docker_client::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum BuildEvent {
    /// The builder's output, with its line ends: `Step 1/4 : FROM bb:latest`, what a `RUN`
    /// printed.
    Stream(String),
    /// A status line: the pull of a base image, with its progress (boxed: it is much larger
    /// than the other variants).
    Status(Box<ProgressMessage>),
    /// The image built (`aux` with its ID, API 1.30 and later): the last one names the
    /// result of the build.
    Built(BuildResult),
    /// Any other `aux` payload, as it came.
    Aux(serde_json::Value),
}

impl BuildEvent {
    fn from_message(message: ProgressMessage) -> BuildEvent {
        match message.aux {
            Some(aux) => match aux.get("ID").and_then(|id| id.as_str()) {
                Some(id) => BuildEvent::Built(BuildResult { id: id.to_owned() }),
                None => BuildEvent::Aux(aux),
            },
            None if !message.stream.is_empty() => BuildEvent::Stream(message.stream),
            None => BuildEvent::Status(Box::new(message)),
        }
    }
}

impl<F: Flavour> Client<F> {
    /// `POST /build`: builds an image from a build context streamed as the request body (a
    /// [`BuildContext`] made from a directory, or any reader of a tar archive), with the
    /// legacy builder, and returns its progress as [`BuildEvent`]s.
    ///
    /// The engine answers once it has read the whole context. An error the builder reports
    /// in the stream (a `RUN` step that exits non-zero, a missing file to `COPY`) is an
    /// `Err(Error::Build)` item carrying its message, and the stream ends there;
    /// [`Error::BuildKitRequired`] when the Dockerfile needs BuildKit, which this client
    /// does not drive. [`image_id`](Items::image_id) waits for the end and returns the
    /// image built.
    ///
    /// ```no_run
    /// # let client = docker_client::blocking::Client::from_env()?;
    /// use docker_client::{BuildContext, BuildOptions};
    /// let context = BuildContext::from_dir("./app")?;
    /// let opts = BuildOptions::default().tag("app:dev").build_arg("VERSION", "1.2");
    /// let image = client.build_image(context, &opts)?.image_id()?;
    /// println!("built {image}");
    ///
    /// // Any tar archive will do, a file for example.
    /// let tar = std::fs::File::open("context.tar")?;
    /// client.build_image(tar, &BuildOptions::default())?.image_id()?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn build_image(
        &self,
        context: impl Upload<F>,
        options: &BuildOptions,
    ) -> F::Out<'_, Items<F, BuildEvent>> {
        let call = || {
            let call = tar_upload(Call::post("/build").query(options.query()?), context);
            if options.registry_auth.is_empty() {
                return Ok(call);
            }
            let json =
                serde_json::to_vec(&options.registry_auth).expect("credentials always serialize");
            let header = crate::base64::encode_url(&json);
            Ok(call.header("X-Registry-Config", header))
        };
        self.run(self.items(call(), BuildLines::new))
    }

    /// `POST /build/prune`: removes build cache, and says what it removed.
    ///
    /// ```no_run
    /// # let client = docker_client::blocking::Client::from_env()?;
    /// use docker_client::PruneBuildCacheOptions;
    /// let pruned = client.prune_build_cache(&PruneBuildCacheOptions::default().all(true))?;
    /// println!("{} records, {} bytes", pruned.caches_deleted.len(), pruned.space_reclaimed);
    /// # Ok::<(), docker_client::Error>(())
    /// ```
    pub fn prune_build_cache(
        &self,
        options: &PruneBuildCacheOptions,
    ) -> F::Out<'_, BuildCachePruneResponse> {
        let call = Call::post("/build/prune").query(options.query());
        self.run(self.json(Ok(call)))
    }
}

impl<F: Flavour> Items<F, BuildEvent> {
    /// Reads the build to its end and returns the ID of the image built (the last
    /// [`BuildEvent::Built`]), or the build's error.
    ///
    /// ```no_run
    /// # let client = docker_client::blocking::Client::from_env()?;
    /// use docker_client::{BuildContext, BuildOptions};
    /// let context = BuildContext::from_dir(".")?;
    /// let id = client.build_image(context, &BuildOptions::default())?.image_id()?;
    /// assert!(id.starts_with("sha256:"));
    /// # Ok::<(), docker_client::Error>(())
    /// ```
    pub fn image_id(mut self) -> F::Out<'static, String> {
        F::run(async move {
            let mut built = None;
            while let Some(event) = self.pull().await {
                if let BuildEvent::Built(image) = event? {
                    built = Some(image.id);
                }
            }
            built.ok_or_else(|| Error::MalformedAnswer {
                request: "POST /build".to_owned(),
                reason: "the build ended without naming the image it built (engines before \
                         API 1.30 do not)"
                    .to_owned(),
            })
        })
    }
}

/// A build's progress lines as [`BuildEvent`]s; an error line becomes the stream's last
/// item, [`Error::Build`] or [`Error::BuildKitRequired`].
#[derive(Debug)]
struct BuildLines {
    lines: JsonLines<ProgressMessage>,
    ended: bool,
}

impl BuildLines {
    fn new(request: String) -> BuildLines {
        BuildLines {
            lines: JsonLines::new(request),
            ended: false,
        }
    }
}

impl Decoder for BuildLines {
    type Item = BuildEvent;

    fn feed(&mut self, chunk: &[u8]) {
        self.lines.feed(chunk);
    }

    fn finish(&mut self) {
        self.lines.finish();
    }

    fn fail(&mut self, e: Error) {
        self.lines.fail(e);
    }

    fn pop(&mut self) -> Option<Result<BuildEvent>> {
        if self.ended {
            return None;
        }
        let item = match self.lines.pop()? {
            Ok(m) => match m.error_message() {
                Some(message) => Err(build_error(&m, message)),
                None => Ok(BuildEvent::from_message(m)),
            },
            Err(e) => Err(e),
        };
        self.ended = item.is_err();
        Some(item)
    }

    fn is_exhausted(&self) -> bool {
        self.ended || self.lines.is_exhausted()
    }
}

/// The error a build reports in its stream: BuildKit's when the legacy builder says a
/// feature needs it.
fn build_error(m: &ProgressMessage, message: &str) -> Error {
    if message.contains("requires BuildKit") || message.contains("BuildKit is required") {
        return Error::BuildKitRequired {
            message: message.to_owned(),
        };
    }
    Error::Build {
        message: message.to_owned(),
        code: m.error_detail.as_ref().map_or(0, |d| d.code),
    }
}

#[cfg(feature = "dispatch")]
impl crate::dispatch::FromArg for BuildOptions {
    fn from_arg(v: &serde_json::Value) -> Option<BuildOptions> {
        let text = |key: &str| v[key].as_str();
        let texts = |key: &str| {
            v[key]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|x| x.as_str())
        };
        let pairs = |key: &str| {
            v[key]
                .as_object()
                .into_iter()
                .flatten()
                .filter_map(|(k, x)| Some((k.clone(), x.as_str()?.to_owned())))
        };
        let mut o = BuildOptions::default()
            .no_cache(crate::dispatch::flag(v, "no_cache"))
            .pull(crate::dispatch::flag(v, "pull"))
            .force_rm(crate::dispatch::flag(v, "force_rm"));
        for t in texts("tags") {
            o = o.tag(t);
        }
        if let Some(d) = text("dockerfile") {
            o = o.dockerfile(d);
        }
        for (k, x) in pairs("build_args") {
            o = o.build_arg(k, x);
        }
        if let Some(t) = text("target") {
            o = o.target(t);
        }
        for (k, x) in pairs("labels") {
            o = o.label(k, x);
        }
        if let Some(p) = text("platform") {
            o = o.platform(p);
        }
        if let Some(n) = text("network_mode") {
            o = o.network_mode(n);
        }
        for h in texts("extra_hosts") {
            o = o.extra_host(h);
        }
        for c in texts("cache_from") {
            o = o.cache_from(c);
        }
        Some(o)
    }
}

#[cfg(feature = "dispatch")]
impl crate::dispatch::FromArg for PruneBuildCacheOptions {
    fn from_arg(v: &serde_json::Value) -> Option<PruneBuildCacheOptions> {
        let mut o = PruneBuildCacheOptions::default().all(crate::dispatch::flag(v, "all"));
        if let Some(n) = v["reserved_space"].as_u64() {
            o = o.reserved_space(n);
        }
        for (key, value) in crate::dispatch::filters(&v["filters"]) {
            o = o.filter(key, value);
        }
        Some(o)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn events(lines: &str) -> Vec<Result<BuildEvent>> {
        let mut d = BuildLines::new("POST /build".into());
        d.feed(lines.as_bytes());
        d.finish();
        std::iter::from_fn(|| d.pop()).collect()
    }

    #[test]
    fn build_lines_become_events_and_the_first_error_ends_them() {
        let got = events(concat!(
            "{\"stream\":\"Step 1/2 : FROM bb:latest\"}\n",
            "{\"status\":\"Pulling from library/bb\",\"id\":\"latest\"}\n",
            "{\"aux\":{\"ID\":\"sha256:708a\"}}\n",
            "{\"id\":\"moby.buildkit.trace\",\"aux\":\"Cm8K\"}\n",
            "{\"errorDetail\":{\"code\":3,\"message\":\"The command '/bin/sh -c exit 3' returned a non-zero code: 3\"},\"error\":\"x\"}\n",
            "{\"stream\":\"never\"}\n",
        ));
        assert_eq!(got.len(), 5);
        assert!(matches!(&got[0], Ok(BuildEvent::Stream(s)) if s == "Step 1/2 : FROM bb:latest"));
        assert!(matches!(&got[1], Ok(BuildEvent::Status(m)) if m.id == "latest"));
        assert!(matches!(&got[2], Ok(BuildEvent::Built(b)) if b.id == "sha256:708a"));
        assert!(matches!(&got[3], Ok(BuildEvent::Aux(a)) if a == "Cm8K"));
        match &got[4] {
            Err(Error::Build { message, code }) => {
                assert!(message.contains("returned a non-zero code: 3"));
                assert_eq!(*code, 3);
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_buildkit_only_feature_is_its_own_error() {
        let got = events("{\"errorDetail\":{\"message\":\"the --mount option requires BuildKit. Refer to https://docs.docker.com/go/buildkit/\"}}\n");
        assert!(
            matches!(&got[0], Err(Error::BuildKitRequired { message }) if message.contains("--mount"))
        );
    }

    #[test]
    fn options_become_the_query_the_docker_cli_sends() {
        let opts = BuildOptions::default()
            .tag("a:1")
            .tag("a:2")
            .build_arg("X", "1")
            .label("k", "v")
            .no_cache(true)
            .extra_host("h:1.2.3.4")
            .cache_from("a:0");
        let q = opts.query().unwrap();
        assert_eq!(
            q.as_str(),
            "?t=a%3A1&t=a%3A2&buildargs=%7B%22X%22%3A%221%22%7D&labels=%7B%22k%22%3A%22v%22%7D\
             &nocache=1&extrahosts=h%3A1.2.3.4&cachefrom=%5B%22a%3A0%22%5D"
        );
        let prune = PruneBuildCacheOptions::default().reserved_space(5).query();
        assert_eq!(prune.as_str(), "?keep-storage=5&reserved-space=5");
        assert!(BuildOptions::default().tag("a\nb").query().is_err());
    }
}
