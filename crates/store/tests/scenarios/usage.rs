//! Usage rows: each one bumps its UI's `use_count` and `last_used_at` through a trigger (one
//! per database), figures are checked, and each user lists only their own rows.

use promptdeck_core::{CustomUiStatus, NewUsage, PageRequest};
use promptdeck_store::StoreError;
use serde_json::json;

use crate::helpers::{Backend, both_backends, new_prompt, new_ui, new_user, test_store};

both_backends!(each_usage_row_bumps_its_uis_counters_and_is_listed_for_its_user_only);

async fn each_usage_row_bumps_its_uis_counters_and_is_listed_for_its_user_only(backend: Backend) {
    let store = test_store(backend).await;
    let (alice, bob) = (new_user(&store).await, new_user(&store).await);
    let prompt = new_prompt(&store, alice.id, "P").await;
    let ui = new_ui(&store, alice.id, prompt.id, "Used", CustomUiStatus::Active, true).await;
    let other = new_ui(&store, alice.id, prompt.id, "Unused", CustomUiStatus::Active, true).await;
    assert_eq!((ui.use_count, ui.last_used_at), (0, None));

    let usage = NewUsage {
        run_id: None,
        execution_time_ms: Some(120),
        variables_used: Some(json!({"topic": "owls"})),
        success: Some(true),
        error_message: None,
    };
    let row = store.insert_usage(bob.id, ui.id, &usage).await.unwrap();
    assert_eq!((row.user_id, row.custom_ui_id, row.execution_time_ms), (bob.id, ui.id, Some(120)));
    store.insert_usage(bob.id, ui.id, &NewUsage { success: Some(false), ..usage.clone() }).await.unwrap();
    store.insert_usage(alice.id, ui.id, &usage).await.unwrap();

    let used = store.find_ui(alice.id, ui.id).await.unwrap().unwrap();
    assert_eq!(used.use_count, 3);
    // Set by the trigger at the last insert, after the first row was made (SQLite's trigger keeps
    // milliseconds, so compare at that precision).
    let since_first = used.last_used_at.map(|at| at - row.created_at);
    assert!(
        since_first
            .is_some_and(|d| d > -chrono::Duration::milliseconds(1) && d < chrono::Duration::seconds(60)),
        "last_used_at {:?}, first use {}",
        used.last_used_at,
        row.created_at
    );
    assert_eq!(store.find_ui(alice.id, other.id).await.unwrap().unwrap().use_count, 0);

    let bobs = store.list_usage(bob.id, PageRequest::default()).await.unwrap();
    assert_eq!(bobs.total, 2);
    assert!(bobs.items.iter().all(|u| u.user_id == bob.id));
    assert_eq!(store.list_usage(alice.id, PageRequest::default()).await.unwrap().total, 1);

    let negative =
        store.insert_usage(bob.id, ui.id, &NewUsage { execution_time_ms: Some(-1), ..usage }).await;
    assert!(matches!(negative, Err(StoreError::Invalid(_))), "{negative:?}");
    assert_eq!(store.find_ui(alice.id, ui.id).await.unwrap().unwrap().use_count, 3);
}
