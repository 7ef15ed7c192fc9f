//! Builds: the image a build produced (`aux` of `POST /build`) and `POST /build/prune`.

use serde::{Deserialize, Serialize};

use crate::de;

/// The `aux` payload of a build's progress stream that names the image built (API 1.30
/// and later; Go's `types.BuildResult`).
///
/// ```
/// let built: docker_models::BuildResult = serde_json::from_str(r#"{"ID":"sha256:708abd2fe837"}"#).unwrap();
/// assert_eq!(built.id, "sha256:708abd2fe837");
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct BuildResult {
    /// `ID`: the image's ID, `sha256:...`.
    #[serde(rename = "ID", deserialize_with = "de::nullable")]
    pub id: String,
}

/// `POST /build/prune`.
///
/// ```
/// let pruned: docker_models::BuildCachePruneResponse =
///     serde_json::from_str(r#"{"CachesDeleted":null,"SpaceReclaimed":0}"#).unwrap();
/// assert!(pruned.caches_deleted.is_empty());
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct BuildCachePruneResponse {
    /// `CachesDeleted`: the IDs of the cache records removed.
    #[serde(rename = "CachesDeleted", deserialize_with = "de::nullable")]
    pub caches_deleted: Vec<String>,
    /// `SpaceReclaimed`: bytes.
    #[serde(rename = "SpaceReclaimed", deserialize_with = "de::int")]
    pub space_reclaimed: i64,
}
