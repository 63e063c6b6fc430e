//! The usage dashboard's figures match the recorded tasks: an account's stats sum the tasks its
//! user ran and everyone's tasks through the user's UIs; a UI's stats are its owner's alone.
//! Figures are checked against the tasks read back one by one (tokens, cost, time to first
//! token, status), on both databases; the CSV export has one row per day; no viewer's text is
//! in a report.

use reqwest::Method;
use serde_json::{Value, json};

use crate::helpers::{Backend, ModelsDir, TestApp, TestUser, both_backends, spawn_priced, str_of};

both_backends!(
    the_stats_of_an_account_and_of_a_ui_match_the_recorded_tasks,
    stats_are_the_owners_alone_and_bounded
);

async fn spawn(backend: Backend) -> (TestApp, ModelsDir) {
    spawn_priced(backend, &["--max-answer-bytes", "64"]).await
}

/// A task as recorded, read back by the user who ran it.
#[derive(Debug, Clone)]
struct Recorded {
    tokens: i64,
    cost: f64,
    ttft: Option<f64>,
    failed: bool,
}

/// The figures the stats should show for `tasks`, as JSON: nearest-rank percentiles.
fn expected(tasks: &[&Recorded]) -> Value {
    let mut ttft: Vec<f64> = tasks.iter().filter_map(|t| t.ttft).collect();
    ttft.sort_by(f64::total_cmp);
    let rank = |p: f64| {
        (!ttft.is_empty())
            .then(|| ttft[((p / 100.0 * ttft.len() as f64).ceil() as usize).clamp(1, ttft.len()) - 1])
    };
    json!({
        "tasks": tasks.len(),
        "errors": tasks.iter().filter(|t| t.failed).count(),
        "tokens": tasks.iter().map(|t| t.tokens).sum::<i64>(),
        "cost": tasks.iter().map(|t| t.cost).sum::<f64>(),
        "ttft_p50_ms": rank(50.0),
        "ttft_p95_ms": rank(95.0),
    })
}

/// The figure fields of a stats object.
fn figures(v: &Value) -> Value {
    json!({"tasks": v["tasks"], "errors": v["errors"], "tokens": v["tokens"], "cost": v["cost"],
        "ttft_p50_ms": v["ttft_p50_ms"], "ttft_p95_ms": v["ttft_p95_ms"]})
}

impl TestApp {
    async fn stats(&self, user: &TestUser, path: &str) -> Value {
        self.request(Method::GET, path, Some(&user.token), None).await.expect(200)
    }

    async fn prompt_on(&self, user: &TestUser, settings: Value) -> String {
        let body = json!({"name": "Counted", "messages": [{"role": "user", "content": "one two three"}], "settings": settings});
        str_of(&self.create_prompt(user, &body).await.expect(201)["id"]).to_owned()
    }

    /// Runs `task_data` as `user` and reads the task back as recorded.
    async fn counted_run(&self, user: &TestUser, task_data: Value) -> Recorded {
        let outcome = self.run_prompt(user, task_data).await;
        assert!(outcome.ack.get("error").is_none(), "refused: {:?}", outcome.ack);
        let task = self.get_task(user, str_of(&outcome.ack["task_id"])).await.expect(200);
        Recorded {
            tokens: task["tokens_total"].as_i64().unwrap_or(0),
            cost: task["cost"].as_f64().unwrap_or(0.0),
            ttft: task["time_to_first_token"].as_f64(),
            failed: task["status"] == "failed",
        }
    }
}

