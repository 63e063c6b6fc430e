// What the frame's runtime lets a component's mirrored tree contain: an allow-list of elements
// and attributes, style text without anything that loads (url(), image-set(), @import, escapes),
// no URL that leaves the frame (links keep their target aside and open through the bridge's
// confirmed `link/open`; images only as inline data). Pure functions: the mirror applies them.

const HTML_ELEMENTS = new Set(
  (
    "a abbr address article aside b bdi bdo blockquote br button caption cite code col colgroup data datalist dd del " +
    "details dfn dialog div dl dt em fieldset figcaption figure footer form h1 h2 h3 h4 h5 h6 header hgroup hr i img input ins " +
    "kbd label legend li main mark menu meter nav ol optgroup option output p pre progress q rp rt ruby s samp section " +
    "select small span strong sub summary sup table tbody td textarea tfoot th thead time tr u ul var wbr"
  ).split(" "),
);

/** SVG elements the mirror creates in the SVG namespace (nothing that references other documents). */
export const SVG_ELEMENTS = new Set(
  (
    "svg g path circle rect line polyline polygon ellipse text tspan defs lineargradient radialgradient stop clippath " +
    "mask title desc marker symbol"
  ).split(" "),
);

/** Elements that never render: their place is kept by an inert, hidden placeholder. */
const BLOCKED_ELEMENTS = new Set(
  (
    "script style link meta base iframe frame frameset object embed applet portal fencedframe noscript template slot " +
    "audio video source track picture image use foreignobject feimage animate set animatemotion animatetransform math " +
    "canvas"
  ).split(" "),
);

const GLOBAL_ATTRIBUTES = new Set(["id", "class", "title", "role", "lang", "dir", "hidden", "tabindex", "style", "spellcheck", "translate", "draggable", "accesskey"]);

const ELEMENT_ATTRIBUTES: Record<string, string[]> = {
  a: ["href"],
  img: ["src", "alt", "width", "height"],
  input: ["type", "name", "value", "placeholder", "checked", "disabled", "readonly", "required", "min", "max", "step", "minlength", "maxlength", "pattern", "size", "autocomplete", "autofocus", "multiple", "list", "inputmode", "enterkeyhint"],
  button: ["type", "disabled", "name", "value", "autofocus"],
  form: ["novalidate", "name"],
  label: ["for"],
  select: ["name", "multiple", "disabled", "required", "size", "autofocus"],
  option: ["value", "selected", "disabled", "label"],
  optgroup: ["label", "disabled"],
  textarea: ["name", "rows", "cols", "placeholder", "disabled", "readonly", "required", "maxlength", "minlength", "wrap", "autofocus"],
  td: ["colspan", "rowspan", "headers"],
  th: ["colspan", "rowspan", "headers", "scope", "abbr"],
  col: ["span"],
  colgroup: ["span"],
  ol: ["start", "reversed", "type"],
  li: ["value"],
  details: ["open"],
  dialog: ["open"],
  progress: ["value", "max"],
  meter: ["value", "min", "max", "low", "high", "optimum"],
  time: ["datetime"],
  data: ["value"],
  output: ["for", "name"],
  fieldset: ["disabled", "name"],
};

const SVG_ATTRIBUTES = new Set(
  (
    "viewBox width height fill stroke stroke-width d cx cy r rx ry x y x1 y1 x2 y2 dx dy points transform opacity " +
    "fill-opacity stroke-opacity fill-rule clip-rule stroke-linecap stroke-linejoin stroke-dasharray stroke-dashoffset " +
    "text-anchor font-size font-family font-weight dominant-baseline alignment-baseline offset stop-color stop-opacity " +
    "gradientUnits gradientTransform preserveAspectRatio clip-path mask marker-start marker-mid marker-end markerWidth " +
    "markerHeight refX refY orient vector-effect pathLength visibility display focusable"
  ).split(" "),
);

const INPUT_TYPES = new Set(["text", "search", "email", "url", "tel", "password", "number", "range", "checkbox", "radio", "date", "time", "datetime-local", "month", "week", "color", "hidden", "submit", "reset", "button"]);
const BUTTON_TYPES = new Set(["submit", "button", "reset"]);

/** What the mirror creates for a remote element name. */
export type ElementPlan = { kind: "html" | "svg"; name: string } | { kind: "markdown" } | { kind: "blocked"; name: string };

