//! `dkr version`: dkr's and the engine's versions, in `docker version`'s layout.

use std::collections::BTreeMap;
use std::io::{self, Write};

use docker_client::blocking::Client;
use docker_client::ApiVersion;
use docker_models::{ComponentVersion, SystemVersion};
use serde::Serialize;

use super::View;
use crate::error::Failure;
use crate::text::{self, Table};
use crate::time;

/// The client side of `dkr version`, named like the engine's fields.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ClientVersion {
    /// dkr's version.
    #[serde(rename = "Version")]
    pub version: String,
    /// The API version in use.
    #[serde(rename = "ApiVersion")]
    pub api_version: String,
    /// The highest API version dkr speaks.
    #[serde(rename = "DefaultAPIVersion")]
    pub default_api_version: String,
    /// The operating system, in Go's naming (`linux`).
    #[serde(rename = "Os")]
    pub os: String,
    /// The architecture, in Go's naming (`amd64`, `arm64`).
    #[serde(rename = "Arch")]
    pub arch: String,
}

impl ClientVersion {
    /// This program's facts, with the API version in use.
    pub fn current(api_version: ApiVersion) -> ClientVersion {
        let arch = match std::env::consts::ARCH {
            "x86_64" => "amd64",
            "aarch64" => "arm64",
            "x86" => "386",
            "powerpc64" => "ppc64le",
            other => other,
        };
        ClientVersion {
            version: env!("CARGO_PKG_VERSION").to_owned(),
            api_version: api_version.to_string(),
            default_api_version: ApiVersion::MAX.to_string(),
            os: std::env::consts::OS.to_owned(),
            arch: arch.to_owned(),
        }
    }
}

#[derive(Serialize)]
struct Both<'a> {
    #[serde(rename = "Client")]
    client: &'a ClientVersion,
    #[serde(rename = "Server")]
    server: &'a SystemVersion,
}

/// Fetches the engine's versions and writes both sides.
pub fn run(client: &Client, view: &View, out: &mut dyn Write) -> Result<(), Failure> {
    let server = client.version()?;
    let mine = ClientVersion::current(client.api_version()?);
    render(&mine, &server, view, out)?;
    Ok(())
}

/// `docker version`'s layout (labels padded to 20 columns), or `{"Client":...,
/// "Server":...}` as JSON.
pub fn render(
    client: &ClientVersion,
    server: &SystemVersion,
    view: &View,
    out: &mut dyn Write,
) -> io::Result<()> {
    if view.is_json() {
        return text::write_json_pretty(out, &Both { client, server });
    }
    let mut t = Table::new(20, 1);
    t.row(["Client: dkr"]);
    t.row([" Version:", &client.version]);
    let mut api = client.api_version.clone();
    if client.api_version != client.default_api_version {
        api.push_str(&format!(
            " (downgraded from {})",
            client.default_api_version
        ));
    }
    t.row([" API version:", &api]);
    t.row([" OS/Arch:", &format!("{}/{}", client.os, client.arch)]);
    t.row([""]);
    let mut title = "Server:".to_owned();
    if !server.platform.name.is_empty() {
        title.push(' ');
        title.push_str(&server.platform.name);
    }
    t.row([title]);
    let engine_only;
    let components = match server.components.is_empty() {
        false => &server.components,
        true => {
            engine_only = [engine_from_top_level(server)];
            &engine_only[..]
        }
    };
    for c in components {
        t.row([format!(" {}:", c.name)]);
        let detail = |k: &str| c.details.get(k).map(String::as_str).unwrap_or("");
        if c.name == "Engine" {
            t.row(["  Version:", &c.version]);
            t.row([
                "  API version:".to_owned(),
                format!(
                    "{} (minimum version {})",
                    detail("ApiVersion"),
                    detail("MinAPIVersion")
                ),
            ]);
            t.row(["  Go version:", detail("GoVersion")]);
            t.row(["  Git commit:", detail("GitCommit")]);
            t.row(["  Built:".to_owned(), built(detail("BuildTime"))]);
            t.row([
                "  OS/Arch:".to_owned(),
                format!("{}/{}", detail("Os"), detail("Arch")),
            ]);
            t.row(["  Experimental:", detail("Experimental")]);
        } else {
            t.row(["  Version:", &c.version]);
            for (k, v) in &c.details {
                t.row([format!("  {k}:"), v.clone()]);
            }
        }
    }
    t.write_to(out)
}

/// The engine's build time in Go's ANSIC layout, in the zone it was written in, as docker
/// shows it; the text as given when it is not RFC 3339.
fn built(build_time: &str) -> String {
    match time::parse_rfc3339(build_time) {
        Ok(t) => time::ansic(t.wall_secs()),
        Err(_) => build_time.to_owned(),
    }
}

/// An `Engine` component from the top-level fields, for engines that send no components.
fn engine_from_top_level(v: &SystemVersion) -> ComponentVersion {
    let details: BTreeMap<String, String> = [
        ("ApiVersion", v.api_version.clone()),
        ("MinAPIVersion", v.min_api_version.clone()),
        ("GoVersion", v.go_version.clone()),
        ("GitCommit", v.git_commit.clone()),
        ("BuildTime", v.build_time.clone()),
        ("Os", v.os.clone()),
        ("Arch", v.arch.clone()),
        ("Experimental", v.experimental.to_string()),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v))
    .collect();
    ComponentVersion {
        name: "Engine".into(),
        version: v.version.clone(),
        details,
        ..ComponentVersion::default()
    }
}
