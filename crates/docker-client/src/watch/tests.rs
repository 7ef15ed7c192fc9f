//! The watcher's decisions, without IO: resume and dedupe at every cut, the proof of a
//! complete replay, probes, overflow accounting, backoff bounds and the inventory's rules.

use std::time::{Instant, UNIX_EPOCH};

use super::inventory::{reaction, Inventory, Reaction};
use super::resume::{jitter_sample, nanos_of, time_of, Key, Resume, Retry, Step};
use super::*;
use crate::stream::{Decoder, JsonLines};

// ---------------------------------------------------------------------------------------
// A model of the engine's event log (daemon/events/events.go)
// ---------------------------------------------------------------------------------------

const LIMIT: usize = 256;

fn event(time_nano: i64, actor: &str, action: &str) -> EventMessage {
    serde_json::from_value(serde_json::json!({
        "Type": "container",
        "Action": action,
        "Actor": {"ID": actor, "Attributes": {"name": actor}},
        "scope": "local",
        "time": time_nano.div_euclid(1_000_000_000),
        "timeNano": time_nano,
    }))
    .unwrap()
}

fn line(e: &EventMessage) -> Vec<u8> {
    let mut v = serde_json::to_vec(e).unwrap();
    v.push(b'\n');
    v
}

/// The engine: the last 256 events in buffer order, replayed as `loadBufferedEvents` does
/// (walking back from the newest, stopping at the first event older than `since`).
#[derive(Default)]
struct Engine {
    buffer: Vec<EventMessage>,
}

impl Engine {
    fn log(&mut self, e: EventMessage) {
        if self.buffer.len() == LIMIT {
            self.buffer.remove(0);
        }
        self.buffer.push(e);
    }

    fn replay(&self, since: Option<i64>) -> Vec<EventMessage> {
        let Some(since) = since else {
            return Vec::new();
        };
        let mut out = Vec::new();
        for e in self.buffer.iter().rev() {
            if e.time_nano < since {
                break;
            }
            out.push(e.clone());
        }
        out.reverse();
        out
    }

    fn restart(&mut self) {
        self.buffer.clear();
    }
}

/// What a consumer saw.
#[derive(Default, Debug, Clone)]
struct Seen {
    events: Vec<EventMessage>,
    resyncs: Vec<ResyncReason>,
}

/// Feeds `bytes` through the real JSON-lines decoder into the machine; an incomplete last
/// line is lost with the connection, as it is on a real cut.
fn feed(resume: &mut Resume, bytes: &[u8], seen: &mut Seen) {
    let mut lines = JsonLines::<EventMessage>::new("GET /events".into());
    lines.feed(bytes);
    while let Some(item) = lines.pop() {
        match resume.on_event(item.unwrap()) {
            Step::Deliver(e) => seen.events.push(e),
            Step::Duplicate => (),
            Step::ResyncThenDeliver(r, e) => {
                seen.resyncs.push(r);
                seen.events.push(e);
            }
        }
    }
}

fn stream(events: &[EventMessage]) -> Vec<u8> {
    events.iter().flat_map(line).collect()
}

/// Subscribes as the machine plans it (probe included) and returns the bytes of the
/// engine's replay.
fn reconnect(resume: &mut Resume, engine: &Engine, now: Instant, seen: &mut Seen) -> Vec<u8> {
    stream(&replay_for(resume, engine, now, seen))
}

fn replay_for(
    resume: &mut Resume,
    engine: &Engine,
    now: Instant,
    seen: &mut Seen,
) -> Vec<EventMessage> {
    let plan = resume.plan(SystemTime::now());
    if let Some(probe) = &plan.probe {
        let oldest = engine.buffer.first().map(|e| e.time_nano);
        let until = nanos_of(probe.until_time().unwrap());
        resume.on_probe(oldest.filter(|t| *t <= until));
    }
    let since = plan.subscribe.since_time().map(nanos_of);
    if let Some(r) = resume.on_connected("e", now) {
        seen.resyncs.push(r);
    }
    engine.replay(since)
}

fn config() -> WatchConfig {
    WatchConfig::default()
}

