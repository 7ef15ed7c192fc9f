//! Distribution: `GET /distribution/{name}/json`, and the OCI descriptor and platform it is
//! made of.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::de;

/// `GET /distribution/{name}/json`: what the registry says about an image, without pulling
/// it.
///
/// ```
/// let d: docker_models::DistributionInspect = serde_json::from_str(
///     r#"{"Descriptor":{"mediaType":"application/vnd.docker.distribution.manifest.v2+json",
///         "digest":"sha256:a3d4750e3f73","size":418},"Platforms":null}"#,
/// ).unwrap();
/// assert_eq!(d.descriptor.size, 418);
/// assert!(d.platforms.is_empty());
/// ```
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct DistributionInspect {
    /// `Descriptor`: the manifest (or index) the reference resolves to.
    #[serde(rename = "Descriptor", deserialize_with = "de::nullable")]
    pub descriptor: OciDescriptor,
    /// `Platforms`: those the image supports (`null` from engines that do not say).
    #[serde(rename = "Platforms", deserialize_with = "de::nullable")]
    pub platforms: Vec<OciPlatform>,
}

/// An OCI content descriptor: media type, digest and size of a blob.
///
/// ```
/// let d: docker_models::OciDescriptor = serde_json::from_str(
///     r#"{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:c0537ff6","size":424,
///         "annotations":{"org.opencontainers.image.version":"24.04"}}"#,
/// ).unwrap();
/// assert_eq!(d.annotations["org.opencontainers.image.version"], "24.04");
/// assert!(d.platform.is_none());
/// ```
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct OciDescriptor {
    /// `mediaType`.
    #[serde(rename = "mediaType", deserialize_with = "de::nullable")]
    pub media_type: String,
    /// `digest`: `sha256:...`.
    #[serde(rename = "digest", deserialize_with = "de::nullable")]
    pub digest: String,
    /// `size`: bytes.
    #[serde(rename = "size", deserialize_with = "de::int")]
    pub size: i64,
    /// `urls`: where the blob may also be downloaded from.
    #[serde(
        rename = "urls",
        deserialize_with = "de::nullable",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub urls: Vec<String>,
    /// `annotations`.
    #[serde(
        rename = "annotations",
        deserialize_with = "de::nullable",
        skip_serializing_if = "BTreeMap::is_empty"
    )]
    pub annotations: BTreeMap<String, String>,
    /// `data`: the content itself, base64, when embedded.
    #[serde(
        rename = "data",
        deserialize_with = "de::nullable",
        skip_serializing_if = "String::is_empty"
    )]
    pub data: String,
    /// `platform`: for a manifest of an index.
    #[serde(rename = "platform", skip_serializing_if = "Option::is_none")]
    pub platform: Option<OciPlatform>,
    /// `artifactType`.
    #[serde(
        rename = "artifactType",
        deserialize_with = "de::nullable",
        skip_serializing_if = "String::is_empty"
    )]
    pub artifact_type: String,
}

/// An OCI platform: `os/architecture[/variant]`.
///
/// ```
/// let p: docker_models::OciPlatform =
///     serde_json::from_str(r#"{"architecture":"arm64","os":"linux","variant":"v8"}"#).unwrap();
/// assert_eq!(p.to_string(), "linux/arm64/v8");
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct OciPlatform {
    /// `architecture`, e.g. `amd64`.
    #[serde(rename = "architecture", deserialize_with = "de::nullable")]
    pub architecture: String,
    /// `os`, e.g. `linux`.
    #[serde(rename = "os", deserialize_with = "de::nullable")]
    pub os: String,
    /// `os.version` (Windows).
    #[serde(
        rename = "os.version",
        deserialize_with = "de::nullable",
        skip_serializing_if = "String::is_empty"
    )]
    pub os_version: String,
    /// `os.features`.
    #[serde(
        rename = "os.features",
        deserialize_with = "de::nullable",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub os_features: Vec<String>,
    /// `variant`, e.g. `v7`.
    #[serde(
        rename = "variant",
        deserialize_with = "de::nullable",
        skip_serializing_if = "String::is_empty"
    )]
    pub variant: String,
}

impl std::fmt::Display for OciPlatform {
    /// `os/architecture`, and `/variant` when there is one.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}", self.os, self.architecture)?;
        if !self.variant.is_empty() {
            write!(f, "/{}", self.variant)?;
        }
        Ok(())
    }
}
