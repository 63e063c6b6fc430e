-- Navigation quarantine. A viewer's browser reports a custom UI whose frame loaded a second
-- document (it navigated itself: a way to carry data out); one report per viewer and UI. A
-- reported UI is quarantined: out of the public listings and hidden from everyone but its owner,
-- until its owner publishes a new version (a new row, never reported).
CREATE TABLE prompt_custom_ui_navigation_reports (
  custom_ui_id BLOB NOT NULL REFERENCES prompt_custom_uis(id) ON DELETE CASCADE,
  reporter_id BLOB NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  detail TEXT NOT NULL,
  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  PRIMARY KEY (custom_ui_id, reporter_id)
);
CREATE INDEX idx_navigation_reports_reporter ON prompt_custom_ui_navigation_reports(reporter_id, created_at);

CREATE TABLE prompt_custom_ui_quarantine (
  custom_ui_id BLOB PRIMARY KEY REFERENCES prompt_custom_uis(id) ON DELETE CASCADE,
  reason TEXT NOT NULL,
  reports INTEGER NOT NULL DEFAULT 1,
  quarantined_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  last_reported_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
