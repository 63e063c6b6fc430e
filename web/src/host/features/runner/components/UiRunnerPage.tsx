import { useCallback, useEffect, useRef, useState } from "react";
import type { InitResult, JsonObject } from "../../../../shared/protocol";
import { Markdown } from "../../../../shared/markdown/Markdown";
import { api } from "../../../lib/api";
import { Link } from "../../../lib/router";
import type { Session } from "../../../lib/session";
import type { CustomUiWithPrompt } from "../../../lib/types";
import { VariableFields } from "../../prompts/components/VariableFields";
import type { BridgeHost } from "../bridgeHost";
import { useHostRun } from "../hooks/useHostRun";
import { buildInit, initialVariables, modeFlags } from "../init";
import { SandboxFrame } from "./SandboxFrame";

type Layout = "inline" | "sidebar" | "full-screen";

function layoutOf(config: JsonObject | null | undefined): { layout: Layout; width: string | null } {
  const raw = String(config?.layout ?? config?.type ?? config?.mode ?? "inline").toLowerCase();
  const layout: Layout = raw === "sidebar" ? "sidebar" : raw === "fullscreen" || raw === "full-screen" || raw === "full" ? "full-screen" : "inline";
  const w = config?.width ?? config?.maxWidth;
  const width = typeof w === "number" ? `${w}px` : typeof w === "string" && /^\d+(\.\d+)?(px|%|rem|em|vw)$/.test(w) ? w : null;
  return { layout, width };
}

/** `/ui/{id}`: runs a custom UI in the sandbox with the runner its execution mode asks for. */
export function UiRunnerPage({ id, session, search }: { id: string; session: Session; search: string }) {
  const [ui, setUi] = useState<CustomUiWithPrompt | null>(null);
  const [init, setInit] = useState<InitResult | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [lastRunId, setLastRunId] = useState<string | null>(null);

  useEffect(() => {
    let live = true;
    (async () => {
      const loaded = await api<CustomUiWithPrompt>("GET", `/api/custom-uis/${encodeURIComponent(id)}`);
      const built = await buildInit(loaded, session.user.id, search);
      if (live) {
        setUi(loaded);
        setInit(built);
      }
    })().catch((e: unknown) => live && setError(e instanceof Error ? e.message : String(e)));
    return () => {
      live = false;
    };
    // The page's search is read once, when the UI loads.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [id, session.user.id]);

  if (error) return <main className="page"><p role="alert" className="error">{error}</p></main>;
  if (!ui || !init) return <main className="page"><p>Loading…</p></main>;
  return <Runner ui={ui} init={init} session={session} search={search} lastRunId={lastRunId} setLastRunId={setLastRunId} />;
}

function Runner({
  ui,
  init,
  session,
  search,
  lastRunId,
  setLastRunId,
}: {
  ui: CustomUiWithPrompt;
  init: InitResult;
  session: Session;
  search: string;
  lastRunId: string | null;
  setLastRunId: (id: string) => void;
}) {
  const bridge = useRef<BridgeHost | null>(null);
  const isReact = ui.component_type === "react";
  const flags = modeFlags(ui.execution_mode, ui.auto_submit, ui.show_variables);
  const chrome = isReact && !flags.bare;
  const [values, setValues] = useState(() => initialVariables(ui.prompt, search));
  const [message, setMessage] = useState("");
  const [turns, setTurns] = useState(0);
  const forward = useCallback((taskId: string, runId: string, e: Parameters<BridgeHost["forward"]>[1]) => {
    bridge.current?.forward(taskId, e);
    void runId;
  }, []);
  const host = useHostRun(ui.prompt.id, ui.id, forward);
  const { layout, width } = layoutOf(ui.layout_config);

  useEffect(() => {
    if (host.runId) setLastRunId(host.runId);
  }, [host.runId, setLastRunId]);
  useEffect(() => {
    if (host.taskId && host.runId) bridge.current?.hostRun(host.taskId, host.runId);
  }, [host.taskId, host.runId]);

  const start = useCallback(
    (userInput?: string) => {
      setTurns((t) => t + 1);
      void host.start({ variables: values, ...(userInput ? { userInput } : {}), continueRun: ui.execution_mode === "auto-run" });
    },
    [host, values, ui.execution_mode],
  );

  const autoStarted = useRef(false);
  useEffect(() => {
    if (chrome && flags.autoRun && !autoStarted.current) {
      autoStarted.current = true;
      start();
    }
  }, [chrome, flags.autoRun, start]);

  const busy = host.status === "running";
  const inputAllowed = flags.acceptsInput && !(flags.oneShot && turns > 0);

  const panel = chrome && (
    <section className="runner-panel stack" aria-label="Runner">
      {flags.showVariables && (ui.prompt.variableDefaults?.length ?? 0) > 0 && (
        <VariableFields variables={ui.prompt.variableDefaults ?? []} values={values} onChange={(n, v) => setValues((s) => ({ ...s, [n]: v }))} disabled={busy} />
      )}
      {inputAllowed && (
        <form
          className="row"
          onSubmit={(e) => {
            e.preventDefault();
            const m = message.trim();
            setMessage("");
            start(m || undefined);
          }}
        >
          <textarea name="user_input" aria-label="Your message" rows={2} value={message} onChange={(e) => setMessage(e.target.value)} placeholder={turns > 0 && ui.execution_mode === "auto-run" ? "Follow up" : "Your message"} />
          <button type="submit" disabled={busy}>{turns > 0 && ui.execution_mode === "auto-run" ? "Send" : "Run"}</button>
          {busy && <button type="button" onClick={host.cancel}>Stop</button>}
        </form>
      )}
      {(host.text || host.status !== "idle") && (
        <div className="answer" data-status={host.status} aria-label="Answer">
          <Markdown content={host.text} isStreaming={busy} />
          {host.error && <p role="alert" className="error">{host.error}</p>}
        </div>
      )}
    </section>
  );

  return (
    <main className={`runner layout-${layout}`} style={width ? { ["--runner-width" as string]: width } : undefined}>
      <header className="runner-head">
        <h1>{ui.name}</h1>
        <span className="muted">
          {ui.prompt.name} · {ui.component_type} · {ui.execution_mode}
        </span>
        {lastRunId && (
          <Link className="run-link" href={`/runs/${lastRunId}`}>
            View recorded run
          </Link>
        )}
      </header>
      <div className="runner-body">
        {layout === "sidebar" ? (
          <>
            <div className="runner-main">{panel}</div>
            <aside className="runner-side">
              <SandboxFrame init={init} userId={session.user.id} modelId={ui.prompt.settings.model_id} fill={false} onBridge={(b) => (bridge.current = b)} onRun={(r) => setLastRunId(r.runId)} />
            </aside>
          </>
        ) : (
          <>
            <SandboxFrame init={init} userId={session.user.id} modelId={ui.prompt.settings.model_id} fill={layout === "full-screen"} onBridge={(b) => (bridge.current = b)} onRun={(r) => setLastRunId(r.runId)} />
            {panel}
          </>
        )}
      </div>
    </main>
  );
}
