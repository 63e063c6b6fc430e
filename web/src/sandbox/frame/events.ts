// Events from the mirrored tree to the component's worker, and form controls kept right while
// the worker catches up. Each forwarded event carries what handlers read (value, checked, keys,
// pointer position). Links never navigate the frame: a click on one is prevented here and the
// worker decides (it opens the link through the bridge's confirmed `link/open`). A value the
// worker sets on a control is held back while the control has newer input in flight or an IME
// composition open, and applied with the caret kept in place.
import type { EventDetail } from "../wire";
import type { Mirror } from "./mirror";

/** The events forwarded to the worker. */
export const FORWARDED = [
  "click", "dblclick", "contextmenu", "input", "change", "submit", "reset", "keydown", "keyup", "keypress",
  "focusin", "focusout", "pointerdown", "pointerup", "mousedown", "mouseup", "mouseover", "mouseout",
  "compositionstart", "compositionupdate", "compositionend", "toggle", "wheel",
] as const;

type Control = HTMLInputElement | HTMLTextAreaElement | HTMLSelectElement;

function isControl(t: EventTarget | null): t is Control {
  return t instanceof HTMLInputElement || t instanceof HTMLTextAreaElement || t instanceof HTMLSelectElement;
}

function detailOf(e: Event, mirror: Mirror): EventDetail {
  const d: EventDetail = {};
  const t = e.target;
  if (isControl(t)) {
    d.value = t.value;
    if (t instanceof HTMLSelectElement) d.selected = [...t.selectedOptions].map((o) => o.value);
    if (t instanceof HTMLInputElement) {
      d.checked = t.checked;
      try {
        d.selectionStart = t.selectionStart;
        d.selectionEnd = t.selectionEnd;
      } catch {
        // Inputs of some types (number, checkbox) have no selection.
      }
    } else if (t instanceof HTMLTextAreaElement) {
      d.selectionStart = t.selectionStart;
      d.selectionEnd = t.selectionEnd;
    }
  }
  if (e instanceof KeyboardEvent) Object.assign(d, { key: e.key, code: e.code, keyCode: e.keyCode, charCode: e.charCode, which: e.which, repeat: e.repeat, isComposing: e.isComposing });
  if (e instanceof KeyboardEvent || e instanceof MouseEvent) Object.assign(d, { altKey: e.altKey, ctrlKey: e.ctrlKey, metaKey: e.metaKey, shiftKey: e.shiftKey });
  if (e instanceof MouseEvent) Object.assign(d, { button: e.button, buttons: e.buttons, clientX: e.clientX, clientY: e.clientY, detail: e.detail });
  if (e instanceof WheelEvent) Object.assign(d, { deltaX: e.deltaX, deltaY: e.deltaY });
  if (e instanceof InputEvent) Object.assign(d, { inputType: e.inputType, data: e.data, isComposing: e.isComposing });
  if (e instanceof CompositionEvent) d.data = e.data;
  if (e instanceof FocusEvent) d.relatedTarget = e.relatedTarget instanceof Node ? mirror.idOf(e.relatedTarget) : null;
  return d;
}

/** Forwards the mirrored tree's events to the worker and keeps form controls consistent. */
export class EventForwarder {
  private seq = 0;
  private acked = 0;
  private readonly lastInput = new WeakMap<Element, number>();
  private readonly composing = new WeakSet<Element>();
  private readonly held = new Map<Element, Map<string, string | boolean>>();

  constructor(
    private readonly mirror: Mirror,
    private readonly send: (seq: number, target: string, type: string, detail: EventDetail) => void,
  ) {
    // Capture on the window: forwarded before the runtime's own form handling (forms.ts)
    // turns a submit button's click into a submit event, so the worker sees click then submit.
    for (const type of FORWARDED) window.addEventListener(type, (e) => this.forward(e), true);
  }

  /** Forwards one DOM event of the mirrored tree (also used for the runtime's own events). */
  forward(e: Event): void {
    const target = e.target instanceof Node ? e.target : null;
    if (!target || !this.mirror.root.contains(target) || target === this.mirror.root) return;
    const id = this.mirror.idOf(target);
    if (!id) return;
    if (e.type === "click" && target instanceof Element && target.closest("a")) e.preventDefault();
    if (e.type === "compositionstart" && target instanceof Element) this.composing.add(target);
    const seq = ++this.seq;
    if (isControl(target) && (e.type === "input" || e.type === "change" || e.type === "click")) {
      this.lastInput.set(target, seq);
      // Values the worker set before this input are superseded: it sends a new one if it differs.
      this.held.delete(target);
    }
    this.send(seq, id, e.type, detailOf(e, this.mirror));
    if (e.type === "compositionend" && target instanceof Element) {
      this.composing.delete(target);
      this.release(target);
    }
  }

  /** Sends a runtime-made event (e.g. a markdown editor's edit) to the worker's element `id`. */
  sendCustom(id: string, type: string, detail: EventDetail): void {
    this.send(++this.seq, id, type, detail);
  }

  /** The worker has handled every event up to `seq`. */
  ack(seq: number): void {
    if (seq > this.acked) this.acked = seq;
    for (const el of [...this.held.keys()]) this.release(el);
  }

  /**
   * A form control's property set by the worker. While newer input is on its way to the worker
   * it is dropped: the worker takes the frame's value with that input and sends a new one if the
   * component changes it. During an IME composition it waits for the composition to end.
   */
  property(el: Element, name: string, value: string | boolean): void {
    if ((this.lastInput.get(el) ?? 0) > this.acked) return;
    if (this.composing.has(el)) {
      let props = this.held.get(el);
      if (!props) this.held.set(el, (props = new Map()));
      props.set(name, value);
      return;
    }
    apply(el, name, value);
  }

  private isBusy(el: Element): boolean {
    return this.composing.has(el) || (this.lastInput.get(el) ?? 0) > this.acked;
  }

  private release(el: Element): void {
    const props = this.held.get(el);
    if (!props || this.isBusy(el)) return;
    this.held.delete(el);
    props.forEach((v, k) => apply(el, k, v));
  }
}

/** Sets a control's property; a new value keeps the caret at the same distance from the end. */
function apply(el: Element, name: string, value: string | boolean): void {
  if (name === "value" && typeof value === "string" && (el instanceof HTMLInputElement || el instanceof HTMLTextAreaElement)) {
    if (el.value === value) return;
    const focused = el.ownerDocument.activeElement === el;
    let caret: number | null;
    try {
      caret = focused ? el.selectionEnd : null;
    } catch {
      caret = null;
    }
    const fromEnd = caret === null ? 0 : el.value.length - caret;
    el.value = value;
    if (caret !== null) {
      const pos = Math.max(0, Math.min(value.length, value.length - fromEnd));
      try {
        el.setSelectionRange(pos, pos);
      } catch {
        // Not a text control.
      }
    }
    return;
  }
  if (name === "value" && typeof value === "string" && (el instanceof HTMLSelectElement || el instanceof HTMLOptionElement)) {
    el.value = value;
    return;
  }
  if (typeof value === "boolean") {
    if (name === "checked" && el instanceof HTMLInputElement) el.checked = value;
    else if (name === "indeterminate" && el instanceof HTMLInputElement) el.indeterminate = value;
    else if (name === "selected" && el instanceof HTMLOptionElement) el.selected = value;
  }
}
