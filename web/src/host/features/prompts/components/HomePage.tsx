import { useEffect, useState, type FormEvent } from "react";
import { api } from "../../../lib/api";
import { Link, navigate } from "../../../lib/router";
import type { CustomUi, Page, PromptData } from "../../../lib/types";

const EXAMPLE_VARIABLES = `[{"name": "topic", "defaultValue": "dragons"}]`;

/** Home: the user's prompts, a form for a new one, and public custom UIs. */
export function HomePage() {
  const [prompts, setPrompts] = useState<PromptData[]>([]);
  const [publicUis, setPublicUis] = useState<CustomUi[]>([]);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    api<Page<PromptData>>("GET", "/api/prompts").then((p) => setPrompts(p.items), (e: Error) => setError(e.message));
    api<Page<CustomUi>>("GET", "/api/custom-uis?scope=public").then((p) => setPublicUis(p.items), () => undefined);
  }, []);

  return (
    <main className="page stack">
      <section>
        <h2>Your prompts</h2>
        {prompts.length === 0 ? <p className="muted">No prompts yet.</p> : (
          <ul className="list">
            {prompts.map((p) => (
              <li key={p.id}><Link href={`/prompts/${p.id}`}>{p.name}</Link></li>
            ))}
          </ul>
        )}
      </section>
      <NewPromptForm onError={setError} />
      {error && <p role="alert" className="error">{error}</p>}
      <section>
        <h2>Public custom UIs</h2>
        {publicUis.length === 0 ? <p className="muted">None yet.</p> : (
          <ul className="list">
            {publicUis.map((u) => <li key={u.id}><Link href={`/ui/${u.id}`}>{u.name}</Link></li>)}
          </ul>
        )}
      </section>
    </main>
  );
}

function NewPromptForm({ onError }: { onError: (e: string | null) => void }) {
  const [name, setName] = useState("");
  const [system, setSystem] = useState("You are a helpful assistant.");
  const [user, setUser] = useState("Tell me about {{topic}}.");
  const [variables, setVariables] = useState(EXAMPLE_VARIABLES);
  const [model, setModel] = useState("echo");
  const [settings, setSettings] = useState("{}");

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    onError(null);
    try {
      const variableDefaults = variables.trim() ? (JSON.parse(variables) as unknown) : [];
      const extra = settings.trim() ? (JSON.parse(settings) as Record<string, unknown>) : {};
      const messages = [
        ...(system.trim() ? [{ role: "system", content: system }] : []),
        ...(user.trim() ? [{ role: "user", content: user }] : []),
      ];
      const created = await api<PromptData>("POST", "/api/prompts", { name, messages, variableDefaults, settings: { ...extra, model_id: model } });
      navigate(`/prompts/${created.id}`);
    } catch (err) {
      onError(err instanceof Error ? err.message : String(err));
    }
  };

  return (
    <section>
      <h2>New prompt</h2>
      <form className="stack" onSubmit={submit} aria-label="New prompt">
        <label>Name<input name="name" required value={name} onChange={(e) => setName(e.target.value)} /></label>
        <label>System message<textarea name="system" rows={2} value={system} onChange={(e) => setSystem(e.target.value)} /></label>
        <label>User message (use {"{{variable}}"})<textarea name="user" rows={3} value={user} onChange={(e) => setUser(e.target.value)} /></label>
        <label>Variables (JSON list of {"{name, defaultValue, customComponent?}"})<textarea name="variables" rows={3} value={variables} onChange={(e) => setVariables(e.target.value)} /></label>
        <label>Model<input name="model" value={model} onChange={(e) => setModel(e.target.value)} /></label>
        <label>Other settings (JSON, e.g. {'{"echo_delay_ms": 20}'})<input name="settings" value={settings} onChange={(e) => setSettings(e.target.value)} /></label>
        <button type="submit">Create prompt</button>
      </form>
    </section>
  );
}
