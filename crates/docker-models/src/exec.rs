//! Exec: `POST /containers/{id}/exec`, `POST /exec/{id}/start`, `GET /exec/{id}/json`.

use serde::{Deserialize, Serialize};

use crate::de;

/// The body of `POST /containers/{id}/exec` (sent with `Content-Type: application/json`).
///
/// Empty fields are not sent.
///
/// ```
/// let body = docker_models::ExecCreateConfig {
///     cmd: vec!["sh".into(), "-c".into(), "exit 7".into()],
///     attach_stdout: true,
///     ..Default::default()
/// };
/// assert_eq!(
///     serde_json::to_string(&body).unwrap(),
///     r#"{"AttachStdout":true,"Cmd":["sh","-c","exit 7"]}"#
/// );
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ExecCreateConfig {
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
    /// `DetachKeys`, e.g. `ctrl-p,ctrl-q`.
    #[serde(
        rename = "DetachKeys",
        deserialize_with = "de::nullable",
        skip_serializing_if = "de::is_default"
    )]
    pub detach_keys: String,
    /// `Tty`.
    #[serde(
        rename = "Tty",
        deserialize_with = "de::flag",
        skip_serializing_if = "de::is_default"
    )]
    pub tty: bool,
    /// `Env`: `KEY=value` strings.
    #[serde(
        rename = "Env",
        deserialize_with = "de::nullable",
        skip_serializing_if = "de::is_default"
    )]
    pub env: Vec<String>,
    /// `Cmd`: the command to run (required by the engine).
    #[serde(
        rename = "Cmd",
        deserialize_with = "de::nullable",
        skip_serializing_if = "de::is_default"
    )]
    pub cmd: Vec<String>,
    /// `Privileged`.
    #[serde(
        rename = "Privileged",
        deserialize_with = "de::flag",
        skip_serializing_if = "de::is_default"
    )]
    pub privileged: bool,
    /// `User`.
    #[serde(
        rename = "User",
        deserialize_with = "de::nullable",
        skip_serializing_if = "de::is_default"
    )]
    pub user: String,
    /// `WorkingDir`.
    #[serde(
        rename = "WorkingDir",
        deserialize_with = "de::nullable",
        skip_serializing_if = "de::is_default"
    )]
    pub working_dir: String,
}

/// The answer of `POST /containers/{id}/exec`.
///
/// ```
/// use docker_models::ExecCreateResponse;
/// let res: ExecCreateResponse = serde_json::from_str(r#"{"Id":"b7a6d2e9c0f1"}"#).unwrap();
/// assert_eq!(res.id, "b7a6d2e9c0f1");
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ExecCreateResponse {
    /// `Id`: the exec instance's id.
    #[serde(rename = "Id", deserialize_with = "de::nullable")]
    pub id: String,
}

/// The body of `POST /exec/{id}/start`.
///
/// ```
/// use docker_models::ExecStartConfig;
/// let body = ExecStartConfig { detach: true, ..Default::default() };
/// assert_eq!(serde_json::to_string(&body).unwrap(), r#"{"Detach":true,"Tty":false}"#);
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ExecStartConfig {
    /// `Detach`: start and return at once, without streams.
    #[serde(rename = "Detach", deserialize_with = "de::flag")]
    pub detach: bool,
    /// `Tty`.
    #[serde(rename = "Tty", deserialize_with = "de::flag")]
    pub tty: bool,
}

/// `GET /exec/{id}/json`.
///
/// ```
/// let e: docker_models::ExecInspect = serde_json::from_str(
///     r#"{"ID":"b7c6","Running":false,"ExitCode":7,"Pid":18001,
///         "ProcessConfig":{"tty":false,"entrypoint":"sh","arguments":["-c","exit 7"],"privileged":false}}"#,
/// ).unwrap();
/// assert_eq!(e.exit_code, Some(7));
/// assert_eq!(e.process_config.entrypoint, "sh");
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ExecInspect {
    /// `ID` (spelled in capitals here, unlike most objects).
    #[serde(rename = "ID", deserialize_with = "de::nullable")]
    pub id: String,
    /// `Running`.
    #[serde(rename = "Running", deserialize_with = "de::flag")]
    pub running: bool,
    /// `ExitCode`: `None` while the process has not exited.
    #[serde(rename = "ExitCode", deserialize_with = "de::opt_int")]
    pub exit_code: Option<i64>,
    /// `ProcessConfig`.
    #[serde(rename = "ProcessConfig", deserialize_with = "de::nullable")]
    pub process_config: ExecProcessConfig,
    /// `OpenStdin`.
    #[serde(rename = "OpenStdin", deserialize_with = "de::flag")]
    pub open_stdin: bool,
    /// `OpenStderr`.
    #[serde(rename = "OpenStderr", deserialize_with = "de::flag")]
    pub open_stderr: bool,
    /// `OpenStdout`.
    #[serde(rename = "OpenStdout", deserialize_with = "de::flag")]
    pub open_stdout: bool,
    /// `CanRemove`.
    #[serde(rename = "CanRemove", deserialize_with = "de::flag")]
    pub can_remove: bool,
    /// `ContainerID`.
    #[serde(rename = "ContainerID", deserialize_with = "de::nullable")]
    pub container_id: String,
    /// `DetachKeys`.
    #[serde(rename = "DetachKeys", deserialize_with = "de::nullable")]
    pub detach_keys: String,
    /// `Pid`: the process's host PID (0 before start).
    #[serde(rename = "Pid", deserialize_with = "de::uint")]
    pub pid: u64,
}

/// `ProcessConfig` of an [`ExecInspect`] (lowercase keys on the wire).
///
/// ```
/// use docker_models::ExecInspect;
/// let exec: ExecInspect = serde_json::from_str(
///     r#"{"ProcessConfig":{"tty":false,"entrypoint":"sh","arguments":["-c","date"],"user":"1000"}}"#,
/// ).unwrap();
/// assert_eq!(exec.process_config.entrypoint, "sh");
/// assert_eq!(exec.process_config.arguments, ["-c", "date"]);
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ExecProcessConfig {
    /// `tty`.
    #[serde(rename = "tty", deserialize_with = "de::flag")]
    pub tty: bool,
    /// `entrypoint`: the executable.
    #[serde(rename = "entrypoint", deserialize_with = "de::nullable")]
    pub entrypoint: String,
    /// `arguments`.
    #[serde(rename = "arguments", deserialize_with = "de::nullable")]
    pub arguments: Vec<String>,
    /// `privileged`.
    #[serde(rename = "privileged", deserialize_with = "de::flag")]
    pub privileged: bool,
    /// `user`.
    #[serde(
        rename = "user",
        deserialize_with = "de::nullable",
        skip_serializing_if = "String::is_empty"
    )]
    pub user: String,
}
