//! Disk usage (`GET /system/df`) and the prune answers.

use crate::container::ContainerSummary;
use crate::image::{ImageDeleteResponseItem, ImageSummary};
use crate::model::model;
use crate::volume::Volume;

model! {
    /// The answer of `POST /containers/prune`.
    ///
    /// ```
    /// let r: docker_models::ContainerPruneResponse =
    ///     serde_json::from_str(r#"{"ContainersDeleted":null,"SpaceReclaimed":0}"#).unwrap();
    /// assert!(r.containers_deleted.is_empty());
    /// ```
    #[derive(Debug, Clone, Default, PartialEq, Eq)]
    pub struct ContainerPruneResponse {
        /// `ContainersDeleted`: ids (`null` → empty).
        containers_deleted: Vec<String> = "ContainersDeleted",
        /// `SpaceReclaimed`: bytes.
        space_reclaimed: u64 = "SpaceReclaimed",
    }
}

model! {
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
    #[derive(Debug, Clone, Default, PartialEq, Eq)]
    pub struct ImagePruneResponse {
        /// `ImagesDeleted`: untagged references and deleted ids (`null` → empty).
        images_deleted: Vec<ImageDeleteResponseItem> = "ImagesDeleted",
        /// `SpaceReclaimed`: bytes.
        space_reclaimed: u64 = "SpaceReclaimed",
    }
}

model! {
    /// The answer of `POST /volumes/prune`.
    ///
    /// ```
    /// use docker_models::VolumePruneResponse;
    /// let res: VolumePruneResponse =
    ///     serde_json::from_str(r#"{"VolumesDeleted":null,"SpaceReclaimed":0}"#).unwrap();
    /// assert!(res.volumes_deleted.is_empty());
    /// ```
    #[derive(Debug, Clone, Default, PartialEq, Eq)]
    pub struct VolumePruneResponse {
        /// `VolumesDeleted`: names (`null` → empty).
        volumes_deleted: Vec<String> = "VolumesDeleted",
        /// `SpaceReclaimed`: bytes.
        space_reclaimed: u64 = "SpaceReclaimed",
    }
}

model! {
    /// The answer of `POST /networks/prune` (networks free no disk space).
    ///
    /// ```
    /// use docker_models::NetworkPruneResponse;
    /// let res: NetworkPruneResponse = serde_json::from_str(r#"{"NetworksDeleted":["backend"]}"#).unwrap();
    /// assert_eq!(res.networks_deleted, ["backend"]);
    /// ```
    #[derive(Debug, Clone, Default, PartialEq, Eq)]
    pub struct NetworkPruneResponse {
        /// `NetworksDeleted`: names (`null` → empty).
        networks_deleted: Vec<String> = "NetworksDeleted",
    }
}

model! {
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
    #[derive(Debug, Clone, Default, PartialEq)]
    pub struct SystemDf {
        /// `LayersSize`: bytes used by image layers.
        layers_size: i64 = "LayersSize",
        /// `Images`.
        images: Vec<ImageSummary> = "Images",
        /// `Containers` (with `SizeRw`/`SizeRootFs` filled).
        containers: Vec<ContainerSummary> = "Containers",
        /// `Volumes` (with `UsageData` filled).
        volumes: Vec<Volume> = "Volumes",
        /// `BuildCache`.
        build_cache: Vec<BuildCacheRecord> = "BuildCache",
    }
}

model! {
    /// One entry of `BuildCache` in [`SystemDf`].
    ///
    /// ```
    /// use docker_models::BuildCacheRecord;
    /// let record: BuildCacheRecord = serde_json::from_str(
    ///     r#"{"ID":"ndlpt0hhvkqcdfkputsk4cq9c","Type":"regular","InUse":false,"Size":51,"UsageCount":2}"#,
    /// ).unwrap();
    /// assert_eq!((record.typ.as_str(), record.size, record.usage_count), ("regular", 51, 2));
    /// ```
    #[derive(Debug, Clone, Default, PartialEq, Eq)]
    pub struct BuildCacheRecord {
        /// `ID`.
        id: String = "ID",
        /// `Parent` (older engines; see `parents`).
        parent: String = "Parent" omitempty,
        /// `Parents` (API 1.42+; `Parent` before).
        parents: Vec<String> = "Parents",
        /// `Type`, e.g. `regular`, `source.local`, `exec.cachemount`.
        typ: String = "Type",
        /// `Description`.
        description: String = "Description",
        /// `InUse`.
        in_use: bool = "InUse",
        /// `Shared`.
        shared: bool = "Shared",
        /// `Size`: bytes.
        size: i64 = "Size",
        /// `CreatedAt`: RFC 3339.
        created_at: String = "CreatedAt",
        /// `LastUsedAt`: RFC 3339; empty when never used.
        last_used_at: String = "LastUsedAt",
        /// `UsageCount`.
        usage_count: i64 = "UsageCount",
    }
}
