// The host's task streams over one Socket.IO connection (docs/protocol.md): submit a task, follow
// its stream events, and — when the connection drops — resume every followed task from the exact
// number of events already received, so the stream goes on with no duplicate or missing event.
// Every submit and every followed task settles: a task that cannot be resumed (refused, signed
// out, the server out of reach for good) gets an `{error}` then `{end: true}` event of its own.
// The socket is injected, so the unit tests drive this logic with a fake one.

import type { StreamEvent, TaskErrorBody, TaskInfo, TaskRefused, TaskStarted } from "../../generated";

export type { StreamEvent };

/**
 * What a follower of a task receives: the server's stream events (a text chunk, or an object
 * with data/info/error/tool_update/broker/end), or the error this client ends a task with when
 * it cannot follow it any more (`connection_lost`, `signed_out`, `timeout`, `unauthorized`, or
 * the server's refusal of a resume).
 */
export type TaskEvent = StreamEvent | { error: { code: string; message: string } };

/** The error an event carries, if it is an `error` event. */
export function errorOf(e: TaskEvent): TaskErrorBody | { code: string; message: string } | null {
  return typeof e === "object" && e !== null && "error" in e ? e.error : null;
}

/** The figures an `info` event carries. */
export function infoOf(e: TaskEvent): TaskInfo | null {
  return typeof e === "object" && e !== null && "info" in e ? e.info : null;
}

/** What a started task is known by. */
export interface Started {
  taskId: string;
  runId: string;
}

/** A task that could not start or be followed, with the server's (or the client's) error code. */
export class TaskError extends Error {
  readonly code: string;
  constructor(code: string, message: string) {
    super(message);
    this.code = code;
  }
}

/**
 * Where the connection is: `connecting` before the first connect, `reconnecting` while a dropped
 * connection is retried, `offline` once retrying gave up (the next task connects again),
 * `signed-out` when the server refused the session.
 */
export type ConnectionState = "idle" | "connecting" | "connected" | "reconnecting" | "offline" | "signed-out";

type AckCallback = (err: Error | null, answer: unknown) => void;

/** The part of a socket.io-client `Socket` this client uses. */
export interface SocketLike {
  readonly connected: boolean;
  /** True while the socket connects or retries on its own. */
  readonly active: boolean;
  /** True when socket.io's own state recovery replayed what was missed (then no resume is needed). */
  readonly recovered?: boolean;
  on(event: string, fn: (...args: never[]) => void): unknown;
  off(event: string, fn?: (...args: never[]) => void): unknown;
  timeout(ms: number): { emit(event: string, payload: unknown, ack: AckCallback): unknown };
  connect(): unknown;
  disconnect(): unknown;
  readonly io: { on(event: "reconnect_failed", fn: () => void): unknown };
}

/** How long a submit, resume or cancel waits for the server's ack on a live connection. */
export const ACK_TIMEOUT_MS = 30_000;

export const Services = {
  chat: "chat_service",
  prompt: "prompt_service",
  task: "task_service",
} as const;
export const Tasks = {
  directChat: "direct_chat",
  runPrompt: "run_prompt",
  cancel: "cancel_task",
  resume: "resume",
} as const;

/** An ack as it arrives: the fields of the generated `TaskAck`, each still to be checked. */
type AckFields = { [K in keyof TaskStarted | keyof TaskRefused]?: unknown };

/** A task this client follows, from its submit until its `{end: true}` (or its settling). */
interface Followed {
  taskId: string;
  service: string;
  payload: Record<string, unknown>;
  /** The event its stream arrives on. */
  event: string;
  /** Stream events delivered so far: the `from` of a resume. */
  received: number;
  onEvent: (e: TaskEvent) => void;
  handler: (e: StreamEvent) => void;
  /** The submit went out on some connection (a resume, not a submit, follows it after a drop). */
  sent: boolean;
  /** Connection generation of the ack (submit or resume) awaited, or -1 when none is. */
  awaiting: number;
  started: Started | null;
  /** A submit that never reached the server was sent again once (after a drop before its ack). */
  resent: boolean;
  waiter: { resolve: (s: Started) => void; reject: (e: TaskError) => void } | null;
}

/** Whether the event is the stream's last, `{end: true}`. */
export function isEnd(e: TaskEvent): boolean {
  return typeof e === "object" && e !== null && "end" in e && e.end === true;
}

function ackError(answer: unknown): TaskError | null {
  const error = ((answer ?? {}) as AckFields).error as { code?: unknown; message?: unknown } | null | undefined;
  if (!error) return null;
  return new TaskError(typeof error.code === "string" ? error.code : "failed", typeof error.message === "string" ? error.message : "the server refused the task");
}

