//! `GET /containers/{id}/top`: the raw `ps` table and its typed reading.

use std::error::Error;
use std::fmt;

use serde::{Deserialize, Serialize};

use crate::de;
use crate::model::model;

model! {
    /// `GET /containers/{id}/top`: the host's `ps` output for the container's processes.
    ///
    /// The columns depend on `ps_args` (default `-ef`); [`entries`](Self::entries) finds the
    /// interesting ones by title.
    ///
    /// ```
    /// let top: docker_models::ContainerTop = serde_json::from_str(
    ///     r#"{"Processes":[["root","10104","10082","0","11:03","?","00:00:00","sleep 3600"]],
    ///         "Titles":["UID","PID","PPID","C","STIME","TTY","TIME","CMD"]}"#,
    /// ).unwrap();
    /// let p = &top.entries().unwrap()[0];
    /// assert_eq!((p.pid, p.ppid, p.user.as_str()), (10104, Some(10082), "root"));
    /// assert_eq!(p.command, "sleep 3600");
    /// assert_eq!(p.cgroup, None);
    /// ```
    #[derive(Debug, Clone, Default, PartialEq, Eq)]
    pub struct ContainerTop {
        /// `Titles`: the `ps` column headers.
        titles: Vec<String> = "Titles",
        /// `Processes`: one row per process, one string per column. The last column may
        /// contain spaces (the engine joins the excess fields into it).
        processes: Vec<Vec<String>> = "Processes",
    }
}

/// One process of a [`ContainerTop`], read by column title.
///
/// | field     | titles                         | when absent        |
/// |-----------|--------------------------------|--------------------|
/// | `user`    | `UID`, `USER`                  | empty string       |
/// | `pid`     | `PID`                          | error (required)   |
/// | `ppid`    | `PPID`                         | `None`             |
/// | `cgroup`  | `CGROUP`                       | `None`             |
/// | `command` | `CMD`, `COMMAND`, `ARGS`       | empty string       |
///
/// Titles match ASCII case-insensitively after trimming; the first matching column wins.
///
/// ```
/// use docker_models::ContainerTop;
/// let top: ContainerTop = serde_json::from_str(
///     r#"{"Titles":["USER","PID","COMMAND"],"Processes":[["www-data","4242","nginx: worker process"]]}"#,
/// ).unwrap();
/// let p = &top.entries().unwrap()[0];
/// assert_eq!((p.pid, p.ppid), (4242, None)); // There is no PPID column.
/// assert_eq!(p.to_string(), "pid 4242 user www-data: nginx: worker process");
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(default)]
pub struct ProcessEntry {
    /// The user name or UID, as `ps` printed it.
    #[serde(deserialize_with = "de::nullable")]
    pub user: String,
    /// The command line.
    #[serde(deserialize_with = "de::nullable")]
    pub command: String,
    /// The host PID.
    #[serde(deserialize_with = "de::uint")]
    pub pid: u64,
    /// The parent's host PID, when `ps` printed a `PPID` column.
    #[serde(deserialize_with = "de::opt_uint")]
    pub ppid: Option<u64>,
    /// The cgroup text, when `ps` printed a `CGROUP` column (truncated to the column
    /// width unless the format asked for more, e.g. `cgroup:512`).
    pub cgroup: Option<String>,
}

impl fmt::Display for ProcessEntry {
    /// `pid 10104 ppid 10082 user root: sleep 3600` (`ppid`/`cgroup` parts only when known)
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "pid {}", self.pid)?;
        if let Some(ppid) = self.ppid {
            write!(f, " ppid {ppid}")?;
        }
        write!(f, " user {}", self.user)?;
        if let Some(cgroup) = &self.cgroup {
            write!(f, " cgroup {cgroup}")?;
        }
        write!(f, ": {}", self.command)
    }
}

/// Why [`ContainerTop::entries`] could not read the table.
///
/// ```
/// use docker_models::{ContainerTop, TopError};
/// let top: ContainerTop =
///     serde_json::from_str(r#"{"Titles":["USER","CMD"],"Processes":[["root","sh"]]}"#).unwrap();
/// let err = top.entries().unwrap_err();
/// assert_eq!(err, TopError::MissingPidColumn { titles: vec!["USER".into(), "CMD".into()] });
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum TopError {
    /// No `PID` column among the titles.
    MissingPidColumn {
        /// The titles that were present.
        titles: Vec<String>,
    },
    /// A row has fewer columns than there are titles.
    ShortRow {
        /// Index of the row in `Processes` (0-based).
        row: usize,
        /// The number of titles.
        expected: usize,
        /// The number of columns in the row.
        found: usize,
    },
    /// A `PID` or `PPID` cell is not a non-negative integer.
    InvalidNumber {
        /// The column title, as sent.
        column: String,
        /// Index of the row in `Processes` (0-based).
        row: usize,
        /// The cell's text.
        value: String,
    },
}

