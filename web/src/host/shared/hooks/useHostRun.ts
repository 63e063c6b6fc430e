import { useCallback, useRef, useState } from "react";
import type { TaskInfo } from "../../../generated";
import { cancelTask, errorOf, infoOf, isEnd, Services, submitTask, Tasks, type TaskEvent } from "../../lib/socket";

/** Where the runner's own run is (not a stored run's life cycle). */
export type RunState = "idle" | "running" | "done" | "error" | "cancelled";

export interface HostRun {
  text: string;
  status: RunState;
  error: string | null;
  info: TaskInfo | null;
  runId: string | null;
  taskId: string | null;
  start: (a: { variables: Record<string, string>; userInput?: string; continueRun?: boolean }) => Promise<void>;
  cancel: () => void;
}

/** Runs a stored prompt (optionally through a custom UI) over the socket and follows its stream. */
export function useHostRun(promptId: string, customUiId?: string, onEvent?: (taskId: string, runId: string, e: TaskEvent) => void): HostRun {
  const [text, setText] = useState("");
  const [status, setStatus] = useState<RunState>("idle");
  const [error, setError] = useState<string | null>(null);
  const [info, setInfo] = useState<TaskInfo | null>(null);
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
      const pending: TaskEvent[] = [];
      let started: { taskId: string; runId: string } | null = null;
      const handle = (e: TaskEvent) => {
        if (!started) {
          pending.push(e);
          return;
        }
        eventRef.current?.(started.taskId, started.runId, e);
        if (typeof e === "string") {
          setText((t) => t + e);
          return;
        }
        const info = infoOf(e);
        if (info) setInfo(info);
        const err = errorOf(e);
        if (err) {
          setError(err.message || "the run failed");
          setStatus(err.code === "cancelled" ? "cancelled" : "error");
        }
        if (isEnd(e)) setStatus((s) => (s === "running" ? "done" : s));
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
