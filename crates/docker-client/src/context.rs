//! Where the engine is: the docker CLI's discovery order, its contexts, and the sockets of
//! rootless Docker, Docker Desktop and Podman.
//!
//! The order is the docker CLI's (`cli/command`'s `resolveContextName` and the default
//! context): an explicit host (the builder's `host`, dkr's `-H`), or an explicit context
//! (`context`, `--context`; both at once is an error, as in docker); then `DOCKER_HOST`;
//! then `DOCKER_CONTEXT`; then `currentContext` in `config.json` under `DOCKER_CONFIG`
//! (default `~/.docker`). Contexts are read from `contexts/meta/<sha256 of the name>/meta.json`,
//! their TLS files from `contexts/tls/<sha256 of the name>/docker/`. When nothing chose an
//! engine, the first socket that exists among [`FALLBACK_SOCKETS`] is used; an explicit
//! choice is never second-guessed by that list.

use std::ffi::OsString;
use std::fmt;
use std::path::{Path, PathBuf};

use docker_transport::Endpoint;
use serde::Deserialize;

use crate::{Error, Result};

/// The name of the built-in context.
///
/// ```
/// let store = docker_client::ContextStore::at("/nonexistent");
/// assert_eq!(store.current()?, docker_client::DEFAULT_CONTEXT);
/// # Ok::<(), docker_client::Error>(())
/// ```
pub const DEFAULT_CONTEXT: &str = "default";

/// The sockets tried, in order, when no host, context or `DOCKER_HOST` says where the
/// engine is: rootful Docker, rootless Docker, Docker Desktop, rootless Podman, rootful
/// Podman. `$XDG_RUNTIME_DIR` and `~` are expanded; an entry whose variable is unset is
/// skipped.
///
/// ```
/// assert_eq!(docker_client::FALLBACK_SOCKETS[0], "/var/run/docker.sock");
/// assert!(docker_client::FALLBACK_SOCKETS.contains(&"/run/podman/podman.sock"));
/// ```
pub const FALLBACK_SOCKETS: &[&str] = &[
    "/var/run/docker.sock",
    "$XDG_RUNTIME_DIR/docker.sock",
    "~/.docker/run/docker.sock",
    "$XDG_RUNTIME_DIR/podman/podman.sock",
    "/run/podman/podman.sock",
];

/// What chose the engine. See [`Client::endpoint_choice`](crate::Client::endpoint_choice).
///
/// ```no_run
/// use docker_client::EndpointSource;
///
/// let client = docker_client::blocking::Client::from_env()?;
/// match &client.endpoint_choice().source {
///     EndpointSource::Context { name, .. } => println!("context {name}"),
///     EndpointSource::Found => println!("found {}", client.endpoint()),
///     other => println!("{other:?}"),
/// }
/// # Ok::<(), docker_client::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum EndpointSource {
    /// The builder's `host` or `endpoint` (dkr's `-H`).
    Explicit,
    /// The `DOCKER_HOST` variable.
    DockerHost,
    /// A context, and what selected it.
    Context {
        /// The context's name.
        name: String,
        /// What selected it.
        selected_by: ContextSelector,
    },
    /// Nothing chose one; this socket of [`FALLBACK_SOCKETS`] exists.
    Found,
    /// Nothing chose one and no socket of [`FALLBACK_SOCKETS`] exists: the default socket.
    Default,
}

/// What selected a context.
///
/// ```
/// use docker_client::{ContextSelector, EndpointChoice, EndpointSource, Endpoint};
///
/// let choice = EndpointChoice {
///     endpoint: Endpoint::parse("tcp://10.0.0.2:2375")?,
///     source: EndpointSource::Context {
///         name: "remote".into(),
///         selected_by: ContextSelector::DockerContext,
///     },
/// };
/// assert_eq!(choice.to_string(), "context \"remote\" (from DOCKER_CONTEXT)");
/// # Ok::<(), docker_client::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum ContextSelector {
    /// The builder's `context` (dkr's `--context`).
    Explicit,
    /// The `DOCKER_CONTEXT` variable.
    DockerContext,
    /// `currentContext` in `config.json` (`docker context use`).
    ConfigFile,
}

/// The engine a client talks to, and why.
///
/// ```no_run
/// let client = docker_client::blocking::Client::from_env()?;
/// let choice = client.endpoint_choice();
/// println!("{} ({})", choice.endpoint, choice);
/// # Ok::<(), docker_client::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EndpointChoice {
    /// The endpoint.
    pub endpoint: Endpoint,
    /// What chose it.
    pub source: EndpointSource,
}

impl fmt::Display for EndpointChoice {
    /// Why, in words: `DOCKER_HOST`, `context "remote" (from DOCKER_CONTEXT)`...
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.source {
            EndpointSource::Explicit => f.write_str("given explicitly"),
            EndpointSource::DockerHost => f.write_str("from DOCKER_HOST"),
            EndpointSource::Context { name, selected_by } => {
                let by = match selected_by {
                    ContextSelector::Explicit => "given explicitly",
                    ContextSelector::DockerContext => "from DOCKER_CONTEXT",
                    ContextSelector::ConfigFile => "the current context of config.json",
                };
                write!(f, "context {name:?} ({by})")
            }
            EndpointSource::Found => f.write_str("the first engine socket found"),
            EndpointSource::Default => {
                f.write_str("the default socket (no host, context or engine socket was found)")
            }
        }
    }
}

