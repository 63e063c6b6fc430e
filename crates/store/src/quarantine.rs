//! Navigation reports and the quarantine they put a custom UI in (see
//! `promptdeck_core::UiQuarantine`). Reports name their reporter, so only the store's own role
//! reads and writes them; the quarantine names no one, and the listings read it.

use chrono::{DateTime, Duration, Utc};
use promptdeck_core::UiQuarantine;
use uuid::Uuid;

use crate::pool::{on_pool, on_write_pool};
use crate::{Store, StoreResult};

/// The SQL condition "the UI `u` is not quarantined", for the queries that show UIs to others.
pub(crate) const NOT_QUARANTINED: &str =
    "NOT EXISTS (SELECT 1 FROM prompt_custom_ui_quarantine q WHERE q.custom_ui_id = u.id)";

impl Store {
    /// True when `reporter` already reported the UI.
    pub async fn has_navigation_report(&self, reporter: Uuid, ui_id: Uuid) -> StoreResult<bool> {
        let found: Option<i32> = on_pool!(self, |pool| {
            sqlx::query_scalar(
                "SELECT 1 FROM prompt_custom_ui_navigation_reports WHERE custom_ui_id = $1 AND reporter_id = $2",
            )
            .bind(ui_id)
            .bind(reporter)
            .fetch_optional(pool)
            .await?
        });
        Ok(found.is_some())
    }

    /// How many reports `reporter` filed in the last `window`, and when the oldest of them came.
    pub async fn navigation_reports_within(
        &self,
        reporter: Uuid,
        window: Duration,
    ) -> StoreResult<(i64, Option<DateTime<Utc>>)> {
        let since = Utc::now() - window;
        let row: (i64, Option<DateTime<Utc>>) = on_pool!(self, |pool| {
            sqlx::query_as(
                "SELECT COUNT(*), MIN(created_at) FROM prompt_custom_ui_navigation_reports \
                 WHERE reporter_id = $1 AND created_at > $2",
            )
            .bind(reporter)
            .bind(since)
            .fetch_one(pool)
            .await?
        });
        Ok(row)
    }

    /// Records `reporter`'s report on a UI and quarantines the UI (a repeat by the same reporter
    /// changes nothing). Returns the UI's quarantine.
    pub async fn report_navigation(
        &self,
        reporter: Uuid,
        ui_id: Uuid,
        detail: &str,
    ) -> StoreResult<UiQuarantine> {
        let now = Utc::now();
        on_write_pool!(self, |pool| {
            let mut tx = pool.begin().await?;
            let added = sqlx::query(
                "INSERT INTO prompt_custom_ui_navigation_reports (custom_ui_id, reporter_id, detail, created_at) \
                 VALUES ($1, $2, $3, $4) ON CONFLICT (custom_ui_id, reporter_id) DO NOTHING",
            )
            .bind(ui_id)
            .bind(reporter)
            .bind(detail)
            .bind(now)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if added > 0 {
                sqlx::query(
                    "INSERT INTO prompt_custom_ui_quarantine (custom_ui_id, reason, reports, quarantined_at, last_reported_at) \
                     VALUES ($1, $2, 1, $3, $3) ON CONFLICT (custom_ui_id) DO UPDATE SET \
                     reports = prompt_custom_ui_quarantine.reports + 1, last_reported_at = excluded.last_reported_at",
                )
                .bind(ui_id)
                .bind(detail)
                .bind(now)
                .execute(&mut *tx)
                .await?;
            }
            tx.commit().await?;
        });
        self.ui_quarantine(ui_id).await
    }

    /// A UI's quarantine ([`UiQuarantine::none`] when nobody reported it).
    pub async fn ui_quarantine(&self, ui_id: Uuid) -> StoreResult<UiQuarantine> {
        type Row = (String, i32, DateTime<Utc>, DateTime<Utc>);
        let row: Option<Row> = on_pool!(self, |pool| {
            sqlx::query_as(
                "SELECT reason, reports, quarantined_at, last_reported_at FROM prompt_custom_ui_quarantine \
                 WHERE custom_ui_id = $1",
            )
            .bind(ui_id)
            .fetch_optional(pool)
            .await?
        });
        Ok(match row {
            Some((reason, reports, at, last)) => UiQuarantine {
                quarantined: true,
                reason: Some(reason),
                reports: i64::from(reports),
                quarantined_at: Some(at),
                last_reported_at: Some(last),
            },
            None => UiQuarantine::none(),
        })
    }
}
