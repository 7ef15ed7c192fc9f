//! `dkr login`: checks credentials with the engine (`POST /auth`) and stores them as the
//! Docker CLI does, so that `pull` and `push` (dkr's and docker's) find them: with the
//! credential helper `config.json` names for the registry (`docker-credential-NAME
//! store`), else in `config.json`'s `auths` (base64 of `user:password`, the file made
//! readable by its owner only).
//!
//! The password is read from standard input (`--password-stdin`) or typed at a prompt with
//! the terminal's echo off; it is never printed, logged or put on a command line.

use std::fs;
use std::io::{self, BufRead, Write};
use std::path::Path;
use std::process::{Command, Stdio};

use docker_client::blocking::Client;
use docker_client::models::AuthConfig;
use docker_client::DockerConfig;

use super::stdio::EchoOff;
use crate::args::LoginArgs;
use crate::error::Failure;

/// The key of Docker Hub in `config.json`, and the server when none is given.
pub const HUB: &str = "https://index.docker.io/v1/";

/// dkr's standard input and whether it is a terminal.
pub struct Input<'a> {
    /// Where the user name and password are read.
    pub stdin: &'a mut dyn BufRead,
    /// True when it is a terminal (prompts, echo turned off for the password).
    pub terminal: bool,
}

/// Logs in and stores the credentials.
pub fn run(
    client: &Client,
    args: &LoginArgs,
    input: Input<'_>,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Result<(), Failure> {
    let server = server_key(args.server.as_deref().unwrap_or(HUB));
    if args.password_stdin && args.username.is_none() {
        return Err(Failure::Usage("--password-stdin needs --username".into()));
    }
    if !args.password_stdin && !input.terminal {
        return Err(Failure::Usage(
            "cannot ask for a password without a terminal: use --password-stdin".into(),
        ));
    }
    let username = match &args.username {
        Some(u) => u.clone(),
        None => {
            write!(out, "Username: ")?;
            out.flush()?;
            read_line(input.stdin)?
        }
    };
    let password = match args.password_stdin {
        true => {
            let mut text = String::new();
            input
                .stdin
                .read_to_string(&mut text)
                .map_err(|e| Failure::Other(format!("cannot read the password: {e}")))?;
            text.trim_end_matches(['\n', '\r']).to_owned()
        }
        false => {
            write!(out, "Password: ")?;
            out.flush()?;
            let echo_off = EchoOff::enter();
            let password = read_line(input.stdin);
            drop(echo_off);
            writeln!(out)?;
            password?
        }
    };
    if username.is_empty() || password.is_empty() {
        return Err(Failure::Usage(
            "a user name and a password are needed".into(),
        ));
    }
    let auth = AuthConfig {
        username,
        password,
        serveraddress: server.clone(),
        ..AuthConfig::default()
    };
    let answer = client.login(&auth)?;
    store(&server, &auth, &answer.identity_token, err)?;
    match answer.status.is_empty() {
        true => writeln!(out, "Login Succeeded")?,
        false => writeln!(out, "{}", answer.status)?,
    }
    Ok(())
}

/// One line, without its line end.
fn read_line(stdin: &mut dyn BufRead) -> Result<String, Failure> {
    let mut line = String::new();
    stdin
        .read_line(&mut line)
        .map_err(|e| Failure::Other(format!("cannot read standard input: {e}")))?;
    Ok(line.trim_end_matches(['\n', '\r']).to_owned())
}

/// The key a registry's credentials are stored under, as the Docker CLI chooses it:
/// Docker Hub's URL for Docker Hub, else the host and port alone.
pub fn server_key(server: &str) -> String {
    let rest = server
        .strip_prefix("https://")
        .or_else(|| server.strip_prefix("http://"))
        .unwrap_or(server);
    let host = rest.split('/').next().unwrap_or(rest);
    match host {
        "docker.io" | "index.docker.io" | "registry-1.docker.io" => HUB.to_owned(),
        host => host.to_owned(),
    }
}

/// Stores the credentials (or the identity token the registry gave instead).
fn store(
    server: &str,
    auth: &AuthConfig,
    identity_token: &str,
    err: &mut dyn Write,
) -> Result<(), Failure> {
    let config = DockerConfig::load().map_err(|e| Failure::Other(e.to_string()))?;
    let (username, secret) = match identity_token.is_empty() {
        true => (auth.username.as_str(), auth.password.as_str()),
        false => ("<token>", identity_token),
    };
    if let Some(helper) = config.helper_for(server) {
        return store_with_helper(helper, server, username, secret);
    }
    let Some(path) = DockerConfig::default_path() else {
        writeln!(
            err,
            "WARNING: the credentials are not stored: neither DOCKER_CONFIG nor HOME is set"
        )?;
        return Ok(());
    };
    writeln!(
        err,
        "WARNING! Your password will be stored unencrypted in {}.",
        path.display()
    )?;
    let entry = match identity_token.is_empty() {
        true => {
            serde_json::json!({ "auth": base64(format!("{}:{}", auth.username, auth.password).as_bytes()) })
        }
        false => serde_json::json!({
            "auth": base64(format!("{}:", auth.username).as_bytes()),
            "identitytoken": identity_token,
        }),
    };
    store_in_file(&path, server, entry)
}

