//! Images: `GET /images/{name}/json`.

use std::fmt;

use crate::container::{short_id, ContainerConfig, GraphDriver};
use crate::model::model;

model! {
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
    #[derive(Debug, Clone, Default, PartialEq)]
    pub struct ImageInspect {
        /// `Id`: `sha256:...`.
        id: String = "Id",
        /// `RepoTags`, e.g. `bb:latest`; may be empty.
        repo_tags: Vec<String> = "RepoTags",
        /// `RepoDigests`, e.g. `alpine@sha256:...`.
        repo_digests: Vec<String> = "RepoDigests",
        /// `Parent`: the parent image id (locally built images only).
        parent: String = "Parent",
        /// `Comment`.
        comment: String = "Comment",
        /// `Created`: RFC 3339 with nanoseconds (may be empty for images without one).
        created: String = "Created",
        /// `Container` (dropped in API 1.44).
        container: Option<String> = "Container" omitempty,
        /// `ContainerConfig` (dropped in API 1.44).
        container_config: Option<ContainerConfig> = "ContainerConfig" omitempty,
        /// `DockerVersion`: the engine that built it (empty for many images).
        docker_version: String = "DockerVersion",
        /// `Author`.
        author: String = "Author",
        /// `Config`: defaults for containers made from this image.
        config: Option<ContainerConfig> = "Config" omitempty,
        /// `Architecture`, e.g. `amd64`.
        architecture: String = "Architecture",
        /// `Variant`, e.g. `v8` (ARM).
        variant: String = "Variant" omitempty,
        /// `Os`, e.g. `linux`.
        os: String = "Os",
        /// `OsVersion` (Windows).
        os_version: String = "OsVersion" omitempty,
        /// `Size`: bytes.
        size: i64 = "Size",
        /// `VirtualSize` (dropped in API 1.44).
        virtual_size: Option<i64> = "VirtualSize" omitempty,
        /// `GraphDriver`.
        graph_driver: GraphDriver = "GraphDriver",
        /// `RootFS`.
        root_fs: RootFs = "RootFS",
        /// `Metadata`.
        metadata: ImageMetadata = "Metadata",
    }
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

model! {
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
    #[derive(Debug, Clone, Default, PartialEq, Eq)]
    pub struct RootFs {
        /// `Type`: `layers`.
        typ: String = "Type",
        /// `Layers`: the layer diff ids, bottom first.
        layers: Vec<String> = "Layers",
    }
}

model! {
    /// `Metadata` of [`ImageInspect`].
    ///
    /// ```
    /// use docker_models::ImageInspect;
    /// let image: ImageInspect =
    ///     serde_json::from_str(r#"{"Metadata":{"LastTagTime":"2024-05-01T10:00:00Z"}}"#).unwrap();
    /// assert_eq!(image.metadata.last_tag_time, "2024-05-01T10:00:00Z");
    /// ```
    #[derive(Debug, Clone, Default, PartialEq, Eq)]
    pub struct ImageMetadata {
        /// `LastTagTime`: RFC 3339; empty or `0001-01-01T00:00:00Z` when never tagged.
        last_tag_time: String = "LastTagTime",
    }
}

model! {
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
    #[derive(Debug, Clone, Default, PartialEq, Eq)]
    pub struct ImageSummary {
        /// `Id`: `sha256:...`.
        id: String = "Id",
        /// `ParentId`.
        parent_id: String = "ParentId",
        /// `RepoTags`.
        repo_tags: Vec<String> = "RepoTags",
        /// `RepoDigests`.
        repo_digests: Vec<String> = "RepoDigests",
        /// `Created`: Unix seconds.
        created: i64 = "Created",
        /// `Size`: bytes.
        size: i64 = "Size",
        /// `SharedSize`: bytes shared with other images; -1 when not computed.
        shared_size: i64 = "SharedSize",
        /// `VirtualSize` (dropped in API 1.44).
        virtual_size: Option<i64> = "VirtualSize" omitempty,
        /// `Labels`.
        labels: std::collections::BTreeMap<String, String> = "Labels",
        /// `Containers`: containers using it; -1 when not computed.
        containers: i64 = "Containers",
    }
}

model! {
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
    #[derive(Debug, Clone, Default, PartialEq, Eq)]
    pub struct ImageHistoryItem {
        /// `Id`: the layer's image id, or `<missing>` for layers built elsewhere.
        id: String = "Id",
        /// `Created`: Unix seconds.
        created: i64 = "Created",
        /// `CreatedBy`: the build instruction.
        created_by: String = "CreatedBy",
        /// `Tags`.
        tags: Vec<String> = "Tags",
        /// `Size`: bytes added by this layer.
        size: i64 = "Size",
        /// `Comment`.
        comment: String = "Comment",
    }
}

model! {
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
    #[derive(Debug, Clone, Default, PartialEq, Eq)]
    pub struct ImageDeleteResponseItem {
        /// `Untagged`: a reference that was removed.
        untagged: String = "Untagged" omitempty,
        /// `Deleted`: an image id that was deleted.
        deleted: String = "Deleted" omitempty,
    }
}
