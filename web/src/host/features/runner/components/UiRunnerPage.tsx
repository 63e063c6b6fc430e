import { useCallback, useEffect, useRef, useState } from "react";
import { asObject, type InitResult, type JsonObject } from "../../../../shared/protocol";
import { Markdown } from "../../../../shared/markdown/Markdown";
import { errorText } from "../../../lib/query";
import { Link } from "../../../lib/router";
import type { Session } from "../../../lib/session";
import type { CustomUiWithPrompt } from "../../../lib/types";
import { VariableFields } from "../../../shared/components/VariableFields";
import { useHostRun } from "../../../shared/hooks/useHostRun";
import { initialVariables } from "../../../shared/variables";
import { useRunnerUi } from "../api/runner";
import type { BridgeHost } from "../bridgeHost";
import { modeFlags } from "../init";
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
  // The page's search is read once, when the UI loads.
  const [firstSearch] = useState(search);
  const { data, error } = useRunnerUi(id, firstSearch);
  const [lastRunId, setLastRunId] = useState<string | null>(null);

  if (error) return <main className="page"><p role="alert" className="error">{errorText(error)}</p></main>;
  if (!data) return <main className="page"><p>Loading…</p></main>;
  return <Runner ui={data.ui} init={data.init} session={session} search={firstSearch} lastRunId={lastRunId} setLastRunId={setLastRunId} />;
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
  const { layout, width } = layoutOf(asObject(ui.layout_config));

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
