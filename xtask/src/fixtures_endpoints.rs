//! The project's list of the Engine API's endpoints, `docs/endpoints-v1.56.tsv`, and which
//! of them a request exercises: `cargo xtask fixtures check` counts the endpoints the
//! recorded (not synthetic) transcripts reach.

use std::path::{Path, PathBuf};

/// The list, relative to the repository's root.
pub(crate) const LIST: &str = "docs/endpoints-v1.56.tsv";

/// One endpoint of the list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Endpoint {
    pub(crate) method: String,
    /// The path as the spec writes it: `/containers/{id}/json`.
    pub(crate) path: String,
    /// The API version that added it.
    pub(crate) added: String,
}

impl Endpoint {
    /// `METHOD /path`.
    pub(crate) fn name(&self) -> String {
        format!("{} {}", self.method, self.path)
    }

    /// How many of the path's segments are literal: the more, the more specific.
    fn literals(&self) -> usize {
        segments(&self.path).filter(|s| !is_parameter(s)).count()
    }

    fn matches(&self, method: &str, path: &str) -> bool {
        if self.method != method {
            return false;
        }
        let mut want = segments(&self.path);
        let mut got = segments(path);
        loop {
            match (want.next(), got.next()) {
                (None, None) => return true,
                (Some(w), Some(g)) if is_parameter(w) && !g.is_empty() => (),
                (Some(w), Some(g)) if w == g => (),
                _ => return false,
            }
        }
    }
}

/// Reads the list at `root/LIST`.
pub(crate) fn load(root: &Path) -> Result<Vec<Endpoint>, String> {
    let path: PathBuf = root.join(LIST);
    let text = std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
    parse(&text).map_err(|e| format!("{LIST}: {e}"))
}

/// The list's rows: `#` comments and the `method` header line skipped.
pub(crate) fn parse(text: &str) -> Result<Vec<Endpoint>, String> {
    let mut out: Vec<Endpoint> = Vec::new();
    for (n, line) in text.lines().enumerate() {
        if line.starts_with('#') || line.starts_with("method\t") || line.trim().is_empty() {
            continue;
        }
        let fields: Vec<&str> = line.split('\t').collect();
        let [method, path, added, _area] = fields[..] else {
            return Err(format!(
                "line {}: expected method, path, added and area, tab-separated",
                n + 1
            ));
        };
        let known = ["GET", "POST", "PUT", "DELETE", "HEAD"].contains(&method);
        if !known || !path.starts_with('/') || !added.starts_with("1.") {
            return Err(format!("line {}: {line:?} is not an endpoint", n + 1));
        }
        let endpoint = Endpoint {
            method: method.to_owned(),
            path: path.to_owned(),
            added: added.to_owned(),
        };
        if out.contains(&endpoint) {
            return Err(format!(
                "line {}: {} is listed twice",
                n + 1,
                endpoint.name()
            ));
        }
        out.push(endpoint);
    }
    Ok(out)
}

/// The endpoint a request line (`GET /v1.41/containers/json?all=1`) exercises: its path
/// without the version prefix and the query, matched segment by segment, the most
/// specific match first. `None` when the list has no such endpoint.
pub(crate) fn of_request<'a>(list: &'a [Endpoint], request_line: &str) -> Option<&'a Endpoint> {
    let (method, target) = request_line.split_once(' ')?;
    let target = target.split(' ').next().unwrap_or(target);
    let path = target.split('?').next().unwrap_or(target);
    let path = match path.strip_prefix("/v") {
        Some(rest) if rest.starts_with(|c: char| c.is_ascii_digit()) => {
            rest.find('/').map_or("/", |i| &rest[i..])
        }
        _ => path,
    };
    list.iter()
        .filter(|e| e.matches(method, path))
        .max_by_key(|e| e.literals())
}

fn segments(path: &str) -> impl Iterator<Item = &str> {
    path.trim_start_matches('/').split('/')
}

fn is_parameter(segment: &str) -> bool {
    segment.starts_with('{') && segment.ends_with('}')
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLE: &str = "# comment\nmethod\tpath\tadded\tarea\n\
        GET\t/images/json\t1.7\timages\n\
        GET\t/images/{name}/json\t1.0\timages\n\
        GET\t/images/get\t1.15\timages\n\
        GET\t/images/{name}/get\t1.7\timages\n\
        DELETE\t/images/{name}\t1.0\timages\n\
        HEAD\t/_ping\t1.40\tsystem\n\
        GET\t/_ping\t1.11\tsystem\n";

    #[test]
    fn requests_find_the_most_specific_endpoint() {
        let list = parse(SAMPLE).unwrap();
        let name = |line: &str| of_request(&list, line).map(Endpoint::name);
        assert_eq!(
            name("GET /v1.41/images/json?all=1").as_deref(),
            Some("GET /images/json")
        );
        assert_eq!(
            name("GET /v1.41/images/bb:latest/json").as_deref(),
            Some("GET /images/{name}/json")
        );
        assert_eq!(
            name("GET /v1.41/images/get?names=bb").as_deref(),
            Some("GET /images/get")
        );
        assert_eq!(
            name("GET /v1.41/images/bb/get").as_deref(),
            Some("GET /images/{name}/get")
        );
        assert_eq!(
            name("DELETE /v1.41/images/127.0.0.1:5000%2Fbb").as_deref(),
            Some("DELETE /images/{name}")
        );
        assert_eq!(name("HEAD /_ping").as_deref(), Some("HEAD /_ping"));
        assert_eq!(name("GET /v1.24/_ping").as_deref(), Some("GET /_ping"));
        assert_eq!(name("POST /v1.41/images/json"), None);
        assert_eq!(name("GET /v1.41/images//json"), None);
    }

    #[test]
    fn the_list_is_refused_when_malformed() {
        assert!(parse("GET\t/x\t1.0\n").is_err());
        assert!(parse("FETCH\t/x\t1.0\tarea\n").is_err());
        assert!(parse("GET\t/x\t1.0\ta\nGET\t/x\t1.0\ta\n").is_err());
    }

    #[test]
    fn the_repository_list_holds_the_108_endpoints_of_v1_56() {
        let root = super::super::fixtures_dir();
        let list = load(root.parent().unwrap()).unwrap();
        assert_eq!(list.len(), 108);
        let session = list.iter().find(|e| e.path == "/session").unwrap();
        assert_eq!(session.added, "1.31");
    }
}
