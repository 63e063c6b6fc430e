//! Reading a task's `taskData` into its typed shape ([`promptdeck_core::protocol`]), with errors
//! that name the field's path (`taskData.variables.topic: expected a string, …`), so a client
//! sees exactly which part of its request is wrong.

use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

use crate::tasks::TaskError;

/// `taskData` as `T`, or `invalid_request` naming the path of the field at fault.
pub fn task_data<T: DeserializeOwned>(data: Map<String, Value>) -> Result<T, TaskError> {
    serde_path_to_error::deserialize(Value::Object(data)).map_err(|err| {
        let path = err.path().to_string();
        let inner = err.into_inner();
        if path == "." {
            TaskError::invalid(format!("taskData: {inner}"))
        } else {
            TaskError::invalid(format!("taskData.{path}: {inner}"))
        }
    })
}

#[cfg(test)]
mod tests {
    use promptdeck_core::protocol::{ResumeData, RunPromptData};
    use serde_json::json;

    use super::*;

    fn data(value: Value) -> Map<String, Value> {
        value.as_object().cloned().unwrap_or_default()
    }

    #[test]
    fn a_wrong_field_is_named_by_its_path() {
        let id = uuid::Uuid::nil();
        let err =
            task_data::<RunPromptData>(data(json!({"prompt_id": id, "variables": {"topic": {"x": 1}}})))
                .unwrap_err();
        assert!(err.message.starts_with("taskData.variables.topic: expected a string"), "{}", err.message);
        let err = task_data::<RunPromptData>(data(json!({"prompt_id": "nope"}))).unwrap_err();
        assert!(err.message.starts_with("taskData.prompt_id: "), "{}", err.message);
        let err = task_data::<ResumeData>(data(json!({"from": 2}))).unwrap_err();
        assert_eq!(err.message, "taskData: missing field `task_id`");
        assert_eq!(serde_json::to_value(err.code).unwrap(), "invalid_request");
    }

    #[test]
    fn optional_fields_may_be_left_out_or_null() {
        let id = uuid::Uuid::nil();
        let ok: RunPromptData = task_data(data(json!({"prompt_id": id, "run_id": null}))).unwrap();
        assert_eq!((ok.run_id, ok.variables, ok.user_input), (None, None, None));
    }
}
