import { dirname, relative, resolve, sep } from "node:path";
import js from "@eslint/js";
import globals from "globals";
import reactHooks from "eslint-plugin-react-hooks";
import tseslint from "typescript-eslint";

const src = resolve(import.meta.dirname, "src");

/** Where a file sits: its area (host, sandbox, shared) and, in host/features, its feature. */
function placeOf(file) {
  const parts = relative(src, file).split(sep);
  if (parts[0] === "..") return null;
  const feature = parts[0] === "host" && parts[1] === "features" ? parts[2] : null;
  return { area: parts[0], layer: parts[0] === "host" ? parts[1] : null, feature };
}

/**
 * The front end's import boundaries (bulletproof-react's rules): a feature imports no other
 * feature (shared pieces live in host/shared or host/lib); host/shared and host/lib import no
 * feature; the sandbox runtime and the host app import nothing of each other (only src/shared and
 * the generated wire types in src/generated).
 */
const boundaries = {
  meta: { type: "problem", schema: [], messages: { cross: "{{from}} may not import {{to}}: {{why}}" } },
  create(context) {
    const from = placeOf(context.filename);
    if (!from) return {};
    const check = (node) => {
      const spec = node.source?.value;
      if (typeof spec !== "string" || !spec.startsWith(".")) return;
      const to = placeOf(resolve(dirname(context.filename), spec));
      if (!to) return;
      let why = null;
      const common = to.area === "shared" || to.area === "generated";
      if (from.area !== to.area && !common) why = "the host app and the sandbox runtime share only src/shared and src/generated";
      else if (from.area === "shared" && !common) why = "src/shared is used by both sides and depends on neither";
      else if (from.feature && to.feature && from.feature !== to.feature) why = "features do not import each other; move shared pieces to host/shared";
      else if (from.area === "host" && (from.layer === "shared" || from.layer === "lib") && to.feature) why = "shared code does not depend on a feature";
      if (why) context.report({ node: node.source, messageId: "cross", data: { from: relative(src, context.filename), to: spec, why } });
    };
    return { ImportDeclaration: check, ExportNamedDeclaration: check, ExportAllDeclaration: check, ImportExpression: check };
  },
};

export default tseslint.config(
  // src/generated is written by `cargo run -p promptdeck-server --bin gen-types`.
  { ignores: ["dist", "node_modules", "src/generated"] },
  {
    files: ["**/*.{ts,tsx}"],
    extends: [js.configs.recommended, ...tseslint.configs.strict],
    languageOptions: { ecmaVersion: 2022, globals: globals.browser },
    plugins: { "react-hooks": reactHooks, local: { rules: { boundaries } } },
    rules: {
      ...reactHooks.configs.recommended.rules,
      "react-hooks/set-state-in-effect": "off",
      "react-hooks/refs": "off",
      "local/boundaries": "error",
      // One way to fetch: the REST helper in host/lib/api.ts, called from each feature's api/.
      "no-restricted-globals": ["error", { name: "fetch", message: "Fetch through a feature's api/ module (host/lib/api.ts is the only caller of fetch)." }, "XMLHttpRequest"],
      "no-restricted-properties": [
        "error",
        { object: "window", property: "fetch", message: "Fetch through a feature's api/ module." },
        { object: "globalThis", property: "fetch", message: "Fetch through a feature's api/ module." },
      ],
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            { group: ["**/lib/api"], importNames: ["api", "apiText"], message: "Only a feature's api/ module (or host/lib) calls the REST helper." },
            { group: ["@tanstack/react-query"], message: "Queries and mutations live in a feature's api/ module; components use its hooks." },
          ],
        },
      ],
    },
  },
  {
    // The places that may fetch: the REST helper itself, the query client and each feature's api/.
    files: ["src/host/lib/**/*.ts", "src/host/features/*/api/**/*.ts", "src/host/main.tsx"],
    rules: { "no-restricted-imports": "off" },
  },
  {
    files: ["src/host/lib/api.ts"],
    rules: { "no-restricted-globals": "off" },
  },
  {
    files: ["**/*.{js,mjs}"],
    extends: [js.configs.recommended],
    languageOptions: { ecmaVersion: 2022, globals: globals.node },
  },
  {
    // Served as is to other sites' pages (embed.js): a classic browser script.
    files: ["public/**/*.js"],
    languageOptions: { sourceType: "script", globals: globals.browser },
  },
);
