//! `ssh://` endpoints, the way the docker CLI reaches them: `ssh [-l user] [-p port] -- host
//! docker system dial-stdio`, and HTTP over the child's standard input and output.
//!
//! The child's stdin and stdout are one end of a Unix socket pair rather than two pipes:
//! the other end is then an ordinary `UnixStream` for both flavours, with read and write
//! timeouts, non-blocking probes and half-closes, and no unsafe code. Its stderr is a
//! second pair, read without waiting when the connection fails, so that ssh's own words
//! end up in the error. Each connection is one ssh process; [`SshProcess`]'s drop kills and
//! reaps it, so closing a connection leaves no zombie.

use std::ffi::OsString;
use std::io::{self, Read};
use std::os::fd::OwnedFd;
use std::os::unix::net::UnixStream;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use crate::{SshConfig, SshEndpoint};

/// The ssh process behind one connection, killed and reaped when dropped.
#[derive(Debug)]
pub(crate) struct SshProcess {
    child: Child,
    stderr: UnixStream,
}

impl Drop for SshProcess {
    fn drop(&mut self) {
        // The socket is closed already or about to be; ssh would exit on its own, but a
        // wait for that could hang on a stuck peer. SIGKILL, then reap at once.
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl SshProcess {
    /// What ssh wrote to its standard error so far, without waiting (at most 64 KiB).
    pub(crate) fn stderr_text(&self) -> String {
        let mut out = Vec::new();
        if self.stderr.set_nonblocking(true).is_ok() {
            let _ = (&self.stderr).take(64 * 1024).read_to_end(&mut out);
        }
        String::from_utf8_lossy(&out).trim().to_owned()
    }
}

/// The arguments of ssh for `endpoint`: options, then `--`, the host, and the remote
/// command, each a separate argument (no shell sees them).
pub(crate) fn arguments(
    endpoint: &SshEndpoint,
    config: &SshConfig,
    connect_timeout: Option<Duration>,
) -> Vec<OsString> {
    let mut args: Vec<OsString> = vec!["-o".into(), "BatchMode=yes".into()];
    if let Some(t) = connect_timeout {
        let secs = t.as_secs() + u64::from(t.subsec_nanos() > 0);
        args.push("-o".into());
        args.push(format!("ConnectTimeout={}", secs.max(1)).into());
    }
    for option in &config.options {
        args.push("-o".into());
        args.push(option.into());
    }
    // No terminal: the session carries bytes.
    args.push("-T".into());
    if let Some(user) = &endpoint.user {
        args.push("-l".into());
        args.push(user.into());
    }
    if let Some(port) = endpoint.port {
        args.push("-p".into());
        args.push(port.to_string().into());
    }
    args.push("--".into());
    args.push(endpoint.host.clone().into());
    args.push("docker".into());
    if let Some(path) = &endpoint.path {
        args.push("--host".into());
        args.push(format!("unix://{path}").into());
    }
    args.extend(["system", "dial-stdio"].map(OsString::from));
    args
}

/// Starts ssh for one connection. The returned stream is the engine's side.
pub(crate) fn spawn(
    endpoint: &SshEndpoint,
    config: &SshConfig,
    connect_timeout: Option<Duration>,
) -> io::Result<(UnixStream, SshProcess)> {
    if endpoint.host.starts_with('-') {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            "an ssh host starting with '-' is refused",
        ));
    }
    let (ours, theirs) = UnixStream::pair()?;
    let (errors, their_errors) = UnixStream::pair()?;
    let stdin = OwnedFd::from(theirs.try_clone()?);
    let stdout = OwnedFd::from(theirs);
    let child = Command::new(&config.program)
        .args(arguments(endpoint, config, connect_timeout))
        .stdin(Stdio::from(stdin))
        .stdout(Stdio::from(stdout))
        .stderr(Stdio::from(OwnedFd::from(their_errors)))
        .spawn()
        .map_err(|e| {
            io::Error::new(
                e.kind(),
                format!("cannot run {}: {e}", config.program.display()),
            )
        })?;
    Ok((
        ours,
        SshProcess {
            child,
            stderr: errors,
        },
    ))
}
