//! Every recorded transcript under `fixtures/`, replayed through both flavours.
//!
//! Each transcript names the client call it recorded (`call`, `args`) and what the client
//! returned (`outcome`). The suite serves the transcript with `docker_replay`
//! (responses cut in seeded random pieces), makes the same call, and checks that the
//! outcome is the same, that a decoded result equals the recorded body decoded on its own,
//! and that every recorded exchange was asked for and matched. The glob is the whole
//! fixture set, so every transcript is replayed by construction; `cargo xtask fixtures
//! check` verifies that nothing under `fixtures/` escapes it.
//!
//! `DKR_REPLAY_SEED=<n>` changes the response splits; `DKR_REPLAY_FILTER=<text>` replays
//! only the transcripts whose path contains the text.

use std::path::{Path, PathBuf};
use std::time::Duration;

use docker_client::models::{
    AuthConfig, AuthResponse, ContainerCreateConfig, ContainerCreateResponse, ContainerInspect,
    ContainerPruneResponse, ContainerStats, ContainerSummary, ContainerTop, ContainerWaitResponse,
    EventMessage, FileChange, ImageDeleteResponseItem, ImageHistoryItem, ImageInspect,
    ImagePruneResponse, ImageSummary, NetworkCreateResponse, NetworkInspect, NetworkPruneResponse,
    SystemDf, SystemInfo, SystemVersion, Volume, VolumeListResponse, VolumePruneResponse,
};
use docker_client::{
    blocking, tokio as tk, ApiVersion, CreateNetworkOptions, CreateVolumeOptions, Error,
    EventsOptions, ImportImageOptions, InventoryOptions, ListContainersOptions, ListImagesOptions,
    ListNetworksOptions, ListVolumesOptions, LogChunk, LogsOptions, Method, PruneFilters,
    PullImageOptions, PushImageOptions, RemoveContainerOptions, RemoveImageOptions, Result,
    WaitCondition, WatchConfig,
};
use docker_replay::{Replay, Transcript};
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::Value;

use crate::flavours::{Api, Tokio};
use crate::objects_api::{objects, ObjectsApi};

/// The transcripts replayed, relative to `fixtures/`.
const GLOB: &str = "*/*.http";

/// Time allowed for background threads of the code under test to ask for everything.
const SETTLE: Duration = Duration::from_secs(10);

#[test]
fn every_transcript_replays_through_both_flavours() {
    let filter = std::env::var("DKR_REPLAY_FILTER").unwrap_or_default();
    let paths: Vec<PathBuf> = transcripts()
        .into_iter()
        .filter(|p| p.to_string_lossy().contains(&filter))
        .collect();
    assert!(
        filter.is_empty() || !paths.is_empty(),
        "no transcript matches {filter:?}"
    );
    let mut failures = Vec::new();
    let mut replayed = 0;
    for path in &paths {
        let t = Transcript::read(path).unwrap_or_else(|e| panic!("{e}"));
        let name = shown(path);
        if let Some(reason) = t.meta("skipped") {
            assert!(
                t.exchanges().is_empty(),
                "{name}: skipped, yet has exchanges"
            );
            assert!(!reason.is_empty(), "{name}: skipped without a reason");
            continue;
        }
        for flavour in ["blocking", "tokio"] {
            if let Err(e) = replay_one(&t, flavour) {
                failures.push(format!("{name} ({flavour}): {e}"));
            }
        }
        replayed += 1;
    }
    assert!(
        failures.is_empty(),
        "{} of {} transcripts failed to replay:\n{}",
        failures.len(),
        paths.len(),
        failures.join("\n")
    );
    if filter.is_empty() {
        assert!(replayed >= 100, "only {replayed} transcripts were replayed");
    }
}

#[test]
fn recorded_engines_include_docker_and_podman() {
    let engines: std::collections::BTreeSet<String> = transcripts()
        .iter()
        .filter_map(|p| Transcript::read(p).ok())
        .filter(|t| t.meta("synthetic") == Some("false"))
        .filter_map(|t| t.meta("engine").map(str::to_owned))
        .collect();
    assert!(engines.contains("docker"), "{engines:?}");
    assert!(engines.contains("podman"), "{engines:?}");
}

