//! Runs: appends keep the totals and stop at the run's caps in one transaction, listing reads
//! the model from the run's JSON settings (each database has its own JSON functions) and hides
//! soft-deleted runs, and each user sees only their own.

use promptdeck_core::{
    MessageRole, NewRun, NewRunMessage, PageRequest, RunCaps, RunPatch, RunStatus, RunTooLarge,
};
use promptdeck_store::{RunFilter, StoreError};
use serde_json::json;

use crate::helpers::{Backend, both_backends, new_user, test_store};

both_backends!(
    appends_add_up_and_a_run_stops_at_its_caps,
    a_run_stops_at_its_byte_cap,
    runs_are_listed_for_their_owner_with_the_model_of_their_settings,
);

fn message(content: &str) -> NewRunMessage {
    NewRunMessage {
        role: MessageRole::User,
        content: content.into(),
        task_id: None,
        timestamp: None,
        metadata: None,
    }
}

async fn appends_add_up_and_a_run_stops_at_its_caps(backend: Backend) {
    let store = test_store(backend).await;
    let store = (*store).clone().with_run_caps(RunCaps { max_messages: 3, max_bytes: 1 << 20 });
    let (alice, bob) = (new_user(&store).await, new_user(&store).await);
    let run = store.create_run(alice.id, &NewRun::default()).await.unwrap();

    let after =
        store.append_run_messages(alice.id, run.id, vec![message("one"), message("two")], 10, 0.5).await;
    let after = after.unwrap();
    assert_eq!((after.message_count, after.total_tokens, after.total_cost), (2, 10, 0.5));
    let contents: Vec<&str> = after.messages.iter().map(|m| m.content.as_str()).collect();
    assert_eq!(contents, ["one", "two"]);

    let over =
        store.append_run_messages(alice.id, run.id, vec![message("three"), message("four")], 1, 0.0).await;
    assert!(
        matches!(over, Err(StoreError::RunTooLarge(RunTooLarge::Messages { limit: 3, count: 4 }))),
        "{over:?}"
    );
    let kept = store.get_run(alice.id, run.id).await.unwrap().unwrap();
    assert_eq!((kept.message_count, kept.total_tokens), (2, 10), "a refused append leaves nothing");

    let nul = store.append_run_messages(alice.id, run.id, vec![message("a\0b")], 0, 0.0).await;
    assert!(matches!(nul, Err(StoreError::InvalidText(_))), "{nul:?}");
    let negative = store.append_run_messages(alice.id, run.id, vec![message("x")], -1, 0.0).await;
    assert!(matches!(negative, Err(StoreError::Invalid(_))), "{negative:?}");

    let stranger = store.append_run_messages(bob.id, run.id, vec![message("mine now")], 0, 0.0).await;
    assert!(stranger.is_err(), "another user cannot append: {stranger:?}");
    assert!(store.get_run(bob.id, run.id).await.unwrap().is_none());
    let last = store.append_run_messages(alice.id, run.id, vec![message("three")], 0, 0.0).await.unwrap();
    assert_eq!(last.message_count, 3);
}

async fn a_run_stops_at_its_byte_cap(backend: Backend) {
    let store = test_store(backend).await;
    let store = (*store).clone().with_run_caps(RunCaps { max_messages: 100, max_bytes: 1000 });
    let alice = new_user(&store).await;
    let run = store.create_run(alice.id, &NewRun::default()).await.unwrap();
    store.append_run_messages(alice.id, run.id, vec![message(&"a".repeat(600))], 0, 0.0).await.unwrap();

    let over = store.append_run_messages(alice.id, run.id, vec![message(&"b".repeat(600))], 0, 0.0).await;
    assert!(matches!(over, Err(StoreError::RunTooLarge(RunTooLarge::Bytes { .. }))), "{over:?}");
    let kept = store.get_run(alice.id, run.id).await.unwrap().unwrap();
    assert_eq!(kept.message_count, 1);
    store.append_run_messages(alice.id, run.id, vec![message(&"c".repeat(100))], 0, 0.0).await.unwrap();
}

async fn runs_are_listed_for_their_owner_with_the_model_of_their_settings(backend: Backend) {
    let store = test_store(backend).await;
    let (alice, bob) = (new_user(&store).await, new_user(&store).await);
    let settings = |value: serde_json::Value| value.as_object().cloned().unwrap_or_default();
    let with_model = NewRun {
        name: Some("Owl story".into()),
        settings: settings(json!({"model_id": "echo", "temperature": 0.2})),
        ..NewRun::default()
    };
    let odd_model = NewRun {
        name: Some("Numbers".into()),
        settings: settings(json!({"model_id": 42})),
        ..NewRun::default()
    };
    let owl = store.create_run(alice.id, &with_model).await.unwrap();
    let numbers = store.create_run(alice.id, &odd_model).await.unwrap();
    let gone =
        store.create_run(alice.id, &NewRun { name: Some("Gone".into()), ..NewRun::default() }).await.unwrap();
    store.create_run(bob.id, &with_model).await.unwrap();
    let starred = RunPatch { is_starred: Some(true), ..RunPatch::default() };
    assert!(store.update_run(alice.id, owl.id, &starred).await.unwrap().unwrap().is_starred);
    let deleted = RunPatch { status: Some(RunStatus::Deleted), ..RunPatch::default() };
    store.update_run(alice.id, gone.id, &deleted).await.unwrap().unwrap();
    assert!(store.update_run(bob.id, owl.id, &deleted).await.unwrap().is_none(), "not bob's to change");

    let list = |filter: RunFilter| {
        let store = &store;
        async move { store.list_runs(alice.id, &filter, PageRequest::default()).await.unwrap() }
    };
    let all = list(RunFilter::default()).await;
    assert_eq!(all.total, 2, "the deleted run is hidden");
    let model_of = |id| all.items.iter().find(|r| r.id == id).map(|r| r.model_id.clone());
    assert_eq!(model_of(owl.id), Some(Some("echo".into())));
    assert_eq!(model_of(numbers.id), Some(None), "a model_id that is not a string is no model");

    let deleted = list(RunFilter { status: Some(RunStatus::Deleted), ..RunFilter::default() }).await;
    assert_eq!(deleted.items.iter().map(|r| r.id).collect::<Vec<_>>(), [gone.id]);
    let starred = list(RunFilter { starred: Some(true), ..RunFilter::default() }).await;
    assert_eq!(starred.items.iter().map(|r| r.id).collect::<Vec<_>>(), [owl.id]);
    let found = list(RunFilter { q: Some("OWL".into()), ..RunFilter::default() }).await;
    assert_eq!(found.items.iter().map(|r| r.id).collect::<Vec<_>>(), [owl.id]);
    assert_eq!(
        store.list_runs(bob.id, &RunFilter::default(), PageRequest::default()).await.unwrap().total,
        1
    );
}