/// A docker CLI context: what `docker context inspect` shows.
///
/// ```no_run
/// let store = docker_client::ContextStore::from_env();
/// let context = store.get("remote", None)?;
/// println!("{}: {} ({})", context.name, context.host, context.description());
/// if let Some(dir) = context.tls_dir() {
///     println!("TLS files in {}", dir.display());
/// }
/// # Ok::<(), docker_client::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DockerContext {
    /// The name.
    pub name: String,
    /// The `Metadata` object (its `Description`, and anything else tools stored).
    pub metadata: serde_json::Map<String, serde_json::Value>,
    /// The docker endpoint's `Host`.
    pub host: String,
    /// The docker endpoint's `SkipTLSVerify`.
    pub skip_tls_verify: bool,
    /// The TLS files of the docker endpoint (`ca.pem`, `cert.pem`, `key.pem`), sorted.
    pub tls_files: Vec<String>,
    /// Where its metadata is; `None` for the built-in `default`.
    pub meta_path: Option<PathBuf>,
    /// Where its TLS files are; `None` for the built-in `default`.
    pub tls_path: Option<PathBuf>,
}

impl DockerContext {
    /// The `Description` of its metadata, or "".
    ///
    /// ```
    /// let default = docker_client::ContextStore::at("/nonexistent").get("default", None)?;
    /// assert_eq!(default.description(), "");
    /// # Ok::<(), docker_client::Error>(())
    /// ```
    pub fn description(&self) -> &str {
        self.metadata
            .get("Description")
            .and_then(|d| d.as_str())
            .unwrap_or("")
    }

    /// The directory of its docker TLS files, when it has any.
    ///
    /// ```
    /// let default = docker_client::ContextStore::at("/nonexistent").get("default", None)?;
    /// assert_eq!(default.tls_dir(), None);
    /// # Ok::<(), docker_client::Error>(())
    /// ```
    pub fn tls_dir(&self) -> Option<PathBuf> {
        let dir = self.tls_path.as_ref()?.join("docker");
        (!self.tls_files.is_empty()).then_some(dir)
    }
}

/// A context to store, as `docker context create` writes it: its `Metadata`, its docker
/// endpoint, and that endpoint's TLS files. See [`ContextStore::create`].
///
/// ```
/// let mut context = docker_client::NewContext {
///     host: "tcp://build-box:2376".into(),
///     ..Default::default()
/// };
/// context.metadata.insert("Description".into(), "the build machine".into());
/// context.tls.push(("ca.pem".into(), b"-----BEGIN CERTIFICATE-----\n...".to_vec()));
/// # let _ = context;
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NewContext {
    /// The `Metadata` object: its `Description`, and anything else to keep.
    pub metadata: serde_json::Map<String, serde_json::Value>,
    /// The docker endpoint's `Host`; empty for none (docker then leaves the key out).
    pub host: String,
    /// The docker endpoint's `SkipTLSVerify`.
    pub skip_tls_verify: bool,
    /// The docker endpoint's TLS files, as (file name, PEM): `ca.pem`, `cert.pem`,
    /// `key.pem`.
    pub tls: Vec<(String, Vec<u8>)>,
}

/// The names the docker CLI accepts for a context (besides `default`, which is reserved):
/// `^[a-zA-Z0-9][a-zA-Z0-9_.+-]+$`. [`ContextStore::is_valid_name`] checks it.
///
/// ```
/// let why = format!("names are validated against regexp {:?}", docker_client::CONTEXT_NAME_PATTERN);
/// assert!(why.ends_with(r#""^[a-zA-Z0-9][a-zA-Z0-9_.+-]+$""#));
/// ```
pub const CONTEXT_NAME_PATTERN: &str = "^[a-zA-Z0-9][a-zA-Z0-9_.+-]+$";

#[derive(Deserialize)]
struct MetaFile {
    #[serde(rename = "Name", default)]
    name: String,
    #[serde(rename = "Metadata", default)]
    metadata: Option<serde_json::Map<String, serde_json::Value>>,
    #[serde(rename = "Endpoints", default)]
    endpoints: std::collections::BTreeMap<String, MetaEndpoint>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct MetaEndpoint {
    #[serde(rename = "Host")]
    host: String,
    #[serde(rename = "SkipTLSVerify")]
    skip_tls_verify: bool,
}

/// The docker CLI's configuration directory and the contexts in it.
///
/// ```no_run
/// use docker_client::ContextStore;
/// let store = ContextStore::from_env();
/// for context in store.list()? {
///     println!("{} {}", context.name, context.host);
/// }
/// println!("current: {}", store.current()?);
/// # Ok::<(), docker_client::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContextStore {
    dir: PathBuf,
}

impl ContextStore {
    /// The docker CLI's directory: `DOCKER_CONFIG`, else `~/.docker`.
    ///
    /// ```no_run
    /// let store = docker_client::ContextStore::from_env();
    /// println!("{}", store.config_file().display());
    /// ```
    pub fn from_env() -> ContextStore {
        ContextStore::at(config_dir(&|name| std::env::var_os(name)))
    }

