//! `dkr info`: system-wide information, condensed from `docker info`'s server section.

use std::io::{self, Write};

use docker_client::blocking::Client;
use docker_models::SystemInfo;

use super::View;
use crate::error::Failure;
use crate::text;

/// Fetches the information and writes it; the engine's warnings go to `err`.
pub fn run(
    client: &Client,
    view: &View,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Result<(), Failure> {
    let info = client.info()?;
    render(&info, view, out, err)?;
    Ok(())
}

/// `docker info`'s look: a short client section, then the server's facts; or the model
/// as JSON. Warnings (`WARNING: No swap limit support`...) are written to `err`.
pub fn render(
    info: &SystemInfo,
    view: &View,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> io::Result<()> {
    if view.is_json() {
        return text::write_json_pretty(out, info);
    }
    let mut o = String::new();
    let mut line = |s: String| {
        o.push_str(&s);
        o.push('\n');
    };
    let non_empty = |label: &str, value: &str| match value.is_empty() {
        true => None,
        false => Some(format!(" {label}: {value}")),
    };
    line("Client:".into());
    line(format!(" Version:    {}", env!("CARGO_PKG_VERSION")));
    line(" Program:    dkr".into());
    line(String::new());
    line("Server:".into());
    line(format!(" Containers: {}", info.containers));
    line(format!("  Running: {}", info.containers_running));
    line(format!("  Paused: {}", info.containers_paused));
    line(format!("  Stopped: {}", info.containers_stopped));
    line(format!(" Images: {}", info.images));
    non_empty("Server Version", &info.server_version).map(&mut line);
    non_empty("Storage Driver", &info.driver).map(&mut line);
    for pair in &info.driver_status {
        if let [k, v, ..] = pair.as_slice() {
            line(format!("  {k}: {v}"));
        }
    }
    non_empty("Logging Driver", &info.logging_driver).map(&mut line);
    non_empty("Cgroup Driver", &info.cgroup_driver).map(&mut line);
    non_empty("Cgroup Version", &info.cgroup_version).map(&mut line);
    line(" Plugins:".into());
    line(format!("  Volume: {}", info.plugins.volume.join(" ")));
    line(format!("  Network: {}", info.plugins.network.join(" ")));
    if !info.plugins.authorization.is_empty() {
        line(format!(
            "  Authorization: {}",
            info.plugins.authorization.join(" ")
        ));
    }
    line(format!("  Log: {}", info.plugins.log.join(" ")));
    line(format!(" Swarm: {}", info.swarm.local_node_state));
    if !info.runtimes.is_empty() {
        let names: Vec<&str> = info.runtimes.keys().map(String::as_str).collect();
        line(format!(" Runtimes: {}", names.join(" ")));
        line(format!(" Default Runtime: {}", info.default_runtime));
    }
    if info.os_type == "linux" {
        line(format!(" Init Binary: {}", info.init_binary));
        for (name, commit) in [
            ("containerd", &info.containerd_commit),
            ("runc", &info.runc_commit),
            ("init", &info.init_commit),
        ] {
            let mut s = format!(" {name} version: {}", commit.id);
            if !commit.expected.is_empty() && commit.id != commit.expected {
                s.push_str(&format!(" (expected: {})", commit.expected));
            }
            line(s);
        }
        if !info.security_options.is_empty() {
            line(" Security Options:".into());
            for option in &info.security_options {
                let (name, profile) = security_option(option);
                line(format!("  {name}"));
                if let Some(p) = profile {
                    line(format!("   Profile: {p}"));
                }
            }
        }
    }
    if info.os_type == "windows" {
        line(format!(" Default Isolation: {}", info.isolation));
    }
    non_empty("Kernel Version", &info.kernel_version).map(&mut line);
    non_empty("Operating System", &info.operating_system).map(&mut line);
    non_empty("OSType", &info.os_type).map(&mut line);
    non_empty("Architecture", &info.architecture).map(&mut line);
    line(format!(" CPUs: {}", info.ncpu));
    line(format!(
        " Total Memory: {}",
        text::bytes_size(info.mem_total as f64)
    ));
    non_empty("Name", &info.name).map(&mut line);
    non_empty("ID", &info.id).map(&mut line);
    line(format!(" Docker Root Dir: {}", info.docker_root_dir));
    line(format!(" Debug Mode: {}", info.debug));
    if info.debug {
        line(format!("  File Descriptors: {}", info.nfd));
        line(format!("  Goroutines: {}", info.ngoroutines));
        line(format!("  System Time: {}", info.system_time));
        line(format!("  EventsListeners: {}", info.nevents_listener));
    }
    non_empty("HTTP Proxy", &info.http_proxy).map(&mut line);
    non_empty("HTTPS Proxy", &info.https_proxy).map(&mut line);
    non_empty("No Proxy", &info.no_proxy).map(&mut line);
    if !info.labels.is_empty() {
        line(" Labels:".into());
        for label in &info.labels {
            line(format!("  {label}"));
        }
    }
    line(format!(" Experimental: {}", info.experimental_build));
    line(format!(
        " Live Restore Enabled: {}",
        info.live_restore_enabled
    ));
    out.write_all(o.as_bytes())?;
    if !info.warnings.is_empty() {
        out.flush()?;
        for w in &info.warnings {
            writeln!(err, "{w}")?;
        }
    }
    Ok(())
}

/// A security option as the engine lists it: `name=seccomp,profile=default` (or the
/// legacy bare `apparmor`) → its name and profile.
fn security_option(option: &str) -> (&str, Option<&str>) {
    if !option.contains('=') {
        return (option, None);
    }
    let mut name = "";
    let mut profile = None;
    for kv in option.split(',') {
        match kv.split_once('=') {
            Some(("name", v)) => name = v,
            Some(("profile", v)) => profile = Some(v),
            _ => {}
        }
    }
    (name, profile)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn security_options() {
        assert_eq!(
            security_option("name=seccomp,profile=default"),
            ("seccomp", Some("default"))
        );
        assert_eq!(security_option("name=cgroupns"), ("cgroupns", None));
        assert_eq!(security_option("apparmor"), ("apparmor", None));
    }
}
