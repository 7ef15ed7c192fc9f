//! Where the engine listens: parsing `DOCKER_HOST` and friends.

use std::borrow::Cow;
use std::fmt;
use std::path::PathBuf;

use crate::Error;

/// The default socket path of the engine on Linux.
pub(crate) const DEFAULT_SOCKET: &str = "/var/run/docker.sock";

/// Where the Docker engine listens.
///
/// Accepted forms ([`Endpoint::parse`]), as the docker CLI reads `DOCKER_HOST` and `-H`:
///
/// | form | meaning |
/// |---|---|
/// | `unix:///var/run/docker.sock`, `/var/run/docker.sock` | a Unix socket |
/// | `tcp://host:2375`, `tcp://[::1]:2375`, `tcp://host` | plain TCP; the port defaults to 2375 |
/// | `http://host`, `http://host:8080` | plain TCP; the port defaults to 80 |
/// | `https://host`, `https://host:2376` | TLS over TCP; the port defaults to 2376 |
/// | `ssh://[user@]host[:port][/path]` | HTTP over `ssh … docker system dial-stdio` |
/// | `npipe://…`, `fd://…` | [`Error::Unsupported`]: Windows named pipes and socket activation are out of scope |
///
/// A `tcp://` endpoint speaks TLS when the docker CLI would: `DOCKER_TLS_VERIFY` or
/// `DOCKER_TLS` ([`Endpoint::from_env`]), or `--tls`/`--tlsverify` ([`Endpoint::parse_tls`]);
/// it is then an [`Endpoint::Tls`], whose default port is 2376.
///
/// ```
/// use docker_transport::Endpoint;
///
/// let ep = Endpoint::parse("tcp://[::1]:2375")?;
/// assert_eq!(ep, Endpoint::Tcp { host: "::1".into(), port: 2375 });
/// assert_eq!(ep.to_string(), "tcp://[::1]:2375");
/// assert_eq!(ep.host_header(), "[::1]:2375");
/// assert_eq!(Endpoint::default().to_string(), "unix:///var/run/docker.sock");
/// assert_eq!(Endpoint::parse_tls("tcp://engine")?, Endpoint::Tls { host: "engine".into(), port: 2376 });
/// # Ok::<(), docker_transport::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Endpoint {
    /// A Unix domain socket at this path.
    Unix(PathBuf),
    /// A plain (unencrypted) TCP address.
    Tcp {
        /// A host name or IP address; IPv6 addresses are stored without brackets.
        host: String,
        /// The TCP port.
        port: u16,
    },
    /// A TCP address spoken to over TLS (feature `tls`; see [`Config::tls`](crate::Config)).
    /// It displays as `https://host:port`, which parses back to it.
    Tls {
        /// A host name or IP address; IPv6 addresses are stored without brackets. It is
        /// also the name the server's certificate must carry, unless overridden.
        host: String,
        /// The TCP port.
        port: u16,
    },
    /// An engine reached through `ssh`, which runs `docker system dial-stdio` on the host.
    Ssh(SshEndpoint),
}

/// The parts of an `ssh://[user@]host[:port][/path]` endpoint.
///
/// No part goes through a shell: they become separate arguments of `ssh` (`-l user`,
/// `-p port`, `--`, `host`, then `docker system dial-stdio`, with `--host unix://path`
/// when a path is given). A host or user starting with `-` is refused.
///
/// ```
/// use docker_transport::{Endpoint, SshEndpoint};
///
/// let ep = Endpoint::parse("ssh://me@build-box:2222")?;
/// let Endpoint::Ssh(ssh) = &ep else { unreachable!() };
/// assert_eq!(ssh.user.as_deref(), Some("me"));
/// assert_eq!(ssh.port, Some(2222));
/// assert_eq!(ep.to_string(), "ssh://me@build-box:2222");
/// assert!(Endpoint::parse("ssh://-oProxyCommand=x").is_err());
/// # Ok::<(), docker_transport::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct SshEndpoint {
    /// The login name (`-l`); `None` leaves it to ssh's configuration.
    pub user: Option<String>,
    /// The host name or address, as ssh resolves it (ssh's configuration applies).
    pub host: String,
    /// The port (`-p`); `None` leaves it to ssh's configuration (22 by default).
    pub port: Option<u16>,
    /// The engine's socket on the remote host, passed to the remote docker as
    /// `--host unix://PATH`; `None` lets the remote docker find its own engine.
    pub path: Option<String>,
}

