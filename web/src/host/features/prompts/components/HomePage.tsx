import { useState, type FormEvent } from "react";
import { errorText } from "../../../lib/query";
import { Link, navigate } from "../../../lib/router";
import type { PromptsData } from "../../../lib/types";
import { useCreatePrompt, useDeletePrompt, useModels, usePrompts, type PromptInput } from "../api/prompts";

const EXAMPLE_VARIABLES = `[{"name": "topic", "defaultValue": "dragons"}]`;

/** Home: the user's prompts (open, run, delete) and a form for a new one. */
export function HomePage() {
  const list = usePrompts();
  const deletePrompt = useDeletePrompt();
  const prompts = list.data ?? null;
  const [actionError, setError] = useState<string | null>(null);
  const error = actionError ?? (list.error ? errorText(list.error) : null);
  const [filter, setFilter] = useState("");

  const remove = async (p: PromptsData) => {
    if (!window.confirm(`Delete the prompt “${p.name}”?`)) return;
    try {
      await deletePrompt.mutateAsync(p.id);
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    }
  };
  const shown = prompts?.filter((p) => p.name.toLowerCase().includes(filter.trim().toLowerCase())) ?? null;

  return (
    <main className="page stack">
      <section className="card stack">
        <div className="row center">
          <h1>Your prompts</h1>
          <span className="spacer" />
          {prompts && prompts.length > 3 && <input type="search" aria-label="Filter prompts" placeholder="Filter" value={filter} onChange={(e) => setFilter(e.target.value)} />}
        </div>
        {shown === null ? <p aria-busy="true">Loading…</p> : prompts?.length === 0 ? (
          <p className="muted">No prompts yet. Create one below, or browse the <Link href="/gallery">gallery</Link> and the <Link href="/templates">templates</Link>.</p>
        ) : (
          <ul className="list plain" aria-label="Prompts">
            {shown.map((p) => (
              <li key={p.id} className="row center item">
                <div className="grow">
                  <Link href={`/prompts/${p.id}`}><strong>{p.name}</strong></Link>
                  <div className="muted">{p.messages.length} message{p.messages.length === 1 ? "" : "s"} · {(p.variableDefaults ?? []).length} variables · {p.settings.model_id}{p.updatedAt ? ` · edited ${new Date(p.updatedAt).toLocaleString()}` : ""}</div>
                </div>
                <Link href={`/prompts/${p.id}/run`} aria-label={`Run ${p.name}`}>Run</Link>
                <button type="button" className="ghost danger" aria-label={`Delete ${p.name}`} onClick={() => void remove(p)}>Delete</button>
              </li>
            ))}
          </ul>
        )}
      </section>
      {error && <p role="alert" className="error">{error}</p>}
      <NewPromptForm onError={setError} />
    </main>
  );
}

function NewPromptForm({ onError }: { onError: (e: string | null) => void }) {
  const [name, setName] = useState("");
  const [system, setSystem] = useState("You are a helpful assistant.");
  const [user, setUser] = useState("Tell me about {{topic}}.");
  const [variables, setVariables] = useState(EXAMPLE_VARIABLES);
  const [model, setModel] = useState("echo");
  const models = useModels().data ?? [];
  const createPrompt = useCreatePrompt();
  const [settings, setSettings] = useState("{}");

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    onError(null);
    try {
      // The server checks the variables' shape and answers what is wrong.
      const variableDefaults = variables.trim() ? (JSON.parse(variables) as PromptInput["variableDefaults"]) : [];
      const extra = settings.trim() ? (JSON.parse(settings) as Record<string, unknown>) : {};
      const messages: PromptInput["messages"] = [
        ...(system.trim() ? [{ role: "system" as const, content: system }] : []),
        ...(user.trim() ? [{ role: "user" as const, content: user }] : []),
      ];
      const created = await createPrompt.mutateAsync({ name, messages, variableDefaults, settings: { ...extra, model_id: model } });
      navigate(`/prompts/${created.id}`);
    } catch (err) {
      onError(err instanceof Error ? err.message : String(err));
    }
  };

  return (
    <section className="card">
      <h2>New prompt</h2>
      <form className="stack" onSubmit={submit} aria-label="New prompt">
        <label>Name<input name="name" required value={name} onChange={(e) => setName(e.target.value)} /></label>
        <label>System message<textarea name="system" rows={2} value={system} onChange={(e) => setSystem(e.target.value)} /></label>
        <label>User message (use {"{{variable}}"})<textarea name="user" rows={3} value={user} onChange={(e) => setUser(e.target.value)} /></label>
        <label>Variables (JSON list of {"{name, defaultValue, customComponent?}"})<textarea name="variables" rows={3} value={variables} onChange={(e) => setVariables(e.target.value)} /></label>
        <label>
          Model
          <select name="model" value={model} onChange={(e) => setModel(e.target.value)}>
            {!models.some((m) => m.id === model) && <option value={model}>{model}</option>}
            {models.map((m) => <option key={m.id} value={m.id}>{m.display_name ?? m.id}</option>)}
          </select>
        </label>
        <label>Other settings (JSON, e.g. {'{"echo_delay_ms": 20}'})<input name="settings" value={settings} onChange={(e) => setSettings(e.target.value)} /></label>
        <button type="submit">Create prompt</button>
      </form>
    </section>
  );
}
