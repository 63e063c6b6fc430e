// The one module that owns the Socket.IO connection (docs/protocol.md): submit a task, receive
// its stream events, cancel it. Event names and services are constants here.
import { io, type Socket } from "socket.io-client";
import { getSession, onSessionChange } from "./session";

export const Services = {
  chat: "chat_service",
  prompt: "prompt_service",
  task: "task_service",
} as const;
export const Tasks = {
  directChat: "direct_chat",
  runPrompt: "run_prompt",
  cancel: "cancel_task",
} as const;

/** One stream event: a text chunk, or an object with data/info/error/tool_update/broker/end. */
export type StreamEvent = string | Record<string, unknown>;

export interface Started {
  taskId: string;
  runId: string;
}

export class TaskError extends Error {
  readonly code: string;
  constructor(code: string, message: string) {
    super(message);
    this.code = code;
  }
}

interface Ack {
  response_listener_events?: string[];
  task_id?: string;
  run_id?: string;
  error?: { code: string; message: string };
}

let socket: Socket | null = null;
let socketToken: string | null = null;

onSessionChange(() => {
  if (socket && getSession()?.token !== socketToken) {
    socket.disconnect();
    socket = null;
  }
});

function connection(): Socket {
  const token = getSession()?.token;
  if (!token) throw new TaskError("unauthorized", "sign in first");
  if (!socket || socketToken !== token) {
    socket?.disconnect();
    socketToken = token;
    socket = io({ path: "/socket.io/", auth: { token }, transports: ["websocket", "polling"] });
  }
  return socket;
}

/** Submits a task; `onEvent` receives every stream event, the last being `{end: true}`. */
export function submitTask(
  service: string,
  taskName: string,
  taskData: Record<string, unknown>,
  onEvent: (e: StreamEvent) => void,
  taskId?: string,
): Promise<Started> {
  const s = connection();
  return new Promise((resolve, reject) => {
    const payload = { taskName, taskData, ...(taskId ? { taskId } : {}) };
    s.timeout(30_000).emit(service, payload, (err: Error | null, ack: Ack) => {
      if (err) return reject(new TaskError("timeout", "the server did not answer"));
      const event = ack.response_listener_events?.[0];
      if (!event || !ack.task_id || ack.error) {
        return reject(new TaskError(ack.error?.code ?? "failed", ack.error?.message ?? "the task did not start"));
      }
      const handler = (e: StreamEvent) => {
        onEvent(e);
        if (typeof e === "object" && e !== null && (e as { end?: unknown }).end === true) s.off(event, handler);
      };
      s.on(event, handler);
      resolve({ taskId: ack.task_id, runId: ack.run_id ?? "" });
    });
  });
}

/** Cancels a running task of this user. */
export function cancelTask(taskId: string): Promise<void> {
  const s = connection();
  return new Promise((resolve, reject) => {
    s.timeout(10_000).emit(Services.task, { taskName: Tasks.cancel, taskData: { task_id: taskId } }, (err: Error | null, ack: { ok?: boolean; error?: { code: string; message: string } }) => {
      if (err) return reject(new TaskError("timeout", "the server did not answer"));
      if (ack.ok) resolve();
      else reject(new TaskError(ack.error?.code ?? "failed", ack.error?.message ?? "could not cancel"));
    });
  });
}
