//! Images: list, inspect, history, tag, remove, prune, pull, push, import, load, save (all
//! or one), search, attestations and commit, with their options and the progress stream;
//! and distribution inspect, which asks the registry about an image.

use std::time::Duration;

use docker_models::{
    AttestationStatement, AuthConfig, ContainerConfig, DistributionInspect, IdResponse,
    ImageDeleteResponseItem, ImageHistoryItem, ImageInspect, ImagePruneResponse, ImageSearchResult,
    ImageSummary, OciPlatform, ProgressMessage,
};

use crate::auth;
use crate::call::Call;
use crate::client::CallOf;
use crate::options::Filters;
use crate::path::{self, Kind, Query};
use crate::stream::{Decoder, Items, JsonLines};
use crate::{Client, Error, Flavour, PruneFilters, Result, Upload};

/// Options of `list_images` (`GET /images/json`).
///
/// ```
/// let opts = docker_client::ListImagesOptions::default()
///     .all(true)
///     .filter("reference", "bb:*")
///     .filter("dangling", "false");
/// # let _ = opts;
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ListImagesOptions {
    all: bool,
    digests: bool,
    filters: Filters,
}

impl ListImagesOptions {
    /// Lists intermediate images too (the default hides them).
    ///
    /// ```
    /// use docker_client::ListImagesOptions;
    /// let opts = ListImagesOptions::default().all(true);
    /// # let _ = opts;
    /// ```
    pub fn all(self, all: bool) -> Self {
        ListImagesOptions { all, ..self }
    }

    /// Fills `RepoDigests`.
    ///
    /// ```
    /// use docker_client::ListImagesOptions;
    /// let opts = ListImagesOptions::default().digests(true);
    /// # let _ = opts;
    /// ```
    pub fn digests(self, digests: bool) -> Self {
        ListImagesOptions { digests, ..self }
    }

    /// Adds a filter such as `("reference", "bb:*")`, `("dangling", "true")`,
    /// `("label", "k=v")`, `("before", "bb:latest")`. Several values of one key are ORed.
    ///
    /// ```no_run
    /// # let client = docker_client::blocking::Client::from_env()?;
    /// use docker_client::ListImagesOptions;
    /// let dangling = ListImagesOptions::default().filter("dangling", "true");
    /// for image in client.list_images(&dangling)? {
    ///     println!("{} {} bytes", image.id, image.size);
    /// }
    /// # Ok::<(), docker_client::Error>(())
    /// ```
    pub fn filter(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {
        self.filters.add(key, value);
        self
    }

    fn query(&self) -> Query {
        let mut q = Query::default();
        q.flag("all", self.all).flag("digests", self.digests);
        self.filters.push_to(&mut q);
        q
    }
}

/// Options of `remove_image` (`DELETE /images/{name}`).
///
/// ```
/// let opts = docker_client::RemoveImageOptions::default().force(true);
/// # let _ = opts;
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RemoveImageOptions {
    force: bool,
    no_prune: bool,
}

impl RemoveImageOptions {
    /// Removes the image even when containers use it or other tags point to it.
    ///
    /// ```
    /// use docker_client::RemoveImageOptions;
    /// let opts = RemoveImageOptions::default().force(true);
    /// # let _ = opts;
    /// ```
    pub fn force(self, force: bool) -> Self {
        RemoveImageOptions { force, ..self }
    }

    /// Keeps untagged parent images.
    ///
    /// ```
    /// use docker_client::RemoveImageOptions;
    /// let opts = RemoveImageOptions::default().no_prune(true);
    /// # let _ = opts;
    /// ```
    pub fn no_prune(self, no_prune: bool) -> Self {
        RemoveImageOptions { no_prune, ..self }
    }
}

/// Options of `pull_image` (`POST /images/create?fromImage=`).
///
/// `Debug` never prints the credentials.
///
/// ```
/// use docker_client::models::AuthConfig;
/// let opts = docker_client::PullImageOptions::default()
///     .platform("linux/arm64")
///     .auth(AuthConfig {
///         username: "me".into(),
///         password: "s3cret".into(),
///         ..Default::default()
///     });
/// assert!(!format!("{opts:?}").contains("s3cret"));
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PullImageOptions {
    platform: Option<String>,
    all_tags: bool,
    auth: Option<AuthConfig>,
}

impl PullImageOptions {
    /// Pulls the image for this platform (`os[/arch[/variant]]`) instead of the engine's.
    ///
    /// ```
    /// use docker_client::PullImageOptions;
    /// let opts = PullImageOptions::default().platform("linux/arm64/v8");
    /// # let _ = opts;
    /// ```
    pub fn platform(self, platform: impl Into<String>) -> Self {
        PullImageOptions {
            platform: Some(platform.into()),
            ..self
        }
    }

    /// Pulls every tag of a reference given without a tag. Without it, a reference
    /// without a tag or digest means `:latest`, as for `docker pull`.
    ///
    /// ```
    /// use docker_client::PullImageOptions;
    /// let opts = PullImageOptions::default().all_tags(true);
    /// # let _ = opts;
    /// ```
    pub fn all_tags(self, all_tags: bool) -> Self {
        PullImageOptions { all_tags, ..self }
    }

    /// Sends these credentials (`X-Registry-Auth`). Without them no header is sent.
    ///
    /// ```no_run
    /// # let client = docker_client::blocking::Client::from_env()?;
    /// use docker_client::PullImageOptions;
    /// let config = docker_client::DockerConfig::load()?;
    /// let mut opts = PullImageOptions::default();
    /// if let Some(auth) = config.credentials_for_image("ghcr.io/team/app:1.2")? {
    ///     opts = opts.auth(auth);
    /// }
    /// client.pull_image("ghcr.io/team/app:1.2", &opts)?.wait()?;
    /// # Ok::<(), docker_client::Error>(())
    /// ```
    pub fn auth(self, auth: AuthConfig) -> Self {
        PullImageOptions {
            auth: Some(auth),
            ..self
        }
    }
}

/// Options of `push_image` (`POST /images/{name}/push`).
///
/// `Debug` never prints the credentials.
///
/// ```
/// use docker_client::models::AuthConfig;
/// let opts = docker_client::PushImageOptions::default().auth(AuthConfig {
///     username: "me".into(),
///     password: "s3cret".into(),
///     serveraddress: "127.0.0.1:5000".into(),
///     ..Default::default()
/// });
/// assert!(!format!("{opts:?}").contains("s3cret"));
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PushImageOptions {
    all_tags: bool,
    auth: Option<AuthConfig>,
}

impl PushImageOptions {
    /// Pushes every local tag of a reference given without a tag. Without it, a
    /// reference without a tag means `:latest`.
    ///
    /// ```
    /// use docker_client::PushImageOptions;
    /// let opts = PushImageOptions::default().all_tags(true);
    /// # let _ = opts;
    /// ```
    pub fn all_tags(self, all_tags: bool) -> Self {
        PushImageOptions { all_tags, ..self }
    }

