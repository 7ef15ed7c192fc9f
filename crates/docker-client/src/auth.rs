//! Registry credentials: the `X-Registry-Auth` header, `POST /auth`, and the Docker CLI's
//! `config.json` (with its credential helpers behind the `credential-helpers` feature).
//!
//! The header is the base64url encoding of the [`AuthConfig`] JSON, padded, as the engine
//! decodes it. Standard base64 is not accepted for every password: a `+` or `/` in the
//! encoded text breaks the engine's URL-safe decoder.

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};

use docker_models::AuthConfig;
use serde::Deserialize;

use crate::{Error, Result};

/// The name of the header that carries registry credentials.
pub(crate) const HEADER: &str = "X-Registry-Auth";

/// The value of an `X-Registry-Auth` header. `Debug` never shows it.
pub(crate) struct AuthHeader(String);

impl AuthHeader {
    /// The encoded value, borrowed.
    #[cfg(test)]
    fn value(&self) -> &str {
        &self.0
    }

    /// The encoded value.
    pub(crate) fn into_value(self) -> String {
        self.0
    }
}

impl fmt::Debug for AuthHeader {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("AuthHeader(<redacted>)")
    }
}

/// True when `auth` holds nothing at all.
fn is_empty(auth: &AuthConfig) -> bool {
    auth == &AuthConfig::default()
}

/// The base64url (padded) encoding of `auth`'s JSON.
pub(crate) fn encode(auth: &AuthConfig) -> AuthHeader {
    let json = serde_json::to_vec(auth).expect("an AuthConfig always serializes");
    AuthHeader(crate::base64::encode_url(&json))
}

/// The header to send with a pull: none without credentials.
pub(crate) fn for_pull(auth: Option<&AuthConfig>) -> Option<AuthHeader> {
    auth.filter(|a| !is_empty(a)).map(encode)
}

/// The header to send with a push: always one. Without credentials it is the encoded empty
/// object `{}`, as the Docker CLI sends: engines before API 1.44 otherwise try to read
/// credentials from the body and refuse the push.
pub(crate) fn for_push(auth: Option<&AuthConfig>) -> AuthHeader {
    encode(auth.unwrap_or(&AuthConfig::default()))
}

/// The registry an image reference lives on: its first path component when that looks
/// like a host (it holds a `.` or a `:`, or is `localhost`), else Docker Hub, `docker.io`.
///
/// ```
/// use docker_client::image_registry;
/// assert_eq!(image_registry("127.0.0.1:5000/team/app:1.0"), "127.0.0.1:5000");
/// assert_eq!(image_registry("ghcr.io/owner/tool"), "ghcr.io");
/// assert_eq!(image_registry("localhost/app"), "localhost");
/// assert_eq!(image_registry("library/busybox:latest"), "docker.io");
/// assert_eq!(image_registry("busybox"), "docker.io");
/// ```
pub fn image_registry(reference: &str) -> &str {
    match reference.split_once('/') {
        Some((first, _)) if first.contains(['.', ':']) || first == "localhost" => first,
        _ => "docker.io",
    }
}

/// The key Docker Hub's credentials are stored under in `config.json`.
const HUB_KEY: &str = "https://index.docker.io/v1/";

/// A registry address without its scheme and path: `https://host:5000/v2/` → `host:5000`.
fn hostname(address: &str) -> &str {
    let rest = address
        .strip_prefix("https://")
        .or_else(|| address.strip_prefix("http://"))
        .unwrap_or(address);
    rest.split('/').next().unwrap_or(rest)
}

fn is_hub(host: &str) -> bool {
    matches!(
        host,
        "docker.io" | "index.docker.io" | "registry-1.docker.io"
    )
}

/// The Docker CLI's `config.json`: stored registry credentials, and which credential
/// helpers hold the others.
///
/// `Debug` never prints passwords or tokens.
///
/// ```no_run
/// use docker_client::{DockerConfig, PullImageOptions};
///
/// let client = docker_client::blocking::Client::from_env()?;
/// let image = "registry.example.com/team/app:1.0";
/// let mut opts = PullImageOptions::default();
/// if let Some(auth) = DockerConfig::load()?.credentials_for_image(image)? {
///     opts = opts.auth(auth);
/// }
/// client.pull_image(image, &opts)?.wait()?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Default)]
pub struct DockerConfig {
    path: Option<PathBuf>,
    auths: BTreeMap<String, AuthConfig>,
    creds_store: Option<String>,
    cred_helpers: BTreeMap<String, String>,
    #[cfg(feature = "credential-helpers")]
    helper_dir: Option<PathBuf>,
}

