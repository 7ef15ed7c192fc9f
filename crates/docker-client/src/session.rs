//! Upgraded sessions: a hijacked connection to a container's or an exec's stdio, for
//! attach and exec start. Written once; each flavour supplies the reads and writes.

use std::fmt;

use crate::flavour::io::FlavourIo;
use crate::flavour::session_error;
use crate::output::{Framing, OutputDecoder};
use crate::stream::Items;
use crate::{Client, Flavour, LogChunk, Result};

/// A hijacked connection to a container's or an exec's stdio.
///
/// Write to stdin with [`write_stdin`](AttachSession::write_stdin), end it with
/// [`close_stdin`](AttachSession::close_stdin) (a half-close: the process reads EOF), and
/// read the demultiplexed output with [`next_output`](AttachSession::next_output), by
/// iterating (blocking) or as a stream (tokio). [`split`](AttachSession::split) gives
/// halves for two threads or tasks.
///
/// ```no_run
/// use docker_client::models::ExecCreateConfig;
/// use docker_client::StartExecOptions;
/// # let client = docker_client::blocking::Client::from_env()?;
/// let exec = client.create_exec("web", &ExecCreateConfig {
///     cmd: vec!["cat".into()],
///     attach_stdin: true,
///     attach_stdout: true,
///     ..Default::default()
/// })?;
/// let mut session = client.start_exec(&exec.id, StartExecOptions::default())?;
/// session.write_stdin(b"hello")?;
/// session.close_stdin()?;
/// assert_eq!(session.collect_output()?, b"hello");
/// # Ok::<(), docker_client::Error>(())
/// ```
pub struct AttachSession<F: Flavour> {
    input: AttachInput<F>,
    output: Items<F, LogChunk>,
}

/// The stdin half of an [`AttachSession`].
///
/// ```no_run
/// # use docker_client::{AttachOptions, StartExecOptions};
/// # let client = docker_client::blocking::Client::from_env()?;
/// let session = client.attach_container("web", AttachOptions::default().stdin(true))?;
/// let (mut input, output) = session.split();
/// std::thread::spawn(move || {
///     input.write_stdin(b"exit\n")?;
///     input.close()
/// });
/// for chunk in output {
///     print!("{}", String::from_utf8_lossy(&chunk?.data));
/// }
/// # Ok::<(), docker_client::Error>(())
/// ```
pub struct AttachInput<F: Flavour> {
    writer: <F as FlavourIo>::Writer,
    request: String,
}

impl<F: Flavour> Client<F> {
    /// Sends an upgrade call and makes its hijacked connection a session whose output is
    /// framed by `framing`, or, when `None`, by what the answer's headers say (else the
    /// TTY setting of `container`, inspected).
    pub(crate) async fn session(
        &self,
        call: Result<crate::client::CallOf<F>>,
        framing: Option<Framing>,
        container: &str,
    ) -> Result<AttachSession<F>> {
        let (request, response) = self.answer(call).await?;
        let framing = match framing.or_else(|| self.framing_of_answer(&response)) {
            Some(f) => f,
            None => self.framing_of_container(container).await?,
        };
        let (chunks, writer, abort) = F::upgrade(response).await?;
        let decoder = OutputDecoder::new(framing, request.clone());
        Ok(AttachSession {
            input: AttachInput { writer, request },
            output: Items::new(chunks, abort, decoder),
        })
    }
}

impl<F: Flavour> AttachSession<F> {
    /// Writes all of `data` to the process's stdin.
    ///
    /// ```no_run
    /// # use docker_client::AttachOptions;
    /// # let client = docker_client::blocking::Client::from_env()?;
    /// let mut session = client.attach_container("shell", AttachOptions::default().stdin(true))?;
    /// session.write_stdin(b"echo hello\n")?;
    /// # Ok::<(), docker_client::Error>(())
    /// ```
    pub fn write_stdin<'a>(&'a mut self, data: &'a [u8]) -> F::Out<'a, ()> {
        self.input.write_stdin(data)
    }

