//! Volumes: `GET /volumes`, `GET /volumes/{name}`, `POST /volumes/create`.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::de;

/// A volume (`GET /volumes/{name}`, `POST /volumes/create`, items of `GET /volumes`).
///
/// ```
/// let v: docker_models::Volume = serde_json::from_str(
///     r#"{"Name":"data","Driver":"local","Mountpoint":"/var/lib/docker/volumes/data/_data",
///         "CreatedAt":"2026-11-28T11:00:00Z","Labels":null,"Scope":"local","Options":null}"#,
/// ).unwrap();
/// assert_eq!(v.driver, "local");
/// assert!(v.labels.is_empty() && v.usage_data.is_none());
/// ```
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Volume {
    /// `Name`.
    #[serde(rename = "Name", deserialize_with = "de::nullable")]
    pub name: String,
    /// `Driver`.
    #[serde(rename = "Driver", deserialize_with = "de::nullable")]
    pub driver: String,
    /// `Mountpoint`: where it lives on the host.
    #[serde(rename = "Mountpoint", deserialize_with = "de::nullable")]
    pub mountpoint: String,
    /// `CreatedAt`: RFC 3339.
    #[serde(rename = "CreatedAt", deserialize_with = "de::nullable")]
    pub created_at: String,
    /// `Status`: driver-specific low-level details.
    #[serde(
        rename = "Status",
        deserialize_with = "de::nullable",
        skip_serializing_if = "BTreeMap::is_empty"
    )]
    pub status: BTreeMap<String, serde_json::Value>,
    /// `Labels`.
    #[serde(rename = "Labels", deserialize_with = "de::nullable")]
    pub labels: BTreeMap<String, String>,
    /// `Scope`: `local` or `global`.
    #[serde(rename = "Scope", deserialize_with = "de::nullable")]
    pub scope: String,
    /// `Options`: driver options.
    #[serde(rename = "Options", deserialize_with = "de::nullable")]
    pub options: BTreeMap<String, String>,
    /// `UsageData`: only from `GET /system/df`.
    #[serde(rename = "UsageData", skip_serializing_if = "Option::is_none")]
    pub usage_data: Option<VolumeUsageData>,
}

/// `UsageData` of a [`Volume`].
///
/// ```
/// use docker_models::Volume;
/// let volume: Volume =
///     serde_json::from_str(r#"{"Name":"data","UsageData":{"Size":1048576,"RefCount":1}}"#).unwrap();
/// let usage = volume.usage_data.unwrap();
/// assert_eq!((usage.size, usage.ref_count), (1 << 20, 1));
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct VolumeUsageData {
    /// `Size`: bytes; -1 when not available.
    #[serde(rename = "Size", deserialize_with = "de::int")]
    pub size: i64,
    /// `RefCount`: containers referencing it; -1 when not available.
    #[serde(rename = "RefCount", deserialize_with = "de::int")]
    pub ref_count: i64,
}

/// `GET /volumes`.
///
/// ```
/// use docker_models::VolumeListResponse;
/// let res: VolumeListResponse = serde_json::from_str(
///     r#"{"Volumes":[{"Name":"data","Driver":"local","Mountpoint":"/var/lib/docker/volumes/data/_data"}],"Warnings":null}"#,
/// ).unwrap();
/// assert_eq!(res.volumes[0].name, "data");
/// assert!(res.warnings.is_empty());
/// ```
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct VolumeListResponse {
    /// `Volumes` (`null` → empty).
    #[serde(rename = "Volumes", deserialize_with = "de::nullable")]
    pub volumes: Vec<Volume>,
    /// `Warnings`.
    #[serde(rename = "Warnings", deserialize_with = "de::nullable")]
    pub warnings: Vec<String>,
}
