//! Where the compiler runs: on a thread whose stack fits the bounds of `crate::limits`
//! ([`COMPILE_STACK_BYTES`]), whatever thread calls it. oxc recurses once per level of nesting,
//! and the stacks of async runtimes' threads (2 MiB under tokio) are far too small for the
//! nesting the bounds allow.

use std::cell::Cell;
use std::io;
use std::thread::{Builder, JoinHandle};

use crate::limits::COMPILE_STACK_BYTES;

thread_local! {
    /// Whether this thread was started with [`COMPILE_STACK_BYTES`] of stack.
    static ON_COMPILE_STACK: Cell<bool> = const { Cell::new(false) };
}

fn builder() -> Builder {
    Builder::new().name("promptdeck-compile".to_owned()).stack_size(COMPILE_STACK_BYTES)
}

/// Runs `work` with [`COMPILE_STACK_BYTES`] of stack: right here on a thread from [`spawn`],
/// else on a new thread, waiting for it. `Err` when the thread cannot be started, or when
/// `work` panics.
pub(crate) fn run<T: Send>(work: impl FnOnce() -> T + Send) -> io::Result<T> {
    if ON_COMPILE_STACK.get() {
        return Ok(work());
    }
    std::thread::scope(|scope| {
        let handle = builder().spawn_scoped(scope, || {
            ON_COMPILE_STACK.set(true);
            work()
        })?;
        handle.join().map_err(|_| io::Error::other("the compiler thread panicked"))
    })
}

/// Starts a thread with the compiler's stack ([`COMPILE_STACK_BYTES`]) running `work`; the
/// checks and compilations `work` does run on it directly, without a thread of their own.
/// For callers that must not block (a server hands the result back through a channel) and
/// bound how many run at once themselves.
pub fn spawn<T: Send + 'static>(work: impl FnOnce() -> T + Send + 'static) -> io::Result<JoinHandle<T>> {
    builder().spawn(move || {
        ON_COMPILE_STACK.set(true);
        work()
    })
}

#[cfg(test)]
mod tests {
    use std::hint::black_box;
    use std::thread;

    use super::*;

    /// Recurses `depth` times with a kilobyte frame.
    fn deep(depth: usize) -> usize {
        let frame = black_box([1u8; 1024]);
        if depth == 0 { usize::from(frame[0]) } else { deep(depth - 1) + usize::from(frame[depth % 1024]) }
    }

    #[test]
    fn work_runs_once_on_a_compile_thread_with_the_whole_stack() {
        let (outer, inner) = run(|| (thread::current().id(), run(|| thread::current().id()).ok()))
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(Some(outer), inner, "nested work runs on the same thread");
        assert_ne!(outer, thread::current().id());
        // 32 MiB of frames: far past the 2 MiB of a runtime thread.
        assert_eq!(run(|| deep(32 * 1024)).ok(), Some(32 * 1024 + 1));
        let spawned = spawn(|| run(|| deep(32 * 1024)).ok()).ok().and_then(|h| h.join().ok());
        assert_eq!(spawned, Some(Some(32 * 1024 + 1)));
    }
}