/// `config.json` as the Docker CLI writes it; only the parts used here.
#[derive(Deserialize, Default)]
#[serde(default)]
struct ConfigFile {
    auths: Option<BTreeMap<String, Option<FileAuth>>>,
    #[serde(rename = "credsStore")]
    creds_store: Option<String>,
    #[serde(rename = "credHelpers")]
    cred_helpers: Option<BTreeMap<String, String>>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct FileAuth {
    auth: Option<String>,
    username: Option<String>,
    password: Option<String>,
    email: Option<String>,
    identitytoken: Option<String>,
    registrytoken: Option<String>,
}

impl DockerConfig {
    /// The path the Docker CLI reads: `$DOCKER_CONFIG/config.json`, else
    /// `$HOME/.docker/config.json`. `None` when neither variable is set.
    ///
    /// ```
    /// if let Some(path) = docker_client::DockerConfig::default_path() {
    ///     assert!(path.ends_with("config.json"));
    /// }
    /// ```
    pub fn default_path() -> Option<PathBuf> {
        let dir = match std::env::var_os("DOCKER_CONFIG") {
            Some(d) if !d.is_empty() => PathBuf::from(d),
            _ => PathBuf::from(std::env::var_os("HOME").filter(|h| !h.is_empty())?).join(".docker"),
        };
        Some(dir.join("config.json"))
    }

    /// Reads [`default_path`](Self::default_path). A missing file (or no home) is an empty
    /// configuration, as for the Docker CLI.
    ///
    /// ```no_run
    /// let config = docker_client::DockerConfig::load()?;
    /// if let Some(auth) = config.credentials_for("ghcr.io")? {
    ///     println!("logged in to ghcr.io as {}", auth.username);
    /// }
    /// # Ok::<(), docker_client::Error>(())
    /// ```
    pub fn load() -> Result<DockerConfig> {
        match DockerConfig::default_path() {
            Some(path) => DockerConfig::from_path(&path),
            None => Ok(DockerConfig::default()),
        }
    }

    /// Reads the configuration at `path`; a missing file is an empty configuration.
    ///
    /// ```
    /// use std::path::Path;
    /// let config = docker_client::DockerConfig::from_path(Path::new("/nonexistent/.docker/config.json"))?;
    /// assert!(config.credentials_for("docker.io")?.is_none()); // A missing file holds no credentials.
    /// # Ok::<(), docker_client::Error>(())
    /// ```
    pub fn from_path(path: &Path) -> Result<DockerConfig> {
        let text = match std::fs::read_to_string(path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
            Err(source) => {
                let message = format!("could not read it: {source}");
                return Err(Error::config(path, message, Some(Box::new(source))));
            }
        };
        let mut config = DockerConfig::parse(&text, path)?;
        config.path = Some(path.to_owned());
        Ok(config)
    }

    /// Parses `config.json` text.
    ///
    /// ```
    /// let config = docker_client::DockerConfig::from_json(
    ///     r#"{"auths":{"127.0.0.1:5000":{"auth":"dXNlcjpwYSs6c3M="}}}"#,
    /// )?;
    /// let auth = config.credentials_for("127.0.0.1:5000")?.unwrap();
    /// assert_eq!((auth.username.as_str(), auth.password.as_str()), ("user", "pa+:ss"));
    /// assert!(!format!("{config:?}").contains("pa+:ss"));
    /// # Ok::<(), docker_client::Error>(())
    /// ```
    pub fn from_json(text: &str) -> Result<DockerConfig> {
        DockerConfig::parse(text, Path::new(""))
    }

