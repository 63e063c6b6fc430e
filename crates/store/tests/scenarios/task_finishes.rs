//! Recording finished tasks in one transaction: each gets its final row and its answer in its
//! run; a run that is gone, or that the answer would take past its caps, refuses that answer
//! alone — its task row is still written and the other finishes are kept.

use promptdeck_core::{RunCaps, RunMessageMetadata, TaskStatus};
use promptdeck_store::{StoreError, TaskFinish, TaskProgress, TaskRun, TaskStart};
use uuid::Uuid;

use crate::helpers::{Backend, both_backends, new_user, test_store};
use crate::task_starts::{start, started};
use promptdeck_testdb::records::finish;

both_backends!(finished_tasks_are_recorded_together_and_a_refused_answer_stays_alone);

async fn finished_tasks_are_recorded_together_and_a_refused_answer_stays_alone(backend: Backend) {
    let store = test_store(backend).await;
    let (alice, bob) = (new_user(&store).await, new_user(&store).await);
    let ids: Vec<String> = (0..4).map(|_| Uuid::new_v4().to_string()).collect();
    let starts = [
        (alice.id, start("one", &ids[0])),
        (bob.id, start("two", &ids[1])),
        (alice.id, start("gone", &ids[2])),
        (bob.id, start("big", &ids[3])),
    ];
    let refs: Vec<(Uuid, &TaskStart)> = starts.iter().map(|(u, s)| (*u, s)).collect();
    assert!(store.start_new_tasks(&refs).await.unwrap().iter().all(Result::is_ok));
    assert!(matches!(starts[0].1.run, TaskRun::New(_)));

    let too_big = "x".repeat(RunCaps::default().max_bytes + 1);
    let finishes = [
        finish(alice.id, &starts[0].1, "answer one"),
        finish(bob.id, &starts[1].1, "answer two"),
        // A run that is not there (a forged or stale run id).
        TaskFinish { run_id: Uuid::new_v4(), ..finish(alice.id, &starts[2].1, "answer gone") },
        finish(bob.id, &starts[3].1, &too_big),
    ];
    let outcomes = store.finish_tasks(&finishes).await.unwrap();
    let runs: Vec<&str> = outcomes
        .iter()
        .map(|o| match &o.run {
            Ok(()) => "ok",
            Err(StoreError::NotFound(_)) => "not found",
            Err(StoreError::RunTooLarge(_)) => "too large",
            Err(_) => "other",
        })
        .collect();
    assert_eq!(runs, ["ok", "ok", "not found", "too large"]);

    for (i, (user, start)) in starts.iter().enumerate() {
        let task = store.get_task(*user, &ids[i]).await.unwrap().expect("the task row is written");
        assert_eq!(task.status, TaskStatus::Completed, "task {i}");
        assert_eq!(task.tokens_total, Some(5));
        let run = store.get_run(*user, start.run_id).await.unwrap().expect("the run");
        if i >= 2 {
            // The answer was refused: the run keeps only the user's turn and its totals.
            assert_eq!(
                task.response_text.as_deref().map(str::len),
                Some(finishes[i].progress.response_text.len())
            );
            assert_eq!(run.messages.len(), 1);
            assert_eq!(run.total_tokens, 0);
        } else {
            assert_eq!(run.messages.len(), 2, "run {i}");
            assert_eq!(run.messages[1].content, finishes[i].messages[0].content);
            assert_eq!(run.messages[1].task_id.as_deref(), Some(ids[i].as_str()));
            assert_eq!(run.total_tokens, 5);
        }
    }
    // Another user's finish cannot write into a run that is not theirs.
    let stranger = new_user(&store).await;
    let forged = TaskFinish { user: stranger.id, ..finish(alice.id, &starts[0].1, "forged") };
    let outcome = store.finish_tasks(std::slice::from_ref(&forged)).await.unwrap();
    assert!(matches!(outcome[0].run, Err(StoreError::NotFound(_))));
    let task = store.get_task(alice.id, &ids[0]).await.unwrap().unwrap();
    assert_eq!(task.response_text.as_deref(), Some("answer one"), "the stranger's finish changed nothing");
    let run = store.get_run(alice.id, starts[0].1.run_id).await.unwrap().unwrap();
    assert_eq!(run.messages.len(), 2);
}

