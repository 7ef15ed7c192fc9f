//! Plugins: `GET /plugins`, `GET /plugins/{name}/json`, `GET /plugins/privileges`.

use serde::{Deserialize, Serialize};

use crate::de;

/// A plugin (`GET /plugins/{name}/json`, items of `GET /plugins`, the answer of
/// `DELETE /plugins/{name}`).
///
/// ```
/// let p: docker_models::Plugin = serde_json::from_str(
///     r#"{"Id":"dbf94a240b4b","Name":"dkr-probe:latest","Enabled":false,
///         "Settings":{"Mounts":[],"Env":["DEBUG=0"],"Args":[],"Devices":[]},
///         "PluginReference":"dkr-probe:latest",
///         "Config":{"Description":"a test plugin","Interface":{"Socket":"dkr.sock","Types":["docker.volumedriver/1.0"]},
///                   "Entrypoint":["/bin/sleep","3600"],"Network":{"Type":"none"},"Env":[{"Name":"DEBUG","Settable":["value"],"Value":"0"}]}}"#,
/// ).unwrap();
/// assert_eq!(p.settings.env, ["DEBUG=0"]);
/// assert_eq!(p.config.interface.types, ["docker.volumedriver/1.0"]);
/// assert_eq!(p.config.env[0].settable, ["value"]);
/// ```
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Plugin {
    /// `Id`.
    #[serde(rename = "Id", deserialize_with = "de::nullable")]
    pub id: String,
    /// `Name`, with its tag: `vieux/sshfs:latest`.
    #[serde(rename = "Name", deserialize_with = "de::nullable")]
    pub name: String,
    /// `Enabled`: running, not only installed.
    #[serde(rename = "Enabled", deserialize_with = "de::flag")]
    pub enabled: bool,
    /// `Settings`: what the user may set.
    #[serde(rename = "Settings", deserialize_with = "de::nullable")]
    pub settings: PluginSettings,
    /// `PluginReference`: the reference it is pushed to and pulled from.
    #[serde(rename = "PluginReference", deserialize_with = "de::nullable")]
    pub plugin_reference: String,
    /// `Config`: the plugin's `config.json`.
    #[serde(rename = "Config", deserialize_with = "de::nullable")]
    pub config: PluginConfig,
}

/// `Settings` of a [`Plugin`].
///
/// ```
/// let s: docker_models::PluginSettings = serde_json::from_str(r#"{"Env":["DEBUG=1"],"Args":null}"#).unwrap();
/// assert_eq!(s.env, ["DEBUG=1"]);
/// assert!(s.args.is_empty());
/// ```
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct PluginSettings {
    /// `Mounts`.
    #[serde(rename = "Mounts", deserialize_with = "de::nullable")]
    pub mounts: Vec<PluginMount>,
    /// `Env`: `NAME=value`.
    #[serde(rename = "Env", deserialize_with = "de::nullable")]
    pub env: Vec<String>,
    /// `Args`.
    #[serde(rename = "Args", deserialize_with = "de::nullable")]
    pub args: Vec<String>,
    /// `Devices`.
    #[serde(rename = "Devices", deserialize_with = "de::nullable")]
    pub devices: Vec<PluginDevice>,
}

/// `Config` of a [`Plugin`]: its `config.json`, as the engine keeps it.
///
/// ```
/// let c: docker_models::PluginConfig = serde_json::from_str(
///     r#"{"Description":"sshfs","Interface":{"Socket":"sshfs.sock","Types":["docker.volumedriver/1.0"]},
///         "Linux":{"Capabilities":["CAP_SYS_ADMIN"],"AllowAllDevices":false,"Devices":null},
///         "rootfs":{"type":"layers","diff_ids":["sha256:295c"]}}"#,
/// ).unwrap();
/// assert_eq!(c.linux.capabilities, ["CAP_SYS_ADMIN"]);
/// assert_eq!(c.rootfs.diff_ids.len(), 1);
/// ```
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct PluginConfig {
    /// `DockerVersion`: the engine that made it (deprecated in API 1.51).
    #[serde(
        rename = "DockerVersion",
        deserialize_with = "de::nullable",
        skip_serializing_if = "String::is_empty"
    )]
    pub docker_version: String,
    /// `Description`.
    #[serde(rename = "Description", deserialize_with = "de::nullable")]
    pub description: String,
    /// `Documentation`: a URL.
    #[serde(rename = "Documentation", deserialize_with = "de::nullable")]
    pub documentation: String,
    /// `Interface`: how the engine talks to it.
    #[serde(rename = "Interface", deserialize_with = "de::nullable")]
    pub interface: PluginInterface,
    /// `Entrypoint`.
    #[serde(rename = "Entrypoint", deserialize_with = "de::nullable")]
    pub entrypoint: Vec<String>,
    /// `WorkDir`.
    #[serde(rename = "WorkDir", deserialize_with = "de::nullable")]
    pub work_dir: String,
    /// `User`.
    #[serde(rename = "User", deserialize_with = "de::nullable")]
    pub user: PluginUser,
    /// `Network`.
    #[serde(rename = "Network", deserialize_with = "de::nullable")]
    pub network: PluginNetwork,
    /// `Linux`: capabilities and devices.
    #[serde(rename = "Linux", deserialize_with = "de::nullable")]
    pub linux: PluginLinux,
    /// `PropagatedMount`.
    #[serde(rename = "PropagatedMount", deserialize_with = "de::nullable")]
    pub propagated_mount: String,
    /// `IpcHost`.
    #[serde(rename = "IpcHost", deserialize_with = "de::flag")]
    pub ipc_host: bool,
    /// `PidHost`.
    #[serde(rename = "PidHost", deserialize_with = "de::flag")]
    pub pid_host: bool,
    /// `Mounts`.
    #[serde(rename = "Mounts", deserialize_with = "de::nullable")]
    pub mounts: Vec<PluginMount>,
    /// `Env`: the variables, and which the user may set.
    #[serde(rename = "Env", deserialize_with = "de::nullable")]
    pub env: Vec<PluginEnv>,
    /// `Args`.
    #[serde(rename = "Args", deserialize_with = "de::nullable")]
    pub args: PluginArgs,
    /// `rootfs`: the layers of its root file system.
    #[serde(rename = "rootfs", deserialize_with = "de::nullable")]
    pub rootfs: PluginRootFs,
}