    fn parse(text: &str, path: &Path) -> Result<DockerConfig> {
        let file: ConfigFile = match text.trim().is_empty() {
            true => ConfigFile::default(),
            false => serde_json::from_str(text).map_err(|source| {
                let message = format!("could not parse it: {source}");
                Error::config(path, message, Some(Box::new(source)))
            })?,
        };
        let mut auths = BTreeMap::new();
        for (key, entry) in file.auths.unwrap_or_default() {
            let entry = entry.unwrap_or_default();
            let mut auth = AuthConfig {
                username: entry.username.unwrap_or_default(),
                password: entry.password.unwrap_or_default(),
                email: entry.email.unwrap_or_default(),
                serveraddress: key.clone(),
                identitytoken: entry.identitytoken.unwrap_or_default(),
                registrytoken: entry.registrytoken.unwrap_or_default(),
                ..AuthConfig::default()
            };
            if let Some(encoded) = entry.auth.filter(|a| !a.is_empty()) {
                let bad = || {
                    let message =
                        format!("the stored credentials for {key} are not base64 of user:password");
                    Error::config(path, message, None)
                };
                let decoded = crate::base64::decode(encoded.trim()).ok_or_else(bad)?;
                let decoded = String::from_utf8(decoded).map_err(|_| bad())?;
                let (user, password) = decoded.split_once(':').ok_or_else(bad)?;
                auth.username = user.to_owned();
                auth.password = password.to_owned();
            }
            auths.insert(key, auth);
        }
        Ok(DockerConfig {
            path: None,
            auths,
            creds_store: file.creds_store.filter(|s| !s.is_empty()),
            cred_helpers: file.cred_helpers.unwrap_or_default(),
            #[cfg(feature = "credential-helpers")]
            helper_dir: None,
        })
    }

    /// The file this configuration came from, if any.
    ///
    /// ```
    /// use std::path::Path;
    /// use docker_client::DockerConfig;
    /// let config = DockerConfig::from_path(Path::new("/nonexistent/config.json"))?;
    /// assert_eq!(config.path(), Some(Path::new("/nonexistent/config.json")));
    /// assert_eq!(DockerConfig::from_json("{}")?.path(), None);
    /// # Ok::<(), docker_client::Error>(())
    /// ```
    pub fn path(&self) -> Option<&Path> {
        self.path.as_deref()
    }

    /// The credential helper that holds `registry`'s credentials, if the configuration
    /// names one (`credHelpers`, else `credsStore`).
    ///
    /// ```
    /// let config = docker_client::DockerConfig::from_json(
    ///     r#"{"credsStore":"desktop","credHelpers":{"gcr.io":"gcloud"}}"#,
    /// )?;
    /// assert_eq!(config.helper_for("gcr.io"), Some("gcloud"));
    /// assert_eq!(config.helper_for("ghcr.io"), Some("desktop"));
    /// # Ok::<(), docker_client::Error>(())
    /// ```
    pub fn helper_for(&self, registry: &str) -> Option<&str> {
        let (key, host) = keys(registry);
        self.cred_helpers
            .get(key)
            .or_else(|| self.cred_helpers.get(host))
            .or_else(|| self.cred_helpers.get(hostname(registry)))
            .map(String::as_str)
            .filter(|h| !h.is_empty())
            .or(self.creds_store.as_deref())
    }

    /// The credentials for `registry` (`host[:port]`, a URL such as
    /// `https://host:5000/v2/`, or `docker.io`), with `serveraddress` set.
    ///
    /// With the `credential-helpers` feature, a helper named for the registry
    /// (`credHelpers`, else `credsStore`) is asked first, by running
    /// `docker-credential-<name> get`. Without the feature only the credentials stored in
    /// the file itself (`auths`) are found. `Ok(None)` when there are none.
    ///
    /// ```
    /// let config = docker_client::DockerConfig::from_json(
    ///     r#"{"auths":{"registry.example.com:5000":{"auth":"dXNlcjpzZWNyZXQ="}}}"#,
    /// )?;
    /// let auth = config.credentials_for("https://registry.example.com:5000/v2/")?.unwrap();
    /// assert_eq!((auth.username.as_str(), auth.password.as_str()), ("user", "secret"));
    /// assert!(config.credentials_for("ghcr.io")?.is_none());
    /// # Ok::<(), docker_client::Error>(())
    /// ```
    pub fn credentials_for(&self, registry: &str) -> Result<Option<AuthConfig>> {
        let (key, host) = keys(registry);
        #[cfg(feature = "credential-helpers")]
        if let Some(helper) = self.helper_for(registry) {
            if let Some(auth) = self.run_helper(helper, key)? {
                return Ok(Some(auth));
            }
        }
        let found = self.auths.get(key).or_else(|| {
            self.auths.iter().find_map(|(k, a)| {
                let h = hostname(k);
                (h == host || (is_hub(h) && is_hub(host))).then_some(a)
            })
        });
        Ok(found
            .filter(|a| !is_empty_credentials(a))
            .map(|a| AuthConfig {
                serveraddress: key.to_owned(),
                ..a.clone()
            }))
    }

