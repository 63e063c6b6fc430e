// `useAiRun` as the seed documents it: createRun, addMessage, createTask — proxied by the host
// to the REST API (`/api/runs…`) for runs this frame created.
import { useCallback, useState } from "react";
import { FrameMethods, type JsonObject } from "../../shared/protocol";
import type { AiRun } from "../../generated";
import { request } from "../bridge";

const taskRuns = new Map<string, string>();

/** The run a task was registered in with `createTask`, if any. */
export function runOfTask(taskId: string): string | undefined {
  return taskRuns.get(taskId);
}

export function useAiRun() {
  const [run, setRun] = useState<AiRun | null>(null);

  const createRun = useCallback(async (body: JsonObject = {}): Promise<AiRun> => {
    const created = await request<AiRun>(FrameMethods.runCreate, { run: body });
    setRun(created);
    return created;
  }, []);

  const addMessage = useCallback(
    async (message: JsonObject, runId?: string) => {
      const id = runId ?? run?.id;
      if (!id) throw new Error("addMessage: no run");
      return request(FrameMethods.runAddMessage, { runId: id, body: message });
    },
    [run],
  );

  const createTask = useCallback(
    async (task: JsonObject, runId?: string) => {
      const id = runId ?? run?.id;
      if (!id) throw new Error("createTask: no run");
      if (typeof task.task_id === "string") taskRuns.set(task.task_id, id);
      return request(FrameMethods.runCreateTask, { runId: id, body: task });
    },
    [run],
  );

  return { run, createRun, addMessage, createTask };
}
