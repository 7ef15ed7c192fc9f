//! Where the engine listens: parsing `DOCKER_HOST` and friends.

use std::borrow::Cow;
use std::fmt;
use std::path::PathBuf;

use crate::Error;

/// The default socket path of the engine on Linux.
pub(crate) const DEFAULT_SOCKET: &str = "/var/run/docker.sock";

/// Where the Docker engine listens.
///
/// Accepted forms ([`Endpoint::parse`]):
///
/// | form | meaning |
/// |---|---|
/// | `unix:///var/run/docker.sock`, `/var/run/docker.sock` | a Unix socket |
/// | `tcp://host:2375`, `tcp://[::1]:2375` | plain TCP; the port is required |
/// | `http://host`, `http://host:8080` | plain TCP; the port defaults to 80 |
/// | `https://…`, `ssh://…`, `npipe://…`, `fd://…` | [`Error::Unsupported`] (not supported yet) |
///
/// ```
/// use docker_transport::Endpoint;
///
/// let ep = Endpoint::parse("tcp://[::1]:2375")?;
/// assert_eq!(ep, Endpoint::Tcp { host: "::1".into(), port: 2375 });
/// assert_eq!(ep.to_string(), "tcp://[::1]:2375");
/// assert_eq!(ep.host_header(), "[::1]:2375");
/// assert_eq!(Endpoint::default().to_string(), "unix:///var/run/docker.sock");
/// # Ok::<(), docker_transport::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
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
}

impl Default for Endpoint {
    /// `unix:///var/run/docker.sock`.
    fn default() -> Endpoint {
        Endpoint::Unix(PathBuf::from(DEFAULT_SOCKET))
    }
}

impl Endpoint {
    /// Parses an endpoint in `DOCKER_HOST` syntax (see the [type docs](Endpoint)).
    ///
    /// ```
    /// use docker_transport::{Endpoint, Error};
    ///
    /// assert_eq!(Endpoint::parse("/run/user/1000/docker.sock")?, Endpoint::Unix("/run/user/1000/docker.sock".into()));
    /// assert_eq!(Endpoint::parse("http://localhost")?, Endpoint::Tcp { host: "localhost".into(), port: 80 });
    /// assert!(matches!(Endpoint::parse("tcp://localhost"), Err(Error::InvalidEndpoint { .. })));
    /// assert!(matches!(Endpoint::parse("npipe:////./pipe/docker_engine"), Err(Error::Unsupported { .. })));
    /// # Ok::<(), docker_transport::Error>(())
    /// ```
    pub fn parse(s: &str) -> Result<Endpoint, Error> {
        let invalid = |reason: &str| Error::InvalidEndpoint {
            endpoint: s.to_owned(),
            reason: reason.to_owned(),
        };
        if s.starts_with('/') {
            return Ok(Endpoint::Unix(PathBuf::from(s)));
        }
        let Some((scheme, rest)) = s.split_once("://") else {
            return Err(invalid(
                "expected unix:///path, tcp://host:port or http://host[:port]",
            ));
        };
        match scheme.to_ascii_lowercase().as_str() {
            "unix" => match rest.is_empty() {
                true => Err(invalid(
                    "the socket path is empty; use unix:///path/to/docker.sock",
                )),
                false => Ok(Endpoint::Unix(PathBuf::from(rest))),
            },
            "tcp" => parse_host_port(rest, None).map_err(|reason| invalid(&reason)),
            "http" => parse_host_port(rest, Some(80)).map_err(|reason| invalid(&reason)),
            "https" => Err(unsupported(s, "TLS (https://)")),
            "ssh" => Err(unsupported(s, "SSH (ssh://)")),
            "npipe" => Err(unsupported(s, "Windows named pipes (npipe://)")),
            "fd" => Err(unsupported(s, "systemd socket activation (fd://)")),
            _ => Err(invalid(
                "unknown scheme; expected unix://, tcp:// or http://",
            )),
        }
    }

