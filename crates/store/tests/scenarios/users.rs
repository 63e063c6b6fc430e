//! Accounts and sessions: the first account is the admin, emails are unique, a session is
//! found by its token until it expires or is revoked, and an account keeps its newest sessions.

use chrono::{Duration, Utc};
use promptdeck_store::StoreError;

use crate::helpers::{Backend, both_backends, new_user, test_store};

both_backends!(
    the_first_account_is_the_admin_and_an_email_is_taken_once,
    a_session_is_found_by_its_token_until_revoked_or_expired,
    an_account_keeps_only_its_newest_sessions,
);

async fn the_first_account_is_the_admin_and_an_email_is_taken_once(backend: Backend) {
    let store = test_store(backend).await;
    let first = store.create_user("first@example.com", "hash-1").await.unwrap();
    let second = store.create_user("second@example.com", "hash-2").await.unwrap();
    assert!(first.is_admin);
    assert!(!second.is_admin);

    let again = store.create_user("first@example.com", "hash-3").await;
    assert!(matches!(again, Err(StoreError::Conflict(_))), "{again:?}");

    let (user, hash) = store.user_credentials("second@example.com").await.unwrap().unwrap();
    assert_eq!((user.id, hash.as_str()), (second.id, "hash-2"));
    assert!(store.user_credentials("nobody@example.com").await.unwrap().is_none());

    assert!(store.set_admin("second@example.com", true).await.unwrap());
    assert!(store.user_by_id(second.id).await.unwrap().unwrap().is_admin);
    assert!(!store.set_admin("nobody@example.com", true).await.unwrap());
}

async fn a_session_is_found_by_its_token_until_revoked_or_expired(backend: Backend) {
    let store = test_store(backend).await;
    let user = new_user(&store).await;
    let other = new_user(&store).await;
    let live = store.create_session(user.id, "token-live", Duration::days(1), 50).await.unwrap();
    let _expired = store.create_session(user.id, "token-expired", Duration::seconds(-1), 50).await.unwrap();

    let owner = store.session_by_token("token-live").await.unwrap().unwrap();
    assert_eq!((owner.user.id, owner.session_id, owner.last_used_at), (user.id, live, None));
    assert!(store.session_by_token("token-expired").await.unwrap().is_none());
    assert!(store.session_by_token("no-such-token").await.unwrap().is_none());

    let at = Utc::now();
    store.touch_session(live, at).await.unwrap();
    let touched = store.session_by_token("token-live").await.unwrap().unwrap();
    let last_used = touched.last_used_at.unwrap();
    assert!((last_used - at).num_milliseconds().abs() < 1, "{last_used} vs {at}");

    let sessions = store.list_sessions(user.id).await.unwrap();
    assert_eq!(sessions.iter().map(|s| s.id).collect::<Vec<_>>(), [live]);
    assert!(!store.revoke_session(other.id, live).await.unwrap(), "another account cannot revoke it");
    assert!(store.revoke_session(user.id, live).await.unwrap());
    assert!(store.session_by_token("token-live").await.unwrap().is_none());
    assert!(!store.revoke_session(user.id, live).await.unwrap());
}

async fn an_account_keeps_only_its_newest_sessions(backend: Backend) {
    let store = test_store(backend).await;
    let user = new_user(&store).await;
    let other = new_user(&store).await;
    let others = store.create_session(other.id, "other", Duration::days(1), 2).await.unwrap();
    for n in 0..4 {
        store.create_session(user.id, &format!("token-{n}"), Duration::days(1), 2).await.unwrap();
        tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    }
    for (token, kept) in [("token-0", false), ("token-1", false), ("token-2", true), ("token-3", true)] {
        assert_eq!(store.session_by_token(token).await.unwrap().is_some(), kept, "{token}");
    }
    assert_eq!(store.list_sessions(user.id).await.unwrap().len(), 2);
    assert_eq!(
        store.list_sessions(other.id).await.unwrap().iter().map(|s| s.id).collect::<Vec<_>>(),
        [others]
    );
}