    /// The credentials for the registry of an image reference (see [`image_registry`]).
    ///
    /// ```
    /// let config = docker_client::DockerConfig::from_json(
    ///     r#"{"auths":{"registry.example.com:5000":{"auth":"dXNlcjpzZWNyZXQ="}}}"#,
    /// )?;
    /// let auth = config.credentials_for_image("registry.example.com:5000/team/app:1.2")?.unwrap();
    /// assert_eq!(auth.serveraddress, "registry.example.com:5000");
    /// # Ok::<(), docker_client::Error>(())
    /// ```
    pub fn credentials_for_image(&self, reference: &str) -> Result<Option<AuthConfig>> {
        self.credentials_for(image_registry(reference))
    }

    #[cfg(feature = "credential-helpers")]
    fn run_helper(&self, helper: &str, server: &str) -> Result<Option<AuthConfig>> {
        helpers::get(self.helper_dir.as_deref(), helper, server)
    }

    /// Looks for `docker-credential-*` programs in `dir` instead of `PATH` (tests).
    #[cfg(all(test, feature = "credential-helpers"))]
    fn with_helper_dir(mut self, dir: &Path) -> DockerConfig {
        self.helper_dir = Some(dir.to_owned());
        self
    }
}

/// The `auths` key and the bare host for `registry`.
fn keys(registry: &str) -> (&str, &str) {
    let host = hostname(registry);
    match is_hub(host) || registry == HUB_KEY {
        true => (HUB_KEY, "index.docker.io"),
        false => (host, host),
    }
}

fn is_empty_credentials(a: &AuthConfig) -> bool {
    a.username.is_empty()
        && a.password.is_empty()
        && a.identitytoken.is_empty()
        && a.registrytoken.is_empty()
}

#[cfg(feature = "credential-helpers")]
mod helpers {
    //! `docker-credential-<name> get`: the server address on stdin, JSON on stdout.

    use std::io::Write;
    use std::path::Path;
    use std::process::{Command, Stdio};

    use docker_models::AuthConfig;
    use serde::Deserialize;

    use crate::{Error, Result};

    #[derive(Deserialize, Default)]
    #[serde(default)]
    struct HelperAnswer {
        #[serde(rename = "Username")]
        username: String,
        #[serde(rename = "Secret")]
        secret: String,
    }

    pub(super) fn get(
        dir: Option<&Path>,
        helper: &str,
        server: &str,
    ) -> Result<Option<AuthConfig>> {
        let fail = |message: String| Error::CredentialHelper {
            helper: helper.to_owned(),
            message,
        };
        let valid = !helper.is_empty()
            && helper
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"-_.".contains(&b))
            && !helper.starts_with('.');
        if !valid {
            return Err(fail("the helper name must match [A-Za-z0-9_.-]+".into()));
        }
        let program = format!("docker-credential-{helper}");
        let program = match dir {
            Some(d) => d.join(program),
            None => program.into(),
        };
        let mut child = Command::new(&program)
            .arg("get")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|e| fail(format!("could not run it: {e}")))?;
        let mut stdin = child.stdin.take().expect("stdin is piped");
        let written = stdin.write_all(server.as_bytes());
        drop(stdin);
        let output = child
            .wait_with_output()
            .map_err(|e| fail(format!("could not read its answer: {e}")))?;
        let stdout = String::from_utf8_lossy(&output.stdout);
        if !output.status.success() {
            if stdout.contains("credentials not found") {
                return Ok(None);
            }
            let stderr = String::from_utf8_lossy(&output.stderr);
            let message = match stdout.trim() {
                "" => stderr.trim(),
                text => text,
            };
            return Err(fail(format!("{} ({})", message, output.status)));
        }
        written.map_err(|e| fail(format!("could not write the server address: {e}")))?;
        let answer: HelperAnswer = serde_json::from_slice(&output.stdout)
            .map_err(|e| fail(format!("its answer is not the expected JSON: {e}")))?;
        let mut auth = AuthConfig {
            serveraddress: server.to_owned(),
            ..AuthConfig::default()
        };
        match answer.username.as_str() {
            // Helpers store identity tokens under this user name.
            "<token>" => auth.identitytoken = answer.secret,
            _ => {
                auth.username = answer.username;
                auth.password = answer.secret;
            }
        }
        Ok(Some(auth))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn auth(user: &str, password: &str) -> AuthConfig {
        AuthConfig {
            username: user.into(),
            password: password.into(),
            ..Default::default()
        }
    }