    /// The configuration directory `dir`.
    ///
    /// ```
    /// let store = docker_client::ContextStore::at("/tmp/docker-config");
    /// assert_eq!(store.config_file(), std::path::Path::new("/tmp/docker-config/config.json"));
    /// ```
    pub fn at(dir: impl Into<PathBuf>) -> ContextStore {
        ContextStore { dir: dir.into() }
    }

    /// `config.json` in the directory.
    ///
    /// ```
    /// let store = docker_client::ContextStore::at("/home/me/.docker");
    /// assert_eq!(store.config_file(), std::path::Path::new("/home/me/.docker/config.json"));
    /// ```
    pub fn config_file(&self) -> PathBuf {
        self.dir.join("config.json")
    }

    /// The metadata directory of context `name`: `contexts/meta/<sha256 of the name>`.
    ///
    /// ```
    /// let store = docker_client::ContextStore::at("/c");
    /// assert_eq!(
    ///     store.meta_dir("tlsctx"),
    ///     std::path::Path::new("/c/contexts/meta/71614c1fecf740cb7c15fc358b0458ce7ab245624a47b58c430fc3334c3d64f2")
    /// );
    /// ```
    pub fn meta_dir(&self, name: &str) -> PathBuf {
        self.dir
            .join("contexts/meta")
            .join(sha256_hex(name.as_bytes()))
    }

    /// The TLS directory of context `name`: `contexts/tls/<sha256 of the name>`.
    ///
    /// ```
    /// let store = docker_client::ContextStore::at("/c");
    /// assert_eq!(
    ///     store.tls_dir("tlsctx"),
    ///     std::path::Path::new("/c/contexts/tls/71614c1fecf740cb7c15fc358b0458ce7ab245624a47b58c430fc3334c3d64f2")
    /// );
    /// ```
    pub fn tls_dir(&self, name: &str) -> PathBuf {
        self.dir
            .join("contexts/tls")
            .join(sha256_hex(name.as_bytes()))
    }

    /// `currentContext` of `config.json`, or `default`.
    ///
    /// ```no_run
    /// let name = docker_client::ContextStore::from_env().current()?;
    /// println!("current context: {name}");
    /// # Ok::<(), docker_client::Error>(())
    /// ```
    pub fn current(&self) -> Result<String> {
        let path = self.config_file();
        let text = match std::fs::read_to_string(&path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(DEFAULT_CONTEXT.into()),
            Err(e) => return Err(Error::config(&path, "could not read it", Some(Box::new(e)))),
        };
        if text.trim().is_empty() {
            return Ok(DEFAULT_CONTEXT.into());
        }
        let value: serde_json::Value = serde_json::from_str(&text)
            .map_err(|e| Error::config(&path, "is not valid JSON", Some(Box::new(e))))?;
        match value.get("currentContext").and_then(|c| c.as_str()) {
            Some(name) if !name.is_empty() => Ok(name.to_owned()),
            _ => Ok(DEFAULT_CONTEXT.into()),
        }
    }

    /// The stored contexts (not `default`), sorted by name.
    ///
    /// ```
    /// let store = docker_client::ContextStore::at("/nonexistent");
    /// assert!(store.list()?.is_empty());
    /// # Ok::<(), docker_client::Error>(())
    /// ```
    pub fn list(&self) -> Result<Vec<DockerContext>> {
        let dir = self.dir.join("contexts/meta");
        let entries = match std::fs::read_dir(&dir) {
            Ok(entries) => entries,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(e) => return Err(Error::config(&dir, "could not read it", Some(Box::new(e)))),
        };
        let mut out = Vec::new();
        for entry in entries.flatten() {
            let meta = entry.path().join("meta.json");
            if meta.exists() {
                let context = self.read_meta(&meta)?;
                out.push(context);
            }
        }
        out.sort_by(|a, b| a.name.cmp(&b.name));
        Ok(out)
    }

    /// Context `name`; `default` is the built-in one, whose host is `docker_host` (the
    /// `DOCKER_HOST` in force, or `unix:///var/run/docker.sock`). An unknown name is an
    /// error naming it.
    ///
    /// ```
    /// let store = docker_client::ContextStore::at("/nonexistent");
    /// let default = store.get("default", None)?;
    /// assert_eq!(default.host, "unix:///var/run/docker.sock");
    /// let err = store.get("nope", None).unwrap_err();
    /// assert!(err.to_string().contains("\"nope\""));
    /// # Ok::<(), docker_client::Error>(())
    /// ```
    pub fn get(&self, name: &str, docker_host: Option<&str>) -> Result<DockerContext> {
        if name == DEFAULT_CONTEXT {
            return Ok(DockerContext {
                name: DEFAULT_CONTEXT.into(),
                metadata: serde_json::Map::new(),
                host: docker_host
                    .unwrap_or("unix:///var/run/docker.sock")
                    .to_owned(),
                skip_tls_verify: false,
                tls_files: Vec::new(),
                meta_path: None,
                tls_path: None,
            });
        }
        let meta = self.meta_dir(name).join("meta.json");
        if !meta.exists() {
            return Err(Error::config(
                &meta,
                format!("context {name:?} not found; `docker context ls` lists the contexts"),
                None,
            ));
        }
        self.read_meta(&meta)
    }