    /// Sends these credentials (`X-Registry-Auth`). Without them the encoded empty
    /// object `{}` is sent, as the Docker CLI does.
    ///
    /// ```no_run
    /// # let client = docker_client::blocking::Client::from_env()?;
    /// use docker_client::PushImageOptions;
    /// use docker_client::models::AuthConfig;
    /// let auth = AuthConfig { username: "me".into(), password: "s3cret".into(), ..Default::default() };
    /// client.push_image("127.0.0.1:5000/team/app:1.2", &PushImageOptions::default().auth(auth))?.wait()?;
    /// # Ok::<(), docker_client::Error>(())
    /// ```
    pub fn auth(self, auth: AuthConfig) -> Self {
        PushImageOptions {
            auth: Some(auth),
            ..self
        }
    }
}

/// Options of `import_image` (`POST /images/create?fromSrc=-`).
///
/// ```
/// let opts = docker_client::ImportImageOptions::default()
///     .reference("rootfs:1.0")
///     .message("imported from a tarball")
///     .change(r#"CMD ["sh"]"#);
/// # let _ = opts;
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ImportImageOptions {
    reference: Option<String>,
    message: Option<String>,
    changes: Vec<String>,
    platform: Option<String>,
}

impl ImportImageOptions {
    /// Tags the new image `name[:tag]`. Without it the image is untagged.
    ///
    /// ```
    /// use docker_client::ImportImageOptions;
    /// let opts = ImportImageOptions::default().reference("rootfs:1.0");
    /// # let _ = opts;
    /// ```
    pub fn reference(self, reference: impl Into<String>) -> Self {
        ImportImageOptions {
            reference: Some(reference.into()),
            ..self
        }
    }

    /// The commit message of the image.
    ///
    /// ```
    /// use docker_client::ImportImageOptions;
    /// let opts = ImportImageOptions::default().message("imported from rootfs.tar");
    /// # let _ = opts;
    /// ```
    pub fn message(self, message: impl Into<String>) -> Self {
        ImportImageOptions {
            message: Some(message.into()),
            ..self
        }
    }

    /// A Dockerfile instruction applied to the image (`CMD`, `ENTRYPOINT`, `ENV`,
    /// `EXPOSE`, `LABEL`, `USER`, `VOLUME`, `WORKDIR`); repeatable.
    ///
    /// ```
    /// use docker_client::ImportImageOptions;
    /// let opts = ImportImageOptions::default()
    ///     .change("ENV LANG=C.UTF-8")
    ///     .change(r#"ENTRYPOINT ["/bin/sh"]"#);
    /// # let _ = opts;
    /// ```
    pub fn change(mut self, instruction: impl Into<String>) -> Self {
        self.changes.push(instruction.into());
        self
    }

    /// The platform of the image (`os[/arch]`).
    ///
    /// ```
    /// use docker_client::ImportImageOptions;
    /// let opts = ImportImageOptions::default().platform("linux/amd64");
    /// # let _ = opts;
    /// ```
    pub fn platform(self, platform: impl Into<String>) -> Self {
        ImportImageOptions {
            platform: Some(platform.into()),
            ..self
        }
    }
}

/// Options of `load_images` (`POST /images/load`).
///
/// ```
/// let opts = docker_client::LoadImagesOptions::default().quiet(true);
/// # let _ = opts;
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct LoadImagesOptions {
    quiet: bool,
}

impl LoadImagesOptions {
    /// The engine sends only the `Loaded image: ...` lines (in `stream`), no progress.
    ///
    /// ```no_run
    /// # let client = docker_client::blocking::Client::from_env()?;
    /// use docker_client::LoadImagesOptions;
    /// let tar = std::fs::File::open("images.tar")?;
    /// for message in client.load_images(tar, LoadImagesOptions::default().quiet(true))?.finish()? {
    ///     print!("{}", message.stream);
    /// }
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn quiet(self, quiet: bool) -> Self {
        LoadImagesOptions { quiet }
    }
}

/// Options of `commit_container` (`POST /commit`).
///
/// The container is paused while it is committed, unless [`pause`](Self::pause) says not
/// to, as `docker commit` does.
///
/// ```
/// let opts = docker_client::CommitOptions::default()
///     .reference("team/app:snapshot")
///     .comment("before the upgrade")
///     .author("ops <ops@example.com>")
///     .change("ENV MODE=debug");
/// # let _ = opts;
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct CommitOptions {
    reference: Option<String>,
    comment: Option<String>,
    author: Option<String>,
    pause: bool,
    changes: Vec<String>,
    config: Option<ContainerConfig>,
}

impl Default for CommitOptions {
    fn default() -> CommitOptions {
        CommitOptions {
            reference: None,
            comment: None,
            author: None,
            pause: true,
            changes: Vec::new(),
            config: None,
        }
    }
}

impl CommitOptions {
    /// Tags the new image `name[:tag]` (the tag `latest` when absent). Without it the image
    /// is untagged.
    ///
    /// ```
    /// use docker_client::CommitOptions;
    /// let opts = CommitOptions::default().reference("team/app:snapshot");
    /// # let _ = opts;
    /// ```
    pub fn reference(self, reference: impl Into<String>) -> Self {
        CommitOptions {
            reference: Some(reference.into()),
            ..self
        }
    }

    /// The commit message.
    ///
    /// ```
    /// use docker_client::CommitOptions;
    /// let opts = CommitOptions::default().comment("with the debug tools installed");
    /// # let _ = opts;
    /// ```
    pub fn comment(self, comment: impl Into<String>) -> Self {
        CommitOptions {
            comment: Some(comment.into()),
            ..self
        }
    }

