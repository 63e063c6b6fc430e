//! What a run may record: message figures (tokens, cost, times) are finite, non-negative and
//! bounded, so run totals never go negative; names are capped; a run holds at most
//! `--max-run-messages` messages and `--max-run-bytes` bytes of them (422 `run_too_large`).

use serde_json::{Value, json};

use crate::helpers::{Backend, Options, TestApp, TestUser, spawn_app, spawn_app_with, sqlite_only, str_of};

sqlite_only!(
    message_figures_out_of_range_are_refused_naming_the_field,
    run_totals_add_the_figures_of_accepted_messages,
    a_run_holds_at_most_max_run_messages,
    a_run_holds_at_most_8_mib_of_messages_by_default,
    run_names_descriptions_and_source_ids_are_capped,
);

async fn add(app: &TestApp, user: &TestUser, run: &str, body: Value) -> crate::helpers::Reply {
    app.add_run_message(user, run, &body).await
}

async fn message_figures_out_of_range_are_refused_naming_the_field(backend: Backend) {
    let app = spawn_app(backend).await;
    let user = app.new_user().await;
    let run = app.new_run(&user).await;
    let id = str_of(&run["id"]);
    let cases = [
        (json!({"tokens": -1_000_000, "cost": 0.1}), "metadata.tokens"),
        (json!({"tokens": 10, "cost": -99.5}), "metadata.cost"),
        (json!({"tokens": 9_223_372_036_854_775_807_i64}), "metadata.tokens"),
        (json!({"cost": 1e300}), "metadata.cost"),
        (json!({"timeToFirstToken": -1.0}), "metadata.timeToFirstToken"),
        (json!({"totalTime": 1e18}), "metadata.totalTime"),
    ];

    for (metadata, field) in cases {
        let body = json!({"role": "assistant", "content": "hi", "metadata": metadata});
        let message = add(&app, &user, id, body).await.expect_error(422, "validation_failed");
        assert!(message.contains(field), "the message should name `{field}`: {message}");
    }

    let stored = app.get_run(&user, id).await.expect(200);
    assert_eq!(stored["message_count"], 0, "{stored}");
    assert_eq!(stored["total_tokens"], 0, "{stored}");
    assert_eq!(stored["total_cost"].as_f64(), Some(0.0), "{stored}");
}

async fn run_totals_add_the_figures_of_accepted_messages(backend: Backend) {
    let app = spawn_app(backend).await;
    let user = app.new_user().await;
    let run = app.new_run(&user).await;
    let id = str_of(&run["id"]);

    for (tokens, cost) in [(0, 0.0), (120, 0.25), (30, 0.5)] {
        let metadata = json!({"tokens": tokens, "cost": cost, "timeToFirstToken": 12.5, "totalTime": 80.0});
        add(&app, &user, id, json!({"role": "assistant", "content": "ok", "metadata": metadata}))
            .await
            .expect(201);
    }

    let stored = app.get_run(&user, id).await.expect(200);
    assert_eq!(stored["message_count"], 3);
    assert_eq!(stored["total_tokens"], 150);
    assert_eq!(stored["total_cost"].as_f64(), Some(0.75));
}

async fn a_run_holds_at_most_max_run_messages(backend: Backend) {
    let options = Options::with_args(&["--max-run-messages", "5"]);
    let app = spawn_app_with(backend, options).await;
    let user = app.new_user().await;
    let run = app.new_run(&user).await;
    let id = str_of(&run["id"]);
    for i in 0..5 {
        add(&app, &user, id, json!({"role": "user", "content": format!("message {i}")})).await.expect(201);
    }

    let message = add(&app, &user, id, json!({"role": "user", "content": "one too many"}))
        .await
        .expect_error(422, "run_too_large");

    assert!(message.contains("5 messages"), "the message should give the limit: {message}");
    let stored = app.get_run(&user, id).await.expect(200);
    assert_eq!(stored["message_count"], 5);
    assert_eq!(stored["messages"].as_array().map(Vec::len), Some(5));
    let other = app.new_run(&user).await;
    add(&app, &user, str_of(&other["id"]), json!({"role": "user", "content": "a new run"})).await.expect(201);
}

async fn a_run_holds_at_most_8_mib_of_messages_by_default(backend: Backend) {
    let app = spawn_app(backend).await;
    let user = app.new_user().await;
    let run = app.new_run(&user).await;
    let id = str_of(&run["id"]);
    // The largest message content a request may carry: 256 KiB; 32 of them are 8 MiB.
    let content = "x".repeat(256 * 1024);
    for _ in 0..32 {
        add(&app, &user, id, json!({"role": "user", "content": content})).await.expect(201);
    }

    let message = add(&app, &user, id, json!({"role": "user", "content": "y"}))
        .await
        .expect_error(422, "run_too_large");

    assert!(message.contains("8388608 bytes"), "the message should give the limit: {message}");
    assert_eq!(app.get_run(&user, id).await.expect(200)["message_count"], 32);
}

async fn run_names_descriptions_and_source_ids_are_capped(backend: Backend) {
    let app = spawn_app(backend).await;
    let user = app.new_user().await;
    let long_name = "é".repeat(201);
    let long_description = "d".repeat(2001);

    for (body, field) in [
        (json!({"name": long_name}), "name"),
        (json!({"description": long_description}), "description"),
        (json!({"source_id": "s".repeat(201)}), "source_id"),
    ] {
        let message = app.create_run(&user, &body).await.expect_error(422, "validation_failed");
        assert!(message.contains(field), "the message should name `{field}`: {message}");
    }
    let run = app.create_run(&user, &json!({"name": "é".repeat(200), "description": "d".repeat(2000)})).await;
    let run = run.expect(201);
    let id = str_of(&run["id"]);
    let message =
        app.update_run(&user, id, &json!({"name": long_name})).await.expect_error(422, "validation_failed");
    assert!(message.contains("name"), "{message}");
    assert_eq!(app.get_run(&user, id).await.expect(200)["name"], run["name"]);
}