impl fmt::Display for SshEndpoint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ssh://")?;
        if let Some(user) = &self.user {
            write!(f, "{user}@")?;
        }
        match self.host.contains(':') {
            true => write!(f, "[{}]", self.host)?,
            false => f.write_str(&self.host)?,
        }
        if let Some(port) = self.port {
            write!(f, ":{port}")?;
        }
        if let Some(path) = &self.path {
            f.write_str(path)?;
        }
        Ok(())
    }
}

impl Default for Endpoint {
    /// `unix:///var/run/docker.sock`.
    fn default() -> Endpoint {
        Endpoint::Unix(PathBuf::from(DEFAULT_SOCKET))
    }
}

/// The default ports of the docker CLI: 2375 for plain TCP, 2376 for TLS.
const PLAIN_PORT: u16 = 2375;
const TLS_PORT: u16 = 2376;

impl Endpoint {
    /// Parses an endpoint in `DOCKER_HOST` syntax (see the [type docs](Endpoint)).
    ///
    /// ```
    /// use docker_transport::{Endpoint, Error};
    ///
    /// assert_eq!(Endpoint::parse("/run/user/1000/docker.sock")?, Endpoint::Unix("/run/user/1000/docker.sock".into()));
    /// assert_eq!(Endpoint::parse("http://localhost")?, Endpoint::Tcp { host: "localhost".into(), port: 80 });
    /// assert_eq!(Endpoint::parse("tcp://localhost")?, Endpoint::Tcp { host: "localhost".into(), port: 2375 });
    /// assert!(matches!(Endpoint::parse("tcp://"), Err(Error::InvalidEndpoint { .. })));
    /// assert!(matches!(Endpoint::parse("npipe:////./pipe/docker_engine"), Err(Error::Unsupported { .. })));
    /// # Ok::<(), docker_transport::Error>(())
    /// ```
    pub fn parse(s: &str) -> Result<Endpoint, Error> {
        parse(s, PLAIN_PORT).map(|(endpoint, _)| endpoint)
    }

    /// Parses an endpoint as the docker CLI does with `--tls` or `--tlsverify`: a `tcp://`
    /// (or `https://`) endpoint is an [`Endpoint::Tls`], its port defaulting to 2376.
    /// `http://` is refused: it says plain text. Other forms are as [`Endpoint::parse`].
    ///
    /// ```
    /// use docker_transport::Endpoint;
    ///
    /// assert_eq!(Endpoint::parse_tls("tcp://127.0.0.1:2376")?, Endpoint::Tls { host: "127.0.0.1".into(), port: 2376 });
    /// assert!(Endpoint::parse_tls("http://127.0.0.1:2375").is_err());
    /// assert_eq!(Endpoint::parse_tls("unix:///run/docker.sock")?, Endpoint::Unix("/run/docker.sock".into()));
    /// # Ok::<(), docker_transport::Error>(())
    /// ```
    pub fn parse_tls(s: &str) -> Result<Endpoint, Error> {
        match parse(s, TLS_PORT)? {
            (Endpoint::Tcp { .. }, Scheme::Http) => Err(Error::InvalidEndpoint {
                endpoint: s.to_owned(),
                reason: "http:// is plain text, but TLS was asked for; use tcp:// or https://"
                    .into(),
            }),
            (Endpoint::Tcp { host, port }, _) => Ok(Endpoint::Tls { host, port }),
            (endpoint, _) => Ok(endpoint),
        }
    }

    /// Reads `DOCKER_HOST` as the docker CLI does; unset or empty means
    /// [`Endpoint::default`]. A `tcp://` host is an [`Endpoint::Tls`] when
    /// `DOCKER_TLS_VERIFY` or `DOCKER_TLS` is set to anything non-empty (`"0"` included, as
    /// in docker). Certificates are [`Config::from_env`](crate::Config::from_env)'s business.
    ///
    /// ```no_run
    /// let endpoint = docker_transport::Endpoint::from_env()?;
    /// println!("talking to {endpoint}");
    /// # Ok::<(), docker_transport::Error>(())
    /// ```
    pub fn from_env() -> Result<Endpoint, Error> {
        from_lookup(|name| std::env::var(name).ok())
    }

