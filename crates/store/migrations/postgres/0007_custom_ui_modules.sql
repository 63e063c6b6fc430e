-- The hash of the module each React custom UI last compiled to, so the sandbox origin can serve
-- `/m/{hash}.js` on any node and after any restart: it finds the UI by the hash and compiles it
-- again. One row per UI (its current module); it goes with the UI. Only the server's own role
-- reads and writes it (the sandbox origin has no user), so `authenticated` gets no grant.
CREATE TABLE prompt_custom_ui_modules (
  custom_ui_id UUID PRIMARY KEY REFERENCES prompt_custom_uis(id) ON DELETE CASCADE,
  module_hash TEXT NOT NULL,
  recorded_at TIMESTAMPTZ NOT NULL DEFAULT NOW()
);
CREATE INDEX idx_prompt_custom_ui_modules_hash ON prompt_custom_ui_modules(module_hash);
