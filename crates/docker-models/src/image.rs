//! Images: `GET /images/{name}/json`.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::container::{short_id, ContainerConfig, GraphDriver};
use crate::de;

/// `GET /images/{name}/json`.
///
/// Fields that come and go across API versions are `Option`s: `VirtualSize`,
/// `Container` and `ContainerConfig` were dropped in API 1.44 (they decode as `None`
/// there); `Config` may be `null` for some imported images.
///
/// ```
/// let img: docker_models::ImageInspect = serde_json::from_str(
///     r#"{"Id":"sha256:74b4c5814d470d98","RepoTags":[],"Size":1982256,
///         "RootFS":{"Type":"layers","Layers":["sha256:4c89"]}}"#,
/// ).unwrap();
/// assert_eq!(img.virtual_size, None);
/// assert_eq!(img.root_fs.layers.len(), 1);
/// assert_eq!(img.to_string(), "<none> 74b4c5814d47 1982256 bytes /"); // no tag, no Os/Architecture
/// ```
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ImageInspect {
    /// `Id`: `sha256:...`.
    #[serde(rename = "Id", deserialize_with = "de::nullable")]
    pub id: String,
    /// `RepoTags`, e.g. `bb:latest`; may be empty.
    #[serde(rename = "RepoTags", deserialize_with = "de::nullable")]
    pub repo_tags: Vec<String>,
    /// `RepoDigests`, e.g. `alpine@sha256:...`.
    #[serde(rename = "RepoDigests", deserialize_with = "de::nullable")]
    pub repo_digests: Vec<String>,
    /// `Parent`: the parent image id (locally built images only).
    #[serde(rename = "Parent", deserialize_with = "de::nullable")]
    pub parent: String,
    /// `Comment`.
    #[serde(rename = "Comment", deserialize_with = "de::nullable")]
    pub comment: String,
    /// `Created`: RFC 3339 with nanoseconds (may be empty for images without one).
    #[serde(rename = "Created", deserialize_with = "de::nullable")]
    pub created: String,
    /// `Container` (dropped in API 1.44).
    #[serde(rename = "Container", skip_serializing_if = "Option::is_none")]
    pub container: Option<String>,
    /// `ContainerConfig` (dropped in API 1.44).
    #[serde(rename = "ContainerConfig", skip_serializing_if = "Option::is_none")]
    pub container_config: Option<ContainerConfig>,
    /// `DockerVersion`: the engine that built it (empty for many images).
    #[serde(rename = "DockerVersion", deserialize_with = "de::nullable")]
    pub docker_version: String,
    /// `Author`.
    #[serde(rename = "Author", deserialize_with = "de::nullable")]
    pub author: String,
    /// `Config`: defaults for containers made from this image.
    #[serde(rename = "Config", skip_serializing_if = "Option::is_none")]
    pub config: Option<ContainerConfig>,
    /// `Architecture`, e.g. `amd64`.
    #[serde(rename = "Architecture", deserialize_with = "de::nullable")]
    pub architecture: String,
    /// `Variant`, e.g. `v8` (ARM).
    #[serde(
        rename = "Variant",
        deserialize_with = "de::nullable",
        skip_serializing_if = "String::is_empty"
    )]
    pub variant: String,
    /// `Os`, e.g. `linux`.
    #[serde(rename = "Os", deserialize_with = "de::nullable")]
    pub os: String,
    /// `OsVersion` (Windows).
    #[serde(
        rename = "OsVersion",
        deserialize_with = "de::nullable",
        skip_serializing_if = "String::is_empty"
    )]
    pub os_version: String,
    /// `Size`: bytes.
    #[serde(rename = "Size", deserialize_with = "de::int")]
    pub size: i64,
    /// `VirtualSize` (dropped in API 1.44).
    #[serde(
        rename = "VirtualSize",
        deserialize_with = "de::opt_int",
        skip_serializing_if = "Option::is_none"
    )]
    pub virtual_size: Option<i64>,
    /// `GraphDriver`.
    #[serde(rename = "GraphDriver", deserialize_with = "de::nullable")]
    pub graph_driver: GraphDriver,
    /// `RootFS`.
    #[serde(rename = "RootFS", deserialize_with = "de::nullable")]
    pub root_fs: RootFs,
    /// `Metadata`.
    #[serde(rename = "Metadata", deserialize_with = "de::nullable")]
    pub metadata: ImageMetadata,
}

