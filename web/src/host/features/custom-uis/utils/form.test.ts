import { describe, expect, it } from "vitest";
import { jsonField, patchOf, type UiForm } from "./form";

const base: UiForm = {
  name: "A", description: "", component_type: "react", component_code: "x", props_schema: "", default_props: "",
  execution_mode: "manual", auto_submit: false, show_variables: true, layout: "sidebar", width: "420", styling: "",
};

describe("custom UI form", () => {
  it("reports where a JSON field breaks", () => {
    const r = jsonField('{\n  "a": 1,\n  oops\n}', "props_schema");
    expect(r.value).toBeNull();
    expect(r.issue?.line).toBe(3);
    expect(r.issue?.message).toMatch(/^props_schema: /);
  });
  it("refuses a JSON value that is not an object", () => {
    expect(jsonField("[1]", "default_props").issue?.message).toMatch(/must be a JSON object/);
  });
  it("builds the layout config from the layout and width", () => {
    const { patch, issues } = patchOf(base);
    expect(issues).toEqual([]);
    expect(patch.layout_config).toEqual({ layout: "sidebar", width: 420 });
  });
});