#[test]
fn a_request_that_differs_from_the_recording_is_answered_599_and_reported() {
    let path = fixtures_dir().join("docker-20.10/inspect_container.http");
    let t = Transcript::read(&path).unwrap();
    let replay = Replay::start(&t).unwrap();
    let client = client_for(&t, &replay);
    let err = client.inspect_container("someone-else").unwrap_err();
    assert_eq!(err.status_code(), Some(599), "{err}");
    assert!(
        err.to_string().contains("does not match the transcript"),
        "{err}"
    );
    let report = replay.finish().unwrap_err();
    assert_eq!(report.failures().len(), 1, "{report}");
    assert!(report.to_string().contains("DKR_REPLAY_SEED="), "{report}");
}

#[test]
fn a_transcript_not_asked_for_entirely_is_reported() {
    let path = fixtures_dir().join("docker-20.10/exec.http");
    let t = Transcript::read(&path).unwrap();
    assert!(t.exchanges().len() > 1);
    let replay = Replay::start(&t).unwrap();
    let report = replay.finish().unwrap_err();
    assert_eq!(report.unconsumed().len(), t.exchanges().len(), "{report}");
}

#[test]
fn replays_are_reproducible_whatever_the_seed() {
    let path = fixtures_dir().join("docker-20.10/info.http");
    let t = Transcript::read(&path).unwrap();
    for seed in [0, 1, 2, u64::MAX] {
        let replay = Replay::with_seed(&t, seed).unwrap();
        let info = client_for(&t, &replay).info().unwrap();
        assert_eq!(info.server_version, "20.10.24+dfsg1");
        replay.finish().unwrap();
    }
}

fn client_for(t: &Transcript, replay: &Replay) -> blocking::Client {
    let mut b =
        blocking::Client::builder().endpoint(docker_client::Endpoint::Unix(replay.socket().into()));
    if let Some(v) = pin(t) {
        b = b.api_version(v);
    }
    b.build().unwrap()
}

/// The version the recording client was pinned to; `None` when it negotiated.
fn pin(t: &Transcript) -> Option<&str> {
    match t.meta("client-version") {
        Some("negotiate") | None => None,
        Some(v) => Some(v),
    }
}

/// Replays `t` through one flavour.
fn replay_one(t: &Transcript, flavour: &str) -> std::result::Result<(), String> {
    let replay = Replay::start(t).map_err(|e| e.to_string())?;
    let clients = Clients::new(
        flavour,
        docker_client::Endpoint::Unix(replay.socket().into()),
        pin(t),
    );
    let call = t.meta("call").ok_or("no `call` in the header")?;
    let args: Value = serde_json::from_str(t.meta("args").ok_or("no `args` in the header")?)
        .map_err(|e| format!("`args` is not JSON: {e}"))?;
    let result = perform(&clients, call, &args, t, &replay);
    let outcome = outcome(result.as_ref().map(drop));
    let want = t.meta("outcome").unwrap_or("");
    let checked = match (&result, outcome == want) {
        (_, false) => Err(format!(
            "the client returned `{outcome}`, the recording `{want}`{}",
            match &result {
                Err(e) => format!(": {e}"),
                Ok(_) => String::new(),
            }
        )),
        (Ok(check), true) => check(t),
        (Err(e), true) => check_error(t, e),
    };
    drop(clients);
    let finished = replay.finish().map_err(|e| e.to_string());
    checked.and(finished)
}

/// A check of a call's result against the transcript.
type Check = Box<dyn Fn(&Transcript) -> std::result::Result<(), String>>;

fn no_check() -> Check {
    Box::new(|_| Ok(()))
}

/// The result, re-encoded, must equal the last recorded body decoded as `T`.
fn same_as_body<T: Serialize + DeserializeOwned>(result: &T) -> Check {
    let got = serde_json::to_value(result).expect("models serialize");
    Box::new(move |t| {
        let body = last_body(t);
        let want: T = serde_json::from_slice(&body)
            .map_err(|e| format!("the recorded body does not decode on its own: {e}"))?;
        let want = serde_json::to_value(&want).expect("models serialize");
        match got == want {
            true => Ok(()),
            false => Err(format!("decoded {got} but the body says {want}")),
        }
    })
}

/// An error's message must be the engine's, when the engine sent one in JSON.
fn check_error(t: &Transcript, e: &Error) -> std::result::Result<(), String> {
    let Some(message) = e.message() else {
        return Ok(());
    };
    let body = last_body(t);
    match serde_json::from_slice::<Value>(&body) {
        Ok(v) if v["message"].as_str().is_some_and(|m| m.trim() != message) => Err(format!(
            "the error says {message:?}, the body {:?}",
            v["message"]
        )),
        _ => Ok(()),
    }
}