impl fmt::Display for TopError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TopError::MissingPidColumn { titles } => {
                write!(f, "no PID column in top titles {titles:?}")
            }
            TopError::ShortRow {
                row,
                expected,
                found,
            } => write!(
                f,
                "top row {row} has {found} columns, expected {expected} (one per title)"
            ),
            TopError::InvalidNumber { column, row, value } => {
                write!(f, "top row {row}: {column} {value:?} is not a valid number")
            }
        }
    }
}

impl Error for TopError {}

/// Column indices found by title.
struct Columns {
    pid: usize,
    user: Option<usize>,
    ppid: Option<usize>,
    cgroup: Option<usize>,
    command: Option<usize>,
}

impl Columns {
    fn find(titles: &[String]) -> Result<Columns, TopError> {
        let find = |names: &[&str]| {
            titles.iter().position(|t| {
                let t = t.trim();
                names.iter().any(|n| t.eq_ignore_ascii_case(n))
            })
        };
        let pid = find(&["PID"]).ok_or_else(|| TopError::MissingPidColumn {
            titles: titles.to_vec(),
        })?;
        Ok(Columns {
            pid,
            user: find(&["UID", "USER"]),
            ppid: find(&["PPID"]),
            cgroup: find(&["CGROUP"]),
            command: find(&["CMD", "COMMAND", "ARGS"]),
        })
    }
}

fn number(titles: &[String], column: usize, row: usize, cell: &str) -> Result<u64, TopError> {
    cell.trim()
        .parse::<u64>()
        .map_err(|_| TopError::InvalidNumber {
            column: titles.get(column).cloned().unwrap_or_default(),
            row,
            value: cell.to_owned(),
        })
}

impl ContainerTop {
    /// Reads every row into a [`ProcessEntry`], finding columns by title (see
    /// [`ProcessEntry`] for the mapping).
    ///
    /// Fails on the first bad row: a row shorter than the titles, or a `PID`/`PPID`
    /// cell that is not a number. Fails when there is no `PID` column, even with no
    /// rows. Never panics.
    ///
    /// ```
    /// use docker_models::{ContainerTop, TopError};
    ///
    /// let mac = ContainerTop {
    ///     titles: vec!["PID".into(), "USER".into(), "TIME".into(), "COMMAND".into()],
    ///     processes: vec![vec!["1".into(), "root".into(), "0:00".into(), "sh".into()]],
    ///     ..Default::default()
    /// };
    /// assert_eq!(mac.entries().unwrap()[0].ppid, None);
    ///
    /// let short = ContainerTop { processes: vec![vec!["1".into()]], ..mac.clone() };
    /// assert_eq!(
    ///     short.entries(),
    ///     Err(TopError::ShortRow { row: 0, expected: 4, found: 1 })
    /// );
    /// ```
    pub fn entries(&self) -> Result<Vec<ProcessEntry>, TopError> {
        let cols = Columns::find(&self.titles)?;
        let expected = self.titles.len();
        let mut out = Vec::with_capacity(self.processes.len());
        for (row, cells) in self.processes.iter().enumerate() {
            if cells.len() < expected {
                return Err(TopError::ShortRow {
                    row,
                    expected,
                    found: cells.len(),
                });
            }
            // Every index below is < titles.len() <= cells.len(), so `get` never misses;
            // it is used anyway so that no input can panic.
            let cell = |i: usize| cells.get(i).map(String::as_str).unwrap_or("");
            let text = |i: Option<usize>| i.map(cell).unwrap_or("").to_owned();
            out.push(ProcessEntry {
                user: text(cols.user),
                command: text(cols.command),
                pid: number(&self.titles, cols.pid, row, cell(cols.pid))?,
                ppid: match cols.ppid {
                    Some(i) => Some(number(&self.titles, i, row, cell(i))?),
                    None => None,
                },
                cgroup: cols.cgroup.map(|i| cell(i).to_owned()),
            });
        }
        Ok(out)
    }
}

impl fmt::Display for ContainerTop {
    /// `2 processes [UID PID PPID C STIME TTY TIME CMD]`
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let n = self.processes.len();
        write!(
            f,
            "{n} process{} [{}]",
            if n == 1 { "" } else { "es" },
            self.titles.join(" ")
        )
    }
}