    #[test]
    fn the_header_is_padded_base64url_of_the_json_and_never_debug_printed() {
        let a = auth("me", "p+/=?>>>~~~");
        let header = for_pull(Some(&a)).unwrap();
        let value = header.value();
        assert!(!value.contains(['+', '/']), "{value}");
        assert_eq!(value.len() % 4, 0);
        let json = crate::base64::decode(value).unwrap();
        let back: AuthConfig = serde_json::from_slice(&json).unwrap();
        assert_eq!(back, a);
        assert!(!format!("{header:?}").contains(value));
    }

    #[test]
    fn pull_sends_no_header_without_credentials_and_push_sends_an_empty_object() {
        assert!(for_pull(None).is_none());
        assert!(for_pull(Some(&AuthConfig::default())).is_none());
        assert_eq!(for_push(None).value(), "e30=");
        assert_eq!(for_push(Some(&AuthConfig::default())).value(), "e30=");
    }

    #[test]
    fn hostnames_and_hub_aliases() {
        assert_eq!(hostname("https://host:5000/v2/"), "host:5000");
        assert_eq!(hostname("host:5000"), "host:5000");
        assert_eq!(keys("docker.io"), (HUB_KEY, "index.docker.io"));
        assert_eq!(keys(HUB_KEY), (HUB_KEY, "index.docker.io"));
        assert_eq!(keys("http://reg:1/"), ("reg:1", "reg:1"));
    }

    #[test]
    fn config_json_entries_are_found_by_exact_key_or_hostname() {
        let config = DockerConfig::from_json(
            r#"{
              "auths": {
                "https://index.docker.io/v1/": {"auth": "aHViOmh1YnB3"},
                "https://reg.example.com:5000/v2/": {"auth": "cmVnOnJlZ3B3"},
                "tok.example.com": {"identitytoken": "refresh-me"},
                "empty.example.com": {},
                "null.example.com": null
              },
              "HttpHeaders": {"User-Agent": "x"}
            }"#,
        )
        .unwrap();
        let hub = config.credentials_for("docker.io").unwrap().unwrap();
        assert_eq!(hub.username, "hub");
        assert_eq!(hub.password, "hubpw");
        assert_eq!(hub.serveraddress, HUB_KEY);
        let hub2 = config.credentials_for_image("busybox:latest").unwrap();
        assert_eq!(hub2, Some(hub));

        let reg = config
            .credentials_for_image("reg.example.com:5000/team/app")
            .unwrap()
            .unwrap();
        assert_eq!(
            (reg.username.as_str(), reg.password.as_str()),
            ("reg", "regpw")
        );
        assert_eq!(reg.serveraddress, "reg.example.com:5000");

        let tok = config.credentials_for("tok.example.com").unwrap().unwrap();
        assert_eq!(tok.identitytoken, "refresh-me");
        assert!(tok.password.is_empty());

        assert_eq!(config.credentials_for("empty.example.com").unwrap(), None);
        assert_eq!(config.credentials_for("null.example.com").unwrap(), None);
        assert_eq!(config.credentials_for("other.example.com").unwrap(), None);