    /// The author, such as `Name <email>`.
    ///
    /// ```
    /// use docker_client::CommitOptions;
    /// let opts = CommitOptions::default().author("Ops <ops@example.com>");
    /// # let _ = opts;
    /// ```
    pub fn author(self, author: impl Into<String>) -> Self {
        CommitOptions {
            author: Some(author.into()),
            ..self
        }
    }

    /// Pauses the container while it is committed (default true).
    ///
    /// ```
    /// use docker_client::CommitOptions;
    /// let live = CommitOptions::default().pause(false);
    /// assert_eq!(CommitOptions::default().pause(true), CommitOptions::default());
    /// # let _ = live;
    /// ```
    pub fn pause(self, pause: bool) -> Self {
        CommitOptions { pause, ..self }
    }

    /// A Dockerfile instruction applied to the image (`CMD`, `ENTRYPOINT`, `ENV`,
    /// `EXPOSE`, `LABEL`, `USER`, `VOLUME`, `WORKDIR`); repeatable.
    ///
    /// ```
    /// use docker_client::CommitOptions;
    /// let opts = CommitOptions::default().change("EXPOSE 8080").change(r#"CMD ["serve"]"#);
    /// # let _ = opts;
    /// ```
    pub fn change(mut self, instruction: impl Into<String>) -> Self {
        self.changes.push(instruction.into());
        self
    }

    /// The image's configuration, instead of the container's.
    ///
    /// ```
    /// use docker_client::CommitOptions;
    /// use docker_client::models::ContainerConfig;
    /// let config = ContainerConfig { cmd: vec!["serve".into()], ..Default::default() };
    /// let opts = CommitOptions::default().config(config);
    /// # let _ = opts;
    /// ```
    pub fn config(self, config: ContainerConfig) -> Self {
        CommitOptions {
            config: Some(config),
            ..self
        }
    }
}

/// Splits `name[:tag]` or `name@digest` into the name and the tag or digest. A `:` before
/// the last `/` belongs to a registry port.
pub(crate) fn split_reference(reference: &str) -> (&str, Option<&str>) {
    if let Some((name, digest)) = reference.split_once('@') {
        return (name, Some(digest));
    }
    let start = reference.rfind('/').map_or(0, |i| i + 1);
    match reference[start..].rfind(':') {
        Some(i) => (&reference[..start + i], Some(&reference[start + i + 1..])),
        None => (reference, None),
    }
}

fn reference_arg<'a>(what: &'static str, reference: &'a str) -> Result<(&'a str, Option<&'a str>)> {
    let reference = path::plain_text(what, reference)?;
    let (name, tag) = split_reference(reference);
    if name.is_empty() || tag == Some("") || reference.contains(char::is_whitespace) {
        return Err(Error::InvalidArgument {
            what,
            reason: format!("{reference:?} is not name[:tag] or name@digest"),
        });
    }
    Ok((name, tag))
}

/// Options of `search_images` (`GET /images/search`).
///
/// ```
/// let opts = docker_client::SearchImagesOptions::default()
///     .limit(10)
///     .filter("is-official", "true")
///     .filter("stars", "100");
/// # let _ = opts;
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SearchImagesOptions {
    limit: Option<u32>,
    filters: Filters,
    auth: Option<AuthConfig>,
}

impl SearchImagesOptions {
    /// The most results to return (the registry's default is 25).
    ///
    /// ```
    /// let opts = docker_client::SearchImagesOptions::default().limit(5);
    /// # let _ = opts;
    /// ```
    pub fn limit(self, limit: u32) -> Self {
        SearchImagesOptions {
            limit: Some(limit),
            ..self
        }
    }

    /// Adds a filter: `is-official` (`true`/`false`) or `stars` (at least that many).
    ///
    /// ```
    /// let opts = docker_client::SearchImagesOptions::default().filter("is-official", "true");
    /// # let _ = opts;
    /// ```
    pub fn filter(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {
        self.filters.add(key, value);
        self
    }

    /// Credentials for the index searched (`X-Registry-Auth`).
    ///
    /// ```
    /// use docker_client::models::AuthConfig;
    /// let auth = AuthConfig { username: "me".into(), password: "s3cret".into(), ..Default::default() };
    /// let opts = docker_client::SearchImagesOptions::default().auth(auth);
    /// # let _ = opts;
    /// ```
    pub fn auth(self, auth: AuthConfig) -> Self {
        SearchImagesOptions {
            auth: Some(auth),
            ..self
        }
    }
}

/// Options of `inspect_distribution` (`GET /distribution/{name}/json`).
///
/// `Debug` never prints the credentials.
///
/// ```
/// use docker_client::models::AuthConfig;
/// let opts = docker_client::InspectDistributionOptions::default().auth(AuthConfig {
///     username: "me".into(),
///     password: "s3cret".into(),
///     ..Default::default()
/// });
/// assert!(!format!("{opts:?}").contains("s3cret"));
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct InspectDistributionOptions {
    auth: Option<AuthConfig>,
}

impl InspectDistributionOptions {
    /// Credentials for the registry (`X-Registry-Auth`).
    ///
    /// ```no_run
    /// # let client = docker_client::blocking::Client::from_env()?;
    /// use docker_client::{DockerConfig, InspectDistributionOptions};
    /// let image = "registry.example.com/team/app:1.0";
    /// let mut opts = InspectDistributionOptions::default();
    /// if let Some(auth) = DockerConfig::load()?.credentials_for_image(image)? {
    ///     opts = opts.auth(auth);
    /// }
    /// println!("{}", client.inspect_distribution(image, &opts)?.descriptor.digest);
    /// # Ok::<(), docker_client::Error>(())
    /// ```
    pub fn auth(self, auth: AuthConfig) -> Self {
        InspectDistributionOptions { auth: Some(auth) }
    }
}

/// Options of `attestations_image` (`GET /images/{name}/attestations`, API 1.55 and
/// later).
///
/// ```
/// use docker_client::models::OciPlatform;
/// let opts = docker_client::AttestationsOptions::default()
///     .platform(OciPlatform { os: "linux".into(), architecture: "arm64".into(), ..Default::default() })
///     .predicate_type("https://slsa.dev/provenance/v0.2")
///     .statement(true);
/// # let _ = opts;
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AttestationsOptions {
    platform: Option<OciPlatform>,
    types: Vec<String>,
    statement: bool,
}

impl AttestationsOptions {
    /// The image variant whose attestations to return (default: the engine's platform).
    ///
    /// ```
    /// use docker_client::models::OciPlatform;
    /// let amd64 = OciPlatform { os: "linux".into(), architecture: "amd64".into(), ..Default::default() };
    /// let opts = docker_client::AttestationsOptions::default().platform(amd64);
    /// # let _ = opts;
    /// ```
    pub fn platform(self, platform: OciPlatform) -> Self {
        AttestationsOptions {
            platform: Some(platform),
            ..self
        }
    }

