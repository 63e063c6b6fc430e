// Generates a TypeScript client description from the OpenAPI document the server serves
// (docs/openapi.json, which an API test keeps equal to it) with openapi-typescript, and
// type-checks it with tsc together with a few uses of it: list filters are query parameters,
// enums are their wire strings, `validation_errors` is an array. Fails when either step fails.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import openapiTS, { astToString } from "openapi-typescript";

const root = join(import.meta.dirname, "..");
const document = JSON.parse(readFileSync(join(root, "..", "docs", "openapi.json"), "utf8"));
const dir = mkdtempSync(join(tmpdir(), "promptdeck-openapi-"));
try {
  writeFileSync(join(dir, "schema.ts"), astToString(await openapiTS(document)));
  writeFileSync(
    join(dir, "uses.ts"),
    `import type { components, paths } from "./schema";
type ListUis = paths["/api/custom-uis"]["get"]["parameters"]["query"];
export const query: NonNullable<ListUis> = { scope: "public", status: "active", sort: "rating", q: "x", limit: 10, offset: 0 };
type Ui = components["schemas"]["PromptCustomUi"];
export const issues: Ui["validation_errors"] = [{ line: 1, column: 2, rule: "no-network", message: "m" }];
export const mode: Ui["execution_mode"] = "auto-run-one-shot";
`,
  );
  const args = ["--noEmit", "--strict", "--target", "es2022", "--module", "esnext", "--moduleResolution", "bundler", join(dir, "uses.ts")];
  try {
    execFileSync(join(root, "node_modules", ".bin", "tsc"), args, { stdio: "inherit" });
  } catch {
    console.error("the client openapi-typescript generates from docs/openapi.json does not type-check (above)");
    process.exitCode = 1;
  }
  if (!process.exitCode) console.log("openapi-typescript client from docs/openapi.json type-checks");
} finally {
  rmSync(dir, { recursive: true, force: true });
}
