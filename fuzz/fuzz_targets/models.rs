//! Every public model of docker-models decoded from arbitrary JSON: no panic, and what
//! decodes encodes to a fixed point. Byte 0 picks the model; the rest is the JSON text.
#![no_main]

use docker_models::*;
use docker_wire_fuzz::model;
use libfuzzer_sys::fuzz_target;

macro_rules! models {
    ($($t:ty),* $(,)?) => {
        const MODELS: &[fn(&str)] = &[$(model::<$t>),*];
    };
}

models!(
    AuthConfig, AuthResponse, FileChange, ChangeKind, EmptyObject, ErrorResponse, IdResponse,
    ContainerConfig, ContainerInspect, ContainerState, ContainerSummary, GraphDriver, Health,
    HealthConfig, HealthcheckResult, MountPoint, Port, SummaryHostConfig, SummaryNetworkSettings,
    ContainerCreateConfig, ContainerCreateResponse, ContainerWaitResponse, NetworkingConfig,
    WaitExitError, BuildCacheRecord, ContainerPruneResponse, ImagePruneResponse,
    NetworkPruneResponse, SystemDf, VolumePruneResponse, EventActor, EventMessage,
    ExecCreateConfig, ExecCreateResponse, ExecInspect, ExecProcessConfig, ExecStartConfig,
    DeviceMapping, HostConfig, LogConfig, Mount, RestartPolicy, Ulimit, ImageDeleteResponseItem,
    ImageHistoryItem, ImageInspect, ImageMetadata, ImageSummary, RootFs, ConfigReference, Ipam,
    IpamConfig, NetworkContainer, NetworkCreateResponse, NetworkInspect, Address,
    EndpointIpamConfig, EndpointSettings, NetworkSettings, PortBinding, PortMap, ErrorDetail,
    ProgressDetail, ProgressMessage, BlkioStatEntry, BlkioStats, ContainerStats, CpuStats,
    CpuUsage, MemoryStats, NetworkStats, PidsStats, ThrottlingData, Commit, ComponentVersion,
    PeerNode, Ping, Platform, PluginsInfo, Runtime, SwarmInfo, SystemInfo, SystemVersion,
    ContainerTop, ProcessEntry, ContainerUpdate, ContainerUpdateResponse, Volume,
    VolumeListResponse, VolumeUsageData,
    Vec<ContainerSummary>, Vec<ImageSummary>, Vec<NetworkInspect>, Vec<FileChange>,
    Vec<ImageHistoryItem>, Vec<ImageDeleteResponseItem>,
);

fuzz_target!(|data: &[u8]| {
    let [pick, json @ ..] = data else {
        return;
    };
    let Ok(json) = std::str::from_utf8(json) else {
        return;
    };
    MODELS[usize::from(*pick) % MODELS.len()](json);
});
