//! `POST /containers/create` and `POST /containers/{id}/wait`.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::common::EmptyObject;
use crate::container::HealthConfig;
use crate::de;
use crate::host_config::HostConfig;
use crate::network_settings::EndpointSettings;

/// The body of `POST /containers/create`.
///
/// Fields equal to their default are not sent, so the image's own settings (`Cmd`,
/// `Entrypoint`, `Env`, `WorkingDir`, `User`, ...) apply unless set here. Note that an
/// empty `entrypoint` therefore means "inherit"; to clear the image's entrypoint send
/// `vec!["".into()]`, as the CLI does for `--entrypoint ""`.
///
/// [`extra`](Self::extra) is merged into the top-level object: the escape hatch for
/// options this type does not name.
///
/// ```
/// use docker_models::{ContainerCreateConfig, HostConfig};
///
/// let mut body = ContainerCreateConfig::new("alpine:3");
/// body.cmd = vec!["sleep".into(), "60".into()];
/// body.labels.insert("app".into(), "demo".into());
/// body.host_config = HostConfig { auto_remove: true, ..Default::default() };
/// body.extra.insert("MacAddress".into(), "02:42:ac:11:00:02".into());
///
/// let json = serde_json::to_value(&body).unwrap();
/// assert_eq!(
///     json,
///     serde_json::json!({
///         "Image": "alpine:3",
///         "Cmd": ["sleep", "60"],
///         "Labels": {"app": "demo"},
///         "HostConfig": {"AutoRemove": true},
///         "MacAddress": "02:42:ac:11:00:02"
///     })
/// );
/// ```
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(remote = "Self", default)]
pub struct ContainerCreateConfig {
    /// `Hostname`.
    #[serde(
        rename = "Hostname",
        deserialize_with = "de::nullable",
        skip_serializing_if = "de::is_default"
    )]
    pub hostname: String,
    /// `Domainname`.
    #[serde(
        rename = "Domainname",
        deserialize_with = "de::nullable",
        skip_serializing_if = "de::is_default"
    )]
    pub domainname: String,
    /// `User`: `user`, `user:group`, `uid` or `uid:gid`.
    #[serde(
        rename = "User",
        deserialize_with = "de::nullable",
        skip_serializing_if = "de::is_default"
    )]
    pub user: String,
    /// `AttachStdin`.
    #[serde(
        rename = "AttachStdin",
        deserialize_with = "de::flag",
        skip_serializing_if = "de::is_default"
    )]
    pub attach_stdin: bool,
    /// `AttachStdout`.
    #[serde(
        rename = "AttachStdout",
        deserialize_with = "de::flag",
        skip_serializing_if = "de::is_default"
    )]
    pub attach_stdout: bool,
    /// `AttachStderr`.
    #[serde(
        rename = "AttachStderr",
        deserialize_with = "de::flag",
        skip_serializing_if = "de::is_default"
    )]
    pub attach_stderr: bool,
    /// `ExposedPorts`: a set of `"port/proto"` keys, e.g. `"80/tcp"`.
    #[serde(
        rename = "ExposedPorts",
        deserialize_with = "de::nullable",
        skip_serializing_if = "de::is_default"
    )]
    pub exposed_ports: BTreeMap<String, EmptyObject>,
    /// `Tty`.
    #[serde(
        rename = "Tty",
        deserialize_with = "de::flag",
        skip_serializing_if = "de::is_default"
    )]
    pub tty: bool,
    /// `OpenStdin`.
    #[serde(
        rename = "OpenStdin",
        deserialize_with = "de::flag",
        skip_serializing_if = "de::is_default"
    )]
    pub open_stdin: bool,
    /// `StdinOnce`.
    #[serde(
        rename = "StdinOnce",
        deserialize_with = "de::flag",
        skip_serializing_if = "de::is_default"
    )]
    pub stdin_once: bool,
    /// `Env`: `KEY=value` strings.
    #[serde(
        rename = "Env",
        deserialize_with = "de::nullable",
        skip_serializing_if = "de::is_default"
    )]
    pub env: Vec<String>,
    /// `Cmd`.
    #[serde(
        rename = "Cmd",
        deserialize_with = "de::nullable",
        skip_serializing_if = "de::is_default"
    )]
    pub cmd: Vec<String>,
    /// `Healthcheck`.
    #[serde(rename = "Healthcheck", skip_serializing_if = "Option::is_none")]
    pub healthcheck: Option<HealthConfig>,
    /// `Image`: the image reference (required by the engine).
    #[serde(
        rename = "Image",
        deserialize_with = "de::nullable",
        skip_serializing_if = "de::is_default"
    )]
    pub image: String,
    /// `Volumes`: a set of container paths for anonymous volumes.
    #[serde(
        rename = "Volumes",
        deserialize_with = "de::nullable",
        skip_serializing_if = "de::is_default"
    )]
    pub volumes: BTreeMap<String, EmptyObject>,
    /// `WorkingDir`.
    #[serde(
        rename = "WorkingDir",
        deserialize_with = "de::nullable",
        skip_serializing_if = "de::is_default"
    )]
    pub working_dir: String,
    /// `Entrypoint`.
    #[serde(
        rename = "Entrypoint",
        deserialize_with = "de::nullable",
        skip_serializing_if = "de::is_default"
    )]
    pub entrypoint: Vec<String>,
    /// `NetworkDisabled`.
    #[serde(
        rename = "NetworkDisabled",
        deserialize_with = "de::flag",
        skip_serializing_if = "de::is_default"
    )]
    pub network_disabled: bool,
    /// `Labels`.
    #[serde(
        rename = "Labels",
        deserialize_with = "de::nullable",
        skip_serializing_if = "de::is_default"
    )]
    pub labels: BTreeMap<String, String>,
    /// `StopSignal`, e.g. `SIGTERM`.
    #[serde(
        rename = "StopSignal",
        deserialize_with = "de::nullable",
        skip_serializing_if = "de::is_default"
    )]
    pub stop_signal: String,
    /// `StopTimeout` in seconds.
    #[serde(
        rename = "StopTimeout",
        deserialize_with = "de::opt_int",
        skip_serializing_if = "Option::is_none"
    )]
    pub stop_timeout: Option<i64>,
    /// `Shell`.
    #[serde(
        rename = "Shell",
        deserialize_with = "de::nullable",
        skip_serializing_if = "de::is_default"
    )]
    pub shell: Vec<String>,
    /// `HostConfig`.
    #[serde(
        rename = "HostConfig",
        deserialize_with = "de::nullable",
        skip_serializing_if = "de::is_default"
    )]
    pub host_config: HostConfig,
    /// `NetworkingConfig`.
    #[serde(
        rename = "NetworkingConfig",
        deserialize_with = "de::nullable",
        skip_serializing_if = "de::is_default"
    )]
    pub networking_config: NetworkingConfig,
    /// Every other key, verbatim (merged into the object when encoding).
    #[serde(flatten, skip_deserializing)]
    pub extra: serde_json::Map<String, serde_json::Value>,
}