impl ImageInspect {
    /// The first tag, if any.
    ///
    /// ```
    /// use docker_models::ImageInspect;
    /// let image: ImageInspect = serde_json::from_str(r#"{"RepoTags":["bb:latest","bb:1.36"]}"#).unwrap();
    /// assert_eq!(image.first_tag(), Some("bb:latest"));
    /// ```
    pub fn first_tag(&self) -> Option<&str> {
        self.repo_tags.first().map(String::as_str)
    }
}

impl fmt::Display for ImageInspect {
    /// `bb:latest 74b4c5814d47 1982256 bytes linux/amd64`; `<none>` when untagged.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} {} {} bytes {}/{}",
            self.first_tag().unwrap_or("<none>"),
            short_id(&self.id),
            self.size,
            self.os,
            self.architecture
        )
    }
}

/// `RootFS` of [`ImageInspect`].
///
/// ```
/// use docker_models::ImageInspect;
/// let image: ImageInspect = serde_json::from_str(
///     r#"{"RootFS":{"Type":"layers","Layers":["sha256:d1d4a6d1","sha256:3e207b40"]}}"#,
/// ).unwrap();
/// assert_eq!(image.root_fs.typ, "layers");
/// assert_eq!(image.root_fs.layers.len(), 2);
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct RootFs {
    /// `Type`: `layers`.
    #[serde(rename = "Type", deserialize_with = "de::nullable")]
    pub typ: String,
    /// `Layers`: the layer diff ids, bottom first.
    #[serde(rename = "Layers", deserialize_with = "de::nullable")]
    pub layers: Vec<String>,
}

/// `Metadata` of [`ImageInspect`].
///
/// ```
/// use docker_models::ImageInspect;
/// let image: ImageInspect =
///     serde_json::from_str(r#"{"Metadata":{"LastTagTime":"2024-05-01T10:00:00Z"}}"#).unwrap();
/// assert_eq!(image.metadata.last_tag_time, "2024-05-01T10:00:00Z");
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ImageMetadata {
    /// `LastTagTime`: RFC 3339; empty or `0001-01-01T00:00:00Z` when never tagged.
    #[serde(rename = "LastTagTime", deserialize_with = "de::nullable")]
    pub last_tag_time: String,
}

