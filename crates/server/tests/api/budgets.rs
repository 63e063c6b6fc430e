//! Who pays and budgets: a UI's owner chooses whether viewers or the owner pay for its runs and
//! caps them per day; the operator caps each user's spending per day and month. A start over a
//! budget is refused in its ack with `quota_exceeded` and when it resets; runs are charged to
//! the right payer (their spending, read back through the API, moves and the other's does not).
//! The figures come from a priced echo model: one US dollar per token.

use chrono::{Duration, Utc};
use reqwest::Method;
use serde_json::{Value, json};

use crate::helpers::{Backend, ModelsDir, Reply, TestApp, TestUser, both_backends, spawn_priced, str_of};
use crate::socket::TaskOutcome;

both_backends!(
    only_a_uis_owner_reads_and_sets_its_payer_and_caps,
    running_tasks_count_against_a_cap_at_the_mean_cost_of_finished_ones,
    runs_per_viewer_per_day_stop_with_quota_exceeded_until_midnight,
    an_owner_paid_ui_charges_its_owner_and_stops_at_the_owners_budget,
    a_uis_cost_per_day_and_a_viewers_own_budget_stop_runs,
);

/// A server with the priced model and `args`.
async fn spawn(backend: Backend, args: &[&str]) -> (TestApp, ModelsDir) {
    spawn_priced(backend, args).await
}

impl TestApp {
    async fn ui_budget(&self, user: &TestUser, id: &str) -> Reply {
        self.request(Method::GET, &format!("/api/custom-uis/{id}/budget"), Some(&user.token), None).await
    }

    async fn set_ui_budget(&self, user: &TestUser, id: &str, body: &Value) -> Reply {
        self.request(Method::PUT, &format!("/api/custom-uis/{id}/budget"), Some(&user.token), Some(body))
            .await
    }

    async fn account_budget(&self, user: &TestUser) -> Value {
        self.request(Method::GET, "/api/account/budget", Some(&user.token), None).await.expect(200)
    }

    /// A published UI of `owner` on a prompt of the priced model; returns `(prompt id, UI id)`.
    async fn priced_public_ui(&self, owner: &TestUser) -> (String, String) {
        let prompt = self.priced_prompt(owner).await;
        let ui = self.new_custom_ui(owner, &prompt).await;
        let ui = self.publish_custom_ui(owner, str_of(&ui["id"])).await.expect(200);
        (prompt, str_of(&ui["id"]).to_owned())
    }

    /// A prompt of `user` on the priced model.
    async fn priced_prompt(&self, user: &TestUser) -> String {
        let body = json!({"name": "Priced", "messages": [{"role": "user", "content": "one two three"}],
            "settings": {"model_id": "priced-echo"}});
        str_of(&self.create_prompt(user, &body).await.expect(201)["id"]).to_owned()
    }

    /// Runs the prompt through the UI as `viewer`.
    async fn run_ui(&self, viewer: &TestUser, prompt: &str, ui: &str) -> TaskOutcome {
        self.run_prompt(viewer, json!({"prompt_id": prompt, "custom_ui_id": ui})).await
    }
}

/// The error of a refused task's ack.
fn refusal(outcome: &TaskOutcome) -> &Value {
    assert_eq!(outcome.ack["response_listener_events"], json!([]), "the task was not refused: {outcome:?}");
    &outcome.ack["error"]
}

fn assert_ran(outcome: &TaskOutcome) {
    assert!(outcome.ack.get("error").is_none(), "the task was refused: {:?}", outcome.ack);
    assert_eq!(outcome.events.last(), Some(&json!({"end": true})), "{outcome:?}");
}

/// `quota_exceeded`, resetting at `resets_at` (RFC 3339), `retry_after_secs` until then.
fn assert_quota(outcome: &TaskOutcome, resets_at: chrono::DateTime<Utc>, says: &str) {
    let error = refusal(outcome);
    assert_eq!(error["code"], "quota_exceeded", "{error}");
    let message = str_of(&error["message"]);
    assert!(message.contains(says), "{message:?} should say {says:?}");
    let at: chrono::DateTime<Utc> = str_of(&error["resets_at"]).parse().unwrap();
    assert_eq!(at, resets_at);
    let secs = error["retry_after_secs"].as_i64().unwrap();
    let expected = (resets_at - Utc::now()).num_seconds();
    assert!(
        (expected - 5..=expected + 5).contains(&secs),
        "retry_after_secs {secs}, expected about {expected}"
    );
}

fn next_midnight() -> chrono::DateTime<Utc> {
    (Utc::now().date_naive() + Duration::days(1)).and_hms_opt(0, 0, 0).unwrap().and_utc()
}

