//! Plugins (managed, v2): list, inspect, the privileges a remote plugin asks for, pull,
//! create from a tar of `config.json` and `rootfs/`, enable, disable, configure (`set`),
//! upgrade, push and remove.

use std::time::Duration;

use docker_models::{AuthConfig, Plugin, PluginPrivilege, ProgressMessage};

use crate::auth;
use crate::call::Call;
use crate::images::{tar_upload, ProgressLines};
use crate::options::Filters;
use crate::path::{self, Kind, Query};
use crate::stream::Items;
use crate::{Client, Error, Flavour, Result, Upload};

/// Options of `list_plugins` (`GET /plugins`).
///
/// ```
/// let opts = docker_client::ListPluginsOptions::default()
///     .filter("enabled", "true")
///     .filter("capability", "volumedriver");
/// # let _ = opts;
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ListPluginsOptions {
    filters: Filters,
}

impl ListPluginsOptions {
    /// Adds a filter: `enabled` (`true`/`false`) or `capability` (`volumedriver`,
    /// `networkdriver`, `authz`, `logdriver`, ...).
    ///
    /// ```no_run
    /// # let client = docker_client::blocking::Client::from_env()?;
    /// use docker_client::ListPluginsOptions;
    /// for p in client.list_plugins(&ListPluginsOptions::default().filter("enabled", "true"))? {
    ///     println!("{} {}", p.name, p.config.description);
    /// }
    /// # Ok::<(), docker_client::Error>(())
    /// ```
    pub fn filter(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {
        self.filters.add(key, value);
        self
    }
}

/// Options of `privileges_plugin` (`GET /plugins/privileges`).
///
/// `Debug` never prints the credentials.
///
/// ```
/// use docker_client::models::AuthConfig;
/// let auth = AuthConfig { username: "me".into(), password: "s3cret".into(), ..Default::default() };
/// let opts = docker_client::PrivilegesPluginOptions::default().auth(auth);
/// assert!(!format!("{opts:?}").contains("s3cret"));
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PrivilegesPluginOptions {
    auth: Option<AuthConfig>,
}

impl PrivilegesPluginOptions {
    /// Credentials for the plugin's registry (`X-Registry-Auth`).
    ///
    /// ```
    /// use docker_client::models::AuthConfig;
    /// let opts = docker_client::PrivilegesPluginOptions::default().auth(AuthConfig::default());
    /// # let _ = opts;
    /// ```
    pub fn auth(self, auth: AuthConfig) -> Self {
        PrivilegesPluginOptions { auth: Some(auth) }
    }
}

/// Options of `pull_plugin` (`POST /plugins/pull`).
///
/// `Debug` never prints the credentials.
///
/// ```
/// use docker_client::models::PluginPrivilege;
/// let network = PluginPrivilege { name: "network".into(), value: vec!["host".into()], ..Default::default() };
/// let opts = docker_client::PullPluginOptions::default().name("sshfs").grant(vec![network]);
/// # let _ = opts;
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PullPluginOptions {
    name: Option<String>,
    privileges: Vec<PluginPrivilege>,
    auth: Option<AuthConfig>,
}

impl PullPluginOptions {
    /// The local name of the plugin (default: the remote reference).
    ///
    /// ```
    /// let opts = docker_client::PullPluginOptions::default().name("sshfs");
    /// # let _ = opts;
    /// ```
    pub fn name(self, name: impl Into<String>) -> Self {
        PullPluginOptions {
            name: Some(name.into()),
            ..self
        }
    }

    /// The privileges granted: those `privileges_plugin` returned, which the engine
    /// checks against what the plugin asks for.
    ///
    /// ```no_run
    /// # let client = docker_client::blocking::Client::from_env()?;
    /// use docker_client::{PrivilegesPluginOptions, PullPluginOptions};
    /// let remote = "127.0.0.1:5000/team/sshfs:1.0";
    /// let asked = client.privileges_plugin(remote, &PrivilegesPluginOptions::default())?;
    /// client.pull_plugin(remote, &PullPluginOptions::default().grant(asked))?.wait()?;
    /// # Ok::<(), docker_client::Error>(())
    /// ```
    pub fn grant(self, privileges: Vec<PluginPrivilege>) -> Self {
        PullPluginOptions { privileges, ..self }
    }