/** The element the mirror creates for `name` (under an SVG parent when `inSvg`). */
export function planElement(name: string, inSvg: boolean, markdownName: string): ElementPlan {
  const n = name.toLowerCase();
  if (n === markdownName) return { kind: "markdown" };
  if (BLOCKED_ELEMENTS.has(n)) return { kind: "blocked", name: n };
  if (n === "svg" || (inSvg && SVG_ELEMENTS.has(n))) return { kind: "svg", name: n === "lineargradient" ? "linearGradient" : n === "radialgradient" ? "radialGradient" : n === "clippath" ? "clipPath" : n };
  if (inSvg) return { kind: "blocked", name: n };
  if (HTML_ELEMENTS.has(n)) return { kind: "html", name: n };
  // Any other name (a custom element, an obsolete tag) shows its content as a plain span.
  return { kind: "html", name: "span" };
}

/** CSS that could load something, or hide a loading construct behind an escape. */
const LOADING_CSS = /url\s*\(|image-set\s*\(|image\s*\(|cross-fade\s*\(|element\s*\(|src\s*\(|@import|@font-face|expression\s*\(|binding|behavior|\\|\/\*/i;

/** Style text the mirror may apply (through CSSOM), or null when it could load something. */
export function safeStyle(css: string): string | null {
  if (css.length > 20_000) return null;
  return LOADING_CSS.test(css) ? null : css;
}

/** An SVG paint or reference that points inside the document (`url(#id)`), or a plain value. */
function safeSvgValue(name: string, value: string): string | null {
  const v = value.trim();
  if (/url\s*\(/i.test(v)) return /^url\(\s*#[\w-]+\s*\)$/i.test(v) ? v : null;
  if (name === "style") return safeStyle(v);
  return v;
}

/** The http(s) URL a link points to, or null (relative, javascript:, data:, …). */
export function linkTarget(href: string): string | null {
  try {
    const url = new URL(href.trim());
    return url.protocol === "http:" || url.protocol === "https:" ? url.href : null;
  } catch {
    return null;
  }
}

const INLINE_IMAGE = /^data:image\/(png|gif|jpeg|webp|avif|bmp|svg\+xml)[;,]/i;

/** How the mirror applies one attribute: set it (maybe rewritten), keep it aside, or drop it. */
export type AttributePlan =
  | { kind: "set"; name: string; value: string }
  | { kind: "style"; value: string }
  | { kind: "link"; url: string | null }
  | { kind: "drop" };

/** The plan for attribute `name`=`value` on a mirrored `element` (`svg` for the SVG namespace). */
export function planAttribute(element: string, svg: boolean, name: string, value: string): AttributePlan {
  const n = name.toLowerCase();
  if (n.startsWith("on") || n.includes(":") || value.length > 100_000) return { kind: "drop" };
  if (n === "style") {
    const css = safeStyle(value);
    return css === null ? { kind: "drop" } : { kind: "style", value: css };
  }
  if (n.startsWith("aria-") || n.startsWith("data-") || GLOBAL_ATTRIBUTES.has(n)) {
    return /^[a-z][a-z0-9-]*$/.test(n) ? { kind: "set", name: n, value } : { kind: "drop" };
  }
  if (svg) {
    if (!SVG_ATTRIBUTES.has(name)) return { kind: "drop" };
    const v = safeSvgValue(n, value);
    return v === null ? { kind: "drop" } : { kind: "set", name, value: v };
  }
  if (!(ELEMENT_ATTRIBUTES[element] ?? []).includes(n)) return { kind: "drop" };
  if (element === "a" && n === "href") return { kind: "link", url: linkTarget(value) };
  if (element === "img" && n === "src") return INLINE_IMAGE.test(value.trim()) ? { kind: "set", name: n, value } : { kind: "drop" };
  if (element === "input" && n === "type") return { kind: "set", name: n, value: INPUT_TYPES.has(value.toLowerCase()) ? value : "text" };
  if (element === "button" && n === "type") return { kind: "set", name: n, value: BUTTON_TYPES.has(value.toLowerCase()) ? value : "button" };
  return { kind: "set", name: n, value };
}

/** Properties the worker may set on mirrored form controls, with the type each takes. */
export const PROPERTIES: Record<string, "string" | "boolean"> = { value: "string", checked: "boolean", indeterminate: "boolean", selected: "boolean" };

/** Methods the worker may call on a mirrored element. */
export const METHODS = new Set(["focus", "blur", "select", "scrollIntoView", "setSelectionRange"]);
