// REST calls of the template library, and turning a template into the user's own draft UI.
import { api } from "../../../lib/api";
import type { CustomUi, Page, PromptData, Template } from "../../../lib/types";

export interface TemplateFilter {
  category: string;
  tag: string;
  difficulty: string;
}

export function listTemplates(f: TemplateFilter): Promise<Page<Template>> {
  const params = new URLSearchParams({ limit: "200" });
  for (const [k, v] of Object.entries(f)) if (v) params.set(k, v);
  return api<Page<Template>>("GET", `/api/templates?${params}`);
}

export const listMyPrompts = () => api<Page<PromptData>>("GET", "/api/prompts?limit=200");

/** A draft UI from the template, attached to `promptId` or to a new starter prompt. */
export async function draftFromTemplate(t: Template, promptId: string | null): Promise<CustomUi> {
  let id = promptId;
  if (!id) {
    const p = await api<PromptData>("POST", "/api/prompts", {
      name: `${t.name} prompt`,
      messages: [{ role: "system", content: "You are a helpful assistant." }, { role: "user", content: "{{text}}" }],
      variableDefaults: [{ name: "text", defaultValue: "Hello!" }],
      settings: { model_id: "echo" },
    });
    id = p.id;
  }
  return api<CustomUi>("POST", "/api/custom-uis", {
    prompt_id: id,
    name: t.name,
    description: t.description ? `From the “${t.name}” template. ${t.description}` : `From the “${t.name}” template.`,
    component_code: t.component_code,
    component_type: "react",
  });
}