/// `docker-credential-NAME store`, the credentials as JSON on its standard input.
fn store_with_helper(
    helper: &str,
    server: &str,
    username: &str,
    secret: &str,
) -> Result<(), Failure> {
    let program = format!("docker-credential-{helper}");
    let failed = |why: String| Failure::Other(format!("{program} store: {why}"));
    let mut child = Command::new(&program)
        .arg("store")
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| failed(e.to_string()))?;
    let body = serde_json::json!({ "ServerURL": server, "Username": username, "Secret": secret });
    if let Some(mut stdin) = child.stdin.take() {
        stdin
            .write_all(body.to_string().as_bytes())
            .map_err(|e| failed(e.to_string()))?;
    }
    let output = child
        .wait_with_output()
        .map_err(|e| failed(e.to_string()))?;
    match output.status.success() {
        true => Ok(()),
        false => Err(failed(
            String::from_utf8_lossy(&output.stderr).trim().to_owned(),
        )),
    }
}

/// Sets `auths[server]` in the JSON file at `path`, keeping everything else, and writes it
/// back whole (a new file renamed over the old one), readable by its owner only.
pub fn store_in_file(path: &Path, server: &str, entry: serde_json::Value) -> Result<(), Failure> {
    let fail = |what: &str, e: &dyn std::fmt::Display| {
        Failure::Other(format!("cannot {what} {}: {e}", path.display()))
    };
    let mut config = match fs::read_to_string(path) {
        Ok(text) if !text.trim().is_empty() => {
            serde_json::from_str(&text).map_err(|e| fail("read", &e))?
        }
        Ok(_) => serde_json::json!({}),
        Err(e) if e.kind() == io::ErrorKind::NotFound => serde_json::json!({}),
        Err(e) => return Err(fail("read", &e)),
    };
    let Some(object) = config.as_object_mut() else {
        return Err(fail("use", &"it is not a JSON object"));
    };
    let auths = object
        .entry("auths")
        .or_insert_with(|| serde_json::json!({}));
    if !auths.is_object() {
        *auths = serde_json::json!({});
    }
    if let Some(auths) = auths.as_object_mut() {
        auths.insert(server.to_owned(), entry);
    }
    if let Some(dir) = path.parent() {
        fs::create_dir_all(dir).map_err(|e| fail("create the directory of", &e))?;
    }
    let mut text = Vec::new();
    let formatter = serde_json::ser::PrettyFormatter::with_indent(b"\t");
    let mut ser = serde_json::Serializer::with_formatter(&mut text, formatter);
    serde::Serialize::serialize(&config, &mut ser).map_err(|e| fail("write", &e))?;
    let temp = path.with_extension(format!("json.dkr-{}", std::process::id()));
    let written = (|| {
        use std::os::unix::fs::OpenOptionsExt;
        let mut file = fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o600)
            .open(&temp)?;
        file.write_all(&text)?;
        file.sync_all()?;
        fs::rename(&temp, path)
    })();
    if let Err(e) = written {
        let _ = fs::remove_file(&temp);
        return Err(fail("write", &e));
    }
    Ok(())
}

/// Standard base64 with padding, as docker writes `auths` in `config.json`.
fn base64(data: &[u8]) -> String {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.encode(data)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_like_the_standard() {
        assert_eq!(base64(b""), "");
        assert_eq!(base64(b"f"), "Zg==");
        assert_eq!(base64(b"fo"), "Zm8=");
        assert_eq!(base64(b"foo"), "Zm9v");
        assert_eq!(base64(b"user:p\xfb\xff"), "dXNlcjpw+/8=");
    }

    #[test]
    fn servers_are_keyed_like_docker() {
        assert_eq!(server_key("https://index.docker.io/v1/"), HUB);
        assert_eq!(server_key("docker.io"), HUB);
        assert_eq!(server_key("127.0.0.1:5000"), "127.0.0.1:5000");
        assert_eq!(server_key("https://ghcr.io/v2/"), "ghcr.io");
    }

    #[test]
    fn stored_credentials_keep_the_rest_of_the_file_and_are_read_back() {
        let dir = std::env::temp_dir().join(format!("dkr-login-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        let path = dir.join("config.json");
        fs::create_dir_all(&dir).unwrap();
        fs::write(
            &path,
            r#"{"auths": {"other:1": {"auth": "eDp5"}}, "psFormat": "table {{.ID}}"}"#,
        )
        .unwrap();
        let entry = serde_json::json!({ "auth": base64(b"me:s3cr:et") });
        store_in_file(&path, "127.0.0.1:5000", entry).unwrap();
        let text = fs::read_to_string(&path).unwrap();
        assert!(text.contains("\"psFormat\": \"table {{.ID}}\""), "{text}");
        let config = DockerConfig::from_path(&path).unwrap();
        let auth = config.credentials_for("127.0.0.1:5000").unwrap().unwrap();
        assert_eq!(
            (auth.username.as_str(), auth.password.as_str()),
            ("me", "s3cr:et")
        );
        assert!(config.credentials_for("other:1").unwrap().is_some());
        use std::os::unix::fs::PermissionsExt;
        let mode = fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
        // A file that is not an object is refused, not replaced.
        fs::write(&path, "[]").unwrap();
        assert!(store_in_file(&path, "x", serde_json::json!({})).is_err());
        fs::remove_dir_all(&dir).unwrap();
    }
}