/// `ok`, or `error <variant> [<status>]`, as `cargo xtask fixtures record` writes it.
fn outcome(result: std::result::Result<(), &Error>) -> String {
    match result {
        Ok(()) => "ok".to_owned(),
        Err(e) => {
            let debug = format!("{e:?}");
            let variant: String = debug
                .chars()
                .take_while(char::is_ascii_alphanumeric)
                .collect();
            match e.status_code() {
                Some(status) => format!("error {variant} {status}"),
                None => format!("error {variant}"),
            }
        }
    }
}

/// One flavour's client behind the shared [`Api`] and [`ObjectsApi`] tables, and the same
/// flavour's client for the calls the tables do not have.
struct Clients {
    api: Box<dyn Api>,
    objects: Box<dyn ObjectsApi>,
    extra: Extra,
}

enum Extra {
    Blocking(blocking::Client),
    Tokio(tk::Client, tokio::runtime::Runtime),
}

impl Clients {
    fn new(flavour: &str, endpoint: docker_client::Endpoint, pin: Option<&str>) -> Clients {
        let pinned = |b: docker_client::ClientBuilder<blocking::Client>| match pin {
            Some(v) => b.api_version(v),
            None => b,
        };
        let pinned_tk = |b: docker_client::ClientBuilder<tk::Client>| match pin {
            Some(v) => b.api_version(v),
            None => b,
        };
        match flavour {
            "blocking" => {
                let client = pinned(blocking::Client::builder().endpoint(endpoint.clone()))
                    .build()
                    .unwrap();
                let extra = pinned(blocking::Client::builder().endpoint(endpoint.clone()))
                    .build()
                    .unwrap();
                Clients {
                    api: Box::new(client),
                    objects: objects(&endpoint, pin).swap_remove(0),
                    extra: Extra::Blocking(extra),
                }
            }
            _ => {
                let client = pinned_tk(tk::Client::builder().endpoint(endpoint.clone()))
                    .build()
                    .unwrap();
                let extra = pinned_tk(tk::Client::builder().endpoint(endpoint.clone()))
                    .build()
                    .unwrap();
                let rt = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                    .unwrap();
                Clients {
                    api: Box::new(Tokio::new(client)),
                    objects: objects(&endpoint, pin).swap_remove(1),
                    extra: Extra::Tokio(extra, rt),
                }
            }
        }
    }
}

