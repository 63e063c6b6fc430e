//! Hostile custom UI code through the real server: nesting deep enough to overflow a stack, HTML
//! that used to take the sanitiser a minute, and floods of both. Each gets a validation issue
//! with its place (`too-deep`, `too-large`) or a 413/429, and the server keeps serving everyone.

use serde_json::{Value, json};

use crate::helpers::{
    Backend, Options, TestApp, TestUser, VALID_COMPONENT, both_backends, custom_ui_body, spawn_app,
    spawn_app_with, str_of,
};

both_backends!(saving_deeply_nested_code_stores_it_as_too_deep_and_it_does_not_compile);

/// Nesting deeper than the compiler's bound of 256 levels.
const DEPTH: usize = 1_400;

/// A component whose line 2 is `line`.
fn component(line: &str) -> String {
    format!("export default function App() {{\n{line}\n  return <div />;\n}}\n")
}

/// `open × n + inner + close × n`.
fn nest(open: &str, inner: &str, close: &str, n: usize) -> String {
    format!("{}{inner}{}", open.repeat(n), close.repeat(n))
}

/// Line 2 of a component for every shape of the issue, and the column its nesting starts at.
fn hostile_lines() -> Vec<(&'static str, String, u64)> {
    let expression = |name, open: &str, inner: &str, close: &str| {
        (name, format!("  const x = {};", nest(open, inner, close, DEPTH)), 13)
    };
    let statement = |name, open: &str, inner: &str, close: &str| {
        (name, format!("  {}", nest(open, inner, close, DEPTH)), 3)
    };
    vec![
        expression("parentheses", "(", "1", ")"),
        expression("arrays", "[", "1", "]"),
        expression("objects", "{ a: ", "1", " }"),
        expression("JSX", "<div>", "x", "</div>"),
        expression("JSX expression containers", "<i>{", "1", "}</i>"),
        expression("logical not", "!", "a", ""),
        expression("arrow functions", "(b) => ", "1", ""),
        expression("ternaries", "a ? ", "1", " : 0"),
        expression("calls", "f(", "1", ")"),
        expression("template literals", "`${", "1", "}`"),
        expression("member chains", "", "a", ".b"),
        statement("blocks", "{ ", "", " }"),
        statement("ifs", "if (a) ", ";", ""),
        ("type arguments", format!("  type T = {};", nest("Array<", "A", ">", DEPTH)), 12),
        ("tuple types", format!("  type T = {};", nest("[", "A", "]", DEPTH)), 12),
    ]
}

/// The one issue of a report, asserting it is `rule` on `line`.
#[track_caller]
fn single_issue(report: &Value, rule: &str, line: u64) -> Value {
    assert_eq!(report["validated"], false, "{report}");
    let errors = report["validation_errors"].as_array().expect("validation_errors is an array");
    assert_eq!(errors.len(), 1, "{report}");
    let issue = errors[0].clone();
    assert_eq!((str_of(&issue["rule"]), issue["line"].as_u64()), (rule, Some(line)), "{issue}");
    issue
}

/// The server answers its health check and checks a normal component for another user.
async fn still_serving(app: &TestApp, other: &TestUser) {
    app.health_check().await.expect(200);
    let report = app.validate_react(other, VALID_COMPONENT).await.expect(200);
    assert_eq!(report["validated"], true, "{report}");
}

#[tokio::test]
async fn deep_nesting_of_every_shape_is_too_deep_where_it_nests_and_the_server_stays_up() {
    let app = spawn_app(Backend::Sqlite).await;
    let (user, other) = (app.new_user().await, app.new_user().await);
    for (shape, line, start) in hostile_lines() {
        let report = app.validate_react(&user, &component(&line)).await.expect(200);
        let issue = single_issue(&report, "too-deep", 2);
        let column = issue["column"].as_u64().unwrap_or(0);
        assert!((start..=line.len() as u64).contains(&column), "{shape}: column {column}: {issue}");
        assert!(str_of(&issue["message"]).contains("256"), "{shape}: {issue}");
        still_serving(&app, &other).await;
    }
}

#[tokio::test]
async fn the_issues_1400_parentheses_are_too_deep_at_the_parenthesis_that_crosses_the_bound() {
    let app = spawn_app(Backend::Sqlite).await;
    let (user, other) = (app.new_user().await, app.new_user().await);
    // 2.8 KB that used to abort the server. Line 2 is `  const x = ((…`: the export is level
    // 1, the declaration level 2, the k-th parenthesis level k + 2, so level 257 is the 255th
    // parenthesis, at column 13 + 254.
    let code = component(&format!("  const x = {};", nest("(", "1", ")", DEPTH)));
    let report = app.validate_react(&user, &code).await.expect(200);
    let issue = single_issue(&report, "too-deep", 2);
    assert_eq!(issue["column"], 267, "{issue}");
    still_serving(&app, &other).await;
}

async fn saving_deeply_nested_code_stores_it_as_too_deep_and_it_does_not_compile(backend: Backend) {
    let app = spawn_app(backend).await;
    let (user, other) = (app.new_user().await, app.new_user().await);
    let prompt = app.new_prompt(&user).await;
    let code = component(&format!("  const x = {};", nest("[", "1", "]", DEPTH)));

    let ui =
        app.create_custom_ui(&user, &custom_ui_body(str_of(&prompt["id"]), "Deep", &code)).await.expect(201);

    assert_eq!(ui["validated"], false, "{ui}");
    let errors = ui["validation_errors"].as_array().expect("the issues are stored");
    assert_eq!(
        (errors.len(), str_of(&errors[0]["rule"]), errors[0]["line"].as_u64()),
        (1, "too-deep", Some(2))
    );
    let refused = app.get_compiled(&user, str_of(&ui["id"]), None).await;
    let body = refused.expect(422);
    assert_eq!(body["error"]["details"]["validation_errors"][0]["rule"], "too-deep", "{body}");
    still_serving(&app, &other).await;
}

