//! Password hashing with bounded memory. argon2id needs 19 MiB per hash, so hashes run on a fixed
//! set of dedicated threads, one hash per thread at a time; a request waits in a fair queue for a
//! free thread, at most a configured time, and is otherwise refused. A fixed set of threads also
//! keeps the allocator's per-thread arenas to that set, so what a flood allocates stays bounded in
//! RSS after it ends (hashing on tokio's blocking pool could grow to 512 threads, each keeping its
//! own arena).

use std::panic::AssertUnwindSafe;
use std::sync::mpsc::{Receiver, SyncSender, TrySendError};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

use argon2::password_hash::phc::PasswordHash;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use argon2::{Argon2, Params};
use rand::RngCore;
use tokio::sync::{Semaphore, oneshot};

use crate::config::HashCost;

type Job = Box<dyn FnOnce() + Send>;

/// Why a hash was not computed.
#[derive(Debug, thiserror::Error)]
pub enum HashError {
    /// Every hashing thread stayed busy for the whole wait.
    #[error("the server is busy checking passwords; try again shortly")]
    Busy,
    /// The hash itself failed (a malformed stored hash), or a hashing thread is gone.
    #[error("password hashing failed: {0}")]
    Failed(String),
}

/// The hashing threads and the queue in front of them. Cheap to share behind an `Arc`.
pub struct HashPool {
    slots: Arc<Semaphore>,
    jobs: SyncSender<Job>,
    wait: Duration,
    /// The parameters new hashes are made with.
    params: Params,
    /// A hash of a random password, checked when an email has no account, so that answer costs
    /// what a real check costs.
    decoy: Arc<OnceLock<Result<String, String>>>,
}

impl HashPool {
    /// Starts `threads` hashing threads (at least one); a request waits at most `wait` for one;
    /// new hashes cost `cost`.
    pub fn start(threads: usize, wait: Duration, cost: HashCost) -> std::io::Result<HashPool> {
        let threads = threads.max(1);
        let (jobs, queue) = std::sync::mpsc::sync_channel::<Job>(threads);
        let queue = Arc::new(Mutex::new(queue));
        for i in 0..threads {
            let queue = queue.clone();
            std::thread::Builder::new().name(format!("pd-hash-{i}")).spawn(move || work(&queue))?;
        }
        let params = params(cost);
        Ok(HashPool { slots: Arc::new(Semaphore::new(threads)), jobs, wait, params, decoy: Arc::default() })
    }

    /// Runs `job` on a hashing thread once one is free (waiting at most the configured time).
    pub async fn run<T: Send + 'static>(
        &self,
        job: impl FnOnce() -> T + Send + 'static,
    ) -> Result<T, HashError> {
        let slot = tokio::time::timeout(self.wait, self.slots.clone().acquire_owned())
            .await
            .map_err(|_| HashError::Busy)?
            .map_err(|_| HashError::Failed("the hashing pool is closed".into()))?;
        let (done, answer) = oneshot::channel();
        let job: Job = Box::new(move || {
            let _ = done.send(job());
        });
        // A held slot guarantees room: the queue holds as many jobs as there are slots.
        self.jobs.try_send(job).map_err(|e| match e {
            TrySendError::Full(_) => HashError::Failed("the hashing queue is full".into()),
            TrySendError::Disconnected(_) => HashError::Failed("the hashing threads are gone".into()),
        })?;
        let out = answer.await.map_err(|_| HashError::Failed("a hashing job did not finish".into()));
        drop(slot);
        out
    }

    /// Hashes a new password (argon2id, random salt) into its PHC string.
    pub async fn hash(&self, password: String) -> Result<String, HashError> {
        let params = self.params.clone();
        self.run(move || hash_phc(&password, params)).await?.map_err(HashError::Failed)
    }

    /// Runs `check` and, when it passes, hashes the password, in one turn on a hashing thread.
    /// For sign-up: the strength check is CPU work of its own, bounded the same way.
    pub async fn check_and_hash<E: Send + 'static>(
        &self,
        password: String,
        check: impl FnOnce(&str) -> Result<(), E> + Send + 'static,
    ) -> Result<Result<String, E>, HashError> {
        let params = self.params.clone();
        let hashed = self
            .run(move || match check(&password) {
                Ok(()) => Ok(hash_phc(&password, params)),
                Err(e) => Err(e),
            })
            .await?;
        match hashed {
            Ok(Ok(phc)) => Ok(Ok(phc)),
            Ok(Err(e)) => Err(HashError::Failed(e)),
            Err(refused) => Ok(Err(refused)),
        }
    }

    /// Whether `password` matches the stored hash; with no stored hash (no such account) a decoy
    /// hash is checked instead and the answer is false, at the same cost.
    pub async fn verify(&self, password: String, stored: Option<String>) -> Result<bool, HashError> {
        let (decoy, params) = (self.decoy.clone(), self.params.clone());
        self.run(move || match stored {
            Some(hash) => verify_phc(&password, &hash),
            None => {
                let decoy = decoy.get_or_init(|| hash_phc(&random_password(), params));
                decoy.as_deref().map_err(Clone::clone).and_then(|h| verify_phc(&password, h)).map(|_| false)
            }
        })
        .await?
        .map_err(HashError::Failed)
    }
}