async fn the_stats_of_an_account_and_of_a_ui_match_the_recorded_tasks(backend: Backend) {
    let (app, _models) = spawn(backend).await;
    let alice = app.new_user().await;
    let bob = app.new_user().await;
    let carol = app.new_user().await;

    // Alice: one run that completes, one that fails (its answer is over --max-answer-bytes).
    let fine = app.prompt_on(&alice, json!({"model_id": "priced-echo"})).await;
    let too_long = app.prompt_on(&alice, json!({"model_id": "priced-echo", "echo_repeat": 40})).await;
    let a1 = app.counted_run(&alice, json!({"prompt_id": fine})).await;
    let a2 = app.counted_run(&alice, json!({"prompt_id": too_long})).await;
    assert!(a2.failed && !a1.failed);
    // Cut off before the model reported its usage, the failed run is still charged (an estimate
    // of four bytes per token): 13 bytes asked, 64 answered.
    assert_eq!((a2.tokens, a2.cost), (4 + 16, 20.0), "{a2:?}");

    // Two published UIs of Alice: the first paid by her, the second by its viewers.
    let mut uis = Vec::new();
    for _ in 0..2 {
        let ui = app.new_custom_ui(&alice, &fine).await;
        uis.push(
            str_of(&app.publish_custom_ui(&alice, str_of(&ui["id"])).await.expect(200)["id"]).to_owned(),
        );
    }
    let (ui1, ui2) = (uis[0].clone(), uis[1].clone());
    let budget = json!({"payer": "owner"});
    app.request(Method::PUT, &format!("/api/custom-uis/{ui1}/budget"), Some(&alice.token), Some(&budget))
        .await
        .expect(200);
    let through = |ui: &str| json!({"prompt_id": fine, "custom_ui_id": ui});
    let b1 = app.counted_run(&bob, through(&ui1)).await;
    let b2 = app.counted_run(&bob, through(&ui1)).await;
    let c1 = app.counted_run(&carol, through(&ui1)).await;
    let b3 = app.counted_run(&bob, through(&ui2)).await;
    // Bob's own prompt is none of Alice's business.
    let own = app.prompt_on(&bob, json!({"model_id": "priced-echo"})).await;
    let b4 = app.counted_run(&bob, json!({"prompt_id": own})).await;

    let report = app.stats(&alice, "/api/account/stats").await;
    let all = [&a1, &a2, &b1, &b2, &c1, &b3];
    assert_eq!(figures(&report["totals"]), expected(&all), "{report}");
    assert_eq!(report["error_rate"], json!(1.0 / 6.0));
    let days = report["days"].as_array().unwrap();
    assert_eq!(days.len(), 30);
    let today = chrono::Utc::now().format("%Y-%m-%d").to_string();
    assert_eq!(report["to"], today);
    assert_eq!(days.last().unwrap()["date"], today);
    assert_eq!(figures(days.last().unwrap()), expected(&all), "today holds every task");
    assert!(days[..29].iter().all(|d| d["tasks"] == 0), "earlier days are empty: {report}");
    // By payer: Alice paid for her own runs and the first UI's; Bob for the second UI's run.
    let payers = report["by_payer"].as_array().unwrap();
    assert_eq!(payers.len(), 2, "{report}");
    assert_eq!(payers[0]["key"], "you");
    assert_eq!(payers[0]["tasks"], 5);
    assert_eq!(payers[0]["cost"], json!(a1.cost + a2.cost + b1.cost + b2.cost + c1.cost));
    assert_eq!(payers[1]["key"], "others");
    assert_eq!(payers[1]["tasks"], 1);
    // Top UIs: the first (three runs), then the second (one).
    let top = report["top_uis"].as_array().unwrap();
    assert_eq!(top.len(), 2, "{report}");
    assert_eq!(top[0]["custom_ui_id"], ui1.as_str());
    assert_eq!(top[0]["tasks"], 3);
    assert_eq!(top[0]["label"], "Hello UI (v1)");
    assert_eq!(top[1]["custom_ui_id"], ui2.as_str());
    assert_eq!(top[1]["cost"], json!(b3.cost));
    // Aggregates only: no text anyone wrote or read.
    assert!(!report.to_string().contains("one two three"), "{report}");

    // One UI: everyone's runs through it, and nothing else.
    let ui_report = app.stats(&alice, &format!("/api/custom-uis/{ui1}/stats")).await;
    assert_eq!(figures(&ui_report["totals"]), expected(&[&b1, &b2, &c1]));
    assert_eq!(ui_report["by_payer"][0]["key"], "you");
    assert_eq!(ui_report["by_payer"].as_array().unwrap().len(), 1);

    // Bob's account: his four runs; the first UI's were paid by someone else.
    let bobs = app.stats(&bob, "/api/account/stats").await;
    assert_eq!(figures(&bobs["totals"]), expected(&[&b1, &b2, &b3, &b4]));
    let payers = bobs["by_payer"].as_array().unwrap();
    assert_eq!((payers[0]["key"].as_str(), payers[0]["tasks"].as_i64()), (Some("you"), Some(2)));
    assert_eq!((payers[1]["key"].as_str(), payers[1]["tasks"].as_i64()), (Some("others"), Some(2)));

    // The CSV export: a header and one row per day, today's matching the report.
    let csv = app.request(Method::GET, "/api/account/stats.csv?days=7", Some(&alice.token), None).await;
    assert_eq!(csv.status, 200);
    assert_eq!(csv.header("content-type").as_deref(), Some("text/csv; charset=utf-8"));
    assert!(
        csv.header("content-disposition")
            .unwrap_or_default()
            .starts_with("attachment; filename=\"promptdeck-usage-account-")
    );
    let lines: Vec<&str> = csv.body.lines().collect();
    assert_eq!(lines.len(), 8, "{}", csv.body);
    assert_eq!(lines[0], "date,tasks,errors,error_rate,tokens,cost_usd,ttft_p50_ms,ttft_p95_ms");
    let last: Vec<&str> = lines[7].split(',').collect();
    assert_eq!(last[0], today);
    assert_eq!(last[1], "6");
    assert_eq!(last[2], "1");
    assert_eq!(last[4], report["totals"]["tokens"].to_string());
    assert_eq!(last[5].parse::<f64>().unwrap(), report["totals"]["cost"].as_f64().unwrap());
    assert!(lines[1].starts_with(&format!("{},0,0,", report_day(&today, -6))), "{}", lines[1]);
}

