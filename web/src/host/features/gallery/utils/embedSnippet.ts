// The HTML an owner pastes into their site to show an embed (web/public/embed.js reads it).
import type { Embed } from "../../../lib/types";

/** Placeholders the owner's site fills per signed-in user of a verified embed. */
export const USER_ID_PLACEHOLDER = "USER_ID";
export const USER_HASH_PLACEHOLDER = "HMAC_SHA256_HEX_OF_USER_ID";

/** What the snippet needs of an embed. */
export type SnippetEmbed = Pick<Embed, "id" | "viewer">;

/** The `<script>` tag of embed `e` served from `origin` (a verified embed's names its user). */
export function embedScript(origin: string, e: SnippetEmbed): string {
  const src = `${origin.replace(/\/+$/, "")}/embed.js`;
  const user = e.viewer === "verified" ? ` data-user-id="${USER_ID_PLACEHOLDER}" data-user-hash="${USER_HASH_PLACEHOLDER}"` : "";
  return `<script src="${src}" data-embed="${e.id}"${user} async></script>`;
}

/** What an owner pastes: the script tag, and for a verified embed a comment saying how to compute the user's hash. */
export function embedSnippet(origin: string, e: SnippetEmbed): string {
  const script = embedScript(origin, e);
  if (e.viewer === "anonymous") return script;
  return `<!-- data-user-hash: the hex HMAC-SHA256 of data-user-id, keyed with this embed's secret (compute it on your server) -->\n${script}`;
}
