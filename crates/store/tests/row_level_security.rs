//! On PostgreSQL the access rules are also real row-level security: a transaction running as
//! `authenticated` with another user's claims sees none of a user's private rows, even with a
//! query that filters nothing. Needs `PROMPTDECK_TEST_POSTGRES` (CI sets it).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use promptdeck_core::{MessageRole, NewPrompt, NewRun, PromptMessage, PromptSettings};
use promptdeck_store::Store;
use sqlx::{AssertSqlSafe, Connection, PgConnection};
use uuid::Uuid;

fn postgres_url() -> Option<String> {
    match std::env::var("PROMPTDECK_TEST_POSTGRES") {
        Ok(url) => Some(url),
        Err(_) if std::env::var_os("CI").is_some() => panic!("CI must set PROMPTDECK_TEST_POSTGRES"),
        Err(_) => {
            println!(
                "PROMPTDECK_TEST_POSTGRES is not set: the PostgreSQL row-level security test did not run"
            );
            None
        }
    }
}

fn with_database(url: &str, name: &str) -> String {
    let (base, query) = url.split_once('?').map_or((url, None), |(b, q)| (b, Some(q)));
    let base = base.rsplit_once('/').map_or(base, |(head, _)| head);
    match query {
        Some(q) => format!("{base}/{name}?{q}"),
        None => format!("{base}/{name}"),
    }
}

async fn count_as(conn: &mut PgConnection, user: Uuid, table: &str) -> i64 {
    let mut tx = conn.begin().await.unwrap();
    let claims = serde_json::json!({ "sub": user }).to_string();
    sqlx::query(
        "SELECT set_config('request.jwt.claims', $1, true), set_config('role', 'authenticated', true)",
    )
    .bind(claims)
    .execute(&mut *tx)
    .await
    .unwrap();
    let n: i64 = sqlx::query_scalar(AssertSqlSafe(format!("SELECT COUNT(*) FROM {table}")))
        .fetch_one(&mut *tx)
        .await
        .unwrap();
    tx.rollback().await.unwrap();
    n
}

#[tokio::test(flavor = "multi_thread")]
async fn postgres_policies_hide_other_users_rows_from_unfiltered_queries() {
    let Some(admin_url) = postgres_url() else { return };
    let name = format!("pd_rls_{}", Uuid::new_v4().simple());
    let mut admin = PgConnection::connect(&admin_url).await.unwrap();
    sqlx::raw_sql(AssertSqlSafe(format!("CREATE DATABASE {name}"))).execute(&mut admin).await.unwrap();
    let url = with_database(&admin_url, &name);

    let store = Store::connect(&url).await.unwrap();
    let alice = store.create_user(&format!("a-{name}@example.com"), "hash").await.unwrap();
    let bob = store.create_user(&format!("b-{name}@example.com"), "hash").await.unwrap();
    let prompt = NewPrompt {
        name: "private".into(),
        description: None,
        messages: vec![PromptMessage { role: MessageRole::User, content: "hi".into(), metadata: None }],
        variable_defaults: None,
        settings: PromptSettings::for_model("echo"),
        tools: None,
    };
    store.create_prompt(alice.id, prompt).await.unwrap();
    store.create_run(alice.id, &NewRun::default()).await.unwrap();

    let mut conn = PgConnection::connect(&url).await.unwrap();
    assert_eq!(count_as(&mut conn, alice.id, "prompts").await, 1);
    assert_eq!(count_as(&mut conn, bob.id, "prompts").await, 0, "bob sees none of alice's prompts");
    assert_eq!(count_as(&mut conn, alice.id, "ai_runs").await, 1);
    assert_eq!(count_as(&mut conn, bob.id, "ai_runs").await, 0, "bob sees none of alice's runs");
    assert!(count_as(&mut conn, bob.id, "prompt_custom_ui_templates").await >= 0);

    // Writing a row for someone else is refused by the policies' WITH CHECK.
    let mut tx = conn.begin().await.unwrap();
    sqlx::query(
        "SELECT set_config('request.jwt.claims', $1, true), set_config('role', 'authenticated', true)",
    )
    .bind(serde_json::json!({ "sub": bob.id }).to_string())
    .execute(&mut *tx)
    .await
    .unwrap();
    let forged = sqlx::query("INSERT INTO ai_runs (id, user_id, source_type) VALUES ($1, $2, 'chat')")
        .bind(Uuid::new_v4())
        .bind(alice.id)
        .execute(&mut *tx)
        .await;
    assert!(forged.is_err(), "inserting a run owned by alice as bob must fail");
    drop(tx);

    drop(conn);
    store.close().await;
    let _ = sqlx::raw_sql(AssertSqlSafe(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)")))
        .execute(&mut admin)
        .await;
}