/// 40 events, with groups that share a nanosecond (the boundaries a cut can fall into).
fn sample_log() -> Vec<EventMessage> {
    let mut out = Vec::new();
    let mut t = 1_795_863_893_397_002_825;
    for i in 0..40 {
        let actions = ["start", "kill", "die", "destroy"];
        out.push(event(t, &format!("c{}", i % 3), actions[i % 4]));
        // Every third event shares its nanosecond with the next one or two.
        if i % 3 != 0 {
            t += 1_000 + i as i64;
        }
    }
    out
}

fn keys(events: &[EventMessage]) -> Vec<Key> {
    events.iter().map(Key::of).collect()
}

// ---------------------------------------------------------------------------------------
// Resume and dedupe
// ---------------------------------------------------------------------------------------

/// An engine holding an older event of someone else's, then `log`; a watcher from the first
/// event of `log` on, connected, and the bytes of its first stream.
fn watching(log: &[EventMessage], cfg: &WatchConfig) -> (Engine, Resume, Seen, Vec<u8>) {
    let mut engine = Engine::default();
    let t0 = log[0].time_nano;
    engine.log(event(t0 - 1_000_000, "other", "start"));
    log.iter().for_each(|e| engine.log(e.clone()));
    let mut resume = Resume::new(&EventsOptions::default().since(time_of(t0)), cfg);
    let mut seen = Seen::default();
    let first = reconnect(&mut resume, &engine, Instant::now(), &mut seen);
    assert!(seen.resyncs.is_empty(), "the probe finds the older event");
    (engine, resume, seen, first)
}

fn apply(resume: &mut Resume, events: &[EventMessage], seen: &mut Seen) {
    for e in events {
        match resume.on_event(e.clone()) {
            Step::Deliver(e) => seen.events.push(e),
            Step::Duplicate => (),
            Step::ResyncThenDeliver(r, e) => {
                seen.resyncs.push(r);
                seen.events.push(e);
            }
        }
    }
}

#[test]
fn a_cut_at_every_byte_offset_loses_nothing_and_repeats_nothing() {
    let log = sample_log();
    let (engine, mut resume, mut seen, live) = watching(&log, &config());
    assert_eq!(live, stream(&log));
    // The live stream goes through the real decoder one byte at a time; at every offset a
    // copy of the watcher is cut there and resumes from the engine's replay.
    let mut lines = JsonLines::<EventMessage>::new("GET /events".into());
    for k in 0..=live.len() {
        let mut cut = resume.clone();
        let mut cut_seen = seen.clone();
        let now = Instant::now();
        cut.on_disconnected(now);
        let replay = replay_for(&mut cut, &engine, now, &mut cut_seen);
        apply(&mut cut, &replay, &mut cut_seen);
        assert_eq!(keys(&cut_seen.events), keys(&log), "cut at byte {k}");
        assert_eq!(cut_seen.resyncs, Vec::new(), "cut at byte {k}");
        if k < live.len() {
            lines.feed(&live[k..=k]);
            let ready: Vec<_> = std::iter::from_fn(|| lines.pop())
                .map(Result::unwrap)
                .collect();
            apply(&mut resume, &ready, &mut seen);
        }
    }
    assert_eq!(keys(&seen.events), keys(&log));
}

#[test]
fn many_cuts_at_pseudo_random_offsets_lose_nothing() {
    let log = sample_log();
    let mut rng = 0x2545_f491_4f6c_dd1d_u64;
    let mut next = move |n: usize| {
        rng ^= rng << 13;
        rng ^= rng >> 7;
        rng ^= rng << 17;
        (rng % n as u64) as usize
    };
    for _ in 0..300 {
        let (engine, mut resume, mut seen, mut bytes) = watching(&log, &config());
        let now = Instant::now();
        for _ in 0..5 {
            let k = next(bytes.len() + 1);
            feed(&mut resume, &bytes[..k], &mut seen);
            resume.on_disconnected(now);
            bytes = reconnect(&mut resume, &engine, now, &mut seen);
        }
        feed(&mut resume, &bytes, &mut seen);
        assert_eq!(keys(&seen.events), keys(&log));
        assert!(seen.resyncs.is_empty(), "{:?}", seen.resyncs);
    }
}