    fn read_meta(&self, path: &Path) -> Result<DockerContext> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| Error::config(path, "could not read it", Some(Box::new(e))))?;
        let meta: MetaFile = serde_json::from_str(&text)
            .map_err(|e| Error::config(path, "is not a context's meta.json", Some(Box::new(e))))?;
        let docker = meta.endpoints.get("docker");
        let tls_path = self.tls_dir(&meta.name);
        let mut tls_files: Vec<String> = std::fs::read_dir(tls_path.join("docker"))
            .map(|entries| {
                entries
                    .flatten()
                    .map(|e| e.file_name().to_string_lossy().into_owned())
                    .collect()
            })
            .unwrap_or_default();
        tls_files.sort();
        Ok(DockerContext {
            metadata: meta.metadata.unwrap_or_default(),
            host: docker.map(|d| d.host.clone()).unwrap_or_default(),
            skip_tls_verify: docker.is_some_and(|d| d.skip_tls_verify),
            tls_files,
            meta_path: path.parent().map(Path::to_owned),
            tls_path: Some(tls_path),
            name: meta.name,
        })
    }

    /// True when `name` matches [`CONTEXT_NAME_PATTERN`]; `default` does, but is reserved.
    ///
    /// ```
    /// use docker_client::ContextStore;
    /// assert!(ContextStore::is_valid_name("build-box.2"));
    /// assert!(!ContextStore::is_valid_name("x"));
    /// assert!(!ContextStore::is_valid_name("-x"));
    /// assert!(!ContextStore::is_valid_name("a b"));
    /// ```
    pub fn is_valid_name(name: &str) -> bool {
        let mut chars = name.chars();
        let first = chars.next().is_some_and(|c| c.is_ascii_alphanumeric());
        let rest: Vec<char> = chars.collect();
        first
            && !rest.is_empty()
            && rest
                .iter()
                .all(|c| c.is_ascii_alphanumeric() || "_.+-".contains(*c))
    }

    /// True when context `name` is stored (never for `default`).
    ///
    /// ```
    /// let store = docker_client::ContextStore::at("/nonexistent");
    /// assert!(!store.exists("remote"));
    /// ```
    pub fn exists(&self, name: &str) -> bool {
        name != DEFAULT_CONTEXT && self.meta_dir(name).join("meta.json").is_file()
    }

    /// Stores context `name` as `docker context create` does: `meta.json` in compact JSON
    /// as Go writes it (`<`, `>` and `&` escaped, the `Host` left out when empty) in a
    /// directory of mode 0755, and the TLS files (mode 0600) under
    /// `contexts/tls/<sha256 of the name>/docker/`, whose directories are private (0700).
    /// An invalid, reserved or taken name is refused, and nothing is written then.
    ///
    /// ```no_run
    /// let store = docker_client::ContextStore::from_env();
    /// let context = docker_client::NewContext {
    ///     host: "ssh://me@build-box".into(),
    ///     ..Default::default()
    /// };
    /// store.create("build-box", &context)?;
    /// # Ok::<(), docker_client::Error>(())
    /// ```
    pub fn create(&self, name: &str, context: &NewContext) -> Result<()> {
        let meta_dir = self.meta_dir(name);
        let refused = |reason: String| Error::config(&meta_dir, reason, None);
        if name == DEFAULT_CONTEXT {
            return Err(refused(format!("{name:?} is a reserved context name")));
        }
        if !ContextStore::is_valid_name(name) {
            return Err(refused(format!(
                "context name {name:?} is invalid, names are validated against regexp {CONTEXT_NAME_PATTERN:?}"
            )));
        }
        if self.exists(name) {
            return Err(refused(format!("context {name:?} already exists")));
        }
        let mut docker = serde_json::Map::new();
        if !context.host.is_empty() {
            docker.insert("Host".into(), context.host.clone().into());
        }
        docker.insert("SkipTLSVerify".into(), context.skip_tls_verify.into());
        let meta = serde_json::json!({
            "Name": name,
            "Metadata": context.metadata,
            "Endpoints": {"docker": docker},
        });
        // Go's field order (Name, Metadata, Endpoints), not serde_json's sorted keys.
        let text = format!(
            "{{\"Name\":{},\"Metadata\":{},\"Endpoints\":{}}}",
            go_json(&meta["Name"]),
            go_json(&meta["Metadata"]),
            go_json(&meta["Endpoints"]),
        );
        let written = (|| -> std::io::Result<()> {
            use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt};
            std::fs::DirBuilder::new()
                .recursive(true)
                .mode(0o755)
                .create(&meta_dir)?;
            if !context.tls.is_empty() {
                // Every directory this makes is private, contexts/tls included.
                let dir = self.tls_dir(name).join("docker");
                std::fs::DirBuilder::new()
                    .recursive(true)
                    .mode(0o700)
                    .create(&dir)?;
                for (file, pem) in &context.tls {
                    use std::io::Write;
                    std::fs::OpenOptions::new()
                        .write(true)
                        .create(true)
                        .truncate(true)
                        .mode(0o600)
                        .open(dir.join(file))?
                        .write_all(pem)?;
                }
            }
            std::fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .mode(0o644)
                .open(meta_dir.join("meta.json"))
                .and_then(|mut f| std::io::Write::write_all(&mut f, text.as_bytes()))
        })();
        written.map_err(|e| {
            let _ = self.remove_files(name);
            Error::config(&meta_dir, "could not write the context", Some(Box::new(e)))
        })
    }

    /// Removes context `name`, as `docker context rm -f` does: its metadata and TLS
    /// directories, and `currentContext` in `config.json` when it names it (the current
    /// context is then `default`). A name that is not stored is no error; `default` is.
    ///
    /// ```no_run
    /// docker_client::ContextStore::from_env().remove("build-box")?;
    /// # Ok::<(), docker_client::Error>(())
    /// ```
    pub fn remove(&self, name: &str) -> Result<()> {
        if name == DEFAULT_CONTEXT {
            return Err(Error::config(
                self.config_file(),
                format!("context {name:?} cannot be removed"),
                None,
            ));
        }
        if self.current()? == name {
            self.set_current(DEFAULT_CONTEXT)?;
        }
        self.remove_files(name).map_err(|e| {
            Error::config(
                self.meta_dir(name),
                "could not remove it",
                Some(Box::new(e)),
            )
        })
    }

    fn remove_files(&self, name: &str) -> std::io::Result<()> {
        for dir in [self.meta_dir(name), self.tls_dir(name)] {
            match std::fs::remove_dir_all(&dir) {
                Err(e) if e.kind() != std::io::ErrorKind::NotFound => return Err(e),
                _ => {}
            }
        }
        Ok(())
    }

    /// Makes `name` the current context, as `docker context use` does: `currentContext` in
    /// `config.json` (removed for `default`), the rest of the file kept, `auths` present,
    /// written whole with tabs, readable by its owner only. An unknown name is an error.
    ///
    /// ```no_run
    /// let store = docker_client::ContextStore::from_env();
    /// store.set_current("remote")?; // `docker context show` now says remote
    /// store.set_current("default")?;
    /// # Ok::<(), docker_client::Error>(())
    /// ```
    pub fn set_current(&self, name: &str) -> Result<()> {
        self.get(name, None)?;
        let path = self.config_file();
        let mut config = match std::fs::read_to_string(&path) {
            Ok(text) if !text.trim().is_empty() => serde_json::from_str(&text)
                .map_err(|e| Error::config(&path, "is not valid JSON", Some(Box::new(e))))?,
            Ok(_) => serde_json::json!({}),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => serde_json::json!({}),
            Err(e) => return Err(Error::config(&path, "could not read it", Some(Box::new(e)))),
        };
        let Some(object) = config.as_object_mut() else {
            return Err(Error::config(&path, "is not a JSON object", None));
        };
        object
            .entry("auths")
            .or_insert_with(|| serde_json::json!({}));
        match name {
            DEFAULT_CONTEXT => object.remove("currentContext"),
            _ => object.insert("currentContext".into(), name.into()),
        };
        let mut text = Vec::new();
        let formatter = serde_json::ser::PrettyFormatter::with_indent(b"\t");
        let mut ser = serde_json::Serializer::with_formatter(&mut text, formatter);
        serde::Serialize::serialize(&config, &mut ser)
            .map_err(|e| Error::config(&path, "could not encode it", Some(Box::new(e))))?;
        write_private(&path, &text)
            .map_err(|e| Error::config(&path, "could not write it", Some(Box::new(e))))
    }
}