both_backends!(a_large_batch_over_many_runs_and_several_finishes_of_one_run_are_each_recorded);

/// More finishes than one statement carries (the store writes 200 rows per statement), from
/// two users, with three finishes of one run in the batch — the middle one too large — and a
/// failed task whose figures are all unknown (NULLs in the multi-row statement).
async fn a_large_batch_over_many_runs_and_several_finishes_of_one_run_are_each_recorded(backend: Backend) {
    let store = test_store(backend).await;
    let (alice, bob) = (new_user(&store).await, new_user(&store).await);
    let starts = started(&store, alice.id, bob.id, 450).await;

    let mut finishes: Vec<TaskFinish> =
        starts.iter().enumerate().map(|(i, (user, s))| finish(*user, s, &format!("answer {i}"))).collect();
    // Task 1 fails with nothing known about it.
    finishes[1].progress = TaskProgress { status: TaskStatus::Failed, ..TaskProgress::default() };
    finishes[1].messages.clear();
    finishes[1].tokens = 0;
    finishes[1].cost = 0.0;
    // Two more answers for alice's run of task 2 (as a conversation's later turns would be):
    // one past the run's caps, refused alone, then one that fits.
    let run = starts[2].1.run_id;
    let too_big = "y".repeat(RunCaps::default().max_bytes);
    finishes.push(TaskFinish { run_id: run, ..finish(alice.id, &starts[2].1, &too_big) });
    finishes.push(TaskFinish { run_id: run, ..finish(alice.id, &starts[2].1, "a later answer") });
    let outcomes = store.finish_tasks(&finishes).await.unwrap();
    assert_eq!(outcomes.len(), finishes.len());
    for (i, outcome) in outcomes.iter().enumerate() {
        match i {
            450 => assert!(matches!(outcome.run, Err(StoreError::RunTooLarge(_))), "{:?}", outcome.run),
            _ => assert!(outcome.run.is_ok(), "finish {i}: {:?}", outcome.run),
        }
    }

    for (i, (user, s)) in starts.iter().enumerate() {
        let task_id = s.task.task_id.as_deref().unwrap();
        let task = store.get_task(*user, task_id).await.unwrap().expect("the task row");
        let run = store.get_run(*user, s.run_id).await.unwrap().expect("the run");
        match i {
            1 => {
                assert_eq!(task.status, TaskStatus::Failed);
                assert_eq!(task.tokens_total, None);
                assert_eq!(
                    task.provider.as_deref(),
                    Some("echo"),
                    "an unknown provider keeps the recorded one"
                );
                assert_eq!(run.messages.len(), 1);
                assert_eq!(run.total_tokens, 0);
            }
            2 => {
                // The last of the three finishes wrote the task row; the run got the first and
                // the third answers, in order, and their totals only.
                assert_eq!(task.response_text.as_deref(), Some("a later answer"));
                let contents: Vec<&str> = run.messages.iter().map(|m| m.content.as_str()).collect();
                assert_eq!(contents, ["question 2", "answer 2", "a later answer"]);
                assert_eq!(run.message_count, 3);
                assert_eq!(run.total_tokens, 10);
                assert!((run.total_cost - 1.0).abs() < 1e-9);
            }
            _ => {
                assert_eq!(task.status, TaskStatus::Completed, "task {i}");
                assert_eq!(task.response_text.as_deref(), Some(format!("answer {i}").as_str()));
                assert_eq!(task.tokens_total, Some(5));
                let contents: Vec<&str> = run.messages.iter().map(|m| m.content.as_str()).collect();
                assert_eq!(contents, [format!("question {i}"), format!("answer {i}")]);
                assert_eq!(run.total_tokens, 5, "run {i}");
            }
        }
    }
}

both_backends!(an_answer_appended_in_sql_is_stored_exactly_and_a_run_near_its_caps_is_checked_exactly);

