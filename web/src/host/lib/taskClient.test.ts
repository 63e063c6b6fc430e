import { describe, expect, it } from "vitest";
import type { StreamEvent, TaskInfo } from "../../generated";
import { Services, TaskClient, TaskError, Tasks, type SocketLike, type TaskEvent } from "./taskClient";

type Fn = (...args: never[]) => void;
type Ack = (err: Error | null, answer: unknown) => void;

/** A socket.io-client socket as far as TaskClient uses it, driven by the test. */
class FakeSocket implements SocketLike {
  connected = false;
  active = true;
  recovered = false;
  connectCalls = 0;
  readonly handlers = new Map<string, Set<Fn>>();
  readonly ioHandlers = new Map<string, Set<() => void>>();
  /** Emits awaiting their ack, in order. */
  readonly emitted: { event: string; payload: Record<string, unknown>; ack: Ack; answered: boolean }[] = [];
  readonly io = {
    on: (event: string, fn: () => void) => {
      const set = this.ioHandlers.get(event) ?? new Set();
      set.add(fn);
      this.ioHandlers.set(event, set);
    },
  };

  on(event: string, fn: Fn) {
    const set = this.handlers.get(event) ?? new Set();
    set.add(fn);
    this.handlers.set(event, set);
  }
  off(event: string, fn?: Fn) {
    if (fn) this.handlers.get(event)?.delete(fn);
    else this.handlers.delete(event);
  }
  timeout() {
    return {
      emit: (event: string, payload: unknown, ack: Ack) => {
        this.emitted.push({ event, payload: payload as Record<string, unknown>, ack, answered: false });
      },
    };
  }
  connect() {
    this.connectCalls += 1;
    this.active = true;
  }
  disconnect() {
    this.active = false;
    this.close("io client disconnect");
  }

  fire(event: string, ...args: unknown[]) {
    for (const fn of [...(this.handlers.get(event) ?? [])]) (fn as (...a: unknown[]) => void)(...args);
  }
  /** The connection opens. */
  up() {
    this.connected = true;
    this.fire("connect");
  }
  /** The connection closes; as socket.io-client does, pending acks then fail. */
  close(reason: string) {
    this.connected = false;
    this.fire("disconnect", reason);
    for (const e of this.emitted) {
      if (!e.answered) {
        e.answered = true;
        e.ack(new Error("socket has been disconnected"), undefined);
      }
    }
  }
  /** The network drops the connection; socket.io retries on its own. */
  drop() {
    this.close("transport close");
  }
  /** The server closes the connection (a revoked session); socket.io does not retry. */
  kick() {
    this.active = false;
    this.close("io server disconnect");
  }
  /** The server refuses a connection attempt. */
  refuse(message: string) {
    this.active = false;
    this.fire("connect_error", new Error(message));
  }
  giveUp() {
    this.active = false;
    this.ioHandlers.get("reconnect_failed")?.forEach((fn) => fn());
  }
  /** The last emit not answered yet. */
  pending() {
    const e = this.emitted.filter((x) => !x.answered).at(-1);
    if (!e) throw new Error("nothing awaits an ack");
    return e;
  }
  answer(answer: unknown) {
    const e = this.pending();
    e.answered = true;
    e.ack(null, answer);
    return e;
  }
}

function setup() {
  const sockets: FakeSocket[] = [];
  let ids = 0;
  const client = new TaskClient(() => {
    const s = new FakeSocket();
    sockets.push(s);
    return s;
  }, () => `t${++ids}`);
  client.setToken("pd_token");
  const socket = () => {
    const s = sockets.at(-1);
    if (!s) throw new Error("no socket yet");
    return s;
  };
  return { client, socket, sockets };
}

function start(client: TaskClient) {
  const events: TaskEvent[] = [];
  const started = client.submit(Services.prompt, Tasks.runPrompt, { prompt_id: "p" }, (e) => events.push(e));
  return { events, started };
}

const ok = (taskId: string) => ({ response_listener_events: [`response-${taskId}`], task_id: taskId, run_id: "r1" });

/** The server's stream of a task: `words` chunks, then info and end. */
const info: TaskInfo = { task_id: "t", run_id: "r1", model_id: "echo", provider: "echo", status: "completed", tokens_input: 1, tokens_output: 1, tokens_total: 2, cost: 0, time_to_first_token: 1, total_time: 2 };
const stream = (words: string[]): StreamEvent[] => [...words, { info }, { end: true }];

