//! What recording a task costs SQLite's single writer, apart from everything else a server does
//! at the same time: batches of task starts (`start_new_tasks`) and of their finishes
//! (`finish_tasks`), as the server's queues write them under a burst, into tables that grow to
//! `ROUNDS × BATCH` tasks. The figure is the process's CPU time (all threads: sqlx runs each
//! SQLite connection on a thread of its own) per task, and the wall time per batch. The streaming
//! benchmark (`bench/streaming`) measures the same writes end to end, but there they share two
//! cores with the sockets and the load generator, and its figures move with the machine's other
//! load much more than these do.
//!
//! Two ways of making ids are compared: time-ordered (UUIDv7, as the server makes run and task
//! ids, see `promptdeck_core::ids`) and random (UUIDv4, as a client that chooses its own
//! `taskId` may send). `--old-indexes` adds back the `ai_tasks` indexes that migration 0013
//! dropped or made partial, to show what they cost.
//!
//! `cargo bench -p promptdeck-store --bench task_records [-- --old-indexes]`

#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::time::{Duration, Instant};

use promptdeck_core::ids;
use promptdeck_store::{Store, TaskFinish, TaskStart};
use promptdeck_testdb::records;
use sqlx::{Connection, SqliteConnection};
use uuid::Uuid;

/// Tasks per batch: what the start and finish queues write together in a burst.
const BATCH: usize = 500;
/// Batches of each kind per variant.
const ROUNDS: usize = 20;

/// The indexes migration 0013 dropped or made partial, as they were.
const OLD_INDEXES: &str = "CREATE INDEX old_ai_tasks_user_id ON ai_tasks(user_id); \
     CREATE INDEX old_ai_tasks_custom_ui ON ai_tasks(custom_ui_id, created_at); \
     CREATE INDEX old_ai_tasks_embed ON ai_tasks(embed_id, created_at);";

#[derive(Clone, Copy)]
enum Ids {
    TimeOrdered,
    Random,
}

impl Ids {
    fn make(self) -> Uuid {
        match self {
            Ids::TimeOrdered => ids::record_id(),
            Ids::Random => Uuid::new_v4(),
        }
    }

    fn name(self) -> &'static str {
        match self {
            Ids::TimeOrdered => "time-ordered (v7)",
            Ids::Random => "random (v4)",
        }
    }
}

/// CPU time of the process's live threads so far, in nanoseconds (`/proc/self/task/*/schedstat`,
/// which the scheduler keeps exactly, unlike `/proc/self/stat`'s 10 ms ticks).
fn process_cpu() -> Duration {
    let mut total = 0u64;
    for thread in std::fs::read_dir("/proc/self/task").unwrap().flatten() {
        // A thread that ended since the listing has no file any more: it is not counted.
        if let Ok(stat) = std::fs::read_to_string(thread.path().join("schedstat")) {
            total += stat.split_whitespace().next().and_then(|ns| ns.parse::<u64>().ok()).unwrap_or(0);
        }
    }
    Duration::from_nanos(total)
}

/// A start as the server records it, its run and task ids made by `ids`.
fn start(ids: Ids, question: &str) -> TaskStart {
    TaskStart { run_id: ids.make(), ..records::start(question, &ids.make().to_string()) }
}

struct Figures {
    start_cpu: Duration,
    finish_cpu: Duration,
    start_wall: Duration,
    finish_wall: Duration,
}

async fn measure(ids: Ids, old_indexes: bool) -> Figures {
    let dir = std::env::temp_dir().join(format!("promptdeck-task-records-{}", Uuid::new_v4()));
    std::fs::create_dir_all(&dir).unwrap();
    let url = format!("sqlite://{}/db.sqlite", dir.display());
    let store = Store::connect(&url).await.unwrap();
    if old_indexes {
        let mut conn = SqliteConnection::connect(&url).await.unwrap();
        sqlx::raw_sql(OLD_INDEXES).execute(&mut conn).await.unwrap();
    }
    let user = store.create_user("bench@example.com", "a hash").await.unwrap().id;
    let mut figures = Figures {
        start_cpu: Duration::ZERO,
        finish_cpu: Duration::ZERO,
        start_wall: Duration::ZERO,
        finish_wall: Duration::ZERO,
    };
    for round in 0..ROUNDS {
        let starts: Vec<TaskStart> =
            (0..BATCH).map(|i| start(ids, &format!("question {round}.{i}"))).collect();
        let refs: Vec<(Uuid, &TaskStart)> = starts.iter().map(|s| (user, s)).collect();
        let finishes: Vec<TaskFinish> =
            starts.iter().map(|s| records::finish(user, s, "w1 w2 w3 w4 w5 w6 w7 w8 w9 w10 ")).collect();

        let (cpu, wall) = (process_cpu(), Instant::now());
        let started = store.start_new_tasks(&refs).await.unwrap();
        figures.start_cpu += process_cpu() - cpu;
        figures.start_wall += wall.elapsed();
        assert!(started.iter().all(Result::is_ok));

        let (cpu, wall) = (process_cpu(), Instant::now());
        let finished = store.finish_tasks(&finishes).await.unwrap();
        figures.finish_cpu += process_cpu() - cpu;
        figures.finish_wall += wall.elapsed();
        assert!(finished.iter().all(|f| f.run.is_ok()));
    }
    drop(store);
    std::fs::remove_dir_all(&dir).ok();
    figures
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let old_indexes = std::env::args().any(|a| a == "--old-indexes");
    let tasks = (ROUNDS * BATCH) as f64;
    let indexes =
        if old_indexes { "ai_tasks indexes before migration 0013" } else { "current ai_tasks indexes" };
    println!("SQLite, {ROUNDS} batches of {BATCH} starts and {BATCH} finishes, {indexes}");
    println!(
        "| ids | start CPU µs/task | finish CPU µs/task | start batch ms (wall) | finish batch ms (wall) |"
    );
    println!("|---|---|---|---|---|");
    // Each variant twice, interleaved, so that a slow moment of the machine shows as a spread.
    for _ in 0..2 {
        for ids in [Ids::TimeOrdered, Ids::Random] {
            let f = measure(ids, old_indexes).await;
            let per_task = |d: Duration| d.as_secs_f64() * 1e6 / tasks;
            let per_batch = |d: Duration| d.as_secs_f64() * 1e3 / ROUNDS as f64;
            println!(
                "| {} | {:.1} | {:.1} | {:.1} | {:.1} |",
                ids.name(),
                per_task(f.start_cpu),
                per_task(f.finish_cpu),
                per_batch(f.start_wall),
                per_batch(f.finish_wall),
            );
        }
    }
}