/// A run that gets one answer is appended to in SQL, admitted by a check on its stored JSON's
/// length, which is never shorter than the bytes the caps count. The answer must come back as
/// written (escapes, non-ASCII text, metadata), a run whose JSON is near the byte cap but whose
/// counted bytes fit must still take the answer (the exact check), and the caps must still
/// refuse what does not fit.
async fn an_answer_appended_in_sql_is_stored_exactly_and_a_run_near_its_caps_is_checked_exactly(
    backend: Backend,
) {
    let store = test_store(backend).await;
    let alice = new_user(&store).await;
    // The user's turn is "q" (1 byte as the caps count it, ~100 bytes of JSON); an answer of
    // 9 bytes fills the cap of 10 exactly, so only the exact check can admit it.
    let capped = (*store).clone().with_run_caps(RunCaps { max_messages: 3, max_bytes: 10 });
    let ids: Vec<String> = (0..3).map(|_| Uuid::new_v4().to_string()).collect();
    let starts = [start("q", &ids[0]), start("q", &ids[1]), start("q", &ids[2])];
    let refs: Vec<(Uuid, &TaskStart)> = starts.iter().map(|s| (alice.id, s)).collect();
    assert!(store.start_new_tasks(&refs).await.unwrap().iter().all(Result::is_ok));

    // Run 0: an answer that fits only by the exact count. Run 1: one byte too many. Run 2: a
    // failed task with no message but figures.
    let mut silent = finish(alice.id, &starts[2], "");
    silent.messages.clear();
    silent.tokens = 7;
    let outcomes = capped
        .finish_tasks(&[
            finish(alice.id, &starts[0], "123456789"),
            finish(alice.id, &starts[1], "1234567890"),
            silent,
        ])
        .await
        .unwrap();
    assert!(outcomes[0].run.is_ok(), "{:?}", outcomes[0].run);
    assert!(matches!(outcomes[1].run, Err(StoreError::RunTooLarge(_))), "{:?}", outcomes[1].run);
    assert!(outcomes[2].run.is_ok(), "{:?}", outcomes[2].run);
    let run = store.get_run(alice.id, starts[0].run_id).await.unwrap().unwrap();
    assert_eq!(run.messages.iter().map(|m| m.content.as_str()).collect::<Vec<_>>(), ["q", "123456789"]);
    assert_eq!((run.message_count, run.total_tokens), (2, 5));
    let run = store.get_run(alice.id, starts[1].run_id).await.unwrap().unwrap();
    assert_eq!((run.messages.len(), run.message_count, run.total_tokens), (1, 1, 0));
    let run = store.get_run(alice.id, starts[2].run_id).await.unwrap().unwrap();
    assert_eq!((run.messages.len(), run.message_count, run.total_tokens), (1, 1, 7));

    // The message cap: run 2 (one message) takes one more answer, then refuses the next.
    let roomy = (*store).clone().with_run_caps(RunCaps { max_messages: 2, max_bytes: 1 << 20 });
    let next = |answer: &str| TaskFinish { task_id: ids[2].clone(), ..finish(alice.id, &starts[2], answer) };
    assert!(roomy.finish_tasks(&[next("third")]).await.unwrap()[0].run.is_ok());
    let refused = roomy.finish_tasks(&[next("fourth")]).await.unwrap();
    assert!(matches!(refused[0].run, Err(StoreError::RunTooLarge(_))), "{:?}", refused[0].run);

    // What the SQL append stores reads back as written.
    let tricky = "quote \" backslash \\ newline \n tab \t nul-free é ü 漢字 🙂 </script> \u{2028}";
    let mut answer = finish(alice.id, &starts[0], tricky);
    answer.task_id = ids[0].clone();
    let mut extra = serde_json::Map::new();
    extra.insert("note".into(), serde_json::json!({"nested": [1, 2.5, "x\"y"], "big": 1e300}));
    answer.messages[0].metadata = Some(RunMessageMetadata {
        tokens: Some(5),
        cost: Some(0.25),
        time_to_first_token: Some(12.5),
        total_time: Some(99.0),
        extra,
    });
    let expected = answer.messages[0].clone();
    assert!(store.finish_tasks(std::slice::from_ref(&answer)).await.unwrap()[0].run.is_ok());
    let run = store.get_run(alice.id, starts[0].run_id).await.unwrap().unwrap();
    assert_eq!(run.messages.len(), 3);
    let stored = &run.messages[2];
    assert_eq!(stored.content, expected.content);
    assert_eq!(stored.role, expected.role);
    assert_eq!(stored.task_id, expected.task_id);
    assert_eq!(stored.metadata, expected.metadata);
    assert_eq!(run.messages[0].content, "q", "the earlier messages are untouched");
    assert_eq!(run.messages[1].content, "123456789");
}
