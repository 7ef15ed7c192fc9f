//! The JSON-lines progress stream of pull, push, import, load and build.

use std::fmt;

use crate::model::model;

model! {
    /// One line of a progress stream (`POST /images/create`, `/images/{name}/push`,
    /// `/images/load`, `/build`, ...), Go's `jsonmessage.JSONMessage`.
    ///
    /// Errors after the stream started arrive *inside* a 200 response as a message with
    /// `errorDetail`/`error`; check [`error_message`](Self::error_message) on every line.
    /// (`error` and `progress` are deprecated as of API 1.48 in favour of `errorDetail`
    /// and `progressDetail`, so both are read.)
    ///
    /// ```
    /// use docker_models::ProgressMessage;
    ///
    /// let lines = concat!(
    ///     r#"{"status":"Downloading","id":"4c89","progressDetail":{"current":512,"total":2048},"progress":"[=>   ]"}"#, "\n",
    ///     r#"{"errorDetail":{"message":"unauthorized"},"error":"unauthorized"}"#, "\n",
    ///     r#"{"stream":"Loaded image: bb:latest\n"}"#, "\n",
    /// );
    /// let msgs: Vec<ProgressMessage> = serde_json::Deserializer::from_str(lines)
    ///     .into_iter()
    ///     .collect::<Result<_, _>>()
    ///     .unwrap();
    /// assert_eq!(msgs[0].progress_detail.as_ref().unwrap().total, 2048);
    /// assert_eq!(msgs[1].error_message(), Some("unauthorized"));
    /// assert_eq!(msgs[2].stream, "Loaded image: bb:latest\n");
    /// ```
    #[derive(Debug, Clone, Default, PartialEq)]
    pub struct ProgressMessage {
        /// `status`, e.g. `Pulling fs layer`, `Download complete`, or an image id on import.
        status: String = "status" omitempty,
        /// `id`: the layer or image the status is about.
        id: String = "id" omitempty,
        /// `progress`: a rendered progress bar (deprecated).
        progress: String = "progress" omitempty,
        /// `progressDetail`.
        progress_detail: Option<ProgressDetail> = "progressDetail" omitempty,
        /// `error`: the error text (deprecated; see [`error_detail`](Self::error_detail)).
        error: String = "error" omitempty,
        /// `errorDetail`.
        error_detail: Option<ErrorDetail> = "errorDetail" omitempty,
        /// `stream`: build output or `Loaded image: ...`, with its newline.
        stream: String = "stream" omitempty,
        /// `aux`: structured extra data (e.g. `{"ID":"sha256:..."}` after a build, push digests).
        aux: Option<serde_json::Value> = "aux" omitempty,
    }
}

impl ProgressMessage {
    /// The error this line reports, if any: `errorDetail.message`, else `error`.
    ///
    /// ```
    /// use docker_models::ProgressMessage;
    /// let msg: ProgressMessage = serde_json::from_str(
    ///     r#"{"errorDetail":{"message":"manifest unknown"},"error":"manifest unknown"}"#,
    /// ).unwrap();
    /// assert_eq!(msg.error_message(), Some("manifest unknown"));
    /// let ok: ProgressMessage = serde_json::from_str(r#"{"status":"Pulling fs layer","id":"4c89"}"#).unwrap();
    /// assert_eq!(ok.error_message(), None);
    /// ```
    pub fn error_message(&self) -> Option<&str> {
        match &self.error_detail {
            Some(d) if !d.message.is_empty() => Some(&d.message),
            _ if !self.error.is_empty() => Some(&self.error),
            _ => None,
        }
    }
}

impl fmt::Display for ProgressMessage {
    /// `4c89: Downloading [=>   ]`, the stream text, or `error: ...`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(e) = self.error_message() {
            return write!(f, "error: {e}");
        }
        if !self.stream.is_empty() {
            return f.write_str(self.stream.trim_end_matches('\n'));
        }
        if !self.id.is_empty() {
            write!(f, "{}: ", self.id)?;
        }
        f.write_str(&self.status)?;
        if !self.progress.is_empty() {
            write!(f, " {}", self.progress)?;
        }
        Ok(())
    }
}

model! {
    /// `progressDetail` of a [`ProgressMessage`].
    ///
    /// ```
    /// use docker_models::ProgressMessage;
    /// let msg: ProgressMessage = serde_json::from_str(
    ///     r#"{"status":"Downloading","id":"4c89","progressDetail":{"current":512,"total":2048}}"#,
    /// ).unwrap();
    /// let detail = msg.progress_detail.unwrap();
    /// assert_eq!(detail.current * 100 / detail.total, 25);
    /// ```
    #[derive(Debug, Clone, Default, PartialEq, Eq)]
    pub struct ProgressDetail {
        /// `current`: bytes (or units) done.
        current: i64 = "current",
        /// `total`: bytes (or units) expected; 0 when unknown.
        total: i64 = "total",
    }
}

model! {
    /// `errorDetail` of a [`ProgressMessage`].
    ///
    /// ```
    /// use docker_models::ProgressMessage;
    /// let msg: ProgressMessage = serde_json::from_str(
    ///     r#"{"errorDetail":{"code":1,"message":"The command '/bin/sh -c false' returned a non-zero code: 1"}}"#,
    /// ).unwrap();
    /// assert_eq!(msg.error_detail.unwrap().code, 1);
    /// ```
    #[derive(Debug, Clone, Default, PartialEq, Eq)]
    pub struct ErrorDetail {
        /// `code`: rarely set; 0 when absent.
        code: i64 = "code" omitempty,
        /// `message`.
        message: String = "message",
    }
}