/// One item of `GET /images/json`.
///
/// ```
/// let list: Vec<docker_models::ImageSummary> = serde_json::from_str(
///     r#"[{"Id":"sha256:74b4","ParentId":"","RepoTags":["bb:latest"],"RepoDigests":null,
///          "Created":1795863458,"Size":1982256,"SharedSize":-1,"VirtualSize":1982256,
///          "Labels":null,"Containers":-1}]"#,
/// ).unwrap();
/// assert_eq!(list[0].repo_tags, ["bb:latest"]);
/// assert_eq!(list[0].shared_size, -1); // -1: not computed
/// assert!(list[0].labels.is_empty());
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ImageSummary {
    /// `Id`: `sha256:...`.
    #[serde(rename = "Id", deserialize_with = "de::nullable")]
    pub id: String,
    /// `ParentId`.
    #[serde(rename = "ParentId", deserialize_with = "de::nullable")]
    pub parent_id: String,
    /// `RepoTags`.
    #[serde(rename = "RepoTags", deserialize_with = "de::nullable")]
    pub repo_tags: Vec<String>,
    /// `RepoDigests`.
    #[serde(rename = "RepoDigests", deserialize_with = "de::nullable")]
    pub repo_digests: Vec<String>,
    /// `Created`: Unix seconds.
    #[serde(rename = "Created", deserialize_with = "de::int")]
    pub created: i64,
    /// `Size`: bytes.
    #[serde(rename = "Size", deserialize_with = "de::int")]
    pub size: i64,
    /// `SharedSize`: bytes shared with other images; -1 when not computed.
    #[serde(rename = "SharedSize", deserialize_with = "de::int")]
    pub shared_size: i64,
    /// `VirtualSize` (dropped in API 1.44).
    #[serde(
        rename = "VirtualSize",
        deserialize_with = "de::opt_int",
        skip_serializing_if = "Option::is_none"
    )]
    pub virtual_size: Option<i64>,
    /// `Labels`.
    #[serde(rename = "Labels", deserialize_with = "de::nullable")]
    pub labels: std::collections::BTreeMap<String, String>,
    /// `Containers`: containers using it; -1 when not computed.
    #[serde(rename = "Containers", deserialize_with = "de::int")]
    pub containers: i64,
}

/// One item of `GET /images/{name}/history`, newest layer first.
///
/// ```
/// use docker_models::ImageHistoryItem;
/// let history: Vec<ImageHistoryItem> = serde_json::from_str(
///     r#"[{"Id":"sha256:74b4c581","Created":1700000000,"CreatedBy":"/bin/sh -c #(nop) CMD [\"sh\"]","Tags":["bb:latest"],"Size":0},
///         {"Id":"<missing>","Created":1699999990,"CreatedBy":"/bin/sh -c #(nop) ADD file:ab12 in / ","Tags":null,"Size":4261550}]"#,
/// ).unwrap();
/// assert_eq!(history[0].tags, ["bb:latest"]);
/// assert!(history[1].tags.is_empty());
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ImageHistoryItem {
    /// `Id`: the layer's image id, or `<missing>` for layers built elsewhere.
    #[serde(rename = "Id", deserialize_with = "de::nullable")]
    pub id: String,
    /// `Created`: Unix seconds.
    #[serde(rename = "Created", deserialize_with = "de::int")]
    pub created: i64,
    /// `CreatedBy`: the build instruction.
    #[serde(rename = "CreatedBy", deserialize_with = "de::nullable")]
    pub created_by: String,
    /// `Tags`.
    #[serde(rename = "Tags", deserialize_with = "de::nullable")]
    pub tags: Vec<String>,
    /// `Size`: bytes added by this layer.
    #[serde(rename = "Size", deserialize_with = "de::int")]
    pub size: i64,
    /// `Comment`.
    #[serde(rename = "Comment", deserialize_with = "de::nullable")]
    pub comment: String,
}

/// One item of `DELETE /images/{name}` and of `ImagesDeleted` in an image prune.
///
/// Exactly one of the two fields is set.
///
/// ```
/// use docker_models::ImageDeleteResponseItem;
/// let items: Vec<ImageDeleteResponseItem> =
///     serde_json::from_str(r#"[{"Untagged":"bb:latest"},{"Deleted":"sha256:74b4c581"}]"#).unwrap();
/// assert_eq!(items[0].untagged, "bb:latest");
/// assert!(items[0].deleted.is_empty());
/// assert_eq!(items[1].deleted, "sha256:74b4c581");
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ImageDeleteResponseItem {
    /// `Untagged`: a reference that was removed.
    #[serde(
        rename = "Untagged",
        deserialize_with = "de::nullable",
        skip_serializing_if = "String::is_empty"
    )]
    pub untagged: String,
    /// `Deleted`: an image id that was deleted.
    #[serde(
        rename = "Deleted",
        deserialize_with = "de::nullable",
        skip_serializing_if = "String::is_empty"
    )]
    pub deleted: String,
}
