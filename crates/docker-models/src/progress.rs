//! The JSON-lines progress stream of pull, push, import, load and build.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::de;

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
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ProgressMessage {
    /// `status`, e.g. `Pulling fs layer`, `Download complete`, or an image id on import.
    #[serde(
        rename = "status",
        deserialize_with = "de::nullable",
        skip_serializing_if = "String::is_empty"
    )]
    pub status: String,
    /// `id`: the layer or image the status is about.
    #[serde(
        rename = "id",
        deserialize_with = "de::nullable",
        skip_serializing_if = "String::is_empty"
    )]
    pub id: String,
    /// `progress`: a rendered progress bar (deprecated).
    #[serde(
        rename = "progress",
        deserialize_with = "de::nullable",
        skip_serializing_if = "String::is_empty"
    )]
    pub progress: String,
    /// `progressDetail`.
    #[serde(rename = "progressDetail", skip_serializing_if = "Option::is_none")]
    pub progress_detail: Option<ProgressDetail>,
    /// `error`: the error text (deprecated; see [`error_detail`](Self::error_detail)).
    #[serde(
        rename = "error",
        deserialize_with = "de::nullable",
        skip_serializing_if = "String::is_empty"
    )]
    pub error: String,
    /// `errorDetail`.
    #[serde(rename = "errorDetail", skip_serializing_if = "Option::is_none")]
    pub error_detail: Option<ErrorDetail>,
    /// `stream`: build output or `Loaded image: ...`, with its newline.
    #[serde(
        rename = "stream",
        deserialize_with = "de::nullable",
        skip_serializing_if = "String::is_empty"
    )]
    pub stream: String,
    /// `aux`: structured extra data (e.g. `{"ID":"sha256:..."}` after a build, push digests).
    #[serde(rename = "aux", skip_serializing_if = "Option::is_none")]
    pub aux: Option<serde_json::Value>,
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
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ProgressDetail {
    /// `current`: bytes (or units) done.
    #[serde(rename = "current", deserialize_with = "de::int")]
    pub current: i64,
    /// `total`: bytes (or units) expected; 0 when unknown.
    #[serde(rename = "total", deserialize_with = "de::int")]
    pub total: i64,
}

/// `errorDetail` of a [`ProgressMessage`].
///
/// ```
/// use docker_models::ProgressMessage;
/// let msg: ProgressMessage = serde_json::from_str(
///     r#"{"errorDetail":{"code":1,"message":"The command '/bin/sh -c false' returned a non-zero code: 1"}}"#,
/// ).unwrap();
/// assert_eq!(msg.error_detail.unwrap().code, 1);
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ErrorDetail {
    /// `code`: rarely set; 0 when absent.
    #[serde(
        rename = "code",
        deserialize_with = "de::int",
        skip_serializing_if = "de::is_default"
    )]
    pub code: i64,
    /// `message`.
    #[serde(rename = "message", deserialize_with = "de::nullable")]
    pub message: String,
}
