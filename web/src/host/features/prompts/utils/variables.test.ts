import { describe, expect, it } from "vitest";
import { splitPlaceholders, usedVariables } from "./variables";

describe("placeholders", () => {
  it("splits text around each placeholder", () => {
    expect(splitPlaceholders("Hi {{ name }}, about {{topic}}.")).toEqual([
      { text: "Hi " },
      { text: "{{ name }}", name: "name" },
      { text: ", about " },
      { text: "{{topic}}", name: "topic" },
      { text: "." },
    ]);
  });
  it("lists each used variable once, in order", () => {
    expect(usedVariables(["{{b}} {{a}}", "{{b}} {{c}} {{ not valid"])).toEqual(["b", "a", "c"]);
  });
});
