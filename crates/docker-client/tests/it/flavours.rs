//! Both flavours of the one client, for tests written once.
//!
//! [`both!`] runs a test body twice: with a `Client<Blocking>`, then with a `Client<Tokio>`.
//! In the body, [`Wait::wait`] turns what a method returns into its `Result` (the blocking
//! result as it is, the tokio future run to its end), [`Pull`] reads a stream of either
//! flavour item by item and [`ReadAll`] reads a body reader to its end, so that one body
//! compiles for both. Helpers that are generic over the flavour use [`TestFlavour`].
//! A progress stream's own `wait` and `finish` return the flavour's output too, hence
//! `api.pull_image(..).wait().and_then(|p| p.wait().wait())`: the answer's head, then the
//! end of the stream.
//!
//! The tokio futures run on [`RUNTIME`], one multi-thread runtime for the whole test
//! binary: `block_on` polls a method's future on the test's thread, with the runtime's IO
//! and timer drivers, and the tasks an event watcher or an inventory spawns run on its
//! workers, also while the test's thread waits. The tokio half of a `both!` body runs
//! inside the runtime's context, which `watch_events` needs to spawn its reader.

use std::io;
use std::path::Path;
use std::sync::LazyLock;

use docker_client::{tokio as tk, Blocking, Client, Endpoint, Flavour, Items, Result, Tokio};
use tokio::runtime::{EnterGuard, Runtime};

/// The runtime of every tokio client of the tests.
pub(crate) static RUNTIME: LazyLock<Runtime> = LazyLock::new(|| {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("a tokio runtime")
});

/// Runs a test body once per flavour, blocking first.
///
/// - `both!(F, { .. })` names the flavour `F` in the body, which builds its own clients
///   (`on_socket::<F>(..)`).
/// - `both!(make, |api| { .. })` binds `api` to the `Client<F>` that the generic
///   expression `make` builds, such as `pinned(engine.socket(), "1.41")`.
macro_rules! both {
    ($flavour:ident, $body:block) => {{
        {
            type $flavour = docker_client::Blocking;
            $body
        }
        {
            type $flavour = docker_client::Tokio;
            let _context = $crate::flavours::RUNTIME.enter();
            $body
        }
    }};
    ($make:expr, |$api:ident| $body:block) => {
        $crate::flavours::both!(F, {
            let $api: docker_client::Client<F> = $make;
            $body
        })
    };
}
pub(crate) use both;

/// What a test needs of a flavour besides the client's own methods.
pub(crate) trait TestFlavour: Flavour {
    /// The flavour's name, for assertion messages.
    const NAME: &'static str;

    /// A method's output as its result.
    fn resolve<'a, T: Send + 'a>(out: Self::Out<'a, T>) -> Result<T>;

    /// The next item of a stream, waiting for it; `None` at its end.
    fn pull<T>(items: &mut Items<Self, T>) -> Option<Result<T>>;

    /// A response body read to its end.
    fn read_body(reader: Self::Reader) -> io::Result<Vec<u8>>;

    /// The runtime's context, for code that spawns tasks (`None` in the blocking flavour).
    fn enter() -> Option<EnterGuard<'static>>;
}

impl TestFlavour for Blocking {
    const NAME: &'static str = "blocking";

    fn resolve<'a, T: Send + 'a>(out: Result<T>) -> Result<T> {
        out
    }

    fn pull<T>(items: &mut Items<Blocking, T>) -> Option<Result<T>> {
        Iterator::next(items)
    }

    fn read_body(mut reader: docker_client::blocking::BodyReader) -> io::Result<Vec<u8>> {
        let mut out = Vec::new();
        io::Read::read_to_end(&mut reader, &mut out)?;
        Ok(out)
    }

    fn enter() -> Option<EnterGuard<'static>> {
        None
    }
}

impl TestFlavour for Tokio {
    const NAME: &'static str = "tokio";

    fn resolve<'a, T: Send + 'a>(out: tk::Pending<'a, T>) -> Result<T> {
        RUNTIME.block_on(out)
    }

    fn pull<T>(items: &mut Items<Tokio, T>) -> Option<Result<T>> {
        use futures_core::Stream;
        let next = std::future::poll_fn(|cx| std::pin::Pin::new(&mut *items).poll_next(cx));
        RUNTIME.block_on(next)
    }

    fn read_body(mut reader: tk::BodyReader) -> io::Result<Vec<u8>> {
        RUNTIME.block_on(async {
            let mut out = Vec::new();
            tokio::io::AsyncReadExt::read_to_end(&mut reader, &mut out).await?;
            Ok(out)
        })
    }

    fn enter() -> Option<EnterGuard<'static>> {
        Some(RUNTIME.enter())
    }
}

/// A method's output as its result, in either flavour: `client.info().wait()`.
pub(crate) trait Wait {
    type Output;
    fn wait(self) -> Result<Self::Output>;
}

impl<T: Send> Wait for Result<T> {
    type Output = T;
    fn wait(self) -> Result<T> {
        Blocking::resolve(self)
    }
}

impl<T: Send> Wait for tk::Pending<'_, T> {
    type Output = T;
    fn wait(self) -> Result<T> {
        Tokio::resolve(self)
    }
}

/// A stream of either flavour, read from the test's thread.
pub(crate) trait Pull: Sized {
    type Item;

    /// The next item, waiting for it; `None` at the end.
    fn pull(&mut self) -> Option<Self::Item>;

    /// The remaining items, as an iterator.
    fn iter(self) -> Pulled<Self> {
        Pulled(self)
    }
}

impl<F: TestFlavour, T> Pull for Items<F, T> {
    type Item = Result<T>;
    fn pull(&mut self) -> Option<Result<T>> {
        F::pull(self)
    }
}

/// The iterator of [`Pull::iter`].
pub(crate) struct Pulled<S>(S);

impl<S: Pull> Iterator for Pulled<S> {
    type Item = S::Item;
    fn next(&mut self) -> Option<S::Item> {
        self.0.pull()
    }
}

/// A body reader of either flavour read to its end: `client.save_images(..)`, `export`.
pub(crate) trait ReadAll {
    fn read_all(self) -> io::Result<Vec<u8>>;
}

impl ReadAll for docker_client::blocking::BodyReader {
    fn read_all(self) -> io::Result<Vec<u8>> {
        Blocking::read_body(self)
    }
}

impl ReadAll for tk::BodyReader {
    fn read_all(self) -> io::Result<Vec<u8>> {
        Tokio::read_body(self)
    }
}

/// The flavour's name of a client, for assertion messages.
pub(crate) trait Named {
    fn name(&self) -> &'static str;
}

impl<F: TestFlavour> Named for Client<F> {
    fn name(&self) -> &'static str {
        F::NAME
    }
}

/// A client for `endpoint`, pinned to `version` when given.
pub(crate) fn client<F: Flavour>(endpoint: &Endpoint, version: Option<&str>) -> Client<F> {
    let builder = Client::<F>::builder().endpoint(endpoint.clone());
    let builder = match version {
        Some(v) => builder.api_version(v),
        None => builder,
    };
    builder.build().unwrap()
}

/// A client for the Unix socket at `path`, negotiating its version.
pub(crate) fn on_socket<F: Flavour>(path: &Path) -> Client<F> {
    client(&Endpoint::Unix(path.to_owned()), None)
}

/// A client for the Unix socket at `path`, pinned to `version`.
pub(crate) fn pinned<F: Flavour>(path: &Path, version: &str) -> Client<F> {
    client(&Endpoint::Unix(path.to_owned()), Some(version))
}