#[test]
fn the_resume_since_is_the_last_time_nano_to_the_nanosecond() {
    let mut resume = Resume::new(&EventsOptions::default(), &config());
    resume.plan(SystemTime::now());
    resume.on_connected("e", Instant::now());
    resume.on_event(event(1_795_863_893_397_002_825, "c", "kill"));
    resume.on_disconnected(Instant::now());
    assert_eq!(resume.resume_since(), Some(1_795_863_893_397_002_825));
    let plan = resume.plan(SystemTime::now());
    let query = plan.subscribe.query();
    assert!(
        query.as_str().contains("since=1795863893.397002825"),
        "{}",
        query.as_str()
    );
    assert_eq!(plan.probe.map(|p| p.query().as_str().to_owned()), None);

    // Nanoseconds below 10^8 keep their leading zeros.
    let t = time_of(1_000_000_000_000_000_007);
    let q = EventsOptions::default().since(t).query();
    assert!(
        q.as_str().contains("since=1000000000.000000007"),
        "{}",
        q.as_str()
    );
    assert_eq!(nanos_of(t), 1_000_000_000_000_000_007);
    assert_eq!(nanos_of(time_of(-5)), 0);
}

#[test]
fn the_filters_and_until_are_kept_across_reconnections() {
    let until = time_of(1_900_000_000_000_000_000);
    let opts = EventsOptions::default()
        .filter("type", "container")
        .until(until);
    let mut resume = Resume::new(&opts, &config());
    let first = resume.plan(SystemTime::now());
    assert_eq!(first.subscribe, opts, "the first connection is as asked");
    resume.on_connected("e", Instant::now());
    resume.on_event(event(1_800_000_000_000_000_000, "c", "start"));
    resume.on_disconnected(Instant::now());
    let again = resume.plan(SystemTime::now()).subscribe;
    assert_eq!(again.until_time(), Some(until));
    assert!(again.query().as_str().contains("filters="));
    assert!(!resume.on_end(time_of(1_899_999_999_999_999_999)));
    assert!(resume.on_end(until));
    let forever = Resume::new(&EventsOptions::default(), &config());
    assert!(
        !forever.on_end(SystemTime::now()),
        "no until: an end is a break"
    );
}

#[test]
fn boundary_duplicates_are_removed_whichever_of_a_group_was_last() {
    // Three events share one nanosecond; the cut falls after the first and the second.
    let t = 1_795_863_893_397_002_825;
    let log = vec![
        event(t - 5, "a", "start"),
        event(t, "a", "kill"),
        event(t, "a", "die"),
        event(t, "b", "kill"),
        event(t + 9, "b", "die"),
    ];
    let mut engine = Engine::default();
    log.iter().for_each(|e| engine.log(e.clone()));
    for delivered in 1..=4 {
        let mut resume = Resume::new(&EventsOptions::default(), &config());
        let mut seen = Seen::default();
        let now = Instant::now();
        resume.plan(SystemTime::now());
        resume.on_connected("e", now);
        feed(&mut resume, &stream(&log[..delivered]), &mut seen);
        resume.on_disconnected(now);
        let replay = reconnect(&mut resume, &engine, now, &mut seen);
        feed(&mut resume, &replay, &mut seen);
        assert_eq!(keys(&seen.events), keys(&log), "after {delivered}");
        assert!(seen.resyncs.is_empty());
    }
}

#[test]
fn an_event_repeated_by_the_subscription_race_is_delivered_once() {
    // The engine buffers an event, then publishes it after our subscription registered:
    // it comes in the replay and again live.
    let mut resume = Resume::new(&EventsOptions::default(), &config());
    resume.plan(SystemTime::now());
    resume.on_connected("e", Instant::now());
    let e = event(100, "a", "start");
    assert!(matches!(resume.on_event(e.clone()), Step::Deliver(_)));
    assert!(matches!(resume.on_event(e), Step::Duplicate));
}

// ---------------------------------------------------------------------------------------
// Proving the replay, and saying so when it cannot be proven
// ---------------------------------------------------------------------------------------

