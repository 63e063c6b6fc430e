// The run the runner's own forms start (templates and JSON-Schema UIs), and the runs the host
// starts for this UI (auto-run modes): both show in the frame's response area.
import { useCallback, useEffect, useRef, useState, useSyncExternalStore } from "react";
import { HostNotifications, type VariableValue } from "../../shared/protocol";
import { on, refusalOf } from "../bridge";
import { context } from "../context";
import { runPrompt } from "../sdk";
import { failTask, getTasks, subscribeTasks } from "../tasks";

let local = 0;

export function useFrameRun() {
  const [taskId, setTaskId] = useState<string | null>(null);
  const [runs, setRuns] = useState(0);
  const runId = useRef<string | null>(null);
  const task = useSyncExternalStore(subscribeTasks, () => (taskId ? getTasks().tasks[taskId] : undefined));
  const { oneShot, ui } = context();

  useEffect(
    () =>
      on(HostNotifications.hostRun, (p) => {
        if (typeof p.taskId === "string") setTaskId(p.taskId);
        if (typeof p.runId === "string") runId.current = p.runId;
      }),
    [],
  );

  const submit = useCallback(async (variables: Record<string, VariableValue>, userInput?: string) => {
    setRuns((n) => n + 1);
    try {
      const continueRun = ui.executionMode === "auto-run" && runId.current !== null;
      const r = await runPrompt({ variables, ...(userInput ? { userInput } : {}), continueRun }, runId.current);
      runId.current = r.runId;
      setTaskId(r.taskId);
    } catch (err) {
      const id = `local-${++local}`;
      const refusal = refusalOf(err);
      failTask(id, refusal.code, refusal.message);
      setTaskId(id);
    }
  }, [ui.executionMode]);

  const running = Boolean(taskId) && !task?.ended;
  return {
    submit,
    text: task?.text ?? "",
    running,
    error: task?.error ?? null,
    locked: running || (oneShot && runs > 0),
  };
}
