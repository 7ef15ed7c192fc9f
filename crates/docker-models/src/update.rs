//! `POST /containers/{id}/update`.

use crate::host_config::RestartPolicy;
use crate::model::model;

model! {
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
    #[derive(Debug, Clone, Default, PartialEq)]
    pub struct ContainerUpdate {
        /// `CpuShares`: relative CPU weight.
        cpu_shares: i64 = "CpuShares" omitempty,
        /// `Memory`: limit in bytes.
        memory: i64 = "Memory" omitempty,
        /// `MemoryReservation`: soft limit in bytes.
        memory_reservation: i64 = "MemoryReservation" omitempty,
        /// `MemorySwap`: memory plus swap limit in bytes; -1 = unlimited swap.
        memory_swap: i64 = "MemorySwap" omitempty,
        /// `NanoCpus`: CPU quota in units of 10⁻⁹ CPUs.
        nano_cpus: i64 = "NanoCpus" omitempty,
        /// `CpuPeriod`.
        cpu_period: i64 = "CpuPeriod" omitempty,
        /// `CpuQuota`.
        cpu_quota: i64 = "CpuQuota" omitempty,
        /// `CpusetCpus`, e.g. `0-3`.
        cpuset_cpus: String = "CpusetCpus" omitempty,
        /// `CpusetMems`.
        cpuset_mems: String = "CpusetMems" omitempty,
        /// `BlkioWeight` (10–1000).
        blkio_weight: i64 = "BlkioWeight" omitempty,
        /// `PidsLimit`; `None` = unchanged, 0 or -1 = unlimited.
        pids_limit: Option<i64> = "PidsLimit" omitempty,
        /// `RestartPolicy`; `None` = unchanged. A `MaximumRetryCount` of 0 is not sent.
        restart_policy: Option<RestartPolicy> = "RestartPolicy" omitempty => restart_policy,
    }
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

model! {
    /// The answer to `POST /containers/{id}/update`.
    ///
    /// ```
    /// use docker_models::ContainerUpdateResponse;
    /// let res: ContainerUpdateResponse = serde_json::from_str(r#"{"Warnings":null}"#).unwrap();
    /// assert!(res.warnings.is_empty());
    /// ```
    #[derive(Debug, Clone, Default, PartialEq, Eq)]
    pub struct ContainerUpdateResponse {
        /// `Warnings`.
        warnings: Vec<String> = "Warnings",
    }
}