/// Compact JSON as Go's `encoding/json` writes it: `<`, `>`, `&`, U+2028 and U+2029
/// escaped (they can only occur inside strings).
fn go_json(value: &serde_json::Value) -> String {
    value
        .to_string()
        .replace('<', "\\u003c")
        .replace('>', "\\u003e")
        .replace('&', "\\u0026")
        .replace('\u{2028}', "\\u2028")
        .replace('\u{2029}', "\\u2029")
}

fn write_private(path: &Path, text: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let temp = path.with_extension(format!("json.dkr-{}", std::process::id()));
    let written = (|| {
        let mut file = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o600)
            .open(&temp)?;
        file.write_all(text)?;
        file.sync_all()?;
        std::fs::rename(&temp, path)
    })();
    if written.is_err() {
        let _ = std::fs::remove_file(&temp);
    }
    written
}

/// `DOCKER_CONFIG`, else `~/.docker`.
pub(crate) fn config_dir(get: &dyn Fn(&str) -> Option<OsString>) -> PathBuf {
    match (get("DOCKER_CONFIG").filter(|v| !v.is_empty()), home(get)) {
        (Some(dir), _) => PathBuf::from(dir),
        (None, Some(home)) => home.join(".docker"),
        (None, None) => PathBuf::from(".docker"),
    }
}

fn home(get: &dyn Fn(&str) -> Option<OsString>) -> Option<PathBuf> {
    get("HOME").filter(|v| !v.is_empty()).map(PathBuf::from)
}

/// What discovery was asked: the explicit choices, and whether the environment counts.
#[derive(Debug, Clone, Default)]
pub(crate) struct Wanted {
    pub(crate) host: Option<String>,
    pub(crate) context: Option<String>,
    pub(crate) use_env: bool,
}

/// The outcome of discovery: the host string as the docker CLI would show it, how TLS is
/// to be set up, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Found {
    pub(crate) host: String,
    pub(crate) tls: TlsFrom,
    pub(crate) source: EndpointSource,
}

/// Where the TLS settings come from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum TlsFrom {
    /// The docker CLI's flags and variables (`DOCKER_TLS_VERIFY`, `DOCKER_TLS`,
    /// `DOCKER_CERT_PATH`, and the builder's TLS options): the default context's.
    Flags,
    /// A context's TLS files (verified unless `SkipTLSVerify`).
    Context {
        dir: Option<PathBuf>,
        skip_verify: bool,
    },
}

