// The HTML an owner pastes into their site to show an embed (web/public/embed.js reads it).

/** Placeholders the owner's site fills per signed-in user of a verified embed. */
export const USER_ID_PLACEHOLDER = "USER_ID";
export const USER_HASH_PLACEHOLDER = "HMAC_SHA256_HEX_OF_USER_ID";

/** What the snippet needs of an embed. */
export interface SnippetEmbed {
  id: string;
  viewer: "anonymous" | "verified";
}

/**
 * The `<script>` tag for embed `e` served from `origin`; a verified embed's also names its user and
 * says, in an HTML comment above it, how the site computes the user's hash.
 */
export function embedSnippet(origin: string, e: SnippetEmbed): string {
  const src = `${origin.replace(/\/+$/, "")}/embed.js`;
  if (e.viewer === "anonymous") return `<script src="${src}" data-embed="${e.id}" async></script>`;
  return [
    `<!-- data-user-hash: the hex HMAC-SHA256 of data-user-id, keyed with this embed's secret (compute it on your server) -->`,
    `<script src="${src}" data-embed="${e.id}" data-user-id="${USER_ID_PLACEHOLDER}" data-user-hash="${USER_HASH_PLACEHOLDER}" async></script>`,
  ].join("\n");
}