async fn validate_template(app: &TestApp, user: &TestUser, html: &str) -> Value {
    app.validate_component(user, &json!({"component_code": html, "component_type": "template"}))
        .await
        .expect(200)
}

#[tokio::test]
async fn hostile_templates_are_refused_at_the_tag_that_crosses_a_bound() {
    let app = spawn_app(Backend::Sqlite).await;
    let (user, other) = (app.new_user().await, app.new_user().await);

    // 100,000 nested <div>s (500 KB) took the sanitiser 52 s of CPU.
    let report = validate_template(&app, &user, &"<div>".repeat(100_000)).await;
    let issue = single_issue(&report, "too-deep", 1);
    assert_eq!(issue["column"], 5 * 256 + 1, "the 257th <div>: {issue}");
    still_serving(&app, &other).await;

    let shapes = [
        ("nested formatting elements", "<b><i>".repeat(40_000), "too-deep"),
        ("nested tables", "<table><tr><td>".repeat(20_000), "too-deep"),
        ("nested lists", "<ul><li>".repeat(40_000), "too-deep"),
        (
            "formatting elements re-opened for every paragraph",
            format!(
                "<p>{}{}",
                (0..200).map(|i| format!("<b id=b{i}>")).collect::<String>(),
                "</p><p>x".repeat(20_000)
            ),
            "too-large",
        ),
        (
            "one tag with 50,000 attributes",
            format!("<p {}>", (0..50_000).map(|i| format!("a{i} ")).collect::<String>()),
            "too-large",
        ),
        ("60,000 tags", "<br>".repeat(60_000), "too-large"),
    ];
    for (shape, html, rule) in shapes {
        assert!(html.len() <= 512 * 1024, "{shape} is within the size limit");
        let report = validate_template(&app, &user, &html).await;
        let issue = single_issue(&report, rule, 1);
        assert!(issue["column"].as_u64().is_some_and(|c| c >= 1), "{shape}: {issue}");
        still_serving(&app, &other).await;
    }
}

#[tokio::test]
async fn a_ten_megabyte_body_is_refused_and_the_server_stays_up() {
    let app = spawn_app(Backend::Sqlite).await;
    let (user, other) = (app.new_user().await, app.new_user().await);
    let code = "(".repeat(10 * 1024 * 1024);
    let body = serde_json::to_vec(&json!({"component_code": code, "component_type": "react"})).unwrap();

    let sent = app
        .client
        .post(format!("{}/api/custom-uis/validate", app.address))
        .bearer_auth(&user.token)
        .header("content-type", "application/json")
        .body(body)
        .send()
        .await;

    // The server answers 413 once it has read past its 1 MiB limit and closes the connection;
    // a client still writing the rest may see the closed connection before the answer.
    match sent {
        Ok(reply) => {
            assert_eq!(reply.status().as_u16(), 413);
            let body: Value = reply.json().await.unwrap();
            assert_eq!(body["error"]["code"], "payload_too_large", "{body}");
        }
        Err(error) => assert!(error.is_request() || error.is_body(), "{error:?}"),
    }
    still_serving(&app, &other).await;
}

#[tokio::test]
async fn a_flood_of_hostile_validations_is_answered_or_refused_and_the_server_stays_up() {
    let app = spawn_app(Backend::Sqlite).await;
    let (user, other) = (app.new_user().await, app.new_user().await);
    let replies = futures::future::join_all((0..100).map(|i| {
        // Distinct inputs, so the compile cache does not answer for the compiler.
        let code = component(&format!("  // {i}\n  const x = {};", nest("(", "1", ")", 20_000)));
        let (app, user) = (&app, &user);
        async move { app.validate_react(user, &code).await }
    }))
    .await;

    let mut checked = 0;
    for reply in replies {
        match reply.status.as_u16() {
            200 => {
                single_issue(&reply.json(), "too-deep", 3);
                checked += 1;
            }
            429 => {
                reply.expect_error(429, "rate_limited");
                assert_eq!(reply.header("retry-after").as_deref(), Some("1"));
            }
            other => panic!("expected 200 or 429, got {other}: {}", reply.body),
        }
    }
    assert!(checked > 0, "some validations ran");
    still_serving(&app, &other).await;
}

#[tokio::test]
async fn with_one_compiler_thread_and_no_queue_a_second_validation_at_once_is_429() {
    let app = spawn_app_with(
        Backend::Sqlite,
        Options {
            args: ["--compile-threads", "1", "--compile-queue", "0"].map(String::from).to_vec(),
            ..Options::default()
        },
    )
    .await;
    let (user, other) = (app.new_user().await, app.new_user().await);
    // Each takes the one thread for a while (a budget's worth of parsing), so of many sent at
    // once, some find it busy.
    let replies = futures::future::join_all((0..16).map(|i| {
        let code = component(&format!("  // {i}\n  type T = {};", nest("[", "A", "]", 30_000)));
        let (app, user) = (&app, &user);
        async move { app.validate_react(user, &code).await }
    }))
    .await;
    let statuses: Vec<u16> = replies.iter().map(|r| r.status.as_u16()).collect();
    assert!(statuses.iter().all(|s| *s == 200 || *s == 429), "{statuses:?}");
    assert!(statuses.contains(&200) && statuses.contains(&429), "{statuses:?}");
    still_serving(&app, &other).await;
}