/// `Interface` of a [`PluginConfig`].
///
/// ```
/// let i: docker_models::PluginInterface =
///     serde_json::from_str(r#"{"Types":["docker.authz/1.0"],"Socket":"authz.sock","ProtocolScheme":"moby.plugins.http/v1"}"#).unwrap();
/// assert_eq!(i.protocol_scheme, "moby.plugins.http/v1");
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct PluginInterface {
    /// `Types`: `docker.volumedriver/1.0`, `docker.networkdriver/1.0`, ...
    #[serde(rename = "Types", deserialize_with = "de::nullable")]
    pub types: Vec<String>,
    /// `Socket`: its name under `/run/docker/plugins`.
    #[serde(rename = "Socket", deserialize_with = "de::nullable")]
    pub socket: String,
    /// `ProtocolScheme`.
    #[serde(
        rename = "ProtocolScheme",
        deserialize_with = "de::nullable",
        skip_serializing_if = "String::is_empty"
    )]
    pub protocol_scheme: String,
}

/// `User` of a [`PluginConfig`].
///
/// ```
/// let u: docker_models::PluginUser = serde_json::from_str(r#"{"UID":1000,"GID":1000}"#).unwrap();
/// assert_eq!((u.uid, u.gid), (1000, 1000));
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct PluginUser {
    /// `UID`.
    #[serde(
        rename = "UID",
        deserialize_with = "de::uint",
        skip_serializing_if = "de::is_default"
    )]
    pub uid: u64,
    /// `GID`.
    #[serde(
        rename = "GID",
        deserialize_with = "de::uint",
        skip_serializing_if = "de::is_default"
    )]
    pub gid: u64,
}

/// `Network` of a [`PluginConfig`].
///
/// ```
/// let n: docker_models::PluginNetwork = serde_json::from_str(r#"{"Type":"host"}"#).unwrap();
/// assert_eq!(n.typ, "host");
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct PluginNetwork {
    /// `Type`: `host`, `none`, ...
    #[serde(rename = "Type", deserialize_with = "de::nullable")]
    pub typ: String,
}

/// `Linux` of a [`PluginConfig`].
///
/// ```
/// let l: docker_models::PluginLinux = serde_json::from_str(r#"{"AllowAllDevices":true}"#).unwrap();
/// assert!(l.allow_all_devices && l.capabilities.is_empty());
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct PluginLinux {
    /// `Capabilities`: `CAP_SYS_ADMIN`, ...
    #[serde(rename = "Capabilities", deserialize_with = "de::nullable")]
    pub capabilities: Vec<String>,
    /// `AllowAllDevices`.
    #[serde(rename = "AllowAllDevices", deserialize_with = "de::flag")]
    pub allow_all_devices: bool,
    /// `Devices`.
    #[serde(rename = "Devices", deserialize_with = "de::nullable")]
    pub devices: Vec<PluginDevice>,
}