    /// Returns only statements of this in-toto predicate type; repeatable (any of them).
    ///
    /// ```
    /// let opts = docker_client::AttestationsOptions::default().predicate_type("https://spdx.dev/Document");
    /// # let _ = opts;
    /// ```
    pub fn predicate_type(mut self, uri: impl Into<String>) -> Self {
        self.types.push(uri.into());
        self
    }

    /// Includes each statement's body (`Statement`); without it only the descriptors and
    /// predicate types come, and the engine reads no statement blob.
    ///
    /// ```
    /// let opts = docker_client::AttestationsOptions::default().statement(true);
    /// # let _ = opts;
    /// ```
    pub fn statement(self, statement: bool) -> Self {
        AttestationsOptions { statement, ..self }
    }
}

impl<F: Flavour> Client<F> {
    /// `GET /images/json`: the local images.
    ///
    /// ```no_run
    /// # let client = docker_client::blocking::Client::from_env()?;
    /// let opts = docker_client::ListImagesOptions::default().filter("reference", "bb");
    /// for image in client.list_images(&opts)? {
    ///     println!("{} {:?} {} bytes", image.id, image.repo_tags, image.size);
    /// }
    /// # Ok::<(), docker_client::Error>(())
    /// ```
    pub fn list_images(&self, options: &ListImagesOptions) -> F::Out<'_, Vec<ImageSummary>> {
        let call = Call::get("/images/json").query(options.query());
        self.run(async move {
            let images: Option<Vec<ImageSummary>> = self.json(Ok(call)).await?;
            Ok(images.unwrap_or_default())
        })
    }