#[test]
fn a_rotated_buffer_is_reported_before_the_first_event_after_the_gap() {
    let mut engine = Engine::default();
    let mut resume = Resume::new(&EventsOptions::default(), &config());
    let mut seen = Seen::default();
    let now = Instant::now();
    resume.plan(SystemTime::now());
    resume.on_connected("e", now);
    let log: Vec<_> = (0..300).map(|i| event(1_000 + i, "c", "kill")).collect();
    log.iter().for_each(|e| engine.log(e.clone()));
    // We saw 10 events; meanwhile 290 more rotated the engine's 256-event buffer.
    feed(&mut resume, &stream(&log[..10]), &mut seen);
    resume.on_disconnected(now);
    let replay = reconnect(&mut resume, &engine, now, &mut seen);
    assert!(
        seen.resyncs.is_empty(),
        "not known before the replay shows it"
    );
    feed(&mut resume, &replay, &mut seen);
    assert_eq!(seen.resyncs, vec![ResyncReason::ReplayIncomplete]);
    assert_eq!(seen.events.len(), 10 + LIMIT);
    assert_eq!(seen.events[10].time_nano, 1_000 + 300 - LIMIT as i64);
}

#[test]
fn a_restarted_engine_with_an_empty_buffer_is_reported_at_its_first_event() {
    let mut engine = Engine::default();
    let mut resume = Resume::new(&EventsOptions::default(), &config());
    let mut seen = Seen::default();
    let now = Instant::now();
    resume.plan(SystemTime::now());
    resume.on_connected("e", now);
    let before = event(1_000, "c", "start");
    engine.log(before.clone());
    feed(&mut resume, &stream(&[before]), &mut seen);
    resume.on_disconnected(now);
    engine.restart();
    // The reconnection succeeded at once (no failed attempt): only the replay can tell.
    let replay = reconnect(&mut resume, &engine, now, &mut seen);
    feed(&mut resume, &replay, &mut seen);
    assert!(seen.resyncs.is_empty());
    let after = event(2_000, "d", "start");
    engine.log(after.clone());
    feed(&mut resume, &stream(&[after]), &mut seen);
    assert_eq!(seen.resyncs, vec![ResyncReason::ReplayIncomplete]);
    assert_eq!(seen.events.len(), 2);
}

#[test]
fn a_failed_attempt_reports_the_time_the_engine_was_unreachable() {
    let mut resume = Resume::new(&EventsOptions::default(), &config());
    let t0 = Instant::now();
    resume.plan(SystemTime::now());
    resume.on_connected("e", t0);
    resume.on_event(event(1_000, "c", "start"));
    resume.on_disconnected(t0);
    let r1 = resume.on_attempt_failed(t0 + Duration::from_millis(10), 0.0);
    assert_eq!(r1.attempt, 1);
    let r2 = resume.on_attempt_failed(t0 + Duration::from_millis(200), 0.0);
    assert_eq!(r2.attempt, 2);
    resume.plan(SystemTime::now());
    let reason = resume.on_connected("e", t0 + Duration::from_millis(1500));
    assert_eq!(
        reason,
        Some(ResyncReason::EngineUnreachable {
            for_: Duration::from_millis(1500)
        })
    );
    // Reported once: the replay check is off for this connection, dedupe stays on.
    assert!(matches!(
        resume.on_event(event(1_000, "c", "start")),
        Step::Duplicate
    ));
    assert!(matches!(
        resume.on_event(event(3_000, "c", "die")),
        Step::Deliver(_)
    ));
    // The next outage starts afresh.
    resume.on_disconnected(t0);
    resume.plan(SystemTime::now());
    assert_eq!(resume.on_connected("e", t0), None);
}

#[test]
fn another_engine_id_is_reported_first() {
    let mut resume = Resume::new(&EventsOptions::default(), &config());
    let now = Instant::now();
    resume.plan(SystemTime::now());
    resume.on_connected("old", now);
    resume.on_disconnected(now);
    resume.on_attempt_failed(now, 0.0);
    resume.plan(SystemTime::now());
    assert_eq!(
        resume.on_connected("new", now),
        Some(ResyncReason::EngineChanged {
            old_id: "old".into(),
            new_id: "new".into()
        })
    );
}

#[test]
fn failures_before_the_first_connection_are_reported_too() {
    let mut resume = Resume::new(&EventsOptions::default(), &config());
    let t0 = Instant::now();
    resume.plan(SystemTime::now());
    assert_eq!(resume.on_attempt_failed(t0, 0.0).attempt, 1);
    resume.plan(SystemTime::now());
    assert!(matches!(
        resume.on_connected("e", t0 + Duration::from_secs(2)),
        Some(ResyncReason::EngineUnreachable { for_ }) if for_ == Duration::from_secs(2)
    ));
}