/// Runs the docker CLI's order over an environment lookup and a socket test.
pub(crate) fn discover(
    wanted: &Wanted,
    get: &dyn Fn(&str) -> Option<OsString>,
    is_socket: &dyn Fn(&Path) -> bool,
) -> Result<Found> {
    let env = |name: &str| {
        wanted
            .use_env
            .then(|| get(name))
            .flatten()
            .filter(|v| !v.is_empty())
            .map(|v| v.to_string_lossy().into_owned())
    };
    let store = ContextStore::at(config_dir(get));
    let flags = |host: String, source| Found {
        host,
        tls: TlsFrom::Flags,
        source,
    };
    if let (Some(_), Some(_)) = (&wanted.host, &wanted.context) {
        return Err(Error::InvalidArgument {
            what: "endpoint",
            reason: "conflicting options: either specify --host or --context, not both".into(),
        });
    }
    if let Some(host) = &wanted.host {
        return Ok(flags(host.clone(), EndpointSource::Explicit));
    }
    let docker_host = env("DOCKER_HOST");
    let selected = match (&wanted.context, &docker_host, env("DOCKER_CONTEXT")) {
        (Some(name), _, _) => Some((name.clone(), ContextSelector::Explicit)),
        (None, Some(host), _) => return Ok(flags(host.clone(), EndpointSource::DockerHost)),
        (None, None, Some(name)) => Some((name, ContextSelector::DockerContext)),
        (None, None, None) if wanted.use_env => {
            let current = store.current()?;
            (current != DEFAULT_CONTEXT).then_some((current, ContextSelector::ConfigFile))
        }
        (None, None, None) => None,
    };
    match selected {
        Some((name, ContextSelector::Explicit)) if name == DEFAULT_CONTEXT => {
            let host = docker_host.unwrap_or_else(|| "unix:///var/run/docker.sock".into());
            let source = EndpointSource::Context {
                name,
                selected_by: ContextSelector::Explicit,
            };
            Ok(flags(host, source))
        }
        Some((name, _)) if name == DEFAULT_CONTEXT => Ok(probe(get, is_socket)),
        Some((name, selected_by)) => {
            let context = store.get(&name, None)?;
            if context.host.is_empty() {
                return Err(Error::config(
                    context.meta_path.unwrap_or_default(),
                    format!("context {name:?} has no docker endpoint"),
                    None,
                ));
            }
            Ok(Found {
                tls: TlsFrom::Context {
                    dir: context.tls_dir(),
                    skip_verify: context.skip_tls_verify,
                },
                host: context.host,
                source: EndpointSource::Context { name, selected_by },
            })
        }
        None => Ok(probe(get, is_socket)),
    }
}

/// The first of [`FALLBACK_SOCKETS`] that is a socket, else the default.
fn probe(get: &dyn Fn(&str) -> Option<OsString>, is_socket: &dyn Fn(&Path) -> bool) -> Found {
    for pattern in FALLBACK_SOCKETS {
        let Some(path) = expand(pattern, get) else {
            continue;
        };
        if is_socket(&path) {
            return Found {
                host: format!("unix://{}", path.display()),
                tls: TlsFrom::Flags,
                source: EndpointSource::Found,
            };
        }
    }
    Found {
        host: "unix:///var/run/docker.sock".into(),
        tls: TlsFrom::Flags,
        source: EndpointSource::Default,
    }
}

fn expand(pattern: &str, get: &dyn Fn(&str) -> Option<OsString>) -> Option<PathBuf> {
    if let Some(rest) = pattern.strip_prefix("$XDG_RUNTIME_DIR/") {
        let dir = get("XDG_RUNTIME_DIR").filter(|v| !v.is_empty())?;
        return Some(PathBuf::from(dir).join(rest));
    }
    if let Some(rest) = pattern.strip_prefix("~/") {
        return Some(home(get)?.join(rest));
    }
    Some(PathBuf::from(pattern))
}

/// True when `path` is a Unix socket.
pub(crate) fn is_socket(path: &Path) -> bool {
    use std::os::unix::fs::FileTypeExt;
    std::fs::metadata(path).is_ok_and(|m| m.file_type().is_socket())
}

