//! `POST /containers/{id}/update`.

use serde::{Deserialize, Serialize};

use crate::de;
use crate::host_config::RestartPolicy;

/// The body of `POST /containers/{id}/update`: the resources and the restart policy of a
/// container, changed while it runs.
///
/// Fields equal to their default are not sent, so the engine keeps their current values.
/// [`extra`](Self::extra) is merged into the top-level object: the escape hatch for the
/// fields this type does not name (`BlkioWeightDevice`, `DeviceRequests`, ...).
///
/// ```
/// use docker_models::{ContainerUpdate, RestartPolicy};
///
/// let mut update = ContainerUpdate {
///     memory: 64 << 20,
///     memory_swap: 128 << 20,
///     restart_policy: Some(RestartPolicy { name: "always".into(), ..Default::default() }),
///     ..Default::default()
/// };
/// update.extra.insert("CpuRealtimeRuntime".into(), 0.into());
/// assert_eq!(
///     serde_json::to_value(&update).unwrap(),
///     serde_json::json!({
///         "Memory": 67108864,
///         "MemorySwap": 134217728,
///         "RestartPolicy": {"Name": "always"},
///         "CpuRealtimeRuntime": 0
///     })
/// );
/// ```
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ContainerUpdate {
    /// `CpuShares`: relative CPU weight.
    #[serde(
        rename = "CpuShares",
        deserialize_with = "de::int",
        skip_serializing_if = "de::is_default"
    )]
    pub cpu_shares: i64,
    /// `Memory`: limit in bytes.
    #[serde(
        rename = "Memory",
        deserialize_with = "de::int",
        skip_serializing_if = "de::is_default"
    )]
    pub memory: i64,
    /// `MemoryReservation`: soft limit in bytes.
    #[serde(
        rename = "MemoryReservation",
        deserialize_with = "de::int",
        skip_serializing_if = "de::is_default"
    )]
    pub memory_reservation: i64,
    /// `MemorySwap`: memory plus swap limit in bytes; -1 = unlimited swap.
    #[serde(
        rename = "MemorySwap",
        deserialize_with = "de::int",
        skip_serializing_if = "de::is_default"
    )]
    pub memory_swap: i64,
    /// `NanoCpus`: CPU quota in units of 10⁻⁹ CPUs.
    #[serde(
        rename = "NanoCpus",
        deserialize_with = "de::int",
        skip_serializing_if = "de::is_default"
    )]
    pub nano_cpus: i64,
    /// `CpuPeriod`.
    #[serde(
        rename = "CpuPeriod",
        deserialize_with = "de::int",
        skip_serializing_if = "de::is_default"
    )]
    pub cpu_period: i64,
    /// `CpuQuota`.
    #[serde(
        rename = "CpuQuota",
        deserialize_with = "de::int",
        skip_serializing_if = "de::is_default"
    )]
    pub cpu_quota: i64,
    /// `CpusetCpus`, e.g. `0-3`.
    #[serde(
        rename = "CpusetCpus",
        deserialize_with = "de::nullable",
        skip_serializing_if = "de::is_default"
    )]
    pub cpuset_cpus: String,
    /// `CpusetMems`.
    #[serde(
        rename = "CpusetMems",
        deserialize_with = "de::nullable",
        skip_serializing_if = "de::is_default"
    )]
    pub cpuset_mems: String,
    /// `BlkioWeight` (10–1000).
    #[serde(
        rename = "BlkioWeight",
        deserialize_with = "de::int",
        skip_serializing_if = "de::is_default"
    )]
    pub blkio_weight: i64,
    /// `PidsLimit`; `None` = unchanged, 0 or -1 = unlimited.
    #[serde(
        rename = "PidsLimit",
        deserialize_with = "de::opt_int",
        skip_serializing_if = "Option::is_none"
    )]
    pub pids_limit: Option<i64>,
    /// `RestartPolicy`; `None` = unchanged. A `MaximumRetryCount` of 0 is not sent.
    #[serde(
        rename = "RestartPolicy",
        skip_serializing_if = "Option::is_none",
        serialize_with = "restart_policy"
    )]
    pub restart_policy: Option<RestartPolicy>,
    /// Every other key, verbatim (merged into the object when encoding).
    #[serde(flatten, skip_deserializing)]
    pub extra: serde_json::Map<String, serde_json::Value>,
}

/// `RestartPolicy` without a zero `MaximumRetryCount`, as the engine's default.
fn restart_policy<S: serde::Serializer>(
    policy: &Option<RestartPolicy>,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    use serde::ser::SerializeMap;
    let Some(policy) = policy else {
        return serializer.serialize_none();
    };
    let n = 1 + usize::from(policy.maximum_retry_count != 0);
    let mut map = serializer.serialize_map(Some(n))?;
    map.serialize_entry("Name", &policy.name)?;
    if policy.maximum_retry_count != 0 {
        map.serialize_entry("MaximumRetryCount", &policy.maximum_retry_count)?;
    }
    map.end()
}

/// The answer to `POST /containers/{id}/update`.
///
/// ```
/// use docker_models::ContainerUpdateResponse;
/// let res: ContainerUpdateResponse = serde_json::from_str(r#"{"Warnings":null}"#).unwrap();
/// assert!(res.warnings.is_empty());
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ContainerUpdateResponse {
    /// `Warnings`.
    #[serde(rename = "Warnings", deserialize_with = "de::nullable")]
    pub warnings: Vec<String>,
}