/** Follows tasks over one socket per session token; see the module comment. */
export class TaskClient {
  private readonly open: (token: string) => SocketLike;
  private readonly newId: () => string;
  private socket: SocketLike | null = null;
  private token: string | null = null;
  private readonly followed = new Map<string, Followed>();
  private state: ConnectionState = "idle";
  private readonly listeners = new Set<() => void>();
  /** Bumped on every disconnect: acks of an older connection are ignored. */
  private generation = 0;

  constructor(open: (token: string) => SocketLike, newId: () => string) {
    this.open = open;
    this.newId = newId;
  }

  /** The connection's state, for the "reconnecting" status. */
  connectionState(): ConnectionState {
    return this.state;
  }

  /** Calls `l` whenever the connection's state changes. */
  subscribe(l: () => void): () => void {
    this.listeners.add(l);
    return () => this.listeners.delete(l);
  }

  /** How many tasks are followed (streaming, or waiting for their ack). */
  followedCount(): number {
    return this.followed.size;
  }

  /** Uses `token` from now on; another token (or none) settles what the old session followed. */
  setToken(token: string | null): void {
    if (token === this.token) return;
    this.settleAll("signed_out", "you signed out; the task goes on and is kept in its run");
    this.token = token;
    const old = this.socket;
    this.socket = null;
    old?.disconnect();
    this.setState("idle");
  }

  /**
   * Submits a task; `onEvent` receives every stream event, the last being `{end: true}` — after a
   * reconnect too, with nothing repeated or lost. Resolves when the server acknowledged it.
   */
  submit(service: string, taskName: string, taskData: Record<string, unknown>, onEvent: (e: TaskEvent) => void, taskId?: string): Promise<Started> {
    let s: SocketLike;
    try {
      s = this.connection();
    } catch (e) {
      return Promise.reject(e);
    }
    const id = taskId ?? this.newId();
    if (this.followed.has(id)) return Promise.reject(new TaskError("duplicate_task", "this task is already running"));
    return new Promise<Started>((resolve, reject) => {
      const f: Followed = {
        taskId: id,
        service,
        payload: { taskName, taskData, taskId: id },
        event: `response-${id}`,
        received: 0,
        onEvent,
        handler: (e: StreamEvent) => this.deliver(f, e),
        sent: false,
        awaiting: -1,
        started: null,
        resent: false,
        waiter: { resolve, reject },
      };
      this.followed.set(id, f);
      s.on(f.event, f.handler as (...args: never[]) => void);
      if (s.connected) this.send(f);
    });
  }

  /** Cancels a running task of this user. */
  cancel(taskId: string): Promise<void> {
    const s = this.connection();
    return new Promise((resolve, reject) => {
      s.timeout(ACK_TIMEOUT_MS).emit(Services.task, { taskName: Tasks.cancel, taskData: { task_id: taskId } }, (err, answer) => {
        if (err) return reject(new TaskError("timeout", "the server did not answer"));
        const a = (answer ?? {}) as { ok?: boolean };
        const refused = ackError(answer);
        if (a.ok) resolve();
        else reject(refused ?? new TaskError("failed", "could not cancel"));
      });
    });
  }

  private setState(state: ConnectionState): void {
    if (this.state === state) return;
    this.state = state;
    this.listeners.forEach((l) => l());
  }

  private connection(): SocketLike {
    if (!this.token) throw new TaskError("unauthorized", "sign in first");
    if (!this.socket) {
      const s = this.open(this.token);
      this.socket = s;
      this.attach(s);
      this.setState("connecting");
    } else if (!this.socket.connected && !this.socket.active) {
      // Retrying gave up, or the server disconnected us: a new task tries again.
      this.setState("connecting");
      this.socket.connect();
    }
    return this.socket;
  }

  private attach(s: SocketLike): void {
    const mine = () => this.socket === s;
    s.on("connect", () => mine() && this.onConnect(s));
    s.on("disconnect", ((reason: string) => mine() && this.onDisconnect(s, reason)) as (...args: never[]) => void);
    s.on("connect_error", ((err: Error) => mine() && this.onConnectError(s, err)) as (...args: never[]) => void);
    s.io.on("reconnect_failed", () => {
      if (!mine()) return;
      this.setState("offline");
      this.settleAll("connection_lost", "lost the connection to the server; the task goes on and is kept in its run");
    });
  }