/// Makes the recorded call; the twin of `perform` in `xtask/src/fixtures_scenario.rs`.
fn perform(
    c: &Clients,
    call: &str,
    args: &Value,
    t: &Transcript,
    replay: &Replay,
) -> Result<Check> {
    let api = &*c.api;
    let s = |i: usize| args[i].as_str().unwrap_or_default();
    let opt_s = |i: usize| args[i].as_str();
    let secs = |i: usize| args[i].as_u64().map(Duration::from_secs);
    let num = |i: usize| args[i].as_u64().unwrap_or(0) as u16;
    Ok(match call {
        "ping" => {
            let ping = api.ping()?;
            let header = last_header(t, "api-version").unwrap_or_default();
            Box::new(move |_| match ping.api_version == header {
                true => Ok(()),
                false => Err(format!(
                    "ping says {:?}, the header {header:?}",
                    ping.api_version
                )),
            })
        }
        "api_version" => {
            let v = api.api_version()?;
            let header = last_header(t, "api-version").unwrap_or_default();
            let want: ApiVersion = header.parse()?;
            Box::new(move |_| match v == want.min(ApiVersion::MAX) {
                true => Ok(()),
                false => Err(format!("negotiated {v}, the engine said {want}")),
            })
        }
        "version" => same_as_body::<SystemVersion>(&api.version()?),
        "info" => same_as_body::<SystemInfo>(&api.info()?),
        "list_containers" => {
            same_as_body::<Vec<ContainerSummary>>(&api.list_containers(&list_options(&args[0]))?)
        }
        "inspect_container" => same_as_body::<ContainerInspect>(&api.inspect_container(s(0))?),
        "inspect_image" => same_as_body::<ImageInspect>(&api.inspect_image(s(0))?),
        "inspect_network" => same_as_body::<NetworkInspect>(&api.inspect_network(s(0))?),
        "container_top" => same_as_body::<ContainerTop>(&api.container_top(s(0), opt_s(1))?),
        "container_diff" => {
            let changes = api.container_diff(s(0))?;
            Box::new(move |t| {
                let body = last_body(t);
                let want: Option<Vec<FileChange>> = serde_json::from_slice(&body)
                    .map_err(|e| format!("the body does not decode: {e}"))?;
                match want.unwrap_or_default() == changes {
                    true => Ok(()),
                    false => Err(format!("decoded {changes:?}")),
                }
            })
        }
        "kill_container" => {
            api.kill_container(s(0), opt_s(1))?;
            no_check()
        }
        "restart_container" => {
            api.restart_container(s(0), secs(1))?;
            no_check()
        }
        "events" => {
            let events = api.events(&events_options(&args[0]), usize::MAX)?;
            let events: Vec<EventMessage> = events.into_iter().collect::<Result<_>>()?;
            Box::new(move |t| {
                let body = last_body(t);
                let want: Vec<EventMessage> = serde_json::Deserializer::from_slice(&body)
                    .into_iter()
                    .collect::<std::result::Result<_, _>>()
                    .map_err(|e| format!("the body does not decode: {e}"))?;
                match want == events {
                    true => Ok(()),
                    false => Err(format!(
                        "{} events decoded, {} recorded",
                        events.len(),
                        want.len()
                    )),
                }
            })
        }
        "request" => {
            let method = Method::parse(s(0)).unwrap_or(Method::Get);
            let query = query_pairs(&args[2]);
            let query: Vec<(&str, &str)> = query
                .iter()
                .map(|(k, v)| (k.as_str(), v.as_str()))
                .collect();
            let (status, body) = api.request(method, s(1), &query)?;
            Box::new(move |t| {
                let want = (t.exchanges().last().and_then(|e| e.status()), last_body(t));
                match want == (Some(status), body.clone()) {
                    true => Ok(()),
                    false => Err(format!("got status {status} and {} bytes", body.len())),
                }
            })
        }
        "create_container" => {
            let config: ContainerCreateConfig =
                serde_json::from_value(args[1].clone()).unwrap_or_default();
            same_as_body::<ContainerCreateResponse>(&api.create_container(opt_s(0), &config)?)
        }
        "start_container" => {
            api.start_container(s(0))?;
            no_check()
        }
        "stop_container" => {
            api.stop_container(s(0), secs(1))?;
            no_check()
        }
        "wait_container" => {
            same_as_body::<ContainerWaitResponse>(&api.wait_container(s(0), wait_condition(s(1)))?)
        }
        "remove_container" => {
            api.remove_container(s(0), remove_options(&args[1]))?;
            no_check()
        }
        "pause_container" => {
            api.pause_container(s(0))?;
            no_check()
        }
        "unpause_container" => {
            api.unpause_container(s(0))?;
            no_check()
        }
        "rename_container" => {
            api.rename_container(s(0), s(1))?;
            no_check()
        }
        "update_container" => {
            api.update_container(s(0), &args[1])?;
            no_check()
        }
        "prune_containers" => {
            same_as_body::<ContainerPruneResponse>(&api.prune_containers(&prune_filters(&args[0]))?)
        }
        "container_stats" => same_as_body::<ContainerStats>(&api.container_stats(s(0))?),
        "container_stats_stream" => {
            let n = args[1].as_u64().unwrap_or(1) as usize;
            api.container_stats_stream(s(0), n)?;
            no_check()
        }
        "export_container" => {
            api.export_len(s(0))?;
            no_check()
        }
        "logs" => {
            let chunks = api.logs(s(0), &logs_options(&args[1]), &mut |_| false)?;
            Box::new(move |t| check_output(t, &chunks))
        }
        "exec" => {
            let cmd: Vec<&str> = args[1]
                .as_array()
                .map(|a| a.iter().filter_map(Value::as_str).collect())
                .unwrap_or_default();
            let stdin = opt_s(2).map(str::as_bytes);
            let tty = args[3].as_bool().unwrap_or(false);
            let (chunks, code) = api.exec(s(0), &cmd, stdin, tty)?;
            Box::new(move |t| {
                check_output(t, &chunks)?;
                let body = last_body(t);
                let inspect: Value = serde_json::from_slice(&body).unwrap_or_default();
                match inspect["ExitCode"].as_i64() == code {
                    true => Ok(()),
                    false => Err(format!(
                        "exit code {code:?}, recorded {}",
                        inspect["ExitCode"]
                    )),
                }
            })
        }
        "attach_container" => {
            let out = api.attach(s(0), s(1).as_bytes())?;
            Box::new(move |t| {
                let want: Vec<u8> = demultiplexed(t).into_iter().flat_map(|c| c.1).collect();
                match want == out {
                    true => Ok(()),
                    false => Err(format!(
                        "attached output {:?}",
                        String::from_utf8_lossy(&out)
                    )),
                }
            })
        }
        "stat_path" => {
            let stat = api.stat_path(s(0), s(1))?;
            Box::new(move |_| match stat.name.is_empty() {
                true => Err("the stat has no name".to_owned()),
                false => Ok(()),
            })
        }
        "get_archive" => {
            let (_, tar) = api.get_archive(s(0), s(1))?;
            Box::new(move |t| match last_body(t) == tar {
                true => Ok(()),
                false => Err(format!(
                    "{} bytes of archive, not the recorded body",
                    tar.len()
                )),
            })
        }
        "put_archive" => {
            // The archive is the one that was sent.
            let tar = first_request_body(t);
            api.put_archive(s(0), s(1), tar)?;
            no_check()
        }
        other => match objects_call(&*c.objects, other, args, t)? {
            Some(check) => check,
            None => extra(&c.extra, other, args, replay, num)?,
        },
    })
}