#[test]
fn events_buffered_out_of_time_order_are_lost_loudly_or_recovered_with_an_overlap() {
    // The engine stamps E before A but buffers it after A; we got A, then the cut.
    let a = event(100, "a", "start");
    let e = event(99, "e", "start");
    let next = event(200, "n", "start");
    for overlap in [0, 1, 5] {
        let mut engine = Engine::default();
        engine.log(a.clone());
        engine.log(e.clone());
        let mut cfg = config();
        cfg.overlap = Duration::from_nanos(overlap);
        let mut resume = Resume::new(&EventsOptions::default(), &cfg);
        let mut seen = Seen::default();
        let now = Instant::now();
        resume.plan(SystemTime::now());
        resume.on_connected("e", now);
        feed(&mut resume, &stream(std::slice::from_ref(&a)), &mut seen);
        resume.on_disconnected(now);
        let replay = reconnect(&mut resume, &engine, now, &mut seen);
        feed(&mut resume, &replay, &mut seen);
        engine.log(next.clone());
        feed(&mut resume, &stream(std::slice::from_ref(&next)), &mut seen);
        if overlap == 0 {
            // The walk back stops at E (older than `since`): A is not found again, which
            // proves a gap; E is lost, but not silently.
            assert_eq!(seen.resyncs, vec![ResyncReason::ReplayIncomplete]);
            assert_eq!(keys(&seen.events), keys(&[a.clone(), next.clone()]));
        } else {
            assert!(seen.resyncs.is_empty(), "overlap {overlap}");
            assert_eq!(
                keys(&seen.events),
                keys(&[a.clone(), e.clone(), next.clone()])
            );
        }
    }
}

#[test]
fn without_a_last_event_a_probe_checks_that_the_buffer_reaches_back() {
    let floor = time_of(1_000_000);
    let opts = EventsOptions::default().since(floor);
    let mut resume = Resume::new(&opts, &config());
    let plan = resume.plan(SystemTime::now());
    let probe = plan.probe.expect("a caller's since is checked at once");
    assert_eq!(probe.since_time(), Some(UNIX_EPOCH));
    assert_eq!(probe.until_time(), Some(time_of(999_999)));
    assert!(!probe.query().as_str().contains("filters"), "unfiltered");
    assert_eq!(plan.subscribe, opts);

    // The buffer holds an event from before our since: nothing since was rotated out.
    resume.on_probe(Some(500));
    assert_eq!(resume.on_connected("e", Instant::now()), None);

    // A quiet cut: the resume since is our floor, and the probe runs again.
    resume.on_disconnected(Instant::now());
    let plan = resume.plan(SystemTime::now());
    assert!(plan.probe.is_some());
    assert_eq!(plan.subscribe.since_time(), Some(floor));
    resume.on_probe(None);
    assert_eq!(
        resume.on_connected("e", Instant::now()),
        Some(ResyncReason::ReplayIncomplete)
    );

    // Once an event came, the replay itself is the proof: no probe.
    resume.on_event(event(2_000_000, "c", "start"));
    resume.on_disconnected(Instant::now());
    assert!(resume.plan(SystemTime::now()).probe.is_none());
}

#[test]
fn a_watch_from_now_needs_no_probe_at_first() {
    let mut resume = Resume::new(&EventsOptions::default(), &config());
    let now = SystemTime::now();
    let plan = resume.plan(now);
    assert!(plan.probe.is_none());
    assert_eq!(plan.subscribe.since_time(), None);
    resume.on_connected("e", Instant::now());
    resume.on_disconnected(Instant::now());
    let plan = resume.plan(now + Duration::from_secs(5));
    assert_eq!(
        plan.subscribe.since_time().map(nanos_of),
        Some(nanos_of(now))
    );
    assert!(plan.probe.is_some());
}

// ---------------------------------------------------------------------------------------
// Backoff and attempts
// ---------------------------------------------------------------------------------------

