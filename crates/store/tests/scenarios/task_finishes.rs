//! Recording finished tasks in one transaction: each gets its final row and its answer in its
//! run; a run that is gone, or that the answer would take past its caps, refuses that answer
//! alone — its task row is still written and the other finishes are kept.

use promptdeck_core::{RunCaps, TaskStatus};
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