/// The image, network, volume and system calls; `None` for a call of another family.
fn objects_call(
    o: &dyn ObjectsApi,
    call: &str,
    args: &Value,
    t: &Transcript,
) -> Result<Option<Check>> {
    let s = |i: usize| args[i].as_str().unwrap_or_default();
    let labels = |v: &Value| -> Vec<(String, String)> {
        v["labels"]
            .as_object()
            .into_iter()
            .flatten()
            .map(|(k, v)| (k.clone(), v.as_str().unwrap_or_default().to_owned()))
            .collect()
    };
    let done = |()| no_check();
    Ok(Some(match call {
        "list_images" => {
            let mut opts =
                ListImagesOptions::default().all(args[0]["all"].as_bool().unwrap_or(false));
            for (key, value) in filters(&args[0]["filters"]) {
                opts = opts.filter(key, value);
            }
            same_as_body::<Vec<ImageSummary>>(&o.list_images(&opts)?)
        }
        "image_history" => same_as_body::<Vec<ImageHistoryItem>>(&o.image_history(s(0))?),
        "tag_image" => done(o.tag_image(s(0), s(1))?),
        "remove_image" => {
            let opts =
                RemoveImageOptions::default().force(args[1]["force"].as_bool().unwrap_or(false));
            same_as_body::<Vec<ImageDeleteResponseItem>>(&o.remove_image(s(0), opts)?)
        }
        "prune_images" => {
            same_as_body::<ImagePruneResponse>(&o.prune_images(&prune_filters(&args[0]))?)
        }
        "import_image" => {
            let mut opts = ImportImageOptions::default();
            if let Some(r) = args[1]["reference"].as_str() {
                opts = opts.reference(r);
            }
            o.import_image(first_request_body(t), &opts)?;
            no_check()
        }
        "load_images" => {
            o.load_images(first_request_body(t), args[1].as_bool().unwrap_or(false))?;
            no_check()
        }
        "save_images" => {
            let names: Vec<&str> = args[0]
                .as_array()
                .map(|a| a.iter().filter_map(Value::as_str).collect())
                .unwrap_or_default();
            o.save_images(&names)?;
            no_check()
        }
        "pull_image" => done(o.pull_wait(s(0), &PullImageOptions::default())?),
        "push_image" => done(o.push_wait(s(0), &PushImageOptions::default())?),
        "login" => {
            let auth: AuthConfig = serde_json::from_value(args[0].clone()).unwrap_or_default();
            same_as_body::<AuthResponse>(&o.login(&auth)?)
        }
        "create_network" => {
            let mut opts = CreateNetworkOptions::new(args[0]["name"].as_str().unwrap_or(""));
            for (k, v) in labels(&args[0]) {
                opts = opts.label(k, v);
            }
            same_as_body::<NetworkCreateResponse>(&o.create_network(&opts)?)
        }
        "list_networks" => {
            let mut opts = ListNetworksOptions::default();
            for (key, value) in filters(&args[0]["filters"]) {
                opts = opts.filter(key, value);
            }
            same_as_body::<Vec<NetworkInspect>>(&o.list_networks(&opts)?)
        }
        "connect_network" => done(o.connect_network(s(0), s(1), None)?),
        "disconnect_network" => {
            done(o.disconnect_network(s(0), s(1), args[2].as_bool().unwrap_or(false))?)
        }
        "remove_network" => done(o.remove_network(s(0))?),
        "prune_networks" => {
            same_as_body::<NetworkPruneResponse>(&o.prune_networks(&prune_filters(&args[0]))?)
        }
        "create_volume" => {
            let mut opts = CreateVolumeOptions::default();
            if let Some(name) = args[0]["name"].as_str() {
                opts = opts.name(name);
            }
            for (k, v) in labels(&args[0]) {
                opts = opts.label(k, v);
            }
            same_as_body::<Volume>(&o.create_volume(&opts)?)
        }
        "inspect_volume" => same_as_body::<Volume>(&o.inspect_volume(s(0))?),
        "list_volumes" => {
            let mut opts = ListVolumesOptions::default();
            for (key, value) in filters(&args[0]["filters"]) {
                opts = opts.filter(key, value);
            }
            same_as_body::<VolumeListResponse>(&o.list_volumes(&opts)?)
        }
        "remove_volume" => done(o.remove_volume(s(0), args[1].as_bool().unwrap_or(false))?),
        "prune_volumes" => {
            same_as_body::<VolumePruneResponse>(&o.prune_volumes(&prune_filters(&args[0]))?)
        }
        "df" => same_as_body::<SystemDf>(&o.df()?),
        _ => return Ok(None),
    }))
}

