//! `GET /containers/{id}/changes`: filesystem changes, as `docker diff` shows them.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::model::model;

model! {
    /// One entry of `GET /containers/{id}/changes`.
    ///
    /// ```
    /// use docker_models::{ChangeKind, FileChange};
    ///
    /// let diff: Vec<FileChange> =
    ///     serde_json::from_str(r#"[{"Path":"/bin/touch","Kind":2},{"Path":"/foo","Kind":1}]"#).unwrap();
    /// assert_eq!(diff[0].kind, ChangeKind::Deleted);
    /// assert_eq!(diff[1].to_string(), "A /foo");
    /// ```
    #[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
    pub struct FileChange {
        /// `Path`: the path in the container.
        path: String = "Path",
        /// `Kind`: what happened to it.
        kind: ChangeKind = "Kind",
    }
}

impl fmt::Display for FileChange {
    /// `C /bin`, `A /foo`, `D /bin/touch`, as `docker diff` prints.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.kind, self.path)
    }
}

/// The `Kind` of a [`FileChange`]; on the wire the integers 0, 1, 2.
///
/// An integer outside 0..=2 (a future kind) decodes as [`ChangeKind::Unknown`] and
/// encodes back to the same integer, so one odd entry never fails a whole diff.
/// A value that is not an integer in 0..=255 (the wire type is `uint8`) is an error;
/// `null` or an absent `Kind` is [`ChangeKind::Modified`] (0, Go's zero value).
///
/// ```
/// use docker_models::ChangeKind;
///
/// let kinds: Vec<ChangeKind> = serde_json::from_str("[0,1,2,7]").unwrap();
/// assert_eq!(kinds, [ChangeKind::Modified, ChangeKind::Added, ChangeKind::Deleted, ChangeKind::Unknown(7)]);
/// assert_eq!(serde_json::to_string(&kinds).unwrap(), "[0,1,2,7]");
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ChangeKind {
    /// 0: modified (`C`).
    #[default]
    Modified,
    /// 1: added (`A`).
    Added,
    /// 2: deleted (`D`).
    Deleted,
    /// Any other integer; never produced for 0, 1 or 2.
    Unknown(u8),
}

impl ChangeKind {
    /// The wire integer.
    ///
    /// ```
    /// use docker_models::ChangeKind;
    /// assert_eq!(ChangeKind::Deleted.code(), 2);
    /// assert_eq!(ChangeKind::Unknown(9).code(), 9);
    /// ```
    pub fn code(self) -> u8 {
        match self {
            ChangeKind::Modified => 0,
            ChangeKind::Added => 1,
            ChangeKind::Deleted => 2,
            ChangeKind::Unknown(n) => n,
        }
    }

    /// The kind for a wire integer.
    ///
    /// ```
    /// use docker_models::ChangeKind;
    /// assert_eq!(ChangeKind::from_code(1), ChangeKind::Added);
    /// assert_eq!(ChangeKind::from_code(9), ChangeKind::Unknown(9));
    /// ```
    pub fn from_code(code: u8) -> ChangeKind {
        match code {
            0 => ChangeKind::Modified,
            1 => ChangeKind::Added,
            2 => ChangeKind::Deleted,
            n => ChangeKind::Unknown(n),
        }
    }

    /// The `docker diff` letter: `C`, `A`, `D`, or `?` for an unknown kind.
    ///
    /// ```
    /// use docker_models::ChangeKind;
    /// assert_eq!(ChangeKind::Modified.symbol(), 'C');
    /// assert_eq!(ChangeKind::Unknown(9).symbol(), '?');
    /// ```
    pub fn symbol(self) -> char {
        match self {
            ChangeKind::Modified => 'C',
            ChangeKind::Added => 'A',
            ChangeKind::Deleted => 'D',
            ChangeKind::Unknown(_) => '?',
        }
    }
}

impl fmt::Display for ChangeKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.symbol())
    }
}

/// The number; `null` is `Modified` (0).
impl crate::json::Decode for ChangeKind {
    fn decode(r: &mut crate::json::Reader<'_>) -> crate::json::Result<ChangeKind> {
        <u8 as crate::json::Decode>::decode(r).map(ChangeKind::from_code)
    }
}

impl Serialize for ChangeKind {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_u8(self.code())
    }
}

impl<'de> Deserialize<'de> for ChangeKind {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let code = Option::<u8>::deserialize(deserializer)?.unwrap_or(0);
        Ok(ChangeKind::from_code(code))
    }
}
