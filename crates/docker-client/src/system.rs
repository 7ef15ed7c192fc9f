//! The engine as a whole: ping, version, info, events, disk usage, registry login, and
//! `request`, the escape hatch for any other call.

use std::fmt;
use std::time::SystemTime;

use docker_models::{
    AuthConfig, AuthResponse, EventMessage, Ping, SystemDf, SystemInfo, SystemVersion,
};
use docker_transport::{Headers, Method, ResponseHead};
use serde::de::DeserializeOwned;

use crate::call::{self, Call};
use crate::flavour::io::FlavourIo;
use crate::options::{unix_nanos_text, Filters};
use crate::path::{self, Query};
use crate::stream::{Items, JsonLines};
use crate::{ApiVersion, Client, Flavour, Result};

/// Options of `events` (`GET /events`).
///
/// ```
/// use std::time::{Duration, SystemTime};
/// use docker_client::EventsOptions;
/// let now = SystemTime::now();
/// let opts = EventsOptions::default()
///     .since(now - Duration::from_secs(600))
///     .until(now)
///     .filter("type", "container")
///     .filter("event", "die");
/// # let _ = opts;
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EventsOptions {
    since: Option<SystemTime>,
    until: Option<SystemTime>,
    filters: Filters,
}

impl EventsOptions {
    /// Replays events from this time on (the engine keeps only the last 256 events).
    ///
    /// ```
    /// use std::time::{Duration, SystemTime};
    /// use docker_client::EventsOptions;
    /// let ten_minutes_ago = SystemTime::now() - Duration::from_secs(600);
    /// let opts = EventsOptions::default().since(ten_minutes_ago);
    /// assert_eq!(opts.since_time(), Some(ten_minutes_ago));
    /// ```
    pub fn since(self, since: SystemTime) -> Self {
        EventsOptions {
            since: Some(since),
            ..self
        }
    }

    /// Ends the stream at this time. Without it the stream follows live events forever.
    ///
    /// ```
    /// use std::time::{Duration, SystemTime};
    /// use docker_client::EventsOptions;
    /// let now = SystemTime::now();
    /// let opts = EventsOptions::default().since(now - Duration::from_secs(60)).until(now);
    /// assert_eq!(opts.until_time(), Some(now));
    /// ```
    pub fn until(self, until: SystemTime) -> Self {
        EventsOptions {
            until: Some(until),
            ..self
        }
    }

    /// Adds a filter such as `("type", "container")`, `("event", "die")`,
    /// `("container", "web")`, `("label", "k=v")`.
    ///
    /// ```no_run
    /// # let client = docker_client::blocking::Client::from_env()?;
    /// use docker_client::EventsOptions;
    /// let opts = EventsOptions::default().filter("type", "container").filter("event", "oom");
    /// for event in client.events(&opts)? {
    ///     println!("out of memory: {}", event?.actor_id());
    /// }
    /// # Ok::<(), docker_client::Error>(())
    /// ```
    pub fn filter(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {
        self.filters.add(key, value);
        self
    }

    /// The `since` time, if set.
    ///
    /// ```
    /// use docker_client::EventsOptions;
    /// assert_eq!(EventsOptions::default().since_time(), None);
    /// ```
    pub fn since_time(&self) -> Option<SystemTime> {
        self.since
    }

    /// The `until` time, if set.
    ///
    /// ```
    /// use std::time::SystemTime;
    /// use docker_client::EventsOptions;
    /// assert_eq!(EventsOptions::default().until_time(), None);
    /// let opts = EventsOptions::default().until(SystemTime::UNIX_EPOCH);
    /// assert_eq!(opts.until_time(), Some(SystemTime::UNIX_EPOCH));
    /// ```
    pub fn until_time(&self) -> Option<SystemTime> {
        self.until
    }

    pub(crate) fn query(&self) -> Query {
        let mut q = Query::default();
        q.push_opt("since", self.since.map(unix_nanos_text))
            .push_opt("until", self.until.map(unix_nanos_text));
        self.filters.push_to(&mut q);
        q
    }
}

impl<F: Flavour> Client<F> {
    /// `HEAD /_ping`, falling back to `GET` for engines that refuse HEAD: the engine's API
    /// version, OS and features, from the answer's headers.
    ///
    /// ```no_run
    /// let client = docker_client::blocking::Client::from_env()?;
    /// let ping = client.ping()?;
    /// println!("API {} on {}", ping.api_version, ping.os_type);
    /// # Ok::<(), docker_client::Error>(())
    /// ```
    pub fn ping(&self) -> F::Out<'_, Ping> {
        self.run(self.ping_engine())
    }

