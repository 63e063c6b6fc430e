//! Every enum of the seed with its exact wire strings. The same strings are stored in the
//! database (checked by CHECK constraints) and spoken on the API.

use crate::CoreError;

macro_rules! wire_enum {
    ($(#[$meta:meta])* $name:ident, $field:literal, { $($(#[$vmeta:meta])* $variant:ident => $wire:literal),+ $(,)? }, default $default:ident) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize, ts_rs::TS)]
        pub enum $name {
            $($(#[$vmeta])* #[serde(rename = $wire)] $variant,)+
        }

        impl $name {
            /// Every value, in the seed's order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The wire string, as stored in the database and sent on the API.
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $wire,)+ }
            }
        }

        // Written by hand so the OpenAPI document lists the wire strings (the derive does not see
        // serde renames that come from a macro).
        impl utoipa::PartialSchema for $name {
            fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
                utoipa::openapi::schema::ObjectBuilder::new()
                    .schema_type(utoipa::openapi::schema::Type::String)
                    .enum_values(Some([$($wire),+]))
                    .into()
            }
        }

        impl utoipa::ToSchema for $name {}

        impl Default for $name {
            fn default() -> Self { $name::$default }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl std::str::FromStr for $name {
            type Err = CoreError;
            fn from_str(s: &str) -> Result<Self, CoreError> {
                match s {
                    $($wire => Ok($name::$variant),)+
                    _ => Err(CoreError::UnknownVariant {
                        field: $field,
                        value: s.to_owned(),
                        expected: [$($wire),+].join(", "),
                    }),
                }
            }
        }
    };
}

wire_enum!(
    /// Who speaks a message.
    MessageRole, "role", {
        /// Instructions for the model.
        System => "system",
        /// The person using the prompt.
        User => "user",
        /// The model's answer.
        Assistant => "assistant",
    }, default User
);

wire_enum!(
    /// How a prompt variable is edited in a form.
    VariableComponentType, "customComponent.type", {
        /// Multi-line text.
        Textarea => "textarea",
        /// Two values, switched.
        Toggle => "toggle",
        /// One of the options, shown as radio buttons.
        Radio => "radio",
        /// Any of the options.
        Checkbox => "checkbox",
        /// One of the options, in a drop-down.
        Select => "select",
        /// A number with optional min, max and step.
        Number => "number",
    }, default Textarea
);

wire_enum!(
    /// When and how a custom UI runs its prompt.
    ExecutionMode, "execution_mode", {
        /// Runs on mount and allows follow-ups.
        AutoRun => "auto-run",
        /// Runs once on mount, no follow-up.
        AutoRunOneShot => "auto-run-one-shot",
        /// Variables hidden (defaults and URL values); asks for the user's message.
        ManualWithHiddenVariables => "manual-with-hidden-variables",
        /// Variables shown and editable.
        ManualWithVisibleVariables => "manual-with-visible-variables",
        /// Everything left to the component.
        Manual => "manual",
    }, default Manual
);

wire_enum!(
    /// What kind of code a custom UI holds.
    ComponentType, "component_type", {
        /// A React component in TSX/JSX.
        React => "react",
        /// A sanitised HTML fragment with bindings.
        Template => "template",
        /// A form described by `props_schema`.
        JsonSchema => "json-schema",
    }, default React
);

wire_enum!(
    /// The life cycle of a custom UI.
    CustomUiStatus, "status", {
        /// Being edited; only its owner sees it.
        Draft => "draft",
        /// Published and usable.
        Active => "active",
        /// Retired.
        Archived => "archived",
    }, default Draft
);

wire_enum!(
    /// Where an AI run came from.
    SourceType, "source_type", {
        /// A stored prompt.
        Prompt => "prompt",
        /// A free chat.
        Chat => "chat",
        /// An applet.
        Applet => "applet",
        /// The cockpit.
        Cockpit => "cockpit",
        /// A workflow.
        Workflow => "workflow",
        /// A custom UI or any other source.
        Custom => "custom",
    }, default Prompt
);

wire_enum!(
    /// The life cycle of an AI run.
    RunStatus, "status", {
        /// In use.
        Active => "active",
        /// Kept but put away.
        Archived => "archived",
        /// Deleted by its owner (soft).
        Deleted => "deleted",
    }, default Active
);

wire_enum!(
    /// The life cycle of one AI task.
    TaskStatus, "status", {
        /// Created, not yet streaming.
        Pending => "pending",
        /// Chunks are arriving.
        Streaming => "streaming",
        /// Finished normally.
        Completed => "completed",
        /// Ended by an error; partial text kept.
        Failed => "failed",
        /// Stopped by its owner.
        Cancelled => "cancelled",
    }, default Pending
);

impl TaskStatus {
    /// Whether the task can no longer change.
    pub fn is_terminal(self) -> bool {
        matches!(self, TaskStatus::Completed | TaskStatus::Failed | TaskStatus::Cancelled)
    }
}

wire_enum!(
    /// How hard a template is to adapt.
    Difficulty, "difficulty", {
        /// A first step.
        Beginner => "beginner",
        /// Some React needed.
        Intermediate => "intermediate",
        /// Uses the whole SDK.
        Advanced => "advanced",
    }, default Beginner
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wire_strings_round_trip_through_serde_and_from_str() {
        for mode in ExecutionMode::ALL {
            let json = serde_json::to_string(mode).unwrap();
            assert_eq!(json, format!("\"{}\"", mode.as_str()));
            assert_eq!(mode.as_str().parse::<ExecutionMode>().unwrap(), *mode);
        }
        assert_eq!(ComponentType::JsonSchema.as_str(), "json-schema");
        assert_eq!(ExecutionMode::AutoRunOneShot.as_str(), "auto-run-one-shot");
    }

    #[test]
    fn an_unknown_value_names_the_field_and_the_choices() {
        let err = "sometimes".parse::<ExecutionMode>().unwrap_err();
        let text = err.to_string();
        assert!(text.starts_with("execution_mode: unknown value `sometimes`"), "{text}");
        assert!(text.contains("auto-run-one-shot"), "{text}");
    }
}
