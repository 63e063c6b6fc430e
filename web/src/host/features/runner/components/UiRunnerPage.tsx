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

/** A promise settled from outside: the frame's init, before the UI's data has arrived. */
function deferred<T>() {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  // A failed load shows on the page; the frame's initialize is answered with it.
  promise.catch(() => undefined);
  return { promise, resolve, reject };
}

/**
 * `/ui/{id}`: runs a custom UI in the sandbox with the runner its execution mode asks for. The
 * sandbox frame is created at once, while the UI's data loads: its document, runtime and worker
 * boot meanwhile, and its `initialize` is answered when the data arrives. The frame keeps its place
 * in the page from then on (a new element would load its document again).
 */
export function UiRunnerPage({
  id,
  session,
  search,
  embedded = false,
  onLoadError,
}: {
  id: string;
  session: Session;
  search: string;
  /**
   * Shown inside another site (`/embed/{id}`): only the UI's name above it, no link to the
   * recorded run (its viewer may not open it), and a failed load goes to `onLoadError` (the embed
   * page shows its notice) rather than onto the page.
   */
  embedded?: boolean;
  onLoadError?: (error: unknown) => void;
}) {
  // The page's search is read once, when the UI loads.
  const [firstSearch] = useState(search);
  const { data, error } = useRunnerUi(id, firstSearch);
  const [init] = useState(() => deferred<InitResult>());
  useEffect(() => {
    if (data) init.resolve(data.init);
    else if (error) init.reject(error);
  }, [data, error, init]);
  useEffect(() => {
    if (error) onLoadError?.(error);
  }, [error, onLoadError]);
  const [lastRunId, setLastRunId] = useState<string | null>(null);
  const bridge = useRef<BridgeHost | null>(null);
  const ui = data?.ui;
  const { layout, width } = layoutOf(asObject(ui?.layout_config));
  const onBridge = useCallback((b: BridgeHost | null) => (bridge.current = b), []);
  const forward = useCallback((taskId: string, runId: string, e: Parameters<BridgeHost["forward"]>[1]) => {
    bridge.current?.forward(taskId, e);
    void runId;
  }, []);
  const hostRun = useCallback((taskId: string, runId: string) => bridge.current?.hostRun(taskId, runId), []);

  if (error) return onLoadError ? null : <main className="page"><p role="alert" className="error">{errorText(error)}</p></main>;
  return (
    <main className={`runner layout-${layout}`} style={width ? { ["--runner-width" as string]: width } : undefined} aria-busy={ui ? undefined : true}>
      <header className="runner-head">
        <h1>{ui ? ui.name : "Loading…"}</h1>
        {ui && !embedded && (
          <span className="muted">
            {ui.prompt.name} · {ui.component_type} · {ui.execution_mode}
          </span>
        )}
        {lastRunId && !embedded && (
          <Link className="run-link" href={`/runs/${lastRunId}`}>
            View recorded run
          </Link>
        )}
      </header>
      <div className="runner-body">
        {/* The frame comes first in the page; the sidebar layout shows it on the right (styles.css). */}
        <div className="runner-side">
          <SandboxFrame init={init.promise} uiId={id} name={ui?.name} userId={session.user.id} fill={layout === "full-screen"} onBridge={onBridge} onRun={(r) => setLastRunId(r.runId)} />
        </div>
        {ui && (layout === "sidebar" || hasPanel(ui)) && (
          <div className="runner-main">
            <RunnerPanel ui={ui} search={firstSearch} forward={forward} hostRun={hostRun} setLastRunId={setLastRunId} />
          </div>
        )}
      </div>
    </main>
  );
}

/** Whether the host shows its runner beside the frame: React UIs, unless their mode leaves everything to them. */
function hasPanel(ui: CustomUiWithPrompt): boolean {
  return ui.component_type === "react" && !modeFlags(ui.execution_mode, ui.auto_submit, ui.show_variables).bare;
}

/** The host's runner around a React UI (variables, a message box, the answer), as its execution mode asks. */
function RunnerPanel({
  ui,
  search,
  forward,
  hostRun,
  setLastRunId,
}: {
  ui: CustomUiWithPrompt;
  search: string;
  /** Passes a host run's events on to the frame. */
  forward: (taskId: string, runId: string, e: Parameters<BridgeHost["forward"]>[1]) => void;
  /** Tells the frame the runner started a run. */
  hostRun: (taskId: string, runId: string) => void;
  setLastRunId: (id: string) => void;
}) {
  const flags = modeFlags(ui.execution_mode, ui.auto_submit, ui.show_variables);
  const chrome = hasPanel(ui);
  const [values, setValues] = useState(() => initialVariables(ui.prompt, search));
  const [message, setMessage] = useState("");
  const [turns, setTurns] = useState(0);
  const host = useHostRun(ui.prompt.id, ui.id, forward);

  useEffect(() => {
    if (host.runId) setLastRunId(host.runId);
  }, [host.runId, setLastRunId]);
  useEffect(() => {
    if (host.taskId && host.runId) hostRun(host.taskId, host.runId);
  }, [host.taskId, host.runId, hostRun]);

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

  if (!chrome) return null;
  return (
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
}