    /// `GET /version`: the engine's versions.
    ///
    /// ```no_run
    /// let client = docker_client::blocking::Client::from_env()?;
    /// let v = client.version()?;
    /// println!("Docker {} (API {})", v.version, v.api_version);
    /// # Ok::<(), docker_client::Error>(())
    /// ```
    pub fn version(&self) -> F::Out<'_, SystemVersion> {
        self.run(self.json(Ok(Call::get("/version"))))
    }

    /// `GET /info`: system-wide information.
    ///
    /// ```no_run
    /// let client = docker_client::blocking::Client::from_env()?;
    /// let info = client.info()?;
    /// println!("{} containers, {} running", info.containers, info.containers_running);
    /// # Ok::<(), docker_client::Error>(())
    /// ```
    pub fn info(&self) -> F::Out<'_, SystemInfo> {
        self.run(self.json(Ok(Call::get("/info"))))
    }

    /// `GET /events`: the engine's events as they happen, or a past window with
    /// `since`/`until`. Dropping the stream closes the connection at once.
    ///
    /// ```no_run
    /// # let client = docker_client::blocking::Client::from_env()?;
    /// let opts = docker_client::EventsOptions::default().filter("type", "container");
    /// for event in client.events(&opts)? {
    ///     let event = event?;
    ///     println!("{} {} {}", event.typ, event.action, event.actor.id);
    /// }
    /// # Ok::<(), docker_client::Error>(())
    /// ```
    pub fn events(&self, options: &EventsOptions) -> F::Out<'_, Items<F, EventMessage>> {
        let call = Call::get("/events").query(options.query()).streaming();
        self.run(self.items(Ok(call), JsonLines::new))
    }

    /// `GET /system/df`: the space used by images, containers, volumes and the build
    /// cache. Engines before 23.0 refuse a second one while one runs (an
    /// [`Error::Api`](crate::Error::Api) saying "a disk usage operation is already running").
    ///
    /// ```no_run
    /// let client = docker_client::blocking::Client::from_env()?;
    /// let df = client.df()?;
    /// println!("{} bytes in layers", df.layers_size);
    /// # Ok::<(), docker_client::Error>(())
    /// ```
    pub fn df(&self) -> F::Out<'_, SystemDf> {
        self.run(self.json(Ok(Call::get("/system/df"))))
    }

    /// `POST /auth`: checks credentials against a registry (`serveraddress`; empty means
    /// Docker Hub). Refused credentials are an [`Error::Api`](crate::Error::Api): status 401
    /// from engines 23.0 on; engines before answer 500 with a message ending in
    /// `failed with status: 401 Unauthorized`.
    ///
    /// ```no_run
    /// # let client = docker_client::blocking::Client::from_env()?;
    /// use docker_client::models::AuthConfig;
    ///
    /// let auth = AuthConfig {
    ///     username: "me".into(),
    ///     password: "s3cret".into(),
    ///     serveraddress: "127.0.0.1:5000".into(),
    ///     ..Default::default()
    /// };
    /// match client.login(&auth) {
    ///     Ok(answer) => println!("{}", answer.status),
    ///     Err(e) if e.status_code() == Some(401)
    ///         || e.message().is_some_and(|m| m.ends_with("401 Unauthorized")) =>
    ///     {
    ///         println!("wrong user name or password")
    ///     }
    ///     Err(e) => return Err(e),
    /// }
    /// # Ok::<(), docker_client::Error>(())
    /// ```
    pub fn login(&self, auth: &AuthConfig) -> F::Out<'_, AuthResponse> {
        let call = Call::post("/auth").json("credentials", auth);
        self.run(self.json(call))
    }

    /// Any request: the escape hatch for the rest of the API.
    ///
    /// `path` is sent as given (it must be percent-encoded already) and gets the API version
    /// prefix unless it has one or is `/_ping`. The answer comes back whatever its status;
    /// redirects are not followed.
    ///
    /// ```no_run
    /// # let client = docker_client::blocking::Client::from_env()?;
    /// use docker_client::Method;
    /// let res = client.request(Method::Get, "/containers/json", &[("all", "1")], None)?;
    /// assert_eq!(res.status(), 200);
    /// let body = res.bytes()?;
    /// # Ok::<(), docker_client::Error>(())
    /// ```
    pub fn request(
        &self,
        method: Method,
        path: &str,
        query: &[(&str, &str)],
        json_body: Option<Vec<u8>>,
    ) -> F::Out<'_, RawResponse<F>> {
        let call = raw(method, path, query).map(|call| match json_body {
            Some(body) => call.json_bytes(body).streaming(),
            None => call.streaming(),
        });
        self.run(async move {
            let response = self.send(call?).await?;
            Ok(RawResponse { response })
        })
    }
}

/// A raw call from the escape hatch: the path is checked, not encoded.
fn raw<R>(method: Method, path: &str, query: &[(&str, &str)]) -> Result<Call<R>> {
    let path = path::raw_path(path)?;
    let versioned = !has_version_prefix(path) && path != "/_ping";
    let mut q = Query::default();
    for (k, v) in query {
        q.push(k, v);
    }
    let call = Call::new(method, path).query(q);
    Ok(match versioned {
        true => call,
        false => call.unversioned(),
    })
}

fn has_version_prefix(path: &str) -> bool {
    let Some(rest) = path.strip_prefix("/v") else {
        return false;
    };
    let version = rest.split('/').next().unwrap_or("");
    version.parse::<ApiVersion>().is_ok()
}

