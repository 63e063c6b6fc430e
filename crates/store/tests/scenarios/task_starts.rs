//! Recording a burst of task starts in one transaction: each start gets its run (with the
//! user's turn) and its pending row; a task id another user already has, or one repeated in
//! the burst, is refused for that start alone and leaves nothing behind.

use promptdeck_core::{NewRun, NewTask, TaskStatus};
use promptdeck_store::{Store, StoreError, TaskStart};
use uuid::Uuid;

use crate::helpers::{Backend, both_backends, test_store};
pub(crate) use promptdeck_testdb::records::start;

both_backends!(a_burst_of_starts_is_recorded_and_taken_ids_are_refused_alone);

/// `count` tasks started in one batch, each with its new run: every third is `second`'s, the rest
/// `first`'s; task `i` asks "question {i}".
pub(crate) async fn started(
    store: &Store,
    first: Uuid,
    second: Uuid,
    count: usize,
) -> Vec<(Uuid, TaskStart)> {
    let starts: Vec<(Uuid, TaskStart)> = (0..count)
        .map(|i| {
            let user = if i % 3 == 0 { second } else { first };
            (user, start(&format!("question {i}"), &Uuid::new_v4().to_string()))
        })
        .collect();
    let refs: Vec<(Uuid, &TaskStart)> = starts.iter().map(|(u, s)| (*u, s)).collect();
    assert!(store.start_new_tasks(&refs).await.unwrap().iter().all(Result::is_ok));
    starts
}

async fn a_burst_of_starts_is_recorded_and_taken_ids_are_refused_alone(backend: Backend) {
    let store = test_store(backend).await;
    let alice = store.create_user(&format!("a-{}@example.com", Uuid::new_v4()), "hash").await.unwrap();
    let bob = store.create_user(&format!("b-{}@example.com", Uuid::new_v4()), "hash").await.unwrap();
    // Alice registered a task over REST: its id is taken for everyone else.
    let registered = Uuid::new_v4().to_string();
    let run = store.create_run(alice.id, &NewRun::default()).await.unwrap();
    let rest = NewTask { task_id: Some(registered.clone()), ..start("x", "x").task };
    store.create_task(alice.id, run.id, &rest).await.unwrap();

    let (one, two, repeated) =
        (Uuid::new_v4().to_string(), Uuid::new_v4().to_string(), Uuid::new_v4().to_string());
    let starts = [
        (alice.id, start("first", &one)),
        (bob.id, start("stolen", &registered)),
        (bob.id, start("second", &two)),
        (alice.id, start("again", &repeated)),
        (bob.id, start("again", &repeated)),
    ];
    let refs: Vec<(Uuid, &TaskStart)> = starts.iter().map(|(u, s)| (*u, s)).collect();
    let results = store.start_new_tasks(&refs).await.unwrap();
    let outcome: Vec<&str> = results
        .iter()
        .map(|r| match r {
            Ok(()) => "ok",
            Err(StoreError::Conflict(_)) => "conflict",
            Err(_) => "other",
        })
        .collect();
    assert_eq!(outcome, ["ok", "conflict", "ok", "ok", "conflict"]);

    for (user, start) in [(alice.id, &starts[0].1), (bob.id, &starts[2].1), (alice.id, &starts[3].1)] {
        let task_id = start.task.task_id.as_deref().unwrap();
        let task = store.get_task(user, task_id).await.unwrap().expect("the task is recorded");
        assert_eq!(task.status, TaskStatus::Streaming);
        assert_eq!(task.run_id, start.run_id);
        let run = store.get_run(user, start.run_id).await.unwrap().expect("its run is recorded");
        assert_eq!(run.task_count, 1);
        assert_eq!(run.messages.len(), 1);
        assert_eq!(run.messages[0].content, start.messages[0].content);
        assert_eq!(run.messages[0].task_id.as_deref(), Some(task_id));
    }
    // The refused starts left no run, and the taken ids still belong to their first owner.
    assert!(store.get_run(bob.id, starts[1].1.run_id).await.unwrap().is_none());
    assert!(store.get_run(bob.id, starts[4].1.run_id).await.unwrap().is_none());
    assert_eq!(store.get_task(alice.id, &registered).await.unwrap().unwrap().run_id, run.id);
    assert!(store.get_task(bob.id, &registered).await.unwrap().is_none());
    assert!(store.get_task(bob.id, &repeated).await.unwrap().is_none());
    let bobs =
        store.list_runs(bob.id, &Default::default(), promptdeck_core::PageRequest::default()).await.unwrap();
    assert_eq!(bobs.total, 1, "bob has the one run of his accepted start");
}
