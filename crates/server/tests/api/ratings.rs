//! Ratings: one per user per UI, 1 to 5, averaged on the UI.

use serde_json::json;

use crate::helpers::{Backend, spawn_app, sqlite_only, str_of};

sqlite_only!(
    rating_a_public_ui_returns_the_rating_row,
    a_second_rating_by_the_same_user_replaces_the_first,
    ratings_of_two_users_are_counted_and_averaged,
    a_rating_outside_1_to_5_fails_validation,
    rating_a_ui_you_cannot_see_is_not_found,
    rating_your_own_ui_is_forbidden,
    feedback_is_capped_at_2000_characters,
);

#[track_caller]
fn assert_close(value: &serde_json::Value, expected: f64) {
    let got = value.as_f64().unwrap_or_else(|| panic!("expected a number near {expected}, got {value}"));
    assert!((got - expected).abs() < 1e-9, "expected {expected}, got {got}");
}

async fn rating_a_public_ui_returns_the_rating_row(backend: Backend) {
    let app = spawn_app(backend).await;
    let alice = app.new_user().await;
    let bob = app.new_user().await;
    let ui = app.new_public_custom_ui(&alice).await;

    let rating = app
        .rate_custom_ui(&bob, str_of(&ui["id"]), &json!({"rating": 4, "feedback": "Nice"}))
        .await
        .expect(200);

    assert!(rating["id"].is_string(), "{rating}");
    assert_eq!(rating["custom_ui_id"], ui["id"]);
    assert_eq!(rating["user_id"], bob.id.as_str());
    assert_eq!(rating["rating"], 4);
    assert_eq!(rating["feedback"], "Nice");
    let fetched = app.get_custom_ui(&bob, str_of(&ui["id"])).await.expect(200);
    assert_eq!(fetched["rating_count"], 1);
    assert_close(&fetched["rating_avg"], 4.0);
}

async fn a_second_rating_by_the_same_user_replaces_the_first(backend: Backend) {
    let app = spawn_app(backend).await;
    let alice = app.new_user().await;
    let bob = app.new_user().await;
    let ui = app.new_public_custom_ui(&alice).await;
    let id = str_of(&ui["id"]);
    let first = app.rate_custom_ui(&bob, id, &json!({"rating": 4})).await.expect(200);

    let second =
        app.rate_custom_ui(&bob, id, &json!({"rating": 2, "feedback": "Changed my mind"})).await.expect(200);

    assert_eq!(second["id"], first["id"], "one row per user and UI");
    assert_eq!(second["rating"], 2);
    let fetched = app.get_custom_ui(&alice, id).await.expect(200);
    assert_eq!(fetched["rating_count"], 1);
    assert_close(&fetched["rating_avg"], 2.0);
}

async fn ratings_of_two_users_are_counted_and_averaged(backend: Backend) {
    let app = spawn_app(backend).await;
    let alice = app.new_user().await;
    let bob = app.new_user().await;
    let carol = app.new_user().await;
    let ui = app.new_public_custom_ui(&alice).await;
    let id = str_of(&ui["id"]);

    app.rate_custom_ui(&bob, id, &json!({"rating": 4})).await.expect(200);
    app.rate_custom_ui(&carol, id, &json!({"rating": 3})).await.expect(200);

    let fetched = app.get_custom_ui(&alice, id).await.expect(200);
    assert_eq!(fetched["rating_count"], 2);
    assert_close(&fetched["rating_avg"], 3.5);
    let listed = app.list_custom_uis(&bob, "?scope=public").await.expect(200);
    assert_eq!(listed["items"][0]["rating_count"], 2, "lists carry the aggregates too: {listed}");
    assert_close(&listed["items"][0]["rating_avg"], 3.5);
}

async fn a_rating_outside_1_to_5_fails_validation(backend: Backend) {
    let app = spawn_app(backend).await;
    let alice = app.new_user().await;
    let bob = app.new_user().await;
    let ui = app.new_public_custom_ui(&alice).await;
    let id = str_of(&ui["id"]);

    for rating in [0, 6, -1] {
        let message = app
            .rate_custom_ui(&bob, id, &json!({"rating": rating}))
            .await
            .expect_error(422, "validation_failed");
        assert!(message.contains("rating"), "the message should name `rating`: {message}");
    }
    let fetched = app.get_custom_ui(&bob, id).await.expect(200);
    assert_eq!(fetched["rating_count"], 0);
}

async fn rating_a_ui_you_cannot_see_is_not_found(backend: Backend) {
    let app = spawn_app(backend).await;
    let alice = app.new_user().await;
    let bob = app.new_user().await;
    let prompt = app.new_prompt(&alice).await;
    let draft = app.new_custom_ui(&alice, str_of(&prompt["id"])).await;

    app.rate_custom_ui(&bob, str_of(&draft["id"]), &json!({"rating": 5}))
        .await
        .expect_error(404, "not_found");

    assert_eq!(app.get_custom_ui(&alice, str_of(&draft["id"])).await.expect(200)["rating_count"], 0);
}

async fn rating_your_own_ui_is_forbidden(backend: Backend) {
    let app = spawn_app(backend).await;
    let alice = app.new_user().await;
    let ui = app.new_public_custom_ui(&alice).await;
    let id = str_of(&ui["id"]);

    let message = app.rate_custom_ui(&alice, id, &json!({"rating": 5})).await.expect_error(403, "forbidden");

    assert!(message.contains("own"), "the message should say why: {message}");
    let fetched = app.get_custom_ui(&alice, id).await.expect(200);
    assert_eq!(fetched["rating_count"], 0);
    assert_eq!(fetched["rating_avg"], serde_json::Value::Null);
}

async fn feedback_is_capped_at_2000_characters(backend: Backend) {
    let app = spawn_app(backend).await;
    let alice = app.new_user().await;
    let bob = app.new_user().await;
    let ui = app.new_public_custom_ui(&alice).await;
    let id = str_of(&ui["id"]);

    for feedback in ["x".repeat(2001), "x".repeat(900 * 1024)] {
        let message = app
            .rate_custom_ui(&bob, id, &json!({"rating": 4, "feedback": feedback}))
            .await
            .expect_error(422, "validation_failed");
        assert!(message.contains("feedback") && message.contains("2000"), "{message}");
    }
    assert_eq!(app.get_custom_ui(&bob, id).await.expect(200)["rating_count"], 0);

    // The cap counts characters, not bytes: 2,000 four-byte characters are fine.
    let longest = "🙂".repeat(2000);
    let rating = app.rate_custom_ui(&bob, id, &json!({"rating": 4, "feedback": longest})).await.expect(200);
    assert_eq!(rating["feedback"], longest);
}