/// The answer to [`Client::request`], whatever its status.
///
/// ```no_run
/// # let client = docker_client::blocking::Client::from_env()?;
/// use docker_client::Method;
/// let mut res = client.request(Method::Get, "/events", &[("since", "0")], None)?;
/// while let Some(bytes) = res.next_chunk()? {
///     print!("{}", String::from_utf8_lossy(bytes));
/// }
/// # Ok::<(), docker_client::Error>(())
/// ```
pub struct RawResponse<F: Flavour> {
    pub(crate) response: <F as FlavourIo>::Response,
}

impl<F: Flavour> RawResponse<F> {
    /// The HTTP status.
    ///
    /// ```no_run
    /// # let client = docker_client::blocking::Client::from_env()?;
    /// use docker_client::Method;
    /// let res = client.request(Method::Get, "/containers/no-such-thing/json", &[], None)?;
    /// assert_eq!(res.status(), 404); // Any status comes back as an answer, not an error.
    /// # Ok::<(), docker_client::Error>(())
    /// ```
    pub fn status(&self) -> u16 {
        F::head(&self.response).status
    }

    /// The response headers.
    ///
    /// ```no_run
    /// # let client = docker_client::blocking::Client::from_env()?;
    /// use docker_client::Method;
    /// let res = client.request(Method::Get, "/_ping", &[], None)?;
    /// println!("API {:?}", res.headers().get("api-version"));
    /// # Ok::<(), docker_client::Error>(())
    /// ```
    pub fn headers(&self) -> &Headers {
        &F::head(&self.response).headers
    }

    /// The status line and headers.
    ///
    /// ```no_run
    /// # let client = docker_client::blocking::Client::from_env()?;
    /// use docker_client::Method;
    /// let res = client.request(Method::Get, "/_ping", &[], None)?;
    /// let head = res.head();
    /// println!("{} {} ({} headers)", head.status, head.reason, head.headers.len());
    /// # Ok::<(), docker_client::Error>(())
    /// ```
    pub fn head(&self) -> &ResponseHead {
        F::head(&self.response)
    }

    /// The next piece of the body as it arrives; `None` at its end.
    ///
    /// ```no_run
    /// # let client = docker_client::blocking::Client::from_env()?;
    /// use docker_client::Method;
    /// let mut res = client.request(Method::Get, "/containers/web/export", &[], None)?;
    /// let mut size = 0;
    /// while let Some(bytes) = res.next_chunk()? {
    ///     size += bytes.len();
    /// }
    /// println!("{size} bytes of tar");
    /// # Ok::<(), docker_client::Error>(())
    /// ```
    pub fn next_chunk(&mut self) -> F::Out<'_, Option<&[u8]>> {
        F::run(F::next_chunk(&mut self.response))
    }

    /// The whole body, collected up to the client's body cap.
    ///
    /// ```no_run
    /// # let client = docker_client::blocking::Client::from_env()?;
    /// use docker_client::Method;
    /// let body = client.request(Method::Get, "/info", &[], None)?.bytes()?;
    /// println!("{}", String::from_utf8_lossy(&body));
    /// # Ok::<(), docker_client::Error>(())
    /// ```
    pub fn bytes(self) -> F::Out<'static, Vec<u8>> {
        F::run(F::bytes(self.response))
    }

    /// The body decoded as JSON.
    ///
    /// ```no_run
    /// # let client = docker_client::blocking::Client::from_env()?;
    /// use docker_client::Method;
    /// let info: serde_json::Value = client.request(Method::Get, "/info", &[], None)?.json()?;
    /// println!("{} CPUs", info["NCPU"]);
    /// # Ok::<(), docker_client::Error>(())
    /// ```
    pub fn json<T: DeserializeOwned + Send + 'static>(self) -> F::Out<'static, T> {
        F::run(async move {
            let body = F::bytes(self.response).await?;
            call::decode("the raw request", &body)
        })
    }

    /// The body as a reader, for streaming.
    ///
    /// ```no_run
    /// # let client = docker_client::blocking::Client::from_env()?;
    /// use docker_client::Method;
    /// use std::io::Read;
    /// let mut text = String::new();
    /// client.request(Method::Get, "/version", &[], None)?.into_reader().read_to_string(&mut text)?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn into_reader(self) -> F::Reader {
        F::reader(self.response)
    }
}

impl<F: Flavour> fmt::Debug for RawResponse<F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RawResponse")
            .field("status", &self.status())
            .finish_non_exhaustive()
    }
}

#[cfg(feature = "dispatch")]
impl crate::dispatch::FromArg for EventsOptions {
    fn from_arg(v: &serde_json::Value) -> Option<EventsOptions> {
        let mut o = EventsOptions::default();
        if let Some(t) = v["since"].as_str() {
            o = o.since(crate::dispatch::parse_time(t)?);
        }
        if let Some(t) = v["until"].as_str() {
            o = o.until(crate::dispatch::parse_time(t)?);
        }
        for (key, value) in crate::dispatch::filters(&v["filters"]) {
            o = o.filter(key, value);
        }
        Some(o)
    }
}