/// SHA-256 of `data` in lower-case hex: the directory names of the context store.
pub(crate) fn sha256_hex(data: &[u8]) -> String {
    const K: [u32; 64] = [
        0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4,
        0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe,
        0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f,
        0x4a7484aa, 0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7,
        0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc,
        0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b,
        0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116,
        0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
        0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7,
        0xc67178f2,
    ];
    let mut h: [u32; 8] = [
        0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab,
        0x5be0cd19,
    ];
    let mut message = data.to_vec();
    message.push(0x80);
    while message.len() % 64 != 56 {
        message.push(0);
    }
    message.extend_from_slice(&((data.len() as u64) * 8).to_be_bytes());
    for block in message.chunks_exact(64) {
        let mut w = [0u32; 64];
        for (i, word) in block.chunks_exact(4).enumerate() {
            w[i] = u32::from_be_bytes([word[0], word[1], word[2], word[3]]);
        }
        for i in 16..64 {
            let s0 = w[i - 15].rotate_right(7) ^ w[i - 15].rotate_right(18) ^ (w[i - 15] >> 3);
            let s1 = w[i - 2].rotate_right(17) ^ w[i - 2].rotate_right(19) ^ (w[i - 2] >> 10);
            w[i] = w[i - 16]
                .wrapping_add(s0)
                .wrapping_add(w[i - 7])
                .wrapping_add(s1);
        }
        let [mut a, mut b, mut c, mut d, mut e, mut f, mut g, mut hh] = h;
        for i in 0..64 {
            let s1 = e.rotate_right(6) ^ e.rotate_right(11) ^ e.rotate_right(25);
            let ch = (e & f) ^ (!e & g);
            let t1 = hh
                .wrapping_add(s1)
                .wrapping_add(ch)
                .wrapping_add(K[i])
                .wrapping_add(w[i]);
            let s0 = a.rotate_right(2) ^ a.rotate_right(13) ^ a.rotate_right(22);
            let maj = (a & b) ^ (a & c) ^ (b & c);
            let t2 = s0.wrapping_add(maj);
            hh = g;
            g = f;
            f = e;
            e = d.wrapping_add(t1);
            d = c;
            c = b;
            b = a;
            a = t1.wrapping_add(t2);
        }
        for (x, y) in h.iter_mut().zip([a, b, c, d, e, f, g, hh]) {
            *x = x.wrapping_add(y);
        }
    }
    h.iter().map(|x| format!("{x:08x}")).collect()
}

#[cfg(test)]
mod tests {
    //! Every branch of the discovery order, over temporary `DOCKER_CONFIG` trees.
    use super::*;

    struct Tree(PathBuf);

    impl Tree {
        fn new(name: &str) -> Tree {
            let dir = std::env::temp_dir().join(format!("dkr-ctx-{name}-{}", std::process::id()));
            let _ = std::fs::remove_dir_all(&dir);
            std::fs::create_dir_all(&dir).unwrap();
            Tree(dir)
        }

        fn context(&self, name: &str, host: &str) -> &Tree {
            let store = ContextStore::at(&self.0);
            let dir = store.meta_dir(name);
            std::fs::create_dir_all(&dir).unwrap();
            let meta = format!(
                r#"{{"Name":"{name}","Metadata":{{}},"Endpoints":{{"docker":{{"Host":"{host}","SkipTLSVerify":false}}}}}}"#
            );
            std::fs::write(dir.join("meta.json"), meta).unwrap();
            self
        }

        fn current(&self, name: &str) -> &Tree {
            ContextStore::at(&self.0).set_current(name).unwrap();
            self
        }
    }

    impl Drop for Tree {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }

    fn run(
        wanted: &Wanted,
        tree: &Tree,
        vars: &[(&str, &str)],
        sockets: &[&str],
    ) -> Result<(String, EndpointSource)> {
        let config = tree.0.display().to_string();
        let get = |name: &str| {
            if name == "DOCKER_CONFIG" {
                return Some(OsString::from(&config));
            }
            vars.iter()
                .find(|(n, _)| *n == name)
                .map(|(_, v)| OsString::from(v))
        };
        let is_socket = |p: &Path| sockets.iter().any(|s| Path::new(s) == p);
        discover(wanted, &get, &is_socket).map(|f| (f.host, f.source))
    }

    fn env() -> Wanted {
        Wanted {
            use_env: true,
            ..Wanted::default()
        }
    }

