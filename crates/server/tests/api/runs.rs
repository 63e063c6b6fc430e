//! AI runs and tasks in the seed's snake_case shape (run messages keep their camelCase keys).

use serde_json::json;
use uuid::Uuid;

use crate::helpers::{Backend, both_backends, ids, items, spawn_app, str_of};

both_backends!(
    creating_a_run_returns_201_active_with_zero_counts,
    a_run_with_a_bad_source_type_fails_validation,
    listing_runs_returns_only_mine,
    getting_a_run_includes_its_tasks,
    patching_a_run_renames_stars_and_archives_it,
    patching_a_run_with_a_bad_status_fails_validation,
    adding_messages_appends_them_and_counts_them,
    a_message_with_a_bad_role_fails_validation,
    creating_a_task_returns_a_pending_task_and_counts_it,
    a_task_without_a_task_id_gets_one,
    the_same_task_id_twice_is_a_conflict,
    a_task_is_found_by_its_socket_task_id,
    a_task_or_run_that_does_not_exist_is_not_found,
);

async fn creating_a_run_returns_201_active_with_zero_counts(backend: Backend) {
    let app = spawn_app(backend).await;
    let user = app.new_user().await;
    let prompt = app.new_prompt(&user).await;
    let body = json!({
        "source_type": "prompt",
        "source_id": prompt["id"],
        "name": "Poem about the sky",
        "settings": {"model_id": "echo"},
        "variable_values": {"topic": "the sky"}
    });

    let run = app.create_run(&user, &body).await.expect(201);

    Uuid::parse_str(str_of(&run["id"])).expect("id is a UUID");
    assert_eq!(run["user_id"], user.id.as_str());
    assert_eq!(run["source_type"], "prompt");
    assert_eq!(run["source_id"], prompt["id"]);
    assert_eq!(run["name"], "Poem about the sky");
    assert_eq!(run["settings"], body["settings"]);
    assert_eq!(run["variable_values"], body["variable_values"]);
    assert_eq!(run["status"], "active");
    assert_eq!(run["is_starred"], false);
    assert_eq!(run["messages"], json!([]));
    assert_eq!(run["message_count"], 0);
    assert_eq!(run["task_count"], 0);
    assert_eq!(run["total_tokens"], 0);
    assert_eq!(run["total_cost"].as_f64(), Some(0.0));
    assert!(run["created_at"].is_string(), "{run}");
    assert!(run["last_message_at"].is_string(), "{run}");
}

async fn a_run_with_a_bad_source_type_fails_validation(backend: Backend) {
    let app = spawn_app(backend).await;
    let user = app.new_user().await;

    let message = app
        .create_run(&user, &json!({"source_type": "telepathy"}))
        .await
        .expect_error(422, "validation_failed");

    assert!(message.contains("source_type"), "the message should name `source_type`: {message}");
    assert_eq!(app.list_runs(&user, "").await.expect(200)["total"], 0);
}

async fn listing_runs_returns_only_mine(backend: Backend) {
    let app = spawn_app(backend).await;
    let alice = app.new_user().await;
    let bob = app.new_user().await;
    let alices = app.new_run(&alice).await;
    app.new_run(&bob).await;
    app.new_run(&bob).await;

    let list = app.list_runs(&alice, "").await.expect(200);

    assert_eq!(list["total"], 1, "{list}");
    assert_eq!(ids(&list), vec![str_of(&alices["id"]).to_owned()]);
    assert_eq!(app.list_runs(&bob, "").await.expect(200)["total"], 2);
}

async fn getting_a_run_includes_its_tasks(backend: Backend) {
    let app = spawn_app(backend).await;
    let user = app.new_user().await;
    let run = app.new_run(&user).await;
    let id = str_of(&run["id"]);

    let empty = app.get_run(&user, id).await.expect(200);
    assert_eq!(empty["id"], run["id"]);
    assert_eq!(empty["tasks"], json!([]));

    let task = app.create_task(&user, id, &json!({"task_id": "task-1"})).await.expect(201);
    let with_task = app.get_run(&user, id).await.expect(200);
    let tasks = with_task["tasks"].as_array().expect("tasks is an array");
    assert_eq!(tasks.len(), 1, "{with_task}");
    assert_eq!(tasks[0]["id"], task["id"]);
    assert_eq!(tasks[0]["task_id"], "task-1");
    assert_eq!(with_task["task_count"], 1);
}

