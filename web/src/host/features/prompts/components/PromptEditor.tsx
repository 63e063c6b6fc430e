import { useMemo, useState, type FormEvent } from "react";
import { navigate } from "../../../lib/router";
import type { PromptsData } from "../../../lib/types";
import { useDeletePrompt, useUpdatePrompt, type PromptInput } from "../api/prompts";
import { usedVariables } from "../utils/variables";
import { MessagesEditor } from "./MessagesEditor";
import { SettingsEditor } from "./SettingsEditor";
import { VariablesEditor } from "./VariablesEditor";

function inputOf(p: PromptsData): PromptInput {
  return { name: p.name, description: p.description ?? "", messages: p.messages, variableDefaults: p.variableDefaults ?? [], settings: p.settings };
}

/** Edits a stored prompt; saves with the button or Ctrl/⌘+S (the saved prompt replaces the cached one). */
export function PromptEditor({ prompt }: { prompt: PromptsData }) {
  const [draft, setDraft] = useState<PromptInput>(() => inputOf(prompt));
  const updatePrompt = useUpdatePrompt(prompt.id);
  const deletePrompt = useDeletePrompt();
  const saving = updatePrompt.isPending;
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const dirty = JSON.stringify(draft) !== JSON.stringify(inputOf(prompt));
  const variables = useMemo(() => draft.variableDefaults ?? [], [draft.variableDefaults]);
  const known = useMemo(() => new Set(variables.map((v) => v.name)), [variables]);
  const missing = usedVariables(draft.messages.map((m) => m.content)).filter((n) => !known.has(n));
  const set = (p: Partial<PromptInput>) => {
    setNotice(null);
    setDraft((d) => ({ ...d, ...p }));
  };

  const save = async (e?: FormEvent) => {
    e?.preventDefault();
    if (saving) return;
    setError(null);
    try {
      const saved = await updatePrompt.mutateAsync({ ...draft, description: draft.description?.trim() ? draft.description : null } as Partial<PromptInput>);
      setDraft(inputOf(saved));
      setNotice("Saved.");
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    }
  };

  const remove = async () => {
    if (!window.confirm(`Delete the prompt “${prompt.name}”? Its custom UIs stop working.`)) return;
    try {
      await deletePrompt.mutateAsync(prompt.id);
      navigate("/");
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    }
  };

  return (
    <form
      className="stack prompt-editor"
      aria-label="Edit prompt"
      onSubmit={save}
      onKeyDown={(e) => {
        if ((e.ctrlKey || e.metaKey) && e.key === "s") {
          e.preventDefault();
          void save();
        }
      }}
    >
      <section className="card stack">
        <h2>Details</h2>
        <label>Prompt name<input name="prompt_name" required maxLength={200} value={draft.name} onChange={(e) => set({ name: e.target.value })} /></label>
        <label>Description<input name="description" value={draft.description ?? ""} onChange={(e) => set({ description: e.target.value })} /></label>
      </section>
      <section className="card stack">
        <h2>Messages</h2>
        <MessagesEditor messages={draft.messages} known={known} onChange={(messages) => set({ messages })} />
      </section>
      <section className="card stack">
        <h2>Variables</h2>
        <VariablesEditor variables={variables} missing={missing} onChange={(variableDefaults) => set({ variableDefaults })} />
      </section>
      <section className="card stack">
        <h2>Settings</h2>
        <SettingsEditor settings={draft.settings} onChange={(settings) => set({ settings })} />
      </section>
      <div className="row center sticky-actions">
        <button type="submit" disabled={saving || !dirty}>{saving ? "Saving…" : "Save prompt"}</button>
        {dirty && <button type="button" className="secondary" onClick={() => setDraft(inputOf(prompt))}>Discard changes</button>}
        <span className="muted" role="status">{dirty ? "Unsaved changes" : notice ?? ""}</span>
        <span className="spacer" />
        <button type="button" className="ghost danger" onClick={remove}>Delete prompt</button>
      </div>
      {error && <p role="alert" className="error">{error}</p>}
    </form>
  );
}
