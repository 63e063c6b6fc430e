// The settings that differ between two versions of a custom UI (the code is compared separately).
import type { PromptCustomUi } from "../../../lib/types";

export const SETTING_FIELDS = [
  "execution_mode", "auto_submit", "show_variables", "layout_config", "styling_config", "props_schema", "default_props",
] as const;
export type SettingField = (typeof SETTING_FIELDS)[number];

export interface SettingChange {
  field: SettingField;
  before: string;
  after: string;
}

/** JSON with object keys sorted, so key order alone is not a change; "not set" for null/absent. */
export function showSetting(v: unknown): string {
  if (v === null || v === undefined) return "not set";
  const sort = (x: unknown): unknown =>
    Array.isArray(x) ? x.map(sort)
      : x && typeof x === "object" ? Object.fromEntries(Object.keys(x).sort().map((k) => [k, sort((x as Record<string, unknown>)[k])]))
        : x;
  return typeof v === "string" ? v : JSON.stringify(sort(v));
}

/** The settings changed from `a` to `b`, in a fixed order. */
export function settingChanges(a: PromptCustomUi, b: PromptCustomUi): SettingChange[] {
  const out: SettingChange[] = [];
  for (const field of SETTING_FIELDS) {
    const before = showSetting(a[field]);
    const after = showSetting(b[field]);
    if (before !== after) out.push({ field, before, after });
  }
  return out;
}
