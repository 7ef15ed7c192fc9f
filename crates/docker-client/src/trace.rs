//! Tracing events of the event watcher (feature `tracing`): each reconnection and each
//! resync, `INFO` under the target `docker_client`. The requests themselves are traced by
//! docker-transport, one span each. Without the feature these functions are empty.
//!
//! An engine's own message (the text of an error status) is never recorded, since it
//! comes from a response body: an error that the engine answered is recorded by its
//! status alone.

use crate::{Error, ResyncReason};

/// The watcher lost its stream, or an attempt to reconnect failed.
#[cfg_attr(not(feature = "tracing"), inline(always))]
pub(crate) fn reconnecting(attempt: u32, error: &Error) {
    #[cfg(feature = "tracing")]
    match error.status_code() {
        Some(status) => tracing::info!(
            target: "docker_client",
            attempt,
            status,
            "event stream: the engine refused the subscription; reconnecting"
        ),
        None => tracing::info!(
            target: "docker_client",
            attempt,
            error = %error,
            "event stream: connection lost; reconnecting"
        ),
    }
    #[cfg(not(feature = "tracing"))]
    let _ = (attempt, error);
}

/// The watcher could not prove that no event was lost: the consumer re-lists.
#[cfg_attr(not(feature = "tracing"), inline(always))]
pub(crate) fn resynced(reason: &ResyncReason) {
    #[cfg(feature = "tracing")]
    tracing::info!(target: "docker_client", reason = %reason, "event stream: resync");
    #[cfg(not(feature = "tracing"))]
    let _ = reason;
}
