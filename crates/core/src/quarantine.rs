//! Navigation quarantine: a custom UI whose frame was seen loading a second document (it
//! navigated itself, a way to carry a viewer's data out) is reported by the viewer's browser and
//! taken out of the gallery until its owner publishes a new version.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// Longest `detail` a navigation report keeps, in characters (longer ones are cut).
pub const MAX_NAVIGATION_DETAIL_CHARS: usize = 500;

/// Default of how many navigation reports one account may file in an hour.
pub const DEFAULT_NAVIGATION_REPORTS_PER_HOUR: u32 = 20;

/// The body of `POST /api/custom-uis/{id}/navigation-reports`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NavigationReportInput {
    /// What the viewer's browser saw (a second `load` of the frame, a second initialisation).
    #[serde(default)]
    pub detail: Option<String>,
}

impl NavigationReportInput {
    /// The detail to store: trimmed, cut to [`MAX_NAVIGATION_DETAIL_CHARS`], never empty.
    pub fn detail(&self) -> String {
        let d = self.detail.as_deref().map(str::trim).filter(|d| !d.is_empty());
        d.unwrap_or("the frame loaded a second document").chars().take(MAX_NAVIGATION_DETAIL_CHARS).collect()
    }
}

/// Whether a UI is quarantined, and why: what its owner reads (and the answer to a report).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct UiQuarantine {
    /// True once any viewer reported the UI's frame navigating: it is out of the gallery and
    /// hidden from everyone but its owner; publishing a new version is the way back.
    pub quarantined: bool,
    /// Why, for a person (the first report's detail).
    pub reason: Option<String>,
    /// Distinct viewers who reported it.
    pub reports: i64,
    /// When the first report came.
    pub quarantined_at: Option<DateTime<Utc>>,
    /// When the last report came.
    pub last_reported_at: Option<DateTime<Utc>>,
}

impl UiQuarantine {
    /// A UI nobody reported.
    pub fn none() -> Self {
        UiQuarantine {
            quarantined: false,
            reason: None,
            reports: 0,
            quarantined_at: None,
            last_reported_at: None,
        }
    }
}
