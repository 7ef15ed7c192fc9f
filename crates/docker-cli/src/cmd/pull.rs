//! `dkr pull` and `dkr push`: the engine's progress shown as docker shows it, the
//! credentials taken from docker's `config.json` (or its credential helpers) as docker
//! takes them.

use std::io::Write;

use docker_client::blocking::{Client, Progress};
use docker_client::models::AuthConfig;
use docker_client::{DockerConfig, PullImageOptions, PushImageOptions};

use super::progress::Display;
use crate::args::{PullArgs, PushArgs};
use crate::error::Failure;

/// Where the progress goes, and how it looks.
pub struct Output<'a> {
    /// The progress, and the reference at the end.
    pub out: &'a mut dyn Write,
    /// Warnings.
    pub err: &'a mut dyn Write,
    /// True when `out` is a terminal: layers redrawn in place.
    pub terminal: bool,
    /// The terminal's width (the bar needs more than 110 columns).
    pub width: usize,
}

/// Pulls the image; prints the progress and then the whole reference.
pub fn pull(client: &Client, args: &PullArgs, io: Output<'_>) -> Result<(), Failure> {
    let reference = pull_image(
        client,
        &args.image,
        args.quiet,
        io.terminal,
        io.width,
        io.out,
        io.err,
    )?;
    writeln!(io.out, "{}", full_reference(&reference))?;
    Ok(())
}

/// Pulls `image` (with `latest` when it has no tag), showing the progress on `out` unless
/// `quiet`; returns the reference pulled. `run` uses it for a missing image.
pub fn pull_image(
    client: &Client,
    image: &str,
    quiet: bool,
    terminal: bool,
    width: usize,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Result<String, Failure> {
    let (reference, defaulted) = with_default_tag(image);
    if defaulted && !quiet {
        writeln!(out, "Using default tag: latest")?;
    }
    let mut opts = PullImageOptions::default();
    if let Some(auth) = credentials(&reference, err)? {
        opts = opts.auth(auth);
    }
    let progress = client.pull_image(&reference, &opts)?;
    show(progress, quiet, terminal, width, out)?;
    Ok(reference)
}

/// Pushes the image (or, with `-a`, all its tags) and prints the progress; with `-q`, only
/// the reference.
pub fn push(client: &Client, args: &PushArgs, io: Output<'_>) -> Result<(), Failure> {
    let (reference, defaulted) = match args.all_tags {
        true => (args.image.clone(), false),
        false => with_default_tag(&args.image),
    };
    if defaulted && !args.quiet {
        writeln!(io.out, "Using default tag: latest")?;
    }
    let mut opts = PushImageOptions::default().all_tags(args.all_tags);
    if let Some(auth) = credentials(&reference, io.err)? {
        opts = opts.auth(auth);
    }
    let progress = client.push_image(&reference, &opts)?;
    show(progress, args.quiet, io.terminal, io.width, io.out)?;
    if args.quiet {
        writeln!(io.out, "{}", full_reference(&reference))?;
    }
    Ok(())
}

/// Shows (or, quiet, only drains) the progress; an error the engine reports inside it
/// fails the command.
fn show(
    progress: Progress,
    quiet: bool,
    terminal: bool,
    width: usize,
    out: &mut dyn Write,
) -> Result<(), Failure> {
    let mut display = Display::new(terminal, width);
    for message in progress {
        let message = message.map_err(|e| match e {
            docker_client::Error::Stream { message } => Failure::Other(message),
            e => Failure::Client(e),
        })?;
        if !quiet {
            display.show(&message, out)?;
            out.flush()?;
        }
    }
    Ok(())
}

/// The credentials docker would send for the image's registry, if any. A configuration
/// that cannot be read is a warning, and the pull or push goes on without credentials.
fn credentials(reference: &str, err: &mut dyn Write) -> Result<Option<AuthConfig>, Failure> {
    match DockerConfig::load().and_then(|c| c.credentials_for_image(reference)) {
        Ok(auth) => Ok(auth),
        Err(e) => {
            writeln!(err, "WARNING: no credentials: {e}")?;
            Ok(None)
        }
    }
}

/// The reference with `:latest` when it has neither a tag nor a digest, and whether that
/// was added.
pub fn with_default_tag(reference: &str) -> (String, bool) {
    let last = reference.rsplit('/').next().unwrap_or(reference);
    match last.contains(':') || last.contains('@') {
        true => (reference.to_owned(), false),
        false => (format!("{reference}:latest"), true),
    }
}

/// The reference in full, as docker prints it after a pull: `busybox:1.36` is
/// `docker.io/library/busybox:1.36`, `me/app` is `docker.io/me/app`.
pub fn full_reference(reference: &str) -> String {
    match reference.split_once('/') {
        Some((first, _)) if first.contains(['.', ':']) || first == "localhost" => {
            reference.to_owned()
        }
        Some(_) => format!("docker.io/{reference}"),
        None => format!("docker.io/library/{reference}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references_get_dockers_defaults() {
        assert_eq!(with_default_tag("bb"), ("bb:latest".into(), true));
        assert_eq!(with_default_tag("bb:1"), ("bb:1".into(), false));
        assert_eq!(
            with_default_tag("127.0.0.1:5000/team/app"),
            ("127.0.0.1:5000/team/app:latest".into(), true)
        );
        assert_eq!(
            with_default_tag("a@sha256:ab"),
            ("a@sha256:ab".into(), false)
        );
        assert_eq!(
            full_reference("busybox:1.36"),
            "docker.io/library/busybox:1.36"
        );
        assert_eq!(full_reference("me/app:1"), "docker.io/me/app:1");
        assert_eq!(full_reference("127.0.0.1:5000/x:1"), "127.0.0.1:5000/x:1");
        assert_eq!(full_reference("localhost/x:1"), "localhost/x:1");
        assert_eq!(full_reference("ghcr.io/o/t:1"), "ghcr.io/o/t:1");
    }
}
