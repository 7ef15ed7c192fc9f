//! Images: options, call builders and the progress-stream decoder, shared by both flavours.

use std::time::Duration;

use docker_models::{AuthConfig, ProgressMessage};
use docker_transport::Method;

use crate::auth::{self, AuthHeader};
use crate::call::{image_path, text, Call, JsonLines};
use crate::options::Filters;
use crate::path::Query;
use crate::{Error, PruneFilters, Result};

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
    pub fn all(self, all: bool) -> Self {
        ListImagesOptions { all, ..self }
    }

    /// Fills `RepoDigests`.
    pub fn digests(self, digests: bool) -> Self {
        ListImagesOptions { digests, ..self }
    }

    /// Adds a filter such as `("reference", "bb:*")`, `("dangling", "true")`,
    /// `("label", "k=v")`, `("before", "bb:latest")`. Several values of one key are ORed.
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
    pub fn force(self, force: bool) -> Self {
        RemoveImageOptions { force, ..self }
    }

    /// Keeps untagged parent images.
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
    pub fn platform(self, platform: impl Into<String>) -> Self {
        PullImageOptions {
            platform: Some(platform.into()),
            ..self
        }
    }

    /// Pulls every tag of a reference given without a tag. Without it, a reference
    /// without a tag or digest means `:latest`, as for `docker pull`.
    pub fn all_tags(self, all_tags: bool) -> Self {
        PullImageOptions { all_tags, ..self }
    }

    /// Sends these credentials (`X-Registry-Auth`). Without them no header is sent.
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
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PushImageOptions {
    all_tags: bool,
    auth: Option<AuthConfig>,
}

impl PushImageOptions {
    /// Pushes every local tag of a reference given without a tag. Without it, a
    /// reference without a tag means `:latest`.
    pub fn all_tags(self, all_tags: bool) -> Self {
        PushImageOptions { all_tags, ..self }
    }

    /// Sends these credentials (`X-Registry-Auth`). Without them the encoded empty
    /// object `{}` is sent, as the Docker CLI does.
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
    pub fn reference(self, reference: impl Into<String>) -> Self {
        ImportImageOptions {
            reference: Some(reference.into()),
            ..self
        }
    }

    /// The commit message of the image.
    pub fn message(self, message: impl Into<String>) -> Self {
        ImportImageOptions {
            message: Some(message.into()),
            ..self
        }
    }

    /// A Dockerfile instruction applied to the image (`CMD`, `ENTRYPOINT`, `ENV`,
    /// `EXPOSE`, `LABEL`, `USER`, `VOLUME`, `WORKDIR`); repeatable.
    pub fn change(mut self, instruction: impl Into<String>) -> Self {
        self.changes.push(instruction.into());
        self
    }

    /// The platform of the image (`os[/arch]`).
    pub fn platform(self, platform: impl Into<String>) -> Self {
        ImportImageOptions {
            platform: Some(platform.into()),
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
    let reference = text(what, reference)?;
    let (name, tag) = split_reference(reference);
    if name.is_empty() || tag == Some("") || reference.contains(char::is_whitespace) {
        return Err(Error::InvalidArgument {
            what,
            reason: format!("{reference:?} is not name[:tag] or name@digest"),
        });
    }
    Ok((name, tag))
}

/// `GET /images/json`.
pub(crate) fn list(options: &ListImagesOptions) -> Call {
    Call::get("/images/json").query(options.query())
}

/// `GET /images/{name}/history`.
pub(crate) fn history(name: &str) -> Result<Call> {
    Ok(Call::get(image_path(name, "/history")?))
}

/// `DELETE /images/{name}?force=&noprune=`.
pub(crate) fn remove(name: &str, options: RemoveImageOptions) -> Result<Call> {
    let mut q = Query::default();
    q.flag("force", options.force)
        .flag("noprune", options.no_prune);
    Ok(Call::new(Method::Delete, image_path(name, "")?).query(q))
}

/// `POST /images/{name}/tag?repo=&tag=`: `target` is `repo[:tag]`, the tag `latest` when
/// absent.
pub(crate) fn tag(name: &str, target: &str) -> Result<Call> {
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
}

/// `POST /images/prune`.
pub(crate) fn prune(filters: &PruneFilters) -> Call {
    Call::post("/images/prune").query(filters.query())
}

/// `POST /images/create?fromImage=&tag=`, with the credentials header when there are any.
pub(crate) fn pull(
    reference: &str,
    options: &PullImageOptions,
) -> Result<(Call, Option<AuthHeader>)> {
    let (name, tag) = reference_arg("image reference", reference)?;
    let mut q = Query::default();
    q.push("fromImage", name);
    match (tag, options.all_tags) {
        (Some(tag), _) => q.push("tag", tag),
        (None, false) => q.push("tag", "latest"),
        (None, true) => &mut q,
    };
    if let Some(p) = &options.platform {
        q.push("platform", text("platform", p)?);
    }
    let call = Call::post("/images/create").query(q).streaming();
    Ok((call, auth::for_pull(options.auth.as_ref())))
}

/// `POST /images/{name}/push?tag=`, always with a credentials header.
pub(crate) fn push(reference: &str, options: &PushImageOptions) -> Result<(Call, AuthHeader)> {
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
    let call = Call::post(image_path(name, "/push")?).query(q).streaming();
    Ok((call, auth::for_push(options.auth.as_ref())))
}

/// `POST /images/create?fromSrc=-&repo=&tag=`; the caller sets the tar body.
pub(crate) fn import(options: &ImportImageOptions) -> Result<Call> {
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
        q.push("changes", text("change", c)?);
    }
    if let Some(p) = &options.platform {
        q.push("platform", text("platform", p)?);
    }
    Ok(tar_body(Call::post("/images/create").query(q).streaming()))
}

/// `POST /images/load?quiet=`; the caller sets the tar body.
pub(crate) fn load(quiet: bool) -> Call {
    let mut q = Query::default();
    q.push("quiet", if quiet { "1" } else { "0" });
    tar_body(Call::post("/images/load").query(q).streaming())
}

/// `GET /images/get?names=...`: one tar of all the images.
pub(crate) fn save(names: &[&str]) -> Result<Call> {
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
        q.push("names", text("image name", n)?);
    }
    Ok(Call::get("/images/get").query(q).streaming())
}

