// What React DOM and components need from the worker's DOM beyond remote-dom's polyfill: form
// control state (`value`, `checked`, `selected`, `options`), `style` as CSSOM that writes the
// `style` attribute, `classList`, `dataset`, focus tracking and element methods the frame
// performs (`focus`, `blur`, `select`, `scrollIntoView`, `setSelectionRange`). Form control
// state set by the component goes to the frame as a remote property; state that comes from the
// frame's events is written with `setFromFrame` and not echoed back.
import { callRemoteElementMethod, updateRemoteElementProperty } from "@remote-dom/core/elements";

const VALUE = Symbol("value");
const CHECKED = Symbol("checked");
const SELECTED = Symbol("selected");
const STYLE = Symbol("style");
const SELECTION = Symbol("selection");

type Node = globalThis.Node & { [VALUE]?: string; [CHECKED]?: boolean; [SELECTED]?: boolean; [STYLE]?: Map<string, string>; [SELECTION]?: [number, number] };
type El = Element & Node;

let active: Element | null = null;

function kebab(name: string): string {
  if (name.startsWith("--")) return name;
  if (name === "cssFloat") return "float";
  return name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`).replace(/^(webkit|moz|ms)-/, "-$1-");
}

function styleText(map: Map<string, string>): string {
  return [...map]
    .map(([k, v]) => `${k}: ${v}`)
    .join("; ");
}

function parseStyle(text: string, into = new Map<string, string>()): Map<string, string> {
  for (const part of text.split(";")) {
    const i = part.indexOf(":");
    if (i > 0) into.set(part.slice(0, i).trim(), part.slice(i + 1).trim());
  }
  return into;
}

/** A CSSStyleDeclaration stand-in: every change rewrites the element's `style` attribute. */
function styleOf(el: El): CSSStyleDeclaration {
  const map = (el[STYLE] ??= parseStyle(el.getAttribute("style") ?? ""));
  const write = () => {
    const text = styleText(map);
    if (text) el.setAttribute("style", text);
    else el.removeAttribute("style");
  };
  const api: Record<string, unknown> = {
    setProperty(name: string, value: string | null) {
      if (value === null || value === "") map.delete(kebab(name));
      else map.set(kebab(name), String(value));
      write();
    },
    removeProperty(name: string) {
      const old = map.get(kebab(name)) ?? "";
      map.delete(kebab(name));
      write();
      return old;
    },
    getPropertyValue: (name: string) => map.get(kebab(name)) ?? "",
  };
  return new Proxy(api, {
    get(target, key) {
      if (typeof key !== "string") return undefined;
      if (key in target) return target[key];
      if (key === "cssText") return styleText(map);
      if (key === "length") return map.size;
      return map.get(kebab(key)) ?? "";
    },
    set(_target, key, value) {
      if (typeof key !== "string") return true;
      if (key === "cssText") {
        map.clear();
        parseStyle(String(value ?? ""), map);
      } else if (value === null || value === undefined || value === "") map.delete(kebab(key));
      else map.set(kebab(key), String(value));
      write();
      return true;
    },
    has: (_target, key) => typeof key === "string",
  }) as unknown as CSSStyleDeclaration;
}

function isOption(n: globalThis.Node): n is El {
  return (n as Element).localName === "option";
}

function optionsOf(select: El): El[] {
  const out: El[] = [];
  const walk = (n: globalThis.Node) => {
    const children = n.childNodes;
    if (!children) return;
    for (let i = 0; i < children.length; i++) {
      const c = children[i] as globalThis.Node;
      if (isOption(c)) out.push(c);
      else walk(c);
    }
  };
  walk(select);
  return out;
}

function optionValue(o: El): string {
  return o.getAttribute("value") ?? (o.textContent ?? "").trim();
}

function isCheckable(el: El): boolean {
  const t = (el.getAttribute("type") ?? "").toLowerCase();
  return el.localName === "input" && (t === "checkbox" || t === "radio");
}

/** Writes form control state that came from the frame (the user typed, ticked, chose). */
export function setFromFrame(el: Element, detail: { value?: string; selected?: string[]; checked?: boolean; selectionStart?: number | null; selectionEnd?: number | null }): void {
  const e = el as El;
  if (typeof detail.selectionStart === "number" && typeof detail.selectionEnd === "number") e[SELECTION] = [detail.selectionStart, detail.selectionEnd];
  if (e.localName === "select" && Array.isArray(detail.selected)) {
    const chosen = new Set(detail.selected);
    for (const o of optionsOf(e)) o[SELECTED] = chosen.has(optionValue(o));
    return;
  }
  if (typeof detail.value === "string" && (e.localName === "input" || e.localName === "textarea")) e[VALUE] = detail.value;
  if (typeof detail.checked === "boolean" && isCheckable(e)) {
    e[CHECKED] = detail.checked;
    // A radio that became checked unchecks the others of its group, as the frame shows.
    const name = e.getAttribute("name");
    if (detail.checked && name && e.getAttribute("type") === "radio") {
      const group = [...(e.ownerDocument?.getElementsByTagName("input") ?? [])];
      for (const r of group) if (r !== e && r.getAttribute("type") === "radio" && r.getAttribute("name") === name) (r as El)[CHECKED] = false;
    }
  }
}

/** Records which element has the focus in the frame. */
export function setActive(el: Element | null): void {
  active = el;
}

/** Performs an element method in the frame (focus, scrolling, selection). */
function callInFrame(el: El, method: string, args: unknown[]): void {
  if (method === "focus") active = el;
  if (method === "blur" && active === el) active = null;
  try {
    callRemoteElementMethod(el, method, ...args);
  } catch {
    // Not mirrored (yet): nothing to do in the frame.
  }
}

function define(proto: object, name: string, desc: PropertyDescriptor): void {
  Object.defineProperty(proto, name, { configurable: true, enumerable: true, ...desc });
}

/** Installs the additions on the polyfill's classes; `doc` is the worker's document. */
export function installDom(scope: typeof globalThis): void {
  // Plain elements are instances of the polyfill's Element (only custom elements extend HTMLElement).
  const proto = scope.Element.prototype as unknown as object;
  const elementProto = scope.Element.prototype as unknown as object;

  define(proto, "value", {
    get(this: El) {
      if (this.localName === "select") {
        const opts = optionsOf(this);
        const chosen = opts.find((o) => (o as unknown as { selected: boolean }).selected) ?? (this.hasAttribute("multiple") ? undefined : opts[0]);
        return chosen ? optionValue(chosen) : "";
      }
      if (this.localName === "option") return optionValue(this);
      if (this[VALUE] !== undefined) return this[VALUE];
      if (this.localName === "textarea") return this.textContent ?? "";
      return this.getAttribute("value") ?? (isCheckable(this) ? "on" : "");
    },
    set(this: El, v: unknown) {
      const value = v === null || v === undefined ? "" : String(v);
      if (this.localName === "select") {
        for (const o of optionsOf(this)) (o as unknown as { selected: boolean }).selected = optionValue(o) === value;
        return;
      }
      if (this.localName === "option") {
        this.setAttribute("value", value);
        return;
      }
      if (this[VALUE] === value) return;
      this[VALUE] = value;
      updateRemoteElementProperty(this, "value", value);
    },
  });
  define(proto, "defaultValue", {
    get(this: El) {
      return this.localName === "textarea" ? (this.textContent ?? "") : (this.getAttribute("value") ?? "");
    },
    set(this: El, v: unknown) {
      if (this.localName === "textarea") {
        if (this[VALUE] === undefined) (this as unknown as { value: string }).value = String(v ?? "");
      } else this.setAttribute("value", String(v ?? ""));
    },
  });
  define(proto, "checked", {
    get(this: El) {
      return this[CHECKED] ?? this.hasAttribute("checked");
    },
    set(this: El, v: unknown) {
      const checked = Boolean(v);
      if (this[CHECKED] === checked) return;
      this[CHECKED] = checked;
      updateRemoteElementProperty(this, "checked", checked);
    },
  });
  define(proto, "defaultChecked", {
    get(this: El) {
      return this.hasAttribute("checked");
    },
    set(this: El, v: unknown) {
      this.toggleAttribute("checked", Boolean(v));
    },
  });
  define(proto, "selected", {
    get(this: El) {
      return this[SELECTED] ?? this.hasAttribute("selected");
    },
    set(this: El, v: unknown) {
      const selected = Boolean(v);
      if (this[SELECTED] === selected) return;
      this[SELECTED] = selected;
      updateRemoteElementProperty(this, "selected", selected);
    },
  });
  define(proto, "defaultSelected", {
    get(this: El) {
      return this.hasAttribute("selected");
    },
    set(this: El, v: unknown) {
      this.toggleAttribute("selected", Boolean(v));
    },
  });
  // The caret as the frame last reported it; React DOM reads and restores it around commits
  // (the frame keeps its own caret, so setting it here changes nothing there).
  define(proto, "selectionStart", {
    get(this: El) {
      return this[SELECTION]?.[0] ?? (this as unknown as { value: string }).value.length;
    },
    set(this: El, v: number) {
      this[SELECTION] = [v, this[SELECTION]?.[1] ?? v];
    },
  });
  define(proto, "selectionEnd", {
    get(this: El) {
      return this[SELECTION]?.[1] ?? (this as unknown as { value: string }).value.length;
    },
    set(this: El, v: number) {
      this[SELECTION] = [this[SELECTION]?.[0] ?? v, v];
    },
  });
  define(proto, "options", {
    get(this: El) {
      return optionsOf(this);
    },
  });
  define(proto, "selectedIndex", {
    get(this: El) {
      return optionsOf(this).findIndex((o) => (o as unknown as { selected: boolean }).selected);
    },
    set(this: El, i: number) {
      optionsOf(this).forEach((o, j) => ((o as unknown as { selected: boolean }).selected = i === j));
    },
  });
  for (const name of ["disabled", "multiple", "required", "readOnly", "hidden"]) {
    const attr = name.toLowerCase();
    define(proto, name, {
      get(this: El) {
        return this.hasAttribute(attr);
      },
      set(this: El, v: unknown) {
        this.toggleAttribute(attr, Boolean(v));
      },
    });
  }
  for (const name of ["name", "placeholder", "title", "lang", "dir", "htmlFor"]) {
    const attr = name === "htmlFor" ? "for" : name;
    define(proto, name, {
      get(this: El) {
        return this.getAttribute(attr) ?? "";
      },
      set(this: El, v: unknown) {
        this.setAttribute(attr, String(v));
      },
    });
  }
  define(proto, "type", {
    get(this: El) {
      const t = (this.getAttribute("type") ?? "").toLowerCase();
      if (this.localName === "input") return t || "text";
      if (this.localName === "button") return t || "submit";
      if (this.localName === "select") return this.hasAttribute("multiple") ? "select-multiple" : "select-one";
      if (this.localName === "textarea") return "textarea";
      return t;
    },
    set(this: El, v: unknown) {
      this.setAttribute("type", String(v));
    },
  });
  define(proto, "form", {
    get(this: El) {
      for (let n = this.parentNode; n; n = n.parentNode) if ((n as Element).localName === "form") return n;
      return null;
    },
  });
  define(proto, "style", {
    get(this: El) {
      return styleOf(this);
    },
    set(this: El, v: unknown) {
      (styleOf(this) as unknown as { cssText: string }).cssText = String(v ?? "");
    },
  });
  define(elementProto, "className", {
    get(this: El) {
      return this.getAttribute("class") ?? "";
    },
    set(this: El, v: unknown) {
      this.setAttribute("class", String(v));
    },
  });
  define(elementProto, "classList", {
    get(this: El) {
      const list = () => (this.getAttribute("class") ?? "").split(/\s+/).filter(Boolean);
      const set = (l: string[]) => this.setAttribute("class", l.join(" "));
      return {
        contains: (c: string) => list().includes(c),
        add: (...cs: string[]) => set([...new Set([...list(), ...cs])]),
        remove: (...cs: string[]) => set(list().filter((x) => !cs.includes(x))),
        toggle: (c: string, force?: boolean) => {
          const on = force ?? !list().includes(c);
          set(on ? [...new Set([...list(), c])] : list().filter((x) => x !== c));
          return on;
        },
        get length() {
          return list().length;
        },
        toString: () => list().join(" "),
      };
    },
  });
  define(elementProto, "dataset", {
    get(this: El) {
      const attr = (k: string) => `data-${k.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
      return new Proxy({} as Record<string, string>, {
        get: (_t, k) => (typeof k === "string" ? (this.getAttribute(attr(k)) ?? undefined) : undefined),
        set: (_t, k, v) => {
          if (typeof k === "string") this.setAttribute(attr(k), String(v));
          return true;
        },
        deleteProperty: (_t, k) => {
          if (typeof k === "string") this.removeAttribute(attr(k));
          return true;
        },
      });
    },
  });
  const frameCall = (method: string) =>
    function (this: El, ...args: unknown[]) {
      callInFrame(this, method, args);
    };
  for (const m of ["focus", "blur", "select", "scrollIntoView", "setSelectionRange"]) define(proto, m, { value: frameCall(m), writable: true, enumerable: false });
  define(proto, "click", {
    value(this: El) {
      this.dispatchEvent(new scope.Event("click", { bubbles: true, cancelable: true }));
    },
    writable: true,
    enumerable: false,
  });
  define(elementProto, "getBoundingClientRect", {
    value: () => ({ x: 0, y: 0, top: 0, left: 0, right: 0, bottom: 0, width: 0, height: 0, toJSON: () => ({}) }),
    writable: true,
    enumerable: false,
  });
  for (const name of ["offsetWidth", "offsetHeight", "offsetTop", "offsetLeft", "clientWidth", "clientHeight", "scrollTop", "scrollLeft", "scrollWidth", "scrollHeight"]) {
    define(proto, name, { get: () => 0, set: () => undefined });
  }
  // React DOM asks the document which events exist (`"oninput" in document`) and who has focus.
  const docProto = Object.getPrototypeOf(scope.document) as object;
  for (const name of ["oninput", "onchange", "onscroll", "onfocusin", "onfocusout"]) define(docProto, name, { value: null, writable: true });
  // As in the frame's document (an opaque origin): no cookies to read or write.
  const noCookies = () => {
    throw new DOMException("The document is sandboxed and lacks the 'allow-same-origin' flag.", "SecurityError");
  };
  define(docProto, "cookie", { get: noCookies, set: noCookies });
  define(docProto, "activeElement", {
    get(this: Document) {
      return active && (active as Element).isConnected ? active : this.body;
    },
  });
  class HTMLIFrameElement extends scope.HTMLElement {}
  // React DOM checks `x instanceof window.HTMLIFrameElement`; the polyfill's window is its own object.
  for (const target of [scope, scope.window]) Object.defineProperty(target, "HTMLIFrameElement", { value: HTMLIFrameElement, configurable: true, writable: true });
}