    #[test]
    fn the_store_hashes_names_as_docker_does() {
        assert_eq!(
            sha256_hex(b""),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
        assert_eq!(
            sha256_hex(b"tlsctx"),
            "71614c1fecf740cb7c15fc358b0458ce7ab245624a47b58c430fc3334c3d64f2"
        );
        let long = vec![b'a'; 200];
        assert_eq!(sha256_hex(&long).len(), 64);
    }

    #[test]
    fn discovery_follows_the_docker_cli_order() {
        let tree = Tree::new("order");
        tree.context("a", "tcp://a:2375")
            .context("b", "unix:///b.sock")
            .current("b");
        let explicit = Wanted {
            host: Some("unix:///x.sock".into()),
            ..env()
        };
        let all = [("DOCKER_HOST", "tcp://h:2375"), ("DOCKER_CONTEXT", "a")];
        // The explicit host beats everything.
        let (host, source) = run(&explicit, &tree, &all, &[]).unwrap();
        assert_eq!(
            (host.as_str(), source),
            ("unix:///x.sock", EndpointSource::Explicit)
        );
        // An explicit context beats DOCKER_HOST, as docker's --context does.
        let ctx = Wanted {
            context: Some("a".into()),
            ..env()
        };
        let (host, source) = run(&ctx, &tree, &all, &[]).unwrap();
        assert_eq!(host, "tcp://a:2375");
        assert_eq!(
            source,
            EndpointSource::Context {
                name: "a".into(),
                selected_by: ContextSelector::Explicit
            }
        );
        // Both at once is docker's conflict.
        let both = Wanted {
            context: Some("a".into()),
            ..explicit.clone()
        };
        assert!(run(&both, &tree, &[], &[])
            .unwrap_err()
            .to_string()
            .contains("conflicting"));
        // Then DOCKER_HOST, then DOCKER_CONTEXT, then currentContext.
        let (host, source) = run(&env(), &tree, &all, &[]).unwrap();
        assert_eq!(
            (host.as_str(), source),
            ("tcp://h:2375", EndpointSource::DockerHost)
        );
        let (host, source) = run(&env(), &tree, &all[1..], &[]).unwrap();
        assert_eq!(host, "tcp://a:2375");
        assert!(matches!(
            source,
            EndpointSource::Context {
                selected_by: ContextSelector::DockerContext,
                ..
            }
        ));
        let (host, source) = run(&env(), &tree, &[], &[]).unwrap();
        assert_eq!(host, "unix:///b.sock");
        assert!(matches!(
            source,
            EndpointSource::Context {
                selected_by: ContextSelector::ConfigFile,
                ..
            }
        ));
        // An unknown context is an error naming it.
        let err = run(&env(), &tree, &[("DOCKER_CONTEXT", "nope")], &[]).unwrap_err();
        assert!(err.to_string().contains("\"nope\""), "{err}");
    }

    #[test]
    fn without_any_choice_the_first_engine_socket_found_is_used() {
        let tree = Tree::new("probe");
        let xdg = [("XDG_RUNTIME_DIR", "/run/user/1000"), ("HOME", "/home/u")];
        let cases: &[(&[&str], &str, EndpointSource)] = &[
            (
                &["/var/run/docker.sock", "/run/user/1000/docker.sock"],
                "unix:///var/run/docker.sock",
                EndpointSource::Found,
            ),
            (
                &["/run/user/1000/docker.sock"],
                "unix:///run/user/1000/docker.sock",
                EndpointSource::Found,
            ),
            (
                &["/home/u/.docker/run/docker.sock"],
                "unix:///home/u/.docker/run/docker.sock",
                EndpointSource::Found,
            ),
            (
                &[
                    "/run/user/1000/podman/podman.sock",
                    "/run/podman/podman.sock",
                ],
                "unix:///run/user/1000/podman/podman.sock",
                EndpointSource::Found,
            ),
            (
                &["/run/podman/podman.sock"],
                "unix:///run/podman/podman.sock",
                EndpointSource::Found,
            ),
            (&[], "unix:///var/run/docker.sock", EndpointSource::Default),
        ];
        for (sockets, host, source) in cases {
            let got = run(&env(), &tree, &xdg, sockets).unwrap();
            assert_eq!((got.0.as_str(), &got.1), (*host, source), "{sockets:?}");
        }
        // The default context named explicitly is the default socket: never probed.
        let ctx = Wanted {
            context: Some("default".into()),
            ..env()
        };
        let got = run(&ctx, &tree, &xdg, &["/run/podman/podman.sock"]).unwrap();
        assert_eq!(got.0, "unix:///var/run/docker.sock");
        // A current context of `default` (after `context use default`) probes.
        tree.current("default");
        let got = run(&env(), &tree, &xdg, &["/run/podman/podman.sock"]).unwrap();
        assert_eq!(got.0, "unix:///run/podman/podman.sock");
    }

    #[test]
    fn context_use_writes_current_context_as_docker_does() {
        let tree = Tree::new("use");
        tree.context("a", "tcp://a:2375").current("a");
        let text = std::fs::read_to_string(tree.0.join("config.json")).unwrap();
        assert_eq!(text, "{\n\t\"auths\": {},\n\t\"currentContext\": \"a\"\n}");
        tree.current("default");
        let text = std::fs::read_to_string(tree.0.join("config.json")).unwrap();
        assert_eq!(text, "{\n\t\"auths\": {}\n}");
        assert!(ContextStore::at(&tree.0).set_current("nope").is_err());
    }

    #[test]
    fn a_created_context_reads_back_and_its_removal_resets_the_current_one() {
        let tree = Tree::new("create");
        let store = ContextStore::at(&tree.0);
        let mut context = NewContext {
            host: "tcp://build-box:2376".into(),
            tls: vec![("ca.pem".into(), b"-----BEGIN CERTIFICATE-----\n".to_vec())],
            ..NewContext::default()
        };
        context
            .metadata
            .insert("Description".into(), "a <b> & c".into());
        store.create("build-box", &context).unwrap();
        let meta = std::fs::read_to_string(store.meta_dir("build-box").join("meta.json")).unwrap();
        assert_eq!(
            meta,
            r#"{"Name":"build-box","Metadata":{"Description":"a \u003cb\u003e \u0026 c"},"Endpoints":{"docker":{"Host":"tcp://build-box:2376","SkipTLSVerify":false}}}"#
        );
        let read = store.get("build-box", None).unwrap();
        assert_eq!(read.host, "tcp://build-box:2376");
        assert_eq!(read.description(), "a <b> & c");
        assert_eq!(read.tls_files, ["ca.pem"]);
        let taken = store.create("build-box", &context).unwrap_err().to_string();
        assert!(taken.contains("already exists"), "{taken}");
        for refused in ["default", "x", "-x", "a b"] {
            assert!(store.create(refused, &context).is_err(), "{refused}");
            assert!(!store.meta_dir(refused).exists(), "{refused}");
        }
        store.set_current("build-box").unwrap();
        store.remove("build-box").unwrap();
        assert_eq!(store.current().unwrap(), DEFAULT_CONTEXT);
        assert!(!store.meta_dir("build-box").exists());
        assert!(!store.tls_dir("build-box").exists());
        store.remove("build-box").unwrap();
        assert!(store.remove(DEFAULT_CONTEXT).is_err());
    }
}
