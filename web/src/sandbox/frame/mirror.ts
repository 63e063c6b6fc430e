// The frame's mirror of the tree a component renders in its worker. It applies the worker's
// remote-dom mutation records (insert, remove, text, attribute, property) to real DOM under one
// root, creating only what policy.ts allows: a blocked element keeps its place as an inert,
// hidden placeholder (so the worker's child indexes stay right) and a dropped attribute is
// simply not set. Every record is checked; a malformed one is ignored.
import { isObject } from "../../shared/protocol";
import { MARKDOWN_ELEMENT } from "../wire";
import { PROPERTIES, planAttribute, planElement } from "./policy";

const SVG_NS = "http://www.w3.org/2000/svg";
const ROOT_ID = "~";
const INSERT = 0;
const REMOVE = 1;
const TEXT = 2;
const UPDATE = 3;
const PROPERTY = 1;
const ATTRIBUTE = 2;

/** Most nodes a component's tree may have in the frame; past it, insertions are ignored. */
export const MAX_NODES = 100_000;
/** Deepest a component's tree may nest in the frame. */
export const MAX_DEPTH = 256;

/** What the mirror asks of the rest of the runtime. */
export interface MirrorHooks {
  /** A markdown element was created or its attributes changed (`null`: it was removed). */
  markdown(el: HTMLElement, attributes: Record<string, string> | null): void;
  /** The worker set a form control's property; the input sync decides when it shows. */
  property(el: Element, name: string, value: string | boolean): void;
}

interface Serialized {
  id: string;
  type: number;
  element?: string;
  data?: string;
  attributes?: Record<string, unknown>;
  properties?: Record<string, unknown>;
  children?: unknown[];
}

function asSerialized(v: unknown): Serialized | null {
  if (!isObject(v) || typeof v.id !== "string" || v.id.length > 32 || typeof v.type !== "number") return null;
  if (v.type === 1) {
    if (typeof v.element !== "string" || !/^[a-zA-Z][a-zA-Z0-9-]{0,63}$/.test(v.element)) return null;
    if (v.children !== undefined && !Array.isArray(v.children)) return null;
    if (v.attributes !== undefined && !isObject(v.attributes)) return null;
    if (v.properties !== undefined && !isObject(v.properties)) return null;
    return v as unknown as Serialized;
  }
  if ((v.type === 3 || v.type === 8) && typeof v.data === "string") return v as unknown as Serialized;
  return null;
}

export class Mirror {
  private readonly nodes = new Map<string, Node>();
  private readonly ids = new WeakMap<Node, string>();
  private readonly markdown = new Set<HTMLElement>();
  private readonly markdownAttributes = new WeakMap<HTMLElement, Record<string, string>>();
  private readonly links = new WeakMap<Element, string | null>();
  private readonly hooks: MirrorHooks;
  readonly root: HTMLElement;

  constructor(root: HTMLElement, hooks: MirrorHooks) {
    this.root = root;
    this.hooks = hooks;
    this.nodes.set(ROOT_ID, root);
    this.ids.set(root, ROOT_ID);
  }

  /** The worker's id of the mirrored node at or above `node`, or null outside the mirror. */
  idOf(node: Node | null): string | null {
    for (let n = node; n; n = n.parentNode) {
      const id = this.ids.get(n);
      if (id !== undefined) return id;
    }
    return null;
  }

  /** The mirrored element with the worker's id `id`. */
  element(id: string): Element | null {
    const n = this.nodes.get(id);
    return n instanceof Element ? n : null;
  }

  /** The http(s) target of a mirrored link (null when it has none). */
  linkOf(el: Element): string | null {
    return this.links.get(el) ?? null;
  }

  /** Applies a batch of mutation records from the worker. */
  apply(records: unknown[]): void {
    for (const r of records) {
      if (!Array.isArray(r)) continue;
      try {
        this.applyOne(r);
      } catch (err) {
        console.warn("promptdeck: a mirrored change was ignored:", err);
      }
    }
  }

  private applyOne(r: unknown[]): void {
    const [type, id] = r;
    if (typeof id !== "string") return;
    const target = this.nodes.get(id);
    if (!target) return;
    switch (type) {
      case INSERT: {
        const node = asSerialized(r[2]);
        const index = r[3];
        if (!node || typeof index !== "number" || !(target instanceof Element)) return;
        if (this.nodes.size >= MAX_NODES || this.depthOf(target) >= MAX_DEPTH) return;
        const built = this.build(node, target, this.depthOf(target) + 1);
        if (built) target.insertBefore(built, target.childNodes[index] ?? null);
        return;
      }
      case REMOVE: {
        const index = r[2];
        if (typeof index !== "number") return;
        const child = target.childNodes[index];
        if (!child) return;
        child.remove();
        this.forget(child);
        return;
      }
      case TEXT: {
        if (typeof r[2] === "string" && (target instanceof Text || target instanceof Comment)) target.data = r[2];
        return;
      }
      case UPDATE: {
        const [, , name, value, kind] = r;
        if (typeof name !== "string" || !(target instanceof Element)) return;
        if (kind === PROPERTY) this.setProperty(target, name, value);
        else if (kind === ATTRIBUTE || kind === undefined) this.setAttribute(target, name, value === undefined || value === null ? null : String(value));
        return;
      }
    }
  }

