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
pub const DEFAULT_CONTEXT: &str = "default";

/// The sockets tried, in order, when no host, context or `DOCKER_HOST` says where the
/// engine is: rootful Docker, rootless Docker, Docker Desktop, rootless Podman, rootful
/// Podman. `$XDG_RUNTIME_DIR` and `~` are expanded; an entry whose variable is unset is
/// skipped.
pub const FALLBACK_SOCKETS: &[&str] = &[
    "/var/run/docker.sock",
    "$XDG_RUNTIME_DIR/docker.sock",
    "~/.docker/run/docker.sock",
    "$XDG_RUNTIME_DIR/podman/podman.sock",
    "/run/podman/podman.sock",
];

/// What chose the engine. See [`Client::endpoint_choice`](crate::Client::endpoint_choice).
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
    pub fn description(&self) -> &str {
        self.metadata
            .get("Description")
            .and_then(|d| d.as_str())
            .unwrap_or("")
    }

    /// The directory of its docker TLS files, when it has any.
    pub fn tls_dir(&self) -> Option<PathBuf> {
        let dir = self.tls_path.as_ref()?.join("docker");
        (!self.tls_files.is_empty()).then_some(dir)
    }
}

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
    pub fn tls_dir(&self, name: &str) -> PathBuf {
        self.dir
            .join("contexts/tls")
            .join(sha256_hex(name.as_bytes()))
    }

    /// `currentContext` of `config.json`, or `default`.
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

    /// Makes `name` the current context, as `docker context use` does: `currentContext` in
    /// `config.json` (removed for `default`), the rest of the file kept, `auths` present,
    /// written whole with tabs, readable by its owner only. An unknown name is an error.
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
}
