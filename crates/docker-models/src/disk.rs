//! Disk usage (`GET /system/df`) and the prune answers.

use serde::{Deserialize, Serialize};

use crate::container::ContainerSummary;
use crate::de;
use crate::image::{ImageDeleteResponseItem, ImageSummary};
use crate::volume::Volume;

/// The answer of `POST /containers/prune`.
///
/// ```
/// let r: docker_models::ContainerPruneResponse =
///     serde_json::from_str(r#"{"ContainersDeleted":null,"SpaceReclaimed":0}"#).unwrap();
/// assert!(r.containers_deleted.is_empty());
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ContainerPruneResponse {
    /// `ContainersDeleted`: ids (`null` → empty).
    #[serde(rename = "ContainersDeleted", deserialize_with = "de::nullable")]
    pub containers_deleted: Vec<String>,
    /// `SpaceReclaimed`: bytes.
    #[serde(rename = "SpaceReclaimed", deserialize_with = "de::uint")]
    pub space_reclaimed: u64,
}

/// The answer of `POST /images/prune`.
///
/// ```
/// use docker_models::ImagePruneResponse;
/// let res: ImagePruneResponse = serde_json::from_str(
///     r#"{"ImagesDeleted":[{"Untagged":"bb:old"},{"Deleted":"sha256:74b4c581"}],"SpaceReclaimed":1982256}"#,
/// ).unwrap();
/// assert_eq!(res.images_deleted.len(), 2);
/// assert_eq!(res.space_reclaimed, 1982256);
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ImagePruneResponse {
    /// `ImagesDeleted`: untagged references and deleted ids (`null` → empty).
    #[serde(rename = "ImagesDeleted", deserialize_with = "de::nullable")]
    pub images_deleted: Vec<ImageDeleteResponseItem>,
    /// `SpaceReclaimed`: bytes.
    #[serde(rename = "SpaceReclaimed", deserialize_with = "de::uint")]
    pub space_reclaimed: u64,
}

/// The answer of `POST /volumes/prune`.
///
/// ```
/// use docker_models::VolumePruneResponse;
/// let res: VolumePruneResponse =
///     serde_json::from_str(r#"{"VolumesDeleted":null,"SpaceReclaimed":0}"#).unwrap();
/// assert!(res.volumes_deleted.is_empty());
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct VolumePruneResponse {
    /// `VolumesDeleted`: names (`null` → empty).
    #[serde(rename = "VolumesDeleted", deserialize_with = "de::nullable")]
    pub volumes_deleted: Vec<String>,
    /// `SpaceReclaimed`: bytes.
    #[serde(rename = "SpaceReclaimed", deserialize_with = "de::uint")]
    pub space_reclaimed: u64,
}

/// The answer of `POST /networks/prune` (networks free no disk space).
///
/// ```
/// use docker_models::NetworkPruneResponse;
/// let res: NetworkPruneResponse = serde_json::from_str(r#"{"NetworksDeleted":["backend"]}"#).unwrap();
/// assert_eq!(res.networks_deleted, ["backend"]);
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct NetworkPruneResponse {
    /// `NetworksDeleted`: names (`null` → empty).
    #[serde(rename = "NetworksDeleted", deserialize_with = "de::nullable")]
    pub networks_deleted: Vec<String>,
}

/// The answer of `GET /system/df`.
///
/// Sizes the engine did not compute are -1.
///
/// ```
/// let df: docker_models::SystemDf = serde_json::from_str(
///     r#"{"LayersSize":1982256,"Images":[{"Id":"sha256:74b4","Size":1982256,"Containers":1}],
///         "Containers":[],"Volumes":null,"BuildCache":null}"#,
/// ).unwrap();
/// assert_eq!(df.layers_size, 1982256);
/// assert_eq!(df.images[0].containers, 1);
/// assert!(df.volumes.is_empty());
/// ```
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct SystemDf {
    /// `LayersSize`: bytes used by image layers.
    #[serde(rename = "LayersSize", deserialize_with = "de::int")]
    pub layers_size: i64,
    /// `Images`.
    #[serde(rename = "Images", deserialize_with = "de::nullable")]
    pub images: Vec<ImageSummary>,
    /// `Containers` (with `SizeRw`/`SizeRootFs` filled).
    #[serde(rename = "Containers", deserialize_with = "de::nullable")]
    pub containers: Vec<ContainerSummary>,
    /// `Volumes` (with `UsageData` filled).
    #[serde(rename = "Volumes", deserialize_with = "de::nullable")]
    pub volumes: Vec<Volume>,
    /// `BuildCache`.
    #[serde(rename = "BuildCache", deserialize_with = "de::nullable")]
    pub build_cache: Vec<BuildCacheRecord>,
}

/// One entry of `BuildCache` in [`SystemDf`].
///
/// ```
/// use docker_models::BuildCacheRecord;
/// let record: BuildCacheRecord = serde_json::from_str(
///     r#"{"ID":"ndlpt0hhvkqcdfkputsk4cq9c","Type":"regular","InUse":false,"Size":51,"UsageCount":2}"#,
/// ).unwrap();
/// assert_eq!((record.typ.as_str(), record.size, record.usage_count), ("regular", 51, 2));
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct BuildCacheRecord {
    /// `ID`.
    #[serde(rename = "ID", deserialize_with = "de::nullable")]
    pub id: String,
    /// `Parent` (older engines; see `parents`).
    #[serde(
        rename = "Parent",
        deserialize_with = "de::nullable",
        skip_serializing_if = "String::is_empty"
    )]
    pub parent: String,
    /// `Parents` (API 1.42+; `Parent` before).
    #[serde(rename = "Parents", deserialize_with = "de::nullable")]
    pub parents: Vec<String>,
    /// `Type`, e.g. `regular`, `source.local`, `exec.cachemount`.
    #[serde(rename = "Type", deserialize_with = "de::nullable")]
    pub typ: String,
    /// `Description`.
    #[serde(rename = "Description", deserialize_with = "de::nullable")]
    pub description: String,
    /// `InUse`.
    #[serde(rename = "InUse", deserialize_with = "de::flag")]
    pub in_use: bool,
    /// `Shared`.
    #[serde(rename = "Shared", deserialize_with = "de::flag")]
    pub shared: bool,
    /// `Size`: bytes.
    #[serde(rename = "Size", deserialize_with = "de::int")]
    pub size: i64,
    /// `CreatedAt`: RFC 3339.
    #[serde(rename = "CreatedAt", deserialize_with = "de::nullable")]
    pub created_at: String,
    /// `LastUsedAt`: RFC 3339; empty when never used.
    #[serde(rename = "LastUsedAt", deserialize_with = "de::nullable")]
    pub last_used_at: String,
    /// `UsageCount`.
    #[serde(rename = "UsageCount", deserialize_with = "de::int")]
    pub usage_count: i64,
}