async fn only_a_uis_owner_reads_and_sets_its_payer_and_caps(backend: Backend) {
    let (app, _models) = spawn(backend, &[]).await;
    let alice = app.new_user().await;
    let bob = app.new_user().await;
    let (_, ui) = app.priced_public_ui(&alice).await;

    let default = json!({"payer": "viewer", "max_cost_per_day": null, "max_runs_per_viewer_per_day": null});
    assert_eq!(app.ui_budget(&alice, &ui).await.expect(200), default);
    let set = json!({"payer": "owner", "max_cost_per_day": 2.5, "max_runs_per_viewer_per_day": 3});
    assert_eq!(app.set_ui_budget(&alice, &ui, &set).await.expect(200), set);
    assert_eq!(app.ui_budget(&alice, &ui).await.expect(200), set);

    // A viewer of the public UI neither reads nor sets it; nor does anyone for a forged id.
    app.ui_budget(&bob, &ui).await.expect_error(404, "not_found");
    app.set_ui_budget(&bob, &ui, &default).await.expect_error(404, "not_found");
    let forged = uuid::Uuid::new_v4().to_string();
    app.set_ui_budget(&alice, &forged, &default).await.expect_error(404, "not_found");
    app.ui_budget(&alice, "not-a-uuid").await.expect_error(404, "not_found");

    // Nonsense is refused and changes nothing.
    for bad in [
        json!({"payer": "nobody"}),
        json!({"max_cost_per_day": -1}),
        json!({"max_cost_per_day": 1e300}),
        json!({"max_runs_per_viewer_per_day": -1}),
        json!({"max_runs_per_viewer_per_day": 99_999_999}),
        json!({"payer": "owner", "bogus": true}),
    ] {
        let reply = app.set_ui_budget(&alice, &ui, &bad).await;
        assert_eq!(reply.status, 422, "{bad} answered {}: {}", reply.status, reply.body);
    }
    assert_eq!(app.ui_budget(&alice, &ui).await.expect(200), set);

    // A new version starts with the budget of the version it was made from; each keeps its own.
    let v2 = app.create_version(&alice, &ui, None).await.expect(201);
    let v2 = str_of(&v2["id"]).to_owned();
    assert_eq!(app.ui_budget(&alice, &v2).await.expect(200), set);
    app.set_ui_budget(&alice, &v2, &json!({"payer": "viewer"})).await.expect(200);
    assert_eq!(app.ui_budget(&alice, &ui).await.expect(200), set);

    // Back to the defaults by sending the defaults.
    assert_eq!(app.set_ui_budget(&alice, &ui, &json!({})).await.expect(200), default);
}

async fn runs_per_viewer_per_day_stop_with_quota_exceeded_until_midnight(backend: Backend) {
    let (app, _models) = spawn(backend, &[]).await;
    let alice = app.new_user().await;
    let bob = app.new_user().await;
    let carol = app.new_user().await;
    let (prompt, ui) = app.priced_public_ui(&alice).await;
    app.set_ui_budget(&alice, &ui, &json!({"max_runs_per_viewer_per_day": 2})).await.expect(200);

    assert_ran(&app.run_ui(&bob, &prompt, &ui).await);
    assert_ran(&app.run_ui(&bob, &prompt, &ui).await);
    let third = app.run_ui(&bob, &prompt, &ui).await;
    assert_quota(&third, next_midnight(), "2 runs per viewer a day");

    // Another viewer has runs of their own; the owner is not capped by their own UI.
    assert_ran(&app.run_ui(&carol, &prompt, &ui).await);
    for _ in 0..3 {
        assert_ran(&app.run_ui(&alice, &prompt, &ui).await);
    }
    // The refused start left no task behind: Bob has exactly two.
    let runs = app.list_runs(&bob, "").await.expect(200);
    assert_eq!(runs["total"], 2, "{runs}");

    // Raising the cap lets Bob run again.
    app.set_ui_budget(&alice, &ui, &json!({"max_runs_per_viewer_per_day": 3})).await.expect(200);
    assert_ran(&app.run_ui(&bob, &prompt, &ui).await);
    assert_eq!(refusal(&app.run_ui(&bob, &prompt, &ui).await)["code"], "quota_exceeded");
}

