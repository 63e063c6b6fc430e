/** The sandbox origin the server announced in index.html (dev fallback: the next port). */
export function sandboxOrigin(): string {
  const meta = document.querySelector<HTMLMetaElement>('meta[name="promptdeck-sandbox-origin"]')?.content ?? "";
  if (meta && !meta.startsWith("__")) return meta.replace(/\/$/, "");
  return `${location.protocol}//${location.hostname}:${Number(location.port || 80) + 1}`;
}
