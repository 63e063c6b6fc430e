// How an embed page talks to the site around it (web/public/embed.js on the other side): it takes
// its colour scheme from `?theme=` and from the parent's theme messages, and posts its height to
// the parent whenever it changes, so the frame is as tall as what it shows.

export type Theme = "light" | "dark";

/** Message types shared with embed.js. */
export const EmbedMessages = { size: "promptdeck:embed-size", theme: "promptdeck:embed-theme" } as const;

export const themeOf = (v: unknown): Theme | null => (v === "light" || v === "dark" ? v : null);

/** Forces the page's colour scheme (styles.css, `:root[data-theme]`); null follows the system's. */
export function applyTheme(theme: Theme | null): void {
  if (theme) document.documentElement.dataset.theme = theme;
  else delete document.documentElement.dataset.theme;
}

/** Applies the theme embed.js sends when the embedding page's colour scheme changes (from the parent only). */
export function followParentTheme(): () => void {
  const onMessage = (e: MessageEvent) => {
    if (window.parent === window || e.source !== window.parent) return;
    const data: unknown = e.data;
    if (typeof data !== "object" || data === null || !("type" in data) || data.type !== EmbedMessages.theme) return;
    const theme = themeOf("theme" in data ? data.theme : null);
    if (theme) applyTheme(theme);
  };
  window.addEventListener("message", onMessage);
  return () => window.removeEventListener("message", onMessage);
}

/**
 * Posts `el`'s height to the embedding page whenever it changes. The target origin is "*": the
 * page does not know which of the embed's allowed origins frames it, and a height tells nothing.
 */
export function reportHeight(el: HTMLElement, embedId: string): () => void {
  if (window.parent === window) return () => undefined;
  let last = -1;
  const post = () => {
    const height = Math.ceil(el.getBoundingClientRect().height);
    if (height === last) return;
    last = height;
    window.parent.postMessage({ type: EmbedMessages.size, embed: embedId, height }, "*");
  };
  const observer = new ResizeObserver(post);
  observer.observe(el);
  post();
  return () => observer.disconnect();
}
