//! Volumes: list, create, inspect, remove and prune (blocking).

use docker_models::{Volume, VolumeListResponse, VolumePruneResponse};

use super::Client;
use crate::volumes::{self as v, CreateVolumeOptions, ListVolumesOptions};
use crate::{PruneFilters, Result};

impl Client {
    /// `GET /volumes`: the volumes, and the engine's warnings.
    pub fn list_volumes(&self, options: &ListVolumesOptions) -> Result<VolumeListResponse> {
        self.json(v::list(options))
    }

    /// `POST /volumes/create`: creates a volume (or returns the existing one of that name).
    ///
    /// ```no_run
    /// # let client = docker_client::blocking::Client::from_env()?;
    /// use docker_client::CreateVolumeOptions;
    ///
    /// let volume = client.create_volume(&CreateVolumeOptions::default().name("data"))?;
    /// println!("{} at {}", volume.name, volume.mountpoint);
    /// client.remove_volume("data", false)?;
    /// # Ok::<(), docker_client::Error>(())
    /// ```
    pub fn create_volume(&self, options: &CreateVolumeOptions) -> Result<Volume> {
        self.json(v::create(options)?)
    }

    /// `GET /volumes/{name}`.
    pub fn inspect_volume(&self, name: &str) -> Result<Volume> {
        self.json(v::inspect(name)?)
    }

    /// `DELETE /volumes/{name}?force=`: a volume in use is a conflict
    /// ([`Error::is_conflict`](crate::Error::is_conflict)).
    pub fn remove_volume(&self, name: &str, force: bool) -> Result<()> {
        self.empty(v::remove(name, force)?)
    }

    /// `POST /volumes/prune`: removes volumes no container uses (before API 1.42, named
    /// ones too; from 1.42 on only anonymous ones unless the filter `("all", "true")`).
    pub fn prune_volumes(&self, filters: &PruneFilters) -> Result<VolumePruneResponse> {
        self.json(v::prune(filters))
    }
}
