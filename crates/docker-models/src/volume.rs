//! Volumes: `GET /volumes`, `GET /volumes/{name}`, `POST /volumes/create`.

use std::collections::BTreeMap;

use crate::model::model;

model! {
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
    #[derive(Debug, Clone, Default, PartialEq)]
    pub struct Volume {
        /// `Name`.
        name: String = "Name",
        /// `Driver`.
        driver: String = "Driver",
        /// `Mountpoint`: where it lives on the host.
        mountpoint: String = "Mountpoint",
        /// `CreatedAt`: RFC 3339.
        created_at: String = "CreatedAt",
        /// `Status`: driver-specific low-level details.
        status: BTreeMap<String, serde_json::Value> = "Status" omitempty,
        /// `Labels`.
        labels: BTreeMap<String, String> = "Labels",
        /// `Scope`: `local` or `global`.
        scope: String = "Scope",
        /// `Options`: driver options.
        options: BTreeMap<String, String> = "Options",
        /// `UsageData`: only from `GET /system/df`.
        usage_data: Option<VolumeUsageData> = "UsageData" omitempty,
    }
}

model! {
    /// `UsageData` of a [`Volume`].
    ///
    /// ```
    /// use docker_models::Volume;
    /// let volume: Volume =
    ///     serde_json::from_str(r#"{"Name":"data","UsageData":{"Size":1048576,"RefCount":1}}"#).unwrap();
    /// let usage = volume.usage_data.unwrap();
    /// assert_eq!((usage.size, usage.ref_count), (1 << 20, 1));
    /// ```
    #[derive(Debug, Clone, Default, PartialEq, Eq)]
    pub struct VolumeUsageData {
        /// `Size`: bytes; -1 when not available.
        size: i64 = "Size",
        /// `RefCount`: containers referencing it; -1 when not available.
        ref_count: i64 = "RefCount",
    }
}

model! {
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
    #[derive(Debug, Clone, Default, PartialEq)]
    pub struct VolumeListResponse {
        /// `Volumes` (`null` → empty).
        volumes: Vec<Volume> = "Volumes",
        /// `Warnings`.
        warnings: Vec<String> = "Warnings",
    }
}