/// How long an import or a load may take before the engine's first answer: the engine
/// answers once it has read and unpacked the tarball (a quiet load says nothing before
/// its end), which for large images takes far longer than the default head timeout.
const UNPACK_TIMEOUT: Duration = Duration::from_secs(3600);

fn tar_body(mut call: Call) -> Call {
    call.content_type = Some("application/x-tar");
    call.head_timeout = Some(UNPACK_TIMEOUT);
    call
}

/// A progress stream's lines as [`ProgressMessage`]s. A message that reports an error
/// becomes `Err(Error::Stream)`, and the stream ends there.
#[derive(Debug)]
pub(crate) struct ProgressLines {
    lines: JsonLines<ProgressMessage>,
    ended: bool,
}

impl crate::call::Lines for ProgressLines {
    type Item = ProgressMessage;
    fn feed(&mut self, chunk: &[u8]) {
        ProgressLines::feed(self, chunk)
    }
    fn finish(&mut self) {
        ProgressLines::finish(self)
    }
    fn fail(&mut self, e: Error) {
        ProgressLines::fail(self, e)
    }
    fn pop(&mut self) -> Option<Result<ProgressMessage>> {
        ProgressLines::pop(self)
    }
    fn is_exhausted(&self) -> bool {
        ProgressLines::is_exhausted(self)
    }
}

impl ProgressLines {
    pub(crate) fn new(call: String) -> ProgressLines {
        ProgressLines {
            lines: JsonLines::new(call),
            ended: false,
        }
    }

    pub(crate) fn feed(&mut self, chunk: &[u8]) {
        self.lines.feed(chunk);
    }

    pub(crate) fn finish(&mut self) {
        self.lines.finish();
    }

    pub(crate) fn fail(&mut self, e: Error) {
        self.lines.fail(e);
    }

    /// The next message, if one is ready.
    pub(crate) fn pop(&mut self) -> Option<Result<ProgressMessage>> {
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
    pub(crate) fn is_exhausted(&self) -> bool {
        self.ended || self.lines.is_exhausted()
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
    fn bad_references_are_refused_before_sending() {
        for bad in ["", ":tag", "bb:", "a b", "bb\n"] {
            assert!(
                matches!(
                    pull(bad, &PullImageOptions::default()),
                    Err(Error::InvalidArgument { .. })
                ),
                "{bad:?}"
            );
        }
        assert!(tag("bb", "x@sha256:1").is_err());
        assert!(push("bb@sha256:1", &PushImageOptions::default()).is_err());
        assert!(save(&[]).is_err());
        assert!(save(&[""]).is_err());
    }

    #[test]
    fn uploads_wait_for_the_unpacking_and_streams_have_no_idle_timeout() {
        let import = import(&ImportImageOptions::default()).unwrap();
        let load = load(true);
        for call in [&import, &load] {
            assert_eq!(call.head_timeout, Some(UNPACK_TIMEOUT));
            assert_eq!(call.content_type, Some("application/x-tar"));
            assert!(call.streaming);
        }
        let (pull, _) = pull("bb", &PullImageOptions::default()).unwrap();
        assert!(pull.streaming && pull.head_timeout.is_none());
        assert!(save(&["bb"]).unwrap().streaming);
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
