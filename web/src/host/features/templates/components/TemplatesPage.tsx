import { useId, useState, type ReactNode } from "react";
import { errorText } from "../../../lib/query";
import { navigate } from "../../../lib/router";
import type { CustomUiWithPrompt, PromptsData, CustomUiTemplate } from "../../../lib/types";
import { PREVIEW_PROMPT_NAME, useDraftFromTemplate, useMyPrompts, usePreviewDraft, useTemplates, type TemplateFilter } from "../api/templates";

/** Renders a saved UI in the sandbox (the runner's `UiPreview`, passed in by the app). */
export type RenderPreview = (ui: CustomUiWithPrompt) => ReactNode;
/** Draws a template's live thumbnail (the runner's `TemplateThumbnail`, passed in by the app). */
export type RenderThumbnail = (template: CustomUiTemplate) => ReactNode;

const DIFFICULTIES = ["beginner", "intermediate", "advanced"];

/** `/templates`: browse by category, tag and difficulty, each with a live thumbnail; preview the code or run it live; use one. */
export function TemplatesPage({ preview, thumbnail }: { preview: RenderPreview; thumbnail?: RenderThumbnail }) {
  const [filter, setFilter] = useState<TemplateFilter>({ category: "", tag: "", difficulty: "" });
  const all = useTemplates({ category: "", tag: "", difficulty: "" }).data ?? [];
  const matching = useTemplates(filter);
  const items = matching.data ?? null;
  const prompts = useMyPrompts().data ?? [];
  const error = matching.error ? errorText(matching.error) : null;

  const categories = [...new Set(all.map((t) => t.category))].sort();
  const tags = [...new Set(all.flatMap((t) => t.tags ?? []))].sort();
  const set = (p: Partial<TemplateFilter>) => setFilter((f) => ({ ...f, ...p }));

  return (
    <main className="page wide stack">
      <h1>Templates</h1>
      <div className="row center filters" role="search" aria-label="Filter templates">
        <label className="inline">Category
          <select value={filter.category} onChange={(e) => set({ category: e.target.value })}>
            <option value="">All</option>
            {categories.map((c) => <option key={c}>{c}</option>)}
          </select>
        </label>
        <label className="inline">Tag
          <select value={filter.tag} onChange={(e) => set({ tag: e.target.value })}>
            <option value="">All</option>
            {tags.map((t) => <option key={t}>{t}</option>)}
          </select>
        </label>
        <label className="inline">Difficulty
          <select value={filter.difficulty} onChange={(e) => set({ difficulty: e.target.value })}>
            <option value="">All</option>
            {DIFFICULTIES.map((d) => <option key={d}>{d}</option>)}
          </select>
        </label>
        {(filter.category || filter.tag || filter.difficulty) && <button type="button" className="ghost" onClick={() => setFilter({ category: "", tag: "", difficulty: "" })}>Clear filters</button>}
      </div>
      {error && <p role="alert" className="error">{error}</p>}
      {items === null ? <p aria-busy="true">Loading…</p> : items.length === 0 ? <p className="muted">No template matches these filters.</p> : (
        <ul className="cards" aria-label="Templates">
          {items.map((t) => <TemplateCard key={t.id} template={t} prompts={prompts} renderPreview={preview} thumbnail={thumbnail} />)}
        </ul>
      )}
    </main>
  );
}

function TemplateCard({ template: t, prompts, renderPreview, thumbnail }: { template: CustomUiTemplate; prompts: PromptsData[]; renderPreview: RenderPreview; thumbnail: RenderThumbnail | undefined }) {
  const id = useId();
  const [preview, setPreview] = useState(false);
  const [live, setLive] = useState<CustomUiWithPrompt | null>(null);
  const [liveOpen, setLiveOpen] = useState(false);
  const previewDraft = usePreviewDraft();
  const liveBusy = previewDraft.isPending;
  const [target, setTarget] = useState("");
  const draft = useDraftFromTemplate();
  const busy = draft.isPending || draft.isSuccess;
  const [error, setError] = useState<string | null>(null);
  const use = async () => {
    setError(null);
    try {
      const ui = await draft.mutateAsync({ template: t, promptId: target || null });
      navigate(`/uis/${ui.id}/edit`);
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    }
  };
  const toggleLive = async () => {
    if (liveOpen) return setLiveOpen(false);
    setLiveOpen(true);
    setError(null);
    try {
      setLive(await previewDraft.mutateAsync(t));
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
      setLiveOpen(false);
    }
  };
  return (
    <li className="card stack" aria-labelledby={`${id}-name`}>
      <div className="row center">
        <h2 id={`${id}-name`} className="grow">{t.name}</h2>
        {t.is_official && <span className="badge ok">official</span>}
      </div>
      {thumbnail?.(t)}
      {t.description && <p className="muted clamp">{t.description}</p>}
      <div className="row wrap">
        <span className="badge">{t.category}</span>
        {t.difficulty && <span className="badge warn">{t.difficulty}</span>}
        {(t.tags ?? []).map((tag) => <span key={tag} className="badge">#{tag}</span>)}
      </div>
      <div className="row center">
        <button type="button" className="secondary" aria-expanded={preview} aria-controls={`${id}-code`} onClick={() => setPreview((p) => !p)}>{preview ? "Hide code" : "Preview code"}</button>
        <button type="button" className="secondary" aria-expanded={liveOpen} aria-controls={`${id}-live`} disabled={liveBusy} onClick={() => void toggleLive()}>{liveOpen ? "Hide live preview" : "Live preview"}</button>
      </div>
      {preview && <pre id={`${id}-code`} className="code-preview" tabIndex={0} aria-label={`Code of ${t.name}`}>{t.component_code}</pre>}
      {liveOpen && (
        <section id={`${id}-live`} className="stack template-live" aria-label={`Live preview of ${t.name}`}>
          <p className="muted">Runs in the sandbox with the echo model, as a private draft under “{PREVIEW_PROMPT_NAME}”.</p>
          {liveBusy || !live ? <p aria-busy="true" className="muted">Preparing the preview…</p> : renderPreview(live)}
        </section>
      )}
      <div className="row center">
        <label className="inline attach">Attach to
          <select value={target} onChange={(e) => setTarget(e.target.value)}>
            <option value="">a new prompt</option>
            {prompts.map((p) => <option key={p.id} value={p.id}>{p.name}</option>)}
          </select>
        </label>
        <button type="button" disabled={busy} onClick={() => void use()}>{busy ? "Creating…" : "Use template"}</button>
      </div>
      {error && <p role="alert" className="error">{error}</p>}
    </li>
  );
}
