// Variable values a run starts from, shared by the default runner and the custom UI runner.
import type { PromptView } from "../../shared/protocol";

/** Variable values: the prompt's defaults, then `?var.NAME=value` from the page URL. */
export function initialVariables(prompt: PromptView, search: string): Record<string, string> {
  const values: Record<string, string> = {};
  for (const v of prompt.variableDefaults ?? []) values[v.name] = v.defaultValue ?? "";
  new URLSearchParams(search).forEach((value, key) => {
    if (key.startsWith("var.") && key.length > 4) values[key.slice(4)] = value;
  });
  return values;
}
