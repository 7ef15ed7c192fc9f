//! Serde models of the Docker Engine API.
//!
//! Plain data types for the JSON the engine sends and accepts, with no IO. They are
//! written to decode answers from API 1.24 through 1.56 alike:
//!
//! * every field has a default, so a field missing in one API version decodes to
//!   its default (empty string, empty collection, 0, `false`, `None`);
//! * `null` arrays, maps, strings and objects (Go's nil values) decode to the same
//!   defaults, so `Vec`/`BTreeMap` fields are never `Option` just because the engine
//!   may send `null`; `Option` is kept where absence means something (`SizeRw`,
//!   `VirtualSize`, `Health`, `PidsLimit`, ...);
//! * keys no field names are kept in the model's `extra` ([`Extra`]) and encoded
//!   again, so a decoded model loses nothing the engine sent;
//! * numbers are read leniently: any JSON number or numeric string, saturating.
//!
//! Key names are the engine's exact JSON keys (`Id`, `ImageID`, `timeNano`, ...);
//! Rust field names are their snake_case forms (`Type` becomes `typ`).
//!
//! ```
//! use docker_models::{ContainerInspect, ContainerTop};
//!
//! let c: ContainerInspect = serde_json::from_str(
//!     r#"{"Id":"1cd78d71f60d","Name":"/web","State":{"Running":true,"Pid":4242},"Mounts":null}"#,
//! ).unwrap();
//! assert_eq!(c.name(), "web");
//! assert_eq!(c.state.pid, 4242);
//! assert!(c.mounts.is_empty());
//!
//! let top: ContainerTop = serde_json::from_str(
//!     r#"{"Titles":["PID","PPID","USER","CGROUP","COMMAND"],
//!         "Processes":[["10104","10082","root","9:name=systemd:/docker/1cd7","sleep 3600"]]}"#,
//! ).unwrap();
//! let p = &top.entries().unwrap()[0];
//! assert_eq!(p.cgroup.as_deref(), Some("9:name=systemd:/docker/1cd7"));
//! ```
#![forbid(unsafe_code)]
#![deny(missing_docs)]

mod attestation;
mod auth;
mod bridge;
mod build;
mod changes;
mod cluster_volume;
mod common;
mod container;
mod create;
mod de;
mod disk;
mod distribution;
mod events;
mod exec;
mod extra;
mod host_config;
mod image;
mod json;
mod model;
mod network;
mod network_settings;
mod plugin;
mod progress;
mod search;
mod stats;
mod system;
mod top;
mod update;
mod volume;

pub use attestation::AttestationStatement;
pub use auth::{AuthConfig, AuthResponse};
pub use bridge::from_json;
pub use build::{BuildCachePruneResponse, BuildResult};
pub use changes::{ChangeKind, FileChange};
pub use cluster_volume::{
    CapacityRange, ClusterVolumeAccessMode, ClusterVolumeSecret, ClusterVolumeSpec, MountVolume,
    Topology, TopologyRequirement, VolumeUpdate,
};
pub use common::{EmptyObject, ErrorResponse, IdResponse};
pub use container::{
    ContainerConfig, ContainerInspect, ContainerState, ContainerSummary, GraphDriver, Health,
    HealthConfig, HealthcheckResult, MountPoint, Port, SummaryHostConfig, SummaryNetworkSettings,
};
pub use create::{
    ContainerCreateConfig, ContainerCreateResponse, ContainerWaitResponse, NetworkingConfig,
    WaitExitError,
};
pub use disk::{
    BuildCacheRecord, ContainerPruneResponse, ImagePruneResponse, NetworkPruneResponse, SystemDf,
    VolumePruneResponse,
};
pub use distribution::{DistributionInspect, OciDescriptor, OciPlatform};
pub use events::{EventActor, EventMessage};
pub use exec::{
    ExecCreateConfig, ExecCreateResponse, ExecInspect, ExecProcessConfig, ExecStartConfig,
};
pub use extra::{Extra, ExtraIter};
pub use host_config::{DeviceMapping, HostConfig, LogConfig, Mount, RestartPolicy, Ulimit};
pub use image::{
    ImageDeleteResponseItem, ImageHistoryItem, ImageInspect, ImageMetadata, ImageSummary, RootFs,
};
pub use network::{
    ConfigReference, Ipam, IpamConfig, NetworkContainer, NetworkCreateResponse, NetworkInspect,
};
pub use network_settings::{
    Address, EndpointIpamConfig, EndpointSettings, NetworkSettings, PortBinding, PortMap,
};
pub use plugin::{
    Plugin, PluginArgs, PluginConfig, PluginDevice, PluginEnv, PluginInterface, PluginLinux,
    PluginMount, PluginNetwork, PluginPrivilege, PluginRootFs, PluginSettings, PluginUser,
};
pub use progress::{ErrorDetail, ProgressDetail, ProgressMessage};
pub use search::ImageSearchResult;
pub use stats::{
    BlkioStatEntry, BlkioStats, ContainerStats, CpuStats, CpuUsage, MemoryStats, NetworkStats,
    PidsStats, ThrottlingData,
};
pub use system::{
    Commit, ComponentVersion, PeerNode, Ping, Platform, PluginsInfo, Runtime, SwarmInfo,
    SystemInfo, SystemVersion,
};
pub use top::{ContainerTop, ProcessEntry, TopError};
pub use update::{ContainerUpdate, ContainerUpdateResponse};
pub use volume::{Volume, VolumeListResponse, VolumeUsageData};
