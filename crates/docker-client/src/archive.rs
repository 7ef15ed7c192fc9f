//! Archives: files into and out of a container as tar streams, and what is at a path.

use docker_transport::{Headers, Method};

use crate::call::Call;
use crate::containers::container_path;
use crate::path::{self, Query};
use crate::{Client, Error, Flavour, Result, Upload};

/// What `stat_path` tells about a path in a container (the `X-Docker-Container-Path-Stat`
/// header).
///
/// ```
/// let stat = docker_client::PathStat { mode: 1 << 31, ..Default::default() };
/// assert!(stat.is_dir());
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Default, serde::Deserialize, serde::Serialize)]
#[serde(default)]
pub struct PathStat {
    /// The base name.
    pub name: String,
    /// The size in bytes.
    pub size: i64,
    /// The Go `os.FileMode` bits (the directory bit is `1 << 31`).
    pub mode: u32,
    /// The modification time, RFC 3339.
    pub mtime: String,
    /// The target when the path is a symbolic link.
    #[serde(rename = "linkTarget")]
    pub link_target: String,
}

impl PathStat {
    /// True for a directory.
    ///
    /// ```
    /// use docker_client::PathStat;
    /// let file = PathStat { name: "hosts".into(), mode: 0o644, ..Default::default() };
    /// assert!(!file.is_dir());
    /// ```
    pub fn is_dir(&self) -> bool {
        self.mode & (1 << 31) != 0
    }
}

impl<F: Flavour> Client<F> {
    /// `HEAD /containers/{id}/archive?path=`: what is at `path`.
    ///
    /// ```no_run
    /// # let client = docker_client::blocking::Client::from_env()?;
    /// let stat = client.stat_path("web", "/etc/hosts")?;
    /// println!("{} bytes, directory: {}", stat.size, stat.is_dir());
    /// # Ok::<(), docker_client::Error>(())
    /// ```
    pub fn stat_path(&self, id: &str, path: &str) -> F::Out<'_, PathStat> {
        let call = archive(Method::Head, id, path).map(|c| self.bounded(c));
        self.run(async move {
            let (request, response) = self.answer(call).await?;
            let stat = path_stat(&F::head(&response).headers, &request);
            drop(F::bytes(response).await);
            stat
        })
    }

    /// `GET /containers/{id}/archive?path=`: `path` as a tar stream, with its stat.
    ///
    /// ```no_run
    /// # let client = docker_client::blocking::Client::from_env()?;
    /// let (stat, mut tar) = client.get_archive("web", "/etc")?;
    /// println!("{} is a directory: {}", stat.name, stat.is_dir());
    /// std::io::copy(&mut tar, &mut std::fs::File::create("etc.tar")?)?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn get_archive(&self, id: &str, path: &str) -> F::Out<'_, (PathStat, F::Reader)> {
        let call = archive(Method::Get, id, path).map(Call::streaming);
        self.run(async move {
            let (request, response) = self.answer(call).await?;
            let stat = path_stat(&F::head(&response).headers, &request)?;
            Ok((stat, F::reader(response)))
        })
    }

    /// `PUT /containers/{id}/archive?path=`: extracts the tar stream `tar` into the
    /// directory `path`, streaming it (chunked). `tar` is a `std::io::Read` in the blocking
    /// flavour and a tokio `AsyncRead` in the tokio flavour.
    ///
    /// ```no_run
    /// # let client = docker_client::blocking::Client::from_env()?;
    /// let tar = std::fs::File::open("site.tar")?;
    /// client.put_archive("web", "/usr/share/nginx/html", tar)?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn put_archive(&self, id: &str, path: &str, tar: impl Upload<F>) -> F::Out<'_, ()> {
        let call = archive(Method::Put, id, path).map(|call| {
            call.header("Content-Type", "application/x-tar".to_owned())
                .body(tar.into_body())
        });
        self.run(self.empty(call))
    }
}

/// `HEAD`/`GET`/`PUT /containers/{id}/archive?path=`.
fn archive<R>(method: Method, id: &str, container_path_arg: &str) -> Result<Call<R>> {
    let p = path::plain_text("archive path", container_path_arg)?;
    if p.is_empty() {
        return Err(Error::InvalidArgument {
            what: "archive path",
            reason: "is empty".into(),
        });
    }
    let mut q = Query::default();
    q.push("path", p);
    Ok(Call::new(method, container_path(id, "/archive")?).query(q))
}

/// Reads the path-stat header of an archive answer.
fn path_stat(headers: &Headers, request: &str) -> Result<PathStat> {
    let malformed = |reason: &str| Error::MalformedAnswer {
        request: request.to_owned(),
        reason: reason.to_owned(),
    };
    let value = headers
        .get("x-docker-container-path-stat")
        .ok_or_else(|| malformed("it has no X-Docker-Container-Path-Stat header"))?;
    let json = crate::base64::decode(value.trim())
        .ok_or_else(|| malformed("its X-Docker-Container-Path-Stat header is not base64"))?;
    crate::call::decode(request, &json)
}