impl ContainerCreateConfig {
    /// A body that creates a container from `image` with the image's defaults.
    ///
    /// ```
    /// use docker_models::ContainerCreateConfig;
    /// let body = ContainerCreateConfig::new("alpine:3");
    /// assert_eq!(serde_json::to_value(&body).unwrap(), serde_json::json!({"Image": "alpine:3"}));
    /// ```
    pub fn new(image: impl Into<String>) -> ContainerCreateConfig {
        ContainerCreateConfig {
            image: image.into(),
            ..Default::default()
        }
    }
}

/// `NetworkingConfig` of a [`ContainerCreateConfig`].
///
/// ```
/// use docker_models::{ContainerCreateConfig, EndpointSettings};
/// let mut body = ContainerCreateConfig::new("nginx");
/// let endpoint = EndpointSettings { aliases: vec!["web".into()], ..Default::default() };
/// body.networking_config.endpoints_config.insert("backend".into(), endpoint);
/// let json = serde_json::to_value(&body).unwrap();
/// assert_eq!(json["NetworkingConfig"]["EndpointsConfig"]["backend"]["Aliases"][0], "web");
/// ```
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct NetworkingConfig {
    /// `EndpointsConfig`: network name → endpoint settings to connect with.
    #[serde(
        rename = "EndpointsConfig",
        deserialize_with = "de::nullable_values",
        skip_serializing_if = "de::is_default"
    )]
    pub endpoints_config: BTreeMap<String, EndpointSettings>,
}

/// The answer of `POST /containers/create`.
///
/// ```
/// let r: docker_models::ContainerCreateResponse =
///     serde_json::from_str(r#"{"Id":"e90e34656806","Warnings":null}"#).unwrap();
/// assert_eq!(r.id, "e90e34656806");
/// assert!(r.warnings.is_empty());
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ContainerCreateResponse {
    /// `Id`: the new container's id.
    #[serde(rename = "Id", deserialize_with = "de::nullable")]
    pub id: String,
    /// `Warnings` (`null` → empty).
    #[serde(rename = "Warnings", deserialize_with = "de::nullable")]
    pub warnings: Vec<String>,
}

/// The answer of `POST /containers/{id}/wait`.
///
/// ```
/// let r: docker_models::ContainerWaitResponse =
///     serde_json::from_str(r#"{"Error":null,"StatusCode":137}"#).unwrap();
/// assert_eq!(r.status_code, 137);
/// assert!(r.error.is_none());
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ContainerWaitResponse {
    /// `StatusCode`: the container's exit code.
    #[serde(rename = "StatusCode", deserialize_with = "de::int")]
    pub status_code: i64,
    /// `Error`: set when waiting itself failed.
    #[serde(rename = "Error", skip_serializing_if = "Option::is_none")]
    pub error: Option<WaitExitError>,
}

/// `Error` of a [`ContainerWaitResponse`].
///
/// ```
/// use docker_models::ContainerWaitResponse;
/// let res: ContainerWaitResponse =
///     serde_json::from_str(r#"{"StatusCode":-1,"Error":{"Message":"container removed"}}"#).unwrap();
/// assert_eq!(res.error.unwrap().message, "container removed");
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct WaitExitError {
    /// `Message`.
    #[serde(rename = "Message", deserialize_with = "de::nullable")]
    pub message: String,
}

de::keep_unknown_keys!(ContainerCreateConfig);