/// The calls the shared table does not have, per flavour.
fn extra(
    extra: &Extra,
    call: &str,
    args: &Value,
    replay: &Replay,
    num: impl Fn(usize) -> u16,
) -> Result<Check> {
    let s = |i: usize| args[i].as_str().unwrap_or_default();
    match (extra, call) {
        (Extra::Blocking(c), "resize_container") => c.resize_container(s(0), num(1), num(2))?,
        (Extra::Tokio(c, rt), "resize_container") => {
            rt.block_on(c.resize_container(s(0), num(1), num(2)))?
        }
        (Extra::Blocking(c), "resize_exec") => c.resize_exec(s(0), num(1), num(2))?,
        (Extra::Tokio(c, rt), "resize_exec") => rt.block_on(c.resize_exec(s(0), num(1), num(2)))?,
        (Extra::Blocking(c), "inspect_exec") => drop(c.inspect_exec(s(0))?),
        (Extra::Tokio(c, rt), "inspect_exec") => drop(rt.block_on(c.inspect_exec(s(0)))?),
        (Extra::Blocking(c), "start_exec") => {
            let mut session = c.start_exec(s(0), args[1].as_bool().unwrap_or(false))?;
            session.collect_output()?;
        }
        (Extra::Tokio(c, rt), "start_exec") => rt.block_on(async {
            let mut session = c
                .start_exec(s(0), args[1].as_bool().unwrap_or(false))
                .await?;
            session.collect_output().await.map(drop)
        })?,
        (Extra::Blocking(c), "watch_events" | "watch_events_with") => {
            let opts = events_options(&args[0]);
            let watcher = match call {
                "watch_events" => c.watch_events(&opts),
                _ => c.watch_events_with(&opts, watch_config(&args[1])),
            };
            let deadline = std::time::Instant::now() + SETTLE;
            while !watcher.is_finished() && std::time::Instant::now() < deadline {
                let _ = watcher.next_timeout(Duration::from_millis(50));
            }
            watcher.stop();
        }
        (Extra::Tokio(c, rt), "watch_events" | "watch_events_with") => rt.block_on(async {
            let opts = events_options(&args[0]);
            let watcher = match call {
                "watch_events" => c.watch_events(&opts),
                _ => c.watch_events_with(&opts, watch_config(&args[1])),
            };
            let drained =
                tokio::time::timeout(SETTLE, async { while watcher.next().await.is_some() {} });
            let _ = drained.await;
            watcher.stop();
        }),
        (Extra::Blocking(c), "container_inventory") => {
            let inventory = c.container_inventory(&inventory_options(&args[0]))?;
            replay.wait_consumed(SETTLE);
            inventory.stop();
        }
        (Extra::Tokio(c, rt), "container_inventory") => rt.block_on(async {
            let inventory = c.container_inventory(&inventory_options(&args[0])).await?;
            let deadline = std::time::Instant::now() + SETTLE;
            while !replay.wait_consumed(Duration::ZERO) && std::time::Instant::now() < deadline {
                tokio::time::sleep(Duration::from_millis(5)).await;
            }
            inventory.stop();
            Ok::<(), Error>(())
        })?,
        (_, other) => {
            panic!("a transcript names call `{other}`, which the replay suite does not know")
        }
    }
    Ok(no_check())
}

