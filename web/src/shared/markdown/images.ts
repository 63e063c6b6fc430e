// Images in answers and stored texts. An answer can be steered by prompt injection to carry data
// out in an image URL, so markdown never loads an image on its own: only an image whose bytes
// are in the text (a `data:image/…` URL) shows as an image. Any other image — remote, or
// relative (which is a request too, to the page's own origin) — shows as a link labelled with
// its alt text and host, opened in a new tab only when clicked (inside a custom UI's frame,
// through the host after the user confirms, like every link). It is not loaded in place on a
// click: the app's and the sandbox's Content-Security-Policy allow no image from another host.
// Raw HTML (`<img>` included) never renders as HTML: react-markdown shows it as text.
import { defaultUrlTransform } from "react-markdown";
import { safeHref } from "./links";

/** Where an image's bytes would come from, and so how it may show. */
export type ImageSource =
  | { kind: "inline"; url: string }
  | { kind: "remote"; url: string; host: string }
  | { kind: "blocked" };

const INLINE_IMAGE = /^data:image\/[a-z0-9.+-]+[;,]/i;

/** Classifies an image URL: inline data shows, http(s) becomes a link, anything else is inert. */
export function imageSource(src: string | undefined): ImageSource {
  const s = (src ?? "").trim();
  if (INLINE_IMAGE.test(s)) return { kind: "inline", url: s };
  const url = safeHref(s);
  if (!url) return { kind: "blocked" };
  return { kind: "remote", url, host: new URL(url).host };
}

/** react-markdown's URL filter, keeping inline `data:image/…` sources (which it would drop). */
export function markdownUrl(url: string, key: string, node: { tagName: string }): string {
  return key === "src" && node.tagName === "img" && INLINE_IMAGE.test(url.trim()) ? url.trim() : defaultUrlTransform(url);
}

/** The part of a hast tree this plugin reads and writes. */
export interface HastNode {
  type: string;
  tagName?: string;
  value?: string;
  properties?: Record<string, unknown>;
  children?: HastNode[];
}

/** A rehype plugin that turns every image that is not inline data into a link or a label. */
export function rehypeImages() {
  return (tree: HastNode): void => replaceImages(tree, false);
}

function replaceImages(node: HastNode, inLink: boolean): void {
  const children = node.children;
  if (!children) return;
  children.forEach((child, i) => {
    if (child.type !== "element") return;
    if (child.tagName === "img") children[i] = placeholder(child, inLink);
    else replaceImages(child, inLink || child.tagName === "a");
  });
}

/** What an image shows as: itself when inline, else a link (a label inside another link or when not http(s)). */
function placeholder(img: HastNode, inLink: boolean): HastNode {
  const props = img.properties ?? {};
  const source = imageSource(typeof props.src === "string" ? props.src : undefined);
  if (source.kind === "inline") return img;
  const alt = typeof props.alt === "string" ? props.alt.trim() : "";
  const name = alt ? `Image “${alt}”` : "Image";
  if (source.kind === "blocked" || inLink) {
    const label = source.kind === "remote" ? `${name} from ${source.host}` : `${name} (not shown)`;
    return { type: "element", tagName: "span", properties: { className: ["pd-image", "pd-image-label"] }, children: [{ type: "text", value: label }] };
  }
  return {
    type: "element",
    tagName: "a",
    properties: { href: source.url, title: source.url, className: ["pd-image", "pd-image-link"] },
    children: [{ type: "text", value: `${name} from ${source.host}` }],
  };
}
