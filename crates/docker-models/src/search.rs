//! Image search: `GET /images/search`.

use serde::{Deserialize, Serialize};

use crate::de;

/// One result of `GET /images/search`.
///
/// ```
/// let r: docker_models::ImageSearchResult = serde_json::from_str(
///     r#"{"description":"Busybox base image.","is_official":true,"is_automated":false,"name":"busybox","star_count":3037}"#,
/// ).unwrap();
/// assert!(r.is_official);
/// assert_eq!((r.name.as_str(), r.star_count), ("busybox", 3037));
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ImageSearchResult {
    /// `name`.
    #[serde(rename = "name", deserialize_with = "de::nullable")]
    pub name: String,
    /// `description`.
    #[serde(rename = "description", deserialize_with = "de::nullable")]
    pub description: String,
    /// `is_official`: a Docker Official Image.
    #[serde(rename = "is_official", deserialize_with = "de::flag")]
    pub is_official: bool,
    /// `is_automated`: always false since API 1.44 (deprecated).
    #[serde(rename = "is_automated", deserialize_with = "de::flag")]
    pub is_automated: bool,
    /// `star_count`.
    #[serde(rename = "star_count", deserialize_with = "de::int")]
    pub star_count: i64,
}
