import { describe, expect, it } from "vitest";
import { embedSnippet } from "./embedSnippet";

describe("embed snippets", () => {
  it("load embed.js from the app's origin with the embed's id", () => {
    expect(embedSnippet("https://deck.example/", { id: "abc123", viewer: "anonymous" })).toBe(
      '<script src="https://deck.example/embed.js" data-embed="abc123" async></script>',
    );
  });

  it("name the user of a verified embed and say how to compute the hash", () => {
    const [comment, script] = embedSnippet("https://deck.example", { id: "abc123", viewer: "verified" }).split("\n");
    expect(comment).toMatch(/^<!-- .*HMAC-SHA256.*secret.* -->$/);
    expect(script).toBe('<script src="https://deck.example/embed.js" data-embed="abc123" data-user-id="USER_ID" data-user-hash="HMAC_SHA256_HEX_OF_USER_ID" async></script>');
  });
});
