//! What becomes of a session after its connection ends: the will, now or after its Will
//! Delay Interval, and the end of the session when its Session Expiry Interval has passed.
//!
//! The will is published at once when its delay is 0 or the session ends with the
//! connection; otherwise it waits in the session and is published when the delay or the
//! session ends, whichever comes first [MQTT-3.1.2-8], unless the client connects again
//! before [MQTT-3.1.3-9]. Each wait is a timer task that checks, when it fires, that the
//! session was not taken up again since (the session's generation).

use std::sync::Arc;
use std::time::Duration;

use tokio_util::sync::CancellationToken;
use tracing::debug;

use super::packet::{ClientId, Will};
use super::session::SessionStore;
use super::state::{Released, State};
use super::{Broker, Stats};

/// Hands the session of a connection that ended back, with the will to publish (`None`
/// when the client disconnected normally).
pub(super) fn release(
    broker: &Arc<Broker>,
    client_id: &ClientId,
    conn_id: u64,
    store: SessionStore,
    session_expiry: u32,
    will: Option<Box<Will>>,
) {
    let (now, later) = match will {
        Some(will) if will.delay > 0 && session_expiry > 0 => (None, Some(will)),
        will => (will, None),
    };
    let mut state = broker.state();
    let released = state.release_session(client_id, conn_id, store, session_expiry, later);
    if let Some(will) = now {
        publish_will(broker, &mut state, client_id, *will);
    }
    drop(state);
    start_timers(broker, client_id, released);
}

/// Starts the timers a session left offline needs: its will's delay, and its end.
pub(super) fn start_timers(broker: &Arc<Broker>, client_id: &ClientId, released: Released) {
    let generation = released.generation;
    if let Some(delay) = released.will_in {
        // A will whose delay outlasts the session goes with the session's end below.
        if released.expires_in.is_none_or(|expiry| delay < expiry) {
            let (broker, id) = (broker.clone(), client_id.clone());
            let stop = (broker.shutdown.clone(), released.timers.clone());
            after(stop, delay, move || {
                let mut state = broker.state();
                if let Some(will) = state.take_due_will(&id, generation) {
                    publish_will(&broker, &mut state, &id, *will);
                }
            });
        }
    }
    if let Some(expiry) = released.expires_in {
        let (broker, id) = (broker.clone(), client_id.clone());
        let stop = (broker.shutdown.clone(), released.timers);
        after(stop, expiry, move || {
            let mut state = broker.state();
            let ended = state.expire_session(&id, generation);
            debug!("{id}: session expired after {expiry}s");
            if let Some(will) = ended {
                publish_will(&broker, &mut state, &id, *will);
            }
        });
    }
}

/// Runs `job` after `seconds`, unless the broker shuts down or the session's timers are
/// cancelled first (`stop`: the broker's shutdown, the session's timers).
fn after(
    (shutdown, timers): (CancellationToken, CancellationToken),
    seconds: u32,
    job: impl FnOnce() + Send + 'static,
) {
    // Due already (a session read back from the store whose time ran out while the
    // broker was down): now, before any client can connect.
    if seconds == 0 {
        job();
        return;
    }
    tokio::spawn(async move {
        tokio::select! {
            () = tokio::time::sleep(Duration::from_secs(u64::from(seconds))) => job(),
            () = shutdown.cancelled() => {}
            () = timers.cancelled() => {}
        }
    });
}

/// Publishes a will, its Message Expiry Interval starting now.
fn publish_will(broker: &Broker, state: &mut State, client_id: &ClientId, will: Will) {
    debug!("{client_id}: publishing will on {}", will.message.topic);
    let published = state.publish(&will.into_message());
    Stats::add(&broker.stats.messages_dropped, published.dropped);
}