async fn patching_a_run_renames_stars_and_archives_it(backend: Backend) {
    let app = spawn_app(backend).await;
    let user = app.new_user().await;
    let run = app.new_run(&user).await;
    let id = str_of(&run["id"]);

    let patched = app
        .update_run(&user, id, &json!({"name": "Renamed", "is_starred": true, "status": "archived"}))
        .await
        .expect(200);

    assert_eq!(patched["name"], "Renamed");
    assert_eq!(patched["is_starred"], true);
    assert_eq!(patched["status"], "archived");
    let fetched = app.get_run(&user, id).await.expect(200);
    assert_eq!(fetched["name"], "Renamed");
    assert_eq!(fetched["is_starred"], true);
    assert_eq!(fetched["status"], "archived");
}

async fn patching_a_run_with_a_bad_status_fails_validation(backend: Backend) {
    let app = spawn_app(backend).await;
    let user = app.new_user().await;
    let run = app.new_run(&user).await;

    let message = app
        .update_run(&user, str_of(&run["id"]), &json!({"status": "exploded"}))
        .await
        .expect_error(422, "validation_failed");

    assert!(message.contains("status"), "the message should name `status`: {message}");
}

async fn adding_messages_appends_them_and_counts_them(backend: Backend) {
    let app = spawn_app(backend).await;
    let user = app.new_user().await;
    let run = app.new_run(&user).await;
    let id = str_of(&run["id"]);

    let after_one = app
        .add_run_message(
            &user,
            id,
            &json!({"role": "user", "content": "Hello", "timestamp": "2025-01-02T03:04:05Z"}),
        )
        .await
        .expect(201);
    let after_two = app
        .add_run_message(
            &user,
            id,
            &json!({"role": "assistant", "content": "Hi there", "taskId": "task-9", "metadata": {"tokens": 2}}),
        )
        .await
        .expect(201);

    assert_eq!(after_one["id"], run["id"]);
    assert_eq!(after_one["message_count"], 1);
    assert_eq!(after_two["message_count"], 2);
    let messages = after_two["messages"].as_array().expect("messages is an array");
    assert_eq!(messages.len(), 2, "{after_two}");
    assert_eq!(messages[0]["role"], "user");
    assert_eq!(messages[0]["content"], "Hello");
    assert!(str_of(&messages[0]["timestamp"]).starts_with("2025-01-02T03:04:05"), "{after_two}");
    assert_eq!(messages[1]["role"], "assistant");
    assert_eq!(messages[1]["content"], "Hi there");
    assert_eq!(messages[1]["taskId"], "task-9", "RunMessage keys are camelCase: {after_two}");
    assert!(messages[1].get("task_id").is_none(), "{after_two}");
    assert_eq!(messages[1]["metadata"]["tokens"], 2);
    assert!(messages[1]["timestamp"].is_string(), "a timestamp is filled in: {after_two}");
    let fetched = app.get_run(&user, id).await.expect(200);
    assert_eq!(fetched["messages"], after_two["messages"]);
    assert_eq!(fetched["message_count"], 2);
}

async fn a_message_with_a_bad_role_fails_validation(backend: Backend) {
    let app = spawn_app(backend).await;
    let user = app.new_user().await;
    let run = app.new_run(&user).await;

    let message = app
        .add_run_message(&user, str_of(&run["id"]), &json!({"role": "narrator", "content": "Once"}))
        .await
        .expect_error(422, "validation_failed");

    assert!(message.contains("role"), "the message should name `role`: {message}");
    assert_eq!(app.get_run(&user, str_of(&run["id"])).await.expect(200)["message_count"], 0);
}