/// A hashing thread: runs jobs until the pool is dropped; a job that panics is dropped (its
/// caller sees `Failed`), the thread goes on.
fn work(queue: &Mutex<Receiver<Job>>) {
    loop {
        let job = match queue.lock() {
            Ok(queue) => queue.recv(),
            Err(poisoned) => poisoned.into_inner().recv(),
        };
        let Ok(job) = job else { return };
        let _ = std::panic::catch_unwind(AssertUnwindSafe(job));
    }
}

/// The argon2id parameters of `cost`.
fn params(cost: HashCost) -> Params {
    match cost {
        HashCost::Standard => Params::default(),
        HashCost::InsecureForTests => {
            Params::new(Params::MIN_M_COST, Params::MIN_T_COST, 1, None).unwrap_or_default()
        }
    }
}

fn hash_phc(password: &str, params: Params) -> Result<String, String> {
    let mut salt = [0u8; 16];
    rand::rng().fill_bytes(&mut salt);
    Argon2::from(params)
        .hash_password_with_salt(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| e.to_string())
}

fn verify_phc(password: &str, hash: &str) -> Result<bool, String> {
    let parsed = PasswordHash::new(hash).map_err(|e| e.to_string())?;
    Ok(Argon2::default().verify_password(password.as_bytes(), &parsed).is_ok())
}

fn random_password() -> String {
    let mut bytes = [0u8; 24];
    rand::rng().fill_bytes(&mut bytes);
    hex::encode(bytes)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[tokio::test]
    async fn a_hash_verifies_its_password_and_no_other() {
        let pool = HashPool::start(1, Duration::from_secs(30), HashCost::Standard).unwrap();
        let hash = pool.hash("a password".into()).await.unwrap();
        assert!(hash.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{hash}");
        assert!(pool.verify("a password".into(), Some(hash.clone())).await.unwrap());
        assert!(!pool.verify("another".into(), Some(hash)).await.unwrap());
        assert!(!pool.verify("a password".into(), None).await.unwrap());
    }

    #[tokio::test]
    async fn hashes_are_checked_with_their_own_parameters_whatever_the_pool_makes() {
        let standard = HashPool::start(1, Duration::from_secs(30), HashCost::Standard).unwrap();
        let cheap = HashPool::start(1, Duration::from_secs(30), HashCost::InsecureForTests).unwrap();
        let cheap_hash = cheap.hash("a password".into()).await.unwrap();
        assert!(cheap_hash.starts_with("$argon2id$v=19$m=8,t=1,p=1$"), "{cheap_hash}");
        let standard_hash = standard.hash("a password".into()).await.unwrap();
        assert!(standard.verify("a password".into(), Some(cheap_hash.clone())).await.unwrap());
        assert!(cheap.verify("a password".into(), Some(standard_hash)).await.unwrap());
        assert!(!standard.verify("another".into(), Some(cheap_hash)).await.unwrap());
        assert!(!cheap.verify("a password".into(), None).await.unwrap());
    }

    #[tokio::test]
    async fn a_request_that_finds_every_thread_busy_past_the_wait_is_refused() {
        let pool = Arc::new(HashPool::start(1, Duration::from_millis(50), HashCost::Standard).unwrap());
        let (release, blocked) = std::sync::mpsc::channel::<()>();
        let holder = {
            let pool = pool.clone();
            tokio::spawn(async move { pool.run(move || blocked.recv().is_ok()).await })
        };
        tokio::task::yield_now().await;
        while pool.slots.available_permits() > 0 {
            tokio::task::yield_now().await;
        }
        assert!(matches!(pool.run(|| ()).await, Err(HashError::Busy)));
        release.send(()).unwrap();
        assert!(holder.await.unwrap().unwrap());
        pool.run(|| ()).await.unwrap();
    }
}