    /// `GET /images/{name}/json`. `name` is an ID or a reference such as `bb:latest`.
    ///
    /// ```no_run
    /// # let client = docker_client::blocking::Client::from_env()?;
    /// let image = client.inspect_image("bb:latest")?;
    /// println!("{} {} bytes", image.id, image.size);
    /// # Ok::<(), docker_client::Error>(())
    /// ```
    pub fn inspect_image(&self, name: &str) -> F::Out<'_, ImageInspect> {
        let call = image_path(name, "/json").map(Call::get);
        self.run(self.json(call))
    }

    /// `GET /images/{name}/history`: the image's layers, newest first.
    ///
    /// ```no_run
    /// # let client = docker_client::blocking::Client::from_env()?;
    /// for layer in client.history_image("bb:latest")? {
    ///     println!("{} {}", layer.size, layer.created_by);
    /// }
    /// # Ok::<(), docker_client::Error>(())
    /// ```
    pub fn history_image(&self, name: &str) -> F::Out<'_, Vec<ImageHistoryItem>> {
        let call = image_path(name, "/history").map(Call::get);
        self.run(async move {
            let items: Option<Vec<ImageHistoryItem>> = self.json(call).await?;
            Ok(items.unwrap_or_default())
        })
    }

    /// `POST /images/{name}/tag?repo=&tag=`: tags `name` as `target` (`repo[:tag]`, the tag
    /// `latest` when absent).
    ///
    /// ```no_run
    /// # let client = docker_client::blocking::Client::from_env()?;
    /// client.tag_image("bb:latest", "127.0.0.1:5000/team/bb:1.0")?;
    /// # Ok::<(), docker_client::Error>(())
    /// ```
    pub fn tag_image(&self, name: &str, target: &str) -> F::Out<'_, ()> {
        let call = || {
            let (repo, tag) = reference_arg("target reference", target)?;
            if target.contains('@') {
                return Err(Error::InvalidArgument {
                    what: "target reference",
                    reason: format!("{target:?} is a digest; a tag is name[:tag]"),
                });
            }
            let mut q = Query::default();
            q.push("repo", repo).push("tag", tag.unwrap_or("latest"));
            Ok(Call::post(image_path(name, "/tag")?).query(q))
        };
        self.run(self.empty(call()))
    }

    /// `DELETE /images/{name}?force=&noprune=`: removes a tag, and the image when no tag is
    /// left. Returns what was untagged and deleted.
    ///
    /// ```no_run
    /// # let client = docker_client::blocking::Client::from_env()?;
    /// use docker_client::RemoveImageOptions;
    /// for item in client.remove_image("bb:old", RemoveImageOptions::default())? {
    ///     println!("untagged {} deleted {}", item.untagged, item.deleted);
    /// }
    /// # Ok::<(), docker_client::Error>(())
    /// ```
    pub fn remove_image(
        &self,
        name: &str,
        options: RemoveImageOptions,
    ) -> F::Out<'_, Vec<ImageDeleteResponseItem>> {
        let call = image_path(name, "").map(|p| {
            let mut q = Query::default();
            q.flag("force", options.force)
                .flag("noprune", options.no_prune);
            Call::delete(p).query(q)
        });
        self.run(async move {
            let items: Option<Vec<ImageDeleteResponseItem>> = self.json(call).await?;
            Ok(items.unwrap_or_default())
        })
    }

    /// `POST /images/prune`: removes dangling images, or every unused image with the
    /// filter `("dangling", "false")`.
    ///
    /// ```no_run
    /// # let client = docker_client::blocking::Client::from_env()?;
    /// use docker_client::PruneFilters;
    /// let pruned = client.prune_images(&PruneFilters::default().filter("dangling", "false"))?;
    /// println!("{} bytes reclaimed", pruned.space_reclaimed);
    /// # Ok::<(), docker_client::Error>(())
    /// ```
    pub fn prune_images(&self, filters: &PruneFilters) -> F::Out<'_, ImagePruneResponse> {
        let call = Call::post("/images/prune").query(filters.query());
        self.run(self.json(Ok(call)))
    }

    /// `POST /images/create?fromImage=&tag=`: pulls `reference` (`name[:tag]` or
    /// `name@digest`; no tag means `latest`) and returns the progress as it arrives.
    ///
    /// An error reported inside the stream (a missing tag, refused credentials) is an
    /// `Err(Error::Stream)` item, and the stream ends there.
    /// [`Items::wait`](crate::Items::wait) drains it.
    ///
    /// ```no_run
    /// # let client = docker_client::blocking::Client::from_env()?;
    /// use docker_client::{DockerConfig, PullImageOptions};
    ///
    /// // Just wait for the end:
    /// client.pull_image("alpine:3.20", &PullImageOptions::default())?.wait()?;
    ///
    /// // Or follow the layers:
    /// let image = "registry.example.com/team/app:1.0";
    /// let mut opts = PullImageOptions::default();
    /// if let Some(auth) = DockerConfig::load()?.credentials_for_image(image)? {
    ///     opts = opts.auth(auth);
    /// }
    /// for message in client.pull_image(image, &opts)? {
    ///     let message = message?;
    ///     if let Some(p) = &message.progress_detail {
    ///         println!("{} {} {}/{}", message.id, message.status, p.current, p.total);
    ///     }
    /// }
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn pull_image(
        &self,
        reference: &str,
        options: &PullImageOptions,
    ) -> F::Out<'_, Items<F, ProgressMessage>> {
        let call = || {
            let (name, tag) = reference_arg("image reference", reference)?;
            let mut q = Query::default();
            q.push("fromImage", name);
            match (tag, options.all_tags) {
                (Some(tag), _) => q.push("tag", tag),
                (None, false) => q.push("tag", "latest"),
                (None, true) => &mut q,
            };
            if let Some(p) = &options.platform {
                q.push("platform", path::plain_text("platform", p)?);
            }
            let call = Call::post("/images/create").query(q).streaming();
            Ok(match auth::for_pull(options.auth.as_ref()) {
                Some(header) => call.header(auth::HEADER, header.into_value()),
                None => call,
            })
        };
        self.run(self.items(call(), ProgressLines::new))
    }

    /// `POST /images/{name}/push?tag=`: pushes `reference` (no tag means `latest`) and
    /// returns the progress. The last messages carry the pushed digest in `aux`.
    ///
    /// ```no_run
    /// # let client = docker_client::blocking::Client::from_env()?;
    /// use docker_client::models::AuthConfig;
    /// use docker_client::PushImageOptions;
    ///
    /// let auth = AuthConfig {
    ///     username: "me".into(),
    ///     password: "s3cret".into(),
    ///     serveraddress: "127.0.0.1:5000".into(),
    ///     ..Default::default()
    /// };
    /// client.tag_image("bb:latest", "127.0.0.1:5000/team/bb:1.0")?;
    /// client
    ///     .push_image("127.0.0.1:5000/team/bb:1.0", &PushImageOptions::default().auth(auth))?
    ///     .wait()?;
    /// # Ok::<(), docker_client::Error>(())
    /// ```
    pub fn push_image(
        &self,
        reference: &str,
        options: &PushImageOptions,
    ) -> F::Out<'_, Items<F, ProgressMessage>> {
        let call = || {
            let (name, tag) = reference_arg("image reference", reference)?;
            if reference.contains('@') {
                return Err(Error::InvalidArgument {
                    what: "image reference",
                    reason: format!("{reference:?} is a digest; push a tag"),
                });
            }
            let mut q = Query::default();
            match (tag, options.all_tags) {
                (Some(tag), _) => q.push("tag", tag),
                (None, false) => q.push("tag", "latest"),
                (None, true) => &mut q,
            };
            let header = auth::for_push(options.auth.as_ref());
            Ok(Call::post(image_path(name, "/push")?)
                .query(q)
                .streaming()
                .header(auth::HEADER, header.into_value()))
        };
        self.run(self.items(call(), ProgressLines::new))
    }

    /// `POST /images/create?fromSrc=-`: makes an image from a root filesystem tarball,
    /// streamed (chunked) from `tar`. The last message's `status` is the new image's ID.
    ///
    /// ```no_run
    /// # let client = docker_client::blocking::Client::from_env()?;
    /// let tar = std::fs::File::open("rootfs.tar")?;
    /// let opts = docker_client::ImportImageOptions::default().reference("rootfs:1.0");
    /// let messages = client.import_image(tar, &opts)?.finish()?;
    /// println!("imported {}", messages.last().map_or("", |m| m.status.as_str()));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn import_image(
        &self,
        tar: impl Upload<F>,
        options: &ImportImageOptions,
    ) -> F::Out<'_, Items<F, ProgressMessage>> {
        let call = || {
            let mut q = Query::default();
            q.push("fromSrc", "-");
            if let Some(r) = &options.reference {
                let (repo, tag) = reference_arg("image reference", r)?;
                q.push("repo", repo);
                q.push_opt("tag", tag);
            }
            if let Some(m) = &options.message {
                q.push("message", m);
            }
            for c in &options.changes {
                q.push("changes", path::plain_text("change", c)?);
            }
            if let Some(p) = &options.platform {
                q.push("platform", path::plain_text("platform", p)?);
            }
            Ok(tar_upload(Call::post("/images/create").query(q), tar))
        };
        self.run(self.items(call(), ProgressLines::new))
    }

    /// `POST /images/load`: loads images from a `docker save` tarball, streamed (chunked)
    /// from `tar`. With [`quiet`](LoadImagesOptions::quiet) the engine sends only the
    /// `Loaded image: ...` lines (in `stream`); without it, progress too.
    ///
    /// ```no_run
    /// # let client = docker_client::blocking::Client::from_env()?;
    /// use docker_client::LoadImagesOptions;
    /// let tar = std::fs::File::open("bb.tar")?;
    /// for message in client.load_images(tar, LoadImagesOptions::default().quiet(true))? {
    ///     print!("{}", message?.stream);
    /// }
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn load_images(
        &self,
        tar: impl Upload<F>,
        options: LoadImagesOptions,
    ) -> F::Out<'_, Items<F, ProgressMessage>> {
        let mut q = Query::default();
        q.push("quiet", if options.quiet { "1" } else { "0" });
        let call = tar_upload(Call::post("/images/load").query(q), tar);
        self.run(self.items(Ok(call), ProgressLines::new))
    }

    /// `GET /images/get?names=`: the images, with their tags, as one `docker save`
    /// tarball, streamed.
    ///
    /// ```no_run
    /// # let client = docker_client::blocking::Client::from_env()?;
    /// let mut tar = client.save_images(&["bb:latest"])?;
    /// let mut file = std::fs::File::create("bb.tar")?;
    /// std::io::copy(&mut tar, &mut file)?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn save_images(&self, names: &[&str]) -> F::Out<'_, F::Reader> {
        let call = || {
            if names.is_empty() {
                return Err(Error::InvalidArgument {
                    what: "image names",
                    reason: "the list is empty".into(),
                });
            }
            let mut q = Query::default();
            for n in names {
                if n.is_empty() {
                    return Err(Error::InvalidArgument {
                        what: "image name",
                        reason: "is empty".into(),
                    });
                }
                q.push("names", path::plain_text("image name", n)?);
            }
            Ok(Call::get("/images/get").query(q).streaming())
        };
        self.run(self.reader(call()))
    }

    /// `GET /images/{name}/get`: one image, with its tags, as a `docker save` tarball,
    /// streamed.
    ///
    /// ```no_run
    /// # let client = docker_client::blocking::Client::from_env()?;
    /// let mut tar = client.save_image("bb:latest")?;
    /// let mut file = std::fs::File::create("bb.tar")?;
    /// std::io::copy(&mut tar, &mut file)?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn save_image(&self, name: &str) -> F::Out<'_, F::Reader> {
        let call = image_path(name, "/get").map(|p| Call::get(p).streaming());
        self.run(self.reader(call))
    }

    /// `GET /images/search?term=`: searches the registry index (Docker Hub, unless `term`
    /// names another index, `registry.example.com/app`).
    ///
    /// ```no_run
    /// # let client = docker_client::blocking::Client::from_env()?;
    /// use docker_client::SearchImagesOptions;
    /// let opts = SearchImagesOptions::default().limit(5).filter("is-official", "true");
    /// for found in client.search_images("busybox", &opts)? {
    ///     println!("{} ({} stars): {}", found.name, found.star_count, found.description);
    /// }
    /// # Ok::<(), docker_client::Error>(())
    /// ```
    pub fn search_images(
        &self,
        term: &str,
        options: &SearchImagesOptions,
    ) -> F::Out<'_, Vec<ImageSearchResult>> {
        let call = || {
            if term.trim().is_empty() {
                return Err(Error::InvalidArgument {
                    what: "search term",
                    reason: "is empty".into(),
                });
            }
            let mut q = Query::default();
            q.push("term", path::plain_text("search term", term)?);
            q.push_opt("limit", options.limit);
            options.filters.push_to(&mut q);
            let call = Call::get("/images/search").query(q);
            Ok(match auth::for_pull(options.auth.as_ref()) {
                Some(header) => call.header(auth::HEADER, header.into_value()),
                None => call,
            })
        };
        let call = call();
        self.run(async move {
            let found: Option<Vec<ImageSearchResult>> = self.json(call).await?;
            Ok(found.unwrap_or_default())
        })
    }

    /// `GET /distribution/{name}/json`: asks the image's registry for its manifest's
    /// descriptor and platforms, without pulling it.
    ///
    /// ```no_run
    /// # let client = docker_client::blocking::Client::from_env()?;
    /// use docker_client::InspectDistributionOptions;
    /// let d = client.inspect_distribution("127.0.0.1:5000/team/app:1.0", &InspectDistributionOptions::default())?;
    /// println!("{} ({} bytes)", d.descriptor.digest, d.descriptor.size);
    /// # Ok::<(), docker_client::Error>(())
    /// ```
    pub fn inspect_distribution(
        &self,
        reference: &str,
        options: &InspectDistributionOptions,
    ) -> F::Out<'_, DistributionInspect> {
        let call = || {
            reference_arg("image reference", reference)?;
            let p = format!(
                "/distribution/{}/json",
                path::segment(Kind::Image, reference)?
            );
            let call = Call::get(p);
            Ok(match auth::for_pull(options.auth.as_ref()) {
                Some(header) => call.header(auth::HEADER, header.into_value()),
                None => call,
            })
        };
        self.run(self.json(call()))
    }

    /// `GET /images/{name}/attestations` (API 1.55 and later): the in-toto statements
    /// attached to the image, for one platform. An engine without an image store that keeps
    /// OCI indexes answers 501 ([`Error::Api`]).
    ///
    /// ```no_run
    /// # let client = docker_client::blocking::Client::from_env()?;
    /// use docker_client::AttestationsOptions;
    /// let opts = AttestationsOptions::default().predicate_type("https://slsa.dev/provenance/v0.2");
    /// for a in client.attestations_image("app:1.0", &opts)? {
    ///     println!("{} {}", a.predicate_type, a.descriptor.digest);
    /// }
    /// # Ok::<(), docker_client::Error>(())
    /// ```
    pub fn attestations_image(
        &self,
        name: &str,
        options: &AttestationsOptions,
    ) -> F::Out<'_, Vec<AttestationStatement>> {
        let call = || {
            let mut q = Query::default();
            if let Some(p) = &options.platform {
                let json = serde_json::to_string(p).expect("a platform always serializes");
                q.push("platform", &json);
            }
            for t in &options.types {
                q.push("type", path::plain_text("predicate type", t)?);
            }
            q.flag("statement", options.statement);
            Ok(Call::get(image_path(name, "/attestations")?).query(q))
        };
        let call = call();
        self.run(async move {
            let found: Option<Vec<AttestationStatement>> = self.json(call).await?;
            Ok(found.unwrap_or_default())
        })
    }

    /// `POST /commit?container=`: makes an image of a container's filesystem and settings,
    /// and returns the new image's ID.
    ///
    /// ```no_run
    /// # let client = docker_client::blocking::Client::from_env()?;
    /// use docker_client::CommitOptions;
    /// let opts = CommitOptions::default().reference("team/app:snapshot").comment("before");
    /// let image = client.commit_container("web", &opts)?;
    /// println!("committed {}", image.id);
    /// # Ok::<(), docker_client::Error>(())
    /// ```
    pub fn commit_container(
        &self,
        container: &str,
        options: &CommitOptions,
    ) -> F::Out<'_, IdResponse> {
        let call = || {
            let id = path::plain_text("container ID or name", container)?;
            let id = id.strip_prefix('/').unwrap_or(id);
            if id.is_empty() {
                return Err(Error::InvalidArgument {
                    what: "container ID or name",
                    reason: format!("{container:?} is empty"),
                });
            }
            let mut q = Query::default();
            q.push("container", id);
            if let Some(r) = &options.reference {
                let (repo, tag) = reference_arg("image reference", r)?;
                q.push("repo", repo).push("tag", tag.unwrap_or("latest"));
            }
            q.push_opt("comment", options.comment.as_deref())
                .push_opt("author", options.author.as_deref());
            if !options.pause {
                q.push("pause", "0");
            }
            for c in &options.changes {
                q.push("changes", path::plain_text("change", c)?);
            }
            // Without a configuration the body is `null`, as the Docker CLI sends it: Podman
            // refuses an empty one.
            Call::post("/commit")
                .query(q)
                .head_timeout(UNPACK_TIMEOUT)
                .json("image config", &options.config)
        };
        self.run(self.json(call()))
    }
}

