//! Recording finished tasks in one transaction: each gets its final row and its answer in its
//! run; a run that is gone, or that the answer would take past its caps, refuses that answer
//! alone — its task row is still written and the other finishes are kept.

use promptdeck_core::{MessageRole, NewRunMessage, RunCaps, TaskStatus};
use promptdeck_store::{StoreError, TaskFinish, TaskProgress, TaskRun, TaskStart};
use uuid::Uuid;

use crate::helpers::{Backend, both_backends, new_user, test_store};
use crate::task_starts::start;

both_backends!(finished_tasks_are_recorded_together_and_a_refused_answer_stays_alone);

fn finish(user: Uuid, start: &TaskStart, answer: &str) -> TaskFinish {
    let task_id = start.task.task_id.clone().unwrap();
    TaskFinish {
        user,
        task_id: task_id.clone(),
        progress: TaskProgress {
            status: TaskStatus::Completed,
            response_text: answer.into(),
            tokens_input: Some(2),
            tokens_output: Some(3),
            cost: Some(0.5),
            response_chunks: Some(vec![2, 2]),
            ..TaskProgress::default()
        },
        run_id: start.run_id,
        messages: vec![NewRunMessage {
            role: MessageRole::Assistant,
            content: answer.into(),
            task_id: Some(task_id),
            timestamp: None,
            metadata: None,
        }],
        tokens: 5,
        cost: 0.5,
    }
}

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