    /// Credentials for the plugin's registry (`X-Registry-Auth`).
    ///
    /// ```
    /// use docker_client::models::AuthConfig;
    /// let opts = docker_client::PullPluginOptions::default().auth(AuthConfig::default());
    /// # let _ = opts;
    /// ```
    pub fn auth(self, auth: AuthConfig) -> Self {
        PullPluginOptions {
            auth: Some(auth),
            ..self
        }
    }
}

/// Options of `upgrade_plugin` (`POST /plugins/{name}/upgrade`).
///
/// ```
/// let opts = docker_client::UpgradePluginOptions::default().grant(Vec::new());
/// # let _ = opts;
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct UpgradePluginOptions {
    privileges: Vec<PluginPrivilege>,
    auth: Option<AuthConfig>,
}

impl UpgradePluginOptions {
    /// The privileges granted to the new version (see [`PullPluginOptions::grant`]).
    ///
    /// ```
    /// use docker_client::models::PluginPrivilege;
    /// let mount = PluginPrivilege { name: "mount".into(), value: vec!["/var/lib/docker/plugins/".into()], ..Default::default() };
    /// let opts = docker_client::UpgradePluginOptions::default().grant(vec![mount]);
    /// # let _ = opts;
    /// ```
    pub fn grant(self, privileges: Vec<PluginPrivilege>) -> Self {
        UpgradePluginOptions { privileges, ..self }
    }