    /// Reads `DOCKER_HOST`; unset or empty means [`Endpoint::default`].
    ///
    /// TLS is not supported yet: with a TCP endpoint, a non-empty `DOCKER_TLS_VERIFY`,
    /// `DOCKER_TLS` or `DOCKER_CERT_PATH` is refused with [`Error::Unsupported`] rather than
    /// silently talking plain text. They are ignored for Unix sockets, which never use TLS.
    ///
    /// ```no_run
    /// let endpoint = docker_transport::Endpoint::from_env()?;
    /// println!("talking to {endpoint}");
    /// # Ok::<(), docker_transport::Error>(())
    /// ```
    pub fn from_env() -> Result<Endpoint, Error> {
        from_lookup(|name| std::env::var(name).ok())
    }

    /// The `Host` header value: `docker` for a Unix socket, `host:port` for TCP.
    ///
    /// ```
    /// use docker_transport::Endpoint;
    /// assert_eq!(Endpoint::default().host_header(), "docker");
    /// assert_eq!(Endpoint::parse("tcp://10.0.0.1:2375")?.host_header(), "10.0.0.1:2375");
    /// # Ok::<(), docker_transport::Error>(())
    /// ```
    pub fn host_header(&self) -> Cow<'_, str> {
        match self {
            Endpoint::Unix(_) => Cow::Borrowed("docker"),
            Endpoint::Tcp { host, port } if host.contains(':') => {
                Cow::Owned(format!("[{host}]:{port}"))
            }
            Endpoint::Tcp { host, port } => Cow::Owned(format!("{host}:{port}")),
        }
    }
}

impl fmt::Display for Endpoint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Endpoint::Unix(path) => write!(f, "unix://{}", path.display()),
            Endpoint::Tcp { host, port } if host.contains(':') => {
                write!(f, "tcp://[{host}]:{port}")
            }
            Endpoint::Tcp { host, port } => write!(f, "tcp://{host}:{port}"),
        }
    }
}

/// [`Endpoint::from_env`] over any variable lookup, so that it can be tested without
/// touching the process environment.
pub(crate) fn from_lookup(get: impl Fn(&str) -> Option<String>) -> Result<Endpoint, Error> {
    let set = |name: &str| get(name).filter(|v| !v.is_empty());
    let endpoint = match set("DOCKER_HOST") {
        None => Endpoint::default(),
        Some(host) => Endpoint::parse(&host)?,
    };
    if let Endpoint::Tcp { .. } = endpoint {
        for name in ["DOCKER_TLS_VERIFY", "DOCKER_TLS", "DOCKER_CERT_PATH"] {
            if set(name).is_some() {
                return Err(unsupported(
                    &endpoint.to_string(),
                    &format!("TLS ({name} is set)"),
                ));
            }
        }
    }
    Ok(endpoint)
}

fn unsupported(endpoint: &str, what: &str) -> Error {
    Error::Unsupported {
        endpoint: endpoint.to_owned(),
        what: what.to_owned(),
    }
}

fn parse_host_port(rest: &str, default_port: Option<u16>) -> Result<Endpoint, String> {
    let authority = rest.strip_suffix('/').unwrap_or(rest);
    if authority.contains('/') {
        return Err("a path after host:port is not supported".into());
    }
    if authority.contains('@') {
        return Err("user information (user@host) is not supported".into());
    }
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
    let port = match (port, default_port) {
        (Some(text), _) => match text.parse::<u16>() {
            Ok(n) if n != 0 && text.bytes().all(|b| b.is_ascii_digit()) => n,
            _ => return Err(format!("invalid port {text:?}")),
        },
        (None, Some(default)) => default,
        (None, None) => return Err("a port is required, e.g. tcp://localhost:2375".into()),
    };
    Ok(Endpoint::Tcp {
        host: host.to_owned(),
        port,
    })
}
