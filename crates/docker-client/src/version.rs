//! API versions and the negotiation rule shared by both flavours.

use std::fmt;
use std::str::FromStr;

use crate::Error;

/// A Docker Engine API version such as `1.41`, compared numerically (`1.9 < 1.10`).
///
/// ```
/// use docker_client::ApiVersion;
/// let v: ApiVersion = "1.41".parse().unwrap();
/// assert!(v < ApiVersion::new(1, 44));
/// assert!("1.9".parse::<ApiVersion>().unwrap() < "1.10".parse().unwrap());
/// assert_eq!(v.to_string(), "1.41");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ApiVersion {
    major: u16,
    minor: u16,
}

impl ApiVersion {
    /// The version `major.minor`.
    ///
    /// ```
    /// use docker_client::ApiVersion;
    /// const PINNED: ApiVersion = ApiVersion::new(1, 43);
    /// assert_eq!(PINNED.to_string(), "1.43");
    /// assert!(ApiVersion::MIN <= PINNED && PINNED <= ApiVersion::MAX);
    /// ```
    pub const fn new(major: u16, minor: u16) -> ApiVersion {
        ApiVersion { major, minor }
    }

    /// The oldest API version this client speaks: 1.24 (Docker 1.12).
    pub const MIN: ApiVersion = ApiVersion::new(1, 24);

    /// The newest API version this client speaks: 1.51 (Docker 28.3).
    ///
    /// Negotiation never goes above it; the models still decode responses of newer engines.
    pub const MAX: ApiVersion = ApiVersion::new(1, 51);

    /// The version assumed when an engine's ping has an empty `Api-Version` header.
    pub const FALLBACK: ApiVersion = ApiVersion::new(1, 24);

    /// The major number.
    ///
    /// ```
    /// assert_eq!(docker_client::ApiVersion::new(1, 41).major(), 1);
    /// ```
    pub fn major(self) -> u16 {
        self.major
    }

    /// The minor number.
    ///
    /// ```
    /// let v: docker_client::ApiVersion = "1.41".parse()?;
    /// assert_eq!(v.minor(), 41);
    /// # Ok::<(), docker_client::Error>(())
    /// ```
    pub fn minor(self) -> u16 {
        self.minor
    }
}

impl fmt::Display for ApiVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}", self.major, self.minor)
    }
}

impl FromStr for ApiVersion {
    type Err = Error;

    fn from_str(s: &str) -> Result<ApiVersion, Error> {
        let invalid = || Error::InvalidArgument {
            what: "API version",
            reason: format!("{s:?} is not of the form MAJOR.MINOR (for example 1.41)"),
        };
        let s = s.trim();
        let s = s.strip_prefix('v').unwrap_or(s);
        let (major, minor) = s.split_once('.').ok_or_else(invalid)?;
        let number = |p: &str| match p.bytes().all(|b| b.is_ascii_digit()) && !p.is_empty() {
            true => p.parse::<u16>().map_err(|_| invalid()),
            false => Err(invalid()),
        };
        Ok(ApiVersion::new(number(major)?, number(minor)?))
    }
}

/// As its text, `"1.41"`.
impl serde::Serialize for ApiVersion {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

/// From its text, `"1.41"`.
///
/// ```
/// let v: docker_client::ApiVersion = serde_json::from_str("\"1.41\"").unwrap();
/// assert_eq!(serde_json::to_string(&v).unwrap(), "\"1.41\"");
/// ```
impl<'de> serde::Deserialize<'de> for ApiVersion {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

/// The version to use given an engine's `Api-Version` ping header, as the Go client does:
/// `min(MAX, server)`, an empty header meaning 1.24, a malformed one leaving the maximum.
/// An engine whose version is below [`ApiVersion::MIN`] is refused.
pub(crate) fn negotiate(header: Option<&str>) -> Result<ApiVersion, Error> {
    let server = match header.map(str::trim) {
        None | Some("") => ApiVersion::FALLBACK,
        Some(text) => match text.parse::<ApiVersion>() {
            Ok(v) => v,
            // A malformed header tells nothing: keep the client's maximum.
            Err(_) => return Ok(ApiVersion::MAX),
        },
    };
    if server < ApiVersion::MIN {
        return Err(Error::VersionUnsupported {
            requested: None,
            server_min: None,
            server_max: Some(server.to_string()),
            message: format!(
                "the engine speaks API {server} at most, older than this client's minimum"
            ),
        });
    }
    Ok(server.min(ApiVersion::MAX))
}

/// Reads the engine's "client version X is too old/new" answer (a 400) into a typed error.
pub(crate) fn unsupported_from_message(message: &str) -> Option<Error> {
    let rest = message.strip_prefix("client version ")?;
    let (requested, rest) = rest.split_once(' ')?;
    let too_old = rest.starts_with("is too old");
    let too_new = rest.starts_with("is too new");
    if !too_old && !too_new {
        return None;
    }
    let bound = rest.split("API version is ").nth(1).map(|s| {
        s.split([',', ' '])
            .next()
            .unwrap_or("")
            .trim_end_matches('.')
            .to_owned()
    });
    Some(Error::VersionUnsupported {
        requested: Some(requested.to_owned()),
        server_min: bound.clone().filter(|_| too_old),
        server_max: bound.filter(|_| too_new),
        message: message.trim().to_owned(),
    })
}