    /// Credentials for the plugin's registry (`X-Registry-Auth`).
    ///
    /// ```
    /// use docker_client::models::AuthConfig;
    /// let opts = docker_client::UpgradePluginOptions::default().auth(AuthConfig::default());
    /// # let _ = opts;
    /// ```
    pub fn auth(self, auth: AuthConfig) -> Self {
        UpgradePluginOptions {
            auth: Some(auth),
            ..self
        }
    }
}

/// Options of `push_plugin` (`POST /plugins/{name}/push`).
///
/// ```
/// use docker_client::models::AuthConfig;
/// let auth = AuthConfig { username: "me".into(), password: "s3cret".into(), serveraddress: "127.0.0.1:5000".into(), ..Default::default() };
/// let opts = docker_client::PushPluginOptions::default().auth(auth);
/// assert!(!format!("{opts:?}").contains("s3cret"));
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PushPluginOptions {
    auth: Option<AuthConfig>,
}

impl PushPluginOptions {
    /// Credentials for the registry (`X-Registry-Auth`). Without them the encoded empty
    /// object `{}` is sent, as the Docker CLI does.
    ///
    /// ```
    /// use docker_client::models::AuthConfig;
    /// let opts = docker_client::PushPluginOptions::default().auth(AuthConfig::default());
    /// # let _ = opts;
    /// ```
    pub fn auth(self, auth: AuthConfig) -> Self {
        PushPluginOptions { auth: Some(auth) }
    }
}

/// Options of `disable_plugin` (`POST /plugins/{name}/disable`).
///
/// ```
/// let opts = docker_client::DisablePluginOptions::default().force(true);
/// # let _ = opts;
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DisablePluginOptions {
    force: bool,
}

impl DisablePluginOptions {
    /// Disables the plugin even while volumes or networks use it.
    ///
    /// ```
    /// let opts = docker_client::DisablePluginOptions::default().force(true);
    /// # let _ = opts;
    /// ```
    pub fn force(self, force: bool) -> Self {
        DisablePluginOptions { force }
    }
}

/// Options of `remove_plugin` (`DELETE /plugins/{name}`).
///
/// ```
/// let opts = docker_client::RemovePluginOptions::default().force(true);
/// # let _ = opts;
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RemovePluginOptions {
    force: bool,
}

impl RemovePluginOptions {
    /// Removes the plugin even when it is enabled.
    ///
    /// ```
    /// let opts = docker_client::RemovePluginOptions::default().force(true);
    /// # let _ = opts;
    /// ```
    pub fn force(self, force: bool) -> Self {
        RemovePluginOptions { force }
    }
}

/// `/plugins/{name}{suffix}` with `name` validated and encoded.
fn plugin_path(name: &str, suffix: &str) -> Result<String> {
    Ok(format!(
        "/plugins/{}{suffix}",
        path::segment(Kind::Plugin, name)?
    ))
}

/// A remote reference, checked.
fn remote_arg(remote: &str) -> Result<&str> {
    let remote = path::plain_text("plugin reference", remote)?;
    if remote.is_empty() || remote.contains(char::is_whitespace) {
        return Err(Error::InvalidArgument {
            what: "plugin reference",
            reason: format!("{remote:?} is not name[:tag]"),
        });
    }
    Ok(remote)
}

/// The privileges as the JSON body of a pull or an upgrade.
fn grant<R>(call: Call<R>, privileges: &[PluginPrivilege]) -> Result<Call<R>> {
    call.json("plugin privileges", privileges)
}

/// The `X-Registry-Auth` of a pull, an upgrade or a privileges query: none without
/// credentials.
fn with_pull_auth<R>(call: Call<R>, auth: Option<&AuthConfig>) -> Call<R> {
    match auth::for_pull(auth) {
        Some(header) => call.header(auth::HEADER, header.into_value()),
        None => call,
    }
}

impl<F: Flavour> Client<F> {
    /// `GET /plugins`: the installed plugins.
    ///
    /// ```no_run
    /// # let client = docker_client::blocking::Client::from_env()?;
    /// for p in client.list_plugins(&Default::default())? {
    ///     println!("{} enabled={}", p.name, p.enabled);
    /// }
    /// # Ok::<(), docker_client::Error>(())
    /// ```
    pub fn list_plugins(&self, options: &ListPluginsOptions) -> F::Out<'_, Vec<Plugin>> {
        let mut q = Query::default();
        options.filters.push_to(&mut q);
        let call = Call::get("/plugins").query(q);
        self.run(async move {
            let plugins: Option<Vec<Plugin>> = self.json(Ok(call)).await?;
            Ok(plugins.unwrap_or_default())
        })
    }

