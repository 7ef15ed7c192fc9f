//! The body of an error answer, read up to the error cap.

/// The body of an error answer (status 400 or more), read by `Response::error_body` up to
/// [`Config::max_error_body_bytes`](crate::Config::max_error_body_bytes): an engine's 404
/// that echoes a huge name, or a proxy's page of HTML, keeps its status and its start, and
/// says that it was cut, instead of failing as too large.
///
/// ```
/// use docker_transport::ErrorBody;
/// let body = ErrorBody { bytes: b"{\"message\":\"No such container: web\"}".to_vec(), cut: false };
/// assert!(!body.cut);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ErrorBody {
    /// The body, or its first `max_error_body_bytes` bytes when it was cut.
    pub bytes: Vec<u8>,
    /// True when more followed the bytes kept; the rest was not read, and the connection
    /// was closed.
    pub cut: bool,
}