    /// The `Host` header value: `docker` for a Unix socket or ssh, `host:port` for TCP.
    ///
    /// ```
    /// use docker_transport::Endpoint;
    /// assert_eq!(Endpoint::default().host_header(), "docker");
    /// assert_eq!(Endpoint::parse("tcp://10.0.0.1:2375")?.host_header(), "10.0.0.1:2375");
    /// # Ok::<(), docker_transport::Error>(())
    /// ```
    pub fn host_header(&self) -> Cow<'_, str> {
        match self {
            Endpoint::Unix(_) | Endpoint::Ssh(_) => Cow::Borrowed("docker"),
            Endpoint::Tcp { host, port } | Endpoint::Tls { host, port } if host.contains(':') => {
                Cow::Owned(format!("[{host}]:{port}"))
            }
            Endpoint::Tcp { host, port } | Endpoint::Tls { host, port } => {
                Cow::Owned(format!("{host}:{port}"))
            }
        }
    }
}

impl fmt::Display for Endpoint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (scheme, host, port) = match self {
            Endpoint::Unix(path) => return write!(f, "unix://{}", path.display()),
            Endpoint::Ssh(ssh) => return ssh.fmt(f),
            Endpoint::Tcp { host, port } => ("tcp", host, port),
            Endpoint::Tls { host, port } => ("https", host, port),
        };
        match host.contains(':') {
            true => write!(f, "{scheme}://[{host}]:{port}"),
            false => write!(f, "{scheme}://{host}:{port}"),
        }
    }
}

/// The scheme an endpoint was written with, where it matters after parsing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Scheme {
    Http,
    Other,
}

/// Parses `s`, with `tcp_port` the default port of `tcp://`.
fn parse(s: &str, tcp_port: u16) -> Result<(Endpoint, Scheme), Error> {
    let invalid = |reason: &str| Error::InvalidEndpoint {
        endpoint: s.to_owned(),
        reason: reason.to_owned(),
    };
    if s.starts_with('/') {
        return Ok((Endpoint::Unix(PathBuf::from(s)), Scheme::Other));
    }
    let Some((scheme, rest)) = s.split_once("://") else {
        return Err(invalid(
            "expected unix:///path, tcp://host[:port], https://host[:port] or ssh://[user@]host[:port]",
        ));
    };
    let endpoint = match scheme.to_ascii_lowercase().as_str() {
        "unix" => match rest.is_empty() {
            true => {
                return Err(invalid(
                    "the socket path is empty; use unix:///path/to/docker.sock",
                ))
            }
            false => Endpoint::Unix(PathBuf::from(rest)),
        },
        "tcp" => parse_host_port(rest, tcp_port).map_err(|reason| invalid(&reason))?,
        "http" => {
            let endpoint = parse_host_port(rest, 80).map_err(|reason| invalid(&reason))?;
            return Ok((endpoint, Scheme::Http));
        }
        "https" => match parse_host_port(rest, TLS_PORT).map_err(|reason| invalid(&reason))? {
            Endpoint::Tcp { host, port } => Endpoint::Tls { host, port },
            other => other,
        },
        "ssh" => Endpoint::Ssh(parse_ssh(rest).map_err(|reason| invalid(&reason))?),
        "npipe" => {
            return Err(unsupported(
                s,
                "Windows named pipes (npipe://) are out of scope: this client runs on Unix",
            ))
        }
        "fd" => {
            return Err(unsupported(
                s,
                "systemd socket activation (fd://) is a daemon-side form",
            ))
        }
        _ => {
            return Err(invalid(
                "unknown scheme; expected unix://, tcp://, http://, https:// or ssh://",
            ))
        }
    };
    Ok((endpoint, Scheme::Other))
}

