//! Images: list, inspect, tag, history, remove, prune, pull, push, import, load and save
//! (tokio).

use std::future::poll_fn;
use std::pin::Pin;
use std::task::{Context, Poll};

use docker_models::{
    ImageDeleteResponseItem, ImageHistoryItem, ImagePruneResponse, ImageSummary, ProgressMessage,
};
use docker_transport::tokio::{BodyReader, BodyStream, Response};
use docker_transport::Body;
use futures_core::Stream;
use tokio::io::AsyncRead;

use super::{poll_pump, Client};
use crate::auth::{self, AuthHeader};
use crate::call::{self, Call};
use crate::images::{
    self as i, ImportImageOptions, ListImagesOptions, ProgressLines, PullImageOptions,
    PushImageOptions, RemoveImageOptions,
};
use crate::{PruneFilters, Result};

impl Client {
    /// `GET /images/json`: the local images.
    pub async fn list_images(&self, options: &ListImagesOptions) -> Result<Vec<ImageSummary>> {
        let images: Option<Vec<ImageSummary>> = self.json(i::list(options)).await?;
        Ok(images.unwrap_or_default())
    }

    /// `GET /images/{name}/history`: the image's layers, newest first.
    pub async fn image_history(&self, name: &str) -> Result<Vec<ImageHistoryItem>> {
        let items: Option<Vec<ImageHistoryItem>> = self.json(i::history(name)?).await?;
        Ok(items.unwrap_or_default())
    }

    /// `POST /images/{name}/tag?repo=&tag=`: tags `name` as `target` (`repo[:tag]`).
    pub async fn tag_image(&self, name: &str, target: &str) -> Result<()> {
        self.empty(i::tag(name, target)?).await
    }

    /// `DELETE /images/{name}?force=&noprune=`: returns what was untagged and deleted.
    pub async fn remove_image(
        &self,
        name: &str,
        options: RemoveImageOptions,
    ) -> Result<Vec<ImageDeleteResponseItem>> {
        let items: Option<Vec<ImageDeleteResponseItem>> =
            self.json(i::remove(name, options)?).await?;
        Ok(items.unwrap_or_default())
    }

    /// `POST /images/prune`: removes dangling (or, with `("dangling", "false")`, unused)
    /// images.
    pub async fn prune_images(&self, filters: &PruneFilters) -> Result<ImagePruneResponse> {
        self.json(i::prune(filters)).await
    }

    /// `POST /images/create?fromImage=&tag=`: a [`Stream`] of the pull's progress. See
    /// [`blocking::Client::pull_image`](crate::blocking::Client::pull_image).
    ///
    /// ```no_run
    /// # async fn run(client: docker_client::tokio::Client) -> docker_client::Result<()> {
    /// use docker_client::PullImageOptions;
    ///
    /// client.pull_image("alpine:3.20", &PullImageOptions::default()).await?.wait().await?;
    ///
    /// let mut progress = client.pull_image("alpine:3.20", &PullImageOptions::default()).await?;
    /// while let Some(message) = progress.next_message().await {
    ///     println!("{}", message?);
    /// }
    /// # Ok(()) }
    /// ```
    pub async fn pull_image(
        &self,
        reference: &str,
        options: &PullImageOptions,
    ) -> Result<Progress> {
        let (call, header) = i::pull(reference, options)?;
        self.progress(call, header).await
    }

    /// `POST /images/{name}/push?tag=`: a [`Stream`] of the push's progress. See
    /// [`blocking::Client::push_image`](crate::blocking::Client::push_image).
    pub async fn push_image(
        &self,
        reference: &str,
        options: &PushImageOptions,
    ) -> Result<Progress> {
        let (call, header) = i::push(reference, options)?;
        self.progress(call, Some(header)).await
    }

    /// `POST /images/create?fromSrc=-`: makes an image from a root filesystem tarball
    /// streamed from `tar`. The last message's `status` is the new image's ID.
    pub async fn import_image(
        &self,
        tar: impl AsyncRead + Send + Unpin + 'static,
        options: &ImportImageOptions,
    ) -> Result<Progress> {
        let mut call = i::import(options)?;
        call.body = Body::AsyncReader(Box::new(tar));
        self.progress(call, None).await
    }

    /// `POST /images/load`: loads images from a `docker save` tarball streamed from `tar`.
    pub async fn load_images(
        &self,
        tar: impl AsyncRead + Send + Unpin + 'static,
        quiet: bool,
    ) -> Result<Progress> {
        let mut call = i::load(quiet);
        call.body = Body::AsyncReader(Box::new(tar));
        self.progress(call, None).await
    }

    /// `GET /images/get?names=`: the images as one `docker save` tarball, as an
    /// `AsyncRead`.
    pub async fn save_images(&self, names: &[&str]) -> Result<BodyReader> {
        Ok(self.stream(i::save(names)?).await?.into_async_read())
    }

    async fn progress(&self, call: Call, header: Option<AuthHeader>) -> Result<Progress> {
        let desc = call.describe();
        let response = self.send_with_auth(call, header).await?;
        Ok(Progress {
            body: response.into_stream(),
            lines: ProgressLines::new(desc),
        })
    }

    /// Like `stream`, with the credentials header when there is one.
    async fn send_with_auth(&self, call: Call, header: Option<AuthHeader>) -> Result<Response> {
        let Some(header) = header else {
            return self.stream(call).await;
        };
        let desc = call.describe();
        let version = self.api_version().await?;
        let request = call
            .into_request(Some(version))
            .header(auth::HEADER, header.value());
        let response = self.transport.send(request).await?;
        if (200..300).contains(&response.status()) {
            return Ok(response);
        }
        let head = response.head().clone();
        let body = response.bytes().await?;
        call::check_status(&desc, &head, &body)?;
        unreachable!("check_status fails for every status outside 2xx")
    }
}

/// The progress of a pull, push, import or load: a [`Stream`] of [`ProgressMessage`]s.
///
/// An error the engine reports inside the stream is an `Err(Error::Stream)` item and ends
/// the stream; so does a broken connection.
pub struct Progress {
    body: BodyStream,
    lines: ProgressLines,
}

impl Progress {
    /// The next message; `None` at the end.
    pub async fn next_message(&mut self) -> Option<Result<ProgressMessage>> {
        poll_fn(|cx| Pin::new(&mut *self).poll_next(cx)).await
    }

    /// Reads the stream to its end: `Ok` when it ended without an error, else the first
    /// error.
    pub async fn wait(mut self) -> Result<()> {
        while let Some(message) = self.next_message().await {
            message?;
        }
        Ok(())
    }

    /// Reads the stream to its end and returns every message, or the first error.
    pub async fn finish(mut self) -> Result<Vec<ProgressMessage>> {
        let mut messages = Vec::new();
        while let Some(message) = self.next_message().await {
            messages.push(message?);
        }
        Ok(messages)
    }
}

impl Stream for Progress {
    type Item = Result<ProgressMessage>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = &mut *self;
        poll_pump(&mut this.body, &mut this.lines, cx)
    }
}

impl std::fmt::Debug for Progress {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Progress").finish_non_exhaustive()
    }
}
