//! On PostgreSQL the access rules are also real row-level security: a transaction running as
//! `authenticated` with another user's claims sees none of a user's private rows, even with a
//! query that filters nothing; and that role holds only the privileges the policies and the
//! app's per-user queries need — no accounts, no tokens, no counters. Needs
//! `PROMPTDECK_TEST_POSTGRES` (CI sets it).

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

/// A transaction running as `authenticated` with `user`'s claims, as the store's per-user
/// transactions do.
async fn begin_as(conn: &mut PgConnection, user: Uuid) -> sqlx::Transaction<'_, sqlx::Postgres> {
    let mut tx = conn.begin().await.unwrap();
    sqlx::query(
        "SELECT set_config('request.jwt.claims', $1, true), set_config('role', 'authenticated', true)",
    )
    .bind(serde_json::json!({ "sub": user }).to_string())
    .execute(&mut *tx)
    .await
    .unwrap();
    tx
}

async fn count_as(conn: &mut PgConnection, user: Uuid, table: &str) -> i64 {
    let mut tx = begin_as(conn, user).await;
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
    let mut tx = begin_as(&mut conn, bob.id).await;
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

/// Runs `sql` in a transaction as `authenticated` with `user`'s claims, then rolls it back;
/// the rows it touched, or the database's error.
async fn execute_as(conn: &mut PgConnection, user: Uuid, sql: &str) -> Result<u64, sqlx::Error> {
    let mut tx = begin_as(conn, user).await;
    let result =
        sqlx::raw_sql(AssertSqlSafe(sql.to_owned())).execute(&mut *tx).await.map(|r| r.rows_affected());
    tx.rollback().await.unwrap();
    result
}

#[track_caller]
fn assert_refused(result: Result<u64, sqlx::Error>, what: &str) {
    match result {
        Err(sqlx::Error::Database(e)) => {
            assert_eq!(
                e.code().as_deref(),
                Some("42501"),
                "{what}: refused, but not for lack of privilege: {e}"
            )
        }
        other => panic!("{what}: must be refused to the authenticated role, got {other:?}"),
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn postgres_authenticated_role_cannot_read_accounts_or_forge_counters() {
    let Some(admin_url) = postgres_url() else { return };
    let name = format!("pd_priv_{}", Uuid::new_v4().simple());
    let mut admin = PgConnection::connect(&admin_url).await.unwrap();
    sqlx::raw_sql(AssertSqlSafe(format!("CREATE DATABASE {name}"))).execute(&mut admin).await.unwrap();
    let url = with_database(&admin_url, &name);

    let store = Store::connect(&url).await.unwrap();
    let alice = store.create_user(&format!("a-{name}@example.com"), "hash").await.unwrap();
    store.create_session(alice.id, "token-hash", chrono::Duration::days(1), 10).await.unwrap();
    let prompt = store
        .create_prompt(
            alice.id,
            NewPrompt {
                name: "p".into(),
                description: None,
                messages: vec![],
                variable_defaults: None,
                settings: PromptSettings::for_model("echo"),
                tools: None,
            },
        )
        .await
        .unwrap();
    let (a, ui, p) = (alice.id, Uuid::new_v4(), prompt.id);
    let mut conn = PgConnection::connect(&url).await.unwrap();
    sqlx::raw_sql(AssertSqlSafe(format!(
        "INSERT INTO prompt_custom_uis (id, user_id, prompt_id, name, component_code, is_public, status) \
         VALUES ('{ui}', '{a}', '{p}', 'ui', 'x', true, 'active')"
    )))
    .execute(&mut conn)
    .await
    .unwrap();

    let refused = [
        ("reading accounts", "SELECT * FROM users".to_owned()),
        ("reading password hashes", format!("SELECT password_hash FROM users WHERE id = '{a}'")),
        ("making oneself an admin", format!("UPDATE users SET is_admin = true WHERE id = '{a}'")),
        ("reading session tokens", "SELECT * FROM access_tokens".to_owned()),
        (
            "minting a session token",
            format!(
                "INSERT INTO access_tokens (token_hash, user_id, expires_at) VALUES ('forged', '{a}', NOW() + interval '1 day')"
            ),
        ),
        ("reading the migration history", "SELECT * FROM _sqlx_migrations".to_owned()),
        (
            "posting a usage row",
            format!(
                "INSERT INTO prompt_custom_ui_usage (id, custom_ui_id, user_id) VALUES ('{}', '{ui}', '{a}')",
                Uuid::new_v4()
            ),
        ),
        ("inflating use_count", format!("UPDATE prompt_custom_uis SET use_count = 1000 WHERE id = '{ui}'")),
        (
            "featuring one's own UI",
            format!("UPDATE prompt_custom_uis SET is_featured = true WHERE id = '{ui}'"),
        ),
        (
            "creating a featured UI",
            format!(
                "INSERT INTO prompt_custom_uis (id, user_id, prompt_id, name, component_code, is_featured) \
             VALUES ('{}', '{a}', '{p}', 'f', 'x', true)",
                Uuid::new_v4()
            ),
        ),
        (
            "creating a UI with a use count",
            format!(
                "INSERT INTO prompt_custom_uis (id, user_id, prompt_id, name, component_code, use_count) \
             VALUES ('{}', '{a}', '{p}', 'f', 'x', 50)",
                Uuid::new_v4()
            ),
        ),
        ("reading who reported a UI", "SELECT * FROM prompt_custom_ui_navigation_reports".to_owned()),
        (
            "filing a navigation report by hand",
            format!(
                "INSERT INTO prompt_custom_ui_navigation_reports (custom_ui_id, reporter_id, detail) VALUES ('{ui}', '{a}', 'x')"
            ),
        ),
        (
            "quarantining a UI by hand",
            format!("INSERT INTO prompt_custom_ui_quarantine (custom_ui_id, reason) VALUES ('{ui}', 'x')"),
        ),
        (
            "lifting a quarantine",
            format!("DELETE FROM prompt_custom_ui_quarantine WHERE custom_ui_id = '{ui}'"),
        ),
    ];
    for (what, sql) in &refused {
        assert_refused(execute_as(&mut conn, a, sql).await, what);
    }

    // Runs can be deleted (a burst of task starts removes the run it made for a start whose task
    // id turned out taken), but only one's own: another user's delete reaches no row.
    let bob = store.create_user(&format!("b-{name}@example.com"), "hash").await.unwrap();
    let run = store.create_run(a, &promptdeck_core::NewRun::default()).await.unwrap();
    assert_eq!(
        execute_as(&mut conn, bob.id, "DELETE FROM ai_runs").await.unwrap(),
        0,
        "bob deletes none of alice's runs"
    );
    assert!(store.get_run(a, run.id).await.unwrap().is_some());

    // What the app does on the caller's behalf still works.
    let allowed = [
        format!("UPDATE prompt_custom_uis SET name = 'renamed', description = 'd' WHERE id = '{ui}'"),
        format!("SELECT * FROM prompt_custom_uis WHERE id = '{ui}'"),
        format!("SELECT * FROM prompt_custom_ui_ratings WHERE custom_ui_id = '{ui}'"),
        format!("SELECT * FROM prompt_custom_ui_usage WHERE user_id = '{a}'"),
        "SELECT * FROM prompt_custom_ui_templates".to_owned(),
        format!("SELECT 1 FROM prompt_custom_ui_quarantine WHERE custom_ui_id = '{ui}'"),
        format!(
            "INSERT INTO prompt_custom_ui_state (custom_ui_id, user_id, state) VALUES ('{ui}', '{a}', '{{}}') \
             ON CONFLICT (custom_ui_id, user_id) DO UPDATE SET state = excluded.state"
        ),
    ];
    for sql in &allowed {
        execute_as(&mut conn, a, sql).await.unwrap_or_else(|e| panic!("{sql}: {e}"));
    }

    drop(conn);
    store.close().await;
    let _ = sqlx::raw_sql(AssertSqlSafe(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)")))
        .execute(&mut admin)
        .await;
}
