// The eslint rules that keep the web data layer and the feature boundaries, run on small sources
// placed where the rules apply.
import { resolve } from "node:path";
import { ESLint } from "eslint";
import { describe, expect, it } from "vitest";

const web = resolve(import.meta.dirname, "..");
const eslint = new ESLint({ cwd: web });

/** The rules `code` breaks when it is the file at `path` (relative to web/). */
async function broken(path: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: resolve(web, path) });
  return (result?.messages ?? []).map((m) => m.ruleId ?? m.message);
}

// The first lint loads eslint's whole configuration and its plugins: seconds on a busy machine.
describe("web lint boundaries", { timeout: 60_000 }, () => {
  it("refuses a feature importing another feature", async () => {
    expect(await broken("src/host/features/prompts/components/X.tsx", `import { UiPreview } from "../../runner/components/UiPreview";\nexport const x = UiPreview;\n`)).toContain("local/boundaries");
  });

  it("allows a feature importing its own pieces, host/shared and host/lib", async () => {
    const code = `import { usePrompt } from "../api/prompts";\nimport { VariableFields } from "../../../shared/components/VariableFields";\nimport { navigate } from "../../../lib/router";\nexport const x = [usePrompt, VariableFields, navigate];\n`;
    expect(await broken("src/host/features/prompts/components/X.tsx", code)).toEqual([]);
  });

  it("refuses shared code importing a feature", async () => {
    expect(await broken("src/host/shared/hooks/x.ts", `export { usePrompt } from "../../features/prompts/api/prompts";\n`)).toContain("local/boundaries");
  });

  it("refuses the sandbox runtime importing the host app, and the reverse", async () => {
    expect(await broken("src/sandbox/x.ts", `export { api } from "../host/lib/api";\n`)).toContain("local/boundaries");
    expect(await broken("src/host/lib/x.ts", `export { request } from "../../sandbox/bridge";\n`)).toContain("local/boundaries");
  });

  it("refuses a component calling fetch or the REST helper, or building queries itself", async () => {
    expect(await broken("src/host/features/runs/components/X.tsx", `export const x = () => fetch("/api/runs");\n`)).toContain("no-restricted-globals");
    expect(await broken("src/host/features/runs/components/X.tsx", `export const x = () => window.fetch("/api/runs");\n`)).toContain("no-restricted-properties");
    expect(await broken("src/host/features/runs/components/X.tsx", `import { api } from "../../../lib/api";\nexport const x = () => api("GET", "/api/runs");\n`)).toContain("no-restricted-imports");
    expect(await broken("src/host/features/runs/components/X.tsx", `import { useQuery } from "@tanstack/react-query";\nexport const x = useQuery;\n`)).toContain("no-restricted-imports");
    expect(await broken("src/host/features/runner/bridge.ts", `import { api } from "../../lib/api";\nexport const x = api;\n`)).toContain("no-restricted-imports");
  });

  it("lets a feature's api/ module use the REST helper and TanStack Query", async () => {
    const code = `import { useQuery } from "@tanstack/react-query";\nimport { api, ApiError } from "../../../lib/api";\nexport const x = [useQuery, api, ApiError];\n`;
    expect(await broken("src/host/features/runs/api/x.ts", code)).toEqual([]);
  });

  it("lets a component check an ApiError", async () => {
    expect(await broken("src/host/features/runs/components/X.tsx", `import { ApiError } from "../../../lib/api";\nexport const x = ApiError;\n`)).toEqual([]);
  });
});
