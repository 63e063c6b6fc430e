// Events from the frame, replayed on the worker's elements: form control state first (what the
// user typed or ticked, without echoing it back), then the event with the fields handlers read,
// dispatched inside React's flushSync so the component's re-render is sent with the event's
// acknowledgement. A click on a link the component did not handle opens it through the bridge
// (the host asks the user first).
import { flushSync } from "react-dom";
import { FrameMethods } from "../../shared/protocol";
import { request } from "../bridge";
import type { EventDetail } from "../wire";
import { acknowledge, flush } from "./connection";
import { setActive, setFromFrame } from "./dom";

const NOT_BUBBLING = new Set(["focus", "blur", "mouseenter", "mouseleave", "toggle"]);
/** Events after which the frame waits for the worker's answer before it shows a control's value. */
const URGENT = new Set(["input", "change", "click", "compositionend"]);

/** Finds the worker's element for a frame id. */
export type Lookup = (id: string) => Element | null;

function make(type: string, detail: EventDetail, relatedTarget: Element | null): Event {
  const EventClass = (globalThis as unknown as { Event: typeof Event }).Event;
  const e = new EventClass(type, { bubbles: !NOT_BUBBLING.has(type), cancelable: true });
  const fields: Record<string, unknown> = { ...detail, relatedTarget };
  delete fields.value;
  delete fields.selected;
  delete fields.checked;
  delete fields.selectionStart;
  delete fields.selectionEnd;
  delete fields.content;
  if (detail.content !== undefined) fields.detail = { content: detail.content };
  fields.getModifierState = (key: string) =>
    (key === "Shift" && !!detail.shiftKey) || (key === "Control" && !!detail.ctrlKey) || (key === "Alt" && !!detail.altKey) || (key === "Meta" && !!detail.metaKey);
  for (const [k, v] of Object.entries(fields)) Object.defineProperty(e, k, { value: v, configurable: true, enumerable: true });
  return e;
}

function linkOf(el: Element): string | null {
  for (let n: Element | null = el; n; n = n.parentNode as Element | null) {
    if (n.localName === "a") return n.getAttribute("href");
  }
  return null;
}

/** Replays one frame event on the worker's tree and acknowledges it. */
export function replay(lookup: Lookup, seq: number, target: string, type: string, detail: EventDetail): void {
  const el = lookup(target);
  // Changes made before this event go out with the previous acknowledgement, so the frame can
  // tell them from the ones that answer it.
  flush();
  try {
    if (!el) return;
    setFromFrame(el, detail);
    const related = detail.relatedTarget ? lookup(detail.relatedTarget) : null;
    const events: [string, Element][] = [];
    if (type === "focusin") {
      setActive(el);
      events.push(["focus", el], ["focusin", el]);
    } else if (type === "focusout") {
      setActive(related);
      events.push(["blur", el], ["focusout", el]);
    } else events.push([type, el]);
    let prevented = false;
    flushSync(() => {
      for (const [t, on] of events) {
        const e = make(t, detail, related);
        on.dispatchEvent(e);
        prevented ||= e.defaultPrevented;
      }
    });
    if (type === "click" && !prevented) {
      const href = linkOf(el);
      if (href && /^https?:/i.test(href.trim())) request(FrameMethods.openLink, { url: href.trim() }).catch(() => undefined);
    }
  } finally {
    acknowledge(seq, URGENT.has(type));
  }
}
