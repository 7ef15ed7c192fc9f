//! Disk usage and registry login (tokio).

use docker_models::{AuthConfig, AuthResponse, SystemDf};

use super::Client;
use crate::{auth, system, Result};

impl Client {
    /// `GET /system/df`: the space used by images, containers, volumes and the build
    /// cache.
    pub async fn df(&self) -> Result<SystemDf> {
        self.json(system::df()).await
    }

    /// `POST /auth`: checks credentials against a registry (`serveraddress`; empty means
    /// Docker Hub). Refused credentials are an [`Error::Api`](crate::Error::Api) with
    /// status 401 (`status_code() == Some(401)`).
    pub async fn login(&self, auth: &AuthConfig) -> Result<AuthResponse> {
        self.json(auth::login(auth)).await
    }
}
