// Loaded on demand: math parsing and KaTeX rendering with its stylesheet.
//
// Formulas are rendered with KaTeX's DOM renderer into a detached element, then turned into hast.
// (rehype-katex renders an HTML string and parses it back; the parser meets KaTeX's inline
// `style` attributes, which a Content-Security-Policy without 'unsafe-inline' styles reports as
// violations. The DOM renderer sets styles through the CSSOM, which the policy allows, and React
// applies them the same way.) What is math follows remark-math: `math-inline`, `math-display`,
// and ```` ```math ```` fences, which display.
import "katex/dist/katex.min.css";
import type { Element, ElementContent, Parents, Root } from "hast";
import { fromDom } from "hast-util-from-dom";
import katex from "katex";
import remarkMath from "remark-math";

export { remarkMath };
export { mathSyntax } from "./mathSyntax";

/** A rehype plugin that renders remark-math's nodes with KaTeX. */
export function rehypeMath() {
  return (tree: Root): void => renderIn(tree);
}

function renderIn(parent: Parents): void {
  for (let i = 0; i < parent.children.length; i++) {
    const child = parent.children[i];
    if (child?.type !== "element") continue;
    const math = mathOf(child);
    if (!math) {
      renderIn(child);
      continue;
    }
    const rendered = render(math.tex, math.display);
    parent.children.splice(i, 1, ...rendered);
    i += rendered.length - 1;
  }
}

/** The TeX and mode of an element that holds math (a `pre` holding a math fence counts). */
function mathOf(el: Element): { tex: string; display: boolean } | null {
  const classes = (node: Element) => (Array.isArray(node.properties.className) ? node.properties.className : []);
  if (el.tagName === "pre") {
    const code = el.children.find((c): c is Element => c.type === "element" && c.tagName === "code");
    return code && classes(code).includes("language-math") ? { tex: textOf(code), display: true } : null;
  }
  const cls = classes(el);
  if (!cls.includes("language-math") && !cls.includes("math-display") && !cls.includes("math-inline")) return null;
  return { tex: textOf(el), display: cls.includes("math-display") };
}

function textOf(node: ElementContent | Element): string {
  if (node.type === "text") return node.value;
  if (node.type === "element") return node.children.map(textOf).join("");
  return "";
}

function render(tex: string, display: boolean): ElementContent[] {
  const holder = document.createElement("span");
  try {
    katex.render(tex, holder, { displayMode: display, throwOnError: false, strict: "ignore" });
  } catch (error) {
    // KaTeX reports parse errors in its output; anything else shows the source, marked as an error.
    const span = document.createElement("span");
    span.className = "katex-error";
    span.title = String(error);
    span.style.color = "#cc0000";
    span.textContent = tex;
    holder.replaceChildren(span);
  }
  const root = fromDom(holder);
  return root.type === "element" ? root.children : [];
}
