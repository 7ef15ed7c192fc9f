//! Disk usage and registry login (blocking).

use docker_models::{AuthConfig, AuthResponse, SystemDf};

use super::Client;
use crate::{auth, system, Result};

impl Client {
    /// `GET /system/df`: the space used by images, containers, volumes and the build
    /// cache. Engines before 23.0 refuse a second one while one runs (an
    /// [`Error::Api`](crate::Error::Api) saying "a disk usage operation is already running").
    pub fn df(&self) -> Result<SystemDf> {
        self.json(system::df())
    }

    /// `POST /auth`: checks credentials against a registry (`serveraddress`; empty means
    /// Docker Hub). Refused credentials are an [`Error::Api`](crate::Error::Api): status 401
    /// from engines 23.0 on; engines before answer 500 with a message ending in
    /// `failed with status: 401 Unauthorized`.
    ///
    /// ```no_run
    /// # let client = docker_client::blocking::Client::from_env()?;
    /// use docker_client::models::AuthConfig;
    ///
    /// let auth = AuthConfig {
    ///     username: "me".into(),
    ///     password: "s3cret".into(),
    ///     serveraddress: "127.0.0.1:5000".into(),
    ///     ..Default::default()
    /// };
    /// match client.login(&auth) {
    ///     Ok(answer) => println!("{}", answer.status),
    ///     Err(e) if e.status_code() == Some(401)
    ///         || e.message().is_some_and(|m| m.ends_with("401 Unauthorized")) =>
    ///     {
    ///         println!("wrong user name or password")
    ///     }
    ///     Err(e) => return Err(e),
    /// }
    /// # Ok::<(), docker_client::Error>(())
    /// ```
    pub fn login(&self, auth: &AuthConfig) -> Result<AuthResponse> {
        self.json(auth::login(auth))
    }
}
