//! Decoded streams: one decoder trait for every stream the engine sends (JSON lines, image
//! progress, container output, events, stats), and [`Items`], the stream type both
//! flavours return. Each flavour drives every decoder with one pump: an `Iterator` in
//! blocking, a `futures_core::Stream` in tokio.

use std::collections::VecDeque;
use std::fmt;
use std::future::poll_fn;
use std::marker::PhantomData;
use std::task::{Context, Poll};

use docker_wire::frames::LineDecoder;
use serde::de::DeserializeOwned;

use crate::call::decode;
use crate::flavour::io::FlavourIo;
use crate::{Error, Flavour, Result};

/// The longest line accepted in a JSON-lines stream (events, progress, stats).
pub(crate) const MAX_LINE: usize = 1024 * 1024;

/// A decoder of a streamed body, fed chunk by chunk by a flavour's pump.
///
/// The pump's loop, the same for every decoder: pop a ready item; else, if exhausted,
/// end; else read the next chunk and `feed` it (`finish` at the end of the body, `fail`
/// on a read error).
pub(crate) trait Decoder: Send {
    /// What the stream yields.
    type Item;
    /// Feeds body bytes.
    fn feed(&mut self, chunk: &[u8]);
    /// Marks the end of the body.
    fn finish(&mut self);
    /// Ends the items with `e`, after those already decoded.
    fn fail(&mut self, e: Error);
    /// The next decoded item, if one is ready.
    fn pop(&mut self) -> Option<Result<Self::Item>>;
    /// True once every item was popped and no more can come.
    fn is_exhausted(&self) -> bool;
}

/// A stream of decoded items: events, stats samples, image progress, container output.
///
/// In the blocking flavour it is an `Iterator` of `Result<T>`; in the tokio flavour a
/// `futures_core::Stream` of `Result<T>`. It ends when the engine ends the body. A broken
/// connection or framing gives one `Err` and then the end: a stream never ends silently
/// on a truncated body. Dropping it closes the connection at once.
///
/// ```no_run
/// # let client = docker_client::blocking::Client::from_env()?;
/// let opts = docker_client::EventsOptions::default().filter("type", "container");
/// let events: docker_client::blocking::Events = client.events(&opts)?;
/// for event in events.take(10) {
///     println!("{}", event?.action);
/// }
/// # Ok::<(), docker_client::Error>(())
/// ```
pub struct Items<F: Flavour, T> {
    pub(crate) chunks: <F as FlavourIo>::Chunks,
    pub(crate) decoder: Box<dyn Decoder<Item = T>>,
    pub(crate) abort: F::AbortHandle,
}

impl<F: Flavour, T> Items<F, T> {
    pub(crate) fn new(
        chunks: <F as FlavourIo>::Chunks,
        abort: F::AbortHandle,
        decoder: impl Decoder<Item = T> + 'static,
    ) -> Items<F, T> {
        Items {
            chunks,
            decoder: Box::new(decoder),
            abort,
        }
    }

    /// A handle that ends the stream from another thread or task: a waiting read returns
    /// at once, and the stream ends with an error.
    ///
    /// ```no_run
    /// # let client = docker_client::blocking::Client::from_env()?;
    /// use docker_client::LogsOptions;
    /// let logs = client.logs_container("web", &LogsOptions::default().follow(true))?;
    /// let handle = logs.abort_handle();
    /// std::thread::spawn(move || {
    ///     std::thread::sleep(std::time::Duration::from_secs(10));
    ///     handle.abort(); // The loop below then ends with an error.
    /// });
    /// for chunk in logs {
    ///     print!("{}", String::from_utf8_lossy(&chunk?.data));
    /// }
    /// # Ok::<(), docker_client::Error>(())
    /// ```
    pub fn abort_handle(&self) -> F::AbortHandle {
        self.abort.clone()
    }

    /// The pump, the one loop behind every stream of both flavours: a ready item, else the
    /// end, else the next chunk fed to the decoder.
    pub(crate) fn poll_item(&mut self, cx: &mut Context<'_>) -> Poll<Option<Result<T>>> {
        loop {
            if let Some(item) = self.decoder.pop() {
                return Poll::Ready(Some(item));
            }
            if self.decoder.is_exhausted() {
                return Poll::Ready(None);
            }
            match F::poll_chunk(&mut self.chunks, cx) {
                Poll::Pending => return Poll::Pending,
                Poll::Ready(Some(Ok(chunk))) => self.decoder.feed(chunk),
                Poll::Ready(Some(Err(e))) => self.decoder.fail(e),
                Poll::Ready(None) => self.decoder.finish(),
            }
        }
    }

    /// The next item, as a future, for the code that composes calls.
    pub(crate) async fn pull(&mut self) -> Option<Result<T>> {
        poll_fn(|cx| self.poll_item(cx)).await
    }
}

impl<F: Flavour, T: Send> Items<F, T> {
    /// The next item: `Ok(None)` at the end of the stream, an error when it broke. The same
    /// as the `Iterator` (blocking) or `Stream` (tokio), in the flavour's return type.
    ///
    /// ```no_run
    /// # let client = docker_client::blocking::Client::from_env()?;
    /// let mut events = client.events(&Default::default())?;
    /// while let Some(event) = events.next_item()? {
    ///     println!("{}", event.action);
    /// }
    /// # Ok::<(), docker_client::Error>(())
    /// ```
    pub fn next_item(&mut self) -> F::Out<'_, Option<T>> {
        F::run(async move { self.pull().await.transpose() })
    }
}

impl<F: Flavour, T> fmt::Debug for Items<F, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Items").finish_non_exhaustive()
    }
}

/// Splits a JSON-lines body into decoded items, whatever the chunking.
#[derive(Debug)]
pub(crate) struct JsonLines<T> {
    request: String,
    lines: LineDecoder,
    ready: VecDeque<Result<T>>,
    done: bool,
    _item: PhantomData<fn() -> T>,
}

impl<T: DeserializeOwned> JsonLines<T> {
    pub(crate) fn new(request: String) -> JsonLines<T> {
        JsonLines {
            request,
            lines: LineDecoder::new(MAX_LINE),
            ready: VecDeque::new(),
            done: false,
            _item: PhantomData,
        }
    }
}

impl<T: DeserializeOwned + Send> Decoder for JsonLines<T> {
    type Item = T;

    /// Complete lines become items.
    fn feed(&mut self, mut chunk: &[u8]) {
        while !chunk.is_empty() && !self.done {
            match self.lines.decode(chunk) {
                Ok((n, line)) => {
                    if let Some(line) = line {
                        let item = decode(&self.request, line);
                        self.ready.push_back(item);
                    }
                    chunk = &chunk[n..];
                }
                Err(source) => {
                    let e = Error::framing(&self.request, source);
                    self.fail(e);
                }
            }
        }
    }

    /// A last line without a newline becomes an item.
    fn finish(&mut self) {
        if self.done {
            return;
        }
        match self.lines.finish() {
            Ok(Some(line)) => {
                let item = decode(&self.request, line);
                self.ready.push_back(item);
            }
            Ok(None) => (),
            Err(source) => self
                .ready
                .push_back(Err(Error::framing(&self.request, source))),
        }
        self.done = true;
    }

    fn fail(&mut self, e: Error) {
        self.ready.push_back(Err(e));
        self.done = true;
    }

    fn pop(&mut self) -> Option<Result<T>> {
        self.ready.pop_front()
    }

    fn is_exhausted(&self) -> bool {
        self.done && self.ready.is_empty()
    }
}