impl<F: Flavour> Items<F, ProgressMessage> {
    /// Reads the progress to its end: `Ok` when it ended without an error, else the first
    /// error.
    ///
    /// ```no_run
    /// # let client = docker_client::blocking::Client::from_env()?;
    /// client.pull_image("bb:latest", &Default::default())?.wait()?;
    /// # Ok::<(), docker_client::Error>(())
    /// ```
    pub fn wait(mut self) -> F::Out<'static, ()> {
        F::run(async move {
            while let Some(message) = self.pull().await {
                message?;
            }
            Ok(())
        })
    }

    /// Reads the progress to its end and returns every message, or the first error.
    ///
    /// ```no_run
    /// # let client = docker_client::blocking::Client::from_env()?;
    /// let messages = client.pull_image("bb:latest", &Default::default())?.finish()?;
    /// println!("{} messages", messages.len());
    /// # Ok::<(), docker_client::Error>(())
    /// ```
    pub fn finish(mut self) -> F::Out<'static, Vec<ProgressMessage>> {
        F::run(async move {
            let mut messages = Vec::new();
            while let Some(message) = self.pull().await {
                messages.push(message?);
            }
            Ok(messages)
        })
    }
}

/// `/images/{name}{suffix}` with `name` validated and encoded.
pub(crate) fn image_path(name: &str, suffix: &str) -> Result<String> {
    Ok(format!(
        "/images/{}{suffix}",
        path::segment(Kind::Image, name)?
    ))
}

