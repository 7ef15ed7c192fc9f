//! Small types shared across endpoints: the error body, the `{"Id": ...}` answer and the
//! empty JSON object.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::model::model;

model! {
    /// The engine's error body, `{"message": "..."}`, sent with every 4xx/5xx JSON answer.
    ///
    /// For API versions below 1.24 the engine answers errors in plain text instead; the
    /// client keeps the raw text in that case.
    ///
    /// ```
    /// let e: docker_models::ErrorResponse =
    ///     serde_json::from_str(r#"{"message":"No such container: nosuch"}"#).unwrap();
    /// assert_eq!(e.message, "No such container: nosuch");
    /// assert_eq!(e.to_string(), "No such container: nosuch");
    /// ```
    #[derive(Debug, Clone, Default, PartialEq, Eq)]
    pub struct ErrorResponse {
        /// The human-readable error text.
        message: String = "message",
    }
}

impl fmt::Display for ErrorResponse {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

model! {
    /// The answer of the calls that create something and return only its ID, such as
    /// `POST /commit` (the new image's ID).
    ///
    /// ```
    /// let r: docker_models::IdResponse = serde_json::from_str(r#"{"Id":"sha256:1a2b"}"#).unwrap();
    /// assert_eq!(r.id, "sha256:1a2b");
    /// ```
    #[derive(Debug, Clone, Default, PartialEq, Eq)]
    pub struct IdResponse {
        /// `Id`.
        id: String = "Id",
    }
}

/// The empty JSON object `{}`, used as the value of Go's `map[string]struct{}` sets
/// such as `ExposedPorts` (`{"22/tcp": {}}`) and `Volumes` (`{"/data": {}}`).
///
/// Serializes as `{}`; deserializes from anything (an object with members, `null`),
/// discarding the content.
///
/// ```
/// use std::collections::BTreeMap;
/// use docker_models::EmptyObject;
///
/// let ports: BTreeMap<String, EmptyObject> =
///     serde_json::from_str(r#"{"22/tcp":{},"53/udp":null}"#).unwrap();
/// assert!(ports.contains_key("53/udp"));
/// assert_eq!(serde_json::to_string(&ports).unwrap(), r#"{"22/tcp":{},"53/udp":{}}"#);
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct EmptyObject {}

impl Serialize for EmptyObject {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        serializer.serialize_map(Some(0))?.end()
    }
}

/// Any value: what is inside is not kept.
impl crate::json::Decode for EmptyObject {
    fn decode(r: &mut crate::json::Reader<'_>) -> crate::json::Result<EmptyObject> {
        r.skip().map(|()| EmptyObject {})
    }
}

impl crate::model::Empty for EmptyObject {
    fn is_empty_value(&self) -> bool {
        true
    }
}

impl<'de> Deserialize<'de> for EmptyObject {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        serde::de::IgnoredAny::deserialize(deserializer)?;
        Ok(EmptyObject {})
    }
}
