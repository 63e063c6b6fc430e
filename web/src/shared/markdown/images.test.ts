import { describe, expect, it } from "vitest";
import { imageSource, markdownUrl, rehypeImages, type HastNode } from "./images";

const img = (src: string, alt = "x"): HastNode => ({ type: "element", tagName: "img", properties: { src, alt }, children: [] });
const render = (children: HastNode[]): HastNode[] => {
  const tree: HastNode = { type: "root", children };
  rehypeImages()(tree);
  return tree.children ?? [];
};

describe("imageSource", () => {
  it("shows only images whose bytes are in the text", () => {
    expect(imageSource("data:image/png;base64,iVBORw0KGgo=")).toEqual({ kind: "inline", url: "data:image/png;base64,iVBORw0KGgo=" });
    expect(imageSource(" data:image/svg+xml,%3Csvg%3E")).toMatchObject({ kind: "inline" });
    expect(imageSource("data:text/html,<script>alert(1)</script>")).toEqual({ kind: "blocked" });
  });

  it("makes remote images links with their host, and relative or script URLs inert", () => {
    expect(imageSource("http://127.0.0.1:9/leak?d=secret")).toEqual({ kind: "remote", url: "http://127.0.0.1:9/leak?d=secret", host: "127.0.0.1:9" });
    expect(imageSource("https://evil.example/a.png")).toMatchObject({ kind: "remote", host: "evil.example" });
    for (const src of ["/api/prompts", "leak.png", "//evil.example/a.png", "javascript:alert(1)", "blob:https://x/1", "", undefined]) {
      expect(imageSource(src)).toEqual({ kind: "blocked" });
    }
  });
});

describe("rehypeImages", () => {
  it("turns a remote image into a link that names its host, and leaves no img behind", () => {
    const [out] = render([img("http://127.0.0.1:9/leak?d=secret", "chart")]);
    expect(out).toMatchObject({ tagName: "a", properties: { href: "http://127.0.0.1:9/leak?d=secret" } });
    expect(out?.children).toEqual([{ type: "text", value: "Image “chart” from 127.0.0.1:9" }]);
  });

  it("replaces images nested in paragraphs, tables and links; inside a link only a label remains", () => {
    const link: HastNode = { type: "element", tagName: "a", properties: { href: "https://x.example" }, children: [img("https://badge.example/b.svg", "badge")] };
    const para: HastNode = { type: "element", tagName: "p", properties: {}, children: [{ type: "text", value: "see " }, img("/relative.png", ""), link] };
    const [p] = render([para]);
    expect(JSON.stringify(p)).not.toContain('"img"');
    expect(p?.children?.[1]).toMatchObject({ tagName: "span", children: [{ value: "Image (not shown)" }] });
    expect(p?.children?.[2]?.children?.[0]).toMatchObject({ tagName: "span", children: [{ value: "Image “badge” from badge.example" }] });
  });

  it("keeps inline data images as images", () => {
    const [out] = render([img("data:image/gif;base64,R0lGODlhAQABAAAAACw=")]);
    expect(out).toMatchObject({ tagName: "img" });
  });
});

describe("markdownUrl", () => {
  it("keeps inline image data that the default filter drops, and filters everything else as before", () => {
    const gif = "data:image/gif;base64,R0lGODlhAQABAAAAACw=";
    expect(markdownUrl(gif, "src", { tagName: "img" })).toBe(gif);
    expect(markdownUrl(gif, "href", { tagName: "a" })).toBe("");
    expect(markdownUrl("javascript:alert(1)", "href", { tagName: "a" })).toBe("");
    expect(markdownUrl("https://x.example/", "href", { tagName: "a" })).toBe("https://x.example/");
  });
});