#[test]
fn backoff_grows_is_capped_and_jitter_stays_in_range() {
    let b = Backoff::default();
    let mut last_base = Duration::ZERO;
    for failures in 1..=64 {
        let base = b.delay(failures, 0.0);
        assert!(base >= last_base, "non-decreasing");
        assert!(base <= b.max);
        last_base = base;
        for sample in [0.0, 0.25, 0.5, 0.999_999, 1.0] {
            let d = b.delay(failures, sample);
            let low = base.mul_f64(1.0 - b.jitter);
            assert!(
                d <= base && d + Duration::from_nanos(1) >= low,
                "{failures} {sample}: {d:?} not in [{low:?}, {base:?}]"
            );
        }
    }
    assert_eq!(b.delay(1, 0.0), Duration::from_millis(100));
    assert_eq!(b.delay(2, 0.0), Duration::from_millis(200));
    assert_eq!(b.delay(7, 0.0), Duration::from_secs(5));
    // Jitter samples spread over the range.
    let samples: Vec<f64> = (0..2000).map(|_| jitter_sample()).collect();
    assert!(samples.iter().all(|s| (0.0..1.0).contains(s)));
    let low = samples.iter().filter(|s| **s < 0.5).count();
    assert!((700..1300).contains(&low), "{low} of 2000 below 0.5");
}

#[test]
fn backoff_survives_hostile_settings() {
    let mut b = Backoff {
        multiplier: f64::INFINITY,
        jitter: f64::NAN,
        ..Backoff::default()
    };
    assert_eq!(b.delay(3, 0.5), b.initial);
    b.multiplier = 1e300;
    assert_eq!(b.delay(10, f64::NAN), b.max);
    b.max = Duration::MAX;
    b.multiplier = 2.0;
    assert!(b.delay(u32::MAX, 0.5) <= Duration::MAX);
    b.multiplier = 0.1;
    b.jitter = 7.0;
    assert_eq!(b.delay(5, 1.0), Duration::ZERO, "jitter clamps to 1");
    assert_eq!(
        b.delay(5, 0.0),
        b.initial,
        "a multiplier below 1 counts as 1"
    );
}

#[test]
fn attempts_are_numbered_and_limited() {
    let mut cfg = config();
    cfg.max_attempts = Some(3);
    cfg.backoff.jitter = 0.0;
    let mut resume = Resume::new(&EventsOptions::default(), &cfg);
    let now = Instant::now();
    resume.plan(SystemTime::now());
    resume.on_connected("e", now);
    resume.on_disconnected(now);
    let r: Vec<_> = (0..3).map(|_| resume.on_attempt_failed(now, 0.0)).collect();
    assert_eq!(
        r,
        vec![
            Retry {
                attempt: 1,
                delay: Some(Duration::from_millis(100))
            },
            Retry {
                attempt: 2,
                delay: Some(Duration::from_millis(200))
            },
            Retry {
                attempt: 3,
                delay: None
            },
        ]
    );
}

// ---------------------------------------------------------------------------------------
// The bounded queue
// ---------------------------------------------------------------------------------------

fn n(i: i64) -> WatchItem {
    WatchItem::Event(event(i, "c", "kill"))
}

/// A wait longer than any test.
const FOREVER: Duration = Duration::from_secs(3600);

fn describe(item: WatchItem) -> String {
    match item {
        WatchItem::Event(e) => e.time_nano.to_string(),
        WatchItem::Resynced(ResyncReason::ConsumerOverflow { dropped }) => {
            format!("overflow {dropped}")
        }
        other => format!("{other:?}"),
    }
}

/// The next item, waiting at most `wait`: `Ok(None)` at the end, `Err(())` when none
/// came in time. The blocking flavour's way of waiting.
fn recv(q: &Channel<WatchItem>, wait: Duration) -> Result<Option<WatchItem>, ()> {
    use crate::flavour::io::FlavourIo;
    let next = crate::Blocking::timeout(wait, q.recv());
    crate::blocking::block_on(next).ok_or(())
}

fn drain(q: &Channel<WatchItem>) -> Vec<String> {
    let mut out = Vec::new();
    while let Ok(Some(item)) = recv(q, Duration::ZERO) {
        out.push(describe(item));
    }
    out
}

#[test]
fn overflow_is_counted_and_reported_in_place_of_the_dropped_items() {
    let q = Channel::new(3);
    for i in 1..=10 {
        q.push(n(i));
    }
    assert_eq!(drain(&q), ["1", "2", "3", "overflow 7"]);
    q.push(n(11));
    assert_eq!(drain(&q), ["11"]);

    // The marker goes before the first item accepted after the overflow.
    for i in 20..=24 {
        q.push(n(i));
    }
    assert_eq!(describe(recv(&q, FOREVER).unwrap().unwrap()), "20");
    q.push(n(25));
    assert_eq!(drain(&q), ["21", "22", "overflow 2", "25"]);
    assert!(!q.is_finished());
}

