//! Custom UIs: who sees which, the list scopes and filters (text search with LIKE's wildcards
//! taken literally), featuring, and the owner-only writes.

use promptdeck_core::{CustomUiStatus, NewUsage, PageRequest, RatingInput};
use promptdeck_store::{UiFilter, UiScope, UiSort};

use crate::helpers::{Backend, both_backends, new_prompt, new_ui, new_user, test_store};

both_backends!(
    a_ui_is_seen_by_its_owner_and_by_others_only_while_public_and_active,
    the_list_scopes_filter_by_owner_publicity_and_featuring,
    text_search_ignores_case_and_takes_wildcards_literally,
    lists_sort_by_rating_and_carry_the_rating_aggregates,
    lists_sort_by_use_count_and_by_latest_change,
    only_the_owner_saves_or_deletes_a_ui,
);

fn ids(page: &promptdeck_core::Page<promptdeck_core::CustomUiSummary>) -> Vec<uuid::Uuid> {
    page.items.iter().map(|u| u.id).collect()
}

async fn a_ui_is_seen_by_its_owner_and_by_others_only_while_public_and_active(backend: Backend) {
    let store = test_store(backend).await;
    let (alice, bob) = (new_user(&store).await, new_user(&store).await);
    let prompt = new_prompt(&store, alice.id, "P").await;
    let cases = [
        (CustomUiStatus::Draft, false, false),
        (CustomUiStatus::Draft, true, false),
        (CustomUiStatus::Active, false, false),
        (CustomUiStatus::Active, true, true),
        (CustomUiStatus::Archived, true, false),
    ];
    for (status, public, seen_by_others) in cases {
        let ui = new_ui(&store, alice.id, prompt.id, "UI", status, public).await;
        assert!(store.find_ui(alice.id, ui.id).await.unwrap().is_some(), "{status:?} public={public}");
        let seen = store.find_ui(bob.id, ui.id).await.unwrap().is_some();
        assert_eq!(seen, seen_by_others, "{status:?} public={public}");
        let prompt_seen = store.get_prompt_of_visible_ui(bob.id, ui.id).await.unwrap().is_some();
        assert_eq!(prompt_seen, seen_by_others, "its prompt, {status:?} public={public}");
    }
}

async fn the_list_scopes_filter_by_owner_publicity_and_featuring(backend: Backend) {
    let store = test_store(backend).await;
    let (alice, bob) = (new_user(&store).await, new_user(&store).await);
    let (p1, p2) = (new_prompt(&store, alice.id, "P1").await, new_prompt(&store, alice.id, "P2").await);
    let draft = new_ui(&store, alice.id, p1.id, "Draft", CustomUiStatus::Draft, false).await;
    let public = new_ui(&store, alice.id, p1.id, "Public", CustomUiStatus::Active, true).await;
    let featured = new_ui(&store, alice.id, p2.id, "Featured", CustomUiStatus::Active, true).await;
    assert!(store.set_featured(featured.id, true).await.unwrap().unwrap().is_featured);
    let bobs_prompt = new_prompt(&store, bob.id, "B").await;
    let bobs = new_ui(&store, bob.id, bobs_prompt.id, "Bob's", CustomUiStatus::Draft, false).await;

    let list = |user, filter: UiFilter| {
        let store = &store;
        async move { store.list_uis(user, &filter, PageRequest::default()).await.unwrap() }
    };
    let mut mine = ids(&list(alice.id, UiFilter::default()).await);
    mine.sort();
    let mut expected = vec![draft.id, public.id, featured.id];
    expected.sort();
    assert_eq!(mine, expected);
    assert_eq!(ids(&list(bob.id, UiFilter::default()).await), [bobs.id]);

    let mut public_ids = ids(&list(bob.id, UiFilter { scope: UiScope::Public, ..UiFilter::default() }).await);
    public_ids.sort();
    let mut expected = vec![public.id, featured.id];
    expected.sort();
    assert_eq!(public_ids, expected);
    assert_eq!(
        ids(&list(bob.id, UiFilter { scope: UiScope::Featured, ..UiFilter::default() }).await),
        [featured.id]
    );

    let by_prompt = list(alice.id, UiFilter { prompt_id: Some(p2.id), ..UiFilter::default() }).await;
    assert_eq!((ids(&by_prompt), by_prompt.total), (vec![featured.id], 1));
    let drafts =
        list(alice.id, UiFilter { status: Some(CustomUiStatus::Draft), ..UiFilter::default() }).await;
    assert_eq!(ids(&drafts), [draft.id]);

    let page =
        store.list_uis(alice.id, &UiFilter::default(), PageRequest::new(Some(1), Some(1))).await.unwrap();
    assert_eq!((page.total, page.items.len(), page.limit, page.offset), (3, 1, 1, 1));

    assert!(!store.set_featured(featured.id, false).await.unwrap().unwrap().is_featured);
    assert!(
        list(bob.id, UiFilter { scope: UiScope::Featured, ..UiFilter::default() }).await.items.is_empty()
    );
    assert!(store.set_featured(uuid::Uuid::new_v4(), true).await.unwrap().is_none());
}

