// The editor's form state of a custom UI and its conversion to a PATCH body.
import { asObject, type ComponentType, type ExecutionMode } from "../../../../shared/protocol";
import type { PromptCustomUi, JsonObject, ValidationIssue } from "../../../lib/types";
import type { UiPatch } from "../api/customUis";

export type Layout = "inline" | "sidebar" | "full-screen";

export interface UiForm {
  name: string;
  description: string;
  component_type: ComponentType;
  component_code: string;
  props_schema: string;
  default_props: string;
  execution_mode: ExecutionMode;
  auto_submit: boolean;
  show_variables: boolean;
  layout: Layout;
  width: string;
  styling: string;
}

const pretty = (v: JsonObject | null | undefined) => (v && Object.keys(v).length ? JSON.stringify(v, null, 2) : "");

export function formOf(ui: PromptCustomUi): UiForm {
  const l = asObject(ui.layout_config) ?? {};
  const raw = String(l.layout ?? "inline");
  return {
    name: ui.name,
    description: ui.description ?? "",
    component_type: ui.component_type,
    component_code: ui.component_code,
    props_schema: pretty(asObject(ui.props_schema)),
    default_props: pretty(asObject(ui.default_props)),
    execution_mode: ui.execution_mode,
    auto_submit: ui.auto_submit,
    show_variables: ui.show_variables,
    layout: raw === "sidebar" || raw === "full-screen" ? raw : "inline",
    width: l.width !== undefined && l.width !== null ? String(l.width) : "",
    styling: pretty(asObject(ui.styling_config)),
  };
}

/** Parses a JSON-object field; an issue (line 1) when it is not one. */
export function jsonField(text: string, field: string): { value: JsonObject | null; issue?: ValidationIssue } {
  if (!text.trim()) return { value: null };
  try {
    const v = JSON.parse(text) as unknown;
    if (typeof v !== "object" || v === null || Array.isArray(v)) throw new Error("must be a JSON object");
    return { value: v as JsonObject };
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    const pos = /position (\d+)/.exec(message);
    let line = 1;
    let column = 1;
    if (pos) {
      const before = text.slice(0, Number(pos[1]));
      line = before.split("\n").length;
      column = before.length - before.lastIndexOf("\n");
    }
    return { value: null, issue: { line, column, rule: "json", message: `${field}: ${message}` } };
  }
}

/** The PATCH body for a form, or the issues that keep it from being one. */
export function patchOf(f: UiForm): { patch: UiPatch; issues: ValidationIssue[] } {
  const schema = jsonField(f.props_schema, "props_schema");
  const props = jsonField(f.default_props, "default_props");
  const styling = jsonField(f.styling, "styling_config");
  const issues = [schema.issue, props.issue, styling.issue].filter((i): i is ValidationIssue => i !== undefined);
  const width = f.width.trim();
  const layout: JsonObject = { layout: f.layout };
  if (width) layout.width = /^\d+$/.test(width) ? Number(width) : width;
  const patch: UiPatch = {
    name: f.name,
    description: f.description,
    component_type: f.component_type,
    component_code: f.component_code,
    execution_mode: f.execution_mode,
    auto_submit: f.auto_submit,
    show_variables: f.show_variables,
    layout_config: layout,
  };
  // Empty fields are left out: the API cannot clear them (null means "unchanged"), and an empty
  // props schema is not a valid one.
  if (schema.value) patch.props_schema = schema.value;
  if (props.value) patch.default_props = props.value;
  if (styling.value) patch.styling_config = styling.value;
  return { patch, issues };
}

/** A UI's fields as a patch (to restore an older version). */
export function patchOfUi(ui: PromptCustomUi): UiPatch {
  return patchOf(formOf(ui)).patch;
}
