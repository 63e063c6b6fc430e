//! Where custom UI checks and compilations run: on threads of their own with the compiler's
//! large stack (never on the async runtime's threads, whose 2 MiB stacks the compiler's nesting
//! bounds do not fit), at most `--compile-threads` at once, with at most `--compile-queue`
//! waiting. A flood of validations therefore holds a bounded number of threads and stacks, and
//! waits its turn or is refused with 429, while everything else keeps running.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use tokio::sync::{OwnedSemaphorePermit, Semaphore, TryAcquireError, oneshot};

use crate::config::CompilerLimits;
use crate::error::ApiError;

/// The compiler's threads and their queue.
#[derive(Debug)]
pub struct CompileGate {
    running: Arc<Semaphore>,
    waiting: AtomicUsize,
    queue: usize,
}

/// Counts a caller as waiting until dropped (also when its request is abandoned).
struct Waiting<'a>(&'a AtomicUsize);

impl Drop for Waiting<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

impl CompileGate {
    /// A gate with the configured number of threads and queue length.
    pub fn new(limits: &CompilerLimits) -> Self {
        CompileGate {
            running: Arc::new(Semaphore::new(limits.compile_threads.max(1))),
            waiting: AtomicUsize::new(0),
            queue: limits.compile_queue,
        }
    }

    /// Runs `work` on a compiler thread once one is free and returns its result; 429
    /// `rate_limited` when the queue is full.
    pub async fn run<T: Send + 'static>(
        &self,
        work: impl FnOnce() -> T + Send + 'static,
    ) -> Result<T, ApiError> {
        let permit = match Arc::clone(&self.running).try_acquire_owned() {
            Ok(permit) => permit,
            Err(TryAcquireError::Closed) => return Err(closed()),
            Err(TryAcquireError::NoPermits) => {
                if self.waiting.fetch_add(1, Ordering::SeqCst) >= self.queue {
                    self.waiting.fetch_sub(1, Ordering::SeqCst);
                    return Err(ApiError::RateLimited {
                        message: "the custom UI compiler is busy; try again in a moment".into(),
                        retry_after_secs: 1,
                    });
                }
                let _waiting = Waiting(&self.waiting);
                Arc::clone(&self.running).acquire_owned().await.map_err(|_| closed())?
            }
        };
        Self::spawn(permit, work).await
    }

    /// Like [`CompileGate::run`], but waits for a thread however long the queue: for callers
    /// that bound how many of them wait themselves (the sandbox origin's module recompiles).
    pub async fn run_unqueued<T: Send + 'static>(
        &self,
        work: impl FnOnce() -> T + Send + 'static,
    ) -> Result<T, ApiError> {
        let permit = Arc::clone(&self.running).acquire_owned().await.map_err(|_| closed())?;
        Self::spawn(permit, work).await
    }

    async fn spawn<T: Send + 'static>(
        permit: OwnedSemaphorePermit,
        work: impl FnOnce() -> T + Send + 'static,
    ) -> Result<T, ApiError> {
        let (done, result) = oneshot::channel();
        promptdeck_compiler::spawn_compile_thread(move || {
            let value = work();
            // The thread is done with the stack it counts against once the value is out.
            drop(permit);
            let _ = done.send(value);
        })
        .map_err(|e| ApiError::Internal(format!("could not start a compiler thread: {e}")))?;
        result.await.map_err(|_| ApiError::Internal("the compiler thread stopped without an answer".into()))
    }
}

fn closed() -> ApiError {
    ApiError::Internal("the compiler's threads are closed".into())
}

#[cfg(test)]
mod tests {
    use std::sync::mpsc;
    use std::time::Duration;

    use super::*;

    fn gate(threads: usize, queue: usize) -> Arc<CompileGate> {
        Arc::new(CompileGate::new(&CompilerLimits { compile_threads: threads, compile_queue: queue }))
    }

    fn is_busy(result: &Result<u32, ApiError>) -> bool {
        matches!(result, Err(ApiError::RateLimited { retry_after_secs: 1, .. }))
    }

    #[tokio::test]
    async fn past_the_threads_and_the_queue_callers_are_refused_until_a_thread_is_free() {
        let gate = gate(1, 1);
        let (release, blocked) = mpsc::channel::<()>();
        let (started, running) = mpsc::channel::<()>();
        let first = tokio::spawn({
            let gate = Arc::clone(&gate);
            async move {
                gate.run(move || {
                    let _ = started.send(());
                    let _ = blocked.recv();
                    1
                })
                .await
            }
        });
        tokio::task::spawn_blocking(move || running.recv()).await.ok();
        let second = tokio::spawn({
            let gate = Arc::clone(&gate);
            async move { gate.run(|| 2).await }
        });
        while gate.waiting.load(Ordering::SeqCst) == 0 {
            tokio::time::sleep(Duration::from_millis(1)).await;
        }
        assert!(is_busy(&gate.run(|| 3).await), "one running and one waiting fill a gate of 1 + 1");
        let unqueued = tokio::spawn({
            let gate = Arc::clone(&gate);
            async move { gate.run_unqueued(|| 5).await }
        });
        let _ = release.send(());
        assert_eq!(first.await.ok().and_then(Result::ok), Some(1));
        assert_eq!(second.await.ok().and_then(Result::ok), Some(2));
        assert_eq!(unqueued.await.ok().and_then(Result::ok), Some(5), "waits past a full queue");
        assert_eq!(gate.run(|| 4).await.ok(), Some(4));
        assert_eq!(gate.waiting.load(Ordering::SeqCst), 0);
    }

    #[tokio::test]
    async fn the_work_runs_on_a_compiler_thread_with_its_large_stack() {
        let name = gate(1, 0).run(|| std::thread::current().name().map(str::to_owned)).await.ok().flatten();
        assert_eq!(name.as_deref(), Some("promptdeck-compile"));
    }
}