/// The output chunks must carry the recorded output, stream by stream.
fn check_output(t: &Transcript, chunks: &[LogChunk]) -> std::result::Result<(), String> {
    let got: Vec<u8> = chunks.iter().flat_map(|c| c.data.clone()).collect();
    let want: Vec<u8> = demultiplexed(t).into_iter().flat_map(|c| c.1).collect();
    match got == want {
        true => Ok(()),
        false => Err(format!(
            "output {:?}, recorded {:?}",
            String::from_utf8_lossy(&got),
            String::from_utf8_lossy(&want)
        )),
    }
}

/// The output recorded in the first exchange that carries a stream (logs, an exec or an
/// attach): frames when multiplexed, the raw bytes otherwise.
fn demultiplexed(t: &Transcript) -> Vec<(u8, Vec<u8>)> {
    let Some(ex) = t.exchanges().iter().find(|e| {
        let line = e.request_line();
        line.contains("/logs") || line.contains("/start") || line.contains("/attach")
    }) else {
        return Vec::new();
    };
    let (_, body) = split_response(&ex.response);
    if !is_multiplexed(&body) {
        return vec![(1, body)];
    }
    let mut out = Vec::new();
    let mut rest = &body[..];
    while rest.len() >= 8 {
        let len = u32::from_be_bytes([rest[4], rest[5], rest[6], rest[7]]) as usize;
        let end = (8 + len).min(rest.len());
        out.push((rest[0], rest[8..end].to_vec()));
        rest = &rest[end..];
    }
    out
}

/// True when `body` parses as 8-byte-header frames from start to end.
fn is_multiplexed(body: &[u8]) -> bool {
    let mut rest = body;
    while !rest.is_empty() {
        if rest.len() < 8 || rest[0] > 2 || rest[1..4] != [0, 0, 0] {
            return false;
        }
        let len = u32::from_be_bytes([rest[4], rest[5], rest[6], rest[7]]) as usize;
        if rest.len() < 8 + len {
            return false;
        }
        rest = &rest[8 + len..];
    }
    true
}

/// The body of the last response, without its framing.
fn last_body(t: &Transcript) -> Vec<u8> {
    t.exchanges()
        .last()
        .map(|e| split_response(&e.response).1)
        .unwrap_or_default()
}

/// A header of the last response.
fn last_header(t: &Transcript, name: &str) -> Option<String> {
    let (head, _) = split_response(&t.exchanges().last()?.response);
    head.split("\r\n").skip(1).find_map(|line| {
        let (n, v) = line.split_once(':')?;
        n.trim()
            .eq_ignore_ascii_case(name)
            .then(|| v.trim().to_owned())
    })
}

/// The body of the first request, de-chunked.
fn first_request_body(t: &Transcript) -> Vec<u8> {
    t.exchanges()
        .first()
        .map(|e| split_message(&e.request).1)
        .unwrap_or_default()
}

fn split_response(bytes: &[u8]) -> (String, Vec<u8>) {
    split_message(bytes)
}

/// Head text and body (de-chunked when chunked, cut to `Content-Length` when sized). The
/// body of a 101 is the raw stream that follows.
fn split_message(bytes: &[u8]) -> (String, Vec<u8>) {
    let Some(at) = bytes.windows(4).position(|w| w == b"\r\n\r\n") else {
        return (String::from_utf8_lossy(bytes).into_owned(), Vec::new());
    };
    let head = String::from_utf8_lossy(&bytes[..at]).into_owned();
    let rest = &bytes[at + 4..];
    let lower = head.to_ascii_lowercase();
    if lower.contains("transfer-encoding: chunked") {
        return (head, dechunk(rest));
    }
    let length = lower
        .split("\r\n")
        .find_map(|l| l.strip_prefix("content-length:"))
        .and_then(|v| v.trim().parse::<usize>().ok());
    match length {
        Some(n) => (head, rest[..n.min(rest.len())].to_vec()),
        None => (head, rest.to_vec()),
    }
}

fn dechunk(mut input: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    while let Some(line_end) = input.windows(2).position(|w| w == b"\r\n") {
        let size = std::str::from_utf8(&input[..line_end])
            .ok()
            .and_then(|s| usize::from_str_radix(s.split(';').next()?.trim(), 16).ok());
        let Some(size) = size.filter(|&n| n > 0) else {
            break;
        };
        let start = line_end + 2;
        let end = (start + size).min(input.len());
        out.extend_from_slice(&input[start..end]);
        input = input.get(end + 2..).unwrap_or(&[]);
    }
    out
}