#[test]
fn a_stopped_or_closed_queue_ends() {
    let q = Channel::new(2);
    q.push(n(1));
    q.close();
    q.push(n(2));
    assert_eq!(describe(recv(&q, FOREVER).unwrap().unwrap()), "1");
    assert!(matches!(recv(&q, FOREVER), Ok(None)));
    assert!(q.is_finished());

    let q = Channel::new(2);
    q.push(n(1));
    q.stop();
    assert!(q.is_stopped() && q.is_finished());
    assert!(matches!(recv(&q, FOREVER), Ok(None)));
    let wait = {
        use crate::flavour::io::FlavourIo;
        crate::Blocking::timeout(Duration::from_secs(60), q.stopped())
    };
    let start = Instant::now();
    assert!(
        crate::blocking::block_on(wait).is_some() && start.elapsed() < Duration::from_secs(5),
        "a stopped queue does not make its producer wait"
    );

    let q = Channel::<WatchItem>::new(2);
    assert!(matches!(recv(&q, Duration::from_millis(5)), Err(())));
}

#[test]
fn stop_wakes_a_sleeping_producer_and_a_waiting_consumer_at_once() {
    let q = std::sync::Arc::new(Channel::<WatchItem>::new(2));
    // The producer's backoff: a long wait that `stop` ends (`Some`: it ended early).
    let sleeper = {
        let q = q.clone();
        std::thread::spawn(move || {
            use crate::flavour::io::FlavourIo;
            let wait = crate::Blocking::timeout(Duration::from_secs(60), q.stopped());
            crate::blocking::block_on(wait).is_none()
        })
    };
    let waiter = {
        let q = q.clone();
        std::thread::spawn(move || matches!(recv(&q, FOREVER), Ok(None)))
    };
    std::thread::sleep(Duration::from_millis(20));
    let start = Instant::now();
    q.stop();
    assert!(!sleeper.join().unwrap());
    assert!(waiter.join().unwrap());
    assert!(start.elapsed() < Duration::from_secs(5));
}

// ---------------------------------------------------------------------------------------
// The inventory's rules
// ---------------------------------------------------------------------------------------

fn entry(id: &str, name: &str, pid: u64, state: RunState) -> ContainerEntry {
    ContainerEntry {
        id: id.into(),
        name: name.into(),
        image: "bb:latest".into(),
        image_id: "sha256:ab".into(),
        pid,
        state,
        started_at: format!("2026-01-01T00:00:{pid:02}Z"),
        labels: BTreeMap::new(),
    }
}

#[test]
fn events_map_to_inspects_and_removals() {
    let e = |action: &str| event(1, "c1", action);
    assert_eq!(reaction(&e("start")), Reaction::Inspect("c1".into()));
    assert_eq!(reaction(&e("die")), Reaction::Inspect("c1".into()));
    assert_eq!(reaction(&e("pause")), Reaction::Inspect("c1".into()));
    assert_eq!(reaction(&e("unpause")), Reaction::Inspect("c1".into()));
    assert_eq!(reaction(&e("rename")), Reaction::Inspect("c1".into()));
    assert_eq!(reaction(&e("destroy")), Reaction::Forget("c1".into()));
    assert_eq!(reaction(&e("kill")), Reaction::Ignore);
    assert_eq!(reaction(&e("exec_start: sh")), Reaction::Ignore);
    let mut image = e("start");
    image.typ = "image".into();
    assert_eq!(reaction(&image), Reaction::Ignore);
}

