//! Cluster volumes (swarm CSI volumes, API 1.42 and later): the spec that
//! `POST /volumes/create` may carry and `PUT /volumes/{name}` updates.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::de;

/// The body of `PUT /volumes/{name}`: the cluster volume's spec. Only `Availability` may
/// change; the rest must be what the volume has.
///
/// ```
/// use docker_models::{ClusterVolumeSpec, VolumeUpdate};
/// let update = VolumeUpdate {
///     spec: ClusterVolumeSpec { availability: "drain".into(), ..Default::default() },
/// };
/// assert_eq!(serde_json::to_string(&update).unwrap(), r#"{"Spec":{"Availability":"drain"}}"#);
/// ```
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct VolumeUpdate {
    /// `Spec`.
    #[serde(rename = "Spec", deserialize_with = "de::nullable")]
    pub spec: ClusterVolumeSpec,
}

/// `ClusterVolumeSpec`: how a cluster volume is made and used.
///
/// ```
/// let spec: docker_models::ClusterVolumeSpec = serde_json::from_str(
///     r#"{"Group":"db","AccessMode":{"Scope":"single","Sharing":"none","MountVolume":{}},
///         "CapacityRange":{"RequiredBytes":1073741824},"Availability":"active"}"#,
/// ).unwrap();
/// assert_eq!(spec.access_mode.unwrap().sharing, "none");
/// assert_eq!(spec.capacity_range.unwrap().required_bytes, 1 << 30);
/// ```
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ClusterVolumeSpec {
    /// `Group`: volumes of one group are interchangeable for scheduling.
    #[serde(
        rename = "Group",
        deserialize_with = "de::nullable",
        skip_serializing_if = "String::is_empty"
    )]
    pub group: String,
    /// `AccessMode`.
    #[serde(rename = "AccessMode", skip_serializing_if = "Option::is_none")]
    pub access_mode: Option<ClusterVolumeAccessMode>,
    /// `Secrets`: passed to the CSI plugin.
    #[serde(
        rename = "Secrets",
        deserialize_with = "de::nullable",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub secrets: Vec<ClusterVolumeSecret>,
    /// `AccessibilityRequirements`: where the volume must or should be reachable.
    #[serde(
        rename = "AccessibilityRequirements",
        skip_serializing_if = "Option::is_none"
    )]
    pub accessibility_requirements: Option<TopologyRequirement>,
    /// `CapacityRange`.
    #[serde(rename = "CapacityRange", skip_serializing_if = "Option::is_none")]
    pub capacity_range: Option<CapacityRange>,
    /// `Availability`: `active`, `pause` or `drain`.
    #[serde(
        rename = "Availability",
        deserialize_with = "de::nullable",
        skip_serializing_if = "String::is_empty"
    )]
    pub availability: String,
}

/// `AccessMode` of a [`ClusterVolumeSpec`].
///
/// ```
/// let mode: docker_models::ClusterVolumeAccessMode =
///     serde_json::from_str(r#"{"Scope":"multi","Sharing":"readonly","BlockVolume":{}}"#).unwrap();
/// assert!(mode.block_volume.is_some() && mode.mount_volume.is_none());
/// ```
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ClusterVolumeAccessMode {
    /// `Scope`: `single` or `multi` (nodes at a time).
    #[serde(
        rename = "Scope",
        deserialize_with = "de::nullable",
        skip_serializing_if = "String::is_empty"
    )]
    pub scope: String,
    /// `Sharing`: `none`, `readonly`, `onewriter` or `all`.
    #[serde(
        rename = "Sharing",
        deserialize_with = "de::nullable",
        skip_serializing_if = "String::is_empty"
    )]
    pub sharing: String,
    /// `MountVolume`: use as a file system (this or `BlockVolume`).
    #[serde(rename = "MountVolume", skip_serializing_if = "Option::is_none")]
    pub mount_volume: Option<MountVolume>,
    /// `BlockVolume`: use as a block device; carries nothing.
    #[serde(rename = "BlockVolume", skip_serializing_if = "Option::is_none")]
    pub block_volume: Option<serde_json::Map<String, serde_json::Value>>,
}

/// `MountVolume` of a [`ClusterVolumeAccessMode`].
///
/// ```
/// let m: docker_models::MountVolume = serde_json::from_str(r#"{"FsType":"ext4","MountFlags":["noatime"]}"#).unwrap();
/// assert_eq!(m.fs_type, "ext4");
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct MountVolume {
    /// `FsType`.
    #[serde(
        rename = "FsType",
        deserialize_with = "de::nullable",
        skip_serializing_if = "String::is_empty"
    )]
    pub fs_type: String,
    /// `MountFlags`.
    #[serde(
        rename = "MountFlags",
        deserialize_with = "de::nullable",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub mount_flags: Vec<String>,
}

/// One secret of a [`ClusterVolumeSpec`]: a key, and the swarm secret holding its value.
///
/// ```
/// let s: docker_models::ClusterVolumeSecret = serde_json::from_str(r#"{"Key":"password","Secret":"db-pw"}"#).unwrap();
/// assert_eq!(s.secret, "db-pw");
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ClusterVolumeSecret {
    /// `Key`.
    #[serde(rename = "Key", deserialize_with = "de::nullable")]
    pub key: String,
    /// `Secret`: a secret's name or ID.
    #[serde(rename = "Secret", deserialize_with = "de::nullable")]
    pub secret: String,
}

/// `AccessibilityRequirements` of a [`ClusterVolumeSpec`].
///
/// ```
/// let t: docker_models::TopologyRequirement = serde_json::from_str(
///     r#"{"Requisite":[{"Segments":{"region":"eu"}}],"Preferred":null}"#,
/// ).unwrap();
/// assert_eq!(t.requisite[0].segments["region"], "eu");
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct TopologyRequirement {
    /// `Requisite`: at least one of these.
    #[serde(
        rename = "Requisite",
        deserialize_with = "de::nullable",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub requisite: Vec<Topology>,
    /// `Preferred`.
    #[serde(
        rename = "Preferred",
        deserialize_with = "de::nullable",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub preferred: Vec<Topology>,
}

/// A topology: domains and their segments.
///
/// ```
/// let t: docker_models::Topology = serde_json::from_str(r#"{"Segments":{"zone":"a"}}"#).unwrap();
/// assert_eq!(t.segments["zone"], "a");
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Topology {
    /// `Segments`.
    #[serde(rename = "Segments", deserialize_with = "de::nullable")]
    pub segments: BTreeMap<String, String>,
}

/// `CapacityRange` of a [`ClusterVolumeSpec`].
///
/// ```
/// let c: docker_models::CapacityRange = serde_json::from_str(r#"{"RequiredBytes":10,"LimitBytes":20}"#).unwrap();
/// assert_eq!((c.required_bytes, c.limit_bytes), (10, 20));
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct CapacityRange {
    /// `RequiredBytes`: at least this much.
    #[serde(
        rename = "RequiredBytes",
        deserialize_with = "de::int",
        skip_serializing_if = "de::is_default"
    )]
    pub required_bytes: i64,
    /// `LimitBytes`: at most this much.
    #[serde(
        rename = "LimitBytes",
        deserialize_with = "de::int",
        skip_serializing_if = "de::is_default"
    )]
    pub limit_bytes: i64,
}
