import { useState } from "react";
import { errorText } from "../../../lib/query";
import type { ModelEntry, PromptsData } from "../../../lib/types";
import { useModels } from "../api/prompts";

type Settings = PromptsData["settings"];
const NUMERIC: { key: string; label: string; min: number; max?: number; step: number; integer?: boolean }[] = [
  { key: "temperature", label: "Temperature", min: 0, max: 2, step: 0.1 },
  { key: "max_tokens", label: "Max tokens", min: 1, step: 1, integer: true },
  { key: "top_p", label: "Top p", min: 0, max: 1, step: 0.05 },
  { key: "top_k", label: "Top k", min: 0, step: 1, integer: true },
];
const NAMED = new Set(["model_id", "output_format", "stream", ...NUMERIC.map((n) => n.key)]);

/** Model settings: the model from `/api/models`, sampling numbers, output format and any others as JSON. */
export function SettingsEditor({ settings, onChange }: { settings: Settings; onChange: (s: Settings) => void }) {
  const modelList = useModels();
  const models = modelList.data ?? null;
  const modelError = modelList.error ? errorText(modelList.error) : null;
  const others = Object.fromEntries(Object.entries(settings).filter(([k]) => !NAMED.has(k)));
  const [otherText, setOtherText] = useState(() => (Object.keys(others).length ? JSON.stringify(others, null, 2) : ""));
  const [otherError, setOtherError] = useState<string | null>(null);

  const set = (key: string, value: unknown) => {
    // Settings are an open JSON object (`model_id` and the named ones, then any others).
    const next: Record<string, unknown> = Object.fromEntries(Object.entries(settings).filter(([k]) => k !== key));
    if (value !== undefined && value !== "") next[key] = value;
    onChange(next as Settings);
  };
  const modelId = settings.model_id ?? "";
  const known = models?.some((m) => m.id === modelId) ?? true;

  return (
    <div className="stack">
      <div className="grid">
        <label>
          ModelEntry
          <select value={modelId} onChange={(e) => set("model_id", e.target.value)} aria-describedby="model-hint">
            {!models && <option value={modelId}>{modelId || "Loading…"}</option>}
            {models && !known && <option value={modelId}>{modelId} (not configured)</option>}
            {models?.map((m) => (
              <option key={m.id} value={m.id}>{m.display_name ?? m.id}{m.provider && m.provider !== m.id ? ` · ${m.provider}` : ""}</option>
            ))}
          </select>
          <span id="model-hint" className="muted">
            {modelError ? `Models could not be loaded: ${modelError}` : priceOf(models?.find((m) => m.id === modelId))}
          </span>
        </label>
        {NUMERIC.map((n) => (
          <label key={n.key}>
            {n.label}
            <input
              type="number"
              name={n.key}
              min={n.min}
              {...(n.max !== undefined ? { max: n.max } : {})}
              step={n.step}
              placeholder="default"
              value={typeof settings[n.key] === "number" ? String(settings[n.key]) : ""}
              onChange={(e) => set(n.key, e.target.value === "" ? undefined : n.integer ? Math.round(Number(e.target.value)) : Number(e.target.value))}
            />
          </label>
        ))}
        <label>
          Output format
          <select name="output_format" value={typeof settings.output_format === "string" ? settings.output_format : ""} onChange={(e) => set("output_format", e.target.value || undefined)}>
            <option value="">default</option>
            <option value="text">text</option>
            <option value="markdown">markdown</option>
            <option value="json">json</option>
          </select>
        </label>
      </div>
      <label>
        Other settings (JSON object, e.g. {'{"echo_delay_ms": 20}'})
        <textarea
          name="other_settings"
          rows={3}
          className="code"
          value={otherText}
          aria-invalid={otherError ? true : undefined}
          onChange={(e) => {
            setOtherText(e.target.value);
            try {
              const parsed = e.target.value.trim() ? (JSON.parse(e.target.value) as unknown) : {};
              if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) throw new Error("must be a JSON object");
              setOtherError(null);
              const kept = Object.fromEntries(Object.entries(settings).filter(([k]) => NAMED.has(k)));
              onChange({ ...(parsed as Settings), ...kept });
            } catch (err) {
              setOtherError(err instanceof Error ? err.message : String(err));
            }
          }}
        />
        {otherError && <span className="error" role="alert">Other settings: {otherError}</span>}
      </label>
    </div>
  );
}

function priceOf(m: ModelEntry | undefined): string {
  if (!m) return "";
  if (!m.input_price && !m.output_price) return "Free";
  return `$${m.input_price ?? 0} / $${m.output_price ?? 0} per million tokens in / out`;
}
