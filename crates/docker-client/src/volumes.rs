//! Volumes: list, inspect, create, remove and prune.

use std::collections::BTreeMap;

use docker_models::{
    ClusterVolumeSpec, Volume, VolumeListResponse, VolumePruneResponse, VolumeUpdate,
};
use serde_json::json;

use crate::call::Call;
use crate::options::Filters;
use crate::path::{self, Kind, Query};
use crate::{Client, Flavour, PruneFilters, Result};

/// Options of `list_volumes` (`GET /volumes`).
///
/// ```
/// let opts = docker_client::ListVolumesOptions::default()
///     .filter("dangling", "true")
///     .filter("label", "team=web");
/// # let _ = opts;
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ListVolumesOptions {
    filters: Filters,
}

impl ListVolumesOptions {
    /// Adds a filter such as `("name", "data")`, `("driver", "local")`, `("label", "k=v")`,
    /// `("dangling", "true")`. Several values of one key are ORed.
    ///
    /// ```no_run
    /// # let client = docker_client::blocking::Client::from_env()?;
    /// use docker_client::ListVolumesOptions;
    /// let unused = ListVolumesOptions::default().filter("dangling", "true");
    /// for volume in client.list_volumes(&unused)?.volumes {
    ///     println!("{} ({})", volume.name, volume.driver);
    /// }
    /// # Ok::<(), docker_client::Error>(())
    /// ```
    pub fn filter(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {
        self.filters.add(key, value);
        self
    }

    fn query(&self) -> Query {
        let mut q = Query::default();
        self.filters.push_to(&mut q);
        q
    }
}

/// The body of `create_volume` (`POST /volumes/create`).
///
/// ```
/// let opts = docker_client::CreateVolumeOptions::default()
///     .name("data")
///     .label("team", "web")
///     .driver_opt("type", "tmpfs")
///     .driver_opt("device", "tmpfs");
/// # let _ = opts;
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CreateVolumeOptions {
    name: Option<String>,
    driver: Option<String>,
    driver_opts: BTreeMap<String, String>,
    labels: BTreeMap<String, String>,
}

impl CreateVolumeOptions {
    /// The volume's name; without it the engine picks a random one.
    ///
    /// ```
    /// use docker_client::CreateVolumeOptions;
    /// let opts = CreateVolumeOptions::default().name("pgdata");
    /// # let _ = opts;
    /// ```
    pub fn name(self, name: impl Into<String>) -> Self {
        CreateVolumeOptions {
            name: Some(name.into()),
            ..self
        }
    }

    /// The driver (default `local`).
    ///
    /// ```
    /// use docker_client::CreateVolumeOptions;
    /// let opts = CreateVolumeOptions::default().name("shared").driver("rexray/ebs");
    /// # let _ = opts;
    /// ```
    pub fn driver(self, driver: impl Into<String>) -> Self {
        CreateVolumeOptions {
            driver: Some(driver.into()),
            ..self
        }
    }

    /// Adds a driver option (for `local`: `type`, `device`, `o`).
    ///
    /// ```
    /// use docker_client::CreateVolumeOptions;
    /// // An NFS share, as `docker volume create --opt` takes it.
    /// let opts = CreateVolumeOptions::default()
    ///     .name("nfs-data")
    ///     .driver_opt("type", "nfs")
    ///     .driver_opt("o", "addr=10.0.0.10,rw")
    ///     .driver_opt("device", ":/exports/data");
    /// # let _ = opts;
    /// ```
    pub fn driver_opt(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {
        self.driver_opts.insert(key.into(), value.into());
        self
    }

    /// Adds a label.
    ///
    /// ```
    /// use docker_client::CreateVolumeOptions;
    /// let opts = CreateVolumeOptions::default().name("cache").label("backup", "never");
    /// # let _ = opts;
    /// ```
    pub fn label(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {
        self.labels.insert(key.into(), value.into());
        self
    }
}

/// Options of `remove_volume` (`DELETE /volumes/{name}`).
///
/// ```
/// let opts = docker_client::RemoveVolumeOptions::default().force(true);
/// # let _ = opts;
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RemoveVolumeOptions {
    force: bool,
}

impl RemoveVolumeOptions {
    /// Removes the volume even when a container uses it.
    ///
    /// ```
    /// let opts = docker_client::RemoveVolumeOptions::default().force(true);
    /// # let _ = opts;
    /// ```
    pub fn force(self, force: bool) -> Self {
        RemoveVolumeOptions { force }
    }
}

impl<F: Flavour> Client<F> {
    /// `GET /volumes`: the volumes, and the engine's warnings.
    ///
    /// ```no_run
    /// # let client = docker_client::blocking::Client::from_env()?;
    /// use docker_client::ListVolumesOptions;
    /// let list = client.list_volumes(&ListVolumesOptions::default().filter("dangling", "true"))?;
    /// for v in list.volumes {
    ///     println!("{} {}", v.name, v.driver);
    /// }
    /// # Ok::<(), docker_client::Error>(())
    /// ```
    pub fn list_volumes(&self, options: &ListVolumesOptions) -> F::Out<'_, VolumeListResponse> {
        let call = Call::get("/volumes").query(options.query());
        self.run(self.json(Ok(call)))
    }

    /// `POST /volumes/create`: creates a volume (or returns the existing one of that name).
    ///
    /// ```no_run
    /// # let client = docker_client::blocking::Client::from_env()?;
    /// use docker_client::{CreateVolumeOptions, RemoveVolumeOptions};
    ///
    /// let volume = client.create_volume(&CreateVolumeOptions::default().name("data"))?;
    /// println!("{} at {}", volume.name, volume.mountpoint);
    /// client.remove_volume("data", RemoveVolumeOptions::default())?;
    /// # Ok::<(), docker_client::Error>(())
    /// ```
    pub fn create_volume(&self, options: &CreateVolumeOptions) -> F::Out<'_, Volume> {
        let call = || {
            let mut body = serde_json::Map::new();
            if let Some(name) = &options.name {
                body.insert("Name".into(), json!(path::plain_text("volume name", name)?));
            }
            if let Some(driver) = &options.driver {
                body.insert("Driver".into(), json!(driver));
            }
            body.insert("DriverOpts".into(), json!(options.driver_opts));
            body.insert("Labels".into(), json!(options.labels));
            Call::post("/volumes/create").json("volume options", &body)
        };
        self.run(self.json(call()))
    }

