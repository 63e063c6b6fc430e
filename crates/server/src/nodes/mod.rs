//! Several nodes behind one load balancer, on one PostgreSQL database and one Redis: the Redis
//! connection (`connect`), each task's event log as a Redis Stream (`log`), the cancel channel
//! (`cancel`), node liveness with the reaper of dead nodes' tasks (`liveness`), and the rate
//! limits and task caps every node counts together (`limits`), and revoked sessions' sockets
//! disconnected on every node (`sessions`, over `pubsub`). A single node
//! (no `--redis-url`) uses none of this.

pub mod cancel;
pub mod limits;
pub mod liveness;
pub mod log;
pub mod pubsub;
pub mod sessions;

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use redis::aio::ConnectionManager;
use uuid::Uuid;

/// The oldest Redis major version promptdeck runs on (Streams with explicit ids, RESP3).
pub const MIN_REDIS_MAJOR: u32 = 7;

/// How long connecting to Redis may take.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
/// How often a node checks that Redis answers (see [`Redis::is_answering`]).
pub const PING_PERIOD: Duration = Duration::from_secs(1);
/// How long a node waits for that check's answer.
const PING_WAIT: Duration = Duration::from_secs(1);
/// How long a command on the shared connection may wait for its answer (a loaded Redis answers
/// a batch in milliseconds; past this the command fails and is retried).
const RESPONSE_TIMEOUT: Duration = Duration::from_secs(5);

/// Why a node could not join the others.
#[derive(Debug, thiserror::Error)]
pub enum NodesError {
    /// Several nodes keep their records in one database every node shares.
    #[error(
        "--redis-url needs a PostgreSQL database (--database postgres://…): the nodes of one deployment \
         share their records in one database, and a SQLite file lives on one machine"
    )]
    NeedsPostgres,
    /// The Redis URL does not parse.
    #[error("--redis-url is not a Redis URL (redis://HOST:PORT/DB): {0}")]
    BadUrl(redis::RedisError),
    /// Redis did not answer, or refused a command.
    #[error("Redis (--redis-url): {0}")]
    Redis(#[from] redis::RedisError),
    /// Redis is older than [`MIN_REDIS_MAJOR`].
    #[error("Redis {0} is too old: promptdeck needs Redis {MIN_REDIS_MAJOR} or newer")]
    TooOld(String),
}

/// This node's handle on the shared Redis: a self-reconnecting multiplexed connection for
/// commands, and the client for the connections that block (stream reads, pub/sub).
#[derive(Clone)]
pub struct Redis {
    client: redis::Client,
    conn: ConnectionManager,
    /// Redis answered this node's last check or write (see [`Redis::is_answering`]).
    answering: Arc<AtomicBool>,
    /// This node's id, fresh at every start; tasks carry it so the reaper knows whose they are.
    pub node_id: Uuid,
}

impl std::fmt::Debug for Redis {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Redis").field("node_id", &self.node_id).finish_non_exhaustive()
    }
}

impl Redis {
    /// Connects to `url` and checks the server is Redis 7 or newer.
    pub async fn connect(url: &str) -> Result<Redis, NodesError> {
        let client = redis::Client::open(url).map_err(NodesError::BadUrl)?;
        let config = redis::aio::ConnectionManagerConfig::new()
            .set_connection_timeout(Some(CONNECT_TIMEOUT))
            .set_response_timeout(Some(RESPONSE_TIMEOUT));
        let mut conn = client.get_connection_manager_with_config(config).await?;
        let info: String = redis::cmd("INFO").arg("server").query_async(&mut conn).await?;
        let version = info
            .lines()
            .find_map(|l| l.strip_prefix("redis_version:"))
            .map(str::trim)
            .unwrap_or("unknown")
            .to_owned();
        let major = version.split('.').next().and_then(|m| m.parse::<u32>().ok()).unwrap_or(0);
        if major < MIN_REDIS_MAJOR {
            return Err(NodesError::TooOld(version));
        }
        Ok(Redis { client, conn, answering: Arc::new(AtomicBool::new(true)), node_id: Uuid::new_v4() })
    }

    /// The shared command connection (cheap to clone; reconnects by itself).
    pub fn conn(&self) -> ConnectionManager {
        self.conn.clone()
    }

    /// A connection of its own, for commands that block (`XREAD BLOCK`): no response timeout
    /// (the blocking commands carry their own).
    pub async fn dedicated(&self) -> redis::RedisResult<redis::aio::MultiplexedConnection> {
        let config = redis::AsyncConnectionConfig::new()
            .set_connection_timeout(Some(CONNECT_TIMEOUT))
            .set_response_timeout(None);
        self.client.get_multiplexed_async_connection_with_config(&config).await
    }

    /// The client, for pub/sub.
    pub fn client(&self) -> &redis::Client {
        &self.client
    }

    /// Checks Redis answers (for `/healthz`), and notes the answer.
    pub async fn ping(&self) -> redis::RedisResult<()> {
        let mut conn = self.conn();
        let answer =
            match tokio::time::timeout(PING_WAIT, redis::cmd("PING").query_async::<()>(&mut conn)).await {
                Ok(answer) => answer,
                Err(_) => {
                    Err(redis::RedisError::from((redis::ErrorKind::Io, "Redis did not answer PING in time")))
                }
            };
        self.note_answer(answer.is_ok());
        answer
    }

    /// Whether Redis answered this node's last check or write: new tasks are refused with
    /// `unavailable` while it does not (their events could reach no follower on another node),
    /// and taken again as soon as it answers. Checked every [`PING_PERIOD`].
    pub fn is_answering(&self) -> bool {
        self.answering.load(Ordering::Acquire)
    }

    /// Records whether Redis just answered (a check, or the log writer's batch); a change is
    /// logged once.
    pub fn note_answer(&self, answered: bool) {
        if self.answering.swap(answered, Ordering::AcqRel) != answered {
            if answered {
                tracing::info!("Redis answers again: taking new tasks");
            } else {
                tracing::warn!("Redis is not answering: new tasks are refused with `unavailable`");
            }
        }
    }
}