/// A mount of a plugin (`Mounts` of [`PluginConfig`] and [`PluginSettings`]).
///
/// ```
/// let m: docker_models::PluginMount = serde_json::from_str(
///     r#"{"Name":"state","Source":"/var/lib/docker/plugins/","Destination":"/mnt/state","Type":"bind","Options":["rbind","rw"]}"#,
/// ).unwrap();
/// assert_eq!(m.options, ["rbind", "rw"]);
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct PluginMount {
    /// `Name`.
    #[serde(rename = "Name", deserialize_with = "de::nullable")]
    pub name: String,
    /// `Description`.
    #[serde(rename = "Description", deserialize_with = "de::nullable")]
    pub description: String,
    /// `Settable`: which fields the user may change (`source`, ...).
    #[serde(rename = "Settable", deserialize_with = "de::nullable")]
    pub settable: Vec<String>,
    /// `Source`.
    #[serde(rename = "Source", deserialize_with = "de::nullable")]
    pub source: String,
    /// `Destination`.
    #[serde(rename = "Destination", deserialize_with = "de::nullable")]
    pub destination: String,
    /// `Type`, e.g. `bind`.
    #[serde(rename = "Type", deserialize_with = "de::nullable")]
    pub typ: String,
    /// `Options`.
    #[serde(rename = "Options", deserialize_with = "de::nullable")]
    pub options: Vec<String>,
}

/// A device of a plugin.
///
/// ```
/// let d: docker_models::PluginDevice = serde_json::from_str(r#"{"Name":"fuse","Path":"/dev/fuse"}"#).unwrap();
/// assert_eq!(d.path, "/dev/fuse");
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct PluginDevice {
    /// `Name`.
    #[serde(rename = "Name", deserialize_with = "de::nullable")]
    pub name: String,
    /// `Description`.
    #[serde(rename = "Description", deserialize_with = "de::nullable")]
    pub description: String,
    /// `Settable`.
    #[serde(rename = "Settable", deserialize_with = "de::nullable")]
    pub settable: Vec<String>,
    /// `Path`.
    #[serde(rename = "Path", deserialize_with = "de::nullable")]
    pub path: String,
}

/// An environment variable of a plugin's [`PluginConfig`].
///
/// ```
/// let e: docker_models::PluginEnv = serde_json::from_str(r#"{"Name":"DEBUG","Settable":["value"],"Value":"0"}"#).unwrap();
/// assert_eq!((e.name.as_str(), e.value.as_str()), ("DEBUG", "0"));
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct PluginEnv {
    /// `Name`.
    #[serde(rename = "Name", deserialize_with = "de::nullable")]
    pub name: String,
    /// `Description`.
    #[serde(rename = "Description", deserialize_with = "de::nullable")]
    pub description: String,
    /// `Settable`.
    #[serde(rename = "Settable", deserialize_with = "de::nullable")]
    pub settable: Vec<String>,
    /// `Value`: the default.
    #[serde(rename = "Value", deserialize_with = "de::nullable")]
    pub value: String,
}

/// `Args` of a [`PluginConfig`].
///
/// ```
/// let a: docker_models::PluginArgs = serde_json::from_str(r#"{"Name":"args","Value":["-v"]}"#).unwrap();
/// assert_eq!(a.value, ["-v"]);
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct PluginArgs {
    /// `Name`.
    #[serde(rename = "Name", deserialize_with = "de::nullable")]
    pub name: String,
    /// `Description`.
    #[serde(rename = "Description", deserialize_with = "de::nullable")]
    pub description: String,
    /// `Settable`.
    #[serde(rename = "Settable", deserialize_with = "de::nullable")]
    pub settable: Vec<String>,
    /// `Value`.
    #[serde(rename = "Value", deserialize_with = "de::nullable")]
    pub value: Vec<String>,
}

/// `rootfs` of a [`PluginConfig`].
///
/// ```
/// let r: docker_models::PluginRootFs = serde_json::from_str(r#"{"type":"layers","diff_ids":["sha256:675532"]}"#).unwrap();
/// assert_eq!(r.typ, "layers");
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct PluginRootFs {
    /// `type`: `layers`.
    #[serde(rename = "type", deserialize_with = "de::nullable")]
    pub typ: String,
    /// `diff_ids`.
    #[serde(rename = "diff_ids", deserialize_with = "de::nullable")]
    pub diff_ids: Vec<String>,
}

/// A privilege a plugin asks for (`GET /plugins/privileges`), which a pull or an upgrade
/// must grant by sending it back.
///
/// ```
/// let p: docker_models::PluginPrivilege = serde_json::from_str(
///     r#"{"Name":"network","Description":"permissions to access a network","Value":["host"]}"#,
/// ).unwrap();
/// assert_eq!(p.value, ["host"]);
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct PluginPrivilege {
    /// `Name`: `network`, `mount`, `device`, `capabilities`, ...
    #[serde(rename = "Name", deserialize_with = "de::nullable")]
    pub name: String,
    /// `Description`.
    #[serde(rename = "Description", deserialize_with = "de::nullable")]
    pub description: String,
    /// `Value`.
    #[serde(rename = "Value", deserialize_with = "de::nullable")]
    pub value: Vec<String>,
}
