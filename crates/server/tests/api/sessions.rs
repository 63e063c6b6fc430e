//! Sessions: logout revokes the caller's token, the caller lists and revokes their sessions,
//! tokens expire, and an account keeps a bounded number of sessions.

use chrono::{DateTime, Utc};
use serde_json::Value;
use sqlx::{AssertSqlSafe, Connection};
use uuid::Uuid;

use crate::helpers::{
    Backend, Options, PASSWORD, TestApp, items, spawn_app, spawn_app_with, sqlite_only, str_of,
};

sqlite_only!(
    logout_revokes_the_token_it_is_called_with,
    logout_leaves_the_accounts_other_sessions_working,
    sessions_lists_the_callers_live_sessions_and_marks_the_current_one,
    revoking_a_session_stops_its_token_at_once,
    another_users_session_is_not_found_and_stays_valid,
    sessions_last_the_configured_number_of_days,
    an_expired_token_is_unauthorized_and_not_listed,
    an_account_keeps_at_most_the_configured_number_of_sessions,
);

async fn login_token(app: &TestApp, email: &str) -> String {
    str_of(&app.login(email, PASSWORD).await.expect(200)["token"]).to_owned()
}

fn time(value: &Value) -> DateTime<Utc> {
    str_of(value).parse().unwrap_or_else(|e| panic!("not an RFC 3339 time ({e}): {value}"))
}

async fn logout_revokes_the_token_it_is_called_with(backend: Backend) {
    let app = spawn_app(backend).await;
    let user = app.new_user().await;
    app.me(&user.token).await.expect(200);

    app.logout(&user.token).await.expect(204);

    app.me(&user.token).await.expect_error(401, "unauthorized");
    app.list_sessions(&user.token).await.expect_error(401, "unauthorized");
    app.logout(&user.token).await.expect_error(401, "unauthorized");
    // Signing in again works.
    app.me(&login_token(&app, &user.email).await).await.expect(200);
}

async fn logout_leaves_the_accounts_other_sessions_working(backend: Backend) {
    let app = spawn_app(backend).await;
    let user = app.new_user().await;
    let other = login_token(&app, &user.email).await;

    app.logout(&user.token).await.expect(204);

    app.me(&other).await.expect(200);
    assert_eq!(items(&app.list_sessions(&other).await.expect(200)).len(), 1);
}

async fn sessions_lists_the_callers_live_sessions_and_marks_the_current_one(backend: Backend) {
    let app = spawn_app(backend).await;
    let user = app.new_user().await;
    let second = login_token(&app, &user.email).await;
    let _third = login_token(&app, &user.email).await;
    let someone_else = app.new_user().await;

    let list = app.list_sessions(&second).await.expect(200);

    let sessions = items(&list);
    assert_eq!(sessions.len(), 3, "{list}");
    assert_eq!(list["total"], 3);
    assert_eq!(sessions.iter().filter(|s| s["current"] == true).count(), 1, "{list}");
    let body = list.to_string();
    for token in [&user.token, &second, &someone_else.token] {
        assert!(!body.contains(token.as_str()), "a token leaked into the session list: {body}");
    }
    for s in sessions {
        Uuid::parse_str(str_of(&s["id"])).expect("a session id is a UUID");
        assert!(time(&s["expires_at"]) > time(&s["created_at"]), "{s}");
        assert!(s.get("token").is_none() && s.get("token_hash").is_none(), "{s}");
    }
    let created: Vec<_> = sessions.iter().map(|s| time(&s["created_at"])).collect();
    assert!(created.windows(2).all(|w| w[0] >= w[1]), "newest first: {list}");
    // The current session has been used (by this very request).
    let current = sessions.iter().find(|s| s["current"] == true).expect("a current session");
    assert!(current["last_used_at"].is_string(), "{current}");
}

