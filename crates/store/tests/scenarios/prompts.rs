//! Prompts: each user's own, paged, patched field by field, and deleted with their UIs.

use promptdeck_core::{CustomUiStatus, PageRequest, PromptPatch};
use serde_json::json;

use crate::helpers::{Backend, both_backends, new_prompt, new_ui, new_user, test_store};

both_backends!(
    prompts_are_listed_for_their_owner_only_in_pages,
    a_patch_changes_only_the_given_fields_and_keeps_unknown_settings,
    deleting_a_prompt_deletes_its_uis_and_only_the_owner_may,
);

async fn prompts_are_listed_for_their_owner_only_in_pages(backend: Backend) {
    let store = test_store(backend).await;
    let (alice, bob) = (new_user(&store).await, new_user(&store).await);
    for n in 0..5 {
        new_prompt(&store, alice.id, &format!("Alice {n}")).await;
    }
    let bobs = new_prompt(&store, bob.id, "Bob's").await;

    let page = store.list_prompts(alice.id, PageRequest::new(Some(2), Some(3))).await.unwrap();
    assert_eq!((page.total, page.limit, page.offset, page.items.len()), (5, 2, 3, 2));
    assert!(page.items.iter().all(|p| p.user_id == alice.id));
    let all = store.list_prompts(alice.id, PageRequest::default()).await.unwrap();
    assert_eq!(all.items.len(), 5);
    assert!(!all.items.iter().any(|p| p.id == bobs.id));

    assert!(
        store.get_prompt(alice.id, bobs.id).await.unwrap().is_none(),
        "another user's prompt is not found"
    );
    assert_eq!(store.get_prompt(bob.id, bobs.id).await.unwrap().unwrap().name, "Bob's");
}

async fn a_patch_changes_only_the_given_fields_and_keeps_unknown_settings(backend: Backend) {
    let store = test_store(backend).await;
    let alice = new_user(&store).await;
    let bob = new_user(&store).await;
    let prompt = new_prompt(&store, alice.id, "Before").await;
    let settings =
        serde_json::from_value(json!({"model_id": "echo", "echo_repeat": 2, "temperature": 0.5})).unwrap();
    let patch =
        PromptPatch { name: Some("After".into()), settings: Some(settings), ..PromptPatch::default() };

    assert!(store.update_prompt(bob.id, prompt.id, patch.clone()).await.unwrap().is_none());
    let patched = store.update_prompt(alice.id, prompt.id, patch).await.unwrap().unwrap();

    assert_eq!(patched.name, "After");
    assert_eq!(patched.messages, prompt.messages);
    let stored = store.get_prompt(alice.id, prompt.id).await.unwrap().unwrap();
    assert_eq!(stored, patched);
    let settings = serde_json::to_value(&stored.settings).unwrap();
    assert_eq!(settings["echo_repeat"], 2, "unknown settings are kept: {settings}");
    assert_eq!(settings["temperature"], 0.5);
}

async fn deleting_a_prompt_deletes_its_uis_and_only_the_owner_may(backend: Backend) {
    let store = test_store(backend).await;
    let (alice, bob) = (new_user(&store).await, new_user(&store).await);
    let prompt = new_prompt(&store, alice.id, "Doomed").await;
    let ui = new_ui(&store, alice.id, prompt.id, "Its UI", CustomUiStatus::Active, true).await;
    assert!(store.get_prompt_of_visible_ui(bob.id, ui.id).await.unwrap().is_some());

    assert!(!store.delete_prompt(bob.id, prompt.id).await.unwrap());
    assert!(store.get_prompt(alice.id, prompt.id).await.unwrap().is_some());
    assert!(store.delete_prompt(alice.id, prompt.id).await.unwrap());

    assert!(store.get_prompt(alice.id, prompt.id).await.unwrap().is_none());
    assert!(store.find_ui(alice.id, ui.id).await.unwrap().is_none(), "its UI went with it");
    assert!(store.get_prompt_of_visible_ui(bob.id, ui.id).await.unwrap().is_none());
    assert!(!store.delete_prompt(alice.id, prompt.id).await.unwrap());
}