/// How long an import or a load may take before the engine's first answer: the engine
/// answers once it has read and unpacked the tarball (a quiet load says nothing before
/// its end), which for large images takes far longer than the default head timeout.
const UNPACK_TIMEOUT: Duration = Duration::from_secs(3600);

/// A tarball upload: streamed, waited for until unpacked.
pub(crate) fn tar_upload<F: Flavour>(call: CallOf<F>, tar: impl Upload<F>) -> CallOf<F> {
    call.header("Content-Type", "application/x-tar".to_owned())
        .body(tar.into_body())
        .head_timeout(UNPACK_TIMEOUT)
        .streaming()
}

/// A progress stream's lines as [`ProgressMessage`]s. A message that reports an error
/// becomes `Err(Error::Stream)`, and the stream ends there.
#[derive(Debug)]
pub(crate) struct ProgressLines {
    lines: JsonLines<ProgressMessage>,
    ended: bool,
}

impl ProgressLines {
    pub(crate) fn new(request: String) -> ProgressLines {
        ProgressLines {
            lines: JsonLines::new(request),
            ended: false,
        }
    }
}

impl Decoder for ProgressLines {
    type Item = ProgressMessage;

    fn feed(&mut self, chunk: &[u8]) {
        self.lines.feed(chunk);
    }

    fn finish(&mut self) {
        self.lines.finish();
    }

    fn fail(&mut self, e: Error) {
        self.lines.fail(e);
    }

    /// The next message, if one is ready.
    fn pop(&mut self) -> Option<Result<ProgressMessage>> {
        if self.ended {
            return None;
        }
        let item = self.lines.pop()?;
        let item = match item {
            Ok(m) => match m.error_message() {
                Some(message) => Err(Error::Stream {
                    message: message.to_owned(),
                }),
                None => Ok(m),
            },
            Err(e) => Err(e),
        };
        self.ended = item.is_err();
        Some(item)
    }

    /// True once the stream ended (its end, or an error) and every message was taken.
    fn is_exhausted(&self) -> bool {
        self.ended || self.lines.is_exhausted()
    }
}

#[cfg(feature = "dispatch")]
impl crate::dispatch::FromArg for ListImagesOptions {
    fn from_arg(v: &serde_json::Value) -> Option<ListImagesOptions> {
        let mut o = ListImagesOptions::default()
            .all(crate::dispatch::flag(v, "all"))
            .digests(crate::dispatch::flag(v, "digests"));
        for (key, value) in crate::dispatch::filters(&v["filters"]) {
            o = o.filter(key, value);
        }
        Some(o)
    }
}

#[cfg(feature = "dispatch")]
impl crate::dispatch::FromArg for RemoveImageOptions {
    fn from_arg(v: &serde_json::Value) -> Option<RemoveImageOptions> {
        Some(
            RemoveImageOptions::default()
                .force(crate::dispatch::flag(v, "force"))
                .no_prune(crate::dispatch::flag(v, "no_prune")),
        )
    }
}

#[cfg(feature = "dispatch")]
impl crate::dispatch::FromArg for PullImageOptions {
    fn from_arg(v: &serde_json::Value) -> Option<PullImageOptions> {
        let mut o = PullImageOptions::default().all_tags(crate::dispatch::flag(v, "all_tags"));
        if let Some(p) = v["platform"].as_str() {
            o = o.platform(p);
        }
        if !v["auth"].is_null() {
            o = o.auth(serde_json::from_value(v["auth"].clone()).ok()?);
        }
        Some(o)
    }
}