async fn text_search_ignores_case_and_takes_wildcards_literally(backend: Backend) {
    let store = test_store(backend).await;
    let alice = new_user(&store).await;
    let prompt = new_prompt(&store, alice.id, "P").await;
    let percent =
        new_ui(&store, alice.id, prompt.id, "100% Tone Rewriter", CustomUiStatus::Draft, false).await;
    let underscore =
        new_ui(&store, alice.id, prompt.id, "snake_case helper", CustomUiStatus::Draft, false).await;
    let mut described = new_ui(&store, alice.id, prompt.id, "Plain", CustomUiStatus::Draft, false).await;
    described.description = Some("Writes A HAIKU".into());
    let described = store.save_ui(&described).await.unwrap();

    let search = |q: &str| {
        let (store, q) = (&store, q.to_owned());
        async move {
            let filter = UiFilter { q: Some(q), ..UiFilter::default() };
            ids(&store.list_uis(alice.id, &filter, PageRequest::default()).await.unwrap())
        }
    };
    assert_eq!(search("tone REWRITER").await, [percent.id]);
    assert_eq!(search("100%").await, [percent.id]);
    assert_eq!(search("%").await, [percent.id], "% matches itself only");
    assert_eq!(search("_").await, [underscore.id], "_ matches itself only");
    assert_eq!(search("e_c").await, [underscore.id]);
    assert_eq!(search("haiku").await, [described.id], "the description is searched too");
    assert!(search("nothing like it").await.is_empty());
    let mut everything = search("  ").await;
    everything.sort();
    let mut all = vec![percent.id, underscore.id, described.id];
    all.sort();
    assert_eq!(everything, all, "a blank query filters nothing");
}

