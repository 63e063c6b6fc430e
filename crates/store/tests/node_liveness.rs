//! Several nodes on one PostgreSQL database: tasks record the node that starts them, a reaper
//! fails only the unfinished tasks of nodes whose heartbeat went stale (each once), and the dead
//! node's late writes cannot overwrite the reaper's result. Runs when `PROMPTDECK_TEST_POSTGRES`
//! is set (CI sets it); liveness is a PostgreSQL-only matter.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::time::Duration;

use promptdeck_core::TaskStatus;
use promptdeck_store::{Reaped, Store, TaskFlush, TaskProgress};
use promptdeck_testdb::records::start;
use sqlx::{AssertSqlSafe, Connection, PgConnection};
use uuid::Uuid;

/// A partial-text flush of `task_id`, as a node's flush writer hands it to the store.
fn flush(user: Uuid, task_id: &str, text: &str, ttft_ms: Option<f64>) -> TaskFlush {
    TaskFlush { user, task_id: task_id.into(), text: text.into(), chunks: Vec::new(), ttft_ms }
}

/// What a pass that must find nothing hands its tasks to.
fn no_reap() -> Option<Reaped> {
    panic!("no task of a live node is reaped")
}

#[tokio::test(flavor = "multi_thread")]
async fn a_dead_nodes_tasks_are_reaped_once_and_its_late_writes_change_nothing() {
    let admin_url = match std::env::var("PROMPTDECK_TEST_POSTGRES") {
        Ok(url) => url,
        Err(_) if std::env::var_os("CI").is_some() => panic!("CI must set PROMPTDECK_TEST_POSTGRES"),
        Err(_) => return println!("PROMPTDECK_TEST_POSTGRES is not set: the PostgreSQL variant did not run"),
    };
    let name = format!("pd_nodes_{}", Uuid::new_v4().simple());
    let mut admin = PgConnection::connect(&admin_url).await.unwrap();
    sqlx::raw_sql(AssertSqlSafe(format!("CREATE DATABASE {name}"))).execute(&mut admin).await.unwrap();
    let base = admin_url.split_once('?').map_or(admin_url.as_str(), |(b, _)| b);
    let url = format!("{}/{name}", base.rsplit_once('/').map_or(base, |(head, _)| head));

    let store = Store::connect(&url).await.unwrap();
    let (a, b) = (Uuid::new_v4(), Uuid::new_v4());
    let (on_a, on_b) = (store.clone().with_node(a), store.clone().with_node(b));
    on_a.heartbeat(a).await.unwrap();
    on_b.heartbeat(b).await.unwrap();
    let alice = store.create_user(&format!("a-{}@example.com", Uuid::new_v4()), "hash").await.unwrap();
    let (t1, t2) = (Uuid::new_v4().to_string(), Uuid::new_v4().to_string());
    on_a.start_task(alice.id, &start("a question", &t1)).await.unwrap();
    let second = start("a question", &t2);
    on_b.start_new_tasks(&[(alice.id, &second)]).await.unwrap().remove(0).unwrap();
    on_a.flush_tasks(&[flush(alice.id, &t1, "flushed", Some(1.0))]).await.unwrap();

    let timeout = Duration::from_secs(60);
    let never = |_| async { no_reap() };
    assert_eq!(store.reap_dead_nodes(timeout, 100, never).await.unwrap(), 0);

    // Node A goes silent.
    let mut db = PgConnection::connect(&url).await.unwrap();
    sqlx::query("UPDATE nodes SET heartbeat_at = now() - interval '1 hour' WHERE id = $1")
        .bind(a)
        .execute(&mut db)
        .await
        .unwrap();
    let mut seen = Vec::new();
    let reaped = store
        .reap_dead_nodes(timeout, 100, |task| {
            seen.push((task.task_id.clone(), task.user_id, task.response_text.clone()));
            async {
                Some(Reaped {
                    response_text: "from the log".into(),
                    response_chunks: Some(vec![10]),
                    response_errors: serde_json::json!({ "code": "node_lost", "message": "lost" }),
                })
            }
        })
        .await
        .unwrap();
    assert_eq!(reaped, 1);
    assert_eq!(seen, [(t1.clone(), alice.id, Some("flushed".to_owned()))]);
    let failed = store.get_task(alice.id, &t1).await.unwrap().unwrap();
    assert_eq!(failed.status, TaskStatus::Failed);
    assert_eq!(failed.response_text.as_deref(), Some("from the log"));
    assert_eq!(failed.response_errors.unwrap()["code"], "node_lost");
    assert_eq!(store.get_task(alice.id, &t2).await.unwrap().unwrap().status, TaskStatus::Streaming);

    // Node A was only slow: its late flush and final record change nothing.
    on_a.flush_tasks(&[flush(alice.id, &t1, "zombie text", None)]).await.unwrap();
    let late = TaskProgress {
        status: TaskStatus::Completed,
        response_text: "zombie answer".into(),
        ..TaskProgress::default()
    };
    on_a.finish_task(alice.id, &t1, &late).await.unwrap();
    let kept = store.get_task(alice.id, &t1).await.unwrap().unwrap();
    assert_eq!(kept.status, TaskStatus::Failed);
    assert_eq!(kept.response_text.as_deref(), Some("from the log"));
    assert_eq!(store.get_task_replay(alice.id, &t1).await.unwrap().unwrap().node_id, Some(a));

    // Reaped once: a second pass finds nothing.
    assert_eq!(store.reap_dead_nodes(timeout, 100, never).await.unwrap(), 0);
    store.close().await;
    drop(db);
    let _ = sqlx::raw_sql(AssertSqlSafe(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)")))
        .execute(&mut admin)
        .await;
}
