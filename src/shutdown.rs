//! The one shutdown signal of the crate: every long-running command (broker, sub, status,
//! sim, demo, bench) stops on Ctrl-C (SIGINT) or SIGTERM alike.

use std::future::Future;

use tokio_util::sync::CancellationToken;

/// Completes on Ctrl-C (SIGINT), or SIGTERM on Unix. The handlers are installed by this call,
/// not when the future is first polled, so a signal that comes early is not missed.
pub fn signal() -> impl Future<Output = ()> {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        let handlers = signal(SignalKind::interrupt())
            .and_then(|int| Ok((int, signal(SignalKind::terminate())?)));
        async move {
            match handlers {
                Ok((mut int, mut term)) => {
                    tokio::select! {
                        _ = int.recv() => {}
                        _ = term.recv() => {}
                    }
                }
                Err(_) => {
                    let _ = tokio::signal::ctrl_c().await;
                }
            }
        }
    }
    #[cfg(not(unix))]
    async {
        let _ = tokio::signal::ctrl_c().await;
    }
}

/// A token cancelled when [`signal`] completes, for the many tasks of one run; call it
/// inside the runtime.
pub fn token() -> CancellationToken {
    let token = CancellationToken::new();
    let on_signal = token.clone();
    let signal = signal();
    tokio::spawn(async move {
        signal.await;
        on_signal.cancel();
    });
    token
}
