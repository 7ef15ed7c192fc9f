//! Exec: run a command in a running container, its session, its state and its TTY size.

use docker_models::{ExecCreateConfig, ExecCreateResponse, ExecInspect, ExecStartConfig};

use crate::call::Call;
use crate::containers::{container_path, size};
use crate::output::framing_for_tty;
use crate::path::{self, Kind};
use crate::session::AttachSession;
use crate::{Client, Flavour, Result};

/// Options of `start_exec` (`POST /exec/{id}/start`).
///
/// ```
/// let opts = docker_client::StartExecOptions::default().tty(true);
/// # let _ = opts;
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct StartExecOptions {
    tty: bool,
}

impl StartExecOptions {
    /// The exec was created with `Tty`: its output is raw, not multiplexed. It must match
    /// the exec's configuration.
    ///
    /// ```
    /// let opts = docker_client::StartExecOptions::default().tty(true);
    /// # let _ = opts;
    /// ```
    pub fn tty(self, tty: bool) -> Self {
        StartExecOptions { tty }
    }
}

impl<F: Flavour> Client<F> {
    /// `POST /containers/{id}/exec`: prepares a command; returns the exec ID.
    ///
    /// ```no_run
    /// # let client = docker_client::blocking::Client::from_env()?;
    /// use docker_client::models::ExecCreateConfig;
    /// use docker_client::StartExecOptions;
    /// let exec = client.create_exec("web", &ExecCreateConfig {
    ///     cmd: vec!["cat".into()],
    ///     attach_stdin: true,
    ///     attach_stdout: true,
    ///     attach_stderr: true,
    ///     ..Default::default()
    /// })?;
    /// let mut session = client.start_exec(&exec.id, StartExecOptions::default())?;
    /// session.write_stdin(b"hello")?;
    /// session.close_stdin()?;
    /// let output = session.collect_output()?;
    /// assert_eq!(output, b"hello");
    /// assert_eq!(client.inspect_exec(&exec.id)?.exit_code, Some(0));
    /// # Ok::<(), docker_client::Error>(())
    /// ```
    pub fn create_exec(
        &self,
        id: &str,
        config: &ExecCreateConfig,
    ) -> F::Out<'_, ExecCreateResponse> {
        let call =
            container_path(id, "/exec").and_then(|p| Call::post(p).json("exec config", config));
        self.run(self.json(call))
    }

    /// `POST /exec/{id}/start`: runs the command and hands back its stdio. The options'
    /// `tty` must match the exec's configuration: it selects raw or multiplexed output.
    ///
    /// ```no_run
    /// # let client = docker_client::blocking::Client::from_env()?;
    /// # let exec_id = "7d2c";
    /// use docker_client::StartExecOptions;
    /// let mut session = client.start_exec(exec_id, StartExecOptions::default().tty(true))?;
    /// session.write_stdin(b"exit\n")?;
    /// # Ok::<(), docker_client::Error>(())
    /// ```
    pub fn start_exec(
        &self,
        exec_id: &str,
        options: StartExecOptions,
    ) -> F::Out<'_, AttachSession<F>> {
        let call = exec_path(exec_id, "/start").and_then(|p| {
            let config = ExecStartConfig {
                detach: false,
                tty: options.tty,
                ..ExecStartConfig::default()
            };
            Ok(Call::post(p).json("exec start", &config)?.upgrade())
        });
        let framing = framing_for_tty(options.tty);
        self.run(async move { self.session(call, Some(framing), "").await })
    }

    /// `GET /exec/{id}/json`: the exec's state and exit code.
    ///
    /// ```no_run
    /// # let client = docker_client::blocking::Client::from_env()?;
    /// # let exec_id = "7d2c";
    /// let exec = client.inspect_exec(exec_id)?;
    /// println!("running: {}, exit code {:?}", exec.running, exec.exit_code);
    /// # Ok::<(), docker_client::Error>(())
    /// ```
    pub fn inspect_exec(&self, exec_id: &str) -> F::Out<'_, ExecInspect> {
        let call = exec_path(exec_id, "/json").map(Call::get);
        self.run(self.json(call))
    }

    /// `POST /exec/{id}/resize?h=&w=`: resizes an exec's TTY.
    ///
    /// ```no_run
    /// # let client = docker_client::blocking::Client::from_env()?;
    /// # let exec_id = "7d2c";
    /// client.resize_exec(exec_id, 40, 120)?;
    /// # Ok::<(), docker_client::Error>(())
    /// ```
    pub fn resize_exec(&self, exec_id: &str, height: u16, width: u16) -> F::Out<'_, ()> {
        let call = exec_path(exec_id, "/resize").map(|p| Call::post(p).query(size(height, width)));
        self.run(self.empty(call))
    }
}

/// `/exec/{id}{suffix}` with `id` validated and encoded.
fn exec_path(id: &str, suffix: &str) -> Result<String> {
    Ok(format!("/exec/{}{suffix}", path::segment(Kind::Exec, id)?))
}

/// A bare boolean, or `{"tty": bool}`.
#[cfg(feature = "dispatch")]
impl crate::dispatch::FromArg for StartExecOptions {
    fn from_arg(v: &serde_json::Value) -> Option<StartExecOptions> {
        let tty = v
            .as_bool()
            .unwrap_or_else(|| crate::dispatch::flag(v, "tty"));
        Some(StartExecOptions::default().tty(tty))
    }
}
