import { describe, expect, it } from "vitest";
import { checkChatSubmit, checkOpenLink, checkRun, checkStateSet, isJson, parseFrameMessage } from "./protocol";
import { needsHighlight, needsMath } from "./markdown/plugins";

describe("frame messages", () => {
  it("accepts a JSON-RPC 2.0 request with JSON params", () => {
    expect(parseFrameMessage({ jsonrpc: "2.0", id: "f1", method: "prompt/run", params: { variables: {} } })).toEqual({
      jsonrpc: "2.0",
      id: "f1",
      method: "prompt/run",
      params: { variables: {} },
    });
  });
  it("refuses other versions, extra fields, non-JSON params and bad ids", () => {
    expect(parseFrameMessage({ jsonrpc: "1.0", id: 1, method: "x" })).toBeNull();
    expect(parseFrameMessage({ jsonrpc: "2.0", id: 1, method: "x", token: "t" })).toBeNull();
    expect(parseFrameMessage({ jsonrpc: "2.0", id: 1, method: "x", params: { d: new Date() } })).toBeNull();
    expect(parseFrameMessage({ jsonrpc: "2.0", id: {}, method: "x" })).toBeNull();
    expect(parseFrameMessage("hello")).toBeNull();
  });
  it("treats class instances and non-finite numbers as non-JSON", () => {
    expect(isJson({ a: [1, "b", null, true] })).toBe(true);
    expect(isJson({ a: Number.NaN })).toBe(false);
    expect(isJson(new Map())).toBe(false);
  });
});

describe("params", () => {
  it("run params accept typed variables and refuse a prompt id", () => {
    expect(checkRun({ variables: { a: "x", n: 2, b: true, l: ["p"] }, continueRun: true })).toEqual({
      variables: { a: "x", n: 2, b: true, l: ["p"] },
      continueRun: true,
    });
    expect(checkRun({ prompt_id: "other" })).toMatch(/unexpected field/);
    expect(checkRun({ variables: { a: { nested: 1 } } })).toMatch(/variables\.a/);
  });
  it("chat submit needs a chat_config object", () => {
    expect(checkChatSubmit({})).toMatch(/chatConfig/);
    expect(checkChatSubmit({ chatConfig: { model_id: "echo" }, taskId: "t" })).toEqual({ chatConfig: { model_id: "echo" }, taskId: "t" });
  });
  it("links must be http or https", () => {
    expect(checkOpenLink({ url: "javascript:alert(1)" })).toMatch(/only http/);
    expect(checkOpenLink({ url: "https://example.com/x" })).toEqual({ url: "https://example.com/x" });
  });
  it("state keys are short non-empty strings", () => {
    expect(checkStateSet({ key: "", value: 1 })).toMatch(/key/);
    expect(checkStateSet({ key: "k" })).toEqual({ key: "k", value: null });
  });
});

describe("optional markdown features", () => {
  it("loads math and highlighting only when the text needs them", () => {
    expect(needsMath("costs $5 and $6")).toBe(false);
    expect(needsMath("so $x^2$ holds")).toBe(true);
    expect(needsMath("$$\\int x$$")).toBe(true);
    expect(needsHighlight("plain text")).toBe(false);
    expect(needsHighlight("```js\nlet a\n```")).toBe(true);
  });
});