describe("TaskClient", () => {
  it("submits with a client task id, follows the stream and stops at its end", async () => {
    const { client, socket } = setup();
    const { events, started } = start(client);
    socket().up();
    const submit = socket().answer(ok("t1"));
    expect(submit.event).toBe(Services.prompt);
    expect(submit.payload).toEqual({ taskName: Tasks.runPrompt, taskData: { prompt_id: "p" }, taskId: "t1" });
    await expect(started).resolves.toEqual({ taskId: "t1", runId: "r1" });
    for (const e of stream(["a ", "b"])) socket().fire("response-t1", e);
    expect(events).toEqual(stream(["a ", "b"]));
    expect(client.followedCount()).toBe(0);
  });

  it("resumes from the number of events received after a drop: the stream has no duplicate or missing event", async () => {
    const { client, socket } = setup();
    const { events, started } = start(client);
    socket().up();
    socket().answer(ok("t1"));
    await started;
    const all = stream(["one ", "two ", "three ", "four"]);
    all.slice(0, 2).forEach((e) => socket().fire("response-t1", e));

    socket().drop();
    expect(client.connectionState()).toBe("reconnecting");
    socket().up();
    expect(client.connectionState()).toBe("connected");
    const resume = socket().answer(ok("t1"));
    expect(resume.event).toBe(Services.task);
    expect(resume.payload).toEqual({ taskName: Tasks.resume, taskData: { task_id: "t1", from: 2 } });
    all.slice(2).forEach((e) => socket().fire("response-t1", e));
    expect(events).toEqual(all);
  });

  it("resumes each followed task once per reconnect, from its own count", async () => {
    const { client, socket } = setup();
    const a = start(client);
    const b = start(client);
    socket().up();
    socket().emitted[0]?.ack(null, ok("t1"));
    socket().emitted[1]?.ack(null, ok("t2"));
    socket().emitted.forEach((e) => (e.answered = true));
    await Promise.all([a.started, b.started]);
    socket().fire("response-t1", "x");
    socket().drop();
    socket().up();
    socket().drop();
    socket().up();
    const resumes = socket().emitted.filter((e) => e.event === Services.task).map((e) => e.payload.taskData);
    expect(resumes).toEqual([{ task_id: "t1", from: 1 }, { task_id: "t2", from: 0 }, { task_id: "t1", from: 1 }, { task_id: "t2", from: 0 }]);
  });

  it("ignores the failed ack of a connection that dropped, and settles nothing because of it", async () => {
    const { client, socket } = setup();
    const { events, started } = start(client);
    socket().up();
    socket().answer(ok("t1"));
    await started;
    socket().drop();
    socket().up();
    // The resume's ack is lost with the next drop: socket.io fails it, and the reconnect resumes again.
    socket().drop();
    expect(events).toEqual([]);
    expect(client.followedCount()).toBe(1);
    socket().up();
    expect(socket().pending().payload.taskData).toEqual({ task_id: "t1", from: 0 });
  });

  it("settles a task whose resume is refused with the server's error, then its end", async () => {
    const { client, socket } = setup();
    const { events, started } = start(client);
    socket().up();
    socket().answer(ok("t1"));
    await started;
    socket().fire("response-t1", "partial ");
    socket().drop();
    socket().up();
    socket().answer({ response_listener_events: [], error: { code: "not_found", message: "task was not found" } });
    expect(events).toEqual(["partial ", { error: { code: "not_found", message: "task was not found" } }, { end: true }]);
    expect(client.followedCount()).toBe(0);
    socket().fire("response-t1", "late");
    expect(events).toHaveLength(3);
  });

  it("sends a submit again once when the connection dropped before the server had it", async () => {
    const { client, socket } = setup();
    const { events, started } = start(client);
    socket().up();
    socket().drop();
    socket().up();
    const resume = socket().answer({ response_listener_events: [], error: { code: "not_found", message: "task was not found" } });
    expect(resume.payload.taskData).toEqual({ task_id: "t1", from: 0 });
    const again = socket().answer(ok("t1"));
    expect(again.event).toBe(Services.prompt);
    expect(again.payload.taskId).toBe("t1");
    await expect(started).resolves.toEqual({ taskId: "t1", runId: "r1" });
    socket().fire("response-t1", { end: true });
    expect(events).toEqual([{ end: true }]);
  });

  it("follows a task whose ack was lost: the resume acks it and replays from the start", async () => {
    const { client, socket } = setup();
    const { started } = start(client);
    socket().up();
    socket().drop();
    socket().up();
    socket().answer(ok("t1"));
    await expect(started).resolves.toEqual({ taskId: "t1", runId: "r1" });
  });

  it("waits for the connection before sending a submit", async () => {
    const { client, socket } = setup();
    const { started } = start(client);
    expect(socket().emitted).toHaveLength(0);
    socket().up();
    expect(socket().emitted).toHaveLength(1);
    socket().answer(ok("t1"));
    await started;
  });

  it("rejects a refused submit with the server's code", async () => {
    const { client, socket } = setup();
    const { started } = start(client);
    socket().up();
    socket().answer({ response_listener_events: [], error: { code: "unknown_model", message: "no such model" } });
    await expect(started).rejects.toMatchObject({ code: "unknown_model", message: "no such model" });
    expect(client.followedCount()).toBe(0);
  });

  it("settles every task when the server disconnects a revoked session and refuses it, and stops retrying", async () => {
    const { client, socket } = setup();
    const a = start(client);
    const b = start(client);
    socket().up();
    const first = socket().emitted[0];
    if (first) {
      first.answered = true;
      first.ack(null, ok("t1"));
    }
    await a.started;
    socket().kick();
    expect(socket().connectCalls).toBe(1);
    expect(client.connectionState()).toBe("reconnecting");
    socket().refuse("unauthorized");
    expect(client.connectionState()).toBe("signed-out");
    expect(a.events.at(-2)).toMatchObject({ error: { code: "unauthorized" } });
    expect(a.events.at(-1)).toEqual({ end: true });
    await expect(b.started).rejects.toMatchObject({ code: "unauthorized" });
    expect(socket().connectCalls).toBe(1);
  });

  it("does not reconnect on its own after the server closed a connection that followed nothing", async () => {
    const { client, socket } = setup();
    const a = start(client);
    socket().up();
    socket().answer(ok("t1"));
    await a.started;
    socket().fire("response-t1", { end: true });
    socket().kick();
    expect(socket().connectCalls).toBe(0);
    expect(client.connectionState()).toBe("idle");
    start(client);
    expect(socket().connectCalls).toBe(1);
  });

  it("settles every task when reconnecting gives up, and connects again for the next task", async () => {
    const { client, socket } = setup();
    const a = start(client);
    socket().up();
    socket().answer(ok("t1"));
    await a.started;
    socket().drop();
    socket().giveUp();
    expect(client.connectionState()).toBe("offline");
    expect(a.events).toEqual([{ error: { code: "connection_lost", message: expect.any(String) } }, { end: true }]);
    start(client);
    expect(socket().connectCalls).toBe(1);
    expect(client.connectionState()).toBe("connecting");
  });

  it("settles with a timeout when a live connection never acks", async () => {
    const { client, socket } = setup();
    const { started } = start(client);
    socket().up();
    const e = socket().pending();
    e.answered = true;
    e.ack(new Error("operation has timed out"), undefined);
    await expect(started).rejects.toMatchObject({ code: "timeout" });
  });

  it("settles the old session's tasks when the session changes", async () => {
    const { client, socket, sockets } = setup();
    const a = start(client);
    socket().up();
    socket().answer(ok("t1"));
    await a.started;
    client.setToken("pd_other");
    expect(a.events).toEqual([{ error: { code: "signed_out", message: expect.any(String) } }, { end: true }]);
    expect(sockets[0]?.active).toBe(false);
    start(client);
    expect(sockets).toHaveLength(2);
  });

  it("refuses to submit without a session", async () => {
    const { client } = setup();
    client.setToken(null);
    await expect(start(client).started).rejects.toBeInstanceOf(TaskError);
  });

  it("skips the resume when socket.io recovered the connection itself", async () => {
    const { client, socket } = setup();
    const { started } = start(client);
    socket().up();
    socket().answer(ok("t1"));
    await started;
    socket().drop();
    socket().recovered = true;
    socket().up();
    expect(socket().emitted.filter((e) => e.event === Services.task)).toHaveLength(0);
  });
});