#[cfg(feature = "dispatch")]
impl crate::dispatch::FromArg for PushImageOptions {
    fn from_arg(v: &serde_json::Value) -> Option<PushImageOptions> {
        let mut o = PushImageOptions::default().all_tags(crate::dispatch::flag(v, "all_tags"));
        if !v["auth"].is_null() {
            o = o.auth(serde_json::from_value(v["auth"].clone()).ok()?);
        }
        Some(o)
    }
}

#[cfg(feature = "dispatch")]
impl crate::dispatch::FromArg for SearchImagesOptions {
    fn from_arg(v: &serde_json::Value) -> Option<SearchImagesOptions> {
        let mut o = SearchImagesOptions::default();
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
impl crate::dispatch::FromArg for InspectDistributionOptions {
    fn from_arg(v: &serde_json::Value) -> Option<InspectDistributionOptions> {
        match v["auth"].is_null() {
            true => Some(InspectDistributionOptions::default()),
            false => Some(
                InspectDistributionOptions::default()
                    .auth(serde_json::from_value(v["auth"].clone()).ok()?),
            ),
        }
    }
}

#[cfg(feature = "dispatch")]
impl crate::dispatch::FromArg for AttestationsOptions {
    fn from_arg(v: &serde_json::Value) -> Option<AttestationsOptions> {
        let mut o = AttestationsOptions::default().statement(crate::dispatch::flag(v, "statement"));
        if !v["platform"].is_null() {
            o = o.platform(serde_json::from_value(v["platform"].clone()).ok()?);
        }
        for t in v["types"].as_array().into_iter().flatten() {
            o = o.predicate_type(t.as_str()?);
        }
        Some(o)
    }
}

#[cfg(feature = "dispatch")]
impl crate::dispatch::FromArg for ImportImageOptions {
    fn from_arg(v: &serde_json::Value) -> Option<ImportImageOptions> {
        let mut o = ImportImageOptions::default();
        if let Some(r) = v["reference"].as_str() {
            o = o.reference(r);
        }
        if let Some(m) = v["message"].as_str() {
            o = o.message(m);
        }
        for c in v["changes"].as_array().into_iter().flatten() {
            o = o.change(c.as_str()?);
        }
        Some(o)
    }
}

/// A bare boolean (`quiet`), or `{"quiet": bool}`.
#[cfg(feature = "dispatch")]
impl crate::dispatch::FromArg for LoadImagesOptions {
    fn from_arg(v: &serde_json::Value) -> Option<LoadImagesOptions> {
        let quiet = v
            .as_bool()
            .unwrap_or_else(|| crate::dispatch::flag(v, "quiet"));
        Some(LoadImagesOptions::default().quiet(quiet))
    }
}

#[cfg(feature = "dispatch")]
impl crate::dispatch::FromArg for CommitOptions {
    fn from_arg(v: &serde_json::Value) -> Option<CommitOptions> {
        let mut o = CommitOptions::default().pause(v["pause"].as_bool().unwrap_or(true));
        if let Some(r) = v["reference"].as_str() {
            o = o.reference(r);
        }
        if let Some(c) = v["comment"].as_str() {
            o = o.comment(c);
        }
        if let Some(a) = v["author"].as_str() {
            o = o.author(a);
        }
        for c in v["changes"].as_array().into_iter().flatten() {
            o = o.change(c.as_str()?);
        }
        Some(o)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references_split_at_the_tag_not_the_registry_port() {
        assert_eq!(split_reference("bb"), ("bb", None));
        assert_eq!(split_reference("bb:latest"), ("bb", Some("latest")));
        assert_eq!(
            split_reference("127.0.0.1:5000/dkr/bb"),
            ("127.0.0.1:5000/dkr/bb", None)
        );
        assert_eq!(
            split_reference("127.0.0.1:5000/dkr/bb:it"),
            ("127.0.0.1:5000/dkr/bb", Some("it"))
        );
        assert_eq!(
            split_reference("bb@sha256:abcd"),
            ("bb", Some("sha256:abcd"))
        );
    }

    #[test]
    fn bad_references_are_refused() {
        for bad in ["", ":tag", "bb:", "a b", "bb\n"] {
            assert!(
                matches!(
                    reference_arg("image reference", bad),
                    Err(Error::InvalidArgument { .. })
                ),
                "{bad:?}"
            );
        }
    }

    #[cfg(feature = "blocking")]
    #[test]
    fn bad_arguments_are_refused_before_sending() {
        let client = crate::blocking::Client::unix("/nonexistent/docker.sock");
        let invalid = |e: Error| matches!(e, Error::InvalidArgument { .. });
        for bad in ["", ":tag", "bb:", "a b", "bb\n"] {
            let pulled = client.pull_image(bad, &PullImageOptions::default());
            assert!(pulled.is_err_and(invalid), "{bad:?}");
        }
        assert!(client.tag_image("bb", "x@sha256:1").is_err_and(invalid));
        let pushed = client.push_image("bb@sha256:1", &PushImageOptions::default());
        assert!(pushed.is_err_and(invalid));
        assert!(client.save_images(&[]).is_err_and(invalid));
        assert!(client.save_images(&[""]).is_err_and(invalid));
    }

    #[cfg(feature = "blocking")]
    #[test]
    fn uploads_wait_for_the_unpacking_and_have_no_idle_timeout() {
        let call = tar_upload::<crate::Blocking>(Call::post("/images/load"), std::io::empty());
        assert_eq!(call.head_timeout, Some(UNPACK_TIMEOUT));
        assert!(call
            .headers
            .contains(&("Content-Type", "application/x-tar".to_owned())));
        assert!(call.streaming);
    }

    #[test]
    fn an_error_line_ends_the_progress_stream() {
        let mut p = ProgressLines::new("POST /images/create".into());
        p.feed(b"{\"status\":\"Pulling\",\"id\":\"a\"}\n{\"errorDetail\":{\"message\":\"denied\"},\"error\":\"denied\"}\n{\"status\":\"never\"}\n");
        p.finish();
        assert_eq!(p.pop().unwrap().unwrap().status, "Pulling");
        match p.pop().unwrap() {
            Err(Error::Stream { message }) => assert_eq!(message, "denied"),
            other => panic!("{other:?}"),
        }
        assert!(p.pop().is_none());
        assert!(p.is_exhausted());
    }
}