    /// `GET /plugins/{name}/json`.
    ///
    /// ```no_run
    /// # let client = docker_client::blocking::Client::from_env()?;
    /// let p = client.inspect_plugin("vieux/sshfs:latest")?;
    /// println!("{} {:?}", p.id, p.settings.env);
    /// # Ok::<(), docker_client::Error>(())
    /// ```
    pub fn inspect_plugin(&self, name: &str) -> F::Out<'_, Plugin> {
        let call = plugin_path(name, "/json").map(Call::get);
        self.run(self.json(call))
    }

    /// `GET /plugins/privileges?remote=`: what a plugin in a registry asks to be granted,
    /// to pass to [`PullPluginOptions::grant`].
    ///
    /// ```no_run
    /// # let client = docker_client::blocking::Client::from_env()?;
    /// use docker_client::PrivilegesPluginOptions;
    /// for p in client.privileges_plugin("vieux/sshfs:latest", &PrivilegesPluginOptions::default())? {
    ///     println!("{}: {:?}", p.name, p.value);
    /// }
    /// # Ok::<(), docker_client::Error>(())
    /// ```
    pub fn privileges_plugin(
        &self,
        remote: &str,
        options: &PrivilegesPluginOptions,
    ) -> F::Out<'_, Vec<PluginPrivilege>> {
        let call = remote_arg(remote).map(|remote| {
            let mut q = Query::default();
            q.push("remote", remote);
            with_pull_auth(
                Call::get("/plugins/privileges").query(q),
                options.auth.as_ref(),
            )
        });
        self.run(async move {
            let privileges: Option<Vec<PluginPrivilege>> = self.json(call).await?;
            Ok(privileges.unwrap_or_default())
        })
    }

    /// `POST /plugins/pull?remote=&name=`: installs a plugin from a registry, disabled,
    /// granting `options`' privileges, and returns the progress. An error reported in the
    /// stream is an `Err(Error::Stream)` item.
    ///
    /// ```no_run
    /// # let client = docker_client::blocking::Client::from_env()?;
    /// use docker_client::{PrivilegesPluginOptions, PullPluginOptions};
    /// let remote = "vieux/sshfs:latest";
    /// let asked = client.privileges_plugin(remote, &PrivilegesPluginOptions::default())?;
    /// let opts = PullPluginOptions::default().name("sshfs").grant(asked);
    /// client.pull_plugin(remote, &opts)?.wait()?;
    /// client.enable_plugin("sshfs", None)?;
    /// # Ok::<(), docker_client::Error>(())
    /// ```
    pub fn pull_plugin(
        &self,
        remote: &str,
        options: &PullPluginOptions,
    ) -> F::Out<'_, Items<F, ProgressMessage>> {
        let call = || {
            let mut q = Query::default();
            q.push("remote", remote_arg(remote)?);
            if let Some(name) = &options.name {
                q.push("name", path::plain_text("plugin name", name)?);
            }
            let call = Call::post("/plugins/pull").query(q).streaming();
            let call = with_pull_auth(call, options.auth.as_ref());
            grant(call, &options.privileges)
        };
        self.run(self.items(call(), ProgressLines::new))
    }

    /// `POST /plugins/create?name=`: makes a plugin from a tar archive holding its
    /// `config.json` and its root file system under `rootfs/`, streamed as the body. The
    /// plugin is disabled.
    ///
    /// ```no_run
    /// # let client = docker_client::blocking::Client::from_env()?;
    /// // A directory holding config.json and rootfs/, sent as a tar stream.
    /// let tar = docker_client::BuildContext::from_dir("./my-plugin")?;
    /// client.create_plugin("team/my-plugin:1.0", tar)?;
    /// # Ok::<(), docker_client::Error>(())
    /// ```
    pub fn create_plugin(&self, name: &str, tar: impl Upload<F>) -> F::Out<'_, ()> {
        let call = || {
            let name = path::plain_text("plugin name", name)?;
            path::segment(Kind::Plugin, name)?;
            let mut q = Query::default();
            q.push("name", name);
            Ok(tar_upload(Call::post("/plugins/create").query(q), tar))
        };
        self.run(self.empty(call()))
    }

    /// `POST /plugins/{name}/enable?timeout=`: starts the plugin; the engine waits up to
    /// `timeout` (its own default when `None`) for the plugin to listen on its socket.
    ///
    /// ```no_run
    /// # let client = docker_client::blocking::Client::from_env()?;
    /// client.enable_plugin("sshfs", Some(std::time::Duration::from_secs(30)))?;
    /// # Ok::<(), docker_client::Error>(())
    /// ```
    pub fn enable_plugin(&self, name: &str, timeout: Option<Duration>) -> F::Out<'_, ()> {
        let call = plugin_path(name, "/enable").map(|p| {
            let mut q = Query::default();
            q.push_opt("timeout", timeout.map(|t| t.as_secs()));
            let wait = timeout.unwrap_or_default() + Duration::from_secs(120);
            Call::post(p).query(q).head_timeout(wait)
        });
        self.run(self.empty(call))
    }

    /// `POST /plugins/{name}/disable?force=`: stops the plugin.
    ///
    /// ```no_run
    /// # let client = docker_client::blocking::Client::from_env()?;
    /// use docker_client::DisablePluginOptions;
    /// client.disable_plugin("sshfs", DisablePluginOptions::default())?;
    /// # Ok::<(), docker_client::Error>(())
    /// ```
    pub fn disable_plugin(&self, name: &str, options: DisablePluginOptions) -> F::Out<'_, ()> {
        let call = plugin_path(name, "/disable").map(|p| {
            let mut q = Query::default();
            q.flag("force", options.force);
            Call::post(p).query(q)
        });
        self.run(self.empty(call))
    }

    /// `POST /plugins/{name}/set`: sets settings of a disabled plugin: `NAME=value` for an
    /// environment variable, `mount.source=/path`, `device.path=/dev/x`, or args.
    ///
    /// ```no_run
    /// # let client = docker_client::blocking::Client::from_env()?;
    /// client.set_plugin("sshfs", &["DEBUG=1"])?;
    /// # Ok::<(), docker_client::Error>(())
    /// ```
    pub fn set_plugin(&self, name: &str, settings: &[&str]) -> F::Out<'_, ()> {
        let call = || {
            for s in settings {
                path::plain_text("plugin setting", s)?;
            }
            Call::post(plugin_path(name, "/set")?).json("plugin settings", settings)
        };
        self.run(self.empty(call()))
    }

    /// `POST /plugins/{name}/upgrade?remote=`: replaces a disabled plugin with `remote`,
    /// keeping its settings, and returns the progress.
    ///
    /// ```no_run
    /// # let client = docker_client::blocking::Client::from_env()?;
    /// use docker_client::{PrivilegesPluginOptions, UpgradePluginOptions};
    /// let remote = "vieux/sshfs:next";
    /// let asked = client.privileges_plugin(remote, &PrivilegesPluginOptions::default())?;
    /// client.upgrade_plugin("sshfs", remote, &UpgradePluginOptions::default().grant(asked))?.wait()?;
    /// # Ok::<(), docker_client::Error>(())
    /// ```
    pub fn upgrade_plugin(
        &self,
        name: &str,
        remote: &str,
        options: &UpgradePluginOptions,
    ) -> F::Out<'_, Items<F, ProgressMessage>> {
        let call = || {
            let mut q = Query::default();
            q.push("remote", remote_arg(remote)?);
            let call = Call::post(plugin_path(name, "/upgrade")?)
                .query(q)
                .streaming();
            let call = with_pull_auth(call, options.auth.as_ref());
            grant(call, &options.privileges)
        };
        self.run(self.items(call(), ProgressLines::new))
    }

    /// `POST /plugins/{name}/push`: pushes the plugin to the registry its name points to,
    /// and returns the progress.
    ///
    /// ```no_run
    /// # let client = docker_client::blocking::Client::from_env()?;
    /// use docker_client::PushPluginOptions;
    /// client.push_plugin("127.0.0.1:5000/team/my-plugin:1.0", &PushPluginOptions::default())?.wait()?;
    /// # Ok::<(), docker_client::Error>(())
    /// ```
    pub fn push_plugin(
        &self,
        name: &str,
        options: &PushPluginOptions,
    ) -> F::Out<'_, Items<F, ProgressMessage>> {
        let call = plugin_path(name, "/push").map(|p| {
            let header = auth::for_push(options.auth.as_ref());
            Call::post(p)
                .streaming()
                .header(auth::HEADER, header.into_value())
        });
        self.run(self.items(call, ProgressLines::new))
    }

    /// `DELETE /plugins/{name}?force=`: removes the plugin. An enabled plugin is refused
    /// without `force`. (API documents describe the removed plugin as the answer's body;
    /// engines send none.)
    ///
    /// ```no_run
    /// # let client = docker_client::blocking::Client::from_env()?;
    /// use docker_client::RemovePluginOptions;
    /// client.remove_plugin("sshfs", RemovePluginOptions::default().force(true))?;
    /// # Ok::<(), docker_client::Error>(())
    /// ```
    pub fn remove_plugin(&self, name: &str, options: RemovePluginOptions) -> F::Out<'_, ()> {
        let call = plugin_path(name, "").map(|p| {
            let mut q = Query::default();
            q.flag("force", options.force);
            Call::delete(p).query(q)
        });
        self.run(self.empty(call))
    }
}