async fn creating_a_task_returns_a_pending_task_and_counts_it(backend: Backend) {
    let app = spawn_app(backend).await;
    let user = app.new_user().await;
    let run = app.new_run(&user).await;
    let task_id = Uuid::new_v4().to_string();
    let request_data =
        json!({"model_id": "echo", "messages": [{"role": "user", "content": "hi"}], "stream": true});

    let task = app
        .create_task(
            &user,
            str_of(&run["id"]),
            &json!({
                "task_id": task_id,
                "service": "chat_service",
                "task_name": "direct_chat",
                "model_id": "echo",
                "request_data": request_data
            }),
        )
        .await
        .expect(201);

    assert!(task["id"].is_string(), "{task}");
    assert_eq!(task["run_id"], run["id"]);
    assert_eq!(task["user_id"], user.id.as_str());
    assert_eq!(task["task_id"], task_id.as_str());
    assert_eq!(task["service"], "chat_service");
    assert_eq!(task["task_name"], "direct_chat");
    assert_eq!(task["model_id"], "echo");
    assert_eq!(task["request_data"], request_data);
    assert_eq!(task["status"], "pending");
    assert_eq!(task["response_complete"], false);
    let fetched = app.get_run(&user, str_of(&run["id"])).await.expect(200);
    assert_eq!(fetched["task_count"], 1);
}

async fn a_task_without_a_task_id_gets_one(backend: Backend) {
    let app = spawn_app(backend).await;
    let user = app.new_user().await;
    let run = app.new_run(&user).await;

    let task = app.create_task(&user, str_of(&run["id"]), &json!({})).await.expect(201);

    let task_id = str_of(&task["task_id"]);
    assert!(!task_id.is_empty(), "{task}");
    assert_eq!(task["service"], "chat_service");
    assert_eq!(task["task_name"], "direct_chat");
    assert_eq!(app.get_task(&user, task_id).await.expect(200)["id"], task["id"]);
}

async fn the_same_task_id_twice_is_a_conflict(backend: Backend) {
    let app = spawn_app(backend).await;
    let user = app.new_user().await;
    let run = app.new_run(&user).await;
    let run_id = str_of(&run["id"]);
    app.create_task(&user, run_id, &json!({"task_id": "same"})).await.expect(201);

    app.create_task(&user, run_id, &json!({"task_id": "same"})).await.expect_error(409, "conflict");

    let fetched = app.get_run(&user, run_id).await.expect(200);
    assert_eq!(fetched["task_count"], 1);
    assert_eq!(fetched["tasks"].as_array().map(Vec::len), Some(1));
}

async fn a_task_is_found_by_its_socket_task_id(backend: Backend) {
    let app = spawn_app(backend).await;
    let user = app.new_user().await;
    let run = app.new_run(&user).await;
    let task_id = Uuid::new_v4().to_string();
    let created = app
        .create_task(&user, str_of(&run["id"]), &json!({"task_id": task_id, "model_id": "echo"}))
        .await
        .expect(201);

    let fetched = app.get_task(&user, &task_id).await.expect(200);

    assert_eq!(fetched["id"], created["id"]);
    assert_eq!(fetched["task_id"], task_id.as_str());
    assert_eq!(fetched["run_id"], run["id"]);
    assert_eq!(fetched["status"], "pending");
}

async fn a_task_or_run_that_does_not_exist_is_not_found(backend: Backend) {
    let app = spawn_app(backend).await;
    let user = app.new_user().await;
    let missing = Uuid::new_v4().to_string();

    app.get_task(&user, "no-such-task").await.expect_error(404, "not_found");
    app.get_run(&user, &missing).await.expect_error(404, "not_found");
    app.create_task(&user, &missing, &json!({})).await.expect_error(404, "not_found");
    app.add_run_message(&user, &missing, &json!({"role": "user", "content": "hi"}))
        .await
        .expect_error(404, "not_found");
    let runs = app.list_runs(&user, "").await.expect(200);
    assert!(items(&runs).is_empty());
}
