//! Disk usage and registry login (tokio).

use docker_models::{AuthConfig, AuthResponse, SystemDf};

use super::Client;
use crate::{auth, system, Result};

impl Client {
    /// `GET /system/df`: the space used by images, containers, volumes and the build
    /// cache. Engines before 23.0 refuse a second one while one runs (an
    /// [`Error::Api`](crate::Error::Api) saying "a disk usage operation is already running").
    pub async fn df(&self) -> Result<SystemDf> {
        self.json(system::df()).await
    }

    /// `POST /auth`: checks credentials against a registry. See
    /// [`blocking::Client::login`](crate::blocking::Client::login) for the errors.
    pub async fn login(&self, auth: &AuthConfig) -> Result<AuthResponse> {
        self.json(auth::login(auth)).await
    }
}