async fn an_owner_paid_ui_charges_its_owner_and_stops_at_the_owners_budget(backend: Backend) {
    // Each run of "one two three" costs $3 in and $3 out: $6.
    let (app, _models) = spawn(backend, &["--user-daily-cost-limit", "10"]).await;
    let alice = app.new_user().await;
    let bob = app.new_user().await;
    let (prompt, ui) = app.priced_public_ui(&alice).await;
    app.set_ui_budget(&alice, &ui, &json!({"payer": "owner"})).await.expect(200);

    let before = app.account_budget(&alice).await;
    assert_eq!(before["daily_cost_limit"], 10.0);
    assert_eq!(before["monthly_cost_limit"], Value::Null);
    assert_eq!(before["spent_today"], 0.0);

    let first = app.run_ui(&bob, &prompt, &ui).await;
    assert_ran(&first);
    let task = app.get_task(&bob, str_of(&first.ack["task_id"])).await.expect(200);
    let cost = task["cost"].as_f64().unwrap();
    assert!(cost > 0.0, "{task}");
    let alice_now = app.account_budget(&alice).await;
    assert_eq!(alice_now["spent_today"], cost, "the owner pays");
    assert_eq!(alice_now["spent_this_month"], cost);
    assert_eq!(app.account_budget(&bob).await["spent_today"], 0.0, "the viewer pays nothing");

    // $6 < $10: one more run; then the owner's budget is spent, for every viewer.
    assert_ran(&app.run_ui(&bob, &prompt, &ui).await);
    assert!(app.account_budget(&alice).await["spent_today"].as_f64().unwrap() >= 10.0);
    let refused = app.run_ui(&bob, &prompt, &ui).await;
    assert_quota(&refused, next_midnight(), "this UI's owner's daily budget of $10 is spent");

    // Bob's own budget is untouched: his own prompt runs.
    let own = app.priced_prompt(&bob).await;
    assert_ran(&app.run_prompt(&bob, json!({"prompt_id": own})).await);
    // With viewers paying again, Bob runs the UI on his own budget.
    app.set_ui_budget(&alice, &ui, &json!({"payer": "viewer"})).await.expect(200);
    assert_ran(&app.run_ui(&bob, &prompt, &ui).await);
    assert!(app.account_budget(&bob).await["spent_today"].as_f64().unwrap() >= 2.0 * cost);
    // Now Bob is over his own $10 and the owner's spending did not move.
    assert_quota(&app.run_ui(&bob, &prompt, &ui).await, next_midnight(), "your daily budget of $10 is spent");
    assert_eq!(app.account_budget(&alice).await["spent_today"], json!(2.0 * cost));
}

async fn a_uis_cost_per_day_and_a_viewers_own_budget_stop_runs(backend: Backend) {
    let (app, _models) = spawn(backend, &["--user-monthly-cost-limit", "5"]).await;
    let alice = app.new_user().await;
    let bob = app.new_user().await;
    let carol = app.new_user().await;
    let (prompt, ui) = app.priced_public_ui(&alice).await;
    app.set_ui_budget(&alice, &ui, &json!({"max_cost_per_day": 11})).await.expect(200);

    // Bob's first run starts with nothing spent of his monthly $5 (it costs $6: tasks already
    // running finish); his second start is over the budget.
    assert_ran(&app.run_ui(&bob, &prompt, &ui).await);
    let month = app.account_budget(&bob).await;
    let resets: chrono::DateTime<Utc> = str_of(&month["month_resets_at"]).parse().unwrap();
    assert_quota(&app.run_ui(&bob, &prompt, &ui).await, resets, "your monthly budget of $5 is spent");
    assert_eq!(resets.format("%d %H:%M:%S").to_string(), "01 00:00:00");

    // Carol's run brings the UI to $12 today, over its $11: nobody may run it until tomorrow,
    // the owner included.
    assert_ran(&app.run_ui(&carol, &prompt, &ui).await);
    let dave = app.new_user().await;
    assert_quota(
        &app.run_ui(&dave, &prompt, &ui).await,
        next_midnight(),
        "this UI's runs may cost $11 a day",
    );
    assert_quota(
        &app.run_ui(&alice, &prompt, &ui).await,
        next_midnight(),
        "this UI's runs may cost $11 a day",
    );
}

async fn running_tasks_count_against_a_cap_at_the_mean_cost_of_finished_ones(backend: Backend) {
    // Each run costs $6; the UI may cost $10 a day.
    let (app, _models) = spawn(backend, &[]).await;
    let alice = app.new_user().await;
    let bob = app.new_user().await;
    let carol = app.new_user().await;
    let body = json!({"name": "Slow", "messages": [{"role": "user", "content": "one two three"}],
        "settings": {"model_id": "priced-echo", "echo_delay_ms": 3000}});
    let slow = str_of(&app.create_prompt(&alice, &body).await.expect(201)["id"]).to_owned();
    let ui = app.new_custom_ui(&alice, &slow).await;
    let ui = str_of(&app.publish_custom_ui(&alice, str_of(&ui["id"])).await.expect(200)["id"]).to_owned();
    app.set_ui_budget(&alice, &ui, &json!({"payer": "owner", "max_cost_per_day": 10})).await.expect(200);

    // One finished run: $6 recorded.
    assert_ran(&app.run_ui(&bob, &slow, &ui).await);
    // A second one starts ($6 < $10) and is still running when Carol starts: $6 recorded plus one
    // running task at the mean $6 is over the cap, though the recorded costs alone are not.
    let mut running = app.socket(&bob).await;
    let ack = running
        .start(
            "prompt_service",
            json!({"taskName": "run_prompt", "taskData": {"prompt_id": slow, "custom_ui_id": ui}}),
        )
        .await;
    assert!(ack.get("error").is_none(), "{ack}");
    let refused = app.run_ui(&carol, &slow, &ui).await;
    assert_quota(&refused, next_midnight(), "this UI's runs may cost $10 a day");
}