  private onConnect(s: SocketLike): void {
    this.setState("connected");
    for (const f of [...this.followed.values()]) {
      if (!f.sent) this.send(f);
      else if (f.awaiting !== this.generation && !s.recovered) this.resume(f);
    }
  }

  private onDisconnect(s: SocketLike, reason: string): void {
    this.generation += 1;
    for (const f of this.followed.values()) f.awaiting = -1;
    if (reason === "io client disconnect") return;
    if (s.active) {
      this.setState("reconnecting");
    } else if (this.followed.size > 0) {
      // The server closed this connection (a revoked session is one way): one attempt tells
      // whether the session still works; `connect_error` settles the tasks when it does not.
      this.setState("reconnecting");
      s.connect();
    } else {
      // Nothing to follow: the next task connects again.
      this.setState("idle");
    }
  }

  private onConnectError(s: SocketLike, err: Error): void {
    if (s.active) {
      // The transport failed; socket.io retries on its own.
      this.setState(this.state === "connecting" ? "connecting" : "reconnecting");
      return;
    }
    // The server refused the connection: it does not retry, and neither do we.
    if (err.message === "unauthorized") {
      this.setState("signed-out");
      this.settleAll("unauthorized", "your session has ended; sign in again to follow this task");
    } else {
      this.setState("offline");
      this.settleAll("connection_refused", `the server refused the connection: ${err.message}`);
    }
  }

  private send(f: Followed): void {
    const s = this.socket;
    if (!s) return;
    f.sent = true;
    this.expectAck(f, f.service, f.payload);
  }

  private resume(f: Followed): void {
    this.expectAck(f, Services.task, { taskName: Tasks.resume, taskData: { task_id: f.taskId, from: f.received } });
  }

  /** Emits a submit or a resume; its ack starts (or restarts) the stream, or settles the task. */
  private expectAck(f: Followed, service: string, payload: unknown): void {
    const s = this.socket;
    if (!s) return;
    const generation = this.generation;
    f.awaiting = generation;
    s.timeout(ACK_TIMEOUT_MS).emit(service, payload, (err, answer) => {
      // An ack of a connection that has dropped since: the reconnect resumes the task instead.
      if (generation !== this.generation || this.followed.get(f.taskId) !== f) return;
      f.awaiting = -1;
      if (err) return this.settle(f, "timeout", "the server did not answer");
      const refused = ackError(answer);
      if (refused && !f.started && !f.resent && service === Services.task && refused.code === "not_found") {
        // The connection dropped before the submit reached the server: send it once more.
        f.resent = true;
        return this.send(f);
      }
      if (refused && f.resent && service !== Services.task && refused.code === "duplicate_task") {
        // It had reached the server after all: follow it.
        return this.resume(f);
      }
      if (refused) return this.settle(f, refused.code, refused.message);
      const a = (answer ?? {}) as AckFields;
      const events = Array.isArray(a.response_listener_events) ? a.response_listener_events : [];
      const event = typeof events[0] === "string" ? events[0] : null;
      if (!event) return this.settle(f, "failed", "the task did not start");
      if (event !== f.event) {
        s.off(f.event, f.handler as (...args: never[]) => void);
        f.event = event;
        s.on(f.event, f.handler as (...args: never[]) => void);
      }
      if (!f.started) {
        f.started = { taskId: typeof a.task_id === "string" ? a.task_id : f.taskId, runId: typeof a.run_id === "string" ? a.run_id : "" };
        const waiter = f.waiter;
        f.waiter = null;
        waiter?.resolve(f.started);
      }
    });
  }

  private deliver(f: Followed, e: StreamEvent): void {
    if (this.followed.get(f.taskId) !== f) return;
    f.received += 1;
    if (isEnd(e)) this.unfollow(f);
    f.onEvent(e);
  }

  private unfollow(f: Followed): void {
    this.followed.delete(f.taskId);
    this.socket?.off(f.event, f.handler as (...args: never[]) => void);
  }

  /** Ends a task on the client: its submit rejects, or its stream gets an error and its end. */
  private settle(f: Followed, code: string, message: string): void {
    if (this.followed.get(f.taskId) !== f) return;
    this.unfollow(f);
    if (f.waiter) {
      const waiter = f.waiter;
      f.waiter = null;
      waiter.reject(new TaskError(code, message));
      return;
    }
    f.onEvent({ error: { code, message } });
    f.onEvent({ end: true });
  }

  private settleAll(code: string, message: string): void {
    for (const f of [...this.followed.values()]) this.settle(f, code, message);
  }
}
