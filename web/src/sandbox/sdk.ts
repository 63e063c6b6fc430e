// The promptdeck SDK (`import … from "promptdeck"`): run this UI's prompt and follow its stream,
// cancel, read the prompt's public data and the UI's props, keep small per-user UI state, copy
// text, open links (after the user confirms), ask to be shown full screen or as a modal, and
// render markdown.
import { useCallback, useRef, useState, useSyncExternalStore } from "react";
import { FrameMethods, type Json, type JsonObject, type PromptView, type VariableValue } from "../shared/protocol";
import { Markdown } from "./markdown";
import { refusalOf, request } from "./bridge";
import { context, getState, subscribeState, writeState } from "./context";
import { failTask, getTasks, subscribeTasks, whenEnded, type TaskState } from "./tasks";

export { Markdown };
export { requestDisplayMode, useDisplayMode } from "./displayMode";
export type { DisplayMode } from "../shared/protocol";

/** Where a UI's run is (not a stored run's life cycle). */
export type RunState = "idle" | "running" | "done" | "error" | "cancelled";

export interface RunOptions {
  /** Variable values; missing ones take the prompt's defaults on the server. */
  variables?: Record<string, VariableValue>;
  /** A user message appended after the prompt's messages. */
  userInput?: string;
  /** Continue this hook's previous run, so the model sees the conversation. */
  continueRun?: boolean;
}

export interface RunResult {
  text: string;
  status: RunState;
  taskId: string | null;
  runId: string | null;
  info: Record<string, Json> | null;
  error: { code: string; message: string } | null;
}

export interface PromptRun extends RunResult {
  run: (options?: RunOptions) => Promise<RunResult>;
  cancel: () => void;
  data: Json[];
  toolUpdates: Json[];
}

function statusOf(t: TaskState | undefined, starting: boolean): RunState {
  if (!t) return starting ? "running" : "idle";
  if (!t.ended) return "running";
  if (t.error) return t.error.code === "cancelled" ? "cancelled" : "error";
  return "done";
}

function resultOf(t: TaskState | undefined, runId: string | null, starting = false): RunResult {
  return {
    text: t?.text ?? "",
    status: statusOf(t, starting),
    taskId: t?.taskId ?? null,
    runId,
    info: t?.info ?? null,
    error: t?.error ?? null,
  };
}

let localTask = 0;

/** Starts a run of this UI's prompt through the host; the task id and run id it got. */
export async function runPrompt(options: RunOptions = {}, runId?: string | null): Promise<{ taskId: string; runId: string }> {
  const params: JsonObject = { variables: (options.variables ?? {}) as JsonObject, continueRun: Boolean(options.continueRun) };
  if (options.userInput !== undefined) params.userInput = options.userInput;
  if (options.continueRun && runId) params.runId = runId;
  return request<{ taskId: string; runId: string }>(FrameMethods.run, params);
}

/** Runs the UI's prompt and follows the answer as it streams. */
export function usePrompt(): PromptRun {
  const [taskId, setTaskId] = useState<string | null>(null);
  const [runId, setRunId] = useState<string | null>(null);
  const [starting, setStarting] = useState(false);
  const runIdRef = useRef<string | null>(null);
  const task = useSyncExternalStore(subscribeTasks, () => (taskId ? getTasks().tasks[taskId] : undefined));

  const run = useCallback(async (options: RunOptions = {}): Promise<RunResult> => {
    setStarting(true);
    setTaskId(null);
    try {
      const started = await runPrompt(options, runIdRef.current);
      runIdRef.current = started.runId;
      setRunId(started.runId);
      setTaskId(started.taskId);
      setStarting(false);
      const t = await whenEnded(started.taskId);
      return resultOf(t, started.runId);
    } catch (err) {
      const id = `local-${++localTask}`;
      const refusal = refusalOf(err);
      failTask(id, refusal.code, refusal.message);
      setTaskId(id);
      setStarting(false);
      return resultOf(getTasks().tasks[id], runIdRef.current);
    }
  }, []);

  const cancel = useCallback(() => {
    if (taskId && !taskId.startsWith("local-")) request(FrameMethods.cancel, { taskId }).catch(() => undefined);
  }, [taskId]);

  return { ...resultOf(task, runId, starting), run, cancel, data: task?.data ?? [], toolUpdates: task?.toolUpdates ?? [] };
}

/** The prompt's public data: name, messages, variable definitions, model settings. */
export function usePromptData(): PromptView {
  return context().prompt;
}

/** The UI's props (its `default_props`). */
export function useUiProps<T extends JsonObject = JsonObject>(): T {
  return context().props as T;
}

/** The variable values the runner starts from (defaults, then `?var.NAME=` values). */
export function useVariables(): Record<string, string> {
  return context().variables;
}

/** A value of this UI's per-user state that persists between visits (small quota). */
export function useUiState<T extends Json>(key: string, initial: T): [T, (value: T) => void] {
  const value = useSyncExternalStore(subscribeState, () => getState()[key]);
  const set = useCallback((next: T) => {
    writeState(key, next).catch((e: unknown) => console.warn("promptdeck: state not saved:", e));
  }, [key]);
  return [(value === undefined ? initial : value) as T, set];
}

/** Copies text to the user's clipboard (through the host). */
export function copyText(text: string): Promise<void> {
  return request(FrameMethods.copy, { text }).then(() => undefined);
}

/** Asks the host to open a link in a new tab; the user confirms first. True when opened. */
export function openLink(url: string): Promise<boolean> {
  return request<{ opened: boolean }>(FrameMethods.openLink, { url }).then((r) => r.opened);
}