async fn revoking_a_session_stops_its_token_at_once(backend: Backend) {
    let app = spawn_app(backend).await;
    let user = app.new_user().await;
    let laptop = login_token(&app, &user.email).await;
    let list = app.list_sessions(&laptop).await.expect(200);
    let signup_session = items(&list)
        .iter()
        .find(|s| s["current"] == false)
        .map(|s| str_of(&s["id"]).to_owned())
        .expect("two");

    app.revoke_session(&laptop, &signup_session).await.expect(204);

    app.me(&user.token).await.expect_error(401, "unauthorized");
    app.me(&laptop).await.expect(200);
    assert_eq!(items(&app.list_sessions(&laptop).await.expect(200)).len(), 1);
    app.revoke_session(&laptop, &signup_session).await.expect_error(404, "not_found");
}

async fn another_users_session_is_not_found_and_stays_valid(backend: Backend) {
    let app = spawn_app(backend).await;
    let alice = app.new_user().await;
    let mallory = app.new_user().await;
    let alice_sessions = app.list_sessions(&alice.token).await.expect(200);
    let alice_session = str_of(&items(&alice_sessions)[0]["id"]).to_owned();

    app.revoke_session(&mallory.token, &alice_session).await.expect_error(404, "not_found");
    app.revoke_session(&mallory.token, &Uuid::new_v4().to_string()).await.expect_error(404, "not_found");
    app.revoke_session(&mallory.token, "not-a-uuid").await.expect_error(404, "not_found");
    app.revoke_session(&mallory.token, &alice.token).await.expect_error(404, "not_found");

    app.me(&alice.token).await.expect(200);
    assert_eq!(items(&app.list_sessions(&mallory.token).await.expect(200)).len(), 1);
}

async fn sessions_last_the_configured_number_of_days(backend: Backend) {
    let app = spawn_app_with(backend, Options::with_args(&["--session-days", "2"])).await;
    let user = app.new_user().await;

    let list = app.list_sessions(&user.token).await.expect(200);

    let session = &items(&list)[0];
    let lifetime = time(&session["expires_at"]) - time(&session["created_at"]);
    assert_eq!(lifetime.num_days(), 2, "{session}");
    assert!((lifetime - chrono::Duration::days(2)).num_seconds().abs() < 5, "{session}");
}

async fn an_expired_token_is_unauthorized_and_not_listed(backend: Backend) {
    let app = spawn_app(backend).await;
    let user = app.new_user().await;
    let live = login_token(&app, &user.email).await;

    expire_every_session_but_the_newest(&app).await;

    app.me(&user.token).await.expect_error(401, "unauthorized");
    assert_eq!(items(&app.list_sessions(&live).await.expect(200)).len(), 1);
}

/// Moves the expiry of every session but the newest into the past, straight in the database.
async fn expire_every_session_but_the_newest(app: &TestApp) {
    let past = "2000-01-01T00:00:00+00:00";
    let newest = "(SELECT MAX(created_at) FROM access_tokens)";
    if app.database_url.starts_with("sqlite:") {
        let mut conn = sqlx::SqliteConnection::connect(&app.database_url).await.expect("open SQLite");
        let sql = format!("UPDATE access_tokens SET expires_at = '{past}' WHERE created_at < {newest}");
        sqlx::raw_sql(AssertSqlSafe(sql)).execute(&mut conn).await.expect("expire sessions");
    } else {
        let mut conn = sqlx::PgConnection::connect(&app.database_url).await.expect("open PostgreSQL");
        let sql = format!("UPDATE access_tokens SET expires_at = '{past}' WHERE created_at < {newest}");
        sqlx::raw_sql(AssertSqlSafe(sql)).execute(&mut conn).await.expect("expire sessions");
    }
}

async fn an_account_keeps_at_most_the_configured_number_of_sessions(backend: Backend) {
    let app = spawn_app_with(backend, Options::with_args(&["--max-sessions", "2"])).await;
    let user = app.new_user().await;
    let second = login_token(&app, &user.email).await;
    let third = login_token(&app, &user.email).await;

    let list = app.list_sessions(&third).await.expect(200);

    assert_eq!(items(&list).len(), 2, "{list}");
    app.me(&user.token).await.expect_error(401, "unauthorized");
    app.me(&second).await.expect(200);
}
