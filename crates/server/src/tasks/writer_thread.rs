//! Where the record writers (task starts, partial-text flushes, finishes) run. On SQLite they
//! get a thread of their own, with a single-threaded runtime: each batch they write is a few
//! statements, each a round trip to sqlx's connection thread, and on the server's runtime the
//! writer's wake-up after each one waited behind every task ready to run — a thousand streams
//! ticking together made a batch of 256 finishes take 17–60 ms instead of 8. On their own
//! thread the kernel wakes them when the statement is done. On PostgreSQL the writers stay on
//! the server's runtime: its connections are sockets of that runtime's I/O driver, shared by the
//! whole pool.

use std::future::Future;
use std::sync::Arc;

use tokio::runtime::{Builder, Handle};
use tokio::sync::oneshot;

/// The runtime the record writers are spawned on; a thread of their own (SQLite) ends when the
/// last clone of this is dropped (the server's state), once what its writers were doing is done
/// or dropped with it.
#[derive(Debug, Clone)]
pub struct WriterThread {
    handle: Handle,
    _stop: Option<Arc<oneshot::Sender<()>>>,
}

impl WriterThread {
    /// A thread of its own when `own_thread`, else the current runtime (also when the thread
    /// cannot be started: the writers then only lose their head start, with a warning).
    pub fn start(own_thread: bool) -> WriterThread {
        let current = || WriterThread { handle: Handle::current(), _stop: None };
        if !own_thread {
            return current();
        }
        let (stop, stopped) = oneshot::channel::<()>();
        let (ready, handle) = std::sync::mpsc::sync_channel(1);
        let spawned = std::thread::Builder::new().name("promptdeck-records".into()).spawn(move || {
            let runtime = match Builder::new_current_thread().enable_all().build() {
                Ok(runtime) => runtime,
                Err(e) => {
                    let _ = ready.send(Err(e));
                    return;
                }
            };
            let _ = ready.send(Ok(runtime.handle().clone()));
            // Runs the writers until the server's state is gone.
            runtime.block_on(async {
                let _ = stopped.await;
            });
        });
        let started = spawned.map_err(|e| e.to_string()).and_then(|_| match handle.recv() {
            Ok(Ok(handle)) => Ok(handle),
            Ok(Err(e)) => Err(e.to_string()),
            Err(e) => Err(e.to_string()),
        });
        match started {
            Ok(handle) => WriterThread { handle, _stop: Some(Arc::new(stop)) },
            Err(e) => {
                tracing::warn!(error = %e, "the record writers' thread did not start; they run on the server's runtime");
                current()
            }
        }
    }

    /// Runs a writer here.
    pub fn spawn(&self, writer: impl Future<Output = ()> + Send + 'static) {
        self.handle.spawn(writer);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn writers_run_on_their_own_thread_until_the_last_clone_is_dropped() {
        let writers = WriterThread::start(true);
        let (tx, rx) = oneshot::channel();
        writers.spawn(async move {
            let _ = tx.send(std::thread::current().name().map(str::to_owned));
        });
        assert_eq!(rx.await.unwrap().as_deref(), Some("promptdeck-records"));

        // A writer still waiting when the state goes is dropped with the thread's runtime.
        let (keep, gone) = oneshot::channel::<()>();
        writers.spawn(async move {
            std::future::pending::<()>().await;
            drop(keep);
        });
        let clone = writers.clone();
        drop(writers);
        drop(clone);
        assert!(gone.await.is_err(), "the waiting writer was dropped");
    }

    #[tokio::test]
    async fn without_a_thread_writers_run_on_the_current_runtime() {
        let writers = WriterThread::start(false);
        let (tx, rx) = oneshot::channel();
        writers.spawn(async move {
            let _ = tx.send(std::thread::current().name().map(str::to_owned));
        });
        assert_ne!(rx.await.unwrap().as_deref(), Some("promptdeck-records"));
    }
}
