//! Error answers that keep their status whatever their size, and the total deadline of a
//! unary call, against scripted fake engines, in both flavours.

use std::io::{BufRead, BufReader, Write};
use std::os::unix::net::UnixListener;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::thread;
use std::time::{Duration, Instant};

use docker_client::{Client, Error, TimeoutKind};

use crate::fake::{self, FakeEngine};
use crate::flavours::{both, pinned, Pull, Wait};

const MIB: usize = 1024 * 1024;

#[test]
fn a_404_echoing_a_1_mib_name_stays_not_found_with_its_message_cut() {
    let name = "n".repeat(MIB);
    let engine = FakeEngine::start(move |req| {
        let echoed = req.target.trim_start_matches("/v1.41/containers/");
        let echoed = echoed.trim_end_matches("/json");
        fake::json(
            404,
            &format!("{{\"message\":\"No such container: {echoed}\"}}\n"),
        )
    });
    both!(pinned(engine.socket(), "1.41"), |api| {
        let err = api.inspect_container(&name).wait().unwrap_err();
        assert!(err.is_not_found(), "{err:?}");
        assert_eq!(err.status_code(), Some(404));
        let message = err.message().unwrap();
        assert!(
            message.starts_with("No such container: nnnn"),
            "{}",
            &message[..40]
        );
        assert!(message
            .ends_with("[the engine's message was cut: it is longer than the 1048576 bytes read]"));
        assert!(!err.to_string().contains("max_body_bytes"));
    });
}

#[test]
fn a_proxys_2_mib_html_502_keeps_its_status_with_its_page_cut() {
    let page = format!(
        "<html><body>{}</body></html>",
        "Bad Gateway ".repeat(2 * MIB / 12)
    );
    let answer = format!(
        "HTTP/1.1 502 Bad Gateway\r\nContent-Type: text/html\r\nContent-Length: {}\r\n\r\n{page}",
        page.len()
    );
    let engine = FakeEngine::start(move |_| answer.clone().into_bytes());
    both!(pinned(engine.socket(), "1.41"), |api| {
        let err = api.list_containers(&Default::default()).wait().unwrap_err();
        assert_eq!(err.status_code(), Some(502), "{err:?}");
        let message = err.message().unwrap();
        assert!(message.starts_with("<html><body>Bad Gateway"));
        assert!(message.contains("was cut"));
    });
}

/// A fake engine that answers every request with a head declaring a million bytes, then
/// trickles `piece` every half second (a single byte for a unary answer), until the
/// client goes away.
struct Trickler {
    dir: PathBuf,
    socket: PathBuf,
    stop: Arc<AtomicBool>,
}

impl Trickler {
    fn start(piece: &'static [u8]) -> Trickler {
        static N: AtomicUsize = AtomicUsize::new(0);
        let dir = std::env::temp_dir().join(format!(
            "dkr-trickle-{}-{}",
            std::process::id(),
            N.fetch_add(1, Ordering::SeqCst)
        ));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let socket = dir.join("e.sock");
        let listener = UnixListener::bind(&socket).unwrap();
        let stop = Arc::new(AtomicBool::new(false));
        let flag = stop.clone();
        thread::spawn(move || {
            for conn in listener.incoming() {
                let Ok(mut conn) = conn else { return };
                if flag.load(Ordering::SeqCst) {
                    return;
                }
                let flag = flag.clone();
                thread::spawn(move || {
                    let mut reader = BufReader::new(conn.try_clone().unwrap());
                    let mut line = String::new();
                    while reader.read_line(&mut line).is_ok_and(|n| n > 2) {
                        line.clear();
                    }
                    let head = "HTTP/1.1 200 OK\r\nApi-Version: 1.41\r\nContent-Type: application/json\r\nContent-Length: 1000000\r\n\r\n";
                    if conn.write_all(head.as_bytes()).is_err() {
                        return;
                    }
                    while !flag.load(Ordering::SeqCst) && conn.write_all(piece).is_ok() {
                        thread::sleep(Duration::from_millis(500));
                    }
                });
            }
        });
        Trickler { dir, socket, stop }
    }
}

impl Drop for Trickler {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        let _ = std::os::unix::net::UnixStream::connect(&self.socket);
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

fn assert_total_timeout(err: &Error, started: Instant, after: Duration, request: &str) {
    let elapsed = started.elapsed();
    match err {
        Error::Timeout {
            kind: TimeoutKind::Total,
            after: a,
            request: Some(r),
            ..
        } => {
            assert_eq!((*a, r.as_str()), (after, request));
        }
        other => panic!("expected a total timeout, got {other:?}"),
    }
    assert!(
        err.to_string().contains(&format!("during {request}")),
        "{err}"
    );
    assert!(
        elapsed >= after && elapsed < after + Duration::from_secs(2),
        "the call took {elapsed:?} for a deadline of {after:?}"
    );
}

#[test]
fn a_trickled_list_ends_at_the_builders_total_deadline() {
    let engine = Trickler::start(b" ");
    both!(F, {
        let api: Client<F> = Client::<F>::builder()
            .endpoint(docker_client::Endpoint::Unix(engine.socket.clone()))
            .api_version("1.41")
            .total_timeout(Duration::from_secs(2))
            .build()
            .unwrap();
        let started = Instant::now();
        let err = api.list_containers(&Default::default()).wait().unwrap_err();
        assert_total_timeout(
            &err,
            started,
            Duration::from_secs(2),
            "GET /containers/json",
        );
    });
}

#[test]
fn a_per_call_total_deadline_overrides_the_default() {
    let engine = Trickler::start(b" ");
    both!(pinned(&engine.socket, "1.41"), |api| {
        let quick = api.with_total_timeout(Some(Duration::from_secs(1)));
        let started = Instant::now();
        let err = quick.info().wait().unwrap_err();
        assert_total_timeout(&err, started, Duration::from_secs(1), "GET /info");
        assert_eq!(api.total_timeout(), Some(Duration::from_secs(300)));
    });
}

#[test]
fn streams_are_exempt_from_the_total_deadline() {
    let engine = Trickler::start(b"{\"Type\":\"container\",\"Action\":\"start\"}\n");
    both!(pinned(&engine.socket, "1.41"), |api| {
        let api = api.with_total_timeout(Some(Duration::from_millis(500)));
        let started = Instant::now();
        let mut events = api.events(&Default::default()).wait().unwrap();
        // Four events take two seconds, four times the deadline.
        for _ in 0..4 {
            let event = events.pull().unwrap().unwrap();
            assert_eq!(event.action, "start");
        }
        assert!(started.elapsed() > Duration::from_secs(1));
    });
}