fn report_day(today: &str, offset: i64) -> String {
    let day = chrono::NaiveDate::parse_from_str(today, "%Y-%m-%d").unwrap() + chrono::Duration::days(offset);
    day.format("%Y-%m-%d").to_string()
}

async fn stats_are_the_owners_alone_and_bounded(backend: Backend) {
    let (app, _models) = spawn(backend).await;
    let alice = app.new_user().await;
    let bob = app.new_user().await;
    let ui = app.new_public_custom_ui(&alice).await;
    let id = str_of(&ui["id"]);

    // A viewer of a public UI, a forged id and a malformed one: not found, as JSON and CSV.
    for path in [
        format!("/api/custom-uis/{id}/stats"),
        format!("/api/custom-uis/{id}/stats.csv"),
        format!("/api/custom-uis/{}/stats", uuid::Uuid::new_v4()),
        "/api/custom-uis/not-an-id/stats".to_owned(),
    ] {
        let who = if path.contains(id) { &bob } else { &alice };
        app.request(Method::GET, &path, Some(&who.token), None).await.expect_error(404, "not_found");
    }
    app.request(Method::GET, "/api/account/stats", None, None).await.expect_error(401, "unauthorized");

    // The period is bounded whatever is asked; nonsense is a clear 422.
    for (query, days) in [("?days=1", 1), ("?days=0", 1), ("?days=100000", 366), ("", 30)] {
        let report = app.stats(&alice, &format!("/api/custom-uis/{id}/stats{query}")).await;
        assert_eq!(report["days"].as_array().unwrap().len(), days, "{query}");
    }
    for query in ["?days=abc", "?days=-1", "?days=1e9"] {
        let reply =
            app.request(Method::GET, &format!("/api/account/stats{query}"), Some(&alice.token), None).await;
        reply.expect_error(422, "validation_failed");
    }
}