fn list_options(v: &Value) -> ListContainersOptions {
    let mut o = ListContainersOptions::default().all(v["all"].as_bool().unwrap_or(false));
    if let Some(n) = v["limit"].as_u64() {
        o = o.limit(n as u32);
    }
    o = o.size(v["size"].as_bool().unwrap_or(false));
    for (key, value) in filters(&v["filters"]) {
        o = o.filter(key, value);
    }
    o
}

fn events_options(v: &Value) -> EventsOptions {
    let mut o = EventsOptions::default();
    if let Some(t) = v["since"].as_str().and_then(parse_time) {
        o = o.since(t);
    }
    if let Some(t) = v["until"].as_str().and_then(parse_time) {
        o = o.until(t);
    }
    for (key, value) in filters(&v["filters"]) {
        o = o.filter(key, value);
    }
    o
}

fn logs_options(v: &Value) -> LogsOptions {
    let mut o = LogsOptions::default();
    if let Some(b) = v["stdout"].as_bool() {
        o = o.stdout(b);
    }
    if let Some(b) = v["stderr"].as_bool() {
        o = o.stderr(b);
    }
    if let Some(n) = v["tail"].as_u64() {
        o = o.tail(n);
    }
    if let Some(b) = v["follow"].as_bool() {
        o = o.follow(b);
    }
    o
}

fn remove_options(v: &Value) -> RemoveContainerOptions {
    RemoveContainerOptions::default()
        .force(v["force"].as_bool().unwrap_or(false))
        .volumes(v["volumes"].as_bool().unwrap_or(false))
}

fn prune_filters(v: &Value) -> PruneFilters {
    let mut f = PruneFilters::default();
    for (key, value) in filters(v) {
        f = f.filter(key, value);
    }
    f
}

fn watch_config(v: &Value) -> WatchConfig {
    let mut c = WatchConfig::default();
    if let Some(n) = v["capacity"].as_u64() {
        c.capacity = n as usize;
    }
    if let Some(n) = v["max_attempts"].as_u64() {
        c.max_attempts = Some(n as u32);
    }
    c
}

fn inventory_options(v: &Value) -> InventoryOptions {
    let mut o = InventoryOptions::default();
    for label in v["labels"].as_array().into_iter().flatten() {
        o = o.label(label.as_str().unwrap_or_default());
    }
    o
}

fn wait_condition(name: &str) -> WaitCondition {
    match name {
        "next-exit" => WaitCondition::NextExit,
        "removed" => WaitCondition::Removed,
        _ => WaitCondition::NotRunning,
    }
}

fn filters(v: &Value) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for (key, values) in v.as_object().into_iter().flatten() {
        for value in values.as_array().into_iter().flatten() {
            out.push((key.clone(), value.as_str().unwrap_or_default().to_owned()));
        }
    }
    out
}

fn query_pairs(v: &Value) -> Vec<(String, String)> {
    v.as_array()
        .into_iter()
        .flatten()
        .map(|pair| {
            let text = |i: usize| pair[i].as_str().unwrap_or_default().to_owned();
            (text(0), text(1))
        })
        .collect()
}

fn parse_time(text: &str) -> Option<std::time::SystemTime> {
    let (secs, nanos) = text.split_once('.').unwrap_or((text, "0"));
    let nanos = format!("{nanos:0<9}");
    Some(std::time::UNIX_EPOCH + Duration::new(secs.parse().ok()?, nanos[..9].parse().ok()?))
}

fn fixtures_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures")
}

/// Every file matching [`GLOB`] under `fixtures/`, sorted.
fn transcripts() -> Vec<PathBuf> {
    let (dir_pattern, file_pattern) = GLOB.split_once('/').expect("a two-level glob");
    assert_eq!(dir_pattern, "*");
    let extension = file_pattern
        .strip_prefix("*.")
        .expect("a `*.ext` file pattern");
    let mut out = Vec::new();
    for dir in sorted(&fixtures_dir()) {
        if dir.is_dir() {
            out.extend(
                sorted(&dir)
                    .into_iter()
                    .filter(|p| p.extension().is_some_and(|e| e == extension)),
            );
        }
    }
    assert!(
        !out.is_empty(),
        "no transcripts under {}",
        fixtures_dir().display()
    );
    out
}

fn sorted(dir: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .collect();
    v.sort();
    v
}

fn shown(path: &Path) -> String {
    path.strip_prefix(fixtures_dir())
        .unwrap_or(path)
        .display()
        .to_string()
}
