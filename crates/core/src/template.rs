//! Templates of the gallery library, as the seed's `prompt_custom_ui_templates` rows.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use ts_rs::TS;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::Difficulty;

/// A starting point for a custom UI.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema, TS)]
pub struct CustomUiTemplate {
    /// Primary key.
    pub id: Uuid,
    /// Display name.
    pub name: String,
    /// What it does.
    pub description: Option<String>,
    /// `form`, `chat`, `dashboard`, `visualization`, …
    pub category: String,
    /// The TSX code.
    pub component_code: String,
    /// Picture for the gallery.
    pub preview_image_url: Option<String>,
    /// A prompt to try it with.
    pub demo_prompt_id: Option<Uuid>,
    /// Search tags.
    pub tags: Vec<String>,
    /// How hard it is.
    pub difficulty: Difficulty,
    /// Shipped with promptdeck.
    pub is_official: bool,
    /// Times used.
    pub use_count: i64,
    /// Author.
    pub created_by: Option<Uuid>,
    /// Created.
    pub created_at: DateTime<Utc>,
    /// Last changed.
    pub updated_at: DateTime<Utc>,
}
