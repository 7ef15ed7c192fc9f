//! Image attestations: `GET /images/{name}/attestations` (API 1.55 and later).

use serde::{Deserialize, Serialize};

use crate::de;
use crate::distribution::OciDescriptor;

/// One in-toto statement attached to an image: its layer's descriptor, its predicate type,
/// and, when asked for, the statement itself.
///
/// ```
/// let a: docker_models::AttestationStatement = serde_json::from_str(
///     r#"{"Descriptor":{"mediaType":"application/vnd.in-toto+json","digest":"sha256:4fe8","size":1213},
///         "PredicateType":"https://slsa.dev/provenance/v0.2"}"#,
/// ).unwrap();
/// assert_eq!(a.predicate_type, "https://slsa.dev/provenance/v0.2");
/// assert!(a.statement.is_none());
/// ```
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct AttestationStatement {
    /// `Descriptor`: the statement's layer.
    #[serde(rename = "Descriptor", deserialize_with = "de::nullable")]
    pub descriptor: OciDescriptor,
    /// `PredicateType`: the in-toto predicate type URI.
    #[serde(rename = "PredicateType", deserialize_with = "de::nullable")]
    pub predicate_type: String,
    /// `Statement`: the verbatim in-toto statement, only when asked for (`statement=true`).
    #[serde(rename = "Statement", skip_serializing_if = "Option::is_none")]
    pub statement: Option<serde_json::Value>,
}
