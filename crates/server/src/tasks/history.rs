//! The conversation a `run_prompt` task sends when it continues a run: the stored prompt's
//! resolved messages always first, then only what this run's own earlier `run_prompt` tasks of
//! that prompt said (their input and answer, read from the task records the server wrote), then
//! the new input. Messages added to the run over REST never reach the model, so they can neither
//! replace nor precede the prompt.

use std::collections::BTreeMap;

use promptdeck_core::{AiTask, MessageRole};
use promptdeck_llm::ChatMessage;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// What a `run_prompt` task's record keeps as its `request_data`: the prompt, the values
/// used and the user's input (what later turns of its run read back).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RunPromptRecord {
    /// The prompt run.
    pub prompt_id: Uuid,
    /// The variable values used.
    #[serde(default)]
    pub variables: BTreeMap<String, String>,
    /// The custom UI it ran through.
    #[serde(default)]
    pub custom_ui_id: Option<Uuid>,
    /// The model asked.
    #[serde(default)]
    pub model_id: String,
    /// What the user typed.
    #[serde(default)]
    pub user_input: Option<String>,
}

/// What a `run_prompt` task sends, and which of those messages its run records.
#[derive(Debug, Clone, PartialEq)]
pub struct NextTurn {
    /// The whole conversation for the model.
    pub send: Vec<ChatMessage>,
    /// How many of the last messages of `send` are new to the run: all of them for its first
    /// turn (the run shows the prompt once), else only the new input.
    pub new: usize,
}

impl NextTurn {
    /// The messages new to the run.
    pub fn new_messages(&self) -> &[ChatMessage] {
        &self.send[self.send.len() - self.new..]
    }
}

/// The next turn of a run given its earlier tasks (none for a new run): the prompt's resolved
/// messages, the earlier turns of this prompt, then `input`.
pub fn next_turn(
    prompt: &[ChatMessage],
    earlier: &[AiTask],
    prompt_id: Uuid,
    input: Option<&str>,
) -> NextTurn {
    let turns = prior_turns(earlier, prompt_id);
    let send = conversation(prompt, &turns, input);
    let new = if turns.is_empty() { send.len() } else { usize::from(input.is_some()) };
    NextTurn { send, new }
}

/// One earlier exchange of the run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Turn {
    /// What the user typed (`user_input`), if anything.
    pub input: Option<String>,
    /// What the model answered (possibly partial, for a task that failed midway).
    pub answer: String,
}

/// The service and task name of the tasks whose turns count.
const SERVICE: &str = "prompt_service";
const TASK_NAME: &str = "run_prompt";

/// The turns of a run's tasks that ran `prompt_id` through the runner, oldest first. A task
/// counts only once the runner finished it (its `response_info` is written by the runner alone;
/// rows registered over REST never get one), so forged rows add nothing.
pub fn prior_turns(tasks: &[AiTask], prompt_id: Uuid) -> Vec<Turn> {
    tasks
        .iter()
        .filter(|t| t.service == SERVICE && t.task_name == TASK_NAME && t.response_info.is_some())
        .filter_map(|t| Some((t, RunPromptRecord::deserialize(&t.request_data).ok()?)))
        .filter(|(_, record)| record.prompt_id == prompt_id)
        .map(|(t, record)| Turn {
            input: record.user_input,
            answer: t.response_text.clone().unwrap_or_default(),
        })
        .collect()
}

/// The messages to send: the prompt's resolved messages, each earlier turn (its input as a user
/// message, its answer as an assistant message; empty ones left out), then the new input.
pub fn conversation(prompt: &[ChatMessage], turns: &[Turn], input: Option<&str>) -> Vec<ChatMessage> {
    let mut messages = prompt.to_vec();
    for turn in turns {
        if let Some(said) = &turn.input {
            messages.push(ChatMessage::new(MessageRole::User, said.clone()));
        }
        if !turn.answer.is_empty() {
            messages.push(ChatMessage::new(MessageRole::Assistant, turn.answer.clone()));
        }
    }
    if let Some(said) = input {
        messages.push(ChatMessage::new(MessageRole::User, said));
    }
    messages
}

#[cfg(test)]
mod tests {
    use chrono::Utc;
    use promptdeck_core::TaskStatus;
    use serde_json::{Value, json};

    use super::*;

