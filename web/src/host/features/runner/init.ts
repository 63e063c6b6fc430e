// Builds what the frame receives at initialisation from the UI, its prompt, its compiled form,
// the viewer's saved state and the URL.
import { asObject, type ExecutionMode, type InitResult, type JsonObject } from "../../../shared/protocol";
import type { CustomUiWithPrompt } from "../../lib/types";
import { initialVariables } from "../../shared/variables";
import { sandboxOrigin } from "./sandboxOrigin";

/** CSS custom properties from `styling_config` (`theme`/`cssVariables` objects or `--x` keys). */
export function themeOf(styling: JsonObject | null | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  if (!styling) return out;
  const add = (k: string, v: unknown) => {
    if (typeof v !== "string" && typeof v !== "number") return;
    const value = String(v);
    if (/[;{}<>\\]|url\(/i.test(value) || value.length > 200) return;
    const name = k.startsWith("--") ? k : `--pd-${k.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
    if (/^--[\w-]{1,64}$/.test(name)) out[name] = value;
  };
  for (const [k, v] of Object.entries(styling)) {
    if ((k === "theme" || k === "cssVariables" || k === "variables") && v && typeof v === "object" && !Array.isArray(v)) {
      for (const [k2, v2] of Object.entries(v)) add(k2, v2);
    } else if (k.startsWith("--")) add(k, v);
  }
  return out;
}

export interface ModeFlags {
  /** The host runs on mount. */
  autoRun: boolean;
  oneShot: boolean;
  /** Variable fields are shown (to edit). */
  showVariables: boolean;
  /** A message box for the user's input / follow-ups. */
  acceptsInput: boolean;
  /** The host shows no chrome at all: the component does everything. */
  bare: boolean;
}

/** What each execution mode (with `auto_submit` and `show_variables`) asks of the runner. */
export function modeFlags(mode: ExecutionMode, autoSubmit: boolean, showVariables: boolean): ModeFlags {
  switch (mode) {
    case "auto-run":
      return { autoRun: true, oneShot: false, showVariables, acceptsInput: true, bare: false };
    case "auto-run-one-shot":
      return { autoRun: true, oneShot: true, showVariables: false, acceptsInput: false, bare: false };
    case "manual-with-hidden-variables":
      return { autoRun: autoSubmit, oneShot: false, showVariables: false, acceptsInput: true, bare: false };
    case "manual-with-visible-variables":
      return { autoRun: autoSubmit, oneShot: false, showVariables, acceptsInput: true, bare: false };
    case "manual":
    default:
      return { autoRun: autoSubmit, oneShot: false, showVariables: false, acceptsInput: false, bare: !autoSubmit };
  }
}

/** The UI compiled by the server (`GET /api/custom-uis/{id}/compiled`): its text and ETag. */
export interface Compiled {
  text: string;
  etag: string | null;
}

/** A compiled React module, loaded by the frame from the sandbox origin by its hash (the ETag). */
function reactModule(compiled: Compiled): InitResult["module"] {
  const hash = (compiled.etag ?? "").replace(/^W\//, "").replace(/"/g, "");
  if (!/^[0-9a-f]{64}$/.test(hash)) throw new Error("the server sent no module hash");
  return { kind: "react", url: `${sandboxOrigin()}/m/${hash}.js` };
}

/**
 * What a template's thumbnail frame starts from: its compiled module and the starter prompt a
 * template is tried with ("Use template" attaches it to the same one when no prompt is chosen).
 */
export function buildTemplateInit(template: { id: string; name: string }, compiled: Compiled): InitResult {
  return {
    ui: { id: template.id, name: template.name, componentType: "react", executionMode: "manual", autoSubmit: false, showVariables: false },
    prompt: {
      id: template.id,
      name: `${template.name} prompt`,
      messages: [{ role: "system", content: "You are a helpful assistant." }, { role: "user", content: "{{text}}" }],
      variableDefaults: [{ name: "text", defaultValue: "Hello!" }],
      settings: { model_id: "echo" },
    },
    props: {},
    variables: { text: "Hello!" },
    module: reactModule(compiled),
    state: {},
    theme: {},
    frameShowsVariables: false,
    frameAcceptsInput: false,
    autoRun: false,
    oneShot: false,
  };
}

/** What the frame starts from; throws when the compiled React module names no hash. */
export function buildInit(ui: CustomUiWithPrompt, compiled: Compiled, state: JsonObject, search: string): InitResult {
  let module: InitResult["module"];
  if (ui.component_type === "react") {
    module = reactModule(compiled);
  } else if (ui.component_type === "template") {
    module = { kind: "template", html: compiled.text };
  } else {
    module = { kind: "json-schema", schema: JSON.parse(compiled.text) as JsonObject };
  }
  const flags = modeFlags(ui.execution_mode, ui.auto_submit, ui.show_variables);
  const framed = ui.component_type !== "react";
  return {
    ui: {
      id: ui.id,
      name: ui.name,
      componentType: ui.component_type,
      executionMode: ui.execution_mode,
      autoSubmit: ui.auto_submit,
      showVariables: ui.show_variables,
    },
    prompt: ui.prompt,
    props: asObject(ui.default_props) ?? {},
    variables: initialVariables(ui.prompt, search),
    module,
    state,
    theme: themeOf(asObject(ui.styling_config)),
    frameShowsVariables: framed && (ui.execution_mode === "manual" || ui.execution_mode === "auto-run" || flags.showVariables),
    frameAcceptsInput: framed && ui.execution_mode === "manual-with-hidden-variables",
    autoRun: framed && flags.autoRun,
    oneShot: flags.oneShot,
  };
}