#[cfg(feature = "dispatch")]
impl crate::dispatch::FromArg for ListPluginsOptions {
    fn from_arg(v: &serde_json::Value) -> Option<ListPluginsOptions> {
        let mut o = ListPluginsOptions::default();
        for (key, value) in crate::dispatch::filters(&v["filters"]) {
            o = o.filter(key, value);
        }
        Some(o)
    }
}

/// The credentials of `{"auth": {...}}`, if any.
#[cfg(feature = "dispatch")]
fn auth_arg(v: &serde_json::Value) -> Option<Option<AuthConfig>> {
    match v["auth"].is_null() {
        true => Some(None),
        false => serde_json::from_value(v["auth"].clone()).ok().map(Some),
    }
}

/// The privileges of `{"grant": [...]}`.
#[cfg(feature = "dispatch")]
fn grant_arg(v: &serde_json::Value) -> Option<Vec<PluginPrivilege>> {
    match v["grant"].is_null() {
        true => Some(Vec::new()),
        false => serde_json::from_value(v["grant"].clone()).ok(),
    }
}

#[cfg(feature = "dispatch")]
impl crate::dispatch::FromArg for PrivilegesPluginOptions {
    fn from_arg(v: &serde_json::Value) -> Option<PrivilegesPluginOptions> {
        Some(PrivilegesPluginOptions { auth: auth_arg(v)? })
    }
}