    /// Closes stdin: the process reads end-of-file. Output keeps flowing.
    ///
    /// ```no_run
    /// # use docker_client::AttachOptions;
    /// # let client = docker_client::blocking::Client::from_env()?;
    /// let mut session = client.attach_container("sort", AttachOptions::default().stdin(true))?;
    /// session.write_stdin(b"b\na\n")?;
    /// session.close_stdin()?; // The process reads end-of-file; its output keeps coming.
    /// assert_eq!(session.collect_output()?, b"a\nb\n");
    /// # Ok::<(), docker_client::Error>(())
    /// ```
    pub fn close_stdin(&mut self) -> F::Out<'_, ()> {
        self.input.close()
    }

    /// The next piece of output; `None` once the process closed its output.
    ///
    /// ```no_run
    /// # use docker_client::AttachOptions;
    /// # let client = docker_client::blocking::Client::from_env()?;
    /// let mut session = client.attach_container("web", AttachOptions::default())?;
    /// while let Some(chunk) = session.next_output()? {
    ///     print!("{}: {}", chunk.stream, String::from_utf8_lossy(&chunk.data));
    /// }
    /// # Ok::<(), docker_client::Error>(())
    /// ```
    pub fn next_output(&mut self) -> F::Out<'_, Option<LogChunk>> {
        F::run(async move { self.output.pull().await.transpose() })
    }

    /// All remaining output, stdout and stderr concatenated in arrival order.
    ///
    /// ```no_run
    /// # use docker_client::AttachOptions;
    /// # let client = docker_client::blocking::Client::from_env()?;
    /// let mut session = client.attach_container("job", AttachOptions::default().logs(true))?;
    /// let output = session.collect_output()?;
    /// println!("{}", String::from_utf8_lossy(&output));
    /// # Ok::<(), docker_client::Error>(())
    /// ```
    pub fn collect_output(&mut self) -> F::Out<'_, Vec<u8>> {
        F::run(async move {
            let mut out = Vec::new();
            while let Some(chunk) = self.output.pull().await {
                out.extend_from_slice(&chunk?.data);
            }
            Ok(out)
        })
    }

    /// Splits into an input half and an output half, for use from two threads or tasks.
    ///
    /// ```no_run
    /// # use docker_client::AttachOptions;
    /// # let client = docker_client::blocking::Client::from_env()?;
    /// let session = client.attach_container("shell", AttachOptions::default().stdin(true))?;
    /// let (mut input, output) = session.split();
    /// let writer = std::thread::spawn(move || input.write_stdin(b"ls /\n").and_then(|()| input.close()));
    /// for chunk in output {
    ///     print!("{}", String::from_utf8_lossy(&chunk?.data));
    /// }
    /// writer.join().unwrap()?;
    /// # Ok::<(), docker_client::Error>(())
    /// ```
    pub fn split(self) -> (AttachInput<F>, Items<F, LogChunk>) {
        (self.input, self.output)
    }

    /// A handle that closes the session from another thread or task.
    ///
    /// ```no_run
    /// # use docker_client::AttachOptions;
    /// # let client = docker_client::blocking::Client::from_env()?;
    /// let session = client.attach_container("web", AttachOptions::default())?;
    /// let handle = session.abort_handle();
    /// std::thread::spawn(move || {
    ///     std::thread::sleep(std::time::Duration::from_secs(60));
    ///     handle.abort();
    /// });
    /// for chunk in session {
    ///     print!("{}", String::from_utf8_lossy(&chunk?.data));
    /// }
    /// # Ok::<(), docker_client::Error>(())
    /// ```
    pub fn abort_handle(&self) -> F::AbortHandle {
        self.output.abort_handle()
    }

    pub(crate) fn output_mut(&mut self) -> &mut Items<F, LogChunk> {
        &mut self.output
    }
}

impl<F: Flavour> AttachInput<F> {
    /// Writes all of `data` to stdin.
    ///
    /// ```no_run
    /// # use docker_client::AttachOptions;
    /// # let client = docker_client::blocking::Client::from_env()?;
    /// let session = client.attach_container("shell", AttachOptions::default().stdin(true))?;
    /// let (mut input, _output) = session.split();
    /// input.write_stdin(b"ls /\n")?;
    /// # Ok::<(), docker_client::Error>(())
    /// ```
    pub fn write_stdin<'a>(&'a mut self, data: &'a [u8]) -> F::Out<'a, ()> {
        F::run(async move {
            F::write_all(&mut self.writer, data)
                .await
                .map_err(|e| session_error(&self.request, e))
        })
    }

    /// Closes stdin (a half-close): the process reads end-of-file.
    ///
    /// ```no_run
    /// # use docker_client::AttachOptions;
    /// # let client = docker_client::blocking::Client::from_env()?;
    /// let session = client.attach_container("cat", AttachOptions::default().stdin(true))?;
    /// let (mut input, output) = session.split();
    /// input.write_stdin(b"the end\n")?;
    /// input.close()?; // `cat` reads end-of-file and exits.
    /// for chunk in output {
    ///     print!("{}", String::from_utf8_lossy(&chunk?.data));
    /// }
    /// # Ok::<(), docker_client::Error>(())
    /// ```
    pub fn close(&mut self) -> F::Out<'_, ()> {
        F::run(async move {
            F::shutdown(&mut self.writer)
                .await
                .map_err(|e| session_error(&self.request, e))
        })
    }
}

impl<F: Flavour> fmt::Debug for AttachSession<F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AttachSession").finish_non_exhaustive()
    }
}

impl<F: Flavour> fmt::Debug for AttachInput<F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AttachInput").finish_non_exhaustive()
    }
}
