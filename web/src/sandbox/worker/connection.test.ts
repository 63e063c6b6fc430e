import { beforeEach, describe, expect, it, vi } from "vitest";

const posted: unknown[] = [];
vi.stubGlobal("postMessage", (m: unknown) => posted.push(m));

const { acknowledge, connection, flush } = await import("./connection");
const settle = () => new Promise<void>((r) => queueMicrotask(r));

describe("the worker's messages to the frame", () => {
  beforeEach(() => {
    flush();
    posted.length = 0;
  });

  it("sends no message for events the frame does not wait for (a keystroke's keydown, keypress, keyup)", async () => {
    acknowledge(1, false);
    flush();
    acknowledge(2, false);
    flush();
    await settle();
    expect(posted).toEqual([]);
  });

  it("acknowledges input to a form control at once, and earlier events with it", async () => {
    acknowledge(3, false);
    acknowledge(4, true);
    await settle();
    expect(posted).toEqual([{ t: "mutate", records: [], ack: 4 }]);
  });

  it("sends changes with the last event handled", async () => {
    acknowledge(5, false);
    connection.mutate([[2, "1", "a"]]);
    await settle();
    expect(posted).toEqual([{ t: "mutate", records: [[2, "1", "a"]], ack: 5 }]);
  });
});