#[test]
fn reconcile_emits_what_changed() {
    let mut inv = Inventory::default();
    let a = entry("a", "web", 10, RunState::Running);
    assert_eq!(
        inv.reconcile("a", Some(a.clone())),
        [InventoryChange::Added(a.clone())]
    );
    assert_eq!(inv.reconcile("a", Some(a.clone())), []);
    let paused = ContainerEntry {
        state: RunState::Paused,
        ..a.clone()
    };
    assert_eq!(
        inv.reconcile("a", Some(paused.clone())),
        [InventoryChange::StateChanged {
            id: "a".into(),
            from: RunState::Running,
            to: RunState::Paused
        }]
    );
    let renamed = ContainerEntry {
        name: "api".into(),
        ..paused.clone()
    };
    assert_eq!(
        inv.reconcile("a", Some(renamed.clone())),
        [InventoryChange::Renamed {
            id: "a".into(),
            from: "web".into(),
            to: "api".into()
        }]
    );
    assert_eq!(inv.get("a"), Some(renamed.clone()));
    // A new run (the container restarted between two looks): a new PID for sensors.
    let rerun = entry("a", "api", 11, RunState::Running);
    assert_eq!(
        inv.reconcile("a", Some(rerun.clone())),
        [
            InventoryChange::Removed("a".into(), Some(renamed)),
            InventoryChange::Added(rerun.clone())
        ]
    );
    assert_eq!(
        inv.reconcile("a", None),
        [InventoryChange::Removed("a".into(), Some(rerun))]
    );
    assert_eq!(inv.reconcile("a", None), []);
    assert_eq!(inv.len(), 0);
}

#[test]
fn a_fresh_list_replaces_the_map_and_yields_the_difference() {
    let mut inv = Inventory::default();
    let a = entry("a", "a", 1, RunState::Running);
    let b = entry("b", "b", 2, RunState::Running);
    let c = entry("c", "c", 3, RunState::Running);
    inv.replace([("a".into(), a.clone()), ("b".into(), b.clone())].into());
    let b2 = ContainerEntry {
        state: RunState::Paused,
        ..b.clone()
    };
    let changes = inv.replace([("b".into(), b2.clone()), ("c".into(), c.clone())].into());
    assert_eq!(
        changes,
        [
            InventoryChange::Removed("a".into(), Some(a)),
            InventoryChange::StateChanged {
                id: "b".into(),
                from: RunState::Running,
                to: RunState::Paused
            },
            InventoryChange::Added(c),
        ]
    );
    assert_eq!(inv.ids(), ["b", "c"]);
    assert_eq!(inv.snapshot()["b"], b2);
}

#[test]
fn an_inspect_maps_to_an_entry_only_when_listed() {
    let running: ContainerInspect = serde_json::from_value(serde_json::json!({
        "Id": "1cd7", "Name": "/web", "Image": "sha256:ab",
        "Config": {"Image": "bb:latest", "Labels": {"k": "v"}},
        "State": {"Running": true, "Paused": true, "Pid": 42, "StartedAt": "s"}
    }))
    .unwrap();
    let e = ContainerEntry::from_inspect(&running).unwrap();
    assert_eq!(e.state, RunState::Paused);
    assert_eq!(e.labels["k"], "v");
    assert_eq!(e.image_id, "sha256:ab");
    let exited: ContainerInspect = serde_json::from_value(serde_json::json!({
        "Id": "1cd7", "State": {"Running": false, "Status": "exited"}
    }))
    .unwrap();
    assert_eq!(ContainerEntry::from_inspect(&exited), None);
}

#[test]
fn inventory_options_filter_list_and_events_alike() {
    let o = InventoryOptions::default().label("a=b").label("c");
    let list = o.list_options().query();
    let events = o.events_options(time_of(5_000_000_000)).query();
    assert!(list.as_str().contains("filters="), "{}", list.as_str());
    assert!(
        events.as_str().contains("since=5.000000000"),
        "{}",
        events.as_str()
    );
    let decoded = |q: &str| {
        let f = q
            .split("filters=")
            .nth(1)
            .unwrap()
            .split('&')
            .next()
            .unwrap();
        let mut out = String::new();
        let bytes = f.as_bytes();
        let mut i = 0;
        while i < bytes.len() {
            if bytes[i] == b'%' {
                out.push(u8::from_str_radix(&f[i + 1..i + 3], 16).unwrap() as char);
                i += 3;
            } else {
                out.push(bytes[i] as char);
                i += 1;
            }
        }
        out
    };
    assert_eq!(decoded(list.as_str()), r#"{"label":["a=b","c"]}"#);
    assert_eq!(
        decoded(events.as_str()),
        r#"{"label":["a=b","c"],"type":["container"]}"#
    );
}
