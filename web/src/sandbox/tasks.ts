// Stream state of every task this frame started, fed by the host's `task/event` notifications.
// Snapshots are immutable, so React reads them with useSyncExternalStore.
import { HostNotifications, isObject, type Json } from "../shared/protocol";
import { on } from "./bridge";

export interface TaskState {
  taskId: string;
  text: string;
  ended: boolean;
  data: Json[];
  info: Record<string, Json> | null;
  error: { code: string; message: string } | null;
  toolUpdates: Json[];
  broker: Json[];
}

export interface TasksSnapshot {
  tasks: Record<string, TaskState>;
}

let snapshot: TasksSnapshot = { tasks: {} };
const listeners = new Set<() => void>();

export function getTasks(): TasksSnapshot {
  return snapshot;
}

export function subscribeTasks(l: () => void): () => void {
  listeners.add(l);
  return () => listeners.delete(l);
}

function empty(taskId: string): TaskState {
  return { taskId, text: "", ended: false, data: [], info: null, error: null, toolUpdates: [], broker: [] };
}

/** Applies one stream event (a text chunk or an object) to a task. */
export function applyEvent(taskId: string, event: Json): void {
  const t = { ...(snapshot.tasks[taskId] ?? empty(taskId)) };
  if (typeof event === "string") t.text += event;
  else if (isObject(event)) {
    if ("data" in event) t.data = [...t.data, event.data as Json];
    if (isObject(event.info)) t.info = event.info as Record<string, Json>;
    if (isObject(event.error)) {
      const e = event.error as { code?: unknown; message?: unknown };
      t.error = { code: String(e.code ?? "error"), message: String(e.message ?? "the task failed") };
    }
    if ("tool_update" in event) t.toolUpdates = [...t.toolUpdates, event.tool_update as Json];
    if ("broker" in event) t.broker = [...t.broker, event.broker as Json];
    if (event.end === true) t.ended = true;
  }
  snapshot = { tasks: { ...snapshot.tasks, [taskId]: t } };
  listeners.forEach((l) => l());
}

/** Marks a task failed before it started (the host refused it). */
export function failTask(taskId: string, code: string, message: string): void {
  applyEvent(taskId, { error: { code, message } });
  applyEvent(taskId, { end: true });
}

/** Resolves when the task has ended. */
export function whenEnded(taskId: string): Promise<TaskState> {
  return new Promise((resolve) => {
    const check = () => {
      const t = snapshot.tasks[taskId];
      if (t?.ended) {
        off();
        resolve(t);
        return true;
      }
      return false;
    };
    const off = subscribeTasks(() => {
      check();
    });
    check();
  });
}

on(HostNotifications.taskEvent, (params) => {
  if (typeof params.taskId === "string" && params.event !== undefined) applyEvent(params.taskId, params.event);
});
