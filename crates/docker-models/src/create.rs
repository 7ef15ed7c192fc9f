//! `POST /containers/create` and `POST /containers/{id}/wait`.

use std::collections::BTreeMap;

use crate::common::EmptyObject;
use crate::container::HealthConfig;
use crate::host_config::HostConfig;
use crate::model::model;
use crate::network_settings::EndpointSettings;

model! {
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
    #[derive(Debug, Clone, Default, PartialEq)]
    pub struct ContainerCreateConfig {
        /// `Hostname`.
        hostname: String = "Hostname" omitempty,
        /// `Domainname`.
        domainname: String = "Domainname" omitempty,
        /// `User`: `user`, `user:group`, `uid` or `uid:gid`.
        user: String = "User" omitempty,
        /// `AttachStdin`.
        attach_stdin: bool = "AttachStdin" omitempty,
        /// `AttachStdout`.
        attach_stdout: bool = "AttachStdout" omitempty,
        /// `AttachStderr`.
        attach_stderr: bool = "AttachStderr" omitempty,
        /// `ExposedPorts`: a set of `"port/proto"` keys, e.g. `"80/tcp"`.
        exposed_ports: BTreeMap<String, EmptyObject> = "ExposedPorts" omitempty,
        /// `Tty`.
        tty: bool = "Tty" omitempty,
        /// `OpenStdin`.
        open_stdin: bool = "OpenStdin" omitempty,
        /// `StdinOnce`.
        stdin_once: bool = "StdinOnce" omitempty,
        /// `Env`: `KEY=value` strings.
        env: Vec<String> = "Env" omitempty,
        /// `Cmd`.
        cmd: Vec<String> = "Cmd" omitempty,
        /// `Healthcheck`.
        healthcheck: Option<HealthConfig> = "Healthcheck" omitempty,
        /// `Image`: the image reference (required by the engine).
        image: String = "Image" omitempty,
        /// `Volumes`: a set of container paths for anonymous volumes.
        volumes: BTreeMap<String, EmptyObject> = "Volumes" omitempty,
        /// `WorkingDir`.
        working_dir: String = "WorkingDir" omitempty,
        /// `Entrypoint`.
        entrypoint: Vec<String> = "Entrypoint" omitempty,
        /// `NetworkDisabled`.
        network_disabled: bool = "NetworkDisabled" omitempty,
        /// `Labels`.
        labels: BTreeMap<String, String> = "Labels" omitempty,
        /// `StopSignal`, e.g. `SIGTERM`.
        stop_signal: String = "StopSignal" omitempty,
        /// `StopTimeout` in seconds.
        stop_timeout: Option<i64> = "StopTimeout" omitempty,
        /// `Shell`.
        shell: Vec<String> = "Shell" omitempty,
        /// `HostConfig`.
        host_config: HostConfig = "HostConfig" omitempty,
        /// `NetworkingConfig`.
        networking_config: NetworkingConfig = "NetworkingConfig" omitempty,
    }
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

model! {
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
    #[derive(Debug, Clone, Default, PartialEq)]
    pub struct NetworkingConfig {
        /// `EndpointsConfig`: network name → endpoint settings to connect with.
        endpoints_config: BTreeMap<String, EndpointSettings> = "EndpointsConfig" omitempty,
    }
}

model! {
    /// The answer of `POST /containers/create`.
    ///
    /// ```
    /// let r: docker_models::ContainerCreateResponse =
    ///     serde_json::from_str(r#"{"Id":"e90e34656806","Warnings":null}"#).unwrap();
    /// assert_eq!(r.id, "e90e34656806");
    /// assert!(r.warnings.is_empty());
    /// ```
    #[derive(Debug, Clone, Default, PartialEq, Eq)]
    pub struct ContainerCreateResponse {
        /// `Id`: the new container's id.
        id: String = "Id",
        /// `Warnings` (`null` → empty).
        warnings: Vec<String> = "Warnings",
    }
}

model! {
    /// The answer of `POST /containers/{id}/wait`.
    ///
    /// ```
    /// let r: docker_models::ContainerWaitResponse =
    ///     serde_json::from_str(r#"{"Error":null,"StatusCode":137}"#).unwrap();
    /// assert_eq!(r.status_code, 137);
    /// assert!(r.error.is_none());
    /// ```
    #[derive(Debug, Clone, Default, PartialEq, Eq)]
    pub struct ContainerWaitResponse {
        /// `StatusCode`: the container's exit code.
        status_code: i64 = "StatusCode",
        /// `Error`: set when waiting itself failed.
        error: Option<WaitExitError> = "Error" omitempty,
    }
}

model! {
    /// `Error` of a [`ContainerWaitResponse`].
    ///
    /// ```
    /// use docker_models::ContainerWaitResponse;
    /// let res: ContainerWaitResponse =
    ///     serde_json::from_str(r#"{"StatusCode":-1,"Error":{"Message":"container removed"}}"#).unwrap();
    /// assert_eq!(res.error.unwrap().message, "container removed");
    /// ```
    #[derive(Debug, Clone, Default, PartialEq, Eq)]
    pub struct WaitExitError {
        /// `Message`.
        message: String = "Message",
    }
}
