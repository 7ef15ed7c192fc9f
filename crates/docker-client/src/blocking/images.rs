//! Images: list, inspect, tag, history, remove, prune, pull, push, import, load and save
//! (blocking).

use std::io::Read;

use docker_models::{
    ImageDeleteResponseItem, ImageHistoryItem, ImagePruneResponse, ImageSummary, ProgressMessage,
};
use docker_transport::blocking::{AbortHandle, BodyReader, Response};
use docker_transport::Body;

use super::{pump, Client};
use crate::auth::{self, AuthHeader};
use crate::call::{self, Call};
use crate::images::{
    self as i, ImportImageOptions, ListImagesOptions, ProgressLines, PullImageOptions,
    PushImageOptions, RemoveImageOptions,
};
use crate::{PruneFilters, Result};

impl Client {
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
    pub fn list_images(&self, options: &ListImagesOptions) -> Result<Vec<ImageSummary>> {
        let images: Option<Vec<ImageSummary>> = self.json(i::list(options))?;
        Ok(images.unwrap_or_default())
    }

    /// `GET /images/{name}/history`: the image's layers, newest first.
    pub fn image_history(&self, name: &str) -> Result<Vec<ImageHistoryItem>> {
        let items: Option<Vec<ImageHistoryItem>> = self.json(i::history(name)?)?;
        Ok(items.unwrap_or_default())
    }

    /// `POST /images/{name}/tag?repo=&tag=`: tags `name` as `target` (`repo[:tag]`, the tag
    /// `latest` when absent).
    ///
    /// ```no_run
    /// # let client = docker_client::blocking::Client::from_env()?;
    /// client.tag_image("bb:latest", "127.0.0.1:5000/team/bb:1.0")?;
    /// # Ok::<(), docker_client::Error>(())
    /// ```
    pub fn tag_image(&self, name: &str, target: &str) -> Result<()> {
        self.empty(i::tag(name, target)?)
    }

    /// `DELETE /images/{name}?force=&noprune=`: removes a tag, and the image when no tag is
    /// left. Returns what was untagged and deleted.
    pub fn remove_image(
        &self,
        name: &str,
        options: RemoveImageOptions,
    ) -> Result<Vec<ImageDeleteResponseItem>> {
        let items: Option<Vec<ImageDeleteResponseItem>> = self.json(i::remove(name, options)?)?;
        Ok(items.unwrap_or_default())
    }

    /// `POST /images/prune`: removes dangling images, or every unused image with the
    /// filter `("dangling", "false")`.
    pub fn prune_images(&self, filters: &PruneFilters) -> Result<ImagePruneResponse> {
        self.json(i::prune(filters))
    }

    /// `POST /images/create?fromImage=&tag=`: pulls `reference` (`name[:tag]` or
    /// `name@digest`; no tag means `latest`) and returns the progress as it arrives.
    ///
    /// An error reported inside the stream (a missing tag, refused credentials) is an
    /// `Err(Error::Stream)` item, and the stream ends there. [`Progress::wait`] drains it.
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
    pub fn pull_image(&self, reference: &str, options: &PullImageOptions) -> Result<Progress> {
        let (call, header) = i::pull(reference, options)?;
        self.progress(call, header)
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
    pub fn push_image(&self, reference: &str, options: &PushImageOptions) -> Result<Progress> {
        let (call, header) = i::push(reference, options)?;
        self.progress(call, Some(header))
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
        tar: impl Read + Send + 'static,
        options: &ImportImageOptions,
    ) -> Result<Progress> {
        let mut call = i::import(options)?;
        call.body = Body::Reader(Box::new(tar));
        self.progress(call, None)
    }

    /// `POST /images/load`: loads images from a `docker save` tarball, streamed (chunked)
    /// from `tar`. With `quiet` the engine sends only the `Loaded image: ...` lines (in
    /// `stream`); without it, progress too.
    pub fn load_images(&self, tar: impl Read + Send + 'static, quiet: bool) -> Result<Progress> {
        let mut call = i::load(quiet);
        call.body = Body::Reader(Box::new(tar));
        self.progress(call, None)
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
    pub fn save_images(&self, names: &[&str]) -> Result<BodyReader> {
        Ok(self.stream(i::save(names)?)?.into_reader())
    }

    fn progress(&self, call: Call, header: Option<AuthHeader>) -> Result<Progress> {
        let desc = call.describe();
        let response = self.send_with_auth(call, header)?;
        Ok(Progress {
            response,
            lines: ProgressLines::new(desc),
        })
    }

    /// Like `stream`, with the credentials header when there is one.
    fn send_with_auth(&self, call: Call, header: Option<AuthHeader>) -> Result<Response> {
        let Some(header) = header else {
            return self.stream(call);
        };
        let desc = call.describe();
        let version = self.api_version()?;
        let request = call
            .into_request(Some(version))
            .header(auth::HEADER, header.value());
        let response = self.transport.send(request)?;
        if (200..300).contains(&response.status()) {
            return Ok(response);
        }
        let head = response.head().clone();
        let body = response.bytes()?;
        call::check_status(&desc, &head, &body)?;
        unreachable!("check_status fails for every status outside 2xx")
    }
}

/// The progress of a pull, push, import or load: an iterator of [`ProgressMessage`]s.
///
/// An error the engine reports inside the stream is an `Err(Error::Stream)` item and ends
/// the iteration; so does a broken connection. Dropping it closes the connection (the
/// engine goes on with a pull or push it already started).
pub struct Progress {
    response: Response,
    lines: ProgressLines,
}

impl Progress {
    /// Reads the stream to its end: `Ok` when it ended without an error, else the first
    /// error.
    pub fn wait(self) -> Result<()> {
        for message in self {
            message?;
        }
        Ok(())
    }

    /// Reads the stream to its end and returns every message, or the first error.
    pub fn finish(self) -> Result<Vec<ProgressMessage>> {
        self.collect()
    }

    /// A handle that ends the stream from another thread.
    pub fn abort_handle(&self) -> AbortHandle {
        self.response.abort_handle()
    }
}

impl Iterator for Progress {
    type Item = Result<ProgressMessage>;

    fn next(&mut self) -> Option<Result<ProgressMessage>> {
        pump(&mut self.response, &mut self.lines)
    }
}

impl std::fmt::Debug for Progress {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Progress").finish_non_exhaustive()
    }
}
