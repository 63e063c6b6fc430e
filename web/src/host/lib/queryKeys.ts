// Query keys of every cached request, in one place: features that change the same records
// invalidate each other's lists through these keys without importing each other.

export const queryKeys = {
  prompts: ["prompts"] as const,
  prompt: (id: string) => ["prompts", id] as const,
  models: ["models"] as const,
  /** Every custom UI query (lists, one UI, versions, the gallery) starts with this. */
  customUis: ["custom-uis"] as const,
  customUi: (id: string) => ["custom-uis", id] as const,
  versions: (id: string) => ["custom-uis", id, "versions"] as const,
  quarantine: (id: string) => ["custom-uis", id, "quarantine"] as const,
  promptUis: (promptId: string) => ["custom-uis", "of-prompt", promptId] as const,
  gallery: (scope: string, q: string, sort: string) => ["custom-uis", "gallery", scope, q, sort] as const,
  validation: (input: unknown) => ["validation", input] as const,
  templates: (filter: Record<string, string>) => ["templates", filter] as const,
  shareLinks: (uiId: string) => ["custom-uis", uiId, "share-links"] as const,
  uiBudget: (uiId: string) => ["custom-uis", uiId, "budget"] as const,
  embeds: (uiId: string) => ["custom-uis", uiId, "embeds"] as const,
  /** The caller's own UIs, every version (the usage dashboard's choice of report). */
  ownUis: ["custom-uis", "mine"] as const,
  sharedUi: (slug: string) => ["share-link", slug] as const,
  runs: ["runs"] as const,
  runList: (filter: unknown) => ["runs", "list", filter] as const,
  run: (id: string) => ["runs", id] as const,
  sessions: ["sessions"] as const,
  providerKeys: ["provider-keys"] as const,
  /** The account's spending against the operator's caps. */
  accountBudget: ["account-budget"] as const,
  /** Usage reports: the account's (`uiId` null) or one UI's, over `days` days. */
  usage: (uiId: string | null, days: number) => ["usage", uiId ?? "account", days] as const,
  /** What a custom UI's frame starts from: loaded once per visit, never refetched under it. */
  runnerInit: (uiId: string, version: string, search: string) => ["runner-init", uiId, version, search] as const,
};
