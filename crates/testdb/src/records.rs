//! Task records as a `direct_chat` on the echo model makes them, for the tests and benchmarks
//! that write starts and finishes straight to the store (its scenarios, its benchmark, the
//! server's record queues): one builder, so that a new field of a start or a finish is filled
//! in one place.

use promptdeck_core::{MessageRole, NewRun, NewRunMessage, NewTask, RunRoom, TaskStatus, ids};
use promptdeck_store::{TaskCharge, TaskFinish, TaskProgress, TaskRun, TaskStart};
use uuid::Uuid;

/// The start of task `task_id` asking `question`, in a new run named after it (with the
/// question as the user's turn).
pub fn start(question: &str, task_id: &str) -> TaskStart {
    TaskStart {
        run_id: ids::record_id(),
        run: TaskRun::New(NewRun { name: Some(question.into()), ..NewRun::default() }),
        task: NewTask {
            task_id: Some(task_id.into()),
            service: "chat_service".into(),
            task_name: "direct_chat".into(),
            model_id: Some("echo".into()),
            provider: Some("echo".into()),
            endpoint: None,
            request_data: serde_json::json!({ "text": question }),
        },
        messages: vec![message(MessageRole::User, question, task_id)],
        answer_room: RunRoom::default(),
        charge: TaskCharge::default(),
    }
}

/// `user`'s finish of `start`, completed with `answer` (5 tokens, $0.50, two chunks).
pub fn finish(user: Uuid, start: &TaskStart, answer: &str) -> TaskFinish {
    let task_id = start.task.task_id.clone().unwrap_or_default();
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
        messages: vec![message(MessageRole::Assistant, answer, &task_id)],
        tokens: 5,
        cost: 0.5,
    }
}

fn message(role: MessageRole, content: &str, task_id: &str) -> NewRunMessage {
    NewRunMessage {
        role,
        content: content.into(),
        task_id: Some(task_id.into()),
        timestamp: None,
        metadata: None,
    }
}