  private depthOf(node: Node): number {
    let d = 0;
    for (let n: Node | null = node; n && n !== this.root; n = n.parentNode) d++;
    return d;
  }

  private build(s: Serialized, parent: Element, depth: number): Node | null {
    if (this.nodes.has(s.id) || depth > MAX_DEPTH || this.nodes.size >= MAX_NODES) return null;
    let node: Node;
    if (s.type === 3) node = document.createTextNode(s.data ?? "");
    else if (s.type === 8) node = document.createComment(s.data ?? "");
    else {
      const inSvg = parent.namespaceURI === SVG_NS && parent.localName !== "foreignObject";
      const plan = planElement(s.element ?? "span", inSvg, MARKDOWN_ELEMENT);
      let el: Element;
      if (plan.kind === "svg") el = document.createElementNS(SVG_NS, plan.name);
      else if (plan.kind === "html") el = document.createElement(plan.name);
      else if (plan.kind === "markdown") {
        el = document.createElement("div");
        el.className = "pd-markdown-host";
        this.markdown.add(el as HTMLElement);
        this.markdownAttributes.set(el as HTMLElement, {});
      } else {
        // A placeholder keeps the blocked element's place; it never shows and never loads.
        el = document.createElement("span");
        el.setAttribute("hidden", "");
        el.setAttribute("data-pd-blocked", plan.name);
      }
      node = el;
      this.nodes.set(s.id, node);
      this.ids.set(node, s.id);
      for (const [k, v] of Object.entries(s.attributes ?? {})) this.setAttribute(el, k, v === null || v === undefined ? null : String(v));
      for (const [k, v] of Object.entries(s.properties ?? {})) this.setProperty(el, k, v);
      for (const c of s.children ?? []) {
        const child = asSerialized(c);
        const built = child ? this.build(child, el, depth + 1) : null;
        if (built) el.appendChild(built);
      }
      if (this.markdown.has(el as HTMLElement)) this.hooks.markdown(el as HTMLElement, this.markdownAttributes.get(el as HTMLElement) ?? {});
      return node;
    }
    this.nodes.set(s.id, node);
    this.ids.set(node, s.id);
    return node;
  }

  private forget(node: Node): void {
    const id = this.ids.get(node);
    if (id !== undefined) this.nodes.delete(id);
    if (node instanceof HTMLElement && this.markdown.delete(node)) this.hooks.markdown(node, null);
    node.childNodes.forEach((c) => this.forget(c));
  }

  private setAttribute(el: Element, name: string, value: string | null): void {
    if (el instanceof HTMLElement && this.markdown.has(el)) {
      let attrs = { ...(this.markdownAttributes.get(el) ?? {}) };
      if (value === null) attrs = Object.fromEntries(Object.entries(attrs).filter(([k]) => k !== name));
      else if (name === "class") el.className = `pd-markdown-host ${value}`;
      else attrs[name] = value;
      this.markdownAttributes.set(el, attrs);
      if (el.isConnected || el.parentNode) this.hooks.markdown(el, attrs);
      return;
    }
    if (el.hasAttribute("data-pd-blocked")) return;
    const svg = el.namespaceURI === SVG_NS;
    const plan = planAttribute(el.localName, svg, name, value ?? "");
    if (value === null) {
      if (plan.kind === "style") (el as HTMLElement).style.cssText = "";
      else if (plan.kind === "link") {
        this.links.delete(el);
        el.removeAttribute("href");
      } else if (plan.kind === "set") el.removeAttribute(plan.name);
      return;
    }
    switch (plan.kind) {
      case "set":
        el.setAttribute(plan.name, plan.value);
        return;
      case "style":
        // Through CSSOM: the frame's CSP allows no inline style attribute.
        (el as HTMLElement | SVGElement).style.cssText = plan.value;
        return;
      case "link":
        // The target stays aside: a click asks the worker, which opens it through the bridge.
        this.links.set(el, plan.url);
        el.setAttribute("href", "#");
        return;
      case "drop":
        return;
    }
  }

  private setProperty(el: Element, name: string, value: unknown): void {
    const type = PROPERTIES[name];
    if (!type || typeof value !== type) return;
    if (!(el instanceof HTMLInputElement || el instanceof HTMLTextAreaElement || el instanceof HTMLSelectElement || el instanceof HTMLOptionElement)) return;
    this.hooks.property(el, name, value as string | boolean);
  }
}