    /// `GET /volumes/{name}`.
    ///
    /// ```no_run
    /// # let client = docker_client::blocking::Client::from_env()?;
    /// let v = client.inspect_volume("data")?;
    /// println!("{} at {}", v.name, v.mountpoint);
    /// # Ok::<(), docker_client::Error>(())
    /// ```
    pub fn inspect_volume(&self, name: &str) -> F::Out<'_, Volume> {
        let call = volume_path(name).map(Call::get);
        self.run(self.json(call))
    }

    /// `PUT /volumes/{name}?version=` (API 1.42 and later): updates a cluster (swarm CSI)
    /// volume's spec; only its `Availability` may change. `version` is the volume's
    /// `ClusterVolume.Version.Index`, which guards against conflicting writes. An engine
    /// outside a swarm answers 503 ([`Error::Api`](crate::Error::Api)).
    ///
    /// ```no_run
    /// # let client = docker_client::blocking::Client::from_env()?;
    /// use docker_client::models::ClusterVolumeSpec;
    /// let drain = ClusterVolumeSpec { availability: "drain".into(), ..Default::default() };
    /// client.update_volume("pgdata", 42, &drain)?;
    /// # Ok::<(), docker_client::Error>(())
    /// ```
    pub fn update_volume(
        &self,
        name: &str,
        version: u64,
        spec: &ClusterVolumeSpec,
    ) -> F::Out<'_, ()> {
        let call = || {
            let mut q = Query::default();
            q.push("version", &version.to_string());
            let body = VolumeUpdate { spec: spec.clone() };
            Call::new(docker_transport::Method::Put, volume_path(name)?)
                .query(q)
                .json("volume update", &body)
        };
        self.run(self.empty(call()))
    }

    /// `DELETE /volumes/{name}?force=`: a volume in use is a conflict
    /// ([`Error::is_conflict`](crate::Error::is_conflict)).
    ///
    /// ```no_run
    /// # let client = docker_client::blocking::Client::from_env()?;
    /// use docker_client::RemoveVolumeOptions;
    /// match client.remove_volume("data", RemoveVolumeOptions::default()) {
    ///     Err(e) if e.is_conflict() => println!("still in use"),
    ///     other => other?,
    /// }
    /// # Ok::<(), docker_client::Error>(())
    /// ```
    pub fn remove_volume(&self, name: &str, options: RemoveVolumeOptions) -> F::Out<'_, ()> {
        let call = volume_path(name).map(|p| {
            let mut q = Query::default();
            q.flag("force", options.force);
            Call::delete(p).query(q)
        });
        self.run(self.empty(call))
    }

    /// `POST /volumes/prune`: removes volumes no container uses (before API 1.42, named
    /// ones too; from 1.42 on only anonymous ones unless the filter `("all", "true")`).
    ///
    /// ```no_run
    /// # let client = docker_client::blocking::Client::from_env()?;
    /// use docker_client::PruneFilters;
    /// let pruned = client.prune_volumes(&PruneFilters::default().filter("all", "true"))?;
    /// println!("{} bytes reclaimed", pruned.space_reclaimed);
    /// # Ok::<(), docker_client::Error>(())
    /// ```
    pub fn prune_volumes(&self, filters: &PruneFilters) -> F::Out<'_, VolumePruneResponse> {
        let call = Call::post("/volumes/prune").query(filters.query());
        self.run(self.json(Ok(call)))
    }
}

/// `/volumes/{name}` with `name` validated and encoded.
fn volume_path(name: &str) -> Result<String> {
    Ok(format!("/volumes/{}", path::segment(Kind::Volume, name)?))
}

#[cfg(feature = "dispatch")]
impl crate::dispatch::FromArg for CreateVolumeOptions {
    fn from_arg(v: &serde_json::Value) -> Option<CreateVolumeOptions> {
        let mut o = CreateVolumeOptions::default();
        if let Some(name) = v["name"].as_str() {
            o = o.name(name);
        }
        if let Some(d) = v["driver"].as_str() {
            o = o.driver(d);
        }
        for (k, value) in v["labels"].as_object().into_iter().flatten() {
            o = o.label(k, value.as_str()?);
        }
        Some(o)
    }
}

#[cfg(feature = "dispatch")]
impl crate::dispatch::FromArg for ListVolumesOptions {
    fn from_arg(v: &serde_json::Value) -> Option<ListVolumesOptions> {
        let mut o = ListVolumesOptions::default();
        for (key, value) in crate::dispatch::filters(&v["filters"]) {
            o = o.filter(key, value);
        }
        Some(o)
    }
}

/// A bare boolean (`force`), or `{"force": bool}`.
#[cfg(feature = "dispatch")]
impl crate::dispatch::FromArg for RemoveVolumeOptions {
    fn from_arg(v: &serde_json::Value) -> Option<RemoveVolumeOptions> {
        let force = v
            .as_bool()
            .unwrap_or_else(|| crate::dispatch::flag(v, "force"));
        Some(RemoveVolumeOptions::default().force(force))
    }
}
