//! Writing streaming tasks' partial text in one transaction: each task gets the last flush of
//! the batch; a finished task, or another user's, is left as it is; the first token's time is
//! kept once recorded.

use promptdeck_core::TaskStatus;
use promptdeck_store::{TaskFinish, TaskFlush, TaskStart};
use uuid::Uuid;

use crate::helpers::{Backend, both_backends, new_user, test_store};
use crate::task_starts::started;

both_backends!(partial_texts_are_written_together_and_never_over_a_final_record);

fn flush(user: Uuid, start: &TaskStart, text: &str, ttft_ms: Option<f64>) -> TaskFlush {
    TaskFlush {
        user,
        task_id: start.task.task_id.clone().unwrap(),
        text: text.into(),
        chunks: vec![u8::try_from(text.len().min(255)).unwrap()],
        ttft_ms,
    }
}

/// More flushes than one statement carries (the store writes 200 rows per statement), from two
/// users; one task flushed twice in the batch, one already finished, one flushed by a stranger.
async fn partial_texts_are_written_together_and_never_over_a_final_record(backend: Backend) {
    let store = test_store(backend).await;
    let (alice, bob, stranger) = (new_user(&store).await, new_user(&store).await, new_user(&store).await);
    let starts = started(&store, alice.id, bob.id, 450).await;

    // Task 1 has finished before its flush reaches the store.
    let (user1, start1) = (starts[1].0, &starts[1].1);
    let final_record = TaskFinish {
        user: user1,
        task_id: start1.task.task_id.clone().unwrap(),
        progress: promptdeck_store::TaskProgress {
            status: TaskStatus::Completed,
            response_text: "the final answer".into(),
            ..Default::default()
        },
        run_id: start1.run_id,
        messages: Vec::new(),
        tokens: 0,
        cost: 0.0,
    };
    assert!(store.finish_tasks(&[final_record]).await.unwrap()[0].run.is_ok());

    let mut flushes: Vec<TaskFlush> = starts
        .iter()
        .enumerate()
        .map(|(i, (user, s))| flush(*user, s, &format!("so far {i}"), Some(10.0)))
        .collect();
    // Task 2 is flushed again later in the same batch: the later text is the one kept.
    flushes.push(flush(starts[2].0, &starts[2].1, "so far 2, and more", Some(10.0)));
    // A stranger's flush of task 4's id changes nothing.
    flushes.push(flush(stranger.id, &starts[4].1, "forged", Some(1.0)));
    store.flush_tasks(&flushes).await.unwrap();

    // A second flush keeps the first token's time already recorded.
    store.flush_tasks(&[flush(starts[0].0, &starts[0].1, "so far 0, then more", Some(99.0))]).await.unwrap();

    for (i, (user, s)) in starts.iter().enumerate() {
        let task_id = s.task.task_id.as_deref().unwrap();
        let replay = store.get_task_replay(*user, task_id).await.unwrap().expect("the task row");
        let task = &replay.task;
        match i {
            1 => {
                assert_eq!(task.status, TaskStatus::Completed, "a late flush leaves the final record");
                assert_eq!(task.response_text.as_deref(), Some("the final answer"));
            }
            _ => {
                let text = match i {
                    0 => "so far 0, then more".to_owned(),
                    2 => "so far 2, and more".to_owned(),
                    _ => format!("so far {i}"),
                };
                assert_eq!(task.status, TaskStatus::Streaming, "task {i}");
                assert_eq!(task.response_text.as_deref(), Some(text.as_str()), "task {i}");
                assert_eq!(replay.chunks, Some(vec![u8::try_from(text.len()).unwrap()]), "task {i}");
                assert_eq!(task.time_to_first_token, Some(10.0), "task {i}");
            }
        }
    }
    assert!(store.flush_tasks(&[]).await.is_ok(), "an empty batch is nothing to write");
}
