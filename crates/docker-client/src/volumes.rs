//! Volumes: options and call builders shared by both flavours.

use std::collections::BTreeMap;

use docker_transport::Method;
use serde_json::json;

use crate::call::{text, Call};
use crate::options::Filters;
use crate::path::{self, Kind, Query};
use crate::{PruneFilters, Result};

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
    pub fn name(self, name: impl Into<String>) -> Self {
        CreateVolumeOptions {
            name: Some(name.into()),
            ..self
        }
    }

    /// The driver (default `local`).
    pub fn driver(self, driver: impl Into<String>) -> Self {
        CreateVolumeOptions {
            driver: Some(driver.into()),
            ..self
        }
    }

    /// Adds a driver option (for `local`: `type`, `device`, `o`).
    pub fn driver_opt(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {
        self.driver_opts.insert(key.into(), value.into());
        self
    }

    /// Adds a label.
    pub fn label(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {
        self.labels.insert(key.into(), value.into());
        self
    }
}

/// `/volumes/{name}` with `name` validated and encoded.
fn volume_path(name: &str) -> Result<String> {
    Ok(format!("/volumes/{}", path::segment(Kind::Volume, name)?))
}

/// `GET /volumes`.
pub(crate) fn list(options: &ListVolumesOptions) -> Call {
    Call::get("/volumes").query(options.query())
}

/// `POST /volumes/create`.
pub(crate) fn create(options: &CreateVolumeOptions) -> Result<Call> {
    let mut body = serde_json::Map::new();
    if let Some(name) = &options.name {
        body.insert("Name".into(), json!(text("volume name", name)?));
    }
    if let Some(driver) = &options.driver {
        body.insert("Driver".into(), json!(driver));
    }
    body.insert("DriverOpts".into(), json!(options.driver_opts));
    body.insert("Labels".into(), json!(options.labels));
    let body = serde_json::to_vec(&body).expect("a JSON map always serializes");
    Ok(Call::post("/volumes/create").json(body))
}

/// `GET /volumes/{name}`.
pub(crate) fn inspect(name: &str) -> Result<Call> {
    Ok(Call::get(volume_path(name)?))
}

/// `DELETE /volumes/{name}?force=`.
pub(crate) fn remove(name: &str, force: bool) -> Result<Call> {
    let mut q = Query::default();
    q.flag("force", force);
    Ok(Call::new(Method::Delete, volume_path(name)?).query(q))
}

/// `POST /volumes/prune`.
pub(crate) fn prune(filters: &PruneFilters) -> Call {
    Call::post("/volumes/prune").query(filters.query())
}
