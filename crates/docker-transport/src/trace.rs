//! Tracing of requests (feature `tracing`): one span per request, opened when the request
//! is encoded and closed when its exchange ends, with the method, the path, the names of
//! the query's parameters (never their values), whether the connection was reused, the
//! status, the body bytes received, the duration and how it ended.
//!
//! Without the feature, [`RequestSpan`] is a zero-sized type whose methods are empty, so
//! the exchange's calls to it compile to nothing. With it, the span is `DEBUG` under the
//! target `docker_transport`, and costs one check of the subscriber's interest when no
//! subscriber wants it.
//!
//! **Invariant:** nothing that a caller or an engine may put in a body or a header reaches
//! a span: headers (`X-Registry-Auth`, `Authorization`) and bodies, in both directions, are
//! never recorded, nor are query values (filters may carry label values). The durations
//! come from the `now` the flavour gives the exchange, like every other timing.

/// How an exchange ended, for the span's `outcome` field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Outcome {
    /// The response ended.
    End,
    /// The connection was upgraded (hijacked): the span ends at the upgrade.
    Upgraded,
    /// The exchange failed: a timeout, a peer fault, an IO error, a cap.
    Failed,
    /// The response was dropped before its end.
    Dropped,
}

#[cfg(feature = "tracing")]
mod on {
    use std::fmt;
    use std::time::Instant;

    use docker_wire::Method;
    use tracing::field::Empty;

    use super::Outcome;

    /// The span of one request.
    #[derive(Debug)]
    pub(crate) struct RequestSpan {
        span: tracing::Span,
        started: Instant,
        bytes: u64,
        open: bool,
    }

    /// The names of a query's parameters, without their values: `all&filters`.
    struct QueryNames<'a>(&'a str);

    impl fmt::Display for QueryNames<'_> {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            for (i, pair) in self.0.split('&').filter(|p| !p.is_empty()).enumerate() {
                if i > 0 {
                    f.write_str("&")?;
                }
                f.write_str(pair.split('=').next().unwrap_or_default())?;
            }
            Ok(())
        }
    }

    impl RequestSpan {
        pub(crate) fn start(method: Method, target: &str, reused: bool, now: Instant) -> Self {
            let (path, query) = target.split_once('?').unwrap_or((target, ""));
            let span = tracing::debug_span!(
                target: "docker_transport",
                "request",
                method = method.as_str(),
                path,
                query = %QueryNames(query),
                reused,
                status = Empty,
                bytes = Empty,
                duration_us = Empty,
                outcome = Empty,
            );
            RequestSpan {
                span,
                started: now,
                bytes: 0,
                open: true,
            }
        }

        pub(crate) fn head(&mut self, status: u16) {
            self.span.record("status", status);
        }

        pub(crate) fn body(&mut self, n: usize) {
            self.bytes += n as u64;
        }

        pub(crate) fn finish(&mut self, outcome: Outcome, now: Instant) {
            if !std::mem::take(&mut self.open) {
                return;
            }
            let micros = now.saturating_duration_since(self.started).as_micros();
            let outcome = match outcome {
                Outcome::End => "end",
                Outcome::Upgraded => "upgraded",
                Outcome::Failed => "failed",
                Outcome::Dropped => "dropped",
            };
            self.span.record("bytes", self.bytes);
            self.span
                .record("duration_us", u64::try_from(micros).unwrap_or(u64::MAX));
            self.span.record("outcome", outcome);
        }
    }

    /// The stale-connection retry: the pooled connection was closed by the engine, and the
    /// request goes again on a new one.
    pub(crate) fn retry(method: Method, target: &str) {
        let path = target.split_once('?').map_or(target, |(path, _)| path);
        tracing::debug!(
            target: "docker_transport",
            method = method.as_str(),
            path,
            "the pooled connection was stale; sending again on a new connection"
        );
    }
}

#[cfg(not(feature = "tracing"))]
mod off {
    use std::time::Instant;

    use docker_wire::Method;

    use super::Outcome;

    /// Nothing: tracing is off.
    #[derive(Debug)]
    pub(crate) struct RequestSpan;

    impl RequestSpan {
        #[inline(always)]
        pub(crate) fn start(_: Method, _: &str, _: bool, _: Instant) -> Self {
            RequestSpan
        }

        #[inline(always)]
        pub(crate) fn head(&mut self, _: u16) {}

        #[inline(always)]
        pub(crate) fn body(&mut self, _: usize) {}

        #[inline(always)]
        pub(crate) fn finish(&mut self, _: Outcome, _: Instant) {}
    }

    #[inline(always)]
    pub(crate) fn retry(_: Method, _: &str) {}
}

#[cfg(not(feature = "tracing"))]
pub(crate) use off::{retry, RequestSpan};
#[cfg(feature = "tracing")]
pub(crate) use on::{retry, RequestSpan};
