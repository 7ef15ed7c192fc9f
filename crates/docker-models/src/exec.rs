//! Exec: `POST /containers/{id}/exec`, `POST /exec/{id}/start`, `GET /exec/{id}/json`.

use crate::model::model;

model! {
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
    #[derive(Debug, Clone, Default, PartialEq, Eq)]
    pub struct ExecCreateConfig {
        /// `AttachStdin`.
        attach_stdin: bool = "AttachStdin" omitempty,
        /// `AttachStdout`.
        attach_stdout: bool = "AttachStdout" omitempty,
        /// `AttachStderr`.
        attach_stderr: bool = "AttachStderr" omitempty,
        /// `DetachKeys`, e.g. `ctrl-p,ctrl-q`.
        detach_keys: String = "DetachKeys" omitempty,
        /// `Tty`.
        tty: bool = "Tty" omitempty,
        /// `Env`: `KEY=value` strings.
        env: Vec<String> = "Env" omitempty,
        /// `Cmd`: the command to run (required by the engine).
        cmd: Vec<String> = "Cmd" omitempty,
        /// `Privileged`.
        privileged: bool = "Privileged" omitempty,
        /// `User`.
        user: String = "User" omitempty,
        /// `WorkingDir`.
        working_dir: String = "WorkingDir" omitempty,
    }
}

model! {
    /// The answer of `POST /containers/{id}/exec`.
    ///
    /// ```
    /// use docker_models::ExecCreateResponse;
    /// let res: ExecCreateResponse = serde_json::from_str(r#"{"Id":"b7a6d2e9c0f1"}"#).unwrap();
    /// assert_eq!(res.id, "b7a6d2e9c0f1");
    /// ```
    #[derive(Debug, Clone, Default, PartialEq, Eq)]
    pub struct ExecCreateResponse {
        /// `Id`: the exec instance's id.
        id: String = "Id",
    }
}

model! {
    /// The body of `POST /exec/{id}/start`.
    ///
    /// ```
    /// use docker_models::ExecStartConfig;
    /// let body = ExecStartConfig { detach: true, ..Default::default() };
    /// assert_eq!(serde_json::to_string(&body).unwrap(), r#"{"Detach":true,"Tty":false}"#);
    /// ```
    #[derive(Debug, Clone, Default, PartialEq, Eq)]
    pub struct ExecStartConfig {
        /// `Detach`: start and return at once, without streams.
        detach: bool = "Detach",
        /// `Tty`.
        tty: bool = "Tty",
    }
}

model! {
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
    #[derive(Debug, Clone, Default, PartialEq, Eq)]
    pub struct ExecInspect {
        /// `ID` (spelled in capitals here, unlike most objects).
        id: String = "ID",
        /// `Running`.
        running: bool = "Running",
        /// `ExitCode`: `None` while the process has not exited.
        exit_code: Option<i64> = "ExitCode",
        /// `ProcessConfig`.
        process_config: ExecProcessConfig = "ProcessConfig",
        /// `OpenStdin`.
        open_stdin: bool = "OpenStdin",
        /// `OpenStderr`.
        open_stderr: bool = "OpenStderr",
        /// `OpenStdout`.
        open_stdout: bool = "OpenStdout",
        /// `CanRemove`.
        can_remove: bool = "CanRemove",
        /// `ContainerID`.
        container_id: String = "ContainerID",
        /// `DetachKeys`.
        detach_keys: String = "DetachKeys",
        /// `Pid`: the process's host PID (0 before start).
        pid: u64 = "Pid",
    }
}

model! {
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
    #[derive(Debug, Clone, Default, PartialEq, Eq)]
    pub struct ExecProcessConfig {
        /// `tty`.
        tty: bool = "tty",
        /// `entrypoint`: the executable.
        entrypoint: String = "entrypoint",
        /// `arguments`.
        arguments: Vec<String> = "arguments",
        /// `privileged`.
        privileged: bool = "privileged",
        /// `user`.
        user: String = "user" omitempty,
    }
}