async fn lists_sort_by_rating_and_carry_the_rating_aggregates(backend: Backend) {
    let store = test_store(backend).await;
    let alice = new_user(&store).await;
    let raters = [new_user(&store).await, new_user(&store).await, new_user(&store).await];
    let prompt = new_prompt(&store, alice.id, "P").await;
    let good = new_ui(&store, alice.id, prompt.id, "Good", CustomUiStatus::Active, true).await;
    let fair = new_ui(&store, alice.id, prompt.id, "Fair", CustomUiStatus::Active, true).await;
    let unrated = new_ui(&store, alice.id, prompt.id, "Unrated", CustomUiStatus::Active, true).await;
    let rate = |user, ui, rating| {
        let store = &store;
        async move { store.upsert_rating(user, ui, &RatingInput { rating, feedback: None }).await.unwrap() }
    };
    rate(raters[0].id, good.id, 5).await;
    rate(raters[1].id, good.id, 4).await;
    rate(raters[0].id, fair.id, 1).await;
    // A second rating by the same user replaces the first.
    let replaced = rate(raters[1].id, fair.id, 2).await;
    let again = store
        .upsert_rating(raters[1].id, fair.id, &RatingInput { rating: 3, feedback: Some("better".into()) })
        .await;
    let again = again.unwrap();
    assert_eq!((again.id, again.rating, again.feedback.as_deref()), (replaced.id, 3, Some("better")));

    let filter = UiFilter { scope: UiScope::Public, sort: UiSort::Rating, ..UiFilter::default() };
    let page = store.list_uis(raters[2].id, &filter, PageRequest::default()).await.unwrap();
    assert_eq!(ids(&page), [good.id, fair.id, unrated.id], "best first, unrated last");
    let figures: Vec<(Option<f64>, i64)> =
        page.items.iter().map(|u| (u.rating_avg, u.rating_count)).collect();
    assert_eq!(figures, [(Some(4.5), 2), (Some(2.0), 2), (None, 0)]);
    let found = store.find_ui(raters[2].id, good.id).await.unwrap().unwrap();
    assert_eq!((found.rating_avg, found.rating_count), (Some(4.5), 2));
}

async fn only_the_owner_saves_or_deletes_a_ui(backend: Backend) {
    let store = test_store(backend).await;
    let (alice, bob) = (new_user(&store).await, new_user(&store).await);
    let prompt = new_prompt(&store, alice.id, "P").await;
    let ui = new_ui(&store, alice.id, prompt.id, "Mine", CustomUiStatus::Active, true).await;

    // A save by another user changes nothing (the write is keyed on the owner).
    let mut forged = ui.clone();
    forged.user_id = bob.id;
    forged.name = "Stolen".into();
    let _ = store.save_ui(&forged).await;
    assert_eq!(store.find_ui(alice.id, ui.id).await.unwrap().unwrap().name, "Mine");

    let mut renamed = ui.clone();
    renamed.name = "Renamed".into();
    renamed.is_featured = true;
    let saved = store.save_ui(&renamed).await.unwrap();
    assert_eq!(saved.name, "Renamed");
    assert!(!saved.is_featured, "featuring is not the owner's to write");
    assert!(saved.updated_at >= ui.updated_at);

    assert!(!store.delete_ui(bob.id, ui.id).await.unwrap());
    assert!(store.delete_ui(alice.id, ui.id).await.unwrap());
    assert!(store.find_ui(alice.id, ui.id).await.unwrap().is_none());
}

async fn lists_sort_by_use_count_and_by_latest_change(backend: Backend) {
    let store = test_store(backend).await;
    let (alice, bob) = (new_user(&store).await, new_user(&store).await);
    let prompt = new_prompt(&store, alice.id, "P").await;
    let first = new_ui(&store, alice.id, prompt.id, "First", CustomUiStatus::Active, true).await;
    let second = new_ui(&store, alice.id, prompt.id, "Second", CustomUiStatus::Active, true).await;
    let third = new_ui(&store, alice.id, prompt.id, "Third", CustomUiStatus::Active, true).await;
    for (ui, uses) in [(&first, 1), (&second, 3), (&third, 2)] {
        for _ in 0..uses {
            store.insert_usage(bob.id, ui.id, &NewUsage::default()).await.unwrap();
        }
    }
    let list = |sort| {
        let store = &store;
        async move {
            let filter = UiFilter { scope: UiScope::Public, sort, ..UiFilter::default() };
            ids(&store.list_uis(bob.id, &filter, PageRequest::default()).await.unwrap())
        }
    };
    assert_eq!(list(UiSort::UseCount).await, [second.id, third.id, first.id]);

    // Saving a UI makes it the most recently changed.
    tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    store.save_ui(&first).await.unwrap();
    assert_eq!(list(UiSort::Recent).await[0], first.id);
    tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    store.save_ui(&third).await.unwrap();
    assert_eq!(list(UiSort::Recent).await[..2], [third.id, first.id]);
}
