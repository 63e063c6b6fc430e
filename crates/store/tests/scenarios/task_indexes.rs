//! The indexes of `ai_tasks` are paid for by every task start (an entry each, on SQLite's single
//! writer), so the table keeps only those its reads use; the ones on `custom_ui_id` and
//! `embed_id` are partial (a task without a UI or an embed has no entry). These scenarios check,
//! with the database's own planner, that the budget and usage counts that run before a task
//! starts still search an index rather than scan every task ever run: a scan there would make
//! each start cost more as the table grows.

// The statements are this file's own constants; nothing of them comes from outside.
use sqlx::{AssertSqlSafe, Connection, PgConnection, Row, SqliteConnection};

use crate::helpers::{Backend, both_backends, test_store};

/// The plan of `sql` as text (one line per step), with `enable_seqscan` off on PostgreSQL so an
/// empty table does not make a scan look cheapest.
async fn plan(backend: Backend, url: &str, sql: &str) -> String {
    match backend {
        Backend::Sqlite => {
            let mut conn = SqliteConnection::connect(url).await.unwrap();
            let rows = sqlx::query(AssertSqlSafe(format!("EXPLAIN QUERY PLAN {sql}")))
                .fetch_all(&mut conn)
                .await
                .unwrap();
            rows.iter().map(|r| r.get::<String, _>(3)).collect::<Vec<_>>().join("\n")
        }
        Backend::Postgres => {
            let mut conn = PgConnection::connect(url).await.unwrap();
            sqlx::query("SET enable_seqscan = off").execute(&mut conn).await.unwrap();
            let rows =
                sqlx::query(AssertSqlSafe(format!("EXPLAIN {sql}"))).fetch_all(&mut conn).await.unwrap();
            rows.iter().map(|r| r.get::<String, _>(0)).collect::<Vec<_>>().join("\n")
        }
    }
}

both_backends!(budget_and_usage_counts_search_the_lean_task_indexes);

async fn budget_and_usage_counts_search_the_lean_task_indexes(backend: Backend) {
    let store = test_store(backend).await;
    let (id, since) = match backend {
        Backend::Sqlite => ("x'0123456789abcdef0123456789abcdef'", "'2026-01-01T00:00:00.000Z'"),
        Backend::Postgres => ("'01234567-89ab-cdef-0123-456789abcdef'::uuid", "now()"),
    };
    let cases = [
        // A UI's runs per viewer a day, and what they cost (budgets, usage report).
        (
            format!(
                "SELECT COUNT(*) FROM ai_tasks WHERE custom_ui_id = {id} AND user_id = {id} AND created_at >= {since}"
            ),
            "idx_ai_tasks_custom_ui",
        ),
        (
            format!("SELECT COUNT(*) FROM ai_tasks WHERE custom_ui_id = {id} AND created_at >= {since}"),
            "idx_ai_tasks_custom_ui",
        ),
        // An owner's usage report: the tasks run through any of their UIs (`IN`, not `=`).
        (
            format!(
                "SELECT COUNT(*) FROM ai_tasks WHERE created_at >= {since} AND custom_ui_id IN \
                 (SELECT id FROM prompt_custom_uis WHERE user_id = {id})"
            ),
            "idx_ai_tasks_custom_ui",
        ),
        // An embed's runs a day, by one viewer or all.
        (
            format!(
                "SELECT COUNT(*) FROM ai_tasks WHERE embed_id = {id} AND created_at >= {since} AND user_id = {id}"
            ),
            "idx_ai_tasks_embed",
        ),
        (
            format!("SELECT COUNT(*) FROM ai_tasks WHERE embed_id = {id} AND created_at >= {since}"),
            "idx_ai_tasks_embed",
        ),
        // A user's own tasks: the (user_id, created_at) index serves them without one of its own.
        (format!("SELECT COUNT(*) FROM ai_tasks WHERE user_id = {id}"), "idx_ai_tasks_user_created"),
        (
            format!("SELECT COUNT(*) FROM ai_tasks WHERE payer_id = {id} AND created_at >= {since}"),
            "idx_ai_tasks_payer",
        ),
    ];
    for (sql, index) in cases {
        let plan = plan(backend, store.url(), &sql).await;
        assert!(plan.contains(index), "{backend:?}: `{sql}` should search {index}, plans:\n{plan}");
    }
}
