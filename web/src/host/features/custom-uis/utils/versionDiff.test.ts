import { describe, expect, it } from "vitest";
import type { PromptCustomUi } from "../../../lib/types";
import { settingChanges, showSetting } from "./versionDiff";

const v1 = {
  id: "1", prompt_id: "p", name: "A", component_code: "x", component_type: "react", status: "draft",
  execution_mode: "manual", auto_submit: false, show_variables: true, layout_config: { layout: "sidebar", width: 420 }, styling_config: null,
} as unknown as PromptCustomUi;

describe("version settings diff", () => {
  it("lists only the changed settings, old and new", () => {
    const v2 = { ...v1, component_code: "y", execution_mode: "auto-run", auto_submit: true, styling_config: { theme: { accent: "#000" } } } as PromptCustomUi;
    expect(settingChanges(v1, v2)).toEqual([
      { field: "execution_mode", before: "manual", after: "auto-run" },
      { field: "auto_submit", before: "false", after: "true" },
      { field: "styling_config", before: "not set", after: '{"theme":{"accent":"#000"}}' },
    ]);
  });
  it("ignores key order and treats null and absent alike", () => {
    const v2 = { ...v1, layout_config: { width: 420, layout: "sidebar" }, styling_config: null } as PromptCustomUi;
    expect(settingChanges(v1, v2)).toEqual([]);
    expect(showSetting(undefined)).toBe("not set");
  });
});