        let debug = format!("{config:?}");
        assert!(
            !debug.contains("hubpw") && !debug.contains("refresh-me"),
            "{debug}"
        );
    }

    #[test]
    fn bad_files_are_typed_errors() {
        let err =
            DockerConfig::from_json(r#"{"auths":{"r":{"auth":"bm9jb2xvbg=="}}}"#).unwrap_err();
        assert!(
            matches!(&err, Error::Config { message, source: None, .. }
                if message.contains("credentials for r are not base64")),
            "{err}"
        );
        assert!(matches!(
            DockerConfig::from_json("{").unwrap_err(),
            Error::Config {
                source: Some(_),
                ..
            }
        ));
        let empty = DockerConfig::from_json("").unwrap();
        assert_eq!(empty.credentials_for("docker.io").unwrap(), None);
    }

    #[test]
    fn missing_files_are_empty_and_docker_config_overrides_the_path() {
        let dir = std::env::temp_dir().join(format!("dkr-auth-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let missing = DockerConfig::from_path(&dir.join("nope.json")).unwrap();
        assert_eq!(missing.credentials_for("docker.io").unwrap(), None);
        let file = dir.join("config.json");
        std::fs::write(&file, r#"{"auths":{"r:1":{"auth":"dTpw"}}}"#).unwrap();
        let config = DockerConfig::from_path(&file).unwrap();
        assert_eq!(config.path(), Some(file.as_path()));
        assert_eq!(
            config.credentials_for("r:1").unwrap().unwrap().password,
            "p"
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn helpers_are_chosen_per_registry_then_by_the_store() {
        let config = DockerConfig::from_json(
            r#"{"credsStore":"desktop","credHelpers":{"gcr.io":"gcloud","docker.io":"hubhelper"}}"#,
        )
        .unwrap();
        assert_eq!(config.helper_for("gcr.io"), Some("gcloud"));
        assert_eq!(config.helper_for("docker.io"), Some("hubhelper"));
        assert_eq!(config.helper_for("quay.io"), Some("desktop"));
        let none = DockerConfig::from_json(r#"{"auths":{}}"#).unwrap();
        assert_eq!(none.helper_for("quay.io"), None);
    }

    #[cfg(feature = "credential-helpers")]
    #[test]
    fn credential_helpers_are_run_with_the_server_on_stdin() {
        use std::os::unix::fs::PermissionsExt;

        let dir = std::env::temp_dir().join(format!("dkr-helpers-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let script = |name: &str, body: &str| {
            let path = dir.join(format!("docker-credential-{name}"));
            std::fs::write(&path, format!("#!/bin/sh\n{body}\n")).unwrap();
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
        };
        script(
            "fake",
            r#"[ "$1" = get ] || exit 9
read -r server
case "$server" in
  reg.example.com) printf '{"ServerURL":"%s","Username":"u","Secret":"p+/="}' "$server" ;;
  tok.example.com) printf '{"ServerURL":"%s","Username":"<token>","Secret":"tkn"}' "$server" ;;
  *) echo "credentials not found in native keychain"; exit 1 ;;
esac"#,
        );
        script("broken", "echo 'keychain locked' >&2; exit 3");
        let config = DockerConfig::from_json(
            r#"{"credsStore":"fake","credHelpers":{"bad.example.com":"broken","evil.example.com":"../x"},
                "auths":{"file.example.com":{"auth":"ZjpmcA=="}}}"#,
        )
        .unwrap()
        .with_helper_dir(&dir);

        let a = config.credentials_for("reg.example.com").unwrap().unwrap();
        assert_eq!((a.username.as_str(), a.password.as_str()), ("u", "p+/="));
        assert_eq!(a.serveraddress, "reg.example.com");
        let t = config.credentials_for("tok.example.com").unwrap().unwrap();
        assert_eq!(t.identitytoken, "tkn");
        assert!(t.username.is_empty());
        // Not in the helper: the file's own entry, then nothing.
        let f = config.credentials_for("file.example.com").unwrap().unwrap();
        assert_eq!(f.password, "fp");
        assert_eq!(config.credentials_for("none.example.com").unwrap(), None);

        let err = config.credentials_for("bad.example.com").unwrap_err();
        assert!(
            matches!(&err, Error::CredentialHelper { helper, message }
                if helper == "broken" && message.contains("keychain locked")),
            "{err}"
        );
        let err = config.credentials_for("evil.example.com").unwrap_err();
        assert!(matches!(err, Error::CredentialHelper { .. }), "{err}");
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
