import { useCallback, useRef, useState } from "react";
import { cancelTask, Services, submitTask, Tasks, type StreamEvent } from "../../lib/socket";

export type RunStatus = "idle" | "running" | "done" | "error" | "cancelled";

export interface HostRun {
  text: string;
  status: RunStatus;
  error: string | null;
  info: Record<string, unknown> | null;
  runId: string | null;
  taskId: string | null;
  start: (a: { variables: Record<string, string>; userInput?: string; continueRun?: boolean }) => Promise<void>;
  cancel: () => void;
}

/** Runs a stored prompt (optionally through a custom UI) over the socket and follows its stream. */
export function useHostRun(promptId: string, customUiId?: string, onEvent?: (taskId: string, runId: string, e: StreamEvent) => void): HostRun {
  const [text, setText] = useState("");
  const [status, setStatus] = useState<RunStatus>("idle");
  const [error, setError] = useState<string | null>(null);
  const [info, setInfo] = useState<Record<string, unknown> | null>(null);
  const [runId, setRunId] = useState<string | null>(null);
  const [taskId, setTaskId] = useState<string | null>(null);
  const runRef = useRef<string | null>(null);
  const eventRef = useRef(onEvent);
  eventRef.current = onEvent;

  const start = useCallback(
    async ({ variables, userInput, continueRun }: { variables: Record<string, string>; userInput?: string; continueRun?: boolean }) => {
      setText("");
      setError(null);
      setInfo(null);
      setStatus("running");
      const pending: StreamEvent[] = [];
      let started: { taskId: string; runId: string } | null = null;
      const handle = (e: StreamEvent) => {
        if (!started) {
          pending.push(e);
          return;
        }
        eventRef.current?.(started.taskId, started.runId, e);
        if (typeof e === "string") {
          setText((t) => t + e);
          return;
        }
        if (e.info && typeof e.info === "object") setInfo(e.info as Record<string, unknown>);
        if (e.error && typeof e.error === "object") {
          const err = e.error as { code?: string; message?: string };
          setError(err.message ?? "the run failed");
          setStatus(err.code === "cancelled" ? "cancelled" : "error");
        }
        if (e.end === true) setStatus((s) => (s === "running" ? "done" : s));
      };
      try {
        const taskData: Record<string, unknown> = { prompt_id: promptId, variables };
        if (userInput) taskData.user_input = userInput;
        if (customUiId) taskData.custom_ui_id = customUiId;
        if (continueRun && runRef.current) taskData.run_id = runRef.current;
        started = await submitTask(Services.prompt, Tasks.runPrompt, taskData, handle);
        runRef.current = started.runId;
        setRunId(started.runId);
        setTaskId(started.taskId);
        pending.splice(0).forEach(handle);
      } catch (err) {
        setError(err instanceof Error ? err.message : String(err));
        setStatus("error");
      }
    },
    [promptId, customUiId],
  );

  const cancel = useCallback(() => {
    if (taskId) cancelTask(taskId).catch(() => undefined);
  }, [taskId]);

  return { text, status, error, info, runId, taskId, start, cancel };
}
