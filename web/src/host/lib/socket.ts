// The one Socket.IO connection of the host app (docs/protocol.md), for the signed-in session:
// `submitTask`, `cancelTask` and the connection's state, all through one `TaskClient` that
// resumes followed tasks after a reconnect. Event names and services are constants there.
import { io } from "socket.io-client";
import { v7 } from "uuid";
import { getSession, onSessionChange } from "./session";
import { TaskClient, type ConnectionState, type SocketLike, type Started, type TaskEvent } from "./taskClient";

export { errorOf, infoOf, isEnd, Services, Tasks, TaskError, type ConnectionState, type Started, type TaskEvent } from "./taskClient";

/** Reconnection: 0.5 s doubling to 5 s between tries, about two and a half minutes in all. */
const RECONNECT = { reconnectionDelay: 500, reconnectionDelayMax: 5_000, reconnectionAttempts: 30 } as const;

// Task ids are time-ordered (UUIDv7, like the ids the server makes): each new task's row goes at
// the end of the server's task-id index rather than at a random place in it.
const client = new TaskClient(
  (token) => io({ path: "/socket.io/", auth: { token }, transports: ["websocket", "polling"], ...RECONNECT }) as unknown as SocketLike,
  v7,
);
client.setToken(getSession()?.token ?? null);
onSessionChange(() => client.setToken(getSession()?.token ?? null));

/** Submits a task; `onEvent` receives every stream event, the last being `{end: true}`. */
export function submitTask(
  service: string,
  taskName: string,
  taskData: Record<string, unknown>,
  onEvent: (e: TaskEvent) => void,
  taskId?: string,
): Promise<Started> {
  return client.submit(service, taskName, taskData, onEvent, taskId);
}

/** Cancels a running task of this user. */
export function cancelTask(taskId: string): Promise<void> {
  return client.cancel(taskId);
}

/** The connection's state (for the "reconnecting" status). */
export function connectionState(): ConnectionState {
  return client.connectionState();
}

/** Calls `l` when the connection's state changes. */
export function onConnectionChange(l: () => void): () => void {
  return client.subscribe(l);
}