    fn task(service: &str, name: &str, request: Value, answer: &str, finished: bool) -> AiTask {
        AiTask {
            id: Uuid::new_v4(),
            run_id: Uuid::nil(),
            user_id: Uuid::nil(),
            task_id: Uuid::new_v4().to_string(),
            service: service.into(),
            task_name: name.into(),
            model_id: Some("echo".into()),
            provider: None,
            endpoint: None,
            request_data: request,
            response_text: Some(answer.into()),
            response_data: None,
            response_info: finished.then(|| json!({})),
            response_errors: None,
            tool_updates: None,
            response_complete: finished,
            response_metadata: json!({}),
            tokens_input: None,
            tokens_output: None,
            tokens_total: None,
            cost: None,
            time_to_first_token: None,
            total_time: None,
            status: if finished { TaskStatus::Completed } else { TaskStatus::Pending },
            created_at: Utc::now(),
            updated_at: Utc::now(),
            completed_at: None,
        }
    }

    fn said(role: MessageRole, text: &str) -> ChatMessage {
        ChatMessage::new(role, text)
    }

    #[test]
    fn only_finished_run_prompt_tasks_of_this_prompt_count() {
        let prompt = Uuid::new_v4();
        let request = |input: Option<&str>| json!({ "prompt_id": prompt, "user_input": input });
        let tasks = [
            task(SERVICE, TASK_NAME, request(None), "first answer", true),
            // Registered over REST with a forged input and never run by the server.
            task(SERVICE, TASK_NAME, request(Some("forged")), "", false),
            task("chat_service", "direct_chat", json!({ "prompt_id": prompt }), "chat", true),
            task(SERVICE, TASK_NAME, json!({ "prompt_id": Uuid::new_v4() }), "other prompt", true),
            task(SERVICE, TASK_NAME, request(Some("go on")), "second answer", true),
        ];
        assert_eq!(
            prior_turns(&tasks, prompt),
            [
                Turn { input: None, answer: "first answer".into() },
                Turn { input: Some("go on".into()), answer: "second answer".into() },
            ]
        );
    }

    #[test]
    fn the_prompt_comes_first_then_the_turns_then_the_input() {
        let prompt = [said(MessageRole::System, "You are a poet."), said(MessageRole::User, "A poem")];
        let turns = [
            Turn { input: None, answer: "Roses".into() },
            Turn { input: Some("shorter".into()), answer: String::new() },
        ];
        assert_eq!(
            conversation(&prompt, &turns, Some("again")),
            [
                said(MessageRole::System, "You are a poet."),
                said(MessageRole::User, "A poem"),
                said(MessageRole::Assistant, "Roses"),
                said(MessageRole::User, "shorter"),
                said(MessageRole::User, "again"),
            ]
        );
        assert_eq!(conversation(&prompt, &[], None), prompt);
    }

    #[test]
    fn a_first_turn_records_the_prompt_and_the_input() {
        let prompt = [said(MessageRole::User, "A poem")];
        let next = next_turn(&prompt, &[], Uuid::new_v4(), Some("about owls"));
        assert_eq!(
            next.new_messages(),
            [said(MessageRole::User, "A poem"), said(MessageRole::User, "about owls")]
        );
        assert_eq!(next.new_messages(), next.send.as_slice());
    }

    #[test]
    fn a_later_turn_sends_the_history_and_records_only_the_input() {
        let id = Uuid::new_v4();
        let prompt = [said(MessageRole::User, "A poem")];
        let record = |input: Option<&str>| {
            let record = RunPromptRecord {
                prompt_id: id,
                variables: BTreeMap::new(),
                custom_ui_id: None,
                model_id: "echo".into(),
                user_input: input.map(str::to_owned),
            };
            serde_json::to_value(record).unwrap()
        };
        let earlier = [task(SERVICE, TASK_NAME, record(None), "Roses", true)];
        let next = next_turn(&prompt, &earlier, id, Some("shorter"));
        assert_eq!(
            next.send,
            [
                said(MessageRole::User, "A poem"),
                said(MessageRole::Assistant, "Roses"),
                said(MessageRole::User, "shorter")
            ]
        );
        assert_eq!(next.new_messages(), [said(MessageRole::User, "shorter")]);
        // Without input a later turn adds nothing to the run but the answer.
        assert!(next_turn(&prompt, &earlier, id, None).new_messages().is_empty());
        // Turns of another prompt in the same run do not count.
        assert_eq!(next_turn(&prompt, &earlier, Uuid::new_v4(), None).new, 1);
    }
}
