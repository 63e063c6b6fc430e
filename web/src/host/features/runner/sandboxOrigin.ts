/** The sandbox origin the server announced in index.html (dev fallback: the next port). */
export function sandboxOrigin(): string {
  const meta = document.querySelector<HTMLMetaElement>('meta[name="promptdeck-sandbox-origin"]')?.content ?? "";
  if (meta && !meta.startsWith("__")) return meta.replace(/\/$/, "");
  return `${location.protocol}//${location.hostname}:${Number(location.port || 80) + 1}`;
}

/**
 * The sandbox document's URL. On an embed's page (`/embed/{id}`) it names the embed, so that the
 * sandbox lets the sites allowed to frame the embed be its ancestors too (`frame-ancestors` is
 * checked against every ancestor, the embedding site's page included).
 */
export function sandboxFrameUrl(): string {
  const embed = /^\/embed\/([0-9a-fA-F-]{36})\/?$/.exec(location.pathname)?.[1];
  return `${sandboxOrigin()}/frame${embed ? `?embed=${embed}` : ""}`;
}
