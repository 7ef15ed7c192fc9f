//! Volumes: list, create, inspect, remove and prune (tokio).

use docker_models::{Volume, VolumeListResponse, VolumePruneResponse};

use super::Client;
use crate::volumes::{self as v, CreateVolumeOptions, ListVolumesOptions};
use crate::{PruneFilters, Result};

impl Client {
    /// `GET /volumes`: the volumes, and the engine's warnings.
    pub async fn list_volumes(&self, options: &ListVolumesOptions) -> Result<VolumeListResponse> {
        self.json(v::list(options)).await
    }

    /// `POST /volumes/create`: creates a volume (or returns the existing one of that name).
    pub async fn create_volume(&self, options: &CreateVolumeOptions) -> Result<Volume> {
        self.json(v::create(options)?).await
    }

    /// `GET /volumes/{name}`.
    pub async fn inspect_volume(&self, name: &str) -> Result<Volume> {
        self.json(v::inspect(name)?).await
    }

    /// `DELETE /volumes/{name}?force=`: a volume in use is a conflict
    /// ([`Error::is_conflict`](crate::Error::is_conflict)).
    pub async fn remove_volume(&self, name: &str, force: bool) -> Result<()> {
        self.empty(v::remove(name, force)?).await
    }

    /// `POST /volumes/prune`: removes volumes no container uses (before API 1.42, named
    /// ones too; from 1.42 on only anonymous ones unless the filter `("all", "true")`).
    pub async fn prune_volumes(&self, filters: &PruneFilters) -> Result<VolumePruneResponse> {
        self.json(v::prune(filters)).await
    }
}
