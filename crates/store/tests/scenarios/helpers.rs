//! A fresh store per scenario, and builders for the rows scenarios need.

use std::ops::Deref;

use chrono::Utc;
use promptdeck_core::{
    ComponentType, CustomUiStatus, ExecutionMode, MessageRole, NewPrompt, PromptCustomUi, PromptMessage,
    PromptSettings, PromptsData,
};
use promptdeck_store::{Store, User};
use promptdeck_testdb::TestDatabase;
pub use promptdeck_testdb::{Backend, both_backends};
use uuid::Uuid;

/// A migrated store on a fresh database; the database is removed when it is dropped.
pub struct TestStore {
    store: Store,
    _database: TestDatabase,
}

impl TestStore {
    /// The database's URL, for a scenario that reads what the store's API does not show (such
    /// as a query's plan).
    pub fn url(&self) -> &str {
        self._database.url()
    }
}

impl Deref for TestStore {
    type Target = Store;

    fn deref(&self) -> &Store {
        &self.store
    }
}

/// Connects a store (running the migrations) to a fresh database of `backend`.
pub async fn test_store(backend: Backend) -> TestStore {
    let database = TestDatabase::create(backend).await.unwrap_or_else(|e| panic!("a fresh database: {e}"));
    let store = Store::connect(database.url()).await.unwrap_or_else(|e| panic!("connect the store: {e}"));
    TestStore { store, _database: database }
}

/// A new account with a unique email.
pub async fn new_user(store: &Store) -> User {
    store.create_user(&format!("user-{}@example.com", Uuid::new_v4().simple()), "a hash").await.unwrap()
}

/// A prompt named `name` owned by `user`.
pub async fn new_prompt(store: &Store, user: Uuid, name: &str) -> PromptsData {
    let input = NewPrompt {
        name: name.into(),
        description: None,
        messages: vec![PromptMessage {
            role: MessageRole::User,
            content: "Write about {{topic}}".into(),
            metadata: None,
        }],
        variable_defaults: None,
        settings: echo_settings(),
        tools: None,
    };
    store.create_prompt(user, input).await.unwrap()
}

/// The settings every scenario's prompt has.
pub fn echo_settings() -> PromptSettings {
    serde_json::from_value(serde_json::json!({"model_id": "echo"})).unwrap()
}

/// A react UI of `prompt` owned by `user`, as the server would build it, with `status` and
/// `is_public` as given.
pub fn ui(user: Uuid, prompt: Uuid, name: &str, status: CustomUiStatus, is_public: bool) -> PromptCustomUi {
    let now = Utc::now();
    PromptCustomUi {
        id: Uuid::new_v4(),
        user_id: user,
        prompt_id: prompt,
        name: name.into(),
        description: None,
        component_code: "export default function App() { return <div />; }".into(),
        component_type: ComponentType::React,
        props_schema: None,
        default_props: None,
        execution_mode: ExecutionMode::Manual,
        auto_submit: false,
        show_variables: true,
        layout_config: None,
        styling_config: None,
        is_public,
        is_featured: false,
        use_count: 0,
        version: 1,
        parent_version_id: None,
        status,
        validated: true,
        validation_errors: None,
        created_at: now,
        updated_at: now,
        published_at: (status == CustomUiStatus::Active).then_some(now),
        last_used_at: None,
        rating_avg: None,
        rating_count: 0,
    }
}

/// Inserts a UI built by [`ui`] and returns it as stored.
pub async fn new_ui(
    store: &Store,
    user: Uuid,
    prompt: Uuid,
    name: &str,
    status: CustomUiStatus,
    is_public: bool,
) -> PromptCustomUi {
    store.insert_ui(&ui(user, prompt, name, status, is_public)).await.unwrap()
}
