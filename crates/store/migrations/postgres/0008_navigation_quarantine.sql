-- Navigation quarantine. A viewer's browser reports a custom UI whose frame loaded a second
-- document (it navigated itself: a way to carry data out); one report per viewer and UI. A
-- reported UI is quarantined: out of the public listings and hidden from everyone but its owner,
-- until its owner publishes a new version (a new row, never reported). Reports name their
-- reporter, so only the server's own role reads and writes them; the quarantine itself names no
-- one, and the per-request role reads it to filter what it lists.
CREATE TABLE prompt_custom_ui_navigation_reports (
  custom_ui_id UUID NOT NULL REFERENCES prompt_custom_uis(id) ON DELETE CASCADE,
  reporter_id UUID NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  detail TEXT NOT NULL,
  created_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
  PRIMARY KEY (custom_ui_id, reporter_id)
);
CREATE INDEX idx_navigation_reports_reporter ON prompt_custom_ui_navigation_reports(reporter_id, created_at);

CREATE TABLE prompt_custom_ui_quarantine (
  custom_ui_id UUID PRIMARY KEY REFERENCES prompt_custom_uis(id) ON DELETE CASCADE,
  reason TEXT NOT NULL,
  reports INTEGER NOT NULL DEFAULT 1,
  quarantined_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
  last_reported_at TIMESTAMPTZ NOT NULL DEFAULT NOW()
);

-- Least privilege: the per-request role only reads the quarantine (to leave quarantined UIs out
-- of what it shows); reports and quarantine are written by the server's own role.
REVOKE ALL ON prompt_custom_ui_navigation_reports, prompt_custom_ui_quarantine FROM authenticated;
GRANT SELECT ON prompt_custom_ui_quarantine TO authenticated;
