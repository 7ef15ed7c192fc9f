//! Registry credentials: `X-Registry-Auth` and `POST /auth`.

use std::fmt;

use crate::model::model;

model! {
    /// Registry credentials: the body of `POST /auth`, and (base64url-encoded JSON) the
    /// `X-Registry-Auth` header of pull and push.
    ///
    /// Keys are lowercase on the wire; empty fields are not sent. `Debug` never prints
    /// the password or the tokens.
    ///
    /// ```
    /// let auth = docker_models::AuthConfig {
    ///     username: "me".into(),
    ///     password: "s3cret".into(),
    ///     serveraddress: "registry.example.com".into(),
    ///     ..Default::default()
    /// };
    /// assert_eq!(
    ///     serde_json::to_string(&auth).unwrap(),
    ///     r#"{"username":"me","password":"s3cret","serveraddress":"registry.example.com"}"#
    /// );
    /// assert!(!format!("{auth:?}").contains("s3cret"));
    /// ```
    #[derive(Clone, Default, PartialEq, Eq)]
    pub struct AuthConfig {
        /// `username`.
        username: String = "username" omitempty,
        /// `password` (or a personal access token).
        password: String = "password" omitempty,
        /// `email` (deprecated, ignored by current registries).
        email: String = "email" omitempty,
        /// `serveraddress`: the registry, e.g. `https://index.docker.io/v1/`.
        serveraddress: String = "serveraddress" omitempty,
        /// `identitytoken`: a refresh token from an earlier `POST /auth`, used instead of a
        /// password.
        identitytoken: String = "identitytoken" omitempty,
        /// `registrytoken`: a bearer token sent to the registry as is.
        registrytoken: String = "registrytoken" omitempty,
    }
}

/// Shows a secret as `"<redacted>"` when set and `""` when empty.
struct Secret<'a>(&'a str);

impl fmt::Debug for Secret<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0.is_empty() {
            f.write_str("\"\"")
        } else {
            f.write_str("<redacted>")
        }
    }
}

impl fmt::Debug for AuthConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AuthConfig")
            .field("username", &self.username)
            .field("password", &Secret(&self.password))
            .field("email", &self.email)
            .field("serveraddress", &self.serveraddress)
            .field("identitytoken", &Secret(&self.identitytoken))
            .field("registrytoken", &Secret(&self.registrytoken))
            .finish()
    }
}

model! {
    /// The answer of `POST /auth`.
    ///
    /// `Debug` never prints the identity token.
    ///
    /// ```
    /// use docker_models::AuthResponse;
    /// let res: AuthResponse =
    ///     serde_json::from_str(r#"{"Status":"Login Succeeded","IdentityToken":"9cbaf023786cd7"}"#).unwrap();
    /// assert_eq!(res.status, "Login Succeeded");
    /// assert!(!format!("{res:?}").contains("9cbaf023786cd7"));
    /// ```
    #[derive(Clone, Default, PartialEq, Eq)]
    pub struct AuthResponse {
        /// `Status`, e.g. `Login Succeeded`.
        status: String = "Status",
        /// `IdentityToken`: a refresh token to keep instead of the password (may be empty).
        identity_token: String = "IdentityToken" omitempty,
    }
}

impl fmt::Debug for AuthResponse {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AuthResponse")
            .field("status", &self.status)
            .field("identity_token", &Secret(&self.identity_token))
            .finish()
    }
}