/// [`Endpoint::from_env`] over any variable lookup, so that it can be tested without
/// touching the process environment.
pub(crate) fn from_lookup(get: impl Fn(&str) -> Option<String>) -> Result<Endpoint, Error> {
    let set = |name: &str| get(name).filter(|v| !v.is_empty());
    let tls = set("DOCKER_TLS_VERIFY").is_some() || set("DOCKER_TLS").is_some();
    match (set("DOCKER_HOST"), tls) {
        (None, _) => Ok(Endpoint::default()),
        (Some(host), true) => Endpoint::parse_tls(&host),
        (Some(host), false) => Endpoint::parse(&host),
    }
}

fn unsupported(endpoint: &str, what: &str) -> Error {
    Error::Unsupported {
        endpoint: endpoint.to_owned(),
        what: what.to_owned(),
    }
}

/// `[user@]host[:port][/path]`, refusing anything ssh could take for an option.
fn parse_ssh(rest: &str) -> Result<SshEndpoint, String> {
    if rest.contains(['?', '#']) {
        return Err("a query or fragment is not allowed in an ssh:// endpoint".into());
    }
    let (authority, path) = match rest.find('/') {
        Some(i) => (&rest[..i], Some(&rest[i..])),
        None => (rest, None),
    };
    let path = path.filter(|p| *p != "/").map(str::to_owned);
    let (user, hostport) = match authority.rsplit_once('@') {
        Some((user, hostport)) => (Some(user), hostport),
        None => (None, authority),
    };
    if let Some(user) = user {
        if user.contains(':') {
            return Err("a password in an ssh:// endpoint is not supported; use a key".into());
        }
        if user.is_empty() || user.starts_with('-') {
            return Err(format!("invalid ssh user {user:?}"));
        }
    }
    let (host, port) = split_host_port(hostport)?;
    if host.starts_with('-') {
        return Err(format!(
            "the ssh host {host:?} starts with '-', which ssh would read as an option"
        ));
    }
    if host.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(format!("invalid ssh host {host:?}"));
    }
    let port = port.map(parse_port).transpose()?;
    Ok(SshEndpoint {
        user: user.map(str::to_owned),
        host: host.to_owned(),
        port,
        path,
    })
}

fn parse_port(text: &str) -> Result<u16, String> {
    match text.parse::<u16>() {
        Ok(n) if n != 0 && text.bytes().all(|b| b.is_ascii_digit()) => Ok(n),
        _ => Err(format!("invalid port {text:?}")),
    }
}

/// `host`, `host:port`, `[v6]` or `[v6]:port`; the host is never empty.
fn split_host_port(authority: &str) -> Result<(&str, Option<&str>), String> {
    let (host, port) = match authority.strip_prefix('[') {
        Some(v6) => {
            let Some((host, after)) = v6.split_once(']') else {
                return Err("unclosed '[' in an IPv6 address".into());
            };
            if host.parse::<std::net::Ipv6Addr>().is_err() {
                return Err(format!("{host:?} is not an IPv6 address"));
            }
            match after {
                "" => (host, None),
                _ => match after.strip_prefix(':') {
                    Some(port) => (host, Some(port)),
                    None => return Err("expected ':port' after ']'".into()),
                },
            }
        }
        None => match authority.rsplit_once(':') {
            Some((host, _)) if host.contains(':') => {
                return Err("put IPv6 addresses in brackets, e.g. tcp://[::1]:2375".into())
            }
            Some((host, port)) => (host, Some(port)),
            None => (authority, None),
        },
    };
    if host.is_empty() {
        return Err("the host is empty".into());
    }
    Ok((host, port))
}

fn parse_host_port(rest: &str, default_port: u16) -> Result<Endpoint, String> {
    let authority = rest.strip_suffix('/').unwrap_or(rest);
    if authority.contains('/') {
        return Err("a path after host:port is not supported".into());
    }
    if authority.contains('@') {
        return Err("user information (user@host) is not supported".into());
    }
    let (host, port) = split_host_port(authority)?;
    let port = match port {
        Some(text) => parse_port(text)?,
        None => default_port,
    };
    Ok(Endpoint::Tcp {
        host: host.to_owned(),
        port,
    })
}