#[cfg(feature = "dispatch")]
impl crate::dispatch::FromArg for PullPluginOptions {
    fn from_arg(v: &serde_json::Value) -> Option<PullPluginOptions> {
        Some(PullPluginOptions {
            name: v["name"].as_str().map(str::to_owned),
            privileges: grant_arg(v)?,
            auth: auth_arg(v)?,
        })
    }
}

#[cfg(feature = "dispatch")]
impl crate::dispatch::FromArg for UpgradePluginOptions {
    fn from_arg(v: &serde_json::Value) -> Option<UpgradePluginOptions> {
        Some(UpgradePluginOptions {
            privileges: grant_arg(v)?,
            auth: auth_arg(v)?,
        })
    }
}

#[cfg(feature = "dispatch")]
impl crate::dispatch::FromArg for PushPluginOptions {
    fn from_arg(v: &serde_json::Value) -> Option<PushPluginOptions> {
        Some(PushPluginOptions { auth: auth_arg(v)? })
    }
}

#[cfg(feature = "dispatch")]
impl crate::dispatch::FromArg for DisablePluginOptions {
    fn from_arg(v: &serde_json::Value) -> Option<DisablePluginOptions> {
        Some(DisablePluginOptions::default().force(crate::dispatch::flag(v, "force")))
    }
}

#[cfg(feature = "dispatch")]
impl crate::dispatch::FromArg for RemovePluginOptions {
    fn from_arg(v: &serde_json::Value) -> Option<RemovePluginOptions> {
        Some(RemovePluginOptions::default().force(crate::dispatch::flag(v, "force")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(feature = "blocking")]
    #[test]
    fn bad_arguments_are_refused_before_sending() {
        let client = crate::blocking::Client::unix("/nonexistent/docker.sock");
        let invalid = |e: Error| matches!(e, Error::InvalidArgument { .. });
        assert!(client.inspect_plugin("").is_err_and(invalid));
        assert!(client.inspect_plugin("a/../b").is_err_and(invalid));
        let pulled = client.pull_plugin("a b", &PullPluginOptions::default());
        assert!(pulled.is_err_and(invalid));
        assert!(client.set_plugin("p", &["A=1\n"]).is_err_and(invalid));
        assert!(client
            .create_plugin("", std::io::empty())
            .is_err_and(invalid));
    }
}
